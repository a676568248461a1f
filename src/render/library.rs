//! The [`Library`] of a site: the sources, glossary terms and entities
//! that the Markdown passes resolve against, made from the resolved
//! [`Site`] where rendering starts (the passes themselves never see the
//! site).
//!
//! It is made in two steps, [`LibraryInput`] (plain data, with a cache
//! key) and then the library built from it, so that the key of what the
//! passes read is the hash of exactly what they are given.

use crate::key::{Key, KeyHasher};
use crate::markdown::{Library, SourceInfo, entities, glossary};
use crate::site::{Collection, Site};

/// Everything a [`Library`] is built from.
pub struct LibraryInput {
    sources: Vec<(String, SourceInfo)>,
    terms: Vec<glossary::TermInfo>,
    /// Each spelling of a term (its name and aliases) and its index.
    names: Vec<(String, usize)>,
    /// Id, title, aliases and URL of each entity.
    entities: Vec<(String, String, Vec<String>, String)>,
    autolink_entities: bool,
}

impl LibraryInput {
    /// The hash of the whole input but the contents of the sources' texts
    /// (whether a source has one is in it): each body's key adds the texts
    /// it may read ([`LibraryInput::text_keys`]).
    pub fn key(&self) -> Key {
        let mut h = KeyHasher::new("library");
        for (id, info) in &self.sources {
            let without_text = SourceInfo {
                text: None,
                ..info.clone()
            };
            h.add(id).add(&without_text).add(&info.text.is_some());
        }
        h.add(&self.terms)
            .add(&self.names)
            .add(&self.entities)
            .add(&self.autolink_entities);
        h.key()
    }

    /// The hash of each source's text, by source id (sources without one
    /// are not in it).
    pub fn text_keys(&self) -> std::collections::BTreeMap<String, Key> {
        self.sources
            .iter()
            .filter_map(|(id, info)| {
                let text = info.text.as_ref()?;
                Some((id.clone(), KeyHasher::new("text").add(&**text).key()))
            })
            .collect()
    }

    pub fn build(self) -> Library {
        Library {
            sources: self.sources.into_iter().collect(),
            terms: glossary::TermMatcher::new(self.terms, self.names),
            entities: entities::EntityIndex::new(self.entities, self.autolink_entities),
        }
    }
}

/// The library of `site`.
pub fn library(site: &Site) -> Library {
    library_input(site).build()
}

/// What the library of `site` is made from.
pub fn library_input(site: &Site) -> LibraryInput {
    let sources = site
        .sources
        .items
        .iter()
        .map(|item| {
            let m = &item.parsed.meta;
            let path = Collection::Sources.item_path(&item.id);
            let info = SourceInfo {
                title: m.title.clone(),
                short: m.short.clone().unwrap_or_else(|| m.title.clone()),
                pages: m.pages,
                url: m.url.clone(),
                pdf: m.pdf.clone(),
                pdf_page_offset: m.pdf_page_offset,
                text: site.text(&item.id).map(|t| t.text.clone()),
                permalink: site.config.permalink(&path),
                path,
            };
            (item.id.clone(), info)
        })
        .collect();
    let mut names = Vec::new();
    for (i, item) in site.glossary.items.iter().enumerate() {
        let m = &item.parsed.meta;
        names.push((m.term.clone(), i));
        names.extend(m.aliases.iter().map(|a| (a.clone(), i)));
    }
    let entities = site
        .entities
        .items
        .iter()
        .map(|item| {
            let m = &item.parsed.meta;
            (
                item.id.clone(),
                m.title.clone(),
                m.aliases.clone(),
                site.config
                    .permalink(&Collection::Entities.item_path(&item.id)),
            )
        })
        .collect();
    LibraryInput {
        sources,
        terms: term_infos(site),
        names,
        entities,
        autolink_entities: site.config.autolink_entities,
    }
}

/// The glossary terms of a site, in the order of `site.glossary.items`.
pub fn term_infos(site: &Site) -> Vec<glossary::TermInfo> {
    let glossary_url = site.config.permalink(&Collection::Glossary.index_path());
    site.glossary
        .items
        .iter()
        .map(|item| {
            let m = &item.parsed.meta;
            let href = match &m.entity {
                Some(e) => site.config.permalink(&Collection::Entities.item_path(e)),
                None => format!("{glossary_url}#{}", crate::text::slugify(&item.id)),
            };
            glossary::TermInfo {
                id: item.id.clone(),
                term: m.term.clone(),
                expansion: m.expansion.clone(),
                href,
            }
        })
        .collect()
}
