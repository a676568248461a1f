//! Small text utilities: slugs, HTML escaping, and "did you mean" suggestions.

/// A URL- and id-safe slug: lower-case letters and digits of any script are
/// kept, everything else becomes a single `-`. `"CNNVD & CNITSEC"` →
/// `"cnnvd-cnitsec"`, `"安洵信息"` → `"安洵信息"`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if !matches!(c, '\'' | '’') {
            // Apostrophes inside words do not split them ("BfV's" → "bfvs").
            dash = true;
        }
    }
    out
}

/// `text` with typographic punctuation, as the Markdown of bodies gets it
/// with `smart_punctuation`: curly quotes and apostrophes, `--` and `---` as
/// dashes, `...` as an ellipsis. pulldown-cmark does the work (the same rules
/// as in bodies); every other character is escaped first, so the text is
/// never read as Markdown. Text without anything to change is returned as
/// it is.
pub fn smart_punctuation(text: &str) -> std::borrow::Cow<'_, str> {
    use pulldown_cmark::{Event, Options, Parser};
    if !text.contains(['\'', '"']) && !text.contains("--") && !text.contains("...") {
        return std::borrow::Cow::Borrowed(text);
    }
    // Every ASCII punctuation character but the ones smart punctuation
    // reads is escaped, and so is a leading `-` or a list number's `.`.
    let mut escaped = String::with_capacity(text.len() + 8);
    let line = text.trim().replace(['\n', '\r'], " ");
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    for (i, c) in line.chars().enumerate() {
        let lead = (i == 0 && c == '-') || (i == digits && digits > 0 && c == '.');
        if lead || (c.is_ascii_punctuation() && !matches!(c, '\'' | '"' | '-' | '.')) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    let mut out = String::with_capacity(text.len());
    for event in Parser::new_ext(&escaped, Options::ENABLE_SMART_PUNCTUATION) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Escapes `&`, `<`, `>`, `"` and `'` for HTML text and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let _ = escape_runs(text, |run| {
        out.push_str(run);
        Ok::<(), std::convert::Infallible>(())
    });
    out
}

/// [`escape_html`] into a writer: the escape function of the templates
/// (the same output as Tera's own, which writes byte by byte).
pub fn write_escaped_html(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    escape_runs(text, |run| out.write_all(run.as_bytes()))
}

/// Hands `text` to `push` in runs: the stretches without a character to
/// escape as they are, and each such character as its entity.
fn escape_runs<E>(text: &str, mut push: impl FnMut(&str) -> Result<(), E>) -> Result<(), E> {
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        if start < i {
            push(&text[start..i])?;
        }
        push(entity)?;
        start = i + 1;
    }
    if start < text.len() {
        push(&text[start..])?;
    }
    Ok(())
}

/// A short, stable hash of `bytes` (FNV-1a, 64 bits; 8 hex digits), for
/// cache-busting asset URLs. Not for security.
pub fn short_hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", (h >> 32) ^ (h & 0xffff_ffff))
}

/// Levenshtein distance in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `name` (case-insensitively), if it is close
/// enough to be a likely typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(lower.chars().count()) / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

/// The `n` candidates closest to `name`, best first.
pub fn closest_n<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    let lower = name.to_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), c))
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Hello, World!"), "hello-world");
        assert_eq!(slugify("  The 48-hour rule "), "the-48-hour-rule");
        assert_eq!(slugify("CNNVD & CNITSEC"), "cnnvd-cnitsec");
        assert_eq!(slugify("BfV's report"), "bfvs-report");
        assert_eq!(slugify("安洵信息"), "安洵信息");
        assert_eq!(slugify("Über Ärger"), "über-ärger");
        assert_eq!(slugify("snake_case_name"), "snake-case-name");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn escaping() {
        assert_eq!(
            escape_html("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn template_escaping_matches_teras_own() {
        for text in [
            "",
            "plain",
            "<a href=\"x\">&'",
            "&&<<",
            "Who’s who: 安洵 <i-Soon> & \"CNNVD\"'",
            "trailing >",
        ] {
            let (mut ours, mut teras) = (Vec::new(), Vec::new());
            write_escaped_html(text, &mut ours).unwrap();
            tera::escape_html(text, &mut teras).unwrap();
            assert_eq!(ours, teras, "{text}");
            assert_eq!(escape_html(text).as_bytes(), ours, "{text}");
        }
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            closest("cnnvb", ["cnnvd", "cnitsec", "i-soon"]),
            Some("cnnvd")
        );
        assert_eq!(closest("zzzzzz", ["cnnvd"]), None);
        assert_eq!(
            closest_n("isoon", ["i-soon", "cnnvd", "bfv"], 2),
            ["i-soon", "bfv"]
        );
    }

    #[test]
    fn smart_punctuation_of_plain_text() {
        assert_eq!(
            smart_punctuation("The BfV's \"four-part\" series -- and more..."),
            "The BfV\u{2019}s \u{201c}four-part\u{201d} series \u{2013} and more\u{2026}"
        );
        // Nothing else is read as Markdown.
        assert_eq!(
            smart_punctuation("*i-Soon's* <b>1. [x](y)"),
            "*i-Soon\u{2019}s* <b>1. [x](y)"
        );
        assert_eq!(smart_punctuation("1. It's"), "1. It\u{2019}s");
        assert_eq!(smart_punctuation("- it's"), "- it\u{2019}s");
        assert_eq!(smart_punctuation("# A \\ b's"), "# A \\ b\u{2019}s");
        assert!(matches!(
            smart_punctuation("plain text"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
