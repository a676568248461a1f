//! The HTTP side of `serve`: which requests are answered, and how.
//!
//! [`route`] is a pure function of the request head and the served
//! [`Snapshot`], so every rule is unit tested without a socket:
//!
//! - the `Host` must be `localhost`, `127.0.0.1`, `[::1]` or the interface
//!   the server is bound to (no DNS rebinding); when bound to every
//!   interface (`0.0.0.0` or `::`), any IP address is accepted, never a name
//!   other than `localhost`;
//! - only `GET` and `HEAD` (else 405);
//! - only origin-form targets (`/path`): absolute-form (`http://host/`),
//!   authority-form and `*` are refused;
//! - the path is percent-decoded once; `.` and `..` segments (written or
//!   encoded), encoded slashes and backslashes, NUL and invalid UTF-8 are
//!   refused (400); files are looked up in the in-memory site only, so
//!   nothing outside the built site can ever be served;
//! - live-reload connections from a foreign `Origin` are refused (403);
//! - no CORS headers; `X-Content-Type-Options: nosniff`; a `Content-Type`
//!   for every file; the site's own 404 page for misses.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use crate::serve::livereload::{self, Shared, Snapshot};
use crate::serve::rebuild::Bytes;

/// Which `Host` and `Origin` values the server answers.
#[derive(Debug, Clone)]
pub struct Access {
    /// The interface the server is bound to.
    pub interface: IpAddr,
    /// The port it is bound to.
    pub port: u16,
}

impl Access {
    /// Whether `host` (a `Host` header: name or address, optional port)
    /// names this server.
    pub fn host_allowed(&self, host: &str) -> bool {
        let Some((name, port)) = split_host(host) else {
            return false;
        };
        if let Some(p) = port
            && p != self.port
        {
            return false;
        }
        if name.eq_ignore_ascii_case("localhost") {
            return true;
        }
        match name.parse::<IpAddr>() {
            Ok(ip) => {
                ip == IpAddr::from([127, 0, 0, 1])
                    || ip == IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1])
                    || ip == self.interface
                    || self.interface.is_unspecified()
            }
            Err(_) => false,
        }
    }

    /// Whether a live-reload request with `Origin: origin` comes from a page
    /// of this server.
    pub fn origin_allowed(&self, origin: &str) -> bool {
        match origin.strip_prefix("http://") {
            Some(host) if !host.contains('/') => {
                // An origin always names its port when it is not 80.
                let explicit = split_host(host).is_some_and(|(_, p)| p.is_some());
                (explicit || self.port == 80) && self.host_allowed(host)
            }
            _ => false,
        }
    }
}

/// `name[:port]` or `[v6][:port]` → (name, port); `None` if malformed.
fn split_host(host: &str) -> Option<(&str, Option<u16>)> {
    let host = host.trim();
    let (name, rest) = if let Some(v6) = host.strip_prefix('[') {
        let end = v6.find(']')?;
        (&v6[..end], &v6[end + 1..])
    } else {
        match host.rfind(':') {
            Some(i) => (&host[..i], &host[i..]),
            None => (host, ""),
        }
    };
    let port = match rest {
        "" => None,
        r => Some(r.strip_prefix(':')?.parse::<u16>().ok()?),
    };
    if name.is_empty() || name.contains(['/', '@', ' ', '[', ']']) {
        return None;
    }
    Some((name, port))
}

/// An answer to a request.
#[derive(Debug)]
pub enum Route {
    Reply(Reply),
    /// The live-reload event stream.
    Events,
}

/// A complete response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Bytes,
}

impl Reply {
    fn new(status: u16, content_type: &str, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body: body.into(),
        }
    }

    fn text(status: u16, text: &str) -> Self {
        Self::new(
            status,
            "text/plain; charset=utf-8",
            Bytes::from(format!("{text}\n").into_bytes()),
        )
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request target is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum BadTarget {
    /// Not `/…` (absolute-form, authority-form, `*`).
    NotOriginForm,
    /// A `%` not followed by two hex digits, NUL, or invalid UTF-8.
    BadEncoding,
    /// `.` or `..` segments, encoded slashes, backslashes.
    Traversal,
}

/// The output path a request target names (`/a/b/?x` → `a/b/`), decoded and
/// checked. A trailing `/` is kept; the leading one is removed.
pub fn target_path(target: &str) -> Result<String, BadTarget> {
    if !target.starts_with('/') {
        return Err(BadTarget::NotOriginForm);
    }
    let raw = target.split(['?', '#']).next().unwrap_or("");
    let mut bytes = Vec::with_capacity(raw.len());
    let mut it = raw.bytes();
    while let Some(b) = it.next() {
        if b == b'%' {
            let hex = |c: Option<u8>| (c? as char).to_digit(16);
            let (Some(h), Some(l)) = (hex(it.next()), hex(it.next())) else {
                return Err(BadTarget::BadEncoding);
            };
            let decoded = (h * 16 + l) as u8;
            if decoded == b'/' || decoded == b'\\' {
                return Err(BadTarget::Traversal);
            }
            bytes.push(decoded);
        } else {
            bytes.push(b);
        }
    }
    let path = String::from_utf8(bytes).map_err(|_| BadTarget::BadEncoding)?;
    if path.contains('\0') {
        return Err(BadTarget::BadEncoding);
    }
    if path.contains('\\') {
        return Err(BadTarget::Traversal);
    }
    let rest = &path[1..];
    if rest.split('/').any(|seg| seg == "." || seg == "..") {
        return Err(BadTarget::Traversal);
    }
    if rest.starts_with('/') {
        // `//host/…` is a network-path reference, not a file.
        return Err(BadTarget::NotOriginForm);
    }
    Ok(rest.to_string())
}

/// The `Content-Type` of an output file, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == "_redirects" || name == "_headers" {
        return "text/plain; charset=utf-8";
    }
    let ext = match name.rsplit_once('.') {
        Some((_, e)) => e.to_ascii_lowercase(),
        None => return "application/octet-stream",
    };
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml",
        "rss" => "application/rss+xml",
        "atom" => "application/atom+xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "zip" => "application/zip",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Answers one request.
pub fn route(
    access: &Access,
    snapshot: &Snapshot,
    method: &str,
    target: &str,
    headers: &[(String, String)],
) -> Route {
    match answer(access, snapshot, method, target, headers) {
        Route::Reply(r) => Route::Reply(with_common_headers(r)),
        Route::Events => Route::Events,
    }
}

fn with_common_headers(mut r: Reply) -> Reply {
    r.headers.push(("X-Content-Type-Options", "nosniff".into()));
    r.headers.push(("Cache-Control", "no-store".into()));
    r.headers.push(("Server", "sourcebrief".into()));
    r
}

fn answer(
    access: &Access,
    snapshot: &Snapshot,
    method: &str,
    target: &str,
    headers: &[(String, String)],
) -> Route {
    match header(headers, "host") {
        None => return Route::Reply(Reply::text(400, "400 Bad Request: no Host header")),
        Some(h) if !access.host_allowed(h) => {
            return Route::Reply(Reply::text(
                403,
                "403 Forbidden: this development server answers only to localhost",
            ));
        }
        Some(_) => {}
    }
    if method != "GET" && method != "HEAD" {
        let mut r = Reply::text(405, "405 Method Not Allowed");
        r.headers.push(("Allow", "GET, HEAD".into()));
        return Route::Reply(r);
    }
    let path = match target_path(target) {
        Ok(p) => p,
        Err(BadTarget::NotOriginForm) => {
            return Route::Reply(Reply::text(
                400,
                "400 Bad Request: the target must be a path",
            ));
        }
        Err(_) => return Route::Reply(Reply::text(400, "400 Bad Request: bad path")),
    };

    let absolute = format!("/{path}");
    if let Some(own) = absolute.strip_prefix(livereload::PREFIX) {
        return Route::Reply(match own {
            "livereload.js" => Reply::new(200, content_type(own), livereload::SCRIPT.as_bytes()),
            "overlay.css" => Reply::new(200, content_type(own), livereload::STYLE.as_bytes()),
            "events" => {
                if let Some(origin) = header(headers, "origin")
                    && !access.origin_allowed(origin)
                {
                    Reply::text(403, "403 Forbidden: foreign origin")
                } else if method == "GET" {
                    return Route::Events;
                } else {
                    Reply::new(200, "text/event-stream", Vec::new())
                }
            }
            _ => not_found(snapshot),
        });
    }

    let key = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    match snapshot.map.get(key.as_str()) {
        Some(bytes) => Route::Reply(file_reply(200, &key, bytes, snapshot)),
        None if !path.is_empty()
            && !path.ends_with('/')
            && snapshot
                .map
                .contains_key(format!("{path}/index.html").as_str()) =>
        {
            let query = target.find('?').map(|i| &target[i..]).unwrap_or("");
            let mut r = Reply::text(301, "301 Moved Permanently");
            r.headers.push(("Location", format!("/{path}/{query}")));
            Route::Reply(r)
        }
        None => Route::Reply(not_found(snapshot)),
    }
}

fn file_reply(status: u16, key: &str, bytes: &Bytes, snapshot: &Snapshot) -> Reply {
    let ct = content_type(key);
    if ct.starts_with("text/html") {
        Reply::new(status, ct, livereload::inject(bytes, snapshot))
    } else {
        Reply::new(status, ct, bytes.clone())
    }
}

fn not_found(snapshot: &Snapshot) -> Reply {
    match snapshot.map.get("404.html") {
        Some(bytes) => file_reply(404, "404.html", bytes, snapshot),
        None if !snapshot.errors.is_empty() || snapshot.map.is_empty() => {
            // No site yet (the first build failed): a page to carry the
            // overlay and the live reload.
            let page = b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Not found</title></head><body><h1>Not found</h1></body></html>";
            Reply::new(
                404,
                "text/html; charset=utf-8",
                livereload::inject(page, snapshot),
            )
        }
        None => Reply::text(404, "404 Not Found"),
    }
}

/// How long a connection may stay idle (or take to send a request head).
const IDLE: Duration = Duration::from_secs(30);
/// The largest request head accepted.
const MAX_HEAD: usize = 16 * 1024;
const MAX_HEADERS: usize = 100;
/// The largest request body read (and thrown away) before answering.
const MAX_BODY_DRAINED: u64 = 64 * 1024;

/// Answers connections on `listener` forever, one thread per connection
/// (an event stream stays open for as long as its page).
pub fn run(listener: TcpListener, shared: Arc<Shared>, access: Access) {
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            Err(e) => {
                eprintln!("warning: cannot accept a connection: {e}");
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
        };
        let shared = Arc::clone(&shared);
        let access = access.clone();
        let spawned = std::thread::Builder::new()
            .name("sourcebrief-http".into())
            .spawn(move || connection(stream, &shared, &access));
        if let Err(e) = spawned {
            eprintln!("warning: cannot answer a connection: {e}");
        }
    }
}

/// A parsed request head.
#[derive(Debug, PartialEq, Eq)]
pub struct Head {
    pub method: String,
    pub target: String,
    /// `(1, 0)` or `(1, 1)`.
    pub version: (u8, u8),
    pub headers: Vec<(String, String)>,
}

impl Head {
    /// Whether the connection can carry another request after this one.
    fn keep_alive(&self) -> bool {
        let connection = header(&self.headers, "connection").map(str::to_ascii_lowercase);
        let has_body = header(&self.headers, "transfer-encoding").is_some()
            || header(&self.headers, "content-length").is_some_and(|l| l.trim() != "0");
        if has_body {
            // The body is never read: close rather than parse it as a request.
            return false;
        }
        match (self.version, connection.as_deref()) {
            (_, Some(c)) if c.contains("close") => false,
            ((1, 0), Some(c)) => c.contains("keep-alive"),
            ((1, 0), None) => false,
            _ => true,
        }
    }
}

/// Parses a request head (without the blank line that ends it). `None` if
/// it is not a well-formed HTTP/1.x request head.
pub fn parse_head(text: &str) -> Option<Head> {
    let mut lines = text.split("\r\n");
    let request_line = lines.next()?;
    let mut parts = request_line.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || method.is_empty()
        || !method.bytes().all(|b| b.is_ascii_uppercase())
        || target.is_empty()
        || target.bytes().any(|b| b.is_ascii_control() || b == b' ')
    {
        return None;
    }
    let version = match version {
        "HTTP/1.1" => (1, 1),
        "HTTP/1.0" => (1, 0),
        _ => return None,
    };
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':')?;
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
            || value.bytes().any(|b| b.is_ascii_control() && b != b'\t')
        {
            return None;
        }
        headers.push((name.to_string(), value.trim().to_string()));
        if headers.len() > MAX_HEADERS {
            return None;
        }
    }
    // More than one Host is ambiguous.
    if headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("host"))
        .count()
        > 1
    {
        return None;
    }
    Some(Head {
        method: method.to_string(),
        target: target.to_string(),
        version,
        headers,
    })
}

/// Reads one request head; `Ok(None)` when the client closed the
/// connection before starting one.
fn read_head(reader: &mut impl BufRead) -> std::io::Result<Option<Result<Head, ()>>> {
    let mut head = Vec::new();
    loop {
        let before = head.len();
        let n = reader
            .take((MAX_HEAD + 1 - head.len()) as u64)
            .read_until(b'\n', &mut head)?;
        if n == 0 {
            return Ok(if head.is_empty() { None } else { Some(Err(())) });
        }
        if head.len() > MAX_HEAD {
            return Ok(Some(Err(())));
        }
        let line = &head[before..];
        if line == b"\r\n" || line == b"\n" {
            if before == 0 {
                // Blank lines before a request are allowed (RFC 9112 2.2).
                head.clear();
                continue;
            }
            head.truncate(before);
            break;
        }
    }
    let Ok(text) = String::from_utf8(head) else {
        return Ok(Some(Err(())));
    };
    let text = text.replace("\r\n", "\n").replace('\n', "\r\n");
    Ok(Some(parse_head(text.trim_end_matches("\r\n")).ok_or(())))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "",
    }
}

/// Writes `reply` as an HTTP/1.1 response.
fn write_reply(
    out: &mut impl Write,
    reply: &Reply,
    head_only: bool,
    close: bool,
) -> std::io::Result<()> {
    let mut text = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    if close {
        text.push_str("Connection: close\r\n");
    }
    text.push_str("\r\n");
    out.write_all(text.as_bytes())?;
    if !head_only {
        out.write_all(&reply.body)?;
    }
    out.flush()
}

/// Answers the requests of one connection until it closes.
fn connection(stream: TcpStream, shared: &Shared, access: &Access) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut out = std::io::BufWriter::new(stream);
    loop {
        let head = match read_head(&mut reader) {
            Ok(Some(Ok(head))) => head,
            Ok(Some(Err(()))) => {
                let _ = write_reply(
                    &mut out,
                    &with_common_headers(Reply::text(400, "400 Bad Request")),
                    false,
                    true,
                );
                return;
            }
            // Closed, idle for too long, or broken.
            Ok(None) | Err(_) => return,
        };
        // No request here has a use for a body; read a small one away so
        // that the answer is not lost to a reset (the connection then
        // closes: `keep_alive` is false for any request with a body).
        if let Some(len) = header(&head.headers, "content-length")
            .and_then(|l| l.trim().parse::<u64>().ok())
            .filter(|&l| l > 0 && l <= MAX_BODY_DRAINED)
        {
            let _ = std::io::copy(&mut (&mut reader).take(len), &mut std::io::sink());
        }
        let keep_alive = head.keep_alive();
        let snapshot = shared.snapshot();
        match route(access, &snapshot, &head.method, &head.target, &head.headers) {
            Route::Events => {
                drop(snapshot);
                shared.stream_events(&mut out);
                return;
            }
            Route::Reply(reply) => {
                let head_only = head.method == "HEAD";
                if write_reply(&mut out, &reply, head_only, !keep_alive).is_err() || !keep_alive {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::rebuild::SiteMap;

    fn access() -> Access {
        Access {
            interface: "127.0.0.1".parse().unwrap(),
            port: 1111,
        }
    }

    fn snapshot() -> Snapshot {
        let mut map = SiteMap::new();
        for (k, v) in [
            ("index.html", "<html><head></head><body>home</body></html>"),
            ("a/index.html", "<html><head></head><body>a</body></html>"),
            ("404.html", "<html><head></head><body>missing</body></html>"),
            ("style.css", "body{}"),
            ("_redirects", "/x /a/ 301\n"),
        ] {
            map.insert(k.into(), Bytes::from(v.as_bytes()));
        }
        Snapshot {
            map: Arc::new(map),
            site: 1,
            errors: Vec::new(),
        }
    }

    fn get(target: &str, headers: &[(&str, &str)]) -> Route {
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        route(&access(), &snapshot(), "GET", target, &headers)
    }

    fn status(target: &str) -> u16 {
        match get(target, &[("Host", "127.0.0.1:1111")]) {
            Route::Reply(r) => r.status,
            Route::Events => 0,
        }
    }

    #[test]
    fn hosts() {
        let a = access();
        for ok in [
            "localhost",
            "localhost:1111",
            "127.0.0.1:1111",
            "[::1]:1111",
            "LOCALHOST",
        ] {
            assert!(a.host_allowed(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1:2222",
            "10.0.0.1:1111",
            "",
            "[::1",
            "127.0.0.1:x",
            "user@127.0.0.1",
        ] {
            assert!(!a.host_allowed(bad), "{bad}");
        }
        let any = Access {
            interface: "0.0.0.0".parse().unwrap(),
            port: 1111,
        };
        assert!(any.host_allowed("192.0.2.7:1111"));
        assert!(!any.host_allowed("rebind.example:1111"));
    }

    #[test]
    fn origins() {
        let a = access();
        assert!(a.origin_allowed("http://127.0.0.1:1111"));
        assert!(a.origin_allowed("http://localhost:1111"));
        assert!(!a.origin_allowed("http://evil.example:1111"));
        assert!(!a.origin_allowed("http://localhost"));
        assert!(!a.origin_allowed("https://127.0.0.1:1111"));
        assert!(!a.origin_allowed("null"));
    }

    #[test]
    fn targets() {
        assert_eq!(target_path("/"), Ok(String::new()));
        assert_eq!(target_path("/a/b/?x=1#f"), Ok("a/b/".into()));
        assert_eq!(target_path("/caf%C3%A9.html"), Ok("café.html".into()));
        assert_eq!(target_path("/%2e%2e/etc/passwd"), Err(BadTarget::Traversal));
        assert_eq!(target_path("/%2E%2E/x"), Err(BadTarget::Traversal));
        assert_eq!(target_path("/../x"), Err(BadTarget::Traversal));
        assert_eq!(target_path("/a/./x"), Err(BadTarget::Traversal));
        assert_eq!(target_path("/..%2fx"), Err(BadTarget::Traversal));
        assert_eq!(target_path("/..%5cx"), Err(BadTarget::Traversal));
        assert_eq!(target_path("/a\\..\\x"), Err(BadTarget::Traversal));
        assert_eq!(target_path("/%00"), Err(BadTarget::BadEncoding));
        assert_eq!(target_path("/%zz"), Err(BadTarget::BadEncoding));
        assert_eq!(target_path("/%ff"), Err(BadTarget::BadEncoding));
        assert_eq!(target_path("http://evil/"), Err(BadTarget::NotOriginForm));
        assert_eq!(target_path("evil:80"), Err(BadTarget::NotOriginForm));
        assert_eq!(target_path("*"), Err(BadTarget::NotOriginForm));
        assert_eq!(target_path("//evil/x"), Err(BadTarget::NotOriginForm));
        // Double encoding is a literal name, not a traversal.
        assert_eq!(target_path("/%252e%252e/x"), Ok("%2e%2e/x".into()));
    }

    #[test]
    fn statuses() {
        assert_eq!(status("/"), 200);
        assert_eq!(status("/a/"), 200);
        assert_eq!(status("/a"), 301);
        assert_eq!(status("/nope/"), 404);
        assert_eq!(status("/%2e%2e/"), 400);
        assert_eq!(status("http://evil/"), 400);
        assert_eq!(status("/__sourcebrief/livereload.js"), 200);
        assert_eq!(status("/__sourcebrief/other"), 404);
        assert!(matches!(
            get("/__sourcebrief/events", &[("Host", "localhost:1111")]),
            Route::Events
        ));
        match get(
            "/__sourcebrief/events",
            &[
                ("Host", "localhost:1111"),
                ("Origin", "http://evil.example"),
            ],
        ) {
            Route::Reply(r) => assert_eq!(r.status, 403),
            Route::Events => panic!("foreign origin streamed"),
        }
        match get("/", &[]) {
            Route::Reply(r) => assert_eq!(r.status, 400),
            Route::Events => panic!(),
        }
        let post = route(
            &access(),
            &snapshot(),
            "POST",
            "/",
            &[("Host".into(), "localhost:1111".into())],
        );
        match post {
            Route::Reply(r) => {
                assert_eq!(r.status, 405);
                assert_eq!(r.header("allow"), Some("GET, HEAD"));
            }
            Route::Events => panic!(),
        }
    }

    #[test]
    fn pages_are_injected_other_files_are_not() {
        let Route::Reply(r) = get("/a/", &[("Host", "localhost")]) else {
            panic!()
        };
        let body = String::from_utf8(r.body.to_vec()).unwrap();
        assert!(body.contains(livereload::SCRIPT_PATH));
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        assert!(r.header("access-control-allow-origin").is_none());
        let Route::Reply(r) = get("/style.css", &[("Host", "localhost")]) else {
            panic!()
        };
        assert_eq!(&*r.body, b"body{}");
        assert_eq!(r.header("content-type"), Some("text/css; charset=utf-8"));
        let Route::Reply(r) = get("/missing", &[("Host", "localhost")]) else {
            panic!()
        };
        assert_eq!(r.status, 404);
        assert!(String::from_utf8_lossy(&r.body).contains("missing"));
    }

    #[test]
    fn request_heads() {
        let h = parse_head("GET /a?b HTTP/1.1\r\nHost: localhost:1\r\nX-A:  v ").unwrap();
        assert_eq!(h.method, "GET");
        assert_eq!(h.target, "/a?b");
        assert_eq!(h.version, (1, 1));
        assert_eq!(h.headers[1], ("X-A".to_string(), "v".to_string()));
        assert!(h.keep_alive());
        let h = parse_head("GET / HTTP/1.0\r\nHost: x").unwrap();
        assert!(!h.keep_alive());
        let h = parse_head("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5").unwrap();
        assert!(!h.keep_alive());
        for bad in [
            "GET / HTTP/2.0",
            "GET  / HTTP/1.1",
            "GET / HTTP/1.1 extra",
            "get / HTTP/1.1",
            "GET / HTTP/1.1\r\nNo colon",
            "GET / HTTP/1.1\r\nBad Name: x",
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b",
            "GET /\u{7f} HTTP/1.1",
        ] {
            assert_eq!(parse_head(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn reads_heads_from_a_stream() {
        let mut input: &[u8] = b"\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\nHost: y\n\n";
        let a = read_head(&mut input).unwrap().unwrap().unwrap();
        assert_eq!(a.target, "/");
        let b = read_head(&mut input).unwrap().unwrap().unwrap();
        assert_eq!((b.target.as_str(), b.headers[0].1.as_str()), ("/b", "y"));
        assert!(read_head(&mut input).unwrap().is_none());
        let huge = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        assert!(matches!(read_head(&mut huge.as_bytes()), Ok(Some(Err(())))));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("sitemap.xml"), "application/xml");
        assert_eq!(content_type("_redirects"), "text/plain; charset=utf-8");
        assert_eq!(content_type("img/Logo.PNG"), "image/png");
        assert_eq!(content_type("report.pdf"), "application/pdf");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }
}
