//! Property tests of `siplens::decode`: any bytes, and SIP-like text built
//! from real pieces, decode without panicking into a contract that keeps
//! the invariants of `siplens::diagnose::invariants`.
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use siplens::diagnose::invariants::check_decoded;

fn check(input: &[u8]) -> Result<(), TestCaseError> {
    let d = siplens::decode(input);
    check_decoded(&d, input).map_err(TestCaseError::fail)
}

/// A start line: request, response (any code text) or junk.
fn start_line() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            prop::sample::select(vec![
                "INVITE", "REGISTER", "BYE", "OPTIONS", "FOO", "invite"
            ]),
            prop::sample::select(vec![
                "sip:a@b",
                "sips:[::1]:5061",
                "tel:+1555",
                "<sip:x>",
                ""
            ]),
        )
            .prop_map(|(m, u)| format!("{m} {u} SIP/2.0")),
        ("[0-9]{1,4}", "[ -~]{0,20}").prop_map(|(c, r)| format!("SIP/2.0 {c} {r}")),
        "[ -~]{0,30}",
    ]
}

/// A header line from a pool of real and broken headers.
fn header() -> impl Strategy<Value = String> {
    let names = prop::sample::select(vec![
        "Via",
        "v",
        "From",
        "f",
        "To",
        "t",
        "Call-ID",
        "i",
        "CSeq",
        "Contact",
        "m",
        "Content-Length",
        "l",
        "Content-Type",
        "c",
        "Max-Forwards",
        "Reason",
        "Warning",
        "Retry-After",
        "WWW-Authenticate",
        "Proxy-Authenticate",
        "Security-Server",
        "P-Asserted-Identity",
        "Require",
        "Supported",
        "Expires",
        "Route",
        "X-Odd",
    ]);
    let values = prop::sample::select(vec![
        "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKx;rport;received=1.2.3.4",
        "SIP/2.0/TCP [2001:db8::1];branch=z9hG4bK1, SIP/2.0/UDP h",
        "\"Al \\\"B\\\"\" <sip:alice@example.com>;tag=1",
        "<sip:+15551234567@ims.example;user=phone>",
        "1 INVITE",
        "4294967296 REGISTER",
        "0",
        "-1",
        "99999999999999999999",
        "application/sdp",
        "multipart/mixed;boundary=b1",
        "application/3gpp-ims+xml",
        "Q.850;cause=17;text=\"User busy\"",
        "SIP;cause=480, Q.850;cause=999",
        "399 host \"text\"",
        "301 x \"unterminated",
        "30;duration=60",
        "120 (comment)",
        "Digest realm=\"r\", nonce=\"n\", algorithm=AKAv1-MD5, qop=\"auth\", stale=TRUE",
        "ipsec-3gpp; alg=hmac-sha-1-96; spi-c=1; port-c=5062",
        "",
        ";;,,",
        "\u{e9}\u{fffd}",
    ]);
    (names, values, prop::bool::ANY).prop_map(|(n, v, fold)| {
        if fold {
            format!("{n}: {v}\r\n  folded")
        } else {
            format!("{n}: {v}")
        }
    })
}

fn body() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n".to_owned()),
        Just("--b1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n--b1--\r\n".to_owned()),
        Just("<?xml version=\"1.0\"?><ims-3gpp version=\"1\"><alternative-service/></ims-3gpp>".to_owned()),
        "[ -~\r\n]{0,60}",
    ]
}

/// SIP-like messages: line ends CRLF, LF or mixed, optional prefix.
fn sip_like() -> impl Strategy<Value = Vec<u8>> {
    (
        start_line(),
        prop::collection::vec(header(), 0..12),
        body(),
        prop::sample::select(vec!["\r\n", "\n"]),
        prop::sample::select(vec!["", "    ", "> "]),
        prop::bool::ANY,
    )
        .prop_map(|(start, headers, body, eol, prefix, blank)| {
            let mut s = String::new();
            for line in std::iter::once(&start).chain(&headers) {
                s.push_str(prefix);
                s.push_str(&line.replace("\r\n", eol));
                s.push_str(eol);
            }
            if blank {
                s.push_str(eol);
            }
            s.push_str(&body);
            s.into_bytes()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes(input in prop::collection::vec(any::<u8>(), 0..512)) {
        check(&input)?;
    }

    #[test]
    fn sip_like_messages(input in sip_like()) {
        check(&input)?;
    }

    #[test]
    fn mutated_messages(
        input in sip_like(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = input;
        for (at, b) in edits {
            if !bytes.is_empty() {
                let i = at.index(bytes.len());
                bytes[i] = b;
            }
        }
        check(&bytes)?;
    }

    #[test]
    fn truncated_messages(input in sip_like(), cut in any::<prop::sample::Index>()) {
        let n = cut.index(input.len() + 1);
        check(&input[..n])?;
    }
}
