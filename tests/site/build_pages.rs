//! What a successful build produces: URLs, listings, headings, code, templates.

use crate::common::Fixture;

#[test]
fn sections_sort_their_pages_and_link_neighbours() {
    let site = Fixture::new("sections");
    let run = site.build(&[]).ok();
    assert!(
        run.stdout().contains("Built 7 pages, 4 sections"),
        "{}",
        run.stdout()
    );

    let by_weight = site.html("by-weight/index.html");
    assert_eq!(
        by_weight.texts(".listing li a"),
        ["First", "Second", "Third"]
    );
    let by_date = site.html("by-date/index.html");
    assert_eq!(by_date.texts(".listing li a"), ["New", "Old"]);
    let by_title = site.html("by-title/index.html");
    assert_eq!(by_title.texts(".listing li a"), ["alpha", "Beta"]);

    // Previous/next follow the section's order.
    let second = site.html("by-weight/b/index.html");
    assert_eq!(
        second.attrs("a[rel=prev]", "href"),
        ["https://example.org/by-weight/a/"]
    );
    assert_eq!(
        second.attrs("a[rel=next]", "href"),
        ["https://example.org/by-weight/c/"]
    );
    let first = site.html("by-weight/a/index.html");
    assert_eq!(first.count("a[rel=prev]"), 0);

    // The home page lists the top-level sections in the navigation.
    let home = site.html("index.html");
    assert_eq!(
        home.texts(".site-header nav a"),
        ["By date", "By title", "By weight"]
    );
    // Dates: `updated` wins as the last update.
    let new = site.html("by-date/new/index.html");
    assert_eq!(
        new.attrs("article .byline time", "datetime"),
        ["2024-08-08", "2024-08-20"]
    );
    assert_eq!(
        new.texts("article .byline time"),
        ["8 August 2024", "20 August 2024"]
    );
    assert!(
        new.text("article .byline")
            .contains("Updated 20 August 2024")
    );
}

#[test]
fn slugs_paths_bundles_and_base_url() {
    let site = Fixture::new("slugs");
    site.build(&[]).ok();
    assert!(site.exists("notes/my-first-note/index.html"));
    assert!(site.exists("notes/a-better-slug/index.html"));
    assert!(!site.exists("notes/custom/index.html"));
    assert!(site.exists("about/team/index.html"));
    assert!(site.exists("notes/deeper/inside/index.html"));
    assert!(site.exists("notes/bundle/index.html"));
    assert!(
        site.exists("notes/bundle/chart.svg"),
        "a bundle's assets sit beside it"
    );
    assert!(site.exists("notes/安洵/index.html"));

    let page = site.html("notes/a-better-slug/index.html");
    assert_eq!(
        page.attrs("link[rel=canonical]", "href"),
        ["https://example.org/docs/notes/a-better-slug/"]
    );
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/docs/about/team/</loc>"));
    let robots = site.read("robots.txt");
    assert!(robots.contains("Sitemap: https://example.org/docs/sitemap.xml"));
}

#[test]
fn theme_assets_are_root_relative_and_canonical_urls_absolute() {
    // Under a base path (`https://example.org/docs`): the assets are linked
    // from `/docs/…`, so the site is styled from any host that serves it.
    let site = Fixture::new("slugs");
    site.build(&[]).ok();
    let page = site.html("notes/a-better-slug/index.html");
    let assets: Vec<String> = page
        .attrs("link[rel=stylesheet]", "href")
        .into_iter()
        .chain(page.attrs("script[src]", "src"))
        .chain(page.attrs("link[rel=icon]", "href"))
        .collect();
    assert!(assets.len() >= 2, "{assets:?}");
    for a in &assets {
        assert!(a.starts_with("/docs/"), "{a} is not root-relative");
        let file = a.trim_start_matches("/docs/").split('?').next().unwrap();
        assert!(site.exists(file), "{a} names no file of the output");
    }
    assert_eq!(
        page.attrs("link[rel=alternate]", "href"),
        ["https://example.org/docs/atom.xml"]
    );
    assert_eq!(
        page.attrs("meta[property='og:url']", "content"),
        ["https://example.org/docs/notes/a-better-slug/"]
    );
    // At a host's root: `/style.css`.
    site.build(&["--base-url", "https://press.example/"]).ok();
    let page = site.html("about/team/index.html");
    let sheets = page.attrs("link[rel=stylesheet]", "href");
    assert!(sheets[0].starts_with("/style.css?h="), "{sheets:?}");
    for a in &sheets {
        assert!(a.starts_with('/') && !a.starts_with("/docs/"), "{a}");
    }
    // `check` follows them under the base path.
    let out = crate::common::bin()
        .args(["check", "--root"])
        .arg(&site.root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn base_url_from_the_command_line_wins() {
    let site = Fixture::new("slugs");
    site.build(&["--base-url", "https://press.example/"]).ok();
    let page = site.html("about/team/index.html");
    assert_eq!(
        page.attrs("link[rel=canonical]", "href"),
        ["https://press.example/about/team/"]
    );
}

#[test]
fn drafts_are_built_only_when_asked() {
    let site = Fixture::new("drafts");
    site.build(&[]).ok();
    assert!(site.exists("published/index.html"));
    assert!(!site.exists("unfinished/index.html"));
    assert!(!site.exists("wip/index.html"));
    assert!(!site.exists("wip/inside/index.html"));
    assert!(!site.read("sitemap.xml").contains("unfinished"));

    site.build(&["--drafts"]).ok();
    assert!(site.exists("unfinished/index.html"));
    assert!(site.exists("wip/inside/index.html"));
}

#[test]
fn aliases_become_redirect_pages_and_netlify_redirects() {
    let site = Fixture::new("aliases");
    site.build(&[]).ok();
    let redirect = site.html("old/report/index.html");
    assert_eq!(
        redirect.attrs("link[rel=canonical]", "href"),
        ["https://example.org/report/"]
    );
    assert_eq!(
        redirect.attrs("meta[http-equiv=refresh]", "content"),
        ["0; url=https://example.org/report/"]
    );
    assert!(redirect.csp_violations().is_empty());
    assert!(site.exists("2024/report.html"));
    let lines = site.read("_redirects");
    assert_eq!(
        lines.lines().collect::<Vec<_>>(),
        [
            "/2024/report.html /report/ 301",
            "/old/report/ /report/ 301"
        ]
    );
}

#[test]
fn headings_get_unique_ids_self_links_and_a_toc() {
    let site = Fixture::new("headings");
    site.build(&[]).ok();
    let page = site.html("page/index.html");
    assert_eq!(
        page.attrs(".content h2, .content h3, .content h4", "id"),
        [
            "background",
            "details",
            "details-1",
            "background-1",
            "reporting-48h",
            "deep"
        ]
    );
    assert_eq!(
        page.attrs(".content h2 > a.heading-anchor", "href"),
        ["#background", "#background-1", "#reporting-48h"]
    );
    // The TOC nests h3 under h2.
    assert_eq!(
        page.attrs(".toc > ol > li > a", "href"),
        ["#background", "#background-1", "#reporting-48h"]
    );
    assert_eq!(
        page.attrs(".toc > ol > li > ol > li > a", "href"),
        ["#details", "#details-1", "#deep"]
    );
}

#[test]
fn code_is_highlighted_with_classes_only() {
    let site = Fixture::new("highlight");
    let run = site.build(&[]).ok();
    let page = site.html("code/index.html");
    assert_eq!(page.count("pre.hl-code code.language-rust"), 1);
    assert!(page.count("pre.hl-code code.language-rust span[class^=hl-]") > 3);
    // Unknown language: escaped, not interpreted.
    assert_eq!(page.count("code.language-no-such-language b"), 0);
    assert_eq!(
        page.text("code.language-no-such-language"),
        "<b>not bold</b>"
    );
    // The pathological block fell back to plain text, with a warning naming file and line.
    assert_eq!(page.count("pre:not(.hl-code) code.language-python"), 1);
    let stderr = run.stderr();
    assert!(stderr.contains("content/code.md:16"), "{stderr}");
    assert!(stderr.contains("without highlighting"), "{stderr}");
    // So did the unknown language.
    assert!(stderr.contains("content/code.md:10:1"), "{stderr}");
    assert!(
        stderr.contains("no syntax is known for the language `no-such-language`"),
        "{stderr}"
    );
    assert!(
        page.csp_violations().is_empty(),
        "{:?}",
        page.csp_violations()
    );
    let css = site.read("highlight.css");
    assert!(css.contains(".hl-"));
}

#[test]
fn site_templates_and_static_files_override_the_theme() {
    let site = Fixture::new("override");
    site.build(&[]).ok();
    let page = site.html("page/index.html");
    assert_eq!(
        page.text("#site-footer"),
        "Overridden footer for Overridden"
    );
    // The rest still comes from the theme's page.html.
    assert_eq!(page.text("article.page h1"), "Overridden");
    let special = site.html("special/index.html");
    assert!(special.text("#special").starts_with("Special body."));
    assert_eq!(site.read("style.css"), "/* site style wins */\n");
}

#[test]
fn collections_load() {
    let site = Fixture::new("collections");
    site.build(&[]).ok();
    assert!(site.exists("page/index.html"));
}
