//! Stage 3 and 4: render every body's Markdown (in parallel), then every
//! page through its template (in parallel), into in-memory output files.

pub mod templates;
pub mod views;

use std::path::PathBuf;

use rayon::prelude::*;
use tera::Context;

use crate::error::{Diagnostic, Error, Result};
use crate::markdown::{Markdown, Rendered};
use crate::site::Site;
pub use templates::Templates;
use views::Views;

/// The rendered bodies of a site, index-aligned with its pages and sections.
pub struct Bodies {
    pub pages: Vec<Rendered>,
    pub sections: Vec<Rendered>,
}

impl Bodies {
    /// Every diagnostic the Markdown passes reported.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.pages
            .iter()
            .chain(&self.sections)
            .flat_map(|r| r.diagnostics.iter())
    }
}

/// Renders the Markdown of every page and section.
pub fn render_markdown(site: &Site, markdown: &Markdown) -> Bodies {
    let pages = site
        .pages
        .par_iter()
        .map(|p| markdown.render(&p.file))
        .collect();
    let sections = site
        .sections
        .par_iter()
        .map(|s| markdown.render(&s.file))
        .collect();
    Bodies { pages, sections }
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
    /// `site.pages[i]`.
    Page(usize),
    /// `site.sections[i]`.
    Section(usize),
    /// `/404.html`.
    NotFound,
}

/// Renders every page, section and the 404 page through the templates.
pub fn render_templates(
    site: &Site,
    bodies: &Bodies,
    templates: &Templates,
) -> Result<Vec<OutputFile>> {
    let files = render_targets(site, bodies, templates, &|_| true)?;
    Ok(files.into_iter().map(|(_, f)| f).collect())
}

/// Renders the outputs for which `wanted` holds (all of `bodies` must be
/// there: a section lists its pages' word counts), in the order pages,
/// sections, 404 page.
pub fn render_targets(
    site: &Site,
    bodies: &Bodies,
    templates: &Templates,
    wanted: &(dyn Fn(Target) -> bool + Sync),
) -> Result<Vec<(Target, OutputFile)>> {
    let views = Views {
        site,
        page_bodies: &bodies.pages,
        section_bodies: &bodies.sections,
    };
    let mut base = Context::new();
    base.insert("config", &views.config());
    base.insert("site", &views.site_view());

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

    let pages: Vec<(Target, Result<OutputFile>)> = (0..site.pages.len())
        .into_par_iter()
        .filter(|&i| wanted(Target::Page(i)))
        .map(|i| {
            let p = &site.pages[i];
            let template = p.meta.template.as_deref().unwrap_or("page.html");
            let file = render(template, &p.file, &p.path, "page", &views.page(i));
            (Target::Page(i), file)
        })
        .collect();
    let sections: Vec<(Target, Result<OutputFile>)> = (0..site.sections.len())
        .into_par_iter()
        .filter(|&i| wanted(Target::Section(i)))
        .map(|i| {
            let s = &site.sections[i];
            let default = if i == 0 { "index.html" } else { "section.html" };
            let template = s.meta.template.as_deref().unwrap_or(default);
            let file = render(template, &s.file, &s.path, "section", &views.section(i));
            (Target::Section(i), file)
        })
        .collect();

    let mut files = Vec::with_capacity(pages.len() + sections.len() + 1);
    let mut errors = Vec::new();
    for (target, r) in pages.into_iter().chain(sections) {
        match r {
            Ok(f) => files.push((target, f)),
            Err(e) => errors.extend(e.diagnostics),
        }
    }
    if templates.has("404.html") && wanted(Target::NotFound) {
        let mut cx = base.clone();
        cx.insert("current_path", "/404.html");
        cx.insert("current_url", &site.config.permalink("/404.html"));
        match templates.render("404.html", &cx) {
            Ok(html) => files.push((
                Target::NotFound,
                OutputFile {
                    path: PathBuf::from("404.html"),
                    bytes: html.into_bytes(),
                },
            )),
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
