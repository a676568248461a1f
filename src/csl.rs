//! Bibliographic entries in a CSL style: the sources of a reference list
//! and the "Cite this" text of a page, formatted by
//! [hayagriva](https://crates.io/crates/hayagriva) (Typst's CSL processor)
//! in the style `citation_style` of config.toml names — one of the styles
//! hayagriva bundles (`chicago-notes`, `apa`, `ieee`, …) or a `.csl` file.
//!
//! hayagriva's own HTML output writes `style=` attributes, which the site's
//! Content-Security-Policy forbids, and leaves text unescaped; [`html`]
//! writes its formatted output with elements and classes instead, escaped.

use std::path::Path;
use std::sync::Arc;

use hayagriva::archive::ArchivedStyle;
use hayagriva::citationberg::{
    Display, FontStyle, FontVariant, FontWeight, IndependentStyle, Locale, LocaleCode, Style,
    TextDecoration, VerticalAlign,
};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, ElemChild,
    ElemChildren, Library,
};

use crate::text::escape_html;

/// The style of reference entries when config.toml names none.
pub const DEFAULT_STYLE: &str = "chicago-notes";

/// A CSL style, ready to format with.
#[derive(Debug)]
pub struct CitationStyle {
    /// The style as config.toml names it (a bundled style's name, or the
    /// path of a `.csl` file).
    pub name: String,
    /// The style's own title.
    pub title: String,
    style: IndependentStyle,
    locales: Vec<Locale>,
    locale: LocaleCode,
}

/// One formatted entry.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Formatted {
    /// As HTML (escaped; italics as `<i>`, links as `<a>`).
    pub html: String,
    /// As plain text.
    pub text: String,
}

impl CitationStyle {
    /// The style `name` (a bundled style, or a `.csl` file relative to the
    /// site's `root`), with the CSL locale of `language`. The error says
    /// what is wrong, for a message at the setting.
    pub fn load(name: Option<&str>, root: &Path, language: &str) -> Result<Self, String> {
        let name = name.unwrap_or(DEFAULT_STYLE).trim();
        let style = if name.ends_with(".csl") {
            let path = root.join(name);
            let xml = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read the citation style {}: {e}", path.display()))?;
            Style::from_xml(&xml).map_err(|e| format!("{name} is not a valid CSL style: {e}"))?
        } else {
            ArchivedStyle::by_name(name)
                .ok_or_else(|| {
                    let mut names: Vec<&str> = ArchivedStyle::all()
                        .iter()
                        .flat_map(|s| s.names().iter().copied())
                        .collect();
                    names.sort_unstable();
                    let hint = crate::text::closest(name, names.iter().copied())
                        .map(|c| format!("did you mean `{c}`? "))
                        .unwrap_or_default();
                    format!(
                        "unknown citation style `{name}`: {hint}name a style hayagriva bundles (such as chicago-notes, chicago-author-date, apa, mla, ieee, harvard-cite-them-right) or a .csl file"
                    )
                })?
                .get()
        };
        let style = match style {
            Style::Independent(s) => s,
            Style::Dependent(d) => {
                // A dependent style names the style it formats with.
                let parent = &d.parent_link.href;
                match ArchivedStyle::by_id(parent).map(ArchivedStyle::get) {
                    Some(Style::Independent(s)) => s,
                    _ => {
                        return Err(format!(
                            "the citation style {name} depends on {parent}, which is not bundled; use an independent style"
                        ));
                    }
                }
            }
        };
        // The CSL locale of the language: as written (`en-GB`), else its
        // primary dialect (`de` is `de-DE`), else any of its dialects, else
        // American English, which is also every style's fallback.
        let lang = |l: &Locale| l.lang.as_ref().map_or("", |c| c.0.as_str()).to_string();
        let primary = language.split('-').next().unwrap_or("en");
        // CSL's primary dialects where the region is not the language's
        // own code in capitals.
        let dialect = match primary {
            "en" => "en-US".to_string(),
            "ca" => "ca-AD".to_string(),
            "cs" => "cs-CZ".to_string(),
            "da" => "da-DK".to_string(),
            "el" => "el-GR".to_string(),
            "et" => "et-EE".to_string(),
            "fa" => "fa-IR".to_string(),
            "he" => "he-IL".to_string(),
            "ja" => "ja-JP".to_string(),
            "ko" => "ko-KR".to_string(),
            "nb" => "nb-NO".to_string(),
            "nn" => "nn-NO".to_string(),
            "sl" => "sl-SI".to_string(),
            "sv" => "sv-SE".to_string(),
            "uk" => "uk-UA".to_string(),
            "vi" => "vi-VN".to_string(),
            "zh" => "zh-CN".to_string(),
            other => format!("{other}-{}", other.to_uppercase()),
        };
        let find = |ok: &dyn Fn(&str) -> bool| all_locales().iter().find(|l| ok(&lang(l)));
        let chosen = find(&|c| c.eq_ignore_ascii_case(language))
            .or_else(|| find(&|c| c == dialect))
            .or_else(|| find(&|c| c.split('-').next() == Some(primary)))
            .or_else(|| find(&|c| c == "en-US"));
        let mut locales: Vec<Locale> = chosen.into_iter().cloned().collect();
        if let Some(en) = find(&|c| c == "en-US")
            && !locales.iter().any(|l| l.lang == en.lang)
        {
            locales.push(en.clone());
        }
        let locale = LocaleCode(locales.first().map_or_else(|| "en-US".to_string(), lang));
        Ok(Self {
            name: name.to_string(),
            title: style.info.title.value.clone(),
            style,
            locales,
            locale,
        })
    }

    /// The bibliography entries of `items` (key → hayagriva's YAML/JSON
    /// form of an entry: `type`, `title`, `publisher`, `date`, `url`, …), in
    /// the order of `items`. An item hayagriva cannot read gets an empty
    /// entry. Styles without a bibliography give their citation (a note
    /// style's full note).
    pub fn format(&self, items: &[(String, serde_json::Value)]) -> Vec<Formatted> {
        // Content never makes a build panic: should hayagriva panic on an
        // entry, the entries are left empty (the theme then shows the
        // source's short title).
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.format_unguarded(items)
        }))
        .unwrap_or_else(|_| vec![Formatted::default(); items.len()])
    }

    fn format_unguarded(&self, items: &[(String, serde_json::Value)]) -> Vec<Formatted> {
        let map: serde_json::Map<String, serde_json::Value> = items.iter().cloned().collect();
        let Ok(library) = serde_json::from_value::<Library>(serde_json::Value::Object(map)) else {
            return items
                .iter()
                .map(|(key, v)| {
                    match serde_json::from_value::<Library>(serde_json::json!({ key.clone(): v })) {
                        Ok(_) => self
                            .format(std::slice::from_ref(&(key.clone(), v.clone())))
                            .pop()
                            .unwrap_or_default(),
                        Err(_) => Formatted::default(),
                    }
                })
                .collect();
        };
        let mut driver = BibliographyDriver::new();
        let entries: Vec<_> = library.iter().collect();
        for entry in &entries {
            let mut request = CitationRequest::from_items(
                vec![CitationItem::with_entry(*entry)],
                &self.style,
                &self.locales,
            );
            request.locale = Some(self.locale.clone());
            driver.citation(request);
        }
        let rendered = driver.finish(BibliographyRequest::new(
            &self.style,
            Some(self.locale.clone()),
            &self.locales,
        ));
        let by_key: std::collections::HashMap<&str, &ElemChildren> = match &rendered.bibliography {
            Some(b) => b
                .items
                .iter()
                .map(|i| (i.key.as_str(), &i.content))
                .collect(),
            None => entries
                .iter()
                .zip(&rendered.citations)
                .map(|(e, c)| (e.key(), &c.citation))
                .collect(),
        };
        items
            .iter()
            .map(|(key, _)| {
                by_key
                    .get(key.as_str())
                    .map(|c| Formatted {
                        html: html(c),
                        text: plain(c),
                    })
                    .unwrap_or_default()
            })
            .collect()
    }
}

/// Every CSL locale hayagriva bundles, read from the binary once (they
/// never change; reading them all takes tens of milliseconds, too long
/// for each rebuild of `serve`).
fn all_locales() -> &'static [Locale] {
    static LOCALES: std::sync::LazyLock<Vec<Locale>> =
        std::sync::LazyLock::new(hayagriva::archive::locales);
    &LOCALES
}

/// A title as hayagriva takes it verbatim: styles that change the case of
/// titles (Chicago's title case) leave it as the author wrote it.
pub fn verbatim(text: &str) -> serde_json::Value {
    serde_json::json!({ "value": { "value": text, "verbatim": true } })
}

/// What a "Cite this" citation of a page says, besides the site's author
/// and publisher.
pub struct PageFacts<'a> {
    pub title: &'a str,
    pub url: &'a str,
    /// `YYYY-MM-DD`.
    pub date: Option<&'a str>,
    pub updated: Option<&'a str>,
}

/// The "Cite this" citations of a site's pages in its style, made from two
/// citations formatted once per build (with and without a date) by
/// putting each page's title, URL and dates in their places, so that a
/// site of many pages is not formatted page by page. The reader's date of
/// access stays as tokens (`{Y2}`, `{MMMM2}`, `{MMM2}`, `{MM2}`, `{D2}`)
/// that the page's script fills in. Sites in another language than
/// English are formatted page by page (the tokens are English month
/// names), without a date of access.
#[derive(Debug, Clone)]
pub struct PageCitations {
    dated: Option<Template>,
    undated: Option<Template>,
    /// The site's facts, for formatting page by page.
    site: SiteFacts,
}

#[derive(Debug, Clone)]
struct SiteFacts {
    site: String,
    publisher: String,
    author: String,
}

#[derive(Debug, Clone)]
struct Template {
    text: String,
    /// How the style writes a date, in tokens of date 1 (`{MMMM1} {D1}, {Y1}`).
    date_pattern: String,
}

const TITLE_TOKEN: &str = "QQPAGETITLEQQ";
const URL_TOKEN: &str = "https://qqpageurlqq.invalid/";
/// The page's date and the date of access while formatting: each part
/// differs from the other's, so that each can be told apart.
const DATE_1: (&str, &str, &str) = ("1987", "10", "29");
const DATE_2: (&str, &str, &str) = ("1986", "09", "28");
use crate::render::templates::MONTHS;

impl PageCitations {
    /// The templates of `style` for a site with these facts.
    pub fn new(
        style: &CitationStyle,
        language: &str,
        site: &str,
        publisher: &str,
        author: &str,
    ) -> Self {
        let site_facts = SiteFacts {
            site: site.to_string(),
            publisher: publisher.to_string(),
            author: author.to_string(),
        };
        // The site's own words must not hold what the tokens are made of.
        let constants = format!("{site} {publisher} {author}");
        let clash = [
            "1987",
            "1986",
            "29",
            "28",
            "10",
            "09",
            "October",
            "September",
            "Oct",
            "Sep",
            "QQ",
        ]
        .iter()
        .any(|t| constants.contains(t));
        let english = language == "en" || language.starts_with("en-");
        let make = |dated: bool| -> Option<Template> {
            if clash || !english {
                return None;
            }
            let date = dated.then(|| format!("{}-{}-{}", DATE_1.0, DATE_1.1, DATE_1.2));
            let accessed = format!("{}-{}-{}", DATE_2.0, DATE_2.1, DATE_2.2);
            let facts = PageFacts {
                title: TITLE_TOKEN,
                url: URL_TOKEN,
                date: date.as_deref(),
                updated: None,
            };
            let text = style
                .format(&[(
                    "page".to_string(),
                    page_entry(&facts, &site_facts, Some(&accessed)),
                )])
                .pop()?
                .text;
            if !text.contains(TITLE_TOKEN) || !text.contains(URL_TOKEN) {
                return None;
            }
            let text = tokenize(&tokenize(&text, DATE_1, '1'), DATE_2, '2');
            let date_pattern =
                date_pattern(&text, '1').unwrap_or_else(|| "{D1} {MMMM1} {Y1}".to_string());
            Some(Template { text, date_pattern })
        };
        let (dated, undated) = (make(true), make(false));
        Self {
            dated,
            undated,
            site: site_facts,
        }
    }

    /// The citation of one page, with the tokens of the date of access.
    pub fn cite(&self, style: &CitationStyle, page: &PageFacts<'_>) -> String {
        let template = if page.date.is_some() {
            &self.dated
        } else {
            &self.undated
        };
        let Some(t) = template else {
            // Page by page.
            return style
                .format(&[("page".to_string(), page_entry(page, &self.site, None))])
                .pop()
                .map(|f| f.text)
                .unwrap_or_default();
        };
        let mut text = t
            .text
            .replace(TITLE_TOKEN, page.title)
            .replace(URL_TOKEN, page.url);
        if let Some(d) = page.date {
            text = fill(&text, d, '1');
        }
        if let Some(u) = page.updated.filter(|u| Some(*u) != page.date) {
            text.push_str(&format!(" Updated {}.", fill(&t.date_pattern, u, '1')));
        }
        if !text.contains("{Y2}") {
            text.push_str(&format!(" Accessed {}.", t.date_pattern.replace('1', "2")));
        }
        text
    }
}

/// A page as hayagriva reads an entry: a web page whose parent is the site.
fn page_entry(page: &PageFacts<'_>, site: &SiteFacts, accessed: Option<&str>) -> serde_json::Value {
    let mut url = serde_json::json!({ "value": page.url });
    if let Some(a) = accessed {
        url["date"] = a.into();
    }
    let mut parent = serde_json::json!({ "type": "web", "title": verbatim(&site.site) });
    if !site.publisher.is_empty() {
        parent["publisher"] = site.publisher.as_str().into();
    }
    let mut v = serde_json::json!({
        "type": "web",
        "title": verbatim(page.title),
        "url": url,
        "parent": parent,
    });
    if !site.author.is_empty() {
        v["author"] = serde_json::json!({ "name": site.author });
    }
    if let Some(d) = page.date {
        v["date"] = d.into();
    }
    v
}

/// `text` with the parts of `date` as written by a style replaced by
/// tokens: `{Y1}`, `{MMMM1}` (October), `{MMM1}` (Oct), `{MM1}` (10),
/// `{D1}` (29).
fn tokenize(text: &str, date: (&str, &str, &str), n: char) -> String {
    let month: usize = date.1.parse().unwrap_or(1);
    let long = MONTHS[month - 1];
    text.replace(date.0, &format!("{{Y{n}}}"))
        .replace(long, &format!("{{MMMM{n}}}"))
        .replace(&long[..3], &format!("{{MMM{n}}}"))
        .replace(date.2, &format!("{{D{n}}}"))
        .replace(date.1, &format!("{{MM{n}}}"))
}

/// How the style writes date `n`: the shortest stretch of `text` holding
/// its tokens, when that is a date alone.
fn date_pattern(text: &str, n: char) -> Option<String> {
    let tokens = ["{Y", "{MMMM", "{MMM", "{MM", "{D"].map(|t| format!("{t}{n}}}"));
    let spans: Vec<(usize, usize)> = tokens
        .iter()
        .filter_map(|t| text.find(t.as_str()).map(|i| (i, i + t.len())))
        .collect();
    let start = spans.iter().map(|s| s.0).min()?;
    let end = spans.iter().map(|s| s.1).max()?;
    let pattern = &text[start..end];
    let has_year = pattern.contains(&format!("{{Y{n}}}"));
    (has_year && pattern.len() <= 32 && !pattern.contains(['“', '"', '(']))
        .then(|| pattern.to_string())
}

/// `text` with the tokens of date `n` replaced by the parts of `date`
/// (`YYYY-MM-DD`); a day is written with two digits where the month is
/// written as a number.
fn fill(text: &str, date: &str, n: char) -> String {
    let mut parts = date.splitn(3, '-');
    let (y, m, d) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or("01"),
        parts.next().unwrap_or("01"),
    );
    let month: usize = m.parse().unwrap_or(1).clamp(1, 12);
    let numeric = text.contains(&format!("{{MM{n}}}"));
    let day = if numeric {
        d.to_string()
    } else {
        d.trim_start_matches('0').to_string()
    };
    text.replace(&format!("{{Y{n}}}"), y)
        .replace(&format!("{{MMMM{n}}}"), MONTHS[month - 1])
        .replace(&format!("{{MMM{n}}}"), &MONTHS[month - 1][..3])
        .replace(&format!("{{MM{n}}}"), m)
        .replace(&format!("{{D{n}}}"), &day)
}

/// A style shared by the builds of a configuration.
pub type SharedStyle = Arc<CitationStyle>;

/// Formatted output as HTML: text escaped, formatting as elements, blocks
/// as `div`s with `csl-…` classes; never a `style=` attribute.
pub fn html(children: &ElemChildren) -> String {
    let mut out = String::new();
    write_children(&children.0, &mut out);
    out.trim().to_string()
}

/// Formatted output as plain text.
pub fn plain(children: &ElemChildren) -> String {
    let mut out = String::new();
    let _ = children.write_buf(&mut out, hayagriva::BufWriteFormat::Plain);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn write_children(children: &[ElemChild], out: &mut String) {
    for child in children {
        match child {
            ElemChild::Text(t) => write_formatted(&t.text, &t.formatting, out),
            ElemChild::Elem(e) => {
                let class = match e.display {
                    Some(Display::Block) => Some("csl-block"),
                    Some(Display::Indent) => Some("csl-indent"),
                    Some(Display::LeftMargin) => Some("csl-left-margin"),
                    Some(Display::RightInline) => Some("csl-right-inline"),
                    None => None,
                };
                if let Some(c) = class {
                    out.push_str(&format!("<span class=\"{c}\">"));
                }
                write_children(&e.children.0, out);
                if class.is_some() {
                    out.push_str("</span>");
                }
            }
            ElemChild::Markup(m) => out.push_str(&escape_html(m)),
            ElemChild::Link { text, url } => {
                out.push_str(&format!(
                    "<a href=\"{}\" rel=\"noopener\">",
                    escape_html(url)
                ));
                write_formatted(&text.text, &text.formatting, out);
                out.push_str("</a>");
            }
            ElemChild::Transparent { .. } => {}
        }
    }
}

fn write_formatted(text: &str, f: &hayagriva::Formatting, out: &mut String) {
    let mut close: Vec<&str> = Vec::new();
    let mut open = |tag: &str, end: &'static str, out: &mut String| {
        out.push_str(tag);
        close.push(end);
    };
    if matches!(f.font_style, FontStyle::Italic) {
        open("<i>", "</i>", out);
    }
    if matches!(f.font_weight, FontWeight::Bold) {
        open("<b>", "</b>", out);
    }
    if matches!(f.font_variant, FontVariant::SmallCaps) {
        open("<span class=\"csl-small-caps\">", "</span>", out);
    }
    if matches!(f.text_decoration, TextDecoration::Underline) {
        open("<u>", "</u>", out);
    }
    match f.vertical_align {
        VerticalAlign::Sup => open("<sup>", "</sup>", out),
        VerticalAlign::Sub => open("<sub>", "</sub>", out),
        _ => {}
    }
    out.push_str(&escape_html(text));
    for end in close.iter().rev() {
        out.push_str(end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Vec<(String, serde_json::Value)> {
        vec![(
            "report".to_string(),
            serde_json::json!({
                "type": "report",
                "title": verbatim("The i-Soon-Leaks, Part 2"),
                "publisher": "Bundesamt für Verfassungsschutz (BfV)",
                "date": "2024-08-08",
                "url": "https://example.org/report.pdf",
            }),
        )]
    }

    #[test]
    fn bundled_styles_format_a_source() {
        let chicago = CitationStyle::load(None, Path::new("."), "en").unwrap();
        let out = chicago.format(&report());
        assert_eq!(
            out[0].text,
            "The i-Soon-Leaks, Part 2. Bundesamt für Verfassungsschutz (BfV), 2024. https://example.org/report.pdf."
        );
        assert!(
            out[0].html.contains("<i>The i-Soon-Leaks, Part 2</i>"),
            "{}",
            out[0].html
        );
        assert!(
            out[0]
                .html
                .contains("<a href=\"https://example.org/report.pdf\""),
            "{}",
            out[0].html
        );
        assert!(!out[0].html.contains("style="));
        let apa = CitationStyle::load(Some("apa"), Path::new("."), "en").unwrap();
        let out = apa.format(&report());
        assert_eq!(
            out[0].text,
            "The i-Soon-Leaks, Part 2. (2024). Bundesamt für Verfassungsschutz (BfV). https://example.org/report.pdf"
        );
    }

    #[test]
    fn the_locale_follows_the_language() {
        let style = CitationStyle::load(None, Path::new("."), "de").unwrap();
        assert_eq!(style.locales[0].lang.as_ref().unwrap().0, "de-DE");
        assert_eq!(style.locales[1].lang.as_ref().unwrap().0, "en-US");
        let page = PageFacts {
            title: "Seite",
            url: "https://example.org/seite/",
            date: Some("2024-03-02"),
            updated: None,
        };
        // Page by page, in German.
        let cites = PageCitations::new(&style, "de", "Site", "", "");
        let text = cites.cite(&style, &page);
        assert!(text.contains("2. März 2024"), "{text}");
        assert!(!text.contains("{Y2}"), "{text}");
    }

    #[test]
    fn unknown_styles_are_errors_with_a_suggestion() {
        let err = CitationStyle::load(Some("chicago-note"), Path::new("."), "en").unwrap_err();
        assert!(err.contains("did you mean `chicago-notes`?"), "{err}");
        let err =
            CitationStyle::load(Some("missing.csl"), Path::new("/nowhere"), "en").unwrap_err();
        assert!(err.contains("cannot read the citation style"), "{err}");
    }

    #[test]
    fn an_entry_hayagriva_cannot_read_is_left_empty_not_the_others() {
        let style = CitationStyle::load(None, Path::new("."), "en").unwrap();
        let mut items = report();
        items.push((
            "bad".to_string(),
            serde_json::json!({"type": "report", "title": "T", "url": "not a url"}),
        ));
        let out = style.format(&items);
        assert!(out[0].text.starts_with("The i-Soon-Leaks"), "{:?}", out[0]);
        assert_eq!(out[1], Formatted::default());
    }

    #[test]
    fn text_is_escaped() {
        let style = CitationStyle::load(None, Path::new("."), "en").unwrap();
        let out = style.format(&[(
            "x".to_string(),
            serde_json::json!({"type": "report", "title": "A <b> & C", "date": "2020"}),
        )]);
        assert!(
            out[0].html.contains("A &lt;b&gt; &amp; C"),
            "{}",
            out[0].html
        );
    }

    fn page_citations(style: &str) -> (CitationStyle, PageCitations) {
        let style = CitationStyle::load(Some(style), Path::new("."), "en").unwrap();
        let cites = PageCitations::new(
            &style,
            "en",
            "Browser fixture",
            "Example Press",
            "The editors",
        );
        (style, cites)
    }

    #[test]
    fn a_page_is_cited_in_the_style_with_its_dates_and_the_date_of_access() {
        let page = PageFacts {
            title: "Browser page",
            url: "https://example.org/page/",
            date: Some("2024-03-02"),
            updated: Some("2024-05-06"),
        };
        let (style, cites) = page_citations("chicago-notes");
        assert_eq!(
            cites.cite(&style, &page),
            "The editors. “Browser page.” Browser fixture, Example Press, March 2, 2024. https://example.org/page/. Updated May 6, 2024. Accessed {MMMM2} {D2}, {Y2}."
        );
        let (style, cites) = page_citations("ieee");
        let text = cites.cite(&style, &page);
        assert!(text.contains("Accessed: {MMM2}. {D2}, {Y2}."), "{text}");
        // Formatting page by page gives the same as the template.
        let direct = style
            .format(&[(
                "page".to_string(),
                page_entry(&page, &cites.site, Some("1986-09-28")),
            )])
            .pop()
            .unwrap()
            .text;
        assert!(
            direct.starts_with(text.split(" Accessed").next().unwrap()),
            "{direct}\n{text}"
        );
        let undated = PageFacts {
            date: None,
            updated: None,
            ..page
        };
        let (style, cites) = page_citations("apa");
        let text = cites.cite(&style, &undated);
        assert!(
            text.contains("Browser page") && text.contains("https://example.org/page/"),
            "{text}"
        );
    }
}
