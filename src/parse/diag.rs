//! Headers that explain an outcome: `Retry-After` (RFC 3261 §20.33),
//! `Warning` (RFC 3261 §20.43) and `Reason` (RFC 3326; 3GPP TS 24.229
//! §7.2A.18 `RELEASE_CAUSE`).
//!
//! Codes stay open: any number that reads is returned, and ranges are
//! checked per protocol (SIP status 100–699, Q.850 cause 0–127).

use crate::quote::quote_str;
use nom::bytes::complete::{take_till, take_while, take_while1, take_while_m_n};
use nom::character::complete::digit1;
use nom::combinator::rest;
use nom::sequence::preceded;
use nom::Parser;

use super::grammar::{self, head_then_params, quoted_string, text_of, whole, PResult, TOKEN};
use super::is_token;
use super::params::{parse_params, split_list, Findings, Params};
use super::tokens::digits_u32;
use crate::finding::{Finding, Rule};
use crate::span::{is_lws, Text};

/// The value of `Retry-After`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryAfter<'a> {
    /// `delta-seconds` as written.
    pub delta: Text<'a>,
    /// The delay in seconds, when it is `1*DIGIT` within 2^32-1.
    pub seconds: Option<u32>,
    /// The `comment`, parentheses included.
    pub comment: Option<Text<'a>>,
    /// `retry-param`s in order (`duration` included).
    pub params: Params<'a>,
}

impl RetryAfter<'_> {
    /// `duration`: how long the callee will be reachable, in seconds
    /// (`None` when absent or not a 32-bit number).
    pub fn duration(&self) -> Option<u32> {
        self.params
            .value("duration")?
            .parse_u64()
            .and_then(|v| u32::try_from(v).ok())
    }
}

/// `delta-seconds = 1*DIGIT` of `Retry-After` (RFC 3261 §20.33, §25.1),
/// read leniently: everything up to LWS, `(` or `;` (`digits_u32` checks
/// it). Never fails; the delta may be empty.
fn delta_seconds_part(i: &[u8]) -> PResult<'_> {
    take_till(|c| is_lws(c) || c == b'(' || c == b';').parse(i)
}

/// `Retry-After = "Retry-After" HCOLON delta-seconds [ comment ] *( SEMI retry-param )`;
/// `retry-param = ("duration" EQUAL delta-seconds) / generic-param`;
/// `delta-seconds = 1*DIGIT` (RFC 3261 §20.33, §25.1). A delta above
/// 2^32-1 is `ValueOutOfRange` (RFC 4475 §3.1.2.5 scalarlg).
pub fn parse_retry_after<'a>(value: Text<'a>, out: &mut Findings) -> Option<RetryAfter<'a>> {
    const H: &str = "Retry-After";
    let v = value.trim();
    if v.is_empty() {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            v.span(),
            "Retry-After is empty; delta-seconds expected",
        ));
        return None;
    }
    let b = v.bytes();
    let (after_delta, delta) = delta_seconds_part(b).unwrap_or((&[], b));
    let delta = text_of(v, delta);
    let seconds = if delta.is_empty() {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            v.span(),
            "Retry-After: delta-seconds is missing",
        ));
        None
    } else {
        digits_u32(delta, H, "delta-seconds", out)
    };
    let mut rest = text_of(v, after_delta).trim();
    let mut comment = None;
    if rest.bytes().first() == Some(&b'(') {
        match grammar::comment(rest.bytes()) {
            Ok((after, c)) => {
                comment = Some(text_of(rest, c));
                rest = text_of(rest, after).trim();
            }
            Err(_) => {
                out.push(Finding::new(
                    Rule::BadHeaderValue,
                    rest.span(),
                    "Retry-After: comment is not closed with ')'",
                ));
                comment = Some(rest);
                rest = rest.tail(rest.len());
            }
        }
    }
    let params = match rest.bytes().first() {
        None => Params::default(),
        Some(b';') => parse_params(rest.tail(1), H, out),
        Some(_) => {
            let junk_end = rest.find_unquoted(b';').unwrap_or(rest.len());
            out.push(Finding::new(
                Rule::BadHeaderValue,
                rest.sub(0, junk_end).span(),
                format!(
                    "Retry-After: unexpected {}; only a (comment) and ;parameters may follow delta-seconds",
                    quote_str(&rest.sub(0, junk_end).as_str())
                ),
            ));
            parse_params(rest.tail(junk_end + 1), H, out)
        }
    };
    if let Some(d) = params.get("duration").and_then(|p| p.value) {
        digits_u32(d, H, "duration", out);
    }
    Some(RetryAfter {
        delta,
        seconds,
        comment,
        params,
    })
}

/// One `warning-value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WarningValue<'a> {
    /// `warn-code` as written.
    pub code_text: Text<'a>,
    /// The code, when it is exactly three digits.
    pub code: Option<u16>,
    /// `warn-agent`: `hostport` or `pseudonym` (empty when missing).
    pub agent: Text<'a>,
    /// `warn-text` as written, quotes included (empty when missing).
    pub text: Text<'a>,
}

impl<'a> WarningValue<'a> {
    /// The warn-text without its quotes (escapes kept).
    pub fn text_unquoted(&self) -> Text<'a> {
        super::params::unquote(self.text)
    }
}

/// How a value that should be a `quoted-string` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoted {
    /// Exactly one `quoted-string`.
    Yes,
    /// It opens a quote that is not closed: the list splitter reports it.
    Unclosed,
    /// Anything else, a closed `quoted-string` followed by more included.
    No,
}

/// Reads `b` against `quoted-string` (RFC 3261 §25.1).
fn quoted(b: &[u8]) -> Quoted {
    match quoted_string(b) {
        Ok(([], _)) => Quoted::Yes,
        Err(_) if b.first() == Some(&b'"') => Quoted::Unclosed,
        _ => Quoted::No,
    }
}

/// `warn-code = 3DIGIT` (RFC 3261 §20.43), read leniently: the word up to
/// LWS (the view tells a wrong length from a non-digit).
fn warn_code(i: &[u8]) -> PResult<'_> {
    take_till(is_lws).parse(i)
}

/// The `3DIGIT` of `warn-code` (RFC 3261 §20.43).
fn three_digit(i: &[u8]) -> PResult<'_> {
    take_while_m_n(3, 3, |c: u8| c.is_ascii_digit()).parse(i)
}

/// `SP warn-agent` of `warning-value` (RFC 3261 §20.43), read leniently:
/// LWS, then the word up to LWS (empty when missing).
fn warn_agent(i: &[u8]) -> PResult<'_> {
    preceded(take_while(is_lws), take_till(is_lws)).parse(i)
}

/// `warn-agent = hostport / pseudonym`, `pseudonym = token` (RFC 3261
/// §20.43), read as one class: `token` characters plus the `[`, `]` and
/// `:` of a `hostport`.
fn hostport_or_pseudonym(i: &[u8]) -> PResult<'_> {
    take_while1(|c: u8| TOKEN[usize::from(c)] || matches!(c, b'[' | b']' | b':')).parse(i)
}

/// `SP warn-text`, `warn-text = quoted-string` (RFC 3261 §20.43), read
/// leniently: LWS, then the rest of the value (the view checks it with
/// `quoted-string`).
fn warn_text(i: &[u8]) -> PResult<'_> {
    preceded(take_while(is_lws), rest).parse(i)
}

/// `warning-value = warn-code SP warn-agent SP warn-text` (RFC 3261
/// §20.43), the `SP` read as LWS. Never fails; a missing part is empty.
fn warning_value(i: &[u8]) -> PResult<'_, (&[u8], &[u8], &[u8])> {
    (warn_code, warn_agent, warn_text).parse(i)
}

/// `Warning = "Warning" HCOLON warning-value *(COMMA warning-value)`;
/// `warning-value = warn-code SP warn-agent SP warn-text`;
/// `warn-code = 3DIGIT`; `warn-agent = hostport / pseudonym`;
/// `warn-text = quoted-string`; `pseudonym = token` (RFC 3261 §20.43, §25.1).
/// A numeric code that is not three digits is `ValueOutOfRange`
/// (RFC 4475 §3.1.2.5 scalarlg: `1812`).
pub fn parse_warning<'a>(value: Text<'a>, out: &mut Findings) -> Vec<WarningValue<'a>> {
    const H: &str = "Warning";
    if value.trim().is_empty() {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            value.span(),
            "Warning is empty; `warn-code warn-agent \"warn-text\"` expected",
        ));
    }
    let mut vals = Vec::new();
    for item in split_list(value, H, out) {
        let ib = item.bytes();
        let (code_text, agent, text) = match warning_value(ib) {
            Ok((_, (c, a, t))) => (text_of(item, c), text_of(item, a), text_of(item, t)),
            Err(_) => (item, item.tail(ib.len()), item.tail(ib.len())),
        };
        let cb = code_text.bytes();
        let code = if whole(three_digit, cb) {
            code_text.parse_u64().map(|c| c as u16)
        } else if cb.iter().all(u8::is_ascii_digit) {
            out.push(Finding::new(
                Rule::ValueOutOfRange,
                code_text.span(),
                format!(
                    "Warning: warn-code {} is not three digits",
                    code_text.as_str()
                ),
            ));
            None
        } else {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                code_text.span(),
                format!(
                    "Warning: warn-code {} is not a three-digit number",
                    quote_str(&code_text.as_str())
                ),
            ));
            None
        };
        if agent.is_empty() || text.is_empty() {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                item.span(),
                format!(
                    "Warning: {} is missing; `warn-code warn-agent \"warn-text\"` expected",
                    if agent.is_empty() {
                        "warn-agent"
                    } else {
                        "warn-text"
                    }
                ),
            ));
        }
        if !agent.is_empty() && !whole(hostport_or_pseudonym, agent.bytes()) {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                agent.span(),
                format!(
                    "Warning: warn-agent {} is neither host[:port] nor a token",
                    quote_str(&agent.as_str())
                ),
            ));
        }
        // An unclosed quote was already reported by the list splitter.
        if !text.is_empty() && quoted(text.bytes()) == Quoted::No {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                text.span(),
                format!(
                    "Warning: warn-text {} is not a quoted string",
                    quote_str(&text.as_str())
                ),
            ));
        }
        vals.push(WarningValue {
            code_text,
            code,
            agent,
            text,
        });
    }
    vals
}

/// The protocol of a `reason-value`, matched case-insensitively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReasonProtocol {
    /// `SIP`: the cause is a SIP status code (RFC 3326 §2).
    Sip,
    /// `Q.850`: the cause is an ISDN cause value (RFC 3326 §2; ITU-T Q.850).
    Q850,
    /// `RELEASE_CAUSE`: 3GPP release cause (3GPP TS 24.229 §7.2A.18).
    ReleaseCause,
    /// Any other token (kept as written in [`ReasonValue::protocol`]).
    Other,
}

/// Known protocols: (name, kind, inclusive cause range).
#[rustfmt::skip]
const PROTOCOLS: &[(&str, ReasonProtocol, u16, u16)] = &[
    ("SIP",           ReasonProtocol::Sip,          100, 699), // RFC 3326 §2: a status code
    ("Q.850",         ReasonProtocol::Q850,         0,   127), // ITU-T Q.850: 7-bit cause value
    ("RELEASE_CAUSE", ReasonProtocol::ReleaseCause, 0, u16::MAX), // TS 24.229 §7.2A.18
];

/// One `reason-value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonValue<'a> {
    /// `protocol` as written (`SIP`, `Q.850`, `q.850`, `RELEASE_CAUSE`…).
    pub protocol: Text<'a>,
    /// `reason-params` in order (`cause`, `text`, extensions).
    pub params: Params<'a>,
}

impl<'a> ReasonValue<'a> {
    /// The protocol, matched case-insensitively.
    pub fn protocol_kind(&self) -> ReasonProtocol {
        PROTOCOLS
            .iter()
            .find(|(n, _, _, _)| self.protocol.eq_ignore_case(n))
            .map_or(ReasonProtocol::Other, |p| p.1)
    }

    /// `cause` as written.
    pub fn cause_text(&self) -> Option<Text<'a>> {
        self.params.value("cause")
    }

    /// `cause` as a number, when it is digits and fits `u16`.
    pub fn cause(&self) -> Option<u16> {
        self.cause_text()?
            .parse_u64()
            .and_then(|v| u16::try_from(v).ok())
    }

    /// `text` without quotes (escapes kept).
    pub fn text(&self) -> Option<Text<'a>> {
        self.params.value("text")
    }
}

/// `reason-value = protocol *(SEMI reason-params)` (RFC 3326 §2): the
/// protocol and, after the first `SEMI`, the text of the parameters (read
/// by `parse_params`, `reason-params = protocol-cause / reason-text /
/// reason-extension`). `protocol = "SIP" / "Q.850" / token` is read
/// leniently: everything up to that `;` (a quote that is not closed runs
/// to the end), trimmed and checked against `token` by the view. Never
/// fails.
fn reason_value(i: &[u8]) -> PResult<'_, (&[u8], Option<&[u8]>)> {
    head_then_params(i)
}

/// `cause = 1*DIGIT` of `protocol-cause = "cause" EQUAL cause` (RFC 3326 §2).
fn cause(i: &[u8]) -> PResult<'_> {
    digit1(i)
}

/// `Reason = "Reason" HCOLON reason-value *(COMMA reason-value)`;
/// `reason-value = protocol *(SEMI reason-params)`;
/// `protocol = "SIP" / "Q.850" / token`;
/// `reason-params = protocol-cause / reason-text / reason-extension`;
/// `protocol-cause = "cause" EQUAL cause`; `cause = 1*DIGIT`;
/// `reason-text = "text" EQUAL quoted-string` (RFC 3326 §2).
pub fn parse_reason<'a>(value: Text<'a>, out: &mut Findings) -> Vec<ReasonValue<'a>> {
    const H: &str = "Reason";
    if value.trim().is_empty() {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            value.span(),
            "Reason is empty; `protocol ;cause=…` expected",
        ));
    }
    let mut vals = Vec::new();
    for item in split_list(value, H, out) {
        let (protocol, params) = match reason_value(item.bytes()) {
            Ok((_, (p, Some(params)))) => (
                text_of(item, p).trim(),
                parse_params(text_of(item, params), H, out),
            ),
            Ok((_, (p, None))) => (text_of(item, p), Params::default()),
            Err(_) => (item, Params::default()),
        };
        if !is_token(protocol.bytes()) {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                if protocol.is_empty() {
                    item.span()
                } else {
                    protocol.span()
                },
                format!(
                    "Reason: protocol {} is not a token (SIP, Q.850…)",
                    quote_str(&protocol.as_str())
                ),
            ));
        }
        let rv = ReasonValue { protocol, params };
        if let Some(c) = rv.params.get("cause").and_then(|p| p.value) {
            if !whole(cause, c.bytes()) {
                out.push(Finding::new(
                    Rule::BadHeaderValue,
                    c.span(),
                    format!("Reason: cause {} is not a number", quote_str(&c.as_str())),
                ));
            } else if let Some(&(name, _, lo, hi)) = PROTOCOLS
                .iter()
                .find(|(n, _, _, _)| protocol.eq_ignore_case(n))
            {
                if rv.cause().is_none_or(|n| n < lo || n > hi) {
                    out.push(Finding::new(
                        Rule::ValueOutOfRange,
                        c.span(),
                        format!("Reason: {name} cause {} is outside {lo}–{hi}", c.as_str()),
                    ));
                }
            } else if rv.cause().is_none() {
                out.push(Finding::new(
                    Rule::ValueOutOfRange,
                    c.span(),
                    format!("Reason: cause {} is larger than 65535", c.as_str()),
                ));
            }
        }
        if let Some(t) = rv.params.get("text").and_then(|p| p.value) {
            // An unclosed quote was already reported by the list splitter.
            if quoted(t.bytes()) == Quoted::No {
                out.push(Finding::new(
                    Rule::BadHeaderValue,
                    t.span(),
                    format!(
                        "Reason: text {} must be a quoted string",
                        quote_str(&t.as_str())
                    ),
                ));
            }
        }
        vals.push(rv);
    }
    vals
}

// Native only: proptest is a native dev-dependency (`wasm-pack test` builds every test target).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::parse::test_util::*;
    use crate::span::Span;

    #[test]
    fn retry_after() {
        let v = b"120 (I'm in a meeting; (really)) ;duration=3600;foo";
        let mut f = Vec::new();
        let r = parse_retry_after(Text::whole(v), &mut f).unwrap();
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(r.seconds, Some(120));
        assert_eq!(r.comment.unwrap().bytes(), b"(I'm in a meeting; (really))");
        assert_eq!(r.duration(), Some(3600));
        assert!(r.params.has("foo"));
        at(v, r.delta);
        at(v, r.comment.unwrap());
        r.params.iter().for_each(|p| at(v, p.name));

        let mut f = Vec::new();
        let r = parse_retry_after(Text::whole(b"18000;duration=3600"), &mut f).unwrap();
        assert!(f.is_empty());
        assert_eq!((r.seconds, r.duration()), (Some(18000), Some(3600)));
        assert!(r.comment.is_none());
    }

    #[test]
    fn retry_after_malformed() {
        // RFC 4475 §3.1.2.5 scalarlg.
        let v = b"949302838503028349304023988";
        let mut f = Vec::new();
        let r = parse_retry_after(Text::whole(v), &mut f).unwrap();
        assert_eq!(rules(&f), [Rule::ValueOutOfRange]);
        assert_eq!(f[0].span.slice(v), v);
        assert!(f[0].message.contains("Retry-After"));
        assert_eq!(r.seconds, None);
        let v = b"4294967296";
        let mut f = Vec::new();
        parse_retry_after(Text::whole(v), &mut f).unwrap();
        assert_eq!(rules(&f), [Rule::ValueOutOfRange]);
        let mut f = Vec::new();
        let r = parse_retry_after(Text::whole(b"4294967295"), &mut f).unwrap();
        assert_eq!(r.seconds, Some(u32::MAX));
        assert!(f.is_empty());

        let v = b"soon (x junk;duration=-1";
        let mut f = Vec::new();
        let r = parse_retry_after(Text::whole(v), &mut f).unwrap();
        assert_eq!(rules(&f), [Rule::BadHeaderValue, Rule::BadHeaderValue]);
        assert_eq!(f[0].span.slice(v), b"soon");
        assert_eq!(f[1].span.slice(v), b"(x junk;duration=-1");
        assert_eq!(r.comment.unwrap().bytes(), b"(x junk;duration=-1");

        let v = b"10 x;duration=99999999999";
        let mut f = Vec::new();
        let r = parse_retry_after(Text::whole(v), &mut f).unwrap();
        assert_eq!(rules(&f), [Rule::BadHeaderValue, Rule::ValueOutOfRange]);
        assert_eq!(f[0].span.slice(v), b"x");
        assert_eq!(f[1].span.slice(v), b"99999999999");
        assert_eq!(r.duration(), None);
        let mut f = Vec::new();
        parse_retry_after(Text::whole(b";duration=1"), &mut f).unwrap();
        assert_eq!(rules(&f), [Rule::BadHeaderValue]);
        let mut f = Vec::new();
        assert!(parse_retry_after(Text::whole(b""), &mut f).is_none());
    }

    #[test]
    fn warnings() {
        let v = b"399 sip1 \"No other DNS entries to try (0,0)\", 392 200.68.120.81:5060 \"Noisy feedback\", 301 [2001:db8::1]:5060 \"a \\\"b\\\"\"";
        let mut f = Vec::new();
        let w = parse_warning(Text::whole(v), &mut f);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(w.len(), 3);
        assert_eq!(w[0].code, Some(399));
        assert_eq!(w[0].agent.bytes(), b"sip1");
        assert_eq!(
            w[0].text_unquoted().bytes(),
            b"No other DNS entries to try (0,0)"
        );
        assert_eq!(w[1].agent.bytes(), b"200.68.120.81:5060");
        assert_eq!(w[2].agent.bytes(), b"[2001:db8::1]:5060");
        for x in &w {
            at(v, x.code_text);
            at(v, x.agent);
            at(v, x.text);
            at(v, x.text_unquoted());
        }
    }

    #[test]
    fn warnings_malformed() {
        // RFC 4475 §3.1.2.5 scalarlg.
        let v = b"1812 overture \"In Progress\"";
        let mut f = Vec::new();
        let w = parse_warning(Text::whole(v), &mut f);
        assert_eq!(rules(&f), [Rule::ValueOutOfRange]);
        assert_eq!(f[0].span.slice(v), b"1812");
        assert_eq!((w[0].code, w[0].agent.bytes()), (None, &b"overture"[..]));
        assert_eq!(w[0].text_unquoted().bytes(), b"In Progress");

        let v = b"3a9 ag{ent unquoted text, 399, 399 host \"open";
        let mut f = Vec::new();
        let w = parse_warning(Text::whole(v), &mut f);
        assert_eq!(w.len(), 3);
        let got: Vec<_> = f.iter().map(|x| (x.rule, x.span.slice(v))).collect();
        assert!(
            got.contains(&(Rule::BadHeaderValue, &b"3a9"[..])),
            "{got:?}"
        );
        assert!(got.contains(&(Rule::BadHeaderValue, &b"ag{ent"[..])));
        assert!(got.contains(&(Rule::BadHeaderValue, &b"unquoted text"[..])));
        assert!(got.contains(&(Rule::BadHeaderValue, &b"399"[..])));
        assert!(got.contains(&(Rule::UnterminatedQuote, &b"\"open"[..])));
        assert_eq!(f.len(), 5);
        assert_eq!(w[1].code, Some(399));
        assert!(w[1].agent.is_empty() && w[1].text.is_empty());
        at(v, w[1].agent);
        // A closed quoted string followed by more is not a `warn-text`
        // (the old check took any text opening a quote for an unclosed one).
        for v in [&b"399 host \"abc\" x"[..], b"399 host \"a\" \"b\""] {
            let mut f = Vec::new();
            parse_warning(Text::whole(v), &mut f);
            assert_eq!(rules(&f), [Rule::BadHeaderValue], "{f:?}");
            assert_eq!(f[0].span.slice(v), &v[9..]);
        }
        let mut f = Vec::new();
        assert!(parse_warning(Text::whole(b""), &mut f).is_empty());
        assert_eq!(rules(&f), [Rule::BadHeaderValue]);
    }

    #[test]
    fn reasons() {
        let v = b"Q.850 ;cause=16 ;text=\"local\", q.850;cause=21, SIP;cause=488;text=\"Transfer impossible: No call handling ressources\", RELEASE_CAUSE;cause=1;text=\"User ends call\", X-Vendor;foo";
        let mut f = Vec::new();
        let r = parse_reason(Text::whole(v), &mut f);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(r.len(), 5);
        assert_eq!(r[0].protocol.bytes(), b"Q.850");
        assert_eq!(r[0].protocol_kind(), ReasonProtocol::Q850);
        assert_eq!(r[0].cause(), Some(16));
        assert_eq!(r[0].text().unwrap().bytes(), b"local");
        assert_eq!(r[1].protocol.bytes(), b"q.850");
        assert_eq!(r[1].protocol_kind(), ReasonProtocol::Q850);
        assert_eq!(r[1].cause(), Some(21));
        assert_eq!(r[2].protocol_kind(), ReasonProtocol::Sip);
        assert_eq!(r[2].cause(), Some(488));
        assert_eq!(r[3].protocol_kind(), ReasonProtocol::ReleaseCause);
        assert_eq!(r[3].cause(), Some(1));
        assert_eq!(r[4].protocol_kind(), ReasonProtocol::Other);
        assert_eq!(r[4].cause(), None);
        for x in &r {
            at(v, x.protocol);
            x.cause_text().into_iter().for_each(|c| at(v, c));
            x.text().into_iter().for_each(|c| at(v, c));
        }
    }

    #[test]
    fn reasons_malformed() {
        let v = b"SIP;cause=999, Q.850;cause=128, Q.850;cause=x16;text=local, ;cause=1, Foo;cause=70000";
        let mut f = Vec::new();
        let r = parse_reason(Text::whole(v), &mut f);
        assert_eq!(r.len(), 5);
        let got: Vec<_> = f.iter().map(|x| (x.rule, x.span.slice(v))).collect();
        assert_eq!(
            got,
            [
                (Rule::ValueOutOfRange, &b"999"[..]),
                (Rule::ValueOutOfRange, b"128"),
                (Rule::BadHeaderValue, b"x16"),
                (Rule::BadHeaderValue, b"local"),
                (Rule::BadHeaderValue, b";cause=1"),
                (Rule::ValueOutOfRange, b"70000"),
            ]
        );
        assert!(f.iter().all(|x| x.message.starts_with("Reason")));
        assert_eq!(r[0].cause(), Some(999));
        assert_eq!(r[3].cause(), Some(1));
        let v = b"SIP;cause=480;text=\"abc\" x";
        let mut f = Vec::new();
        parse_reason(Text::whole(v), &mut f);
        assert_eq!(rules(&f), [Rule::BadHeaderValue], "{f:?}");
        assert_eq!(f[0].span.slice(v), b"\"abc\" x");
        // A quote that is not closed is the list splitter's finding only.
        let v = b"SIP \"x;y;cause=1";
        let mut f = Vec::new();
        let r = parse_reason(Text::whole(v), &mut f);
        assert_eq!(rules(&f), [Rule::UnterminatedQuote, Rule::BadHeaderValue]);
        assert_eq!(r[0].protocol.bytes(), v);
        let mut f = Vec::new();
        assert!(parse_reason(Text::whole(b" "), &mut f).is_empty());
        assert_eq!(rules(&f), [Rule::BadHeaderValue]);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_spans_inside(body in nasty()) {
            let mut input = b"Warning: ".to_vec();
            input.extend_from_slice(&body);
            let v = Text::new(&input, Span::new(9, input.len()));
            let mut f = Vec::new();
            if let Some(r) = parse_retry_after(v, &mut f) {
                at(&input, r.delta);
                r.comment.into_iter().for_each(|c| at(&input, c));
            }
            for w in parse_warning(v, &mut f) {
                for x in [w.code_text, w.agent, w.text, w.text_unquoted()] {
                    at(&input, x);
                }
            }
            for r in parse_reason(v, &mut f) {
                at(&input, r.protocol);
                let _ = (r.cause(), r.protocol_kind());
            }
            for x in &f {
                proptest::prop_assert!(x.span.start >= 9 && x.span.end <= input.len(), "{x:?}");
            }
        }
    }
}
