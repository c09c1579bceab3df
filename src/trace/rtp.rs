//! Media next to the signalling: RTP streams of a capture bound to the
//! calls whose SDP announced them, and the media findings (`SL43x`).
//!
//! While the capture is read, every SDP (offer or answer, RFC 3264) tells
//! the analyser ([`crate::rtp::MediaAnalyzer`]) where its sender wants to
//! receive media: the `c=` address (media level, else session level,
//! RFC 8866 §5.7) and the `m=` port of each RTP media section not
//! rejected (port 0), with its payload types (rtpmap, else the RFC 3551
//! static table). RTCP needs no address: wherever it arrives — on the RTP
//! port with `a=rtcp-mux` (RFC 5761 §5.1.1), on port + 1 or at the
//! `a=rtcp` port (RFC 3605 §2.1) — it is recognised by its content and
//! joined to its streams by SSRC. A re-INVITE or UPDATE announcing a new
//! address adds it; the latest
//! announcement of an address wins. Every UDP datagram that is not SIP
//! goes to the analyser in capture order, so the payload types known at
//! each packet are those announced before it.
//!
//! At the end each stream is bound to the call of the latest SDP (before
//! its first packet, else the first one) that announced its destination
//! (`destination`: the receiver asked for it there) or else its source
//! (`source`: symmetric RTP from an announced address). Streams no SDP
//! announced are still listed, with no call.

use std::collections::HashMap;
use std::net::IpAddr;

use serde::Serialize;

use super::capture::Payload;
use super::correlate::Call;
use super::model::{FlowFinding, MessageSummary, SdpRole};
use crate::finding::Rule;
use crate::parse::sdp::{Direction, Sdp};
use crate::rtp::analyze::PayloadInfo;
use crate::rtp::{MediaAnalyzer, MediaStream};

/// A silence longer than this inside a stream is a finding (ms).
pub const SILENCE_GAP_MS: f64 = 2000.0;
/// An answered exchange is judged for one-way or missing media only
/// when the call (or the capture) lasts this long after the answer (s).
pub const MEDIA_WAIT_S: f64 = 2.0;
/// Media this long after a BYE is a finding (s): packets already in
/// flight when the BYE left are not.
pub const AFTER_BYE_GRACE_S: f64 = 1.0;
/// An RTCP fraction lost at or above this is a finding (percent;
/// siplens's threshold).
pub const RTCP_LOSS_PCT: f64 = 5.0;
/// An RTCP interarrival jitter above this is a finding (ms; siplens's
/// threshold).
pub const RTCP_JITTER_MS: f64 = 30.0;
/// A round trip above this is a finding (ms): over 400 ms each way, the
/// one-way limit of ITU-T G.114 for network planning.
pub const RTCP_ROUND_TRIP_MS: f64 = 800.0;
/// A stream this long with no RTCP is a finding (s): two minimum RTCP
/// intervals (5 s, RFC 3550 §6.2; the first report comes after half of
/// it, each interval is drawn from 0.5–1.5 times it).
pub const RTCP_WAIT_S: f64 = 10.0;

/// The media of a capture.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct MediaReport {
    /// RTP streams (SSRC and 5-tuple), in order of their first packet.
    pub streams: Vec<MediaStream>,
    /// RTCP compound packets read.
    pub rtcp_packets: u64,
    /// UDP datagrams (not SIP) that were neither RTP nor RTCP.
    pub other_datagrams: u64,
    /// Candidates that looked like RTP version 2 but were not announced
    /// by any SDP and never ran in sequence: not listed as streams.
    pub rejected_candidates: usize,
}

/// The media of one call, summed over its streams (the CLI's call list
/// columns, `siplens trace --csv`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallMedia {
    /// RTP streams bound to the call.
    pub streams: usize,
    /// Packets of those streams.
    pub packets: u64,
    /// Packets sent to the offerer of their exchange: streams sent to the
    /// address an offer announced, or coming from the address an answer
    /// announced (symmetric RTP).
    pub packets_to_offerer: u64,
    /// Packets sent to the answerer of their exchange (the other way round).
    pub packets_to_answerer: u64,
    /// Expected − received, summed (RFC 3550 A.3; negative with duplicates).
    pub lost: i64,
    /// The highest `maxJitterMs` of the streams.
    pub max_jitter_ms: Option<f64>,
    /// Codecs seen (rtpmap or static name, else the payload type), in
    /// order of appearance, without repeats.
    pub codecs: Vec<String>,
}

impl MediaReport {
    /// The media of call `call` ([`super::Trace::calls`] index); `messages`
    /// are the trace's, to tell offers from answers.
    pub fn call_media(&self, call: usize, messages: &[MessageSummary]) -> CallMedia {
        let mut out = CallMedia::default();
        for s in self.streams.iter().filter(|s| s.call == Some(call)) {
            out.streams += 1;
            out.packets += s.packets;
            out.lost += s.lost;
            if let Some(j) = s.max_jitter_ms {
                out.max_jitter_ms = Some(out.max_jitter_ms.map_or(j, |m: f64| m.max(j)));
            }
            for p in &s.payload_types {
                let name = p
                    .codec
                    .clone()
                    .unwrap_or_else(|| p.payload_type.to_string());
                if !out.codecs.contains(&name) {
                    out.codecs.push(name);
                }
            }
            let role = s
                .sdp_message
                .and_then(|m| messages.get(m))
                .and_then(|m| m.sdp);
            let to_offerer = match (s.bound_by, role) {
                (Some("destination"), Some(SdpRole::Offer))
                | (Some("source"), Some(SdpRole::Answer)) => Some(true),
                (Some("destination"), Some(SdpRole::Answer))
                | (Some("source"), Some(SdpRole::Offer)) => Some(false),
                _ => None,
            };
            match to_offerer {
                Some(true) => out.packets_to_offerer += s.packets,
                Some(false) => out.packets_to_answerer += s.packets,
                None => {}
            }
        }
        out
    }
}

/// One address an SDP announced.
#[derive(Debug, Clone)]
struct Endpoint {
    message: usize,
    time: Option<f64>,
    addr: IpAddr,
    port: u16,
    pts: Vec<u8>,
    /// The direction lets its sender send / receive (RFC 3264 §5.1).
    sends: bool,
    receives: bool,
    /// RTCP turned off: `b=RS:0` and `b=RR:0` at the media or session
    /// level (RFC 3556 §2).
    rtcp_off: bool,
}

/// Media state of one trace being read.
#[derive(Debug, Default)]
pub(crate) struct MediaTracker {
    analyzer: MediaAnalyzer,
    endpoints: Vec<Endpoint>,
}

impl MediaTracker {
    /// Records the addresses announced by the SDP of message `m`.
    pub(crate) fn sdp(&mut self, m: &MessageSummary, sdp: &Sdp<'_>) {
        for media in &sdp.media {
            let Some(port) = media.port.filter(|&p| p != 0) else {
                continue;
            };
            let Some(addr) = sdp
                .connection_for(media)
                .and_then(|c| c.address.as_str().parse::<IpAddr>().ok())
            else {
                continue;
            };
            if addr.is_unspecified() {
                continue;
            }
            if !media.is_rtp() {
                self.analyzer.announce_not_rtp(addr, port);
                continue;
            }
            let codecs = media.codecs();
            let infos: Vec<PayloadInfo> = codecs
                .iter()
                .filter_map(|c| {
                    Some(PayloadInfo {
                        payload_type: c.payload_type?,
                        name: c.name().into_owned(),
                        clock_rate: c.clock_rate(),
                    })
                })
                .collect();
            let pts = infos.iter().map(|p| p.payload_type).collect();
            let dir = media.direction();
            let zero = |bws: &[crate::parse::sdp::Bandwidth<'_>]| {
                let zero = |t: &str| {
                    bws.iter()
                        .any(|b| b.bwtype.eq_ignore_case(t) && b.bandwidth == Some(0))
                };
                zero("RS") && zero("RR")
            };
            let rtcp_off = zero(&media.bandwidths) || zero(&sdp.bandwidths);
            self.analyzer.announce(addr, port, infos);
            self.endpoints.push(Endpoint {
                message: m.index,
                time: m.time,
                addr,
                port,
                pts,
                sends: matches!(dir, Direction::SendRecv | Direction::SendOnly),
                receives: matches!(dir, Direction::SendRecv | Direction::RecvOnly),
                rtcp_off,
            });
        }
    }

    /// Reads one payload that is not SIP (UDP only).
    pub(crate) fn payload(&mut self, p: &Payload<'_>) {
        if let Some(d) = p.udp_datagram() {
            self.analyzer.push(&d);
        }
    }

    /// Binds the streams to calls and runs the media rules.
    pub(crate) fn finish(
        self,
        messages: &[MessageSummary],
        calls: &[Call],
    ) -> (MediaReport, Vec<FlowFinding>) {
        let mut call_of = HashMap::new();
        for c in calls {
            for &m in &c.messages {
                call_of.insert(m, c.id);
            }
        }
        let mut streams = self.analyzer.finish();
        // Announcements of each address, in trace order.
        let mut by_addr: HashMap<(IpAddr, u16), Vec<usize>> = HashMap::new();
        for (k, e) in self.endpoints.iter().enumerate() {
            by_addr.entry((e.addr, e.port)).or_default().push(k);
        }
        let mut bound: Vec<Option<&Endpoint>> = Vec::with_capacity(streams.len());
        for s in &mut streams {
            let (Ok(src), Ok(dst)) = (s.src_addr.parse::<IpAddr>(), s.dst_addr.parse::<IpAddr>())
            else {
                bound.push(None);
                continue;
            };
            let first = s.first_time;
            let pick = |addr: IpAddr, port: u16| {
                let all = by_addr.get(&(addr, port))?;
                all.iter()
                    .rev()
                    .map(|&k| &self.endpoints[k])
                    .find(|e| match (e.time, first) {
                        (Some(a), Some(b)) => a <= b,
                        _ => true,
                    })
                    .or_else(|| all.first().map(|&k| &self.endpoints[k]))
            };
            let (e, by) = match (pick(dst, s.dst_port), pick(src, s.src_port)) {
                (Some(e), _) => (Some(e), Some("destination")),
                (None, Some(e)) => (Some(e), Some("source")),
                (None, None) => (None, None),
            };
            if let Some(e) = e {
                s.sdp_message = Some(e.message);
                s.call = call_of.get(&e.message).copied();
                s.bound_by = by;
            }
            bound.push(e.filter(|_| by == Some("destination")));
        }
        let mut by_message: HashMap<usize, Vec<usize>> = HashMap::new();
        for (k, e) in self.endpoints.iter().enumerate() {
            by_message.entry(e.message).or_default().push(k);
        }
        let mut answer_of = HashMap::new();
        for m in messages {
            if let (Some(SdpRole::Answer), Some(o)) = (m.sdp, m.sdp_answers) {
                answer_of.entry(o).or_insert(m.index);
            }
        }
        // When each call ended (its first BYE), to tell a port reused by a
        // later call from concurrent legs (a B2BUA's) sharing an address.
        let mut ended: HashMap<usize, f64> = HashMap::new();
        for m in messages {
            if let (Some("BYE"), None, Some(t), Some(&c)) =
                (m.method.as_deref(), m.code, m.time, call_of.get(&m.index))
            {
                ended.entry(c).or_insert(t);
            }
        }
        let mut credit: HashMap<usize, u64> = HashMap::new();
        for (s, e) in streams.iter().zip(&bound) {
            let Some(e) = e else {
                continue;
            };
            for &k in by_addr.get(&(e.addr, e.port)).into_iter().flatten() {
                let x = &self.endpoints[k];
                let before_end = match (x.time, s.last_time) {
                    (Some(a), Some(b)) => a <= b,
                    _ => true,
                };
                let open = match (
                    call_of.get(&x.message).and_then(|c| ended.get(c)),
                    s.first_time,
                ) {
                    (Some(&bye), Some(first)) => bye >= first,
                    _ => true,
                };
                if x.message == e.message || (before_end && open) {
                    *credit.entry(x.message).or_default() += s.packets;
                }
            }
        }
        let findings = Rules {
            call_of: &call_of,
            messages,
            calls,
            streams: &streams,
            endpoints: &self.endpoints,
            bound: &bound,
            by_message,
            answer_of,
            credit,
            rtcp_packets: self.analyzer.rtcp_packets,
        }
        .run();
        let report = MediaReport {
            rejected_candidates: self.analyzer.rejected(),
            rtcp_packets: self.analyzer.rtcp_packets,
            other_datagrams: self.analyzer.other_datagrams,
            streams,
        };
        (report, findings)
    }
}

struct Rules<'a> {
    /// Message → call.
    call_of: &'a HashMap<usize, usize>,
    messages: &'a [MessageSummary],
    calls: &'a [Call],
    streams: &'a [MediaStream],
    endpoints: &'a [Endpoint],
    /// The endpoint each stream was sent to, when bound by destination.
    bound: &'a [Option<&'a Endpoint>],
    /// Endpoint indices of each message with SDP.
    by_message: HashMap<usize, Vec<usize>>,
    /// Offer message → the first answer to it.
    answer_of: HashMap<usize, usize>,
    /// Message → RTP packets sent to the addresses it announced: streams
    /// bound there, or to another announcement of the same address (a
    /// re-INVITE repeating it, a B2BUA's other leg) made before the
    /// stream's last packet by a call not ended before its first.
    credit: HashMap<usize, u64>,
    /// RTCP compound packets in the capture.
    rtcp_packets: u64,
}

fn rel(t: Option<f64>, base: Option<f64>) -> String {
    match (t, base) {
        (Some(t), Some(b)) => format!("{:.3} s", t - b),
        _ => "?".into(),
    }
}

fn describe(s: &MediaStream) -> String {
    format!(
        "RTP {}:{} → {}:{} SSRC 0x{:08X}",
        s.src_addr, s.src_port, s.dst_addr, s.dst_port, s.ssrc
    )
}

impl Rules<'_> {
    fn run(&self) -> Vec<FlowFinding> {
        let mut out = Vec::new();
        let base = self
            .messages
            .iter()
            .filter_map(|m| m.time)
            .chain(self.streams.iter().filter_map(|s| s.first_time))
            .reduce(f64::min);
        self.one_way(&mut out);
        self.rtcp_absent(&mut out);
        let mut reported = std::collections::HashSet::new();
        for (i, s) in self.streams.iter().enumerate() {
            self.rtcp_reports(s, base, &mut reported, &mut out);
            if let Some(&Some(e)) = self.bound.get(i) {
                self.address(s, e, &mut out);
                self.payload_types(s, e, &mut out);
            } else if let (Some("source"), Some(m)) = (s.bound_by, s.sdp_message) {
                // From an announced address to one no SDP announced.
                let mut f = FlowFinding::new(
                    Rule::MediaAddressMismatch,
                    format!(
                        "{} (frame {}) comes from the address #{} announced but goes to {}:{}, which no SDP announced. The sender uses a wrong or stale address for the far end (a c=/m= of an earlier offer, an address learned behind a NAT): the far end never gets this media (one-way audio).",
                        describe(s),
                        s.first_frame,
                        m + 1,
                        s.dst_addr,
                        s.dst_port
                    ),
                    vec![m],
                );
                f.frame = Some(s.first_frame);
                out.push(f);
            }
            self.after_bye(s, base, &mut out);
            self.ssrc_change(s, base, &mut out);
            if let (Some(gap), Some(frame)) = (s.max_delta_ms, s.max_delta_frame) {
                if gap > SILENCE_GAP_MS {
                    let mut f = FlowFinding::new(
                        Rule::MediaSilenceGap,
                        format!(
                            "{}: no packet for {:.0} ms before frame {frame} ({} packets from frame {} to {}). Check the sender's path (radio, bearer, NAT binding) at that time; a hold without re-INVITE also stops media.",
                            describe(s),
                            gap,
                            s.packets,
                            s.first_frame,
                            s.last_frame
                        ),
                        s.sdp_message.into_iter().collect(),
                    );
                    f.frame = Some(frame);
                    out.push(f);
                }
            }
        }
        out
    }

    /// The endpoint the SDP paired with `message`'s announces (its offer
    /// or its answer), in the same media position is not tracked: any
    /// address of the pair's other message.
    fn peers(&self, message: usize) -> impl Iterator<Item = &Endpoint> + '_ {
        let m = &self.messages[message];
        let other: Option<usize> = match m.sdp {
            Some(SdpRole::Answer) => m.sdp_answers,
            Some(SdpRole::Offer) => self.answer_of.get(&message).copied(),
            None => None,
        };
        other.into_iter().flat_map(|o| self.ends(o))
    }

    /// SL432: sent to an announced address from an address the sender's
    /// SDP did not announce.
    fn address(&self, s: &MediaStream, e: &Endpoint, out: &mut Vec<FlowFinding>) {
        let peers: Vec<&Endpoint> = self.peers(e.message).collect();
        if peers.is_empty() {
            return;
        }
        let src = s.src_addr.parse::<IpAddr>().ok();
        if peers
            .iter()
            .any(|p| Some(p.addr) == src && p.port == s.src_port)
        {
            return;
        }
        let announced: Vec<String> = peers
            .iter()
            .map(|p| format!("{}:{}", p.addr, p.port))
            .collect();
        let mut f = FlowFinding::new(
            Rule::MediaAddressMismatch,
            format!(
                "{} (frame {}) is sent to the address #{} announced, but comes from {}:{} while the SDP of #{} announced {}. A NAT between the two, or a wrong c= line: the far end may send its media to the announced address and never reach this sender (one-way audio). Use symmetric RTP / latching on the media server or fix the c= address.",
                describe(s),
                s.first_frame,
                e.message + 1,
                s.src_addr,
                s.src_port,
                peers[0].message + 1,
                announced.join(", ")
            ),
            vec![peers[0].message.min(e.message), peers[0].message.max(e.message)],
        );
        f.frame = Some(s.first_frame);
        out.push(f);
    }

    /// SL433: a payload type its receiver did not list.
    fn payload_types(&self, s: &MediaStream, e: &Endpoint, out: &mut Vec<FlowFinding>) {
        let unknown: Vec<String> = s
            .payload_types
            .iter()
            .filter(|p| !e.pts.contains(&p.payload_type))
            .map(|p| format!("{} ({} packets)", p.payload_type, p.packets))
            .collect();
        if unknown.is_empty() {
            return;
        }
        let listed: Vec<String> = e.pts.iter().map(u8::to_string).collect();
        let mut f = FlowFinding::new(
            Rule::MediaPayloadNotNegotiated,
            format!(
                "{} carries payload type {} that the SDP of #{} (its receiver) does not list (it lists {}). The receiver may drop those packets: check the codec the sender chose against the answer, and the telephone-event and comfort-noise payload types.",
                describe(s),
                unknown.join(", "),
                e.message + 1,
                listed.join(" ")
            ),
            vec![e.message],
        );
        f.frame = Some(s.first_frame);
        out.push(f);
    }

    /// SL434: media of a call long after its BYE.
    fn after_bye(&self, s: &MediaStream, base: Option<f64>, out: &mut Vec<FlowFinding>) {
        let (Some(call), Some(last)) = (s.call, s.last_time) else {
            return;
        };
        let Some(c) = self.calls.get(call) else {
            return;
        };
        let bye =
            c.messages.iter().map(|&i| &self.messages[i]).find(|m| {
                m.method.as_deref() == Some("BYE") && m.code.is_none() && m.time.is_some()
            });
        let Some(bye) = bye else {
            return;
        };
        let Some(t) = bye.time else {
            return;
        };
        if last <= t + AFTER_BYE_GRACE_S {
            return;
        }
        let mut f = FlowFinding::new(
            Rule::MediaAfterBye,
            format!(
                "{} goes on {:.3} s after the BYE #{} (at {}), until frame {} (at {}). The sender did not stop its media with the dialog: it missed the BYE or its 200, or the media belongs to another session reusing the ports.",
                describe(s),
                last - t,
                bye.index + 1,
                rel(Some(t), base),
                s.last_frame,
                rel(Some(last), base)
            ),
            vec![bye.index],
        );
        f.frame = Some(s.last_frame);
        out.push(f);
    }

    /// SL435: a new SSRC on a 5-tuple with no new SDP of the call between.
    fn ssrc_change(&self, s: &MediaStream, base: Option<f64>, out: &mut Vec<FlowFinding>) {
        let Some(prev) = s.follows.and_then(|p| self.streams.get(p)) else {
            return;
        };
        let (Some(from), Some(to)) = (prev.first_time, s.first_time) else {
            return;
        };
        let renegotiated = s.call.and_then(|c| self.calls.get(c)).is_some_and(|c| {
            c.messages.iter().any(|&i| {
                let m = &self.messages[i];
                m.has_sdp && m.time.is_some_and(|t| t > from && t <= to)
            })
        });
        if renegotiated {
            return;
        }
        let mut f = FlowFinding::new(
            Rule::MediaSsrcChange,
            format!(
                "{} replaces SSRC 0x{:08X} on the same addresses at frame {} ({}) with no re-INVITE or UPDATE between. A new source without signalling: a media server or SBC switched the stream (announcement, transfer, failover); receivers that lock on the first SSRC go silent.",
                describe(s),
                prev.ssrc,
                s.first_frame,
                rel(s.first_time, base)
            ),
            s.sdp_message.into_iter().collect(),
        );
        f.frame = Some(s.first_frame);
        out.push(f);
    }

    /// SL430 / SL431: an answered call with media in one direction or none.
    fn one_way(&self, out: &mut Vec<FlowFinding>) {
        if self.streams.is_empty() {
            // No RTP anywhere: the capture filtered it out, not a finding.
            return;
        }
        // One finding per call and rule: re-INVITEs and other hops of the
        // same call repeat the same story.
        let mut reported = std::collections::HashSet::new();
        let capture_end = self
            .messages
            .iter()
            .filter_map(|m| m.time)
            .chain(self.streams.iter().filter_map(|s| s.last_time))
            .reduce(f64::max);
        for (i, a) in self.messages.iter().enumerate() {
            // An answer in a 2xx to INVITE, or in an ACK (offer in the 2xx).
            let answered = a.sdp == Some(SdpRole::Answer)
                && (a.code.is_some_and(|c| (200..300).contains(&c))
                    || a.method.as_deref() == Some("ACK"))
                && !a.retransmission;
            let Some(o) = a.sdp_answers.filter(|_| answered) else {
                continue;
            };
            let to_answerer: u64 = self.packets_to(i);
            let to_offerer: u64 = self.packets_to(o);
            let ends = |m: usize| self.ends(m);
            if ends(i).next().is_none() || ends(o).next().is_none() {
                continue;
            }
            // Which directions the exchange set up (RFC 3264 §5.1).
            let to_answerer_expected = ends(o).any(|e| e.sends) && ends(i).any(|e| e.receives);
            let to_offerer_expected = ends(i).any(|e| e.sends) && ends(o).any(|e| e.receives);
            if !(to_answerer_expected && to_offerer_expected) {
                continue;
            }
            // Media had time to flow: the capture (or the call, up to its
            // BYE) goes on MEDIA_WAIT_S after the answer.
            let call = self.call_of.get(&i).copied();
            let bye = call.and_then(|c| self.calls.get(c)).and_then(|c| {
                c.messages
                    .iter()
                    .map(|&k| &self.messages[k])
                    .filter(|m| {
                        m.index > i && m.method.as_deref() == Some("BYE") && m.code.is_none()
                    })
                    .find_map(|m| m.time)
            });
            let end = bye.or(capture_end);
            if !matches!((a.time, end), (Some(t), Some(e)) if e - t >= MEDIA_WAIT_S) {
                continue;
            }
            let (rule, text) = match (to_offerer > 0, to_answerer > 0) {
                (true, true) => continue,
                (false, false) => (
                    Rule::MediaNone,
                    format!(
                        "The offer #{} and the answer #{} set up media, and the capture holds RTP, but no RTP packet reached either announced address. Check that the capture point sees the media path; otherwise media never started (bearer, firewall, wrong c=).",
                        o + 1,
                        i + 1
                    ),
                ),
                (true, false) => (
                    Rule::MediaOneWay,
                    format!(
                        "One-way media: {to_offerer} RTP packets reached the offerer's address (SDP of #{}), none the answerer's (SDP of #{}). The answerer hears nothing: check the offerer's sending path (NAT, firewall, c= address, hold/sendonly).",
                        o + 1,
                        i + 1
                    ),
                ),
                (false, true) => (
                    Rule::MediaOneWay,
                    format!(
                        "One-way media: {to_answerer} RTP packets reached the answerer's address (SDP of #{}), none the offerer's (SDP of #{}). The offerer hears nothing: check the answerer's sending path (NAT, firewall, c= address, hold/sendonly).",
                        i + 1,
                        o + 1
                    ),
                ),
            };
            if rule == Rule::MediaNone
                && self
                    .streams
                    .iter()
                    .any(|s| call.is_some() && s.call == call && s.bound_by == Some("destination"))
            {
                // The call has media elsewhere (another hop, another
                // exchange): the capture point just does not see this leg.
                continue;
            }
            if reported.insert((call.unwrap_or(usize::MAX - i), rule as usize)) {
                out.push(FlowFinding::new(rule, text, vec![o, i]));
            }
        }
    }

    /// SL437 / SL438 / SL439: what the RTCP report blocks about the
    /// stream's SSRC say (once per SSRC, rule and report, when several
    /// streams carry one SSRC).
    fn rtcp_reports(
        &self,
        s: &MediaStream,
        base: Option<f64>,
        reported: &mut std::collections::HashSet<(usize, u32, u64)>,
        out: &mut Vec<FlowFinding>,
    ) {
        let Some(r) = &s.rtcp else {
            return;
        };
        let mut push = |rule: Rule, v: &crate::rtp::ReportedValue, text: String| {
            if reported.insert((rule as usize, s.ssrc, v.frame)) {
                let mut f = FlowFinding::new(rule, text, s.sdp_message.into_iter().collect());
                f.frame = Some(v.frame);
                out.push(f);
            }
        };
        let by = |v: &crate::rtp::ReportedValue| {
            format!(
                "the RTCP report of SSRC 0x{:08X} in frame {} (at {})",
                v.reporter,
                v.frame,
                rel(v.time, base)
            )
        };
        if let Some(v) = r.max_fraction_lost.as_ref() {
            if v.value >= RTCP_LOSS_PCT {
                let cumulative = r.last_cumulative_lost.unwrap_or(0);
                let place = if i64::from(cumulative) > s.lost.max(0) {
                    "The receiver lost more than the capture shows: the loss is after the capture point, between it and the receiver (radio, far network, its access link); check that path."
                } else {
                    "The capture shows the loss too: it is before the capture point, on the sender's side; check the sender's uplink and the path to the capture point."
                };
                push(
                    Rule::MediaRtcpLoss,
                    v,
                    format!(
                        "{}: {} says {:.1} % of its packets were lost in the last interval (cumulative lost {cumulative} in its last report); the capture counted {} lost of {} expected. {place}",
                        describe(s),
                        by(v),
                        v.value,
                        s.lost,
                        s.expected
                    ),
                );
            }
        }
        if let Some(v) = r.max_xr_loss.as_ref() {
            if v.value >= RTCP_LOSS_PCT {
                let seen = if s.expected > 0 {
                    s.lost.max(0) as f64 * 100.0 / s.expected as f64
                } else {
                    0.0
                };
                // The loss rate is in 1/256: a point of rounding.
                let place = if v.value > seen + 1.0 {
                    "The receiver lost more than the capture shows: the loss is after the capture point, between it and the receiver; check that path."
                } else {
                    "The capture shows the loss too: it is before the capture point, on the sender's side."
                };
                push(
                    Rule::MediaRtcpLoss,
                    v,
                    format!(
                        "{}: the XR VoIP metrics of SSRC 0x{:08X} in frame {} (at {}) give a loss rate of {:.1} % since the beginning of reception; the capture counted {} lost of {} expected ({seen:.1} %). {place}",
                        describe(s),
                        v.reporter,
                        v.frame,
                        rel(v.time, base),
                        v.value,
                        s.lost,
                        s.expected
                    ),
                );
            }
        }
        if let Some(v) = r.max_xr_round_trip.as_ref() {
            if v.value > RTCP_ROUND_TRIP_MS {
                push(
                    Rule::MediaRtcpRoundTrip,
                    v,
                    format!(
                        "{}: the XR VoIP metrics of SSRC 0x{:08X} in frame {} (at {}) give a round trip delay of {:.0} ms between the RTP interfaces (over {RTCP_ROUND_TRIP_MS:.0} ms: more than 400 ms each way, beyond ITU-T G.114's planning limit). Find the slow segment (satellite or long-haul route, queueing, a transcoder's buffer).",
                        describe(s),
                        v.reporter,
                        v.frame,
                        rel(v.time, base),
                        v.value
                    ),
                );
            }
        }
        let clock = s
            .payload_types
            .iter()
            .filter(|p| {
                !p.codec
                    .as_deref()
                    .is_some_and(|c| c.eq_ignore_ascii_case("telephone-event"))
            })
            .find_map(|p| p.clock_rate)
            .filter(|&c| c > 0);
        if let (Some(v), Some(clock)) = (r.max_jitter_report.as_ref(), clock) {
            let ms = v.value * 1000.0 / f64::from(clock);
            if ms > RTCP_JITTER_MS {
                let here = s
                    .max_jitter_ms
                    .map_or_else(|| "no figure".to_owned(), |j| format!("{j:.1} ms at most"));
                push(
                    Rule::MediaRtcpJitter,
                    v,
                    format!(
                        "{}: {} gives an interarrival jitter of {:.0} timestamp units ({ms:.1} ms at {clock} Hz); the capture measured {here}. Jitter only the report shows arises after the capture point: check the path to the receiver (radio scheduling, congestion) and the receiver's jitter buffer.",
                        describe(s),
                        by(v),
                        v.value,
                    ),
                );
            }
        }
        if let Some(v) = r.max_round_trip.as_ref() {
            if v.value > RTCP_ROUND_TRIP_MS {
                push(
                    Rule::MediaRtcpRoundTrip,
                    v,
                    format!(
                        "{}: {} echoes an SR the capture holds; less its DLSR, the round trip between the capture point and that reporter is {:.0} ms (over {RTCP_ROUND_TRIP_MS:.0} ms: more than 400 ms each way, beyond ITU-T G.114's planning limit). Find the slow segment (satellite or long-haul route, queueing, a transcoder's buffer).",
                        describe(s),
                        by(v),
                        v.value
                    ),
                );
            }
        }
    }

    /// SL440: streams of a call that flow for [`RTCP_WAIT_S`] with no
    /// RTCP from or about their SSRC, unless the call's SDP turned RTCP off.
    fn rtcp_absent(&self, out: &mut Vec<FlowFinding>) {
        let mut by_call: std::collections::BTreeMap<usize, Vec<&MediaStream>> =
            std::collections::BTreeMap::new();
        for s in self.streams {
            let (Some(call), Some(first), Some(last)) = (s.call, s.first_time, s.last_time) else {
                continue;
            };
            if s.rtcp.is_none() && last - first >= RTCP_WAIT_S {
                by_call.entry(call).or_default().push(s);
            }
        }
        for (call, streams) in by_call {
            let off = self
                .endpoints
                .iter()
                .any(|e| e.rtcp_off && self.call_of.get(&e.message) == Some(&call));
            if off {
                continue;
            }
            let mut sdp: Vec<usize> = streams.iter().filter_map(|s| s.sdp_message).collect();
            sdp.sort_unstable();
            sdp.dedup();
            let list: Vec<String> = streams
                .iter()
                .map(|s| {
                    format!(
                        "{} (frames {}–{}, {:.1} s)",
                        describe(s),
                        s.first_frame,
                        s.last_frame,
                        s.last_time.zip(s.first_time).map_or(0.0, |(l, f)| l - f)
                    )
                })
                .collect();
            let whole = if self.rtcp_packets == 0 {
                "The capture holds no RTCP packet at all: check first that its filter did not leave out the RTCP ports (the RTP port + 1, or the a=rtcp port)."
            } else {
                "The capture holds RTCP of other streams, so its filter lets RTCP through: check the endpoints' RTCP settings (and an a=rtcp port outside the capture filter)."
            };
            let mut f = FlowFinding::new(
                Rule::MediaRtcpAbsent,
                format!(
                    "No RTCP from or about {}: {}. Without receiver reports neither side learns the loss, jitter or round trip of the other's media. {whole}",
                    if streams.len() == 1 {
                        "this RTP stream".to_owned()
                    } else {
                        format!("these {} RTP streams", streams.len())
                    },
                    list.join("; ")
                ),
                sdp,
            );
            f.frame = streams.first().map(|s| s.first_frame);
            out.push(f);
        }
    }

    /// RTP packets sent to an address announced by message `m`.
    fn packets_to(&self, m: usize) -> u64 {
        self.credit.get(&m).copied().unwrap_or(0)
    }

    /// The addresses message `m`'s SDP announced.
    fn ends(&self, m: usize) -> impl Iterator<Item = &Endpoint> + '_ {
        self.by_message
            .get(&m)
            .into_iter()
            .flatten()
            .map(|&k| &self.endpoints[k])
    }
}
