//! URIs: SIP/SIPS (RFC 3261 §19.1, §25.1), tel (RFC 3966), urn and any
//! other absolute URI kept opaque. IPv6 references per RFC 5118.

use crate::quote::quote_str;
use nom::bytes::complete::take_till;
use nom::character::complete::char;
use nom::combinator::{opt, recognize, rest as nom_rest};
use nom::sequence::{preceded, terminated};
use nom::Parser;

use super::grammar::{hostname, ipv4address, lws_at, scheme, text_of, whole, PResult};
use super::params::{parse_params, Findings, Params};
use crate::finding::{Finding, Rule};
use crate::span::Text;

/// The URI scheme, classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UriScheme {
    /// `sip:`
    Sip,
    /// `sips:`
    Sips,
    /// `tel:` (RFC 3966)
    Tel,
    /// `urn:` (e.g. `urn:service:sos`, `urn:gsma:imei:…`)
    Urn,
    /// Any other scheme, kept opaque.
    Other,
}

/// What kind of host a URI names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HostKind {
    /// A DNS name.
    Name,
    /// A dotted IPv4 address.
    Ipv4,
    /// A bracketed IPv6 reference.
    Ipv6,
}

/// A parsed URI. Every part is a [`Text`] with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uri<'a> {
    /// The whole URI as written.
    pub text: Text<'a>,
    /// The scheme as written.
    pub scheme: Text<'a>,
    /// The scheme, classified.
    pub kind: UriScheme,
    /// User part (SIP/SIPS), escapes kept.
    pub user: Option<Text<'a>>,
    /// Password (SIP/SIPS; deprecated).
    pub password: Option<Text<'a>>,
    /// Host (brackets kept for IPv6 references).
    pub host: Option<Text<'a>>,
    /// Kind of host.
    pub host_kind: Option<HostKind>,
    /// Port text.
    pub port_text: Option<Text<'a>>,
    /// Port number, when it fits.
    pub port: Option<u16>,
    /// URI parameters (`;transport=tcp;lr`…; for tel: `;phone-context=…`).
    pub params: Params<'a>,
    /// Headers part after `?`, as written.
    pub headers: Option<Text<'a>>,
    /// For tel: the number; for urn and other schemes: everything after the
    /// first colon.
    pub opaque: Option<Text<'a>>,
}

impl<'a> Uri<'a> {
    /// The `transport` parameter.
    pub fn transport(&self) -> Option<Text<'a>> {
        self.params.value("transport")
    }

    /// True when the `lr` parameter (loose routing) is present.
    pub fn lr(&self) -> bool {
        self.params.has("lr")
    }

    /// The `user=phone` parameter value.
    pub fn user_param(&self) -> Option<Text<'a>> {
        self.params.value("user")
    }
}

/// `absoluteURI` / `SIP-URI` / `SIPS-URI` / `telephone-uri` (RFC 3261 §25.1,
/// RFC 3966 §3). Returns `None` (with a finding) when there is no scheme.
pub fn parse_uri<'a>(text: Text<'a>, out: &mut Findings) -> Option<Uri<'a>> {
    let text = text.trim();
    let b = text.bytes();
    let Ok((rest, scheme)) = scheme_colon(b) else {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            text.span(),
            format!("{} is not a URI (no scheme)", quote_str(&text.as_str())),
        ));
        return None;
    };
    let ws = lws_at(b);
    if ws < b.len() {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            text.sub(ws, ws + 1).span(),
            "white space inside a URI",
        ));
    }
    let scheme = text_of(text, scheme);
    let rest = text_of(text, rest);
    let kind = if scheme.eq_ignore_case("sip") {
        UriScheme::Sip
    } else if scheme.eq_ignore_case("sips") {
        UriScheme::Sips
    } else if scheme.eq_ignore_case("tel") {
        UriScheme::Tel
    } else if scheme.eq_ignore_case("urn") {
        UriScheme::Urn
    } else {
        UriScheme::Other
    };
    let mut uri = Uri {
        text,
        scheme,
        kind,
        user: None,
        password: None,
        host: None,
        host_kind: None,
        port_text: None,
        port: None,
        params: Params::default(),
        headers: None,
        opaque: None,
    };
    match kind {
        UriScheme::Sip | UriScheme::Sips => sip_uri(&mut uri, rest, out),
        UriScheme::Tel => {
            let (number, params) = telephone_subscriber(rest);
            if number.is_empty() {
                out.push(Finding::new(
                    Rule::BadHeaderValue,
                    text.span(),
                    "tel URI without a number",
                ));
            }
            uri.opaque = Some(number);
            if let Some(p) = params {
                uri.params = parse_params(p, "tel URI", out);
            }
        }
        UriScheme::Urn | UriScheme::Other => uri.opaque = Some(rest),
    }
    Some(uri)
}

/// `scheme ":"` of `absoluteURI = scheme ":" ( hier-part / opaque-part )`
/// (RFC 3261 §25.1): the scheme, and the rest after the colon.
fn scheme_colon(i: &[u8]) -> PResult<'_> {
    terminated(scheme, char(':')).parse(i)
}

/// `telephone-subscriber` of `telephone-uri = "tel:" telephone-subscriber`
/// (RFC 3966 §3), read leniently: the number up to the first `;`, then the
/// parameters after it (checked as `*( ";" param )` by `parse_params`).
fn telephone_subscriber(rest: Text<'_>) -> (Text<'_>, Option<Text<'_>>) {
    let split: PResult<'_, (&[u8], Option<&[u8]>)> =
        (take_till(|c| c == b';'), opt(preceded(char(';'), nom_rest))).parse(rest.bytes());
    // Neither part can fail: `take_till` and `opt` always match.
    let (number, params) = split.map_or((rest.bytes(), None), |(_, parts)| parts);
    (text_of(rest, number), params.map(|p| text_of(rest, p)))
}

/// What [`userinfo`] reads: the whole `userinfo` with its `@`, the `user`,
/// the `password`.
type UserInfo<'a> = (&'a [u8], &'a [u8], Option<&'a [u8]>);

/// `userinfo = ( user / telephone-subscriber ) [ ":" password ] "@"`
/// (RFC 3261 §25.1), read leniently: everything up to the last `@` of the
/// URI (an unescaped `@` appears only here; the user may hold `;` and
/// `?`), the user up to its first `:`, the password after it. Returns
/// (`userinfo` with its `@`, `user`, `password`).
fn userinfo(i: &[u8]) -> PResult<'_, UserInfo<'_>> {
    // Hand-written with `memchr` (the parts are split at known bytes; the
    // nom `take_till` loops cost about five instructions a byte).
    let at = memchr::memrchr(b'@', i).ok_or(nom::Err::Error(()))?;
    let info = &i[..at];
    let (user, password) = match memchr::memchr(b':', info) {
        Some(c) => (&info[..c], Some(&info[c + 1..])),
        None => (info, None),
    };
    Ok((&i[at + 1..], (&i[..=at], user, password)))
}

/// `i` split before its first byte found by `find` (the whole of `i`
/// when none): what nom's `take_till` returns, found with `memchr`.
#[inline]
fn split_at_found(i: &[u8], find: impl Fn(&[u8]) -> Option<usize>) -> PResult<'_> {
    let n = find(i).unwrap_or(i.len());
    Ok((&i[n..], &i[..n]))
}

/// The `hostport` of a `SIP-URI`, read leniently: everything up to the
/// first `;` or `?` (`host_port` reads its parts).
fn hostport(i: &[u8]) -> PResult<'_> {
    split_at_found(i, |i| memchr::memchr2(b';', b'?', i))
}

/// `uri-parameters = *( ";" uri-parameter)` (RFC 3261 §25.1), read
/// leniently: after the first `;`, everything up to `?` (each parameter is
/// checked by `parse_params`).
fn uri_parameters(i: &[u8]) -> PResult<'_> {
    match i.split_first() {
        Some((b';', after)) => split_at_found(after, |i| memchr::memchr(b'?', i)),
        _ => Err(nom::Err::Error(())),
    }
}

/// `headers = "?" header *( "&" header )` (RFC 3261 §25.1), kept as
/// written: everything after the `?`.
fn headers(i: &[u8]) -> PResult<'_> {
    preceded(char('?'), nom_rest).parse(i)
}

/// `IPv6reference = "[" IPv6address "]"` (RFC 3261 §25.1), read leniently:
/// `[` up to the first `]` (the address is checked by [`is_ipv6`]).
#[inline]
pub(super) fn ipv6reference(i: &[u8]) -> PResult<'_> {
    recognize((char('['), take_till(|c| c == b']'), char(']'))).parse(i)
}

/// `[ ":" port ]` of `hostport = host [ ":" port ]` (RFC 3261 §25.1): the
/// port text after the colon, up to the end of the `hostport` (checked by
/// [`port_number`]).
#[inline]
pub(super) fn colon_port(i: &[u8]) -> PResult<'_> {
    preceded(char(':'), nom_rest).parse(i)
}

/// `host` up to the port colon, for a host that is not an `IPv6reference`:
/// `hostname / IPv4address` (RFC 3261 §25.1), told apart by the caller.
#[inline]
pub(super) fn host_before_port(i: &[u8]) -> PResult<'_> {
    split_at_found(i, |i| memchr::memchr(b':', i))
}

/// `SIP-URI = "sip:" [ userinfo ] hostport uri-parameters [ headers ]`
/// (and `SIPS-URI`, RFC 3261 §25.1), after the scheme and its colon.
fn sip_uri<'a>(uri: &mut Uri<'a>, rest: Text<'a>, out: &mut Findings) {
    type Parts<'b> = (
        Option<UserInfo<'b>>,
        &'b [u8],
        Option<&'b [u8]>,
        Option<&'b [u8]>,
    );
    let parsed: PResult<'_, Parts<'_>> =
        (opt(userinfo), hostport, opt(uri_parameters), opt(headers)).parse(rest.bytes());
    // Every part is optional or may be empty: the sequence always matches.
    let Ok((_, (info, hp, params, hdrs))) = parsed else {
        return;
    };
    if let Some((info, user, password)) = info {
        uri.user = Some(text_of(rest, user));
        uri.password = password.map(|p| text_of(rest, p));
        if user.is_empty() && password.is_none() {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                text_of(rest, info).span(),
                "empty user part before '@'",
            ));
        }
    }
    host_port(uri, text_of(rest, hp), out);
    if let Some(p) = params {
        uri.params = parse_params(text_of(rest, p), "URI", out);
    }
    uri.headers = hdrs.map(|h| text_of(rest, h));
}

/// `hostport = host [ ":" port ]`,
/// `host = hostname / IPv4address / IPv6reference` (RFC 3261 §25.1).
fn host_port<'a>(uri: &mut Uri<'a>, hp: Text<'a>, out: &mut Findings) {
    let b = hp.bytes();
    if b.is_empty() {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            hp.span(),
            "URI without a host",
        ));
        return;
    }
    let (host, port) = if let Ok((after, reference)) = ipv6reference(b) {
        let host = text_of(hp, reference);
        let port = match colon_port(after) {
            Ok((_, p)) => Some(text_of(hp, p)),
            Err(_) if after.is_empty() => None,
            Err(_) => {
                out.push(Finding::new(
                    Rule::BadHeaderValue,
                    text_of(hp, after).span(),
                    "unexpected characters after the IPv6 reference",
                ));
                None
            }
        };
        if !is_ipv6(&reference[1..reference.len() - 1]) {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                host.span(),
                format!("{} is not an IPv6 address", quote_str(&host.as_str())),
            ));
        }
        uri.host_kind = Some(HostKind::Ipv6);
        (host, port)
    } else if b[0] == b'[' {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            hp.span(),
            "IPv6 reference without closing ']'",
        ));
        (hp, None)
    } else {
        let split: PResult<'_, (&[u8], Option<&[u8]>)> =
            (host_before_port, opt(colon_port)).parse(b);
        let (host, port) = split.map_or((b, None), |(_, parts)| parts);
        if port.is_some_and(|p| memchr::memchr(b':', p).is_some()) {
            out.push(Finding::new(
                Rule::UnbracketedIpv6,
                hp.span(),
                format!(
                    "{} looks like an IPv6 address without [ ]",
                    quote_str(&hp.as_str())
                ),
            ));
            uri.host = Some(hp);
            uri.host_kind = Some(HostKind::Ipv6);
            return;
        }
        (text_of(hp, host), port.map(|p| text_of(hp, p)))
    };
    if uri.host_kind.is_none() {
        let hb = host.bytes();
        uri.host_kind = Some(if is_ipv4(hb) {
            HostKind::Ipv4
        } else {
            if !is_hostname(hb) {
                out.push(Finding::new(
                    Rule::BadHeaderValue,
                    host.span(),
                    format!("{} is not a valid host name", quote_str(&host.as_str())),
                ));
            }
            HostKind::Name
        });
    }
    uri.host = Some(host);
    if let Some(p) = port {
        uri.port_text = Some(p);
        uri.port = port_number(p, out);
    }
}

/// `port = 1*DIGIT`, at most 65535.
pub(crate) fn port_number(p: Text<'_>, out: &mut Findings) -> Option<u16> {
    match p.parse_u64() {
        Some(v) if v <= 65535 => Some(v as u16),
        Some(_) => {
            out.push(Finding::new(
                Rule::ValueOutOfRange,
                p.span(),
                format!("port {} is larger than 65535", p.as_str()),
            ));
            None
        }
        None => {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                p.span(),
                format!("port {} is not a number", quote_str(&p.as_str())),
            ));
            None
        }
    }
}

/// `IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT`, each ≤ 255
/// (RFC 3261 §25.1; the nom rule `grammar::ipv4address`).
pub fn is_ipv4(b: &[u8]) -> bool {
    whole(ipv4address, b)
}

/// An IPv6 address (RFC 4291 text forms, with the RFC 3261 ABNF's
/// tolerance of a third colon before an embedded IPv4 part, RFC 5118 §4.10).
pub fn is_ipv6(b: &[u8]) -> bool {
    if b.len() < 2 || b.len() > 45 {
        return false;
    }
    let (head, v4) = match memchr::memrchr(b':', b) {
        Some(i) if memchr::memchr(b'.', &b[i..]).is_some() => {
            if !is_ipv4(&b[i + 1..]) {
                return false;
            }
            (&b[..=i], true)
        }
        _ => (b, false),
    };
    // A colon at either end is only ever half of the one "::" (RFC 4291):
    // `:1:2:3:4:5:6:7:8` and `1:2:3:4:5:6:7:8:` are not addresses.
    // With an IPv4 tail, `head` ends in the colon before it.
    let body = if v4 && !head.ends_with(b"::") {
        &head[..head.len() - 1]
    } else {
        head
    };
    if (body.first() == Some(&b':') && !body.starts_with(b"::"))
        || (body.last() == Some(&b':') && !body.ends_with(b"::"))
    {
        return false;
    }
    let groups: Vec<&[u8]> = head.split(|&c| c == b':').collect();
    let double = head.windows(2).filter(|w| w == b"::").count();
    if double > 1 && !(v4 && head.ends_with(b":::")) {
        return false;
    }
    let hex_groups = groups
        .iter()
        .filter(|g| !g.is_empty())
        .try_fold(0usize, |n, g| {
            (g.len() <= 4 && g.iter().all(u8::is_ascii_hexdigit)).then_some(n + 1)
        });
    let Some(n) = hex_groups else { return false };
    let max = if v4 { 6 } else { 8 };
    if double == 0 && !(v4 && head.ends_with(b":::")) {
        n == max
    } else {
        n < max
    }
}

/// `hostname = *( domainlabel "." ) toplabel [ "." ]` (RFC 3261 §25.1;
/// lenient, see the nom rule `grammar::hostname`).
pub fn is_hostname(b: &[u8]) -> bool {
    whole(hostname, b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn parse(b: &[u8]) -> (Option<Uri<'_>>, Findings) {
        let mut f = Vec::new();
        let u = parse_uri(Text::new(b, Span::new(0, b.len())), &mut f);
        (u, f)
    }

    #[test]
    fn sip_uri_parts() {
        let s = b"sip:alice:secret@atlanta.example.com:5061;transport=tcp;lr?Subject=x";
        let (u, f) = parse(s);
        let u = u.unwrap();
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(u.kind, UriScheme::Sip);
        assert_eq!(u.user.unwrap().bytes(), b"alice");
        assert_eq!(u.password.unwrap().bytes(), b"secret");
        assert_eq!(u.host.unwrap().bytes(), b"atlanta.example.com");
        assert_eq!(u.port, Some(5061));
        assert_eq!(u.transport().unwrap().bytes(), b"tcp");
        assert!(u.lr());
        assert_eq!(u.headers.unwrap().bytes(), b"Subject=x");
        for t in [u.user.unwrap(), u.host.unwrap(), u.port_text.unwrap()] {
            assert_eq!(t.span().slice(s), t.bytes());
        }
    }

    #[test]
    fn user_with_semicolon_and_escapes() {
        let (u, f) = parse(b"sip:user;par=u%40example.net@example.com");
        let u = u.unwrap();
        assert!(f.is_empty());
        assert_eq!(u.user.unwrap().bytes(), b"user;par=u%40example.net");
        assert_eq!(u.host.unwrap().bytes(), b"example.com");
    }

    #[test]
    fn ipv6_references() {
        let (u, f) = parse(b"sip:[2001:db8::10]:5070");
        let u = u.unwrap();
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(u.host_kind, Some(HostKind::Ipv6));
        assert_eq!(u.port, Some(5070));
        let (u, f) = parse(b"sip:[2001:db8::10:5070]");
        assert!(f.is_empty());
        assert_eq!(u.unwrap().port, None);
        let (_, f) = parse(b"sip:user@2001:db8::10");
        assert_eq!(f[0].rule, Rule::UnbracketedIpv6);
        let (_, f) = parse(b"sip:[2001:db8:::192.0.2.1]");
        assert!(f.is_empty(), "{f:?}");
        let (_, f) = parse(b"sip:[::ffff:192.0.2.2]");
        assert!(f.is_empty(), "{f:?}");
        assert!(!is_ipv6(b"2001:db8::10::1"));
        assert!(is_ipv6(b"2001:db8:0:0:0:0:0:1"));
        assert!(!is_ipv6(b"2001:db8:0:0:0:0:0:0:1"));
        // A lone colon at either end is not half of a "::".
        assert!(!is_ipv6(b":1:2:3:4:5:6:7:8"));
        assert!(!is_ipv6(b"1:2:3:4:5:6:7:8:"));
        assert!(!is_ipv6(b":1:2:3:4:5:6:1.2.3.4"));
        assert!(is_ipv6(b"::1"));
        assert!(is_ipv6(b"1::"));
        assert!(is_ipv6(b"::"));
        assert!(is_ipv6(b"::1.2.3.4"));
        assert!(is_ipv6(b"::ffff:1.2.3.4"));
        assert!(is_ipv6(b"1:2:3:4:5:6:1.2.3.4"));
        assert!(is_ipv6(b"1::1.2.3.4"));
    }

    #[test]
    fn tel_urn_other_and_errors() {
        let (u, _) = parse(b"tel:+1-201-555-0123;phone-context=ims.example");
        let u = u.unwrap();
        assert_eq!(u.kind, UriScheme::Tel);
        assert_eq!(u.opaque.unwrap().bytes(), b"+1-201-555-0123");
        assert!(u.params.has("phone-context"));
        let (u, _) = parse(b"urn:service:sos");
        assert_eq!(u.unwrap().kind, UriScheme::Urn);
        let (u, f) = parse(b"nobodyknowsthisscheme:totallyopaquecontent");
        assert_eq!(u.unwrap().kind, UriScheme::Other);
        assert!(f.is_empty());
        let (u, f) = parse(b"no-scheme-here");
        assert!(u.is_none());
        assert_eq!(f[0].rule, Rule::BadHeaderValue);
        let (_, f) = parse(b"sip:host:99999");
        assert_eq!(f[0].rule, Rule::ValueOutOfRange);
        assert!(is_ipv4(b"255.255.255.255") && !is_ipv4(b"256.1.1.1") && !is_ipv4(b"1.2.3"));
    }
}
