//! Addresses: `name-addr` / `addr-spec` with header parameters, as used by
//! From, To, Contact, Route, Record-Route, Path, Service-Route,
//! P-Asserted-Identity, P-Preferred-Identity, Refer-To and friends
//! (RFC 3261 §20.10, §20.20, §20.39, §25.1; RFC 3325; RFC 3327; RFC 3608;
//! RFC 3515; RFC 5626 `+sip.instance`; RFC 3840 feature tags incl. 3GPP's
//! `+g.3gpp.*`).

use super::grammar::{is_gen_value, quoted_string_end};
use super::params::{parse_params, split_list, unescape, Findings, Param, Params};
use super::uri::{parse_uri, Uri};
use super::TOKEN;
use crate::finding::{Finding, Rule};
use crate::quote::{quote_char, quote_str};
use crate::span::Text;

/// A name-addr or addr-spec with its header parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameAddr<'a> {
    /// The whole value as written.
    pub text: Text<'a>,
    /// The display name as written (quotes kept).
    pub display_name: Option<Text<'a>>,
    /// The URI (inside `<>` for name-addr form).
    pub uri: Option<Uri<'a>>,
    /// The URI text as written (inside `<>` when bracketed).
    pub uri_text: Text<'a>,
    /// True for the `<…>` (name-addr) form.
    pub bracketed: bool,
    /// Header parameters after the address (`tag`, `expires`, `q`, …).
    pub params: Params<'a>,
}

impl<'a> NameAddr<'a> {
    /// The display name without quotes and escapes.
    pub fn display_name_text(&self) -> Option<String> {
        self.display_name.map(unescape)
    }

    /// The `tag` parameter.
    pub fn tag(&self) -> Option<Text<'a>> {
        self.params.value("tag")
    }

    /// The `expires` parameter (Contact).
    pub fn expires(&self) -> Option<Text<'a>> {
        self.params.value("expires")
    }

    /// The `q` parameter (Contact).
    pub fn q(&self) -> Option<Text<'a>> {
        self.params.value("q")
    }

    /// The `+sip.instance` parameter (RFC 5626), e.g. `<urn:gsma:imei:…>`.
    pub fn sip_instance(&self) -> Option<Text<'a>> {
        self.params.value("+sip.instance")
    }

    /// Feature-tag parameters (RFC 3840 `+…`), e.g. `+g.3gpp.icsi-ref`,
    /// `+g.3gpp.smsip`, `+sip.instance`.
    pub fn feature_tags(&self) -> impl Iterator<Item = &Param<'a>> + '_ {
        self.params
            .iter()
            .filter(|p| p.name.bytes().first() == Some(&b'+'))
    }
}

/// A Contact value: `*` or a list of addresses.
// Nearly every value is an address; boxing it would add an allocation per
// contact to spare the rare `*`.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact<'a> {
    /// `Contact: *` (remove all bindings).
    Wildcard(Text<'a>),
    /// One address.
    Address(NameAddr<'a>),
}

/// `( name-addr / addr-spec ) *( SEMI generic-param )` with
/// `name-addr = [ display-name ] LAQUOT addr-spec RAQUOT` and
/// `display-name = *(token LWS) / quoted-string` (RFC 3261 §25.1).
pub fn parse_name_addr<'a>(value: Text<'a>, header: &str, out: &mut Findings) -> NameAddr<'a> {
    let text = value.trim();
    let b = text.bytes();
    let mut lt = text.find_unquoted(b'<');
    let unclosed = b.first() == Some(&b'"') && lt.is_none() && quoted_string_end(b).is_none();
    if unclosed {
        // RFC 4475 §3.1.2.6: report, then infer the quote ends before '<'.
        out.push(Finding::new(
            Rule::UnterminatedQuote,
            text.span(),
            format!("{header}: display name quote is not closed"),
        ));
        lt = memchr::memchr(b'<', b);
    }
    let mut na = NameAddr {
        text,
        display_name: None,
        uri: None,
        uri_text: text,
        bracketed: false,
        params: Params::default(),
    };
    match lt {
        Some(lt) => {
            na.bracketed = true;
            let dn = text.sub(0, lt).trim();
            if !dn.is_empty() {
                if !unclosed {
                    check_display_name(dn, header, out);
                }
                na.display_name = Some(dn);
            }
            let Some(gt) = memchr::memchr(b'>', &b[lt..]).map(|i| lt + i) else {
                out.push(Finding::new(
                    Rule::BadHeaderValue,
                    text.tail(lt).span(),
                    format!("{header}: '<' without closing '>'"),
                ));
                na.uri_text = text.tail(lt + 1);
                na.uri = parse_uri(na.uri_text, out);
                return na;
            };
            let inner = text.sub(lt + 1, gt);
            if inner.trim().len() != inner.len() {
                out.push(Finding::new(
                    Rule::SpaceInAddrSpec,
                    inner.span(),
                    format!("{header}: white space inside <>"),
                ));
            }
            na.uri_text = inner.trim();
            na.uri = parse_uri(na.uri_text, out);
            let after = text.tail(gt + 1);
            params_after(&mut na, after, header, out);
        }
        None => {
            // addr-spec: the URI ends at the first ';' (what follows are
            // header parameters), so a URI with headers needs <>.
            let (uri_text, after) = match text.find_unquoted(b';') {
                Some(i) => (text.sub(0, i), text.tail(i)),
                None => (text, text.tail(b.len())),
            };
            na.uri_text = uri_text.trim();
            if let Some(i) = na
                .uri_text
                .bytes()
                .iter()
                .position(|&c| c == b'?' || c == b',')
            {
                out.push(Finding::new(
                    Rule::NameAddrRequired,
                    na.uri_text.span(),
                    format!(
                        "{header}: a URI containing {} must be enclosed in <>",
                        quote_char(na.uri_text.bytes()[i] as char)
                    ),
                ));
            }
            if na
                .uri_text
                .bytes()
                .iter()
                .any(|c| matches!(c, b' ' | b'\t'))
            {
                out.push(Finding::new(
                    Rule::BadDisplayName,
                    text.span(),
                    format!("{header}: display name or spaces without <> around the URI"),
                ));
            }
            na.uri = parse_uri(na.uri_text, out);
            params_after(&mut na, after, header, out);
        }
    }
    na
}

fn params_after<'a>(na: &mut NameAddr<'a>, after: Text<'a>, header: &str, out: &mut Findings) {
    let t = after.trim();
    if t.is_empty() {
        return;
    }
    if t.bytes()[0] != b';' {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            t.span(),
            format!("{header}: unexpected text after the address"),
        ));
        return;
    }
    na.params = parse_params(t.tail(1), header, out);
    for p in na.params.iter() {
        let Some(v) = p.value else { continue };
        if p.name.eq_ignore_case("tag") {
            // tag-param = "tag" EQUAL token (RFC 3261 §25.1).
            if v.is_empty() {
                out.push(Finding::new(
                    Rule::BadHeaderValue,
                    p.name.span().join(v.span()),
                    format!("{header}: the tag is empty; tag = token (RFC 3261 §19.3, §25.1), and dialogs are matched on it"),
                ));
            } else if !super::is_token(v.bytes()) {
                out.push(Finding::new(
                    Rule::BadHeaderValue,
                    v.span(),
                    format!(
                        "{header}: tag {} is not a token (RFC 3261 §25.1)",
                        quote_str(&v.as_str())
                    ),
                ));
            }
            continue;
        }
        if !is_gen_value(v.bytes()) {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                if v.is_empty() { p.name.span() } else { v.span() },
                if v.is_empty() {
                    format!("{header}: parameter {} has '=' but no value; gen-value = token / host / quoted-string (RFC 3261 §25.1)", p.name.as_str())
                } else {
                    format!("{header}: parameter {} = {} is not a token, host or quoted-string (RFC 3261 §25.1 gen-value); quote it", p.name.as_str(), quote_str(&v.as_str()))
                },
            ));
        }
    }
}

/// `display-name = *(token LWS) / quoted-string`.
fn check_display_name(dn: Text<'_>, header: &str, out: &mut Findings) {
    let b = dn.bytes();
    if b[0] == b'"' {
        // The closing quote must end the display name.
        match quoted_string_end(b) {
            None => out.push(Finding::new(
                Rule::UnterminatedQuote,
                dn.span(),
                format!("{header}: display name quote is not closed"),
            )),
            Some(c) if c + 1 != b.len() => out.push(Finding::new(
                Rule::BadDisplayName,
                dn.span(),
                format!("{header}: text after the quoted display name"),
            )),
            Some(_) => {}
        }
        return;
    }
    if let Some(bad) = b
        .iter()
        .position(|&c| !(TOKEN[c as usize] || matches!(c, b' ' | b'\t' | b'\r' | b'\n')))
    {
        out.push(Finding::new(
            Rule::BadDisplayName,
            dn.span(),
            format!(
                "{header}: unquoted display name contains {}, which is not a token character",
                quote_char(b[bad] as char)
            ),
        ));
    }
}

/// A list of addresses (Contact, Route, Record-Route, Path, Service-Route,
/// P-Asserted-Identity…): `rec-route *(COMMA rec-route)`.
pub fn parse_name_addr_list<'a>(
    value: Text<'a>,
    header: &str,
    out: &mut Findings,
) -> Vec<NameAddr<'a>> {
    // One address (the usual case): no list `Vec` in between.
    if let Some(one) = super::params::single_element(value) {
        return one
            .map(|item| parse_name_addr(item, header, out))
            .into_iter()
            .collect();
    }
    split_list(value, header, out)
        .into_iter()
        .map(|item| parse_name_addr(item, header, out))
        .collect()
}

/// `Contact = ("Contact" / "m") HCOLON ( STAR / (contact-param *(COMMA contact-param)))`.
pub fn parse_contact<'a>(value: Text<'a>, out: &mut Findings) -> Vec<Contact<'a>> {
    let t = value.trim();
    if t.bytes() == b"*" {
        return vec![Contact::Wildcard(t)];
    }
    parse_name_addr_list(value, "Contact", out)
        .into_iter()
        .map(Contact::Address)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_with_tag_and_quoted_name() {
        let v = b"\"J Rosenberg \\\"\" <sip:jdrosen@example.com>;tag=98asjd8";
        let mut f = Vec::new();
        let na = parse_name_addr(Text::whole(v), "From", &mut f);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(na.display_name_text().unwrap(), "J Rosenberg \"");
        assert_eq!(na.tag().unwrap().bytes(), b"98asjd8");
        assert_eq!(
            na.uri.as_ref().unwrap().host.unwrap().bytes(),
            b"example.com"
        );
        assert!(na.bracketed);
        assert_eq!(na.uri_text.span().slice(v), b"sip:jdrosen@example.com");
    }

    #[test]
    fn ims_contact() {
        let v = b"<sip:001010123456789@[2001:db8::1]:5060;transport=udp>;expires=600000;+sip.instance=\"<urn:gsma:imei:35622210-053452-0>\";+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel\";+g.3gpp.smsip, *";
        let mut f = Vec::new();
        let cs = parse_contact(Text::whole(v), &mut f);
        assert_eq!(cs.len(), 2);
        let Contact::Address(c) = &cs[0] else {
            panic!()
        };
        assert_eq!(c.expires().unwrap().bytes(), b"600000");
        assert_eq!(
            c.sip_instance().unwrap().bytes(),
            b"<urn:gsma:imei:35622210-053452-0>"
        );
        assert_eq!(c.feature_tags().count(), 3);
        assert_eq!(c.uri.as_ref().unwrap().port, Some(5060));
        let mut f = Vec::new();
        assert!(matches!(
            parse_contact(Text::whole(b" * "), &mut f)[0],
            Contact::Wildcard(_)
        ));
    }

    #[test]
    fn addr_spec_forms() {
        let mut f = Vec::new();
        let na = parse_name_addr(
            Text::whole(b"sip:caller@example.com;tag=323"),
            "From",
            &mut f,
        );
        assert!(f.is_empty());
        assert!(!na.bracketed);
        assert_eq!(na.tag().unwrap().bytes(), b"323");
        // RFC 4475 lwsdisp: no LWS between display name and '<'.
        let na = parse_name_addr(
            Text::whole(b"caller<sip:caller@example.com>;tag=323"),
            "From",
            &mut f,
        );
        assert!(f.is_empty());
        assert_eq!(na.display_name.unwrap().bytes(), b"caller");
    }

    #[test]
    fn malformed_addresses() {
        let cases: &[(&[u8], Rule)] = &[
            (
                b"\"Mr. J. User <sip:j.user@example.com>",
                Rule::UnterminatedQuote,
            ),
            (
                b"Watson, Thomas <sip:t.watson@example.org>",
                Rule::BadDisplayName,
            ),
            (b"< sip:user@example.com >", Rule::SpaceInAddrSpec),
            (
                b"sip:user@example.com?Route=%3Csip:sip.example.com%3E",
                Rule::NameAddrRequired,
            ),
            (b"<sip:user@example.com", Rule::BadHeaderValue),
        ];
        for (v, rule) in cases {
            let mut f = Vec::new();
            parse_name_addr(Text::whole(v), "To", &mut f);
            assert!(
                f.iter().any(|x| x.rule == *rule),
                "{:?}: {f:?}",
                String::from_utf8_lossy(v)
            );
        }
    }
}
