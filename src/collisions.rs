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
fn is_sites_own(c: &CopyFile) -> bool {
    matches!(c.from, Origin::Disk(_))
        && (c.shown.starts_with("static") || c.shown.starts_with("content"))
}

/// Checks `files` (in writing order) and `copies` for paths wanted twice;
/// merges a site's `_redirects` into the generated one (the copy is then
/// dropped).
pub fn check(
    site: &Site,
    files: &mut [OutputFile],
    copies: &mut Vec<CopyFile>,
    diags: &mut Diagnostics,
) -> Result<()> {
    let owners = owners(site);
    let owner = |key: &str| {
        owners
            .get(key)
            .cloned()
            .unwrap_or_else(|| "a generated file".to_string())
    };
    // Generated files among themselves.
    let mut generated: HashMap<String, usize> = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        let key = output_key(&f.path);
        if let Some(&first) = generated.get(&key) {
            let a = owner(&output_key(&files[first].path));
            let others: Vec<String> = pages_at(site, &key);
            let b = others
                .into_iter()
                .find(|o| *o != a)
                .unwrap_or_else(|| a.clone());
            diags.push(
                Diagnostic::error(format!("{a} and {b} both write {key}"))
                    .with_help("change the `path`, `slug` or alias of one of them"),
            );
        } else {
            generated.insert(key, i);
        }
    }
    // The site's static files and assets against what the build writes.
    let mut merged = Vec::new();
    for (k, c) in copies.iter().enumerate() {
        if !is_sites_own(c) {
            continue;
        }
        let key = output_key(&c.to);
        let Some(&i) = generated.get(&key) else {
            continue;
        };
        if key == "_redirects" {
            merged.push((k, i));
            continue;
        }
        diags.push(
            Diagnostic::error(format!(
                "{} and {} both want the output file {key}",
                c.shown.display(),
                owner(&key)
            ))
            .in_file(&c.shown)
            .with_help("rename or remove the file, or move what the build writes there"),
        );
    }
    for &(k, i) in merged.iter().rev() {
        let c = copies.remove(k);
        if let Origin::Disk(p) = &c.from {
            let own = std::fs::read(p).map_err(|e| crate::error::Error::io(&c.shown, e))?;
            let mut bytes = own;
            if !bytes.ends_with(b"\n") && !bytes.is_empty() {
                bytes.push(b'\n');
            }
            bytes.extend_from_slice(&files[i].bytes);
            files[i].bytes = bytes;
        }
        diags.push(
            Diagnostic::warning(format!(
                "{} and the redirects of the aliases are merged into _redirects (its own lines first)",
                c.shown.display()
            ))
            .in_file(&c.shown),
        );
    }
    // A file where another output needs a folder.
    let mut all: HashMap<&str, String> = HashMap::new();
    let keys: Vec<(String, String)> = files
        .iter()
        .map(|f| (output_key(&f.path), owner(&output_key(&f.path))))
        .chain(
            copies
                .iter()
                .filter(|c| is_sites_own(c))
                .map(|c| (output_key(&c.to), c.shown.display().to_string())),
        )
        .collect();
    for (key, who) in &keys {
        all.entry(key.as_str()).or_insert_with(|| who.clone());
    }
    for (key, who) in &keys {
        for dir in Path::new(key).ancestors().skip(1) {
            let d = dir.to_string_lossy();
            if d.is_empty() {
                break;
            }
            if let Some(file) = all.get(d.as_ref()) {
                diags.push(Diagnostic::error(format!(
                    "{file} writes the file {d}, where {who} needs a folder for {key}"
                )));
            }
        }
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
