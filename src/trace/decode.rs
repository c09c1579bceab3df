//! The entry points: bytes → messages parsed once, diagnosed, correlated
//! and summarised one at a time (the `Streamer`), then the flow rules,
//! participants and the ladder → [`Trace`] (or, streaming,
//! [`TraceSummary`]).

use serde::Serialize;

use crate::capture::esp::EspKeys;
use crate::diagnose::{Decoded, SpanDto};
use crate::finding::Rule;

use super::correlate::{self, Call, Dialog, Transaction};
use super::ladder::{Ladder, LadderFilter};
use super::media;
use super::model::{
    group_findings, CaptureIssue, EspSaReport, FindingGroup, FlowFinding, MessageSummary,
    RawMessage, SdpRole,
};
use super::participants::{self, Participant};
use super::rtp::{MediaReport, MediaTracker};
use super::summary::TraceSummary;
use super::time::iso_time;
use super::{capture, rules, text};

/// Version of the trace JSON contract.
pub const TRACE_SCHEMA_VERSION: u32 = 1;

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
    /// RTP/RTCP of a capture, streams bound to the calls by their SDP
    /// (null for text).
    pub media: Option<MediaReport>,
    /// The IPsec ESP security associations whose packets opened, each with
    /// how its sequence numbers ran (empty without ESP).
    pub esp_sas: Vec<EspSaReport>,
    /// The ladder diagram of every message, as data ([`crate::trace::ladder`]): what
    /// the CLI and the page draw ([`Ladder::filter`] narrows it to a
    /// Call-ID or a dialog).
    pub ladder: Ladder,
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
    /// [`crate::trace::export::capture_frames`] cuts out.
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
    pub decoded: Decoded<'static>,
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
    /// Read out of IPsec ESP: the SA that opened it and where the SA and
    /// its keys came from. Absent for messages sent in the clear.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub esp: Option<super::model::EspProvenance>,
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
    decode_capture_keys(input, &EspKeys::default(), progress)
}

/// [`decode_capture_progress`] with keys for the IPsec ESP the capture
/// carries (SAs, CK/IK), besides the SAs and keys the capture itself
/// negotiates ([`crate::capture::esp`]).
pub fn decode_capture_keys(input: &[u8], keys: &EspKeys, progress: &mut dyn FnMut(usize)) -> Trace {
    let mut messages = Vec::new();
    let mut each = |m: TraceMessage| messages.push(m);
    let st = Streamer::new(None, Some(&mut each));
    let (st, x) = st.read_capture(input, keys, progress);
    let mut issues = x.issues;
    if st.messages.is_empty() && x.format != "unknown" {
        issues.push(no_sip_in_capture(x.frames));
    }
    st.finish(x.format, x.frames, issues, x.esp_sas)
        .into_trace(messages)
}

/// Decodes a capture when `input` has a pcap/pcapng magic number, else text.
pub fn decode_any(input: &[u8]) -> Trace {
    decode_any_keys(input, &EspKeys::default())
}

/// [`decode_any`] with keys for IPsec ESP ([`decode_capture_keys`]).
pub fn decode_any_keys(input: &[u8], keys: &EspKeys) -> Trace {
    if capture::is_capture(input) {
        decode_capture_keys(input, keys, &mut |_| {})
    } else {
        decode_trace_text(input)
    }
}

/// Parses, correlates and (when asked) decodes one message at a time.
pub(crate) struct Streamer<'t, 'e> {
    infos: Vec<correlate::Info>,
    pub(super) messages: Vec<MessageSummary>,
    cor: correlate::Correlator,
    offer_answer: media::OfferAnswer,
    text: Option<&'t [u8]>,
    /// The line ends of `text`, indexed once (each message's source span
    /// is located by binary search, not by a scan from the start).
    lines: Option<crate::span::LineIndex>,
    each: Option<&'e mut dyn FnMut(TraceMessage)>,
    /// Format `timestamp` from `time` (messages of `read_capture_with`).
    pub(super) fill_timestamps: bool,
    /// RTP/RTCP analysis and SDP binding (captures only).
    pub(super) media: Option<MediaTracker>,
}

impl<'t, 'e> Streamer<'t, 'e> {
    /// Reads a capture into this streamer in one pass: its SIP messages (ESP
    /// opened with `keys` and what the capture negotiates), timestamps filled
    /// in, and the other UDP payloads to the media analysis.
    fn read_capture(
        mut self,
        input: &[u8],
        keys: &EspKeys,
        progress: &mut dyn FnMut(usize),
    ) -> (Self, capture::Extracted) {
        self.fill_timestamps = true;
        self.media = Some(MediaTracker::default());
        // The reader calls one hook at a time, never one inside the other.
        let cell = std::cell::RefCell::new(self);
        let x = capture::read_capture_keys(
            input,
            keys,
            &mut |r| cell.borrow_mut().push(r),
            &mut |p| cell.borrow_mut().payload(p),
            progress,
        );
        (cell.into_inner(), x)
    }

    pub(crate) fn new(
        text: Option<&'t [u8]>,
        each: Option<&'e mut dyn FnMut(TraceMessage)>,
    ) -> Self {
        Streamer {
            infos: Vec::new(),
            messages: Vec::new(),
            cor: correlate::Correlator::default(),
            offer_answer: media::OfferAnswer::default(),
            text,
            lines: None,
            each,
            fill_timestamps: false,
            media: None,
        }
    }

    pub(crate) fn push(&mut self, r: RawMessage) {
        let decode = self.each.is_some();
        if let (Some(m), Some(each)) = (self.step(r, decode), self.each.as_mut()) {
            each(m);
        }
    }

    /// Parses, summarises and correlates one message; with `decode`, also
    /// diagnoses it alone and returns it as a [`TraceMessage`].
    pub(crate) fn step(&mut self, mut r: RawMessage, decode: bool) -> Option<TraceMessage> {
        let i = self.messages.len();
        let msg = crate::parse::parse_message(&r.bytes);
        if self.fill_timestamps && r.timestamp.is_none() {
            // `capture::read_capture_with` leaves it to the consumer (the
            // streaming reader, `capture::Incremental`, has filled it).
            r.timestamp = r.time.map(iso_time);
        }
        // One set of typed views for the correlator and the diagnosis.
        let views = crate::parse::views::Views::new(&msg);
        let info = correlate::Info::from_views(&views);
        let mut summary = MessageSummary::new(i, &msg, &r);
        summary.label = summary.make_label(&info.method);
        summary.has_sdp = info.sdp.is_some();
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
        if let (Some(media), Some(body)) = (self.media.as_mut(), views.sdp()) {
            media.sdp(&self.messages[i], body);
        }
        if !decode {
            return None;
        }
        let decoded = crate::diagnose::diagnose_views(views).into_owned();
        let (raw, raw_lossy) = match std::str::from_utf8(&r.bytes) {
            Ok(t) => (t.to_owned(), false),
            Err(_) => (String::from_utf8_lossy(&r.bytes).into_owned(), true),
        };
        let m = &self.messages[i];
        let (label, delta) = (m.label.clone(), m.delta);
        Some(TraceMessage {
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
            esp: r.esp,
        })
    }

    /// Hands a payload that is not SIP to the media analysis.
    pub(crate) fn payload(&mut self, p: &capture::Payload<'_>) {
        if let Some(media) = self.media.as_mut() {
            media.payload(p);
        }
    }

    pub(crate) fn finish(
        mut self,
        source: &'static str,
        frames: u64,
        issues: Vec<CaptureIssue>,
        esp_sas: Vec<EspSaReport>,
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
        let media = self.media.take().map(|t| {
            let (report, media_findings) = t.finish(&self.messages, &cor.calls);
            findings.extend(media_findings);
            report
        });
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
            media,
            esp_sas,
        }
    }
}

pub(crate) fn no_sip_in_text() -> CaptureIssue {
    CaptureIssue {
        rule: Rule::NoSipMessages,
        frame: None,
        message: "No SIP start line (request or status line) was found in the text.".into(),
    }
}

pub(crate) fn no_sip_in_capture(frames: u64) -> CaptureIssue {
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
    stream_any_keys(input, &EspKeys::default(), each)
}

/// [`stream_any`] with keys for IPsec ESP ([`decode_capture_keys`]).
pub fn stream_any_keys(
    input: &[u8],
    keys: &EspKeys,
    each: Option<&mut dyn FnMut(TraceMessage)>,
) -> TraceSummary {
    if capture::is_capture(input) {
        let st = Streamer::new(None, each);
        let (st, x) = st.read_capture(input, keys, &mut |_| {});
        let mut issues = x.issues;
        if st.messages.is_empty() && x.format != "unknown" {
            issues.push(no_sip_in_capture(x.frames));
        }
        st.finish(x.format, x.frames, issues, x.esp_sas)
    } else {
        let (raws, mut issues) = text::split_text_reporting(input);
        if raws.is_empty() {
            issues.push(no_sip_in_text());
        }
        let mut st = Streamer::new(Some(input), each);
        for r in raws {
            st.push(r);
        }
        st.finish("text", 0, issues, Vec::new())
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
    st.finish("text", 0, issues, Vec::new())
        .into_trace(messages)
}

impl TraceSummary {
    /// The [`Trace`] of these tables and `messages`.
    pub(crate) fn into_trace(self, mut messages: Vec<TraceMessage>) -> Trace {
        for (m, s) in messages.iter_mut().zip(&self.messages) {
            m.from = Some(s.from);
            m.to = Some(s.to);
        }
        let ladder = self.ladder(&LadderFilter::default());
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
            media: self.media,
            esp_sas: self.esp_sas,
            ladder,
        }
    }
}
