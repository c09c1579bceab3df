//! The JSON contract of a decoded message (`schemaVersion` 1):
//! camelCase, every span with byte offsets and line/column. The JSON
//! Schema in `schema/decode.schema.json` describes exactly these types.
//!
//! Text taken from the message (header names and values, field values,
//! URIs, tags…) borrows from the input (`Cow<'a, str>`: borrowed when the
//! bytes are valid UTF-8, else the lossy copy); text the diagnosis builds is
//! owned; text that is static or built but never borrowed from the input
//! (field names, canonical names, the diagnosis prose) is `Cow<'static, str>`,
//! so `into_owned` moves it. `Cow<str>` serialises as the string, so the JSON
//! (and the TypeScript declarations: tsify maps `Cow` to `string`) does not
//! depend on which. [`Decoded::into_owned`] gives a `Decoded<'static>` for callers that
//! keep it beyond the input.
//!
//! Types only: the assembly module builds them from the rules' output
//! (and holds the constructors `SpanDto::new`/`at`, `FindingDto::new`/`at`);
//! `owned.rs` holds the `into_owned` conversions.

use std::borrow::Cow;

use serde::Serialize;

use crate::finding::{Category, Severity};
use crate::kb::{ImsContext, RetryPolicy};
use crate::status::StatusClass;

/// Version of the JSON contract.
pub const SCHEMA_VERSION: u32 = 1;

/// How much a cause is supported by this message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Directly shown by a header or body of this message.
    High,
    /// Suggested by this message.
    Medium,
    /// Typical for the code in general (knowledge base), not shown here.
    Low,
}

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

/// The Status-Line of a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct StatusDto<'a> {
    /// The code (absent when it is not three digits).
    pub code: Option<u16>,
    /// The reason phrase as sent.
    pub reason_phrase: Cow<'a, str>,
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
pub struct RequestDto<'a> {
    /// Method as written.
    pub method: Cow<'a, str>,
    /// Request-URI as written.
    pub uri: Cow<'a, str>,
}

/// CSeq.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct CSeqDto<'a> {
    /// Sequence number (absent when out of range).
    pub seq: Option<u32>,
    /// Method.
    pub method: Cow<'a, str>,
}

/// An address header (From, To).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct AddressDto<'a> {
    /// Display name, unquoted.
    pub display_name: Option<Cow<'a, str>>,
    /// URI as written.
    pub uri: Cow<'a, str>,
    /// User part.
    pub user: Option<Cow<'a, str>>,
    /// Host.
    pub host: Option<Cow<'a, str>>,
    /// The tag parameter.
    pub tag: Option<Cow<'a, str>>,
    /// The header value.
    pub span: SpanDto,
}

/// One Via value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ViaDto<'a> {
    /// Transport (UDP, TCP, TLS…).
    pub transport: Cow<'a, str>,
    /// sent-by host.
    pub host: Cow<'a, str>,
    /// sent-by port.
    pub port: Option<u16>,
    /// branch.
    pub branch: Option<Cow<'a, str>>,
    /// received.
    pub received: Option<Cow<'a, str>>,
    /// rport (empty string when present without value).
    pub rport: Option<Cow<'a, str>>,
    /// The value.
    pub span: SpanDto,
}

/// A typed sub-field of a header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct FieldDto<'a> {
    /// Field name (Wireshark-like: `transport`, `branch`, `tag`, `nonce`…);
    /// borrowed from a static table when it is one of the fixed names.
    pub name: Cow<'static, str>,
    /// Value as written.
    pub value: Cow<'a, str>,
    /// Where.
    pub span: SpanDto,
}

/// One header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct HeaderDto<'a> {
    /// Name as written.
    pub name: Cow<'a, str>,
    /// Canonical name for registered headers (static), else the name as
    /// written.
    pub canonical_name: Cow<'static, str>,
    /// Value as written.
    pub value: Cow<'a, str>,
    /// The whole header.
    pub span: SpanDto,
    /// The value.
    pub value_span: SpanDto,
    /// Typed sub-fields, where the parser has a view of the header.
    pub fields: Vec<FieldDto<'a>>,
    /// One line about the header, for registered headers.
    pub meaning: Option<&'static str>,
    /// Defining specification, for registered headers.
    pub spec: Option<&'static str>,
}

/// The body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct BodyDto<'a> {
    /// `empty`, `sdp`, `multipart`, `xml`, `text` or `binary`.
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = r#""empty" | "sdp" | "multipart" | "xml" | "text" | "binary""#)
    )]
    pub kind: &'static str,
    /// Content-Type as written.
    pub content_type: Option<Cow<'a, str>>,
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
    pub text: Cow<'static, str>,
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
    pub where_: Cow<'static, str>,
}

/// A decoded Reason value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ReasonDto<'a> {
    /// Protocol as written.
    pub protocol: Cow<'a, str>,
    /// Cause value.
    pub cause: Option<u16>,
    /// text parameter.
    pub text: Option<Cow<'a, str>>,
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
pub struct WarningDto<'a> {
    /// warn-code.
    pub code: Option<u16>,
    /// warn-agent.
    pub agent: Cow<'a, str>,
    /// warn-text, unquoted.
    pub text: Cow<'a, str>,
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
    pub role: &'static str,
    /// Why.
    pub evidence: Vec<EvidenceDto>,
}

/// The authentication challenge of a 401/407.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ChallengeDto<'a> {
    /// `WWW-Authenticate` or `Proxy-Authenticate`.
    pub header: &'static str,
    /// Scheme (`Digest`).
    pub scheme: Cow<'a, str>,
    /// algorithm (`AKAv1-MD5`, `MD5`, `SHA-256`).
    pub algorithm: Option<Cow<'a, str>>,
    /// realm.
    pub realm: Option<Cow<'a, str>>,
    /// nonce.
    pub nonce: Option<Cow<'a, str>>,
    /// qop options.
    pub qop: Option<Cow<'a, str>>,
    /// opaque.
    pub opaque: Option<Cow<'a, str>>,
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

/// The diagnosis of this message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct DiagnosisDto<'a> {
    /// One line a person reads first.
    pub headline: String,
    /// A short paragraph.
    pub summary: Cow<'static, str>,
    /// What the request was doing.
    pub context: Cow<'static, str>,
    /// Likely causes, best supported first.
    pub likely_causes: Vec<CauseDto>,
    /// What to inspect.
    pub inspect: Vec<Cow<'static, str>>,
    /// What to do next.
    pub next_steps: Vec<Cow<'static, str>>,
    /// Retry guidance (responses).
    pub retry: Option<RetryDto>,
    /// Decoded Reason values.
    pub reasons: Vec<ReasonDto<'a>>,
    /// Decoded Warning values.
    pub warnings: Vec<WarningDto<'a>>,
    /// Who likely sent it.
    pub sender: SenderDto,
    /// Authentication challenge (401/407).
    pub challenge: Option<ChallengeDto<'a>>,
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
pub struct Decoded<'a> {
    /// Contract version.
    pub schema_version: u32,
    /// `response`, `request` or `invalid`.
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = r#""response" | "request" | "invalid""#)
    )]
    pub kind: &'static str,
    /// Status line (responses).
    pub status: Option<StatusDto<'a>>,
    /// Request line (requests).
    pub request: Option<RequestDto<'a>>,
    /// CSeq.
    pub cseq: Option<CSeqDto<'a>>,
    /// Call-ID.
    pub call_id: Option<Cow<'a, str>>,
    /// From.
    pub from: Option<AddressDto<'a>>,
    /// To.
    pub to: Option<AddressDto<'a>>,
    /// Every Via value, top first.
    pub via: Vec<ViaDto<'a>>,
    /// Every header in order.
    pub headers: Vec<HeaderDto<'a>>,
    /// The body.
    pub body: BodyDto<'a>,
    /// The media summary of the body's session description (also inside
    /// `multipart/*`); null when the message carries no SDP.
    pub media: Option<MediaDto<'a>>,
    /// The diagnosis.
    pub diagnosis: DiagnosisDto<'a>,
    /// Parser, grammar and rule findings, by position.
    pub findings: Vec<FindingDto>,
}

// ---- the media summary (`decoded.media`), built by `media_summary` ----

/// The media summary of the message's session description (RFC 8866).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct MediaDto<'a> {
    /// `o=` line: who made this description and which version of it.
    pub origin: Option<OriginDto<'a>>,
    /// Session-level `c=` address (`IN IP6 2001:db8::1` → `2001:db8::1`).
    pub connection: Option<Cow<'a, str>>,
    /// Session-level `b=` lines.
    pub bandwidths: Vec<BandwidthDto<'a>>,
    /// Session-level direction attribute (`a=sendonly`…), if any.
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = r#""sendrecv" | "sendonly" | "recvonly" | "inactive" | null"#)
    )]
    pub direction: Option<&'static str>,
    /// One entry per `m=` line, in order.
    pub streams: Vec<StreamDto<'a>>,
    /// The whole session description.
    pub span: SpanDto,
}

/// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address>`
/// (RFC 8866 §5.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct OriginDto<'a> {
    /// `username` (`-` when none).
    pub username: Cow<'a, str>,
    /// `sess-id`.
    pub session_id: Cow<'a, str>,
    /// `sess-version`: changes with each new offer or answer of the
    /// session (RFC 3264 §8).
    pub session_version: Cow<'a, str>,
    /// `unicast-address`.
    pub address: Cow<'a, str>,
}

/// A `b=<bwtype>:<bandwidth>` line (RFC 8866 §5.8; RS/RR: RFC 3556 §2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct BandwidthDto<'a> {
    /// `AS` and `CT` (kbit/s), `TIAS` (bit/s, RFC 3890), `RS` / `RR` (RTCP, bit/s).
    #[serde(rename = "type")]
    pub bwtype: Cow<'a, str>,
    /// The value, when it is a number.
    pub value: Option<u64>,
}

/// One media description (`m=` line and its attributes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct StreamDto<'a> {
    /// `audio`, `video`, `image`, `text`, `application`, `message`.
    pub media: Cow<'a, str>,
    /// The port (absent when not a number).
    pub port: Option<u16>,
    /// True for port 0: the stream is rejected (in an answer) or disabled
    /// (RFC 3264 §6, §8.2).
    pub rejected: bool,
    /// Transport profile: `RTP/AVP`, `RTP/SAVP`, `RTP/AVPF`,
    /// `UDP/TLS/RTP/SAVPF`, `udptl`…
    pub proto: Cow<'a, str>,
    /// The connection address that applies: this section's `c=`, else the
    /// session's (RFC 8866 §5.7). `0.0.0.0` is the RFC 3264 §8.4 hold address.
    pub connection: Option<Cow<'a, str>>,
    /// The effective direction: this section's attribute, else the
    /// session's, else `sendrecv` (RFC 8866 §6.7; RFC 3264 §5.1).
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = r#""sendrecv" | "sendonly" | "recvonly" | "inactive""#)
    )]
    pub direction: &'static str,
    /// `a=ptime` in ms (RFC 8866 §6.4).
    pub ptime: Option<u32>,
    /// `a=maxptime` in ms (RFC 8866 §6.5).
    pub maxptime: Option<u32>,
    /// `a=rtcp-mux`: RTP and RTCP on one port (RFC 5761 §5.1.1).
    pub rtcp_mux: bool,
    /// Media-level `b=` lines.
    pub bandwidths: Vec<BandwidthDto<'a>>,
    /// The formats of the `m=` line, in order of preference.
    pub codecs: Vec<CodecDto<'a>>,
    /// The RFC 3312 precondition table, one row per precondition type and
    /// status type.
    pub preconditions: Vec<PreconditionDto>,
    /// SRTP / DTLS keying present: the `a=crypto` suites (RFC 4568 §9.1,
    /// keys not copied) and `dtls` when there is an `a=fingerprint`
    /// (RFC 8122 §5).
    pub security: Vec<String>,
    /// The `m=` line.
    pub line: SpanDto,
    /// From the `m=` line through the last line of the section.
    pub span: SpanDto,
}

/// One format of a stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct CodecDto<'a> {
    /// The format as written on the `m=` line (`116`, `t38`…).
    pub format: Cow<'a, str>,
    /// The RTP payload type (RTP profiles only).
    pub payload_type: Option<u8>,
    /// Encoding name: from `a=rtpmap`, else the RFC 3551 §6 static
    /// assignment (`0` PCMU, `8` PCMA, `18` G729…), else the format.
    pub name: Cow<'a, str>,
    /// Clock rate in Hz.
    pub clock_rate: Option<u32>,
    /// Audio channels (rtpmap encoding parameters; 1 when absent).
    pub channels: Option<u16>,
    /// True when the name comes from the static table, not an rtpmap.
    pub static_payload: bool,
    /// The `a=fmtp` parameters as written.
    pub fmtp: Option<Cow<'a, str>>,
    /// The `a=fmtp` parameters one by one, with what each means for this
    /// codec when it is known.
    pub params: Vec<FmtpParamDto>,
    /// The `a=rtpmap` line, when there is one.
    pub rtpmap_span: Option<SpanDto>,
    /// The `a=fmtp` line, when there is one.
    pub fmtp_span: Option<SpanDto>,
}

/// One `name=value` of an `a=fmtp` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct FmtpParamDto {
    /// Parameter name (empty for a bare value such as telephone-event's `0-15`).
    pub name: String,
    /// Value as written.
    pub value: String,
    /// What it means for this codec, when known.
    pub meaning: Option<String>,
}

/// One row of the RFC 3312 §5 precondition table: the `a=curr`, `a=des`
/// and `a=conf` of one precondition type and status type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct PreconditionDto {
    /// `qos` (RFC 3312) or an extension type.
    #[serde(rename = "type")]
    pub precondition_type: String,
    /// `e2e`, `local` (the access network of this SDP's sender) or `remote`.
    #[cfg_attr(target_arch = "wasm32", tsify(type = r#""e2e" | "local" | "remote""#))]
    pub status_type: &'static str,
    /// `a=curr` direction: resources reserved so far.
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = r#""none" | "send" | "recv" | "sendrecv" | null"#)
    )]
    pub current: Option<&'static str>,
    /// `a=des` strength: `mandatory`, `optional`, `none`, `failure`, `unknown`.
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = r#""mandatory" | "optional" | "none" | "failure" | "unknown" | null"#)
    )]
    pub strength: Option<&'static str>,
    /// `a=des` direction: what must be reserved.
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = r#""none" | "send" | "recv" | "sendrecv" | null"#)
    )]
    pub desired: Option<&'static str>,
    /// `a=conf` direction: the peer asks to be told when this is reached.
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = r#""none" | "send" | "recv" | "sendrecv" | null"#)
    )]
    pub confirm: Option<&'static str>,
    /// True when the current status covers the desired direction; a row
    /// without `a=des` or with strength `none` counts as met, one with
    /// strength `failure` as not met.
    pub met: bool,
    /// The `a=curr` / `a=des` / `a=conf` lines of this row.
    pub spans: Vec<SpanDto>,
}
