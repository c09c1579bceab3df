//! Compact JSON for `siplens trace --ndjson`, byte-identical to
//! `serde_json::to_writer` and cheaper on strings.
//!
//! Measured (docs/PERFORMANCE.md, issue 14): much of the time of
//! `--ndjson` went into serde_json's string escaping, a byte-by-byte table
//! walk over every string and key of every message (about 8.6 instructions
//! a byte). Almost every string of the contract (header values, field
//! values, the knowledge base's prose) needs no escape at all. [`to_vec`]
//! checks a string eight bytes at a time and copies a clean one as it is;
//! struct keys (identifiers) are copied as they are; unsigned integers are
//! written in the same decimal. A string with something to escape, signed
//! integers, floats, `null` and `bool` are written by serde_json itself, so
//! the bytes are exactly serde_json's compact output. A value this
//! serializer does not handle (a map key that is not a string) makes
//! [`to_vec`] fall back to `serde_json::to_writer` for the whole value.

use serde::ser::{self, Serialize};

/// Appends the compact JSON of `value` to `out`: the same bytes as
/// `serde_json::to_writer(out, value)`.
pub fn to_vec<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> serde_json::Result<()> {
    let at = out.len();
    match value.serialize(Json { out: &mut *out }) {
        Ok(()) => Ok(()),
        Err(_) => {
            out.truncate(at);
            serde_json::to_writer(out, value)
        }
    }
}

/// True when serde_json writes `s` unchanged between the quotes: no
/// control character (below U+0020), no `"` and no `\`. Eight bytes at a
/// time (the exact "has a byte below n" and "has a zero byte" word tests);
/// a string found not clean is handed to serde_json, so the test only
/// decides the speed, never the bytes.
fn clean(s: &[u8]) -> bool {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    const SPACE: u64 = u64::from_le_bytes([0x20; 8]);
    const QUOTE: u64 = u64::from_le_bytes([b'"'; 8]);
    const BACKSLASH: u64 = u64::from_le_bytes([b'\\'; 8]);
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH != 0;
    let mut words = s.chunks_exact(8);
    for c in &mut words {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        let w = u64::from_le_bytes(b);
        if w.wrapping_sub(SPACE) & !w & HIGH != 0 || has_zero(w ^ QUOTE) || has_zero(w ^ BACKSLASH)
        {
            return false;
        }
    }
    words
        .remainder()
        .iter()
        .all(|&b| b >= 0x20 && b != b'"' && b != b'\\')
}

/// Writes an unsigned integer in decimal (as serde_json does).
fn decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Writes `"key":`. A struct field's key is a Rust identifier or a
/// `rename` of this crate: text serde_json writes unchanged (checked in
/// debug builds, so every test that writes NDJSON checks it), so it is
/// copied without the per-byte test of [`clean`].
fn key(out: &mut Vec<u8>, key: &'static str) {
    debug_assert!(clean(key.as_bytes()), "struct key {key:?} needs escaping");
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
}

/// Writes a string as serde_json does.
fn string(out: &mut Vec<u8>, s: &str) -> serde_json::Result<()> {
    if clean(s.as_bytes()) {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        Ok(())
    } else {
        serde_json::to_writer(out, s)
    }
}

/// Why this serializer gave up (the caller falls back to serde_json).
#[derive(Debug)]
pub struct Unsupported(String);

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Unsupported(msg.to_string())
    }
}

impl From<serde_json::Error> for Unsupported {
    fn from(e: serde_json::Error) -> Self {
        Unsupported(e.to_string())
    }
}

type R = Result<(), Unsupported>;

struct Json<'o> {
    out: &'o mut Vec<u8>,
}

/// A scalar, written by serde_json.
fn scalar<T: Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) -> R {
    serde_json::to_writer(out, v).map_err(Unsupported::from)
}

/// An array, an object or a variant being written: `first` is false after
/// the first element.
pub struct Compound<'o> {
    out: &'o mut Vec<u8>,
    first: bool,
    /// Closing bytes (`]`, `}` or `}}` for a variant).
    close: &'static [u8],
}

impl Compound<'_> {
    fn comma(&mut self) {
        if self.first {
            self.first = false;
        } else {
            self.out.push(b',');
        }
    }

    fn element<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        self.comma();
        v.serialize(Json {
            out: &mut *self.out,
        })
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> R {
        self.comma();
        self::key(self.out, key);
        v.serialize(Json {
            out: &mut *self.out,
        })
    }

    fn finish(self) -> R {
        self.out.extend_from_slice(self.close);
        Ok(())
    }
}

fn open<'o>(out: &'o mut Vec<u8>, start: &[u8], close: &'static [u8]) -> Compound<'o> {
    out.extend_from_slice(start);
    Compound {
        out,
        first: true,
        close,
    }
}

/// Opens `{"variant":` then `start`.
fn open_variant<'o>(
    out: &'o mut Vec<u8>,
    variant: &str,
    start: &[u8],
    close: &'static [u8],
) -> Result<Compound<'o>, Unsupported> {
    out.push(b'{');
    string(out, variant)?;
    out.push(b':');
    Ok(open(out, start, close))
}

impl<'o> ser::Serializer for Json<'o> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Compound<'o>;
    type SerializeTuple = Compound<'o>;
    type SerializeTupleStruct = Compound<'o>;
    type SerializeTupleVariant = Compound<'o>;
    type SerializeMap = Compound<'o>;
    type SerializeStruct = Compound<'o>;
    type SerializeStructVariant = Compound<'o>;

    fn serialize_bool(self, v: bool) -> R {
        scalar(self.out, &v)
    }
    fn serialize_i8(self, v: i8) -> R {
        scalar(self.out, &v)
    }
    fn serialize_i16(self, v: i16) -> R {
        scalar(self.out, &v)
    }
    fn serialize_i32(self, v: i32) -> R {
        scalar(self.out, &v)
    }
    fn serialize_i64(self, v: i64) -> R {
        scalar(self.out, &v)
    }
    fn serialize_i128(self, v: i128) -> R {
        scalar(self.out, &v)
    }
    fn serialize_u8(self, v: u8) -> R {
        decimal(self.out, u64::from(v));
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> R {
        decimal(self.out, u64::from(v));
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> R {
        decimal(self.out, u64::from(v));
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> R {
        decimal(self.out, v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> R {
        scalar(self.out, &v)
    }
    fn serialize_f32(self, v: f32) -> R {
        scalar(self.out, &v)
    }
    fn serialize_f64(self, v: f64) -> R {
        scalar(self.out, &v)
    }
    fn serialize_char(self, v: char) -> R {
        scalar(self.out, &v)
    }
    fn serialize_str(self, v: &str) -> R {
        string(self.out, v).map_err(Unsupported::from)
    }
    fn serialize_bytes(self, v: &[u8]) -> R {
        scalar(self.out, v)
    }
    fn serialize_none(self) -> R {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> R {
        v.serialize(self)
    }
    fn serialize_unit(self) -> R {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> R {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> R {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> R {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> R {
        let mut c = open_variant(self.out, variant, b"", b"}")?;
        c.first = false;
        v.serialize(Json { out: &mut *c.out })?;
        c.finish()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'o>, Unsupported> {
        Ok(open(self.out, b"[", b"]"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'o>, Unsupported> {
        Ok(open(self.out, b"[", b"]"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'o>, Unsupported> {
        Ok(open(self.out, b"[", b"]"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'o>, Unsupported> {
        open_variant(self.out, variant, b"[", b"]}")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'o>, Unsupported> {
        Ok(open(self.out, b"{", b"}"))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'o>, Unsupported> {
        Ok(open(self.out, b"{", b"}"))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'o>, Unsupported> {
        open_variant(self.out, variant, b"{", b"}}")
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        self.element(v)
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        self.element(v)
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        self.element(v)
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        self.element(v)
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> R {
        // Only string keys (serde_json also quotes numbers and booleans;
        // anything else here falls back to serde_json).
        self.comma();
        let at = self.out.len();
        key.serialize(Json {
            out: &mut *self.out,
        })?;
        if self.out.get(at) != Some(&b'"') {
            return Err(Unsupported("map key that is not a string".to_owned()));
        }
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> R {
        self.out.push(b':');
        v.serialize(Json {
            out: &mut *self.out,
        })
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> R {
        self.field(key, v)
    }
    fn end(self) -> R {
        self.finish()
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> R {
        self.field(key, v)
    }
    fn end(self) -> R {
        self.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize)]
    enum E {
        Unit,
        New(u8),
        Tup(u8, String),
        Strukt { a: Option<f64>, b: char },
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct S {
        plain: String,
        quoted_and_controls: String,
        unicode: &'static str,
        numbers: (i64, u64, f64, f64, f32),
        none: Option<u8>,
        list: Vec<E>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        map: std::collections::BTreeMap<String, bool>,
        unit: (),
        bytes: &'static [u8],
    }

    fn same<T: Serialize>(v: &T) {
        let mut ours = b"prefix".to_vec();
        to_vec(&mut ours, v).unwrap();
        let theirs = serde_json::to_vec(v).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&ours[6..]),
            String::from_utf8_lossy(&theirs)
        );
    }

    #[test]
    fn same_bytes_as_serde_json() {
        let long = "a clean string longer than sixteen bytes, twice over ".repeat(3);
        let s = S {
            plain: long.clone(),
            quoted_and_controls: format!("{long}\"q\" \\ \r\n\t\u{1}\u{7f}\u{8}\u{c}end"),
            unicode: "é ü 日本 🎉 \u{2028}",
            numbers: (-5, u64::MAX, 0.1, f64::NAN, 1.5),
            none: None,
            list: vec![
                E::Unit,
                E::New(7),
                E::Tup(1, "x\"".into()),
                E::Strukt {
                    a: Some(2.0),
                    b: '\n',
                },
            ],
            skipped: None,
            map: [("k\"1".to_owned(), true), ("k2".to_owned(), false)]
                .into_iter()
                .collect(),
            unit: (),
            bytes: b"ab",
        };
        same(&s);
        same(&Vec::<u8>::new());
        same(&"");
        for n in 0..40 {
            same(&"x".repeat(n));
            same(&format!("{}\"{}", "y".repeat(n), "z".repeat(n)));
            same(&format!("{}\u{1f}", "y".repeat(n)));
            same(&format!("{}\\{}", "é".repeat(n), "y".repeat(n)));
            same(&format!("{}\u{0}", "\u{7f}\u{80}".repeat(n)));
            same(&(
                n as u64 * 1_000_003,
                n as u8,
                n as u16 * 999,
                usize::MAX - n,
            ));
        }
    }

    #[test]
    fn non_string_map_keys_fall_back_to_serde_json() {
        let m: std::collections::BTreeMap<u8, &str> = [(1, "a"), (2, "b")].into_iter().collect();
        same(&m);
    }
}
