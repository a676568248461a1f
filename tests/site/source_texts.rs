//! Source texts (`content/sources/<id>.txt`): every quote is checked against
//! the page it cites, and a reader gets from a claim to the quoted words of
//! the source in one click. One fixture a case; each shares the source text
//! `rep.txt` (pages cover, 1, 2, 3).

use crate::common::{Fixture, Page};

/// Builds the fixture and asserts it built.
fn built(name: &str) -> Fixture {
    let site = Fixture::new(name);
    site.build(&[]).ok();
    site
}

use crate::common::build_fails as fails;

fn source_page(site: &Fixture) -> Page {
    site.html("sources/rep/index.html")
}

#[test]
fn a_quote_found_links_claim_and_passage_both_ways() {
    let site = built("quote-found");
    let page = site.html("page/index.html");
    // The reference entry leads to the passage on the source's page.
    let passage = page.attrs("#cite-fast .ref-passage", "href");
    assert_eq!(passage.len(), 1);
    let (url, id) = passage[0].split_once('#').unwrap();
    assert_eq!(url, "https://example.org/sources/rep/");
    assert!(
        id.starts_with("q-1-reports-identified-vulnerabilities-within-48-"),
        "{id}"
    );
    assert_eq!(page.text("#cite-fast .ref-passage"), "p. 1 in the source");
    // So does the preview of the marker.
    assert_eq!(
        page.attrs("#cite-ref-fast-1 .cite-tip a", "href"),
        [passage[0].clone()]
    );
    // The source's page: the passage in its sentence, the quoted words marked.
    let source = source_page(&site);
    let sel = format!("#{id}");
    assert_eq!(source.count(&sel), 1);
    assert_eq!(
        source.text(&format!("{sel} blockquote")),
        "The company reports identified vulnerabilities within 48 hours via specified reporting channels."
    );
    assert_eq!(
        source.text(&format!("{sel} mark")),
        "reports identified vulnerabilities within 48 hours"
    );
    // And the claim that rests on it: the paragraph's anchor, its sentence.
    assert_eq!(
        source.attrs(&format!("{sel} .claims > li > a"), "href"),
        ["https://example.org/page/#p-the-firm-must-report-flaws-within"]
    );
    assert_eq!(
        source.text(&format!("{sel} .claim-excerpt")),
        "The firm must report flaws within two days"
    );
    assert!(page.count("#p-the-firm-must-report-flaws-within") == 1);
    // A phrase quoted in the text is a passage too, on its page.
    let marks = source.texts("#p-3 .passage mark");
    assert_eq!(marks, ["industry that has developed its own dynamics"]);
    // The text itself is never published: excerpts only.
    assert!(!site.exists("sources/rep.txt"));
    assert_eq!(source.count(".page-text"), 0);
    assert_eq!(source.count("section.source-page"), 4, "cover, 1, 2, 3");
    assert_eq!(source.attrs("section.source-page", "id")[0], "p-cover");
}

#[test]
fn a_quote_on_another_page_names_the_page() {
    let err = fails("err-quote-other-page");
    assert!(err.contains("content/page.md:8:9"), "{err}");
    assert!(err.contains("found on page 1, not on page 2"), "{err}");
    assert!(
        err.contains("quote = \"reports identified vulnerabilities within 48 hours\""),
        "the snippet shows the line: {err}"
    );
}

#[test]
fn a_quote_nowhere_shows_the_closest_passage() {
    let err = fails("err-quote-nowhere");
    assert!(err.contains("content/page.md:4:20"), "{err}");
    assert!(err.contains("is on no page of the text of `rep`"), "{err}");
    assert!(
        err.contains(
            "closest passage on page 1 is “customers include the Ministry of Public Security”"
        ),
        "{err}"
    );
}

#[test]
fn an_ellipsis_stands_for_the_words_left_out() {
    let site = built("quote-ellipsis");
    let source = source_page(&site);
    // Each part of the quote is marked, the words between are not.
    let marks = source.texts("#p-1 .passage mark");
    assert!(
        marks.contains(&"reports identified vulnerabilities".to_string()),
        "{marks:?}"
    );
    assert!(
        marks.contains(&"reporting channels".to_string()),
        "{marks:?}"
    );
    assert!(
        marks.contains(&"other state entities".to_string()),
        "{marks:?}"
    );
}

#[test]
fn bracketed_words_are_the_editors() {
    built("quote-insertion");
}

#[test]
fn a_word_split_across_lines_matches_whole() {
    let site = built("quote-hyphen-split");
    let source = source_page(&site);
    assert_eq!(
        source.texts("#p-2 .passage mark"),
        ["the inner workings of private hacker companies"]
    );
}

#[test]
fn straight_and_curly_quotes_and_apostrophes_are_the_same() {
    built("quote-curly-straight");
}

#[test]
fn a_page_range_is_searched_page_by_page_and_across() {
    let site = built("quote-page-range");
    let page = site.html("page/index.html");
    // The quote on the second page of the range links to that page's passage.
    let later = page.attrs("#cite-later .ref-passage", "href");
    assert!(
        later[0].contains("#q-3-pick-and-choose-from-a-"),
        "{later:?}"
    );
    let across = page.attrs("#cite-across .ref-passage", "href");
    assert!(across[0].contains("#q-2-"), "{across:?}");
}

#[test]
fn a_page_the_text_lacks_is_an_error() {
    let err = fails("err-page-label");
    assert!(err.contains("content/page.md:7:1"), "{err}");
    assert!(
        err.contains("has no page 5; its pages are cover, 1, 2, 3"),
        "{err}"
    );
    assert!(err.contains("content/page.md:9:38"), "{err}");
    assert!(err.contains("has no page 7"), "{err}");
    // The declaration's error is not repeated at its use.
    assert!(!err.contains("unknown citation"), "{err}");
    assert!(err.contains("2 errors"), "{err}");
}

#[test]
fn phrases_of_three_words_are_not_checked() {
    built("quote-three-words");
}

#[test]
fn phrases_in_code_link_targets_and_attributes_are_not_checked() {
    built("quote-in-code");
}

#[test]
fn phrases_in_footnotes_list_items_and_table_cells_are_checked() {
    let err = fails("err-quote-footnote-list-table");
    for (at, phrase) in [
        ("content/page.md:6:16", "these words are not on the page"),
        ("content/page.md:10:15", "nor are these words there"),
        ("content/page.md:12:19", "the note has wrong words too"),
    ] {
        assert!(err.contains(at), "{at} in {err}");
        assert!(err.contains(&format!("“{phrase}”")), "{phrase} in {err}");
    }
    assert!(err.contains("3 errors"), "{err}");
}

#[test]
fn a_sentence_citing_two_sources_may_quote_either() {
    let site = built("quote-two-sources");
    let other = site.html("sources/other/index.html");
    assert_eq!(
        other.texts("#p-1 .passage mark"),
        ["the market grows every single year"]
    );
}

#[test]
fn publish_text_shows_the_whole_cited_page_with_the_quote_marked() {
    let site = built("publish-text");
    let source = source_page(&site);
    let text = source.text("#p-1 .page-text");
    assert!(
        text.starts_with("The company reports identified vulnerabilities within 48 hours via specified reporting channels. Its customers include"),
        "{text}"
    );
    assert_eq!(
        source.texts("#p-1 .page-text mark"),
        ["reports identified vulnerabilities within 48 hours"]
    );
    // Only cited pages.
    assert_eq!(source.count(".page-text"), 1);
}

#[test]
fn pdf_links_add_the_offset_to_the_printed_page() {
    let site = built("pdf-links");
    let page = site.html("page/index.html");
    assert_eq!(
        page.attrs("#cite-fast .ref-out", "href"),
        ["https://example.org/report.pdf#page=2"]
    );
    // The PDF's own page number (printed page 1 + offset 1).
    assert_eq!(page.text("#cite-fast .ref-out"), "PDF p. 2 ↗");
    assert_eq!(
        page.attrs("#cite-plain-p2 .ref-out", "href"),
        ["/files/plain.pdf#page=2"]
    );
    // The source's page links each page to its PDF page; the cover is PDF page 1.
    let source = source_page(&site);
    assert_eq!(
        source.attrs(".source-page .pdf-link", "href"),
        [
            "https://example.org/report.pdf#page=1",
            "https://example.org/report.pdf#page=2",
            "https://example.org/report.pdf#page=3",
            "https://example.org/report.pdf#page=4",
        ]
    );
}

#[test]
fn a_text_without_its_source_and_bad_markers_are_errors() {
    let site = Fixture::new("quote-found");
    site.write("content/sources/lost.txt", "=== page 1 ===\ntext\n");
    let err = site.build(&[]).failed().stderr();
    assert!(err.contains("content/sources/lost.txt"), "{err}");
    assert!(err.contains("there is no content/sources/lost.md"), "{err}");

    let site = Fixture::new("quote-found");
    site.write(
        "content/sources/rep.txt",
        "=== page 1 ===\na\n=== page 1 ===\nb\n",
    );
    let err = site.build(&[]).failed().stderr();
    assert!(err.contains("content/sources/rep.txt:3:1"), "{err}");
    assert!(err.contains("page `1` appears twice"), "{err}");
}

#[test]
fn pages_beyond_the_sources_count_are_errors() {
    let site = Fixture::new("quote-found");
    site.write(
        "content/sources/rep.md",
        "+++\ntitle = \"A Report on Things\"\nshort = \"Report\"\npages = 2\n+++\nA report.\n",
    );
    let err = site.build(&[]).failed().stderr();
    assert!(err.contains("content/sources/rep.txt:13:1"), "{err}");
    assert!(err.contains("page 3 is beyond the 2 pages"), "{err}");
}

#[test]
fn check_reports_quote_errors_too() {
    let site = Fixture::new("err-quote-other-page");
    let out = crate::common::bin()
        .args(["check", "--root"])
        .arg(&site.root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        format!("{stdout}{stderr}").contains("found on page 1, not on page 2"),
        "{stdout}{stderr}"
    );
}

#[test]
fn a_page_without_a_number_is_cited_by_its_label() {
    let site = built("quote-named-page");
    let page = site.html("page/index.html");
    assert_eq!(page.text("#cite-dated .ref-pages"), "p. cover");
    let passage = page.attrs("#cite-dated .ref-passage", "href");
    assert!(
        passage[0].contains("/sources/rep/#q-cover-cologne-8-august-2024-"),
        "{passage:?}"
    );
    // The cover is the PDF's first page.
    assert_eq!(
        page.attrs("#cite-dated .ref-out", "href"),
        ["https://example.org/report.pdf#page=1"]
    );
    assert_eq!(
        page.attrs("#cite-rep-pcover .ref-passage", "href"),
        ["https://example.org/sources/rep/#p-cover"]
    );
    let source = source_page(&site);
    assert_eq!(
        source.texts("#p-cover .passage mark"),
        ["Cologne, 8 August 2024"]
    );
    assert_eq!(
        source.count("#p-cover .claims > li"),
        2,
        "both citations of the cover"
    );

    // A label the text does not have, and a named page of a source without
    // a text, are errors.
    let site = Fixture::new("quote-named-page");
    site.write(
        "content/page.md",
        "+++\ntitle = \"A page\"\n\n[[citations]]\nid = \"x\"\nsource = \"rep\"\npage = \"iv\"\n+++\nText [@x].\n",
    );
    let err = site.build(&[]).failed().stderr();
    assert!(err.contains("content/page.md:7:1"), "{err}");
    assert!(
        err.contains("has no page iv; its pages are cover, 1, 2, 3"),
        "{err}"
    );
    let site = Fixture::new("quote-named-page");
    site.write(
        "content/page.md",
        "+++\ntitle = \"A page\"\n+++\nText [@plain, p. cover].\n",
    );
    let err = site.build(&[]).failed().stderr();
    assert!(err.contains("malformed locator `p. cover`"), "{err}");
}
