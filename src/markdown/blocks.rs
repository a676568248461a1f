//! Pass: stable ids for paragraphs, list items, tables and block quotes.
//!
//! A block's id comes from the first words of its own source text —
//! `p-the-bfv-assesses-that-i-soon` — so it survives any edit elsewhere in
//! the page (inserting, deleting or rewording other blocks) and reads well in
//! a link. Citations, footnote references and link targets do not count as
//! words, so adding a citation keeps the id. An author can fix an id with
//! `{#my-id}` at the end of a paragraph. Blocks that start with the same
//! words get `-2`, `-3`, … in page order.
//!
//! Tables are written here too, with alignment as classes (`align-center`)
//! rather than pulldown-cmark's `style=` attributes, which the site's
//! Content-Security-Policy forbids.

use std::ops::Range;

use pulldown_cmark::{Alignment, CowStr, Event, Tag, TagEnd};
use serde::Serialize;

use super::headings::RESERVED;
use super::{Pass, PassContext, Spanned, UniqueIds};
use crate::text::{escape_html, slugify};

/// How many words of a block make its id.
const ID_WORDS: usize = 6;

/// A block with an id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Block {
    pub id: String,
    /// `paragraph`, `item`, `table` or `quote`.
    pub kind: &'static str,
    /// Byte range in the body.
    #[serde(skip)]
    pub range: Range<usize>,
}

pub struct Blocks;

impl Pass for Blocks {
    fn name(&self) -> &'static str {
        "blocks"
    }

    fn run<'a>(&self, events: Vec<Spanned<'a>>, cx: &mut PassContext<'_>) -> Vec<Spanned<'a>> {
        let body = cx.doc.file.body();
        let mut used = UniqueIds::new(
            RESERVED
                .iter()
                .map(|s| s.to_string())
                .chain(cx.out.headings.iter().map(|h| h.id.clone())),
        );
        // Explicit ids first, so generated ones never take them.
        let explicit: Vec<Option<String>> = events
            .iter()
            .map(|(e, r)| match e {
                Event::Start(Tag::Paragraph) => explicit_id(&body[r.clone()]),
                _ => None,
            })
            .collect();
        for id in explicit.iter().flatten() {
            if !used.insert(id.clone()) {
                cx.warn(format!("the id `{id}` is used twice on this page"), &(0..0));
            }
        }

        let mut out = Vec::with_capacity(events.len());
        let mut table = TableState::default();
        // Explicit `{#id}` to strip from the end of the current paragraph.
        let mut strip: Vec<Option<String>> = Vec::new();
        // Ids of the open paragraphs.
        let mut open: Vec<String> = Vec::new();
        for (i, (event, range)) in events.into_iter().enumerate() {
            let html: Option<String> = match &event {
                Event::Start(Tag::Paragraph) => {
                    let id = match &explicit[i] {
                        Some(id) => id.clone(),
                        None => unique(&mut used, "p", &body[range.clone()]),
                    };
                    strip.push(explicit[i].clone());
                    open.push(id.clone());
                    cx.out.blocks.push(Block {
                        id: id.clone(),
                        kind: "paragraph",
                        range: range.clone(),
                    });
                    Some(format!("<p id=\"{}\">", escape_html(&id)))
                }
                Event::End(TagEnd::Paragraph) => {
                    strip.pop();
                    // The paragraph's own link: a plain anchor that scripts
                    // enhance with "copy link" and "cite".
                    let id = open.pop().unwrap_or_default();
                    Some(format!(
                        " <a class=\"para-link\" href=\"#{id}\" aria-label=\"Link to this paragraph\">¶</a></p>\n",
                        id = escape_html(&id)
                    ))
                }
                Event::Start(Tag::Item) => {
                    let id = unique(&mut used, "li", &body[range.clone()]);
                    cx.out.blocks.push(Block {
                        id: id.clone(),
                        kind: "item",
                        range: range.clone(),
                    });
                    Some(format!("<li id=\"{}\">", escape_html(&id)))
                }
                Event::End(TagEnd::Item) => Some("</li>\n".into()),
                Event::Start(Tag::BlockQuote(_)) => {
                    let id = unique(&mut used, "quote", &body[range.clone()]);
                    cx.out.blocks.push(Block {
                        id: id.clone(),
                        kind: "quote",
                        range: range.clone(),
                    });
                    Some(format!("<blockquote id=\"{}\">\n", escape_html(&id)))
                }
                Event::End(TagEnd::BlockQuote(_)) => Some("</blockquote>\n".into()),
                Event::Start(Tag::Table(alignments)) => {
                    // A table is named by its header row.
                    let raw = &body[range.clone()];
                    let header = raw.lines().next().unwrap_or(raw);
                    let id = unique(&mut used, "table", header);
                    cx.out.blocks.push(Block {
                        id: id.clone(),
                        kind: "table",
                        range: range.clone(),
                    });
                    table = TableState {
                        alignments: alignments.clone(),
                        in_head: false,
                        cell: 0,
                    };
                    Some(format!("<table id=\"{}\">", escape_html(&id)))
                }
                Event::End(TagEnd::Table) => Some("</tbody>\n</table>\n".into()),
                Event::Start(Tag::TableHead) => {
                    table.in_head = true;
                    table.cell = 0;
                    Some("<thead>\n<tr>".into())
                }
                Event::End(TagEnd::TableHead) => {
                    table.in_head = false;
                    Some("</tr>\n</thead>\n<tbody>\n".into())
                }
                Event::Start(Tag::TableRow) => {
                    table.cell = 0;
                    Some("<tr>".into())
                }
                Event::End(TagEnd::TableRow) => Some("</tr>\n".into()),
                Event::Start(Tag::TableCell) => {
                    let tag = if table.in_head { "th" } else { "td" };
                    let class = match table.alignments.get(table.cell) {
                        Some(Alignment::Left) => " class=\"align-left\"",
                        Some(Alignment::Center) => " class=\"align-center\"",
                        Some(Alignment::Right) => " class=\"align-right\"",
                        _ => "",
                    };
                    Some(format!("<{tag}{class}>"))
                }
                Event::End(TagEnd::TableCell) => {
                    table.cell += 1;
                    Some(if table.in_head { "</th>" } else { "</td>" }.into())
                }
                _ => None,
            };
            match html {
                Some(h) => out.push((Event::Html(CowStr::from(h)), range)),
                None => out.push((event, range)),
            }
            // Drop an explicit `{#id}` from the paragraph's last text.
            if let Some(Some(id)) = strip.last() {
                strip_explicit(&mut out, id);
            }
        }
        out
    }
}

#[derive(Default)]
struct TableState {
    alignments: Vec<Alignment>,
    in_head: bool,
    cell: usize,
}

/// `{#id}` at the very end of a paragraph's source.
fn explicit_id(raw: &str) -> Option<String> {
    let t = raw.trim_end();
    let inner = t.strip_suffix('}')?;
    let start = inner.rfind("{#")?;
    let id = &inner[start + 2..];
    (!id.is_empty()
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_'))
    .then(|| id.to_string())
}

/// Removes ` {#id}` from the end of the last text event pushed.
fn strip_explicit(out: &mut [Spanned<'_>], id: &str) {
    let marker = format!("{{#{id}}}");
    if let Some((Event::Text(t), _)) = out.last_mut()
        && let Some(stripped) = t.trim_end().strip_suffix(&marker)
    {
        *t = CowStr::from(stripped.trim_end().to_string());
    }
}

/// `<prefix>-<first words>`, or with `-2`, `-3`, … if taken; marks it used.
fn unique(used: &mut UniqueIds, prefix: &str, raw: &str) -> String {
    let words = first_words(raw);
    let base = if words.is_empty() {
        prefix.to_string()
    } else {
        format!("{prefix}-{words}")
    };
    used.take(&base, 2)
}

/// The slug of the first words of a block's Markdown source, without
/// citations, footnote references, link targets, HTML tags or list markers.
pub fn first_words(raw: &str) -> String {
    let slug = slugify(&plain_text(raw, Some(ID_WORDS)));
    let words: Vec<&str> = slug
        .split('-')
        .filter(|w| !w.is_empty())
        .take(ID_WORDS)
        .collect();
    let mut id = words.join("-");
    if id.len() > 60 {
        let mut cut = 60;
        while !id.is_char_boundary(cut) {
            cut -= 1;
        }
        id.truncate(cut);
        id = id.trim_end_matches('-').to_string();
    }
    id
}

/// The readable text of a block's Markdown source (its first 2,000 bytes or
/// so): citations, footnote references, link targets, HTML tags, list and
/// quote markers and emphasis marks removed, white space folded.
pub fn plain_words(raw: &str) -> String {
    plain_text(raw, None)
}

/// [`plain_words`], stopping early once the first `words` words of its slug
/// are complete (the rest cannot change them): an id needs only a few words
/// of a long paragraph.
fn plain_text(raw: &str, words: Option<usize>) -> String {
    let mut text = String::with_capacity(raw.len().min(2000));
    let mut rest = strip_list_marker(raw.trim_start().trim_start_matches('>').trim_start());
    let mut checked = 0;
    while !rest.is_empty() && text.len() < 2000 {
        if let Some(n) = words
            && text.len() >= checked + 16
        {
            checked = text.len();
            if complete_slug_words(&text) >= n {
                break;
            }
        }
        if let Some(r) = rest.strip_prefix("[@").or_else(|| rest.strip_prefix("[^")) {
            rest = r.find(']').map_or("", |i| &r[i + 1..]);
        } else if let Some(r) = rest.strip_prefix("](") {
            rest = r.find(')').map_or("", |i| &r[i + 1..]);
        } else if let Some(r) = rest.strip_prefix("{#") {
            rest = r.find('}').map_or("", |i| &r[i + 1..]);
        } else if rest.starts_with('<')
            && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/')
        {
            rest = rest.find('>').map_or("", |i| &rest[i + 1..]);
        } else if let Some(r) = rest.strip_prefix("[[") {
            // `[[entity|text]]` shows `text`; `[[entity]]` shows `entity`.
            let end = r.find("]]").unwrap_or(r.len());
            let inner = &r[..end];
            text.push_str(inner.rsplit('|').next().unwrap_or(inner));
            rest = r.get(end + 2..).unwrap_or("");
        } else {
            // A run without markup is copied as it is, a few dozen bytes at a
            // time when only the first words are wanted (so only those are
            // searched for markup).
            let room = 2000 - text.len();
            let most = if words.is_some() { room.min(48) } else { room };
            let scan = &rest.as_bytes()[..rest.len().min(most)];
            let plain = scan
                .iter()
                .position(|b| matches!(b, b'[' | b']' | b'{' | b'<' | b'*' | b'`' | b'\\' | b'\n'))
                .unwrap_or(scan.len());
            if plain > 0 {
                // Markup is ASCII: only a cut at `most` can split a character.
                let mut end = plain;
                while !rest.is_char_boundary(end) {
                    end += 1;
                }
                text.push_str(&rest[..end]);
                rest = &rest[end..];
                continue;
            }
            let c = rest.chars().next().unwrap_or(' ');
            match c {
                '*' | '`' | '[' | ']' | '\\' => {}
                '\n' => text.push(' '),
                _ => text.push(c),
            }
            rest = &rest[c.len_utf8()..];
        }
    }
    // White space folded; a removed citation leaves a space before the
    // punctuation after it, which goes too.
    let mut folded = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !folded.is_empty() && !word.starts_with(['.', ',', ';', ':']) {
            folded.push(' ');
        }
        folded.push_str(word);
    }
    folded
}

/// How many words [`slugify`] would make of `text` that are followed by a
/// separator (so no later character can extend them).
fn complete_slug_words(text: &str) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            in_word = true;
        } else if !matches!(c, '\'' | '’') {
            count += usize::from(in_word);
            in_word = false;
        }
    }
    count
}

/// `- `, `* `, `+ `, `1. ` or `1) ` at the start of a list item.
fn strip_list_marker(raw: &str) -> &str {
    if let Some(r) = raw.strip_prefix(['-', '*', '+'])
        && r.starts_with(char::is_whitespace)
    {
        return r;
    }
    let digits = raw.chars().take_while(char::is_ascii_digit).count();
    if digits > 0
        && let Some(r) = raw[digits..].strip_prefix(['.', ')'])
        && r.starts_with(char::is_whitespace)
    {
        return r;
    }
    raw
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::test_util::render;

    #[test]
    fn words_skip_markup() {
        assert_eq!(
            first_words(
                "The **BfV**[@bfv, p. 3] assesses[^n] that [i-Soon](https://x.example/) is"
            ),
            "the-bfv-assesses-that-i-soon"
        );
        assert_eq!(
            first_words("- [[i-soon|The company]] was founded in 2010"),
            "the-company-was-founded-in-2010"
        );
        assert_eq!(first_words("<span>Raw</span> html"), "raw-html");
        assert_eq!(first_words("[@a]"), "");
        assert_eq!(first_words("1. Numbered item"), "numbered-item");
    }

    #[test]
    fn ids_of_long_blocks_match_the_whole_text() {
        let long = "Word ".repeat(500);
        // Multi-byte characters fall across the 48-byte steps.
        let wide = "Ünï — wörds’ 安洵信息 ".repeat(20);
        for raw in [
            "The BfV's report, in short: i-Soon’s staff[@a] were paid — by the ministry's office; and more words follow here.",
            "Six words then\n\n[[x|the entity]] and *more* text [link](https://example.org/a-b) and so on until the end",
            "a b c d e' f'g h i j k l m n o p q r s t u v w x y z",
            long.as_str(),
            wide.as_str(),
        ] {
            let whole = slugify(&plain_words(raw));
            let words: Vec<&str> = whole
                .split('-')
                .filter(|w| !w.is_empty())
                .take(ID_WORDS)
                .collect();
            assert_eq!(first_words(raw), words.join("-"), "{raw}");
        }
    }

    /// `plain_words` as first written, one character at a time.
    fn reference_plain_words(raw: &str) -> String {
        let mut text = String::new();
        let mut rest = strip_list_marker(raw.trim_start().trim_start_matches('>').trim_start());
        while !rest.is_empty() && text.len() < 2000 {
            if let Some(r) = rest.strip_prefix("[@").or_else(|| rest.strip_prefix("[^")) {
                rest = r.find(']').map_or("", |i| &r[i + 1..]);
            } else if let Some(r) = rest.strip_prefix("](") {
                rest = r.find(')').map_or("", |i| &r[i + 1..]);
            } else if let Some(r) = rest.strip_prefix("{#") {
                rest = r.find('}').map_or("", |i| &r[i + 1..]);
            } else if rest.starts_with('<')
                && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/')
            {
                rest = rest.find('>').map_or("", |i| &rest[i + 1..]);
            } else if let Some(r) = rest.strip_prefix("[[") {
                let end = r.find("]]").unwrap_or(r.len());
                let inner = &r[..end];
                text.push_str(inner.rsplit('|').next().unwrap_or(inner));
                rest = r.get(end + 2..).unwrap_or("");
            } else {
                let c = rest.chars().next().unwrap_or(' ');
                match c {
                    '*' | '`' | '[' | ']' | '\\' => {}
                    '\n' => text.push(' '),
                    _ => text.push(c),
                }
                rest = &rest[c.len_utf8()..];
            }
        }
        let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
        folded
            .replace(" .", ".")
            .replace(" ,", ",")
            .replace(" ;", ";")
            .replace(" :", ":")
    }

    #[test]
    fn plain_words_match_the_character_by_character_reading() {
        let long = "Ünïcode wörds — and more, ".repeat(120);
        let inputs = [
            "The **BfV**[@bfv, p. 3] assesses[^n] that [i-Soon](https://x.example/) is",
            "- [[i-soon|The company]] was founded in 2010 ; see [@a] . And [^b] , then : done",
            "> Quoted <span>raw</span> html < 3 and {not an id} but {#an-id}",
            "1. Numbered `code` item \\* escaped\nnext line\n\nand\tmore",
            "[[unclosed and [@unclosed and ](unclosed and <tag",
            ". , ; : leading punctuation",
            long.as_str(),
        ];
        for raw in inputs {
            assert_eq!(plain_words(raw), reference_plain_words(raw), "{raw}");
        }
    }

    #[test]
    fn ids_survive_edits_elsewhere() {
        let before = render("First paragraph here.\n\nSecond one.\n");
        let after = render(
            "A new opening paragraph.\n\nFirst paragraph here.\n\nSecond one, with words added at the end of it.\n",
        );
        assert!(
            before.html.contains("<p id=\"p-first-paragraph-here\">"),
            "{}",
            before.html
        );
        assert!(
            after.html.contains("<p id=\"p-first-paragraph-here\">"),
            "{}",
            after.html
        );
        assert!(before.html.contains("<p id=\"p-second-one\">"));
        assert!(
            after
                .html
                .contains("<p id=\"p-second-one-with-words-added-at\">")
        );
    }

    #[test]
    fn repeated_openings_are_numbered_and_explicit_ids_win() {
        let r = render(
            "Same start.\n\nSame start.\n\nMine. {#my-id}\n\n- Item one\n- Item two\n\n> Quoted\n",
        );
        assert!(r.html.contains("<p id=\"p-same-start\">"));
        assert!(r.html.contains("<p id=\"p-same-start-2\">"));
        assert!(
            r.html
                .contains("<p id=\"my-id\">Mine. <a class=\"para-link\" href=\"#my-id\""),
            "{}",
            r.html
        );
        assert!(!r.html.contains("{#my-id}"));
        assert!(r.html.contains("<li id=\"li-item-one\">"), "{}", r.html);
        assert!(
            r.html.contains("<blockquote id=\"quote-quoted\">"),
            "{}",
            r.html
        );
    }

    #[test]
    fn tables_align_with_classes() {
        let r = render("| A | B |\n|:-:|--:|\n| 1 | 2 |\n");
        assert!(r.html.contains("<table id=\"table-a-b\">"), "{}", r.html);
        assert!(
            r.html.contains("<th class=\"align-center\">A</th>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<td class=\"align-right\">2</td>"),
            "{}",
            r.html
        );
        assert!(!r.html.contains("style="));
    }
}
