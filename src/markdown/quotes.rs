//! Pass: quoted phrases.
//!
//! A phrase of four or more words in quotation marks (“…” or "…") whose
//! next citation in the same paragraph, list item, table cell, heading or
//! footnote names a source with a text must be on the cited page (or range)
//! of that text; with several citations at once, on that of any of them.
//! Phrases inside code, link targets and HTML are never seen (they are not
//! text events), nor image descriptions. A phrase that is not there is an
//! error at its place, which says where the source has it, if anywhere.
//! The phrases found become [`QuoteUse`]s, so the source's page can show
//! them as passages.
//!
//! It runs right after [`super::citations`], whose markers (inline HTML)
//! it reads in the order of `citation_uses`, and before footnotes move
//! their definitions.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::{Citation, Pass, PassContext, Spanned};
use crate::source_text::{Quote, SourceText};

/// A quoted phrase of a body, found in the source its citation names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteUse {
    /// Index into the body's `citation_uses`: the marker it rests on.
    pub citation_use: usize,
    /// The page of the source's text it is on.
    pub page: String,
    /// The phrase as written, without its quotation marks.
    pub text: String,
    /// Its passage's id on the source's page.
    pub passage_id: String,
}

pub struct Quotes;

/// The text of one block so far.
#[derive(Default)]
struct Block {
    text: String,
    /// Where each text event starts in `text`, and its range in the body.
    spans: Vec<(usize, Range<usize>)>,
    /// Citation markers: where in `text`, and their uses (indices into
    /// `citation_uses`).
    markers: Vec<(usize, Range<usize>)>,
}

/// Stands in the block's text for what a phrase cannot run across (code).
const BREAK: char = '\u{FFFC}';

/// How a citation marker of [`super::citations`] starts.
const MARKER: &str = "<sup class=\"cite\"";

impl Pass for Quotes {
    fn name(&self) -> &'static str {
        "quotes"
    }

    fn run<'a>(&self, events: Vec<Spanned<'a>>, cx: &mut PassContext<'_>) -> Vec<Spanned<'a>> {
        // Nothing to check against: skip the walk.
        if cx.lib.sources.values().all(|s| s.text.is_none()) {
            return events;
        }
        let mut stack: Vec<Block> = Vec::new();
        let mut next_use = 0usize;
        let mut in_image = 0usize;
        for (event, range) in &events {
            match event {
                Event::Start(
                    Tag::Paragraph
                    | Tag::Heading { .. }
                    | Tag::Item
                    | Tag::TableCell
                    | Tag::FootnoteDefinition(_),
                ) => stack.push(Block::default()),
                Event::End(
                    TagEnd::Paragraph
                    | TagEnd::Heading(_)
                    | TagEnd::Item
                    | TagEnd::TableCell
                    | TagEnd::FootnoteDefinition,
                ) => {
                    if let Some(block) = stack.pop() {
                        check_block(&block, cx);
                    }
                }
                Event::Start(Tag::Image { .. }) => in_image += 1,
                Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
                Event::InlineHtml(html)
                    if html
                        .trim_start_matches(super::citations::WORD_JOINER)
                        .starts_with(MARKER) =>
                {
                    let n = html.matches(MARKER).count();
                    let uses = next_use..(next_use + n).min(cx.out.citation_uses.len());
                    next_use = uses.end;
                    if let Some(b) = stack.last_mut() {
                        b.markers.push((b.text.len(), uses));
                    }
                }
                _ if in_image > 0 => {}
                Event::Text(t) => {
                    if let Some(b) = stack.last_mut() {
                        b.spans.push((b.text.len(), range.clone()));
                        b.text.push_str(t);
                    }
                }
                Event::SoftBreak | Event::HardBreak => {
                    if let Some(b) = stack.last_mut() {
                        b.text.push(' ');
                    }
                }
                Event::Code(_) => {
                    if let Some(b) = stack.last_mut() {
                        b.text.push(BREAK);
                    }
                }
                _ => {}
            }
        }
        events
    }
}

/// The quoted phrases of a block's text: (start of the opening mark, the
/// phrase, end of the closing mark).
fn phrases(text: &str) -> Vec<(usize, &str, usize)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some((i, open)) = text[from..]
        .char_indices()
        .map(|(i, c)| (from + i, c))
        .find(|&(i, c)| is_opening(text, i, c))
    {
        let inner = i + open.len_utf8();
        let close = text[inner..].char_indices().find(|&(_, c)| match open {
            '“' => c == '”',
            '„' => c == '“' || c == '”',
            '«' => c == '»',
            _ => c == '"',
        });
        let Some((j, c)) = close else { break };
        let end = inner + j;
        found.push((i, &text[inner..end], end + c.len_utf8()));
        from = end + c.len_utf8();
    }
    found
}

fn is_opening(text: &str, i: usize, c: char) -> bool {
    match c {
        '“' | '„' | '«' => true,
        '"' => text[..i]
            .chars()
            .next_back()
            .is_none_or(|p| p.is_whitespace() || "([{—–-/".contains(p)),
        _ => false,
    }
}

fn check_block(block: &Block, cx: &mut PassContext<'_>) {
    if block.markers.is_empty() {
        return;
    }
    for (at, phrase, end) in phrases(&block.text) {
        if phrase.split_whitespace().count() < 4 || phrase.contains(BREAK) {
            continue;
        }
        // The next marker (markers are in the order of the text).
        let next = block.markers.partition_point(|(pos, _)| *pos < end);
        let Some((_, uses)) = block.markers.get(next) else {
            continue;
        };
        // The citations of that marker whose source has a text: the first
        // whose cited pages have the phrase.
        let lib = cx.lib;
        let candidates: Vec<(usize, &Citation, &SourceText)> = uses
            .clone()
            .filter_map(|u| {
                let c = &cx.out.citations[cx.out.citation_uses[u].citation];
                let text = lib.sources.get(&c.source)?.text.as_deref()?;
                Some((u, c, text))
            })
            .collect();
        let Some(&(_, first, first_text)) = candidates.first() else {
            continue;
        };
        let Some(quote) = Quote::parse(phrase) else {
            let miss = crate::source_text::Miss {
                message: "the quote is empty".into(),
                help: None,
            };
            report(miss, block, at, phrase, cx);
            continue;
        };
        let found = candidates
            .iter()
            .find_map(|&(u, c, text)| text.find(&c.pages.labels(), &quote).map(|page| (u, page)));
        match found {
            Some((u, page)) => {
                let passage_id = crate::source_text::passage_id(&page, phrase);
                cx.out.quotes.push(QuoteUse {
                    citation_use: u,
                    passage_id,
                    page,
                    text: phrase.to_string(),
                });
            }
            None => {
                // Explained against the first of them.
                let mut miss =
                    first_text.miss(&first.source, &first.pages.labels(), &quote, phrase);
                if candidates.len() > 1 {
                    miss.message
                        .push_str(" (nor on the pages of the other citations beside it)");
                }
                report(miss, block, at, phrase, cx);
            }
        }
    }
}

/// Records the error of a phrase (starting at `at` of the block's text).
fn report(
    miss: crate::source_text::Miss,
    block: &Block,
    at: usize,
    phrase: &str,
    cx: &mut PassContext<'_>,
) {
    let span = cx.file_span(&body_span(block, at, phrase, cx));
    cx.out.diagnostics.push(miss.error_at(cx.doc.file, span));
}

/// Where in the body a phrase starting at `at` of the block's text is: the
/// text event that holds it, and in it the phrase's first word.
fn body_span(block: &Block, at: usize, phrase: &str, cx: &PassContext<'_>) -> Range<usize> {
    let i = block.spans.partition_point(|(pos, _)| *pos <= at);
    let Some((_, range)) = i.checked_sub(1).map(|i| &block.spans[i]) else {
        return 0..0;
    };
    let raw = cx.doc.file.body().get(range.clone()).unwrap_or("");
    let word = phrase.split_whitespace().next().unwrap_or("");
    match raw.find(word) {
        Some(k) if !word.is_empty() => {
            // The opening mark just before the word, where there is one.
            let start = raw[..k]
                .char_indices()
                .next_back()
                .filter(|(_, c)| matches!(c, '"' | '“' | '„' | '«'))
                .map_or(k, |(j, _)| j);
            range.start + start..range.start + k + word.len()
        }
        _ => range.start..range.start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_phrases_in_either_kind_of_mark() {
        let t = "He said “a b c d” and \"e f g h\" but 5\" is not, nor x\"y.";
        let p: Vec<&str> = phrases(t).into_iter().map(|(_, p, _)| p).collect();
        assert_eq!(p, ["a b c d", "e f g h"]);
    }
}
