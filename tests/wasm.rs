//! The JS-facing exports, run in Node by `wasm-pack test --node` (see `make test-wasm`):
//! each export's result equals the core's serde JSON (the CLI's `--json`), each
//! error path throws a real `Error` with its message, and an argument of the wrong
//! type throws a `TypeError` naming the function, never a raw wasm error.
#![cfg(target_arch = "wasm32")]

use siplens::wasm;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const AKA_401: &str = "SIP/2.0 401 Unauthorized\r\n\
Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1\r\n\
From: <sip:user@ims.example.com>;tag=a\r\n\
To: <sip:user@ims.example.com>;tag=b\r\n\
Call-ID: reg-1\r\n\
CSeq: 1 REGISTER\r\n\
WWW-Authenticate: Digest realm=\"ims.example.com\",nonce=\"bm9uY2U=\",algorithm=AKAv1-MD5,qop=\"auth\"\r\n\
Content-Length: 0\r\n\r\n";

const RETRY_503: &str = "SIP/2.0 503 Service Unavailable\r\n\
Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-2\r\n\
From: <sip:user@ims.example.com>;tag=a\r\n\
To: <sip:user@ims.example.com>;tag=b\r\n\
Call-ID: reg-2\r\n\
CSeq: 2 REGISTER\r\n\
Retry-After: 30\r\n\
Content-Length: 0\r\n\r\n";

/// The JS value as serde_json sees it (via `JSON.stringify`).
fn json(v: JsValue) -> serde_json::Value {
    let s: String = js_sys::JSON::stringify(&v).unwrap().into();
    serde_json::from_str(&s).unwrap()
}

/// The message of a thrown `Error` (panics when the value is not an `Error`).
fn error_message(e: JsValue) -> String {
    e.dyn_into::<js_sys::Error>()
        .expect("a real Error")
        .message()
        .into()
}

/// The message of a thrown `TypeError` (panics when it is another value).
fn type_error_message(e: JsValue) -> String {
    assert!(
        e.is_instance_of::<js_sys::TypeError>(),
        "{e:?} is not a TypeError"
    );
    error_message(e)
}

/// A JS string argument.
fn s(text: &str) -> JsValue {
    JsValue::from_str(text)
}

/// A JS `Uint8Array` argument.
fn b(bytes: &[u8]) -> JsValue {
    js_sys::Uint8Array::from(bytes).into()
}

/// A number as JS writes it (`NaN`, `1.5`, `-1`, `65536`).
fn js_number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else {
        v.to_string()
    }
}

/// A JS number argument.
fn n(v: f64) -> JsValue {
    JsValue::from_f64(v)
}

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(wasm::version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn decode_equals_the_core_json() {
    for text in [AKA_401, RETRY_503, "INVITE sip:x SIP/2.0\r\n\r\n"] {
        let js = wasm::decode(s(text)).unwrap();
        let core = serde_json::to_value(siplens::decode(text.as_bytes())).unwrap();
        assert_eq!(json(js), core);
    }
    let d = json(wasm::decode(s(AKA_401)).unwrap());
    assert_eq!(d["diagnosis"]["challenge"]["aka"], true);
    let d = json(wasm::decode(s(RETRY_503)).unwrap());
    assert_eq!(d["diagnosis"]["retry"]["afterSeconds"], 30);
    assert_eq!(d["status"]["final"], true);
}

#[wasm_bindgen_test]
fn malformed_message_is_a_result_not_an_error() {
    let d = json(wasm::decode(s("hello\r\n")).unwrap());
    assert_eq!(d["kind"], "invalid");
    assert!(!d["findings"].as_array().unwrap().is_empty());
}

#[wasm_bindgen_test]
fn decode_bytes_accepts_non_utf8() {
    let mut bytes = RETRY_503.as_bytes().to_vec();
    bytes.splice(8..8, [0xff, 0xfe]);
    let js = wasm::decode_bytes(b(&bytes)).unwrap();
    assert_eq!(
        json(js),
        serde_json::to_value(siplens::decode(&bytes)).unwrap()
    );
}

#[wasm_bindgen_test]
fn empty_input_throws() {
    for text in ["", " \r\n\t "] {
        let e = wasm::decode(s(text)).expect_err("throws");
        assert_eq!(error_message(e), "empty input: no SIP message");
        let e = wasm::decode_bytes(b(text.as_bytes())).expect_err("throws");
        assert_eq!(error_message(e), "empty input: no SIP message");
    }
}

#[wasm_bindgen_test]
fn lookup_list_compare_equal_the_core_json() {
    let l = wasm::lookup_code(n(499.0)).unwrap();
    assert_eq!(
        json(l.js_value()),
        serde_json::to_value(siplens::kb::lookup_code(499)).unwrap()
    );
    // One JS array, as `CodeGroup[]` declares.
    let groups = json(wasm::list_codes().unwrap());
    assert_eq!(
        groups,
        serde_json::to_value(siplens::kb::list_codes()).unwrap()
    );
    let c = wasm::compare_codes(n(486.0), n(600.0)).unwrap();
    assert_eq!(
        json(c.js_value()),
        serde_json::to_value(siplens::kb::compare_codes(486, 600)).unwrap()
    );
}

#[wasm_bindgen_test]
fn invalid_codes_throw() {
    for bad in [1.5, -1.0, 65536.0, f64::NAN] {
        let e = wasm::lookup_code(n(bad)).expect_err("throws");
        assert!(e.is_instance_of::<js_sys::RangeError>(), "{bad}");
        assert_eq!(
            error_message(e),
            format!(
                "lookupCode: code must be an integer 0-65535, got {}",
                js_number(bad)
            )
        );
        let e = wasm::compare_codes(n(200.0), n(bad)).expect_err("throws");
        assert!(error_message(e).starts_with("compareCodes: b must be an integer 0-65535"));
    }
}

const TRACE_TEXT: &str = include_str!("fixtures/traces/sngrep.txt");

/// Every number as an f64: JS has one number type, so a whole `f64` (`10000.0`) comes back
/// from `JSON.stringify` as `10000`, which serde_json reads as an integer.
fn numbers_as_f64(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Number(n) => Value::from(n.as_f64().expect("finite")),
        Value::Array(a) => Value::Array(a.into_iter().map(numbers_as_f64).collect()),
        Value::Object(o) => {
            Value::Object(o.into_iter().map(|(k, v)| (k, numbers_as_f64(v))).collect())
        }
        other => other,
    }
}
const CAPTURE: &[u8] = include_bytes!("fixtures/captures/sip_ipv6_udp.pcap");

#[wasm_bindgen_test]
fn decode_trace_equals_the_core_json() {
    let js = wasm::decode_trace(s(TRACE_TEXT)).unwrap();
    let core = serde_json::to_value(siplens::trace::decode_trace_text(TRACE_TEXT)).unwrap();
    let t = json(js.js_value());
    assert_eq!(numbers_as_f64(t.clone()), numbers_as_f64(core));
    assert_eq!(t["source"], "text");
    assert!(t["messages"].as_array().unwrap().len() > 1);
}

#[wasm_bindgen_test]
fn decode_capture_equals_the_core_json() {
    let js = wasm::decode_capture(b(CAPTURE)).unwrap();
    let core = serde_json::to_value(siplens::trace::decode_capture(CAPTURE)).unwrap();
    let t = json(js.js_value());
    assert_eq!(numbers_as_f64(t.clone()), numbers_as_f64(core));
    assert_eq!(t["source"], "pcap");
    assert!(!t["messages"].as_array().unwrap().is_empty());
}

#[wasm_bindgen_test]
fn filter_ladder_equals_the_core_filter() {
    let trace = wasm::decode_trace(s(TRACE_TEXT)).unwrap();
    let ladder = js_sys::Reflect::get(&trace.js_value(), &s("ladder")).unwrap();
    let core = siplens::trace::decode_trace_text(TRACE_TEXT).ladder;
    for (filter, want) in [
        (r#"{}"#, siplens::trace::LadderFilter::default()),
        (
            r#"{"dialog":0}"#,
            siplens::trace::LadderFilter {
                call_id: None,
                dialog: Some(0),
            },
        ),
    ] {
        let js = wasm::filter_ladder(ladder.clone(), js_sys::JSON::parse(filter).unwrap()).unwrap();
        let expected = serde_json::to_value(core.filter(&want)).unwrap();
        assert_eq!(
            numbers_as_f64(json(js.js_value())),
            numbers_as_f64(expected)
        );
    }
    let m = type_error_message(wasm::filter_ladder(JsValue::NULL, s("x")).expect_err("throws"));
    assert!(m.contains("filterLadder"), "{m}");
    let bad = js_sys::JSON::parse(r#"{"dialog":"x"}"#).unwrap();
    let m = error_message(wasm::filter_ladder(ladder, bad).expect_err("throws"));
    assert!(m.starts_with("filterLadder: invalid filter"), "{m}");
}

#[wasm_bindgen_test]
fn decode_capture_progress_reports_and_equals_decode_capture() {
    let calls = js_sys::Array::new();
    let push = calls.clone();
    let cb =
        wasm_bindgen::closure::Closure::<dyn FnMut(f64, f64)>::new(move |done: f64, total: f64| {
            push.push(&js_sys::Array::of2(&done.into(), &total.into()));
        });
    let f: &JsValue = cb.as_ref();
    let js = wasm::decode_capture_progress(b(CAPTURE), f.clone()).unwrap();
    let whole = json(wasm::decode_capture(b(CAPTURE)).unwrap().js_value());
    assert_eq!(json(js.js_value()), whole);
    assert!(calls.length() > 0);
    let last = js_sys::Array::from(&calls.get(calls.length() - 1));
    assert_eq!(last.get(1).as_f64(), Some(CAPTURE.len() as f64));
    assert!(last.get(0).as_f64().unwrap() <= CAPTURE.len() as f64);
    let e = wasm::decode_capture_progress(b(b""), f.clone()).expect_err("throws");
    assert_eq!(error_message(e), "empty input: no SIP message");
}

#[wasm_bindgen_test]
fn no_sip_is_a_trace_with_capture_findings_not_an_error() {
    let t = json(
        wasm::decode_capture(b(b"not a capture at all"))
            .unwrap()
            .js_value(),
    );
    assert_eq!(t["source"], "unknown");
    assert!(!t["captureFindings"].as_array().unwrap().is_empty());
    let t = json(wasm::decode_trace(s("hello\r\n")).unwrap().js_value());
    assert_eq!(t["messages"].as_array().unwrap().len(), 0);
    assert_eq!(t["captureFindings"][0]["id"], "SL455");
}

#[wasm_bindgen_test]
fn empty_trace_or_capture_throws() {
    for text in ["", " \r\n\t "] {
        let e = wasm::decode_trace(s(text)).expect_err("throws");
        assert_eq!(error_message(e), "empty input: no SIP message");
        let e = wasm::decode_capture(b(text.as_bytes())).expect_err("throws");
        assert_eq!(error_message(e), "empty input: no SIP message");
    }
}

const IMS_REGISTER: &str = "REGISTER sip:ims.mnc001.mcc001.3gppnetwork.org SIP/2.0\r\n\
Via: SIP/2.0/UDP 10.20.30.40:5060;branch=z9hG4bK-r1\r\n\
From: \"Alice Example\" <sip:+12125551234@ims.mnc001.mcc001.3gppnetwork.org>;tag=a1\r\n\
To: <sip:+12125551234@ims.mnc001.mcc001.3gppnetwork.org>\r\n\
Call-ID: reg-77\r\n\
CSeq: 1 REGISTER\r\n\
Contact: <sip:+12125551234@10.20.30.40:5060>\r\n\
Authorization: Digest username=\"001010123456789@ims.mnc001.mcc001.3gppnetwork.org\",realm=\"ims.mnc001.mcc001.3gppnetwork.org\",uri=\"sip:ims.mnc001.mcc001.3gppnetwork.org\",nonce=\"\",response=\"\"\r\n\
Content-Length: 0\r\n\r\n";

/// A JS object from JSON text, as a caller would pass it.
fn js_object(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

#[wasm_bindgen_test]
fn redact_equals_the_core_and_hides_the_originals() {
    let js = json(wasm::redact(s(IMS_REGISTER), None).unwrap().js_value());
    let core = siplens::redact::redact_text(
        IMS_REGISTER.as_bytes(),
        &siplens::redact::RedactOptions::default(),
    );
    assert_eq!(js["text"], String::from_utf8(core.output).unwrap());
    assert_eq!(js["report"], serde_json::to_value(&core.report).unwrap());
    assert_eq!(js["report"]["level"], "network");
    let text = js["text"].as_str().unwrap();
    for original in [
        "12125551234",
        "001010123456789",
        "10.20.30.40",
        "Alice Example",
    ] {
        assert!(!text.contains(original), "{original} left in {text}");
    }
    // The redacted text still decodes to the same request.
    let d = json(wasm::decode(s(text)).unwrap());
    assert_eq!(d["request"]["method"], "REGISTER");
}

#[wasm_bindgen_test]
fn redact_takes_a_plain_options_object() {
    let r = json(
        wasm::redact(
            s(IMS_REGISTER),
            Some(js_object(r#"{"level":"identities"}"#)),
        )
        .unwrap()
        .js_value(),
    );
    assert_eq!(r["report"]["level"], "identities");
    let text = r["text"].as_str().unwrap();
    assert!(text.contains("10.20.30.40"), "identities keep addresses");
    assert!(!text.contains("12125551234"));
    let r = json(
        wasm::redact(
            s(IMS_REGISTER),
            Some(js_object(
                r#"{"level":"network","include":["host"],"exclude":["ipv4"]}"#,
            )),
        )
        .unwrap()
        .js_value(),
    );
    let text = r["text"].as_str().unwrap();
    assert!(text.contains("10.20.30.40") && !text.contains("3gppnetwork.org"));
    // `null` and `{}` are the defaults; empty text is empty text.
    let empty = json(
        wasm::redact(s(""), Some(js_object("{}")))
            .unwrap()
            .js_value(),
    );
    assert_eq!(empty["text"], "");
    assert_eq!(empty["report"]["total"], 0);
}

#[wasm_bindgen_test]
fn bad_redaction_options_throw() {
    for (options, expected) in [
        (
            r#"{"include":["phones"]}"#,
            "unknown identifier kind \"phones\"",
        ),
        (
            r#"{"exclude":["ipv4","nope"]}"#,
            "unknown identifier kind \"nope\"",
        ),
        (r#"{"level":"everything"}"#, "unknown variant `everything`"),
        (r#"{"levle":"all"}"#, "unknown field `levle`"),
        (r#"{"include":"host"}"#, "invalid type"),
    ] {
        let e = wasm::redact(s(IMS_REGISTER), Some(js_object(options))).expect_err(options);
        let m = error_message(e);
        assert!(m.starts_with("invalid redaction options: "), "{m}");
        assert!(m.contains(expected), "{options}: {m}");
        assert!(!m.contains(" at line "), "{m}");
    }
}

#[wasm_bindgen_test]
fn redaction_kinds_equal_the_table() {
    let kinds = json(wasm::redaction_kinds().unwrap());
    let kinds = kinds.as_array().unwrap();
    assert_eq!(
        serde_json::Value::Array(kinds.clone()),
        serde_json::to_value(siplens::redact::KINDS).unwrap()
    );
    let mut keys: Vec<&str> = kinds[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["covers", "id", "label", "level"]);
    assert!(kinds
        .iter()
        .any(|k| k["id"] == "phone" && k["level"] == "identities"));
}

#[wasm_bindgen_test]
fn redact_capture_gives_bytes_that_decode_the_same() {
    let r = wasm::redact_capture(b(CAPTURE), Some(js_object(r#"{"level":"all"}"#))).unwrap();
    let bytes = js_sys::Reflect::get(&r, &"bytes".into()).unwrap();
    let bytes = js_sys::Uint8Array::new(&bytes).to_vec();
    let core = siplens::redact::capture::redact_capture(
        CAPTURE,
        &siplens::redact::RedactOptions::level(siplens::redact::Level::All),
    );
    assert_eq!(bytes, core.output);
    let info = json(r.clone());
    assert_eq!(info["format"], "pcap");
    assert_eq!(info["complete"], true);
    assert_eq!(info["report"], serde_json::to_value(&core.report).unwrap());
    assert!(info["packets"]["sip"].as_u64().unwrap() > 0);
    // Same messages, none of the original addresses.
    let before = siplens::trace::decode_capture(CAPTURE);
    let after = siplens::trace::decode_capture(&bytes);
    assert_eq!(before.messages.len(), after.messages.len());
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("fe80:0:0:0:21a:a0ff:fe07:32e0"));
    // Not a capture, empty input: JS errors.
    assert!(wasm::redact_capture(b(b"INVITE sip:a@b SIP/2.0\r\n\r\n"), None).is_err());
    assert!(wasm::redact_capture(b(b""), None).is_err());
}

#[wasm_bindgen_test]
fn wrong_argument_types_throw_type_errors() {
    let object = js_object("{}");
    let array = js_object("[1,2]");
    // Strings where strings are expected.
    for (bad, got) in [
        (n(42.0), "a number"),
        (object.clone(), "an object"),
        (JsValue::UNDEFINED, "undefined"),
        (JsValue::NULL, "null"),
        (b(b"SIP/2.0 200 OK\r\n\r\n"), "Uint8Array"),
        (array.clone(), "an array"),
    ] {
        let m = type_error_message(wasm::decode(bad.clone()).expect_err("throws"));
        assert_eq!(m, format!("decode: text must be a string, got {got}"));
        let m = type_error_message(wasm::decode_trace(bad.clone()).expect_err("throws"));
        assert_eq!(m, format!("decodeTrace: text must be a string, got {got}"));
        let m = type_error_message(wasm::redact(bad, None).expect_err("throws"));
        assert_eq!(m, format!("redact: text must be a string, got {got}"));
    }
    // Bytes where bytes are expected: text is not silently read as bytes.
    let u16s: JsValue = js_sys::Uint16Array::new_with_length(4).into();
    for (bad, got) in [
        (s("SIP/2.0 200 OK\r\n\r\n"), "a string"),
        (n(42.0), "a number"),
        (object, "an object"),
        (JsValue::UNDEFINED, "undefined"),
        (u16s, "Uint16Array"),
        (array, "an array"),
    ] {
        let expected =
            |f: &str| format!("{f}: bytes must be a Uint8Array or an ArrayBuffer, got {got}");
        let m = type_error_message(wasm::decode_bytes(bad.clone()).expect_err("throws"));
        assert_eq!(m, expected("decodeBytes"));
        let m = type_error_message(wasm::decode_capture(bad.clone()).expect_err("throws"));
        assert_eq!(m, expected("decodeCapture"));
        let m = type_error_message(
            wasm::decode_capture_progress(bad.clone(), js_sys::Function::new_no_args("").into())
                .expect_err("throws"),
        );
        assert_eq!(m, expected("decodeCaptureProgress"));
        let m = type_error_message(wasm::redact_capture(bad, None).expect_err("throws"));
        assert_eq!(m, expected("redactCapture"));
    }
    // Numbers where numbers are expected: "486" is not coerced.
    let m = type_error_message(wasm::lookup_code(s("486")).expect_err("throws"));
    assert_eq!(
        m,
        "lookupCode: code must be a number (an integer 0-65535), got a string"
    );
    let m =
        type_error_message(wasm::compare_codes(n(486.0), JsValue::UNDEFINED).expect_err("throws"));
    assert_eq!(
        m,
        "compareCodes: b must be a number (an integer 0-65535), got undefined"
    );
    // A callback where a callback is expected.
    let m =
        type_error_message(wasm::decode_capture_progress(b(CAPTURE), n(1.0)).expect_err("throws"));
    assert_eq!(
        m,
        "decodeCaptureProgress: onProgress must be a function (bytesRead, totalBytes) => void, got a number"
    );
    // Options: an object, null or undefined.
    for (bad, got) in [
        (n(5.0), "a number"),
        (s("all"), "a string"),
        (js_object("[]"), "an array"),
    ] {
        let m = type_error_message(
            wasm::redact(s(IMS_REGISTER), Some(bad.clone())).expect_err("throws"),
        );
        assert_eq!(
            m,
            format!(
                "redact: options must be an object (RedactOptions), null or undefined, got {got}"
            )
        );
        let m =
            type_error_message(wasm::redact_capture(b(CAPTURE), Some(bad)).expect_err("throws"));
        assert!(
            m.starts_with("redactCapture: options must be an object"),
            "{m}"
        );
    }
    assert!(wasm::redact(s(IMS_REGISTER), Some(JsValue::NULL)).is_ok());
    assert!(wasm::redact(s(IMS_REGISTER), Some(JsValue::UNDEFINED)).is_ok());
}

#[wasm_bindgen_test]
fn bytes_may_be_an_array_buffer_or_a_subarray() {
    let whole = json(wasm::decode_bytes(b(RETRY_503.as_bytes())).unwrap());
    let buffer = js_sys::Uint8Array::from(RETRY_503.as_bytes()).buffer();
    assert_eq!(json(wasm::decode_bytes(buffer.into()).unwrap()), whole);
    // A view into a larger buffer reads only its own bytes.
    let mut padded = b"xxxx".to_vec();
    padded.extend_from_slice(RETRY_503.as_bytes());
    padded.extend_from_slice(b"yyyy");
    let view = js_sys::Uint8Array::from(padded.as_slice()).subarray(4, 4 + RETRY_503.len() as u32);
    assert_eq!(json(wasm::decode_bytes(view.into()).unwrap()), whole);
    let t = wasm::decode_capture(js_sys::Uint8Array::from(CAPTURE).buffer().into()).unwrap();
    assert_eq!(
        json(t.js_value()),
        json(wasm::decode_capture(b(CAPTURE)).unwrap().js_value())
    );
}

#[wasm_bindgen_test]
fn kind_pairs_with_status_and_request() {
    // The TypeScript union on `kind` (DecodedResponse | DecodedRequest | DecodedInvalid)
    // holds only if the core pairs them this way.
    for (text, kind) in [
        (RETRY_503, "response"),
        ("INVITE sip:x SIP/2.0\r\n\r\n", "request"),
        ("hello\r\n", "invalid"),
        ("SIP/2.0 4O4 Not Found\r\n\r\n", "response"),
    ] {
        let d = json(wasm::decode(s(text)).unwrap());
        assert_eq!(d["kind"], kind, "{text}");
        assert_eq!(d["status"].is_object(), kind == "response", "{text}");
        assert_eq!(d["request"].is_object(), kind == "request", "{text}");
    }
}

#[wasm_bindgen_test]
fn knowledge_tables_equal_the_core_json() {
    let q850 = json(wasm::list_q850().unwrap());
    assert_eq!(
        q850,
        serde_json::to_value(siplens::kb::q850_causes()).unwrap()
    );
    assert!(q850.as_array().unwrap().iter().any(|c| c["cause"] == 17));
    let warnings = json(wasm::list_warnings().unwrap());
    assert_eq!(
        warnings,
        serde_json::to_value(siplens::kb::warnings()).unwrap()
    );
    assert!(warnings
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == 399));
    let protocols = json(wasm::list_reason_protocols().unwrap());
    assert_eq!(
        protocols,
        serde_json::to_value(siplens::kb::reason_protocols()).unwrap()
    );
    for name in ["SIP", "Q.850", "RELEASE_CAUSE"] {
        assert!(
            protocols
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == name),
            "{name}"
        );
    }
    let sip_to_q850 = json(wasm::list_sip_to_q850().unwrap());
    assert_eq!(
        sip_to_q850,
        serde_json::to_value(siplens::kb::sip_to_q850_table()).unwrap()
    );
    assert!(sip_to_q850
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["sip"] == 486 && r["cause"] == 17));
    let q850_to_sip = json(wasm::list_q850_to_sip().unwrap());
    assert_eq!(
        q850_to_sip,
        serde_json::to_value(siplens::kb::q850_to_sip_table()).unwrap()
    );
    let release = json(wasm::list_release_causes().unwrap());
    assert_eq!(
        release,
        serde_json::to_value(siplens::kb::release_causes()).unwrap()
    );
}

/// The JS `TraceStream`: chunks in (text and bytes), messages out as they complete; the
/// messages and the `StreamEnd` equal the core's `TraceStream` JSON, and the whole
/// trace's messages and dialogs.
#[wasm_bindgen_test]
fn trace_stream_equals_the_core_stream() {
    for (input, chunk) in [(TRACE_TEXT.as_bytes(), 5), (CAPTURE, 100)] {
        let mut js = wasm::JsTraceStream::new(None).unwrap();
        let mut core = siplens::trace::incremental::TraceStream::new();
        let mut got = Vec::new();
        let mut want = Vec::new();
        for (k, c) in input.chunks(chunk).enumerate() {
            // Text chunks as strings where they are whole UTF-8, bytes otherwise.
            let arg = match std::str::from_utf8(c) {
                Ok(t) if k % 2 == 0 => s(t),
                _ => b(c),
            };
            got.extend(
                json(wasm::JsTraceStream::push(&mut js, arg).unwrap())
                    .as_array()
                    .unwrap()
                    .clone(),
            );
            want.extend(
                core.push(c)
                    .into_iter()
                    .map(|m| serde_json::to_value(m).unwrap()),
            );
        }
        let end = json(js.finish().unwrap().js_value());
        let (last, summary) = core.finish();
        let core_end =
            serde_json::to_value(siplens::trace::incremental::StreamEnd::new(last, summary))
                .unwrap();
        assert_eq!(
            numbers_as_f64(serde_json::Value::Array(got)),
            numbers_as_f64(serde_json::Value::Array(want))
        );
        assert_eq!(numbers_as_f64(end.clone()), numbers_as_f64(core_end));
        let whole = serde_json::to_value(siplens::trace::decode_any(input)).unwrap();
        assert_eq!(
            numbers_as_f64(end["dialogs"].clone()),
            numbers_as_f64(whole["dialogs"].clone())
        );
        assert_eq!(
            end["lanes"].as_array().unwrap().len(),
            whole["messages"].as_array().unwrap().len()
        );
        // After finish: an Error, not a raw wasm error.
        assert!(error_message(js.finish().unwrap_err()).contains("already called"));
    }
    let mut js = wasm::JsTraceStream::new(None).unwrap();
    assert_eq!(
        type_error_message(js.push(n(42.0)).unwrap_err()),
        "TraceStream.push: chunk must be a string, a Uint8Array or an ArrayBuffer, got a number"
    );
    assert_eq!(
        error_message(js.finish().unwrap_err()),
        "empty input: no SIP message"
    );
}

// ---- The lazy entry: `parse` and `SipMessage` (issue 14) ----

/// A property of a JS object (a `SipMessage` getter).
fn get(m: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(m, &JsValue::from_str(key)).unwrap()
}

/// An optional JS string accessor as a Rust string.
fn st(v: JsValue) -> Option<String> {
    assert!(v.is_undefined() || v.is_string(), "{v:?}");
    v.as_string()
}

/// Calls the method `key` of `m` with `args`.
fn call(m: &JsValue, key: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: js_sys::Function = get(m, key).dyn_into().unwrap();
    f.apply(m, &args.iter().collect::<js_sys::Array>())
}

#[wasm_bindgen_test]
fn parse_reads_the_start_line_headers_and_body() {
    let text = "INVITE sip:bob@example.com SIP/2.0\r\n\
v: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-1\r\n\
VIA: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK-2\r\n\
i: lazy-1@host\r\n\
CSeq: 7 INVITE\r\n\
X-Extra: yes\r\n\
Content-Length: 4\r\n\r\nbody";
    let m = wasm::parse(s(text)).unwrap();
    assert_eq!(get(&m, "kind").as_string().as_deref(), Some("request"));
    assert_eq!(st(get(&m, "method")).as_deref(), Some("INVITE"));
    assert_eq!(
        st(get(&m, "requestUri")).as_deref(),
        Some("sip:bob@example.com")
    );
    assert!(get(&m, "statusCode").is_undefined());
    assert_eq!(st(get(&m, "reasonPhrase")), None);
    assert_eq!(st(get(&m, "callId")).as_deref(), Some("lazy-1@host"));
    let header = |name: &str| st(call(&m, "header", &[s(name)]).unwrap());
    assert_eq!(header("call-id").as_deref(), Some("lazy-1@host"));
    assert_eq!(header("x-EXTRA").as_deref(), Some("yes"));
    assert_eq!(header("Route"), None);
    let via: Vec<String> = js_sys::Array::from(&call(&m, "headers", &[s("Via")]).unwrap())
        .iter()
        .map(|v| v.as_string().unwrap())
        .collect();
    assert_eq!(
        via,
        [
            "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-1",
            "SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK-2"
        ]
    );
    assert_eq!(
        json(get(&m, "cseq")),
        serde_json::json!({"seq": 7, "method": "INVITE"})
    );
    assert_eq!(get(&m, "headerCount").as_f64(), Some(6.0));
    assert_eq!(st(get(&m, "body")).as_deref(), Some("body"));
    assert_eq!(
        js_sys::Uint8Array::new(&get(&m, "bodyBytes")).to_vec(),
        b"body"
    );
    assert_eq!(
        json(call(&m, "diagnose", &[]).unwrap()),
        serde_json::to_value(siplens::decode(text.as_bytes())).unwrap()
    );
    // free() is a no-op kept for compatibility: the message still reads.
    call(&m, "free", &[]).unwrap();
    assert_eq!(st(get(&m, "callId")).as_deref(), Some("lazy-1@host"));
}

#[wasm_bindgen_test]
fn parse_a_response_and_a_non_message() {
    let m = wasm::parse(s(RETRY_503)).unwrap();
    assert_eq!(get(&m, "kind").as_string().as_deref(), Some("response"));
    assert_eq!(get(&m, "statusCode").as_f64(), Some(503.0));
    assert_eq!(
        st(get(&m, "reasonPhrase")).as_deref(),
        Some("Service Unavailable")
    );
    assert_eq!(st(get(&m, "method")), None);
    assert_eq!(
        json(call(&m, "diagnose", &[]).unwrap()),
        json(wasm::decode(s(RETRY_503)).unwrap())
    );
    let bad = wasm::parse(s("hello\r\n")).unwrap();
    assert_eq!(get(&bad, "kind").as_string().as_deref(), Some("invalid"));
    assert!(get(&bad, "cseq").is_undefined());
    assert!(get(&bad, "statusCode").is_undefined());
    let big = wasm::parse(s("SIP/2.0 99999 Big\r\nCSeq: 4294967296 BYE\r\n\r\n")).unwrap();
    assert!(get(&big, "statusCode").is_undefined());
    assert_eq!(
        json(get(&big, "cseq")),
        serde_json::json!({"seq": null, "method": "BYE"})
    );
}

#[wasm_bindgen_test]
fn parse_rejects_empty_input_and_wrong_types() {
    let e = wasm::parse(s(" \r\n")).expect_err("throws");
    assert_eq!(error_message(e), "empty input: no SIP message");
    let e = wasm::parse(n(1.0)).expect_err("throws");
    assert_eq!(
        type_error_message(e),
        "parse: text must be a string, got a number"
    );
    let m = wasm::parse(s(AKA_401)).unwrap();
    let e = call(&m, "header", &[JsValue::NULL]).expect_err("throws");
    assert_eq!(
        type_error_message(e),
        "SipMessage.header: name must be a string, got null"
    );
    let e = call(&m, "headers", &[b(b"Via")]).expect_err("throws");
    assert_eq!(
        type_error_message(e),
        "SipMessage.headers: name must be a string, got Uint8Array"
    );
}

/// Header lookup by name follows the registry (src/header_name.rs): every
/// registered name in any case and its compact form find the header, whichever
/// spelling the message uses; names outside the registry match only themselves.
#[wasm_bindgen_test]
fn parse_header_lookup_follows_the_registry() {
    for (_, info) in siplens::header_name::HEADERS {
        let spellings: Vec<String> = [
            Some(info.name.to_owned()),
            Some(info.name.to_ascii_uppercase()),
            Some(info.name.to_ascii_lowercase()),
            info.compact.map(|c| c.to_string()),
            info.compact.map(|c| c.to_ascii_uppercase().to_string()),
        ]
        .into_iter()
        .flatten()
        .collect();
        for written in &spellings {
            let text = format!("OPTIONS sip:x SIP/2.0\r\nX-Other: no\r\n{written}: yes\r\n\r\n");
            let m = wasm::parse(s(&text)).unwrap();
            for asked in &spellings {
                let got = st(call(&m, "header", &[s(asked)]).unwrap());
                assert_eq!(got.as_deref(), Some("yes"), "{written} asked as {asked}");
            }
            let near = format!("{}x", info.name);
            assert_eq!(st(call(&m, "header", &[s(&near)]).unwrap()), None, "{near}");
        }
    }
    let m = wasm::parse(s(
        "OPTIONS sip:x SIP/2.0\r\nQ: 1\r\nX-A: 2\r\n\u{212a}: 3\r\n\r\n",
    ))
    .unwrap();
    let header = |name: &str| st(call(&m, "header", &[s(name)]).unwrap());
    assert_eq!(header("q").as_deref(), Some("1"));
    assert_eq!(header("x-a").as_deref(), Some("2"));
    // U+212A KELVIN SIGN lowers to "k" in JS, not in ASCII case folding: not Supported.
    assert_eq!(header("k"), None);
    assert_eq!(header("Supported"), None);
    assert_eq!(header("\u{212a}").as_deref(), Some("3"));
}

/// Non-ASCII text: accessors decode the bytes as `decode` reads them, a
/// Content-Length that cuts a character included; a long text still frames.
#[wasm_bindgen_test]
fn parse_non_ascii_and_long_text() {
    let text = "MESSAGE sip:zoë@example.com SIP/2.0\r\nFrom: \"Zoë\" <sip:z@x>\r\n\
Content-Length: 2\r\n\r\né☎";
    let m = wasm::parse(s(text)).unwrap();
    assert_eq!(
        st(get(&m, "requestUri")).as_deref(),
        Some("sip:zoë@example.com")
    );
    assert_eq!(
        st(call(&m, "header", &[s("f")]).unwrap()).as_deref(),
        Some("\"Zoë\" <sip:z@x>")
    );
    assert_eq!(st(get(&m, "body")).as_deref(), Some("é"));
    let cut = text.replace("Length: 2", "Length: 3");
    let m = wasm::parse(s(&cut)).unwrap();
    let body = &cut.as_bytes()[cut.find("\r\n\r\n").unwrap() + 4..][..3];
    assert_eq!(
        st(get(&m, "body")),
        Some(String::from_utf8_lossy(body).into_owned())
    );
    assert_eq!(
        js_sys::Uint8Array::new(&get(&m, "bodyBytes")).to_vec(),
        body
    );
    let long = format!(
        "OPTIONS sip:x SIP/2.0\r\nX-Long: {}\r\nCall-ID: ☎-long\r\n\r\n",
        "a".repeat(100_000)
    );
    let m = wasm::parse(s(&long)).unwrap();
    assert_eq!(st(get(&m, "callId")).as_deref(), Some("☎-long"));
    assert_eq!(
        st(call(&m, "header", &[s("x-long")]).unwrap()).map(|v| v.len()),
        Some(100_000)
    );
    let ascii = long.replace('☎', "x");
    let m = wasm::parse(s(&ascii)).unwrap();
    assert_eq!(st(get(&m, "callId")).as_deref(), Some("x-long"));
    assert_eq!(get(&m, "headerCount").as_f64(), Some(2.0));
}

// ---- The boundary: serde-wasm-bindgen, JSON for numbers past 2^53 (issue 14) ----

#[wasm_bindgen_test]
fn an_integer_past_2_53_still_decodes_through_json() {
    let sdp = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n\
m=audio 4000 RTP/AVP 0\r\nb=AS:9007199254740993\r\n";
    let text = format!(
        "INVITE sip:b@example.com SIP/2.0\r\nContent-Type: application/sdp\r\n\
Content-Length: {}\r\n\r\n{sdp}",
        sdp.len()
    );
    let js = wasm::decode(s(&text)).expect("a result, not an exception");
    let core = serde_json::to_string(&siplens::decode(text.as_bytes())).unwrap();
    assert!(
        core.contains("9007199254740993"),
        "the SDP b= value is in the result"
    );
    // Both sides as JS reads the JSON (the number rounded the same way).
    assert_eq!(json(js), json(js_sys::JSON::parse(&core).unwrap()));
}
