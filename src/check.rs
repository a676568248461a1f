//! `sourcebrief check`: builds the site in memory and checks the real output
//! HTML, page by page: internal links and fragments that do not resolve,
//! duplicate ids, `javascript:` and `data:` links, images without alt text,
//! anchor-lock violations, and (with `--external`) external links, fetched
//! with a bounded time and body size. Findings name the source file and, where
//! the link is written in it, the line and column.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rayon::prelude::*;
use scraper::{Html, Selector};

use crate::anchors::{Lock, internal_target, percent_decode};
use crate::build::{BuildOptions, Rendition, render};
use crate::error::Diagnostic;
use crate::render::file_for_path;
use crate::site::Collection;

/// What to check.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub build: BuildOptions,
    /// Also fetch external links.
    pub external: bool,
    /// Time allowed for one external link.
    pub timeout: Option<Duration>,
}

/// What a check found.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
    pub pages: usize,
    pub links: usize,
    pub external: usize,
}

/// The parsed output of one page.
struct ParsedPage {
    /// Output path, e.g. `briefing/index.html`.
    output: PathBuf,
    /// URL path, e.g. `/briefing/`.
    url: String,
    ids: Vec<String>,
    /// (attribute value, element name, attribute name)
    links: Vec<(String, &'static str, &'static str)>,
    /// Images without alt text: their `src`.
    images_without_alt: Vec<String>,
}

/// Runs every check. A site that fails to build reports its build errors.
pub fn check(options: &CheckOptions) -> CheckReport {
    let rendition = match render(&options.build) {
        Ok(r) => r,
        Err(e) => {
            return CheckReport {
                errors: e.diagnostics,
                ..CheckReport::default()
            };
        }
    };
    let mut report = CheckReport {
        warnings: rendition.warnings.clone(),
        ..CheckReport::default()
    };
    match Lock::load(&rendition.site.config.root) {
        Ok(Some(lock)) => report.errors.extend(lock.violations(&rendition.anchors)),
        Ok(None) => {}
        Err(e) => report.errors.extend(e.diagnostics),
    }
    let sources = source_files(&rendition);
    let pages: Vec<ParsedPage> = rendition
        .files
        .par_iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "html"))
        .map(|f| parse_page(&f.path, &f.bytes))
        .collect();
    report.pages = pages.len();
    let ids: HashMap<&str, BTreeSet<&str>> = pages
        .iter()
        .map(|p| (p.url.as_str(), p.ids.iter().map(String::as_str).collect()))
        .collect();
    let files: BTreeSet<String> = rendition
        .files
        .iter()
        .map(|f| &f.path)
        .chain(rendition.copies.iter().map(|c| &c.to))
        .map(|p| format!("/{}", p.to_string_lossy().replace('\\', "/")))
        .collect();
    let base_url = rendition.site.config.base_url.clone();
    let base_path = rendition.site.config.base_path().to_string();
    let mut external: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();

    for (pi, page) in pages.iter().enumerate() {
        let source = sources.get(&page.output);
        let at = |needle: &str, message: String| -> Diagnostic {
            locate(source, needle, message, &page.output)
        };
        let mut seen = BTreeSet::new();
        for id in &page.ids {
            if !seen.insert(id) {
                let message = format!("the id `{id}` appears more than once on {}", page.url);
                let written = [
                    format!("{{#{id}}}"),
                    format!("id=\"{id}\""),
                    format!("id='{id}'"),
                ]
                .into_iter()
                .find(|n| source.is_some_and(|(_, text)| text.contains(n.as_str())));
                report
                    .errors
                    .push(at(written.as_deref().unwrap_or(""), message));
            }
        }
        for src in &page.images_without_alt {
            report.errors.push(at(
                src,
                format!("image `{src}` on {} has no alt text", page.url),
            ));
        }
        for (value, element, attr) in &page.links {
            report.links += 1;
            let lower = value.trim().to_ascii_lowercase();
            if lower.starts_with("javascript:") || lower.starts_with("data:") {
                report.errors.push(at(
                    value,
                    format!(
                        "<{element} {attr}> on {} uses a `{}` URL",
                        page.url,
                        &lower[..lower.find(':').unwrap_or(0)]
                    ),
                ));
                continue;
            }
            // A root-relative link under the site's base path (the theme's
            // assets) is read as the same link written in full.
            let full;
            let value = match value.strip_prefix(base_path.as_str()) {
                Some(rest) if !base_path.is_empty() && rest.starts_with('/') => {
                    full = format!("{base_url}{rest}");
                    &full
                }
                _ => value,
            };
            let Some((path, fragment)) = internal_target(value, &page.url, &base_url) else {
                if lower.starts_with("http://") || lower.starts_with("https://") {
                    external
                        .entry(value.clone())
                        .or_default()
                        .push((pi, value.clone()));
                }
                continue;
            };
            let target_ids = ids.get(path.as_str()).or_else(|| {
                rendition
                    .anchors
                    .redirects
                    .get(&path)
                    .and_then(|to| ids.get(to.as_str()))
            });
            let problem = match (target_ids, &fragment) {
                (None, _) if files.contains(&path) && fragment.is_none() => None,
                (None, _) => Some(format!(
                    "broken link on {}: `{value}` leads to no page or file ({path})",
                    page.url
                )),
                (Some(_), None) => None,
                (Some(_), Some(f)) if f.is_empty() => None,
                (Some(set), Some(f)) => {
                    let moved = rendition
                        .anchors
                        .pages
                        .get(&path)
                        .and_then(|p| p.moved.get(f))
                        .is_some_and(|n| set.contains(n.as_str()));
                    (!set.contains(f.as_str()) && !moved).then(|| {
                        format!(
                            "broken link on {}: `{value}`: {path} has no element with id `{f}`",
                            page.url
                        )
                    })
                }
            };
            if let Some(p) = problem {
                let needle = value.strip_prefix(&base_url).unwrap_or(value);
                report.errors.push(at(needle, p));
            }
        }
    }

    if options.external {
        report.external = external.len();
        let timeout = options.timeout.unwrap_or(Duration::from_secs(10));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .max_redirects(5)
            .user_agent("sourcebrief-check")
            .build()
            .into();
        let results: Vec<(String, Option<String>)> = external
            .keys()
            .cloned()
            .collect::<Vec<_>>()
            .par_iter()
            .map(|url| (url.clone(), fetch(&agent, url)))
            .collect();
        for (url, problem) in results {
            if let Some(problem) = problem {
                for (pi, value) in &external[&url] {
                    let page = &pages[*pi];
                    report.errors.push(locate(
                        sources.get(&page.output),
                        value,
                        format!("external link on {}: `{url}` {problem}", page.url),
                        &page.output,
                    ));
                }
            }
        }
    }
    crate::error::sort_diagnostics(&mut report.errors);
    report
}

/// `None` if `url` answers with a success, else what went wrong.
fn fetch(agent: &ureq::Agent, url: &str) -> Option<String> {
    const MAX_BODY: u64 = 64 * 1024;
    let answer = match agent.head(url).call() {
        Ok(r) if r.status().as_u16() == 405 || r.status().as_u16() == 501 => agent.get(url).call(),
        other => other,
    };
    match answer {
        Ok(mut r) => {
            let status = r.status().as_u16();
            // Read (a bounded part of) the body so the connection is used fully.
            let _ = r.body_mut().with_config().limit(MAX_BODY).read_to_vec();
            (status >= 400).then(|| format!("answered {status}"))
        }
        Err(e) => Some(format!("failed: {e}")),
    }
}

fn parse_page(path: &std::path::Path, bytes: &[u8]) -> ParsedPage {
    let text = String::from_utf8_lossy(bytes);
    let doc = Html::parse_document(&text);
    let sel = |s: &str| Selector::parse(s).expect("static selector");
    let ids = doc
        .select(&sel("[id]"))
        .filter_map(|e| e.value().attr("id").map(str::to_string))
        .collect();
    let mut links = Vec::new();
    for (css, element, attr) in [
        ("a[href]", "a", "href"),
        ("area[href]", "area", "href"),
        ("link[href]", "link", "href"),
        ("img[src]", "img", "src"),
        ("script[src]", "script", "src"),
        ("source[src]", "source", "src"),
        ("iframe[src]", "iframe", "src"),
    ] {
        for e in doc.select(&sel(css)) {
            if let Some(v) = e.value().attr(attr) {
                links.push((v.to_string(), element, attr));
            }
        }
    }
    let images_without_alt = doc
        .select(&sel("img"))
        .filter(|e| e.value().attr("alt").is_none_or(|a| a.trim().is_empty()))
        .map(|e| e.value().attr("src").unwrap_or("").to_string())
        .collect();
    let rel = path.to_string_lossy().replace('\\', "/");
    let url = match rel.strip_suffix("index.html") {
        Some(dir) => format!("/{dir}"),
        None => format!("/{rel}"),
    };
    ParsedPage {
        output: path.to_path_buf(),
        url,
        ids,
        links,
        images_without_alt,
    }
}

/// Output file → the content file it comes from (path shown, text).
fn source_files(r: &Rendition) -> HashMap<PathBuf, (PathBuf, Arc<str>)> {
    let site = &r.site;
    let mut map = HashMap::new();
    let mut add = |path: &str, file: &crate::content::SourceFile| {
        map.entry(file_for_path(path))
            .or_insert_with(|| (file.rel.clone(), Arc::clone(&file.text)));
    };
    for p in &site.pages {
        add(&p.path, &p.file);
    }
    for s in &site.sections {
        add(&s.path, &s.file);
    }
    for e in &site.entities.items {
        add(&Collection::Entities.item_path(&e.id), &e.parsed.file);
    }
    for s in &site.sources.items {
        add(&Collection::Sources.item_path(&s.id), &s.parsed.file);
    }
    map
}

/// A diagnostic at the first place `needle` is written in the page's source
/// file, or naming the output file when it comes from a template.
fn locate(
    source: Option<&(PathBuf, Arc<str>)>,
    needle: &str,
    message: String,
    output: &std::path::Path,
) -> Diagnostic {
    match source {
        Some((file, text)) => {
            let found = text
                .find(needle)
                .or_else(|| text.find(&percent_decode(needle)));
            match found.filter(|_| !needle.is_empty()) {
                Some(i) => Diagnostic::error(message)
                    .in_file(file)
                    .at(text, i..i + needle.len()),
                None => {
                    Diagnostic::error(format!("{message} (written by a template)")).in_file(file)
                }
            }
        }
        None => Diagnostic::error(format!("{message} (written by a template)"))
            .in_file(PathBuf::from("public").join(output)),
    }
}
