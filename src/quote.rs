//! Quoting a piece of the message inside a finding's text: `Reason: cause
//! "abc" is not a number`.
//!
//! The same text as Rust's `{:?}` for `str` and `char` for everything a SIP
//! message normally holds, without core's Unicode tables: `{:?}` also escapes
//! combining marks and unassigned code points, which takes the `printable`
//! and `grapheme_extend` tables (about 3.6 KB of the core `.wasm` gzip, README
//! "Size and speed"). Here every ASCII character is escaped exactly as `{:?}`
//! escapes it, and so is every non-ASCII character that is invisible or
//! spacing-only (`INVISIBLE`: the C1 controls, the format characters such as
//! U+200B and the bidi controls U+202A–U+202E, the spaces other than SP,
//! the line and paragraph separators, private use) or in a block of combining
//! marks or variation selectors; any other non-ASCII character is written as
//! it is (`{:?}` would write another grapheme extender, such as the Arabic
//! U+06E2, or an unassigned code point as `\u{…}`; the test
//! `quote_matches_debug` checks that this is the only difference).

use std::fmt::{self, Write};

/// A text in double quotes, escaped (see the module docs): the value is
/// borrowed as it is, so a format argument costs a pointer, as `{:?}` did.
pub(crate) struct Quoted<'a, T: ?Sized>(&'a T);

/// `s` in double quotes, as `{:?}` writes a `str` (see the module docs).
pub(crate) fn quote_str<T: AsRef<str> + ?Sized>(s: &T) -> Quoted<'_, T> {
    Quoted(s)
}

impl<T: AsRef<str> + ?Sized> fmt::Display for Quoted<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_quoted(f, self.0.as_ref(), '"')
    }
}

/// `c` in single quotes, as `{:?}` writes a `char` (`c` is from one byte of
/// the message, so `{:?}` and this agree on every value).
pub(crate) fn quote_char(c: char) -> QuotedChar {
    QuotedChar(c)
}

/// A `char` in single quotes (see [`quote_char`]).
pub(crate) struct QuotedChar(char);

impl fmt::Display for QuotedChar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0; 4];
        write_quoted(f, self.0.encode_utf8(&mut buf), '\'')
    }
}

/// Non-ASCII code points written as `\u{…}`, sorted, inclusive ranges: the
/// Unicode general categories Cc, Cf, Zs, Zl, Zp and Co (Unicode 14), which
/// `{:?}` escapes as not printable, and the blocks of combining marks and
/// variation selectors (Combining Diacritical Marks and their Extended and
/// Supplement blocks, for Symbols, Half Marks; `{:?}` escapes them as
/// grapheme extenders).
#[rustfmt::skip]
const INVISIBLE: &[(u32, u32)] = &[
    (0x80, 0xA0), (0xAD, 0xAD), (0x300, 0x36F), (0x600, 0x605), (0x61C, 0x61C),
    (0x6DD, 0x6DD), (0x70F, 0x70F), (0x890, 0x891), (0x8E2, 0x8E2), (0x1680, 0x1680),
    (0x180E, 0x180E), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x2000, 0x200F),
    (0x2028, 0x202F), (0x205F, 0x2064), (0x2066, 0x206F), (0x20D0, 0x20FF),
    (0x3000, 0x3000), (0xE000, 0xF8FF), (0xFE00, 0xFE0F), (0xFE20, 0xFE2F),
    (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD),
    (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001),
    (0xE0020, 0xE007F), (0xE0100, 0xE01EF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD),
];

/// Whether `c` is written as `\u{…}` (ASCII controls and [`INVISIBLE`]).
fn hidden(c: char) -> bool {
    let v = u32::from(c);
    v < 0x20 || v == 0x7F || INVISIBLE.iter().any(|&(lo, hi)| (lo..=hi).contains(&v))
}

/// `s` between `quote`s, escaped (see the module docs).
fn write_quoted(f: &mut fmt::Formatter<'_>, s: &str, quote: char) -> fmt::Result {
    f.write_char(quote)?;
    // The start of the run not written yet.
    let mut plain = 0;
    for (i, c) in s.char_indices() {
        let short = match c {
            '\t' => "\\t",
            '\r' => "\\r",
            '\n' => "\\n",
            '\0' => "\\0",
            '\\' => "\\\\",
            _ if c == quote => {
                if c == '"' {
                    "\\\""
                } else {
                    "\\'"
                }
            }
            _ if hidden(c) => "",
            _ => continue,
        };
        f.write_str(s.get(plain..i).unwrap_or_default())?;
        plain = i + c.len_utf8();
        if short.is_empty() {
            unicode_escape(f, c)?;
        } else {
            f.write_str(short)?;
        }
    }
    f.write_str(s.get(plain..).unwrap_or_default())?;
    f.write_char(quote)
}

/// `\u{1b}`: lower-case hex without leading zeros, as `{:?}` writes it.
fn unicode_escape(f: &mut fmt::Formatter<'_>, c: char) -> fmt::Result {
    f.write_str("\\u{")?;
    let v = u32::from(c);
    let digits = (32 - (v | 1).leading_zeros()).div_ceil(4);
    for k in (0..digits).rev() {
        let d = (v >> (4 * k)) & 0xF;
        f.write_char(char::from_digit(d, 16).unwrap_or('0'))?;
    }
    f.write_char('}')
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The core `.wasm` is built with `-Zfmt-debug=none` (Makefile `pkg/.built`),
    /// where `{:?}` writes nothing: the modules the core links quote with this
    /// module instead. Checked in their sources, outside test modules; the
    /// modules only the full module links (traces, captures, redaction, RTP)
    /// and the binary may use `{:?}`, and so may `Debug` impls and the
    /// invariants of the fuzz target and tests.
    #[test]
    fn core_sources_use_no_debug_format() {
        fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).expect("read src/").flatten() {
                let p = e.path();
                if p.is_dir() {
                    let full_only = ["trace", "redact", "capture", "rtp", "bin"];
                    if !full_only.iter().any(|d| p.ends_with(d)) {
                        walk(&p, out);
                    }
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        walk(&src, &mut files);
        assert!(files.len() > 30, "{}", files.len());
        let mut found = Vec::new();
        for f in files {
            let skip = [
                "diagnose/invariants.rs",
                "quote.rs",
                "tests.rs",
                "test_util.rs",
            ];
            if skip.iter().any(|s| f.ends_with(s)) {
                continue;
            }
            let text = std::fs::read_to_string(&f).expect("read source");
            // Up to the inline test module (`#[cfg(test)]` or `#[cfg(all(test, …))]`, then
            // `mod tests {`); a `#[cfg(test)] mod test_util;` line does not end the code.
            let mut end = text.len();
            let mut at = 0;
            for line in text.split_inclusive('\n') {
                let rest = &text[at + line.len()..];
                let next = rest.lines().next().unwrap_or("");
                if (line.starts_with("#[cfg(test)]") || line.starts_with("#[cfg(all(test"))
                    && next.starts_with("mod ")
                    && next.trim_end().ends_with('{')
                {
                    end = at;
                    break;
                }
                at += line.len();
            }
            let code = &text[..end];
            let mut in_debug_impl = false;
            for (n, line) in code.lines().enumerate() {
                if line.starts_with("impl") {
                    in_debug_impl = line.contains("Debug for");
                }
                if !in_debug_impl && (line.contains(":?}") || line.contains(":#?}")) {
                    found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "{{:?}} in the core's sources:\n{}",
            found.join("\n")
        );
    }

    /// Every ASCII string and character is quoted exactly as `{:?}` quotes it.
    #[test]
    fn ascii_matches_debug() {
        for b in 0..=0x7Fu8 {
            let c = char::from(b);
            let s = format!("a{c}b{c}");
            assert_eq!(quote_str(&s).to_string(), format!("{s:?}"), "{b:#x}");
            assert_eq!(quote_char(c).to_string(), format!("{c:?}"), "{b:#x}");
        }
        assert_eq!(quote_str("").to_string(), "\"\"");
        assert_eq!(quote_str("it's \"x\"").to_string(), r#""it's \"x\"""#);
        assert_eq!(quote_char('\'').to_string(), r"'\''");
        assert_eq!(quote_char('"').to_string(), "'\"'");
    }

    /// Every character of one byte (`quoted_char`'s input) as `{:?}`.
    #[test]
    fn latin1_chars_match_debug() {
        for b in 0..=0xFFu8 {
            let c = char::from(b);
            assert_eq!(quote_char(c).to_string(), format!("{c:?}"), "{b:#x}");
        }
    }

    /// Over every code point: where the two differ, `{:?}` escapes a
    /// character this writes as it is (a combining mark or an unassigned code
    /// point), never the other way round; the invisible ones agree.
    #[test]
    fn quote_matches_debug() {
        let mut differ = 0;
        for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
            let s = c.to_string();
            let ours = quote_str(&s).to_string();
            let std = format!("{s:?}");
            if ours != std {
                assert_eq!(ours, format!("\"{c}\""), "{:#x}", u32::from(c));
                assert!(std.starts_with("\"\\u{"), "{:#x}", u32::from(c));
                differ += 1;
            }
        }
        // Other grapheme extenders and unassigned code points only.
        assert!(differ < 900_000, "{differ}");
        for c in [
            '\u{85}', '\u{a0}', '\u{ad}', '\u{301}', '\u{fe0f}', '\u{200b}', '\u{202e}',
            '\u{2028}', '\u{feff}',
        ] {
            let s = format!("x{c}y");
            assert_eq!(quote_str(&s).to_string(), format!("{s:?}"));
        }
        assert_eq!(
            quote_str("é ü 日本").to_string(),
            format!("{:?}", "é ü 日本")
        );
    }
}
