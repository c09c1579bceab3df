//! Many SIP messages out of pasted text: logs, ngrep/sngrep/sipp/Kamailio
//! output, Wireshark "Follow UDP/TCP stream" exports, or messages simply
//! pasted one after another.
//!
//! A message starts at a start line (RFC 3261 §7.1/§7.2), its header
//! section ends at the first empty line (§7), and its body is framed by
//! Content-Length (§18.3, §20.14) — counted leniently, because logs often
//! turn CRLF into LF. Lines between messages (timestamps, `->` direction
//! lines, `recv 612 bytes from udp:…`, `---` separators, ngrep `U a -> b`)
//! are read for a timestamp and addresses, which are attached to the next
//! message.
//!
//! The splitter is as lenient as `decode` (STYLE: lenient on input, strict
//! in the report): a start line with extra or tab separators, leading
//! white space or a lower-case `sip/2.0` still starts a message, and a
//! header-section line that is neither a header nor folded (a continuation
//! that lost its leading space) stays in its message when header lines
//! follow. [`split_text_reporting`] lists those messages (SL456) and counts
//! the SIP header lines it found outside any message (SL457), so nothing
//! is lost silently. A `message/sipfrag` body (RFC 3420) is framed by its
//! Content-Length even though it starts with a status line.
//!
//! Timestamps become ISO 8601: `YYYY-MM-DDTHH:MM:SS.ffffff` for a log line
//! with a date (the log's own clock; `Z` kept when the log wrote it),
//! `HH:MM:SS.ffffff` for a time of day alone.

use super::model::{CaptureIssue, RawMessage};
use crate::finding::Rule;
use crate::parse::framing::{self, is_start_line};
use crate::span::Span;

/// What the splitter tolerated in a message (reported as SL456).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tolerated {
    /// Start line with extra SP/HTAB separators, leading white space or a
    /// lower-case version.
    StartLine,
    /// A header-section line that is neither a header nor folded.
    StrayLine,
}

/// A start line as `decode` accepts it (RFC 3261 §7.1, §7.2 read
/// leniently): `Some(false)` when strict, `Some(true)` when only a
/// leniency (extra or tab separators, leading or trailing white space, a
/// lower-case `sip/2.0`) makes it one.
fn lenient_start_line(line: &[u8]) -> Option<bool> {
    if is_start_line(line) {
        // `is_start_line` ignores the case of the version.
        let exact = line.starts_with(b"SIP/2.0 ") || line.ends_with(b" SIP/2.0");
        return Some(!exact);
    }
    let words: Vec<&[u8]> = line
        .split(|&b| b == b' ' || b == b'\t')
        .filter(|w| !w.is_empty())
        .collect();
    let version = |w: &[u8]| {
        w.len() >= 7
            && w[..4].eq_ignore_ascii_case(b"SIP/")
            && w[4].is_ascii_digit()
            && w[5] == b'.'
            && w[6..].iter().all(u8::is_ascii_digit)
    };
    let ok = match words.as_slice() {
        [v, code, ..] if version(v) => code.len() == 3 && code.iter().all(u8::is_ascii_digit),
        [method, _uri, .., v] if version(v) => {
            method[0].is_ascii_alphabetic()
                && method
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b))
        }
        _ => false,
    };
    ok.then_some(true)
}

#[derive(Default, Clone)]
struct Meta {
    timestamp: Option<String>,
    time: Option<f64>,
    src: Option<String>,
    dst: Option<String>,
    transport: Option<String>,
    ngrep: bool,
}

#[derive(Clone, Copy)]
pub(crate) struct Line {
    /// First byte of the line.
    pub start: usize,
    /// End of the content (line end excluded).
    pub end: usize,
    /// Past the line end.
    pub next: usize,
}

pub(crate) fn lines(input: &[u8]) -> Vec<Line> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < input.len() {
        let (end, next) = match memchr::memchr(b'\n', &input[at..]) {
            Some(i) => (at + i, at + i + 1),
            None => (input.len(), input.len()),
        };
        let content_end = if end > at && input[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        out.push(Line {
            start: at,
            end: content_end,
            next,
        });
        at = next;
    }
    out
}

/// Splits pasted text into SIP messages, each with the timestamp and
/// addresses found on the log lines before it and its span in `input`.
pub fn split_text(input: &[u8]) -> Vec<RawMessage> {
    split_text_reporting(input).0
}

/// [`split_text`], with what the splitter tolerated (SL456: messages kept
/// although a line of them breaks the strict grammar) and skipped (SL457:
/// header-like lines outside any message), so that nothing is lost
/// silently.
pub fn split_text_reporting(input: &[u8]) -> (Vec<RawMessage>, Vec<CaptureIssue>) {
    let ls = lines(input);
    let s = scan(input, &ls, Nodes::default());
    let out: Vec<RawMessage> = s.messages.into_iter().map(|m| m.raw).collect();
    // Lines are cut at LF, so line index `l` is line number `l + 1`.
    let tolerated: Vec<(Tolerated, usize, usize)> =
        s.tolerated.iter().map(|&(k, m, l)| (k, m, l + 1)).collect();
    let skipped: Vec<usize> = s.skipped.iter().map(|&l| l + 1).collect();
    let first = s.skipped.first().map(|&l| &input[ls[l].start..ls[l].end]);
    (out, report(&tolerated, &skipped, first))
}

/// The two nodes a Wireshark Follow-stream export names (`Node 0: …`).
pub(crate) type Nodes = [Option<String>; 2];

/// One message found by [`scan`].
pub(crate) struct Scanned {
    /// The message (its span relative to the scanned input).
    pub raw: RawMessage,
    /// The index of its first line.
    pub line: usize,
    /// The index of the first line after it.
    pub next: usize,
}

/// What [`scan`] found, by line index into the scanned input.
#[derive(Default)]
pub(crate) struct Scan {
    pub messages: Vec<Scanned>,
    /// (what, message index, line index) of each tolerated line.
    tolerated: Vec<(Tolerated, usize, usize)>,
    /// Header-like lines outside any message.
    skipped: Vec<usize>,
    /// `Node 0:` / `Node 1:` lines: (line index, node, name).
    node_lines: Vec<(usize, usize, String)>,
}

/// The one pass of the splitter over the lines `ls` of `input`, starting
/// with the Follow-stream `nodes` already named. Between two messages the
/// splitter keeps nothing but `nodes` (the log-line metadata is taken by
/// the message it precedes), so a scan resumed at a message's end with the
/// nodes named before it finds what one scan of the whole input finds
/// ([`super::incremental`] relies on it).
pub(crate) fn scan(input: &[u8], ls: &[Line], mut nodes: Nodes) -> Scan {
    let mut s = Scan::default();
    let mut meta = Meta::default();
    let mut i = 0;
    while i < ls.len() {
        let raw = &input[ls[i].start..ls[i].end];
        let line = view(raw, meta.ngrep);
        // Follow-stream exports indent node 1's data with a tab: their
        // format, not a leniency.
        let indented = nodes[0].is_none() && line.first().is_some_and(u8::is_ascii_whitespace);
        let start = lenient_start_line(line.trim_ascii_start()).map(|l| l || indented);
        if let Some(lenient) = start {
            let (msg, next, stray) = take_message(input, ls, i, meta.ngrep);
            let k = s.messages.len();
            if lenient {
                s.tolerated.push((Tolerated::StartLine, k, i));
            }
            if let Some(l) = stray {
                s.tolerated.push((Tolerated::StrayLine, k, l));
            }
            let mut m = std::mem::take(&mut meta);
            if m.src.is_none() && m.dst.is_none() && nodes[0].is_some() {
                // Follow-stream: node 1's data is indented with a tab.
                let from1 = raw.first() == Some(&b'\t');
                m.src = nodes[usize::from(from1)].clone();
                m.dst = nodes[usize::from(!from1)].clone();
            }
            let span = Span::new(ls[i].start, ls[next - 1].next);
            s.messages.push(Scanned {
                raw: RawMessage {
                    bytes: msg,
                    time: m.time,
                    timestamp: m.timestamp,
                    src: m.src,
                    dst: m.dst,
                    transport: m.transport,
                    frame: None,
                    frames: Vec::new(),
                    source_span: Some(span),
                    esp: None,
                },
                line: i,
                next,
            });
            i = next;
            continue;
        }
        let trimmed = raw.trim_ascii();
        if let Some(rest) = trimmed
            .strip_prefix(b"Node 0: ")
            .or_else(|| trimmed.strip_prefix(b"Node 1: "))
        {
            let n = usize::from(trimmed[5] == b'1');
            let name = String::from_utf8_lossy(rest.trim_ascii()).into_owned();
            s.node_lines.push((i, n, name.clone()));
            nodes[n] = Some(name);
        } else if !trimmed.is_empty() {
            if is_sip_header_line(trimmed) && !is_log_line(trimmed) && find_time(trimmed).is_none()
            {
                s.skipped.push(i);
            }
            read_meta(trimmed, &mut meta);
        }
        i += 1;
    }
    s
}

/// A line that could start a message (in any of the splitter's views of
/// it): a line that is not one never adds a message to a scan.
pub(crate) fn could_start(line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    lenient_start_line(line.trim_ascii_start()).is_some()
        || line
            .strip_suffix(b".")
            .is_some_and(|l| lenient_start_line(l.trim_ascii_start()).is_some())
}

/// What a resumed split ([`super::incremental`]) carries over from the
/// part of the input already handed over: the nodes named there and its
/// SL456/SL457 material, by message and line number.
#[derive(Default)]
pub(crate) struct Carried {
    /// Follow-stream nodes named so far.
    pub nodes: Nodes,
    /// (what, message index, line number) of each tolerated line.
    tolerated: Vec<(Tolerated, usize, usize)>,
    /// Line numbers of skipped header-like lines.
    skipped: Vec<usize>,
    /// The first skipped line's text.
    first_skipped: Option<Vec<u8>>,
}

impl Carried {
    /// Takes over what `s` found before line `cut` (its first `messages`
    /// messages), the scanned input starting at line number `line0 + 1`
    /// and holding message `msg0` first.
    pub(crate) fn take(
        &mut self,
        input: &[u8],
        ls: &[Line],
        s: &Scan,
        messages: usize,
        cut: usize,
        (line0, msg0): (usize, usize),
    ) {
        for &(k, m, l) in s.tolerated.iter().filter(|t| t.1 < messages) {
            self.tolerated.push((k, msg0 + m, line0 + l + 1));
        }
        for &l in s.skipped.iter().filter(|&&l| l < cut) {
            if self.first_skipped.is_none() {
                self.first_skipped = Some(input[ls[l].start..ls[l].end].to_vec());
            }
            self.skipped.push(line0 + l + 1);
        }
        for (_, n, name) in s.node_lines.iter().filter(|n| n.0 < cut) {
            self.nodes[*n] = Some(name.clone());
        }
    }

    /// The SL456 / SL457 findings of everything taken.
    pub(crate) fn report(&self) -> Vec<CaptureIssue> {
        report(
            &self.tolerated,
            &self.skipped,
            self.first_skipped.as_deref(),
        )
    }
}

/// SL456 / SL457 findings of one split: tolerated lines as (what, message
/// index, line number), skipped lines by line number, and the first
/// skipped line's text.
fn report(
    tolerated: &[(Tolerated, usize, usize)],
    skipped: &[usize],
    first: Option<&[u8]>,
) -> Vec<CaptureIssue> {
    let mut issues = Vec::new();
    for (kind, what) in [
        (
            Tolerated::StartLine,
            "a start line with extra or tab separators, leading white space or a lower-case version",
        ),
        (
            Tolerated::StrayLine,
            "a header-section line that is neither a header nor a folded continuation (kept in the message)",
        ),
    ] {
        let hits: Vec<String> = tolerated
            .iter()
            .filter(|t| t.0 == kind)
            .map(|t| format!("#{} (line {})", t.1 + 1, t.2))
            .collect();
        if !hits.is_empty() {
            issues.push(CaptureIssue {
                rule: Rule::TextTolerated,
                frame: None,
                message: format!(
                    "{} message(s) kept with {what}: {}. Each message's own decoding reports it.",
                    hits.len(),
                    hits.join(", ")
                ),
            });
        }
    }
    if let Some(first) = first {
        let lines: Vec<String> = skipped.iter().take(10).map(usize::to_string).collect();
        issues.push(CaptureIssue {
            rule: Rule::TextSkipped,
            frame: None,
            message: format!(
                "{} line(s) that look like SIP header lines stand outside any message and were skipped (line {}{}): a message whose start line is not recognisable is missing from the flow. First: {:?}.",
                skipped.len(),
                lines.join(", "),
                if skipped.len() > 10 { ", …" } else { "" },
                String::from_utf8_lossy(first).chars().take(80).collect::<String>()
            ),
        });
    }
    issues
}

/// A line as the message sees it: ngrep `-W byline` shows each CR as a
/// trailing `.`.
fn view(line: &[u8], ngrep: bool) -> &[u8] {
    if ngrep {
        line.strip_suffix(b".").unwrap_or(line)
    } else {
        line
    }
}

/// Reads one message starting at line `first`; returns its bytes, the
/// index of the first line after it and the first stray line it kept (a
/// header-section line that is neither a header nor folded, followed by
/// more header lines: `decode` reports it, the message goes on).
fn take_message(
    input: &[u8],
    ls: &[Line],
    first: usize,
    ngrep: bool,
) -> (Vec<u8>, usize, Option<usize>) {
    let mut stray = None;
    let lf_only = ls[first].next == ls[first].end + 1;
    let mut i = first + 1;
    let mut content_length: Option<usize> = None;
    // A message/sipfrag body (RFC 3420: NOTIFY for REFER) starts with a
    // start line of its own: inside the counted body it is not a message.
    let mut sipfrag = false;
    let mut headers_done = false;
    // Header section.
    while i < ls.len() {
        let l = view(&input[ls[i].start..ls[i].end], ngrep);
        if l.trim_ascii().is_empty() {
            headers_done = true;
            i += 1;
            break;
        }
        let folded = l.first().is_some_and(|b| *b == b' ' || *b == b'\t');
        if lenient_start_line(l.trim_ascii_start()).is_some() || is_log_line(l) {
            break;
        }
        if !folded && !is_header_line(l) {
            // A stray line (a continuation that lost its leading space, a
            // mangled header) stays in the message when header lines follow.
            let next_is_header = ls.get(i + 1).is_some_and(|n| {
                let nl = view(&input[n.start..n.end], ngrep);
                is_header_line(nl)
                    && !is_log_line(nl)
                    && lenient_start_line(nl.trim_ascii_start()).is_none()
            });
            if !next_is_header {
                break;
            }
            stray.get_or_insert(i);
        }
        if let Some(n) = framing::content_length(l) {
            content_length = Some(n);
        }
        if let Some(c) = memchr::memchr(b':', l) {
            let name = l[..c].trim_ascii();
            if (name.eq_ignore_ascii_case(b"content-type") || name.eq_ignore_ascii_case(b"c"))
                && l[c..]
                    .to_ascii_lowercase()
                    .windows(15)
                    .any(|w| w == b"message/sipfrag")
            {
                sipfrag = true;
            }
        }
        i += 1;
    }
    // Body.
    let body_start = i;
    if headers_done {
        match content_length {
            Some(0) => {}
            Some(n) => {
                let mut got = 0;
                while i < ls.len() && got < n {
                    let l = view(&input[ls[i].start..ls[i].end], ngrep);
                    let start = !sipfrag && lenient_start_line(l.trim_ascii_start()).is_some();
                    if start || is_log_line(l) {
                        break;
                    }
                    got += ls[i].next - ls[i].start + usize::from(lf_only || ngrep);
                    i += 1;
                }
            }
            None => {
                while i < ls.len() {
                    let l = view(&input[ls[i].start..ls[i].end], ngrep);
                    if lenient_start_line(l.trim_ascii_start()).is_some() || is_log_line(l) {
                        break;
                    }
                    i += 1;
                }
                // Blank lines at the end belong to the gap, not the body.
                while i > body_start
                    && input[ls[i - 1].start..ls[i - 1].end]
                        .trim_ascii()
                        .is_empty()
                {
                    i -= 1;
                }
            }
        }
    }
    let bytes = if ngrep {
        let mut b = Vec::new();
        for l in &ls[first..i] {
            b.extend_from_slice(view(&input[l.start..l.end], true));
            b.extend_from_slice(b"\r\n");
        }
        b
    } else {
        input[ls[first].start..ls[i - 1].next].to_vec()
    };
    (bytes, i, stray)
}

/// `token *WSP ":"` (RFC 3261 §7.3.1).
fn is_header_line(l: &[u8]) -> bool {
    let Some(colon) = memchr::memchr(b':', l) else {
        return false;
    };
    let name = l[..colon].trim_ascii();
    !name.is_empty()
        && name
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b))
}

/// A header line whose name is a known SIP header (full or compact form).
fn is_sip_header_line(l: &[u8]) -> bool {
    is_header_line(l)
        && memchr::memchr(b':', l).is_some_and(|c| {
            crate::header_name::HeaderName::from_bytes(l[..c].trim_ascii()).is_some()
        })
}

/// A line that a log adds between messages, never part of a SIP body.
fn is_log_line(l: &[u8]) -> bool {
    let t = l.trim_ascii();
    if t.is_empty() {
        return false;
    }
    let lower = t.to_ascii_lowercase();
    t.starts_with(b"---")
        || is_export_line(t)
        || t.starts_with(b"===")
        || t.starts_with(b"***")
        || (t.len() >= 8
            && t[..2].iter().all(u8::is_ascii_digit)
            && find_time(t).is_some_and(|(s, _)| s == 0))
        || starts_with_date(t)
        || ((t.starts_with(b"U ") || t.starts_with(b"T ")) && t.windows(4).any(|w| w == b" -> "))
        || [
            &b"recv "[..],
            b"sent ",
            b"send ",
            b"received ",
            b"udp message",
            b"tcp message",
        ]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// `#N …`: the line [`super::export::messages_text`] writes before each
/// message.
fn is_export_line(t: &[u8]) -> bool {
    t.first() == Some(&b'#') && {
        let digits = t[1..].iter().take_while(|b| b.is_ascii_digit()).count();
        digits > 0 && matches!(t.get(1 + digits), None | Some(b' '))
    }
}

fn starts_with_date(t: &[u8]) -> bool {
    t.len() >= 10
        && t[..4].iter().all(u8::is_ascii_digit)
        && matches!(t[4], b'-' | b'/')
        && t[5..7].iter().all(u8::is_ascii_digit)
        && t[7] == t[4]
        && t[8..10].iter().all(u8::is_ascii_digit)
}

/// `HH:MM:SS[.fraction]`: (start, end).
fn find_time(t: &[u8]) -> Option<(usize, usize)> {
    let d = |i: usize| t.get(i).is_some_and(u8::is_ascii_digit);
    (0..t.len()).find_map(|i| {
        let ok = d(i)
            && d(i + 1)
            && t.get(i + 2) == Some(&b':')
            && d(i + 3)
            && d(i + 4)
            && t.get(i + 5) == Some(&b':')
            && d(i + 6)
            && d(i + 7)
            && (i == 0 || !t[i - 1].is_ascii_digit());
        ok.then(|| {
            let mut end = i + 8;
            if matches!(t.get(end), Some(b'.' | b',')) && d(end + 1) {
                end += 1;
                while d(end) {
                    end += 1;
                }
            }
            (i, end)
        })
    })
}

fn read_meta(t: &[u8], meta: &mut Meta) {
    if let Some((ts, te)) = find_time(t) {
        let mut start = ts;
        let mut days = None;
        if ts >= 11 && starts_with_date(&t[ts - 11..]) && matches!(t[ts - 1], b' ' | b'T') {
            start = ts - 11;
            let n = |a: usize, b: usize| -> i64 {
                std::str::from_utf8(&t[a..b])
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0)
            };
            days = Some(super::time::days_from_civil(
                n(start, start + 4),
                n(start + 5, start + 7),
                n(start + 8, start + 10),
            ));
        }
        let num = |a: usize| -> f64 { f64::from((t[a] - b'0') * 10 + (t[a + 1] - b'0')) };
        let mut secs = num(ts) * 3600.0 + num(ts + 3) * 60.0 + num(ts + 6);
        if te > ts + 9 {
            let frac = std::str::from_utf8(&t[ts + 9..te]).unwrap_or("0");
            secs += format!("0.{frac}").parse::<f64>().unwrap_or(0.0);
        }
        let _ = start;
        // One format (ISO 8601): a date and time without zone (the log's
        // own clock), or the time of day alone.
        let time = days.map_or(secs, |d| d as f64 * 86400.0 + secs);
        // A `Z` after the time (an ISO timestamp, e.g. an export) is UTC.
        let utc = t.get(te) == Some(&b'Z');
        meta.timestamp = Some(match days {
            Some(_) if utc => super::time::iso_time(time),
            Some(_) => super::time::iso_local(time),
            None => super::time::iso_time_of_day(time),
        });
        meta.time = Some(time);
    }
    let lower = t.to_ascii_lowercase();
    if (t.starts_with(b"U ") || t.starts_with(b"T ")) && t.windows(4).any(|w| w == b" -> ") {
        meta.ngrep = true;
        meta.transport = Some(if t[0] == b'U' { "udp" } else { "tcp" }.into());
    }
    for (name, needle) in [
        ("udp", &b"udp"[..]),
        ("tcp", b"tcp"),
        ("tls", b"tls"),
        ("sctp", b"sctp"),
        ("ws", b"wss"),
    ] {
        if meta.transport.is_none() && lower.windows(needle.len()).any(|w| w == needle) {
            meta.transport = Some(name.into());
        }
    }
    let addrs = find_addrs(t);
    for (k, &(s, e)) in addrs.iter().enumerate() {
        let before = lower[..s].trim_ascii_end();
        let before = before
            .strip_suffix(b"udp:")
            .or_else(|| before.strip_suffix(b"tcp:"))
            .or_else(|| before.strip_suffix(b"tls:"))
            .unwrap_or(before)
            .trim_ascii_end();
        let after = lower[e..].trim_ascii_start();
        let a = String::from_utf8_lossy(&t[s..e]).into_owned();
        let is_src = before.ends_with(b"from")
            || before.ends_with(b"<-")
            || after.starts_with(b"->")
            || (!before.ends_with(b"to")
                && !before.ends_with(b"->")
                && !after.starts_with(b"<-")
                && k == 0
                && addrs.len() > 1);
        if is_src {
            meta.src = Some(a);
        } else {
            meta.dst = Some(a);
        }
    }
}

/// IPv4 `a.b.c.d[:port]` and bracketed IPv6 `[…][:port]` tokens.
fn find_addrs(t: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if t[i] == b'[' {
            if let Some(close) = memchr::memchr(b']', &t[i..]) {
                let inner = &t[i + 1..i + close];
                if inner.contains(&b':')
                    && inner
                        .iter()
                        .all(|b| b.is_ascii_hexdigit() || b":.".contains(b))
                {
                    let mut e = i + close + 1;
                    if t.get(e) == Some(&b':') {
                        e += 1;
                        while t.get(e).is_some_and(u8::is_ascii_digit) {
                            e += 1;
                        }
                    }
                    out.push((i, e));
                    i = e;
                    continue;
                }
            }
        }
        if t[i].is_ascii_digit()
            && (i == 0 || !(t[i - 1].is_ascii_alphanumeric() || t[i - 1] == b'.'))
        {
            let mut e = i;
            let mut dots = 0;
            while e < t.len() && (t[e].is_ascii_digit() || t[e] == b'.') {
                dots += usize::from(t[e] == b'.');
                e += 1;
            }
            if dots == 3 && t[e - 1] != b'.' {
                if t.get(e) == Some(&b':') && t.get(e + 1).is_some_and(u8::is_ascii_digit) {
                    e += 1;
                    while t.get(e).is_some_and(u8::is_ascii_digit) {
                        e += 1;
                    }
                }
                out.push((i, e));
            }
            i = e.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}
