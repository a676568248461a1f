//! Watching the site's files: which paths are watched, and the pure
//! classification of file-system events into the kinds of change a rebuild
//! understands.
//!
//! [`classify`] and [`Changes::add_event`] are pure functions of paths and
//! event kinds, so every editor behaviour (atomic save by temp file and
//! rename, swap files, folder renames, bursts such as `git checkout`) is unit
//! tested here without touching a disk.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify::{PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, FileIdMap, RecommendedCache, new_debouncer_opt,
};

use crate::error::{Error, Result};
use crate::fs::is_ignored_name;

/// What kind of input a changed path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeKind {
    /// `config.toml`: everything is rebuilt.
    Config,
    /// Anything under `content/`: pages, sections, collections and assets.
    Content,
    /// The site's `templates/`.
    Templates,
    /// The site's `static/`, or the theme's `static/`.
    Static,
    /// Anything else of the theme in use (its templates): templates are
    /// reloaded and its static files listed again.
    Theme,
}

/// The folders and files of a site that are watched, relative to its root.
pub const WATCHED_DIRS: [&str; 4] = ["content", "templates", "themes", "static"];
pub const CONFIG_FILE: &str = "config.toml";

/// The kind of change a path under `root` is, or `None` for a path no
/// rebuild depends on (editor swap and backup files, hidden files, the
/// output folder, other themes, files outside the watched folders).
pub fn classify(root: &Path, theme: &str, path: &Path) -> Option<ChangeKind> {
    let rel = path.strip_prefix(root).ok()?;
    let mut names = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(n) => names.push(n.to_str()?),
            _ => return None,
        }
    }
    if names.iter().any(|n| is_ignored_name(n)) {
        return None;
    }
    match names.as_slice() {
        [] => None,
        [f] if *f == CONFIG_FILE => Some(ChangeKind::Config),
        ["content", ..] => Some(ChangeKind::Content),
        ["templates", ..] => Some(ChangeKind::Templates),
        ["static", ..] => Some(ChangeKind::Static),
        ["themes"] => Some(ChangeKind::Theme),
        ["themes", t, rest @ ..] if *t == theme => match rest {
            ["static", ..] => Some(ChangeKind::Static),
            _ => Some(ChangeKind::Theme),
        },
        _ => None,
    }
}

/// Whether an event kind can change what the site renders: reads, access
/// times, permissions, owners and extended attributes cannot. (A new
/// modification time can: the polling watcher reports writes that way.)
pub fn is_relevant(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::AccessTime
            | MetadataKind::Permissions
            | MetadataKind::Ownership
            | MetadataKind::Extended,
        )) => false,
        EventKind::Any
        | EventKind::Create(_)
        | EventKind::Modify(_)
        | EventKind::Remove(_)
        | EventKind::Other => true,
    }
}

/// The changes of one or more batches of events, merged: what the next
/// rebuild has to redo.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub config: bool,
    pub content: bool,
    pub templates: bool,
    pub theme: bool,
    /// Changed paths under a `static/` folder (absolute, as reported).
    pub statics: BTreeSet<PathBuf>,
    /// Every relevant changed path, for messages and for re-reading copied
    /// files.
    pub paths: BTreeSet<PathBuf>,
}

impl Changes {
    /// Everything: the first build, or after `config.toml` changed.
    pub fn everything() -> Self {
        Self {
            config: true,
            ..Self::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.config && !self.content && !self.templates && !self.theme && self.statics.is_empty()
    }

    /// Records one event: every path it names (a rename names both the old
    /// and the new path) is classified. Returns whether anything a rebuild
    /// depends on changed.
    pub fn add_event(
        &mut self,
        root: &Path,
        theme: &str,
        kind: &EventKind,
        paths: &[PathBuf],
    ) -> bool {
        if !is_relevant(kind) {
            return false;
        }
        let mut relevant = false;
        for path in paths {
            let Some(change) = classify(root, theme, path) else {
                continue;
            };
            match change {
                ChangeKind::Config => self.config = true,
                ChangeKind::Content => self.content = true,
                ChangeKind::Templates => self.templates = true,
                ChangeKind::Theme => self.theme = true,
                ChangeKind::Static => {
                    self.statics.insert(path.clone());
                }
            }
            self.paths.insert(path.clone());
            relevant = true;
        }
        relevant
    }

    /// The watcher may have missed events (its queue overflowed, or it
    /// reported an error): rebuild everything from the files.
    pub fn rescan(&mut self) {
        self.config = true;
    }

    /// Adds `other` to these changes (a rebuild that failed leaves its
    /// changes pending for the next one).
    pub fn merge(&mut self, other: Changes) {
        self.config |= other.config;
        self.content |= other.content;
        self.templates |= other.templates;
        self.theme |= other.theme;
        self.statics.extend(other.statics);
        self.paths.extend(other.paths);
    }

    /// A short description for the console: `content/a.md`, or `3 files`.
    pub fn describe(&self, root: &Path) -> String {
        match self.paths.len() {
            0 if self.config => CONFIG_FILE.to_string(),
            0 => "no file".to_string(),
            1 => {
                let p = self.paths.first().expect("one path");
                p.strip_prefix(root).unwrap_or(p).display().to_string()
            }
            n => format!("{n} files"),
        }
    }
}

/// A debounced watcher of a site's inputs, native or polling.
pub struct Watcher {
    root: PathBuf,
    inner: Inner,
    /// The folders of [`WATCHED_DIRS`] that are watched now.
    watched: BTreeSet<PathBuf>,
}

enum Inner {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, FileIdMap>),
}

impl Inner {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Inner::Native(d) => d.watch(path, mode),
            Inner::Poll(d) => d.watch(path, mode),
        }
    }
    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        match self {
            Inner::Native(d) => d.unwatch(path),
            Inner::Poll(d) => d.unwatch(path),
        }
    }
}

/// How long the debouncer waits for more events on the same path. Short:
/// an editor's save is a few events within a millisecond or two, and every
/// millisecond here is one more before the edit shows. (The server waits for
/// bursts across files on top of this.)
pub const DEBOUNCE: Duration = Duration::from_millis(10);
/// How often the debouncer looks for events that have waited long enough.
pub const TICK: Duration = Duration::from_millis(2);
/// How often the polling watcher scans the site.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

impl Watcher {
    /// Watches `root`'s `config.toml` and input folders; batches of events
    /// are sent to `events`. `poll` scans the files instead of relying on
    /// the operating system's events (for network and some virtual file
    /// systems).
    pub fn new(root: &Path, poll: bool, events: Sender<DebounceEventResult>) -> Result<Self> {
        let err = |e: notify::Error| {
            Error::msg(format!(
                "cannot watch {}: {e} (--poll scans for changes instead)",
                root.display()
            ))
        };
        let inner = if poll {
            // Modification times have a resolution of a second when
            // polled: compare contents, or two saves within a second look
            // like one.
            let config = notify::Config::default()
                .with_poll_interval(POLL_INTERVAL)
                .with_compare_contents(true);
            Inner::Poll(
                new_debouncer_opt(DEBOUNCE, Some(TICK), events, FileIdMap::new(), config)
                    .map_err(err)?,
            )
        } else {
            Inner::Native(
                new_debouncer_opt(
                    DEBOUNCE,
                    Some(TICK),
                    events,
                    RecommendedCache::new(),
                    notify::Config::default(),
                )
                .map_err(err)?,
            )
        };
        let mut watcher = Self {
            root: root.to_path_buf(),
            inner,
            watched: BTreeSet::new(),
        };
        // The root itself, not recursively: `config.toml` (also when an
        // editor replaces it) and the creation of a watched folder.
        watcher
            .inner
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(err)?;
        watcher.sync_folders();
        Ok(watcher)
    }

    /// Watches the input folders that exist now and were not watched, and
    /// forgets the ones that are gone (a folder deleted and made again, as
    /// `git checkout` can do, needs a new watch).
    pub fn sync_folders(&mut self) {
        for name in WATCHED_DIRS {
            let dir = self.root.join(name);
            let exists = dir.is_dir();
            let watched = self.watched.contains(&dir);
            if watched {
                let _ = self.inner.unwatch(&dir);
                self.watched.remove(&dir);
            }
            if exists {
                match self.inner.watch(&dir, RecursiveMode::Recursive) {
                    Ok(()) => {
                        self.watched.insert(dir);
                    }
                    Err(e) => eprintln!(
                        "warning: cannot watch {}: {e}; its changes will not be seen (--poll scans for changes instead)",
                        dir.display()
                    ),
                }
            }
        }
    }

    /// Whether a batch of changes touched one of the watched folders
    /// themselves (made, deleted or renamed), so that the watches must be
    /// renewed.
    pub fn touches_folders(&self, changes: &Changes) -> bool {
        WATCHED_DIRS
            .iter()
            .any(|d| changes.paths.contains(&self.root.join(d)))
            || WATCHED_DIRS
                .iter()
                .any(|d| self.root.join(d).is_dir() != self.watched.contains(&self.root.join(d)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, DataChange, RemoveKind, RenameMode};

    fn root() -> PathBuf {
        PathBuf::from("/site")
    }

    fn kind(rel: &str) -> Option<ChangeKind> {
        classify(&root(), "default", &root().join(rel))
    }

    #[test]
    fn classifies_inputs() {
        assert_eq!(kind("config.toml"), Some(ChangeKind::Config));
        assert_eq!(kind("content/a.md"), Some(ChangeKind::Content));
        assert_eq!(kind("content/dir/img.png"), Some(ChangeKind::Content));
        assert_eq!(kind("content"), Some(ChangeKind::Content));
        assert_eq!(kind("templates/page.html"), Some(ChangeKind::Templates));
        assert_eq!(kind("static/logo.svg"), Some(ChangeKind::Static));
        assert_eq!(
            kind("themes/default/static/style.css"),
            Some(ChangeKind::Static)
        );
        assert_eq!(
            kind("themes/default/templates/base.html"),
            Some(ChangeKind::Theme)
        );
        assert_eq!(kind("themes/default"), Some(ChangeKind::Theme));
        assert_eq!(kind("themes"), Some(ChangeKind::Theme));
    }

    #[test]
    fn ignores_what_no_build_reads() {
        assert_eq!(kind("themes/other/templates/base.html"), None);
        assert_eq!(kind("public/index.html"), None);
        assert_eq!(kind("README.md"), None);
        assert_eq!(kind("config.toml~"), None);
        assert_eq!(kind(".config.toml.swp"), None);
        assert_eq!(kind("content/.a.md.swp"), None);
        assert_eq!(kind("content/a.md~"), None);
        assert_eq!(kind("content/#a.md#"), None);
        assert_eq!(kind("content/.git/HEAD"), None);
        assert_eq!(kind("content/a.md.tmp"), None);
        assert_eq!(kind(""), None);
        assert_eq!(
            classify(&root(), "default", Path::new("/elsewhere/a.md")),
            None
        );
    }

    fn changes(events: &[(EventKind, &[&str])]) -> Changes {
        let mut c = Changes::default();
        for (k, paths) in events {
            let paths: Vec<PathBuf> = paths.iter().map(|p| root().join(p)).collect();
            c.add_event(&root(), "default", k, &paths);
        }
        c
    }

    #[test]
    fn atomic_save_is_a_content_change() {
        // Write a temporary file, then rename it over the page.
        let c = changes(&[
            (
                EventKind::Create(CreateKind::File),
                &["content/.a.md.tmp123"],
            ),
            (
                EventKind::Modify(ModifyKind::Data(DataChange::Any)),
                &["content/.a.md.tmp123"],
            ),
            (
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &["content/.a.md.tmp123", "content/a.md"],
            ),
        ]);
        assert!(c.content && !c.templates && !c.config);
        assert_eq!(c.paths, BTreeSet::from([root().join("content/a.md")]));
    }

    #[test]
    fn reads_and_metadata_are_not_changes() {
        let c = changes(&[
            (EventKind::Access(AccessKind::Any), &["content/a.md"]),
            (
                EventKind::Modify(ModifyKind::Metadata(MetadataKind::Permissions)),
                &["templates/page.html"],
            ),
        ]);
        assert!(c.is_empty());
        // The polling watcher reports a write as a new modification time.
        let c = changes(&[(
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)),
            &["content/a.md"],
        )]);
        assert!(c.content);
    }

    #[test]
    fn a_burst_merges_into_one_plan() {
        let c = changes(&[
            (EventKind::Remove(RemoveKind::Folder), &["content/old"]),
            (EventKind::Create(CreateKind::File), &["content/new/a.md"]),
            (
                EventKind::Modify(ModifyKind::Data(DataChange::Content)),
                &["static/app.css"],
            ),
            (
                EventKind::Modify(ModifyKind::Name(RenameMode::From)),
                &["templates/old.html"],
            ),
            (
                EventKind::Create(CreateKind::Folder),
                &["themes/default/static/img"],
            ),
        ]);
        assert!(c.content && c.templates && !c.config && !c.theme);
        assert_eq!(
            c.statics,
            BTreeSet::from([
                root().join("static/app.css"),
                root().join("themes/default/static/img")
            ])
        );
        assert_eq!(c.describe(&root()), "5 files");
    }

    #[test]
    fn config_rename_and_merge() {
        let mut a = changes(&[(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &["config.toml.new", "config.toml"],
        )]);
        assert!(a.config);
        let b = changes(&[(EventKind::Any, &["static/x.txt"])]);
        a.merge(b);
        assert!(a.config && !a.statics.is_empty());
        assert_eq!(Changes::everything().describe(&root()), "config.toml");
    }
}
