//! Pass: heading ids, self-links and the table of contents.
//!
//! Every heading gets an id: the author's `{#id}` if given, else the slug of
//! its text. Explicit ids are reserved first, so a generated id never takes
//! one; a generated id already in use gets `-1`, `-2`, …. Each heading ends
//! with a visible `#` link to itself.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::{Heading, Pass, PassContext, Spanned, TocEntry, UniqueIds, plain_text};
use crate::text::{escape_html, slugify};

pub struct Headings;

/// Ids of the lists the theme puts under the article; generated heading ids avoid them.
pub const RESERVED: [&str; 2] = ["references", "footnotes"];

impl Pass for Headings {
    fn name(&self) -> &'static str {
        "headings"
    }

    fn run<'a>(&self, events: Vec<Spanned<'a>>, cx: &mut PassContext<'_>) -> Vec<Spanned<'a>> {
        // Ids the theme gives to the lists under the article.
        let mut used = UniqueIds::new(RESERVED.iter().map(|s| s.to_string()));
        for (e, range) in &events {
            if let Event::Start(Tag::Heading { id: Some(id), .. }) = e
                && !used.insert(id.to_string())
            {
                cx.warn(
                    format!("the heading id `{id}` is used twice on this page"),
                    range,
                );
            }
        }

        let mut out = Vec::with_capacity(events.len() + 8);
        let mut flat: Vec<(u8, String, String)> = Vec::new();
        let mut iter = events.into_iter();
        while let Some((event, range)) = iter.next() {
            let Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) = event
            else {
                out.push((event, range));
                continue;
            };
            let mut inner = Vec::new();
            for (e, r) in iter.by_ref() {
                if matches!(e, Event::End(TagEnd::Heading(_))) {
                    break;
                }
                inner.push((e, r));
            }
            let title = plain_text(&inner).trim().to_string();
            let id = match id {
                Some(id) => id.to_string(),
                None => {
                    let base = slugify(&title);
                    used.take(if base.is_empty() { "section" } else { &base }, 1)
                }
            };
            let mut open = format!("<{level} id=\"{}\"", escape_html(&id));
            if !classes.is_empty() {
                let classes: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
                open.push_str(&format!(" class=\"{}\"", escape_html(&classes.join(" "))));
            }
            for (k, v) in &attrs {
                open.push_str(&format!(
                    " {}=\"{}\"",
                    escape_html(k),
                    escape_html(v.as_deref().unwrap_or(""))
                ));
            }
            open.push('>');
            let close = format!(
                " <a class=\"heading-anchor\" href=\"#{id}\" aria-label=\"Link to this section: {title}\">#</a></{level}>\n",
                id = escape_html(&id),
                title = escape_html(&title),
            );
            let offset = range.start;
            out.push((Event::Html(open.into()), range.clone()));
            out.extend(inner);
            out.push((Event::Html(close.into()), range));
            flat.push((level as u8, id.clone(), title.clone()));
            cx.out.headings.push(Heading {
                level: level as u8,
                id,
                title,
                offset,
            });
        }
        cx.out.toc = nest(flat);
        out
    }
}

/// Builds the nested table of contents from headings in document order.
fn nest(flat: Vec<(u8, String, String)>) -> Vec<TocEntry> {
    fn place(list: &mut Vec<TocEntry>, entry: TocEntry) {
        match list.last_mut() {
            Some(last) if last.level < entry.level => place(&mut last.children, entry),
            _ => list.push(entry),
        }
    }
    let mut toc = Vec::new();
    for (level, id, title) in flat {
        place(
            &mut toc,
            TocEntry {
                level,
                id,
                title,
                children: Vec::new(),
            },
        );
    }
    toc
}

#[cfg(test)]
mod tests {
    use crate::markdown::test_util::render;

    #[test]
    fn ids_are_unique_and_explicit_ids_win() {
        let r = render("# Intro\n\n## Intro\n\n## Intro\n\n## Other {#intro-1}\n");
        assert!(r.html.contains("<h1 id=\"intro\">"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"intro-2\">"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"intro-3\">"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"intro-1\">Other"), "{}", r.html);
        assert!(r.html.contains("href=\"#intro-1\""));
    }

    #[test]
    fn toc_is_nested() {
        let r = render("## A\n\n### A1\n\n### A2\n\n## B\n\n#### B deep\n");
        let titles: Vec<_> = r.toc.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["A", "B"]);
        assert_eq!(r.toc[0].children.len(), 2);
        assert_eq!(r.toc[1].children[0].id, "b-deep");
    }

    #[test]
    fn inline_markup_is_kept_and_slugged_by_text() {
        let r = render("## The `48h` *rule*\n");
        assert!(
            r.html
                .contains("<h2 id=\"the-48h-rule\">The <code>48h</code> <em>rule</em>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn duplicate_explicit_id_warns() {
        let r = render("## A {#x}\n\n## B {#x}\n");
        assert_eq!(r.diagnostics.len(), 1);
        assert!(r.diagnostics[0].message.contains("`x`"));
    }
}
