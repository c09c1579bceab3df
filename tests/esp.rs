//! SIP inside IMS IPsec ESP (issue 16), against an oracle no one here
//! wrote: tshark opens the captures of `tests/fixtures/esp/` (written by
//! `examples/esp_gen.rs`: ESP-NULL, AES-CBC, 3DES-CBC, AES-GCM; IPv4 and
//! IPv6; UDP and TCP; the four SAs of TS 33.203 §7.1) with the same SAs (its
//! `esp_sa` table, `-o esp.enable_encryption_decode:TRUE`) and must find
//! the same SIP messages as siplens: frame, method or status code,
//! Call-ID, CSeq. tshark also checks every ICV. Without tshark those
//! comparisons are skipped, unless `CI` is set, where they fail.
//!
//! The rest needs no tshark: provenance of each decrypted message, keys
//! given by the user, a failed ICV (SL458), packets without an SA (SL459),
//! SAs from the protected REGISTER's Security-Verify when the 401 is not
//! captured, a Security-Verify unlike the Security-Server (SL460), and the
//! streaming decoder with keys.
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::PathBuf;
use std::process::Command;

use siplens::capture::esp::{EspKeys, Sa};
use siplens::trace::{decode_any_keys, decode_capture, Trace};

const CK: &str = "00112233445566778899aabbccddeeff";
const IK: &str = "0f0e0d0c0b0a09080706050403020100";

/// The generator's CK/IK given as keys (what `--ck`/`--ik` give).
fn ck_ik_keys() -> EspKeys {
    let key = |s: &str| siplens::capture::esp::parse_key128(s).unwrap();
    EspKeys {
        sas: Vec::new(),
        ck_ik: Some((key(CK), key(IK))),
    }
}
/// The four SPIs of the fixtures: UE spi-c, spi-s; P-CSCF spi-c, spi-s.
const SPIS: [u32; 4] = [0x1001, 0x1002, 0x2001, 0x2002];

fn fixture(name: &str) -> PathBuf {
    common::root().join(format!("tests/fixtures/esp/{name}.pcap"))
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).expect("fixture (cargo run --example esp_gen)")
}

/// (frame, method or status code, Call-ID, CSeq) of each SIP message.
type Msg = (u64, String, String, String);

fn header(raw: &str, name: &str) -> String {
    raw.lines()
        .find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
        .unwrap_or_default()
}

fn siplens_msgs(t: &Trace) -> Vec<Msg> {
    t.messages
        .iter()
        .map(|m| {
            let first = m.raw.lines().next().unwrap_or_default();
            let what = match first.strip_prefix("SIP/2.0 ") {
                Some(status) => status.split(' ').next().unwrap_or_default().to_owned(),
                None => first.split(' ').next().unwrap_or_default().to_owned(),
            };
            (
                m.frame.unwrap_or(0),
                what,
                header(&m.raw, "Call-ID"),
                header(&m.raw, "CSeq"),
            )
        })
        .collect()
}

/// tshark's SIP messages with `prefs` (`-o` values).
fn tshark_msgs(name: &str, prefs: &[String]) -> (Vec<Msg>, Vec<String>) {
    let mut cmd = Command::new("tshark");
    cmd.arg("-r").arg(fixture(name));
    for p in prefs {
        cmd.arg("-o").arg(p);
    }
    cmd.args(["-Y", "sip", "-T", "fields"]);
    for f in [
        "frame.number",
        "sip.Method",
        "sip.Status-Code",
        "sip.Call-ID",
        "sip.CSeq",
        "esp.icv_good",
    ] {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().expect("run tshark");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut msgs = Vec::new();
    let mut icv = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let get = |i: usize| f.get(i).copied().unwrap_or_default().to_owned();
        let what = if get(1).is_empty() { get(2) } else { get(1) };
        msgs.push((get(0).parse().unwrap_or(0), what, get(3), get(4)));
        icv.push(get(5));
    }
    (msgs, icv)
}

/// tshark's `esp_sa` rows for the fixtures' four SAs.
fn uat(v6: bool, ealg: &str, alg: &str) -> Vec<String> {
    let (enc, ekey) = match ealg {
        "null" => ("NULL", String::new()),
        "aes-cbc" => ("AES-CBC [RFC3602]", format!("0x{CK}")),
        _ => ("TripleDES-CBC [RFC2451]", format!("0x{CK}{}", &CK[..16])),
    };
    let (auth, akey) = match alg {
        "hmac-md5-96" => ("HMAC-MD5-96 [RFC2403]", format!("0x{IK}")),
        _ => ("HMAC-SHA-1-96 [RFC2404]", format!("0x{IK}00000000")),
    };
    let proto = if v6 { "IPv6" } else { "IPv4" };
    let mut prefs = vec![
        "esp.enable_encryption_decode:TRUE".to_owned(),
        "esp.enable_authentication_check:TRUE".to_owned(),
    ];
    for spi in SPIS {
        prefs.push(format!(
            "uat:esp_sa:\"{proto}\",\"*\",\"*\",\"{spi:#010x}\",\"{enc}\",\"{ekey}\",\"{auth}\",\"{akey}\""
        ));
    }
    prefs
}

/// (fixture, IPv6, ealg, alg, messages).
const NEGOTIATED: &[(&str, bool, &str, &str, usize)] = &[
    ("esp_null_ipv4_udp", false, "null", "hmac-sha-1-96", 9),
    ("esp_null_ipv6_tcp", true, "null", "hmac-md5-96", 9),
    ("esp_aes_ipv4_udp", false, "aes-cbc", "hmac-sha-1-96", 9),
    ("esp_aes_ipv6_tcp", true, "aes-cbc", "hmac-sha-1-96", 9),
    ("esp_3des_ipv4_tcp", false, "des-ede3-cbc", "hmac-md5-96", 9),
    (
        "esp_3des_ipv6_udp",
        true,
        "des-ede3-cbc",
        "hmac-sha-1-96",
        9,
    ),
    // UDP-encapsulated on port 4500, tunnel mode (RFC 3948).
    (
        "esp_aes_ipv4_udp_natt",
        false,
        "aes-cbc",
        "hmac-sha-1-96",
        9,
    ),
];

#[test]
fn sas_negotiated_in_the_capture_open_every_protected_message() {
    for &(name, _, ealg, alg, n) in NEGOTIATED {
        let t = decode_capture(&read(name));
        assert!(
            t.capture_findings.is_empty(),
            "{name}: {:?}",
            t.capture_findings
        );
        assert_eq!(t.messages.len(), n, "{name}");
        // The REGISTER, the S-CSCF's 401 (ck/ik, frame 2) and the P-CSCF's
        // 401 (Security-Server, frame 3) are in the clear.
        for m in &t.messages[..3] {
            assert!(m.esp.is_none(), "{name}: {}", m.label);
        }
        let mut spis = std::collections::BTreeSet::new();
        for m in &t.messages[3..] {
            let e = m
                .esp
                .as_ref()
                .unwrap_or_else(|| panic!("{name}: {} in clear", m.label));
            assert_eq!(
                (e.ealg, e.alg, e.verified),
                (ealg, Some(alg), true),
                "{name}"
            );
            assert_eq!(
                (e.source, e.sec_frame, e.key_frame),
                ("negotiated", Some(3), Some(2))
            );
            spis.insert(e.spi.clone());
        }
        // Both directions of both SA pairs.
        assert_eq!(spis.len(), 4, "{name}: {spis:?}");
        // The JSON carries it; clear messages have no `esp` key.
        let json = serde_json::to_value(&t).unwrap();
        assert!(json["messages"][0].get("esp").is_none());
        assert_eq!(json["messages"][3]["esp"]["source"], "negotiated");
        assert_eq!(json["messages"][3]["esp"]["keyFrame"], 2);
    }
}

#[test]
fn tshark_finds_the_same_sip_messages_with_the_same_sas() {
    if !common::tshark() {
        return;
    }
    for &(name, v6, ealg, alg, _) in NEGOTIATED {
        let ours = siplens_msgs(&decode_capture(&read(name)));
        let (theirs, icv) = tshark_msgs(name, &uat(v6, ealg, alg));
        assert_eq!(ours, theirs, "{name}");
        // tshark checked every ICV of the protected messages.
        assert!(icv[3..].iter().all(|v| v == "1"), "{name}: {icv:?}");
    }
}

#[test]
fn esp_null_without_negotiation_is_found_by_its_content() {
    let name = "esp_null_ipv4_udp_heuristic";
    let t = decode_capture(&read(name));
    assert!(t.capture_findings.is_empty(), "{:?}", t.capture_findings);
    assert_eq!(t.messages.len(), 6);
    // The protected REGISTER is found by its content; its Security-Client
    // and Security-Verify then give the four SAs (ports and SPIs), which
    // read the rest (still unchecked: no IK).
    let e = t.messages[0].esp.as_ref().expect("esp");
    assert_eq!((e.source, e.verified, e.alg), ("heuristic", false, None));
    for m in &t.messages[1..] {
        let e = m.esp.as_ref().expect("esp");
        assert_eq!(
            (e.source, e.verified, e.alg, e.sec_frame),
            ("verify", false, None, Some(1)),
            "{}",
            m.label
        );
    }
    if common::tshark() {
        let (theirs, _) = tshark_msgs(
            name,
            &["esp.enable_null_encryption_decode_heuristic:TRUE".to_owned()],
        );
        assert_eq!(siplens_msgs(&t), theirs);
    }
}

#[test]
fn keys_given_by_the_user_open_what_the_capture_has_no_keys_for() {
    let bytes = read("esp_aes_ipv4_udp_nokeys");
    // No ck/ik in the capture: negotiated SAs without keys, counted.
    let t = decode_capture(&bytes);
    assert_eq!(t.messages.len(), 2);
    assert_eq!(t.capture_findings.len(), 1, "{:?}", t.capture_findings);
    let f = &t.capture_findings[0];
    assert_eq!(f.id, "SL459");
    assert!(f.message.starts_with("6 ESP packet(s)"), "{}", f.message);
    assert!(f.message.contains("encryption key not"), "{}", f.message);
    // CK/IK applied to the SAs the capture negotiated.
    let keys = ck_ik_keys();
    let t = decode_any_keys(&bytes, &keys);
    assert!(t.capture_findings.is_empty(), "{:?}", t.capture_findings);
    assert_eq!(t.messages.len(), 8);
    let e = t.messages[7].esp.as_ref().unwrap();
    assert_eq!(
        (e.source, e.key_frame, e.verified),
        ("negotiated", None, true)
    );
    // Whole SAs given (ESP keys already expanded), as `--esp-sa` does.
    let sas: Vec<Sa> = SPIS
        .iter()
        .map(|spi| {
            format!("spi={spi:#x},enc=aes-cbc:{CK},auth=hmac-sha-1-96:{IK}00000000")
                .parse()
                .unwrap()
        })
        .collect();
    let keys = EspKeys { sas, ck_ik: None };
    let t = decode_any_keys(&bytes, &keys);
    assert!(t.capture_findings.is_empty(), "{:?}", t.capture_findings);
    assert_eq!(t.messages.len(), 8);
    assert_eq!(t.messages[7].esp.as_ref().unwrap().source, "user");
}

#[test]
fn a_failed_icv_is_a_finding_not_a_silent_drop() {
    let mut bytes = read("esp_aes_ipv4_udp");
    // The last byte of the file is the last byte of the last frame's ICV.
    let n = bytes.len();
    bytes[n - 1] ^= 0x55;
    let t = decode_capture(&bytes);
    assert_eq!(t.messages.len(), 8);
    assert_eq!(t.capture_findings.len(), 1, "{:?}", t.capture_findings);
    let f = &t.capture_findings[0];
    assert_eq!((f.id, f.frame), ("SL458", Some(9)));
    assert!(
        f.message.contains("1 ESP packet(s) of SPI 0x00002001"),
        "{}",
        f.message
    );
    // Never silently: the same with a key given wrong by the user.
    let wrong: Sa = format!(
        "spi=0x2001,enc=aes-cbc:{CK},auth=hmac-sha-1-96:{}",
        "11".repeat(20)
    )
    .parse()
    .unwrap();
    let bytes = read("esp_aes_ipv4_udp_nokeys");
    let t = decode_any_keys(
        &bytes,
        &EspKeys {
            sas: vec![wrong],
            ck_ik: None,
        },
    );
    assert!(
        t.capture_findings.iter().any(|f| f.id == "SL458"),
        "{:?}",
        t.capture_findings
    );
}

#[test]
fn truncated_and_altered_esp_never_panics() {
    for &(name, ..) in NEGOTIATED {
        let bytes = read(name);
        for cut in (24..bytes.len()).step_by(37) {
            let _ = decode_capture(&bytes[..cut]);
        }
        for at in (24..bytes.len()).step_by(53) {
            let mut b = bytes.clone();
            b[at] ^= 0xff;
            let _ = decode_capture(&b);
        }
    }
}

#[test]
fn redaction_treats_ck_and_ik_as_secrets() {
    let opts = siplens::redact::RedactOptions::default();
    for name in ["esp_aes_ipv4_udp", "esp_null_ipv4_udp"] {
        let r = siplens::redact::capture::redact_capture(&read(name), &opts);
        let text = String::from_utf8_lossy(&r.output);
        for key in [CK, IK] {
            assert!(!text.contains(key), "{name}: a key survived redaction");
        }
        // Without the keys nothing protected can be read any more, and the
        // redacted capture says so instead of dropping it silently.
        let t = decode_capture(&r.output);
        assert!(
            t.messages.iter().all(|m| m.esp.is_none()),
            "{name}: {:?}",
            r.notes
        );
        // The ESP packets (ESP-NULL ones hold SIP in the clear) are not
        // written: redaction does not rewrite inside ESP.
        assert_eq!(r.packets.esp_dropped, 6, "{name}: {:?}", r.packets);
        assert_eq!(r.packets.non_sip_dropped, 0, "{name}: {:?}", r.packets);
    }
}

#[test]
fn cli_takes_the_keys_and_shows_where_each_message_came_from() {
    let f = fixture("esp_aes_ipv4_udp_nokeys");
    let f = f.to_str().unwrap();
    let out = common::siplens(
        &["--width", "300", "trace", f, "--ck", CK, "--ik", IK],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("8 SIP messages"), "{text}");
    assert!(text.contains("IPsec ESP:\n  ESP 0x00002002 aes-cbc/hmac-sha-1-96 ✓ (SA negotiated in frame 2, keys given): 2 messages\n    10.0.0.1 → 10.0.0.2:5064: 2 packets, numbered 1 to 2\n"), "{text}");
    assert!(
        text.contains("\n    10.0.0.2 → 10.0.0.1:31900: 1 packet, numbered 1\n"),
        "{text}"
    );
    assert!(text.contains("|--INVITE [offer] [esp]"), "{text}");
    assert!(!text.contains(CK) && !text.contains(IK));
    // The JSON and NDJSON carry the provenance, never the keys.
    for mode in ["--json", "--ndjson"] {
        let out = common::siplens(&["trace", mode, f, "--ck", CK, "--ik", IK], None);
        let text = String::from_utf8_lossy(&out.stdout).replace(' ', "");
        assert!(
            text.contains("\"source\":") && text.contains("\"verified\":true"),
            "{mode}"
        );
        assert!(!text.contains(CK) && !text.contains(IK), "{mode}");
    }
    // --esp-sa, repeatable.
    let sas: Vec<String> = SPIS
        .iter()
        .map(|spi| format!("spi={spi:#x},enc=aes-cbc:{CK},auth=hmac-sha-1-96:{IK}00000000"))
        .collect();
    let mut args = vec!["--width", "300", "trace", "--summary", f];
    for s in &sas {
        args.extend(["--esp-sa", s.as_str()]);
    }
    let out = common::siplens(&args, None);
    assert!(String::from_utf8_lossy(&out.stdout).contains("(SA given): 2 messages"));
    // Keys that do not read are refused by the argument parser (exit 2).
    for bad in [
        &["trace", f, "--esp-sa", "spi=1,enc=aes-cbc:00"][..],
        &["trace", f, "--ck", CK][..],
        &["trace", f, "--ck", "xyz", "--ik", IK][..],
    ] {
        assert_eq!(common::siplens(bad, None).status.code(), Some(2), "{bad:?}");
    }
}

/// `--keep-non-sip` keeps RTP, DNS… with addresses aliased, but never ESP:
/// under ESP-NULL the SIP inside is in the clear and redaction cannot
/// rewrite it (it would leak every identifier), so ESP is dropped and
/// counted either way — IP protocol 50 and UDP-encapsulated ESP on 4500.
#[test]
fn redaction_drops_esp_even_when_keeping_non_sip() {
    use siplens::redact::capture::{redact_capture_with, CaptureOptions, NonSipPackets};
    let opts = siplens::redact::RedactOptions::default();
    let keep = CaptureOptions {
        non_sip: NonSipPackets::Keep,
    };
    for name in [
        "esp_null_ipv4_udp",
        "esp_null_ipv6_tcp",
        "esp_null_ipv4_udp_heuristic",
    ] {
        let input = read(name);
        // The INVITE travels only inside ESP in these captures.
        let before = String::from_utf8_lossy(&input)
            .matches("INVITE sip:")
            .count();
        assert!(before > 0, "{name}: the fixture holds SIP in the clear");
        let r = redact_capture_with(&input, &opts, keep);
        let text = String::from_utf8_lossy(&r.output);
        assert_eq!(
            text.matches("INVITE sip:").count(),
            0,
            "{name}: SIP inside ESP-NULL survived redaction"
        );
        assert!(r.packets.esp_dropped > 0, "{name}: {:?}", r.packets);
    }
    // UDP-encapsulated ESP (RFC 3948, port 4500) too.
    let r = redact_capture_with(&read("esp_aes_ipv4_udp_natt"), &opts, keep);
    assert!(r.packets.esp_dropped > 0, "{:?}", r.packets);
}

/// A capture that starts after the 401 (no Security-Server, no ck/ik): with
/// the CK/IK given, the first packet's SA is found by trying them (the ICV
/// decides the algorithms), and the protected REGISTER's Security-Client
/// and Security-Verify give the other SAs; tshark agrees with the SAs given
/// whole.
#[test]
fn security_verify_gives_the_sas_when_the_401_is_not_captured() {
    let name = "esp_aes_ipv4_udp_late";
    let bytes = read(name);
    let t = decode_capture(&bytes);
    assert!(t.messages.is_empty());
    assert!(t.capture_findings.iter().any(|f| f.id == "SL459"));
    let keys = ck_ik_keys();
    let t = decode_any_keys(&bytes, &keys);
    assert!(t.capture_findings.is_empty(), "{:?}", t.capture_findings);
    assert_eq!(t.messages.len(), 6);
    let e = t.messages[0].esp.as_ref().unwrap();
    assert_eq!(
        (e.source, e.ealg, e.alg, e.verified),
        ("tried", "aes-cbc", Some("hmac-sha-1-96"), true)
    );
    assert!(
        e.describe().contains("CK/IK given tried"),
        "{}",
        e.describe()
    );
    for m in &t.messages[1..] {
        let e = m.esp.as_ref().unwrap();
        assert_eq!(
            (e.source, e.sec_frame, e.verified),
            ("verify", Some(1), true),
            "{}",
            m.label
        );
    }
    if common::tshark() {
        let (theirs, icv) = tshark_msgs(name, &uat(false, "aes-cbc", "hmac-sha-1-96"));
        assert_eq!(siplens_msgs(&t), theirs);
        assert!(icv.iter().all(|v| v == "1"), "{icv:?}");
    }
}

/// The protected REGISTER's Security-Verify must repeat the Security-Server
/// of the 401 (RFC 3329 §2.3.1): here one SPI differs, which is SL460; the
/// SAs stay those of the Security-Server.
#[test]
fn a_security_verify_unlike_the_security_server_is_a_finding() {
    let t = decode_capture(&read("esp_null_ipv4_udp_verify_mismatch"));
    assert_eq!(t.messages.len(), 9);
    let ids: Vec<&str> = t.capture_findings.iter().map(|f| f.id).collect();
    assert_eq!(ids, ["SL460"], "{:?}", t.capture_findings);
    let f = &t.capture_findings[0];
    assert_eq!(f.frame, Some(4));
    assert!(f.message.contains("frame 3"), "{}", f.message);
    assert!(f.message.contains("spi-c=8194"), "{}", f.message);
    for m in &t.messages[3..] {
        let e = m.esp.as_ref().unwrap();
        assert_eq!(
            (e.source, e.sec_frame, e.verified),
            ("negotiated", Some(3), true)
        );
    }
    if common::tshark() {
        let (theirs, icv) = tshark_msgs(
            "esp_null_ipv4_udp_verify_mismatch",
            &uat(false, "null", "hmac-sha-1-96"),
        );
        assert_eq!(siplens_msgs(&t), theirs);
        assert!(icv[3..].iter().all(|v| v == "1"), "{icv:?}");
    }
    // No mismatch where the two agree.
    let t = decode_capture(&read("esp_null_ipv4_udp"));
    assert!(t.capture_findings.is_empty());
}

/// AES-GCM with a 16-byte ICV (RFC 4106), the SAs given whole (AES key then
/// salt): the same SIP messages as tshark with the same SAs, every ICV
/// checked by both.
#[test]
fn aes_gcm_sas_given_by_the_user_open_like_tshark() {
    let name = "esp_aesgcm_ipv6_tcp";
    let key = format!("{CK}cafebabe");
    let bytes = read(name);
    // Without the SAs: nothing read, every packet counted.
    let t = decode_capture(&bytes);
    assert!(t.messages.is_empty());
    assert_eq!(t.capture_findings[0].id, "SL459");
    let sas: Vec<Sa> = SPIS
        .iter()
        .map(|spi| {
            format!("spi={spi:#x},enc=aes-gcm-16:{key}")
                .parse()
                .unwrap()
        })
        .collect();
    let t = decode_any_keys(&bytes, &EspKeys { sas, ck_ik: None });
    assert!(t.capture_findings.is_empty(), "{:?}", t.capture_findings);
    assert_eq!(t.messages.len(), 6);
    for m in &t.messages {
        let e = m.esp.as_ref().unwrap();
        assert_eq!(
            (e.ealg, e.alg, e.verified, e.source),
            ("aes-gcm-16", None, true, "user")
        );
        assert!(e.label().ends_with("aes-gcm-16 ✓"), "{}", e.label());
    }
    // A wrong salt fails every ICV (SL458), never silently.
    let sas: Vec<Sa> = SPIS
        .iter()
        .map(|spi| {
            format!("spi={spi:#x},enc=aes-gcm-16:{CK}cafebabf")
                .parse()
                .unwrap()
        })
        .collect();
    let bad = decode_any_keys(&bytes, &EspKeys { sas, ck_ik: None });
    assert!(bad.messages.is_empty());
    let ids: Vec<&str> = bad.capture_findings.iter().map(|f| f.id).collect();
    assert_eq!(
        ids,
        ["SL458", "SL458", "SL458", "SL458", "SL455"],
        "{:?}",
        bad.capture_findings
    );
    if common::tshark() {
        let mut prefs = vec![
            "esp.enable_encryption_decode:TRUE".to_owned(),
            "esp.enable_authentication_check:TRUE".to_owned(),
        ];
        for spi in SPIS {
            prefs.push(format!(
                "uat:esp_sa:\"IPv6\",\"*\",\"*\",\"{spi:#010x}\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x{key}\",\"NULL\",\"\""
            ));
        }
        let (theirs, icv) = tshark_msgs(name, &prefs);
        assert_eq!(siplens_msgs(&t), theirs);
        assert!(icv.iter().all(|v| v == "1"), "{icv:?}");
    }
}

/// The streaming decoder takes the same keys: a capture fed in cuts of 1, 7
/// and 4096 bytes gives the trace `decode_any_keys` gives of the whole, for
/// SAs negotiated in the capture, CK/IK given, SAs given whole (AES-GCM)
/// and the Security-Verify / tried case.
#[test]
fn the_streaming_decoder_takes_the_keys_too() {
    use siplens::trace::incremental::decode_chunks_keys;
    let ck_ik = ck_ik_keys();
    let gcm = EspKeys {
        sas: SPIS
            .iter()
            .map(|spi| {
                format!("spi={spi:#x},enc=aes-gcm-16:{CK}cafebabe")
                    .parse()
                    .unwrap()
            })
            .collect(),
        ck_ik: None,
    };
    let cases = [
        ("esp_aes_ipv6_tcp", EspKeys::default(), 9),
        ("esp_aes_ipv4_udp_nokeys", ck_ik.clone(), 8),
        ("esp_aes_ipv4_udp_late", ck_ik, 6),
        ("esp_aesgcm_ipv6_tcp", gcm, 6),
    ];
    for (name, keys, n) in cases {
        let bytes = read(name);
        let whole = decode_any_keys(&bytes, &keys);
        assert_eq!(whole.messages.len(), n, "{name}");
        let whole = serde_json::to_string(&whole).unwrap();
        for size in [1, 7, 4096] {
            let chunks: Vec<&[u8]> = bytes.chunks(size).collect();
            let t = decode_chunks_keys(chunks, &keys);
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                whole,
                "{name} in cuts of {size}"
            );
        }
    }
}

/// RFC 4303 §3.3.3: the UE's INVITE was sealed (SA 0x2002's number 2 spent)
/// but not captured; the CANCEL after it on the same SA carries 3. siplens
/// reports the gap (SL462) where tshark's ESP sequence analysis flags the
/// wrong sequence number: the same frame, the same count missing.
#[test]
fn a_packet_lost_before_the_capture_is_a_sequence_gap() {
    let name = "esp_aes_ipv4_udp_lost";
    let t = decode_capture(&read(name));
    assert_eq!(t.messages.len(), 9);
    assert!(
        t.messages.iter().all(|m| m.label != "INVITE"),
        "the INVITE is not in the capture"
    );
    let gaps: Vec<_> = t
        .capture_findings
        .iter()
        .filter(|f| f.id == "SL462")
        .collect();
    assert_eq!(gaps.len(), 1, "{:?}", t.capture_findings);
    assert!(
        gaps[0].message.starts_with(
            "1 sequence number(s) of SPI 0x00002002 (10.0.0.1 → 10.0.0.2) never arrived"
        ),
        "{}",
        gaps[0].message
    );
    assert_eq!(gaps[0].frame, Some(9), "{:?}", gaps[0]);
    // The SA list says the same of that SA, and nothing missing elsewhere.
    let sa = |spi: &str| t.esp_sas.iter().find(|s| s.spi == spi).expect(spi);
    let lost = sa("0x00002002");
    assert_eq!(
        (lost.packets, lost.first_seq, lost.last_seq, lost.missing),
        (2, 1, 3, 1),
        "{lost:?}"
    );
    assert_eq!(
        (lost.src.as_str(), lost.dst.as_str()),
        ("10.0.0.1", "10.0.0.2")
    );
    assert!(lost
        .sa
        .starts_with("ESP 0x00002002 aes-cbc/hmac-sha-1-96 ✓"));
    assert_eq!(t.esp_sas.iter().map(|s| s.missing).sum::<u64>(), 1);
    // The clean captures have no gap.
    for &(clean, ..) in NEGOTIATED {
        let t = decode_capture(&read(clean));
        assert!(
            t.capture_findings.iter().all(|f| f.id != "SL462"),
            "{clean}"
        );
    }
    if !common::tshark() {
        return;
    }
    let out = Command::new("tshark")
        .arg("-r")
        .arg(fixture(name))
        .args(["-o", "esp.do_esp_sequence_analysis:TRUE", "-T", "fields"])
        .args(["-e", "frame.number", "-e", "esp.spi", "-e", "esp.sequence"])
        .args(["-e", "esp.sequence-analysis.expected-sn"])
        .output()
        .expect("run tshark");
    assert!(out.status.success());
    // (frame, SPI, numbers missing) of each packet tshark flags.
    let flagged: Vec<(u64, String, u64)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let n = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok());
            let (frame, seq, expected) = (n(0)?, n(2)?, n(3)?);
            Some((frame, f[1].to_owned(), seq - expected))
        })
        .collect();
    assert_eq!(flagged, [(9, "0x00002002".to_owned(), 1)]);
    // Per SPI, tshark's packets and sequence numbers against the SA list:
    // (SPI, packets, first, highest).
    let mut per_spi: Vec<(String, u64, u32, u32)> = Vec::new();
    for l in String::from_utf8_lossy(&out.stdout).lines() {
        let f: Vec<&str> = l.split('\t').collect();
        let (Some(spi), Some(seq)) = (f.get(1), f.get(2).and_then(|v| v.parse::<u32>().ok()))
        else {
            continue;
        };
        match per_spi.iter_mut().find(|e| e.0 == *spi) {
            Some(e) => (e.1, e.3) = (e.1 + 1, e.3.max(seq)),
            None => per_spi.push((spi.to_string(), 1, seq, seq)),
        }
    }
    let mut ours: Vec<(String, u64, u32, u32)> = t
        .esp_sas
        .iter()
        .map(|s| (s.spi.clone(), s.packets, s.first_seq, s.last_seq))
        .collect();
    per_spi.sort();
    ours.sort();
    assert_eq!(ours, per_spi);
}
