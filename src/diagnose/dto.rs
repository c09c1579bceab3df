//! The owned JSON contract of a decoded message (`schemaVersion` 1):
//! camelCase, every span with byte offsets and line/column. The JSON
//! Schema in `schema/decode.schema.json` describes exactly these types.
//!
//! Types only: the assembly module builds them from the rules' output
//! (and holds the constructors `SpanDto::new`/`at`, `FindingDto::new`/`at`).

use serde::Serialize;

use crate::finding::{Category, Severity};
use crate::kb::{ImsContext, RetryPolicy};
use crate::StatusClass;

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
