//! The owned JSON contract of a decoded message (`schemaVersion` 1):
//! camelCase, every span with byte offsets and line/column. The JSON
//! Schema in `schema/decode.schema.json` describes exactly these types.

use crate::kb::status;
use serde::Serialize;

use super::{retry_allowed, Cause, Confidence, Ctx, Dx};
use crate::finding::{Category, Finding, Severity};
use crate::kb::{self, ImsContext, RetryPolicy};
use crate::parse::diag::ReasonProtocol;
use crate::parse::header_name::HeaderName;
use crate::parse::StartLine;
use crate::span::{line_col, LineIndex, Span};
use crate::StatusClass;

/// Version of the JSON contract.
pub const SCHEMA_VERSION: u32 = 1;

/// A span with the 1-based line and column of its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SpanDto {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    /// 1-based column (in bytes) of `start`.
    pub column: usize,
}

impl SpanDto {
    /// Locates `span` in `input`.
    pub fn new(input: &[u8], span: Span) -> Self {
        let (line, column) = line_col(input, span.start);
        SpanDto {
            start: span.start,
            end: span.end,
            line,
            column,
        }
    }

    /// Locates `span` with a prebuilt index of the input's lines (same
    /// result as [`SpanDto::new`], without a scan per span).
    pub fn at(lines: &LineIndex, span: Span) -> Self {
        let (line, column) = lines.line_col(span.start);
        SpanDto {
            start: span.start,
            end: span.end,
            line,
            column,
        }
    }
}

/// The Status-Line of a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct StatusDto {
    /// The code (absent when it is not three digits).
    pub code: Option<u16>,
    /// The reason phrase as sent.
    pub reason_phrase: String,
    /// The IANA reason phrase of the code (or of its class fallback).
    pub standard_reason_phrase: Option<&'static str>,
    /// Class.
    pub class: StatusClass,
    /// True for 2xx–6xx.
    #[serde(rename = "final")]
    pub is_final: bool,
}

/// The Request-Line of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct RequestDto {
    /// Method as written.
    pub method: String,
    /// Request-URI as written.
    pub uri: String,
}

/// CSeq.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct CSeqDto {
    /// Sequence number (absent when out of range).
    pub seq: Option<u32>,
    /// Method.
    pub method: String,
}

/// An address header (From, To).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct AddressDto {
    /// Display name, unquoted.
    pub display_name: Option<String>,
    /// URI as written.
    pub uri: String,
    /// User part.
    pub user: Option<String>,
    /// Host.
    pub host: Option<String>,
    /// The tag parameter.
    pub tag: Option<String>,
    /// The header value.
    pub span: SpanDto,
}

/// One Via value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ViaDto {
    /// Transport (UDP, TCP, TLS…).
    pub transport: String,
    /// sent-by host.
    pub host: String,
    /// sent-by port.
    pub port: Option<u16>,
    /// branch.
    pub branch: Option<String>,
    /// received.
    pub received: Option<String>,
    /// rport (empty string when present without value).
    pub rport: Option<String>,
    /// The value.
    pub span: SpanDto,
}

/// A typed sub-field of a header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct FieldDto {
    /// Field name (Wireshark-like: `transport`, `branch`, `tag`, `nonce`…).
    pub name: String,
    /// Value as written.
    pub value: String,
    /// Where.
    pub span: SpanDto,
}

/// One header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct HeaderDto {
    /// Name as written.
    pub name: String,
    /// Canonical name for registered headers, else the name as written.
    pub canonical_name: String,
    /// Value as written.
    pub value: String,
    /// The whole header.
    pub span: SpanDto,
    /// The value.
    pub value_span: SpanDto,
    /// Typed sub-fields, where the parser has a view of the header.
    pub fields: Vec<FieldDto>,
    /// One line about the header, for registered headers.
    pub meaning: Option<&'static str>,
    /// Defining specification, for registered headers.
    pub spec: Option<&'static str>,
}

/// The body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct BodyDto {
    /// `empty`, `sdp`, `multipart`, `xml`, `text` or `binary`.
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = r#""empty" | "sdp" | "multipart" | "xml" | "text" | "binary""#)
    )]
    pub kind: &'static str,
    /// Content-Type as written.
    pub content_type: Option<String>,
    /// Length in bytes.
    pub length: usize,
    /// The body.
    pub span: SpanDto,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct FindingDto {
    /// Stable rule ID (`SL013`).
    pub id: &'static str,
    /// Stable rule name.
    pub slug: &'static str,
    /// Severity.
    pub severity: Severity,
    /// Category.
    pub category: Category,
    /// What was found here.
    pub message: String,
    /// Where.
    pub span: SpanDto,
    /// Specification reference.
    pub spec_ref: &'static str,
}

impl FindingDto {
    /// Converts a finding located in `input`.
    pub fn new(input: &[u8], f: &Finding) -> Self {
        Self::located(f, SpanDto::new(input, f.span))
    }

    /// Converts a finding, located with a prebuilt index of the input's lines.
    pub fn at(lines: &LineIndex, f: &Finding) -> Self {
        Self::located(f, SpanDto::at(lines, f.span))
    }

    fn located(f: &Finding, span: SpanDto) -> Self {
        let info = f.rule.info();
        FindingDto {
            id: info.id,
            slug: info.slug,
            severity: info.severity,
            category: info.category,
            message: f.message.clone(),
            span,
            spec_ref: info.spec,
        }
    }
}

/// A piece of evidence: bytes and what they show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct EvidenceDto {
    /// Where.
    pub span: SpanDto,
    /// What these bytes show.
    pub what: String,
}

/// A likely cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct CauseDto {
    /// The cause.
    pub text: String,
    /// `high` (shown by this message), `medium` (suggested), `low` (typical for the code).
    pub confidence: Confidence,
    /// Supporting bytes.
    pub evidence: Vec<EvidenceDto>,
}

/// Retry guidance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct RetryDto {
    /// May the request be sent again (possibly modified, later or elsewhere)?
    pub allowed: bool,
    /// How (`modified`, `later`, `elsewhere`, `no`, `none`).
    pub policy: RetryPolicy,
    /// Seconds to wait, from Retry-After.
    pub after_seconds: Option<u32>,
    /// Where and after what.
    #[serde(rename = "where")]
    pub where_: String,
}

/// A decoded Reason value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ReasonDto {
    /// Protocol as written.
    pub protocol: String,
    /// Cause value.
    pub cause: Option<u16>,
    /// text parameter.
    pub text: Option<String>,
    /// What the cause means.
    pub meaning: Option<String>,
    /// Whether the cause agrees with the status code (RFC 3398 for Q.850;
    /// equality for SIP); absent when not applicable.
    pub consistent_with_status: Option<bool>,
    /// The Reason header.
    pub span: SpanDto,
}

/// A decoded Warning value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct WarningDto {
    /// warn-code.
    pub code: Option<u16>,
    /// warn-agent.
    pub agent: String,
    /// warn-text, unquoted.
    pub text: String,
    /// Registered meaning of the code.
    pub meaning: Option<&'static str>,
    /// The value.
    pub span: SpanDto,
}

/// Who probably sent the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SenderDto {
    /// `UE`, `P-CSCF`, `S-CSCF`, `I-CSCF`, `E-CSCF`, `AS`, `MGCF`, `BGCF`, `IBCF`, `SBC`,
    /// `B2BUA`, `gateway`, `proxy`, `registrar`, `unknown`.
    pub role: String,
    /// Why.
    pub evidence: Vec<EvidenceDto>,
}

/// The authentication challenge of a 401/407.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ChallengeDto {
    /// `WWW-Authenticate` or `Proxy-Authenticate`.
    pub header: &'static str,
    /// Scheme (`Digest`).
    pub scheme: String,
    /// algorithm (`AKAv1-MD5`, `MD5`, `SHA-256`).
    pub algorithm: Option<String>,
    /// realm.
    pub realm: Option<String>,
    /// nonce.
    pub nonce: Option<String>,
    /// qop options.
    pub qop: Option<String>,
    /// opaque.
    pub opaque: Option<String>,
    /// stale flag.
    pub stale: Option<bool>,
    /// True for IMS AKA (AKAv1/AKAv2).
    pub aka: bool,
    /// The AKA nonce split into its fields, when the challenge is AKA and
    /// the nonce is base64 of at least 32 bytes (RFC 3310 §3.2; TS 33.203
    /// §6.1): `nonce = base64(RAND ‖ AUTN ‖ server data)`.
    pub aka_nonce: Option<AkaNonceDto>,
    /// The header.
    pub span: SpanDto,
}

/// The fields of an AKA nonce, each as lower-case hex (RFC 3310 §3.2;
/// 3GPP TS 33.102 §6.3.3: AUTN = SQN⊕AK ‖ AMF ‖ MAC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct AkaNonceDto {
    /// RAND, the network challenge (16 bytes).
    pub rand: String,
    /// AUTN, the network authentication token (16 bytes).
    pub autn: String,
    /// SQN ⊕ AK, the concealed sequence number (first 6 bytes of AUTN).
    pub sqn_xor_ak: String,
    /// AMF, the authentication management field (2 bytes).
    pub amf: String,
    /// MAC, the network's message authentication code (last 8 bytes of AUTN).
    pub mac: String,
    /// Bytes after RAND ‖ AUTN (operator server data), when present.
    pub server_data: Option<String>,
}

/// Decodes standard base64 (padding optional, no white space); `None` on
/// any other byte.
fn base64_decode(s: &[u8]) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let s = match s.iter().position(|&c| c == b'=') {
        Some(i) if s[i..].iter().all(|&c| c == b'=') && s[i..].len() <= 2 => &s[..i],
        Some(_) => return None,
        None => s,
    };
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for chunk in s.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= val(c)? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Splits an AKA nonce (RFC 3310 §3.2): RAND (16) ‖ AUTN (16) ‖ server data,
/// AUTN = SQN⊕AK (6) ‖ AMF (2) ‖ MAC (8).
pub(crate) fn split_aka_nonce(nonce: &[u8]) -> Option<AkaNonceDto> {
    let b = base64_decode(nonce)?;
    if b.len() < 32 {
        return None;
    }
    Some(AkaNonceDto {
        rand: hex(&b[..16]),
        autn: hex(&b[16..32]),
        sqn_xor_ak: hex(&b[16..22]),
        amf: hex(&b[22..24]),
        mac: hex(&b[24..32]),
        server_data: (b.len() > 32).then(|| hex(&b[32..])),
    })
}

/// The diagnosis of this message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct DiagnosisDto {
    /// One line a person reads first.
    pub headline: String,
    /// A short paragraph.
    pub summary: String,
    /// What the request was doing.
    pub context: String,
    /// Likely causes, best supported first.
    pub likely_causes: Vec<CauseDto>,
    /// What to inspect.
    pub inspect: Vec<String>,
    /// What to do next.
    pub next_steps: Vec<String>,
    /// Retry guidance (responses).
    pub retry: Option<RetryDto>,
    /// Decoded Reason values.
    pub reasons: Vec<ReasonDto>,
    /// Decoded Warning values.
    pub warnings: Vec<WarningDto>,
    /// Who likely sent it.
    pub sender: SenderDto,
    /// Authentication challenge (401/407).
    pub challenge: Option<ChallengeDto>,
    /// IMS context of the code (knowledge base).
    pub ims: Option<&'static ImsContext>,
    /// Specification references.
    pub spec_refs: Vec<String>,
}

/// A decoded message: the JSON contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
// TypeScript only: the fields are `DecodedFields`; `Decoded` is the union on `kind`
// declared in src/wasm.rs. The JSON is unchanged.
#[cfg_attr(target_arch = "wasm32", tsify(rename = "DecodedFields"))]
#[serde(rename_all = "camelCase")]
pub struct Decoded {
    /// Contract version.
    pub schema_version: u32,
    /// `response`, `request` or `invalid`.
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = r#""response" | "request" | "invalid""#)
    )]
    pub kind: &'static str,
    /// Status line (responses).
    pub status: Option<StatusDto>,
    /// Request line (requests).
    pub request: Option<RequestDto>,
    /// CSeq.
    pub cseq: Option<CSeqDto>,
    /// Call-ID.
    pub call_id: Option<String>,
    /// From.
    pub from: Option<AddressDto>,
    /// To.
    pub to: Option<AddressDto>,
    /// Every Via value, top first.
    pub via: Vec<ViaDto>,
    /// Every header in order.
    pub headers: Vec<HeaderDto>,
    /// The body.
    pub body: BodyDto,
    /// The media summary of the body's session description (also inside
    /// `multipart/*`); null when the message carries no SDP.
    pub media: Option<super::MediaDto>,
    /// The diagnosis.
    pub diagnosis: DiagnosisDto,
    /// Parser, grammar and rule findings, by position.
    pub findings: Vec<FindingDto>,
}

fn s(t: crate::Text<'_>) -> String {
    t.as_str().into_owned()
}

fn address(lines: &LineIndex, na: Option<&crate::parse::addr::NameAddr<'_>>) -> Option<AddressDto> {
    let na = na?;
    let uri = na.uri.as_ref();
    Some(AddressDto {
        display_name: na.display_name_text(),
        uri: s(na.uri_text),
        user: uri.and_then(|u| u.user.or(u.opaque)).map(s),
        host: uri.and_then(|u| u.host).map(s),
        tag: na.tag().map(s),
        span: SpanDto::at(lines, na.text.span()),
    })
}

/// What the request was doing, from the method and a few headers.
fn context(cx: &Ctx<'_, '_>) -> String {
    use crate::parse::status::Method as M;
    let msg = cx.msg;
    let Some(m) = cx.known_method else {
        return match cx.method {
            Some(m) => format!("extension method {}", m.as_str()),
            None => "unknown (no method and no CSeq)".to_owned(),
        };
    };
    let mid_dialog = msg.is_request() && cx.to().and_then(|t| t.tag()).is_some();
    match m {
        M::Register => {
            let zero = msg.seconds(HeaderName::Expires) == Some(0)
                || (!cx.contacts().is_empty()
                    && cx.contacts().iter().all(|c| match c {
                        crate::parse::addr::Contact::Address(a) => {
                            a.expires().is_some_and(|e| e.bytes() == b"0")
                        }
                        crate::parse::addr::Contact::Wildcard(_) => true,
                    }));
            if zero && msg.is_request() {
                "de-registration (REGISTER with expiry 0)".to_owned()
            } else if msg.is_request()
                && msg.header(HeaderName::Authorization).is_some_and(|h| {
                    h.value
                        .bytes()
                        .windows(9)
                        .any(|w| w.eq_ignore_ascii_case(b"response="))
                        && !h
                            .value
                            .bytes()
                            .windows(11)
                            .any(|w| w.eq_ignore_ascii_case(b"response=\"\""))
                })
            {
                "registration (REGISTER answering a challenge)".to_owned()
            } else {
                "registration (REGISTER: initial, re-registration or de-registration)".to_owned()
            }
        }
        M::Invite if mid_dialog => {
            "mid-dialog request: re-INVITE (session modification)".to_owned()
        }
        M::Invite => "session setup (INVITE)".to_owned(),
        M::Ack => "ACK (confirms a final response to INVITE)".to_owned(),
        M::Bye => "session release (BYE)".to_owned(),
        M::Cancel => "cancel of a pending INVITE (CANCEL)".to_owned(),
        M::Options => "capability query or keep-alive (OPTIONS)".to_owned(),
        M::Prack => "reliable provisional response acknowledgement (PRACK)".to_owned(),
        M::Update => {
            "session update in an early or confirmed dialog (UPDATE, RFC 3311; e.g. preconditions)"
                .to_owned()
        }
        M::Subscribe => match msg.header_value(HeaderName::Event) {
            Some(e) if e.bytes().starts_with(b"reg") => {
                "subscription to the reg event package (SUBSCRIBE Event: reg)".to_owned()
            }
            Some(e) => format!("subscription (SUBSCRIBE Event: {})", e.as_str()),
            None => "subscription (SUBSCRIBE)".to_owned(),
        },
        M::Notify => "event notification (NOTIFY)".to_owned(),
        M::Publish => "event state publication (PUBLISH)".to_owned(),
        M::Message => match msg.header_value(HeaderName::ContentType) {
            Some(ct)
                if ct
                    .bytes()
                    .windows(8)
                    .any(|w| w.eq_ignore_ascii_case(b"3gpp.sms")) =>
            {
                "SMS over IP (MESSAGE with application/vnd.3gpp.sms)".to_owned()
            }
            _ => "instant message (MESSAGE)".to_owned(),
        },
        M::Info => "mid-dialog information (INFO)".to_owned(),
        M::Refer => "call transfer or referral (REFER)".to_owned(),
    }
}

/// Puts the diagnosis together.
pub(super) fn assemble(cx: &Ctx<'_, '_>, mut dx: Dx, findings: &[Finding]) -> Decoded {
    let msg = cx.msg;
    let input = msg.input();
    let lines = LineIndex::new(input);
    let lookup = cx.lookup;
    let info = lookup.map(|l| l.info);
    let (kind, status, request) = match msg.start_line() {
        StartLine::Status(st) => (
            "response",
            Some(StatusDto {
                code: st.code.map(|c| c.0),
                reason_phrase: s(st.reason),
                standard_reason_phrase: info.filter(|i| i.code != 0).map(|i| i.reason),
                class: st.code.map_or(StatusClass::Invalid, |c| c.class()),
                is_final: st.code.is_some_and(|c| c.is_final()),
            }),
            None,
        ),
        StartLine::Request(r) => (
            "request",
            None,
            Some(RequestDto {
                method: s(r.method),
                uri: s(r.uri),
            }),
        ),
        StartLine::Invalid(_) => ("invalid", None, None),
    };
    let headers = msg
        .headers()
        .iter()
        .map(|h| {
            let known = h.known_name();
            HeaderDto {
                name: s(h.name),
                // `h.canonical_name()`, with the name looked up once.
                canonical_name: known.map_or_else(|| s(h.name), |k| k.as_str().to_owned()),
                value: s(h.value),
                span: SpanDto::at(&lines, h.span),
                value_span: SpanDto::at(&lines, h.value.span()),
                fields: super::fields::header_fields_of(h, known)
                    .into_iter()
                    .map(|(name, t)| FieldDto {
                        name: name.into_owned(),
                        value: s(t),
                        span: SpanDto::at(&lines, t.span()),
                    })
                    .collect(),
                meaning: known.map(|k| k.info().meaning),
                spec: known.map(|k| k.info().spec),
            }
        })
        .collect();
    let via = cx
        .via()
        .iter()
        .map(|v| ViaDto {
            transport: s(v.transport),
            host: s(v.host),
            port: v.port,
            branch: v.branch().map(s),
            received: v.received().map(s),
            rport: v.rport().map(|p| p.map(s).unwrap_or_default()),
            span: SpanDto::at(&lines, v.text.span()),
        })
        .collect();

    // Causes: evidence first (rules' order), then the knowledge base.
    let mut causes: Vec<Cause> = std::mem::take(&mut dx.causes);
    causes.sort_by_key(|c| c.confidence);
    // A less supported cause that only restates a better supported one
    // (issue 18: "low causes that restate the high one") goes; its
    // evidence joins the one it restates.
    let mut kept: Vec<Cause> = Vec::with_capacity(causes.len());
    for c in causes {
        match kept
            .iter_mut()
            .find(|k| k.confidence < c.confidence && super::dedup::restates(&c.text, &k.text))
        {
            Some(k) => {
                for e in c.evidence {
                    if !k.evidence.iter().any(|x| x.0 == e.0) {
                        k.evidence.push(e);
                    }
                }
            }
            None => kept.push(c),
        }
    }
    let mut causes = kept;
    if let Some(i) = info.filter(|_| !dx.skip_kb_advice) {
        let first_kb = if causes.is_empty() {
            Confidence::Medium
        } else {
            Confidence::Low
        };
        for (n, text) in i.causes.iter().enumerate() {
            let confidence = if n == 0 { first_kb } else { Confidence::Low };
            // A typical cause that restates one this message already shows
            // adds nothing (issue 18: low causes restating the high one).
            if !causes.iter().any(|c| super::dedup::restates(text, &c.text)) {
                causes.push(Cause {
                    text: (*text).to_owned(),
                    confidence,
                    evidence: Vec::new(),
                });
            }
        }
    }
    let likely_causes = causes
        .into_iter()
        .map(|c| CauseDto {
            text: c.text,
            confidence: c.confidence,
            evidence: c
                .evidence
                .into_iter()
                .map(|(span, what)| EvidenceDto {
                    span: SpanDto::at(&lines, span),
                    what,
                })
                .collect(),
        })
        .collect();
    let mut inspect = std::mem::take(&mut dx.inspect);
    let mut next_steps = std::mem::take(&mut dx.next_steps);
    if let Some(i) = info.filter(|_| !dx.skip_kb_advice) {
        for x in i.inspect {
            if !inspect.iter().any(|y| super::dedup::restates(x, y)) {
                inspect.push((*x).to_owned());
            }
        }
        if !next_steps.iter().any(|y| super::dedup::restates(i.fix, y)) {
            next_steps.push(i.fix.to_owned());
        }
    }
    let retry = info.map(|i| {
        let after = cx.retry_after.as_ref().and_then(|(r, _)| r.seconds);
        let mut where_ = i.retry.note.to_owned();
        if let Some(a) = after {
            where_ = format!("Retry-After asks to wait {a} s. {where_}");
        }
        RetryDto {
            allowed: retry_allowed(i.retry.policy),
            policy: i.retry.policy,
            after_seconds: after,
            where_,
        }
    });
    let reasons = cx
        .reasons
        .iter()
        .map(|(r, span)| reason_dto(cx, &lines, r, *span))
        .collect();
    let warnings = cx
        .warnings
        .iter()
        .map(|w| WarningDto {
            code: w.code,
            agent: s(w.agent),
            text: s(w.text_unquoted()),
            meaning: w.code.and_then(kb::warning_info).map(|k| k.meaning),
            span: SpanDto::at(&lines, w.code_text.span().join(w.text.span())),
        })
        .collect();
    let challenge = cx.challenge.as_ref().map(|(name, a, span)| ChallengeDto {
        header: name.as_str(),
        scheme: s(a.scheme),
        algorithm: a.params.algorithm().map(s),
        realm: a.params.realm().map(s),
        nonce: a.params.nonce().map(s),
        qop: a.params.qop().map(s),
        opaque: a.params.opaque().map(s),
        stale: a.params.stale_flag(),
        aka: a.params.is_aka(),
        aka_nonce: a
            .params
            .nonce()
            .filter(|_| a.params.is_aka())
            .and_then(|n| split_aka_nonce(n.bytes())),
        span: SpanDto::at(&lines, *span),
    });
    let (role, sender_evidence) = super::sender::infer(cx);
    let sender = SenderDto {
        role,
        evidence: sender_evidence
            .into_iter()
            .map(|(span, what)| EvidenceDto {
                span: SpanDto::at(&lines, span),
                what,
            })
            .collect(),
    };
    let mut spec_refs: Vec<String> = Vec::new();
    if let Some(i) = info.filter(|i| i.code != 0) {
        spec_refs.push(i.spec.to_owned());
        if !i.ims.clause.is_empty() && !dx.skip_kb_advice {
            spec_refs.push(i.ims.clause.to_owned());
        }
    }
    spec_refs.append(&mut dx.spec_refs);
    let spec_refs = super::dedup::spec_refs(&spec_refs);
    let ctx = context(cx);
    let headline = dx.headline.take().unwrap_or_else(|| default_headline(cx));
    let summary = match info {
        Some(i) if i.code != 0 => {
            let mut t = format!("{} {}", i.description, i.purpose);
            if let Some(l) = lookup.filter(|l| !l.known) {
                if let Some(n) = l.note {
                    t = format!("{n} {t}");
                }
            }
            // The IMS note is `diagnosis.ims.note`; repeating it here made
            // every adapter show it twice.
            t
        }
        Some(i) => i.description.to_owned(),
        None => match (
            msg.start_line(),
            msg.request_line().and_then(|r| r.known_method()),
        ) {
            (StartLine::Status(_), _) => crate::kb::INVALID.description.to_owned(),
            (_, Some(m)) => format!("{} request: {}", m.as_str(), m.purpose()),
            _ => "A SIP message that is neither a recognisable request nor response.".to_owned(),
        },
    };
    Decoded {
        schema_version: SCHEMA_VERSION,
        kind,
        status,
        request,
        cseq: cx.cseq.map(|c| CSeqDto {
            seq: c.seq,
            method: s(c.method),
        }),
        call_id: msg.call_id().map(s),
        from: address(&lines, cx.from()),
        to: address(&lines, cx.to()),
        via,
        headers,
        body: BodyDto {
            kind: cx.body.kind(),
            content_type: msg.header_value(HeaderName::ContentType).map(s),
            length: msg.body().len(),
            span: SpanDto::at(&lines, msg.body().span()),
        },
        media: cx.sdp().map(|sdp| super::media_summary(sdp, &lines)),
        diagnosis: DiagnosisDto {
            headline,
            summary,
            context: ctx,
            likely_causes,
            inspect,
            next_steps,
            retry,
            reasons,
            warnings,
            sender,
            challenge,
            ims: info.filter(|i| i.code != 0).map(|i| &i.ims),
            spec_refs,
        },
        findings: findings.iter().map(|f| FindingDto::at(&lines, f)).collect(),
    }
}

fn default_headline(cx: &Ctx<'_, '_>) -> String {
    let msg = cx.msg;
    match msg.start_line() {
        StartLine::Status(st) => {
            let phrase = st.reason.as_str();
            let code = st.code_text.as_str();
            let desc = cx
                .lookup
                .map_or(crate::kb::INVALID.description, |l| l.info.description);
            match cx.method {
                Some(m) => format!("{code} {phrase} to {}: {desc}", m.as_str()),
                None => format!("{code} {phrase}: {desc}"),
            }
        }
        StartLine::Request(r) => match r.known_method() {
            Some(m) => format!(
                "{} request to {}: {}",
                m.as_str(),
                r.uri.as_str(),
                m.purpose()
            ),
            None => format!(
                "{} request (extension method) to {}",
                r.method.as_str(),
                r.uri.as_str()
            ),
        },
        StartLine::Invalid(_) => "Not a SIP message: no valid start line".to_owned(),
    }
}

fn reason_dto(
    cx: &Ctx<'_, '_>,
    lines: &LineIndex,
    r: &crate::parse::diag::ReasonValue<'_>,
    span: Span,
) -> ReasonDto {
    let cause = r.cause();
    let code = cx.code.map(|c| c.0);
    let (meaning, consistent) = match (r.protocol_kind(), cause) {
        (ReasonProtocol::Q850, Some(c)) => {
            let m = u8::try_from(c)
                .ok()
                .and_then(kb::q850_info)
                .map(|q| format!("Q.850 cause {c} {}: {}", q.name, q.explanation));
            let consistent = code
                .filter(|c| *c >= status::REDIRECTION_CLASS)
                .map(|status| q850_consistent(c, status));
            (m, consistent)
        }
        (ReasonProtocol::Sip, Some(c)) => {
            let m = kb::lookup_code(crate::StatusCode(c));
            let m = (m.known).then(|| format!("SIP {c} {}: {}", m.info.reason, m.info.description));
            (m, code.map(|status| status == c))
        }
        (ReasonProtocol::ReleaseCause, Some(c)) => (
            u8::try_from(c)
                .ok()
                .and_then(kb::release_cause_info)
                .map(|rc| format!("3GPP release cause {c} \"{}\": {}", rc.text, rc.meaning)),
            None,
        ),
        (ReasonProtocol::Other, Some(c)) => (
            super::reason::cause(&r.protocol.as_str(), c)
                .map(|v| format!("{} {c} \"{}\": {}", r.protocol.as_str(), v.text, v.meaning)),
            None,
        ),
        _ => (None, None),
    };
    ReasonDto {
        protocol: s(r.protocol),
        cause,
        text: r.text().map(|t| crate::parse::params::unescape(t)),
        meaning,
        consistent_with_status: consistent,
        span: SpanDto::at(lines, span),
    }
}

/// RFC 3398: does Q.850 `cause` agree with SIP `status`, in either direction?
pub(crate) fn q850_consistent(cause: u16, status: u16) -> bool {
    let Ok(c) = u8::try_from(cause) else {
        return false;
    };
    kb::q850_to_sip(c)
        .iter()
        .any(|row| row.cause.is_some() && row.sip == Some(status))
        || kb::sip_to_q850(status).is_some_and(|row| row.cause == Some(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aka_nonce_split() {
        // RAND = 00..0f, AUTN = 10..1f (SQN⊕AK 10..15, AMF 16 17, MAC 18..1f).
        let raw: Vec<u8> = (0u8..32).collect();
        let b64 = b"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        assert_eq!(base64_decode(b64).unwrap(), raw);
        let n = split_aka_nonce(b64).unwrap();
        assert_eq!(n.rand, "000102030405060708090a0b0c0d0e0f");
        assert_eq!(n.sqn_xor_ak, "101112131415");
        assert_eq!(n.amf, "1617");
        assert_eq!(n.mac, "18191a1b1c1d1e1f");
        assert_eq!(n.autn, "101112131415161718191a1b1c1d1e1f");
        assert_eq!(n.server_data, None);
        assert!(split_aka_nonce(b"dcd98b7102dd2f0e8b11d0f600bfb0c093").is_none());
        assert!(split_aka_nonce(b"QUJD").is_none());
        assert!(split_aka_nonce(b"A=B=").is_none());
    }

    #[test]
    fn q850_mapping_both_ways() {
        assert!(q850_consistent(17, 486));
        assert!(q850_consistent(1, 404));
        assert!(!q850_consistent(16, 486));
        assert!(q850_consistent(21, 603) || q850_consistent(21, 403));
    }

    #[test]
    fn contract_of_a_response() {
        let input = b"SIP/2.0 503 Service Unavailable\r\nRetry-After: 30\r\nCall-ID: x\r\nCSeq: 2 REGISTER\r\n\r\n";
        let d = crate::diagnose::decode(input);
        assert_eq!(d.kind, "response");
        let st = d.status.as_ref().unwrap();
        assert_eq!(
            (st.code, st.is_final, st.standard_reason_phrase),
            (Some(503), true, Some("Service Unavailable"))
        );
        assert_eq!(d.diagnosis.retry.as_ref().unwrap().after_seconds, Some(30));
        assert!(d.diagnosis.context.starts_with("registration"));
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["schemaVersion"], 1);
        assert_eq!(json["status"]["final"], true);
        assert_eq!(json["status"]["class"], "server-failure");
        assert!(json["diagnosis"]["retry"]["where"].is_string());
    }
}
