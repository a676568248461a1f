//! The server under load and attack, bounded in count and time, on
//! 127.0.0.1 only: hundreds of idle connections, requests among them, an
//! edit, and malformed requests hyper refuses.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::common::{Served, raw_request};

#[test]
fn idle_connections_requests_and_an_edit_are_all_answered_without_growth() {
    let s = Served::start("serve-basic", &[]);
    s.wait_for_text("/about/", "The about page.");
    let threads_before = s.proc_status("Threads");
    let rss_before = s.proc_status("VmRSS");
    // 500 connections that never send a request (a slowloris holds them).
    let idle: Vec<TcpStream> = (0..500)
        .map(|_| TcpStream::connect(s.addr).unwrap())
        .collect();
    // Requests are still answered, among them.
    for i in 0..50 {
        let target = if i % 2 == 0 { "/about/" } else { "/app.css" };
        assert_eq!(s.get(target).status, 200, "request {i}");
    }
    // So is an edit.
    s.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\nEdited under load.\n",
    );
    s.wait_for_text("/about/", "Edited under load.");
    // No thread per connection.
    let threads_loaded = s.proc_status("Threads");
    assert!(
        threads_loaded <= threads_before + 4,
        "{threads_before} threads before, {threads_loaded} with 500 connections open"
    );
    drop(idle);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(s.get("/about/").status, 200);
    let threads_after = s.proc_status("Threads");
    let rss_after = s.proc_status("VmRSS");
    assert!(
        threads_after <= threads_before + 4,
        "{threads_before} → {threads_after}"
    );
    assert!(
        rss_after < rss_before + 64 * 1024,
        "memory grew from {rss_before} kB to {rss_after} kB"
    );
}

#[test]
fn two_content_lengths_are_refused_not_smuggled() {
    let s = Served::start("serve-basic", &[]);
    let host = s.host();
    let smuggled = format!("GET /about/ HTTP/1.1\r\nHost: {host}\r\n\r\n");
    let mut stream = TcpStream::connect(s.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST /about/ HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nContent-Length: {}\r\n\r\n{smuggled}",
        smuggled.len()
    )
    .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    // One answer, not two: the body was not taken as a request.
    assert_eq!(answer.matches("HTTP/1.1 ").count(), 1, "{answer}");
}

#[test]
fn malformed_heads_are_refused() {
    let s = Served::start("serve-basic", &[]);
    let host = s.host();
    for raw in [
        format!("GET / HTTP/1.1\r\nHost: {host}\r\nBad Name: x\r\n\r\n"),
        format!(
            "GET / HTTP/1.1\r\nHost: {host}\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
        ),
        format!(
            "GET / HTTP/1.1\r\nHost: {host}\r\nX: {}\r\n\r\n",
            "a".repeat(64 * 1024)
        ),
    ] {
        let r = raw_request(s.addr, &raw);
        assert!(
            (400..500).contains(&r.status),
            "{} for {}",
            r.status,
            &raw[..raw.len().min(80)]
        );
    }
}

/// A connection that sends nothing, one that sends half a request head (a
/// slowloris), and one left open after a keep-alive answer are all closed
/// by the server once the header timeout (15 s) has passed.
#[test]
fn idle_and_slow_connections_are_closed_after_the_header_timeout() {
    let s = Served::start("serve-basic", &[]);
    s.wait_for_text("/about/", "The about page.");
    let silent = TcpStream::connect(s.addr).unwrap();
    let mut slow = TcpStream::connect(s.addr).unwrap();
    write!(slow, "GET /about/ HTTP/1.1\r\nHost: {}\r\n", s.host()).unwrap();
    let mut kept = TcpStream::connect(s.addr).unwrap();
    write!(kept, "GET /app.css HTTP/1.1\r\nHost: {}\r\n\r\n", s.host()).unwrap();
    let start = std::time::Instant::now();
    // The answer to the complete request comes at once.
    kept.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut first = [0u8; 12];
    kept.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    for (name, mut stream) in [("silent", silent), ("slow", slow), ("kept", kept)] {
        stream
            .set_read_timeout(Some(Duration::from_secs(25)))
            .unwrap();
        let mut rest = Vec::new();
        // Reads to the end: what is left of an answer, then the close.
        let read = stream.read_to_end(&mut rest);
        assert!(read.is_ok(), "{name}: not closed within 25 s: {read:?}");
        let answers = String::from_utf8_lossy(&rest).matches("HTTP/1.1 ").count();
        assert_eq!(answers, 0, "{name} got a second answer");
    }
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_secs(14) && waited < Duration::from_secs(25),
        "closed after {waited:?}"
    );
}
