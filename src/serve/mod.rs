//! `sourcebrief serve`: a live preview of the site.
//!
//! The site is built into memory (nothing is written to disk) and served over
//! HTTP on a loopback address; the inputs are watched, and each change is
//! rebuilt incrementally and pushed to open pages.
//!
//! - [`watch`]: what is watched, and the pure classification of file events;
//! - [`crate::engine::Engine`] (not here): the rebuild, the engine of
//!   `build` over a kept cache;
//! - [`http`]: request checks and answers;
//! - [`livereload`]: the shared state, the event stream, the injected script
//!   and the error overlay.

pub mod http;
pub mod livereload;
pub mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::build::{BuildOptions, load_config};
use crate::config::Overrides;
use crate::engine::Engine as Builder;
use crate::error::{Error, Result};
use http::Access;
use livereload::{ErrorView, Shared, Snapshot};
use watch::{Changes, Watcher};

/// What `sourcebrief serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site's root folder (holds `config.toml`).
    pub root: PathBuf,
    pub interface: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub drafts: bool,
    /// Scan for changes instead of using the operating system's events.
    pub poll: bool,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// How long one output may take in its template.
    pub template_budget: Option<std::time::Duration>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            root: PathBuf::from("."),
            interface: IpAddr::from([127, 0, 0, 1]),
            port: 1111,
            drafts: false,
            poll: false,
            open: false,
            template_budget: None,
        }
    }
}

/// The build options of the preview of the site at `root`: what `serve`
/// builds, and what a clean build of the served site is made with.
pub fn preview_options(root: PathBuf, drafts: bool) -> BuildOptions {
    BuildOptions {
        root,
        overrides: Overrides {
            output_dir: None,
            // Root-relative links: the preview works under any of the
            // names the server answers to.
            base_url: Some("/".into()),
            drafts,
            template_budget: None,
        },
        // The preview never writes the anchor lock.
        update_lock: false,
    }
}

/// A bound, not yet running, development server.
pub struct Server {
    options: ServeOptions,
    /// The site's root, absolute (as the watcher reports paths).
    root: PathBuf,
    listener: Option<TcpListener>,
    addr: SocketAddr,
    shared: Arc<Shared>,
    builder: Builder,
}

/// How long to wait after a batch of events for more of the same burst, so
/// that it makes one rebuild: briefly after a change to one or two files
/// (an editor's save), longer once many files change at once (`git
/// checkout`, a folder copied in), whose writer may pause between files.
///
/// The events of one save come within a millisecond or so, but the
/// debouncer may hand them over in two batches, one tick
/// ([`watch::TICK`], 2 ms) apart: the short wait covers that.
const SETTLE: Duration = Duration::from_millis(5);
const BURST_SETTLE: Duration = Duration::from_millis(200);
/// The longest a rebuild waits for a burst to end.
const MAX_SETTLE: Duration = Duration::from_secs(2);
/// How many changed files make a burst.
const BURST: usize = 3;

impl Server {
    /// Binds the HTTP server. The address it reports is the one bound (the
    /// port chosen by the system when `port` is 0).
    pub fn bind(options: ServeOptions) -> Result<Self> {
        let wanted = SocketAddr::new(options.interface, options.port);
        let listener = TcpListener::bind(wanted)
            .map_err(|e| Error::msg(format!("cannot listen on {wanted}: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::msg(format!("cannot listen on {wanted}: {e}")))?;
        let root = std::path::absolute(&options.root).map_err(|e| Error::io(&options.root, e))?;
        let mut build = preview_options(options.root.clone(), options.drafts);
        build.overrides.template_budget = options.template_budget;
        Ok(Self {
            options,
            root,
            listener: Some(listener),
            addr,
            shared: Arc::new(Shared::starting_at(session_base())),
            builder: Builder::new(build),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL to open: the bound address, or `127.0.0.1` when bound to
    /// every interface.
    pub fn url(&self) -> String {
        let ip = if self.addr.ip().is_unspecified() {
            IpAddr::from([127, 0, 0, 1])
        } else {
            self.addr.ip()
        };
        format!("http://{}/", SocketAddr::new(ip, self.addr.port()))
    }

    /// The build options every rebuild uses (what a clean build of the
    /// served site is made with).
    pub fn build_options(&self) -> &BuildOptions {
        self.builder.options()
    }

    /// Builds the site, answers requests, and rebuilds on every change until
    /// the watcher stops.
    pub fn run(mut self) -> Result<()> {
        let ip = self.addr.ip();
        if ip.is_unspecified() {
            eprintln!(
                "\nWARNING: serving on EVERY network interface ({ip}): anyone who can reach this machine can read the site, drafts included. Use --interface 127.0.0.1 unless you mean it.\n"
            );
        } else if !ip.is_loopback() {
            eprintln!(
                "\nWARNING: serving on {ip}, which is not a loopback address: others on that network can read the site, drafts included.\n"
            );
        }
        let root = self.root.clone();
        let (tx, rx) = mpsc::channel();
        let mut watcher = Watcher::new(&root, self.options.poll, tx)?;

        self.rebuild(Changes::everything());
        let access = Access {
            interface: self.addr.ip(),
            port: self.addr.port(),
        };
        if let Some(listener) = self.listener.take() {
            let shared = Arc::clone(&self.shared);
            std::thread::Builder::new()
                .name("sourcebrief-accept".into())
                .spawn(move || http::run(listener, shared, access))
                .map_err(|e| Error::msg(format!("cannot start the server: {e}")))?;
        }
        let url = self.url();
        if self.addr.ip().is_unspecified() {
            println!(
                "Serving {} at {url} (listening on {}, every interface; Ctrl-C to stop)",
                root.display(),
                self.addr
            );
        } else {
            println!("Serving {} at {url} (Ctrl-C to stop)", root.display());
        }
        if self.options.open {
            open_browser(&url);
        }

        while let Ok(batch) = rx.recv() {
            let theme = self.theme();
            let mut changes = Changes::default();
            if !add_batch(&mut changes, &root, &theme, batch) {
                // Reads of files (the builds' own among them), swap files…
                continue;
            }
            // Wait for the end of the burst: until no relevant event came
            // for a while, but not forever (a file rewritten all the time).
            let start = Instant::now();
            let mut quiet_since = Instant::now();
            while start.elapsed() < MAX_SETTLE {
                let settle = if changes.paths.len() >= BURST {
                    BURST_SETTLE
                } else {
                    SETTLE
                };
                let Some(left) = settle.checked_sub(quiet_since.elapsed()) else {
                    break;
                };
                match rx.recv_timeout(left) {
                    Ok(more) => {
                        if add_batch(&mut changes, &root, &theme, more) {
                            quiet_since = Instant::now();
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => break,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
                }
            }
            if changes.is_empty() {
                continue;
            }
            if watcher.touches_folders(&changes) {
                watcher.sync_folders();
            }
            self.rebuild(changes);
        }
        Ok(())
    }

    /// The theme in use, to classify changes under `themes/`.
    fn theme(&self) -> String {
        self.builder
            .theme()
            .map(str::to_string)
            .or_else(|| load_config(self.builder.options()).ok().map(|c| c.theme))
            .unwrap_or_else(|| "default".into())
    }

    /// Rebuilds and publishes: the new site, or the errors over the last
    /// good one.
    fn rebuild(&mut self, changes: Changes) {
        let what = changes.describe(&self.root);
        let previous = self.shared.snapshot();
        let result = match guarded(|| self.builder.rebuild(changes)) {
            Ok(result) => result,
            Err(panic) => {
                // The kept build may be half changed: the next rebuild
                // starts from scratch.
                self.builder = Builder::new(self.builder.options().clone());
                Err(crate::Error::msg(panic))
            }
        };
        match result {
            Ok(outcome) => {
                for w in crate::error::render_all(&outcome.warnings) {
                    eprintln!("{w}\n");
                }
                println!("{} ({what})", outcome.summary());
                self.shared.publish(Snapshot {
                    map: Arc::new(outcome.map),
                    site: previous.site + 1,
                    errors: Vec::new(),
                });
            }
            Err(e) => {
                eprintln!("{e}");
                let n = e.diagnostics.len();
                eprintln!(
                    "\nRebuild failed: {n} error{} ({what}). Still serving the last good version.",
                    if n == 1 { "" } else { "s" }
                );
                self.shared.publish(Snapshot {
                    map: Arc::clone(&previous.map),
                    site: previous.site,
                    errors: ErrorView::all(&e.diagnostics),
                });
            }
        }
    }
}

/// Runs `f`, catching a panic inside it: `Err` then says what it was, so
/// that a bug in one rebuild never takes the server down.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into());
        format!(
            "internal error in the rebuild ({what}): this is a bug in sourcebrief; the last good site is still served"
        )
    })
}

/// Records a batch of watcher events; returns whether any of them matters
/// to a rebuild.
fn add_batch(
    changes: &mut Changes,
    root: &std::path::Path,
    theme: &str,
    batch: notify_debouncer_full::DebounceEventResult,
) -> bool {
    let mut relevant = false;
    match batch {
        Ok(events) => {
            for e in events {
                if e.event.need_rescan() {
                    changes.rescan();
                    relevant = true;
                }
                relevant |= changes.add_event(root, theme, &e.event.kind, &e.event.paths);
            }
        }
        Err(errors) => {
            for e in errors {
                eprintln!("warning: file watcher: {e}; rebuilding everything");
            }
            changes.rescan();
            relevant = true;
        }
    }
    relevant
}

/// Where this process numbers its builds from: different from one run of
/// `serve` to the next, so that a page left open across a restart reloads
/// (and small enough for JavaScript numbers).
fn session_base() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    ((nanos ^ u128::from(std::process::id())) % (1 << 40)) as u64 * 1000
}

/// Opens `url` with the system's default browser; a failure is only a
/// message.
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    if let Err(e) = cmd.arg(url).spawn() {
        eprintln!("warning: cannot open a browser ({e}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::guarded;

    #[test]
    fn a_panic_in_a_rebuild_becomes_an_error() {
        assert_eq!(guarded(|| 7), Ok(7));
        let err = guarded(|| -> u8 { panic!("index out of bounds") }).unwrap_err();
        assert!(err.contains("index out of bounds"), "{err}");
        assert!(err.contains("the last good site is still served"), "{err}");
        let owned = String::from("owned message");
        let err = guarded(move || -> u8 { panic!("{owned}") }).unwrap_err();
        assert!(err.contains("owned message"), "{err}");
    }
}
