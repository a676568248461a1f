//! What templates see: serializable views of the site model and the rendered
//! bodies. These are the template contract documented in the README.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::config::ConfigView;
use crate::content::PageMeta;
use crate::content::meta::Extra;
use crate::key::{Key, KeyHasher};
use crate::markdown::{Citation, Rendered, TocEntry};
use crate::site::{Collection, Page, PageId, Section, SectionId, Site};

use super::sources::{Claim, ClaimIndex, ClaimPassage};

/// What `<head>` needs of any page: `head` in every template.
#[derive(Debug, Clone, Serialize)]
pub struct HeadView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// Open Graph type: `article` or `website`.
    pub kind: &'a str,
    pub date: Option<&'a str>,
    pub updated: Option<&'a str>,
}

/// A view that can say what its `<head>` holds.
pub trait Head {
    fn head(&self) -> HeadView<'_>;
}

impl DocView<'_> {
    fn head(&self, kind: &'static str) -> HeadView<'_> {
        HeadView {
            title: self.title,
            description: self.description,
            kind,
            date: self.date,
            updated: self.last_updated,
        }
    }
}

impl Head for PageView<'_> {
    fn head(&self) -> HeadView<'_> {
        self.doc.head("article")
    }
}

impl Head for SectionView<'_> {
    fn head(&self) -> HeadView<'_> {
        self.doc.head("website")
    }
}

impl Head for SourceView<'_> {
    fn head(&self) -> HeadView<'_> {
        HeadView {
            title: self.summary.title,
            description: self.summary.publisher.unwrap_or(""),
            kind: "website",
            date: None,
            updated: None,
        }
    }
}

impl Head for EntityView<'_> {
    fn head(&self) -> HeadView<'_> {
        HeadView {
            title: self.summary.title,
            description: &self.summary.description,
            kind: "website",
            date: None,
            updated: None,
        }
    }
}

impl Head for CollectionIndexView<'_> {
    fn head(&self) -> HeadView<'_> {
        HeadView {
            title: self.title,
            description: self.description,
            kind: "website",
            date: None,
            updated: None,
        }
    }
}

/// A link to a page or section.
#[derive(Debug, Serialize)]
pub struct LinkView<'a> {
    pub title: &'a str,
    pub path: &'a str,
    pub permalink: String,
}

/// A page as listed in a section.
#[derive(Debug, Serialize)]
pub struct PageSummary<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub date: Option<&'a str>,
    pub updated: Option<&'a str>,
    pub weight: Option<i64>,
    pub path: &'a str,
    pub permalink: String,
    pub word_count: usize,
    pub reading_time: usize,
    pub extra: &'a Extra,
}

/// What pages and sections share: `page.*` and `section.*` in templates.
#[derive(Debug, Serialize)]
pub struct DocView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub date: Option<&'a str>,
    pub updated: Option<&'a str>,
    /// `updated`, else `date`.
    pub last_updated: Option<&'a str>,
    pub weight: Option<i64>,
    pub path: &'a str,
    pub permalink: String,
    pub content: &'a str,
    pub toc: &'a [TocEntry],
    pub word_count: usize,
    pub reading_time: usize,
    pub aliases: &'a [String],
    pub extra: &'a Extra,
    /// Sections from the home page down to the parent.
    pub ancestors: Vec<LinkView<'a>>,
    /// The reference list, in order of first use.
    pub citations: &'a [Citation],
    /// The reference list grouped by source: each source once, with its
    /// bibliographic entry, in order of first use.
    pub references: Vec<ReferenceGroup<'a>>,
    /// The glossary terms linked on the page, in order of first use.
    pub glossary_terms: Vec<TermSummary<'a>>,
    /// The entities mentioned on the page, in order of first mention.
    pub entities: Vec<EntitySummary<'a>>,
    /// `[anchors]` of the page as JSON (old id → new id), or empty; for the
    /// script that leads old links to their new place.
    pub anchor_map: String,
    /// schema.org JSON-LD for the page (safe to put in a script element).
    pub json_ld: String,
    /// "Cite this": the page's citation in the site's style, BibTeX and RIS.
    pub cite: super::cite::CiteView,
}

/// A source of a reference list and the citations of the page that rest
/// on it (the short-footnote style of long encyclopedia articles).
#[derive(Debug, Serialize)]
pub struct ReferenceGroup<'a> {
    /// The source's id.
    pub source: &'a str,
    /// The group's id on the page: `ref-<source>`.
    pub anchor: String,
    /// The source's short title.
    pub short: &'a str,
    /// Its bibliographic entry in the site's citation style, as HTML and as
    /// plain text.
    pub entry: &'a str,
    pub entry_text: &'a str,
    /// The source's page on this site.
    pub permalink: String,
    /// The citations of the source, in order of their numbers.
    pub citations: Vec<&'a Citation>,
}

/// `page` in `page.html`.
#[derive(Debug, Serialize)]
pub struct PageView<'a> {
    #[serde(flatten)]
    pub doc: DocView<'a>,
    pub slug: &'a str,
    pub draft: bool,
    pub previous: Option<LinkView<'a>>,
    pub next: Option<LinkView<'a>>,
}

/// What the view of a page reads besides what every output shares (the
/// config, the site's navigation and the summaries of its sources, terms
/// and entities, all in the key every output starts from): its own file
/// (its meta is parsed from the front matter), its path and slug, its body,
/// and the links to its neighbours and its sections. Serialized, it is
/// the key of the page's view: `serve` makes it without making the view.
#[derive(Serialize)]
pub struct PageInputs<'a> {
    #[serde(skip)]
    page: &'a Page,
    #[serde(skip)]
    rendered: &'a Rendered,
    front_matter: &'a str,
    path: &'a str,
    slug: &'a str,
    /// The key of what templates show of the body (where bodies are kept
    /// under keys).
    body: Option<Key>,
    previous: Option<LinkView<'a>>,
    next: Option<LinkView<'a>>,
    ancestors: Vec<LinkView<'a>>,
}

impl PageInputs<'_> {
    /// Whether the inputs can stand for the view: the body has a key.
    pub fn has_keys(&self) -> bool {
        self.body.is_some()
    }
}

/// `section` in `index.html` and `section.html`.
#[derive(Debug, Serialize)]
pub struct SectionView<'a> {
    #[serde(flatten)]
    pub doc: DocView<'a>,
    /// Its pages, sorted by its `sort_by`.
    pub pages: Vec<PageSummary<'a>>,
    pub subsections: Vec<LinkView<'a>>,
    /// Whether its body already links every one of its pages (then a theme
    /// need not list them again).
    pub pages_linked_in_body: bool,
}

/// A glossary term, as listed in `glossary` (every template) and in
/// `page.glossary_terms`.
#[derive(Debug, Clone, Serialize)]
pub struct TermSummary<'a> {
    pub id: &'a str,
    pub term: &'a str,
    pub expansion: Option<&'a str>,
    /// The entry's id on the glossary page.
    pub anchor: String,
    /// The entry on the glossary page.
    pub permalink: String,
    /// Where mentions link (the entry, or the entity page the term stands for).
    pub href: &'a str,
}

/// A page that uses something.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsedOn {
    pub title: String,
    pub path: String,
    pub permalink: String,
}

/// An entry of the glossary page.
#[derive(Debug, Serialize)]
pub struct TermEntry<'a> {
    #[serde(flatten)]
    pub summary: TermSummary<'a>,
    pub aliases: &'a [String],
    /// The entity the term stands for: its id and page.
    pub entity: Option<LinkView<'a>>,
    /// The definition, as HTML.
    pub content: &'a str,
    /// The definition's citations.
    pub citations: &'a [Citation],
    /// Those citations grouped by source (ids `ref-<term>-<source>`: the
    /// glossary's entries share one page).
    pub references: Vec<ReferenceGroup<'a>>,
    pub used_on: &'a [UsedOn],
}

/// A source, as listed in `sources` (every template). It holds only what
/// the source's own file says, so that every page does not depend on what
/// the other pages cite.
#[derive(Debug, Serialize)]
pub struct SourceSummary<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub short: &'a str,
    pub publisher: Option<&'a str>,
    pub date: Option<&'a str>,
    pub url: Option<&'a str>,
    pub pdf: Option<&'a str>,
    pub pdf_page_offset: i64,
    pub pages: Option<u32>,
    /// Whether the site has the source's text (quotes are checked).
    pub has_text: bool,
    pub publish_text: bool,
    /// Whether any page of the site cites it (else it is a related
    /// document, listed for context).
    pub cited: bool,
    pub path: String,
    pub permalink: String,
}

/// A source with how often the site cites it: `section.sources` in
/// `sources.html`.
#[derive(Debug, Serialize)]
pub struct SourceEntry<'a> {
    #[serde(flatten)]
    pub summary: SourceSummary<'a>,
    /// How many citations on the site rest on it.
    pub claim_count: usize,
}

/// One page of a source, with what cites it.
#[derive(Debug, Serialize)]
pub struct SourcePageView<'a> {
    /// The page's label: its number, or as the source's text names it
    /// (`cover`, `iv`).
    pub page: String,
    /// `p-N`.
    pub anchor: String,
    /// Every citation of the page, in site order.
    pub claims: &'a [std::sync::Arc<Claim>],
    /// The passages the site quotes from the page (where the source has a
    /// text), each with the claims that rest on it.
    pub passages: Vec<PassageView>,
    /// The claims that quote nothing of the page, one entry per paragraph.
    pub other_claims: Vec<ClaimPlace>,
    /// The PDF at this page, where the source has `pdf`.
    pub pdf_link: Option<String>,
    /// The whole page as HTML paragraphs with the passages marked, when
    /// the source has a text and `publish_text = true` and the page is cited.
    pub text: Option<String>,
}

/// A passage of a source that the site quotes.
#[derive(Debug, Serialize)]
pub struct PassageView {
    /// Its id on the source's page (`q-4-…`): what citations link to.
    pub id: String,
    /// Its sentence of the source, with the quoted words in `<mark>`.
    pub html: String,
    /// The places that quote it, one per paragraph.
    pub claims: Vec<ClaimPlace>,
}

/// A paragraph of the site that cites a page of a source (its citations
/// merged).
#[derive(Debug, Serialize)]
pub struct ClaimPlace {
    /// The paragraph's anchor on its page.
    pub link: String,
    pub page_title: String,
    pub heading_title: Option<String>,
    /// The sentence that the citation ends.
    pub excerpt: String,
    /// The front-matter quotes of its citations, each once.
    pub quotes: Vec<String>,
    /// The citations' numbers on their page, with their markers' links.
    pub citations: Vec<ClaimNumber>,
}

/// One citation of a [`ClaimPlace`].
#[derive(Debug, Serialize)]
pub struct ClaimNumber {
    pub number: usize,
    pub link: String,
    pub page_label: String,
}

impl ClaimPlace {
    /// The claims merged by paragraph, in order of first appearance.
    fn merge<'c>(claims: impl IntoIterator<Item = &'c Claim>) -> Vec<ClaimPlace> {
        let mut out: Vec<ClaimPlace> = Vec::new();
        // Each paragraph's entry in `out` by its link; the markers and the
        // (entry, quote) pairs already there.
        let mut entry: HashMap<&str, usize> = HashMap::new();
        let mut markers: HashSet<&str> = HashSet::new();
        let mut quoted: HashSet<(usize, &str)> = HashSet::new();
        for c in claims {
            let i = *entry.entry(&c.block_link).or_insert_with(|| {
                out.push(ClaimPlace {
                    link: c.block_link.clone(),
                    page_title: c.page_title.clone(),
                    heading_title: c.heading_title.clone(),
                    excerpt: c.excerpt.clone(),
                    quotes: Vec::new(),
                    citations: Vec::new(),
                });
                out.len() - 1
            });
            if markers.insert(&c.link) {
                out[i].citations.push(ClaimNumber {
                    number: c.number,
                    link: c.link.clone(),
                    page_label: c.page_label.clone(),
                });
            }
            if let Some(q) = &c.quote
                && quoted.insert((i, q))
            {
                out[i].quotes.push(q.clone());
            }
        }
        out
    }
}

/// `source` in `source.html`.
#[derive(Debug, Serialize)]
pub struct SourceView<'a> {
    #[serde(flatten)]
    pub summary: SourceSummary<'a>,
    /// How many citations on the site rest on it.
    pub claim_count: usize,
    /// The summary written in the source's file, as HTML.
    pub content: &'a str,
    /// The citations of the summary (a source may cite another).
    pub citations: &'a [Citation],
    /// Those citations grouped by source.
    pub references: Vec<ReferenceGroup<'a>>,
    /// The source's own bibliographic entry in the site's citation style
    /// (HTML).
    pub entry: &'a str,
    pub extra: &'a Extra,
    /// Page by page: every page of the source when its page count is known
    /// (uncited pages with no claims), else the cited pages.
    pub page_index: Vec<SourcePageView<'a>>,
}

/// `section` in the index page of a collection (`glossary.html`, `sources.html`).
#[derive(Debug, Serialize)]
pub struct CollectionIndexView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub path: String,
    pub permalink: String,
    pub extra: Option<&'a Extra>,
    /// The glossary's entries, A to Z (glossary only).
    pub terms: Vec<TermEntry<'a>>,
    /// The entities by kind, kinds and entities A to Z (entities only).
    pub groups: Vec<KindGroup<'a>>,
    /// Every entity A to Z by title, each with its kind and its one-line
    /// description (entities only).
    pub entities: Vec<EntitySummary<'a>>,
    /// The sources, with how often each is cited (sources only).
    pub sources: Vec<SourceEntry<'a>>,
    /// schema.org JSON-LD (a `DefinedTermSet` for the glossary).
    pub json_ld: String,
}

/// `site` in every template: navigation data.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    /// The home page's subsections: the main navigation.
    pub sections: Vec<LinkView<'a>>,
    pub home: LinkView<'a>,
    /// The home page's own pages (such as an "About" or "Methodology"
    /// page), in its order: navigation after the sections.
    pub pages: Vec<LinkView<'a>>,
    /// The collections' index pages that exist (glossary, entities,
    /// sources), each under the title its heading shows.
    pub collections: Vec<CollectionLink<'a>>,
    /// The newest `updated` or `date` of any page or section.
    pub last_updated: Option<&'a str>,
}

/// A collection's index page in the navigation.
#[derive(Debug, Serialize)]
pub struct CollectionLink<'a> {
    /// `glossary`, `entities` or `sources`.
    pub name: &'static str,
    /// The title of its index page (its `_index.md`'s, or the default).
    pub title: &'a str,
    pub path: String,
    pub permalink: String,
}

/// Everything a template needs besides the page itself.
pub struct Views<'a> {
    pub site: &'a Site,
    pub page_bodies: &'a [std::sync::Arc<Rendered>],
    pub section_bodies: &'a [std::sync::Arc<Rendered>],
    pub source_bodies: &'a [std::sync::Arc<Rendered>],
    pub glossary_bodies: &'a [std::sync::Arc<Rendered>],
    pub claims: &'a ClaimIndex,
    /// Per glossary term: the pages that use it.
    pub term_pages: &'a [Vec<UsedOn>],
    /// Per glossary term: where its mentions link.
    pub terms: &'a [crate::markdown::glossary::TermInfo],
    pub entity_bodies: &'a [std::sync::Arc<Rendered>],
    /// Per entity: the places that mention it.
    pub mentions: &'a [Vec<std::sync::Arc<MentionGroup>>],
    /// The keys of what `claims` and `mentions` list, where they have keys.
    pub index_keys: Option<&'a super::indexes::IndexKeys>,
}

/// One place that mentions an entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    /// The exact place: the page's permalink and the block's (or heading's) id.
    pub link: String,
    /// The id of the paragraph, list item, table or quote it stands in.
    pub block_id: Option<String>,
    pub heading_id: Option<String>,
    pub heading_title: Option<String>,
    /// The sentence it stands in.
    pub excerpt: String,
}

/// The mentions of an entity on one page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MentionGroup {
    pub title: String,
    pub path: String,
    pub permalink: String,
    pub places: Vec<Place>,
}

/// An entity, as listed in `entities` (every template), `page.entities` and
/// `entity.related`.
#[derive(Debug, Clone, Serialize)]
pub struct EntitySummary<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub kind: &'a str,
    /// Its `description` (in `section.entities` of `entities.html`, else
    /// the first sentence of its body).
    pub description: std::borrow::Cow<'a, str>,
    pub path: String,
    pub permalink: String,
}

/// `entity` in `entity.html`.
#[derive(Debug, Serialize)]
pub struct EntityView<'a> {
    #[serde(flatten)]
    pub summary: EntitySummary<'a>,
    pub aliases: &'a [String],
    pub content: &'a str,
    pub toc: &'a [TocEntry],
    pub citations: &'a [Citation],
    /// Those citations grouped by source.
    pub references: Vec<ReferenceGroup<'a>>,
    pub extra: &'a Extra,
    /// Entities it lists in `related`, and those that list it, A to Z.
    pub related: Vec<EntitySummary<'a>>,
    pub mentions: &'a [std::sync::Arc<MentionGroup>],
    pub json_ld: String,
}

/// A group of the entities index.
#[derive(Debug, Serialize)]
pub struct KindGroup<'a> {
    pub kind: &'a str,
    pub entities: Vec<EntitySummary<'a>>,
}

static EMPTY_CLAIMS: [std::sync::Arc<Claim>; 0] = [];

/// One page of a source's page: its claims, and, where the source has a
/// text, the passages they quote, each in its sentence (or, with
/// `publish_text`, the whole page) with the quoted words marked.
fn source_page<'a>(
    meta: &crate::content::SourceMeta,
    label: String,
    claims: &'a [std::sync::Arc<Claim>],
    page: Option<&crate::source_text::TextPage>,
) -> SourcePageView<'a> {
    use crate::source_text::{Quote, page_html, passage_html};
    let mut passages: Vec<PassageView> = Vec::new();
    let mut all_marks = Vec::new();
    if let Some(page) = page {
        // Each passage once, in order of first quote, with the claims that
        // quote it (each once).
        let mut order: Vec<&ClaimPassage> = Vec::new();
        let mut resting: HashMap<&str, Vec<&Claim>> = HashMap::new();
        for c in claims.iter().map(|c| &**c) {
            for p in &c.passages {
                let list = resting.entry(&p.id).or_insert_with(|| {
                    order.push(p);
                    Vec::new()
                });
                if !list.last().is_some_and(|l| std::ptr::eq(*l, c)) {
                    list.push(c);
                }
            }
        }
        for p in order {
            let Some(marks) = Quote::parse(&p.quote).and_then(|q| page.locate(&q)) else {
                continue;
            };
            all_marks.extend(marks.iter().cloned());
            passages.push(PassageView {
                id: p.id.clone(),
                html: passage_html(page, &marks),
                claims: ClaimPlace::merge(resting.remove(p.id.as_str()).unwrap_or_default()),
            });
        }
    }
    let other_claims = ClaimPlace::merge(
        claims
            .iter()
            .map(|c| &**c)
            .filter(|c| c.passages.is_empty()),
    );
    let pdf_page = match (label.parse::<i64>(), page) {
        (Ok(n), _) => Some(n + meta.pdf_page_offset),
        (Err(_), Some(p)) => Some(
            label
                .strip_prefix("front-")
                .and_then(|k| k.parse().ok())
                .unwrap_or(p.position as i64),
        ),
        (Err(_), None) => None,
    };
    SourcePageView {
        anchor: format!("p-{}", crate::text::slugify(&label)),
        pdf_link: meta
            .pdf
            .as_ref()
            .zip(pdf_page)
            .map(|(pdf, n)| crate::source_text::pdf_page_link(pdf, n)),
        text: page
            .filter(|_| meta.publish_text && !claims.is_empty())
            .map(|p| page_html(p, &all_marks)),
        page: label,
        claims,
        passages,
        other_claims,
    }
}

fn reading_time(words: usize) -> usize {
    words.div_ceil(200).max(1)
}

fn title_of(title: &Option<String>) -> &str {
    title.as_deref().unwrap_or("")
}

impl<'a> Views<'a> {
    pub fn config(&self) -> ConfigView<'a> {
        self.site.config.view()
    }

    pub fn site_view(&self) -> SiteView<'a> {
        let home = self.site.home();
        SiteView {
            sections: home
                .subsections
                .iter()
                .map(|&i| self.section_link(i))
                .collect(),
            home: self.section_link(SectionId::HOME),
            pages: home.pages.iter().map(|&i| self.page_link(i)).collect(),
            collections: [
                Collection::Glossary,
                Collection::Entities,
                Collection::Sources,
            ]
            .into_iter()
            .filter(|&c| self.site.has_index(c))
            .map(|c| {
                let path = c.index_path();
                CollectionLink {
                    name: c.name(),
                    title: self
                        .site
                        .intro(c)
                        .and_then(|i| i.meta.title.as_deref())
                        .unwrap_or(c.title()),
                    permalink: self.site.config.permalink(&path),
                    path,
                }
            })
            .collect(),
            last_updated: self.site.last_updated(),
        }
    }

    pub fn section_link(&self, i: SectionId) -> LinkView<'a> {
        let s: &'a Section = &self.site.sections[i];
        LinkView {
            title: title_of(&s.meta.title),
            path: &s.path,
            permalink: self.site.config.permalink(&s.path),
        }
    }

    pub fn page_link(&self, i: PageId) -> LinkView<'a> {
        let p: &'a Page = &self.site.pages[i];
        LinkView {
            title: title_of(&p.meta.title),
            path: &p.path,
            permalink: self.site.config.permalink(&p.path),
        }
    }

    pub fn page_summary(&self, i: PageId) -> PageSummary<'a> {
        let p: &'a Page = &self.site.pages[i];
        let words = self.page_bodies[i].word_count;
        PageSummary {
            title: title_of(&p.meta.title),
            description: p.meta.description.as_deref().unwrap_or(""),
            date: p.meta.date.as_ref().map(|d| d.as_str()),
            updated: p.meta.updated.as_ref().map(|d| d.as_str()),
            weight: p.meta.weight,
            path: &p.path,
            permalink: self.site.config.permalink(&p.path),
            word_count: words,
            reading_time: reading_time(words),
            extra: &p.meta.extra,
        }
    }

    /// The view of a page's or section's body and front matter.
    fn doc(
        &self,
        meta: &'a PageMeta,
        path: &'a str,
        body: &'a Rendered,
        ancestors: Vec<LinkView<'a>>,
    ) -> DocView<'a> {
        let date = meta.date.as_ref().map(|d| d.as_str());
        let updated = meta.updated.as_ref().map(|d| d.as_str());
        DocView {
            title: title_of(&meta.title),
            description: meta.description.as_deref().unwrap_or(""),
            date,
            updated,
            last_updated: updated.or(date),
            weight: meta.weight,
            path,
            permalink: self.site.config.permalink(path),
            content: &body.html,
            toc: &body.toc,
            word_count: body.word_count,
            reading_time: reading_time(body.word_count),
            aliases: &meta.aliases,
            extra: &meta.extra,
            ancestors,
            citations: &body.citations,
            references: self.references(&body.citations),
            glossary_terms: self.terms_used(body),
            entities: self.entities_used(body),
            anchor_map: anchor_map(meta),
            json_ld: self.json_ld(meta, path, body),
            cite: super::cite::cite(
                &self.site.config,
                &self.site.page_citations,
                path,
                &crate::csl::PageFacts {
                    title: match title_of(&meta.title) {
                        "" => &self.site.config.title,
                        t => t,
                    },
                    url: &self.site.config.permalink(path),
                    date,
                    updated,
                },
            ),
        }
    }

    /// What the view of page `i` reads besides what every output shares,
    /// with the key of its body: see [`PageInputs`].
    pub fn page_inputs(&self, i: PageId) -> PageInputs<'a> {
        let p: &'a Page = &self.site.pages[i];
        PageInputs {
            page: p,
            rendered: &self.page_bodies[i],
            front_matter: &p.file.text[p.file.front_matter.clone()],
            path: &p.path,
            slug: &p.slug,
            body: self.page_bodies[i].shown,
            previous: p.previous.map(|j| self.page_link(j)),
            next: p.next.map(|j| self.page_link(j)),
            ancestors: self
                .site
                .section_chain(p.section)
                .into_iter()
                .map(|s| self.section_link(s))
                .collect(),
        }
    }

    /// The view of a page from its inputs, and from what every output
    /// shares (`self` but its pages, sections and bodies).
    pub fn page(&self, inputs: PageInputs<'a>) -> PageView<'a> {
        let p = inputs.page;
        PageView {
            doc: self.doc(&p.meta, &p.path, inputs.rendered, inputs.ancestors),
            slug: &p.slug,
            draft: p.meta.draft,
            previous: inputs.previous,
            next: inputs.next,
        }
    }

    fn term_summary(&self, i: usize) -> TermSummary<'a> {
        let item = &self.site.glossary.items[i];
        let info = &self.site_terms()[i];
        let anchor = crate::text::slugify(&item.id);
        TermSummary {
            id: &item.id,
            term: &item.parsed.meta.term,
            expansion: item.parsed.meta.expansion.as_deref(),
            permalink: format!(
                "{}#{anchor}",
                self.site
                    .config
                    .permalink(&Collection::Glossary.index_path())
            ),
            anchor,
            href: &info.href,
        }
    }

    fn site_terms(&self) -> &'a [crate::markdown::glossary::TermInfo] {
        self.terms
    }

    fn terms_used(&self, body: &Rendered) -> Vec<TermSummary<'a>> {
        let mut seen = std::collections::HashSet::new();
        body.term_uses
            .iter()
            .filter(|u| seen.insert(u.term))
            .map(|u| self.term_summary(u.term))
            .collect()
    }

    pub fn glossary_summaries(&self) -> Vec<TermSummary<'a>> {
        let mut v: Vec<TermSummary<'a>> = (0..self.site.glossary.items.len())
            .map(|i| self.term_summary(i))
            .collect();
        v.sort_by_key(|t| (t.term.to_lowercase(), t.id));
        v
    }

    fn term_entries(&self) -> Vec<TermEntry<'a>> {
        let mut entries: Vec<TermEntry<'a>> = (0..self.site.glossary.items.len())
            .map(|i| {
                let item = &self.site.glossary.items[i];
                let meta = &item.parsed.meta;
                TermEntry {
                    summary: self.term_summary(i),
                    aliases: &meta.aliases,
                    entity: meta.entity.as_deref().map(|e| {
                        let path = Collection::Entities.item_path(e);
                        let title = self
                            .site
                            .entities
                            .get(e)
                            .map_or(e, |x| x.parsed.meta.title.as_str());
                        LinkView {
                            title,
                            permalink: self.site.config.permalink(&path),
                            path: "",
                        }
                    }),
                    content: &self.glossary_bodies[i].html,
                    citations: &self.glossary_bodies[i].citations,
                    references: self.references_with_prefix(
                        &self.glossary_bodies[i].citations,
                        &format!("{}-", crate::text::slugify(&item.id)),
                    ),
                    used_on: &self.term_pages[i],
                }
            })
            .collect();
        entries.sort_by_key(|e| (e.summary.term.to_lowercase(), e.summary.id));
        entries
    }

    /// schema.org `DefinedTermSet` of the glossary.
    fn glossary_json_ld(&self, entries: &[TermEntry<'_>], permalink: &str) -> String {
        let terms: Vec<serde_json::Value> = entries
            .iter()
            .map(|e| {
                let mut v = serde_json::json!({
                    "@type": "DefinedTerm",
                    "@id": e.summary.permalink,
                    "name": e.summary.term,
                    "url": e.summary.permalink,
                    "inDefinedTermSet": permalink,
                });
                if let Some(x) = e.summary.expansion {
                    v["description"] = x.into();
                }
                if !e.aliases.is_empty() {
                    v["alternateName"] = e.aliases.into();
                }
                v
            })
            .collect();
        script_safe_json(&serde_json::json!({
            "@context": "https://schema.org",
            "@type": "DefinedTermSet",
            "@id": permalink,
            "name": "Glossary",
            "url": permalink,
            "hasDefinedTerm": terms,
        }))
    }

    /// schema.org `Article` with a `citation` per reference, as JSON that is
    /// safe inside `<script type="application/ld+json">`.
    fn json_ld(&self, meta: &PageMeta, path: &str, body: &Rendered) -> String {
        let config = &self.site.config;
        let citations: Vec<serde_json::Value> = body
            .citations
            .iter()
            .map(|c| {
                let source = self.site.sources.get(&c.source).map(|s| &s.parsed.meta);
                let mut v = serde_json::json!({
                    "@type": "CreativeWork",
                    "name": c.source_title,
                    "pagination": c.pages.pagination(),
                });
                if let Some(url) = source.and_then(|s| s.url.as_ref().or(s.pdf.as_ref())) {
                    v["url"] = url.as_str().into();
                }
                if let Some(p) = source.and_then(|s| s.publisher.as_ref()) {
                    v["publisher"] = serde_json::json!({"@type": "Organization", "name": p});
                }
                if let Some(d) = source.and_then(|s| s.date.as_ref()) {
                    v["datePublished"] = d.as_str().into();
                }
                if let Some(q) = &c.quote {
                    v["citation"] = q.as_str().into();
                }
                v
            })
            .collect();
        let mut ld = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": meta.title.as_deref().unwrap_or(""),
            "url": config.permalink(path),
            "inLanguage": config.language,
        });
        if let Some(d) = &meta.description {
            ld["description"] = d.as_str().into();
        }
        if let Some(d) = &meta.date {
            ld["datePublished"] = d.as_str().into();
        }
        if let Some(d) = meta.updated.as_ref().or(meta.date.as_ref()) {
            ld["dateModified"] = d.as_str().into();
        }
        if !citations.is_empty() {
            ld["citation"] = citations.into();
        }
        if !config.publisher.is_empty() {
            ld["publisher"] =
                serde_json::json!({"@type": "Organization", "name": config.publisher});
        }
        if !config.author.is_empty() {
            ld["author"] = serde_json::json!({"@type": "Person", "name": config.author});
        }
        script_safe_json(&ld)
    }

    /// A reference list grouped by source, in order of first use.
    fn references(&self, citations: &'a [Citation]) -> Vec<ReferenceGroup<'a>> {
        self.references_with_prefix(citations, "")
    }

    /// [`Views::references`], their ids prefixed (`ref-<prefix><source>`).
    fn references_with_prefix(
        &self,
        citations: &'a [Citation],
        prefix: &str,
    ) -> Vec<ReferenceGroup<'a>> {
        let mut groups: Vec<ReferenceGroup<'a>> = Vec::new();
        for c in citations {
            if let Some(g) = groups.iter_mut().find(|g| g.source == c.source) {
                g.citations.push(c);
                continue;
            }
            let entry = self.site.bibliography.get(&c.source);
            groups.push(ReferenceGroup {
                source: &c.source,
                anchor: format!("ref-{prefix}{}", crate::text::slugify(&c.source)),
                short: &c.source_short,
                entry: entry.map_or("", |f| f.html.as_str()),
                entry_text: entry.map_or("", |f| f.text.as_str()),
                permalink: self
                    .site
                    .config
                    .permalink(&Collection::Sources.item_path(&c.source)),
                citations: vec![c],
            });
        }
        for g in &mut groups {
            g.citations.sort_by_key(|c| c.number);
        }
        groups
    }

    pub fn source_summaries(&self) -> Vec<SourceSummary<'a>> {
        (0..self.site.sources.items.len())
            .map(|i| self.source_summary(i))
            .collect()
    }

    fn source_summary(&self, i: usize) -> SourceSummary<'a> {
        let item = &self.site.sources.items[i];
        let m = &item.parsed.meta;
        let path = Collection::Sources.item_path(&item.id);
        SourceSummary {
            id: &item.id,
            title: &m.title,
            short: m.short.as_deref().unwrap_or(&m.title),
            publisher: m.publisher.as_deref(),
            date: m.date.as_ref().map(|d| d.as_str()),
            url: m.url.as_deref(),
            pdf: m.pdf.as_deref(),
            pdf_page_offset: m.pdf_page_offset,
            pages: m.pages,
            has_text: self.site.text(&item.id).is_some(),
            publish_text: m.publish_text,
            cited: self
                .claims
                .get(&item.id)
                .is_some_and(|pages| pages.values().any(|c| !c.is_empty())),
            permalink: self.site.config.permalink(&path),
            path,
        }
    }

    /// How many citations on the site rest on source `i`.
    fn claim_count(&self, i: usize) -> usize {
        self.claims
            .get(&self.site.sources.items[i].id)
            .map_or(0, |pages| pages.values().map(Vec::len).sum())
    }

    pub fn source(&self, i: usize) -> SourceView<'a> {
        let item = &self.site.sources.items[i];
        let meta = &item.parsed.meta;
        let cited = self.claims.get(&item.id);
        let text = self.site.text(&item.id).map(|t| &*t.text);
        // The pages: those of the text, else every page when the count is
        // known, else the cited ones.
        let labels: Vec<String> = match (text, meta.pages) {
            (Some(t), _) => t.pages.iter().map(|p| p.label.clone()).collect(),
            (None, Some(n)) => (1..=n).map(|n| n.to_string()).collect(),
            (None, None) => {
                // Cited pages in the order of their numbers.
                let mut labels: Vec<String> = cited
                    .map(|c| c.keys().cloned().collect())
                    .unwrap_or_default();
                labels.sort_by_key(|l| (l.parse::<u32>().unwrap_or(u32::MAX), l.clone()));
                labels
            }
        };
        let page_index = labels
            .into_iter()
            .map(|label| {
                let claims = cited
                    .and_then(|c| c.get(&label))
                    .map_or(&EMPTY_CLAIMS[..], Vec::as_slice);
                let page = text.and_then(|t| t.page(&label));
                source_page(meta, label, claims, page)
            })
            .collect();
        SourceView {
            summary: self.source_summary(i),
            claim_count: self.claim_count(i),
            content: &self.source_bodies[i].html,
            citations: &self.source_bodies[i].citations,
            references: self.references(&self.source_bodies[i].citations),
            entry: self
                .site
                .bibliography
                .get(&item.id)
                .map_or("", |f| f.html.as_str()),
            extra: &item.parsed.meta.extra,
            page_index,
        }
    }

    /// Feeds what the view of source `i` reads besides what every output
    /// shares: its file, its text, and its body and the claims that cite
    /// it (by their keys). False where these have no keys: then only the
    /// view itself can be the key.
    pub fn source_inputs(&self, i: usize, h: &mut KeyHasher) -> bool {
        let item = &self.site.sources.items[i];
        let (Some(body), Some(keys)) = (self.source_bodies[i].shown, self.index_keys) else {
            return false;
        };
        h.add("source inputs")
            .add(&item.id)
            .add(&*item.parsed.file.text)
            .add(&self.site.text(&item.id).map(|t| &*t.file.text))
            .add(&body)
            .add(&keys.claims.get(&item.id));
        true
    }

    /// Feeds what the view of entity `i` reads besides what every output
    /// shares: its file, its body and the places that mention it (by their
    /// keys), and the ids, titles and `related` lists of all entities
    /// (`relations`, from [`Views::entity_relations`]). False as for
    /// [`Views::source_inputs`].
    pub fn entity_inputs(&self, i: usize, relations: Key, h: &mut KeyHasher) -> bool {
        let item = &self.site.entities.items[i];
        let (Some(body), Some(keys)) = (self.entity_bodies[i].shown, self.index_keys) else {
            return false;
        };
        h.add("entity inputs")
            .add(&item.id)
            .add(&*item.parsed.file.text)
            .add(&body)
            .add(&keys.mentions[i])
            .add(&relations);
        true
    }

    /// The key of what an entity's view reads of the other entities.
    pub fn entity_relations(&self) -> Key {
        let mut h = KeyHasher::new("entity relations");
        for item in &self.site.entities.items {
            let m = &item.parsed.meta;
            h.add(&item.id).add(&m.title).value(&m.related);
        }
        h.key()
    }

    pub fn collection_index(
        &self,
        c: Collection,
        meta: Option<&'a PageMeta>,
    ) -> CollectionIndexView<'a> {
        let path = c.index_path();
        let permalink = self.site.config.permalink(&path);
        let terms = if c == Collection::Glossary {
            self.term_entries()
        } else {
            Vec::new()
        };
        let json_ld = if c == Collection::Glossary {
            self.glossary_json_ld(&terms, &permalink)
        } else {
            String::new()
        };
        let sources = if c == Collection::Sources {
            (0..self.site.sources.items.len())
                .map(|i| SourceEntry {
                    summary: self.source_summary(i),
                    claim_count: self.claim_count(i),
                })
                .collect()
        } else {
            Vec::new()
        };
        let groups = if c == Collection::Entities {
            self.entity_groups()
        } else {
            Vec::new()
        };
        let entities = if c == Collection::Entities {
            let mut all = self.entity_summaries();
            // Without a `description`, the first sentence of the body.
            for (e, body) in all.iter_mut().zip(self.entity_bodies) {
                if e.description.is_empty() {
                    e.description = first_sentence(&body.html).into();
                }
            }
            all.sort_by_key(|e| (e.title.to_lowercase(), e.id));
            all
        } else {
            Vec::new()
        };
        CollectionIndexView {
            title: meta.and_then(|m| m.title.as_deref()).unwrap_or(c.title()),
            description: meta.and_then(|m| m.description.as_deref()).unwrap_or(""),
            permalink,
            path,
            extra: meta.map(|m| &m.extra),
            terms,
            groups,
            entities,
            sources,
            json_ld,
        }
    }

    fn entity_summary(&self, i: usize) -> EntitySummary<'a> {
        let item = &self.site.entities.items[i];
        let m = &item.parsed.meta;
        let path = Collection::Entities.item_path(&item.id);
        EntitySummary {
            id: &item.id,
            title: &m.title,
            kind: m.kind.as_deref().unwrap_or("other"),
            description: m.description.as_deref().unwrap_or("").into(),
            permalink: self.site.config.permalink(&path),
            path,
        }
    }

    pub fn entity_summaries(&self) -> Vec<EntitySummary<'a>> {
        (0..self.site.entities.items.len())
            .map(|i| self.entity_summary(i))
            .collect()
    }

    fn entities_used(&self, body: &Rendered) -> Vec<EntitySummary<'a>> {
        let mut seen = std::collections::HashSet::new();
        body.mentions
            .iter()
            .filter(|m| seen.insert(m.entity))
            .map(|m| self.entity_summary(m.entity))
            .collect()
    }

    fn entity_groups(&self) -> Vec<KindGroup<'a>> {
        let mut all = self.entity_summaries();
        all.sort_by_key(|e| (e.kind, e.title.to_lowercase()));
        let mut groups: Vec<KindGroup<'a>> = Vec::new();
        for e in all {
            match groups.last_mut() {
                Some(g) if g.kind == e.kind => g.entities.push(e),
                _ => groups.push(KindGroup {
                    kind: e.kind,
                    entities: vec![e],
                }),
            }
        }
        groups
    }

    pub fn entity(&self, i: usize) -> EntityView<'a> {
        let items = &self.site.entities.items;
        let item = &items[i];
        let m = &item.parsed.meta;
        let body = &self.entity_bodies[i];
        // Related both ways: those it lists, and those that list it.
        let mut related: Vec<usize> = m
            .related
            .iter()
            .filter_map(|r| items.iter().position(|x| &x.id == r))
            .chain(
                items
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| x.parsed.meta.related.contains(&item.id))
                    .map(|(j, _)| j),
            )
            .filter(|&j| j != i)
            .collect();
        related.sort_by_key(|&j| items[j].parsed.meta.title.to_lowercase());
        related.dedup();
        let summary = self.entity_summary(i);
        let schema_type = match summary.kind {
            "organization" | "organisation" => "Organization",
            "person" | "alias" => "Person",
            "document" => "CreativeWork",
            _ => "Thing",
        };
        let mut ld = serde_json::json!({
            "@context": "https://schema.org",
            "@type": schema_type,
            "@id": summary.permalink,
            "name": m.title,
            "url": summary.permalink,
        });
        if !m.aliases.is_empty() {
            ld["alternateName"] = m.aliases.clone().into();
        }
        if let Some(d) = &m.description {
            ld["description"] = d.as_str().into();
        }
        EntityView {
            summary,
            aliases: &m.aliases,
            content: &body.html,
            toc: &body.toc,
            citations: &body.citations,
            references: self.references(&body.citations),
            extra: &m.extra,
            related: related
                .into_iter()
                .map(|j| self.entity_summary(j))
                .collect(),
            mentions: &self.mentions[i],
            json_ld: script_safe_json(&ld),
        }
    }

    pub fn section(&self, i: SectionId) -> SectionView<'a> {
        let s: &'a Section = &self.site.sections[i];
        let mut chain = self.site.section_chain(i);
        chain.pop();
        let chain = chain.into_iter().map(|s| self.section_link(s)).collect();
        let body = &self.section_bodies[i];
        // A page is linked when the body has a link to it (as its path or
        // its permalink; the links themselves are not kept after a build
        // checked them).
        let linked = |path: &str| {
            let permalink = self.site.config.permalink(path);
            [path, permalink.as_str()].iter().any(|p| {
                body.html.contains(&format!("href=\"{p}\""))
                    || body.html.contains(&format!("href=\"{p}#"))
            })
        };
        SectionView {
            pages_linked_in_body: !s.pages.is_empty()
                && s.pages.iter().all(|&j| linked(&self.site.pages[j].path)),
            doc: self.doc(&s.meta, &s.path, body, chain),
            pages: s.pages.iter().map(|&j| self.page_summary(j)).collect(),
            subsections: s
                .subsections
                .iter()
                .map(|&j| self.section_link(j))
                .collect(),
        }
    }
}

/// The first sentence of a body's first paragraph, as plain text: without
/// its citation and note markers, their previews and the paragraph's
/// controls.
fn first_sentence(html: &str) -> String {
    let doc = scraper::Html::parse_fragment(html);
    let Some(p) = doc
        .select(&scraper::Selector::parse("p").expect("a valid selector"))
        .next()
    else {
        return String::new();
    };
    let mut text = String::new();
    for node in p.descendants() {
        let Some(t) = node.value().as_text() else {
            continue;
        };
        let skipped = node.ancestors().any(|a| {
            a.value().as_element().is_some_and(|e| {
                e.name() == "sup"
                    || ["para-link", "term-tip", "cite-tip", "fn-tip"]
                        .iter()
                        .any(|c| e.has_class(c, scraper::CaseSensitivity::CaseSensitive))
            })
        });
        if !skipped {
            text.push_str(t);
        }
    }
    let text = text.replace(crate::markdown::citations::WORD_JOINER, "");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let end = text
        .match_indices(". ")
        .map(|(i, _)| i + 1)
        .find(|&i| {
            text[i..]
                .trim_start()
                .starts_with(|c: char| c.is_uppercase() || c.is_numeric())
        })
        .unwrap_or(text.len());
    text[..end].trim().to_string()
}

/// A page's `[anchors]` as script-safe JSON, or empty.
fn anchor_map(meta: &PageMeta) -> String {
    if meta.anchors.is_empty() {
        String::new()
    } else {
        script_safe_json(&serde_json::json!(meta.anchors))
    }
}

/// JSON for a `<script type="application/ld+json">` element: `<` is escaped
/// so the text can never close the element.
pub fn script_safe_json(value: &serde_json::Value) -> String {
    value.to_string().replace('<', "\\u003c")
}
