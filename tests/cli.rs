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

/// The report's first paragraph (the headline, wrapped) on one line.
fn first_paragraph(text: &str) -> String {
    text.split("\n\n")
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
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
    assert_eq!(first_paragraph(&text), headline, "{text}");
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
        assert_eq!(first_paragraph(&text), headline("basic/200-ok-invite.sip"));
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
        s.contains("D1 INVITE sip:alice@a.example → sip:bob@b.example"),
        "{s}"
    );
    assert!(s.contains("terminated (200)"), "{s}");
    assert!(s.contains("Ladder:") && s.contains("--INVITE"), "{s}");
    assert!(s.contains("<-180 Ringing (INVITE)"), "{s}");

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

/// Runs the binary with `COLUMNS` set (and no `--width`).
fn with_columns(args: &[&str], columns: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_siplens"))
        .args(args)
        .env("COLUMNS", columns)
        .env_remove("NO_COLOR")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

/// Lines wider than `width`. A line may pass the width only when it holds
/// a word that alone takes half of it (a URI or header value without
/// spaces, which is never cut).
fn too_wide(text: &str, width: usize) -> Vec<String> {
    text.lines()
        .filter(|l| l.chars().count() > width)
        .filter(|l| l.split_whitespace().all(|w| w.chars().count() < width / 2))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_report_fits_80_columns() {
    let sngrep = fixture("traces/sngrep.txt");
    let capture =
        common::corpus().join("pcap/goffinet-sip_captures/SIP-Call-with-Proxy-Server.pcap");
    let capture = capture.to_str().unwrap();
    let mut runs: Vec<Vec<String>> = vec![
        vec!["code".into(), "503".into()],
        vec!["code".into(), "401".into()],
        vec!["code".into(), "499".into()],
        vec!["codes".into()],
        vec!["compare".into(), "486".into(), "600".into()],
        vec!["rules".into()],
        vec!["trace".into(), sngrep.clone()],
        vec!["trace".into(), capture.into()],
    ];
    for name in [
        "sip-2phones-B2BUA-Asterisk.pcapng",
        "private-test-sip.pcapng",
    ] {
        let p = common::corpus()
            .join("pcap/goffinet-sip_captures")
            .join(name);
        runs.push(vec!["trace".into(), p.to_str().unwrap().into()]);
    }
    for f in common::fixtures().iter().take(60) {
        runs.push(vec!["decode".into(), f.to_str().unwrap().into()]);
    }
    for args in &runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // --width 80, and COLUMNS=80 without it: the same output.
        let mut with_flag = vec!["--width", "80"];
        with_flag.extend(&args);
        let a = common::siplens(&with_flag, None);
        let b = with_columns(&args, "80");
        assert_eq!(a.stdout, b.stdout, "{args:?}");
        let text = stdout(&a);
        assert!(!text.is_empty(), "{args:?}");
        let wide = too_wide(&text, 80);
        assert!(
            wide.is_empty(),
            "{args:?}: lines over 80 columns:\n{}",
            wide.join("\n")
        );
    }
    // Narrower than the lanes: the ladder becomes a list, still in the width.
    let narrow = stdout(&common::siplens(&["--width", "40", "trace", capture], None));
    let ladder = narrow.split("Ladder:").nth(1).unwrap();
    assert!(
        ladder.contains("#1")
            && ladder.contains("+0.000 INVITE")
            && ladder.contains("10.33.6.101 →"),
        "{narrow}"
    );
    assert!(too_wide(&narrow, 40).is_empty(), "{narrow}");
    // The width follows COLUMNS: `codes` at 120 has longer lines than at 80.
    let wide = stdout(&with_columns(&["codes"], "120"));
    assert!(wide.lines().any(|l| l.chars().count() > 80));
    assert!(too_wide(&wide, 120).is_empty());
}

#[test]
fn decode_of_a_capture_points_to_trace() {
    let pcap = common::corpus().join("pcap/heplify/sip_sctp.pcap");
    let out = common::siplens(&["decode", pcap.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("pcap capture") && err.contains("siplens trace"),
        "{err}"
    );
}

#[test]
fn trace_of_junk_is_one_error() {
    let mut x: u32 = 0x9e37_79b9;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    let rtp_only = std::fs::read(common::corpus().join("pcap/ndpi/sip_hello.pcapng")).ok();
    let mut inputs: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", Vec::new(), "empty"),
        ("white space", b" \r\n".to_vec(), "empty"),
        (
            "hello world",
            b"hello world\n".to_vec(),
            "not a SIP message",
        ),
        ("random bytes", noise, "binary"),
    ];
    if let Some(p) = rtp_only.filter(|p| siplens::decode_capture(p).messages.is_empty()) {
        inputs.push(("capture without SIP", p, "no SIP message"));
    }
    for (what, input, word) in &inputs {
        for args in [
            &["trace", "-"][..],
            &["trace", "--json", "-"],
            &["trace", "--ndjson", "-"],
            &["trace", "--summary", "-"],
            &["trace", "--csv", "-"],
        ] {
            let out = common::siplens(args, Some(input));
            assert_eq!(out.status.code(), Some(2), "{what} {args:?}");
            assert!(out.stdout.is_empty(), "{what} {args:?}: {}", stdout(&out));
            let err = String::from_utf8(out.stderr).unwrap();
            assert_eq!(err.lines().count(), 1, "{what} {args:?}: {err}");
            assert!(err.contains(word), "{what} {args:?}: {err}");
        }
    }
}

#[test]
fn redact_does_not_take_the_file_as_its_level() {
    let path = fixture("basic/200-ok-invite.sip");
    for cmd in ["decode", "trace"] {
        let out = common::siplens(&[cmd, "--redact", &path], None);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("redacted (network)"));
        let out = common::siplens(&[cmd, "--redact=all", &path], None);
        assert_eq!(out.status.code(), Some(0), "{cmd}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("redacted (all)"));
        // A level must be attached with `=`: a bare word is the file.
        let out = common::siplens(&[cmd, "--redact", "all"], None);
        assert_eq!(out.status.code(), Some(2), "{cmd}");
    }
}

#[test]
fn a_single_message_ladder_names_both_lanes() {
    let out = common::siplens(&["trace", &fixture("basic/200-ok-invite.sip")], None);
    let s = stdout(&out);
    let ladder = s.split("Ladder:").nth(1).unwrap();
    assert!(!ladder.contains('?'), "{s}");
    // Lanes come from the core's participants: the Via names the UAC
    // (192.0.2.20) and the response goes back to it from the UAS.
    assert!(
        ladder.contains("192.0.2.20") && ladder.contains("192.0.2.10") && ladder.contains("#1"),
        "{s}"
    );
    assert!(ladder.contains("200 OK (INVITE)"), "{s}");
}

#[test]
fn trace_filters_and_dialog_csv() {
    let pcap =
        common::corpus().join("pcap/goffinet-sip_captures/sip-2phones-B2BUA-Asterisk.pcapng");
    let pcap = pcap.to_str().unwrap();
    let whole = siplens::decode_capture(&std::fs::read(pcap).unwrap());
    assert!(whole.dialogs.len() >= 2, "a B2BUA: several dialogs");
    let d2 = &whole.dialogs[1];
    // --dialog 2: only that dialog's messages, numbered as in the whole trace.
    let out = common::siplens(&["trace", "--dialog", "2", pcap], None);
    let s = stdout(&out);
    let numbers: Vec<usize> = s
        .lines()
        .filter_map(|l| l.rsplit_once("  #"))
        .filter_map(|(_, n)| n.split_whitespace().next()?.parse().ok())
        .collect();
    let want: Vec<usize> = d2.messages.iter().map(|m| m + 1).collect();
    assert!(
        want.iter().all(|m| numbers.contains(m)),
        "{want:?} in {numbers:?}\n{s}"
    );
    assert!(!numbers.contains(&1) || d2.messages.contains(&0), "{s}");
    assert!(s.contains("D2 ") && !s.contains("D1 "), "{s}");
    // --call-id: JSON holds only that Call-ID's messages.
    let id = &d2.call_id;
    let out = common::siplens(&["trace", "--json", "--call-id", id, pcap], None);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let msgs = v["messages"].as_array().unwrap();
    assert!(!msgs.is_empty());
    assert!(msgs.iter().all(|m| m["decoded"]["callId"] == id.as_str()));
    let out = common::siplens(&["trace", "--ndjson", "--call-id", id, pcap], None);
    assert_eq!(stdout(&out).lines().count(), msgs.len());
    let out = common::siplens(
        &["trace", "--json", "--summary", "--call-id", id, pcap],
        None,
    );
    let counts: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(counts["messages"], msgs.len());
    assert_eq!(counts["dialogs"], v["dialogs"].as_array().unwrap().len());
    // The CSV: a header and one row per dialog, fields from the trace.
    let out = common::siplens(&["trace", "--csv", pcap], None);
    assert_eq!(out.status.code(), Some(0));
    let csv = stdout(&out);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows[0],
        "dialog,call,call_id,method,from_user,to_user,state,final_code,final_reason,reason,start_time,duration_s,src,dst,participants,messages,media_streams,media_packets,media_packets_to_offerer,media_packets_to_answerer,media_lost,media_max_jitter_ms,media_codecs,media_one_way"
    );
    assert_eq!(rows.len(), 1 + whole.dialogs.len(), "{csv}");
    let first: Vec<&str> = rows[1].split(',').collect();
    let d1 = &whole.dialogs[0];
    assert_eq!(first[0], "D1");
    assert_eq!(first[2], d1.call_id);
    assert_eq!(first[3], d1.kind);
    assert!(!first[4].is_empty() && d1.caller.as_deref().unwrap().contains(first[4]));
    assert_eq!(
        first[7],
        d1.final_code.map(|c| c.to_string()).unwrap_or_default()
    );
    assert!(first[10].starts_with("20"), "ISO start time: {}", first[10]);
    assert_eq!(
        Some(first[12]),
        whole.messages[d1.messages[0]].src.as_deref()
    );
    let out = common::siplens(&["trace", "--csv", "--dialog", "2", pcap], None);
    assert_eq!(stdout(&out).lines().count(), 2);
    // A filter that selects nothing: one line, exit 2, in every output.
    let past = (whole.dialogs.len() + 1).to_string();
    for args in [
        &["trace", "--dialog", &past, pcap][..],
        &["trace", "--json", "--dialog", &past, pcap],
        &["trace", "--ndjson", "--call-id", "no-such-call", pcap],
        &["trace", "--csv", "--call-id", "no-such-call", pcap],
    ] {
        let out = common::siplens(args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
}

/// The call list's media columns on the generated RTP captures
/// (examples/rtp_fixtures.rs): streams, packets each way of the
/// offer/answer, loss, highest jitter, codecs and the one-way flag.
#[test]
fn csv_media_columns() {
    let row = |name: &str| -> Vec<String> {
        let p = common::root().join("tests/fixtures/rtp").join(name);
        let out = common::siplens(&["trace", "--csv", p.to_str().unwrap()], None);
        let csv = stdout(&out);
        let rows: Vec<&str> = csv.lines().collect();
        assert_eq!(rows.len(), 2, "{csv}");
        let at = rows[0]
            .split(',')
            .position(|c| c == "media_streams")
            .unwrap();
        rows[1].split(',').skip(at).map(str::to_owned).collect()
    };
    // Both ways: 110 packets to the caller (the offerer), 103 of 106 to
    // the callee; DTMF adds telephone-event; A.8 jitter of a few ms.
    assert_eq!(
        row("two-way.pcap"),
        [
            "2",
            "213",
            "110",
            "103",
            "3",
            "4.096",
            "PCMA telephone-event",
            "false"
        ]
    );
    // Only the caller sends: nothing reaches the offerer.
    assert_eq!(
        row("one-way.pcap"),
        ["1", "60", "0", "60", "0", "0.000", "PCMU", "true"]
    );
    // A text trace has no media: the columns are empty.
    let out = common::siplens(
        &[
            "trace",
            "--csv",
            &fixture("basic/invite-mixed-line-ends.sip"),
        ],
        None,
    );
    let csv = stdout(&out);
    let last = csv.lines().nth(1).unwrap();
    assert!(last.ends_with(",,,,,,,,"), "{last}");
}

/// A capture named on the command line is read in chunks (the file is
/// never held whole); standard input is read whole: every streamed output
/// is the same byte for byte.
#[test]
fn a_capture_file_read_in_chunks_equals_standard_input() {
    let pcap =
        common::corpus().join("pcap/goffinet-sip_captures/sip-2phones-B2BUA-Asterisk.pcapng");
    let rtp = common::root().join("tests/fixtures/rtp/two-way.pcap");
    for p in [pcap, rtp] {
        let bytes = std::fs::read(&p).unwrap();
        let path = p.to_str().unwrap();
        // (The text report names its input, so it is not compared.)
        for mode in [&["--ndjson"][..], &["--csv"], &["--json", "--summary"]] {
            let run = |input: &str, stdin: Option<&[u8]>| {
                let mut args = vec!["trace"];
                args.extend(mode);
                args.push(input);
                common::siplens(&args, stdin)
            };
            let (file, stdin) = (run(path, None), run("-", Some(&bytes)));
            assert_eq!(file.status.code(), stdin.status.code(), "{mode:?} {path}");
            assert!(!file.stdout.is_empty(), "{mode:?} {path}");
            assert!(file.stdout == stdin.stdout, "{mode:?} {path}");
        }
    }
}

#[test]
fn wireshark_copies_and_hex_dumps_are_read() {
    let details = fixture("triage/wireshark-invite-details.txt");
    let out = common::siplens(&["decode", &details], None);
    assert!(
        out.status.code().unwrap() < 2,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout(&out).starts_with("INVITE request"),
        "{}",
        stdout(&out)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Wireshark packet-details copy"), "{err}");
    for dump in [
        "triage/tshark-x-100-trying.txt",
        "triage/xxd-100-trying.txt",
    ] {
        let out = common::siplens(&["decode", "--json", &fixture(dump)], None);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["status"]["code"], 100, "{dump}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("hex dump"));
    }
    let out = common::siplens(
        &["trace", "--json", &fixture("triage/tshark-x-5-frames.txt")],
        None,
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["messages"].as_array().unwrap().len(), 5);
    assert_eq!(v["messages"][0]["src"], "10.33.6.101:5060");
    // Several messages to decode: the first, and a note naming trace.
    let out = common::siplens(&["decode", &fixture("traces/sngrep.txt")], None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("first of 7"));
    assert!(stdout(&out).starts_with("INVITE"));
}

#[test]
fn arrow_labels_too_long_for_their_lane_are_shown_whole() {
    let p = common::corpus().join("pcap/goffinet-sip_captures/sip-2phones-B2BUA-Asterisk.pcapng");
    let out = common::siplens(&["--width", "80", "trace", p.to_str().unwrap()], None);
    let s = stdout(&out);
    let ladder = s.split("Ladder:").nth(1).unwrap();
    // Four lanes at 80 columns: the arrow holds a cut label, the line above
    // it the whole one, CSeq method included.
    let lines: Vec<&str> = ladder.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("<-401 Unauth…"))
        .unwrap_or_else(|| panic!("{ladder}"));
    assert!(
        lines[at - 1].contains("401 Unauthorized (REGISTER)"),
        "{ladder}"
    );
    assert!(lines[at].trim_end().ends_with("#2"), "{ladder}");
    // One lane per IP (the core's participants): four addresses fit whole.
    assert!(
        lines[1].contains("172.16.98.1 ") && lines[1].contains("172.16.98.102"),
        "{}",
        lines[1]
    );
}

/// A capture whose clock jumps years (SL449) has times wider than the
/// time column: the column widens, so every lifeline stays in its column.
#[test]
fn ladder_lanes_stay_aligned_when_times_are_wide() {
    let p = common::corpus().join("pcap/heplify/sip_ipv6_udp.pcap");
    let out = common::siplens(&["--width", "100", "trace", p.to_str().unwrap()], None);
    let s = stdout(&out);
    assert!(s.contains("SL449"), "{s}");
    let ladder = s.split("Ladder:").nth(1).unwrap();
    let rows: Vec<&str> = ladder.lines().filter(|l| l.contains('#')).collect();
    assert_eq!(rows.len(), 6, "{ladder}");
    assert!(
        rows.iter().any(|r| r.contains("+2538987240.000")),
        "{ladder}"
    );
    // The first lifeline of every arrow row (`|`) is in one column.
    let col = |r: &str| r.chars().position(|c| c == '|');
    let first = col(rows[0]);
    assert!(first.is_some(), "{ladder}");
    for r in &rows {
        assert_eq!(col(r), first, "{ladder}");
    }
}

/// The ladder marks SDP offers and answers on the arrows (RFC 3264).
#[test]
fn ladder_marks_sdp_offers_and_answers() {
    let out = common::siplens(
        &[
            "--width",
            "120",
            "trace",
            &fixture("traces/volte-preconditions-offer-answer.txt"),
        ],
        None,
    );
    let s = stdout(&out);
    let ladder = s.split("Ladder:").nth(1).unwrap();
    assert!(ladder.contains("INVITE [offer]"), "{ladder}");
    assert!(ladder.contains("(INVITE) [answer]"), "{ladder}");
    assert!(ladder.contains("UPDATE [offer]"), "{ladder}");
}

/// `trace --export`: one call's messages as text (which decode back to the
/// same messages) and its packets as a pcap cut from the capture's bytes.
#[test]
fn trace_exports_one_call_as_text_and_pcap() {
    let pcap =
        common::corpus().join("pcap/goffinet-sip_captures/sip-2phones-B2BUA-Asterisk.pcapng");
    let pcap = pcap.to_str().unwrap();
    let whole: siplens::Trace = siplens::trace::decode_any(&std::fs::read(pcap).unwrap());
    let d = whole
        .dialogs
        .iter()
        .find(|d| d.kind == "INVITE")
        .expect("an INVITE dialog");
    let n = (d.id + 1).to_string();
    // Text: the dialog's messages, decodable again.
    let out = common::siplens(&["trace", "--dialog", &n, "--export", "text", pcap], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = siplens::trace::decode_trace_text(&out.stdout);
    assert!(again.messages.len() >= d.messages.len(), "{}", stdout(&out));
    for &i in &d.messages {
        assert!(
            again
                .messages
                .iter()
                .any(|m| m.raw == whole.messages[i].raw),
            "message #{} missing from the export",
            i + 1
        );
    }
    // Pcap: a smaller capture of the same format holding the dialog.
    let dir = std::env::temp_dir().join(format!("siplens-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("call.pcapng");
    let out = common::siplens(
        &[
            "trace",
            "--dialog",
            &n,
            "--export",
            "pcap",
            "-o",
            file.to_str().unwrap(),
            pcap,
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cut = std::fs::read(&file).unwrap();
    assert!(cut.len() < std::fs::read(pcap).unwrap().len());
    let again = siplens::trace::decode_capture(&cut);
    for &i in &d.messages {
        assert!(again
            .messages
            .iter()
            .any(|m| m.raw == whole.messages[i].raw));
    }
    std::fs::remove_dir_all(&dir).ok();
    // Without a call chosen, or a pcap from text: one line, exit 2.
    let out = common::siplens(&["trace", "--export", "text", pcap], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--call-id"));
    let text = fixture("traces/volte-preconditions-offer-answer.txt");
    let out = common::siplens(&["trace", "--dialog", "1", "--export", "pcap", &text], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--export text"));
}
