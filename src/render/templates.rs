//! The Tera templates of a build, compiled once.
//!
//! The theme's templates are registered as `themes/<name>/<file>` and that
//! prefix is a Tera fallback prefix; the site's own `templates/<file>` are
//! registered as `<file>`. So a site file overrides the theme file of the
//! same name everywhere (`render`, `extends`, `include`), and a site template
//! can still extend the original as `themes/<name>/<file>`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::time::{Duration, Instant};

use tera::{Context, ErrorKind, Kwargs, State, Tera};

use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::fs::checked_walk;
use crate::key::{Key, KeyHasher};
use crate::theme;

pub struct Templates {
    /// Shared with the threads outputs are rendered on.
    tera: Arc<Tera>,
    /// Idle render threads (see [`Templates::render`]).
    helpers: std::sync::Mutex<Vec<Helper>>,
    /// Template name → (file shown in messages, its text).
    sources: HashMap<String, (PathBuf, Arc<str>)>,
    /// How long one output may take.
    budget: Duration,
    key: Key,
}

/// Where a template writes an output: it stops the render (with an I/O
/// error) once the deadline has passed, looking at the clock every 64
/// writes.
struct Budgeted {
    bytes: Vec<u8>,
    deadline: Instant,
    writes: u32,
}

impl std::io::Write for Budgeted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writes = self.writes.wrapping_add(1);
        if self.writes.is_multiple_of(64) && Instant::now() >= self.deadline {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the template's time budget is spent",
            ));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What a [`Job`] gives back: the output, and its context.
type Done = (tera::TeraResult<Vec<u8>>, Context);

/// One output's render, run on a [`Helper`].
type Job = Box<dyn FnOnce() -> Done + Send>;

/// A thread that renders outputs one at a time, so that the caller can
/// stop waiting for one whose template never ends (a loop that writes
/// nothing cannot be stopped where it runs). Idle helpers are kept for the
/// next output; one that ran past the budget is let go.
struct Helper {
    jobs: std::sync::mpsc::Sender<Job>,
    results: std::sync::mpsc::Receiver<Done>,
}

impl Helper {
    fn spawn() -> std::io::Result<Self> {
        let (jobs, next) = std::sync::mpsc::channel::<Job>();
        let (done, results) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("template".into())
            .spawn(move || {
                for job in next {
                    if done.send(job()).is_err() {
                        break;
                    }
                }
            })?;
        Ok(Helper { jobs, results })
    }
}

/// The text of every template of a site, before it is compiled.
pub struct TemplateSources {
    /// The theme's fallback prefix, `themes/<name>/`.
    prefix: String,
    /// Template name → (file shown in messages, its text).
    sources: HashMap<String, (PathBuf, Arc<str>)>,
}

impl TemplateSources {
    /// Reads the theme `theme_name` and the site's `templates/`.
    pub fn read(root: &Path, theme_name: &str) -> Result<Self> {
        let prefix = format!("themes/{theme_name}/");
        let mut sources: HashMap<String, (PathBuf, Arc<str>)> = HashMap::new();
        let mut diags = Diagnostics::default();

        for file in theme::files(root, theme_name)? {
            if let Some(name) = file.rel.strip_prefix("templates/") {
                let text = read_text(file.read()?, &file.shown)?;
                sources.insert(format!("{prefix}{name}"), (file.shown, text));
            }
        }
        let site_dir = root.join("templates");
        if site_dir.is_dir() {
            for abs in checked_walk(root, &site_dir, &mut diags) {
                let name = abs
                    .strip_prefix(&site_dir)
                    .expect("walk stays in templates/")
                    .to_string_lossy()
                    .replace('\\', "/");
                let shown = abs.strip_prefix(root).unwrap_or(&abs).to_path_buf();
                let bytes = std::fs::read(&abs).map_err(|e| Error::io(&shown, e))?;
                let text = read_text(bytes, &shown)?;
                sources.insert(name, (shown, text));
            }
        }
        diags.finish()?;
        Ok(Self { prefix, sources })
    }

    /// The hash of every template (name, file and text) and of the theme:
    /// what compiling them depends on.
    pub fn key(&self) -> Key {
        let mut h = KeyHasher::new("templates");
        h.add(&self.prefix);
        for name in self.names() {
            h.add(name).add(&self.sources[name]);
        }
        h.key()
    }

    fn names(&self) -> Vec<&String> {
        let mut names: Vec<&String> = self.sources.keys().collect();
        names.sort();
        names
    }
}

impl Templates {
    /// Loads the theme `theme_name` and the site's `templates/` and compiles them.
    pub fn load(root: &Path, theme_name: &str, budget: Duration) -> Result<Self> {
        Self::compile(TemplateSources::read(root, theme_name)?, budget)
    }

    /// Compiles templates read by [`TemplateSources::read`].
    pub fn compile(read: TemplateSources, budget: Duration) -> Result<Self> {
        let key = read.key();
        let TemplateSources { prefix, sources } = read;
        let mut tera = Tera::new();
        tera.set_fallback_prefixes([prefix])
            .map_err(|e| Error::msg(e.to_string()))?;
        register_filters(&mut tera);
        tera.set_escape_fn(crate::text::write_escaped_html);
        let mut names: Vec<&String> = sources.keys().collect();
        names.sort();
        let batch: Vec<(&str, &str)> = names
            .iter()
            .map(|n| (n.as_str(), &*sources[*n].1))
            .collect();
        let result = tera.add_raw_templates(batch);
        let templates = Self {
            tera: Arc::new(tera),
            helpers: std::sync::Mutex::new(Vec::new()),
            sources,
            budget,
            key,
        };
        result.map_err(|e| templates.error(&e))?;
        Ok(templates)
    }

    /// The key of the templates' sources ([`TemplateSources::key`]): part
    /// of the key of every output.
    pub fn key(&self) -> Key {
        self.key
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Whether any template's source contains `text` (e.g. an asset's name,
    /// to know whether templates can show its hash).
    pub fn mention(&self, text: &str) -> bool {
        self.sources
            .values()
            .any(|(_, source)| source.contains(text))
    }

    /// Renders `name` with `context`.
    ///
    /// An output that takes longer than the budget stops with an error. A
    /// template that writes is stopped at its next write past the deadline
    /// (the writer looks at the clock); to stop one that loops without
    /// writing, outputs are rendered on helper threads, and each is waited
    /// for only as long as the budget. Such a thread cannot be stopped from
    /// outside: it is let go, to end on its own (`build` exits meanwhile;
    /// `serve` goes on with the last good site while it runs).
    /// `output` is the output's path, for the message.
    pub fn render(&self, name: &str, context: Context, output: &str) -> Result<String> {
        let deadline = Instant::now() + self.budget;
        let job: Job = {
            let tera = Arc::clone(&self.tera);
            let name = name.to_string();
            Box::new(move || {
                let mut out = Budgeted {
                    bytes: Vec::with_capacity(16 * 1024),
                    deadline,
                    writes: 0,
                };
                let result = tera
                    .render_to(&name, &context, &mut out)
                    .map(|()| out.bytes);
                // The context goes back to be freed where it was made (the
                // allocator frees faster on the thread that allocated).
                (result, context)
            })
        };
        let idle = self.helpers.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let helper = match idle {
            Some(h) => h,
            None => Helper::spawn().map_err(|e| {
                Error::msg(format!("no thread to render the output {output} on: {e}"))
            })?,
        };
        if helper.jobs.send(job).is_err() {
            return Err(Error::msg(format!(
                "template `{name}` failed for the output {output} (its thread is gone)"
            )));
        }
        let result = match helper.results.recv_timeout(self.budget) {
            Ok((result, context)) => {
                self.helpers
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(helper);
                drop(context);
                result
            }
            // The helper is left to its loop; once that ends, it finds its
            // channels closed and ends too.
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                return Err(self.over_budget(name, output));
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Error::msg(format!(
                    "template `{name}` failed for the output {output} (its thread ended without a result)"
                )));
            }
        };
        match result {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
                Error::msg(format!("template `{name}` wrote bytes that are not UTF-8"))
            }),
            Err(_) if Instant::now() >= deadline => Err(self.over_budget(name, output)),
            Err(e) => Err(self.error(&e)),
        }
    }

    /// The error of an output whose template ran past the budget.
    fn over_budget(&self, name: &str, output: &str) -> Error {
        let shown = self
            .sources
            .get(name)
            .map_or_else(|| name.to_string(), |(f, _)| f.display().to_string());
        Error::msg(format!(
            "{shown} took longer than {} s for the output {output}, and was stopped (a loop that does not end?); raise the limit with --template-budget",
            self.budget.as_secs_f64()
        ))
    }

    /// Turns a Tera error into a diagnostic in the template's own file.
    fn error(&self, e: &tera::Error) -> Error {
        let report = match e.kind() {
            ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => r,
            other => return Error::msg(format!("template error: {other}")),
        };
        let message = report.message().to_string();
        match self.sources.get(report.filename()) {
            Some((shown, text)) => {
                let span = report.span();
                // Tera's spans hold lines (1-based) and columns (0-based).
                let start = crate::error::offset_of(text, span.start_line, span.start_col + 1);
                let end = if span.end_line == span.start_line && span.end_col > span.start_col {
                    start + (span.end_col - span.start_col)
                } else {
                    start
                };
                Diagnostic::error(message)
                    .in_file(shown)
                    .at(text, start..end)
                    .into()
            }
            None => Error::msg(format!("template `{}`: {message}", report.filename())),
        }
    }
}

fn read_text(bytes: Vec<u8>, shown: &Path) -> Result<Arc<str>> {
    String::from_utf8(bytes).map(Arc::from).map_err(|_| {
        Error::msg(format!(
            "{}: the template is not valid UTF-8",
            shown.display()
        ))
    })
}

/// English month names (dates in templates and citations).
pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `2024-08-08` → `8 August 2024`.
pub fn long_date(date: &str) -> String {
    let parts: Vec<&str> = date.get(..10).unwrap_or(date).split('-').collect();
    match parts.as_slice() {
        [y, m, d] => match (m.parse::<usize>(), d.parse::<u32>()) {
            (Ok(m @ 1..=12), Ok(d)) => format!("{d} {} {y}", MONTHS[m - 1]),
            _ => date.to_string(),
        },
        _ => date.to_string(),
    }
}

fn register_filters(tera: &mut Tera) {
    tera.register_filter("long_date", |v: &str, _: Kwargs, _: &State| long_date(v));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_dates() {
        assert_eq!(long_date("2024-08-08"), "8 August 2024");
        assert_eq!(long_date("2024-12-31T10:00:00Z"), "31 December 2024");
        assert_eq!(long_date("soon"), "soon");
    }
}
