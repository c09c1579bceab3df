//! Grammar and structure checks over a whole parsed message: every known
//! header through its typed view, the Request-URI, mandatory and
//! single-valued headers, CSeq/method agreement and the Via branch
//! (RFC 3261 §8.1.1, §20, §25; the RFC 4475 torture cases).
//!
//! [`crate::parse::parse_message`] reports only what framing needs; this pass adds
//! the findings a strict element would raise, located to the byte. Each
//! header is checked independently, so one broken header never hides the
//! others.

use crate::finding::{Finding, Rule};
use crate::header_name::{HeaderName, HeaderShape};
use crate::parse::params::Findings;
use crate::parse::uri::UriScheme;
use crate::parse::via::MAGIC_COOKIE;
use crate::parse::views::{parse_view, Views};
use crate::parse::{Header, Message};
use crate::quote::quote_str;
use crate::span::Span;

/// Runs every grammar and structure check; returns the parser's findings
/// followed by the new ones, ordered by position.
pub fn validate_message(msg: &Message<'_>) -> Vec<Finding> {
    validate_views(&Views::new(msg))
}

/// [`validate_message`] over views already shared with other readers
/// (the diagnosis): the findings of every header view, of the
/// Request-URI and of the body, plus the structure checks. Views not yet
/// computed are computed here, once.
pub fn validate_views(views: &Views<'_, '_>) -> Vec<Finding> {
    let mut out = validate_views_unsorted(views);
    crate::sort::sort_by_key(&mut out, |f| (f.span.start, f.span.end));
    out
}

/// [`validate_views`] before its sort by position, for a caller that sorts
/// these findings with others by the same key anyway (the diagnosis: a
/// stable sort of the lot gives the same order as sorting twice).
pub(crate) fn validate_views_unsorted(views: &Views<'_, '_>) -> Vec<Finding> {
    let msg = views.message();
    // Room for a few findings of the views from the start (a message has
    // a couple): the first ones no longer grow the `Vec` from the size
    // of the framer's findings.
    let mut out: Findings = Vec::with_capacity(msg.findings().len() + 8);
    out.extend_from_slice(msg.findings());
    check_request_uri(views, &mut out);
    for i in 0..msg.headers().len() {
        out.extend_from_slice(&views.get(i).findings);
    }
    check_structure(views, &mut out);
    // The body through its view (SDP lines, multipart framing).
    out.extend_from_slice(&views.body_parsed().1);
    out
}

/// Checks one header value against its typed grammar (the row of the
/// view registry, [`crate::parse::views`]).
pub fn check_header(h: &Header<'_>, out: &mut Findings) {
    if let Some(name) = h.known_name() {
        parse_view(name, h.value, out);
    }
}

fn check_request_uri(views: &Views<'_, '_>, out: &mut Findings) {
    let Some(rl) = views.message().request_line() else {
        return;
    };
    let uri = rl.uri;
    let b = uri.bytes();
    if b.first() == Some(&b'<') || b.last() == Some(&b'>') {
        out.push(Finding::new(
            Rule::BadRequestUri,
            uri.span(),
            "Request-URI is enclosed in <>",
        ));
        return;
    }
    let Some((parsed, found)) = views.request_uri_parsed() else {
        return;
    };
    let Some(parsed) = parsed else {
        out.push(Finding::new(
            Rule::BadRequestUri,
            uri.span(),
            format!(
                "Request-URI {} is not an absolute URI",
                quote_str(&uri.as_str())
            ),
        ));
        return;
    };
    for f in found {
        // Grammar problems of the Request-URI get the Request-URI rule.
        let rule = if f.rule == Rule::BadHeaderValue {
            Rule::BadRequestUri
        } else {
            f.rule
        };
        if rule == Rule::BadRequestUri && out.iter().any(|o| o.rule == rule && o.span == uri.span())
        {
            continue;
        }
        out.push(Finding::new(rule, f.span, f.message.clone()));
    }
    if parsed.headers.is_some() {
        out.push(Finding::new(
            Rule::HeadersInRequestUri,
            parsed.headers.map_or(uri.span(), |h| h.span()),
            "the Request-URI carries escaped headers (?…); they must not be forwarded or applied",
        ));
    }
    if !matches!(
        parsed.kind,
        UriScheme::Sip | UriScheme::Sips | UriScheme::Tel
    ) {
        out.push(Finding::new(
            Rule::UnknownUriScheme,
            parsed.scheme.span(),
            format!(
                "Request-URI scheme {} is not sip, sips or tel; expect 416 Unsupported URI Scheme",
                quote_str(&parsed.scheme.as_str())
            ),
        ));
    }
}

fn check_structure(views: &Views<'_, '_>, out: &mut Findings) {
    let msg = views.message();
    if msg.findings().iter().any(|f| f.rule == Rule::EmptyInput) {
        return;
    }
    let request = msg.request_line();
    let at = Span::empty(msg.start_line_span().end);
    let mut required = vec![
        HeaderName::Via,
        HeaderName::From,
        HeaderName::To,
        HeaderName::CallId,
        HeaderName::CSeq,
    ];
    if request.is_none() && !msg.is_response() {
        required.clear();
    }
    for name in required {
        if views.first(name).is_none() {
            out.push(Finding::new(
                Rule::MissingMandatoryHeader,
                at,
                format!("no {} header", name.as_str()),
            ));
        }
    }
    if request.is_some() && views.first(HeaderName::MaxForwards).is_none() {
        out.push(Finding::new(
            Rule::MissingMaxForwards,
            at,
            "request without Max-Forwards",
        ));
    }
    // Single-valued headers that appear more than once.
    // (The first header of that name, found in the names the views looked
    // up: no list of the names seen so far to grow.)
    for (i, h) in msg.headers().iter().enumerate() {
        let Some(name) = views.name(i) else { continue };
        if name.info().shape != HeaderShape::Single || name == HeaderName::ContentLength {
            continue;
        }
        match views.first(name) {
            Some((j, first)) if j < i => out.push(Finding::new(
                Rule::DuplicateSingleHeader,
                h.span,
                format!(
                    "second {} header (first at byte {}); it allows one value",
                    name.as_str(),
                    first.span.start
                ),
            )),
            _ => {}
        }
    }
    let cseq = views.cseq();
    if let (Some(rl), Some(cseq)) = (request, cseq) {
        if rl.method.bytes() != cseq.method.bytes() && !cseq.method.is_empty() {
            out.push(Finding::new(
                Rule::CseqMethodMismatch,
                cseq.method.span(),
                format!(
                    "CSeq method {} differs from the request method {}",
                    cseq.method.as_str(),
                    rl.method.as_str()
                ),
            ));
        }
    }
    if request.is_some() {
        if let Some(via) = views.top_via() {
            match via.branch() {
                None => out.push(Finding::new(
                    Rule::BadBranch,
                    via.text.span(),
                    "top Via has no branch: RFC 2543 transaction matching applies",
                )),
                Some(b) if b.bytes() == MAGIC_COOKIE => out.push(Finding::new(
                    Rule::BadBranch,
                    b.span(),
                    "branch is only the magic cookie z9hG4bK, with no unique part",
                )),
                Some(b) if !b.bytes().starts_with(MAGIC_COOKIE) => out.push(Finding::new(
                    Rule::BadBranch,
                    b.span(),
                    "branch lacks the z9hG4bK magic cookie: the sender is RFC 2543 style",
                )),
                Some(_) => {}
            }
        }
    }
}
