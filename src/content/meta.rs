//! The typed front matter of every kind of content file, exactly as the
//! authoring format (`content-format.md`) defines it. Unknown keys are errors;
//! free-form data belongs in `[extra]`.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Free-form `[extra]` data.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// Front matter of a page or a section (`_index.md`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub weight: Option<i64>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub draft: bool,
    pub slug: Option<String>,
    pub path: Option<String>,
    /// Sections only.
    pub sort_by: Option<SortBy>,
    /// A template to use instead of the default one.
    pub template: Option<String>,
    #[serde(default)]
    pub citations: Vec<CitationDecl>,
    /// Anchors that moved: old id → new id (see [`crate::anchors`]).
    #[serde(default)]
    pub anchors: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub extra: Extra,
}

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// Ascending `weight`, then newest first, then title.
    #[default]
    Weight,
    /// Newest first.
    Date,
    /// A to Z.
    Title,
}

/// A `[[citations]]` entry: what a claim rests on.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CitationDecl {
    pub id: String,
    pub source: String,
    /// A page number, or (where the source has a text) the label of a page
    /// without one: `page = "cover"`.
    pub page: Option<PagesValue>,
    pub pages: Option<PagesValue>,
    pub quote: Option<String>,
    pub note: Option<String>,
}

/// `pages = "3-4"`, a single number, or a page's label (`"cover"`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum PagesValue {
    Number(u32),
    Text(String),
}

/// Front matter of a glossary term (`content/glossary/<id>.md`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermMeta {
    pub term: String,
    pub expansion: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub entity: Option<String>,
    #[serde(default)]
    pub citations: Vec<CitationDecl>,
    #[serde(default)]
    pub extra: Extra,
}

/// Front matter of an entity (`content/entities/<id>.md`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityMeta {
    pub title: String,
    pub description: Option<String>,
    pub kind: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub related: Vec<String>,
    #[serde(default)]
    pub citations: Vec<CitationDecl>,
    #[serde(default)]
    pub extra: Extra,
}

/// Front matter of a source document (`content/sources/<id>.md`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceMeta {
    pub title: String,
    pub short: Option<String>,
    pub publisher: Option<String>,
    pub date: Option<Date>,
    pub url: Option<String>,
    pub pdf: Option<String>,
    /// The PDF page of printed page N is N + this (an unnumbered cover
    /// before page 1 gives 1).
    #[serde(default)]
    pub pdf_page_offset: i64,
    /// Show the whole text of each cited page (when the source has a text),
    /// not only the quoted passages.
    #[serde(default)]
    pub publish_text: bool,
    pub pages: Option<u32>,
    #[serde(default)]
    pub extra: Extra,
}

/// A calendar date, optionally with a time: `2024-08-08` or
/// `2024-08-08T10:00:00Z`. TOML dates may be written unquoted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    text: String,
}

impl Date {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let bad = || format!("`{s}` is not a date: write it as YYYY-MM-DD");
        let b = s.as_bytes();
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
        let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
            return Err(bad());
        };
        if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
            return Err(bad());
        }
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        let days = match m {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if d > days {
            return Err(format!("`{s}` is not a date: {y}-{m:02} has {days} days"));
        }
        if b.len() > 10 {
            let rest = &s[11..];
            let sep_ok = matches!(b[10], b'T' | b't' | b' ');
            let time_ok = rest.len() >= 5
                && rest.as_bytes()[2] == b':'
                && rest[..2].parse::<u32>().is_ok_and(|h| h < 24)
                && rest[3..5].parse::<u32>().is_ok_and(|m| m < 60);
            if !sep_ok || !time_ok {
                return Err(bad());
            }
        }
        Ok(Self {
            text: s.replacen(' ', "T", 1),
        })
    }

    /// The date as written, normalized (`YYYY-MM-DD` or RFC 3339).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The `YYYY-MM-DD` part.
    pub fn day(&self) -> &str {
        &self.text[..10]
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date such as 2024-08-08")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).map_err(E::custom)
            }
            // TOML's unquoted dates arrive as a one-entry map.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
                let Some((_key, value)) = map.next_entry::<String, String>()? else {
                    return Err(de::Error::custom("empty date"));
                };
                Date::parse(&value).map_err(de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(Date::parse("2024-08-08").unwrap().as_str(), "2024-08-08");
        assert_eq!(
            Date::parse("2024-08-08 10:30:00Z").unwrap().as_str(),
            "2024-08-08T10:30:00Z"
        );
        assert!(Date::parse("08.08.2024").is_err());
        assert!(Date::parse("2024-13-01").is_err());
        assert!(Date::parse("2024-01-01X").is_err());
        assert!(Date::parse("2023-02-29").is_err());
        assert!(Date::parse("2024-02-30").is_err());
        assert!(Date::parse("2024-04-31").is_err());
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2000-02-29").is_ok());
        assert!(Date::parse("1900-02-29").is_err());
    }

    #[test]
    fn unquoted_toml_date() {
        let m: PageMeta =
            toml::from_str("date = 2024-08-08\nupdated = 2024-08-20T10:00:00Z").unwrap();
        assert_eq!(m.date.unwrap().as_str(), "2024-08-08");
        assert_eq!(m.updated.unwrap().day(), "2024-08-20");
        let m: PageMeta = toml::from_str("date = \"2024-08-08\"").unwrap();
        assert_eq!(m.date.unwrap().as_str(), "2024-08-08");
    }

    #[test]
    fn yaml_date() {
        let m: PageMeta = serde_saphyr::from_str("date: 2024-08-08\n").unwrap();
        assert_eq!(m.date.unwrap().as_str(), "2024-08-08");
    }
}
