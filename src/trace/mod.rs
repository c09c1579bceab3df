//! Traces: many SIP messages read from pasted text or a pcap/pcapng
//! capture, correlated into transactions (RFC 3261 §17.1.3, §17.2.3),
//! dialogs (§12) and calls, and diagnosed as a flow (rules `SL4xx`).
//!
//! Flow: bytes → [`text::split_text`] or [`capture::read_capture_with`]
//! (owned [`RawMessage`]s: a message's bytes plus when, where from and to)
//! → each message parsed once, diagnosed alone ([`crate::diagnose()`], the
//! single-message contract [`Decoded`]) and summarised for correlation →
//! `correlate` (one message at a time) → `rules` (at the end) → the owned,
//! serialisable [`Trace`] (JSON Schema `schema/trace.schema.json`).
//!
//! Streaming ([`stream_any`], used by the CLI's summary, ladder and
//! `--ndjson`): correlation of message *i* depends only on messages before
//! it, so each message is cut, parsed, summarised ([`MessageSummary`] and
//! the small correlation record), correlated, optionally diagnosed and
//! handed to the caller as a [`TraceMessage`], then dropped. What stays is
//! the per-message summary and correlation record, never the message bytes
//! or its [`Decoded`]; the flow rules run at the end on those.

pub mod capture;
mod correlate;
pub mod export;
mod media;
mod participants;
mod rules;
pub mod text;

use serde::Serialize;

use crate::diagnose::{Decoded, SpanDto};
use crate::finding::{Category, Rule, Severity};
use crate::parse::header_name::HeaderName;
use crate::parse::StartLine;
use crate::span::Span;

pub use correlate::{Call, Dialog, Transaction};
pub use media::SdpRole;
pub use participants::{short_address, Participant, UNKNOWN_RECEIVER, UNKNOWN_SENDER};

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
    /// Every frame the message's bytes came from (TCP segments, IP
    /// fragments), in order, when more than `frame` alone; else empty.
    pub frames: Vec<u64>,
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
    /// The nodes that sent or received the messages (the ladder's lanes),
    /// in order of appearance; see [`Participant`].
    pub participants: Vec<Participant>,
    /// Transactions (RFC 3261 §17).
    pub transactions: Vec<Transaction>,
    /// Dialogs and early dialogs (RFC 3261 §12), for INVITE, SUBSCRIBE,
    /// REFER and NOTIFY.
    pub dialogs: Vec<Dialog>,
    /// Calls (see [`Call`] for the definition): INVITE sessions, not
    /// registrations, subscriptions or pages.
    pub calls: Vec<Call>,
    /// Flow findings (`SL40x`), each naming the messages involved.
    pub findings: Vec<FlowFinding>,
    /// [`Trace::findings`] grouped by rule ([`group_findings`]).
    pub finding_groups: Vec<FindingGroup>,
    /// Problems with the capture or text itself (`SL45x`).
    pub capture_findings: Vec<FlowFinding>,
}

/// One value of a Reason header (RFC 3326 §2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ReasonSummary {
    /// The protocol as written (`SIP`, `Q.850`, `RELEASE_CAUSE`…).
    pub protocol: String,
    /// `cause`, when a number.
    pub cause: Option<u16>,
    /// `text`, without quotes.
    pub text: Option<String>,
}

/// Flow findings of one rule: what a list shows as `SL405 × 10`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct FindingGroup {
    /// Rule ID.
    pub id: &'static str,
    /// Rule name.
    pub slug: &'static str,
    /// Severity.
    pub severity: Severity,
    /// How many findings of the rule ([`FindingGroup::findings`]'s length).
    pub count: usize,
    /// The findings ([`Trace::findings`] indices), in order.
    pub findings: Vec<usize>,
}

/// Groups flow findings by rule: errors first, then warnings, then
/// information; within a severity, rules in order of first appearance.
/// The CLI and the page show one line per group (`SL405 × 10`) that opens
/// onto its findings.
pub fn group_findings(findings: &[FlowFinding]) -> Vec<FindingGroup> {
    let mut groups: Vec<FindingGroup> = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        match groups.iter_mut().find(|g| g.id == f.id) {
            Some(g) => {
                g.count += 1;
                g.findings.push(i);
            }
            None => groups.push(FindingGroup {
                id: f.id,
                slug: f.slug,
                severity: f.severity,
                count: 1,
                findings: vec![i],
            }),
        }
    }
    let rank = |s: Severity| match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        _ => 2,
    };
    groups.sort_by_key(|g| rank(g.severity));
    groups
}

/// One message of a trace.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct TraceMessage {
    /// Position in [`Trace::messages`] (0-based; every other index in the
    /// contract is one of these).
    pub index: usize,
    /// The message number people read: `index + 1`. Texts (finding
    /// messages, the CLI, the ladder) write it `#N`.
    pub no: usize,
    /// The ladder label: the method of a request; the code, reason phrase
    /// and CSeq method of a response (`200 OK (PRACK)`).
    pub label: String,
    /// ISO 8601: `2026-11-21T10:00:01.123000Z` (UTC) for captures;
    /// `2026-11-21T10:00:01.123000` (the log's own clock, zone unknown)
    /// for logs with a date; `10:00:01.123000` (time of day only) for logs
    /// without a date; absent when the text has no time.
    pub timestamp: Option<String>,
    /// Seconds (see [`RawMessage::time`]).
    pub time: Option<f64>,
    /// Seconds since the previous message (absent for the first message
    /// and when either has no time).
    pub delta: Option<f64>,
    /// The sender ([`Trace::participants`] index). Always set in a
    /// [`Trace`]; `None` in the messages [`stream_any`] hands over, whose
    /// participants are known only at the end ([`MessageSummary::from`]).
    pub from: Option<usize>,
    /// The receiver ([`Trace::participants`] index); see `from`.
    pub to: Option<usize>,
    /// Sender `ip:port`.
    pub src: Option<String>,
    /// Receiver `ip:port`.
    pub dst: Option<String>,
    /// Transport.
    pub transport: Option<String>,
    /// Capture frame number (1-based) of the message's last byte.
    pub frame: Option<u64>,
    /// Every frame the message's bytes came from (TCP segments, IP
    /// fragments) when more than `frame` alone, else empty: what
    /// [`export::capture_frames`] cuts out.
    pub frames: Vec<u64>,
    /// Where the message is in the pasted text (byte offsets, line/column).
    pub source_span: Option<SpanDto>,
    /// The message bytes as text (start line through body). When the bytes
    /// are valid UTF-8 (`raw_lossy` false, nearly always), the spans of
    /// `decoded` are byte offsets into the UTF-8 encoding of this string.
    /// Otherwise each invalid sequence is replaced by U+FFFD and the spans
    /// still count the original bytes, so they no longer line up with this
    /// text after the first replacement: decode `raw` again (`decode`) to
    /// get spans that do.
    pub raw: String,
    /// True when the message bytes were not valid UTF-8 (see `raw`).
    pub raw_lossy: bool,
    /// The single-message decoding; its spans are offsets into the
    /// message's own bytes.
    pub decoded: Decoded,
    /// The transaction ([`Trace::transactions`] index).
    pub transaction_id: usize,
    /// The dialog ([`Trace::dialogs`] index), when the message belongs to one.
    pub dialog_id: Option<usize>,
    /// True for a retransmission of an earlier message of its transaction.
    pub retransmission: bool,
    /// The part its SDP body plays: `offer`, `answer`, or null (no SDP, or
    /// SDP outside an offer/answer exchange such as a 488's) (RFC 3264;
    /// RFC 3261 §13.2.1). The media summary itself is `decoded.media`.
    #[cfg_attr(target_arch = "wasm32", tsify(type = r#""offer" | "answer" | null"#))]
    pub sdp: Option<SdpRole>,
    /// For an answer: the index of the message holding its offer.
    pub sdp_answers: Option<usize>,
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
    let (raws, mut issues) = text::split_text_reporting(input);
    if raws.is_empty() {
        issues.push(no_sip_in_text());
    }
    let mut t = decode_messages(raws, issues, Some(input));
    t.source = "text";
    t
}

/// Decodes a pcap or pcapng capture (format from its magic number).
pub fn decode_capture(input: &[u8]) -> Trace {
    decode_capture_progress(input, &mut |_| {})
}

/// [`decode_capture`], calling `progress` with the number of input bytes
/// read so far about every hundredth of the input (for a progress bar).
pub fn decode_capture_progress(input: &[u8], progress: &mut dyn FnMut(usize)) -> Trace {
    let mut messages = Vec::new();
    let mut each = |m: TraceMessage| messages.push(m);
    let mut st = Streamer::new(None, Some(&mut each));
    st.fill_timestamps = true;
    let x = capture::read_capture_progress(input, &mut |r| st.push(r), progress);
    let mut issues = x.issues;
    if st.messages.is_empty() && x.format != "unknown" {
        issues.push(no_sip_in_capture(x.frames));
    }
    let s = st.finish(x.format, x.frames, issues);
    s.into_trace(messages)
}

/// Decodes a capture when `input` has a pcap/pcapng magic number, else text.
pub fn decode_any(input: &[u8]) -> Trace {
    if capture::is_capture(input) {
        decode_capture(input)
    } else {
        decode_trace_text(input)
    }
}

/// What the flow summary and the text ladder need from one message: kept
/// for every message by the streaming path instead of its [`Decoded`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessageSummary {
    /// Position in the trace.
    pub index: usize,
    /// As [`TraceMessage::label`].
    pub label: String,
    /// Seconds (see [`RawMessage::time`]).
    pub time: Option<f64>,
    /// As [`TraceMessage::timestamp`].
    pub timestamp: Option<String>,
    /// As [`TraceMessage::delta`].
    pub delta: Option<f64>,
    /// The sender ([`TraceSummary::participants`] index).
    pub from: usize,
    /// The receiver ([`TraceSummary::participants`] index).
    pub to: usize,
    /// Sender `ip:port`.
    pub src: Option<String>,
    /// Receiver `ip:port`.
    pub dst: Option<String>,
    /// Capture frame number.
    pub frame: Option<u64>,
    /// The request method as written (requests only).
    pub method: Option<String>,
    /// Status code (responses with a three-digit code).
    pub code: Option<u16>,
    /// Reason phrase (responses only; empty when absent).
    pub reason_phrase: Option<String>,
    /// Request-URI (requests without `src` or `dst` only: the ladder then
    /// names the receiver by its host).
    pub request_uri: Option<String>,
    /// Host of the topmost Via value (messages without `src` or `dst`
    /// only: the ladder then names the sender by it).
    pub via_host: Option<String>,
    /// The transaction ([`Trace::transactions`] index).
    pub transaction_id: usize,
    /// The dialog ([`Trace::dialogs`] index), when one.
    pub dialog_id: Option<usize>,
    /// True for a retransmission of an earlier message of its transaction.
    pub retransmission: bool,
    /// SDP offer or answer (see [`TraceMessage::sdp`]), for the ladder.
    pub sdp: Option<SdpRole>,
    /// For an answer: the index of the message holding its offer.
    pub sdp_answers: Option<usize>,
}

impl MessageSummary {
    fn new(index: usize, msg: &crate::Message<'_>, r: &RawMessage) -> Self {
        let s = |t: crate::Text<'_>| t.as_str().into_owned();
        // Captures always have both addresses: skip what only text needs.
        let addressed = r.src.is_some() && r.dst.is_some();
        let (method, code, reason_phrase, request_uri) = match msg.start_line() {
            StartLine::Request(q) => (
                Some(s(q.method)),
                None,
                None,
                (!addressed).then(|| s(q.uri)),
            ),
            StartLine::Status(st) => (None, st.code.map(|c| c.0), Some(s(st.reason)), None),
            StartLine::Invalid(_) => (None, None, None, None),
        };
        let mut sink = Vec::new();
        // The first value of the Via list, as the single-message `via[0]`.
        let via_host = if addressed {
            None
        } else {
            msg.headers_named(HeaderName::Via).find_map(|h| {
                crate::parse::via::parse_via_list(h.value, &mut sink)
                    .into_iter()
                    .next()
                    .map(|v| s(v.host))
            })
        };
        MessageSummary {
            index,
            label: String::new(),
            time: r.time,
            timestamp: r.timestamp.clone(),
            delta: None,
            from: 0,
            to: 0,
            src: r.src.clone(),
            dst: r.dst.clone(),
            frame: r.frame,
            method,
            code,
            reason_phrase,
            request_uri,
            via_host,
            transaction_id: 0,
            dialog_id: None,
            retransmission: false,
            sdp: None,
            sdp_answers: None,
        }
    }

    /// True for a request.
    pub fn is_request(&self) -> bool {
        self.method.is_some()
    }

    /// The ladder label ([`MessageSummary::label`] field).
    pub fn label(&self) -> String {
        self.label.clone()
    }

    /// The message number people read (`index + 1`).
    pub fn no(&self) -> usize {
        self.index + 1
    }

    fn make_label(&self, cseq_method: &str) -> String {
        match (&self.method, &self.reason_phrase) {
            (Some(m), _) => m.clone(),
            (None, Some(reason)) => {
                let code = self.code.map_or("???".into(), |c| c.to_string());
                let head = if reason.is_empty() {
                    code
                } else {
                    format!("{code} {reason}")
                };
                if cseq_method.is_empty() {
                    head
                } else {
                    format!("{head} ({cseq_method})")
                }
            }
            _ => "invalid start line".into(),
        }
    }
}

/// A trace without the per-message decodings: what [`stream_any`] returns
/// (the same tables as [`Trace`], with a [`MessageSummary`] per message).
#[derive(Debug, Clone)]
pub struct TraceSummary {
    /// As [`Trace::source`].
    pub source: &'static str,
    /// Capture frames read (0 for text).
    pub frames: u64,
    /// One summary per message, in trace order.
    pub messages: Vec<MessageSummary>,
    /// As [`Trace::participants`].
    pub participants: Vec<Participant>,
    /// Transactions (RFC 3261 §17).
    pub transactions: Vec<Transaction>,
    /// Dialogs (RFC 3261 §12).
    pub dialogs: Vec<Dialog>,
    /// Calls (see [`Call`]).
    pub calls: Vec<Call>,
    /// Flow findings (`SL40x`).
    pub findings: Vec<FlowFinding>,
    /// As [`Trace::finding_groups`].
    pub finding_groups: Vec<FindingGroup>,
    /// Problems with the capture or text itself (`SL45x`).
    pub capture_findings: Vec<FlowFinding>,
}

/// Parses, correlates and (when asked) decodes one message at a time.
struct Streamer<'t, 'e> {
    infos: Vec<correlate::Info>,
    messages: Vec<MessageSummary>,
    cor: correlate::Correlator,
    offer_answer: media::OfferAnswer,
    text: Option<&'t [u8]>,
    /// The line ends of `text`, indexed once (each message's source span
    /// is located by binary search, not by a scan from the start).
    lines: Option<crate::span::LineIndex>,
    each: Option<&'e mut dyn FnMut(TraceMessage)>,
    /// Format `timestamp` from `time` (messages of `read_capture_with`).
    fill_timestamps: bool,
}

impl<'t, 'e> Streamer<'t, 'e> {
    fn new(text: Option<&'t [u8]>, each: Option<&'e mut dyn FnMut(TraceMessage)>) -> Self {
        Streamer {
            infos: Vec::new(),
            messages: Vec::new(),
            cor: correlate::Correlator::default(),
            offer_answer: media::OfferAnswer::default(),
            text,
            lines: None,
            each,
            fill_timestamps: false,
        }
    }

    fn push(&mut self, mut r: RawMessage) {
        let i = self.messages.len();
        let msg = crate::parse_message(&r.bytes);
        if self.fill_timestamps {
            // `capture::read_capture_with` leaves it to the consumer.
            r.timestamp = r.time.map(iso_time);
        }
        // One set of typed views for the correlator and the diagnosis.
        let views = crate::parse::views::Views::new(&msg);
        let info = correlate::Info::from_views(&views);
        let mut summary = MessageSummary::new(i, &msg, &r);
        summary.label = summary.make_label(&info.method);
        summary.delta = i
            .checked_sub(1)
            .and_then(|p| Some(r.time? - self.messages[p].time?))
            .map(|d| (d * 1e6).round() / 1e6);
        self.infos.push(info);
        self.messages.push(summary);
        let (tx, dialog, retrans) = self.cor.push(&self.messages, &self.infos);
        let m = &mut self.messages[i];
        m.transaction_id = tx;
        m.dialog_id = dialog;
        m.retransmission = retrans;
        let (sdp, sdp_answers) = self.offer_answer.push(m, &self.infos[i]);
        m.sdp = sdp;
        m.sdp_answers = sdp_answers;
        let Some(each) = self.each.as_mut() else {
            return;
        };
        let decoded = crate::diagnose::diagnose_views(views);
        let (raw, raw_lossy) = match std::str::from_utf8(&r.bytes) {
            Ok(t) => (t.to_owned(), false),
            Err(_) => (String::from_utf8_lossy(&r.bytes).into_owned(), true),
        };
        let m = &self.messages[i];
        let (label, delta) = (m.label.clone(), m.delta);
        each(TraceMessage {
            index: i,
            no: i + 1,
            label,
            timestamp: r.timestamp,
            time: r.time,
            delta,
            from: None,
            to: None,
            src: r.src,
            dst: r.dst,
            transport: r.transport,
            frame: r.frame,
            frames: r.frames,
            source_span: match (r.source_span, self.text) {
                (Some(s), Some(t)) => Some(SpanDto::at(
                    self.lines
                        .get_or_insert_with(|| crate::span::LineIndex::new(t)),
                    s,
                )),
                _ => None,
            },
            raw,
            raw_lossy,
            decoded,
            transaction_id: tx,
            dialog_id: dialog,
            retransmission: retrans,
            sdp,
            sdp_answers,
        });
    }

    fn finish(
        mut self,
        source: &'static str,
        frames: u64,
        issues: Vec<CaptureIssue>,
    ) -> TraceSummary {
        let mut cor = self.cor.finish(&self.infos);
        let lanes = participants::compute(&self.messages, &self.infos, &cor);
        for (m, &(f, t)) in self.messages.iter_mut().zip(&lanes.ends) {
            m.from = f;
            m.to = t;
        }
        correlate::describe_dialogs(&mut cor, &self.messages, &self.infos);
        let mut findings = rules::run(&self.messages, &self.infos, &cor);
        findings.extend(self.offer_answer.finish());
        findings.sort_by_key(|f| (f.messages.first().copied(), f.id));
        let finding_groups = group_findings(&findings);
        TraceSummary {
            source,
            frames,
            messages: self.messages,
            participants: lanes.participants,
            transactions: cor.transactions,
            dialogs: cor.dialogs,
            calls: cor.calls,
            findings,
            finding_groups,
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
}

fn no_sip_in_text() -> CaptureIssue {
    CaptureIssue {
        rule: Rule::NoSipMessages,
        frame: None,
        message: "No SIP start line (request or status line) was found in the text.".into(),
    }
}

fn no_sip_in_capture(frames: u64) -> CaptureIssue {
    CaptureIssue {
        rule: Rule::NoSipMessages,
        frame: None,
        message: format!("No SIP message was found in the {frames} frames of the capture."),
    }
}

/// Decodes `input` like [`decode_any`], one message at a time. With
/// `each`, every message is also diagnosed alone and handed over as a
/// [`TraceMessage`] (with its transaction, dialog and retransmission flag,
/// which never change later) as soon as it is read; without it the
/// single-message diagnosis is skipped altogether. Neither the message
/// bytes nor the decodings are kept, so memory grows only with the small
/// per-message summaries and the correlation tables (captures; pasted text
/// is split first, then streamed).
pub fn stream_any(input: &[u8], each: Option<&mut dyn FnMut(TraceMessage)>) -> TraceSummary {
    if capture::is_capture(input) {
        let mut st = Streamer::new(None, each);
        st.fill_timestamps = true;
        let x = capture::read_capture_with(input, &mut |r| st.push(r));
        let mut issues = x.issues;
        if st.messages.is_empty() && x.format != "unknown" {
            issues.push(no_sip_in_capture(x.frames));
        }
        st.finish(x.format, x.frames, issues)
    } else {
        let (raws, mut issues) = text::split_text_reporting(input);
        if raws.is_empty() {
            issues.push(no_sip_in_text());
        }
        let mut st = Streamer::new(Some(input), each);
        for r in raws {
            st.push(r);
        }
        st.finish("text", 0, issues)
    }
}

/// Decodes, correlates and diagnoses messages already cut out of a trace.
/// `text` is the pasted text the messages' source spans point into.
pub fn decode_messages(
    raws: Vec<RawMessage>,
    issues: Vec<CaptureIssue>,
    text: Option<&[u8]>,
) -> Trace {
    let mut messages = Vec::with_capacity(raws.len());
    let mut each = |m: TraceMessage| messages.push(m);
    let mut st = Streamer::new(text, Some(&mut each));
    for r in raws {
        st.push(r);
    }
    st.finish("text", 0, issues).into_trace(messages)
}

impl TraceSummary {
    /// The [`Trace`] of these tables and `messages`.
    fn into_trace(self, mut messages: Vec<TraceMessage>) -> Trace {
        for (m, s) in messages.iter_mut().zip(&self.messages) {
            m.from = Some(s.from);
            m.to = Some(s.to);
        }
        Trace {
            schema_version: TRACE_SCHEMA_VERSION,
            source: self.source,
            frames: self.frames,
            messages,
            participants: self.participants,
            transactions: self.transactions,
            dialogs: self.dialogs,
            calls: self.calls,
            findings: self.findings,
            finding_groups: self.finding_groups,
            capture_findings: self.capture_findings,
        }
    }
}

/// Seconds since midnight → `HH:MM:SS.ffffff` (ISO 8601 time of day).
pub(crate) fn iso_time_of_day(t: f64) -> String {
    let whole = t.floor();
    let micros = ((t - whole) * 1e6).round().min(999_999.0) as u32;
    let sod = (whole as i64).rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02}.{micros:06}",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    )
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
    let mut s = iso_local(t);
    s.push('Z');
    s
}

/// Seconds → `YYYY-MM-DDTHH:MM:SS.ffffff` (no zone: a log's own clock).
pub(crate) fn iso_local(t: f64) -> String {
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
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}",
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
