//! IMS rules on server availability and timers: 503 with and without
//! Retry-After, 504/380 alternative service, 408/504 timeouts and
//! Retry-After on other codes (RFC 3261 §20.33, §21.4.9, §21.5.4-5;
//! TS 24.229 §5.1.6.8).

use super::super::causes::status_text;
use super::super::context::{Ctx, Dx};
use super::super::dto::Confidence;
use super::common::*;
use crate::finding::Rule;
use crate::header_name::HeaderName;
use crate::kb::{self, status};
use crate::parse::find_bytes;
use crate::status::Method;

/// SL314: a 503 with Retry-After: the server is overloaded or in
/// maintenance and says when to come back; a UE must not re-register to the
/// same P-CSCF before it ends (RFC 3261 §21.5.4; TS 24.229 §5.1.1.2), nor
/// reattempt an INVITE automatically (TS 24.229 §5.1.3.1).
pub(super) fn overload_with_retry_after(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !cx.is(status::SERVICE_UNAVAILABLE) {
        return;
    }
    let Some((ra, _)) = &cx.retry_after else {
        return;
    };
    let m = cx.method_str();
    let secs = ra.seconds;
    let when = secs.map_or_else(
        || format!("\"{}\" (unreadable)", ra.delta.as_str()),
        seconds_text,
    );
    let comment = ra
        .comment
        .map(|c| format!(" {}", c.as_str()))
        .unwrap_or_default();
    let span = value_span(cx, HeaderName::RetryAfter).unwrap_or(ra.delta.span());
    dx.finding(
        Rule::OverloadWithRetryAfter,
        span,
        format!("503 to {m} with Retry-After {when}{comment}: the server is overloaded or in maintenance and asks not to be retried before then"),
    );
    let ims = cx.ims_evidence().is_some();
    let register = cx.method_is(Method::Register) && ims;
    if let Some(s) = secs {
        dx.headline(if register {
            format!("503 with Retry-After {s} s to REGISTER: P-CSCF/S-CSCF overloaded or in maintenance; do not re-register to it before {s} s")
        } else {
            format!("503 with Retry-After {s} s to {m}: the server is overloaded or in maintenance; do not send it this request again before {s} s")
        });
    }
    let mut ev = vec![(span, format!("Retry-After: {when}{comment}"))];
    ev.extend(reason_evidence(cx));
    dx.cause(
        Confidence::High,
        format!("The server is temporarily overloaded or in maintenance and asks to wait {when}"),
        ev,
    );
    if register {
        dx.step(format!("Do not send REGISTER to the same P-CSCF before {when} has passed; the UE may pick another P-CSCF from the list it received at PDN/PDU session setup and register there (TS 24.229 §5.1.1.2)"));
    } else {
        dx.step(format!("Do not retry this {m} to the same server before {when}; a proxy may fail over to an alternate server at once (RFC 3261 §21.5.4; RFC 3263 §4.3)"));
    }
    if register {
        dx.spec("3GPP TS 24.229 §5.1.1.2");
    } else if ims && cx.method_is(Method::Invite) {
        // TS 24.229 §5.1.3.1: on a 503 with Retry-After to an initial INVITE
        // the UE shall not automatically reattempt the request until the
        // time given has passed.
        dx.spec("3GPP TS 24.229 §5.1.3.1");
    }
}

/// SL315: a 503 without Retry-After: treated as a 500 and a reason to fail
/// over (RFC 3261 §21.5.4; RFC 3263 §4.3).
pub(super) fn unavailable_without_retry_after(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !cx.is(status::SERVICE_UNAVAILABLE) || cx.retry_after.is_some() {
        return;
    }
    let m = cx.method_str();
    dx.finding(
        Rule::UnavailableWithoutRetryAfter,
        cx.msg.start_line_span(),
        format!("503 to {m} without Retry-After: the client must act as on a 500 and fail over to another server"),
    );
    dx.headline(format!(
        "503 to {m} without Retry-After: the server or its next hop is down rather than briefly overloaded — fail over to another server{}",
        reason_suffix(cx)
    ));
    let mut ev = vec![cx.status_evidence("503 without Retry-After")];
    ev.extend(reason_evidence(cx));
    let ims = cx.ims_evidence().is_some();
    let behind = match (ims, cx.method_is(Method::Register)) {
        (true, true) => "the S-CSCF, the HSS over Cx, or the P-CSCF's route to the I-CSCF",
        (true, false) => "the S-CSCF, an application server, the BGCF/MGCF breakout or the policy function (PCRF/PCF)",
        (false, true) => "the registrar or its user database",
        (false, false) => "the next proxy, a gateway or trunk, or a database/application behind the server",
    };
    dx.cause(
        Confidence::Medium,
        format!("The sender or a node behind it is unavailable or unreachable ({behind})"),
        ev,
    );
    dx.step(if cx.method_is(Method::Register) && ims {
        "Register via another P-CSCF (next address from PCO/DHCP/DNS) rather than retrying this one at once (RFC 3263 §4.3; TS 24.229 §5.1.1.2)".to_owned()
    } else {
        format!("Try the next server for the {m} (RFC 3263 §4.3); RFC 3261 §21.5.4 says a 503 without Retry-After is handled like a 500")
    });
}

/// SL316: a 504 or 380 with `application/3gpp-ims+xml` and an
/// `<alternative-service>` element: restoration (re-register) or emergency
/// (TS 24.229 §5.1.2A.1.6, §5.1.6, §7.6).
pub(super) fn ims_alternative_service(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !(cx.is(status::SERVER_TIME_OUT) || cx.is(status::ALTERNATIVE_SERVICE)) {
        return;
    }
    let Some(xml) = ims_xml(cx) else { return };
    let Some(alt) = find_bytes(xml.bytes(), b"alternative-service") else {
        return;
    };
    let ty = xml_element(xml, "type", alt);
    let action = xml_element(xml, "action", alt);
    let reason = xml_element(xml, "reason", alt);
    let code = cx.code.map_or(0, |c| c.0);
    let m = cx.method_str();
    let ty_s = ty.map_or_else(
        || "(no <type>)".to_owned(),
        |(t, _)| t.as_str().into_owned(),
    );
    let action_s = action.map(|(a, _)| a.as_str().into_owned());
    let span = ty.map_or(
        xml.sub(alt, alt + "alternative-service".len()).span(),
        |(t, _)| t.span(),
    );
    let action_txt = action_s
        .as_deref()
        .map(|a| format!(", action {a}"))
        .unwrap_or_default();
    let kind = ty.map(|(t, _)| t.as_str().to_ascii_lowercase());
    let what = match kind.as_deref() {
        Some("restoration") => "the UE must perform an initial registration (IMS restoration)",
        Some("emergency") => "the UE must place this call as an emergency call",
        _ => "the UE should act on the alternative service the network names",
    };
    dx.finding(
        Rule::ImsAlternativeService,
        span,
        format!(
            "{code} to {m} carries a 3GPP IMS alternative-service: type {ty_s}{action_txt}; {what}"
        ),
    );
    let mut ev = vec![(span, format!("<type>{ty_s}</type>"))];
    if let Some((a, _)) = action {
        ev.push((a.span(), format!("<action>{}</action>", a.as_str())));
    }
    if let Some((r, _)) = reason {
        ev.push((r.span(), format!("<reason>: \"{}\"", r.as_str())));
    }
    let pai = cx.evidence(
        HeaderName::PAssertedIdentity,
        "P-Asserted-Identity: the CSCF that sent the alternative service",
    );
    match kind.as_deref() {
        Some("restoration") => {
            dx.headline(format!(
                "{code} to {m} with IMS restoration (alternative-service type restoration{action_txt}): the UE must perform an initial registration, then retry"
            ));
            dx.cause(
                Confidence::High,
                "The serving CSCF has lost or does not trust the registration (S-CSCF restart or failure, IMS restoration per TS 23.380) and asks the UE to register again",
                ev,
            );
            dx.step(format!("The UE performs an initial registration (new REGISTER with Security-Client, new AKA), then re-sends the {m} (TS 24.229 §5.1.2A.1.6)"));
            match pai {
                Some(p) => dx.inspect(format!(
                    "P-Asserted-Identity must equal a Service-Route or Path URI learnt at registration for the UE to act on it (TS 24.229 §5.1.2A.1.6): {}",
                    String::from_utf8_lossy(p.0.slice(cx.msg.input()))
                )),
                None => dx.inspect("This response has no P-Asserted-Identity: a UE acts on the restoration body only when P-Asserted-Identity equals a Service-Route or Path URI from its registration (TS 24.229 §5.1.2A.1.6)"),
            }
            dx.spec("3GPP TS 24.229 §5.1.2A.1.6, §5.4.3.2, §7.6; TS 23.380");
        }
        Some("emergency") => {
            dx.headline(format!(
                "{code} to {m} with alternative-service type emergency{action_txt}: the network recognised an emergency number — the UE must set up an emergency call"
            ));
            dx.cause(
                Confidence::High,
                "The P-CSCF recognised the dialled number as an emergency number the UE did not detect, and refuses to handle it as a normal call",
                ev,
            );
            dx.step(if action_s.as_deref().is_some_and(|a| a.eq_ignore_ascii_case("emergency-registration")) {
                "The UE performs an emergency registration and then sends an emergency INVITE (Request-URI urn:service:sos…) (TS 24.229 §5.1.6)"
            } else {
                "The UE re-attempts the call as an emergency call (emergency INVITE with urn:service:sos…, emergency registration if required) (TS 24.229 §5.1.6)"
            });
            dx.spec("3GPP TS 24.229 §5.1.2A.1, §5.1.6, §7.6");
        }
        _ => {
            dx.cause(
                Confidence::Medium,
                format!("The network returned an alternative service of type {ty_s}; see TS 24.229 §7.6 for the values"),
                ev,
            );
            dx.spec("3GPP TS 24.229 §7.6");
        }
    }
}

/// SL307: a 408 or 504 — a timer expired: the callee or a next hop did not
/// answer in time (RFC 3261 §8.1.3.1, §16.8 Timer C, §17.1, §21.4.9,
/// §21.5.5).
pub(super) fn timeout(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !(cx.is(status::REQUEST_TIMEOUT) || cx.is(status::SERVER_TIME_OUT)) {
        return;
    }
    let m = cx.method_str();
    let invite = cx.method_is(Method::Invite);
    let status = status_text(cx);
    let alt = cx.is(status::SERVER_TIME_OUT) && ims_xml(cx).is_some();
    let msg = if cx.is(status::REQUEST_TIMEOUT) {
        format!(
            "{status} to {m}: no final response in time ({})",
            if invite {
                "Timer B towards the next hop, or Timer C / no-answer supervision for the callee"
            } else {
                "Timer F towards the next hop"
            }
        )
    } else {
        format!("{status} to {m}: a server did not get a timely answer from the next hop or an external server (Timer B/F, DNS, HSS){}", if alt { "; the 3GPP XML body says what the UE must do (SL316)" } else { "" })
    };
    dx.finding(Rule::Timeout, cx.msg.start_line_span(), msg);
    if alt {
        // SL316 explains this 504 from its body.
        return;
    }
    let ev = vec![cx.status_evidence(status.clone())];
    if cx.is(status::REQUEST_TIMEOUT) {
        dx.headline(format!("{status} to {m}: the request timed out — the next hop or the callee did not answer in time"));
        dx.cause(
            Confidence::Medium,
            format!("The next hop did not answer the {m}: the sender's client transaction timed out ({}, 64×T1 = 32 s) and a timeout is treated as a 408 (RFC 3261 §8.1.3.1, §17.1)", if invite { "Timer B" } else { "Timer F" }),
            ev.clone(),
        );
        if invite {
            dx.cause(
                Confidence::Medium,
                "The callee was alerted but no final response came before the proxy's Timer C or a no-answer timer",
                ev,
            );
        } else if cx.method_is(Method::Register) && cx.ims_evidence().is_some() {
            dx.cause(
                Confidence::Medium,
                "The registrar/S-CSCF did not answer in time (slow or lost Cx towards the HSS, or a response lost on the IPsec SA)",
                ev,
            );
        }
    } else {
        dx.headline(format!("{status} to {m}: a server on the path did not get a timely answer (next hop, DNS or HSS)"));
        // The causes a 504 suggests (knowledge base).
        if let Some(p) = kb::code_prose(status::SERVER_TIME_OUT) {
            let conf = prose_confidence(p);
            for cause in p.causes {
                dx.cause(conf, *cause, ev.clone());
            }
        }
        dx.inspect("DNS resolution of the next-hop domain and the Diameter Cx answer times at the I-CSCF/S-CSCF");
    }
    dx.inspect("Which node gave up: the element that generates a response adds no Via (the response carries the request's Vias, RFC 3261 §8.2.6.2), so the Via list cannot name it — read Server, a Warning agent, Response-Source (TS 24.229 §7.2.17) or the packet's source address; the hop it waited for is the next one on the request's route");
}

/// SL321: Retry-After on any response but 503 (which SL314 covers): when
/// the request may be retried or the callee is reachable (RFC 3261 §20.33).
pub(super) fn retry_after_present(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let Some(code) = cx.code.map(|c| c.0) else {
        return;
    };
    if code == status::SERVICE_UNAVAILABLE {
        return;
    }
    let Some((ra, _)) = &cx.retry_after else {
        return;
    };
    let m = cx.method_str();
    let status = status_text(cx);
    let span = value_span(cx, HeaderName::RetryAfter).unwrap_or(ra.delta.span());
    let when = ra.seconds.map_or_else(
        || format!("\"{}\" (unreadable)", ra.delta.as_str()),
        seconds_text,
    );
    let mut extra = String::new();
    if let Some(d) = ra.duration() {
        extra.push_str(&format!(", then reachable for {}", seconds_text(d)));
    }
    if let Some(c) = ra.comment {
        extra.push_str(&format!(", comment {}", c.as_str()));
    }
    let usual = matches!(
        code,
        status::NOT_FOUND
            | status::REQUEST_ENTITY_TOO_LARGE
            | status::TEMPORARILY_UNAVAILABLE
            | status::BUSY_HERE
            | status::SERVER_INTERNAL_ERROR
            | status::BUSY_EVERYWHERE
            | status::DECLINE
    );
    let callee = matches!(
        code,
        status::TEMPORARILY_UNAVAILABLE
            | status::BUSY_HERE
            | status::BUSY_EVERYWHERE
            | status::DECLINE
    );
    let note = if usual {
        String::new()
    } else {
        format!("; RFC 3261 §20.33 defines Retry-After for 404, 413, 480, 486, 500, 503, 600 and 603, so on {code} it is unusual")
    };
    dx.finding(
        Rule::RetryAfterPresent,
        span,
        format!("Retry-After on {status}: retry the {m} after {when}{extra}{note}"),
    );
    if callee {
        dx.cause(
            Confidence::High,
            format!("The callee says when it expects to be reachable again: after {when}{extra}"),
            vec![(span, format!("Retry-After: {when}"))],
        );
    }
    dx.step(format!("Do not retry the {m} before {when}"));
}
