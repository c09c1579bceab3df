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
//! - Options come in as plain JS objects, read through JSON as results go out; a bad
//!   option throws.
//! - A malformed SIP message is a normal result with findings. Only input that cannot
//!   be decoded at all ([`crate::check_input`]) or an invalid argument throws, always a
//!   real JS `Error`.

use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::kb::{CodeGroup, CodeLookup, Comparison};
use crate::redact::capture::PacketCounts;
use crate::redact::{KindInfo, RedactOptions, Report};
use crate::trace::Trace;
use crate::Decoded;

/// The siplens crate version, e.g. `"0.1.0"`; lets a page prove the module loaded.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Parses and diagnoses one SIP message given as text.
///
/// Throws `Error("empty input: no SIP message")` when `text` is empty or only
/// ASCII whitespace; any other text decodes (a malformed message has findings).
#[wasm_bindgen]
pub fn decode(text: &str) -> Result<Ts<Decoded>, JsError> {
    decoded(text.as_bytes())
}

/// Parses and diagnoses one SIP message given as raw bytes (need not be UTF-8;
/// spans are byte offsets into `bytes`). Same empty-input rule as `decode`.
#[wasm_bindgen(js_name = decodeBytes)]
pub fn decode_bytes(bytes: &[u8]) -> Result<Ts<Decoded>, JsError> {
    decoded(bytes)
}

/// Decodes pasted text holding any number of SIP messages (and log lines
/// around them) as a trace: messages, transactions, dialogs, calls and flow
/// findings. Same empty-input rule as `decode`; text without a SIP start
/// line is a normal `Trace` with a capture finding.
#[wasm_bindgen(js_name = decodeTrace)]
pub fn decode_trace(text: &str) -> Result<Ts<Trace>, JsError> {
    crate::check_input(text.as_bytes())?;
    to_js(&crate::trace::decode_trace_text(text))
}

/// Decodes a pcap or pcapng capture as a trace. Same empty-input rule as
/// `decode`; a capture without SIP (or not a capture at all) is a normal
/// `Trace` whose `captureFindings` say why.
#[wasm_bindgen(js_name = decodeCapture)]
pub fn decode_capture(bytes: &[u8]) -> Result<Ts<Trace>, JsError> {
    crate::check_input(bytes)?;
    to_js(&crate::trace::decode_capture(bytes))
}

/// `decodeCapture`, calling `onProgress(bytesRead, totalBytes)` about
/// every hundredth of the capture while it is read (the page's worker
/// forwards it as a progress bar). An exception thrown by `onProgress` is
/// ignored.
#[wasm_bindgen(js_name = decodeCaptureProgress)]
pub fn decode_capture_progress(
    bytes: &[u8],
    on_progress: &js_sys::Function,
) -> Result<Ts<Trace>, JsError> {
    crate::check_input(bytes)?;
    let total = JsValue::from(bytes.len() as f64);
    let mut progress = |done: usize| {
        let _ = on_progress.call2(&JsValue::NULL, &JsValue::from(done as f64), &total);
    };
    to_js(&crate::trace::decode_capture_progress(bytes, &mut progress))
}

/// Everything known about one status code; unknown codes are read by their
/// class (RFC 3261 §21). Throws unless `code` is an integer in 0–65535.
#[wasm_bindgen(js_name = lookupCode)]
pub fn lookup_code(code: f64) -> Result<Ts<CodeLookup>, JsError> {
    to_js(&crate::kb::lookup_code(status_code(code)?))
}

/// Every registered status code, grouped by class, 1xx first.
#[wasm_bindgen(js_name = listCodes)]
pub fn list_codes() -> Result<Vec<Ts<CodeGroup>>, JsError> {
    crate::kb::list_codes().iter().map(to_js).collect()
}

/// Two status codes side by side. Throws unless both are integers in 0–65535.
#[wasm_bindgen(js_name = compareCodes)]
pub fn compare_codes(a: f64, b: f64) -> Result<Ts<Comparison>, JsError> {
    to_js(&crate::kb::compare_codes(status_code(a)?, status_code(b)?))
}

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

/// Replaces subscriber identities and network secrets in `text` (one
/// message, a trace, log lines) with stable, shape-keeping aliases; each
/// message's Content-Length is fixed. `options` defaults to the `network`
/// level. Throws for an unknown level, kind ID or option field; empty text
/// gives empty text.
#[wasm_bindgen]
pub fn redact(text: &str, options: Option<Ts<RedactOptions>>) -> Result<Ts<RedactedText>, JsError> {
    let opts = redact_options(options)?;
    let out = crate::redact::redact_text(text.as_bytes(), &opts);
    to_js(&RedactedText {
        text: String::from_utf8_lossy(&out.output).into_owned(),
        report: out.report,
    })
}

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

#[wasm_bindgen(typescript_custom_section)]
const TS_REDACTED_CAPTURE: &str = r#"
/** The result of `redactCapture`: the redacted capture and what was replaced. */
export interface RedactedCapture extends RedactedCaptureInfo {
    /** The redacted capture, in the input's format (pcap or pcapng). */
    bytes: Uint8Array;
}
"#;

/// Redacts a pcap or pcapng capture: SIP payloads (UDP, TCP, WebSocket,
/// SCTP) and IP/MAC addresses get the same aliases as `redact` gives text,
/// lengths, sequence numbers and checksums are fixed, and packets that
/// carry no SIP are dropped (their payloads could hold identifiers).
/// Throws for empty input, input that is not a capture, or bad options.
#[wasm_bindgen(js_name = redactCapture, unchecked_return_type = "RedactedCapture")]
pub fn redact_capture(
    bytes: &[u8],
    options: Option<Ts<RedactOptions>>,
) -> Result<JsValue, JsError> {
    crate::check_input(bytes)?;
    let opts = redact_options(options)?;
    if !crate::trace::capture::is_capture(bytes) {
        return Err(JsError::new("not a pcap or pcapng capture"));
    }
    let out = crate::redact::capture::redact_capture(bytes, &opts);
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
    .map_err(|_| JsError::new("internal error: cannot set bytes"))?;
    Ok(obj)
}

/// Every kind of identifier `redact` knows: stable ID, the level that first
/// replaces it, label and what it covers.
#[wasm_bindgen(js_name = redactionKinds)]
pub fn redaction_kinds() -> Result<Vec<Ts<KindInfo>>, JsError> {
    crate::redact::KINDS.iter().map(to_js).collect()
}

fn decoded(input: &[u8]) -> Result<Ts<Decoded>, JsError> {
    crate::check_input(input)?;
    to_js(&crate::decode(input))
}

/// A JS number as a status code: any integer that fits 16 bits (codes are open).
fn status_code(n: f64) -> Result<u16, JsError> {
    if n.fract() == 0.0 && (0.0..=f64::from(u16::MAX)).contains(&n) {
        Ok(n as u16)
    } else {
        Err(JsError::new(&format!(
            "invalid status code: {n} (expected an integer 0-65535)"
        )))
    }
}

/// A plain JS options object read the way results are written, through
/// JSON (`JSON.stringify`, then serde), then checked; absent means defaults.
fn redact_options(options: Option<Ts<RedactOptions>>) -> Result<RedactOptions, JsError> {
    let Some(options) = options else {
        return Ok(RedactOptions::default());
    };
    let invalid = |why: &str| JsError::new(&format!("invalid redaction options: {why}"));
    let json = js_sys::JSON::stringify(&options.js_value())
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

/// The one conversion of every result to JS: serde_json, then `JSON.parse`
/// (fastest of the options measured; see the README, "Boundary cost").
fn to_js<T: Serialize + Tsify>(value: &T) -> Result<Ts<T>, JsError> {
    let json = serde_json::to_string(value)?;
    let js =
        js_sys::JSON::parse(&json).map_err(|_| JsError::new("internal error: invalid JSON"))?;
    Ok(Ts::new_unchecked(js))
}

/// Alternative boundary crossings, measured against [`decode`] by `make bench-js`
/// (README, "Boundary cost"); built only with the `bench-boundary` feature.
#[cfg(feature = "bench-boundary")]
pub mod boundary {
    use super::*;

    /// serde-wasm-bindgen builds the JS objects directly (None → null, as JSON).
    #[wasm_bindgen(js_name = decodeSerdeWasmBindgen)]
    pub fn decode_swb(text: &str) -> Result<JsValue, JsError> {
        let ser = serde_wasm_bindgen::Serializer::json_compatible();
        Ok(crate::decode(text.as_bytes()).serialize(&ser)?)
    }

    /// One JSON string across the boundary; the caller runs `JSON.parse`.
    #[wasm_bindgen(js_name = decodeJsonString)]
    pub fn decode_json_string(text: &str) -> Result<String, JsError> {
        Ok(serde_json::to_string(&crate::decode(text.as_bytes()))?)
    }

    /// Decode with nothing converted (the floor any lazy-accessor design pays):
    /// returns only the number of findings.
    #[wasm_bindgen(js_name = decodeCoreOnly)]
    pub fn decode_core_only(text: &str) -> usize {
        crate::decode(text.as_bytes()).findings.len()
    }
}
