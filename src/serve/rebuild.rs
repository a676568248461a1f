//! Incremental rebuilds: the site is kept in memory with everything needed to
//! redo only what a change touches.
//!
//! | change | what is redone |
//! | --- | --- |
//! | `config.toml` | everything |
//! | `content/` | the content is read and resolved again (cheap); only the bodies whose text changed are rendered, and only the outputs [`dependents`] names go through the templates |
//! | `templates/`, the theme | the templates are compiled again and every output rendered with the bodies and site already in memory |
//! | `static/` | the copied files are listed again; only changed ones are read |
//!
//! A rebuild that fails changes nothing that is served: the last good site
//! stays (only the caches of what is on disk are refreshed), and the changes
//! it was asked to handle stay pending for the next rebuild.
//!
//! The served site is a map from output path to bytes, built exactly as
//! `build` writes a folder ([`crate::output::Staging`]): copies first (theme
//! static, site static, content assets), then the rendered files; later
//! entries win.

mod patch;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use rayon::prelude::*;

use crate::anchors::AnchorIndex;
use crate::build::{self, BuildOptions};
use crate::content::{self, LoadCache};
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::markdown::{Document, Highlighter, Markdown, Rendered};
use crate::output::{self, CopyFile};
use crate::render::{self, Bodies, Indexes, OutputFile, Target, Templates};
use crate::serve::watch::Changes;
use crate::site::{PageId, SectionId, Site};
use crate::theme::Origin;

/// The bytes of one served file.
pub type Bytes = Arc<[u8]>;

/// The whole served site: output path (`a/b/index.html`, `/` separators) →
/// bytes.
pub type SiteMap = HashMap<Arc<str>, Bytes>;

/// An output file in memory: its path in the output and its bytes.
type Out = (Arc<str>, Bytes);

/// What a content change makes stale, as decided by [`dependents`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dirty {
    /// Every output must be rendered again (e.g. the main navigation changed).
    pub all: bool,
    /// Every body must be rendered again as well.
    pub all_bodies: bool,
    /// Files whose Markdown must be rendered again although their own text is
    /// unchanged (because it shows data of another file).
    pub bodies: BTreeSet<PathBuf>,
    /// Pages and sections (by file) whose output must go through its
    /// template again. (The 404 page shows only the navigation: it is
    /// rendered again with [`Dirty::all`].)
    pub outputs: BTreeSet<PathBuf>,
    /// The pages of the collections (sources, entities and their indexes,
    /// the glossary) must be rendered again: they list what every page cites,
    /// mentions and uses, so any content change may change them.
    pub listings: bool,
    /// A source's text changed: the passes get a new library (they check
    /// quotes against the texts), and the collections' bodies are rendered
    /// again with it; the pages and sections that cite a changed text are
    /// in [`Dirty::bodies`].
    pub texts: bool,
}

impl Dirty {
    pub fn output(&self, site: &Site, target: Target) -> bool {
        self.all
            || match target {
                Target::Page(i) => self.outputs.contains(&site.pages[i].file.rel),
                Target::Section(i) => self.outputs.contains(&site.sections[i].file.rel),
                Target::Source(_) | Target::Entity(_) | Target::Index(_) => self.listings,
                Target::NotFound => false,
            }
    }

    pub fn body(&self, rel: &Path) -> bool {
        self.all_bodies || self.bodies.contains(rel)
    }
}

/// The content files (pages and sections, by `rel`) whose text differs
/// between `old` and `new`, or that are in only one of them (added, deleted,
/// renamed, or turned into or out of drafts).
pub fn changed_files(old: &Site, new: &Site) -> BTreeSet<PathBuf> {
    fn texts(site: &Site) -> HashMap<&OsStr, &Arc<str>> {
        site.pages
            .iter()
            .map(|p| &p.file)
            .chain(site.sections.iter().map(|s| &s.file))
            .map(|f| (f.rel.as_os_str(), &f.text))
            .collect()
    }
    let (a, b) = (texts(old), texts(new));
    let mut changed = BTreeSet::new();
    for (rel, text) in &a {
        if b.get(rel).is_none_or(|t| t != text) {
            changed.insert(PathBuf::from(rel));
        }
    }
    for rel in b.keys() {
        if !a.contains_key(rel) {
            changed.insert(PathBuf::from(rel));
        }
    }
    changed
}

/// The ids of the sources whose text was added, removed or changed.
fn changed_texts(old: &Site, new: &Site) -> BTreeSet<String> {
    let of = |site: &Site| -> BTreeMap<String, Arc<str>> {
        site.texts
            .iter()
            .map(|t| (t.id.clone(), t.file.text.clone()))
            .collect()
    };
    let (a, b) = (of(old), of(new));
    a.keys()
        .chain(b.keys())
        .filter(|id| a.get(*id) != b.get(*id))
        .cloned()
        .collect()
}

/// Whether a page or section may cite one of `sources`: a front-matter
/// citation names it, or the body has `@<id>` (a direct citation).
/// `needles` are the `@<id>` of `sources`.
fn cites_any(
    file: &content::SourceFile,
    meta: &content::PageMeta,
    sources: &BTreeSet<String>,
    needles: &[String],
) -> bool {
    meta.citations.iter().any(|c| sources.contains(&c.source))
        || needles.iter().any(|n| file.body().contains(n.as_str()))
}

/// Every file of the typed collections, with its text.
fn collection_texts(site: &Site) -> Vec<(&Path, &str)> {
    site.glossary
        .files()
        .chain(site.entities.files())
        .chain(site.sources.files())
        .map(|f| (f.rel.as_path(), &*f.text))
        .collect()
}

/// **The dependency rules of the site**: which bodies and outputs of `new`
/// must be rendered again after the content changed from `old` (same
/// configuration and templates).
///
/// An output is stale when its own file changed, or when it shows data of a
/// file that changed, or when its place in the site changed:
///
/// - a page shows its previous and next pages (title, path) and its
///   ancestor sections;
/// - a section lists its pages (title, description, dates, weight, word
///   count, extra) and links its subsections and ancestors;
/// - every output shows the main navigation (the home page and its direct
///   subsections): when that changes, everything is stale.
///
/// Markdown passes that show data of other files (links to pages,
/// citations of sources, glossary terms, entities) add their rules here:
/// every file whose body refers to a changed file goes into
/// [`Dirty::bodies`] and its output into [`Dirty::outputs`], and every
/// collection page that lists a changed file into [`Dirty::outputs`].
pub fn dependents(old: &Site, new: &Site) -> Dirty {
    let changed_set = changed_files(old, new);
    let changed_bytes: HashSet<&OsStr> = changed_set.iter().map(|p| p.as_os_str()).collect();
    let changed = |rel: &Path| changed_bytes.contains(rel.as_os_str());
    let mut dirty = Dirty {
        listings: !changed_set.is_empty(),
        ..Dirty::default()
    };

    // The typed collections (glossary, entities, sources) are data that
    // Markdown passes and templates may show anywhere: until a finer rule
    // says who shows which item, a change to one redoes everything.
    if collection_texts(old) != collection_texts(new) {
        dirty.all = true;
        dirty.all_bodies = true;
        return dirty;
    }

    // A source's text: what rests on it is every body that cites the source
    // (its quotes are checked against the text, and its links lead to the
    // passages) and the source's page (it shows the passages).
    let texts = changed_texts(old, new);
    if !texts.is_empty() {
        dirty.texts = true;
        dirty.listings = true;
        let needles: Vec<String> = texts.iter().map(|id| format!("@{id}")).collect();
        for (file, meta) in new
            .pages
            .iter()
            .map(|p| (&p.file, &p.meta))
            .chain(new.sections.iter().map(|s| (&s.file, &s.meta)))
        {
            if cites_any(file, meta, &texts, &needles) {
                dirty.bodies.insert(file.rel.clone());
                dirty.outputs.insert(file.rel.clone());
            }
        }
    }

    // What a link to a page or section shows: its title and path.
    type Link<'a> = (&'a Path, Option<&'a str>, &'a str);
    fn page_link(site: &Site, i: PageId) -> Link<'_> {
        let p = &site.pages[i];
        (&p.file.rel, p.meta.title.as_deref(), &p.path)
    }
    fn section_links<'a>(site: &'a Site, list: &[SectionId]) -> Vec<Link<'a>> {
        list.iter()
            .map(|&i| {
                let s = &site.sections[i];
                (
                    s.file.rel.as_path(),
                    s.meta.title.as_deref(),
                    s.path.as_str(),
                )
            })
            .collect()
    }
    // Every section's ancestors, as its pages and itself show them.
    fn chains(site: &Site) -> Vec<Vec<Link<'_>>> {
        site.section_ids()
            .map(|i| section_links(site, &site.section_chain(i)))
            .collect()
    }

    // The main navigation, shown by every template.
    let nav = |site: &Site| -> Vec<(Option<String>, String)> {
        let mut list = vec![SectionId::HOME];
        list.extend(&site.home().subsections);
        section_links(site, &list)
            .into_iter()
            .map(|(_, t, p)| (t.map(str::to_string), p.to_string()))
            .collect()
    };
    // Every page also shows the site's date of last update (in the footer).
    if nav(old) != nav(new) || old.last_updated() != new.last_updated() {
        dirty.all = true;
        return dirty;
    }

    // (Keyed by the path's bytes: hashing a `Path` walks its components.)
    let old_pages: HashMap<&OsStr, usize> = old
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.file.rel.as_os_str(), i))
        .collect();
    let old_sections: HashMap<&OsStr, usize> = old
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.file.rel.as_os_str(), i))
        .collect();
    let (old_chains, new_chains) = (chains(old), chains(new));

    for page in &new.pages {
        let rel = &page.file.rel;
        let stale = match old_pages.get(rel.as_os_str()) {
            None => true,
            Some(&o) => {
                let before = &old.pages[o];
                changed(rel)
                    || before.path != page.path
                    || before.previous.map(|j| page_link(old, j))
                        != page.previous.map(|j| page_link(new, j))
                    || before.next.map(|j| page_link(old, j))
                        != page.next.map(|j| page_link(new, j))
                    || old_chains[before.section.0] != new_chains[page.section.0]
            }
        };
        if stale {
            dirty.outputs.insert(rel.clone());
        }
    }

    for (i, section) in new.sections.iter().enumerate() {
        let rel = &section.file.rel;
        let stale = match old_sections.get(rel.as_os_str()) {
            None => true,
            Some(&o) => {
                let before = &old.sections[o];
                fn listed<'s>(
                    site: &'s Site,
                    list: &'s [PageId],
                ) -> impl Iterator<Item = &'s OsStr> {
                    list.iter()
                        .map(move |&j| site.pages[j].file.rel.as_os_str())
                }
                changed(rel)
                    || before.path != section.path
                    // A listing shows each page's summary (front matter and
                    // word count): any change to a listed page counts.
                    || !listed(old, &before.pages).eq(listed(new, &section.pages))
                    || section.pages.iter().any(|&j| changed(&new.pages[j].file.rel))
                    || section_links(old, &before.subsections)
                        != section_links(new, &section.subsections)
                    || old_chains[o] != new_chains[i]
            }
        };
        if stale {
            dirty.outputs.insert(rel.clone());
        }
    }
    dirty
}

/// Size and modification time of a file: whether a copy must be read again.
type Stamp = Option<(u64, SystemTime)>;

fn stamp(path: &Path) -> Stamp {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

/// The last good build, with what an incremental rebuild reuses.
struct Good {
    site: Site,
    templates: Templates,
    /// Loaded once: syntax definitions are costly to load.
    highlighter: Arc<Highlighter>,
    markdown: Markdown,
    bodies: Bodies,
    /// What the listings show, from every body.
    indexes: Indexes,
    /// Every URL and anchor of the site, as links were checked against.
    anchors: AnchorIndex,
    /// Templated outputs.
    outputs: Outputs,
    /// The served site.
    map: SiteMap,
    /// `highlight.css`.
    highlight: Option<Out>,
    /// Copied files: target path and bytes, in copy order, and the site's
    /// own among them.
    copies: Copied,
    /// The hash of every copied and generated asset, as templates get it.
    assets: BTreeMap<String, String>,
    /// Bytes of copied files read from disk, by source path.
    copy_cache: HashMap<PathBuf, (Stamp, Bytes)>,
    /// Parsed content files, re-read only when a change names them.
    content_cache: LoadCache,
}

/// What a successful rebuild did.
#[derive(Debug)]
pub struct Outcome {
    pub map: SiteMap,
    /// Outputs that went through a template.
    pub rendered: usize,
    /// Bodies whose Markdown was rendered.
    pub bodies: usize,
    /// Copied files read from disk.
    pub read: usize,
    pub full: bool,
    /// Whether it took the fast path of body edits (`rebuild/patch.rs`).
    pub bodies_only: bool,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: std::time::Duration,
}

impl Outcome {
    pub fn summary(&self) -> String {
        format!(
            "{} {} output{} ({} Markdown bod{}, {} file{} read) in {} ms",
            if self.full { "Built" } else { "Rebuilt" },
            self.rendered,
            if self.rendered == 1 { "" } else { "s" },
            self.bodies,
            if self.bodies == 1 { "y" } else { "ies" },
            self.read,
            if self.read == 1 { "" } else { "s" },
            self.elapsed.as_millis()
        )
    }
}

/// Owns the last good build and turns changes into new served sites.
pub struct Builder {
    options: BuildOptions,
    good: Option<Good>,
    /// Changes not yet built successfully.
    pending: Changes,
}

impl Builder {
    pub fn new(options: BuildOptions) -> Self {
        Self {
            options,
            good: None,
            pending: Changes::everything(),
        }
    }

    pub fn options(&self) -> &BuildOptions {
        &self.options
    }

    /// The theme of the last good build (what the watcher classifies by).
    pub fn theme(&self) -> Option<&str> {
        self.good.as_ref().map(|g| g.site.config.theme.as_str())
    }

    /// Rebuilds what `changes` (and any changes of failed rebuilds before)
    /// touch. On error the last good build is kept.
    pub fn rebuild(&mut self, changes: Changes) -> Result<Outcome> {
        let start = Instant::now();
        self.pending.merge(changes);
        let result = match self.good.as_mut() {
            Some(good) if !self.pending.config => match patch::body_edits(good, &self.pending) {
                Some(edits) => patch::apply(good, edits),
                None => incremental(good, &self.pending),
            },
            _ => match full(&self.options) {
                Ok((good, outcome)) => {
                    self.good = Some(good);
                    Ok(outcome)
                }
                Err(e) => Err(e),
            },
        };
        let mut outcome = result?;
        self.pending = Changes::default();
        outcome.elapsed = start.elapsed();
        Ok(outcome)
    }
}

fn to_key(path: &Path) -> Arc<str> {
    Arc::from(path.to_string_lossy().replace('\\', "/"))
}

fn share(f: OutputFile) -> Out {
    (to_key(&f.path), Bytes::from(f.bytes))
}

/// The templated outputs of a site, by the file they come from (a
/// collection index by `@index/<name>`).
#[derive(Default, Clone)]
struct Outputs {
    files: HashMap<OsString, Out>,
    not_found: Option<Out>,
}

/// The key an output is kept under, or `None` for the 404 page.
fn output_key(site: &Site, target: Target) -> Option<OsString> {
    Some(match target {
        Target::Page(i) => site.pages[i].file.rel.clone().into_os_string(),
        Target::Section(i) => site.sections[i].file.rel.clone().into_os_string(),
        Target::Source(i) => site.sources.items[i]
            .parsed
            .file
            .rel
            .clone()
            .into_os_string(),
        Target::Entity(i) => site.entities.items[i]
            .parsed
            .file
            .rel
            .clone()
            .into_os_string(),
        Target::Index(c) => OsString::from(format!("@index/{}", c.name())),
        Target::NotFound => return None,
    })
}

impl Outputs {
    fn get(&self, site: &Site, target: Target) -> Option<&Out> {
        match output_key(site, target) {
            Some(key) => self.files.get(&key),
            None => self.not_found.as_ref(),
        }
    }

    fn insert(&mut self, site: &Site, target: Target, out: Out) {
        match output_key(site, target) {
            Some(key) => {
                self.files.insert(key, out);
            }
            None => self.not_found = Some(out),
        }
    }

    fn len(&self) -> usize {
        self.files.len() + usize::from(self.not_found.is_some())
    }

    /// Forgets the outputs of files `site` no longer has.
    fn retain_site(&mut self, site: &Site, templates: &Templates) {
        let live: HashSet<OsString> = targets(site, templates)
            .filter_map(|t| output_key(site, t))
            .collect();
        self.files.retain(|k, _| live.contains(k));
    }
}

/// The diagnostics of the bodies rendered now (`fresh`, in the order of
/// [`Bodies::diagnostics`]: pages, sections, sources, glossary, entities).
fn check_bodies(bodies: &Bodies, fresh: &[bool]) -> Result<Vec<Diagnostic>> {
    let mut diags = Diagnostics::default();
    let all = bodies
        .pages
        .iter()
        .chain(&bodies.sections)
        .chain(&bodies.sources)
        .chain(&bodies.glossary)
        .chain(&bodies.entities);
    for (r, is_fresh) in all.zip(fresh) {
        if *is_fresh {
            diags.extend(r.diagnostics.iter().cloned());
        }
    }
    diags.finish()
}

/// Links written in Markdown must lead somewhere on the site, as in `build`.
/// Returns the index of the site's anchors they were checked against.
fn check_links(site: &Site, bodies: &Bodies, map: &SiteMap) -> Result<AnchorIndex> {
    let docs = bodies.documents(site);
    let index = AnchorIndex::new(site, bodies, &docs, files_of(map));
    let errors = crate::anchors::check_site_links(site, &docs, &index);
    if errors.is_empty() {
        Ok(index)
    } else {
        Err(Error::from_diagnostics(errors))
    }
}

/// The served files as URL paths (`/style.css`), as the anchor index has them.
fn files_of(map: &SiteMap) -> impl Iterator<Item = String> + '_ {
    map.keys().map(|k| format!("/{k}"))
}

/// The `assets` map templates get: a hash of each copied or generated file.
fn assets_of(copies: &[Out], highlight: &Option<Out>) -> BTreeMap<String, String> {
    build::hash_assets(
        copies
            .iter()
            .chain(highlight.iter())
            .map(|(k, b)| (k.to_string(), &b[..])),
    )
}

fn full(options: &BuildOptions) -> Result<(Good, Outcome)> {
    let config = build::load_config(options)?;
    let mut content_cache = LoadCache::default();
    let content = content::load_cached(&config.root, &mut content_cache, &|_| true)?;
    let site = Site::resolve(config, content)?;
    let config = &site.config;
    let templates = Templates::load(&config.root, &config.theme, config.template_budget)?;
    let highlighter = Arc::new(Highlighter::new());
    let markdown = Markdown::new(
        &config.markdown,
        highlighter.clone(),
        render::library(&site),
    );
    let bodies = render::render_markdown(&site, &markdown);
    let n_bodies = bodies.diagnostics_len();
    let mut warnings = check_bodies(&bodies, &vec![true; n_bodies])?;
    let highlight = highlight_css(&site)?;
    let mut copy_cache = HashMap::new();
    let (copies, read, copy_warnings) = read_copies(&site, &mut copy_cache, &BTreeSet::new())?;
    warnings.extend(copy_warnings);
    let assets = assets_of(&copies.0, &highlight);
    let indexes = Indexes::new(&site, &bodies);
    let mut outputs = Outputs::default();
    for (t, f) in render::render_targets(&site, &bodies, &indexes, &templates, &assets, &|_| true)?
    {
        outputs.insert(&site, t, share(f));
    }
    let (map, merged) = assemble(&site, &templates, &outputs, &copies, &highlight)?;
    warnings.extend(merged);
    let anchors = check_links(&site, &bodies, &map)?;
    let good = Good {
        site,
        templates,
        highlighter,
        markdown,
        bodies,
        indexes,
        anchors,
        outputs,
        map,
        highlight,
        copies,
        assets,
        copy_cache,
        content_cache,
    };
    let outcome = Outcome {
        map: good.map.clone(),
        rendered: good.outputs.len(),
        bodies: n_bodies,
        read,
        full: true,
        bodies_only: false,
        warnings,
        elapsed: Default::default(),
    };
    Ok((good, outcome))
}

fn highlight_css(site: &Site) -> Result<Option<Out>> {
    let md = &site.config.markdown;
    if !md.highlight_code {
        return Ok(None);
    }
    let css = Highlighter::css(&md.highlight_theme, md.highlight_theme_dark.as_deref())
        .map_err(Error::msg)?;
    Ok(Some((
        "highlight.css".into(),
        Bytes::from(css.into_bytes()),
    )))
}

/// The copied files (target path and bytes, in copy order), and of them
/// the site's own (from `static/` and `content/`: output path and the file
/// as shown), which may not stand where the build writes.
type Copied = (Vec<Out>, Vec<(String, PathBuf)>);

/// The copied files, how many were read from disk, and the warnings of
/// listing them.
type Copies = (Copied, usize, Vec<Diagnostic>);

/// Lists the copied files and reads those that are new, changed on disk, or
/// named in `changed`; the others come from `cache`.
fn read_copies(
    site: &Site,
    cache: &mut HashMap<PathBuf, (Stamp, Bytes)>,
    changed: &BTreeSet<PathBuf>,
) -> Result<Copies> {
    let mut diags = Diagnostics::default();
    let list: Vec<CopyFile> = build::copies(site, &mut diags)?;
    let warnings = diags.finish()?;
    let mut read = 0;
    let mut out = Vec::with_capacity(list.len());
    let mut seen = HashSet::new();
    let mut own = Vec::new();
    for c in list {
        if crate::collisions::is_sites_own(&c) {
            own.push((build::output_key(&c.to), c.shown.clone()));
        }
        let bytes = match &c.from {
            Origin::Embedded(b) => Bytes::from(*b),
            Origin::Disk(p) => {
                let now = stamp(p);
                match cache.get(p) {
                    Some((s, b)) if *s == now && now.is_some() && !changed.contains(p) => b.clone(),
                    _ => {
                        let b = Bytes::from(std::fs::read(p).map_err(|e| Error::io(&c.shown, e))?);
                        read += 1;
                        cache.insert(p.clone(), (now, b.clone()));
                        b
                    }
                }
            }
        };
        if let Origin::Disk(p) = &c.from {
            seen.insert(p.clone());
        }
        out.push((to_key(&c.to), bytes));
    }
    cache.retain(|p, _| seen.contains(p));
    Ok(((out, own), read, warnings))
}

fn incremental(good: &mut Good, changes: &Changes) -> Result<Outcome> {
    let root = good.site.config.root.clone();
    let templates = if changes.templates || changes.theme {
        Some(Templates::load(
            &root,
            &good.site.config.theme,
            good.site.config.template_budget,
        )?)
    } else {
        None
    };
    let site = if changes.content {
        // Only the files a change names (or a folder above them) are read
        // again; the others come from the cache.
        let content_dir = root.join("content");
        let touched: HashSet<&OsStr> = changes.paths.iter().map(|p| p.as_os_str()).collect();
        let stale = |rel: &Path| {
            content_dir
                .join(rel)
                .ancestors()
                .any(|a| touched.contains(a.as_os_str()))
        };
        let content = content::load_cached(&root, &mut good.content_cache, &stale)?;
        Some(Site::resolve(good.site.config.clone(), content)?)
    } else {
        None
    };

    let mut warnings = Vec::new();
    let mut n_bodies = 0;
    // Bodies and the outputs to render. A change to the collections changes
    // what the Markdown passes look up: they get a new library.
    let mut markdown = None;
    let (bodies, dirty) = match &site {
        None => (None, Dirty::default()),
        Some(new) => {
            let dirty = dependents(&good.site, new);
            if dirty.all_bodies || dirty.texts {
                markdown = Some(Markdown::new(
                    &new.config.markdown,
                    good.highlighter.clone(),
                    render::library(new),
                ));
            }
            let md = markdown.as_ref().unwrap_or(&good.markdown);
            let (bodies, fresh) = reuse_bodies(&good.site, &good.bodies, new, &dirty, md);
            n_bodies = fresh.iter().filter(|f| **f).count();
            warnings.extend(check_bodies(&bodies, &fresh)?);
            (Some(bodies), dirty)
        }
    };
    let cur_site = site.as_ref().unwrap_or(&good.site);
    let cur_bodies = bodies.as_ref().unwrap_or(&good.bodies);
    let indexes = bodies.as_ref().map(|b| Indexes::new(cur_site, b));
    let cur_indexes = indexes.as_ref().unwrap_or(&good.indexes);
    let cur_templates = templates.as_ref().unwrap_or(&good.templates);

    let mut copy_cache = None;
    let mut copies = None;
    let mut read = 0;
    if site.is_some() || changes.theme || !changes.statics.is_empty() {
        let mut cache = good.copy_cache.clone();
        let (list, n, w) = read_copies(cur_site, &mut cache, &changes.paths)?;
        read = n;
        warnings.extend(w);
        copies = Some(list);
        copy_cache = Some(cache);
    }
    // Templates link assets with their hash: an asset that a template names
    // and whose hash changed re-renders everything.
    let assets = copies.as_ref().map(|c| assets_of(&c.0, &good.highlight));
    let assets_changed = assets.as_ref().is_some_and(|new| {
        let old = &good.assets;
        new.iter()
            .filter(|(k, h)| old.get(*k) != Some(*h))
            .map(|(k, _)| k)
            .chain(old.keys().filter(|k| !new.contains_key(*k)))
            .any(|k| cur_templates.mention(k))
    });
    let cur_assets = assets.as_ref().unwrap_or(&good.assets);

    let all = templates.is_some() || dirty.all || assets_changed;
    let wanted = |t: Target| all || dirty.output(cur_site, t);
    let fresh = if all || dirty.listings || !dirty.outputs.is_empty() {
        render::render_targets(
            cur_site,
            cur_bodies,
            cur_indexes,
            cur_templates,
            cur_assets,
            &wanted,
        )?
    } else {
        Vec::new()
    };
    let rendered = fresh.len();
    // The served site as it will be; its links are checked before
    // committing to it.
    let mut outputs = if all {
        Outputs::default()
    } else {
        good.outputs.clone()
    };
    for (t, f) in fresh {
        outputs.insert(cur_site, t, share(f));
    }
    if site.is_some() {
        outputs.retain_site(cur_site, cur_templates);
    }
    let (map, merged) = assemble(
        cur_site,
        cur_templates,
        &outputs,
        copies.as_ref().unwrap_or(&good.copies),
        &good.highlight,
    )?;
    warnings.extend(merged);
    let anchors = match &site {
        Some(_) => Some(check_links(cur_site, cur_bodies, &map)?),
        None => None,
    };

    // Everything succeeded: commit.
    if let Some(t) = templates {
        good.templates = t;
    }
    if let Some(m) = markdown {
        good.markdown = m;
    }
    if let Some(s) = site {
        build::drop_later(std::mem::replace(&mut good.site, s));
    }
    if let Some(b) = bodies {
        build::drop_later(std::mem::replace(&mut good.bodies, b));
    }
    if let Some(i) = indexes {
        build::drop_later(std::mem::replace(&mut good.indexes, i));
    }
    build::drop_later(std::mem::replace(&mut good.outputs, outputs));
    match anchors {
        Some(a) => good.anchors = a,
        // The same pages and anchors; the copied files may differ.
        None => good.anchors.files = files_of(&map).collect(),
    }
    build::drop_later(std::mem::replace(&mut good.map, map));
    if let Some(c) = copies {
        good.copies = c;
    }
    if let Some(a) = assets {
        good.assets = a;
    }
    if let Some(c) = copy_cache {
        good.copy_cache = c;
    }
    Ok(Outcome {
        map: good.map.clone(),
        rendered,
        bodies: n_bodies,
        read,
        full: false,
        bodies_only: false,
        warnings,
        elapsed: Default::default(),
    })
}

/// Every templated output a site has.
fn targets(site: &Site, templates: &Templates) -> impl Iterator<Item = Target> {
    render::targets(site, templates).into_iter()
}

/// The bodies of `new`: those whose file and text are unchanged and that
/// [`dependents`] did not name come from `old`; the rest are rendered (in
/// parallel). The collections' bodies are rendered again only when
/// [`Dirty::all_bodies`] says so (they change only with the collections).
/// Also says, per body (in the order of [`check_bodies`]), whether it was
/// rendered now.
fn reuse_bodies(
    old: &Site,
    old_bodies: &Bodies,
    new: &Site,
    dirty: &Dirty,
    markdown: &Markdown,
) -> (Bodies, Vec<bool>) {
    let mut cache: HashMap<&OsStr, (&Arc<str>, &Rendered)> = HashMap::new();
    for (p, r) in old.pages.iter().zip(&old_bodies.pages) {
        cache.insert(p.file.rel.as_os_str(), (&p.file.text, r));
    }
    for (s, r) in old.sections.iter().zip(&old_bodies.sections) {
        cache.insert(s.file.rel.as_os_str(), (&s.file.text, r));
    }
    let get = |doc: Document<'_>| -> (Rendered, bool) {
        match cache.get(doc.file.rel.as_os_str()) {
            Some((text, r)) if **text == doc.file.text && !dirty.body(&doc.file.rel) => {
                ((*r).clone(), false)
            }
            _ => (markdown.render(doc), true),
        }
    };
    let pages: Vec<(Rendered, bool)> = new
        .pages
        .par_iter()
        .map(|p| get(render::page_document(p)))
        .collect();
    let sections: Vec<(Rendered, bool)> = new
        .sections
        .par_iter()
        .map(|s| get(render::section_document(s)))
        .collect();
    let collections = if dirty.all_bodies || dirty.texts {
        let fresh = render::render_markdown(new, markdown);
        Some((fresh.sources, fresh.glossary, fresh.entities))
    } else {
        None
    };
    let redone = collections.is_some();
    let (sources, glossary, entities) = collections.unwrap_or_else(|| {
        (
            old_bodies.sources.clone(),
            old_bodies.glossary.clone(),
            old_bodies.entities.clone(),
        )
    });
    let fresh = pages
        .iter()
        .chain(&sections)
        .map(|(_, f)| *f)
        .chain(std::iter::repeat_n(
            redone,
            sources.len() + glossary.len() + entities.len(),
        ))
        .collect();
    (
        Bodies {
            pages: pages.into_iter().map(|(r, _)| r).collect(),
            sections: sections.into_iter().map(|(r, _)| r).collect(),
            sources,
            glossary,
            entities,
        },
        fresh,
    )
}

/// The served site, layered as a build writes it, with the same checks of
/// paths wanted twice ([`crate::collisions`]): an error, or the map and the
/// warning that the site's `_redirects` was merged.
fn assemble(
    site: &Site,
    templates: &Templates,
    outputs: &Outputs,
    copies: &Copied,
    highlight: &Option<Out>,
) -> Result<(SiteMap, Vec<Diagnostic>)> {
    let (copied, own) = copies;
    // What the build writes, in its order.
    let mut generated: Vec<Out> = targets(site, templates)
        .filter_map(|t| outputs.get(site, t).cloned())
        .collect();
    generated.extend(output::site_files(site).into_iter().map(share));
    generated.extend(highlight.iter().cloned());
    let keys: Vec<String> = generated.iter().map(|(k, _)| k.to_string()).collect();
    let found = crate::collisions::find(site, &keys, own);
    if !found.errors.is_empty() {
        return Err(Error::from_diagnostics(found.errors));
    }
    let mut map = SiteMap::with_capacity(copied.len() + generated.len());
    for (path, bytes) in copied {
        map.insert(path.clone(), bytes.clone());
    }
    let mut warnings = Vec::new();
    for (path, bytes) in generated {
        let bytes = match (&found.merge_redirects, &*path, map.get(&path)) {
            (Some(shown), "_redirects", Some(own)) => {
                warnings.push(crate::collisions::merged_warning(shown));
                Bytes::from(crate::collisions::merge_redirects(own, &bytes))
            }
            _ => bytes,
        };
        map.insert(path, bytes);
    }
    Ok((map, warnings))
}

/// A site rendered from scratch by [`build::render`], as the same map: what
/// `serve` must be serving after any sequence of edits.
pub fn clean_site_map(options: &BuildOptions) -> Result<SiteMap> {
    let rendition = build::render(options)?;
    if !rendition.link_errors.is_empty() {
        return Err(Error::from_diagnostics(rendition.link_errors));
    }
    let mut map = SiteMap::new();
    for c in &rendition.copies {
        let bytes = match &c.from {
            Origin::Embedded(b) => Bytes::from(*b),
            Origin::Disk(p) => Bytes::from(std::fs::read(p).map_err(|e| Error::io(&c.shown, e))?),
        };
        map.insert(to_key(&c.to), bytes);
    }
    for f in rendition.files {
        let (path, bytes) = share(f);
        map.insert(path, bytes);
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;

    /// A site from `(path, text)` files in a temporary folder.
    fn site(files: &[(&str, &str)]) -> Site {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), "title = \"T\"\n").unwrap();
        for (rel, text) in files {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        build::load_site(&BuildOptions {
            root: dir.path().to_path_buf(),
            overrides: Overrides::default(),
            update_lock: false,
        })
        .unwrap()
    }

    fn page(title: &str, weight: i64, body: &str) -> String {
        format!("+++\ntitle = \"{title}\"\nweight = {weight}\n+++\n{body}\n")
    }

    fn keys(d: &Dirty) -> Vec<String> {
        d.outputs.iter().map(|p| p.display().to_string()).collect()
    }

    fn base() -> Vec<(&'static str, String)> {
        vec![
            ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n".into()),
            ("content/b/_index.md", "+++\ntitle = \"B\"\n+++\n".into()),
            ("content/b/one.md", page("One", 1, "one")),
            ("content/b/two.md", page("Two", 2, "two")),
            ("content/b/three.md", page("Three", 3, "three")),
            ("content/b/four.md", page("Four", 4, "four")),
            ("content/c/_index.md", "+++\ntitle = \"C\"\n+++\n".into()),
            ("content/c/x.md", page("X", 1, "x")),
        ]
    }

    fn with(changes: &[(&'static str, Option<String>)]) -> Site {
        let mut files = base();
        for (rel, text) in changes {
            files.retain(|(r, _)| r != rel);
            if let Some(t) = text {
                files.push((rel, t.clone()));
            }
        }
        let refs: Vec<(&str, &str)> = files.iter().map(|(r, t)| (*r, t.as_str())).collect();
        site(&refs)
    }

    #[test]
    fn nothing_changed_nothing_stale() {
        let d = dependents(&with(&[]), &with(&[]));
        assert_eq!(d, Dirty::default());
    }

    #[test]
    fn body_edit_touches_the_page_and_its_section_listing() {
        let d = dependents(
            &with(&[]),
            &with(&[("content/b/two.md", Some(page("Two", 2, "new text")))]),
        );
        assert!(!d.all);
        // The neighbours show only its title and path, which did not change;
        // the section lists its word count, which may have.
        assert_eq!(keys(&d), ["content/b/_index.md", "content/b/two.md"]);
    }

    #[test]
    fn title_edit_touches_the_neighbours_too() {
        let d = dependents(
            &with(&[]),
            &with(&[("content/b/two.md", Some(page("Deux", 2, "two")))]),
        );
        assert_eq!(
            keys(&d),
            [
                "content/b/_index.md",
                "content/b/one.md",
                "content/b/three.md",
                "content/b/two.md"
            ]
        );
    }

    #[test]
    fn reordering_touches_every_page_whose_neighbours_moved() {
        // `four` moves to the front: one, two, three, four → four, one, two,
        // three. `two` keeps its neighbours.
        let d = dependents(
            &with(&[]),
            &with(&[("content/b/four.md", Some(page("Four", 0, "four")))]),
        );
        assert_eq!(
            keys(&d),
            [
                "content/b/_index.md",
                "content/b/four.md",
                "content/b/one.md",
                "content/b/three.md"
            ]
        );
    }

    #[test]
    fn deleting_a_page_touches_its_former_neighbours() {
        let d = dependents(&with(&[]), &with(&[("content/b/two.md", None)]));
        assert_eq!(
            keys(&d),
            [
                "content/b/_index.md",
                "content/b/one.md",
                "content/b/three.md"
            ]
        );
    }

    #[test]
    fn adding_and_moving_pages() {
        let d = dependents(
            &with(&[]),
            &with(&[
                ("content/c/x.md", None),
                ("content/b/x.md", Some(page("X", 5, "x"))),
            ]),
        );
        assert_eq!(
            keys(&d),
            [
                "content/b/_index.md",
                "content/b/four.md",
                "content/b/x.md",
                "content/c/_index.md"
            ]
        );
    }

    #[test]
    fn section_title_in_navigation_touches_everything() {
        let d = dependents(
            &with(&[]),
            &with(&[(
                "content/c/_index.md",
                Some("+++\ntitle = \"Sea\"\n+++\n".into()),
            )]),
        );
        assert!(d.all);
    }

    #[test]
    fn nested_section_touches_its_subtree_and_parent() {
        let mut files = base();
        files.push(("content/b/d/_index.md", "+++\ntitle = \"D\"\n+++\n".into()));
        files.push(("content/b/d/y.md", page("Y", 1, "y")));
        let refs: Vec<(&str, &str)> = files.iter().map(|(r, t)| (*r, t.as_str())).collect();
        let old = site(&refs);
        let mut files2 = files.clone();
        files2.retain(|(r, _)| *r != "content/b/d/_index.md");
        files2.push((
            "content/b/d/_index.md",
            "+++\ntitle = \"Dee\"\n+++\n".into(),
        ));
        let refs: Vec<(&str, &str)> = files2.iter().map(|(r, t)| (*r, t.as_str())).collect();
        let d = dependents(&old, &site(&refs));
        assert!(!d.all);
        assert_eq!(
            keys(&d),
            [
                "content/b/_index.md",
                "content/b/d/_index.md",
                "content/b/d/y.md"
            ]
        );
    }

    #[test]
    fn collection_change_redoes_everything() {
        let old = with(&[(
            "content/glossary/apt.md",
            Some("+++\nterm = \"APT\"\n+++\nA.\n".into()),
        )]);
        let new = with(&[(
            "content/glossary/apt.md",
            Some("+++\nterm = \"APT\"\n+++\nB.\n".into()),
        )]);
        let d = dependents(&old, &new);
        assert!(d.all && d.all_bodies);
        assert_eq!(dependents(&old, &old.clone()), Dirty::default());
    }

    #[test]
    fn changed_files_sees_edits_additions_and_deletions() {
        let old = with(&[]);
        let new = with(&[
            ("content/b/one.md", Some(page("One", 1, "changed"))),
            ("content/b/two.md", None),
            ("content/b/five.md", Some(page("Five", 5, "five"))),
        ]);
        let c: Vec<String> = changed_files(&old, &new)
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        assert_eq!(
            c,
            ["content/b/five.md", "content/b/one.md", "content/b/two.md"]
        );
    }
}

/// Random sequences of edits, rebuilt incrementally, always equal a clean
/// build of the same files.
#[cfg(test)]
mod equivalence {
    use super::*;
    use notify::event::{CreateKind, DataChange, EventKind, ModifyKind, RemoveKind, RenameMode};

    /// A small deterministic random number generator (xorshift).
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    struct Site {
        _tmp: tempfile::TempDir,
        root: PathBuf,
        changes: Changes,
    }

    impl Site {
        fn event(&mut self, kind: EventKind, rels: &[&str]) {
            let paths: Vec<PathBuf> = rels.iter().map(|r| self.root.join(r)).collect();
            self.changes.add_event(&self.root, "default", &kind, &paths);
        }
        fn write(&mut self, rel: &str, text: &str) {
            let p = self.root.join(rel);
            let new = !p.exists();
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, text).unwrap();
            let kind = if new {
                EventKind::Create(CreateKind::File)
            } else {
                EventKind::Modify(ModifyKind::Data(DataChange::Content))
            };
            self.event(kind, &[rel]);
        }
        fn remove(&mut self, rel: &str) {
            std::fs::remove_file(self.root.join(rel)).unwrap();
            self.event(EventKind::Remove(RemoveKind::File), &[rel]);
        }
        fn rename(&mut self, from: &str, to: &str) {
            let to_path = self.root.join(to);
            std::fs::create_dir_all(to_path.parent().unwrap()).unwrap();
            std::fs::rename(self.root.join(from), to_path).unwrap();
            self.event(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &[from, to],
            );
        }
        fn files(&self, under: &str) -> Vec<String> {
            let mut out = Vec::new();
            for e in walkdir::WalkDir::new(self.root.join(under)).sort_by_file_name() {
                let e = e.unwrap();
                if e.file_type().is_file() {
                    let rel = e.path().strip_prefix(&self.root).unwrap();
                    out.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
            out
        }
    }

    fn page(rng: &mut Rng, n: usize) -> String {
        let titles = ["Alpha", "Beta", "Gamma", "Delta"];
        let mut fm = format!(
            "+++\ntitle = \"{} {n}\"\nweight = {}\n",
            titles[rng.below(4)],
            rng.below(5)
        );
        if rng.below(6) == 0 {
            fm.push_str("draft = true\n");
        }
        if rng.below(5) == 0 {
            fm.push_str(&format!("date = 2024-0{}-01\n", 1 + rng.below(9)));
        }
        let words = "word ".repeat(rng.below(40));
        format!("{fm}+++\nBody {n}: {words}\n\n## Part {}\n", rng.below(3))
    }

    #[test]
    fn incremental_rebuilds_equal_clean_builds() {
        for seed in [1u64, 7, 42] {
            let tmp = tempfile::tempdir().unwrap();
            let root = tmp.path().join("site");
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
            let mut s = Site {
                _tmp: tmp,
                root: root.clone(),
                changes: Changes::default(),
            };
            s.write("config.toml", "title = \"Equivalence\"\n");
            s.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHome.\n");
            for sec in ["a", "b"] {
                s.write(
                    &format!("content/{sec}/_index.md"),
                    &format!("+++\ntitle = \"Section {sec}\"\n+++\n"),
                );
                for i in 0..3 {
                    let text = page(&mut rng, i);
                    s.write(&format!("content/{sec}/p{i}.md"), &text);
                }
            }
            s.write("static/x.txt", "x");
            let options = crate::serve::preview_options(root.clone(), false);
            let mut builder = Builder::new(options.clone());
            builder.rebuild(std::mem::take(&mut s.changes)).unwrap();

            let mut fast = 0;
            for step in 0..40 {
                let mut n = 100 + step;
                let pages: Vec<String> = s
                    .files("content")
                    .into_iter()
                    .filter(|f| f.ends_with(".md") && !f.ends_with("_index.md"))
                    .collect();
                let what = rng.below(11);
                match what {
                    // Body-only edits: the fast path.
                    9 | 10 if !pages.is_empty() => {
                        let p = pages[rng.below(pages.len())].clone();
                        let text = std::fs::read_to_string(root.join(&p)).unwrap();
                        let fm_end = text.rfind("+++\n").unwrap() + 4;
                        let words = "more ".repeat(rng.below(30));
                        let body = format!("Body {n}: {words}\n\n## Part {}\n", rng.below(3));
                        s.write(&p, &format!("{}{body}", &text[..fm_end]));
                    }
                    0 | 1 if !pages.is_empty() => {
                        let p = pages[rng.below(pages.len())].clone();
                        let text = page(&mut rng, n);
                        s.write(&p, &text);
                    }
                    2 => {
                        let sec = ["a", "b", "c/d"][rng.below(3)];
                        let text = page(&mut rng, n);
                        s.write(&format!("content/{sec}/n{n}.md"), &text);
                    }
                    3 if pages.len() > 1 => {
                        let p = pages[rng.below(pages.len())].clone();
                        s.remove(&p);
                    }
                    4 if !pages.is_empty() => {
                        let p = pages[rng.below(pages.len())].clone();
                        n += 1000;
                        let to = format!("content/{}/m{n}.md", ["a", "b"][rng.below(2)]);
                        s.rename(&p, &to);
                    }
                    5 => {
                        let sec = ["a", "b"][rng.below(2)];
                        let sort = ["weight", "date", "title"][rng.below(3)];
                        s.write(
                            &format!("content/{sec}/_index.md"),
                            &format!(
                                "+++\ntitle = \"Section {sec} {}\"\nsort_by = \"{sort}\"\n+++\nIntro {n}.\n",
                                rng.below(2)
                            ),
                        );
                    }
                    6 => {
                        s.write("static/x.txt", &format!("x{n}"));
                        s.write(&format!("static/s{}.txt", rng.below(3)), "s");
                    }
                    7 => {
                        let footer = ["", "<p>Footer</p>"][rng.below(2)];
                        s.write(
                            "templates/page.html",
                            &format!(
                                "{{% extends \"themes/default/page.html\" %}}{{% block footer %}}{footer}{{% endblock footer %}}"
                            ),
                        );
                    }
                    _ => {
                        s.write(
                            "config.toml",
                            &format!("title = \"Equivalence {}\"\n", rng.below(2)),
                        );
                    }
                }
                let changes = std::mem::take(&mut s.changes);
                let outcome = builder
                    .rebuild(changes)
                    .unwrap_or_else(|e| panic!("seed {seed} step {step}: {e}"));
                fast += usize::from(outcome.bodies_only);
                let served = outcome.map;
                let clean = clean_site_map(&options).unwrap();
                let mut a: Vec<&Arc<str>> = served.keys().collect();
                let mut b: Vec<&Arc<str>> = clean.keys().collect();
                a.sort();
                b.sort();
                assert_eq!(a, b, "seed {seed} step {step} (operation {what}): paths");
                for (path, bytes) in &clean {
                    assert!(
                        served[path] == *bytes,
                        "seed {seed} step {step} (operation {what}): {path} differs:\n{}\n--- clean ---\n{}",
                        String::from_utf8_lossy(&served[path]),
                        String::from_utf8_lossy(bytes)
                    );
                }
            }
            // Body-only edits took the fast path (not every one: an edit
            // of a draft, or one that changes nothing, takes the other).
            assert!(fast >= 3, "seed {seed}: {fast} rebuilds took the fast path");
        }
    }

    #[test]
    fn changes_of_failed_rebuilds_are_not_forgotten() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        let mut s = Site {
            _tmp: tmp,
            root: root.clone(),
            changes: Changes::default(),
        };
        s.write("config.toml", "title = \"Pending\"\n");
        s.write("content/a.md", "+++\ntitle = \"A\"\n+++\nA.\n");
        let options = crate::serve::preview_options(root.clone(), false);
        let mut builder = Builder::new(options.clone());
        builder.rebuild(std::mem::take(&mut s.changes)).unwrap();

        // Break the page: the rebuild fails.
        s.write("content/a.md", "+++\ntitle = [\n+++\n");
        assert!(builder.rebuild(std::mem::take(&mut s.changes)).is_err());
        // A good template change alone still fails (the page is broken)...
        s.write(
            "templates/page.html",
            "{% extends \"themes/default/page.html\" %}{% block footer %}<p>New footer</p>{% endblock footer %}",
        );
        let err = builder.rebuild(std::mem::take(&mut s.changes)).unwrap_err();
        assert!(err.to_string().contains("content/a.md"), "{err}");
        // ...and once the page is fixed, the template change is there too.
        s.write("content/a.md", "+++\ntitle = \"A\"\n+++\nFixed.\n");
        let served = builder.rebuild(std::mem::take(&mut s.changes)).unwrap().map;
        let page = String::from_utf8_lossy(&served["a/index.html"]).into_owned();
        assert!(
            page.contains("New footer") && page.contains("Fixed."),
            "{page}"
        );
        assert_eq!(served, clean_site_map(&options).unwrap());
    }
}
