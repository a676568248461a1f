//! The build pipeline, stage by stage:
//!
//! ```text
//! load (config + content/) → resolve (Site) → render markdown (parallel)
//!   → render templates (parallel) → write (atomic swap of the output folder)
//! ```
//!
//! The stages are the [`crate::engine`]'s, run with a cache that keeps
//! nothing: [`engine::prepare`] runs stages 1–3 and plans stage 4 (every
//! output path is known, checked for collisions, and the links and anchors
//! are checked, before a template runs). [`build`] then renders each output
//! straight into the staging folder, so that the output is never all in
//! memory; [`render`] collects it in memory instead (what `check` reads).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::anchors::{AnchorIndex, LOCK_FILE, Lock};
use crate::config::{Config, Overrides, RawConfig};
use crate::content;
use crate::engine::{self, Cache, Fresh};
use crate::error::{Diagnostic, Diagnostics, Result};
use crate::fs::checked_walk;
use crate::markdown::Highlighter;
use crate::output::{self, CopyFile};
use crate::render::OutputFile;
use crate::site::Site;
use crate::theme;

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

/// Stages 1–4: the whole output, in memory (what `check` reads).
pub fn render(options: &BuildOptions) -> Result<Rendition> {
    let prepared = engine::prepare(options, &mut Cache::default(), Fresh::All)?;
    let (site, files, copies, rest) = prepared.render()?;
    Ok(Rendition {
        site,
        files,
        copies,
        anchors: rest.anchors,
        link_errors: rest.link_errors,
        warnings: rest.warnings,
    })
}

/// The most files Netlify takes in one deploy folder.
pub const NETLIFY_MAX_FILES: usize = 54_000;

/// A warning when the output has more files than Netlify deploys.
pub(crate) fn too_many_files(n: usize) -> Option<Diagnostic> {
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
    let (prepared, lock) = rayon::join(
        || engine::prepare(options, &mut Cache::default(), Fresh::All),
        || Lock::load(&config.root),
    );
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
