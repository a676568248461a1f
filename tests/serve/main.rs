//! Integration tests of `sourcebrief serve`: each starts the real binary on a
//! copy of a fixture site (`tests/fixtures/serve-*/`) on a free loopback
//! port, talks HTTP to it over raw TCP, edits the site's files and polls
//! (with bounded waits) until the change is served. (`equivalence` and
//! `rerender` drive the library's engine directly, without a server.)

mod common;

mod browser;
mod consistency;
mod equivalence;
mod live;
mod load;
mod overlay;
mod rerender;
mod security;
