//! SIP messages out of a pcap or pcapng capture.
//!
//! The capture layer does the walking: containers by
//! [`crate::capture::Records`] (strict framing, over `pcap-parser`), links,
//! VLAN tags, IP with fragment reassembly and tunnels by the frame walker
//! [`crate::capture::net::Walker`], to which this reader is a
//! [`Visitor`]; TCP streams are put back in order by
//! [`crate::capture::tcp::Reassembler`], SCTP user messages by
//! [`crate::capture::sctp::Reassembler`], WebSocket frames read by
//! [`crate::capture::websocket`], SIP framed by [`crate::parse::framing`].
//! On top of them this module does what a SIP analyser needs, as Wireshark
//! does:
//!
//! - UDP (one message per datagram, RFC 3261 §18.3), TCP (several messages
//!   per segment, a message over several segments; framing by
//!   Content-Length, RFC 3261 §18.3), SIP over WebSocket (RFC 7118, RFC 6455
//!   §5.2 frames, masked payloads, a message fragmented into a text or
//!   binary frame and continuation frames with control frames between them,
//!   §5.4), SCTP DATA chunks (RFC 4960 §3.3.1, user messages put together
//!   by TSN, §6.9);
//! - SIP recognised by content, never by port: a cheap start-line check
//!   skips everything else;
//! - a TCP hole (segments never captured) is skipped once it is known to
//!   be lost — the other direction acknowledges bytes past it, 256 KiB wait
//!   behind it, or the capture ends — and reading resumes at the next SIP
//!   start line after it; one capture finding per hole says how many bytes
//!   were missing and how many were skipped around it.
//!
//! Everything else is handed to an optional payload hook
//! ([`read_capture_payloads`]): non-SIP UDP datagrams and other IP
//! payloads (ESP, IP protocol 50) with their addresses, ports, time and
//! frame number — where IPsec and RTP analysis plug in.
//!
//! Damage (a truncated file, a corrupt block, a TCP gap, data left over at
//! the end) becomes a capture finding; everything before it is kept.

use std::collections::HashMap;
use std::net::IpAddr;

pub use crate::capture::is_capture;
use crate::capture::net::{reverse, FlowKey, PacketCtx, TcpSegment, Visitor, Walker};
use crate::capture::sctp;
use crate::capture::tcp::{self, Pushed};
use crate::capture::websocket::{self, HttpHead, Parsed};
use crate::capture::{sniff, Damage, DamageKind, Record, RecordKind, Records};
pub use crate::parse::framing::looks_like_sip;
use crate::parse::framing::{content_length, header_end};

use super::esp::{EspState, Outcome};
use super::model::{CaptureIssue, EspProvenance, EspSaReport, RawMessage};
use crate::capture::esp::EspKeys;
use crate::finding::Rule;

/// What was read out of a capture: the SIP messages in capture order and
/// what went wrong on the way.
#[derive(Debug, Default)]
pub struct Extracted {
    /// `pcap`, `pcapng`, or `unknown`.
    pub format: &'static str,
    /// Every SIP message, in the order its last byte was captured.
    pub messages: Vec<RawMessage>,
    /// Damage and limits met while reading.
    pub issues: Vec<CaptureIssue>,
    /// Frames read.
    pub frames: u64,
    /// The IPsec ESP SAs whose packets opened ([`EspSaReport`]).
    pub esp_sas: Vec<EspSaReport>,
}

/// A payload that is not SIP, handed to the hook of
/// [`read_capture_payloads`]: a UDP datagram's payload, or the payload of
/// an IP protocol other than UDP, TCP, SCTP and the tunnels (ESP is 50).
#[derive(Debug, Clone, Copy)]
pub struct Payload<'a> {
    /// 1-based frame number (of the last fragment, for a reassembled
    /// datagram).
    pub frame: u64,
    /// Capture time, seconds since the Unix epoch.
    pub time: Option<f64>,
    /// IP protocol number: 17 for UDP, 50 for ESP…
    pub proto: u8,
    /// Source address.
    pub src: IpAddr,
    /// Source port (UDP), else 0.
    pub src_port: u16,
    /// Destination address.
    pub dst: IpAddr,
    /// Destination port (UDP), else 0.
    pub dst_port: u16,
    /// The payload, as far as captured.
    pub data: &'a [u8],
}

impl<'a> Payload<'a> {
    /// The UDP datagram the media analysis reads, when this is one.
    pub fn udp_datagram(&self) -> Option<crate::rtp::analyze::Datagram<'a>> {
        (self.proto == 17).then_some(crate::rtp::analyze::Datagram {
            frame: self.frame,
            time: self.time,
            src: self.src,
            src_port: self.src_port,
            dst: self.dst,
            dst_port: self.dst_port,
            data: self.data,
        })
    }
}

/// A [`Payload`] that owns its bytes: what the incremental reader keeps
/// of a UDP datagram until the trace stream has seen it.
#[derive(Debug, Clone)]
pub(crate) struct OwnedPayload {
    frame: u64,
    time: Option<f64>,
    proto: u8,
    src: IpAddr,
    src_port: u16,
    dst: IpAddr,
    dst_port: u16,
    data: Vec<u8>,
}

impl OwnedPayload {
    /// A copy of `p` that owns its bytes.
    fn of(p: &Payload<'_>) -> Self {
        OwnedPayload {
            frame: p.frame,
            time: p.time,
            proto: p.proto,
            src: p.src,
            src_port: p.src_port,
            dst: p.dst,
            dst_port: p.dst_port,
            data: p.data.to_vec(),
        }
    }

    /// The borrowed view the payload hook takes.
    pub(crate) fn as_payload(&self) -> Payload<'_> {
        Payload {
            frame: self.frame,
            time: self.time,
            proto: self.proto,
            src: self.src,
            src_port: self.src_port,
            dst: self.dst,
            dst_port: self.dst_port,
            data: &self.data,
        }
    }
}

/// Reads every SIP message out of a pcap or pcapng capture held in memory.
pub fn read_capture(input: &[u8]) -> Extracted {
    read(input, None)
}

/// Like [`read_capture`], but hands each message to `sink` as soon as its
/// last byte is read instead of collecting them (`messages` stays empty).
/// The messages' `timestamp` is left `None` (formatting it is a tenth of
/// the reading cost and a summary never shows it): it is `time` in
/// ISO 8601, as [`read_capture`] fills it in.
pub fn read_capture_with(input: &[u8], sink: &mut dyn FnMut(RawMessage)) -> Extracted {
    read(input, Some(sink))
}

/// Like [`read_capture_with`], and hands every payload that is not SIP to
/// `payloads` as it is read: UDP datagrams without a SIP start line, and
/// the payloads of IP protocols other than UDP, TCP, SCTP and tunnels (ESP,
/// protocol 50). The hook for IPsec and RTP/RTCP analysis.
pub fn read_capture_payloads(
    input: &[u8],
    sink: &mut dyn FnMut(RawMessage),
    payloads: &mut dyn FnMut(&Payload<'_>),
) -> Extracted {
    let mut r = Reader {
        sink: Some(sink),
        payloads: Some(payloads),
        ..Reader::default()
    };
    r.run(input);
    r.out
}

/// Like [`read_capture_with`], and calls `progress` with the number of
/// input bytes read so far, about every hundredth of the input (at least
/// every 256 KiB), so a page can show how far the reading is.
pub fn read_capture_progress(
    input: &[u8],
    sink: &mut dyn FnMut(RawMessage),
    progress: &mut dyn FnMut(usize),
) -> Extracted {
    let mut r = Reader {
        sink: Some(sink),
        progress: Some(progress),
        progress_step: (input.len() / 100).clamp(1, 256 << 10),
        ..Reader::default()
    };
    r.run(input);
    r.out
}

/// Everything at once, in one pass: keys for IPsec ESP (SAs, CK/IK) besides
/// those the capture negotiates ([`crate::capture::esp`]), messages to
/// `sink`, other payloads to `payloads` (as [`read_capture_payloads`]),
/// bytes read to `progress` (as [`read_capture_progress`]).
pub fn read_capture_keys(
    input: &[u8],
    keys: &EspKeys,
    sink: &mut dyn FnMut(RawMessage),
    payloads: &mut dyn FnMut(&Payload<'_>),
    progress: &mut dyn FnMut(usize),
) -> Extracted {
    let mut r = Reader {
        sink: Some(sink),
        payloads: Some(payloads),
        progress: Some(progress),
        progress_step: (input.len() / 100).clamp(1, 256 << 10),
        esp: EspState::new(keys),
        ..Reader::default()
    };
    r.run(input);
    r.out
}

fn read(input: &[u8], sink: Option<&mut dyn FnMut(RawMessage)>) -> Extracted {
    let mut r = Reader {
        sink,
        ..Reader::default()
    };
    r.run(input);
    r.out
}

/// The reading of [`read_capture`] fed one container record at a time by
/// the caller's walk (the streaming decoder, [`super::incremental`], walks
/// the container as its bytes arrive): the same reader, so the same
/// messages and findings.
pub(crate) struct Incremental(Reader<'static>, Walker);

impl Incremental {
    /// A reader of a capture in `format` (`pcap` or `pcapng`).
    pub(crate) fn new(format: &'static str) -> Self {
        Self::with_keys(format, &EspKeys::default())
    }

    /// [`Incremental::new`] with keys for IPsec ESP, as
    /// [`read_capture_keys`] takes them.
    pub(crate) fn with_keys(format: &'static str, keys: &EspKeys) -> Self {
        let mut r = Reader {
            collected: Some(Vec::new()),
            esp: EspState::new(keys),
            ..Reader::default()
        };
        r.out.format = format;
        Incremental(r, Walker::new())
    }

    /// The non-SIP UDP payloads read since the last call, in capture order.
    pub(crate) fn take_payloads(&mut self) -> Vec<OwnedPayload> {
        self.0
            .collected
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Reads one record (`frames`: packets walked so far); returns the
    /// messages it completed.
    pub(crate) fn record(&mut self, frames: u64, record: Record<'_>) -> Vec<RawMessage> {
        self.0.record(&mut self.1, frames, record);
        std::mem::take(&mut self.0.out.messages)
    }

    /// The walk broke at `damage`, in a capture of `total` bytes.
    pub(crate) fn damaged(&mut self, total: usize, damage: Damage) {
        self.0.damaged(total, damage);
    }

    /// Ends the capture: what was never completed becomes findings; the
    /// messages this completes are in `messages`.
    pub(crate) fn finish(mut self) -> Extracted {
        self.0.finish(self.1.pending_datagrams());
        self.0.out
    }
}

impl Reader<'_> {
    fn run(&mut self, input: &[u8]) {
        let mut walker = Walker::new();
        match sniff(input) {
            Some(format) => self.container(&mut walker, input, format.name()),
            None => {
                self.out.format = "unknown";
                self.issue(
                    Rule::CaptureUnknownFormat,
                    None,
                    "The input starts with neither a pcap nor a pcapng magic number.".into(),
                );
            }
        }
        self.finish(walker.pending_datagrams());
    }

    /// Reports `done` bytes read when a progress step has passed.
    fn tick(&mut self, done: usize) {
        if let Some(p) = self.progress.as_mut() {
            if done >= self.progress_next {
                self.progress_next = done + self.progress_step;
                p(done);
            }
        }
    }
}

#[derive(Clone, Copy, Default)]
struct Pkt {
    frame: u64,
    time: Option<f64>,
}

impl From<&PacketCtx<'_>> for Pkt {
    fn from(c: &PacketCtx<'_>) -> Pkt {
        Pkt {
            frame: c.frame,
            time: c.time,
        }
    }
}

#[derive(Default)]
struct TcpFlow {
    stream: tcp::Reassembler,
    /// Delivered bytes not yet in a message.
    buf: Vec<u8>,
    websocket: bool,
    /// A WebSocket message begun by a non-FIN text/binary frame (RFC 6455
    /// §5.4): the payload so far, waiting for its continuation frames.
    ws_message: Option<Vec<u8>>,
    /// Frames whose bytes are in `buf` (or waiting) and not yet in a message.
    frames: Vec<u64>,
    /// Where in `frames` the segments waiting behind the first hole begin:
    /// the frames before it carried bytes a skipped hole cuts away.
    hole_at: Option<usize>,
    /// The latest segment with data: messages delivered when a hole is
    /// skipped later carry its frame and time.
    last: Pkt,
    /// A hole skipped, while reading has not resumed at a start line.
    resync: Option<Resync>,
}

impl TcpFlow {
    /// The frames of the message just taken from `buf`: those before the
    /// first hole (segments waiting behind it stay), plus `current` kept for
    /// the rest of `buf` when bytes remain.
    fn message_frames(&mut self, current: u64) -> Vec<u64> {
        let waiting = match self.hole_at {
            Some(at) => self.frames.split_off(at.min(self.frames.len())),
            None => Vec::new(),
        };
        let taken = std::mem::take(&mut self.frames);
        if !self.buf.is_empty() {
            self.frames.push(current);
        }
        if self.hole_at.is_some() {
            self.hole_at = Some(self.frames.len());
        }
        self.frames.extend(waiting);
        taken
    }
}

/// A skipped TCP hole, counted until reading resumes.
struct Resync {
    /// Its finding in `issues`.
    issue: usize,
    /// The frame after which the bytes were missing.
    frame: u64,
    /// Bytes never captured.
    missing: u64,
    /// Captured bytes skipped around the hole (a message cut by it, bytes
    /// before the next start line).
    skipped: usize,
}

#[derive(Default)]
struct Reader<'s> {
    out: Extracted,
    /// Where messages go; `out.messages` when `None`.
    sink: Option<&'s mut dyn FnMut(RawMessage)>,
    /// Where non-SIP payloads go, when anyone listens.
    payloads: Option<&'s mut dyn FnMut(&Payload<'_>)>,
    /// Non-SIP UDP payloads kept for the incremental reader, which has no
    /// hook to call (`Incremental::take_payloads`).
    collected: Option<Vec<OwnedPayload>>,
    /// Told the bytes read so far, every `progress_step` bytes.
    progress: Option<&'s mut dyn FnMut(usize)>,
    progress_step: usize,
    progress_next: usize,
    tcp: HashMap<FlowKey, TcpFlow>,
    sctp: HashMap<FlowKey, sctp::Reassembler<u64>>,
    warned_links: Vec<u32>,
    /// `ip:port` texts already formatted (a capture has few endpoints).
    names: HashMap<(IpAddr, u16), String>,
    /// Frames (besides the current one) of the next message `emit` sends.
    pending_frames: Vec<u64>,
    /// A TCP segment has waited behind a hole (so acknowledgments are
    /// worth checking against holes).
    waited: bool,
    /// IPsec ESP: SAs learnt and given, what could not be read.
    esp: EspState,
    /// Walks opened ESP payloads (its own fragments, inner flows).
    esp_walker: Walker,
    /// The ESP packet being walked: the messages it completes carry it.
    esp_now: Option<EspProvenance>,
    /// Timestamps that cannot be real (SL449).
    clock: Clock,
}

/// Frame timestamps checked against the one before: a step forward of more
/// than [`Clock::JUMP`] or back by more than [`Clock::BACK`] seconds.
#[derive(Default)]
struct Clock {
    /// The previous timed frame and its time.
    prev: Option<(u64, f64)>,
    /// Steps forward too long: how many, and the first (frame before, frame, seconds).
    jumps: (u64, Option<(u64, u64, f64)>),
    /// Steps back: how many, and the first.
    backs: (u64, Option<(u64, u64, f64)>),
}

impl Clock {
    /// A day: no SIP exchange in one capture waits that long between frames.
    const JUMP: f64 = 86_400.0;
    /// Interfaces merged into one pcapng may disorder a few milliseconds.
    const BACK: f64 = 1.0;

    fn frame(&mut self, frame: u64, time: f64) {
        if let Some((before, then)) = self.prev.replace((frame, time)) {
            let step = time - then;
            let kind = if step > Self::JUMP {
                &mut self.jumps
            } else if step < -Self::BACK {
                &mut self.backs
            } else {
                return;
            };
            kind.0 += 1;
            kind.1.get_or_insert((before, frame, step));
        }
    }

    /// The finding's text, when any step was implausible.
    fn finding(&self) -> Option<(u64, String)> {
        let first = self.jumps.1.or(self.backs.1)?;
        let part = |(n, first): (u64, Option<(u64, u64, f64)>), what: &str| {
            first.map(|(before, frame, step)| {
                let side = if step < 0.0 { "before" } else { "after" };
                format!(
                    "{n} time(s) a frame is {what} the frame before it (first: frame {frame}, {} {side} frame {before})",
                    super::time::human_span(step.abs())
                )
            })
        };
        let parts: Vec<String> = [
            part(self.jumps, "more than a day after"),
            part(self.backs, "more than a second before"),
        ]
        .into_iter()
        .flatten()
        .collect();
        Some((
            first.1,
            format!(
                "Capture timestamps cannot be real: {}. Times, durations and gaps shown for this capture are not real; frames are read in file order.",
                parts.join("; ")
            ),
        ))
    }
}

/// Data waiting behind a TCP hole before the hole is declared lost.
const MAX_WAITING_BYTES: usize = 256 << 10;
/// A header section longer than this is not waited for.
const MAX_HEADER_BYTES: usize = 256 * 1024;
/// A fragmented WebSocket or SCTP message longer than this is dropped.
const MAX_MESSAGE_BYTES: usize = 16 << 20;

impl Visitor for Reader<'_> {
    fn udp(&mut self, ctx: &PacketCtx<'_>, key: FlowKey, payload: &[u8]) {
        if looks_like_sip(payload) {
            self.fragments(ctx);
            self.emit(ctx.into(), key, "udp", payload.to_vec());
        } else if (key.1 == 4500 || key.3 == 4500) && self.esp_packet(ctx, key.0, key.2, payload) {
            // UDP-encapsulated ESP (RFC 3948 §2.1), opened.
        } else {
            self.hand_over(ctx, 17, key, payload);
        }
    }

    fn tcp(&mut self, ctx: &PacketCtx<'_>, key: FlowKey, seg: &TcpSegment<'_>) {
        self.fragments(ctx);
        self.tcp_segment(ctx.into(), key, seg);
        self.pending_frames.clear();
    }

    fn sctp(&mut self, ctx: &PacketCtx<'_>, key: FlowKey, packet: &[u8]) {
        self.fragments(ctx);
        self.sctp_packet(ctx.into(), key, packet);
        self.pending_frames.clear();
    }

    fn ip_payload(
        &mut self,
        ctx: &PacketCtx<'_>,
        proto: u8,
        src: IpAddr,
        dst: IpAddr,
        payload: &[u8],
    ) {
        if proto == 50 && self.esp_packet(ctx, src, dst, payload) {
            return;
        }
        self.hand_over(ctx, proto, (src, 0, dst, 0), payload);
    }

    fn unsupported_link(&mut self, frame: u64, link: u32) {
        if !self.warned_links.contains(&link) {
            self.warned_links.push(link);
            self.issue(
                Rule::CaptureUnsupportedLink,
                Some(frame),
                format!("Link type {link} is not supported; its frames are skipped."),
            );
        }
    }
}

impl Reader<'_> {
    fn issue(&mut self, rule: Rule, frame: Option<u64>, message: String) {
        self.out.issues.push(CaptureIssue {
            rule,
            frame,
            message,
        });
    }

    /// The frames of a reassembled IP datagram go with the next message.
    fn fragments(&mut self, ctx: &PacketCtx<'_>) {
        self.pending_frames.clear();
        self.pending_frames
            .extend(ctx.fragments.iter().map(|&(frame, _)| frame));
    }

    /// An ESP packet `src` → `dst`: when its SA is known (or it reads as
    /// ESP-NULL), its payload is walked like any other IP payload and the
    /// messages it completes carry its provenance; `false` when it was not
    /// read (counted for the findings).
    fn esp_packet(&mut self, ctx: &PacketCtx<'_>, src: IpAddr, dst: IpAddr, data: &[u8]) -> bool {
        match self.esp.open(ctx.frame, src, dst, data) {
            Outcome::Opened(o, tag) => {
                // Next header 59: a dummy packet (RFC 4303 §2.6), nothing inside.
                if o.next_header != 59 {
                    let mut w = std::mem::take(&mut self.esp_walker);
                    let outer = self.esp_now.replace(tag);
                    w.inner(self, ctx, o.next_header, src, dst, &o.payload);
                    self.esp_now = outer;
                    self.esp_walker = w;
                }
                true
            }
            Outcome::Unread => false,
        }
    }

    /// A payload that is not SIP, to the payload hook.
    fn hand_over(&mut self, ctx: &PacketCtx<'_>, proto: u8, key: FlowKey, data: &[u8]) {
        let p = Payload {
            frame: ctx.frame,
            time: ctx.time,
            proto,
            src: key.0,
            src_port: key.1,
            dst: key.2,
            dst_port: key.3,
            data,
        };
        // UDP only: what the trace's media analysis reads.
        if let Some(kept) = self.collected.as_mut().filter(|_| proto == 17) {
            kept.push(OwnedPayload::of(&p));
        }
        if let Some(hook) = self.payloads.as_mut() {
            hook(&p);
        }
    }

    /// Walks the container, handing every packet to the frame walker.
    fn container(&mut self, walker: &mut Walker, input: &[u8], format: &'static str) {
        self.out.format = format;
        let mut records = Records::new(input);
        while let Some(record) = records.next() {
            match record {
                Ok(record) => self.record(walker, records.frames(), record),
                Err(damage) => {
                    self.damaged(input.len(), damage);
                    break;
                }
            }
        }
    }

    /// Reads one record of the container (`frames`: packets walked so far).
    fn record(&mut self, walker: &mut Walker, frames: u64, record: Record<'_>) {
        self.out.frames = frames;
        if let RecordKind::Packet(p, _) = record.kind {
            if let Some(t) = p.time {
                self.clock.frame(p.frame, t);
            }
            walker.frame(self, p.frame, p.time, p.link, p.data);
        } else if matches!(record.kind, RecordKind::PcapHeader) {
            // Progress counts from the first record on.
            return;
        }
        self.tick(record.range.end);
    }

    fn damaged(&mut self, total: usize, d: Damage) {
        let Damage { what, at, frames } = d;
        match what {
            DamageKind::PcapHeader => self.issue(
                Rule::CaptureTruncated,
                None,
                "The pcap file header is incomplete.".into(),
            ),
            DamageKind::PcapRecord => self.issue(
                Rule::CaptureTruncated,
                Some(frames + 1),
                format!(
                    "The capture ends or breaks inside frame {} (byte {at} of {total}): {frames} frames read, the rest is lost.",
                    frames + 1,
                ),
            ),
            DamageKind::PcapngBlock => self.issue(
                Rule::CaptureTruncated,
                Some(frames + 1),
                format!(
                    "The capture ends or breaks in a block at byte {at} of {total}: {frames} frames read, the rest is lost.",
                ),
            ),
        }
    }

    /// SCTP DATA chunks (RFC 4960 §3.3.1). A whole user message (B and E
    /// set) is taken as it comes; fragments go to the direction's
    /// reassembler.
    fn sctp_packet(&mut self, pkt: Pkt, key: FlowKey, data: &[u8]) {
        for chunk in sctp::chunks(data) {
            let Some(d) = chunk.data() else { continue };
            if d.flags & 3 == 3 {
                if looks_like_sip(d.user) {
                    self.emit(pkt, key, "sctp", d.user.to_vec());
                }
                continue;
            }
            let dir = self
                .sctp
                .entry(key)
                .or_insert_with(|| sctp::Reassembler::new(MAX_MESSAGE_BYTES));
            match dir.push(&d, pkt.frame) {
                sctp::Pushed::Whole(fragments) => {
                    let mut whole = Vec::new();
                    for f in &fragments {
                        whole.extend_from_slice(&f.data);
                    }
                    if looks_like_sip(&whole) {
                        self.pending_frames.extend(fragments.iter().map(|f| f.tag));
                        self.emit(pkt, key, "sctp", whole);
                    }
                }
                sctp::Pushed::Overflow(n) => self.issue(
                    Rule::CaptureIncompleteData,
                    Some(pkt.frame),
                    format!(
                        "SCTP {} → {}: {n} fragments of user messages never completed and were dropped before frame {}.",
                        addr(key.0, key.1),
                        addr(key.2, key.3),
                        pkt.frame
                    ),
                ),
                sctp::Pushed::Waiting | sctp::Pushed::Duplicate => {}
            }
        }
    }

    fn tcp_segment(&mut self, pkt: Pkt, key: FlowKey, seg: &TcpSegment<'_>) {
        // An acknowledgment past a hole of the other direction: the peer
        // had those bytes, the capture lost them.
        if seg.ack && self.waited {
            let rev = reverse(key);
            if self
                .tcp
                .get(&rev)
                .is_some_and(|f| f.stream.acked_past_hole(seg.ack_number))
            {
                self.skip_hole(rev);
            }
        }
        let payload = seg.payload;
        let flow = self.tcp.entry(key).or_default();
        if seg.syn {
            flow.stream.start(seg.seq.wrapping_add(1));
            flow.buf.clear();
        }
        if payload.is_empty() {
            return;
        }
        if !flow.stream.started() {
            // Mid-stream start: begin at the first segment that starts a message.
            if looks_like_sip(payload) || matches!(payload[0], 0x81 | 0x82) {
                flow.stream.start(seg.seq);
            } else {
                return;
            }
        }
        let first = flow.frames.len();
        if flow.frames.last() != Some(&pkt.frame) && flow.frames.len() < 4096 {
            flow.frames.push(pkt.frame);
            flow.frames.extend(self.pending_frames.iter().copied());
        }
        flow.last = pkt;
        // A SYN's data (TCP Fast Open) starts after the SYN's number.
        let seq = seg.seq.wrapping_add(u32::from(seg.syn));
        let pushed = flow.stream.push(seq, payload, &mut flow.buf);
        match pushed {
            Pushed::Waiting if flow.hole_at.is_none() => flow.hole_at = Some(first),
            Pushed::Delivered(_) if !flow.stream.has_hole() => flow.hole_at = None,
            _ => {}
        }
        self.waited |= pushed == Pushed::Waiting;
        if pushed == Pushed::Waiting && flow.stream.waiting_bytes() > MAX_WAITING_BYTES {
            self.skip_hole(key);
            return;
        }
        if matches!(pushed, Pushed::Delivered(_)) {
            self.tcp_extract(pkt, key);
        }
    }

    /// Gives up on the first hole of direction `key`: what was cut by it is
    /// dropped, reading resumes at the next start line after it, and one
    /// finding counts it.
    fn skip_hole(&mut self, key: FlowKey) {
        let Some(flow) = self.tcp.get_mut(&key) else {
            return;
        };
        let cut = flow.buf.len();
        flow.buf.clear();
        flow.ws_message = None;
        let Some(missing) = flow.stream.skip_hole(&mut flow.buf) else {
            return;
        };
        // The frames before the hole held the bytes just cut: they belong
        // to no message read after it.
        if let Some(at) = flow.hole_at.take() {
            flow.frames.drain(..at.min(flow.frames.len()));
        }
        if flow.stream.has_hole() {
            flow.hole_at = Some(0);
        }
        let pkt = flow.last;
        let earlier = flow.resync.take();
        let issue = self.out.issues.len();
        let resync = Resync {
            issue,
            frame: pkt.frame,
            missing,
            skipped: cut,
        };
        self.issue(Rule::CaptureTcpGap, Some(pkt.frame), String::new());
        if let Some(e) = earlier {
            self.close_resync(key, e);
        }
        if let Some(flow) = self.tcp.get_mut(&key) {
            flow.resync = Some(resync);
        }
        self.tcp_extract(pkt, key);
    }

    /// Writes the finding of a skipped hole once its count is known.
    fn close_resync(&mut self, key: FlowKey, r: Resync) {
        let skipped = match r.skipped {
            0 => String::new(),
            n => format!(" {n} captured bytes around it were skipped (a message cut by the hole)."),
        };
        let text = format!(
            "TCP {} → {}: {} bytes missing from the stream (segments never captured) near frame {}; reading resumed at the next SIP message after the hole.{skipped}",
            addr(key.0, key.1),
            addr(key.2, key.3),
            r.missing,
            r.frame,
        );
        if let Some(i) = self.out.issues.get_mut(r.issue) {
            i.message = text;
        }
    }

    fn tcp_extract(&mut self, pkt: Pkt, key: FlowKey) {
        loop {
            let Some(flow) = self.tcp.get_mut(&key) else {
                return;
            };
            let skip = flow
                .buf
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
            flow.buf.drain(..skip);
            if flow.buf.is_empty() {
                return;
            }
            if flow.websocket && flow.resync.is_some() {
                // After a hole, frames resume at a text or binary frame holding SIP.
                let (at, whole) = ws_resync(&flow.buf);
                flow.buf.drain(..at);
                if let Some(r) = flow.resync.as_mut() {
                    r.skipped += at;
                }
                if !whole {
                    return;
                }
                if let Some(r) = flow.resync.take() {
                    self.close_resync(key, r);
                }
                continue;
            }
            if flow.websocket || (!looks_like_sip(&flow.buf) && flow.buf[0] & 0x70 == 0) {
                let frame = websocket::parse(&flow.buf);
                // Without a seen upgrade, only a text/binary frame holding SIP counts.
                let frame = match frame {
                    Some(Parsed::Incomplete)
                        if !flow.websocket && !matches!(flow.buf[0], 0x81 | 0x82 | 0x01 | 0x02) =>
                    {
                        None
                    }
                    Some(Parsed::Frame(ref f))
                        if !flow.websocket && !looks_like_sip(&f.payload) =>
                    {
                        None
                    }
                    f => f,
                };
                match frame {
                    Some(Parsed::Frame(f)) => {
                        let (fin, opcode) = (f.fin(), f.opcode());
                        let payload = f.payload;
                        flow.buf.drain(..f.len);
                        flow.websocket = true;
                        let whole = match opcode {
                            // Text or binary: a message, or its first fragment.
                            1 | 2 if fin => {
                                flow.ws_message = None;
                                Some(payload)
                            }
                            1 | 2 => {
                                flow.ws_message = Some(payload);
                                None
                            }
                            // Continuation of the message begun before.
                            0 => match flow.ws_message.as_mut() {
                                Some(m) if m.len() + payload.len() > MAX_MESSAGE_BYTES => {
                                    flow.ws_message = None;
                                    None
                                }
                                Some(m) => {
                                    m.extend_from_slice(&payload);
                                    if fin {
                                        flow.ws_message.take()
                                    } else {
                                        None
                                    }
                                }
                                None => None, // its start was not captured
                            },
                            // Close, ping, pong: may come between fragments (§5.4).
                            _ => None,
                        };
                        if let Some(p) = whole.filter(|p| looks_like_sip(p)) {
                            let fr = flow.message_frames(pkt.frame);
                            self.pending_frames.extend(fr);
                            self.emit(pkt, key, "ws", p);
                        }
                        continue;
                    }
                    Some(Parsed::Incomplete) => return,
                    None => {}
                }
            }
            let buf = &flow.buf;
            match websocket::http_head(buf) {
                Some(HttpHead::Incomplete) => {
                    if buf.len() > MAX_HEADER_BYTES {
                        flow.buf.clear();
                    }
                    return;
                }
                Some(HttpHead::Head { len, upgrade }) => {
                    flow.buf.drain(..len);
                    if upgrade {
                        flow.websocket = true;
                        let rev = (key.2, key.3, key.0, key.1);
                        self.tcp.entry(rev).or_default().websocket = true;
                    }
                    continue;
                }
                None => {}
            }
            if looks_like_sip(buf) {
                if let Some(r) = flow.resync.take() {
                    self.close_resync(key, r);
                    continue;
                }
                let Some(hend) = header_end(buf) else {
                    if buf.len() > MAX_HEADER_BYTES {
                        flow.buf.clear();
                    }
                    return;
                };
                let need = hend + content_length(&buf[..hend]).unwrap_or(0);
                if buf.len() < need {
                    return;
                }
                let msg: Vec<u8> = flow.buf.drain(..need).collect();
                let fr = flow.message_frames(pkt.frame);
                self.pending_frames.extend(fr);
                self.emit(pkt, key, "tcp", msg);
                continue;
            }
            // Not at a message boundary: resynchronise on the next start line.
            let (cut, more) = match next_start_line(buf) {
                Some(at) => (at, true),
                None => (buf.len() - buf.len().min(64), false),
            };
            flow.buf.drain(..cut);
            if let Some(r) = flow.resync.as_mut() {
                r.skipped += cut;
            }
            if !more {
                return;
            }
        }
    }

    fn emit(&mut self, pkt: Pkt, key: FlowKey, transport: &'static str, bytes: Vec<u8>) {
        self.esp.learn(&bytes, key.0, key.2, Some(pkt.frame));
        let src = self.name(key.0, key.1);
        let dst = self.name(key.2, key.3);
        let mut frames = std::mem::take(&mut self.pending_frames);
        frames.push(pkt.frame);
        frames.sort_unstable();
        frames.dedup();
        if frames.len() == 1 {
            frames.clear();
        }
        let m = RawMessage {
            frames,
            bytes,
            time: pkt.time,
            timestamp: match self.sink {
                Some(_) => None,
                None => pkt.time.map(super::time::iso_time),
            },
            src: Some(src),
            dst: Some(dst),
            transport: Some(transport.into()),
            frame: Some(pkt.frame),
            source_span: None,
            esp: self.esp_now.clone(),
        };
        match self.sink.as_mut() {
            Some(sink) => sink(m),
            None => self.out.messages.push(m),
        }
    }

    fn name(&mut self, ip: IpAddr, port: u16) -> String {
        if self.names.len() > 4096 {
            self.names.clear(); // a scan: do not grow without bound
        }
        self.names
            .entry((ip, port))
            .or_insert_with(|| addr(ip, port))
            .clone()
    }

    fn finish(&mut self, pending_datagrams: usize) {
        // Datagrams fragmented inside ESP tunnel mode count too.
        let pending_datagrams = pending_datagrams + self.esp_walker.pending_datagrams();
        // Holes still open at the end will not fill: read what follows them.
        let mut holed: Vec<FlowKey> = self
            .tcp
            .iter()
            .filter(|(_, f)| f.stream.has_hole())
            .map(|(k, _)| *k)
            .collect();
        holed.sort();
        for k in holed {
            while self.tcp.get(&k).is_some_and(|f| f.stream.has_hole()) {
                self.skip_hole(k);
            }
        }
        let mut open: Vec<(FlowKey, Resync)> = self
            .tcp
            .iter_mut()
            .filter_map(|(k, f)| f.resync.take().map(|r| (*k, r)))
            .collect();
        open.sort_by_key(|(_, r)| r.issue);
        for (k, r) in open {
            self.close_resync(k, r);
        }
        let mut pending: Vec<(FlowKey, usize)> = self
            .tcp
            .iter()
            .filter(|(_, f)| !f.buf.is_empty() && looks_like_sip(&f.buf))
            .map(|(k, f)| (*k, f.buf.len()))
            .collect();
        pending.sort();
        for (k, n) in pending {
            self.issue(
                Rule::CaptureIncompleteData,
                None,
                format!(
                    "TCP {} → {}: a SIP message of which {n} bytes were captured never completed (capture cut or Content-Length larger than the data).",
                    addr(k.0, k.1),
                    addr(k.2, k.3)
                ),
            );
        }
        let ws = self
            .tcp
            .values()
            .filter(|f| f.ws_message.as_deref().is_some_and(looks_like_sip))
            .count();
        if ws > 0 {
            self.issue(
                Rule::CaptureIncompleteData,
                None,
                format!("{ws} fragmented WebSocket message(s) holding SIP never received their final frame; they are not decoded."),
            );
        }
        let sctp: usize = self.sctp.values().map(|d| d.waiting()).sum();
        if sctp > 0 {
            self.issue(
                Rule::CaptureIncompleteData,
                None,
                format!("{sctp} SCTP DATA fragment(s) never made a whole user message (a B, E or middle fragment was not captured); they are not decoded."),
            );
        }
        if pending_datagrams > 0 {
            self.issue(
                Rule::CaptureIncompleteData,
                None,
                format!(
                    "{pending_datagrams} fragmented IP datagram(s) never completed; their content is not decoded.",
                ),
            );
        }
        let esp = self.esp.issues();
        self.out.issues.extend(esp);
        self.out.esp_sas = self.esp.sas();
        if let Some((frame, text)) = self.clock.finding() {
            self.issue(Rule::CaptureTimeImplausible, Some(frame), text);
        }
    }
}

/// `ip:port`, IPv6 in brackets (RFC 3986 §3.2.2).
pub(crate) fn addr(ip: IpAddr, port: u16) -> String {
    match ip {
        IpAddr::V4(v4) => format!("{v4}:{port}"),
        IpAddr::V6(v6) => format!("[{v6}]:{port}"),
    }
}

/// Where WebSocket frames resume in `buf` after a hole: the offset of the
/// first whole text or binary frame (FIN set) holding SIP, `true`; or of a
/// frame start not yet whole, to wait at (unless 256 KiB already follow
/// it), `false`; or of the last bytes (which may start one), `false`.
fn ws_resync(buf: &[u8]) -> (usize, bool) {
    for at in memchr::memchr2_iter(0x81, 0x82, buf) {
        match websocket::parse(&buf[at..]) {
            Some(Parsed::Frame(f)) if looks_like_sip(&f.payload) => return (at, true),
            Some(Parsed::Incomplete) if buf.len() - at <= MAX_HEADER_BYTES => return (at, false),
            _ => {}
        }
    }
    (buf.len(), false)
}

fn next_start_line(buf: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'\n', &buf[from..]) {
        let at = from + i + 1;
        if looks_like_sip(&buf[at..]) {
            return Some(at);
        }
        from = at;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVITE: &[u8] = b"INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/WSS client.invalid;branch=z9hG4bK56sdasks\r\nFrom: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\nCall-ID: frag@client\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    const OPTIONS: &[u8] = b"OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/WSS client.invalid;branch=z9hG4bK2\r\nCall-ID: o@client\r\nCSeq: 2 OPTIONS\r\nContent-Length: 0\r\n\r\n";

    /// A little-endian microsecond pcap, link type raw IP (101), one frame
    /// per packet, a second apart.
    fn pcap(packets: &[Vec<u8>]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
        out.extend_from_slice(&2u16.to_le_bytes());
        out.extend_from_slice(&4u16.to_le_bytes());
        for x in [0u32, 0, 65535, 101] {
            out.extend_from_slice(&x.to_le_bytes());
        }
        for (i, p) in packets.iter().enumerate() {
            let len = p.len() as u32;
            for x in [1_700_000_000 + i as u32, 0, len, len] {
                out.extend_from_slice(&x.to_le_bytes());
            }
            out.extend_from_slice(p);
        }
        out
    }

    /// An IPv4 packet (with its header checksum) carrying `payload`.
    fn ipv4(proto: u8, src: [u8; 4], dst: [u8; 4], payload: &[u8]) -> Vec<u8> {
        let total = (20 + payload.len()) as u16;
        let mut h = vec![0x45, 0];
        h.extend_from_slice(&total.to_be_bytes());
        h.extend_from_slice(&[0, 1, 0x40, 0, 64, proto, 0, 0]);
        h.extend_from_slice(&src);
        h.extend_from_slice(&dst);
        let sum = crate::capture::checksum::inet_checksum(&h);
        h[10..12].copy_from_slice(&sum.to_be_bytes());
        h.extend_from_slice(payload);
        h
    }

    const A: [u8; 4] = [10, 0, 0, 1];
    const B: [u8; 4] = [10, 0, 0, 2];

    /// A TCP segment A:40000 → B:443 (PSH, ACK; SYN when `syn`).
    fn tcp(seq: u32, syn: bool, payload: &[u8]) -> Vec<u8> {
        let mut t = Vec::new();
        t.extend_from_slice(&40000u16.to_be_bytes());
        t.extend_from_slice(&443u16.to_be_bytes());
        t.extend_from_slice(&seq.to_be_bytes());
        t.extend_from_slice(&0u32.to_be_bytes());
        t.extend_from_slice(&[0x50, if syn { 0x02 } else { 0x18 }, 0xff, 0xff, 0, 0, 0, 0]);
        t.extend_from_slice(payload);
        ipv4(6, A, B, &t)
    }

    /// A client → server WebSocket frame (masked, RFC 6455 §5.3).
    fn ws(first: u8, payload: &[u8]) -> Vec<u8> {
        let mask = [0x37, 0xfa, 0x21, 0x3d];
        let mut f = vec![first];
        if payload.len() < 126 {
            f.push(0x80 | payload.len() as u8);
        } else {
            f.push(0x80 | 126);
            f.extend_from_slice(&(payload.len() as u16).to_be_bytes());
        }
        f.extend_from_slice(&mask);
        f.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        f
    }

    /// A TCP stream: SYN, then `data` cut into segments at `cuts`.
    fn tcp_stream(data: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
        let isn = 1000u32;
        let mut out = vec![tcp(isn, true, &[])];
        let mut bounds = vec![0];
        bounds.extend_from_slice(cuts);
        bounds.push(data.len());
        for w in bounds.windows(2) {
            out.push(tcp(isn + 1 + w[0] as u32, false, &data[w[0]..w[1]]));
        }
        out
    }

    const UPGRADE: &[u8] = b"GET / HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n";

    #[test]
    fn websocket_message_in_continuation_frames() {
        let mut data = UPGRADE.to_vec();
        data.extend(ws(0x01, &INVITE[..40])); // text, FIN=0
        data.extend(ws(0x89, b"ping")); // control frame between fragments
        data.extend(ws(0x00, &INVITE[40..130])); // continuation, FIN=0
        data.extend(ws(0x80, &INVITE[130..])); // continuation, FIN=1
        data.extend(ws(0x81, OPTIONS)); // a whole message after it
        let cut = UPGRADE.len() + 20; // the first frame over two segments
        let x = read_capture(&pcap(&tcp_stream(&data, &[cut, cut + 70])));
        assert!(x.issues.is_empty(), "{:?}", x.issues);
        let got: Vec<&[u8]> = x.messages.iter().map(|m| m.bytes.as_slice()).collect();
        assert_eq!(got, [INVITE, OPTIONS]);
        assert_eq!(x.messages[0].transport.as_deref(), Some("ws"));
        assert_eq!(x.messages[0].src.as_deref(), Some("10.0.0.1:40000"));
    }

    #[test]
    fn websocket_fragments_without_upgrade_and_without_their_end() {
        // Mid-stream capture (no upgrade seen): a first fragment holding a start line still counts.
        let mut data = ws(0x01, &INVITE[..60]);
        data.extend(ws(0x80, &INVITE[60..]));
        let x = read_capture(&pcap(&tcp_stream(&data, &[])));
        assert_eq!(x.messages.len(), 1);
        assert_eq!(x.messages[0].bytes, INVITE);
        // A continuation with no first fragment is skipped; a message whose final fragment
        // was never captured is reported, not decoded.
        let mut data = UPGRADE.to_vec();
        data.extend(ws(0x80, b"orphan continuation\r\n"));
        data.extend(ws(0x01, &INVITE[..60]));
        data.extend(ws(0x00, &INVITE[60..90]));
        let x = read_capture(&pcap(&tcp_stream(&data, &[])));
        assert!(x.messages.is_empty());
        assert_eq!(x.issues.len(), 1, "{:?}", x.issues);
        assert_eq!(x.issues[0].rule, Rule::CaptureIncompleteData);
    }

    /// An SCTP DATA chunk (RFC 4960 §3.3.1): flags B=2, E=1.
    fn data_chunk(flags: u8, tsn: u32, stream: u16, user: &[u8]) -> Vec<u8> {
        let mut c = vec![0, flags];
        c.extend_from_slice(&((16 + user.len()) as u16).to_be_bytes());
        c.extend_from_slice(&tsn.to_be_bytes());
        c.extend_from_slice(&stream.to_be_bytes());
        c.extend_from_slice(&0u16.to_be_bytes()); // SSN
        c.extend_from_slice(&0u32.to_be_bytes()); // PPID
        c.extend_from_slice(user);
        while c.len() % 4 != 0 {
            c.push(0);
        }
        c
    }

    /// An SCTP packet A:5060 → B:5060 bundling `chunks`.
    fn sctp(chunks: &[Vec<u8>]) -> Vec<u8> {
        let mut p = Vec::new();
        p.extend_from_slice(&5060u16.to_be_bytes());
        p.extend_from_slice(&5060u16.to_be_bytes());
        p.extend_from_slice(&[0; 8]); // verification tag, checksum
        for c in chunks {
            p.extend_from_slice(c);
        }
        ipv4(132, A, B, &p)
    }

    #[test]
    fn sctp_fragments_reassembled_in_tsn_order() {
        let (a, b, c) = (&INVITE[..50], &INVITE[50..120], &INVITE[120..]);
        let packets = vec![
            // Captured out of order, with a retransmitted middle fragment and a
            // whole message of another stream in between.
            sctp(&[data_chunk(1, 12, 3, c)]),
            sctp(&[data_chunk(2, 10, 3, a), data_chunk(3, 13, 4, OPTIONS)]),
            sctp(&[data_chunk(0, 11, 3, b)]),
            sctp(&[data_chunk(0, 11, 3, b)]),
        ];
        let x = read_capture(&pcap(&packets));
        assert!(x.issues.is_empty(), "{:?}", x.issues);
        let got: Vec<(&[u8], Option<u64>)> = x
            .messages
            .iter()
            .map(|m| (m.bytes.as_slice(), m.frame))
            .collect();
        assert_eq!(got, [(OPTIONS, Some(2)), (INVITE, Some(3))]);
        assert_eq!(x.messages[0].transport.as_deref(), Some("sctp"));
    }

    #[test]
    fn sctp_fragments_across_the_tsn_wrap_and_with_a_hole() {
        let packets = vec![
            sctp(&[data_chunk(2, u32::MAX, 0, &INVITE[..70])]),
            sctp(&[data_chunk(1, 0, 0, &INVITE[70..])]),
        ];
        let x = read_capture(&pcap(&packets));
        assert_eq!(x.messages.len(), 1);
        assert_eq!(x.messages[0].bytes, INVITE);
        // The middle fragment never captured: nothing decoded, one finding.
        let packets = vec![
            sctp(&[data_chunk(2, 7, 0, &INVITE[..50])]),
            sctp(&[data_chunk(1, 9, 0, &INVITE[120..])]),
        ];
        let x = read_capture(&pcap(&packets));
        assert!(x.messages.is_empty());
        assert_eq!(x.issues.len(), 1, "{:?}", x.issues);
        assert_eq!(x.issues[0].rule, Rule::CaptureIncompleteData);
        // Fragments of two streams do not make one message.
        let packets = vec![
            sctp(&[data_chunk(2, 20, 1, &INVITE[..50])]),
            sctp(&[data_chunk(1, 21, 2, &INVITE[50..])]),
        ];
        assert!(read_capture(&pcap(&packets)).messages.is_empty());
    }

    #[test]
    fn streaming_reader_hands_over_the_same_messages() {
        let mut data = UPGRADE.to_vec();
        data.extend(ws(0x81, INVITE));
        data.extend(ws(0x81, OPTIONS));
        let cap = pcap(&tcp_stream(&data, &[30]));
        let whole = read_capture(&cap);
        let mut seen = Vec::new();
        let x = read_capture_with(&cap, &mut |m| seen.push(m));
        assert!(x.messages.is_empty());
        assert_eq!(seen.len(), whole.messages.len());
        for (s, w) in seen.iter().zip(&whole.messages) {
            assert_eq!(
                (&s.bytes, &s.src, s.frame, s.time),
                (&w.bytes, &w.src, w.frame, w.time)
            );
            assert_eq!(s.timestamp, None);
            assert_eq!(w.timestamp, w.time.map(super::super::time::iso_time));
        }
    }

    /// A pcap of link type `link` (the frames given whole).
    fn pcap_link(link: u32, frames: &[Vec<u8>]) -> Vec<u8> {
        let mut out = pcap(frames);
        out[20..24].copy_from_slice(&link.to_le_bytes());
        out
    }

    /// A pure ACK B:443 → A:40000 acknowledging `ack`.
    fn ack_from_b(ack: u32) -> Vec<u8> {
        let mut t = Vec::new();
        t.extend_from_slice(&443u16.to_be_bytes());
        t.extend_from_slice(&40000u16.to_be_bytes());
        t.extend_from_slice(&5000u32.to_be_bytes());
        t.extend_from_slice(&ack.to_be_bytes());
        t.extend_from_slice(&[0x50, 0x10, 0xff, 0xff, 0, 0, 0, 0]);
        ipv4(6, B, A, &t)
    }

    #[test]
    fn reading_resumes_after_a_lost_segment() {
        let (m1, m2, m3) = (INVITE, OPTIONS, INVITE);
        let mut data = m1.to_vec();
        data.extend_from_slice(m2);
        data.extend_from_slice(m3);
        let segs = tcp_stream(&data, &[m1.len(), m1.len() + 50]);
        // The segment with OPTIONS' first 50 bytes never captured.
        let lost = [segs[0].clone(), segs[1].clone(), segs[3].clone()];
        let end = 1001 + data.len() as u32;
        for (name, frames) in [
            (
                "acknowledged past the hole",
                [&lost[..], &[ack_from_b(end)]].concat(),
            ),
            ("capture ends with the hole", lost.to_vec()),
        ] {
            let x = read_capture(&pcap(&frames));
            let got: Vec<&[u8]> = x.messages.iter().map(|m| m.bytes.as_slice()).collect();
            assert_eq!(got, [m1, m3], "{name}");
            assert_eq!(x.messages[1].frame, Some(3), "{name}");
            assert!(x.messages[1].frames.is_empty(), "{name}");
            assert_eq!(x.issues.len(), 1, "{name}: {:?}", x.issues);
            let i = &x.issues[0];
            assert_eq!(i.rule, Rule::CaptureTcpGap, "{name}");
            let skipped = format!("{} captured bytes", m2.len() - 50);
            assert!(
                i.message.contains("50 bytes missing") && i.message.contains(&skipped),
                "{name}: {}",
                i.message
            );
        }
    }

    #[test]
    fn frames_of_a_message_cut_by_a_hole_go_with_no_later_message() {
        let (m1, m2, m3, m4) = (INVITE, OPTIONS, INVITE, OPTIONS);
        let data = [m1, m2, m3, m4].concat();
        let (a, b) = (m1.len(), m1.len() + m2.len());
        // Frames: 1 SYN, 2 m1, 3 OPTIONS' first 30 bytes (the next 30 are
        // lost), 4 OPTIONS' end + m3's start, 5 m3's end + m4's start, 6 m4's end.
        let segs = tcp_stream(&data, &[a, a + 30, a + 60, b + 40, b + m3.len() + 20]);
        let kept = [&segs[..3], &segs[4..]].concat();
        let end = 1001 + data.len() as u32;
        for (name, frames) in [
            ("acknowledged", [&kept[..], &[ack_from_b(end)]].concat()),
            ("capture ends", kept.clone()),
        ] {
            let x = read_capture(&pcap(&frames));
            let got: Vec<&[u8]> = x.messages.iter().map(|m| m.bytes.as_slice()).collect();
            assert_eq!(got, [m1, m3, m4], "{name}");
            // Frame 3 held OPTIONS' first bytes only: it is in no message.
            // What waited behind the hole is read when it is skipped, so
            // both later messages carry the last segment's frame (6), and
            // the first of them every waiting frame.
            let all: Vec<(Option<u64>, &[u64])> = x
                .messages
                .iter()
                .map(|m| (m.frame, m.frames.as_slice()))
                .collect();
            assert_eq!(
                all,
                [
                    (Some(2), &[][..]),
                    (Some(6), &[4, 5, 6][..]),
                    (Some(6), &[][..])
                ],
                "{name}"
            );
        }
    }

    /// `pcap(packets)` with frame `i` stamped `times[i]` seconds.
    fn pcap_at(packets: &[Vec<u8>], times: &[u32]) -> Vec<u8> {
        let mut out = pcap(packets);
        let mut at = 24;
        for (p, t) in packets.iter().zip(times) {
            out[at..at + 4].copy_from_slice(&t.to_le_bytes());
            at += 16 + p.len();
        }
        out
    }

    #[test]
    fn timestamps_that_cannot_be_real_are_one_finding() {
        let frames = vec![udp(OPTIONS); 6];
        let base = 1_700_000_000u32;
        // Ordinary: a second apart, and a merged file's small disorder.
        for times in [[0, 1, 2, 3, 4, 5], [0, 2, 1, 3, 30_000, 80_000]] {
            let t: Vec<u32> = times.iter().map(|d| base + d).collect();
            let x = read_capture(&pcap_at(&frames, &t));
            assert!(x.issues.is_empty(), "{times:?}: {:?}", x.issues);
        }
        // Two jumps of years and one step back of an hour.
        let t = [
            base,
            base + 200_000_000,
            base + 200_000_001,
            base + 199_996_401,
            base + 400_000_000,
            base + 400_000_001,
        ];
        let x = read_capture(&pcap_at(&frames, &t));
        assert_eq!(x.messages.len(), 6);
        assert_eq!(x.issues.len(), 1, "{:?}", x.issues);
        let i = &x.issues[0];
        assert_eq!((i.rule, i.frame), (Rule::CaptureTimeImplausible, Some(2)));
        assert!(
            i.message.contains("2 time(s) a frame is more than a day after the frame before it (first: frame 2, 6.3 years after frame 1)")
                && i.message.contains("1 time(s) a frame is more than a second before the frame before it (first: frame 4, 3600.000 s before frame 3)"),
            "{}",
            i.message
        );
    }

    /// An Ethernet frame with VLAN `tags` carrying IPv4.
    fn eth(tags: usize, ip: &[u8]) -> Vec<u8> {
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];
        for _ in 0..tags {
            f.extend_from_slice(&[0x81, 0x00, 0, 7]);
        }
        f.extend_from_slice(&[0x08, 0x00]);
        f.extend_from_slice(ip);
        f
    }

    /// A UDP datagram A:5060 → B:5060.
    fn udp(payload: &[u8]) -> Vec<u8> {
        let mut u = Vec::new();
        for x in [5060u16, 5060, 8 + payload.len() as u16, 0] {
            u.extend_from_slice(&x.to_be_bytes());
        }
        u.extend_from_slice(payload);
        ipv4(17, A, B, &u)
    }

    #[test]
    fn vlan_tags_after_ethernet_and_cooked_headers() {
        // Three 802.1Q tags.
        let x = read_capture(&pcap_link(1, &[eth(3, &udp(OPTIONS))]));
        assert_eq!(x.messages.len(), 1, "{:?}", x.issues);
        // Linux cooked v1 whose protocol is 802.1Q.
        let mut sll = vec![0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x81, 0x00];
        sll.extend_from_slice(&[0, 7, 0x08, 0x00]);
        sll.extend_from_slice(&udp(OPTIONS));
        let x = read_capture(&pcap_link(113, &[sll]));
        assert_eq!(x.messages.len(), 1, "{:?}", x.issues);
    }

    #[test]
    fn payload_hook_gets_what_is_not_sip() {
        let mut rtp = vec![0x80, 0, 0, 1];
        rtp.extend_from_slice(&[0; 16]);
        let esp = ipv4(50, A, B, &[0, 0, 0x10, 0, 0, 0, 0, 1, 9, 9, 9, 9]);
        let frames = [udp(OPTIONS), udp(&rtp), esp];
        let (mut sip, mut seen) = (0, Vec::new());
        let x = read_capture_payloads(&pcap(&frames), &mut |_| sip += 1, &mut |p| {
            seen.push((
                p.frame,
                p.proto,
                p.src_port,
                p.dst_port,
                p.data.len(),
                p.time,
            ))
        });
        // ESP without an SA is handed over and counted (SL459), not dropped.
        assert_eq!(x.issues.len(), 1, "{:?}", x.issues);
        assert_eq!(x.issues[0].rule, Rule::CaptureEspUnread);
        assert_eq!(sip, 1);
        let t = |s: u32| Some(f64::from(1_700_000_000 + s));
        assert_eq!(
            seen,
            [(2, 17, 5060, 5060, 20, t(1)), (3, 50, 0, 0, 12, t(2))]
        );
    }

    #[test]
    fn websocket_frames_resume_after_a_lost_segment() {
        let mut data = UPGRADE.to_vec();
        data.extend(ws(0x81, INVITE));
        let second = data.len();
        data.extend(ws(0x81, OPTIONS));
        let third = data.len();
        data.extend(ws(0x81, INVITE));
        let segs = tcp_stream(&data, &[second, second + 30, third]);
        // OPTIONS' frame loses its first 30 bytes.
        let frames = [&segs[..2], &segs[3..]].concat();
        let x = read_capture(&pcap(&frames));
        let got: Vec<&[u8]> = x.messages.iter().map(|m| m.bytes.as_slice()).collect();
        assert_eq!(got, [INVITE, INVITE]);
        assert_eq!(x.issues.len(), 1, "{:?}", x.issues);
        assert!(
            x.issues[0].message.contains("30 bytes missing"),
            "{:?}",
            x.issues
        );
    }
}
