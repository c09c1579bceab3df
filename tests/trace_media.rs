//! SDP offer/answer pairing across a trace (RFC 3264; RFC 3261 §13.2.1;
//! RFC 3262 §5; RFC 3311) and its flow rule SL420, on a VoLTE
//! precondition call (tests/fixtures/traces/volte-preconditions-offer-answer.txt)
//! and on flows built here: offer in a reliable 183 answered in PRACK,
//! offer in a 200 answered in ACK, a 488 whose SDP is no answer, an answer
//! that drops an m= line, a two-hop flow and retransmissions.
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use siplens::trace::{stream_any, SdpRole, Trace};

fn roles(t: &Trace) -> Vec<(String, Option<&'static str>, Option<usize>)> {
    t.messages
        .iter()
        .map(|m| {
            let label = match (&m.decoded.request, &m.decoded.status) {
                (Some(r), _) => r.method.to_string(),
                (None, Some(s)) => format!(
                    "{} {}",
                    s.code.unwrap_or(0),
                    m.decoded.cseq.as_ref().map_or("?", |c| &*c.method)
                ),
                _ => "?".into(),
            };
            (label, m.sdp.map(SdpRole::as_str), m.sdp_answers)
        })
        .collect()
}

fn r(
    label: &str,
    role: Option<&'static str>,
    answers: Option<usize>,
) -> (String, Option<&'static str>, Option<usize>) {
    (label.to_owned(), role, answers)
}

#[test]
fn volte_precondition_call_pairs_each_offer_with_its_answer() {
    let input = std::fs::read(
        common::root().join("tests/fixtures/traces/volte-preconditions-offer-answer.txt"),
    )
    .unwrap();
    let t = siplens::trace::decode_any(&input);
    assert_eq!(
        roles(&t),
        [
            r("INVITE", Some("offer"), None),
            r("100 INVITE", None, None),
            r("183 INVITE", Some("answer"), Some(0)),
            r("PRACK", None, None),
            r("200 PRACK", None, None),
            r("UPDATE", Some("offer"), None),
            r("200 UPDATE", Some("answer"), Some(5)),
            r("180 INVITE", None, None),
            r("200 INVITE", None, None),
            r("ACK", None, None),
        ]
    );
    assert!(
        t.findings.iter().all(|f| f.id != "SL420"),
        "{:?}",
        t.findings
    );
    // The media summary of every SDP is reachable per message.
    let upd = t.messages[6].decoded.media.as_ref().unwrap();
    let p = &upd.streams[0].preconditions;
    assert!(p.iter().all(|p| p.met), "{p:?}");
    let offer = t.messages[0].decoded.media.as_ref().unwrap();
    assert_eq!(offer.streams[0].codecs[0].name, "EVS");
    assert!(!offer.streams[0].preconditions[0].met);

    // The streaming summary carries the same markers (for the ladder).
    let s = stream_any(&input, None);
    let marks: Vec<(Option<SdpRole>, Option<usize>)> =
        s.messages.iter().map(|m| (m.sdp, m.sdp_answers)).collect();
    let full: Vec<(Option<SdpRole>, Option<usize>)> =
        t.messages.iter().map(|m| (m.sdp, m.sdp_answers)).collect();
    assert_eq!(marks, full);

    // JSON: "sdp": "offer" | "answer" | null, "sdpAnswers": index | null.
    let json = serde_json::to_value(&t).unwrap();
    assert_eq!(json["messages"][2]["sdp"], "answer");
    assert_eq!(json["messages"][2]["sdpAnswers"], 0);
    assert!(json["messages"][1]["sdp"].is_null());
}

// ---- flows built here -------------------------------------------------------

const A: &str = "10.0.0.1:5060";
const B: &str = "10.0.0.2:5060";

fn sdp(media: &[&str]) -> String {
    let mut s =
        "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n".to_owned();
    for m in media {
        s += &format!("m={m}\r\n");
    }
    s
}

struct Flow(String, u32);

impl Flow {
    fn new() -> Self {
        Flow(String::new(), 0)
    }

    #[allow(clippy::too_many_arguments)]
    fn msg(
        &mut self,
        from: &str,
        to: &str,
        start: &str,
        branch: &str,
        cseq: &str,
        to_tag: bool,
        extra: &[&str],
        body: &str,
    ) -> &mut Self {
        self.1 += 1;
        self.0 += &format!(
            "2026-11-21 10:00:{:02}.000 {from} -> {to}\n{start}\r\n",
            self.1
        );
        self.0 += &format!(
            "Via: SIP/2.0/UDP 10.0.0.1:5060;branch={branch}\r\nFrom: <sip:alice@a.example>;tag=a1\r\nTo: <sip:bob@b.example>{}\r\nCall-ID: oa@a.example\r\nCSeq: {cseq}\r\n",
            if to_tag { ";tag=b1" } else { "" }
        );
        for x in extra {
            self.0 += x;
            self.0 += "\r\n";
        }
        if !body.is_empty() {
            self.0 += "Content-Type: application/sdp\r\n";
        }
        self.0 += &format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self
    }

    fn trace(&self) -> Trace {
        siplens::decode_trace_text(&self.0)
    }
}

#[test]
fn offer_in_a_reliable_183_is_answered_in_prack() {
    let audio = sdp(&["audio 4000 RTP/AVP 0"]);
    let mut f = Flow::new();
    f.msg(
        A,
        B,
        "INVITE sip:bob@b.example SIP/2.0",
        "z9hG4bK1",
        "1 INVITE",
        false,
        &["Supported: 100rel"],
        "",
    )
    .msg(
        B,
        A,
        "SIP/2.0 183 Session Progress",
        "z9hG4bK1",
        "1 INVITE",
        true,
        &["Require: 100rel", "RSeq: 7"],
        &audio,
    )
    .msg(
        A,
        B,
        "PRACK sip:bob@b.example SIP/2.0",
        "z9hG4bK2",
        "2 PRACK",
        true,
        &["RAck: 7 1 INVITE"],
        &audio,
    )
    .msg(B, A, "SIP/2.0 200 OK", "z9hG4bK2", "2 PRACK", true, &[], "")
    .msg(
        B,
        A,
        "SIP/2.0 200 OK",
        "z9hG4bK1",
        "1 INVITE",
        true,
        &[],
        "",
    )
    .msg(
        A,
        B,
        "ACK sip:bob@b.example SIP/2.0",
        "z9hG4bK3",
        "1 ACK",
        true,
        &[],
        "",
    );
    let t = f.trace();
    assert_eq!(
        roles(&t),
        [
            r("INVITE", None, None),
            r("183 INVITE", Some("offer"), None),
            r("PRACK", Some("answer"), Some(1)),
            r("200 PRACK", None, None),
            r("200 INVITE", None, None),
            r("ACK", None, None),
        ]
    );
}

#[test]
fn offer_in_a_200_is_answered_in_ack_and_an_unreliable_183_offers_nothing() {
    let audio = sdp(&["audio 4000 RTP/AVP 0"]);
    let mut f = Flow::new();
    f.msg(
        A,
        B,
        "INVITE sip:bob@b.example SIP/2.0",
        "z9hG4bK1",
        "1 INVITE",
        false,
        &[],
        "",
    )
    .msg(
        B,
        A,
        "SIP/2.0 183 Session Progress",
        "z9hG4bK1",
        "1 INVITE",
        true,
        &[],
        &audio,
    )
    .msg(
        B,
        A,
        "SIP/2.0 200 OK",
        "z9hG4bK1",
        "1 INVITE",
        true,
        &[],
        &audio,
    )
    .msg(
        A,
        B,
        "ACK sip:bob@b.example SIP/2.0",
        "z9hG4bK3",
        "1 ACK",
        true,
        &[],
        &audio,
    );
    assert_eq!(
        roles(&f.trace()),
        [
            r("INVITE", None, None),
            r("183 INVITE", None, None),
            r("200 INVITE", Some("offer"), None),
            r("ACK", Some("answer"), Some(2)),
        ]
    );
}

#[test]
fn a_488_is_no_answer_and_a_reinvite_offers_again() {
    let offer = sdp(&["audio 4000 RTP/AVP 0", "video 4002 RTP/AVP 31"]);
    let answer = sdp(&["audio 5000 RTP/AVP 0", "video 0 RTP/AVP 31"]);
    let mut f = Flow::new();
    f.msg(
        A,
        B,
        "INVITE sip:bob@b.example SIP/2.0",
        "z9hG4bK1",
        "1 INVITE",
        false,
        &[],
        &offer,
    )
    .msg(
        B,
        A,
        "SIP/2.0 488 Not Acceptable Here",
        "z9hG4bK1",
        "1 INVITE",
        true,
        &[],
        &answer,
    )
    .msg(
        A,
        B,
        "ACK sip:bob@b.example SIP/2.0",
        "z9hG4bK1",
        "1 ACK",
        true,
        &[],
        "",
    )
    .msg(
        A,
        B,
        "INVITE sip:bob@b.example SIP/2.0",
        "z9hG4bK4",
        "2 INVITE",
        false,
        &[],
        &offer,
    )
    .msg(
        B,
        A,
        "SIP/2.0 200 OK",
        "z9hG4bK4",
        "2 INVITE",
        true,
        &[],
        &answer,
    )
    .msg(
        A,
        B,
        "ACK sip:bob@b.example SIP/2.0",
        "z9hG4bK5",
        "2 ACK",
        true,
        &[],
        "",
    );
    let t = f.trace();
    assert_eq!(
        roles(&t),
        [
            r("INVITE", Some("offer"), None),
            r("488 INVITE", None, None),
            r("ACK", None, None),
            r("INVITE", Some("offer"), None),
            r("200 INVITE", Some("answer"), Some(3)),
            r("ACK", None, None),
        ]
    );
    // A refused stream keeps its m= line (port 0): no SL420.
    assert!(
        t.findings.iter().all(|f| f.id != "SL420"),
        "{:?}",
        t.findings
    );
}

#[test]
fn sl420_an_answer_that_drops_or_reorders_m_lines() {
    let offer = sdp(&["audio 4000 RTP/AVP 0", "video 4002 RTP/AVP 31"]);
    let mut f = Flow::new();
    f.msg(
        A,
        B,
        "INVITE sip:bob@b.example SIP/2.0",
        "z9hG4bK1",
        "1 INVITE",
        false,
        &[],
        &offer,
    )
    .msg(
        B,
        A,
        "SIP/2.0 200 OK",
        "z9hG4bK1",
        "1 INVITE",
        true,
        &[],
        &sdp(&["audio 5000 RTP/AVP 0"]),
    )
    .msg(
        A,
        B,
        "ACK sip:bob@b.example SIP/2.0",
        "z9hG4bK2",
        "1 ACK",
        true,
        &[],
        "",
    )
    .msg(
        A,
        B,
        "UPDATE sip:bob@b.example SIP/2.0",
        "z9hG4bK3",
        "2 UPDATE",
        true,
        &[],
        &offer,
    )
    .msg(
        B,
        A,
        "SIP/2.0 200 OK",
        "z9hG4bK3",
        "2 UPDATE",
        true,
        &[],
        &sdp(&["video 5002 RTP/AVP 31", "audio 5000 RTP/AVP 0"]),
    );
    let t = f.trace();
    let sl420: Vec<_> = t.findings.iter().filter(|f| f.id == "SL420").collect();
    assert_eq!(sl420.len(), 2, "{:?}", t.findings);
    assert_eq!(sl420[0].messages, [0, 1]);
    assert!(
        sl420[0].message.starts_with("The answer in message 2 has 1 m= line(s) (audio) but its offer in message 1 has 2 (audio, video)"),
        "{}",
        sl420[0].message
    );
    assert_eq!(sl420[1].messages, [3, 4]);
    assert!(sl420[1].message.starts_with(
        "m= line 1 is video in the answer (message 5) but audio in its offer (message 4)"
    ));
    assert_eq!(
        sl420[0].spec_ref,
        "RFC 3264 §6; RFC 3261 §13.2.1; RFC 3262 §5; RFC 3311 §5.1"
    );
}

#[test]
fn two_hops_and_retransmissions_pair_per_hop() {
    // UE → P-CSCF → S-CSCF: each hop is its own transaction; the PRACKs
    // answer the 183 sent to their sender.
    const UE: &str = "10.0.0.1:5060";
    const P: &str = "10.0.0.5:5060";
    const S: &str = "10.0.0.9:5060";
    let audio = sdp(&["audio 4000 RTP/AVP 0"]);
    let mut f = Flow::new();
    f.msg(
        UE,
        P,
        "INVITE sip:bob@b.example SIP/2.0",
        "z9hG4bKa",
        "1 INVITE",
        false,
        &[],
        "",
    )
    .msg(
        P,
        S,
        "INVITE sip:bob@b.example SIP/2.0",
        "z9hG4bKb",
        "1 INVITE",
        false,
        &[],
        "",
    )
    .msg(
        S,
        P,
        "SIP/2.0 183 Session Progress",
        "z9hG4bKb",
        "1 INVITE",
        true,
        &["RSeq: 1"],
        &audio,
    )
    .msg(
        S,
        P,
        "SIP/2.0 183 Session Progress",
        "z9hG4bKb",
        "1 INVITE",
        true,
        &["RSeq: 1"],
        &audio,
    )
    .msg(
        P,
        UE,
        "SIP/2.0 183 Session Progress",
        "z9hG4bKa",
        "1 INVITE",
        true,
        &["RSeq: 1"],
        &audio,
    )
    .msg(
        UE,
        P,
        "PRACK sip:bob@b.example SIP/2.0",
        "z9hG4bKc",
        "2 PRACK",
        true,
        &[],
        &audio,
    )
    .msg(
        P,
        S,
        "PRACK sip:bob@b.example SIP/2.0",
        "z9hG4bKd",
        "2 PRACK",
        true,
        &[],
        &audio,
    );
    let t = f.trace();
    assert_eq!(
        roles(&t),
        [
            r("INVITE", None, None),
            r("INVITE", None, None),
            r("183 INVITE", Some("offer"), None),
            r("183 INVITE", Some("offer"), None),
            r("183 INVITE", Some("offer"), None),
            r("PRACK", Some("answer"), Some(4)),
            r("PRACK", Some("answer"), Some(2)),
        ]
    );
    assert!(t.messages[3].retransmission);
}
