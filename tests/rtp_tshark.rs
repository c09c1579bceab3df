//! Agreement with Wireshark on RTP streams: for every capture of the
//! shared corpus and every generated capture under `tests/fixtures/rtp/`,
//! the streams `siplens::decode_capture` lists (`media.streams`) match
//! `tshark -q -o rtp.heuristic_rtp:TRUE -z rtp,streams`:
//!
//! - the same set of streams, by source and destination address and port
//!   and SSRC, on every capture where either side lists one (heuristic
//!   mode: tshark also finds streams no SDP announced, as siplens does
//!   after [`siplens::rtp::analyze::MIN_RUN`] packets in sequence);
//! - the same packet count and the same lost count (expected − received,
//!   negative with duplicates) for each stream;
//! - the maximum jitter within [`JITTER_TOLERANCE_MS`] or
//!   [`JITTER_TOLERANCE_REL`], whichever is larger. Both compute RFC 3550
//!   A.8 and skip the first packet, marker packets and comfort noise when
//!   taking the maximum, but tshark keeps its running values in its own
//!   rounding (timestamps in whole microseconds of relative time, the
//!   transit in clock units) and resets its state on payload-type changes
//!   (telephone events inside an audio stream), so values differ by
//!   rounding and, on streams mixing payload types, by those resets.
//!   Streams whose clock rate neither side knows (a dynamic payload type
//!   with no rtpmap) are compared without jitter.
//!
//! tshark's table prints times relative to the first frame and jitter in
//! ms with three decimals. Without tshark the test is skipped, unless
//! `CI` is set, where it fails.
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Absolute tolerance on the maximum jitter, ms.
const JITTER_TOLERANCE_MS: f64 = 0.5;
/// Relative tolerance on the maximum jitter.
const JITTER_TOLERANCE_REL: f64 = 0.10;

/// (capture, SSRC, what, why): a difference allowed for the reason given.
const ALLOWED: &[(&str, u32, &str, &str)] = &[
    (
        "goffinet-sip_captures/voip-extension.pcap",
        0x3EDD_3882,
        "jitter",
        "the stream carries RFC 4733 telephone events between audio packets; tshark takes the arrival time from the previous packet of any payload type (the event) but the timestamp advance from the previous audio packet, so every key press adds its duration as jitter (18 ms); siplens keeps A.8's reference at the previous packet with the same clock (1.8 ms)",
    ),
    (
        "rtp/two-way.pcap",
        0x1111_1111,
        "jitter",
        "generated: the same telephone-event effect as voip-extension.pcap (two key presses inside the audio; siplens 0 ms, the stream has no jitter)",
    ),
    (
        "ndpi/FAX-Call-t38-CA-TDM-SIP-FB-1.pcap",
        0x0EAF_0EAF,
        "count",
        "after the switch to T.38 (frame 1436) 27 UDPTL packets on the old RTP port start with the bits of RTP version 2; tshark knows they are T.38 from SDP carried in the gateway-control frames 1391/1392 (not SIP), siplens reads SIP SDP only, whose T.38 offer announced another address (138.132.169.101), so it counts them into the audio stream",
    ),
];

type Key = (String, u16, String, u16, u32);

#[derive(Debug, Clone, PartialEq)]
struct Row {
    packets: u64,
    lost: i64,
    max_jitter: Option<f64>,
}

fn captures() -> Vec<PathBuf> {
    let mut out = common::files(&common::corpus().join("pcap"), &[".pcap", ".pcapng"]);
    out.extend(common::files(
        &common::root().join("tests/fixtures/rtp"),
        &[".pcap"],
    ));
    out
}

fn rel(p: &Path) -> String {
    let s = p.display().to_string();
    s.split("corpus/pcap/")
        .nth(1)
        .or_else(|| s.split("tests/fixtures/").nth(1))
        .unwrap_or(&s)
        .to_owned()
}

/// tshark's `rtp,streams` table.
fn tshark_streams(file: &Path) -> BTreeMap<Key, Row> {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(file)
        .args(["-q", "-o", "rtp.heuristic_rtp:TRUE", "-z", "rtp,streams"])
        .output()
        .expect("tshark runs");
    assert!(out.status.success(), "tshark failed on {}", file.display());
    parse_table(&String::from_utf8_lossy(&out.stdout))
}

/// Rows: start end src sport dst dport ssrc payload… pkts lost (pct)
/// min/mean/max delta, min/mean/max jitter [X].
fn parse_table(text: &str) -> BTreeMap<Key, Row> {
    let mut rows = BTreeMap::new();
    for line in text.lines() {
        let t: Vec<&str> = line.split_whitespace().collect();
        let Some(pct) = t.iter().position(|x| x.ends_with("%)")) else {
            continue;
        };
        if t.len() < pct + 7 || pct < 9 {
            continue;
        }
        let ssrc = u32::from_str_radix(t[6].trim_start_matches("0x"), 16).expect("ssrc");
        let key = (
            t[2].to_owned(),
            t[3].parse().expect("port"),
            t[4].to_owned(),
            t[5].parse().expect("port"),
            ssrc,
        );
        let max_jitter: f64 = t[pct + 6].parse().expect("jitter");
        rows.insert(
            key,
            Row {
                packets: t[pct - 2].parse().expect("packets"),
                lost: t[pct - 1].parse().expect("lost"),
                max_jitter: Some(max_jitter),
            },
        );
    }
    rows
}

fn siplens_streams(file: &Path) -> BTreeMap<Key, Row> {
    let bytes = std::fs::read(file).unwrap();
    let trace = siplens::decode_capture(&bytes);
    let media = trace.media.expect("a capture has a media report");
    media
        .streams
        .iter()
        .map(|s| {
            (
                (
                    s.src_addr.clone(),
                    s.src_port,
                    s.dst_addr.clone(),
                    s.dst_port,
                    s.ssrc,
                ),
                Row {
                    packets: s.packets,
                    lost: s.lost,
                    max_jitter: s.max_jitter_ms,
                },
            )
        })
        .collect()
}

fn allowed(file: &str, ssrc: u32, what: &str) -> bool {
    ALLOWED
        .iter()
        .any(|(f, s, w, _)| *f == file && *s == ssrc && *w == what)
}

#[test]
fn rtp_streams_agree_with_tshark() {
    if !common::tshark() {
        return;
    }
    let files = captures();
    assert!(files.len() > 30, "{} captures", files.len());
    let mut problems = Vec::new();
    let mut compared = 0;
    for f in &files {
        let name = rel(f);
        let theirs = tshark_streams(f);
        let ours = siplens_streams(f);
        for k in theirs.keys().filter(|k| !ours.contains_key(*k)) {
            if !allowed(&name, k.4, "missing") {
                problems.push(format!("{name}: tshark stream {k:?} missing"));
            }
        }
        for k in ours.keys().filter(|k| !theirs.contains_key(*k)) {
            if !allowed(&name, k.4, "extra") {
                problems.push(format!("{name}: stream {k:?} not in tshark"));
            }
        }
        for (k, t) in &theirs {
            let Some(o) = ours.get(k) else {
                continue;
            };
            compared += 1;
            if (o.packets, o.lost) != (t.packets, t.lost) && !allowed(&name, k.4, "count") {
                problems.push(format!(
                    "{name} 0x{:08X}: packets/lost {}/{} vs tshark {}/{}",
                    k.4, o.packets, o.lost, t.packets, t.lost
                ));
            }
            if let (Some(a), Some(b)) = (o.max_jitter, t.max_jitter) {
                let tol = JITTER_TOLERANCE_MS.max(b * JITTER_TOLERANCE_REL);
                if (a - b).abs() > tol && !allowed(&name, k.4, "jitter") {
                    problems.push(format!(
                        "{name} 0x{:08X}: max jitter {a:.3} ms vs tshark {b:.3} ms",
                        k.4
                    ));
                }
            }
        }
    }
    assert!(compared >= 10, "only {compared} streams compared");
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The round trip from RTCP `LSR`/`DLSR` (RFC 3550 §6.4.1) agrees with
/// tshark's (`rtcp.roundtrip-delay`, computed when it holds the SR a
/// block echoes, as siplens does): on every capture, the highest round trip
/// is the same (within 1 ms; tshark prints whole ms) and each stream's
/// `maxRoundTrip` is one tshark computed at the same frame.
#[test]
fn rtcp_round_trip_agrees_with_tshark() {
    if !common::tshark() {
        return;
    }
    let mut problems = Vec::new();
    let mut compared = 0;
    for f in captures() {
        let name = rel(&f);
        let out = Command::new("tshark")
            .arg("-r")
            .arg(&f)
            .args([
                "-o",
                "rtcp.heuristic_rtcp:TRUE",
                "-o",
                "rtcp.show_roundtrip_calculation:TRUE",
                "-o",
                "rtcp.roundtrip_min_threshhold:0",
                "-Y",
                "rtcp.roundtrip-delay",
                "-T",
                "fields",
                "-e",
                "frame.number",
                "-e",
                "rtcp.roundtrip-delay",
            ])
            .output()
            .expect("tshark runs");
        let theirs: Vec<(u64, f64)> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| {
                let (frame, ms) = l.split_once('\t')?;
                let frame = frame.parse().ok()?;
                Some(
                    ms.split(',')
                        .filter_map(move |x| Some((frame, x.parse().ok()?))),
                )
            })
            .flatten()
            .collect();
        let trace = siplens::decode_capture(&std::fs::read(&f).unwrap());
        let ours: Vec<(u64, f64)> = trace
            .media
            .iter()
            .flat_map(|m| &m.streams)
            .filter_map(|s| s.rtcp.as_ref()?.max_round_trip.as_ref())
            .map(|v| (v.frame, v.value))
            .collect();
        let max = |v: &[(u64, f64)]| v.iter().map(|x| x.1).reduce(f64::max);
        match (max(&ours), max(&theirs)) {
            (None, None) => continue,
            (Some(a), Some(b)) if (a - b).abs() <= 1.0 => compared += 1,
            (a, b) => problems.push(format!("{name}: max round trip {a:?} vs tshark {b:?}")),
        }
        for (frame, ms) in &ours {
            if !theirs
                .iter()
                .any(|(tf, tms)| tf == frame && (tms - ms).abs() <= 1.0)
            {
                problems.push(format!(
                    "{name}: {ms} ms at frame {frame} not in tshark {theirs:?}"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(compared >= 1, "no capture with a round trip compared");
}
