//! Exporting one call or dialog: its messages as paste-able text, and its
//! packets as a capture made of the original file's own bytes.
//!
//! - [`messages_text`]: each message preceded by one log line (`#N`, ISO
//!   timestamp, `src -> dst`, transport) that [`super::text::split_text`]
//!   reads back, so the export decodes to the same messages, times and
//!   addresses.
//! - [`capture_frames`]: a pcap or pcapng of just the chosen frames, in
//!   the input's own format: the pcap file header (or every pcapng block
//!   that is not a packet: section and interface descriptions keep the
//!   interface numbering valid) and the chosen packet records, each copied
//!   byte for byte. Frame numbers are those of [`super::TraceMessage::frame`]
//!   and [`super::TraceMessage::frames`] (1-based, every packet record
//!   counted).

use pcap_parser::pcapng::Block;
use pcap_parser::{
    parse_block_be, parse_block_le, parse_pcap_frame, parse_pcap_frame_be,
    parse_pcap_frame_modified, parse_pcap_header,
};

use super::Trace;

/// The messages of dialog `dialog` ([`Trace::dialogs`] index), in order.
pub fn dialog_messages(trace: &Trace, dialog: usize) -> Vec<usize> {
    trace
        .dialogs
        .get(dialog)
        .map(|d| d.messages.clone())
        .unwrap_or_default()
}

/// The messages of call `call` ([`Trace::calls`] index): every message of
/// its Call-IDs, in order.
pub fn call_messages(trace: &Trace, call: usize) -> Vec<usize> {
    trace
        .calls
        .get(call)
        .map(|c| c.messages.clone())
        .unwrap_or_default()
}

/// The messages with Call-ID `call_id`, in order.
pub fn call_id_messages(trace: &Trace, call_id: &str) -> Vec<usize> {
    trace
        .transactions
        .iter()
        .filter(|t| t.call_id == call_id)
        .flat_map(|t| t.requests.iter().chain(&t.responses).chain(&t.ack))
        .copied()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The messages `messages` ([`Trace::messages`] indices; unknown ones are
/// skipped) as text that `decode_trace_text` reads back: per message a log
/// line `#N <timestamp> <src> -> <dst> <transport>` (the parts known),
/// then the message exactly as decoded, then an empty line. A reader frames
/// each body by Content-Length, so bytes a datagram carried past it are not
/// read back.
pub fn messages_text(trace: &Trace, messages: &[usize]) -> String {
    let mut s = String::new();
    for &i in messages {
        let Some(m) = trace.messages.get(i) else {
            continue;
        };
        s.push_str(&format!("#{}", m.no));
        if let Some(t) = &m.timestamp {
            s.push(' ');
            s.push_str(t);
        }
        match (&m.src, &m.dst) {
            (Some(a), Some(b)) => s.push_str(&format!(" {a} -> {b}")),
            (Some(a), None) => s.push_str(&format!(" from {a}")),
            (None, Some(b)) => s.push_str(&format!(" to {b}")),
            (None, None) => {}
        }
        if let Some(t) = &m.transport {
            s.push(' ');
            s.push_str(t);
        }
        if let Some(f) = m.frame {
            s.push_str(&format!(" frame {f}"));
        }
        s.push('\n');
        s.push_str(&m.raw);
        if !m.raw.ends_with('\n') {
            s.push_str("\r\n");
        }
        s.push('\n');
    }
    s
}

/// The capture frames to export for `messages`: each message's own frames
/// (`frames`, else `frame`), and — so that a TCP stream in the export has
/// no holes a reader would stop at — the frames of every other message
/// sent on the same TCP (or TLS/WebSocket) connection between the first
/// and the last of them. Sorted, without duplicates.
pub fn message_frames(trace: &Trace, messages: &[usize]) -> Vec<u64> {
    let picked: Vec<&super::TraceMessage> = messages
        .iter()
        .filter_map(|&i| trace.messages.get(i))
        .collect();
    let own = |m: &super::TraceMessage| m.frames.iter().copied().chain(m.frame).collect::<Vec<_>>();
    let mut f: Vec<u64> = picked.iter().flat_map(|m| own(m)).collect();
    let (lo, hi) = (f.iter().min().copied(), f.iter().max().copied());
    let stream =
        |m: &super::TraceMessage| matches!(m.transport.as_deref(), Some("tcp" | "tls" | "ws"));
    let conns: Vec<(&Option<String>, &Option<String>)> = picked
        .iter()
        .filter(|m| stream(m))
        .map(|m| (&m.src, &m.dst))
        .collect();
    if let (Some(lo), Some(hi)) = (lo, hi) {
        for m in &trace.messages {
            let same = conns
                .iter()
                .any(|&(s, d)| (&m.src, &m.dst) == (s, d) || (&m.src, &m.dst) == (d, s));
            if stream(m) && same {
                f.extend(own(m).into_iter().filter(|x| (lo..=hi).contains(x)));
            }
        }
    }
    f.sort_unstable();
    f.dedup();
    f
}

/// Why a capture could not be cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportError {
    /// The input starts with neither a pcap nor a pcapng magic number.
    NotACapture,
    /// The container breaks at this byte offset before every wanted frame
    /// was found.
    Corrupt(usize),
    /// Frames asked for that the capture does not have.
    MissingFrames(Vec<u64>),
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::NotACapture => write!(f, "the input is not a pcap or pcapng capture"),
            ExportError::Corrupt(at) => {
                write!(
                    f,
                    "the capture breaks at byte {at}, before every frame was found"
                )
            }
            ExportError::MissingFrames(v) => write!(
                f,
                "the capture has no frame {}",
                v.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

impl std::error::Error for ExportError {}

/// A capture of just `frames` (1-based frame numbers, in any order) cut out
/// of `input`, in the input's own format and bytes (see the module docs).
pub fn capture_frames(input: &[u8], frames: &[u64]) -> Result<Vec<u8>, ExportError> {
    let mut want: Vec<u64> = frames.to_vec();
    want.sort_unstable();
    want.dedup();
    let keep = |n: u64| want.binary_search(&n).is_ok();
    let mut out = Vec::new();
    let mut seen = 0u64;
    let mut found = Vec::new();
    if input.len() >= 4 && matches!(&input[..4], [0x0a, 0x0d, 0x0d, 0x0a]) {
        let mut be = false;
        let mut rem = input;
        while !rem.is_empty() {
            let parsed = if be {
                parse_block_be(rem)
            } else {
                parse_block_le(rem)
            };
            let parsed = match parsed {
                Err(_) if rem.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a]) => {
                    if be {
                        parse_block_le(rem)
                    } else {
                        parse_block_be(rem)
                    }
                }
                p => p,
            };
            let Ok((next, block)) = parsed else {
                if found.len() == want.len() {
                    break;
                }
                return Err(ExportError::Corrupt(input.len() - rem.len()));
            };
            let bytes = &rem[..rem.len() - next.len()];
            match block {
                Block::EnhancedPacket(_) | Block::SimplePacket(_) => {
                    seen += 1;
                    if keep(seen) {
                        out.extend_from_slice(bytes);
                        found.push(seen);
                    }
                }
                Block::SectionHeader(shb) => {
                    be = shb.big_endian();
                    out.extend_from_slice(bytes);
                }
                _ => out.extend_from_slice(bytes),
            }
            rem = next;
        }
    } else {
        let Ok((mut rem, hdr)) = parse_pcap_header(input) else {
            return Err(ExportError::NotACapture);
        };
        out.extend_from_slice(&input[..input.len() - rem.len()]);
        let (be, modified) = (hdr.is_bigendian(), hdr.is_modified_format());
        while !rem.is_empty() {
            let parsed = if modified {
                parse_pcap_frame_modified(rem)
            } else if be {
                parse_pcap_frame_be(rem)
            } else {
                parse_pcap_frame(rem)
            };
            let Ok((next, _)) = parsed else {
                if found.len() == want.len() {
                    break;
                }
                return Err(ExportError::Corrupt(input.len() - rem.len()));
            };
            seen += 1;
            if keep(seen) {
                out.extend_from_slice(&rem[..rem.len() - next.len()]);
                found.push(seen);
            }
            rem = next;
        }
    }
    let missing: Vec<u64> = want.into_iter().filter(|f| !found.contains(f)).collect();
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(ExportError::MissingFrames(missing))
    }
}
