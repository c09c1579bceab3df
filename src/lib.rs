//! siplens: SIP parser and diagnosis.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod finding;
pub mod parse;
pub mod span;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use finding::{Category, Finding, Rule, RuleInfo, Severity, RULES};
pub use parse::header_name::{HeaderInfo, HeaderName, HeaderShape, HEADERS};
pub use parse::status::{Method, StatusClass, StatusCode, METHODS};
pub use span::{Span, Text};
