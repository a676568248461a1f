//! `sourcebrief init` makes a site that builds.

use crate::common::{Page, bin};

#[test]
fn init_then_build() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new-site");
    let init = bin().arg("init").arg(&dir).output().unwrap();
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let build = bin().args(["build", "--root"]).arg(&dir).output().unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let html =
        std::fs::read_to_string(dir.join("public/briefing/first-chapter/index.html")).unwrap();
    let page = Page(scraper::Html::parse_document(&html));
    assert_eq!(page.text("article h1"), "First chapter");
    assert!(
        dir.join("public/style.css").exists(),
        "the built-in theme's assets are copied"
    );

    // What init writes passes `check` too.
    let check = bin().args(["check", "--root"]).arg(&dir).output().unwrap();
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(String::from_utf8_lossy(&check.stdout).contains(": 0 errors"));

    // A second init into the same, now non-empty, folder is refused.
    let again = bin().arg("init").arg(&dir).output().unwrap();
    assert_eq!(again.status.code(), Some(1));
}
