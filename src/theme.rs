//! Where a theme's files come from: `themes/<name>/` in the site, or, for the
//! `default` theme when the site has no copy of it, the copy built into
//! sourcebrief.

use std::path::{Path, PathBuf};

use crate::error::{Diagnostics, Error, Result};
use crate::fs::checked_walk;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));
}

/// A theme file: its path inside the theme folder and how to show it.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// Path relative to the theme folder, with `/` separators
    /// (`templates/base.html`, `static/style.css`).
    pub rel: String,
    /// The path shown in messages.
    pub shown: PathBuf,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub enum Origin {
    Disk(PathBuf),
    Embedded(&'static [u8]),
}

impl ThemeFile {
    pub fn read(&self) -> Result<Vec<u8>> {
        match &self.origin {
            Origin::Disk(p) => std::fs::read(p).map_err(|e| Error::io(&self.shown, e)),
            Origin::Embedded(bytes) => Ok(bytes.to_vec()),
        }
    }
}

/// The files of the theme `name` of the site at `root`.
pub fn files(root: &Path, name: &str) -> Result<Vec<ThemeFile>> {
    let dir = root.join("themes").join(name);
    if dir.is_dir() {
        let mut diags = Diagnostics::default();
        let files = checked_walk(root, &dir, &mut diags)
            .into_iter()
            .map(|abs| {
                let rel = abs
                    .strip_prefix(&dir)
                    .expect("walk stays in the theme")
                    .to_string_lossy()
                    .replace('\\', "/");
                ThemeFile {
                    shown: abs.strip_prefix(root).unwrap_or(&abs).to_path_buf(),
                    rel,
                    origin: Origin::Disk(abs),
                }
            })
            .collect();
        diags.finish()?;
        return Ok(files);
    }
    if name == "default" {
        return Ok(embedded::FILES
            .iter()
            .map(|(rel, bytes)| ThemeFile {
                rel: rel.to_string(),
                shown: PathBuf::from(format!("<built-in theme>/{rel}")),
                origin: Origin::Embedded(bytes),
            })
            .collect());
    }
    Err(Error::msg(format!(
        "theme `{name}` not found: there is no folder {}",
        Path::new("themes").join(name).display()
    )))
}

/// The built-in default theme, for `sourcebrief init`.
pub fn embedded_files() -> &'static [(&'static str, &'static [u8])] {
    embedded::FILES
}
