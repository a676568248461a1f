//! Random sequences of edits, rebuilt incrementally by the library's
//! [`Builder`] (no server process), always equal a clean build of the same
//! files, path by path and byte by byte.
//!
//! The site has sources, a glossary and entities, and its page bodies cite
//! sources (declared and direct), use glossary terms, mention entities,
//! have headings, footnotes, lists, tables and code, and link to other
//! pages and to headings of other pages: everything a page body can show
//! on *other* outputs (source pages, the glossary, entity pages, and, with
//! the site's own section template, each page's word count in its
//! section's listing) or make break elsewhere (a link to a heading that
//! went away).
//!
//! Most steps are edits of a page's body alone, with its front matter
//! unchanged byte for byte; the others change front matter, add, delete
//! and rename pages, edit a section's body, and break the build and fix
//! it again. Files are written in place or saved atomically (a hidden
//! temporary file renamed over the page), with the events a watcher
//! reports for each. Each rebuild prints one line, so a failure shows the
//! steps that led to it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use notify::event::{CreateKind, DataChange, EventKind, ModifyKind, RemoveKind, RenameMode};
use sourcebrief::BuildOptions;
use sourcebrief::engine::{Engine as Builder, SiteMap};
use sourcebrief::serve::preview_options;
use sourcebrief::serve::watch::Changes;

const SEEDS: [u64; 3] = [1, 7, 42];
/// Steps a seed in each of the two tests: 3 × 2 × 90 = 540 edits in all
/// (`long_random_edit_sequences`, ignored, runs more).
const STEPS: usize = 90;
const SECTIONS: [&str; 3] = ["a", "b", "c"];

/// A small deterministic random number generator (xorshift).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------
// The fixed part of the site: configuration and the typed collections.

const SOURCES: [(&str, &str); 2] = [
    (
        "content/sources/report.md",
        "+++\ntitle = \"The i-Soon leaks, part 2\"\nshort = \"Report\"\npublisher = \"Example Office\"\ndate = 2024-08-08\nurl = \"https://example.com/report\"\npdf = \"https://example.com/report.pdf\"\npages = 10\n+++\nA report about the leaks.\n",
    ),
    (
        "content/sources/web.md",
        "+++\ntitle = \"A news article\"\nshort = \"Article\"\nurl = \"https://example.com/article\"\n+++\nA newspaper article.\n",
    ),
];

/// The text of the `web` source: every page has the phrase citations
/// quote, so that edits of the text (see [`Run::site_edit`]) keep every
/// quote found.
fn web_text(rng: &mut Rng) -> String {
    let mut t = String::new();
    for page in 1..=5 {
        t.push_str(&format!("=== page {page} ===\n"));
        if rng.one_in(2) {
            t.push_str(&format!("Page {page} opens with note {}.\n", rng.below(9)));
        }
        t.push_str("The firm reports each flaw within 48 hours to the database.\n");
        if rng.one_in(2) {
            t.push_str(&format!("A later line, number {}.\n", rng.below(9)));
        }
    }
    t
}

const GLOSSARY: [(&str, &str); 4] = [
    (
        "content/glossary/apt.md",
        "+++\nterm = \"APT\"\nexpansion = \"Advanced Persistent Threat\"\naliases = [\"APTs\"]\n\n[[citations]]\nid = \"def\"\nsource = \"report\"\npage = 4\nquote = \"advanced persistent\"\n+++\nA long-running, state-backed hacking group[@def].\n",
    ),
    (
        "content/glossary/cnnvd.md",
        "+++\nterm = \"CNNVD\"\nexpansion = \"China National Vulnerability Database\"\nentity = \"cnnvd\"\n+++\nThe national database.\n",
    ),
    (
        "content/glossary/zero-day.md",
        "+++\nterm = \"zero-day\"\nexpansion = \"a flaw the vendor does not know of\"\n+++\nA flaw without a fix.\n",
    ),
    (
        "content/glossary/vulnerability-mining.md",
        "+++\nterm = \"vulnerability mining\"\nexpansion = \"the search for software flaws\"\n+++\nSearching software for flaws[@report, p. 3].\n",
    ),
];

const ENTITIES: [(&str, &str); 4] = [
    (
        "content/entities/i-soon.md",
        "+++\ntitle = \"i-Soon\"\nkind = \"organization\"\naliases = [\"Anxun\", \"Shanghai Anxun\"]\nrelated = [\"cnnvd\"]\n+++\nA company in Shanghai, founded by [[shutd0wn]].\n",
    ),
    (
        "content/entities/cnnvd.md",
        "+++\ntitle = \"CNNVD\"\nkind = \"organization\"\n+++\nThe national database[@report, p. 5].\n",
    ),
    (
        "content/entities/shutd0wn.md",
        "+++\ntitle = \"shutd0wn\"\nkind = \"alias\"\n+++\nAn alias.\n",
    ),
    (
        "content/entities/anxun-college.md",
        "+++\ntitle = \"Anxun College\"\nkind = \"organization\"\nrelated = [\"i-soon\"]\n+++\nA training college.\n",
    ),
];

/// The site's own section template shows what the theme's does not, and
/// what a page body changes: each page's word count and reading time.
const SECTION_TEMPLATE: (&str, &str) = (
    "templates/section.html",
    "{% extends \"themes/default/section.html\" %}{% block footer %}{{ super() }}<ul class=\"sizes\">{% for p in section.pages %}<li>{{ p.title }}: {{ p.word_count }} words, {{ p.reading_time }} min</li>{% endfor %}</ul>{% endblock footer %}",
);

/// A page template that shows on every page what `sources` (given to every
/// template) holds, and the sources index with how often each source
/// is cited. `sources` holds only what the sources' own files say; the
/// counts, which every page's citations change, are in `section.sources`
/// of `sources.html` alone.
const SOURCES_TEMPLATES: [(&str, &str); 2] = [
    (
        "templates/page.html",
        "{% extends \"themes/default/page.html\" %}{% block footer %}{{ super() }}<p class=\"claims\">{% for s in sources %}{{ s.short }} ({{ s.id }}, {{ s.title }}, {{ s.permalink }}{% if s.pages %}, {{ s.pages }} pages{% endif %}). {% endfor %}</p>{% endblock footer %}",
    ),
    (
        "templates/sources.html",
        "{% extends \"themes/default/sources.html\" %}{% block content %}{{ super() }}<p>{% for s in section.sources %}{{ s.short }}: cited {{ s.claim_count }} times. {% endfor %}</p>{% endblock content %}",
    ),
];

// ---------------------------------------------------------------------------
// The vocabulary page bodies are drawn from.

/// Filler words for sentences of any length.
const WORDS: &str = "the leak shows contracts with provincial bureaus and staff who wrote \
    tools for clients in several countries documents describe targets prices chat logs payments";

/// Heading texts whose ids are their slugs.
const HEADINGS: [&str; 8] = [
    "Background",
    "Key findings",
    "Contracts and clients",
    "Personnel",
    "Timeline",
    "Assessment",
    "Open questions",
    "The APT question",
];
/// Ids for headings written with `{#id}`.
const EXPLICIT_IDS: [&str; 4] = ["findings", "who", "money", "method"];

const GLOSSARY_USES: [&str; 6] = [
    "Investigators tied the APT to a ministry.",
    "Two APTs shared the same tooling.",
    "Flaws went to the CNNVD first.",
    "Vulnerability mining was a business line.",
    "A zero-day sold for a high price.",
    "The CNNVD and an APT appear together.",
];

const ENTITY_USES: [&str; 6] = [
    "[[i-Soon]] signed contracts with bureaus.",
    "The firm, also called [[Anxun]], hired staff.",
    "[[cnnvd|The national database]] received reports.",
    "[[shutd0wn]] founded the company.",
    "[[Anxun College]] trained recruits for [[i-soon|the firm]].",
    "Staff at i-Soon complained about pay; the CNNVD did not.",
];

const CODE: [&str; 3] = [
    "```rust\nfn files() -> u32 {\n    570\n}\n```",
    "```\n[@nope] and [[Nobody Known]] stay as they are in code\n```",
    "```toml\nid = \"x\"\n```",
];

const LINK_TEXTS: [&str; 4] = ["the findings", "this page", "the APT part", "more"];

/// A heading of a body, with the id it gets.
#[derive(Clone, Debug, PartialEq)]
struct Heading {
    text: String,
    id: String,
    explicit: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum Frag {
    /// Self-contained Markdown: paragraphs, lists, code, footnotes.
    Md(String),
    Heading(Heading),
    /// A paragraph with a link to a page (by file) and maybe a heading of it.
    Link {
        to: String,
        anchor: Option<String>,
        text: &'static str,
    },
}

/// A page or section as the test keeps it: its front matter (kept byte for
/// byte across body edits), the citation ids it declares, and its body.
#[derive(Clone, Debug)]
struct Doc {
    front: String,
    /// Declared citations: id and its `[[citations]]` table.
    cites: Vec<(String, String)>,
    body: Vec<Frag>,
}

impl Doc {
    fn headings(&self) -> impl Iterator<Item = &Heading> {
        self.body.iter().filter_map(|f| match f {
            Frag::Heading(h) => Some(h),
            _ => None,
        })
    }
    fn links_to(&self, rel: &str, anchor: Option<&str>) -> bool {
        self.body.iter().any(|f| match f {
            Frag::Link { to, anchor: a, .. } => {
                to == rel && (anchor.is_none() || a.as_deref() == anchor)
            }
            _ => false,
        })
    }
}

fn slug(text: &str) -> String {
    text.to_lowercase().replace(' ', "-")
}

fn is_section(rel: &str) -> bool {
    rel.ends_with("/_index.md")
}

/// The URL path of a content file: `content/a/p1.md` → `/a/p1/`.
fn url(rel: &str) -> String {
    let inner = rel
        .strip_prefix("content/")
        .unwrap()
        .strip_suffix(".md")
        .unwrap();
    match inner.strip_suffix("_index") {
        Some(dir) => format!("/{dir}"),
        None => format!("/{inner}/"),
    }
}

/// The output file of a content file's page.
fn output_of(rel: &str) -> String {
    format!("{}index.html", &url(rel)[1..])
}

fn front(rng: &mut Rng, cites: &[(String, String)]) -> String {
    let titles = [
        "Contracts",
        "The leak",
        "Recruitment",
        "Tooling",
        "Clients abroad",
        "Payments",
    ];
    let mut s = format!(
        "+++\ntitle = \"{} {}\"\nweight = {}\n",
        rng.pick(&titles),
        rng.below(10),
        rng.below(5)
    );
    if rng.one_in(3) {
        s.push_str(&format!(
            "date = 2024-0{}-{:02}\n",
            1 + rng.below(9),
            1 + rng.below(28)
        ));
    }
    if rng.one_in(3) {
        s.push_str(&format!(
            "description = \"What the leak says, part {}.\"\n",
            rng.below(4)
        ));
    }
    for (_, table) in cites {
        s.push('\n');
        s.push_str(table);
    }
    s.push_str("+++\n");
    s
}

fn citation(rng: &mut Rng, id: &str) -> (String, String) {
    let mut t = format!("[[citations]]\nid = \"{id}\"\n");
    match rng.below(3) {
        0 => t.push_str(&format!(
            "source = \"report\"\npage = {}\n",
            1 + rng.below(10)
        )),
        1 => t.push_str("source = \"report\"\npages = \"3-4\"\n"),
        _ => t.push_str(&format!("source = \"web\"\npage = {}\n", 1 + rng.below(5))),
    }
    if rng.one_in(2) {
        t.push_str("quote = \"within 48 hours\"\n");
    }
    (id.to_string(), t)
}

// ---------------------------------------------------------------------------

struct Run {
    seed: u64,
    /// Whether `config.toml` links entities by themselves.
    autolink: bool,
    step: usize,
    rng: Rng,
    _tmp: tempfile::TempDir,
    root: PathBuf,
    docs: BTreeMap<String, Doc>,
    changes: Changes,
    /// The files written since the last rebuild, for failure messages.
    batch: Vec<String>,
    counter: usize,
    options: BuildOptions,
    builder: Builder,
    /// The last site served.
    served: SiteMap,
    /// Outputs of other files that body-only edits changed, by kind.
    tally: BTreeMap<&'static str, usize>,
    /// Rebuilds of body-only edits that rendered less than half of the
    /// pages again (the others came from the cache).
    fast: usize,
}

impl Run {
    fn new(seed: u64, autolink: bool, templates: &[(&str, &str)]) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        let options = preview_options(root.clone(), false);
        let mut run = Run {
            seed,
            autolink,
            step: 0,
            rng: Rng::new(seed),
            _tmp: tmp,
            root,
            docs: BTreeMap::new(),
            changes: Changes::default(),
            batch: Vec::new(),
            counter: 0,
            builder: Builder::new(options.clone()),
            options,
            served: SiteMap::new(),
            tally: BTreeMap::new(),
            fast: 0,
        };
        let autolink = if autolink {
            "autolink_entities = \"first\"\n"
        } else {
            ""
        };
        run.put(
            "config.toml",
            &format!("title = \"Equivalence\"\nbase_url = \"https://example.org\"\n{autolink}"),
            false,
        );
        for (rel, text) in SOURCES
            .iter()
            .chain(&GLOSSARY)
            .chain(&ENTITIES)
            .chain(templates)
        {
            run.put(rel, text, false);
        }
        let text = web_text(&mut run.rng);
        run.put("content/sources/web.txt", &text, false);
        run.put("static/notes.txt", "Notes.\n", false);
        let home_cite = citation(&mut run.rng, "h1");
        run.docs.insert(
            "content/_index.md".into(),
            Doc {
                front: format!("+++\ntitle = \"Home\"\n\n{}+++\n", home_cite.1),
                cites: vec![home_cite],
                body: Vec::new(),
            },
        );
        for sec in SECTIONS {
            let sort = run.rng.pick(&["weight", "date", "title"]).to_string();
            run.docs.insert(
                format!("content/{sec}/_index.md"),
                Doc {
                    front: format!(
                        "+++\ntitle = \"Section {}\"\nsort_by = \"{sort}\"\n+++\n",
                        sec.to_uppercase()
                    ),
                    cites: Vec::new(),
                    body: Vec::new(),
                },
            );
        }
        let sections: Vec<String> = run.docs.keys().cloned().collect();
        for rel in sections {
            let body = run.body(&rel, &run.docs[&rel].cites.clone(), &[]);
            run.docs.get_mut(&rel).unwrap().body = body;
            run.write_doc(&rel, false);
        }
        for sec in SECTIONS {
            for i in 0..3 {
                let rel = format!("content/{sec}/p{i}.md");
                let doc = run.new_doc(&rel);
                run.docs.insert(rel.clone(), doc);
                run.write_doc(&rel, false);
            }
        }
        run
    }

    // --- files and events ---------------------------------------------------

    fn event(&mut self, kind: EventKind, rels: &[&str]) {
        let paths: Vec<PathBuf> = rels.iter().map(|r| self.root.join(r)).collect();
        self.changes.add_event(&self.root, "default", &kind, &paths);
    }

    /// Writes a file in place, or atomically: a hidden temporary file beside
    /// it, renamed over it.
    fn put(&mut self, rel: &str, text: &str, atomic: bool) {
        let path = self.root.join(rel);
        let existed = path.exists();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        if atomic {
            let (dir, name) = rel.rsplit_once('/').unwrap();
            let tmp = format!("{dir}/.{name}.tmp");
            std::fs::write(self.root.join(&tmp), text).unwrap();
            self.event(EventKind::Create(CreateKind::File), &[&tmp]);
            std::fs::rename(self.root.join(&tmp), &path).unwrap();
            self.event(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &[&tmp, rel],
            );
        } else {
            std::fs::write(&path, text).unwrap();
            let kind = if existed {
                EventKind::Modify(ModifyKind::Data(DataChange::Content))
            } else {
                EventKind::Create(CreateKind::File)
            };
            self.event(kind, &[rel]);
        }
        let how = if atomic { "atomic save" } else { "write" };
        self.batch.push(format!("{how} {rel}:\n{text}"));
    }

    fn text(&self, rel: &str) -> String {
        let doc = &self.docs[rel];
        let mut out = doc.front.clone();
        for f in &doc.body {
            match f {
                Frag::Md(s) => out.push_str(s),
                Frag::Heading(h) if h.explicit => {
                    out.push_str(&format!("## {} {{#{}}}", h.text, h.id))
                }
                Frag::Heading(h) => out.push_str(&format!("## {}", h.text)),
                Frag::Link { to, anchor, text } => {
                    let anchor = anchor.as_ref().map(|a| format!("#{a}")).unwrap_or_default();
                    out.push_str(&format!("See [{text}]({}{anchor}) for more.", url(to)))
                }
            }
            out.push_str("\n\n");
        }
        out
    }

    /// Writes a document of the model: in place, or (with `random_style`)
    /// in place or atomically at random; returns how.
    fn write_doc(&mut self, rel: &str, random_style: bool) -> &'static str {
        let atomic = random_style && self.rng.one_in(2);
        let text = self.text(rel);
        self.put(rel, &text, atomic);
        if atomic { "atomic save" } else { "write" }
    }

    fn remove(&mut self, rel: &str) {
        std::fs::remove_file(self.root.join(rel)).unwrap();
        self.event(EventKind::Remove(RemoveKind::File), &[rel]);
        self.docs.remove(rel);
        self.batch.push(format!("remove {rel}"));
    }

    fn rename(&mut self, from: &str, to: &str) {
        std::fs::rename(self.root.join(from), self.root.join(to)).unwrap();
        self.event(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &[from, to],
        );
        let doc = self.docs.remove(from).unwrap();
        self.docs.insert(to.to_string(), doc);
        self.batch.push(format!("rename {from} -> {to}"));
    }

    // --- the model ------------------------------------------------------------

    fn pages(&self) -> Vec<String> {
        self.docs
            .keys()
            .filter(|r| !is_section(r))
            .cloned()
            .collect()
    }

    fn pick_page(&mut self, except: &[&str]) -> Option<String> {
        let pages: Vec<String> = self
            .pages()
            .into_iter()
            .filter(|p| !except.contains(&p.as_str()))
            .collect();
        (!pages.is_empty()).then(|| self.rng.pick(&pages).clone())
    }

    /// The documents that link to `rel` (at `anchor`, or anywhere).
    fn linkers(&self, rel: &str, anchor: Option<&str>) -> Vec<String> {
        self.docs
            .iter()
            .filter(|(_, d)| d.links_to(rel, anchor))
            .map(|(r, _)| r.clone())
            .collect()
    }

    /// The headings of `rel` that other documents link to.
    fn linked_headings(&self, rel: &str) -> Vec<Heading> {
        self.docs[rel]
            .headings()
            .filter(|h| !self.linkers(rel, Some(&h.id)).is_empty())
            .cloned()
            .collect()
    }

    fn new_doc(&mut self, rel: &str) -> Doc {
        let n = self.rng.below(3);
        let cites: Vec<(String, String)> = (1..=n)
            .map(|i| citation(&mut self.rng, &format!("c{i}")))
            .collect();
        let front = front(&mut self.rng, &cites);
        let body = self.body(rel, &cites, &[]);
        Doc { front, cites, body }
    }

    /// A random body for `rel` that may use the declared `cites` and keeps
    /// the headings in `keep` (which other pages link to).
    fn body(&mut self, rel: &str, cites: &[(String, String)], keep: &[Heading]) -> Vec<Frag> {
        let mut ids: BTreeSet<String> = keep.iter().map(|h| h.id.clone()).collect();
        let mut body = Vec::new();
        let mut notes = 0;
        let n = 1 + self.rng.below(7);
        for _ in 0..n {
            let frag = match self.rng.below(13) {
                0 | 1 => Frag::Md(self.sentence(3, 60)),
                2 if !cites.is_empty() => {
                    let a = &self.rng.pick(cites).0;
                    let b = &self.rng.pick(cites).0;
                    let s = self.sentence(4, 8);
                    if a == b {
                        Frag::Md(format!("{} rests on this[@{a}].", s.trim_end_matches('.')))
                    } else {
                        Frag::Md(format!("{} twice [@{a}; @{b}].", s.trim_end_matches('.')))
                    }
                }
                2 | 3 => {
                    let cite = match self.rng.below(4) {
                        0 => "[@report, pp. 3-4]".to_string(),
                        1 => format!("[@web, p. {}]", 1 + self.rng.below(5)),
                        _ => format!("[@report, p. {}]", 1 + self.rng.below(10)),
                    };
                    let s = self.sentence(3, 10);
                    Frag::Md(format!("{}{cite}.", s.trim_end_matches('.')))
                }
                4 => Frag::Md(self.rng.pick(&GLOSSARY_USES).to_string()),
                5 => Frag::Md(self.rng.pick(&ENTITY_USES).to_string()),
                6 | 7 => {
                    let explicit = self.rng.one_in(3);
                    let (text, id) = if explicit {
                        let id = self.rng.pick(&EXPLICIT_IDS).to_string();
                        (self.rng.pick(&HEADINGS).to_string(), id)
                    } else {
                        let text = self.rng.pick(&HEADINGS).to_string();
                        (text.clone(), slug(&text))
                    };
                    if !ids.insert(id.clone()) {
                        continue;
                    }
                    Frag::Heading(Heading { text, id, explicit })
                }
                8 => {
                    notes += 1;
                    let s = self.sentence(3, 8);
                    let note = if self.rng.one_in(2) {
                        format!("A note that cites[@report, p. {}].", 1 + self.rng.below(10))
                    } else {
                        "A note mentioning [[i-Soon]] and the APT.".to_string()
                    };
                    Frag::Md(format!(
                        "{} with a note[^n{notes}].\n\n[^n{notes}]: {note}",
                        s.trim_end_matches('.')
                    ))
                }
                9 => {
                    let items = 1 + self.rng.below(3);
                    let list: Vec<String> = (0..items)
                        .map(|i| match i {
                            0 => format!("- An item[@report, p. {}]", 1 + self.rng.below(10)),
                            1 => "- An item about [[Anxun]] and an APT".to_string(),
                            _ => format!("- {}", self.sentence(5, 1)),
                        })
                        .collect();
                    Frag::Md(list.join("\n"))
                }
                10 => Frag::Md(match self.rng.below(4) {
                    0 => "| Claim | Cite |\n| --- | --- |\n| Contracts | [@report, p. 6] |".into(),
                    1 => "> The leak was large[@report, p. 7].".into(),
                    2 => "Back to [the B section](/b/) or [home](/).".into(),
                    _ => self.rng.pick(&CODE).to_string(),
                }),
                _ => {
                    let Some(to) = self.pick_page(&[rel]) else {
                        continue;
                    };
                    let headings: Vec<String> =
                        self.docs[&to].headings().map(|h| h.id.clone()).collect();
                    let anchor = if !headings.is_empty() && !self.rng.one_in(3) {
                        Some(self.rng.pick(&headings).clone())
                    } else {
                        None
                    };
                    let text = *self.rng.pick(&LINK_TEXTS);
                    Frag::Link { to, anchor, text }
                }
            };
            body.push(frag);
        }
        for h in keep {
            let at = self.rng.below(body.len() + 1);
            body.insert(at, Frag::Heading(h.clone()));
        }
        body
    }

    /// `min` words and up to `spread - 1` more.
    fn sentence(&mut self, min: usize, spread: usize) -> String {
        let words = min + self.rng.below(spread);
        let vocabulary: Vec<&str> = WORDS.split_whitespace().collect();
        let mut s: Vec<&str> = (0..words).map(|_| *self.rng.pick(&vocabulary)).collect();
        let first = s[0][..1].to_uppercase() + &s[0][1..];
        s[0] = &first;
        format!("{}.", s.join(" "))
    }

    /// A new body for `rel`, keeping its linked headings.
    fn rebody(&mut self, rel: &str) {
        let keep = self.linked_headings(rel);
        let cites = self.docs[rel].cites.clone();
        let body = self.body(rel, &cites, &keep);
        self.docs.get_mut(rel).unwrap().body = body;
    }

    // --- rebuilding and comparing ---------------------------------------------

    fn context(&self, op: &str) -> String {
        format!("seed {} step {}: {op}", self.seed, self.step)
    }

    /// Rebuilds; the result must equal a clean build. `body_only` names the
    /// file a body-only edit changed, to count the other outputs it changed.
    fn expect_ok(&mut self, op: &str, body_only: Option<&str>) {
        let ctx = self.context(op);
        let batch = std::mem::take(&mut self.batch).join("\n");
        let changes = std::mem::take(&mut self.changes);
        let served = match self.builder.rebuild(changes) {
            Ok(outcome) => {
                // (Shown with the failure of a later step: the history.)
                eprintln!("ok   {ctx}: {}", outcome.summary());
                let pages = outcome.map.keys().filter(|k| k.ends_with(".html")).count();
                if body_only.is_some() && outcome.rendered.len() * 2 < pages {
                    self.fast += 1;
                }
                // Every page that changed went through its template.
                for (path, bytes) in &outcome.map {
                    assert!(
                        !path.ends_with(".html")
                            || self.served.get(path) == Some(bytes)
                            || outcome.rendered.binary_search(path).is_ok(),
                        "{ctx}: {path} changed but was not rendered"
                    );
                }
                outcome.map
            }
            Err(e) => {
                let clean = match Builder::clean(&self.options) {
                    Ok(_) => "succeeds".to_string(),
                    Err(e) => format!("fails too:\n{e}"),
                };
                panic!(
                    "{ctx}: the incremental rebuild failed:\n{e}\n--- a clean build {clean}\n--- files written in this step ---\n{batch}"
                )
            }
        };
        let clean = Builder::clean(&self.options).unwrap_or_else(|e| {
            panic!("{ctx}: the clean build failed (the test's site is wrong?):\n{e}\n--- files written in this step ---\n{batch}")
        });
        compare(&ctx, &served, &clean, &batch);
        if let Some(rel) = body_only {
            let own = output_of(rel);
            for (path, bytes) in &served {
                if **path == *own || self.served.get(path) == Some(bytes) {
                    continue;
                }
                let kind = match path.split('/').collect::<Vec<_>>()[..] {
                    ["sources", ..] => "sources",
                    ["glossary", ..] => "glossary",
                    ["entities", ..] => "entities",
                    ["index.html"] | [_, "index.html"] => "sections",
                    _ => "other",
                };
                *self.tally.entry(kind).or_default() += 1;
            }
        }
        self.served = served;
    }

    /// Rebuilds; it must fail (and so must a clean build), with an error
    /// that mentions each of `mentions`.
    fn expect_err(&mut self, op: &str, mentions: &[&str]) {
        let ctx = self.context(op);
        let batch = std::mem::take(&mut self.batch).join("\n");
        let changes = std::mem::take(&mut self.changes);
        match self.builder.rebuild(changes) {
            Ok(_) => panic!(
                "{ctx}: the incremental rebuild succeeded, but the site is broken\n--- files written in this step ---\n{batch}"
            ),
            Err(e) => {
                let e = e.to_string();
                eprintln!("err  {ctx}: {}", e.lines().next().unwrap_or(""));
                for m in mentions {
                    assert!(
                        e.contains(m),
                        "{ctx}: the error does not mention `{m}`:\n{e}\n--- files written in this step ---\n{batch}"
                    );
                }
            }
        }
        assert!(
            Builder::clean(&self.options).is_err(),
            "{ctx}: a clean build succeeds, but the incremental rebuild failed\n--- files written in this step ---\n{batch}"
        );
    }

    // --- operations -------------------------------------------------------

    fn step(&mut self) {
        if self.rng.one_in(4) {
            return self.site_edit();
        }
        let roll = self.rng.below(100);
        let Some(page) = self.pick_page(&[]) else {
            return self.new_page();
        };
        match roll {
            0..38 => {
                self.rebody(&page);
                let how = self.write_doc(&page, true);
                self.expect_ok(&format!("body-only edit of {page} ({how})"), Some(&page));
            }
            38..43 => {
                let how = self.write_doc(&page, true);
                self.expect_ok(
                    &format!("same text rewritten to {page} ({how})"),
                    Some(&page),
                );
            }
            43..53 => {
                // A page with a heading, if there is one.
                let with: Vec<String> = self
                    .pages()
                    .into_iter()
                    .filter(|p| self.docs[p].headings().next().is_some())
                    .collect();
                let page = if with.is_empty() {
                    page
                } else {
                    self.rng.pick(&with).clone()
                };
                self.heading_edit(&page)
            }
            53..60 => {
                let cites = self.docs[&page].cites.clone();
                self.docs.get_mut(&page).unwrap().front = front(&mut self.rng, &cites);
                let how = self.write_doc(&page, true);
                self.expect_ok(&format!("front-matter edit of {page} ({how})"), None);
            }
            60..65 => self.new_page(),
            65..70 => self.delete_or_rename(&page, false),
            70..75 => self.delete_or_rename(&page, true),
            75..80 => {
                let sections: Vec<String> = self
                    .docs
                    .keys()
                    .filter(|r| is_section(r))
                    .cloned()
                    .collect();
                let sec = self.rng.pick(&sections).clone();
                self.rebody(&sec);
                let how = self.write_doc(&sec, true);
                self.expect_ok(
                    &format!("body-only edit of section {sec} ({how})"),
                    Some(&sec),
                );
            }
            80..84 => self.citations_edit(&page),
            84..90 => self.break_linked_heading(),
            _ => self.break_body(&page),
        }
    }

    /// An edit of what is not a page: a glossary entry, an entity, a
    /// source's front matter or text, `config.toml`, a template of the
    /// site's own, or a static file (one the templates link with its hash,
    /// or one they do not).
    fn site_edit(&mut self) {
        let n = self.rng.below(1000);
        match self.rng.below(8) {
            0 => {
                // The terms keep their names: the pages' uses stay valid.
                let (rel, text) = *self.rng.pick(&GLOSSARY);
                let expansion = ["a name for it", "what it stands for", "its long form"];
                let pick = expansion[self.rng.below(3)];
                let text =
                    text.replacen("expansion = \"", &format!("expansion = \"{pick} {n}: "), 1);
                let atomic = self.rng.one_in(2);
                self.put(rel, &text, atomic);
                self.expect_ok(&format!("glossary edit of {rel}"), None);
            }
            1 => {
                let (rel, text) = *self.rng.pick(&ENTITIES);
                let text = match self.rng.below(3) {
                    0 => {
                        let (front, body) = text.rsplit_once("+++\n").unwrap();
                        format!("{front}+++\nKnown from case {n}. {body}")
                    }
                    1 => text.replacen("kind = \"organization\"", "kind = \"company\"", 1),
                    _ => text.to_string(),
                };
                let atomic = self.rng.one_in(2);
                self.put(rel, &text, atomic);
                self.expect_ok(&format!("entity edit of {rel}"), None);
            }
            2 => {
                let (rel, text) = *self.rng.pick(&SOURCES);
                let text = text.replacen("title = \"", &format!("title = \"({n}) "), 1);
                let atomic = self.rng.one_in(2);
                self.put(rel, &text, atomic);
                self.expect_ok(&format!("front-matter edit of source {rel}"), None);
            }
            3 => {
                let text = web_text(&mut self.rng);
                let atomic = self.rng.one_in(2);
                self.put("content/sources/web.txt", &text, atomic);
                self.expect_ok("edit of the text of source web", None);
            }
            4 => {
                let autolink = if self.autolink {
                    "autolink_entities = \"first\"\n"
                } else {
                    ""
                };
                let title = ["Equivalence", "Equivalence, revised"][self.rng.below(2)];
                let description = if self.rng.one_in(2) {
                    format!("description = \"Briefing {n}\"\n")
                } else {
                    String::new()
                };
                self.put(
                    "config.toml",
                    &format!("title = \"{title}\"\nbase_url = \"https://example.org\"\n{description}{autolink}"),
                    false,
                );
                self.expect_ok("edit of config.toml", None);
            }
            5 => {
                let rel = "templates/entity.html";
                if self.root.join(rel).exists() && self.rng.one_in(3) {
                    self.remove(rel);
                    self.expect_ok(&format!("removal of {rel}"), None);
                } else {
                    let text = format!(
                        "{{% extends \"themes/default/entity.html\" %}}{{% block footer %}}{{{{ super() }}}}<p>Entity footer {n}: {{{{ entity.title }}}}</p>{{% endblock footer %}}"
                    );
                    let atomic = self.rng.one_in(2);
                    self.put(rel, &text, atomic);
                    self.expect_ok(&format!("edit of {rel}"), None);
                }
            }
            6 => {
                // The theme's stylesheet, overridden: every page links it
                // with its hash.
                let rel = "static/style.css";
                if self.root.join(rel).exists() && self.rng.one_in(3) {
                    self.remove(rel);
                    self.expect_ok(&format!("removal of {rel}"), None);
                } else {
                    self.put(rel, &format!("body {{ margin: {n}px; }}\n"), false);
                    self.expect_ok(&format!("edit of {rel}"), None);
                }
            }
            _ => {
                let rel = *self
                    .rng
                    .pick(&["static/notes.txt", "static/more/extra.txt"]);
                if self.root.join(rel).exists() && self.rng.one_in(3) {
                    self.remove(rel);
                    self.expect_ok(&format!("removal of {rel}"), None);
                } else {
                    let atomic = self.rng.one_in(2);
                    self.put(rel, &format!("Notes {n}.\n"), atomic);
                    self.expect_ok(&format!("edit of {rel}"), None);
                }
            }
        }
    }

    /// Changes the text of one heading of `rel`, nothing else.
    fn heading_edit(&mut self, rel: &str) {
        let headings: Vec<usize> = self.docs[rel]
            .body
            .iter()
            .enumerate()
            .filter(|(_, f)| matches!(f, Frag::Heading(_)))
            .map(|(i, _)| i)
            .collect();
        // Half the time a heading that another page links to, if any.
        let linked: Vec<usize> = headings
            .iter()
            .copied()
            .filter(|&i| match &self.docs[rel].body[i] {
                Frag::Heading(h) => !self.linkers(rel, Some(&h.id)).is_empty(),
                _ => false,
            })
            .collect();
        let headings = if !linked.is_empty() && self.rng.one_in(2) {
            linked
        } else {
            headings
        };
        let Some(&at) = (!headings.is_empty()).then(|| self.rng.pick(&headings)) else {
            self.rebody(rel);
            let how = self.write_doc(rel, true);
            return self.expect_ok(
                &format!("body-only edit of {rel} (no heading to edit) ({how})"),
                Some(rel),
            );
        };
        let Frag::Heading(old) = self.docs[rel].body[at].clone() else {
            unreachable!()
        };
        let ids: BTreeSet<String> = self.docs[rel].headings().map(|h| h.id.clone()).collect();
        let free: Vec<&str> = HEADINGS
            .iter()
            .copied()
            .filter(|t| *t != old.text && !ids.contains(&slug(t)))
            .collect();
        let Some(&text) = (!free.is_empty()).then(|| self.rng.pick(&free)) else {
            return;
        };
        let linkers = self.linkers(rel, Some(&old.id));
        let mut new = Heading {
            text: text.to_string(),
            id: slug(text),
            explicit: false,
        };
        // A heading that other pages link to keeps its id, or its links
        // follow the new id in the same batch, or after a rebuild that must
        // fail.
        let variant = if linkers.is_empty() {
            0
        } else if old.explicit {
            1
        } else {
            1 + self.rng.below(3)
        };
        if variant == 1 {
            new.id = old.id.clone();
            new.explicit = true;
        }
        self.docs.get_mut(rel).unwrap().body[at] = Frag::Heading(new.clone());
        let how = self.write_doc(rel, true);
        let mut op = format!(
            "heading `{}` (#{}) of {rel} now `{}` (#{}) ({how})",
            old.text, old.id, new.text, new.id
        );
        match variant {
            0 => return self.expect_ok(&op, Some(rel)),
            1 => {
                op.push_str(&format!(", its id kept for the links of {linkers:?}"));
                return self.expect_ok(&op, Some(rel));
            }
            3 => {
                self.expect_err(
                    &format!("{op}, which breaks the links of {linkers:?}"),
                    &[&linkers[0], &old.id],
                );
                op = format!("after: {op}, the links of {linkers:?} follow it");
            }
            _ => op.push_str(&format!(", and the links of {linkers:?} to it")),
        }
        for l in &linkers {
            for f in &mut self.docs.get_mut(l).unwrap().body {
                if let Frag::Link { to, anchor, .. } = f
                    && to == rel
                    && anchor.as_deref() == Some(old.id.as_str())
                {
                    *anchor = Some(new.id.clone());
                }
            }
            self.write_doc(l, true);
        }
        let body_only = (variant == 3 && linkers.len() == 1).then(|| linkers[0].clone());
        self.expect_ok(&op, body_only.as_deref());
    }

    fn new_page(&mut self) {
        self.counter += 1;
        let sec = *self.rng.pick(&SECTIONS);
        let rel = format!("content/{sec}/n{}.md", self.counter);
        let doc = self.new_doc(&rel);
        self.docs.insert(rel.clone(), doc);
        let how = self.write_doc(&rel, true);
        self.expect_ok(&format!("new page {rel} ({how})"), None);
    }

    /// Deletes or renames (maybe into another section) a page. The pages
    /// that link to it are fixed in the same batch, or after a rebuild that
    /// must fail.
    fn delete_or_rename(&mut self, rel: &str, rename: bool) {
        if !rename && self.pages().len() <= 4 {
            return self.new_page();
        }
        let linkers = self.linkers(rel, None);
        let fix_later = !linkers.is_empty() && self.rng.one_in(2);
        let (op, to) = if rename {
            self.counter += 1;
            let sec = *self.rng.pick(&SECTIONS);
            let to = format!("content/{sec}/m{}.md", self.counter);
            self.rename(rel, &to);
            (format!("rename {rel} -> {to}"), Some(to))
        } else {
            self.remove(rel);
            (format!("delete {rel}"), None)
        };
        if fix_later {
            self.expect_err(
                &format!("{op}, which {linkers:?} link to"),
                &[&linkers[0], &url(rel)],
            );
        }
        for l in &linkers {
            let body = &mut self.docs.get_mut(l).unwrap().body;
            match &to {
                Some(to) => {
                    for f in body.iter_mut() {
                        if let Frag::Link { to: t, .. } = f
                            && t == rel
                        {
                            *t = to.clone();
                        }
                    }
                }
                None => body.retain(|f| !matches!(f, Frag::Link { to, .. } if to == rel)),
            }
            self.write_doc(l, true);
        }
        let op = if linkers.is_empty() {
            op
        } else if fix_later {
            format!("after: {op}, fixed the links of {linkers:?}")
        } else {
            format!("{op}, with the links of {linkers:?} fixed at once")
        };
        self.expect_ok(&op, None);
    }

    /// Declares a new citation and uses it, or drops one: front matter and
    /// body change.
    fn citations_edit(&mut self, rel: &str) {
        let mut cites = self.docs[rel].cites.clone();
        if !cites.is_empty() && self.rng.one_in(2) {
            let i = self.rng.below(cites.len());
            cites.remove(i);
        } else {
            self.counter += 1;
            cites.push(citation(&mut self.rng, &format!("k{}", self.counter)));
        }
        let keep = self.linked_headings(rel);
        let mut body = self.body(rel, &cites, &keep);
        if let Some((id, _)) = cites.last() {
            body.push(Frag::Md(format!("The newest claim[@{id}].")));
        }
        let front = front(&mut self.rng, &cites);
        *self.docs.get_mut(rel).unwrap() = Doc { front, cites, body };
        let how = self.write_doc(rel, true);
        self.expect_ok(&format!("citations of {rel} changed ({how})"), None);
    }

    /// A body edit that breaks the build; maybe an unrelated good edit while
    /// it is broken; then a fix.
    fn break_body(&mut self, rel: &str) {
        let before = self.docs[rel].clone();
        self.rebody(rel);
        let other = self.pick_page(&[rel]).unwrap_or_else(|| rel.to_string());
        let (bad, mention) = match self.rng.below(5) {
            0 => (
                "This rests on nothing[@nope].".to_string(),
                "nope".to_string(),
            ),
            1 => (
                format!("See [the missing part]({}#no-such-anchor).", url(&other)),
                "no-such-anchor".to_string(),
            ),
            2 => (
                "Beyond the last page[@report, p. 11].".into(),
                rel.to_string(),
            ),
            3 => ("Nobody knows [[Nobody Known]].".into(), rel.to_string()),
            _ => (
                "See [a missing page](/a/no-such-page/).".into(),
                "no-such-page".to_string(),
            ),
        };
        let body = &mut self.docs.get_mut(rel).unwrap().body;
        let at = self.rng.below(body.len() + 1);
        body.insert(at, Frag::Md(bad.clone()));
        let how = self.write_doc(rel, true);
        self.expect_err(
            &format!("body edit of {rel} that breaks it with `{bad}` ({how})"),
            &[rel, &mention],
        );
        if other != rel && self.rng.one_in(3) {
            self.rebody(&other);
            let how = self.write_doc(&other, true);
            self.expect_err(
                &format!("good body edit of {other} while {rel} is broken ({how})"),
                &[rel],
            );
        }
        // (The old text will do unless the good edit made a link to a
        // heading that only the broken text has, or took away a heading the
        // old text links to.)
        let old_ids: BTreeSet<&str> = before.headings().map(|h| h.id.as_str()).collect();
        let revertible = self
            .linked_headings(rel)
            .iter()
            .all(|h| old_ids.contains(h.id.as_str()))
            && before.body.iter().all(|f| match f {
                Frag::Link {
                    to,
                    anchor: Some(a),
                    ..
                } => self
                    .docs
                    .get(to)
                    .is_some_and(|d| d.headings().any(|h| h.id == *a)),
                _ => true,
            });
        let op = if revertible && self.rng.one_in(2) {
            self.docs.insert(rel.to_string(), before);
            format!("{rel} reverted to its text before `{bad}`")
        } else {
            self.rebody(rel);
            format!("{rel} rewritten without `{bad}`")
        };
        let how = self.write_doc(rel, true);
        self.expect_ok(&format!("fix: {op} ({how})"), Some(rel));
    }

    /// Deletes a heading that another page links to (the link breaks), then
    /// fixes that: the heading comes back, or the links to it go.
    fn break_linked_heading(&mut self) {
        let mut targets = Vec::new();
        for rel in self.pages() {
            for h in self.linked_headings(&rel) {
                targets.push((rel.clone(), h));
            }
        }
        if targets.is_empty() {
            // Make a link to a heading first.
            let Some(to) = self
                .pages()
                .into_iter()
                .find(|p| self.docs[p].headings().next().is_some())
            else {
                let page = self.pick_page(&[]).unwrap();
                self.rebody(&page);
                let how = self.write_doc(&page, true);
                return self.expect_ok(&format!("body-only edit of {page} ({how})"), Some(&page));
            };
            let from = self.pick_page(&[&to]).unwrap();
            let id = self.docs[&to].headings().next().unwrap().id.clone();
            self.docs.get_mut(&from).unwrap().body.push(Frag::Link {
                to: to.clone(),
                anchor: Some(id.clone()),
                text: "the findings",
            });
            let how = self.write_doc(&from, true);
            self.expect_ok(
                &format!("body-only edit of {from}: a link to {to}#{id} ({how})"),
                Some(&from),
            );
            targets.push((
                to.clone(),
                self.docs[&to].headings().next().unwrap().clone(),
            ));
        }
        let (rel, gone) = self.rng.pick(&targets).clone();
        let linkers = self.linkers(&rel, Some(&gone.id));
        let keep: Vec<Heading> = self
            .linked_headings(&rel)
            .into_iter()
            .filter(|h| *h != gone)
            .collect();
        let cites = self.docs[&rel].cites.clone();
        let body: Vec<Frag> = self
            .body(&rel, &cites, &keep)
            .into_iter()
            .filter(|f| !matches!(f, Frag::Heading(h) if h.id == gone.id))
            .collect();
        self.docs.get_mut(&rel).unwrap().body = body;
        let how = self.write_doc(&rel, true);
        self.expect_err(
            &format!(
                "body edit of {rel} without heading #{}, which {linkers:?} link to ({how})",
                gone.id
            ),
            &[&linkers[0], &gone.id],
        );
        if self.rng.one_in(2) {
            let keep: Vec<Heading> = keep.into_iter().chain([gone.clone()]).collect();
            let body = self.body(&rel, &cites, &keep);
            self.docs.get_mut(&rel).unwrap().body = body;
            let how = self.write_doc(&rel, true);
            self.expect_ok(
                &format!("fix: heading #{} back in {rel} ({how})", gone.id),
                Some(&rel),
            );
        } else {
            for l in &linkers {
                self.docs.get_mut(l).unwrap().body.retain(|f| {
                    !matches!(f, Frag::Link { to, anchor: Some(a), .. } if *to == rel && *a == gone.id)
                });
                self.write_doc(l, true);
            }
            let op = format!("fix: the links of {linkers:?} to {rel}#{} removed", gone.id);
            let body_only = (linkers.len() == 1).then(|| linkers[0].clone());
            self.expect_ok(&op, body_only.as_deref());
        }
    }
}

/// The served site must equal the clean build: same paths, same bytes.
fn compare(ctx: &str, served: &SiteMap, clean: &SiteMap, batch: &str) {
    let a: BTreeSet<&str> = served.keys().map(|k| &**k).collect();
    let b: BTreeSet<&str> = clean.keys().map(|k| &**k).collect();
    let only_served: Vec<&&str> = a.difference(&b).collect();
    let only_clean: Vec<&&str> = b.difference(&a).collect();
    assert!(
        only_served.is_empty() && only_clean.is_empty(),
        "{ctx}: the served paths differ from a clean build's: served only {only_served:?}, clean build only {only_clean:?}\n--- files written in this step ---\n{batch}"
    );
    for path in b {
        let (s, c) = (&served[path], &clean[path]);
        if s != c {
            let (s, c) = (String::from_utf8_lossy(s), String::from_utf8_lossy(c));
            let line = s
                .lines()
                .zip(c.lines())
                .position(|(x, y)| x != y)
                .unwrap_or_else(|| s.lines().count().min(c.lines().count()));
            panic!(
                "{ctx}: {path} differs from a clean build, first at line {}:\n  served: {}\n  clean:  {}\n--- served ---\n{s}\n--- clean build ---\n{c}\n--- files written in this step ---\n{batch}",
                line + 1,
                s.lines().nth(line).unwrap_or("(end)"),
                c.lines().nth(line).unwrap_or("(end)"),
            );
        }
    }
}

/// Runs every seed on a site with the given templates of its own.
fn run_seeds(templates: &[(&str, &str)]) {
    run_these(&SEEDS, STEPS, templates);
}

/// Runs `steps` random edits from each of `seeds`.
fn run_these(seeds: &[u64], steps: usize, templates: &[(&str, &str)]) {
    for (i, &seed) in seeds.iter().enumerate() {
        let mut run = Run::new(seed, i % 3 == 1, templates);
        run.expect_ok("first build", None);
        for step in 1..=steps {
            run.step = step;
            run.step();
        }
        eprintln!(
            "seed {seed}: outputs of other files changed by body-only edits: {:?}",
            run.tally
        );
        // The site is rich enough: body-only edits changed the outputs that
        // list what pages cite, use and mention, and their sizes.
        // Most body-only edits rendered few pages again: the cached outputs,
        // which must equal fresh ones, are what this test is for.
        assert!(
            run.fast >= steps / 8,
            "seed {seed}: only {} body-only edits rendered less than half the pages",
            run.fast
        );
        for kind in ["sources", "glossary", "entities", "sections"] {
            assert!(
                run.tally.get(kind).copied().unwrap_or(0) > 0,
                "seed {seed}: no body-only edit changed a {kind} page ({:?})",
                run.tally
            );
        }
    }
}

#[test]
fn incremental_rebuilds_equal_clean_builds_on_a_cited_site() {
    run_seeds(&[SECTION_TEMPLATE]);
}

/// Every template gets `sources`: a page that shows all of it stays equal to
/// a clean build after any other page's edit (citation counts are not in it).
#[test]
fn incremental_rebuilds_equal_clean_builds_when_every_page_shows_the_sources() {
    let [page, sources] = SOURCES_TEMPLATES;
    run_seeds(&[SECTION_TEMPLATE, page, sources]);
}

/// More seeds and longer sequences than CI runs (about 6,000 edits):
/// `cargo test --test serve long_random_edit_sequences -- --ignored`.
#[test]
#[ignore]
fn long_random_edit_sequences() {
    let seeds: Vec<u64> = (100..110).collect();
    run_these(&seeds, 300, &[SECTION_TEMPLATE]);
    let [page, sources] = SOURCES_TEMPLATES;
    run_these(&seeds, 300, &[SECTION_TEMPLATE, page, sources]);
}
