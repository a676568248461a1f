//! Stage 2, *resolve*: turns the loaded [`Content`] into the immutable
//! [`Site`] model: URLs, the section tree, sorting, previous/next links,
//! redirects, and the checks that need the whole site (duplicate URLs).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
pub use crate::content::Collection;
use crate::content::{
    CollectionItems, Content, ContentPage, EntityMeta, PageMeta, SortBy, SourceFile, SourceMeta,
    TermMeta,
};
use crate::error::{Diagnostic, Diagnostics, Result};
use crate::text::slugify;

/// A page, by its place in [`Site::pages`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageId(pub usize);

/// A section, by its place in [`Site::sections`] (parents before children).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SectionId(pub usize);

impl SectionId {
    /// The section at the site root.
    pub const HOME: SectionId = SectionId(0);
}

/// `list[id]` for the lists a [`PageId`] or [`SectionId`] indexes (the
/// site's, and those index-aligned with them).
#[doc(hidden)]
#[macro_export]
macro_rules! index_by_id {
    ($id:ty => $($t:ty),+) => {$(
        impl std::ops::Index<$id> for Vec<$t> {
            type Output = $t;
            fn index(&self, id: $id) -> &$t {
                &self[id.0]
            }
        }
        impl std::ops::IndexMut<$id> for Vec<$t> {
            fn index_mut(&mut self, id: $id) -> &mut $t {
                &mut self[id.0]
            }
        }
        impl std::ops::Index<$id> for [$t] {
            type Output = $t;
            fn index(&self, id: $id) -> &$t {
                &self[id.0]
            }
        }
    )+};
}
index_by_id!(PageId => Page);
index_by_id!(SectionId => Section);

impl Site {
    /// Every page's id, in the order of [`Site::pages`].
    pub fn page_ids(&self) -> impl Iterator<Item = PageId> + use<> {
        (0..self.pages.len()).map(PageId)
    }

    /// Every section's id, in the order of [`Site::sections`].
    pub fn section_ids(&self) -> impl Iterator<Item = SectionId> + use<> {
        (0..self.sections.len()).map(SectionId)
    }
}

/// A page, with its place in the site.
#[derive(Debug, Clone)]
pub struct Page {
    pub file: SourceFile,
    pub meta: PageMeta,
    pub slug: String,
    /// URL path, e.g. `/briefing/vulnerability-mining/`.
    pub path: String,
    /// Its section.
    pub section: SectionId,
    /// Neighbours in the section's order.
    pub previous: Option<PageId>,
    pub next: Option<PageId>,
}

/// A section: an `_index.md` and the pages beside and below it.
#[derive(Debug, Clone)]
pub struct Section {
    pub file: SourceFile,
    pub meta: PageMeta,
    /// Folder relative to `content/` (empty for the home page).
    pub dir: PathBuf,
    pub path: String,
    pub parent: Option<SectionId>,
    /// Its pages, sorted by the section's `sort_by`.
    pub pages: Vec<PageId>,
    /// Its direct subsections, in path order.
    pub subsections: Vec<SectionId>,
}

/// A redirect from an earlier URL of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub from: String,
    pub to: String,
}

/// A non-Markdown file under `content/`, copied to the output.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Relative to `content/`.
    pub source: PathBuf,
    /// Relative to the output folder.
    pub target: PathBuf,
}

/// The whole site, resolved. Immutable once built.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub sections: Vec<Section>,
    pub pages: Vec<Page>,
    pub glossary: CollectionItems<TermMeta>,
    pub entities: CollectionItems<EntityMeta>,
    pub sources: CollectionItems<SourceMeta>,
    /// The texts of sources, sorted by id.
    pub texts: Vec<crate::content::Text>,
    pub redirects: Vec<Redirect>,
    pub assets: Vec<Asset>,
    /// Each source's bibliographic entry in the site's citation style, by
    /// source id.
    pub bibliography: std::collections::BTreeMap<String, crate::csl::Formatted>,
    /// The "Cite this" citations of its pages in its citation style.
    pub page_citations: crate::csl::PageCitations,
}

impl Site {
    /// Whether a collection has an index page: it has items or an
    /// `_index.md`.
    pub fn has_index(&self, c: Collection) -> bool {
        match c {
            Collection::Entities => {
                !self.entities.items.is_empty() || self.entities.intro.is_some()
            }
            Collection::Glossary => {
                !self.glossary.items.is_empty() || self.glossary.intro.is_some()
            }
            Collection::Sources => !self.sources.items.is_empty() || self.sources.intro.is_some(),
        }
    }

    /// A collection's `_index.md`, if it has one.
    pub fn intro(
        &self,
        c: Collection,
    ) -> Option<&crate::content::Parsed<crate::content::PageMeta>> {
        match c {
            Collection::Entities => self.entities.intro.as_ref(),
            Collection::Glossary => self.glossary.intro.as_ref(),
            Collection::Sources => self.sources.intro.as_ref(),
        }
    }

    /// Resolves `content` under `config`.
    pub fn resolve(config: Config, content: Content) -> Result<Site> {
        let mut diags = Diagnostics::default();
        let Content {
            sections: content_sections,
            pages: content_pages,
            glossary,
            entities,
            sources,
            texts,
            assets,
        } = content;
        check_text_pages(&sources, &texts, &mut diags);

        // Drafts: a draft section hides everything below it.
        let draft_dirs: Vec<PathBuf> = content_sections
            .iter()
            .filter(|s| s.parsed.meta.draft && !config.drafts)
            .map(|s| s.dir.clone())
            .collect();
        let hidden = |dir: &Path| draft_dirs.iter().any(|d| dir.starts_with(d));

        // Sections, parents before children.
        let mut by_dir: BTreeMap<PathBuf, ContentPage> = content_sections
            .into_iter()
            .filter(|s| !hidden(&s.dir))
            .map(|s| (s.dir.clone(), s))
            .collect();
        if !by_dir.contains_key(Path::new("")) {
            by_dir.insert(PathBuf::new(), implicit_home(&config));
        }
        let mut sections: Vec<Section> = Vec::with_capacity(by_dir.len());
        let mut index_of_dir: HashMap<PathBuf, SectionId> = HashMap::new();
        for (dir, s) in by_dir {
            let parent = nearest_section(&index_of_dir, dir.parent());
            let meta = s.parsed.meta;
            let file = s.parsed.file;
            let path = match (&meta.path, parent) {
                (Some(p), _) => diags.take(normalize_path(p, &file)),
                (None, None) => Some("/".to_string()),
                (None, Some(parent)) => {
                    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                    diags
                        .take(slug_for(meta.slug.as_deref(), name, &file))
                        .map(|slug| format!("{}{slug}/", sections[parent].path))
                }
            };
            let Some(path) = path else { continue };
            let idx = SectionId(sections.len());
            if let Some(p) = parent {
                sections[p].subsections.push(idx);
            }
            index_of_dir.insert(dir.clone(), idx);
            sections.push(Section {
                file,
                meta,
                dir,
                path,
                parent,
                pages: Vec::new(),
                subsections: Vec::new(),
            });
        }

        // Pages.
        let mut pages: Vec<Page> = Vec::with_capacity(content_pages.len());
        for p in content_pages {
            if (p.parsed.meta.draft && !config.drafts) || hidden(&p.dir) {
                continue;
            }
            let file = p.parsed.file;
            let meta = p.parsed.meta;
            if meta.sort_by.is_some() {
                diags.push(file.error_at(
                    "`sort_by` belongs in a section's _index.md, not in a page",
                    file.front_matter_span("sort_by"),
                ));
            }
            // `dir/index.md` is the page `dir`, with its assets beside it.
            let (dir, name) = if p.stem == "index" && !p.dir.as_os_str().is_empty() {
                let name = p
                    .dir
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                (
                    p.dir.parent().unwrap_or(Path::new("")).to_path_buf(),
                    name.to_string(),
                )
            } else {
                (p.dir.clone(), p.stem.clone())
            };
            let section = nearest_section(&index_of_dir, Some(&dir)).unwrap_or(SectionId::HOME);
            let Some(slug) = diags.take(slug_for(meta.slug.as_deref(), &name, &file)) else {
                continue;
            };
            let path = match &meta.path {
                Some(path) => diags.take(normalize_path(path, &file)),
                None => {
                    let mut path = sections[section].path.clone();
                    let below = dir
                        .strip_prefix(&sections[section].dir)
                        .unwrap_or(Path::new(""));
                    for c in below.components() {
                        path.push_str(&slugify(&c.as_os_str().to_string_lossy()));
                        path.push('/');
                    }
                    Some(format!("{path}{slug}/"))
                }
            };
            let Some(path) = path else { continue };
            pages.push(Page {
                file,
                meta,
                slug,
                path,
                section,
                previous: None,
                next: None,
            });
        }
        pages.sort_by(|a, b| a.file.rel.cmp(&b.file.rel));

        // Sorting and neighbours.
        for (i, page) in pages.iter().enumerate() {
            sections[page.section].pages.push(PageId(i));
        }
        for section in &mut sections {
            let sort_by = section.meta.sort_by.unwrap_or_default();
            section
                .pages
                .sort_by(|&a, &b| compare_pages(&pages[a], &pages[b], sort_by));
            for w in section.pages.windows(2) {
                pages[w[0]].next = Some(w[1]);
                pages[w[1]].previous = Some(w[0]);
            }
        }

        // Redirects.
        let mut redirects = Vec::new();
        for page in pages
            .iter()
            .map(|p| (&p.file, &p.meta, &p.path))
            .chain(sections.iter().map(|s| (&s.file, &s.meta, &s.path)))
        {
            let (file, meta, path) = page;
            for alias in &meta.aliases {
                if let Some(from) = diags.take(normalize_alias(alias, file)) {
                    redirects.push((
                        file,
                        Redirect {
                            from,
                            to: path.clone(),
                        },
                    ));
                }
            }
        }

        check_unique_urls(
            &sections, &pages, &redirects, &glossary, &entities, &sources, &mut diags,
        );
        let redirects: Vec<Redirect> = redirects.into_iter().map(|(_, r)| r).collect();

        let assets = assets
            .into_iter()
            .filter(|a| !hidden(a.parent().unwrap_or(Path::new(""))))
            .map(|a| Asset {
                target: a.clone(),
                source: a,
            })
            .collect();

        diags.finish()?;
        let (mut sections, mut pages, mut sources, mut entities) =
            (sections, pages, sources, entities);
        if config.markdown.smart_punctuation {
            // Titles and descriptions get the typography of the bodies.
            for meta in pages
                .iter_mut()
                .map(|p| &mut p.meta)
                .chain(sections.iter_mut().map(|s| &mut s.meta))
            {
                smarten(&mut meta.title);
                smarten(&mut meta.description);
            }
            for item in &mut sources.items {
                let m = &mut item.parsed.meta;
                m.title = crate::text::smart_punctuation(&m.title).into_owned();
                smarten(&mut m.short);
                smarten(&mut m.publisher);
            }
            for item in &mut entities.items {
                smarten(&mut item.parsed.meta.description);
            }
        }
        let bibliography = bibliography(&config, &sources);
        let page_citations = crate::csl::PageCitations::new(
            &config.citation_style,
            &config.language,
            &config.title,
            // A publisher that is the site itself is not named twice.
            if config.publisher == config.title {
                ""
            } else {
                &config.publisher
            },
            &config.author,
        );
        Ok(Site {
            bibliography,
            page_citations,
            config,
            sections,
            pages,
            glossary,
            entities,
            sources,
            texts,
            redirects,
            assets,
        })
    }

    /// The text of source `id`, if it has one.
    pub fn text(&self, id: &str) -> Option<&crate::content::Text> {
        self.texts
            .binary_search_by(|t| t.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.texts[i])
    }

    /// The section at the site root.
    pub fn home(&self) -> &Section {
        &self.sections[SectionId::HOME]
    }

    /// The newest `updated` (or `date`) of any page or section, as a day.
    pub fn last_updated(&self) -> Option<&str> {
        self.pages
            .iter()
            .map(|p| &p.meta)
            .chain(self.sections.iter().map(|s| &s.meta))
            .filter_map(|m| m.updated.as_ref().or(m.date.as_ref()))
            .map(|d| d.day())
            .max()
    }

    /// A section's ancestors from the home page down, the section included.
    pub fn section_chain(&self, mut idx: SectionId) -> Vec<SectionId> {
        let mut chain = vec![idx];
        while let Some(p) = self.sections[idx].parent {
            chain.push(p);
            idx = p;
        }
        chain.reverse();
        chain
    }
}

/// Where a source gives `pages` and has a text, a numbered page of the text
/// beyond `pages` is an error.
fn check_text_pages(
    sources: &CollectionItems<SourceMeta>,
    texts: &[crate::content::Text],
    diags: &mut Diagnostics,
) {
    for t in texts {
        let Some(max) = sources.get(&t.id).and_then(|s| s.parsed.meta.pages) else {
            continue;
        };
        for n in t.text.numbers().filter(|&n| n > max) {
            let marker = format!("=== page {n} ===");
            let span = t
                .file
                .text
                .find(&marker)
                .map_or(0..0, |i| i..i + marker.len());
            diags.push(
                t.file
                    .error_at(
                        format!(
                            "page {n} is beyond the {max} pages that content/sources/{}.md gives",
                            t.id
                        ),
                        span,
                    )
                    .with_help("correct `pages` in the source's front matter, or the page marker"),
            );
        }
    }
}

fn implicit_home(config: &Config) -> ContentPage {
    let text: Arc<str> = Arc::from("");
    ContentPage {
        dir: PathBuf::new(),
        stem: "_index".into(),
        parsed: crate::content::Parsed {
            file: SourceFile {
                rel: PathBuf::from("content/_index.md"),
                text,
                front_matter: 0..0,
                body_start: 0,
            },
            meta: PageMeta {
                title: Some(config.title.clone()),
                ..PageMeta::default()
            },
        },
    }
}

fn nearest_section(
    index_of_dir: &HashMap<PathBuf, SectionId>,
    mut dir: Option<&Path>,
) -> Option<SectionId> {
    while let Some(d) = dir {
        if let Some(&i) = index_of_dir.get(d) {
            return Some(i);
        }
        dir = d.parent();
    }
    None
}

fn slug_for(explicit: Option<&str>, name: &str, file: &SourceFile) -> Result<String> {
    let slug = slugify(explicit.unwrap_or(name));
    if slug.is_empty() {
        let span = match explicit {
            Some(s) => file.value_span("slug", s),
            None => 0..0,
        };
        return Err(file
            .error_at(
                format!("cannot make a URL slug from `{}`", explicit.unwrap_or(name)),
                span,
            )
            .with_help("use letters or digits, or set `slug` in the front matter")
            .into());
    }
    Ok(slug)
}

/// Whether every segment of `path` (without its outer slashes) is a plain
/// name, written or percent-encoded: not empty, not `.` or `..`, without a
/// slash, backslash or control character.
fn plain_segments(path: &str) -> bool {
    path.split('/').all(|c| {
        let d = crate::anchors::percent_decode(c);
        !(d.is_empty()
            || d == "."
            || d == ".."
            || d.contains(['/', '\\'])
            || d.chars().any(char::is_control))
    })
}

/// `path = "about/team"` → `/about/team/`.
fn normalize_path(path: &str, file: &SourceFile) -> Result<String> {
    let trimmed = path.trim().trim_matches('/');
    let bad = !trimmed.is_empty() && !plain_segments(trimmed);
    if bad || trimmed.contains(['\\', '?', '#', '"', '<', '>']) || trimmed.contains("://") {
        return Err(file
            .error_at(
                format!("`path = \"{path}\"` is not a plain site path"),
                file.value_span("path", path),
            )
            .into());
    }
    if trimmed.is_empty() {
        return Ok("/".into());
    }
    Ok(format!("/{trimmed}/"))
}

/// `/old/url` → `/old/url/`; `/old.html` stays a file.
fn normalize_alias(alias: &str, file: &SourceFile) -> Result<String> {
    let a = alias.trim();
    let trimmed = a.trim_matches('/');
    let bad = trimmed.is_empty()
        || !plain_segments(trimmed)
        || a.contains("://")
        || a.contains(['\\', '?', '#', '"', '<', '>', ' ']);
    if bad {
        return Err(file
            .error_at(
                format!("alias `{alias}` is not a site path such as `/old/url/`"),
                file.value_span("aliases", alias),
            )
            .into());
    }
    if trimmed.ends_with(".html") || trimmed.ends_with(".htm") {
        Ok(format!("/{trimmed}"))
    } else {
        Ok(format!("/{trimmed}/"))
    }
}

fn compare_pages(a: &Page, b: &Page, sort_by: SortBy) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let title = |p: &Page| p.meta.title.clone().unwrap_or_default().to_lowercase();
    let newest_first = |a: &Page, b: &Page| b.meta.date.cmp(&a.meta.date);
    let by_weight = |a: &Page, b: &Page| match (a.meta.weight, b.meta.weight) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    let primary = match sort_by {
        SortBy::Weight => by_weight(a, b).then_with(|| newest_first(a, b)),
        SortBy::Date => newest_first(a, b),
        SortBy::Title => title(a).cmp(&title(b)),
    };
    primary
        .then_with(|| title(a).cmp(&title(b)))
        .then_with(|| a.path.cmp(&b.path))
}

fn check_unique_urls(
    sections: &[Section],
    pages: &[Page],
    redirects: &[(&SourceFile, Redirect)],
    glossary: &CollectionItems<TermMeta>,
    entities: &CollectionItems<EntityMeta>,
    sources: &CollectionItems<SourceMeta>,
    diags: &mut Diagnostics,
) {
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    let mut claim = |url: &str,
                     owner: &Path,
                     span_file: Option<&SourceFile>,
                     diags: &mut Diagnostics| {
        let key = url.to_lowercase();
        match seen.get(&key) {
            Some(first) => {
                let msg = format!(
                    "{} and {} both want the URL {url}",
                    first.display(),
                    owner.display()
                );
                let d = match span_file {
                    Some(f) => f.error_at(msg, 0..0),
                    None => Diagnostic::error(msg).in_file(owner),
                };
                diags.push(d.with_help("URLs are compared without regard to case; change `slug`, `path` or the file name of one of them"));
            }
            None => {
                seen.insert(key, owner.to_path_buf());
            }
        }
    };
    // Collections claim their URLs first: they are fixed by the format.
    for (collection, ids) in [
        (
            Collection::Glossary,
            if glossary.items.is_empty() && glossary.intro.is_none() {
                vec![]
            } else {
                vec![None]
            },
        ),
        (
            Collection::Entities,
            entity_urls(
                entities.items.iter().map(|i| i.id.as_str()),
                entities.intro.is_some(),
            ),
        ),
        (
            Collection::Sources,
            entity_urls(
                sources.items.iter().map(|i| i.id.as_str()),
                sources.intro.is_some(),
            ),
        ),
    ] {
        let name = collection.name();
        for id in ids {
            let (url, owner) = match id {
                None => (
                    format!("/{name}/"),
                    PathBuf::from(format!("content/{name}/")),
                ),
                Some(id) => (
                    format!("/{name}/{}/", slugify(&id)),
                    PathBuf::from(format!("content/{name}/{id}.md")),
                ),
            };
            claim(&url, &owner, None, diags);
        }
    }
    for s in sections {
        claim(&s.path, &s.file.rel, Some(&s.file), diags);
    }
    for p in pages {
        claim(&p.path, &p.file.rel, Some(&p.file), diags);
    }
    for (file, r) in redirects {
        claim(&r.from, &file.rel, Some(file), diags);
    }
}

/// Each source's bibliographic entry, formatted in the site's citation
/// style: a report (its title as written, publisher, date, and its `url`,
/// else its `pdf`).
fn bibliography(
    config: &Config,
    sources: &crate::content::CollectionItems<crate::content::SourceMeta>,
) -> std::collections::BTreeMap<String, crate::csl::Formatted> {
    let items: Vec<(String, serde_json::Value)> = sources
        .items
        .iter()
        .map(|item| (item.id.clone(), source_entry(&item.parsed.meta, config)))
        .collect();
    let formatted = config.citation_style.format(&items);
    items.into_iter().map(|(id, _)| id).zip(formatted).collect()
}

/// A source as hayagriva reads an entry.
pub fn source_entry(m: &crate::content::SourceMeta, config: &Config) -> serde_json::Value {
    let mut v = serde_json::json!({
        "type": "report",
        "title": crate::csl::verbatim(&m.title),
    });
    if let Some(p) = &m.publisher {
        v["publisher"] = p.as_str().into();
    }
    if let Some(d) = &m.date {
        v["date"] = d.as_str().into();
    }
    // A PDF in the site's own static files is linked at its address.
    let url = m
        .url
        .as_ref()
        .or(m.pdf.as_ref())
        .map(|u| match u.starts_with('/') {
            true => config.permalink(u),
            false => u.clone(),
        });
    if let Some(u) = url
        && (u.starts_with("http://") || u.starts_with("https://"))
    {
        v["url"] = u.into();
    }
    v
}

/// `text` with typographic punctuation ([`crate::text::smart_punctuation`]).
fn smarten(text: &mut Option<String>) {
    if let Some(t) = text
        && let std::borrow::Cow::Owned(smart) = crate::text::smart_punctuation(t)
    {
        *t = smart;
    }
}

fn entity_urls<'a>(ids: impl Iterator<Item = &'a str>, has_intro: bool) -> Vec<Option<String>> {
    let mut v: Vec<Option<String>> = ids.map(|i| Some(i.to_string())).collect();
    if !v.is_empty() || has_intro {
        v.insert(0, None);
    }
    v
}
