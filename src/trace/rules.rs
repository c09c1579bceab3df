//! Flow rules (`SL40x`): each looks at a response together with its
//! request, its transaction and what came before and after it. The rule
//! rows in [`crate::finding`] say what each checks and cite the spec.

use super::correlate::{Correlation, Info};
use super::model::{FlowFinding, MessageSummary};
use crate::finding::Rule;

/// Seconds after a 2xx without ACK before the ACK counts as missing even
/// without other evidence: 64*T1, when the UAS gives up retransmitting
/// (RFC 3261 §13.3.1.4, §17.1.1.1 T1 = 500 ms).
const ACK_WAIT_S: f64 = 32.0;

pub(crate) fn run(raws: &[MessageSummary], infos: &[Info], cor: &Correlation) -> Vec<FlowFinding> {
    let mut out = Vec::new();
    let mut first_copy = std::collections::HashMap::new();
    for (i, m) in infos.iter().enumerate() {
        first_copy.entry(copy_key(m)).or_insert(i);
    }
    let cx = Cx {
        raws,
        infos,
        cor,
        first_copy,
    };
    media_rejected(&cx, &mut out);
    precondition_failure(&cx, &mut out);
    session_progress_only(&cx, &mut out);
    challenges(&cx, &mut out);
    missing_ack(&cx, &mut out);
    cancel_race(&cx, &mut out);
    final_retransmitted(&cx, &mut out);
    early_retry(&cx, &mut out);
    early_reregister(&cx, &mut out);
    loops(&cx, &mut out);
    out.sort_by_key(|f| (f.messages.first().copied(), f.id));
    out
}

struct Cx<'a> {
    raws: &'a [MessageSummary],
    infos: &'a [Info],
    cor: &'a Correlation,
    /// The first message of each (request?, Call-ID, CSeq, method, code,
    /// To tag of a response): what [`Cx::hop_copy`] compares with.
    first_copy: std::collections::HashMap<CopyKey<'a>, usize>,
}

type CopyKey<'a> = (
    bool,
    &'a str,
    Option<u32>,
    &'a str,
    Option<u16>,
    Option<&'a str>,
);

fn copy_key(m: &Info) -> CopyKey<'_> {
    (
        m.is_request,
        m.call_id.as_str(),
        m.cseq,
        m.method.as_str(),
        m.code,
        if m.is_request {
            None
        } else {
            m.to_tag.as_deref()
        },
    )
}

impl Cx<'_> {
    fn time(&self, i: usize) -> Option<f64> {
        self.raws[i].time
    }

    fn label(&self, i: usize) -> String {
        let m = &self.infos[i];
        match m.code {
            Some(c) => format!("#{} {c} ({})", i + 1, m.method),
            None => format!("#{} {}", i + 1, m.method),
        }
    }

    /// True when message `i` is another hop's copy of an earlier message:
    /// the same request or response (Call-ID, CSeq, method, code, To tag)
    /// seen on another transaction (a proxy forwards a request on a new
    /// branch, RFC 3261 §16.6, and each response back hop by hop, §16.7).
    /// Rules report a multi-hop exchange once, at its first copy.
    fn hop_copy(&self, i: usize) -> bool {
        let first = self.first_copy[&copy_key(&self.infos[i])];
        first < i && self.cor.msg_tx[first] != self.cor.msg_tx[i]
    }

    /// The first request of message `i`'s transaction.
    fn request_of(&self, i: usize) -> Option<usize> {
        self.cor.transactions[self.cor.msg_tx[i]]
            .requests
            .first()
            .copied()
    }

    /// Original (non-retransmitted) messages of `call_id` after `i`.
    fn later_in_call(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.cor.by_call_id[&self.infos[i].call_id]
            .iter()
            .copied()
            .filter(move |&j| j > i && !self.cor.retrans[j])
    }
}

fn secs(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(b? - a?)
}

/// SL401: 488/606 — offered codecs against the answer or Warning.
fn media_rejected(cx: &Cx<'_>, out: &mut Vec<FlowFinding>) {
    for (i, m) in cx.infos.iter().enumerate() {
        if !matches!(m.code, Some(488 | 606)) || cx.cor.retrans[i] || cx.hop_copy(i) {
            continue;
        }
        let Some(r) = cx.request_of(i) else { continue };
        let Some(offer) = &cx.infos[r].sdp else {
            continue;
        };
        let offered = offer.codecs();
        let mut text = format!(
            "{} {} rejected the offer of {} ({}).",
            m.code.unwrap_or(0),
            m.method,
            cx.label(r),
            offer.describe()
        );
        if offer.media.iter().all(|x| x.2) {
            text.push_str(" Every offered stream has port 0, so nothing was offered at all.");
        }
        match &m.sdp {
            Some(ans) => {
                let acc = ans.codecs();
                let common: Vec<&String> = offered
                    .iter()
                    .filter(|c| acc.iter().any(|a| a.eq_ignore_ascii_case(c)))
                    .collect();
                text.push_str(&format!(
                    " The response lists what it supports: {}; in common with the offer: {}.",
                    ans.describe(),
                    if common.is_empty() {
                        "none".to_owned()
                    } else {
                        common
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ));
            }
            None => text.push_str(" The response carries no SDP listing what it supports."),
        }
        if m.warnings.is_empty() {
            text.push_str(" No Warning header says which media or codec failed.");
        } else {
            text.push_str(&format!(" Warning: {}.", m.warnings.join("; ")));
        }
        out.push(FlowFinding::new(Rule::FlowMediaRejected, text, vec![r, i]));
    }
}

/// The PRACK/UPDATE trail of an INVITE transaction's dialog, for SL402/SL403.
fn precondition_trail(cx: &Cx<'_>, req: usize, end: usize) -> (String, Vec<usize>) {
    let mut steps = Vec::new();
    let mut idx = vec![req];
    let inv = &cx.infos[req];
    steps.push(format!(
        "INVITE{}{}",
        if inv.precondition {
            " with precondition"
        } else {
            ""
        },
        inv.sdp
            .as_ref()
            .filter(|s| !s.preconditions.is_empty())
            .map(|s| format!(" ({})", s.preconditions.join(" ")))
            .unwrap_or_default()
    ));
    for j in cx.later_in_call(req) {
        if j > end {
            break;
        }
        let m = &cx.infos[j];
        let relevant = matches!(m.method.as_str(), "PRACK" | "UPDATE")
            || (m.method == "INVITE" && m.code.is_some_and(|c| c > 100));
        // Another hop's copy of a step already listed adds nothing.
        if !relevant || cx.hop_copy(j) {
            continue;
        }
        idx.push(j);
        let pre = m
            .sdp
            .as_ref()
            .filter(|s| !s.preconditions.is_empty())
            .map(|s| format!(" ({})", s.preconditions.join(" ")))
            .unwrap_or_default();
        steps.push(match m.code {
            Some(c) => format!("{c} to {}{pre}", m.method),
            None => format!("{}{pre}", m.method),
        });
    }
    (steps.join(" → "), idx)
}

/// SL402: 580 Precondition Failure, with the precondition state.
fn precondition_failure(cx: &Cx<'_>, out: &mut Vec<FlowFinding>) {
    for (i, m) in cx.infos.iter().enumerate() {
        if m.code != Some(580) || cx.cor.retrans[i] || cx.hop_copy(i) {
            continue;
        }
        let Some(r) = cx.request_of(i) else { continue };
        let (trail, mut idx) = precondition_trail(cx, r, i);
        let saw_update = idx.iter().any(|&j| cx.infos[j].method == "UPDATE");
        let mut text = format!(
            "{} failed on its preconditions. Trail: {trail}.",
            cx.label(r)
        );
        if !saw_update {
            text.push_str(
                " No UPDATE reported the local resources as reserved (a=curr … sendrecv): the QoS bearer was probably never set up.",
            );
        }
        idx.retain(|&j| j != i);
        idx.push(i);
        out.push(FlowFinding::new(Rule::FlowPreconditionFailure, text, idx));
    }
}

/// SL403: an INVITE answered with 183 but never 180 nor 2xx.
fn session_progress_only(cx: &Cx<'_>, out: &mut Vec<FlowFinding>) {
    for tx in &cx.cor.transactions {
        if tx.method != "INVITE" {
            continue;
        }
        let codes: Vec<u16> = tx
            .responses
            .iter()
            .filter_map(|&r| cx.infos[r].code)
            .collect();
        let Some(&first183) = tx
            .responses
            .iter()
            .find(|&&r| cx.infos[r].code == Some(183))
        else {
            continue;
        };
        if codes.iter().any(|&c| c == 180 || (200..300).contains(&c)) {
            continue;
        }
        let Some(&req) = tx.requests.first() else {
            continue;
        };
        if cx.hop_copy(req) {
            continue;
        }
        let end = tx
            .responses
            .iter()
            .copied()
            .find(|&r| cx.infos[r].is_final());
        let (trail, mut idx) = precondition_trail(cx, req, end.unwrap_or(usize::MAX));
        let outcome = match end {
            Some(e) => format!("ended with {}", cx.label(e)),
            None => "no final response was seen".to_owned(),
        };
        let text = format!(
            "{} got 183 Session Progress ({}) but never 180 Ringing nor 200 OK; {outcome}. Trail: {trail}.",
            cx.label(req),
            cx.label(first183)
        );
        if let Some(e) = end {
            idx.retain(|&j| j != e);
            idx.push(e);
        }
        out.push(FlowFinding::new(Rule::FlowSessionProgressOnly, text, idx));
    }
}

/// SL404 (REGISTER → 401 → REGISTER → 200) and SL405 (challenged again
/// after sending credentials, nonce not stale). An attempt is one CSeq
/// number of a (Call-ID, method): the copies of it that proxies forward
/// hop by hop (one transaction per hop) are one attempt, so a challenge
/// relayed through a P-CSCF and an I-CSCF counts once.
fn challenges(cx: &Cx<'_>, out: &mut Vec<FlowFinding>) {
    use std::collections::HashMap;
    struct Attempt {
        req: usize,
        creds: bool,
        fin: Option<usize>,
    }
    /// (Call-ID, method) → attempts, one per CSeq number.
    type Chains<'a> = HashMap<(&'a str, &'a str), Vec<(Option<u32>, Attempt)>>;
    let mut chains: Chains<'_> = HashMap::new();
    let mut order = Vec::new();
    for tx in &cx.cor.transactions {
        if tx.requests.is_empty() || tx.method == "ACK" || tx.method == "CANCEL" {
            continue;
        }
        let k = (tx.call_id.as_str(), tx.method.as_str());
        if !chains.contains_key(&k) {
            order.push(k);
        }
        let fin = tx
            .responses
            .iter()
            .copied()
            .find(|&r| cx.infos[r].is_final());
        let chain = chains.entry(k).or_default();
        match chain.iter_mut().find(|(c, _)| *c == tx.cseq) {
            Some((_, a)) => {
                if a.fin.is_none() {
                    a.fin = fin;
                }
            }
            None => {
                let req = tx.requests[0];
                chain.push((
                    tx.cseq,
                    Attempt {
                        req,
                        creds: cx.infos[req].has_credentials,
                        fin,
                    },
                ));
            }
        }
    }
    let code = |a: &Attempt| a.fin.and_then(|f| cx.infos[f].code);
    let challenged = |c: Option<u16>| matches!(c, Some(401 | 407));
    for k in order {
        let chain = &chains[&k];
        let mut loop_run: Vec<usize> = Vec::new();
        for w in chain.windows(2) {
            let (a, b) = (&w[0].1, &w[1].1);
            if !challenged(code(a)) {
                continue;
            }
            if k.1 == "REGISTER" && b.creds && matches!(code(b), Some(200..=299)) {
                let mut idx = vec![a.req];
                idx.extend(a.fin);
                idx.push(b.req);
                idx.extend(b.fin);
                out.push(FlowFinding::new(
                    Rule::FlowRegistrationChallenge,
                    format!(
                        "Normal challenged registration: {} → {} → {} with credentials → {}.",
                        cx.label(a.req),
                        a.fin.map(|c| cx.label(c)).unwrap_or_default(),
                        cx.label(b.req),
                        b.fin.map(|c| cx.label(c)).unwrap_or_default()
                    ),
                    idx,
                ));
            }
            if challenged(code(b)) && b.creds {
                if b.fin.is_some_and(|c| cx.infos[c].stale) {
                    continue;
                }
                if loop_run.is_empty() {
                    loop_run.push(a.req);
                    loop_run.extend(a.fin);
                }
                loop_run.push(b.req);
                loop_run.extend(b.fin);
            }
        }
        if !loop_run.is_empty() {
            let codes: Vec<String> = loop_run
                .iter()
                .filter_map(|&j| cx.infos[j].code.map(|c| c.to_string()))
                .collect();
            out.push(FlowFinding::new(
                Rule::FlowAuthLoop,
                format!(
                    "{} on Call-ID {} is challenged again after sending credentials ({}), and the new challenge is not `stale=true`: the credentials are rejected (wrong password or key, wrong realm/username, or an AKA resync that never completes).",
                    k.1,
                    k.0,
                    codes.join(" → ")
                ),
                loop_run,
            ));
        }
    }
}

/// SL406: a 2xx to INVITE never acknowledged.
fn missing_ack(cx: &Cx<'_>, out: &mut Vec<FlowFinding>) {
    let last_time = cx
        .raws
        .iter()
        .filter_map(|r| r.time)
        .fold(None, |a: Option<f64>, t| Some(a.map_or(t, |a| a.max(t))));
    for tx in &cx.cor.transactions {
        if tx.method != "INVITE" || tx.requests.first().is_some_and(|&r| cx.hop_copy(r)) {
            continue;
        }
        let oks: Vec<usize> = tx
            .responses
            .iter()
            .copied()
            .filter(|&r| cx.infos[r].code.is_some_and(|c| (200..300).contains(&c)))
            .collect();
        let Some(&ok) = oks.first() else { continue };
        let acked = cx.cor.by_call_id[&tx.call_id].iter().any(|&j| {
            j > ok
                && cx.infos[j].method == "ACK"
                && cx.infos[j].is_request
                && cx.infos[j].cseq == tx.cseq
        });
        if acked {
            continue;
        }
        let retransmitted = oks.len() > 1;
        // What shows the dialog went on: a later request other than another
        // hop's copy of this INVITE (or its ACK).
        let later = cx.later_in_call(ok).find(|&j| {
            let o = &cx.infos[j];
            o.is_request && !(o.cseq == tx.cseq && matches!(o.method.as_str(), "INVITE" | "ACK"))
        });
        let waited = secs(cx.time(ok), last_time).is_some_and(|s| s >= ACK_WAIT_S);
        if !(retransmitted || later.is_some() || waited) {
            continue;
        }
        let why = if retransmitted {
            format!("the 2xx was sent {} times", oks.len())
        } else if let Some(l) = later {
            format!("the dialog goes on ({}) without it", cx.label(l))
        } else {
            format!("the trace goes on for at least {ACK_WAIT_S} s (64*T1)")
        };
        let mut idx = tx.requests.iter().take(1).copied().collect::<Vec<_>>();
        idx.extend(oks.iter().copied());
        out.push(FlowFinding::new(
            Rule::FlowMissingAck,
            format!(
                "No ACK for {} (CSeq {}) was seen; {why}. The UAS tears the call down after 64*T1 (typically a BYE about 32 s after answer): look for NAT/Record-Route problems on the ACK path or a Contact the caller cannot reach.",
                cx.label(ok),
                tx.cseq.map_or("?".into(), |c| c.to_string())
            ),
            idx,
        ));
    }
}

/// SL407: CANCEL crossed by a 2xx to the INVITE.
fn cancel_race(cx: &Cx<'_>, out: &mut Vec<FlowFinding>) {
    for tx in &cx.cor.transactions {
        if tx.method != "CANCEL" {
            continue;
        }
        let Some(&cancel) = tx.requests.first() else {
            continue;
        };
        if cx.hop_copy(cancel) {
            continue;
        }
        let c = &cx.infos[cancel];
        // The INVITE transaction: same branch (RFC 3261 §9.1), else same Call-ID/CSeq.
        let inv = cx.cor.transactions.iter().find(|t| {
            t.method == "INVITE"
                && t.call_id == tx.call_id
                && t.cseq == c.cseq
                && (t.branch == tx.branch || tx.rfc2543)
        });
        let Some(inv) = inv else { continue };
        let Some(&ok) = inv.responses.iter().find(|&&r| {
            cx.infos[r].code.is_some_and(|x| (200..300).contains(&x)) && !cx.cor.retrans[r]
        }) else {
            continue;
        };
        let mut idx = vec![inv.requests.first().copied().unwrap_or(cancel), cancel, ok];
        idx.sort_unstable();
        out.push(FlowFinding::new(
            Rule::FlowCancelRace,
            format!(
                "{} crossed {}: the callee answered while the caller was cancelling. The CANCEL has no effect; the caller must ACK the 200 and send BYE (RFC 3261 §9.1, §15).",
                cx.label(cancel),
                cx.label(ok)
            ),
            idx,
        ));
    }
}

/// SL408: retransmissions of an INVITE final response (lost ACK).
fn final_retransmitted(cx: &Cx<'_>, out: &mut Vec<FlowFinding>) {
    for tx in &cx.cor.transactions {
        if tx.method != "INVITE" {
            continue;
        }
        let finals: Vec<usize> = tx
            .responses
            .iter()
            .copied()
            .filter(|&r| cx.infos[r].is_final())
            .collect();
        let Some(&first) = finals.first() else {
            continue;
        };
        let again: Vec<usize> = finals
            .iter()
            .copied()
            .filter(|&r| cx.cor.retrans[r])
            .collect();
        if again.is_empty() {
            continue;
        }
        let span = secs(cx.time(first), again.last().and_then(|&l| cx.time(l)))
            .map(|s| format!(" over {s:.1} s"))
            .unwrap_or_default();
        let mut idx = vec![first];
        idx.extend(&again);
        out.push(FlowFinding::new(
            Rule::FlowFinalRetransmitted,
            format!(
                "{} was retransmitted {} time(s){span}: the UAS did not get the ACK (lost, sent elsewhere, or not matched).",
                cx.label(first),
                again.len()
            ),
            idx,
        ));
    }
}

/// SL409: a request repeated before the Retry-After of a 503 expired.
fn early_retry(cx: &Cx<'_>, out: &mut Vec<FlowFinding>) {
    for (i, m) in cx.infos.iter().enumerate() {
        if m.code != Some(503) || cx.cor.retrans[i] || cx.hop_copy(i) {
            continue;
        }
        let Some(after) = m.retry_after else { continue };
        let Some(r) = cx.request_of(i) else { continue };
        let req = &cx.infos[r];
        let Some(t503) = cx.time(i) else { continue };
        let retry = (i + 1..cx.infos.len()).find(|&j| {
            let o = &cx.infos[j];
            o.is_request
                && !cx.cor.retrans[j]
                && cx.cor.msg_tx[j] != cx.cor.msg_tx[r]
                && !(o.cseq == req.cseq && o.call_id == req.call_id)
                && o.method == req.method
                && o.ruri == req.ruri
                && cx.raws[j].to == cx.raws[r].to
        });
        let Some(j) = retry else { continue };
        let Some(dt) = cx.time(j).map(|t| t - t503) else {
            continue;
        };
        if dt < f64::from(after) {
            out.push(FlowFinding::new(
                Rule::FlowEarlyRetry,
                format!(
                    "{} said Retry-After: {after} s, but {} was sent again {dt:.1} s later to the same target.",
                    cx.label(i),
                    req.method
                ),
                vec![r, i, j],
            ));
        }
    }
}

/// SL410: a REGISTER refresh while more than half the granted expiry remains.
fn early_reregister(cx: &Cx<'_>, out: &mut Vec<FlowFinding>) {
    for (i, m) in cx.infos.iter().enumerate() {
        if m.method != "REGISTER"
            || !m.code.is_some_and(|c| (200..300).contains(&c))
            || cx.cor.retrans[i]
            || cx.hop_copy(i)
        {
            continue;
        }
        let Some(granted) = m.contact_expires.or(m.expires).filter(|&e| e > 0) else {
            continue;
        };
        let Some(next) = cx.later_in_call(i).find(|&j| {
            let o = &cx.infos[j];
            o.is_request && o.method == "REGISTER" && o.cseq > m.cseq
        }) else {
            continue;
        };
        let n = &cx.infos[next];
        if n.contact_expires.or(n.expires) == Some(0) {
            continue; // de-registration
        }
        let Some(elapsed) = secs(cx.time(i), cx.time(next)) else {
            continue;
        };
        if elapsed < f64::from(granted) / 2.0 {
            out.push(FlowFinding::new(
                Rule::FlowEarlyReregister,
                format!(
                    "{} granted {granted} s, but the next REGISTER came after {elapsed:.1} s, with more than half of the registration left. Expected refresh: when half has elapsed ({} s), or 600 s before expiry for registrations over 1200 s.",
                    cx.label(i),
                    granted / 2
                ),
                vec![i, next],
            ));
        }
    }
}

/// SL411: a request that comes back to a node it already passed with the
/// same routing inputs (a loop, RFC 3261 §16.3 item 4), or a 482/483 answer.
///
/// A proxy adds its own Via to every request it forwards (§16.6 step 8), so
/// a growing Via stack and a falling Max-Forwards are ordinary multi-hop
/// routing, never a loop by themselves. Evidence of a loop is:
/// - one Via stack holding the same value twice (sent-by and branch): the
///   request passed the same node and branch again;
/// - a node forwarding the same request (Call-ID, CSeq, method) twice, the
///   later copy carrying the node's earlier Via below its new one, with the
///   same Request-URI and Route set both times — a spiral (§16.3 item 4,
///   RFC 5393 §4: an S-CSCF → AS → S-CSCF round trip) changes one of them;
/// - a 482 (Loop Detected) or 483 (Too Many Hops) answering it.
fn loops(cx: &Cx<'_>, out: &mut Vec<FlowFinding>) {
    use std::collections::HashMap;
    let mut groups: HashMap<(&str, Option<u32>, &str), Vec<usize>> = HashMap::new();
    let mut order = Vec::new();
    for (i, m) in cx.infos.iter().enumerate() {
        if !m.is_request || cx.cor.retrans[i] || m.method == "ACK" {
            continue;
        }
        let k = (m.call_id.as_str(), m.cseq, m.method.as_str());
        if !groups.contains_key(&k) {
            order.push(k);
        }
        groups.entry(k).or_default().push(i);
    }
    for k in order {
        let reqs = &groups[&k];
        // The same Via value twice in one stack.
        let repeated = reqs.iter().copied().find_map(|r| {
            let mut seen = std::collections::HashSet::new();
            cx.infos[r]
                .vias
                .iter()
                .filter(|x| x.branch.is_some())
                .find(|x| !seen.insert(*x))
                .map(|x| {
                    let port = x.port.map(|p| format!(":{p}")).unwrap_or_default();
                    (r, format!("{}{port}", x.host))
                })
        });
        // A node forwarding the same request again with the same inputs.
        let again = repeated
            .is_none()
            .then(|| {
                reqs.iter().enumerate().find_map(|(b, &later)| {
                    let lv = &cx.infos[later].vias;
                    let top = lv.first()?;
                    reqs[..b]
                        .iter()
                        .copied()
                        .find(|&earlier| {
                            let e = &cx.infos[earlier];
                            let et = e.vias.first();
                            et.is_some_and(|et| {
                                et.host == top.host
                                    && et.port == top.port
                                    && et.branch != top.branch
                                    && lv[1..].contains(et)
                                    && e.ruri == cx.infos[later].ruri
                                    && e.routes == cx.infos[later].routes
                            })
                        })
                        .map(|earlier| (earlier, later))
                })
            })
            .flatten();
        let hop_error = reqs.iter().find_map(|&r| {
            cx.cor.transactions[cx.cor.msg_tx[r]]
                .responses
                .iter()
                .copied()
                .find(|&x| matches!(cx.infos[x].code, Some(482 | 483)))
        });
        if repeated.is_none() && again.is_none() && hop_error.is_none() {
            continue;
        }
        let trail: Vec<String> = reqs
            .iter()
            .filter_map(|&r| cx.infos[r].max_forwards.map(|x| format!("#{}: {x}", r + 1)))
            .collect();
        let trail = if trail.is_empty() {
            "not present".to_owned()
        } else {
            trail.join(", ")
        };
        let cseq = k.1.map_or("?".into(), |c| c.to_string());
        let (text, idx) = if let Some((r, node)) = &repeated {
            (
                format!(
                    "{} (CSeq {cseq}) carries the Via of {node} twice with the same branch: it passed the same node on the same branch again, a routing loop. Max-Forwards: {trail}.",
                    cx.label(*r)
                ),
                vec![*r],
            )
        } else if let Some((e, l)) = again {
            let top = &cx.infos[l].vias[0];
            (
                format!(
                    "{} forwards {} (CSeq {cseq}) again as {}, with its earlier Via below the new one and the same Request-URI and Route set: the request came back to it, a routing loop (a spiral would change the Request-URI or Route). Max-Forwards: {trail}.",
                    top.host,
                    k.2,
                    cx.label(l)
                ),
                vec![e, l],
            )
        } else {
            let e = hop_error.unwrap_or(0);
            (
                format!(
                    "{} {} on CSeq {cseq} {}: Max-Forwards {trail}. Check Route/Record-Route and the routing tables for a request circling between proxies{}.{}",
                    cx.label(e),
                    if cx.infos[e].code == Some(482) { "(loop detected)" } else { "(too many hops)" },
                    k.2,
                    if cx.infos[e].code == Some(483) { ", or a route set longer than Max-Forwards allows" } else { "" },
                    // A 483 to a request seen with plenty of hops left.
                    match reqs.iter().filter_map(|&r| cx.infos[r].max_forwards).min() {
                        Some(mf) if mf >= 10 && cx.infos[e].code == Some(483) => format!(
                            " The request was seen here with Max-Forwards {mf} or more: the hops ran out beyond this capture, or the answering server miscounts."
                        ),
                        _ => String::new(),
                    }
                ),
                reqs.iter().copied().chain(std::iter::once(e)).collect(),
            )
        };
        let mut idx = idx;
        if let Some(e) = hop_error {
            if !idx.contains(&e) {
                idx.push(e);
            }
        }
        idx.sort_unstable();
        out.push(FlowFinding::new(Rule::FlowRequestLoop, text, idx));
    }
}
