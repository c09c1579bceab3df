//! Redaction of text (issue 8): every shared message, fixture and torture
//! message, redacted at each level, still decodes to the same diagnosis,
//! holds none of the identifiers collected independently from the original
//! decode, and does not change when redacted again; aliases are stable
//! across a multi-message trace.
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use siplens::parse::uri::{is_ipv4, is_ipv6};
use siplens::redact::{redact_text, Level, RedactOptions, Redactor};
use siplens::{decode, parse_message, Decoded, HeaderName};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Every single-message input: the 1,309 pcap extracts, the RFC 4475 and
/// RFC 5118 messages, and our own fixtures.
fn inputs() -> Vec<PathBuf> {
    let c = common::corpus();
    let mut v = common::files(&c.join("traces/pcap-extract"), &[".sip"]);
    v.extend(common::files(&c.join("rfc4475"), &[".dat", ".sip"]));
    v.extend(common::files(&c.join("rfc5118"), &[".dat", ".sip"]));
    v.extend(common::fixtures());
    v
}

/// [`shape`] without the findings (compared one by one).
fn shape_without_findings(d: &Decoded) -> String {
    let s = shape(d);
    s[..s.find(" findings=").unwrap_or(s.len())].to_owned()
}

/// What must not change: the shape of the decode and its diagnosis.
fn shape(d: &Decoded) -> String {
    let mut s = format!(
        "{} status={:?} method={:?} cseq={:?} headers={:?} body={} causes={}",
        d.kind,
        d.status.as_ref().map(|s| s.code),
        d.request.as_ref().map(|r| r.method.clone()),
        d.cseq.as_ref().map(|c| (c.seq, c.method.clone())),
        d.headers.iter().map(|h| h.name.clone()).collect::<Vec<_>>(),
        d.body.kind,
        d.diagnosis.likely_causes.len(),
    );
    let ids: Vec<&str> = d.findings.iter().map(|f| f.id).collect();
    s.push_str(&format!(" findings={ids:?}"));
    s
}

/// Identifiers of `text` that a level must remove, collected from the
/// parse (not from the redactor): URI user parts, display names, IP
/// literals in Via/Contact/SDP, digest secrets; Call-ID, tags and hosts at
/// level `all`.
fn identifiers(text: &[u8], level: Level) -> BTreeSet<String> {
    let msg = parse_message(text);
    let mut out = BTreeSet::new();
    let mut add = |s: &str| {
        let s = s.trim().trim_matches('"');
        if s.len() >= 4 {
            out.insert(s.to_owned());
        }
    };
    let mut uris = Vec::new();
    if let Some(u) = msg.request_uri() {
        uris.push(u);
    }
    for c in msg.contacts() {
        if let siplens::parse::addr::Contact::Address(a) = c {
            uris.extend(a.uri);
        }
    }
    for u in &uris {
        if let Some(user) = u.user {
            let user = user.as_str();
            add(user.split(';').next().unwrap_or(""));
        }
        if let Some(h) = u.host {
            let h = h.as_str();
            let h = h.trim_start_matches('[').trim_end_matches(']');
            if level >= Level::Network && (is_ipv4(h.as_bytes()) || is_ipv6(h.as_bytes())) {
                add(h);
            }
        }
    }
    if level >= Level::Network {
        // SDP connection addresses.
        let body = String::from_utf8_lossy(msg.body().bytes()).into_owned();
        for line in body.lines() {
            if let Some(rest) = line
                .strip_prefix("c=IN IP4 ")
                .or(line.strip_prefix("c=IN IP6 "))
            {
                add(rest.split('/').next().unwrap_or(""));
            }
        }
    }
    let mut addrs = Vec::new();
    for name in [
        HeaderName::From,
        HeaderName::To,
        HeaderName::PAssertedIdentity,
        HeaderName::PPreferredIdentity,
    ] {
        addrs.extend(msg.addresses(name));
    }
    for a in &addrs {
        if let Some(dn) = a.display_name_text() {
            add(&dn);
        }
        if let Some(u) = &a.uri {
            if let Some(user) = u.user {
                let user = user.as_str();
                let main = user.split(';').next().unwrap_or("");
                add(main);
            }
            if let Some(h) = u.host {
                let h = h.as_str();
                let h = h.trim_start_matches('[').trim_end_matches(']');
                if (level >= Level::Network && (is_ipv4(h.as_bytes()) || is_ipv6(h.as_bytes())))
                    || level == Level::All
                {
                    add(h);
                }
            }
        }
        if level == Level::All {
            if let Some(t) = a.tag() {
                add(&t.as_str());
            }
        }
    }
    if level >= Level::Network {
        for v in msg.via() {
            if let Some(r) = v.received() {
                add(r.as_str().trim_start_matches('[').trim_end_matches(']'));
            }
            let h = v.host.as_str();
            let h = h.trim_start_matches('[').trim_end_matches(']');
            if is_ipv4(h.as_bytes()) || is_ipv6(h.as_bytes()) {
                add(h);
            }
        }
        for h in msg.headers() {
            if h.is(HeaderName::Authorization) || h.is(HeaderName::WwwAuthenticate) {
                let v = h.value.as_str();
                for key in ["nonce=", "response=", "cnonce="] {
                    if let Some(i) = v.find(key) {
                        let rest = &v[i + key.len()..];
                        let val = rest.trim_start_matches('"');
                        let end = val.find(['"', ',']).unwrap_or(val.len());
                        add(&val[..end]);
                    }
                }
            }
        }
    }
    if level == Level::All {
        if let Some(c) = msg.call_id() {
            add(&c.as_str());
        }
    }
    // Aliases of reserved ranges are identifiers nobody owns.
    out.retain(|s| {
        !(s.starts_with("192.0.2.")
            || s.starts_with("198.51.100.")
            || s.starts_with("203.0.113.")
            || s.to_ascii_lowercase().starts_with("2001:db8:")
            || s.ends_with(".invalid")
            || s.contains("example.")
            || siplens::redact::is_role_name(s)
            || s.starts_with("::")
            || s.starts_with("127.")
            || s == "0.0.0.0"
            || s == "255.255.255.255")
    });
    out
}

/// `id` in `text` as a whole token (`user` is not in `user1`, and
/// `mod_sofia` is not in the product name `FreeSWITCH-mod_sofia`): the
/// redactor's sweep replaces whole tokens only.
fn contains_token(text: &str, id: &str) -> bool {
    let word = |c: Option<char>| {
        c.is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    text.match_indices(id).any(|(i, _)| {
        !word(text[..i].chars().next_back()) && !word(text[i + id.len()..].chars().next())
    })
}

#[test]
fn every_message_keeps_its_diagnosis_and_loses_its_identifiers() {
    let files = inputs();
    assert!(files.len() > 1300, "corpus missing: {} inputs", files.len());
    let mut failures = Vec::new();
    let mut leaks = Vec::new();
    for level in [Level::Identities, Level::Network, Level::All] {
        let opts = RedactOptions::level(level);
        for f in &files {
            let original = std::fs::read(f).unwrap();
            let red = redact_text(&original, &opts);
            let edits = Redactor::new(opts.clone()).edits(&original);
            let (d0, d1) = (decode(&original), decode(&red.output));
            let before = shape_without_findings(&d0);
            let after = shape_without_findings(&d1);
            // Findings may go only where they were about a replaced value
            // (e.g. binary bytes inside a tag).
            let mut lost: Vec<&str> = d0.findings.iter().map(|f| f.id).collect();
            for x in &d1.findings {
                if let Some(i) = lost.iter().position(|id| *id == x.id) {
                    lost.remove(i);
                } else {
                    failures.push(format!(
                        "{} [{}]: new finding {} {}",
                        f.display(),
                        level.name(),
                        x.id,
                        x.message
                    ));
                }
            }
            for id in lost {
                let about_edit = d0.findings.iter().any(|x| {
                    x.id == id
                        && edits
                            .iter()
                            .any(|e| e.span.start < x.span.end && x.span.start < e.span.end)
                });
                if !about_edit {
                    failures.push(format!(
                        "{} [{}]: lost finding {id}",
                        f.display(),
                        level.name()
                    ));
                }
            }
            if before != after {
                failures.push(format!(
                    "{} [{}]\n  before {before}\n  after  {after}",
                    f.display(),
                    level.name()
                ));
            }
            let out = String::from_utf8_lossy(&red.output);
            for id in identifiers(&original, level) {
                if contains_token(&out, &id) {
                    leaks.push(format!("{} [{}]: {id:?}", f.display(), level.name()));
                }
            }
            // Idempotent.
            let again = redact_text(&red.output, &opts);
            if again.output != red.output {
                failures.push(format!(
                    "{} [{}]: not idempotent",
                    f.display(),
                    level.name()
                ));
            }
        }
    }
    let show = |v: &[String]| v.iter().take(15).cloned().collect::<Vec<_>>().join("\n");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        show(&failures)
    );
    assert!(leaks.is_empty(), "{} leaks:\n{}", leaks.len(), show(&leaks));
}

const TRACE: &str = "\
2026-11-21 10:00:01.123 10.20.30.40:5060 -> 10.20.30.1:5060
INVITE tel:+1-212-555-1234 SIP/2.0
Via: SIP/2.0/UDP 10.20.30.40:5060;branch=z9hG4bK776asdhds
From: \"Alice Smith\" <sip:+12125550100@ims.carrier.net>;tag=1928301774
To: <tel:+1-212-555-1234>
Call-ID: a84b4c76e66710@10.20.30.40
CSeq: 314159 INVITE
Contact: <sip:+12125550100@10.20.30.40:5060>;+sip.instance=\"<urn:gsma:imei:35209900-176148-1>\"
P-Access-Network-Info: 3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=001010001000019B
Content-Type: application/sdp
Content-Length: 111

v=0
o=alice 2890844526 2890844526 IN IP4 10.20.30.40
s=-
c=IN IP4 10.20.30.40
t=0 0
m=audio 49170 RTP/AVP 0

2026-11-21 10:00:01.200 10.20.30.1:5060 -> 10.20.30.40:5060
SIP/2.0 486 Busy Here
Via: SIP/2.0/UDP 10.20.30.40:5060;branch=z9hG4bK776asdhds;received=10.20.30.40
From: \"Alice Smith\" <sip:+12125550100@ims.carrier.net>;tag=1928301774
To: <tel:+1-212-555-1234>;tag=a6c85cf
Call-ID: a84b4c76e66710@10.20.30.40
CSeq: 314159 INVITE
Reason: Q.850;cause=17;text=\"User busy\"
Content-Length: 0

";

#[test]
fn aliases_are_stable_across_a_trace_and_content_length_follows() {
    let red = redact_text(TRACE.as_bytes(), &RedactOptions::default());
    let out = String::from_utf8(red.output.clone()).unwrap();
    for original in [
        "10.20.30.40",
        "10.20.30.1",
        "Alice Smith",
        "12125550100",
        "212-555-1234",
        "176148",
        "0001000019B",
        "o=alice",
    ] {
        assert!(!out.contains(original), "{original} left in:\n{out}");
    }
    // Same value, same alias, everywhere (log lines included).
    assert_eq!(out.matches("192.0.2.1").count(), 10, "{out}");
    assert_eq!(out.matches("+9-990-000-0001").count(), 3, "{out}");
    assert_eq!(out.matches("Person1").count(), 2, "{out}");
    // Shapes kept: the E.164 number keeps its separators, the cell keeps MCC/MNC.
    assert!(out.contains("utran-cell-id-3gpp=0010100000000001"), "{out}");
    assert!(out.contains("urn:gsma:imei:35209900-000001-"), "{out}");
    // The network level keeps dialog identifiers and operator hosts.
    assert!(out.contains("a84b4c76e66710@192.0.2.1") && out.contains("ims.carrier.net"));
    // The trace decodes the same way: messages, dialog, outcome.
    let before = siplens::decode_trace_text(TRACE);
    let after = siplens::decode_trace_text(&out);
    assert_eq!(before.messages.len(), after.messages.len());
    assert_eq!(before.dialogs.len(), after.dialogs.len());
    let ids = |t: &siplens::Trace| t.findings.iter().map(|f| f.id).collect::<Vec<_>>();
    assert_eq!(ids(&before), ids(&after));
    for (a, b) in before.messages.iter().zip(&after.messages) {
        assert_eq!(shape(&a.decoded), shape(&b.decoded));
    }
    // The SDP body grew or shrank: Content-Length says so.
    let body_len = out
        .split("Content-Length: ")
        .nth(1)
        .and_then(|s| s.split('\n').next())
        .unwrap()
        .trim()
        .to_owned();
    assert_ne!(body_len, "111", "{out}");
    // Report: counts by kind and the alias map.
    let r = &red.report;
    let kind = |id: &str| r.kinds.iter().find(|k| k.kind == id).unwrap();
    assert_eq!(kind("ipv4").distinct, 2);
    assert_eq!(kind("display-name").replaced, 2);
    assert!(r.aliases.iter().any(|a| a.original == "10.20.30.40"));
    assert_eq!(r.total, r.kinds.iter().map(|k| k.replaced).sum::<usize>());
    // Idempotent on the trace too.
    assert_eq!(
        redact_text(&red.output, &RedactOptions::default()).output,
        red.output
    );
}

#[test]
fn levels_and_options_choose_the_kinds() {
    let text = TRACE.as_bytes();
    let ids = redact_text(text, &RedactOptions::level(Level::Identities));
    let s = String::from_utf8(ids.output).unwrap();
    assert!(s.contains("10.20.30.40") && !s.contains("Alice Smith"));
    let all = redact_text(text, &RedactOptions::level(Level::All));
    let s = String::from_utf8(all.output).unwrap();
    for gone in [
        "a84b4c76e66710",
        "1928301774",
        "776asdhds",
        "ims.carrier.net",
    ] {
        assert!(!s.contains(gone), "{gone} left at level all:\n{s}");
    }
    assert!(s.contains("branch=z9hG4bK"), "{s}");
    let custom = RedactOptions {
        level: Level::Identities,
        include: vec!["host".into()],
        exclude: vec!["display-name".into()],
    };
    let s = String::from_utf8(redact_text(text, &custom).output).unwrap();
    assert!(s.contains("Alice Smith") && !s.contains("ims.carrier.net"));
    assert!(RedactOptions {
        include: vec!["nope".into()],
        ..Default::default()
    }
    .validate()
    .is_err());
}

#[test]
fn one_redactor_keeps_aliases_across_calls() {
    let mut r = Redactor::new(RedactOptions::default());
    let a = r.redact(b"MESSAGE sip:+447700900123@x.test SIP/2.0\r\nContent-Length: 0\r\n\r\n");
    let b = r.redact(b"Call from tel:+447700900123 at 10.9.8.7\n");
    let a = String::from_utf8(a).unwrap();
    let b = String::from_utf8(b).unwrap();
    assert!(
        a.contains("+999000000001") && b.contains("tel:+999000000001"),
        "{a}{b}"
    );
    assert!(b.contains("192.0.2.1"));
    assert_eq!(
        r.alias_ip("10.9.8.7".parse().unwrap()),
        Some("192.0.2.1".parse().unwrap())
    );
    assert_eq!(r.alias_ip("127.0.0.1".parse().unwrap()), None);
}

#[test]
fn ims_registration_secrets_and_ids() {
    let reg = "REGISTER sip:ims.mnc001.mcc001.3gppnetwork.org SIP/2.0\r\n\
Via: SIP/2.0/UDP [2a01:e0a:1::5]:5060;branch=z9hG4bKnashds7\r\n\
From: <sip:001010123456789@ims.mnc001.mcc001.3gppnetwork.org>;tag=4fa3\r\n\
To: <sip:001010123456789@ims.mnc001.mcc001.3gppnetwork.org>\r\n\
Call-ID: apb03a0s09dkjdfglkj49111\r\n\
CSeq: 2 REGISTER\r\n\
Contact: <sip:001010123456789@[2a01:e0a:1::5]:5060>;+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\"\r\n\
Authorization: Digest username=\"001010123456789@ims.mnc001.mcc001.3gppnetwork.org\", realm=\"ims.mnc001.mcc001.3gppnetwork.org\", nonce=\"CjPk9mRqNuT9b4Q3\", uri=\"sip:ims.mnc001.mcc001.3gppnetwork.org\", response=\"6629fae49393a05397450978507c4ef1\", algorithm=AKAv1-MD5, auts=\"AQIDBAUGBwgJCgsMDQ4=\"\r\n\
Security-Verify: ipsec-3gpp;alg=hmac-sha-1-96;spi-c=23456789;spi-s=12345678;port-c=2468;port-s=1357\r\n\
P-Charging-Vector: icid-value=\"AyretyU0dm+6O2IrT5tAFrbHLso=023551024\";orig-ioi=home1.net\r\n\
Content-Length: 0\r\n\r\n";
    let red = redact_text(reg.as_bytes(), &RedactOptions::default());
    let s = String::from_utf8(red.output).unwrap();
    for gone in [
        "0123456789",
        "2a01:e0a:1::5",
        "f81d4fae",
        "CjPk9mRqNuT9b4Q3",
        "6629fae49393a05397450978507c4ef1",
        "AQIDBAUGBwgJCgsMDQ4",
        "23456789",
        "12345678",
        "AyretyU0dm",
    ] {
        assert!(!s.contains(gone), "{gone} left:\n{s}");
    }
    // MCC/MNC kept in the IMSI alias; IPsec ports and the algorithm kept.
    assert!(s.contains("sip:001019999000001@ims.mnc001"), "{s}");
    assert!(s.contains("port-c=2468;port-s=1357") && s.contains("AKAv1-MD5"));
    assert_eq!(shape(&decode(reg.as_bytes())), shape(&decode(s.as_bytes())));
}

#[test]
fn every_capture_as_one_trace_keeps_its_flow() {
    // The messages cut from each capture, pasted one after another.
    let root = common::corpus().join("traces/pcap-extract");
    let mut dirs: Vec<PathBuf> = common::files(&root, &["INDEX.tsv"])
        .into_iter()
        .map(|p| p.parent().unwrap().to_path_buf())
        .collect();
    dirs.dedup();
    assert!(dirs.len() >= 30, "{} capture directories", dirs.len());
    let mut failures = Vec::new();
    for dir in dirs {
        let mut text = Vec::new();
        for f in common::files(&dir, &[".sip"]) {
            text.extend(std::fs::read(f).unwrap());
            text.extend_from_slice(b"\r\n");
        }
        for level in [Level::Network, Level::All] {
            let red = redact_text(&text, &RedactOptions::level(level));
            let (a, b) = (
                siplens::decode_trace_text(&text),
                siplens::decode_trace_text(&red.output),
            );
            let flow = |t: &siplens::Trace| {
                format!(
                    "messages={} transactions={} dialogs={} calls={} findings={:?} shapes={:?}",
                    t.messages.len(),
                    t.transactions.len(),
                    t.dialogs.len(),
                    t.calls.len(),
                    t.findings.iter().map(|f| f.id).collect::<Vec<_>>(),
                    t.messages
                        .iter()
                        .map(|m| shape_without_findings(&m.decoded))
                        .collect::<Vec<_>>()
                )
            };
            if flow(&a) != flow(&b) {
                failures.push(format!("{} [{}]", dir.display(), level.name()));
            }
            // One alias per value across the whole trace: the map is a
            // function and is injective.
            let mut seen = std::collections::HashMap::new();
            for e in &red.report.aliases {
                if let Some(prev) = seen.insert(e.alias.clone(), e.original.clone()) {
                    if prev != e.original {
                        failures.push(format!(
                            "{}: {} and {} share alias {}",
                            dir.display(),
                            prev,
                            e.original,
                            e.alias
                        ));
                    }
                }
            }
            let again = redact_text(&red.output, &RedactOptions::level(level));
            if again.output != red.output {
                failures.push(format!(
                    "{} [{}]: not idempotent",
                    dir.display(),
                    level.name()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Edge cases, one line each: (input, level, must appear, must be gone).
#[test]
fn edge_cases() {
    let cases: &[(&str, Level, &[&str], &[&str])] = &[
        // Unbracketed IPv6 with a port (seen in real traffic).
        (
            "INVITE sip:9901@fec0:0:0:0:216:d3ff:fe0d:22c:5060 SIP/2.0\r\n\r\n",
            Level::Network,
            &["@2001:db8::1:5060"],
            &["fec0"],
        ),
        // Warning agents are hosts (level all); the text stays.
        (
            "SIP/2.0 488 Not Acceptable Here\r\nWarning: 305 mgcf1.operator.net \"Incompatible media format\"\r\n\r\n",
            Level::All,
            &["Warning: 305 host1.invalid \"Incompatible media format\""],
            &["operator.net"],
        ),
        // An unclosed display-name quote still hides the name.
        (
            "OPTIONS sip:x@y.test SIP/2.0\r\nTo: \"Mr. J. User <sip:j.user@example.com>\r\n\r\n",
            Level::Identities,
            &["Person1"],
            &["Mr. J. User"],
        ),
        // A number with a phone-context: the number goes, the context
        // (a network prefix) stays.
        (
            "INVITE sip:5551234;phone-context=+1212@ims.test;user=phone SIP/2.0\r\n\r\n",
            Level::Identities,
            &["sip:9990001;phone-context=+1212@ims.test"],
            &["5551234"],
        ),
        // Log lines: addresses with ports, a number seen before.
        (
            "U 10.1.1.1:5060 -> 10.2.2.2:5060\nMESSAGE tel:+33612345678 SIP/2.0\r\nContent-Length: 0\r\n\r\nnote: +33612345678 called\n",
            Level::Network,
            &["U 192.0.2.1:5060 -> 192.0.2.2:5060", "note: +99900000001 called"],
            &["10.1.1.1", "33612345678"],
        ),
        // A start line the splitter refuses: the whole text is read as one message.
        (
            "OPTIONS sip:t.watson@example.org SIP/7.0\r\nFrom: A. Bell <sip:a.g.bell@example.com>;tag=q\r\n\r\n",
            Level::Identities,
            &["From: Person1 <sip:user2@example.com>"],
            &["A. Bell", "a.g.bell"],
        ),
        // Routing headers: user parts name network elements, kept.
        (
            "INVITE sip:bob@b.test SIP/2.0\r\nRoute: <sip:orig@scscf.b.test;lr>\r\n\r\n",
            Level::Identities,
            &["<sip:orig@scscf.b.test;lr>", "sip:user1@b.test"],
            &["bob"],
        ),
        // SRTP keys in SDP.
        (
            "v=0\r\nm=audio 5004 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32\r\n",
            Level::Network,
            &["inline:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1|2^20|1:32"],
            &["PS1uQCVee"],
        ),
        // Role names are not people.
        (
            "SIP/2.0 504 Server Time-out\r\nP-Asserted-Identity: <sip:orig@scscf1.x.test;lr>\r\nFrom: \"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=1\r\n\r\n",
            Level::Identities,
            &["sip:orig@scscf1", "\"Anonymous\" <sip:anonymous@"],
            &[],
        ),
        // Fuzz regression: an address inside a broken URI host is found on
        // the first pass (else a second pass would change it).
        ("r\nCall-ID:sip:@[1::", Level::All, &["2001:db8::1"], &[]),
        // Fuzz regression: header names are never rewritten (`C` is the
        // compact Content-Type, not an IPv6 address `C::`).
        ("r\nC::,t<", Level::Network, &["C::,t<"], &[]),
        // Fuzz regression: a "display name" over line ends is left whole.
        ("R s SIP/2.0\n1::\n\x0c\n<\n \n1::", Level::All, &[], &[]),
        // Percent-escapes separate values in URI headers (Replaces).
        (
            "REFER sip:b@10.0.0.9 SIP/2.0\r\nRefer-To: <sip:c@x.test?Replaces=abc%4010.0.0.9%3Bto-tag%3D1>\r\n\r\n",
            Level::Network,
            &["Replaces=abc%40192.0.2.1%3Bto-tag"],
            &["10.0.0.9"],
        ),
        // An address seen elsewhere, glued into a branch.
        (
            "OPTIONS sip:b@192.168.1.2 SIP/2.0\r\nVia: SIP/2.0/UDP h.test;branch=z9hG4bKnp1-44ce4a41192.168.1.2\r\n\r\n",
            Level::Network,
            &["branch=z9hG4bKnp1-44ce4a41192.0.2.1"],
            &["192.168.1.2"],
        ),
        // Fuzz regression: an unclosed quote is not part of a value.
        ("S\nAuthorization: username=\"@i;", Level::All, &["username=\"@i;"], &[]),
        // Fuzz regression: an address after a bare `%` is left (an alias
        // there would read as an escape on a second pass).
        ("%2.1.1.2", Level::Network, &["%2.1.1.2"], &[]),
        // Fuzz regression: an address that would make a line look like a
        // header (`2001:db8::1<`) is left as it is.
        ("\x01\n::4<", Level::Network, &["\n::4<"], &[]),
        // Fuzz regression: `::a` opening a line stays (its alias would make
        // the line a header and change the structure).
        ("SIP/2.0 484\n::a\nV:branch=z", Level::All, &["\n::a\n"], &[]),
        // Fuzz regression: punctuation is no identity (`,` as a user part,
        // `@` as a display name: two aliases would glue into one token).
        ("E\nsip:,@<", Level::Identities, &["sip:,@<"], &[]),
        // Fuzz regression: an unquoted display name is tokens only (`5@` is
        // not one).
        ("c\nsip:,5@<", Level::Identities, &[], &[]),
        // Fuzz regression: the sweep looks up words, and `+` opens numbers
        // only (an alias put in a host position would be read as a host).
        ("sip:+4915z112345678\np:+4915z112345678<", Level::All, &["sip:+4915z112345678\n"], &[]),
        // Fuzz regression: an SDP username is visible bytes only.
        (
            "SIP/2.0 487\nContent-Length:43\x0c\n\r\nv=0\r\nv=0\r\no<s\no=<alh=03\x0c\n\r\nv=0\r\no<s\no=<s",
            Level::Identities,
            &["o=<alh=03\x0c"],
            &[],
        ),
        // Fuzz regression: a URI inside a URI's host.
        ("Sip:@sip:::@", Level::All, &["Sip:@host1.invalid:"], &[]),
        // Documentation and special addresses are not identities.
        (
            "c=IN IP4 0.0.0.0\r\nc=IN IP4 192.0.2.5\r\nc=IN IP6 ::1\r\n",
            Level::All,
            &["0.0.0.0", "192.0.2.5", "::1"],
            &[],
        ),
    ];
    for (input, level, keep, gone) in cases {
        let out = redact_text(input.as_bytes(), &RedactOptions::level(*level));
        let s = String::from_utf8_lossy(&out.output);
        for k in *keep {
            assert!(s.contains(k), "{k:?} expected in:\n{s}");
        }
        for g in *gone {
            assert!(!s.contains(g), "{g:?} left in:\n{s}");
        }
        assert_eq!(
            redact_text(&out.output, &RedactOptions::level(*level)).output,
            out.output,
            "not idempotent:\n{s}"
        );
    }
    // Bytes that are not UTF-8 inside a tag get an alias too.
    let msg = b"BYE sip:a@b.test SIP/2.0\r\nFrom: <sip:a@b.test>;tag=ab\xff\xfecd\r\n\r\n";
    let out = redact_text(msg, &RedactOptions::level(Level::All)).output;
    assert!(!out.windows(2).any(|w| w == b"\xff\xfe"));
}
