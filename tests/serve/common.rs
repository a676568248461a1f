//! Helpers of the `serve` tests: a fixture site in a temporary folder, the
//! real binary serving it on a free loopback port, and a raw HTTP client (so
//! that malformed requests can be sent as they are).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sourcebrief::BuildOptions;
use sourcebrief::serve::preview_options;
use tempfile::TempDir;

/// How long any wait for the server may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(20);

#[path = "../support/fixtures.rs"]
mod fixtures;
pub use fixtures::{copy_dir, fixtures_dir};

/// A copy of `tests/fixtures/<name>` served by `sourcebrief serve`.
pub struct Served {
    pub tmp: TempDir,
    pub root: PathBuf,
    pub addr: SocketAddr,
    child: Child,
    /// Everything the server printed on stdout and stderr so far.
    pub log: Arc<Mutex<String>>,
}

impl Served {
    /// Copies the fixture and starts serving it with `args` added.
    pub fn start(fixture: &str, args: &[&str]) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        copy_dir(&fixtures_dir().join(fixture), &root);
        Self::start_in(tmp, root, args)
    }

    /// Serves the site at `root` (inside `tmp`).
    pub fn start_in(tmp: TempDir, root: PathBuf, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sourcebrief"))
            .arg("serve")
            .arg("--root")
            .arg(&root)
            .args(["--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    log.lock().unwrap().push_str(&format!("{line}\n"));
                    if let Some(i) = line.find("http://") {
                        let url = line[i + 7..].split('/').next().unwrap_or("").to_string();
                        let _ = tx.send(url);
                    }
                }
            });
        }
        {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    log.lock().unwrap().push_str(&format!("{line}\n"));
                }
            });
        }
        let addr = match rx.recv_timeout(WAIT) {
            Ok(a) => a.parse().unwrap(),
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "serve printed no address within {WAIT:?}:\n{}",
                    log.lock().unwrap()
                );
            }
        };
        Self {
            tmp,
            root,
            addr,
            child,
            log,
        }
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// The reports of the builds so far (`Built …` and `Rebuilt …` lines).
    pub fn reports(&self) -> Vec<String> {
        self.log()
            .lines()
            .filter(|l| l.starts_with("Built ") || l.starts_with("Rebuilt "))
            .map(str::to_string)
            .collect()
    }

    /// Waits until at least `n` build reports were printed (the log is read
    /// on its own thread, a moment after the server acts); returns them.
    pub fn wait_for_reports(&self, n: usize) -> Vec<String> {
        let start = Instant::now();
        loop {
            let r = self.reports();
            if r.len() >= n {
                return r;
            }
            assert!(
                start.elapsed() < WAIT,
                "fewer than {n} build reports after {WAIT:?}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits for report number `n` (1-based) and checks that no other
    /// follows within a moment: exactly `n` builds happened.
    pub fn expect_reports(&self, n: usize) -> Vec<String> {
        self.wait_for_reports(n);
        std::thread::sleep(Duration::from_millis(500));
        let r = self.reports();
        assert_eq!(r.len(), n, "expected {n} builds:\n{}", self.log());
        r
    }

    /// The number of build reports once no new one came for half a second.
    pub fn settled_reports(&self) -> usize {
        let start = Instant::now();
        let mut n = self.reports().len();
        loop {
            std::thread::sleep(Duration::from_millis(500));
            let now = self.reports().len();
            if now == n || start.elapsed() > WAIT {
                return now;
            }
            n = now;
        }
    }

    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// `GET target` with a correct Host header.
    pub fn get(&self, target: &str) -> Response {
        self.request(&format!(
            "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.host()
        ))
    }

    /// Sends `raw` as it is and reads the response.
    pub fn request(&self, raw: &str) -> Response {
        raw_request(self.addr, raw)
    }

    /// Writes a file of the site (making folders as needed).
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Writes a file the way many editors save: a temporary file beside it,
    /// renamed over it.
    pub fn atomic_write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        let tmp = path.with_file_name(format!(
            ".{}.tmp",
            path.file_name().unwrap().to_string_lossy()
        ));
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
    }

    pub fn rename(&self, from: &str, to: &str) {
        std::fs::rename(self.root.join(from), self.root.join(to)).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        let p = self.root.join(rel);
        if p.is_dir() {
            std::fs::remove_dir_all(p).unwrap();
        } else {
            std::fs::remove_file(p).unwrap();
        }
    }

    /// Polls `target` until `check` holds for its response; fails the test
    /// with the last response and the server's log after [`WAIT`].
    pub fn wait_for(
        &self,
        target: &str,
        what: &str,
        check: impl Fn(&Response) -> bool,
    ) -> Response {
        let start = Instant::now();
        loop {
            let r = self.get(target);
            if check(&r) {
                return r;
            }
            if start.elapsed() > WAIT {
                panic!(
                    "{target}: not {what} after {WAIT:?}; last response {} {}\n--- server log ---\n{}",
                    r.status,
                    r.text(),
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Waits until `target` is served with `text` in it.
    pub fn wait_for_text(&self, target: &str, text: &str) -> Response {
        self.wait_for(target, &format!("showing {text:?}"), |r| {
            r.status == 200 && r.text().contains(text)
        })
    }

    /// Waits until `target` is a 404.
    pub fn wait_for_404(&self, target: &str) -> Response {
        self.wait_for(target, "gone", |r| r.status == 404)
    }

    /// A field of the server process's `/proc/<pid>/status` (`Threads`,
    /// `VmRSS` in kB), as a number.
    pub fn proc_status(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{field}:")))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {field} in {status}"))
    }

    /// The build options of a clean build of what is served.
    pub fn build_options(&self) -> BuildOptions {
        preview_options(self.root.clone(), false)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A parsed HTTP response.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body with what `serve` adds to pages (live-reload tags, error
    /// overlay) taken out again: what a build would have written.
    pub fn built_body(&self) -> Vec<u8> {
        let is_html = self
            .header("content-type")
            .is_some_and(|c| c.starts_with("text/html"));
        if !is_html {
            return self.body.clone();
        }
        let mut text = self.text();
        let start = "<link rel=\"stylesheet\" href=\"/__sourcebrief/overlay.css\">";
        if let Some(i) = text.find(start) {
            let end = "defer></script>";
            let j = text[i..].find(end).expect("injected script") + i + end.len();
            text.replace_range(i..j, "");
        }
        if let Some(i) = text.find("<div id=\"sourcebrief-overlay\"") {
            let j = text.rfind("</body>").expect("body end");
            text.replace_range(i..j, "");
        }
        text.into_bytes()
    }
}

/// Sends `raw` to `addr` and reads the whole response (the request should
/// ask for `Connection: close`, or the server closes after it).
pub fn raw_request(addr: SocketAddr, raw: &str) -> Response {
    let mut stream = TcpStream::connect_timeout(&addr, WAIT).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    read_response(&mut stream, raw.starts_with("HEAD "))
}

fn read_response(stream: &mut TcpStream, head_only: bool) -> Response {
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"))
        .parse()
        .unwrap();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (n, v) = line.split_once(':').unwrap();
        headers.push((n.trim().to_string(), v.trim().to_string()));
    }
    let mut body = Vec::new();
    let len = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.parse::<usize>().unwrap());
    if !head_only {
        match len {
            Some(n) => {
                body.resize(n, 0);
                reader.read_exact(&mut body).unwrap();
            }
            None => {
                reader.read_to_end(&mut body).unwrap();
            }
        }
    }
    Response {
        status,
        headers,
        body,
    }
}

/// Opens the live-reload event stream and returns the connection, with the
/// response head already read.
pub fn open_events(addr: SocketAddr, extra_headers: &str) -> (u16, BufReader<TcpStream>) {
    let mut stream = TcpStream::connect_timeout(&addr, WAIT).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        stream,
        "GET /__sourcebrief/events HTTP/1.1\r\nHost: {addr}\r\n{extra_headers}\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.trim_end().is_empty() {
            break;
        }
    }
    (status, reader)
}

/// The next `data:` line of an event stream.
pub fn next_event(reader: &mut BufReader<TcpStream>) -> String {
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).unwrap();
        assert!(n > 0, "event stream closed");
        if let Some(data) = line.strip_prefix("data: ") {
            return data.trim_end().to_string();
        }
    }
}
