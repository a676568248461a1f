//! The `sourcebrief` command line.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sourcebrief::config::Overrides;
use sourcebrief::serve::{ServeOptions, Server};
use sourcebrief::{BuildOptions, Diagnostic};

/// mimalloc: the build allocates many small strings on two or more threads,
/// where it is markedly faster than the system allocator (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A static-site generator for cited public briefings.
#[derive(Debug, Parser)]
#[command(name = "sourcebrief", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into its output folder (`public/` by default).
    Build {
        /// The site's folder (holds config.toml).
        #[arg(long, short, default_value = ".")]
        root: PathBuf,
        /// Where to write the site, instead of `output_dir` from config.toml.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// The URL the site will be published at, instead of `base_url`.
        #[arg(long, short = 'u')]
        base_url: Option<String>,
        /// Include pages marked `draft = true`.
        #[arg(long)]
        drafts: bool,
        /// Accept that published URLs or anchors disappear, and rewrite anchors.lock.
        #[arg(long)]
        update_lock: bool,
        /// Seconds one output may take in its template before the build
        /// stops with an error (default 60).
        #[arg(long, value_name = "SECONDS")]
        template_budget: Option<f64>,
    },
    /// Build the site in memory and check every link, anchor and image.
    Check {
        /// The site's folder (holds config.toml).
        #[arg(long, short, default_value = ".")]
        root: PathBuf,
        /// Also fetch external links (bounded time and size).
        #[arg(long)]
        external: bool,
        /// Seconds allowed for each external link.
        #[arg(long, default_value_t = 10)]
        timeout: u64,
        /// Seconds one output may take in its template before the build
        /// stops with an error (default 60).
        #[arg(long, value_name = "SECONDS")]
        template_budget: Option<f64>,
    },
    /// Build the site into memory, serve it on a loopback address, and
    /// rebuild and reload the browser on every change.
    Serve {
        /// The site's folder (holds config.toml).
        #[arg(long, short, default_value = ".")]
        root: PathBuf,
        /// The port to listen on (0 picks a free one).
        #[arg(long, short, default_value_t = 1111)]
        port: u16,
        /// The address to listen on. Anything but a loopback address makes
        /// the preview, drafts included, readable from the network.
        #[arg(long, short, default_value = "127.0.0.1")]
        interface: IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Include pages marked `draft = true`.
        #[arg(long)]
        drafts: bool,
        /// Scan for changes instead of relying on the file system's events
        /// (for network drives, some containers and virtual machines).
        #[arg(long)]
        poll: bool,
        /// Seconds one output may take in its template before the build
        /// stops with an error (default 60).
        #[arg(long, value_name = "SECONDS")]
        template_budget: Option<f64>,
    },
    /// Create a new site in DIR that builds as it is.
    Init {
        /// The folder to create (it must not exist, or be empty).
        dir: PathBuf,
    },
    /// Work with the files of a source.
    Source {
        #[command(subcommand)]
        command: SourceCommand,
    },
}

#[derive(Debug, Subcommand)]
enum SourceCommand {
    /// Write the text of a PDF, page by page, as a source text (FILE.txt
    /// beside it, each page under a `=== page LABEL ===` line).
    Extract {
        /// The PDF to read.
        file: PathBuf,
        /// How many PDF pages come before printed page 1: PDF page K is
        /// labelled K − N, the pages before it front-1, front-2, …
        #[arg(
            long,
            value_name = "N",
            default_value_t = 0,
            allow_negative_numbers = true
        )]
        offset: i64,
        /// Where to write the text, instead of FILE.txt beside the PDF.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            update_lock,
            template_budget,
        } => {
            let options = BuildOptions {
                root,
                overrides: Overrides {
                    output_dir: output,
                    base_url,
                    drafts,
                    template_budget: budget(template_budget),
                },
                update_lock,
            };
            match sourcebrief::build(&options) {
                Ok(report) => {
                    print_warnings(&report.warnings);
                    println!("{}", report.summary());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(
                    &e,
                    "Build failed",
                    " The previous output, if any, is unchanged.",
                ),
            }
        }
        Command::Check {
            root,
            external,
            timeout,
            template_budget,
        } => {
            let report = sourcebrief::check::check(&sourcebrief::check::CheckOptions {
                build: BuildOptions {
                    root,
                    overrides: Overrides {
                        template_budget: budget(template_budget),
                        ..Overrides::default()
                    },
                    ..BuildOptions::default()
                },
                external,
                timeout: Some(std::time::Duration::from_secs(timeout)),
            });
            print_warnings(&report.warnings);
            for e in sourcebrief::error::render_all(&report.errors) {
                eprintln!("{e}\n");
            }
            let n = report.errors.len();
            println!(
                "Checked {} pages, {} links{}: {n} error{}",
                report.pages,
                report.links,
                if external {
                    format!(" ({} external)", report.external)
                } else {
                    String::new()
                },
                if n == 1 { "" } else { "s" }
            );
            if n == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Command::Serve {
            root,
            port,
            interface,
            open,
            drafts,
            poll,
            template_budget,
        } => {
            let options = ServeOptions {
                root,
                interface,
                port,
                drafts,
                poll,
                open,
                template_budget: budget(template_budget),
            };
            match Server::bind(options).and_then(Server::run) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e, "serve failed", ""),
            }
        }
        Command::Init { dir } => match sourcebrief::init::init(&dir) {
            Ok(()) => {
                println!(
                    "Created a new site in {}. Build it with: sourcebrief build --root {}",
                    dir.display(),
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e, "init failed", ""),
        },
        Command::Source {
            command: SourceCommand::Extract { file, offset, out },
        } => match sourcebrief::extract::extract_to(&file, offset, out.as_deref()) {
            Ok((path, x)) => {
                println!(
                    "Wrote {}: {} page{}{}",
                    path.display(),
                    x.pages,
                    if x.pages == 1 { "" } else { "s" },
                    if x.empty_pages == 0 {
                        String::new()
                    } else {
                        format!(" ({} without text)", x.empty_pages)
                    }
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e, "extract failed", " Nothing was written."),
        },
    }
}

/// `--template-budget`: seconds, as a duration (a bad number is no limit
/// change: clap has checked it is a number).
fn budget(seconds: Option<f64>) -> Option<std::time::Duration> {
    seconds.and_then(|s| std::time::Duration::try_from_secs_f64(s).ok())
}

fn print_warnings(warnings: &[Diagnostic]) {
    for w in sourcebrief::error::render_all(warnings) {
        eprintln!("{w}\n");
    }
}

fn fail(e: &sourcebrief::Error, what: &str, note: &str) -> ExitCode {
    eprintln!("{e}");
    let n = e.diagnostics.len();
    eprintln!(
        "\n{what}: {n} error{}.{note}",
        if n == 1 { "" } else { "s" }
    );
    ExitCode::FAILURE
}
