//! Helpers shared by the integration tests.

use std::path::PathBuf;
use std::process::{Command, Output};

use scraper::{Html, Selector};
use tempfile::TempDir;

/// A copy of a fixture site in a temporary folder.
pub struct Fixture {
    _tmp: TempDir,
    pub root: PathBuf,
    pub out: PathBuf,
}

/// What a run of the binary did.
pub struct Run {
    pub output: Output,
}

impl Run {
    pub fn success(&self) -> bool {
        self.output.status.success()
    }
    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    /// Asserts the run succeeded, showing its messages if not.
    pub fn ok(self) -> Self {
        assert!(self.success(), "build failed:\n{}", self.stderr());
        self
    }
    /// Asserts the run failed with exit code 1 and no panic.
    pub fn failed(self) -> Self {
        assert_eq!(
            self.code(),
            Some(1),
            "expected failure, got:\n{}{}",
            self.stdout(),
            self.stderr()
        );
        assert!(!self.stderr().contains("panicked"), "{}", self.stderr());
        self
    }
}

#[path = "../support/fixtures.rs"]
mod fixtures;
pub use fixtures::{copy_dir, fixtures_dir};

/// A copy of the bundled site (config, content, theme, anchor lock) in
/// `dir/site`; returns its root.
pub fn bundled_site(dir: &std::path::Path) -> PathBuf {
    let root = dir.join("site");
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content"), &root.join("content"));
    copy_dir(&repo.join("themes"), &root.join("themes"));
    std::fs::copy(repo.join("config.toml"), root.join("config.toml")).unwrap();
    if repo.join("anchors.lock").exists() {
        std::fs::copy(repo.join("anchors.lock"), root.join("anchors.lock")).unwrap();
    }
    root
}

/// Builds the site at `root` into `out` (with `args`), and asserts it built.
pub fn build_into(root: &std::path::Path, out: &std::path::Path, args: &[&str]) {
    let run = bin()
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .args(args)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// Builds the fixture `name`, expects the build to fail (exit 1, no panic,
/// no output written), and returns its messages.
pub fn build_fails(name: &str) -> String {
    let site = Fixture::new(name);
    let run = site.build(&[]).failed();
    assert!(!site.out.exists(), "a failed build must not write output");
    run.stderr()
}

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sourcebrief"))
}

impl Fixture {
    /// Copies `tests/fixtures/<name>` into a fresh temporary folder.
    pub fn new(name: &str) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        copy_dir(&fixtures_dir().join(name), &root);
        let out = tmp.path().join("public");
        Self {
            _tmp: tmp,
            root,
            out,
        }
    }

    /// Runs `sourcebrief build --root <site> --output <tmp>/public <args>`.
    pub fn build(&self, args: &[&str]) -> Run {
        let output = bin()
            .arg("build")
            .arg("--root")
            .arg(&self.root)
            .arg("--output")
            .arg(&self.out)
            .args(args)
            .output()
            .unwrap();
        Run { output }
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// The text of an output file.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.out.join(rel).exists()
    }

    /// An output file, parsed as HTML.
    pub fn html(&self, rel: &str) -> Page {
        Page(Html::parse_document(&self.read(rel)))
    }
}

/// A parsed output page.
pub struct Page(pub Html);

impl Page {
    fn sel(css: &str) -> Selector {
        Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"))
    }

    /// Text of every element matching `css`, trimmed, in document order.
    pub fn texts(&self, css: &str) -> Vec<String> {
        self.0
            .select(&Self::sel(css))
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// The text of the one element matching `css`.
    pub fn text(&self, css: &str) -> String {
        let t = self.texts(css);
        assert_eq!(t.len(), 1, "expected one `{css}`, found {}", t.len());
        t.into_iter().next().unwrap()
    }

    /// The attribute `attr` of every element matching `css`.
    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        self.0
            .select(&Self::sel(css))
            .filter_map(|e| e.value().attr(attr).map(str::to_string))
            .collect()
    }

    pub fn count(&self, css: &str) -> usize {
        self.0.select(&Self::sel(css)).count()
    }

    /// Every element of the page that carries a `style` attribute or is an
    /// inline script (the site's CSP forbids both).
    pub fn csp_violations(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .0
            .select(&Self::sel("[style]"))
            .map(|e| e.html())
            .collect();
        for s in self.0.select(&Self::sel("script")) {
            let typ = s.value().attr("type").unwrap_or("");
            // A data block (JSON) is never run, so the CSP does not apply.
            let data = matches!(typ, "application/ld+json" | "application/json");
            if s.value().attr("src").is_none() && !data {
                v.push(s.html());
            }
        }
        v
    }
}

/// Serves the files of `dir` over HTTP on a free loopback port, until the
/// test process ends; returns the port. `/x/` serves `x/index.html`, misses
/// get `404.html`. Enough for a browser to load a built site.
pub fn serve_dir(dir: PathBuf) -> u16 {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let dir = dir.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                // Drain the headers.
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) <= 2 {
                        break;
                    }
                }
                let target = line.split_whitespace().nth(1).unwrap_or("/");
                let path = target.split(['?', '#']).next().unwrap_or("/");
                let decoded = sourcebrief::anchors::percent_decode(path);
                let mut file = dir.join(decoded.trim_start_matches('/'));
                if decoded.contains("..") {
                    file = dir.join("404.html");
                }
                if file.is_dir() {
                    file = file.join("index.html");
                }
                let (status, body, file) = match std::fs::read(&file) {
                    Ok(b) => ("200 OK", b, file),
                    Err(_) => (
                        "404 Not Found",
                        std::fs::read(dir.join("404.html")).unwrap_or_default(),
                        dir.join("404.html"),
                    ),
                };
                let kind = match file.extension().and_then(|e| e.to_str()) {
                    Some("html") => "text/html; charset=utf-8",
                    Some("css") => "text/css; charset=utf-8",
                    Some("js") => "text/javascript; charset=utf-8",
                    Some("xml") => "application/xml",
                    Some("png") => "image/png",
                    Some("svg") => "image/svg+xml",
                    _ => "application/octet-stream",
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            });
        }
    });
    port
}
