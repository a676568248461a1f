//! Site configuration: `config.toml` as written ([`RawConfig`]) and as the
//! build uses it ([`Config`]), resolved against the command line.
//!
//! The raw form mirrors the file exactly and rejects unknown keys (outside
//! `[extra]`) with their line and column; the resolved form has every default
//! filled in and every path made absolute.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{Diagnostic, Error, Result};

/// `config.toml` exactly as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    #[serde(default)]
    pub title: String,
    pub description: Option<String>,
    pub base_url: Option<Spanned<String>>,
    pub language: Option<String>,
    pub theme: Option<Spanned<String>>,
    pub output_dir: Option<Spanned<String>>,
    /// `"first"` links the first plain mention of each entity on a page.
    pub autolink_entities: Option<Spanned<String>>,
    /// Who writes the site: the byline of every article.
    pub author: Option<String>,
    /// Who publishes it (default: the site's title).
    pub publisher: Option<String>,
    /// The CSL style of reference entries and of "Cite this": a style
    /// bundled with hayagriva by name, or a path to a `.csl` file.
    pub citation_style: Option<Spanned<String>>,
    #[serde(default)]
    pub markdown: RawMarkdown,
    #[serde(default)]
    pub extra: toml::Table,
}

/// The `[markdown]` table as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMarkdown {
    pub smart_punctuation: Option<bool>,
    pub highlight_code: Option<bool>,
    pub highlight_theme: Option<Spanned<String>>,
    pub highlight_theme_dark: Option<Spanned<String>>,
}

/// The time one output may take in its template unless `--template-budget`
/// says otherwise.
pub const DEFAULT_TEMPLATE_BUDGET: std::time::Duration = std::time::Duration::from_secs(60);

/// Options that come from the command line and override the file.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub output_dir: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// How long one output may take in its template (`--template-budget`).
    pub template_budget: Option<std::time::Duration>,
}

/// The configuration a build runs with.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site's root folder (holds `config.toml`), absolute.
    pub root: PathBuf,
    pub title: String,
    pub description: String,
    /// Without a trailing slash, e.g. `https://example.org` or `https://example.org/docs`.
    pub base_url: String,
    pub language: String,
    pub theme: String,
    /// Absolute path of the output folder.
    pub output_dir: PathBuf,
    pub drafts: bool,
    /// How long one output may take in its template; past it the build
    /// stops with an error naming the output and the template.
    pub template_budget: std::time::Duration,
    /// Link the first plain-text mention of each entity on a page.
    pub autolink_entities: bool,
    /// The byline of articles, if any.
    pub author: String,
    /// Who publishes the site: `publisher`, else the title.
    pub publisher: String,
    /// The CSL style of reference entries and "Cite this" (`citation_style`).
    pub citation_style: Arc<crate::csl::CitationStyle>,
    pub markdown: MarkdownConfig,
    pub extra: toml::Table,
}

/// Resolved Markdown options.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct MarkdownConfig {
    pub smart_punctuation: bool,
    pub highlight_code: bool,
    pub highlight_theme: String,
    pub highlight_theme_dark: Option<String>,
}

/// What templates see as `config`.
#[derive(Debug, Serialize)]
pub struct ConfigView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    /// The path of `base_url` (`/docs` for `https://example.org/docs`, empty
    /// at a host's root): the prefix of root-relative links, such as the
    /// theme's assets, which then load from whatever address serves the site.
    pub base_path: &'a str,
    pub language: &'a str,
    pub theme: &'a str,
    /// The byline of articles (empty when not set).
    pub author: &'a str,
    /// Who publishes the site: `publisher`, else the title.
    pub publisher: &'a str,
    /// The CSL style of reference entries and "Cite this", as named.
    pub citation_style: &'a str,
    pub extra: &'a toml::Table,
}

pub const DEFAULT_HIGHLIGHT_THEME: &str = "InspiredGitHub";

impl RawConfig {
    /// Parses `text` (the contents of `file`).
    pub fn parse(text: &str, file: &Path) -> Result<Self> {
        let source: Arc<str> = Arc::from(text);
        toml::from_str(text).map_err(|e| toml_error(&e, &source, file))
    }

    /// Reads and parses `root/config.toml`.
    pub fn load(root: &Path) -> Result<(Self, Arc<str>)> {
        let path = root.join("config.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::msg(format!(
                    "no config.toml in {}: is this a sourcebrief site? (`sourcebrief init` makes one)",
                    root.display()
                ))
            } else {
                Error::io(&path, e)
            }
        })?;
        let raw = Self::parse(&text, Path::new("config.toml"))?;
        Ok((raw, Arc::from(text)))
    }
}

impl Config {
    /// Resolves the raw file against the command line. `highlight_themes` lists
    /// the names of the syntax themes that exist.
    pub fn resolve(
        raw: RawConfig,
        source: &Arc<str>,
        root: &Path,
        overrides: &Overrides,
        highlight_themes: &[&str],
    ) -> Result<Self> {
        let file = Path::new("config.toml");
        let root = std::path::absolute(root).map_err(|e| Error::io(root, e))?;
        let spanned_error = |msg: String, span: std::ops::Range<usize>| -> Error {
            Diagnostic::error(msg).in_file(file).at(source, span).into()
        };

        let base_url = match (&overrides.base_url, &raw.base_url) {
            (Some(url), _) => normalize_base_url(url).map_err(Error::msg)?,
            (None, Some(url)) => {
                normalize_base_url(url.get_ref()).map_err(|m| spanned_error(m, url.span()))?
            }
            (None, None) => String::new(),
        };

        let theme = raw
            .theme
            .as_ref()
            .map(|t| t.get_ref().clone())
            .unwrap_or_else(|| "default".to_string());
        if let Some(t) = &raw.theme
            && (t.get_ref().is_empty() || t.get_ref().contains(['/', '\\', '.']))
        {
            return Err(spanned_error(
                format!(
                    "invalid theme name `{}`: use the name of a folder in themes/",
                    t.get_ref()
                ),
                t.span(),
            ));
        }

        let output_dir = match (&overrides.output_dir, &raw.output_dir) {
            (Some(dir), _) => std::path::absolute(dir).map_err(|e| Error::io(dir, e))?,
            (None, Some(dir)) => root.join(dir.get_ref()),
            (None, None) => root.join("public"),
        };

        let check_theme = |t: &Option<Spanned<String>>| -> Result<Option<String>> {
            match t {
                None => Ok(None),
                Some(t) if highlight_themes.contains(&t.get_ref().as_str()) => {
                    Ok(Some(t.get_ref().clone()))
                }
                Some(t) => Err(Diagnostic::error(format!(
                    "unknown highlight theme `{}`",
                    t.get_ref()
                ))
                .in_file(file)
                .at(source, t.span())
                .with_help(format!("known themes: {}", highlight_themes.join(", ")))
                .into()),
            }
        };
        let markdown = MarkdownConfig {
            smart_punctuation: raw.markdown.smart_punctuation.unwrap_or(true),
            highlight_code: raw.markdown.highlight_code.unwrap_or(true),
            highlight_theme: check_theme(&raw.markdown.highlight_theme)?
                .unwrap_or_else(|| DEFAULT_HIGHLIGHT_THEME.to_string()),
            highlight_theme_dark: check_theme(&raw.markdown.highlight_theme_dark)?,
        };

        let autolink_entities = match &raw.autolink_entities {
            None => false,
            Some(v) if v.get_ref() == "first" => true,
            Some(v) if v.get_ref() == "none" => false,
            Some(v) => {
                return Err(spanned_error(
                    format!(
                        "autolink_entities is \"first\" or \"none\", not \"{}\"",
                        v.get_ref()
                    ),
                    v.span(),
                ));
            }
        };
        let language = raw.language.unwrap_or_else(|| "en".to_string());
        let citation_style = crate::csl::CitationStyle::load(
            raw.citation_style.as_ref().map(|s| s.get_ref().as_str()),
            &root,
            &language,
        )
        .map_err(|m| match &raw.citation_style {
            Some(s) => spanned_error(m, s.span()),
            None => Error::msg(m),
        })?;
        let publisher = raw
            .publisher
            .filter(|p| !p.trim().is_empty())
            .unwrap_or_else(|| raw.title.clone());
        Ok(Config {
            root,
            autolink_entities,
            author: raw.author.unwrap_or_default(),
            publisher,
            citation_style: Arc::new(citation_style),
            title: raw.title,
            description: raw.description.unwrap_or_default(),
            base_url,
            language,
            theme,
            output_dir,
            drafts: overrides.drafts,
            template_budget: overrides.template_budget.unwrap_or(DEFAULT_TEMPLATE_BUDGET),
            markdown,
            extra: raw.extra,
        })
    }

    /// The absolute URL of a site path such as `/briefing/`.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// The path part of `base_url`, without a trailing slash: empty for a
    /// site at a host's root, `/docs` for `https://example.org/docs`.
    pub fn base_path(&self) -> &str {
        let url = self.base_url.as_str();
        match url.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
            None => url,
        }
    }

    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }

    pub fn view(&self) -> ConfigView<'_> {
        ConfigView {
            title: &self.title,
            description: &self.description,
            base_url: &self.base_url,
            base_path: self.base_path(),
            language: &self.language,
            theme: &self.theme,
            author: &self.author,
            publisher: &self.publisher,
            citation_style: &self.citation_style.name,
            extra: &self.extra,
        }
    }
}

/// Turns a TOML error into a diagnostic pointing into `source`.
pub fn toml_error(e: &toml::de::Error, source: &Arc<str>, file: &Path) -> Error {
    let d = Diagnostic::error(e.message().trim().to_string()).in_file(file);
    match e.span() {
        Some(span) => d.at(source, span).into(),
        None => d.into(),
    }
}

fn normalize_base_url(url: &str) -> std::result::Result<String, String> {
    let url = url.trim();
    if url.is_empty() || url == "/" {
        return Ok(String::new());
    }
    let ok_scheme = url.starts_with("https://") || url.starts_with("http://");
    if !ok_scheme && !url.starts_with('/') {
        return Err(format!(
            "base_url `{url}` must start with https://, http:// or /"
        ));
    }
    if url.contains(['"', '<', '>', ' ', '\'']) {
        return Err(format!(
            "base_url `{url}` contains characters not allowed in a URL"
        ));
    }
    Ok(url.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(text: &str) -> Result<Config> {
        let src: Arc<str> = Arc::from(text);
        let raw = RawConfig::parse(text, Path::new("config.toml"))?;
        Config::resolve(
            raw,
            &src,
            Path::new("/site"),
            &Overrides::default(),
            &["InspiredGitHub"],
        )
    }

    #[test]
    fn defaults_are_filled_in() {
        let c = resolve("title = \"T\"\nbase_url = \"https://example.org/\"\n").unwrap();
        assert_eq!(c.base_url, "https://example.org");
        assert_eq!(c.theme, "default");
        assert_eq!(c.language, "en");
        assert_eq!(c.output_dir, Path::new("/site/public"));
        assert!(c.markdown.smart_punctuation);
        assert_eq!(c.permalink("/a/"), "https://example.org/a/");
        assert_eq!(c.base_path(), "");
    }

    #[test]
    fn base_path_is_the_path_of_base_url() {
        let c = resolve("base_url = \"https://example.org/docs/\"\n").unwrap();
        assert_eq!(c.base_path(), "/docs");
        let c = resolve("base_url = \"/sub\"\n").unwrap();
        assert_eq!(c.base_path(), "/sub");
        let c = resolve("").unwrap();
        assert_eq!(c.base_path(), "");
    }

    #[test]
    fn unknown_key_reports_line_and_column() {
        let err = resolve("title = \"T\"\n\n[markdown]\nsmartypants = true\n").unwrap_err();
        let d = &err.diagnostics[0];
        assert_eq!(d.line_col(), Some((4, 1)));
        assert!(d.message.contains("smartypants"), "{}", d.message);
    }

    #[test]
    fn extra_takes_anything() {
        let c = resolve("[extra]\nanything = [1, 2]\n[extra.nested]\nx = 1\n").unwrap();
        assert!(c.extra.contains_key("nested"));
    }

    #[test]
    fn unknown_highlight_theme_is_an_error() {
        let err = resolve("[markdown]\nhighlight_theme = \"nope\"\n").unwrap_err();
        assert_eq!(err.diagnostics[0].line_col(), Some((2, 19)));
    }

    #[test]
    fn citation_style_is_chicago_unless_named_and_checked() {
        assert_eq!(resolve("").unwrap().citation_style.name, "chicago-notes");
        assert_eq!(
            resolve("citation_style = \"apa\"\n")
                .unwrap()
                .citation_style
                .name,
            "apa"
        );
        let err = resolve("title = \"T\"\ncitation_style = \"nope\"\n").unwrap_err();
        assert_eq!(err.diagnostics[0].line_col(), Some((2, 18)));
        assert!(
            err.diagnostics[0]
                .message
                .contains("unknown citation style")
        );
    }

    #[test]
    fn bad_base_url_is_an_error() {
        assert!(resolve("base_url = \"example.org\"\n").is_err());
    }
}
