//! Stage 5, *write*: the output folder, written atomically.
//!
//! Everything is written into a staging folder beside the output folder,
//! which then replaces it; a build that fails leaves the previous output as it
//! was. sourcebrief marks the folders it creates, and refuses to replace a
//! folder it did not create, or one that holds the project itself.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::render::{OutputFile, file_for_path};
use crate::site::Site;
use crate::text::escape_html;

/// The file that marks an output folder as made by sourcebrief.
pub const MARKER: &str = ".sourcebrief-output";

/// Refuses output folders that would destroy the project or foreign files.
pub fn check_output_dir(config: &Config) -> Result<()> {
    let out = normalize(&config.output_dir);
    let root = normalize(&config.root);
    let refuse = |why: &str| {
        Err(Error::msg(format!(
            "refusing to use {} as the output folder: {why}",
            config.output_dir.display()
        )))
    };
    if out == root {
        return refuse("it is the project folder");
    }
    if root.starts_with(&out) {
        return refuse("it contains the project");
    }
    for dir in ["content", "templates", "static", "themes"] {
        if out.starts_with(root.join(dir)) {
            return refuse(&format!("it is inside the project's {dir}/ folder"));
        }
    }
    if out.exists() {
        if !out.is_dir() {
            return refuse("it is a file");
        }
        let empty = std::fs::read_dir(&out)
            .map_err(|e| Error::io(&out, e))?
            .next()
            .is_none();
        if !empty && !out.join(MARKER).is_file() {
            return refuse(
                "it is not empty and was not made by sourcebrief (delete it or choose another folder)",
            );
        }
    }
    Ok(())
}

/// Resolves `.` and `..` and symbolic links of the part that exists.
fn normalize(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        if name == ".." {
            out.pop();
        } else if name != "." {
            out.push(name);
        }
    }
    out
}

/// A file to copy into the output.
pub struct CopyFile {
    pub from: crate::theme::Origin,
    /// Path shown in messages.
    pub shown: PathBuf,
    /// Relative to the output folder.
    pub to: PathBuf,
}

/// The files the site writes besides its pages: sitemap, robots, redirects.
pub fn site_files(site: &Site) -> Vec<OutputFile> {
    let config = &site.config;
    let mut files = Vec::new();

    let mut urls: Vec<(String, Option<&str>)> = site
        .sections
        .iter()
        .map(|s| {
            (
                config.permalink(&s.path),
                s.meta
                    .updated
                    .as_ref()
                    .or(s.meta.date.as_ref())
                    .map(|d| d.day()),
            )
        })
        .chain(site.pages.iter().map(|p| {
            (
                config.permalink(&p.path),
                p.meta
                    .updated
                    .as_ref()
                    .or(p.meta.date.as_ref())
                    .map(|d| d.day()),
            )
        }))
        .collect();
    urls.sort();
    let mut sitemap = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, lastmod) in &urls {
        sitemap.push_str(&format!("  <url>\n    <loc>{}</loc>\n", escape_html(loc)));
        if let Some(d) = lastmod {
            sitemap.push_str(&format!("    <lastmod>{d}</lastmod>\n"));
        }
        sitemap.push_str("  </url>\n");
    }
    sitemap.push_str("</urlset>\n");
    files.push(OutputFile {
        path: "sitemap.xml".into(),
        bytes: sitemap.into_bytes(),
    });

    files.push(OutputFile {
        path: "atom.xml".into(),
        bytes: atom_feed(site).into_bytes(),
    });

    files.push(OutputFile {
        path: "robots.txt".into(),
        bytes: format!(
            "User-agent: *\nAllow: /\nSitemap: {}\n",
            config.permalink("/sitemap.xml")
        )
        .into_bytes(),
    });

    if !site.redirects.is_empty() {
        let mut lines = String::new();
        let mut redirects = site.redirects.clone();
        redirects.sort_by(|a, b| a.from.cmp(&b.from));
        for r in &redirects {
            lines.push_str(&format!("{} {} 301\n", r.from, r.to));
            files.push(OutputFile {
                path: file_for_path(&r.from),
                bytes: redirect_page(&config.permalink(&r.to), &config.language).into_bytes(),
            });
        }
        files.push(OutputFile {
            path: "_redirects".into(),
            bytes: lines.into_bytes(),
        });
    }
    files
}

/// An Atom feed of the site's dated pages, newest first.
pub fn atom_feed(site: &Site) -> String {
    let config = &site.config;
    let mut entries: Vec<&crate::site::Page> = site
        .pages
        .iter()
        .filter(|p| p.meta.date.is_some() || p.meta.updated.is_some())
        .collect();
    fn updated(p: &crate::site::Page) -> &str {
        p.meta
            .updated
            .as_ref()
            .or(p.meta.date.as_ref())
            .map_or("", |d| d.as_str())
    }
    entries.sort_by(|a, b| updated(b).cmp(updated(a)).then(a.path.cmp(&b.path)));
    let stamp = |d: &str| {
        if d.len() == 10 {
            format!("{d}T00:00:00Z")
        } else {
            d.to_string()
        }
    };
    let feed_updated = entries
        .first()
        .map(|p| stamp(updated(p)))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n  <title>{title}</title>\n  <subtitle>{sub}</subtitle>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{self_url}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{home}\"/>\n  <id>{home}</id>\n  <updated>{feed_updated}</updated>\n",
        lang = escape_html(&config.language),
        title = escape_html(&config.title),
        sub = escape_html(&config.description),
        self_url = escape_html(&config.permalink("/atom.xml")),
        home = escape_html(&config.permalink("/")),
    );
    for p in entries {
        let link = escape_html(&config.permalink(&p.path));
        xml.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{link}\"/>\n    <id>{link}</id>\n    <updated>{}</updated>\n",
            escape_html(p.meta.title.as_deref().unwrap_or("")),
            stamp(updated(p)),
        ));
        if let Some(d) = &p.meta.date {
            xml.push_str(&format!(
                "    <published>{}</published>\n",
                stamp(d.as_str())
            ));
        }
        if let Some(d) = &p.meta.description {
            xml.push_str(&format!("    <summary>{}</summary>\n", escape_html(d)));
        }
        xml.push_str(&format!(
            "    <author><name>{}</name></author>\n  </entry>\n",
            escape_html(&config.title)
        ));
    }
    xml.push_str("</feed>\n");
    xml
}

/// A page that sends the reader to `target` (no script: a meta refresh).
pub fn redirect_page(target: &str, lang: &str) -> String {
    let t = escape_html(target);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved to {t}</title>\n<link rel=\"canonical\" href=\"{t}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={t}\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{t}\">{t}</a>.</p>\n</body>\n</html>\n",
        lang = escape_html(lang)
    )
}

/// Removes the staging and old-output folders that builds killed midway
/// left beside `out_dir` (`.{name}.sourcebrief-staging-<pid>`,
/// `.{name}.sourcebrief-old-<pid>`): only those of processes that no longer
/// run, and only folders that carry the output marker. A build killed
/// between its two renames leaves no `out_dir` but the old output: that is
/// put back first. Where it cannot be told whether a process runs (no
/// `/proc`), nothing is removed.
fn clean_up_after_dead_builds(parent: &Path, name: &str, out_dir: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let staging = format!(".{name}.sourcebrief-staging-");
    let old = format!(".{name}.sourcebrief-old-");
    let mut dead: Vec<(bool, u32, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().to_string();
            let (is_old, pid) = match (file.strip_prefix(&staging), file.strip_prefix(&old)) {
                (Some(p), _) => (false, p.parse::<u32>().ok()?),
                (_, Some(p)) => (true, p.parse::<u32>().ok()?),
                _ => return None,
            };
            let path = e.path();
            let ours = path.join(MARKER).is_file();
            let running = Path::new(&format!("/proc/{pid}")).exists();
            (ours && !running && pid != std::process::id()).then_some((is_old, pid, path))
        })
        .collect();
    // The newest old output goes back where it was, if nothing is there.
    dead.sort_by_key(|(is_old, pid, _)| (*is_old, std::cmp::Reverse(*pid)));
    if !out_dir.exists()
        && let Some(i) = dead.iter().position(|(is_old, ..)| *is_old)
    {
        let (_, _, path) = dead.remove(i);
        if std::fs::rename(&path, out_dir).is_ok() {
            eprintln!(
                "note: put back the previous output from {} (a build was killed midway)",
                path.display()
            );
        }
    }
    for (_, _, path) in dead {
        if std::fs::remove_dir_all(&path).is_ok() {
            eprintln!(
                "note: removed {}, left by a build that was killed",
                path.display()
            );
        }
    }
}

/// A staging folder beside the output folder, into which a build writes
/// each output as soon as it is made; [`Staging::commit`] swaps it in for
/// the output folder. Dropped without a commit (a failed build), it is
/// removed, and the previous output stays as it was.
pub struct Staging {
    out_dir: PathBuf,
    dir: PathBuf,
    old: PathBuf,
    committed: bool,
}

impl Staging {
    /// Makes an empty, marked staging folder for `out_dir` (first removing
    /// what builds killed midway left).
    pub fn create(out_dir: &Path) -> Result<Self> {
        let parent = out_dir
            .parent()
            .ok_or_else(|| Error::msg("the output folder has no parent folder"))?;
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let name = out_dir
            .file_name()
            .ok_or_else(|| Error::msg("the output folder has no name"))?
            .to_string_lossy()
            .to_string();
        clean_up_after_dead_builds(parent, &name, out_dir);
        let pid = std::process::id();
        let staging = Staging {
            out_dir: out_dir.to_path_buf(),
            dir: parent.join(format!(".{name}.sourcebrief-staging-{pid}")),
            old: parent.join(format!(".{name}.sourcebrief-old-{pid}")),
            committed: false,
        };
        let dir = &staging.dir;
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        std::fs::write(dir.join(MARKER), "").map_err(|e| Error::io(dir, e))?;
        Ok(staging)
    }

    /// Copies `copies` in, in order (later entries win).
    pub fn copy_all(&self, copies: &[CopyFile]) -> Result<()> {
        for c in copies {
            let dest = self.dir.join(&c.to);
            if let Some(d) = dest.parent() {
                std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
            }
            match &c.from {
                crate::theme::Origin::Disk(p) => {
                    std::fs::copy(p, &dest).map_err(|e| Error::io(&c.shown, e))?;
                }
                crate::theme::Origin::Embedded(bytes) => {
                    std::fs::write(&dest, bytes).map_err(|e| Error::io(&dest, e))?;
                }
            }
        }
        Ok(())
    }

    /// Writes one output file (`rel` to the output folder), making its
    /// folders; it replaces what was written at that path before. Safe to
    /// call from many threads.
    pub fn write(&self, rel: &Path, bytes: &[u8]) -> Result<()> {
        let dest = self.dir.join(rel);
        if let Some(d) = dest.parent() {
            std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
        }
        std::fs::write(&dest, bytes).map_err(|e| Error::io(&dest, e))
    }

    /// Swaps the staging folder in for the output folder.
    pub fn commit(mut self) -> Result<()> {
        self.committed = true;
        let (out_dir, staging, old) = (&self.out_dir, &self.dir, &self.old);
        if out_dir.exists() {
            std::fs::rename(out_dir, old).map_err(|e| Error::io(out_dir, e))?;
        }
        if let Err(e) = std::fs::rename(staging, out_dir) {
            // Put the previous output back.
            let _ = std::fs::rename(old, out_dir);
            let _ = std::fs::remove_dir_all(staging);
            return Err(Error::io(out_dir, e));
        }
        if old.exists() {
            std::fs::remove_dir_all(old).map_err(|e| Error::io(old, e))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
