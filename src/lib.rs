//! sourcebrief: a static-site generator for cited public briefings.
//!
//! The pipeline, one module a stage:
//!
//! 1. *load* — [`config`] reads `config.toml` (raw, then resolved) and
//!    [`content`] reads `content/` into typed files;
//! 2. *resolve* — [`site`] builds the immutable [`site::Site`] model;
//! 3. *render markdown* — [`markdown`], one pass per feature, in parallel
//!    (it sees a body and a library, never the site: [`render`] makes
//!    both);
//! 4. *render templates* — [`render`], Tera templates compiled once;
//! 5. *write* — [`output`], each output into a staging folder as soon as it
//!    is rendered; the folder is swapped in when all is written.
//!
//! [`engine`] is the pipeline, in one file: each stage a function of
//! explicit inputs, its result cached under a [`key::Key`] of them.
//! [`build`] runs it with a cache that keeps nothing (`engine::prepare` does
//! 1–3 and plans and checks every output path before a template runs);
//! [`serve`] keeps an [`engine::Engine`] and its cache, and each rebuild
//! makes again only what has a new key.

pub mod anchors;
pub mod build;
pub mod check;
pub mod collisions;
pub mod config;
pub mod content;
pub mod csl;
pub mod engine;
pub mod error;
pub mod extract;
pub mod fs;
pub mod init;
pub mod key;
pub mod markdown;
pub mod output;
pub mod render;
pub mod serve;
pub mod site;
pub mod source_text;
pub mod text;
pub mod theme;

pub use build::{BuildOptions, BuildReport, build};
pub use error::{Diagnostic, Error, Result};
