//! Pass: what raw HTML may not do.
//!
//! Raw HTML is allowed in a body, but not what would be an injection or
//! break under the site's Content-Security-Policy (no inline scripts): a
//! `<script>` element, an event-handler attribute (`onclick=`, `onload=`,
//! …: every attribute named `on` and letters, as browsers may add events),
//! or a `javascript:` URL, in raw HTML or as a Markdown link or image
//! target. Each is a build error at its place. The events pass through
//! unchanged. It runs before any pass writes HTML of its own.

use std::ops::Range;

use pulldown_cmark::{Event, Tag};

use super::{Pass, PassContext, Spanned};

pub struct RawHtml;

/// Attributes that take a URL.
const URL_ATTRIBUTES: [&str; 7] = [
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "data",
];

impl Pass for RawHtml {
    fn name(&self) -> &'static str {
        "raw HTML"
    }

    fn run<'a>(&self, events: Vec<Spanned<'a>>, cx: &mut PassContext<'_>) -> Vec<Spanned<'a>> {
        // An HTML block arrives a line an event: its lines are read as one.
        let mut block: Vec<(usize, &str, Range<usize>)> = Vec::new();
        let mut text = String::new();
        for (event, range) in &events {
            match event {
                Event::Html(h) => {
                    block.push((text.len(), h.as_ref(), range.clone()));
                    text.push_str(h);
                    continue;
                }
                Event::InlineHtml(h) => check_html(h, &[(0, range.clone())], cx),
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                    if is_script_url(dest_url) =>
                {
                    cx.error(
                        format!("a `javascript:` link (`{dest_url}`) would run code in the reader's browser; link to a page or file instead"),
                        range,
                    );
                }
                _ => {}
            }
            if !block.is_empty() {
                let pieces: Vec<(usize, Range<usize>)> =
                    block.drain(..).map(|(at, _, r)| (at, r)).collect();
                check_html(&text, &pieces, cx);
                text.clear();
            }
        }
        if !block.is_empty() {
            let pieces: Vec<(usize, Range<usize>)> =
                block.drain(..).map(|(at, _, r)| (at, r)).collect();
            check_html(&text, &pieces, cx);
        }
        events
    }
}

/// Whether a URL would run script: `javascript:` in any case, with the
/// white space and control characters browsers ignore.
fn is_script_url(url: &str) -> bool {
    let plain: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(11)
        .collect::<String>()
        .to_ascii_lowercase();
    plain.starts_with("javascript:")
}

/// Checks the tags of `html`; `pieces` are where its parts start in it and
/// their ranges in the body (for the error's place).
fn check_html(html: &str, pieces: &[(usize, Range<usize>)], cx: &mut PassContext<'_>) {
    let place = |at: usize| -> Range<usize> {
        let i = pieces.partition_point(|(start, _)| *start <= at);
        match i.checked_sub(1).map(|i| &pieces[i]) {
            Some((start, r)) => {
                let o = (r.start + at - start).min(r.end.saturating_sub(1).max(r.start));
                o..o + 1
            }
            None => 0..0,
        }
    };
    for (at, tag) in tags(html) {
        let lower = tag.to_ascii_lowercase();
        let name: String = lower[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if name == "script" {
            cx.error(
                "a `<script>` in the text: the site's Content-Security-Policy allows no inline script, and a script in content is an injection; put scripts in the theme's files",
                &place(at),
            );
            continue;
        }
        for (attr, value) in attributes(&tag[1 + name.len()..]) {
            let a = attr.to_ascii_lowercase();
            if a.len() > 2 && a.starts_with("on") && a[2..].chars().all(|c| c.is_ascii_alphabetic())
            {
                cx.error(
                    format!("an event-handler attribute (`{attr}=`) in the text: inline script is not allowed; remove it"),
                    &place(at),
                );
            } else if URL_ATTRIBUTES.contains(&a.as_str()) && value.is_some_and(is_script_url) {
                cx.error(
                    format!("a `javascript:` URL in the `{attr}` attribute would run code in the reader's browser"),
                    &place(at),
                );
            }
        }
    }
}

/// The start tags of `html` (`<name …>`), with their offsets; comments and
/// closing tags are skipped; quoted `>` do not end a tag.
fn tags(html: &str) -> Vec<(usize, &str)> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"<!--") {
            i = memchr::memmem::find(&b[i..], b"-->").map_or(b.len(), |j| i + j + 3);
            continue;
        }
        if b[i] == b'<' && b.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic()) {
            let mut j = i + 1;
            let mut quote: Option<u8> = None;
            while j < b.len() {
                match (quote, b[j]) {
                    (None, b'"' | b'\'') => quote = Some(b[j]),
                    (Some(q), c) if c == q => quote = None,
                    (None, b'>') => break,
                    _ => {}
                }
                j += 1;
            }
            let end = (j + 1).min(b.len());
            out.push((i, &html[i..end]));
            i = end;
            continue;
        }
        i += 1;
    }
    out
}

/// The attributes of a tag after its name: (name, value).
fn attributes(rest: &str) -> Vec<(&str, Option<&str>)> {
    let b = rest.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let skip_space = |i: &mut usize| {
        while *i < b.len() && (b[*i].is_ascii_whitespace() || b[*i] == b'/') {
            *i += 1;
        }
    };
    loop {
        skip_space(&mut i);
        if i >= b.len() || b[i] == b'>' {
            break;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = &rest[start..i];
        let mut j = i;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = None;
        if j < b.len() && b[j] == b'=' {
            j += 1;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                let q = b[j];
                let from = j + 1;
                let to = rest[from..]
                    .find(q as char)
                    .map_or(rest.len(), |k| from + k);
                value = Some(&rest[from..to]);
                j = (to + 1).min(rest.len());
            } else {
                let from = j;
                while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                    j += 1;
                }
                value = Some(&rest[from..j]);
            }
        }
        if name.is_empty() {
            i = j.max(i + 1);
            continue;
        }
        out.push((name, value));
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::markdown::test_util::render;

    fn errors(body: &str) -> Vec<String> {
        render(body)
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.render())
            .collect()
    }

    #[test]
    fn scripts_handlers_and_script_urls_are_errors() {
        assert_eq!(errors("<script>alert(1)</script>\n").len(), 1);
        assert_eq!(
            errors("Text <SCRIPT src=\"x.js\"></SCRIPT> inline.\n").len(),
            1
        );
        assert_eq!(
            errors("<div\n  class=\"a\"\n  onclick=\"go()\">x</div>\n").len(),
            1
        );
        assert_eq!(errors("An <img src=x onerror=alert(1)> image.\n").len(), 1);
        assert_eq!(errors("<a href=\" JavaScript:alert(1)\">x</a>\n").len(), 1);
        assert_eq!(
            errors("[x](javascript:alert(1)) and ![y](javascript:void(0))\n").len(),
            2
        );
        let e = errors("Line one.\n\n<p onmouseover='x()'>hover</p>\n");
        assert!(e[0].contains(":3:1"), "{e:?}");
    }

    #[test]
    fn other_raw_html_is_allowed() {
        for ok in [
            "<abbr title=\"online = yes\">on</abbr> turn on = off\n",
            "<a href=\"https://example.com/javascript:\">x</a>\n",
            "<details><summary>More</summary>Text</details>\n",
            "<!-- <script>old</script> -->\n",
            "`<script>` in code is text.\n\n```html\n<script>alert(1)</script>\n```\n",
            "<span data-online=\"1\">x</span>\n",
            // Characters of several bytes among tags (found by the fuzzer).
            "<!sb$$\u{FFFD}:$ a dir\u{FFFD}\u{FFFD}brh> <é title=\"ü\">x</é>\n",
        ] {
            assert!(errors(ok).is_empty(), "{ok}: {:?}", errors(ok));
        }
    }
}
