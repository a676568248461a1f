//! Bad input of every kind gets a message, never a panic, a hang or a file
//! silently lost (each case here failed once).

use crate::common::Fixture;

#[test]
fn a_citation_used_hundreds_of_times_gets_a_label_for_each_use() {
    let site = Fixture::new("citations");
    let many = "A claim [@report, p. 2].\n\n".repeat(703);
    let bracket = vec!["@report, p. 3"; 800].join("; ");
    site.write(
        "content/many.md",
        &format!("+++\ntitle = \"Many\"\n+++\n{many}One bracket [{bracket}].\n"),
    );
    site.build(&[]).ok();
    let page = site.html("many/index.html");
    assert_eq!(page.count("sup.cite"), 703 + 800);
    let labels = page.texts("#cite-report-p2 .backrefs a");
    assert_eq!(labels.len(), 703);
    assert_eq!(labels[701], "zz");
    assert_eq!(labels[702], "aaa");
    assert_eq!(page.texts("#cite-report-p3 .backrefs a")[799], "adt");
}

#[test]
fn impossible_dates_are_errors_at_the_date() {
    // (Unquoted TOML dates are refused by the TOML parser itself.)
    for (front, says) in [
        ("date = \"2023-02-29\"", "2023-02 has 28 days"),
        ("updated = \"2024-04-31\"", "2024-04 has 30 days"),
        ("date = 2024-02-30", "invalid date"),
    ] {
        let site = Fixture::new("citations");
        site.write(
            "content/when.md",
            &format!("+++\ntitle = \"When\"\n{front}\n+++\nText.\n"),
        );
        let err = site.build(&[]).failed().stderr();
        assert!(err.contains("content/when.md:3:"), "{front}: {err}");
        assert!(err.contains(says), "{front}: {err}");
    }
    // In YAML too.
    let site = Fixture::new("citations");
    site.write(
        "content/when.md",
        "---\ntitle: When\ndate: 2024-02-30\n---\nText.\n",
    );
    let err = site.build(&[]).failed().stderr();
    assert!(err.contains("content/when.md:3:"), "{err}");
    assert!(err.contains("2024-02 has 29 days"), "{err}");
}

/// Builds the `citations` fixture with `rel` written as `text`; returns the
/// messages of the failed build.
fn fails_with(rel: &str, text: &str) -> String {
    let site = Fixture::new("citations");
    site.write(rel, text);
    site.build(&[]).failed().stderr()
}

#[test]
fn encoded_dot_segments_in_paths_and_aliases_are_refused() {
    for front in [
        "path = \"%2e%2e/%2e%2e/x\"",
        "path = \"a/%2E/b\"",
        "path = \"a%2fb/c\"",
        "aliases = [\"/%2e%2e/old/\"]",
    ] {
        let err = fails_with(
            "content/where.md",
            &format!("+++\ntitle = \"Where\"\n{front}\n+++\nText.\n"),
        );
        let col = front.find('"').unwrap() + 1;
        assert!(
            err.contains(&format!("content/where.md:3:{col}")),
            "{front}: {err}"
        );
    }
}

#[test]
fn errors_point_at_values_written_with_escapes() {
    let err = fails_with(
        "content/where.md",
        "+++\ntitle = \"Where\"\npath = \"..\\\\..\\\\x\"\n+++\nText.\n",
    );
    assert!(err.contains("content/where.md:3:8"), "{err}");
    let err = fails_with(
        "content/where.md",
        "+++\ntitle = \"Where\"\naliases = [\"/ok/\", \"/a\\u0000b/\"]\n+++\nText.\n",
    );
    assert!(err.contains("content/where.md:3:20"), "{err}");
    assert!(!err.contains("staging"), "{err}");
    let err = fails_with(
        "content/where.md",
        "+++\ntitle = \"Where\"\n\n[[citations]]\nid = \"a b<>\\\"&\"\nsource = \"report\"\npage = 1\n+++\nText.\n",
    );
    assert!(err.contains("content/where.md:5:6"), "{err}");
    let err = fails_with(
        "content/glossary/empty.md",
        "+++\nterm = \"EMPTY\"\naliases = [\"E\", \"\"]\n+++\nA term.\n",
    );
    assert!(err.contains("content/glossary/empty.md:3:17"), "{err}");
}

#[test]
fn markdown_files_in_any_case_or_long_extension_are_pages_never_assets() {
    let site = Fixture::new("citations");
    site.write(
        "content/UPPER.MD",
        "+++\ntitle = \"Upper\"\n+++\nShouted.\n",
    );
    site.write(
        "content/long.markdown",
        "+++\ntitle = \"Long\"\n+++\nSpelled out.\n",
    );
    site.build(&[]).ok();
    assert!(site.read("upper/index.html").contains("Shouted."));
    assert!(site.read("long/index.html").contains("Spelled out."));
    assert!(!site.exists("UPPER.MD"));
    assert!(!site.exists("long.markdown"));
}

#[test]
fn an_entity_link_without_text_is_an_error() {
    let site = Fixture::new("entities");
    site.write(
        "content/empty.md",
        "+++\ntitle = \"Empty\"\n+++\nA link [[i-Soon|]] with nothing to show.\n",
    );
    let err = site.build(&[]).failed().stderr();
    assert!(err.contains("content/empty.md:4:8"), "{err}");
    assert!(err.contains("has no text"), "{err}");
}

#[test]
fn an_entity_id_wins_over_another_entitys_alias() {
    let site = Fixture::new("entities");
    // `cnnvd` is also an alias of this entity: [[cnnvd]] still means the id.
    site.write(
        "content/entities/handbook.md",
        "+++\ntitle = \"Handbook\"\nkind = \"document\"\naliases = [\"cnnvd\"]\n+++\nA handbook.\n",
    );
    site.write(
        "content/ids.md",
        "+++\ntitle = \"Ids\"\n+++\nThe [[cnnvd]] and the [[Handbook]].\n",
    );
    site.build(&[]).ok();
    let page = site.html("ids/index.html");
    let links = page.attrs(".content a[href*='/entities/']", "href");
    assert!(links[0].ends_with("/entities/cnnvd/"), "{links:?}");
    assert!(links[1].ends_with("/entities/handbook/"), "{links:?}");
}

#[test]
fn control_characters_are_replaced_with_a_warning() {
    let site = Fixture::new("citations");
    site.write(
        "content/raw.md",
        "+++\ntitle = \"Raw\"\n+++\nA NUL\u{0} and an escape\u{1b}[31m in the text.\n",
    );
    let run = site.build(&[]).ok();
    let err = run.stderr();
    assert!(err.contains("content/raw.md:4:6"), "{err}");
    assert!(err.contains("2 control characters"), "{err}");
    let html = site.read("raw/index.html");
    assert!(!html.contains('\u{0}') && !html.contains('\u{1b}'));
    assert!(
        html.contains("NUL\u{FFFD} and an escape\u{FFFD}[31m"),
        "{html}"
    );
    // `check` reports it too.
    let out = crate::common::bin()
        .args(["check", "--root"])
        .arg(&site.root)
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("2 control characters"), "{said}");
}

#[test]
fn scripts_event_handlers_and_script_urls_in_content_are_errors() {
    let err = fails_with(
        "content/raw.md",
        "+++\ntitle = \"Raw\"\n+++\nFine <abbr title=\"x\">HTML</abbr> stays.\n\n<script>alert(1)</script>\n\nAn <img src=\"/a.png\" alt=\"a\" onerror=\"alert(1)\"> image.\n\nA [link](javascript:alert(1)).\n",
    );
    assert!(err.contains("content/raw.md:6:1"), "{err}");
    assert!(err.contains("`<script>`"), "{err}");
    assert!(err.contains("content/raw.md:8:4"), "{err}");
    assert!(err.contains("`onerror=`"), "{err}");
    assert!(err.contains("content/raw.md:10:3"), "{err}");
    assert!(err.contains("`javascript:` link"), "{err}");
    assert!(err.contains("3 errors"), "{err}");
}

/// Builds the `aliases` fixture (page `report/`, aliases `/old/report/` and
/// `/2024/report.html`) with `files` added.
fn aliases_with(files: &[(&str, &str)]) -> (Fixture, crate::common::Run) {
    let site = Fixture::new("aliases");
    for (rel, text) in files {
        site.write(rel, text);
    }
    let run = site.build(&[]);
    (site, run)
}

#[test]
fn static_files_where_the_build_writes_are_errors_naming_both() {
    for (file, other) in [
        ("static/sitemap.xml", "the sitemap"),
        ("static/404.html", "the 404 page"),
        ("static/report/index.html", "the page content/report.md"),
        (
            "static/old/report/index.html",
            "the alias `/old/report/` (of /report/)",
        ),
        ("static/atom.xml", "the site's feed"),
    ] {
        let (_site, run) = aliases_with(&[(file, "mine")]);
        let err = run.failed().stderr();
        assert!(
            err.contains(&format!("{file} and {other} both want the output file")),
            "{file}: {err}"
        );
    }
    // A page at the feed's path.
    let (_site, run) = aliases_with(&[(
        "content/feed.md",
        "+++\ntitle = \"Feed\"\npath = \"/atom.xml\"\n+++\nNot a feed.\n",
    )]);
    let err = run.failed().stderr();
    assert!(
        err.contains("the site's feed and the page content/feed.md both write atom.xml"),
        "{err}"
    );
    // A file where a page needs a folder.
    let (_site, run) = aliases_with(&[("static/old", "a file")]);
    let err = run.failed().stderr();
    assert!(
        err.contains("static/old writes the file old, where the alias `/old/report/`"),
        "{err}"
    );
}

#[test]
fn a_sites_own_redirects_are_merged_with_the_aliases() {
    let (site, run) = aliases_with(&[("static/_redirects", "/from /to 301")]);
    let run = run.ok();
    assert!(
        run.stderr()
            .contains("static/_redirects and the redirects of the aliases are merged"),
        "{}",
        run.stderr()
    );
    let redirects = site.read("_redirects");
    assert!(redirects.starts_with("/from /to 301\n"), "{redirects}");
    assert!(redirects.contains("/old/report/"), "{redirects}");
}

#[test]
fn a_folder_link_out_of_the_project_is_refused_without_reading_it() {
    for (dir, target) in [("static", "/usr"), ("templates", "/etc")] {
        let site = Fixture::new("citations");
        std::fs::create_dir_all(site.root.join(dir)).unwrap();
        let link = format!("{dir}/{}", target.trim_start_matches('/'));
        std::os::unix::fs::symlink(target, site.root.join(&link)).unwrap();
        let err = site.build(&[]).failed().stderr();
        // One message for the link, nothing about what lies below it.
        assert_eq!(
            err.matches("symbolic link points outside the project")
                .count(),
            1,
            "{err}"
        );
        assert!(err.contains(&format!("--> {link}\n")), "{err}");
        assert!(!err.contains(&format!("{link}/")), "{err}");
        assert!(err.contains("1 error"), "{err}");
    }
}

#[test]
fn nesting_beyond_the_limit_is_refused_at_its_place() {
    for (deep, col) in [
        (">".repeat(100_000) + " deep", 51),
        ("* ".repeat(50_000) + "deep", 101),
    ] {
        let err = fails_with(
            "content/deep.md",
            &format!("+++\ntitle = \"Deep\"\n+++\nA start.\n\n{deep}\n"),
        );
        assert!(
            err.contains(&format!("content/deep.md:6:{col}")),
            "{}",
            &err[..err.len().min(400)]
        );
        assert!(
            err.contains("nest more than 50 deep"),
            "{}",
            &err[..err.len().min(400)]
        );
    }
    // 50 levels are fine.
    let site = Fixture::new("citations");
    site.write(
        "content/deep.md",
        &format!("+++\ntitle = \"Deep\"\n+++\n{} deep\n", ">".repeat(50)),
    );
    site.build(&[]).ok();
}

#[test]
fn thousands_of_findings_on_one_line_each_name_their_place() {
    let links: String = (0..10_000)
        .map(|i| format!("[x](/nowhere-{i}/) "))
        .collect();
    let err = fails_with(
        "content/big.md",
        &format!("+++\ntitle = \"Big\"\n+++\n{links}\n"),
    );
    assert_eq!(err.matches("error: broken link").count(), 10_000);
    let last = links.find("[x](/nowhere-9999/)").unwrap() + 1;
    assert!(
        err.contains(&format!("content/big.md:4:{last}\n")),
        "column {last}"
    );
    // Each shows its own part of the line, not the whole line.
    assert!(err.len() < 10_000 * 1_200, "{} bytes", err.len());
}

/// A site template whose loop runs 10¹⁰ times: `body` is what it writes
/// in each turn.
fn endless_page_template(body: &str) -> String {
    format!(
        "{{% extends \"themes/default/page.html\" %}}{{% block content %}}{{% for i in range(end=100000) %}}{{% for j in range(end=100000) %}}{body}{{% endfor %}}{{% endfor %}}{{% endblock content %}}"
    )
}

/// The error of a build of `citations` with `template` as `page.html` and
/// a budget of 0.5 s, and how long the build took.
fn build_with_page_template(template: &str) -> (String, std::time::Duration) {
    let site = Fixture::new("citations");
    site.write("templates/page.html", template);
    let start = std::time::Instant::now();
    let err = site.build(&["--template-budget", "0.5"]).failed().stderr();
    assert!(
        err.contains("templates/page.html took longer than 0.5 s for the output /page/"),
        "{err}"
    );
    (err, start.elapsed())
}

/// A loop that writes nothing gives the writer no chance to look at the
/// clock: it is stopped all the same (10¹⁰ empty iterations would take
/// minutes).
#[test]
fn a_template_that_loops_without_writing_is_stopped_after_its_budget() {
    let (_, took) = build_with_page_template(&endless_page_template(""));
    assert!(
        took < std::time::Duration::from_secs(30),
        "stopped only after {took:?}"
    );
}

#[test]
fn a_template_that_never_ends_is_stopped_after_its_budget() {
    let (err, _) = build_with_page_template(&endless_page_template("x"));
    assert!(err.contains("--template-budget"), "{err}");
}
