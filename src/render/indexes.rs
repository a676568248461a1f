//! The site-wide indexes that listings show: for each page of each source,
//! the places that cite it; for each glossary term, the pages that use it;
//! for each entity, the places that mention it.
//!
//! Each is the concatenation, in the site's document order (path, then
//! title), of what every body contributes ([`Contribution`]). A build makes
//! them once ([`Indexes::new`]); `serve` swaps the contribution of an edited
//! body for its new one ([`Indexes::replace`]) and learns which listings
//! changed, without reading the other bodies.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use super::sources::{Claim, ClaimIndex, ClaimPassage};
use super::views::{MentionGroup, Place, UsedOn};
use super::{Bodies, DocRef};
use crate::key::{Key, KeyHasher};
use crate::markdown::glossary::TermInfo;
use crate::site::Site;

/// The indexes of a site, as every listing template reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct Indexes {
    /// Source id → page label → claims.
    pub claims: ClaimIndex,
    /// Per glossary term: the content pages that use it.
    pub term_pages: Vec<Vec<UsedOn>>,
    /// Per glossary term: where its mentions link.
    pub terms: Vec<TermInfo>,
    /// Per entity: the places that mention it, grouped by page.
    pub mentions: Vec<Vec<Arc<MentionGroup>>>,
    /// Where the indexes are made of contributions with keys: the key of
    /// what they list of each source and each entity.
    pub keys: Option<IndexKeys>,
}

/// The key of what [`Indexes`] list of each source (`claims`) and each
/// entity (`mentions`): made of the keys of the contributions that add to
/// the list, in order, so that a source or entity whose list an edit left
/// alone keeps its key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexKeys {
    /// Source id → key (a source no claim cites has none).
    pub claims: HashMap<String, Key>,
    /// Per entity.
    pub mentions: Vec<Key>,
}

/// What one body adds to the indexes.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Contribution {
    /// The document's place in the order: its path, then its title.
    path: String,
    title: String,
    /// Source id, page number, claim; in the order of the markers.
    claims: Vec<(String, String, Arc<Claim>)>,
    /// Glossary terms it uses (content pages only), each once, and the entry.
    terms: Vec<(usize, UsedOn)>,
    /// Per entity it mentions, its places (in entity order).
    mentions: Vec<(usize, Arc<MentionGroup>)>,
}

/// How much of a block before a citation is read for its sentence, in bytes.
const CLAIM_WINDOW: usize = 2_000;

/// The sentence of a block (starting at byte `start` of `body`) that ends
/// with the citation at `marker`, as plain text; the block's first
/// sentence when the marker opens it.
fn claim_sentence(body: &str, start: usize, marker: usize) -> String {
    // Of a long block, only the text just before the marker (from a space):
    // the sentence is cut to 240 characters anyway, and a block with
    // thousands of citations is then read once for each, not in full.
    let block = start;
    let mut start = start;
    if marker > start + CLAIM_WINDOW {
        let from = (marker - CLAIM_WINDOW..marker)
            .find(|&i| body.is_char_boundary(i) && body[i..].starts_with(' '))
            .unwrap_or(marker);
        start = from;
    }
    let before = crate::markdown::blocks::plain_words(body.get(start..marker).unwrap_or(""));
    let before = before.trim_end();
    // The sentence that ends here: after the last sentence end before it.
    let head = before.trim_end_matches(['.', '!', '?', ',', ';', ':']);
    let cut = [". ", "! ", "? "]
        .iter()
        .filter_map(|e| head.rfind(e))
        .max()
        .map_or(0, |i| i + 2);
    let s = before[cut..].trim();
    let s = if s.is_empty() {
        // The block's first sentence (plain text stops at 2,000 bytes; the
        // markup read for it is bounded too).
        let mut end = (block + 4 * CLAIM_WINDOW).min(body.len());
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        let whole = crate::markdown::blocks::plain_words(body.get(block..end).unwrap_or(""));
        let end = whole.find(". ").map_or(whole.len(), |i| i + 1);
        whole[..end].trim().to_string()
    } else {
        s.to_string()
    };
    if s.chars().count() > 240 {
        let cut: String = s.chars().take(237).collect();
        let cut = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
        format!("{cut} …")
    } else {
        s
    }
}

impl Contribution {
    /// What `doc` adds to the indexes of `site`.
    pub fn of(site: &Site, doc: &DocRef<'_>) -> Self {
        let rendered = doc.rendered;
        let permalink = site.config.permalink(&doc.path);

        let mut claims = Vec::new();
        let body = doc.file.body();
        // The quoted phrases of the body, by the marker they rest on.
        let mut phrases: Vec<Vec<&crate::markdown::quotes::QuoteUse>> =
            vec![Vec::new(); rendered.citation_uses.len()];
        for q in &rendered.quotes {
            if let Some(list) = phrases.get_mut(q.citation_use) {
                list.push(q);
            }
        }
        let blocks = crate::markdown::BlockIndex::new(&rendered.blocks);
        for (k, u) in rendered.citation_uses.iter().enumerate() {
            let c = &rendered.citations[u.citation];
            let heading = rendered.heading_at(u.offset);
            let block = blocks.at(u.offset);
            let link = format!("{permalink}#{}", u.marker);
            let block_link =
                block.map_or_else(|| link.clone(), |b| format!("{permalink}#{}", b.id));
            let mut excerpt = block
                .map(|b| claim_sentence(body, b.range.start, u.offset))
                .unwrap_or_default();
            if site.config.markdown.smart_punctuation {
                excerpt = crate::text::smart_punctuation(&excerpt).into_owned();
            }
            // The quotes it rests on: the citation's own, and the quoted
            // phrases of the text before this marker.
            let quoted: Vec<(&str, ClaimPassage)> = c
                .quote_page
                .as_deref()
                .zip(c.passage_id.as_ref().zip(c.quote.as_ref()))
                .map(|(page, (id, q))| {
                    (
                        page,
                        ClaimPassage {
                            id: id.clone(),
                            quote: q.clone(),
                        },
                    )
                })
                .into_iter()
                .chain(phrases[k].iter().map(|q| {
                    (
                        q.page.as_str(),
                        ClaimPassage {
                            id: q.passage_id.clone(),
                            quote: q.text.clone(),
                        },
                    )
                }))
                .collect();
            for label in c.pages.labels() {
                claims.push((
                    c.source.clone(),
                    label.clone(),
                    Arc::new(Claim {
                        page_title: doc.title.clone(),
                        page_path: doc.path.clone(),
                        link: link.clone(),
                        heading_id: heading.map(|h| h.id.clone()),
                        heading_title: heading.map(|h| h.title.clone()),
                        quote: c.quote.clone(),
                        page_label: c.page_label.clone(),
                        number: c.number,
                        block_link: block_link.clone(),
                        excerpt: excerpt.clone(),
                        passages: quoted
                            .iter()
                            .filter(|(p, _)| *p == label)
                            .map(|(_, q)| q.clone())
                            .collect(),
                    }),
                ));
            }
        }

        let mut terms: Vec<(usize, UsedOn)> = Vec::new();
        if doc.is_content {
            let mut seen = BTreeSet::new();
            for u in &rendered.term_uses {
                if seen.insert(u.term) {
                    terms.push((
                        u.term,
                        UsedOn {
                            title: doc.title.clone(),
                            path: doc.path.clone(),
                            permalink: permalink.clone(),
                        },
                    ));
                }
            }
        }

        let mut by_entity: BTreeMap<usize, Vec<Place>> = BTreeMap::new();
        for m in &rendered.mentions {
            let block = blocks.at(m.offset);
            let heading = rendered.heading_at(m.offset);
            let anchor = block
                .map(|b| b.id.as_str())
                .or(heading.map(|h| h.id.as_str()));
            by_entity.entry(m.entity).or_default().push(Place {
                link: match anchor {
                    Some(a) => format!("{permalink}#{a}"),
                    None => permalink.clone(),
                },
                block_id: block.map(|b| b.id.clone()),
                heading_id: heading.map(|h| h.id.clone()),
                heading_title: heading.map(|h| h.title.clone()),
                excerpt: m.excerpt.clone(),
            });
        }
        let mentions = by_entity
            .into_iter()
            .map(|(entity, places)| {
                (
                    entity,
                    Arc::new(MentionGroup {
                        title: doc.title.clone(),
                        path: doc.path.clone(),
                        permalink: permalink.clone(),
                        places,
                    }),
                )
            })
            .collect();

        Contribution {
            path: doc.path.clone(),
            title: doc.title.clone(),
            claims,
            terms,
            mentions,
        }
    }
}

impl Indexes {
    /// The indexes of every body of `site`.
    pub fn new(site: &Site, bodies: &Bodies) -> Self {
        let mut indexes = Indexes::empty(site);
        // Documents come in order: each contribution goes at the end. (One
        // thread: made on many, the index's small strings scatter over the
        // allocator's arenas, and the build's peak memory grows by 7%.)
        for doc in bodies.documents(site) {
            indexes.append(&Contribution::of(site, &doc));
        }
        indexes
    }

    /// The indexes made of what each document contributes, each with the
    /// key of what it holds, the documents in the order of
    /// [`super::Bodies::documents`]; with the [`IndexKeys`] made of those
    /// keys.
    pub fn of_contributions<'c>(
        site: &Site,
        list: impl IntoIterator<Item = (Key, &'c Contribution)>,
    ) -> Self {
        let mut indexes = Indexes::empty(site);
        let mut claims: HashMap<String, KeyHasher> = HashMap::new();
        let mut mentions = vec![KeyHasher::new("mentions"); site.entities.items.len()];
        for (holds, c) in list {
            for (source, ..) in &c.claims {
                claims
                    .entry(source.clone())
                    .or_insert_with(|| KeyHasher::new("claims"))
                    .add(&holds);
            }
            for (entity, _) in &c.mentions {
                mentions[*entity].add(&holds);
            }
            indexes.append(c);
        }
        indexes.keys = Some(IndexKeys {
            claims: claims.into_iter().map(|(s, h)| (s, h.key())).collect(),
            mentions: mentions.iter().map(KeyHasher::key).collect(),
        });
        indexes
    }

    fn empty(site: &Site) -> Self {
        Indexes {
            claims: ClaimIndex::new(),
            term_pages: vec![Vec::new(); site.glossary.items.len()],
            terms: super::term_infos(site),
            mentions: vec![Vec::new(); site.entities.items.len()],
            keys: None,
        }
    }

    /// Puts a document's entries at the end of every list (documents come
    /// in order).
    /// (What it shares with the contribution, claims and mentions, is
    /// shared, not copied: a kept contribution is appended again on every
    /// rebuild that changes the indexes.)
    fn append(&mut self, c: &Contribution) {
        for (source, n, claim) in &c.claims {
            if !self.claims.contains_key(source) {
                self.claims.insert(source.clone(), BTreeMap::new());
            }
            let pages = self.claims.get_mut(source).expect("inserted above");
            if !pages.contains_key(n) {
                pages.insert(n.clone(), Vec::new());
            }
            pages
                .get_mut(n)
                .expect("inserted above")
                .push(claim.clone());
        }
        for (term, used) in &c.terms {
            self.term_pages[*term].push(used.clone());
        }
        for (entity, group) in &c.mentions {
            self.mentions[*entity].push(group.clone());
        }
    }
}
