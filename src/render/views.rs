//! What templates see: serializable views of the site model and the rendered
//! bodies. These are the template contract documented in the README.

use serde::Serialize;

use crate::config::ConfigView;
use crate::content::meta::Extra;
use crate::markdown::{Rendered, TocEntry};
use crate::site::{Page, Section, Site};

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

/// `page` in `page.html`.
#[derive(Debug, Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub date: Option<&'a str>,
    pub updated: Option<&'a str>,
    /// `updated`, else `date`.
    pub last_updated: Option<&'a str>,
    pub weight: Option<i64>,
    pub slug: &'a str,
    pub path: &'a str,
    pub permalink: String,
    pub content: &'a str,
    pub toc: &'a [TocEntry],
    pub word_count: usize,
    pub reading_time: usize,
    pub draft: bool,
    pub aliases: &'a [String],
    pub extra: &'a Extra,
    /// Sections from the home page down to the page's own section.
    pub ancestors: Vec<LinkView<'a>>,
    pub previous: Option<LinkView<'a>>,
    pub next: Option<LinkView<'a>>,
}

/// `section` in `index.html` and `section.html`.
#[derive(Debug, Serialize)]
pub struct SectionView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub date: Option<&'a str>,
    pub updated: Option<&'a str>,
    pub last_updated: Option<&'a str>,
    pub path: &'a str,
    pub permalink: String,
    pub content: &'a str,
    pub toc: &'a [TocEntry],
    pub word_count: usize,
    pub reading_time: usize,
    pub extra: &'a Extra,
    pub ancestors: Vec<LinkView<'a>>,
    pub pages: Vec<PageSummary<'a>>,
    pub subsections: Vec<LinkView<'a>>,
}

/// `site` in every template: navigation data.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    /// The home page's subsections: the main navigation.
    pub sections: Vec<LinkView<'a>>,
    pub home: LinkView<'a>,
}

/// Everything a template needs besides the page itself.
pub struct Views<'a> {
    pub site: &'a Site,
    pub page_bodies: &'a [Rendered],
    pub section_bodies: &'a [Rendered],
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
            home: self.section_link(0),
        }
    }

    pub fn section_link(&self, i: usize) -> LinkView<'a> {
        let s: &'a Section = &self.site.sections[i];
        LinkView {
            title: title_of(&s.meta.title),
            path: &s.path,
            permalink: self.site.config.permalink(&s.path),
        }
    }

    pub fn page_link(&self, i: usize) -> LinkView<'a> {
        let p: &'a Page = &self.site.pages[i];
        LinkView {
            title: title_of(&p.meta.title),
            path: &p.path,
            permalink: self.site.config.permalink(&p.path),
        }
    }

    pub fn page_summary(&self, i: usize) -> PageSummary<'a> {
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

    pub fn page(&self, i: usize) -> PageView<'a> {
        let p: &'a Page = &self.site.pages[i];
        let body: &'a Rendered = &self.page_bodies[i];
        let date = p.meta.date.as_ref().map(|d| d.as_str());
        let updated = p.meta.updated.as_ref().map(|d| d.as_str());
        PageView {
            title: title_of(&p.meta.title),
            description: p.meta.description.as_deref().unwrap_or(""),
            date,
            updated,
            last_updated: updated.or(date),
            weight: p.meta.weight,
            slug: &p.slug,
            path: &p.path,
            permalink: self.site.config.permalink(&p.path),
            content: &body.html,
            toc: &body.toc,
            word_count: body.word_count,
            reading_time: reading_time(body.word_count),
            draft: p.meta.draft,
            aliases: &p.meta.aliases,
            extra: &p.meta.extra,
            ancestors: self
                .site
                .section_chain(p.section)
                .into_iter()
                .map(|s| self.section_link(s))
                .collect(),
            previous: p.previous.map(|j| self.page_link(j)),
            next: p.next.map(|j| self.page_link(j)),
        }
    }

    pub fn section(&self, i: usize) -> SectionView<'a> {
        let s: &'a Section = &self.site.sections[i];
        let body: &'a Rendered = &self.section_bodies[i];
        let date = s.meta.date.as_ref().map(|d| d.as_str());
        let updated = s.meta.updated.as_ref().map(|d| d.as_str());
        let mut chain = self.site.section_chain(i);
        chain.pop();
        SectionView {
            title: title_of(&s.meta.title),
            description: s.meta.description.as_deref().unwrap_or(""),
            date,
            updated,
            last_updated: updated.or(date),
            path: &s.path,
            permalink: self.site.config.permalink(&s.path),
            content: &body.html,
            toc: &body.toc,
            word_count: body.word_count,
            reading_time: reading_time(body.word_count),
            extra: &s.meta.extra,
            ancestors: chain.into_iter().map(|j| self.section_link(j)).collect(),
            pages: s.pages.iter().map(|&j| self.page_summary(j)).collect(),
            subsections: s
                .subsections
                .iter()
                .map(|&j| self.section_link(j))
                .collect(),
        }
    }
}
