//! Triage of `decode` input: is there anything a SIP diagnosis can say
//! something about? A malformed message is a normal result with findings;
//! only input with no message in it at all is refused (exit code 2).
//!
//! The input is unusable when
//! 1. it is empty or only white space (SP, HTAB, CR, LF, FF, VT);
//! 2. it looks binary: in the *sample* — the input after leading white
//!    space, up to the first empty line (the end of a header section), at
//!    most [`SAMPLE`] bytes — at least 1 byte in [`BINARY_RATIO`] is not
//!    text. Text is TAB, CR, LF, printable ASCII and valid UTF-8; not text
//!    is NUL, the other C0 controls, DEL and bytes of invalid UTF-8. Real
//!    captures stay far below (the worst in the shared corpus is under
//!    1%), UTF-16 text and compressed or encrypted data far above. The
//!    body is not sampled: binary bodies (SMS TPDUs, ISUP) are legal;
//! 3. the parser finds neither a valid start line nor a single header. A
//!    start line is not valid when the parser could not read it as a
//!    request or status line, or read it only leniently and raised
//!    `bad-start-line` (SL002), e.g. `hello world` with no SIP-Version.

use siplens::{Message, Rule, StartLine};

/// Bytes of the sample.
pub const SAMPLE: usize = 1024;

/// Input is binary when at least one sample byte in this many is not text.
pub const BINARY_RATIO: usize = 10;

/// Why input is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unusable {
    /// Nothing but white space.
    Empty,
    /// Mostly non-text bytes.
    Binary {
        /// Non-text bytes in the sample.
        bad: usize,
        /// Sample length.
        sampled: usize,
    },
    /// No start line and no header.
    NotSip,
}

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unusable::Empty => f.write_str("empty input: no SIP message to decode"),
            Unusable::Binary { bad, sampled } => write!(
                f,
                "binary input: {bad} of the first {sampled} bytes are not text; not a SIP message"
            ),
            Unusable::NotSip => {
                f.write_str("not a SIP message: no valid request or status line and no header")
            }
        }
    }
}

/// Checks the raw bytes (rules 1 and 2), before parsing.
pub fn check_bytes(input: &[u8]) -> Result<(), Unusable> {
    let lead = input
        .iter()
        .position(|b| !is_space(*b))
        .ok_or(Unusable::Empty)?;
    let rest = &input[lead..];
    let head_end = find_empty_line(rest).unwrap_or(rest.len());
    let sample = &rest[..head_end.min(SAMPLE)];
    let bad = non_text(sample);
    if bad * BINARY_RATIO >= sample.len() && bad > 0 {
        return Err(Unusable::Binary {
            bad,
            sampled: sample.len(),
        });
    }
    Ok(())
}

/// Checks the parsed message (rule 3).
pub fn check_message(msg: &Message<'_>) -> Result<(), Unusable> {
    let bad_start = matches!(msg.start_line(), StartLine::Invalid(_))
        || msg.findings().iter().any(|f| f.rule == Rule::BadStartLine);
    if bad_start && msg.headers().is_empty() {
        Err(Unusable::NotSip)
    } else {
        Ok(())
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c)
}

/// Offset of the first empty line (LF followed by LF or CRLF).
fn find_empty_line(s: &[u8]) -> Option<usize> {
    s.windows(2)
        .enumerate()
        .find(|(i, w)| w == b"\n\n" || (w == b"\n\r" && s.get(i + 2) == Some(&b'\n')))
        .map(|(i, _)| i)
}

/// Bytes that are not text: controls other than TAB/CR/LF, DEL, and every
/// byte of an invalid UTF-8 sequence.
fn non_text(mut s: &[u8]) -> usize {
    let mut bad = 0;
    loop {
        match std::str::from_utf8(s) {
            Ok(t) => return bad + t.bytes().filter(|b| is_control(*b)).count(),
            Err(e) => {
                let (good, after) = s.split_at(e.valid_up_to());
                bad += good.iter().filter(|b| is_control(**b)).count();
                let n = e.error_len().unwrap_or(after.len());
                bad += n;
                s = &after[n..];
            }
        }
    }
}

fn is_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n')) || b == 0x7f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_white_space() {
        assert_eq!(check_bytes(b""), Err(Unusable::Empty));
        assert_eq!(check_bytes(b" \r\n\t\n"), Err(Unusable::Empty));
    }

    #[test]
    fn binary() {
        assert!(matches!(
            check_bytes(b"\x00\x01\x02\x03SIP"),
            Err(Unusable::Binary { .. })
        ));
        let utf16: Vec<u8> = "INVITE sip:a@b SIP/2.0\r\n"
            .bytes()
            .flat_map(|b| [b, 0])
            .collect();
        assert!(check_bytes(&utf16).is_err());
        assert!(check_bytes(&[0xff; 64]).is_err());
    }

    #[test]
    fn text_with_a_few_controls_and_a_binary_body() {
        assert_eq!(
            check_bytes("OPTIONS sip:é@b SIP/2.0\r\nTo: \"NUL:\x00\"\r\n\r\n".as_bytes()),
            Ok(())
        );
        let mut m = b"MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 64\r\n\r\n".to_vec();
        m.extend([0u8; 64]);
        assert_eq!(check_bytes(&m), Ok(()));
    }
}
