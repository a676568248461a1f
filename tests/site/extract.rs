//! `sourcebrief source extract`: PDFs written here with lopdf, read back by
//! the binary into a source text with `=== page LABEL ===` markers; files it
//! cannot read are an error naming the file, and nothing is written.

use std::path::{Path, PathBuf};

use lopdf::content::{Content, Operation};
use lopdf::{
    Document, EncryptionState, EncryptionVersion, Object, Permissions, Stream, dictionary,
};

use crate::common::{Run, bin};

/// A PDF with one page per entry of `pages`: each line of text in
/// Helvetica, one under the other; a page without lines gets a filled
/// rectangle and no text. Without `media_box` no page has a size.
fn document(pages: &[&[&str]], media_box: bool) -> Document {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut kids = Vec::new();
    for lines in pages {
        let mut ops = Vec::new();
        if lines.is_empty() {
            ops.push(Operation::new(
                "re",
                vec![72.into(), 600.into(), 200.into(), 100.into()],
            ));
            ops.push(Operation::new("f", vec![]));
        } else {
            ops.push(Operation::new("BT", vec![]));
            ops.push(Operation::new("Tf", vec!["F1".into(), 12.into()]));
            ops.push(Operation::new("Td", vec![72.into(), 720.into()]));
            for (i, line) in lines.iter().enumerate() {
                if i > 0 {
                    ops.push(Operation::new("Td", vec![0.into(), (-16).into()]));
                }
                ops.push(Operation::new("Tj", vec![Object::string_literal(*line)]));
            }
            ops.push(Operation::new("ET", vec![]));
        }
        let content = Content { operations: ops };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
        kids.push(Object::from(doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        })));
    }
    let mut tree = dictionary! {
        "Type" => "Pages",
        "Count" => i64::try_from(kids.len()).unwrap(),
        "Kids" => kids,
        "Resources" => resources_id,
    };
    if media_box {
        tree.set("MediaBox", vec![0.into(), 0.into(), 612.into(), 792.into()]);
    }
    doc.objects.insert(pages_id, Object::Dictionary(tree));
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    doc.trailer.set("Root", catalog_id);
    doc
}

fn save(mut doc: Document, path: &Path) {
    doc.save(path).unwrap();
}

/// The three-page report of most tests: a cover, then printed pages 1 and 2.
fn report(dir: &Path) -> PathBuf {
    let pdf = dir.join("report.pdf");
    save(
        document(
            &[
                &["Annual Report on Widgets"],
                &["Introduction to widgets", "Widgets are small."],
                &["Conclusions about widgets"],
            ],
            true,
        ),
        &pdf,
    );
    pdf
}

/// The report encrypted (RC4, 128 bits) with `user_password`; an empty one
/// protects only the permissions, anyone can open the file.
fn encrypted_report(path: &Path, user_password: &str) {
    let mut doc = document(&[&["Secret findings"], &["More secret findings"]], true);
    let id = Object::string_literal("0123456789abcdef");
    doc.trailer.set("ID", vec![id.clone(), id]);
    let state = EncryptionState::try_from(EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password,
        key_length: 128,
        permissions: Permissions::PRINTABLE | Permissions::COPYABLE,
    })
    .unwrap();
    doc.encrypt(&state).unwrap();
    save(doc, path);
}

fn extract(pdf: &Path, args: &[&str]) -> Run {
    let output = bin()
        .args(["source", "extract"])
        .arg(pdf)
        .args(args)
        .output()
        .unwrap();
    Run { output }
}

/// The pages of a source text: each marker's label and the text under it.
fn pages(text: &str) -> Vec<(String, String)> {
    let mut pages: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(label) = line
            .strip_prefix("=== page ")
            .and_then(|l| l.strip_suffix(" ==="))
        {
            pages.push((label.to_string(), String::new()));
        } else if let Some((_, body)) = pages.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    pages
}

fn labels(text: &str) -> Vec<String> {
    pages(text).into_iter().map(|(l, _)| l).collect()
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn offset_labels_front_matter_and_printed_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = report(tmp.path());
    let run = extract(&pdf, &["--offset", "1"]).ok();
    let txt = tmp.path().join("report.txt");
    assert!(
        run.stdout().contains(&txt.display().to_string()) && run.stdout().contains("3 pages"),
        "{}",
        run.stdout()
    );
    let text = std::fs::read_to_string(&txt).unwrap();
    let pages = pages(&text);
    assert_eq!(labels(&text), ["front-1", "1", "2"], "{text}");
    // Each page's text is under its own marker, and only there.
    assert!(pages[0].1.contains("Annual Report on Widgets"), "{text}");
    assert!(pages[1].1.contains("Introduction to widgets"), "{text}");
    assert!(pages[1].1.contains("Widgets are small."), "{text}");
    assert!(pages[2].1.contains("Conclusions about widgets"), "{text}");
    assert!(!pages[0].1.contains("Introduction") && !pages[2].1.contains("Introduction"));
    // Normalised: no white space at line ends, no run of blank lines, one
    // final newline.
    assert!(text.lines().all(|l| l == l.trim_end()), "{text:?}");
    assert!(!text.contains("\n\n\n"), "{text:?}");
    assert!(text.ends_with('\n') && !text.ends_with("\n\n"), "{text:?}");
    assert_eq!(names(tmp.path()), ["report.pdf", "report.txt"]);
}

#[test]
fn without_offset_pdf_pages_are_the_labels() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = report(tmp.path());
    extract(&pdf, &[]).ok();
    let text = std::fs::read_to_string(tmp.path().join("report.txt")).unwrap();
    assert_eq!(labels(&text), ["1", "2", "3"], "{text}");
    assert!(
        pages(&text)[2].1.contains("Conclusions about widgets"),
        "{text}"
    );
}

#[test]
fn out_writes_where_asked_and_replaces_an_older_text() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = report(tmp.path());
    let out = tmp.path().join("texts").join("widgets.txt");
    std::fs::create_dir(out.parent().unwrap()).unwrap();
    std::fs::write(&out, "an older text").unwrap();
    let run = extract(&pdf, &["--out", out.to_str().unwrap(), "--offset", "1"]).ok();
    assert!(
        run.stdout().contains(&out.display().to_string()),
        "{}",
        run.stdout()
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(labels(&text), ["front-1", "1", "2"], "{text}");
    assert!(
        !tmp.path().join("report.txt").exists(),
        "nothing beside the PDF"
    );
    assert_eq!(
        names(out.parent().unwrap()),
        ["widgets.txt"],
        "no temporary file left"
    );
}

#[test]
fn refuses_to_write_over_the_pdf() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = report(tmp.path());
    let before = std::fs::read(&pdf).unwrap();
    let run = extract(&pdf, &["--out", pdf.to_str().unwrap()]).failed();
    assert!(
        run.stderr().contains("over the PDF itself"),
        "{}",
        run.stderr()
    );
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
    assert_eq!(names(tmp.path()), ["report.pdf"]);
}

#[test]
fn a_file_that_is_not_a_pdf_is_an_error_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("x.pdf");
    // Random bytes (a fixed xorshift sequence).
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect();
    std::fs::write(&pdf, bytes).unwrap();
    let run = extract(&pdf, &[]).failed();
    assert!(
        run.stderr().contains(&pdf.display().to_string()),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("cannot be read as a PDF"),
        "{}",
        run.stderr()
    );
    assert_eq!(names(tmp.path()), ["x.pdf"]);

    // A real PDF cut short fails the same way, and an older text is kept.
    let cut = tmp.path().join("cut.pdf");
    save(document(&[&["Some text"]], true), &cut);
    let full = std::fs::read(&cut).unwrap();
    std::fs::write(&cut, &full[..full.len() / 2]).unwrap();
    std::fs::write(tmp.path().join("cut.txt"), "kept").unwrap();
    let run = extract(&cut, &[]).failed();
    assert!(
        run.stderr().contains(&cut.display().to_string()),
        "{}",
        run.stderr()
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("cut.txt")).unwrap(),
        "kept"
    );
    assert_eq!(names(tmp.path()), ["cut.pdf", "cut.txt", "x.pdf"]);
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("absent.pdf");
    let run = extract(&pdf, &[]).failed();
    assert!(
        run.stderr().contains(&pdf.display().to_string()),
        "{}",
        run.stderr()
    );
    assert!(names(tmp.path()).is_empty());
}

#[test]
fn a_page_the_reader_fails_on_is_an_error_not_a_panic() {
    // pdf-extract panics on a page without a MediaBox.
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("sizeless.pdf");
    save(document(&[&["Text on a page without a size"]], false), &pdf);
    let run = extract(&pdf, &[]).failed();
    assert!(
        run.stderr().contains(&pdf.display().to_string()),
        "{}",
        run.stderr()
    );
    assert!(run.stderr().contains("PDF page 1"), "{}", run.stderr());
    assert_eq!(names(tmp.path()), ["sizeless.pdf"]);
}

#[test]
fn pages_without_text_are_an_error_no_text_layer() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("scan.pdf");
    save(document(&[&[], &[], &[]], true), &pdf);
    let run = extract(&pdf, &[]).failed();
    let err = run.stderr();
    assert!(err.contains(&pdf.display().to_string()), "{err}");
    assert!(err.contains("no text layer"), "{err}");
    assert!(err.contains("none of its 3 pages"), "{err}");
    assert_eq!(names(tmp.path()), ["scan.pdf"]);
}

#[test]
fn a_page_without_text_among_others_is_kept_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("mixed.pdf");
    save(document(&[&["Cover"], &[], &["Page two"]], true), &pdf);
    let run = extract(&pdf, &["--offset", "1"]).ok();
    assert!(
        run.stdout().contains("3 pages (1 without text)"),
        "{}",
        run.stdout()
    );
    let text = std::fs::read_to_string(tmp.path().join("mixed.txt")).unwrap();
    let pages = pages(&text);
    assert_eq!(labels(&text), ["front-1", "1", "2"], "{text}");
    assert_eq!(pages[1].1.trim(), "", "{text}");
    assert!(pages[2].1.contains("Page two"), "{text}");
}

#[test]
fn a_pdf_that_needs_a_password_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("locked.pdf");
    encrypted_report(&pdf, "secret");
    let run = extract(&pdf, &[]).failed();
    let err = run.stderr();
    assert!(err.contains(&pdf.display().to_string()), "{err}");
    assert!(err.contains("encrypted"), "{err}");
    assert_eq!(names(tmp.path()), ["locked.pdf"]);
}

#[test]
fn a_pdf_encrypted_without_a_user_password_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("restricted.pdf");
    encrypted_report(&pdf, "");
    extract(&pdf, &[]).ok();
    let text = std::fs::read_to_string(tmp.path().join("restricted.txt")).unwrap();
    let pages = pages(&text);
    assert_eq!(labels(&text), ["1", "2"], "{text}");
    assert!(pages[0].1.contains("Secret findings"), "{text}");
    assert!(pages[1].1.contains("More secret findings"), "{text}");
}
