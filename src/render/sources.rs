//! The reverse index of citations: for each source and each of its pages,
//! every place on the site that cites it, so a reader can ask "what on this
//! site rests on page 4?".

use std::collections::BTreeMap;

use serde::Serialize;

use super::DocRef;
use crate::site::Site;

/// One place on the site that cites a page of a source.
#[derive(Debug, Clone, Serialize)]
pub struct Claim {
    pub page_title: String,
    pub page_path: String,
    /// The exact place: the citing page's permalink and the marker's id.
    pub link: String,
    /// The section of the citing page it stands in, if any.
    pub heading_id: Option<String>,
    pub heading_title: Option<String>,
    pub quote: Option<String>,
    /// `p. 4` or `pp. 3–4`, as cited.
    pub page_label: String,
    /// The number of the citation on the citing page.
    pub number: usize,
}

/// Source id → page number → claims (in site order: page path, then position).
pub type ClaimIndex = BTreeMap<String, BTreeMap<u32, Vec<Claim>>>;

pub fn reverse_index(site: &Site, docs: &[DocRef<'_>]) -> ClaimIndex {
    let mut index = ClaimIndex::new();
    for doc in docs {
        let rendered = doc.rendered;
        let permalink = site.config.permalink(&doc.path);
        for u in &rendered.citation_uses {
            let c = &rendered.citations[u.citation];
            let heading = rendered.heading_at(u.offset);
            for n in c.pages.start..=c.pages.end {
                index
                    .entry(c.source.clone())
                    .or_default()
                    .entry(n)
                    .or_default()
                    .push(Claim {
                        page_title: doc.title.clone(),
                        page_path: doc.path.clone(),
                        link: format!("{permalink}#{}", u.marker),
                        heading_id: heading.map(|h| h.id.clone()),
                        heading_title: heading.map(|h| h.title.clone()),
                        quote: c.quote.clone(),
                        page_label: c.page_label.clone(),
                        number: c.number,
                    });
            }
        }
    }
    index
}
