//! A failed rebuild keeps the last good site and shows its errors in an
//! overlay on every page; fixing the file recovers without a restart.

use crate::common::{Served, next_event, open_events};

fn has_overlay(body: &str) -> bool {
    body.contains("<div id=\"sourcebrief-overlay\"")
}

#[test]
fn broken_front_matter_shows_the_overlay_until_fixed() {
    let s = Served::start("serve-basic", &[]);
    s.wait_for_text("/about/", "The about page.");
    s.write(
        "content/about.md",
        "+++\ntitle = \"About\"\ncolour = \"<b>bold</b>\"\n+++\nA new text that is not served.\n",
    );
    let r = s.wait_for("/about/", "showing the overlay", |r| has_overlay(&r.text()));
    let body = r.text();
    // The last good page, with the error: file, line, column, message.
    assert!(body.contains("The about page."), "{body}");
    assert!(!body.contains("A new text"), "{body}");
    assert!(body.contains("content/about.md:3:1"), "{body}");
    assert!(body.contains("unknown field `colour`"), "{body}");
    // The offending line is shown escaped, never as markup.
    assert!(
        body.contains("colour = &quot;&lt;b&gt;bold&lt;/b&gt;&quot;"),
        "{body}"
    );
    assert!(!body.contains("<b>bold</b>"), "{body}");
    // No inline style: the overlay is styled by the served stylesheet.
    let overlay = &body[body.find("<div id=\"sourcebrief-overlay\"").unwrap()..];
    assert!(!overlay.contains("style="), "{overlay}");
    let css = s.get("/__sourcebrief/overlay.css");
    assert_eq!(css.status, 200);
    assert!(css.text().contains(".sourcebrief-overlay"));

    // On every page, the 404 page included.
    assert!(has_overlay(&s.get("/notes/first/").text()));
    let missing = s.get("/missing/");
    assert_eq!(missing.status, 404);
    assert!(has_overlay(&missing.text()));
    // Other files are served as they were.
    assert_eq!(s.get("/app.css").status, 200);

    s.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\nFixed again.\n",
    );
    let r = s.wait_for_text("/about/", "Fixed again.");
    assert!(!has_overlay(&r.text()));
    assert!(!has_overlay(&s.get("/notes/first/").text()));
}

/// A site template whose loop runs 10¹⁰ times: `body` is what it writes
/// in each turn.
fn endless_page_template(body: &str) -> String {
    format!(
        "{{% extends \"themes/default/page.html\" %}}{{% block content %}}{{% for i in range(end=100000) %}}{{% for j in range(end=100000) %}}{body}{{% endfor %}}{{% endfor %}}{{% endblock content %}}"
    )
}

/// Serving with a budget of 0.5 s, `template` as `page.html` is stopped
/// and reported in the overlay over the last good site, which comes back
/// once the template is gone.
fn stopped_over_the_last_good_site(template: &str) {
    let s = Served::start("serve-basic", &["--template-budget", "0.5"]);
    s.wait_for_text("/about/", "The about page.");
    s.write("templates/page.html", template);
    let r = s.wait_for("/about/", "showing the overlay", |r| has_overlay(&r.text()));
    let body = r.text();
    assert!(
        body.contains("took longer than 0.5 s for the output"),
        "{body}"
    );
    assert!(body.contains("The about page."), "{body}");
    s.remove("templates/page.html");
    s.wait_for("/about/", "recovered", |r| {
        r.status == 200 && !has_overlay(&r.text())
    });
}

#[test]
fn a_template_that_never_ends_is_stopped_and_the_last_good_site_served() {
    stopped_over_the_last_good_site(&endless_page_template("x"));
}

#[test]
fn a_template_that_loops_without_writing_is_stopped_and_the_last_good_site_served() {
    stopped_over_the_last_good_site(&endless_page_template(""));
}

#[test]
fn template_errors_show_too() {
    let s = Served::start("serve-basic", &[]);
    s.write(
        "templates/page.html",
        "{% extends \"themes/default/page.html\" %}\n{% block footer %}{{ nope( }}{% endblock footer %}\n",
    );
    let r = s.wait_for("/about/", "showing the overlay", |r| has_overlay(&r.text()));
    assert!(r.text().contains("templates/page.html:2:"), "{}", r.text());
    s.remove("templates/page.html");
    s.wait_for("/about/", "recovered", |r| {
        r.status == 200 && !has_overlay(&r.text())
    });
}

#[test]
fn the_event_stream_reports_failure_and_recovery() {
    let s = Served::start("serve-basic", &[]);
    let (status, mut events) = open_events(s.addr, "");
    assert_eq!(status, 200);
    let first = next_event(&mut events);
    // {"site":N,"errors":[...]}
    let site = |event: &str| -> u64 {
        let rest = event.strip_prefix("{\"site\":").expect("a build event");
        rest[..rest.find(',').unwrap()].parse().unwrap()
    };
    let n = site(&first);
    assert!(first.ends_with(",\"errors\":[]}"), "{first}");

    s.write("content/about.md", "+++\ntitle = 3\n+++\nx\n");
    let failed = next_event(&mut events);
    assert!(
        site(&failed) == n
            && failed.contains(",\"errors\":[{\"file\":\"content/about.md\",\"line\":2"),
        "{failed}"
    );

    s.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\nRecovered.\n",
    );
    let fixed = next_event(&mut events);
    assert_eq!(fixed, format!("{{\"site\":{},\"errors\":[]}}", n + 1));
    s.wait_for_text("/about/", "Recovered.");
}

#[test]
fn a_failed_first_build_is_shown_and_recovers() {
    let s = Served::start("serve-broken", &[]);
    let r = s.wait_for("/", "showing the overlay", |r| has_overlay(&r.text()));
    assert_eq!(r.status, 404);
    let body = r.text();
    assert!(body.contains("content/page.md:3:1"), "{body}");
    assert!(
        body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{body}"
    );
    assert!(!body.contains("<script>alert(1)"), "{body}");
    assert!(s.log().contains("Rebuild failed"), "{}", s.log());

    s.write("content/page.md", "+++\ntitle = \"A page\"\n+++\nFixed.\n");
    s.wait_for_text("/page/", "Fixed.");
    let home = s.wait_for_text("/", "Home.");
    assert!(!has_overlay(&home.text()));
}
