//! The ladder model: what a sequence ("ladder") diagram of a trace shows,
//! as data — one lane per participant, one arrow per message — with the
//! filter by Call-ID or dialog. The CLI's text ladder and the page's SVG
//! ladder, its text and Mermaid exports all draw this model; only the
//! layout (widths, wrapping, coordinates) is theirs.
//!
//! One code path builds it for both trace shapes: [`TraceSummary::ladder`]
//! (and the streaming [`LadderView`] the CLI draws from) read the
//! per-message summaries; a [`Trace`](crate::trace::Trace) carries the same model
//! in its `ladder` field, computed from those summaries when the trace is
//! assembled, and [`Ladder::filter`] narrows it through the same view.
//!
//! - Lanes: the participants of the trace ([`crate::trace::Participant`]), in
//!   order of first appearance among the arrows shown.
//! - Arrows: the message number (`index`, 0-based; the whole trace's, kept
//!   by every filter), the lanes it goes between, its label (`INVITE`,
//!   `200 OK (PRACK)`: the CSeq method of a response), its class, its SDP
//!   role (offer or answer, RFC 3264), its time since the first timed
//!   message and Δt since the previous timed arrow shown.
//! - The filter keeps the messages of one Call-ID (by their transaction)
//!   and those of one dialog: its own messages and its transactions'
//!   (a CANCEL, an ACK), as [`dialog_messages`] lists them.

use serde::{Deserialize, Serialize};

use super::correlate::{Dialog, Transaction};
use super::model::SdpRole;
use super::participants::Participant;
use super::summary::TraceSummary;
use crate::status::{StatusClass, StatusCode};

/// A ladder diagram as data: lanes and arrows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Ladder {
    /// The lanes, left to right: the participants of the arrows shown, in
    /// order of first appearance.
    pub lanes: Vec<Lane>,
    /// One arrow per message shown, in trace order.
    pub arrows: Vec<Arrow>,
}

/// One lane: a participant of the trace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Lane {
    /// The participant ([`crate::trace::Trace::participants`] index).
    pub participant: usize,
    /// Its short name ([`Participant::label`]): the IMS role when known,
    /// else the (shortened) address.
    pub label: String,
    /// Its full address ([`Participant::address`]).
    pub address: String,
    /// Its IMS role, when the messages say so ([`Participant::role`]).
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = r#""UE" | "P-CSCF" | "I-CSCF" | "S-CSCF" | "AS" | "MGCF" | null"#)
    )]
    pub role: Option<String>,
    /// What texts call the lane: the role and the address
    /// (`P-CSCF 10.0.0.1`), or the address.
    pub title: String,
    /// Why: the other addresses it was seen with and what names its role
    /// (`10.0.0.1:5060, 10.0.0.1:5062; Path in REGISTER (#1)`), or null.
    pub evidence: Option<String>,
    /// The address as a [`SHORT_NAME`]-character column shows it
    /// ([`short_name`]: IPv6 compressed; an address keeps its end, a host
    /// name its start past the domain all lanes share), what the page's
    /// ladder writes under the role.
    #[serde(default)]
    pub short: String,
}

pub use super::names::{cut_end, cut_start, shared_domain, short_name, SHORT_NAME};

/// The class of an arrow: a request, a response's class, or `invalid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum ArrowClass {
    /// A request.
    Request,
    /// 1xx.
    Provisional,
    /// 2xx.
    Success,
    /// 3xx.
    Redirection,
    /// 4xx.
    RequestFailure,
    /// 5xx.
    ServerFailure,
    /// 6xx.
    GlobalFailure,
    /// A code outside 100–699, or no valid start line.
    Invalid,
}

/// One arrow: a message between two lanes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Arrow {
    /// The message ([`crate::trace::Trace::messages`] index; `#index+1` in texts),
    /// the whole trace's number whatever the filter.
    pub index: usize,
    /// The sender's lane ([`Ladder::lanes`] index).
    pub from: usize,
    /// The receiver's lane ([`Ladder::lanes`] index); `from` when the
    /// message loops back to its sender.
    pub to: usize,
    /// The method of a request; the code, reason phrase and CSeq method of
    /// a response (`200 OK (PRACK)`), as [`crate::trace::TraceMessage::label`].
    pub label: String,
    /// The status code of a response.
    pub code: Option<u16>,
    /// What kind of message: a request or a response class.
    pub class: ArrowClass,
    /// The part its SDP plays: `offer` or `answer` (RFC 3264), else null.
    #[cfg_attr(target_arch = "wasm32", tsify(type = r#""offer" | "answer" | null"#))]
    pub sdp: Option<SdpRole>,
    /// True when the message carries an SDP body (paired or not).
    pub has_sdp: bool,
    /// For an answer: the message holding its offer.
    pub answers: Option<usize>,
    /// Seconds (the message's own time, as [`crate::trace::TraceMessage::time`]).
    pub at: Option<f64>,
    /// Seconds since the first timed message of the trace.
    pub time: Option<f64>,
    /// Seconds since the previous timed arrow shown (absent on the first).
    pub delta: Option<f64>,
    /// True for a retransmission.
    pub retransmission: bool,
    /// Its transaction ([`crate::trace::Trace::transactions`] index).
    pub transaction: usize,
    /// Read out of IPsec ESP: the SA and where it came from
    /// ([`crate::trace::EspProvenance::describe`]); absent in the clear.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub esp: Option<String>,
    /// The Call-ID of its transaction.
    pub call_id: String,
    /// The dialogs it is shown with ([`crate::trace::Trace::dialogs`] indices):
    /// its own and those whose transactions it belongs to.
    pub dialogs: Vec<usize>,
}

/// Which arrows to show: all, or those of one Call-ID and of one dialog
/// (an arrow matching either is kept).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct LadderFilter {
    /// The messages of this Call-ID (by their transaction's).
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub call_id: Option<String>,
    /// The messages of this dialog ([`crate::trace::Trace::dialogs`] index,
    /// 0-based: `D1` is 0).
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub dialog: Option<usize>,
}

impl LadderFilter {
    /// True when no filter is set (every arrow is shown).
    pub fn is_empty(&self) -> bool {
        self.call_id.is_none() && self.dialog.is_none()
    }

    /// Whether an arrow of this Call-ID and these dialogs is shown.
    pub fn keeps(&self, call_id: &str, dialogs: &[usize]) -> bool {
        self.is_empty()
            || self.call_id.as_deref() == Some(call_id)
            || self.dialog.is_some_and(|d| dialogs.contains(&d))
    }

    /// The messages kept of a ladder (`kept[i]` for message `i`, on a
    /// ladder of every message), or `None` when the filter is empty.
    pub fn kept(&self, ladder: &Ladder) -> Option<Vec<bool>> {
        if self.is_empty() {
            return None;
        }
        let n = ladder.arrows.iter().map(|a| a.index + 1).max().unwrap_or(0);
        let mut keep = vec![false; n];
        for a in &ladder.arrows {
            keep[a.index] = self.keeps(&a.call_id, &a.dialogs);
        }
        Some(keep)
    }
}

/// A dialog's messages and those of its transactions (a CANCEL, an ACK),
/// in order.
pub fn dialog_messages(transactions: &[Transaction], d: &Dialog) -> Vec<usize> {
    let mut v = d.messages.clone();
    for &x in &d.transactions {
        if let Some(tx) = transactions.get(x) {
            v.extend(&tx.requests);
            v.extend(&tx.responses);
            v.extend(tx.ack);
        }
    }
    v.sort_unstable();
    v.dedup();
    v
}

/// The dialogs each message is shown with (see [`Arrow::dialogs`]).
fn dialogs_of(n: usize, transactions: &[Transaction], dialogs: &[Dialog]) -> Vec<Vec<usize>> {
    let mut of = vec![Vec::new(); n];
    for (k, d) in dialogs.iter().enumerate() {
        for i in dialog_messages(transactions, d) {
            if let Some(v) = of.get_mut(i) {
                v.push(k);
            }
        }
    }
    of
}

/// A lane for a participant; `shared` is the domain all lanes' addresses
/// share ([`shared_domain`]).
fn lane(p: &Participant, shared: &str) -> Lane {
    let others: Vec<&str> = p
        .addresses
        .iter()
        .filter(|a| **a != p.address)
        .map(String::as_str)
        .collect();
    let evidence = [
        (!others.is_empty()).then(|| others.join(", ")),
        p.role_evidence.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("; ");
    Lane {
        participant: p.id,
        label: p.label.clone(),
        address: p.address.clone(),
        role: p.role.map(str::to_owned),
        title: match p.role {
            Some(r) => format!("{r} {}", p.address),
            None => p.address.clone(),
        },
        evidence: (!evidence.is_empty()).then_some(evidence),
        short: short_name(&p.address, shared, SHORT_NAME),
    }
}

fn class(method: Option<&str>, code: Option<u16>) -> ArrowClass {
    if method.is_some() {
        return ArrowClass::Request;
    }
    match code.map(|c| StatusCode(c).class()) {
        Some(StatusClass::Provisional) => ArrowClass::Provisional,
        Some(StatusClass::Success) => ArrowClass::Success,
        Some(StatusClass::Redirection) => ArrowClass::Redirection,
        Some(StatusClass::RequestFailure) => ArrowClass::RequestFailure,
        Some(StatusClass::ServerFailure) => ArrowClass::ServerFailure,
        Some(StatusClass::GlobalFailure) => ArrowClass::GlobalFailure,
        Some(StatusClass::Invalid) | None => ArrowClass::Invalid,
    }
}

/// Where a view's arrows come from: a trace's summaries or a built ladder.
trait Arrows {
    /// Number of messages.
    fn len(&self) -> usize;
    /// Message `i`'s sender and receiver (indices into the view's
    /// participants).
    fn ends(&self, i: usize) -> (usize, usize);
    /// Whether `filter` keeps message `i`.
    fn keeps(&self, i: usize, filter: &LadderFilter) -> bool;
    /// Message `i`'s arrow, `from`/`to` as [`Arrows::ends`], `delta` unset.
    fn arrow(&self, i: usize) -> Arrow;
}

/// The arrows of a [`TraceSummary`].
struct Summaries<'a> {
    t: &'a TraceSummary,
    /// [`Arrow::dialogs`] of each message.
    dialogs: Vec<Vec<usize>>,
    t0: Option<f64>,
}

impl Summaries<'_> {
    fn call_id(&self, i: usize) -> &str {
        self.t
            .transactions
            .get(self.t.messages[i].transaction_id)
            .map_or("", |t| t.call_id.as_str())
    }
}

impl Arrows for Summaries<'_> {
    fn len(&self) -> usize {
        self.t.messages.len()
    }
    fn ends(&self, i: usize) -> (usize, usize) {
        let m = &self.t.messages[i];
        (m.from, m.to)
    }
    fn keeps(&self, i: usize, filter: &LadderFilter) -> bool {
        filter.keeps(self.call_id(i), &self.dialogs[i])
    }
    fn arrow(&self, i: usize) -> Arrow {
        let m = &self.t.messages[i];
        Arrow {
            index: m.index,
            from: m.from,
            to: m.to,
            label: m.label.clone(),
            code: m.code,
            class: class(m.method.as_deref(), m.code),
            sdp: m.sdp,
            has_sdp: m.has_sdp,
            answers: m.sdp_answers,
            at: m.time,
            time: match (m.time, self.t0) {
                (Some(x), Some(z)) => Some(x - z),
                _ => None,
            },
            delta: None,
            retransmission: m.retransmission,
            transaction: m.transaction_id,
            esp: m.esp.clone(),
            call_id: self.call_id(i).to_owned(),
            dialogs: self.dialogs[i].clone(),
        }
    }
}

/// The arrows of a built [`Ladder`], on its own lanes.
struct Built<'a>(&'a Ladder);

impl Arrows for Built<'_> {
    fn len(&self) -> usize {
        self.0.arrows.len()
    }
    fn ends(&self, i: usize) -> (usize, usize) {
        let a = &self.0.arrows[i];
        (a.from, a.to)
    }
    fn keeps(&self, i: usize, filter: &LadderFilter) -> bool {
        let a = &self.0.arrows[i];
        filter.keeps(&a.call_id, &a.dialogs)
    }
    fn arrow(&self, i: usize) -> Arrow {
        self.0.arrows[i].clone()
    }
}

/// A ladder, streamed: the lanes are worked out first; the arrows are
/// made one at a time as they are iterated, so a big capture's ladder is
/// never held whole (the CLI draws from this).
pub struct LadderView<'a> {
    src: Box<dyn Arrows + 'a>,
    keep: Option<Vec<bool>>,
    lanes: Vec<Lane>,
    /// Participant → lane.
    lane_of: Vec<Option<usize>>,
}

impl<'a> LadderView<'a> {
    /// The view of `src`'s arrows between `participants` (the lanes its
    /// arrows' `from`/`to` name), narrowed by `filter`.
    fn new(src: Box<dyn Arrows + 'a>, participants: &[Lane], filter: &LadderFilter) -> Self {
        let n = src.len();
        let keep = (!filter.is_empty()).then(|| (0..n).map(|i| src.keeps(i, filter)).collect());
        let keep: Option<Vec<bool>> = keep;
        let mut lane_of: Vec<Option<usize>> = vec![None; participants.len()];
        let mut lanes = Vec::new();
        for i in (0..n).filter(|&i| keep.as_ref().is_none_or(|k| k[i])) {
            let (a, b) = src.ends(i);
            for p in [a, b] {
                if let (Some(slot @ None), Some(l)) = (lane_of.get_mut(p), participants.get(p)) {
                    *slot = Some(lanes.len());
                    lanes.push(l.clone());
                }
            }
        }
        LadderView {
            src,
            keep,
            lanes,
            lane_of,
        }
    }

    /// The lanes, left to right.
    pub fn lanes(&self) -> &[Lane] {
        &self.lanes
    }

    /// Which messages are shown (`kept[i]` for message `i`), or `None`
    /// for all.
    pub fn kept(&self) -> Option<&[bool]> {
        self.keep.as_deref()
    }

    /// The arrows shown, in order, `from`/`to` naming lanes and `delta`
    /// set.
    pub fn arrows(&self) -> impl Iterator<Item = Arrow> + '_ {
        let mut prev: Option<f64> = None;
        (0..self.src.len())
            .filter(|&i| self.keep.as_ref().is_none_or(|k| k[i]))
            .map(move |i| {
                let mut a = self.src.arrow(i);
                let lane = |p: usize| self.lane_of.get(p).copied().flatten().unwrap_or(0);
                a.from = lane(a.from);
                a.to = lane(a.to);
                a.delta = match (a.at, prev) {
                    (Some(t), Some(p)) => Some(t - p),
                    _ => None,
                };
                if a.at.is_some() {
                    prev = a.at;
                }
                a
            })
    }

    /// The whole model.
    pub fn into_ladder(self) -> Ladder {
        let arrows = self.arrows().collect();
        Ladder {
            lanes: self.lanes,
            arrows,
        }
    }
}

impl TraceSummary {
    /// The ladder of the messages `filter` keeps, streamed (see
    /// [`LadderView`]).
    pub fn ladder_view(&self, filter: &LadderFilter) -> LadderView<'_> {
        let src = Summaries {
            t: self,
            dialogs: dialogs_of(self.messages.len(), &self.transactions, &self.dialogs),
            t0: self.messages.iter().find_map(|m| m.time),
        };
        let addresses: Vec<&str> = self
            .participants
            .iter()
            .map(|p| p.address.as_str())
            .collect();
        let shared = shared_domain(&addresses);
        let participants: Vec<Lane> = self.participants.iter().map(|p| lane(p, shared)).collect();
        LadderView::new(Box::new(src), &participants, filter)
    }

    /// The ladder of the messages `filter` keeps.
    pub fn ladder(&self, filter: &LadderFilter) -> Ladder {
        self.ladder_view(filter).into_ladder()
    }
}

impl Ladder {
    /// The arrows `filter` keeps (their numbers unchanged) and the lanes
    /// they use, in order of first appearance; Δt between the arrows
    /// kept. Filtering a filtered ladder narrows it further.
    pub fn filter(&self, filter: &LadderFilter) -> Ladder {
        // The view's "participants" are this ladder's lanes: whatever the
        // numbers in a ladder handed back from JS, nothing is indexed out
        // of range (an arrow naming no lane goes to the first one).
        LadderView::new(Box::new(Built(self)), &self.lanes, filter).into_ladder()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lane whose address does not fit drops the domain the lanes share.
    #[test]
    fn lane_short_names_drop_the_shared_domain() {
        let t = crate::trace::decode_trace_text(
            "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n\
From: <sip:alice@atlanta.example.com>;tag=9f\r\nTo: <sip:bob@biloxi.example.com>\r\n\
Call-ID: 38482@atlanta.example.com\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
        );
        let lanes: Vec<(&str, &str)> = t
            .ladder
            .lanes
            .iter()
            .map(|l| (l.address.as_str(), l.short.as_str()))
            .collect();
        assert_eq!(
            lanes,
            [
                ("client.atlanta.example.com", "client.atlanta"),
                ("biloxi.example.com", "biloxi.example.com")
            ]
        );
    }

    fn text() -> &'static str {
        "INVITE sip:b@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n\
From: <sip:a@x>;tag=1\r\nTo: <sip:b@y>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n\
Contact: <sip:a@10.0.0.1>\r\nContent-Length: 0\r\n\r\n\
SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n\
From: <sip:a@x>;tag=1\r\nTo: <sip:b@y>;tag=2\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n\
Contact: <sip:b@10.0.0.2>\r\nContent-Length: 0\r\n\r\n\
OPTIONS sip:c@10.0.0.3 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK9\r\n\
From: <sip:b@x>;tag=5\r\nTo: <sip:c@y>\r\nCall-ID: c2\r\nCSeq: 1 OPTIONS\r\n\
Content-Length: 0\r\n\r\n"
    }

    #[test]
    fn one_model_for_the_summary_and_the_trace() {
        let t = crate::trace::stream_any(text().as_bytes(), None);
        let whole = crate::trace::decode_trace_text(text());
        let all = t.ladder(&LadderFilter::default());
        assert_eq!(all, whole.ladder);
        assert_eq!(all.arrows.len(), 3);
        assert_eq!(all.arrows[1].label, "200 OK (INVITE)");
        assert_eq!(all.arrows[1].class, ArrowClass::Success);
        assert_eq!((all.arrows[1].from, all.arrows[1].to), (1, 0));
        assert_eq!(all.lanes.len(), t.participants.len());
        // Each lane's short name: its address, whole when it fits.
        for l in &all.lanes {
            assert_eq!(l.short, short_name(&l.address, "", SHORT_NAME), "{l:?}");
            assert!(l.short.chars().count() <= SHORT_NAME);
        }
        // Call-ID c2: one arrow, its original number, its two lanes only.
        let f = LadderFilter {
            call_id: Some("c2".into()),
            dialog: None,
        };
        let one = t.ladder(&f);
        assert_eq!(one.arrows.len(), 1);
        assert_eq!(one.arrows[0].index, 2);
        assert_eq!((one.arrows[0].from, one.arrows[0].to), (0, 1));
        assert_eq!(one.lanes.len(), 2);
        assert_eq!(
            whole.ladder.filter(&f),
            one,
            "the trace's ladder filters the same"
        );
        assert_eq!(f.kept(&all), Some(vec![false, false, true]));
        // Dialog D1: the INVITE and its 200.
        let d = LadderFilter {
            call_id: None,
            dialog: Some(0),
        };
        assert_eq!(
            t.ladder(&d)
                .arrows
                .iter()
                .map(|a| a.index)
                .collect::<Vec<_>>(),
            [0, 1]
        );
        assert_eq!(whole.ladder.filter(&d), t.ladder(&d));
        assert!(t
            .ladder(&LadderFilter {
                call_id: Some("none".into()),
                dialog: None
            })
            .arrows
            .is_empty());
    }
}
