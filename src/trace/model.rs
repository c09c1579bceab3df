//! The records every stage of a trace shares: a message cut out of the
//! input ([`RawMessage`]), a problem with the input itself
//! ([`CaptureIssue`]), the per-message summary correlation, participants,
//! the flow rules and the ladder read ([`MessageSummary`]), and the flow
//! findings ([`FlowFinding`], [`FindingGroup`]).

use serde::Serialize;

use crate::finding::{Category, Rule, Severity};
use crate::header_name::HeaderName;
use crate::parse::StartLine;
use crate::span::Span;

/// The part an SDP body plays in the offer/answer exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum SdpRole {
    /// The SDP is an offer (RFC 3264 §4).
    Offer,
    /// The SDP is the answer to an earlier offer (RFC 3264 §6).
    Answer,
}

impl SdpRole {
    /// `offer` or `answer`.
    pub fn as_str(self) -> &'static str {
        match self {
            SdpRole::Offer => "offer",
            SdpRole::Answer => "answer",
        }
    }
}

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
    /// The IPsec ESP packet it was read out of, when one.
    pub esp: Option<EspProvenance>,
}

/// Where a message read out of IPsec ESP came from: which SA opened it and
/// where that SA and its keys came from (TS 33.203 §7.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct EspProvenance {
    /// The SPI, `0x` and 8 hex digits.
    pub spi: String,
    /// Encryption: `null`, `aes-cbc`, `des-ede3-cbc` or `aes-gcm-16`.
    pub ealg: &'static str,
    /// Integrity algorithm (`hmac-md5-96`, `hmac-sha-1-96`), null when the
    /// ICV was not checked, or for AES-GCM (its own ICV: see `verified`).
    pub alg: Option<&'static str>,
    /// True when the ICV was checked with the integrity key and matched.
    pub verified: bool,
    /// `negotiated` (Security-Client/-Server in the capture), `verify`
    /// (Security-Client/-Verify of the UE's protected REGISTER, the 401
    /// not captured), `tried` (no negotiation known: the CK/IK known tried
    /// with each algorithm until the ICV matched), `user` (SA given) or
    /// `heuristic` (ESP-NULL recognised by its content).
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = r#""negotiated" | "verify" | "tried" | "user" | "heuristic""#)
    )]
    pub source: &'static str,
    /// The frame of the 401 whose Security-Server set the SA up (for
    /// `verify`, of the REGISTER whose Security-Verify did).
    pub sec_frame: Option<u64>,
    /// The frame of the 401 whose `ck`/`ik` gave the keys (null: keys given
    /// by the user, or none needed).
    pub key_frame: Option<u64>,
    /// ESP sequence number of the packet (the last one, for a message over
    /// several TCP segments).
    pub seq: u32,
}

/// One IPsec ESP security association of a capture, as the packets read
/// on it were numbered (RFC 4303 §3.3.3: each packet of an SA one more than
/// the last; §3.4.3: the receiver's anti-replay window): what the CLI's
/// "IPsec ESP:" section and the page list per SA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct EspSaReport {
    /// The SPI, `0x` and 8 hex digits.
    pub spi: String,
    /// Source address of its packets.
    pub src: String,
    /// Destination address of its packets.
    pub dst: String,
    /// The protected port it leads to, when known (two SAs may share SPI
    /// and addresses: TS 33.203 §7.1).
    pub dst_port: Option<u16>,
    /// [`EspProvenance::describe`] of its first packet: algorithms, where
    /// the SA and its keys came from.
    pub sa: String,
    /// Frame of its first packet read.
    pub first_frame: u64,
    /// Packets read (integrity checked, or opened when unchecked).
    pub packets: u64,
    /// First sequence number read.
    pub first_seq: u32,
    /// Highest sequence number read.
    pub last_seq: u32,
    /// Numbers skipped and never received (lost before the capture point
    /// or not captured: SL462).
    pub missing: u64,
    /// Numbers received again within the window (SL461).
    pub replayed: u64,
    /// Numbers older than the 64-packet window, not checked.
    pub too_old: u64,
    /// Its packets in one line, what the CLI and the page write for it:
    /// `10.0.0.1 → 10.0.0.2:5064: 2 packets, numbered 1 to 3, 1 missing`.
    pub text: String,
}

impl EspSaReport {
    /// [`EspSaReport::text`] from the other fields.
    pub(crate) fn line(&self) -> String {
        let port = self.dst_port.map_or(String::new(), |p| format!(":{p}"));
        let packets = if self.packets == 1 {
            "packet"
        } else {
            "packets"
        };
        let mut line = format!(
            "{} → {}{port}: {} {packets}, numbered {}",
            self.src, self.dst, self.packets, self.first_seq
        );
        if self.first_seq != self.last_seq {
            line.push_str(&format!(" to {}", self.last_seq));
        }
        for (n, what) in [
            (self.missing, "missing"),
            (self.replayed, "replayed"),
            (self.too_old, "older than the window"),
        ] {
            if n > 0 {
                line.push_str(&format!(", {n} {what}"));
            }
        }
        line
    }
}

impl EspProvenance {
    /// `ESP 0x00001000 aes-cbc/hmac-sha-1-96 ✓`: the short label the
    /// ladder and the CLI show.
    pub fn label(&self) -> String {
        let alg = match (self.alg, self.verified) {
            (Some(a), _) => format!("/{a}"),
            // A combined mode (AES-GCM): its own ICV checked.
            (None, true) => String::new(),
            (None, false) => "/unchecked".into(),
        };
        format!(
            "ESP {} {}{alg}{}",
            self.spi,
            self.ealg,
            if self.verified { " ✓" } else { "" }
        )
    }

    /// [`EspProvenance::label`] and where the SA and its keys came from:
    /// `ESP 0x00001000 aes-cbc/hmac-sha-1-96 ✓ (SA negotiated in frame 3,
    /// keys from frame 2)`.
    pub fn describe(&self) -> String {
        let from = match (self.source, self.sec_frame, self.key_frame) {
            ("negotiated", s, k) => format!(
                "SA negotiated{}, keys {}",
                s.map_or(String::new(), |f| format!(" in frame {f}")),
                match k {
                    Some(f) => format!("from frame {f}"),
                    None if self.verified || self.ealg != "null" => "given".into(),
                    None => "unknown (ICV not checked)".into(),
                }
            ),
            ("verify", s, k) => format!(
                "SA from the Security-Verify{}, keys {}",
                s.map_or(String::new(), |f| format!(" of frame {f}")),
                match k {
                    Some(f) => format!("from frame {f}"),
                    None if self.verified || self.ealg != "null" => "given".into(),
                    None => "unknown (ICV not checked)".into(),
                }
            ),
            ("tried", _, k) => format!(
                "no negotiation captured: CK/IK {} tried, ICV matched",
                k.map_or("given".to_string(), |f| format!("of frame {f}"))
            ),
            ("user", ..) => "SA given".into(),
            _ => "ESP-NULL found by its content, ICV not checked".into(),
        };
        format!("{} ({from})", self.label())
    }
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
    /// The findings ([`crate::trace::Trace::findings`] indices), in order.
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
    /// The messages involved ([`crate::trace::Trace::messages`] indices), in order.
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

/// What the flow summary and the text ladder need from one message: kept
/// for every message by the streaming path instead of its [`crate::diagnose::Decoded`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessageSummary {
    /// Position in the trace.
    pub index: usize,
    /// As [`crate::trace::TraceMessage::label`].
    pub label: String,
    /// Seconds (see [`RawMessage::time`]).
    pub time: Option<f64>,
    /// As [`crate::trace::TraceMessage::timestamp`].
    pub timestamp: Option<String>,
    /// As [`crate::trace::TraceMessage::delta`].
    pub delta: Option<f64>,
    /// The sender ([`crate::trace::TraceSummary::participants`] index).
    pub from: usize,
    /// The receiver ([`crate::trace::TraceSummary::participants`] index).
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
    /// The transaction ([`crate::trace::Trace::transactions`] index).
    pub transaction_id: usize,
    /// The dialog ([`crate::trace::Trace::dialogs`] index), when one.
    pub dialog_id: Option<usize>,
    /// True for a retransmission of an earlier message of its transaction.
    pub retransmission: bool,
    /// SDP offer or answer (see [`crate::trace::TraceMessage::sdp`]), for the ladder.
    pub sdp: Option<SdpRole>,
    /// True when the message carries an SDP body (paired or not).
    pub has_sdp: bool,
    /// For an answer: the index of the message holding its offer.
    pub sdp_answers: Option<usize>,
    /// Read out of IPsec ESP: [`EspProvenance::describe`].
    pub esp: Option<String>,
}

impl MessageSummary {
    pub(crate) fn new(index: usize, msg: &crate::parse::Message<'_>, r: &RawMessage) -> Self {
        let s = |t: crate::span::Text<'_>| t.as_str().into_owned();
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
            has_sdp: false,
            sdp_answers: None,
            esp: r.esp.as_ref().map(EspProvenance::describe),
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

    pub(crate) fn make_label(&self, cseq_method: &str) -> String {
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
