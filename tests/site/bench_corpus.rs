//! The benchmark corpus generator (`examples/gen_corpus`): the same seed
//! gives the same site, and a small generated site builds cleanly.

#[allow(dead_code)]
#[path = "../../examples/gen_corpus/corpus.rs"]
mod corpus;

use corpus::{Flavor, Options, generate};

use crate::common::bin;

#[test]
fn the_generator_is_deterministic() {
    for flavor in [Flavor::Sourcebrief, Flavor::Zola, Flavor::Hugo] {
        let a = generate(&Options::new(20, 7, flavor));
        assert_eq!(a, generate(&Options::new(20, 7, flavor)));
        assert_ne!(a, generate(&Options::new(20, 8, flavor)));
    }
    // A larger corpus starts with the pages of a smaller one.
    let small = generate(&Options::new(20, 7, Flavor::Sourcebrief));
    let large = generate(&Options::new(40, 7, Flavor::Sourcebrief));
    for f in small
        .iter()
        .filter(|f| f.path.starts_with("content/section-01"))
    {
        assert!(large.contains(f), "{} differs", f.path.display());
    }
}

#[test]
fn other_flavors_use_plain_markdown() {
    for flavor in [Flavor::Zola, Flavor::Hugo] {
        let files = generate(&Options::new(10, 3, flavor));
        for f in files.iter().filter(|f| f.path.starts_with("content")) {
            assert!(!f.text.contains("[@"), "{}", f.path.display());
            assert!(!f.text.contains("[["), "{}", f.path.display());
        }
    }
}

#[test]
fn a_small_generated_site_builds_without_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let opts = Options::new(20, 1, Flavor::Sourcebrief);
    let files = corpus::write(&opts, &root).unwrap();
    // Pages, sections, terms, entities, sources with their texts, config.
    assert_eq!(files, 20 + 21 + 50 + 200 + 10 + 10 + 1);
    let run = bin().args(["build", "--root"]).arg(&root).output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.trim().is_empty(), "{stderr}");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains("Built 20 pages, 21 sections"), "{stdout}");
    let page =
        std::fs::read_to_string(root.join("public/section-01/page-00001/index.html")).unwrap();
    assert!(page.contains("class=\"hl-code\""));
    // Its quotes are real ones, checked against the sources' texts: they
    // lead to their passages.
    let passages: usize = (1..=10)
        .map(|i| {
            std::fs::read_to_string(root.join(format!("public/sources/source-{i:02}/index.html")))
                .unwrap()
                .matches("<figure class=\"passage\"")
                .count()
        })
        .sum();
    assert!(
        passages >= 5,
        "{passages} checked passages on the source pages"
    );
    assert!(root.join("public/entities/entity-001/index.html").exists());
    assert!(root.join("public/glossary/index.html").exists());
}
