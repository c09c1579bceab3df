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
use crate::parse::{parse_message, StartLine};
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

impl FramedMessage {
    /// Frames `input` with the default (lenient) parse options.
    pub fn parse(input: Vec<u8>) -> Self {
        let msg = parse_message(&input);
        let (kind, first, second, code) = match msg.start_line() {
            StartLine::Request(r) => (FramedKind::Request, r.method.span(), r.uri.span(), None),
            StartLine::Status(s) => (
                FramedKind::Response,
                s.version.span(),
                s.reason.span(),
                s.code.map(|c| c.0),
            ),
            StartLine::Invalid(_) => (FramedKind::Invalid, Span::empty(0), Span::empty(0), None),
        };
        let headers = msg
            .headers()
            .iter()
            .map(|h| FramedHeader {
                name: h.name.span(),
                value: h.value.span(),
            })
            .collect();
        let body = msg.body().span();
        drop(msg);
        FramedMessage {
            input,
            kind,
            first,
            second,
            code,
            headers,
            body,
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
        let mut ignored = Vec::new();
        let c = parse_cseq(self.known(HeaderName::CSeq)?, &mut ignored)?;
        Some(FramedCSeq {
            seq: c.seq,
            method: c.method,
        })
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

    #[test]
    fn decode_equals_the_core() {
        let m = FramedMessage::parse(INVITE.to_vec());
        assert_eq!(
            serde_json::to_string(&m.decode()).unwrap(),
            serde_json::to_string(&crate::diagnose::decode(INVITE)).unwrap()
        );
    }
}
