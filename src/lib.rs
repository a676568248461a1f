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
//! [`build`] runs the stages in order (`build::prepare` does 1–3 and plans
//! and checks every output path before a template runs); [`serve`] keeps
//! them in memory and reruns what each change of the inputs touches.

pub mod anchors;
pub mod build;
pub mod check;
pub mod collisions;
pub mod config;
pub mod content;
pub mod error;
pub mod extract;
pub mod fs;
pub mod init;
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
