//! WebAssembly adapter: the JS-facing surface of siplens.
//!
//! One thin file of short adapters over the core; it holds no SIP logic of its own
//! (the core knows nothing of JS). Compiled only for `target_arch = "wasm32"`.
//! JS names are camelCase.

use wasm_bindgen::prelude::*;

/// The siplens crate version, e.g. `"0.1.0"`; lets the page prove the module loaded.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The class label of a SIP status code (RFC 3261 §21), e.g. `486` → `"request failure"`.
///
/// Any `u16` is accepted: codes are open, unknown ones are explained by their class.
#[wasm_bindgen(js_name = statusClass)]
pub fn status_class(code: u16) -> String {
    crate::StatusCode(code).class().label().to_owned()
}

/// Parses and diagnoses one SIP message (the JSON contract of
/// [`crate::Decoded`], as a plain JS object). A malformed message is a
/// normal result with findings.
#[wasm_bindgen]
pub fn decode(text: &str) -> Result<JsValue, JsError> {
    let json = serde_json::to_string(&crate::decode(text.as_bytes()))?;
    js_sys::JSON::parse(&json).map_err(|_| JsError::new("internal error: invalid JSON"))
}
