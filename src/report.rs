//! Owned, serializable DTOs of a decoded message: what adapters (wasm, CLI,
//! page) hand to users. camelCase field names form the JSON contract;
//! `schemaVersion` changes only with an incompatible change.
//!
//! This module turns a borrowed [`Message`] into plain data; it holds no
//! protocol logic of its own.

use serde::Serialize;

use crate::finding::{Category, Finding, Severity};
use crate::parse::{Message, StartLine};
use crate::span::{line_col, Span};
use crate::validate::validate_message;

/// Version of the JSON contract.
pub const SCHEMA_VERSION: u32 = 1;

/// A span with 1-based line and column of its start, for user interfaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpanDto {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    /// 1-based column (in bytes) of `start`.
    pub column: usize,
}

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
}

/// The Status-Line of a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusDto {
    /// The code (absent when it is not three digits).
    pub code: Option<u16>,
    /// The reason phrase as sent.
    pub reason_phrase: String,
    /// Class name (`request-failure`…).
    pub class: crate::StatusClass,
    /// True for 2xx–6xx.
    #[serde(rename = "final")]
    pub is_final: bool,
}

/// The Request-Line of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestDto {
    /// Method as written.
    pub method: String,
    /// Request-URI as written.
    pub uri: String,
}

/// One header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeaderDto {
    /// Name as written.
    pub name: String,
    /// Canonical name for registered headers, else the name as written.
    pub canonical_name: String,
    /// Value as written.
    pub value: String,
    /// The whole header.
    pub span: SpanDto,
    /// The value.
    pub value_span: SpanDto,
    /// One line about the header, for registered headers.
    pub meaning: Option<&'static str>,
    /// Defining specification, for registered headers.
    pub spec: Option<&'static str>,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingDto {
    /// Stable rule ID (`SL013`).
    pub id: &'static str,
    /// Stable rule name.
    pub slug: &'static str,
    /// Severity.
    pub severity: Severity,
    /// Category.
    pub category: Category,
    /// What was found here.
    pub message: String,
    /// Where.
    pub span: SpanDto,
    /// Specification reference.
    pub spec_ref: &'static str,
}

impl FindingDto {
    /// Converts a finding located in `input`.
    pub fn new(input: &[u8], f: &Finding) -> Self {
        let info = f.rule.info();
        FindingDto {
            id: info.id,
            slug: info.slug,
            severity: info.severity,
            category: info.category,
            message: f.message.clone(),
            span: SpanDto::new(input, f.span),
            spec_ref: info.spec,
        }
    }
}

/// A decoded message: the parser's view, owned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageReport {
    /// Contract version.
    pub schema_version: u32,
    /// `response`, `request` or `invalid`.
    pub kind: &'static str,
    /// Status line, for responses.
    pub status: Option<StatusDto>,
    /// Request line, for requests.
    pub request: Option<RequestDto>,
    /// Every header in order.
    pub headers: Vec<HeaderDto>,
    /// The body as text (lossy UTF-8).
    pub body: String,
    /// The body's span.
    pub body_span: SpanDto,
    /// Parser and grammar findings, by position.
    pub findings: Vec<FindingDto>,
}

/// Builds the owned report of a message (parser + grammar findings).
pub fn report_message(msg: &Message<'_>) -> MessageReport {
    let input = msg.input();
    let (kind, status, request) = match msg.start_line() {
        StartLine::Status(s) => (
            "response",
            Some(StatusDto {
                code: s.code.map(|c| c.0),
                reason_phrase: s.reason.as_str().into_owned(),
                class: s.code.map_or(crate::StatusClass::Invalid, |c| c.class()),
                is_final: s.code.is_some_and(|c| c.is_final()),
            }),
            None,
        ),
        StartLine::Request(r) => (
            "request",
            None,
            Some(RequestDto {
                method: r.method.as_str().into_owned(),
                uri: r.uri.as_str().into_owned(),
            }),
        ),
        StartLine::Invalid(_) => ("invalid", None, None),
    };
    let headers = msg
        .headers()
        .iter()
        .map(|h| {
            let known = h.known_name();
            HeaderDto {
                name: h.name.as_str().into_owned(),
                canonical_name: h.canonical_name().into_owned(),
                value: h.value.as_str().into_owned(),
                span: SpanDto::new(input, h.span),
                value_span: SpanDto::new(input, h.value.span()),
                meaning: known.map(|k| k.info().meaning),
                spec: known.map(|k| k.info().spec),
            }
        })
        .collect();
    let findings = validate_message(msg)
        .iter()
        .map(|f| FindingDto::new(input, f))
        .collect();
    MessageReport {
        schema_version: SCHEMA_VERSION,
        kind,
        status,
        request,
        headers,
        body: msg.body().as_str().into_owned(),
        body_span: SpanDto::new(input, msg.body().span()),
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_of_a_response() {
        let input = b"SIP/2.0 503 Service Unavailable\r\nRetry-After: 30\r\nCall-ID: x\r\n\r\n";
        let r = report_message(&crate::parse_message(input));
        assert_eq!(r.kind, "response");
        let s = r.status.as_ref().unwrap();
        assert_eq!((s.code, s.is_final), (Some(503), true));
        assert_eq!(r.headers[0].canonical_name, "Retry-After");
        assert_eq!(r.headers[1].value_span.line, 3);
        assert!(r
            .findings
            .iter()
            .any(|f| f.slug == "missing-mandatory-header"));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["schemaVersion"], 1);
        assert_eq!(json["status"]["final"], true);
        assert_eq!(json["status"]["class"], "server-failure");
    }
}
