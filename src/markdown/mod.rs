//! Stage 3, *render markdown*: one page body → HTML plus the data templates
//! need (table of contents, word count), returned as a [`Rendered`] value.
//!
//! pulldown-cmark parses the body once into events with their byte ranges;
//! then each feature is its own [`Pass`] over that event list, in this order:
//!
//! 0. [`controls`] — raw NUL and other control characters become U+FFFD,
//!    with a warning, before any other pass sees them.
//! 1. [`raw_html`] — raw HTML may not hold a `<script>`, an event-handler
//!    attribute or a `javascript:` URL, nor may a link target (errors).
//! 2. [`links`] — records the links the author wrote (not rewritten), so
//!    the build can check the internal ones.
//! 3. [`highlight`] — code blocks become HTML (fenced ones highlighted by
//!    syntect into classes, with a time and size budget so no block can hang
//!    a build); from here on, no pass sees code-block text.
//! 4. [`citations`] — `[@id]`, `[@source, p. 4]`, `[@a; @b]` become numbered
//!    markers; the page's `[[citations]]` are validated (their quotes against
//!    the source's text, where it has one: [`crate::source_text`]) and
//!    resolved into the reference list.
//! 5. [`quotes`] — phrases of four or more words in quotation marks are
//!    checked against the text of the source their next citation names
//!    (as the citations pass checks each front-matter `quote`).
//! 6. [`footnotes`] — GFM footnotes become numbered markers with previews
//!    and a notes list at the end, with ids from their labels.
//! 7. [`entities`] — `[[name]]` and `[[name|text]]` link to entity pages
//!    (and, if configured, first plain mentions); each link is a mention.
//! 8. [`glossary`] — the first occurrence of each glossary term links to its
//!    entry, with the expansion as a tooltip (one automaton for all terms).
//! 9. [`headings`] — a unique id for every heading (`{#id}` wins, duplicates
//!    get `-1`, `-2`), a visible self-link, and the table of contents.
//! 10. [`blocks`] — stable ids for paragraphs, list items, tables and quotes,
//!     from their first words; tables aligned by class, not `style=`.
//!
//! A pass only reads and rewrites events and writes its findings into the
//! [`PassContext`]; it never renders HTML for the whole page, so a new feature
//! is a new file and a new line in [`Markdown::passes`], nothing else.
//!
//! This module does not know the site: a body comes in as a [`Document`] and
//! what the passes resolve against (sources, glossary, entities) as a
//! [`Library`], both made where rendering starts ([`crate::render`]).

pub mod blocks;
pub mod citations;
pub mod controls;
pub mod entities;
pub mod footnotes;
pub mod glossary;
pub mod headings;
pub mod highlight;
pub mod links;
pub mod quotes;
pub mod raw_html;

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{Event, Options, Parser, TextMergeWithOffset};
use serde::Serialize;

use crate::config::MarkdownConfig;
use crate::content::{CitationDecl, SourceFile};
use crate::error::Diagnostic;
pub use citations::{Citation, CitationUse};
pub use highlight::Highlighter;

/// A body to render, with what its front matter says about it.
#[derive(Clone, Copy)]
pub struct Document<'a> {
    pub file: &'a SourceFile,
    /// The URL path of the page it belongs to.
    pub path: &'a str,
    /// The `[[citations]]` of its front matter.
    pub citations: &'a [CitationDecl],
    /// Prepended to the ids the passes generate, for bodies that share an
    /// HTML page (glossary entries); empty for pages.
    pub id_prefix: &'a str,
    /// Whether glossary terms link themselves in this body.
    pub autolink: bool,
}

/// A source, as citations need it.
#[derive(Debug, Clone, Hash)]
pub struct SourceInfo {
    pub title: String,
    pub short: String,
    pub pages: Option<u32>,
    pub url: Option<String>,
    pub pdf: Option<String>,
    /// PDF page = printed page + this.
    pub pdf_page_offset: i64,
    /// Its text, page by page, when it has one: quotes are checked against it.
    pub text: Option<Arc<crate::source_text::SourceText>>,
    /// Its page on this site.
    pub path: String,
    pub permalink: String,
}

/// Site-wide data that passes look things up in, built once per build.
#[derive(Debug, Clone, Default)]
pub struct Library {
    /// Sources by id.
    pub sources: BTreeMap<String, SourceInfo>,
    /// The glossary, as one automaton.
    pub terms: glossary::TermMatcher,
    /// Entities by id, title and alias.
    pub entities: entities::EntityIndex,
}

/// An event with the byte range of the body it came from.
pub type Spanned<'a> = (Event<'a>, Range<usize>);

/// One feature of the Markdown dialect, as a rewrite of the event list.
pub trait Pass: Sync {
    /// A short name for messages and profiles.
    fn name(&self) -> &'static str;
    /// Rewrites `events`; findings go into `cx`.
    fn run<'a>(&self, events: Vec<Spanned<'a>>, cx: &mut PassContext<'_>) -> Vec<Spanned<'a>>;
}

/// What a pass can see of the page, and the [`Rendered`] result it fills
/// in: each field of it says which pass fills it.
pub struct PassContext<'a> {
    pub doc: Document<'a>,
    pub lib: &'a Library,
    /// Whether text gets typographic punctuation (`smart_punctuation`): what
    /// passes write from front matter (a citation's quote and note) too.
    pub smart: bool,
    /// The result so far (the HTML and word count are set after the passes).
    pub out: Rendered,
}

impl PassContext<'_> {
    /// Byte range in the whole file of a range in the body.
    pub fn file_span(&self, body: &Range<usize>) -> Range<usize> {
        let o = self.doc.file.body_start;
        body.start + o..body.end + o
    }

    pub fn warn(&mut self, message: impl Into<String>, body: &Range<usize>) {
        let span = self.file_span(body);
        self.out
            .diagnostics
            .push(self.doc.file.warning_at(message, span));
    }

    pub fn error(&mut self, message: impl Into<String>, body: &Range<usize>) {
        let span = self.file_span(body);
        self.out
            .diagnostics
            .push(self.doc.file.error_at(message, span));
    }
}

/// A heading of a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
    /// Byte offset in the body.
    #[serde(skip)]
    pub offset: usize,
}

/// A heading in the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// The result of rendering one body: the HTML and what the passes found
/// (links and TOC as data, in Zola's manner).
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// Filled by [`headings`].
    pub toc: Vec<TocEntry>,
    /// Filled by [`headings`]: every heading, in order.
    pub headings: Vec<Heading>,
    /// Filled by [`citations`]: the reference list, in order of first use.
    pub citations: Vec<Citation>,
    /// Filled by [`citations`]: every marker.
    pub citation_uses: Vec<CitationUse>,
    /// Filled by [`quotes`]: the quoted phrases found in their sources.
    pub quotes: Vec<quotes::QuoteUse>,
    /// Filled by [`glossary`]: the terms linked, in order.
    pub term_uses: Vec<glossary::TermUse>,
    /// Filled by [`entities`]: the entity links, in order.
    pub mentions: Vec<entities::Mention>,
    /// Filled by [`blocks`]: every block with an id, in order.
    pub blocks: Vec<blocks::Block>,
    /// Ids of other elements a reader may link to (footnotes), filled by the
    /// passes that make them; see [`Rendered::anchor_ids`] for all.
    pub anchors: Vec<String>,
    /// Filled by [`links`]: every link the author wrote, for checking.
    pub links: Vec<links::Link>,
    pub word_count: usize,
    /// Warnings and errors of every pass, pointing into the document's file.
    pub diagnostics: Vec<Diagnostic>,
    /// Where bodies are kept under keys (`serve`): the key of what it was
    /// made of.
    pub key: Option<crate::key::Key>,
    /// Likewise: the key of what templates show of it (see
    /// [`Rendered::shown_key`]); views that show it are keyed by it.
    pub shown: Option<crate::key::Key>,
}

/// The ids of one HTML page taken so far, and, per base, the suffix to try
/// next: the nth id with one base costs one look-up, not n (ids only ever
/// get taken, so every smaller suffix is still taken).
#[derive(Default)]
pub(crate) struct UniqueIds {
    used: std::collections::HashSet<String>,
    next: std::collections::HashMap<String, u32>,
}

impl UniqueIds {
    pub(crate) fn new(taken: impl IntoIterator<Item = String>) -> Self {
        Self {
            used: taken.into_iter().collect(),
            next: Default::default(),
        }
    }

    /// Takes `id` as it is; false when it was taken already.
    pub(crate) fn insert(&mut self, id: String) -> bool {
        self.used.insert(id)
    }

    /// `base` if free, else the first of `base-<first>`, `base-<first+1>`, …
    /// that is; takes it.
    pub(crate) fn take(&mut self, base: &str, first: u32) -> String {
        if self.used.insert(base.to_string()) {
            return base.to_string();
        }
        let n = self.next.entry(base.to_string()).or_insert(first);
        loop {
            let id = format!("{base}-{n}");
            *n += 1;
            if self.used.insert(id.clone()) {
                return id;
            }
        }
    }
}

/// The blocks of a body, ordered to find the innermost one (paragraph,
/// item, table, quote) that holds a byte offset in about log n steps: by
/// start, the longer of two blocks that start together first. Blocks nest,
/// so the last block starting at or before an offset that still holds it is
/// the innermost; of equal blocks, the first in the body's list.
pub struct BlockIndex<'r> {
    blocks: &'r [blocks::Block],
    order: Vec<usize>,
}

impl<'r> BlockIndex<'r> {
    pub fn new(blocks: &'r [blocks::Block]) -> Self {
        let mut order: Vec<usize> = (0..blocks.len()).collect();
        order.sort_by_key(|&i| {
            let r = &blocks[i].range;
            (r.start, std::cmp::Reverse(r.len()), std::cmp::Reverse(i))
        });
        Self { blocks, order }
    }

    /// The innermost block that holds byte `offset` of the body.
    pub fn at(&self, offset: usize) -> Option<&'r blocks::Block> {
        let n = self
            .order
            .partition_point(|&i| self.blocks[i].range.start <= offset);
        self.order[..n]
            .iter()
            .rev()
            .map(|&i| &self.blocks[i])
            .find(|b| b.range.contains(&offset))
    }
}

impl Rendered {
    /// The key of what templates show of it: what
    /// [`Rendered::keep_only_what_templates_show`] keeps.
    pub fn shown_key(&self) -> crate::key::Key {
        let mut h = crate::key::KeyHasher::new("shown");
        h.add(&self.html)
            .value(&self.toc)
            .value(&self.citations)
            .add(&self.term_uses)
            .add(&self.mentions)
            .add(&self.word_count);
        h.key()
    }

    /// Drops what only the checks and indexes read (every heading, block,
    /// marker, quote, link and anchor id, and the diagnostics), keeping
    /// what templates show: the HTML, the table of contents, the reference
    /// list, the terms and mentions, the word count. `build` calls it once
    /// the anchors, links and indexes are made, before the templates run.
    pub fn keep_only_what_templates_show(&mut self) {
        self.headings = Vec::new();
        self.citation_uses = Vec::new();
        self.quotes = Vec::new();
        self.blocks = Vec::new();
        self.anchors = Vec::new();
        self.links = Vec::new();
        self.diagnostics = Vec::new();
    }

    /// Every id in the body a reader may link to: headings, blocks,
    /// reference-list entries and citation markers, footnotes and their
    /// references.
    pub fn anchor_ids(&self) -> impl Iterator<Item = &str> {
        self.headings
            .iter()
            .map(|h| h.id.as_str())
            .chain(self.blocks.iter().map(|b| b.id.as_str()))
            .chain(self.citations.iter().flat_map(|c| {
                std::iter::once(c.anchor.as_str()).chain(c.backrefs.iter().map(|b| b.id.as_str()))
            }))
            .chain(self.anchors.iter().map(String::as_str))
    }

    /// The heading whose section holds byte `offset` of the body.
    pub fn heading_at(&self, offset: usize) -> Option<&Heading> {
        let i = self.headings.partition_point(|h| h.offset <= offset);
        i.checked_sub(1).map(|i| &self.headings[i])
    }
}

/// The Markdown renderer of a build: options and the syntax highlighter, set
/// up once and shared by every page (it is `Sync`).
pub struct Markdown {
    options: Options,
    library: Library,
    controls: controls::Controls,
    raw_html: raw_html::RawHtml,
    highlight: highlight::Highlight,
    citations: citations::Citations,
    quotes: quotes::Quotes,
    footnotes: footnotes::Footnotes,
    entities: entities::Entities,
    glossary: glossary::Glossary,
    headings: headings::Headings,
    blocks: blocks::Blocks,
    links: links::Links,
}

impl Markdown {
    pub fn new(config: &MarkdownConfig, highlighter: Arc<Highlighter>, library: Library) -> Self {
        let mut options = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_HEADING_ATTRIBUTES
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_WIKILINKS;
        if config.smart_punctuation {
            options |= Options::ENABLE_SMART_PUNCTUATION;
        }
        Self {
            options,
            library,
            controls: controls::Controls,
            raw_html: raw_html::RawHtml,
            highlight: highlight::Highlight::new(highlighter, config.highlight_code),
            citations: citations::Citations,
            quotes: quotes::Quotes,
            footnotes: footnotes::Footnotes,
            entities: entities::Entities,
            glossary: glossary::Glossary,
            headings: headings::Headings,
            blocks: blocks::Blocks,
            links: links::Links,
        }
    }

    /// The passes, in the order they run.
    fn passes(&self) -> [&dyn Pass; 11] {
        [
            &self.controls,
            &self.raw_html,
            &self.links,
            &self.highlight,
            &self.citations,
            &self.quotes,
            &self.footnotes,
            &self.entities,
            &self.glossary,
            &self.headings,
            &self.blocks,
        ]
    }

    pub fn library(&self) -> &Library {
        &self.library
    }

    /// Renders the body of a document.
    pub fn render(&self, doc: Document<'_>) -> Rendered {
        let body = doc.file.body();
        // Adjacent text events are merged first, so that passes see
        // `[@id]` or a multi-word term as one piece of text.
        let mut events: Vec<Spanned<'_>> =
            TextMergeWithOffset::new(Parser::new_ext(body, self.options).into_offset_iter())
                .collect();
        let word_count = count_words(&events);
        let mut cx = PassContext {
            doc,
            lib: &self.library,
            smart: self.options.contains(Options::ENABLE_SMART_PUNCTUATION),
            out: Rendered::default(),
        };
        // Past a depth no text needs, nesting is refused before any pass
        // runs (the work of some grows with depth times length).
        if let Some(range) = too_deep(&events) {
            cx.error(
                format!("quotes and lists nest more than {MAX_NESTING} deep here; flatten them"),
                &range,
            );
            return cx.out;
        }
        for pass in self.passes() {
            events = pass.run(events, &mut cx);
        }
        let mut out = cx.out;
        // Each mention's excerpt: its sentence in the block it stands in.
        // (A block is made plain once for the mentions in it, which come in
        // order.)
        let mut plain_block: Option<(Range<usize>, String, String)> = None;
        let index = BlockIndex::new(&out.blocks);
        for m in &mut out.mentions {
            let block = index.at(m.offset);
            m.excerpt = match block {
                Some(b) => {
                    let (_, plain, lower) = match &plain_block {
                        Some(p) if p.0 == b.range => p,
                        _ => {
                            let plain = blocks::plain_words(&body[b.range.clone()]);
                            let lower = plain.to_lowercase();
                            plain_block.insert((b.range.clone(), plain, lower))
                        }
                    };
                    m.excerpt_of(plain, lower)
                }
                None => m.text.clone(),
            };
            if self.options.contains(Options::ENABLE_SMART_PUNCTUATION) {
                m.excerpt = crate::text::smart_punctuation(&m.excerpt).into_owned();
            }
        }
        out.html = String::with_capacity(body.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut out.html, events.into_iter().map(|(e, _)| e));
        out.word_count = word_count;
        out
    }
}

/// How deep block quotes and lists may nest in a body.
pub const MAX_NESTING: usize = 50;

/// Where quotes and lists first nest deeper than [`MAX_NESTING`].
fn too_deep(events: &[Spanned<'_>]) -> Option<Range<usize>> {
    let mut depth = 0usize;
    for (e, r) in events {
        match e {
            Event::Start(pulldown_cmark::Tag::BlockQuote(_) | pulldown_cmark::Tag::List(_)) => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(r.start..r.start + 1);
                }
            }
            Event::End(pulldown_cmark::TagEnd::BlockQuote(_) | pulldown_cmark::TagEnd::List(_)) => {
                depth = depth.saturating_sub(1)
            }
            _ => {}
        }
    }
    None
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
mod unique_ids_tests {
    use super::UniqueIds;

    #[test]
    fn suffixes_are_the_first_free_ones() {
        let mut ids = UniqueIds::new(["a-3".to_string()]);
        assert_eq!(ids.take("a", 2), "a");
        assert_eq!(ids.take("a", 2), "a-2");
        assert_eq!(ids.take("a", 2), "a-4");
        assert!(ids.insert("a-5".into()));
        assert!(!ids.insert("a-5".into()));
        assert_eq!(ids.take("a", 2), "a-6");
        assert_eq!(ids.take("b", 1), "b");
        assert_eq!(ids.take("b", 1), "b-1");
        // Many of one base stay cheap and distinct.
        let all: std::collections::HashSet<String> =
            (0..10_000).map(|_| ids.take("c", 1)).collect();
        assert_eq!(all.len(), 10_000);
    }
}

#[cfg(test)]
mod block_index_tests {
    use super::*;

    #[test]
    fn finds_the_innermost_block_as_a_scan_of_all_would() {
        let body = "Intro paragraph.\n\n> A quote\n> of two lines.\n>\n> - item one\n> - item two\n\n- loose item\n\n  with a second paragraph\n\n| a | b |\n| - | - |\n| c | d |\n\nA note.[^n]\n\n[^n]: The note, with words.\n";
        let r = test_util::render(body);
        assert!(r.blocks.len() >= 7, "{:?}", r.blocks);
        let index = BlockIndex::new(&r.blocks);
        for offset in 0..=body.len() {
            let scan = r
                .blocks
                .iter()
                .filter(|b| b.range.contains(&offset))
                .min_by_key(|b| b.range.len());
            assert_eq!(
                index.at(offset).map(|b| &b.id),
                scan.map(|b| &b.id),
                "at {offset}"
            );
        }
    }
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
        render_with(body, &[], Library::default())
    }

    pub fn render_with(body: &str, citations: &[CitationDecl], library: Library) -> Rendered {
        let config = MarkdownConfig {
            smart_punctuation: true,
            highlight_code: true,
            highlight_theme: "InspiredGitHub".into(),
            highlight_theme_dark: None,
        };
        let f = file(body);
        let doc = Document {
            file: &f,
            path: "/t/",
            citations,
            id_prefix: "",
            autolink: true,
        };
        Markdown::new(&config, Arc::new(Highlighter::new()), library).render(doc)
    }
}
