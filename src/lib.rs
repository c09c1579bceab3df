//! siplens: a zero-copy SIP message parser with byte spans, and the
//! foundation of an evidence-linked diagnosis of SIP responses for IMS /
//! VoLTE / VoNR networks.
//!
//! Data flows one way: bytes → [`parse_message`] (borrowed views with
//! [`Span`]s) → diagnosis → owned DTOs → adapters (wasm, CLI, page).
//!
//! ```
//! let msg = siplens::parse_message(b"SIP/2.0 100 Trying\r\nCSeq: 1 INVITE\r\n\r\n");
//! assert_eq!(msg.status_code(), Some(siplens::StatusCode(100)));
//! ```
#![forbid(unsafe_code)]
// The core wasm module is built for size (opt-level z); its build (Makefile,
// `siplens_speed`) compiles the framer's hot functions for speed instead
// (`#[optimize(speed)]`, nightly features through RUSTC_BOOTSTRAP as its
// std rebuild already does). Other builds ignore the attribute.
#![cfg_attr(siplens_speed, feature(optimize_attribute))]
#![warn(missing_docs)]

pub mod capture;
pub mod diagnose;
pub mod finding;
pub mod header_name;
pub mod kb;
pub mod lazy;
pub mod parse;
mod quote;
pub mod redact;
pub mod rtp;
mod sort;
pub mod span;
mod spare;
pub mod status;
pub mod trace;
pub mod triage;
pub mod validate;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use diagnose::{check_input, decode, diagnose, Decoded, InputError};
pub use finding::{Category, Finding, Rule, RuleInfo, RuleMeta, Severity, RULES, RULE_META};
pub use header_name::{HeaderInfo, HeaderName, HeaderShape, HEADERS};
pub use parse::{parse_message, parse_message_with, Header, Message, ParseOptions, StartLine};
pub use span::{Span, Text};
pub use status::{Method, StatusClass, StatusCode, METHODS};
pub use trace::{decode_capture, decode_trace_text, Trace};
pub use validate::validate_message;
