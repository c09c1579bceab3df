//! Message bodies, viewed on demand: the dispatcher [`parse_message_body`]
//! classifies a body by its Content-Type (RFC 3261 §7.4, §20.15) into SDP,
//! multipart, XML, text or binary; [`parse_multipart_body`] splits
//! `multipart/*` bodies into parts (RFC 2046 §5.1; RFC 5621 for SIP).
//!
//! Multipart parts keep their header list exactly like SIP headers
//! ([`Header`]) and their body as a [`Text`]; a nested multipart is opened
//! by calling [`Part::view`] again, or all at once with [`body_leaves`],
//! which stops at [`MAX_DEPTH`] levels. LF-only line ends and a paste
//! prefix are tolerated; a missing close delimiter is a `bad-body` finding.

use super::is_token;
use super::lines::Lines;
use super::media::{parse_media_type, MediaType};
use super::params::Findings;
use super::sdp::{parse_session_description, Sdp};
use super::{find_bytes, Header, Message};
use crate::finding::{Finding, Rule};
use crate::header_name::HeaderName;
use crate::span::{Span, Text};

/// How many multipart levels [`body_leaves`] opens.
pub const MAX_DEPTH: usize = 4;

/// A body, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body<'a> {
    /// No body (or only white space).
    Empty,
    /// `application/sdp` (or no Content-Type and the body starts with `v=`).
    Sdp(Box<Sdp<'a>>),
    /// `multipart/*`.
    Multipart(Multipart<'a>),
    /// `*/xml` or `*/*+xml` (or no Content-Type and the body starts with `<`).
    Xml(XmlBody<'a>),
    /// Text: `text/*`, `message/sipfrag`, or any other type whose bytes are
    /// UTF-8 without control characters.
    Text(Text<'a>),
    /// Anything else (ISUP, QSIG, signatures, octet streams…).
    Binary(Text<'a>),
}

impl<'a> Body<'a> {
    /// The SDP, when this is one.
    pub fn as_sdp(&self) -> Option<&Sdp<'a>> {
        match self {
            Body::Sdp(s) => Some(s),
            _ => None,
        }
    }

    /// The multipart, when this is one.
    pub fn as_multipart(&self) -> Option<&Multipart<'a>> {
        match self {
            Body::Multipart(m) => Some(m),
            _ => None,
        }
    }

    /// A short lowercase name of the kind (`sdp`, `multipart`, `xml`,
    /// `text`, `binary`, `empty`).
    pub fn kind(&self) -> &'static str {
        match self {
            Body::Empty => "empty",
            Body::Sdp(_) => "sdp",
            Body::Multipart(_) => "multipart",
            Body::Xml(_) => "xml",
            Body::Text(_) => "text",
            Body::Binary(_) => "binary",
        }
    }
}

/// An XML body: only the root element is located (cheaply, no XML parse).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XmlBody<'a> {
    /// The whole body.
    pub text: Text<'a>,
    /// The root element's qualified name as written (`ims-3gpp`,
    /// `reginfo`, `presence`, `rl:resource-lists`…).
    pub root: Option<Text<'a>>,
}

impl<'a> XmlBody<'a> {
    /// The root element name without namespace prefix.
    pub fn local_name(&self) -> Option<Text<'a>> {
        self.root.map(|r| match memchr::memchr(b':', r.bytes()) {
            Some(i) => r.tail(i + 1),
            None => r,
        })
    }
}

/// One body part of a multipart body (RFC 2046 §5.1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<'a> {
    /// The whole part: from after the delimiter line to before the line
    /// end that precedes the next delimiter.
    pub span: Span,
    /// The part's MIME headers in order (`Content-Type`,
    /// `Content-Disposition`, `Content-ID`…).
    pub headers: Vec<Header<'a>>,
    /// The part's content after the empty line.
    pub body: Text<'a>,
    /// The paste prefix the lines carry (empty when none).
    pub prefix: &'a [u8],
}

impl<'a> Part<'a> {
    /// The first header named `name` (any case, compact form too).
    pub fn header(&self, name: HeaderName) -> Option<&Header<'a>> {
        self.headers.iter().find(|h| h.is(name))
    }

    /// The part's media type, parsed from its `Content-Type` header.
    /// `None` when absent: RFC 2046 §5.1 then means `text/plain`.
    pub fn content_type(&self, out: &mut Findings) -> Option<MediaType<'a>> {
        self.header(HeaderName::ContentType)
            .and_then(|h| parse_media_type(h.value, out))
    }

    /// Classifies the part's content by its own Content-Type (one level:
    /// a nested multipart comes back as [`Body::Multipart`]).
    pub fn view(&self, out: &mut Findings) -> Body<'a> {
        let ct = self.content_type(out);
        parse_message_body(ct.as_ref(), self.body, self.prefix, out)
    }
}

/// A multipart body split at its boundary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Multipart<'a> {
    /// Bytes before the first delimiter (ignored by receivers).
    pub preamble: Text<'a>,
    /// The body parts in order.
    pub parts: Vec<Part<'a>>,
    /// Bytes after the close delimiter line (ignored by receivers).
    pub epilogue: Text<'a>,
    /// True when the close delimiter `--boundary--` was found.
    pub closed: bool,
}

/// `message-body = *OCTET` (RFC 3261 §25.1), classified by
/// `content_type` (RFC 3261 §7.4.1, §20.15). `prefix` (may be empty) is a
/// paste prefix carried by every line ([`Message::line_prefix`]).
pub fn parse_message_body<'a>(
    content_type: Option<&MediaType<'a>>,
    body: Text<'a>,
    prefix: &'a [u8],
    out: &mut Findings,
) -> Body<'a> {
    if body.trim().is_empty() {
        return Body::Empty;
    }
    let Some(ct) = content_type else {
        return sniff(body, prefix, out);
    };
    if ct.is_sdp() {
        return Body::Sdp(Box::new(parse_session_description(body, prefix, out)));
    }
    if ct.is_multipart() {
        // A missing boundary is a Content-Type finding (media.rs); the
        // body is then shown as it is.
        if let Some(b) = ct.boundary().filter(|b| !b.is_empty()) {
            return Body::Multipart(parse_multipart_body(body, b.bytes(), prefix, out));
        }
        return text_or_binary(body);
    }
    if ct.is_xml() {
        return Body::Xml(xml_body(body, out));
    }
    if ct.is_type("text") || ct.is("message", "sipfrag") {
        return Body::Text(body);
    }
    let opaque = [
        "octet-stream",
        "isup",
        "qsig",
        "pkcs7-mime",
        "pkcs7-signature",
    ];
    if ct.is_type("application") && opaque.iter().any(|s| ct.subtype.eq_ignore_case(s)) {
        return Body::Binary(body);
    }
    text_or_binary(body)
}

/// The body of `msg`, classified by its Content-Type header, with the
/// message's paste prefix. Content-Type findings go to `out` too.
pub fn view_message_body<'a>(msg: &Message<'a>, out: &mut Findings) -> Body<'a> {
    let ct = msg
        .header(HeaderName::ContentType)
        .and_then(|h| parse_media_type(h.value, out));
    let prefix = msg.line_prefix().map_or(&[][..], |p| p.bytes());
    parse_message_body(ct.as_ref(), msg.body(), prefix, out)
}

/// One non-multipart body found by [`body_leaves`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf<'a> {
    /// The Content-Type that applied to it.
    pub content_type: Option<MediaType<'a>>,
    /// The classified body.
    pub body: Body<'a>,
    /// 0 for the message body, 1 for a part of it, and so on.
    pub depth: usize,
}

/// Every body under `body`, nested multiparts opened depth-first up to
/// [`MAX_DEPTH`] levels (a multipart deeper than that is returned
/// unopened).
pub fn body_leaves<'a>(
    content_type: Option<MediaType<'a>>,
    body: Text<'a>,
    prefix: &'a [u8],
    out: &mut Findings,
) -> Vec<Leaf<'a>> {
    let mut leaves = Vec::new();
    walk(content_type, body, prefix, 0, out, &mut leaves);
    leaves
}

fn walk<'a>(
    content_type: Option<MediaType<'a>>,
    body: Text<'a>,
    prefix: &'a [u8],
    depth: usize,
    out: &mut Findings,
    leaves: &mut Vec<Leaf<'a>>,
) {
    let view = parse_message_body(content_type.as_ref(), body, prefix, out);
    match view {
        Body::Multipart(m) if depth < MAX_DEPTH => walk_parts(&m, prefix, depth, out, leaves),
        body => leaves.push(Leaf {
            content_type,
            body,
            depth,
        }),
    }
}

fn walk_parts<'a>(
    m: &Multipart<'a>,
    prefix: &'a [u8],
    depth: usize,
    out: &mut Findings,
    leaves: &mut Vec<Leaf<'a>>,
) {
    for p in &m.parts {
        walk(p.content_type(out), p.body, prefix, depth + 1, out, leaves);
    }
}

/// Every body under the parts of `m`, a multipart already parsed as the
/// message body (depth 0), opened as [`body_leaves`] opens it: each part
/// through its own Content-Type, its grammar's findings (SDP lines, a
/// nested multipart's framing…) into `out`.
pub fn part_leaves<'a>(m: &Multipart<'a>, prefix: &'a [u8], out: &mut Findings) -> Vec<Leaf<'a>> {
    let mut leaves = Vec::new();
    walk_parts(m, prefix, 0, out, &mut leaves);
    leaves
}

/// The first SDP in the body of `msg`, looking inside multiparts
/// (`multipart/mixed` with SDP and ISUP, `multipart/related`…).
pub fn find_sdp<'a>(msg: &Message<'a>, out: &mut Findings) -> Option<Sdp<'a>> {
    let ct = msg
        .header(HeaderName::ContentType)
        .and_then(|h| parse_media_type(h.value, out));
    let prefix = msg.line_prefix().map_or(&[][..], |p| p.bytes());
    body_leaves(ct, msg.body(), prefix, out)
        .into_iter()
        .find_map(|l| match l.body {
            Body::Sdp(s) => Some(*s),
            _ => None,
        })
}

/// Without a Content-Type: SDP if it starts with `v=`, XML if with `<`,
/// else text or binary by its bytes.
fn sniff<'a>(body: Text<'a>, prefix: &'a [u8], out: &mut Findings) -> Body<'a> {
    let first = Lines::new(body, prefix)
        .map(|l| l.trim())
        .find(|l| !l.is_empty());
    match first.map(|l| l.bytes()) {
        Some(b) if b.starts_with(b"v=") => {
            Body::Sdp(Box::new(parse_session_description(body, prefix, out)))
        }
        Some(b) if b.starts_with(b"<") || b.starts_with(b"\xEF\xBB\xBF<") => {
            Body::Xml(xml_body(body, out))
        }
        _ => text_or_binary(body),
    }
}

fn text_or_binary(body: Text<'_>) -> Body<'_> {
    let b = body.bytes();
    let textual = std::str::from_utf8(b).is_ok()
        && !b
            .iter()
            .any(|&c| (c < 0x20 && !matches!(c, b'\t' | b'\r' | b'\n')) || c == 0x7f);
    if textual {
        Body::Text(body)
    } else {
        Body::Binary(body)
    }
}

fn xml_body<'a>(text: Text<'a>, out: &mut Findings) -> XmlBody<'a> {
    let root = xml_root(text);
    if root.is_none() {
        out.push(Finding::new(
            Rule::BadBody,
            text.span(),
            "XML body without a root element",
        ));
    }
    XmlBody { text, root }
}

/// The root element name of an XML document: skips a BOM, white space
/// (and `>` of a paste prefix), the XML declaration, processing
/// instructions, comments and a DOCTYPE (XML 1.0 §2.8 `prolog`).
pub fn xml_root(text: Text<'_>) -> Option<Text<'_>> {
    let b = text.bytes();
    let mut i = if b.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    loop {
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n' | b'>') {
            i += 1;
        }
        let rest = b.get(i..)?;
        if rest.first() != Some(&b'<') {
            return None;
        }
        let skip_to = |end: &[u8]| find_bytes(rest, end).map(|j| i + j + end.len());
        if rest.starts_with(b"<?") {
            i = skip_to(b"?>")?;
        } else if rest.starts_with(b"<!--") {
            i = skip_to(b"-->")?;
        } else if rest.starts_with(b"<!") {
            // DOCTYPE, with an internal subset in [ ] possibly holding '>'.
            let gt = memchr::memchr(b'>', rest)?;
            i = match memchr::memchr(b'[', &rest[..gt]) {
                Some(_) => skip_to(b"]>").or_else(|| skip_to(b"]"))?,
                None => i + gt + 1,
            };
        } else {
            let name_len = rest[1..]
                .iter()
                .position(|&c| matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>'))
                .unwrap_or(rest.len() - 1);
            if name_len == 0 {
                return None;
            }
            return Some(text.sub(i + 1, i + 1 + name_len));
        }
    }
}

/// One delimiter line found in a multipart body (offsets relative).
struct Delimiter {
    /// Start of the line end that precedes the delimiter (it belongs to
    /// the delimiter, RFC 2046 §5.1.1), or the line start.
    before: usize,
    /// The delimiter line itself (prefix and line end excluded).
    line: (usize, usize),
    /// Where the next line starts.
    after: usize,
    /// `--boundary--`.
    close: bool,
}

/// `multipart-body := [preamble CRLF] dash-boundary transport-padding CRLF
/// body-part *encapsulation close-delimiter transport-padding
/// [CRLF epilogue]`, `encapsulation := delimiter transport-padding CRLF
/// body-part`, `delimiter := CRLF dash-boundary`,
/// `dash-boundary := "--" boundary` (RFC 2046 §5.1.1).
///
/// `boundary` is the unquoted `boundary` parameter. A bare LF is accepted
/// wherever CRLF is expected; `prefix` (may be empty) is a paste prefix in
/// front of each line. Parts may hold any octets (NUL included): only a
/// line that is exactly `--boundary` (plus padding) delimits.
pub fn parse_multipart_body<'a>(
    body: Text<'a>,
    boundary: &[u8],
    prefix: &'a [u8],
    out: &mut Findings,
) -> Multipart<'a> {
    let b = body.bytes();
    let mut delims: Vec<Delimiter> = Vec::new();
    if !boundary.is_empty() {
        // Every occurrence, not overlapping (as `memmem::find_iter`).
        let mut from = 0;
        while let Some(i) = b.get(from..).and_then(|rest| find_bytes(rest, boundary)) {
            let pos = from + i;
            from = pos + boundary.len();
            if let Some(d) = delimiter_at(b, pos, boundary.len(), prefix) {
                let close = d.close;
                delims.push(d);
                if close {
                    break;
                }
            }
        }
    }
    let Some(first) = delims.first() else {
        out.push(Finding::new(
            Rule::BadBody,
            body.span(),
            format!(
                "no --{} delimiter line in the multipart body",
                String::from_utf8_lossy(boundary)
            ),
        ));
        return Multipart {
            preamble: body,
            parts: Vec::new(),
            epilogue: body.tail(b.len()),
            closed: false,
        };
    };
    let preamble = body.sub(0, first.before);
    let mut parts = Vec::with_capacity(delims.len());
    for pair in delims.windows(2) {
        if !pair[0].close {
            let content = body.sub(pair[0].after, pair[1].before);
            parts.push(parse_body_part(content, prefix, out));
        }
    }
    let last = &delims[delims.len() - 1];
    let (closed, epilogue) = if last.close {
        (true, body.tail(last.after))
    } else {
        // Truncated: the last part runs to the end, minus a final line end.
        let mut end = b.len();
        if end > last.after && b[end - 1] == b'\n' {
            end -= 1;
            if end > last.after && b[end - 1] == b'\r' {
                end -= 1;
            }
        }
        parts.push(parse_body_part(body.sub(last.after, end), prefix, out));
        out.push(Finding::new(
            Rule::BadBody,
            Span::empty(body.end()),
            format!(
                "the multipart body has no close delimiter --{}--; it may be truncated",
                String::from_utf8_lossy(boundary)
            ),
        ));
        (false, body.tail(b.len()))
    };
    if first.close {
        let (s, e) = first.line;
        out.push(Finding::new(
            Rule::BadBody,
            body.sub(s, e).span(),
            "the multipart body has a close delimiter but no body part",
        ));
    }
    Multipart {
        preamble,
        parts,
        epilogue,
        closed,
    }
}

/// The delimiter whose boundary starts at `pos`, when the line is one.
fn delimiter_at(b: &[u8], pos: usize, blen: usize, prefix: &[u8]) -> Option<Delimiter> {
    let dash = pos.checked_sub(2)?;
    if &b[dash..pos] != b"--" {
        return None;
    }
    let at_line_start = |i: usize| i == 0 || b[i - 1] == b'\n';
    let line_start = if at_line_start(dash) {
        dash
    } else if !prefix.is_empty()
        && dash >= prefix.len()
        && &b[dash - prefix.len()..dash] == prefix
        && at_line_start(dash - prefix.len())
    {
        dash - prefix.len()
    } else {
        return None;
    };
    let mut i = pos + blen;
    let close = b[i..].starts_with(b"--");
    if close {
        i += 2;
    }
    let line_end = i;
    // transport-padding := *LWSP-char
    while i < b.len() && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    let after = match &b[i..] {
        [] | [b'\r'] => b.len(),
        [b'\n', ..] => i + 1,
        [b'\r', b'\n', ..] => i + 2,
        _ => return None,
    };
    let mut before = line_start;
    if before > 0 && b[before - 1] == b'\n' {
        before -= 1;
        if before > 0 && b[before - 1] == b'\r' {
            before -= 1;
        }
    }
    Some(Delimiter {
        before,
        line: (dash, line_end),
        after,
        close,
    })
}

/// `body-part := MIME-part-headers [CRLF *OCTET]` (RFC 2046 §5.1.1): the
/// headers up to the first empty line (folded lines continue a header, as
/// in SIP), then the content.
pub fn parse_body_part<'a>(part: Text<'a>, prefix: &'a [u8], out: &mut Findings) -> Part<'a> {
    let mut headers: Vec<Header<'a>> = Vec::new();
    let mut lines = Lines::new(part, prefix);
    let mut body_from = part.len();
    loop {
        let here = lines.position();
        let Some(line) = lines.next() else {
            break;
        };
        let bytes = line.bytes();
        if bytes.is_empty() {
            body_from = lines.position();
            break;
        }
        if matches!(bytes[0], b' ' | b'\t') {
            if let Some(h) = headers.last_mut() {
                let v = line.trim();
                if !v.is_empty() {
                    let start = if h.value.is_empty() {
                        v.start()
                    } else {
                        h.value.start()
                    };
                    h.value = part.sub(start - part.start(), v.end() - part.start());
                }
                h.span = Span::new(h.span.start, line.end());
                continue;
            }
        }
        let header = memchr::memchr(b':', bytes).and_then(|c| {
            let name = line.sub(0, c).trim();
            (is_token(name.bytes()) && !matches!(bytes[0], b' ' | b'\t')).then(|| Header {
                name,
                value: line.tail(c + 1).trim(),
                span: line.span(),
            })
        });
        match header {
            Some(h) => headers.push(h),
            None => {
                out.push(Finding::new(
                    Rule::BadBody,
                    line.span(),
                    if headers.is_empty() {
                        "body part does not start with headers or an empty line"
                    } else {
                        "body part headers are not followed by an empty line"
                    },
                ));
                body_from = here;
                break;
            }
        }
    }
    Part {
        span: part.span(),
        headers,
        body: part.tail(body_from),
        prefix,
    }
}

// Native only: proptest is a native dev-dependency (`wasm-pack test` builds every test target).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn whole(b: &[u8]) -> Text<'_> {
        Text::new(b, Span::new(0, b.len()))
    }

    fn ct(v: &[u8]) -> MediaType<'_> {
        let mut f = Vec::new();
        let m = parse_media_type(whole(v), &mut f).unwrap();
        assert!(f.is_empty(), "{f:?}");
        m
    }

    fn check_part(input: &[u8], p: &Part<'_>) {
        assert_eq!(p.body.span().slice(input), p.body.bytes());
        assert!(p.span.start <= p.body.start() && p.body.end() <= p.span.end);
        for h in &p.headers {
            assert_eq!(h.name.span().slice(input), h.name.bytes());
            assert_eq!(h.value.span().slice(input), h.value.bytes());
            assert!(h.span.slice(input).starts_with(h.name.bytes()));
        }
    }

    /// 3GPP TS 24.229-style INVITE body: SDP plus the IMS XML document.
    const IMS_MIXED: &[u8] = b"preamble, ignored\r\n\
--boundary1\r\n\
Content-Type: application/sdp\r\n\
\r\n\
v=0\r\n\
o=- 1 1 IN IP4 192.0.2.1\r\n\
s=-\r\n\
c=IN IP4 192.0.2.1\r\n\
t=0 0\r\n\
m=audio 5004 RTP/AVP 0\r\n\
\r\n\
--boundary1 \r\n\
Content-Type: application/3gpp-ims+xml\r\n\
Content-Disposition: handling;\r\n\x20handling=optional\r\n\
\r\n\
<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n\
<!-- emergency -->\r\n\
<ims-3gpp version=\"1\"><alternative-service/></ims-3gpp>\r\n\
--boundary1--\r\n\
epilogue\r\n";

    #[test]
    fn multipart_mixed_sdp_and_ims_xml() {
        let mut f = Vec::new();
        let m = parse_multipart_body(whole(IMS_MIXED), b"boundary1", b"", &mut f);
        assert!(f.is_empty(), "{f:?}");
        assert!(m.closed);
        assert_eq!(m.preamble.bytes(), b"preamble, ignored");
        assert_eq!(m.epilogue.bytes(), b"epilogue\r\n");
        assert_eq!(m.parts.len(), 2);
        for p in &m.parts {
            check_part(IMS_MIXED, p);
        }
        let p0 = &m.parts[0];
        assert_eq!(p0.headers.len(), 1);
        assert!(p0.body.bytes().starts_with(b"v=0\r\n"));
        assert!(p0.body.bytes().ends_with(b"RTP/AVP 0\r\n"));
        assert!(p0.span.slice(IMS_MIXED).starts_with(b"Content-Type"));
        let p1 = &m.parts[1];
        let disp = p1.header(HeaderName::ContentDisposition).unwrap();
        assert_eq!(disp.value.bytes(), b"handling;\r\n handling=optional");
        assert!(p1.body.bytes().ends_with(b"</ims-3gpp>"));
        assert!(p1.content_type(&mut f).unwrap().is_xml());
        match p1.view(&mut f) {
            Body::Xml(x) => assert_eq!(x.root.unwrap().bytes(), b"ims-3gpp"),
            other => panic!("{other:?}"),
        }
        assert!(p0.view(&mut f).as_sdp().is_some());

        let leaves = body_leaves(
            Some(ct(b"multipart/mixed;boundary=boundary1")),
            whole(IMS_MIXED),
            b"",
            &mut f,
        );
        let kinds: Vec<_> = leaves.iter().map(|l| (l.body.kind(), l.depth)).collect();
        assert_eq!(kinds, [("sdp", 1), ("xml", 1)]);
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn binary_part_with_nul_and_lf_only() {
        // Like RFC 4475 mpart01: a text part, then binary with NUL and CRLF.
        let input = b"--7a9c\r\nContent-Type: text/plain\r\n\r\nHello\r\n\
--7a9c\r\nContent-Type: application/octet-stream\r\n\r\n\
0\x82\x00\r\n--7a9cX\n\x00--\r\n--7a9c--\r\n";
        let mut f = Vec::new();
        let m = parse_multipart_body(whole(input), b"7a9c", b"", &mut f);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(m.parts.len(), 2);
        assert_eq!(m.parts[0].body.bytes(), b"Hello");
        assert_eq!(m.parts[1].body.bytes(), b"0\x82\x00\r\n--7a9cX\n\x00--");
        assert!(matches!(m.parts[0].view(&mut f), Body::Text(_)));
        assert!(matches!(m.parts[1].view(&mut f), Body::Binary(_)));
        assert!(m.epilogue.is_empty());

        let lf = b"--b\nContent-Type: text/plain\n\nline1\nline2\n--b\n\nno headers\n--b--";
        let m = parse_multipart_body(whole(lf), b"b", b"", &mut f);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(m.parts.len(), 2);
        assert_eq!(m.parts[0].body.bytes(), b"line1\nline2");
        assert!(m.parts[1].headers.is_empty());
        assert_eq!(m.parts[1].body.bytes(), b"no headers");
        for p in &m.parts {
            check_part(lf, p);
        }
    }

    #[test]
    fn missing_close_and_missing_delimiters() {
        let input = b"--b\r\nContent-Type: text/plain\r\n\r\ncut here\r\n";
        let mut f = Vec::new();
        let m = parse_multipart_body(whole(input), b"b", b"", &mut f);
        assert!(!m.closed);
        assert_eq!(m.parts.len(), 1);
        assert_eq!(m.parts[0].body.bytes(), b"cut here");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, Rule::BadBody);
        assert_eq!(f[0].span, Span::empty(input.len()));

        let mut f = Vec::new();
        let m = parse_multipart_body(whole(b"--bb\r\nx\r\n--bb--"), b"b", b"", &mut f);
        assert!(m.parts.is_empty() && !m.closed);
        assert_eq!(f.len(), 1);

        let mut f = Vec::new();
        let m = parse_multipart_body(whole(b"--b--\r\n"), b"b", b"", &mut f);
        assert!(m.parts.is_empty() && m.closed);
        assert_eq!(f.len(), 1);

        // A part that starts with neither headers nor an empty line.
        let input = b"--b\r\nHello world\r\n--b--";
        let mut f = Vec::new();
        let m = parse_multipart_body(whole(input), b"b", b"", &mut f);
        assert_eq!(m.parts[0].body.bytes(), b"Hello world");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].span.slice(input), b"Hello world");
    }

    #[test]
    fn paste_prefix_and_nested_depth_cap() {
        let input = b"> --o\n> Content-Type: multipart/related;boundary=i\n>\n> --i\n\
> Content-Type: application/sdp\n>\n> v=0\n> o=- 1 1 IN IP4 192.0.2.1\n> s=-\n> t=0 0\n\
> m=audio 4000 RTP/AVP 8\n> --i--\n> --o--\n";
        let mut f = Vec::new();
        let leaves = body_leaves(
            Some(ct(b"multipart/mixed; boundary=o")),
            whole(input),
            b"> ",
            &mut f,
        );
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(leaves.len(), 1);
        assert_eq!(leaves[0].depth, 2);
        let sdp = leaves[0].body.as_sdp().unwrap();
        assert_eq!(sdp.media[0].codecs()[0].name(), "PCMA");

        // Six levels of nesting: opened down to MAX_DEPTH, then left whole.
        let mut nested = b"v=0\r\n".to_vec();
        let mut inner_ct = b"application/sdp".to_vec();
        for level in 0..6 {
            let b = format!("b{level}");
            let mut outer = format!("--{b}\r\nContent-Type: ").into_bytes();
            outer.extend_from_slice(&inner_ct);
            outer.extend_from_slice(b"\r\n\r\n");
            outer.extend_from_slice(&nested);
            outer.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
            nested = outer;
            inner_ct = format!("multipart/mixed;boundary={b}").into_bytes();
        }
        let top = ct(&inner_ct);
        let leaves = body_leaves(Some(top), whole(&nested), b"", &mut f);
        assert_eq!(leaves.len(), 1);
        assert_eq!(leaves[0].depth, MAX_DEPTH);
        assert!(leaves[0].body.as_multipart().is_some());
    }

    #[test]
    fn dispatch_by_content_type() {
        let mut f = Vec::new();
        let sdp = b"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n";
        type Case<'c> = (Option<&'c [u8]>, &'c [u8], &'c str);
        let cases: [Case<'_>; 12] = [
            (Some(b"application/sdp"), sdp, "sdp"),
            (None, sdp, "sdp"),
            (Some(b"application/sdp"), b" \r\n", "empty"),
            (Some(b"text/plain"), b"hi", "text"),
            (Some(b"message/sipfrag"), b"SIP/2.0 200 OK", "text"),
            (Some(b"application/isup"), b"hi", "binary"),
            (
                Some(b"application/dtmf-relay"),
                b"Signal=5\r\nDuration=160",
                "text",
            ),
            (
                Some(b"application/vnd.etsi.pstn+xml"),
                b"<PSTN-transit/>",
                "xml",
            ),
            (None, b"<a/>", "xml"),
            (None, b"\x00\x01", "binary"),
            (
                Some(b"multipart/mixed;boundary=x"),
                b"--x\r\n\r\na\r\n--x--",
                "multipart",
            ),
            (Some(b"application/x-unknown"), b"caf\xc3\xa9\r\n", "text"),
        ];
        for (ctype, body, kind) in cases {
            let m = ctype.map(ct);
            let got = parse_message_body(m.as_ref(), whole(body), b"", &mut f);
            assert_eq!(got.kind(), kind, "{:?}", ctype.map(String::from_utf8_lossy));
        }
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn xml_roots() {
        let cases: [(&[u8], Option<&[u8]>); 7] = [
            (
                b"<?xml version=\"1.0\"?>\n<reginfo xmlns=\"urn:ietf:params:xml:ns:reginfo\">",
                Some(b"reginfo"),
            ),
            (
                b"\xEF\xBB\xBF<presence entity=\"sip:a@b\">",
                Some(b"presence"),
            ),
            (
                b"<!DOCTYPE x [ <!ENTITY a \">\"> ]>\n<!-- c -->\r\n<rl:resource-lists/>",
                Some(b"rl:resource-lists"),
            ),
            (b"<ims-3gpp>", Some(b"ims-3gpp")),
            (b"hello", None),
            (b"<?xml never closed", None),
            (b"< >", None),
        ];
        for (input, want) in cases {
            assert_eq!(xml_root(whole(input)).map(|t| t.bytes()), want);
        }
        let x = XmlBody {
            text: whole(b""),
            root: Some(whole(b"rl:resource-lists")),
        };
        assert_eq!(x.local_name().unwrap().bytes(), b"resource-lists");
        let mut f = Vec::new();
        xml_body(whole(b"not xml"), &mut f);
        assert_eq!(f[0].rule, Rule::BadBody);
    }

    #[test]
    fn message_level_helpers() {
        let input = b"MESSAGE sip:a@b SIP/2.0\r\n\
Content-Type: multipart/mixed;boundary=\"zz\"\r\n\
\r\n\
--zz\r\nContent-Type: application/sdp\r\n\r\n\
v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\n\
--zz--\r\n";
        let msg = crate::parse::parse_message(input);
        let mut f = Vec::new();
        let body = view_message_body(&msg, &mut f);
        assert_eq!(body.as_multipart().unwrap().parts.len(), 1);
        let sdp = find_sdp(&msg, &mut f).unwrap();
        assert_eq!(sdp.media.len(), 1);
        assert!(f.is_empty(), "{f:?}");
    }

    proptest::proptest! {
        /// Any bytes under any of these types: no panic, every span inside
        /// the input and slicing back to its bytes.
        #[test]
        fn spans_always_slice_back(
            body in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(b"-b\r\n=:/ <>va0mtc".to_vec()),
                    proptest::num::u8::ANY,
                ],
                0..200,
            ),
            which in 0usize..4,
        ) {
            let types: [&[u8]; 4] =
                [b"multipart/mixed;boundary=b", b"application/sdp", b"application/x+xml", b"x/y"];
            let mut f = Vec::new();
            let text = whole(&body);
            let leaves = body_leaves(Some(ct(types[which])), text, b"> ", &mut f);
            for l in &leaves {
                match &l.body {
                    Body::Sdp(s) => {
                        for line in &s.lines {
                            proptest::prop_assert_eq!(line.value.span().slice(&body), line.value.bytes());
                        }
                    }
                    Body::Xml(x) => {
                        if let Some(r) = x.root {
                            proptest::prop_assert_eq!(r.span().slice(&body), r.bytes());
                        }
                    }
                    _ => {}
                }
            }
            if let Body::Multipart(m) = parse_message_body(Some(&ct(types[0])), text, b"", &mut f) {
                for p in &m.parts {
                    check_part(&body, p);
                }
            }
            for x in &f {
                proptest::prop_assert!(x.span.end <= body.len());
            }
        }
    }
}
