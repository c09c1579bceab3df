//! Unit tests of the IMS rule families.

use super::common::*;
use super::CHECKS;
use crate::diagnose::decode;
use crate::diagnose::{Confidence, Dx};
use crate::finding::Rule;
use crate::parse::parse_message;
use crate::span::{Span, Text};

/// Runs this family only.
fn run(input: &[u8]) -> Dx {
    crate::diagnose::run_family(CHECKS, input)
}

fn spans<'i>(dx: &Dx, rule: Rule, input: &'i [u8]) -> Vec<&'i str> {
    dx.findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| std::str::from_utf8(f.span.slice(input)).unwrap())
        .collect()
}

fn message(dx: &Dx, rule: Rule) -> &str {
    &dx.findings.iter().find(|f| f.rule == rule).unwrap().message
}

fn has(dx: &Dx, rule: Rule) -> bool {
    dx.findings.iter().any(|f| f.rule == rule)
}

fn cause<'d>(dx: &'d Dx, needle: &str) -> &'d crate::diagnose::Cause {
    dx.causes
        .iter()
        .find(|c| c.text.contains(needle))
        .unwrap_or_else(|| panic!("no cause with {needle:?} in {:#?}", dx.causes))
}

fn ev<'i>(c: &crate::diagnose::Cause, i: usize, input: &'i [u8]) -> &'i str {
    std::str::from_utf8(c.evidence[i].0.slice(input)).unwrap()
}

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!("../../../tests/fixtures/ims/", $name, ".sip")).as_slice()
    };
}

const REG_401: &[u8] = fixture!("register-401-aka");
const REG_200: &[u8] = fixture!("register-200-ok");
const REG_403: &[u8] = fixture!("register-403-auth-failed");
const REG_494: &[u8] = fixture!("register-494-sec-agree");
const REG_503_RA: &[u8] = fixture!("register-503-retry-after");
const INV_503: &[u8] = fixture!("invite-503-no-retry-after");
const INV_580: &[u8] = fixture!("invite-580-preconditions");
const INV_504_XML: &[u8] = fixture!("invite-504-restoration");
const INV_380: &[u8] = fixture!("invite-380-emergency");
const INV_183: &[u8] = fixture!("invite-183-preconditions");
const INV_488: &[u8] = fixture!("invite-488-warning-305");
const INV_480: &[u8] = fixture!("invite-480-q850");
const INV_486_16: &[u8] = fixture!("invite-486-cause-16");
const INV_603: &[u8] = fixture!("invite-603-reason");
const INV_487: &[u8] = fixture!("invite-487-cancelled");
const REG_423: &[u8] = fixture!("register-423-min-expires");
const INV_420: &[u8] = fixture!("invite-420-unsupported");
const INV_483: &[u8] = fixture!("invite-483-loop");
const INV_499: &[u8] = fixture!("invite-499-unknown");

const ALL: &[&[u8]] = &[
    REG_401,
    REG_200,
    REG_403,
    REG_494,
    REG_503_RA,
    INV_503,
    INV_580,
    INV_504_XML,
    INV_380,
    INV_183,
    INV_488,
    INV_480,
    INV_486_16,
    INV_603,
    INV_487,
    REG_423,
    INV_420,
    INV_483,
    INV_499,
];

/// A small response to `method` with extra header lines.
fn response(status: &str, method: &str, extra: &str) -> Vec<u8> {
    format!(
        "SIP/2.0 {status}\r\n\
Via: SIP/2.0/UDP [2001:db8:a::1]:5060;received=2001:db8:a::1;rport=5060;branch=z9hG4bK77e1\r\n\
From: <sip:+4915112345678@ims.mnc001.mcc001.3gppnetwork.org>;tag=ue-4711\r\n\
To: <sip:+4930123456@ims.mnc001.mcc001.3gppnetwork.org;user=phone>;tag=net-99\r\n\
Call-ID: 0ba2cf53-9a78-41de-8fe6-f62709aa8e91\r\n\
CSeq: 7 {method}\r\n\
{extra}Content-Length: 0\r\n\r\n"
    )
    .into_bytes()
}

#[test]
fn fixtures_are_clean_crlf_with_exact_content_length() {
    for input in ALL {
        let msg = parse_message(input);
        assert!(!msg.lf_line_ends());
        let framing: Vec<_> = crate::validate::validate_message(&msg)
            .into_iter()
            .filter(|f| {
                matches!(
                    f.rule,
                    Rule::ContentLengthTooLarge
                        | Rule::TrailingData
                        | Rule::BadContentLength
                        | Rule::MissingContentLength
                        | Rule::BadHeaderValue
                        | Rule::BadBody
                )
            })
            .collect();
        assert!(
            framing.is_empty(),
            "{:?}: {framing:?}",
            String::from_utf8_lossy(&input[..40])
        );
        let d = decode(input);
        for f in &d.findings {
            assert!(f.span.end <= input.len());
        }
    }
}

#[test]
fn sl301_aka_challenge() {
    let dx = run(REG_401);
    assert_eq!(
        spans(&dx, Rule::ImsAkaChallenge, REG_401),
        ["algorithm=AKAv1-MD5"]
    );
    assert_eq!(
        dx.headline.as_deref(),
        Some("401 to REGISTER: normal IMS AKA challenge — the UE must answer with RES over new IPsec SAs")
    );
    let c = cause(&dx, "offers IPsec");
    assert_eq!(c.confidence, Confidence::High);
    assert!(
        c.text
            .contains("spi-c 96488201, spi-s 96488202, port-c 5100, port-s 5101"),
        "{}",
        c.text
    );
    assert!(ev(c, 0, REG_401).starts_with("ipsec-3gpp;prot=esp"));
    assert!(dx
        .next_steps
        .iter()
        .any(|s| s.contains("port-s 5101") && s.contains("Security-Verify")));
    assert!(!has(&dx, Rule::DigestRegisterChallenge));
}

#[test]
fn sl301_ck_ik_show_the_mw_copy() {
    let input = response("401 Unauthorized", "REGISTER", "WWW-Authenticate: Digest realm=\"ims.mnc001.mcc001.3gppnetwork.org\", nonce=\"x0Uj4Vf8P1mZ0q9k3d7rTnq2YcG6aJ5hLw8sE1bUo0A=\", algorithm=AKAv1-MD5, qop=\"auth\", ck=\"00112233445566778899aabbccddeeff\", ik=\"ffeeddccbbaa99887766554433221100\"\r\n");
    let dx = run(&input);
    let c = cause(&dx, "still carries ck/ik");
    assert_eq!(ev(c, 0, &input), "ck=\"00112233445566778899aabbccddeeff\"");
    assert!(dx
        .inspect
        .iter()
        .any(|i| i.contains("No ipsec-3gpp Security-Server")));
}

#[test]
fn sl301_negative_digest_and_invite() {
    assert!(!has(&run(REG_200), Rule::ImsAkaChallenge));
    let md5 = response("401 Unauthorized", "REGISTER", "WWW-Authenticate: Digest realm=\"voip.example.net\", nonce=\"5f2a\", algorithm=MD5, qop=\"auth\"\r\n");
    assert!(!has(&run(&md5), Rule::ImsAkaChallenge));
}

#[test]
fn sl302_plain_digest_register() {
    let input = response("401 Unauthorized", "REGISTER", "WWW-Authenticate: Digest realm=\"ims.mnc001.mcc001.3gppnetwork.org\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", algorithm=MD5, qop=\"auth\"\r\n");
    let dx = run(&input);
    assert_eq!(
        spans(&dx, Rule::DigestRegisterChallenge, &input),
        ["algorithm=MD5"]
    );
    let c = cause(&dx, "HSS has SIP Digest");
    assert_eq!(c.confidence, Confidence::Medium);
    assert!(!has(&run(REG_401), Rule::DigestRegisterChallenge));
}

#[test]
fn sl303_challenge_to_invite() {
    let input = response("407 Proxy Authentication Required", "INVITE", "Proxy-Authenticate: Digest realm=\"trunk.example.net\", nonce=\"a1b2c3\", algorithm=MD5\r\n");
    let dx = run(&input);
    assert_eq!(
        spans(&dx, Rule::ChallengeOutsideRegistration, &input),
        ["INVITE"]
    );
    assert!(cause(&dx, "SIP trunk").confidence == Confidence::Medium);
    assert!(dx.headline.as_deref().unwrap().starts_with("407 to INVITE"));
    assert!(!has(&run(REG_401), Rule::ChallengeOutsideRegistration));
}

#[test]
fn sl304_stale_nonce() {
    let input = response("401 Unauthorized", "REGISTER", "WWW-Authenticate: Digest realm=\"ims.mnc001.mcc001.3gppnetwork.org\", nonce=\"QkFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=\", algorithm=AKAv1-MD5, qop=\"auth\", stale=TRUE\r\n");
    let dx = run(&input);
    assert_eq!(spans(&dx, Rule::StaleNonce, &input), ["stale=TRUE"]);
    let h = dx.headline.as_deref().unwrap();
    assert!(
        h.contains("stale=true") && h.contains("run AKA again"),
        "{h}"
    );
    assert!(has(&dx, Rule::ImsAkaChallenge));
    assert!(!has(&run(REG_401), Rule::StaleNonce));
}

#[test]
fn sl305_register_forbidden_phrase() {
    let dx = run(REG_403);
    assert_eq!(
        spans(&dx, Rule::RegisterForbidden, REG_403),
        ["SIP/2.0 403 Authentication Failed"]
    );
    let c = cause(&dx, "Authentication failed: the response");
    assert_eq!(c.confidence, Confidence::High);
    assert_eq!(ev(c, 0, REG_403), "Authentication Failed");
    assert_eq!(ev(c, 1, REG_403), "CSeq: 2 REGISTER");
    // The plain phrase after a challenge: the CSeq alone suggests it.
    let plain = response("403 Forbidden", "REGISTER", "");
    let c = cause(&run(&plain), "after the challenge").clone();
    assert_eq!(
        (c.confidence, ev(&c, 0, &plain)),
        (Confidence::Medium, "CSeq: 7 REGISTER")
    );
}

#[test]
fn sl305_roaming_and_negative() {
    let input = response(
        "403 Forbidden",
        "REGISTER",
        "P-Visited-Network-ID: \"Visited Network Number 1\"\r\n",
    );
    let dx = run(&input);
    let c = cause(&dx, "visited network named by P-Visited-Network-ID");
    assert_eq!(
        ev(c, 0, &input),
        "P-Visited-Network-ID: \"Visited Network Number 1\""
    );
    let invite = response("403 Forbidden", "INVITE", "");
    assert!(!has(&run(&invite), Rule::RegisterForbidden));
}

#[test]
fn sl306_not_found_and_does_not_exist() {
    let input = response("404 Not Found", "INVITE", "");
    let dx = run(&input);
    assert_eq!(
        spans(&dx, Rule::UserNotFound, &input),
        ["sip:+4930123456@ims.mnc001.mcc001.3gppnetwork.org;user=phone"]
    );
    assert!(cause(&dx, "ENUM/number-portability").confidence == Confidence::Medium);
    let input = response(
        "604 Does Not Exist Anywhere",
        "INVITE",
        "Reason: Q.850;cause=1\r\n",
    );
    let dx = run(&input);
    assert!(message(&dx, Rule::UserNotFound).starts_with("604 Does Not Exist Anywhere"));
    assert_eq!(
        ev(cause(&dx, "not allocated anywhere"), 1, &input),
        "Q.850;cause=1"
    );
    assert!(!has(&run(INV_480), Rule::UserNotFound));
}

#[test]
fn sl307_timeouts() {
    let input = response("408 Request Timeout", "INVITE", "");
    let dx = run(&input);
    assert_eq!(
        spans(&dx, Rule::Timeout, &input),
        ["SIP/2.0 408 Request Timeout"]
    );
    assert!(message(&dx, Rule::Timeout).contains("Timer B"));
    let dx = run(INV_504_XML);
    assert!(message(&dx, Rule::Timeout).contains("SL316"));
    assert!(!dx.causes.iter().any(|c| c.text.contains("Timer B")));
    // SL316 wins the headline.
    assert!(dx.headline.as_deref().unwrap().contains("restoration"));
    assert!(!has(&run(INV_503), Rule::Timeout));
}

#[test]
fn sl308_busy_unavailable_declined() {
    let dx = run(INV_480);
    assert_eq!(
        spans(&dx, Rule::CalleeRejected, INV_480),
        ["SIP/2.0 480 Temporarily Unavailable"]
    );
    let h = dx.headline.as_deref().unwrap();
    assert_eq!(h, "480 Temporarily Unavailable to INVITE: the callee is not reachable now; Reason Q.850 cause 20 (Subscriber absent) — try later; forwarding or voicemail may apply");
    let c = cause(&dx, "did not answer");
    assert_eq!(
        ev(c, 1, INV_480),
        "Q.850;cause=20;text=\"Subscriber absent\""
    );
    let h = run(INV_486_16).headline.unwrap();
    assert!(
        h.contains("Reason Q.850 cause 16 (Normal call clearing) contradicts it"),
        "{h}"
    );
    let dx = run(INV_603);
    assert!(message(&dx, Rule::CalleeRejected).contains("declined"));
    let input = response("486 Busy Here", "INVITE", "Retry-After: 300\r\n");
    let dx = run(&input);
    assert_eq!(cause(&dx, "reports busy").confidence, Confidence::High);
    assert!(!has(&run(INV_487), Rule::CalleeRejected));
    let msg = response("480 Temporarily Unavailable", "MESSAGE", "");
    let dx = run(&msg);
    assert!(message(&dx, Rule::CalleeRejected).contains("target user"));
    assert!(dx.headline.is_none());
}

#[test]
fn sl309_487_to_invite() {
    let dx = run(INV_487);
    assert_eq!(
        spans(&dx, Rule::RequestTerminated, INV_487),
        ["SIP/2.0 487 Request Terminated"]
    );
    assert!(dx.next_steps.iter().any(|s| s.contains("CSeq number 1")));
    assert!(!has(&dx, Rule::TerminatedNonInvite));
    let elsewhere = response(
        "487 Request Terminated",
        "INVITE",
        "Reason: SIP;cause=200;text=\"Call completed elsewhere\"\r\n",
    );
    let dx = run(&elsewhere);
    assert_eq!(cause(&dx, "forking proxy").confidence, Confidence::High);
}

#[test]
fn sl310_487_to_options() {
    let input = response("487 Request Terminated", "OPTIONS", "");
    let dx = run(&input);
    assert_eq!(spans(&dx, Rule::TerminatedNonInvite, &input), ["OPTIONS"]);
    assert!(!has(&dx, Rule::RequestTerminated));
    assert!(!has(&run(INV_487), Rule::TerminatedNonInvite));
}

#[test]
fn sl311_media_rejected() {
    let dx = run(INV_488);
    assert_eq!(
        spans(&dx, Rule::MediaRejected, INV_488),
        ["SIP/2.0 488 Not Acceptable Here"]
    );
    let msg = message(&dx, Rule::MediaRejected);
    assert!(
        msg.contains("Warning 305") && msg.contains("m=video rejected (port 0)"),
        "{msg}"
    );
    assert!(msg.contains("PCMA/8000"), "{msg}");
    let c = cause(&dx, "m=video stream is refused");
    assert_eq!(ev(c, 0, INV_488), "m=video 0 RTP/AVP 96");
    let bare = response("488 Not Acceptable Here", "INVITE", "");
    let dx = run(&bare);
    assert_eq!(
        cause(&dx, "No codec in common").confidence,
        Confidence::Medium
    );
    assert!(!has(&run(INV_486_16), Rule::MediaRejected));
}

#[test]
fn sl312_bad_event() {
    let input = response(
        "489 Bad Event",
        "SUBSCRIBE",
        "Allow-Events: presence, reg, dialog\r\n",
    );
    let dx = run(&input);
    assert_eq!(
        spans(&dx, Rule::BadEvent, &input),
        ["presence, reg, dialog"]
    );
    assert_eq!(
        cause(&dx, "supports presence, reg, dialog").confidence,
        Confidence::High
    );
    assert!(!has(&run(REG_200), Rule::BadEvent));
}

#[test]
fn sl313_security_agreement() {
    let dx = run(REG_494);
    let s = spans(&dx, Rule::SecurityAgreementRequired, REG_494);
    assert_eq!(s.len(), 1);
    assert!(s[0].starts_with("ipsec-3gpp;alg=hmac-sha-1-96"), "{s:?}");
    assert!(message(&dx, Rule::SecurityAgreementRequired).contains("ipsec-3gpp (alg=hmac-sha-1-96"));
    assert!(!has(&run(REG_401), Rule::SecurityAgreementRequired));
}

#[test]
fn sl314_503_with_retry_after() {
    let dx = run(REG_503_RA);
    assert_eq!(
        spans(&dx, Rule::OverloadWithRetryAfter, REG_503_RA),
        ["600"]
    );
    assert_eq!(
        dx.headline.as_deref(),
        Some("503 with Retry-After 600 s to REGISTER: P-CSCF/S-CSCF overloaded or in maintenance; do not re-register to it before 600 s")
    );
    let c = cause(&dx, "overloaded or in maintenance");
    assert_eq!(
        (c.confidence, ev(c, 0, REG_503_RA)),
        (Confidence::High, "600")
    );
    assert!(!has(&dx, Rule::UnavailableWithoutRetryAfter) && !has(&dx, Rule::RetryAfterPresent));
    let d = decode(REG_503_RA);
    assert_eq!(d.diagnosis.retry.unwrap().after_seconds, Some(600));
    assert!(!has(&run(INV_503), Rule::OverloadWithRetryAfter));
}

#[test]
fn sl315_503_without_retry_after() {
    let dx = run(INV_503);
    assert_eq!(
        spans(&dx, Rule::UnavailableWithoutRetryAfter, INV_503),
        ["SIP/2.0 503 Service Unavailable"]
    );
    assert!(dx.headline.as_deref().unwrap().contains("fail over"));
    assert!(!has(&run(REG_503_RA), Rule::UnavailableWithoutRetryAfter));
}

#[test]
fn sl316_restoration_and_emergency() {
    let dx = run(INV_504_XML);
    assert_eq!(
        spans(&dx, Rule::ImsAlternativeService, INV_504_XML),
        ["restoration"]
    );
    let c = cause(&dx, "IMS restoration per TS 23.380");
    assert_eq!(c.confidence, Confidence::High);
    assert_eq!(ev(c, 1, INV_504_XML), "initial-registration");
    assert!(dx
        .next_steps
        .iter()
        .any(|s| s.contains("initial registration")));

    let dx = run(INV_380);
    assert_eq!(
        spans(&dx, Rule::ImsAlternativeService, INV_380),
        ["emergency"]
    );
    assert!(dx.headline.as_deref().unwrap().contains("emergency call"));
    assert!(dx
        .next_steps
        .iter()
        .any(|s| s.contains("emergency registration")));

    let plain = response("504 Server Time-out", "INVITE", "");
    assert!(!has(&run(&plain), Rule::ImsAlternativeService));
}

#[test]
fn xml_element_finds_prefixed_and_plain() {
    let b = b"<x:ims-3gpp><x:alternative-service><x:type>emergency</x:type><reason/></x:alternative-service></x:ims-3gpp>";
    let t = Text::new(b, Span::new(0, b.len()));
    let (ty, _) = xml_element(t, "type", 0).unwrap();
    assert_eq!(ty.bytes(), b"emergency");
    let (r, _) = xml_element(t, "reason", 0).unwrap();
    assert!(r.is_empty());
    assert!(xml_element(t, "action", 0).is_none());
}

#[test]
fn sl317_precondition_failure() {
    let dx = run(INV_580);
    assert_eq!(
        spans(&dx, Rule::PreconditionFailure, INV_580),
        ["a=des:qos mandatory local sendrecv"]
    );
    let c = cause(&dx, "QoS for m=audio was not reserved");
    assert_eq!(c.confidence, Confidence::High);
    assert_eq!(ev(c, 1, INV_580), "a=curr:qos local none");
    assert!(message(&dx, Rule::PreconditionFailure).contains("a=curr:qos local none"));
    // A 183 with preconditions still pending is normal, not SL317.
    assert!(!has(&run(INV_183), Rule::PreconditionFailure));
}

#[test]
fn sl318_interval_too_small() {
    let dx = run(REG_423);
    assert_eq!(spans(&dx, Rule::IntervalTooSmall, REG_423), ["3600"]);
    assert!(dx.next_steps.iter().any(|s| s.contains("≥ 3600 s")));
    let input = response(
        "422 Session Interval Too Small",
        "INVITE",
        "Min-SE: 1800\r\n",
    );
    let dx = run(&input);
    assert_eq!(spans(&dx, Rule::IntervalTooSmall, &input), ["1800"]);
    let no_header = response("423 Interval Too Brief", "REGISTER", "");
    assert!(!has(&run(&no_header), Rule::IntervalTooSmall));
}

#[test]
fn sl319_option_tags() {
    let dx = run(INV_420);
    assert_eq!(
        spans(&dx, Rule::ExtensionMismatch, INV_420),
        ["precondition"]
    );
    let c = cause(&dx, "does not implement it");
    assert_eq!(ev(c, 0, INV_420), "precondition");
    let input = response("421 Extension Required", "INVITE", "Require: 100rel\r\n");
    let dx = run(&input);
    assert!(message(&dx, Rule::ExtensionMismatch).contains("requires 100rel"));
    assert!(!has(&run(INV_486_16), Rule::ExtensionMismatch));
}

#[test]
fn sl320_loop() {
    let dx = run(INV_483);
    let s = spans(&dx, Rule::LoopOrHops, INV_483);
    assert_eq!(s.len(), 1);
    assert!(
        s[0].starts_with("SIP/2.0/UDP scscf1.ims.mnc001.mcc001.3gppnetwork.org:6060"),
        "{s:?}"
    );
    let c = cause(&dx, "passed scscf1");
    assert_eq!(c.confidence, Confidence::High);
    let plain = response("482 Loop Detected", "INVITE", "");
    let dx = run(&plain);
    assert_eq!(
        spans(&dx, Rule::LoopOrHops, &plain),
        ["SIP/2.0 482 Loop Detected"]
    );
    assert!(!has(&run(INV_487), Rule::LoopOrHops));
}

#[test]
fn sl321_retry_after_not_503() {
    let input = response(
        "486 Busy Here",
        "INVITE",
        "Retry-After: 3600 (in a meeting);duration=1800\r\n",
    );
    let dx = run(&input);
    assert_eq!(
        spans(&dx, Rule::RetryAfterPresent, &input),
        ["3600 (in a meeting);duration=1800"]
    );
    let m = message(&dx, Rule::RetryAfterPresent);
    assert!(m.contains("3600 s (1 h)") && m.contains("1800 s"), "{m}");
    assert_eq!(cause(&dx, "reachable again").confidence, Confidence::High);
    assert!(!has(&run(REG_503_RA), Rule::RetryAfterPresent));
}

#[test]
fn unknown_code_and_200_raise_no_ims_rule() {
    for input in [INV_499, REG_200, INV_183] {
        let dx = run(input);
        assert!(dx.findings.is_empty(), "{:?}", dx.findings);
    }
}

#[test]
fn human_seconds_reads() {
    assert_eq!(human_seconds(600), "10 min");
    assert_eq!(human_seconds(3600), "1 h");
    assert_eq!(human_seconds(90), "1 min 30 s");
    assert_eq!(human_seconds(0), "0 s");
}

/// The per-code text of SL308 and the redirect cause comes from the
/// knowledge base (`[code.diagnosis]`); these hold its wording and
/// confidence where no fixture does.
#[test]
fn callee_and_redirect_text_from_the_knowledge_base() {
    fn resp(status: &str, cseq: &str, extra: &str) -> Vec<u8> {
        format!(
            "SIP/2.0 {status}\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK74bf9\r\n\
From: <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\nTo: <sip:bob@biloxi.example.com>;tag=314159\r\n\
Call-ID: 3848276298220188511@atlanta.example.com\r\nCSeq: {cseq}\r\n{extra}Content-Length: 0\r\n\r\n"
        )
        .into_bytes()
    }
    let dx = run(&resp("600 Busy Everywhere", "1 INVITE", ""));
    let c = cause(&dx, "busy on every device");
    assert_eq!(c.confidence, Confidence::High);
    assert_eq!(
        c.text,
        "The callee is busy on every device; no other location will accept the call"
    );
    assert!(dx.headline.as_deref().is_some_and(
        |h| h.ends_with("every device of the callee is busy — do not try other locations")
    ));
    let dx = run(&resp("603 Decline", "1 INVITE", ""));
    assert_eq!(cause(&dx, "pressed reject").confidence, Confidence::Medium);
    assert_eq!(
        cause(&dx, "incoming call barring").confidence,
        Confidence::Medium
    );
    let dx = run(&resp("486 Busy Here", "1 MESSAGE", ""));
    assert_eq!(
        message(&dx, Rule::CalleeRejected),
        "486 Busy Here to MESSAGE: the target user is busy"
    );
    assert_eq!(
        cause(&dx, "reached no client").text,
        "The MESSAGE reached no client able to take it: the target user is busy"
    );
    for (status, says) in [
        ("301 Moved Permanently", "The server has moved permanently and names the new target in Contact"),
        ("305 Use Proxy", "The server must be reached through a proxy and names the new target in Contact"),
        ("300 Multiple Choices", "The callee (or a redirect server/call-forwarding service for it) offers several locations and names the new target in Contact"),
    ] {
        let dx = run(&resp(status, "1 INVITE", "Contact: <sip:bob@192.0.2.4>\r\n"));
        assert_eq!(cause(&dx, "in Contact").text, says, "{status}");
    }
}

/// The per-code causes of a 404 (plain and IMS) and a 504 come from the
/// knowledge base (`[code.diagnosis]`); these hold their wording and
/// confidence where no fixture does.
#[test]
fn not_found_and_server_timeout_causes_from_the_knowledge_base() {
    fn resp(status: &str, to: &str) -> Vec<u8> {
        format!(
            "SIP/2.0 {status}\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK74bf9\r\n\
From: <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\nTo: <{to}>;tag=314159\r\n\
Call-ID: 3848276298220188511@atlanta.example.com\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"
        )
        .into_bytes()
    }
    let dx = run(&resp(
        "404 Not Found",
        "sip:bob@ims.mnc001.mcc001.3gppnetwork.org",
    ));
    let c = cause(&dx, "not provisioned in the HSS");
    assert_eq!(c.confidence, Confidence::Medium);
    assert_eq!(c.text, "The callee's public user identity is not provisioned in the HSS (the I-CSCF's LIR got DIAMETER_ERROR_USER_UNKNOWN)");
    assert!(!dx
        .causes
        .iter()
        .any(|c| c.text.contains("extension this server knows")));
    let dx = run(&resp("504 Server Time-out", "sip:bob@biloxi.example.com"));
    let texts: Vec<_> = dx
        .causes
        .iter()
        .map(|c| (c.confidence, c.text.as_str()))
        .collect();
    assert_eq!(texts, [
        (Confidence::Medium, "The next hop did not answer: Timer B (INVITE) or F (non-INVITE) expired on the sender's client transaction — node down, transport or IPsec/TLS path broken"),
        (Confidence::Medium, "An external server the sender needed did not answer in time: DNS (NAPTR/SRV/A), ENUM, or in IMS the HSS over Cx (UAR/LIR at the I-CSCF, MAR/SAR at the S-CSCF)"),
    ]);
}
