//! Live reload and the error overlay.
//!
//! Pages are served with two extra tags before `</head>`: the overlay's
//! stylesheet and an external script (`/__sourcebrief/livereload.js`) that
//! carries the number of the site build it belongs to. The script listens to
//! server-sent events at `/__sourcebrief/events`: each event is the current
//! build state, `{"site": N, "errors": [...]}`. A page of an older build
//! reloads (keeping its scroll position); errors show in an overlay.
//!
//! While the last rebuild failed, every HTML page is also served with the
//! overlay already in it (escaped on the server), so a page opened or
//! fetched then shows the errors too. Nothing here is ever part of `build`
//! output: it is added to responses only.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;

use crate::engine::SiteMap;
use crate::error::Diagnostic;
use crate::text::escape_html;

/// Where the server's own files live; no site output is served from there.
pub const PREFIX: &str = "/__sourcebrief/";
pub const SCRIPT_PATH: &str = "/__sourcebrief/livereload.js";
pub const STYLE_PATH: &str = "/__sourcebrief/overlay.css";
pub const EVENTS_PATH: &str = "/__sourcebrief/events";

pub const SCRIPT: &str = include_str!("assets/livereload.js");
pub const STYLE: &str = include_str!("assets/overlay.css");

/// How often an idle event stream sends a comment, to notice closed
/// connections.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// One build error, as the overlay shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorView {
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    /// The full report with the source snippet, as the console shows it.
    pub report: String,
}

impl ErrorView {
    /// The views of diagnostics, their places found in one pass per file
    /// ([`crate::error::placed`]).
    pub fn all(ds: &[Diagnostic]) -> Vec<Self> {
        ds.iter()
            .zip(crate::error::placed(ds))
            .map(|(d, (place, report))| {
                let (line, column) = place.unzip();
                Self {
                    file: d.file.as_ref().map(|f| f.display().to_string()),
                    line,
                    column,
                    message: d.message.clone(),
                    report,
                }
            })
            .collect()
    }

    /// `content/a.md:3:7`, as much of it as is known.
    pub fn place(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        Some(match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
            (Some(l), None) => format!("{file}:{l}"),
            _ => file.clone(),
        })
    }
}

/// What is being served: the last good site and the errors of the last
/// rebuild, if it failed.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub map: Arc<SiteMap>,
    /// The number of the good build served, counted from a base that
    /// differs between runs of `serve`.
    pub site: u64,
    /// Empty when the last rebuild succeeded.
    pub errors: Vec<ErrorView>,
}

#[derive(Serialize)]
struct Message<'a> {
    site: u64,
    errors: &'a [ErrorView],
}

impl Snapshot {
    /// The state as one server-sent event.
    pub fn event(&self) -> String {
        let data = serde_json::to_string(&Message {
            site: self.site,
            errors: &self.errors,
        })
        .expect("serializable");
        format!("event: build\ndata: {data}\n\n")
    }
}

/// The state shared by the rebuild loop (which publishes) and the HTTP
/// server (which reads, and streams changes to open pages).
#[derive(Debug)]
pub struct Shared {
    state: Mutex<(u64, Arc<Snapshot>)>,
    /// The number of the state, for the event streams to wait on.
    changes: tokio::sync::watch::Sender<u64>,
}

impl Default for Shared {
    fn default() -> Self {
        Self::starting_at(0)
    }
}

impl Shared {
    /// Serves nothing yet; the first good build will be number `base + 1`.
    pub fn starting_at(base: u64) -> Self {
        Self {
            state: Mutex::new((
                0,
                Arc::new(Snapshot {
                    site: base,
                    ..Snapshot::default()
                }),
            )),
            changes: tokio::sync::watch::channel(0).0,
        }
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .clone()
    }

    /// Serves `snapshot` from now on and tells every event stream.
    pub fn publish(&self, snapshot: Snapshot) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.0 += 1;
        state.1 = Arc::new(snapshot);
        let n = state.0;
        drop(state);
        self.changes.send_replace(n);
    }

    /// The live-reload event stream of one client, as chunks: the retry
    /// interval and the current state at once, then every new state, and a
    /// comment every [`KEEPALIVE`] without one. The chunks stop when the
    /// receiver is dropped (the client went away). Must be called inside a
    /// tokio runtime.
    pub fn events(self: &Arc<Self>) -> tokio::sync::mpsc::Receiver<hyper::body::Bytes> {
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        let mut changes = self.changes.subscribe();
        let shared = Arc::clone(self);
        tokio::spawn(async move {
            let mut chunk = format!("retry: 1000\n\n{}", shared.snapshot().event());
            loop {
                if tx.send(hyper::body::Bytes::from(chunk)).await.is_err() {
                    return;
                }
                chunk = match tokio::time::timeout(KEEPALIVE, changes.changed()).await {
                    Ok(Ok(())) => shared.snapshot().event(),
                    Ok(Err(_)) => return,
                    Err(_) => ":\n\n".to_string(),
                };
            }
        });
        rx
    }
}

/// The tags added before `</head>` of every served page.
pub fn head_tags(site: u64) -> String {
    format!(
        "<link rel=\"stylesheet\" href=\"{STYLE_PATH}\"><script src=\"{SCRIPT_PATH}\" data-site=\"{site}\" defer></script>"
    )
}

/// The overlay, as HTML (every text escaped).
pub fn overlay_html(errors: &[ErrorView]) -> String {
    let mut s = String::from(
        "<div id=\"sourcebrief-overlay\" class=\"sourcebrief-overlay\" role=\"alert\"><div class=\"sourcebrief-overlay__box\"><p class=\"sourcebrief-overlay__title\">Build failed \u{2014} showing the last good version of the site</p>",
    );
    for e in errors {
        s.push_str("<section class=\"sourcebrief-overlay__error\">");
        if let Some(place) = e.place() {
            s.push_str(&format!(
                "<h2 class=\"sourcebrief-overlay__where\">{}</h2>",
                escape_html(&place)
            ));
        }
        s.push_str(&format!(
            "<p class=\"sourcebrief-overlay__message\">{}</p><pre class=\"sourcebrief-overlay__report\">{}</pre></section>",
            escape_html(&e.message),
            escape_html(&e.report)
        ));
    }
    s.push_str("</div></div>");
    s
}

/// A served HTML page: the live-reload tags, and the overlay while the last
/// rebuild failed.
pub fn inject(html: &[u8], snapshot: &Snapshot) -> Vec<u8> {
    let tags = head_tags(snapshot.site);
    let mut out = Vec::with_capacity(html.len() + tags.len() + 64);
    let head = find_ci(html, b"</head>");
    match head {
        Some(i) => {
            out.extend_from_slice(&html[..i]);
            out.extend_from_slice(tags.as_bytes());
            out.extend_from_slice(&html[i..]);
        }
        None => {
            // No head to put them in (a fragment): at the end, where they
            // do not push the page into quirks mode.
            out.extend_from_slice(html);
            out.extend_from_slice(tags.as_bytes());
        }
    }
    if !snapshot.errors.is_empty() {
        let overlay = overlay_html(&snapshot.errors);
        match rfind_ci(&out, b"</body>") {
            Some(i) => {
                out.splice(i..i, overlay.into_bytes());
            }
            None => out.extend_from_slice(overlay.as_bytes()),
        }
    }
    out
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

fn rfind_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error() -> ErrorView {
        ErrorView {
            file: Some("content/<a>.md".into()),
            line: Some(2),
            column: Some(1),
            message: "unknown field `<script>`".into(),
            report: "error: <b>".into(),
        }
    }

    #[test]
    fn injects_tags_before_head_end() {
        let s = Snapshot {
            site: 7,
            ..Snapshot::default()
        };
        let out =
            String::from_utf8(inject(b"<html><HEAD></HEAD><body>x</body></html>", &s)).unwrap();
        assert_eq!(
            out,
            format!("<html><HEAD>{}</HEAD><body>x</body></html>", head_tags(7))
        );
        assert!(!out.contains("sourcebrief-overlay\""));
    }

    #[test]
    fn overlay_is_escaped_and_before_body_end() {
        let s = Snapshot {
            site: 1,
            errors: vec![error()],
            ..Snapshot::default()
        };
        let out = String::from_utf8(inject(b"<head></head><body>x</body>", &s)).unwrap();
        let overlay = out.find("id=\"sourcebrief-overlay\"").unwrap();
        assert!(overlay < out.find("</body>").unwrap());
        assert!(out.contains("content/&lt;a&gt;.md:2:1"), "{out}");
        assert!(out.contains("unknown field `&lt;script&gt;`"), "{out}");
        assert!(!out.contains("<script>`"), "{out}");
        assert!(!out.contains("style="), "{out}");
    }

    #[test]
    fn event_is_one_json_message() {
        let s = Snapshot {
            site: 3,
            errors: vec![error()],
            ..Snapshot::default()
        };
        let e = s.event();
        assert!(
            e.starts_with("event: build\ndata: {\"site\":3,\"errors\":[{"),
            "{e}"
        );
        assert!(e.ends_with("}]}\n\n"));
        assert_eq!(e.matches('\n').count(), 3);
    }
}
