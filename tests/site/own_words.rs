//! The bundled briefing is written in its own words: no run of eight words of
//! the report it explains appears anywhere in `content/` outside quotation
//! marks (the titles of the report and of its chapters excepted).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// How many consecutive words make a copied run.
const RUN: usize = 8;

/// Titles that may be named without quotation marks: their runs of words are
/// not counted as copied.
const TITLES: &[&str] = &[
    // The report's title, as on page 1 (the `title` of
    // content/sources/bfv-2024-part2.md).
    "The i-Soon-Leaks: Industrialization of Cyber Espionage. Part 2: Connections of i-Soon to the Chinese security apparatus",
    // Its chapter headings, as in the table of contents on page 1.
    "i-Soon’s involvement in national vulnerability mining",
    "i-Soon’s training institute and certifications",
    "Personnel links to the Chinese state and the national hacking scene",
    "“Limitless” supply in a competitive market",
    // The titles of the other parts of the series, as page 2 and 3 list them
    // (the titles of content/sources/bfv-2024-part{1,3,4}.md).
    "Organization and methods of i-Soon APT units",
    "Affected countries and specific targets of i-Soon",
    "Offered products and i-Soon customers",
    // The titles the site gives those parts' source pages
    // (content/sources/bfv-2024-part{1,3,4}.md): the series title of page 1
    // and each part's subject as page 2 and 3 list it.
    "The i-Soon-Leaks, part 1: Organization and methods of i-Soon APT units",
    "The i-Soon-Leaks, part 3: Affected countries and specific targets of i-Soon",
    "The i-Soon-Leaks, part 4: Offered products and i-Soon customers",
    // The title of the Atlantic Council report the BfV cites in footnotes 5,
    // 7, 8 and 9 (the title of content/sources/atlantic-council-2023.md).
    "Sleight of hand: How China weaponizes software vulnerabilities",
];

/// Front-matter keys whose values are not the site's prose: `quote` is a
/// quotation by definition, the others are ids, references and settings.
const NOT_PROSE: &[&str] = &[
    "quote", "id", "source", "page", "pages", "url", "related", "entity", "sort_by", "kind",
    "date", "updated", "short",
];

/// Lower-case words of `text`, any character that is not a letter or a digit
/// separating them (so punctuation, apostrophes and hyphens do not count).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn shingles(words: &[String]) -> impl Iterator<Item = String> + '_ {
    words.windows(RUN).map(|w| w.join(" "))
}

/// The report's running text: pages joined (footnotes set apart, so a
/// sentence that runs over a page break stays whole), words hyphenated across
/// lines joined, footnote markers (`GitHub1`, `them.3`) dropped.
fn report_text(raw: &str) -> String {
    let mut body = String::new();
    let mut notes = String::new();
    for page in raw.split("=== page ").skip(1) {
        let page = page.split_once('\n').map_or("", |(_, rest)| rest);
        // Footnotes start at a blank line followed by a line that is only the
        // note's number.
        let lines: Vec<&str> = page.lines().collect();
        let split = (1..lines.len()).find(|&i| {
            lines[i - 1].trim().is_empty()
                && !lines[i].trim().is_empty()
                && lines[i].trim().chars().all(|c| c.is_ascii_digit())
        });
        let (text, foot) = lines.split_at(split.unwrap_or(lines.len()));
        body.push_str(&text.join("\n"));
        body.push('\n');
        notes.push_str(&foot.join("\n"));
        notes.push_str("\n\n");
    }
    let text = format!("{body}\n\n{notes}").replace("-\n", "");
    // A footnote marker: digits right after a letter, a closing bracket or
    // quotation mark, or a full stop that follows a letter.
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() && i > 0 {
            let prev = chars[i - 1];
            let marker = prev.is_alphabetic()
                || matches!(prev, ')' | '”' | '"')
                || (prev == '.' && i > 1 && chars[i - 2].is_alphabetic());
            if marker {
                let mut j = i;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    j += 1;
                }
                if j == chars.len() || chars[j].is_whitespace() {
                    i = j;
                    continue;
                }
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The prose of a Markdown body, in pieces that a run may not cross:
/// paragraphs, and the text between quotations, citations and markup.
fn body_prose(body: &str) -> Vec<String> {
    const BREAK: char = '\u{1}';
    let mut text = String::new();
    let mut in_code = false;
    for line in body.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        if line.trim().is_empty() {
            text.push(BREAK);
        }
        text.push_str(line);
        text.push('\n');
    }
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut straight_open = false;
    let mut curly_depth = 0usize;
    while i < chars.len() {
        let c = chars[i];
        let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
        match c {
            // Quotation marks and what they enclose.
            '“' => {
                curly_depth += 1;
                out.push(BREAK);
            }
            '”' => {
                curly_depth = curly_depth.saturating_sub(1);
                out.push(BREAK);
            }
            '"' => {
                straight_open = !straight_open;
                out.push(BREAK);
            }
            BREAK => {
                // A quotation does not run over a paragraph.
                straight_open = false;
                curly_depth = 0;
                out.push(BREAK);
            }
            _ if straight_open || curly_depth > 0 => {}
            // Citations `[@…]` and footnote references `[^…]`.
            '[' if rest.starts_with("[@") || rest.starts_with("[^") => {
                while i < chars.len() && chars[i] != ']' {
                    i += 1;
                }
                if i + 1 < chars.len() && chars[i + 1] == ':' {
                    i += 1;
                }
                out.push(BREAK);
            }
            // A wikilink's shown text.
            '[' if rest.starts_with("[[") => {
                let end = (i + 2..chars.len().saturating_sub(1))
                    .find(|&j| chars[j] == ']' && chars[j + 1] == ']')
                    .unwrap_or(chars.len());
                let inner: String = chars[i + 2..end.min(chars.len())].iter().collect();
                out.push_str(inner.rsplit('|').next().unwrap_or(""));
                i = end + 1;
            }
            // A link's target and an explicit id are not prose.
            ']' if chars.get(i + 1) == Some(&'(') => {
                while i < chars.len() && chars[i] != ')' {
                    i += 1;
                }
            }
            '{' if chars.get(i + 1) == Some(&'#') => {
                while i < chars.len() && chars[i] != '}' {
                    i += 1;
                }
            }
            '`' => {
                i += 1;
                while i < chars.len() && chars[i] != '`' {
                    i += 1;
                }
                out.push(BREAK);
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out.split(BREAK).map(str::to_string).collect()
}

/// The string values of front matter that are prose, each a piece of its own.
fn front_matter_prose(value: &toml::Value, key: &str, out: &mut Vec<String>) {
    match value {
        toml::Value::String(s) if !NOT_PROSE.contains(&key) => out.extend(body_prose(s)),
        toml::Value::Array(items) => {
            for v in items {
                front_matter_prose(v, key, out);
            }
        }
        toml::Value::Table(t) if key != "anchors" => {
            for (k, v) in t {
                front_matter_prose(v, k, out);
            }
        }
        _ => {}
    }
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            markdown_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "md") {
            out.push(p);
        }
    }
}

/// The runs of `RUN` or more words of `pieces` that are in `copied`, each as
/// its words.
fn copied_runs(pieces: &[String], copied: &HashSet<String>) -> Vec<String> {
    let mut runs = Vec::new();
    for piece in pieces {
        let w = words(piece);
        let hits: Vec<bool> = shingles(&w).map(|s| copied.contains(&s)).collect();
        let mut i = 0;
        while i < hits.len() {
            if hits[i] {
                let start = i;
                while i + 1 < hits.len() && hits[i + 1] {
                    i += 1;
                }
                runs.push(w[start..i + RUN].join(" "));
            }
            i += 1;
        }
    }
    runs
}

#[test]
fn no_unquoted_run_of_eight_words_of_the_report_in_the_content() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let raw = std::fs::read_to_string(repo.join("content/sources/bfv-2024-part2.txt")).unwrap();
    let report = words(&report_text(&raw));
    let titles: HashSet<String> = TITLES
        .iter()
        .flat_map(|t| shingles(&words(t)).collect::<Vec<_>>())
        .collect();
    let copied: HashSet<String> = shingles(&report).filter(|s| !titles.contains(s)).collect();
    assert!(copied.len() > 1000, "the report's text was read");

    let mut files = Vec::new();
    markdown_files(&repo.join("content"), &mut files);
    files.sort();
    assert!(files.len() > 20, "the content was read");
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let (front, body) = text
            .strip_prefix("+++")
            .and_then(|t| t.split_once("\n+++"))
            .unwrap_or(("", &text));
        let mut pieces = Vec::new();
        let front: toml::Table = toml::from_str(front).unwrap();
        for (k, v) in &front {
            front_matter_prose(v, k, &mut pieces);
        }
        pieces.extend(body_prose(body));
        for run in copied_runs(&pieces, &copied) {
            found.push(format!(
                "{}: {run}",
                file.strip_prefix(repo).unwrap().display()
            ));
        }
    }
    assert!(
        found.is_empty(),
        "runs of {RUN} or more words of the report without quotation marks \
         (paraphrase them, or quote them exactly):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_copy_test_finds_a_copied_run_and_passes_a_quoted_one() {
    let raw = "=== page 1 ===\nThe leaked documents do not contain any indica-\ntion of affected entities in Germany.2\n\n2\nA note.\n";
    let copied: HashSet<String> = shingles(&words(&report_text(raw))).collect();
    let copied_text = body_prose(
        "The documents do not contain any indication of affected entities in Germany [@r, p. 1].",
    );
    assert_eq!(
        copied_runs(&copied_text, &copied),
        ["documents do not contain any indication of affected entities in germany"]
    );
    let quoted = body_prose(
        "The documents “do not contain any indication of affected entities in Germany” [@r, p. 1].",
    );
    assert!(copied_runs(&quoted, &copied).is_empty());
}
