//! Links that never break: paragraph ids, the anchor lock, moved anchors,
//! and `sourcebrief check`.

use std::io::{Read, Write};
use std::net::TcpListener;

use crate::common::{Fixture, bin};

fn report(site: &Fixture, text: &str) {
    site.write(
        "content/report.md",
        &format!("+++\ntitle = \"Report\"\n{text}"),
    );
}

#[test]
fn paragraph_ids_survive_edits_elsewhere() {
    let site = Fixture::new("anchors");
    site.build(&[]).ok();
    let before = site.html("report/index.html").attrs(".content p", "id");
    assert_eq!(
        before,
        [
            "p-the-first-finding-is-about-money",
            "p-the-second-finding-is-about-people"
        ]
    );
    // A paragraph inserted above, and the other paragraph edited at its end.
    report(
        &site,
        "+++\n## Findings {#findings}\n\nA new opening paragraph.\n\nThe first finding is about money, and more was learned later.\n\nThe second finding is about people.\n",
    );
    site.build(&[]).ok();
    let after = site.html("report/index.html").attrs(".content p", "id");
    assert_eq!(
        after,
        [
            "p-a-new-opening-paragraph",
            "p-the-first-finding-is-about-money",
            "p-the-second-finding-is-about-people"
        ]
    );
    // Each paragraph links to itself; without scripts that is a plain link.
    let page = site.html("report/index.html");
    assert_eq!(
        page.attrs(
            "#p-the-second-finding-is-about-people > a.para-link",
            "href"
        ),
        ["#p-the-second-finding-is-about-people"]
    );
}

#[test]
fn the_lock_records_every_url_and_anchor_sorted() {
    let site = Fixture::new("anchors");
    site.build(&[]).ok();
    let lock = std::fs::read_to_string(site.root.join("anchors.lock")).unwrap();
    let entries: Vec<&str> = lock.lines().filter(|l| !l.starts_with('#')).collect();
    let mut sorted = entries.clone();
    sorted.sort();
    assert_eq!(entries, sorted, "sorted, for diffs");
    for expected in [
        "/about/ content/about.md",
        "/report/ content/report.md",
        "/report/#findings content/report.md",
        "/report/#p-the-second-finding-is-about-people content/report.md",
    ] {
        assert!(
            entries.contains(&expected),
            "{expected} missing from:\n{lock}"
        );
    }
}

#[test]
fn dropping_a_locked_anchor_fails_until_mapped() {
    let site = Fixture::new("anchors");
    site.build(&[]).ok();
    // Rewording the paragraph's opening changes its id. The about page's
    // link is fixed too, so only the lock stands in the way.
    report(
        &site,
        "+++\n## Findings {#findings}\n\nThe first finding is about money.\n\nA second finding concerns people.\n",
    );
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\nSee [the findings](/report/#findings) and [the second finding](/report/#p-a-second-finding-concerns-people).\n",
    );
    let run = site.build(&[]).failed();
    let err = run.stderr();
    assert!(
        err.contains("the published anchor /report/#p-the-second-finding-is-about-people would disappear (it came from content/report.md)"),
        "{err}"
    );
    assert!(
        err.contains("[anchors] p-the-second-finding-is-about-people = \"<new-id>\""),
        "{err}"
    );

    // Map it: the build passes, the page carries the map and its script, the lock records it.
    report(
        &site,
        "[anchors]\np-the-second-finding-is-about-people = \"p-a-second-finding-concerns-people\"\n+++\n## Findings {#findings}\n\nThe first finding is about money.\n\nA second finding concerns people.\n",
    );
    site.build(&[]).ok();
    let page = site.html("report/index.html");
    let map: serde_json::Value = serde_json::from_str(&page.text("script#anchor-map")).unwrap();
    assert_eq!(
        map["p-the-second-finding-is-about-people"],
        "p-a-second-finding-concerns-people"
    );
    let scripts = page.attrs("script[src*='/anchors.js']", "src");
    assert_eq!(scripts.len(), 1);
    assert!(scripts[0].starts_with("/anchors.js?h="), "{scripts:?}");
    assert!(site.exists("anchors.js"));
    let lock = std::fs::read_to_string(site.root.join("anchors.lock")).unwrap();
    assert!(
        lock.contains(
            "/report/#p-the-second-finding-is-about-people -> #p-a-second-finding-concerns-people\n"
        ),
        "{lock}"
    );

    // Removing the mapping later is a violation too.
    report(
        &site,
        "+++\n## Findings {#findings}\n\nThe first finding is about money.\n\nA second finding concerns people.\n",
    );
    let err = site.build(&[]).failed().stderr();
    assert!(err.contains("would disappear"), "{err}");
}

#[test]
fn a_moved_page_needs_an_alias() {
    let site = Fixture::new("anchors");
    site.build(&[]).ok();
    let body = "See [the findings](/report/#findings) and [the second finding](/report/#p-the-second-finding-is-about-people).\n";
    site.write(
        "content/about.md",
        &format!("+++\ntitle = \"About\"\nslug = \"about-us\"\n+++\n{body}"),
    );
    let err = site.build(&[]).failed().stderr();
    assert!(
        err.contains("the published URL /about/ would disappear (it came from content/about.md)"),
        "{err}"
    );
    assert!(err.contains("aliases = [\"/about/\"]"), "{err}");
    site.write(
        "content/about.md",
        &format!(
            "+++\ntitle = \"About\"\nslug = \"about-us\"\naliases = [\"/about/\"]\n+++\n{body}"
        ),
    );
    site.build(&[]).ok();
    assert!(site.read("_redirects").contains("/about/ /about-us/ 301"));
    let lock = std::fs::read_to_string(site.root.join("anchors.lock")).unwrap();
    assert!(lock.contains("/about/ -> /about-us/\n"), "{lock}");
}

#[test]
fn update_lock_accepts_removals() {
    let site = Fixture::new("anchors");
    site.build(&[]).ok();
    std::fs::remove_file(site.root.join("content/about.md")).unwrap();
    site.build(&[]).failed();
    site.build(&["--update-lock"]).ok();
    let lock = std::fs::read_to_string(site.root.join("anchors.lock")).unwrap();
    assert!(!lock.contains("/about/"), "{lock}");
    // And from then on the build passes without the flag.
    site.build(&[]).ok();
}

#[test]
fn a_mapping_must_lead_to_an_anchor_of_the_page() {
    let site = Fixture::new("anchors");
    report(
        &site,
        "[anchors]\nold-id = \"no-such-id\"\n+++\n## Findings {#findings}\n\nText.\n",
    );
    let err = site.build(&[]).failed().stderr();
    assert!(err.contains("content/report.md:4:1"), "{err}");
    assert!(
        err.contains("maps `old-id` to `no-such-id`, but the page has no anchor `no-such-id`"),
        "{err}"
    );
}

#[test]
fn broken_markdown_links_fail_the_build() {
    let site = Fixture::new("anchors");
    site.write("content/about.md", "+++\ntitle = \"About\"\n+++\nSee [nothing](/report/#no-such-anchor) and [nowhere](../missing/).\n");
    let err = site.build(&[]).failed().stderr();
    assert!(err.contains("content/about.md:4:5"), "{err}");
    assert!(
        err.contains(
            "broken link `/report/#no-such-anchor`: /report/ has no anchor #no-such-anchor"
        ),
        "{err}"
    );
    assert!(
        err.contains("broken link `../missing/`: the site has no page or file /missing/"),
        "{err}"
    );
}

fn check(site: &Fixture, extra: &[&str]) -> (Option<i32>, String, String) {
    let out = bin()
        .args(["check", "--root"])
        .arg(&site.root)
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_passes_a_clean_site() {
    for name in ["citations", "entities", "anchors"] {
        let site = Fixture::new(name);
        let (code, stdout, stderr) = check(&site, &[]);
        assert_eq!(code, Some(0), "{name}: {stderr}");
        assert!(stdout.contains(": 0 errors"), "{stdout}");
    }
}

#[test]
fn check_reports_every_finding_with_its_place() {
    let site = Fixture::new("check-findings");
    let (code, stdout, err) = check(&site, &[]);
    assert_eq!(code, Some(1), "{stdout}{err}");
    assert!(
        err.contains("broken link on /page/: `/nowhere/` leads to no page or file (/nowhere/)"),
        "{err}"
    );
    assert!(err.contains("content/page.md:4:22"), "{err}");
    assert!(
        err.contains(
            "broken link on /page/: `#no-such-id`: /page/ has no element with id `no-such-id`"
        ),
        "{err}"
    );
    assert!(
        err.contains("<a href> on /page/ uses a `javascript` URL"),
        "{err}"
    );
    assert!(
        err.contains("<a href> on /page/ uses a `data` URL"),
        "{err}"
    );
    assert!(
        err.contains("image `/pic.png` on /page/ has no alt text"),
        "{err}"
    );
    assert!(err.contains("content/page.md:8:"), "{err}");
    assert!(
        err.contains("the id `twice` appears more than once on /page/"),
        "{err}"
    );
    // Links from templates are found in the output and say so.
    assert!(
        err.contains("`https://example.org/gone-from-template/` leads to no page or file"),
        "{err}"
    );
    assert!(err.contains("(written by a template)"), "{err}");
}

#[test]
fn check_reports_lock_violations() {
    let site = Fixture::new("anchors");
    site.build(&[]).ok();
    std::fs::remove_file(site.root.join("content/about.md")).unwrap();
    let (code, _, err) = check(&site, &[]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("the published URL /about/ would disappear"),
        "{err}"
    );
}

/// A local HTTP server: /ok answers 200, /gone 404, /slow never answers in time.
fn serve_once_per_request() -> (u16, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(false).unwrap();
    let handle = std::thread::spawn(move || {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        listener.set_nonblocking(true).unwrap();
        while std::time::Instant::now() < deadline {
            let Ok((mut stream, _)) = listener.accept() else {
                std::thread::sleep(std::time::Duration::from_millis(10));
                continue;
            };
            stream.set_nonblocking(false).unwrap();
            std::thread::spawn(move || {
                let mut buf = [0u8; 2048];
                let n = stream.read(&mut buf).unwrap_or(0);
                let req = String::from_utf8_lossy(&buf[..n]).to_string();
                let path = req.split_whitespace().nth(1).unwrap_or("/").to_string();
                let reply = match path.as_str() {
                    "/ok" => "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                        .to_string(),
                    "/slow" => {
                        std::thread::sleep(std::time::Duration::from_secs(4));
                        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_string()
                    }
                    _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .to_string(),
                };
                let _ = stream.write_all(reply.as_bytes());
            });
        }
    });
    (port, handle)
}

#[test]
fn check_external_fetches_links_with_a_time_limit() {
    let (port, _server) = serve_once_per_request();
    let site = Fixture::new("anchors");
    site.write(
        "content/about.md",
        &format!(
            "+++\ntitle = \"About\"\n+++\n[Fine](http://127.0.0.1:{port}/ok), [gone](http://127.0.0.1:{port}/gone) and [slow](http://127.0.0.1:{port}/slow).\n"
        ),
    );
    // Without --external nothing is fetched.
    let (code, _, err) = check(&site, &[]);
    assert_eq!(code, Some(0), "{err}");
    let start = std::time::Instant::now();
    let (code, stdout, err) = check(&site, &["--external", "--timeout", "1"]);
    assert_eq!(code, Some(1), "{stdout}{err}");
    assert!(stdout.contains("(3 external)"), "{stdout}");
    assert!(
        err.contains(&format!("`http://127.0.0.1:{port}/gone` answered 404")),
        "{err}"
    );
    assert!(
        err.contains(&format!("`http://127.0.0.1:{port}/slow` failed")),
        "{err}"
    );
    assert!(!err.contains("/ok`"), "{err}");
    assert!(err.contains("content/about.md:4:"), "{err}");
    assert!(
        start.elapsed() < std::time::Duration::from_secs(15),
        "bounded in time"
    );
}
