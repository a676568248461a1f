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

/// Text normalized for comparing quotes: straight quotes, words hyphenated
/// across line breaks joined, white space folded.
fn normalize(s: &str) -> String {
    let s = s
        .replace(
            ['\u{201c}', '\u{201d}', '\u{201e}', '\u{00ab}', '\u{00bb}'],
            "\"",
        )
        .replace(['\u{2018}', '\u{2019}', '\u{201a}'], "'")
        .replace(['\u{2013}', '\u{2014}'], "-")
        .replace("-\n", "");
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The report's text, page by page (printed page numbers).
fn source_pages(text: &str) -> Vec<(u32, String)> {
    let mut pages = Vec::new();
    let mut current: Option<(u32, String)> = None;
    for line in text.lines() {
        let marker = line
            .trim()
            .strip_prefix("=== page ")
            .and_then(|r| r.strip_suffix(" ==="));
        if let Some(n) = marker.and_then(|n| n.trim().parse().ok()) {
            if let Some(p) = current.take() {
                pages.push(p);
            }
            current = Some((n, String::new()));
        } else if let Some((_, t)) = &mut current {
            t.push_str(line);
            t.push('\n');
        }
    }
    pages.extend(current);
    pages
}

#[test]
fn every_quote_is_on_the_page_it_cites() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/sources/bfv-cyber-insight-isoon-part2.txt");
    let Ok(text) = std::fs::read_to_string(&source) else {
        eprintln!(
            "SKIP: {} is not here; quotes not checked against the source",
            source.display()
        );
        return;
    };
    let pages = source_pages(&text);
    assert!(pages.len() >= 10, "the source has its pages");
    let (_tmp, root) = bundled();
    let site = sourcebrief::build::load_site(&sourcebrief::BuildOptions {
        root,
        ..Default::default()
    })
    .unwrap();
    let citations = site
        .pages
        .iter()
        .flat_map(|p| p.meta.citations.iter().map(move |c| (&p.file.rel, c)))
        .chain(
            site.sections
                .iter()
                .flat_map(|s| s.meta.citations.iter().map(move |c| (&s.file.rel, c))),
        )
        .chain(site.glossary.items.iter().flat_map(|g| {
            g.parsed
                .meta
                .citations
                .iter()
                .map(move |c| (&g.parsed.file.rel, c))
        }))
        .chain(site.entities.items.iter().flat_map(|e| {
            e.parsed
                .meta
                .citations
                .iter()
                .map(move |c| (&e.parsed.file.rel, c))
        }));
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (file, c) in citations {
        let Some(quote) = &c.quote else { continue };
        if c.source != "bfv-2024-part2" {
            continue;
        }
        let (start, end) = match (&c.page, &c.pages) {
            (Some(p), _) => (*p, *p),
            (None, Some(sourcebrief::content::meta::PagesValue::Number(p))) => (*p, *p),
            (None, Some(sourcebrief::content::meta::PagesValue::Text(t))) => {
                let (a, b) = t.split_once(['-', '–']).unwrap_or((t, t));
                (a.trim().parse().unwrap(), b.trim().parse().unwrap())
            }
            (None, None) => panic!("{}: citation {} has no page", file.display(), c.id),
        };
        let cited: String = pages
            .iter()
            .filter(|(n, _)| (start..=end).contains(n))
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        checked += 1;
        if !normalize(&cited).contains(&normalize(quote)) {
            wrong.push(format!(
                "{}: [{}] p. {start}-{end}: \"{quote}\"",
                file.display(),
                c.id
            ));
        }
    }
    assert!(
        checked >= 20,
        "the briefing quotes its source ({checked} quotes)"
    );
    assert!(
        wrong.is_empty(),
        "quotes not found on the cited page:\n{}",
        wrong.join("\n")
    );
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
