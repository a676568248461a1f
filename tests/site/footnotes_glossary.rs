//! Footnotes with back-links and previews; glossary terms that link themselves.

use crate::common::Fixture;

#[test]
fn footnotes_are_numbered_by_first_use_with_backlinks_and_previews() {
    let site = Fixture::new("footnotes");
    site.build(&[]).ok();
    let page = site.html("page/index.html");
    // Lettered, told apart from the numbered citations.
    assert_eq!(page.texts(".content sup.fnref > a"), ["a", "b", "a"]);
    assert_eq!(page.attrs("section.footnotes ol", "type"), ["a"]);
    assert_eq!(
        page.attrs(".content sup.fnref", "id"),
        ["fnref-leak-size-1", "fnref-second-1", "fnref-leak-size-2"]
    );
    assert_eq!(
        page.attrs(".content sup.fnref > a", "href")[0],
        "#fn-leak-size"
    );
    // The notes list follows first use, and links back to every reference.
    assert_eq!(
        page.attrs("section.footnotes li", "id"),
        ["fn-leak-size", "fn-second"]
    );
    assert_eq!(
        page.attrs("#fn-leak-size a.fn-back", "href"),
        ["#fnref-leak-size-1", "#fnref-leak-size-2"]
    );
    assert_eq!(page.texts("#fn-leak-size a.fn-back"), ["↩", "↩2"]);
    // The preview holds the note's text and is tied to the link.
    let tip = page.attrs("#fnref-leak-size-1 > a", "aria-describedby");
    assert_eq!(
        page.text(&format!("#{}", tip[0])),
        "Over 570 files, images and chat messages."
    );
    assert!(page.csp_violations().is_empty());
}

#[test]
fn footnote_ids_stay_when_a_note_is_added_earlier() {
    let site = Fixture::new("footnotes");
    site.build(&[]).ok();
    site.write(
        "content/page.md",
        "+++\ntitle = \"Notes\"\n+++\nA new first note[^new].\n\nThe leak was large[^leak-size]. A second note[^second]. The size again[^leak-size].\n\n[^new]: New.\n\n[^second]: The second note.\n\n[^leak-size]: Over 570 files, images and chat messages.\n",
    );
    site.build(&[]).ok();
    let page = site.html("page/index.html");
    assert_eq!(page.text("#fnref-leak-size-1 > a"), "b");
    assert_eq!(
        page.attrs("#fnref-leak-size-1 > a", "href"),
        ["#fn-leak-size"]
    );
    assert_eq!(page.count("#fn-leak-size"), 1);
    assert_eq!(page.count("#fnref-second-1"), 1);
}

#[test]
fn undefined_footnote_is_an_error_and_unused_a_warning() {
    let site = Fixture::new("err-footnote");
    let err = site.build(&[]).failed().stderr();
    assert!(err.contains("footnote `[^nope]` is not defined"), "{err}");
    assert!(err.contains("content/page.md:6:8"), "{err}");

    // Once fixed, the unused note is only a warning.
    site.write(
        "content/page.md",
        "+++\ntitle = \"Notes\"\n+++\nDefined[^ok].\n\n[^ok]: Fine.\n\n[^unused]: Never referenced.\n",
    );
    let warn = site.build(&[]).ok().stderr();
    assert!(
        warn.contains("footnote `[^unused]` is defined but never referenced"),
        "{warn}"
    );
    assert!(warn.contains("content/page.md:8:1"), "{warn}");
}

fn glossary_site() -> Fixture {
    let site = Fixture::new("glossary");
    site.build(&[]).ok();
    site
}

#[test]
fn the_first_occurrence_of_a_term_links_to_its_entry() {
    let site = glossary_site();
    let page = site.html("page/index.html");
    let terms = page.texts(".content a.term");
    assert_eq!(terms, ["APT", "Vulnerability mining", "mining", "CNNVD"]);
    let hrefs = page.attrs(".content a.term", "href");
    assert_eq!(hrefs[0], "https://example.org/glossary/#apt");
    assert_eq!(
        page.attrs(".content a.term abbr", "title")[0],
        "Advanced Persistent Threat"
    );
    // The expansion is also a tooltip tied to the link, for hover and keyboard focus.
    let tip = page.attrs(".content a.term", "aria-describedby");
    assert_eq!(
        page.text(&format!("#{}", tip[0])),
        "Advanced Persistent Threat"
    );
    // First occurrence only: the second APT and the alias on the same page stay text.
    assert_eq!(
        page.count(".content a.term abbr[title='Advanced Persistent Threat']"),
        1
    );
    // Longest match: "Vulnerability mining" is one term, "mining" another.
    assert_eq!(
        hrefs[1],
        "https://example.org/glossary/#vulnerability-mining"
    );
    assert_eq!(hrefs[2], "https://example.org/glossary/#mining");
    // A term with an entity links to the entity page, keeping the tooltip.
    assert_eq!(hrefs[3], "https://example.org/entities/cnnvd/");
    assert_eq!(
        page.attrs(".content a.term abbr", "title")[3],
        "China National Vulnerability Database"
    );
}

#[test]
fn terms_in_headings_code_links_alt_text_and_html_are_left_alone() {
    let site = glossary_site();
    let page = site.html("page/index.html");
    assert_eq!(page.count(".content h2 a.term"), 0);
    assert_eq!(page.count(".content code a"), 0);
    assert_eq!(
        page.texts(".content a[href='https://example.org']"),
        ["APT in a link"]
    );
    assert_eq!(page.attrs(".content img", "alt"), ["APT in alt text"]);
    assert_eq!(page.text(".content span.raw"), "APT raw");
    assert_eq!(page.count(".content span.raw a"), 0);
    // Lower-case "apt" is not the all-capital term.
    assert!(page.texts(".content p")[0].contains("an apt remark"));
}

#[test]
fn aliases_link_on_first_use() {
    let site = glossary_site();
    let other = site.html("other/index.html");
    assert_eq!(other.texts(".content a.term"), ["APTs"]);
    assert_eq!(
        other.attrs(".content a.term", "href"),
        ["https://example.org/glossary/#apt"]
    );
    // The page lists the terms it uses.
    assert_eq!(other.texts(".page-terms li a"), ["APT"]);
}

#[test]
fn the_glossary_page_lists_terms_a_to_z_with_definitions_citations_and_uses() {
    let site = glossary_site();
    let g = site.html("glossary/index.html");
    assert_eq!(
        g.texts(".glossary-entry dfn"),
        ["APT", "CNNVD", "mining", "vulnerability mining"]
    );
    assert_eq!(
        g.attrs(".glossary-entry", "id"),
        ["apt", "cnnvd", "mining", "vulnerability-mining"]
    );
    assert_eq!(g.text("#apt .expansion"), "(Advanced Persistent Threat)");
    assert_eq!(g.text("#apt .aliases"), "Also: APTs");
    // The definition's citation, with ids that cannot clash with other entries.
    assert_eq!(g.attrs("#apt sup.cite", "id"), ["cite-ref-apt-def-1"]);
    assert_eq!(g.text("#apt .reference-list .ref-pages"), "p. 4");
    assert_eq!(
        g.attrs("#vulnerability-mining sup.cite", "id"),
        ["cite-ref-vulnerability-mining-report-p3-1"]
    );
    // Used on.
    assert_eq!(
        g.attrs("#apt .used-on a", "href"),
        ["https://example.org/other/", "https://example.org/page/"]
    );
    assert_eq!(g.texts("#cnnvd .entity-link a"), ["CNNVD"]);
    // Definitions do not link terms to themselves.
    assert_eq!(g.count(".glossary-entry dd a.term"), 0);
    // JSON-LD DefinedTermSet.
    let ld: serde_json::Value =
        serde_json::from_str(&g.text("script[type='application/ld+json']")).unwrap();
    assert_eq!(ld["@type"], "DefinedTermSet");
    assert_eq!(ld["hasDefinedTerm"][0]["@type"], "DefinedTerm");
    assert_eq!(ld["hasDefinedTerm"][0]["name"], "APT");
    assert_eq!(ld["hasDefinedTerm"][0]["alternateName"][0], "APTs");
    // The source page counts the glossary's citations too.
    let source = site.html("sources/report/index.html");
    assert_eq!(
        source.attrs("#p-4 .claims a", "href"),
        [
            "https://example.org/glossary/#p-a-long-running-state-backed-hacking",
            "https://example.org/glossary/#cite-ref-apt-def-1"
        ]
    );
}
