//! Stage 3 and 4: render every body's Markdown (in parallel), then every
//! page through its template (in parallel), into in-memory output files.

pub mod cite;
pub mod indexes;
pub mod library;
pub mod sources;
pub mod templates;
pub mod views;

use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use tera::Context;

use crate::error::{Diagnostic, Error, Result};
use crate::key::{Key, KeyHasher};
use crate::markdown::{Document, Markdown, Rendered};
use crate::site::{Collection, PageId, SectionId, Site};

crate::index_by_id!(PageId => Arc<Rendered>);
crate::index_by_id!(SectionId => Arc<Rendered>);
pub use indexes::Indexes;
pub use library::{LibraryInput, library, library_input, term_infos};
pub use templates::Templates;
use views::Views;

/// The rendered bodies of a site, index-aligned with its pages, sections
/// and sources (shared: `serve` keeps the unchanged ones between
/// generations).
pub struct Bodies {
    pub pages: Vec<Arc<Rendered>>,
    pub sections: Vec<Arc<Rendered>>,
    pub sources: Vec<Arc<Rendered>>,
    /// Glossary definitions, index-aligned with `site.glossary.items`.
    pub glossary: Vec<Arc<Rendered>>,
    /// Entity descriptions, index-aligned with `site.entities.items`.
    pub entities: Vec<Arc<Rendered>>,
}

/// A rendered body and the page it appears on.
pub struct DocRef<'a> {
    /// The file the body comes from.
    pub file: &'a crate::content::SourceFile,
    pub title: String,
    pub path: String,
    pub rendered: &'a Rendered,
    /// Whether it is a page or section of the content tree (as opposed to a
    /// glossary entry or another collection item).
    pub is_content: bool,
}

impl Bodies {
    /// Every rendered body with the page it appears on, in path order.
    pub fn documents<'a>(&'a self, site: &'a Site) -> Vec<DocRef<'a>> {
        let title = |t: &Option<String>| t.clone().unwrap_or_default();
        let mut docs: Vec<DocRef<'a>> = site
            .pages
            .iter()
            .zip(&self.pages)
            .map(|(p, r)| DocRef {
                file: &p.file,
                title: title(&p.meta.title),
                path: p.path.clone(),
                rendered: r,
                is_content: true,
            })
            .chain(
                site.sections
                    .iter()
                    .zip(&self.sections)
                    .map(|(s, r)| DocRef {
                        file: &s.file,
                        title: title(&s.meta.title),
                        path: s.path.clone(),
                        rendered: r,
                        is_content: true,
                    }),
            )
            .chain(
                site.glossary
                    .items
                    .iter()
                    .zip(&self.glossary)
                    .map(|(g, r)| DocRef {
                        file: &g.parsed.file,
                        title: format!("Glossary: {}", g.parsed.meta.term),
                        path: Collection::Glossary.index_path(),
                        rendered: r,
                        is_content: false,
                    }),
            )
            .chain(
                site.entities
                    .items
                    .iter()
                    .zip(&self.entities)
                    .map(|(e, r)| DocRef {
                        file: &e.parsed.file,
                        title: e.parsed.meta.title.clone(),
                        path: Collection::Entities.item_path(&e.id),
                        rendered: r,
                        is_content: false,
                    }),
            )
            .collect();
        docs.sort_by(|a, b| a.path.cmp(&b.path).then(a.title.cmp(&b.title)));
        docs
    }
}

impl Bodies {
    /// Every body, to change in place (only those not shared).
    pub fn all_mut(&mut self) -> impl Iterator<Item = &mut Rendered> {
        self.pages
            .iter_mut()
            .chain(&mut self.sections)
            .chain(&mut self.sources)
            .chain(&mut self.glossary)
            .chain(&mut self.entities)
            .filter_map(Arc::get_mut)
    }

    /// How many bodies there are (the length of the fresh flags `serve` keeps).
    pub fn diagnostics_len(&self) -> usize {
        self.pages.len()
            + self.sections.len()
            + self.sources.len()
            + self.glossary.len()
            + self.entities.len()
    }

    /// Every diagnostic the Markdown passes reported.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.pages
            .iter()
            .chain(&self.sections)
            .chain(&self.sources)
            .chain(&self.glossary)
            .chain(&self.entities)
            .flat_map(|r| r.diagnostics.iter())
    }
}

/// A page's body, as the Markdown renderer takes it.
pub fn page_document(p: &crate::site::Page) -> Document<'_> {
    content_document(&p.file, &p.path, &p.meta)
}

/// A section's body, as the Markdown renderer takes it.
pub fn section_document(s: &crate::site::Section) -> Document<'_> {
    content_document(&s.file, &s.path, &s.meta)
}

/// A page's or section's body: it has its own HTML page (no id prefix) and
/// its terms link themselves.
pub fn content_document<'a>(
    file: &'a crate::content::SourceFile,
    path: &'a str,
    meta: &'a crate::content::PageMeta,
) -> Document<'a> {
    Document {
        file,
        path,
        citations: &meta.citations,
        id_prefix: "",
        autolink: true,
    }
}

/// Renders the Markdown of every page, section and source.
pub fn render_markdown(site: &Site, markdown: &Markdown) -> Bodies {
    render_bodies(site, &|doc| Arc::new(markdown.render(doc)))
}

/// Every body of the site, each made by `body` from its [`Document`] (in
/// parallel): the one place where the documents of a site are made.
pub fn render_bodies(site: &Site, body: &(dyn Fn(Document<'_>) -> Arc<Rendered> + Sync)) -> Bodies {
    let pages = site
        .pages
        .par_iter()
        .map(|p| body(page_document(p)))
        .collect();
    let sections = site
        .sections
        .par_iter()
        .map(|s| body(section_document(s)))
        .collect();
    let sources = site
        .sources
        .items
        .par_iter()
        .map(|item| {
            let path = Collection::Sources.item_path(&item.id);
            body(Document {
                file: &item.parsed.file,
                path: &path,
                citations: &[],
                id_prefix: "",
                autolink: true,
            })
        })
        .collect();
    let glossary_path = Collection::Glossary.index_path();
    let glossary = site
        .glossary
        .items
        .par_iter()
        .map(|item| {
            let prefix = format!("{}-", crate::text::slugify(&item.id));
            body(Document {
                file: &item.parsed.file,
                path: &glossary_path,
                citations: &item.parsed.meta.citations,
                id_prefix: &prefix,
                autolink: false,
            })
        })
        .collect();
    let entities = site
        .entities
        .items
        .par_iter()
        .map(|item| {
            let path = Collection::Entities.item_path(&item.id);
            body(Document {
                file: &item.parsed.file,
                path: &path,
                citations: &item.parsed.meta.citations,
                id_prefix: "",
                autolink: true,
            })
        })
        .collect();
    Bodies {
        pages,
        sections,
        sources,
        glossary,
        entities,
    }
}

/// A file of the output, relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// The output file for a URL path: `/a/b/` → `a/b/index.html`.
pub fn file_for_path(path: &str) -> PathBuf {
    let trimmed = path.trim_matches('/');
    if trimmed.ends_with(".html") || trimmed.ends_with(".htm") || trimmed.ends_with(".xml") {
        PathBuf::from(trimmed)
    } else if trimmed.is_empty() {
        PathBuf::from("index.html")
    } else {
        PathBuf::from(trimmed).join("index.html")
    }
}

/// One templated output of a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Page(PageId),
    Section(SectionId),
    /// `/sources/<id>/` of `site.sources.items[i]`.
    Source(usize),
    /// `/entities/<id>/` of `site.entities.items[i]`.
    Entity(usize),
    /// The index page of a collection.
    Index(Collection),
    /// `/404.html`.
    NotFound,
}

/// Renders every output of the site through the templates, in memory, in
/// the order of [`targets`] (what the fuzzer runs; the engine renders
/// through [`render_each`]).
pub fn render_templates(
    site: &Site,
    bodies: &Bodies,
    templates: &Templates,
    assets: &std::collections::BTreeMap<String, String>,
) -> Result<Vec<OutputFile>> {
    let indexes = Indexes::new(site, bodies);
    let targets = targets(site, templates);
    let done = std::sync::Mutex::new(Vec::with_capacity(targets.len()));
    render_each(
        site,
        bodies,
        &indexes,
        templates,
        assets,
        &targets,
        None,
        &|k, _, m| {
            if let Some(bytes) = m.bytes {
                let f = OutputFile {
                    path: m.path,
                    bytes,
                };
                done.lock().unwrap_or_else(|e| e.into_inner()).push((k, f));
            }
            Ok(())
        },
    )?;
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_unstable_by_key(|(k, _)| *k);
    Ok(done.into_iter().map(|(_, f)| f).collect())
}

/// Every templated output a site has, in the order pages, sections,
/// sources, entities, collection indexes, 404 page.
pub fn targets(site: &Site, templates: &Templates) -> Vec<Target> {
    site.page_ids()
        .map(Target::Page)
        .chain(site.section_ids().map(Target::Section))
        .chain((0..site.sources.items.len()).map(Target::Source))
        .chain((0..site.entities.items.len()).map(Target::Entity))
        .chain(
            Collection::ALL
                .into_iter()
                .filter(|&c| site.has_index(c))
                .map(Target::Index),
        )
        .chain(templates.has("404.html").then_some(Target::NotFound))
        .collect()
}

/// The URL path of the output a target writes: what the build plans and
/// checks, and what [`render_each`] renders it at.
pub fn target_path(site: &Site, target: Target) -> String {
    match target {
        Target::Page(i) => site.pages[i].path.clone(),
        Target::Section(i) => site.sections[i].path.clone(),
        Target::Source(i) => Collection::Sources.item_path(&site.sources.items[i].id),
        Target::Entity(i) => Collection::Entities.item_path(&site.entities.items[i].id),
        Target::Index(c) => c.index_path(),
        Target::NotFound => "/404.html".to_string(),
    }
}

/// The file of the output a target writes.
pub fn target_file(site: &Site, target: Target) -> PathBuf {
    file_for_path(&target_path(site, target))
}

/// One output as [`render_each`] hands it over.
pub struct Made {
    /// Its file, relative to the output folder.
    pub path: PathBuf,
    /// The key of everything its template saw: the templates, the context
    /// and the output path (made only when the caller asks with `known`).
    pub key: Option<Key>,
    /// What the template wrote; `None` when `known` said that the caller has
    /// the output of this key already (the template did not run).
    pub bytes: Option<Vec<u8>>,
}

/// Where [`render_each`] hands each output as soon as it is made: its
/// place in the list of targets, the target and the output. Called from
/// many threads at once.
pub type Sink<'s> = dyn Fn(usize, Target, Made) -> Result<()> + Sync + 's;

/// Whether the caller has the output at a path made with a key already.
pub type Known<'k> = dyn Fn(&std::path::Path, Key) -> bool + Sync + 'k;

/// Renders `targets` (in parallel) and hands each output to `sink` as soon
/// as it is made, so that no more of the output is held in memory than the
/// sink keeps. With `known`, each output's key is made first, and the
/// template runs only if `known` does not have it. The errors of all
/// targets (and of the sink) are reported together, each template error
/// once.
#[allow(clippy::too_many_arguments)]
pub fn render_each<'s>(
    site: &'s Site,
    bodies: &'s Bodies,
    indexes: &'s Indexes,
    templates: &Templates,
    assets: &std::collections::BTreeMap<String, String>,
    targets: &[Target],
    known: Option<&Known<'_>>,
    sink: &Sink<'_>,
) -> Result<()> {
    let views = Views {
        site,
        page_bodies: &bodies.pages,
        section_bodies: &bodies.sections,
        source_bodies: &bodies.sources,
        glossary_bodies: &bodies.glossary,
        claims: &indexes.claims,
        term_pages: &indexes.term_pages,
        terms: &indexes.terms,
        entity_bodies: &bodies.entities,
        mentions: &indexes.mentions,
        index_keys: indexes.keys.as_ref(),
    };
    let config = views.config();
    let site_view = views.site_view();
    let sources = views.source_summaries();
    let glossary = views.glossary_summaries();
    let entities = views.entity_summaries();
    // What every output's context holds: the start of every output's key.
    let base_key = known.map(|_| {
        let mut h = KeyHasher::new("output");
        h.add(&templates.key());
        h.value(&config)
            .value(&site_view)
            .value(&sources)
            .value(&glossary)
            .value(&entities)
            .value(assets)
            // What pages and listings read of the site's citation style:
            // the sources' formatted entries, and the formatter of the
            // page's own citation (its style's text included).
            .value(&views.site.bibliography)
            .add(&format!("{:?}", views.site.page_citations));
        h.key()
    });
    let mut base = Context::new();
    base.insert("config", &config);
    base.insert("site", &site_view);
    base.insert("sources", &sources);
    base.insert("glossary", &glossary);
    base.insert("entities", &entities);
    base.insert("assets", assets);

    // The key of one output (when asked for): what every output shares,
    // the template, the output's place, and what `feed` adds of its view.
    let key_of = |template: &str, path: &str, feed: &dyn Fn(&mut KeyHasher)| {
        base_key.map(|base| {
            let mut h = KeyHasher::new("output");
            h.add(&base)
                .add(template)
                .add(path)
                .add(&site.config.permalink(path));
            feed(&mut h);
            h.key()
        })
    };
    // Whether the caller has the output of `key` at `path` already.
    let has = |path: &str, key: Option<Key>| -> Option<Made> {
        let out = file_for_path(path);
        let known = known?;
        known(&out, key?).then_some(Made {
            path: out,
            key,
            bytes: None,
        })
    };
    // The template of one output.
    let write = |template: &str,
                 path: &str,
                 head: &views::HeadView<'_>,
                 value: Option<(&'static str, &dyn erased::Value)>,
                 made_key: Option<Key>|
     -> Result<Made> {
        let out = file_for_path(path);
        let current_url = site.config.permalink(path);
        let mut cx = base.clone();
        if let Some((key, value)) = value {
            value.insert_into(&mut cx, key);
        }
        cx.insert("head", head);
        cx.insert("current_path", path);
        cx.insert("current_url", &current_url);
        let html = templates.render(template, cx, path)?;
        Ok(Made {
            path: out,
            key: made_key,
            bytes: Some(html.into_bytes()),
        })
    };
    // One output: its key first (when asked for), then, unless the caller
    // has the output of that key, its template.
    let make = |template: &str,
                path: &str,
                head: &views::HeadView<'_>,
                value: Option<(&'static str, &dyn erased::Value)>|
     -> Result<Made> {
        let made_key = key_of(template, path, &|h| {
            if let Some((key, value)) = value {
                h.add(key);
                value.hash_into(h);
            }
            h.value(head);
        });
        if let Some(made) = has(path, made_key) {
            return Ok(made);
        }
        write(template, path, head, value, made_key)
    };
    let exists = |template: &str, file: &crate::content::SourceFile| -> Result<()> {
        if templates.has(template) {
            return Ok(());
        }
        Err(file
            .error_at(
                format!("template `{template}` not found in templates/ or the theme"),
                file.front_matter_span(template),
            )
            .into())
    };
    let render = |template: &str,
                  file: &crate::content::SourceFile,
                  path: &str,
                  key: &'static str,
                  value: &dyn erased::Value|
     -> Result<Made> {
        exists(template, file)?;
        make(template, path, &value.head(), Some((key, value)))
    };
    // An output keyed by what its view reads (`feed`, where that has keys)
    // instead of by the view: the view of an output the caller has is
    // never made.
    let by_inputs = |template: &str,
                     file: &crate::content::SourceFile,
                     path: &str,
                     name: &'static str,
                     feed: &dyn Fn(&mut KeyHasher) -> bool,
                     view: &dyn Fn() -> Box<dyn erased::Value + 's>|
     -> Result<Made> {
        exists(template, file)?;
        let inputs = base_key.and_then(|_| {
            let mut h = KeyHasher::new("inputs");
            feed(&mut h).then(|| h.key())
        });
        let Some(inputs) = inputs else {
            let view = view();
            return make(template, path, &view.head(), Some((name, &*view)));
        };
        let made_key = key_of(template, path, &|h| {
            h.add(&inputs);
        });
        if let Some(made) = has(path, made_key) {
            return Ok(made);
        }
        let view = view();
        write(template, path, &view.head(), Some((name, &*view)), made_key)
    };
    let relations = std::sync::LazyLock::new(|| views.entity_relations());
    let not_found = || -> Result<Made> {
        let head = views::HeadView {
            title: "Page not found",
            description: "",
            kind: "website",
            date: None,
            updated: None,
        };
        make("404.html", "/404.html", &head, None)
    };

    // The listings (sources, indexes) are the largest outputs: they start
    // first, so that the parallel render does not end on one of them alone.
    let mut order: Vec<usize> = (0..targets.len()).collect();
    order.sort_by_key(|&k| !matches!(targets[k], Target::Source(_) | Target::Index(_)));

    let errors: Vec<Diagnostic> = order
        .into_par_iter()
        .flat_map_iter(|k| {
            let t = targets[k];
            let file = match t {
                Target::Page(i) => {
                    let p = &site.pages[i];
                    by_inputs(
                        p.meta.template.as_deref().unwrap_or("page.html"),
                        &p.file,
                        &p.path,
                        "page",
                        &|h| {
                            let inputs = views.page_inputs(i);
                            h.value(&inputs);
                            inputs.has_keys()
                        },
                        &|| Box::new(views.page(views.page_inputs(i))),
                    )
                }
                Target::Section(i) => {
                    let s = &site.sections[i];
                    let default = if i == SectionId::HOME {
                        "index.html"
                    } else {
                        "section.html"
                    };
                    let template = s.meta.template.as_deref().unwrap_or(default);
                    render(template, &s.file, &s.path, "section", &views.section(i))
                }
                Target::Source(i) => {
                    let item = &site.sources.items[i];
                    by_inputs(
                        "source.html",
                        &item.parsed.file,
                        &target_path(site, t),
                        "source",
                        &|h| views.source_inputs(i, h),
                        &|| Box::new(views.source(i)),
                    )
                }
                Target::Entity(i) => {
                    let item = &site.entities.items[i];
                    by_inputs(
                        "entity.html",
                        &item.parsed.file,
                        &target_path(site, t),
                        "entity",
                        &|h| views.entity_inputs(i, *relations, h),
                        &|| Box::new(views.entity(i)),
                    )
                }
                Target::Index(c) => render_collection_index(c, site, &views, &render),
                Target::NotFound => not_found(),
            };
            let result = file.and_then(|f| sink(k, t, f));
            result.err().into_iter().flat_map(|e| e.diagnostics)
        })
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    // The same template error shows up once per page; report it once, in
    // a stable order.
    let mut seen = std::collections::HashSet::new();
    let mut errors: Vec<Diagnostic> = errors
        .into_iter()
        .filter(|d| seen.insert(d.render()))
        .collect();
    crate::error::sort_diagnostics(&mut errors);
    Err(Error::from_diagnostics(errors))
}

type RenderFn<'r> = dyn Fn(&str, &crate::content::SourceFile, &str, &'static str, &dyn erased::Value) -> Result<Made>
    + 'r;

/// The index page of a collection (`/glossary/`, `/sources/`): the
/// template `<name>.html`, with the collection's `_index.md` if it has one.
fn render_collection_index(
    c: Collection,
    site: &Site,
    views: &Views<'_>,
    render: &RenderFn<'_>,
) -> Result<Made> {
    let name = c.name();
    let intro = site.intro(c);
    let empty = crate::content::SourceFile {
        rel: format!("content/{name}/_index.md").into(),
        text: std::sync::Arc::from(""),
        front_matter: 0..0,
        body_start: 0,
    };
    let view = views.collection_index(c, intro.map(|p| &p.meta));
    render(
        &format!("{name}.html"),
        intro.map_or(&empty, |p| &p.file),
        &c.index_path(),
        "section",
        &view,
    )
}

/// Object-safe insertion of differently typed views into a context.
mod erased {
    use super::views::{Head, HeadView};
    use crate::key::KeyHasher;

    pub trait Value: Sync {
        fn insert_into(&self, cx: &mut tera::Context, key: &'static str);
        fn hash_into(&self, h: &mut KeyHasher);
        fn head(&self) -> HeadView<'_>;
    }
    impl<T: serde::Serialize + Sync + Head> Value for T {
        fn insert_into(&self, cx: &mut tera::Context, key: &'static str) {
            cx.insert(key, self);
        }
        fn hash_into(&self, h: &mut KeyHasher) {
            h.value(self);
        }
        fn head(&self) -> HeadView<'_> {
            Head::head(self)
        }
    }
}
