//! Stage 3, *render markdown*: one page body → HTML plus the data templates
//! need (table of contents, word count), returned as a [`Rendered`] value.
//!
//! pulldown-cmark parses the body once into events with their byte ranges;
//! then each feature is its own [`Pass`] over that event list, in this order:
//!
//! 1. [`headings`] — a unique id for every heading (`{#id}` wins, duplicates
//!    get `-1`, `-2`), a visible self-link, and the table of contents.
//! 2. [`highlight`] — fenced code blocks highlighted by syntect as class-based
//!    HTML, with a time and size budget so no block can hang a build.
//!
//! A pass only reads and rewrites events and writes its findings into the
//! [`PassContext`]; it never renders HTML for the whole page, so a new feature
//! is a new file and a new line in [`Markdown::passes`], nothing else.

pub mod headings;
pub mod highlight;

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser};
use serde::Serialize;

use crate::config::MarkdownConfig;
use crate::content::SourceFile;
use crate::error::Diagnostic;
pub use highlight::Highlighter;

/// An event with the byte range of the body it came from.
pub type Spanned<'a> = (Event<'a>, Range<usize>);

/// One feature of the Markdown dialect, as a rewrite of the event list.
pub trait Pass: Sync {
    /// A short name for messages and profiles.
    fn name(&self) -> &'static str;
    /// Rewrites `events`; findings go into `cx`.
    fn run<'a>(&self, events: Vec<Spanned<'a>>, cx: &mut PassContext<'_>) -> Vec<Spanned<'a>>;
}

/// What a pass can see of the page and where it puts what it finds.
pub struct PassContext<'a> {
    pub file: &'a SourceFile,
    /// Warnings and errors, pointing into `file`.
    pub diagnostics: Vec<Diagnostic>,
    /// Filled by [`headings`].
    pub toc: Vec<TocEntry>,
}

impl PassContext<'_> {
    /// Byte range in the whole file of a range in the body.
    pub fn file_span(&self, body: &Range<usize>) -> Range<usize> {
        let o = self.file.body_start;
        body.start + o..body.end + o
    }

    pub fn warn(&mut self, message: impl Into<String>, body: &Range<usize>) {
        let span = self.file_span(body);
        self.diagnostics.push(self.file.warning_at(message, span));
    }

    pub fn error(&mut self, message: impl Into<String>, body: &Range<usize>) {
        let span = self.file_span(body);
        self.diagnostics.push(self.file.error_at(message, span));
    }
}

/// A heading in the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// The result of rendering one body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub word_count: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// The Markdown renderer of a build: options and the syntax highlighter, set
/// up once and shared by every page (it is `Sync`).
pub struct Markdown {
    options: Options,
    headings: headings::Headings,
    highlight: highlight::Highlight,
}

impl Markdown {
    pub fn new(config: &MarkdownConfig, highlighter: Highlighter) -> Self {
        let mut options = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_HEADING_ATTRIBUTES
            | Options::ENABLE_TASKLISTS;
        if config.smart_punctuation {
            options |= Options::ENABLE_SMART_PUNCTUATION;
        }
        Self {
            options,
            headings: headings::Headings,
            highlight: highlight::Highlight::new(highlighter, config.highlight_code),
        }
    }

    /// The passes, in the order they run.
    fn passes(&self) -> [&dyn Pass; 2] {
        [&self.headings, &self.highlight]
    }

    /// Renders the body of `file`.
    pub fn render(&self, file: &SourceFile) -> Rendered {
        let body = file.body();
        let mut events: Vec<Spanned<'_>> = Parser::new_ext(body, self.options)
            .into_offset_iter()
            .collect();
        let word_count = count_words(&events);
        let mut cx = PassContext {
            file,
            diagnostics: Vec::new(),
            toc: Vec::new(),
        };
        for pass in self.passes() {
            events = pass.run(events, &mut cx);
        }
        let mut html = String::with_capacity(body.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
        Rendered {
            html,
            toc: cx.toc,
            word_count,
            diagnostics: cx.diagnostics,
        }
    }
}

fn count_words(events: &[Spanned<'_>]) -> usize {
    events
        .iter()
        .map(|(e, _)| match e {
            Event::Text(t) | Event::Code(t) => t.split_whitespace().count(),
            _ => 0,
        })
        .sum()
}

/// The plain text of a run of inline events (for heading titles and slugs).
pub fn plain_text(events: &[Spanned<'_>]) -> String {
    let mut s = String::new();
    for (e, _) in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s
}

#[cfg(test)]
pub(crate) mod test_util {
    use super::*;
    use std::path::PathBuf;
    use std::sync::Arc;

    pub fn file(body: &str) -> SourceFile {
        SourceFile {
            rel: PathBuf::from("content/t.md"),
            text: Arc::from(body),
            front_matter: 0..0,
            body_start: 0,
        }
    }

    pub fn render(body: &str) -> Rendered {
        let config = MarkdownConfig {
            smart_punctuation: true,
            highlight_code: true,
            highlight_theme: "InspiredGitHub".into(),
            highlight_theme_dark: None,
        };
        Markdown::new(&config, Highlighter::new()).render(&file(body))
    }
}
