//! Capture redaction: a pcap or pcapng capture rewritten with its SIP
//! payloads redacted and its addresses aliased, lengths and checksums fixed,
//! so the result opens in Wireshark and decodes to the same SIP flow.
//!
//! One [`Redactor`] serves the whole capture, so an address gets the same
//! alias in every packet header and in every SIP message (`Via`, SDP
//! `c=`…), and a phone number the same alias in every message.
//!
//! Every layer comes from [`crate::capture`], shared with the reader: the
//! container's records with their byte offsets ([`crate::capture::Records`],
//! lenient framing), the network stack ([`crate::capture::net`]: link,
//! VLAN tags, IP, fragments, tunnels), TCP runs by stream offset
//! ([`crate::capture::tcp`]), SCTP chunks and user messages, WebSocket
//! frames (parsed and encoded again) and checksums. Two passes: the first
//! is a [`crate::capture::net::Visitor`] of the frame walker, collecting
//! TCP segments, SCTP user messages and reassembled IP datagrams (which
//! need the whole capture before a packet can be rewritten); the second
//! is a [`crate::capture::net::Layers`] implementation over the same walk
//! ([`crate::capture::net::walk`]), rebuilding each frame inner layers
//! first. This module holds
//! the redaction policy (a [`Redactor`] and [`CaptureOptions`]) and what
//! the first pass collected.
//!
//! What is rewritten, layer by layer:
//!
//! - **Containers**: pcap (micro- and nanosecond, either byte order, the
//!   modified/Kuznetzov record header) and pcapng (any number of sections,
//!   either byte order). File and section headers, interface blocks, link
//!   types, timestamps and every packet that needs no change are copied
//!   byte for byte. pcap records get their `incl_len`; `orig_len` moves by
//!   the same delta. pcapng Enhanced and Simple Packet Blocks get their
//!   lengths and 32-bit padding; an EPB's `epb_hash` option is dropped when
//!   the data changed (it would no longer match). Comments (`opt_comment`)
//!   and interface names/descriptions are redacted as text, interface
//!   addresses (`if_IPv4addr`, `if_IPv6addr`, `if_MACaddr`) aliased, custom
//!   options dropped. Name Resolution Blocks (host names and addresses),
//!   Decryption Secrets Blocks, custom and unknown blocks are dropped and
//!   counted.
//! - **Links**: Ethernet and Linux SLL/SLL2 (any 802.1Q / 802.1ad / QinQ
//!   tags after either), raw IP,
//!   BSD loopback, as the reader ([`crate::trace::capture`]) supports. MAC
//!   addresses (Ethernet, SLL/SLL2 link-layer addresses) get
//!   [`Redactor::alias_mac`] when the options cover `mac` (level `all`).
//! - **IP**: IPv4 (total length, header checksum) and IPv6 (payload length;
//!   extension headers walked), source and destination through
//!   [`Redactor::alias_ip`] when the options cover addresses. IP-in-IP, GRE
//!   (its optional checksum recomputed) and ERSPAN I/II/III carry inner
//!   packets that are rewritten the same way.
//! - **UDP**: a datagram whose payload starts with a SIP start line is
//!   redacted as one message (RFC 3261 §18.3); length and checksum (over
//!   the pseudo-header with the aliased addresses) follow. An IPv4 UDP
//!   checksum of zero (none) stays zero.
//! - **TCP**: each direction of a connection is reassembled (out-of-order
//!   and retransmitted segments, holes kept as holes), redacted as one
//!   stream with [`Redactor::edits`], and the new stream is cut back into
//!   the original segments: a segment that covered stream bytes `[a, b)`
//!   carries the new bytes `[map(a), map(b))`, where `map` moves an offset
//!   by the length change of the edits before it (an offset inside an edit
//!   lands inside its replacement). Sequence numbers move by the same map,
//!   acknowledgement numbers and SACK blocks by the other direction's, so a
//!   retransmission still carries the same bytes as the original and the
//!   stream stays consistent for any reassembler. SIP over WebSocket (RFC
//!   7118): after the HTTP upgrade, each frame's payload is unmasked,
//!   redacted (a message over continuation frames as one) and framed again
//!   with its own mask key and a new length.
//! - **SCTP**: DATA chunks (RFC 4960 §3.3.1) are redacted, one user message
//!   at a time even when fragmented over chunks and packets (fragments put
//!   together by TSN whatever their capture order, as the reader does; the
//!   new message is cut back into the same fragments; retransmitted TSNs carry the same
//!   bytes); chunk lengths and padding follow, and the CRC32c checksum
//!   (RFC 4960 Appendix B) is recomputed. When addresses are covered, the
//!   IPv4/IPv6 address parameters of INIT and INIT ACK are aliased and the
//!   opaque State Cookie and Heartbeat Info (which embed addresses in
//!   common stacks) are zeroed, consistently in both directions.
//!
//! A packet whose bytes changed gets every checksum recomputed, so a
//! checksum that was wrong in the original (offloading) is right in the
//! output; a packet that needs no change is copied as it was.
//!
//! Decisions:
//!
//! - **IP fragments**: a fragmented datagram that completes is written as
//!   one unfragmented packet (MF and offset cleared, the IPv6 Fragment
//!   header removed) at the place and time of the fragment that completed
//!   it; the other fragments are dropped and counted
//!   ([`PacketCounts::fragments_merged`]). Cutting the redacted datagram
//!   back into fragments of 8-byte multiples would keep the packet count but
//!   could leave empty fragments when it shrinks; a capture file has no MTU.
//!   Fragments that never complete cannot be read, so they count as non-SIP.
//! - **Non-SIP packets** (RTP, RTCP, DNS, Diameter, ICMP, TLS, ARP…) can
//!   hold identifiers siplens does not know how to redact (RTCP CNAMEs,
//!   Diameter AVPs, ICMP errors quoting SIP). By default they are dropped
//!   and counted ([`NonSipPackets::Drop`]); [`NonSipPackets::Keep`] keeps
//!   non-SIP IP packets with their addresses aliased and payloads as they
//!   were. Packets of a TCP connection or SCTP association that carries SIP
//!   (handshakes, pure ACKs, keep-alives) count as SIP. Frames that are not
//!   IP (ARP, LLDP…) or use a link type the reader does not support are
//!   always dropped: their addresses cannot be aliased.
//! - **Damage**: a truncated or corrupt file is rewritten up to the damage
//!   and the rest left out ([`RedactedCapture::complete`] is false, a note
//!   says where). A packet captured shorter than it was (snaplen) is
//!   redacted as far as it goes; its UDP checksum becomes 0 over IPv4 (none),
//!   other checksums over missing bytes are left as they were.
//!
//! Not rewritten: IPv6 routing headers (addresses of the route), IP options,
//! Ethernet FCS trailers, the payloads of kept non-SIP packets.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::Serialize;

use super::{Kind, RedactOptions, Redactor, Report};
use crate::capture::checksum::{crc32c, inet_checksum, transport_checksum};
use crate::capture::container::{pad4, rd16};
use crate::capture::net::{
    self, be16, be32, canonical, Defragged, FlowKey, Layers, Next, PacketCtx, TcpSegment,
};
use crate::capture::websocket::{http_head, Frame as WsFrame, HttpHead};
use crate::capture::{sctp, tcp};
use crate::capture::{sniff, Damage, DamageKind, Format, PacketForm as CForm, RecordKind, Records};
use crate::parse::framing::looks_like_sip;

/// What happens to packets that carry no SIP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NonSipPackets {
    /// Dropped and counted (the default: their payloads may hold
    /// identifiers siplens cannot redact).
    #[default]
    Drop,
    /// Kept with their IP (and, at level `all`, MAC) addresses aliased;
    /// their payloads are not changed.
    Keep,
}

/// Options of capture redaction beyond [`RedactOptions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CaptureOptions {
    /// Non-SIP packets: dropped (default) or kept with addresses aliased.
    pub non_sip: NonSipPackets,
}

/// Packet counts of a capture redaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct PacketCounts {
    /// Packets read (pcap records, pcapng EPBs and SPBs).
    pub read: u64,
    /// Packets written.
    pub written: u64,
    /// Packets written that carry SIP or belong to a TCP connection or SCTP
    /// association carrying SIP.
    pub sip: u64,
    /// Packets written with at least one byte changed.
    pub changed: u64,
    /// Non-SIP IP packets dropped ([`NonSipPackets::Drop`]).
    pub non_sip_dropped: u64,
    /// Non-SIP IP packets kept with addresses aliased ([`NonSipPackets::Keep`]).
    pub non_sip_kept: u64,
    /// IPsec ESP packets dropped, with [`NonSipPackets::Keep`] too: their
    /// payload may be SIP (in the clear under ESP-NULL) that redaction
    /// cannot rewrite.
    pub esp_dropped: u64,
    /// IP fragments dropped because their datagram is written reassembled
    /// in the packet of its last fragment.
    pub fragments_merged: u64,
    /// Packets left out because redaction made them longer than their IP or
    /// UDP length field can say.
    pub oversize_dropped: u64,
    /// Frames dropped because they are not IP or their link type is not
    /// supported (their addresses cannot be aliased).
    pub unreadable_dropped: u64,
    /// pcapng blocks dropped: name resolution, decryption secrets, custom,
    /// obsolete packet and unknown blocks.
    pub blocks_dropped: u64,
}

/// A redacted capture.
#[derive(Debug, Clone)]
pub struct RedactedCapture {
    /// `pcap`, `pcapng`, or `unknown` (not a capture: the output is empty).
    pub format: &'static str,
    /// The redacted capture, in the input's format.
    pub output: Vec<u8>,
    /// What was replaced (with the alias map: keep it local).
    pub report: Report,
    /// What happened to the packets.
    pub packets: PacketCounts,
    /// False when the input is damaged: the output holds what came before
    /// the damage.
    pub complete: bool,
    /// Notes for the user: damage, dropped blocks, packets that could not be
    /// rewritten.
    pub notes: Vec<String>,
}

/// Redacts a pcap or pcapng capture with the default [`CaptureOptions`]
/// (non-SIP packets dropped). Never panics: a damaged capture is redacted
/// up to the damage.
///
/// ```
/// use siplens::redact::{capture::redact_capture, RedactOptions};
/// let out = redact_capture(b"not a capture", &RedactOptions::default());
/// assert_eq!(out.format, "unknown");
/// assert!(out.output.is_empty() && !out.complete);
/// ```
pub fn redact_capture(input: &[u8], opts: &RedactOptions) -> RedactedCapture {
    redact_capture_with(input, opts, CaptureOptions::default())
}

/// Redacts a pcap or pcapng capture (see the module documentation).
pub fn redact_capture_with(
    input: &[u8],
    opts: &RedactOptions,
    copts: CaptureOptions,
) -> RedactedCapture {
    let container = parse_container(input);
    let mut w = Rewriter::new(Redactor::new(opts.clone()), copts);
    if container.format == "unknown" {
        w.notes
            .push("The input starts with neither a pcap nor a pcapng magic number.".into());
    }
    // Pass 1: TCP streams, SCTP messages and IP fragments, which need the
    // whole capture before a packet can be rewritten.
    let mut walker = net::Walker::new();
    for item in &container.items {
        if let Item::Packet {
            frame, link, data, ..
        } = item
        {
            walker.frame(&mut w, *frame, None, *link, &input[data.clone()]);
        }
    }
    w.finish_collect(walker.pending_datagrams());
    // Pass 2: rewrite.
    let mut out = Vec::with_capacity(input.len());
    // A section header that states its section's length gets the new one.
    let mut section: Option<(usize, usize, bool)> = None;
    for item in &container.items {
        if let Item::Options { fixed: 16, be, .. } = item {
            fix_section_length(&mut out, section.take());
            let at = out.len();
            w.write_item(input, item, &mut out);
            let stated = out.get(at + 16..at + 24).is_some_and(|l| l != [0xff; 8]);
            if stated {
                section = Some((at + 16, out.len(), *be));
            }
            continue;
        }
        w.write_item(input, item, &mut out);
    }
    fix_section_length(&mut out, section);
    let mut notes = container.notes;
    notes.append(&mut w.notes);
    RedactedCapture {
        format: container.format,
        output: out,
        report: w.r.report(),
        packets: w.counts,
        complete: container.complete,
        notes,
    }
}

/// Writes the length of the section whose header's length field is at
/// `field` and whose blocks start at `from` (pcapng §4.1).
fn fix_section_length(out: &mut [u8], section: Option<(usize, usize, bool)>) {
    let Some((field, from, be)) = section else {
        return;
    };
    let len = (out.len() - from) as u64;
    let bytes = if be {
        len.to_be_bytes()
    } else {
        len.to_le_bytes()
    };
    if let Some(f) = out.get_mut(field..field + 8) {
        f.copy_from_slice(&bytes);
    }
}

// ---------------------------------------------------------------------------
// Byte helpers.

fn wr32(v: u32, be: bool) -> [u8; 4] {
    if be {
        v.to_be_bytes()
    } else {
        v.to_le_bytes()
    }
}

fn wr16(v: u16, be: bool) -> [u8; 2] {
    if be {
        v.to_be_bytes()
    } else {
        v.to_le_bytes()
    }
}

fn put16(b: &mut [u8], at: usize, v: u16) {
    if let Some(x) = b.get_mut(at..at + 2) {
        x.copy_from_slice(&v.to_be_bytes());
    }
}

fn put32(b: &mut [u8], at: usize, v: u32) {
    if let Some(x) = b.get_mut(at..at + 4) {
        x.copy_from_slice(&v.to_be_bytes());
    }
}

// ---------------------------------------------------------------------------
// Edits on bytes and the offset map.

/// A replacement of `input[start..end]` by `bytes`.
#[derive(Debug, Clone)]
struct ByteEdit {
    start: usize,
    end: usize,
    bytes: Vec<u8>,
}

/// Where the bytes of an input are after its edits.
#[derive(Debug, Clone, Default)]
struct Remap {
    /// (start, end, new start, new length), sorted.
    edits: Vec<(usize, usize, usize, usize)>,
    delta: i64,
}

impl Remap {
    fn new(edits: &[ByteEdit]) -> Self {
        let mut out = Vec::with_capacity(edits.len());
        let mut delta: i64 = 0;
        for e in edits {
            let new_start = (e.start as i64 + delta) as usize;
            out.push((e.start, e.end, new_start, e.bytes.len()));
            delta += e.bytes.len() as i64 - (e.end - e.start) as i64;
        }
        Remap { edits: out, delta }
    }

    /// The new offset of input offset `p`: moved by the edits before it;
    /// an offset strictly inside an edit lands inside its replacement.
    /// Monotone, so cut points stay in order.
    fn map(&self, p: usize) -> usize {
        let i = self.edits.partition_point(|e| e.0 < p);
        if i == 0 {
            return p;
        }
        let (s, e, ns, nl) = self.edits[i - 1];
        if p >= e {
            (p as i64 + (ns as i64 + nl as i64 - e as i64)) as usize
        } else {
            ns + (p - s).min(nl)
        }
    }
}

/// `input` with `edits` applied (sorted, non-overlapping).
fn apply(input: &[u8], edits: &[ByteEdit]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() + 64);
    let mut at = 0;
    for e in edits {
        out.extend_from_slice(&input[at..e.start]);
        out.extend_from_slice(&e.bytes);
        at = e.end;
    }
    out.extend_from_slice(&input[at..]);
    out
}

/// The redactor's edits of `input` as byte edits, checked sorted and
/// inside the input.
fn text_edits(r: &mut Redactor, input: &[u8]) -> Vec<ByteEdit> {
    let mut out: Vec<ByteEdit> = Vec::new();
    let mut at = 0;
    for e in r.edits(input) {
        if e.span.start < at || e.span.end > input.len() || e.span.start > e.span.end {
            continue;
        }
        at = e.span.end;
        out.push(ByteEdit {
            start: e.span.start,
            end: e.span.end,
            bytes: e.text.into_bytes(),
        });
    }
    out
}

/// Redacts the concatenation of `pieces` as one message and cuts the result
/// back into as many pieces, each boundary moved by the edit map.
fn redact_pieces(r: &mut Redactor, pieces: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let joined: Vec<u8> = pieces.concat();
    let edits = text_edits(r, &joined);
    if edits.is_empty() {
        return pieces.to_vec();
    }
    let new = apply(&joined, &edits);
    let map = Remap::new(&edits);
    let mut out = Vec::with_capacity(pieces.len());
    let mut at = 0;
    for p in pieces {
        let (a, b) = (map.map(at), map.map(at + p.len()));
        out.push(new.get(a..b.max(a)).unwrap_or_default().to_vec());
        at += p.len();
    }
    out
}

// ---------------------------------------------------------------------------
// Containers.

/// How a packet record is laid out around its data, and its byte order.
#[derive(Debug, Clone)]
enum PacketForm {
    /// pcap record: header length (16, or 24 for the modified format).
    Pcap { hdr: usize, be: bool },
    /// pcapng EPB: options range.
    Epb {
        be: bool,
        opts: std::ops::Range<usize>,
    },
    /// pcapng SPB.
    Spb { be: bool },
}

#[derive(Debug, Clone)]
enum Item {
    /// Copied as it is.
    Keep(std::ops::Range<usize>),
    /// A pcapng block whose options may need redaction (SHB, IDB, ISB):
    /// `fixed` bytes of body before the options.
    Options {
        range: std::ops::Range<usize>,
        fixed: usize,
        be: bool,
        idb: bool,
    },
    /// A packet.
    Packet {
        frame: u64,
        range: std::ops::Range<usize>,
        form: PacketForm,
        link: u32,
        data: std::ops::Range<usize>,
        orig_len: u32,
    },
    /// A pcapng block left out.
    Drop,
}

struct Container {
    format: &'static str,
    items: Vec<Item>,
    complete: bool,
    notes: Vec<String>,
}

/// The container's records ([`Records::lenient`]: rewriting goes by byte
/// offsets, so a block with damaged options is still copied or rewritten)
/// sorted into what the rewrite does with each.
fn parse_container(input: &[u8]) -> Container {
    let mut c = Container {
        format: sniff(input).map_or("unknown", Format::name),
        items: Vec::new(),
        complete: false,
        notes: Vec::new(),
    };
    if c.format == "unknown" {
        return c;
    }
    let mut dropped: Vec<&'static str> = Vec::new();
    let mut damage = None;
    for record in Records::lenient(input) {
        let record = match record {
            Ok(r) => r,
            Err(d) => {
                damage = Some(d);
                break;
            }
        };
        let (range, be) = (record.range, record.be);
        let total = range.len();
        let item = match record.kind {
            RecordKind::PcapHeader => Item::Keep(range),
            RecordKind::Packet(p, form) => Item::Packet {
                frame: p.frame,
                range,
                form: match form {
                    CForm::Pcap { header } => PacketForm::Pcap { hdr: header, be },
                    CForm::Epb { options } => PacketForm::Epb { be, opts: options },
                    CForm::Spb => PacketForm::Spb { be },
                },
                link: p.link,
                data: p.data_at..p.data_at + p.data.len(),
                orig_len: p.orig_len,
            },
            RecordKind::Block(0x0a0d_0d0a) if total >= 28 => Item::Options {
                range,
                fixed: 16,
                be,
                idb: false,
            },
            RecordKind::Block(1) if total >= 20 => Item::Options {
                range,
                fixed: 8,
                be,
                idb: true,
            },
            RecordKind::Block(5) if total >= 24 => Item::Options {
                range,
                fixed: 12,
                be,
                idb: false,
            },
            RecordKind::Block(ty) => {
                let what = match ty {
                    2 => "obsolete packet",
                    4 => "name resolution",
                    0x0a => "decryption secrets",
                    0x0bad | 0x4000_0bad => "custom",
                    _ => "unknown",
                };
                if !dropped.contains(&what) {
                    dropped.push(what);
                }
                Item::Drop
            }
        };
        c.items.push(item);
    }
    if !dropped.is_empty() {
        c.notes.push(format!(
            "pcapng blocks left out (they can hold names, addresses or keys): {}.",
            dropped.join(", ")
        ));
    }
    match damage {
        None => c.complete = true,
        Some(Damage {
            what: DamageKind::PcapHeader,
            ..
        }) => c
            .notes
            .push("The pcap file header is incomplete; nothing written.".into()),
        Some(Damage {
            what: DamageKind::PcapRecord,
            at,
            frames,
        }) => c.notes.push(format!(
            "The capture ends or breaks inside record {} (byte {at} of {}); the rest is left out.",
            frames + 1,
            input.len()
        )),
        Some(Damage { at, .. }) => c.notes.push(format!(
            "The capture ends or breaks in a block at byte {at} of {}; the rest is left out.",
            input.len()
        )),
    }
    c
}

// ---------------------------------------------------------------------------
// The walker: one traversal of every frame, collecting (pass 1) or
// rewriting (pass 2).

/// What a frame turned out to carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Sip,
    Other,
    /// A fragment written as part of a reassembled datagram elsewhere.
    Absorbed,
    /// Grew past what its length fields can say: left out.
    Oversize,
    /// IPsec ESP (IP protocol 50, or UDP-encapsulated on port 4500, RFC
    /// 3948 §2.1): always left out, `--keep-non-sip` or not. ESP-NULL carries
    /// SIP in the clear that the rewriter cannot reach without opening the
    /// SA, and an encrypted payload is SIP its keys holder can read.
    Esp,
}

/// A transport segment's new bytes and the checksum the IP layer must fill.
struct Seg {
    bytes: Vec<u8>,
    v: Verdict,
    csum: Csum,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Csum {
    None,
    /// UDP at offset 6; `zero` keeps an IPv4 "no checksum".
    Udp {
        zero: bool,
    },
    Tcp,
}

enum FragNote {
    Complete(Vec<u8>),
    Absorbed,
}

/// One direction of a TCP connection.
#[derive(Default)]
struct Dir {
    key: Option<FlowKey>,
    /// Sequence number of stream offset 0 (SYN + 1, or the first data).
    anchor: Option<u32>,
    segs: Vec<(i64, Vec<u8>)>,
    runs: Vec<Run>,
    sip: bool,
}

/// A contiguous stretch of a direction's stream, redacted.
struct Run {
    start: i64,
    end: i64,
    /// Length change of the runs before this one.
    delta_before: i64,
    remap: Remap,
    new: Vec<u8>,
}

impl Dir {
    fn offset(&self, seq: u32) -> Option<i64> {
        self.anchor.map(|a| tcp::relative(a, seq))
    }

    /// The new offset of stream offset `off`.
    fn map(&self, off: i64) -> i64 {
        let i = self.runs.partition_point(|r| r.start <= off);
        if i == 0 {
            return off;
        }
        let run = &self.runs[i - 1];
        if off <= run.end {
            run.start + run.delta_before + run.remap.map((off - run.start) as usize) as i64
        } else {
            off + run.delta_before + run.remap.delta
        }
    }

    /// The new sequence number of `seq`.
    fn map_seq(&self, seq: u32) -> u32 {
        match (self.anchor, self.offset(seq)) {
            (Some(a), Some(off)) => a.wrapping_add(self.map(off) as u32),
            _ => seq,
        }
    }

    /// The new bytes of the segment of `len` bytes at `seq`.
    fn new_bytes(&self, seq: u32, len: usize) -> Option<Vec<u8>> {
        let off = self.offset(seq)?;
        let i = self.runs.partition_point(|r| r.start <= off);
        let run = self.runs.get(i.checked_sub(1)?)?;
        let a = (off - run.start) as usize;
        let b = a + len;
        if off + len as i64 > run.end {
            return None;
        }
        let (na, nb) = (run.remap.map(a), run.remap.map(b));
        run.new.get(na..nb.max(na)).map(<[u8]>::to_vec)
    }
}

#[derive(Default)]
struct Conn {
    dirs: [Dir; 2],
    computed: bool,
    sip: bool,
}

struct SctpMsg {
    pieces: Vec<Vec<u8>>,
    new: Option<Vec<Vec<u8>>>,
}

struct Rewriter {
    r: Redactor,
    copts: CaptureOptions,
    frame: u64,
    counts: PacketCounts,
    notes: Vec<String>,
    frag_notes: HashMap<(u64, u8), FragNote>,
    conns: Vec<Conn>,
    conn_of: HashMap<FlowKey, usize>,
    tcp_notes: HashMap<(u64, u8), (usize, usize)>,
    /// Fragments of SCTP user messages not yet whole, per direction.
    sctp_dirs: HashMap<FlowKey, sctp::Reassembler<()>>,
    sctp_msgs: Vec<SctpMsg>,
    sctp_of: HashMap<(FlowKey, u32), (usize, usize)>,
    sctp_sip: std::collections::HashSet<FlowKey>,
    too_big: u64,
}

/// A fragmented SCTP user message longer than this is not put together.
const MAX_SCTP_MESSAGE: usize = 16 << 20;

impl Rewriter {
    fn new(r: Redactor, copts: CaptureOptions) -> Self {
        Rewriter {
            r,
            copts,
            frame: 0,
            counts: PacketCounts::default(),
            notes: Vec::new(),
            frag_notes: HashMap::new(),
            conns: Vec::new(),
            conn_of: HashMap::new(),
            tcp_notes: HashMap::new(),
            sctp_dirs: HashMap::new(),
            sctp_msgs: Vec::new(),
            sctp_of: HashMap::new(),
            sctp_sip: Default::default(),
            too_big: 0,
        }
    }

    /// True when a slice with verdict `v` is written (so its headers are
    /// rewritten).
    fn keeps(&self, v: Verdict) -> bool {
        v == Verdict::Sip || (v == Verdict::Other && self.copts.non_sip == NonSipPackets::Keep)
    }

    fn covers_ip(&self) -> bool {
        let o = self.r.options();
        o.covers(Kind::Ipv4) || o.covers(Kind::Ipv6)
    }

    fn finish_collect(&mut self, pending_datagrams: usize) {
        if pending_datagrams > 0 {
            self.notes.push(format!(
                "{pending_datagrams} fragmented IP datagram(s) never completed; their fragments count as non-SIP.",
            ));
        }
    }

    // -- container items ---------------------------------------------------

    fn write_item(&mut self, input: &[u8], item: &Item, out: &mut Vec<u8>) {
        match item {
            Item::Keep(r) => out.extend_from_slice(&input[r.clone()]),
            Item::Drop => self.counts.blocks_dropped += 1,
            Item::Options {
                range,
                fixed,
                be,
                idb,
            } => {
                let block = &input[range.clone()];
                let opts_start = 8 + fixed;
                let opts_end = block.len() - 4;
                let opts = &block[opts_start.min(opts_end)..opts_end];
                match self.options(opts, *be, *idb, false) {
                    None => out.extend_from_slice(block),
                    Some(new) => {
                        let total = (opts_start + new.len() + 4) as u32;
                        out.extend_from_slice(&block[..4]);
                        out.extend_from_slice(&wr32(total, *be));
                        out.extend_from_slice(&block[8..opts_start]);
                        out.extend_from_slice(&new);
                        out.extend_from_slice(&wr32(total, *be));
                    }
                }
            }
            Item::Packet {
                frame,
                range,
                form,
                link,
                data,
                orig_len,
            } => {
                self.counts.read += 1;
                self.frame = *frame;
                let old = &input[data.clone()];
                let done = net::walk(self, *frame, None, *link, old);
                let Some(done) = done else {
                    self.counts.unreadable_dropped += 1;
                    return;
                };
                match done.v {
                    Verdict::Absorbed => {
                        self.counts.fragments_merged += 1;
                        return;
                    }
                    Verdict::Oversize => {
                        self.counts.oversize_dropped += 1;
                        return;
                    }
                    Verdict::Esp => {
                        self.counts.esp_dropped += 1;
                        return;
                    }
                    Verdict::Other if !self.keeps(Verdict::Other) => {
                        self.counts.non_sip_dropped += 1;
                        return;
                    }
                    Verdict::Other => self.counts.non_sip_kept += 1,
                    Verdict::Sip => self.counts.sip += 1,
                }
                self.counts.written += 1;
                let new = done.bytes;
                if new == old {
                    out.extend_from_slice(&input[range.clone()]);
                    return;
                }
                self.counts.changed += 1;
                let delta = new.len() as i64 - old.len() as i64;
                let orig = (i64::from(*orig_len) + delta).max(new.len() as i64);
                let orig = u32::try_from(orig).unwrap_or(u32::MAX);
                let rec = &input[range.clone()];
                match form {
                    PacketForm::Pcap { hdr, be } => {
                        out.extend_from_slice(&rec[..8]);
                        out.extend_from_slice(&wr32(new.len() as u32, *be));
                        out.extend_from_slice(&wr32(orig, *be));
                        out.extend_from_slice(&rec[16..*hdr]);
                        out.extend_from_slice(&new);
                    }
                    PacketForm::Epb { be, opts } => {
                        let o = &input[opts.clone()];
                        let o = self
                            .options(o, *be, false, true)
                            .unwrap_or_else(|| o.to_vec());
                        let total = (28 + pad4(new.len()) + o.len() + 4) as u32;
                        out.extend_from_slice(&rec[..4]);
                        out.extend_from_slice(&wr32(total, *be));
                        out.extend_from_slice(&rec[8..20]);
                        out.extend_from_slice(&wr32(new.len() as u32, *be));
                        out.extend_from_slice(&wr32(orig, *be));
                        out.extend_from_slice(&new);
                        out.resize(out.len() + pad4(new.len()) - new.len(), 0);
                        out.extend_from_slice(&o);
                        out.extend_from_slice(&wr32(total, *be));
                    }
                    PacketForm::Spb { be } => {
                        let total = (12 + pad4(new.len()) + 4) as u32;
                        out.extend_from_slice(&rec[..4]);
                        out.extend_from_slice(&wr32(total, *be));
                        // An SPB's captured length is the block's, so the
                        // original length must cover the new data.
                        out.extend_from_slice(&wr32(orig, *be));
                        out.extend_from_slice(&new);
                        out.resize(out.len() + pad4(new.len()) - new.len(), 0);
                        out.extend_from_slice(&wr32(total, *be));
                    }
                }
            }
        }
    }

    /// Rewrites pcapng options (RFC draft-ietf-opsawg-pcapng §3.5): comments
    /// (and interface names/descriptions) redacted as text, interface
    /// addresses aliased, custom options dropped, an EPB's hash dropped
    /// (`packet_changed`). `None` when nothing changes.
    fn options(
        &mut self,
        opts: &[u8],
        be: bool,
        idb: bool,
        packet_changed: bool,
    ) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(opts.len());
        let mut changed = false;
        let mut at = 0;
        while at + 4 <= opts.len() {
            let code = rd16(opts, at, be);
            let len = usize::from(rd16(opts, at + 2, be));
            let end = at + 4 + pad4(len);
            if code == 0 || at + 4 + len > opts.len() {
                break;
            }
            let value = &opts[at + 4..at + 4 + len];
            let new: Option<Option<Vec<u8>>> = match code {
                2988 | 2989 | 19372 | 19373 => Some(None),
                3 if packet_changed => Some(None),
                1 => Some(Some(self.r.redact(value))),
                2 | 3 if idb => Some(Some(self.r.redact(value))),
                4 if idb && len == 8 => {
                    let a = Ipv4Addr::new(value[0], value[1], value[2], value[3]);
                    let mut v = value.to_vec();
                    if let Some(IpAddr::V4(n)) = self.r.alias_ip(IpAddr::V4(a)) {
                        v[..4].copy_from_slice(&n.octets());
                    }
                    Some(Some(v))
                }
                5 if idb && len == 17 => {
                    let mut o = [0u8; 16];
                    o.copy_from_slice(&value[..16]);
                    let mut v = value.to_vec();
                    if let Some(IpAddr::V6(n)) = self.r.alias_ip(IpAddr::V6(Ipv6Addr::from(o))) {
                        v[..16].copy_from_slice(&n.octets());
                    }
                    Some(Some(v))
                }
                6 if idb && len == 6 => {
                    let mut m = [0u8; 6];
                    m.copy_from_slice(value);
                    Some(Some(self.r.alias_mac(m).map_or(m.to_vec(), |n| n.to_vec())))
                }
                _ => None,
            };
            match new {
                None => out.extend_from_slice(&opts[at..end.min(opts.len())]),
                Some(None) => changed = true,
                Some(Some(v)) => {
                    if v != value {
                        changed = true;
                    }
                    if v.len() <= usize::from(u16::MAX) {
                        out.extend_from_slice(&wr16(code, be));
                        out.extend_from_slice(&wr16(v.len() as u16, be));
                        out.extend_from_slice(&v);
                        out.resize(out.len() + pad4(v.len()) - v.len(), 0);
                    }
                }
            }
            at = end;
        }
        if !changed {
            return None;
        }
        if !out.is_empty() {
            out.extend_from_slice(&[0, 0, 0, 0]);
        }
        Some(out)
    }

    fn mac_at(&mut self, b: &mut [u8], at: usize) {
        if let Some(m) = b.get(at..at + 6) {
            let mut mac = [0u8; 6];
            mac.copy_from_slice(m);
            if let Some(n) = self.r.alias_mac(mac) {
                b[at..at + 6].copy_from_slice(&n);
            }
        }
    }

    // -- IP ----------------------------------------------------------------

    /// The IP header with its addresses aliased, its length and (IPv4)
    /// header checksum fixed, then the new transport bytes and the trailer.
    fn finish_ip(
        &mut self,
        header: Vec<u8>,
        h: &net::IpHeader,
        old_payload: &[u8],
        trailer: &[u8],
        seg: Seg,
    ) -> Seg {
        if !self.keeps(seg.v) {
            return gone(seg.v);
        }
        if h.is_v4() {
            self.finish_ip4(header, h.src, h.dst, old_payload, trailer, seg)
        } else {
            self.finish_ip6(header, h.src, h.dst, old_payload, trailer, seg)
        }
    }

    fn finish_ip4(
        &mut self,
        mut header: Vec<u8>,
        src: IpAddr,
        dst: IpAddr,
        old_payload: &[u8],
        trailer: &[u8],
        seg: Seg,
    ) -> Seg {
        let (nsrc, ndst) = self.alias_pair(src, dst);
        if let (IpAddr::V4(s), IpAddr::V4(d)) = (nsrc, ndst) {
            header[12..16].copy_from_slice(&s.octets());
            header[16..20].copy_from_slice(&d.octets());
        }
        let old_total = usize::from(be16(&header, 2));
        let delta = seg.bytes.len() as i64 - old_payload.len() as i64;
        let new_total = if old_total >= header.len() {
            old_total as i64 + delta
        } else {
            (header.len() + seg.bytes.len()) as i64
        };
        let Ok(new_total) = u16::try_from(new_total) else {
            return self.unrepresentable();
        };
        put16(&mut header, 2, new_total);
        let complete = usize::from(new_total) <= header.len() + seg.bytes.len();
        let mut bytes = seg.bytes;
        fill_checksum(&mut bytes, seg.csum, nsrc, ndst, complete);
        put16(&mut header, 10, 0);
        let c = inet_checksum(&header);
        put16(&mut header, 10, c);
        header.extend_from_slice(&bytes);
        header.extend_from_slice(trailer);
        Seg {
            bytes: header,
            v: seg.v,
            csum: Csum::None,
        }
    }

    fn unrepresentable(&mut self) -> Seg {
        self.too_big += 1;
        if self.too_big == 1 {
            self.notes.push(format!(
                "Frame {}: the redacted packet would exceed the maximum IP length; it is left out.",
                self.frame
            ));
        }
        gone(Verdict::Oversize)
    }

    fn alias_pair(&mut self, src: IpAddr, dst: IpAddr) -> (IpAddr, IpAddr) {
        let s = self.r.alias_ip(src).unwrap_or(src);
        let d = self.r.alias_ip(dst).unwrap_or(dst);
        (s, d)
    }

    fn finish_ip6(
        &mut self,
        mut header: Vec<u8>,
        src: IpAddr,
        dst: IpAddr,
        old_payload: &[u8],
        trailer: &[u8],
        seg: Seg,
    ) -> Seg {
        let (nsrc, ndst) = self.alias_pair(src, dst);
        if let (IpAddr::V6(s), IpAddr::V6(d)) = (nsrc, ndst) {
            header[8..24].copy_from_slice(&s.octets());
            header[24..40].copy_from_slice(&d.octets());
        }
        let old_plen = usize::from(be16(&header, 4));
        let have = header.len() - 40 + old_payload.len();
        let new_have = header.len() - 40 + seg.bytes.len();
        let new_plen = if old_plen == 0 {
            0
        } else if old_plen > have {
            old_plen as i64 + seg.bytes.len() as i64 - old_payload.len() as i64
        } else {
            new_have as i64
        };
        let Ok(new_plen) = u16::try_from(new_plen) else {
            return self.unrepresentable();
        };
        put16(&mut header, 4, new_plen);
        let complete = usize::from(new_plen) <= new_have;
        let mut bytes = seg.bytes;
        fill_checksum(&mut bytes, seg.csum, nsrc, ndst, complete);
        header.extend_from_slice(&bytes);
        header.extend_from_slice(trailer);
        Seg {
            bytes: header,
            v: seg.v,
            csum: Csum::None,
        }
    }

    // -- transport ---------------------------------------------------------

    fn udp(&mut self, src: IpAddr, dst: IpAddr, data: &[u8]) -> Seg {
        if data.len() < 8 {
            return opaque(data);
        }
        let ulen = usize::from(be16(data, 4));
        let end = if (8..=data.len()).contains(&ulen) {
            ulen
        } else {
            data.len()
        };
        let body = &data[8..end];
        if is_udp_esp(be16(data, 0), be16(data, 2), body) {
            return gone(Verdict::Esp);
        }
        let zero = be16(data, 6) == 0 && src.is_ipv4() && dst.is_ipv4();
        if !looks_like_sip(body) {
            return Seg {
                bytes: data.to_vec(),
                v: Verdict::Other,
                csum: Csum::Udp { zero },
            };
        }
        let new_body = apply(body, &text_edits(&mut self.r, body));
        let new_len = if ulen >= 8 {
            ulen as i64 + new_body.len() as i64 - body.len() as i64
        } else {
            ulen as i64
        };
        let Ok(new_len) = u16::try_from(new_len) else {
            return Seg {
                bytes: Vec::new(),
                v: Verdict::Oversize,
                csum: Csum::None,
            };
        };
        let mut out = data[..8].to_vec();
        put16(&mut out, 4, new_len);
        out.extend_from_slice(&new_body);
        out.extend_from_slice(&data[end..]);
        Seg {
            bytes: out,
            v: Verdict::Sip,
            csum: Csum::Udp { zero },
        }
    }

    fn tcp(&mut self, data: &[u8], depth: u8) -> Seg {
        let Some((t, hlen)) = TcpSegment::parse(data) else {
            return opaque(data);
        };
        let (seq, syn, ack, payload) = (t.seq, t.syn, t.ack, t.payload);
        let at = (self.frame, depth);
        let Some(&(ci, d)) = self.tcp_notes.get(&at) else {
            return opaque(data);
        };
        self.compute_conn(ci);
        let conn = &self.conns[ci];
        if !conn.sip {
            return Seg {
                bytes: data.to_vec(),
                v: Verdict::Other,
                csum: Csum::Tcp,
            };
        }
        let (me, other) = (&conn.dirs[d], &conn.dirs[1 - d]);
        let mut out = data[..hlen].to_vec();
        put32(&mut out, 4, me.map_seq(seq));
        if ack {
            put32(&mut out, 8, other.map_seq(be32(data, 8)));
        }
        // SACK blocks (RFC 2018) name the other direction's bytes.
        let mut o = 20;
        while o < hlen {
            match out[o] {
                0 => break,
                1 => o += 1,
                kind => {
                    let len = usize::from(*out.get(o + 1).unwrap_or(&0));
                    if len < 2 || o + len > hlen {
                        break;
                    }
                    if kind == 5 {
                        let mut b = o + 2;
                        while b + 4 <= o + len {
                            let v = be32(&out, b);
                            put32(&mut out, b, other.map_seq(v));
                            b += 4;
                        }
                    }
                    o += len;
                }
            }
        }
        let data_seq = seq.wrapping_add(u32::from(syn));
        match me.new_bytes(data_seq, payload.len()) {
            Some(p) if !payload.is_empty() => out.extend_from_slice(&p),
            _ => out.extend_from_slice(payload),
        }
        Seg {
            bytes: out,
            v: Verdict::Sip,
            csum: Csum::Tcp,
        }
    }

    fn tcp_collect(
        &mut self,
        key: FlowKey,
        seq: u32,
        syn: bool,
        ack: bool,
        payload: &[u8],
        at: (u64, u8),
    ) {
        let c = canonical(key);
        let mut ci = match self.conn_of.get(&c) {
            Some(&i) => i,
            None => {
                self.conns.push(Conn::default());
                let i = self.conns.len() - 1;
                self.conn_of.insert(c, i);
                i
            }
        };
        let d = self.conns[ci]
            .dirs
            .iter()
            .position(|x| x.key == Some(key))
            .unwrap_or_else(|| {
                if self.conns[ci].dirs[0].key.is_none() {
                    0
                } else {
                    1
                }
            });
        // A new SYN on a used 4-tuple opens a new connection.
        if syn && !ack {
            let dir = &self.conns[ci].dirs[d];
            let used = self.conns[ci].dirs.iter().any(|x| !x.segs.is_empty());
            if used && dir.anchor != Some(seq.wrapping_add(1)) {
                self.conns.push(Conn::default());
                ci = self.conns.len() - 1;
                self.conn_of.insert(c, ci);
            }
        }
        let conn = &mut self.conns[ci];
        let d = conn
            .dirs
            .iter()
            .position(|x| x.key == Some(key))
            .unwrap_or_else(|| if conn.dirs[0].key.is_none() { 0 } else { 1 });
        let dir = &mut conn.dirs[d];
        dir.key = Some(key);
        if syn && (dir.anchor.is_none() || dir.segs.is_empty()) {
            dir.anchor = Some(seq.wrapping_add(1));
        }
        if !payload.is_empty() {
            let data_seq = seq.wrapping_add(u32::from(syn));
            let anchor = *dir.anchor.get_or_insert(data_seq);
            let off = i64::from(data_seq.wrapping_sub(anchor) as i32);
            dir.segs.push((off, payload.to_vec()));
        }
        self.tcp_notes.insert(at, (ci, d));
    }

    /// Reassembles and redacts both directions of connection `ci` (once).
    fn compute_conn(&mut self, ci: usize) {
        if self.conns[ci].computed {
            return;
        }
        self.conns[ci].computed = true;
        let mut runs_raw: [Vec<(i64, Vec<u8>)>; 2] = [Vec::new(), Vec::new()];
        for (d, slot) in runs_raw.iter_mut().enumerate() {
            let dir = &mut self.conns[ci].dirs[d];
            let runs = tcp::runs(std::mem::take(&mut dir.segs));
            dir.sip = runs.iter().any(|(_, b)| stream_has_sip(b));
            *slot = runs;
        }
        let conn = &mut self.conns[ci];
        conn.sip = conn.dirs[0].sip || conn.dirs[1].sip;
        if !conn.sip {
            return;
        }
        // Redact in stream order of the first bytes, so aliases follow the capture.
        for (d, raw) in runs_raw.into_iter().enumerate() {
            let mut delta = 0i64;
            let mut runs = Vec::with_capacity(raw.len());
            for (start, bytes) in raw {
                let edits = stream_edits(&mut self.r, &bytes);
                let remap = Remap::new(&edits);
                let new = apply(&bytes, &edits);
                let run = Run {
                    start,
                    end: start + bytes.len() as i64,
                    delta_before: delta,
                    new,
                    remap,
                };
                delta += run.remap.delta;
                runs.push(run);
            }
            self.conns[ci].dirs[d].runs = runs;
        }
    }

    fn sctp(&mut self, src: IpAddr, dst: IpAddr, data: &[u8]) -> Seg {
        if data.len() < 12 {
            return opaque(data);
        }
        let key = (src, be16(data, 0), dst, be16(data, 2));
        let sip = self.sctp_sip.contains(&canonical(key));
        if !sip && !self.keeps(Verdict::Other) {
            return Seg {
                bytes: Vec::new(),
                v: Verdict::Other,
                csum: Csum::None,
            };
        }
        let hide = self.covers_ip();
        let mut out = data[..12].to_vec();
        let mut off = sctp::COMMON_HEADER;
        for ch in sctp::chunks(data) {
            if ch.truncated() {
                break;
            }
            let (ty, flags, clen, chunk) = (ch.ty, ch.flags, ch.len, ch.bytes);
            let padded = pad4(clen).min(data.len() - ch.at);
            let pad = &data[ch.at + clen..ch.at + padded];
            let new: Option<Vec<u8>> = match ty {
                0 if sip && clen >= 16 => {
                    let user = &chunk[16..];
                    let tsn = be32(chunk, 4);
                    let new_user = if flags & 3 == 3 {
                        apply(user, &text_edits(&mut self.r, user))
                    } else {
                        self.sctp_piece(key, tsn, user)
                    };
                    let mut c = chunk[..16].to_vec();
                    c.extend_from_slice(&new_user);
                    Some(c)
                }
                1 | 2 if hide && clen >= 20 => Some(self.sctp_params(chunk, 20)),
                4 | 5 if hide => Some(self.sctp_params(chunk, 4)),
                10 if hide => {
                    let mut c = chunk.to_vec();
                    c[4..].fill(0);
                    Some(c)
                }
                _ => None,
            };
            match new {
                Some(mut c) if c.len() <= usize::from(u16::MAX) => {
                    let len = c.len() as u16;
                    put16(&mut c, 2, len);
                    let p = pad4(c.len()) - c.len();
                    out.extend_from_slice(&c);
                    out.resize(out.len() + p, 0);
                }
                _ => {
                    out.extend_from_slice(chunk);
                    out.extend_from_slice(pad);
                }
            }
            off = ch.at + padded;
        }
        out.extend_from_slice(&data[off.min(data.len())..]);
        if out != data {
            out[8..12].fill(0);
            let c = crc32c(&out);
            out[8..12].copy_from_slice(&c.to_le_bytes());
        }
        Seg {
            bytes: out,
            v: if sip { Verdict::Sip } else { Verdict::Other },
            csum: Csum::None,
        }
    }

    /// INIT / INIT ACK / HEARTBEAT parameters from `from`: addresses
    /// aliased, State Cookie and Heartbeat Info zeroed (RFC 4960 §3.3.2,
    /// §3.3.3, §3.3.5).
    fn sctp_params(&mut self, chunk: &[u8], from: usize) -> Vec<u8> {
        let mut c = chunk.to_vec();
        let mut at = from;
        while at + 4 <= c.len() {
            let ty = be16(&c, at);
            let len = usize::from(be16(&c, at + 2));
            if len < 4 || at + len > c.len() {
                break;
            }
            match (ty, len) {
                (5, 8) => {
                    let a = Ipv4Addr::new(c[at + 4], c[at + 5], c[at + 6], c[at + 7]);
                    if let Some(IpAddr::V4(n)) = self.r.alias_ip(IpAddr::V4(a)) {
                        c[at + 4..at + 8].copy_from_slice(&n.octets());
                    }
                }
                (6, 20) => {
                    let mut o = [0u8; 16];
                    o.copy_from_slice(&c[at + 4..at + 20]);
                    if let Some(IpAddr::V6(n)) = self.r.alias_ip(IpAddr::V6(Ipv6Addr::from(o))) {
                        c[at + 4..at + 20].copy_from_slice(&n.octets());
                    }
                }
                (7, _) => c[at + 4..at + len].fill(0),
                (1, _) if matches!(chunk[0], 4 | 5) => c[at + 4..at + len].fill(0),
                _ => {}
            }
            at += pad4(len);
        }
        c
    }

    fn sctp_collect(&mut self, key: FlowKey, data: &[u8]) {
        for d in sctp::chunks(data).filter_map(|c| c.data()) {
            if d.flags & 3 == 3 {
                if looks_like_sip(d.user) {
                    self.sctp_sip.insert(canonical(key));
                }
                continue;
            }
            let dir = self
                .sctp_dirs
                .entry(key)
                .or_insert_with(|| sctp::Reassembler::new(MAX_SCTP_MESSAGE));
            let sctp::Pushed::Whole(fragments) = dir.push(&d, ()) else {
                continue;
            };
            let m = self.sctp_msgs.len();
            let mut pieces = Vec::with_capacity(fragments.len());
            for (i, f) in fragments.into_iter().enumerate() {
                self.sctp_of.insert((key, f.tsn), (m, i));
                pieces.push(f.data);
            }
            if looks_like_sip(&pieces.concat()) {
                self.sctp_sip.insert(canonical(key));
            }
            self.sctp_msgs.push(SctpMsg { pieces, new: None });
        }
    }

    /// The new bytes of the fragment with `tsn` of a fragmented user message.
    fn sctp_piece(&mut self, key: FlowKey, tsn: u32, user: &[u8]) -> Vec<u8> {
        let Some(&(m, i)) = self.sctp_of.get(&(key, tsn)) else {
            // A fragment of a message never completed: redacted alone.
            return apply(user, &text_edits(&mut self.r, user));
        };
        if self.sctp_msgs[m].new.is_none() {
            let new = redact_pieces(&mut self.r, &self.sctp_msgs[m].pieces);
            self.sctp_msgs[m].new = Some(new);
        }
        self.sctp_msgs[m]
            .new
            .as_ref()
            .and_then(|n| n.get(i))
            .cloned()
            .unwrap_or_else(|| user.to_vec())
    }
}

/// The first pass: TCP segments, SCTP messages and reassembled IP
/// datagrams collected from the frame walker before anything is rewritten.
impl net::Visitor for Rewriter {
    fn tcp(&mut self, ctx: &PacketCtx<'_>, key: FlowKey, seg: &TcpSegment<'_>) {
        let at = (ctx.frame, ctx.depth);
        self.tcp_collect(key, seg.seq, seg.syn, seg.ack, seg.payload, at);
    }

    fn sctp(&mut self, _: &PacketCtx<'_>, key: FlowKey, packet: &[u8]) {
        self.sctp_collect(key, packet);
    }

    fn reassembled(&mut self, ctx: &PacketCtx<'_>, payload: &[u8]) {
        for &m in ctx.fragments {
            self.frag_notes.insert(m, FragNote::Absorbed);
        }
        self.frag_notes
            .insert((ctx.frame, ctx.depth), FragNote::Complete(payload.to_vec()));
    }
}

/// The second pass: each frame rebuilt by the one walk ([`net::walk`]),
/// inner layers first — lengths, addresses and checksums patched around
/// the new transport bytes.
impl Layers for Rewriter {
    type Out = Seg;

    fn transport(
        &mut self,
        ctx: &PacketCtx<'_>,
        next: Next,
        h: &net::IpHeader,
        data: &[u8],
    ) -> Seg {
        match next {
            Next::Udp => self.udp(h.src, h.dst, data),
            Next::Tcp => self.tcp(data, ctx.depth),
            Next::Sctp => self.sctp(h.src, h.dst, data),
            _ if h.proto == ESP_PROTOCOL => gone(Verdict::Esp),
            _ => opaque(data),
        }
    }

    fn opaque(&mut self, data: &[u8]) -> Seg {
        opaque(data)
    }

    /// What the first pass decided: the walker reassembled the datagram in
    /// this frame, or in another one, or never.
    fn fragment(&mut self, ctx: &PacketCtx<'_>, _: &net::IpHeader, _: &[u8]) -> Defragged {
        match self.frag_notes.remove(&(ctx.frame, ctx.depth)) {
            Some(FragNote::Complete(p)) => Defragged::Whole(p, Vec::new()),
            Some(FragNote::Absorbed) => Defragged::Absorbed,
            None => Defragged::Incomplete,
        }
    }

    fn absorbed(&mut self) -> Seg {
        gone(Verdict::Absorbed)
    }

    /// The packet (with whatever follows it in the slice, such as Ethernet
    /// padding, kept after it); a reassembled datagram written as one
    /// unfragmented packet.
    fn ip(&mut self, packet: &[u8], h: &net::IpHeader, whole: Option<&[u8]>, inner: Seg) -> Seg {
        let mut header = packet[..h.header_len].to_vec();
        let mut old_payload = &packet[h.header_len..h.end];
        if let (Some(whole), Some(f)) = (whole, h.fragment) {
            old_payload = whole;
            if h.is_v4() {
                // Keep DF, clear MF and the offset.
                put16(&mut header, 6, be16(packet, 6) & 0x4000);
                let total = u16::try_from(h.header_len + whole.len()).unwrap_or(u16::MAX);
                put16(&mut header, 2, total);
            } else {
                // Drop the Fragment header: its predecessor names what followed it.
                header.truncate(f.header_at);
                header[f.names_it_at] = h.proto;
                let plen = u16::try_from(f.header_at - 40 + whole.len()).unwrap_or(u16::MAX);
                put16(&mut header, 4, plen);
            }
        }
        self.finish_ip(header, h, old_payload, &packet[h.end..], inner)
    }

    /// IP-in-IP, or GRE (RFC 2784/2890) with IP, transparent Ethernet or
    /// ERSPAN inside, its checksum (when present) recomputed.
    fn tunnel(&mut self, data: &[u8], gre: Option<&net::Gre>, inner: Option<Seg>) -> Seg {
        let Some(done) = inner else {
            return opaque(data);
        };
        let Some(g) = gre else {
            return Seg {
                csum: Csum::None,
                ..done
            };
        };
        if !self.keeps(done.v) {
            return gone(done.v);
        }
        let mut out = data[..g.inner_at()].to_vec();
        out.extend_from_slice(&done.bytes);
        if g.checksum && out != data {
            put16(&mut out, 4, 0);
            let c = inet_checksum(&out);
            put16(&mut out, 4, c);
        }
        Seg {
            bytes: out,
            v: done.v,
            csum: Csum::None,
        }
    }

    /// The link header (MAC addresses aliased) before the new packet.
    fn link(&mut self, frame: &[u8], n: &net::LinkNet, inner: Seg) -> Seg {
        if !self.keeps(inner.v) {
            return gone(inner.v);
        }
        let mut out = frame[..n.at].to_vec();
        for &at in n.macs {
            self.mac_at(&mut out, at);
        }
        out.extend_from_slice(&inner.bytes);
        Seg {
            bytes: out,
            v: inner.v,
            csum: Csum::None,
        }
    }
}

/// Nothing written, for what a slice turned out to carry.
fn gone(v: Verdict) -> Seg {
    Seg {
        bytes: Vec::new(),
        v,
        csum: Csum::None,
    }
}

/// IP protocol number of ESP (RFC 4303).
const ESP_PROTOCOL: u8 = 50;

/// A UDP payload on port 4500 that is ESP (RFC 3948 §2.1, §2.2): not a
/// NAT-keepalive (the single byte 0xFF) and not IKE (its four zero bytes,
/// the non-ESP marker), so its first four bytes are a non-zero SPI.
fn is_udp_esp(sport: u16, dport: u16, body: &[u8]) -> bool {
    (sport == 4500 || dport == 4500) && body.len() >= 8 && body[..4] != [0, 0, 0, 0]
}

/// A payload siplens does not read: kept as it is, non-SIP.
fn opaque(data: &[u8]) -> Seg {
    Seg {
        bytes: data.to_vec(),
        v: Verdict::Other,
        csum: Csum::None,
    }
}

/// Writes the UDP or TCP checksum of `seg` (addresses `src`, `dst`). A
/// segment missing bytes (`complete` false) cannot be summed: UDP over IPv4
/// gets 0 (no checksum), others keep theirs.
fn fill_checksum(seg: &mut [u8], csum: Csum, src: IpAddr, dst: IpAddr, complete: bool) {
    let (at, proto) = match csum {
        Csum::None => return,
        Csum::Udp { zero: true } => return,
        Csum::Udp { .. } => (6, 17),
        Csum::Tcp => (16, 6),
    };
    if seg.len() < at + 2 {
        return;
    }
    if !complete {
        if proto == 17 && src.is_ipv4() {
            put16(seg, at, 0);
        }
        return;
    }
    put16(seg, at, 0);
    let mut c = transport_checksum(src, dst, proto, seg);
    if proto == 17 && c == 0 {
        c = 0xffff;
    }
    put16(seg, at, c);
}

/// True when a reassembled TCP stream carries SIP: a start line at its
/// beginning or after a line end, or SIP in a WebSocket frame.
fn stream_has_sip(b: &[u8]) -> bool {
    if looks_like_sip(b) {
        return true;
    }
    if ws_start(b).is_some() {
        let mut at = ws_start(b).unwrap_or(0);
        while let Some(f) = WsFrame::parse(&b[at..]) {
            if looks_like_sip(&f.payload) {
                return true;
            }
            at += f.len;
        }
    }
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'\n', &b[from..]) {
        from += i + 1;
        if looks_like_sip(&b[from..]) {
            return true;
        }
        if from > 4 << 20 {
            break;
        }
    }
    false
}

/// Where WebSocket frames start in a stream: after an HTTP upgrade header
/// section naming `websocket`, or at 0 when it starts with a text or binary
/// frame holding SIP.
fn ws_start(b: &[u8]) -> Option<usize> {
    match http_head(b) {
        Some(HttpHead::Head { len, upgrade }) => return upgrade.then_some(len),
        Some(HttpHead::Incomplete) => return None,
        None => {}
    }
    if matches!(b.first(), Some(0x81 | 0x82 | 0x01 | 0x02)) {
        let f = WsFrame::parse(b)?;
        return looks_like_sip(&f.payload).then_some(0);
    }
    None
}

/// The edits of one contiguous stretch of a TCP stream: text (SIP over
/// TCP) redacted as a whole; WebSocket frames rewritten one message at a
/// time.
fn stream_edits(r: &mut Redactor, b: &[u8]) -> Vec<ByteEdit> {
    let Some(start) = ws_start(b) else {
        return text_edits(r, b);
    };
    let mut edits = Vec::new();
    let mut at = start;
    // A message: a text/binary frame and its continuation frames.
    let mut msg: Vec<(usize, WsFrame)> = Vec::new();
    while let Some(f) = WsFrame::parse(&b[at..]) {
        let (fin, op) = (f.fin(), f.opcode());
        let len = f.len;
        if op >= 8 {
            // Control frames (close, ping, pong) stay as they are.
            at += len;
            continue;
        }
        if op != 0 {
            msg.clear();
        }
        msg.push((at, f));
        if fin {
            let pieces: Vec<Vec<u8>> = msg.iter().map(|(_, f)| f.payload.clone()).collect();
            if looks_like_sip(&pieces.concat()) {
                let new = redact_pieces(r, &pieces);
                for ((fa, f), p) in msg.iter().zip(new) {
                    if p != f.payload {
                        edits.push(ByteEdit {
                            start: *fa,
                            end: fa + f.len,
                            bytes: f.encode(&p),
                        });
                    }
                }
            }
            msg.clear();
        }
        at += len;
    }
    // The upgrade request or response last, so that names the SIP messages
    // gave aliases to are known to the sweep.
    edits.extend(upgrade_edits(r, &b[..start]));
    edits.sort_by_key(|e| e.start);
    edits
}

/// The edits of an HTTP upgrade header section (RFC 6455 §4): the text
/// scan (addresses, URIs, names already aliased), plus the host names of
/// `Host` and `Origin`, which no SIP rule covers.
fn upgrade_edits(r: &mut Redactor, head: &[u8]) -> Vec<ByteEdit> {
    let mut edits = text_edits(r, head);
    if !r.options().covers(Kind::Host) {
        return edits;
    }
    let mut at = 0;
    for line in head.split(|&c| c == b'\n') {
        let start = at;
        at += line.len() + 1;
        let Some(colon) = memchr::memchr(b':', line) else {
            continue;
        };
        let name = line[..colon].trim_ascii();
        if !(name.eq_ignore_ascii_case(b"host") || name.eq_ignore_ascii_case(b"origin")) {
            continue;
        }
        let mut s = colon + 1;
        if let Some(i) = memchr::memmem::find(&line[s..], b"://") {
            s += i + 3;
        }
        while line.get(s) == Some(&b' ') {
            s += 1;
        }
        let e = s + line[s..]
            .iter()
            .position(|&c| !(c.is_ascii_alphanumeric() || c == b'.' || c == b'-'))
            .unwrap_or(line.len() - s);
        let host = &line[s..e];
        if !host.iter().any(u8::is_ascii_alphabetic) {
            continue;
        }
        let (s, e) = (start + s, start + e);
        if edits.iter().any(|x| x.start < e && s < x.end) {
            continue;
        }
        let Ok(v) = std::str::from_utf8(host) else {
            continue;
        };
        if let Some(a) = r.alias(Kind::Host, v) {
            if a.as_bytes() != host {
                edits.push(ByteEdit {
                    start: s,
                    end: e,
                    bytes: a.into_bytes(),
                });
            }
        }
    }
    edits.sort_by_key(|x| x.start);
    edits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::container::rd32;
    use crate::redact::{redact_text, Level};

    const A: [u8; 4] = [10, 0, 0, 1];
    const B: [u8; 4] = [10, 0, 0, 2];

    fn msg() -> Vec<u8> {
        b"INVITE sip:+12125551234@ims.example.net SIP/2.0\r\n\
Via: SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bK776asdhds\r\n\
From: \"Alice\" <sip:alice@10.0.0.1>;tag=1928301774\r\n\
To: <tel:+12125551234>\r\n\
Call-ID: a84b4c76e66710@10.0.0.1\r\n\
CSeq: 1 INVITE\r\n\
Content-Type: application/sdp\r\n\
Content-Length: 31\r\n\r\n\
v=0\r\nc=IN IP4 10.0.0.1\r\ns=-\r\n\r\n"
            .to_vec()
    }

    fn ipv4(proto: u8, src: [u8; 4], dst: [u8; 4], id: u16, frag: u16, payload: &[u8]) -> Vec<u8> {
        let mut h = vec![0x45, 0, 0, 0, 0, 0, 0, 0, 64, proto, 0, 0];
        put16(&mut h, 2, (20 + payload.len()) as u16);
        put16(&mut h, 4, id);
        put16(&mut h, 6, frag);
        h.extend_from_slice(&src);
        h.extend_from_slice(&dst);
        let c = inet_checksum(&h);
        put16(&mut h, 10, c);
        h.extend_from_slice(payload);
        h
    }

    fn udp(src: [u8; 4], dst: [u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut u = vec![0x13, 0xc4, 0x13, 0xc4, 0, 0, 0, 0];
        put16(&mut u, 4, (8 + payload.len()) as u16);
        u.extend_from_slice(payload);
        let c = transport_checksum(IpAddr::from(src), IpAddr::from(dst), 17, &u);
        put16(&mut u, 6, c);
        u
    }

    fn tcp(src: [u8; 4], dst: [u8; 4], seq: u32, ack: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
        let (sp, dp) = if src == A {
            (40000, 5060)
        } else {
            (5060, 40000)
        };
        let mut t = vec![0u8; 20];
        put16(&mut t, 0, sp);
        put16(&mut t, 2, dp);
        put32(&mut t, 4, seq);
        put32(&mut t, 8, ack);
        t[12] = 5 << 4;
        t[13] = flags;
        put16(&mut t, 14, 65535);
        t.extend_from_slice(payload);
        let c = transport_checksum(IpAddr::from(src), IpAddr::from(dst), 6, &t);
        put16(&mut t, 16, c);
        ipv4(6, src, dst, 1, 0x4000, &t)
    }

    fn eth(ip: &[u8]) -> Vec<u8> {
        let mut f = vec![
            0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0x66, 0x77, 0x88, 0x99, 0xaa, 8, 0,
        ];
        f.extend_from_slice(ip);
        f
    }

    fn pcap(frames: &[Vec<u8>]) -> Vec<u8> {
        let mut out = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        out.extend_from_slice(&65535u32.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        for (i, f) in frames.iter().enumerate() {
            out.extend_from_slice(&(1_700_000_000 + i as u32).to_le_bytes());
            out.extend_from_slice(&0u32.to_le_bytes());
            out.extend_from_slice(&(f.len() as u32).to_le_bytes());
            out.extend_from_slice(&(f.len() as u32).to_le_bytes());
            out.extend_from_slice(f);
        }
        out
    }

    /// The frames of a pcap written by `redact_capture`.
    fn frames(p: &[u8]) -> Vec<Vec<u8>> {
        let c = parse_container(p);
        assert!(c.complete);
        c.items
            .iter()
            .filter_map(|i| match i {
                Item::Packet { data, .. } => Some(p[data.clone()].to_vec()),
                _ => None,
            })
            .collect()
    }

    /// Checks the IPv4 header checksum and the UDP/TCP checksum of an
    /// Ethernet frame.
    fn checksums_ok(f: &[u8]) -> bool {
        let ip = &f[14..];
        let ihl = usize::from(ip[0] & 15) * 4;
        let total = usize::from(be16(ip, 2));
        let src = IpAddr::from([ip[12], ip[13], ip[14], ip[15]]);
        let dst = IpAddr::from([ip[16], ip[17], ip[18], ip[19]]);
        let seg = &ip[ihl..total];
        inet_checksum(&ip[..ihl]) == 0
            && (ip[9] == 132 || transport_checksum(src, dst, ip[9], seg) == 0)
    }

    fn opts(level: Level) -> RedactOptions {
        RedactOptions::level(level)
    }

    #[test]
    fn remap_is_monotone_and_moves_by_the_edits() {
        let edits = [
            ByteEdit {
                start: 2,
                end: 4,
                bytes: b"xxxxx".to_vec(),
            },
            ByteEdit {
                start: 10,
                end: 15,
                bytes: b"y".to_vec(),
            },
        ];
        let m = Remap::new(&edits);
        assert_eq!(m.delta, 3 - 4);
        let mapped: Vec<usize> = (0..20).map(|p| m.map(p)).collect();
        assert!(mapped.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(
            (m.map(2), m.map(3), m.map(4), m.map(10), m.map(15)),
            (2, 3, 7, 13, 14)
        );
    }

    #[test]
    fn tcp_stream_is_recut_with_sequence_numbers_moved() {
        let m = msg();
        let (s1, s2) = (40, 150);
        let isn_a = 1000u32;
        let isn_b = 5000u32;
        let d = isn_a + 1;
        let frames_in = vec![
            eth(&tcp(A, B, isn_a, 0, 0x02, b"")),
            eth(&tcp(B, A, isn_b, isn_a + 1, 0x12, b"")),
            eth(&tcp(A, B, d, isn_b + 1, 0x18, &m[..s1])),
            eth(&tcp(A, B, d + s1 as u32, isn_b + 1, 0x18, &m[s1..s2])),
            // Retransmission of the second segment.
            eth(&tcp(A, B, d + s1 as u32, isn_b + 1, 0x18, &m[s1..s2])),
            eth(&tcp(A, B, d + s2 as u32, isn_b + 1, 0x18, &m[s2..])),
            eth(&tcp(B, A, isn_b + 1, d + m.len() as u32, 0x10, b"")),
        ];
        let input = pcap(&frames_in);
        let out = redact_capture(&input, &opts(Level::Network));
        assert!(out.complete && out.notes.is_empty(), "{:?}", out.notes);
        assert_eq!(out.packets.written, 7);
        let f = frames(&out.output);
        assert!(f.iter().all(|x| checksums_ok(x)));
        // The stream is the message redacted as text (the same aliases).
        let expected = redact_text(&m, &opts(Level::Network)).output;
        let payload = |x: &Vec<u8>| x[14 + 20 + 20..].to_vec();
        let seq = |x: &Vec<u8>| be32(x, 14 + 20 + 4);
        let ack = |x: &Vec<u8>| be32(x, 14 + 20 + 8);
        let stream: Vec<u8> = [&f[2], &f[3], &f[5]]
            .iter()
            .flat_map(|x| payload(x))
            .collect();
        assert_eq!(stream, expected);
        assert_ne!(expected.len(), m.len());
        // Each segment starts where the previous one ended.
        assert_eq!(seq(&f[2]), d);
        assert_eq!(seq(&f[3]), d + payload(&f[2]).len() as u32);
        assert_eq!(seq(&f[5]), seq(&f[3]) + payload(&f[3]).len() as u32);
        // The retransmission carries the same new bytes at the same place.
        assert_eq!((seq(&f[4]), payload(&f[4])), (seq(&f[3]), payload(&f[3])));
        // The other side acknowledges the new end; handshake numbers stay.
        assert_eq!(ack(&f[6]), d + expected.len() as u32);
        assert_eq!((seq(&f[0]), ack(&f[1])), (isn_a, isn_a + 1));
        // Addresses aliased in the headers as in the text.
        assert_eq!(&f[2][14 + 12..14 + 16], &[192, 0, 2, 1]);
        let t = crate::trace::decode_capture(&out.output);
        assert_eq!(t.messages.len(), 1);
        assert_eq!(t.messages[0].src.as_deref(), Some("192.0.2.1:40000"));
    }

    #[test]
    fn ipv4_fragments_become_one_datagram() {
        let m = msg();
        let dgram = udp(A, B, &m);
        let cut = 96; // a multiple of 8
        let frames_in = vec![
            eth(&ipv4(17, A, B, 7, 0x2000, &dgram[..cut])),
            eth(&ipv4(17, A, B, 7, (cut / 8) as u16, &dgram[cut..])),
        ];
        let out = redact_capture(&pcap(&frames_in), &opts(Level::All));
        assert_eq!((out.packets.written, out.packets.fragments_merged), (1, 1));
        let f = frames(&out.output);
        assert!(checksums_ok(&f[0]));
        assert_eq!(be16(&f[0], 14 + 6), 0, "MF and offset cleared");
        let t = crate::trace::decode_capture(&out.output);
        assert_eq!(t.messages.len(), 1);
        assert_eq!(
            t.messages[0].decoded.cseq.as_ref().and_then(|c| c.seq),
            Some(1)
        );
        // MACs aliased at level all.
        assert_eq!(&f[0][6..10], &[2, 0, 0, 0]);
    }

    fn sctp_packet(chunks: &[(u8, u32, &[u8])]) -> Vec<u8> {
        let mut p = vec![0x13, 0xc4, 0x13, 0xc4, 0, 0, 0, 1, 0, 0, 0, 0];
        for &(flags, tsn, data) in chunks {
            let mut c = vec![0, flags, 0, 0];
            put16(&mut c, 2, (16 + data.len()) as u16);
            c.extend_from_slice(&tsn.to_be_bytes());
            c.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
            c.extend_from_slice(data);
            c.resize(pad4(c.len()), 0);
            p.extend_from_slice(&c);
        }
        let crc = crc32c(&p);
        p[8..12].copy_from_slice(&crc.to_le_bytes());
        eth(&ipv4(132, A, B, 3, 0, &p))
    }

    #[test]
    fn sctp_chunks_are_redacted_across_fragments_with_a_valid_crc() {
        let m = msg();
        let frames_in = vec![
            sctp_packet(&[(2, 10, &m[..77])]),
            sctp_packet(&[(1, 11, &m[77..])]),
            // A retransmission of the last fragment, and an unfragmented copy.
            sctp_packet(&[(1, 11, &m[77..]), (3, 12, &m)]),
        ];
        let out = redact_capture(&pcap(&frames_in), &opts(Level::Network));
        assert_eq!(out.packets.written, 3);
        let f = frames(&out.output);
        let expected = redact_text(&m, &opts(Level::Network)).output;
        let mut user = Vec::new();
        for (i, x) in f.iter().enumerate() {
            let ip = &x[14..];
            assert_eq!(inet_checksum(&ip[..20]), 0);
            let sctp = &ip[20..usize::from(be16(ip, 2))];
            let mut z = sctp.to_vec();
            z[8..12].fill(0);
            assert_eq!(
                crc32c(&z).to_le_bytes(),
                sctp[8..12],
                "CRC32c of packet {i}"
            );
            let clen = usize::from(be16(sctp, 14));
            assert_eq!(sctp.len() % 4, 0);
            if i < 2 {
                user.extend_from_slice(&sctp[12 + 16..12 + clen]);
            } else {
                assert_eq!(
                    &sctp[12 + 16..12 + clen],
                    &f[1][14 + 20 + 12 + 16..][..clen - 16]
                );
            }
        }
        assert_eq!(user, expected);
        let t = crate::trace::decode_capture(&out.output);
        assert_eq!(t.messages.len(), 2);
    }

    #[test]
    fn websocket_frames_are_unmasked_redacted_and_masked_again() {
        let m = msg();
        let key = [0x37, 0xfa, 0x21, 0x3d];
        let up = b"GET / HTTP/1.1\r\nHost: sbc.operator.net\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
        let frame = WsFrame {
            first: 0x81,
            mask: Some(key),
            len: 0,
            payload: Vec::new(),
        }
        .encode(&m);
        let mut stream = up.to_vec();
        stream.extend_from_slice(&frame);
        let frames_in = vec![
            eth(&tcp(A, B, 0, 0, 0x02, b"")),
            eth(&tcp(A, B, 1, 0, 0x18, &stream[..60])),
            eth(&tcp(A, B, 61, 0, 0x18, &stream[60..])),
        ];
        let out = redact_capture(&pcap(&frames_in), &opts(Level::All));
        let t = crate::trace::decode_capture(&out.output);
        assert_eq!(t.messages.len(), 1);
        let f = frames(&out.output);
        assert!(f.iter().all(|x| checksums_ok(x)));
        let new: Vec<u8> = f.iter().skip(1).flat_map(|x| x[54..].to_vec()).collect();
        assert!(memchr::memmem::find(&new, b"sbc.operator.net").is_none());
        let at = memchr::memmem::find(&new, b"\r\n\r\n").unwrap() + 4;
        let w = WsFrame::parse(&new[at..]).unwrap();
        assert_eq!(w.mask, Some(key));
        assert!(w.payload.starts_with(b"INVITE sip:+99900000001@"));
        assert_eq!(w.len, new.len() - at);
    }

    #[test]
    fn pcapng_blocks_options_and_lengths() {
        let m = msg();
        let frame = eth(&ipv4(17, A, B, 1, 0, &udp(A, B, &m)));
        let block = |ty: u32, body: &[u8]| {
            let total = (12 + body.len()) as u32;
            let mut b = ty.to_le_bytes().to_vec();
            b.extend_from_slice(&total.to_le_bytes());
            b.extend_from_slice(body);
            b.extend_from_slice(&total.to_le_bytes());
            b
        };
        let opt = |code: u16, v: &[u8]| {
            let mut o = code.to_le_bytes().to_vec();
            o.extend_from_slice(&(v.len() as u16).to_le_bytes());
            o.extend_from_slice(v);
            o.resize(pad4(o.len()), 0);
            o
        };
        let mut shb = vec![0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0];
        shb.extend_from_slice(&[0xff; 8]);
        let mut idb = vec![1, 0, 0, 0, 0xff, 0xff, 0, 0];
        idb.extend(opt(4, &[10, 0, 0, 1, 255, 255, 255, 0]));
        idb.extend(opt(0, b""));
        let mut epb = vec![0u8; 20];
        epb[12..16].copy_from_slice(&(frame.len() as u32).to_le_bytes());
        epb[16..20].copy_from_slice(&(frame.len() as u32).to_le_bytes());
        epb.extend_from_slice(&frame);
        epb.resize(pad4(epb.len()), 0);
        epb.extend(opt(1, b"call from +12125551234"));
        epb.extend(opt(0, b""));
        let mut input = block(0x0a0d_0d0a, &shb);
        input.extend(block(1, &idb));
        input.extend(block(
            4,
            &[1, 0, 8, 0, 10, 0, 0, 1, b'h', 0, 0, 0, 0, 0, 0, 0],
        ));
        input.extend(block(6, &epb));
        let out = redact_capture(&input, &opts(Level::Network));
        assert!(out.complete);
        assert_eq!(out.format, "pcapng");
        assert_eq!((out.packets.written, out.packets.blocks_dropped), (1, 1));
        let o = &out.output;
        assert!(memchr::memmem::find(o, b"2125551234").is_none());
        // if_IPv4addr aliased (address and mask).
        assert!(memchr::memmem::find(o, &[10, 0, 0, 1, 255, 255, 255, 0]).is_none());
        assert!(memchr::memmem::find(o, &[192, 0, 2, 1, 255, 255, 255, 0]).is_some());
        assert!(memchr::memmem::find(o, b"call from +99900000001").is_some());
        // Every block's lengths agree and are 32-bit aligned.
        let mut at = 0;
        while at < o.len() {
            let total = rd32(o, at + 4, false) as usize;
            assert_eq!(total % 4, 0);
            assert_eq!(rd32(o, at + total - 4, false) as usize, total);
            at += total;
        }
        assert_eq!(at, o.len());
        assert_eq!(crate::trace::decode_capture(o).messages.len(), 1);
    }

    #[test]
    fn damaged_captures_never_panic() {
        let m = msg();
        let input = pcap(&[
            eth(&ipv4(17, A, B, 1, 0, &udp(A, B, &m))),
            eth(&tcp(A, B, 1, 0, 0x18, &m)),
            sctp_packet(&[(3, 1, &m)]),
        ]);
        let mut ends = vec![24];
        for f in frames(&input) {
            ends.push(ends.last().unwrap() + 16 + f.len());
        }
        for len in 0..input.len() {
            let out = redact_capture(&input[..len], &opts(Level::All));
            assert_eq!(out.complete, ends.contains(&len), "at {len}");
            let n = ends.iter().filter(|&&e| e <= len).count().saturating_sub(1);
            assert_eq!(out.packets.read as usize, n, "at {len}");
        }
        // Bytes flipped everywhere in the headers.
        for at in 24..200 {
            let mut x = input.clone();
            x[at] ^= 0xff;
            let _ = redact_capture(&x, &opts(Level::All));
            let _ = redact_capture_with(
                &x,
                &opts(Level::Network),
                CaptureOptions {
                    non_sip: NonSipPackets::Keep,
                },
            );
        }
    }

    #[test]
    fn keep_mode_keeps_non_sip_with_addresses_aliased() {
        let rtp = eth(&ipv4(
            17,
            A,
            B,
            1,
            0,
            &udp(A, B, &[0x80, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4]),
        ));
        let arp = {
            let mut f = rtp[..12].to_vec();
            f.extend_from_slice(&[8, 6, 0, 1]);
            f
        };
        let input = pcap(&[rtp.clone(), arp]);
        let dropped = redact_capture(&input, &opts(Level::Network));
        assert_eq!(
            (dropped.packets.written, dropped.packets.non_sip_dropped),
            (0, 1)
        );
        assert_eq!(dropped.packets.unreadable_dropped, 1);
        let kept = redact_capture_with(
            &input,
            &opts(Level::Network),
            CaptureOptions {
                non_sip: NonSipPackets::Keep,
            },
        );
        assert_eq!((kept.packets.written, kept.packets.non_sip_kept), (1, 1));
        let f = frames(&kept.output);
        assert!(checksums_ok(&f[0]));
        assert_eq!(&f[0][14 + 12..14 + 20], &[192, 0, 2, 1, 192, 0, 2, 2]);
        assert_eq!(&f[0][42..], &rtp[42..], "payload unchanged");
    }

    #[test]
    fn vlan_tags_after_ethernet_and_cooked_headers_are_rewritten() {
        let sip = ipv4(17, A, B, 1, 0, &udp(A, B, &msg()));
        // Ethernet with three 802.1Q tags.
        let mut tagged = eth(&sip);
        tagged.splice(12..12, [0x81, 0, 0, 7, 0x81, 0, 0, 8, 0x88, 0xa8, 0, 9]);
        // Linux cooked v1 whose protocol is 802.1Q.
        let mut sll = vec![0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x81, 0x00];
        sll.extend_from_slice(&[0, 7, 0x08, 0x00]);
        sll.extend_from_slice(&sip);
        for (link, frame, ip_at) in [(1u32, tagged, 26), (113, sll, 20)] {
            let mut input = pcap(&[frame]);
            input[20..24].copy_from_slice(&link.to_le_bytes());
            let out = redact_capture(&input, &opts(Level::Network));
            assert_eq!(
                (out.packets.sip, out.packets.changed),
                (1, 1),
                "link {link}"
            );
            let f = &frames(&out.output)[0];
            // The tags stay; the packet after them is redacted.
            assert_eq!(&f[..ip_at - 20], &input[40..40 + ip_at - 20]);
            assert_eq!(f[ip_at] >> 4, 4);
            assert!(!f.windows(5).any(|w| w == b"alice"), "link {link}");
        }
    }

    #[test]
    fn sctp_fragments_captured_out_of_order_are_redacted_as_one_message() {
        let m = msg();
        // The last fragment captured first: put together by TSN, as the reader does.
        let frames_in = vec![
            sctp_packet(&[(1, 11, &m[77..])]),
            sctp_packet(&[(2, 10, &m[..77])]),
        ];
        let out = redact_capture(&pcap(&frames_in), &opts(Level::Network));
        assert_eq!((out.packets.written, out.packets.sip), (2, 2));
        let f = frames(&out.output);
        let user = |x: &Vec<u8>| {
            let sctp = &x[14 + 20..];
            sctp[12 + 16..12 + usize::from(be16(sctp, 14))].to_vec()
        };
        let joined = [user(&f[1]), user(&f[0])].concat();
        assert_eq!(joined, redact_text(&m, &opts(Level::Network)).output);
    }
}
