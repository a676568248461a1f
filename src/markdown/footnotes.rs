//! Pass: footnotes.
//!
//! GFM footnotes (`text[^label]` and `[^label]: the note`) become numbered
//! superscript links to a notes list at the end of the body; each note links
//! back to every reference to it (↩, ↩², …). Ids come from the label —
//! `[^leak-size]` gives `#fn-leak-size` and `#fnref-leak-size-1` — so they
//! stay put when other notes are added. Numbers follow first use. Each
//! reference carries the note's text as a hover/focus preview.
//!
//! A reference to a note that is not defined is an error; a note that is
//! never referenced is a warning.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::{Pass, PassContext, Spanned, plain_text};
use crate::text::{escape_html, slugify};

pub struct Footnotes;

struct Note<'a> {
    label: String,
    events: Vec<Spanned<'a>>,
    range: Range<usize>,
    /// Number of references seen so far.
    uses: usize,
    number: Option<usize>,
}

impl Pass for Footnotes {
    fn name(&self) -> &'static str {
        "footnotes"
    }

    fn run<'a>(&self, events: Vec<Spanned<'a>>, cx: &mut PassContext<'_>) -> Vec<Spanned<'a>> {
        // 1. Take the definitions out of the stream.
        let mut notes: Vec<Note<'a>> = Vec::new();
        let mut by_label: HashMap<String, usize> = HashMap::new();
        let mut body = Vec::with_capacity(events.len());
        let mut iter = events.into_iter();
        while let Some((event, range)) = iter.next() {
            let Event::Start(Tag::FootnoteDefinition(label)) = event else {
                body.push((event, range));
                continue;
            };
            let mut inner = Vec::new();
            let mut depth = 0usize;
            for (e, r) in iter.by_ref() {
                match &e {
                    Event::Start(Tag::FootnoteDefinition(_)) => depth += 1,
                    Event::End(TagEnd::FootnoteDefinition) if depth == 0 => break,
                    Event::End(TagEnd::FootnoteDefinition) => depth -= 1,
                    _ => {}
                }
                inner.push((e, r));
            }
            let key = label.to_string();
            if by_label.contains_key(&key) {
                cx.warn(
                    format!("footnote `[^{key}]` is defined twice; the first definition is used"),
                    &range,
                );
                continue;
            }
            by_label.insert(key.clone(), notes.len());
            notes.push(Note {
                label: key,
                events: inner,
                range,
                uses: 0,
                number: None,
            });
        }
        if notes.is_empty()
            && !body
                .iter()
                .any(|(e, _)| matches!(e, Event::FootnoteReference(_)))
        {
            report_undefined(&body, cx);
            return body;
        }

        // 2. Number references in order of first use, in the body and then
        //    in the notes (a note may refer to another note).
        let mut numbering = Numbering {
            previews: notes
                .iter()
                .map(|n| plain_text(&n.events).trim().to_string())
                .collect(),
            by_label,
            order: Vec::new(),
            prefix: cx.doc.id_prefix.to_string(),
        };
        let mut out = numbering.rewrite(body, &mut notes, cx);
        let mut done = 0;
        while done < numbering.order.len() {
            let i = numbering.order[done];
            let events = std::mem::take(&mut notes[i].events);
            notes[i].events = numbering.rewrite(events, &mut notes, cx);
            done += 1;
        }
        let order = numbering.order;
        let prefix = numbering.prefix;
        report_undefined(&out, cx);

        for n in &notes {
            if n.number.is_none() {
                cx.warn(
                    format!("footnote `[^{}]` is defined but never referenced", n.label),
                    &n.range,
                );
            }
        }
        if order.is_empty() {
            return out;
        }

        // 3. The notes list, in order of first use.
        let end = out.last().map(|(_, r)| r.end..r.end).unwrap_or(0..0);
        out.push((
            Event::Html(CowStr::from(
                "<section class=\"footnotes\" aria-labelledby=\"footnotes\">\n<h2 id=\"footnotes\">Notes</h2>\n<ol type=\"a\">\n",
            )),
            end.clone(),
        ));
        for &i in &order {
            let note = &mut notes[i];
            let slug = format!("{prefix}{}", slugify(&note.label));
            cx.out.anchors.push(format!("fn-{slug}"));
            cx.out
                .anchors
                .extend((1..=note.uses).map(|k| format!("fnref-{slug}-{k}")));
            let mut backs = String::new();
            for k in 1..=note.uses {
                let mark = if k == 1 {
                    "↩".to_string()
                } else {
                    format!("↩<sup>{k}</sup>")
                };
                backs.push_str(&format!(
                    " <a class=\"fn-back\" href=\"#fnref-{s}-{k}\" aria-label=\"Back to reference {k} of note {n}\">{mark}</a>",
                    s = escape_html(&slug),
                    n = super::citations::backref_label(note.number.unwrap_or(1) - 1),
                ));
            }
            out.push((
                Event::Html(CowStr::from(format!(
                    "<li id=\"fn-{}\">\n",
                    escape_html(&slug)
                ))),
                note.range.clone(),
            ));
            let mut events = std::mem::take(&mut note.events);
            // Back-links go inside the last paragraph when there is one.
            let at = match events.last() {
                Some((Event::End(TagEnd::Paragraph), _)) => events.len() - 1,
                _ => events.len(),
            };
            events.insert(
                at,
                (Event::InlineHtml(CowStr::from(backs)), note.range.clone()),
            );
            out.extend(events);
            out.push((Event::Html(CowStr::from("</li>\n")), note.range.clone()));
        }
        out.push((Event::Html(CowStr::from("</ol>\n</section>\n")), end));
        out
    }
}

struct Numbering {
    by_label: HashMap<String, usize>,
    previews: Vec<String>,
    /// Notes in order of first use.
    order: Vec<usize>,
    prefix: String,
}

impl Numbering {
    /// Replaces footnote references by numbered markers.
    fn rewrite<'a>(
        &mut self,
        events: Vec<Spanned<'a>>,
        notes: &mut [Note<'a>],
        cx: &mut PassContext<'_>,
    ) -> Vec<Spanned<'a>> {
        let mut result = Vec::with_capacity(events.len());
        for (e, r) in events {
            let Event::FootnoteReference(label) = &e else {
                result.push((e, r));
                continue;
            };
            let Some(&i) = self.by_label.get(label.as_ref()) else {
                cx.error(format!("footnote `[^{label}]` is not defined"), &r);
                result.push((Event::Text(CowStr::from(format!("[^{label}]"))), r));
                continue;
            };
            let note = &mut notes[i];
            if note.number.is_none() {
                self.order.push(i);
                note.number = Some(self.order.len());
            }
            note.uses += 1;
            let slug = format!("{}{}", self.prefix, slugify(&note.label));
            let k = note.uses;
            // Kept to the word before it (no space, a word joiner).
            if let Some((Event::Text(t), _)) = result.last_mut()
                && t.ends_with([' ', '\t'])
            {
                *t = CowStr::from(t.trim_end_matches([' ', '\t']).to_string());
            }
            // Notes are lettered (a, b, …), told apart from the numbered
            // citations.
            let html = format!(
                "{wj}<sup class=\"fnref\" id=\"fnref-{slug}-{k}\"><a href=\"#fn-{slug}\" aria-describedby=\"fn-tip-{slug}-{k}\">{n}</a><span class=\"fn-tip\" id=\"fn-tip-{slug}-{k}\" role=\"tooltip\">{tip}</span></sup>",
                wj = super::citations::WORD_JOINER,
                slug = escape_html(&slug),
                n = super::citations::backref_label(note.number.unwrap_or(1) - 1),
                tip = escape_html(&self.previews[i]),
            );
            result.push((Event::InlineHtml(CowStr::from(html)), r));
        }
        result
    }
}

/// `[^label]` left as text means pulldown-cmark found no definition for it.
fn report_undefined(events: &[Spanned<'_>], cx: &mut PassContext<'_>) {
    let mut depth = 0usize;
    for (e, r) in events {
        match e {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => depth += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => depth = depth.saturating_sub(1),
            Event::Text(t) if depth == 0 => {
                let mut rest: &str = t;
                while let Some(i) = rest.find("[^") {
                    let after = &rest[i + 2..];
                    let Some(end) = after.find(']') else { break };
                    let label = &after[..end];
                    if !label.is_empty() && !label.contains(char::is_whitespace) {
                        let raw = cx.doc.file.body().get(r.clone()).unwrap_or("");
                        let needle = format!("[^{label}]");
                        let escaped = raw.find(&needle).is_some_and(|j| raw[..j].ends_with('\\'));
                        if !escaped {
                            let at = raw.find(&needle).map_or(r.start, |j| r.start + j);
                            cx.error(
                                format!("footnote `[^{label}]` is not defined"),
                                &(at..at + needle.len()),
                            );
                        }
                    }
                    rest = &after[end..];
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::markdown::test_util::render;

    #[test]
    fn numbered_by_first_use_with_backlinks() {
        let r = render("B[^b] then A[^a] and B again[^b].\n\n[^a]: Note A.\n[^b]: Note B.\n");
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
        let b = r.html.find("id=\"fn-b\"").unwrap();
        let a = r.html.find("id=\"fn-a\"").unwrap();
        assert!(b < a, "b is used first: {}", r.html);
        assert!(r.html.contains("href=\"#fnref-b-2\""), "{}", r.html);
        assert!(r.html.contains("id=\"fnref-b-1\"><a href=\"#fn-b\""));
        assert!(r.html.contains(">Note A.</span>"), "preview: {}", r.html);
    }

    #[test]
    fn undefined_and_unused() {
        let r = render("Text[^missing].\n\n[^unused]: Never used.\n");
        let messages: Vec<_> = r
            .diagnostics
            .iter()
            .map(|d| (d.is_error(), d.message.clone()))
            .collect();
        assert!(
            messages.contains(&(true, "footnote `[^missing]` is not defined".into())),
            "{messages:?}"
        );
        assert!(messages.contains(&(
            false,
            "footnote `[^unused]` is defined but never referenced".into()
        )));
    }

    #[test]
    fn code_is_not_a_footnote() {
        let r = render("Use `[^x]` literally.\n");
        assert!(r.diagnostics.is_empty());
    }
}
