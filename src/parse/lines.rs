//! The lines of a body, shared by the body dispatcher ([`super::body`])
//! and the SDP parser ([`super::sdp`]) so that neither imports the other
//! for it.

use crate::span::Text;

/// The lines of a body: each item is the line content with the paste
/// prefix and the line end (CRLF or bare LF) removed. A line made only of
/// prefix characters (SP, HTAB, `>`) is blank.
pub(crate) struct Lines<'a, 'p> {
    text: Text<'a>,
    prefix: &'p [u8],
    pos: usize,
}

impl<'a, 'p> Lines<'a, 'p> {
    pub(crate) fn new(text: Text<'a>, prefix: &'p [u8]) -> Self {
        Lines {
            text,
            prefix,
            pos: 0,
        }
    }

    /// Relative offset where the next line starts.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }
}

impl<'a> Iterator for Lines<'a, '_> {
    type Item = Text<'a>;

    fn next(&mut self) -> Option<Text<'a>> {
        let b = self.text.bytes();
        if self.pos >= b.len() {
            return None;
        }
        let start = self.pos;
        let (mut end, next) = match memchr::memchr(b'\n', &b[start..]) {
            Some(i) => (start + i, start + i + 1),
            None => (b.len(), b.len()),
        };
        if end > start && b[end - 1] == b'\r' {
            end -= 1;
        }
        self.pos = next;
        let line = &b[start..end];
        let mut s = start;
        if !self.prefix.is_empty() {
            if line.starts_with(self.prefix) {
                s += self.prefix.len();
            } else if line.iter().all(|&c| matches!(c, b' ' | b'\t' | b'>')) {
                s = end;
            }
        }
        Some(self.text.sub(s, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn whole(b: &[u8]) -> Text<'_> {
        Text::new(b, Span::new(0, b.len()))
    }

    #[test]
    fn lines_strip_prefix_and_line_ends() {
        let input = b"> a\r\n>\n> \nb\n";
        let got: Vec<_> = Lines::new(whole(input), b"> ").map(|l| l.bytes()).collect();
        assert_eq!(got, [&b"a"[..], b"", b"", b"b"]);
        let got: Vec<_> = Lines::new(whole(b"x\r\ny"), b"")
            .map(|l| l.bytes())
            .collect();
        assert_eq!(got, [&b"x"[..], b"y"]);
        assert_eq!(Lines::new(whole(b""), b"").count(), 0);
    }
}
