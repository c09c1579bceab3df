//! Writes the small RTP captures of `tests/fixtures/rtp/`: a SIP call
//! (INVITE with an SDP offer, 200 OK with the answer, ACK, BYE) and the
//! RTP/RTCP around it, one scenario per file. tests/rtp_tshark.rs checks
//! them against tshark and tests/rtp_trace.rs checks the media findings.
//!
//! ```text
//! cargo run --example rtp_fixtures -- tests/fixtures/rtp
//! ```
//!
//! Everything is deterministic (no clock, no random source): the same
//! files every run.

#[path = "support/pcap.rs"]
mod pcap;

use std::net::IpAddr;

use etherparse::PacketBuilder;

/// One packet: time (s) and the frame bytes.
type Frame = (f64, Vec<u8>);

const T0: f64 = 1_800_000_000.0;

fn udp(t: f64, src: (IpAddr, u16), dst: (IpAddr, u16), payload: &[u8]) -> Frame {
    let eth = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2]);
    let mut out = Vec::new();
    match (src.0, dst.0) {
        (IpAddr::V4(a), IpAddr::V4(b)) => eth
            .ipv4(a.octets(), b.octets(), 64)
            .udp(src.1, dst.1)
            .write(&mut out, payload)
            .expect("write"),
        (IpAddr::V6(a), IpAddr::V6(b)) => eth
            .ipv6(a.octets(), b.octets(), 64)
            .udp(src.1, dst.1)
            .write(&mut out, payload)
            .expect("write"),
        _ => panic!("mixed families"),
    }
    (T0 + t, out)
}

fn write_pcap(path: &std::path::Path, mut frames: Vec<Frame>) {
    frames.sort_by(|a, b| a.0.total_cmp(&b.0));
    let out = pcap::ethernet_pcap(frames.iter().map(|(t, f)| {
        let us = (t * 1e6).round() as u64;
        (
            (us / 1_000_000) as u32,
            (us % 1_000_000) as u32,
            f.as_slice(),
        )
    }));
    std::fs::write(path, out).expect("write pcap");
}

fn host(a: IpAddr) -> String {
    match a {
        IpAddr::V4(v) => v.to_string(),
        IpAddr::V6(v) => format!("[{v}]"),
    }
}

fn sdp(addr: IpAddr, port: u16, pts: &str, extra: &str) -> String {
    let ipv = if addr.is_ipv4() { "IP4" } else { "IP6" };
    let mut s = format!(
        "v=0\r\no=- 1 1 IN {ipv} {addr}\r\ns=-\r\nc=IN {ipv} {addr}\r\nt=0 0\r\nm=audio {port} RTP/AVP {pts}\r\n"
    );
    // b= lines come before the a= lines of a media section (RFC 8866 §5).
    let (bw, extra): (Vec<&str>, Vec<&str>) = extra
        .split_inclusive('\n')
        .partition(|l| l.starts_with("b="));
    s.push_str(&bw.concat());
    let extra = extra.concat();
    for pt in pts.split(' ') {
        match pt {
            "0" => s.push_str("a=rtpmap:0 PCMU/8000\r\n"),
            "8" => s.push_str("a=rtpmap:8 PCMA/8000\r\n"),
            "101" => s.push_str("a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"),
            _ => {}
        }
    }
    s.push_str(&extra);
    s
}

/// The SIP of one call between `a` (caller) and `b`, SIP on port 5060.
struct Call {
    a: IpAddr,
    b: IpAddr,
    call_id: &'static str,
}

impl Call {
    fn request(&self, method: &str, cseq: u32, to_tag: bool, body: &str) -> Vec<u8> {
        let (a, b) = (host(self.a), host(self.b));
        let ct = if body.is_empty() {
            String::new()
        } else {
            "Content-Type: application/sdp\r\n".to_owned()
        };
        let tag = if to_tag { ";tag=b1" } else { "" };
        let m = if method == "ACK" || method == "BYE" {
            method
        } else {
            "INVITE"
        };
        format!(
            "{method} sip:bob@{b} SIP/2.0\r\nVia: SIP/2.0/UDP {a}:5060;branch=z9hG4bK{}{cseq}\r\nMax-Forwards: 70\r\nFrom: <sip:alice@{a}>;tag=a1\r\nTo: <sip:bob@{b}>{tag}\r\nCall-ID: {}\r\nCSeq: {cseq} {m}\r\nContact: <sip:alice@{a}>\r\n{ct}Content-Length: {}\r\n\r\n{body}",
            method.to_lowercase(),
            self.call_id,
            body.len()
        )
        .into_bytes()
    }

    fn response(&self, method: &str, cseq: u32, body: &str) -> Vec<u8> {
        let (a, b) = (host(self.a), host(self.b));
        let ct = if body.is_empty() {
            String::new()
        } else {
            "Content-Type: application/sdp\r\n".to_owned()
        };
        format!(
            "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP {a}:5060;branch=z9hG4bK{}{cseq}\r\nFrom: <sip:alice@{a}>;tag=a1\r\nTo: <sip:bob@{b}>;tag=b1\r\nCall-ID: {}\r\nCSeq: {cseq} {method}\r\nContact: <sip:bob@{b}>\r\n{ct}Content-Length: {}\r\n\r\n{body}",
            method.to_lowercase(),
            self.call_id,
            body.len()
        )
        .into_bytes()
    }

    /// INVITE at 0 s, 200 OK at 0.1 s, ACK at 0.12 s; BYE and its 200 at `bye`.
    fn signalling(&self, offer: &str, answer: &str, bye: f64) -> Vec<Frame> {
        let (a, b) = ((self.a, 5060), (self.b, 5060));
        vec![
            udp(0.0, a, b, &self.request("INVITE", 1, false, offer)),
            udp(0.1, b, a, &self.response("INVITE", 1, answer)),
            udp(0.12, a, b, &self.request("ACK", 1, true, "")),
            udp(bye, a, b, &self.request("BYE", 2, true, "")),
            udp(bye + 0.01, b, a, &self.response("BYE", 2, "")),
        ]
    }
}

fn rtp(pt: u8, marker: bool, seq: u16, ts: u32, ssrc: u32, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x80, pt | if marker { 0x80 } else { 0 }];
    p.extend(seq.to_be_bytes());
    p.extend(ts.to_be_bytes());
    p.extend(ssrc.to_be_bytes());
    p.extend(payload);
    p
}

/// A stream of 20 ms PCMA/PCMU packets.
struct Stream {
    src: (IpAddr, u16),
    dst: (IpAddr, u16),
    ssrc: u32,
    pt: u8,
    seq: u16,
    ts: u32,
}

impl Stream {
    /// A stream from `src` to `dst` whose first packet has sequence
    /// number 1 and timestamp 0.
    fn new(src: (IpAddr, u16), dst: (IpAddr, u16), ssrc: u32, pt: u8) -> Self {
        Stream {
            src,
            dst,
            ssrc,
            pt,
            seq: 1,
            ts: 0,
        }
    }

    /// `n` packets from `start` s; `skip(i)` drops packet i (loss),
    /// `wobble(i)` shifts its arrival (ms, jitter).
    fn packets(
        &mut self,
        start: f64,
        n: u32,
        skip: impl Fn(u32) -> bool,
        wobble: impl Fn(u32) -> f64,
        out: &mut Vec<Frame>,
    ) {
        for i in 0..n {
            let p = rtp(self.pt, i == 0, self.seq, self.ts, self.ssrc, &[0xd5; 20]);
            if !skip(i) {
                let t = start + f64::from(i) * 0.02 + wobble(i) / 1000.0;
                out.push(udp(t, self.src, self.dst, &p));
            }
            self.seq = self.seq.wrapping_add(1);
            self.ts = self.ts.wrapping_add(160);
        }
    }

    /// An RFC 4733 event: `key` lasting 5 packets (100 ms), end packet sent 3 times.
    fn dtmf(&mut self, start: f64, key: u8, out: &mut Vec<Frame>) {
        let ts = self.ts;
        for i in 0..8u16 {
            let end = i >= 5;
            let dur = 160 * (i.min(4) + 1);
            let mut payload = vec![key, if end { 0x8a } else { 0x0a }];
            payload.extend(dur.to_be_bytes());
            let p = rtp(101, i == 0, self.seq, ts, self.ssrc, &payload);
            out.push(udp(start + f64::from(i) * 0.02, self.src, self.dst, &p));
            self.seq = self.seq.wrapping_add(1);
        }
        self.ts = self.ts.wrapping_add(160 * 8);
    }
}

/// An RTCP RR (one report block about `about`) + SDES CNAME.
fn rtcp_rr(ssrc: u32, about: u32, lost: u32, jitter: u32) -> Vec<u8> {
    let mut p = vec![0x81, 201, 0, 7];
    p.extend(ssrc.to_be_bytes());
    p.extend(about.to_be_bytes());
    p.extend(((lost & 0x00ff_ffff) | (10 << 24)).to_be_bytes());
    p.extend(100u32.to_be_bytes());
    p.extend(jitter.to_be_bytes());
    p.extend([0u8; 8]);
    p.extend([0x81, 202, 0, 3]);
    p.extend(ssrc.to_be_bytes());
    p.extend([1, 4, b'a', b'@', b'x', b'y', 0, 0]);
    p
}

/// One report block: about, fraction lost (1/256), cumulative lost,
/// jitter (timestamp units), LSR, DLSR (1/65536 s).
type Block = (u32, u8, u32, u32, u32, u32);

/// An SR (with `ntp`: seconds and fraction of its NTP timestamp) or an
/// RR (without), its report blocks, then SDES CNAME (RFC 3550 §6.4.1).
fn rtcp_report(ssrc: u32, ntp: Option<(u32, u32)>, blocks: &[Block]) -> Vec<u8> {
    let words = 1 + if ntp.is_some() { 5 } else { 0 } + 6 * blocks.len();
    let mut p = vec![
        0x80 | blocks.len() as u8,
        if ntp.is_some() { 200 } else { 201 },
        0,
        words as u8,
    ];
    p.extend(ssrc.to_be_bytes());
    if let Some((sec, frac)) = ntp {
        p.extend(sec.to_be_bytes());
        p.extend(frac.to_be_bytes());
        p.extend([0u8; 12]); // RTP timestamp, packet and octet counts
    }
    for &(about, fraction, lost, jitter, lsr, dlsr) in blocks {
        p.extend(about.to_be_bytes());
        p.extend(((lost & 0x00ff_ffff) | (u32::from(fraction) << 24)).to_be_bytes());
        p.extend(100u32.to_be_bytes());
        p.extend(jitter.to_be_bytes());
        p.extend(lsr.to_be_bytes());
        p.extend(dlsr.to_be_bytes());
    }
    p.extend([0x81, 202, 0, 3]);
    p.extend(ssrc.to_be_bytes());
    p.extend([1, 4, b'a', b'@', b'x', b'y', 0, 0]);
    p
}

/// An RR with no block, then an XR (RFC 3611) with one VoIP metrics
/// block (type 7, §4.7) about `about`: loss and discard rates (1/256),
/// round trip delay (ms); the other metrics zero.
fn rtcp_xr_voip(ssrc: u32, about: u32, loss: u8, discard: u8, rtt_ms: u16) -> Vec<u8> {
    let mut p = vec![0x80, 201, 0, 1];
    p.extend(ssrc.to_be_bytes());
    p.extend([0x80, 207, 0, 10]);
    p.extend(ssrc.to_be_bytes());
    p.extend([7, 0, 0, 8]);
    p.extend(about.to_be_bytes());
    p.extend([loss, discard, 0, 0, 0, 0, 0, 0]);
    p.extend(rtt_ms.to_be_bytes());
    p.extend([0u8; 18]);
    p
}

fn main() {
    let dir = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "tests/fixtures/rtp".into()),
    );
    std::fs::create_dir_all(&dir).expect("mkdir");
    let v4a: IpAddr = "10.0.0.1".parse().unwrap();
    let v4b: IpAddr = "10.0.0.2".parse().unwrap();

    // 1. Both directions, seq wrap, loss, jitter, DTMF, RTCP: no finding.
    {
        let call = Call {
            a: v4a,
            b: v4b,
            call_id: "two-way@gen",
        };
        let mut f = call.signalling(
            &sdp(v4a, 4000, "8 101", ""),
            &sdp(v4b, 5000, "8 101", ""),
            2.5,
        );
        let mut ab = Stream {
            src: (v4a, 4000),
            dst: (v4b, 5000),
            ssrc: 0x1111_1111,
            pt: 8,
            seq: 65500,
            ts: 1000,
        };
        ab.packets(0.2, 40, |i| i == 10 || i == 11 || i == 30, |_| 0.0, &mut f);
        ab.dtmf(1.0, 1, &mut f);
        ab.packets(1.16, 20, |_| false, |_| 0.0, &mut f);
        ab.dtmf(1.56, 11, &mut f);
        ab.packets(1.72, 30, |_| false, |_| 0.0, &mut f);
        let mut ba = Stream {
            src: (v4b, 5000),
            dst: (v4a, 4000),
            ssrc: 0x2222_2222,
            pt: 8,
            seq: 100,
            ts: 50_000,
        };
        // Arrival shifted by a repeating 0, +4, -3, +1 ms pattern.
        ba.packets(
            0.21,
            110,
            |_| false,
            |i| [0.0, 4.0, -3.0, 1.0][i as usize % 4],
            &mut f,
        );
        f.push(udp(
            1.5,
            (v4b, 5001),
            (v4a, 4001),
            &rtcp_rr(0x2222_2222, 0x1111_1111, 3, 40),
        ));
        write_pcap(&dir.join("two-way.pcap"), f);
    }

    // 2. One-way audio: only the caller sends (SL430).
    {
        let call = Call {
            a: v4a,
            b: v4b,
            call_id: "one-way@gen",
        };
        let mut f = call.signalling(&sdp(v4a, 4000, "0", ""), &sdp(v4b, 5000, "0", ""), 2.5);
        let mut ab = Stream::new((v4a, 4000), (v4b, 5000), 0x3333_3333, 0);
        ab.packets(0.2, 60, |_| false, |_| 0.0, &mut f);
        write_pcap(&dir.join("one-way.pcap"), f);
    }

    // 3. SSRC change without re-INVITE (SL435), a 3 s silence (SL436),
    //    PT 0 not in the answer (SL433), media after BYE (SL434).
    {
        let call = Call {
            a: v4a,
            b: v4b,
            call_id: "problems@gen",
        };
        let mut f = call.signalling(&sdp(v4a, 4000, "8", ""), &sdp(v4b, 5000, "8", ""), 5.0);
        let mut ab = Stream::new((v4a, 4000), (v4b, 5000), 0x4444_4444, 8);
        ab.packets(0.2, 50, |_| false, |_| 0.0, &mut f);
        // Silence: nothing from 1.2 s to 4.2 s, no marker on the next packet.
        ab.pt = 8;
        for i in 0..40u32 {
            let t = 4.2 + f64::from(i) * 0.02;
            let p = rtp(8, false, ab.seq, ab.ts, ab.ssrc, &[0xd5; 20]);
            f.push(udp(t, ab.src, ab.dst, &p));
            ab.seq += 1;
            ab.ts += 160;
        }
        // Media to the caller: SSRC 0x5555 then 0x6666 (no re-INVITE),
        // the second one in PCMU (payload type 0, not in the offer).
        let mut ba = Stream::new((v4b, 5000), (v4a, 4000), 0x5555_5555, 8);
        ba.packets(0.2, 100, |_| false, |_| 0.0, &mut f);
        ba.ssrc = 0x6666_6666;
        ba.pt = 0;
        ba.seq = 30000;
        // Goes on 1.5 s past the BYE at 5.0 s.
        ba.packets(2.2, 215, |_| false, |_| 0.0, &mut f);
        write_pcap(&dir.join("problems.pcap"), f);
    }

    // 5. A re-INVITE moves the caller's media to another port and the
    //    caller's stream changes SSRC with it: bound to the new exchange,
    //    no finding.
    {
        let call = Call {
            a: v4a,
            b: v4b,
            call_id: "reinvite@gen",
        };
        let (a, b) = ((v4a, 5060), (v4b, 5060));
        let mut f = vec![
            udp(
                0.0,
                a,
                b,
                &call.request("INVITE", 1, false, &sdp(v4a, 4000, "8", "")),
            ),
            udp(
                0.1,
                b,
                a,
                &call.response("INVITE", 1, &sdp(v4b, 5000, "8", "")),
            ),
            udp(0.12, a, b, &call.request("ACK", 1, true, "")),
            udp(
                1.5,
                a,
                b,
                &call.request("INVITE", 2, true, &sdp(v4a, 4002, "8", "")),
            ),
            udp(
                1.55,
                b,
                a,
                &call.response("INVITE", 2, &sdp(v4b, 5000, "8", "")),
            ),
            udp(1.57, a, b, &call.request("ACK", 2, true, "")),
            udp(4.0, a, b, &call.request("BYE", 3, true, "")),
            udp(4.01, b, a, &call.response("BYE", 3, "")),
        ];
        let mut ab = Stream::new((v4a, 4000), (v4b, 5000), 0x9999_0001, 8);
        ab.packets(0.2, 60, |_| false, |_| 0.0, &mut f);
        let mut ba = Stream::new((v4b, 5000), (v4a, 4000), 0x9999_0002, 8);
        ba.packets(0.2, 60, |_| false, |_| 0.0, &mut f);
        // After the re-INVITE: the caller sends from its new port with a
        // new SSRC; the callee sends to the new port.
        ab.src = (v4a, 4002);
        ab.ssrc = 0x9999_0003;
        ab.packets(1.6, 110, |_| false, |_| 0.0, &mut f);
        ba.dst = (v4a, 4002);
        ba.packets(1.6, 110, |_| false, |_| 0.0, &mut f);
        write_pcap(&dir.join("reinvite.pcap"), f);
    }

    // 6. A re-INVITE keeps the addresses and the caller's stream changes
    //    SSRC after it, on the same 5-tuple: renegotiated, so no SL435.
    {
        let call = Call {
            a: v4a,
            b: v4b,
            call_id: "ssrc-reinvite@gen",
        };
        let (a, b) = ((v4a, 5060), (v4b, 5060));
        let (offer, answer) = (sdp(v4a, 4000, "8", ""), sdp(v4b, 5000, "8", ""));
        let mut f = vec![
            udp(0.0, a, b, &call.request("INVITE", 1, false, &offer)),
            udp(0.1, b, a, &call.response("INVITE", 1, &answer)),
            udp(0.12, a, b, &call.request("ACK", 1, true, "")),
            udp(1.3, a, b, &call.request("INVITE", 2, true, &offer)),
            udp(1.35, b, a, &call.response("INVITE", 2, &answer)),
            udp(1.37, a, b, &call.request("ACK", 2, true, "")),
            udp(3.5, a, b, &call.request("BYE", 3, true, "")),
            udp(3.51, b, a, &call.response("BYE", 3, "")),
        ];
        let mut ab = Stream::new((v4a, 4000), (v4b, 5000), 0xAAAA_0001, 8);
        ab.packets(0.2, 50, |_| false, |_| 0.0, &mut f);
        ab.ssrc = 0xAAAA_0002;
        ab.seq = 7000;
        ab.packets(1.4, 100, |_| false, |_| 0.0, &mut f);
        let mut ba = Stream::new((v4b, 5000), (v4a, 4000), 0xAAAA_0003, 8);
        ba.packets(0.2, 160, |_| false, |_| 0.0, &mut f);
        write_pcap(&dir.join("ssrc-reinvite.pcap"), f);
    }

    // 7. RTCP: the caller's SR at 1.0 s; the callee's RR about the
    //    caller's stream at 2.4 s reports 25 % lost (cumulative 30, the
    //    capture saw none: loss after the capture point, SL437), jitter 400
    //    at 8 kHz (50 ms, SL438), and echoes the SR with DLSR 0.5 s: a
    //    round trip of 900 ms (SL439). The caller's RR about the callee's
    //    stream reports nothing wrong (1 %, 2 ms, 100 ms): no finding.
    {
        let call = Call {
            a: v4a,
            b: v4b,
            call_id: "rtcp-reports@gen",
        };
        let mut f = call.signalling(&sdp(v4a, 4000, "8", ""), &sdp(v4b, 5000, "8", ""), 3.0);
        let mut ab = Stream::new((v4a, 4000), (v4b, 5000), 0xBBBB_0001, 8);
        ab.packets(0.2, 140, |_| false, |_| 0.0, &mut f);
        let mut ba = Stream::new((v4b, 5000), (v4a, 4000), 0xBBBB_0002, 8);
        ba.packets(0.2, 140, |_| false, |_| 0.0, &mut f);
        // NTP 0x0000_b705:0x2000_0000 → LSR 0xb705_2000 (RFC 3550 Fig. 2).
        f.push(udp(
            1.0,
            (v4a, 4001),
            (v4b, 5001),
            &rtcp_report(
                0xBBBB_0001,
                Some((0xb705, 0x2000_0000)),
                &[(0xBBBB_0002, 3, 1, 16, 0, 0)],
            ),
        ));
        f.push(udp(
            2.4,
            (v4b, 5001),
            (v4a, 4001),
            &rtcp_report(
                0xBBBB_0002,
                None,
                &[(0xBBBB_0001, 64, 30, 400, 0xb705_2000, 0x8000)],
            ),
        ));
        f.push(udp(
            2.6,
            (v4a, 4001),
            (v4b, 5001),
            &rtcp_report(0xBBBB_0001, None, &[(0xBBBB_0002, 3, 2, 16, 0, 0)]),
        ));
        write_pcap(&dir.join("rtcp-reports.pcap"), f);
    }

    // 9. RTCP XR VoIP metrics: the callee's about the caller's stream
    //    give a loss rate of 40/256 (15.6 %, the capture saw none: SL437)
    //    and a round trip delay of 950 ms (SL439); the caller's about the
    //    callee's stream 1/256 and 60 ms: no finding.
    {
        let call = Call {
            a: v4a,
            b: v4b,
            call_id: "rtcp-xr@gen",
        };
        let mut f = call.signalling(&sdp(v4a, 4000, "8", ""), &sdp(v4b, 5000, "8", ""), 3.0);
        for (src, dst, ssrc) in [
            ((v4a, 4000), (v4b, 5000), 0xDDDD_0001),
            ((v4b, 5000), (v4a, 4000), 0xDDDD_0002),
        ] {
            let mut st = Stream::new(src, dst, ssrc, 8);
            st.packets(0.2, 140, |_| false, |_| 0.0, &mut f);
        }
        f.push(udp(
            2.0,
            (v4b, 5001),
            (v4a, 4001),
            &rtcp_xr_voip(0xDDDD_0002, 0xDDDD_0001, 40, 3, 950),
        ));
        f.push(udp(
            2.1,
            (v4a, 4001),
            (v4b, 5001),
            &rtcp_xr_voip(0xDDDD_0001, 0xDDDD_0002, 1, 0, 60),
        ));
        write_pcap(&dir.join("rtcp-xr.pcap"), f);
    }

    // 8. 11 s of RTP both ways and no RTCP: a call that says nothing about
    //    RTCP (SL440), and the same call turning RTCP off with b=RS:0 and
    //    b=RR:0 (RFC 3556): no finding.
    for (name, extra) in [
        ("rtcp-absent.pcap", ""),
        ("rtcp-off.pcap", "b=RS:0\r\nb=RR:0\r\n"),
    ] {
        let call = Call {
            a: v4a,
            b: v4b,
            call_id: "no-rtcp@gen",
        };
        let mut f = call.signalling(
            &sdp(v4a, 4000, "0", extra),
            &sdp(v4b, 5000, "0", extra),
            11.5,
        );
        for (src, dst, ssrc) in [
            ((v4a, 4000), (v4b, 5000), 0xCC00_0001),
            ((v4b, 5000), (v4a, 4000), 0xCC00_0002),
        ] {
            let mut st = Stream::new(src, dst, ssrc, 0);
            st.packets(0.2, 560, |_| false, |_| 0.0, &mut f);
        }
        write_pcap(&dir.join(name), f);
    }

    // 4. IPv6, the callee sends from an address its answer did not
    //    announce (SL432, NAT-like); rtcp-mux RTCP on the RTP port.
    {
        let a: IpAddr = "2001:db8::1".parse().unwrap();
        let b: IpAddr = "2001:db8::2".parse().unwrap();
        let nat: IpAddr = "2001:db8::99".parse().unwrap();
        let call = Call {
            a,
            b,
            call_id: "ipv6-nat@gen",
        };
        let mut f = call.signalling(
            &sdp(a, 4000, "8", "a=rtcp-mux\r\n"),
            &sdp(b, 5000, "8", "a=rtcp-mux\r\n"),
            1.5,
        );
        let mut ab = Stream {
            src: (a, 4000),
            dst: (b, 5000),
            ssrc: 0x7777_7777,
            pt: 8,
            seq: 10,
            ts: 0,
        };
        ab.packets(0.2, 60, |_| false, |_| 0.0, &mut f);
        let mut ba = Stream {
            src: (nat, 62000),
            dst: (a, 4000),
            ssrc: 0x8888_8888,
            pt: 8,
            seq: 20,
            ts: 0,
        };
        ba.packets(0.2, 60, |_| false, |_| 0.0, &mut f);
        f.push(udp(
            1.0,
            (a, 4000),
            (b, 5000),
            &rtcp_rr(0x7777_7777, 0x8888_8888, 0, 8),
        ));
        write_pcap(&dir.join("ipv6-nat.pcap"), f);
    }
}
