//! Via (RFC 3261 §20.42, §25.1; RFC 3581 `rport`; RFC 5118 IPv6 sent-by and
//! `received`).

use crate::quote::quote_str;
use nom::character::complete::char;
use nom::combinator::{opt, rest};
use nom::sequence::preceded;
use nom::Parser;

use super::grammar::{before_unquoted, consumed, sent_protocol_part, text_of, transport, PResult};
use super::params::{split_list, Findings, Params};
use super::uri::{
    colon_port, host_before_port, ipv6reference, is_hostname, is_ipv4, is_ipv6, port_number,
};
use crate::finding::{Finding, Rule};
use crate::span::Text;

/// The RFC 3261 branch magic cookie.
pub const MAGIC_COOKIE: &[u8] = b"z9hG4bK";

/// One via-parm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via<'a> {
    /// The whole value as written.
    pub text: Text<'a>,
    /// Protocol name (`SIP`).
    pub protocol: Text<'a>,
    /// Protocol version (`2.0`).
    pub version: Text<'a>,
    /// Transport (`UDP`, `TCP`, `TLS`, `SCTP`, `WS`, `WSS`, or an extension).
    pub transport: Text<'a>,
    /// sent-by host (brackets kept for IPv6).
    pub host: Text<'a>,
    /// sent-by port text.
    pub port_text: Option<Text<'a>>,
    /// sent-by port.
    pub port: Option<u16>,
    /// via-params (`branch`, `received`, `rport`, `maddr`, `ttl`, others).
    pub params: Params<'a>,
}

impl<'a> Via<'a> {
    /// The `branch` parameter.
    pub fn branch(&self) -> Option<Text<'a>> {
        self.params.value("branch")
    }

    /// True when the branch starts with the RFC 3261 magic cookie.
    pub fn has_rfc3261_branch(&self) -> bool {
        self.branch()
            .is_some_and(|b| b.bytes().starts_with(MAGIC_COOKIE))
    }

    /// The `received` parameter.
    pub fn received(&self) -> Option<Text<'a>> {
        self.params.value("received")
    }

    /// `rport`: `None` when absent, `Some(None)` when present without a value.
    pub fn rport(&self) -> Option<Option<Text<'a>>> {
        self.params.get("rport").map(|p| p.unquoted())
    }

    /// The `maddr` parameter.
    pub fn maddr(&self) -> Option<Text<'a>> {
        self.params.value("maddr")
    }
}

/// `Via = ( "Via" / "v" ) HCOLON via-parm *(COMMA via-parm)`.
pub fn parse_via_list<'a>(value: Text<'a>, out: &mut Findings) -> Vec<Via<'a>> {
    // One via-parm (the usual case): no list `Vec` in between.
    if let Some(one) = super::params::single_element(value) {
        return one
            .and_then(|item| parse_via_parm(item, out))
            .into_iter()
            .collect();
    }
    split_list(value, "Via", out)
        .into_iter()
        .filter_map(|item| parse_via_parm(item, out))
        .collect()
}

/// `LWS sent-by *( SEMI via-params )` of `via-parm` (RFC 3261 §25.1),
/// read leniently: the `sent-by` up to the first `;` outside quoted
/// strings (trimmed and read by `host_before_port` / `ipv6reference` and
/// `colon_port`), then the text of the `via-params` after that `;`
/// (`via-params = via-ttl / via-maddr / via-received / via-branch /
/// via-extension`, read by `parse_params`). Never fails.
fn sent_by_params(i: &[u8]) -> PResult<'_, (&[u8], Option<&[u8]>)> {
    (|i| before_unquoted(i, b';'), opt(preceded(char(';'), rest))).parse(i)
}

/// `via-parm = sent-protocol LWS sent-by *( SEMI via-params )`,
/// `sent-protocol = protocol-name SLASH protocol-version SLASH transport`,
/// `sent-by = host [ COLON port ]`.
pub fn parse_via_parm<'a>(item: Text<'a>, out: &mut Findings) -> Option<Via<'a>> {
    let text = item.trim();
    let bad = |out: &mut Findings, what: &str| {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            text.span(),
            format!("Via: {what}"),
        ));
    };
    let b = text.bytes();
    let Ok((rest, protocol)) = sent_protocol_part(b) else {
        bad(out, "no sent-protocol (SIP/2.0/transport)");
        return None;
    };
    let Ok((rest, version)) = sent_protocol_part(rest) else {
        bad(out, "sent-protocol lacks the transport");
        return None;
    };
    let (rest, transport) = transport(rest).unwrap_or((rest, &rest[..0]));
    let (protocol, version) = (text_of(text, protocol), text_of(text, version));
    let transport = text_of(text, transport);
    let (sent_by, params_text) = match sent_by_params(rest) {
        Ok((_, (s, p))) => (text_of(text, s).trim(), p.map(|p| text_of(text, p))),
        Err(_) => (text.tail(consumed(b, rest)).trim(), None),
    };
    let (protocol, version) = (protocol.trim(), version.trim());
    for (part, name) in [
        (protocol, "protocol name"),
        (version, "protocol version"),
        (transport, "transport"),
    ] {
        if !super::is_token(part.bytes()) {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                part.span(),
                format!("Via: {name} {} is not a token", quote_str(&part.as_str())),
            ));
        }
    }
    if sent_by.is_empty() {
        bad(out, "no sent-by host");
    }
    let sb = sent_by.bytes();
    let (host, port_text) = if let Ok((after, reference)) = ipv6reference(sb) {
        let host = text_of(sent_by, reference);
        if !is_ipv6(&reference[1..reference.len() - 1]) {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                host.span(),
                format!(
                    "Via: {} is not an IPv6 reference",
                    quote_str(&host.as_str())
                ),
            ));
        }
        // Lenient: what follows the `]` other than `:port` is ignored.
        let port = colon_port(after).ok().map(|(_, p)| text_of(sent_by, p));
        (host, port)
    } else if sb.first() == Some(&b'[') {
        bad(out, "IPv6 reference without ']'");
        (sent_by, None)
    } else {
        let split: PResult<'_, (&[u8], Option<&[u8]>)> =
            (host_before_port, opt(colon_port)).parse(sb);
        // Neither part can fail.
        let (host, port) = split.map_or((sb, None), |(_, parts)| parts);
        (
            text_of(sent_by, host).trim(),
            port.map(|p| text_of(sent_by, p).trim()),
        )
    };
    if !host.is_empty()
        && host.bytes()[0] != b'['
        && !is_ipv4(host.bytes())
        && !is_hostname(host.bytes())
    {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            host.span(),
            format!(
                "Via: sent-by host {} is not a host name or address",
                quote_str(&host.as_str())
            ),
        ));
    }
    let port = port_text.and_then(|p| port_number(p, out));
    let params = match params_text {
        Some(p) => super::params::parse_params(p, "Via", out),
        None => Params::default(),
    };
    if let Some(r) = params.value("received") {
        let rb = r.bytes();
        let inner = if rb.first() == Some(&b'[') && rb.last() == Some(&b']') {
            &rb[1..rb.len() - 1]
        } else {
            rb
        };
        if !is_ipv4(inner) && !is_ipv6(inner) {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                r.span(),
                format!(
                    "Via: received={} is not an IP address",
                    quote_str(&r.as_str())
                ),
            ));
        }
    }
    Some(Via {
        text,
        protocol,
        version,
        transport,
        host,
        port_text,
        port,
        params,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_ims_via() {
        let v = b"SIP/2.0/UDP [2001:db8::9:1]:5060;branch=z9hG4bKas3-111;rport=5060;received=[2001:db8::9:255], SIP/2.0/TCP p-cscf.ims.example.net;branch=z9hG4bK1";
        let mut f = Vec::new();
        let vs = parse_via_list(Text::whole(v), &mut f);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(vs.len(), 2);
        assert_eq!(vs[0].transport.bytes(), b"UDP");
        assert_eq!(vs[0].host.bytes(), b"[2001:db8::9:1]");
        assert_eq!(vs[0].port, Some(5060));
        assert_eq!(vs[0].branch().unwrap().bytes(), b"z9hG4bKas3-111");
        assert!(vs[0].has_rfc3261_branch());
        assert_eq!(vs[0].rport().unwrap().unwrap().bytes(), b"5060");
        assert_eq!(vs[1].host.span().slice(v), b"p-cscf.ims.example.net");
    }

    #[test]
    fn folded_lws_everywhere() {
        let v = b"SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8  ,\r\n SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n z9hG4bK30239";
        let mut f = Vec::new();
        let vs = parse_via_list(Text::whole(v), &mut f);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(vs.len(), 2);
        assert_eq!(vs[0].transport.bytes(), b"TCP");
        assert_eq!(vs[0].host.bytes(), b"spindle.example.com");
        assert_eq!(vs[1].branch().unwrap().bytes(), b"z9hG4bK30239");
    }

    #[test]
    fn malformed() {
        let mut f = Vec::new();
        parse_via_list(Text::whole(b"SIP/2.0/UDP 192.0.2.15;;,;,,"), &mut f);
        assert!(f.iter().any(|x| x.rule == Rule::EmptyListElement));
        assert!(f.iter().any(|x| x.rule == Rule::BadHeaderValue));
        let mut f = Vec::new();
        parse_via_list(Text::whole(b"SIP/2.0/UDP host:99999;received=nope"), &mut f);
        assert_eq!(f.len(), 2, "{f:?}");
    }
}
