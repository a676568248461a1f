//! What each kind of edit renders again: exactly the outputs whose view
//! changed. The engine keys each output by everything its template sees,
//! so an edit renders again the outputs that look different after it, and
//! no other (the equivalence test checks that they look right).

use std::collections::BTreeSet;
use std::path::Path;

use sourcebrief::engine::{Engine, SiteMap};
use sourcebrief::serve::preview_options;
use sourcebrief::serve::watch::Changes;

struct Site {
    _tmp: tempfile::TempDir,
    root: std::path::PathBuf,
    engine: Engine,
    served: SiteMap,
}

impl Site {
    fn new(files: &[(&str, &str)]) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        for (rel, text) in files {
            write(&root, rel, text);
        }
        let mut engine = Engine::new(preview_options(root.clone(), false));
        let served = engine.rebuild(Changes::everything()).unwrap().map;
        Site {
            _tmp: tmp,
            root,
            engine,
            served,
        }
    }

    /// Writes `rel` and rebuilds; returns the outputs rendered again, and
    /// checks that they are exactly the pages whose bytes changed.
    fn edit(&mut self, rel: &str, text: Option<&str>) -> Vec<String> {
        self.edit_then(rel, text, true)
    }

    /// [`Site::edit`]; with `exact` false, the outputs rendered again need
    /// only hold every page whose bytes changed.
    fn edit_then(&mut self, rel: &str, text: Option<&str>, exact: bool) -> Vec<String> {
        let path = self.root.join(rel);
        match text {
            Some(t) => write(&self.root, rel, t),
            None => std::fs::remove_file(&path).unwrap(),
        }
        let mut changes = Changes::default();
        let kind = notify::EventKind::Modify(notify::event::ModifyKind::Any);
        changes.add_event(&self.root, "default", &kind, &[path]);
        let outcome = self.engine.rebuild(changes).unwrap();
        let rendered: Vec<String> = outcome.rendered.iter().map(|k| k.to_string()).collect();
        let changed: BTreeSet<String> = outcome
            .map
            .iter()
            .filter(|(k, b)| k.ends_with(".html") && self.served.get(*k) != Some(*b))
            .map(|(k, _)| k.to_string())
            .collect();
        let set: BTreeSet<String> = rendered.iter().cloned().collect();
        if exact {
            assert_eq!(
                set, changed,
                "{rel}: the outputs rendered again are not the ones that changed"
            );
        } else {
            assert!(set.is_superset(&changed), "{rel}: {set:?} ⊉ {changed:?}");
        }
        assert_eq!(outcome.map, Engine::clean(self.engine.options()).unwrap());
        self.served = outcome.map;
        rendered
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn page(title: &str, weight: u32, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\nweight = {weight}\n+++\n{body}\n")
}

fn site() -> Site {
    Site::new(&[
        ("config.toml", "title = \"Rerender\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHome.\n"),
        (
            "content/a/_index.md",
            "+++\ntitle = \"Section A\"\nsort_by = \"weight\"\n+++\n",
        ),
        ("content/a/one.md", &page("One", 1, "First page.")),
        ("content/a/two.md", &page("Two", 2, "Second page here.")),
        ("content/a/three.md", &page("Three", 3, "Third page.")),
        ("content/b/_index.md", "+++\ntitle = \"Section B\"\n+++\n"),
        ("content/b/four.md", &page("Four", 1, "Fourth page.")),
        ("static/notes.txt", "Notes.\n"),
    ])
}

#[test]
fn a_body_edit_renders_that_page_alone() {
    let mut s = site();
    // The same number of words: the section's listing looks the same.
    let rendered = s.edit(
        "content/a/two.md",
        Some(&page("Two", 2, "Second page there.")),
    );
    assert_eq!(rendered, ["a/two/index.html"]);
}

#[test]
fn a_title_edit_renders_the_page_its_neighbours_and_its_listing() {
    let mut s = site();
    let rendered = s.edit(
        "content/a/two.md",
        Some(&page("Second", 2, "Second page here.")),
    );
    for path in [
        "a/two/index.html",
        "a/one/index.html",
        "a/three/index.html",
        "a/index.html",
    ] {
        assert!(rendered.iter().any(|r| r == path), "{path}: {rendered:?}");
    }
    assert!(
        !rendered.iter().any(|r| r.starts_with("b/")),
        "{rendered:?}"
    );
}

/// The templates are one input of every output (Tera does not say which
/// templates one extends or includes): an edit of any renders every page,
/// and the pages that use it change.
#[test]
fn a_template_edit_renders_every_page() {
    let mut s = site();
    let rendered = s.edit_then(
        "templates/page.html",
        Some("{% extends \"themes/default/page.html\" %}{% block footer %}<p>Page footer</p>{% endblock footer %}"),
        false,
    );
    let pages: Vec<String> = {
        let mut p: Vec<String> = s
            .served
            .keys()
            .filter(|k| k.ends_with(".html"))
            .map(|k| k.to_string())
            .collect();
        p.sort();
        p
    };
    assert_eq!(rendered, pages);
    assert!(String::from_utf8_lossy(&s.served["a/one/index.html"]).contains("Page footer"));
    assert!(!String::from_utf8_lossy(&s.served["a/index.html"]).contains("Page footer"));
}

#[test]
fn a_static_file_that_no_template_names_renders_nothing() {
    let mut s = site();
    assert!(
        s.edit("static/notes.txt", Some("Other notes.\n"))
            .is_empty()
    );
    assert_eq!(&*s.served["notes.txt"], b"Other notes.\n");
    // The stylesheet is linked with its hash from every page.
    let rendered = s.edit("static/style.css", Some("body { margin: 0; }\n"));
    assert_eq!(
        rendered.len(),
        s.served.keys().filter(|k| k.ends_with(".html")).count()
    );
}
