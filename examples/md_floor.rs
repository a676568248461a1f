//! The floor of a build: the time pulldown-cmark alone needs to turn every
//! Markdown body of a site into HTML, on all cores (rayon), with the options
//! sourcebrief uses. Front matter is cut off; nothing else is done.
//!
//! ```sh
//! cargo run --release --example md_floor -- SITE_DIR [REPETITIONS]
//! ```
//!
//! Prints the median of the repetitions in milliseconds, for parsing and
//! rendering alone (files are read once, before timing).

use std::path::Path;
use std::time::Instant;

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;

fn body(text: &str) -> &str {
    for fence in ["+++", "---"] {
        if let Some(rest) = text.strip_prefix(fence)
            && let Some(end) = rest.find(&format!("\n{fence}"))
        {
            let after = &rest[end + 1 + fence.len()..];
            return after.strip_prefix('\n').unwrap_or(after);
        }
    }
    text
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: md_floor SITE_DIR [REPETITIONS]");
        std::process::exit(2);
    };
    let reps: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let content = Path::new(&root).join("content");
    let texts: Vec<String> = walkdir::WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| std::fs::read_to_string(e.path()).expect("readable file"))
        .collect();
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_SMART_PUNCTUATION;
    let mut times = Vec::with_capacity(reps);
    let mut bytes = 0;
    for _ in 0..reps.max(1) {
        let start = Instant::now();
        bytes = texts
            .par_iter()
            .map(|t| {
                let b = body(t);
                let mut out = String::with_capacity(b.len() * 3 / 2);
                html::push_html(&mut out, Parser::new_ext(b, options));
                out.len()
            })
            .sum::<usize>();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{:.1} ms median of {} ({} files, {} bytes of HTML, {} threads)",
        times[times.len() / 2],
        times.len(),
        texts.len(),
        bytes,
        rayon::current_num_threads()
    );
}
