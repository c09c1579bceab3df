//! A message framed now and read on demand: the core of the JS `parse` entry.
//!
//! [`FramedMessage`] owns its bytes and keeps only the spans
//! [`crate::parse::parse_message`] found (start line, every header's name and value,
//! the body; RFC 3261 §7). Nothing else is decoded until asked: an accessor
//! re-slices the bytes, a typed value (CSeq) is parsed when read, and
//! [`FramedMessage::decode`] runs the whole diagnosis, giving the same
//! [`Decoded`] as [`crate::diagnose::decode`] on the same bytes.
//!
//! Header lookup follows the parser's rules: a registered name matches in any
//! case and by its compact form (`i` is Call-ID, RFC 3261 §7.3.3); any other
//! name matches case-insensitively.

use crate::diagnose::Decoded;
use crate::header_name::HeaderName;
use crate::parse::scalar::parse_cseq;
use crate::parse::{frame_message, StartLine};
use crate::span::{Span, Text};

/// Which start line a framed message has (as [`StartLine`], without the views).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FramedKind {
    /// A Request-Line.
    Request,
    /// A Status-Line.
    Response,
    /// Neither; [`FramedMessage::decode`] says why.
    Invalid,
}

/// Number of `u32` before the first header in [`frame`]'s output.
pub const FRAME_HEAD: usize = 9;

/// Frames `input` as [`crate::parse::parse_message`] does (same spans; no
/// findings are recorded, `decode` computes them) and appends the framing to
/// `out` as `u32`s, the layout the JS `SipMessage` (src/lazy.js) reads:
///
/// | index | value |
/// | --- | --- |
/// | 0 | byte length of `input` |
/// | 1 | kind: 0 request, 1 response, 2 invalid |
/// | 2 | status code + 1; 0 when none |
/// | 3, 4 | method (requests) or SIP-Version (responses): start, end |
/// | 5, 6 | Request-URI (requests) or Reason-Phrase (responses) |
/// | 7, 8 | body |
/// | 9 + 4 i … | header i: name start, name end, value start, value end |
///
/// Offsets are byte offsets into `input`; inputs of 4 GiB or more are not
/// framed (kind invalid, no headers).
#[cfg_attr(siplens_speed, optimize(speed))]
pub fn frame(input: &[u8], out: &mut Vec<u32>) {
    let at = out.len();
    out.resize(at + FRAME_HEAD, 0);
    out[at + 1] = 2;
    let Ok(len) = u32::try_from(input.len()) else {
        return;
    };
    out[at] = len;
    // The header list's buffer is the last message's (`parse` frames one
    // message after another): one allocation and its `free` less a call.
    let msg = frame_message(input, crate::spare::take_always(&SPARE_HEADERS));
    // Every span lies inside `input`, so it fits in u32 as `len` does.
    let o = |v: usize| v as u32;
    let (kind, first, second, code) = match msg.start_line() {
        StartLine::Request(r) => (0, r.method.span(), r.uri.span(), 0),
        StartLine::Status(s) => (
            1,
            s.version.span(),
            s.reason.span(),
            s.code.map_or(0, |c| u32::from(c.0) + 1),
        ),
        StartLine::Invalid(_) => (2, Span::empty(0), Span::empty(0), 0),
    };
    let body = msg.body().span();
    out[at + 1..at + FRAME_HEAD].copy_from_slice(&[
        kind,
        code,
        o(first.start),
        o(first.end),
        o(second.start),
        o(second.end),
        o(body.start),
        o(body.end),
    ]);
    // Sized once and written in place: `extend_from_slice` per header was a
    // call (not inlined at the core's opt-level z), a twentieth of `parse`;
    // four `push`es a header were slower than this (docs/PERFORMANCE.md).
    let from = out.len();
    out.resize(from + msg.headers().len() * 4, 0);
    for (w, h) in out[from..].chunks_exact_mut(4).zip(msg.headers()) {
        let (n, v) = (h.name.span(), h.value.span());
        w.copy_from_slice(&[o(n.start), o(n.end), o(v.start), o(v.end)]);
    }
    crate::spare::keep_always(&SPARE_HEADERS, msg.into_headers(), SPARE_HEADERS_MAX);
}

thread_local! {
    /// The header list [`frame`] hands from one message to the next.
    static SPARE_HEADERS: std::cell::Cell<Vec<crate::parse::Header<'static>>> =
        const { std::cell::Cell::new(Vec::new()) };
}

/// Headers above which [`frame`]'s list is not kept (one odd message does
/// not pin a large buffer).
const SPARE_HEADERS_MAX: usize = 256;

/// One header as spans into [`FramedMessage::input`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FramedHeader {
    name: Span,
    value: Span,
}

/// A SIP message framed once (start line, header list, body) and owning its
/// bytes; everything else is read on demand. Never fails: input that is not a
/// message is [`FramedKind::Invalid`] with no headers.
#[derive(Debug, Clone)]
pub struct FramedMessage {
    input: Vec<u8>,
    kind: FramedKind,
    /// Method (requests) or SIP-Version (responses).
    first: Span,
    /// Request-URI (requests) or Reason-Phrase (responses).
    second: Span,
    code: Option<u16>,
    headers: Vec<FramedHeader>,
    body: Span,
}

/// The CSeq of a message, read on demand (RFC 3261 §20.16).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FramedCSeq<'a> {
    /// The sequence number; `None` when it does not fit 32 bits.
    pub seq: Option<u32>,
    /// The method as written.
    pub method: Text<'a>,
}

/// Reads a CSeq value (RFC 3261 §20.16) as the diagnosis does; `None` when it
/// does not start with a number.
pub fn read_cseq(value: Text<'_>) -> Option<FramedCSeq<'_>> {
    let mut ignored = Vec::new();
    let c = parse_cseq(value, &mut ignored)?;
    Some(FramedCSeq {
        seq: c.seq,
        method: c.method,
    })
}

impl FramedMessage {
    /// Frames `input` with the default (lenient) parse options ([`frame`]).
    pub fn parse(input: Vec<u8>) -> Self {
        let mut f = Vec::new();
        frame(&input, &mut f);
        let span = |i: usize| Span::new(f[i] as usize, f[i + 1] as usize);
        let kind = match f[1] {
            0 => FramedKind::Request,
            1 => FramedKind::Response,
            _ => FramedKind::Invalid,
        };
        let headers = f[FRAME_HEAD..]
            .chunks_exact(4)
            .map(|h| FramedHeader {
                name: Span::new(h[0] as usize, h[1] as usize),
                value: Span::new(h[2] as usize, h[3] as usize),
            })
            .collect();
        FramedMessage {
            kind,
            first: span(3),
            second: span(5),
            code: f[2].checked_sub(1).map(|c| c as u16),
            headers,
            body: span(7),
            input,
        }
    }

    /// The bytes the message was framed from.
    pub fn input(&self) -> &[u8] {
        &self.input
    }

    /// Request, response or neither.
    pub fn kind(&self) -> FramedKind {
        self.kind
    }

    fn text(&self, span: Span) -> Text<'_> {
        Text::new(&self.input, span)
    }

    /// The method as written, for a request.
    pub fn method(&self) -> Option<Text<'_>> {
        (self.kind == FramedKind::Request).then(|| self.text(self.first))
    }

    /// The Request-URI as written, for a request.
    pub fn request_uri(&self) -> Option<Text<'_>> {
        (self.kind == FramedKind::Request).then(|| self.text(self.second))
    }

    /// The status code of a response, when its text is a number that fits 16 bits.
    pub fn status_code(&self) -> Option<u16> {
        self.code
    }

    /// The Reason-Phrase of a response (may be empty).
    pub fn reason_phrase(&self) -> Option<Text<'_>> {
        (self.kind == FramedKind::Response).then(|| self.text(self.second))
    }

    /// Number of header lines, duplicates included.
    pub fn header_count(&self) -> usize {
        self.headers.len()
    }

    /// Every header's `(name, value)` as written, in order.
    pub fn header_list(&self) -> impl Iterator<Item = (Text<'_>, Text<'_>)> + '_ {
        self.headers
            .iter()
            .map(|h| (self.text(h.name), self.text(h.value)))
    }

    /// The values of every header named `name`, in order: a registered name in
    /// any case or its compact form, any other name case-insensitively.
    pub fn header_values<'s>(&'s self, name: &str) -> impl Iterator<Item = Text<'s>> + 's {
        let known = HeaderName::from_bytes(name.as_bytes());
        let raw = name.as_bytes().to_vec();
        self.headers.iter().filter_map(move |h| {
            let n = h.name.slice(&self.input);
            let hit = match known {
                Some(k) => k.matches(n),
                None => n.eq_ignore_ascii_case(&raw),
            };
            hit.then(|| self.text(h.value))
        })
    }

    /// The value of the first header named `name` (as [`Self::header_values`]).
    pub fn header(&self, name: &str) -> Option<Text<'_>> {
        self.header_values(name).next()
    }

    /// The value of the first header `name` (a registered header).
    fn known(&self, name: HeaderName) -> Option<Text<'_>> {
        self.headers
            .iter()
            .find(|h| name.matches(h.name.slice(&self.input)))
            .map(|h| self.text(h.value))
    }

    /// The Call-ID (`i`), as written.
    pub fn call_id(&self) -> Option<Text<'_>> {
        self.known(HeaderName::CallId)
    }

    /// The first CSeq, parsed now; `None` when there is none or it does not
    /// start with a number (`decode` reports why).
    pub fn cseq(&self) -> Option<FramedCSeq<'_>> {
        read_cseq(self.known(HeaderName::CSeq)?)
    }

    /// The body: exactly the framed octets (empty when there is none).
    pub fn body(&self) -> Text<'_> {
        self.text(self.body)
    }

    /// The whole diagnosis, equal to [`crate::diagnose::decode`] on [`Self::input`].
    pub fn decode(&self) -> Decoded<'_> {
        crate::diagnose::decode(&self.input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVITE: &[u8] = b"INVITE sip:bob@example.com SIP/2.0\r\n\
v: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-1\r\n\
Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK-2\r\n\
i: abc@host\r\n\
cSeq: 7 INVITE\r\n\
X-Custom: one\r\n\
Content-Length: 4\r\n\r\nbodyEXTRA";

    #[test]
    fn request_accessors_read_the_spans() {
        let m = FramedMessage::parse(INVITE.to_vec());
        assert_eq!(m.kind(), FramedKind::Request);
        let str = |t: Option<Text<'_>>| t.map(|t| t.as_str().into_owned());
        assert_eq!(str(m.method()).as_deref(), Some("INVITE"));
        assert_eq!(str(m.request_uri()).as_deref(), Some("sip:bob@example.com"));
        assert_eq!(m.status_code(), None);
        assert_eq!(m.reason_phrase(), None);
        assert_eq!(str(m.call_id()).as_deref(), Some("abc@host"));
        assert_eq!(str(m.header("CALL-ID")).as_deref(), Some("abc@host"));
        assert_eq!(str(m.header("x-custom")).as_deref(), Some("one"));
        let via: Vec<_> = m.header_values("VIA").map(|t| t.as_str()).collect();
        assert_eq!(via.len(), 2);
        assert!(via[0].contains("z9hG4bK-1") && via[1].contains("z9hG4bK-2"));
        let cseq = m.cseq().unwrap();
        assert_eq!(cseq.seq, Some(7));
        assert_eq!(cseq.method.bytes(), b"INVITE");
        assert_eq!(m.body().bytes(), b"body");
        assert_eq!(m.header_count(), 6);
        assert_eq!(m.header("Route"), None);
    }

    #[test]
    fn response_and_invalid() {
        let m = FramedMessage::parse(b"SIP/2.0 486 Busy Here\r\nCSeq: x\r\n\r\n".to_vec());
        assert_eq!(m.kind(), FramedKind::Response);
        assert_eq!(m.status_code(), Some(486));
        assert_eq!(m.reason_phrase().unwrap().bytes(), b"Busy Here");
        assert_eq!(m.method(), None);
        assert_eq!(m.cseq(), None);
        let bad = FramedMessage::parse(b"hello\r\n".to_vec());
        assert_eq!(bad.kind(), FramedKind::Invalid);
        assert_eq!(bad.method(), None);
        assert_eq!(bad.status_code(), None);
    }

    /// Every `.sip` file under `dir`, recursively.
    fn sip_files(dir: &std::path::Path, out: &mut Vec<Vec<u8>>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                sip_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "sip") {
                out.push(std::fs::read(&p).unwrap());
            }
        }
    }

    /// The framing without findings gives exactly the spans of the full parse,
    /// on the shared corpus, the fixtures (RFC 4475/5118 torture tests among
    /// them) and edge cases.
    #[test]
    fn frame_equals_the_full_parse() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut inputs: Vec<Vec<u8>> = [
            &b""[..],
            b"\r\n",
            b"hello\r\n",
            b"  > INVITE sip:x SIP/2.0\n  > Content-Length: 3\n  >\n  > abcdef",
            b"SIP/2.0 200 OK\nCSeq: 1 X\n\nbody",
            b"SIP/2.0 99999 x\r\n\r\n",
            INVITE,
        ]
        .iter()
        .map(|b| b.to_vec())
        .collect();
        sip_files(&root.join("tests/fixtures"), &mut inputs);
        sip_files(&root.join("../shared/corpus"), &mut inputs);
        assert!(inputs.len() > 1000, "only {} inputs", inputs.len());
        for input in &inputs {
            assert_same_framing(input);
        }
    }

    /// [`frame`] of `input` equals the spans of [`crate::parse::parse_message`].
    fn assert_same_framing(input: &[u8]) {
        let m = crate::parse::parse_message(input);
        let mut f = Vec::new();
        frame(input, &mut f);
        let sp = |i: usize| Span::new(f[i] as usize, f[i + 1] as usize);
        let what = String::from_utf8_lossy(&input[..input.len().min(60)]).into_owned();
        assert_eq!(f[0] as usize, input.len());
        match m.start_line() {
            StartLine::Request(r) => {
                assert_eq!((f[1], f[2]), (0, 0), "{what}");
                assert_eq!((sp(3), sp(5)), (r.method.span(), r.uri.span()), "{what}");
            }
            StartLine::Status(st) => {
                let code = st.code.map_or(0, |c| u32::from(c.0) + 1);
                assert_eq!((f[1], f[2]), (1, code), "{what}");
                assert_eq!(
                    (sp(3), sp(5)),
                    (st.version.span(), st.reason.span()),
                    "{what}"
                );
            }
            StartLine::Invalid(_) => assert_eq!(f[1], 2, "{what}"),
        }
        assert_eq!(sp(7), m.body().span(), "{what}");
        let headers: Vec<_> = m
            .headers()
            .iter()
            .flat_map(|h| [h.name.span(), h.value.span()])
            .flat_map(|s| [s.start as u32, s.end as u32])
            .collect();
        assert_eq!(f[FRAME_HEAD..], headers[..], "{what}");
        // Every span lies inside the input.
        assert!(f[3..].iter().all(|&o| o as usize <= input.len()), "{what}");
    }

    /// Pieces a SIP message is made of, in any order, with stray bytes between.
    // proptest is a native-only dev-dependency (`wasm-pack test` builds the
    // lib tests for wasm32 too).
    #[cfg(not(target_arch = "wasm32"))]
    fn sipish() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just(b"INVITE sip:a@b SIP/2.0".to_vec()),
            Just(b"SIP/2.0 200 OK".to_vec()),
            Just(b"sip/2.0  486 x".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"\n".to_vec()),
            Just(b"\r\n\r\n".to_vec()),
            Just(b"Content-Length: 5".to_vec()),
            Just(b"l:99".to_vec()),
            Just(b"  > ".to_vec()),
            Just(b" \t".to_vec()),
            Just(b"Via : x".to_vec()),
            Just(b":".to_vec()),
            Just(b"\0".to_vec()),
            Just("é☎".as_bytes().to_vec()),
            proptest::collection::vec(any::<u8>(), 0..8),
        ];
        proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn frame_equals_the_full_parse_on_any_input(input in sipish()) {
            assert_same_framing(&input);
        }
    }

    #[test]
    fn decode_equals_the_core() {
        let m = FramedMessage::parse(INVITE.to_vec());
        assert_eq!(
            serde_json::to_string(&m.decode()).unwrap(),
            serde_json::to_string(&crate::diagnose::decode(INVITE)).unwrap()
        );
    }
}
