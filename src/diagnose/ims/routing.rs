//! IMS rules on where a request goes: 404/604 targets, 3xx redirects, 403
//! to requests other than REGISTER, and 482/483 loops (RFC 3261 §8.1.3.4,
//! §16.3, §21.3, §21.4).

use super::super::causes::status_text;
use super::super::context::{Ctx, Dx};
use super::super::dto::Confidence;
use super::common::*;
use crate::finding::Rule;
use crate::header_name::HeaderName;
use crate::kb::{self, status};
use crate::parse::find_bytes;
use crate::status::Method;

/// SL306: a 404 (unknown here) or 604 (does not exist anywhere) for the
/// target (RFC 3261 §21.4.5, §21.6.3).
pub(super) fn user_not_found(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !(cx.is(status::NOT_FOUND) || cx.is(status::DOES_NOT_EXIST_ANYWHERE)) {
        return;
    }
    let m = cx.method_str();
    let to = cx.to();
    let target = to.as_ref().map_or_else(
        || "the target".to_owned(),
        |t| t.uri_text.as_str().into_owned(),
    );
    let span = to
        .as_ref()
        .map_or(cx.msg.start_line_span(), |t| t.uri_text.span());
    let global = cx.is(status::DOES_NOT_EXIST_ANYWHERE);
    dx.finding(
        Rule::UserNotFound,
        span,
        if global {
            format!("604 Does Not Exist Anywhere for {target}: authoritative — no other route will help")
        } else {
            format!("404 Not Found for {target}: unknown at this server; another route (number translation, ENUM, another domain) may still work")
        },
    );
    dx.headline(if global {
        format!("604 to {m}: {target} does not exist anywhere — do not retry via other routes")
    } else {
        format!("404 to {m}: {target} is unknown here — check the number/URI and its routing")
    });
    let mut ev = vec![(span, format!("the target: {target}"))];
    ev.extend(reason_evidence(cx));
    let lower = target.to_ascii_lowercase();
    let number = lower.starts_with("tel:")
        || find_bytes(lower.as_bytes(), b"user=phone").is_some()
        || lower.starts_with("sip:+");
    if cx.method_is(Method::Register) {
        dx.cause(
            Confidence::Medium,
            format!("The registrar does not know the address-of-record {target}"),
            ev,
        );
    } else if global {
        dx.cause(
            Confidence::Medium,
            format!("{target} is not allocated anywhere (e.g. an unallocated number, Q.850 cause 1 from the CS side)"),
            ev,
        );
    } else {
        if number {
            dx.cause(
                Confidence::Medium,
                format!("The number {target} could not be routed: no ENUM/number-portability result and no BGCF breakout route, or the number is not allocated"),
                ev.clone(),
            );
        }
        // What a 404 suggests when the target is not a number (knowledge
        // base), the IMS reading when the message is from IMS.
        if let Some(p) = kb::code_prose(status::NOT_FOUND) {
            let causes = if cx.ims_evidence().is_some() && !p.ims_causes.is_empty() {
                p.ims_causes
            } else {
                p.causes
            };
            let conf = prose_confidence(p);
            for cause in causes {
                dx.cause(conf, *cause, ev.clone());
            }
        }
        dx.inspect("The Request-URI as the I-CSCF/BGCF saw it (number normalisation, phone-context, ENUM/NP query result)");
    }
}

/// 3xx redirections (300–305): where the callee is now, for how long and
/// in which order to try it, from the Contacts of the response (RFC 3261
/// §8.1.3.4, §21.3). A 380 with a 3GPP body is SL316's.
pub(super) fn redirect_contacts(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let Some(code) = cx
        .code
        .map(|c| c.0)
        .filter(|c| (status::MULTIPLE_CHOICES..=status::USE_PROXY).contains(c))
    else {
        return;
    };
    let m = cx.method_str();
    let status = status_text(cx);
    let mut targets = Vec::new();
    let mut ev = Vec::new();
    for c in cx.contacts() {
        let crate::parse::addr::Contact::Address(na) = c else {
            continue;
        };
        let mut what = na.uri_text.as_str().into_owned();
        let mut extra = Vec::new();
        if let Some(q) = na.q() {
            extra.push(format!("q={}", q.as_str()));
        }
        let expires = na.expires().and_then(|e| e.parse_u64()).or_else(|| {
            cx.msg
                .header(HeaderName::Expires)
                .and_then(|h| h.value.parse_u64())
        });
        if let Some(e) = expires {
            extra.push(format!(
                "valid {}",
                seconds_text(u32::try_from(e).unwrap_or(u32::MAX))
            ));
        }
        if !extra.is_empty() {
            what.push_str(&format!(" ({})", extra.join(", ")));
        }
        ev.push((na.text.span(), format!("Contact: {what}")));
        targets.push(what);
    }
    if targets.is_empty() {
        // SL128 reports the missing Contact.
        return;
    }
    let temp = matches!(code, status::MOVED_TEMPORARILY | status::MULTIPLE_CHOICES);
    dx.headline(format!(
        "{status} to {m}: redirected to {} — re-send the {m} there{}",
        targets.join(", "),
        if code == status::MOVED_PERMANENTLY {
            "; update the stored address (moved permanently)"
        } else if code == status::USE_PROXY {
            " through the proxy named in Contact"
        } else {
            ""
        }
    ));
    let mut all = ev.clone();
    all.extend(own_words(cx));
    dx.cause(
        Confidence::High,
        format!(
            "The {} {} and names {} in Contact",
            if temp {
                "callee (or a redirect server/call-forwarding service for it)"
            } else {
                "server"
            },
            kb::code_prose(code)
                .and_then(|p| p.redirect)
                .unwrap_or("redirects the request"),
            if targets.len() == 1 {
                "the new target"
            } else {
                "the targets"
            }
        ),
        all,
    );
    dx.step(format!(
        "Re-send the {m} to the Contact URI{} (highest q first, within its validity), as a new transaction with the same Call-ID and a new CSeq (RFC 3261 §8.1.3.4)",
        if targets.len() == 1 { "" } else { "s" }
    ));
    if let Some(e) = cx.ims_evidence() {
        dx.inspect(format!(
            "In IMS a 302 to INVITE usually comes from the terminating TAS (call forwarding, TS 24.604) or an ENUM/number portability query: History-Info / Diversion of the next INVITE show why ({})",
            e.1
        ));
    }
}

/// 403 to a request other than REGISTER (SL305 reads REGISTER): the
/// server understood and refuses; what it says about why — reason phrase,
/// Warning, Reason, Server — is the best cause there is (RFC 3261
/// §21.4.4).
pub(super) fn forbidden_request(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !cx.is(status::FORBIDDEN) || cx.method_is(Method::Register) || cx.method.is_none() {
        return;
    }
    let m = cx.method_str();
    let words = own_words(cx);
    let said: Vec<&String> = words
        .iter()
        .filter(|(_, w)| !w.starts_with("Server:") && !w.starts_with("Response-Source:"))
        .map(|(_, w)| w)
        .collect();
    // The reason phrase, Warning and Reason each get their own cause from
    // their rules (SL108/SL205/SL201); here they make the headline.
    if let Some(first) = said.first() {
        dx.headline(format!(
            "403 to {m}: refused by policy — {first}; re-sending the same request will not help"
        ));
    } else {
        dx.headline(format!(
            "403 to {m}: refused (no Warning, Reason or reason phrase says why) — re-sending the same request will not help"
        ));
    }
    let ev = vec![cx.status_evidence("403 Forbidden")];
    match cx.ims_evidence() {
        Some(ims) if cx.method_is(Method::Invite) || cx.method_is(Method::Message) => {
            let mut ev = ev.clone();
            ev.push(ims);
            dx.cause(
                Confidence::Medium,
                format!("In IMS: the originating S-CSCF/TAS refuses the {m} for this subscriber (outgoing call barring, service not subscribed in the user profile, or a P-Asserted-Identity the network does not trust)"),
                ev,
            );
        }
        _ => dx.cause(
            Confidence::Medium,
            format!("The server does not allow this user or source to send a {m} here: an ACL/IP allow list, a dial-plan or call-barring rule, or credentials that are valid but not authorised (RFC 3261 §21.4.4)"),
            ev,
        ),
    }
    dx.inspect("Which node refused it: the element that generates a response adds no Via (the response carries the request's Vias), so read Server, a Warning agent, Response-Source or the packet's source address");
    dx.step(format!("Do not re-send the same {m} (RFC 3261 §21.4.4); fix the permission the refusing node names (barring, subscription, ACL) or use another identity or route"));
    // The knowledge base's 403 text is about registration (HSS, Cx).
    dx.replace_kb_advice();
}

// ---- SL318–SL321: retry with changes ----------------------------------------------

/// SL320: a 482 (loop detected) or 483 (too many hops): the Via list of
/// the response shows the path, repeated hosts show the loop (RFC 3261
/// §16.3, §21.4.20, §21.4.21; RFC 5393).
pub(super) fn loop_or_hops(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !(cx.is(status::LOOP_DETECTED) || cx.is(status::TOO_MANY_HOPS)) {
        return;
    }
    let m = cx.method_str();
    let status = status_text(cx);
    let vias: Vec<&crate::parse::via::Via<'_>> = cx.via().collect();
    let key = |v: &crate::parse::via::Via<'_>| {
        format!(
            "{}:{}",
            v.host.as_str().to_ascii_lowercase(),
            v.port.unwrap_or(5060)
        )
    };
    // The first sent-by that occurs again, and where it occurs again.
    let mut repeated = None;
    'outer: for (i, a) in vias.iter().enumerate() {
        for b in vias[i + 1..].iter().copied() {
            if key(a) == key(b) {
                repeated = Some((a, b));
                break 'outer;
            }
        }
    }
    let hops = vias.len();
    let mf = cx.views.max_forwards();
    let mut facts = vec![format!("{hops} Via entries")];
    if let Some(mf) = mf {
        facts.push(format!("Max-Forwards {mf}"));
    }
    let span = match repeated {
        Some((a, b)) => {
            facts.push(format!("{} appears more than once (loop)", a.host.as_str()));
            b.text.span()
        }
        None => cx.msg.start_line_span(),
    };
    dx.finding(
        Rule::LoopOrHops,
        span,
        format!("{status} to {m}: {}", facts.join(", ")),
    );
    dx.headline(match repeated {
        Some((a, _)) => format!("{status} to {m}: routing loop through {} — fix Route/Record-Route or the routing tables", a.host.as_str()),
        None => format!("{status} to {m}: the request {} — check the route set and routing", if cx.is(status::LOOP_DETECTED) { "came back to a proxy that had already forwarded it" } else { "used up Max-Forwards" }),
    });
    if let Some((a, b)) = repeated {
        dx.cause(
            Confidence::High,
            format!("The request passed {} twice: a proxy routes it back to itself or two nodes route to each other", a.host.as_str()),
            vec![
                (a.text.span(), format!("Via {}: first pass", key(a))),
                (b.text.span(), format!("Via {}: second pass", key(b))),
            ],
        );
        if cx.ims_evidence().is_some() {
            dx.inspect("iFC/AS chaining at the S-CSCF (an AS sending the request back without the original dialog identifier), I-CSCF ↔ S-CSCF routing, and DNS entries pointing back to the sender");
        }
    } else if hops >= 7 {
        let ev = vias
            .first()
            .map(|v| {
                (
                    v.text.span(),
                    format!("{hops} Via entries: the request crossed {hops} hops"),
                )
            })
            .into_iter()
            .collect();
        dx.cause(
            Confidence::Medium,
            format!("A long path ({hops} hops) suggests a loop through different addresses of the same nodes, or a chain of ASs and B2BUAs"),
            ev,
        );
    } else if cx.is(status::TOO_MANY_HOPS) {
        let ev = cx
            .evidence(HeaderName::MaxForwards, "Max-Forwards left in the request")
            .into_iter()
            .collect();
        dx.cause(
            Confidence::Medium,
            "The request started with a low Max-Forwards, or B2BUAs on the path did not reset it; the Via list of the response only shows the hops since the last B2BUA",
            ev,
        );
    }
    dx.step("Compare the Via hosts with the Route/Record-Route and routing tables of each node; a B2BUA in the loop starts a new Via list each time");
}
