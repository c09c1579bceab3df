//! The JSON Schema of the contract (`schema/decode.schema.json`) is a
//! valid draft 2020-12 schema, rejects what it must, and accepts the
//! decoding of every message of the shared corpus and of the fixtures;
//! each decoding also keeps the span invariants of
//! `siplens::diagnose::invariants`.
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::PathBuf;

use serde_json::{json, Value};
use siplens::diagnose::invariants::check_decoded;

fn schema() -> Value {
    let path = common::root().join("schema/decode.schema.json");
    let text = std::fs::read_to_string(&path).expect("schema file");
    serde_json::from_str(&text).expect("schema is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema()).expect("schema compiles")
}

fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn sample_json() -> Value {
    let d = siplens::decode(
        b"SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 REGISTER\r\n\
WWW-Authenticate: Digest realm=\"r\", nonce=\"n\", algorithm=AKAv1-MD5\r\n\
Reason: Q.850;cause=16\r\nWarning: 399 x \"y\"\r\nContent-Length: 0\r\n\r\n",
    );
    serde_json::to_value(&d).unwrap()
}

#[test]
fn the_schema_is_a_valid_draft_2020_12_schema() {
    let s = schema();
    jsonschema::draft202012::meta::validate(&s).expect("valid against the meta-schema");
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
}

/// Every object in the schema closes its properties and lists each of
/// them as required (serde writes `None` as null, never omits a field).
#[test]
fn every_object_is_closed_and_fully_required() {
    fn walk(v: &Value, at: &str, bad: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                let conditional = at.contains("/allOf/");
                if let (Some(Value::Object(props)), false) = (m.get("properties"), conditional) {
                    if m.get("additionalProperties") != Some(&Value::Bool(false)) {
                        bad.push(format!("{at}: additionalProperties is not false"));
                    }
                    let req: Vec<&str> = m
                        .get("required")
                        .and_then(Value::as_array)
                        .map(|r| r.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    for k in props.keys() {
                        if !req.contains(&k.as_str()) {
                            bad.push(format!("{at}: {k} not required"));
                        }
                    }
                }
                for (k, x) in m {
                    walk(x, &format!("{at}/{k}"), bad);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, &format!("{at}/{i}"), bad);
                }
            }
            _ => {}
        }
    }
    let mut bad = Vec::new();
    walk(&schema(), "#", &mut bad);
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn broken_documents_fail() {
    let v = validator();
    let good = sample_json();
    assert_eq!(errors(&v, &good), Vec::<String>::new());
    type Breakage = fn(&mut Value);
    let breakages: [(&str, Breakage); 8] = [
        ("extra field", |d| d["surprise"] = json!(1)),
        ("missing field", |d| {
            d.as_object_mut().unwrap().remove("findings");
        }),
        ("wrong version", |d| d["schemaVersion"] = json!(2)),
        ("bad kind", |d| d["kind"] = json!("datagram")),
        ("response without status", |d| d["status"] = Value::Null),
        ("bad class", |d| {
            d["status"]["class"] = json!("client-error")
        }),
        ("negative offset", |d| {
            d["body"]["span"]["start"] = json!(-1)
        }),
        ("bad confidence", |d| {
            d["diagnosis"]["likelyCauses"][0]["confidence"] = json!("certain")
        }),
    ];
    for (what, breakage) in breakages {
        let mut doc = good.clone();
        breakage(&mut doc);
        assert!(!v.is_valid(&doc), "{what}: accepted by the schema");
    }
    let mut doc = good.clone();
    doc["findings"] = json!([{
        "id": "SL999", "slug": "x", "severity": "fatal", "category": "malformed",
        "message": "", "span": {"start": 0, "end": 0, "line": 1, "column": 1}, "specRef": ""
    }]);
    assert!(!v.is_valid(&doc), "unknown severity accepted");
}

fn corpus_files() -> Vec<PathBuf> {
    let c = common::corpus();
    let rfc4475 = common::files(&c.join("rfc4475/messages"), &[".dat"]);
    let rfc5118 = common::files(&c.join("rfc5118/archive"), &[]);
    assert!(
        rfc4475.len() >= 45 && rfc5118.len() >= 10,
        "the shared corpus is missing ({} RFC 4475, {} RFC 5118 files)",
        rfc4475.len(),
        rfc5118.len()
    );
    let traces = common::files(&c.join("traces/pcap-extract"), &[".sip"]);
    let mut all = rfc4475;
    all.extend(rfc5118);
    all.extend(traces);
    all.extend(common::fixtures());
    all
}

#[test]
fn every_decoding_validates_and_keeps_its_invariants() {
    let v = validator();
    let mut failures = Vec::new();
    let files = corpus_files();
    for path in &files {
        let input = std::fs::read(path).unwrap();
        let decoded = siplens::decode(&input);
        if let Err(e) = check_decoded(&decoded, &input) {
            failures.push(format!("{}: {e}", path.display()));
        }
        let json = serde_json::to_value(&decoded).unwrap();
        for e in errors(&v, &json).into_iter().take(3) {
            failures.push(format!("{}: {e}", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems in {} files:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn odd_inputs_validate() {
    let v = validator();
    for input in [
        &b""[..],
        b"\r\n",
        b"HELLO",
        b"\x00\xff\xfe",
        b"SIP/2.0 999 Way out\r\n\r\n",
        b"SIP/2.0 20 OK\r\nCSeq: x\r\n",
        b"INVITE sip:a@b SIP/2.0\nv: SIP/2.0/TCP h;rport\nf: <sip:a@b>;tag=1\nt: \"B\" <sip:b@c>\n\n",
    ] {
        let d = siplens::decode(input);
        check_decoded(&d, input).unwrap();
        let e = errors(&v, &serde_json::to_value(&d).unwrap());
        assert!(e.is_empty(), "{:?}: {e:#?}", String::from_utf8_lossy(input));
    }
}
