//! Every page of the bundled briefing and of feature fixtures is valid HTML:
//! the Nu Html Checker (`vnu-jar` from npm, run with Java) reports no error.
//!
//! Needs Java and `npm ci` in `tests/browser/` (`.ci/run` installs them);
//! without them the test fails when `CI` is set and is skipped otherwise.

use std::path::Path;
use std::process::Command;

use crate::common::{Fixture, build_into, bundled_site};

fn vnu() -> Option<std::path::PathBuf> {
    let jar = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/vnu-jar/build/dist/vnu.jar");
    let java = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    let missing = if !java {
        "Java"
    } else if !jar.exists() {
        "vnu-jar (run `npm ci` in tests/browser)"
    } else {
        return Some(jar);
    };
    if std::env::var_os("CI").is_some() {
        panic!("HTML validity test: {missing} is missing, and CI is set");
    }
    eprintln!(
        "\n=== SKIP: HTML validity not checked: {missing} is missing (.ci/run installs it) ===\n"
    );
    None
}

#[test]
fn every_page_is_valid_html() {
    let Some(jar) = vnu() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let bundled = bundled_site(tmp.path());
    let mut outputs = Vec::new();
    let out = tmp.path().join("bundled-out");
    build_into(&bundled, &out, &[]);
    outputs.push(out);
    let mut fixtures = Vec::new();
    // (Not the `headings` fixture: it skips a heading level on purpose, which
    // the checker rightly reports as the author's error.)
    for name in [
        "browser",
        "citations",
        "footnotes",
        "glossary",
        "entities",
        "highlight",
        "aliases",
        "anchors",
    ] {
        let site = Fixture::new(name);
        site.build(&[]).ok();
        outputs.push(site.out.clone());
        fixtures.push(site);
    }
    let result = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "json", "--skip-non-html"])
        .args(&outputs)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&result.stderr).unwrap_or_else(|e| {
        panic!(
            "vnu output is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&result.stderr)
        )
    });
    let messages = report["messages"].as_array().unwrap();
    let errors: Vec<String> = messages
        .iter()
        .filter(|m| m["type"] == "error" || m["subType"] == "fatal")
        .map(|m| format!("{}:{}: {}", m["url"], m["lastLine"], m["message"]))
        .collect();
    assert!(errors.is_empty(), "invalid HTML:\n{}", errors.join("\n"));
    // The checker did read the pages.
    let pages = outputs.iter().map(|o| walk_html(o)).sum::<usize>();
    assert!(pages > 40, "{pages} pages checked");
}

fn walk_html(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk_html(&p)
            } else {
                usize::from(p.extension().is_some_and(|e| e == "html"))
            }
        })
        .sum()
}
