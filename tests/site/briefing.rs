//! The bundled i-Soon briefing: every factual paragraph is cited, every quote
//! is on the page it cites, and `check` is clean.

use std::path::{Path, PathBuf};

use crate::common::{Page, bin, build_into, bundled_site};

/// A copy of the bundled site in a temporary folder.
fn bundled() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = bundled_site(tmp.path());
    (tmp, root)
}

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            html_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "html") {
            out.push(p);
        }
    }
}

#[test]
fn every_factual_paragraph_of_the_briefing_is_cited() {
    let (tmp, root) = bundled();
    let out = tmp.path().join("public");
    build_into(&root, &out, &[]);
    let mut pages = Vec::new();
    html_files(&out.join("briefing"), &mut pages);
    assert!(pages.len() >= 6, "the briefing has its chapters");
    let mut uncited = Vec::new();
    for file in &pages {
        let page = Page(scraper::Html::parse_document(
            &std::fs::read_to_string(file).unwrap(),
        ));
        let sel = scraper::Selector::parse(".content p, .content li:not(:has(p))").unwrap();
        for el in page.0.select(&sel) {
            let text: String = el
                .text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let words = text.split(' ').count();
            let has_sentence = words >= 6 && text.contains(['.', ':', ';']);
            let cited = el
                .select(&scraper::Selector::parse("sup.cite").unwrap())
                .next()
                .is_some();
            if has_sentence && !cited {
                uncited.push(format!(
                    "{}: {text}",
                    file.strip_prefix(&out).unwrap().display()
                ));
            }
        }
    }
    assert!(
        uncited.is_empty(),
        "paragraphs without a citation:\n{}",
        uncited.join("\n")
    );
}

#[test]
fn every_quote_is_checked_against_the_page_it_cites() {
    let (tmp, root) = bundled();
    // The bundled site carries the report's text, so the build checks every
    // quote of it; a quote checked leads to its passage (`#q-…`).
    assert!(root.join("content/sources/bfv-2024-part2.txt").is_file());
    let out = tmp.path().join("public");
    build_into(&root, &out, &[]);
    let mut files = Vec::new();
    html_files(&out, &mut files);
    let entry = scraper::Selector::parse(".reference-list .ref-uses > li").unwrap();
    let quote = scraper::Selector::parse(".ref-quote").unwrap();
    let passage = scraper::Selector::parse(".ref-passage").unwrap();
    let mut checked = 0;
    let mut unchecked = Vec::new();
    for file in &files {
        let page = Page(scraper::Html::parse_document(
            &std::fs::read_to_string(file).unwrap(),
        ));
        for li in page.0.select(&entry) {
            let Some(href) = li
                .select(&passage)
                .next()
                .and_then(|a| a.value().attr("href"))
            else {
                continue;
            };
            if !href.contains("/sources/bfv-2024-part2/") || li.select(&quote).next().is_none() {
                continue;
            }
            if href.contains("#q-") {
                checked += 1;
            } else {
                unchecked.push(format!("{}: {href}", file.display()));
            }
        }
    }
    assert!(
        checked >= 40,
        "the briefing quotes its source ({checked} quotes)"
    );
    assert!(
        unchecked.is_empty(),
        "quotes not checked:\n{}",
        unchecked.join("\n")
    );

    // A wrong page in any quote fails the build, naming the right one.
    let leak = root.join("content/briefing/the-leak.md");
    let text = std::fs::read_to_string(&leak).unwrap();
    let wrong = text.replacen(
        "page = 2\nquote = \"online software development",
        "page = 3\nquote = \"online software development",
        1,
    );
    assert_ne!(wrong, text, "the-leak.md quotes footnote 1 of page 2");
    std::fs::write(&leak, wrong).unwrap();
    let run = bin()
        .args(["build", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(tmp.path().join("wrong"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("found on page 2, not on page 3"),
        "{stderr}"
    );
    assert!(stderr.contains("content/briefing/the-leak.md:"), "{stderr}");
}

#[test]
fn check_is_clean_on_the_bundled_site() {
    let (_tmp, root) = bundled();
    let out = bin().args(["check", "--root"]).arg(&root).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains(": 0 errors"));
    assert!(
        !stderr.contains("warning"),
        "the bundled site builds without warnings: {stderr}"
    );
}
