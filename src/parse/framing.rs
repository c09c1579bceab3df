//! SIP stream framing: where a message starts and where it ends in a byte
//! stream (RFC 3261 §7 start line and header section, §18.3 and §20.14
//! Content-Length), shared by the text splitter
//! ([`crate::trace::text`]), the capture reader's TCP, WebSocket and SCTP
//! reassembly ([`crate::trace::capture`]) and capture redaction
//! ([`crate::redact::capture`]). Recognition is by content, never by port.

/// The cheap test: does `p` start like a SIP Request-Line or Status-Line
/// (RFC 3261 §7.1/§7.2)? Looks at the first line only.
pub fn looks_like_sip(p: &[u8]) -> bool {
    let head = &p[..p.len().min(2048)];
    let Some(eol) = memchr::memchr(b'\n', head) else {
        return false;
    };
    let line = &head[..eol];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    is_start_line(line)
}

/// `Method SP Request-URI SP SIP/2.0` or `SIP/2.0 SP 3DIGIT …`.
pub fn is_start_line(line: &[u8]) -> bool {
    if line.len() >= 11 && line[..8].eq_ignore_ascii_case(b"SIP/2.0 ") {
        return line[8..11].iter().all(u8::is_ascii_digit)
            && line.get(11).is_none_or(|&b| b == b' ');
    }
    let Some(sp) = memchr::memchr(b' ', line) else {
        return false;
    };
    let method = &line[..sp];
    !method.is_empty()
        && method[0].is_ascii_alphabetic()
        && method
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b))
        && line.len() > sp + 9
        && line[line.len() - 8..].eq_ignore_ascii_case(b" SIP/2.0")
}

/// Offset just past the empty line ending the header section.
pub fn header_end(buf: &[u8]) -> Option<usize> {
    let crlf = memchr::memmem::find(buf, b"\r\n\r\n").map(|i| i + 4);
    let lf = memchr::memmem::find(buf, b"\n\n").map(|i| i + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The Content-Length (or `l`) value in a header section.
pub fn content_length(head: &[u8]) -> Option<usize> {
    for line in head.split(|&b| b == b'\n') {
        let Some(colon) = memchr::memchr(b':', line) else {
            continue;
        };
        let name = line[..colon].trim_ascii();
        if name.eq_ignore_ascii_case(b"content-length") || name.eq_ignore_ascii_case(b"l") {
            let v = line[colon + 1..].trim_ascii();
            return std::str::from_utf8(v).ok()?.parse().ok();
        }
    }
    None
}
