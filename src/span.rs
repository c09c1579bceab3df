//! Byte spans into the original input, and [`Text`]: a borrowed slice that
//! always knows where it came from.
//!
//! Every view the parser returns is built from `Text` values, so any element
//! a finding or a user interface points at can be re-sliced from the input
//! with [`Span::slice`]. Spans are half-open byte ranges `[start, end)`.

use std::borrow::Cow;
use std::cell::Cell;

use serde::Serialize;

/// A half-open byte range `[start, end)` into the parsed input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`; `end` is clamped so the span is never inverted.
    #[inline]
    pub const fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: if end < start { start } else { end },
        }
    }

    /// An empty span at `at`.
    #[inline]
    pub const fn empty(at: usize) -> Self {
        Span { start: at, end: at }
    }

    /// Length in bytes.
    #[inline]
    pub const fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no byte.
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The bytes of `input` this span covers; empty when it falls outside.
    #[inline]
    pub fn slice<'a>(&self, input: &'a [u8]) -> &'a [u8] {
        input.get(self.start..self.end).unwrap_or(&[])
    }

    /// The smallest span covering both.
    #[inline]
    pub fn join(&self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A borrowed piece of the input together with its absolute [`Span`].
///
/// Invariant: `bytes == &input[span.start..span.end]` for the input the
/// message was parsed from. Sub-slicing keeps the invariant.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Text<'a> {
    bytes: &'a [u8],
    start: usize,
}

impl std::fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}@{}..{}", self.as_str(), self.start, self.end())
    }
}

impl<'a> Text<'a> {
    /// A text covering `input[span]` (clamped to the input).
    #[inline]
    pub fn new(input: &'a [u8], span: Span) -> Self {
        let end = span.end.min(input.len());
        let start = span.start.min(end);
        Text {
            bytes: &input[start..end],
            start,
        }
    }

    /// A text over a whole buffer that starts at absolute offset `start`.
    #[inline]
    pub const fn from_parts(bytes: &'a [u8], start: usize) -> Self {
        Text { bytes, start }
    }

    /// A text over a whole buffer, starting at offset 0.
    #[inline]
    pub const fn whole(bytes: &'a [u8]) -> Self {
        Text { bytes, start: 0 }
    }

    /// The raw bytes.
    #[inline]
    pub const fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The absolute span of these bytes in the input.
    #[inline]
    pub const fn span(&self) -> Span {
        Span {
            start: self.start,
            end: self.start + self.bytes.len(),
        }
    }

    /// Absolute start offset.
    #[inline]
    pub const fn start(&self) -> usize {
        self.start
    }

    /// Absolute end offset.
    #[inline]
    pub const fn end(&self) -> usize {
        self.start + self.bytes.len()
    }

    /// Length in bytes.
    #[inline]
    pub const fn len(&self) -> usize {
        self.bytes.len()
    }

    /// True when empty.
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The text as UTF-8, with invalid sequences replaced (U+FFFD).
    pub fn as_str(&self) -> Cow<'a, str> {
        // `from_utf8` validates valid (usually ASCII) text faster than the
        // chunked walk of `from_utf8_lossy`; the result is the same.
        match std::str::from_utf8(self.bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => String::from_utf8_lossy(self.bytes),
        }
    }

    /// The sub-text `[from, to)` relative to this text (clamped).
    #[inline]
    pub fn sub(&self, from: usize, to: usize) -> Text<'a> {
        let to = to.min(self.bytes.len());
        let from = from.min(to);
        Text {
            bytes: &self.bytes[from..to],
            start: self.start + from,
        }
    }

    /// The sub-text from relative offset `from` to the end.
    #[inline]
    pub fn tail(&self, from: usize) -> Text<'a> {
        self.sub(from, self.bytes.len())
    }

    /// Trims linear white space (SP, HTAB, CR, LF) on both ends.
    pub fn trim(&self) -> Text<'a> {
        let b = self.bytes;
        // Most texts are trimmed already (or empty): nothing to cut.
        match (b.first(), b.last()) {
            (Some(&f), Some(&l)) if !is_lws(f) && !is_lws(l) => return *self,
            (None, _) => return *self,
            _ => {}
        }
        let mut s = 0;
        let mut e = b.len();
        while s < e && is_lws(b[s]) {
            s += 1;
        }
        while e > s && is_lws(b[e - 1]) {
            e -= 1;
        }
        self.sub(s, e)
    }

    /// Case-insensitive ASCII comparison with `other`.
    #[inline]
    pub fn eq_ignore_case(&self, other: &str) -> bool {
        self.bytes.eq_ignore_ascii_case(other.as_bytes())
    }

    /// Relative position of the first `needle` byte outside quoted strings
    /// (a backslash escapes the next byte inside quotes).
    pub fn find_unquoted(&self, needle: u8) -> Option<usize> {
        let mut in_quotes = false;
        let mut i = 0;
        let b = self.bytes;
        while i < b.len() {
            let c = b[i];
            if in_quotes {
                if c == b'\\' {
                    i += 1;
                } else if c == b'"' {
                    in_quotes = false;
                }
            } else if c == b'"' {
                in_quotes = true;
            } else if c == needle {
                return Some(i);
            }
            i += 1;
        }
        None
    }

    /// Splits at the first unquoted `sep`: (before, after-without-sep).
    pub fn split_once_unquoted(&self, sep: u8) -> Option<(Text<'a>, Text<'a>)> {
        self.find_unquoted(sep)
            .map(|i| (self.sub(0, i), self.tail(i + 1)))
    }

    /// Parses the text (trimmed) as an unsigned decimal integer without
    /// sign; `None` when empty, non-digit or overflowing `u64`.
    pub fn parse_u64(&self) -> Option<u64> {
        parse_u64(self.trim().bytes)
    }
}

/// Linear white space bytes: SP, HTAB, CR, LF.
#[inline]
pub const fn is_lws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Parses unsigned decimal digits; `None` when empty, non-digit or overflowing.
pub fn parse_u64(b: &[u8]) -> Option<u64> {
    if b.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    Some(v)
}

/// Line and column (both 1-based; column counts bytes) of `offset` in `input`.
pub fn line_col(input: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(input.len());
    let before = &input[..offset];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let col = match memchr::memrchr(b'\n', before) {
        Some(nl) => offset - nl,
        None => offset + 1,
    };
    (line, col)
}

/// The LF offsets of an input, for many [`line_col`] look-ups on the same
/// input: built in one pass, then each look-up is a binary search instead
/// of a scan from the start (a decoded message locates every header,
/// field and finding). Look-ups come mostly in order (the spans of one
/// header, then the next), so the line of the last one is tried first.
#[derive(Debug, Clone)]
pub struct LineIndex {
    lfs: Vec<usize>,
    len: usize,
    /// The line (LFs before it) of the last look-up.
    last: Cell<usize>,
}

impl LineIndex {
    /// Indexes the line ends of `input`.
    pub fn new(input: &[u8]) -> Self {
        // Room for a line per sixteen bytes (and four) from the start: the
        // collect alone grew its `Vec` three or four times per message, and
        // counting the line ends first cost about as much.
        let mut lfs = Vec::with_capacity(input.len() / 16 + 4);
        lfs.extend(memchr::memchr_iter(b'\n', input));
        LineIndex {
            lfs,
            len: input.len(),
            last: Cell::new(0),
        }
    }

    /// The number of LFs strictly before `offset`: the last look-up's
    /// line or the next one when `offset` is there, else a binary search.
    fn lfs_before(&self, offset: usize) -> usize {
        let lfs = &self.lfs;
        let on_line = |k: usize| {
            (k == 0 || lfs.get(k - 1).is_some_and(|&nl| nl < offset))
                && lfs.get(k).is_none_or(|&nl| nl >= offset)
        };
        let k = self.last.get();
        let k = if on_line(k) {
            k
        } else if on_line(k + 1) {
            k + 1
        } else {
            lfs.partition_point(|&nl| nl < offset)
        };
        self.last.set(k);
        k
    }

    /// Same as [`line_col`] on the indexed input.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.len);
        // LFs strictly before `offset`.
        let k = self.lfs_before(offset);
        let col = match k {
            0 => offset + 1,
            _ => offset - self.lfs[k - 1],
        };
        (k + 1, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_line_col() {
        for input in [
            &b""[..],
            b"a",
            b"\n",
            b"\n\n",
            b"ab\r\ncd\nef\r\n\r\nbody",
            b"no line end",
        ] {
            let idx = LineIndex::new(input);
            for off in 0..input.len() + 3 {
                assert_eq!(idx.line_col(off), line_col(input, off), "{input:?} @ {off}");
            }
            // Out of order too (the last line is only a first guess).
            for off in (0..input.len() + 3).rev().chain([0, 7, 2, 9, 1, 100]) {
                assert_eq!(idx.line_col(off), line_col(input, off), "{input:?} @ {off}");
            }
        }
    }

    #[test]
    fn text_sub_keeps_absolute_offsets() {
        let input = b"Via: SIP/2.0/UDP host";
        let t = Text::new(input, Span::new(5, input.len()));
        let s = t.sub(8, 11);
        assert_eq!(s.bytes(), b"UDP");
        assert_eq!(s.span().slice(input), b"UDP");
        assert_eq!(t.sub(100, 200).len(), 0);
    }

    #[test]
    fn trim_and_quotes() {
        let input = b"  \"a,b\" , c ";
        let t = Text::new(input, Span::new(0, input.len()));
        assert_eq!(t.trim().bytes(), b"\"a,b\" , c");
        assert_eq!(t.find_unquoted(b','), Some(8));
        let input = b"\"a\\\"b,\" ,x";
        let t = Text::new(input, Span::new(0, input.len()));
        assert_eq!(t.find_unquoted(b','), Some(8));
    }

    #[test]
    fn numbers_and_positions() {
        assert_eq!(parse_u64(b"0070"), Some(70));
        assert_eq!(parse_u64(b"-1"), None);
        assert_eq!(parse_u64(b"99999999999999999999999"), None);
        assert_eq!(line_col(b"ab\ncd", 4), (2, 2));
        assert_eq!(line_col(b"ab\ncd", 0), (1, 1));
    }
}
