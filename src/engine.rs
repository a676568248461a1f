//! The engine: the one pipeline of `build`, `check` and `serve`.
//!
//! ```text
//! load      config.toml, content/          (content: re-read where a change names it)
//! resolve   → Site                          (immutable)
//! library   → Markdown                      key: Markdown config + LibraryInput
//! bodies    → Rendered, one per body        key: Markdown key + the Document
//! plan      → every output path, copies, collisions, anchors, links
//! outputs   → bytes, one per target         key: templates + the whole view
//! write     → staging folder (build) or the served map (serve)
//! ```
//!
//! Each stage is a function of explicit inputs, and what it makes is kept
//! in a [`Cache`] under a [`Key`] of those inputs: a body under the hash of
//! its text, its [`Document`] and the library the passes resolve against; an
//! output under the hash of its template's whole context (its serialized
//! view) and of the templates; a copied file under its size and time of
//! change; the compiled templates under their sources. Nothing a stage
//! reads is outside its key, so an output is rendered again exactly when
//! what its template sees changed: there are no rules of what depends on
//! what to keep in step with the templates.
//!
//! `build` runs [`prepare`] with a cache that keeps nothing, and writes
//! each output into the staging folder as it is made ([`Prepared::write`]).
//! `serve` keeps one [`Engine`]: each rebuild is [`prepare`] and
//! [`Prepared::site_map`] over the kept cache, which makes a new served
//! map sharing every unchanged body and output (`Arc`), published by one
//! swap. A rebuild that fails publishes nothing: the last good map stays.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;

use crate::anchors::{self, AnchorIndex, Ids};
use crate::build::{self, BuildOptions, output_key};
use crate::content::{self, LoadCache};
use crate::error::{Diagnostic, Diagnostics, Error, Result, sort_diagnostics};
use crate::key::{Key, KeyHasher};
use crate::markdown::{Document, Highlighter, Markdown, Rendered};
use crate::output::{self, CopyFile};
use crate::render::indexes::Contribution;
use crate::render::{
    self, Bodies, Indexes, OutputFile, Target, Templates, templates::TemplateSources,
};
use crate::serve::watch::Changes;
use crate::site::Site;
use crate::theme::Origin;

/// The bytes of one served file.
pub type Bytes = Arc<[u8]>;

/// A whole site in memory: output path (`a/b/index.html`, `/` separators)
/// → bytes.
pub type SiteMap = HashMap<Arc<str>, Bytes>;

/// Which files on disk may differ from what the cache read of them.
#[derive(Clone, Copy)]
pub enum Fresh<'a> {
    /// Any of them (a build, or `config.toml` changed).
    All,
    /// Those at these absolute paths or under them (as a watcher names
    /// them); a copied file is also read again when its stamp changed.
    Paths(&'a BTreeSet<PathBuf>),
}

impl Fresh<'_> {
    fn names(&self, path: &Path) -> bool {
        match self {
            Fresh::All => true,
            Fresh::Paths(paths) => path.ancestors().any(|a| paths.contains(a)),
        }
    }
}

/// Size and time of change of a file: whether a copy must be read again.
type Stamp = Option<(u64, SystemTime)>;

fn stamp(path: &Path) -> Stamp {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

/// What the stages made, by key. A cache made with [`Cache::kept`] keeps
/// it for the next run; [`Cache::default`] keeps only what one run needs
/// (the compiled templates and the highlighter), so that a build holds no
/// more than it must.
#[derive(Default)]
pub struct Cache {
    keep: bool,
    /// Parsed content files (with `keep`).
    content: LoadCache,
    /// Loaded once: syntax definitions are costly to load.
    highlighter: Option<Arc<Highlighter>>,
    templates: Option<(Duration, Arc<Templates>)>,
    markdown: Option<(Key, Arc<Markdown>)>,
    bodies: HashMap<Key, Arc<Rendered>>,
    /// The ids of each body, by the body's key.
    anchor_ids: HashMap<Key, Arc<Ids>>,
    /// What each body adds to the listings.
    contributions: HashMap<Key, Made<Contribution>>,
    indexes: Option<(Key, Arc<Indexes>)>,
    /// Templated outputs by file: the key they were made with.
    outputs: HashMap<PathBuf, (Key, Bytes)>,
    /// Copied files read from disk, by source path.
    copies: HashMap<PathBuf, (Stamp, Bytes)>,
}

impl Cache {
    /// A cache that keeps what each run made for the next.
    pub fn kept() -> Self {
        Self {
            keep: true,
            ..Self::default()
        }
    }

    /// The bytes of a copied file: from the cache when it holds them, the
    /// file's stamp is unchanged and `fresh` does not name it; else read.
    /// Also says whether it was read.
    fn copy(&mut self, c: &CopyFile, fresh: Fresh<'_>) -> Result<(Bytes, bool)> {
        let p = match &c.from {
            Origin::Embedded(b) => return Ok((Bytes::from(*b), false)),
            Origin::Disk(p) => p,
        };
        let now = stamp(p);
        if let Some((s, b)) = self.copies.get(p)
            && *s == now
            && now.is_some()
            && !fresh.names(p)
        {
            return Ok((b.clone(), false));
        }
        let b = Bytes::from(std::fs::read(p).map_err(|e| Error::io(&c.shown, e))?);
        if self.keep {
            self.copies.insert(p.clone(), (now, b.clone()));
        }
        Ok((b, true))
    }
}

/// A site ready to be written: stages 1–3 done, the outputs planned and
/// checked (paths wanted twice, links, anchors), the templates compiled.
/// What is left is stage 4, the templates, whose outputs are made either
/// into memory ([`Prepared::render`], [`Prepared::site_map`]) or each
/// straight into the output folder as it is made ([`Prepared::write`]).
pub struct Prepared {
    pub site: Site,
    templates: Arc<Templates>,
    bodies: Bodies,
    indexes: Arc<Indexes>,
    assets: BTreeMap<String, String>,
    /// The templated outputs, in writing order.
    targets: Vec<Target>,
    /// The other generated files (highlighting stylesheet, sitemap, feed,
    /// robots.txt, redirects), written after the templated ones.
    pub extra: Vec<OutputFile>,
    /// Static files and content assets, in the order they are copied
    /// (before everything else: later writers win).
    pub copies: Vec<CopyFile>,
    /// Every published URL and anchor.
    pub anchors: AnchorIndex,
    /// Links written in Markdown that lead nowhere on the site.
    pub link_errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
    /// How many bodies went through the Markdown passes (the others came
    /// from the cache).
    pub bodies_rendered: usize,
    /// How many copied files were read from disk.
    pub files_read: usize,
}

/// Stages 1–3 and the plan of stage 4, over `cache`; `fresh` says which
/// files on disk may have changed since the cache read them.
pub fn prepare(options: &BuildOptions, cache: &mut Cache, fresh: Fresh<'_>) -> Result<Prepared> {
    let mut lap = Lap::new();
    // Load and resolve.
    let config = build::load_config(options)?;
    let content = if cache.keep {
        let content_dir = config.root.join("content");
        let stale = |rel: &Path| fresh.names(&content_dir.join(rel));
        content::load_cached(&config.root, &mut cache.content, &stale)?
    } else {
        content::load(&config.root)?
    };
    let site = Site::resolve(config, content)?;
    lap.at("load, resolve");
    let config = &site.config;

    // The templates, compiled again only when their sources changed.
    let sources = TemplateSources::read(&config.root, &config.theme)?;
    let templates = match &cache.templates {
        Some((budget, t)) if t.key() == sources.key() && *budget == config.template_budget => {
            t.clone()
        }
        _ => {
            let t = Arc::new(Templates::compile(sources, config.template_budget)?);
            cache.templates = Some((config.template_budget, t.clone()));
            t
        }
    };

    // The Markdown renderer, made again only when what its passes read
    // changed (its options, and the sources, glossary and entities).
    let highlighter = cache
        .highlighter
        .get_or_insert_with(|| Arc::new(Highlighter::new()))
        .clone();
    let input = render::library_input(&site);
    lap.at("templates");
    let texts = TextKeys::new(&input);
    let markdown_key = KeyHasher::new("markdown")
        .add(&config.markdown)
        .add(&input.key())
        .key();
    // (The renderer holds every text; a body's key only those it reads.)
    let renderer_key = KeyHasher::new("renderer")
        .add(&markdown_key)
        .add(&texts.keys)
        .key();
    let markdown = match &cache.markdown {
        Some((k, m)) if *k == renderer_key => m.clone(),
        _ => {
            let m = Arc::new(Markdown::new(&config.markdown, highlighter, input.build()));
            cache.markdown = Some((renderer_key, m.clone()));
            m
        }
    };

    // The bodies, each rendered only when its key is new.
    lap.at("library");
    let (bodies, bodies_rendered) = {
        let known = &cache.bodies;
        let made = Mutex::new(Vec::new());
        let bodies = render::render_bodies(&site, &|doc| {
            if !cache.keep {
                // Nothing is looked up or kept: no key to make.
                return Arc::new(markdown.render(doc));
            }
            let key = body_key(markdown_key, &texts, &doc);
            let (body, new) = match known.get(&key) {
                Some(b) => (b.clone(), false),
                None => {
                    let mut body = markdown.render(doc);
                    body.key = Some(key);
                    body.shown = Some(body.shown_key());
                    (Arc::new(body), true)
                }
            };
            let mut made = made.lock().unwrap_or_else(|e| e.into_inner());
            made.push((key, body.clone(), new));
            body
        });
        let made = made.into_inner().unwrap_or_else(|e| e.into_inner());
        let rendered = if cache.keep {
            made.iter().filter(|(_, _, new)| *new).count()
        } else {
            bodies.diagnostics_len()
        };
        if cache.keep {
            cache.bodies = made.into_iter().map(|(k, b, _)| (k, b)).collect();
        }
        (bodies, rendered)
    };
    let mut bodies = bodies;
    let mut diags = Diagnostics::default();
    diags.extend(bodies.diagnostics().cloned());
    lap.at("bodies");
    if diags.has_errors() {
        return Err(diags.finish().expect_err("has errors"));
    }

    // Generated assets and static files first: templates link them with a
    // content hash (`assets`), so browsers may cache them for long.
    let mut extra = Vec::new();
    if config.markdown.highlight_code {
        let css = Highlighter::css(
            &config.markdown.highlight_theme,
            config.markdown.highlight_theme_dark.as_deref(),
        )
        .map_err(Error::msg)?;
        extra.push(OutputFile {
            path: "highlight.css".into(),
            bytes: css.into_bytes(),
        });
    }
    let mut copies = build::copies(&site, &mut diags)?;
    let mut files_read = 0;
    let mut hashed = Vec::with_capacity(copies.len() + extra.len());
    for c in &copies {
        let (bytes, read) = cache.copy(c, fresh)?;
        files_read += usize::from(read);
        hashed.push((output_key(&c.to), crate::text::short_hash(&bytes)));
    }
    hashed.extend(
        extra
            .iter()
            .map(|f| (output_key(&f.path), crate::text::short_hash(&f.bytes))),
    );
    // (Later entries win, as when writing.) Templates get the hashes of
    // the files they name: an edit of another file changes no output.
    let mut assets: BTreeMap<String, String> = hashed.into_iter().collect();
    assets.retain(|path, _| templates.mention(path));
    if cache.keep {
        let live: std::collections::HashSet<&Path> = copies
            .iter()
            .filter_map(|c| match &c.from {
                Origin::Disk(p) => Some(p.as_path()),
                Origin::Embedded(_) => None,
            })
            .collect();
        cache.copies.retain(|p, _| live.contains(p.as_path()));
    }
    extra.extend(output::site_files(&site));

    // The plan: every generated output path, in writing order, known
    lap.at("copies, site files");
    // before a template runs, so the checks below need no output.
    let targets = render::targets(&site, &templates);
    let planned: Vec<String> = targets
        .iter()
        .map(|&t| output_key(&render::target_file(&site, t)))
        .chain(extra.iter().map(|f| output_key(&f.path)))
        .collect();
    crate::collisions::check(&site, &planned, &mut extra, &mut copies, &mut diags)?;
    let docs = bodies.documents(&site);
    lap.at("plan, collisions");
    // The ids of each body, kept under the body's key.
    let ids: Vec<Arc<Ids>> = if cache.keep {
        let known = &cache.anchor_ids;
        let ids: Vec<(Option<Key>, Arc<Ids>)> = docs
            .par_iter()
            .map(|d| {
                let key = d.rendered.key;
                let ids = match key.and_then(|k| known.get(&k)) {
                    Some(ids) => ids.clone(),
                    None => Arc::new(anchors::body_ids(&d.file.rel, d.rendered)),
                };
                (key, ids)
            })
            .collect();
        cache.anchor_ids = ids
            .iter()
            .filter_map(|(k, ids)| Some((k.as_ref().copied()?, ids.clone())))
            .collect();
        ids.into_iter().map(|(_, ids)| ids).collect()
    } else {
        anchors::doc_ids(&docs)
    };
    let anchors = AnchorIndex::new(
        &site,
        &bodies,
        &docs,
        ids,
        planned
            .iter()
            .map(|k| format!("/{k}"))
            .chain(copies.iter().map(|c| format!("/{}", output_key(&c.to)))),
    );
    // Links written in Markdown must lead somewhere on the site.
    lap.at("anchor index");
    let mut link_errors = crate::anchors::check_site_links(&site, &docs, &anchors);
    sort_diagnostics(&mut link_errors);
    diags.extend(build::too_many_files(planned.len() + copies.len()));
    let mut warnings = diags.finish()?;
    sort_diagnostics(&mut warnings);
    // What the listings show, from what each body contributes: kept under
    // the body's key and what else it is made of (its page's title, path
    // and address).
    let indexes = if cache.keep {
        lap.at("links");
        let known = &cache.contributions;
        // Each contribution with the key of what it is made of and the key
        // of what it holds (an edit that changes a body but not what it
        // lists keeps the indexes).
        let list: Vec<(Key, Made<Contribution>)> = docs
            .par_iter()
            .map(|doc| {
                let permalink = site.config.permalink(&doc.path);
                let body = doc.rendered.key;
                let mut h = KeyHasher::new("contribution");
                h.add(&body)
                    .add(&doc.file.rel)
                    .add(&doc.title)
                    .add(&doc.path)
                    .add(&doc.is_content)
                    .add(&permalink);
                let key = h.key();
                let c = match known.get(&key) {
                    Some(c) if body.is_some() => c.clone(),
                    _ => Made::new(Contribution::of(&site, doc)),
                };
                (key, c)
            })
            .collect();
        // The indexes themselves are kept under what the contributions
        // hold, in order, and the glossary and entities they list.
        let mut h = KeyHasher::new("indexes");
        for (_, c) in &list {
            h.add(&c.holds);
        }
        h.value(&render::term_infos(&site))
            .add(&site.entities.items.len());
        let key = h.key();
        let indexes = match &cache.indexes {
            Some((k, i)) if *k == key => i.clone(),
            _ => Arc::new(Indexes::of_contributions(
                &site,
                list.iter().map(|(_, c)| (c.holds, &*c.value)),
            )),
        };
        cache.indexes = Some((key, indexes.clone()));
        cache.contributions = list.into_iter().collect();
        indexes
    } else {
        drop(docs);
        Arc::new(Indexes::new(&site, &bodies))
    };
    // What is left to read of the bodies is what the templates show (the
    lap.at("indexes");
    // bodies a cache keeps are shared, and stay whole).
    bodies
        .all_mut()
        .par_bridge()
        .for_each(Rendered::keep_only_what_templates_show);
    Ok(Prepared {
        site,
        templates,
        bodies,
        indexes,
        assets,
        targets,
        extra,
        copies,
        anchors,
        link_errors,
        warnings,
        bodies_rendered,
        files_read,
    })
}

/// With `SOURCEBRIEF_TIMINGS` set in the environment, the time of each
/// stage and the resident memory at its end (where the system tells it),
/// printed to standard error as it ends (for measuring; see BENCHMARKS.md).
struct Lap(Option<Instant>);

impl Lap {
    fn new() -> Self {
        Lap(std::env::var_os("SOURCEBRIEF_TIMINGS").map(|_| Instant::now()))
    }

    fn at(&mut self, stage: &str) {
        if let Some(t) = &mut self.0 {
            let rss = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| {
                    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
                    Some(format!(
                        ", {} MB resident",
                        line[6..]
                            .trim()
                            .trim_end_matches(" kB")
                            .parse::<u64>()
                            .ok()?
                            / 1024
                    ))
                })
                .unwrap_or_default();
            eprintln!("  {stage}: {:.1} ms{rss}", t.elapsed().as_secs_f64() * 1e3);
            *t = Instant::now();
        }
    }
}

/// The keys of the sources' texts, and how to find which of them a body
/// may read.
struct TextKeys {
    keys: BTreeMap<String, Key>,
    /// `@<id>` of each source with a text (a direct citation).
    direct: Option<aho_corasick::AhoCorasick>,
    ids: Vec<String>,
}

impl TextKeys {
    fn new(input: &render::LibraryInput) -> Self {
        let keys = input.text_keys();
        let ids: Vec<String> = keys.keys().cloned().collect();
        let needles: Vec<String> = ids.iter().map(|id| format!("@{id}")).collect();
        let direct = (!ids.is_empty())
            .then(|| aho_corasick::AhoCorasick::new(&needles).ok())
            .flatten();
        Self { keys, direct, ids }
    }

    /// The texts a body may read: those of the sources its front matter
    /// cites and of those it names as `@<id>` (the passes check quotes only
    /// against the texts of the sources cited); a superset, sorted.
    fn of(&self, doc: &Document<'_>) -> BTreeSet<&str> {
        let mut read: BTreeSet<&str> = doc
            .citations
            .iter()
            .filter_map(|c| self.keys.get_key_value(&c.source))
            .map(|(id, _)| id.as_str())
            .collect();
        if let Some(direct) = &self.direct {
            for m in direct.find_overlapping_iter(doc.file.body()) {
                read.insert(&self.ids[m.pattern().as_usize()]);
            }
        }
        read
    }
}

/// The key of a body: the Markdown renderer's, everything of the document
/// the passes read, and the texts of the sources it may quote.
fn body_key(markdown: Key, texts: &TextKeys, doc: &Document<'_>) -> Key {
    let mut h = KeyHasher::new("body");
    for id in texts.of(doc) {
        h.add(id).add(&texts.keys[id]);
    }
    h.add(&markdown)
        .add(&doc.file.rel)
        .add(&*doc.file.text)
        .add(&doc.file.front_matter)
        .add(&doc.file.body_start)
        .add(doc.path)
        .add(doc.id_prefix)
        .add(&doc.autolink)
        .value(doc.citations);
    h.key()
}

impl Prepared {
    /// How many files the output has.
    pub fn file_count(&self) -> usize {
        self.targets.len() + self.extra.len() + self.copies.len()
    }

    /// Renders the templated outputs, handing each to `sink` as it is made;
    /// with `known`, only those whose key it does not have.
    fn render_each(
        &self,
        known: Option<&render::Known<'_>>,
        sink: &render::Sink<'_>,
    ) -> Result<()> {
        render::render_each(
            &self.site,
            &self.bodies,
            &self.indexes,
            &self.templates,
            &self.assets,
            &self.targets,
            known,
            sink,
        )
    }

    /// Writes the whole output into `staging`: the copies, then each
    /// templated output as soon as it is rendered (none is held after it is
    /// written), then the other generated files.
    pub fn write(&self, staging: &output::Staging) -> Result<()> {
        staging.copy_all(&self.copies)?;
        self.render_each(None, &|_, _, made| match &made.bytes {
            Some(bytes) => staging.write(&made.path, bytes),
            None => Ok(()),
        })?;
        let mut diags = Diagnostics::default();
        for f in &self.extra {
            diags.take(staging.write(&f.path, &f.bytes));
        }
        diags.finish().map(|_| ())
    }

    /// The templated outputs and then the other generated files, in memory,
    /// in writing order.
    pub fn render(self) -> Result<(Site, Vec<OutputFile>, Vec<CopyFile>, Rest)> {
        let done = Mutex::new(Vec::with_capacity(self.targets.len()));
        self.render_each(None, &|k, _, made| {
            if let Some(bytes) = made.bytes {
                let f = OutputFile {
                    path: made.path,
                    bytes,
                };
                done.lock().unwrap_or_else(|e| e.into_inner()).push((k, f));
            }
            Ok(())
        })?;
        let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
        done.sort_unstable_by_key(|(k, _)| *k);
        let mut files: Vec<OutputFile> = done.into_iter().map(|(_, f)| f).collect();
        files.extend(self.extra);
        let rest = Rest {
            anchors: self.anchors,
            link_errors: self.link_errors,
            warnings: self.warnings,
        };
        Ok((self.site, files, self.copies, rest))
    }

    /// The whole site as a map, laid out as [`Prepared::write`] writes it
    /// (copies, then the templated outputs, then the other files; later
    /// ones win). Only the outputs whose key `cache` does not hold go
    /// through their template; the cache then holds this site's outputs.
    /// Also gives the paths of the outputs rendered, sorted.
    pub fn site_map(&self, cache: &mut Cache) -> Result<(SiteMap, Vec<Arc<str>>)> {
        let made = Mutex::new(Vec::with_capacity(self.targets.len()));
        {
            let old = &cache.outputs;
            let known = |path: &Path, key: Key| old.get(path).is_some_and(|(k, _)| *k == key);
            self.render_each(Some(&known), &|k, _, m| {
                let bytes = match m.bytes {
                    Some(b) => Ok(Bytes::from(b)),
                    None => Err(old[&m.path].1.clone()),
                };
                let key = m.key.expect("keys were asked for");
                made.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((k, m.path, key, bytes));
                Ok(())
            })?;
        }
        let mut lap = Lap::new();
        let mut made = made.into_inner().unwrap_or_else(|e| e.into_inner());
        made.sort_unstable_by_key(|(k, ..)| *k);

        let mut map = SiteMap::with_capacity(self.file_count());
        for c in &self.copies {
            let (bytes, _) = cache.copy(c, Fresh::Paths(&BTreeSet::new()))?;
            map.insert(to_key(&c.to), bytes);
        }
        let mut rendered = Vec::new();
        let mut outputs = HashMap::with_capacity(made.len());
        for (_, path, key, bytes) in made {
            let k = to_key(&path);
            let bytes = match bytes {
                Ok(b) => {
                    rendered.push(k.clone());
                    b
                }
                Err(b) => b,
            };
            map.insert(k, bytes.clone());
            outputs.insert(path, (key, bytes));
        }
        for f in &self.extra {
            map.insert(to_key(&f.path), Bytes::from(&f.bytes[..]));
        }
        rendered.sort_unstable();
        cache.outputs = outputs;
        lap.at("served map");
        Ok((map, rendered))
    }
}

/// A value kept in the cache, with the key of what it holds.
#[derive(Clone)]
struct Made<T> {
    value: Arc<T>,
    holds: Key,
}

impl<T: serde::Serialize> Made<T> {
    fn new(value: T) -> Self {
        let holds = KeyHasher::new("holds").value(&value).key();
        Made {
            value: Arc::new(value),
            holds,
        }
    }
}

/// What [`Prepared::render`] gives besides the files.
pub struct Rest {
    pub anchors: AnchorIndex,
    pub link_errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

fn to_key(path: &Path) -> Arc<str> {
    Arc::from(output_key(path))
}

/// What a successful rebuild of `serve` did.
#[derive(Debug)]
pub struct Outcome {
    pub map: SiteMap,
    /// The outputs that went through a template, by path (sorted).
    pub rendered: Vec<Arc<str>>,
    /// How many bodies went through the Markdown passes.
    pub bodies: usize,
    /// How many copied files were read from disk.
    pub read: usize,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// Whether nothing came from an earlier build.
    pub first: bool,
}

impl Outcome {
    pub fn summary(&self) -> String {
        let n = self.rendered.len();
        format!(
            "{} {n} output{} ({} Markdown bod{}, {} file{} read) in {} ms",
            if self.first { "Built" } else { "Rebuilt" },
            if n == 1 { "" } else { "s" },
            self.bodies,
            if self.bodies == 1 { "y" } else { "ies" },
            self.read,
            if self.read == 1 { "" } else { "s" },
            self.elapsed.as_millis()
        )
    }
}

/// The engine as `serve` runs it: a kept [`Cache`], and the changes not
/// yet built successfully.
pub struct Engine {
    options: BuildOptions,
    cache: Cache,
    pending: Changes,
    /// The theme of the last good build (what the watcher classifies by).
    theme: Option<String>,
}

impl Engine {
    pub fn new(options: BuildOptions) -> Self {
        Self {
            options,
            cache: Cache::kept(),
            pending: Changes::everything(),
            theme: None,
        }
    }

    pub fn options(&self) -> &BuildOptions {
        &self.options
    }

    /// The theme of the last good build.
    pub fn theme(&self) -> Option<&str> {
        self.theme.as_deref()
    }

    /// Builds the site again after `changes` (and the changes of any failed
    /// rebuild before). On error nothing that was served changes.
    pub fn rebuild(&mut self, changes: Changes) -> Result<Outcome> {
        let start = Instant::now();
        let first = self.cache.outputs.is_empty();
        self.pending.merge(changes);
        let fresh = if self.pending.config {
            Fresh::All
        } else {
            Fresh::Paths(&self.pending.paths)
        };
        let prepared = prepare(&self.options, &mut self.cache, fresh)?;
        if !prepared.link_errors.is_empty() {
            return Err(Error::from_diagnostics(prepared.link_errors));
        }
        let mut lap = Lap::new();
        let (map, rendered) = prepared.site_map(&mut self.cache)?;
        lap.at("outputs");
        self.pending = Changes::default();
        self.theme = Some(prepared.site.config.theme.clone());
        let outcome = Outcome {
            map,
            rendered,
            bodies: prepared.bodies_rendered,
            read: prepared.files_read,
            warnings: prepared.warnings.clone(),
            elapsed: start.elapsed(),
            first,
        };
        // The site in memory is freed off the path to the answer.
        build::drop_later(prepared);
        Ok(outcome)
    }

    /// The site as a fresh engine builds it: what `serve` must be serving
    /// after any sequence of edits.
    pub fn clean(options: &BuildOptions) -> Result<SiteMap> {
        Engine::new(options.clone())
            .rebuild(Changes::everything())
            .map(|o| o.map)
    }
}
