//! Traces: many SIP messages read from pasted text or a pcap/pcapng
//! capture, correlated into transactions (RFC 3261 §17.1.3, §17.2.3),
//! dialogs (§12) and calls, and diagnosed as a flow (rules `SL4xx`).
//!
//! Flow: bytes → [`text::split_text`] or [`capture::read_capture_with`]
//! (owned [`RawMessage`]s: a message's bytes plus when, where from and to)
//! → each message parsed once, diagnosed alone ([`crate::diagnose::diagnose()`], the
//! single-message contract [`crate::diagnose::Decoded`]) and summarised for correlation →
//! `correlate` (one message at a time) → `rules` (at the end) → the owned,
//! serialisable [`Trace`] (JSON Schema `schema/trace.schema.json`).
//!
//! Streaming ([`stream_any`], used by the CLI's summary, ladder and
//! `--ndjson`): correlation of message *i* depends only on messages before
//! it, so each message is cut, parsed, summarised ([`MessageSummary`] and
//! the small correlation record), correlated, optionally diagnosed and
//! handed to the caller as a [`TraceMessage`], then dropped. What stays is
//! the per-message summary and correlation record, never the message bytes
//! or its [`crate::diagnose::Decoded`]; the flow rules run at the end on those.
//!
//! Layers, each using only those below it (`mod.rs` only declares and
//! re-exports): `export` → `decode` (the entry points, [`Trace`]) →
//! `ladder` → `summary` ([`TraceSummary`]) → `rules`, `media`,
//! `participants` → `correlate` → `roles`; `capture` and `text`; all on
//! `model` (the per-message records every stage shares) and `time`.

pub mod capture;
mod correlate;
mod decode;
mod esp;
pub mod export;
pub mod incremental;
pub mod ladder;
mod media;
mod model;
mod names;
mod participants;
mod roles;
mod rtp;
mod rules;
mod summary;
pub mod text;
mod time;

pub use correlate::{Call, Dialog, Transaction};
pub use decode::{
    decode_any, decode_any_keys, decode_capture, decode_capture_keys, decode_capture_progress,
    decode_messages, decode_trace_text, stream_any, stream_any_keys, Trace, TraceMessage,
    TRACE_SCHEMA_VERSION,
};
pub use ladder::{Arrow, ArrowClass, Ladder, LadderFilter, Lane};
pub use model::{
    group_findings, CaptureIssue, EspProvenance, EspSaReport, FindingGroup, FlowFinding,
    MessageSummary, RawMessage, ReasonSummary, SdpRole,
};
pub use names::short_address;
pub use participants::{Participant, UNKNOWN_RECEIVER, UNKNOWN_SENDER};
pub use rtp::{CallMedia, MediaReport};
pub use summary::TraceSummary;
