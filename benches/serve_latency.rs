//! Edit-to-served latency of `sourcebrief serve` on a large synthetic site.
//!
//! ```sh
//! cargo bench --bench serve_latency -- [--pages 10000] [--edits 21] [--poll]
//! ```
//!
//! Generates a site of `--pages` pages in 100 sections in a temporary
//! folder, serves it with the release binary on a free loopback port, then
//! edits one page `--edits` times. Each latency is the time from the write
//! of the file to the first HTTP response of that page that shows the new
//! text (the server is polled every millisecond). Prints the median, the
//! spread and the machine. Not a test: it checks nothing but its own
//! sanity, and is not run by `cargo test`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SECTIONS: usize = 100;

fn main() {
    let mut pages = 10_000usize;
    let mut edits = 21usize;
    let mut poll = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--pages" => pages = args.next().and_then(|v| v.parse().ok()).expect("--pages N"),
            "--edits" => edits = args.next().and_then(|v| v.parse().ok()).expect("--edits N"),
            "--poll" => poll = true,
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }

    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let start = Instant::now();
    generate(&root, pages);
    println!(
        "generated {pages} pages in {SECTIONS} sections in {} ms",
        start.elapsed().as_millis()
    );

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sourcebrief"));
    cmd.arg("serve")
        .arg("--root")
        .arg(&root)
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if poll {
        cmd.arg("--poll");
    }
    let started = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(i) = line.find("http://") {
                let host = line[i + 7..].split('/').next().unwrap_or("").to_string();
                let _ = tx.send(host);
            } else if line.starts_with("Built ") || line.starts_with("Rebuilt ") {
                println!("server: {line}");
            }
        }
    });
    let addr: SocketAddr = rx
        .recv_timeout(Duration::from_secs(600))
        .expect("the server started")
        .parse()
        .unwrap();
    println!(
        "first build and serve: {} ms",
        started.elapsed().as_millis()
    );

    // The page in the middle of the site.
    let section = SECTIONS / 2;
    let index = pages / 2;
    let rel = format!("content/s{section:03}/p{index:05}.md");
    let url = format!("/s{section:03}/p{index:05}/");
    let file = root.join(&rel);
    let original = std::fs::read_to_string(&file).unwrap();
    assert!(get(addr, &url).contains("Page"), "the page is served");

    let mut latencies = Vec::with_capacity(edits);
    for n in 0..edits {
        let token = format!("edit-{n}-{}", std::process::id());
        let text = original.replacen("Page body.", &format!("Page body {token}."), 1);
        let t0 = Instant::now();
        std::fs::write(&file, &text).unwrap();
        loop {
            if get(addr, &url).contains(&token) {
                break;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(60),
                "edit {n} was never served"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        latencies.push(t0.elapsed());
        std::thread::sleep(Duration::from_millis(300));
    }
    let _ = child.kill();
    let _ = child.wait();

    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(latencies[latencies.len() / 2]);
    println!(
        "edit-to-served latency over {edits} edits of one page ({}): median {median:.0} ms, min {:.0} ms, max {:.0} ms",
        if poll {
            "polling watcher"
        } else {
            "native watcher"
        },
        ms(latencies[0]),
        ms(latencies[latencies.len() - 1]),
    );
    println!("machine: {}", machine());
}

/// A site of `pages` pages spread over [`SECTIONS`] sections.
fn generate(root: &Path, pages: usize) {
    let content = root.join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(
        root.join("config.toml"),
        "title = \"Large synthetic site\"\nbase_url = \"https://example.org\"\n",
    )
    .unwrap();
    std::fs::write(
        content.join("_index.md"),
        "+++\ntitle = \"Home\"\n+++\nA large site.\n",
    )
    .unwrap();
    for s in 0..SECTIONS {
        let dir = content.join(format!("s{s:03}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("_index.md"),
            format!("+++\ntitle = \"Section {s}\"\n+++\nSection {s}.\n"),
        )
        .unwrap();
    }
    let body = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor \
                incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis \
                nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.\n\n";
    for p in 0..pages {
        let s = p * SECTIONS / pages.max(1);
        let mut text = format!(
            "+++\ntitle = \"Page {p}\"\ndescription = \"Page number {p}.\"\nweight = {p}\ndate = 2024-01-{:02}\n+++\nPage body.\n\n## First part\n\n",
            p % 28 + 1
        );
        for _ in 0..4 {
            text.push_str(body);
        }
        text.push_str("## Second part\n\n- one\n- two\n- *three*\n\n```rust\nfn main() { println!(\"hi\"); }\n```\n\n");
        text.push_str(body);
        std::fs::write(
            content.join(format!("s{s:03}")).join(format!("p{p:05}.md")),
            text,
        )
        .unwrap();
    }
}

/// The body of `GET url`.
fn get(addr: SocketAddr, url: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {url} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    format!("{cpu}, {cores} cores, {}", std::env::consts::OS)
}
