//! Pass: glossary terms that link themselves.
//!
//! The first occurrence of each glossary term (or one of its aliases) in a
//! body's text becomes a link to its glossary entry — or to its entity page
//! when the term names an `entity` — with the expansion as an `<abbr title>`
//! tooltip. Matching is by whole word, case-sensitive for all-capital terms,
//! longest match first; text in code, links, headings, image alt text and raw
//! HTML is never linked.
//!
//! All terms of a site go into one Aho-Corasick automaton, built once per
//! build ([`TermMatcher`]); a body is scanned once, whatever the number of
//! terms.

use std::collections::HashSet;

use aho_corasick::{AhoCorasick, MatchKind};
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use serde::Serialize;

use super::{Pass, PassContext, Spanned};
use crate::text::escape_html;

/// A glossary term as the pass needs it.
#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct TermInfo {
    /// The term's id (its file name).
    pub id: String,
    pub term: String,
    pub expansion: Option<String>,
    /// Where its mentions link: its glossary entry, or its entity's page.
    pub href: String,
}

/// Finds the terms of a site in text, all at once.
#[derive(Debug, Clone)]
pub struct TermMatcher {
    automaton: Option<AhoCorasick>,
    /// Per pattern: the term it belongs to, and whether case must match.
    patterns: Vec<(usize, bool, String)>,
    pub terms: Vec<TermInfo>,
}

impl Default for TermMatcher {
    fn default() -> Self {
        Self::new(Vec::new(), Vec::new())
    }
}

/// A term found in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub term: usize,
}

impl TermMatcher {
    /// `names` pairs each spelling (term or alias) with its term's index.
    pub fn new(terms: Vec<TermInfo>, names: Vec<(String, usize)>) -> Self {
        let patterns: Vec<(usize, bool, String)> = names
            .into_iter()
            .filter(|(n, _)| !n.trim().is_empty())
            .map(|(n, t)| (t, is_all_capitals(&n), n))
            .collect();
        let automaton = (!patterns.is_empty()).then(|| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(patterns.iter().map(|(_, _, p)| p.as_str()))
                .expect("glossary patterns build an automaton")
        });
        Self {
            automaton,
            patterns,
            terms,
        }
    }

    /// Non-overlapping whole-word matches in `text`, longest first where
    /// matches overlap, in order.
    pub fn find(&self, text: &str) -> Vec<Found> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let mut candidates: Vec<Found> = ac
            .find_overlapping_iter(text)
            .filter_map(|m| {
                let (term, exact, pattern) = &self.patterns[m.pattern().as_usize()];
                let found = &text[m.start()..m.end()];
                if *exact && found != pattern {
                    return None;
                }
                if !is_word_boundary(text, m.start(), m.end()) {
                    return None;
                }
                Some(Found {
                    start: m.start(),
                    end: m.end(),
                    term: *term,
                })
            })
            .collect();
        candidates.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut chosen: Vec<Found> = Vec::new();
        for c in candidates {
            if chosen.last().is_none_or(|last| c.start >= last.end) {
                chosen.push(c);
            }
        }
        chosen
    }
}

fn is_all_capitals(s: &str) -> bool {
    let mut letters = s.chars().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some() && letters.all(|c| c.is_uppercase())
}

fn is_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    !word(before) && !word(after)
}

/// A term linked in a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TermUse {
    /// Index into the matcher's terms.
    pub term: usize,
    /// Byte offset in the body.
    pub offset: usize,
}

pub struct Glossary;

impl Pass for Glossary {
    fn name(&self) -> &'static str {
        "glossary"
    }

    fn run<'a>(&self, events: Vec<Spanned<'a>>, cx: &mut PassContext<'_>) -> Vec<Spanned<'a>> {
        if !cx.doc.autolink || cx.lib.terms.terms.is_empty() {
            return events;
        }
        let mut linked: HashSet<usize> = HashSet::new();
        let mut skip = 0usize;
        let mut out = Vec::with_capacity(events.len());
        for (event, range) in events {
            match &event {
                Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::Heading { .. }) => {
                    skip += 1
                }
                Event::End(TagEnd::Link | TagEnd::Image | TagEnd::Heading(_)) => {
                    skip = skip.saturating_sub(1)
                }
                _ => {}
            }
            let Event::Text(text) = &event else {
                out.push((event, range));
                continue;
            };
            if skip > 0 {
                out.push((event, range));
                continue;
            }
            let found: Vec<Found> = cx
                .lib
                .terms
                .find(text)
                .into_iter()
                .filter(|f| linked.insert(f.term))
                .collect();
            if found.is_empty() {
                out.push((event, range));
                continue;
            }
            splice(text, &range, &found, &mut out, |f, out| {
                let info = &cx.lib.terms.terms[f.term];
                let shown = escape_html(&text[f.start..f.end]);
                // The expansion is an <abbr> title for assistive technology
                // and a tooltip that shows on hover and keyboard focus.
                let html = match &info.expansion {
                    Some(exp) => format!(
                        "<span class=\"term-wrap\"><a class=\"term\" href=\"{href}\" aria-describedby=\"{tip}\"><abbr title=\"{exp}\">{shown}</abbr></a><span class=\"term-tip\" id=\"{tip}\" role=\"tooltip\">{exp}</span></span>",
                        href = escape_html(&info.href),
                        exp = escape_html(exp),
                        tip = escape_html(&format!(
                            "{}term-tip-{}",
                            cx.doc.id_prefix,
                            crate::text::slugify(&info.id)
                        )),
                    ),
                    None => format!(
                        "<a class=\"term\" href=\"{}\">{shown}</a>",
                        escape_html(&info.href)
                    ),
                };
                out.push((Event::InlineHtml(CowStr::from(html)), range.clone()));
                cx.out.term_uses.push(TermUse {
                    term: f.term,
                    offset: offset_in(&range, f),
                });
            });
        }
        out
    }
}

/// Writes `text` to `out` with each match replaced by what `replace`
/// pushes, and the text between matches kept.
pub fn splice<'a>(
    text: &str,
    range: &std::ops::Range<usize>,
    found: &[Found],
    out: &mut Vec<Spanned<'a>>,
    mut replace: impl FnMut(&Found, &mut Vec<Spanned<'a>>),
) {
    let mut at = 0;
    for f in found {
        if f.start > at {
            out.push((
                Event::Text(CowStr::from(text[at..f.start].to_string())),
                range.clone(),
            ));
        }
        replace(f, out);
        at = f.end;
    }
    if at < text.len() {
        out.push((
            Event::Text(CowStr::from(text[at..].to_string())),
            range.clone(),
        ));
    }
}

/// The body offset of a match. Text offsets map to the source only
/// approximately (escapes, smart punctuation); within the event is enough.
pub fn offset_in(range: &std::ops::Range<usize>, f: &Found) -> usize {
    range.start + f.start.min(range.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> TermMatcher {
        let info = |id: &str| TermInfo {
            id: id.into(),
            term: id.into(),
            expansion: Some(format!("{id} expanded")),
            href: format!("/glossary/#{id}"),
        };
        TermMatcher::new(
            vec![info("apt"), info("vm"), info("mining"), info("cnnvd")],
            vec![
                ("APT".into(), 0),
                ("APTs".into(), 0),
                ("vulnerability mining".into(), 1),
                ("mining".into(), 2),
                ("CNNVD".into(), 3),
            ],
        )
    }

    fn words<'a>(text: &'a str, found: &[Found]) -> Vec<&'a str> {
        found.iter().map(|f| &text[f.start..f.end]).collect()
    }

    #[test]
    fn whole_words_and_case() {
        let m = matcher();
        let t = "An APT, apt and capture; APTs and CAPTAIN. The CNNVD's rules.";
        assert_eq!(words(t, &m.find(t)), ["APT", "APTs", "CNNVD"]);
    }

    #[test]
    fn longest_match_wins() {
        let m = matcher();
        let t = "Vulnerability mining differs from mining.";
        let f = m.find(t);
        assert_eq!(words(t, &f), ["Vulnerability mining", "mining"]);
        assert_eq!(f[0].term, 1);
        assert_eq!(f[1].term, 2);
    }

    #[test]
    fn capitals() {
        assert!(is_all_capitals("CNNVD"));
        assert!(is_all_capitals("CNITSEC-3"));
        assert!(!is_all_capitals("APTs"));
        assert!(!is_all_capitals("123"));
    }
}
