//! Rule family `companions` (SL120–SL130): headers a status code is
//! useless without — the challenge of a 401/407 (RFC 3261 §21.4.2,
//! §21.4.8), Allow in 405 (§21.4.6), Unsupported/Require in 420/421
//! (§21.4.15-16), Min-SE in 422 (RFC 4028 §6), Min-Expires in 423
//! (§21.4.17), Security-Server in 494 (RFC 3329 §2.3.1), Contact in 3xx
//! (§21.3), Warning in 488 (§14.2, §20.43; a MAY in 606, §21.6.4) and Accept* in 415
//! (§21.4.13).
//!
//! The knowledge base drives every rule: a header entry of a code's row in
//! `data/codes/*.toml` names its rule (`companion = "SL120"`) and what the
//! client cannot do without it (`without`). Headers of one row naming the
//! same rule are alternatives: any one satisfies it (415: Accept,
//! Accept-Encoding or Accept-Language). An unregistered code is judged by
//! the row it is read as (an unknown 3xx by 300's, RFC 3261 §8.1.3.2).

use super::context::{Check, Ctx, Dx};

use super::dto::Confidence;
use crate::finding::{Rule, RULE_META};
use crate::header_name::HeaderName;
use crate::kb::{self, status, HeaderRule};

/// The checks of this family.
pub(crate) static CHECKS: &[Check] = &[missing_companion];

/// One companion requirement of a code, gathered from its header entries.
struct Companion {
    /// The rule that fires.
    rule: Rule,
    /// Any one of these satisfies it, in data order.
    headers: Vec<&'static HeaderRule>,
    /// What the client cannot do without it: "the client cannot …".
    cannot: &'static str,
}

/// The companion requirements of a code's knowledge-base row, in the
/// order of their first header.
fn companions(code: u16) -> Vec<Companion> {
    let mut out: Vec<Companion> = Vec::new();
    for h in kb::status_info(code).headers {
        let Some(id) = h.companion else { continue };
        let Some(rule) = RULE_META.iter().find(|(_, i)| i.id == id).map(|(r, _)| *r) else {
            continue;
        };
        match out.iter_mut().find(|c| c.rule == rule) {
            Some(c) => c.headers.push(h),
            None => out.push(Companion {
                rule,
                headers: vec![h],
                cannot: h.without.unwrap_or_default(),
            }),
        }
    }
    out
}

/// When a requirement does not apply: a 380 that carries its alternative
/// service in the body needs no Contact.
fn exempt(rule: Rule, cx: &Ctx<'_, '_>) -> bool {
    rule == Rule::RedirectWithoutContact && alternative_service_body(cx)
}

/// A 380 whose alternative service is described in an
/// `application/3gpp-ims+xml` body (3GPP TS 24.229 §7.6, §5.1.6.8), not in
/// Contact.
fn alternative_service_body(cx: &Ctx<'_, '_>) -> bool {
    if !cx.is(status::ALTERNATIVE_SERVICE) || cx.msg.body().trim().is_empty() {
        return false;
    }
    cx.views
        .content_type()
        .is_some_and(|ct| ct.is("application", "3gpp-ims+xml"))
}

/// The header's registered spelling, else the data's.
fn display_name(h: &HeaderRule) -> &'static str {
    HeaderName::from_bytes(h.name.as_bytes()).map_or(h.name, HeaderName::as_str)
}

/// "A", "A or B", "A, B or C".
fn any_of(names: &[&'static HeaderRule]) -> String {
    match names {
        [] => String::new(),
        [one] => display_name(one).to_owned(),
        [rest @ .., last] => format!(
            "{} or {}",
            rest.iter()
                .map(|h| display_name(h))
                .collect::<Vec<_>>()
                .join(", "),
            display_name(last)
        ),
    }
}

/// SL120–SL130: the response lacks every header of a companion
/// requirement of its code.
///
/// Severity comes from the rule: MUST in the defining spec → Error
/// (RFC 3261 §21.4.2, §21.4.6, §21.4.8, §21.4.15, §21.4.17; RFC 4028 §6;
/// RFC 3329 §2.3.1), SHOULD or common practice → Warning (§21.3, §21.4.13,
/// §21.4.16, §14.2/§20.43 for 488). The finding points at the status line; a
/// High cause explains what the client cannot do.
fn missing_companion(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let Some(code) = cx.code else { return };
    for row in companions(code.0) {
        let present = |h: &&HeaderRule| {
            HeaderName::from_bytes(h.name.as_bytes()).is_some_and(|n| cx.msg.header(n).is_some())
        };
        if row.headers.iter().any(present) || exempt(row.rule, cx) {
            continue;
        }
        let names = any_of(&row.headers);
        let phrase = cx.msg.status_line().map(|s| s.reason.as_str());
        let status = match phrase.as_deref().map(str::trim) {
            Some(p) if !p.is_empty() => format!("{} {p}", code.0),
            _ => code.0.to_string(),
        };
        let info = row.rule.meta();
        dx.finding(
            row.rule,
            cx.msg.start_line_span(),
            format!("{status} has no {names} header ({})", info.spec),
        );
        dx.cause(
            Confidence::High,
            format!(
                "the response lacks {names}, so the client cannot {}",
                row.cannot
            ),
            vec![cx.status_evidence(format!("{status} without {names}"))],
        );
        dx.inspect(format!(
            "Whether the element that generated the {} sent {names} and an SBC/B2BUA on the way stripped it",
            code.0
        ));
        dx.spec(info.spec);
    }
}

#[cfg(test)]
mod tests {
    use super::super::context::Dx;
    use super::super::dto::Confidence;
    use super::*;
    use crate::finding::{Severity, RULES};
    use crate::kb;

    fn run(input: &[u8]) -> Dx {
        crate::diagnose::run_family(CHECKS, input)
    }

    fn response(status: &str, cseq: &str, extra: &str) -> Vec<u8> {
        format!(
            "SIP/2.0 {status}\r\n\
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;received=192.0.2.10\r\n\
From: <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
To: <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n\
Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n\
CSeq: {cseq}\r\n{extra}Content-Length: 0\r\n\r\n"
        )
        .into_bytes()
    }

    /// (status, CSeq, the rule, a header that satisfies it)
    #[rustfmt::skip]
    const CASES: &[(&str, &str, Rule, &str)] = &[
        ("401 Unauthorized", "1 REGISTER", Rule::MissingWwwAuthenticate,
            "WWW-Authenticate: Digest realm=\"ims.example.net\", nonce=\"dcd98b7102dd2f0e\", algorithm=MD5\r\n"),
        ("407 Proxy Authentication Required", "1 INVITE", Rule::MissingProxyAuthenticate,
            "Proxy-Authenticate: Digest realm=\"atlanta.example.com\", nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", qop=\"auth\"\r\n"),
        ("405 Method Not Allowed", "1 PUBLISH", Rule::MissingAllow,
            "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE\r\n"),
        ("420 Bad Extension", "1 INVITE", Rule::MissingUnsupported, "Unsupported: foo\r\n"),
        ("421 Extension Required", "1 INVITE", Rule::MissingRequire, "Require: 100rel\r\n"),
        ("422 Session Interval Too Small", "1 INVITE", Rule::MissingMinSe, "Min-SE: 1800\r\n"),
        ("423 Interval Too Brief", "2 REGISTER", Rule::MissingMinExpires, "Min-Expires: 3600\r\n"),
        ("494 Security Agreement Required", "1 REGISTER", Rule::MissingSecurityServer,
            "Security-Server: ipsec-3gpp;q=0.1;alg=hmac-sha-1-96;spi-c=1111;spi-s=2222;port-c=5062;port-s=5064\r\n"),
        ("302 Moved Temporarily", "1 INVITE", Rule::RedirectWithoutContact,
            "Contact: <sip:bob@192.0.2.4>\r\n"),
        ("488 Not Acceptable Here", "1 INVITE", Rule::MediaRejectWithoutWarning,
            "Warning: 305 pcscf.ims.example.net \"Incompatible media format\"\r\n"),
        ("415 Unsupported Media Type", "1 MESSAGE", Rule::MissingAccept,
            "Accept: text/plain, application/vnd.3gpp.sms\r\n"),
    ];

    #[test]
    fn each_rule_fires_without_and_not_with_its_header() {
        for &(status, cseq, rule, header) in CASES {
            let bare = response(status, cseq, "");
            let dx = run(&bare);
            assert_eq!(dx.findings.len(), 1, "{status}: {:?}", dx.findings);
            let f = &dx.findings[0];
            assert_eq!(f.rule, rule, "{status}");
            assert_eq!(
                f.span.slice(&bare),
                format!("SIP/2.0 {status}").as_bytes(),
                "{status}"
            );
            let c = &dx.causes[0];
            assert_eq!(c.confidence, Confidence::High);
            assert!(c.text.starts_with("the response lacks "), "{}", c.text);
            assert!(c.text.contains(", so the client cannot "), "{}", c.text);
            assert_eq!(
                c.evidence[0].0.slice(&bare),
                format!("SIP/2.0 {status}").as_bytes()
            );
            let full = response(status, cseq, header);
            assert!(run(&full).findings.is_empty(), "{status} with {header}");
        }
    }

    #[test]
    fn finding_message_and_ids() {
        let dx = run(&response("401 Unauthorized", "1 REGISTER", ""));
        assert_eq!(dx.findings[0].id(), "SL120");
        assert_eq!(
            dx.findings[0].message,
            "401 Unauthorized has no WWW-Authenticate header (RFC 3261 §21.4.2, §22.2)"
        );
        assert_eq!(
            dx.causes[0].text,
            "the response lacks WWW-Authenticate, so the client cannot compute credentials: there is no challenge (realm, nonce, algorithm) to answer"
        );
        let dx = run(&response("415 Unsupported Media Type", "1 MESSAGE", ""));
        assert_eq!(dx.findings[0].id(), "SL130");
        assert!(dx.causes[0]
            .text
            .starts_with("the response lacks Accept, Accept-Encoding or Accept-Language,"));
        // Any one of the Accept* headers satisfies 415.
        let lang = response(
            "415 Unsupported Media Type",
            "1 MESSAGE",
            "Accept-Language: en\r\n",
        );
        assert!(run(&lang).findings.is_empty());
    }

    #[test]
    fn redirects_and_the_380_exemption() {
        for status in [
            "300 Multiple Choices",
            "301 Moved Permanently",
            "305 Use Proxy",
            "399 Whatever",
        ] {
            let dx = run(&response(status, "1 INVITE", ""));
            assert_eq!(
                dx.findings[0].rule,
                Rule::RedirectWithoutContact,
                "{status}"
            );
        }
        let xml = "<?xml version=\"1.0\"?><ims-3gpp version=\"1\"><alternative-service>\
<type>emergency</type><reason>emergency call</reason></alternative-service></ims-3gpp>";
        let m = format!(
            "SIP/2.0 380 Alternative Service\r\nVia: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1\r\n\
From: <sip:alice@atlanta.example.com>;tag=1\r\nTo: <sip:sos@ims.example.net>;tag=2\r\n\
Call-ID: x@y\r\nCSeq: 1 INVITE\r\nContent-Type: application/3gpp-ims+xml\r\n\
Content-Length: {}\r\n\r\n{xml}",
            xml.len()
        );
        assert!(run(m.as_bytes()).findings.is_empty());
        // Without the body, a 380 needs a Contact like any 3xx.
        let dx = run(&response("380 Alternative Service", "1 INVITE", ""));
        assert_eq!(dx.findings[0].rule, Rule::RedirectWithoutContact);
    }

    #[test]
    fn other_codes_and_requests_are_left_alone() {
        assert!(run(&response("200 OK", "1 INVITE", "")).findings.is_empty());
        assert!(run(&response("486 Busy Here", "1 INVITE", ""))
            .findings
            .is_empty());
        let req = b"REGISTER sip:ims.example.net SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1\r\n\
Max-Forwards: 70\r\nFrom: <sip:u@ims.example.net>;tag=1\r\nTo: <sip:u@ims.example.net>\r\n\
Call-ID: x@y\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n";
        assert!(run(req).findings.is_empty());
    }

    /// Every companion named in the data is a registered companion rule
    /// whose headers are registered names; every companion rule is named
    /// by some code; a group's first header says what the client cannot do.
    #[test]
    fn data_companions_name_registered_rules_and_headers() {
        let mut named = std::collections::BTreeSet::new();
        for c in kb::codes() {
            for h in c.headers {
                let Some(id) = h.companion else { continue };
                assert!(
                    RULES
                        .iter()
                        .any(|(_, i)| i.id == id && i.id.starts_with("SL1")),
                    "{} {}: {id} is not a companion rule",
                    c.code,
                    h.name
                );
                assert!(
                    HeaderName::from_bytes(h.name.as_bytes()).is_some(),
                    "{} {}: not a registered header name",
                    c.code,
                    h.name
                );
                named.insert(id);
            }
            for row in companions(c.code) {
                assert!(!row.cannot.is_empty(), "{} {:?}", c.code, row.rule);
                assert!(matches!(
                    row.rule.info().severity,
                    Severity::Error | Severity::Warning
                ));
            }
        }
        let family: Vec<_> = RULES
            .iter()
            .filter(|(_, i)| ("SL120".."SL131").contains(&i.id))
            .map(|(_, i)| i.id)
            .collect();
        assert_eq!(named.into_iter().collect::<Vec<_>>(), family);
    }
}
