//! The capture layer: what every capture consumer (the trace reader
//! [`crate::trace::capture`], call export [`crate::trace::export`] and
//! capture redaction [`crate::redact::capture`]) shares.
//!
//! - [`container`]: the one capture-format sniffer ([`sniff`],
//!   [`is_capture`], also what the wasm API and the CLI use) and the
//!   pcap/pcapng record walker with byte offsets ([`Records`]): strict
//!   (`pcap-parser` reads every block) for the reader and export, lenient
//!   (length framing) for redaction, which rewrites records in place.
//! - [`link`]: the link types read and where their network layer starts.
//! - [`net`]: the network stack. Header decoders with byte offsets
//!   (Ethernet and any number of VLAN tags, after Ethernet and Linux cooked
//!   headers alike; IPv4, IPv6 and its extension headers; GRE and ERSPAN),
//!   the one decision of what follows an IP header ([`net::next_layer`]),
//!   and one walk over a frame's layers ([`net::walk`]): link → tags → IP →
//!   fragments → tunnels → transport, driving a [`net::Layers`]
//!   implementation that says what each layer becomes, inner layers first
//!   (a reader just looks, a rewriter builds the new frame). The reading
//!   implementation is [`net::Walker`]: it reassembles fragmented datagrams
//!   (etherparse's `IpDefragBuf`) and hands each payload to a
//!   [`net::Visitor`] with its frame number, time and tunnel depth. The
//!   payload hook for what comes next (ESP, RTP/RTCP):
//!   [`net::Visitor::udp`] sees every UDP datagram and
//!   [`net::Visitor::ip_payload`] every other IP payload (ESP is protocol
//!   50); the trace reader passes both on through
//!   [`crate::trace::capture::read_capture_payloads`].
//! - [`tcp`]: per-direction TCP reassembly: a sequence number ↔ stream
//!   offset map, out-of-order and retransmitted segments, holes kept as
//!   holes and skipped once known lost (the reader then resumes at the next
//!   SIP start line and counts what it skipped); contiguous runs for
//!   redaction.
//! - [`sctp`]: SCTP chunks, DATA chunk fields and user-message reassembly
//!   by TSN.
//! - [`websocket`]: RFC 6455 frames, parsed and encoded, and the HTTP
//!   upgrade head before them (the reader unmasks and joins frames;
//!   redaction frames each new payload again).
//! - [`esp`]: IPsec ESP (RFC 4303) as IMS uses it (TS 33.203): SAs
//!   negotiated in the capture or given by the user, ICV check,
//!   decryption, an ESP-NULL heuristic; the opened payload goes back
//!   through the same walker ([`net::Walker::inner`]).
//! - [`checksum`]: the Internet checksum and pseudo-header sums, CRC32c.
//!
//! Reading is a visitor: the trace reader ([`crate::trace::capture`])
//! implements [`net::Visitor`]. Redaction ([`crate::redact::capture`]) is
//! a rewrite over the same walk: its first pass is a visitor of the
//! [`net::Walker`] (TCP streams, SCTP messages and IP datagrams collected,
//! then redacted whole), its second a [`net::Layers`] implementation that
//! rebuilds each frame, patching lengths, addresses and checksums; what it
//! holds of its own is the redaction policy (the alias table and options)
//! and what the first pass collected.

//! SIP stream framing (start line, end of headers, Content-Length) is in
//! [`crate::parse::framing`], shared by the text splitter, the capture
//! reader and redaction.

pub mod checksum;
pub mod container;
pub mod esp;
pub mod link;
pub mod net;
pub mod sctp;
pub mod tcp;
pub mod websocket;

pub use container::{
    is_capture, sniff, Checkpoint, Damage, DamageKind, Format, Packet, PacketForm, Record,
    RecordKind, Records,
};
