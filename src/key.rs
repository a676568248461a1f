//! Cache keys: a 128-bit hash of everything a stage reads.
//!
//! A [`Key`] is made by feeding a [`KeyHasher`] every input of a stage,
//! with [`std::hash::Hash`] or, for what templates see, through serde
//! ([`KeyHasher::value`]): each value goes straight into the hash, tagged by
//! its kind and length, without being formatted first. The hash is XXH3's
//! 128 bits: two results with one key are taken to be the same, and a
//! false match is out of reach for any site's lifetime of edits.

use std::hash::{Hash, Hasher};

use serde::ser::{self, Serialize};
use xxhash_rust::xxh3::Xxh3Default;

/// The hash of a stage's inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(pub u128);

impl Serialize for Key {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u128(self.0)
    }
}

/// Makes a [`Key`]. Small inputs are gathered in a buffer that is hashed
/// in one go (XXH3 is fastest on long inputs); a long string goes in as its
/// own hash.
#[derive(Clone, Default)]
pub struct KeyHasher {
    buf: Vec<u8>,
    /// What did not fit in the buffer.
    stream: Option<Box<Xxh3Default>>,
}

/// Inputs at least this long go in as their own hash.
const LONG: usize = 256;
/// The buffer is handed to the stream when it grows past this.
const BUFFER: usize = 1 << 16;

impl KeyHasher {
    /// A hasher that starts from `what` (the name of the stage), so that
    /// the keys of different stages never meet.
    pub fn new(what: &str) -> Self {
        let mut h = Self {
            buf: Vec::with_capacity(1024),
            stream: None,
        };
        h.add(what);
        h
    }

    /// Feeds `value`.
    pub fn add<T: Hash + ?Sized>(&mut self, value: &T) -> &mut Self {
        value.hash(self);
        self
    }

    /// Feeds `value` as serde sees it (what a template sees of it). A value
    /// that does not serialize feeds its error (its render fails the same
    /// way, and failed renders are not cached).
    pub fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> &mut Self {
        if let Err(e) = value.serialize(&mut Feed(self)) {
            self.add(&e.0);
        }
        self
    }

    pub fn key(&self) -> Key {
        Key(match &self.stream {
            None => xxhash_rust::xxh3::xxh3_128(&self.buf),
            Some(stream) => {
                let mut stream = stream.clone();
                stream.update(&self.buf);
                stream.digest128()
            }
        })
    }

    fn put(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() > BUFFER {
            self.stream
                .get_or_insert_with(|| Box::new(Xxh3Default::new()))
                .update(&self.buf);
            self.buf.clear();
        }
    }

    fn tag(&mut self, tag: u8) {
        self.put(&[tag]);
    }

    fn bytes(&mut self, tag: u8, bytes: &[u8]) {
        self.put(&[tag]);
        self.put(&(bytes.len() as u64).to_le_bytes());
        if bytes.len() < LONG {
            self.put(bytes);
        } else {
            // A long string (a body's HTML) goes in as its own hash, without
            // being copied.
            self.put(&xxhash_rust::xxh3::xxh3_128(bytes).to_le_bytes());
        }
    }
}

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        if bytes.len() < LONG {
            self.put(bytes);
        } else {
            self.bytes(BYTES, bytes);
        }
    }

    fn finish(&self) -> u64 {
        self.key().0 as u64
    }
}

/// A serde serializer that feeds a [`KeyHasher`].
struct Feed<'a>(&'a mut KeyHasher);

#[derive(Debug)]
struct FeedError(String);

impl std::fmt::Display for FeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FeedError {}

impl ser::Error for FeedError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        FeedError(msg.to_string())
    }
}

// Tags of the kinds of values (a value's tag, then its content).
const UNIT: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const INT: u8 = 3;
const UINT: u8 = 4;
const FLOAT: u8 = 5;
const STR: u8 = 6;
const BYTES: u8 = 7;
const NONE: u8 = 8;
const SOME: u8 = 9;
const SEQ: u8 = 10;
const MAP: u8 = 11;
const STRUCT: u8 = 12;
const VARIANT: u8 = 13;
const END: u8 = 14;
const NEWTYPE: u8 = 15;

impl<'a> ser::Serializer for &mut Feed<'a> {
    type Ok = ();
    type Error = FeedError;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Result<(), FeedError> {
        self.0.tag(if v { TRUE } else { FALSE });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), FeedError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), FeedError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), FeedError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), FeedError> {
        self.0.tag(INT);
        self.0.put(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), FeedError> {
        self.0.tag(INT);
        self.0.put(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), FeedError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), FeedError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), FeedError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), FeedError> {
        self.0.tag(UINT);
        self.0.put(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), FeedError> {
        self.0.tag(UINT);
        self.0.put(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), FeedError> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), FeedError> {
        self.0.tag(FLOAT);
        self.0.put(&v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), FeedError> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), FeedError> {
        self.0.bytes(STR, v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), FeedError> {
        self.0.bytes(BYTES, v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), FeedError> {
        self.0.tag(NONE);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), FeedError> {
        self.0.tag(SOME);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), FeedError> {
        self.0.tag(UNIT);
        Ok(())
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<(), FeedError> {
        self.0.bytes(STRUCT, name.as_bytes());
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), FeedError> {
        self.0.bytes(VARIANT, variant.as_bytes());
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), FeedError> {
        self.0.tag(NEWTYPE);
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), FeedError> {
        self.0.bytes(VARIANT, variant.as_bytes());
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, FeedError> {
        self.0.tag(SEQ);
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, FeedError> {
        self.0.tag(SEQ);
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, FeedError> {
        self.0.tag(SEQ);
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, FeedError> {
        self.0.bytes(VARIANT, variant.as_bytes());
        self.0.tag(SEQ);
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, FeedError> {
        self.0.tag(MAP);
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, FeedError> {
        self.0.tag(MAP);
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, FeedError> {
        self.0.bytes(VARIANT, variant.as_bytes());
        self.0.tag(MAP);
        Ok(self)
    }
}

/// Sequences, tuples, maps and structs: each element in order (an element
/// starts with its own tag), and an end tag.
macro_rules! compound {
    ($($trait:ident :: $method:ident),+) => {$(
        impl<'a> ser::$trait for &mut Feed<'a> {
            type Ok = ();
            type Error = FeedError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FeedError> {
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), FeedError> {
                self.0.tag(END);
                Ok(())
            }
        }
    )+};
}
compound!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl<'a> ser::SerializeMap for &mut Feed<'a> {
    type Ok = ();
    type Error = FeedError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), FeedError> {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FeedError> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), FeedError> {
        self.0.tag(END);
        Ok(())
    }
}

/// A struct's fields are fed as a map's entries: a skipped field leaves no
/// trace, as in the JSON a template's context is made from.
macro_rules! fields {
    ($($trait:ident),+) => {$(
        impl<'a> ser::$trait for &mut Feed<'a> {
            type Ok = ();
            type Error = FeedError;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), FeedError> {
                self.0.bytes(STR, key.as_bytes());
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), FeedError> {
                self.0.tag(END);
                Ok(())
            }
        }
    )+};
}
fields!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::*;

    fn value_key<T: Serialize>(v: &T) -> Key {
        KeyHasher::new("t").value(v).key()
    }

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
    }

    #[test]
    fn serialized_values_with_other_shapes_have_other_keys() {
        let j = |s: &str| value_key(&serde_json::from_str::<serde_json::Value>(s).unwrap());
        assert_eq!(j(r#"{"t": 1}"#), j(r#"{"t": 1}"#));
        for (a, b) in [
            (r#"{"t": 1}"#, r#"{"t": 2}"#),
            (r#"["ab", "c"]"#, r#"["a", "bc"]"#),
            (r#"[["a"], "b"]"#, r#"[["a", "b"]]"#),
            (r#"{"a": "b"}"#, r#"["a", "b"]"#),
            (r#"[null]"#, r#"[]"#),
            (r#"[1]"#, r#"[1.0]"#),
            (r#"[true]"#, r#"[1]"#),
        ] {
            assert_ne!(j(a), j(b), "{a} and {b}");
        }
        #[derive(serde::Serialize)]
        struct S<'a> {
            title: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            date: Option<&'a str>,
        }
        assert_ne!(
            value_key(&S {
                title: "a",
                date: None
            }),
            value_key(&S {
                title: "a",
                date: Some("")
            })
        );
        assert_ne!(
            value_key(&S {
                title: "a",
                date: None
            }),
            value_key(&S {
                title: "b",
                date: None
            })
        );
    }
}
