//! The build pipeline, stage by stage:
//!
//! ```text
//! load (config + content/) → resolve (Site) → render markdown (parallel)
//!   → render templates (parallel) → write (atomic swap of the output folder)
//! ```
//!
//! [`render`] runs every stage but the last and returns the output in memory
//! (what `check` and `serve` need); [`build`] also writes it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::anchors::{AnchorIndex, LOCK_FILE, Lock};
use crate::config::{Config, Overrides, RawConfig};
use crate::content;
use crate::error::{Diagnostic, Diagnostics, Result, sort_diagnostics};
use crate::fs::checked_walk;
use crate::markdown::{Highlighter, Library, Markdown};
use crate::output::{self, CopyFile};
use crate::render::{self, OutputFile, Templates};
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

/// Stages 1–4: the whole output, in memory.
pub fn render(options: &BuildOptions) -> Result<Rendition> {
    let site = load_site(options)?;
    let config = &site.config;
    let templates = Templates::load(&config.root, &config.theme, config.template_budget)?;
    let markdown = Markdown::new(
        &config.markdown,
        std::sync::Arc::new(Highlighter::new()),
        Library::new(&site),
    );

    let bodies = render::render_markdown(&site, &markdown);
    let mut diags = Diagnostics::default();
    diags.extend(bodies.diagnostics().cloned());
    if diags.has_errors() {
        return Err(diags.finish().expect_err("has errors"));
    }

    // Generated assets and static files first: templates link them with a
    // content hash (`assets`), so browsers may cache them for long.
    let mut generated = Vec::new();
    if config.markdown.highlight_code {
        let css = Highlighter::css(
            &config.markdown.highlight_theme,
            config.markdown.highlight_theme_dark.as_deref(),
        )
        .map_err(crate::error::Error::msg)?;
        generated.push(OutputFile {
            path: "highlight.css".into(),
            bytes: css.into_bytes(),
        });
    }
    let mut copies = copies(&site, &mut diags)?;
    let assets = asset_hashes(&copies, &generated)?;
    let mut files = render::render_templates(&site, &bodies, &templates, &assets)?;
    files.extend(generated);
    files.extend(output::site_files(&site));
    crate::collisions::check(&site, &mut files, &mut copies, &mut diags)?;
    let docs = bodies.documents(&site);
    let anchors = AnchorIndex::new(
        &site,
        &bodies,
        &docs,
        files
            .iter()
            .map(|f| &f.path)
            .chain(copies.iter().map(|c| &c.to))
            .map(|p| format!("/{}", p.to_string_lossy().replace('\\', "/"))),
    );
    // Links written in Markdown must lead somewhere on the site.
    let mut link_errors = crate::anchors::check_site_links(&site, &docs, &anchors);
    sort_diagnostics(&mut link_errors);
    diags.extend(too_many_files(files.len() + copies.len()));
    let mut warnings = diags.finish()?;
    sort_diagnostics(&mut warnings);
    Ok(Rendition {
        site,
        files,
        copies,
        anchors,
        link_errors,
        warnings,
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

/// Stages 1–5: renders and writes the site.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let start = Instant::now();
    let config = load_config(options)?;
    output::check_output_dir(&config)?;
    // The anchor lock is read while the site renders.
    let (rendition, lock) = rayon::join(|| render(options), || Lock::load(&config.root));
    let (rendition, lock) = (rendition?, lock?);
    if !rendition.link_errors.is_empty() {
        return Err(crate::error::Error::from_diagnostics(rendition.link_errors));
    }
    // The anchor lock: nothing published may disappear unnoticed.
    let root = &rendition.site.config.root;
    if let Some(lock) = &lock
        && !options.update_lock
    {
        let violations = lock.violations(&rendition.anchors);
        if !violations.is_empty() {
            return Err(crate::error::Error::from_diagnostics(violations));
        }
    }
    let out = &rendition.site.config.output_dir;
    // The new lock is made while the output is written (drafts are not
    // published, so they do not go into it).
    let (written, lock_text) = rayon::join(
        || output::write_atomically(out, &rendition.copies, &rendition.files),
        || (!options.overrides.drafts).then(|| Lock::of(&rendition.anchors).to_text()),
    );
    written?;
    if let Some(text) = lock_text {
        let path = root.join(LOCK_FILE);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).map_err(|e| crate::error::Error::io(&path, e))?;
        }
    }
    let report = BuildReport {
        pages: rendition.site.pages.len(),
        sections: rendition.site.sections.len(),
        files: rendition.files.len() + rendition.copies.len(),
        output_dir: out.clone(),
        warnings: rendition.warnings,
        elapsed: start.elapsed(),
    };
    // The output in memory (hundreds of megabytes for a large site) is
    // freed off the path to the report.
    drop_later((rendition.files, rendition.site, rendition.anchors));
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
