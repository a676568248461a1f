//! Bad input fails the build with a message that names file, line and column.

use crate::common::Fixture;

use crate::common::build_fails as fails;

#[test]
fn unknown_front_matter_key() {
    let err = fails("err-front-matter-key");
    assert!(err.contains("content/bad.md:3:1"), "{err}");
    assert!(err.contains("unknown field `colour`"), "{err}");
    assert!(
        err.contains("colour = \"red\""),
        "the snippet shows the line: {err}"
    );
}

#[test]
fn toml_syntax_error() {
    let err = fails("err-front-matter-syntax");
    assert!(err.contains("content/bad.md:2:"), "{err}");
}

#[test]
fn yaml_type_error() {
    let err = fails("err-front-matter-yaml");
    assert!(err.contains("content/bad.md:3:"), "{err}");
}

#[test]
fn bad_date() {
    let err = fails("err-front-matter-date");
    assert!(err.contains("content/bad.md:3:"), "{err}");
    assert!(err.contains("YYYY-MM-DD"), "{err}");
}

#[test]
fn unclosed_front_matter() {
    let err = fails("err-front-matter-unclosed");
    assert!(err.contains("content/bad.md:1:1"), "{err}");
    assert!(err.contains("never closed"), "{err}");
}

#[test]
fn unknown_config_key() {
    let err = fails("err-config");
    assert!(err.contains("config.toml:5:1"), "{err}");
    assert!(err.contains("highlight_them"), "{err}");
}

#[test]
fn unknown_template_variable() {
    let err = fails("err-template-variable");
    assert!(err.contains("templates/page.html:3:"), "{err}");
    assert!(err.contains("no_such_field"), "{err}");
}

#[test]
fn template_syntax_error() {
    let err = fails("err-template-syntax");
    assert!(err.contains("templates/page.html:3:"), "{err}");
}

#[test]
fn duplicate_urls_name_both_files() {
    let err = fails("err-duplicate-url");
    assert!(err.contains("content/notes/a.md"), "{err}");
    assert!(err.contains("content/notes/same.md"), "{err}");
    assert!(err.contains("/notes/same/"), "{err}");
}

#[test]
fn urls_differing_only_in_case_collide() {
    let err = fails("err-duplicate-url-case");
    assert!(err.contains("content/Report.md"), "{err}");
    assert!(err.contains("content/other.md"), "{err}");
}

#[test]
fn sort_by_on_a_page() {
    let err = fails("err-sort-by-on-page");
    assert!(err.contains("content/page.md:3:1"), "{err}");
}

#[test]
fn collections_are_validated() {
    let err = fails("err-collections");
    assert!(
        err.contains("content/glossary/apt.md:4:10"),
        "unknown entity: {err}"
    );
    assert!(err.contains("unknown entity `no-such-entity`"), "{err}");
    assert!(
        err.contains("content/glossary/apt2.md:3:"),
        "duplicate alias: {err}"
    );
    assert!(
        err.contains("content/entities/i-soon.md:3:"),
        "unknown related: {err}"
    );
    assert!(err.contains("did you mean `cnnvd`?"), "{err}");
    assert!(
        err.contains("content/sources/report.md:3:"),
        "bad pages type: {err}"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_project_are_refused() {
    let site = Fixture::new("drafts");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "+++\ntitle = \"s\"\n+++\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        site.root.join("content/leak.md"),
    )
    .unwrap();
    let err = site.build(&[]).failed().stderr();
    assert!(err.contains("content/leak.md"), "{err}");
    assert!(err.contains("outside the project"), "{err}");
}

#[test]
fn a_missing_config_is_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let run = crate::common::bin()
        .args(["build", "--root"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("no config.toml"));
}
