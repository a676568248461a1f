//! Cache keys: a 128-bit hash of everything a stage reads.
//!
//! A [`Key`] is made by feeding a [`KeyHasher`] every input of a stage
//! (with [`std::hash::Hash`], or as serialized JSON through
//! [`KeyHasher::json`]); two results with one key are taken to be the same.
//! Two SipHash-1-3 states with different seeds make the 128 bits, so a
//! false match is out of reach for any site's lifetime of edits.

use std::hash::{DefaultHasher, Hash, Hasher};

/// The hash of a stage's inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(pub u64, pub u64);

/// Makes a [`Key`]; also an [`std::io::Write`], so values can be
/// serialized into it.
#[derive(Clone)]
pub struct KeyHasher {
    a: DefaultHasher,
    b: DefaultHasher,
}

impl Default for KeyHasher {
    fn default() -> Self {
        let a = DefaultHasher::new();
        let mut b = DefaultHasher::new();
        b.write_u64(0x9E37_79B9_7F4A_7C15);
        Self { a, b }
    }
}

impl KeyHasher {
    /// A hasher that starts from `what` (the name of the stage), so that
    /// the keys of different stages never meet.
    pub fn new(what: &str) -> Self {
        let mut h = Self::default();
        h.add(what);
        h
    }

    /// Feeds `value`.
    pub fn add<T: Hash + ?Sized>(&mut self, value: &T) -> &mut Self {
        value.hash(self);
        self
    }

    /// Feeds `value` as serialized JSON (what a template sees of it). A
    /// value that does not serialize feeds its error (its render fails the
    /// same way, and failed renders are not cached).
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> &mut Self {
        if let Err(e) = serde_json::to_writer(&mut *self, value) {
            self.add(&e.to_string());
        }
        self.write_u8(0xff);
        self
    }

    pub fn key(&self) -> Key {
        Key(self.a.finish(), self.b.finish())
    }
}

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.a.write(bytes);
        self.b.write(bytes);
    }

    fn finish(&self) -> u64 {
        self.a.finish()
    }
}

impl std::io::Write for KeyHasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Hasher::write(self, buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_their_inputs() {
        let k = |parts: &[&str]| {
            let mut h = KeyHasher::new("test");
            for p in parts {
                h.add(p);
            }
            h.key()
        };
        assert_eq!(k(&["a", "b"]), k(&["a", "b"]));
        assert_ne!(k(&["a", "b"]), k(&["b", "a"]));
        // `Hash` of a str ends it, so moved boundaries give other keys.
        assert_ne!(k(&["ab", ""]), k(&["a", "b"]));
        assert_ne!(KeyHasher::new("x").key(), KeyHasher::new("y").key());
        let mut a = KeyHasher::new("j");
        a.json(&serde_json::json!({"t": 1}));
        let mut b = KeyHasher::new("j");
        b.json(&serde_json::json!({"t": 2}));
        assert_ne!(a.key(), b.key());
    }
}
