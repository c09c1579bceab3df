//! Traces: text in several log styles (tests/fixtures/traces), correlation,
//! each flow rule SL40x on a positive and a negative flow, the JSON Schema
//! of the trace contract, span invariants, and damaged captures (every
//! shared capture cut at several offsets: no panic, a capture finding,
//! the messages before the damage kept).
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::PathBuf;

use serde_json::Value;
use siplens::diagnose::invariants::check_decoded;
use siplens::trace::{capture, decode_messages, stream_any, text, Trace};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(common::root().join("tests/fixtures/traces").join(name)).unwrap()
}

fn starts(t: &Trace) -> Vec<String> {
    t.messages
        .iter()
        .map(|m| match (&m.decoded.request, &m.decoded.status) {
            (Some(r), _) => r.method.to_string(),
            (None, Some(s)) => s.code.unwrap_or(0).to_string(),
            _ => "?".into(),
        })
        .collect()
}

const STYLES: &[&str] = &[
    "plain.txt",
    "log-arrows.txt",
    "ngrep.txt",
    "kamailio.txt",
    "sngrep.txt",
    "follow-udp.txt",
];

#[test]
fn every_log_style_yields_the_same_seven_messages() {
    for name in STYLES {
        let input = fixture(name);
        let t = siplens::decode_trace_text(&input);
        assert_eq!(
            starts(&t),
            ["INVITE", "100", "180", "200", "ACK", "BYE", "200"],
            "{name}"
        );
        for m in &t.messages {
            // Framing is exact: no message swallowed log lines or lost its body.
            let ids: Vec<&str> = m.decoded.findings.iter().map(|f| f.id).collect();
            for bad in ["SL020", "SL021", "SL013", "SL014", "SL002"] {
                assert!(!ids.contains(&bad), "{name} #{}: {ids:?}", m.index);
            }
            let span = m.source_span.unwrap();
            assert!(span.start < span.end && span.end <= input.len(), "{name}");
        }
        assert_eq!(t.dialogs.len(), 1, "{name}");
        assert_eq!(t.dialogs[0].state, "terminated", "{name}");
        assert_eq!(t.transactions.len(), 3, "{name}: INVITE, ACK (2xx), BYE");
        assert!(t.findings.is_empty(), "{name}: {:?}", t.findings);
        if *name != "plain.txt" {
            // Each style names what it knows: both ends, or only the peer.
            assert_eq!(
                t.messages[0].dst.as_deref(),
                Some("10.0.0.2:5060"),
                "{name}"
            );
            let m1 = &t.messages[1];
            assert!(
                m1.src.as_deref() == Some("10.0.0.2:5060")
                    || m1.dst.as_deref() == Some("10.0.0.1:5060"),
                "{name}: {:?} {:?}",
                m1.src,
                m1.dst
            );
        }
        if *name != "plain.txt" && *name != "follow-udp.txt" {
            assert!(t.messages[0].timestamp.is_some(), "{name}");
            let d = &t.dialogs[0];
            assert_eq!(d.post_dial_delay_ms.map(f64::round), Some(1000.0), "{name}");
            assert_eq!(d.setup_time_ms.map(f64::round), Some(3000.0), "{name}");
            assert_eq!(d.duration_ms.map(f64::round), Some(10000.0), "{name}");
        }
    }
}

#[test]
fn text_spans_stay_inside_their_message() {
    for name in STYLES {
        let input = fixture(name);
        for raw in text::split_text(&input) {
            let d = siplens::decode(&raw.bytes);
            check_decoded(&d, &raw.bytes).unwrap();
        }
    }
}

// ---- flow builder ---------------------------------------------------------

struct Flow {
    text: String,
    t: f64,
}

const A: &str = "10.0.0.1:5060";
const B: &str = "10.0.0.2:5060";
const SDP: &str = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 8\r\n";

impl Flow {
    fn new() -> Self {
        Flow {
            text: String::new(),
            t: 0.0,
        }
    }

    /// Adds a message sent `dt` seconds after the previous one.
    fn at(
        &mut self,
        dt: f64,
        from: &str,
        to: &str,
        start: &str,
        headers: &[&str],
        body: &str,
    ) -> &mut Self {
        self.t += dt;
        let secs = self.t;
        let h = (secs / 3600.0) as u32;
        let m = (secs / 60.0) as u32 % 60;
        let s = secs % 60.0;
        self.text += &format!(
            "2026-11-21 {:02}:{:02}:{:06.3} {from} -> {to}\n",
            10 + h,
            m,
            s
        );
        self.text += start;
        self.text += "\r\n";
        for x in headers {
            self.text += x;
            self.text += "\r\n";
        }
        self.text += &format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self
    }

    fn trace(&self) -> Trace {
        siplens::decode_trace_text(&self.text)
    }
}

fn hdrs(
    method: &str,
    branch: &str,
    cseq: u32,
    to_tag: Option<&str>,
    extra: &[&str],
) -> Vec<String> {
    let mut v = vec![
        format!("Via: SIP/2.0/UDP 10.0.0.1:5060;branch={branch}"),
        "Max-Forwards: 70".to_owned(),
        "From: <sip:alice@a.example>;tag=a1".to_owned(),
        format!(
            "To: <sip:bob@b.example>{}",
            to_tag.map(|t| format!(";tag={t}")).unwrap_or_default()
        ),
        "Call-ID: c1@a.example".to_owned(),
        format!("CSeq: {cseq} {method}"),
    ];
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

#[allow(clippy::too_many_arguments)]
fn req(
    f: &mut Flow,
    dt: f64,
    method: &str,
    branch: &str,
    cseq: u32,
    to_tag: Option<&str>,
    extra: &[&str],
    body: &str,
) {
    let h = hdrs(method, branch, cseq, to_tag, extra);
    let hr: Vec<&str> = h.iter().map(String::as_str).collect();
    f.at(
        dt,
        A,
        B,
        &format!("{method} sip:bob@b.example SIP/2.0"),
        &hr,
        body,
    );
}

#[allow(clippy::too_many_arguments)]
fn resp(
    f: &mut Flow,
    dt: f64,
    code: u16,
    method: &str,
    branch: &str,
    cseq: u32,
    to_tag: Option<&str>,
    extra: &[&str],
    body: &str,
) {
    let h = hdrs(method, branch, cseq, to_tag, extra);
    let hr: Vec<&str> = h.iter().map(String::as_str).collect();
    f.at(dt, B, A, &format!("SIP/2.0 {code} Reason"), &hr, body);
}

fn ids(t: &Trace) -> Vec<&'static str> {
    t.findings.iter().map(|f| f.id).collect()
}

const SDP_HDR: &[&str] = &["Content-Type: application/sdp"];

fn basic_call() -> Flow {
    let mut f = Flow::new();
    req(&mut f, 0.0, "INVITE", "z9hG4bK1", 1, None, SDP_HDR, SDP);
    resp(&mut f, 0.05, 100, "INVITE", "z9hG4bK1", 1, None, &[], "");
    resp(
        &mut f,
        1.0,
        180,
        "INVITE",
        "z9hG4bK1",
        1,
        Some("b1"),
        &[],
        "",
    );
    resp(
        &mut f,
        2.0,
        200,
        "INVITE",
        "z9hG4bK1",
        1,
        Some("b1"),
        SDP_HDR,
        SDP,
    );
    req(&mut f, 0.01, "ACK", "z9hG4bK2", 1, Some("b1"), &[], "");
    req(&mut f, 10.0, "BYE", "z9hG4bK3", 2, Some("b1"), &[], "");
    resp(&mut f, 0.02, 200, "BYE", "z9hG4bK3", 2, Some("b1"), &[], "");
    f
}

#[test]
fn a_basic_call_has_no_flow_finding() {
    let t = basic_call().trace();
    assert!(t.findings.is_empty(), "{:?}", t.findings);
    assert_eq!(t.dialogs[0].state, "terminated");
    assert_eq!(
        t.transactions[0].response_time_ms.map(f64::round),
        Some(3050.0)
    );
}

#[test]
fn sl401_media_rejected() {
    let mut f = Flow::new();
    req(
        &mut f,
        0.0,
        "INVITE",
        "z9hG4bK1",
        1,
        None,
        SDP_HDR,
        &SDP.replace("4000", "0"),
    );
    resp(
        &mut f,
        0.1,
        488,
        "INVITE",
        "z9hG4bK1",
        1,
        Some("b1"),
        &[],
        "",
    );
    req(&mut f, 0.01, "ACK", "z9hG4bK1", 1, Some("b1"), &[], "");
    let t = f.trace();
    assert_eq!(ids(&t), ["SL401"]);
    assert!(
        t.findings[0].message.contains("port 0"),
        "{}",
        t.findings[0].message
    );
    assert!(t.findings[0].message.contains("PCMU, PCMA"));
    assert_eq!(t.dialogs[0].state, "rejected");
    assert_eq!(t.dialogs[0].final_code, Some(488));
    // The ACK to the 488 joins the INVITE transaction.
    assert_eq!(t.transactions.len(), 1);
    assert_eq!(t.transactions[0].ack, Some(2));
    assert!(!ids(&basic_call().trace()).contains(&"SL401"));
}

#[test]
fn sl402_precondition_failure_and_sl403_session_progress_only() {
    let mut f = Flow::new();
    let sdp = format!("{SDP}a=des:qos mandatory local sendrecv\r\na=curr:qos local none\r\n");
    let inv_h = [
        "Content-Type: application/sdp",
        "Require: precondition",
        "Supported: 100rel",
    ];
    req(&mut f, 0.0, "INVITE", "z9hG4bK1", 1, None, &inv_h, &sdp);
    resp(
        &mut f,
        0.5,
        183,
        "INVITE",
        "z9hG4bK1",
        1,
        Some("b1"),
        &["RSeq: 1", "Require: 100rel"],
        "",
    );
    req(
        &mut f,
        0.05,
        "PRACK",
        "z9hG4bK2",
        2,
        Some("b1"),
        &["RAck: 1 1 INVITE"],
        "",
    );
    resp(
        &mut f,
        0.05,
        200,
        "PRACK",
        "z9hG4bK2",
        2,
        Some("b1"),
        &[],
        "",
    );
    resp(
        &mut f,
        5.0,
        580,
        "INVITE",
        "z9hG4bK1",
        1,
        Some("b1"),
        &[],
        "",
    );
    let t = f.trace();
    assert_eq!(ids(&t), ["SL402", "SL403"], "{:#?}", t.findings);
    let m = &t.findings[0].message;
    assert!(
        m.contains("PRACK") && m.contains("a=curr:qos local none"),
        "{m}"
    );
    assert!(m.contains("No UPDATE"), "{m}");

    // 183 then 180 and 200: neither rule.
    let mut f = Flow::new();
    req(&mut f, 0.0, "INVITE", "z9hG4bK1", 1, None, SDP_HDR, SDP);
    resp(
        &mut f,
        0.5,
        183,
        "INVITE",
        "z9hG4bK1",
        1,
        Some("b1"),
        &[],
        "",
    );
    resp(
        &mut f,
        0.5,
        180,
        "INVITE",
        "z9hG4bK1",
        1,
        Some("b1"),
        &[],
        "",
    );
    resp(
        &mut f,
        0.5,
        200,
        "INVITE",
        "z9hG4bK1",
        1,
        Some("b1"),
        SDP_HDR,
        SDP,
    );
    req(&mut f, 0.01, "ACK", "z9hG4bK2", 1, Some("b1"), &[], "");
    assert!(ids(&f.trace()).is_empty());
}

fn register(f: &mut Flow, dt: f64, branch: &str, cseq: u32, auth: bool, expires: u32) {
    let mut h = vec![
        "Contact: <sip:alice@10.0.0.1>".to_owned(),
        format!("Expires: {expires}"),
    ];
    if auth {
        h.push("Authorization: Digest username=\"alice\", realm=\"r\", nonce=\"n\", uri=\"sip:b.example\", response=\"0123\"".into());
    }
    let hr: Vec<&str> = h.iter().map(String::as_str).collect();
    req(f, dt, "REGISTER", branch, cseq, None, &hr, "");
}

const CHALLENGE: &[&str] = &["WWW-Authenticate: Digest realm=\"r\", nonce=\"n2\""];

#[test]
fn sl404_normal_registration_and_sl405_auth_loop() {
    let mut f = Flow::new();
    register(&mut f, 0.0, "z9hG4bK1", 1, false, 3600);
    resp(
        &mut f,
        0.1,
        401,
        "REGISTER",
        "z9hG4bK1",
        1,
        Some("r1"),
        CHALLENGE,
        "",
    );
    register(&mut f, 0.1, "z9hG4bK2", 2, true, 3600);
    resp(
        &mut f,
        0.1,
        200,
        "REGISTER",
        "z9hG4bK2",
        2,
        Some("r2"),
        &["Contact: <sip:alice@10.0.0.1>;expires=3600"],
        "",
    );
    let t = f.trace();
    assert_eq!(ids(&t), ["SL404"]);
    assert_eq!(t.findings[0].messages, [0, 1, 2, 3]);
    assert!(t.dialogs.is_empty(), "REGISTER makes no dialog");

    let mut f = Flow::new();
    register(&mut f, 0.0, "z9hG4bK1", 1, false, 3600);
    resp(
        &mut f,
        0.1,
        401,
        "REGISTER",
        "z9hG4bK1",
        1,
        Some("r1"),
        CHALLENGE,
        "",
    );
    register(&mut f, 0.1, "z9hG4bK2", 2, true, 3600);
    resp(
        &mut f,
        0.1,
        401,
        "REGISTER",
        "z9hG4bK2",
        2,
        Some("r2"),
        CHALLENGE,
        "",
    );
    register(&mut f, 0.1, "z9hG4bK3", 3, true, 3600);
    resp(
        &mut f,
        0.1,
        401,
        "REGISTER",
        "z9hG4bK3",
        3,
        Some("r3"),
        CHALLENGE,
        "",
    );
    let t = f.trace();
    assert_eq!(ids(&t), ["SL405"]);
    assert!(
        t.findings[0].message.contains("401 → 401 → 401"),
        "{}",
        t.findings[0].message
    );

    // A stale nonce is a normal second challenge, not a loop.
    let mut f = Flow::new();
    register(&mut f, 0.0, "z9hG4bK1", 1, false, 3600);
    resp(
        &mut f,
        0.1,
        401,
        "REGISTER",
        "z9hG4bK1",
        1,
        Some("r1"),
        CHALLENGE,
        "",
    );
    register(&mut f, 0.1, "z9hG4bK2", 2, true, 3600);
    let stale = ["WWW-Authenticate: Digest realm=\"r\", nonce=\"n3\", stale=true"];
    resp(
        &mut f,
        0.1,
        401,
        "REGISTER",
        "z9hG4bK2",
        2,
        Some("r2"),
        &stale,
        "",
    );
    assert!(!ids(&f.trace()).contains(&"SL405"));
}

#[test]
fn sl406_missing_ack_and_sl408_final_retransmitted() {
    let mut f = Flow::new();
    req(&mut f, 0.0, "INVITE", "z9hG4bK1", 1, None, SDP_HDR, SDP);
    resp(
        &mut f,
        1.0,
        200,
        "INVITE",
        "z9hG4bK1",
        1,
        Some("b1"),
        SDP_HDR,
        SDP,
    );
    resp(
        &mut f,
        0.5,
        200,
        "INVITE",
        "z9hG4bK1",
        1,
        Some("b1"),
        SDP_HDR,
        SDP,
    );
    resp(
        &mut f,
        1.0,
        200,
        "INVITE",
        "z9hG4bK1",
        1,
        Some("b1"),
        SDP_HDR,
        SDP,
    );
    let t = f.trace();
    assert_eq!(ids(&t), ["SL406", "SL408"], "{:#?}", t.findings);
    assert!(t.messages[2].retransmission && t.messages[3].retransmission);
    assert!(!t.messages[1].retransmission);

    // 486 retransmitted, then ACKed: SL408 only.
    let mut f = Flow::new();
    req(&mut f, 0.0, "INVITE", "z9hG4bK1", 1, None, SDP_HDR, SDP);
    resp(
        &mut f,
        1.0,
        486,
        "INVITE",
        "z9hG4bK1",
        1,
        Some("b1"),
        &[],
        "",
    );
    resp(
        &mut f,
        0.5,
        486,
        "INVITE",
        "z9hG4bK1",
        1,
        Some("b1"),
        &[],
        "",
    );
    req(&mut f, 0.01, "ACK", "z9hG4bK1", 1, Some("b1"), &[], "");
    assert_eq!(ids(&f.trace()), ["SL408"]);

    // Negative for both: the basic call.
    assert!(ids(&basic_call().trace()).is_empty());
}

#[test]
fn sl407_cancel_crossed_by_200() {
    let mut f = Flow::new();
    req(&mut f, 0.0, "INVITE", "z9hG4bK1", 1, None, SDP_HDR, SDP);
    resp(
        &mut f,
        0.05,
        180,
        "INVITE",
        "z9hG4bK1",
        1,
        Some("b1"),
        &[],
        "",
    );
    req(&mut f, 3.0, "CANCEL", "z9hG4bK1", 1, None, &[], "");
    resp(
        &mut f,
        0.001,
        200,
        "INVITE",
        "z9hG4bK1",
        1,
        Some("b1"),
        SDP_HDR,
        SDP,
    );
    resp(
        &mut f,
        0.02,
        200,
        "CANCEL",
        "z9hG4bK1",
        1,
        Some("b1"),
        &[],
        "",
    );
    req(&mut f, 0.01, "ACK", "z9hG4bK2", 1, Some("b1"), &[], "");
    req(&mut f, 0.01, "BYE", "z9hG4bK3", 2, Some("b1"), &[], "");
    let t = f.trace();
    assert_eq!(ids(&t), ["SL407"]);
    assert_eq!(t.findings[0].messages, [0, 2, 3]);

    let mut f = Flow::new();
    req(&mut f, 0.0, "INVITE", "z9hG4bK1", 1, None, SDP_HDR, SDP);
    resp(
        &mut f,
        0.05,
        180,
        "INVITE",
        "z9hG4bK1",
        1,
        Some("b1"),
        &[],
        "",
    );
    req(&mut f, 3.0, "CANCEL", "z9hG4bK1", 1, None, &[], "");
    resp(
        &mut f,
        0.02,
        200,
        "CANCEL",
        "z9hG4bK1",
        1,
        Some("b1"),
        &[],
        "",
    );
    resp(
        &mut f,
        0.02,
        487,
        "INVITE",
        "z9hG4bK1",
        1,
        Some("b1"),
        &[],
        "",
    );
    req(&mut f, 0.01, "ACK", "z9hG4bK1", 1, Some("b1"), &[], "");
    let t = f.trace();
    assert!(ids(&t).is_empty(), "{:?}", t.findings);
    assert_eq!(t.dialogs[0].state, "cancelled");
    // INVITE and CANCEL are two transactions; the ACK joins the INVITE's.
    assert_eq!(t.transactions.len(), 2);
}

#[test]
fn sl409_retry_before_retry_after() {
    for (wait, fires) in [(2.0, true), (40.0, false)] {
        let mut f = Flow::new();
        req(&mut f, 0.0, "INVITE", "z9hG4bK1", 1, None, SDP_HDR, SDP);
        resp(
            &mut f,
            0.1,
            503,
            "INVITE",
            "z9hG4bK1",
            1,
            Some("b1"),
            &["Retry-After: 30"],
            "",
        );
        req(&mut f, 0.01, "ACK", "z9hG4bK1", 1, Some("b1"), &[], "");
        req(&mut f, wait, "INVITE", "z9hG4bK9", 2, None, SDP_HDR, SDP);
        assert_eq!(ids(&f.trace()).contains(&"SL409"), fires, "wait {wait}");
    }
}

#[test]
fn sl410_early_reregistration() {
    for (wait, fires) in [(60.0, true), (3000.0, false)] {
        let mut f = Flow::new();
        register(&mut f, 0.0, "z9hG4bK1", 1, false, 3600);
        resp(
            &mut f,
            0.1,
            200,
            "REGISTER",
            "z9hG4bK1",
            1,
            Some("r1"),
            &["Contact: <sip:alice@10.0.0.1>;expires=3600"],
            "",
        );
        register(&mut f, wait, "z9hG4bK2", 2, false, 3600);
        assert_eq!(ids(&f.trace()).contains(&"SL410"), fires, "wait {wait}");
    }
    // A de-registration is not a refresh.
    let mut f = Flow::new();
    register(&mut f, 0.0, "z9hG4bK1", 1, false, 3600);
    resp(
        &mut f,
        0.1,
        200,
        "REGISTER",
        "z9hG4bK1",
        1,
        Some("r1"),
        &["Expires: 3600"],
        "",
    );
    register(&mut f, 5.0, "z9hG4bK2", 2, false, 0);
    assert!(ids(&f.trace()).is_empty());
}

/// An INVITE of Call-ID `loop@a.example` sent with the given Via stack
/// (topmost first), Max-Forwards, Request-URI and Route.
fn hop(f: &mut Flow, vias: &[&str], mf: u8, uri: &str, route: Option<&str>) {
    let mut h: Vec<String> = vias
        .iter()
        .map(|v| format!("Via: SIP/2.0/UDP {v}"))
        .collect();
    h.push(format!("Max-Forwards: {mf}"));
    if let Some(r) = route {
        h.push(format!("Route: {r}"));
    }
    h.extend([
        "From: <sip:alice@a.example>;tag=a1".to_owned(),
        "To: <sip:bob@b.example>".to_owned(),
        "Call-ID: loop@a.example".to_owned(),
        "CSeq: 1 INVITE".to_owned(),
    ]);
    let hr: Vec<&str> = h.iter().map(String::as_str).collect();
    f.text += &format!("INVITE {uri} SIP/2.0\r\n");
    for x in hr {
        f.text += x;
        f.text += "\r\n";
    }
    f.text += "Content-Length: 0\r\n\r\n";
}

#[test]
fn sl411_request_loop() {
    const UA: &str = "ua.a.example;branch=z9hG4bKua";
    const P1A: &str = "p1.a.example;branch=z9hG4bKp1a";
    const P1B: &str = "p1.a.example;branch=z9hG4bKp1b";
    const P2: &str = "p2.b.example;branch=z9hG4bKp2";
    // An ordinary proxy chain: each hop adds a Via, Max-Forwards falls.
    let mut f = Flow::new();
    hop(&mut f, &[UA], 70, "sip:bob@b.example", None);
    hop(&mut f, &[P1A, UA], 69, "sip:bob@b.example", None);
    hop(&mut f, &[P2, P1A, UA], 68, "sip:bob@10.0.0.9", None);
    assert!(ids(&f.trace()).is_empty(), "{:?}", f.trace().findings);

    // P2 sends it back to P1, which forwards it again unchanged: a loop.
    let mut f = Flow::new();
    hop(&mut f, &[UA], 70, "sip:bob@b.example", None);
    hop(&mut f, &[P1A, UA], 69, "sip:bob@b.example", None);
    hop(&mut f, &[P2, P1A, UA], 68, "sip:bob@b.example", None);
    hop(&mut f, &[P1B, P2, P1A, UA], 67, "sip:bob@b.example", None);
    let t = f.trace();
    assert_eq!(ids(&t), ["SL411"]);
    assert_eq!(t.findings[0].messages, [1, 3]);
    assert!(
        t.findings[0].message.contains("p1.a.example"),
        "{}",
        t.findings[0].message
    );
    assert!(
        t.findings[0].message.contains("#4"),
        "1-based: {}",
        t.findings[0].message
    );

    // The same round trip with a new Route each time is a spiral (an
    // S-CSCF sending to an AS and getting the request back): no finding.
    let mut f = Flow::new();
    hop(
        &mut f,
        &[UA],
        70,
        "tel:+15551234",
        Some("<sip:scscf.ims.example;lr;orig>"),
    );
    hop(
        &mut f,
        &[P1A, UA],
        69,
        "tel:+15551234",
        Some("<sip:as.ims.example;lr>, <sip:p1.a.example;lr>"),
    );
    hop(
        &mut f,
        &[P2, P1A, UA],
        68,
        "tel:+15551234",
        Some("<sip:p1.a.example;lr>"),
    );
    hop(&mut f, &[P1B, P2, P1A, UA], 67, "tel:+15551234", None);
    assert!(ids(&f.trace()).is_empty(), "{:?}", f.trace().findings);

    // The same Via value (sent-by and branch) twice in one stack.
    let mut f = Flow::new();
    hop(&mut f, &[P1A, P2, P1A, UA], 67, "sip:bob@b.example", None);
    assert_eq!(ids(&f.trace()), ["SL411"]);

    // 483 answers it.
    let mut f = Flow::new();
    req(&mut f, 0.0, "INVITE", "z9hG4bK1", 1, None, &[], "");
    resp(
        &mut f,
        0.1,
        483,
        "INVITE",
        "z9hG4bK1",
        1,
        Some("x"),
        &[],
        "",
    );
    assert_eq!(ids(&f.trace()), ["SL411"]);
}

#[test]
fn rfc2543_transactions_and_forked_early_dialogs() {
    let mut f = Flow::new();
    req(&mut f, 0.0, "INVITE", "old1", 1, None, SDP_HDR, SDP);
    resp(&mut f, 0.5, 180, "INVITE", "old1", 1, Some("x1"), &[], "");
    resp(&mut f, 0.1, 180, "INVITE", "old1", 1, Some("x2"), &[], "");
    resp(
        &mut f,
        0.5,
        200,
        "INVITE",
        "old1",
        1,
        Some("x2"),
        SDP_HDR,
        SDP,
    );
    let t = f.trace();
    assert_eq!(t.transactions.len(), 1);
    assert!(t.transactions[0].rfc2543);
    assert_eq!(t.dialogs.len(), 2, "one early dialog per To tag");
    assert_eq!(t.dialogs[0].state, "early");
    assert_eq!(t.dialogs[1].state, "confirmed");
    assert_eq!(t.messages[3].dialog_id, Some(1));
}

#[test]
fn ims_legs_are_grouped_into_one_call_by_icid() {
    let mut f = Flow::new();
    for (cid, branch) in [("leg-a@x", "z9hG4bKa"), ("leg-b@y", "z9hG4bKb")] {
        let h = [
            format!("Via: SIP/2.0/UDP 10.0.0.1:5060;branch={branch}"),
            "From: <sip:alice@a.example>;tag=a1".into(),
            "To: <sip:bob@b.example>".into(),
            format!("Call-ID: {cid}"),
            "CSeq: 1 INVITE".into(),
            "P-Charging-Vector: icid-value=AyretyU0dm+6O2IrT5tAFrbHLso=;orig-ioi=a.example".into(),
        ];
        let hr: Vec<&str> = h.iter().map(String::as_str).collect();
        f.at(0.1, A, B, "INVITE sip:bob@b.example SIP/2.0", &hr, "");
    }
    let t = f.trace();
    assert_eq!(t.calls.len(), 1);
    assert_eq!(t.calls[0].call_ids, ["leg-a@x", "leg-b@y"]);
    assert_eq!(t.dialogs.len(), 2);
}

// ---- captures -------------------------------------------------------------

fn captures() -> Vec<PathBuf> {
    common::files(&common::corpus().join("pcap"), &[".pcap", ".pcapng"])
}

#[test]
fn every_shared_capture_decodes_with_spans_inside_each_message() {
    let files = captures();
    assert!(files.len() >= 30);
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let x = capture::read_capture(&bytes);
        assert!(!x.messages.is_empty(), "{}", f.display());
        // One shared capture has timestamps years apart (SL449); every
        // other reads without a capture finding.
        let clock: Vec<_> = x
            .issues
            .iter()
            .filter(|i| i.rule == siplens::Rule::CaptureTimeImplausible)
            .collect();
        let odd = f.ends_with("heplify/sip_ipv6_udp.pcap");
        assert_eq!(clock.len(), usize::from(odd), "{}", f.display());
        assert_eq!(
            x.issues.len(),
            clock.len(),
            "{}: {:?}",
            f.display(),
            x.issues
        );
        for raw in &x.messages {
            check_decoded(&siplens::decode(&raw.bytes), &raw.bytes)
                .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        }
    }
}

#[test]
fn damaged_captures_keep_what_came_before() {
    for f in captures() {
        let bytes = std::fs::read(&f).unwrap();
        let full = siplens::decode_capture(&bytes);
        let full_starts = starts(&full);
        for k in [1usize, 3, 5, 7, 9] {
            let cut = bytes.len() * k / 10;
            let t = siplens::decode_capture(&bytes[..cut]);
            let s = starts(&t);
            assert!(s.len() <= full_starts.len(), "{} at {cut}", f.display());
            assert_eq!(s[..], full_starts[..s.len()], "{} at {cut}", f.display());
            assert!(
                t.capture_findings.iter().any(|x| x.id == "SL450"),
                "{} cut at {cut}: {:?}",
                f.display(),
                t.capture_findings
            );
        }
        // Corruption in the middle: a byte pattern that is no valid record.
        let mut bad = bytes.clone();
        let mid = bad.len() / 2;
        for b in &mut bad[mid..(mid + 64).min(bytes.len())] {
            *b = 0xff;
        }
        let t = siplens::decode_capture(&bad);
        assert!(t.messages.len() <= full.messages.len() + 1);
    }
    let t = siplens::decode_capture(b"not a capture at all");
    assert_eq!(t.capture_findings[0].id, "SL454");
    assert!(siplens::decode_capture(&[]).messages.is_empty());
}

// ---- schema ---------------------------------------------------------------

fn validator() -> jsonschema::Validator {
    let read = |n: &str| -> Value {
        serde_json::from_str(
            &std::fs::read_to_string(common::root().join("schema").join(n)).unwrap(),
        )
        .unwrap()
    };
    let mut schema = read("trace.schema.json");
    // The single-message contract is an embedded resource found by its $id.
    schema["$defs"]["decodeSchema"] = read("decode.schema.json");
    jsonschema::draft202012::meta::validate(&read("trace.schema.json")).expect("valid schema");
    jsonschema::draft202012::new(&schema).expect("schema compiles")
}

#[test]
fn traces_match_the_schema() {
    let v = validator();
    let mut traces: Vec<(String, Trace)> = STYLES
        .iter()
        .map(|n| (n.to_string(), siplens::decode_trace_text(fixture(n))))
        .collect();
    traces.push(("flow".into(), basic_call().trace()));
    let rtp = common::files(&common::root().join("tests/fixtures/rtp"), &[".pcap"]);
    let esp = common::files(&common::root().join("tests/fixtures/esp"), &[".pcap"]);
    for f in captures().into_iter().chain(rtp).chain(esp) {
        let bytes = std::fs::read(&f).unwrap();
        traces.push((f.display().to_string(), siplens::decode_capture(&bytes)));
        traces.push((
            format!("{} (cut)", f.display()),
            siplens::decode_capture(&bytes[..bytes.len() / 2]),
        ));
    }
    traces.push(("empty".into(), siplens::decode_trace_text("")));
    // SIP read out of IPsec ESP carries its provenance (`esp`).
    for f in common::files(&common::root().join("tests/fixtures/esp"), &[".pcap"]) {
        traces.push((
            f.display().to_string(),
            siplens::decode_capture(&std::fs::read(&f).unwrap()),
        ));
    }
    for (name, t) in traces {
        let json = serde_json::to_value(&t).unwrap();
        let errors: Vec<String> = v
            .iter_errors(&json)
            .take(5)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
    // The schema rejects what it must.
    let mut bad = serde_json::to_value(basic_call().trace()).unwrap();
    bad["messages"][0]["retransmission"] = Value::from("no");
    assert!(!v.is_valid(&bad));
}

#[test]
fn decode_messages_accepts_owned_messages() {
    let t = decode_messages(Vec::new(), Vec::new(), None);
    assert!(t.messages.is_empty() && t.findings.is_empty());
}

/// Regression (capture fuzz target): an IPv6 packet whose extension chain is
/// cut short made etherparse's extension iterator read past the slice.
#[test]
fn truncated_ipv6_extension_chain_does_not_read_out_of_bounds() {
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/fuzz/capture-ipv6-truncated-ext-chain.bin"),
    )
    .unwrap();
    let t = siplens::decode_capture(&bytes);
    assert!(serde_json::to_string(&t).is_ok());
}

// ---- streaming ------------------------------------------------------------

/// The streaming path (`siplens trace --ndjson`, the summary and ladder)
/// against the whole `Trace` (`--json`, wasm): the same message objects, in
/// order, and the same correlation tables and findings.
#[test]
fn streaming_equals_the_whole_trace_on_every_shared_capture() {
    let files = captures();
    assert_eq!(files.len(), 37);
    let mut inputs: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|f| (f.display().to_string(), std::fs::read(f).unwrap()))
        .collect();
    inputs.extend(STYLES.iter().map(|n| (n.to_string(), fixture(n))));
    for (name, bytes) in &inputs {
        let t = siplens::trace::decode_any(bytes);
        let whole = serde_json::to_value(&t).unwrap();
        let mut lines = Vec::new();
        let mut each = |m: siplens::trace::TraceMessage| {
            lines.push(serde_json::to_string(&m).unwrap());
        };
        let decoded = stream_any(bytes, Some(&mut each));
        assert_eq!(lines.len(), t.messages.len(), "{name}");
        for (i, line) in lines.iter().enumerate() {
            let mut v: Value = serde_json::from_str(line).unwrap();
            // Streamed messages leave `from`/`to` to the end (the summary).
            assert_eq!((&v["from"], &v["to"]), (&Value::Null, &Value::Null));
            v["from"] = decoded.messages[i].from.into();
            v["to"] = decoded.messages[i].to.into();
            assert_eq!(v, whole["messages"][i], "{name} #{i}");
        }
        // Without the single-message diagnosis (summary and ladder).
        let summary = stream_any(bytes, None);
        for s in [&decoded, &summary] {
            assert_eq!(s.source, t.source, "{name}");
            assert_eq!(s.frames, t.frames, "{name}");
            assert_eq!(s.findings, t.findings, "{name}");
            assert_eq!(s.finding_groups, t.finding_groups, "{name}");
            assert_eq!(s.capture_findings, t.capture_findings, "{name}");
            for (k, x) in [
                ("transactions", serde_json::to_value(&s.transactions)),
                ("dialogs", serde_json::to_value(&s.dialogs)),
                ("calls", serde_json::to_value(&s.calls)),
                ("participants", serde_json::to_value(&s.participants)),
            ] {
                assert_eq!(x.unwrap(), whole[k], "{name}: {k}");
            }
            assert_eq!(s.messages.len(), t.messages.len(), "{name}");
            for (m, w) in s.messages.iter().zip(&t.messages) {
                assert_eq!(
                    (m.index, m.transaction_id, m.dialog_id, m.retransmission),
                    (w.index, w.transaction_id, w.dialog_id, w.retransmission),
                    "{name}"
                );
                assert_eq!(
                    (&m.src, &m.dst, m.time, m.frame),
                    (&w.src, &w.dst, w.time, w.frame)
                );
                assert_eq!(
                    (&m.label, &m.timestamp, m.delta, Some(m.from), Some(m.to)),
                    (&w.label, &w.timestamp, w.delta, w.from, w.to)
                );
                let d = &w.decoded;
                assert_eq!(m.method, d.request.as_ref().map(|r| r.method.to_string()));
                assert_eq!(m.code, d.status.as_ref().and_then(|s| s.code));
                assert_eq!(
                    m.reason_phrase,
                    d.status.as_ref().map(|s| s.reason_phrase.to_string())
                );
                if m.src.is_none() || m.dst.is_none() {
                    assert_eq!(m.via_host, d.via.first().map(|v| v.host.to_string()));
                    assert_eq!(m.request_uri, d.request.as_ref().map(|r| r.uri.to_string()));
                }
            }
        }
    }
}

#[test]
fn raw_is_the_message_text_and_spans_point_into_it() {
    for f in captures().iter().take(8) {
        let t = siplens::decode_capture(&std::fs::read(f).unwrap());
        for m in &t.messages {
            assert!(!m.raw_lossy);
            check_decoded(&m.decoded, m.raw.as_bytes()).unwrap();
            assert_eq!(
                siplens::decode(m.raw.as_bytes()).findings.len(),
                m.decoded.findings.len()
            );
        }
    }
    // Invalid UTF-8: replaced, flagged.
    let msg = b"MESSAGE sip:a@b SIP/2.0\r\nCall-ID: x\r\nCSeq: 1 MESSAGE\r\nContent-Length: 2\r\n\r\n\xff\xfe";
    let t = decode_messages(
        vec![siplens::trace::RawMessage {
            bytes: msg.to_vec(),
            ..Default::default()
        }],
        Vec::new(),
        None,
    );
    assert!(t.messages[0].raw_lossy);
    assert!(t.messages[0].raw.ends_with("\u{fffd}\u{fffd}"));
}

// ---- multi-hop flows (tests/fixtures/flows) --------------------------

const FLOWS: &[&str] = &[
    "rfc3665-3.2-two-proxies.txt",
    "rfc3665-3.8-no-answer.txt",
    "rfc3665-3.9-busy.txt",
    "ims-registration.txt",
    "ims-originating-preconditions.txt",
    "b2bua-sbc.txt",
];

fn flow(name: &str) -> Trace {
    siplens::decode_trace_text(fixture(&format!("../flows/{name}")))
}

/// (sender label, receiver label, message label) per message.
fn arrows(t: &Trace) -> Vec<(String, String, String)> {
    t.messages
        .iter()
        .map(|m| {
            (
                t.participants[m.from.unwrap()].label.clone(),
                t.participants[m.to.unwrap()].label.clone(),
                m.label.clone(),
            )
        })
        .collect()
}

/// Ordinary proxied, forked-free and IMS flows are not errors: no
/// error-severity flow finding (SL411 used to fire on every one of them).
#[test]
fn multi_hop_flows_have_no_error_finding() {
    for name in FLOWS {
        let t = flow(name);
        assert!(!t.messages.is_empty(), "{name}");
        let errors: Vec<_> = t
            .findings
            .iter()
            .filter(|f| f.severity == siplens::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        // Every message has both ends, never an unknown one.
        for m in &t.messages {
            let (f, to) = (m.from.unwrap(), m.to.unwrap());
            assert!(f < t.participants.len() && to < t.participants.len());
            assert!(
                !t.participants[f].address.starts_with("unknown"),
                "{name} #{}",
                m.no
            );
            assert!(
                !t.participants[to].address.starts_with("unknown"),
                "{name} #{}",
                m.no
            );
            assert_ne!(f, to, "{name} #{}: an arrow to itself", m.no);
        }
    }
}

#[test]
fn rfc3665_two_proxies_has_four_lanes_from_via_and_route() {
    let t = flow("rfc3665-3.2-two-proxies.txt");
    let lanes: Vec<&str> = t.participants.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(
        lanes,
        [
            "client.atlanta.example.com",
            "ss1.atlanta.example.com",
            "ss2.biloxi.example.com",
            "client.biloxi.example.com"
        ]
    );
    // `received` and sent-by are one node.
    assert!(t.participants[1]
        .addresses
        .contains(&"192.0.2.111".to_owned()));
    let a = arrows(&t);
    let (alice, p1, p2, bob) = (&lanes[0], &lanes[1], &lanes[2], &lanes[3]);
    let want = |i: usize, f: &str, to: &str, l: &str| {
        assert_eq!(
            (a[i].0.as_str(), a[i].1.as_str(), a[i].2.as_str()),
            (f, to, l),
            "#{}",
            i + 1
        )
    };
    want(0, alice, p1, "INVITE");
    want(1, p1, alice, "407 Proxy Authorization Required (INVITE)");
    want(2, alice, p1, "ACK");
    want(7, p2, bob, "INVITE");
    want(8, bob, p2, "180 Ringing (INVITE)");
    want(14, alice, p1, "ACK");
    want(16, p2, bob, "ACK");
    want(17, bob, p2, "BYE");
    want(19, p1, alice, "BYE");
    want(20, alice, p1, "200 OK (BYE)");
    want(22, p2, bob, "200 OK (BYE)");
    // One call (INVITE), numbered messages, 1-based.
    assert_eq!(t.calls.len(), 1);
    assert_eq!(t.messages[4].no, 5);
}

#[test]
fn ims_flows_name_lanes_by_role() {
    let t = flow("ims-registration.txt");
    let lanes: Vec<(&str, Option<&str>)> = t
        .participants
        .iter()
        .map(|p| (p.label.as_str(), p.role))
        .collect();
    assert_eq!(
        lanes,
        [
            ("UE", Some("UE")),
            ("P-CSCF", Some("P-CSCF")),
            ("I-CSCF", Some("I-CSCF")),
            ("S-CSCF", Some("S-CSCF"))
        ]
    );
    assert!(t.participants[3].role_evidence.is_some());
    // A registration is not a call (issue 18: "65 calls").
    assert!(t.calls.is_empty());
    assert!(t.dialogs.is_empty());
    assert_eq!(ids(&t), ["SL404"]);

    let t = flow("ims-originating-preconditions.txt");
    let roles: Vec<Option<&str>> = t.participants.iter().map(|p| p.role).collect();
    assert_eq!(
        roles,
        [Some("UE"), Some("P-CSCF"), Some("S-CSCF"), Some("AS"), None]
    );
    // The UE's IPv6 address: full in `address`, no longer than 20 in `label`
    // when it has no role.
    assert_eq!(t.participants[0].address, "2001:db8:10:20:a1b2:c3d4:e5f6:5");
    // S-CSCF → AS → S-CSCF is a spiral, not a loop; the PRACK answer is
    // labelled with its CSeq method.
    assert!(t.findings.iter().all(|f| f.id != "SL411"));
    assert!(t.messages.iter().any(|m| m.label == "200 OK (PRACK)"));
    assert_eq!(t.calls.len(), 1);
    let d = &t.dialogs[0];
    assert_eq!(d.call, Some(0));
    assert_eq!(
        (d.from_user.as_deref(), d.to_user.as_deref()),
        (Some("+15550100"), Some("+15551234"))
    );
    assert_eq!(d.final_reason.as_deref(), Some("OK"));
    let r: Vec<(&str, Option<u16>)> = d
        .reasons
        .iter()
        .map(|r| (r.protocol.as_str(), r.cause))
        .collect();
    assert_eq!(r, [("SIP", Some(200)), ("Q.850", Some(16))]);
    assert_eq!(t.messages[d.reason_message.unwrap()].label, "BYE");
    assert_eq!(d.participants.len(), 5);
}

/// A B2BUA (an SBC) makes two Call-IDs; the icid-value it passes on links
/// them into one call. Its Via name and Contact address are one lane.
#[test]
fn b2bua_legs_are_one_call_across_three_lanes() {
    let t = flow("b2bua-sbc.txt");
    assert_eq!(t.participants.len(), 3, "{:#?}", t.participants);
    assert_eq!(t.dialogs.len(), 2);
    assert_eq!(t.calls.len(), 1);
    assert_eq!(t.calls[0].call_ids.len(), 2);
    assert!(t.participants[1]
        .addresses
        .contains(&"sbc.example.net".to_owned()));
    for d in &t.dialogs {
        assert_eq!(d.reasons[0].protocol, "Q.850");
        assert_eq!(d.reasons[0].cause, Some(16));
    }
}

#[test]
fn a_single_message_has_two_named_participants() {
    let t = siplens::decode_trace_text(
        "INVITE sip:bob@b.example SIP/2.0\r\nVia: SIP/2.0/UDP pc.a.example;branch=z9hG4bK1\r\nFrom: <sip:alice@a.example>;tag=1\r\nTo: <sip:bob@b.example>\r\nCall-ID: one\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
    );
    let names: Vec<&str> = t.participants.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(names, ["pc.a.example", "b.example"]);
    let t = siplens::decode_trace_text(
        "SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP pc.a.example;branch=z9hG4bK1\r\nFrom: <sip:alice@a.example>;tag=1\r\nTo: <sip:bob@b.example>;tag=2\r\nCall-ID: one\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
    );
    let names: Vec<&str> = t.participants.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(names, ["b.example", "pc.a.example"]);
    assert_eq!(t.messages[0].label, "486 Busy Here (INVITE)");
    // Nothing names either end: two placeholder lanes, not one loop.
    let t = siplens::decode_trace_text(
        "SIP/2.0 200 OK\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
    );
    let names: Vec<&str> = t.participants.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(names, ["unknown sender", "unknown receiver"]);
}

#[test]
fn capture_participants_group_ports_by_ip() {
    // TCP from ephemeral ports: one node per IP.
    for f in captures() {
        let t = siplens::trace::decode_any(&std::fs::read(&f).unwrap());
        check_trace_invariants(&t);
        let mut seen = std::collections::HashSet::new();
        for p in &t.participants {
            assert!(
                seen.insert(p.address.clone()),
                "{}: {}",
                f.display(),
                p.address
            );
            for a in &p.addresses {
                let ip = a.rsplit_once(':').map_or(a.as_str(), |x| x.0);
                // An IP talking to itself is split by port.
                assert!(
                    ip.trim_matches(['[', ']']) == p.address || *a == p.address,
                    "{}: {a}",
                    f.display()
                );
            }
        }
        let sent: usize = t.participants.iter().map(|p| p.sent).sum();
        assert_eq!(sent, t.messages.len());
        assert!(t.messages.iter().all(|m| m.from != m.to), "{}", f.display());
    }
}

#[test]
fn finding_groups_count_each_rule_once() {
    let t = siplens::trace::decode_any(
        &std::fs::read(common::corpus().join("pcap/goffinet-sip_captures/private-test-sip.pcapng"))
            .unwrap(),
    );
    assert!(!t.findings.is_empty());
    let total: usize = t.finding_groups.iter().map(|g| g.count).sum();
    assert_eq!(total, t.findings.len());
    let mut ids: Vec<&str> = t.finding_groups.iter().map(|g| g.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), t.finding_groups.len());
    for g in &t.finding_groups {
        assert!(g.findings.iter().all(|&i| t.findings[i].id == g.id));
    }
    // Errors first.
    let sev: Vec<u8> = t
        .finding_groups
        .iter()
        .map(|g| match g.severity {
            siplens::Severity::Error => 0,
            siplens::Severity::Warning => 1,
            _ => 2,
        })
        .collect();
    assert!(sev.windows(2).all(|w| w[0] <= w[1]), "{sev:?}");
}

// ---- the text splitter is as lenient as decode ------------------------------

const INVITE_1: &str = "INVITE sip:bob@b.example SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\nFrom: <sip:alice@a.example>;tag=a1\r\nTo: <sip:bob@b.example>\r\nCall-ID: c1@a.example\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";

fn busy(status_line: &str) -> String {
    format!("{INVITE_1}{status_line}\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\nFrom: <sip:alice@a.example>;tag=a1\r\nTo: <sip:bob@b.example>;tag=b1\r\nCall-ID: c1@a.example\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")
}

#[test]
fn a_status_line_with_two_spaces_is_kept_and_reported() {
    for line in [
        "SIP/2.0  486 Busy Here",
        "SIP/2.0\t486 Busy Here",
        "  SIP/2.0 486 Busy Here",
        "sip/2.0 486 Busy Here",
    ] {
        let t = siplens::decode_trace_text(busy(line));
        assert_eq!(t.messages.len(), 2, "{line:?}");
        assert_eq!(t.dialogs[0].state, "rejected", "{line:?}");
        assert_eq!(t.dialogs[0].final_code, Some(486));
        let f: Vec<&str> = t.capture_findings.iter().map(|f| f.id).collect();
        assert_eq!(f, ["SL456"], "{line:?}");
        assert!(
            t.capture_findings[0].message.contains("#2 (line 9)"),
            "{}",
            t.capture_findings[0].message
        );
        // decode reports the defect itself.
        assert!(!t.messages[1].decoded.findings.is_empty(), "{line:?}");
    }
    // The strict form: nothing to report.
    let t = siplens::decode_trace_text(busy("SIP/2.0 486 Busy Here"));
    assert!(t.capture_findings.is_empty());
}

#[test]
fn a_continuation_without_its_leading_space_stays_in_the_message() {
    let text = "INVITE sip:bob@b.example SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1,\r\nSIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK0\r\nFrom: <sip:alice@a.example>;tag=a1\r\nTo: <sip:bob@b.example>\r\nCall-ID: c1@a.example\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\nSIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\nFrom: <sip:alice@a.example>;tag=a1\r\nTo: <sip:bob@b.example>;tag=b1\r\nCall-ID: c1@a.example\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    let t = siplens::decode_trace_text(text);
    assert_eq!(t.messages.len(), 2);
    // One dialog, not a phantom one from the cut-off headers.
    assert_eq!(t.dialogs.len(), 1);
    assert_eq!(t.dialogs[0].state, "early");
    assert!(t.messages[0].raw.contains("Call-ID: c1@a.example"));
    let f: Vec<&str> = t.capture_findings.iter().map(|f| f.id).collect();
    assert_eq!(f, ["SL456"]);
    assert!(
        t.capture_findings[0].message.contains("line 3"),
        "{}",
        t.capture_findings[0].message
    );
}

#[test]
fn header_lines_without_a_start_line_are_counted_not_lost() {
    let text = format!(
        "{INVITE_1}SIP/2.0 4861 Busy Here\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\nCall-ID: c1@a.example\r\nCSeq: 1 INVITE\r\n\r\n"
    );
    let t = siplens::decode_trace_text(&text);
    assert_eq!(t.messages.len(), 1);
    let f = t
        .capture_findings
        .iter()
        .find(|f| f.id == "SL457")
        .expect("SL457");
    assert!(f.message.starts_with("3 line(s)"), "{}", f.message);
    assert!(f.message.contains("line 10, 11, 12"), "{}", f.message);
    // The same through the streaming path.
    let s = stream_any(text.as_bytes(), None);
    assert_eq!(s.capture_findings, t.capture_findings);
}

#[test]
fn log_styles_report_nothing_tolerated() {
    for name in STYLES.iter().chain(FLOWS.iter()) {
        let path = if STYLES.contains(name) {
            name.to_string()
        } else {
            format!("../flows/{name}")
        };
        let t = siplens::decode_trace_text(fixture(&path));
        assert!(
            t.capture_findings.is_empty(),
            "{name}: {:?}",
            t.capture_findings
        );
    }
}

// ---- export one call ----------------------------------------------------------

#[test]
fn an_exported_call_reads_back_as_the_same_messages() {
    use siplens::trace::export;
    for f in captures() {
        let bytes = std::fs::read(&f).unwrap();
        let t = siplens::trace::decode_any(&bytes);
        for c in t.calls.iter().take(3) {
            let msgs = export::call_messages(&t, c.id);
            assert!(!msgs.is_empty());
            // As text: the same messages, times and addresses.
            let text = export::messages_text(&t, &msgs);
            let back = siplens::decode_trace_text(&text);
            assert_eq!(back.messages.len(), msgs.len(), "{}", f.display());
            for (b, &i) in back.messages.iter().zip(&msgs) {
                let m = &t.messages[i];
                // Bytes past Content-Length (a datagram's trailing data) are
                // cut by a reader that frames by Content-Length.
                assert!(
                    m.raw.starts_with(b.raw.trim_end()),
                    "{} #{}:\n{}\n---\n{}",
                    f.display(),
                    m.no,
                    b.raw,
                    m.raw
                );
                assert!(b.raw.len() * 2 > m.raw.len(), "{} #{}", f.display(), m.no);
                assert_eq!((&b.src, &b.dst), (&m.src, &m.dst));
                assert_eq!(b.timestamp, m.timestamp, "{}", f.display());
            }
            // As a capture: the frames, byte for byte, decode to them again.
            let frames = export::message_frames(&t, &msgs);
            let cut = export::capture_frames(&bytes, &frames).unwrap();
            assert!(cut.len() < bytes.len() || frames.len() as u64 == t.frames);
            let again = siplens::trace::decode_any(&cut);
            assert_eq!(again.frames, frames.len() as u64, "{}", f.display());
            let raws: Vec<&str> = again.messages.iter().map(|m| m.raw.as_str()).collect();
            let mut k = 0;
            for &i in &msgs {
                let want = t.messages[i].raw.as_str();
                let at = raws[k..].iter().position(|r| *r == want);
                assert!(
                    at.is_some(),
                    "{} call {}: #{} missing from the export",
                    f.display(),
                    c.id,
                    t.messages[i].no
                );
                k += at.unwrap() + 1;
            }
        }
    }
    // Frames the capture does not have, and text, are refused.
    let bytes = std::fs::read(&captures()[0]).unwrap();
    assert!(matches!(
        siplens::trace::export::capture_frames(&bytes, &[1_000_000]),
        Err(siplens::trace::export::ExportError::MissingFrames(_))
    ));
    assert_eq!(
        siplens::trace::export::capture_frames(b"INVITE", &[1]),
        Err(siplens::trace::export::ExportError::NotACapture)
    );
}

/// One message of Call-ID `hop@a.example` with the given Via stack.
#[allow(clippy::too_many_arguments)]
fn relayed(
    f: &mut Flow,
    start: &str,
    vias: &[&str],
    cseq: &str,
    to_tag: Option<&str>,
    extra: &[&str],
    body: &str,
) {
    f.text += start;
    f.text += "\r\n";
    for v in vias {
        f.text += &format!("Via: SIP/2.0/UDP {v}\r\n");
    }
    f.text += "From: <sip:alice@a.example>;tag=a1\r\n";
    f.text += &format!(
        "To: <sip:bob@b.example>{}\r\nCall-ID: hop@a.example\r\nCSeq: {cseq}\r\n",
        to_tag.map(|t| format!(";tag={t}")).unwrap_or_default()
    );
    for x in extra {
        f.text += x;
        f.text += "\r\n";
    }
    f.text += &format!("Content-Length: {}\r\n\r\n{body}", body.len());
}

/// Each flow rule reports a relayed exchange once (a proxy forwards the
/// request on its own branch and relays each response back).
#[test]
fn relayed_exchanges_are_reported_once() {
    const UA: &str = "ua.a.example;branch=z9hG4bKu1";
    const P1: &str = "p1.a.example;branch=z9hG4bKp1";
    let inv = |f: &mut Flow| {
        relayed(
            f,
            "INVITE sip:bob@b.example SIP/2.0",
            &[UA],
            "1 INVITE",
            None,
            SDP_HDR,
            SDP,
        );
        relayed(
            f,
            "INVITE sip:bob@uas.b.example SIP/2.0",
            &[P1, UA],
            "1 INVITE",
            None,
            SDP_HDR,
            SDP,
        );
    };
    // 488 relayed: one SL401.
    let mut f = Flow::new();
    inv(&mut f);
    relayed(
        &mut f,
        "SIP/2.0 488 Not Acceptable Here",
        &[P1, UA],
        "1 INVITE",
        Some("b1"),
        &[],
        "",
    );
    relayed(
        &mut f,
        "ACK sip:bob@uas.b.example SIP/2.0",
        &[P1],
        "1 ACK",
        Some("b1"),
        &[],
        "",
    );
    relayed(
        &mut f,
        "SIP/2.0 488 Not Acceptable Here",
        &[UA],
        "1 INVITE",
        Some("b1"),
        &[],
        "",
    );
    relayed(
        &mut f,
        "ACK sip:bob@b.example SIP/2.0",
        &[UA],
        "1 ACK",
        Some("b1"),
        &[],
        "",
    );
    assert_eq!(ids(&f.trace()), ["SL401"]);

    // 183 then 487, relayed: one SL403.
    let mut f = Flow::new();
    inv(&mut f);
    for v in [&[P1, UA][..], &[UA][..]] {
        relayed(
            &mut f,
            "SIP/2.0 183 Session Progress",
            v,
            "1 INVITE",
            Some("b1"),
            &[],
            "",
        );
    }
    for v in [&[P1, UA][..], &[UA][..]] {
        relayed(
            &mut f,
            "SIP/2.0 487 Request Terminated",
            v,
            "1 INVITE",
            Some("b1"),
            &[],
            "",
        );
    }
    assert_eq!(ids(&f.trace()), ["SL403"]);

    // 580 after 183/PRACK, all relayed: one SL402, each step once in its trail.
    let mut f = Flow::new();
    inv(&mut f);
    for v in [&[P1, UA][..], &[UA][..]] {
        relayed(
            &mut f,
            "SIP/2.0 183 Session Progress",
            v,
            "1 INVITE",
            Some("b1"),
            &["RSeq: 1"],
            "",
        );
    }
    relayed(
        &mut f,
        "PRACK sip:bob@uas.b.example SIP/2.0",
        &["ua.a.example;branch=z9hG4bKu2"],
        "2 PRACK",
        Some("b1"),
        &[],
        "",
    );
    relayed(
        &mut f,
        "PRACK sip:bob@uas.b.example SIP/2.0",
        &[
            "p1.a.example;branch=z9hG4bKp2",
            "ua.a.example;branch=z9hG4bKu2",
        ],
        "2 PRACK",
        Some("b1"),
        &[],
        "",
    );
    relayed(
        &mut f,
        "SIP/2.0 200 OK",
        &[
            "p1.a.example;branch=z9hG4bKp2",
            "ua.a.example;branch=z9hG4bKu2",
        ],
        "2 PRACK",
        Some("b1"),
        &[],
        "",
    );
    relayed(
        &mut f,
        "SIP/2.0 200 OK",
        &["ua.a.example;branch=z9hG4bKu2"],
        "2 PRACK",
        Some("b1"),
        &[],
        "",
    );
    for v in [&[P1, UA][..], &[UA][..]] {
        relayed(
            &mut f,
            "SIP/2.0 580 Precondition Failure",
            v,
            "1 INVITE",
            Some("b1"),
            &[],
            "",
        );
    }
    let t = f.trace();
    assert_eq!(ids(&t), ["SL403", "SL402"]);
    let trail = &t.findings[1].message;
    assert!(
        trail.contains("Trail: INVITE → 183 to INVITE → PRACK → 200 to PRACK → 580 to INVITE."),
        "{trail}"
    );

    // 200 relayed and the trace ends: the next hop's copy of the 200 is
    // not "the dialog going on" without an ACK (no SL406).
    let mut f = Flow::new();
    inv(&mut f);
    relayed(
        &mut f,
        "SIP/2.0 200 OK",
        &[P1, UA],
        "1 INVITE",
        Some("b1"),
        SDP_HDR,
        SDP,
    );
    relayed(
        &mut f,
        "SIP/2.0 200 OK",
        &[UA],
        "1 INVITE",
        Some("b1"),
        SDP_HDR,
        SDP,
    );
    assert!(ids(&f.trace()).is_empty(), "{:?}", f.trace().findings);
    // … but a BYE without any ACK is.
    relayed(
        &mut f,
        "BYE sip:alice@ua.a.example SIP/2.0",
        &["uas.b.example;branch=z9hG4bKb1"],
        "1 BYE",
        Some("b1"),
        &[],
        "",
    );
    assert_eq!(ids(&f.trace()), ["SL406"]);
}

// ---- robustness -----------------------------------------------------------------

fn check_trace_invariants(t: &Trace) {
    let n = t.messages.len();
    for (i, m) in t.messages.iter().enumerate() {
        assert_eq!((m.index, m.no), (i, i + 1));
        assert!(m.from.unwrap() < t.participants.len());
        assert!(m.to.unwrap() < t.participants.len());
        assert!(!m.label.is_empty());
    }
    for f in t.findings.iter().chain(&t.capture_findings) {
        assert!(f.messages.iter().all(|&i| i < n), "{f:?}");
    }
    let total: usize = t.finding_groups.iter().map(|g| g.count).sum();
    assert_eq!(total, t.findings.len());
    for d in &t.dialogs {
        assert!(d.participants.iter().all(|&p| p < t.participants.len()));
        assert!(d.call.is_none_or(|c| c < t.calls.len()));
        assert!(d.reason_message.is_none_or(|i| i < n));
    }
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config { cases: 48, ..Default::default() })]
    /// Mangled multi-hop flows (lines dropped, doubled, their leading space
    /// moved, bytes changed): no panic, and every index stays in range.
    #[test]
    fn mangled_flows_keep_their_invariants(
        which in 0usize..6,
        edits in proptest::collection::vec((0usize..4, 0usize..10_000, 0u8..=255), 1..12),
    ) {
        let name = FLOWS[which % FLOWS.len()];
        let text = String::from_utf8(fixture(&format!("../flows/{name}"))).unwrap();
        let mut lines: Vec<Vec<u8>> = text.split('\n').map(|l| l.as_bytes().to_vec()).collect();
        for (op, at, byte) in edits {
            if lines.is_empty() {
                break;
            }
            let k = at % lines.len();
            match op {
                0 => {
                    lines.remove(k);
                }
                1 => {
                    let l = lines[k].clone();
                    lines.insert(k, l);
                }
                2 => lines[k].insert(0, b' '),
                _ => {
                    let l = &mut lines[k];
                    if !l.is_empty() {
                        let p = usize::from(byte) % l.len();
                        l[p] = byte;
                    }
                }
            }
        }
        let bytes = lines.join(&b'\n');
        let t = siplens::decode_trace_text(&bytes);
        check_trace_invariants(&t);
        let s = stream_any(&bytes, None);
        proptest::prop_assert_eq!(s.findings, t.findings);
    }
}
