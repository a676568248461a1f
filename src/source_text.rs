//! The text of a source (`content/sources/<id>.txt`), page by page, and the
//! search that checks what the site quotes from it.
//!
//! A page starts at a line `=== page LABEL ===`; LABEL is kept as written
//! (`3`, `iv`, `cover`); text before the first marker is ignored. Each page
//! is normalised once, when the text is read ([`Normalized`]): white space
//! folded, words split across lines by a hyphen joined, curly quotes and
//! apostrophes made straight. A quote ([`Quote`]) is normalised the same way
//! and looked up with `memchr::memmem`; `…` or `...` inside it stands for
//! any words between its parts, `[words]` for an editor's insertion, and the
//! case of its first letter does not matter.

use std::ops::Range;

/// A source's text, page by page, in the order of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceText {
    pub pages: Vec<TextPage>,
}

/// What the text is made of (its normalized form follows from it): a cache
/// key of the Markdown passes, which check quotes against it.
impl std::hash::Hash for SourceText {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.pages.len().hash(h);
        for p in &self.pages {
            (&p.label, &p.raw, p.position).hash(h);
        }
    }
}

/// One page of a source's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextPage {
    /// The label as written after `=== page `.
    pub label: String,
    /// The page's text as in the file (after its marker line).
    pub raw: String,
    /// Its 1-based position in the file (the PDF page where the file comes
    /// from `source extract` without an offset).
    pub position: usize,
    norm: Normalized,
}

/// Why a text file cannot be read as a source text: the message and the
/// byte span in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub span: Range<usize>,
}

impl SourceText {
    /// Splits a text file at its `=== page LABEL ===` lines.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let mut pages: Vec<TextPage> = Vec::new();
        let mut current: Option<(String, usize)> = None;
        let mut offset = 0;
        let finish = |label: String, start: usize, end: usize, pages: &mut Vec<TextPage>| {
            let raw = text[start..end].to_string();
            let position = pages.len() + 1;
            pages.push(TextPage {
                norm: Normalized::new(&raw),
                label,
                raw,
                position,
            });
        };
        for line in text.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let Some(label) = marker(line) else { continue };
            if label.is_empty() || label.chars().any(char::is_whitespace) {
                return Err(ParseError {
                    message: format!(
                        "`{}` is not a page marker: write `=== page LABEL ===` with a label such as 3, iv or cover",
                        line.trim_end()
                    ),
                    span: start..start + line.trim_end().len(),
                });
            }
            if let Some((label, from)) = current.take() {
                finish(label, from, start, &mut pages);
            }
            if pages.iter().any(|p| p.label == label) {
                return Err(ParseError {
                    message: format!("page `{label}` appears twice in this text"),
                    span: start..start + line.trim_end().len(),
                });
            }
            current = Some((label.to_string(), offset));
        }
        if let Some((label, from)) = current.take() {
            finish(label, from, text.len(), &mut pages);
        }
        if pages.is_empty() {
            return Err(ParseError {
                message: "a source text needs at least one `=== page LABEL ===` line".into(),
                span: 0..0,
            });
        }
        Ok(Self { pages })
    }

    pub fn page(&self, label: &str) -> Option<&TextPage> {
        self.pages.iter().find(|p| p.label == label)
    }

    /// The labels that are page numbers, as numbers.
    pub fn numbers(&self) -> impl Iterator<Item = u32> + '_ {
        self.pages.iter().filter_map(|p| p.label.parse().ok())
    }

    /// Finds `quote` on the pages `labels` (a page range: each page, then
    /// the range as one text, for a quote that runs across a page break).
    /// Returns the label of the page it is on (the first of the range when
    /// it runs across).
    pub fn find(&self, labels: &[String], quote: &Quote) -> Option<String> {
        let pages: Vec<&TextPage> = labels.iter().filter_map(|l| self.page(l)).collect();
        for p in &pages {
            if quote.find_in(&p.norm.text).is_some() {
                return Some(p.label.clone());
            }
        }
        if pages.len() > 1 {
            let joined = pages
                .iter()
                .map(|p| p.norm.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            if quote.find_in(&joined).is_some() {
                return Some(pages[0].label.clone());
            }
        }
        None
    }

    /// Every page that has `quote`.
    pub fn pages_with(&self, quote: &Quote) -> Vec<&str> {
        self.pages
            .iter()
            .filter(|p| quote.find_in(&p.norm.text).is_some())
            .map(|p| p.label.as_str())
            .collect()
    }
}

/// Why a quote failed, for a person: the message and a hint.
pub struct Miss {
    pub message: String,
    pub help: Option<String>,
}

impl Miss {
    /// The error at `span` (bytes of `file`), with the hint.
    pub fn error_at(
        self,
        file: &crate::content::SourceFile,
        span: Range<usize>,
    ) -> crate::Diagnostic {
        let d = file.error_at(self.message, span);
        match self.help {
            Some(h) => d.with_help(h),
            None => d,
        }
    }
}

/// A PDF's address at a page (`pdf#page=N`; PDF pages count from 1).
pub fn pdf_page_link(pdf: &str, page: i64) -> String {
    format!("{pdf}#page={}", page.max(1))
}

impl SourceText {
    /// Checks `written` (a quote as the site gives it) against pages
    /// `labels` of source `source`: `None` when it is there, else what to
    /// tell the author (where else the source has it, or the closest
    /// passage of the cited page).
    pub fn check(&self, source: &str, labels: &[String], written: &str) -> Result<String, Miss> {
        let Some(quote) = Quote::parse(written) else {
            return Err(Miss {
                message: "the quote is empty".into(),
                help: None,
            });
        };
        match self.find(labels, &quote) {
            Some(found) => Ok(found),
            None => Err(self.miss(source, labels, &quote, written)),
        }
    }

    /// What to tell the author about `quote` (as `written`), which is not on
    /// pages `labels` of source `source`.
    pub fn miss(&self, source: &str, labels: &[String], quote: &Quote, written: &str) -> Miss {
        let cited = page_list(labels);
        let short: String = {
            let w: Vec<&str> = written.split_whitespace().collect();
            if w.len() > 12 {
                format!("{} …", w[..12].join(" "))
            } else {
                w.join(" ")
            }
        };
        let elsewhere: Vec<String> = self
            .pages_with(quote)
            .into_iter()
            .filter(|l| !labels.iter().any(|c| c == l))
            .map(str::to_string)
            .collect();
        if !elsewhere.is_empty() {
            return Miss {
                message: format!(
                    "the quote “{short}” is not on {cited} of `{source}`: found on {}, not on {cited}",
                    page_list(&elsewhere)
                ),
                help: Some(format!("cite {} of `{source}`", page_list(&elsewhere))),
            };
        }
        let closest = labels
            .iter()
            .filter_map(|l| self.page(l))
            .filter_map(|p| p.closest(quote).map(|c| (p.label.clone(), c)))
            .next();
        Miss {
            message: format!("the quote “{short}” is on no page of the text of `{source}`"),
            help: Some(match closest {
                Some((label, c)) => {
                    format!(
                        "the closest passage on page {label} is “{c}”; quote the source exactly (… for words left out, [ ] for your own)"
                    )
                }
                None => format!("{cited} of `{source}` has no text"),
            }),
        }
    }
}

/// `page 4`, `pages 4 and 5`, `pages 3, 4 and 5`.
fn page_list(labels: &[String]) -> String {
    match labels {
        [] => "no page".into(),
        [one] => format!("page {one}"),
        [init @ .., last] => format!("pages {} and {last}", init.join(", ")),
    }
}

impl TextPage {
    /// The byte ranges in [`TextPage::raw`] of the parts of `quote`, where
    /// it is on this page.
    pub fn locate(&self, quote: &Quote) -> Option<Vec<Range<usize>>> {
        let found = quote.find_in(&self.norm.text)?;
        Some(found.into_iter().map(|r| self.norm.raw_range(r)).collect())
    }

    /// The passage of this page closest to `quote` (for messages): the run
    /// of as many words as the quote has that shares most words with it.
    pub fn closest(&self, quote: &Quote) -> Option<String> {
        let want: Vec<String> = quote
            .parts
            .iter()
            .flat_map(|p| p.text.split(' '))
            .map(fold_word)
            .filter(|w| !w.is_empty())
            .collect();
        let words: Vec<(usize, &str)> = word_spans(&self.norm.text).collect();
        if want.is_empty() || words.is_empty() {
            return None;
        }
        let n = want.len().min(words.len());
        let wanted: std::collections::HashMap<&str, usize> =
            want.iter().fold(Default::default(), |mut m, w| {
                *m.entry(w.as_str()).or_insert(0) += 1;
                m
            });
        let folded: Vec<String> = words.iter().map(|(_, w)| fold_word(w)).collect();
        let mut best = (0usize, 0usize);
        for start in 0..=words.len() - n {
            let mut left = wanted.clone();
            let mut score = 0;
            for w in &folded[start..start + n] {
                if let Some(c) = left.get_mut(w.as_str())
                    && *c > 0
                {
                    *c -= 1;
                    score += 1;
                }
            }
            if score > best.0 {
                best = (score, start);
            }
        }
        if best.0 == 0 {
            return None;
        }
        let (from, _) = words[best.1];
        let (last, w) = words[best.1 + n - 1];
        let r = self.norm.raw_range(from..last + w.len());
        Some(reflow(&self.raw[r]))
    }
}

fn marker(line: &str) -> Option<&str> {
    line.trim()
        .strip_prefix("=== page ")
        .and_then(|r| r.strip_suffix("==="))
        .map(str::trim)
}

/// A word lower-cased, without the punctuation around it.
fn fold_word(w: &str) -> String {
    w.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// The words of a normalised text with their byte offsets.
fn word_spans(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(' ')
        .scan(0usize, |at, w| {
            let start = *at;
            *at += w.len() + 1;
            Some((start, w))
        })
        .filter(|(_, w)| !w.is_empty())
}

/// A text normalised for comparing quotes, with the way back to the text it
/// came from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Normalized {
    text: String,
    /// For each byte of `text`, the byte of the original it comes from.
    origin: Vec<u32>,
    /// The original's length.
    len: usize,
}

impl Normalized {
    fn new(raw: &str) -> Self {
        let mut text = String::with_capacity(raw.len());
        let mut origin = Vec::with_capacity(raw.len());
        let chars: Vec<(usize, char)> = raw.char_indices().collect();
        let mut i = 0;
        let mut pending_space: Option<usize> = None;
        while i < chars.len() {
            let (at, c) = chars[i];
            if c.is_whitespace() {
                pending_space.get_or_insert(at);
                i += 1;
                continue;
            }
            if c == '\u{00AD}' {
                i += 1;
                continue;
            }
            // A hyphen between letters, or one that ends a line after a
            // letter and before a letter: a word joined (see `Quote`).
            if let Some((j, newline)) = hyphen_after_letter(chars.len(), |k| chars[k].1, i)
                && (j == i + 1 || newline)
                && pending_space.is_none()
            {
                i = j;
                continue;
            }
            if let Some(s) = pending_space.take()
                && !text.is_empty()
            {
                text.push(' ');
                origin.push(s as u32);
            }
            let c = fold_char(c);
            let before = text.len();
            text.push(c);
            origin.extend(std::iter::repeat_n(at as u32, text.len() - before));
            i += 1;
        }
        Self {
            text,
            origin,
            len: raw.len(),
        }
    }

    /// The range of the original that `r` (of the normalised text) comes
    /// from.
    fn raw_range(&self, r: Range<usize>) -> Range<usize> {
        let start = self.origin.get(r.start).map_or(self.len, |&o| o as usize);
        let end = match r.end.checked_sub(1).and_then(|i| self.origin.get(i)) {
            Some(&o) => {
                // The end of the original character at `o`.
                let next = self.origin[r.end - 1..]
                    .iter()
                    .find(|&&x| x != o)
                    .map_or(self.len, |&x| x as usize);
                next.max(o as usize + 1)
            }
            None => start,
        };
        start..end.max(start)
    }
}

/// Where the character at `i` is a hyphen after a letter and the next
/// character but white space is a letter: the index of that letter, and
/// whether the white space between breaks the line (the hyphen then splits
/// a word across two lines). `char_at` reads the `len` characters.
fn hyphen_after_letter(
    len: usize,
    char_at: impl Fn(usize) -> char,
    i: usize,
) -> Option<(usize, bool)> {
    if char_at(i) != '-' || i == 0 || !char_at(i - 1).is_alphabetic() {
        return None;
    }
    let mut j = i + 1;
    let mut newline = false;
    while j < len && char_at(j).is_whitespace() {
        newline |= char_at(j) == '\n';
        j += 1;
    }
    (j < len && char_at(j).is_alphabetic()).then_some((j, newline))
}

fn fold_char(c: char) -> char {
    match c {
        // Quotation marks of either kind, straight or curly, and
        // apostrophes are one: a quote inside a quote may change its marks.
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}' | '\''
        | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{02BC}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' => '-',
        _ => c,
    }
}

/// A quote as the site gives it, ready to look up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Part {
    /// Normalised, without the punctuation around it.
    text: String,
    /// Whether the part must start (end) at a word boundary: not where an
    /// editor's insertion touches it.
    whole_start: bool,
    whole_end: bool,
}

impl Quote {
    /// Splits a quote at its ellipses and bracketed insertions. `None` when
    /// nothing is left to look for.
    pub fn parse(quote: &str) -> Option<Self> {
        // Ellipses and insertions become gaps; a gap after an insertion
        // joins within a word (`[T]he`), one after an ellipsis does not.
        let mut pieces: Vec<(String, bool, bool)> = Vec::new();
        let mut cur = String::new();
        let mut start_whole = true;
        let mut chars = quote.chars().peekable();
        let push = |cur: &mut String, start_whole: bool, end_whole: bool, pieces: &mut Vec<_>| {
            if !cur.trim().is_empty() {
                pieces.push((std::mem::take(cur), start_whole, end_whole));
            }
            cur.clear();
        };
        while let Some(c) = chars.next() {
            match c {
                '…' => {
                    push(&mut cur, start_whole, true, &mut pieces);
                    start_whole = true;
                }
                '.' if chars.peek() == Some(&'.') => {
                    let mut n = 1;
                    while chars.peek() == Some(&'.') {
                        chars.next();
                        n += 1;
                    }
                    if n >= 3 {
                        push(&mut cur, start_whole, true, &mut pieces);
                        start_whole = true;
                    } else {
                        cur.push_str(&".".repeat(n));
                    }
                }
                '[' => {
                    let glued_before = cur.chars().last().is_some_and(|c| !c.is_whitespace());
                    for c in chars.by_ref() {
                        if c == ']' {
                            break;
                        }
                    }
                    let glued_after = chars.peek().is_some_and(|c| !c.is_whitespace());
                    push(&mut cur, start_whole, !glued_before, &mut pieces);
                    start_whole = !glued_after;
                }
                c => cur.push(c),
            }
        }
        push(&mut cur, start_whole, true, &mut pieces);
        let parts: Vec<Part> = pieces
            .into_iter()
            .filter_map(|(text, whole_start, whole_end)| {
                let norm = Normalized::new(&text).text;
                let trimmed = norm
                    .trim_matches(|c: char| {
                        c.is_whitespace() || matches!(c, ',' | ';' | ':' | '.' | '!' | '?' | '"')
                    })
                    .to_string();
                (!trimmed.is_empty()).then_some(Part {
                    text: trimmed,
                    whole_start,
                    whole_end,
                })
            })
            .collect();
        (!parts.is_empty()).then_some(Self { parts })
    }

    /// The ranges of `text` (normalised) where the parts are, in order, or
    /// `None`.
    fn find_in(&self, text: &str) -> Option<Vec<Range<usize>>> {
        let mut from = 0;
        'candidates: while let Some(first) = find_part(text, from, &self.parts[0]) {
            // Should a later part be missing, the next candidate starts
            // after this one.
            from = first.start + 1;
            let mut next = first.end;
            let mut found = Vec::with_capacity(self.parts.len());
            found.push(first);
            for part in &self.parts[1..] {
                let Some(r) = find_part(text, next, part) else {
                    continue 'candidates;
                };
                next = r.end;
                found.push(r);
            }
            return Some(found);
        }
        None
    }
}

/// The first occurrence of `part` at or after `from`.
fn find_part(text: &str, from: usize, part: &Part) -> Option<Range<usize>> {
    let (head, rest) = split_first_letter(&part.text);
    let finder = memchr::memmem::Finder::new(rest.as_bytes());
    for at in finder.find_iter(&text.as_bytes()[from..]) {
        let at = from + at;
        let start = match head {
            Some(h) => match text[..at].chars().next_back() {
                Some(prev) if eq_ignore_case(prev, h) && at - prev.len_utf8() >= from => {
                    at - prev.len_utf8()
                }
                _ => continue,
            },
            None => at,
        };
        let r = start..at + rest.len();
        if fits(text, r.clone(), part) {
            return Some(r);
        }
    }
    None
}

/// Whether a match of `part` at `r` starts and ends on word boundaries
/// where it must.
fn fits(text: &str, r: Range<usize>, part: &Part) -> bool {
    let before = text[..r.start].chars().next_back();
    let after = text[r.end..].chars().next();
    let edge = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    (!part.whole_start || edge(before)) && (!part.whole_end || edge(after))
}

/// A part's first letter (matched in either case) and the rest; `None` as
/// the letter when the part does not start with one.
fn split_first_letter(s: &str) -> (Option<char>, &str) {
    match s.chars().next() {
        // A part of one letter is looked for as it is: an empty rest would
        // match between any two bytes.
        Some(c) if c.is_alphabetic() && s.len() > c.len_utf8() => (Some(c), &s[c.len_utf8()..]),
        _ => (None, s),
    }
}

fn eq_ignore_case(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

/// A text made one paragraph: white space folded, words split across lines
/// joined.
pub fn reflow(raw: &str) -> String {
    let mut out = String::new();
    push_reflowed(&mut out, raw);
    out.trim().to_string()
}

/// Appends `raw` reflowed to `out` (white space folded with what `out`
/// ends with).
fn push_reflowed(out: &mut String, raw: &str) {
    let chars: Vec<char> = raw.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
            continue;
        }
        if let Some((j, true)) = hyphen_after_letter(chars.len(), |k| chars[k], i)
            && chars[j].is_lowercase()
        {
            i = j;
            continue;
        }
        out.push(c);
        i += 1;
    }
}

/// A passage of a page as HTML: the sentence (or sentences) around `marks`
/// (byte ranges of the page's text), reflowed, with the marked words in
/// `<mark>`.
pub fn passage_html(page: &TextPage, marks: &[Range<usize>]) -> String {
    let Some(first) = marks.first() else {
        return String::new();
    };
    let last_end = marks.iter().map(|r| r.end).max().unwrap_or(first.end);
    let span = sentence_around(&page.raw, first.start, last_end);
    html_with_marks(&page.raw, span, marks)
}

/// The whole page as HTML paragraphs (split at blank lines), reflowed, with
/// `marks` in `<mark>`.
pub fn page_html(page: &TextPage, marks: &[Range<usize>]) -> String {
    let raw = &page.raw;
    let mut html = String::new();
    let mut start = 0;
    let mut paragraphs = Vec::new();
    let mut offset = 0;
    for line in raw.split_inclusive('\n') {
        if line.trim().is_empty() {
            if raw[start..offset].trim().is_empty() {
                start = offset + line.len();
            } else {
                paragraphs.push(start..offset);
                start = offset + line.len();
            }
        }
        offset += line.len();
    }
    if !raw[start..].trim().is_empty() {
        paragraphs.push(start..raw.len());
    }
    for p in paragraphs {
        html.push_str("<p>");
        html.push_str(&html_with_marks(raw, p, marks));
        html.push_str("</p>\n");
    }
    html
}

fn html_with_marks(raw: &str, span: Range<usize>, marks: &[Range<usize>]) -> String {
    // Cut the span at mark edges; each piece reflowed, marked pieces wrapped.
    let mut cuts: Vec<usize> = vec![span.start, span.end];
    for m in marks {
        for x in [m.start, m.end] {
            if span.contains(&x) && raw.is_char_boundary(x) {
                cuts.push(x);
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    // The plain text so far (white space folds across pieces), and the HTML.
    let mut plain = String::new();
    let mut out = String::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let before = plain.len();
        push_reflowed(&mut plain, &raw[a..b]);
        let piece = crate::text::escape_html(&plain[before..]);
        if marks.iter().any(|m| m.start <= a && b <= m.end) {
            let inner = piece.trim_end();
            out.push_str("<mark>");
            out.push_str(inner);
            out.push_str("</mark>");
            out.push_str(&piece[inner.len()..]);
        } else {
            out.push_str(&piece);
        }
    }
    out.trim().to_string()
}

/// The sentences of `raw` that hold `start..end`.
fn sentence_around(raw: &str, start: usize, end: usize) -> Range<usize> {
    let ends_sentence = |s: &str| {
        let t = s.trim_end();
        t.ends_with(['.', '!', '?', ':', '•']) && s.len() > t.len() || s.ends_with("\n\n")
    };
    let mut from = 0;
    for (i, _) in raw[..start].char_indices().rev() {
        if start - i > 600 {
            from = i;
            break;
        }
        let before = &raw[..i];
        if (before.ends_with(['\n', ' ']) && ends_sentence(before)) || before.ends_with("\n\n") {
            from = i;
            break;
        }
        let starts_upper = raw[i..].chars().next().is_some_and(char::is_uppercase);
        if before.trim_end().ends_with('•')
            || (before.ends_with('\n') && starts_upper && heading_line(before))
        {
            from = i;
            break;
        }
    }
    let mut to = raw.len();
    let tail = &raw[end..];
    for (i, c) in tail.char_indices() {
        if i > 600 {
            to = end + i;
            break;
        }
        let next = tail[i + c.len_utf8()..].chars().next();
        if matches!(c, '.' | '!' | '?') && next.is_none_or(char::is_whitespace) {
            to = end + i + c.len_utf8();
            break;
        }
        if tail[i..].starts_with("\n\n")
            || tail[i..].starts_with("\n•")
            || (c == '\n' && next.is_some_and(char::is_uppercase) && short_line(&raw[..end + i]))
        {
            to = end + i;
            break;
        }
    }
    from..to.max(end)
}

/// Whether the last line of `before` (which ends with a line break) stands
/// alone: a heading or caption, short and without a sentence's end.
fn heading_line(before: &str) -> bool {
    short_line(before.strip_suffix('\n').unwrap_or(before))
}

/// Whether the last line of `text` is short (a heading, a caption, a
/// footnote's number), as lines of running text are not.
fn short_line(text: &str) -> bool {
    let line = text.rsplit('\n').next().unwrap_or(text).trim();
    line.chars().count() < 64 && !line.ends_with([',', ';', '(', '-'])
}

/// The id of the passage of `quote` on page `label` of a source page:
/// `q-<label>-<first words>`, with a short hash of the whole quote so that
/// two quotes that start alike differ.
pub fn passage_id(label: &str, quote: &str) -> String {
    let norm = Normalized::new(quote).text;
    let words: Vec<&str> = quote.split_whitespace().take(5).collect();
    let slug = crate::text::slugify(&words.join(" "));
    let hash = crate::text::short_hash(norm.to_lowercase().as_bytes());
    format!(
        "q-{}-{}-{}",
        crate::text::slugify(label),
        slug,
        &hash[..4.min(hash.len())]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "front matter ignored\n=== page cover ===\nTitle\n=== page 1 ===\nThe leak provides a rare insight into China's methods of world-\nwide hacking. It is\n“limitless” they say.\n=== page 2 ===\ni-Soon’s customers\ninclude the  Ministry of Public Security.\n";

    fn text() -> SourceText {
        SourceText::parse(TEXT).unwrap()
    }

    fn on(label: &str, quote: &str) -> bool {
        let q = Quote::parse(quote).unwrap();
        text().find(&[label.to_string()], &q).is_some()
    }

    #[test]
    fn pages_split_at_markers() {
        let t = text();
        let labels: Vec<&str> = t.pages.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["cover", "1", "2"]);
        assert_eq!(t.pages[0].raw, "Title\n");
        assert_eq!(t.numbers().collect::<Vec<_>>(), [1, 2]);
        assert_eq!(t.pages[2].position, 3);
    }

    #[test]
    fn bad_markers_and_duplicates() {
        assert!(SourceText::parse("no markers").is_err());
        let e = SourceText::parse("=== page 1 ===\na\n=== page 1 ===\nb").unwrap_err();
        assert!(e.message.contains("twice"), "{e:?}");
        assert_eq!(e.span.start, 17);
        assert!(SourceText::parse("=== page  ===\n").is_err());
    }

    #[test]
    fn quotes_match_across_lines_quotes_and_case() {
        assert!(on("1", "provides a rare insight"));
        assert!(on("1", "worldwide hacking"), "line-break hyphen joined");
        assert!(on("1", "world-wide hacking"), "hyphen kept");
        assert!(on("1", "It is \"limitless\" they say"), "straight vs curly");
        assert!(on("2", "i-Soon's customers include"), "apostrophes");
        assert!(on("2", "Customers include the Ministry"), "first letter");
        assert!(!on("2", "the ministry of Public Security"));
        assert!(!on("1", "customers include"), "other page");
        assert!(!on("1", "rare insigh"), "whole words");
    }

    #[test]
    fn ellipsis_and_insertions() {
        assert!(on("1", "provides a rare insight … hacking"));
        assert!(on("1", "The leak ... methods of worldwide hacking."));
        assert!(!on("1", "hacking … The leak"), "parts in order");
        assert!(on("2", "[Its] customers include the Ministry"));
        assert!(on("2", "i-Soon's customers include the [Chinese] Ministry"));
        assert!(on("1", "[t]he leak provides"));
    }

    #[test]
    fn one_letter_parts_and_characters_of_several_bytes() {
        let t =
            SourceText::parse("=== page 1 ===\nÜber café naïve: I said “a” … then ä.\n").unwrap();
        let find = |q: &str| t.find(&["1".into()], &Quote::parse(q).unwrap()).is_some();
        assert!(find("I said"));
        assert!(find("I … ä"));
        assert!(find("a"));
        assert!(!find("b"));
        assert!(find("über café"), "first letter in either case");
    }

    #[test]
    fn ranges_and_where_else() {
        let t = text();
        let q = Quote::parse("they say. i-Soon's customers").unwrap();
        assert_eq!(t.find(&["1".into(), "2".into()], &q).as_deref(), Some("1"));
        let q = Quote::parse("customers include the Ministry").unwrap();
        assert_eq!(t.pages_with(&q), ["2"]);
        let q = Quote::parse("customers include a Ministry of Security").unwrap();
        let close = t.page("2").unwrap().closest(&q).unwrap();
        assert!(close.contains("customers include the Ministry"), "{close}");
    }

    #[test]
    fn passages_mark_the_quoted_words_in_their_sentence() {
        let t = text();
        let page = t.page("1").unwrap();
        let q = Quote::parse("rare insight into China's methods").unwrap();
        let marks = page.locate(&q).unwrap();
        let html = passage_html(page, &marks);
        assert_eq!(
            html,
            "The leak provides a <mark>rare insight into China&#39;s methods</mark> of worldwide hacking."
        );
        let q = Quote::parse("limitless").unwrap();
        let marks = page.locate(&q).unwrap();
        assert!(passage_html(page, &marks).contains("<mark>limitless</mark>"));
        let whole = page_html(page, &marks);
        assert!(whole.starts_with("<p>The leak"), "{whole}");
    }

    #[test]
    fn passage_ids_are_stable_and_distinct() {
        let a = passage_id("4", "report identified vulnerabilities within 48 hours");
        assert_eq!(
            a,
            passage_id("4", "report identified vulnerabilities within 48 hours")
        );
        assert!(
            a.starts_with("q-4-report-identified-vulnerabilities-within-48-"),
            "{a}"
        );
        assert_ne!(
            a,
            passage_id("4", "report identified vulnerabilities within 48 days")
        );
    }
}
