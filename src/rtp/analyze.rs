//! Every UDP payload of a capture → RTP streams and RTCP reports.
//!
//! A stream is one SSRC on one 5-tuple (source and destination address
//! and port), as Wireshark counts them. Datagrams are
//! demultiplexed RTP/RTCP by their second octet (RFC 5761 §4), so RTCP on
//! the RTP port (rtcp-mux) and on another port (port + 1, RFC 3605 §2.1)
//! are read alike; RTCP is kept per SSRC (what a source sent, what the
//! others reported about it) and joined to the stream of that SSRC.
//!
//! Random UDP can start with the bits of RTP version 2, so a candidate
//! becomes a stream only when the signalling announced one of its
//! addresses (an SDP `c=`/`m=` address and port, [`MediaAnalyzer::announce`])
//! or, unannounced, when it shows a run of [`MIN_RUN`] packets with
//! consecutive sequence numbers and a payload type that RTP may use
//! (RFC 3551 §6: 0–34 static or 96–127 dynamic). Candidates that fail are
//! counted, not reported.
//!
//! Memory is O(1) per stream: counters, a few payload-type counters, and
//! at most [`MAX_EVENTS`] telephone events; and at most
//! [`MAX_CANDIDATES`] unannounced candidates.

use std::collections::HashMap;
use std::net::IpAddr;

use serde::Serialize;

use super::stream::StreamStats;
use super::{
    demux, parse_rtcp_compound, parse_rtp_header, parse_telephone_event, Demuxed, RtcpPacket,
};

/// Consecutive sequence numbers an unannounced candidate needs.
pub const MIN_RUN: u64 = 5;
/// Unannounced candidates kept at most: past this, a datagram that would
/// start a new unannounced candidate is counted in `other_datagrams`
/// instead (random UDP such as ESP in UDP makes one candidate per packet;
/// this bounds the memory it takes).
pub const MAX_CANDIDATES: usize = 100_000;
/// Telephone events kept per stream.
pub const MAX_EVENTS: usize = 256;
/// SRs remembered per SSRC for the round trip: a reporter echoes the
/// last one it received, a few intervals back at most.
const MAX_SR_KEPT: usize = 8;
/// Payload types counted per stream (more are counted as `other`).
const MAX_PAYLOAD_TYPES: usize = 8;

/// What the signalling says about one payload type at an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadInfo {
    /// Payload type.
    pub payload_type: u8,
    /// Encoding name (rtpmap, else the RFC 3551 static table).
    pub name: String,
    /// Clock rate, Hz.
    pub clock_rate: Option<u32>,
}

/// One datagram handed to the analyser.
#[derive(Debug, Clone, Copy)]
pub struct Datagram<'a> {
    /// 1-based capture frame.
    pub frame: u64,
    /// Capture time, seconds since the Unix epoch.
    pub time: Option<f64>,
    /// Source address.
    pub src: IpAddr,
    /// Source port.
    pub src_port: u16,
    /// Destination address.
    pub dst: IpAddr,
    /// Destination port.
    pub dst_port: u16,
    /// UDP payload.
    pub data: &'a [u8],
}

/// Count of one payload type in a stream.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct PayloadTypeCount {
    /// Payload type.
    pub payload_type: u8,
    /// Codec by the SDP rtpmap, else the RFC 3551 static table.
    pub codec: Option<String>,
    /// Clock rate (Hz), when known.
    pub clock_rate: Option<u32>,
    /// Packets.
    pub packets: u64,
}

/// One RFC 4733 telephone event (a DTMF key press).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct TelephoneEventDto {
    /// The key (`0`–`9`, `*`, `#`, `A`–`D`) or the event code.
    pub key: String,
    /// Frame of its first packet.
    pub frame: u64,
    /// Time of its first packet (seconds since the Unix epoch).
    pub time: Option<f64>,
    /// Duration in ms (the last duration field over the clock rate).
    pub duration_ms: Option<f64>,
    /// An end packet (E bit) was seen.
    pub ended: bool,
}

/// One value read in an RTCP report block, with where it was read: the
/// evidence of a media finding.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ReportedValue {
    /// The value, in the unit of the field holding it.
    pub value: f64,
    /// Frame of the RTCP packet.
    pub frame: u64,
    /// Its capture time (seconds since the Unix epoch).
    pub time: Option<f64>,
    /// SSRC of the reporter (the sender of the SR or RR).
    pub reporter: u32,
}

/// RTCP about one stream's SSRC.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct RtcpSummary {
    /// Sender reports this SSRC sent.
    pub sender_reports: u64,
    /// Report blocks (in SRs or RRs of other sources) about this SSRC.
    pub report_blocks: u64,
    /// Fraction lost in the last block, percent.
    pub last_fraction_lost: Option<f64>,
    /// Cumulative lost in the last block.
    pub last_cumulative_lost: Option<i32>,
    /// Highest jitter reported (timestamp units).
    pub max_reported_jitter: Option<u32>,
    /// XR packets this SSRC sent (RFC 3611).
    pub extended_reports: u64,
    /// Frame of a BYE naming this SSRC.
    pub bye_frame: Option<u64>,
    /// The block with the highest fraction lost (percent).
    pub max_fraction_lost: Option<ReportedValue>,
    /// The block with the highest interarrival jitter (timestamp units).
    pub max_jitter_report: Option<ReportedValue>,
    /// The highest round trip (ms) between the capture point and a
    /// reporter: the block's arrival here, less the capture time of the SR
    /// its `LSR` echoes, less its `DLSR` (RFC 3550 §6.4.1 `A − LSR − DLSR`
    /// with both times on the capture's clock).
    pub max_round_trip: Option<ReportedValue>,
    /// The XR VoIP metrics block (RFC 3611 §4.7) with the highest loss
    /// rate (percent, since the beginning of reception).
    pub max_xr_loss: Option<ReportedValue>,
    /// The XR VoIP metrics block with the longest round trip delay (ms,
    /// between the RTP interfaces, as the reporter measured it).
    pub max_xr_round_trip: Option<ReportedValue>,
}

/// One RTP stream.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct MediaStream {
    /// Position in the list.
    pub id: usize,
    /// Source address.
    pub src_addr: String,
    /// Source port.
    pub src_port: u16,
    /// Destination address.
    pub dst_addr: String,
    /// Destination port.
    pub dst_port: u16,
    /// SSRC.
    pub ssrc: u32,
    /// First and last frame.
    pub first_frame: u64,
    /// Last frame.
    pub last_frame: u64,
    /// Time of the first packet (seconds since the Unix epoch).
    pub first_time: Option<f64>,
    /// Time of the last packet.
    pub last_time: Option<f64>,
    /// Packets received.
    pub packets: u64,
    /// Expected by sequence numbers (RFC 3550 A.3).
    pub expected: u64,
    /// Expected − received (negative with duplicates).
    pub lost: i64,
    /// Packets out of sequence (gaps, duplicates, late).
    pub sequence_errors: u64,
    /// Packets with the marker bit.
    pub markers: u64,
    /// Longest time between two packets, ms.
    pub max_delta_ms: Option<f64>,
    /// Frame that ended the longest gap.
    pub max_delta_frame: Option<u64>,
    /// Highest interarrival jitter, ms (RFC 3550 A.8; absent when no
    /// clock rate is known).
    pub max_jitter_ms: Option<f64>,
    /// Mean interarrival jitter, ms.
    pub mean_jitter_ms: Option<f64>,
    /// Payload types seen, in order of appearance.
    pub payload_types: Vec<PayloadTypeCount>,
    /// Packets with payload types beyond the first few.
    pub other_payload_packets: u64,
    /// RFC 4733 telephone events (DTMF), at most [`MAX_EVENTS`].
    pub events: Vec<TelephoneEventDto>,
    /// RTCP about this SSRC, when any was seen.
    pub rtcp: Option<RtcpSummary>,
    /// True when an SDP announced its source or destination.
    pub announced: bool,
    /// The stream this one follows on the same 5-tuple with another SSRC
    /// (an SSRC change).
    pub follows: Option<usize>,
    /// The call ([`crate::trace::Trace::calls`] index) it belongs to, set
    /// by the trace's SDP binding.
    pub call: Option<usize>,
    /// The message whose SDP bound it.
    pub sdp_message: Option<usize>,
    /// How it was bound: `destination` (it is sent to an address an SDP
    /// announced) or `source` (it comes from one).
    pub bound_by: Option<&'static str>,
}

#[derive(Debug, Clone)]
struct Candidate {
    key: (IpAddr, u16, IpAddr, u16),
    ssrc: u32,
    stats: StreamStats,
    first_frame: u64,
    last_frame: u64,
    first_time: Option<f64>,
    last_time: Option<f64>,
    pts: Vec<PayloadTypeCount>,
    other_pts: u64,
    events: Vec<TelephoneEventDto>,
    /// Timestamp of the current telephone event.
    event_ts: Option<u32>,
    announced: bool,
    plausible_pts: bool,
    follows: Option<usize>,
}

/// Reads datagrams one at a time; [`MediaAnalyzer::finish`] lists the streams.
#[derive(Debug, Default)]
pub struct MediaAnalyzer {
    candidates: Vec<Candidate>,
    index: HashMap<(IpAddr, u16, IpAddr, u16, u32), usize>,
    /// Latest candidate of each 5-tuple (for SSRC changes).
    latest: HashMap<(IpAddr, u16, IpAddr, u16), usize>,
    /// Payload maps of announced addresses (the latest SDP wins).
    announced: HashMap<(IpAddr, u16), Vec<PayloadInfo>>,
    /// Addresses an SDP announced for media that is not RTP (`udptl`
    /// T.38, `TCP/MSRP`…): their datagrams are not RTP even when their
    /// first bits look like it.
    not_rtp: HashMap<(IpAddr, u16), ()>,
    rtcp: HashMap<u32, RtcpSummary>,
    /// The latest SRs of each SSRC: NTP middle 32 bits and capture time
    /// (at most [`MAX_SR_KEPT`] each), for the round trip of the blocks
    /// that echo them.
    sr_sent: HashMap<u32, Vec<(u32, Option<f64>)>>,
    /// RTCP compound packets read.
    pub rtcp_packets: u64,
    /// UDP datagrams that were neither RTP nor valid RTCP.
    pub other_datagrams: u64,
}

fn plausible_pt(pt: u8) -> bool {
    pt <= 34 || pt >= 96
}

impl MediaAnalyzer {
    /// Records what an SDP announced: media at `addr:port` with these
    /// payload types. (RTCP needs no announcement: it is recognised by its
    /// content wherever it arrives and joined to streams by SSRC.)
    pub fn announce(&mut self, addr: IpAddr, port: u16, pts: Vec<PayloadInfo>) {
        self.announced.insert((addr, port), pts);
        self.not_rtp.remove(&(addr, port));
    }

    /// Records that an SDP announced media other than RTP at `addr:port`
    /// (a T.38 fax switch moves a port from RTP to `udptl`).
    pub fn announce_not_rtp(&mut self, addr: IpAddr, port: u16) {
        self.announced.remove(&(addr, port));
        self.not_rtp.insert((addr, port), ());
    }

    /// True when `addr:port` was announced as an RTP address so far.
    pub fn is_announced(&self, addr: IpAddr, port: u16) -> bool {
        self.announced.contains_key(&(addr, port))
    }

    fn payload_info(&self, d: &Datagram<'_>, pt: u8) -> Option<PayloadInfo> {
        [(d.dst, d.dst_port), (d.src, d.src_port)]
            .iter()
            .filter_map(|k| self.announced.get(k))
            .find_map(|m| m.iter().find(|p| p.payload_type == pt).cloned())
            .or_else(|| {
                crate::parse::sdp::static_payload(pt).map(|s| PayloadInfo {
                    payload_type: pt,
                    name: s.name.to_owned(),
                    clock_rate: Some(s.clock_rate),
                })
            })
    }

    /// Reads one UDP datagram that is not SIP.
    pub fn push(&mut self, d: &Datagram<'_>) {
        match demux(d.data) {
            Demuxed::Rtcp => match parse_rtcp_compound(d.data) {
                Some(packets) => self.rtcp(d.frame, d.time, &packets),
                None => self.other_datagrams += 1,
            },
            Demuxed::Rtp
                if self.not_rtp.contains_key(&(d.dst, d.dst_port))
                    || self.not_rtp.contains_key(&(d.src, d.src_port)) =>
            {
                self.other_datagrams += 1;
            }
            Demuxed::Rtp => match parse_rtp_header(d.data) {
                Some(h) => self.rtp(d, &h),
                None => self.other_datagrams += 1,
            },
            Demuxed::Neither => self.other_datagrams += 1,
        }
    }

    fn rtcp(&mut self, frame: u64, time: Option<f64>, packets: &[RtcpPacket]) {
        self.rtcp_packets += 1;
        let at = |value: f64, reporter: u32| ReportedValue {
            value,
            frame,
            time,
            reporter,
        };
        let higher = |slot: &mut Option<ReportedValue>, v: ReportedValue| {
            if slot.as_ref().is_none_or(|x| v.value > x.value) {
                *slot = Some(v);
            }
        };
        for p in packets {
            let (reporter, reports) = match p {
                RtcpPacket::SenderReport {
                    ssrc,
                    ntp_middle,
                    reports,
                    ..
                } => {
                    self.rtcp.entry(*ssrc).or_default().sender_reports += 1;
                    let kept = self.sr_sent.entry(*ssrc).or_default();
                    if kept.len() >= MAX_SR_KEPT {
                        kept.remove(0);
                    }
                    kept.push((*ntp_middle, time));
                    (*ssrc, reports)
                }
                RtcpPacket::ReceiverReport { ssrc, reports } => (*ssrc, reports),
                RtcpPacket::ExtendedReport { ssrc, voip, .. } => {
                    self.rtcp.entry(*ssrc).or_default().extended_reports += 1;
                    for v in voip {
                        let s = self.rtcp.entry(v.ssrc).or_default();
                        let loss = f64::from(v.loss_rate) * 100.0 / 256.0;
                        higher(&mut s.max_xr_loss, at(loss, *ssrc));
                        if v.round_trip_delay > 0 {
                            higher(
                                &mut s.max_xr_round_trip,
                                at(f64::from(v.round_trip_delay), *ssrc),
                            );
                        }
                    }
                    continue;
                }
                RtcpPacket::Bye { ssrcs } => {
                    for s in ssrcs {
                        self.rtcp
                            .entry(*s)
                            .or_default()
                            .bye_frame
                            .get_or_insert(frame);
                    }
                    continue;
                }
                RtcpPacket::SourceDescription { .. } | RtcpPacket::Other { .. } => continue,
            };
            for r in reports {
                // A.8 jitter and loss as the reporter saw them; the round
                // trip from the SR this block echoes, when it was captured.
                let rtt = (r.last_sr != 0)
                    .then(|| self.sr_sent.get(&r.ssrc))
                    .flatten()
                    .and_then(|kept| kept.iter().rev().find(|(ntp, _)| *ntp == r.last_sr))
                    .and_then(|&(_, sent)| {
                        let rtt = time? - sent? - f64::from(r.delay_since_last_sr) / 65536.0;
                        (rtt >= 0.0).then(|| (rtt * 1e6).round() / 1e3)
                    });
                let s = self.rtcp.entry(r.ssrc).or_default();
                s.report_blocks += 1;
                let fraction = f64::from(r.fraction_lost) * 100.0 / 256.0;
                s.last_fraction_lost = Some(fraction);
                s.last_cumulative_lost = Some(r.cumulative_lost);
                s.max_reported_jitter = Some(s.max_reported_jitter.unwrap_or(0).max(r.jitter));
                higher(&mut s.max_fraction_lost, at(fraction, reporter));
                higher(&mut s.max_jitter_report, at(f64::from(r.jitter), reporter));
                if let Some(ms) = rtt {
                    higher(&mut s.max_round_trip, at(ms, reporter));
                }
            }
        }
    }

    fn rtp(&mut self, d: &Datagram<'_>, h: &super::RtpHeader) {
        let five = (d.src, d.src_port, d.dst, d.dst_port);
        let key = (d.src, d.src_port, d.dst, d.dst_port, h.ssrc);
        let announced =
            self.is_announced(d.dst, d.dst_port) || self.is_announced(d.src, d.src_port);
        let info = self.payload_info(d, h.payload_type);
        let i = match self.index.get(&key) {
            Some(&i) => i,
            None if !announced && self.candidates.len() >= MAX_CANDIDATES => {
                self.other_datagrams += 1;
                return;
            }
            None => {
                let i = self.candidates.len();
                let follows = self.latest.insert(five, i);
                self.index.insert(key, i);
                self.candidates.push(Candidate {
                    key: five,
                    ssrc: h.ssrc,
                    stats: StreamStats::default(),
                    first_frame: d.frame,
                    last_frame: d.frame,
                    first_time: d.time,
                    last_time: d.time,
                    pts: Vec::new(),
                    other_pts: 0,
                    events: Vec::new(),
                    event_ts: None,
                    announced,
                    plausible_pts: true,
                    follows,
                });
                i
            }
        };
        let c = &mut self.candidates[i];
        c.announced |= announced;
        c.plausible_pts &= plausible_pt(h.payload_type);
        c.last_frame = d.frame;
        c.last_time = d.time.or(c.last_time);
        let name = info.as_ref().map(|p| p.name.as_str()).unwrap_or("");
        let cn = h.payload_type == 13 || name.eq_ignore_ascii_case("CN");
        let clock = info.as_ref().and_then(|p| p.clock_rate);
        let event = name.eq_ignore_ascii_case("telephone-event");
        c.stats
            .push(d.frame, d.time, h, clock.filter(|_| !event), cn);
        if let Some(p) = c.pts.iter_mut().find(|p| p.payload_type == h.payload_type) {
            p.packets += 1;
        } else if c.pts.len() < MAX_PAYLOAD_TYPES {
            c.pts.push(PayloadTypeCount {
                payload_type: h.payload_type,
                codec: info.as_ref().map(|p| p.name.clone()),
                clock_rate: clock,
                packets: 1,
            });
        } else {
            c.other_pts += 1;
        }
        if event {
            if let Some(e) = parse_telephone_event(h.payload(d.data)) {
                let ms = clock
                    .filter(|&r| r > 0)
                    .map(|r| f64::from(e.duration) * 1000.0 / f64::from(r));
                if c.event_ts != Some(h.timestamp) {
                    c.event_ts = Some(h.timestamp);
                    if c.events.len() < MAX_EVENTS {
                        c.events.push(TelephoneEventDto {
                            key: e.key(),
                            frame: d.frame,
                            time: d.time,
                            duration_ms: ms,
                            ended: e.end,
                        });
                    }
                } else if let Some(last) = c.events.last_mut() {
                    last.duration_ms = ms.or(last.duration_ms);
                    last.ended |= e.end;
                }
            }
        }
    }

    /// Candidates that did not qualify as streams (random UDP that looked
    /// like RTP version 2).
    pub fn rejected(&self) -> usize {
        self.candidates.iter().filter(|c| !qualifies(c)).count()
    }

    /// The streams, in order of their first packet.
    pub fn finish(&self) -> Vec<MediaStream> {
        let mut ids = vec![None; self.candidates.len()];
        let mut out = Vec::new();
        for (i, c) in self.candidates.iter().enumerate() {
            if !qualifies(c) {
                continue;
            }
            ids[i] = Some(out.len());
            let s = &c.stats;
            let ms = |v: f64| (v * 1e6).round() / 1e3;
            out.push(MediaStream {
                id: out.len(),
                src_addr: c.key.0.to_string(),
                src_port: c.key.1,
                dst_addr: c.key.2.to_string(),
                dst_port: c.key.3,
                ssrc: c.ssrc,
                first_frame: c.first_frame,
                last_frame: c.last_frame,
                first_time: c.first_time,
                last_time: c.last_time,
                packets: s.packets,
                expected: s.expected(),
                lost: s.lost(),
                sequence_errors: s.sequence_errors,
                markers: s.markers,
                max_delta_ms: s.max_delta.map(|(d, _)| ms(d)),
                max_delta_frame: s.max_delta.map(|(_, f)| f),
                max_jitter_ms: s.max_jitter.map(ms),
                mean_jitter_ms: s.mean_jitter().map(ms),
                payload_types: c.pts.clone(),
                other_payload_packets: c.other_pts,
                events: c.events.clone(),
                rtcp: self.rtcp.get(&c.ssrc).cloned(),
                announced: c.announced,
                follows: c.follows.and_then(|f| ids.get(f).copied().flatten()),
                call: None,
                sdp_message: None,
                bound_by: None,
            });
        }
        out
    }
}

fn qualifies(c: &Candidate) -> bool {
    c.announced || (c.plausible_pts && c.stats.longest_run >= MIN_RUN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rtp(seq: u16, ts: u32, ssrc: u32, pt: u8) -> Vec<u8> {
        let mut p = vec![0x80, pt];
        p.extend(seq.to_be_bytes());
        p.extend(ts.to_be_bytes());
        p.extend(ssrc.to_be_bytes());
        p.extend([0u8; 20]);
        p
    }

    fn dg(frame: u64, data: &[u8], dst_port: u16) -> Datagram<'_> {
        Datagram {
            frame,
            time: Some(frame as f64 * 0.02),
            src: "10.0.0.1".parse().unwrap(),
            src_port: 4000,
            dst: "10.0.0.2".parse().unwrap(),
            dst_port,
            data,
        }
    }

    #[test]
    fn unannounced_needs_a_run_and_announced_does_not() {
        let mut a = MediaAnalyzer::default();
        for i in 0..4u16 {
            a.push(&dg(
                u64::from(i) + 1,
                &rtp(i, u32::from(i) * 160, 7, 0),
                5000,
            ));
        }
        assert!(a.finish().is_empty());
        a.push(&dg(5, &rtp(4, 640, 7, 0), 5000));
        assert_eq!(a.finish().len(), 1);
        a.announce("10.0.0.2".parse().unwrap(), 6000, Vec::new());
        a.push(&dg(6, &rtp(9, 0, 8, 0), 6000));
        let s = a.finish();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].payload_types[0].codec.as_deref(), Some("PCMU"));
        assert!(s[1].announced);
        // Random bytes with version 2 that never run in sequence.
        let mut b = MediaAnalyzer::default();
        for i in 0..50u16 {
            b.push(&dg(
                u64::from(i),
                &rtp(i.wrapping_mul(7919), 0, u32::from(i), 0),
                53,
            ));
        }
        assert!(b.finish().is_empty());
        assert_eq!(b.rejected(), 50);
    }

    #[test]
    fn ssrc_change_and_dtmf() {
        let mut a = MediaAnalyzer::default();
        a.announce(
            "10.0.0.2".parse().unwrap(),
            5000,
            vec![PayloadInfo {
                payload_type: 101,
                name: "telephone-event".into(),
                clock_rate: Some(8000),
            }],
        );
        a.push(&dg(1, &rtp(1, 0, 7, 0), 5000));
        let mut ev = rtp(2, 800, 7, 101);
        ev.truncate(12);
        ev.extend([5, 0x0a, 0, 160]);
        a.push(&dg(2, &ev, 5000));
        ev[12..].copy_from_slice(&[5, 0x8a, 3, 0x20]);
        a.push(&dg(3, &ev, 5000));
        a.push(&dg(4, &rtp(50, 0, 9, 0), 5000));
        let s = a.finish();
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].follows, Some(0));
        assert_eq!(s[0].events.len(), 1);
        assert_eq!(s[0].events[0].key, "5");
        assert_eq!(s[0].events[0].duration_ms, Some(100.0));
        assert!(s[0].events[0].ended);
    }
}
