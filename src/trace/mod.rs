//! Traces: many SIP messages read from pasted text or a pcap/pcapng
//! capture, correlated into transactions (RFC 3261 §17.1.3, §17.2.3),
//! dialogs (§12) and calls, and diagnosed as a flow (rules `SL4xx`).
//!
//! Flow: bytes → [`text::split_text`] or [`capture::read_capture`] (owned
//! [`RawMessage`]s: a message's bytes plus when, where from and to) →
//! [`decode_messages`]: each message parsed once, diagnosed alone
//! ([`crate::diagnose()`], the single-message contract [`Decoded`]) and
//! summarised for correlation → `correlate` → `rules` → the owned,
//! serialisable [`Trace`] (JSON Schema `schema/trace.schema.json`).

pub mod capture;
mod correlate;
mod rules;
pub mod text;

use serde::Serialize;

use crate::diagnose::{diagnose, Decoded, SpanDto};
use crate::finding::{Category, Rule, Severity};
use crate::span::Span;

pub use correlate::{Call, Dialog, Transaction};

/// Version of the trace JSON contract.
pub const TRACE_SCHEMA_VERSION: u32 = 1;

/// One SIP message cut out of a trace, before decoding.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawMessage {
    /// The message bytes (start line through body).
    pub bytes: Vec<u8>,
    /// Seconds: since the Unix epoch for captures and dated logs, since
    /// midnight for logs with a time of day only.
    pub time: Option<f64>,
    /// The timestamp as written in the log, or ISO 8601 (UTC) for captures.
    pub timestamp: Option<String>,
    /// Sender `ip:port`.
    pub src: Option<String>,
    /// Receiver `ip:port`.
    pub dst: Option<String>,
    /// `udp`, `tcp`, `tls`, `sctp` or `ws`.
    pub transport: Option<String>,
    /// Capture frame number (1-based) of the message's last byte.
    pub frame: Option<u64>,
    /// Where the message is in the pasted text.
    pub source_span: Option<Span>,
}

/// A problem with the capture or text itself, not with a SIP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureIssue {
    /// The rule.
    pub rule: Rule,
    /// The frame it is about, when one.
    pub frame: Option<u64>,
    /// What happened here.
    pub message: String,
}

/// A decoded trace: messages, their correlation and the flow findings.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Trace {
    /// Version of this contract ([`TRACE_SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// `text`, `pcap` or `pcapng` (`unknown` when a capture was not one).
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = r#""text" | "pcap" | "pcapng" | "unknown""#)
    )]
    pub source: &'static str,
    /// Capture frames read (0 for text).
    pub frames: u64,
    /// Every SIP message, in trace order.
    pub messages: Vec<TraceMessage>,
    /// Transactions (RFC 3261 §17).
    pub transactions: Vec<Transaction>,
    /// Dialogs and early dialogs (RFC 3261 §12), for INVITE, SUBSCRIBE,
    /// REFER and NOTIFY.
    pub dialogs: Vec<Dialog>,
    /// Calls: Call-IDs linked by IMS charging or session identifiers.
    pub calls: Vec<Call>,
    /// Flow findings (`SL40x`), each naming the messages involved.
    pub findings: Vec<FlowFinding>,
    /// Problems with the capture or text itself (`SL45x`).
    pub capture_findings: Vec<FlowFinding>,
}

/// One message of a trace.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct TraceMessage {
    /// Position in [`Trace::messages`].
    pub index: usize,
    /// The timestamp as written (logs) or ISO 8601 UTC (captures).
    pub timestamp: Option<String>,
    /// Seconds (see [`RawMessage::time`]).
    pub time: Option<f64>,
    /// Sender `ip:port`.
    pub src: Option<String>,
    /// Receiver `ip:port`.
    pub dst: Option<String>,
    /// Transport.
    pub transport: Option<String>,
    /// Capture frame number.
    pub frame: Option<u64>,
    /// Where the message is in the pasted text (byte offsets, line/column).
    pub source_span: Option<SpanDto>,
    /// The single-message decoding; its spans are offsets into the
    /// message's own bytes.
    pub decoded: Decoded,
    /// The transaction ([`Trace::transactions`] index).
    pub transaction_id: usize,
    /// The dialog ([`Trace::dialogs`] index), when the message belongs to one.
    pub dialog_id: Option<usize>,
    /// True for a retransmission of an earlier message of its transaction.
    pub retransmission: bool,
}

/// A finding about the flow (several messages) or about the capture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct FlowFinding {
    /// Stable rule ID (`SL406`).
    pub id: &'static str,
    /// Stable rule name.
    pub slug: &'static str,
    /// Severity.
    pub severity: Severity,
    /// Category.
    pub category: Category,
    /// What was found here.
    pub message: String,
    /// The messages involved ([`Trace::messages`] indices), in order.
    pub messages: Vec<usize>,
    /// The capture frame, for capture findings.
    pub frame: Option<u64>,
    /// Specification reference.
    pub spec_ref: &'static str,
}

impl FlowFinding {
    /// A finding of `rule` about `messages`.
    pub fn new(rule: Rule, message: impl Into<String>, messages: Vec<usize>) -> Self {
        let info = rule.info();
        FlowFinding {
            id: info.id,
            slug: info.slug,
            severity: info.severity,
            category: info.category,
            message: message.into(),
            messages,
            frame: None,
            spec_ref: info.spec,
        }
    }
}

/// Decodes pasted text holding any number of SIP messages and log lines.
pub fn decode_trace_text(input: impl AsRef<[u8]>) -> Trace {
    let input = input.as_ref();
    let raws = text::split_text(input);
    let mut issues = Vec::new();
    if raws.is_empty() {
        issues.push(CaptureIssue {
            rule: Rule::NoSipMessages,
            frame: None,
            message: "No SIP start line (request or status line) was found in the text.".into(),
        });
    }
    let mut t = decode_messages(raws, issues, Some(input));
    t.source = "text";
    t
}

/// Decodes a pcap or pcapng capture (format from its magic number).
pub fn decode_capture(input: &[u8]) -> Trace {
    let x = capture::read_capture(input);
    let mut issues = x.issues;
    if x.messages.is_empty() && x.format != "unknown" {
        issues.push(CaptureIssue {
            rule: Rule::NoSipMessages,
            frame: None,
            message: format!(
                "No SIP message was found in the {} frames of the capture.",
                x.frames
            ),
        });
    }
    let mut t = decode_messages(x.messages, issues, None);
    t.source = x.format;
    t.frames = x.frames;
    t
}

/// Decodes a capture when `input` has a pcap/pcapng magic number, else text.
pub fn decode_any(input: &[u8]) -> Trace {
    if capture::is_capture(input) {
        decode_capture(input)
    } else {
        decode_trace_text(input)
    }
}

/// Decodes, correlates and diagnoses messages already cut out of a trace.
/// `text` is the pasted text the messages' source spans point into.
pub fn decode_messages(
    raws: Vec<RawMessage>,
    issues: Vec<CaptureIssue>,
    text: Option<&[u8]>,
) -> Trace {
    let mut infos = Vec::with_capacity(raws.len());
    let mut decoded = Vec::with_capacity(raws.len());
    for r in &raws {
        let msg = crate::parse_message(&r.bytes);
        infos.push(correlate::Info::new(&msg));
        decoded.push(diagnose(&msg));
    }
    let cor = correlate::correlate(&raws, &infos);
    let findings = rules::run(&raws, &infos, &cor);
    let messages = decoded
        .into_iter()
        .zip(raws)
        .enumerate()
        .map(|(i, (d, r))| TraceMessage {
            index: i,
            timestamp: r.timestamp,
            time: r.time,
            src: r.src,
            dst: r.dst,
            transport: r.transport,
            frame: r.frame,
            source_span: match (r.source_span, text) {
                (Some(s), Some(t)) => Some(SpanDto::new(t, s)),
                _ => None,
            },
            decoded: d,
            transaction_id: cor.msg_tx[i],
            dialog_id: cor.msg_dialog[i],
            retransmission: cor.retrans[i],
        })
        .collect();
    Trace {
        schema_version: TRACE_SCHEMA_VERSION,
        source: "text",
        frames: 0,
        messages,
        transactions: cor.transactions,
        dialogs: cor.dialogs,
        calls: cor.calls,
        findings,
        capture_findings: issues
            .into_iter()
            .map(|i| {
                let mut f = FlowFinding::new(i.rule, i.message, Vec::new());
                f.frame = i.frame;
                f
            })
            .collect(),
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Unix seconds → `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
pub(crate) fn iso_time(t: f64) -> String {
    let whole = t.floor();
    let micros = ((t - whole) * 1e6).round().min(999_999.0) as u32;
    let secs = whole as i64;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    // Inverse of days_from_civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(iso_time(0.0), "1970-01-01T00:00:00.000000Z");
        let t = days_from_civil(2026, 11, 21) as f64 * 86400.0 + 36001.123;
        assert_eq!(iso_time(t), "2026-11-21T10:00:01.123000Z");
    }
}
