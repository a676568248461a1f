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
//!   for every file; the site's own 404 page for misses;
//! - more than one `Host` is ambiguous (400).
//!
//! The transport is hyper's HTTP/1.1 server on tokio ([`run`]): it parses
//! requests (two different `Content-Length`s, and every other malformed
//! head, are refused before [`route`] sees them), closes connections that
//! are idle or send their head too slowly, and takes at most
//! [`MAX_CONNECTIONS`] at once; the live-reload event stream is a streamed
//! body fed from the snapshots the rebuild loop publishes.

use std::convert::Infallible;
use std::net::{IpAddr, TcpListener};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::body::{Body, Frame, Incoming};

use crate::engine::Bytes;
use crate::serve::livereload::{self, Shared, Snapshot};

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
    let hosts = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("host"))
        .count();
    if hosts > 1 {
        return Route::Reply(Reply::text(400, "400 Bad Request: more than one Host"));
    }
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

/// How long a connection may take to send a request head, and stay idle
/// between requests.
const HEAD_TIMEOUT: Duration = Duration::from_secs(15);
/// The largest request head accepted.
const MAX_HEAD: usize = 16 * 1024;
const MAX_HEADERS: usize = 100;
/// How many connections are served at once; more wait to be accepted.
pub const MAX_CONNECTIONS: usize = 1024;

/// A response body: a whole file, or the live-reload event stream.
type ReplyBody = BoxBody<hyper::body::Bytes, Infallible>;

/// Answers connections on `listener` until the process ends, on a tokio
/// runtime of its own (two worker threads).
pub fn run(listener: TcpListener, shared: Arc<Shared>, access: Access) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("sourcebrief-http")
        .enable_io()
        .enable_time()
        .build();
    let runtime = match runtime {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the HTTP server: {e}");
            return;
        }
    };
    runtime.block_on(accept(listener, shared, access));
}

async fn accept(listener: TcpListener, shared: Arc<Shared>, access: Access) {
    let listener = match listener
        .set_nonblocking(true)
        .and_then(|()| tokio::net::TcpListener::from_std(listener))
    {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen: {e}");
            return;
        }
    };
    let access = Arc::new(access);
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                eprintln!("warning: cannot accept a connection: {e}");
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let (shared, access) = (Arc::clone(&shared), Arc::clone(&access));
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let reply = answer_request(&request, &shared, &access);
                async move { Ok::<_, Infallible>(reply) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT)
                .max_headers(MAX_HEADERS)
                .max_buf_size(MAX_HEAD.max(8192))
                .title_case_headers(true)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
            drop(slot);
        });
    }
}

/// One request through [`route`], as a hyper response.
fn answer_request(
    request: &hyper::Request<Incoming>,
    shared: &Arc<Shared>,
    access: &Access,
) -> hyper::Response<ReplyBody> {
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).trim().to_string(),
            )
        })
        .collect();
    let target = request.uri().to_string();
    let snapshot = shared.snapshot();
    match route(
        access,
        &snapshot,
        request.method().as_str(),
        &target,
        &headers,
    ) {
        Route::Reply(reply) => {
            let mut response = hyper::Response::builder().status(reply.status);
            for (name, value) in &reply.headers {
                response = response.header(*name, value.as_str());
            }
            let body = Full::new(hyper::body::Bytes::from_owner(reply.body)).boxed();
            response.body(body).unwrap_or_else(|_| {
                let mut r = hyper::Response::new(Full::default().boxed());
                *r.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
                r
            })
        }
        Route::Events => {
            drop(snapshot);
            let events = EventStream(shared.events());
            let mut response = hyper::Response::new(events.boxed());
            let h = response.headers_mut();
            for (name, value) in [
                ("content-type", "text/event-stream"),
                ("cache-control", "no-store"),
                ("x-content-type-options", "nosniff"),
                ("server", "sourcebrief"),
            ] {
                h.insert(name, hyper::header::HeaderValue::from_static(value));
            }
            response
        }
    }
}

/// The live-reload event stream as a response body: the chunks that
/// [`Shared::events`] sends.
struct EventStream(tokio::sync::mpsc::Receiver<hyper::body::Bytes>);

impl Body for EventStream {
    type Data = hyper::body::Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        self.0
            .poll_recv(cx)
            .map(|chunk| chunk.map(|b| Ok(Frame::data(b))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SiteMap;

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
    fn two_hosts_are_ambiguous() {
        let Route::Reply(r) = get("/", &[("Host", "localhost"), ("host", "evil.example")]) else {
            panic!()
        };
        assert_eq!(r.status, 400);
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
