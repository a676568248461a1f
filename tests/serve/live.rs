//! Edits of every kind are served, and only what they touch is rebuilt.

use crate::common::Served;

#[test]
fn page_edit_rerenders_the_page_and_its_listing_only() {
    let s = Served::start("serve-basic", &[]);
    s.wait_for_text("/notes/first/", "This is the first note.");
    s.write(
        "content/notes/first.md",
        "+++\ntitle = \"Note First\"\nweight = 1\n+++\nAn edited first note.\n",
    );
    s.wait_for_text("/notes/first/", "An edited first note.");
    // The page and the section that lists it; one body.
    let reports = s.expect_reports(2);
    assert!(
        reports[1].starts_with("Rebuilt 2 outputs (1 Markdown body, 0 files read)"),
        "{}",
        s.log()
    );
}

#[test]
fn pages_added_renamed_and_deleted() {
    let s = Served::start("serve-basic", &[]);
    s.write(
        "content/notes/fourth.md",
        "+++\ntitle = \"Note Fourth\"\nweight = 5\n+++\nThe fourth note.\n",
    );
    s.wait_for_text("/notes/fourth/", "The fourth note.");
    s.wait_for_text("/notes/", "Note Fourth");
    // Its neighbour now links to it.
    s.wait_for_text("/notes/diagram/", "Note Fourth →");

    s.rename("content/notes/fourth.md", "content/notes/fifth.md");
    s.wait_for_text("/notes/fifth/", "The fourth note.");
    s.wait_for_404("/notes/fourth/");

    s.remove("content/notes/fifth.md");
    s.wait_for_404("/notes/fifth/");
    s.wait_for("/notes/", "without the deleted page", |r| {
        r.status == 200 && !r.text().contains("Note Fourth")
    });
    s.wait_for("/notes/diagram/", "without a next link", |r| {
        r.status == 200 && !r.text().contains("rel=\"next\"")
    });
}

#[test]
fn atomic_save_is_served() {
    let s = Served::start("serve-basic", &[]);
    s.atomic_write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\nSaved through a temporary file.\n",
    );
    s.wait_for_text("/about/", "Saved through a temporary file.");
    // The temporary file is never a page.
    assert_eq!(s.get("/.about.md.tmp/").status, 404);
}

#[test]
fn folders_renamed_and_deleted() {
    let s = Served::start("serve-basic", &[]);
    s.rename("content/notes", "content/journal");
    s.wait_for_text("/journal/first/", "This is the first note.");
    s.wait_for_text("/journal/diagram/box.svg", "<rect");
    s.wait_for_404("/notes/first/");
    s.wait_for_404("/notes/diagram/box.svg");

    s.remove("content/journal");
    s.wait_for_404("/journal/first/");
    s.wait_for_404("/journal/");

    // A whole content folder removed and made again (as a checkout of
    // another branch can do) is still watched.
    s.remove("content");
    s.wait_for_404("/about/");
    s.write(
        "content/again.md",
        "+++\ntitle = \"Again\"\n+++\nBack again.\n",
    );
    s.wait_for_text("/again/", "Back again.");
}

#[test]
fn static_file_is_copied_alone() {
    let s = Served::start("serve-basic", &[]);
    s.wait_for_text("/app.css", "#123");
    s.write("static/app.css", "body { color: #456; }\n");
    s.wait_for_text("/app.css", "#456");
    let reports = s.expect_reports(2);
    assert!(
        reports[1].starts_with("Rebuilt 0 outputs (0 Markdown bodies, 1 file read)"),
        "{}",
        s.log()
    );

    s.write("static/new/extra.txt", "extra");
    s.wait_for_text("/new/extra.txt", "extra");
    s.remove("static/data");
    s.wait_for_404("/data/info.txt");
}

#[test]
fn template_change_rerenders_without_rereading_content() {
    let s = Served::start("serve-basic", &[]);
    // The site has no templates/ folder yet: making it is seen too.
    s.write(
        "templates/page.html",
        "{% extends \"themes/default/page.html\" %}\n{% block footer %}<p>Custom footer</p>{% endblock footer %}\n",
    );
    s.wait_for_text("/about/", "Custom footer");
    let reports = s.wait_for_reports(2);
    let report = reports.last().unwrap();
    assert!(report.contains("(0 Markdown bodies"), "{report}");
    s.remove("templates/page.html");
    s.wait_for("/about/", "without the override", |r| {
        r.status == 200 && !r.text().contains("Custom footer")
    });
}

#[test]
fn config_change_rebuilds_everything() {
    let s = Served::start("serve-basic", &[]);
    s.write(
        "config.toml",
        "title = \"Renamed fixture\"\nbase_url = \"https://example.org\"\n",
    );
    s.wait_for_text("/about/", "Renamed fixture");
    s.wait_for_text("/notes/first/", "Renamed fixture");
    // Every page shows the title, and no body reads it.
    let reports = s.expect_reports(2);
    assert!(
        reports[1].starts_with("Rebuilt 8 outputs (0 Markdown bodies"),
        "{}",
        s.log()
    );
}

#[test]
fn a_burst_of_files_makes_one_rebuild() {
    let s = Served::start("serve-basic", &[]);
    s.wait_for_text("/about/", "The about page.");
    // Like `git checkout` of another branch: many files written at once.
    for i in 0..60 {
        s.write(
            &format!("content/burst/p{i:02}.md"),
            &format!("+++\ntitle = \"Burst {i}\"\nweight = {i}\n+++\nBurst page {i}.\n"),
        );
    }
    s.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\nAfter the burst.\n",
    );
    s.wait_for_text("/about/", "After the burst.");
    for i in 0..60 {
        s.wait_for_text(&format!("/burst/p{i:02}/"), &format!("Burst page {i}."));
    }
    s.expect_reports(2);
}

#[test]
fn the_polling_watcher_sees_edits_too() {
    let s = Served::start("serve-basic", &["--poll"]);
    s.wait_for_text("/about/", "The about page.");
    s.atomic_write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\nSeen by polling.\n",
    );
    s.wait_for_text("/about/", "Seen by polling.");
    s.remove("content/notes/third.md");
    s.wait_for_404("/notes/third/");
}

#[test]
fn content_assets_are_served_and_updated() {
    let s = Served::start("serve-basic", &[]);
    s.wait_for_text("/notes/diagram/box.svg", "<rect");
    s.write(
        "content/notes/diagram/box.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"4\"/></svg>\n",
    );
    let r = s.wait_for_text("/notes/diagram/box.svg", "<circle");
    assert_eq!(r.header("content-type"), Some("image/svg+xml"));
    // Only the asset was read; no page was rendered.
    let reports = s.expect_reports(2);
    assert!(
        reports[1].starts_with("Rebuilt 0 outputs (0 Markdown bodies, 1 file read)"),
        "{}",
        s.log()
    );
}

#[test]
fn drafts_are_served_only_with_the_flag() {
    let draft = "+++\ntitle = \"Draft\"\ndraft = true\n+++\nNot yet.\n";
    let without = Served::start("serve-basic", &[]);
    without.write("content/draft.md", draft);
    without.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\nAfter the draft.\n",
    );
    without.wait_for_text("/about/", "After the draft.");
    assert_eq!(without.get("/draft/").status, 404);

    let with = Served::start("serve-basic", &["--drafts"]);
    with.write("content/draft.md", draft);
    with.wait_for_text("/draft/", "Not yet.");
}

#[test]
fn source_text_edit_rechecks_and_rerenders_what_rests_on_it() {
    let s = Served::start("serve-source-text", &[]);
    s.wait_for_text("/sources/rep/", "via specified reporting channels.");
    // The quote moves to another page: the rebuild fails, naming it, and
    // the last good site stays.
    let text = std::fs::read_to_string(s.root.join("content/sources/rep.txt")).unwrap();
    let moved = text
        .replace(
            "The company reports identified vulnerabilities within 48 hours via specified\nreporting channels.",
            "The company has a rule.",
        )
        .replace("=== page 3 ===\n", "=== page 3 ===\nIt reports identified vulnerabilities within 48 hours.\n");
    s.write("content/sources/rep.txt", &moved);
    let r = s.wait_for("/page/", "showing the overlay", |r| {
        r.text().contains("sourcebrief-overlay")
    });
    assert!(
        r.text().contains("found on page 3, not on page 1"),
        "{}",
        r.text()
    );
    // Fixed in the text: the passage shows the new sentence. Only the body
    // that cites the source went through the passes again (its quote is
    // checked against the new text; the unrelated page and the source's
    // own description read no text), and only the source's page, which
    // shows the passage, through its template (the citing page looks the
    // same).
    let fixed = text.replace(
        "via specified\nreporting channels.",
        "through fixed\nchannels.",
    );
    s.write("content/sources/rep.txt", &fixed);
    s.wait_for_text(
        "/sources/rep/",
        "within 48 hours</mark> through fixed channels.",
    );
    let reports = s.wait_for_reports(2);
    let report = reports.last().unwrap();
    assert!(
        report.starts_with("Rebuilt 1 output (1 Markdown body"),
        "{report}\n{}",
        s.log()
    );
    // What is served is what a clean build writes.
    let clean = sourcebrief::engine::Engine::clean(&s.build_options()).unwrap();
    for path in [
        "page/index.html",
        "sources/rep/index.html",
        "unrelated/index.html",
    ] {
        let served = s.get(&format!("/{}", path.trim_end_matches("index.html")));
        assert_eq!(
            served.built_body(),
            clean[path].to_vec(),
            "{path} differs from a clean build"
        );
    }
}

#[test]
fn outputs_wanted_twice_are_refused_and_redirects_merged_as_build_does() {
    let s = Served::start("serve-basic", &[]);
    s.wait_for_text("/about/", "The about page.");
    s.write(
        "content/about.md",
        "+++\ntitle = \"About\"\naliases = [\"/old-about/\"]\n+++\nThe about page.\n",
    );
    s.wait_for_text("/_redirects", "/old-about/");
    // The site's own _redirects is merged, its lines first, as in a build.
    s.write("static/_redirects", "/from /to 301\n");
    let r = s.wait_for_text("/_redirects", "/from /to 301");
    assert!(r.text().starts_with("/from /to 301\n"), "{}", r.text());
    assert!(r.text().contains("/old-about/"), "{}", r.text());
    let clean = sourcebrief::engine::Engine::clean(&s.build_options()).unwrap();
    assert_eq!(r.built_body(), clean["_redirects"].to_vec());
    // A static file where the build writes is an error in the overlay.
    s.write("static/sitemap.xml", "<mine/>");
    let r = s.wait_for("/about/", "showing the overlay", |r| {
        r.text().contains("sourcebrief-overlay")
    });
    assert!(
        r.text()
            .contains("static/sitemap.xml and the sitemap both want the output file"),
        "{}",
        r.text()
    );
    assert!(!s.get("/sitemap.xml").text().contains("<mine/>"));
}
