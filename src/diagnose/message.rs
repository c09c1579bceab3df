//! Rule family `message` (SL101–SL109): what a single message says about
//! itself, independent of the code's meaning — dialog tags (RFC 3261
//! §8.1.1.3, §8.2.6.2), responses to ACK (§17.1.1.3), body and
//! Content-Type (§20.15), Max-Forwards 0 (§16.3), broadcast Via
//! (RFC 4475 §3.3.10), unregistered codes (§8.1.3.2) and reason phrases
//! (§7.2, §21).
//!
//! Framing and grammar are the parser's and [`crate::validate`]'s (SL0xx);
//! these rules assume the message framed and only look at its meaning.

use super::context::{Check, Ctx, Dx};

use super::dto::Confidence;
use crate::finding::Rule;
use crate::header_name::HeaderName;
use crate::kb::status;
use crate::parse::StartLine;
use crate::span::Text;
use crate::status::Method;

/// The checks of this family.
pub(crate) static CHECKS: &[Check] = &[
    to_tag_missing,
    response_to_ack,
    body_without_content_type,
    from_tag_missing,
    max_forwards_zero,
    broadcast_via,
    unknown_status_code,
    non_standard_reason_phrase,
    content_type_without_body,
];

/// SL101: a response other than 100 Trying without a To tag.
///
/// RFC 3261 §8.2.6.2: the UAS MUST add a tag to To in every response except
/// 100 (where it MAY); a proxy answering a request acts as a UAS (§16.7).
fn to_tag_missing(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let Some(code) = cx.code else { return };
    if code.0 == status::TRYING
        || !(status::PROVISIONAL_CLASS..=status::LAST_CODE).contains(&code.0)
    {
        return;
    }
    let (Some(h), Some(to)) = (cx.msg.header(HeaderName::To), cx.to()) else {
        return;
    };
    if to.tag().is_some_and(|t| !t.is_empty()) {
        return;
    }
    let what = if to.params.has("tag") {
        "an empty tag"
    } else {
        "no tag"
    };
    dx.finding(
        Rule::ToTagMissing,
        h.span,
        format!(
            "this {} response has {what} in To; the UAS must add one (RFC 3261 §8.2.6.2)",
            code.0
        ),
    );
}

/// SL102: a response whose CSeq method is ACK.
///
/// RFC 3261 §17.1.1.3: ACK is never answered; such a response matches no
/// client transaction.
fn response_to_ack(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !cx.msg.is_response() {
        return;
    }
    let Some(cseq) = cx.cseq else { return };
    if cseq.known_method() != Some(Method::Ack) {
        return;
    }
    dx.finding(
        Rule::ResponseToAck,
        cseq.method.span(),
        "the response carries CSeq method ACK, but ACK is never answered (RFC 3261 §17.1.1.3)",
    );
}

/// SL103: a non-empty body without Content-Type.
///
/// RFC 3261 §20.15: Content-Type MUST be present when the body is not
/// empty. (A body framed wrongly is SL020/SL021/SL023, not this rule.)
fn body_without_content_type(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let body = cx.msg.body().trim();
    if body.is_empty() || cx.msg.header(HeaderName::ContentType).is_some() {
        return;
    }
    let looks = match cx.body().kind() {
        "sdp" => " (it looks like SDP)",
        "xml" => " (it looks like XML)",
        _ => "",
    };
    dx.finding(
        Rule::BodyWithoutContentType,
        body.span(),
        format!(
            "the {}-byte body has no Content-Type{looks}; the receiver cannot know how to read it (RFC 3261 §20.15)",
            cx.msg.body().len()
        ),
    );
}

/// SL104: From without a tag.
///
/// RFC 3261 §8.1.1.3: the UAC MUST add a From tag; without it the dialog is
/// matched the RFC 2543 way (§12).
fn from_tag_missing(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let (Some(h), Some(from)) = (cx.msg.header(HeaderName::From), cx.from()) else {
        return;
    };
    if from.tag().is_some_and(|t| !t.is_empty()) {
        return;
    }
    let what = if from.params.has("tag") {
        "an empty tag"
    } else {
        "no tag"
    };
    dx.finding(
        Rule::FromTagMissing,
        h.span,
        format!("From has {what}; RFC 3261 §8.1.1.3 requires one (an RFC 2543 client omits it)"),
    );
}

/// SL105: a request with Max-Forwards 0.
///
/// RFC 3261 §16.3 step 3: an element must not forward it; it answers 483,
/// except that it may answer an OPTIONS itself (§11).
fn max_forwards_zero(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !cx.msg.is_request() || cx.views.max_forwards() != Some(0) {
        return;
    }
    let Some(h) = cx.msg.header(HeaderName::MaxForwards) else {
        return;
    };
    let msg = if cx.method_is(Method::Options) {
        "Max-Forwards is 0: the next element must not forward this OPTIONS and may answer it itself (RFC 3261 §16.3, §11)"
    } else {
        "Max-Forwards is 0: the next element must not forward the request and answers 483 Too Many Hops (RFC 3261 §16.3)"
    };
    dx.finding(Rule::MaxForwardsZero, h.span, msg);
}

/// The limited broadcast address (RFC 919), never a valid SIP peer.
const BROADCAST: &[u8] = b"255.255.255.255";

/// SL106: a Via sent-by or `received` that is the broadcast address.
///
/// RFC 4475 §3.3.10 (bcast): a response would go to every host of the
/// network; elements should not send it.
fn broadcast_via(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    for via in cx.via() {
        let hits: [(Option<Text<'_>>, &str); 2] =
            [(Some(via.host), "sent-by"), (via.received(), "received")];
        for (t, what) in hits {
            if let Some(t) = t.filter(|t| t.bytes() == BROADCAST) {
                dx.finding(
                    Rule::BroadcastVia,
                    t.span(),
                    format!(
                        "Via {what} is the broadcast address 255.255.255.255; a response would go to every host (RFC 4475 §3.3.10)"
                    ),
                );
            }
        }
    }
}

/// SL107: a status code in 100–699 that is not registered.
///
/// RFC 3261 §8.1.3.2: an unknown final response is treated as the x00 of
/// its class; an unknown 1xx as 183 Session Progress. Codes outside
/// 100–699 are SL007.
fn unknown_status_code(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let (Some(st), Some(l)) = (cx.msg.status_line(), cx.lookup) else {
        return;
    };
    if l.known || !(status::PROVISIONAL_CLASS..=status::LAST_CODE).contains(&l.requested) {
        return;
    }
    let read_as = format!("{} {}", l.info.code, l.info.reason);
    let why = if l.requested < status::SUCCESS_CLASS {
        "an unknown 1xx is read as 183"
    } else {
        "an unknown code is read as the x00 of its class"
    };
    dx.finding(
        Rule::UnknownStatusCode,
        st.code_text.span(),
        format!(
            "{} is not a registered status code; a client treats it as {read_as} ({why}, RFC 3261 §8.1.3.2)",
            l.requested
        ),
    );
    // The phrase is then the only hint of what the sender meant.
    let phrase = st.reason.trim();
    if !phrase.is_empty() {
        dx.cause(
            Confidence::Medium,
            format!("the reason phrase says: {}", phrase.as_str()),
            vec![(
                phrase.span(),
                format!(
                    "the free-text phrase of the unregistered code {}",
                    l.requested
                ),
            )],
        );
    }
}

/// Case and punctuation-insensitive form of a phrase: lower-case ASCII
/// letters and digits only, so "Server Time-out" = "server timeout".
fn squash(s: &[u8]) -> Vec<u8> {
    s.iter()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(u8::to_ascii_lowercase)
        .collect()
}

/// The words of a phrase, lower-cased.
fn words(s: &[u8]) -> Vec<Vec<u8>> {
    s.split(|c| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(<[u8]>::to_ascii_lowercase)
        .collect()
}

/// Phrases that differ from the IANA spelling but carry no extra meaning:
/// the RFC 2543 wording and common HTTP-borrowed spellings. (code, phrase)
#[rustfmt::skip]
const PHRASE_VARIANTS: &[(u16, &str)] = &[
    (status::REQUEST_TIMEOUT, "Request Time-out"),            // RFC 2543 §7.4.9
    (status::REQUEST_ENTITY_TOO_LARGE, "Request Entity Too Large"),    // RFC 2543 §7.4.12
    (status::REQUEST_URI_TOO_LONG, "Request-URI Too Large"),       // RFC 2543 §7.4.13
    (status::TEMPORARILY_UNAVAILABLE, "Temporarily not available"),   // RFC 2543 §7.4.18
    (status::TEMPORARILY_UNAVAILABLE, "Temporarily Not Available"),
    (status::CALL_TRANSACTION_DOES_NOT_EXIST, "Call Leg/Transaction Does Not Exist"), // RFC 2543 §7.4.19
    (status::LOOP_DETECTED, "Loop Detected"),
    (status::SERVICE_UNAVAILABLE, "Service Not Available"),
    (status::SERVER_TIME_OUT, "Gateway Time-out"),            // RFC 2543 §7.5.5
    (status::SERVER_TIME_OUT, "Gateway Timeout"),
];

/// SL108: a reason phrase that differs from the IANA phrase of the code.
///
/// RFC 3261 §7.2, §21: the phrase is for humans and carries no protocol
/// meaning; a custom one often names the real cause ("403 Wrong
/// password"), so it also becomes a Medium cause with the phrase as
/// evidence. Case, spacing and punctuation are ignored; a phrase made only
/// of registered words ("Internal Server Error", "authentication
/// required" for 407) or a known legacy spelling still gets the finding,
/// but no cause.
fn non_standard_reason_phrase(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let (Some(st), Some(l)) = (cx.msg.status_line(), cx.lookup) else {
        return;
    };
    if !l.known {
        return;
    }
    let phrase = st.reason.trim();
    if phrase.is_empty() {
        return;
    }
    let standard = l.info.reason;
    // IANA marks 202 "Accepted (Deprecated)": the phrase itself is "Accepted".
    let bare = standard.strip_suffix(" (Deprecated)").unwrap_or(standard);
    if squash(phrase.bytes()) == squash(bare.as_bytes()) {
        return;
    }
    let registered = words(bare.as_bytes());
    let variant = words(phrase.bytes()).iter().all(|w| registered.contains(w))
        || PHRASE_VARIANTS
            .iter()
            .any(|&(c, p)| c == l.requested && squash(p.as_bytes()) == squash(phrase.bytes()));
    let p = phrase.as_str();
    if variant {
        dx.finding(
            Rule::NonStandardReasonPhrase,
            phrase.span(),
            format!(
                "reason phrase \"{p}\" is a variant spelling of the registered \"{bare}\" for {}",
                l.requested
            ),
        );
        return;
    }
    dx.finding(
        Rule::NonStandardReasonPhrase,
        phrase.span(),
        format!(
            "reason phrase \"{p}\" differs from the registered \"{bare}\" for {}; only the code counts, but the phrase may name the real cause",
            l.requested
        ),
    );
    dx.cause(
        Confidence::Medium,
        format!("the reason phrase says: {p}"),
        vec![(
            phrase.span(),
            format!("custom reason phrase instead of \"{bare}\""),
        )],
    );
}

/// SL109: Content-Type present with an empty body.
///
/// RFC 3261 §20.15 allows it, but it often means an intermediary stripped
/// the body (a B2BUA removing SDP). Only when the body is really empty by
/// Content-Length (0 or absent): a truncated body is SL020.
fn content_type_without_body(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let Some(h) = cx.msg.header(HeaderName::ContentType) else {
        return;
    };
    if !cx.msg.body().trim().is_empty() || cx.msg.content_length().is_some_and(|n| n > 0) {
        return;
    }
    if matches!(cx.msg.start_line(), StartLine::Invalid(_)) {
        return;
    }
    dx.finding(
        Rule::ContentTypeWithoutBody,
        h.span,
        format!(
            "Content-Type {} is present but the body is empty; was the body stripped on the way?",
            h.value.as_str()
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::super::context::{Ctx, Dx};
    use crate::finding::Rule;
    use crate::parse::parse_message;

    /// Runs this family on `input`; returns (rule, span text) pairs and the Dx.
    fn run(input: &[u8]) -> (Vec<(Rule, String)>, Dx) {
        let msg = parse_message(input);
        let cx = Ctx::new(&msg);
        let mut dx = Dx::default();
        for check in super::CHECKS {
            check(&cx, &mut dx);
        }
        let found = dx
            .findings
            .iter()
            .map(|f| {
                (
                    f.rule,
                    String::from_utf8_lossy(f.span.slice(input)).into_owned(),
                )
            })
            .collect();
        (found, dx)
    }

    fn has(input: &[u8], rule: Rule) -> Option<String> {
        run(input)
            .0
            .into_iter()
            .find(|(r, _)| *r == rule)
            .map(|(_, t)| t)
    }

    const INVITE_486: &[u8] = b"SIP/2.0 486 Busy Here\r\n\
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;received=192.0.2.10\r\n\
From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
To: <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n\
Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n\
CSeq: 314159 INVITE\r\n\
Content-Length: 0\r\n\r\n";

    #[test]
    fn clean_response_has_no_message_findings() {
        let (found, dx) = run(INVITE_486);
        assert!(found.is_empty(), "{found:?}");
        assert!(dx.causes.is_empty());
    }

    #[test]
    fn sl101_to_tag_missing() {
        let m = b"SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1\r\n\
From: <sip:alice@atlanta.example.com>;tag=1\r\nTo: <sip:bob@biloxi.example.com>\r\n\
Call-ID: x@y\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(
            has(m, Rule::ToTagMissing).as_deref(),
            Some("To: <sip:bob@biloxi.example.com>")
        );
        // 100 Trying may omit it; a tagged 486 is fine.
        let trying = String::from_utf8_lossy(m).replace("486 Busy Here", "100 Trying");
        assert_eq!(has(trying.as_bytes(), Rule::ToTagMissing), None);
        assert_eq!(has(INVITE_486, Rule::ToTagMissing), None);
    }

    #[test]
    fn sl102_response_to_ack() {
        let m = b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1\r\n\
From: <sip:alice@atlanta.example.com>;tag=1\r\nTo: <sip:bob@biloxi.example.com>;tag=2\r\n\
Call-ID: x@y\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(has(m, Rule::ResponseToAck).as_deref(), Some("ACK"));
        assert_eq!(has(INVITE_486, Rule::ResponseToAck), None);
        // A request with CSeq ACK is an ACK, not a response to one.
        let ack =
            b"ACK sip:bob@192.0.2.4 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1\r\n\
Max-Forwards: 70\r\nFrom: <sip:alice@a.example>;tag=1\r\nTo: <sip:bob@b.example>;tag=2\r\n\
Call-ID: x@y\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(has(ack, Rule::ResponseToAck), None);
    }

    const SDP: &str = "v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\ns=-\r\n\
c=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\n";

    fn invite(extra: &str, body: &str) -> Vec<u8> {
        format!(
            "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds\r\nMax-Forwards: 70\r\n\
From: <sip:alice@atlanta.example.com>;tag=1928301774\r\nTo: <sip:bob@biloxi.example.com>\r\n\
Call-ID: a84b4c76e66710\r\nCSeq: 314159 INVITE\r\nContact: <sip:alice@192.0.2.10>\r\n\
{extra}Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    }

    #[test]
    fn sl103_body_without_content_type() {
        let m = invite("", SDP);
        let t = has(&m, Rule::BodyWithoutContentType).unwrap();
        assert!(
            t.starts_with("v=0\r\no=alice") && t.ends_with("RTP/AVP 0"),
            "{t:?}"
        );
        let ok = invite("Content-Type: application/sdp\r\n", SDP);
        assert_eq!(has(&ok, Rule::BodyWithoutContentType), None);
        assert_eq!(has(&invite("", ""), Rule::BodyWithoutContentType), None);
    }

    #[test]
    fn sl104_from_tag_missing() {
        let m = b"OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1\r\nMax-Forwards: 70\r\n\
From: Alice <sip:alice@atlanta.example.com>\r\nTo: <sip:bob@biloxi.example.com>\r\n\
Call-ID: x@y\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(
            has(m, Rule::FromTagMissing).as_deref(),
            Some("From: Alice <sip:alice@atlanta.example.com>")
        );
        assert_eq!(has(&invite("", ""), Rule::FromTagMissing), None);
    }

    #[test]
    fn sl105_max_forwards_zero() {
        let m = String::from_utf8(invite("", "")).unwrap();
        let zero = m.replace("Max-Forwards: 70", "Max-Forwards: 0");
        assert_eq!(
            has(zero.as_bytes(), Rule::MaxForwardsZero).as_deref(),
            Some("Max-Forwards: 0")
        );
        assert_eq!(has(m.as_bytes(), Rule::MaxForwardsZero), None);
        let one = m.replace("Max-Forwards: 70", "Max-Forwards: 1");
        assert_eq!(has(one.as_bytes(), Rule::MaxForwardsZero), None);
    }

    #[test]
    fn sl106_broadcast_via() {
        let m = b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923\r\n\
Via: SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK1saber23\r\n\
Call-ID: bcast.0384840201234ksdfak3j2erwedfsASdf\r\nCSeq: 35 INVITE\r\n\
From: sip:user@example.com;tag=11141343\r\nTo: sip:user@example.edu;tag=2229\r\n\
Content-Length: 0\r\n\r\n";
        let (found, _) = run(m);
        let hits: Vec<_> = found.iter().filter(|f| f.0 == Rule::BroadcastVia).collect();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].1, "255.255.255.255");
        let recv = b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP host.example.com;branch=z9hG4bK1;received=255.255.255.255\r\n\
Call-ID: x\r\nCSeq: 1 OPTIONS\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(
            has(recv, Rule::BroadcastVia).as_deref(),
            Some("255.255.255.255")
        );
        assert_eq!(has(INVITE_486, Rule::BroadcastVia), None);
    }

    #[test]
    fn sl107_unknown_status_code() {
        let m = String::from_utf8_lossy(INVITE_486).replace("486 Busy Here", "499 Whatever");
        let (found, dx) = run(m.as_bytes());
        let f = dx
            .findings
            .iter()
            .find(|f| f.rule == Rule::UnknownStatusCode)
            .unwrap();
        assert_eq!(f.span.slice(m.as_bytes()), b"499");
        assert!(f.message.contains("400 Bad Request") && f.message.contains("§8.1.3.2"));
        assert!(!found.iter().any(|f| f.0 == Rule::NonStandardReasonPhrase));
        assert_eq!(dx.causes[0].text, "the reason phrase says: Whatever");
        let m = String::from_utf8_lossy(INVITE_486).replace("486 Busy Here", "155 Whatever");
        let (_, dx) = run(m.as_bytes());
        assert!(dx.findings[0].message.contains("183 Session Progress"));
        assert_eq!(has(INVITE_486, Rule::UnknownStatusCode), None);
    }

    #[test]
    fn sl108_non_standard_reason_phrase() {
        let m = String::from_utf8_lossy(INVITE_486)
            .replace("486 Busy Here", "403 Wrong password")
            .replace("INVITE", "REGISTER");
        let (found, dx) = run(m.as_bytes());
        assert_eq!(
            found
                .iter()
                .find(|f| f.0 == Rule::NonStandardReasonPhrase)
                .map(|f| f.1.as_str()),
            Some("Wrong password")
        );
        let c = &dx.causes[0];
        assert_eq!(c.text, "the reason phrase says: Wrong password");
        assert_eq!(c.confidence, super::Confidence::Medium);
        assert_eq!(c.evidence[0].0.slice(m.as_bytes()), b"Wrong password");
        // Case, punctuation and legacy spellings are not custom phrases.
        for same in [
            "486 BUSY HERE",
            "504 Server Timeout",
            "202 Accepted",
            "486 busy-here",
        ] {
            let m = String::from_utf8_lossy(INVITE_486).replace("486 Busy Here", same);
            assert_eq!(
                has(m.as_bytes(), Rule::NonStandardReasonPhrase),
                None,
                "{same}"
            );
        }
        for variant in [
            "480 Temporarily not available",
            "500 Internal Server Error",
            "407 authentication required",
        ] {
            let m = String::from_utf8_lossy(INVITE_486).replace("486 Busy Here", variant);
            let (found, dx) = run(m.as_bytes());
            assert!(
                found.iter().any(|f| f.0 == Rule::NonStandardReasonPhrase),
                "{variant}"
            );
            assert!(dx.causes.is_empty(), "{variant}");
        }
    }

    #[test]
    fn sl109_content_type_without_body() {
        let m = b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1\r\n\
From: <sip:alice@atlanta.example.com>;tag=1\r\nTo: <sip:bob@biloxi.example.com>;tag=2\r\n\
Call-ID: x@y\r\nCSeq: 1 INVITE\r\nContact: <sip:bob@192.0.2.4>\r\n\
Content-Type: application/sdp\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(
            has(m, Rule::ContentTypeWithoutBody).as_deref(),
            Some("Content-Type: application/sdp")
        );
        let with_body = invite("Content-Type: application/sdp\r\n", SDP);
        assert_eq!(has(&with_body, Rule::ContentTypeWithoutBody), None);
        // A truncated body is a framing problem (SL020), not this rule.
        let truncated =
            String::from_utf8_lossy(m).replace("Content-Length: 0", "Content-Length: 120");
        assert_eq!(
            has(truncated.as_bytes(), Rule::ContentTypeWithoutBody),
            None
        );
    }
}
