//! A synthetic briefing site for benchmarks: deterministic for a given seed,
//! written in three flavours that render the same work — sourcebrief's own
//! format, and the equivalent Zola and Hugo sites (the same Markdown bodies,
//! with citations turned into plain footnotes, glossary terms and entity
//! links into ordinary links, and comparable templates).
//!
//! Every page draws from its own random stream (seeded by the corpus seed
//! and its number), so the first 1,000 pages of a 10,000-page corpus are the
//! 1,000-page corpus, and the flavour never changes what is drawn.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// Which tool the corpus is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Sourcebrief,
    Zola,
    Hugo,
}

impl Flavor {
    pub fn parse(s: &str) -> Option<Flavor> {
        match s {
            "sourcebrief" => Some(Flavor::Sourcebrief),
            "zola" => Some(Flavor::Zola),
            "hugo" => Some(Flavor::Hugo),
            _ => None,
        }
    }
}

/// The shape of a corpus.
#[derive(Debug, Clone)]
pub struct Options {
    pub pages: usize,
    pub seed: u64,
    pub flavor: Flavor,
    pub sections: usize,
    pub terms: usize,
    pub entities: usize,
    pub sources: usize,
}

impl Options {
    /// The standard corpus: 20 sections, 50 glossary terms, 200 entities and
    /// 10 sources (fewer sections when there are fewer than 20 pages).
    pub fn new(pages: usize, seed: u64, flavor: Flavor) -> Self {
        Options {
            pages,
            seed,
            flavor,
            sections: pages.clamp(1, 20),
            terms: 50,
            entities: 200,
            sources: 10,
        }
    }
}

/// One file of the corpus, relative to its root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: PathBuf,
    pub text: String,
}

/// Pages of every source document (citations stay within them).
const SOURCE_PAGES: usize = 60;

/// Words of prose per page, roughly.
const WORDS_PER_PAGE: usize = 700;

/// SplitMix64: small, fast and good enough to draw text from.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut r = Rng(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next();
        r
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "for",
    "on",
    "with",
    "by",
    "from",
    "that",
    "as",
    "at",
    "its",
    "their",
    "this",
    "these",
    "which",
    "was",
    "were",
    "is",
    "are",
    "has",
    "had",
    "been",
    "not",
    "also",
    "but",
    "more",
    "most",
    "some",
    "other",
    "each",
    "both",
    "between",
    "after",
    "before",
    "under",
    "within",
    "report",
    "company",
    "ministry",
    "bureau",
    "contract",
    "network",
    "operation",
    "service",
    "security",
    "agency",
    "staff",
    "employee",
    "document",
    "leak",
    "message",
    "chat",
    "record",
    "invoice",
    "client",
    "target",
    "system",
    "server",
    "tool",
    "software",
    "vulnerability",
    "database",
    "exploit",
    "platform",
    "province",
    "office",
    "department",
    "official",
    "analyst",
    "researcher",
    "investigation",
    "evidence",
    "training",
    "certificate",
    "competition",
    "market",
    "price",
    "budget",
    "revenue",
    "customer",
    "partner",
    "supplier",
    "request",
    "task",
    "project",
    "team",
    "unit",
    "level",
    "support",
    "access",
    "account",
    "password",
    "email",
    "telecom",
    "provider",
    "government",
    "military",
    "police",
    "public",
    "private",
    "national",
    "regional",
    "foreign",
    "domestic",
    "technical",
    "strategic",
    "commercial",
    "internal",
    "external",
    "early",
    "late",
    "recent",
    "former",
    "current",
    "new",
    "several",
    "many",
    "few",
    "large",
    "small",
    "broad",
    "narrow",
    "direct",
    "indirect",
    "clear",
    "unclear",
    "likely",
    "possible",
    "shows",
    "suggests",
    "describes",
    "lists",
    "names",
    "links",
    "connects",
    "supplies",
    "sells",
    "buys",
    "reports",
    "collects",
    "stores",
    "analyses",
    "discloses",
    "confirms",
    "denies",
    "claims",
    "states",
    "notes",
    "finds",
    "identified",
    "recruited",
    "trained",
    "paid",
    "hired",
    "registered",
    "founded",
    "listed",
    "managed",
    "operated",
    "delivered",
    "requested",
    "approved",
    "during",
    "across",
    "through",
    "against",
    "toward",
    "about",
    "without",
    "because",
    "while",
    "where",
    "when",
    "although",
    "however",
    "therefore",
    "meanwhile",
    "instead",
    "further",
    "year",
    "month",
    "week",
    "day",
    "period",
    "phase",
    "stage",
    "campaign",
    "intrusion",
    "malware",
    "backdoor",
    "credential",
    "dataset",
    "archive",
    "spreadsheet",
    "screenshot",
    "contractor",
    "subcontractor",
    "university",
    "college",
    "student",
    "graduate",
    "engineer",
    "manager",
    "director",
    "founder",
    "owner",
    "board",
    "shareholder",
    "license",
    "permit",
    "regulation",
    "rule",
    "law",
    "policy",
    "standard",
    "framework",
    "audit",
    "review",
    "assessment",
    "estimate",
    "figure",
    "table",
    "chart",
    "summary",
    "appendix",
    "chapter",
    "section",
    "page",
    "paragraph",
    "source",
    "quote",
    "statement",
    "interview",
    "court",
    "filing",
    "registry",
    "domain",
    "address",
    "infrastructure",
    "hosting",
    "cloud",
    "mobile",
    "device",
    "phone",
    "laptop",
    "router",
];

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ra", "ven", "dor", "sel", "tun", "bri", "cas", "nor", "pel", "vi", "zan",
    "gro", "fen", "mar", "tes", "quil", "ash", "dri", "ol", "ber", "ux",
];

const ORG_SUFFIXES: &[&str] = &[
    "Group",
    "Institute",
    "Bureau",
    "Labs",
    "Agency",
    "Network",
    "Holdings",
    "Academy",
];
const KINDS: &[&str] = &[
    "organization",
    "organization",
    "person",
    "document",
    "alias",
];
const PUBLISHERS: &[&str] = &[
    "Federal Office for Information Security",
    "Independent Research Council",
    "Open Source Monitor",
    "Parliamentary Inquiry Committee",
];
const LANGUAGES: &[&str] = &["python", "rust", "javascript", "bash"];

fn capitalize(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn words(rng: &mut Rng, n: usize) -> Vec<&'static str> {
    (0..n).map(|_| rng.pick(WORDS)).collect()
}

fn title_words(rng: &mut Rng, n: usize) -> String {
    let w = words(rng, n);
    let mut s = capitalize(w[0]);
    for x in &w[1..] {
        s.push(' ');
        s.push_str(x);
    }
    s
}

fn sentence(rng: &mut Rng, n: usize) -> String {
    format!("{}.", title_words(rng, n))
}

impl World {
    /// The text of page `page` of source `source` (its own random stream):
    /// what the source's `.txt` holds there and what quotes are taken from.
    pub fn source_page_text(&self, source: usize, page: usize) -> String {
        let mut rng = Rng::new(self.seed ^ 0x7e47_0000, (source * 1_000 + page) as u64);
        (0..10)
            .map(|_| sentence(&mut rng, 12))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A quote of five words from page `page` of source `source`.
    fn quote_from(&self, source: usize, page: usize, rng: &mut Rng) -> String {
        let text = self.source_page_text(source, page);
        let words: Vec<&str> = text.split(' ').collect();
        let k = rng.below(words.len() - 6);
        words[k..k + 5].join(" ").trim_end_matches('.').to_string()
    }

    /// The whole `.txt` of a source: its pages, lines wrapped at about 80
    /// columns.
    pub fn source_text(&self, source: usize) -> String {
        let mut out = String::new();
        for page in 1..=SOURCE_PAGES {
            writeln!(out, "=== page {page} ===").unwrap();
            let mut line = 0;
            for w in self.source_page_text(source, page).split(' ') {
                if line > 0 && line + w.len() > 80 {
                    out.push('\n');
                    line = 0;
                } else if line > 0 {
                    out.push(' ');
                    line += 1;
                }
                out.push_str(w);
                line += w.len();
            }
            out.push('\n');
        }
        out
    }
}

/// A glossary term of the corpus.
#[derive(Debug, Clone)]
pub struct Term {
    pub id: String,
    pub term: String,
    pub expansion: String,
    pub alias: Option<String>,
    pub definition: String,
}

/// An entity of the corpus.
#[derive(Debug, Clone)]
pub struct Entity {
    pub id: String,
    pub title: String,
    pub kind: &'static str,
    pub alias: Option<String>,
    pub related: Vec<usize>,
    pub description: String,
}

/// A source document of the corpus.
#[derive(Debug, Clone)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub short: String,
    pub publisher: &'static str,
    pub date: String,
}

/// The site-wide collections, the same in every flavour.
#[derive(Debug, Clone)]
pub struct World {
    /// The corpus seed: the texts of the sources derive from it.
    pub seed: u64,
    pub terms: Vec<Term>,
    pub entities: Vec<Entity>,
    pub sources: Vec<Source>,
    pub sections: Vec<(String, String, String)>,
}

fn name_of(i: usize) -> String {
    let n = SYLLABLES.len();
    let s = format!(
        "{}{}{}",
        SYLLABLES[i % n],
        SYLLABLES[(i / n) % n],
        SYLLABLES[(i * 7 + 3) % n]
    );
    capitalize(&s)
}

impl World {
    pub fn new(opts: &Options) -> World {
        let mut rng = Rng::new(opts.seed, u64::MAX);
        let mut terms: Vec<Term> = Vec::with_capacity(opts.terms);
        let mut seen = std::collections::HashSet::new();
        while terms.len() < opts.terms {
            let len = rng.between(3, 5);
            let term: String = (0..len)
                .map(|_| (b'A' + rng.below(26) as u8) as char)
                .collect();
            if !seen.insert(term.clone()) {
                continue;
            }
            let i = terms.len();
            let expansion = (0..len)
                .map(|_| capitalize(rng.pick(WORDS)))
                .collect::<Vec<_>>()
                .join(" ");
            let alias = i.is_multiple_of(5).then(|| format!("{term}s"));
            let definition = format!("{} {}", sentence(&mut rng, 14), sentence(&mut rng, 10));
            terms.push(Term {
                id: format!("term-{:02}", i + 1),
                term,
                expansion,
                alias,
                definition,
            });
        }
        let entities = (0..opts.entities)
            .map(|i| {
                let kind = KINDS[i % KINDS.len()];
                let name = name_of(i);
                let title = match kind {
                    "person" => format!("{name} {}", capitalize(rng.pick(SYLLABLES))),
                    "document" => format!("{name} Papers"),
                    "alias" => format!("{name}0x"),
                    _ => format!("{name} {}", rng.pick(ORG_SUFFIXES)),
                };
                let alias = (i.is_multiple_of(4) && kind != "alias").then(|| name.clone());
                let related = (0..rng.below(3))
                    .map(|_| rng.below(opts.entities))
                    .filter(|&j| j != i)
                    .collect();
                Entity {
                    id: format!("entity-{:03}", i + 1),
                    title,
                    kind,
                    alias,
                    related,
                    description: sentence(&mut rng, 12),
                }
            })
            .collect();
        let sources = (0..opts.sources)
            .map(|i| Source {
                id: format!("source-{:02}", i + 1),
                title: format!("Report {:02}: {}", i + 1, title_words(&mut rng, 6)),
                short: format!("Report {:02}", i + 1),
                publisher: PUBLISHERS[i % PUBLISHERS.len()],
                date: format!("2023-{:02}-{:02}", i % 12 + 1, i % 28 + 1),
            })
            .collect();
        let sections = (0..opts.sections)
            .map(|i| {
                (
                    format!("section-{:02}", i + 1),
                    format!("Part {}: {}", i + 1, title_words(&mut rng, 3)),
                    sentence(&mut rng, 12),
                )
            })
            .collect();
        World {
            seed: opts.seed,
            terms,
            entities,
            sources,
            sections,
        }
    }
}

/// A citation as the page declares or writes it.
enum Cite {
    /// A front-matter citation, by its index in the page's declarations.
    Declared(Vec<usize>),
    /// `[@source, p. N]`.
    Direct { source: usize, page: usize },
}

struct Decl {
    source: usize,
    page: usize,
    pages_to: Option<usize>,
    quote: Option<String>,
}

/// What is inserted into a paragraph after one of its words.
enum Inline {
    Cite(Cite),
    Footnote(usize),
    Term(usize),
    Entity { entity: usize, text: Option<String> },
}

enum Block {
    Paragraph {
        words: Vec<&'static str>,
        inserts: Vec<(usize, Inline)>,
    },
    Heading(usize, String),
    Code(&'static str, String),
    Table(Vec<Vec<String>>),
    List(Vec<String>),
}

struct PageDraft {
    title: String,
    description: String,
    date: String,
    weight: usize,
    decls: Vec<Decl>,
    blocks: Vec<Block>,
    footnotes: Vec<String>,
}

fn code_block(rng: &mut Rng) -> (&'static str, String) {
    let lang = rng.pick(LANGUAGES);
    let lines = rng.between(6, 12);
    let mut s = String::new();
    for k in 0..lines {
        let a = rng.pick(WORDS);
        let b = rng.pick(WORDS);
        let n = rng.below(1000);
        let line = match (lang, k % 3) {
            ("python", 0) => format!("def {a}_{b}(x):"),
            ("python", 1) => format!("    return x + {n}  # {a}"),
            ("python", _) => format!("{a} = \"{b}\""),
            ("rust", 0) => format!("fn {a}_{b}(x: u32) -> u32 {{"),
            ("rust", 1) => format!("    x + {n} // {a}"),
            ("rust", _) => "}".to_string(),
            ("javascript", 0) => format!("function {a}_{b}(x) {{"),
            ("javascript", 1) => format!("  return x + {n}; // {a}"),
            ("javascript", _) => "}".to_string(),
            (_, 0) => format!("curl -s https://example.org/{a}/{b}"),
            (_, 1) => format!("grep -c {a} {b}.log  # {n}"),
            (_, _) => format!("echo \"{a} {b}\""),
        };
        s.push_str(&line);
        s.push('\n');
    }
    (lang, s)
}

fn draft_page(opts: &Options, world: &World, i: usize) -> PageDraft {
    let mut rng = Rng::new(opts.seed, i as u64);
    let title = format!(
        "Page {}: {}",
        i + 1,
        title_words(&mut rng, rng_len(i, 3, 6))
    );
    let description = sentence(&mut rng, 14);
    let date = format!("{}-{:02}-{:02}", 2020 + i % 5, i % 12 + 1, i % 28 + 1);

    // Paragraph layout: an intro, then 3–6 headings with 1–3 paragraphs each.
    let headings = rng.between(3, 6);
    let mut layout: Vec<Option<usize>> = vec![None];
    for h in 0..headings {
        layout.push(Some(h));
        for _ in 0..rng.between(1, 3) {
            layout.push(None);
        }
    }
    let paragraphs = layout.iter().filter(|x| x.is_none()).count();
    let weights: Vec<usize> = (0..paragraphs).map(|_| rng.between(60, 140)).collect();
    let total: usize = weights.iter().sum();
    let sizes: Vec<usize> = weights
        .iter()
        .map(|w| (WORDS_PER_PAGE * w / total).max(12))
        .collect();

    // Inline features, each placed after a word of a paragraph.
    let mut decls: Vec<Decl> = Vec::new();
    let mut inlines: Vec<Inline> = Vec::new();
    for _ in 0..rng.between(2, 6) {
        let roll = rng.below(100);
        let cite = if roll < 20 && !decls.is_empty() {
            Cite::Declared(vec![rng.below(decls.len())])
        } else if roll < 60 {
            // A quote is taken from the cited page of the source's text,
            // so that the build checks it as it checks real ones.
            let source = rng.below(world.sources.len());
            let page = rng.between(1, SOURCE_PAGES - 1);
            let quote = rng
                .chance(50)
                .then(|| world.quote_from(source, page, &mut rng));
            let pages_to = rng.chance(20).then_some(page + 1);
            decls.push(Decl {
                source,
                page,
                pages_to,
                quote,
            });
            let mut ids = vec![decls.len() - 1];
            if decls.len() > 1 && rng.chance(15) {
                ids.push(rng.below(decls.len() - 1));
            }
            Cite::Declared(ids)
        } else {
            Cite::Direct {
                source: rng.below(world.sources.len()),
                page: rng.between(1, SOURCE_PAGES),
            }
        };
        inlines.push(Inline::Cite(cite));
    }
    let footnotes: Vec<String> = (0..rng.between(2, 5))
        .map(|_| sentence(&mut rng, rng_len(i, 8, 16)))
        .collect();
    inlines.extend((0..footnotes.len()).map(Inline::Footnote));
    for _ in 0..rng.between(3, 6) {
        inlines.push(Inline::Term(rng.below(world.terms.len())));
    }
    for _ in 0..rng.between(3, 8) {
        let entity = rng.below(world.entities.len());
        let text = rng.chance(30).then(|| format!("the {}", rng.pick(WORDS)));
        inlines.push(Inline::Entity { entity, text });
    }
    let mut placed: Vec<Vec<(usize, Inline)>> = (0..paragraphs).map(|_| Vec::new()).collect();
    for inline in inlines {
        let p = rng.below(paragraphs);
        let at = rng.below(sizes[p]);
        placed[p].push((at, inline));
    }
    for p in &mut placed {
        p.sort_by_key(|(at, _)| *at);
    }

    let code_after = rng.below(paragraphs);
    let table_after = i.is_multiple_of(5).then(|| rng.below(paragraphs));
    let list_after = i.is_multiple_of(3).then(|| rng.below(paragraphs));
    let mut blocks = Vec::new();
    let mut placed = placed.into_iter();
    let mut p = 0;
    for slot in layout {
        match slot {
            Some(h) => {
                let level = if h > 0 && rng.chance(25) { 3 } else { 2 };
                let n = rng.between(2, 5);
                let text = title_words(&mut rng, n);
                blocks.push(Block::Heading(level, text));
            }
            None => {
                let inserts = placed.next().unwrap_or_default();
                blocks.push(Block::Paragraph {
                    words: words(&mut rng, sizes[p]),
                    inserts,
                });
                if p == code_after {
                    let (lang, code) = code_block(&mut rng);
                    blocks.push(Block::Code(lang, code));
                }
                if table_after == Some(p) {
                    let rows = (0..6)
                        .map(|r| {
                            (0..4)
                                .map(|c| {
                                    if r == 0 {
                                        capitalize(rng.pick(WORDS))
                                    } else if c == 3 {
                                        rng.below(10_000).to_string()
                                    } else {
                                        rng.pick(WORDS).to_string()
                                    }
                                })
                                .collect()
                        })
                        .collect();
                    blocks.push(Block::Table(rows));
                }
                if list_after == Some(p) {
                    let items = (0..rng.between(3, 5))
                        .map(|_| {
                            let n = rng.between(5, 10);
                            sentence(&mut rng, n)
                        })
                        .collect();
                    blocks.push(Block::List(items));
                }
                p += 1;
            }
        }
    }
    PageDraft {
        title,
        description,
        date,
        weight: i + 1,
        decls,
        blocks,
        footnotes,
    }
}

/// A length that varies with the page number but draws nothing.
fn rng_len(i: usize, lo: usize, hi: usize) -> usize {
    lo + i % (hi - lo + 1)
}

/// Writes Markdown for one flavour, collecting the footnotes that
/// citations become outside sourcebrief.
struct BodyWriter<'a> {
    flavor: Flavor,
    world: &'a World,
    out: String,
    /// Footnote definitions for citations (Zola and Hugo).
    cite_notes: Vec<String>,
    direct: usize,
    declared_written: Vec<bool>,
    terms_linked: Vec<bool>,
}

impl<'a> BodyWriter<'a> {
    fn new(flavor: Flavor, world: &'a World, decls: usize) -> Self {
        BodyWriter {
            flavor,
            world,
            out: String::new(),
            cite_notes: Vec::new(),
            direct: 0,
            declared_written: vec![false; decls],
            terms_linked: vec![false; world.terms.len()],
        }
    }

    fn source_note(&self, source: usize, page: usize, pages_to: Option<usize>) -> String {
        let s = &self.world.sources[source];
        let loc = match pages_to {
            Some(to) => format!("pp. {page}-{to}"),
            None => format!("p. {page}"),
        };
        format!("[{}](/sources/{}/), {loc}.", s.short, s.id)
    }

    fn cite(&mut self, cite: &Cite, decls: &[Decl]) {
        match (self.flavor, cite) {
            (Flavor::Sourcebrief, Cite::Declared(ids)) => {
                let list: Vec<String> = ids.iter().map(|k| format!("@c{}", k + 1)).collect();
                write!(self.out, "[{}]", list.join("; ")).unwrap();
            }
            (Flavor::Sourcebrief, Cite::Direct { source, page }) => {
                write!(self.out, "[@{}, p. {page}]", self.world.sources[*source].id).unwrap();
            }
            (_, Cite::Declared(ids)) => {
                for &k in ids {
                    write!(self.out, "[^c{}]", k + 1).unwrap();
                    if !self.declared_written[k] {
                        self.declared_written[k] = true;
                        let d = &decls[k];
                        let mut note = self.source_note(d.source, d.page, d.pages_to);
                        if let Some(q) = &d.quote {
                            write!(note, " “{q}”").unwrap();
                        }
                        self.cite_notes.push(format!("[^c{}]: {note}", k + 1));
                    }
                }
            }
            (_, Cite::Direct { source, page }) => {
                self.direct += 1;
                write!(self.out, "[^d{}]", self.direct).unwrap();
                let note = self.source_note(*source, *page, None);
                self.cite_notes.push(format!("[^d{}]: {note}", self.direct));
            }
        }
    }

    fn inline(&mut self, inline: &Inline, decls: &[Decl]) {
        match inline {
            Inline::Cite(c) => self.cite(c, decls),
            Inline::Footnote(n) => write!(self.out, "[^n{}]", n + 1).unwrap(),
            Inline::Term(t) => {
                let term = &self.world.terms[*t];
                self.out.push(' ');
                if self.flavor == Flavor::Sourcebrief || self.terms_linked[*t] {
                    self.out.push_str(&term.term);
                } else {
                    self.terms_linked[*t] = true;
                    write!(
                        self.out,
                        "[{}](/glossary/#{} \"{}\")",
                        term.term, term.id, term.expansion
                    )
                    .unwrap();
                }
            }
            Inline::Entity { entity, text } => {
                let e = &self.world.entities[*entity];
                self.out.push(' ');
                match (self.flavor, text) {
                    (Flavor::Sourcebrief, None) => write!(self.out, "[[{}]]", e.title),
                    (Flavor::Sourcebrief, Some(t)) => write!(self.out, "[[{}|{t}]]", e.id),
                    (_, t) => write!(
                        self.out,
                        "[{}](/entities/{}/)",
                        t.as_deref().unwrap_or(&e.title),
                        e.id
                    ),
                }
                .unwrap();
            }
        }
    }

    fn paragraph(&mut self, words: &[&str], inserts: &[(usize, Inline)], decls: &[Decl]) {
        let mut inserts = inserts.iter().peekable();
        // Sentences of 9 to 17 words, a comma now and then.
        let mut sentences = 0;
        let mut in_sentence = 0;
        for (k, w) in words.iter().enumerate() {
            if in_sentence == 0 {
                if k > 0 {
                    self.out.push(' ');
                }
                self.out.push_str(&capitalize(w));
            } else {
                self.out.push(' ');
                self.out.push_str(w);
            }
            in_sentence += 1;
            while let Some((_, inline)) = inserts.next_if(|(at, _)| *at == k) {
                self.inline(inline, decls);
            }
            if in_sentence == 9 + (sentences * 7) % 9 || k + 1 == words.len() {
                self.out.push('.');
                sentences += 1;
                in_sentence = 0;
            } else if in_sentence == 6 && sentences % 2 == 1 {
                self.out.push(',');
            }
        }
        self.out.push_str("\n\n");
    }

    fn block(&mut self, block: &Block, decls: &[Decl]) {
        match block {
            Block::Paragraph { words, inserts } => self.paragraph(words, inserts, decls),
            Block::Heading(level, text) => {
                writeln!(self.out, "{} {text}\n", "#".repeat(*level)).unwrap();
            }
            Block::Code(lang, code) => {
                writeln!(self.out, "```{lang}\n{code}```\n").unwrap();
            }
            Block::Table(rows) => {
                for (r, row) in rows.iter().enumerate() {
                    writeln!(self.out, "| {} |", row.join(" | ")).unwrap();
                    if r == 0 {
                        writeln!(self.out, "| --- | --- | --- | ---: |").unwrap();
                    }
                }
                self.out.push('\n');
            }
            Block::List(items) => {
                for item in items {
                    writeln!(self.out, "- {item}").unwrap();
                }
                self.out.push('\n');
            }
        }
    }
}

fn page_file(opts: &Options, world: &World, i: usize) -> File {
    let d = draft_page(opts, world, i);
    let mut w = BodyWriter::new(opts.flavor, world, d.decls.len());
    for b in &d.blocks {
        w.block(b, &d.decls);
    }
    for (n, note) in d.footnotes.iter().enumerate() {
        writeln!(w.out, "[^n{}]: {note}\n", n + 1).unwrap();
    }
    for note in &w.cite_notes {
        writeln!(w.out, "{note}\n").unwrap();
    }
    let mut fm = format!(
        "+++\ntitle = \"{}\"\ndescription = \"{}\"\ndate = {}\nweight = {}\n",
        d.title, d.description, d.date, d.weight
    );
    if opts.flavor == Flavor::Sourcebrief {
        for (k, decl) in d.decls.iter().enumerate() {
            write!(
                fm,
                "\n[[citations]]\nid = \"c{}\"\nsource = \"{}\"\n",
                k + 1,
                world.sources[decl.source].id
            )
            .unwrap();
            match decl.pages_to {
                Some(to) => writeln!(fm, "pages = \"{}-{to}\"", decl.page).unwrap(),
                None => writeln!(fm, "page = {}", decl.page).unwrap(),
            }
            if let Some(q) = &decl.quote {
                writeln!(fm, "quote = \"{q}\"").unwrap();
            }
        }
    }
    fm.push_str("+++\n");
    let section = &world.sections[i % world.sections.len()].0;
    File {
        path: PathBuf::from(format!("content/{section}/page-{:05}.md", i + 1)),
        text: fm + &w.out,
    }
}

fn site_files(opts: &Options, world: &World) -> Vec<File> {
    let mut files = Vec::new();
    let mut add = |path: &str, text: String| {
        files.push(File {
            path: PathBuf::from(path),
            text,
        })
    };
    let title = "A synthetic briefing";
    let description = "A generated site for benchmarks.";
    let sort = if opts.flavor == Flavor::Hugo {
        ""
    } else {
        "sort_by = \"weight\"\n"
    };
    add(
        "content/_index.md",
        format!(
            "+++\ntitle = \"{title}\"\n{sort}+++\nThis briefing is generated. Every page cites the reports it rests on.\n"
        ),
    );
    for (dir, t, desc) in &world.sections {
        add(
            &format!("content/{dir}/_index.md"),
            format!("+++\ntitle = \"{t}\"\ndescription = \"{desc}\"\n{sort}+++\n{desc}\n"),
        );
    }
    let is_sb = opts.flavor == Flavor::Sourcebrief;
    // Entities.
    if !is_sb {
        add(
            "content/entities/_index.md",
            format!(
                "+++\ntitle = \"Entities\"\n{}+++\n",
                sort.replace("weight", "title")
            ),
        );
    }
    for (i, e) in world.entities.iter().enumerate() {
        let mut fm = format!("+++\ntitle = \"{}\"\n", e.title);
        let related: Vec<String> = e
            .related
            .iter()
            .map(|&j| format!("\"{}\"", world.entities[j].id))
            .collect();
        let link = |j: usize| {
            let other = &world.entities[j];
            if is_sb {
                format!("[[{}]]", other.title)
            } else {
                format!("[{}](/entities/{}/)", other.title, other.id)
            }
        };
        let mut body = e.description.clone();
        if let Some(&j) = e.related.first() {
            write!(body, " It works with {}.", link(j)).unwrap();
        }
        if is_sb {
            writeln!(fm, "kind = \"{}\"", e.kind).unwrap();
            if let Some(a) = &e.alias {
                writeln!(fm, "aliases = [\"{a}\"]").unwrap();
            }
            if !related.is_empty() {
                writeln!(fm, "related = [{}]", related.join(", ")).unwrap();
            }
            write!(
                body,
                " See [@{}, p. {}].",
                world.sources[i % world.sources.len()].id,
                i % SOURCE_PAGES + 1
            )
            .unwrap();
        } else {
            writeln!(fm, "description = \"{}\"", e.description).unwrap();
            let s = &world.sources[i % world.sources.len()];
            write!(
                body,
                " See[^s].\n\n[^s]: [{}](/sources/{}/), p. {}.",
                s.short,
                s.id,
                i % SOURCE_PAGES + 1
            )
            .unwrap();
        }
        add(
            &format!("content/entities/{}.md", e.id),
            format!("{fm}+++\n{body}\n"),
        );
    }
    // Sources.
    if !is_sb {
        add(
            "content/sources/_index.md",
            format!("+++\ntitle = \"Sources\"\n{sort}+++\n"),
        );
    }
    for (i, s) in world.sources.iter().enumerate() {
        let mut fm = format!("+++\ntitle = \"{}\"\ndate = {}\n", s.title, s.date);
        if is_sb {
            write!(
                fm,
                "short = \"{}\"\npublisher = \"{}\"\nurl = \"https://example.org/reports/{}\"\npdf = \"https://example.org/reports/{}.pdf\"\npages = {SOURCE_PAGES}\n",
                s.short, s.publisher, s.id, s.id
            )
            .unwrap();
        } else {
            writeln!(fm, "weight = {}", i + 1).unwrap();
        }
        if is_sb {
            add(
                &format!("content/sources/{}.txt", s.id),
                world.source_text(i),
            );
        }
        add(
            &format!("content/sources/{}.md", s.id),
            format!(
                "{fm}+++\nPublished by {}. [The report](https://example.org/reports/{}.pdf) has {SOURCE_PAGES} pages.\n",
                s.publisher, s.id
            ),
        );
    }
    // Glossary.
    if is_sb {
        for t in &world.terms {
            let mut fm = format!(
                "+++\nterm = \"{}\"\nexpansion = \"{}\"\n",
                t.term, t.expansion
            );
            if let Some(a) = &t.alias {
                writeln!(fm, "aliases = [\"{a}\"]").unwrap();
            }
            add(
                &format!("content/glossary/{}.md", t.id),
                format!("{fm}+++\n{}\n", t.definition),
            );
        }
    } else {
        let mut body = String::new();
        for t in &world.terms {
            write!(
                body,
                "### {} {{#{}}}\n\n*{}*. {}\n\n",
                t.term, t.id, t.expansion, t.definition
            )
            .unwrap();
        }
        add(
            "content/glossary/_index.md",
            format!("+++\ntitle = \"Glossary\"\n+++\n{body}"),
        );
    }
    // Configuration and templates. Zola and Hugo read the navigation from
    // the configuration, as sourcebrief computes it once per build.
    let mut nav = String::new();
    for (dir, t, _) in &world.sections {
        write!(
            nav,
            "\n[[extra.nav]]\ntitle = \"{t}\"\npath = \"/{dir}/\"\n"
        )
        .unwrap();
    }
    match opts.flavor {
        Flavor::Sourcebrief => add(
            "config.toml",
            format!(
                "title = \"{title}\"\ndescription = \"{description}\"\nbase_url = \"https://example.org\"\nlanguage = \"en\"\n\n[markdown]\nsmart_punctuation = true\nhighlight_theme = \"InspiredGitHub\"\n"
            ),
        ),
        Flavor::Zola => {
            add(
                "config.toml",
                format!(
                    "base_url = \"https://example.org\"\ntitle = \"{title}\"\ndescription = \"{description}\"\ncompile_sass = false\nbuild_search_index = false\n\n[markdown]\nsmart_punctuation = true\n\n# Zola 0.22 (Giallo) highlights under its own table; `highlight_code`\n# is rejected there.\n[markdown.highlighting]\ntheme = \"github-light\"\nstyle = \"class\"\n\n[extra]\n{nav}"
                ),
            );
            for (name, text) in ZOLA_TEMPLATES {
                add(&format!("templates/{name}"), text.to_string());
            }
            add("static/style.css", STYLE.to_string());
        }
        Flavor::Hugo => {
            add(
                "hugo.toml",
                format!(
                    "baseURL = \"https://example.org/\"\ntitle = \"{title}\"\nlanguageCode = \"en\"\ndisableKinds = [\"taxonomy\", \"term\", \"rss\"]\n\n[markup.highlight]\nnoClasses = false\n\n[markup.tableOfContents]\nstartLevel = 2\nendLevel = 3\n\n[params]\ndescription = \"{description}\"\n{}",
                    nav.replace("[[extra.nav]]", "[[params.nav]]")
                ),
            );
            for (name, text) in HUGO_TEMPLATES {
                add(&format!("layouts/_default/{name}"), text.to_string());
            }
            add("static/style.css", STYLE.to_string());
        }
    }
    files
}

/// Every file of the corpus, site files first, then pages in order.
pub fn generate(opts: &Options) -> Vec<File> {
    let world = World::new(opts);
    let mut files = site_files(opts, &world);
    files.extend((0..opts.pages).map(|i| page_file(opts, &world, i)));
    files
}

/// Writes the corpus under `out` (which must not exist or be empty) and
/// returns how many files it wrote.
pub fn write(opts: &Options, out: &Path) -> io::Result<usize> {
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        return Err(io::Error::other(format!(
            "{} exists and is not empty",
            out.display()
        )));
    }
    let files = generate(opts);
    for f in &files {
        let path = out.join(&f.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, &f.text)?;
    }
    Ok(files.len())
}

const STYLE: &str = "body { font-family: sans-serif; max-width: 42rem; margin: auto; }\n";

const ZOLA_TEMPLATES: [(&str, &str); 4] = [
    (
        "base.html",
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ config.title }}{% endblock title %}</title>
{% block meta %}<meta name="description" content="{{ config.description }}">{% endblock meta %}
<link rel="canonical" href="{{ current_url }}">
<link rel="stylesheet" href="{{ config.base_url }}/style.css">
</head>
<body>
<header class="site-header">
  <a class="site-title" href="{{ config.base_url }}/">{{ config.title }}</a>
  <nav aria-label="Site">
    <ul>
    {% for s in config.extra.nav %}
      <li><a href="{{ config.base_url }}{{ s.path }}"{% if current_path == s.path %} aria-current="page"{% endif %}>{{ s.title }}</a></li>
    {% endfor %}
    </ul>
  </nav>
</header>
<main id="main">
{% block content %}{% endblock content %}
</main>
<footer class="site-footer"><p>{{ config.title }} · <a href="{{ config.base_url }}/sources/">Sources</a></p></footer>
</body>
</html>
"##,
    ),
    (
        "page.html",
        r##"{% extends "base.html" %}
{% block title %}{{ page.title }} · {{ config.title }}{% endblock title %}
{% block meta %}<meta name="description" content="{{ page.description | default(value=config.description) }}">{% endblock meta %}
{% block content %}
<article class="page">
  <nav class="breadcrumbs" aria-label="Breadcrumbs"><ol>
  {% for a in page.ancestors %}{% set s = get_section(path=a, metadata_only=true) %}<li><a href="{{ s.permalink }}">{{ s.title }}</a></li>{% endfor %}
  </ol></nav>
  <header>
    <h1>{{ page.title }}</h1>
    {% if page.description %}<p class="lede">{{ page.description }}</p>{% endif %}
    {% if page.date %}<p class="meta">Last updated <time datetime="{{ page.date }}">{{ page.date | date(format="%-d %B %Y") }}</time></p>{% endif %}
  </header>
  {% if page.toc | length > 1 %}
  <nav class="toc" aria-label="On this page">
    <h2 class="toc-title">On this page</h2>
    <ol>
    {% for h in page.toc %}
      <li><a href="#{{ h.id }}">{{ h.title }}</a>
      {% if h.children %}<ol>{% for c in h.children %}<li><a href="#{{ c.id }}">{{ c.title }}</a></li>{% endfor %}</ol>{% endif %}
      </li>
    {% endfor %}
    </ol>
  </nav>
  {% endif %}
  <div class="content">
  {{ page.content | safe }}
  </div>
  {% if page.lower or page.higher %}
  <nav class="pager" aria-label="Previous and next">
    {% if page.lower %}<a rel="prev" href="{{ page.lower.permalink }}">← {{ page.lower.title }}</a>{% endif %}
    {% if page.higher %}<a rel="next" href="{{ page.higher.permalink }}">{{ page.higher.title }} →</a>{% endif %}
  </nav>
  {% endif %}
</article>
{% endblock content %}
"##,
    ),
    (
        "section.html",
        r##"{% extends "base.html" %}
{% block title %}{{ section.title }} · {{ config.title }}{% endblock title %}
{% block content %}
<article class="section">
  <h1>{{ section.title }}</h1>
  {% if section.description %}<p class="lede">{{ section.description }}</p>{% endif %}
  {{ section.content | safe }}
  <ol class="listing">
  {% for p in section.pages %}
    <li><a href="{{ p.permalink }}">{{ p.title }}</a>{% if p.description %}<p>{{ p.description }}</p>{% endif %}</li>
  {% endfor %}
  </ol>
</article>
{% endblock content %}
"##,
    ),
    ("index.html", "{% extends \"section.html\" %}\n"),
];

const HUGO_TEMPLATES: [(&str, &str); 3] = [
    (
        "baseof.html",
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ site.Params.description }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="{{ "style.css" | absURL }}">
</head>
<body>
<header class="site-header">
  <a class="site-title" href="{{ site.Home.Permalink }}">{{ site.Title }}</a>
  <nav aria-label="Site">
    <ul>
    {{ range site.Params.nav }}
      <li><a href="{{ .path | absURL }}"{{ if eq $.RelPermalink .path }} aria-current="page"{{ end }}>{{ .title }}</a></li>
    {{ end }}
    </ul>
  </nav>
</header>
<main id="main">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer"><p>{{ site.Title }} · <a href="{{ "sources/" | absURL }}">Sources</a></p></footer>
</body>
</html>
"##,
    ),
    (
        "single.html",
        r##"{{ define "title" }}{{ .Title }} · {{ site.Title }}{{ end }}
{{ define "main" }}
<article class="page">
  <nav class="breadcrumbs" aria-label="Breadcrumbs"><ol>
  {{ range .Ancestors.Reverse }}<li><a href="{{ .Permalink }}">{{ .Title }}</a></li>{{ end }}
  </ol></nav>
  <header>
    <h1>{{ .Title }}</h1>
    {{ with .Description }}<p class="lede">{{ . }}</p>{{ end }}
    {{ with .Lastmod }}<p class="meta">Last updated <time datetime="{{ .Format "2006-01-02" }}">{{ .Format "2 January 2006" }}</time></p>{{ end }}
  </header>
  <nav class="toc" aria-label="On this page">
    <h2 class="toc-title">On this page</h2>
    {{ .TableOfContents }}
  </nav>
  <div class="content">
  {{ .Content }}
  </div>
  <nav class="pager" aria-label="Previous and next">
    {{ with .PrevInSection }}<a rel="prev" href="{{ .Permalink }}">← {{ .Title }}</a>{{ end }}
    {{ with .NextInSection }}<a rel="next" href="{{ .Permalink }}">{{ .Title }} →</a>{{ end }}
  </nav>
</article>
{{ end }}
"##,
    ),
    (
        "list.html",
        r##"{{ define "title" }}{{ .Title }} · {{ site.Title }}{{ end }}
{{ define "main" }}
<article class="section">
  <h1>{{ .Title }}</h1>
  {{ with .Description }}<p class="lede">{{ . }}</p>{{ end }}
  {{ .Content }}
  <ol class="listing">
  {{ range .Pages }}
    <li><a href="{{ .Permalink }}">{{ .Title }}</a>{{ with .Description }}<p>{{ . }}</p>{{ end }}</li>
  {{ end }}
  </ol>
</article>
{{ end }}
"##,
    ),
];
