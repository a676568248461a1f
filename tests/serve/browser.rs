//! Live reload in a real browser: headless Chromium (Debian's, driven by
//! `tests/browser/live-reload.mjs` with playwright-core) opens a served page;
//! the script edits the page's file and watches the page reload by itself.
//!
//! Needs `node`, Chromium and `npm ci` in `tests/browser/` (`.ci/run` installs
//! them). Without them the test fails when `CI` is set, and is skipped with
//! a loud message otherwise.

#[path = "../browser/harness.rs"]
mod harness;

use crate::common::Served;
use harness::{browser_available, run_script};

#[test]
fn the_browser_reloads_after_an_edit_and_shows_the_overlay() {
    if !browser_available() {
        return;
    }
    let s = Served::start("serve-basic", &[]);
    // A page long enough to scroll.
    let mut long = String::from("+++\ntitle = \"About\"\n+++\n");
    for i in 0..80 {
        long.push_str(&format!("Paragraph {i} of a long page.\n\n"));
    }
    s.write("content/about.md", &long);
    s.wait_for_text("/about/", "Paragraph 79");

    let url = format!("http://{}/about/", s.addr);
    let file = s.root.join("content/about.md");
    let (ok, output) = run_script("live-reload.mjs", &[&url, file.to_str().unwrap()]);
    assert!(
        ok && output.contains("ok"),
        "browser test failed:\n{output}\n--- server log ---\n{}",
        s.log()
    );
}
