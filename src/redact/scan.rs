//! Where the identifiers are: spans of every value to replace, from the
//! parsed messages (structural) and from a scan of the whole text (URIs,
//! IP literals, device URNs), then a sweep for values already aliased.

use super::{Edit, Kind, Redactor};
use crate::header_name::HeaderName;
use crate::parse::params::{split_top, unquote};
use crate::parse::uri::{is_ipv4, is_ipv6};
use crate::parse::{parse_message, Message};
use crate::span::{Span, Text};

/// A span to replace (`Some(kind)`) or to leave alone (`None`).
#[derive(Debug, Clone, Copy)]
struct Hit {
    span: Span,
    kind: Option<Kind>,
}

/// A message's Content-Length, to fix after the edits.
struct Framing {
    value: Span,
    length: usize,
    body_start: usize,
}

#[derive(Default)]
struct Scan {
    hits: Vec<Hit>,
    /// Header values whose URIs name network elements (Via, Route, Path…):
    /// their user parts are not subscriber identities.
    routing: Vec<Span>,
    framing: Vec<Framing>,
}

impl Scan {
    fn push(&mut self, span: Span, kind: Kind) {
        if !span.is_empty() {
            self.hits.push(Hit {
                span,
                kind: Some(kind),
            });
        }
    }

    fn protect(&mut self, span: Span) {
        self.hits.push(Hit { span, kind: None });
    }

    /// `routing` is in input order (messages, then headers, in order).
    fn in_routing(&self, at: usize) -> bool {
        let i = self.routing.partition_point(|s| s.start <= at);
        i > 0 && at < self.routing[i - 1].end
    }
}

/// The edits redacting `input`, sorted and non-overlapping.
pub(super) fn edits(r: &mut Redactor, input: &[u8]) -> Vec<Edit> {
    let mut sc = Scan::default();
    let raws = crate::trace::text::split_text(input);
    if raws.is_empty() {
        // No start line the splitter knows (`SIP/7.0`, a header block
        // alone): read the whole text as one message.
        if input.trim_ascii_start().starts_with(b"v=") {
            // An SDP body pasted alone.
            sdp(&mut sc, Text::whole(input), 0);
        } else {
            message(&mut sc, &parse_message(input), 0);
        }
    }
    for raw in raws {
        let Some(span) = raw.source_span else {
            continue;
        };
        // Log formats that rewrite the message (ngrep's CR dots) get the
        // generic scan only.
        if span.slice(input) != raw.bytes.as_slice() {
            continue;
        }
        let msg = parse_message(span.slice(input));
        message(&mut sc, &msg, span.start);
    }
    generic(&mut sc, input);

    // Keep hits the options cover, first-come on overlaps.
    let opts = r.options().clone();
    let mut hits: Vec<Hit> = sc
        .hits
        .iter()
        .copied()
        .filter(|h| h.kind.is_none_or(|k| opts.covers(k)))
        .collect();
    hits.sort_by_key(|h| (h.span.start, std::cmp::Reverse(h.span.end)));
    // Protected spans (header names, Content-Length values) win over any
    // hit that overlaps them: redaction never changes the structure.
    let protected: Vec<Span> = hits
        .iter()
        .filter(|h| h.kind.is_none())
        .map(|h| h.span)
        .collect();
    let overlaps_protected = |s: Span| {
        let i = protected.partition_point(|p| p.end <= s.start);
        protected[i..]
            .iter()
            .take_while(|p| p.start < s.end)
            .any(|p| p.start < s.end && s.start < p.end)
    };
    let mut accepted: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits {
        if h.kind.is_some() && overlaps_protected(h.span) {
            continue;
        }
        // A value over a line end (a folded display name) or holding a
        // bare quote (an unclosed quoted string) is left whole: replacing it
        // could move a header, body or quoting boundary.
        let v = h.span.slice(input);
        let bare_quote = (0..v.len()).any(|k| v[k] == b'"' && (k == 0 || v[k - 1] != b'\\'));
        if h.kind.is_some() && (bare_quote || v.iter().any(|&c| c == b'\r' || c == b'\n')) {
            continue;
        }
        if accepted.last().is_some_and(|l| h.span.start < l.span.end) {
            continue;
        }
        accepted.push(h);
    }

    let mut out = Vec::new();
    for h in &accepted {
        let Some(kind) = h.kind else { continue };
        // Bytes that are not UTF-8 (binary garbage in a tag) still get an
        // alias; the map keeps them lossily.
        let value = String::from_utf8_lossy(h.span.slice(input));
        if let Some(text) = r.alias(kind, &value) {
            if text != value {
                out.push(Edit {
                    span: h.span,
                    text,
                    kind: Some(kind),
                });
            }
        }
    }
    sweep(r, input, &accepted, &mut out);
    out.sort_by_key(|e| e.span.start);

    // Content-Length follows the body's new length.
    for f in &sc.framing {
        let end = f.body_start + f.length;
        let delta: isize = out
            .iter()
            .filter(|e| e.span.start >= f.body_start && e.span.end <= end)
            .map(|e| e.text.len() as isize - e.span.len() as isize)
            .sum();
        if delta != 0 {
            let new = (f.length as isize + delta).max(0);
            out.push(Edit {
                span: f.value,
                text: new.to_string(),
                kind: None,
            });
        }
    }
    out.sort_by_key(|e| e.span.start);
    out
}

/// Absolute span of a text of a message parsed at `base`.
fn abs(t: Text<'_>, base: usize) -> Span {
    let s = t.span();
    Span::new(s.start + base, s.end + base)
}

/// `name=value` pairs of a header value: every top-level `;`/`,` piece
/// holding `=` (the name is the piece's last word, so `Digest realm=…`
/// works), value unquoted.
fn params(value: Text<'_>) -> Vec<(String, Text<'_>)> {
    let mut junk = Vec::new();
    let mut out = Vec::new();
    for item in split_top(value, b',', &mut junk) {
        for piece in split_top(item, b';', &mut junk) {
            let Some((name, val)) = piece.split_once_unquoted(b'=') else {
                continue;
            };
            let name = name.as_str();
            let name = name.split_ascii_whitespace().last().unwrap_or("");
            out.push((name.to_ascii_lowercase(), unquote(val)));
        }
    }
    out
}

/// Headers holding name-addr values, where a display name may appear.
fn has_display_names(name: Option<HeaderName>) -> bool {
    use HeaderName as H;
    match name {
        None => true,
        Some(n) => matches!(
            n,
            H::From
                | H::To
                | H::Contact
                | H::PAssertedIdentity
                | H::PPreferredIdentity
                | H::PAssociatedUri
                | H::PCalledPartyId
                | H::PServedUser
                | H::ReferTo
                | H::ReferredBy
                | H::ReplyTo
                | H::RemotePartyId
                | H::Diversion
                | H::HistoryInfo
                | H::PRefusedUriList
                | H::Route
                | H::RecordRoute
                | H::Path
                | H::ServiceRoute
                | H::PDcsTracePartyId
                | H::PDcsRedirect
        ),
    }
}

/// Parameters of P-Access-Network-Info / Cellular-Network-Info that say
/// nothing about where the subscriber is.
const ACCESS_KEEP: &[&str] = &[
    "network-provided",
    "local-time-zone",
    "daylight-saving-time",
    "cell-info-age",
];

/// Structural hits of one message parsed at `base`.
fn message(sc: &mut Scan, msg: &Message<'_>, base: usize) {
    use HeaderName as H;
    let mut junk = Vec::new();
    for h in msg.headers() {
        sc.protect(abs(h.name, base));
        let v = h.value;
        let name = h.known_name();
        match name {
            Some(H::Via) => {
                sc.routing.push(abs(v, base));
                for item in split_top(v, b',', &mut junk) {
                    via(sc, item, base);
                }
            }
            Some(H::Route | H::RecordRoute | H::Path | H::ServiceRoute) => {
                sc.routing.push(abs(v, base));
            }
            Some(H::CallId) => {
                let v = v.trim();
                match v.bytes().iter().position(|&b| b == b'@') {
                    Some(at) => {
                        sc.push(abs(v.sub(0, at), base), Kind::CallId);
                        host_or_ip(sc, v.tail(at + 1), base);
                    }
                    None => sc.push(abs(v, base), Kind::CallId),
                }
            }
            Some(
                H::Authorization
                | H::ProxyAuthorization
                | H::WwwAuthenticate
                | H::ProxyAuthenticate
                | H::AuthenticationInfo,
            ) => {
                for (n, val) in params(v) {
                    match n.as_str() {
                        "username" => username(sc, val, base),
                        "realm" => host_or_ip(sc, val, base),
                        "nonce" | "nextnonce" | "cnonce" | "response" | "rspauth" | "auts"
                        | "opaque" | "ck" | "ik" => sc.push(abs(val, base), Kind::Secret),
                        _ => {}
                    }
                }
            }
            Some(H::SecurityClient | H::SecurityServer | H::SecurityVerify) => {
                for (n, val) in params(v) {
                    if n == "spi-c" || n == "spi-s" {
                        sc.push(abs(val, base), Kind::Spi);
                    }
                }
            }
            Some(H::PAccessNetworkInfo | H::CellularNetworkInfo) => {
                for (n, val) in params(v) {
                    if !ACCESS_KEEP.contains(&n.as_str()) && !val.is_empty() {
                        sc.push(abs(val, base), Kind::CellId);
                    }
                }
            }
            Some(H::PChargingVector) => {
                for (n, val) in params(v) {
                    match n.as_str() {
                        "icid-value" | "related-icid" => sc.push(abs(val, base), Kind::Icid),
                        "orig-ioi" | "term-ioi" | "transit-ioi" => {
                            sc.push(abs(val, base), Kind::Host)
                        }
                        "icid-generated-at" | "related-icid-generated-at" | "ggsn" => {
                            host_or_ip(sc, val, base)
                        }
                        _ => {}
                    }
                }
            }
            Some(H::PChargingFunctionAddresses) => {
                for (_, val) in params(v) {
                    host_or_ip(sc, val, base);
                }
            }
            Some(H::PVisitedNetworkId) => {
                for item in split_top(v, b',', &mut junk) {
                    let first = split_top(item, b';', &mut junk)[0];
                    host_or_ip(sc, unquote(first), base);
                }
            }
            Some(H::Warning) => {
                // `warn-code SP warn-agent SP warn-text`: the agent is a host.
                for item in split_top(v, b',', &mut junk) {
                    let ws = words(item.trim().bytes(), 0);
                    if let Some(&(s, e)) = ws.get(1) {
                        host_or_ip(sc, strip_port(item.trim().sub(s, e)), base);
                    }
                }
            }
            Some(H::ContentLength) => {
                let t = v.trim();
                sc.protect(abs(t, base));
                if let Some(n) = t.parse_u64() {
                    let body = msg.body();
                    sc.framing.push(Framing {
                        value: abs(t, base),
                        length: n as usize,
                        body_start: abs(body, base).start,
                    });
                }
            }
            _ => {}
        }
        // Unknown headers only when the name is a word (`X-Caller`), not
        // digits or an address that happens to end in a colon.
        let wordy = name.is_some() || h.name.bytes().iter().any(u8::is_ascii_alphabetic);
        if has_display_names(name) && wordy {
            display_names(sc, v, base, matches!(name, Some(H::From | H::To)));
        }
    }
    sdp(sc, msg.body(), base);
}

/// Display names (text before `<` of each list element) and, for From/To,
/// the tag.
fn display_names(sc: &mut Scan, v: Text<'_>, base: usize, tags: bool) {
    let mut junk = Vec::new();
    for item in split_top(v, b',', &mut junk) {
        let t = item.trim();
        let lt = item.find_unquoted(b'<').or_else(|| {
            // `"Mr. J. User <sip:…>`: an unclosed quote swallows the `<`.
            let b = t.bytes();
            let closed = b.iter().skip(1).any(|&c| c == b'"');
            (b.first() == Some(&b'"') && !closed)
                .then(|| item.bytes().iter().position(|&c| c == b'<'))
                .flatten()
        });
        if let Some(lt) = lt {
            let dn = item.sub(0, lt).trim();
            let quoted = dn.bytes().first() == Some(&b'"');
            let dn = match dn.bytes().first() {
                Some(b'"') if dn.bytes().len() >= 2 && dn.bytes().last() == Some(&b'"') => {
                    dn.sub(1, dn.bytes().len() - 1)
                }
                Some(b'"') => dn.tail(1).trim(),
                _ => dn,
            };
            // An unquoted display name is tokens and white space
            // (RFC 3261 §25.1); anything else before `<` is not one.
            let tokens = quoted
                || dn
                    .bytes()
                    .iter()
                    .all(|&c| crate::parse::TOKEN[usize::from(c)] || c == b' ' || c == b'\t');
            if !dn.is_empty() && tokens {
                let kind = if looks_like_number(dn.bytes()) {
                    Kind::Phone
                } else {
                    Kind::DisplayName
                };
                sc.push(abs(dn, base), kind);
            }
        }
        if tags {
            for piece in split_top(item, b';', &mut junk).into_iter().skip(1) {
                if let Some((n, val)) = piece.split_once_unquoted(b'=') {
                    if n.trim().eq_ignore_case("tag") {
                        sc.push(abs(val.trim(), base), Kind::Tag);
                    }
                }
            }
        }
    }
}

/// One Via element: sent-by host, branch, received, maddr.
fn via(sc: &mut Scan, item: Text<'_>, base: usize) {
    let item = item.trim();
    let b = item.bytes();
    // Skip `SIP / 2.0 / UDP` (white space allowed around the slashes).
    let mut i = 0;
    let mut slashes = 0;
    while i < b.len() && slashes < 2 {
        slashes += usize::from(b[i] == b'/');
        i += 1;
    }
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    while i < b.len() && !b[i].is_ascii_whitespace() {
        i += 1;
    }
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    let rest = item.tail(i);
    let sent_by = rest
        .split_once_unquoted(b';')
        .map_or(rest, |(a, _)| a)
        .trim();
    host_or_ip(sc, strip_port(sent_by), base);
    for (n, val) in params(item) {
        match n.as_str() {
            "branch" => sc.push(abs(val, base), Kind::Branch),
            "received" | "maddr" => host_or_ip(sc, val, base),
            _ => {}
        }
    }
}

/// `host[:port]` → host (brackets of an IPv6 reference kept).
fn strip_port(t: Text<'_>) -> Text<'_> {
    let b = t.bytes();
    if b.first() == Some(&b'[') {
        return match b.iter().position(|&c| c == b']') {
            Some(e) => t.sub(0, e + 1),
            None => t,
        };
    }
    match b.iter().rposition(|&c| c == b':') {
        Some(c) if b.iter().filter(|&&x| x == b':').count() == 1 => t.sub(0, c),
        _ => t,
    }
}

/// A host: IP literal (brackets stripped) or domain name.
fn host_or_ip(sc: &mut Scan, t: Text<'_>, base: usize) {
    let t = unquote(t.trim());
    let b = t.bytes();
    if b.len() >= 2 && b[0] == b'[' && b[b.len() - 1] == b']' {
        let inner = t.sub(1, b.len() - 1);
        if is_ipv6(inner.bytes()) {
            sc.push(abs(inner, base), Kind::Ipv6);
        }
    } else if is_ipv4(b) {
        sc.push(abs(t, base), Kind::Ipv4);
    } else if is_ipv6(b) {
        sc.push(abs(t, base), Kind::Ipv6);
    } else if is_domain(b) {
        sc.push(abs(t, base), Kind::Host);
    }
}

/// A name with a letter, made of label characters.
fn is_domain(b: &[u8]) -> bool {
    !b.is_empty()
        && b.iter().any(u8::is_ascii_alphabetic)
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'.' || c == b'-' || c == b'_')
}

/// `+1 (212) 555-1234`, `0612345678`: digits (4 or more) with `+` and
/// visual separators only.
fn looks_like_number(b: &[u8]) -> bool {
    let digits = b.iter().filter(|c| c.is_ascii_digit()).count();
    digits >= 4
        && b.iter().enumerate().all(|(i, &c)| {
            c.is_ascii_digit()
                || matches!(c, b'-' | b'.' | b'(' | b')' | b' ')
                || (c == b'+' && i == 0)
        })
}

/// A digest username: an IMPI (`imsi@domain`), number or name.
fn username(sc: &mut Scan, val: Text<'_>, base: usize) {
    let (user, host) = match val.bytes().iter().position(|&b| b == b'@') {
        Some(at) => (val.sub(0, at), Some(val.tail(at + 1))),
        None => (val, None),
    };
    user_part(sc, user, host.map(|h| h.bytes()), base, true);
    if let Some(h) = host {
        host_or_ip(sc, h, base);
    }
}

/// A user part: IMSI, phone number or user name.
fn user_part(sc: &mut Scan, user: Text<'_>, host: Option<&[u8]>, base: usize, impi: bool) {
    let b = user.bytes();
    if b.is_empty() {
        return;
    }
    let kind = if looks_like_number(b) {
        let digits = b.iter().filter(|c| c.is_ascii_digit()).count();
        let threegpp = host.is_some_and(|h| {
            h.windows(11)
                .any(|w| w.eq_ignore_ascii_case(b"3gppnetwork"))
        });
        if (14..=15).contains(&digits) && !b.starts_with(b"+") && (impi || threegpp) {
            Kind::Imsi
        } else {
            Kind::Phone
        }
    } else {
        Kind::User
    };
    sc.push(abs(user, base), kind);
}

/// SDP `o=` username and the host of `c=`/`o=` when it is a name.
fn sdp(sc: &mut Scan, body: Text<'_>, base: usize) {
    let b = body.bytes();
    let mut at = 0;
    while at < b.len() {
        let end = memchr::memchr(b'\n', &b[at..]).map_or(b.len(), |i| at + i);
        let line = body.sub(at, end);
        let lb = line.bytes();
        if lb.starts_with(b"o=") {
            let fields: Vec<(usize, usize)> = words(lb, 2);
            if let Some(&(s, e)) = fields.first() {
                let u = line.sub(s, e);
                // `username = non-ws-string` (RFC 4566 §9): visible bytes only.
                let visible = u.bytes().iter().all(|c| c.is_ascii_graphic() || *c >= 0x80);
                if u.bytes() != b"-" && visible {
                    let kind = if looks_like_number(u.bytes()) {
                        Kind::Phone
                    } else {
                        Kind::User
                    };
                    sc.push(abs(u, base), kind);
                }
            }
            if let Some(&(s, e)) = fields.get(5) {
                host_or_ip(sc, line.sub(s, e), base);
            }
        } else if lb.starts_with(b"a=crypto:")
            || lb.starts_with(b"a=key-mgmt:")
            || lb.starts_with(b"k=")
        {
            // SDES master keys (`inline:KEY|lifetime|MKI`, RFC 4568 §9.1),
            // MIKEY messages (RFC 4567) and `k=` keys (RFC 4566 §5.12).
            let mut from = 0;
            while let Some(i) = memchr::memmem::find(&lb[from..], b"inline:") {
                let s = from + i + 7;
                let e = s + lb[s..]
                    .iter()
                    .position(|&c| matches!(c, b'|' | b' ' | b';' | b'\r'))
                    .unwrap_or(lb.len() - s);
                sc.push(abs(line.sub(s, e), base), Kind::Secret);
                from = e;
            }
            if lb.starts_with(b"a=key-mgmt:") {
                if let Some(&(s, e)) = words(lb, 11).get(1) {
                    sc.push(abs(line.sub(s, e), base), Kind::Secret);
                }
            } else if lb.starts_with(b"k=") {
                let end = lb.len() - usize::from(lb.last() == Some(&b'\r'));
                let s = lb.iter().position(|&c| c == b':').map_or(2, |p| p + 1);
                sc.push(abs(line.sub(s.min(end), end), base), Kind::Secret);
            }
        } else if lb.starts_with(b"c=") {
            if let Some(&(s, e)) = words(lb, 2).get(2) {
                let addr = line.sub(s, e);
                // `c=IN IP4 224.2.1.1/127`: the address before any TTL.
                let a = addr.bytes();
                let cut = a.iter().position(|&c| c == b'/').unwrap_or(a.len());
                host_or_ip(sc, addr.sub(0, cut), base);
            }
        }
        at = end + 1;
    }
}

/// (start, end) of the space-separated words of `line` from `from`.
fn words(line: &[u8], from: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = from;
    let end = line.len() - usize::from(line.last() == Some(&b'\r'));
    while i < end {
        while i < end && line[i] == b' ' {
            i += 1;
        }
        let s = i;
        while i < end && line[i] != b' ' {
            i += 1;
        }
        if i > s {
            out.push((s, i));
        }
    }
    out
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}

/// URIs, IP literals and device URNs anywhere in `input`.
fn generic(sc: &mut Scan, input: &[u8]) {
    let whole = Text::whole(input);
    let n = input.len();
    let mut i = 0;
    while i < n {
        let c = input[i];
        // Percent-escapes separate values inside URI headers
        // (`?Replaces=…%40101.231.48.19%3Bto-tag%3D…`).
        if is_escape(input, i) {
            i += 3;
            continue;
        }
        let boundary = i == 0 || !is_word_byte(input[i - 1]) || escape_before(input, i);
        if !boundary || !(c.is_ascii_alphanumeric() || c == b':' || c == b'[') {
            i += 1;
            continue;
        }
        let rest = &input[i..];
        let starts = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
        // The scan goes on inside a URI too, so an address the URI reader
        // does not take (a broken host) is still found as it would be in a
        // second pass: redaction stays idempotent.
        if starts(b"sip:") || starts(b"sips:") {
            let skip = if starts(b"sip:") { 4 } else { 5 };
            sip_uri(sc, whole, i + skip);
            i += skip;
            continue;
        }
        if starts(b"tel:") {
            tel_uri(sc, whole, i + 4);
            i += 4;
            continue;
        }
        if starts(b"urn:gsma:imei:") {
            let s = i + 14;
            let e = run(input, s, |c| c.is_ascii_digit() || c == b'-');
            sc.push(Span::new(s, e), Kind::Device);
            i = e.max(i + 1);
            continue;
        }
        if starts(b"urn:uuid:") {
            let s = i + 9;
            let e = run(input, s, |c| c.is_ascii_hexdigit() || c == b'-');
            if e - s == 36 {
                sc.push(Span::new(s, e), Kind::Device);
            }
            i = e.max(i + 1);
            continue;
        }
        // IP literals: the longest run of address characters.
        // Not after a bare `%`: an alias there could read as an escape.
        let prev_ok = i == 0 || !matches!(input[i - 1], b'.' | b':' | b'-' | b'_' | b'%');
        if prev_ok && (c.is_ascii_hexdigit() || c == b':') {
            let e = run(input, i, |c| {
                c.is_ascii_hexdigit() || c == b':' || c == b'.'
            });
            let next_ok = e >= n || !(is_word_byte(input[e]) || input[e] == b'-');
            if next_ok {
                let mut tok = &input[i..e];
                while tok.last() == Some(&b'.') {
                    tok = &tok[..tok.len() - 1];
                }
                let colons = tok.iter().filter(|&&c| c == b':').count();
                // `fe80::1:5060`: an unbracketed IPv6 address with a port.
                let v6 = if colons >= 2 && !is_ipv6(tok) {
                    tok.iter()
                        .rposition(|&c| c == b':')
                        .filter(|&p| is_ipv6(&tok[..p]))
                } else {
                    None
                };
                // `::a` opening a line is not a header line, but its alias
                // `2001:db8::1` would read as one (`2001:` …): left as it is.
                let line_start = i == 0 || input[i - 1] == b'\n';
                if line_start && c == b':' {
                    // Nothing: see above.
                } else if colons >= 2 && is_ipv6(tok) {
                    sc.push(Span::new(i, i + tok.len()), Kind::Ipv6);
                } else if let Some(p) = v6 {
                    sc.push(Span::new(i, i + p), Kind::Ipv6);
                } else if colons == 0 && is_ipv4(tok) {
                    sc.push(Span::new(i, i + tok.len()), Kind::Ipv4);
                } else if colons == 1 {
                    // `a.b.c.d:port`.
                    if let Some(p) = tok.iter().position(|&c| c == b':') {
                        if is_ipv4(&tok[..p]) {
                            sc.push(Span::new(i, i + p), Kind::Ipv4);
                        }
                    }
                }
            }
            i = e.max(i + 1);
            continue;
        }
        i += 1;
    }
}

/// End of the run of bytes matching `f` from `s`.
fn run(input: &[u8], s: usize, f: impl Fn(u8) -> bool) -> usize {
    let mut e = s;
    while e < input.len() && f(input[e]) {
        e += 1;
    }
    e
}

/// Bytes that end a URI written in a header, body or log line.
fn uri_end(c: u8) -> bool {
    matches!(
        c,
        b'>' | b'"' | b'<' | b',' | b' ' | b'\t' | b'\r' | b'\n' | b'\''
    )
}

/// A SIP URI whose text starts at `s` (after `sip:`).
fn sip_uri(sc: &mut Scan, whole: Text<'_>, s: usize) {
    let input = whole.bytes();
    // The user part may hold `,` `'` `?` `/` (RFC 3261 `user-unreserved`):
    // look for `@` up to white space or a bracket only.
    let loose = run(input, s, |c| {
        !matches!(c, b'>' | b'<' | b'"' | b' ' | b'\t' | b'\r' | b'\n')
    });
    let (user, hostpart) = match input[s..loose].iter().position(|&c| c == b'@') {
        Some(at) => {
            let h = s + at + 1;
            let e = run(input, h, |c| !uri_end(c));
            (Some(whole.sub(s, s + at)), whole.sub(h, e))
        }
        None => (None, whole.sub(s, run(input, s, |c| !uri_end(c)))),
    };
    let hb = hostpart.bytes();
    let host_end = if hb.first() == Some(&b'[') {
        hb.iter()
            .position(|&c| c == b']')
            .map_or(hb.len(), |p| p + 1)
    } else {
        let seg = hb
            .iter()
            .position(|&c| matches!(c, b';' | b'?' | b'/'))
            .unwrap_or(hb.len());
        let colons = hb[..seg].iter().filter(|&&c| c == b':').count();
        if colons >= 2 && is_ipv6(&hb[..seg]) {
            // An unbracketed IPv6 address (seen in real traffic).
            seg
        } else {
            let first_colon = hb[..seg].iter().position(|&c| c == b':').unwrap_or(seg);
            if colons >= 3 {
                hb[..seg]
                    .iter()
                    .rposition(|&c| c == b':')
                    .filter(|&p| is_ipv6(&hb[..p]))
                    .unwrap_or(first_colon)
            } else {
                first_colon
            }
        }
    };
    let host = hostpart.sub(0, host_end);
    if let Some(user) = user {
        // User parameters (`;phone-context=…`, `;npdi`) follow the number.
        let ub = user.bytes();
        let main_end = ub.iter().position(|&c| c == b';').unwrap_or(ub.len());
        if !sc.in_routing(s) {
            user_part(sc, user.sub(0, main_end), Some(host.bytes()), 0, false);
        }
        for (n, val) in params(user.tail(main_end)) {
            if n == "phone-context" && !val.bytes().starts_with(b"+") {
                host_or_ip(sc, val, 0);
            }
        }
    }
    host_or_ip(sc, host, 0);
    for (n, val) in params(hostpart.tail(host_end)) {
        if n == "maddr" {
            host_or_ip(sc, val, 0);
        }
    }
}

/// A tel URI whose number starts at `s`.
fn tel_uri(sc: &mut Scan, whole: Text<'_>, s: usize) {
    let input = whole.bytes();
    let e = run(input, s, |c| !uri_end(c));
    let uri = whole.sub(s, e);
    let b = uri.bytes();
    let num_end = b.iter().position(|&c| c == b';').unwrap_or(b.len());
    let num = uri.sub(0, num_end);
    if looks_like_number(num.bytes()) {
        sc.push(abs(num, 0), Kind::Phone);
    }
    for (n, val) in params(uri.tail(num_end)) {
        if n == "phone-context" && !val.bytes().starts_with(b"+") {
            host_or_ip(sc, val, 0);
        }
    }
}

/// Replaces, outside the hits, every other occurrence of a value already
/// aliased: numbers in XML bodies, names in log lines, hosts in Call-IDs.
fn sweep(r: &mut Redactor, input: &[u8], hits: &[Hit], out: &mut Vec<Edit>) {
    let opts = r.options().clone();
    let mut h = 0;
    let mut i = 0;
    let n = input.len();
    while i < n {
        let c = input[i];
        let tok_byte = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_');
        if is_escape(input, i) {
            i += 3;
            continue;
        }
        if !(tok_byte(c) || c == b'+')
            || (i > 0 && tok_byte(input[i - 1]) && !escape_before(input, i))
        {
            i += 1;
            continue;
        }
        // A token ends at a percent-escape (`…fa%40101.231.48.19%3B…` in a
        // URI header is `…fa`, `101.231.48.19`).
        let mut e = i + 1;
        while e < n && tok_byte(input[e]) {
            e += 1;
        }
        let mut tok_end = e;
        while tok_end > i && matches!(input[tok_end - 1], b'.' | b'-') {
            tok_end -= 1;
        }
        let span = Span::new(i, tok_end);
        while h < hits.len() && hits[h].span.end <= span.start {
            h += 1;
        }
        let overlaps = hits.get(h).is_some_and(|x| x.span.start < span.end);
        if !overlaps && span.len() >= 4 {
            if let Ok(tok) = std::str::from_utf8(span.slice(input)) {
                let digits_only = tok
                    .bytes()
                    .enumerate()
                    .all(|(k, c)| c.is_ascii_digit() || (k == 0 && c == b'+'));
                let found = if digits_only {
                    (tok.len() >= 6)
                        .then(|| r.known(Kind::Phone, tok).map(|t| (Kind::Phone, t)))
                        .flatten()
                } else if tok.starts_with('+') {
                    // `+` opens numbers only: `+4915z1…` is no word to look up
                    // (its alias could land where a host is read).
                    None
                } else {
                    [
                        Kind::User,
                        Kind::Host,
                        Kind::CallId,
                        Kind::Tag,
                        Kind::Icid,
                        Kind::Secret,
                        Kind::DisplayName,
                    ]
                    .into_iter()
                    .filter(|k| opts.covers(*k))
                    .find_map(|k| r.known(k, tok).map(|t| (k, t)))
                };
                match found {
                    Some((kind, text)) if text != tok => out.push(Edit {
                        span,
                        text,
                        kind: Some(kind),
                    }),
                    Some(_) => {}
                    None if opts.covers(Kind::Ipv4) => glued_ipv4(r, input, span, out),
                    None => {}
                }
            }
        }
        i = e.max(i + 1);
    }
}

/// An address already aliased, glued to the end of other text inside a
/// token (`branch=z9hG4bKnp104984053-44ce4a41192.168.1.2`).
fn glued_ipv4(r: &mut Redactor, input: &[u8], span: Span, out: &mut Vec<Edit>) {
    let t = span.slice(input);
    if t.iter().filter(|&&c| c == b'.').count() < 3 {
        return;
    }
    let mut k = 0;
    while k < t.len() {
        if !t[k].is_ascii_digit() {
            k += 1;
            continue;
        }
        // The digit/dot run from k; try each start inside it.
        let end = k + t[k..]
            .iter()
            .position(|c| !(c.is_ascii_digit() || *c == b'.'))
            .unwrap_or(t.len() - k);
        let mut found = None;
        for s in k..end {
            if !t[s].is_ascii_digit() || (s > k && t[s - 1] == b'.') {
                continue;
            }
            // Four parts from s, the last up to 3 digits.
            let mut dots = 0;
            let mut e = s;
            while e < end && (t[e].is_ascii_digit() || (t[e] == b'.' && dots < 3)) {
                dots += usize::from(t[e] == b'.');
                e += 1;
            }
            if is_ipv4(&t[s..e]) {
                if let Ok(ip) = std::str::from_utf8(&t[s..e]) {
                    if let Some(text) = r.known(Kind::Ipv4, ip) {
                        found = Some((s, e, text));
                        break;
                    }
                }
            }
        }
        match found {
            Some((s, e, text)) => {
                out.push(Edit {
                    span: Span::new(span.start + s, span.start + e),
                    text,
                    kind: Some(Kind::Ipv4),
                });
                k = e;
            }
            None => k = end,
        }
    }
}

/// A `%XX` escape of a delimiter (`%40` `@`, `%3B` `;`, `%3D` `=`,
/// `%20`…) starts at `i`; escapes of letters and digits join a token.
fn is_escape(input: &[u8], i: usize) -> bool {
    let hex = |k: usize| input.get(k).and_then(|c| (*c as char).to_digit(16));
    match (input.get(i), hex(i + 1), hex(i + 2)) {
        (Some(b'%'), Some(h), Some(l)) => {
            let c = (h * 16 + l) as u8;
            c.is_ascii_punctuation() || c == b' '
        }
        _ => false,
    }
}

/// A `%XX` escape ends just before `i`: a token may start here.
fn escape_before(input: &[u8], i: usize) -> bool {
    i >= 3 && is_escape(input, i - 3)
}
