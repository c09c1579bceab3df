//! RTP and RTCP: media next to the signalling.
//!
//! - [`parse_rtp_header`]: the fixed RTP header, CSRC list, header
//!   extension and padding (RFC 3550 §5.1).
//! - [`parse_rtcp_compound`]: a compound RTCP packet (RFC 3550) with
//!   its SR, RR, SDES and BYE packets (§6.4.1, §6.4.2, §6.5, §6.6) and the
//!   validity checks of Appendix A.2; XR packets (RFC 3611) are counted.
//! - [`demux`]: RTP or RTCP on one port (rtcp-mux, RFC 5761 §4: the second
//!   octet 192–223 is an RTCP packet type).
//! - [`parse_telephone_event`]: RFC 4733 §2.3 named telephone events
//!   (DTMF digits).
//! - [`stream`]: per-stream statistics with O(1) memory per stream:
//!   sequence tracking with 16-bit wrap (RFC 3550 A.1), expected, lost,
//!   interarrival jitter (A.8).
//! - [`analyze`]: every UDP payload of a capture → RTP streams (SSRC and
//!   5-tuple) and the RTCP reports about them.
//!
//! Everything here reads bytes that may be anything: every function
//! returns `None` (or skips) on input it does not understand, never panics.

pub mod analyze;
pub mod stream;

pub use analyze::{
    MediaAnalyzer, MediaStream, PayloadTypeCount, ReportedValue, RtcpSummary, TelephoneEventDto,
};

/// The fixed part of an RTP header is 12 octets (RFC 3550 §5.1).
pub const RTP_FIXED_HEADER: usize = 12;

/// An RTP header (RFC 3550 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpHeader {
    /// `V`: always 2 here.
    pub version: u8,
    /// `P`: the payload ends with padding.
    pub padding: bool,
    /// `X`: a header extension follows the CSRC list.
    pub extension: bool,
    /// `CC`: CSRC count.
    pub csrc_count: u8,
    /// `M`: marker (start of a talkspurt for audio).
    pub marker: bool,
    /// `PT`: payload type.
    pub payload_type: u8,
    /// Sequence number.
    pub sequence: u16,
    /// RTP timestamp (media clock units).
    pub timestamp: u32,
    /// Synchronisation source.
    pub ssrc: u32,
    /// Offset of the payload (after CSRCs and the extension).
    pub payload_start: usize,
    /// End of the payload (before the padding).
    pub payload_end: usize,
}

impl RtpHeader {
    /// The payload of `packet` (the datagram this header was read from).
    pub fn payload<'a>(&self, packet: &'a [u8]) -> &'a [u8] {
        packet
            .get(self.payload_start..self.payload_end)
            .unwrap_or(&[])
    }
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        *b.get(at + 3)?,
    ]))
}

/// The RTP header of `packet` (RFC 3550 §5.1):
///
/// ```text
///  0                   1                   2                   3
/// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
/// |                           timestamp                           |
/// |           synchronization source (SSRC) identifier            |
/// |            contributing source (CSRC) identifiers             |
/// ```
///
/// followed by an optional extension (16-bit profile, 16-bit length in
/// 32-bit words). `None` unless the version is 2 and the CSRC
/// list, extension and padding fit in the packet (the padding count is the
/// last octet, §5.1 `P`).
pub fn parse_rtp_header(packet: &[u8]) -> Option<RtpHeader> {
    let b0 = *packet.first()?;
    let b1 = *packet.get(1)?;
    if b0 >> 6 != 2 || packet.len() < RTP_FIXED_HEADER {
        return None;
    }
    let csrc_count = b0 & 0x0f;
    let extension = b0 & 0x10 != 0;
    let padding = b0 & 0x20 != 0;
    let mut start = RTP_FIXED_HEADER + 4 * usize::from(csrc_count);
    if extension {
        let words = be16(packet, start + 2)?;
        start += 4 + 4 * usize::from(words);
    }
    if start > packet.len() {
        return None;
    }
    let mut end = packet.len();
    if padding {
        let pad = usize::from(*packet.last()?);
        if pad == 0 || end - start < pad {
            return None;
        }
        end -= pad;
    }
    Some(RtpHeader {
        version: 2,
        padding,
        extension,
        csrc_count,
        marker: b1 & 0x80 != 0,
        payload_type: b1 & 0x7f,
        sequence: be16(packet, 2)?,
        timestamp: be32(packet, 4)?,
        ssrc: be32(packet, 8)?,
        payload_start: start,
        payload_end: end,
    })
}

/// What a datagram on an RTP port is (RFC 5761 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Demuxed {
    /// An RTP packet.
    Rtp,
    /// An RTCP packet (second octet 192–223: SR 200, RR 201, SDES 202,
    /// BYE 203, APP 204, RTPFB 205, PSFB 206, XR 207…).
    Rtcp,
    /// Neither: not version 2.
    Neither,
}

/// RTP or RTCP, by the version and the second octet: with rtcp-mux,
/// RTCP packet types 192–223 occupy what RTP would read as marker plus
/// payload types 64–95, which RTP must therefore not use (RFC 5761 §4).
pub fn demux(packet: &[u8]) -> Demuxed {
    match (packet.first(), packet.get(1)) {
        (Some(b0), Some(b1)) if b0 >> 6 == 2 => {
            if (192..=223).contains(b1) {
                Demuxed::Rtcp
            } else {
                Demuxed::Rtp
            }
        }
        _ => Demuxed::Neither,
    }
}

/// One reception report block of an SR or RR (RFC 3550).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportBlock {
    /// SSRC of the source this block is about.
    pub ssrc: u32,
    /// Fraction lost since the previous report, in 1/256.
    pub fraction_lost: u8,
    /// Cumulative number of packets lost (24-bit signed).
    pub cumulative_lost: i32,
    /// Extended highest sequence number received.
    pub highest_sequence: u32,
    /// Interarrival jitter, in timestamp units.
    pub jitter: u32,
    /// `LSR`: the middle 32 bits of the NTP timestamp of the last SR
    /// received from that source (0: none yet, RFC 3550 §6.4.1).
    pub last_sr: u32,
    /// `DLSR`: the delay between receiving that SR and sending this
    /// block, in 1/65536 s (0: no SR yet).
    pub delay_since_last_sr: u32,
}

/// The loss and delay of an XR VoIP metrics report block (RFC 3611 §4.7,
/// block type 7): the fixed-point fractions and the delay as the reporter
/// measured them since the beginning of reception.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoipMetrics {
    /// SSRC of the source this block is about.
    pub ssrc: u32,
    /// Packets lost since the beginning of reception, in 1/256.
    pub loss_rate: u8,
    /// Packets discarded (late, early, jitter buffer overflow), in 1/256.
    pub discard_rate: u8,
    /// The latest round trip between the RTP interfaces, ms (0: none).
    pub round_trip_delay: u16,
}

/// One RTCP packet of a compound packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RtcpPacket {
    /// Sender report (PT 200).
    SenderReport {
        /// Sender SSRC.
        ssrc: u32,
        /// The middle 32 bits of its NTP timestamp: what receivers echo
        /// as `LSR` (RFC 3550 §6.4.1).
        ntp_middle: u32,
        /// Sender's packet count.
        packets: u32,
        /// Sender's octet count.
        octets: u32,
        /// Reception report blocks.
        reports: Vec<ReportBlock>,
    },
    /// Receiver report (PT 201).
    ReceiverReport {
        /// Reporter SSRC.
        ssrc: u32,
        /// Reception report blocks.
        reports: Vec<ReportBlock>,
    },
    /// Source description (PT 202): the CNAME of the first chunk.
    SourceDescription {
        /// CNAME, when the first chunk has one.
        cname: Option<String>,
    },
    /// Goodbye (PT 203).
    Bye {
        /// The sources leaving.
        ssrcs: Vec<u32>,
    },
    /// Extended report (PT 207, RFC 3611): its report block types.
    ExtendedReport {
        /// Reporter SSRC.
        ssrc: u32,
        /// Block types (RFC 3611; 7 is VoIP metrics).
        blocks: Vec<u8>,
        /// Its VoIP metrics blocks (block type 7).
        voip: Vec<VoipMetrics>,
    },
    /// Any other packet type (APP 204, feedback 205/206…).
    Other {
        /// Packet type.
        packet_type: u8,
    },
}

fn report_blocks(b: &[u8], at: usize, count: u8) -> Option<Vec<ReportBlock>> {
    (0..usize::from(count))
        .map(|i| {
            let o = at + 24 * i;
            let lost = be32(b, o + 4)?;
            // 24-bit two's complement.
            let cumulative_lost = ((lost << 8) as i32) >> 8;
            Some(ReportBlock {
                ssrc: be32(b, o)?,
                fraction_lost: (lost >> 24) as u8,
                cumulative_lost,
                highest_sequence: be32(b, o + 8)?,
                jitter: be32(b, o + 12)?,
                last_sr: be32(b, o + 16)?,
                delay_since_last_sr: be32(b, o + 20)?,
            })
        })
        .collect()
}

/// Every packet of a compound RTCP packet (RFC 3550), or `None`
/// when it fails the validity checks of Appendix A.2: version 2 in every
/// packet, the first packet an SR or RR (or, tolerated as many senders
/// do, an XR), padding only on the last packet, and the lengths adding up
/// to the datagram's length.
pub fn parse_rtcp_compound(data: &[u8]) -> Option<Vec<RtcpPacket>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let b0 = *data.get(at)?;
        let pt = *data.get(at + 1)?;
        let len = 4 * (usize::from(be16(data, at + 2)?) + 1);
        if b0 >> 6 != 2 || at + len > data.len() || !(192..=223).contains(&pt) {
            return None;
        }
        let last = at + len == data.len();
        if b0 & 0x20 != 0 && !last {
            return None;
        }
        if out.is_empty() && !matches!(pt, 200 | 201 | 207) {
            return None;
        }
        let count = b0 & 0x1f;
        let body = &data[at..at + len];
        out.push(match pt {
            200 => RtcpPacket::SenderReport {
                ssrc: be32(body, 4)?,
                ntp_middle: be32(body, 10)?,
                packets: be32(body, 20)?,
                octets: be32(body, 24)?,
                reports: report_blocks(body, 28, count)?,
            },
            201 => RtcpPacket::ReceiverReport {
                ssrc: be32(body, 4)?,
                reports: report_blocks(body, 8, count)?,
            },
            202 => RtcpPacket::SourceDescription {
                cname: sdes_cname(body, count),
            },
            203 => RtcpPacket::Bye {
                ssrcs: (0..usize::from(count))
                    .map(|i| be32(body, 4 + 4 * i))
                    .collect::<Option<_>>()?,
            },
            207 => {
                let (blocks, voip) = xr_blocks(body);
                RtcpPacket::ExtendedReport {
                    ssrc: be32(body, 4)?,
                    blocks,
                    voip,
                }
            }
            packet_type => RtcpPacket::Other { packet_type },
        });
        at += len;
    }
    (!out.is_empty()).then_some(out)
}

/// The CNAME (item type 1) of the first SDES chunk (RFC 3550).
fn sdes_cname(body: &[u8], count: u8) -> Option<String> {
    if count == 0 {
        return None;
    }
    let mut at = 8;
    loop {
        let kind = *body.get(at)?;
        if kind == 0 {
            return None;
        }
        let len = usize::from(*body.get(at + 1)?);
        let text = body.get(at + 2..at + 2 + len)?;
        if kind == 1 {
            return Some(String::from_utf8_lossy(text).into_owned());
        }
        at += 2 + len;
    }
}

/// Block types of an XR packet (RFC 3611: type, type-specific, length in
/// words) and its VoIP metrics blocks (type 7, eight words after the
/// header: SSRC, loss rate, discard rate, burst and gap densities and
/// durations, round trip delay…, RFC 3611 §4.7).
fn xr_blocks(body: &[u8]) -> (Vec<u8>, Vec<VoipMetrics>) {
    let (mut out, mut voip) = (Vec::new(), Vec::new());
    let mut at = 8;
    while let (Some(&bt), Some(words)) = (body.get(at), be16(body, at + 2)) {
        out.push(bt);
        if bt == 7 && words >= 8 {
            if let (Some(ssrc), Some(&loss), Some(&discard), Some(rtt)) = (
                be32(body, at + 4),
                body.get(at + 8),
                body.get(at + 9),
                be16(body, at + 16),
            ) {
                voip.push(VoipMetrics {
                    ssrc,
                    loss_rate: loss,
                    discard_rate: discard,
                    round_trip_delay: rtt,
                });
            }
        }
        at += 4 + 4 * usize::from(words);
        if out.len() >= 32 {
            break;
        }
    }
    (out, voip)
}

/// One RFC 4733 telephone-event payload (§2.3):
///
/// ```text
/// |     event     |E|R| volume    |          duration             |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TelephoneEvent {
    /// Event code (0–9, 10 `*`, 11 `#`, 12–15 `A`–`D`, RFC 4733 §3).
    pub event: u8,
    /// `E`: the last packets of the event.
    pub end: bool,
    /// Power level, −dBm0.
    pub volume: u8,
    /// Duration so far, in timestamp units.
    pub duration: u16,
}

impl TelephoneEvent {
    /// The DTMF key of this event (RFC 4733 §3), or the event
    /// code in decimal for other events.
    pub fn key(&self) -> String {
        const KEYS: &[u8; 16] = b"0123456789*#ABCD";
        match KEYS.get(usize::from(self.event)) {
            Some(&k) => char::from(k).to_string(),
            None => self.event.to_string(),
        }
    }
}

/// A telephone-event payload (RFC 4733 §2.3); `None` when shorter than 4
/// octets.
pub fn parse_telephone_event(payload: &[u8]) -> Option<TelephoneEvent> {
    let b1 = *payload.get(1)?;
    Some(TelephoneEvent {
        event: *payload.first()?,
        end: b1 & 0x80 != 0,
        volume: b1 & 0x3f,
        duration: be16(payload, 2)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rtp_header_known_answers() {
        // V=2, no P/X/CC, M=1 PT=8, seq 0x1234, ts 160, ssrc 0xdeadbeef.
        let mut p = vec![0x80, 0x88, 0x12, 0x34, 0, 0, 0, 160, 0xde, 0xad, 0xbe, 0xef];
        p.extend([0xd5; 160]);
        let h = parse_rtp_header(&p).unwrap();
        assert!(h.marker);
        assert_eq!(
            (h.payload_type, h.sequence, h.timestamp, h.ssrc),
            (8, 0x1234, 160, 0xdead_beef)
        );
        assert_eq!(h.payload(&p).len(), 160);
        // One CSRC, an extension of one word, 3 octets of padding.
        let mut q = vec![0xb1, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1];
        q.extend([0, 0, 0, 9]); // CSRC
        q.extend([0xbe, 0xde, 0, 1, 1, 2, 3, 4]); // extension
        q.extend([7, 7]); // payload
        q.extend([0, 0, 3]); // padding
        let h = parse_rtp_header(&q).unwrap();
        assert_eq!(h.payload(&q), &[7, 7]);
        // Truncated extension, bad padding, version 1.
        assert!(parse_rtp_header(&q[..18]).is_none());
        let mut bad = q.clone();
        *bad.last_mut().unwrap() = 200;
        assert!(parse_rtp_header(&bad).is_none());
        assert!(parse_rtp_header(&[0x40; 20]).is_none());
        assert!(parse_rtp_header(&[]).is_none());
    }

    #[test]
    fn rtcp_compound_known_answers() {
        // RR with one block + SDES CNAME "ab" + BYE.
        let mut c = vec![0x81, 201, 0, 7, 0, 0, 0, 1];
        c.extend([0, 0, 0, 2, 0x40, 0xff, 0xff, 0xfe, 0, 1, 0, 5, 0, 0, 0, 80]);
        c.extend([0, 0, 0, 0, 0, 0, 0, 0]);
        c.extend([0x81, 202, 0, 2, 0, 0, 0, 1, 1, 2, b'a', b'b']);
        c.extend([0x81, 203, 0, 1, 0, 0, 0, 1]);
        let p = parse_rtcp_compound(&c).unwrap();
        assert_eq!(p.len(), 3);
        let RtcpPacket::ReceiverReport { ssrc, reports } = &p[0] else {
            panic!("{p:?}")
        };
        assert_eq!(*ssrc, 1);
        assert_eq!(reports[0].ssrc, 2);
        assert_eq!(reports[0].fraction_lost, 0x40);
        assert_eq!(reports[0].cumulative_lost, -2);
        assert_eq!(reports[0].highest_sequence, 0x10005);
        assert_eq!(reports[0].jitter, 80);
        assert_eq!((reports[0].last_sr, reports[0].delay_since_last_sr), (0, 0));
        // An SR: NTP 0xb44db705:20000000 → LSR 0xb7052000 (RFC 3550
        // §6.4.1, Fig. 2), one block with LSR and DLSR 5.25 s.
        let mut sr = vec![0x81, 200, 0, 12, 0, 0, 0, 9];
        sr.extend([0xb4, 0x4d, 0xb7, 0x05, 0x20, 0, 0, 0]);
        sr.extend([0u8; 12]);
        sr.extend([0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
        sr.extend([0xb7, 0x05, 0x20, 0x00, 0x00, 0x05, 0x40, 0x00]);
        let q = parse_rtcp_compound(&sr).unwrap();
        let RtcpPacket::SenderReport {
            ntp_middle,
            reports: blocks,
            ..
        } = &q[0]
        else {
            panic!("{q:?}")
        };
        assert_eq!(*ntp_middle, 0xb705_2000);
        assert_eq!(blocks[0].last_sr, 0xb705_2000);
        assert_eq!(blocks[0].delay_since_last_sr, 0x0005_4000);
        assert_eq!(
            p[1],
            RtcpPacket::SourceDescription {
                cname: Some("ab".into())
            }
        );
        assert_eq!(p[2], RtcpPacket::Bye { ssrcs: vec![1] });
        // Lengths that do not add up; a first packet that is not SR/RR.
        assert!(parse_rtcp_compound(&c[..c.len() - 1]).is_none());
        assert!(parse_rtcp_compound(&c[32..]).is_none());
        assert_eq!(demux(&c), Demuxed::Rtcp);
        assert_eq!(demux(&[0x80, 0x08]), Demuxed::Rtp);
        assert_eq!(demux(&[0x00, 0x08]), Demuxed::Neither);
    }

    #[test]
    fn telephone_event_known_answers() {
        let e = parse_telephone_event(&[11, 0x8a, 0x03, 0x20]).unwrap();
        assert_eq!(
            (e.key(), e.end, e.volume, e.duration),
            ("#".into(), true, 10, 800)
        );
        assert_eq!(parse_telephone_event(&[16, 0, 0, 0]).unwrap().key(), "16");
        assert!(parse_telephone_event(&[1, 2, 3]).is_none());
    }
}
