//! The Rust side of the browser-test harness: whether Chromium, node and
//! playwright-core are there, and running a script of `tests/browser/`.
//!
//! Any integration test crate can use it:
//!
//! ```ignore
//! #[path = "../browser/harness.rs"]
//! mod harness;
//!
//! #[test]
//! fn my_page_in_a_browser() {
//!     if !harness::browser_available() {
//!         return;
//!     }
//!     let (ok, output) = harness::run_script("my-check.mjs", &["http://127.0.0.1:1234/"]);
//!     assert!(ok, "{output}");
//! }
//! ```
//!
//! Without Chromium, node or `npm ci` in `tests/browser/`, a test fails when
//! `CI` is set and is skipped with a loud message otherwise.

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one script may run.
pub const SCRIPT_TIMEOUT: Duration = Duration::from_secs(300);

/// The harness folder, `tests/browser/`.
pub fn harness() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("browser")
}

/// What is missing to run browser tests, if anything.
pub fn missing() -> Option<String> {
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

/// Runs `node <script> <args>` from the harness folder, with a time limit;
/// returns whether it succeeded, and what it printed.
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
    // Read both pipes while waiting, so that a talkative script never blocks.
    let collect = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = collect(Box::new(child.stdout.take().expect("piped")));
    let stderr = collect(Box::new(child.stderr.take().expect("piped")));
    let deadline = Instant::now() + SCRIPT_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("node runs") {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let text = format!(
        "{}{}",
        stdout.join().unwrap_or_default(),
        stderr.join().unwrap_or_default()
    );
    match status {
        Some(s) => (s.success(), text),
        None => (false, format!("timed out after {SCRIPT_TIMEOUT:?}\n{text}")),
    }
}
