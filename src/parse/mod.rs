//! SIP message parsing (RFC 3261 §7, §25).
pub mod header_name;
pub mod status;
