//! Invariants every [`Decoded`] must satisfy for the input it was decoded
//! from, checked by the fuzz target, the schema test and the property
//! tests (one definition, three users).
//!
//! What is checked: every span (findings, causes' evidence, headers and
//! their values and fields, Reasons, Warnings, the challenge, the body,
//! the media summary (inside the body), Via, From, To, the sender's
//! evidence) lies inside the input, is not inverted, and its
//! `line`/`column` are those of its `start` byte,
//! recomputed here from the bytes; texts copied from the input equal the
//! bytes their span covers; headers appear in input order without
//! overlapping; findings are sorted by position; the `kind` agrees with
//! `status`/`request`; the value serialises with serde_json. RFC 3261 §7
//! (message shape) is the background; nothing here is a SIP rule.

use super::dto::{Decoded, SpanDto, SCHEMA_VERSION};
use crate::kb::status;

/// Checks `decoded` against the `input` it was decoded from; the error
/// names the first broken invariant.
pub fn check_decoded(decoded: &Decoded, input: &[u8]) -> Result<(), String> {
    let span = |what: &str, s: &SpanDto| check_span(what, s, input);
    let text = |what: &str, s: &SpanDto, value: &str| {
        span(what, s)?;
        let bytes = String::from_utf8_lossy(&input[s.start..s.end]);
        if bytes == value {
            Ok(())
        } else {
            Err(format!(
                "{what}: text {value:?} differs from the bytes {bytes:?} at {}..{}",
                s.start, s.end
            ))
        }
    };
    let inside = |what: &str, inner: &SpanDto, outer: &SpanDto| {
        if outer.start <= inner.start && inner.end <= outer.end {
            Ok(())
        } else {
            Err(format!(
                "{what}: {}..{} is not inside {}..{}",
                inner.start, inner.end, outer.start, outer.end
            ))
        }
    };

    if decoded.schema_version != SCHEMA_VERSION {
        return Err(format!("schemaVersion {}", decoded.schema_version));
    }
    match (decoded.kind, &decoded.status, &decoded.request) {
        ("response", Some(_), None) | ("request", None, Some(_)) | ("invalid", None, None) => {}
        (kind, st, rq) => {
            return Err(format!(
                "kind {kind:?} with status {} and request {}",
                st.is_some(),
                rq.is_some()
            ))
        }
    }
    if let Some(st) = &decoded.status {
        if let Some(code) = st.code {
            if code > 999 {
                return Err(format!("status code {code} is not three digits"));
            }
            if st.is_final != (status::SUCCESS_CLASS..=status::LAST_CODE).contains(&code) {
                return Err(format!("status {code}: final is {}", st.is_final));
            }
        } else if st.is_final {
            return Err("status without a code is final".to_owned());
        }
    }

    let mut prev_end = 0;
    for (i, h) in decoded.headers.iter().enumerate() {
        let what = format!("header #{i} {:?}", h.name);
        span(&what, &h.span)?;
        text(&format!("{what} value"), &h.value_span, &h.value)?;
        inside(&format!("{what} value"), &h.value_span, &h.span)?;
        if h.span.start < prev_end {
            return Err(format!("{what}: overlaps or precedes the previous header"));
        }
        prev_end = h.span.end;
        if !String::from_utf8_lossy(&input[h.span.start..h.span.end]).starts_with(&*h.name) {
            return Err(format!("{what}: the header does not start with its name"));
        }
        for f in &h.fields {
            let fw = format!("{what} field {:?}", f.name);
            text(&fw, &f.span, &f.value)?;
            inside(&fw, &f.span, &h.span)?;
        }
    }
    for (i, v) in decoded.via.iter().enumerate() {
        span(&format!("via #{i}"), &v.span)?;
    }
    for (what, a) in [("from", &decoded.from), ("to", &decoded.to)] {
        if let Some(a) = a {
            span(what, &a.span)?;
        }
    }

    let b = &decoded.body;
    span("body", &b.span)?;
    if b.length != b.span.end - b.span.start {
        return Err(format!(
            "body length {} but span {}..{}",
            b.length, b.span.start, b.span.end
        ));
    }

    if let Some(m) = &decoded.media {
        // Every span of the media summary lies inside the body.
        inside("media", &m.span, &b.span)?;
        span("media", &m.span)?;
        for (i, s) in m.streams.iter().enumerate() {
            let sw = format!("media stream #{i}");
            for (what, x) in [("line", &s.line), ("section", &s.span)] {
                span(&format!("{sw} {what}"), x)?;
                inside(&format!("{sw} {what}"), x, &m.span)?;
            }
            for (j, c) in s.codecs.iter().enumerate() {
                for x in [&c.rtpmap_span, &c.fmtp_span].into_iter().flatten() {
                    span(&format!("{sw} codec #{j}"), x)?;
                    inside(&format!("{sw} codec #{j}"), x, &s.span)?;
                }
            }
            for (j, p) in s.preconditions.iter().enumerate() {
                for x in &p.spans {
                    span(&format!("{sw} precondition #{j}"), x)?;
                    inside(&format!("{sw} precondition #{j}"), x, &s.span)?;
                }
            }
        }
    }

    let dx = &decoded.diagnosis;
    for (i, c) in dx.likely_causes.iter().enumerate() {
        for (j, e) in c.evidence.iter().enumerate() {
            span(&format!("cause #{i} evidence #{j}"), &e.span)?;
        }
    }
    for (j, e) in dx.sender.evidence.iter().enumerate() {
        span(&format!("sender evidence #{j}"), &e.span)?;
    }
    for (i, r) in dx.reasons.iter().enumerate() {
        span(&format!("reason #{i}"), &r.span)?;
    }
    for (i, w) in dx.warnings.iter().enumerate() {
        span(&format!("warning #{i}"), &w.span)?;
    }
    if let Some(c) = &dx.challenge {
        span("challenge", &c.span)?;
    }

    let mut prev = (0, 0);
    for (i, f) in decoded.findings.iter().enumerate() {
        span(&format!("finding #{i} {}", f.id), &f.span)?;
        let at = (f.span.start, f.span.end);
        if at < prev {
            return Err(format!("finding #{i} {}: findings not sorted", f.id));
        }
        prev = at;
    }

    serde_json::to_string(decoded).map_err(|e| format!("serialisation: {e}"))?;
    Ok(())
}

/// The span lies inside `input` and its line/column are those of `start`.
fn check_span(what: &str, s: &SpanDto, input: &[u8]) -> Result<(), String> {
    if s.start > s.end || s.end > input.len() {
        return Err(format!(
            "{what}: span {}..{} outside the input (length {})",
            s.start,
            s.end,
            input.len()
        ));
    }
    let before = &input[..s.start];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |nl| nl + 1);
    let column = s.start - line_start + 1;
    if (s.line, s.column) != (line, column) {
        return Err(format!(
            "{what}: span {}..{} says {}:{} but the bytes say {line}:{column}",
            s.start, s.end, s.line, s.column
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decoded_message_passes() {
        let input = b"SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 INVITE\r\nReason: Q.850;cause=17\r\nContent-Length: 0\r\n\r\n";
        let d = crate::diagnose::decode(input);
        check_decoded(&d, input).unwrap();
    }

    #[test]
    fn a_wrong_span_fails() {
        let input = b"SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n\r\n";
        let mut d = crate::diagnose::decode(input);
        d.headers[0].span.line = 7;
        assert!(check_decoded(&d, input).unwrap_err().contains("7:"));
        let mut d = crate::diagnose::decode(input);
        d.body.span.end = input.len() + 1;
        assert!(check_decoded(&d, input).is_err());
        let mut d = crate::diagnose::decode(input);
        d.headers[0].value.to_mut().push('x');
        assert!(check_decoded(&d, input).is_err());
    }
}
