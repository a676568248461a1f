//! Two things that want the same output path: a static file or content
//! asset at a path the build writes itself (a page, an alias, the feed, the
//! sitemap, the 404 page), two generated files at one path, or a file where
//! another output needs a folder. Each is an error naming both sides, never
//! a file silently lost. The one exception is `_redirects`: a site's own
//! `static/_redirects` and the redirects of its aliases are merged, with a
//! warning that says so.

use std::collections::HashMap;
use std::path::Path;

use crate::build::output_key;
use crate::error::{Diagnostic, Diagnostics, Result};
use crate::output::CopyFile;
use crate::render::{OutputFile, file_for_path};
use crate::site::Site;
use crate::theme::Origin;

/// Who writes each generated file, for messages.
fn owners(site: &Site) -> HashMap<String, String> {
    let mut owners = HashMap::new();
    let mut add = |path: &str, who: String| {
        owners
            .entry(output_key(&file_for_path(path)))
            .or_insert(who);
    };
    for p in &site.pages {
        add(&p.path, format!("the page {}", p.file.rel.display()));
    }
    for s in &site.sections {
        add(&s.path, format!("the section {}", s.file.rel.display()));
    }
    for r in &site.redirects {
        add(&r.from, format!("the alias `{}` (of {})", r.from, r.to));
    }
    for (path, who) in [
        ("/atom.xml", "the site's feed"),
        ("/sitemap.xml", "the sitemap"),
        ("/robots.txt", "robots.txt"),
        ("/_redirects", "the redirects of the aliases"),
        ("/404.html", "the 404 page"),
        ("/highlight.css", "the highlighting stylesheet"),
    ] {
        owners.insert(path.trim_start_matches('/').to_string(), who.to_string());
    }
    owners
}

/// Whether a copy comes from the site itself (`static/`, `content/`), not
/// from its theme (which the site may override on purpose).
pub fn is_sites_own(c: &CopyFile) -> bool {
    matches!(c.from, Origin::Disk(_))
        && (c.shown.starts_with("static") || c.shown.starts_with("content"))
}

/// What [`find`] found: the errors, and the site's own `_redirects` (its
/// path as shown) when it is to be merged with the generated one.
#[derive(Debug, Default)]
pub struct Findings {
    pub errors: Vec<Diagnostic>,
    pub merge_redirects: Option<std::path::PathBuf>,
}

/// Finds the paths wanted twice among `generated` (output paths, in
/// writing order) and the site's own copies (`own`: output path and the
/// file as shown), and files where a folder is needed.
pub fn find(site: &Site, generated: &[String], own: &[(String, std::path::PathBuf)]) -> Findings {
    let owners = owners(site);
    let owner = |key: &str| {
        owners
            .get(key)
            .cloned()
            .unwrap_or_else(|| "a generated file".to_string())
    };
    let mut found = Findings::default();
    // Generated files among themselves.
    let mut first: HashMap<&str, ()> = HashMap::new();
    for key in generated {
        if first.insert(key, ()).is_some() {
            let a = owner(key);
            let b = pages_at(site, key)
                .into_iter()
                .find(|o| *o != a)
                .unwrap_or_else(|| a.clone());
            found.errors.push(
                Diagnostic::error(format!("{a} and {b} both write {key}"))
                    .with_help("change the `path`, `slug` or alias of one of them"),
            );
        }
    }
    // The site's static files and assets against what the build writes.
    for (key, shown) in own {
        if !first.contains_key(key.as_str()) {
            continue;
        }
        if key == "_redirects" {
            found.merge_redirects = Some(shown.clone());
            continue;
        }
        found.errors.push(
            Diagnostic::error(format!(
                "{} and {} both want the output file {key}",
                shown.display(),
                owner(key)
            ))
            .in_file(shown)
            .with_help("rename or remove the file, or move what the build writes there"),
        );
    }
    // A file where another output needs a folder.
    let mut all: HashMap<&str, String> = HashMap::new();
    let keys: Vec<(&str, String)> = generated
        .iter()
        .map(|k| (k.as_str(), owner(k)))
        .chain(
            own.iter()
                .map(|(k, shown)| (k.as_str(), shown.display().to_string())),
        )
        .collect();
    for (key, who) in &keys {
        all.entry(key).or_insert_with(|| who.clone());
    }
    for (key, who) in &keys {
        for dir in Path::new(key).ancestors().skip(1) {
            let d = dir.to_string_lossy();
            if d.is_empty() {
                break;
            }
            if let Some(file) = all.get(d.as_ref()) {
                found.errors.push(Diagnostic::error(format!(
                    "{file} writes the file {d}, where {who} needs a folder for {key}"
                )));
            }
        }
    }
    found
}

/// The warning that says a site's `_redirects` was merged.
pub fn merged_warning(shown: &Path) -> Diagnostic {
    Diagnostic::warning(format!(
        "{} and the redirects of the aliases are merged into _redirects (its own lines first)",
        shown.display()
    ))
    .in_file(shown)
}

/// A site's own `_redirects` (`own`) before the generated one.
pub fn merge_redirects(own: &[u8], generated: &[u8]) -> Vec<u8> {
    let mut bytes = own.to_vec();
    if !bytes.ends_with(b"\n") && !bytes.is_empty() {
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(generated);
    bytes
}

/// [`find`] over a build's generated output paths (`planned`, in writing
/// order) and `copies`; merges a site's `_redirects` into the generated
/// one among `files` (the copy is then dropped).
pub fn check(
    site: &Site,
    planned: &[String],
    files: &mut [OutputFile],
    copies: &mut Vec<CopyFile>,
    diags: &mut Diagnostics,
) -> Result<()> {
    let own: Vec<(String, std::path::PathBuf)> = copies
        .iter()
        .filter(|c| is_sites_own(c))
        .map(|c| (output_key(&c.to), c.shown.clone()))
        .collect();
    let found = find(site, planned, &own);
    diags.extend(found.errors);
    if let Some(shown) = found.merge_redirects
        && let Some(k) = copies
            .iter()
            .position(|c| is_sites_own(c) && output_key(&c.to) == "_redirects")
        && let Some(generated) = files
            .iter_mut()
            .rev()
            .find(|f| output_key(&f.path) == "_redirects")
    {
        let c = copies.remove(k);
        if let Origin::Disk(p) = &c.from {
            let own = std::fs::read(p).map_err(|e| crate::error::Error::io(&c.shown, e))?;
            generated.bytes = merge_redirects(&own, &generated.bytes);
        }
        diags.push(merged_warning(&shown));
    }
    Ok(())
}

/// The pages and sections whose output is `key`, for naming the second of
/// two at one path.
fn pages_at(site: &Site, key: &str) -> Vec<String> {
    let at = |path: &str| output_key(&file_for_path(path)) == key;
    site.pages
        .iter()
        .filter(|p| at(&p.path))
        .map(|p| format!("the page {}", p.file.rel.display()))
        .chain(
            site.sections
                .iter()
                .filter(|s| at(&s.path))
                .map(|s| format!("the section {}", s.file.rel.display())),
        )
        .collect()
}
