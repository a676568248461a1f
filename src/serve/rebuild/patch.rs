//! The fast path of a rebuild: edits that change only the bodies of
//! existing pages and sections.
//!
//! When the front matter of every edited file parses to the same values as
//! before, the resolved site stays as it is: URLs, order, navigation,
//! previous and next links, redirects, the sitemap and the feed all come
//! from front matter and paths. So instead of walking `content/` and
//! resolving the site again, the edited files alone are read, their bodies
//! rendered, and the site, the [indexes](crate::render::Indexes) of the
//! listings, the [`AnchorIndex`] and the served map patched in place. Only
//! the outputs that show what changed go through their templates:
//!
//! - the page or section itself;
//! - the section that lists a page, when the page's word count changed
//!   (listings show it; everything else they show is front matter);
//! - the source, entity and glossary pages whose entries the edit changed,
//!   as [`replace`](crate::render::Indexes::replace) reports them, and with
//!   them the sources index (it counts citations) and the glossary (it
//!   lists where terms are used).
//!
//! Links are checked as `build` checks them: every link and `[anchors]`
//! mapping of the edited bodies and, when an edit took away an anchor, every
//! link of the site to the page that lost it. A failure restores the last
//! good build exactly.
//!
//! Anything else — a file added, deleted or renamed, a changed front
//! matter, a draft, a collection file, an asset, a folder — takes the
//! general incremental path.

use std::collections::{BTreeSet, HashSet};
use std::io::ErrorKind;
use std::path::Path;

use rayon::prelude::*;

use super::{Good, Outcome, share};
use crate::anchors::{self, AnchorIndex};
use crate::content::{PageMeta, SourceFile};
use crate::error::{Diagnostics, Error, Result};
use crate::markdown::Rendered;
use crate::render::content_document;
use crate::render::indexes::{Contribution, Touched};
use crate::render::{self, Bodies, DocRef, Target};
use crate::serve::watch::Changes;
use crate::site::{Collection, PageId, SectionId, Site};

/// A page or section of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Doc {
    Page(PageId),
    Section(SectionId),
}

impl Doc {
    fn target(self) -> Target {
        match self {
            Doc::Page(i) => Target::Page(i),
            Doc::Section(i) => Target::Section(i),
        }
    }

    fn file(self, site: &Site) -> &SourceFile {
        match self {
            Doc::Page(i) => &site.pages[i].file,
            Doc::Section(i) => &site.sections[i].file,
        }
    }

    fn file_mut(self, site: &mut Site) -> &mut SourceFile {
        match self {
            Doc::Page(i) => &mut site.pages[i].file,
            Doc::Section(i) => &mut site.sections[i].file,
        }
    }

    fn meta(self, site: &Site) -> &PageMeta {
        match self {
            Doc::Page(i) => &site.pages[i].meta,
            Doc::Section(i) => &site.sections[i].meta,
        }
    }

    fn path(self, site: &Site) -> &str {
        match self {
            Doc::Page(i) => &site.pages[i].path,
            Doc::Section(i) => &site.sections[i].path,
        }
    }

    fn body(self, bodies: &Bodies) -> &Rendered {
        match self {
            Doc::Page(i) => &bodies.pages[i],
            Doc::Section(i) => &bodies.sections[i],
        }
    }

    fn body_mut(self, bodies: &mut Bodies) -> &mut Rendered {
        match self {
            Doc::Page(i) => &mut bodies.pages[i],
            Doc::Section(i) => &mut bodies.sections[i],
        }
    }

    /// The page or section made from `rel` (relative to the site root).
    fn find(site: &Site, rel: &Path) -> Option<Doc> {
        site.pages
            .iter()
            .position(|p| p.file.rel == rel)
            .map(|i| Doc::Page(PageId(i)))
            .or_else(|| {
                site.sections
                    .iter()
                    .position(|s| s.file.rel == rel)
                    .map(|i| Doc::Section(SectionId(i)))
            })
    }

    /// What it adds to the indexes, with `body`.
    fn contribution(self, site: &Site, body: &Rendered) -> Contribution {
        let title = self.meta(site).title.clone().unwrap_or_default();
        Contribution::of(
            site,
            &DocRef {
                file: self.file(site),
                title,
                path: self.path(site).to_string(),
                rendered: body,
                is_content: true,
            },
        )
    }
}

/// A page or section whose text changed, and its new file.
pub(super) struct Edit {
    doc: Doc,
    file: SourceFile,
}

/// The edits `changes` make, if they only change bodies of pages and
/// sections; `None` when the general path must take them. Reads the edited
/// files (and keeps them in the content cache).
pub(super) fn body_edits(good: &mut Good, changes: &Changes) -> Option<Vec<Edit>> {
    if !changes.content
        || changes.config
        || changes.templates
        || changes.theme
        || !changes.statics.is_empty()
    {
        return None;
    }
    let root = good.site.config.root.clone();
    let content_dir = root.join("content");
    let mut edits: Vec<Edit> = Vec::new();
    for path in &changes.paths {
        let rel = path.strip_prefix(&content_dir).ok()?;
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_file() => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {
                // Gone: only what the site does not have may go (an
                // editor's temporary file); anything else is a deletion.
                if site_has(&good.site, &Path::new("content").join(rel)) {
                    return None;
                }
                continue;
            }
            _ => return None,
        }
        // A file the last load did not see is new; a collection item or an
        // asset is not a page.
        let page = good.content_cache.reload_page(&root, rel)?.ok()?;
        let doc = Doc::find(&good.site, &page.parsed.file.rel)?;
        if page.parsed.meta != *doc.meta(&good.site) {
            return None;
        }
        if page.parsed.file.text != doc.file(&good.site).text && !edits.iter().any(|e| e.doc == doc)
        {
            edits.push(Edit {
                doc,
                file: page.parsed.file,
            });
        }
    }
    Some(edits)
}

/// Whether `site` has a file at `rel` (relative to the root), or files
/// below it.
fn site_has(site: &Site, rel: &Path) -> bool {
    let assets = site.assets.iter().map(|a| a.source.as_path());
    let mut all = site
        .pages
        .iter()
        .map(|p| &p.file)
        .chain(site.sections.iter().map(|s| &s.file))
        .chain(site.glossary.files())
        .chain(site.entities.files())
        .chain(site.sources.files())
        .chain(site.texts.iter().map(|t| &t.file))
        .map(|f| f.rel.as_path());
    let content = Path::new("content");
    all.any(|f| f.starts_with(rel)) || assets.map(|a| content.join(a)).any(|a| a.starts_with(rel))
}

/// What [`apply`] changed, to put back if the rebuild fails.
struct Undo {
    /// Per edit: the document, its former file and body, and its
    /// contributions to the indexes before and after.
    docs: Vec<(Doc, SourceFile, Rendered, Contribution, Contribution)>,
    /// Sources whose page anchors were refreshed.
    sources: Vec<usize>,
}

impl Undo {
    fn restore(self, good: &mut Good) {
        for (doc, file, body, before, after) in self.docs.into_iter().rev() {
            *doc.file_mut(&mut good.site) = file;
            *doc.body_mut(&mut good.bodies) = body;
            good.indexes.replace(&after, before);
            let path = doc.path(&good.site).to_string();
            let rel = doc.file(&good.site).rel.clone();
            good.anchors
                .replace_body(&path, &rel, doc.body(&good.bodies));
        }
        for i in self.sources {
            good.anchors.refresh_source(&good.site, &good.bodies, i);
        }
    }
}

/// Builds `edits` into `good`: the site, bodies, indexes, anchors, outputs
/// and served map are patched, or, on error, left as they were.
pub(super) fn apply(good: &mut Good, edits: Vec<Edit>) -> Result<Outcome> {
    let fresh: Vec<Rendered> = {
        let (site, markdown) = (&good.site, &good.markdown);
        edits
            .par_iter()
            .map(|e| {
                let doc = e.doc;
                markdown.render(content_document(&e.file, doc.path(site), doc.meta(site)))
            })
            .collect()
    };
    let mut diags = Diagnostics::default();
    for body in &fresh {
        diags.extend(body.diagnostics.iter().cloned());
    }
    let warnings = diags.finish()?;
    let n_bodies = fresh.len();

    // Patch the site in place.
    let mut undo = Undo {
        docs: Vec::new(),
        sources: Vec::new(),
    };
    let mut touched = Touched::default();
    let mut wanted: HashSet<Target> = HashSet::new();
    let mut lost: BTreeSet<String> = BTreeSet::new();
    // Sources whose cited pages changed (those without a page count have
    // an anchor per cited page).
    let mut recited: BTreeSet<String> = BTreeSet::new();
    for (edit, body) in edits.into_iter().zip(fresh) {
        let doc = edit.doc;
        wanted.insert(doc.target());
        if let Doc::Page(i) = doc
            && doc.body(&good.bodies).word_count != body.word_count
        {
            wanted.insert(Target::Section(good.site.pages[i].section));
        }
        let (was, is) = (cited(doc.body(&good.bodies)), cited(&body));
        recited.extend(was.symmetric_difference(&is).map(|(s, _)| s.clone()));
        let before = doc.contribution(&good.site, doc.body(&good.bodies));
        // The new contribution reads the new file (claims quote its text).
        let file = std::mem::replace(doc.file_mut(&mut good.site), edit.file);
        let after = doc.contribution(&good.site, &body);
        let old_body = std::mem::replace(doc.body_mut(&mut good.bodies), body);
        touched.extend(good.indexes.replace(&before, after.clone()));
        let path = doc.path(&good.site).to_string();
        let rel = doc.file(&good.site).rel.clone();
        let gone = good
            .anchors
            .replace_body(&path, &rel, doc.body(&good.bodies));
        if !gone.is_empty() {
            lost.insert(path);
        }
        undo.docs.push((doc, file, old_body, before, after));
    }
    let recited: Vec<usize> = good
        .site
        .sources
        .items
        .iter()
        .enumerate()
        .filter(|(_, s)| s.parsed.meta.pages.is_none() && recited.contains(&s.id))
        .map(|(i, _)| i)
        .collect();
    for &i in &recited {
        if !good
            .anchors
            .refresh_source(&good.site, &good.bodies, i)
            .is_empty()
        {
            lost.insert(Collection::Sources.item_path(&good.site.sources.items[i].id));
        }
    }
    undo.sources = recited;

    if let Err(e) = check_links(good, &undo, &lost) {
        undo.restore(good);
        return Err(e);
    }

    for id in &touched.sources {
        if let Some(i) = good.site.sources.items.iter().position(|s| &s.id == id) {
            wanted.insert(Target::Source(i));
            wanted.insert(Target::Index(Collection::Sources));
        }
    }
    for &e in &touched.entities {
        wanted.insert(Target::Entity(e));
    }
    if !touched.terms.is_empty() {
        wanted.insert(Target::Index(Collection::Glossary));
    }
    let outputs = render::render_targets(
        &good.site,
        &good.bodies,
        &good.indexes,
        &good.templates,
        &good.assets,
        &|t| wanted.contains(&t),
    );
    let outputs = match outputs {
        Ok(o) => o,
        Err(e) => {
            undo.restore(good);
            return Err(e);
        }
    };

    let rendered = outputs.len();
    for (t, f) in outputs {
        let out = share(f);
        good.map.insert(out.0.clone(), out.1.clone());
        good.outputs.insert(&good.site, t, out);
    }
    // What is no longer needed is freed off the path to serving.
    crate::build::drop_later(undo);
    Ok(Outcome {
        map: good.map.clone(),
        rendered,
        bodies: n_bodies,
        read: 0,
        full: false,
        bodies_only: true,
        warnings,
        elapsed: Default::default(),
    })
}

/// The pages of sources a body cites.
fn cited(body: &Rendered) -> BTreeSet<(String, String)> {
    body.citations
        .iter()
        .flat_map(|c| c.pages.labels().into_iter().map(|l| (c.source.clone(), l)))
        .collect()
}

/// Checks the links and `[anchors]` maps of the edited bodies, and every
/// link of the site to a page in `lost` (one that lost an anchor).
fn check_links(good: &Good, undo: &Undo, lost: &BTreeSet<String>) -> Result<()> {
    let (site, index): (&Site, &AnchorIndex) = (&good.site, &good.anchors);
    let mut out = Vec::new();
    let edited: Vec<Doc> = undo.docs.iter().map(|(d, ..)| *d).collect();
    for &doc in &edited {
        let (file, path) = (doc.file(site), doc.path(site));
        anchors::check_anchor_map(file, doc.meta(site), path, index, &mut out);
        anchors::check_links(site, file, path, doc.body(&good.bodies), index, &mut out);
    }
    if !lost.is_empty() {
        let leads_to_lost = |target: &str, fragment: Option<&str>| {
            let target = index.redirects.get(target).map_or(target, String::as_str);
            fragment.is_some() && lost.contains(target)
        };
        for doc in good.bodies.documents(site) {
            let is_edited = edited.iter().any(|d| d.file(site).rel == doc.file.rel);
            if !is_edited {
                anchors::check_links_where(
                    site,
                    doc.file,
                    &doc.path,
                    doc.rendered,
                    index,
                    &leads_to_lost,
                    &mut out,
                );
            }
        }
    }
    if out.is_empty() {
        Ok(())
    } else {
        crate::error::sort_diagnostics(&mut out);
        Err(Error::from_diagnostics(out))
    }
}
