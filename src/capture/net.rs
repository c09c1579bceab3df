//! The network stack under every capture consumer: link → VLAN tags → IP
//! (IPv4, IPv6 and its extension headers, fragment reassembly) → tunnels
//! (IP-in-IP, GRE, ERSPAN) → transport (UDP, TCP, SCTP, ESP and anything
//! else), walked once per frame.
//!
//! - **Header decoders** with byte offsets ([`ethernet`], [`ip`], [`gre`],
//!   [`link_network`]) and the one decision of what follows an IP header
//!   ([`next_layer`]).
//! - **One walk** over a frame's layers ([`walk`]), driving a [`Layers`]
//!   implementation that says what each layer becomes, inner layers first.
//!   Capture redaction ([`crate::redact::capture`]) implements it to
//!   rebuild frames (lengths, addresses, checksums patched around new
//!   transport bytes).
//! - **The reading walker** ([`Walker::frame`]), the reading [`Layers`]:
//!   it reassembles fragmented IPv4/IPv6 datagrams (etherparse's
//!   `IpDefragBuf`) and hands each transport payload to a [`Visitor`] with
//!   its [`PacketCtx`] (frame number, time, tunnel depth, the frames of a
//!   reassembled datagram). The trace reader ([`crate::trace::capture`])
//!   and redaction's first pass (TCP streams, SCTP messages and IP
//!   fragments collected before anything is rewritten) are visitors.
//!
//! The payload hook: [`Visitor::udp`] gets every UDP datagram (SIP or not)
//! and [`Visitor::ip_payload`] every other IP payload (ESP is IP protocol
//! 50), each with its addresses, ports, time and frame number,
//! so ESP decryption and RTP/RTCP analysis plug in as visitors without
//! touching the layers below.
//!
//! One behaviour for every consumer: any number of 802.1Q / 802.1ad / QinQ
//! tags (0x8100, 0x88a8, 0x9100) are walked, after Ethernet and after a
//! Linux cooked header alike; GRE with source routing or version ≠ 0
//! (PPTP) is not followed; tunnels nest at most [`MAX_TUNNEL_DEPTH`] deep.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::link::{link_layer, LinkLayer};

/// A transport flow, one direction: (source address, source port,
/// destination address, destination port).
pub type FlowKey = (IpAddr, u16, IpAddr, u16);

/// The other direction of `k`.
pub fn reverse(k: FlowKey) -> FlowKey {
    (k.2, k.3, k.0, k.1)
}

/// The same key for both directions of a flow.
pub fn canonical(k: FlowKey) -> FlowKey {
    k.min(reverse(k))
}

/// How many tunnels (IP-in-IP, GRE) deep a packet is followed.
pub const MAX_TUNNEL_DEPTH: u8 = 4;

/// The big-endian `u16` at `at`, or 0 past the end.
pub(crate) fn be16(b: &[u8], at: usize) -> u16 {
    match b.get(at..at + 2) {
        Some(x) => u16::from_be_bytes([x[0], x[1]]),
        None => 0,
    }
}

/// The big-endian `u32` at `at`, or 0 past the end.
pub(crate) fn be32(b: &[u8], at: usize) -> u32 {
    match b.get(at..at + 4) {
        Some(x) => u32::from_be_bytes([x[0], x[1], x[2], x[3]]),
        None => 0,
    }
}

/// True for the EtherTypes of a VLAN tag: 802.1Q (0x8100), 802.1ad
/// (0x88a8) and the older QinQ 0x9100.
pub fn is_vlan(ether_type: u16) -> bool {
    matches!(ether_type, 0x8100 | 0x88a8 | 0x9100)
}

/// Walks VLAN tags: `ether_type` announces what starts at `at`; returns the
/// EtherType after every tag and where its payload starts. A tag cut by the
/// end of `data` ends the walk (its EtherType is returned as is).
pub fn skip_tags(data: &[u8], mut ether_type: u16, mut at: usize) -> (u16, usize) {
    while is_vlan(ether_type) && at + 4 <= data.len() {
        ether_type = be16(data, at + 2);
        at += 4;
    }
    (ether_type, at)
}

/// An Ethernet II frame with any VLAN tags: its inner EtherType and where
/// the payload starts; `None` when shorter than the 14-byte header.
pub fn ethernet(data: &[u8]) -> Option<(u16, usize)> {
    (data.len() >= 14).then(|| skip_tags(data, be16(data, 12), 14))
}

/// Where the IP packet of a frame starts, and its link-layer addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkNet {
    /// Offset of the IP header in the frame.
    pub at: usize,
    /// Offsets of 6-byte MAC addresses in the link header (Ethernet
    /// destination and source, a cooked header's sender).
    pub macs: &'static [usize],
}

/// Where an Ethernet header's destination and source addresses are.
pub const ETHERNET_MACS: &[usize] = &[0, 6];

/// What a frame of link type `link` carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// An IPv4 or IPv6 packet (by EtherType or address family).
    Ip(LinkNet),
    /// Something else (ARP, LLDP…), or a frame too short for its link header.
    NotIp,
    /// A link type no reader here supports.
    Unsupported,
}

/// The network layer of a frame of link type `link` (tags walked after
/// Ethernet and after Linux cooked headers alike).
pub fn link_network(link: u32, data: &[u8]) -> Link {
    let (ty, at, macs) = match link_layer(link, data) {
        None => return Link::NotIp,
        Some(LinkLayer::Unsupported) => return Link::Unsupported,
        Some(LinkLayer::Ip { at }) => return Link::Ip(LinkNet { at, macs: &[] }),
        Some(LinkLayer::Ethernet) => match ethernet(data) {
            Some((ty, at)) => (ty, at, ETHERNET_MACS),
            None => return Link::NotIp,
        },
        Some(LinkLayer::Cooked {
            at,
            ether_type,
            mac,
        }) => {
            let (ty, at) = skip_tags(data, ether_type, at);
            let macs: &'static [usize] = match mac {
                Some(6) => &[6],
                Some(12) => &[12],
                _ => &[],
            };
            (ty, at, macs)
        }
    };
    if matches!(ty, 0x0800 | 0x86dd) && at < data.len() {
        Link::Ip(LinkNet { at, macs })
    } else {
        Link::NotIp
    }
}

/// A fragment header's fields (IPv4 flags and offset, or the IPv6
/// Fragment extension header, RFC 8200 §4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fragment {
    /// Identification (16 bits in IPv4).
    pub id: u32,
    /// Offset in 8-byte units.
    pub offset: u16,
    /// More fragments follow.
    pub more: bool,
    /// IPv6: offset of the Fragment header in the packet.
    pub header_at: usize,
    /// IPv6: offset of the Next Header field that names the Fragment header
    /// (6 in the fixed header, or the first byte of the extension before).
    pub names_it_at: usize,
}

/// An IPv4 or IPv6 header (with the IPv6 extension headers before the
/// payload), decoded with its offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpHeader {
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// The payload's protocol (after IPv6 extension headers).
    pub proto: u8,
    /// Header length: IPv4 IHL, IPv6 fixed header and the extension headers
    /// walked (the Fragment header included).
    pub header_len: usize,
    /// End of the packet: its stated length when the slice holds it, else
    /// the slice's end (bytes after it, Ethernet padding, are a trailer).
    pub end: usize,
    /// Fragment fields, when this is a fragment.
    pub fragment: Option<Fragment>,
}

impl IpHeader {
    /// True for IPv4.
    pub fn is_v4(&self) -> bool {
        self.src.is_ipv4()
    }
}

/// The IP header at the start of `data` (version in the first nibble);
/// `None` when it is neither IPv4 nor IPv6 or too short for its header.
pub fn ip(data: &[u8]) -> Option<IpHeader> {
    match data.first()? >> 4 {
        4 => ipv4(data),
        6 => ipv6(data),
        _ => None,
    }
}

fn ipv4(data: &[u8]) -> Option<IpHeader> {
    let ihl = usize::from(data[0] & 0x0f) * 4;
    if ihl < 20 || data.len() < ihl {
        return None;
    }
    let total = usize::from(be16(data, 2));
    let end = if (ihl..=data.len()).contains(&total) {
        total
    } else {
        data.len()
    };
    let fl = be16(data, 6);
    let (more, offset) = (fl & 0x2000 != 0, fl & 0x1fff);
    Some(IpHeader {
        src: IpAddr::V4(Ipv4Addr::new(data[12], data[13], data[14], data[15])),
        dst: IpAddr::V4(Ipv4Addr::new(data[16], data[17], data[18], data[19])),
        proto: data[9],
        header_len: ihl,
        end,
        fragment: (more || offset != 0).then(|| Fragment {
            id: u32::from(be16(data, 4)),
            offset,
            more,
            header_at: 0,
            names_it_at: 0,
        }),
    })
}

fn ipv6(data: &[u8]) -> Option<IpHeader> {
    if data.len() < 40 {
        return None;
    }
    let plen = usize::from(be16(data, 4));
    let end = if plen > 0 && 40 + plen <= data.len() {
        40 + plen
    } else {
        data.len()
    };
    let mut a = [0u8; 16];
    a.copy_from_slice(&data[8..24]);
    let src = IpAddr::V6(Ipv6Addr::from(a));
    a.copy_from_slice(&data[24..40]);
    let dst = IpAddr::V6(Ipv6Addr::from(a));
    // Extension headers (the Authentication Header, 51, counts 4-byte
    // words). The Fragment header ends the walk: what follows it is the
    // fragmentable part.
    let (mut nh, mut nh_at, mut off, mut fragment) = (data[6], 6, 40, None);
    loop {
        match nh {
            0 | 43 | 60 | 135 | 139 | 140 | 253 | 254 | 51 => {
                if off + 2 > end {
                    break;
                }
                let len = if nh == 51 {
                    (usize::from(data[off + 1]) + 2) * 4
                } else {
                    (usize::from(data[off + 1]) + 1) * 8
                };
                if off + len > end {
                    break;
                }
                nh_at = off;
                nh = data[off];
                off += len;
            }
            44 => {
                if off + 8 > end {
                    break;
                }
                let fo = be16(data, off + 2);
                fragment = Some(Fragment {
                    id: be32(data, off + 4),
                    offset: fo >> 3,
                    more: fo & 1 != 0,
                    header_at: off,
                    names_it_at: nh_at,
                });
                nh = data[off];
                off += 8;
                break;
            }
            _ => break,
        }
    }
    Some(IpHeader {
        src,
        dst,
        proto: nh,
        header_len: off,
        end,
        fragment,
    })
}

/// What a GRE packet (RFC 2784/2890) carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gre {
    /// GRE header length (checksum, key and sequence number included).
    pub header_len: usize,
    /// Bytes of an ERSPAN header after it (type II: 8, type III: 12 or 20
    /// with its platform-specific subheader; type I: none).
    pub erspan_len: usize,
    /// The inner packet is an Ethernet frame (transparent Ethernet
    /// bridging, ERSPAN) rather than an IP packet.
    pub ethernet: bool,
    /// The GRE checksum is present (at offset 4).
    pub checksum: bool,
}

impl Gre {
    /// Where the inner packet starts.
    pub fn inner_at(&self) -> usize {
        self.header_len + self.erspan_len
    }
}

/// The GRE header at the start of `data`; `None` for source routing,
/// version ≠ 0 (PPTP), an unknown protocol or a header cut short.
pub fn gre(data: &[u8]) -> Option<Gre> {
    if data.len() < 4 {
        return None;
    }
    let flags = be16(data, 0);
    if flags & 0x4007 != 0 {
        return None;
    }
    let header_len = 4 + 4 * [0x8000u16, 0x2000, 0x1000]
        .iter()
        .filter(|&&b| flags & b != 0)
        .count();
    let inner = data.get(header_len..)?;
    let (erspan_len, ethernet) = match be16(data, 2) {
        0x0800 | 0x86dd => (0, false),
        0x6558 => (0, true),
        // ERSPAN type I has no header (and no GRE sequence number).
        0x88be if flags & 0x1000 == 0 => (0, true),
        0x88be => (8, true),
        0x22eb if inner.get(11).is_some_and(|b| b & 1 != 0) => (20, true),
        0x22eb => (12, true),
        _ => return None,
    };
    let g = Gre {
        header_len,
        erspan_len,
        ethernet,
        checksum: flags & 0x8000 != 0,
    };
    (g.inner_at() <= data.len()).then_some(g)
}

/// What an IP payload is, as every consumer follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// UDP (17).
    Udp,
    /// TCP (6).
    Tcp,
    /// SCTP (132).
    Sctp,
    /// An IP packet (IP-in-IP 4, IPv6 41) one tunnel deeper.
    Ip,
    /// GRE (47) one tunnel deeper, with its header decoded.
    Gre(Gre),
    /// Anything else, ESP (50) among it, or a tunnel too deep or
    /// unreadable: opaque bytes.
    Other,
}

/// The layer after an IP header naming protocol `proto`, whose payload is
/// `data`, at tunnel depth `depth`.
pub fn next_layer(proto: u8, data: &[u8], depth: u8) -> Next {
    let deeper = depth < MAX_TUNNEL_DEPTH;
    match proto {
        17 => Next::Udp,
        6 => Next::Tcp,
        132 => Next::Sctp,
        4 | 41 if deeper => Next::Ip,
        47 if deeper => gre(data).map_or(Next::Other, Next::Gre),
        _ => Next::Other,
    }
}

/// Where the IP packet inside a GRE payload `inner` (after its GRE and
/// ERSPAN headers) starts; `None` when its Ethernet frame holds no IP.
pub fn gre_ip_at(g: &Gre, inner: &[u8]) -> Option<usize> {
    if !g.ethernet {
        return Some(0);
    }
    match ethernet(inner)? {
        (0x0800 | 0x86dd, at) => Some(at),
        _ => None,
    }
}

/// The packet a visitor is handed, and where it came from.
#[derive(Debug, Clone, Copy)]
pub struct PacketCtx<'a> {
    /// 1-based frame number in the capture.
    pub frame: u64,
    /// Capture time, seconds since the Unix epoch (when the container says).
    pub time: Option<f64>,
    /// Tunnel depth of the transport: 0 outside any tunnel.
    pub depth: u8,
    /// A reassembled IP datagram: each fragment's (frame, depth), the
    /// current one last. Empty for an unfragmented packet.
    pub fragments: &'a [(u64, u8)],
}

/// A TCP segment's fields.
#[derive(Debug, Clone, Copy)]
pub struct TcpSegment<'a> {
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgment number (meaningful when `ack`).
    pub ack_number: u32,
    /// SYN flag.
    pub syn: bool,
    /// ACK flag.
    pub ack: bool,
    /// FIN flag.
    pub fin: bool,
    /// RST flag.
    pub rst: bool,
    /// The payload after the header and its options.
    pub payload: &'a [u8],
}

impl<'a> TcpSegment<'a> {
    /// The segment at the start of `data`, with its header length; `None`
    /// when too short or its data offset is out of range.
    pub fn parse(data: &'a [u8]) -> Option<(Self, usize)> {
        let hlen = usize::from(*data.get(12)? >> 4) * 4;
        if data.len() < 20 || hlen < 20 || hlen > data.len() {
            return None;
        }
        let flags = data[13];
        Some((
            TcpSegment {
                seq: be32(data, 4),
                ack_number: be32(data, 8),
                syn: flags & 0x02 != 0,
                ack: flags & 0x10 != 0,
                fin: flags & 0x01 != 0,
                rst: flags & 0x04 != 0,
                payload: &data[hlen..],
            },
            hlen,
        ))
    }
}

/// A UDP datagram's payload: the stated length when the bytes are there
/// (a lax read), else the rest of the slice; `None` under 8 bytes.
pub fn udp_payload(data: &[u8]) -> Option<&[u8]> {
    if data.len() < 8 {
        return None;
    }
    let len = usize::from(be16(data, 4));
    let end = if (8..=data.len()).contains(&len) {
        len
    } else {
        data.len()
    };
    Some(&data[8..end])
}

/// What the [`Walker`] hands over, layer by layer. Every method has a
/// default that ignores its input, so a visitor implements only what it
/// reads.
///
/// The payload hook for the protocols that come next (ESP, RTP/RTCP):
/// [`Visitor::udp`] sees every UDP datagram, SIP or not, and
/// [`Visitor::ip_payload`] every IP payload that is not UDP, TCP, SCTP or
/// a tunnel — ESP among them (protocol 50) — with the addresses, the time
/// and the frame number in [`PacketCtx`].
pub trait Visitor {
    /// A UDP datagram of flow `key`: its payload (as far as captured).
    fn udp(&mut self, ctx: &PacketCtx<'_>, key: FlowKey, payload: &[u8]) {
        let _ = (ctx, key, payload);
    }
    /// A TCP segment of flow `key`.
    fn tcp(&mut self, ctx: &PacketCtx<'_>, key: FlowKey, seg: &TcpSegment<'_>) {
        let _ = (ctx, key, seg);
    }
    /// An SCTP packet of flow `key`, from its common header on.
    fn sctp(&mut self, ctx: &PacketCtx<'_>, key: FlowKey, packet: &[u8]) {
        let _ = (ctx, key, packet);
    }
    /// The payload of another IP protocol `proto` (ESP is 50) from `src`
    /// to `dst`.
    fn ip_payload(
        &mut self,
        ctx: &PacketCtx<'_>,
        proto: u8,
        src: IpAddr,
        dst: IpAddr,
        payload: &[u8],
    ) {
        let _ = (ctx, proto, src, dst, payload);
    }
    /// A fragmented IP datagram completed in the current frame; its payload
    /// goes on to the transport methods next.
    fn reassembled(&mut self, ctx: &PacketCtx<'_>, payload: &[u8]) {
        let _ = (ctx, payload);
    }
    /// A frame of a link type no reader here supports.
    fn unsupported_link(&mut self, frame: u64, link: u32) {
        let _ = (frame, link);
    }
}

/// What became of a fragment ([`Layers::fragment`]).
#[derive(Debug)]
pub enum Defragged {
    /// Its datagram completed in this frame: the whole payload, and each
    /// fragment's (frame, depth), this one last.
    Whole(Vec<u8>, Vec<(u64, u8)>),
    /// Its datagram is written in another frame (rewriting).
    Absorbed,
    /// Its datagram is not (yet) complete.
    Incomplete,
}

/// One walk over a frame's layers for reading and rewriting alike:
/// [`walk`] decides what follows what (link → tags → IP → fragments →
/// tunnels → transport), a `Layers` implementation says what each layer
/// becomes, inner layers first, so a rewriter builds the new frame from
/// the inside out and a reader just looks. The reader's implementation is
/// the [`Walker`] with its [`Visitor`]; capture redaction's rebuilds frames.
pub trait Layers {
    /// What a layer becomes.
    type Out;
    /// A transport payload `data` of the IP packet `h`: `next` is
    /// [`Next::Udp`], [`Next::Tcp`], [`Next::Sctp`] or [`Next::Other`].
    fn transport(
        &mut self,
        ctx: &PacketCtx<'_>,
        next: Next,
        h: &IpHeader,
        data: &[u8],
    ) -> Self::Out;
    /// Bytes not read: the payload of a fragment whose datagram is not
    /// whole.
    fn opaque(&mut self, data: &[u8]) -> Self::Out;
    /// A fragment (of IP packet `h`, payload `payload`) of the current frame.
    fn fragment(&mut self, ctx: &PacketCtx<'_>, h: &IpHeader, payload: &[u8]) -> Defragged;
    /// A fragment whose datagram is written in another frame.
    fn absorbed(&mut self) -> Self::Out;
    /// The IP packet `packet` (header `h`) around what its payload became;
    /// `whole` is the reassembled payload when its datagram completed here.
    fn ip(
        &mut self,
        packet: &[u8],
        h: &IpHeader,
        whole: Option<&[u8]>,
        inner: Self::Out,
    ) -> Self::Out;
    /// An IP-in-IP (`gre` `None`) or GRE payload `data` around what its
    /// inner packet became (`None`: no IP packet could be read in it).
    fn tunnel(&mut self, data: &[u8], gre: Option<&Gre>, inner: Option<Self::Out>) -> Self::Out;
    /// A frame (or a GRE-carried Ethernet frame) around what its IP packet
    /// at `net.at` became.
    fn link(&mut self, frame: &[u8], net: &LinkNet, inner: Self::Out) -> Self::Out;
    /// A frame of a link type no reader here supports.
    fn unsupported_link(&mut self, frame: u64, link: u32) {
        let _ = (frame, link);
    }
}

/// Walks frame number `frame` (link type `link`, captured at `time`)
/// through `l`; `None` when it holds no IP packet that can be read.
pub fn walk<L: Layers>(
    l: &mut L,
    frame: u64,
    time: Option<f64>,
    link: u32,
    data: &[u8],
) -> Option<L::Out> {
    match link_network(link, data) {
        Link::Ip(n) => {
            let inner = walk_ip(l, frame, time, &data[n.at..], 0)?;
            Some(l.link(data, &n, inner))
        }
        Link::Unsupported => {
            l.unsupported_link(frame, link);
            None
        }
        Link::NotIp => None,
    }
}

fn walk_ip<L: Layers>(
    l: &mut L,
    frame: u64,
    time: Option<f64>,
    data: &[u8],
    depth: u8,
) -> Option<L::Out> {
    let h = ip(data)?;
    let payload = &data[h.header_len..h.end];
    let ctx = PacketCtx {
        frame,
        time,
        depth,
        fragments: &[],
    };
    if h.fragment.is_none() {
        let inner = walk_transport(l, &ctx, &h, payload);
        return Some(l.ip(data, &h, None, inner));
    }
    Some(match l.fragment(&ctx, &h, payload) {
        Defragged::Whole(whole, members) => {
            let ctx = PacketCtx {
                fragments: &members,
                ..ctx
            };
            let inner = walk_transport(l, &ctx, &h, &whole);
            l.ip(data, &h, Some(&whole), inner)
        }
        Defragged::Absorbed => l.absorbed(),
        Defragged::Incomplete => {
            let inner = l.opaque(payload);
            l.ip(data, &h, None, inner)
        }
    })
}

fn walk_transport<L: Layers>(l: &mut L, ctx: &PacketCtx<'_>, h: &IpHeader, data: &[u8]) -> L::Out {
    let (frame, time, depth) = (ctx.frame, ctx.time, ctx.depth + 1);
    match next_layer(h.proto, data, ctx.depth) {
        Next::Ip => {
            let inner = walk_ip(l, frame, time, data, depth);
            l.tunnel(data, None, inner)
        }
        Next::Gre(g) => {
            let body = &data[g.inner_at()..];
            let inner = match gre_ip_at(&g, body) {
                Some(at) if g.ethernet => walk_ip(l, frame, time, &body[at..], depth).map(|i| {
                    let net = LinkNet {
                        at,
                        macs: ETHERNET_MACS,
                    };
                    l.link(body, &net, i)
                }),
                Some(_) => walk_ip(l, frame, time, body, depth),
                None => None,
            };
            l.tunnel(data, Some(&g), inner)
        }
        next => l.transport(ctx, next, h, data),
    }
}

/// Fragments of one IP datagram being put together.
struct Defrag {
    buf: etherparse::defrag::IpDefragBuf,
    /// (frame, depth) of each fragment added.
    members: Vec<(u64, u8)>,
}

/// Most fragments remembered per datagram (a flood is reassembled, but its
/// frame list is capped).
const MAX_MEMBERS: usize = 4096;

/// The frame walker for readers: [`walk`]s frames and hands their payloads
/// to a [`Visitor`]; holds the IP fragments waiting for their datagram.
#[derive(Default)]
pub struct Walker {
    frags: HashMap<(IpAddr, IpAddr, u32, u8), Defrag>,
}

impl Walker {
    /// A walker with no fragments pending.
    pub fn new() -> Self {
        Self::default()
    }

    /// Fragmented datagrams that have not completed (so far).
    pub fn pending_datagrams(&self) -> usize {
        self.frags.len()
    }

    /// Walks frame number `frame` (link type `link`, captured at `time`).
    pub fn frame(
        &mut self,
        v: &mut dyn Visitor,
        frame: u64,
        time: Option<f64>,
        link: u32,
        data: &[u8],
    ) {
        let mut r = Reading { walker: self, v };
        walk(&mut r, frame, time, link, data);
    }
}

impl Walker {
    /// Walks a payload that came out of another one (an opened ESP packet,
    /// [`super::esp`]) through the same transport dispatch as a frame's:
    /// `data` is what IP protocol `proto` carries from `src` to `dst`
    /// (transport mode: UDP, TCP, SCTP), or an IPv4/IPv6 packet (tunnel
    /// mode: 4, 41), one tunnel level deeper than `ctx`. Nothing happens
    /// past [`MAX_TUNNEL_DEPTH`].
    pub fn inner(
        &mut self,
        v: &mut dyn Visitor,
        ctx: &PacketCtx<'_>,
        proto: u8,
        src: IpAddr,
        dst: IpAddr,
        data: &[u8],
    ) {
        if ctx.depth >= MAX_TUNNEL_DEPTH {
            return;
        }
        let h = IpHeader {
            src,
            dst,
            proto,
            header_len: 0,
            end: data.len(),
            fragment: None,
        };
        let ctx = PacketCtx {
            depth: ctx.depth + 1,
            ..*ctx
        };
        let mut r = Reading { walker: self, v };
        walk_transport(&mut r, &ctx, &h, data);
    }
}

/// [`Layers`] for reading: payloads to the visitor, nothing built.
struct Reading<'a> {
    walker: &'a mut Walker,
    v: &'a mut dyn Visitor,
}

impl Layers for Reading<'_> {
    type Out = ();

    fn transport(&mut self, ctx: &PacketCtx<'_>, next: Next, h: &IpHeader, data: &[u8]) {
        let key = || (h.src, be16(data, 0), h.dst, be16(data, 2));
        match next {
            Next::Udp => {
                if let Some(p) = udp_payload(data) {
                    self.v.udp(ctx, key(), p);
                }
            }
            Next::Tcp => {
                if let Some((seg, _)) = TcpSegment::parse(data) {
                    self.v.tcp(ctx, key(), &seg);
                }
            }
            Next::Sctp if data.len() >= 12 => self.v.sctp(ctx, key(), data),
            // Tunnels too deep are not handed over as payloads.
            Next::Other if !matches!(h.proto, 4 | 41 | 47) => {
                self.v.ip_payload(ctx, h.proto, h.src, h.dst, data)
            }
            _ => {}
        }
    }

    fn opaque(&mut self, _: &[u8]) {}

    fn fragment(&mut self, ctx: &PacketCtx<'_>, h: &IpHeader, payload: &[u8]) -> Defragged {
        let Some(f) = h.fragment else {
            return Defragged::Incomplete;
        };
        let frags = &mut self.walker.frags;
        let key = (h.src, h.dst, f.id, h.proto);
        let Ok(offset) = etherparse::IpFragOffset::try_new(f.offset) else {
            return Defragged::Incomplete;
        };
        let d = frags.entry(key).or_insert_with(|| Defrag {
            buf: etherparse::defrag::IpDefragBuf::new(
                etherparse::IpNumber(h.proto),
                Vec::new(),
                Vec::new(),
            ),
            members: Vec::new(),
        });
        if d.buf.add(offset, f.more, payload).is_err() {
            frags.remove(&key);
            return Defragged::Incomplete;
        }
        let at = (ctx.frame, ctx.depth);
        if d.members.len() < MAX_MEMBERS {
            d.members.push(at);
        }
        if !d.buf.is_complete() {
            return Defragged::Incomplete;
        }
        let Some(d) = frags.remove(&key) else {
            return Defragged::Incomplete;
        };
        let (whole, _) = d.buf.take_bufs();
        let mut members = d.members;
        if members.last() != Some(&at) {
            members.push(at);
        }
        let done = PacketCtx {
            fragments: &members,
            ..*ctx
        };
        self.v.reassembled(&done, &whole);
        Defragged::Whole(whole, members)
    }

    fn absorbed(&mut self) {}

    fn ip(&mut self, _: &[u8], _: &IpHeader, _: Option<&[u8]>, _: ()) {}

    fn tunnel(&mut self, _: &[u8], _: Option<&Gre>, _: Option<()>) {}

    fn link(&mut self, _: &[u8], _: &LinkNet, _: ()) {}

    fn unsupported_link(&mut self, frame: u64, link: u32) {
        self.v.unsupported_link(frame, link);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ipv4(proto: u8, frag: u16, payload: &[u8]) -> Vec<u8> {
        let total = (20 + payload.len()) as u16;
        let mut h = vec![0x45, 0];
        h.extend_from_slice(&total.to_be_bytes());
        h.extend_from_slice(&[0, 7]);
        h.extend_from_slice(&frag.to_be_bytes());
        h.extend_from_slice(&[64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
        h.extend_from_slice(payload);
        h
    }

    fn udp(sport: u16, payload: &[u8]) -> Vec<u8> {
        let mut u = sport.to_be_bytes().to_vec();
        u.extend_from_slice(&5060u16.to_be_bytes());
        u.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
        u.extend_from_slice(&[0, 0]);
        u.extend_from_slice(payload);
        u
    }

    /// Counts what it is handed: the trivial payload visitor.
    #[derive(Default)]
    struct Count {
        udp: Vec<(u64, u8, FlowKey, usize, usize)>,
        other: Vec<(u64, u8, usize)>,
        unsupported: usize,
    }

    impl Visitor for Count {
        fn udp(&mut self, ctx: &PacketCtx<'_>, key: FlowKey, payload: &[u8]) {
            self.udp.push((
                ctx.frame,
                ctx.depth,
                key,
                payload.len(),
                ctx.fragments.len(),
            ));
        }
        fn ip_payload(&mut self, ctx: &PacketCtx<'_>, p: u8, _: IpAddr, _: IpAddr, d: &[u8]) {
            self.other.push((ctx.frame, p, d.len()));
        }
        fn unsupported_link(&mut self, _: u64, _: u32) {
            self.unsupported += 1;
        }
    }

    fn eth(tags: &[u16], ty: u16, ip: &[u8]) -> Vec<u8> {
        let mut f = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];
        for t in tags {
            f.extend_from_slice(&t.to_be_bytes());
            f.extend_from_slice(&[0, 42]);
        }
        f.extend_from_slice(&ty.to_be_bytes());
        f.extend_from_slice(ip);
        f
    }

    #[test]
    fn tags_are_walked_after_ethernet_and_cooked_headers_alike() {
        let ip = ipv4(17, 0x4000, &udp(1, b"x"));
        // Three tags (QinQ + 802.1Q), then IPv4.
        let f = eth(&[0x88a8, 0x8100, 0x8100], 0x0800, &ip);
        assert_eq!(
            link_network(1, &f),
            Link::Ip(LinkNet {
                at: 26,
                macs: &[0, 6]
            })
        );
        // Linux cooked v1 whose protocol is 802.1Q: the tag is walked.
        let mut sll = vec![0u8; 16];
        sll[4..6].copy_from_slice(&6u16.to_be_bytes());
        sll[14..16].copy_from_slice(&0x8100u16.to_be_bytes());
        sll.extend_from_slice(&[0, 42, 0x08, 0x00]);
        sll.extend_from_slice(&ip);
        assert_eq!(
            link_network(113, &sll),
            Link::Ip(LinkNet { at: 20, macs: &[6] })
        );
        // ARP is not IP; a tag cut short is not either.
        assert_eq!(link_network(1, &eth(&[], 0x0806, &ip)), Link::NotIp);
        assert_eq!(link_network(1, &eth(&[], 0x8100, &[0])), Link::NotIp);
        assert_eq!(link_network(105, &f), Link::Unsupported);
    }

    #[test]
    fn walker_hands_payloads_over_with_fragments_and_tunnels() {
        let dgram = udp(4000, &[0x80; 40]); // 48 bytes: two fragments
        let frames = [
            eth(&[0x8100], 0x0800, &ipv4(17, 0x2000, &dgram[..24])),
            eth(&[], 0x0800, &ipv4(17, 3, &dgram[24..])),
            // ESP (50) inside IP-in-IP.
            eth(&[], 0x0800, &ipv4(4, 0, &ipv4(50, 0, &[1; 12]))),
            // GRE (no options) carrying IPv4 UDP.
            eth(
                &[],
                0x0800,
                &ipv4(47, 0, &{
                    let mut g = vec![0, 0, 0x08, 0x00];
                    g.extend(ipv4(17, 0, &udp(7, b"hi")));
                    g
                }),
            ),
        ];
        let mut w = Walker::new();
        let mut c = Count::default();
        for (i, f) in frames.iter().enumerate() {
            w.frame(&mut c, i as u64 + 1, None, 1, f);
        }
        w.frame(&mut c, 5, None, 105, &frames[0]);
        let a: IpAddr = Ipv4Addr::new(10, 0, 0, 1).into();
        let b: IpAddr = Ipv4Addr::new(10, 0, 0, 2).into();
        assert_eq!(
            c.udp,
            [
                (2, 0, (a, 4000, b, 5060), 40, 2),
                (4, 1, (a, 7, b, 5060), 2, 0)
            ]
        );
        assert_eq!(c.other, [(3, 50, 12)]);
        assert_eq!(c.unsupported, 1);
        assert_eq!(w.pending_datagrams(), 0);
    }

    #[test]
    fn ipv6_fragment_header_is_located() {
        let mut p = vec![0x60, 0, 0, 0, 0, 16, 0, 64];
        p.extend_from_slice(&[0; 32]);
        // Hop-by-hop (8 bytes) naming Fragment, then the Fragment header.
        p.extend_from_slice(&[44, 0, 0, 0, 0, 0, 0, 0]);
        p.extend_from_slice(&[17, 0, 0, 0x09, 0, 0, 0, 5]);
        let h = ip(&p).unwrap();
        assert_eq!((h.proto, h.header_len), (17, 56));
        let f = h.fragment.unwrap();
        assert_eq!((f.id, f.offset, f.more), (5, 1, true));
        assert_eq!((f.header_at, f.names_it_at), (48, 40));
    }

    #[test]
    fn gre_headers() {
        assert_eq!(gre(&[0, 0, 0x08, 0]).map(|g| g.inner_at()), Some(4));
        // Key and sequence number, ERSPAN II.
        let mut g = vec![0x30, 0, 0x88, 0xbe];
        g.extend_from_slice(&[0; 16]);
        let x = gre(&g).unwrap();
        assert_eq!((x.header_len, x.erspan_len, x.ethernet), (12, 8, true));
        // Version 1 (PPTP) and source routing are not followed.
        assert_eq!(gre(&[0, 1, 0x88, 0x0b]), None);
        assert_eq!(gre(&[0x40, 0, 0x08, 0]), None);
    }
}
