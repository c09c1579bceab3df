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
//!   byte for byte. Frame numbers are those of [`crate::trace::TraceMessage::frame`]
//!   and [`crate::trace::TraceMessage::frames`] (1-based, every packet record
//!   counted).

use super::decode::{Trace, TraceMessage};
use crate::capture::{sniff, DamageKind, RecordKind, Records};

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
    let picked: Vec<&TraceMessage> = messages
        .iter()
        .filter_map(|&i| trace.messages.get(i))
        .collect();
    let own = |m: &TraceMessage| m.frames.iter().copied().chain(m.frame).collect::<Vec<_>>();
    let mut f: Vec<u64> = picked.iter().flat_map(|m| own(m)).collect();
    let (lo, hi) = (f.iter().min().copied(), f.iter().max().copied());
    let stream = |m: &TraceMessage| matches!(m.transport.as_deref(), Some("tcp" | "tls" | "ws"));
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
    let mut found = Vec::new();
    if sniff(input).is_none() {
        return Err(ExportError::NotACapture);
    }
    for record in Records::new(input) {
        match record {
            Ok(record) => match record.kind {
                RecordKind::Packet(p, _) => {
                    if keep(p.frame) {
                        out.extend_from_slice(&input[record.range]);
                        found.push(p.frame);
                    }
                }
                _ => out.extend_from_slice(&input[record.range]),
            },
            Err(damage) if damage.what == DamageKind::PcapHeader => {
                return Err(ExportError::NotACapture)
            }
            Err(damage) => {
                if found.len() == want.len() {
                    break;
                }
                return Err(ExportError::Corrupt(damage.at));
            }
        }
    }
    let missing: Vec<u64> = want.into_iter().filter(|f| !found.contains(f)).collect();
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(ExportError::MissingFrames(missing))
    }
}
