//! The core rules of the SIP grammar (RFC 3261 §25.1) as [nom] parsers,
//! written once and shared by every typed view.
//!
//! One function per ABNF rule, named after it, with the rule in its doc
//! comment. Each parser works on the `&[u8]` of a [`crate::span::Text`]
//! and returns the rest of the input, so the caller turns what a rule
//! consumed into a sub-`Text` (and its absolute span) with
//! [`consumed`] or [`text_of`]: offsets over plain byte slices, relative to a `Text`
//! that already carries its base offset, cost nothing per byte and need
//! no extra dependency (`nom_locate` would carry the offset in every
//! input value instead).
//!
//! Where the views have always been lenient, the rule says so: the
//! reading stays the same byte for byte, and the leniency is written
//! next to the ABNF it relaxes. Nesting (`comment`, `<…>` in lists) is
//! counted in a loop, never by recursion, so hostile input cannot
//! exhaust the stack.
//!
//! nom is an implementation detail: nothing here is public outside
//! `crate::parse`. The error type is `()`: a rule either matches or not,
//! and the views turn a mismatch into a [`crate::finding::Finding`] with a span.
//!
//! [nom]: https://docs.rs/nom/8

use nom::branch::alt;
use nom::bytes::complete::{take, take_while, take_while1, take_while_m_n};
use nom::character::complete::char;
use nom::combinator::{opt, recognize, verify};
use nom::multi::many0_count;
use nom::sequence::{preceded, terminated};
use nom::{IResult, Offset, Parser};

use crate::span::{is_lws, Text};

/// What every rule returns: the rest of the input and the value.
pub(crate) type PResult<'a, O = &'a [u8]> = IResult<&'a [u8], O, ()>;

/// A 256-entry byte class, built at compile time from a predicate on `c`.
macro_rules! byte_class {
    (|$c:ident| $pred:expr) => {{
        let mut t = [false; 256];
        let mut i = 0;
        while i < 256 {
            let $c = i as u8;
            t[i] = $pred;
            i += 1;
        }
        t
    }};
}

/// `token` characters (RFC 3261 §25.1): alphanum and `-.!%*_+`'~`.
pub(crate) static TOKEN: [bool; 256] = byte_class!(|c| c.is_ascii_alphanumeric()
    || matches!(
        c,
        b'-' | b'.' | b'!' | b'%' | b'*' | b'_' | b'+' | b'`' | b'\'' | b'~'
    ));

/// `qdtext` as the views read it: any byte but DQUOTE and `\`.
static QDTEXT: [bool; 256] = byte_class!(|c| c != b'"' && c != b'\\');

/// `ctext` as the views read it: any byte but `(`, `)` and `\`.
static CTEXT: [bool; 256] = byte_class!(|c| c != b'(' && c != b')' && c != b'\\');

/// Characters of a host name as the views accept it: alphanum, `-`, `.`, `_`.
static HOSTCHAR: [bool; 256] =
    byte_class!(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'));

/// `scheme` characters after the first: `ALPHA / DIGIT / "+" / "-" / "."`.
static SCHEMECHAR: [bool; 256] =
    byte_class!(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'));

/// `token68` characters before the `=` padding (RFC 7235).
static TOKEN68CHAR: [bool; 256] = byte_class!(
    |c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
);

/// Inside an IPv6 reference as `gen-value` reads it: hex digits, `:`, `.`.
static V6CHAR: [bool; 256] = byte_class!(|c| c.is_ascii_hexdigit() || matches!(c, b':' | b'.'));

/// How many bytes of `input` a rule consumed, given the `rest` it returned.
#[inline]
pub(crate) fn consumed(input: &[u8], rest: &[u8]) -> usize {
    input.len() - rest.len()
}

/// The sub-`Text` of `text` that `part` (a slice a rule returned from
/// `text.bytes()`) covers, with its absolute span.
#[inline]
pub(crate) fn text_of<'a>(text: Text<'a>, part: &[u8]) -> Text<'a> {
    let from = text.bytes().offset(part);
    text.sub(from, from + part.len())
}

/// True when `rule` matches the whole of `b`.
#[inline]
pub(crate) fn whole<'a, O>(
    mut rule: impl Parser<&'a [u8], Output = O, Error = ()>,
    b: &'a [u8],
) -> bool {
    matches!(rule.parse(b), Ok((rest, _)) if rest.is_empty())
}

/// Relative index of the first LWS byte of `b` (SP, HTAB, CR, LF: `LWS`
/// of RFC 3261 §25.1 after unfolding), or its length: where a word ends in the space-separated values (`RAck`, `Warning`, auth).
#[inline]
pub(crate) fn lws_at(b: &[u8]) -> usize {
    // SP, HTAB or CR with one `memchr3`, then LF before that: a byte loop
    // cost about five instructions a byte of every URI.
    let end = memchr::memchr3(b' ', b'\t', b'\r', b).unwrap_or(b.len());
    memchr::memchr(b'\n', &b[..end]).unwrap_or(end)
}

/// `token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" )`
/// (RFC 3261 §25.1).
#[inline]
pub(crate) fn token(i: &[u8]) -> PResult<'_> {
    take_while1(|c: u8| TOKEN[usize::from(c)]).parse(i)
}

/// True when every byte is a `token` character and there is at least one:
/// [`token`] over the whole of `b`, written as the table loop because the
/// framer calls it for every method and for header names off its fast path
/// (`whole(token, b)` cost about 1 % more instructions in `parse_message`
/// over the corpus, callgrind; docs/PARSING.md).
#[inline]
pub(crate) fn is_token(b: &[u8]) -> bool {
    !b.is_empty() && b.iter().all(|&c| TOKEN[usize::from(c)])
}

/// `quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)` (RFC 3261 §25.1),
/// read leniently: the backslash escapes any byte.
fn quoted_pair(i: &[u8]) -> PResult<'_> {
    recognize((char('\\'), take(1usize))).parse(i)
}

/// `qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII` (RFC 3261
/// §25.1), read leniently: a run of any bytes but DQUOTE and `\`.
fn qdtext(i: &[u8]) -> PResult<'_> {
    take_while1(|c: u8| QDTEXT[usize::from(c)]).parse(i)
}

/// `quoted-string = SWS DQUOTE *(qdtext / quoted-pair ) DQUOTE` (RFC 3261
/// §25.1), without the leading `SWS` (values are trimmed first). Fails
/// when the input does not start with DQUOTE or the string is not closed.
pub(crate) fn quoted_string(i: &[u8]) -> PResult<'_> {
    recognize((
        char('"'),
        many0_count(alt((qdtext, quoted_pair))),
        char('"'),
    ))
    .parse(i)
}

/// True when `b` is exactly one `quoted-string`.
#[inline]
pub(crate) fn is_quoted_string(b: &[u8]) -> bool {
    whole(quoted_string, b)
}

/// Relative index of the `"` that closes the `quoted-string` opening at
/// `b[0]`; `None` when `b` does not start with one or it is not closed.
#[inline]
pub(crate) fn quoted_string_end(b: &[u8]) -> Option<usize> {
    quoted_string(b).ok().map(|(rest, _)| consumed(b, rest) - 1)
}

/// `ctext = %x21-27 / %x2A-5B / %x5D-7E / UTF8-NONASCII / LWS` (RFC 3261
/// §25.1), read leniently: a run of any bytes but `(`, `)` and `\`.
fn ctext(i: &[u8]) -> PResult<'_> {
    take_while1(|c: u8| CTEXT[usize::from(c)]).parse(i)
}

/// `comment = LPAREN *(ctext / quoted-pair / comment) RPAREN` (RFC 3261
/// §25.1). The nesting is counted, not recursed into. Fails when the
/// input does not start with `(` or the comment is not closed.
pub(crate) fn comment(i: &[u8]) -> PResult<'_> {
    let (mut rest, _) = char('(').parse(i)?;
    let mut depth = 1usize;
    while depth > 0 {
        if let Ok((r, _)) = alt((ctext, quoted_pair)).parse(rest) {
            rest = r;
        } else if let Ok((r, _)) = char::<_, ()>('(').parse(rest) {
            depth += 1;
            rest = r;
        } else {
            (rest, _) = char::<_, ()>(')').parse(rest)?;
            depth -= 1;
        }
    }
    Ok((rest, &i[..consumed(i, rest)]))
}

/// Relative index one past the `)` that closes the `comment` opening at
/// `b[0]`; `None` when `b` does not start with one or it is not closed.
#[inline]
pub(crate) fn comment_end(b: &[u8]) -> Option<usize> {
    comment(b).ok().map(|(rest, _)| consumed(b, rest))
}

/// `product = token [SLASH product-version]`, `product-version = token`
/// (RFC 3261 §25.1), without the `SWS` around `SLASH` (a `server-val` is
/// one word).
pub(crate) fn product(i: &[u8]) -> PResult<'_> {
    recognize((token, opt((char('/'), token)))).parse(i)
}

/// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )` (RFC 3261 §25.1).
pub(crate) fn qvalue(i: &[u8]) -> PResult<'_> {
    recognize(alt((
        (
            char('0'),
            opt((char('.'), take_while_m_n(0, 3, |c: u8| c.is_ascii_digit()))),
        ),
        (
            char('1'),
            opt((char('.'), take_while_m_n(0, 3, |c: u8| c == b'0'))),
        ),
    )))
    .parse(i)
}

/// True when `b` is exactly one `qvalue`.
#[inline]
pub(crate) fn is_qvalue(b: &[u8]) -> bool {
    whole(qvalue, b)
}

/// `token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`
/// (RFC 7235).
pub(crate) fn token68(i: &[u8]) -> PResult<'_> {
    recognize((
        take_while1(|c: u8| TOKEN68CHAR[usize::from(c)]),
        take_while(|c| c == b'='),
    ))
    .parse(i)
}

/// `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` (RFC 3261 §25.1).
pub(crate) fn scheme(i: &[u8]) -> PResult<'_> {
    recognize((
        take_while_m_n(1, 1, |c: u8| c.is_ascii_alphabetic()),
        take_while(|c: u8| SCHEMECHAR[usize::from(c)]),
    ))
    .parse(i)
}

/// `hostname = *( domainlabel "." ) toplabel [ "." ]`,
/// `domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum`
/// (RFC 3261 §25.1), read leniently: alphanum, `-`, `.` and `_` in any
/// order, not starting with `.` or `-`.
pub(crate) fn hostname(i: &[u8]) -> PResult<'_> {
    recognize((
        take_while_m_n(1, 1, |c: u8| c.is_ascii_alphanumeric() || c == b'_'),
        take_while(|c: u8| HOSTCHAR[usize::from(c)]),
    ))
    .parse(i)
}

/// One `1*3DIGIT` group of an `IPv4address`, at most 255.
fn dec_octet(i: &[u8]) -> PResult<'_> {
    verify(
        take_while_m_n(1, 3, |c: u8| c.is_ascii_digit()),
        |d: &[u8]| crate::span::parse_u64(d).is_some_and(|v| v <= 255),
    )
    .parse(i)
}

/// `IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT`
/// (RFC 3261 §25.1), each group at most 255.
pub(crate) fn ipv4address(i: &[u8]) -> PResult<'_> {
    recognize((
        dec_octet,
        char('.'),
        dec_octet,
        char('.'),
        dec_octet,
        char('.'),
        dec_octet,
    ))
    .parse(i)
}

/// `gen-value = token / host / quoted-string` (RFC 3261 §25.1), read as
/// the parameter checks need it: a token (which covers a host name and an
/// IPv4 address), an IPv6 reference `[…]` of hex digits, `:` and `.`, or
/// anything that opens a quote (quoting errors are reported by the list
/// and parameter scanners).
pub(crate) fn is_gen_value(v: &[u8]) -> bool {
    v.first() == Some(&b'"')
        || whole(
            alt((
                recognize((
                    char('['),
                    take_while(|c: u8| V6CHAR[usize::from(c)]),
                    char(']'),
                )),
                token,
            )),
            v,
        )
}

/// `protocol-name SLASH` and `protocol-version SLASH` of
/// `sent-protocol = protocol-name SLASH protocol-version SLASH transport`
/// (RFC 3261 §25.1), read leniently: whatever precedes the first `/`
/// outside quoted strings (the Via view trims it and checks it against
/// `token`). Fails when there is no such `/`.
pub(crate) fn sent_protocol_part(i: &[u8]) -> PResult<'_> {
    terminated(
        recognize(many0_count(alt((
            take_while1(|c: u8| c != b'/' && c != b'"'),
            quoted_string,
        )))),
        char('/'),
    )
    .parse(i)
}

/// `transport = "UDP" / "TCP" / "TLS" / "SCTP" / "TLS-SCTP" / other-transport`
/// after the `SLASH` of `sent-protocol` (RFC 3261 §25.1), read leniently:
/// after LWS, everything up to LWS or `;` (the view checks it against
/// `token`). Never fails; the transport may be empty.
pub(crate) fn transport(i: &[u8]) -> PResult<'_> {
    preceded(take_while(is_lws), take_while(|c| !is_lws(c) && c != b';')).parse(i)
}

/// `*( quoted-string / other )` up to the first `sep` outside quoted
/// strings: the shape of every "up to the next separator" of the views
/// (`generic-param` up to `EQUAL`, `sent-by` and `protocol` up to `SEMI`).
/// A quote that is not closed runs to the end of the input (the list
/// splitter reports it). Never fails; the run may be empty.
#[inline]
pub(crate) fn before_unquoted(i: &[u8], sep: u8) -> PResult<'_> {
    let mut at = 0;
    // `memchr2` skips to the next `sep` or DQUOTE.
    while let Some(k) = memchr::memchr2(sep, b'"', &i[at..]) {
        at += k;
        if i[at] != b'"' {
            return Ok((&i[at..], &i[..at]));
        }
        match quoted_string(&i[at..]) {
            Ok((r, _)) => at = i.len() - r.len(),
            Err(_) => break,
        }
    }
    Ok((&i[i.len()..], i))
}

/// `head *( SEMI param )`: the shape of `reason-value`, `sec-mechanism`,
/// `access-net-spec` and the other "a word, then `;`-parameters" values:
/// the head up to the first `;` outside quoted strings
/// ([`before_unquoted`]), then the text of the parameters after that `;`
/// (for `parse_params`), `None` without one. Never fails.
#[inline]
pub(crate) fn head_then_params(i: &[u8]) -> PResult<'_, (&[u8], Option<&[u8]>)> {
    (
        |i| before_unquoted(i, b';'),
        opt(preceded(char(';'), nom::combinator::rest)),
    )
        .parse(i)
}

/// One element of a `sep`-separated list (`*(COMMA …)`, `*(SEMI …)`):
/// `*( quoted-string / LAQUOT … RAQUOT / other )` up to the first `sep`
/// outside quotes and angle brackets. Returns the element's length; the
/// second value is the relative offset of a quote that is not closed
/// (the element then runs to the end of the input).
pub(crate) fn list_element(b: &[u8], sep: u8) -> (usize, Option<usize>) {
    let mut at = 0;
    let mut angle = 0usize;
    loop {
        let rest = &b[at..];
        // The runs between the bytes that matter are skipped with `memchr3`:
        // outside `<…>` a `>` changes nothing (the depth stays 0), inside
        // them `sep` does not end the element.
        let next = if angle == 0 {
            memchr::memchr3(sep, b'"', b'<', rest)
        } else {
            memchr::memchr3(b'"', b'<', b'>', rest)
        };
        let Some(k) = next else {
            return (b.len(), None);
        };
        at += k;
        match b[at] {
            b'"' => match quoted_string(&b[at..]) {
                Ok((r, _)) => at = b.len() - r.len(),
                Err(_) => return (b.len(), Some(at)),
            },
            b'<' => {
                angle += 1;
                at += 1;
            }
            b'>' => {
                angle = angle.saturating_sub(1);
                at += 1;
            }
            // `sep` outside `<…>`.
            _ => return (at, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        assert!(is_token(b"z9hG4bK-1.x!%*_+`'~") && !is_token(b"") && !is_token(b"a b"));
        assert_eq!(quoted_string_end(b"\"a\\\"b\" x"), Some(5));
        assert_eq!(quoted_string_end(b"\"open"), None);
        assert_eq!(quoted_string_end(b"\"\\"), None);
        assert_eq!(quoted_string_end(b"x\"\""), None);
        assert!(
            is_quoted_string(b"\"\"") && !is_quoted_string(b"\"") && !is_quoted_string(b"\"a\"b")
        );
        assert_eq!(comment(b"(a (b) \\) c) d").map(|(r, _)| r), Ok(&b" d"[..]));
        assert_eq!(comment_end(b"(a (b) \\) c) d"), Some(12));
        assert!(comment(b"(a (b)").is_err() && comment(b"x").is_err());
        for ok in ["0", "0.", "0.5", "0.123", "1", "1.0", "1.000"] {
            assert!(is_qvalue(ok.as_bytes()), "{ok}");
        }
        for bad in ["", "2", "0.1234", "1.001", ".5", "-0", "0.a", "00"] {
            assert!(!is_qvalue(bad.as_bytes()), "{bad}");
        }
        assert!(
            whole(token68, b"YWxhZGRpbjpvcGVuc2VzYW1l==")
                && !whole(token68, b"==")
                && !whole(token68, b"a=b")
        );
        assert!(
            whole(scheme, b"sips")
                && whole(scheme, b"x-a+b.c")
                && !whole(scheme, b"1x")
                && !whole(scheme, b"")
        );
        assert!(
            whole(hostname, b"_sip.example.com")
                && !whole(hostname, b"-a")
                && !whole(hostname, b".a")
        );
        assert!(whole(ipv4address, b"255.0.10.1") && !whole(ipv4address, b"256.1.1.1"));
        assert!(!whole(ipv4address, b"1.2.3") && !whole(ipv4address, b"1234.1.1.1"));
        assert!(is_gen_value(b"[]") && is_gen_value(b"[::1]") && is_gen_value(b"\"open"));
        assert!(!is_gen_value(b"") && !is_gen_value(b"[a]]") && !is_gen_value(b"a b"));
        assert_eq!(lws_at(b"abc \tdef"), 3);
        assert_eq!(lws_at(b"abc"), 3);
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let mut deep = vec![b'('; 200_000];
        assert!(comment(&deep).is_err());
        deep.extend(std::iter::repeat_n(b')', 200_000));
        assert_eq!(comment_end(&deep), Some(400_000));
        let angles = [vec![b'<'; 200_000], b",x".to_vec()].concat();
        assert_eq!(list_element(&angles, b','), (200_002, None));
    }

    #[test]
    fn before_unquoted_runs() {
        let run = |b: &'static [u8], sep| {
            let (rest, r) = before_unquoted(b, sep).unwrap();
            (r, rest)
        };
        assert_eq!(
            run(b"a\"=;\\\"\"b=c", b'='),
            (&b"a\"=;\\\"\"b"[..], &b"=c"[..])
        );
        assert_eq!(run(b"=x", b'='), (&b""[..], &b"=x"[..]));
        assert_eq!(run(b"abc", b';'), (&b"abc"[..], &b""[..]));
        assert_eq!(run(b"a\";b", b';'), (&b"a\";b"[..], &b""[..]));
        assert_eq!(run(b"\"\\", b';'), (&b"\"\\"[..], &b""[..]));
    }

    #[test]
    fn list_elements() {
        assert_eq!(list_element(b"\"a,b\" <x,y>,z", b','), (11, None));
        assert_eq!(list_element(b">,", b','), (1, None));
        assert_eq!(list_element(b"<<a>,b>,c", b','), (7, None));
        assert_eq!(list_element(b"a \"b,c", b','), (6, Some(2)));
        assert_eq!(list_element(b",", b','), (0, None));
    }
}
