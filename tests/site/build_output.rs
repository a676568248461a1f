//! The output folder: atomic replacement, refusal of dangerous folders,
//! determinism.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{Fixture, bin};

#[test]
fn a_failed_build_keeps_the_previous_output() {
    let site = Fixture::new("atomic");
    site.build(&[]).ok();
    let before = site.read("page/index.html");
    assert!(before.contains("Good."));

    site.write(
        "content/page.md",
        "+++\ntitle = \"Changed\"\n+++\nChanged.\n",
    );
    site.write("content/broken.md", "+++\ntitle = \n+++\n");
    site.build(&[]).failed();
    assert_eq!(site.read("page/index.html"), before);

    std::fs::remove_file(site.root.join("content/broken.md")).unwrap();
    // The edit changes the paragraph's anchor, which the lock records.
    site.build(&[]).failed();
    site.build(&["--update-lock"]).ok();
    assert!(site.read("page/index.html").contains("Changed."));
    // No staging folder is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(site.out.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("sourcebrief-"))
        .collect();
    assert!(leftovers.is_empty());
}

/// The outputs are written into the staging folder as they are rendered:
/// a template that fails after others were written must still leave the
/// previous output whole, and no staging folder behind.
#[test]
fn a_template_failing_midway_keeps_the_previous_output() {
    let site = Fixture::new("atomic");
    site.build(&[]).ok();
    let before = site.read("page/index.html");
    for i in 0..40 {
        site.write(
            &format!("content/p{i:02}.md"),
            "+++\ntitle = \"Another\"\n+++\nText.\n",
        );
    }
    site.write("templates/broken.html", "{{ page.no_such_field.deeper }}");
    site.write(
        "content/zz.md",
        "+++\ntitle = \"Last\"\ntemplate = \"broken.html\"\n+++\nLast.\n",
    );
    let run = site.build(&["--update-lock"]).failed();
    assert!(run.stderr().contains("broken.html"), "{}", run.stderr());
    assert_eq!(site.read("page/index.html"), before);
    assert!(!site.exists("p00/index.html"));
    let leftovers: Vec<_> = std::fs::read_dir(site.out.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("sourcebrief-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_stale_file_disappears_on_rebuild() {
    let site = Fixture::new("atomic");
    site.write("content/extra.md", "+++\ntitle = \"Extra\"\n+++\n");
    site.build(&[]).ok();
    assert!(site.exists("extra/index.html"));
    std::fs::remove_file(site.root.join("content/extra.md")).unwrap();
    site.build(&["--update-lock"]).ok();
    assert!(!site.exists("extra/index.html"));
}

#[test]
fn dangerous_output_folders_are_refused() {
    let site = Fixture::new("atomic");
    let run = |out: &Path| {
        bin()
            .args(["build", "--root"])
            .arg(&site.root)
            .arg("--output")
            .arg(out)
            .output()
            .unwrap()
    };
    for out in [
        site.root.clone(),
        site.root.join("content"),
        site.root.join("content/sub"),
        site.root.parent().unwrap().to_path_buf(),
    ] {
        let r = run(&out);
        assert_eq!(r.status.code(), Some(1), "{}", out.display());
        assert!(String::from_utf8_lossy(&r.stderr).contains("refusing"));
    }
    assert!(site.root.join("content/page.md").exists());

    // A folder with foreign files is left alone.
    let foreign = site.root.parent().unwrap().join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("keep.txt"), "mine").unwrap();
    let r = run(&foreign);
    assert_eq!(r.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(foreign.join("keep.txt")).unwrap(),
        "mine"
    );
}

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walk(dir) {
        let rel = entry
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        files.insert(rel, std::fs::read(&entry).unwrap());
    }
    files
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn output_is_byte_identical_across_builds_and_thread_counts() {
    for name in ["sections", "citations", "entities", "glossary"] {
        let site = Fixture::new(name);
        site.build(&[]).ok();
        let first = snapshot(&site.out);
        assert!(first.len() > 5, "{name}");
        site.build(&[]).ok();
        assert_eq!(first, snapshot(&site.out), "{name}: a second build differs");
        for threads in ["1", "3"] {
            let run = bin()
                .env("RAYON_NUM_THREADS", threads)
                .args(["build", "--root"])
                .arg(&site.root)
                .arg("--output")
                .arg(&site.out)
                .output()
                .unwrap();
            assert!(run.status.success());
            assert_eq!(
                first,
                snapshot(&site.out),
                "{name}: {threads} threads differ"
            );
        }
    }
}

#[test]
fn folders_left_by_killed_builds_are_removed() {
    let site = Fixture::new("atomic");
    let parent = site.out.parent().unwrap().to_path_buf();
    // Above any pid_max: no such process can run.
    let dead = 4_194_999u32;
    let marked = |name: &str| {
        let dir = parent.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(".sourcebrief-output"), "").unwrap();
        std::fs::write(dir.join("big.bin"), vec![0u8; 1024]).unwrap();
        dir
    };
    // Killed between its renames: no output, but the old one.
    let old = marked(&format!(".public.sourcebrief-old-{dead}"));
    std::fs::write(old.join("index.html"), "previous").unwrap();
    let staging = marked(&format!(".public.sourcebrief-staging-{dead}"));
    let older = marked(&format!(".public.sourcebrief-staging-{}", dead + 1));
    // A live process's folder, and one without the marker, are left alone.
    let live = marked(&format!(
        ".public.sourcebrief-staging-{}",
        std::process::id()
    ));
    let foreign = parent.join(format!(".public.sourcebrief-staging-{}", dead + 2));
    std::fs::create_dir_all(&foreign).unwrap();

    let run = site.build(&[]).ok();
    assert!(!staging.exists() && !older.exists() && !old.exists());
    assert!(live.exists(), "a running build's folder is kept");
    assert!(
        foreign.exists(),
        "a folder sourcebrief did not make is kept"
    );
    assert!(
        run.stderr().contains("left by a build that was killed"),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("put back the previous output"),
        "{}",
        run.stderr()
    );
    assert!(site.read("page/index.html").contains("Good."));
}
