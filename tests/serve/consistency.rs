//! After any sequence of edits, the served site equals a clean build of the
//! same files: every path of a fresh in-memory render is served with the
//! same bytes, and every path served before that the clean build no longer
//! has is gone.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use sourcebrief::engine::Engine;

use crate::common::{Served, WAIT};

/// Waits until the served site equals a clean build; `seen` collects every
/// path ever built, to check that stale ones are gone.
fn assert_converges(s: &Served, seen: &mut BTreeSet<String>, step: &str) {
    let start = Instant::now();
    loop {
        let clean = Engine::clean(&s.build_options())
            .unwrap_or_else(|e| panic!("{step}: the clean build failed:\n{e}"));
        seen.extend(clean.keys().map(|k| k.to_string()));
        let mismatch = seen.iter().find_map(|path| {
            let r = s.get(&format!("/{path}"));
            match clean.get(path.as_str()) {
                Some(_) if r.status != 200 => Some(format!("{path}: status {}", r.status)),
                Some(bytes) if r.built_body() != **bytes => Some(format!(
                    "{path}: served\n{}\n--- but a clean build has ---\n{}",
                    String::from_utf8_lossy(&r.built_body()),
                    String::from_utf8_lossy(bytes)
                )),
                Some(_) => None,
                None if r.status != 404 => Some(format!(
                    "{path}: served ({}) but not in a clean build",
                    r.status
                )),
                None => None,
            }
        });
        match mismatch {
            None => return,
            Some(m) if start.elapsed() > WAIT => {
                panic!(
                    "{step}: the served site differs from a clean build: {m}\n--- server log ---\n{}",
                    s.log()
                )
            }
            Some(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

#[test]
fn served_site_equals_a_clean_build_after_every_edit() {
    let s = Served::start("serve-basic", &[]);
    let mut seen = BTreeSet::new();
    assert_converges(&s, &mut seen, "start");

    s.write(
        "content/notes/first.md",
        "+++\ntitle = \"Note First\"\nweight = 1\ndescription = \"Now described.\"\n+++\nEdited.\n\n## A heading\n\nMore words here.\n",
    );
    assert_converges(&s, &mut seen, "edit");

    s.write(
        "content/notes/fourth.md",
        "+++\ntitle = \"Note Fourth\"\nweight = 0\n+++\nNew and first in order.\n",
    );
    assert_converges(&s, &mut seen, "add");

    s.rename("content/notes/second.md", "content/notes/deux.md");
    assert_converges(&s, &mut seen, "rename");

    s.remove("content/notes/third.md");
    assert_converges(&s, &mut seen, "delete");

    s.atomic_write(
        "content/notes/deux.md",
        "+++\ntitle = \"Note Deux\"\nweight = 2\naliases = [\"/old-second/\"]\n+++\nSaved atomically.\n",
    );
    assert_converges(&s, &mut seen, "atomic save");

    s.rename("content/notes/diagram", "content/notes/figure");
    assert_converges(&s, &mut seen, "folder rename");

    s.write(
        "content/notes/_index.md",
        "+++\ntitle = \"Notebook\"\nsort_by = \"title\"\n+++\nRenamed section.\n",
    );
    assert_converges(&s, &mut seen, "section title and order");

    s.write(
        "content/notes/draft.md",
        "+++\ntitle = \"Draft\"\ndraft = true\n+++\nNot published.\n",
    );
    s.write("static/app.css", "body { color: #789; }\n");
    s.write(
        "static/style.css",
        "/* the site's own, over the theme's */\n",
    );
    assert_converges(&s, &mut seen, "draft and static");

    s.write(
        "templates/section.html",
        "{% extends \"themes/default/section.html\" %}\n{% block footer %}<p>{{ section.pages | length }} pages</p>{% endblock footer %}\n",
    );
    assert_converges(&s, &mut seen, "template");

    s.remove("static/style.css");
    s.remove("content/notes/figure");
    s.write(
        "config.toml",
        "title = \"Changed\"\nbase_url = \"https://example.org\"\n[markdown]\nhighlight_code = false\n",
    );
    assert_converges(&s, &mut seen, "config and deletions");

    // A broken edit, then its fix: the fixed site is the clean one.
    s.write("content/about.md", "+++\ntitle = [\n+++\n");
    s.wait_for("/about/", "showing the overlay", |r| {
        r.text().contains("sourcebrief-overlay\"")
    });
    s.write(
        "content/about.md",
        "+++\ntitle = \"About again\"\n+++\nFixed.\n",
    );
    assert_converges(&s, &mut seen, "after a failed rebuild");
}

/// Runs git in the site's folder.
fn git(s: &Served, args: &[&str]) {
    let out = std::process::Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args(args)
        .current_dir(&s.root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn git_checkout_of_another_branch_is_one_rebuild() {
    if std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("\n=== SKIP: git is not installed ===\n");
        return;
    }
    let s = Served::start("serve-basic", &[]);
    let mut seen = BTreeSet::new();
    git(&s, &["init", "-q", "-b", "main"]);
    git(&s, &["add", "-A"]);
    git(&s, &["commit", "-qm", "main"]);
    git(&s, &["checkout", "-qb", "other"]);
    for i in 0..40 {
        s.write(
            &format!("content/notes/extra-{i:02}.md"),
            &format!(
                "+++\ntitle = \"Extra {i}\"\nweight = {}\n+++\nExtra page {i}.\n",
                10 + i
            ),
        );
    }
    s.remove("content/notes/third.md");
    s.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\nOn the other branch.\n",
    );
    s.write("static/app.css", "body { color: #abc; }\n");
    git(&s, &["add", "-A"]);
    git(&s, &["commit", "-qm", "other"]);
    assert_converges(&s, &mut seen, "on the other branch");

    for (branch, marker) in [
        ("main", "The about page."),
        ("other", "On the other branch."),
    ] {
        s.wait_for_text(
            "/about/",
            if branch == "main" {
                "On the other branch."
            } else {
                "The about page."
            },
        );
        let before = s.settled_reports();
        git(&s, &["checkout", "-q", branch]);
        s.wait_for_text("/about/", marker);
        assert_converges(&s, &mut seen, &format!("after checking out {branch}"));
        assert_eq!(
            s.expect_reports(before + 1).len(),
            before + 1,
            "checkout of {branch}:\n{}",
            s.log()
        );
    }
}

#[test]
fn citations_glossary_and_entities_stay_consistent() {
    let s = Served::start("glossary", &[]);
    let mut seen = BTreeSet::new();
    assert_converges(&s, &mut seen, "start");

    // A new citation changes the source page's reverse index.
    s.write(
        "content/other.md",
        "+++\ntitle = \"Other\"\n+++\nOnly APTs here, on page five[@report, p. 5].\n",
    );
    assert_converges(&s, &mut seen, "cite");

    // A new glossary term links itself on every page.
    s.write(
        "content/glossary/attacked.md",
        "+++\nterm = \"attacked\"\nexpansion = \"hit\"\n+++\nHit[@report, p. 6].\n",
    );
    assert_converges(&s, &mut seen, "new term");

    // An entity gains an alias that a page links to.
    s.write(
        "content/entities/cnnvd.md",
        "+++\ntitle = \"CNNVD\"\nkind = \"organization\"\naliases = [\"the database\"]\n+++\nThe database.\n",
    );
    s.write(
        "content/other.md",
        "+++\ntitle = \"Other\"\n+++\nOnly APTs here; see [[the database]].\n",
    );
    assert_converges(&s, &mut seen, "entity alias");

    s.remove("content/glossary/attacked.md");
    assert_converges(&s, &mut seen, "term removed");
}
