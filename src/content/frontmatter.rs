//! Splitting a Markdown file into front matter and body, and parsing the front
//! matter (TOML between `+++` lines, or YAML between `---` lines) into a typed
//! struct, with errors that point at the file's own lines and columns.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::error::{Diagnostic, Error, Result, offset_of};

/// Which syntax the front matter is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

/// The parts of a content file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub format: Option<Format>,
    /// Byte range of the front matter text (without the fences).
    pub front_matter: Range<usize>,
    /// Byte offset where the body starts.
    pub body_start: usize,
}

/// Finds the front matter of `text`. A file without an opening fence has none.
/// An opening fence without a closing one is an error.
pub fn split(text: &str, file: &Path, source: &Arc<str>) -> Result<Split> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[bom..];
    let (fence, format) = if rest.starts_with("+++") {
        ("+++", Format::Toml)
    } else if rest.starts_with("---") {
        ("---", Format::Yaml)
    } else {
        return Ok(Split {
            format: None,
            front_matter: bom..bom,
            body_start: bom,
        });
    };
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[..first_line_end].trim_end() != fence {
        // `---` followed by text is a thematic break or a table, not front matter.
        if format == Format::Yaml {
            return Ok(Split {
                format: None,
                front_matter: bom..bom,
                body_start: bom,
            });
        }
        return Err(Diagnostic::error(format!(
            "the opening `{fence}` of the front matter must stand alone on its line"
        ))
        .in_file(file)
        .at(source, bom..bom + first_line_end)
        .into());
    }
    let fm_start = bom + first_line_end;
    let mut pos = fm_start;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        if text[pos..line_end].trim_end() == fence {
            return Ok(Split {
                format: Some(format),
                front_matter: fm_start..pos,
                body_start: line_end,
            });
        }
        pos = line_end;
    }
    Err(Diagnostic::error(format!(
        "the front matter opened with `{fence}` on line 1 is never closed"
    ))
    .in_file(file)
    .at(source, bom..bom + fence.len())
    .with_help(format!(
        "end the front matter with a line holding only `{fence}`"
    ))
    .into())
}

/// Parses the front matter of `source` as `T`. A file without front matter
/// parses as an empty table.
pub fn parse<T: DeserializeOwned>(source: &Arc<str>, split: &Split, file: &Path) -> Result<T> {
    let text = &source[split.front_matter.clone()];
    let offset = split.front_matter.start;
    match split.format {
        None | Some(Format::Toml) => toml::from_str(text).map_err(|e| {
            let d = Diagnostic::error(e.message().trim().to_string()).in_file(file);
            match e.span() {
                Some(span) => d.at(source, span.start + offset..span.end + offset),
                None => d.at(source, offset..offset),
            }
            .into()
        }),
        Some(Format::Yaml) => {
            // An empty YAML document is `null`; read it as an empty mapping.
            let text = if text.trim().is_empty() { "{}" } else { text };
            serde_saphyr::from_str(text).map_err(|e| yaml_error(&e, text, source, offset, file))
        }
    }
}

fn yaml_error(
    e: &serde_saphyr::Error,
    text: &str,
    source: &Arc<str>,
    offset: usize,
    file: &Path,
) -> Error {
    let inner = e.without_snippet();
    let mut message = inner.to_string();
    // The library appends its own position; ours is in the snippet.
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    let d = Diagnostic::error(message.trim().to_string()).in_file(file);
    match inner.location() {
        Some(loc) if loc.line() > 0 => {
            let at = offset + offset_of(text, loc.line() as usize, loc.column() as usize);
            d.at(source, at..at)
        }
        _ => d.at(source, offset..offset),
    }
    .into()
}

/// The byte range in `source` of the first place where `needle` occurs within
/// `within`; used to point errors about a front-matter value at that value.
pub fn locate(source: &str, within: Range<usize>, needle: &str) -> Option<Range<usize>> {
    source
        .get(within.clone())?
        .find(needle)
        .map(|i| within.start + i..within.start + i + needle.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Fm {
        title: Option<String>,
        weight: Option<i64>,
    }

    fn go(text: &str) -> Result<(Fm, usize)> {
        let src: Arc<str> = Arc::from(text);
        let s = split(text, Path::new("a.md"), &src)?;
        Ok((parse(&src, &s, Path::new("a.md"))?, s.body_start))
    }

    #[test]
    fn toml_and_yaml() {
        let (fm, body) = go("+++\ntitle = \"A\"\n+++\nbody").unwrap();
        assert_eq!(fm.title.as_deref(), Some("A"));
        assert_eq!(body, 20);
        let (fm, _) = go("---\ntitle: B\nweight: 3\n---\nbody").unwrap();
        assert_eq!(
            fm,
            Fm {
                title: Some("B".into()),
                weight: Some(3)
            }
        );
        let (fm, body) = go("just text").unwrap();
        assert_eq!(fm.title, None);
        assert_eq!(body, 0);
        let (fm, _) = go("---\n---\nx").unwrap();
        assert_eq!(fm.title, None);
    }

    #[test]
    fn crlf_and_bom() {
        let (fm, _) = go("\u{feff}+++\r\ntitle = \"A\"\r\n+++\r\nbody").unwrap();
        assert_eq!(fm.title.as_deref(), Some("A"));
    }

    #[test]
    fn toml_error_points_into_the_file() {
        let err = go("+++\ntitle = \"A\"\ncolour = 1\n+++\n").unwrap_err();
        assert_eq!(err.diagnostics[0].line_col(), Some((3, 1)));
    }

    #[test]
    fn yaml_error_points_into_the_file() {
        let err = go("---\ntitle: A\nweight: heavy\n---\n").unwrap_err();
        let (line, _) = err.diagnostics[0].line_col().unwrap();
        assert_eq!(line, 3, "{}", err);
    }

    #[test]
    fn unclosed_front_matter() {
        let err = go("+++\ntitle = \"A\"\n").unwrap_err();
        assert!(err.to_string().contains("never closed"));
    }
}
