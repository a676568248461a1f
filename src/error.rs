//! Diagnostics for people: every problem with a site's input names the file,
//! the line and the column, and shows the offending source line.
//!
//! A [`Diagnostic`] is one finding (an error or a warning). Functions that can
//! fail on content return [`Result`], whose error carries every diagnostic that
//! was found, so an author sees all problems of a build at once.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a source file: the file's text and a byte span inside it.
#[derive(Debug, Clone)]
pub struct Located {
    pub source: Arc<str>,
    pub span: Range<usize>,
}

/// One finding about the input of a build.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// The file, as shown to the author (relative to the site root when possible).
    pub file: Option<PathBuf>,
    pub location: Option<Located>,
    /// A hint on how to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            file: None,
            location: None,
            help: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(message)
        }
    }

    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Points at `span` (bytes) of `source`, the whole text of the file.
    pub fn at(mut self, source: &Arc<str>, span: Range<usize>) -> Self {
        let len = source.len();
        // The end of a text that ends a line is the end of its last line.
        let last = if source.ends_with('\n') { len - 1 } else { len };
        let start = floor_char_boundary(source, span.start.min(last));
        let end = floor_char_boundary(source, span.end.clamp(start, len));
        self.location = Some(Located {
            source: Arc::clone(source),
            span: start..end,
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// 1-based line and column of the start of the span, if there is one.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        self.location
            .as_ref()
            .map(|l| line_col(&l.source, l.span.start))
    }

    /// The diagnostic as a multi-line report with a source snippet.
    pub fn render(&self) -> String {
        self.render_at(self.line_col())
    }

    /// [`Diagnostic::render`] with the line and column of the span's start
    /// already known ([`render_all`] finds them in one pass per file).
    fn render_at(&self, place: Option<(usize, usize)>) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let file = self.file.as_ref().map(|f| f.display().to_string());
        let mut report: Vec<Group<'_>> = Vec::new();
        let title = level.primary_title(self.message.as_str());
        let group = match (&self.location, &file) {
            (Some(loc), _) => {
                // Only the lines of the span are handed on (the renderer
                // measures all it is given), and of a long line only what
                // is around the span: many findings in one long line cost
                // each its own window, not the line.
                let src: &str = &loc.source;
                let span = loc.span.clone();
                // The line's ends, looked for no further than the window.
                let lo = floor_char_boundary(src, span.start.saturating_sub(WINDOW + 1));
                let line_begin = match src[lo..span.start].rfind('\n') {
                    Some(i) => Some(lo + i + 1),
                    None => (lo == 0).then_some(0),
                };
                let hi = ceil_char_boundary(src, span.end + WINDOW + 1);
                let line_end = match src[span.end..hi].find('\n') {
                    Some(i) => Some(span.end + i),
                    None => (hi == src.len()).then_some(hi),
                };
                let from =
                    line_begin.unwrap_or_else(|| floor_char_boundary(src, span.start - WINDOW / 2));
                let to = line_end.unwrap_or_else(|| ceil_char_boundary(src, span.end + WINDOW / 2));
                let (line, col) = place.unwrap_or_else(|| line_col(src, span.start));
                let snippet = Snippet::source(&src[from..to])
                    .line_start(line)
                    .annotation(AnnotationKind::Primary.span(span.start - from..span.end - from));
                match &file {
                    Some(file) if Some(from) == line_begin => {
                        title.element(snippet.path(file.as_str()))
                    }
                    // The window starts inside the line: the place is told apart.
                    Some(file) => title
                        .element(
                            annotate_snippets::Origin::path(file.as_str())
                                .line(line)
                                .char_column(col),
                        )
                        .element(snippet),
                    None => title.element(snippet),
                }
            }
            (None, Some(file)) => title.element(annotate_snippets::Origin::path(file.as_str())),
            (None, None) => Group::with_title(title),
        };
        report.push(group);
        if let Some(help) = &self.help {
            report.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            ));
        }
        Renderer::plain().render(&report)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// The error of a failed operation: one or more diagnostics, all errors.
#[derive(Debug, Clone)]
pub struct Error {
    pub diagnostics: Vec<Diagnostic>,
}

impl Error {
    /// An error without a place in a file (I/O, command-line arguments).
    pub fn msg(message: impl Into<String>) -> Self {
        Diagnostic::error(message).into()
    }

    /// An I/O error on `path`.
    pub fn io(path: &Path, err: std::io::Error) -> Self {
        Diagnostic::error(format!("{}: {err}", path.display())).into()
    }

    pub fn from_diagnostics(diagnostics: Vec<Diagnostic>) -> Self {
        Self { diagnostics }
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Self {
            diagnostics: vec![d],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in render_all(&self.diagnostics).into_iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            f.write_str(&d)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Collects diagnostics during a stage; turns into an [`Error`] if any is an error.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    /// Records the diagnostics of a failed result; returns the value of a good one.
    pub fn take<T>(&mut self, r: Result<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.items.extend(e.diagnostics);
                None
            }
        }
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Splits into `Err` with the errors, or `Ok` with the warnings.
    pub fn finish(self) -> Result<Vec<Diagnostic>> {
        if self.has_errors() {
            let mut errors: Vec<Diagnostic> = self
                .items
                .into_iter()
                .filter(Diagnostic::is_error)
                .collect();
            sort_diagnostics(&mut errors);
            Err(Error::from_diagnostics(errors))
        } else {
            let mut warnings = self.items;
            sort_diagnostics(&mut warnings);
            Ok(warnings)
        }
    }
}

/// Orders diagnostics by file, then position, so reports are stable.
pub fn sort_diagnostics(ds: &mut [Diagnostic]) {
    ds.sort_by(|a, b| {
        (a.file.as_ref(), a.location.as_ref().map(|l| l.span.start))
            .cmp(&(b.file.as_ref(), b.location.as_ref().map(|l| l.span.start)))
    });
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

/// Byte offset of 1-based `line` and `col` (in characters) in `text`.
pub fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[start..];
    let line_end = line_text.find('\n').unwrap_or(line_text.len());
    line_text[..line_end]
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(start + line_end, |(i, _)| start + i)
}

/// Renders diagnostics, finding the lines and columns of those in one
/// file in one pass when they come in the order of their places (as
/// [`sort_diagnostics`] leaves them): thousands of findings in one file
/// cost what one pass over it does.
pub fn render_all(ds: &[Diagnostic]) -> Vec<String> {
    placed(ds).into_iter().map(|(_, r)| r).collect()
}

/// [`render_all`], each report with the line and column it names.
pub fn placed(ds: &[Diagnostic]) -> Vec<(Option<(usize, usize)>, String)> {
    // The last place found: its source, offset, line, the line's start and
    // the column (in characters).
    let mut cursor: Option<(*const u8, usize, usize, usize, usize)> = None;
    ds.iter()
        .map(|d| {
            let Some(loc) = &d.location else {
                return (None, d.render_at(None));
            };
            let src: &str = &loc.source;
            let at = loc.span.start;
            let (mut offset, mut line, mut begin, mut col) = match cursor {
                Some((p, o, l, b, c)) if std::ptr::eq(p, src.as_ptr()) && o <= at => (o, l, b, c),
                _ => (0, 1, 0, 1),
            };
            let between = &src[offset..at];
            match memchr::memrchr(b'\n', between.as_bytes()) {
                Some(i) => {
                    line += memchr::memchr_iter(b'\n', between.as_bytes()).count();
                    begin = offset + i + 1;
                    col = src[begin..at].chars().count() + 1;
                }
                None => col += between.chars().count(),
            }
            offset = at;
            cursor = Some((src.as_ptr(), offset, line, begin, col));
            (Some((line, col)), d.render_at(Some((line, col))))
        })
        .collect()
}

/// How much of a long line a snippet shows on either side of its span, in
/// bytes, at most.
const WINDOW: usize = 240;

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let t = "ab\nçd\nef";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 5), (2, 2));
        assert_eq!(offset_of(t, 2, 2), 5);
        assert_eq!(offset_of(t, 3, 1), 7);
    }

    #[test]
    fn render_names_file_line_and_column() {
        let src: Arc<str> = Arc::from("+++\ntitel = \"x\"\n+++\n");
        let d = Diagnostic::error("unknown field `titel`")
            .in_file("content/a.md")
            .at(&src, 4..9);
        let out = d.render();
        assert!(out.contains("content/a.md:2:1"), "{out}");
        assert!(out.contains("titel = \"x\""), "{out}");
        assert!(out.starts_with("error: unknown field"), "{out}");
    }

    #[test]
    fn render_all_finds_the_places_render_does() {
        let a: Arc<str> = Arc::from("one\ntwo çà three\n\nfour five\nsix");
        let b: Arc<str> = Arc::from("x\ny");
        let at = |src: &Arc<str>, file: &str, span: Range<usize>| {
            Diagnostic::error("here").in_file(file).at(src, span)
        };
        // In order, out of order, two files interleaved, no place at all.
        let ds = vec![
            at(&a, "a", 0..3),
            at(&a, "a", 8..10),
            at(&a, "a", 13..18),
            at(&b, "b", 2..3),
            at(&a, "a", 21..25),
            at(&a, "a", 4..7),
            Diagnostic::warning("nowhere"),
            at(&a, "a", 31..34),
        ];
        let all = render_all(&ds);
        for (d, r) in ds.iter().zip(&all) {
            assert_eq!(*r, d.render());
        }
        assert!(all[2].contains("a:2:8"), "{}", all[2]);
        assert!(all[4].contains("a:4:2"), "{}", all[4]);
    }

    #[test]
    fn a_long_line_is_shown_around_the_span_with_its_true_column() {
        let line = "word ".repeat(2_000);
        let src: Arc<str> = Arc::from(format!("first\n{line}end\n").as_str());
        let at = src.find("end").unwrap();
        let d = Diagnostic::error("here")
            .in_file("a.md")
            .at(&src, at..at + 3);
        let out = d.render();
        assert!(out.contains("a.md:2:10001"), "{out}");
        assert!(out.len() < 2_000, "{} bytes", out.len());
        assert!(out.contains("word end"), "{out}");
    }

    #[test]
    fn render_without_location_names_file() {
        let d = Diagnostic::warning("unused").in_file("content/a.md");
        let out = d.render();
        assert!(out.contains("warning: unused"), "{out}");
        assert!(out.contains("content/a.md"), "{out}");
    }
}
