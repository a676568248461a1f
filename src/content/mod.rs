//! Stage 1, *load*: reads `content/` into typed, validated files.
//!
//! The folder tree is walked with walkdir. `_index.md` files are sections,
//! other `.md` files pages; the top-level folders `glossary/`, `entities/` and
//! `sources/` are typed collections. Every other file is an asset, copied to the
//! output beside the pages. Nothing here knows about URLs: that is the
//! *resolve* stage ([`crate::site`]).

pub mod frontmatter;
pub mod meta;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::fs::checked_walk;
pub use meta::{CitationDecl, Date, EntityMeta, PageMeta, SortBy, SourceMeta, TermMeta};

/// A content file as read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, as shown in messages (`content/a.md`).
    pub rel: PathBuf,
    /// The whole text of the file.
    pub text: Arc<str>,
    /// Byte range of the front matter text.
    pub front_matter: std::ops::Range<usize>,
    /// Byte offset where the Markdown body starts.
    pub body_start: usize,
}

impl SourceFile {
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// An error pointing at `span` (bytes of the whole file).
    pub fn error_at(&self, message: impl Into<String>, span: std::ops::Range<usize>) -> Diagnostic {
        Diagnostic::error(message)
            .in_file(&self.rel)
            .at(&self.text, span)
    }

    /// A warning pointing at `span` (bytes of the whole file).
    pub fn warning_at(
        &self,
        message: impl Into<String>,
        span: std::ops::Range<usize>,
    ) -> Diagnostic {
        Diagnostic::warning(message)
            .in_file(&self.rel)
            .at(&self.text, span)
    }

    /// The span of the first occurrence of `needle` in the front matter, or
    /// the front matter's start.
    pub fn front_matter_span(&self, needle: &str) -> std::ops::Range<usize> {
        frontmatter::locate(&self.text, self.front_matter.clone(), needle)
            .unwrap_or(self.front_matter.start..self.front_matter.start)
    }

    /// The span of the string `value` of front-matter key `key`, as the
    /// author wrote it: quoted (`"…"` or `'…'`), with TOML's or YAML's
    /// escapes, or bare (YAML); looked for on the key's line first, then in
    /// the whole front matter; failing that, the value after the key, or
    /// the front matter's start.
    pub fn value_span(&self, key: &str, value: &str) -> std::ops::Range<usize> {
        let fm = self.front_matter.clone();
        let text = &self.text[fm.clone()];
        // The key's line (`key = …`, `key: …`).
        let line = text
            .split_inclusive('\n')
            .scan(0, |at, l| {
                let start = *at;
                *at += l.len();
                Some((start, l))
            })
            .find(|(_, l)| {
                l.trim_start()
                    .strip_prefix(key)
                    .is_some_and(|r| r.trim_start().starts_with(['=', ':']))
            })
            .map(|(start, l)| fm.start + start..fm.start + start + l.trim_end().len());
        let written = written_forms(value);
        let find_in = |r: std::ops::Range<usize>| {
            written
                .iter()
                .find_map(|w| frontmatter::locate(&self.text, r.clone(), w))
        };
        if let Some(span) = line.clone().and_then(find_in) {
            return span;
        }
        if let Some(span) = find_in(fm.clone()) {
            return span;
        }
        match line {
            Some(l) => {
                let after = self.text[l.clone()]
                    .find(['=', ':'])
                    .map_or(l.start, |i| l.start + i + 1);
                let skip =
                    self.text[after..l.end].len() - self.text[after..l.end].trim_start().len();
                after + skip..l.end
            }
            None => fm.start..fm.start,
        }
    }
}

/// The ways a string may stand in front matter, most precise first.
fn written_forms(value: &str) -> Vec<String> {
    let escaped = |upper: bool| -> String {
        let mut out = String::new();
        for c in value.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() && upper => out.push_str(&format!("\\u{:04X}", c as u32)),
                c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        format!("\"{out}\"")
    };
    let mut forms = vec![
        format!("\"{value}\""),
        escaped(true),
        escaped(false),
        format!("'{value}'"),
    ];
    if !value.is_empty() {
        forms.push(value.to_string());
    }
    forms.dedup();
    forms
}

/// A content file with its typed front matter.
#[derive(Debug, Clone)]
pub struct Parsed<M> {
    pub file: SourceFile,
    pub meta: M,
}

/// A page or section file of the content tree.
#[derive(Debug, Clone)]
pub struct ContentPage {
    /// Folder of the file relative to `content/`, e.g. `briefing`.
    pub dir: PathBuf,
    /// File stem, e.g. `vulnerability-mining` (`_index` for sections).
    pub stem: String,
    pub parsed: Parsed<PageMeta>,
}

/// The text of a source (`content/sources/<id>.txt`), page by page.
#[derive(Debug, Clone)]
pub struct Text {
    /// The source's id: the file name without `.txt`.
    pub id: String,
    /// The file as read (no front matter).
    pub file: SourceFile,
    pub text: Arc<crate::source_text::SourceText>,
}

/// An item of a typed collection: its id is its file name without `.md`.
#[derive(Debug, Clone)]
pub struct Item<M> {
    pub id: String,
    pub parsed: Parsed<M>,
}

/// A typed collection: the items, sorted by id, and an optional `_index.md`.
#[derive(Debug, Clone)]
pub struct CollectionItems<M> {
    pub intro: Option<Parsed<PageMeta>>,
    pub items: Vec<Item<M>>,
}

impl<M> Default for CollectionItems<M> {
    fn default() -> Self {
        Self {
            intro: None,
            items: Vec::new(),
        }
    }
}

impl<M> CollectionItems<M> {
    pub fn get(&self, id: &str) -> Option<&Item<M>> {
        self.items
            .binary_search_by(|i| i.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.items[i])
    }

    /// Its files: the `_index.md`, if any, then the items'.
    pub fn files(&self) -> impl Iterator<Item = &SourceFile> {
        self.intro
            .iter()
            .map(|p| &p.file)
            .chain(self.items.iter().map(|i| &i.parsed.file))
    }
}

/// Everything under `content/`.
#[derive(Debug, Clone, Default)]
pub struct Content {
    pub sections: Vec<ContentPage>,
    pub pages: Vec<ContentPage>,
    pub glossary: CollectionItems<TermMeta>,
    pub entities: CollectionItems<EntityMeta>,
    pub sources: CollectionItems<SourceMeta>,
    /// The texts of sources, sorted by id.
    pub texts: Vec<Text>,
    /// Non-Markdown files, relative to `content/`.
    pub assets: Vec<PathBuf>,
}

/// The typed collections of a site, each published under `/<name>/` with
/// an index page and a page per item (the glossary: one page for all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Collection {
    Entities,
    Glossary,
    Sources,
}

impl Collection {
    /// Every collection, in the order their index pages are rendered.
    pub const ALL: [Collection; 3] = [
        Collection::Entities,
        Collection::Glossary,
        Collection::Sources,
    ];

    /// The collection whose folder is `content/<name>/`.
    pub fn from_name(name: &str) -> Option<Collection> {
        Collection::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Its folder under `content/` and its URL path segment.
    pub fn name(self) -> &'static str {
        match self {
            Collection::Entities => "entities",
            Collection::Glossary => "glossary",
            Collection::Sources => "sources",
        }
    }

    /// The title of its index page when its `_index.md` gives none.
    pub fn title(self) -> &'static str {
        match self {
            Collection::Entities => "Entities",
            Collection::Glossary => "Glossary",
            Collection::Sources => "Sources",
        }
    }

    /// The URL path of its index page: `/sources/`.
    pub fn index_path(self) -> String {
        format!("/{}/", self.name())
    }

    /// The URL path of one of its items: `/sources/<slug of id>/`.
    pub fn item_path(self, id: &str) -> String {
        format!("/{}/{}/", self.name(), crate::text::slugify(id))
    }
}

enum Kind {
    Page,
    Section,
    Term,
    Entity,
    Source,
    Text,
    CollectionIntro(Collection),
}

/// Loads and validates `root/content`.
pub fn load(root: &Path) -> Result<Content> {
    load_with(root, None, &|_| true)
}

/// Parsed content files kept from one load to the next (for `serve`), by
/// path relative to `content/`.
#[derive(Default)]
pub struct LoadCache {
    /// By the bytes of the path (hashing a `Path` walks its components).
    files: std::collections::HashMap<std::ffi::OsString, Loaded>,
}

/// Loads and validates `root/content` like [`load`], but takes every file
/// for which `stale` (given its path relative to `content/`) is false from
/// `cache` instead of reading it, when it is there; then keeps this load's
/// files in `cache`. The folder is always walked again, so added, deleted
/// and renamed files are seen; `stale` must hold for every file whose text
/// may have changed.
pub fn load_cached(
    root: &Path,
    cache: &mut LoadCache,
    stale: &(dyn Fn(&Path) -> bool + Sync),
) -> Result<Content> {
    load_with(root, Some(cache), stale)
}

/// [`load_cached`], or, without a cache, [`load`] (which copies nothing).
fn load_with(
    root: &Path,
    mut cache: Option<&mut LoadCache>,
    stale: &(dyn Fn(&Path) -> bool + Sync),
) -> Result<Content> {
    let content_dir = root.join("content");
    let mut content = Content::default();
    if !content_dir.is_dir() {
        return Ok(content);
    }
    let mut diags = Diagnostics::default();
    let mut markdown: Vec<(PathBuf, Kind)> = Vec::new();
    for entry in checked_walk(root, &content_dir, &mut diags) {
        let rel = entry
            .strip_prefix(&content_dir)
            .expect("walk stays below content/")
            .to_path_buf();
        if is_markdown(&rel) {
            let top = rel.components().next().and_then(|c| c.as_os_str().to_str());
            let depth = rel.components().count();
            let is_index = rel.file_stem().is_some_and(|n| n == "_index");
            let kind = match top {
                Some(t) if depth >= 2 && Collection::from_name(t).is_some() => {
                    let c = Collection::from_name(t).unwrap_or(Collection::Glossary);
                    if depth > 2 {
                        diags.push(
                            Diagnostic::error(format!(
                                "`{t}/` holds one file per item; sub-folders are not allowed"
                            ))
                            .in_file(Path::new("content").join(&rel)),
                        );
                        continue;
                    }
                    match (is_index, c) {
                        (true, _) => Kind::CollectionIntro(c),
                        (false, Collection::Glossary) => Kind::Term,
                        (false, Collection::Entities) => Kind::Entity,
                        (false, Collection::Sources) => Kind::Source,
                    }
                }
                _ if is_index => Kind::Section,
                _ => Kind::Page,
            };
            markdown.push((rel, kind));
        } else if is_source_text(&rel) {
            markdown.push((rel, Kind::Text));
        } else {
            content.assets.push(rel);
        }
    }

    let keep = cache.is_some();
    let mut cached = cache
        .as_mut()
        .map(|c| std::mem::take(&mut c.files))
        .unwrap_or_default();
    let slots: Vec<(PathBuf, Kind, Option<Loaded>)> = markdown
        .into_iter()
        .map(|(rel, kind)| {
            let hit = if stale(&rel) {
                None
            } else {
                cached.remove(rel.as_os_str())
            };
            (rel, kind, hit)
        })
        .collect();
    // Each file, and its copy for the cache (made here, in parallel).
    let results: Vec<(PathBuf, Result<Loaded>, Option<Loaded>)> = slots
        .into_par_iter()
        .map(|(rel, kind, hit)| {
            let loaded = match hit {
                Some(l) => Ok(l),
                None => load_file(root, &rel, kind),
            };
            let copy = if keep {
                loaded.as_ref().ok().cloned()
            } else {
                None
            };
            (rel, loaded, copy)
        })
        .collect();
    let mut kept = cache.map(|c| {
        c.files.reserve(results.len());
        &mut c.files
    });
    for (rel, loaded, copy) in results {
        if let (Some(files), Some(l)) = (kept.as_mut(), copy) {
            files.insert(rel.into_os_string(), l);
        }
        match diags.take(loaded) {
            Some(Loaded::Page(p)) => content.pages.push(p),
            Some(Loaded::Section(s)) => content.sections.push(s),
            Some(Loaded::Term(t)) => content.glossary.items.push(t),
            Some(Loaded::Entity(e)) => content.entities.items.push(e),
            Some(Loaded::Source(s)) => content.sources.items.push(s),
            Some(Loaded::Text(t)) => content.texts.push(t),
            Some(Loaded::Intro(Collection::Glossary, p)) => content.glossary.intro = Some(p),
            Some(Loaded::Intro(Collection::Entities, p)) => content.entities.intro = Some(p),
            Some(Loaded::Intro(Collection::Sources, p)) => content.sources.intro = Some(p),
            None => {}
        }
    }
    content.glossary.items.sort_by(|a, b| a.id.cmp(&b.id));
    content.entities.items.sort_by(|a, b| a.id.cmp(&b.id));
    content.sources.items.sort_by(|a, b| a.id.cmp(&b.id));
    content.texts.sort_by(|a, b| a.id.cmp(&b.id));
    validate_collections(&content, &mut diags);
    diags.finish().map(|_| content)
}

#[derive(Clone)]
enum Loaded {
    Page(ContentPage),
    Section(ContentPage),
    Term(Item<TermMeta>),
    Entity(Item<EntityMeta>),
    Source(Item<SourceMeta>),
    Text(Text),
    Intro(Collection, Parsed<PageMeta>),
}

/// A Markdown file: `.md` or `.markdown`, in any case (`UPPER.MD` is a
/// page, never an asset published with its front matter).
fn is_markdown(rel: &Path) -> bool {
    rel.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// `sources/<id>.txt`: the text of a source, not an asset (it is never
/// copied into the output).
fn is_source_text(rel: &Path) -> bool {
    rel.extension().is_some_and(|e| e == "txt") && rel.parent() == Some(Path::new("sources"))
}

/// Reads a source text; a malformed marker is an error at its line.
fn load_text(id: String, text: String, shown: PathBuf) -> Result<Loaded> {
    let file = SourceFile {
        rel: shown,
        text: Arc::from(text),
        front_matter: 0..0,
        body_start: 0,
    };
    match crate::source_text::SourceText::parse(&file.text) {
        Ok(t) => Ok(Loaded::Text(Text {
            id,
            text: Arc::new(t),
            file,
        })),
        Err(e) => Err(file.error_at(e.message, e.span).into()),
    }
}

fn load_file(root: &Path, rel: &Path, kind: Kind) -> Result<Loaded> {
    let shown = Path::new("content").join(rel);
    let abs = root.join(&shown);
    let bytes = std::fs::read(&abs).map_err(|e| Error::io(&shown, e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Error::msg(format!(
            "{}: the file is not valid UTF-8 (at byte {at})",
            shown.display()
        ))
    })?;
    let stem = rel
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    let dir = rel.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(match kind {
        Kind::Page => Loaded::Page(ContentPage {
            dir,
            stem,
            parsed: parse_file(text, shown)?,
        }),
        Kind::Section => Loaded::Section(ContentPage {
            dir,
            stem,
            parsed: parse_file(text, shown)?,
        }),
        Kind::Term => Loaded::Term(Item {
            id: stem,
            parsed: parse_file(text, shown)?,
        }),
        Kind::Entity => Loaded::Entity(Item {
            id: stem,
            parsed: parse_file(text, shown)?,
        }),
        Kind::Source => Loaded::Source(Item {
            id: stem,
            parsed: parse_file(text, shown)?,
        }),
        Kind::Text => load_text(stem, text, shown)?,
        Kind::CollectionIntro(i) => Loaded::Intro(i, parse_file(text, shown)?),
    })
}

/// Splits and parses one file (`rel` is the path shown in messages).
pub fn parse_file<M: DeserializeOwned>(text: String, rel: PathBuf) -> Result<Parsed<M>> {
    let text: Arc<str> = Arc::from(text);
    let split = frontmatter::split(&text, &rel, &text)?;
    let meta = frontmatter::parse(&text, &split, &rel)?;
    Ok(Parsed {
        file: SourceFile {
            rel,
            text,
            front_matter: split.front_matter,
            body_start: split.body_start,
        },
        meta,
    })
}

/// Checks what can be checked between collections at load time: duplicate
/// glossary terms, glossary `entity` and entity `related` references.
fn validate_collections(content: &Content, diags: &mut Diagnostics) {
    let entity_ids: BTreeSet<&str> = content
        .entities
        .items
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    let nearest = |id: &str| -> Option<String> {
        crate::text::closest(id, entity_ids.iter().copied()).map(|s| format!("did you mean `{s}`?"))
    };

    let mut seen: std::collections::HashMap<&str, &Item<TermMeta>> = Default::default();
    for item in &content.glossary.items {
        let meta = &item.parsed.meta;
        let file = &item.parsed.file;
        for name in std::iter::once(&meta.term).chain(&meta.aliases) {
            if name.trim().is_empty() {
                let key = if name == &meta.term {
                    "term"
                } else {
                    "aliases"
                };
                diags.push(file.error_at(
                    "a glossary term or alias is empty",
                    file.value_span(key, name),
                ));
                continue;
            }
            if let Some(other) = seen.insert(name.as_str(), item) {
                diags.push(file.error_at(
                    format!(
                        "`{name}` is already a term or alias of {}",
                        other.parsed.file.rel.display()
                    ),
                    file.value_span(
                        if name == &meta.term {
                            "term"
                        } else {
                            "aliases"
                        },
                        name,
                    ),
                ));
            }
        }
        if let Some(entity) = &meta.entity
            && !entity_ids.contains(entity.as_str())
        {
            let mut d = file.error_at(
                format!("unknown entity `{entity}`: there is no content/entities/{entity}.md"),
                file.value_span("entity", entity),
            );
            if let Some(h) = nearest(entity) {
                d = d.with_help(h);
            }
            diags.push(d);
        }
    }
    for t in &content.texts {
        if content.sources.get(&t.id).is_none() {
            diags.push(
                Diagnostic::error(format!(
                    "a source text needs its source: there is no content/sources/{}.md",
                    t.id
                ))
                .in_file(&t.file.rel),
            );
        }
    }
    for item in &content.entities.items {
        let file = &item.parsed.file;
        for rel in &item.parsed.meta.related {
            if !entity_ids.contains(rel.as_str()) {
                let mut d = file.error_at(
                    format!(
                        "unknown related entity `{rel}`: there is no content/entities/{rel}.md"
                    ),
                    file.value_span("related", rel),
                );
                if let Some(h) = nearest(rel) {
                    d = d.with_help(h);
                }
                diags.push(d);
            }
        }
    }
}
