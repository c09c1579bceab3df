//! IMS rules on the callee and the transaction: 480/486/600/603, 487 and
//! 481 to CANCEL, 420/421 extensions and 489 events (RFC 3261 §9, §21.4;
//! RFC 6665).

use super::super::causes::{param_span, reason_span, status_text};
use super::super::context::{Ctx, Dx};
use super::super::dto::Confidence;
use super::common::*;
use crate::finding::Rule;
use crate::header_name::HeaderName;
use crate::kb::{self, status};
use crate::parse::diag::ReasonProtocol;
use crate::span::Span;
use crate::status::Method;

/// SL308: a 480, 486, 600 or 603 — the callee is unavailable, busy or
/// declined; Reason and Retry-After say more (RFC 3261 §21.4.18, §21.4.24,
/// §21.6.1, §21.6.2).
pub(super) fn callee_rejected(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let Some(code) = cx.code.map(|c| c.0).filter(|&c| {
        matches!(
            c,
            status::TEMPORARILY_UNAVAILABLE
                | status::BUSY_HERE
                | status::BUSY_EVERYWHERE
                | status::DECLINE
        )
    }) else {
        return;
    };
    let Some(prose) = kb::code_prose(code) else {
        return;
    };
    let m = cx.method_str();
    let status = status_text(cx);
    let reason = reason_suffix(cx);
    let retry = cx
        .retry_after
        .as_ref()
        .and_then(|(r, _)| r.seconds)
        .map(|s| format!("; Retry-After {s} s"))
        .unwrap_or_default();
    if !cx.method_is(Method::Invite) {
        let meaning = prose.target.unwrap_or_default();
        dx.finding(
            Rule::CalleeRejected,
            cx.msg.start_line_span(),
            format!("{status} to {m}: {meaning}{reason}{retry}"),
        );
        let mut ev = vec![cx.status_evidence(status.clone())];
        ev.extend(reason_evidence(cx));
        dx.cause(
            Confidence::Medium,
            format!("The {m} reached no client able to take it: {meaning}"),
            ev,
        );
        return;
    }
    let meaning = prose.callee.unwrap_or_default();
    let headline_tail = prose.next.unwrap_or_default();
    dx.finding(
        Rule::CalleeRejected,
        cx.msg.start_line_span(),
        format!("{status} to {m}: {meaning}{reason}{retry}"),
    );
    dx.headline(format!(
        "{status} to {m}: {meaning}{reason}{retry} — {headline_tail}"
    ));
    let mut ev = vec![cx.status_evidence(status.clone())];
    ev.extend(reason_evidence(cx));
    if let Some((_, span)) = &cx.retry_after {
        ev.push((
            *span,
            "Retry-After: when the callee expects to be reachable again".to_owned(),
        ));
    }
    let ims = cx.ims_evidence();
    let ue = ue_contact(cx);
    // What the response itself says (a non-standard phrase, a Warning)
    // comes first; Reason and Retry-After already have their own causes.
    let said: Vec<(Span, String)> = own_words(cx)
        .into_iter()
        .filter(|(_, w)| w.starts_with("reason phrase") || w.starts_with("Warning"))
        .collect();
    if let Some((span, w)) = said.first() {
        // Evidence on the status cause; the Warning and phrase rules give
        // their own causes.
        ev.push((*span, w.clone()));
    }
    if let (status::DECLINE, Some(ue)) = (code, ue) {
        let mut ev = ev;
        ev.push(ue);
        dx.cause(
            Confidence::High,
            "The callee's own device declined (the responder's Contact is a UE's); a Q.850 cause in Reason was set by that UE, not mapped by an MGCF",
            ev,
        );
    } else {
        // The causes the code suggests (from the knowledge base), the IMS
        // ones when this message is from IMS.
        let conf = prose_confidence(prose);
        let (causes, ev) = match ims {
            Some(i) if !prose.ims_causes.is_empty() => {
                let mut ev = ev;
                ev.push(i);
                (prose.ims_causes, ev)
            }
            _ => (prose.causes, ev),
        };
        for cause in causes {
            dx.cause(conf, *cause, ev.clone());
        }
    }
    if cx
        .reasons
        .iter()
        .any(|(r, _)| r.protocol_kind() == ReasonProtocol::Q850)
    {
        dx.inspect(if ue_contact(cx).is_some() {
            "The Q.850 cause in Reason: set by the callee's UE here (its Contact answers), not by a CS interworking node"
        } else {
            "The Q.850 cause in Reason: set by the node that released the call (often an MGCF for a CS callee, or the callee's UE)"
        });
    }
}

/// The responder's Contact, when it is a user device: `+sip.instance` or
/// the MMTel ICSI (`+g.3gpp.icsi-ref` with `…ims.icsi.mmtel`, TS 24.173;
/// TS 24.229 §7.9.2) in the Contact of a response.
pub(super) fn ue_contact(cx: &Ctx<'_, '_>) -> Option<(Span, String)> {
    if cx.msg.is_request() || cx.method_is(Method::Register) {
        return None;
    }
    cx.contacts().find_map(|c| {
        let crate::parse::addr::Contact::Address(na) = c else {
            return None;
        };
        if let Some(i) = na.sip_instance() {
            return Some((
                i.span(),
                "Contact +sip.instance: the responder is a user device".to_owned(),
            ));
        }
        na.feature_tags()
            .find(|p| {
                p.name.eq_ignore_case("+g.3gpp.icsi-ref")
                    && p.value.is_some_and(|v| {
                        super::super::context::contains_ci(v.bytes(), b"icsi.mmtel")
                    })
            })
            .map(|p| {
                (
                    param_span(p),
                    "Contact +g.3gpp.icsi-ref MMTel: the responder is a VoLTE/VoNR UE".to_owned(),
                )
            })
    })
}

/// SL309: a 487 to INVITE: the INVITE was cancelled (RFC 3261 §9.2,
/// §21.4.25).
pub(super) fn request_terminated(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !(cx.is(status::REQUEST_TERMINATED) && cx.method_is(Method::Invite)) {
        return;
    }
    let seq = cx.cseq.and_then(|c| c.seq);
    let seq_txt = seq.map(|n| format!(" (CSeq {n})")).unwrap_or_default();
    dx.finding(
        Rule::RequestTerminated,
        cx.msg.start_line_span(),
        format!("487 Request Terminated to INVITE{seq_txt}: the INVITE was cancelled before a final response{}", reason_suffix(cx)),
    );
    let elsewhere = cx
        .reasons
        .iter()
        .find(|(r, _)| r.protocol_kind() == ReasonProtocol::Sip && r.cause() == Some(status::OK));
    match elsewhere {
        Some((r, _)) => {
            dx.headline("487 to INVITE with Reason SIP;cause=200: another forked branch answered — this branch was cancelled, not a missed call");
            dx.cause(
                Confidence::High,
                "Another device of the callee answered; the forking proxy cancelled this branch",
                vec![(
                    reason_span(r),
                    "Reason SIP;cause=200: call completed elsewhere".to_owned(),
                )],
            );
        }
        None => {
            dx.headline("487 to INVITE: the call was cancelled before it was answered (CANCEL) — expected when the caller hangs up while ringing");
            let mut ev: Vec<_> = cx.cseq_evidence().into_iter().collect();
            ev.extend(reason_evidence(cx));
            dx.cause(
                Confidence::High,
                "The caller hung up before answer, or a proxy/AS cancelled this INVITE (a CANCEL was sent for it)",
                ev,
            );
        }
    }
    dx.step(format!(
        "Find the CANCEL with the same Call-ID and CSeq number{} and its 200 OK; without a CANCEL, look for the B2BUA or AS that terminated the INVITE",
        seq.map(|n| format!(" {n}")).unwrap_or_default()
    ));
}

/// SL310 / SL322: a 487 to a request other than INVITE. Normal for a
/// request pending in a dialog that a BYE ended: the UAS must still answer
/// it and should answer 487 (RFC 3261 §15.1.2). Never to a CANCEL itself
/// (§21.4.25): that is SL322.
pub(super) fn terminated_non_invite(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !cx.is(status::REQUEST_TERMINATED) {
        return;
    }
    let Some(method) = cx.known_method.filter(|m| *m != Method::Invite) else {
        return;
    };
    let m = method.as_str();
    if method == Method::Cancel {
        dx.finding(
            Rule::TerminatedCancel,
            cseq_method_span(cx),
            "487 answers a CANCEL: 487 belongs to the cancelled INVITE, never to the CANCEL itself (RFC 3261 §21.4.25); the CANCEL gets 200, or 481 when no INVITE transaction matches (§9.2)",
        );
        dx.headline("487 to CANCEL: a sender bug — the CANCEL should get 200 (or 481) and the INVITE the 487");
        dx.cause(
            Confidence::High,
            "The UAS or a B2BUA answered the CANCEL with the response meant for the INVITE it cancels",
            cx.cseq_evidence().into_iter().collect(),
        );
        dx.step("Fix the sender: answer the CANCEL with 200 and the cancelled INVITE with 487 (RFC 3261 §9.2); look for that INVITE's own final response");
        dx.replace_kb_advice();
        dx.spec("RFC 3261 §9.2, §21.4.25");
        return;
    }
    let in_dialog = cx
        .to()
        .is_some_and(|t| t.tag().is_some_and(|t| !t.is_empty()));
    dx.finding(
        Rule::TerminatedNonInvite,
        cseq_method_span(cx),
        format!("487 answers {m}: the {m} was still pending when its dialog ended (BYE) or it was cancelled; a UAS answers pending requests of a dialog it ends with 487 (RFC 3261 §15.1.2)"),
    );
    if in_dialog {
        dx.headline(format!(
            "487 to {m}: the {m} was pending when the dialog ended (BYE crossed it) — normal at hang-up, nothing to fix"
        ));
        dx.cause(
            Confidence::High,
            format!("A BYE ended the dialog while this {m} was pending; the UAS answers the pending requests of the dialog with 487 (RFC 3261 §15.1.2), as in every VoLTE hang-up during an UPDATE/PRACK exchange"),
            cx.cseq_evidence().into_iter().collect(),
        );
        dx.step(format!("Nothing to fix in the {m}: look for the BYE of the same Call-ID and why the call ended (its Reason header)"));
    } else {
        dx.headline(format!(
            "487 to {m}: the {m} was terminated by the UAS (or a B2BUA whose other leg ended) — a CANCEL has no effect on a {m} (RFC 3261 §9.2)"
        ));
        dx.cause(
            Confidence::Medium,
            format!("The {m} is outside a dialog (no To tag), so no BYE ended it: the UAS or a B2BUA terminated it on its own, e.g. when the other leg went away; a CANCEL for a non-INVITE request should not be sent (RFC 3261 §9.1)"),
            cx.cseq_evidence().into_iter().collect(),
        );
    }
    dx.replace_kb_advice();
    dx.spec("RFC 3261 §15.1.2, §21.4.25");
}

/// SL324: a 481 to CANCEL — the server found no INVITE server transaction
/// for it: the INVITE was already answered (its final response crossed the
/// CANCEL) or the CANCEL took another path than the INVITE (RFC 3261 §9.1,
/// §9.2). Not a terminated dialog.
pub(super) fn cancel_without_transaction(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !(cx.is(status::CALL_TRANSACTION_DOES_NOT_EXIST) && cx.method_is(Method::Cancel)) {
        return;
    }
    dx.finding(
        Rule::CancelWithoutTransaction,
        cseq_method_span(cx),
        "481 to CANCEL: no INVITE server transaction matches this CANCEL (RFC 3261 §9.2) — the INVITE was already answered, or the CANCEL reached another hop than the INVITE",
    );
    dx.headline("481 to CANCEL: the INVITE it cancels was not found — already answered, or the CANCEL went to another hop; the dialog itself is not in question");
    let ev: Vec<_> = cx.cseq_evidence().into_iter().collect();
    dx.cause(
        Confidence::Medium,
        "The INVITE already got its final response (a 200 or failure crossed the CANCEL), so its server transaction no longer accepts a CANCEL; if it was a 200, the caller must ACK and BYE",
        ev.clone(),
    );
    dx.cause(
        Confidence::Medium,
        "The CANCEL did not reach the node that holds the INVITE transaction: its Request-URI, top Via branch, Call-ID, From/To tags or CSeq number differ from the INVITE's, or it was routed another way (RFC 3261 §9.1)",
        ev,
    );
    dx.inspect("The INVITE this CANCEL is for (same Call-ID and CSeq number): its final response and its timing, and its Request-URI and top Via branch compared with the CANCEL's");
    dx.step("If the INVITE got a 2xx, ACK it and send BYE; otherwise make the CANCEL copy the INVITE's Request-URI, Call-ID, To, From, CSeq number and top Via (RFC 3261 §9.1)");
    dx.replace_kb_advice();
    dx.spec("RFC 3261 §9.1, §9.2");
}

/// SL319: a 420 (Unsupported) or 421 (Require) names option tags (RFC 3261
/// §8.2.2.3, §21.4.15, §21.4.16).
pub(super) fn extension_mismatch(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let required = if cx.is(status::BAD_EXTENSION) {
        false
    } else if cx.is(status::EXTENSION_REQUIRED) {
        true
    } else {
        return;
    };
    let header = if required {
        HeaderName::Require
    } else {
        HeaderName::Unsupported
    };
    let Some(h) = cx.msg.header(header) else {
        return;
    };
    let tags: Vec<String> = cx
        .views
        .tokens(header)
        .iter()
        .map(|t| t.as_str().into_owned())
        .collect();
    let list = tags.join(", ");
    let m = cx.method_str();
    let status = status_text(cx);
    dx.finding(
        Rule::ExtensionMismatch,
        h.value.span(),
        if required {
            format!("{status} to {m}: the server requires {list}")
        } else {
            format!("{status} to {m}: the server does not support {list}")
        },
    );
    dx.headline(if required {
        format!("{status} to {m}: the server requires {list} — retry with it in Require/Supported")
    } else {
        format!("{status} to {m}: {list} not supported by the server — retry without requiring it")
    });
    let ev = vec![(h.value.span(), format!("{}: {list}", header.as_str()))];
    dx.cause(
        Confidence::High,
        if required {
            format!("The server will only process the {m} with the extension(s) {list}, which the request did not indicate")
        } else {
            format!("The {m} listed {list} in Require/Proxy-Require and the server does not implement it")
        },
        ev.clone(),
    );
    for t in &tags {
        let note = match t.to_ascii_lowercase().as_str() {
            "sec-agree" => Some("sec-agree: the next hop does not do RFC 3329 security agreement — the REGISTER reached a non-IMS registrar or a P-CSCF without IPsec/TLS sec-agree"),
            "precondition" => Some("precondition: the far end does not support RFC 3312 preconditions (typical for a SIP trunk or PBX); the UE retries without Require: precondition (keep it in Supported)"),
            "100rel" => Some("100rel: reliable provisionals (RFC 3262) not supported; retry with 100rel in Supported only"),
            "timer" => Some("timer: session timers (RFC 4028) not supported; rely on another keep-alive"),
            "path" => Some("path: the registrar does not support Path (RFC 3327), so the P-CSCF cannot stay on the terminating route"),
            "gruu" => Some("gruu: the registrar does not issue GRUUs (RFC 5627)"),
            "outbound" => Some("outbound: the registrar does not support RFC 5626 flows"),
            _ => None,
        };
        if let Some(n) = note {
            dx.inspect(n);
        }
    }
    dx.step(if required {
        format!(
            "Re-send the {m} listing {list} in Supported (or Require), implementing the extension"
        )
    } else {
        format!("Re-send the {m} without {list} in Require/Proxy-Require (RFC 3261 §8.1.3.5)")
    });
}

/// SL312: a 489 Bad Event — the event package of the SUBSCRIBE/PUBLISH is
/// not supported; Allow-Events lists what is (RFC 6665 §8.3.2).
pub(super) fn bad_event(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !cx.is(status::BAD_EVENT) {
        return;
    }
    let m = cx.method_str();
    let allow = cx.msg.header(HeaderName::AllowEvents);
    let events: Vec<String> = cx
        .views
        .tokens(HeaderName::AllowEvents)
        .iter()
        .map(|t| t.as_str().into_owned())
        .collect();
    let span = allow.map_or(cx.msg.start_line_span(), |h| h.value.span());
    let listed = if events.is_empty() {
        "no Allow-Events says which packages are supported".to_owned()
    } else {
        format!("the notifier supports {}", events.join(", "))
    };
    dx.finding(
        Rule::BadEvent,
        span,
        format!("489 Bad Event to {m}: the event package is not supported; {listed}"),
    );
    dx.headline(format!(
        "489 to {m}: event package not supported here — {listed}"
    ));
    match allow {
        Some(h) => dx.cause(
            Confidence::High,
            format!("The {m} asked for an event package the notifier does not support; it supports {}", events.join(", ")),
            vec![(h.value.span(), format!("Allow-Events: {}", events.join(", ")))],
        ),
        None => dx.cause(
            Confidence::Medium,
            format!("The {m} reached a node without that event package (e.g. Event: reg sent to an AS instead of the S-CSCF, or presence to a node without a presence server)"),
            vec![cx.status_evidence("489 without Allow-Events")],
        ),
    }
    dx.inspect(format!("The Event header of the {m} and its Request-URI: a reg-event SUBSCRIBE goes to the UE's own IMPU and is routed to the S-CSCF via Service-Route (TS 24.229 §5.1.1.3)"));
}
