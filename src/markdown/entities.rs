//! Pass: entity links.
//!
//! `[[name]]` and `[[name|text]]` (pulldown-cmark's wikilinks, so never in
//! code) resolve by an entity's id, title or alias, in any case, and link to
//! its page. An unknown or ambiguous name is an error that lists the closest
//! names. With `autolink_entities = "first"` in `config.toml`, the first
//! plain-text mention of each entity's title or alias on a page is linked
//! too (same rules and one automaton, as for the glossary). Every link is
//! recorded as a mention, with its place, for the entity's "Mentioned in".

use std::collections::{BTreeMap, BTreeSet, HashSet};

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::glossary::TermMatcher;
use super::{Pass, PassContext, Spanned};
use crate::text::closest_n;

/// The entities of a site, as links resolve them.
#[derive(Debug, Clone, Default)]
pub struct EntityIndex {
    /// Per entity (in `site.entities.items` order): id, title and page URL.
    pub entities: Vec<(String, String, String)>,
    /// Lower-cased id, title or alias → the entities it names.
    names: BTreeMap<String, BTreeSet<usize>>,
    /// Lower-cased id → the entity: an id names its entity even where it is
    /// another entity's title or alias too.
    ids: std::collections::HashMap<String, usize>,
    /// Titles and aliases for `autolink_entities`, when it is on.
    pub autolink: Option<TermMatcher>,
}

impl EntityIndex {
    /// `entities`: (id, title, aliases, page URL) per entity.
    pub fn new(entities: Vec<(String, String, Vec<String>, String)>, autolink: bool) -> Self {
        let mut names: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        let mut spellings = Vec::new();
        for (i, (id, title, aliases, _)) in entities.iter().enumerate() {
            for name in [id, title].into_iter().chain(aliases) {
                names.entry(name.to_lowercase()).or_default().insert(i);
            }
            spellings.push((title.clone(), i));
            spellings.extend(aliases.iter().map(|a| (a.clone(), i)));
        }
        let autolink = autolink.then(|| {
            let infos = entities
                .iter()
                .map(|(id, title, _, url)| super::glossary::TermInfo {
                    id: id.clone(),
                    term: title.clone(),
                    expansion: None,
                    href: url.clone(),
                })
                .collect();
            TermMatcher::new(infos, spellings)
        });
        let ids = entities
            .iter()
            .enumerate()
            .map(|(i, (id, ..))| (id.to_lowercase(), i))
            .collect();
        Self {
            entities: entities
                .into_iter()
                .map(|(id, title, _, url)| (id, title, url))
                .collect(),
            names,
            ids,
            autolink,
        }
    }

    /// The entity a name stands for, or the closest names when there is none
    /// or more than one.
    pub fn resolve(&self, name: &str) -> Result<usize, Resolve> {
        let key = name.trim().to_lowercase();
        if let Some(&i) = self.ids.get(&key) {
            return Ok(i);
        }
        match self.names.get(&key) {
            Some(set) if set.len() == 1 => Ok(*set.iter().next().unwrap_or(&0)),
            Some(set) => Err(Resolve::Ambiguous(
                set.iter().map(|&i| self.entities[i].0.clone()).collect(),
            )),
            None => Err(Resolve::Unknown(
                closest_n(name, self.names.keys().map(String::as_str), 3)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
            )),
        }
    }
}

/// Why a name did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolve {
    /// The closest known names.
    Unknown(Vec<String>),
    /// The ids of the entities it could mean.
    Ambiguous(Vec<String>),
}

/// A link to an entity in a body.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mention {
    /// Index into the entity index.
    pub entity: usize,
    /// Byte offset in the body.
    pub offset: usize,
    /// The link's text.
    pub text: String,
    /// The sentence it stands in, as plain text (see [`Mention::excerpt_of`]).
    pub excerpt: String,
}

impl Mention {
    /// The sentence that holds the mention, in the block it stands in, made
    /// plain ([`super::blocks::plain_words`]): `plain` is that text and
    /// `lower` the same in lower case (one block's mentions share both).
    pub fn excerpt_of(&self, plain: &str, lower: &str) -> String {
        let needle = self.text.trim();
        let at = lower
            .find(&needle.to_lowercase())
            .filter(|&i| plain.is_char_boundary(i) && plain.is_char_boundary(i + needle.len()))
            .unwrap_or(0);
        sentence(plain, at, (at + needle.len()).min(plain.len()))
    }
}

pub struct Entities;

impl Pass for Entities {
    fn name(&self) -> &'static str {
        "entities"
    }

    fn run<'a>(&self, events: Vec<Spanned<'a>>, cx: &mut PassContext<'_>) -> Vec<Spanned<'a>> {
        let mut out: Vec<Spanned<'a>> = Vec::with_capacity(events.len());
        let mut mentioned: HashSet<usize> = HashSet::new();
        let mut skip = 0usize;
        // The text of the current block so far, for excerpts.
        let mut iter = events.into_iter().peekable();
        while let Some((event, range)) = iter.next() {
            match event {
                Event::Start(Tag::Link {
                    link_type: LinkType::WikiLink { .. },
                    dest_url,
                    ..
                }) => {
                    // The link's text, up to its end.
                    let mut inner = Vec::new();
                    for (e, r) in iter.by_ref() {
                        if matches!(e, Event::End(TagEnd::Link)) {
                            break;
                        }
                        inner.push((e, r));
                    }
                    let shown = super::plain_text(&inner);
                    let has_image = inner
                        .iter()
                        .any(|(e, _)| matches!(e, Event::Start(Tag::Image { .. })));
                    if shown.trim().is_empty() && !has_image {
                        cx.error(
                            format!("the link to entity `{dest_url}` has no text: write [[{dest_url}]], or text after the |"),
                            &range,
                        );
                        continue;
                    }
                    match cx.lib.entities.resolve(&dest_url) {
                        Ok(i) => {
                            let (_, title, url) = &cx.lib.entities.entities[i];
                            mentioned.insert(i);
                            cx.out.mentions.push(Mention {
                                entity: i,
                                offset: range.start,
                                text: shown,
                                excerpt: String::new(),
                            });
                            out.push((link_start(url, title), range.clone()));
                            out.extend(inner);
                            out.push((Event::End(TagEnd::Link), range));
                        }
                        Err(why) => {
                            let msg = match why {
                                Resolve::Unknown(near) if near.is_empty() => {
                                    format!(
                                        "unknown entity `{dest_url}`: no entity has this id, title or alias"
                                    )
                                }
                                Resolve::Unknown(near) => format!(
                                    "unknown entity `{dest_url}`: no entity has this id, title or alias; closest: {}",
                                    near.iter()
                                        .map(|n| format!("`{n}`"))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                                Resolve::Ambiguous(ids) => format!(
                                    "ambiguous entity `{dest_url}`: it names {}; link by id, e.g. [[{}]]",
                                    ids.iter()
                                        .map(|n| format!("`{n}`"))
                                        .collect::<Vec<_>>()
                                        .join(" and "),
                                    ids[0]
                                ),
                            };
                            cx.error(msg, &range);
                            out.extend(inner);
                        }
                    }
                }
                Event::Text(text)
                    if skip == 0 && cx.doc.autolink && cx.lib.entities.autolink.is_some() =>
                {
                    autolink(text, range, cx, &mut mentioned, &mut out);
                }
                other => {
                    match &other {
                        Event::Start(
                            Tag::Link { .. } | Tag::Image { .. } | Tag::Heading { .. },
                        ) => skip += 1,
                        Event::End(TagEnd::Link | TagEnd::Image | TagEnd::Heading(_)) => {
                            skip = skip.saturating_sub(1)
                        }
                        _ => {}
                    }
                    out.push((other, range));
                }
            }
        }
        out
    }
}

/// Links the first plain-text mention of each entity not yet linked.
fn autolink<'a>(
    text: CowStr<'a>,
    range: std::ops::Range<usize>,
    cx: &mut PassContext<'_>,
    mentioned: &mut HashSet<usize>,
    out: &mut Vec<Spanned<'a>>,
) {
    let Some(matcher) = &cx.lib.entities.autolink else {
        out.push((Event::Text(text), range));
        return;
    };
    let found: Vec<_> = matcher
        .find(&text)
        .into_iter()
        .filter(|f| mentioned.insert(f.term))
        .collect();
    if found.is_empty() {
        out.push((Event::Text(text), range));
        return;
    }
    super::glossary::splice(&text, &range, &found, out, |f, out| {
        let (_, title, url) = &cx.lib.entities.entities[f.term];
        out.push((link_start(url, title), range.clone()));
        out.push((
            Event::Text(CowStr::from(text[f.start..f.end].to_string())),
            range.clone(),
        ));
        out.push((Event::End(TagEnd::Link), range.clone()));
        cx.out.mentions.push(Mention {
            entity: f.term,
            offset: super::glossary::offset_in(&range, f),
            text: text[f.start..f.end].to_string(),
            excerpt: String::new(),
        });
    });
}

/// The start of a link to an entity page, titled with the entity's title.
fn link_start<'a>(url: &str, title: &str) -> Event<'a> {
    Event::Start(Tag::Link {
        link_type: LinkType::Inline,
        dest_url: CowStr::from(url.to_string()),
        title: CowStr::from(title.to_string()),
        id: CowStr::Borrowed(""),
    })
}

/// The sentence of `text` that holds `start..end`, shortened to about 200 characters.
fn sentence(text: &str, start: usize, end: usize) -> String {
    // Places in the text, on character boundaries.
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (start, end) = (floor(start), floor(end.max(start)));
    let is_end = |s: &str| s.ends_with(". ") || s.ends_with("! ") || s.ends_with("? ");
    let mut from = 0;
    for (i, _) in text[..start].char_indices() {
        if i >= 2 && is_end(&text[..i]) {
            from = i;
        }
    }
    let mut to = text.len();
    for (i, c) in text[end..].char_indices() {
        if matches!(c, '.' | '!' | '?') {
            to = end + i + c.len_utf8();
            break;
        }
    }
    let s = text[from..to].trim();
    if s.chars().count() > 200 {
        // Cut at a word boundary.
        let cut: String = s.chars().take(197).collect();
        let cut = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
        format!("{} …", cut.trim_end())
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(autolink: bool) -> EntityIndex {
        EntityIndex::new(
            vec![
                (
                    "i-soon".into(),
                    "i-Soon".into(),
                    vec!["Anxun".into(), "安洵".into()],
                    "/entities/i-soon/".into(),
                ),
                (
                    "cnnvd".into(),
                    "CNNVD".into(),
                    vec!["the database".into()],
                    "/entities/cnnvd/".into(),
                ),
                (
                    "cnitsec".into(),
                    "CNITSEC".into(),
                    vec!["the database".into()],
                    "/entities/cnitsec/".into(),
                ),
            ],
            autolink,
        )
    }

    #[test]
    fn resolves_by_id_title_alias_in_any_case() {
        let idx = index(false);
        assert_eq!(idx.resolve("i-soon"), Ok(0));
        assert_eq!(idx.resolve("I-SOON"), Ok(0));
        assert_eq!(idx.resolve("anxun"), Ok(0));
        assert_eq!(idx.resolve("安洵"), Ok(0));
        assert_eq!(idx.resolve("cnnvd"), Ok(1));
        assert_eq!(
            idx.resolve("The Database"),
            Err(Resolve::Ambiguous(vec!["cnnvd".into(), "cnitsec".into()]))
        );
        match idx.resolve("cnnvb") {
            Err(Resolve::Unknown(near)) => assert_eq!(near[0], "cnnvd"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn excerpts_of_text_whose_case_changes_its_length() {
        // Lower-casing `İ` takes more bytes: the place found in the lower
        // text is no place in the text (found by the fuzzer).
        let m = Mention {
            entity: 0,
            offset: 0,
            text: "alİİo".into(),
            excerpt: String::new(),
        };
        let plain = "alİİo path = x";
        let excerpt = m.excerpt_of(plain, &plain.to_lowercase());
        assert!(excerpt.starts_with("al"), "{excerpt}");
        assert_eq!(sentence("añb", 2, 2), "añb");
    }

    #[test]
    fn long_sentences_are_cut_at_a_word_boundary() {
        let t = format!("{} i-Soon.", "abcdefgh ".repeat(40));
        let at = t.find("i-Soon").unwrap();
        let s = sentence(&t, at, at + 6);
        assert!(s.ends_with("abcdefgh …"), "{s}");
    }

    #[test]
    fn sentences() {
        let t = "First one. The second sentence names i-Soon here. Third.";
        let at = t.find("i-Soon").unwrap();
        assert_eq!(
            sentence(t, at, at + 6),
            "The second sentence names i-Soon here."
        );
    }
}
