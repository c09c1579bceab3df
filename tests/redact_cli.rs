#![cfg(not(target_arch = "wasm32"))]
//! `siplens redact` as a user runs it: text to standard output, a capture
//! to `-o`, the alias map with `--map`, the `--json` report against
//! `schema/redact.schema.json`, `--kinds`, and the exit codes (0 redacted,
//! 1 damaged capture or write failure, 2 unusable input or arguments).

mod common;

use serde_json::Value;

const MSG: &str = "INVITE sip:+12125551234@ims.example.net SIP/2.0\r\n\
Via: SIP/2.0/UDP 10.1.2.3:5060;branch=z9hG4bK776asdhds\r\n\
From: \"Alice Smith\" <sip:alice@10.1.2.3>;tag=1928301774\r\n\
To: <tel:+12125551234>\r\n\
Call-ID: a84b4c76e66710@pc33.operator.net\r\n\
CSeq: 314159 INVITE\r\n\
Content-Length: 0\r\n\r\n";

fn sctp_capture() -> String {
    common::corpus()
        .join("pcap/heplify/sip_sctp.pcap")
        .display()
        .to_string()
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("siplens-redact-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(common::root().join("schema/redact.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft202012::meta::validate(&schema).expect("valid draft 2020-12 schema");
    jsonschema::draft202012::new(&schema).expect("schema compiles")
}

fn assert_valid(v: &jsonschema::Validator, instance: &Value) {
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn text_is_redacted_to_standard_output() {
    let out = common::siplens(&["redact", "-"], Some(MSG.as_bytes()));
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("INVITE sip:+99900000001@ims.example.net SIP/2.0\r\n"),
        "{text}"
    );
    for original in ["2125551234", "Alice Smith", "alice", "10.1.2.3"] {
        assert!(!text.contains(original), "{original} left in\n{text}");
    }
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("siplens: redacted"), "{err}");
    assert!(!err.contains("10.1.2.3") && !err.contains("alice"), "{err}");
    // --quiet: no summary.
    let q = common::siplens(&["redact", "--quiet"], Some(MSG.as_bytes()));
    assert!(q.stderr.is_empty());
    assert_eq!(q.stdout, text.as_bytes());
}

#[test]
fn levels_include_and_exclude() {
    let run = |args: &[&str]| {
        let mut a = vec!["redact", "-q"];
        a.extend_from_slice(args);
        String::from_utf8(common::siplens(&a, Some(MSG.as_bytes())).stdout).unwrap()
    };
    let identities = run(&["--level", "identities"]);
    assert!(identities.contains("10.1.2.3") && !identities.contains("alice"));
    let all = run(&["--level", "all"]);
    assert!(!all.contains("pc33.operator.net") && !all.contains("1928301774"));
    assert!(run(&["--level", "all", "--exclude", "host"]).contains("pc33.operator.net"));
    assert!(!run(&["--level", "identities", "--include", "ipv4"]).contains("10.1.2.3"));
}

#[test]
fn a_capture_goes_to_the_output_file_with_its_alias_map() {
    let (out_file, map_file) = (tmp("sctp.pcap"), tmp("sctp-map.json"));
    let input = sctp_capture();
    let out = common::siplens(
        &[
            "redact",
            &input,
            "-o",
            out_file.to_str().unwrap(),
            "--map",
            map_file.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("packets: 5 read, 5 written"), "{err}");
    let written = std::fs::read(&out_file).unwrap();
    let before = siplens::decode_capture(&std::fs::read(&input).unwrap());
    let after = siplens::decode_capture(&written);
    assert_eq!(after.source, "pcap");
    assert_eq!(after.messages.len(), before.messages.len());
    // The map holds every original with its alias; only the map does.
    let map: Value = serde_json::from_str(&std::fs::read_to_string(&map_file).unwrap()).unwrap();
    let aliases = map["aliases"].as_array().unwrap();
    assert!(!aliases.is_empty());
    for a in aliases {
        let original = a["original"].as_str().unwrap();
        assert!(!a["alias"].as_str().unwrap().is_empty());
        assert!(!err.contains(original), "summary shows {original}");
        // As a whole token (a short number may occur inside binary data).
        let tok = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_');
        let left = memchr::memmem::find_iter(&written, original.as_bytes()).any(|at| {
            let before = at.checked_sub(1).map(|i| written[i]);
            let after = written.get(at + original.len()).copied();
            !before.is_some_and(tok) && !after.is_some_and(tok)
        });
        assert!(!left, "{original} left in the capture");
    }
}

#[test]
fn json_report_follows_the_schema_and_holds_no_original() {
    let v = validator();
    let out = common::siplens(&["--json", "redact", &sctp_capture()], None);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    assert_valid(&v, &json);
    assert_eq!(json["source"], "pcap");
    assert_eq!(json["packets"]["read"], 5);
    assert!(json["total"].as_u64().unwrap() > 0);
    // No original value: the aliased addresses are not in the report.
    let map = siplens::redact::capture::redact_capture(
        &std::fs::read(sctp_capture()).unwrap(),
        &siplens::redact::RedactOptions::default(),
    )
    .report;
    for a in &map.aliases {
        assert!(!text.contains(&a.original), "{} in the report", a.original);
    }

    let out = common::siplens(
        &[
            "redact",
            "--json",
            "--level",
            "all",
            "--exclude",
            "tag",
            "-",
        ],
        Some(MSG.as_bytes()),
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid(&v, &json);
    assert_eq!(json["source"], "text");
    assert_eq!(json["packets"], Value::Null);
    assert_eq!(json["exclude"][0], "tag");
    // A dry run: the report only, no redacted text.
    assert!(!String::from_utf8(out.stdout).unwrap().contains("INVITE"));
}

#[test]
fn kinds_lists_the_table() {
    let out = common::siplens(&["redact", "--kinds"], None);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for k in siplens::redact::KINDS {
        assert!(text.contains(k.id), "{} missing", k.id);
    }
    let out = common::siplens(&["--json", "redact", "--kinds"], None);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), siplens::redact::KINDS.len());
    assert_eq!(json[0]["id"], "imsi");
}

#[test]
fn exit_codes() {
    let code = |args: &[&str], stdin: Option<&[u8]>| common::siplens(args, stdin).status.code();
    assert_eq!(
        code(&["redact", "--include", "nope", "-"], Some(MSG.as_bytes())),
        Some(2)
    );
    assert_eq!(code(&["redact"], Some(b" \r\n")), Some(2));
    assert_eq!(
        code(&["redact"], Some(&[0u8, 1, 2, 3, 4, 5, 6, 7][..])),
        Some(2)
    );
    assert_eq!(code(&["redact", "/nonexistent/x.pcap"], None), Some(2));
    assert_eq!(
        code(&["--json", "redact", "-o", "-", "-"], Some(MSG.as_bytes())),
        Some(2)
    );
    // A truncated capture: what was readable is written, exit code 1.
    let mut cut = std::fs::read(sctp_capture()).unwrap();
    cut.truncate(cut.len() - 100);
    let out = common::siplens(&["redact", "-"], Some(&cut));
    assert_eq!(out.status.code(), Some(1));
    let after = siplens::decode_capture(&out.stdout);
    let readable = siplens::decode_capture(&cut).messages.len();
    assert!(readable > 0);
    assert_eq!(after.messages.len(), readable);
    assert!(String::from_utf8_lossy(&out.stderr).contains("note:"));
}

#[test]
fn non_sip_packets_are_dropped_unless_kept() {
    let input = common::corpus()
        .join("pcap/goffinet-sip_captures/RTP-Protocol.pcap")
        .display()
        .to_string();
    let json = |extra: &[&str]| -> Value {
        let mut a = vec!["--json", "redact", &input];
        a.extend_from_slice(extra);
        serde_json::from_slice(&common::siplens(&a, None).stdout).unwrap()
    };
    let dropped = json(&[]);
    let kept = json(&["--keep-non-sip"]);
    assert!(dropped["packets"]["nonSipDropped"].as_u64().unwrap() > 200);
    assert_eq!(kept["packets"]["nonSipDropped"], 0);
    assert_eq!(
        kept["packets"]["written"],
        dropped["packets"]["written"].as_u64().unwrap()
            + kept["packets"]["nonSipKept"].as_u64().unwrap()
    );
}

#[test]
fn decode_and_trace_redact_before_decoding() {
    // decode --redact --json: the JSON holds no original identifier.
    let out = common::siplens(&["decode", "--redact", "--json", "-"], Some(MSG.as_bytes()));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = String::from_utf8(out.stdout).unwrap();
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["request"]["method"], "INVITE");
    for original in ["2125551234", "Alice Smith", "10.1.2.3"] {
        assert!(!json.contains(original), "{original} left in the JSON");
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("redacted (network)"));
    // --redact=identities keeps addresses.
    let out = common::siplens(
        &["decode", "--redact=identities", "-"],
        Some(MSG.as_bytes()),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("10.1.2.3") && !text.contains("Alice Smith"),
        "{text}"
    );
    // trace --redact on a capture: same number of messages, no original address.
    let cap = sctp_capture();
    let plain = common::siplens(&["trace", "--json", &cap], None);
    let red = common::siplens(&["trace", "--redact=all", "--json", &cap], None);
    assert_eq!(red.status.code(), plain.status.code());
    let (a, b): (Value, Value) = (
        serde_json::from_slice(&plain.stdout).unwrap(),
        serde_json::from_slice(&red.stdout).unwrap(),
    );
    assert_eq!(
        a["messages"].as_array().unwrap().len(),
        b["messages"].as_array().unwrap().len()
    );
    let red_text = String::from_utf8_lossy(&red.stdout);
    for m in a["messages"].as_array().unwrap() {
        let src = m["src"].as_str().unwrap();
        let ip = src.rsplit_once(':').unwrap().0.trim_matches(['[', ']']);
        assert!(!red_text.contains(ip), "{ip} left in the redacted trace");
    }
}
