//! Entity pages: wikilinks, aliases, "mentioned in", related entities.

use crate::common::Fixture;

fn built() -> Fixture {
    let site = Fixture::new("entities");
    site.build(&[]).ok();
    site
}

#[test]
fn wikilinks_resolve_by_id_title_or_alias_in_any_case() {
    let site = built();
    let page = site.html("page/index.html");
    assert_eq!(
        page.attrs(".content a[href*='/entities/']", "href"),
        [
            "https://example.org/entities/i-soon/",
            "https://example.org/entities/cnnvd/",
            "https://example.org/entities/i-soon/",
            "https://example.org/entities/i-soon/",
            "https://example.org/entities/%E5%AE%89%E6%B4%B5%E5%AD%A6%E9%99%A2/",
        ]
    );
    // The link text is the name as written, or the override after `|`.
    assert_eq!(
        page.texts(".content a[href*='/entities/']"),
        [
            "i-Soon",
            "cnnvd",
            "anxun",
            "the company’s name in Chinese",
            "Anxun College"
        ]
    );
    // Never inside code; a plain mention is not linked without autolink.
    assert_eq!(page.texts(".content code"), ["[[i-Soon]]"]);
    assert!(page.texts(".content p")[0].contains("known as shutd0wn, is not linked"));
    // The page knows which entities it mentions.
    assert!(
        site.exists("entities/安洵学院/index.html"),
        "a Unicode id keeps its letters"
    );
}

#[test]
fn entity_pages_list_mentions_at_the_exact_paragraph() {
    let site = built();
    let entity = site.html("entities/i-soon/index.html");
    assert_eq!(entity.text("h1"), "i-Soon");
    let groups = entity.texts(".mentions .mention-page > a");
    assert_eq!(groups, ["Other page", "Who is who"]);
    let links = entity.attrs(".mentions .mention-page li a", "href");
    assert_eq!(
        links,
        [
            "https://example.org/other/#p-later-the-i-soon-company-again",
            "https://example.org/page/#p-the-company-i-soon-works-with",
            "https://example.org/page/#li-also-called-anxun-in-the-leak",
            "https://example.org/page/#li-its-chinese-name-is-the-companys",
        ]
    );
    // Each link points at an id that exists on the citing page.
    let page = site.html("page/index.html");
    for link in &links[1..] {
        let id = link.split('#').nth(1).unwrap();
        assert_eq!(page.count(&format!("[id='{id}']")), 1, "{id}");
    }
    // With the section heading and the sentence.
    let places = entity.texts(".mentions .mention-page li");
    assert!(
        places
            .iter()
            .any(|p| p.contains("The company: The company i-Soon works with the cnnvd.")),
        "{places:?}"
    );
    // Entity pages mention each other too.
    let alias = site.html("entities/shutd0wn/index.html");
    assert_eq!(alias.texts(".mentions .mention-page > a"), ["i-Soon"]);
    assert_eq!(
        alias.attrs(".mentions .mention-page li a", "href"),
        ["https://example.org/entities/i-soon/#p-a-company-in-shanghai-founded-by"]
    );
}

#[test]
fn related_entities_link_both_ways() {
    let site = built();
    let isoon = site.html("entities/i-soon/index.html");
    assert_eq!(isoon.texts(".related li a"), ["Anxun College", "CNNVD"]);
    let cnnvd = site.html("entities/cnnvd/index.html");
    assert_eq!(cnnvd.texts(".related li a"), ["i-Soon"]);
}

#[test]
fn index_groups_entities_by_kind_and_json_ld_names_aliases() {
    let site = built();
    let index = site.html("entities/index.html");
    // A to Z by title, each with its kind and one-line description (the
    // first sentence of its body when it has no `description`).
    assert_eq!(
        index.texts(".entity-list > li > a"),
        ["Anxun College", "CNNVD", "i-Soon", "shutd0wn"]
    );
    assert_eq!(
        index.texts(".entity-list .entity-kind"),
        [
            "(organization)",
            "(organization)",
            "(organization)",
            "(alias)"
        ]
    );
    for li in index.texts(".entity-list > li") {
        assert!(li.contains(" — "), "no description: {li}");
        assert!(!li.contains('['), "a marker in the description: {li}");
    }
    let entity = site.html("entities/i-soon/index.html");
    let ld: serde_json::Value =
        serde_json::from_str(&entity.text("script[type='application/ld+json']")).unwrap();
    assert_eq!(ld["@type"], "Organization");
    assert_eq!(
        ld["alternateName"],
        serde_json::json!(["Anxun", "安洵信息"])
    );
    let alias = site.html("entities/shutd0wn/index.html");
    let ld: serde_json::Value =
        serde_json::from_str(&alias.text("script[type='application/ld+json']")).unwrap();
    assert_eq!(ld["@type"], "Person");
}

#[test]
fn autolink_links_the_first_plain_mention_only() {
    let site = Fixture::new("entities-autolink");
    site.build(&[]).ok();
    let page = site.html("page/index.html");
    assert_eq!(
        page.texts(".content a[href*='/entities/']"),
        ["China National Vulnerability Database"]
    );
    assert_eq!(page.count(".content h2 a[href*='/entities/']"), 0);
    assert_eq!(
        page.texts(".content a[href='https://example.com/x']"),
        ["link about CNNVD"]
    );
    let entity = site.html("entities/cnnvd/index.html");
    assert_eq!(
        entity.attrs(".mentions .mention-page li a", "href"),
        ["https://example.org/page/#p-the-china-national-vulnerability-database-is"]
    );
}

#[test]
fn unknown_and_ambiguous_names_are_errors_with_suggestions() {
    let site = Fixture::new("err-entity");
    let err = site.build(&[]).failed().stderr();
    assert!(err.contains("content/page.md:4:11"), "{err}");
    assert!(err.contains("unknown entity `Ministry C`"), "{err}");
    assert!(err.contains("closest: `ministry a`"), "{err}");
    assert!(err.contains("content/page.md:4:37"), "{err}");
    assert!(
        err.contains("ambiguous entity `the ministry`: it names `ministry-a` and `ministry-b`"),
        "{err}"
    );
}
