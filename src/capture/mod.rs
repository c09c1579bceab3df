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
//! - [`sctp`]: SCTP chunks and DATA chunk fields.
//! - [`websocket`]: RFC 6455 frames, parsed and encoded, and the HTTP
//!   upgrade head before them (the reader unmasks and joins frames;
//!   redaction frames each new payload again).
//! - [`checksum`]: the Internet checksum and pseudo-header sums, CRC32c.
//!
//! Still separate, to be moved here next (each keeps its own copy today):
//! Ethernet tag walking, IP decoding with defragmentation and tunnels, TCP
//! reassembly, SCTP user-message reassembly. The reader slices headers with
//! `etherparse`; redaction walks them by hand because it rewrites them.
//!
//! SIP stream framing (start line, end of headers, Content-Length) is in
//! [`crate::parse::framing`], shared by the text splitter, the capture
//! reader and redaction.

pub mod checksum;
pub mod container;
pub mod link;
pub mod sctp;
pub mod websocket;

pub use container::{
    is_capture, sniff, Checkpoint, Damage, DamageKind, Format, Packet, PacketForm, Record,
    RecordKind, Records,
};
