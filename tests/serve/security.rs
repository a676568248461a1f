//! The server answers only loopback names, only GET and HEAD, only paths
//! inside the built site, with a correct Content-Type.

use crate::common::{Served, open_events, raw_request};

fn status_of(s: &Served, raw: &str) -> u16 {
    let r = s.request(raw);
    assert!(r.header("access-control-allow-origin").is_none());
    r.status
}

#[test]
fn binds_loopback_and_prints_the_real_address() {
    let s = Served::start("serve-basic", &[]);
    assert_eq!(s.addr.ip().to_string(), "127.0.0.1");
    assert_ne!(s.addr.port(), 0);
    assert!(
        s.log().contains(&format!("http://{}/", s.addr)),
        "{}",
        s.log()
    );
}

#[test]
fn traversal_is_refused() {
    let s = Served::start("serve-basic", &[]);
    // A secret beside the site folder, and the site's own sources.
    std::fs::write(s.tmp.path().join("secret.txt"), "TOP SECRET").unwrap();
    let host = s.host();
    for target in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/..%2fsecret.txt",
        "/..%2f..%2fetc%2fpasswd",
        "/%2e%2e%2fsecret.txt",
        "/notes/../../secret.txt",
        "/notes/%2e%2e/%2e%2e/config.toml",
        "/.%2e/secret.txt",
        "/..\\secret.txt",
        "/..%5csecret.txt",
        "/%00",
        "//etc/passwd",
    ] {
        let r = s.request(&format!(
            "GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        ));
        assert_eq!(r.status, 400, "{target}: {}", r.text());
        assert!(!r.text().contains("TOP SECRET"), "{target}");
    }
    // Sources are not outputs.
    for target in ["/config.toml", "/content/about.md", "/static/app.css"] {
        assert_eq!(s.get(target).status, 404, "{target}");
    }
}

#[test]
fn absolute_form_targets_are_refused() {
    let s = Served::start("serve-basic", &[]);
    let host = s.host();
    for target in [
        "http://evil.example/",
        format!("http://{host}/").as_str(),
        "evil.example:80",
        "*",
    ] {
        let code = status_of(
            &s,
            &format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        );
        assert_eq!(code, 400, "{target}");
    }
}

#[test]
fn foreign_hosts_are_refused() {
    let s = Served::start("serve-basic", &[]);
    let port = s.addr.port();
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        format!("10.1.2.3:{port}"),
    ] {
        let code = status_of(
            &s,
            &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        );
        assert_eq!(code, 403, "{host}");
    }
    assert_eq!(
        status_of(&s, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n"),
        400,
        "no Host"
    );
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        "localhost".to_string(),
    ] {
        let code = status_of(
            &s,
            &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        );
        assert_eq!(code, 200, "{host}");
    }
}

#[test]
fn live_reload_refuses_foreign_origins() {
    let s = Served::start("serve-basic", &[]);
    let port = s.addr.port();
    for origin in [
        "http://evil.example".to_string(),
        format!("http://evil.example:{port}"),
        "null".to_string(),
        format!("https://127.0.0.1:{port}"),
    ] {
        let (status, _) = open_events(s.addr, &format!("Origin: {origin}\r\n"));
        assert_eq!(status, 403, "{origin}");
    }
    let (status, _) = open_events(s.addr, &format!("Origin: http://127.0.0.1:{port}\r\n"));
    assert_eq!(status, 200);
    let (status, _) = open_events(s.addr, &format!("Origin: http://localhost:{port}\r\n"));
    assert_eq!(status, 200);
}

#[test]
fn only_get_and_head() {
    let s = Served::start("serve-basic", &[]);
    let host = s.host();
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let r = s.request(&format!(
            "{method} /about/ HTTP/1.1\r\nHost: {host}\r\nOrigin: http://evil.example\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ));
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("allow"), Some("GET, HEAD"), "{method}");
        assert!(r.header("access-control-allow-origin").is_none());
    }
    // A form post with a body still gets its answer.
    let r = s.request(&format!(
        "POST /about/ HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 11\r\n\r\nfield=value"
    ));
    assert_eq!(r.status, 405);
    let head = raw_request(
        s.addr,
        &format!("HEAD /about/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-type"),
        Some("text/html; charset=utf-8")
    );
}

#[test]
fn content_types_and_the_sites_404_page() {
    let s = Served::start("serve-basic", &[]);
    for (target, ct) in [
        ("/", "text/html; charset=utf-8"),
        ("/about/", "text/html; charset=utf-8"),
        ("/notes/first/index.html", "text/html; charset=utf-8"),
        ("/app.css", "text/css; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/data/info.txt", "text/plain; charset=utf-8"),
        ("/notes/diagram/box.svg", "image/svg+xml"),
        ("/sitemap.xml", "application/xml"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        (
            "/__sourcebrief/livereload.js",
            "text/javascript; charset=utf-8",
        ),
        ("/__sourcebrief/overlay.css", "text/css; charset=utf-8"),
    ] {
        let r = s.get(target);
        assert_eq!(r.status, 200, "{target}");
        assert_eq!(r.header("content-type"), Some(ct), "{target}");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{target}"
        );
        assert!(
            r.header("access-control-allow-origin").is_none(),
            "{target}"
        );
    }
    let r = s.get("/no/such/page/");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("Page not found"), "{}", r.text());
    let r = s.get("/notes");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/notes/"));
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site_are_not_followed() {
    let s = Served::start("serve-basic", &[]);
    let secret = s.tmp.path().join("outside");
    std::fs::create_dir_all(&secret).unwrap();
    std::fs::write(secret.join("secret.txt"), "TOP SECRET").unwrap();
    std::os::unix::fs::symlink(secret.join("secret.txt"), s.root.join("static/leak.txt")).unwrap();
    std::os::unix::fs::symlink(&secret, s.root.join("content/notes/leakdir")).unwrap();
    // The links make the build fail, loudly (the content one first: content
    // is loaded before static files are listed); nothing behind them is
    // served.
    s.wait_for("/about/", "showing the overlay", |r| {
        let t = r.text();
        t.contains("points outside the project") && t.contains("content/notes/leakdir")
    });
    let nothing_leaks = || {
        for target in ["/leak.txt", "/notes/leakdir/secret.txt"] {
            let r = s.get(target);
            assert_eq!(r.status, 404, "{target}");
            assert!(!r.text().contains("TOP SECRET"));
        }
    };
    nothing_leaks();
    // Without the content link, the static one is the error.
    std::fs::remove_file(s.root.join("content/notes/leakdir")).unwrap();
    s.wait_for("/about/", "naming the static link", |r| {
        r.text().contains("static/leak.txt")
    });
    nothing_leaks();
}

#[test]
fn build_output_has_no_live_reload() {
    let s = Served::start("serve-basic", &[]);
    let out = s.tmp.path().join("public");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_sourcebrief"))
        .args(["build", "--root"])
        .arg(&s.root)
        .arg("--output")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let mut checked = 0;
    for entry in walk(&out) {
        let text = String::from_utf8_lossy(&std::fs::read(&entry).unwrap()).into_owned();
        assert!(!text.contains("__sourcebrief"), "{}", entry.display());
        assert!(!text.contains("sourcebrief-overlay"), "{}", entry.display());
        checked += 1;
    }
    assert!(checked > 5);
    // And serving wrote nothing into the site.
    assert!(!s.root.join("public").exists());
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files.extend(walk(&p));
        } else {
            files.push(p);
        }
    }
    files
}

#[test]
fn idle_connections_do_not_hold_up_requests() {
    let s = Served::start("serve-basic", &[]);
    // Browsers open connections ahead of need and keep them idle.
    let idle: Vec<std::net::TcpStream> = (0..12)
        .map(|_| std::net::TcpStream::connect(s.addr).unwrap())
        .collect();
    let start = std::time::Instant::now();
    assert_eq!(s.get("/about/").status, 200);
    assert!(start.elapsed() < std::time::Duration::from_secs(2));
    drop(idle);
}

#[test]
fn keep_alive_serves_several_requests_on_one_connection() {
    use std::io::{BufRead, BufReader, Read, Write};
    let s = Served::start("serve-basic", &[]);
    let mut stream = std::net::TcpStream::connect(s.addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let host = s.host();
    write!(
        stream,
        "GET /app.css HTTP/1.1\r\nHost: {host}\r\n\r\nGET /data/info.txt HTTP/1.1\r\nHost: {host}\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut bodies = Vec::new();
    for _ in 0..2 {
        let mut len = 0;
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body).unwrap();
        bodies.push(String::from_utf8(body).unwrap());
    }
    assert!(bodies[0].contains("#123"), "{bodies:?}");
    assert_eq!(bodies[1], "version 1\n");
}
