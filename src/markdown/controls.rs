//! Pass: control characters.
//!
//! A raw NUL or other C0 control character (but tab, line feed and carriage
//! return) in a body is never written into a page: it becomes U+FFFD, the
//! replacement character, in every text, code and HTML event, with one
//! warning at the first of them that says how many there are. It runs
//! first, so that no other pass sees them.

use pulldown_cmark::{CowStr, Event};

use super::{Pass, PassContext, Spanned};

pub struct Controls;

fn is_bad(c: char) -> bool {
    c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r') || c == '\u{7f}'
}

fn clean(s: CowStr<'_>) -> CowStr<'_> {
    if s.chars().any(is_bad) {
        CowStr::from(
            s.chars()
                .map(|c| if is_bad(c) { '\u{FFFD}' } else { c })
                .collect::<String>(),
        )
    } else {
        s
    }
}

impl Pass for Controls {
    fn name(&self) -> &'static str {
        "controls"
    }

    fn run<'a>(&self, events: Vec<Spanned<'a>>, cx: &mut PassContext<'_>) -> Vec<Spanned<'a>> {
        let body = cx.doc.file.body();
        let Some(first) = body.find(is_bad) else {
            return events;
        };
        let n = body.chars().filter(|&c| is_bad(c)).count();
        cx.warn(
            format!(
                "{n} control character{} (such as U+{:04X}) in the text, shown as �",
                if n == 1 { "" } else { "s" },
                body[first..].chars().next().map_or(0, u32::from)
            ),
            &(first..first + 1),
        );
        events
            .into_iter()
            .map(|(e, r)| {
                let e = match e {
                    Event::Text(t) => Event::Text(clean(t)),
                    Event::Code(t) => Event::Code(clean(t)),
                    Event::Html(t) => Event::Html(clean(t)),
                    Event::InlineHtml(t) => Event::InlineHtml(clean(t)),
                    Event::InlineMath(t) => Event::InlineMath(clean(t)),
                    Event::DisplayMath(t) => Event::DisplayMath(clean(t)),
                    other => other,
                };
                (e, r)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::markdown::test_util::render;

    #[test]
    fn control_characters_become_replacement_characters_with_one_warning() {
        let r = render(
            "A bell\u{7} and a NUL\u{0} here.\n\n`co\u{1}de` and <b title=\"x\u{2}\">html</b>\n\n```\nblock\u{1b}[0m\n```\n",
        );
        assert!(
            !r.html.chars().any(|c| c.is_ascii_control() && c != '\n'),
            "{:?}",
            r.html
        );
        assert!(r.html.contains("bell\u{FFFD}"), "{}", r.html);
        assert!(r.html.contains("co\u{FFFD}de"), "{}", r.html);
        assert!(r.html.contains("block\u{FFFD}[0m"), "{}", r.html);
        assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
        assert_eq!(r.diagnostics[0].line_col(), Some((1, 7)));
        assert!(r.diagnostics[0].render().contains("5 control characters"));
        // A clean body is left alone.
        assert!(render("Tabs\tare fine.\r\n").diagnostics.is_empty());
    }
}
