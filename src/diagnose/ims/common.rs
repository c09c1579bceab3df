//! Helpers the IMS rule families share: spans of header values, durations
//! in words, the 3GPP IMS XML body, and what a response says about itself.

use super::super::causes::{describe_reason, reason_span};
use super::super::context::Ctx;
use super::super::dto::Confidence;
use super::super::reason::q850_consistent;
use crate::header_name::HeaderName;
use crate::kb::{self, status};
use crate::parse::body::Body;
use crate::parse::diag::ReasonProtocol;
use crate::parse::find_bytes;
use crate::span::{Span, Text};
use memchr::memchr;

/// `600` → `10 min`, `3600` → `1 h`, `90` → `1 min 30 s`.
pub(super) fn human_seconds(s: u32) -> String {
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{h} h"));
    }
    if m > 0 {
        parts.push(format!("{m} min"));
    }
    if sec > 0 || parts.is_empty() {
        parts.push(format!("{sec} s"));
    }
    parts.join(" ")
}

/// `45 s`, `600 s (10 min)`.
pub(super) fn seconds_text(s: u32) -> String {
    if s < 60 {
        format!("{s} s")
    } else {
        format!("{s} s ({})", human_seconds(s))
    }
}

/// The value span of the first header named `name`.
pub(super) fn value_span(cx: &Ctx<'_, '_>, name: HeaderName) -> Option<Span> {
    cx.msg.header(name).map(|h| h.value.span())
}

/// The span of the CSeq method, else the status line.
pub(super) fn cseq_method_span(cx: &Ctx<'_, '_>) -> Span {
    cx.cseq
        .map_or(cx.msg.start_line_span(), |c| c.method.span())
}

/// The `application/3gpp-ims+xml` body of the message, or of one of its
/// multipart parts (TS 24.229 §7.6).
pub(super) fn ims_xml<'a>(cx: &Ctx<'_, 'a>) -> Option<Text<'a>> {
    let mut sink = Vec::new();
    let is_ims = |ct: Option<crate::parse::media::MediaType<'_>>| {
        ct.is_some_and(|c| c.is("application", "3gpp-ims+xml"))
    };
    let ct = cx.views.content_type().cloned();
    if is_ims(ct) && !cx.msg.body().is_empty() {
        return Some(cx.msg.body());
    }
    if let Body::Multipart(m) = cx.body() {
        for p in &m.parts {
            if is_ims(p.content_type(&mut sink)) {
                return Some(p.body);
            }
        }
    }
    None
}

pub(super) fn is_xml_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')
}

/// The trimmed text content of the first element named `name` (any
/// namespace prefix) starting at or after byte `from` of `text`, by a plain
/// substring search — enough for the flat `<alternative-service>` element of
/// TS 24.229 §7.6, no XML parse. Returns the content and the offset after it.
pub(super) fn xml_element<'a>(
    text: Text<'a>,
    name: &str,
    from: usize,
) -> Option<(Text<'a>, usize)> {
    let b = text.bytes();
    let mut i = from;
    while i < b.len() {
        let at = i + find_bytes(&b[i..], name.as_bytes())?;
        let end = at + name.len();
        i = end;
        let opened = match at.checked_sub(1).map(|j| b[j]) {
            Some(b'<') => true,
            Some(b':') => {
                let mut j = at - 1;
                while j > 0 && is_xml_name_byte(b[j - 1]) {
                    j -= 1;
                }
                j > 0 && j < at - 1 && b[j - 1] == b'<'
            }
            _ => false,
        };
        let closed = matches!(b.get(end), Some(b'>' | b' ' | b'\t' | b'\r' | b'\n' | b'/'));
        if !(opened && closed) {
            continue;
        }
        let gt = end + memchr(b'>', &b[end..])?;
        if b[gt - 1] == b'/' {
            return Some((text.sub(gt + 1, gt + 1), gt + 1));
        }
        let lt = memchr(b'<', &b[gt + 1..]).map_or(b.len(), |p| gt + 1 + p);
        return Some((text.sub(gt + 1, lt).trim(), lt));
    }
    None
}

/// Evidence for each Reason value of the message.
pub(super) fn reason_evidence(cx: &Ctx<'_, '_>) -> Vec<(Span, String)> {
    cx.reasons
        .iter()
        .map(|(r, _)| (reason_span(r), format!("Reason: {}", describe_reason(r))))
        .collect()
}

/// `; Reason Q.850 cause 17 (User busy)` for headlines, from the first
/// Reason; a Q.850 cause that contradicts the status (RFC 3398) says so.
pub(super) fn reason_suffix(cx: &Ctx<'_, '_>) -> String {
    let Some((r, _)) = cx.reasons.first() else {
        return String::new();
    };
    let what = describe_reason(r);
    let contradicts = r.protocol_kind() == ReasonProtocol::Q850
        && match (r.cause(), cx.code) {
            (Some(c), Some(s)) if s.0 >= status::REDIRECTION_CLASS => !q850_consistent(c, s.0),
            _ => false,
        };
    if contradicts {
        format!("; Reason {what} contradicts it")
    } else {
        format!("; Reason {what}")
    }
}

// ---- SL30x: authentication and registration ---------------------------------------

/// What this response says about itself beyond its code: the reason
/// phrase when it is not the standard one, each Warning, Reason and
/// Retry-After, Server and Response-Source — as evidence for the 3xx/403/480
/// diagnoses (the way 401/488/580 read their own headers).
pub(super) fn own_words(cx: &Ctx<'_, '_>) -> Vec<(Span, String)> {
    let mut ev = Vec::new();
    if let (Some(st), Some(l)) = (cx.msg.status_line(), cx.lookup) {
        let phrase = st.reason.as_str();
        if l.known && !phrase.is_empty() && !st.reason.eq_ignore_case(l.info.reason) {
            ev.push((
                st.reason.span(),
                format!(
                    "reason phrase \"{phrase}\" instead of \"{}\"",
                    l.info.reason
                ),
            ));
        }
    }
    for w in &cx.warnings {
        ev.push((
            super::super::causes::warning_span(w),
            format!(
                "Warning {} from {}: \"{}\"",
                w.code_text.as_str(),
                w.agent.as_str(),
                w.text_unquoted().as_str()
            ),
        ));
    }
    ev.extend(reason_evidence(cx));
    if let Some((ra, span)) = &cx.retry_after {
        ev.push((*span, format!("Retry-After: {}", ra.delta.as_str())));
    }
    for (name, what) in [
        (
            HeaderName::Server,
            "Server: the software that generated the response",
        ),
        (
            HeaderName::ResponseSource,
            "Response-Source: the functional entity that generated it (TS 24.229 §7.2.17)",
        ),
    ] {
        if let Some(e) = cx.evidence(name, what) {
            ev.push(e);
        }
    }
    ev
}

/// How strongly the knowledge base's per-code causes hold: High when the
/// code itself establishes its cause, Medium when they are alternatives.
pub(super) fn prose_confidence(p: &kb::CodeProse) -> Confidence {
    if p.high {
        Confidence::High
    } else {
        Confidence::Medium
    }
}
