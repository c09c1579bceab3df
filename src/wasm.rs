//! WebAssembly adapter: the JS-facing surface of siplens (the npm package).
//!
//! One thin file of short adapters over the core; it holds no SIP logic of its own
//! (the core knows nothing of JS). Compiled only for `target_arch = "wasm32"`.
//!
//! Conventions every export follows:
//! - JS names are camelCase; results are plain JS objects of the core's owned DTOs,
//!   the same JSON the CLI prints with `--json`.
//! - Their TypeScript types are derived from those structs (`#[derive(Tsify)]` next to
//!   each DTO); [`Ts<T>`] makes the `.d.ts` name them.
//! - Options come in as plain JS objects, read through JSON (`JSON.stringify`, then serde); a bad
//!   option throws.
//! - A malformed SIP message is a normal result with findings. Only input that cannot
//!   be decoded at all ([`crate::diagnose::check_input`]) or an invalid argument throws, always a
//!   real JS `Error`.
//! - Arguments come in as `JsValue` and are checked here, in the module itself, so the
//!   check holds in every entry (Node, bundlers, a plain page): a value of the wrong type
//!   throws a `TypeError` naming the function, the parameter and the expected type, and
//!   never reaches wasm-bindgen's glue (which would fail with "memory access out of
//!   bounds" or "charCodeAt is not a function", or read a string as bytes).
//!   `unchecked_param_type` keeps the declared TypeScript types exact. A number out of
//!   range throws a `RangeError`.
//!
//! Two modules are built from this file (see the README, "Package layout"): the full one
//! (`siplens/trace`, the default) and, with the `core-only` feature, the core the page loads
//! first: decode, the code lookups, the knowledge-base tables, `captureFormat`,
//! `redactionKinds` and `version`. An export that needs the trace, capture or redaction code
//! carries `#[cfg(not(feature = "core-only"))]`, so LTO drops that code from the core.

use std::cell::RefCell;

use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::kb::{Catalog, CodeLookup, Comparison};
#[cfg(not(feature = "core-only"))]
use crate::{
    redact::{capture::PacketCounts, RedactOptions, Report},
    trace::Trace,
    triage::Triage,
};

/// The siplens crate version, e.g. `"0.1.0"`; lets a page prove the module loaded.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

// `Decoded` as a discriminated union on `kind`: `kind === "response"` narrows `status`
// to `StatusDto` and `request` to `null` (the core guarantees the pairing; see
// `diagnose::invariants`). The struct's own interface is `DecodedFields`
// (`tsify(rename)`; the JSON is unchanged); `TraceMessage.decoded` and the decode
// exports name this union.
#[wasm_bindgen(typescript_custom_section)]
const TS_DECODED: &str = r#"
/**
 * One decoded SIP message. `kind` tells which start line it has and narrows the
 * rest: `if (d.kind === "response") d.status.code` needs no null check.
 */
export type Decoded = DecodedResponse | DecodedRequest | DecodedInvalid;
/** A response: `status` is set, `request` is null. */
export interface DecodedResponse extends DecodedFields {
    kind: "response";
    status: StatusDto;
    request: null;
}
/** A request: `request` is set, `status` is null. */
export interface DecodedRequest extends DecodedFields {
    kind: "request";
    status: null;
    request: RequestDto;
}
/** Neither a Request-Line nor a Status-Line: both are null; the findings say why. */
export interface DecodedInvalid extends DecodedFields {
    kind: "invalid";
    status: null;
    request: null;
}
"#;

/// Parses and diagnoses one SIP message given as text.
///
/// Throws `Error("empty input: no SIP message")` when `text` is empty or only
/// ASCII whitespace; any other text decodes (a malformed message has findings).
#[wasm_bindgen(unchecked_return_type = "Decoded")]
pub fn decode(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
) -> Result<JsValue, JsValue> {
    decoded(text_arg("decode", "text", &text)?.as_bytes())
}

/// Parses and diagnoses one SIP message given as raw bytes (need not be UTF-8;
/// spans are byte offsets into `bytes`). Same empty-input rule as `decode`.
/// `bytes` is a `Uint8Array` (a Node `Buffer` is one) or an `ArrayBuffer`.
#[wasm_bindgen(js_name = decodeBytes, unchecked_return_type = "Decoded")]
pub fn decode_bytes(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
) -> Result<JsValue, JsValue> {
    decoded(&bytes_arg("decodeBytes", "bytes", &bytes)?)
}

#[cfg(not(feature = "core-only"))]
/// Decodes pasted text holding any number of SIP messages (and log lines
/// around them) as a trace: messages, transactions, dialogs, calls and flow
/// findings. Same empty-input rule as `decode`; text without a SIP start
/// line is a normal `Trace` with a capture finding.
#[wasm_bindgen(js_name = decodeTrace)]
pub fn decode_trace(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
) -> Result<Ts<Trace>, JsValue> {
    let text = text_arg("decodeTrace", "text", &text)?;
    crate::diagnose::check_input(text.as_bytes()).map_err(error)?;
    to_js(&crate::trace::decode_trace_text(&text))
}

/// The capture format `bytes` start with: `"pcap"` (any pcap magic number:
/// either byte order, micro- or nanosecond, the modified format) or
/// `"pcapng"`; `undefined` for anything else. Reads the first four bytes
/// only; the same test `decodeCapture` and `redactCapture` apply.
#[wasm_bindgen(
    js_name = captureFormat,
    unchecked_return_type = "\"pcap\" | \"pcapng\" | undefined"
)]
pub fn capture_format(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
) -> Result<JsValue, JsValue> {
    let head = if let Some(a) = bytes.dyn_ref::<js_sys::Uint8Array>() {
        a.subarray(0, 4).to_vec()
    } else if let Some(b) = bytes.dyn_ref::<js_sys::ArrayBuffer>() {
        js_sys::Uint8Array::new(b).subarray(0, 4).to_vec()
    } else {
        bytes_arg("captureFormat", "bytes", &bytes)?
    };
    Ok(crate::capture::sniff(&head).map_or(JsValue::UNDEFINED, |f| JsValue::from_str(f.name())))
}

#[cfg(not(feature = "core-only"))]
/// Decodes a pcap or pcapng capture as a trace. Same empty-input rule as
/// `decode`; a capture without SIP (or not a capture at all) is a normal
/// `Trace` whose `captureFindings` say why.
#[wasm_bindgen(js_name = decodeCapture)]
pub fn decode_capture(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
) -> Result<Ts<Trace>, JsValue> {
    let bytes = bytes_arg("decodeCapture", "bytes", &bytes)?;
    crate::diagnose::check_input(&bytes).map_err(error)?;
    to_js(&crate::trace::decode_capture(&bytes))
}

#[cfg(not(feature = "core-only"))]
/// `decodeCapture`, calling `onProgress(bytesRead, totalBytes)` about
/// every hundredth of the capture while it is read (the page's worker
/// forwards it as a progress bar). An exception thrown by `onProgress` is
/// ignored.
#[wasm_bindgen(js_name = decodeCaptureProgress)]
pub fn decode_capture_progress(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
    #[wasm_bindgen(
        js_name = onProgress,
        unchecked_param_type = "(bytesRead: number, totalBytes: number) => void"
    )]
    on_progress: JsValue,
) -> Result<Ts<Trace>, JsValue> {
    const F: &str = "decodeCaptureProgress";
    let bytes = bytes_arg(F, "bytes", &bytes)?;
    let on_progress = on_progress.dyn_into::<js_sys::Function>().map_err(|v| {
        type_error(
            F,
            "onProgress",
            "a function (bytesRead, totalBytes) => void",
            &v,
        )
    })?;
    crate::diagnose::check_input(&bytes).map_err(error)?;
    let total = JsValue::from(bytes.len() as f64);
    let mut progress = |done: usize| {
        let _ = on_progress.call2(&JsValue::NULL, &JsValue::from(done as f64), &total);
    };
    to_js(&crate::trace::decode_capture_progress(
        &bytes,
        &mut progress,
    ))
}

#[cfg(not(feature = "core-only"))]
/// `decodeCapture` with keys for SIP inside IPsec ESP: `{ espSa: ["spi=0x1000,enc=aes-cbc:HEX,auth=hmac-sha-1-96:HEX", …], ck: "HEX", ik: "HEX" }`
/// (every field optional; `ck` and `ik` go together). The keys stay in
/// this call: nothing of them is in the returned trace. Bad keys throw an
/// `Error`.
#[wasm_bindgen(js_name = decodeCaptureKeys)]
pub fn decode_capture_keys(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
    #[wasm_bindgen(unchecked_param_type = "EspKeyTexts")] keys: JsValue,
) -> Result<Ts<Trace>, JsValue> {
    const F: &str = "decodeCaptureKeys";
    let bytes = bytes_arg(F, "bytes", &bytes)?;
    let texts: crate::capture::esp::EspKeyTexts =
        json_arg(F, "keys", "an object { espSa?, ck?, ik? }", &keys)?;
    let keys = texts
        .keys()
        .map_err(|e| error(format!("{F}: invalid keys: {e}")))?;
    crate::diagnose::check_input(&bytes).map_err(error)?;
    to_js(&crate::trace::decode_capture_keys(
        &bytes,
        &keys,
        &mut |_| {},
    ))
}

/// Everything known about one status code; unknown codes are read by their
/// class (RFC 3261 §21). Throws a `TypeError` unless `code` is a number, a
/// `RangeError` unless it is an integer in 0–65535.
#[wasm_bindgen(js_name = lookupCode)]
pub fn lookup_code(
    #[wasm_bindgen(unchecked_param_type = "number")] code: JsValue,
) -> Result<Ts<CodeLookup>, JsValue> {
    to_js(&crate::kb::lookup_code(status_code(
        "lookupCode",
        "code",
        &code,
    )?))
}

/// Every registered status code, grouped by class, 1xx first.
#[wasm_bindgen(js_name = listCodes, unchecked_return_type = "CodeGroup[]")]
pub fn list_codes() -> Result<JsValue, JsValue> {
    list_to_js(&crate::kb::list_codes())
}

/// Two status codes side by side. Throws as `lookupCode` for either argument.
#[wasm_bindgen(js_name = compareCodes)]
pub fn compare_codes(
    #[wasm_bindgen(unchecked_param_type = "number")] a: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] b: JsValue,
) -> Result<Ts<Comparison>, JsValue> {
    let a = status_code("compareCodes", "a", &a)?;
    let b = status_code("compareCodes", "b", &b)?;
    to_js(&crate::kb::compare_codes(a, b))
}

/// Registered codes whose text matches every word of `query`
/// (case-insensitive; a word of digits matches code prefixes, `48` → 480–489;
/// any other word the entry's text, so `retry-after` finds every code whose
/// text names Retry-After), grouped by class like `listCodes`.
#[wasm_bindgen(js_name = searchCodes, unchecked_return_type = "CodeGroup[]")]
pub fn search_codes(
    #[wasm_bindgen(unchecked_param_type = "string")] query: JsValue,
) -> Result<JsValue, JsValue> {
    let query = text_arg("searchCodes", "query", &query)?;
    list_to_js(&crate::kb::search_codes(&query))
}

/// Every value table of the knowledge base in one object: Q.850 causes,
/// Warning codes, Reason protocols with their values, and both RFC 3398
/// mapping tables.
#[wasm_bindgen]
pub fn catalog() -> Result<Ts<Catalog>, JsValue> {
    to_js(&crate::kb::catalog())
}

#[cfg(not(feature = "core-only"))]
/// What `input` is before it is decoded: a capture, one SIP message, a
/// trace, a Wireshark packet-details copy or a hex dump (with the SIP read
/// out of it in `extracted`), binary data or text without SIP (`note` says
/// which, in one line). Takes a string or bytes.
#[wasm_bindgen]
pub fn triage(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] input: JsValue,
) -> Result<Ts<Triage>, JsValue> {
    let bytes = match input.as_string() {
        Some(s) => s.into_bytes(),
        None => bytes_arg("triage", "input", &input).map_err(|_| {
            type_error(
                "triage",
                "input",
                "a string, a Uint8Array or an ArrayBuffer",
                &input,
            )
        })?,
    };
    to_js(&crate::triage::triage(&bytes))
}

#[cfg(not(feature = "core-only"))]
/// The messages `indices` (positions in `trace.messages`) of the trace
/// decoded from `text` (pasted text), as paste-able trace text: each
/// message with its number, time and addresses, reading back as the same
/// messages.
#[wasm_bindgen(js_name = exportCallText)]
pub fn export_call_text(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number[] | Uint32Array")] indices: JsValue,
) -> Result<String, JsValue> {
    let text = text_arg("exportCallText", "text", &text)?;
    let indices = numbers_arg("exportCallText", "indices", &indices)?;
    let trace = crate::trace::decode_trace_text(&text);
    let idx: Vec<usize> = indices
        .iter()
        .filter_map(|&i| usize::try_from(i).ok())
        .filter(|&i| i < trace.messages.len())
        .collect();
    Ok(crate::trace::export::messages_text(&trace, &idx))
}

#[cfg(not(feature = "core-only"))]
/// The packets of the messages `indices` (positions in
/// `decodeCapture(bytes).messages`, e.g. one dialog's `messages`) as a
/// capture cut out of the pcap/pcapng `bytes`, in its own format and
/// bytes: every frame those messages came from, and on a TCP connection
/// the frames between them too, so a reader finds no hole.
#[wasm_bindgen(js_name = exportCallPcap)]
pub fn export_call_pcap(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number[] | Uint32Array")] indices: JsValue,
) -> Result<js_sys::Uint8Array, JsValue> {
    let bytes = bytes_arg("exportCallPcap", "bytes", &bytes)?;
    let indices = numbers_arg("exportCallPcap", "indices", &indices)?;
    let trace = crate::trace::decode_capture(&bytes);
    let idx: Vec<usize> = indices
        .iter()
        .filter_map(|&i| usize::try_from(i).ok())
        .filter(|&i| i < trace.messages.len())
        .collect();
    let frames = crate::trace::export::message_frames(&trace, &idx);
    if frames.is_empty() {
        return Err(error(
            "exportCallPcap: those messages name no capture frame",
        ));
    }
    let out = crate::trace::export::capture_frames(&bytes, &frames).map_err(error)?;
    Ok(js_sys::Uint8Array::from(out.as_slice()))
}

/// A trace's ladder (`trace.ladder`, or a ladder this returned) narrowed
/// to the messages of one Call-ID and of one dialog (`{ callId, dialog }`,
/// `dialog` 0-based as `Trace.dialogs`; either, both, or `{}` for all):
/// the arrows kept keep their message numbers, the lanes are those they
/// use in order of first appearance, Δt is between the arrows kept. The
/// same filter as the CLI's `--call-id` and `--dialog`.
#[cfg(not(feature = "core-only"))]
#[wasm_bindgen(js_name = filterLadder)]
pub fn filter_ladder(
    #[wasm_bindgen(unchecked_param_type = "Ladder")] ladder: JsValue,
    #[wasm_bindgen(unchecked_param_type = "LadderFilter")] filter: JsValue,
) -> Result<Ts<crate::trace::Ladder>, JsValue> {
    let ladder: crate::trace::Ladder = json_arg("filterLadder", "ladder", "a Ladder", &ladder)?;
    let filter: crate::trace::LadderFilter =
        json_arg("filterLadder", "filter", "a LadderFilter", &filter)?;
    to_js(&ladder.filter(&filter))
}

#[cfg(not(feature = "core-only"))]
/// A plain JS object read through JSON (`JSON.stringify`, then serde);
/// anything but a plain object is a `TypeError`, a wrong field an `Error`.
fn json_arg<T: serde::de::DeserializeOwned>(
    f: &str,
    name: &str,
    expected: &str,
    v: &JsValue,
) -> Result<T, JsValue> {
    if !v.is_object() || v.is_function() || js_sys::Array::is_array(v) {
        return Err(type_error(f, name, expected, v));
    }
    let json = js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| JsValue::from(s).as_string())
        .ok_or_else(|| type_error(f, name, expected, v))?;
    serde_json::from_str(&json).map_err(|e| {
        let why = e.to_string();
        let why = why
            .rsplit_once(" at line ")
            .map_or(why.as_str(), |(m, _)| m);
        error(format!("{f}: invalid {name}: {why}"))
    })
}

/// Every defined ITU-T Q.850 cause value (1–127), sorted: name, class and a
/// short explanation (what a Reason `Q.850;cause=` carries).
#[wasm_bindgen(js_name = listQ850, unchecked_return_type = "Q850Cause[]")]
pub fn list_q850() -> Result<JsValue, JsValue> {
    list_to_js(crate::kb::q850_causes())
}

/// Every registered Warning code (RFC 3261 §20.43 and the IANA registry),
/// sorted: warn-text, defining specification and meaning.
#[wasm_bindgen(js_name = listWarnings, unchecked_return_type = "WarningInfo[]")]
pub fn list_warnings() -> Result<JsValue, JsValue> {
    list_to_js(crate::kb::warnings())
}

/// Every Reason header protocol siplens knows (RFC 3326 §2): name,
/// defining specification, which `cause=` values it takes, meaning.
#[wasm_bindgen(js_name = listReasonProtocols, unchecked_return_type = "ReasonProtocol[]")]
pub fn list_reason_protocols() -> Result<JsValue, JsValue> {
    list_to_js(crate::kb::reason_protocols())
}

/// The RFC 3398 §7.2.4.1 table, SIP status → ISUP (Q.850) cause, sorted by
/// SIP code (what Compare shows beside two codes).
#[wasm_bindgen(js_name = listSipToQ850, unchecked_return_type = "SipToQ850[]")]
pub fn list_sip_to_q850() -> Result<JsValue, JsValue> {
    list_to_js(crate::kb::sip_to_q850_table())
}

/// The RFC 3398 §8.2.6.1 table, ISUP (Q.850) cause → SIP status, in RFC
/// order (`cause: null` is the default row).
#[wasm_bindgen(js_name = listQ850ToSip, unchecked_return_type = "Q850ToSip[]")]
pub fn list_q850_to_sip() -> Result<JsValue, JsValue> {
    list_to_js(crate::kb::q850_to_sip_table())
}

/// Every defined 3GPP `RELEASE_CAUSE` value (TS 24.229): the values of the
/// Reason protocol `RELEASE_CAUSE`.
#[wasm_bindgen(js_name = listReleaseCauses, unchecked_return_type = "ReleaseCause[]")]
pub fn list_release_causes() -> Result<JsValue, JsValue> {
    list_to_js(crate::kb::release_causes())
}

#[cfg(not(feature = "core-only"))]
/// Redacted text and what was replaced: the result of `redact`.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RedactedText {
    /// The text with every covered identifier replaced by its alias.
    pub text: String,
    /// Counts by kind and the alias map. The map holds the original values:
    /// keep it on this machine.
    pub report: Report,
}

#[cfg(not(feature = "core-only"))]
/// Replaces subscriber identities and network secrets in `text` (one
/// message, a trace, log lines) with stable, shape-keeping aliases; each
/// message's Content-Length is fixed. `options` defaults to the `network`
/// level. Throws for an unknown level, kind ID or option field; empty text
/// gives empty text.
#[wasm_bindgen]
pub fn redact(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "RedactOptions | null")] options: Option<
        JsValue,
    >,
) -> Result<Ts<RedactedText>, JsValue> {
    let text = text_arg("redact", "text", &text)?;
    let opts = redact_options("redact", options)?;
    let out = crate::redact::redact_text(text.as_bytes(), &opts);
    to_js(&RedactedText {
        text: String::from_utf8_lossy(&out.output).into_owned(),
        report: out.report,
    })
}

#[cfg(not(feature = "core-only"))]
/// A capture redaction without its bytes: the part of `redactCapture`'s
/// result that crosses as JSON (`bytes` is added as a `Uint8Array`).
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RedactedCaptureInfo {
    /// `pcap` or `pcapng` (the output keeps the input's format).
    #[tsify(type = r#""pcap" | "pcapng" | "unknown""#)]
    pub format: &'static str,
    /// Counts by kind and the alias map (original values: keep it local).
    pub report: Report,
    /// What happened to the packets (non-SIP packets are dropped).
    pub packets: PacketCounts,
    /// False when the capture is damaged: `bytes` holds what came before.
    pub complete: bool,
    /// Damage, dropped blocks, packets that could not be rewritten.
    pub notes: Vec<String>,
}

#[cfg(not(feature = "core-only"))]
#[wasm_bindgen(typescript_custom_section)]
const TS_REDACTED_CAPTURE: &str = r#"
/** The result of `redactCapture`: the redacted capture and what was replaced. */
export interface RedactedCapture extends RedactedCaptureInfo {
    /** The redacted capture, in the input's format (pcap or pcapng). */
    bytes: Uint8Array;
}
"#;

#[cfg(not(feature = "core-only"))]
/// Redacts a pcap or pcapng capture: SIP payloads (UDP, TCP, WebSocket,
/// SCTP) and IP/MAC addresses get the same aliases as `redact` gives text,
/// lengths, sequence numbers and checksums are fixed, and packets that
/// carry no SIP are dropped (their payloads could hold identifiers).
/// Throws for empty input, input that is not a capture, or bad options.
#[wasm_bindgen(js_name = redactCapture, unchecked_return_type = "RedactedCapture")]
pub fn redact_capture(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "RedactOptions | null")] options: Option<
        JsValue,
    >,
) -> Result<JsValue, JsValue> {
    const F: &str = "redactCapture";
    let bytes = bytes_arg(F, "bytes", &bytes)?;
    let opts = redact_options(F, options)?;
    crate::diagnose::check_input(&bytes).map_err(error)?;
    if !crate::capture::is_capture(&bytes) {
        return Err(error("not a pcap or pcapng capture"));
    }
    let out = crate::redact::capture::redact_capture(&bytes, &opts);
    let info = to_js(&RedactedCaptureInfo {
        format: out.format,
        report: out.report,
        packets: out.packets,
        complete: out.complete,
        notes: out.notes,
    })?;
    let obj: JsValue = info.into();
    js_sys::Reflect::set(
        &obj,
        &JsValue::from_str("bytes"),
        &js_sys::Uint8Array::from(out.output.as_slice()),
    )
    .map_err(|_| error("internal error: cannot set bytes"))?;
    Ok(obj)
}

/// Every kind of identifier `redact` knows: stable ID, the level that first
/// replaces it, label and what it covers.
#[wasm_bindgen(js_name = redactionKinds, unchecked_return_type = "KindInfo[]")]
pub fn redaction_kinds() -> Result<JsValue, JsValue> {
    list_to_js(crate::redact::KINDS)
}

// ---- Streaming (issue 15): `TraceStream`, a trace fed in chunks. ----

/// A trace decoded as its bytes arrive (pasted text, a log being read, a
/// capture file read in slices): `push` each chunk and get the messages it
/// completed, then `finish` for the last messages and the flow summary.
/// The result equals `decodeTrace` / `decodeCapture` of the whole input.
/// The first four bytes tell a capture from text. A message of a text is
/// handed over once the next one starts (only then is its end known); a
/// capture's once its packet is read.
#[cfg(not(feature = "core-only"))]
#[wasm_bindgen(js_name = TraceStream)]
pub struct JsTraceStream {
    inner: Option<crate::trace::incremental::TraceStream>,
    /// Only ASCII white space so far (the empty-input rule of `decodeTrace`).
    blank: bool,
}

#[cfg(not(feature = "core-only"))]
#[wasm_bindgen(js_class = TraceStream)]
impl JsTraceStream {
    /// An empty stream; `keys` (optional) for SIP inside IPsec ESP when the
    /// input is a capture, the object `decodeCaptureKeys` takes:
    /// `{ espSa: [...], ck, ik }`. The keys stay in the stream: nothing of
    /// them is in what it returns. Bad keys throw an `Error` (a `TypeError`
    /// when `keys` is not such an object).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "EspKeyTexts | null")] keys: Option<JsValue>,
    ) -> Result<JsTraceStream, JsValue> {
        const F: &str = "TraceStream";
        let keys = match keys.filter(|k| !k.is_null() && !k.is_undefined()) {
            None => crate::capture::esp::EspKeys::default(),
            Some(k) => {
                let texts: crate::capture::esp::EspKeyTexts =
                    json_arg(F, "keys", "an object { espSa?, ck?, ik? }", &k)?;
                texts
                    .keys()
                    .map_err(|e| error(format!("{F}: invalid keys: {e}")))?
            }
        };
        Ok(JsTraceStream {
            inner: Some(crate::trace::incremental::TraceStream::with_keys(keys)),
            blank: true,
        })
    }

    /// Adds the next chunk: a string (read as UTF-8) or bytes (a
    /// `Uint8Array`, a Node `Buffer`, an `ArrayBuffer`); returns the
    /// messages it completed, numbered and correlated as in the whole
    /// trace (`from` and `to` are null until `finish`: see its `lanes`).
    /// Throws a `TypeError` for another type, an `Error` after `finish`.
    #[wasm_bindgen(unchecked_return_type = "TraceMessage[]")]
    pub fn push(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] chunk: JsValue,
    ) -> Result<JsValue, JsValue> {
        const F: &str = "TraceStream.push";
        let bytes = match chunk.as_string() {
            Some(s) => s.into_bytes(),
            None => bytes_arg(F, "chunk", &chunk).map_err(|_| {
                type_error(
                    F,
                    "chunk",
                    "a string, a Uint8Array or an ArrayBuffer",
                    &chunk,
                )
            })?,
        };
        let stream = self.inner.as_mut().ok_or_else(finished)?;
        self.blank &= bytes.iter().all(u8::is_ascii_whitespace);
        let messages = stream.push(&bytes);
        to_json(&messages)
    }

    /// Ends the input: the messages only the end completed, every
    /// message's lanes and the flow summary (dialogs, calls, findings).
    /// Throws `Error("empty input: no SIP message")` when every chunk was
    /// empty or white space, as `decodeTrace` does, and an `Error` when
    /// called twice.
    pub fn finish(&mut self) -> Result<Ts<crate::trace::incremental::StreamEnd>, JsValue> {
        let stream = self.inner.take().ok_or_else(finished)?;
        if self.blank {
            crate::diagnose::check_input(b"").map_err(error)?;
        }
        let (messages, summary) = stream.finish();
        to_js(&crate::trace::incremental::StreamEnd::new(
            messages, summary,
        ))
    }
}

#[cfg(not(feature = "core-only"))]
fn finished() -> JsValue {
    error("TraceStream: finish() was already called; start a new TraceStream")
}

#[cfg(not(feature = "core-only"))]
/// Any serialisable value to JS through JSON, as [`to_js`].
fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let json = serde_json::to_string(value).map_err(error)?;
    js_sys::JSON::parse(&json).map_err(|_| error("internal error: invalid JSON"))
}

// ---- end of streaming ----

fn decoded(input: &[u8]) -> Result<JsValue, JsValue> {
    crate::diagnose::check_input(input).map_err(error)?;
    Ok(to_js(&crate::diagnose::decode(input))?.js_value())
}

/// A real JS `Error` with `message`.
fn error(message: impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&message.to_string()).into()
}

/// `TypeError("f: name must be expected, got …")`.
fn type_error(f: &str, name: &str, expected: &str, got: &JsValue) -> JsValue {
    let msg = format!("{f}: {name} must be {expected}, got {}", describe(got));
    js_sys::TypeError::new(&msg).into()
}

/// What a wrong argument is, for a `TypeError`: `undefined`, `null`, `a number`,
/// `an object`, `an array`, or the class of a typed array or other object
/// (`Uint16Array`, `Map`). The value itself is never echoed (it may be large or
/// hold a subscriber's identity).
fn describe(v: &JsValue) -> String {
    if v.is_null() {
        return "null".into();
    }
    if js_sys::Array::is_array(v) {
        return "an array".into();
    }
    let ty = v.js_typeof().as_string().unwrap_or_default();
    match ty.as_str() {
        "undefined" => ty,
        // Symbol.toStringTag names typed arrays and most built-ins, across realms.
        "object" => js_sys::Reflect::get(v, &js_sys::Symbol::to_string_tag())
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_else(|| "an object".into()),
        _ => format!("a {ty}"),
    }
}

/// A string argument.
fn text_arg(f: &str, name: &str, v: &JsValue) -> Result<String, JsValue> {
    v.as_string()
        .ok_or_else(|| type_error(f, name, "a string", v))
}

/// A bytes argument: a `Uint8Array` (a Node `Buffer` is one) or an `ArrayBuffer`,
/// copied into the module's memory (as wasm-bindgen's `&[u8]` would). Recognised by
/// `Symbol.toStringTag` as well as `instanceof`, so a Buffer from another realm (a
/// `vm` context, Jest) is accepted too.
fn bytes_arg(f: &str, name: &str, v: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(a) = v.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(a.to_vec());
    }
    if let Some(b) = v.dyn_ref::<js_sys::ArrayBuffer>() {
        return Ok(js_sys::Uint8Array::new(b).to_vec());
    }
    if v.is_object() && !v.is_function() {
        let tag = js_sys::Reflect::get(v, &js_sys::Symbol::to_string_tag())
            .ok()
            .and_then(|t| t.as_string());
        if matches!(tag.as_deref(), Some("Uint8Array" | "ArrayBuffer")) {
            return Ok(js_sys::Uint8Array::new(v).to_vec());
        }
    }
    Err(type_error(f, name, "a Uint8Array or an ArrayBuffer", v))
}

#[cfg(not(feature = "core-only"))]
/// A list of non-negative integers: an array of numbers or a `Uint32Array`.
fn numbers_arg(f: &str, name: &str, v: &JsValue) -> Result<Vec<u64>, JsValue> {
    if let Some(a) = v.dyn_ref::<js_sys::Uint32Array>() {
        return Ok(a.to_vec().into_iter().map(u64::from).collect());
    }
    let expected = "an array of non-negative integers or a Uint32Array";
    let Some(a) = v.dyn_ref::<js_sys::Array>() else {
        return Err(type_error(f, name, expected, v));
    };
    a.iter()
        .map(|x| match x.as_f64() {
            Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 => Ok(n as u64),
            _ => Err(type_error(f, name, expected, v)),
        })
        .collect()
}

/// A JS number as a status code: any integer that fits 16 bits (codes are open).
fn status_code(f: &str, name: &str, v: &JsValue) -> Result<u16, JsValue> {
    let n = v
        .as_f64()
        .ok_or_else(|| type_error(f, name, "a number (an integer 0-65535)", v))?;
    if n.fract() == 0.0 && (0.0..=f64::from(u16::MAX)).contains(&n) {
        Ok(n as u16)
    } else {
        // As JS writes the number (`Infinity`, `NaN`, `1.5`), not as Rust does (`inf`).
        // Radix 10 never fails; no Rust float formatting (it would add ~15 KB to the core).
        let js: String = js_sys::Number::from(n)
            .to_string_with_radix(10)
            .map_or_else(|_| "a number".to_owned(), String::from);
        let msg = format!("{f}: {name} must be an integer 0-65535, got {js}");
        Err(js_sys::RangeError::new(&msg).into())
    }
}

#[cfg(not(feature = "core-only"))]
/// A plain JS options object read the way results are written, through
/// JSON (`JSON.stringify`, then serde), then checked; `undefined` or `null`
/// means defaults. Anything but a plain object is a `TypeError`; an unknown
/// field or value is an `Error("invalid redaction options: …")`.
fn redact_options(f: &str, options: Option<JsValue>) -> Result<RedactOptions, JsValue> {
    let Some(options) = options.filter(|o| !o.is_null() && !o.is_undefined()) else {
        return Ok(RedactOptions::default());
    };
    if !options.is_object() || options.is_function() || js_sys::Array::is_array(&options) {
        return Err(type_error(
            f,
            "options",
            "an object (RedactOptions), null or undefined",
            &options,
        ));
    }
    let invalid = |why: &str| error(format!("invalid redaction options: {why}"));
    let json = js_sys::JSON::stringify(&options)
        .ok()
        .and_then(|s| JsValue::from(s).as_string())
        .ok_or_else(|| invalid("not a JSON object"))?;
    let opts: RedactOptions = serde_json::from_str(&json).map_err(|e| {
        // serde_json's position is in the stringified object, not the caller's code.
        let why = e.to_string();
        invalid(
            why.rsplit_once(" at line ")
                .map_or(why.as_str(), |(m, _)| m),
        )
    })?;
    opts.validate().map_err(|e| invalid(&e))?;
    Ok(opts)
}

/// The one conversion of every result to JS, typed for the declarations (see
/// [`to_js_value`]).
fn to_js<T: Serialize + Tsify>(value: &T) -> Result<Ts<T>, JsValue> {
    Ok(Ts::new_unchecked(to_js_value(value)?))
}

/// A list result as one JS array of objects (`T[]` in the declarations): one
/// conversion of the whole slice, not one per element.
fn list_to_js<T: Serialize + Tsify>(items: &[T]) -> Result<JsValue, JsValue> {
    to_js_value(items)
}

/// Every result's JS objects, in the JSON shape. The full module builds them with
/// serde-wasm-bindgen (`json_compatible`: `None` → `null`, maps → plain objects), the
/// fastest path measured over ten interleaved rounds (README, "Boundary cost"). It
/// refuses an integer JS cannot hold exactly (past 2^53, e.g. an SDP `b=` value); such
/// a result crosses as a JSON string and `JSON.parse`, which rounds it as before.
///
/// The core module takes the JSON path only: serde-wasm-bindgen is a second
/// serializer, so a second instantiation of every DTO's `Serialize`; without it the
/// core is 13 KB gzip smaller (README, "Size and speed"). The JS objects are the same.
fn to_js_value<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    #[cfg(not(feature = "core-only"))]
    if let Ok(js) = value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()) {
        return Ok(js);
    }
    // Never fails for the DTOs (string keys only); the fixed message keeps serde_json's
    // error formatting out of the core.
    let json = serde_json::to_string(value)
        .map_err(|_| error("internal error: the result cannot be serialised"))?;
    js_sys::JSON::parse(&json).map_err(|_| error("internal error: invalid JSON"))
}

// ---- The lazy entry: `parse` frames now, `SipMessage` reads on demand (issue 14) ----

#[wasm_bindgen(typescript_custom_section)]
const TS_SIP_CSEQ: &str = r#"
/** A CSeq read by `SipMessage.cseq`: `seq` is null when the number does not fit 32 bits. */
export interface SipCSeq {
    seq: number | null;
    method: string;
}
// wasm-bindgen declares `[Symbol.dispose]()` on every class; `Symbol.dispose` is only in
// TypeScript's `esnext.disposable` lib, so declare it here (as @types/node does) for
// consumers whose `lib` is older.
declare global {
    interface SymbolConstructor {
        readonly dispose: unique symbol;
    }
}
/**
 * A SIP message framed by `parse`: start line, header list and body are known;
 * everything else is read when asked. It holds the text and the framer's spans,
 * no module memory: nothing needs releasing (`free()` is a no-op kept for
 * compatibility). Header names match as the parser matches them: a registered
 * name in any case or by its compact form (`"i"` is Call-ID), any other name
 * case-insensitively.
 */
export class SipMessage {
    private constructor();
    /** Nothing to release; kept for compatibility. */
    free(): void;
    /** The whole diagnosis, the same object `decode(text)` returns. */
    diagnose(): Decoded;
    /** The value of the first header named `name`, as written; undefined when there is none. */
    header(name: string): string | undefined;
    /**
     * The values of every header named `name`, in order (one entry per header line; a
     * comma-separated line is not split).
     */
    headers(name: string): string[];
    /** The body's bytes (exactly the framed octets). */
    readonly bodyBytes: Uint8Array;
    /** The body as text (exactly the framed octets; empty when none). */
    readonly body: string;
    /** The Call-ID as written. */
    readonly callId: string | undefined;
    /**
     * The first CSeq, parsed when read; undefined when there is none or it does not start
     * with a number (`diagnose()` says why).
     */
    readonly cseq: SipCSeq | undefined;
    /** How many header lines the message has, duplicates included. */
    readonly headerCount: number;
    /** `"request"`, `"response"` or `"invalid"` (as `Decoded.kind`). */
    readonly kind: "request" | "response" | "invalid";
    /** The method as written, for a request. */
    readonly method: string | undefined;
    /** The Reason-Phrase, for a response (may be empty). */
    readonly reasonPhrase: string | undefined;
    /** The Request-URI as written, for a request. */
    readonly requestUri: string | undefined;
    /** The status code, for a response whose code is a number (0–65535). */
    readonly statusCode: number | undefined;
}
"#;

// The `SipMessage` class is JS (src/lazy.js): it keeps the JS string and the spans
// `crate::lazy::frame` found, so it holds no module memory, needs no
// FinalizationRegistry and no `free()`. A wasm-bindgen class did; measured, its
// registration and release were about a tenth of `parse` (docs/PERFORMANCE.md).
#[wasm_bindgen(module = "/src/lazy.js")]
extern "C" {
    /// What `parse` calls in src/lazy.js, made once per module by `install`.
    type LazyBinding;
    fn install(memory: &JsValue, names: &str, hook: &JsValue) -> LazyBinding;
    /// Writes a JS string as UTF-8 at `ptr`: bytes written, -1 not a string, -2 no room.
    #[wasm_bindgen(method)]
    fn encode(this: &LazyBinding, text: &JsValue, ptr: u32, cap: u32) -> i32;
    /// A `SipMessage` of `text` and a copy of the `len` spans at `ptr`.
    #[wasm_bindgen(method)]
    fn make(this: &LazyBinding, text: &JsValue, ptr: u32, len: u32) -> JsValue;
}

/// Bytes of the buffer `parse` encodes into; a SIP message is rarely longer.
/// A longer text grows it for that call.
const SCRATCH_LEN: usize = 64 * 1024;

/// The per-module state of the lazy entry: the JS binding, the UTF-8 buffer
/// (`encodeInto` writes the text there, and it is framed in place) and the spans.
struct Lazy {
    js: LazyBinding,
    utf8: Vec<u8>,
    spans: Vec<u32>,
}

thread_local! {
    static LAZY: RefCell<Option<Lazy>> = const { RefCell::new(None) };
}

/// The header registry for src/lazy.js: `Name` or `Name c` (compact form), one row
/// a line, in registry order.
fn header_rows() -> String {
    let rows = crate::header_name::HEADERS
        .iter()
        .map(|(_, h)| match h.compact {
            Some(c) => format!("{} {c}", h.name),
            None => h.name.to_owned(),
        });
    rows.collect::<Vec<_>>().join("\n")
}

/// What a `SipMessage` asks of the module (src/lazy.js `hook`).
fn lazy_hook(op: u32, arg: JsValue) -> Result<JsValue, JsValue> {
    match op {
        0 => decode(arg),
        1 => {
            let value = arg.as_string().unwrap_or_default();
            let Some(c) = crate::lazy::read_cseq(crate::span::Text::new(
                value.as_bytes(),
                crate::span::Span::new(0, value.len()),
            )) else {
                return Ok(JsValue::UNDEFINED);
            };
            let o = js_sys::Object::new();
            let seq = c.seq.map_or(JsValue::NULL, JsValue::from);
            // Setting a data property on a fresh plain object cannot fail.
            let _ = js_sys::Reflect::set(&o, &"seq".into(), &seq);
            let _ = js_sys::Reflect::set(&o, &"method".into(), &c.method.as_str().as_ref().into());
            Ok(o.into())
        }
        _ => {
            let a = js_sys::Array::from(&arg);
            let f = a.get(0).as_string().unwrap_or_default();
            Ok(type_error(&f, "name", "a string", &a.get(1)))
        }
    }
}

/// Frames one SIP message given as text (start line, header list, body) and
/// returns it as a `SipMessage` whose accessors read it on demand;
/// `diagnose()` gives what `decode(text)` gives. Much cheaper than `decode`
/// when only a few fields are read. Same empty-input rule as `decode`.
#[wasm_bindgen(unchecked_return_type = "SipMessage")]
pub fn parse(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
) -> Result<JsValue, JsValue> {
    LAZY.with(|lazy| {
        let mut lazy = lazy.borrow_mut();
        let lazy = lazy.get_or_insert_with(|| {
            let hook = Closure::<dyn Fn(u32, JsValue) -> Result<JsValue, JsValue>>::new(lazy_hook);
            Lazy {
                js: install(
                    &wasm_bindgen::memory(),
                    &header_rows(),
                    &hook.into_js_value(),
                ),
                utf8: vec![0; SCRATCH_LEN],
                spans: Vec::with_capacity(256),
            }
        });
        // One native `TextEncoder.encodeInto` into the module's memory: wasm-bindgen's
        // own string argument copies ASCII one UTF-16 unit at a time in JS, and
        // `encode` makes a JS buffer for the collector (docs/PERFORMANCE.md).
        let mut n = lazy
            .js
            .encode(&text, lazy.utf8.as_ptr() as u32, lazy.utf8.len() as u32);
        // A longer text: room for one byte per UTF-16 unit (all of an ASCII text), else
        // for three (the most UTF-8 takes per unit).
        for per_unit in [1, 3] {
            if n != -2 {
                break;
            }
            let units = text.unchecked_ref::<js_sys::JsString>().length() as usize;
            let want = units.saturating_mul(per_unit);
            if want <= lazy.utf8.len() {
                continue;
            }
            lazy.utf8.resize(want, 0);
            n = lazy
                .js
                .encode(&text, lazy.utf8.as_ptr() as u32, lazy.utf8.len() as u32);
        }
        let Ok(n) = usize::try_from(n) else {
            return Err(type_error("parse", "text", "a string", &text));
        };
        let bytes = &lazy.utf8[..n.min(lazy.utf8.len())];
        crate::diagnose::check_input(bytes).map_err(error)?;
        lazy.spans.clear();
        crate::lazy::frame(bytes, &mut lazy.spans);
        let m = lazy
            .js
            .make(&text, lazy.spans.as_ptr() as u32, lazy.spans.len() as u32);
        if lazy.utf8.len() > SCRATCH_LEN {
            lazy.utf8 = vec![0; SCRATCH_LEN];
        }
        Ok(m)
    })
}

// ---- end of the lazy entry ----

/// Alternative boundary crossings, measured against [`decode`] by `make bench-js`
/// (README, "Boundary cost"); built only with the `bench-boundary` feature.
#[cfg(feature = "bench-boundary")]
pub mod boundary {
    use super::*;

    /// serde-wasm-bindgen builds the JS objects directly (None → null, as JSON).
    #[wasm_bindgen(js_name = decodeSerdeWasmBindgen)]
    pub fn decode_swb(text: &str) -> Result<JsValue, JsError> {
        let ser = serde_wasm_bindgen::Serializer::json_compatible();
        Ok(crate::diagnose::decode(text.as_bytes()).serialize(&ser)?)
    }

    /// serde_json string, `JSON.parse` called from wasm: the JSON path whichever
    /// path [`super::decode`] ships, so the bench rows do not depend on that choice.
    #[wasm_bindgen(js_name = decodeJsonParseInWasm)]
    pub fn decode_json_parse_in_wasm(text: &str) -> Result<JsValue, JsValue> {
        let json =
            serde_json::to_string(&crate::diagnose::decode(text.as_bytes())).map_err(error)?;
        js_sys::JSON::parse(&json)
    }

    /// One JSON string across the boundary; the caller runs `JSON.parse`.
    #[wasm_bindgen(js_name = decodeJsonString)]
    pub fn decode_json_string(text: &str) -> Result<String, JsError> {
        Ok(serde_json::to_string(&crate::diagnose::decode(
            text.as_bytes(),
        ))?)
    }

    /// Decode with nothing converted (the floor any lazy-accessor design pays):
    /// returns only the number of findings.
    #[wasm_bindgen(js_name = decodeCoreOnly)]
    pub fn decode_core_only(text: &str) -> usize {
        crate::diagnose::decode(text.as_bytes()).findings.len()
    }
}
