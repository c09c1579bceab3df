//! Media of a capture (RTP/RTCP bound to calls by SDP) and the media
//! findings `SL430`–`SL440`, on the generated captures of
//! `tests/fixtures/rtp/` (written by `examples/rtp_fixtures.rs`): each rule
//! fires on its capture and on no other, and the two-way call has none.
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use siplens::rtp::MediaStream;
use siplens::Trace;

fn trace(name: &str) -> Trace {
    let p = common::root().join("tests/fixtures/rtp").join(name);
    siplens::decode_capture(&std::fs::read(p).unwrap())
}

fn media_ids(t: &Trace) -> Vec<&'static str> {
    let mut ids: Vec<&str> = t
        .findings
        .iter()
        .map(|f| f.id)
        .filter(|id| id.starts_with("SL43") || id.starts_with("SL44"))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

fn stream(t: &Trace, ssrc: u32) -> &MediaStream {
    let m = t.media.as_ref().expect("media report");
    m.streams
        .iter()
        .find(|s| s.ssrc == ssrc)
        .unwrap_or_else(|| panic!("no stream 0x{ssrc:08X}: {:#?}", m.streams))
}

#[test]
fn two_way_call_streams_bound_with_loss_wrap_dtmf_and_rtcp() {
    let t = trace("two-way.pcap");
    assert_eq!(media_ids(&t), Vec::<&str>::new(), "{:#?}", t.findings);
    let m = t.media.as_ref().unwrap();
    assert_eq!(m.streams.len(), 2);
    assert_eq!(m.rtcp_packets, 1);
    let ab = stream(&t, 0x1111_1111);
    assert_eq!((ab.src_addr.as_str(), ab.src_port), ("10.0.0.1", 4000));
    assert_eq!((ab.dst_addr.as_str(), ab.dst_port), ("10.0.0.2", 5000));
    // 90 audio + 16 event packets sent, 3 dropped; the sequence wraps.
    assert_eq!((ab.packets, ab.expected, ab.lost), (103, 106, 3));
    assert_eq!(ab.call, Some(0));
    assert_eq!(ab.bound_by, Some("destination"));
    assert_eq!(ab.sdp_message, Some(1), "bound by the answer's address");
    let keys: Vec<&str> = ab.events.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["1", "#"]);
    assert!(ab
        .events
        .iter()
        .all(|e| e.ended && e.duration_ms == Some(100.0)));
    assert_eq!(ab.max_jitter_ms, Some(0.0));
    let codecs: Vec<_> = ab
        .payload_types
        .iter()
        .map(|p| p.codec.as_deref())
        .collect();
    assert_eq!(codecs, [Some("PCMA"), Some("telephone-event")]);
    let rtcp = ab.rtcp.as_ref().expect("an RR reports on it");
    assert_eq!(rtcp.report_blocks, 1);
    assert_eq!(rtcp.last_cumulative_lost, Some(3));
    let ba = stream(&t, 0x2222_2222);
    assert_eq!((ba.packets, ba.lost), (110, 0));
    assert_eq!(ba.sdp_message, Some(0), "bound by the offer's address");
    // Arrivals wobble 0, +4, −3, +1 ms around 20 ms: A.8 jitter of a few ms.
    let j = ba.max_jitter_ms.unwrap();
    assert!(j > 2.0 && j < 6.0, "{j}");
}

#[test]
fn one_way_audio() {
    let t = trace("one-way.pcap");
    assert_eq!(media_ids(&t), ["SL430"]);
    let f = t.findings.iter().find(|f| f.id == "SL430").unwrap();
    assert_eq!(f.messages, [0, 1]);
    assert!(
        f.message.contains("60 RTP packets reached the answerer"),
        "{}",
        f.message
    );
}

#[test]
fn ssrc_change_silence_payload_and_media_after_bye() {
    let t = trace("problems.pcap");
    assert_eq!(
        media_ids(&t),
        ["SL433", "SL434", "SL435", "SL436"],
        "{:#?}",
        t.findings
    );
    let second = stream(&t, 0x6666_6666);
    let first = stream(&t, 0x5555_5555);
    assert_eq!(second.follows, Some(first.id));
    let gap = stream(&t, 0x4444_4444);
    assert!(gap.max_delta_ms.unwrap() > 2900.0);
    for f in t.findings.iter().filter(|f| f.id.starts_with("SL43")) {
        assert!(f.frame.is_some(), "{f:?} has evidence");
    }
}

#[test]
fn ipv6_source_not_announced_and_rtcp_mux() {
    let t = trace("ipv6-nat.pcap");
    assert_eq!(media_ids(&t), ["SL432"], "{:#?}", t.findings);
    let m = t.media.as_ref().unwrap();
    assert_eq!(m.rtcp_packets, 1, "RTCP on the RTP port (rtcp-mux)");
    let nat = stream(&t, 0x8888_8888);
    assert_eq!(nat.src_addr, "2001:db8::99");
    assert_eq!(nat.call, Some(0));
    assert_eq!(nat.rtcp.as_ref().unwrap().report_blocks, 1);
}

#[test]
fn media_none_when_the_capture_has_rtp_of_another_call_only() {
    // one-way.pcap's SIP with all its RTP sent to an unrelated address.
    let p = common::root().join("tests/fixtures/rtp/one-way.pcap");
    let mut bytes = std::fs::read(p).unwrap();
    // Rewrite destination port 5000 (0x1388) of every RTP datagram to
    // 5002: UDP header dst port at Ethernet 14 + IPv4 20 + 2.
    let mut at = 24;
    while at + 16 <= bytes.len() {
        let len = u32::from_le_bytes(bytes[at + 8..at + 12].try_into().unwrap()) as usize;
        let frame = at + 16;
        if len > 40 && bytes[frame + 36..frame + 38] == [0x13, 0x88] {
            bytes[frame + 36..frame + 38].copy_from_slice(&[0x13, 0x8a]);
            // UDP checksum 0: not computed (allowed over IPv4).
            bytes[frame + 40..frame + 42].copy_from_slice(&[0, 0]);
        }
        at = frame + len;
    }
    let t = siplens::decode_capture(&bytes);
    assert_eq!(media_ids(&t), ["SL431", "SL432"], "{:#?}", t.findings);
    let f = t.findings.iter().find(|f| f.id == "SL432").unwrap();
    assert!(
        f.message
            .contains("goes to 10.0.0.2:5002, which no SDP announced"),
        "{}",
        f.message
    );
    let s = &t.media.as_ref().unwrap().streams;
    assert_eq!(s.len(), 1);
    // Its source is still the caller's announced address (symmetric RTP).
    assert_eq!((s[0].call, s[0].bound_by), (Some(0), Some("source")));
}

#[test]
fn text_traces_have_no_media_report() {
    let t = siplens::decode_trace_text(
        "INVITE sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nCall-ID: 1\r\nCSeq: 1 INVITE\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nContent-Length: 0\r\n\r\n",
    );
    assert!(t.media.is_none());
}

#[test]
fn cli_summary_lists_media_per_call_and_the_ladder_draws_the_band() {
    let p = common::root().join("tests/fixtures/rtp/two-way.pcap");
    let out = common::siplens(&["trace", p.to_str().unwrap()], None);
    let s = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{s}");
    assert!(
        s.contains("Media:\n  Call 1: 2 streams, 213 packets, lost 3"),
        "{s}"
    );
    assert!(
        s.contains("SSRC 0x11111111 PCMA+telephone-event: 103"),
        "{s}"
    );
    assert!(s.contains("DTMF 1#"), "{s}");
    let ladder = s.split("Ladder:").nth(1).unwrap();
    let band: Vec<&str> = ladder.lines().filter(|l| l.contains("≈≈")).collect();
    assert_eq!(band.len(), 4, "two streams and two keys: {ladder}");
    assert!(band[2].contains("+1.000 ≈≈ DTMF 1 C1"), "{ladder}");
    // The band sits between the ACK (#3) and the BYE (#4).
    let ack = ladder.find("#3").unwrap();
    let bye = ladder.find("#4").unwrap();
    let first = ladder.find("≈≈").unwrap();
    assert!(ack < first && first < bye, "{ladder}");
    // --json with a filter keeps the streams of the kept messages.
    let out = common::siplens(
        &[
            "trace",
            "--json",
            "--call-id",
            "nobody@x",
            p.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let out = common::siplens(
        &[
            "trace",
            "--json",
            "--call-id",
            "two-way@gen",
            p.to_str().unwrap(),
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["media"]["streams"].as_array().unwrap().len(), 2);
}

mod no_panic {
    use proptest::prelude::*;
    use siplens::rtp::analyze::{Datagram, MediaAnalyzer};
    use siplens::rtp::{parse_rtcp_compound, parse_rtp_header, parse_telephone_event};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Any bytes: the parsers return or refuse, the payload stays inside
        /// the packet, and the analyser takes them all.
        #[test]
        fn any_datagram(data in proptest::collection::vec(any::<u8>(), 0..200), v2 in any::<bool>()) {
            let mut data = data;
            if v2 && !data.is_empty() {
                data[0] = (data[0] & 0x3f) | 0x80;
            }
            if let Some(h) = parse_rtp_header(&data) {
                prop_assert!(h.payload_start <= h.payload_end && h.payload_end <= data.len());
                let _ = parse_telephone_event(h.payload(&data));
            }
            let _ = parse_rtcp_compound(&data);
            let mut a = MediaAnalyzer::default();
            for frame in 1..4u64 {
                a.push(&Datagram {
                    frame,
                    time: Some(frame as f64),
                    src: "10.0.0.1".parse().unwrap(),
                    src_port: 4000,
                    dst: "10.0.0.2".parse().unwrap(),
                    dst_port: 5000,
                    data: &data,
                });
            }
            let streams = a.finish();
            prop_assert!(streams.len() <= 1);
        }

        /// A generated capture with bytes flipped decodes without panic.
        #[test]
        fn damaged_capture(at in any::<prop::sample::Index>(), byte in any::<u8>(), name in 0..4usize) {
            let names = ["two-way.pcap", "one-way.pcap", "problems.pcap", "ipv6-nat.pcap"];
            let p = super::common::root().join("tests/fixtures/rtp").join(names[name]);
            let mut bytes = std::fs::read(p).unwrap();
            // Past the pcap header, so the damage lands in frames.
            let i = 24 + at.index(bytes.len() - 24);
            bytes[i] = byte;
            let t = siplens::decode_capture(&bytes);
            prop_assert!(t.media.is_some());
        }
    }
}

#[test]
fn reinvite_moves_media_and_the_new_streams_bind_to_the_new_exchange() {
    let t = trace("reinvite.pcap");
    assert_eq!(media_ids(&t), Vec::<&str>::new(), "{:#?}", t.findings);
    let m = t.media.as_ref().unwrap();
    assert_eq!(m.streams.len(), 4);
    let sdp_of = |ssrc: u32, dst_port: u16| {
        m.streams
            .iter()
            .find(|s| s.ssrc == ssrc && s.dst_port == dst_port)
            .map(|s| (s.call, s.sdp_message))
            .unwrap()
    };
    // Before: the first answer (#2) and the first offer (#1).
    assert_eq!(sdp_of(0x9999_0001, 5000), (Some(0), Some(1)));
    assert_eq!(sdp_of(0x9999_0002, 4000), (Some(0), Some(0)));
    // After: the re-INVITE's answer (#5) and the re-INVITE itself (#4).
    assert_eq!(sdp_of(0x9999_0003, 5000), (Some(0), Some(4)));
    assert_eq!(sdp_of(0x9999_0002, 4002), (Some(0), Some(3)));
}

#[test]
fn ssrc_change_after_a_reinvite_is_no_finding() {
    let t = trace("ssrc-reinvite.pcap");
    assert_eq!(media_ids(&t), Vec::<&str>::new(), "{:#?}", t.findings);
    let new = stream(&t, 0xAAAA_0002);
    assert_eq!(new.follows, Some(stream(&t, 0xAAAA_0001).id));
}

/// SL437–SL439: what an RR about the caller's stream reports, with the
/// evidence (reporter, frame, time); the caller's own RR about the callee's
/// stream reports nothing wrong and raises nothing.
#[test]
fn rtcp_reports_loss_jitter_and_round_trip() {
    let t = trace("rtcp-reports.pcap");
    assert_eq!(
        media_ids(&t),
        ["SL437", "SL438", "SL439"],
        "{:#?}",
        t.findings
    );
    let caller = stream(&t, 0xBBBB_0001);
    let r = caller
        .rtcp
        .as_ref()
        .expect("RTCP about the caller's stream");
    let rtt = r.max_round_trip.as_ref().expect("the RR echoes the SR");
    // RFC 3550 §6.4.1: 2.4 s − 1.0 s − DLSR 0.5 s.
    assert_eq!(rtt.value, 900.0);
    assert_eq!(rtt.reporter, 0xBBBB_0002);
    let loss = r.max_fraction_lost.as_ref().unwrap();
    assert_eq!((loss.value, loss.frame), (25.0, rtt.frame));
    assert_eq!(r.max_jitter_report.as_ref().unwrap().value, 400.0);
    assert_eq!(caller.lost, 0);
    for f in t.findings.iter().filter(|f| f.id.starts_with("SL4")) {
        assert_eq!(f.frame, Some(rtt.frame), "{f:?}");
        assert!(f.message.contains("SSRC 0xBBBB0001"), "{}", f.message);
        assert!(
            f.message.contains("SSRC 0xBBBB0002 in frame"),
            "{}",
            f.message
        );
        assert_eq!(f.messages, [1], "bound by the answer's SDP");
    }
    let f = t.findings.iter().find(|f| f.id == "SL437").unwrap();
    assert!(
        f.message.contains("after the capture point"),
        "{}",
        f.message
    );
    let f = t.findings.iter().find(|f| f.id == "SL438").unwrap();
    assert!(f.message.contains("(50.0 ms at 8000 Hz)"), "{}", f.message);
    // The callee's stream: an RR of 1 %, 2 ms, no round trip (LSR 0).
    let callee = stream(&t, 0xBBBB_0002).rtcp.as_ref().unwrap();
    assert!(callee.max_round_trip.is_none());
    assert_eq!(callee.sender_reports, 0);
    assert_eq!(r.sender_reports, 1, "the caller sent the SR");
    assert_eq!(t.media.as_ref().unwrap().rtcp_packets, 3, "SR, RR and RR");
    // The CLI's media section shows the round trip beside the loss.
    let p = common::root().join("tests/fixtures/rtp/rtcp-reports.pcap");
    let out = common::siplens(&["trace", "--summary", p.to_str().unwrap()], None);
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("RTCP loss 25.0%, RTCP round trip 900 ms"), "{s}");
}

/// SL440: 11 s of RTP both ways and no RTCP, once per call; not when the
/// SDP turns RTCP off (b=RS:0, b=RR:0) nor on the short generated calls.
#[test]
fn rtcp_absent_unless_the_sdp_turns_it_off() {
    let t = trace("rtcp-absent.pcap");
    assert_eq!(media_ids(&t), ["SL440"], "{:#?}", t.findings);
    let f = t.findings.iter().find(|f| f.id == "SL440").unwrap();
    assert_eq!(f.messages, [0, 1]);
    assert!(f.frame.is_some());
    assert!(
        f.message.contains("SSRC 0xCC000001") && f.message.contains("SSRC 0xCC000002"),
        "{}",
        f.message
    );
    assert!(f.message.contains("no RTCP packet at all"), "{}", f.message);
    let t = trace("rtcp-off.pcap");
    assert_eq!(media_ids(&t), Vec::<&str>::new(), "{:#?}", t.findings);
}

/// SL437 / SL439 from an XR VoIP metrics block (RFC 3611 §4.7): loss rate
/// and round trip delay as the reporter measured them; the other
/// direction's block reports nothing wrong.
#[test]
fn rtcp_xr_voip_metrics_loss_and_round_trip() {
    let t = trace("rtcp-xr.pcap");
    assert_eq!(media_ids(&t), ["SL437", "SL439"], "{:#?}", t.findings);
    let r = stream(&t, 0xDDDD_0001).rtcp.as_ref().unwrap();
    let loss = r.max_xr_loss.as_ref().unwrap();
    assert_eq!((loss.value, loss.reporter), (15.625, 0xDDDD_0002));
    assert_eq!(r.max_xr_round_trip.as_ref().unwrap().value, 950.0);
    assert!(r.max_fraction_lost.is_none(), "the RR has no block");
    for f in t.findings.iter().filter(|f| f.id.starts_with("SL4")) {
        assert_eq!(f.frame, Some(loss.frame), "{f:?}");
        assert!(
            f.message.contains("XR VoIP metrics of SSRC 0xDDDD0002"),
            "{}",
            f.message
        );
        assert!(f.message.contains("SSRC 0xDDDD0001"), "{}", f.message);
    }
    let other = stream(&t, 0xDDDD_0002).rtcp.as_ref().unwrap();
    assert_eq!(other.max_xr_round_trip.as_ref().unwrap().value, 60.0);
    assert_eq!(other.extended_reports, 1);
}
