//! Grammar and structure checks over a whole parsed message: every known
//! header through its typed view, the Request-URI, mandatory and
//! single-valued headers, CSeq/method agreement and the Via branch
//! (RFC 3261 §8.1.1, §20, §25; the RFC 4475 torture cases).
//!
//! [`crate::parse_message`] reports only what framing needs; this pass adds
//! the findings a strict element would raise, located to the byte. Each
//! header is checked independently, so one broken header never hides the
//! others.

use crate::finding::{Finding, Rule};
use crate::parse::addr::{parse_contact, parse_name_addr, parse_name_addr_list};
use crate::parse::header_name::{HeaderName, HeaderShape};
use crate::parse::params::Findings;
use crate::parse::scalar::{
    parse_call_id, parse_cseq, parse_delta_seconds, parse_max_forwards, parse_session_interval,
};
use crate::parse::uri::{parse_uri, UriScheme};
use crate::parse::via::{parse_via_list, MAGIC_COOKIE};
use crate::parse::{auth, diag, ims, security, tokens};
use crate::parse::{Header, Message};
use crate::span::Span;

/// Runs every grammar and structure check; returns the parser's findings
/// followed by the new ones, ordered by position.
pub fn validate_message(msg: &Message<'_>) -> Vec<Finding> {
    let mut out: Findings = msg.findings().to_vec();
    check_request_uri(msg, &mut out);
    for h in msg.headers() {
        check_header(h, &mut out);
    }
    check_structure(msg, &mut out);
    // The body through its view (SDP lines, multipart framing).
    crate::parse::body::view_message_body(msg, &mut out);
    crate::sort::sort_by_key(&mut out, |f| (f.span.start, f.span.end));
    out
}

/// Checks one header value against its typed grammar.
pub fn check_header(h: &Header<'_>, out: &mut Findings) {
    let Some(name) = h.known_name() else { return };
    let v = h.value;
    let canonical = name.as_str();
    match name {
        HeaderName::Via => {
            parse_via_list(v, out);
        }
        HeaderName::From
        | HeaderName::To
        | HeaderName::ReferTo
        | HeaderName::ReferredBy
        | HeaderName::ReplyTo
        | HeaderName::PCalledPartyId
        | HeaderName::PServedUser => {
            // Two addresses in a single-valued header (each with a URI).
            let mut scratch = Vec::new();
            let items = crate::parse::params::split_list(v, canonical, &mut scratch);
            if items.len() > 1 && items.iter().all(|i| i.find_unquoted(b':').is_some()) {
                out.push(Finding::new(
                    Rule::DuplicateSingleHeader,
                    v.span(),
                    format!("{canonical} holds {} addresses; it allows one", items.len()),
                ));
            }
            parse_name_addr(v, canonical, out);
        }
        HeaderName::Contact => {
            parse_contact(v, out);
        }
        HeaderName::Route
        | HeaderName::RecordRoute
        | HeaderName::Path
        | HeaderName::ServiceRoute
        | HeaderName::PAssertedIdentity
        | HeaderName::PPreferredIdentity
        | HeaderName::PAssociatedUri => {
            parse_name_addr_list(v, canonical, out);
        }
        HeaderName::CSeq => {
            parse_cseq(v, out);
        }
        HeaderName::CallId => {
            parse_call_id(v, out);
        }
        HeaderName::MaxForwards => {
            parse_max_forwards(v, out);
        }
        HeaderName::Expires | HeaderName::MinExpires => {
            parse_delta_seconds(v, canonical, out);
        }
        HeaderName::SessionExpires | HeaderName::MinSe => {
            parse_session_interval(v, canonical, out);
        }
        HeaderName::WwwAuthenticate => {
            auth::parse_www_authenticate(v, out);
        }
        HeaderName::ProxyAuthenticate => {
            auth::parse_proxy_authenticate(v, out);
        }
        HeaderName::Authorization => {
            auth::parse_authorization(v, out);
        }
        HeaderName::ProxyAuthorization => {
            auth::parse_proxy_authorization(v, out);
        }
        HeaderName::AuthenticationInfo => {
            auth::parse_authentication_info(v, out);
        }
        HeaderName::SecurityClient => {
            security::parse_security_client(v, out);
        }
        HeaderName::SecurityServer => {
            security::parse_security_server(v, out);
        }
        HeaderName::SecurityVerify => {
            security::parse_security_verify(v, out);
        }
        HeaderName::PAccessNetworkInfo => {
            ims::parse_p_access_network_info(v, out);
        }
        HeaderName::PChargingVector => {
            ims::parse_p_charging_vector(v, out);
        }
        HeaderName::RetryAfter => {
            diag::parse_retry_after(v, out);
        }
        HeaderName::Warning => {
            diag::parse_warning(v, out);
        }
        HeaderName::Reason => {
            diag::parse_reason(v, out);
        }
        HeaderName::Require => {
            tokens::parse_require(v, out);
        }
        HeaderName::Supported => {
            tokens::parse_supported(v, out);
        }
        HeaderName::Unsupported => {
            tokens::parse_unsupported(v, out);
        }
        HeaderName::ProxyRequire => {
            tokens::parse_proxy_require(v, out);
        }
        HeaderName::Allow => {
            tokens::parse_allow(v, out);
        }
        HeaderName::AllowEvents => {
            tokens::parse_allow_events(v, out);
        }
        HeaderName::Accept => {
            tokens::parse_accept(v, out);
        }
        HeaderName::RSeq => {
            tokens::parse_rseq(v, out);
        }
        HeaderName::RAck => {
            tokens::parse_rack(v, out);
        }
        HeaderName::ContentType => {
            crate::parse::media::parse_media_type(v, out);
        }
        HeaderName::Date => {
            tokens::parse_date(v, out);
        }
        HeaderName::Server | HeaderName::UserAgent => {
            // Product tokens are informational: bent grammar is tolerated.
            let mut found = Vec::new();
            if name == HeaderName::Server {
                tokens::parse_server(v, &mut found);
            } else {
                tokens::parse_user_agent(v, &mut found);
            }
            out.extend(found.into_iter().map(|mut f| {
                if f.rule == Rule::BadHeaderValue {
                    f.rule = Rule::LaxHeaderValue;
                }
                f
            }));
        }
        _ => {}
    }
}

fn check_request_uri(msg: &Message<'_>, out: &mut Findings) {
    let Some(rl) = msg.request_line() else { return };
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
    let mut found = Vec::new();
    let Some(parsed) = parse_uri(uri, &mut found) else {
        out.push(Finding::new(
            Rule::BadRequestUri,
            uri.span(),
            format!("Request-URI {:?} is not an absolute URI", uri.as_str()),
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
        out.push(Finding::new(rule, f.span, f.message));
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
                "Request-URI scheme {:?} is not sip, sips or tel; expect 416 Unsupported URI Scheme",
                parsed.scheme.as_str()
            ),
        ));
    }
}

fn check_structure(msg: &Message<'_>, out: &mut Findings) {
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
        if msg.header(name).is_none() {
            out.push(Finding::new(
                Rule::MissingMandatoryHeader,
                at,
                format!("no {} header", name.as_str()),
            ));
        }
    }
    if request.is_some() && msg.header(HeaderName::MaxForwards).is_none() {
        out.push(Finding::new(
            Rule::MissingMaxForwards,
            at,
            "request without Max-Forwards",
        ));
    }
    // Single-valued headers that appear more than once.
    let mut seen: Vec<(HeaderName, Span)> = Vec::new();
    for h in msg.headers() {
        let Some(name) = h.known_name() else { continue };
        if name.info().shape != HeaderShape::Single || name == HeaderName::ContentLength {
            continue;
        }
        match seen.iter().find(|(n, _)| *n == name) {
            Some((_, first)) => out.push(Finding::new(
                Rule::DuplicateSingleHeader,
                h.span,
                format!(
                    "second {} header (first at byte {}); it allows one value",
                    name.as_str(),
                    first.start
                ),
            )),
            None => seen.push((name, h.span)),
        }
    }
    let mut scratch = Vec::new();
    let cseq = msg
        .header(HeaderName::CSeq)
        .and_then(|h| parse_cseq(h.value, &mut scratch));
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
        let top = msg
            .header(HeaderName::Via)
            .and_then(|h| parse_via_list(h.value, &mut scratch).into_iter().next());
        if let Some(via) = top {
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
