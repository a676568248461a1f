//! Links that never break: the index of every published URL and anchor,
//! the check of the links authors write, and the anchor lock.
//!
//! The lock (`anchors.lock` beside `config.toml`, sorted text, committed with
//! the site) records every published URL and anchor and the file that holds
//! it. A build that would drop one fails, naming each, unless the author maps
//! it: a page that moved keeps its old URL as an alias (a redirect), and an
//! anchor that moved is mapped in the page's front matter
//! (`[anchors] old-id = "new-id"`), which a small script on the page follows.
//! `--update-lock` accepts removals that are meant.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::content::{PageMeta, SourceFile};
use crate::error::{Diagnostic, Error, Result};
use crate::markdown::Rendered;
use crate::render::{Bodies, DocRef};
use crate::site::{Collection, Site};

/// The lock's file name, in the site's root.
pub const LOCK_FILE: &str = "anchors.lock";

/// Ids the default theme puts on every page that links may target, besides
/// those of the content.
pub const THEME_IDS: [&str; 3] = ["main", "references", "footnotes"];

/// The anchors of one published page.
#[derive(Debug, Clone, Default)]
pub struct PageAnchors {
    /// The file the page comes from.
    pub file: PathBuf,
    /// Each id, with the file that makes it (glossary entries come from
    /// their own files); shared with the body's [`body_ids`] where the page
    /// has one body.
    pub ids: Arc<Ids>,
    /// `[anchors]` of the page: old id → new id.
    pub moved: BTreeMap<String, String>,
}

/// Ids, each with the file that makes it.
pub type Ids = BTreeMap<String, PathBuf>;

/// The ids of a body from the file at `rel`: what a page's anchors are
/// made of (kept by `serve` under the body's key).
pub fn body_ids(rel: &Path, body: &Rendered) -> Ids {
    body.anchor_ids()
        .map(|id| (id.to_string(), rel.to_path_buf()))
        .collect()
}

/// The [`body_ids`] of each document.
pub fn doc_ids(docs: &[DocRef<'_>]) -> Vec<Arc<Ids>> {
    docs.iter()
        .map(|d| Arc::new(body_ids(&d.file.rel, d.rendered)))
        .collect()
}

/// Every published URL and anchor of a site.
#[derive(Debug, Clone, Default)]
pub struct AnchorIndex {
    /// URL path → anchors.
    pub pages: BTreeMap<String, PageAnchors>,
    /// Alias URL → the page's URL.
    pub redirects: BTreeMap<String, String>,
    /// Every other file of the output, as URL paths (`/style.css`).
    pub files: BTreeSet<String>,
}

impl AnchorIndex {
    /// The index of a rendered site; `docs` are its bodies'
    /// [documents](Bodies::documents), `ids` their [`body_ids`] (in the
    /// same order), `files` the output's other files.
    pub fn new(
        site: &Site,
        bodies: &Bodies,
        docs: &[DocRef<'_>],
        ids: Vec<Arc<Ids>>,
        files: impl IntoIterator<Item = String>,
    ) -> Self {
        let mut pages: BTreeMap<String, PageAnchors> = BTreeMap::new();
        let cited = cited_pages(bodies, None);
        for (doc, ids) in docs.iter().zip(ids) {
            match pages.entry(doc.path.clone()) {
                Entry::Vacant(v) => {
                    v.insert(PageAnchors {
                        file: doc.file.rel.clone(),
                        ids,
                        moved: BTreeMap::new(),
                    });
                }
                // Several bodies on one page: the first to make an id keeps it.
                Entry::Occupied(mut o) => {
                    let into = Arc::make_mut(&mut o.get_mut().ids);
                    for (id, rel) in ids.iter() {
                        into.entry(id.clone()).or_insert_with(|| rel.clone());
                    }
                }
            }
        }
        for (p, page) in site
            .pages
            .iter()
            .map(|p| (&p.path, &p.meta))
            .chain(site.sections.iter().map(|s| (&s.path, &s.meta)))
        {
            if let Some(entry) = pages.get_mut(p) {
                entry.moved = page.anchors.clone();
            }
        }
        // The glossary page: one entry per term, from the term's file.
        if !site.glossary.items.is_empty() {
            let entry = pages
                .entry(Collection::Glossary.index_path())
                .or_insert_with(|| PageAnchors {
                    file: PathBuf::from("content/glossary"),
                    ..PageAnchors::default()
                });
            entry.file = PathBuf::from("content/glossary");
            let ids = Arc::make_mut(&mut entry.ids);
            for item in &site.glossary.items {
                ids.insert(crate::text::slugify(&item.id), item.parsed.file.rel.clone());
            }
        }
        // Source pages: one anchor per page of the source.
        for (item, body) in site.sources.items.iter().zip(&bodies.sources) {
            let path = Collection::Sources.item_path(&item.id);
            let entry = pages.entry(path).or_insert_with(|| PageAnchors {
                file: item.parsed.file.rel.clone(),
                ..PageAnchors::default()
            });
            add_source_ids(entry, item, body, cited.get(item.id.as_str()));
        }
        for c in [Collection::Entities, Collection::Sources] {
            if site.has_index(c) {
                let name = c.name();
                pages.entry(c.index_path()).or_insert_with(|| PageAnchors {
                    file: PathBuf::from(format!("content/{name}")),
                    ..PageAnchors::default()
                });
            }
        }
        let redirects = site
            .redirects
            .iter()
            .map(|r| (r.from.clone(), r.to.clone()))
            .collect();
        Self {
            pages,
            redirects,
            files: files.into_iter().collect(),
        }
    }

    /// Whether `path` (a URL path) and `fragment` resolve: the page (or the
    /// page an alias leads to) exists and holds the id, a theme id, or a
    /// mapping of it.
    pub fn resolves(&self, path: &str, fragment: Option<&str>) -> Resolution {
        let path = self.redirects.get(path).map_or(path, String::as_str);
        let Some(page) = self.pages.get(path) else {
            if fragment.is_none() && self.files.contains(path) {
                return Resolution::Ok;
            }
            return Resolution::NoPage;
        };
        match fragment {
            None | Some("") => Resolution::Ok,
            Some(f) if page.ids.contains_key(f) || THEME_IDS.contains(&f) => Resolution::Ok,
            Some(f) => match page.moved.get(f) {
                Some(new) if page.ids.contains_key(new) => Resolution::Moved,
                _ => Resolution::NoAnchor,
            },
        }
    }
}

/// Per source (only `only`, if given), the pages that the bodies of
/// `bodies` cite (source summaries aside: they are not documents).
pub fn cited_pages<'b>(
    bodies: &'b Bodies,
    only: Option<&str>,
) -> BTreeMap<&'b str, BTreeSet<String>> {
    // Numbers and names apart, so that a page cited again costs no string.
    let mut cited: BTreeMap<&str, (BTreeSet<u32>, BTreeSet<&str>)> = BTreeMap::new();
    let all = bodies
        .pages
        .iter()
        .chain(&bodies.sections)
        .chain(&bodies.glossary)
        .chain(&bodies.entities);
    for c in all.flat_map(|r| r.citations.iter()) {
        if only.is_none_or(|s| s == c.source) {
            let (numbers, named) = cited.entry(c.source.as_str()).or_default();
            match &c.pages.named {
                Some(l) => {
                    named.insert(l);
                }
                None => numbers.extend(c.pages.start..=c.pages.end),
            }
        }
    }
    cited
        .into_iter()
        .map(|(source, (numbers, named))| {
            let labels = numbers
                .iter()
                .map(u32::to_string)
                .chain(named.into_iter().map(str::to_string))
                .collect();
            (source, labels)
        })
        .collect()
}

/// The ids of a source's page: those of its summary, and one per page of
/// the source (every page when the count is known, else the cited ones).
fn add_source_ids(
    entry: &mut PageAnchors,
    item: &crate::content::Item<crate::content::SourceMeta>,
    body: &Rendered,
    cited: Option<&BTreeSet<String>>,
) {
    let rel = &item.parsed.file.rel;
    let ids = Arc::make_mut(&mut entry.ids);
    for id in body.anchor_ids() {
        ids.insert(id.to_string(), rel.clone());
    }
    // Every numbered page when the count is known, and the cited pages
    // (those without a number among them).
    let numbers = item.parsed.meta.pages.unwrap_or(0);
    let labels = (1..=numbers)
        .map(|n| n.to_string())
        .chain(cited.into_iter().flatten().cloned());
    for l in labels {
        ids.insert(format!("p-{}", crate::text::slugify(&l)), rel.clone());
    }
}

/// What a link target resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    Ok,
    /// The anchor moved; a mapping leads to its new place.
    Moved,
    NoPage,
    NoAnchor,
}

/// A link target split into a site path and a fragment, or `None` for a link
/// that leaves the site (or is not a web link).
pub fn internal_target(
    dest: &str,
    from_path: &str,
    base_url: &str,
) -> Option<(String, Option<String>)> {
    let dest = dest.trim();
    let local = if !base_url.is_empty() && dest.starts_with(base_url) {
        let rest = &dest[base_url.len()..];
        if rest.is_empty() || rest.starts_with(['/', '#', '?']) {
            rest
        } else {
            return None;
        }
    } else if dest.contains("://") || dest.starts_with("//") {
        return None;
    } else if let Some(colon) = dest.find(':') {
        // mailto:, tel:, javascript:, data: … (a colon before any / ? #).
        if !dest[..colon].contains(['/', '?', '#']) {
            return None;
        }
        dest
    } else {
        dest
    };
    let (before_fragment, fragment) = match local.split_once('#') {
        Some((p, f)) => (p, Some(percent_decode(f))),
        None => (local, None),
    };
    let path_part = before_fragment.split('?').next().unwrap_or("");
    let path = if path_part.is_empty() {
        from_path.to_string()
    } else if path_part.starts_with('/') {
        percent_decode(path_part)
    } else {
        // Relative to the page's folder (pages are folders: /a/b/).
        let mut segments: Vec<&str> = from_path.split('/').filter(|s| !s.is_empty()).collect();
        for seg in path_part.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    segments.pop();
                }
                s => segments.push(s),
            }
        }
        let mut p = format!("/{}", segments.join("/"));
        if path_part.ends_with('/') && p != "/" {
            p.push('/');
        }
        percent_decode(&p)
    };
    Some((normalize_page_path(&path), fragment))
}

/// `/a/b` → `/a/b/` (pages are folders), but `/a/b.css` stays.
fn normalize_page_path(path: &str) -> String {
    let last = path.rsplit('/').next().unwrap_or("");
    if path.ends_with('/') || last.contains('.') {
        path.to_string()
    } else {
        format!("{path}/")
    }
}

/// Decodes `%XX` escapes (invalid ones are kept as written).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// Checks the links that authors wrote in Markdown — each internal one must
/// lead to a page, file or anchor of the site — and the `[anchors]` maps of
/// pages. Errors point at the link or the mapping.
pub fn check_site_links(site: &Site, docs: &[DocRef<'_>], index: &AnchorIndex) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (file, meta, path) in site
        .pages
        .iter()
        .map(|p| (&p.file, &p.meta, &p.path))
        .chain(site.sections.iter().map(|s| (&s.file, &s.meta, &s.path)))
    {
        check_anchor_map(file, meta, path, index, &mut out);
    }
    for doc in docs {
        check_links(site, doc.file, &doc.path, doc.rendered, index, &mut out);
    }
    out
}

/// Checks the `[anchors]` map of the page at `path`: each mapping must lead
/// to an id the page has, from one it no longer has.
pub fn check_anchor_map(
    file: &SourceFile,
    meta: &PageMeta,
    path: &str,
    index: &AnchorIndex,
    out: &mut Vec<Diagnostic>,
) {
    let Some(page) = index.pages.get(path) else {
        return;
    };
    for (old, new) in &meta.anchors {
        let span = file.front_matter_span(old);
        if !page.ids.contains_key(new) {
            out.push(file.error_at(
                format!("[anchors] maps `{old}` to `{new}`, but the page has no anchor `{new}`"),
                span,
            ));
        } else if page.ids.contains_key(old) {
            out.push(file.error_at(
                format!("[anchors] maps `{old}`, but the page still has an anchor `{old}`; remove the mapping"),
                span,
            ));
        }
    }
}

/// Checks the links written in one body (of `file`, shown at `path`);
/// only those whose target `keep` accepts (a URL path and fragment).
pub fn check_links_where(
    site: &Site,
    file: &SourceFile,
    path: &str,
    body: &Rendered,
    index: &AnchorIndex,
    keep: &dyn Fn(&str, Option<&str>) -> bool,
    out: &mut Vec<Diagnostic>,
) {
    for link in &body.links {
        let Some((target, fragment)) = internal_target(&link.dest, path, &site.config.base_url)
        else {
            continue;
        };
        if !keep(&target, fragment.as_deref()) {
            continue;
        }
        let problem = match index.resolves(&target, fragment.as_deref()) {
            Resolution::Ok | Resolution::Moved => continue,
            Resolution::NoPage => format!(
                "broken link `{}`: the site has no page or file {target}",
                link.dest
            ),
            Resolution::NoAnchor => format!(
                "broken link `{}`: {target} has no anchor #{}",
                link.dest,
                fragment.unwrap_or_default()
            ),
        };
        let span = link.range.start + file.body_start..link.range.end + file.body_start;
        out.push(file.error_at(problem, span));
    }
}

/// Checks every link written in one body (of `file`, shown at `path`).
pub fn check_links(
    site: &Site,
    file: &SourceFile,
    path: &str,
    body: &Rendered,
    index: &AnchorIndex,
    out: &mut Vec<Diagnostic>,
) {
    check_links_where(site, file, path, body, index, &|_, _| true, out);
}

/// The anchor lock: every published URL and anchor, with the file that
/// holds it, and every mapping (alias or moved anchor).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lock {
    /// `/path/` or `/path/#id` → the file that holds it.
    pub anchors: BTreeMap<String, String>,
    /// `/old/` → `/new/`, and `/path/#old` → `#new`.
    pub mappings: BTreeMap<String, String>,
}

impl Lock {
    /// The lock that describes `index`.
    pub fn of(index: &AnchorIndex) -> Self {
        // Gathered first and then collected: a map made from a whole list
        // sorts it once and is built in bulk, which is much faster than as
        // many inserts.
        let mut anchors = Vec::new();
        let mut mappings = Vec::new();
        for (path, page) in &index.pages {
            anchors.push((path.clone(), display(&page.file)));
            for (id, file) in page.ids.iter() {
                anchors.push((format!("{path}#{id}"), display(file)));
            }
            for (old, new) in &page.moved {
                mappings.push((format!("{path}#{old}"), format!("#{new}")));
            }
        }
        for (from, to) in &index.redirects {
            mappings.push((from.clone(), to.clone()));
        }
        Lock {
            anchors: anchors.into_iter().collect(),
            mappings: mappings.into_iter().collect(),
        }
    }

    /// Reads `root/anchors.lock`; no file is an empty lock.
    pub fn load(root: &Path) -> Result<Option<Self>> {
        let path = root.join(LOCK_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&path, e)),
        };
        Self::parse(&text).map(Some)
    }

    pub fn parse(text: &str) -> Result<Self> {
        // Collected in bulk, as in `Lock::of` (a later duplicate wins, as it
        // would with inserts).
        let mut anchors = Vec::new();
        let mut mappings = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some((key, target)) = line.split_once(" -> ") {
                mappings.push((key.trim().to_string(), target.trim().to_string()));
            } else if let Some((key, file)) = line.split_once(' ') {
                anchors.push((key.to_string(), file.trim().to_string()));
            } else {
                return Err(Error::msg(format!(
                    "{LOCK_FILE}:{}: expected `<url> <file>` or `<url> -> <target>`",
                    n + 1
                )));
            }
        }
        Ok(Lock {
            anchors: anchors.into_iter().collect(),
            mappings: mappings.into_iter().collect(),
        })
    }

    /// The lock as sorted, diff-friendly text.
    pub fn to_text(&self) -> String {
        let mut out = String::from(
            "# The published URLs and anchors of this site, with the file that holds each,\n\
             # and the mappings that keep moved ones working. Written by `sourcebrief build`;\n\
             # commit it. A build fails if one of these disappears without a mapping.\n",
        );
        let mut lines: Vec<String> = self
            .anchors
            .iter()
            .map(|(k, f)| format!("{k} {f}"))
            .chain(self.mappings.iter().map(|(k, t)| format!("{k} -> {t}")))
            .collect();
        lines.sort();
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
        out
    }

    /// What `index` would break of this lock.
    pub fn violations(&self, index: &AnchorIndex) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (key, file) in &self.anchors {
            let (path, fragment) = match key.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (key.as_str(), None),
            };
            match index.resolves(path, fragment) {
                Resolution::Ok | Resolution::Moved => {}
                Resolution::NoPage => out.push(
                    Diagnostic::error(format!(
                        "the published URL {key} would disappear (it came from {file})"
                    ))
                    .in_file(file)
                    .with_help(format!(
                        "if the page moved, add `aliases = [\"{path}\"]` to its new file; to drop it on purpose, build with --update-lock"
                    )),
                ),
                Resolution::NoAnchor => out.push(
                    Diagnostic::error(format!(
                        "the published anchor {key} would disappear (it came from {file})"
                    ))
                    .in_file(file)
                    .with_help(format!(
                        "if it moved, map it in the page's front matter: [anchors] {} = \"<new-id>\"; to drop it on purpose, build with --update-lock",
                        fragment.unwrap_or_default()
                    )),
                ),
            }
        }
        for (key, target) in &self.mappings {
            let still = match key.split_once('#') {
                Some((path, old)) => {
                    index.pages.get(path).is_some_and(|p| {
                        p.moved.get(old).is_some_and(|n| format!("#{n}") == *target)
                    }) || matches!(index.resolves(path, Some(old)), Resolution::Ok)
                }
                None => index.redirects.contains_key(key) || index.pages.contains_key(key),
            };
            if !still {
                out.push(
                    Diagnostic::error(format!(
                        "the mapping {key} -> {target} would disappear, and links to {key} would break"
                    ))
                    .with_help("keep the alias or [anchors] entry; to drop it on purpose, build with --update-lock"),
                );
            }
        }
        out
    }
}

fn display(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/").replace(' ', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let t = |d: &str| internal_target(d, "/briefing/market/", "https://example.org");
        assert_eq!(
            t("#p-x"),
            Some(("/briefing/market/".into(), Some("p-x".into())))
        );
        assert_eq!(t("/briefing/"), Some(("/briefing/".into(), None)));
        assert_eq!(t("/briefing"), Some(("/briefing/".into(), None)));
        assert_eq!(
            t("../personnel/#a%20b"),
            Some(("/briefing/personnel/".into(), Some("a b".into())))
        );
        assert_eq!(
            t("https://example.org/x/#y"),
            Some(("/x/".into(), Some("y".into())))
        );
        assert_eq!(t("https://other.example/x/"), None);
        assert_eq!(t("mailto:a@b.c"), None);
        assert_eq!(t("/style.css"), Some(("/style.css".into(), None)));
        assert_eq!(t("/%E5%AE%89/"), Some(("/安/".into(), None)));
        assert_eq!(t("?q=1"), Some(("/briefing/market/".into(), None)));
    }

    #[test]
    fn lock_round_trips() {
        let mut lock = Lock::default();
        lock.anchors.insert("/a/".into(), "content/a.md".into());
        lock.anchors.insert("/a/#p-x".into(), "content/a.md".into());
        lock.mappings.insert("/a/#old".into(), "#p-x".into());
        lock.mappings.insert("/old/".into(), "/a/".into());
        let text = lock.to_text();
        assert!(
            text.contains("\n/a/#old -> #p-x\n/a/#p-x content/a.md\n"),
            "{text}"
        );
        assert_eq!(Lock::parse(&text).unwrap(), lock);
    }

    #[test]
    fn a_lock_read_by_hand_keeps_the_last_of_a_repeated_line() {
        let lock = Lock::parse(
            "/b/ content/b.md\n/a/ content/old.md\n/a/ content/a.md\n/x/ -> /y/\n/x/ -> /z/\n",
        )
        .unwrap();
        assert_eq!(lock.anchors["/a/"], "content/a.md");
        assert_eq!(lock.anchors.len(), 2);
        assert_eq!(lock.mappings["/x/"], "/z/");
    }
}
