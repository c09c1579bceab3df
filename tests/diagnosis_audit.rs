//! Regression tests of the spec audit of the diagnosis (issue 12 and the
//! "expert judgement" items of issue 18), one per error fixed, on the
//! fixtures written for them under tests/fixtures.
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

use siplens::{decode, Category, Decoded, Severity};

fn fixture(rel: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn ids(d: &Decoded) -> Vec<&'static str> {
    d.findings.iter().map(|f| f.id).collect()
}

/// Every text of the diagnosis a user reads as advice.
fn advice(d: &Decoded) -> Vec<String> {
    let g = &d.diagnosis;
    let mut all = vec![g.headline.clone(), g.summary.to_string()];
    all.extend(g.likely_causes.iter().map(|c| c.text.to_string()));
    all.extend(g.inspect.iter().map(|t| t.to_string()));
    all.extend(g.next_steps.iter().map(|t| t.to_string()));
    all
}

fn slice<'a>(input: &'a [u8], d: &Decoded, id: &str) -> Vec<&'a str> {
    d.findings
        .iter()
        .filter(|f| f.id == id)
        .map(|f| std::str::from_utf8(&input[f.span.start..f.span.end]).unwrap())
        .collect()
}

#[test]
fn a_487_to_update_after_bye_is_normal() {
    let d_input = fixture("ims/update-487-after-bye.sip");
    let d = decode(&d_input);
    let f = d.findings.iter().find(|f| f.id == "SL310").expect("SL310");
    assert_eq!(
        (f.severity, f.category),
        (Severity::Info, Category::Informational)
    );
    assert!(f.spec_ref.contains("§15.1.2"), "{}", f.spec_ref);
    assert!(
        d.diagnosis.headline.contains("normal"),
        "{}",
        d.diagnosis.headline
    );
    assert!(
        !advice(&d).iter().any(|t| t.contains("bug")),
        "{:#?}",
        advice(&d)
    );
}

#[test]
fn a_487_or_481_to_cancel() {
    let d_input = fixture("rules/sl322-487-to-cancel.sip");
    let d = decode(&d_input);
    assert!(ids(&d).contains(&"SL322") && !ids(&d).contains(&"SL310"));
    let d_input = fixture("rules/sl324-481-to-cancel.sip");
    let d = decode(&d_input);
    assert!(ids(&d).contains(&"SL324"));
    let text = advice(&d).join("\n");
    assert!(text.contains("not found") || text.contains("no INVITE server transaction"));
    assert!(
        !text.to_lowercase().contains("dialog is terminated"),
        "{text}"
    );
}

#[test]
fn reason_protocols_beyond_sip_q850_release_cause() {
    let input = fixture("ims/bye-failure-cause.sip");
    let d = decode(&input);
    assert!(!ids(&d).contains(&"SL204"), "{:?}", d.findings);
    let decoded: Vec<&str> = d
        .findings
        .iter()
        .filter(|f| f.id == "SL201")
        .map(|f| f.message.as_str())
        .collect();
    assert!(
        decoded
            .iter()
            .any(|m| m.contains("FAILURE_CAUSE 1 (Media bearer or QoS lost)")),
        "{decoded:?}"
    );
    assert!(
        decoded
            .iter()
            .any(|m| m.contains("EMM cause 10 (Implicitly detached)")),
        "{decoded:?}"
    );
    assert!(
        d.diagnosis.headline.contains("Media bearer or QoS lost"),
        "{}",
        d.diagnosis.headline
    );
    assert_eq!(
        d.diagnosis.reasons[0]
            .meaning
            .as_deref()
            .map(|m| m.starts_with("FAILURE_CAUSE 1 \"Media bearer or QoS lost\"")),
        Some(true)
    );
    let d_input = fixture("basic/bye-preemption.sip");
    let d = decode(&d_input);
    assert!(!ids(&d).contains(&"SL204"));
    assert!(d
        .findings
        .iter()
        .any(|f| f.id == "SL201" && f.message.contains("Reserved Resources Preempted")));
    // Still unknown: a private protocol, and an undefined FAILURE_CAUSE value.
    let x = decode(b"BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nMax-Forwards: 70\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 2 BYE\r\nReason: X-VENDOR;cause=7, FAILURE_CAUSE;cause=9\r\nContent-Length: 0\r\n\r\n");
    let unknown: Vec<&str> = x
        .findings
        .iter()
        .filter(|f| f.id == "SL204")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(unknown.len(), 2, "{unknown:?}");
}

#[test]
fn the_via_list_never_names_the_failing_node() {
    let plain = b"SIP/2.0 504 Server Time-out\r\nVia: SIP/2.0/UDP p1.example.net;branch=z9hG4bK2\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\nFrom: <sip:a@example.net>;tag=1\r\nTo: <sip:b@example.net>;tag=2\r\nCall-ID: v\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    for input in [&plain[..], &fixture("ims/invite-403-warning.sip")] {
        let d = decode(input);
        for t in advice(&d) {
            let l = t.to_lowercase();
            assert!(!l.contains("top entry is the hop"), "{t}");
            assert!(
                !(l.contains("via") && l.contains("gave up") && !l.contains("adds no via")),
                "{t}"
            );
        }
    }
}

#[test]
fn sl303_needs_ims_evidence() {
    let d_input = fixture("rules/sl303-negative-plain-sip-407.sip");
    let d = decode(&d_input);
    assert!(!ids(&d).contains(&"SL303"));
    assert!(
        d.diagnosis.headline.contains("Digest SHA-256"),
        "{}",
        d.diagnosis.headline
    );
    assert!(
        !advice(&d)
            .iter()
            .any(|t| t.contains("IPsec") || t.contains("AKA")),
        "{:#?}",
        advice(&d)
    );
    let input = fixture("ims/message-401-outside-registration.sip");
    let d = decode(&input);
    assert_eq!(slice(&input, &d, "SL303"), ["MESSAGE"]);
    let f = d.findings.iter().find(|f| f.id == "SL303").unwrap();
    assert!(
        f.spec_ref.contains("§5.2.6.3") && !f.spec_ref.contains("§5.2.3"),
        "{}",
        f.spec_ref
    );
}

#[test]
fn challenge_advice_follows_the_scheme() {
    let input = fixture("rules/sl323-basic-challenge.sip");
    let d = decode(&input);
    assert_eq!(slice(&input, &d, "SL323"), ["Basic"]);
    assert!(
        !advice(&d)
            .iter()
            .any(|t| t.contains("AKA") || t.contains("ISIM")),
        "{:#?}",
        advice(&d)
    );
    let d_input = fixture("basic/register-401-ntlm.sip");
    let d = decode(&d_input);
    assert!(d.diagnosis.headline.contains("NTLM") && d.diagnosis.headline.contains("Microsoft"));
    assert!(
        !advice(&d)
            .iter()
            .any(|t| t.contains("AKA") || t.contains("ISIM")),
        "{:#?}",
        advice(&d)
    );
    // Basic credentials in a request.
    let req = b"INVITE sip:b@example.net SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\nMax-Forwards: 70\r\nFrom: <sip:a@example.net>;tag=1\r\nTo: <sip:b@example.net>\r\nCall-ID: basic-cred\r\nCSeq: 2 INVITE\r\nProxy-Authorization: Basic YWxpY2U6c2VjcmV0\r\nContent-Length: 0\r\n\r\n";
    let d = decode(req);
    assert_eq!(slice(req, &d, "SL323"), ["Basic"]);
    // The AKA challenge keeps its AKA advice.
    let d_input = fixture("ims/register-401-aka.sip");
    let d = decode(&d_input);
    assert!(advice(&d).iter().any(|t| t.contains("AKA")));
}

#[test]
fn security_server_offers_by_q_and_the_aka_nonce_split() {
    let d_input = fixture("ims/register-401-two-offers.sip");
    let d = decode(&d_input);
    let g = &d.diagnosis;
    let ipsec = g
        .likely_causes
        .iter()
        .find(|c| c.text.contains("offers IPsec"))
        .unwrap();
    // The q=0.5 offer (second header) is preferred over q=0.1 (RFC 3329 §2.2).
    assert!(ipsec.text.contains("spi-c 96488203"), "{}", ipsec.text);
    assert!(
        g.inspect
            .iter()
            .any(|i| i.contains("ipsec-3gpp q=0.5; ipsec-3gpp q=0.1")),
        "{:#?}",
        g.inspect
    );
    let n = g.challenge.as_ref().unwrap().aka_nonce.as_ref().unwrap();
    assert_eq!(n.rand, "000102030405060708090a0b0c0d0e0f");
    assert_eq!(n.sqn_xor_ak, "101112131415");
    assert_eq!(n.amf, "8000");
    assert_eq!(n.mac, "18191a1b1c1d1e1f");
    let d_input = fixture("rules/sl303-negative-plain-sip-407.sip");
    let d = decode(&d_input);
    assert!(d.diagnosis.challenge.unwrap().aka_nonce.is_none());
}

#[test]
fn a_603_from_a_ue_is_not_an_mgcf() {
    let d_input = fixture("ims/invite-603-ue-mmtel.sip");
    let d = decode(&d_input);
    assert_eq!(d.diagnosis.sender.role, "UE");
    assert!(d
        .diagnosis
        .likely_causes
        .iter()
        .any(|c| c.text.contains("own device")));
    // Without the UE Contact the Q.850 cause still points at an MGCF.
    let d_input = fixture("ims/invite-603-reason.sip");
    let d = decode(&d_input);
    assert_eq!(d.diagnosis.sender.role, "MGCF");
}

#[test]
fn redirect_403_and_480_read_the_message() {
    let d_input = fixture("ims/invite-302-forwarding.sip");
    let d = decode(&d_input);
    let h = &d.diagnosis.headline;
    assert!(
        h.contains("tel:+4915144556677") && h.contains("valid 120 s"),
        "{h}"
    );
    assert!(d
        .diagnosis
        .next_steps
        .iter()
        .any(|s| s.contains("highest q first")));
    let d_input = fixture("ims/invite-403-warning.sip");
    let d = decode(&d_input);
    assert!(
        d.diagnosis
            .headline
            .contains("Outgoing international calls barred"),
        "{}",
        d.diagnosis.headline
    );
    assert!(
        !advice(&d).iter().any(|t| t.contains("registration")),
        "{:#?}",
        advice(&d)
    );
    let plain = b"SIP/2.0 480 Temporarily Unavailable\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\nFrom: <sip:a@example.net>;tag=1\r\nTo: <sip:b@example.net>;tag=2\r\nCall-ID: p480\r\nCSeq: 1 INVITE\r\nWarning: 399 pbx.example.net \"Do not disturb\"\r\nContent-Length: 0\r\n\r\n";
    let d = decode(plain);
    let texts: Vec<&str> = d.diagnosis.likely_causes.iter().map(|c| &*c.text).collect();
    assert!(
        texts.iter().any(|t| t.contains("Do not disturb")),
        "{texts:?}"
    );
    assert!(!texts.iter().any(|t| t.contains("IMPU")), "{texts:?}");
}

#[test]
fn unflagged_defects_are_flagged() {
    let input = fixture("basic/notify-defects.sip");
    let d = decode(&input);
    let bad = slice(&input, &d, "SL024");
    assert!(bad.contains(&"tag="), "{bad:?}");
    assert!(bad.contains(&"INVITE/NOTIFY"), "{bad:?}");
    assert!(
        d.findings
            .iter()
            .any(|f| f.id == "SL024" && f.message.contains("Allow-Events is empty")),
        "{:?}",
        d.findings
    );
}

#[test]
fn mixed_line_ends_are_not_trailing_data() {
    let input = fixture("basic/invite-mixed-line-ends.sip");
    let d = decode(&input);
    assert!(
        !ids(&d).contains(&"SL021") && !ids(&d).contains(&"SL020"),
        "{:?}",
        d.findings
    );
    assert!(d.body.length > 0 && input.ends_with(b"m=audio 4000 RTP/AVP 0\n"));
    let lf: Vec<_> = d.findings.iter().filter(|f| f.id == "SL010").collect();
    assert_eq!(lf.len(), 1);
    assert_eq!(lf[0].category, Category::Informational);
}

#[test]
fn a_503_with_retry_after_to_an_ims_invite_cites_the_invite_clause() {
    let d_input = fixture("ims/invite-503-retry-after.sip");
    let d = decode(&d_input);
    let refs = d.diagnosis.spec_refs.join("\n");
    assert!(refs.contains("§5.1.3.1"), "{refs}");
    // The REGISTER-only step (another P-CSCF) is not given for an INVITE.
    let text = advice(&d).join("\n");
    assert!(!text.contains("Do not send REGISTER"), "{text}");
}
