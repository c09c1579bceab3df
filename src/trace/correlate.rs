//! Correlation: messages → transactions → dialogs → calls.
//!
//! - Transactions (RFC 3261 §17.1.3, §17.2.3): top-Via branch with the
//!   magic cookie `z9hG4bK` plus CSeq method; ACK to a non-2xx final
//!   shares the INVITE's branch and joins its transaction; CANCEL has its
//!   own. Without the cookie (RFC 2543 peers) the key is Call-ID, CSeq,
//!   From tag and the whole top Via (§17.2.3's fallback; Request-URI and
//!   To tag are then used to tell retransmissions apart).
//! - Retransmissions: within one transaction, the same request start line
//!   (or the same status code, To tag and RSeq) on the same path again —
//!   whether or not the bytes are identical.
//! - Dialogs (§12): Call-ID plus the two tags, either orientation; an
//!   INVITE's responses with different To tags make one early dialog each
//!   (forking, §13.2.2.4).
//! - Calls: Call-IDs linked by `P-Charging-Vector` icid-value (RFC 7315
//!   §4.6) or `Session-ID` (RFC 7989 §5), no configuration needed.

use std::collections::HashMap;

use serde::Serialize;

use super::model::MessageSummary;
use super::roles::{host_key, role_hints, RoleHint, ViaHop};
use crate::header_name::HeaderName;
use crate::parse::views::{HeaderView, Views};
use crate::parse::Message;

/// Static payload types of RFC 3551 §6 that appear in SIP offers.
const STATIC_PT: &[(&str, &str)] = &[
    ("0", "PCMU"),
    ("3", "GSM"),
    ("4", "G723"),
    ("8", "PCMA"),
    ("9", "G722"),
    ("13", "CN"),
    ("18", "G729"),
    ("34", "H263"),
];

/// What correlation and the flow rules need from one message (owned).
#[derive(Debug, Clone, Default)]
pub(crate) struct Info {
    pub is_request: bool,
    /// Request method, or the CSeq method of a response (upper case).
    pub method: String,
    pub code: Option<u16>,
    pub cseq: Option<u32>,
    pub call_id: String,
    pub from_tag: Option<String>,
    pub to_tag: Option<String>,
    pub from_uri: Option<String>,
    pub to_uri: Option<String>,
    pub branch: Option<String>,
    pub top_via: String,
    pub ruri: Option<String>,
    pub start_line: String,
    pub max_forwards: Option<u8>,
    pub expires: Option<u32>,
    pub contact_expires: Option<u32>,
    pub has_credentials: bool,
    pub stale: bool,
    pub retry_after: Option<u32>,
    pub rseq: Option<String>,
    pub precondition: bool,
    pub sdp: Option<SdpInfo>,
    pub warnings: Vec<String>,
    pub icid: Option<String>,
    pub session_id: Option<String>,
    /// The whole Via stack, topmost first.
    pub vias: Vec<ViaHop>,
    /// Route URIs, topmost first: (host, has `orig`).
    pub routes: Vec<(String, bool)>,
    /// Host of the first Contact URI.
    pub contact_host: Option<String>,
    /// User part of the From / To URI (the number of a tel: URI).
    pub from_user: Option<String>,
    pub to_user: Option<String>,
    /// Host of the To URI.
    pub to_host: Option<String>,
    /// Reason header values (RFC 3326).
    pub reasons: Vec<super::model::ReasonSummary>,
    /// IMS role evidence carried by the message itself.
    pub roles: Vec<RoleHint>,
}

/// An SDP body, as the flow rules compare offers and answers.
#[derive(Debug, Clone, Default)]
pub(crate) struct SdpInfo {
    /// Codec names per media line (`audio: PCMU, PCMA`).
    pub media: Vec<(String, Vec<String>, bool)>,
    /// `a=curr`/`a=des` precondition lines (RFC 3312 §4).
    pub preconditions: Vec<String>,
}

impl SdpInfo {
    pub fn codecs(&self) -> Vec<String> {
        let mut v: Vec<String> = self.media.iter().flat_map(|m| m.1.clone()).collect();
        v.dedup();
        v
    }

    pub fn describe(&self) -> String {
        self.media
            .iter()
            .map(|(kind, codecs, zero)| {
                format!(
                    "{kind} {}{}",
                    if codecs.is_empty() {
                        "(no codec)".to_owned()
                    } else {
                        codecs.join(", ")
                    },
                    if *zero {
                        " (port 0: stream disabled)"
                    } else {
                        ""
                    }
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn owned(t: crate::span::Text<'_>) -> String {
    t.as_str().into_owned()
}

fn has_token(msg: &Message<'_>, name: HeaderName, token: &str) -> bool {
    msg.headers_named(name).any(|h| {
        h.value
            .as_str()
            .split(',')
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    })
}

impl Info {
    /// The record of one message, from its typed views (shared with the
    /// diagnosis on the trace's `--ndjson` path, so no header is parsed
    /// twice).
    pub fn from_views(views: &Views<'_, '_>) -> Self {
        let msg = views.message();
        let mut sink = Vec::new();
        let cseq = views.cseq().copied();
        let method = match msg.method() {
            Some(m) => owned(m).to_ascii_uppercase(),
            None => cseq
                .map(|c| owned(c.method).to_ascii_uppercase())
                .unwrap_or_default(),
        };
        let via = views.top_via();
        let from = views.from();
        let to = views.to();
        let contact_expires = views.contacts().find_map(|c| match c {
            crate::parse::addr::Contact::Address(a) => {
                a.expires().and_then(|e| e.as_str().trim().parse().ok())
            }
            crate::parse::addr::Contact::Wildcard(_) => None,
        });
        let stale = [HeaderName::WwwAuthenticate, HeaderName::ProxyAuthenticate]
            .into_iter()
            .filter_map(|n| views.first(n).map(|(i, _)| views.view(i)))
            .any(|v| {
                matches!(v, HeaderView::Challenge(Some(c)) if c.params.stale_flag() == Some(true))
            });
        let sdp = views.sdp().map(|s| {
            let media = s
                .media
                .iter()
                .map(|m| {
                    let codecs = m
                        .formats
                        .iter()
                        .map(|f| {
                            m.rtpmaps
                                .iter()
                                .find(|r| r.format.bytes() == f.bytes())
                                .map(|r| owned(r.encoding))
                                .or_else(|| {
                                    STATIC_PT
                                        .iter()
                                        .find(|(pt, _)| f.as_str() == *pt)
                                        .map(|(_, n)| (*n).to_owned())
                                })
                                .unwrap_or_else(|| owned(*f))
                        })
                        .collect();
                    (owned(m.media), codecs, m.port == Some(0))
                })
                .collect();
            let preconditions = s
                .media
                .iter()
                .flat_map(|m| m.attributes.iter())
                .chain(s.attributes.iter())
                .filter(|a| {
                    a.name.eq_ignore_case("curr")
                        || a.name.eq_ignore_case("des")
                        || a.name.eq_ignore_case("conf")
                })
                .map(|a| {
                    format!(
                        "a={}:{}",
                        a.name.as_str(),
                        a.value.map(owned).unwrap_or_default()
                    )
                })
                .collect();
            SdpInfo {
                media,
                preconditions,
            }
        });
        let session_id = msg.header_value(HeaderName::SessionId).and_then(|v| {
            let s = owned(v);
            let id: String = s
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            (id.len() >= 16 && id.bytes().any(|b| b != b'0')).then_some(id)
        });
        let vias: Vec<ViaHop> = views
            .vias()
            .map(|v| ViaHop {
                host: host_key(&owned(v.host)),
                port: v.port,
                branch: v.branch().map(owned),
                received: v.received().map(|r| host_key(&owned(r))),
            })
            .collect();
        let routes: Vec<(String, bool)> = views
            .addresses(HeaderName::Route)
            .filter_map(|a| {
                let u = a.uri.as_ref()?;
                Some((host_key(&owned(u.host?)), u.params.has("orig")))
            })
            .collect();
        let contact_host = views.contacts().find_map(|c| match c {
            crate::parse::addr::Contact::Address(a) => a
                .uri
                .as_ref()
                .and_then(|u| u.host)
                .map(|h| host_key(&owned(h))),
            crate::parse::addr::Contact::Wildcard(_) => None,
        });
        let user_of = |a: Option<&crate::parse::addr::NameAddr<'_>>| {
            a.and_then(|a| a.uri.as_ref()).and_then(|u| {
                u.user
                    .or(match u.kind {
                        crate::parse::uri::UriScheme::Tel => u.opaque,
                        _ => None,
                    })
                    .map(|t| owned(t).split(';').next().unwrap_or("").to_owned())
            })
        };
        let reasons = views
            .reasons()
            .map(|(_, r)| r)
            .map(|r| super::model::ReasonSummary {
                protocol: owned(r.protocol),
                cause: r.cause(),
                text: r.text().map(owned),
            })
            .collect();
        let roles = role_hints(msg, &vias, &routes, &mut sink);
        let has_credentials = [HeaderName::Authorization, HeaderName::ProxyAuthorization]
            .into_iter()
            .flat_map(|n| views.credentials(n))
            .any(|(_, c)| {
                // TS 24.229 §5.1.1.2: the first IMS REGISTER carries an
                // Authorization with an empty `response`: no credentials yet.
                c.params.response().is_some_and(|r| !r.trim().is_empty())
            });
        Info {
            from_user: user_of(from),
            to_user: user_of(to),
            to_host: to
                .and_then(|a| a.uri.as_ref())
                .and_then(|u| u.host)
                .map(|h| host_key(&owned(h))),
            vias,
            routes,
            contact_host,
            reasons,
            roles,
            is_request: msg.is_request(),
            method,
            code: msg.status_code().map(|c| c.0),
            cseq: cseq.and_then(|c| c.seq),
            call_id: views.call_id().map(owned).unwrap_or_default(),
            from_tag: from.and_then(|a| a.tag()).map(owned),
            to_tag: to.and_then(|a| a.tag()).map(owned),
            from_uri: from.map(|a| owned(a.uri_text)),
            to_uri: to.map(|a| owned(a.uri_text)),
            branch: via.and_then(|v| v.branch()).map(owned),
            top_via: via.map(|v| owned(v.text)).unwrap_or_default(),
            ruri: msg.request_line().map(|r| owned(r.uri)),
            start_line: owned(crate::span::Text::new(msg.input(), msg.start_line_span())),
            max_forwards: views.max_forwards(),
            expires: views.seconds(HeaderName::Expires),
            contact_expires,
            has_credentials,
            stale,
            retry_after: views.retry_after().and_then(|r| r.seconds),
            rseq: msg.header_value(HeaderName::RSeq).map(|v| owned(v.trim())),
            precondition: has_token(msg, HeaderName::Require, "precondition")
                || has_token(msg, HeaderName::Supported, "precondition"),
            sdp,
            warnings: views
                .warnings()
                .map(|w| format!("{} {}", owned(w.code_text), owned(w.text)))
                .collect(),
            icid: views
                .charging_vector()
                .and_then(|c| c.icid_value)
                .map(|v| owned(v).trim_matches('"').to_owned()),
            session_id,
        }
    }

    /// The transaction method: an ACK joins its INVITE's transaction.
    fn tx_method(&self) -> &str {
        &self.method
    }

    pub fn is_final(&self) -> bool {
        self.code.is_some_and(|c| c >= 200)
    }
}

/// One transaction.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Transaction {
    /// Position in `Trace::transactions`.
    pub id: usize,
    /// The method (CSeq method; INVITE for an ACK to a non-2xx final).
    pub method: String,
    /// CSeq number.
    pub cseq: Option<u32>,
    /// Call-ID.
    pub call_id: String,
    /// Top-Via branch.
    pub branch: Option<String>,
    /// True when matched by the RFC 2543 fallback (no `z9hG4bK` branch).
    pub rfc2543: bool,
    /// Request messages (first one, then retransmissions).
    pub requests: Vec<usize>,
    /// Response messages, in order.
    pub responses: Vec<usize>,
    /// The ACK to a non-2xx final response, when seen.
    pub ack: Option<usize>,
    /// The first final status code.
    pub final_code: Option<u16>,
    /// Milliseconds from the request to the first response.
    pub first_response_ms: Option<f64>,
    /// Milliseconds from the request to the first final response.
    pub response_time_ms: Option<f64>,
    /// The dialog the transaction belongs to.
    pub dialog_id: Option<usize>,
}

/// One dialog or early dialog.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Dialog {
    /// Position in `Trace::dialogs`.
    pub id: usize,
    /// The method that created it (INVITE, SUBSCRIBE, REFER, NOTIFY).
    pub kind: String,
    /// Call-ID.
    pub call_id: String,
    /// The tag of the side that sent the creating request.
    pub local_tag: Option<String>,
    /// The tag of the other side (absent until a response carries one).
    pub remote_tag: Option<String>,
    /// From URI of the creating request.
    pub caller: Option<String>,
    /// To URI of the creating request.
    pub callee: Option<String>,
    /// `setup`, `early`, `confirmed`, `cancelled`, `rejected` or `terminated`.
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(
            type = r#""setup" | "early" | "confirmed" | "cancelled" | "rejected" | "terminated""#
        )
    )]
    pub state: &'static str,
    /// The final status code that rejected (or answered) the creating request.
    pub final_code: Option<u16>,
    /// Messages, in order.
    pub messages: Vec<usize>,
    /// Transactions, in order.
    pub transactions: Vec<usize>,
    /// Post-dial delay: creating request → first 18x, milliseconds.
    pub post_dial_delay_ms: Option<f64>,
    /// Setup time: creating request → first 2xx, milliseconds.
    pub setup_time_ms: Option<f64>,
    /// Confirmed → BYE, milliseconds.
    pub duration_ms: Option<f64>,
    /// The call ([`crate::trace::Trace::calls`] index): INVITE dialogs and the
    /// dialogs sharing a call's Call-IDs; `None` for a subscription or
    /// refer outside any call (see [`Call`]).
    pub call: Option<usize>,
    /// User part of the caller's From URI (the number of a tel: URI).
    pub from_user: Option<String>,
    /// User part of the callee's To URI.
    pub to_user: Option<String>,
    /// Reason phrase of `final_code`, as written.
    pub final_reason: Option<String>,
    /// The Reason header (RFC 3326) of what ended the dialog: the first
    /// CANCEL, BYE or final non-2xx response to the creating request that
    /// carries one (`reasonMessage`), every value in order.
    pub reasons: Vec<super::model::ReasonSummary>,
    /// The message whose Reason header `reasons` lists.
    pub reason_message: Option<usize>,
    /// Time of the first message (seconds, as `TraceMessage::time`).
    pub start_time: Option<f64>,
    /// Timestamp of the first message (as `TraceMessage::timestamp`).
    pub start_timestamp: Option<String>,
    /// Time of the last message.
    pub end_time: Option<f64>,
    /// The participants its messages went between
    /// ([`crate::trace::Trace::participants`] indices), in order of appearance.
    pub participants: Vec<usize>,
}

/// A call: an INVITE session, with every leg of it the trace shows.
///
/// Definition (kept by every count: the CLI summary, the page, the JSON):
/// the Call-IDs that carry an INVITE (its dialog set: the INVITE's dialog
/// and every early dialog forked from it, RFC 3261 §12, §13.2.2.4) are
/// grouped with the Call-IDs linked to them by a shared
/// `P-Charging-Vector` icid-value (RFC 7315 §4.6) or `Session-ID`
/// (RFC 7989 §5) — the other legs a B2BUA, MGCF or IMS AS creates. A group that holds
/// no INVITE is not a call: REGISTER, SUBSCRIBE/NOTIFY, OPTIONS, MESSAGE
/// and PUBLISH exchanges stay transactions and dialogs only.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Call {
    /// Position in `Trace::calls`.
    pub id: usize,
    /// The Call-IDs.
    pub call_ids: Vec<String>,
    /// `P-Charging-Vector` icid-values seen.
    pub icids: Vec<String>,
    /// `Session-ID` values seen.
    pub session_ids: Vec<String>,
    /// Dialogs.
    pub dialogs: Vec<usize>,
    /// Messages, in order.
    pub messages: Vec<usize>,
}

pub(crate) struct Correlation {
    pub transactions: Vec<Transaction>,
    pub dialogs: Vec<Dialog>,
    pub calls: Vec<Call>,
    pub msg_tx: Vec<usize>,
    pub retrans: Vec<bool>,
    /// Messages of each Call-ID, in order.
    pub by_call_id: HashMap<String, Vec<usize>>,
}

#[derive(Hash, PartialEq, Eq, Clone)]
enum TxKey {
    Rfc3261(String, String),
    Rfc2543(String, Option<u32>, String, Option<String>, String),
}

fn ms(raws: &[MessageSummary], a: usize, b: usize) -> Option<f64> {
    Some(((raws[b].time? - raws[a].time?) * 1000.0 * 1000.0).round() / 1000.0)
}

fn same_path(a: &MessageSummary, b: &MessageSummary) -> bool {
    match (&a.src, &a.dst, &b.src, &b.dst) {
        (Some(s1), Some(d1), Some(s2), Some(d2)) => s1 == s2 && d1 == d2,
        _ => true,
    }
}

fn dialog_forming(m: &str) -> bool {
    matches!(m, "INVITE" | "SUBSCRIBE" | "REFER" | "NOTIFY")
}

/// Correlation one message at a time: every per-message result (its
/// transaction, dialog and retransmission flag) depends only on the
/// messages before it, so a streaming reader can write each message as
/// soon as it is pushed. Calls are grouped at [`Correlator::finish`].
#[derive(Default)]
pub(crate) struct Correlator {
    txs: Vec<Transaction>,
    tx_index: HashMap<TxKey, usize>,
    msg_tx: Vec<usize>,
    retrans: Vec<bool>,
    by_call_id: HashMap<String, Vec<usize>>,
    dialogs: Vec<Dialog>,
    msg_dialog: Vec<Option<usize>>,
    by_tags: HashMap<(String, String, String), usize>,
    /// Call-ID + From tag of a creating request → its first dialog.
    pending: HashMap<(String, String), usize>,
    dialog_start: Vec<Option<usize>>,
    confirmed_at: Vec<Option<usize>>,
    cancelled: Vec<bool>,
}

impl Correlator {
    /// Adds the last message of `infos` (`raws` has the same length) and
    /// returns its transaction, dialog and retransmission flag.
    pub fn push(
        &mut self,
        raws: &[MessageSummary],
        infos: &[Info],
    ) -> (usize, Option<usize>, bool) {
        let i = infos.len() - 1;
        self.push_tx(raws, infos, i);
        self.push_dialog(raws, infos, i);
        (self.msg_tx[i], self.msg_dialog[i], self.retrans[i])
    }

    fn push_tx(&mut self, raws: &[MessageSummary], infos: &[Info], i: usize) {
        let m = &infos[i];
        let Correlator {
            txs,
            tx_index,
            msg_tx,
            retrans,
            by_call_id,
            ..
        } = self;
        msg_tx.push(0);
        retrans.push(false);
        match by_call_id.get_mut(&m.call_id) {
            Some(v) => v.push(i),
            None => {
                by_call_id.insert(m.call_id.clone(), vec![i]);
            }
        }
        let rfc3261 = m.branch.as_deref().filter(|b| b.starts_with("z9hG4bK"));
        let key_for = |method: &str| match rfc3261 {
            Some(b) => TxKey::Rfc3261(b.to_owned(), method.to_owned()),
            None => TxKey::Rfc2543(
                m.call_id.clone(),
                m.cseq,
                method.to_owned(),
                m.from_tag.clone(),
                m.top_via.clone(),
            ),
        };
        let mut key = key_for(m.tx_method());
        if m.method == "ACK" {
            let inv = key_for("INVITE");
            // An ACK joins the INVITE transaction only if it ended non-2xx.
            if let Some(&t) = tx_index.get(&inv) {
                if txs[t].final_code.is_some_and(|c| c >= 300) {
                    key = inv;
                }
            }
        }
        let t = *tx_index.entry(key).or_insert_with(|| {
            txs.push(Transaction {
                id: txs.len(),
                method: m.method.clone(),
                cseq: m.cseq,
                call_id: m.call_id.clone(),
                branch: m.branch.clone(),
                rfc2543: rfc3261.is_none(),
                requests: Vec::new(),
                responses: Vec::new(),
                ack: None,
                final_code: None,
                first_response_ms: None,
                response_time_ms: None,
                dialog_id: None,
            });
            txs.len() - 1
        });
        msg_tx[i] = t;
        let tx = &mut txs[t];
        if m.is_request {
            if m.method == "ACK" && tx.method == "INVITE" {
                if let Some(a) = tx.ack {
                    retrans[i] = same_path(&raws[a], &raws[i]);
                } else {
                    tx.ack = Some(i);
                }
                return;
            }
            retrans[i] = tx
                .requests
                .iter()
                .any(|&r| infos[r].start_line == m.start_line && same_path(&raws[r], &raws[i]));
            tx.requests.push(i);
        } else {
            retrans[i] = tx.responses.iter().any(|&r| {
                let o = &infos[r];
                o.code == m.code
                    && o.to_tag == m.to_tag
                    && o.rseq == m.rseq
                    && same_path(&raws[r], &raws[i])
            });
            let first_req = tx.requests.first().copied();
            if tx.responses.is_empty() {
                tx.first_response_ms = first_req.and_then(|r| ms(raws, r, i));
            }
            if m.is_final() && tx.final_code.is_none() {
                tx.final_code = m.code;
                tx.response_time_ms = first_req.and_then(|r| ms(raws, r, i));
            }
            tx.responses.push(i);
        }
    }

    fn push_dialog(&mut self, raws: &[MessageSummary], infos: &[Info], i: usize) {
        let m = &infos[i];
        let Correlator {
            txs,
            msg_tx,
            retrans,
            dialogs,
            msg_dialog,
            by_tags,
            pending,
            dialog_start,
            confirmed_at,
            cancelled,
            ..
        } = self;
        msg_dialog.push(None);
        let from = m.from_tag.clone().unwrap_or_default();
        let lookup = m.to_tag.as_ref().and_then(|to| {
            by_tags
                .get(&(m.call_id.clone(), from.clone(), to.clone()))
                .or_else(|| by_tags.get(&(m.call_id.clone(), to.clone(), from.clone())))
                .copied()
        });
        let pend = pending.get(&(m.call_id.clone(), from.clone())).copied();
        let d = match (lookup, &m.to_tag, pend) {
            (Some(d), _, _) => Some(d),
            (None, None, Some(p)) => Some(p),
            (None, Some(to), Some(p)) if dialog_forming(&dialogs[p].kind) => {
                if dialogs[p].remote_tag.is_none() {
                    dialogs[p].remote_tag = Some(to.clone());
                    by_tags.insert((m.call_id.clone(), from.clone(), to.clone()), p);
                    Some(p)
                } else {
                    // Another To tag: a forked early dialog.
                    let mut fork = dialogs[p].clone();
                    fork.id = dialogs.len();
                    fork.remote_tag = Some(to.clone());
                    fork.messages = dialogs[p].messages.iter().take(1).copied().collect();
                    fork.transactions = dialogs[p].transactions.iter().take(1).copied().collect();
                    fork.state = "setup";
                    fork.final_code = None;
                    fork.post_dial_delay_ms = None;
                    fork.setup_time_ms = None;
                    dialog_start.push(dialog_start[p]);
                    confirmed_at.push(None);
                    cancelled.push(cancelled[p]);
                    by_tags.insert((m.call_id.clone(), from.clone(), to.clone()), fork.id);
                    dialogs.push(fork);
                    Some(dialogs.len() - 1)
                }
            }
            _ if m.is_request && dialog_forming(&m.method) => {
                let id = dialogs.len();
                dialogs.push(Dialog {
                    id,
                    kind: m.method.clone(),
                    call_id: m.call_id.clone(),
                    local_tag: m.from_tag.clone(),
                    remote_tag: m.to_tag.clone(),
                    caller: m.from_uri.clone(),
                    callee: m.to_uri.clone(),
                    state: if m.to_tag.is_some() {
                        "confirmed"
                    } else {
                        "setup"
                    },
                    final_code: None,
                    messages: Vec::new(),
                    transactions: Vec::new(),
                    post_dial_delay_ms: None,
                    setup_time_ms: None,
                    duration_ms: None,
                    call: None,
                    from_user: m.from_user.clone(),
                    to_user: m.to_user.clone(),
                    final_reason: None,
                    reasons: Vec::new(),
                    reason_message: None,
                    start_time: None,
                    start_timestamp: None,
                    end_time: None,
                    participants: Vec::new(),
                });
                dialog_start.push((m.to_tag.is_none()).then_some(i));
                confirmed_at.push(None);
                cancelled.push(false);
                match &m.to_tag {
                    None => {
                        pending.insert((m.call_id.clone(), from.clone()), id);
                    }
                    Some(to) => {
                        by_tags.insert((m.call_id.clone(), from.clone(), to.clone()), id);
                    }
                }
                Some(id)
            }
            _ => None,
        };
        let Some(d) = d else { return };
        msg_dialog[i] = Some(d);
        let t = msg_tx[i];
        if txs[t].dialog_id.is_none() {
            txs[t].dialog_id = Some(d);
        }
        let dl = &mut dialogs[d];
        dl.messages.push(i);
        if !dl.transactions.contains(&t) {
            dl.transactions.push(t);
        }
        if retrans[i] {
            return;
        }
        // State machine (RFC 3261 §12, §13, §15).
        let start = dialog_start[d];
        let creating = start.is_some_and(|s| msg_tx[s] == t);
        if m.is_request {
            match m.method.as_str() {
                "CANCEL" => cancelled[d] = true,
                "BYE" => {
                    if dl.state != "terminated" {
                        dl.duration_ms = confirmed_at[d].and_then(|c| ms(raws, c, i));
                    }
                    dl.state = "terminated";
                }
                "NOTIFY" if dl.kind == "SUBSCRIBE" => {}
                _ => {}
            }
        } else if let Some(code) = m.code {
            if creating {
                let s = start.unwrap_or(i);
                if (101..200).contains(&code) && dl.state == "setup" {
                    dl.state = "early";
                }
                if (180..190).contains(&code) && dl.post_dial_delay_ms.is_none() {
                    dl.post_dial_delay_ms = ms(raws, s, i);
                }
                if (200..300).contains(&code) && dl.final_code.is_none() {
                    dl.final_code = Some(code);
                    dl.setup_time_ms = ms(raws, s, i);
                    confirmed_at[d] = Some(i);
                    if dl.state != "terminated" {
                        dl.state = "confirmed";
                    }
                } else if code >= 300 && dl.final_code.is_none() {
                    dl.final_code = Some(code);
                    dl.state = if code == 487 && cancelled[d] {
                        "cancelled"
                    } else {
                        "rejected"
                    };
                }
            } else if m.method == "BYE" && (200..300).contains(&code) {
                dl.state = "terminated";
            }
        }
    }
    /// Groups calls and hands over the tables.
    pub fn finish(self, infos: &[Info]) -> Correlation {
        let Correlator {
            txs,
            msg_tx,
            retrans,
            by_call_id,
            mut dialogs,
            ..
        } = self;
        // Calls: union of Call-IDs linked by icid-value or Session-ID.
        let mut call_ids: Vec<String> = Vec::new();
        let mut cid_index: HashMap<String, usize> = HashMap::new();
        for m in infos {
            if !cid_index.contains_key(&m.call_id) {
                cid_index.insert(m.call_id.clone(), call_ids.len());
                call_ids.push(m.call_id.clone());
            }
        }
        let mut parent: Vec<usize> = (0..call_ids.len()).collect();
        fn find(p: &mut [usize], x: usize) -> usize {
            let mut r = x;
            while p[r] != r {
                r = p[r];
            }
            let mut y = x;
            while p[y] != r {
                let next = p[y];
                p[y] = r;
                y = next;
            }
            r
        }
        let mut link: HashMap<String, usize> = HashMap::new();
        for m in infos {
            let c = cid_index[&m.call_id];
            for k in [
                m.icid.as_ref().map(|v| format!("icid:{v}")),
                m.session_id.as_ref().map(|v| format!("sid:{v}")),
            ]
            .into_iter()
            .flatten()
            {
                let other = *link.entry(k).or_insert(c);
                let (a, b) = (find(&mut parent, c), find(&mut parent, other));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
        let mut calls: Vec<Call> = Vec::new();
        let mut root_call: HashMap<usize, usize> = HashMap::new();
        let mut call_of_cid = vec![0; call_ids.len()];
        for c in 0..call_ids.len() {
            let r = find(&mut parent, c);
            let id = *root_call.entry(r).or_insert_with(|| {
                calls.push(Call {
                    id: calls.len(),
                    call_ids: Vec::new(),
                    icids: Vec::new(),
                    session_ids: Vec::new(),
                    dialogs: Vec::new(),
                    messages: Vec::new(),
                });
                calls.len() - 1
            });
            calls[id].call_ids.push(call_ids[c].clone());
            call_of_cid[c] = id;
        }
        for (i, m) in infos.iter().enumerate() {
            let call = &mut calls[call_of_cid[cid_index[&m.call_id]]];
            call.messages.push(i);
            if let Some(v) = &m.icid {
                if !call.icids.contains(v) {
                    call.icids.push(v.clone());
                }
            }
            if let Some(v) = &m.session_id {
                if !call.session_ids.contains(v) {
                    call.session_ids.push(v.clone());
                }
            }
        }
        for d in &mut dialogs {
            let c = call_of_cid[cid_index[&d.call_id]];
            d.call = Some(c);
            calls[c].dialogs.push(d.id);
        }
        // Only groups with an INVITE are calls; renumber the rest away.
        let is_call: Vec<bool> = calls
            .iter()
            .map(|c| c.messages.iter().any(|&i| infos[i].method == "INVITE"))
            .collect();
        let mut new_id = vec![None; calls.len()];
        let mut kept = Vec::new();
        for (c, keep) in calls.into_iter().zip(&is_call) {
            if *keep {
                new_id[c.id] = Some(kept.len());
                let mut c = c;
                c.id = kept.len();
                kept.push(c);
            }
        }
        let calls = kept;
        for d in &mut dialogs {
            d.call = d.call.and_then(|c| new_id[c]);
        }
        Correlation {
            transactions: txs,
            dialogs,
            calls,
            msg_tx,
            retrans,
            by_call_id,
        }
    }
}

/// Fills in what a dialog list shows (times, participants, the final
/// reason phrase and the Reason header) once every message is known.
pub(crate) fn describe_dialogs(cor: &mut Correlation, raws: &[MessageSummary], infos: &[Info]) {
    for d in &mut cor.dialogs {
        let Some(&first) = d.messages.first() else {
            continue;
        };
        d.start_time = raws[first].time;
        d.start_timestamp = raws[first].timestamp.clone();
        d.end_time = d.messages.iter().rev().find_map(|&i| raws[i].time);
        for &i in &d.messages {
            for p in [raws[i].from, raws[i].to] {
                if !d.participants.contains(&p) {
                    d.participants.push(p);
                }
            }
        }
        let creating = d.transactions.first().copied();
        if let Some(code) = d.final_code {
            d.final_reason = d
                .messages
                .iter()
                .find(|&&i| infos[i].code == Some(code) && Some(cor.msg_tx[i]) == creating)
                .and_then(|&i| raws[i].reason_phrase.clone());
        }
        let ender = d.messages.iter().copied().find(|&i| {
            let m = &infos[i];
            !m.reasons.is_empty()
                && ((m.is_request && matches!(m.method.as_str(), "BYE" | "CANCEL"))
                    || (!m.is_request
                        && m.code.is_some_and(|c| c >= 300)
                        && Some(cor.msg_tx[i]) == creating))
        });
        if let Some(i) = ender {
            d.reasons = infos[i].reasons.clone();
            d.reason_message = Some(i);
        }
    }
}
