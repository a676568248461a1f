//! Citations: markers, reference lists, source pages, validation.

use crate::common::Fixture;

fn built() -> Fixture {
    let site = Fixture::new("citations");
    let run = site.build(&[]).ok();
    // The declared-but-unused citation is a warning, not an error.
    let err = run.stderr();
    assert!(
        err.contains("citation `spare` is declared but never cited"),
        "{err}"
    );
    assert!(err.contains("content/page.md:17:6"), "{err}");
    site
}

#[test]
fn markers_number_by_first_use_and_keep_their_number() {
    let site = built();
    let page = site.html("page/index.html");
    let markers = page.texts(".content sup.cite > a");
    assert_eq!(
        markers,
        [
            "[1]", "[2]", "[1]", "[1]", "[2]", "[3]", "[4]", "[5]", "[6]", "[7]", "[8]", "[9]"
        ],
    );
    assert_eq!(
        page.attrs(".content sup.cite", "id")[..5],
        [
            "cite-ref-reporting-48h-1",
            "cite-ref-levels-1",
            "cite-ref-reporting-48h-2",
            "cite-ref-reporting-48h-3",
            "cite-ref-levels-2",
        ]
    );
    assert_eq!(
        page.attrs(".content sup.cite > a", "href")[0],
        "#cite-reporting-48h"
    );
}

#[test]
fn reference_list_links_back_and_out() {
    let site = built();
    let page = site.html("page/index.html");
    // Each source once, in order of first use, with its uses under it in
    // the order of their numbers.
    assert_eq!(
        page.attrs(".reference-list > li", "id"),
        ["ref-report", "ref-web"]
    );
    assert_eq!(
        page.attrs("#ref-report .ref-uses > li", "id"),
        [
            "cite-reporting-48h",
            "cite-levels",
            "cite-report-p4",
            "cite-report-pp3-4",
            "cite-report-p5",
            "cite-report-p6",
            "cite-report-p7",
            "cite-report-p8",
        ]
    );
    assert_eq!(
        page.attrs("#ref-report .ref-uses > li", "value"),
        ["1", "2", "3", "4", "6", "7", "8", "9"]
    );
    assert_eq!(page.attrs("#ref-web .ref-uses > li", "id"), ["cite-web-p2"]);
    assert_eq!(page.attrs("#ref-web .ref-uses > li", "value"), ["5"]);
    // Wikipedia-style back-links: a, b, c for three uses.
    assert_eq!(
        page.texts("#cite-reporting-48h .backrefs a"),
        ["a", "b", "c"]
    );
    assert_eq!(
        page.attrs("#cite-reporting-48h .backrefs a", "href"),
        [
            "#cite-ref-reporting-48h-1",
            "#cite-ref-reporting-48h-2",
            "#cite-ref-reporting-48h-3"
        ]
    );
    assert_eq!(page.texts("#cite-report-p4 .backrefs a"), ["^"]);
    // The source's full entry once (Chicago, the default style), then each
    // use: page, quote.
    assert_eq!(
        page.text("#ref-report > .ref-entry"),
        "A long report title. Example Office, 2024. https://example.com/report. About this source"
    );
    assert_eq!(page.texts("#ref-report i"), ["A long report title"]);
    assert_eq!(page.text("#cite-reporting-48h .ref-pages"), "p. 3");
    assert_eq!(
        page.text("#cite-reporting-48h .ref-quote"),
        "within 48 hours"
    );
    assert_eq!(page.text("#cite-levels .ref-pages"), "pp. 3–4");
    // Out to the PDF at the page, and to the source's page on this site.
    assert_eq!(
        page.attrs("#cite-reporting-48h a.ref-out", "href"),
        ["https://example.com/report.pdf#page=3"]
    );
    assert_eq!(page.text("#cite-reporting-48h a.ref-out"), "PDF p. 3 ↗");
    assert_eq!(
        page.attrs("#cite-reporting-48h a.ref-passage", "href"),
        ["https://example.org/sources/report/#p-3"]
    );
    assert_eq!(
        page.attrs("#ref-report a.ref-source", "href"),
        ["https://example.org/sources/report/"]
    );
    // A source without a PDF: its url once, in its entry, not at each use.
    assert_eq!(page.count("#cite-web-p2 a.ref-out"), 0);
    assert_eq!(
        page.attrs("#ref-web .ref-entry a[href^='https://example.com']", "href"),
        ["https://example.com/web"]
    );
    let text = site.read("page/index.html");
    assert_eq!(
        text.matches("href=\"https://example.com/report\"").count(),
        1,
        "the source's URL once"
    );
}

#[test]
fn entries_are_formatted_in_the_configured_csl_style() {
    let site = Fixture::new("citations");
    let config = site.root.join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}citation_style = \"apa\"\n")).unwrap();
    site.build(&[]).ok();
    let page = site.html("page/index.html");
    assert_eq!(
        page.text("#ref-report > .ref-entry"),
        "A long report title. (2024). Example Office. https://example.com/report About this source"
    );
    // The source's page shows its entry too.
    let source = site.html("sources/report/index.html");
    assert_eq!(
        source.text(".source-entry"),
        "Cite as: A long report title. (2024). Example Office. https://example.com/report"
    );
    // A .csl file of the site's own.
    std::fs::write(
        &config,
        format!("{text}citation_style = \"styles/mine.csl\"\n"),
    )
    .unwrap();
    let err = site.build(&[]).failed().stderr();
    assert!(err.contains("cannot read the citation style"), "{err}");
    assert!(err.contains("config.toml:3:18"), "{err}");
    site.write(
        "styles/mine.csl",
        r#"<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Mine</title><id>mine</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><layout><text variable="publisher" suffix=": "/><text variable="title" font-style="italic"/></layout></bibliography>
</style>
"#,
    );
    site.build(&[]).ok();
    let page = site.html("page/index.html");
    assert_eq!(
        page.text("#ref-report > .ref-entry"),
        "Example Office: A long report title About this source"
    );
    // An unknown name is an error at the setting, with a suggestion.
    std::fs::write(
        &config,
        format!("{text}citation_style = \"chicago-note\"\n"),
    )
    .unwrap();
    let err = site.build(&[]).failed().stderr();
    assert!(err.contains("did you mean `chicago-notes`?"), "{err}");
}

#[test]
fn markers_carry_a_preview() {
    let site = built();
    let page = site.html("page/index.html");
    let first = "#cite-ref-reporting-48h-1";
    assert_eq!(
        page.attrs(&format!("{first} > a"), "data-source"),
        ["Report"]
    );
    assert_eq!(page.attrs(&format!("{first} > a"), "data-page"), ["p. 3"]);
    assert_eq!(
        page.attrs(&format!("{first} > a"), "data-quote"),
        ["within 48 hours"]
    );
    let tip = page.attrs(&format!("{first} > a"), "aria-describedby");
    assert_eq!(
        page.text(&format!("#{}", tip[0])),
        "Report, p. 3: “within 48 hours” p. 3 in the source"
    );
    // The preview leads to the cited page of the source's page.
    assert_eq!(
        page.attrs(&format!("#{} a", tip[0]), "href"),
        ["https://example.org/sources/report/#p-3"]
    );
    assert!(page.csp_violations().is_empty());
}

#[test]
fn citations_work_in_lists_tables_quotes_and_footnotes_but_not_code_or_links() {
    let site = built();
    let page = site.html("page/index.html");
    assert_eq!(page.count(".content ul > li sup.cite"), 1, "list item");
    assert_eq!(page.count("td sup.cite"), 1, "table cell");
    assert_eq!(page.count("blockquote sup.cite"), 1, "blockquote");
    assert_eq!(page.count("section.footnotes li sup.cite"), 1, "footnote");
    assert_eq!(page.texts(".content p > code"), ["[@reporting-48h]"]);
    assert_eq!(page.text(".content pre code"), "[@levels]");
    let last = page.texts(".content > p").pop().unwrap();
    assert!(last.contains("[@report, p. 9]"), "escaped: {last}");
    assert_eq!(
        page.texts(".content a[href='https://example.org']"),
        ["a link with [@report, p. 2] inside"]
    );
}

#[test]
fn json_ld_names_each_source_and_page() {
    let site = built();
    let page = site.html("page/index.html");
    let json = page.text("script[type='application/ld+json']");
    let ld: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(ld["@type"], "Article");
    assert_eq!(ld["headline"], "Cited page");
    let citations = ld["citation"].as_array().unwrap();
    assert_eq!(citations.len(), 9);
    assert_eq!(citations[0]["name"], "A long report title");
    assert_eq!(citations[0]["pagination"], "3");
    assert_eq!(citations[1]["pagination"], "3-4");
    assert_eq!(citations[0]["publisher"]["name"], "Example Office");
}

#[test]
fn source_pages_list_what_rests_on_each_page() {
    let site = built();
    let source = site.html("sources/report/index.html");
    assert_eq!(source.text("h1"), "A long report title");
    // One section per page of the source.
    assert_eq!(source.count("section.source-page"), 10);
    assert_eq!(source.attrs("section.source-page", "id")[3], "p-4");
    // Page 4: the direct cite, the 3-4 range twice (declared and direct), and
    // the other page; one entry per paragraph (its link first, then the
    // links to each of its markers), the two cites of one paragraph merged.
    let links = source.attrs("#p-4 .claims a", "href");
    assert_eq!(
        links,
        [
            "https://example.org/other/#p-also-resting-on-page-four",
            "https://example.org/other/#cite-ref-report-p4-1",
            "https://example.org/page/#p-vulnerabilities-must-be-reported-fast-support",
            "https://example.org/page/#cite-ref-levels-1",
            "https://example.org/page/#p-again-the-rule-and-two-at",
            "https://example.org/page/#cite-ref-levels-2",
            "https://example.org/page/#p-a-direct-cite-and-a-range",
            "https://example.org/page/#cite-ref-report-p4-1",
            "https://example.org/page/#cite-ref-report-pp3-4-1",
        ]
    );
    assert_eq!(source.count("#p-4 .claims > li"), 4);
    // Each entry quotes the sentence that makes the claim.
    assert!(
        source.texts("#p-4 .claims .claim-excerpt")[3].starts_with("A direct cite"),
        "{:?}",
        source.texts("#p-4 .claims .claim-excerpt")
    );
    assert_eq!(
        source.texts("#p-4 .claims a")[0],
        "Another page › Elsewhere"
    );
    assert_eq!(source.texts("#p-3 .claims q")[0], "within 48 hours");
    assert_eq!(
        source.text("#p-10 .no-claims"),
        "Nothing on this site cites page 10."
    );
    // The index of sources.
    let index = site.html("sources/index.html");
    assert_eq!(
        index.texts(".listing a"),
        ["A long report title", "A web page"]
    );
}

#[test]
fn ids_are_stable_when_a_citation_is_added_earlier() {
    let site = built();
    let before = site.html("page/index.html");
    let levels_before = before.attrs("sup.cite", "id");
    assert!(levels_before.contains(&"cite-ref-levels-1".to_string()));
    let text = std::fs::read_to_string(site.root.join("content/page.md")).unwrap();
    let text = text.replace(
        "## Rules\n",
        "## Rules\n\nA new first claim[@report, p. 1].\n",
    );
    site.write("content/page.md", &text);
    site.build(&[]).ok();
    let after = site.html("page/index.html");
    // Numbers move, ids do not.
    assert_eq!(after.text("#cite-ref-levels-1 > a"), "[3]");
    assert_eq!(before.text("#cite-ref-levels-1 > a"), "[2]");
    let ids_after = after.attrs("sup.cite", "id");
    for id in &levels_before {
        assert!(ids_after.contains(id), "{id} disappeared");
    }
    assert!(after.count("#cite-levels") == 1);
}

fn fails(name: &str) -> String {
    let site = Fixture::new(name);
    site.build(&[]).failed().stderr()
}

#[test]
fn unknown_citation_id() {
    let err = fails("err-cite-unknown-id");
    assert!(err.contains("content/page.md:11:7"), "{err}");
    assert!(err.contains("unknown citation `knwon`"), "{err}");
    assert!(err.contains("did you mean `known`?"), "{err}");
}

#[test]
fn unknown_source() {
    let err = fails("err-cite-unknown-source");
    assert!(err.contains("content/page.md:6:10"), "{err}");
    assert!(err.contains("unknown source `reprot`"), "{err}");
    assert!(err.contains("did you mean `report`?"), "{err}");
}

#[test]
fn pages_outside_the_source() {
    let err = fails("err-cite-page-range");
    assert!(err.contains("content/page.md:7:1"), "{err}");
    assert!(
        err.contains("pp. 9–12 is outside `report`, which has 10 pages"),
        "{err}"
    );
    assert!(
        err.contains("content/page.md:9:"),
        "the direct cite too: {err}"
    );
    assert!(err.contains("p. 11 is outside"), "{err}");
}

#[test]
fn malformed_locators() {
    let err = fails("err-cite-locator");
    assert!(err.contains("content/page.md:7:9"), "{err}");
    assert!(
        err.contains("malformed page locator in citation `x`"),
        "{err}"
    );
    assert!(err.contains("content/page.md:9:6"), "{err}");
    assert!(err.contains("malformed locator `chapter 4`"), "{err}");
}

#[test]
fn duplicate_citation_ids() {
    let err = fails("err-cite-duplicate-id");
    assert!(err.contains("content/page.md:10:6"), "{err}");
    assert!(err.contains("declared twice"), "{err}");
}
