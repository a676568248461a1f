//! The build pipeline, stage by stage:
//!
//! ```text
//! load (config + content/) → resolve (Site) → render markdown (parallel)
//!   → render templates (parallel) → write (atomic swap of the output folder)
//! ```
//!
//! [`prepare`] runs stages 1–3 and plans stage 4: every output path is
//! known, checked for collisions, and the links and anchors are checked,
//! before a template runs. [`build`] then renders each output straight into
//! the staging folder, so that the output is never all in memory;
//! [`render`] collects it in memory instead (what `check` reads).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::anchors::{AnchorIndex, LOCK_FILE, Lock};
use crate::config::{Config, Overrides, RawConfig};
use crate::content;
use crate::error::{Diagnostic, Diagnostics, Result, sort_diagnostics};
use crate::fs::checked_walk;
use crate::markdown::{Highlighter, Markdown, Rendered};
use crate::output::{self, CopyFile};
use crate::render::{self, OutputFile, Templates};
use crate::site::Site;
use crate::theme;
use rayon::prelude::*;

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site's root folder (holds `config.toml`).
    pub root: PathBuf,
    pub overrides: Overrides,
    /// Accept that published URLs or anchors disappear, and rewrite the lock.
    pub update_lock: bool,
}

/// A site rendered in memory.
pub struct Rendition {
    pub site: Site,
    /// Pages, feeds and generated assets.
    pub files: Vec<OutputFile>,
    /// Static files and content assets, in the order they are copied.
    pub copies: Vec<CopyFile>,
    /// Every published URL and anchor.
    pub anchors: AnchorIndex,
    /// Links written in Markdown that lead nowhere on the site: errors for
    /// `build`; `check` finds them in the output itself.
    pub link_errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

/// What a finished build reports.
#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub sections: usize,
    pub files: usize,
    pub output_dir: PathBuf,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
}

impl BuildReport {
    /// The one-line summary printed after a build.
    pub fn summary(&self) -> String {
        format!(
            "Built {} page{}, {} section{} ({} files) in {} ms into {}",
            self.pages,
            if self.pages == 1 { "" } else { "s" },
            self.sections,
            if self.sections == 1 { "" } else { "s" },
            self.files,
            self.elapsed.as_millis(),
            self.output_dir.display()
        )
    }
}

/// Stage 1: the resolved configuration.
pub fn load_config(options: &BuildOptions) -> Result<Config> {
    let (raw, source) = RawConfig::load(&options.root)?;
    let names = Highlighter::theme_names();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    Config::resolve(raw, &source, &options.root, &options.overrides, &names)
}

/// Stages 1–2: the resolved site model.
pub fn load_site(options: &BuildOptions) -> Result<Site> {
    let config = load_config(options)?;
    let content = content::load(&config.root)?;
    Site::resolve(config, content)
}

/// A site ready to be written: stages 1–3 done, the outputs planned and
/// checked (paths wanted twice, links, anchors), the templates compiled.
/// What is left is stage 4, the templates, whose outputs are made either
/// into memory ([`render`]) or each straight into the output folder as it
/// is made ([`build`]).
pub struct Prepared {
    pub site: Site,
    templates: Templates,
    bodies: render::Bodies,
    indexes: render::Indexes,
    assets: std::collections::BTreeMap<String, String>,
    /// The templated outputs, in writing order.
    targets: Vec<render::Target>,
    /// The other generated files (highlighting stylesheet, sitemap, feed,
    /// robots.txt, redirects), written after the templated ones.
    pub extra: Vec<OutputFile>,
    /// Static files and content assets, in the order they are copied
    /// (before everything else: later writers win).
    pub copies: Vec<CopyFile>,
    /// Every published URL and anchor.
    pub anchors: AnchorIndex,
    /// Links written in Markdown that lead nowhere on the site.
    pub link_errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

/// Stages 1–3, and the plan of stage 4.
pub fn prepare(options: &BuildOptions) -> Result<Prepared> {
    let site = load_site(options)?;
    let config = &site.config;
    let templates = Templates::load(&config.root, &config.theme, config.template_budget)?;
    let markdown = Markdown::new(
        &config.markdown,
        std::sync::Arc::new(Highlighter::new()),
        render::library(&site),
    );

    let bodies = render::render_markdown(&site, &markdown);
    let mut diags = Diagnostics::default();
    diags.extend(bodies.diagnostics().cloned());
    if diags.has_errors() {
        return Err(diags.finish().expect_err("has errors"));
    }

    // Generated assets and static files first: templates link them with a
    // content hash (`assets`), so browsers may cache them for long.
    let mut extra = Vec::new();
    if config.markdown.highlight_code {
        let css = Highlighter::css(
            &config.markdown.highlight_theme,
            config.markdown.highlight_theme_dark.as_deref(),
        )
        .map_err(crate::error::Error::msg)?;
        extra.push(OutputFile {
            path: "highlight.css".into(),
            bytes: css.into_bytes(),
        });
    }
    let mut copies = copies(&site, &mut diags)?;
    let assets = asset_hashes(&copies, &extra)?;
    extra.extend(output::site_files(&site));
    let targets = render::targets(&site, &templates);
    // Every generated output path, in writing order: known before a
    // template runs, so the checks below need no output in memory.
    let planned: Vec<String> = targets
        .iter()
        .map(|&t| output_key(&render::target_file(&site, t)))
        .chain(extra.iter().map(|f| output_key(&f.path)))
        .collect();
    crate::collisions::check(&site, &planned, &mut extra, &mut copies, &mut diags)?;
    let docs = bodies.documents(&site);
    let anchors = AnchorIndex::new(
        &site,
        &bodies,
        &docs,
        planned
            .iter()
            .map(|k| format!("/{k}"))
            .chain(copies.iter().map(|c| format!("/{}", output_key(&c.to)))),
    );
    // Links written in Markdown must lead somewhere on the site.
    let mut link_errors = crate::anchors::check_site_links(&site, &docs, &anchors);
    sort_diagnostics(&mut link_errors);
    drop(docs);
    diags.extend(too_many_files(planned.len() + copies.len()));
    let mut warnings = diags.finish()?;
    sort_diagnostics(&mut warnings);
    let indexes = render::Indexes::new(&site, &bodies);
    // What is left to read of the bodies is what the templates show.
    let mut bodies = bodies;
    bodies
        .all_mut()
        .par_bridge()
        .for_each(Rendered::keep_only_what_templates_show);
    Ok(Prepared {
        site,
        templates,
        bodies,
        indexes,
        assets,
        targets,
        extra,
        copies,
        anchors,
        link_errors,
        warnings,
    })
}

impl Prepared {
    /// How many files the output has.
    pub fn file_count(&self) -> usize {
        self.targets.len() + self.extra.len() + self.copies.len()
    }

    /// Renders the templated outputs, handing each to `sink` as it is made.
    fn render_each(&self, sink: &render::Sink<'_>) -> Result<()> {
        render::render_each(
            &self.site,
            &self.bodies,
            &self.indexes,
            &self.templates,
            &self.assets,
            &self.targets,
            sink,
        )
    }

    /// Writes the whole output into `staging`: the copies, then each
    /// templated output as soon as it is rendered (none is held after it is
    /// written), then the other generated files.
    pub fn write(&self, staging: &output::Staging) -> Result<()> {
        staging.copy_all(&self.copies)?;
        self.render_each(&|_, _, f| staging.write(&f.path, &f.bytes))?;
        let mut diags = Diagnostics::default();
        for f in &self.extra {
            diags.take(staging.write(&f.path, &f.bytes));
        }
        diags.finish().map(|_| ())
    }
}

/// Stages 1–4: the whole output, in memory (what `check` reads).
pub fn render(options: &BuildOptions) -> Result<Rendition> {
    let prepared = prepare(options)?;
    let done = std::sync::Mutex::new(Vec::with_capacity(prepared.targets.len()));
    prepared.render_each(&|k, _, f| {
        done.lock().unwrap_or_else(|e| e.into_inner()).push((k, f));
        Ok(())
    })?;
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_unstable_by_key(|(k, _)| *k);
    let mut files: Vec<OutputFile> = done.into_iter().map(|(_, f)| f).collect();
    files.extend(prepared.extra);
    Ok(Rendition {
        site: prepared.site,
        files,
        copies: prepared.copies,
        anchors: prepared.anchors,
        link_errors: prepared.link_errors,
        warnings: prepared.warnings,
    })
}

/// The most files Netlify takes in one deploy folder.
pub const NETLIFY_MAX_FILES: usize = 54_000;

/// A warning when the output has more files than Netlify deploys.
fn too_many_files(n: usize) -> Option<Diagnostic> {
    (n > NETLIFY_MAX_FILES).then(|| {
        Diagnostic::warning(format!(
            "the site has {n} files, more than the {NETLIFY_MAX_FILES} Netlify takes in one deploy"
        ))
        .with_help("deploy it elsewhere, or split it into sites")
    })
}

/// Stages 1–5: renders and writes the site, each output into the staging
/// folder as soon as it is made; the staging folder replaces the output
/// folder only when all of it is written.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let start = Instant::now();
    let config = load_config(options)?;
    output::check_output_dir(&config)?;
    // The anchor lock is read while the site renders.
    let (prepared, lock) = rayon::join(|| prepare(options), || Lock::load(&config.root));
    let (prepared, lock) = (prepared?, lock?);
    if !prepared.link_errors.is_empty() {
        return Err(crate::error::Error::from_diagnostics(prepared.link_errors));
    }
    // The anchor lock: nothing published may disappear unnoticed.
    let root = &prepared.site.config.root;
    if let Some(lock) = &lock
        && !options.update_lock
    {
        let violations = lock.violations(&prepared.anchors);
        if !violations.is_empty() {
            return Err(crate::error::Error::from_diagnostics(violations));
        }
    }
    let out = &prepared.site.config.output_dir;
    let staging = output::Staging::create(out)?;
    // The new lock is made while the output is written (drafts are not
    // published, so they do not go into it).
    let (written, lock_text) = rayon::join(
        || prepared.write(&staging),
        || (!options.overrides.drafts).then(|| Lock::of(&prepared.anchors).to_text()),
    );
    written?;
    staging.commit()?;
    if let Some(text) = lock_text {
        let path = root.join(LOCK_FILE);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).map_err(|e| crate::error::Error::io(&path, e))?;
        }
    }
    let report = BuildReport {
        pages: prepared.site.pages.len(),
        sections: prepared.site.sections.len(),
        files: prepared.file_count(),
        output_dir: out.clone(),
        warnings: prepared.warnings.clone(),
        elapsed: start.elapsed(),
    };
    // The site in memory (a hundred megabytes for a large one) is freed
    // off the path to the report.
    drop_later(prepared);
    Ok(report)
}

/// Frees a large value on another thread, so that the caller goes on (a
/// process that ends meanwhile does not wait for it).
pub fn drop_later<T: Send + 'static>(value: T) {
    if let Err(e) = std::thread::Builder::new().spawn(move || drop(value)) {
        // No thread to be had: the value was dropped with the error.
        eprintln!("warning: {e}");
    }
}

/// A short content hash of every static and generated asset, by its path in
/// the output (`style.css` → `3f2a9c1e`); the last copy of a path wins, as
/// when writing.
fn asset_hashes(
    copies: &[CopyFile],
    generated: &[OutputFile],
) -> Result<std::collections::BTreeMap<String, String>> {
    let mut read = Vec::with_capacity(copies.len());
    for c in copies {
        let bytes = match &c.from {
            theme::Origin::Disk(p) => {
                std::fs::read(p).map_err(|e| crate::error::Error::io(&c.shown, e))?
            }
            theme::Origin::Embedded(b) => b.to_vec(),
        };
        read.push((output_key(&c.to), bytes));
    }
    Ok(hash_assets(
        read.iter().map(|(k, b)| (k.clone(), b.as_slice())).chain(
            generated
                .iter()
                .map(|f| (output_key(&f.path), f.bytes.as_slice())),
        ),
    ))
}

/// The `assets` map of templates: output path → short content hash. Later
/// entries win, as when writing.
pub fn hash_assets<'a>(
    files: impl IntoIterator<Item = (String, &'a [u8])>,
) -> std::collections::BTreeMap<String, String> {
    files
        .into_iter()
        .map(|(k, b)| (k, crate::text::short_hash(b)))
        .collect()
}

/// An output path with `/` separators, as templates and URLs name it.
pub fn output_key(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// Theme static files, then the site's `static/` (the site wins), then the
/// assets that sit beside content files. Later entries win over earlier ones
/// with the same target.
pub fn copies(site: &Site, diags: &mut Diagnostics) -> Result<Vec<CopyFile>> {
    let root = &site.config.root;
    let mut copies = Vec::new();
    for f in theme::files(root, &site.config.theme)? {
        if let Some(rel) = f.rel.strip_prefix("static/") {
            copies.push(CopyFile {
                to: PathBuf::from(rel),
                shown: f.shown,
                from: f.origin,
            });
        }
    }
    let static_dir = root.join("static");
    if static_dir.is_dir() {
        for abs in checked_walk(root, &static_dir, diags) {
            copies.push(disk_copy(root, &static_dir, abs));
        }
    }
    let content_dir = root.join("content");
    for asset in &site.assets {
        copies.push(CopyFile {
            from: theme::Origin::Disk(content_dir.join(&asset.source)),
            shown: Path::new("content").join(&asset.source),
            to: asset.target.clone(),
        });
    }
    Ok(copies)
}

fn disk_copy(root: &Path, base: &Path, abs: PathBuf) -> CopyFile {
    CopyFile {
        to: abs.strip_prefix(base).unwrap_or(&abs).to_path_buf(),
        shown: abs.strip_prefix(root).unwrap_or(&abs).to_path_buf(),
        from: theme::Origin::Disk(abs),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn more_files_than_netlify_takes_is_a_warning() {
        assert!(super::too_many_files(54_000).is_none());
        let w = super::too_many_files(54_001).unwrap();
        assert!(!w.is_error());
        assert!(
            w.render().contains("54001 files, more than the 54000"),
            "{}",
            w.render()
        );
    }
}
