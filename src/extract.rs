//! `sourcebrief source extract`: the text layer of a PDF, page by page, as a
//! source text (`=== page LABEL ===` before each page; see
//! `content/sources/<id>.txt`).
//!
//! PDF page `k` (1-based) is labelled with the page number printed on it,
//! `k - offset`; the pages before printed page 1 are `front-1`, `front-2`, …
//! in PDF order. The text comes from `pdf-extract`, which panics on some
//! malformed files: every call into it runs under [`std::panic::catch_unwind`]
//! with the panic message kept out of the terminal, so a bad file is an
//! error naming the file, never a crash. Nothing is written unless the whole
//! file was read; the text is written to a temporary file beside the output
//! and renamed over it.

use std::cell::Cell;
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Once;

use pdf_extract::{Document, PlainTextOutput};

use crate::error::{Diagnostic, Error, Result};

/// The source text of a PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The whole file: a header line, then each page under its marker.
    pub text: String,
    /// How many pages the PDF has (and the text has markers for).
    pub pages: usize,
    /// How many of them have no text.
    pub empty_pages: usize,
}

/// The label of PDF page `k` (1-based) when printed page 1 is PDF page
/// `offset + 1`: `k - offset`, or `front-k` for the pages before it.
pub fn page_label(k: u32, offset: i64) -> String {
    let printed = i64::from(k) - offset;
    if printed >= 1 {
        printed.to_string()
    } else {
        format!("front-{k}")
    }
}

/// A page's text made tidy: white space at the end of lines removed, blank
/// lines at the start and end dropped, two or more blank lines in a row
/// made one; a page with text ends with a newline, one without is empty.
pub fn normalise_page(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_before = false;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_before = !out.is_empty();
            continue;
        }
        if blank_before {
            out.push('\n');
            blank_before = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The source text of `pages` (the raw text of each PDF page, in order):
/// a header naming `source` and the offset, then every page under its
/// marker, normalised, with a blank line between pages.
pub fn source_text(source: &str, offset: i64, pages: &[String]) -> Extracted {
    let mut text =
        format!("Text of {source}, page by page (sourcebrief source extract --offset {offset}).\n");
    let mut empty_pages = 0;
    for (k, raw) in (1..).zip(pages) {
        let page = normalise_page(raw);
        if page.is_empty() {
            empty_pages += 1;
        }
        text.push('\n');
        text.push_str("=== page ");
        text.push_str(&page_label(k, offset));
        text.push_str(" ===\n");
        text.push_str(&page);
    }
    Extracted {
        text,
        pages: pages.len(),
        empty_pages,
    }
}

/// Reads the text of every page of `pdf` and makes it a source text with
/// labels shifted by `offset` (see [`page_label`]). Fails, naming the file,
/// when the file cannot be read as a PDF, needs a password, has no pages, a
/// page's text cannot be read, or no page has any text (a scan without a
/// text layer).
pub fn extract_pdf(pdf: &Path, offset: i64) -> Result<Extracted> {
    let bytes = std::fs::read(pdf).map_err(|e| Error::io(pdf, e))?;
    let fail = |message: String| Diagnostic::error(format!("{}: {message}", pdf.display()));
    let doc = match quietly(|| Document::load_mem(&bytes)) {
        Ok(Ok(doc)) => doc,
        Ok(Err(e)) => return Err(fail(format!("cannot be read as a PDF: {e}")).into()),
        Err(panic) => return Err(fail(format!("cannot be read as a PDF: {panic}")).into()),
    };
    // lopdf opens a file encrypted without a user password by itself (only
    // its permissions are protected); one that needs a password stays
    // encrypted.
    if doc.is_encrypted() {
        return Err(fail("the PDF is encrypted and needs a password to open".into())
            .with_help("decrypt it first (for example `qpdf --decrypt --password=… in.pdf out.pdf`), then extract the copy")
            .into());
    }
    let numbers: Vec<u32> = doc.get_pages().into_keys().collect();
    if numbers.is_empty() {
        return Err(fail("the PDF has no pages".into()).into());
    }
    let mut pages = Vec::with_capacity(numbers.len());
    for &n in &numbers {
        let page = quietly(|| {
            let mut text = String::new();
            pdf_extract::output_doc_page(&doc, &mut PlainTextOutput::new(&mut text), n)
                .map(|()| text)
        });
        match page {
            Ok(Ok(text)) => pages.push(text),
            Ok(Err(e)) => {
                return Err(fail(format!("the text of PDF page {n} cannot be read: {e}")).into());
            }
            Err(panic) => {
                return Err(
                    fail(format!("the text of PDF page {n} cannot be read: {panic}")).into(),
                );
            }
        }
    }
    let source = pdf.file_name().map_or_else(
        || pdf.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let extracted = source_text(&source, offset, &pages);
    if extracted.empty_pages == extracted.pages {
        let what = if extracted.pages == 1 {
            "its one page has no text".to_string()
        } else {
            format!("none of its {} pages has any text", extracted.pages)
        };
        return Err(fail(format!("the PDF has no text layer: {what}"))
            .with_help("a scanned PDF needs OCR first (for example `ocrmypdf in.pdf out.pdf`)")
            .into());
    }
    Ok(extracted)
}

/// Where `source extract` writes the text of `pdf` by default: beside it,
/// with the same stem and `.txt`.
pub fn default_out(pdf: &Path) -> PathBuf {
    pdf.with_extension("txt")
}

/// Extracts `pdf` (see [`extract_pdf`]) and writes its source text to `out`
/// (by default [`default_out`]); returns the path written. Refuses to write
/// over the PDF itself. The text is written whole to a temporary file in the
/// same folder and renamed over `out`, so a failure leaves `out` as it was.
pub fn extract_to(pdf: &Path, offset: i64, out: Option<&Path>) -> Result<(PathBuf, Extracted)> {
    let out = out.map_or_else(|| default_out(pdf), Path::to_path_buf);
    if same_file(pdf, &out) {
        return Err(Error::msg(format!(
            "{}: refusing to write the text over the PDF itself; pass another path with --out",
            out.display()
        )));
    }
    let extracted = extract_pdf(pdf, offset)?;
    write_replacing(&out, extracted.text.as_bytes())?;
    Ok((out, extracted))
}

/// Whether `a` and `b` name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Writes `bytes` to `path` through a temporary file beside it, renamed over
/// `path` once complete; on failure, removes the temporary file.
fn write_replacing(path: &Path, bytes: &[u8]) -> Result<()> {
    if path.is_dir() {
        return Err(Error::msg(format!(
            "{}: is a folder; --out takes the path of the text file",
            path.display()
        )));
    }
    let name = path
        .file_name()
        .ok_or_else(|| Error::msg(format!("{}: not a file name", path.display())))?;
    let tmp = path.with_file_name(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        })
        .map_err(|e| Error::io(&tmp, e))
        .and_then(|()| std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e)));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

thread_local! {
    /// Set while this thread runs code under [`quietly`].
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic into `Err` with its message. While `f` runs,
/// the panic hook prints nothing for this thread (other threads keep the
/// hook they had).
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        if message.is_empty() {
            "the PDF reader failed on it".to_string()
        } else {
            format!("the PDF reader failed on it ({message})")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_without_offset_are_pdf_pages() {
        assert_eq!(page_label(1, 0), "1");
        assert_eq!(page_label(2, 0), "2");
        assert_eq!(page_label(120, 0), "120");
    }

    #[test]
    fn labels_with_offset_start_with_front_pages() {
        assert_eq!(page_label(1, 2), "front-1");
        assert_eq!(page_label(2, 2), "front-2");
        assert_eq!(page_label(3, 2), "1");
        assert_eq!(page_label(10, 2), "8");
        // A negative offset: the PDF starts at printed page 3.
        assert_eq!(page_label(1, -2), "3");
        // An offset beyond the PDF: every page is front matter.
        assert_eq!(page_label(4, 10), "front-4");
    }

    #[test]
    fn normalise_strips_line_ends_and_collapses_blank_lines() {
        let raw = "\n\n  Title  \t\nfirst line \n\n\n\n\nsecond  \n\nthird\n  \n\t\n";
        assert_eq!(
            normalise_page(raw),
            "  Title\nfirst line\n\nsecond\n\nthird\n"
        );
    }

    #[test]
    fn normalise_ends_with_one_newline_and_keeps_empty_pages_empty() {
        assert_eq!(normalise_page("last words"), "last words\n");
        assert_eq!(normalise_page("a\r\nb\r\n"), "a\nb\n");
        assert_eq!(normalise_page(""), "");
        assert_eq!(normalise_page(" \n\n \t \n"), "");
    }

    #[test]
    fn source_text_puts_each_page_under_its_marker() {
        let pages = vec![
            "Cover".to_string(),
            String::new(),
            "Introduction  \n\n\n\nBody".to_string(),
        ];
        let x = source_text("report.pdf", 2, &pages);
        assert_eq!(x.pages, 3);
        assert_eq!(x.empty_pages, 1);
        assert_eq!(
            x.text,
            "Text of report.pdf, page by page (sourcebrief source extract --offset 2).\n\
             \n=== page front-1 ===\nCover\n\
             \n=== page front-2 ===\n\
             \n=== page 1 ===\nIntroduction\n\nBody\n"
        );
    }

    #[test]
    fn a_panic_is_an_error_with_its_message() {
        let r: Result<(), String> = quietly(|| panic!("unexpected smask type"));
        assert_eq!(
            r.unwrap_err(),
            "the PDF reader failed on it (unexpected smask type)"
        );
        assert_eq!(quietly(|| 7), Ok(7));
        assert!(!QUIET.with(Cell::get), "the hook speaks again afterwards");
    }
}
