//! Property tests: whatever the bytes, parsing and validation never panic
//! and every view is a true slice of the input (the invariants live in
//! `support/invariants.rs`, shared with the fuzz target). Inputs are
//! arbitrary bytes and generated SIP-like messages: start lines from a
//! small set, headers from a name list with compact forms, values built
//! from quotes, `<>`, `;`, `,`, CRLF / LF and folding, and a body whose
//! Content-Length may lie.
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/invariants.rs"]
mod invariants;

use invariants::check_input;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

const START_LINES: &[&str] = &[
    "INVITE sip:bob@biloxi.example.com SIP/2.0",
    "REGISTER sip:ims.mnc001.mcc001.3gppnetwork.org SIP/2.0",
    "ACK sip:[2001:db8::10]:5060;transport=tcp SIP/2.0",
    "BYE tel:+1-201-555-0123;phone-context=ims.example SIP/2.0",
    "OPTIONS  sip:user@host  SIP/2.0 ",
    "INVITE <sip:a@b> SIP/2.0",
    "INVITE sip:a b@c SIP/2.0",
    "MESSAGE urn:service:sos sip/2.0",
    "SIP/2.0 200 OK",
    "SIP/2.0 180",
    "SIP/2.0 183 ",
    "sip/2.0  486 Busy Here",
    "SIP/7.0 99999 Who",
    "SIP/2.0 abc Nope",
    "  > INVITE sip:x SIP/2.0",
    "FOO bar",
    "INV\u{e9}TE sip:x SIP/2.0",
    "",
];

const HEADER_NAMES: &[&str] = &[
    "Via",
    "v",
    "From",
    "f",
    "To",
    "t",
    "Contact",
    "m",
    "Call-ID",
    "i",
    "CSeq",
    "Max-Forwards",
    "Content-Length",
    "l",
    "Content-Type",
    "c",
    "Route",
    "Record-Route",
    "Path",
    "P-Asserted-Identity",
    "Refer-To",
    "r",
    "Expires",
    "Min-Expires",
    "Session-Expires",
    "x",
    "Min-SE",
    "X-Custom",
    "VIA",
    "bad name",
    "",
];

const VALUE_PIECES: &[&str] = &[
    "SIP/2.0/UDP",
    "SIP / 2.0 / TCP",
    " ",
    "\t",
    "host.example.com",
    "192.0.2.1",
    "[2001:db8::1]",
    "[",
    "]",
    "::",
    ":5060",
    ":99999",
    ":",
    ";branch=z9hG4bK",
    ";received=",
    ";rport",
    ";tag=",
    ";lr",
    "<",
    ">",
    "<sip:",
    "sip:",
    "sips:",
    "tel:+1234",
    "urn:service:sos",
    "@",
    "\"",
    "\\",
    "\"Alice \\\"A\\\"\"",
    ",",
    ";",
    "=",
    "?",
    "*",
    "\r\n",
    "\n",
    "\r",
    "\r\n ",
    "\n\t",
    "\r\n\r\n",
    "1",
    "0070",
    "4294967296",
    "INVITE",
    "refresher=uac",
    "\0",
    "\u{e9}",
];

fn value() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        4 => prop::sample::select(VALUE_PIECES).prop_map(|s| s.as_bytes().to_vec()),
        1 => "[ -~]{0,6}".prop_map(String::into_bytes),
        1 => any::<u8>().prop_map(|b| vec![b]),
    ];
    prop::collection::vec(piece, 0..10).prop_map(|v| v.concat())
}

/// Content-Length: absent, true, a lie, or not a number.
#[derive(Debug, Clone)]
enum Length {
    Absent,
    True,
    Lie(u64),
    Text(String),
}

fn length() -> impl Strategy<Value = Length> {
    prop_oneof![
        Just(Length::Absent),
        Just(Length::True),
        prop_oneof![0u64..600, Just(u64::MAX), Just(1 << 40)].prop_map(Length::Lie),
        "[ 0-9a-z-]{0,4}".prop_map(Length::Text),
    ]
}

prop_compose! {
    fn sip_like()(
        prefix in prop::sample::select(&["", "", "  ", "> ", "\t"][..]),
        crlf in prop::collection::vec(any::<bool>(), 24),
        leading_blank in any::<bool>(),
        start in prop::sample::select(START_LINES),
        headers in prop::collection::vec(
            (prop::sample::select(HEADER_NAMES), prop::sample::select(&[":", ": ", " : ", ":  "][..]), value()),
            0..10,
        ),
        length in length(),
        cl_name in prop::sample::select(&["Content-Length", "l", "content-length"][..]),
        blank_line in prop::bool::weighted(0.9),
        body in prop::option::weighted(0.6, prop::collection::vec(any::<u8>(), 0..80)),
        trailing in prop::sample::select(&["", "", "\r\n", "junk", "SIP/2.0 200 OK\r\n\r\n"][..]),
    ) -> Vec<u8> {
        let body = body.unwrap_or_default();
        let mut eol = crlf.into_iter().cycle().map(|c| if c { &b"\r\n"[..] } else { b"\n" });
        let mut out = Vec::new();
        if leading_blank {
            out.extend_from_slice(b"\r\n");
        }
        let mut line = |out: &mut Vec<u8>, content: &[u8]| {
            out.extend_from_slice(prefix.as_bytes());
            out.extend_from_slice(content);
            out.extend_from_slice(eol.next().unwrap());
        };
        line(&mut out, start.as_bytes());
        for (name, colon, value) in &headers {
            line(&mut out, &[name.as_bytes(), colon.as_bytes(), value].concat());
        }
        let cl = match length {
            Length::Absent => None,
            Length::True => Some(body.len().to_string()),
            Length::Lie(n) => Some(n.to_string()),
            Length::Text(t) => Some(t),
        };
        if let Some(cl) = cl {
            line(&mut out, format!("{cl_name}: {cl}").as_bytes());
        }
        if blank_line {
            line(&mut out, b"");
        }
        out.extend_from_slice(&body);
        out.extend_from_slice(trailing.as_bytes());
        out
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_keep_the_invariants(input in prop::collection::vec(any::<u8>(), 0..512)) {
        check_input(&input);
    }

    #[test]
    fn sip_alphabet_bytes_keep_the_invariants(
        input in prop::collection::vec(
            prop::sample::select(&b"SIP/2.0 \r\n\t:;,<>\"\\[]@=?*sipv1"[..]),
            0..256,
        )
    ) {
        check_input(&input);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn sip_like_messages_keep_the_invariants(input in sip_like()) {
        check_input(&input);
    }
}

fn files(dir: &Path, ext: Option<&str>, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if ext.is_none_or(|x| p.extension().is_some_and(|e| e == x)) {
            out.push(p);
        }
    }
}

/// Every shared corpus message and every committed fuzz seed keeps the
/// invariants too (real messages reach deeper than generated ones).
#[test]
fn corpus_and_fuzz_seeds_keep_the_invariants() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/corpus");
    let mut all = Vec::new();
    files(&shared.join("rfc4475/messages"), Some("dat"), &mut all);
    files(&shared.join("rfc5118/archive"), None, &mut all);
    files(&shared.join("traces/pcap-extract"), Some("sip"), &mut all);
    let seeds = root.join("fuzz/seeds/parse_message");
    files(&seeds, None, &mut all);
    assert!(
        all.len() > 1000,
        "corpus beside the repo expected, found {}",
        all.len()
    );
    for p in all {
        let bytes = std::fs::read(&p).unwrap();
        let run = std::panic::catch_unwind(|| check_input(&bytes));
        assert!(run.is_ok(), "invariant broken by {}", p.display());
    }
}
