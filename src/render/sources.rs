//! The reverse index of citations: for each source and each of its pages,
//! every place on the site that cites it, so a reader can ask "what on this
//! site rests on page 4?" ([`super::indexes`] builds it).

use std::collections::BTreeMap;

use serde::Serialize;

/// One place on the site that cites a page of a source.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// The paragraph (or other block) that makes the claim, on its page:
    /// the permalink and the block's id (the marker's where it has none).
    pub block_link: String,
    /// The sentence of that block that the citation ends, as plain text.
    pub excerpt: String,
    /// The passages of this page of the source that the claim quotes.
    pub passages: Vec<ClaimPassage>,
}

/// A passage of a source that a claim quotes: its id on the source's page
/// and the quote as the site gives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimPassage {
    pub id: String,
    pub quote: String,
}

/// Source id → page label (`4`, `cover`) → claims (in site order: page
/// path, then position).
pub type ClaimIndex = BTreeMap<String, BTreeMap<String, Vec<std::sync::Arc<Claim>>>>;
