//! The capture layer: what every capture consumer (the trace reader
//! [`crate::trace::capture`], call export [`crate::trace::export`] and
//! capture redaction [`crate::redact::capture`]) shares.
//!
//! - [`container`]: the one capture-format sniffer ([`sniff`],
//!   [`is_capture`], also what the wasm API uses) and the pcap/pcapng
//!   record walker with byte offsets ([`Records`]), used by the reader and
//!   by export.
//!
//! SIP stream framing (start line, end of headers, Content-Length) is in
//! [`crate::parse::framing`], shared by the text splitter, the capture
//! reader and redaction.

pub mod container;

pub use container::{
    is_capture, sniff, Damage, DamageKind, Format, Packet, Record, RecordKind, Records,
};
