//! [`TraceSummary`]: a decoded trace without the per-message decodings,
//! what the streaming path ([`crate::trace::stream_any`]) returns and the
//! ladder ([`super::ladder`]) is drawn from.

use super::correlate::{Call, Dialog, Transaction};
use super::model::{FindingGroup, FlowFinding, MessageSummary};
use super::participants::Participant;

/// A trace without the per-message decodings: what [`crate::trace::stream_any`] returns
/// (the same tables as [`crate::trace::Trace`], with a [`MessageSummary`] per message).
#[derive(Debug, Clone)]
pub struct TraceSummary {
    /// As [`crate::trace::Trace::source`].
    pub source: &'static str,
    /// Capture frames read (0 for text).
    pub frames: u64,
    /// One summary per message, in trace order.
    pub messages: Vec<MessageSummary>,
    /// As [`crate::trace::Trace::participants`].
    pub participants: Vec<Participant>,
    /// Transactions (RFC 3261 §17).
    pub transactions: Vec<Transaction>,
    /// Dialogs (RFC 3261 §12).
    pub dialogs: Vec<Dialog>,
    /// Calls (see [`Call`]).
    pub calls: Vec<Call>,
    /// Flow findings (`SL40x`).
    pub findings: Vec<FlowFinding>,
    /// As [`crate::trace::Trace::finding_groups`].
    pub finding_groups: Vec<FindingGroup>,
    /// Problems with the capture or text itself (`SL45x`).
    pub capture_findings: Vec<FlowFinding>,
    /// As [`crate::trace::Trace::media`].
    pub media: Option<super::rtp::MediaReport>,
    /// As [`crate::trace::Trace::esp_sas`].
    pub esp_sas: Vec<super::model::EspSaReport>,
}
