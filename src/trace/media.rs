//! SDP offer/answer pairing across a trace (RFC 3264 §4–§6 in SIP).
//!
//! One message at a time, like correlation: each message with an SDP body
//! is marked an offer or an answer (or neither), and an answer names the
//! message holding its offer.
//!
//! - An INVITE (initial or re-INVITE) or UPDATE with SDP is an offer; its
//!   answer is the SDP of a 1xx/2xx response of the same transaction
//!   (RFC 3261 §13.2.1; RFC 3311 §5.1–§5.2). A failure response ends the
//!   offer without answer (its SDP, as in a 488, lists capabilities and is
//!   neither).
//! - An INVITE without SDP: the offer is in the first reliable non-failure
//!   response — a 1xx with RSeq (RFC 3262 §5) or the 2xx — and its answer
//!   in the PRACK or the ACK (RFC 3261 §13.2.1).
//! - A PRACK with SDP that answers no pending offer is itself an offer,
//!   answered in its 2xx (RFC 3262 §5).
//!
//! Copies of a request at several hops are separate transactions, so each
//! hop pairs on its own; a PRACK or ACK answering a response's offer pairs
//! with the latest unanswered one of its Call-ID and CSeq sent to its
//! sender (or the latest one when addresses are unknown), which also
//! unwinds proxied copies in the right order. Retransmissions repeat the
//! role of the message they repeat.
//!
//! An answer whose `m=` lines differ in number or media type from its
//! offer's is the finding `SL420` (RFC 3264 §6).

use std::collections::{HashMap, HashSet};

use super::correlate::Info;
use super::model::{FlowFinding, MessageSummary, SdpRole};
use crate::finding::Rule;

/// An offer waiting for (or paired with) its answer.
#[derive(Debug, Clone)]
struct Offer {
    index: usize,
    /// Media type of each `m=` line, lower case.
    kinds: Vec<String>,
}

/// An offer made in a response (INVITE without SDP), answered by PRACK or ACK.
#[derive(Debug, Clone)]
struct ResponseOffer {
    offer: Offer,
    call_id: String,
    cseq: Option<u32>,
    /// `ip:port` the response was sent to: the PRACK/ACK comes from there.
    to: Option<String>,
    /// Offer in a reliable 1xx: answered by PRACK; in a 2xx: by ACK.
    by_prack: bool,
    answered: bool,
}

/// A message's role and, for an answer, its offer's index.
type Marks = (Option<SdpRole>, Option<usize>);

/// The pairing state of one trace.
#[derive(Debug, Default)]
pub(crate) struct OfferAnswer {
    /// Transaction → the offer its request made.
    request_offers: HashMap<usize, Offer>,
    /// INVITE transactions whose request had no SDP.
    invites_without_offer: HashSet<usize>,
    /// (transaction, To tag) pairs whose response already made an offer.
    offered_in_response: HashSet<(usize, Option<String>)>,
    response_offers: Vec<ResponseOffer>,
    /// (transaction, code or none for requests) → the role given, for
    /// retransmissions.
    given: HashMap<(usize, Option<u16>), Marks>,
    findings: Vec<FlowFinding>,
}

fn kinds(info: &Info) -> Option<Vec<String>> {
    info.sdp.as_ref().map(|s| {
        s.media
            .iter()
            .map(|(kind, _, _)| kind.to_ascii_lowercase())
            .collect()
    })
}

impl OfferAnswer {
    /// Gives message `m` (already correlated: its transaction is set) its
    /// role, and the index of the offer it answers.
    pub(crate) fn push(
        &mut self,
        m: &MessageSummary,
        info: &Info,
    ) -> (Option<SdpRole>, Option<usize>) {
        let key = (m.transaction_id, info.code);
        if m.retransmission {
            if let Some(r) = self.given.get(&key) {
                return *r;
            }
        }
        let r = self.role(m, info);
        self.given.insert(key, r);
        r
    }

    fn role(&mut self, m: &MessageSummary, info: &Info) -> Marks {
        let i = m.index;
        let tx = m.transaction_id;
        let sdp = kinds(info);
        if info.is_request {
            let Some(kinds) = sdp else {
                if info.method == "INVITE" {
                    self.invites_without_offer.insert(tx);
                }
                return (None, None);
            };
            let offer = Offer { index: i, kinds };
            match info.method.as_str() {
                "INVITE" | "UPDATE" => {
                    self.request_offers.insert(tx, offer);
                    (Some(SdpRole::Offer), None)
                }
                "PRACK" | "ACK" => {
                    let prack = info.method == "PRACK";
                    if let Some(o) = self.answered_by(info, m.src.as_deref(), prack) {
                        self.check(&o, &offer);
                        return (Some(SdpRole::Answer), Some(o.index));
                    }
                    if prack {
                        // A new offer in PRACK, answered in its 2xx.
                        self.request_offers.insert(tx, offer);
                        (Some(SdpRole::Offer), None)
                    } else {
                        // SDP in an ACK with no offer pending is not part
                        // of an exchange (RFC 3261 §13.2.1).
                        (None, None)
                    }
                }
                _ => (None, None),
            }
        } else {
            let Some(code) = info.code else {
                return (None, None);
            };
            if code >= 300 {
                // The offer is rejected; the SDP of a 488/606 is not an answer.
                self.request_offers.remove(&tx);
                return (None, None);
            }
            let Some(kinds) = sdp else {
                return (None, None);
            };
            if code < 101 {
                return (None, None);
            }
            if let Some(o) = self.request_offers.get(&tx).cloned() {
                let answer = Offer { index: i, kinds };
                self.check(&o, &answer);
                return (Some(SdpRole::Answer), Some(o.index));
            }
            let reliable = code >= 200 || info.rseq.is_some();
            if info.method == "INVITE" && self.invites_without_offer.contains(&tx) && reliable {
                // The first reliable non-failure response of each early
                // dialog carries the offer (RFC 3261 §13.2.1; RFC 3262 §5).
                if self.offered_in_response.insert((tx, info.to_tag.clone())) {
                    self.response_offers.push(ResponseOffer {
                        offer: Offer { index: i, kinds },
                        call_id: info.call_id.clone(),
                        cseq: info.cseq,
                        to: m.dst.clone(),
                        by_prack: code < 200,
                        answered: false,
                    });
                    return (Some(SdpRole::Offer), None);
                }
            }
            (None, None)
        }
    }

    /// The pending offer of a response that this PRACK / ACK answers.
    fn answered_by(&mut self, info: &Info, src: Option<&str>, prack: bool) -> Option<Offer> {
        let candidates = |r: &ResponseOffer| {
            !r.answered
                && r.by_prack == prack
                && r.call_id == info.call_id
                // An ACK has the INVITE's CSeq number; a PRACK its own.
                && (prack || r.cseq == info.cseq)
        };
        let pos = self
            .response_offers
            .iter()
            .rposition(|r| candidates(r) && src.is_some() && r.to.as_deref() == src)
            .or_else(|| self.response_offers.iter().rposition(candidates))?;
        let r = &mut self.response_offers[pos];
        r.answered = true;
        Some(r.offer.clone())
    }

    /// RFC 3264 §6: the answer has exactly the offer's `m=` lines, in order.
    fn check(&mut self, offer: &Offer, answer: &Offer) {
        let (o, a) = (offer.index, answer.index);
        let text = if offer.kinds.len() != answer.kinds.len() {
            format!(
                "The answer in message {} has {} m= line(s) ({}) but its offer in message {} has {} ({}); the answer must keep every offered m= line in order and refuse a stream with port 0, not remove it.",
                a + 1,
                answer.kinds.len(),
                answer.kinds.join(", "),
                o + 1,
                offer.kinds.len(),
                offer.kinds.join(", ")
            )
        } else if let Some(k) = (0..offer.kinds.len()).find(|&k| offer.kinds[k] != answer.kinds[k])
        {
            format!(
                "m= line {} is {} in the answer (message {}) but {} in its offer (message {}); streams are matched by position.",
                k + 1,
                answer.kinds[k],
                a + 1,
                offer.kinds[k],
                o + 1
            )
        } else {
            return;
        };
        self.findings.push(FlowFinding::new(
            Rule::FlowSdpAnswerMismatch,
            text,
            vec![o, a],
        ));
    }

    /// The findings, once every message is pushed.
    pub(crate) fn finish(self) -> Vec<FlowFinding> {
        self.findings
    }
}
