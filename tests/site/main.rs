//! Integration tests: each builds a small fixture site from
//! `tests/fixtures/<case>/` into a temporary folder with the real binary and
//! checks the parsed HTML, the exit code and the messages.

mod common;

mod anchors;
mod bad_input;
mod bench_corpus;
mod briefing;
mod browser;
mod build_errors;
mod build_output;
mod build_pages;
mod citations;
mod entities;
mod extract;
mod footnotes_glossary;
mod init;
mod netlify;
mod own_words;
mod reader;
mod source_texts;
mod validity;
