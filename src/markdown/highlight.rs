//! Pass: syntax highlighting of fenced code blocks.
//!
//! Code is highlighted by syntect into `<span class="hl-…">` markup (never
//! `style=` attributes, so the site's CSP holds); the colours live in a CSS
//! file written once per build ([`Highlighter::css`]). A block in an unknown
//! language, or one that exceeds the size or time budget, is written as
//! escaped plain code: some grammar/input pairs make regex engines backtrack
//! for a very long time, and no code block may hang a build.

use std::time::{Duration, Instant};

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use super::{Pass, PassContext, Spanned};
use crate::text::escape_html;

/// Prefix of every highlighting class.
pub const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// The syntax definitions, loaded once per process run and shared.
pub struct Highlighter {
    syntaxes: SyntaxSet,
    /// Longest line that is highlighted, in bytes.
    pub max_line: usize,
    /// Largest block that is highlighted, in bytes.
    pub max_block: usize,
    /// Time one block may take before it falls back to plain text.
    pub budget: Duration,
}

/// Why a block was not highlighted.
#[derive(Debug, PartialEq, Eq)]
pub enum Fallback {
    UnknownLanguage,
    TooLarge,
    TooSlow,
    Failed,
}

impl Highlighter {
    pub fn new() -> Self {
        Self {
            syntaxes: SyntaxSet::load_defaults_newlines(),
            max_line: 10_000,
            max_block: 512 * 1024,
            budget: Duration::from_secs(2),
        }
    }

    /// Names of the colour themes that [`Highlighter::css`] knows.
    pub fn theme_names() -> Vec<String> {
        ThemeSet::load_defaults().themes.into_keys().collect()
    }

    /// The stylesheet for `theme`, and for `dark` under `prefers-color-scheme: dark`.
    pub fn css(theme: &str, dark: Option<&str>) -> Result<String, String> {
        let themes = ThemeSet::load_defaults();
        let css_of = |name: &str| -> Result<String, String> {
            let t = themes
                .themes
                .get(name)
                .ok_or_else(|| format!("unknown highlight theme `{name}`"))?;
            css_for_theme_with_class_style(t, CLASS_STYLE).map_err(|e| e.to_string())
        };
        let mut css = css_of(theme)?;
        if let Some(dark) = dark {
            css.push_str("\n@media (prefers-color-scheme: dark) {\n");
            css.push_str(&css_of(dark)?);
            css.push_str("}\n");
        }
        Ok(css)
    }

    /// Highlights `code` as `lang` into the inner HTML of a `<code>` element.
    pub fn highlight(&self, code: &str, lang: &str) -> Result<String, Fallback> {
        let syntax = self
            .syntaxes
            .find_syntax_by_token(lang)
            .ok_or(Fallback::UnknownLanguage)?;
        if code.len() > self.max_block || code.lines().any(|l| l.len() > self.max_line) {
            return Err(Fallback::TooLarge);
        }
        let start = Instant::now();
        let mut html =
            ClassedHTMLGenerator::new_with_class_style(syntax, &self.syntaxes, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            if start.elapsed() > self.budget {
                return Err(Fallback::TooSlow);
            }
            html.parse_html_for_line_which_includes_newline(line)
                .map_err(|_| Fallback::Failed)?;
        }
        if start.elapsed() > self.budget {
            return Err(Fallback::TooSlow);
        }
        Ok(html.finalize())
    }
}

impl Default for Highlighter {
    fn default() -> Self {
        Self::new()
    }
}

/// The pass.
pub struct Highlight {
    highlighter: std::sync::Arc<Highlighter>,
    enabled: bool,
}

impl Highlight {
    pub fn new(highlighter: std::sync::Arc<Highlighter>, enabled: bool) -> Self {
        Self {
            highlighter,
            enabled,
        }
    }
}

impl Pass for Highlight {
    fn name(&self) -> &'static str {
        "highlight"
    }

    fn run<'a>(&self, events: Vec<Spanned<'a>>, cx: &mut PassContext<'_>) -> Vec<Spanned<'a>> {
        let mut out = Vec::with_capacity(events.len());
        let mut iter = events.into_iter();
        while let Some((event, range)) = iter.next() {
            let Event::Start(Tag::CodeBlock(kind)) = event else {
                out.push((event, range));
                continue;
            };
            let mut code = String::new();
            for (e, _) in iter.by_ref() {
                match e {
                    Event::End(TagEnd::CodeBlock) => break,
                    Event::Text(t) => code.push_str(&t),
                    _ => {}
                }
            }
            let lang = match &kind {
                CodeBlockKind::Fenced(info) => info
                    .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                    .next()
                    .unwrap_or("")
                    .to_string(),
                CodeBlockKind::Indented => String::new(),
            };
            let highlighted = if self.enabled && !lang.is_empty() {
                match self.highlighter.highlight(&code, &lang) {
                    Ok(html) => Some(html),
                    Err(Fallback::UnknownLanguage)
                        if PLAIN.contains(&lang.to_lowercase().as_str()) =>
                    {
                        None
                    }
                    Err(Fallback::UnknownLanguage) => {
                        cx.warn(
                            format!("code block shown without highlighting: no syntax is known for the language `{lang}`"),
                            &range,
                        );
                        None
                    }
                    Err(why) => {
                        let reason = match why {
                            Fallback::TooLarge => {
                                "it is too large (a line over 10,000 bytes or a block over 512 KiB)"
                            }
                            Fallback::TooSlow => "highlighting took longer than its time budget",
                            _ => "the highlighter failed on it",
                        };
                        cx.warn(
                            format!("code block shown without highlighting: {reason}"),
                            &range,
                        );
                        None
                    }
                }
            } else {
                None
            };
            let lang_class = if lang.is_empty() {
                String::new()
            } else {
                format!(" class=\"language-{}\"", escape_html(&lang))
            };
            let html = match highlighted {
                Some(inner) => {
                    format!("<pre class=\"hl-code\"><code{lang_class}>{inner}</code></pre>\n")
                }
                None => format!(
                    "<pre><code{lang_class}>{}</code></pre>\n",
                    escape_html(&code)
                ),
            };
            out.push((Event::Html(html.into()), range));
        }
        out
    }
}

/// Fence languages that mean plain text: shown as they are, without a
/// warning.
const PLAIN: [&str; 6] = ["text", "txt", "plain", "plaintext", "none", "output"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::test_util::render;

    #[test]
    fn known_language_gets_classes_not_styles() {
        let r = render("```rust\nfn main() { let x = 1; }\n```\n");
        assert!(
            r.html
                .contains("<pre class=\"hl-code\"><code class=\"language-rust\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains("class=\"hl-"), "{}", r.html);
        assert!(!r.html.contains("style="));
    }

    #[test]
    fn unknown_language_is_escaped_plain_code() {
        let r = render("```klingon\n<script>alert(1)</script>\n```\n");
        assert!(
            r.html
                .contains("<pre><code class=\"language-klingon\">&lt;script&gt;"),
            "{}",
            r.html
        );
        // With a warning that names the language, as README says.
        assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
        assert!(!r.diagnostics[0].is_error());
        assert!(r.diagnostics[0].render().contains("`klingon`"));
        // Plain text is not an unknown language.
        for plain in ["text", "txt", "Plain"] {
            let r = render(&format!("```{plain}\nsome output\n```\n"));
            assert!(r.diagnostics.is_empty(), "{plain}: {:?}", r.diagnostics);
        }
    }

    #[test]
    fn huge_line_falls_back_with_a_warning() {
        let line = "a = \"".to_string() + &"x(".repeat(20_000) + "\"\n";
        let r = render(&format!("text\n\n```python\n{line}```\n"));
        assert!(r.html.contains("<pre><code class=\"language-python\">"));
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(r.diagnostics[0].line_col().unwrap().0, 3);
    }

    #[test]
    fn time_budget_falls_back() {
        let mut h = Highlighter::new();
        h.budget = Duration::ZERO;
        assert_eq!(
            h.highlight("fn main() {}\n", "rust"),
            Err(Fallback::TooSlow)
        );
    }

    #[test]
    fn css_has_classes() {
        let css = Highlighter::css("InspiredGitHub", Some("base16-ocean.dark")).unwrap();
        assert!(css.contains(".hl-"));
        assert!(css.contains("prefers-color-scheme: dark"));
    }
}
