//! Stage 3 and 4: render every body's Markdown (in parallel), then every
//! page through its template (in parallel), into in-memory output files.

pub mod sources;
pub mod templates;
pub mod views;

use std::path::PathBuf;

use rayon::prelude::*;
use tera::Context;

use crate::error::{Diagnostic, Error, Result};
use crate::markdown::{Document, Markdown, Rendered};
use crate::site::{Site, collection_path};
pub use templates::Templates;
use views::Views;

/// The rendered bodies of a site, index-aligned with its pages, sections
/// and sources.
pub struct Bodies {
    pub pages: Vec<Rendered>,
    pub sections: Vec<Rendered>,
    pub sources: Vec<Rendered>,
}

impl Bodies {
    /// Every diagnostic the Markdown passes reported.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.pages
            .iter()
            .chain(&self.sections)
            .chain(&self.sources)
            .flat_map(|r| r.diagnostics.iter())
    }
}

/// Renders the Markdown of every page, section and source.
pub fn render_markdown(site: &Site, markdown: &Markdown) -> Bodies {
    let pages = site
        .pages
        .par_iter()
        .map(|p| {
            markdown.render(Document {
                file: &p.file,
                path: &p.path,
                citations: &p.meta.citations,
            })
        })
        .collect();
    let sections = site
        .sections
        .par_iter()
        .map(|s| {
            markdown.render(Document {
                file: &s.file,
                path: &s.path,
                citations: &s.meta.citations,
            })
        })
        .collect();
    let sources = site
        .sources
        .items
        .par_iter()
        .map(|item| {
            let path = collection_path("sources", Some(&item.id));
            markdown.render(Document {
                file: &item.parsed.file,
                path: &path,
                citations: &[],
            })
        })
        .collect();
    Bodies {
        pages,
        sections,
        sources,
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

/// Renders every page, section and the 404 page through the templates.
pub fn render_templates(
    site: &Site,
    bodies: &Bodies,
    templates: &Templates,
) -> Result<Vec<OutputFile>> {
    let claims = sources::reverse_index(site, bodies);
    let views = Views {
        site,
        page_bodies: &bodies.pages,
        section_bodies: &bodies.sections,
        source_bodies: &bodies.sources,
        claims: &claims,
    };
    let mut base = Context::new();
    base.insert("config", &views.config());
    base.insert("site", &views.site_view());
    base.insert("sources", &views.source_summaries());

    let render = |template: &str,
                  file: &crate::content::SourceFile,
                  path: &str,
                  key: &'static str,
                  value: &dyn erased::Value|
     -> Result<OutputFile> {
        if !templates.has(template) {
            return Err(file
                .error_at(
                    format!("template `{template}` not found in templates/ or the theme"),
                    file.front_matter_span(template),
                )
                .into());
        }
        let mut cx = base.clone();
        value.insert_into(&mut cx, key);
        cx.insert("current_path", path);
        cx.insert("current_url", &site.config.permalink(path));
        let html = templates.render(template, &cx)?;
        Ok(OutputFile {
            path: file_for_path(path),
            bytes: html.into_bytes(),
        })
    };

    let pages: Vec<Result<OutputFile>> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| {
            let p = &site.pages[i];
            let template = p.meta.template.as_deref().unwrap_or("page.html");
            render(template, &p.file, &p.path, "page", &views.page(i))
        })
        .collect();
    let sections: Vec<Result<OutputFile>> = (0..site.sections.len())
        .into_par_iter()
        .map(|i| {
            let s = &site.sections[i];
            let default = if i == 0 { "index.html" } else { "section.html" };
            let template = s.meta.template.as_deref().unwrap_or(default);
            render(template, &s.file, &s.path, "section", &views.section(i))
        })
        .collect();

    let source_pages: Vec<Result<OutputFile>> = (0..site.sources.items.len())
        .into_par_iter()
        .map(|i| {
            let item = &site.sources.items[i];
            let path = collection_path("sources", Some(&item.id));
            render(
                "source.html",
                &item.parsed.file,
                &path,
                "source",
                &views.source(i),
            )
        })
        .collect();
    let mut collection_indexes = Vec::new();
    if !site.sources.items.is_empty() || site.sources.intro.is_some() {
        let intro = site.sources.intro.as_ref();
        let file = intro.map(|p| &p.file);
        let empty = crate::content::SourceFile {
            rel: "content/sources/_index.md".into(),
            text: std::sync::Arc::from(""),
            front_matter: 0..0,
            body_start: 0,
        };
        let view = views.collection_index(intro.map(|p| &p.meta), "Sources");
        collection_indexes.push(render(
            "sources.html",
            file.unwrap_or(&empty),
            &collection_path("sources", None),
            "section",
            &view,
        ));
    }

    let mut files = Vec::with_capacity(pages.len() + sections.len() + source_pages.len() + 2);
    let mut errors = Vec::new();
    for r in pages
        .into_iter()
        .chain(sections)
        .chain(source_pages)
        .chain(collection_indexes)
    {
        match r {
            Ok(f) => files.push(f),
            Err(e) => errors.extend(e.diagnostics),
        }
    }
    if templates.has("404.html") {
        let mut cx = base.clone();
        cx.insert("current_path", "/404.html");
        cx.insert("current_url", &site.config.permalink("/404.html"));
        match templates.render("404.html", &cx) {
            Ok(html) => files.push(OutputFile {
                path: PathBuf::from("404.html"),
                bytes: html.into_bytes(),
            }),
            Err(e) => errors.extend(e.diagnostics),
        }
    }
    if !errors.is_empty() {
        // The same template error shows up once per page; report it once.
        let mut seen = std::collections::HashSet::new();
        errors.retain(|d| seen.insert(d.render()));
        return Err(Error::from_diagnostics(errors));
    }
    Ok(files)
}

/// Object-safe insertion of differently typed views into a context.
mod erased {
    pub trait Value: Sync {
        fn insert_into(&self, cx: &mut tera::Context, key: &'static str);
    }
    impl<T: serde::Serialize + Sync> Value for T {
        fn insert_into(&self, cx: &mut tera::Context, key: &'static str) {
            cx.insert(key, self);
        }
    }
}
