//! Input triage: what did the user paste or open, and where is the SIP in it?
//!
//! Before anything is decoded, [`triage`] classifies the input bytes
//! ([`InputKind`]) and, when the SIP has to be read out of something else,
//! extracts it:
//!
//! - a pcap or pcapng capture (by its magic number);
//! - one SIP message, or text holding several (a trace or log excerpt),
//!   cut as [`crate::trace::text::split_text`] cuts them (RFC 3261 §7 start
//!   lines, bodies framed by Content-Length, §18.3);
//! - a Wireshark / tshark packet-details copy (`Session Initiation Protocol
//!   (INVITE)`, `Request-Line: …`, the indented `Message Header` lines, SDP
//!   fields such as `Media Description, name and address (m): …`): the SIP
//!   text is rebuilt from those lines;
//! - a hex dump (`tshark -x` / Wireshark "Copy as Hex Dump", `xxd`,
//!   `od -A x -t x1`, or a plain hex stream): the bytes are read back and the
//!   SIP is taken out of the packets by the capture reader (Ethernet, Linux
//!   SLL or raw IP; IPv4/IPv6, UDP, TCP, SCTP), or found in the bytes;
//! - binary data that is no capture (at least one byte in
//!   [`BINARY_RATIO`] of the sample is not text);
//! - text that holds no SIP at all (`hello world`);
//! - nothing (empty or white space only).
//!
//! Every result carries a one-line [`Triage::note`] saying what was
//! recognised, for the user. The module has no I/O and no dependency on a
//! terminal or on JS: the CLI and the wasm package call the same function.

use serde::Serialize;

use crate::finding::Rule;
use crate::parse::StartLine;
use crate::trace::capture::{self, looks_like_sip};
use crate::trace::text::split_text;

/// Bytes of the input sampled by the binary test.
pub const SAMPLE: usize = 1024;

/// The input is binary when at least one sampled byte in this many is not
/// text.
pub const BINARY_RATIO: usize = 10;

/// What kind of input this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum InputKind {
    /// Empty, or only white space.
    Empty,
    /// A pcap or pcapng capture.
    Capture,
    /// One SIP message (possibly malformed: it is still decoded).
    SipMessage,
    /// Text holding several SIP messages, or log lines around them.
    SipTrace,
    /// A Wireshark or tshark packet-details copy (SIP text rebuilt).
    WiresharkDetails,
    /// A hex dump (bytes read back; SIP extracted when there is some).
    HexDump,
    /// Binary data that is no capture.
    Binary,
    /// Text that holds no SIP message.
    NotSip,
}

/// The result of [`triage`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Triage {
    /// What the input is.
    pub kind: InputKind,
    /// One line for the user: what was recognised, or why there is nothing
    /// to decode.
    pub note: String,
    /// The SIP read out of a Wireshark copy or a hex dump: SIP text, one
    /// message after another, each preceded by a `--- udp a -> b ---` line
    /// when its addresses are known (the trace text splitter reads them).
    /// `None` for every other kind: the input itself is what is decoded.
    /// Serialised as a string (invalid UTF-8 replaced).
    #[serde(serialize_with = "lossy")]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string | null"))]
    pub extracted: Option<Vec<u8>>,
    /// SIP messages found (in the input, or in `extracted`); 0 for a capture
    /// (counted when it is read) and for input without SIP.
    pub messages: usize,
}

fn lossy<S: serde::Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(b) => s.serialize_some(&String::from_utf8_lossy(b)),
        None => s.serialize_none(),
    }
}

impl Triage {
    /// True when there is SIP to decode: a message, a trace, a capture, or
    /// SIP extracted from a copy or a dump.
    pub fn is_usable(&self) -> bool {
        match self.kind {
            InputKind::Capture | InputKind::SipMessage | InputKind::SipTrace => true,
            InputKind::WiresharkDetails | InputKind::HexDump => self.extracted.is_some(),
            InputKind::Empty | InputKind::Binary | InputKind::NotSip => false,
        }
    }

    /// The bytes to decode: `extracted` when there is one, else `input`.
    pub fn bytes<'a>(&'a self, input: &'a [u8]) -> &'a [u8] {
        self.extracted.as_deref().unwrap_or(input)
    }

    fn new(kind: InputKind, note: impl Into<String>) -> Self {
        Triage {
            kind,
            note: note.into(),
            extracted: None,
            messages: 0,
        }
    }
}

/// Classifies `input` and extracts the SIP from a Wireshark copy or a hex
/// dump. Never panics; the work is linear in the input.
pub fn triage(input: &[u8]) -> Triage {
    let Some(lead) = input.iter().position(|b| !is_space(*b)) else {
        return Triage::new(InputKind::Empty, "empty input: no SIP message");
    };
    if capture::is_capture(input) {
        let format = if input.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a]) {
            "pcapng"
        } else {
            "pcap"
        };
        return Triage::new(InputKind::Capture, format!("a {format} capture"));
    }
    let rest = &input[lead..];
    let head_end = find_empty_line(rest).unwrap_or(rest.len());
    let sample = &rest[..head_end.min(SAMPLE)];
    let bad = non_text(sample);
    if bad > 0 && bad * BINARY_RATIO >= sample.len() {
        let what = binary_name(rest).map_or(String::new(), |n| format!(" ({n})"));
        return Triage::new(
            InputKind::Binary,
            format!(
                "binary input{what}: {bad} of the first {} bytes are not text; not a SIP message or a capture",
                sample.len()
            ),
        );
    }
    if let Some(t) = wireshark(input) {
        return t;
    }
    if let Some(t) = hex_dump(input) {
        return t;
    }
    sip_text(input)
}

/// SIP text, or text without SIP.
fn sip_text(input: &[u8]) -> Triage {
    let msg = crate::parse::parse_message(input);
    let bad_start = matches!(msg.start_line(), StartLine::Invalid(_))
        || msg.findings().iter().any(|f| f.rule == Rule::BadStartLine);
    // One message whose Content-Length covers the whole input is one
    // message, whatever its body holds (a message/sipfrag has a status line).
    let framed = !bad_start && !msg.findings().iter().any(|f| f.rule == Rule::TrailingData);
    let raws = if framed {
        Vec::new()
    } else {
        split_text(input)
    };
    if raws.len() > 1 {
        let mut t = Triage::new(
            InputKind::SipTrace,
            format!("text holding {} SIP messages (a trace or log)", raws.len()),
        );
        t.messages = raws.len();
        return t;
    }
    if let Some(r) = raws.first() {
        let before = r.source_span.map_or(0, |s| s.start);
        if bad_start && input[..before].iter().any(|b| !is_space(*b)) {
            let mut t = Triage::new(
                InputKind::SipTrace,
                "text holding one SIP message after other lines (a log excerpt)",
            );
            t.messages = 1;
            return t;
        }
    }
    if bad_start && msg.headers().is_empty() {
        return Triage::new(
            InputKind::NotSip,
            "not a SIP message: no valid request or status line and no header",
        );
    }
    let mut t = Triage::new(InputKind::SipMessage, "one SIP message");
    t.messages = 1;
    t
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c)
}

/// Offset of the first empty line (LF followed by LF or CRLF).
fn find_empty_line(s: &[u8]) -> Option<usize> {
    s.windows(2)
        .enumerate()
        .find(|(i, w)| *w == b"\n\n" || (*w == b"\n\r" && s.get(i + 2) == Some(&b'\n')))
        .map(|(i, _)| i)
}

/// Bytes that are not text: controls other than TAB/CR/LF, DEL, and every
/// byte of an invalid UTF-8 sequence.
fn non_text(mut s: &[u8]) -> usize {
    let is_control = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n')) || b == 0x7f;
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

/// A few well-known binary formats a capture might arrive in by mistake.
fn binary_name(b: &[u8]) -> Option<&'static str> {
    #[rustfmt::skip]
    const MAGIC: &[(&[u8], &str)] = &[
        (&[0x1f, 0x8b], "gzip-compressed: decompress it first"),
        (b"PK\x03\x04", "a zip archive: extract it first"),
        (b"\xfd7zXZ\x00", "xz-compressed: decompress it first"),
        (b"BZh", "bzip2-compressed: decompress it first"),
        (b"\x28\xb5\x2f\xfd", "zstd-compressed: decompress it first"),
        (b"\xff\xfe", "UTF-16 text: save it as UTF-8"),
        (b"\xfe\xff", "UTF-16 text: save it as UTF-8"),
    ];
    MAGIC
        .iter()
        .find(|(m, _)| b.starts_with(m))
        .map(|(_, n)| *n)
}

/// One line of text: content without the line end, and its indentation
/// (a tab counts as 4 columns).
struct TextLine<'a> {
    indent: usize,
    text: &'a str,
}

fn text_lines(input: &[u8]) -> Vec<TextLine<'_>> {
    let Ok(s) = std::str::from_utf8(input) else {
        return Vec::new();
    };
    s.lines()
        .map(|l| {
            let l = l.trim_end();
            let body = l.trim_start();
            let indent = l[..l.len() - body.len()]
                .chars()
                .map(|c| if c == '\t' { 4 } else { 1 })
                .sum();
            TextLine { indent, text: body }
        })
        .collect()
}

/// A Wireshark / tshark packet-details copy with a SIP tree in it.
fn wireshark(input: &[u8]) -> Option<Triage> {
    let lines = text_lines(input);
    let is_sip_root = |t: &str| {
        t == "Session Initiation Protocol" || t.starts_with("Session Initiation Protocol (")
    };
    let has_sip = lines.iter().any(|l| is_sip_root(l.text))
        && lines
            .iter()
            .any(|l| l.text.starts_with("Request-Line: ") || l.text.starts_with("Status-Line: "));
    if !has_sip {
        // Packet details, but Wireshark did not read SIP in them.
        let frames = lines
            .iter()
            .filter(|l| {
                l.indent == 0 && l.text.starts_with("Frame ") && l.text.contains(" bytes on wire")
            })
            .count();
        return (frames > 0).then(|| {
            Triage::new(
                InputKind::NotSip,
                format!(
                    "a Wireshark packet-details copy of {frames} frame{} without a SIP layer: Wireshark did not read SIP in them (a port it does not know? use Decode As… or copy the bytes as a hex dump)",
                    if frames == 1 { "" } else { "s" }
                ),
            )
        });
    }
    let mut out = Vec::new();
    let mut messages = 0;
    let mut lost_bodies = Vec::new();
    // Addresses from the protocol lines above each SIP tree.
    let mut ip: Option<(String, String)> = None;
    let mut ports: Option<(&str, String, String)> = None;
    let mut i = 0;
    while i < lines.len() {
        let l = &lines[i];
        if let Some(x) = ip_line(l.text) {
            ip = Some(x);
        } else if let Some(x) = port_line(l.text) {
            ports = Some(x);
        } else if l.text.starts_with("Frame ") && l.indent == 0 {
            ip = None;
            ports = None;
        }
        if !is_sip_root(l.text) {
            i += 1;
            continue;
        }
        let base = l.indent;
        let end = (i + 1..lines.len())
            .find(|&k| !lines[k].text.is_empty() && lines[k].indent <= base)
            .unwrap_or(lines.len());
        let block = &lines[i + 1..end];
        i = end;
        let Some(start) = block.iter().find_map(|l| {
            l.text
                .strip_prefix("Request-Line: ")
                .or_else(|| l.text.strip_prefix("Status-Line: "))
        }) else {
            continue;
        };
        messages += 1;
        if let (Some((src, dst)), Some((transport, sp, dp))) = (&ip, &ports) {
            out.extend_from_slice(
                format!(
                    "--- {transport} {} -> {} ---\r\n",
                    join(src, sp),
                    join(dst, dp)
                )
                .as_bytes(),
            );
        }
        out.extend_from_slice(start.as_bytes());
        out.extend_from_slice(b"\r\n");
        for h in children(block, "Message Header") {
            out.extend_from_slice(h.text.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        if let Some(body) = block.iter().position(|l| l.text == "Message Body") {
            let body_lines = &block[body..];
            let sdp = children(body_lines, "Session Description Protocol");
            let mut recovered = false;
            for f in &sdp {
                if let Some((key, value)) = sdp_field(f.text) {
                    out.extend_from_slice(format!("{key}={value}\r\n").as_bytes());
                    recovered = true;
                }
            }
            if !recovered {
                let tl = line_based(body_lines);
                for t in &tl {
                    out.extend_from_slice(t.as_bytes());
                    out.extend_from_slice(b"\r\n");
                }
                recovered = !tl.is_empty();
            }
            if !recovered {
                lost_bodies.push(messages);
            }
        }
    }
    if messages == 0 {
        return Some(Triage::new(
            InputKind::NotSip,
            "a Wireshark packet-details copy without a SIP Request-Line or Status-Line",
        ));
    }
    let mut note = format!(
        "a Wireshark packet-details copy: {messages} SIP message{} rebuilt from its Request-Line/Status-Line, Message Header and SDP lines",
        if messages == 1 { "" } else { "s" }
    );
    if !lost_bodies.is_empty() {
        note.push_str(&format!(
            "; the body of message {} could not be read back from the copy (its Content-Length will not match)",
            lost_bodies
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Some(Triage {
        kind: InputKind::WiresharkDetails,
        note,
        extracted: Some(out),
        messages,
    })
}

/// `ip:port`, IPv6 in brackets.
fn join(ip: &str, port: &str) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

/// `Internet Protocol Version 4, Src: a, Dst: b` → (a, b).
fn ip_line(t: &str) -> Option<(String, String)> {
    let rest = t
        .strip_prefix("Internet Protocol Version 4, ")
        .or_else(|| t.strip_prefix("Internet Protocol Version 6, "))?;
    let (src, dst) = rest.strip_prefix("Src: ")?.split_once(", Dst: ")?;
    let clean = |s: &str| s.split([' ', ',']).next().unwrap_or(s).to_owned();
    Some((clean(src), clean(dst)))
}

/// `User Datagram Protocol, Src Port: 5060, Dst Port: 5080` (or TCP, SCTP).
fn port_line(t: &str) -> Option<(&'static str, String, String)> {
    let (transport, rest) = [
        ("udp", "User Datagram Protocol, "),
        ("tcp", "Transmission Control Protocol, "),
        ("sctp", "Stream Control Transmission Protocol, "),
    ]
    .iter()
    .find_map(|(n, p)| t.strip_prefix(p).map(|r| (*n, r)))?;
    let (src, rest) = rest
        .strip_prefix("Src Port: ")?
        .split_once(", Dst Port: ")?;
    let digits = |s: &str| {
        s.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
    };
    let (sp, dp) = (digits(src), digits(rest));
    (!sp.is_empty() && !dp.is_empty()).then_some((transport, sp, dp))
}

/// The lines one level under the first line titled `title` (by prefix),
/// Wireshark's generated `[…]` items left out.
fn children<'a>(lines: &'a [TextLine<'a>], title: &str) -> Vec<&'a TextLine<'a>> {
    let Some(at) = lines.iter().position(|l| l.text.starts_with(title)) else {
        return Vec::new();
    };
    let top = lines[at].indent;
    let rest = &lines[at + 1..];
    let end = rest
        .iter()
        .position(|l| !l.text.is_empty() && l.indent <= top)
        .unwrap_or(rest.len());
    let rest = &rest[..end];
    let Some(level) = rest.iter().find(|l| !l.text.is_empty()).map(|l| l.indent) else {
        return Vec::new();
    };
    rest.iter()
        .filter(|l| l.indent == level && !l.text.is_empty() && !l.text.starts_with('['))
        .collect()
}

/// `Media Description, name and address (m): audio 6010 RTP/AVP 8` →
/// (`m`, `audio 6010 RTP/AVP 8`).
fn sdp_field(t: &str) -> Option<(char, &str)> {
    let open = t.find(" (")?;
    let rest = &t[open + 2..];
    let mut chars = rest.chars();
    let key = chars.next()?;
    if !key.is_ascii_lowercase() || !rest[1..].starts_with("): ") {
        return None;
    }
    Some((key, &rest[4..]))
}

/// The lines of a `Line-based text data: …` body, with Wireshark's shown
/// `\r\n` / `\n` line ends removed.
fn line_based(lines: &[TextLine<'_>]) -> Vec<String> {
    children(lines, "Line-based text data")
        .into_iter()
        .map(|l| {
            let t = l.text;
            t.strip_suffix("\\r\\n")
                .or_else(|| t.strip_suffix("\\n"))
                .unwrap_or(t)
                .to_owned()
        })
        .collect()
}

/// One line of a hex dump: its offset (read as hex and as octal) and the
/// text after it.
struct DumpLine<'a> {
    hex_offset: Option<usize>,
    octal_offset: Option<usize>,
    rest: &'a str,
}

/// `0000  45 00 …`, `00000000: 4500 …`, `000000 45 00 …`: an offset of
/// 2–8 hex digits (a colon may follow), then at least one hex group.
fn dump_line(t: &str) -> Option<DumpLine<'_>> {
    let t = t.trim_start();
    let end = t.find([' ', '\t'])?;
    let off = t[..end].strip_suffix(':').unwrap_or(&t[..end]);
    if !(2..=8).contains(&off.len()) || !off.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let rest = &t[end..];
    let first = rest.split_whitespace().next()?;
    if first.len() % 2 != 0 || first.len() > 8 || !first.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(DumpLine {
        hex_offset: usize::from_str_radix(off, 16).ok(),
        octal_offset: usize::from_str_radix(off, 8).ok(),
        rest,
    })
}

/// Reads up to `max` bytes of hex groups from `rest`, stopping at a group
/// that is not hex or, when `stop_at_gap`, at a gap of 3 or more spaces
/// after the first byte (the start of the ASCII column on a short line).
fn dump_bytes(rest: &str, max: usize, stop_at_gap: bool, out: &mut Vec<u8>) -> usize {
    let mut n = 0;
    let mut i = 0;
    let b = rest.as_bytes();
    while i < b.len() && n < max {
        let ws = b[i..]
            .iter()
            .take_while(|c| c.is_ascii_whitespace())
            .count();
        if stop_at_gap && n > 0 && ws >= 3 {
            break;
        }
        i += ws;
        let len = b[i..]
            .iter()
            .take_while(|c| !c.is_ascii_whitespace())
            .count();
        let group = &rest[i..i + len];
        if len == 0
            || len % 2 != 0
            || len > 8
            || !group.bytes().all(|c| c.is_ascii_hexdigit())
            || n + len / 2 > max
        {
            break;
        }
        for k in (0..len).step_by(2) {
            if let Ok(v) = u8::from_str_radix(&group[k..k + 2], 16) {
                out.push(v);
            }
        }
        n += len / 2;
        i += len;
    }
    n
}

/// The buffers of a hex dump (each starts at offset 0), or of a hex stream.
fn dump_buffers(input: &[u8]) -> Option<(Vec<Vec<u8>>, &'static str)> {
    let text = std::str::from_utf8(input).ok()?;
    let head = text.trim_start().as_bytes();
    let hex_head = head
        .iter()
        .take(64)
        .all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace());
    let compact: String = if hex_head {
        text.split_whitespace().collect()
    } else {
        String::new()
    };
    if compact.len() >= 40
        && compact.len() % 2 == 0
        && compact.bytes().all(|b| b.is_ascii_hexdigit())
    {
        let bytes = (0..compact.len())
            .step_by(2)
            .filter_map(|k| u8::from_str_radix(&compact[k..k + 2], 16).ok())
            .collect();
        return Some((vec![bytes], "a hex stream"));
    }
    let lines: Vec<&str> = text.lines().collect();
    let parsed: Vec<Option<DumpLine<'_>>> = lines.iter().map(|l| dump_line(l)).collect();
    let dump = parsed.iter().filter(|p| p.is_some()).count();
    let other = lines
        .iter()
        .zip(&parsed)
        .filter(|(l, p)| p.is_none() && !l.trim().is_empty())
        .count();
    if dump < 2 || dump < other {
        return None;
    }
    let mut buffers: Vec<Vec<u8>> = Vec::new();
    // Octal offsets (od's default) instead of hex, decided per buffer.
    let mut octal = false;
    let mut skip_block = false;
    let mut k = 0;
    while k < lines.len() {
        let Some(d) = &parsed[k] else {
            // tshark -x prints reassembled or decoded data as extra blocks
            // after the frame's own bytes: not bytes of the packet.
            let t = lines[k].trim();
            if !t.is_empty() {
                skip_block = !t.starts_with("Frame ");
            }
            k += 1;
            continue;
        };
        let next = parsed.get(k + 1).and_then(Option::as_ref);
        if d.hex_offset == Some(0) {
            if skip_block {
                // Skip the whole block.
                k += 1;
                while parsed
                    .get(k)
                    .and_then(Option::as_ref)
                    .is_some_and(|d| d.hex_offset != Some(0))
                {
                    k += 1;
                }
                skip_block = false;
                continue;
            }
            buffers.push(Vec::new());
            let mut probe = Vec::new();
            let first = dump_bytes(d.rest, 32, true, &mut probe);
            octal =
                next.is_some_and(|n| n.hex_offset != Some(first) && n.octal_offset == Some(first));
        }
        let Some(buf) = buffers.last_mut() else {
            k += 1;
            continue;
        };
        let offset = if octal { d.octal_offset } else { d.hex_offset };
        if offset != Some(buf.len()) {
            // A line that does not continue the buffer: not part of it.
            k += 1;
            continue;
        }
        let next_offset = next.and_then(|n| if octal { n.octal_offset } else { n.hex_offset });
        match next_offset {
            Some(n) if n > buf.len() && n != 0 => {
                let want = n - buf.len();
                dump_bytes(d.rest, want, false, buf);
            }
            _ => {
                dump_bytes(d.rest, 32, true, buf);
            }
        }
        k += 1;
    }
    buffers.retain(|b| !b.is_empty());
    (!buffers.is_empty()).then_some((buffers, "a hex dump"))
}

/// A classic pcap file (microsecond, little-endian) holding `frames` with
/// link type `link`.
fn synthetic_pcap(frames: &[Vec<u8>], link: u32) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&262_144u32.to_le_bytes());
    out.extend_from_slice(&link.to_le_bytes());
    for (i, f) in frames.iter().enumerate() {
        let len = u32::try_from(f.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&u32::try_from(i).unwrap_or(0).to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(f);
    }
    out
}

/// Messages read out of packets as SIP text, each after a
/// `--- udp a -> b ---` line naming its addresses (which
/// [`split_text`] reads back). A message that does not end with a line end
/// gets CRLF, so that the next address line starts a line.
fn messages_text(messages: &[crate::trace::RawMessage]) -> Vec<u8> {
    let mut out = Vec::new();
    for m in messages {
        if let (Some(src), Some(dst)) = (&m.src, &m.dst) {
            let transport = m.transport.as_deref().unwrap_or("ip");
            out.extend_from_slice(format!("--- {transport} {src} -> {dst} ---\r\n").as_bytes());
        }
        out.extend_from_slice(&m.bytes);
        if !m.bytes.ends_with(b"\n") {
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

/// A hex dump: bytes read back, then SIP out of them.
fn hex_dump(input: &[u8]) -> Option<Triage> {
    let (buffers, what) = dump_buffers(input)?;
    let total: usize = buffers.iter().map(Vec::len).sum();
    let count = if buffers.len() == 1 {
        format!("{total} bytes")
    } else {
        format!("{} packets, {total} bytes", buffers.len())
    };
    if buffers.len() == 1 && capture::is_capture(&buffers[0]) {
        // A dumped pcap/pcapng file: its SIP, like a capture's.
        let x = capture::read_capture(&buffers[0]);
        let n = x.messages.len();
        return Some(if n == 0 {
            Triage::new(
                InputKind::HexDump,
                format!(
                    "{what} of a {} capture file ({count}) without a SIP message",
                    x.format
                ),
            )
        } else {
            Triage {
                kind: InputKind::HexDump,
                note: format!(
                    "{what} of a {} capture file ({count}): {n} SIP message{}",
                    x.format,
                    if n == 1 { "" } else { "s" }
                ),
                extracted: Some(messages_text(&x.messages)),
                messages: n,
            }
        });
    }
    // Ethernet, raw IP, Linux SLL, Linux SLL2: the first that yields SIP.
    for (link, name) in [
        (1, "Ethernet"),
        (101, "IP"),
        (113, "Linux cooked"),
        (276, "Linux cooked v2"),
    ] {
        let x = capture::read_capture(&synthetic_pcap(&buffers, link));
        if x.messages.is_empty() {
            continue;
        }
        let out = messages_text(&x.messages);
        let n = x.messages.len();
        return Some(Triage {
            kind: InputKind::HexDump,
            note: format!(
                "{what} ({count}): {n} SIP message{} read out of {name} packets",
                if n == 1 { "" } else { "s" }
            ),
            extracted: Some(out),
            messages: n,
        });
    }
    // Not packets: SIP anywhere in the bytes (a dumped payload).
    for buf in &buffers {
        let found = (0..buf.len().min(1 << 16)).find(|&i| {
            (i == 0 || buf[i - 1] == b'\n' || !buf[i - 1].is_ascii_graphic())
                && looks_like_sip(&buf[i..])
        });
        if let Some(at) = found {
            let bytes = buf[at..].to_vec();
            let n = split_text(&bytes).len().max(1);
            return Some(Triage {
                kind: InputKind::HexDump,
                note: if at == 0 {
                    format!("{what} ({count}) of SIP text")
                } else {
                    format!("{what} ({count}): SIP found at byte {at}, the {at} bytes before it skipped")
                },
                extracted: Some(bytes),
                messages: n,
            });
        }
    }
    Some(Triage::new(
        InputKind::HexDump,
        format!("{what} ({count}) without a SIP message in it"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_white_space() {
        assert_eq!(triage(b"").kind, InputKind::Empty);
        assert_eq!(triage(b" \r\n\t\n").kind, InputKind::Empty);
    }

    #[test]
    fn binary() {
        assert_eq!(triage(b"\x00\x01\x02\x03SIP").kind, InputKind::Binary);
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("INVITE sip:a@b SIP/2.0\r\n".bytes().flat_map(|b| [b, 0]))
            .collect();
        let t = triage(&utf16);
        assert_eq!(t.kind, InputKind::Binary);
        assert!(t.note.contains("UTF-16"), "{}", t.note);
        assert!(triage(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])
            .note
            .contains("gzip"));
        assert!(!triage(&[0xff; 64]).is_usable());
    }

    #[test]
    fn text_with_a_few_controls_and_a_binary_body_is_sip() {
        let t = triage("OPTIONS sip:é@b SIP/2.0\r\nTo: \"NUL:\x00\"\r\n\r\n".as_bytes());
        assert_eq!(t.kind, InputKind::SipMessage);
        let mut m = b"MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 64\r\n\r\n".to_vec();
        m.extend([0u8; 64]);
        assert_eq!(triage(&m).kind, InputKind::SipMessage);
    }

    #[test]
    fn not_sip_and_broken_sip() {
        let t = triage(b"hello world\r\n");
        assert_eq!(t.kind, InputKind::NotSip);
        assert!(!t.is_usable());
        // A bad start line with headers is a (broken) message.
        let t = triage(b"HELLO WORLD\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n");
        assert_eq!(t.kind, InputKind::SipMessage);
    }

    #[test]
    fn a_sipfrag_body_does_not_make_a_trace() {
        let m = b"NOTIFY sip:a@b SIP/2.0\r\nContent-Type: message/sipfrag\r\nContent-Length: 16\r\n\r\nSIP/2.0 200 OK\r\n";
        assert_eq!(triage(m).kind, InputKind::SipMessage);
    }

    #[test]
    fn a_hex_stream_of_a_sip_payload() {
        let sip = b"OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n";
        let hex: String = sip.iter().map(|b| format!("{b:02x}")).collect();
        let t = triage(hex.as_bytes());
        assert_eq!(t.kind, InputKind::HexDump);
        assert_eq!(t.extracted.as_deref(), Some(&sip[..]));
    }

    #[test]
    fn sdp_fields() {
        assert_eq!(
            sdp_field("Media Description, name and address (m): audio 6010 RTP/AVP 8"),
            Some(('m', "audio 6010 RTP/AVP 8"))
        );
        assert_eq!(sdp_field("Media Type: audio"), None);
    }

    #[test]
    fn never_panics_on_odd_dumps() {
        for input in [
            &b"0000  zz\n0010  41\n"[..],
            b"0000  41 42\n0000  43\n",
            b"0000  \n0001: 41\n",
            b"Session Initiation Protocol (INVITE)\nRequest-Line: \n",
            b"ffffffff  41 41\n00  41\n",
        ] {
            let _ = triage(input);
        }
    }
}
