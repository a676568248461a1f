//! The built site in headless Chromium (Debian's, driven by
//! `tests/browser/site.mjs` with playwright-core): every page of the bundled
//! briefing and of a fixture loads under the site's exact CSP with no console
//! errors and fits 320, 390 and 1280 px; axe-core finds no WCAG 2.2 AA
//! violations (target size included) in light and dark; previews show on
//! hover and focus, and on a phone every marker of every bundled page opens
//! a card by tap that stays inside the viewport and closes; markers are
//! 24×24 px targets that keep the line height; citation markers lead to
//! their entries and back, the claim highlighted; a moved anchor lands on
//! its new place; "Cite" gives the permalink, the page's citation, BibTeX
//! and RIS, and copy buttons say when they copied; the exact passage of
//! every paragraph of the briefing scrolls to it and highlights it; the
//! site built for its production address loads its styles from another;
//! screenshots (pages, the reference list, the phone's preview card) are
//! saved to `target/screenshots/`.
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

    // The bundled briefing built for its production address (config.toml's
    // base_url), served from here.
    let foreign_out = tmp.path().join("foreign-out");
    std::fs::create_dir_all(&foreign_out).unwrap();
    let foreign_port = serve_dir(foreign_out.clone());
    build_into(&bundled, &foreign_out, &[]);
    assert!(
        std::fs::read_to_string(foreign_out.join("index.html"))
            .unwrap()
            .contains("href=\"https://isoon-briefing.netlify.app/\"")
    );

    let mut all = pages(&bundled_out, &bundled_base);
    all.extend(pages(&fixture_out, &base));
    // The bundled site's articles and sections (not the 404 page).
    let articles: Vec<String> = pages(&bundled_out, &bundled_base)
        .into_iter()
        .filter(|u| !u.ends_with("404.html"))
        .collect();
    let briefing: Vec<String> = articles
        .iter()
        .filter(|u| {
            u.contains("/briefing/")
                || u.ends_with("/methodology/")
                || u == &&format!("{bundled_base}/")
        })
        .cloned()
        .collect();
    let para = "p-the-finding-was-made-in-march";
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
        "fragments": briefing,
        "tap": articles,
        "claim": { "source": format!("{bundled_base}/sources/bfv-2024-part2/") },
        "foreign": format!("http://127.0.0.1:{foreign_port}/briefing/market/"),
        "references": format!("{bundled_base}/briefing/vulnerability-mining/"),
        "passage": { "url": format!("{base}/page/"), "entry": "cite-finding", "mark": "the finding" },
        "fragment": { "url": format!("{base}/passage/"), "id": "p-the-finding-the-report-says-was" },
        "cite": {
            "url": format!("{base}/page/"),
            "id": para,
            "citation": format!(
                "Browser fixture. \u{201c}Browser page.\u{201d} March 2, 2024. {base}/page/. Accessed {{MMMM2}} {{D2}}, {{Y2}}."
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
    for check in [
        "tap previews: ",
        "exact passages of ",
        "back-link → the claim",
        "source page → ",
        "served at http://127.0.0.1:",
        "copy buttons and the ¶ link say when they copied",
        "print: markers ",
        "measure: at most ",
        "a tap on a paragraph shows its controls",
        "a citation's card links to ",
        "no WCAG 2.2 AA violations (dark)",
    ] {
        assert!(output.contains(check), "{check}: {output}");
    }
    for name in [
        "home-light-390",
        "home-dark-1280",
        "briefing-light-1280",
        "briefing-dark-390",
        "references-light-1280",
        "references-dark-1280",
        "popover-light-390",
        "popover-dark-390",
    ] {
        assert!(
            repo.join(format!("target/screenshots/{name}.png")).exists(),
            "{name}"
        );
    }
}
