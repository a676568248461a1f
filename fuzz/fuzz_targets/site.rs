//! The whole pipeline on one page whose front matter and body come from the
//! fuzzer, in a small site with a source (and its text), a glossary term
//! and an entity: resolve, every Markdown pass, the templates, the output
//! checks. Errors are fine; a panic, a hang or a crash is a finding.
//!
//! The input is split at its first NUL byte: front matter (TOML) before it,
//! the Markdown body after it (without a NUL, all of it is the body).

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use sourcebrief::content::{self, ContentPage, PageMeta};
use sourcebrief::markdown::{Highlighter, Markdown};
use sourcebrief::render::{self, Templates};
use sourcebrief::site::Site;
use sourcebrief::{BuildOptions, build};

/// What every run shares: the loaded site around the page, its templates
/// and the highlighter (loaded once; they are read-only).
struct Fixed {
    config: sourcebrief::config::Config,
    content: content::Content,
    templates: Templates,
    highlighter: Arc<Highlighter>,
}

fn fixed() -> &'static Fixed {
    static FIXED: OnceLock<Fixed> = OnceLock::new();
    FIXED.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("site");
        let options = BuildOptions {
            root: root.clone(),
            ..BuildOptions::default()
        };
        let config = build::load_config(&options).expect("the fuzz site's config");
        let content = content::load(&root).expect("the fuzz site's content");
        let templates = Templates::load(&root, &config.theme, config.template_budget)
            .expect("the default theme");
        Fixed {
            config,
            content,
            templates,
            highlighter: Arc::new(Highlighter::new()),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let fixed = fixed();
    let (front, body) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&b""[..], data),
    };
    let text = format!(
        "+++\ntitle = \"Fuzzed\"\n{}\n+++\n{}",
        String::from_utf8_lossy(front),
        String::from_utf8_lossy(body)
    );
    let Ok(parsed) = content::parse_file::<PageMeta>(text, PathBuf::from("content/fuzz.md")) else {
        return;
    };
    let mut content = fixed.content.clone();
    content.pages.push(ContentPage {
        dir: PathBuf::new(),
        stem: "fuzz".into(),
        parsed,
    });
    let Ok(site) = Site::resolve(fixed.config.clone(), content) else {
        return;
    };
    let markdown = Markdown::new(
        &site.config.markdown,
        fixed.highlighter.clone(),
        render::library(&site),
    );
    let bodies = render::render_markdown(&site, &markdown);
    if bodies.diagnostics().any(|d| d.is_error()) {
        // Errors are rendered as a person would see them.
        for d in bodies.diagnostics() {
            let _ = d.render();
        }
        return;
    }
    let assets = Default::default();
    if let Ok(mut files) = render::render_templates(&site, &bodies, &fixed.templates, &assets) {
        files.extend(sourcebrief::output::site_files(&site));
        let mut copies = Vec::new();
        let mut diags = sourcebrief::error::Diagnostics::default();
        let planned: Vec<String> = files
            .iter()
            .map(|f| sourcebrief::build::output_key(&f.path))
            .collect();
        let _ =
            sourcebrief::collisions::check(&site, &planned, &mut files, &mut copies, &mut diags);
        let docs = bodies.documents(&site);
        let anchors = sourcebrief::anchors::AnchorIndex::new(
            &site,
            &bodies,
            &docs,
            sourcebrief::anchors::doc_ids(&docs),
            files
                .iter()
                .map(|f| format!("/{}", f.path.to_string_lossy())),
        );
        let _ = sourcebrief::anchors::check_site_links(&site, &docs, &anchors);
    }
});
