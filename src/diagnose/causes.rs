//! Rule family SL2xx: cause semantics. What the `Reason` (RFC 3326;
//! RFC 6432 for responses; 3GPP TS 24.229 §7.2A.18 `RELEASE_CAUSE`) and
//! `Warning` (RFC 3261 §20.43) headers of this message say, and whether a
//! Q.850 cause agrees with the status code under RFC 3398 (§7.2.4.1 SIP →
//! ISUP, §8.2.6.1 ISUP → SIP).
//!
//! A Reason on a request (BYE, CANCEL) is decoded but never cross-checked:
//! it explains why a session ended, not a status code.

use super::context::{Check, Ctx, Dx};
use super::dto::Confidence;
use super::reason;
use super::reason::q850_consistent;
use crate::finding::Rule;
use crate::kb;
use crate::kb::{status, warning};
use crate::parse::diag::{ReasonProtocol, ReasonValue, WarningValue};
use crate::parse::find_bytes;
use crate::parse::params::{unescape, Param};
use crate::parse::sdp::Media;
use crate::quote::quote_str;
use crate::span::Span;
use crate::status::{Method, StatusCode};

/// The checks of this family.
pub(crate) static CHECKS: &[Check] = &[
    reason_decoded,
    q850_status_mismatch,
    sip_reason_differs,
    unknown_reason,
    warning_decoded,
    unregistered_warning,
    reason_on_success,
];

// ---- shared helpers (also used by the IMS family) --------------------------

/// The span of a parameter: its name through its value.
pub(super) fn param_span(p: &Param<'_>) -> Span {
    p.value
        .map_or(p.name.span(), |v| p.name.span().join(v.span()))
}

/// The span of one `reason-value`: protocol through its last parameter.
pub(super) fn reason_span(r: &ReasonValue<'_>) -> Span {
    r.params
        .iter()
        .fold(r.protocol.span(), |s, p| s.join(param_span(p)))
}

/// The span of the `cause` parameter, else of the whole value.
fn cause_span(r: &ReasonValue<'_>) -> Span {
    r.params
        .get("cause")
        .map_or_else(|| reason_span(r), param_span)
}

/// The span of one `warning-value`: code through text.
pub(super) fn warning_span(w: &WarningValue<'_>) -> Span {
    let s = w.code_text.span().join(w.agent.span());
    if w.text.is_empty() {
        s
    } else {
        s.join(w.text.span())
    }
}

/// The registered name of a reason cause: `User busy`, `Busy Here`,
/// `RTP/RTCP time-out`.
fn cause_name(r: &ReasonValue<'_>) -> Option<&'static str> {
    let c = r.cause()?;
    match r.protocol_kind() {
        ReasonProtocol::Q850 => u8::try_from(c).ok().and_then(kb::q850_info).map(|q| q.name),
        ReasonProtocol::Sip => {
            let l = kb::lookup_code(StatusCode(c));
            l.known.then_some(l.info.reason)
        }
        ReasonProtocol::ReleaseCause => u8::try_from(c)
            .ok()
            .and_then(kb::release_cause_info)
            .map(|rc| rc.text),
        ReasonProtocol::Other => reason::cause(&r.protocol.as_str(), c).map(|x| x.text),
    }
}

/// What a reason cause means, one or two sentences.
fn cause_meaning(r: &ReasonValue<'_>) -> Option<&'static str> {
    let c = r.cause()?;
    match r.protocol_kind() {
        ReasonProtocol::Q850 => u8::try_from(c)
            .ok()
            .and_then(kb::q850_info)
            .map(|q| q.explanation),
        ReasonProtocol::Sip => {
            let l = kb::lookup_code(StatusCode(c));
            l.known.then_some(l.info.description)
        }
        ReasonProtocol::ReleaseCause => u8::try_from(c)
            .ok()
            .and_then(kb::release_cause_info)
            .map(|rc| rc.meaning),
        ReasonProtocol::Other => reason::cause(&r.protocol.as_str(), c).map(|x| x.meaning),
    }
}

/// For a registered protocol whose values live in another specification's
/// table (EMM, S1AP-RNL, …): what kind of cause it is and where to look.
fn cause_kind(r: &ReasonValue<'_>) -> Option<String> {
    let proto = r.protocol.as_str();
    let p = reason::protocol(&proto)?;
    let named = r
        .cause()
        .is_some_and(|c| reason::cause(&proto, c).is_some());
    (r.protocol_kind() == ReasonProtocol::Other && !p.complete && !named)
        .then(|| format!("{} ({})", p.causes, p.spec))
}

/// A reason value named for people: `Q.850 cause 17 (User busy)`.
pub(super) fn describe_reason(r: &ReasonValue<'_>) -> String {
    let proto = r.protocol.as_str();
    match (r.cause(), r.cause_text()) {
        (Some(c), _) => {
            // `RELEASE_CAUSE 2`, but `Q.850 cause 17` and `SIP cause 486`.
            let label = if r.protocol_kind() == ReasonProtocol::ReleaseCause
                || r.protocol.eq_ignore_case("FAILURE_CAUSE")
            {
                format!("{proto} {c}")
            } else {
                format!("{proto} cause {c}")
            };
            match cause_name(r) {
                Some(n) => format!("{label} ({n})"),
                None => label,
            }
        }
        (None, Some(t)) => format!("{proto} with unreadable cause {}", quote_str(&t.as_str())),
        (None, None) => format!("{proto} without a cause"),
    }
}

/// The first clause of a sentence, for headlines: up to `;`, ` (` or a
/// full stop (not the one of `e.g.`/`i.e.`), first letter in lower case
/// unless it starts an acronym.
fn first_clause(s: &str) -> String {
    // Byte searches (`find_bytes`): `str::find` with a `&str` would link
    // core's two-way searcher into the core `.wasm` for these few needles.
    let find = |needle: &[u8], from: usize| {
        s.as_bytes()
            .get(from..)
            .and_then(|rest| find_bytes(rest, needle))
            .map(|i| from + i)
    };
    let mut stop = None;
    let mut from = 0;
    while let Some(i) = find(b". ", from) {
        if !s[..i].ends_with("e.g") && !s[..i].ends_with("i.e") {
            stop = Some(i);
            break;
        }
        from = i + 2;
    }
    let end = [find(b"; ", 0), find(b" (", 0), stop]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(s.len());
    let clause = s[..end].trim_end_matches('.');
    let mut chars = clause.chars();
    match (chars.next(), chars.next()) {
        // ASCII: the knowledge base's prose is; Unicode case tables would add ~12 KB to the core.
        (Some(a), Some(b)) if a.is_ascii_uppercase() && !b.is_uppercase() => {
            format!("{}{}", a.to_ascii_lowercase(), &clause[1..])
        }
        _ => clause.to_owned(),
    }
}

/// The formats of a media section as people name them:
/// `AMR-WB/16000, AMR/8000, telephone-event/16000`.
pub(super) fn codec_list(m: &Media<'_>) -> String {
    let names: Vec<String> = m
        .codecs()
        .iter()
        .map(|c| match c.clock_rate() {
            Some(r) => format!("{}/{r}", c.name()),
            None => c.name().into_owned(),
        })
        .collect();
    if names.is_empty() {
        "no formats".to_owned()
    } else {
        names.join(", ")
    }
}

/// The status line as `486 Busy Here`.
pub(super) fn status_text(cx: &Ctx<'_, '_>) -> String {
    match cx.msg.status_line() {
        Some(st) => {
            // `concat` and a truncation: one exact allocation, no formatting.
            let mut t = [&*st.code_text.as_str(), " ", &*st.reason.as_str()].concat();
            t.truncate(t.trim_end().len());
            t
        }
        None => cx.code.map_or_else(String::new, |c| c.0.to_string()),
    }
}

/// [`status_text`] for the rules that compare it with each Reason value;
/// `None` when the message has no Reason (nothing to build it for).
fn status_text_for_reasons(cx: &Ctx<'_, '_>) -> Option<String> {
    (!cx.reasons.is_empty()).then(|| status_text(cx))
}

// ---- the rules ----------------------------------------------------------------

/// SL201: decodes every Reason value (protocol, cause, text) into what it
/// means; on a failure response or a BYE/CANCEL the decoded cause is the
/// best explanation there is (RFC 3326 §2; RFC 6432; TS 24.229 §7.2A.18).
fn reason_decoded(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let failure = cx.code.is_some_and(|c| c.0 >= status::REDIRECTION_CLASS);
    let ending = cx.msg.is_request() && (cx.method_is(Method::Bye) || cx.method_is(Method::Cancel));
    for (r, _) in &cx.reasons {
        let what = describe_reason(r);
        let span = reason_span(r);
        let mut msg = format!("Reason {what}");
        if let Some(t) = r.text() {
            msg.push_str(&format!(", text \"{}\"", unescape(t)));
        }
        let meaning = cause_meaning(r);
        if let Some(m) = meaning {
            msg.push_str(": ");
            msg.push_str(m);
        } else if let Some(k) = cause_kind(r) {
            msg.push_str(&format!(": {k}; look the value up there"));
        }
        dx.finding(Rule::ReasonDecoded, span, msg);

        let Some(meaning) = meaning else { continue };
        let kind = r.protocol_kind();
        if failure {
            // Inconsistent Q.850 causes and foreign SIP causes get their own
            // causes from SL202/SL203.
            let own = match (kind, r.cause(), cx.code) {
                (ReasonProtocol::Q850, Some(c), Some(s)) => q850_consistent(c, s.0),
                (ReasonProtocol::ReleaseCause | ReasonProtocol::Other, Some(_), _) => true,
                _ => false,
            };
            if own {
                dx.cause(
                    Confidence::High,
                    format!("The releasing side gives {what}: {meaning}"),
                    vec![(span, format!("Reason: {what}"))],
                );
            }
        } else if ending {
            let method = cx.method_str();
            let is_elsewhere = kind == ReasonProtocol::Sip
                && r.cause() == Some(status::OK)
                && cx.method_is(Method::Cancel);
            let (headline, cause) = if is_elsewhere {
                (
                    format!("CANCEL with Reason {what}: another forked branch answered the call — the callee must not log a missed call"),
                    "The call was completed elsewhere: a forking proxy cancels the other branches once one device answered (Reason SIP;cause=200)".to_owned(),
                )
            } else {
                (
                    format!("{method} with Reason {what}: {}", first_clause(meaning)),
                    format!("The {method} states why the session ended: {what} — {meaning}"),
                )
            };
            dx.headline(headline);
            dx.cause(
                Confidence::High,
                cause,
                vec![(span, format!("Reason on the {method}: {what}"))],
            );
            if kind == ReasonProtocol::ReleaseCause {
                dx.spec("3GPP TS 24.229 §7.2A.18 (RELEASE_CAUSE)");
            } else if r.protocol.eq_ignore_case("FAILURE_CAUSE") {
                dx.spec("3GPP TS 24.229 §7.2A.18 (FAILURE_CAUSE)");
            }
        }
    }
}

/// SL202: on a final failure response (≥ 300), each Q.850 cause must map to
/// the status code under RFC 3398 (§7.2.4.1 SIP → ISUP, §8.2.6.1 ISUP →
/// SIP); e.g. 486 with cause 16 (normal clearing) is inconsistent.
fn q850_status_mismatch(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let Some(status) = cx.code.filter(|c| c.0 >= status::REDIRECTION_CLASS) else {
        return;
    };
    let Some(status_txt) = status_text_for_reasons(cx) else {
        return;
    };
    for (r, _) in &cx.reasons {
        if r.protocol_kind() != ReasonProtocol::Q850 {
            continue;
        }
        let Some(c) = r.cause() else { continue };
        if q850_consistent(c, status.0) {
            continue;
        }
        let what = describe_reason(r);
        let forward = match u8::try_from(c).ok().map(kb::q850_to_sip) {
            Some(rows) if rows.iter().any(|row| row.cause.is_some()) => {
                let targets: Vec<String> = rows
                    .iter()
                    .map(|row| match (row.sip, row.note) {
                        (Some(s), Some(n)) => format!("{s} ({n})"),
                        (Some(s), None) => s.to_string(),
                        (None, Some(n)) => format!("no failure response ({n})"),
                        (None, None) => "no failure response".to_owned(),
                    })
                    .collect();
                format!("RFC 3398 maps cause {c} to {}", targets.join(" or "))
            }
            _ => format!("cause {c} is not in the RFC 3398 table (default mapping 500)"),
        };
        let backward = kb::sip_to_q850(status.0).map(|row| match row.cause {
            Some(q) => format!("; {} maps to cause {q} ({})", status.0, row.cause_text),
            None => format!("; RFC 3398 gives no cause for {}", status.0),
        });
        let span = cause_span(r);
        dx.finding(
            Rule::Q850StatusMismatch,
            span,
            format!(
                "{what} does not fit {status_txt}: {forward}{}",
                backward.clone().unwrap_or_default()
            ),
        );
        dx.cause(
            Confidence::Medium,
            format!(
                "The node that mapped the release cause (MGCF, gateway or B2BUA) is inconsistent: {status_txt} says one thing, {what} another; the Q.850 cause is usually the closer report of what the CS side saw"
            ),
            vec![
                (span, format!("{what}{}", backward.unwrap_or_default())),
                cx.status_evidence(format!("the status chosen: {status_txt}")),
            ],
        );
        dx.inspect(format!(
            "The cause mapping of the MGCF/gateway that set {what} (RFC 3398 §7.2.4.1/§8.2.6.1, 3GPP TS 29.163 tables)"
        ));
        dx.spec("RFC 3398 §7.2.4.1, §8.2.6.1");
    }
}

/// SL203: a Reason with protocol SIP on a response names another status
/// than the response's own: the outcome of another leg (RFC 3326 §2).
fn sip_reason_differs(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let Some(status) = cx.code else { return };
    let Some(status_txt) = status_text_for_reasons(cx) else {
        return;
    };
    for (r, _) in &cx.reasons {
        if r.protocol_kind() != ReasonProtocol::Sip {
            continue;
        }
        let Some(c) = r.cause().filter(|&c| c != status.0) else {
            continue;
        };
        let what = describe_reason(r);
        let span = cause_span(r);
        dx.finding(
            Rule::SipReasonDiffers,
            span,
            format!(
                "Reason {what} differs from this {status_txt}: it carries the final response of another leg (a forked branch or the far side of a B2BUA)"
            ),
        );
        if status.0 >= status::REDIRECTION_CLASS {
            dx.cause(
                Confidence::High,
                format!(
                    "Another leg of the call ended with SIP {c}{}; this {status_txt} relays it",
                    cause_name(r).map(|n| format!(" {n}")).unwrap_or_default()
                ),
                vec![(reason_span(r), format!("Reason: {what}"))],
            );
            dx.inspect(format!(
                "The other leg or forked branch of this call that was answered {c} (same Call-ID upstream, or the B2BUA's correlated leg)"
            ));
        }
    }
}

/// SL204: a Reason value with an unregistered protocol, or a cause the
/// protocol does not define (RFC 3326 §2, §4; ITU-T Q.850; TS 24.229
/// §7.2A.18).
fn unknown_reason(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    for (r, _) in &cx.reasons {
        let proto = r.protocol.as_str();
        let kind = r.protocol_kind();
        if kind == ReasonProtocol::Other {
            let registered = reason::protocol(&proto);
            if let (Some(p), Some(c)) = (registered, r.cause()) {
                if p.complete && reason::cause(&proto, c).is_none() {
                    let defined: Vec<String> =
                        p.values.iter().map(|v| v.cause.to_string()).collect();
                    dx.finding(
                        Rule::UnknownReason,
                        cause_span(r),
                        format!(
                            "{} {c} is not defined ({}: {})",
                            p.name,
                            p.spec,
                            defined.join(", ")
                        ),
                    );
                }
            }
            if registered.is_none() {
                let known = reason::known_names();
                let shown: Vec<&str> = known.iter().take(5).copied().collect();
                dx.finding(
                    Rule::UnknownReason,
                    r.protocol.span(),
                    format!(
                        "Reason protocol {} is not registered (IANA Reason Protocols: {} known, e.g. {}, EMM, S1AP-RNL); {} can only be read with the sender's documentation",
                        quote_str(&proto),
                        known.len(),
                        shown.join(", "),
                        describe_reason(r)
                    ),
                );
            }
            continue;
        }
        let Some(c) = r.cause() else { continue };
        if cause_name(r).is_some() {
            continue;
        }
        let why = match kind {
            ReasonProtocol::Q850 if c > kb::Q850_MAX_CAUSE => {
                format!("Q.850 cause values are 7 bits (0–127); {c} cannot be a Q.850 cause")
            }
            ReasonProtocol::Q850 => format!("Q.850 defines no cause {c}"),
            ReasonProtocol::Sip => format!("SIP cause {c} is not a registered status code"),
            _ => {
                let known: Vec<String> = kb::release_causes()
                    .iter()
                    .map(|rc| rc.cause.to_string())
                    .collect();
                format!(
                    "RELEASE_CAUSE {c} is not defined by TS 24.229 (defined: {})",
                    known.join(", ")
                )
            }
        };
        dx.finding(Rule::UnknownReason, cause_span(r), why);
    }
}

/// What a 3xx Warning on a 488/606 says was wrong with the offer
/// (RFC 3261 §20.43), phrased for the cause list.
fn media_warning_cause(code: u16, agent: &str) -> Option<String> {
    Some(match code {
        warning::INCOMPATIBLE_NETWORK_PROTOCOL => format!("The network protocol of the offer (c=/o= nettype) is not available at {agent}"),
        warning::INCOMPATIBLE_NETWORK_ADDRESS_FORMATS => format!("The address format of the offer is not usable by {agent} (e.g. IP6 offered to an IPv4-only P-CSCF/IMS-AGW or gateway)"),
        warning::INCOMPATIBLE_TRANSPORT_PROTOCOL => format!("The transport profile of the offer is not supported by {agent} (e.g. RTP/SAVP or RTP/AVPF where only RTP/AVP is accepted)"),
        warning::INCOMPATIBLE_BANDWIDTH_UNITS => format!("The bandwidth units of the offer (b=) are not understood by {agent}"),
        warning::MEDIA_TYPE_NOT_AVAILABLE => format!("The offered media type is not available at {agent} (e.g. video or text offered to a voice-only node)"),
        warning::INCOMPATIBLE_MEDIA_FORMAT => format!("The offered codecs are not supported by {agent}: no common media format (e.g. AMR-WB/EVS offered to a G.711-only gateway without transcoding)"),
        warning::ATTRIBUTE_NOT_UNDERSTOOD => format!("An SDP attribute of the offer is not understood by {agent}"),
        warning::SESSION_DESCRIPTION_PARAMETER_NOT_UNDERSTOOD => format!("An SDP parameter of the offer is not understood by {agent}"),
        warning::INSUFFICIENT_BANDWIDTH => format!("The offered bandwidth exceeds what {agent} allows (b=AS above the policy or PCRF/PCF authorisation)"),
        _ => return None,
    })
}

/// SL205: decodes every Warning value (code, agent, text) with the
/// registered meaning of its code; on a 488/606 a 3xx code says which part
/// of the offer failed (RFC 3261 §20.43, §21.4.26, §21.6.4).
fn warning_decoded(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let media_reject = cx.is(status::NOT_ACCEPTABLE_HERE) || cx.is(status::GLOBAL_NOT_ACCEPTABLE);
    let failure = cx.code.is_some_and(|c| c.0 >= status::REDIRECTION_CLASS);
    let sdp = if media_reject { cx.sdp() } else { None };
    for w in &cx.warnings {
        let span = warning_span(w);
        let agent = w.agent.as_str();
        let text = unescape(w.text);
        let info = w.code.and_then(kb::warning_info);
        let code = w.code_text.as_str();
        let msg = match info {
            Some(i) => format!(
                "Warning {code} ({}) from {agent}: \"{text}\" — {}",
                i.text, i.meaning
            ),
            None => format!("Warning {code} from {agent}: \"{text}\" (code not registered)"),
        };
        dx.finding(Rule::WarningDecoded, span, msg);

        let Some(c) = w.code else { continue };
        if media_reject {
            if let Some(mut cause) = media_warning_cause(c, &agent) {
                let mut evidence = vec![(span, format!("Warning {code} \"{text}\" from {agent}"))];
                if matches!(
                    c,
                    warning::MEDIA_TYPE_NOT_AVAILABLE | warning::INCOMPATIBLE_MEDIA_FORMAT
                ) {
                    if let Some(sdp) = &sdp {
                        let listed: Vec<String> = sdp
                            .media
                            .iter()
                            .map(|m| {
                                if m.is_rejected() {
                                    format!("m={} rejected (port 0)", m.media.as_str())
                                } else {
                                    format!("m={} {}", m.media.as_str(), codec_list(m))
                                }
                            })
                            .collect();
                        if !listed.is_empty() {
                            cause.push_str(&format!(
                                "; the SDP in this message lists {}",
                                listed.join("; ")
                            ));
                        }
                        for m in &sdp.media {
                            evidence.push((
                                m.line.span,
                                format!("m={}: {}", m.media.as_str(), codec_list(m)),
                            ));
                        }
                    }
                }
                dx.cause(Confidence::High, cause, evidence);
                continue;
            }
        }
        if failure
            && (c == warning::MISCELLANEOUS_WARNING || info.is_none())
            && !text.trim().is_empty()
        {
            dx.cause(
                Confidence::Medium,
                format!("{agent} explains the failure in a Warning: \"{text}\""),
                vec![(span, format!("Warning {code} from {agent}"))],
            );
        }
    }
}

/// SL206: a Warning code that is not in the IANA warn-code registry
/// (RFC 3261 §20.43, §27.2); 392 is the OpenSER/Kamailio debug warning.
fn unregistered_warning(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    for w in &cx.warnings {
        let Some(c) = w.code else { continue };
        if kb::warning_info(c).is_some() {
            continue;
        }
        let msg = if c == warning::OPENSER_DEBUG {
            format!(
                "Warning code 392 is not registered: it is the OpenSER/Kamailio debug warning (\"Noisy feedback tells: …\", core option sip_warning) from {}; it exposes internal routing state and should be off in production",
                w.agent.as_str()
            )
        } else {
            let known: Vec<String> = kb::warnings().iter().map(|k| k.code.to_string()).collect();
            format!(
                "Warning code {c} is not in the IANA registry ({}); its meaning is private to {}",
                known.join(", "),
                w.agent.as_str()
            )
        };
        dx.finding(Rule::UnregisteredWarning, w.code_text.span(), msg);
    }
}

/// SL207: a Reason on a 1xx or 2xx response (RFC 6432 defines Reason in
/// responses for failure causes).
fn reason_on_success(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let Some(status) = cx
        .code
        .filter(|c| (status::PROVISIONAL_CLASS..status::REDIRECTION_CLASS).contains(&c.0))
    else {
        return;
    };
    let Some(status_txt) = status_text_for_reasons(cx) else {
        return;
    };
    for (r, _) in &cx.reasons {
        let what = describe_reason(r);
        let why = if status.0 < status::SUCCESS_CLASS {
            "on a provisional response it usually accompanies early media announcing a failure from the CS side (tone or announcement) or echoes another leg; the request has not failed yet"
        } else {
            "on a success response it echoes another leg (a cancelled forked branch, an earlier attempt); the request itself succeeded"
        };
        dx.finding(
            Rule::ReasonOnSuccess,
            reason_span(r),
            format!("Reason {what} on {status_txt}: {why}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::decode;

    /// Runs this family only.
    fn run(input: &[u8]) -> Dx {
        crate::diagnose::run_family(CHECKS, input)
    }

    fn spans_of<'i>(dx: &Dx, rule: Rule, input: &'i [u8]) -> Vec<&'i str> {
        dx.findings
            .iter()
            .filter(|f| f.rule == rule)
            .map(|f| std::str::from_utf8(f.span.slice(input)).unwrap())
            .collect()
    }

    fn has(dx: &Dx, rule: Rule) -> bool {
        dx.findings.iter().any(|f| f.rule == rule)
    }

    const BUSY_16: &[u8] = b"SIP/2.0 486 Busy Here\r\n\
Via: SIP/2.0/UDP pcscf.ims.mnc001.mcc001.3gppnetwork.org:5060;branch=z9hG4bK7c1a.3f2e\r\n\
Via: SIP/2.0/UDP [2001:db8:10::5]:5060;received=2001:db8:10::5;rport=5060;branch=z9hG4bKnashds8\r\n\
From: <sip:+4915112345678@ims.mnc001.mcc001.3gppnetwork.org>;tag=8f3c21\r\n\
To: <tel:+4930123456>;tag=mgcf-51a2\r\n\
Call-ID: a84b4c76e66710@2001:db8:10::5\r\n\
CSeq: 1 INVITE\r\n\
P-Asserted-Identity: <sip:mgcf1.ims.mnc001.mcc001.3gppnetwork.org>\r\n\
Reason: Q.850;cause=16;text=\"Normal call clearing\"\r\n\
Content-Length: 0\r\n\r\n";

    const BUSY_17: &[u8] = b"SIP/2.0 486 Busy Here\r\n\
Via: SIP/2.0/UDP pcscf.ims.mnc001.mcc001.3gppnetwork.org:5060;branch=z9hG4bK7c1a.3f2e\r\n\
From: <sip:+4915112345678@ims.mnc001.mcc001.3gppnetwork.org>;tag=8f3c21\r\n\
To: <tel:+4930123456>;tag=mgcf-51a2\r\n\
Call-ID: a84b4c76e66710@2001:db8:10::5\r\n\
CSeq: 1 INVITE\r\n\
Reason: Q.850;cause=17;text=\"User busy\"\r\n\
Content-Length: 0\r\n\r\n";

    const BYE_RTP: &[u8] = b"BYE sip:+4930123456@[2001:db8:20::7]:5060 SIP/2.0\r\n\
Via: SIP/2.0/UDP pcscf.ims.mnc001.mcc001.3gppnetwork.org:5060;branch=z9hG4bK55aa01\r\n\
Max-Forwards: 70\r\n\
From: <sip:+4915112345678@ims.mnc001.mcc001.3gppnetwork.org>;tag=8f3c21\r\n\
To: <tel:+4930123456>;tag=mgcf-51a2\r\n\
Call-ID: a84b4c76e66710@2001:db8:10::5\r\n\
CSeq: 3 BYE\r\n\
Reason: RELEASE_CAUSE;cause=2;text=\"RTP/RTCP time-out\"\r\n\
Content-Length: 0\r\n\r\n";

    #[test]
    fn sl201_decodes_q850_and_release_cause() {
        let dx = run(BUSY_17);
        assert_eq!(
            spans_of(&dx, Rule::ReasonDecoded, BUSY_17),
            ["Q.850;cause=17;text=\"User busy\""]
        );
        let f = dx
            .findings
            .iter()
            .find(|f| f.rule == Rule::ReasonDecoded)
            .unwrap();
        assert!(
            f.message.contains("Q.850 cause 17 (User busy)"),
            "{}",
            f.message
        );
        let c = &dx.causes[0];
        assert_eq!(c.confidence, Confidence::High);
        assert!(c.text.contains("Q.850 cause 17 (User busy)"), "{}", c.text);
        assert_eq!(
            c.evidence[0].0.slice(BUSY_17),
            b"Q.850;cause=17;text=\"User busy\""
        );

        let dx = run(BYE_RTP);
        let f = dx
            .findings
            .iter()
            .find(|f| f.rule == Rule::ReasonDecoded)
            .unwrap();
        assert!(
            f.message.contains("RELEASE_CAUSE 2 (RTP/RTCP time-out)"),
            "{}",
            f.message
        );
        let h = dx.headline.as_deref().unwrap();
        assert_eq!(
            h,
            "BYE with Reason RELEASE_CAUSE 2 (RTP/RTCP time-out): no RTP/RTCP received for the configured inactivity time"
        );
        // Not a response: no cross-check.
        assert!(!has(&dx, Rule::Q850StatusMismatch) && !has(&dx, Rule::ReasonOnSuccess));
    }

    #[test]
    fn sl201_negative_without_reason() {
        let input = b"SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
        let dx = run(input);
        assert!(!has(&dx, Rule::ReasonDecoded));
        assert!(dx.causes.is_empty());
    }

    #[test]
    fn sl202_flags_486_with_cause_16() {
        let dx = run(BUSY_16);
        assert_eq!(
            spans_of(&dx, Rule::Q850StatusMismatch, BUSY_16),
            ["cause=16"]
        );
        let f = dx
            .findings
            .iter()
            .find(|f| f.rule == Rule::Q850StatusMismatch)
            .unwrap();
        assert!(f.message.contains("486 maps to cause 17"), "{}", f.message);
        let c = dx
            .causes
            .iter()
            .find(|c| c.text.contains("inconsistent"))
            .unwrap();
        assert_eq!(c.confidence, Confidence::Medium);
        assert_eq!(c.evidence[0].0.slice(BUSY_16), b"cause=16");
        // The inconsistent cause is not presented as the explanation.
        assert!(!dx
            .causes
            .iter()
            .any(|c| c.text.starts_with("The releasing side")));
    }

    #[test]
    fn sl202_negative_consistent_and_requests() {
        assert!(!has(&run(BUSY_17), Rule::Q850StatusMismatch));
        let bye = b"BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nMax-Forwards: 70\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 2 BYE\r\nReason: Q.850;cause=16\r\nContent-Length: 0\r\n\r\n";
        assert!(!has(&run(bye), Rule::Q850StatusMismatch));
    }

    #[test]
    fn sl203_sip_reason_of_another_leg() {
        let input = b"SIP/2.0 480 Temporarily Unavailable\r\n\
Via: SIP/2.0/TCP scscf.ims.example.com;branch=z9hG4bK2d4790\r\n\
From: <sip:alice@ims.example.com>;tag=1928301774\r\n\
To: <sip:bob@ims.example.com>;tag=as-77\r\n\
Call-ID: 3848276298220188511@ims.example.com\r\n\
CSeq: 314159 INVITE\r\n\
Reason: SIP;cause=486;text=\"Busy Here\"\r\n\
Content-Length: 0\r\n\r\n";
        let dx = run(input);
        assert_eq!(spans_of(&dx, Rule::SipReasonDiffers, input), ["cause=486"]);
        let c = dx
            .causes
            .iter()
            .find(|c| c.text.contains("Another leg"))
            .unwrap();
        assert_eq!(c.confidence, Confidence::High);
        assert!(c.text.contains("SIP 486 Busy Here"), "{}", c.text);
        // Same code: an echo, not another leg.
        let same = b"SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nReason: SIP;cause=486\r\nContent-Length: 0\r\n\r\n";
        assert!(!has(&run(same), Rule::SipReasonDiffers));
    }

    #[test]
    fn sl204_unknown_protocol_and_cause() {
        let input = b"SIP/2.0 500 Server Internal Error\r\n\
Via: SIP/2.0/UDP sbc.example.net;branch=z9hG4bKx1\r\n\
From: <sip:a@example.net>;tag=1\r\n\
To: <sip:b@example.net>;tag=2\r\n\
Call-ID: c1@example.net\r\n\
CSeq: 1 INVITE\r\n\
Reason: X-VENDOR;cause=77, Q.850;cause=200, RELEASE_CAUSE;cause=9\r\n\
Content-Length: 0\r\n\r\n";
        let dx = run(input);
        assert_eq!(
            spans_of(&dx, Rule::UnknownReason, input),
            ["X-VENDOR", "cause=200", "cause=9"]
        );
        assert!(!has(&run(BUSY_17), Rule::UnknownReason));
    }

    const REJECT_305: &[u8] = b"SIP/2.0 488 Not Acceptable Here\r\n\
Via: SIP/2.0/UDP pcscf.ims.example.com:5060;branch=z9hG4bK4b43c2ff8.1\r\n\
From: <sip:+4915112345678@ims.example.com>;tag=8f3c21\r\n\
To: <tel:+4930123456>;tag=mgcf-9\r\n\
Call-ID: 77a1c2@2001:db8:10::5\r\n\
CSeq: 1 INVITE\r\n\
Warning: 305 mgcf1.ims.example.com \"Incompatible media format\"\r\n\
Content-Type: application/sdp\r\n\
Content-Length: 131\r\n\
\r\n\
v=0\r\n\
o=- 1 1 IN IP4 192.0.2.10\r\n\
s=-\r\n\
c=IN IP4 192.0.2.10\r\n\
t=0 0\r\n\
m=audio 49170 RTP/AVP 8 0 101\r\n\
a=rtpmap:101 telephone-event/8000\r\n";

    #[test]
    fn sl205_warning_305_on_488_lists_codecs() {
        let dx = run(REJECT_305);
        assert_eq!(
            spans_of(&dx, Rule::WarningDecoded, REJECT_305),
            ["305 mgcf1.ims.example.com \"Incompatible media format\""]
        );
        let c = &dx.causes[0];
        assert_eq!(c.confidence, Confidence::High);
        assert!(
            c.text.contains("not supported by mgcf1.ims.example.com"),
            "{}",
            c.text
        );
        assert!(
            c.text
                .contains("PCMA/8000, PCMU/8000, telephone-event/8000"),
            "{}",
            c.text
        );
        assert_eq!(
            c.evidence[0].0.slice(REJECT_305),
            b"305 mgcf1.ims.example.com \"Incompatible media format\""
        );
        assert_eq!(
            c.evidence[1].0.slice(REJECT_305),
            b"m=audio 49170 RTP/AVP 8 0 101"
        );
    }

    #[test]
    fn sl205_negative_without_warning() {
        let dx = run(BUSY_17);
        assert!(!has(&dx, Rule::WarningDecoded));
        // A Warning on another code is decoded but adds no media cause.
        let input = b"SIP/2.0 403 Forbidden\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nWarning: 305 h \"x\"\r\nContent-Length: 0\r\n\r\n";
        let dx = run(input);
        assert!(has(&dx, Rule::WarningDecoded));
        assert!(dx.causes.is_empty());
    }

    #[test]
    fn sl206_unregistered_warning_392() {
        let input = b"SIP/2.0 404 Not Found\r\n\
Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK3f1\r\n\
From: <sip:alice@example.org>;tag=a1\r\n\
To: <sip:bob@example.org>;tag=b2\r\n\
Call-ID: 1-2345@10.0.0.5\r\n\
CSeq: 1 INVITE\r\n\
Warning: 392 10.0.0.1:5060 \"Noisy feedback tells: pid=1234 req_src_ip=10.0.0.5 req_src_port=5060\"\r\n\
Content-Length: 0\r\n\r\n";
        let dx = run(input);
        assert_eq!(spans_of(&dx, Rule::UnregisteredWarning, input), ["392"]);
        let f = dx
            .findings
            .iter()
            .find(|f| f.rule == Rule::UnregisteredWarning)
            .unwrap();
        assert!(f.message.contains("Kamailio"), "{}", f.message);
        assert!(!has(&run(REJECT_305), Rule::UnregisteredWarning));
    }

    #[test]
    fn sl207_reason_on_183() {
        let input = b"SIP/2.0 183 Session Progress\r\n\
Via: SIP/2.0/UDP pcscf.ims.example.com;branch=z9hG4bK9a\r\n\
From: <sip:alice@ims.example.com>;tag=1\r\n\
To: <tel:+4930123456>;tag=mgcf-2\r\n\
Call-ID: e1@ims.example.com\r\n\
CSeq: 1 INVITE\r\n\
Reason: Q.850;cause=17\r\n\
Content-Length: 0\r\n\r\n";
        let dx = run(input);
        assert_eq!(
            spans_of(&dx, Rule::ReasonOnSuccess, input),
            ["Q.850;cause=17"]
        );
        assert!(!has(&dx, Rule::Q850StatusMismatch));
        assert!(dx.causes.is_empty());
        assert!(!has(&run(BUSY_17), Rule::ReasonOnSuccess));
    }

    #[test]
    fn reason_dto_agrees_with_sl202() {
        let d = decode(BUSY_16);
        assert_eq!(d.diagnosis.reasons[0].consistent_with_status, Some(false));
        assert!(d.findings.iter().any(|f| f.id == "SL202"));
    }
}
