//! Writes a synthetic briefing site for benchmarks.
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --pages 10000 --out DIR \
//!     [--flavor sourcebrief|zola|hugo] [--seed N]
//! ```
//!
//! The same seed and page count always give the same files; `--flavor`
//! writes the equivalent site for Zola or Hugo.

mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

use corpus::{Flavor, Options};

const USAGE: &str =
    "usage: gen_corpus --pages N --out DIR [--flavor sourcebrief|zola|hugo] [--seed N]";

fn main() -> ExitCode {
    let mut pages = None;
    let mut out = None;
    let mut flavor = Flavor::Sourcebrief;
    let mut seed = 1;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        let ok = match (arg.as_str(), value) {
            ("--pages", Some(v)) => v.parse().map(|n| pages = Some(n)).is_ok(),
            ("--out", Some(v)) => {
                out = Some(PathBuf::from(v));
                true
            }
            ("--flavor", Some(v)) => Flavor::parse(&v).map(|f| flavor = f).is_some(),
            ("--seed", Some(v)) => v.parse().map(|n| seed = n).is_ok(),
            _ => false,
        };
        if !ok {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    }
    let (Some(pages), Some(out)) = (pages, out) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match corpus::write(&Options::new(pages, seed, flavor), &out) {
        Ok(n) => {
            println!("wrote {n} files into {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            ExitCode::FAILURE
        }
    }
}
