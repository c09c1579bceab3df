//! The built `siplens` binary as a user runs it: the `decode` report, its
//! JSON, exit codes (0 clean, 1 error finding, 2 unusable input), colour
//! switches and the `rules` listing.
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::HashSet;

use serde_json::Value;

fn fixture(rel: &str) -> String {
    common::root()
        .join("tests/fixtures")
        .join(rel)
        .to_str()
        .unwrap()
        .to_owned()
}

/// The headline the library gives the fixture (rules may refine it).
fn headline(rel: &str) -> String {
    let input = std::fs::read(fixture(rel)).unwrap();
    siplens::decode(&input).diagnosis.headline
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 stdout")
}

#[test]
fn human_report_has_headline_summary_and_located_findings() {
    let out = common::siplens(&["decode", &fixture("rfc4475/insuf.sip")], None);
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("INVITE request to sip:user@example.com"),
        "{first}"
    );
    for needle in ["Request ", "Method ", "Context ", "Findings (", "Headers ("] {
        assert!(text.contains(needle), "report lacks {needle:?}:\n{text}");
    }
    // A finding line: severity, ID, slug, line:col; then the source line
    // and a caret line.
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            w.len() >= 4
                && ["error", "warning", "info"].contains(&w[0])
                && w[1].starts_with("SL")
                && w[3].split(':').all(|n| n.parse::<usize>().is_ok())
                && w[3].contains(':')
        })
        .unwrap_or_else(|| panic!("no finding line:\n{text}"));
    assert!(lines[at + 1].contains(" | "), "{}", lines[at + 1]);
    assert!(lines[at + 2].trim_end().ends_with('^'), "{}", lines[at + 2]);
    assert!(!text.contains('\x1b'), "no colour when piped");
}

#[test]
fn a_response_report_shows_status_causes_and_retry() {
    let out = common::siplens(&["decode", &fixture("basic/503-retry-after.sip")], None);
    let text = stdout(&out);
    // The first line is the library's headline (rules choose its wording).
    let bytes = std::fs::read(fixture("basic/503-retry-after.sip")).unwrap();
    let headline = siplens::decode(&bytes).diagnosis.headline;
    assert!(headline.starts_with("503 "), "{headline}");
    assert_eq!(text.lines().next(), Some(headline.as_str()), "{text}");
    for needle in [
        "Status    503 Service Unavailable (server failure, final)",
        "Method    REGISTER (from CSeq: 2 REGISTER)",
        "Likely causes",
        "Retry-After 30 s",
        "Warning",
        "399 pcscf.example.com \"Overload\"",
        "Spec",
    ] {
        assert!(text.contains(needle), "report lacks {needle:?}:\n{text}");
    }
}

#[test]
fn json_is_the_contract() {
    let out = common::siplens(&["decode", "--json", &fixture("rfc4475/insuf.sip")], None);
    let v: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(v["schemaVersion"], 1);
    assert_eq!(v["kind"], "request");
    assert!(v["findings"].as_array().is_some_and(|f| !f.is_empty()));
    // Same as the library.
    let input = std::fs::read(fixture("rfc4475/insuf.sip")).unwrap();
    assert_eq!(v, serde_json::to_value(siplens::decode(&input)).unwrap());
}

#[test]
fn exit_0_for_a_clean_message_from_stdin() {
    let input = std::fs::read(fixture("basic/200-ok-invite.sip")).unwrap();
    for args in [&["decode"][..], &["decode", "-"]] {
        let out = common::siplens(args, Some(&input));
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stdout(&out));
        let text = stdout(&out);
        assert_eq!(
            text.lines().next(),
            Some(headline("basic/200-ok-invite.sip").as_str())
        );
    }
}

#[test]
fn exit_1_for_an_error_finding() {
    for args in [&["decode"][..], &["decode", "--json"]] {
        let mut args = args.to_vec();
        let path = fixture("rfc4475/insuf.sip");
        args.push(&path);
        let out = common::siplens(&args, None);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(!out.stdout.is_empty());
    }
}

#[test]
fn exit_2_for_unusable_input() {
    let mut utf16: Vec<u8> = vec![0xff, 0xfe];
    utf16.extend("INVITE sip:a@b SIP/2.0\r\n".bytes().flat_map(|b| [b, 0]));
    let gzip = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x01, 0x02,
    ];
    for (what, input, word) in [
        ("empty", &b""[..], "empty"),
        ("white space", b" \r\n\t\r\n", "empty"),
        ("NUL bytes", &[0u8; 64], "binary"),
        ("UTF-16", &utf16, "binary"),
        ("gzip", &gzip, "binary"),
        (
            "no start line, no header",
            b"hello world\r\n",
            "not a SIP message",
        ),
    ] {
        for json in [false, true] {
            let args: &[&str] = if json {
                &["decode", "--json"]
            } else {
                &["decode"]
            };
            let out = common::siplens(args, Some(input));
            assert_eq!(out.status.code(), Some(2), "{what}");
            assert!(out.stdout.is_empty(), "{what}: nothing on stdout");
            let err = String::from_utf8(out.stderr).unwrap();
            assert_eq!(err.lines().count(), 1, "{what}: one line: {err}");
            assert!(
                err.starts_with("siplens: ") && err.contains(word),
                "{what}: {err}"
            );
        }
    }
    let missing = common::siplens(&["decode", "/nonexistent/x.sip"], None);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn a_bad_start_line_with_headers_is_decoded() {
    let out = common::siplens(
        &["decode"],
        Some(b"HELLO WORLD\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("SL002"));
}

#[test]
fn colour_switches() {
    let path = fixture("rfc4475/insuf.sip");
    let always = common::siplens(&["decode", "--color", "always", &path], None);
    assert!(stdout(&always).contains("\x1b["));
    for args in [
        &["decode", "--color", "never", &path][..],
        &["decode", "--color", "auto", &path],
    ] {
        assert!(!stdout(&common::siplens(args, None)).contains('\x1b'));
    }
    let bad = common::siplens(&["decode", "--color", "sometimes", &path], None);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn rules_lists_the_registry() {
    let out = common::siplens(&["rules", "--json"], None);
    assert!(out.status.success());
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let rules = v.as_array().unwrap();
    assert!(rules.len() >= 40, "{} rules", rules.len());
    assert_eq!(rules.len(), siplens::RULES.len());
    let mut ids = HashSet::new();
    for r in rules {
        for key in [
            "id", "slug", "severity", "category", "checks", "why", "example", "spec",
        ] {
            assert!(r[key].is_string(), "{r}: {key}");
        }
        assert!(
            ids.insert(r["id"].as_str().unwrap().to_owned()),
            "duplicate {}",
            r["id"]
        );
    }
    let text = stdout(&common::siplens(&["rules"], None));
    for (_, info) in siplens::RULES {
        assert!(
            text.contains(&format!("{} {}", info.id, info.slug)),
            "{}",
            info.id
        );
    }
}

#[test]
fn trace_prints_summary_ladder_json_and_ndjson() {
    let text = common::root().join("tests/fixtures/traces/sngrep.txt");
    let text = text.to_str().unwrap();
    let out = common::siplens(&["trace", "--color", "never", text], None);
    assert_eq!(out.status.code(), Some(0));
    let s = stdout(&out);
    assert!(s.contains("7 SIP messages"), "{s}");
    assert!(
        s.contains("D0 INVITE sip:alice@a.example → sip:bob@b.example"),
        "{s}"
    );
    assert!(s.contains("terminated (200)"), "{s}");
    assert!(s.contains("Ladder:") && s.contains("--INVITE"), "{s}");
    assert!(s.contains("<-180 Ringing"), "{s}");

    let out = common::siplens(&["trace", "--json", text], None);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["messages"].as_array().unwrap().len(), 7);
    assert_eq!(v["dialogs"][0]["state"], "terminated");

    let out = common::siplens(&["trace", "--ndjson", text], None);
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 7);
    assert_eq!(lines[3]["decoded"]["status"]["code"], 200);

    let pcap = common::corpus().join("pcap/heplify/sip_sctp.pcap");
    let out = common::siplens(
        &["trace", "--json", "--summary", pcap.to_str().unwrap()],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["source"], "pcap");
    assert_eq!(v["messages"], 4);

    // Nothing to find: exit 2.
    let out = common::siplens(&["trace", "-"], Some(b"hello\n"));
    assert_eq!(out.status.code(), Some(2));
}

/// Multi-hop flows (RFC 3665-style proxy chains, IMS registration and an
/// originating call through P-CSCF, S-CSCF, AS and MGCF) are clean calls:
/// `siplens trace` exits 0 (SL411 once made every one exit 1).
#[test]
fn trace_exits_0_on_clean_multi_hop_flows() {
    let dir = common::root().join("tests/fixtures/flows");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            let out = common::siplens(&["trace", "--summary", p.to_str().unwrap()], None);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}: {}",
                p.display(),
                stdout(&out)
            );
            n += 1;
        }
    }
    assert!(n >= 5);
}
