//! Sender inference: which kind of element most likely *generated* the
//! message (UE, P-CSCF, S-CSCF, I-CSCF, E-CSCF, AS, MGCF, BGCF, IBCF, SBC,
//! B2BUA, gateway, proxy, registrar), with the bytes that suggest it.
//!
//! Every clue is a (role, weight, span, sentence); the role with the most
//! weight wins and its clues are the evidence. Weights follow how directly
//! a clue names the generator:
//!
//! * 3GPP `Response-Source` (TS 24.229 §7.2.17) names it outright;
//! * an AKA challenge is generated only by the S-CSCF (TS 24.229
//!   §5.4.1.2.1), a 2xx to REGISTER only by the registrar (RFC 3261 §10.3),
//!   with Service-Route / P-Associated-URI the S-CSCF (RFC 3608; RFC 7315
//!   §4.1), a 494 by the first-hop server (RFC 3329 §2.3.1; the P-CSCF in
//!   IMS);
//! * `Server` (RFC 3261 §20.35) and the `Warning` agent (§20.43) are set by
//!   the element that generated the response; `Contact` of a non-REGISTER
//!   response is the responder's own address;
//! * for requests the bottom Via is the originator and `User-Agent`,
//!   `Security-Client`, a UE-inserted `P-Access-Network-Info` and a Contact
//!   with `+sip.instance` / `+g.3gpp.*` point at a UE.
//!
//! What a response's top Via and Record-Route name is *not* the generator:
//! the top Via is where the response goes next, Record-Route the proxies on
//! the path. They are not used as role votes. A single Via on a response
//! only says the response is on its last hop, so the element that sent it
//! on the wire is the requester's first hop (the P-CSCF in IMS), whoever
//! generated it.

use super::context::Ctx;
use crate::header_name::HeaderName;
use crate::kb::status;
use crate::parse::addr::Contact;
use crate::parse::diag::ReasonProtocol;
use crate::parse::tokens::ServerVal;
use crate::span::{Span, Text};
use crate::status::Method;

/// Roles.
const UE: &str = "UE";
const PCSCF: &str = "P-CSCF";
const SCSCF: &str = "S-CSCF";
const ICSCF: &str = "I-CSCF";
const ECSCF: &str = "E-CSCF";
const AS: &str = "AS";
const MGCF: &str = "MGCF";
const BGCF: &str = "BGCF";
const IBCF: &str = "IBCF";
const SBC: &str = "SBC";
const B2BUA: &str = "B2BUA";
const GATEWAY: &str = "gateway";
const PROXY: &str = "proxy";
const REGISTRAR: &str = "registrar";

/// Host-name and 3GPP functional-entity keywords → role. A host label
/// matches when it (or one of its `-`/`_` parts, or the label without
/// `-`) is the keyword followed only by digits.
#[rustfmt::skip]
const NAMES: &[(&str, &str)] = &[
    ("pcscf", PCSCF), ("scscf", SCSCF), ("icscf", ICSCF), ("ecscf", ECSCF),
    ("mgcf", MGCF), ("bgcf", BGCF), ("ibcf", IBCF),
    ("sbc", SBC), ("tas", AS), ("mtas", AS), ("mmtel", AS), ("as", AS),
    ("ipsmgw", AS), ("sccas", AS),
];

/// Product names in Server / User-Agent → role (lower-case prefixes).
#[rustfmt::skip]
const PRODUCTS: &[(&str, &str, &str)] = &[
    // (product prefix, role, what it is)
    ("kamailio", PROXY, "Kamailio, a SIP proxy/registrar"),
    ("openser", PROXY, "OpenSER, a SIP proxy"),
    ("opensips", PROXY, "OpenSIPS, a SIP proxy/registrar"),
    ("sip-router", PROXY, "SIP Router, a SIP proxy"),
    ("asterisk", B2BUA, "Asterisk, a PBX (back-to-back user agent)"),
    ("fpbx", B2BUA, "FreePBX (Asterisk), a PBX"),
    ("freeswitch", B2BUA, "FreeSWITCH, a PBX / B2BUA"),
    ("3cx", B2BUA, "3CX, a PBX"),
    ("cisco-sipgateway", GATEWAY, "a Cisco IOS voice gateway"),
    ("cisco-cucm", B2BUA, "Cisco Unified CM, a call manager"),
    ("audiocodes", GATEWAY, "an AudioCodes gateway/SBC"),
    ("mediant", GATEWAY, "an AudioCodes Mediant gateway/SBC"),
    ("acme", SBC, "an Oracle (Acme Packet) SBC"),
    ("oracle", SBC, "an Oracle (Acme Packet) SBC"),
    ("sonus", SBC, "a Ribbon/Sonus SBC"),
    ("ribbon", SBC, "a Ribbon SBC"),
    ("linphone", UE, "Linphone, a softphone"),
    ("zoiper", UE, "Zoiper, a softphone"),
    ("x-lite", UE, "X-Lite, a softphone"),
    ("bria", UE, "Bria, a softphone"),
    ("eyebeam", UE, "eyeBeam, a softphone"),
    ("microsip", UE, "MicroSIP, a softphone"),
    ("jitsi", UE, "Jitsi, a softphone"),
    ("yealink", UE, "a Yealink phone"),
    ("polycom", UE, "a Polycom phone"),
    ("grandstream", UE, "a Grandstream phone"),
    ("snom", UE, "a snom phone"),
    ("cisco-cp", UE, "a Cisco IP phone"),
    ("samsung", UE, "a Samsung handset IMS client"),
    ("iphone", UE, "an iPhone IMS client"),
    ("android", UE, "an Android IMS client"),
];

/// One clue.
struct Clue {
    role: &'static str,
    weight: u32,
    span: Span,
    what: String,
}

#[derive(Default)]
struct Clues(Vec<Clue>);

impl Clues {
    fn add(&mut self, role: &'static str, weight: u32, span: Span, what: impl Into<String>) {
        self.0.push(Clue {
            role,
            weight,
            span,
            what: what.into(),
        });
    }

    /// The role with the most weight (the earliest clue breaks ties) and
    /// its evidence. Zero-weight clues are context: they never decide,
    /// but appear as evidence when their role wins.
    fn verdict(self) -> (&'static str, Vec<(Span, String)>) {
        let mut best: Option<(&'static str, u32)> = None;
        for c in &self.0 {
            let total: u32 = self
                .0
                .iter()
                .filter(|x| x.role == c.role)
                .map(|x| x.weight)
                .sum();
            if total > 0 && best.is_none_or(|(_, w)| total > w) {
                best = Some((c.role, total));
            }
        }
        match best {
            None => ("unknown", Vec::new()),
            Some((role, _)) => (
                role,
                self.0
                    .into_iter()
                    .filter(|c| c.role == role)
                    .map(|c| (c.span, c.what))
                    .collect(),
            ),
        }
    }
}

use super::context::contains_ci;

/// True when a Contact's `+sip.instance` holds an IMEI URN (RFC 7254).
fn is_imei(instance: Text<'_>) -> bool {
    contains_ci(instance.bytes(), b"gsma:imei")
}

/// The role of a keyword that `cand` is, followed only by digits. The
/// keywords hold no digits, so the one that can match is as long as `cand`
/// without its trailing digits: compared on that length first.
fn keyword_role(cand: &[u8]) -> Option<&'static str> {
    let stem = cand.len() - cand.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    let word = &cand[..stem];
    NAMES
        .iter()
        .find(|(kw, _)| kw.len() == stem && word.eq_ignore_ascii_case(kw.as_bytes()))
        .map(|&(_, role)| role)
}

/// The role a host name suggests (`pcscf1.ims…`, `p-cscf.…`, `ims-scscf01.…`):
/// a label, the label without `-`/`_`, or one of its `-`/`_` parts is a
/// keyword followed only by digits.
fn role_of_host(host: &[u8]) -> Option<&'static str> {
    if host
        .first()
        .is_some_and(|c| c.is_ascii_digit() || *c == b'[')
    {
        return None; // an address, not a name
    }
    let mut buf = [0u8; 64];
    for label in host.split(|&c| c == b'.') {
        if !label.iter().any(|&c| c == b'-' || c == b'_') {
            // The label is its only part and its own joined form.
            if let Some(role) = keyword_role(label) {
                return Some(role);
            }
            continue;
        }
        // The joined copy lives on the stack when it fits.
        let heap: Vec<u8>;
        let joined: &[u8] = if label.len() <= buf.len() {
            let mut n = 0;
            for &c in label {
                if c != b'-' && c != b'_' {
                    buf[n] = c;
                    n += 1;
                }
            }
            &buf[..n]
        } else {
            heap = label
                .iter()
                .copied()
                .filter(|&c| c != b'-' && c != b'_')
                .collect();
            &heap
        };
        let parts = label.split(|&c| c == b'-' || c == b'_');
        for cand in std::iter::once(joined).chain(parts) {
            if let Some(role) = keyword_role(cand) {
                return Some(role);
            }
        }
    }
    None
}

/// `host[:port]` → host.
fn host_of(agent: Text<'_>) -> Text<'_> {
    let b = agent.bytes();
    if b.first() == Some(&b'[') {
        return agent;
    }
    match memchr::memchr(b':', b) {
        Some(i) => agent.sub(0, i),
        None => agent,
    }
}

/// True when the message carries IMS-only headers or a 3GPP domain
/// ([`Ctx::ims_evidence`]).
fn looks_ims(cx: &Ctx<'_, '_>) -> bool {
    cx.ims_evidence().is_some()
}

/// 3GPP `Response-Source` (TS 24.229 §7.2.17): `<urn:3gpp:fe:p-cscf.orig>`.
fn response_source(cx: &Ctx<'_, '_>, clues: &mut Clues) {
    const URN: &[u8] = b"urn:3gpp:fe:";
    let Some(h) = cx.msg.header(HeaderName::ResponseSource) else {
        return;
    };
    let v = h.value;
    let b = v.bytes();
    let Some(at) = b
        .windows(URN.len())
        .position(|w| w.eq_ignore_ascii_case(URN))
    else {
        return;
    };
    let from = at + URN.len();
    let len = b[from..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'))
        .count();
    let fe = v.sub(from, from + len);
    let entity = fe.bytes().split(|&c| c == b'.').next().unwrap_or_default();
    if let Some(role) = role_of_host(entity) {
        clues.add(
            role,
            10,
            v.sub(at, from + len).span(),
            format!(
                "Response-Source names the functional entity that generated the response: {}",
                fe.as_str()
            ),
        );
    }
}

/// Server / User-Agent products and vendor node names.
fn products(vals: &[ServerVal<'_>], header: &str, clues: &mut Clues) {
    for val in vals {
        let t = match val {
            ServerVal::Product { name, .. } => *name,
            ServerVal::Comment(c) => *c,
        };
        let b = t.bytes();
        // PRODUCTS prefixes are lower-case (a unit test keeps them so);
        // compared without case, with no lower-cased copy of the text.
        let first = b.first().map(u8::to_ascii_lowercase);
        if let Some(&(_, role, what)) = PRODUCTS.iter().find(|(p, _, _)| {
            p.as_bytes().first().copied() == first
                && b.get(..p.len())
                    .is_some_and(|h| h.eq_ignore_ascii_case(p.as_bytes()))
        }) {
            // `concat`: one exact allocation, no formatting.
            clues.add(role, 2, t.span(), [header, " names ", what].concat());
            continue;
        }
        // Vendor node names: "Ericsson-CSCF", "MTAS", "Huawei P-CSCF"…
        // (`role_of_host` ignores case; a non-ASCII byte separates words
        // as its character did.)
        let words = b.split(|c| !c.is_ascii_alphanumeric() && *c != b'-');
        for w in words {
            if let Some(role) = role_of_host(w) {
                clues.add(
                    role,
                    4,
                    t.span(),
                    [header, " names the node type: ", &t.as_str()].concat(),
                );
                break;
            }
        }
    }
}

/// Clues for a response.
fn response_clues(cx: &Ctx<'_, '_>, clues: &mut Clues) {
    let msg = cx.msg;
    let code = cx.code.map_or(0, |c| c.0);
    let register = cx.method_is(Method::Register);
    response_source(cx, clues);

    if msg.header(HeaderName::Server).is_some() {
        products(cx.views.products(HeaderName::Server), "Server", clues);
    }
    for w in &cx.warnings {
        let host = host_of(w.agent);
        if let Some(role) = role_of_host(host.bytes()) {
            clues.add(
                role,
                4,
                host.span(),
                format!("the Warning was added by {} (warn-agent)", host.as_str()),
            );
        }
    }
    // The responder's own Contact (for REGISTER, Contact lists bindings).
    if !register {
        for c in cx.contacts() {
            let Contact::Address(na) = c else { continue };
            if let Some(host) = na.uri.as_ref().and_then(|u| u.host) {
                if let Some(role) = role_of_host(host.bytes()) {
                    clues.add(
                        role,
                        3,
                        host.span(),
                        format!("the responder's Contact host is {}", host.as_str()),
                    );
                }
            }
            if let Some(inst) = na.sip_instance() {
                let imei = is_imei(inst);
                clues.add(
                    UE,
                    if imei { 5 } else { 3 },
                    inst.span(),
                    if imei {
                        "the responder's Contact carries +sip.instance with an IMEI: a handset answered"
                    } else {
                        "the responder's Contact carries +sip.instance: a user device answered"
                    },
                );
            } else if let Some(p) = na.feature_tags().find(|p| {
                p.name.eq_ignore_case("+g.3gpp.icsi-ref")
                    && p.value
                        .is_some_and(|v| contains_ci(v.bytes(), b"icsi.mmtel"))
            }) {
                // A UE registers and answers with the MMTel ICSI in Contact
                // (TS 24.229 §7.9.2; TS 24.173); an MGCF answers for the CS
                // side without it.
                clues.add(
                    UE,
                    4,
                    p.name.span(),
                    "the responder's Contact carries the MMTel ICSI (+g.3gpp.icsi-ref …ims.icsi.mmtel): a VoLTE/VoNR UE answered",
                );
            }
        }
    }
    // Who generates what (TS 24.229; RFC 3261 §10.3; RFC 3329).
    if let Some((name, a, span)) = &cx.challenge {
        if *name == HeaderName::WwwAuthenticate && a.params.is_aka() {
            clues.add(
                SCSCF,
                6,
                *span,
                "an AKA challenge (algorithm=AKAv*) is generated only by the S-CSCF (TS 24.229 §5.4.1.2)",
            );
        } else if register && code == status::UNAUTHORIZED {
            clues.add(
                REGISTRAR,
                3,
                *span,
                "a digest challenge to REGISTER comes from the registrar",
            );
        }
    }
    match msg.header(HeaderName::SecurityServer) {
        Some(h) if code == status::SECURITY_AGREEMENT_REQUIRED => clues.add(
            PCSCF,
            5,
            h.span,
            "Security-Server in a 494: the first-hop server (the P-CSCF in IMS) requires sec-agree (RFC 3329 §2.3.1)",
        ),
        // Context only: the P-CSCF relays the S-CSCF's challenge.
        Some(h) => clues.add(
            SCSCF,
            0,
            h.span,
            "Security-Server was added on the way by the P-CSCF, which relays the S-CSCF's challenge (TS 24.229 §5.2.2)",
        ),
        None if code == status::SECURITY_AGREEMENT_REQUIRED => clues.add(
            PCSCF,
            3,
            msg.start_line_span(),
            "a 494 is generated by the first-hop server that requires sec-agree (RFC 3329 §2.3.1; the P-CSCF in IMS)",
        ),
        None => {}
    }
    if register && (status::SUCCESS_CLASS..status::REDIRECTION_CLASS).contains(&code) {
        let ims: Vec<_> = [HeaderName::ServiceRoute, HeaderName::PAssociatedUri]
            .into_iter()
            .filter_map(|n| msg.header(n))
            .collect();
        if ims.is_empty() {
            clues.add(
                REGISTRAR,
                4,
                msg.start_line_span(),
                "a 2xx to REGISTER is generated by the registrar (RFC 3261 §10.3)",
            );
        } else {
            for h in ims {
                clues.add(
                    SCSCF,
                    5,
                    h.span,
                    format!(
                        "{} in the 200 to REGISTER is set by the registrar, the S-CSCF (RFC 3608; RFC 7315 §4.1)",
                        h.canonical_name()
                    ),
                );
            }
        }
    }
    if register && code == status::INTERVAL_TOO_BRIEF {
        clues.add(
            REGISTRAR,
            3,
            msg.start_line_span(),
            "a 423 to REGISTER comes from the registrar (RFC 3261 §10.3 step 7)",
        );
    }
    // A Q.850 cause on a failure: mapped from ISUP by a PSTN gateway (RFC 3398).
    if code >= status::REDIRECTION_CLASS {
        if let Some((_, span)) = cx
            .reasons
            .iter()
            .find(|(r, _)| r.protocol_kind() == ReasonProtocol::Q850)
        {
            let (role, what) = if looks_ims(cx) {
                (MGCF, "a Q.850 Reason on a failure is typically mapped from ISUP by the MGCF (RFC 3398; TS 29.163), or copied from another leg")
            } else {
                (GATEWAY, "a Q.850 Reason on a failure is typically mapped from ISUP by a PSTN gateway (RFC 3398), or copied from another leg")
            };
            clues.add(role, 2, *span, what);
        }
    }
    // One Via: last hop to the requester, sent by its first hop.
    if cx.via().count() == 1 && looks_ims(cx) {
        if let Some(h) = msg.header(HeaderName::Via) {
            clues.add(
                PCSCF,
                1,
                h.span,
                "a single Via: the response is on its last hop to the UE, so it was sent (generated or relayed) by the UE's first hop, likely the P-CSCF",
            );
        }
    }
}

/// Clues for a request.
fn request_clues(cx: &Ctx<'_, '_>, clues: &mut Clues) {
    let msg = cx.msg;
    if msg.header(HeaderName::UserAgent).is_some() {
        products(
            cx.views.products(HeaderName::UserAgent),
            "User-Agent",
            clues,
        );
    }
    let vias: Vec<&crate::parse::via::Via<'_>> = cx.via().collect();
    if let Some(bottom) = vias.last() {
        if let Some(role) = role_of_host(bottom.host.bytes()) {
            clues.add(
                role,
                3,
                bottom.host.span(),
                format!(
                    "the bottom Via (the originator) is {}",
                    bottom.host.as_str()
                ),
            );
        }
    }
    if vias.len() > 1 {
        if let Some(role) = vias.first().and_then(|v| role_of_host(v.host.bytes())) {
            let top = vias[0].host;
            clues.add(
                role,
                1,
                top.span(),
                format!(
                    "the top Via says {} forwarded it (not its originator)",
                    top.as_str()
                ),
            );
        }
    }
    for c in cx.contacts() {
        let Contact::Address(na) = c else { continue };
        if let Some(inst) = na.sip_instance() {
            let imei = is_imei(inst);
            clues.add(
                UE,
                if imei { 5 } else { 3 },
                inst.span(),
                if imei {
                    "Contact carries +sip.instance with an IMEI: a handset (RFC 7254; TS 24.229 §5.1.1.2)"
                } else {
                    "Contact carries +sip.instance: a user device instance (RFC 5626)"
                },
            );
        } else if let Some(p) = na
            .feature_tags()
            .find(|p| p.name.bytes().starts_with(b"+g.3gpp."))
        {
            clues.add(
                UE,
                2,
                p.name.span(),
                "Contact carries 3GPP feature tags of a UE",
            );
        }
    }
    if let Some(h) = msg.header(HeaderName::SecurityClient) {
        clues.add(
            UE,
            4,
            h.span,
            "Security-Client is sent by the client of a security agreement, the UE in IMS (RFC 3329; TS 33.203)",
        );
    }
    if let Some(h) = msg.header(HeaderName::PAccessNetworkInfo) {
        let specs = cx.views.access_network_info();
        if specs.iter().any(|s| !s.is_network_provided()) {
            clues.add(
                UE,
                3,
                h.span,
                "P-Access-Network-Info without network-provided was inserted by the UE (RFC 7315 §5.4)",
            );
        }
    }
    if let Some(h) = msg.header(HeaderName::PPreferredIdentity) {
        clues.add(
            UE,
            2,
            h.span,
            "P-Preferred-Identity is sent by a UE to its P-CSCF (RFC 3325 §9.2)",
        );
    }
}

/// The likely role of the sender, with evidence (see the module docs).
pub(crate) fn infer(cx: &Ctx<'_, '_>) -> (&'static str, Vec<(Span, String)>) {
    let mut clues = Clues::default();
    if cx.msg.is_response() {
        response_clues(cx, &mut clues);
    } else if cx.msg.is_request() {
        request_clues(cx, &mut clues);
    }
    clues.verdict()
}

#[cfg(test)]
mod tests {
    use super::super::context::Ctx;
    use super::*;
    use crate::parse::parse_message;

    /// (role, evidence texts) for `input`.
    fn role(input: &[u8]) -> (String, Vec<String>) {
        let msg = parse_message(input);
        let cx = Ctx::new(&msg);
        let (role, ev) = infer(&cx);
        for (span, _) in &ev {
            assert!(span.end <= input.len() && span.start <= span.end);
        }
        let texts = ev
            .iter()
            .map(|(s, _)| String::from_utf8_lossy(s.slice(input)).into_owned())
            .collect();
        (role.to_owned(), texts)
    }

    /// `keyword_role` compares a keyword with the candidate without its
    /// trailing digits: that needs keywords without digits.
    #[test]
    fn keywords_hold_no_digits() {
        assert!(NAMES
            .iter()
            .all(|(kw, _)| !kw.is_empty() && !kw.bytes().any(|c| c.is_ascii_digit())));
        for (host, want) in [
            ("pcscf1.ims.example", Some(PCSCF)),
            ("P-CSCF.ims.example", Some(PCSCF)),
            ("ims-scscf01.example", Some(SCSCF)),
            ("as2", Some(AS)),
            ("pcscf1x.example", None),
            ("10.0.0.1", None),
            ("mgcf_02", Some(MGCF)),
        ] {
            assert_eq!(role_of_host(host.as_bytes()), want, "{host}");
        }
    }

    fn response(status: &str, cseq: &str, vias: &str, extra: &str) -> Vec<u8> {
        format!(
            "SIP/2.0 {status}\r\n{vias}\
From: <sip:+15551230001@ims.mnc001.mcc001.3gppnetwork.org>;tag=4fa3\r\n\
To: <sip:+15551230001@ims.mnc001.mcc001.3gppnetwork.org>;tag=925746\r\n\
Call-ID: 9a8b7c6d5e4f@[2001:db8::9:1]\r\nCSeq: {cseq}\r\n{extra}Content-Length: 0\r\n\r\n"
        )
        .into_bytes()
    }

    const UE_VIA: &str =
        "Via: SIP/2.0/UDP [2001:db8::9:1]:5060;branch=z9hG4bKas3-111;rport=5060\r\n";
    const TWO_VIAS: &str =
        "Via: SIP/2.0/UDP pcscf1.ims.mnc001.mcc001.3gppnetwork.org;branch=z9hG4bKpc1\r\n\
Via: SIP/2.0/UDP [2001:db8::9:1]:5060;branch=z9hG4bKas3-111;rport=5060\r\n";

    #[test]
    fn response_source_names_the_entity() {
        let m = response(
            "503 Service Unavailable",
            "1 INVITE",
            UE_VIA,
            "Response-Source: <urn:3gpp:fe:p-cscf.orig>\r\n",
        );
        let (r, ev) = role(&m);
        assert_eq!(r, "P-CSCF");
        assert!(ev.contains(&"urn:3gpp:fe:p-cscf.orig".to_owned()), "{ev:?}");
    }

    #[test]
    fn aka_challenge_is_the_s_cscf() {
        let m = response(
            "401 Unauthorized",
            "1 REGISTER",
            UE_VIA,
            "WWW-Authenticate: Digest realm=\"ims.mnc001.mcc001.3gppnetwork.org\", nonce=\"CjPk9mRqNuT25eRkajM09uTl9nM09uTl9nMz5OX25PZz==\", algorithm=AKAv1-MD5, qop=\"auth\"\r\n\
Security-Server: ipsec-3gpp;q=0.1;alg=hmac-sha-1-96;ealg=null;spi-c=2222;spi-s=3333;port-c=5062;port-s=5064\r\n",
        );
        let (r, ev) = role(&m);
        assert_eq!(r, "S-CSCF");
        assert!(ev.iter().any(|e| e.starts_with("WWW-Authenticate: Digest")));
        assert!(ev
            .iter()
            .any(|e| e.starts_with("Security-Server: ipsec-3gpp")));
    }

    #[test]
    fn registrar_and_s_cscf_for_200_to_register() {
        let m = response(
            "200 OK",
            "2 REGISTER",
            UE_VIA,
            "Service-Route: <sip:orig@scscf1.ims.mnc001.mcc001.3gppnetwork.org;lr>\r\n\
P-Associated-URI: <sip:+15551230001@ims.mnc001.mcc001.3gppnetwork.org>\r\n",
        );
        let (r, ev) = role(&m);
        assert_eq!(r, "S-CSCF");
        assert_eq!(ev.len(), 2, "{ev:?}");
        let plain = b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1\r\n\
From: <sip:1001@pbx.example.com>;tag=1\r\nTo: <sip:1001@pbx.example.com>;tag=2\r\n\
Call-ID: r1\r\nCSeq: 2 REGISTER\r\nContact: <sip:1001@192.168.1.20:5060>;expires=3600\r\n\
Content-Length: 0\r\n\r\n";
        let (r, ev) = role(plain);
        assert_eq!(r, "registrar");
        assert_eq!(ev, vec!["SIP/2.0 200 OK".to_owned()]);
    }

    #[test]
    fn server_products() {
        let pbx =
            b"SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1\r\n\
From: <sip:1001@192.168.1.1>;tag=1\r\nTo: <sip:1002@192.168.1.1>;tag=as5b3c\r\n\
Call-ID: c1\r\nCSeq: 102 INVITE\r\nServer: Asterisk PBX 16.2.1~dfsg-1+deb10u1\r\n\
Content-Length: 0\r\n\r\n";
        assert_eq!(role(pbx), ("B2BUA".to_owned(), vec!["Asterisk".to_owned()]));
        let proxy = String::from_utf8_lossy(pbx).replace(
            "Asterisk PBX 16.2.1~dfsg-1+deb10u1",
            "kamailio (5.6.2 (x86_64/linux))",
        );
        assert_eq!(role(proxy.as_bytes()).0, "proxy");
        let node = String::from_utf8_lossy(pbx)
            .replace("Asterisk PBX 16.2.1~dfsg-1+deb10u1", "Huawei-MGCF/V300R010");
        assert_eq!(role(node.as_bytes()).0, "MGCF");
    }

    #[test]
    fn warning_agent_and_494() {
        let m = response(
            "488 Not Acceptable Here",
            "1 INVITE",
            TWO_VIAS,
            "Warning: 305 pcscf2.ims.mnc001.mcc001.3gppnetwork.org \"Incompatible media format\"\r\n",
        );
        let (r, ev) = role(&m);
        assert_eq!(r, "P-CSCF");
        assert_eq!(
            ev,
            vec!["pcscf2.ims.mnc001.mcc001.3gppnetwork.org".to_owned()]
        );
        let m = response("494 Security Agreement Required", "1 REGISTER", UE_VIA, "");
        let (r, ev) = role(&m);
        assert_eq!(r, "P-CSCF");
        assert!(ev.contains(&"SIP/2.0 494 Security Agreement Required".to_owned()));
    }

    #[test]
    fn answering_handset_and_gateway() {
        let m = response(
            "180 Ringing",
            "1 INVITE",
            TWO_VIAS,
            "Contact: <sip:[2001:db8::7:2]:5060>;+sip.instance=\"<urn:gsma:imei:35298406-123456-0>\";+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel\"\r\n",
        );
        let (r, ev) = role(&m);
        assert_eq!(r, "UE");
        assert_eq!(ev, vec!["<urn:gsma:imei:35298406-123456-0>".to_owned()]);
        let gw = b"SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1\r\n\
From: <sip:2001@10.0.0.5>;tag=1\r\nTo: <sip:5551234@10.0.0.9>;tag=2\r\nCall-ID: g1\r\n\
CSeq: 1 INVITE\r\nReason: Q.850;cause=17;text=\"User busy\"\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(role(gw).0, "gateway");
    }

    #[test]
    fn requests_from_a_ue() {
        let m = b"REGISTER sip:ims.mnc001.mcc001.3gppnetwork.org SIP/2.0\r\n\
Via: SIP/2.0/UDP [2001:db8::9:1]:5060;branch=z9hG4bKas3-111;rport\r\nMax-Forwards: 70\r\n\
From: <sip:001010000000001@ims.mnc001.mcc001.3gppnetwork.org>;tag=4fa3\r\n\
To: <sip:001010000000001@ims.mnc001.mcc001.3gppnetwork.org>\r\nCall-ID: r9\r\nCSeq: 1 REGISTER\r\n\
Contact: <sip:[2001:db8::9:1]:5060>;+sip.instance=\"<urn:gsma:imei:35298406-123456-0>\";+g.3gpp.smsip\r\n\
User-Agent: Samsung IMS 6.0\r\n\
Security-Client: ipsec-3gpp;alg=hmac-sha-1-96;spi-c=1111;spi-s=2222;port-c=5062;port-s=5064\r\n\
Content-Length: 0\r\n\r\n";
        let (r, ev) = role(m);
        assert_eq!(r, "UE");
        assert!(ev.contains(&"Samsung".to_owned()));
        assert!(ev.iter().any(|e| e.starts_with("Security-Client:")));
        let fwd = b"INVITE tel:+15551234 SIP/2.0\r\n\
Via: SIP/2.0/UDP scscf1.ims.example.net;branch=z9hG4bKs1\r\n\
Via: SIP/2.0/UDP pcscf1.ims.example.net;branch=z9hG4bKp1\r\n\
Via: SIP/2.0/UDP mgcf1.ims.example.net;branch=z9hG4bKm1\r\nMax-Forwards: 67\r\n\
From: <tel:+15559876>;tag=1\r\nTo: <tel:+15551234>\r\nCall-ID: i1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
        let (r, ev) = role(fwd);
        assert_eq!(r, "MGCF");
        assert_eq!(ev, vec!["mgcf1.ims.example.net".to_owned()]);
    }

    #[test]
    fn nothing_to_go_on_is_unknown() {
        let m = b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n\
From: <sip:a@192.0.2.1>;tag=1\r\nTo: <sip:b@192.0.2.2>;tag=2\r\nCall-ID: u\r\nCSeq: 1 OPTIONS\r\n\
Content-Length: 0\r\n\r\n";
        assert_eq!(role(m), ("unknown".to_owned(), Vec::new()));
    }

    #[test]
    fn product_prefixes_are_lower_case() {
        for (p, _, _) in PRODUCTS {
            assert_eq!(*p, p.to_ascii_lowercase());
        }
    }

    #[test]
    fn host_names() {
        for (h, r) in [
            ("pcscf1.ims.example.net", Some(PCSCF)),
            ("p-cscf.ims.example.net", Some(PCSCF)),
            ("ims-scscf01.example.net", Some(SCSCF)),
            ("icscf.example", Some(ICSCF)),
            ("tas3.ims.example", Some(AS)),
            ("taste.example", None),
            ("192.0.2.1", None),
            ("asterisk.example", None),
        ] {
            assert_eq!(role_of_host(h.as_bytes()), r, "{h}");
        }
    }
}
