//! `sourcebrief init DIR`: a minimal site that builds as it is, using the
//! built-in default theme.

use std::path::Path;

use crate::error::{Error, Result};

const FILES: &[(&str, &str)] = &[
    (
        "config.toml",
        r#"title = "My briefing"
description = "A briefing in which every claim cites its source."
base_url = "https://example.org"
language = "en"
# theme = "default"        # the built-in theme, or a folder in themes/
# author = "Your name"     # the byline of every article
# publisher = "Who publishes it"   # default: the title
# citation_style = "chicago-notes" # a CSL style hayagriva bundles, or a .csl file

[markdown]
smart_punctuation = true
highlight_theme = "InspiredGitHub"

[extra]
"#,
    ),
    (
        "content/_index.md",
        r#"+++
title = "My briefing"
description = "What this briefing is about."
+++
Start with [the first chapter](/briefing/first-chapter/).
"#,
    ),
    (
        "content/briefing/_index.md",
        r#"+++
title = "Briefing"
sort_by = "weight"
+++
The chapters of the briefing.
"#,
    ),
    (
        "content/briefing/first-chapter.md",
        r#"+++
title = "First chapter"
description = "A first page."
date = 2024-01-01
weight = 10
+++
## What happened {#what-happened}

Write each claim in your own words, then cite the page of the source it
rests on.
"#,
    ),
    (
        "content/sources/example-report.md",
        r#"+++
title = "An example report"
short = "Example report"
publisher = "Example publisher"
date = 2024-01-01
url = "https://example.com/report"
pages = 10
+++
A short summary of the source.
"#,
    ),
    ("static/.gitkeep", ""),
    ("templates/.gitkeep", ""),
];

/// Creates the site in `dir`, which must not exist or be empty.
pub fn init(dir: &Path) -> Result<()> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        if entries.next().is_some() {
            return Err(Error::msg(format!(
                "{} is not empty; choose a new folder",
                dir.display()
            )));
        }
    }
    for (rel, text) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}
