//! Input triage on what users paste: Wireshark / tshark packet-details
//! copies and hex dumps (tshark -x, xxd, od, hex streams) made from a shared
//! capture, read back to the SIP that the capture itself holds.
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use proptest::prelude::*;
use siplens::triage::{triage, InputKind};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(common::root().join("tests/fixtures/triage").join(name)).unwrap()
}

/// The SIP messages of the capture the fixtures were made from
/// (`tshark -r SIP-Call-with-Proxy-Server.pcap`), frames 1–5.
fn capture_messages() -> Vec<siplens::trace::RawMessage> {
    let pcap = common::corpus().join("pcap/goffinet-sip_captures/SIP-Call-with-Proxy-Server.pcap");
    let bytes = std::fs::read(pcap).unwrap();
    siplens::trace::capture::read_capture(&bytes).messages
}

fn split(bytes: &[u8]) -> Vec<siplens::trace::RawMessage> {
    siplens::trace::text::split_text(bytes)
}

#[test]
fn wireshark_details_of_an_invite_give_back_the_message() {
    let t = triage(&fixture("wireshark-invite-details.txt"));
    assert_eq!(t.kind, InputKind::WiresharkDetails, "{}", t.note);
    assert_eq!(t.messages, 1);
    assert!(t.note.contains("Wireshark"), "{}", t.note);
    let got = split(t.extracted.as_deref().unwrap());
    assert_eq!(got.len(), 1);
    let want = &capture_messages()[0];
    // Byte for byte the message of the capture: start line, headers in
    // order, the SDP rebuilt from its fields.
    assert_eq!(
        String::from_utf8_lossy(&got[0].bytes),
        String::from_utf8_lossy(&want.bytes)
    );
    assert_eq!(got[0].src.as_deref(), Some("10.33.6.101:5060"));
    assert_eq!(got[0].dst.as_deref(), Some("10.33.6.102:5080"));
    // And it decodes without a Content-Length complaint.
    let d = siplens::decode(&got[0].bytes);
    assert!(
        d.findings
            .iter()
            .all(|f| !f.slug.contains("content-length")),
        "{:?}",
        d.findings
    );
}

#[test]
fn wireshark_details_of_five_frames_give_a_trace() {
    let t = triage(&fixture("wireshark-5-frames-details.txt"));
    assert_eq!(t.kind, InputKind::WiresharkDetails);
    assert_eq!(t.messages, 5);
    let got = split(t.extracted.as_deref().unwrap());
    let want = capture_messages();
    assert_eq!(got.len(), 5);
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g.bytes, w.bytes);
        assert_eq!(g.src, w.src);
        assert_eq!(g.dst, w.dst);
    }
}

#[test]
fn hex_dumps_of_a_frame_give_back_its_sip_payload() {
    let want = &capture_messages()[1];
    assert!(want.bytes.starts_with(b"SIP/2.0 100 Trying"));
    for name in [
        "tshark-x-100-trying.txt",
        "xxd-100-trying.txt",
        "od-100-trying.txt",
        "hex-stream-100-trying.txt",
    ] {
        let t = triage(&fixture(name));
        assert_eq!(t.kind, InputKind::HexDump, "{name}: {}", t.note);
        assert!(t.is_usable(), "{name}: {}", t.note);
        assert_eq!(t.messages, 1, "{name}");
        let got = split(t.extracted.as_deref().unwrap());
        assert_eq!(got.len(), 1, "{name}");
        assert_eq!(got[0].bytes, want.bytes, "{name}");
        assert_eq!(got[0].src, want.src, "{name}");
        assert_eq!(got[0].dst, want.dst, "{name}");
        assert!(t.note.contains("Ethernet"), "{name}: {}", t.note);
    }
}

#[test]
fn a_tshark_hex_dump_of_five_frames_gives_five_messages() {
    let t = triage(&fixture("tshark-x-5-frames.txt"));
    assert_eq!(t.kind, InputKind::HexDump, "{}", t.note);
    assert_eq!(t.messages, 5, "{}", t.note);
    let got = split(t.extracted.as_deref().unwrap());
    let want = capture_messages();
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g.bytes, w.bytes);
    }
}

#[test]
fn captures_messages_traces_and_junk() {
    let pcap = std::fs::read(common::corpus().join("pcap/heplify/sip_sctp.pcap")).unwrap();
    assert_eq!(triage(&pcap).kind, InputKind::Capture);
    let trace = std::fs::read(common::root().join("tests/fixtures/traces/sngrep.txt")).unwrap();
    let t = triage(&trace);
    assert_eq!((t.kind, t.messages), (InputKind::SipTrace, 7));
    let msg = std::fs::read(common::root().join("tests/fixtures/basic/200-ok-invite.sip")).unwrap();
    assert_eq!(triage(&msg).kind, InputKind::SipMessage);
    assert_eq!(triage(b"hello world").kind, InputKind::NotSip);
    // Random bytes (a fixed xorshift sequence) are binary, not text.
    let mut x: u32 = 0x1234_5678;
    let noise: Vec<u8> = (0..512)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    assert_eq!(triage(&noise).kind, InputKind::Binary);
    // A hex dump with no SIP in it says so and has nothing to decode.
    let t = triage(b"0000  de ad be ef 00 11 22 33\n0008  44 55\n");
    assert_eq!(t.kind, InputKind::HexDump);
    assert!(!t.is_usable());
    assert!(t.note.contains("without a SIP message"), "{}", t.note);
}

#[test]
fn json_shape() {
    let v = serde_json::to_value(triage(b"hello world")).unwrap();
    assert_eq!(v["kind"], "notSip");
    assert!(v["extracted"].is_null());
    let v = serde_json::to_value(triage(&fixture("hex-stream-100-trying.txt"))).unwrap();
    assert_eq!(v["kind"], "hexDump");
    assert!(v["extracted"]
        .as_str()
        .unwrap()
        .contains("SIP/2.0 100 Trying"));
}

#[test]
fn an_xxd_dump_of_a_pcap_file_gives_its_sip() {
    let pcap = common::corpus().join("pcap/heplify/sip_sctp.pcap");
    let bytes = std::fs::read(pcap).unwrap();
    let dump: String = bytes
        .chunks(16)
        .enumerate()
        .map(|(i, c)| {
            let hex: Vec<String> = c
                .chunks(2)
                .map(|w| w.iter().map(|b| format!("{b:02x}")).collect())
                .collect();
            format!("{:08x}: {}\n", i * 16, hex.join(" "))
        })
        .collect();
    let t = triage(dump.as_bytes());
    assert_eq!(t.kind, InputKind::HexDump, "{}", t.note);
    assert!(t.note.contains("pcap capture file"), "{}", t.note);
    let want = siplens::trace::capture::read_capture(&bytes).messages;
    let got = split(t.extracted.as_deref().unwrap());
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        // A message that does not end with a line end (this one ends with
        // its closing multipart boundary) gets CRLF before the next
        // address line, which the splitter keeps with it.
        let mut want = w.bytes.clone();
        if !want.ends_with(b"\n") {
            want.extend_from_slice(b"\r\n");
        }
        assert!(g.bytes == want, "{} vs {}", g.bytes.len(), want.len());
        assert_eq!((&g.src, &g.dst), (&w.src, &w.dst));
    }
}

#[test]
fn packet_details_without_a_sip_layer_are_not_sip() {
    // What tshark -V prints for SIP over TCP port 6060, which it does not
    // dissect as SIP.
    let copy = "Frame 1: 1090 bytes on wire (8720 bits), 1090 bytes captured (8720 bits)
Ethernet II, Src: VMware_9f:b5:9b (00:50:56:9f:b5:9b), Dst: All-HSRP-routers_7e (00:00:0c:07:ac:7e)
Internet Protocol Version 4, Src: 10.186.207.1, Dst: 10.186.205.131
Transmission Control Protocol, Src Port: 37398, Dst Port: 6060, Seq: 1, Ack: 1, Len: 1024
";
    let t = triage(copy.as_bytes());
    assert_eq!(t.kind, InputKind::NotSip);
    assert!(t.note.contains("without a SIP layer"), "{}", t.note);
}

#[test]
fn a_copy_indented_with_tabs_reads_the_same() {
    let spaces = fixture("wireshark-invite-details.txt");
    let tabs: String = String::from_utf8(spaces.clone())
        .unwrap()
        .lines()
        .map(|l| {
            let body = l.trim_start_matches(' ');
            format!("{}{body}\n", "\t".repeat((l.len() - body.len()) / 4))
        })
        .collect();
    let (a, b) = (triage(&spaces), triage(tabs.as_bytes()));
    assert_eq!(b.kind, InputKind::WiresharkDetails);
    assert_eq!(a.extracted, b.extracted);
}

/// Pieces of Wireshark copies, hex dumps and SIP that the generated inputs
/// are made of.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Session Initiation Protocol (INVITE)\n".to_owned()),
        Just("    Request-Line: INVITE sip:a@b SIP/2.0\n".to_owned()),
        Just("    Status-Line: SIP/2.0 200 OK\n".to_owned()),
        Just("    Message Header\n".to_owned()),
        Just("        Via: SIP/2.0/UDP h;branch=z9hG4bK1\n".to_owned()),
        Just("    Message Body\n".to_owned()),
        Just("        Session Description Protocol\n".to_owned()),
        Just("            Connection Information (c): IN IP4 1.2.3.4\n".to_owned()),
        Just("Internet Protocol Version 6, Src: ::1, Dst: ::2\n".to_owned()),
        Just("User Datagram Protocol, Src Port: 5060, Dst Port: 5060\n".to_owned()),
        Just("INVITE sip:a@b SIP/2.0\r\nContent-Length: 4\r\n\r\n".to_owned()),
        Just("Reassembled TCP (12 bytes):\n".to_owned()),
        "[0-9a-f]{4}[: ]{1,3}([0-9a-f]{2,4} ){0,17}[ ]{0,5}[ -~]{0,16}\n",
        "[0-9a-f ]{0,80}\n?",
        "\\PC{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Never a panic, and what is extracted is consistent with the kind.
    #[test]
    fn triage_never_panics(pieces in prop::collection::vec(piece(), 0..24)) {
        let input = pieces.concat();
        let t = triage(input.as_bytes());
        prop_assert!(!t.note.is_empty());
        if t.extracted.is_some() {
            prop_assert!(matches!(t.kind, InputKind::WiresharkDetails | InputKind::HexDump));
        }
    }

    #[test]
    fn triage_of_any_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let t = triage(&bytes);
        prop_assert!(!t.note.is_empty());
    }
}
