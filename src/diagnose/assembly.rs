//! Assembly: the rules' output ([`Dx`]) and the message's context
//! ([`Ctx`]) → the JSON contract ([`Decoded`] and the other types of
//! [`super::dto`]). Evidence-backed causes rank above the knowledge base's
//! general ones, restatements are dropped, spans are located by line and
//! column.

use crate::kb::status;

use super::context::{retry_allowed, Cause, Ctx, Dx};
use super::dto::*;
use super::fields::split_aka_nonce;
use super::reason::q850_consistent;
use crate::finding::Finding;
use crate::header_name::HeaderName;
use crate::kb::{self};
use crate::parse::diag::ReasonProtocol;
use crate::parse::params::{unescape, unquote};
use crate::parse::StartLine;
use crate::span::{line_col, LineIndex, Span, Text};
use crate::status::StatusClass;
use std::borrow::Cow;

impl SpanDto {
    /// Locates `span` in `input`.
    pub fn new(input: &[u8], span: Span) -> Self {
        let (line, column) = line_col(input, span.start);
        SpanDto {
            start: span.start,
            end: span.end,
            line,
            column,
        }
    }

    /// Locates `span` with a prebuilt index of the input's lines (same
    /// result as [`SpanDto::new`], without a scan per span).
    pub fn at(lines: &LineIndex, span: Span) -> Self {
        let (line, column) = lines.line_col(span.start);
        SpanDto {
            start: span.start,
            end: span.end,
            line,
            column,
        }
    }
}

impl FindingDto {
    /// Converts a finding located in `input`.
    pub fn new(input: &[u8], f: &Finding) -> Self {
        Self::located(f, SpanDto::new(input, f.span))
    }

    /// Converts a finding, located with a prebuilt index of the input's lines.
    pub fn at(lines: &LineIndex, f: &Finding) -> Self {
        Self::located(f, SpanDto::at(lines, f.span))
    }

    fn located(f: &Finding, span: SpanDto) -> Self {
        Self::owned(f.rule, f.message.clone(), span)
    }

    /// [`FindingDto::at`] taking the finding: its message moves, no copy.
    fn at_owned(lines: &LineIndex, f: Finding) -> Self {
        let span = SpanDto::at(lines, f.span);
        Self::owned(f.rule, f.message, span)
    }

    fn owned(rule: crate::finding::Rule, message: String, span: SpanDto) -> Self {
        let info = rule.meta();
        FindingDto {
            id: info.id,
            slug: info.slug,
            severity: info.severity,
            category: info.category,
            message,
            span,
            spec_ref: info.spec,
        }
    }
}

/// The message's input, validated as UTF-8 once: a [`Text`] of it is then
/// borrowed as `&str` with a boundary check instead of being validated
/// again (and copied) for each string of the contract.
struct Src<'a> {
    /// The whole input, when it is valid UTF-8.
    text: Option<&'a str>,
}

impl<'a> Src<'a> {
    fn new(input: &'a [u8]) -> Self {
        Src {
            text: std::str::from_utf8(input).ok(),
        }
    }

    /// `t` as text: borrowed from the input when it is valid UTF-8 there,
    /// else [`Text::as_str`] (borrowed, or the lossy copy).
    fn s(&self, t: Text<'a>) -> Cow<'a, str> {
        let span = t.span();
        match self.text.and_then(|w| w.get(span.start..span.end)) {
            // The same bytes (a text over another buffer takes the slow path).
            Some(sub) if std::ptr::eq(sub.as_bytes(), t.bytes()) => Cow::Borrowed(sub),
            _ => t.as_str(),
        }
    }

    /// The unescaped content of a quoted string ([`unescape`]), borrowed
    /// when it holds no escape.
    fn unescaped(&self, t: Text<'a>) -> Cow<'a, str> {
        let inner = unquote(t);
        if inner.bytes().contains(&b'\\') {
            Cow::Owned(unescape(t))
        } else {
            self.s(inner)
        }
    }
}

fn address<'a>(
    src: &Src<'a>,
    lines: &LineIndex,
    na: Option<&crate::parse::addr::NameAddr<'a>>,
) -> Option<AddressDto<'a>> {
    let na = na?;
    let uri = na.uri.as_ref();
    let s = |t| src.s(t);
    Some(AddressDto {
        display_name: na.display_name.map(|d| src.unescaped(d)),
        uri: s(na.uri_text),
        user: uri.and_then(|u| u.user.or(u.opaque)).map(s),
        host: uri.and_then(|u| u.host).map(s),
        tag: na.tag().map(s),
        span: SpanDto::at(lines, na.text.span()),
    })
}

/// What the request was doing, from the method and a few headers.
fn context(cx: &Ctx<'_, '_>) -> Cow<'static, str> {
    use crate::status::Method as M;
    let msg = cx.msg;
    let Some(m) = cx.known_method else {
        return match cx.method {
            Some(m) => ["extension method ", &*m.as_str()].concat().into(),
            None => "unknown (no method and no CSeq)".into(),
        };
    };
    let mid_dialog = msg.is_request() && cx.to().and_then(|t| t.tag()).is_some();
    match m {
        M::Register => {
            let zero = cx.views.seconds(HeaderName::Expires) == Some(0)
                || (cx.contacts().next().is_some()
                    && cx.contacts().all(|c| match c {
                        crate::parse::addr::Contact::Address(a) => {
                            a.expires().is_some_and(|e| e.bytes() == b"0")
                        }
                        crate::parse::addr::Contact::Wildcard(_) => true,
                    }));
            if zero && msg.is_request() {
                "de-registration (REGISTER with expiry 0)".into()
            } else if msg.is_request()
                && msg.header(HeaderName::Authorization).is_some_and(|h| {
                    h.value
                        .bytes()
                        .windows(9)
                        .any(|w| w.eq_ignore_ascii_case(b"response="))
                        && !h
                            .value
                            .bytes()
                            .windows(11)
                            .any(|w| w.eq_ignore_ascii_case(b"response=\"\""))
                })
            {
                "registration (REGISTER answering a challenge)".into()
            } else {
                "registration (REGISTER: initial, re-registration or de-registration)".into()
            }
        }
        M::Invite if mid_dialog => "mid-dialog request: re-INVITE (session modification)".into(),
        M::Invite => "session setup (INVITE)".into(),
        M::Ack => "ACK (confirms a final response to INVITE)".into(),
        M::Bye => "session release (BYE)".into(),
        M::Cancel => "cancel of a pending INVITE (CANCEL)".into(),
        M::Options => "capability query or keep-alive (OPTIONS)".into(),
        M::Prack => "reliable provisional response acknowledgement (PRACK)".into(),
        M::Update => {
            "session update in an early or confirmed dialog (UPDATE, RFC 3311; e.g. preconditions)"
                .into()
        }
        M::Subscribe => match msg.header_value(HeaderName::Event) {
            Some(e) if e.bytes().starts_with(b"reg") => {
                "subscription to the reg event package (SUBSCRIBE Event: reg)".into()
            }
            Some(e) => ["subscription (SUBSCRIBE Event: ", &*e.as_str(), ")"]
                .concat()
                .into(),
            None => "subscription (SUBSCRIBE)".into(),
        },
        M::Notify => "event notification (NOTIFY)".into(),
        M::Publish => "event state publication (PUBLISH)".into(),
        M::Message => match msg.header_value(HeaderName::ContentType) {
            Some(ct)
                if ct
                    .bytes()
                    .windows(8)
                    .any(|w| w.eq_ignore_ascii_case(b"3gpp.sms")) =>
            {
                "SMS over IP (MESSAGE with application/vnd.3gpp.sms)".into()
            }
            _ => "instant message (MESSAGE)".into(),
        },
        M::Info => "mid-dialog information (INFO)".into(),
        M::Refer => "call transfer or referral (REFER)".into(),
    }
}

/// A cause while assembling: its text (a rule's, or a knowledge-base line
/// borrowed), confidence and evidence.
type RankedCause = (Cow<'static, str>, Confidence, Vec<(Span, String)>);

/// Puts the diagnosis together.
pub(super) fn assemble<'a>(cx: &Ctx<'_, 'a>, mut dx: Dx, findings: Vec<Finding>) -> Decoded<'a> {
    let msg = cx.msg;
    let input = msg.input();
    let lines = LineIndex::new(input);
    let src = Src::new(input);
    let s = |t| src.s(t);
    let lookup = cx.lookup;
    let info = lookup.map(|l| l.info);
    let (kind, status, request) = match msg.start_line() {
        StartLine::Status(st) => (
            "response",
            Some(StatusDto {
                code: st.code.map(|c| c.0),
                reason_phrase: s(st.reason),
                standard_reason_phrase: info.filter(|i| i.code != 0).map(|i| i.reason),
                class: st.code.map_or(StatusClass::Invalid, |c| c.class()),
                is_final: st.code.is_some_and(|c| c.is_final()),
            }),
            None,
        ),
        StartLine::Request(r) => (
            "request",
            None,
            Some(RequestDto {
                method: s(r.method),
                uri: s(r.uri),
            }),
        ),
        StartLine::Invalid(_) => ("invalid", None, None),
    };
    // One field buffer for every header; each header's fields are then
    // copied into a `Vec` of exactly their number. The buffer is the last
    // message's (`keep_fields` below).
    let mut scratch = super::fields::spare_fields();
    let headers = msg
        .headers()
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let known = cx.views.name(i);
            scratch = super::fields::header_fields_in(
                std::mem::take(&mut scratch),
                h,
                known,
                cx.views.view(i),
            );
            HeaderDto {
                name: s(h.name),
                // `h.canonical_name()`, with the name looked up once.
                canonical_name: known.map_or_else(
                    || Cow::Owned(s(h.name).into_owned()),
                    |k| Cow::Borrowed(k.as_str()),
                ),
                value: s(h.value),
                span: SpanDto::at(&lines, h.span),
                value_span: SpanDto::at(&lines, h.value.span()),
                fields: scratch
                    .drain(..)
                    .map(|(name, t)| FieldDto {
                        name,
                        value: s(t),
                        span: SpanDto::at(&lines, t.span()),
                    })
                    .collect(),
                meaning: known.map(|k| k.info().meaning),
                spec: known.map(|k| k.info().spec),
            }
        })
        .collect();
    super::fields::keep_fields(scratch);
    let via = cx
        .via()
        .map(|v| ViaDto {
            transport: s(v.transport),
            host: s(v.host),
            port: v.port,
            branch: v.branch().map(s),
            received: v.received().map(s),
            rport: v.rport().map(|p| p.map(s).unwrap_or(Cow::Borrowed(""))),
            span: SpanDto::at(&lines, v.text.span()),
        })
        .collect();

    // Causes: evidence first (rules' order), then the knowledge base.
    let mut causes: Vec<Cause> = std::mem::take(&mut dx.causes);
    crate::sort::sort_by_key(&mut causes, |c| c.confidence);
    // A less supported cause that only restates a better supported one
    // (issue 18: "low causes that restate the high one") goes; its
    // evidence joins the one it restates.
    let mut same = super::dedup::Restates;
    let mut kept: Vec<Cause> = Vec::with_capacity(causes.len());
    for c in causes {
        match kept
            .iter_mut()
            .find(|k| k.confidence < c.confidence && same.restates(&c.text, &k.text))
        {
            Some(k) => {
                for e in c.evidence {
                    if !k.evidence.iter().any(|x| x.0 == e.0) {
                        k.evidence.push(e);
                    }
                }
            }
            None => kept.push(c),
        }
    }
    // The knowledge base's lines are static: borrowed, not copied.
    let mut causes: Vec<RankedCause> = kept
        .into_iter()
        .map(|c| (Cow::Owned(c.text), c.confidence, c.evidence))
        .collect();
    if let Some(i) = info.filter(|_| !dx.skip_kb_advice) {
        let first_kb = if causes.is_empty() {
            Confidence::Medium
        } else {
            Confidence::Low
        };
        for (n, text) in i.causes.iter().enumerate() {
            let confidence = if n == 0 { first_kb } else { Confidence::Low };
            // A typical cause that restates one this message already shows
            // adds nothing (issue 18: low causes restating the high one).
            if !causes.iter().any(|c| same.restates_static(text, &c.0)) {
                causes.push((Cow::Borrowed(*text), confidence, Vec::new()));
            }
        }
    }
    let likely_causes = causes
        .into_iter()
        .map(|(text, confidence, evidence)| CauseDto {
            text,
            confidence,
            evidence: evidence
                .into_iter()
                .map(|(span, what)| EvidenceDto {
                    span: SpanDto::at(&lines, span),
                    what,
                })
                .collect(),
        })
        .collect();
    let kb = info.filter(|_| !dx.skip_kb_advice);
    let mut inspect: Vec<Cow<'static, str>> =
        Vec::with_capacity(dx.inspect.len() + kb.map_or(0, |i| i.inspect.len()));
    inspect.extend(dx.inspect.drain(..).map(Cow::Owned));
    let mut next_steps: Vec<Cow<'static, str>> = Vec::with_capacity(dx.next_steps.len() + 1);
    next_steps.extend(dx.next_steps.drain(..).map(Cow::Owned));
    if let Some(i) = kb {
        for x in i.inspect {
            if !inspect.iter().any(|y| same.restates_static(x, y)) {
                inspect.push(Cow::Borrowed(*x));
            }
        }
        if !next_steps.iter().any(|y| same.restates_static(i.fix, y)) {
            next_steps.push(Cow::Borrowed(i.fix));
        }
    }
    let retry = info.map(|i| {
        let after = cx.retry_after.as_ref().and_then(|(r, _)| r.seconds);
        let where_ = match after {
            Some(a) => Cow::Owned(format!("Retry-After asks to wait {a} s. {}", i.retry.note)),
            None => Cow::Borrowed(i.retry.note),
        };
        RetryDto {
            allowed: retry_allowed(i.retry.policy),
            policy: i.retry.policy,
            after_seconds: after,
            where_,
        }
    });
    let reasons = cx
        .reasons
        .iter()
        .map(|(r, span)| reason_dto(cx, &src, &lines, r, *span))
        .collect();
    let warnings = cx
        .warnings
        .iter()
        .map(|w| WarningDto {
            code: w.code,
            agent: s(w.agent),
            text: s(w.text_unquoted()),
            meaning: w.code.and_then(kb::warning_info).map(|k| k.meaning),
            span: SpanDto::at(&lines, w.code_text.span().join(w.text.span())),
        })
        .collect();
    let challenge = cx.challenge.as_ref().map(|(name, a, span)| ChallengeDto {
        header: name.as_str(),
        scheme: s(a.scheme),
        algorithm: a.params.algorithm().map(s),
        realm: a.params.realm().map(s),
        nonce: a.params.nonce().map(s),
        qop: a.params.qop().map(s),
        opaque: a.params.opaque().map(s),
        stale: a.params.stale_flag(),
        aka: a.params.is_aka(),
        aka_nonce: a
            .params
            .nonce()
            .filter(|_| a.params.is_aka())
            .and_then(|n| split_aka_nonce(n.bytes())),
        span: SpanDto::at(&lines, *span),
    });
    let (role, sender_evidence) = super::sender::infer(cx);
    let sender = SenderDto {
        role,
        evidence: sender_evidence
            .into_iter()
            .map(|(span, what)| EvidenceDto {
                span: SpanDto::at(&lines, span),
                what,
            })
            .collect(),
    };
    let mut spec_refs: Vec<&str> = Vec::with_capacity(2 + dx.spec_refs.len());
    if let Some(i) = info.filter(|i| i.code != 0) {
        spec_refs.push(i.spec);
        if !i.ims.clause.is_empty() && !dx.skip_kb_advice {
            spec_refs.push(i.ims.clause);
        }
    }
    spec_refs.extend(dx.spec_refs.iter().map(String::as_str));
    let spec_refs = super::dedup::spec_refs(&spec_refs);
    let ctx = context(cx);
    let headline = dx.headline.take().unwrap_or_else(|| default_headline(cx));
    let summary = match info {
        Some(i) if i.code != 0 => {
            let mut t = [i.description, " ", i.purpose].concat();
            if let Some(l) = lookup.filter(|l| !l.known) {
                if let Some(n) = l.note {
                    t = [n, " ", &t].concat();
                }
            }
            // The IMS note is `diagnosis.ims.note`; repeating it here made
            // every adapter show it twice.
            Cow::Owned(t)
        }
        Some(i) => Cow::Borrowed(i.description),
        None => match (
            msg.start_line(),
            msg.request_line().and_then(|r| r.known_method()),
        ) {
            (StartLine::Status(_), _) => Cow::Borrowed(crate::kb::INVALID.description),
            (_, Some(m)) => Cow::Owned([m.as_str(), " request: ", m.purpose()].concat()),
            _ => {
                Cow::Borrowed("A SIP message that is neither a recognisable request nor response.")
            }
        },
    };
    Decoded {
        schema_version: SCHEMA_VERSION,
        kind,
        status,
        request,
        cseq: cx.cseq.map(|c| CSeqDto {
            seq: c.seq,
            method: s(c.method),
        }),
        call_id: cx.views.call_id().map(s),
        from: address(&src, &lines, cx.from()),
        to: address(&src, &lines, cx.to()),
        via,
        headers,
        body: BodyDto {
            kind: cx.body().kind(),
            content_type: msg.header_value(HeaderName::ContentType).map(s),
            length: msg.body().len(),
            span: SpanDto::at(&lines, msg.body().span()),
        },
        media: cx
            .sdp()
            .map(|sdp| super::media_summary::media_summary(sdp, &lines)),
        diagnosis: DiagnosisDto {
            headline,
            summary,
            context: ctx,
            likely_causes,
            inspect,
            next_steps,
            retry,
            reasons,
            warnings,
            sender,
            challenge,
            ims: info.filter(|i| i.code != 0).map(|i| &i.ims),
            spec_refs,
        },
        findings: findings
            .into_iter()
            .map(|f| FindingDto::at_owned(&lines, f))
            .collect(),
    }
}

fn default_headline(cx: &Ctx<'_, '_>) -> String {
    let msg = cx.msg;
    match msg.start_line() {
        StartLine::Status(st) => {
            let phrase = st.reason.as_str();
            let code = st.code_text.as_str();
            let desc = cx
                .lookup
                .map_or(crate::kb::INVALID.description, |l| l.info.description);
            // `concat` rather than `format!`: one exact allocation.
            match cx.method {
                Some(m) => [&*code, " ", &*phrase, " to ", &*m.as_str(), ": ", desc].concat(),
                None => [&*code, " ", &*phrase, ": ", desc].concat(),
            }
        }
        StartLine::Request(r) => match r.known_method() {
            Some(m) => [
                m.as_str(),
                " request to ",
                &*r.uri.as_str(),
                ": ",
                m.purpose(),
            ]
            .concat(),
            None => format!(
                "{} request (extension method) to {}",
                r.method.as_str(),
                r.uri.as_str()
            ),
        },
        StartLine::Invalid(_) => "Not a SIP message: no valid start line".to_owned(),
    }
}

fn reason_dto<'a>(
    cx: &Ctx<'_, 'a>,
    src: &Src<'a>,
    lines: &LineIndex,
    r: &crate::parse::diag::ReasonValue<'a>,
    span: Span,
) -> ReasonDto<'a> {
    let cause = r.cause();
    let code = cx.code.map(|c| c.0);
    let (meaning, consistent) = match (r.protocol_kind(), cause) {
        (ReasonProtocol::Q850, Some(c)) => {
            let m = u8::try_from(c)
                .ok()
                .and_then(kb::q850_info)
                .map(|q| format!("Q.850 cause {c} {}: {}", q.name, q.explanation));
            let consistent = code
                .filter(|c| *c >= status::REDIRECTION_CLASS)
                .map(|status| q850_consistent(c, status));
            (m, consistent)
        }
        (ReasonProtocol::Sip, Some(c)) => {
            let m = kb::lookup_code(crate::status::StatusCode(c));
            let m = (m.known).then(|| format!("SIP {c} {}: {}", m.info.reason, m.info.description));
            (m, code.map(|status| status == c))
        }
        (ReasonProtocol::ReleaseCause, Some(c)) => (
            u8::try_from(c)
                .ok()
                .and_then(kb::release_cause_info)
                .map(|rc| format!("3GPP release cause {c} \"{}\": {}", rc.text, rc.meaning)),
            None,
        ),
        (ReasonProtocol::Other, Some(c)) => (
            super::reason::cause(&r.protocol.as_str(), c)
                .map(|v| format!("{} {c} \"{}\": {}", r.protocol.as_str(), v.text, v.meaning)),
            None,
        ),
        _ => (None, None),
    };
    ReasonDto {
        protocol: src.s(r.protocol),
        cause,
        text: r.text().map(|t| src.unescaped(t)),
        meaning,
        consistent_with_status: consistent,
        span: SpanDto::at(lines, span),
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    #[test]
    fn message_text_is_borrowed_unless_it_is_not_utf8() {
        let input = b"OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\
X-A: caf\xc3\xa9\r\nCall-ID: c1\r\n\r\n";
        let d = crate::diagnose::decode(input);
        assert!(d
            .headers
            .iter()
            .all(|h| matches!((&h.name, &h.value), (Cow::Borrowed(_), Cow::Borrowed(_)))));
        assert!(matches!(&d.headers[1].value, Cow::Borrowed("caf\u{e9}")));
        assert!(matches!(
            &d.request.as_ref().unwrap().uri,
            Cow::Borrowed("sip:a@b")
        ));
        assert!(matches!(&d.call_id, Some(Cow::Borrowed("c1"))));
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::to_string(&d.into_owned()).unwrap(), json);

        // Not UTF-8: each string is the lossy copy, as before.
        let bad = b"OPTIONS sip:a@b SIP/2.0\r\nX-A: caf\xe9\r\nCall-ID: c1\r\n\r\n";
        let d = crate::diagnose::decode(bad);
        assert!(matches!(&d.headers[0].value, Cow::Owned(v) if v == "caf\u{fffd}"));
        assert_eq!(d.call_id.as_deref(), Some("c1"));
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::to_string(&d.into_owned()).unwrap(), json);
    }

    #[test]
    fn contract_of_a_response() {
        let input = b"SIP/2.0 503 Service Unavailable\r\nRetry-After: 30\r\nCall-ID: x\r\nCSeq: 2 REGISTER\r\n\r\n";
        let d = crate::diagnose::decode(input);
        assert_eq!(d.kind, "response");
        let st = d.status.as_ref().unwrap();
        assert_eq!(
            (st.code, st.is_final, st.standard_reason_phrase),
            (Some(503), true, Some("Service Unavailable"))
        );
        assert_eq!(d.diagnosis.retry.as_ref().unwrap().after_seconds, Some(30));
        assert!(d.diagnosis.context.starts_with("registration"));
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["schemaVersion"], 1);
        assert_eq!(json["status"]["final"], true);
        assert_eq!(json["status"]["class"], "server-failure");
        assert!(json["diagnosis"]["retry"]["where"].is_string());
    }
}
