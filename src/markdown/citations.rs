//! Pass: citations.
//!
//! Body syntax (Pandoc's): `[@id]` cites the front-matter citation `id`;
//! `[@source, p. 4]` and `[@source, pp. 3-4]` cite a source directly;
//! `[@a; @b]` cites several at once. Each use becomes a numbered superscript
//! marker linking to the page's reference list; a citation used twice keeps
//! its number. Ids derive from the citation id, never from its number, so
//! they survive edits: marker `#cite-ref-<id>-<k>`, entry `#cite-<id>`.
//!
//! The pass also validates the page's `[[citations]]`: unknown sources,
//! pages outside the source, malformed locators, duplicate ids, and (as a
//! warning) citations that the body never uses.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use serde::Serialize;

use super::{Library, Pass, PassContext, Spanned};
use crate::content::CitationDecl;
use crate::content::meta::PagesValue;
use crate::text::{closest, escape_html, slugify};

/// The pages a citation names: a range of numbered pages (1-based,
/// inclusive), or one page that a source's text names without a number
/// (`cover`, `iv`; then `start` and `end` are 0).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct PageRange {
    pub start: u32,
    pub end: u32,
    /// The label of a page without a number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub named: Option<String>,
}

impl PageRange {
    /// Pages `start` to `end`.
    pub fn numbers(start: u32, end: u32) -> Self {
        Self {
            start,
            end,
            named: None,
        }
    }

    /// The page a source's text labels `label`.
    pub fn named(label: &str) -> Self {
        Self {
            start: 0,
            end: 0,
            named: Some(label.to_string()),
        }
    }

    /// `p. 3`, `pp. 3–4` or `p. cover`.
    pub fn label(&self) -> String {
        match &self.named {
            Some(l) => format!("p. {l}"),
            None if self.start == self.end => format!("p. {}", self.start),
            None => format!("pp. {}–{}", self.start, self.end),
        }
    }

    /// The pages as labels of a source's text: `["3", "4"]`, `["cover"]`.
    pub fn labels(&self) -> Vec<String> {
        match &self.named {
            Some(l) => vec![l.clone()],
            None => (self.start..=self.end).map(|n| n.to_string()).collect(),
        }
    }

    /// The label of the first page.
    pub fn first(&self) -> String {
        match &self.named {
            Some(l) => l.clone(),
            None => self.start.to_string(),
        }
    }

    /// `4`, `3-4` or `cover`, as schema.org's `pagination`.
    pub fn pagination(&self) -> String {
        match &self.named {
            Some(l) => l.clone(),
            None if self.start == self.end => self.start.to_string(),
            None => format!("{}-{}", self.start, self.end),
        }
    }

    /// Parses `4`, `3-4`, `3–4`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let (a, b) = match s.split_once(['-', '–']) {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (s, s),
        };
        let start: u32 = a.parse().ok()?;
        let end: u32 = b.parse().ok()?;
        (start >= 1 && end >= start).then_some(Self::numbers(start, end))
    }
}

/// A page label as an author writes it for a page without a number: one
/// word of letters, digits and `-`, not a number.
fn page_name(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()
        && s.parse::<u32>().is_err()
        && s.chars().all(|c| c.is_alphanumeric() || c == '-')
        && s.chars().any(char::is_alphabetic))
    .then_some(s)
}

/// A link back from a reference-list entry to one marker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Backref {
    /// The marker's id, e.g. `cite-ref-reporting-48h-1`.
    pub id: String,
    /// `^` for a single use, else `a`, `b`, ….
    pub label: String,
}

/// A citation as resolved on one page: an entry of its reference list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Citation {
    /// The citation id (front-matter id, or `<source>-p<N>` for direct ones).
    pub id: String,
    /// Its number on the page, in order of first use.
    pub number: usize,
    /// The reference-list entry's id, `cite-<id>`.
    pub anchor: String,
    /// The source's id.
    pub source: String,
    pub source_title: String,
    pub source_short: String,
    /// The source's page on this site, at the cited page (`…/sources/<id>/#p-N`),
    /// or at the quoted passage (`#q-…`) where the quote was checked
    /// against the source's text.
    pub source_page_url: String,
    /// The source itself: its PDF at the page when it has `pdf`, else its `url`.
    pub source_link: Option<String>,
    /// Its PDF at the cited page (`pdf#page=` printed page + `pdf_page_offset`).
    pub pdf_link: Option<String>,
    /// That page's number in the PDF.
    pub pdf_page: Option<i64>,
    pub pages: PageRange,
    pub page_label: String,
    pub quote: Option<String>,
    /// The page of the source's text the quote was found on (a page of
    /// `pages`), and the passage's id on the source's page.
    pub quote_page: Option<String>,
    pub passage_id: Option<String>,
    pub note: Option<String>,
    pub backrefs: Vec<Backref>,
}

/// One marker in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitationUse {
    /// Index into the page's citations.
    pub citation: usize,
    /// The marker's id.
    pub marker: String,
    /// Byte offset in the body.
    pub offset: usize,
}

pub struct Citations;

/// A front-matter citation after validation.
struct Declared<'d> {
    decl: &'d CitationDecl,
    pages: PageRange,
    /// Where the source's text has the quote, when it has a text.
    quote_page: Option<String>,
}

impl Pass for Citations {
    fn name(&self) -> &'static str {
        "citations"
    }

    fn run<'a>(&self, events: Vec<Spanned<'a>>, cx: &mut PassContext<'_>) -> Vec<Spanned<'a>> {
        let (declared, invalid) = validate_declared(cx);
        let mut state = State {
            declared,
            invalid,
            by_id: HashMap::new(),
        };
        let mut out = Vec::with_capacity(events.len());
        let mut in_link = 0usize;
        for (event, range) in events {
            match event {
                // Text arrives merged (see the module doc of `markdown`).
                Event::Text(t) if in_link == 0 => {
                    state.expand(t.into_string(), range, cx, &mut out)
                }
                other => {
                    match &other {
                        Event::Start(Tag::Link { .. } | Tag::Image { .. }) => in_link += 1,
                        Event::End(TagEnd::Link | TagEnd::Image) => {
                            in_link = in_link.saturating_sub(1)
                        }
                        _ => {}
                    }
                    out.push((other, range));
                }
            }
        }
        for d in &state.declared {
            if !state.by_id.contains_key(d.decl.id.as_str()) {
                let span = cx.doc.file.value_span("id", &d.decl.id);
                cx.out.diagnostics.push(cx.doc.file.warning_at(
                    format!(
                        "citation `{}` is declared but never cited in the text",
                        d.decl.id
                    ),
                    span,
                ));
            }
        }
        // Back-reference labels: `^` alone, or a, b, c… for several uses.
        for c in &mut cx.out.citations {
            if c.backrefs.len() > 1 {
                for (i, b) in c.backrefs.iter_mut().enumerate() {
                    b.label = backref_label(i);
                }
            }
        }
        out
    }
}

struct State<'d> {
    declared: Vec<Declared<'d>>,
    /// Ids of front-matter citations that failed validation (their error is
    /// reported once, at the declaration, not again at each use).
    invalid: std::collections::HashSet<&'d str>,
    /// Citation id → index into `cx.out.citations`.
    by_id: HashMap<String, usize>,
}

impl State<'_> {
    /// Replaces the citation groups in one run of text by markers.
    fn expand<'a>(
        &mut self,
        text: String,
        range: Range<usize>,
        cx: &mut PassContext<'_>,
        out: &mut Vec<Spanned<'a>>,
    ) {
        if !text.contains("[@") {
            out.push((Event::Text(CowStr::from(text)), range));
            return;
        }
        let raw = cx.doc.file.body().get(range.clone()).unwrap_or("");
        let mut rest = text.as_str();
        let mut raw_from = 0usize;
        while let Some(start) = rest.find("[@") {
            let Some(len) = rest[start..].find(']') else {
                break;
            };
            let group = &rest[start..start + len + 1];
            // Where the group is in the source, for messages (and to honour `\[@`).
            let at = raw[raw_from..].find(group).map(|i| raw_from + i);
            let escaped = at.is_some_and(|i| raw[..i].ends_with('\\'));
            let before = &rest[..start + if escaped { group.len() } else { 0 }];
            // A marker keeps to the word before it: no space between them
            // (`claim [@x]` reads `claim[1]`).
            let before = if escaped {
                before
            } else {
                before.trim_end_matches([' ', '\t'])
            };
            if !before.is_empty() {
                out.push((Event::Text(CowStr::from(before.to_string())), range.clone()));
            } else if !escaped
                && let Some((Event::Text(t), _)) = out.last_mut()
                && t.ends_with([' ', '\t'])
            {
                *t = CowStr::from(t.trim_end_matches([' ', '\t']).to_string());
            }
            if let Some(i) = at {
                raw_from = i + group.len();
            }
            if !escaped {
                let offset = at.map_or(range.start, |i| range.start + i);
                let span = offset..offset + group.len();
                let html = self.markers(&group[1..group.len() - 1], &span, cx);
                out.push((Event::InlineHtml(CowStr::from(html)), range.clone()));
            }
            rest = &rest[start + group.len()..];
        }
        if !rest.is_empty() {
            out.push((Event::Text(CowStr::from(rest.to_string())), range));
        }
    }

    /// The markers for the inside of one `[@…]` group.
    fn markers(&mut self, inner: &str, span: &Range<usize>, cx: &mut PassContext<'_>) -> String {
        let mut html = String::new();
        for item in inner.split(';') {
            let item = item.trim();
            let Some(item) = item.strip_prefix('@') else {
                cx.error(
                    format!(
                        "malformed citation `[{inner}]`: each item starts with @, as in [@a; @b]"
                    ),
                    span,
                );
                continue;
            };
            let (key, locator) = match item.split_once(',') {
                Some((k, l)) => (k.trim(), Some(l.trim())),
                None => (item.trim(), None),
            };
            if let Some(i) = self.resolve(key, locator, span, cx) {
                // A word joiner: no line starts with a marker.
                html.push(WORD_JOINER);
                html.push_str(&marker(&mut cx.out.citations[i]));
                let c = &cx.out.citations[i];
                let marker_id = c.backrefs.last().map(|b| b.id.clone()).unwrap_or_default();
                cx.out.citation_uses.push(CitationUse {
                    citation: i,
                    marker: marker_id,
                    offset: span.start,
                });
            }
        }
        html
    }

    /// The index of the page's citation for `key`, registering it on first use.
    fn resolve(
        &mut self,
        key: &str,
        locator: Option<&str>,
        span: &Range<usize>,
        cx: &mut PassContext<'_>,
    ) -> Option<usize> {
        if let Some(d) = self.declared.iter().find(|d| d.decl.id == key) {
            if locator.is_some() {
                cx.error(
                    format!("`{key}` is a front-matter citation, which names its own page; cite it as [@{key}]"),
                    span,
                );
                return None;
            }
            if let Some(&i) = self.by_id.get(key) {
                return Some(i);
            }
            let (decl, pages) = (d.decl, d.pages.clone());
            // Shown with the typography of the text (the source's text
            // is matched without regard to straight or curly quotes).
            let shown = |t: &Option<String>| {
                t.as_deref().map(|t| match cx.smart {
                    true => crate::text::smart_punctuation(t).into_owned(),
                    false => t.to_string(),
                })
            };
            let mut c = new_citation(
                cx.doc.id_prefix,
                key,
                &decl.source,
                pages,
                shown(&decl.quote),
                shown(&decl.note),
                cx.lib,
            );
            if let (Some(page), Some(q)) = (&d.quote_page, &decl.quote) {
                let id = crate::source_text::passage_id(page, q);
                c.source_page_url = format!("{}#{id}", cx.lib.sources[&decl.source].permalink);
                c.quote_page = Some(page.clone());
                c.passage_id = Some(id);
            }
            return Some(self.register(key, c, cx));
        }
        if self.invalid.contains(&key) {
            return None;
        }
        if cx.lib.sources.contains_key(key) {
            let Some(locator) = locator else {
                cx.error(
                    format!("a direct citation of `{key}` needs a page, as in [@{key}, p. 4] or [@{key}, pp. 3-4]"),
                    span,
                );
                return None;
            };
            // A page without a number, where the source's text has one.
            let named = || {
                let has_text = cx.lib.sources.get(key).is_some_and(|s| s.text.is_some());
                ["page", "p.", "p"]
                    .iter()
                    .find_map(|p| locator.strip_prefix(p))
                    .and_then(page_name)
                    .filter(|_| has_text)
                    .map(PageRange::named)
            };
            let Some(pages) = parse_locator(locator).or_else(named) else {
                cx.error(
                    format!("malformed locator `{locator}`: write `p. 4` or `pp. 3-4`"),
                    span,
                );
                return None;
            };
            if let Some(msg) = out_of_range(key, &pages, cx.lib) {
                cx.error(msg, span);
                return None;
            }
            let id = match &pages.named {
                Some(l) => format!("{}-p{}", slugify(key), slugify(l)),
                None if pages.start == pages.end => format!("{}-p{}", slugify(key), pages.start),
                None => format!("{}-pp{}-{}", slugify(key), pages.start, pages.end),
            };
            if let Some(&i) = self.by_id.get(&id) {
                return Some(i);
            }
            let c = new_citation(cx.doc.id_prefix, &id, key, pages, None, None, cx.lib);
            return Some(self.register(&id, c, cx));
        }
        let candidates = self
            .declared
            .iter()
            .map(|d| d.decl.id.as_str())
            .chain(cx.lib.sources.keys().map(String::as_str));
        let hint = closest(key, candidates)
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        cx.error(
            format!("unknown citation `{key}`: neither a [[citations]] id of this page nor a source in content/sources/{hint}"),
            span,
        );
        None
    }

    /// Adds a citation on its first use; it takes the next number.
    fn register(&mut self, id: &str, mut c: Citation, cx: &mut PassContext<'_>) -> usize {
        c.number = cx.out.citations.len() + 1;
        cx.out.citations.push(c);
        let i = cx.out.citations.len() - 1;
        self.by_id.insert(id.to_string(), i);
        i
    }
}

fn new_citation(
    prefix: &str,
    id: &str,
    source: &str,
    pages: PageRange,
    quote: Option<String>,
    note: Option<String>,
    lib: &Library,
) -> Citation {
    let s = &lib.sources[source];
    // A named page is at its place in the text (`front-k` at PDF page k).
    let pdf_page = match &pages.named {
        None => Some(i64::from(pages.start) + s.pdf_page_offset),
        Some(l) => l
            .strip_prefix("front-")
            .and_then(|k| k.parse().ok())
            .or_else(|| {
                let text = s.text.as_ref()?;
                Some(text.page(l)?.position as i64)
            }),
    };
    let pdf_link = s
        .pdf
        .as_ref()
        .zip(pdf_page)
        .map(|(pdf, n)| crate::source_text::pdf_page_link(pdf, n));
    Citation {
        id: format!("{prefix}{id}"),
        number: 0,
        anchor: format!("cite-{prefix}{id}"),
        source: source.to_string(),
        source_title: s.title.clone(),
        source_short: s.short.clone(),
        source_page_url: format!("{}#p-{}", s.permalink, slugify(&pages.first())),
        source_link: pdf_link.clone().or_else(|| s.url.clone()),
        pdf_page: pdf_link.as_ref().and(pdf_page),
        pdf_link,
        page_label: pages.label(),
        pages,
        quote,
        quote_page: None,
        passage_id: None,
        note,
        backrefs: Vec::new(),
    }
}

/// U+2060 WORD JOINER, put before every marker (citations and notes) so
/// that a line never starts with one: it stays with the word before it.
pub const WORD_JOINER: char = '\u{2060}';

/// Adds a use to `c` and returns its marker's HTML.
fn marker(c: &mut Citation) -> String {
    let k = c.backrefs.len() + 1;
    let marker_id = format!("cite-ref-{}-{k}", c.id);
    c.backrefs.push(Backref {
        id: marker_id.clone(),
        label: "^".into(),
    });
    let tip_id = format!("cite-tip-{}-{k}", c.id);
    let mut tip = format!("{}, {}", c.source_short, c.page_label);
    if let Some(q) = &c.quote {
        tip.push_str(&format!(": “{q}”"));
    }
    format!(
        "<sup class=\"cite\" id=\"{mid}\"><a href=\"#{anchor}\" aria-describedby=\"{tid}\" data-source=\"{src}\" data-page=\"{page}\"{quote}>[{n}]</a><span class=\"cite-tip\" id=\"{tid}\" role=\"tooltip\">{tip} <a class=\"tip-link\" href=\"{passage}\">{page} in the source</a></span></sup>",
        passage = escape_html(&c.source_page_url),
        mid = escape_html(&marker_id),
        anchor = escape_html(&c.anchor),
        tid = escape_html(&tip_id),
        src = escape_html(&c.source_short),
        page = escape_html(&c.page_label),
        quote = c
            .quote
            .as_ref()
            .map(|q| format!(" data-quote=\"{}\"", escape_html(q)))
            .unwrap_or_default(),
        n = c.number,
        tip = escape_html(&tip),
    )
}

pub(crate) fn backref_label(i: usize) -> String {
    // a…z, then aa, ab, …, zz, then aaa, … as Wikipedia does (bijective
    // base 26: any number of uses has a label).
    let letters = b"abcdefghijklmnopqrstuvwxyz";
    let mut n = i + 1;
    let mut label = Vec::new();
    while n > 0 {
        n -= 1;
        label.push(letters[n % 26]);
        n /= 26;
    }
    label.reverse();
    String::from_utf8(label).unwrap_or_default()
}

/// `p. 4`, `p 4`, `page 4`, `pp. 3-4`, `pages 3–4`.
fn parse_locator(locator: &str) -> Option<PageRange> {
    let l = locator.trim();
    let rest = ["pages", "page", "pp.", "pp", "p.", "p"]
        .iter()
        .find_map(|p| l.strip_prefix(p))?;
    if rest.starts_with(|c: char| c.is_alphabetic()) {
        return None;
    }
    PageRange::parse(rest)
}

fn out_of_range(source: &str, pages: &PageRange, lib: &Library) -> Option<String> {
    let info = lib.sources.get(source)?;
    if let Some(max) = info.pages
        && pages.end > max
    {
        return Some(format!(
            "{} is outside `{source}`, which has {max} page{}",
            pages.label(),
            if max == 1 { "" } else { "s" }
        ));
    }
    let text = info.text.as_ref()?;
    let missing = pages
        .labels()
        .into_iter()
        .find(|l| text.page(l).is_none())?;
    let known: Vec<&str> = text.pages.iter().map(|p| p.label.as_str()).collect();
    Some(format!(
        "the text of `{source}` (content/sources/{source}.txt) has no page {missing}; its pages are {}",
        known.join(", ")
    ))
}

/// Checks a front-matter citation's quote against its source's text (when
/// it has one): returns the page it is on, or records the error (and
/// returns `None`, as for a source without a text).
fn check_quote(
    cx: &mut PassContext<'_>,
    decl: &CitationDecl,
    pages: &PageRange,
    id_needle: &str,
) -> Option<String> {
    let (Some(quote), Some(text)) = (
        &decl.quote,
        cx.lib
            .sources
            .get(&decl.source)
            .and_then(|s| s.text.as_ref()),
    ) else {
        return None;
    };
    match text.check(&decl.source, &pages.labels(), quote) {
        Ok(page) => Some(page),
        Err(mut miss) => {
            let file = cx.doc.file;
            let key = nth_span_after(file, id_needle, "quote");
            // The value after `quote =`, to the end of its line.
            let line_end = file.text[key.end..]
                .find('\n')
                .map_or(file.text.len(), |i| key.end + i);
            let span = file.text[key.end..line_end]
                .find(['"', '\''])
                .map_or(key.clone(), |i| key.end + i..line_end);
            miss.message = format!("citation `{}`: {}", decl.id, miss.message);
            cx.out.diagnostics.push(miss.error_at(file, span));
            None
        }
    }
}

/// Checks the page's `[[citations]]`; returns the valid ones and the ids
/// of the others.
fn validate_declared<'d>(
    cx: &mut PassContext<'d>,
) -> (Vec<Declared<'d>>, std::collections::HashSet<&'d str>) {
    let file = cx.doc.file;
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut valid = Vec::new();
    for decl in cx.doc.citations {
        let id_needle = format!("\"{}\"", decl.id);
        let n = seen.entry(decl.id.as_str()).or_insert(0);
        *n += 1;
        if *n > 1 {
            let span = nth_span(file, &id_needle, *n);
            cx.out.diagnostics.push(file.error_at(
                format!("citation id `{}` is declared twice on this page", decl.id),
                span,
            ));
            continue;
        }
        let span = file.value_span("id", &decl.id);
        if decl.id.trim().is_empty() || decl.id.contains([' ', ';', ',', '[', ']', '@']) {
            cx.out.diagnostics.push(file.error_at(
                format!(
                    "citation id `{}` must be a single word (letters, digits, - and _)",
                    decl.id
                ),
                span,
            ));
            continue;
        }
        if !cx.lib.sources.contains_key(&decl.source) {
            let hint = closest(&decl.source, cx.lib.sources.keys().map(String::as_str))
                .map(|c| format!("did you mean `{c}`?"));
            let mut d = file.error_at(
                format!(
                    "unknown source `{}`: there is no content/sources/{}.md",
                    decl.source, decl.source
                ),
                file.value_span("source", &decl.source),
            );
            if let Some(h) = hint {
                d = d.with_help(h);
            }
            cx.out.diagnostics.push(d);
            continue;
        }
        let pages = match (&decl.page, &decl.pages) {
            (Some(PagesValue::Number(p)), None) | (None, Some(PagesValue::Number(p)))
                if *p >= 1 =>
            {
                Some(PageRange::numbers(*p, *p))
            }
            // A page without a number, where the source's text has pages.
            (Some(PagesValue::Text(t)), None) | (None, Some(PagesValue::Text(t))) => {
                let has_text = cx.lib.sources[&decl.source].text.is_some();
                PageRange::parse(t)
                    .or_else(|| page_name(t).filter(|_| has_text).map(PageRange::named))
            }
            (Some(_), Some(_)) => {
                cx.out.diagnostics.push(file.error_at(
                    format!(
                        "citation `{}` sets both `page` and `pages`; keep one",
                        decl.id
                    ),
                    span.clone(),
                ));
                continue;
            }
            (None, None) => {
                cx.out.diagnostics.push(file.error_at(
                    format!(
                        "citation `{}` needs `page = N` or `pages = \"N-M\"`",
                        decl.id
                    ),
                    span.clone(),
                ));
                continue;
            }
            _ => None,
        };
        let Some(pages) = pages else {
            let needle = match decl.pages.as_ref().or(decl.page.as_ref()) {
                Some(PagesValue::Text(t)) => format!("\"{t}\""),
                _ => "page".into(),
            };
            cx.out.diagnostics.push(file.error_at(
                format!("malformed page locator in citation `{}`: write `page = 4` or `pages = \"3-4\"`", decl.id),
                nth_span_after(file, &id_needle, &needle),
            ));
            continue;
        };
        if let Some(msg) = out_of_range(&decl.source, &pages, cx.lib) {
            let span = nth_span_after(file, &id_needle, "page");
            cx.out.diagnostics.push(file.error_at(msg, span));
            continue;
        }
        // A quote not in the source is an error, but the citation stays, so
        // that its uses do not add errors of their own.
        let quote_page = check_quote(cx, decl, &pages, &id_needle);
        valid.push(Declared {
            decl,
            pages,
            quote_page,
        });
    }
    let kept: std::collections::HashSet<&str> = valid.iter().map(|v| v.decl.id.as_str()).collect();
    let invalid = cx
        .doc
        .citations
        .iter()
        .map(|d| d.id.as_str())
        .filter(|id| !kept.contains(id))
        .collect();
    (valid, invalid)
}

/// The span of the `n`th (1-based) occurrence of `needle` in the front matter.
fn nth_span(file: &crate::content::SourceFile, needle: &str, n: usize) -> Range<usize> {
    let fm = file.front_matter.clone();
    let text = &file.text[fm.clone()];
    text.match_indices(needle)
        .nth(n - 1)
        .map(|(i, _)| fm.start + i..fm.start + i + needle.len())
        .unwrap_or(fm.start..fm.start)
}

/// The span of the first `needle` after the first `anchor` in the front matter.
fn nth_span_after(file: &crate::content::SourceFile, anchor: &str, needle: &str) -> Range<usize> {
    let fm = file.front_matter.clone();
    let text = &file.text[fm.clone()];
    let from = text.find(anchor).unwrap_or(0);
    text[from..]
        .find(needle)
        .map(|i| fm.start + from + i..fm.start + from + i + needle.len())
        .unwrap_or(fm.start + from..fm.start + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_ranges() {
        assert_eq!(PageRange::parse("4"), Some(PageRange::numbers(4, 4)));
        assert_eq!(PageRange::parse("3-4"), Some(PageRange::numbers(3, 4)));
        assert_eq!(PageRange::parse("3 – 5"), Some(PageRange::numbers(3, 5)));
        assert_eq!(PageRange::parse("4-3"), None);
        assert_eq!(PageRange::parse("0"), None);
        assert_eq!(PageRange::parse("3-"), None);
        assert_eq!(PageRange::numbers(3, 4).label(), "pp. 3–4");
        assert_eq!(PageRange::named("cover").label(), "p. cover");
        assert_eq!(PageRange::named("cover").labels(), ["cover"]);
        assert_eq!(page_name("iv"), Some("iv"));
        assert_eq!(page_name("front-1"), Some("front-1"));
        assert_eq!(page_name("12"), None);
        assert_eq!(page_name("two words"), None);
    }

    #[test]
    fn locators() {
        assert_eq!(parse_locator("p. 4"), PageRange::parse("4"));
        assert_eq!(parse_locator("p.4"), PageRange::parse("4"));
        assert_eq!(parse_locator("pp. 3-4"), PageRange::parse("3-4"));
        assert_eq!(parse_locator("pages 3–4"), PageRange::parse("3-4"));
        assert_eq!(parse_locator("page 7"), PageRange::parse("7"));
        assert_eq!(parse_locator("chapter 4"), None);
        assert_eq!(parse_locator("p. four"), None);
        assert_eq!(parse_locator("4"), None);
    }

    #[test]
    fn backref_labels() {
        assert_eq!(backref_label(0), "a");
        assert_eq!(backref_label(25), "z");
        assert_eq!(backref_label(26), "aa");
        assert_eq!(backref_label(51), "az");
        assert_eq!(backref_label(52), "ba");
        assert_eq!(backref_label(701), "zz");
        assert_eq!(backref_label(702), "aaa");
        assert_eq!(backref_label(1_000_000), "bdwgo");
    }
}
