//! The streaming decoder (`siplens::trace::incremental`) equals the
//! whole-input decode: for every shared capture, every text fixture, cut
//! captures (damage at the end) and crafted texts, fed in chunks of 1, 7
//! and 4096 bytes and in random cuts (proptest), the trace is the same
//! JSON as `decode_any` of the whole input.
// Native only: proptest is not built for wasm32 (`wasm-pack test` builds every test target).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use siplens::trace::incremental::{decode_chunks, TraceStream};
use siplens::trace::{decode_any, stream_any};

/// Every input: shared captures, capture and text fixtures, single-message
/// fixtures, cut captures and crafted texts.
fn inputs() -> &'static [(String, Vec<u8>)] {
    static INPUTS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    INPUTS.get_or_init(|| {
        let mut files: Vec<PathBuf> =
            common::files(&common::corpus().join("pcap"), &[".pcap", ".pcapng"]);
        let fixtures = common::root().join("tests/fixtures");
        files.extend(common::files(
            &fixtures,
            &[".pcap", ".pcapng", ".txt", ".sip"],
        ));
        files.extend(common::files(
            &common::corpus().join("traces"),
            &[".sip", ".txt"],
        ));
        let mut out: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|f| (f.display().to_string(), std::fs::read(f).unwrap()))
            .collect();
        // Captures cut short: the damage is reported at the end.
        let cut: Vec<(String, Vec<u8>)> = out
            .iter()
            .filter(|(n, _)| n.ends_with(".pcap") || n.ends_with(".pcapng"))
            .map(|(n, b)| (format!("{n} (cut at 2/3)"), b[..b.len() * 2 / 3].to_vec()))
            .collect();
        out.extend(cut);
        for (name, text) in crafted() {
            out.push((name.into(), text.into_bytes()));
        }
        out
    })
}

/// Texts that exercise what the splitter carries between messages.
fn crafted() -> Vec<(&'static str, String)> {
    let msg = |start: &str, n: u32| {
        format!("{start}\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-{n}\r\nFrom: <sip:a@example.com>;tag=a\r\nTo: <sip:b@example.com>\r\nCall-ID: c-1\r\nCSeq: {n} INVITE\r\nContent-Length: 0\r\n\r\n")
    };
    let invite = msg("INVITE sip:b@example.com SIP/2.0", 1);
    let ringing = msg("SIP/2.0 180 Ringing", 1);
    vec![
        ("empty", String::new()),
        ("three bytes", "INV".into()),
        ("no line end", invite.trim_end().to_owned()),
        (
            "follow-stream nodes",
            format!("Node 0: 192.0.2.1:5060\nNode 1: 192.0.2.2:5060\n{invite}\t{}", ringing.replace("\r\n", "\r\n\t")),
        ),
        (
            "log lines, skipped headers, a lenient start line",
            format!("2026-01-02 10:00:00.123 recv from 192.0.2.1:5060\n{invite}Via: stray\nCSeq: 9 BYE\n10:00:01.5 sent to 192.0.2.1:5060\nsip/2.0  180  Ringing\r\nCSeq: 1 INVITE\r\n\r\n"),
        ),
        (
            "ngrep",
            format!("U 192.0.2.1:5060 -> 192.0.2.2:5060 #1\n{}\n\nU 192.0.2.2:5060 -> 192.0.2.1:5060 #2\n{}", invite.replace("\r\n", ".\n"), ringing.replace("\r\n", ".\n")),
        ),
        (
            "body without Content-Length, blank lines after",
            "MESSAGE sip:b@example.com SIP/2.0\nCSeq: 1 MESSAGE\n\nhello\nworld\n\n\n\nSIP/2.0 200 OK\nCSeq: 1 MESSAGE\n\n".into(),
        ),
        (
            "a stray line and a sipfrag body",
            "NOTIFY sip:b@example.com SIP/2.0\nCSeq: 2 NOTIFY\nbroken line\nContent-Type: message/sipfrag\nContent-Length: 22\n\nSIP/2.0 200 OK\r\nX: 1\r\n\r\nOPTIONS sip:x SIP/2.0\nCSeq: 3 OPTIONS\n\n".into(),
        ),
    ]
}

fn json(t: &siplens::trace::Trace) -> String {
    serde_json::to_string(t).unwrap()
}

fn chunked(input: &[u8], sizes: &[usize]) -> String {
    let mut chunks = Vec::new();
    let mut at = 0;
    for &n in sizes.iter().cycle() {
        if at >= input.len() {
            break;
        }
        let end = (at + n.max(1)).min(input.len());
        chunks.push(&input[at..end]);
        at = end;
    }
    json(&decode_chunks(chunks))
}

#[test]
fn chunked_equals_whole_for_every_input_in_cuts_of_1_7_and_4096() {
    let inputs = inputs();
    assert!(inputs.len() > 100, "{} inputs", inputs.len());
    for (name, bytes) in inputs {
        let whole = json(&decode_any(bytes));
        for n in [1, 7, 4096] {
            assert!(
                chunked(bytes, &[n]) == whole,
                "{name}: chunks of {n} differ"
            );
        }
        assert!(chunked(bytes, &[usize::MAX]) == whole, "{name}: one chunk");
    }
}

#[test]
fn messages_are_handed_over_as_they_complete() {
    // A text of two messages: the first is handed over once the second starts.
    let text = "OPTIONS sip:a@example.com SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\nSIP/2.0 200 OK\r\nCSeq: 1 OPTIONS\r\n\r\n";
    let second = text.find("SIP/2.0 200").unwrap();
    let mut s = TraceStream::new();
    assert!(s.push(&text.as_bytes()[..second]).is_empty());
    // Only complete lines are split: the start line's line end is needed.
    assert!(s.push(&text.as_bytes()[second..second + 14]).is_empty());
    let first = s.push(&text.as_bytes()[second + 14..second + 16]);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].label, "OPTIONS");
    assert_eq!(first[0].source_span.unwrap().line, 1);
    assert!(s.push(&text.as_bytes()[second + 16..]).is_empty());
    let (last, summary) = s.finish();
    assert_eq!(last.len(), 1);
    assert_eq!(last[0].index, 1);
    assert_eq!(last[0].source_span.unwrap().line, 4);
    assert_eq!(summary.messages.len(), 2);
    assert_eq!(
        summary.transactions.len(),
        stream_any(text.as_bytes(), None).transactions.len()
    );

    // A capture: each UDP message as soon as its packet's record is in.
    let path = common::root().join("tests/fixtures/captures/sip_ipv6_udp.pcap");
    let bytes = std::fs::read(path).unwrap();
    let mut s = TraceStream::new();
    let mut seen = Vec::new();
    for c in bytes.chunks(64) {
        let got = s.push(c);
        seen.push(got.len());
    }
    let (last, summary) = s.finish();
    assert!(
        last.is_empty(),
        "every UDP message completes with its record"
    );
    assert_eq!(seen.iter().sum::<usize>(), summary.messages.len());
    assert!(seen.iter().filter(|&&n| n > 0).count() > 1);
    // The summary is the one `stream_any` gives.
    let whole = stream_any(&bytes, None);
    assert_eq!(summary.dialogs.len(), whole.dialogs.len());
    assert_eq!(summary.findings, whole.findings);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn chunked_equals_whole_in_random_cuts(
        pick in any::<prop::sample::Index>(),
        sizes in prop::collection::vec(1usize..3000, 1..16),
    ) {
        let (name, bytes) = &inputs()[pick.index(inputs().len())];
        prop_assert!(chunked(bytes, &sizes) == json(&decode_any(bytes)), "{} in cuts {:?}", name, sizes);
    }
}
