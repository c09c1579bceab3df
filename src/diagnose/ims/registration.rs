//! IMS rules on registration outcomes other than a challenge: a 403 to
//! REGISTER and the interval of a 423/422 (RFC 3261 §10.3, RFC 4028;
//! TS 24.229 §5.1.1.2).

use super::super::causes::status_text;
use super::super::context::{Ctx, Dx};
use super::super::dto::Confidence;
use super::common::*;
use crate::finding::Rule;
use crate::header_name::HeaderName;
use crate::kb::status;
use crate::parse::find_bytes;
use crate::parse::scalar::parse_session_interval;
use crate::status::Method;

/// SL305: a 403 to REGISTER: provisioning, barring, roaming, identity
/// mismatch or failed authentication (TS 24.229 §5.1.1.5.1, §5.4.1.2.3;
/// RFC 3261 §21.4.4).
pub(super) fn register_forbidden(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !(cx.is(status::FORBIDDEN) && cx.method_is(Method::Register)) {
        return;
    }
    let Some(st) = cx.msg.status_line() else {
        return;
    };
    let phrase = st.reason.as_str().into_owned();
    let standard = phrase.is_empty() || st.reason.eq_ignore_case("Forbidden");
    let seq = cx.cseq.and_then(|c| c.seq);
    let mut msg = format!("403 {phrase} to REGISTER");
    if let Some(n) = seq {
        msg.push_str(&format!(" (CSeq {n})"));
    }
    msg.push_str(": registration refused");
    if !standard {
        msg.push_str(&format!("; the reason phrase \"{phrase}\" names the cause"));
    }
    dx.finding(Rule::RegisterForbidden, cx.msg.start_line_span(), msg);
    dx.headline(if standard {
        "403 to REGISTER: registration refused — fix the subscription or credentials; re-sending the same REGISTER will not help".to_owned()
    } else {
        format!("403 to REGISTER (\"{phrase}\"): registration refused — fix the subscription or credentials; re-sending the same REGISTER will not help")
    });

    let cseq_ev = cx
        .evidence(
            HeaderName::CSeq,
            format!(
                "CSeq {}: this REGISTER followed an earlier one (usually the challenged one)",
                seq.unwrap_or(0)
            ),
        )
        .filter(|_| seq.is_some_and(|n| n > 1));
    let mut auth_phrase = false;
    if !standard {
        let p = phrase.to_ascii_lowercase();
        let has = |words: &[&str]| {
            words
                .iter()
                .any(|w| find_bytes(p.as_bytes(), w.as_bytes()).is_some())
        };
        auth_phrase = has(&["password", "auth", "credential", "digest", "response"]);
        let text = if auth_phrase {
            "Authentication failed: the response to the challenge did not match (for AKA, K/OPc on the ISIM differ from the HSS/AuC or the RES answers an old challenge; for SIP Digest, a wrong password)".to_owned()
        } else if has(&["roam", "visited"]) {
            "Roaming is not allowed for this subscriber in the visited network (HSS answered the UAR with DIAMETER_ERROR_ROAMING_NOT_ALLOWED)".to_owned()
        } else if has(&["bar"]) {
            "The public user identity is barred in the HSS".to_owned()
        } else if has(&["match", "mismatch"]) {
            "The IMPU does not belong to the IMPI of this REGISTER (HSS: DIAMETER_ERROR_IDENTITIES_DONT_MATCH)".to_owned()
        } else if has(&[
            "unknown",
            "not found",
            "provision",
            "subscri",
            "not registered",
        ]) {
            "The identity is not provisioned in the HSS (UAR/MAR answered DIAMETER_ERROR_USER_UNKNOWN)".to_owned()
        } else {
            format!("The registrar states the reason in the reason phrase: \"{phrase}\"")
        };
        let mut ev = vec![(
            st.reason.span(),
            format!("reason phrase \"{phrase}\" instead of \"Forbidden\""),
        )];
        if auth_phrase {
            ev.extend(cseq_ev.clone());
        }
        dx.cause(Confidence::High, text, ev);
    }
    let ims = cx.ims_evidence().is_some();
    if let Some(ev) = cx.evidence(
        HeaderName::PVisitedNetworkId,
        "P-Visited-Network-ID: the subscriber registers from a visited network",
    ) {
        dx.cause(
            Confidence::Medium,
            "Roaming is not allowed for this subscriber in the visited network named by P-Visited-Network-ID (HSS: DIAMETER_ERROR_ROAMING_NOT_ALLOWED)",
            vec![ev],
        );
    }
    if let Some(ev) = cseq_ev.filter(|_| !auth_phrase) {
        dx.cause(
            Confidence::Medium,
            if ims {
                "Authentication failed after the challenge: the S-CSCF answers 403 when the response in Authorization does not match the expected RES/digest (TS 24.229 §5.4.1.2.3)"
            } else {
                "Authentication failed after the challenge: the registrar refuses a response in Authorization that does not match (wrong password or user name for the realm)"
            },
            vec![ev],
        );
    }
    if standard && !ims {
        let ev = vec![cx.status_evidence("403 to REGISTER with the plain reason phrase")];
        dx.cause(
            Confidence::Medium,
            "The registrar does not allow this user to register here: the account is unknown, disabled or not allowed from this address (ACL), or the credentials are valid but not authorised for this domain",
            ev,
        );
        dx.inspect("The registrar's account and ACL for this address-of-record and source address");
        dx.step("Do not retry with the same identity and credentials (RFC 3261 §21.4.4); fix the account or the client configuration, then register again");
        // The knowledge base's 403 text is the IMS one (HSS, Cx).
        dx.replace_kb_advice();
        return;
    }
    if standard {
        let ev = vec![cx.status_evidence("403 to REGISTER with the plain reason phrase")];
        dx.cause(
            Confidence::Medium,
            "The IMPI or IMPU is not provisioned in the HSS, or the IMPU is not in this IMPI's subscription (UAR/MAR: DIAMETER_ERROR_USER_UNKNOWN or DIAMETER_ERROR_IDENTITIES_DONT_MATCH; the I-CSCF/S-CSCF then answers 403)",
            ev.clone(),
        );
        dx.cause(
            Confidence::Medium,
            "The subscription is barred or not authorised for IMS/VoLTE in this network (HSS barring or roaming restriction; DIAMETER_AUTHORIZATION_REJECTED)",
            ev,
        );
    }
    dx.inspect("The Cx answers for this IMPI/IMPU at the I-CSCF and S-CSCF (UAA/MAA/SAA Result-Code or Experimental-Result-Code)");
    dx.inspect("HSS provisioning of the IMPI and its IMPUs: implicit registration set, barring, roaming and authentication scheme");
    dx.step("Do not retry with the same identities and credentials (RFC 3261 §21.4.4); fix the HSS provisioning or the ISIM/credentials, then register again");
    dx.spec("3GPP TS 24.229 §5.1.1.5.1, §5.3.1.2, §5.4.1.2.3; TS 29.228");
}

/// SL318: a 423 (Min-Expires) or 422 (Min-SE): retry with an interval at
/// least the server's minimum (RFC 3261 §10.2.8; RFC 4028 §6).
pub(super) fn interval_too_small(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let (header, what, retry) = if cx.is(status::INTERVAL_TOO_BRIEF) {
        (
            HeaderName::MinExpires,
            "Min-Expires",
            "Expires (or the Contact expires parameter)",
        )
    } else if cx.is(status::SESSION_INTERVAL_TOO_SMALL) {
        (HeaderName::MinSe, "Min-SE", "Session-Expires and Min-SE")
    } else {
        return;
    };
    let Some(h) = cx.msg.header(header) else {
        return;
    };
    let mut sink = Vec::new();
    let secs = parse_session_interval(h.value, what, &mut sink).seconds;
    let m = cx.method_str();
    let status = status_text(cx);
    let value = secs.map_or_else(|| h.value.as_str().into_owned(), seconds_text);
    dx.finding(
        Rule::IntervalTooSmall,
        h.value.span(),
        format!("{status} to {m}: {what} {value} — the requested interval is below the server's minimum"),
    );
    let n = secs.map_or_else(|| h.value.as_str().into_owned(), |s| s.to_string());
    dx.headline(format!(
        "{status} to {m}: interval too short — retry with {retry} ≥ {n} s"
    ));
    dx.cause(
        Confidence::High,
        format!(
            "The {m} asked for a shorter {} than the server allows ({what} {value})",
            if cx.is(status::INTERVAL_TOO_BRIEF) {
                "registration/subscription expiry"
            } else {
                "session refresh interval"
            }
        ),
        vec![(h.value.span(), format!("{what}: {value}"))],
    );
    dx.step(format!("Re-send the {m} with {retry} ≥ {n} s"));
}
