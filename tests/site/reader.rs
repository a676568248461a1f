//! The reader's side of the default theme, in parsed HTML: the site's
//! structure (navigation, listings, the sources index), the byline, the
//! favicon and typography (markers kept to their word, smart punctuation).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use scraper::Html;

use crate::common::{Fixture, Page, build_into, bundled_site};

/// The bundled briefing, built once for these tests.
fn bundled() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &OUT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let root = bundled_site(tmp.path());
        let out = tmp.path().join("out");
        build_into(&root, &out, &[]);
        (tmp, out)
    })
    .1
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(bundled().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn html(rel: &str) -> Page {
    Page(Html::parse_document(&read(rel)))
}

#[test]
fn the_navigation_names_what_the_headings_name_and_lists_methodology() {
    let home = html("index.html");
    assert_eq!(
        home.texts(".site-nav a"),
        ["Briefing", "Methodology", "Glossary", "Entities", "Sources"]
    );
    for (path, h1) in [
        ("glossary/index.html", "Glossary"),
        ("entities/index.html", "Entities"),
        ("sources/index.html", "Sources"),
        ("methodology/index.html", "Methodology"),
    ] {
        assert_eq!(html(path).text("main h1"), h1, "{path}");
    }
    // The breadcrumbs of an entity and a source use the same names.
    let entity = html("entities/i-soon/index.html");
    assert_eq!(entity.texts(".breadcrumbs li")[1], "Entities");
    let source = html("sources/bfv-2024-part2/index.html");
    assert_eq!(source.texts(".breadcrumbs li")[1], "Sources");
    assert_eq!(
        html("methodology/index.html").attrs(".site-nav a[aria-current]", "href"),
        ["https://isoon-briefing.netlify.app/methodology/"]
    );
}

#[test]
fn a_listing_comes_before_the_references_and_is_not_shown_twice() {
    // The briefing's body lists and links its five pages: the template
    // does not list them again.
    let text = read("briefing/index.html");
    let page = Page(Html::parse_document(&text));
    assert_eq!(
        page.count("article .content ol.listing, article > ol.listing"),
        0
    );
    assert_eq!(page.count("section.references"), 1);
    // The home page: its subsections and pages, then its references.
    let home = read("index.html");
    let listing = home.find("class=\"listing\"").expect("a listing");
    let references = home.find("class=\"references\"").expect("references");
    assert!(
        listing < references,
        "the listing comes after the references"
    );
    // A section whose body does not link its pages lists them, before its
    // references.
    let site = Fixture::new("sections");
    site.build(&[]).ok();
    let section = site.html("by-date/index.html");
    assert!(section.count("ol.listing li") > 0);
}

#[test]
fn the_sources_index_separates_cited_sources_from_related_documents() {
    let index = html("sources/index.html");
    assert_eq!(index.text("#cited-sources"), "Cited on this site (1)");
    assert_eq!(index.text("#related-documents"), "Related documents (4)");
    assert_eq!(
        index.texts("#cited-sources + .listing > li > a"),
        [
            "The i-Soon-Leaks: Industrialization of Cyber Espionage. Part 2: Connections of i-Soon to the Chinese security apparatus"
        ]
    );
    assert_eq!(index.count("#related-documents ~ .listing > li"), 4);
    // The footer names the same cited sources, with the same count.
    let footer = index.text(".footer-sources");
    assert!(footer.starts_with("Based on 1 source:"), "{footer}");
    assert_eq!(
        index.texts(".footer-sources a"),
        ["BfV Cyber Insight, part 2"]
    );
}

#[test]
fn the_entity_index_shows_kind_and_description_a_to_z() {
    let index = html("entities/index.html");
    let titles = index.texts(".entity-list > li > a");
    let mut sorted = titles.clone();
    sorted.sort_by_key(|t| t.to_lowercase());
    assert_eq!(titles, sorted);
    assert_eq!(titles.len(), 9);
    for li in index.texts(".entity-list > li") {
        assert!(li.contains(") — "), "kind and description: {li}");
    }
    assert!(
        index.texts(".entity-list > li").contains(
            &"Chinese Communist Party (organization) — The Chinese Communist Party (CCP)."
                .to_string()
        ),
        "{:?}",
        index.texts(".entity-list > li")
    );
}

#[test]
fn every_article_has_a_byline_and_its_json_ld_names_author_and_publisher() {
    let page = html("briefing/market/index.html");
    let byline = page.text("article .byline");
    assert!(
        byline.starts_with("By The i-Soon briefing editors · The i-Soon leaks, explained · Published 27 November 2026"),
        "{byline}"
    );
    let ld: serde_json::Value =
        serde_json::from_str(&page.text("script[type='application/ld+json']")).unwrap();
    assert_eq!(ld["author"]["name"], "The i-Soon briefing editors");
    assert_eq!(ld["publisher"]["name"], "The i-Soon leaks, explained");
    // Without `publisher`, the site's title publishes it; without
    // `author`, there is no "By".
    let site = Fixture::new("citations");
    site.build(&[]).ok();
    let page = site.html("page/index.html");
    assert_eq!(page.text(".byline .publisher"), "Citations");
    assert_eq!(page.count(".byline .author"), 0);
}

#[test]
fn the_site_has_a_favicon() {
    let home = html("index.html");
    assert_eq!(home.attrs("link[rel=icon]", "href"), ["/favicon.svg"]);
    assert!(read("favicon.svg").starts_with("<svg"));
}

#[test]
fn markers_keep_to_the_word_before_them() {
    let site = Fixture::new("citations");
    site.build(&[]).ok();
    let text = site.read("page/index.html");
    // `two at once [@reporting-48h; @levels]`: no space before the
    // markers, a word joiner before each, so no line starts with one.
    assert!(
        text.contains("two at once\u{2060}<sup class=\"cite\" id=\"cite-ref-reporting-48h-3\""),
        "{text}"
    );
    assert!(text.contains("</sup>\u{2060}<sup class=\"cite\" id=\"cite-ref-levels-2\""));
    assert!(!text.contains(" <sup class=\"cite\""));
    assert!(!text.contains(" \u{2060}<sup"));
    // Notes too, and they are lettered.
    let site = Fixture::new("footnotes");
    site.build(&[]).ok();
    let text = site.read("page/index.html");
    assert!(text.contains("large\u{2060}<sup class=\"fnref\""), "{text}");
}

#[test]
fn titles_descriptions_excerpts_and_previews_get_smart_punctuation() {
    let page = html("briefing/anxun-college/index.html");
    assert_eq!(
        page.text("main h1"),
        "Anxun College and i-Soon\u{2019}s certifications"
    );
    assert!(
        page.text("title")
            .starts_with("Anxun College and i-Soon\u{2019}s")
    );
    let market = html("briefing/market/index.html");
    assert!(market.text(".lede").contains("China\u{2019}s market"));
    // Previews of quotes and the reference list.
    let home = html("index.html");
    let tips = home.texts(".cite-tip").join(" ");
    assert!(tips.contains("China\u{2019}s methods"), "{tips}");
    assert!(!tips.contains('\''), "{tips}");
    // "Mentioned in" excerpts.
    for entity in ["i-soon", "cnnvd", "bfv"] {
        let e = html(&format!("entities/{entity}/index.html"));
        for q in e.texts(".mentions q") {
            assert!(!q.contains(['\'', '"']), "{entity}: {q}");
        }
    }
}

/// The "Cite this" data of a page: its citation in the site's style,
/// BibTeX and RIS, with tokens for the reader's date of access.
fn cite_data(page: &Page) -> serde_json::Value {
    let selector = scraper::Selector::parse("script#cite-data").unwrap();
    let script = page.0.select(&selector).next().expect("cite data");
    serde_json::from_str(&script.text().collect::<String>()).unwrap()
}

#[test]
fn cite_this_gives_the_page_in_the_style_bibtex_and_ris() {
    let page = html("briefing/market/index.html");
    let data = cite_data(&page);
    assert_eq!(
        data["text"],
        "The i-Soon briefing editors. “A competitive market, and i-Soon’s slogan ‘security is limitless’.” The i-Soon leaks, explained, November 27, 2026. https://isoon-briefing.netlify.app/briefing/market/. Accessed {MMMM2} {D2}, {Y2}."
    );
    assert_eq!(
        data["bibtex"],
        "@online{the-i-soon-leaks-explained-briefing-market,\n  author = {{The i-Soon briefing editors}},\n  title = {{A competitive market, and i-Soon’s slogan ‘security is limitless’}},\n  organization = {The i-Soon leaks, explained},\n  date = {2026-11-27},\n  url = {https://isoon-briefing.netlify.app/briefing/market/},\n  urldate = {{Y2}-{MM2}-{DD2}},\n}"
    );
    assert_eq!(
        data["ris"],
        "TY  - ELEC\nAU  - The i-Soon briefing editors\nTI  - A competitive market, and i-Soon’s slogan ‘security is limitless’\nT2  - The i-Soon leaks, explained\nPY  - 2026\nDA  - 2026/11/27\nUR  - https://isoon-briefing.netlify.app/briefing/market/\nY2  - {Y2}/{MM2}/{DD2}\nLA  - en\nER  - "
    );
    // The home page is cited under the site's title.
    let home = cite_data(&html("index.html"));
    assert!(
        home["text"]
            .as_str()
            .unwrap()
            .contains("“The i-Soon leak and the Chinese security apparatus.”"),
        "{home}"
    );
    // In another style, with an update, a publisher and TeX's specials.
    let site = Fixture::new("citations");
    site.write(
        "config.toml",
        "title = \"R&D notes\"\nbase_url = \"https://example.org\"\nauthor = \"Ann Author\"\npublisher = \"Example Press\"\ncitation_style = \"apa\"\n",
    );
    site.write(
        "content/dated.md",
        "+++\ntitle = \"A 100% dated page\"\ndate = 2024-03-02\nupdated = 2024-05-06\n+++\nText.\n",
    );
    site.build(&[]).ok();
    let data = cite_data(&site.html("dated/index.html"));
    let text = data["text"].as_str().unwrap();
    // The update and the date of access in the style's own form of a date.
    assert_eq!(
        text,
        "Ann Author. (2024, March 2). A 100% dated page. Example Press. R&D notes. https://example.org/dated/ Updated 2024, May 6. Accessed {Y2}, {MMMM2} {D2}."
    );
    let bibtex = data["bibtex"].as_str().unwrap();
    assert!(
        bibtex.contains("title = {{A 100\\% dated page}},"),
        "{bibtex}"
    );
    assert!(bibtex.contains("organization = {R\\&D notes},"), "{bibtex}");
    assert!(bibtex.contains("publisher = {Example Press},"), "{bibtex}");
    assert!(bibtex.contains("note = {Updated 2024-05-06},"), "{bibtex}");
    let ris = data["ris"].as_str().unwrap();
    assert!(ris.contains("\nPB  - Example Press\n"), "{ris}");
    assert!(ris.contains("\nN1  - Updated 2024-05-06\n"), "{ris}");
}

#[test]
fn the_glossary_groups_each_terms_references_by_source_in_short() {
    let text = read("glossary/index.html");
    let glossary = Page(Html::parse_document(&text));
    // The entries share one page: each group's id names its term.
    assert_eq!(
        glossary.attrs("#apt .ref-group", "id"),
        ["ref-apt-bfv-2024-part2"]
    );
    assert_eq!(
        glossary.text("#apt .ref-group .ref-short"),
        "BfV Cyber Insight, part 2"
    );
    assert!(glossary.count("#apt .ref-uses > li .ref-pages") >= 1);
    // The source's address is not repeated for every term.
    assert!(
        !text.contains("verfassungsschutz.de"),
        "the full entry on the glossary"
    );
    let ids = glossary.attrs("[id]", "id");
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids");
}
