//! Live reload in a real browser: headless Chromium (Debian's, driven by
//! `tests/browser/live-reload.mjs` with playwright-core) opens a served page;
//! the script edits the page's file and watches the page reload by itself.
//!
//! Needs `node`, Chromium and `npm ci` in `tests/browser/` (`.ci/run` installs
//! them). Without them the test fails when `CI` is set, and is skipped with
//! a loud message otherwise.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::Served;

fn harness() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("browser")
}

/// What is missing to run browser tests, if anything.
fn missing() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Some(format!("Chromium ({chromium})"));
    }
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .status();
    if !node.is_ok_and(|s| s.success()) {
        return Some("node".into());
    }
    if !harness().join("node_modules/playwright-core").is_dir() {
        return Some("playwright-core (run `npm ci` in tests/browser)".into());
    }
    None
}

/// Returns whether browser tests can run; panics under CI when they cannot.
pub fn browser_available() -> bool {
    match missing() {
        None => true,
        Some(what) => {
            if std::env::var_os("CI").is_some() {
                panic!("browser test: {what} is missing, and CI is set");
            }
            eprintln!(
                "\n=== SKIP: browser test not run: {what} is missing (.ci/run installs it) ===\n"
            );
            false
        }
    }
}

/// Runs `node <script> <args>` from the harness folder, with a time limit.
pub fn run_script(script: &str, args: &[&str]) -> (bool, String) {
    let mut child = Command::new("node")
        .arg(harness().join(script))
        .args(args)
        .current_dir(harness())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    match status {
        Some(s) => (s.success(), text),
        None => (false, format!("timed out after 120 s\n{text}")),
    }
}

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
