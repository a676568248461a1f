//! "Cite this" for a page: its citation in the site's CSL style
//! ([`crate::csl::PageCitations`]), BibTeX (biblatex's `@online`) and RIS.
//! The reader's date of access is left as tokens — `{Y2}`, `{MMMM2}`,
//! `{MMM2}`, `{MM2}`, `{D2}`, `{DD2}` — that `cite.js` fills in.

use serde::Serialize;

use crate::config::Config;
use crate::csl::PageFacts;

/// `page.cite` (and `section.cite`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CiteView {
    /// The citation in the site's style (plain text).
    pub text: String,
    pub bibtex: String,
    pub ris: String,
    /// The three as JSON, safe inside `<script type="application/json">`.
    pub json: String,
}

/// The citations of a page at `path` with these facts.
pub fn cite(
    config: &Config,
    citations: &crate::csl::PageCitations,
    path: &str,
    page: &PageFacts<'_>,
) -> CiteView {
    let text = citations.cite(&config.citation_style, page);
    let bibtex = bibtex(config, path, page);
    let ris = ris(config, page);
    let json = super::views::script_safe_json(&serde_json::json!({
        "text": text,
        "bibtex": bibtex,
        "ris": ris,
    }));
    CiteView {
        text,
        bibtex,
        ris,
        json,
    }
}

/// A biblatex `@online` entry.
fn bibtex(config: &Config, path: &str, page: &PageFacts<'_>) -> String {
    let slug = crate::text::slugify(path);
    let key = format!(
        "{}-{}",
        crate::text::slugify(&config.title),
        if slug.is_empty() { "home" } else { &slug }
    );
    let mut fields: Vec<(&str, String)> = Vec::new();
    if !config.author.is_empty() {
        // Double braces: a name of an organization, not "Last, First".
        fields.push(("author", format!("{{{}}}", tex(&config.author))));
    }
    fields.push(("title", format!("{{{}}}", tex(page.title))));
    fields.push(("organization", tex(&config.title)));
    if !config.publisher.is_empty() && config.publisher != config.title {
        fields.push(("publisher", tex(&config.publisher)));
    }
    if let Some(d) = page.date {
        fields.push(("date", d.to_string()));
    }
    if let Some(u) = page.updated.filter(|u| Some(*u) != page.date) {
        fields.push(("note", format!("Updated {u}")));
    }
    fields.push(("url", page.url.to_string()));
    fields.push(("urldate", "{Y2}-{MM2}-{DD2}".to_string()));
    let mut out = format!("@online{{{key},\n");
    for (name, value) in fields {
        out.push_str(&format!("  {name} = {{{value}}},\n"));
    }
    out.push('}');
    out
}

/// TeX's special characters escaped.
fn tex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            _ => out.push(c),
        }
    }
    out
}

/// An RIS record (`ELEC`: a web page).
fn ris(config: &Config, page: &PageFacts<'_>) -> String {
    let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut lines = vec!["TY  - ELEC".to_string()];
    if !config.author.is_empty() {
        lines.push(format!("AU  - {}", one_line(&config.author)));
    }
    lines.push(format!("TI  - {}", one_line(page.title)));
    lines.push(format!("T2  - {}", one_line(&config.title)));
    if !config.publisher.is_empty() && config.publisher != config.title {
        lines.push(format!("PB  - {}", one_line(&config.publisher)));
    }
    if let Some(d) = page.date {
        lines.push(format!("PY  - {}", &d[..d.len().min(4)]));
        lines.push(format!("DA  - {}", d.replace('-', "/")));
    }
    if let Some(u) = page.updated.filter(|u| Some(*u) != page.date) {
        lines.push(format!("N1  - Updated {u}"));
    }
    lines.push(format!("UR  - {}", page.url));
    lines.push("Y2  - {Y2}/{MM2}/{DD2}".to_string());
    lines.push(format!("LA  - {}", config.language));
    lines.push("ER  - ".to_string());
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tex_specials_are_escaped() {
        assert_eq!(tex("R&D 100% {x}_y"), "R\\&D 100\\% \\{x\\}\\_y");
        assert_eq!(
            tex("a\\b~c^"),
            "a\\textbackslash{}b\\textasciitilde{}c\\textasciicircum{}"
        );
    }
}
