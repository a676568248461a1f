//! The built site in headless Chromium (Debian's, driven by
//! `tests/browser/site.mjs` with playwright-core): every page of the bundled
//! briefing and of a fixture loads under the site's exact CSP with no console
//! errors, fits 375 px and 1280 px, passes axe-core at WCAG 2.1 AA in light
//! and dark; previews show on hover and focus; citation markers lead to their
//! entries and back; a moved anchor lands on its new place; "Cite" gives the
//! expected text; screenshots are saved to `target/screenshots/`.
//!
//! Needs `node`, Chromium and `npm ci` in `tests/browser/` (`.ci/run` installs
//! them); without them the test fails when `CI` is set and is skipped with a
//! loud message otherwise.

use std::path::Path;

use crate::common::{Fixture, build_into, bundled_site, serve_dir};

#[path = "../browser/harness.rs"]
mod harness;

use harness::{browser_available, run_script};

/// Builds `root` for serving at a fresh port; returns the base URL and the output.
fn build_and_serve(root: &Path, out: &Path) -> String {
    std::fs::create_dir_all(out).unwrap();
    let port = serve_dir(out.to_path_buf());
    let base = format!("http://127.0.0.1:{port}");
    build_into(root, out, &["--base-url", &base]);
    base
}

/// Every page of a built site: its sitemap, and the 404 page.
fn pages(out: &Path, base: &str) -> Vec<String> {
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let mut pages: Vec<String> = sitemap
        .split("<loc>")
        .skip(1)
        .filter_map(|s| s.split("</loc>").next())
        .map(str::to_string)
        .collect();
    pages.push(format!("{base}/404.html"));
    pages
}

#[test]
fn the_site_works_in_a_real_browser() {
    if !browser_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // The bundled briefing.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bundled = bundled_site(tmp.path());
    let bundled_out = tmp.path().join("bundled-out");
    let bundled_base = build_and_serve(&bundled, &bundled_out);
    // A fixture with every kind of preview and a moved anchor.
    let fixture = Fixture::new("browser");
    let fixture_out = tmp.path().join("fixture-out");
    let base = build_and_serve(&fixture.root, &fixture_out);

    let mut all = pages(&bundled_out, &bundled_base);
    all.extend(pages(&fixture_out, &base));
    let para = "p-the-finding-was-made-in-march";
    let permalink = format!("{base}/page/#{para}");
    let config = serde_json::json!({
        "pages": all,
        "csp": crate::netlify::site_csp(),
        "screenshots": repo.join("target/screenshots"),
        "shots": {
            "home": format!("{bundled_base}/"),
            "briefing": format!("{bundled_base}/briefing/vulnerability-mining/"),
        },
        "previews": format!("{base}/page/"),
        "moved": { "url": format!("{base}/page/#p-an-old-opening"), "to": para },
        "passage": { "url": format!("{base}/page/"), "entry": "cite-finding", "mark": "the finding" },
        "fragment": { "url": format!("{base}/passage/"), "id": "p-the-finding-the-report-says-was" },
        "cite": {
            "url": format!("{base}/page/"),
            "id": para,
            "expect": format!(
                "\u{201c}Browser page\u{201d}, section \u{201c}Findings\u{201d}. Browser fixture, last updated 2 March 2024. {permalink} (exact passage: {permalink}:~:text=The%20finding%20was%20made%20in%20March.)"
            ),
        },
    });
    let config_file = tmp.path().join("browser.json");
    std::fs::write(&config_file, config.to_string()).unwrap();
    let (ok, output) = run_script("site.mjs", &[config_file.to_str().unwrap()]);
    assert!(ok, "browser checks failed:\n{output}");
    assert!(output.contains("\nok"), "{output}");
    // The source-text checks ran: a reference entry led to its passage, and
    // the Cite control's exact passage scrolled to its paragraph.
    assert!(output.contains("reference entry → "), "{output}");
    assert!(
        output.contains("→ scrolled to #p-the-finding-the-report-says-was"),
        "{output}"
    );
    for name in [
        "home-light-375",
        "home-dark-1280",
        "briefing-light-1280",
        "briefing-dark-375",
    ] {
        assert!(
            repo.join(format!("target/screenshots/{name}.png")).exists(),
            "{name}"
        );
    }
}
