//! Edit-to-served latency of `sourcebrief serve`: starts the server on a free
//! loopback port, waits for the first build, then edits one page again and
//! again and times how long each edit takes to show up over HTTP.
//!
//! Edits alternate between two kinds: a sentence appended as a new
//! paragraph (the page's anchors stay), and a word put in front of the
//! body's first paragraph (its id, made from its first words, changes: the
//! server checks every link of the site to the page).
//!
//! ```sh
//! cargo run --release --example serve_latency -- BIN SITE_DIR PAGE_FILE URL_PATH [EDITS]
//! # e.g. target/release/sourcebrief target/bench/c10000-sourcebrief \
//! #      content/section-01/page-00001.md /section-01/page-00001/ 20
//! ```
//!
//! Every loop is bounded in count and time, only 127.0.0.1 is contacted, and
//! the page is restored at the end. Prints the median, minimum and maximum.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the server when dropped, whatever happens.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(addr: SocketAddr, path: &str) -> Option<String> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    String::from_utf8(buf).ok()
}

/// Polls until `path` answers with a body containing `needle`, or `limit`.
fn wait_for(addr: SocketAddr, path: &str, needle: &str, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        let ok = |r: &str| {
            let status = r.lines().next().unwrap_or("");
            status.starts_with("HTTP/1.") && status.contains(" 200") && r.contains(needle)
        };
        if get(addr, path).is_some_and(|r| ok(&r)) {
            return Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    None
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 4 {
        eprintln!("usage: serve_latency BIN SITE_DIR PAGE_FILE URL_PATH [EDITS]");
        std::process::exit(2);
    }
    let (bin, root, page, url) = (&args[0], PathBuf::from(&args[1]), &args[2], &args[3]);
    let edits: usize = args.get(4).and_then(|n| n.parse().ok()).unwrap_or(20);
    let file = root.join(page);
    let original = std::fs::read_to_string(&file).expect("the page to edit");

    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let _server = Server(
        Command::new(bin)
            .args(["serve", "--root"])
            .arg(&root)
            .args(["--port", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("sourcebrief serve starts"),
    );
    let first = wait_for(addr, url, "<html", Duration::from_secs(300));
    let Some(first) = first else {
        eprintln!("serve_latency: the server did not answer within 300 s");
        std::process::exit(1);
    };
    println!("first build served after {} ms", first.as_millis());

    // (appended, first paragraph renamed)
    let mut times: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    for k in 0..edits {
        // Let the watcher settle so that each edit is timed on its own.
        std::thread::sleep(Duration::from_millis(300));
        let marker = format!("benchedit{k}x{port}");
        let kind = k % 2;
        let edited = if kind == 0 {
            format!("{original}\nA sentence with {marker} in it.\n")
        } else {
            prefix_first_paragraph(&original, &marker)
        };
        let start = Instant::now();
        std::fs::write(&file, edited).expect("the page is writable");
        match wait_for(addr, url, &marker, Duration::from_secs(60)) {
            Some(_) => times[kind].push(start.elapsed().as_secs_f64() * 1000.0),
            None => eprintln!("edit {k} not served within 60 s"),
        }
    }
    std::fs::write(&file, &original).expect("the page is restored");
    let all: Vec<f64> = times.concat();
    if all.is_empty() {
        eprintln!("serve_latency: no edit was served");
        std::process::exit(1);
    }
    let [appended, renamed] = times;
    for (name, mut list) in [
        ("a paragraph appended", appended),
        ("first paragraph's id changed", renamed),
        ("all edits", all),
    ] {
        if list.is_empty() {
            continue;
        }
        list.sort_by(f64::total_cmp);
        println!(
            "edit-to-served ({name}): {:.1} ms median, {:.1} min, {:.1} max, of {} edits",
            list[list.len() / 2],
            list[0],
            list[list.len() - 1],
            list.len()
        );
    }
}

/// `text` with `word` put in front of the first paragraph of its body (the
/// first line after the front matter that starts with a letter).
fn prefix_first_paragraph(text: &str, word: &str) -> String {
    let body_start = ["+++\n", "---\n"]
        .iter()
        .filter_map(|fence| {
            let rest = text.strip_prefix(fence)?;
            Some(fence.len() + rest.find(fence)? + fence.len())
        })
        .next()
        .unwrap_or(0);
    let mut at = body_start;
    for line in text[body_start..].split_inclusive('\n') {
        if line.starts_with(|c: char| c.is_alphabetic()) {
            return format!("{}{word} {}", &text[..at], &text[at..]);
        }
        at += line.len();
    }
    format!("{text}\n{word}\n")
}
