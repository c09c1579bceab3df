//! Authentication headers: challenges (`WWW-Authenticate`,
//! `Proxy-Authenticate`), credentials (`Authorization`,
//! `Proxy-Authorization`) and `Authentication-Info`
//! (RFC 3261 §20.6, §20.7, §20.27, §20.28, §20.44, §22.4, §25.1;
//! RFC 2617 / RFC 7616 digest; RFC 3310 AKA; 3GPP TS 24.229 §7.2A.1-2
//! `ik`, `ck`, `integrity-protected`).
//!
//! Auth params are separated by commas (not `;`) and quoted values may
//! hold commas. Unknown schemes parse as generic `auth-param` lists (or an
//! RFC 7235 `token68`); the per-parameter checks (quoting, `stale`, `nc`,
//! repeats) apply to `Digest` only.

use crate::quote::quote_str;
use std::ops::Deref;

use nom::bytes::complete::{take_till, take_while};
use nom::combinator::rest;
use nom::sequence::preceded;
use nom::Parser;

use super::grammar::{is_quoted_string, quoted_string_end, text_of, token68, whole, PResult};
use super::is_token;
use super::params::{generic_param, split_list, Findings, Param, Params};
use crate::finding::{Finding, Rule};
use crate::span::is_lws;
use crate::span::Text;

/// The auth-params of a challenge, credentials or `Authentication-Info`,
/// in order, as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthParams<'a>(pub Params<'a>);

/// How a digest parameter's value must be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// `quoted-string` (`LDQUOT … RDQUOT`).
    Quoted,
    /// `token` (never quoted).
    Token,
    /// Quoted in a challenge (`qop-options`), a token elsewhere (`message-qop`).
    Qop,
    /// Not checked.
    Any,
}

macro_rules! digest_params {
    ($( $(#[$doc:meta])* $fn:ident = ($name:literal, $form:ident); )*) => {
        /// Digest parameters with a typed accessor, and how they are written.
        static DIGEST_PARAMS: &[(&str, Form)] = &[ $( ($name, Form::$form), )* ];

        impl<'a> AuthParams<'a> {
            $(
                $(#[$doc])*
                #[doc = concat!("\n\nValue of `", $name, "`, quotes removed.")]
                pub fn $fn(&self) -> Option<Text<'a>> {
                    self.value($name)
                }
            )*
        }
    };
}

#[rustfmt::skip]
digest_params! {
    /// Protection space (RFC 3261 §25.1 `realm`; in IMS the home domain).
    realm = ("realm", Quoted);
    /// Server nonce (RFC 7616 §3.3; for AKA the base64 of RAND‖AUTN‖…, RFC 3310 §3.2).
    nonce = ("nonce", Quoted);
    /// Digest algorithm: `MD5`, `MD5-sess`, `SHA-256`, `AKAv1-MD5`, `AKAv2-MD5`… (RFC 3261 §25.1; RFC 3310 §3.1; RFC 7616 §3.3).
    algorithm = ("algorithm", Token);
    /// Quality of protection: `"auth,auth-int"` in a challenge, one value in credentials (RFC 3261 §25.1).
    qop = ("qop", Qop);
    /// Opaque server data echoed by the client (RFC 7616 §3.3).
    opaque = ("opaque", Quoted);
    /// `true` when the nonce was stale, not the password wrong (RFC 7616 §3.3).
    stale = ("stale", Token);
    /// Protection-space URIs (RFC 7616 §3.3).
    domain = ("domain", Quoted);
    /// User name; in IMS the private user identity (IMPI) (3GPP TS 24.229 §5.1.1.2).
    username = ("username", Quoted);
    /// `digest-uri` (RFC 3261 §25.1).
    uri = ("uri", Quoted);
    /// `request-digest`: the client's response (RFC 3261 §25.1; RES-based for AKA, RFC 3310).
    response = ("response", Quoted);
    /// Client nonce (RFC 7616 §3.4).
    cnonce = ("cnonce", Quoted);
    /// Nonce count, 8 hex digits (RFC 7616 §3.4).
    nc = ("nc", Token);
    /// AKA re-synchronisation token after a SQN failure (RFC 3310 §3.4).
    auts = ("auts", Quoted);
    /// `response-auth` of `Authentication-Info` (RFC 3261 §25.1).
    rspauth = ("rspauth", Quoted);
    /// Next nonce to use (RFC 3261 §25.1 `nextnonce`).
    nextnonce = ("nextnonce", Quoted);
    /// Integrity key from the S-CSCF to the P-CSCF (3GPP TS 24.229 §7.2A.1).
    ik = ("ik", Quoted);
    /// Cipher key from the S-CSCF to the P-CSCF (3GPP TS 24.229 §7.2A.1).
    ck = ("ck", Quoted);
    /// Set by the P-CSCF: `yes`, `no`, `tls-pending`, `tls-yes`, `ip-assoc-pending`, `ip-assoc-yes`, `auth-done` (3GPP TS 24.229 §7.2A.2).
    integrity_protected = ("integrity-protected", Any);
}

impl<'a> std::ops::Deref for AuthParams<'a> {
    type Target = Params<'a>;

    fn deref(&self) -> &Params<'a> {
        &self.0
    }
}

impl<'a> AuthParams<'a> {
    /// True when `algorithm` starts with `AKAv` (case-insensitive): IMS AKA
    /// digest (RFC 3310 §3.1, RFC 4169).
    pub fn is_aka(&self) -> bool {
        self.algorithm().is_some_and(|a| {
            a.bytes()
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case(b"AKAv"))
        })
    }

    /// `stale` as a boolean (`None` when absent or neither `true` nor `false`).
    pub fn stale_flag(&self) -> Option<bool> {
        let s = self.stale()?;
        if s.eq_ignore_case("true") {
            Some(true)
        } else if s.eq_ignore_case("false") {
            Some(false)
        } else {
            None
        }
    }

    /// `nc` as a number (`None` when absent or not 8 hex digits).
    pub fn nonce_count(&self) -> Option<u32> {
        let nc = self.nc()?;
        if nc.len() != 8 || !nc.bytes().iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        u32::from_str_radix(std::str::from_utf8(nc.bytes()).ok()?, 16).ok()
    }

    /// The `qop` values (`"auth,auth-int"` → `auth`, `auth-int`), trimmed.
    pub fn qop_values(&self) -> Vec<Text<'a>> {
        let Some(q) = self.qop() else {
            return Vec::new();
        };
        let mut vals = Vec::new();
        let mut s = 0;
        for (i, &c) in q.bytes().iter().enumerate() {
            if c == b',' {
                vals.push(q.sub(s, i).trim());
                s = i + 1;
            }
        }
        vals.push(q.tail(s).trim());
        vals.retain(|v| !v.is_empty());
        vals
    }
}

/// A challenge or credentials: `auth-scheme` then auth-params.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth<'a> {
    /// `auth-scheme` as written (`Digest`, `NoOneKnowsThisScheme`…).
    pub scheme: Text<'a>,
    /// An RFC 7235 `token68` in place of params (non-Digest schemes only).
    pub token68: Option<Text<'a>>,
    /// The auth-params in order.
    pub params: AuthParams<'a>,
}

/// `WWW-Authenticate` / `Proxy-Authenticate` value.
pub type Challenge<'a> = Auth<'a>;
/// `Authorization` / `Proxy-Authorization` value.
pub type Credentials<'a> = Auth<'a>;

impl Auth<'_> {
    /// True when the scheme is `Digest` (case-insensitive).
    pub fn is_digest(&self) -> bool {
        self.scheme.eq_ignore_case("Digest")
    }
}

impl<'a> Deref for Auth<'a> {
    type Target = AuthParams<'a>;

    fn deref(&self) -> &AuthParams<'a> {
        &self.params
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Challenge,
    Credentials,
    Info,
}

/// `WWW-Authenticate = "WWW-Authenticate" HCOLON challenge`;
/// `challenge = ("Digest" LWS digest-cln *(COMMA digest-cln)) / other-challenge`;
/// `other-challenge = auth-scheme LWS auth-param *(COMMA auth-param)`;
/// `auth-param = auth-param-name EQUAL ( token / quoted-string )`
/// (RFC 3261 §20.44, §25.1).
pub fn parse_www_authenticate<'a>(value: Text<'a>, out: &mut Findings) -> Option<Challenge<'a>> {
    parse_auth(value, "WWW-Authenticate", Kind::Challenge, out)
}

/// `Proxy-Authenticate = "Proxy-Authenticate" HCOLON challenge`
/// (RFC 3261 §20.27); see [`parse_www_authenticate`].
pub fn parse_proxy_authenticate<'a>(value: Text<'a>, out: &mut Findings) -> Option<Challenge<'a>> {
    parse_auth(value, "Proxy-Authenticate", Kind::Challenge, out)
}

/// `Authorization = "Authorization" HCOLON credentials`;
/// `credentials = ("Digest" LWS digest-response) / other-response`;
/// `digest-response = dig-resp *(COMMA dig-resp)`;
/// `other-response = auth-scheme LWS auth-param *(COMMA auth-param)`
/// (RFC 3261 §20.7, §25.1).
pub fn parse_authorization<'a>(value: Text<'a>, out: &mut Findings) -> Option<Credentials<'a>> {
    parse_auth(value, "Authorization", Kind::Credentials, out)
}

/// `Proxy-Authorization = "Proxy-Authorization" HCOLON credentials`
/// (RFC 3261 §20.28); see [`parse_authorization`].
pub fn parse_proxy_authorization<'a>(
    value: Text<'a>,
    out: &mut Findings,
) -> Option<Credentials<'a>> {
    parse_auth(value, "Proxy-Authorization", Kind::Credentials, out)
}

/// `Authentication-Info = "Authentication-Info" HCOLON ainfo *(COMMA ainfo)`;
/// `ainfo = nextnonce / message-qop / response-auth / cnonce / nonce-count`
/// (RFC 3261 §20.6, §25.1). `None` when the value is empty.
pub fn parse_authentication_info<'a>(
    value: Text<'a>,
    out: &mut Findings,
) -> Option<AuthParams<'a>> {
    let v = value.trim();
    if v.is_empty() {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            v.span(),
            "Authentication-Info is empty",
        ));
        return None;
    }
    let params = auth_params(v, "Authentication-Info", out);
    check_digest(&params, "Authentication-Info", Kind::Info, out);
    Some(params)
}

/// `auth-scheme LWS` and what follows it, in `challenge = ("Digest" LWS
/// digest-cln *(COMMA digest-cln)) / other-challenge` and `credentials =
/// ("Digest" LWS digest-response) / other-response` (RFC 3261 §25.1),
/// read leniently: the scheme is the word up to LWS (checked against
/// `auth-scheme = token`), the rest is everything after the LWS (params or
/// an RFC 7235 `token68`). Never fails.
fn scheme_then_rest(i: &[u8]) -> PResult<'_, (&[u8], &[u8])> {
    (take_till(is_lws), preceded(take_while(is_lws), rest)).parse(i)
}

/// `auth-param = auth-param-name EQUAL ( token / quoted-string )` (RFC
/// 3261 §25.1; `digest-cln` and `dig-resp` have the same shape), read
/// leniently: the name up to the first `=` outside quoted strings, the
/// value after it (both trimmed and checked by the caller). `None` for
/// the value when there is no `=`: the shape of `generic-param`. Never
/// fails.
fn auth_param(i: &[u8]) -> PResult<'_, (&[u8], Option<&[u8]>)> {
    generic_param(i)
}

fn parse_auth<'a>(
    value: Text<'a>,
    header: &str,
    kind: Kind,
    out: &mut Findings,
) -> Option<Auth<'a>> {
    let v = value.trim();
    if v.is_empty() {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            v.span(),
            format!("{header} is empty; an auth-scheme (Digest…) is expected"),
        ));
        return None;
    }
    let (scheme, rest) = match scheme_then_rest(v.bytes()) {
        Ok((_, (s, r))) => (text_of(v, s), text_of(v, r).trim()),
        Err(_) => (v, v.tail(v.len())),
    };
    if !is_token(scheme.bytes()) {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            scheme.span(),
            format!(
                "{header}: auth-scheme {} is not a token (is the scheme missing?)",
                quote_str(&scheme.as_str())
            ),
        ));
    }
    let mut auth = Auth {
        scheme,
        token68: None,
        params: AuthParams::default(),
    };
    if rest.is_empty() {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            scheme.span(),
            format!(
                "{header}: no auth-params after the {} scheme",
                scheme.as_str()
            ),
        ));
        return Some(auth);
    }
    if !auth.is_digest() && whole(token68, rest.bytes()) {
        auth.token68 = Some(rest);
        return Some(auth);
    }
    auth.params = auth_params(rest, header, out);
    if auth.is_digest() {
        check_digest(&auth.params, header, kind, out);
    }
    Some(auth)
}

/// `auth-param *(COMMA auth-param)`, each checked against the grammar.
fn auth_params<'a>(list: Text<'a>, header: &str, out: &mut Findings) -> AuthParams<'a> {
    let mut params = Vec::new();
    for el in split_list(list, header, out) {
        let Ok((_, (name, Some(value)))) = auth_param(el.bytes()) else {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                el.span(),
                format!(
                    "{header}: auth-param {} has no '=value'",
                    quote_str(&el.as_str())
                ),
            ));
            params.push(Param {
                name: el,
                value: None,
            });
            continue;
        };
        let (name, value) = (text_of(el, name).trim(), text_of(el, value).trim());
        if !is_token(name.bytes()) {
            let msg = if name.bytes().iter().any(|&c| c == b' ' || c == b'\t') {
                format!(
                    "{header}: {} is not a parameter name; a second scheme in one header field, or a missing ','?",
                    quote_str(&name.as_str())
                )
            } else {
                format!(
                    "{header}: auth-param name {} is not a token",
                    quote_str(&name.as_str())
                )
            };
            out.push(Finding::new(Rule::BadHeaderValue, name.span(), msg));
        }
        let b = value.bytes();
        if b.is_empty() {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                el.span(),
                format!("{header}: auth-param {} has an empty value", name.as_str()),
            ));
        } else if b[0] == b'"' {
            // Unterminated: already reported by the list splitter.
            if let Some(close) = quoted_string_end(b) {
                if close + 1 < b.len() {
                    out.push(Finding::new(
                        Rule::BadHeaderValue,
                        value.tail(close + 1).span(),
                        format!(
                            "{header}: text after the quoted value of {} (missing ',')",
                            name.as_str()
                        ),
                    ));
                }
            }
        } else if !is_token(b) {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                value.span(),
                format!(
                    "{header}: value {} of {} is neither a token nor a quoted string",
                    quote_str(&value.as_str()),
                    name.as_str()
                ),
            ));
        }
        params.push(Param {
            name,
            value: Some(value),
        });
    }
    AuthParams(Params(params))
}

/// Digest-specific checks: how each known parameter is written, `stale`,
/// `nc`, repeated parameters.
fn check_digest(params: &AuthParams<'_>, header: &str, kind: Kind, out: &mut Findings) {
    for (i, p) in params.iter().enumerate() {
        if params.0 .0[..i]
            .iter()
            .any(|q| q.name.eq_ignore_case(&p.name.as_str()))
        {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                p.name.span(),
                format!("{header}: {} appears more than once", p.name.as_str()),
            ));
        }
        let Some(v) = p.value else { continue };
        let Some(&(name, form)) = DIGEST_PARAMS.iter().find(|(n, _)| p.is(n)) else {
            continue;
        };
        let quoted = v.bytes().first() == Some(&b'"');
        let form = match (form, kind) {
            (Form::Qop, Kind::Challenge) => Form::Quoted,
            (Form::Qop, _) => Form::Token,
            (f, _) => f,
        };
        match form {
            Form::Quoted if !quoted && !v.is_empty() => out.push(Finding::new(
                Rule::LaxHeaderValue,
                v.span(),
                format!("{header}: {name} must be a quoted string"),
            )),
            Form::Token if quoted && is_quoted_string(v.bytes()) => out.push(Finding::new(
                Rule::LaxHeaderValue,
                v.span(),
                format!("{header}: {name} must not be quoted"),
            )),
            _ => {}
        }
        let u = super::params::unquote(v);
        let ok = match name {
            "stale" => u.eq_ignore_case("true") || u.eq_ignore_case("false"),
            "nc" => u.len() == 8 && u.bytes().iter().all(u8::is_ascii_hexdigit),
            _ => true,
        };
        if !ok {
            let what = if name == "nc" {
                "8 hex digits"
            } else {
                "true or false"
            };
            out.push(Finding::new(
                Rule::BadHeaderValue,
                v.span(),
                format!("{header}: {name} {} is not {what}", quote_str(&v.as_str())),
            ));
        }
    }
}

// Native only: proptest is a native dev-dependency (`wasm-pack test` builds every test target).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::parse::test_util::*;
    use crate::span::Span;

    fn spans_ok(input: &[u8], a: &AuthParams<'_>) {
        for p in a.iter() {
            assert_eq!(p.name.span().slice(input), p.name.bytes());
            if let Some(v) = p.value {
                assert_eq!(v.span().slice(input), v.bytes());
                let u = p.unquoted().unwrap();
                assert_eq!(u.span().slice(input), u.bytes());
            }
        }
    }

    const IMS: &[u8] = b"Digest realm=\"ims.mnc001.mcc001.3gppnetwork.org\", nonce=\"CjPk9mRqNuT25eRkajM09uTl9nM09uTl9nMz5OX25PZz==\", algorithm=AKAv1-MD5, qop=\"auth,auth-int\"";

    #[test]
    fn ims_aka_challenge() {
        let mut f = Vec::new();
        let c = parse_www_authenticate(Text::whole(IMS), &mut f).unwrap();
        assert!(f.is_empty(), "{f:?}");
        assert!(c.is_digest() && c.is_aka());
        assert_eq!(c.scheme.bytes(), b"Digest");
        assert_eq!(c.scheme.span().slice(IMS), b"Digest");
        assert_eq!(
            c.realm().unwrap().bytes(),
            b"ims.mnc001.mcc001.3gppnetwork.org"
        );
        assert_eq!(
            c.nonce().unwrap().bytes(),
            b"CjPk9mRqNuT25eRkajM09uTl9nM09uTl9nMz5OX25PZz=="
        );
        assert_eq!(c.algorithm().unwrap().bytes(), b"AKAv1-MD5");
        let q: Vec<_> = c.qop_values().iter().map(|x| x.bytes()).collect();
        assert_eq!(q, [&b"auth"[..], b"auth-int"]);
        assert_eq!(c.params.len(), 4);
        assert_eq!(
            c.params.0 .0[3].value.unwrap().bytes(),
            b"\"auth,auth-int\""
        );
        spans_ok(IMS, &c.params);
        for x in c.qop_values() {
            assert_eq!(x.span().slice(IMS), x.bytes());
        }
    }

    #[test]
    fn ims_credentials_and_keys() {
        let v = b"Digest username=\"001010000123511@ims.mnc001.mcc001.3gppnetwork.org\",realm=\"ims.mnc001.mcc001.3gppnetwork.org\",nonce=\"CjPk9mRqNuT25eRkajM09uTl9nM09uTl9nMz5OX25PZz==\",uri=\"sip:ims.mnc001.mcc001.3gppnetwork.org\",response=\"\",algorithm=AKAv1-MD5,auts=\"AAECAwQFBgcICQoLDA0O\",integrity-protected=\"no\",nc=00000001,qop=auth,cnonce=\"5b2f\"";
        let mut f = Vec::new();
        let c = parse_authorization(Text::whole(v), &mut f).unwrap();
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(
            c.username().unwrap().bytes(),
            b"001010000123511@ims.mnc001.mcc001.3gppnetwork.org"
        );
        assert_eq!(c.response().unwrap().bytes(), b"");
        assert_eq!(c.auts().unwrap().bytes(), b"AAECAwQFBgcICQoLDA0O");
        assert_eq!(c.integrity_protected().unwrap().bytes(), b"no");
        assert_eq!(c.nonce_count(), Some(1));
        assert_eq!(c.qop().unwrap().bytes(), b"auth");
        assert_eq!(c.cnonce().unwrap().bytes(), b"5b2f");
        assert!(c.is_aka());
        spans_ok(v, &c.params);

        // S-CSCF → P-CSCF challenge carries ik/ck (TS 24.229 §7.2A.1).
        let v = b"Digest realm=\"ims.example.net\", nonce=\"abc=\", algorithm=akav2-md5, ik=\"0123456789abcdef\", ck=\"fedcba9876543210\", stale=TRUE, opaque=\"o\", domain=\"sip:ims.example.net\"";
        let mut f = Vec::new();
        let c = parse_proxy_authenticate(Text::whole(v), &mut f).unwrap();
        assert!(f.is_empty(), "{f:?}");
        assert!(c.is_aka());
        assert_eq!(c.ik().unwrap().bytes(), b"0123456789abcdef");
        assert_eq!(c.ck().unwrap().bytes(), b"fedcba9876543210");
        assert_eq!(c.stale_flag(), Some(true));
        assert_eq!(c.opaque().unwrap().bytes(), b"o");
        assert_eq!(c.domain().unwrap().bytes(), b"sip:ims.example.net");
        spans_ok(v, &c.params);
    }

    #[test]
    fn real_captures() {
        let v = b"Digest username=\"20008909\",realm=\"oxe\",nonce=\"695bd0bc0e572c5791521eac5bceee17\",uri=\"sip:101.231.48.19:5260;transport=udp\",response=\"82f0d9c67747b6d94aa349542ecc7af6\",algorithm=MD5,cnonce=\"4ec55535\"";
        let mut f = Vec::new();
        let c = parse_proxy_authorization(Text::whole(v), &mut f).unwrap();
        assert!(f.is_empty(), "{f:?}");
        assert!(!c.is_aka());
        assert_eq!(
            c.uri().unwrap().bytes(),
            b"sip:101.231.48.19:5260;transport=udp"
        );
        assert_eq!(c.algorithm().unwrap().bytes(), b"MD5");
        spans_ok(v, &c.params);

        let v = b"Digest realm=\"sip.cybercity.dk\",nonce=\"1701babd2ad677745e6d6bf15442a8e\",opaque=\"1701a1351f70795\",stale=false,algorithm=MD5";
        let mut f = Vec::new();
        let c = parse_www_authenticate(Text::whole(v), &mut f).unwrap();
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(c.stale_flag(), Some(false));
        assert_eq!(
            c.get("OPAQUE").unwrap().value.unwrap().bytes(),
            b"\"1701a1351f70795\""
        );
    }

    #[test]
    fn unknown_scheme_and_token68() {
        // RFC 4475 §3.3.7 regaut01.
        let v = b"NoOneKnowsThisScheme opaque-data=here";
        let mut f = Vec::new();
        let c = parse_authorization(Text::whole(v), &mut f).unwrap();
        assert!(f.is_empty(), "{f:?}");
        assert!(!c.is_digest());
        assert_eq!(c.scheme.bytes(), b"NoOneKnowsThisScheme");
        assert_eq!(c.value("opaque-data").unwrap().bytes(), b"here");
        assert!(c.token68.is_none());
        spans_ok(v, &c.params);

        let v = b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==";
        let mut f = Vec::new();
        let c = parse_authorization(Text::whole(v), &mut f).unwrap();
        assert!(f.is_empty());
        assert_eq!(c.token68.unwrap().bytes(), b"QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert!(c.params.is_empty());
    }

    #[test]
    fn authentication_info() {
        let v = b"nextnonce=\"47364c23432d2e131a5fb210812c\", qop=auth, rspauth=\"0123abcd\", cnonce=\"0a4f113b\", nc=00000001";
        let mut f = Vec::new();
        let a = parse_authentication_info(Text::whole(v), &mut f).unwrap();
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(
            a.nextnonce().unwrap().bytes(),
            b"47364c23432d2e131a5fb210812c"
        );
        assert_eq!(a.rspauth().unwrap().bytes(), b"0123abcd");
        assert_eq!(a.nonce_count(), Some(1));
        spans_ok(v, &a);
        let mut f = Vec::new();
        assert!(parse_authentication_info(Text::whole(b"  "), &mut f).is_none());
        assert_eq!(rules(&f), [Rule::BadHeaderValue]);
    }

    #[test]
    fn malformed() {
        // Unquoted realm, quoted algorithm, bad stale and nc, repeat, missing comma.
        let v = b"Digest realm=ims.example.net, algorithm=\"MD5\", stale=maybe, nc=1, nonce=\"a\" opaque=\"b\", realm=\"x\"";
        let mut f = Vec::new();
        let c = parse_www_authenticate(Text::whole(v), &mut f).unwrap();
        assert_eq!(c.params.len(), 6);
        assert!(f
            .iter()
            .all(|x| matches!(x.rule, Rule::BadHeaderValue | Rule::LaxHeaderValue)));
        // Quoting mistakes are tolerated by most stacks: a warning-level rule.
        let lax: Vec<_> = f
            .iter()
            .filter(|x| x.rule == Rule::LaxHeaderValue)
            .map(|x| x.span.slice(v))
            .collect();
        assert_eq!(lax, [&b"ims.example.net"[..], &b"\"MD5\""[..]]);
        let spans: Vec<_> = f.iter().map(|x| x.span.slice(v)).collect();
        assert!(spans.contains(&&b"ims.example.net"[..]), "{f:?}");
        assert!(spans.contains(&&b"\"MD5\""[..]));
        assert!(spans.contains(&&b"maybe"[..]));
        assert!(spans.contains(&&b"1"[..]));
        assert!(spans.contains(&&b" opaque=\"b\""[..]) || spans.contains(&&b"opaque=\"b\""[..]));
        assert!(spans.contains(&&b"realm"[..]));
        assert!(f.iter().all(|x| x.message.contains("WWW-Authenticate")));
        assert_eq!(c.stale_flag(), None);
        assert_eq!(c.nonce_count(), None);
        spans_ok(v, &c.params);

        // Unterminated quote: reported once, value kept.
        let v = b"Digest nonce=\"x\", realm=\"ims";
        let mut f = Vec::new();
        let c = parse_www_authenticate(Text::whole(v), &mut f).unwrap();
        assert_eq!(rules(&f), [Rule::UnterminatedQuote]);
        spans_ok(v, &c.params);

        // Scheme only; empty; stray comma; param without value; second challenge.
        let mut f = Vec::new();
        let c = parse_authorization(Text::whole(b"Digest"), &mut f).unwrap();
        assert!(c.params.is_empty());
        assert_eq!(rules(&f), [Rule::BadHeaderValue]);
        let mut f = Vec::new();
        assert!(parse_authorization(Text::whole(b""), &mut f).is_none());
        let v = b"Digest realm=\"a\",, foo, Basic realm=\"b\"";
        let mut f = Vec::new();
        let c = parse_www_authenticate(Text::whole(v), &mut f).unwrap();
        assert_eq!(c.params.len(), 3);
        assert_eq!(
            rules(&f),
            [
                Rule::EmptyListElement,
                Rule::BadHeaderValue,
                Rule::BadHeaderValue
            ]
        );
        assert_eq!(f[1].span.slice(v), b"foo");
        assert_eq!(f[2].span.slice(v), b"Basic realm");
        spans_ok(v, &c.params);
        let mut f = Vec::new();
        let c = parse_authorization(Text::whole(b"\"Digest\" a=b"), &mut f).unwrap();
        assert_eq!(c.params.len(), 1);
        assert_eq!(rules(&f), [Rule::BadHeaderValue]);
        let mut f = Vec::new();
        parse_authorization(Text::whole(b"Digest a=, b=c d"), &mut f).unwrap();
        assert_eq!(rules(&f), [Rule::BadHeaderValue, Rule::BadHeaderValue]);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_spans_inside(body in nasty()) {
            let mut input = b"WWW-Authenticate: ".to_vec();
            input.extend_from_slice(&body);
            let v = Text::new(&input, Span::new(18, input.len()));
            let mut f = Vec::new();
            let a = parse_www_authenticate(v, &mut f);
            let c = parse_authorization(v, &mut f);
            let i = parse_authentication_info(v, &mut f);
            for x in [a, c].into_iter().flatten() {
                proptest::prop_assert_eq!(x.scheme.span().slice(&input), x.scheme.bytes());
                spans_ok(&input, &x.params);
                x.token68.into_iter().for_each(|t| assert_eq!(t.span().slice(&input), t.bytes()));
                x.qop_values().into_iter().for_each(|t| assert_eq!(t.span().slice(&input), t.bytes()));
            }
            i.into_iter().for_each(|x| spans_ok(&input, &x));
            for x in &f {
                proptest::prop_assert!(x.span.start >= 18 && x.span.end <= input.len(), "{x:?}");
            }
        }
    }
}
