//! The [`Library`] of a site: the sources, glossary terms and entities
//! that the Markdown passes resolve against, made from the resolved
//! [`Site`] where rendering starts (the passes themselves never see the
//! site).

use crate::markdown::{Library, SourceInfo, entities, glossary};
use crate::site::{Collection, Site};

/// The library of `site`.
pub fn library(site: &Site) -> Library {
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
    Library {
        sources,
        terms: term_matcher(site),
        entities: entity_index(site),
    }
}

fn entity_index(site: &Site) -> entities::EntityIndex {
    let list = site
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
    entities::EntityIndex::new(list, site.config.autolink_entities)
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

fn term_matcher(site: &Site) -> glossary::TermMatcher {
    let mut names = Vec::new();
    for (i, item) in site.glossary.items.iter().enumerate() {
        let m = &item.parsed.meta;
        names.push((m.term.clone(), i));
        names.extend(m.aliases.iter().map(|a| (a.clone(), i)));
    }
    glossary::TermMatcher::new(term_infos(site), names)
}
