//! Pass: the links an author wrote.
//!
//! Records every Markdown link and image destination with its place, before
//! any other pass adds links of its own, so the build can check each internal
//! link against the site's pages and anchors (see [`crate::anchors`]). The
//! events pass through unchanged.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Tag};

use super::{Pass, PassContext, Spanned};

/// A link destination written in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub dest: String,
    /// Byte range of the link in the body.
    pub range: Range<usize>,
    pub image: bool,
}

pub struct Links;

impl Pass for Links {
    fn name(&self) -> &'static str {
        "links"
    }

    fn run<'a>(&self, events: Vec<Spanned<'a>>, cx: &mut PassContext<'_>) -> Vec<Spanned<'a>> {
        for (e, range) in &events {
            match e {
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    ..
                }) if !matches!(link_type, LinkType::WikiLink { .. }) => cx.out.links.push(Link {
                    dest: dest_url.to_string(),
                    range: range.clone(),
                    image: false,
                }),
                Event::Start(Tag::Image { dest_url, .. }) => cx.out.links.push(Link {
                    dest: dest_url.to_string(),
                    range: range.clone(),
                    image: true,
                }),
                _ => {}
            }
        }
        events
    }
}
