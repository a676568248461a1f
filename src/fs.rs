//! File-system helpers shared by the stages: walking a folder safely, and the
//! rules for which files an author's editor leaves behind that must be skipped.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::error::{Diagnostic, Diagnostics};

/// Whether a file or folder name is one to skip: hidden files, editor swap
/// and backup files.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// Every file below `dir`, sorted by path. Symbolic links are followed only
/// when they stay inside `root` (the project); one that leads outside is an
/// error, and so is a link loop.
pub fn checked_walk(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let canonical_root = match root.canonicalize() {
        Ok(r) => r,
        Err(e) => {
            diags.push(Diagnostic::error(format!("{}: {e}", root.display())));
            return Vec::new();
        }
    };
    let shown = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
    let mut files = Vec::new();
    let mut walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_str().is_some_and(is_ignored_name));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(shown).unwrap_or_default();
                let msg = if e.loop_ancestor().is_some() {
                    "symbolic link loop".to_string()
                } else {
                    e.to_string()
                };
                diags.push(Diagnostic::error(msg).in_file(path));
                continue;
            }
        };
        if entry.path_is_symlink() {
            let inside = entry
                .path()
                .canonicalize()
                .is_ok_and(|target| target.starts_with(&canonical_root));
            if !inside {
                diags.push(
                    Diagnostic::error(
                        "symbolic link points outside the project; refusing to follow it",
                    )
                    .in_file(shown(entry.path())),
                );
                // Refused by where it points, before anything below it is read.
                if entry.file_type().is_dir() {
                    walker.skip_current_dir();
                }
                continue;
            }
        }
        if entry.file_type().is_file() {
            files.push(entry.into_path());
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignored_names() {
        assert!(is_ignored_name(".a.md.swp"));
        assert!(is_ignored_name("a.md~"));
        assert!(is_ignored_name("#a.md#"));
        assert!(is_ignored_name(".hidden"));
        assert!(!is_ignored_name("a.md"));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_outside_is_refused() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.md"), "x").unwrap();
        let site = tempfile::tempdir().unwrap();
        let content = site.path().join("content");
        std::fs::create_dir(&content).unwrap();
        std::fs::write(content.join("a.md"), "a").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.md"), content.join("b.md")).unwrap();
        std::os::unix::fs::symlink(content.join("a.md"), content.join("c.md")).unwrap();
        let mut diags = Diagnostics::default();
        let files = checked_walk(site.path(), &content, &mut diags);
        let names: Vec<_> = files
            .iter()
            .map(|f| f.file_name().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["a.md", "c.md"]);
        let err = diags.finish().unwrap_err();
        assert!(err.to_string().contains("outside the project"), "{err}");
        assert!(err.to_string().contains("content/b.md"), "{err}");
    }
}
