//! Rule family SL3xx: IMS-aware method × status code logic. Each rule reads
//! one outcome the way a VoLTE/VoNR engineer would (3GPP TS 24.229 UE and
//! CSCF behaviour, TS 33.203 security, RFC 3261/3312/3329/4028 mechanics)
//! and explains it from the headers and body of *this* message.
//!
//! The order of [`CHECKS`] matters: the first rule to set a headline wins,
//! so the most specific reading (an alternative-service body, a stale
//! nonce) comes before the general one (a 504, an AKA challenge).

use crate::kb::{self, status};
use memchr::{memchr, memmem};

use super::causes::{codec_list, describe_reason, param_span, reason_span, status_text};
use super::dto::q850_consistent;
use super::{Check, Confidence, Ctx, Dx};
use crate::finding::Rule;
use crate::parse::body::{find_sdp, Body};
use crate::parse::diag::ReasonProtocol;
use crate::parse::header_name::HeaderName;
use crate::parse::media::parse_media_type;
use crate::parse::scalar::parse_session_interval;
use crate::parse::sdp::{CurrentStatus, DesiredStatus, PrecondDirection, StatusType, Strength};
use crate::parse::security::{parse_security_server, SecMechanism};
use crate::parse::status::Method;
use crate::parse::tokens::{parse_allow_events, parse_require, parse_unsupported};
use crate::span::{Span, Text};

/// The checks of this family, most specific first.
pub(crate) static CHECKS: &[Check] = &[
    ims_alternative_service,
    stale_nonce,
    ims_aka_challenge,
    digest_register_challenge,
    challenge_outside_registration,
    challenge_scheme,
    register_forbidden,
    security_agreement_required,
    overload_with_retry_after,
    unavailable_without_retry_after,
    precondition_failure,
    media_rejected,
    callee_rejected,
    request_terminated,
    terminated_non_invite,
    cancel_without_transaction,
    redirect_contacts,
    forbidden_request,
    user_not_found,
    timeout,
    interval_too_small,
    extension_mismatch,
    loop_or_hops,
    bad_event,
    retry_after_present,
];

// ---- helpers -------------------------------------------------------------------

/// `600` → `10 min`, `3600` → `1 h`, `90` → `1 min 30 s`.
fn human_seconds(s: u32) -> String {
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{h} h"));
    }
    if m > 0 {
        parts.push(format!("{m} min"));
    }
    if sec > 0 || parts.is_empty() {
        parts.push(format!("{sec} s"));
    }
    parts.join(" ")
}

/// `45 s`, `600 s (10 min)`.
fn seconds_text(s: u32) -> String {
    if s < 60 {
        format!("{s} s")
    } else {
        format!("{s} s ({})", human_seconds(s))
    }
}

/// The value span of the first header named `name`.
fn value_span(cx: &Ctx<'_, '_>, name: HeaderName) -> Option<Span> {
    cx.msg.header(name).map(|h| h.value.span())
}

/// The span of the CSeq method, else the status line.
fn cseq_method_span(cx: &Ctx<'_, '_>) -> Span {
    cx.cseq
        .map_or(cx.msg.start_line_span(), |c| c.method.span())
}

/// The span of one security mechanism: name through its last parameter.
fn mechanism_span(m: &SecMechanism<'_>) -> Span {
    m.params
        .iter()
        .fold(m.name.span(), |s, p| s.join(param_span(p)))
}

/// `ipsec-3gpp (alg=hmac-sha-1-96, spi-c=…)`.
fn describe_mechanism(m: &SecMechanism<'_>) -> String {
    let params: Vec<String> = m
        .params
        .iter()
        .map(|p| match p.value {
            Some(v) => format!("{}={}", p.name.as_str(), v.as_str()),
            None => p.name.as_str().into_owned(),
        })
        .collect();
    if params.is_empty() {
        m.name.as_str().into_owned()
    } else {
        format!("{} ({})", m.name.as_str(), params.join(", "))
    }
}

/// Every mechanism of every Security-Server header, highest `q` first
/// (RFC 3329 §2.2: the client picks the preferred mechanism it supports;
/// a missing `q` ranks last, ties keep their order).
fn security_server_offers<'a>(cx: &Ctx<'_, 'a>) -> Vec<SecMechanism<'a>> {
    let mut sink = Vec::new();
    let mut offers: Vec<SecMechanism<'a>> = cx
        .msg
        .headers_named(HeaderName::SecurityServer)
        .flat_map(|h| parse_security_server(h.value, &mut sink))
        .collect();
    offers.sort_by(|a, b| {
        let q = |m: &SecMechanism<'_>| m.q_value().unwrap_or(-1.0);
        q(b).total_cmp(&q(a))
    });
    offers
}

/// `ipsec-3gpp q=0.5` for lists of offers.
fn describe_offer(m: &SecMechanism<'_>) -> String {
    match m.q() {
        Some(q) => format!("{} q={}", m.name.as_str(), q.as_str()),
        None => m.name.as_str().into_owned(),
    }
}

/// The `application/3gpp-ims+xml` body of the message, or of one of its
/// multipart parts (TS 24.229 §7.6).
fn ims_xml<'a>(cx: &Ctx<'_, 'a>) -> Option<Text<'a>> {
    let mut sink = Vec::new();
    let is_ims = |ct: Option<crate::parse::media::MediaType<'_>>| {
        ct.is_some_and(|c| c.is("application", "3gpp-ims+xml"))
    };
    let ct = cx
        .msg
        .header(HeaderName::ContentType)
        .and_then(|h| parse_media_type(h.value, &mut sink));
    if is_ims(ct) && !cx.msg.body().is_empty() {
        return Some(cx.msg.body());
    }
    if let Body::Multipart(m) = &cx.body {
        for p in &m.parts {
            if is_ims(p.content_type(&mut sink)) {
                return Some(p.body);
            }
        }
    }
    None
}

fn is_xml_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')
}

/// The trimmed text content of the first element named `name` (any
/// namespace prefix) starting at or after byte `from` of `text`, by a plain
/// substring search — enough for the flat `<alternative-service>` element of
/// TS 24.229 §7.6, no XML parse. Returns the content and the offset after it.
fn xml_element<'a>(text: Text<'a>, name: &str, from: usize) -> Option<(Text<'a>, usize)> {
    let b = text.bytes();
    let mut i = from;
    while i < b.len() {
        let at = i + memmem::find(&b[i..], name.as_bytes())?;
        let end = at + name.len();
        i = end;
        let opened = match at.checked_sub(1).map(|j| b[j]) {
            Some(b'<') => true,
            Some(b':') => {
                let mut j = at - 1;
                while j > 0 && is_xml_name_byte(b[j - 1]) {
                    j -= 1;
                }
                j > 0 && j < at - 1 && b[j - 1] == b'<'
            }
            _ => false,
        };
        let closed = matches!(b.get(end), Some(b'>' | b' ' | b'\t' | b'\r' | b'\n' | b'/'));
        if !(opened && closed) {
            continue;
        }
        let gt = end + memchr(b'>', &b[end..])?;
        if b[gt - 1] == b'/' {
            return Some((text.sub(gt + 1, gt + 1), gt + 1));
        }
        let lt = memchr(b'<', &b[gt + 1..]).map_or(b.len(), |p| gt + 1 + p);
        return Some((text.sub(gt + 1, lt).trim(), lt));
    }
    None
}

fn status_type_str(t: StatusType) -> &'static str {
    match t {
        StatusType::E2e => "e2e",
        StatusType::Local => "local",
        StatusType::Remote => "remote",
    }
}

fn direction_str(d: PrecondDirection) -> &'static str {
    match d {
        PrecondDirection::None => "none",
        PrecondDirection::Send => "send",
        PrecondDirection::Recv => "recv",
        PrecondDirection::SendRecv => "sendrecv",
    }
}

fn strength_str(s: Strength) -> &'static str {
    match s {
        Strength::Mandatory => "mandatory",
        Strength::Optional => "optional",
        Strength::None => "none",
        Strength::Failure => "failure",
        Strength::Unknown => "unknown",
    }
}

fn des_str(d: &DesiredStatus<'_>) -> String {
    format!(
        "a=des:{} {} {} {}",
        d.precondition_type.as_str(),
        strength_str(d.strength),
        status_type_str(d.status_type),
        direction_str(d.direction)
    )
}

fn curr_str(c: &CurrentStatus<'_>) -> String {
    format!(
        "a=curr:{} {} {}",
        c.precondition_type.as_str(),
        status_type_str(c.status_type),
        direction_str(c.direction)
    )
}

/// Evidence for each Reason value of the message.
fn reason_evidence(cx: &Ctx<'_, '_>) -> Vec<(Span, String)> {
    cx.reasons
        .iter()
        .map(|(r, _)| (reason_span(r), format!("Reason: {}", describe_reason(r))))
        .collect()
}

/// `; Reason Q.850 cause 17 (User busy)` for headlines, from the first
/// Reason; a Q.850 cause that contradicts the status (RFC 3398) says so.
fn reason_suffix(cx: &Ctx<'_, '_>) -> String {
    let Some((r, _)) = cx.reasons.first() else {
        return String::new();
    };
    let what = describe_reason(r);
    let contradicts = r.protocol_kind() == ReasonProtocol::Q850
        && match (r.cause(), cx.code) {
            (Some(c), Some(s)) if s.0 >= status::REDIRECTION_CLASS => !q850_consistent(c, s.0),
            _ => false,
        };
    if contradicts {
        format!("; Reason {what} contradicts it")
    } else {
        format!("; Reason {what}")
    }
}

// ---- SL30x: authentication and registration ---------------------------------------

/// SL301: a 401 to REGISTER with a Digest AKAv1/AKAv2 challenge is the
/// normal IMS registration step: the UE runs AKA on the ISIM, sets up IPsec
/// from Security-Server and re-sends REGISTER protected (TS 24.229
/// §5.1.1.5.1; TS 33.203 §6.1, §7; RFC 3310).
fn ims_aka_challenge(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !(cx.is(status::UNAUTHORIZED) && cx.method_is(Method::Register)) {
        return;
    }
    let Some((_, auth, hspan)) = &cx.challenge else {
        return;
    };
    if !auth.is_aka() {
        return;
    }
    let alg = auth
        .algorithm()
        .map_or_else(String::new, |a| a.as_str().into_owned());
    let realm = auth
        .realm()
        .map_or_else(|| "?".to_owned(), |r| r.as_str().into_owned());
    let span = auth.params.get("algorithm").map_or(*hspan, param_span);
    dx.finding(
        Rule::ImsAkaChallenge,
        span,
        format!("401 to REGISTER with a Digest {alg} challenge from realm {realm}: the normal IMS AKA step, not a failure"),
    );
    dx.headline(
        "401 to REGISTER: normal IMS AKA challenge — the UE must answer with RES over new IPsec SAs",
    );
    let mut evidence = vec![(
        *hspan,
        format!("WWW-Authenticate: Digest {alg}, realm {realm}"),
    )];
    if let Some(n) = auth.params.get("nonce") {
        let split = auth
            .nonce()
            .and_then(|v| super::dto::split_aka_nonce(v.bytes()))
            .map_or_else(
                || {
                    " (not 32 bytes of base64: the ISIM cannot read RAND and AUTN from it)"
                        .to_owned()
                },
                |k| {
                    format!(
                        ": RAND {}, AUTN {} = SQN⊕AK {} ‖ AMF {} ‖ MAC {}",
                        k.rand, k.autn, k.sqn_xor_ak, k.amf, k.mac
                    )
                },
            );
        evidence.push((
            param_span(n),
            format!("nonce: base64 of RAND ‖ AUTN for the ISIM (RFC 3310 §3.2){split}"),
        ));
    }
    dx.cause(
        Confidence::High,
        format!("Normal IMS registration: the S-CSCF challenges the UE with {alg} (RAND and AUTN in the nonce) before registering it"),
        evidence,
    );

    let offers = security_server_offers(cx);
    let ipsec = offers.iter().find(|m| m.is("ipsec-3gpp"));
    if offers.len() > 1 {
        let listed: Vec<String> = offers.iter().map(describe_offer).collect();
        dx.inspect(format!(
            "Security-Server offers {} mechanisms; the UE picks the one with the highest q it supports (RFC 3329 §2.2), here in that order: {}",
            offers.len(),
            listed.join("; ")
        ));
    }
    dx.step("Run AKA on the ISIM with RAND and AUTN from the nonce: verify AUTN (MAC, SQN), derive RES, CK and IK. On a SQN failure re-send REGISTER with auts= (RFC 3310 §3.4); on a MAC failure re-send it with an empty response and no auts (TS 24.229 §5.1.1.5.3)");
    match ipsec {
        Some(m) => {
            let num = |v: Option<u32>| v.map_or_else(|| "?".to_owned(), |v| v.to_string());
            let port = |v: Option<u16>| v.map_or_else(|| "?".to_owned(), |v| v.to_string());
            let alg = m
                .alg()
                .map_or_else(|| "?".into(), |a| a.as_str().into_owned());
            let ealg = m
                .ealg()
                .map(|e| format!(", ealg {}", e.as_str()))
                .unwrap_or_default();
            let sa = format!(
                "spi-c {}, spi-s {}, port-c {}, port-s {}, alg {alg}{ealg}",
                num(m.spi_c()),
                num(m.spi_s()),
                port(m.port_c()),
                port(m.port_s())
            );
            dx.cause(
                Confidence::High,
                format!("The P-CSCF offers IPsec (ipsec-3gpp) for the protected REGISTER: {sa}"),
                vec![(
                    mechanism_span(m),
                    format!("Security-Server: P-CSCF SA parameters {sa}"),
                )],
            );
            dx.step(format!(
                "Set up the IPsec SAs with the P-CSCF from this Security-Server ({sa}) and the UE's own Security-Client; keys come from CK/IK (TS 33.203 §7)"
            ));
            dx.step(format!(
                "Re-send REGISTER over the new SAs (from the UE's port-c to the P-CSCF's port-s {}) with Authorization (username = IMPI, same realm and nonce, response computed with RES as password), Security-Client, Security-Verify copying this Security-Server, and Require/Proxy-Require: sec-agree (TS 24.229 §5.1.1.5.1)",
                port(m.port_s())
            ));
        }
        None => {
            dx.inspect("No ipsec-3gpp Security-Server in this 401: the P-CSCF adds it for the UE (RFC 3329, TS 24.229 §5.2.2); either this copy was captured upstream of the P-CSCF or the access uses TLS/no sec-agree");
            dx.step("Re-send REGISTER with Authorization answering the challenge (username = IMPI, same realm and nonce, response computed with RES as password) (TS 24.229 §5.1.1.5.1)");
        }
    }
    if let Some(p) = auth.params.get("ck").or(auth.params.get("ik")) {
        dx.cause(
            Confidence::High,
            "This copy of the 401 still carries ck/ik: it was captured between S-CSCF and P-CSCF (Mw); the P-CSCF removes them before forwarding to the UE (TS 24.229 §7.2A.1)",
            vec![(param_span(p), "ck/ik: the AKA keys for the P-CSCF's IPsec SAs".to_owned())],
        );
    }
    dx.spec("3GPP TS 24.229 §5.1.1.5.1; TS 33.203 §6.1, §7; RFC 3310");
}

/// SL302: a 401 to REGISTER with a plain Digest challenge (MD5, SHA-256),
/// not AKA (RFC 3261 §22; RFC 7616; TS 24.229 §5.1.1.2).
fn digest_register_challenge(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !(cx.is(status::UNAUTHORIZED) && cx.method_is(Method::Register)) {
        return;
    }
    let Some((_, auth, hspan)) = &cx.challenge else {
        return;
    };
    if auth.is_aka() || !auth.is_digest() {
        return;
    }
    let alg = auth
        .algorithm()
        .map_or_else(|| "MD5 (default)".to_owned(), |a| a.as_str().into_owned());
    let realm = auth
        .realm()
        .map_or_else(|| "?".to_owned(), |r| r.as_str().into_owned());
    let span = auth
        .params
        .get("algorithm")
        .map_or(auth.scheme.span(), param_span);
    dx.finding(
        Rule::DigestRegisterChallenge,
        span,
        format!("401 to REGISTER with a plain Digest {alg} challenge from realm {realm}, not AKA"),
    );
    dx.headline(format!(
        "401 to REGISTER: Digest {alg} challenge — re-send REGISTER with Authorization for realm \"{realm}\""
    ));
    dx.cause(
        Confidence::High,
        format!("The registrar asks for HTTP Digest credentials ({alg}); a digest registration always starts with this challenge"),
        vec![(*hspan, format!("WWW-Authenticate: Digest {alg}, realm {realm}"))],
    );
    let ims_realm = realm.to_ascii_lowercase().ends_with("3gppnetwork.org");
    if ims_realm || cx.msg.header(HeaderName::SecurityServer).is_some() {
        dx.cause(
            Confidence::Medium,
            format!("A 3GPP IMS realm ({realm}) challenges with plain Digest: the HSS has SIP Digest provisioned for this IMPI instead of AKA; a VoLTE UE with ISIM/USIM expects AKAv1-MD5"),
            vec![(*hspan, format!("realm {realm} with algorithm {alg}"))],
        );
        dx.inspect("The authentication scheme provisioned for the IMPI in the HSS (SIP Digest vs Digest-AKAv1-MD5) and what the UE supports");
    }
    dx.step("Re-send REGISTER (same Call-ID, CSeq + 1) with Authorization: Digest username, realm, nonce, uri, response (and nc/cnonce with qop) computed from the password (RFC 3261 §22.4; RFC 7616)");
    dx.replace_kb_advice();
}

/// SL303: a 401/407 to a request other than REGISTER *in IMS* (the message
/// must show IMS: [`Ctx::ims_evidence`]). In IMS, requests after
/// registration are trusted through the security association the P-CSCF
/// checks (TS 24.229 §5.2.6.3) and the S-CSCF's registration state
/// (§5.4.3.2); elsewhere a challenge to INVITE is ordinary RFC 3261 §22.
fn challenge_outside_registration(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !(cx.is(status::UNAUTHORIZED) || cx.is(status::PROXY_AUTHENTICATION_REQUIRED)) {
        return;
    }
    let Some(method) = cx.known_method.filter(|m| *m != Method::Register) else {
        return;
    };
    let Some(ims) = cx.ims_evidence() else {
        return;
    };
    let m = method.as_str();
    let code = cx.code.map_or(0, |c| c.0);
    dx.finding(
        Rule::ChallengeOutsideRegistration,
        cseq_method_span(cx),
        format!("{} challenges this {m} in an IMS network ({}): in IMS only REGISTER is authenticated; other requests are trusted through the registration and its security association", status_text(cx), ims.1),
    );
    dx.headline(format!(
        "{code} to {m} in IMS: authentication challenge outside registration — a lost IPsec SA or registration, or an interconnect/trunk that authenticates requests"
    ));
    let mut ev: Vec<(Span, String)> = cx.cseq_evidence().into_iter().collect();
    if let Some((name, _, span)) = &cx.challenge {
        ev.push((*span, format!("{} challenge", name.as_str())));
    }
    ev.push(ims);
    dx.cause(
        Confidence::Medium,
        format!("The {m} reached the P-CSCF outside the security association (unprotected port, SA expired or deleted after re-registration or a P-CSCF restart), so it was not recognised as coming from a registered UE (TS 24.229 §5.2.6.3)"),
        ev.clone(),
    );
    dx.cause(
        Confidence::Medium,
        "The registration state is gone at the S-CSCF or P-CSCF (network-initiated deregistration, S-CSCF restart): the UE has to register again",
        ev.clone(),
    );
    if code == status::PROXY_AUTHENTICATION_REQUIRED {
        dx.cause(
            Confidence::Medium,
            "A proxy or SBC outside the IMS core (SIP trunk, enterprise PBX behind an IBCF) requires Digest on every request; the UA then re-sends with Proxy-Authorization",
            ev,
        );
    }
    dx.inspect(format!("Which port and SA the {m} was sent on (Via sent-by port vs the protected ports negotiated at registration)"));
    dx.step("If the SA or the registration was lost, perform an initial registration (REGISTER with Security-Client) before retrying");
    dx.spec("3GPP TS 24.229 §5.2.6.3, §5.4.3.2");
}

/// How a challenge or credentials scheme is read: Digest (with its
/// algorithm), AKA, Basic (forbidden in SIP, RFC 3261 §22.1), the Microsoft
/// NTLM/Kerberos/TLS-DSK extensions ([MS-SIPAE] §1.3) or another scheme.
fn scheme_kind(a: &crate::parse::auth::Auth<'_>) -> &'static str {
    if a.is_digest() {
        if a.params.is_aka() {
            "aka"
        } else {
            "digest"
        }
    } else if a.scheme.eq_ignore_case("Basic") {
        "basic"
    } else if ["NTLM", "Kerberos", "TLS-DSK", "Negotiate"]
        .iter()
        .any(|s| a.scheme.eq_ignore_case(s))
    {
        "microsoft"
    } else {
        "other"
    }
}

/// SL323 and the advice for every 401/407 by its scheme: Basic is
/// forbidden in SIP (RFC 3261 §22.1); NTLM/Kerberos are Microsoft
/// extensions ([MS-SIPAE]); Digest MD5/SHA-256 get Digest advice (RFC 3261
/// §22; RFC 7616; RFC 8760); IMS AKA advice only for an AKA challenge
/// (SL301). Requests carrying Basic credentials get SL323 too.
fn challenge_scheme(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    use crate::parse::auth::{parse_authorization, parse_proxy_authorization};
    if cx.msg.is_request() {
        let mut sink = Vec::new();
        for name in [HeaderName::Authorization, HeaderName::ProxyAuthorization] {
            for h in cx.msg.headers_named(name) {
                let cred = if name == HeaderName::Authorization {
                    parse_authorization(h.value, &mut sink)
                } else {
                    parse_proxy_authorization(h.value, &mut sink)
                };
                if let Some(c) = cred.filter(|c| c.scheme.eq_ignore_case("Basic")) {
                    dx.finding(
                        Rule::BasicAuth,
                        c.scheme.span(),
                        format!("{} uses the Basic scheme: SIP servers must not accept Basic credentials (RFC 3261 §22.1); the user name and password are only base64-encoded", name.as_str()),
                    );
                }
            }
        }
        return;
    }
    if !(cx.is(status::UNAUTHORIZED) || cx.is(status::PROXY_AUTHENTICATION_REQUIRED)) {
        return;
    }
    let Some((name, auth, hspan)) = &cx.challenge else {
        // No readable challenge (SL120/SL121): the knowledge base's 401
        // text is the IMS AKA registration, wrong without IMS evidence.
        if cx.is(status::UNAUTHORIZED) && cx.ims_evidence().is_none() {
            dx.step("Capture the 401 where it is generated: a 401 MUST carry WWW-Authenticate (RFC 3261 §21.4.2), so either the server is broken or a node on the way removed it; without it the client cannot answer");
            dx.replace_kb_advice();
        }
        return;
    };
    let code = cx.code.map_or(0, |c| c.0);
    let m = cx.method_str();
    let answer = if code == status::PROXY_AUTHENTICATION_REQUIRED {
        "Proxy-Authorization"
    } else {
        "Authorization"
    };
    let scheme = auth.scheme.as_str();
    let realm = auth
        .realm()
        .map_or_else(|| "?".to_owned(), |r| r.as_str().into_owned());
    match scheme_kind(auth) {
        "aka" => {}
        "basic" => {
            dx.finding(
                Rule::BasicAuth,
                auth.scheme.span(),
                format!("{} challenges with Basic: SIP servers must not challenge with Basic (RFC 3261 §22.1)", name.as_str()),
            );
            dx.headline(format!(
                "{code} to {m} with a Basic challenge: SIP forbids Basic (RFC 3261 §22.1) — configure Digest on the server"
            ));
            dx.cause(
                Confidence::High,
                format!("The server is configured for HTTP Basic authentication (realm \"{realm}\"), which SIP deprecated: a conforming UA will not send the password in clear base64"),
                vec![(*hspan, format!("{}: Basic realm \"{realm}\"", name.as_str()))],
            );
            dx.step("Configure the server (or SBC/PBX) to challenge with Digest (SHA-256, or MD5 for old clients: RFC 8760); do not enable Basic on the client");
            dx.replace_kb_advice();
        }
        "microsoft" => {
            dx.headline(format!(
                "{code} to {m} with the {scheme} scheme: Microsoft's SIP authentication extension (Lync/Skype for Business/Teams SBC), not Digest — a standard SIP UA cannot answer it"
            ));
            dx.cause(
                Confidence::High,
                format!("The server authenticates with {scheme} ([MS-SIPAE]: NTLM, Kerberos or TLS-DSK security associations that then sign every message), as Microsoft Office Communications/Lync servers do"),
                vec![(*hspan, format!("{}: {scheme} realm \"{realm}\"", name.as_str()))],
            );
            dx.step(format!("Use a client that implements [MS-SIPAE] {scheme} authentication, or connect through an SBC/gateway (or a server listener) that offers Digest"));
            dx.spec("[MS-SIPAE] §1.3, §3.1");
            dx.replace_kb_advice();
        }
        "other" => {
            dx.headline(format!(
                "{code} to {m} with the {scheme} scheme: not a scheme SIP defines (Digest, RFC 3261 §22) — the UA needs an extension for it"
            ));
            dx.cause(
                Confidence::High,
                format!("The server asks for credentials in the {scheme} scheme; only Digest is defined for SIP"),
                vec![(*hspan, format!("{}: {scheme}", name.as_str()))],
            );
            dx.replace_kb_advice();
        }
        _ => {
            // Plain Digest. SL302 reads a 401 to REGISTER, SL303 an IMS
            // challenge to another request; what is left is RFC 3261 §22.
            let alg = auth
                .algorithm()
                .map_or_else(|| "MD5 (default)".to_owned(), |a| a.as_str().into_owned());
            if code == status::UNAUTHORIZED {
                // The knowledge base's 401 text is the IMS AKA registration.
                dx.replace_kb_advice();
            }
            if cx.method_is(Method::Register) && code == status::UNAUTHORIZED {
                return;
            }
            dx.headline(format!(
                "{code} to {m}: Digest {alg} challenge for realm \"{realm}\" — re-send the {m} with {answer}"
            ));
            dx.cause(
                Confidence::High,
                format!(
                    "The {} asks for Digest credentials ({alg}) before it accepts the {m}",
                    if code == status::PROXY_AUTHENTICATION_REQUIRED {
                        "proxy"
                    } else {
                        "server"
                    }
                ),
                vec![(
                    *hspan,
                    format!("{}: Digest {alg}, realm \"{realm}\"", name.as_str()),
                )],
            );
            dx.step(format!(
                "Re-send the {m} (same Call-ID, CSeq + 1) with {answer}: Digest username, realm, nonce, uri, response (and nc/cnonce with qop) computed with {alg} from the password for realm \"{realm}\" (RFC 3261 §22.2, §22.3; RFC 8760)"
            ));
            dx.inspect(format!("The user name and password configured for realm \"{realm}\", and whether the client supports {alg} (RFC 8760: SHA-256 and SHA-512/256 for SIP)"));
        }
    }
}

/// SL304: `stale=true` — the nonce expired, the credentials were right
/// (RFC 7616 §3.3; RFC 3261 §22.4).
fn stale_nonce(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let Some((name, auth, hspan)) = &cx.challenge else {
        return;
    };
    if auth.stale_flag() != Some(true) {
        return;
    }
    let Some(p) = auth.params.get("stale") else {
        return;
    };
    let code = cx.code.map_or(0, |c| c.0);
    let m = cx.method_str();
    dx.finding(
        Rule::StaleNonce,
        param_span(p),
        format!("{code} to {m} with stale=true in {}: the nonce of the previous request expired; the credentials were accepted", name.as_str()),
    );
    let how = if auth.is_aka() {
        "run AKA again on the new nonce (new RAND/AUTN) and answer it"
    } else {
        "answer the new nonce with the same credentials"
    };
    dx.headline(format!(
        "{code} to {m} with stale=true: nonce expired, credentials fine — {how}, without asking the user"
    ));
    dx.cause(
        Confidence::High,
        "The nonce used by the previous request expired (or was used too often); the password/RES itself was accepted",
        vec![(param_span(p), "stale=true".to_owned()), (*hspan, "the new challenge".to_owned())],
    );
    dx.step(format!("Re-send the {m} with credentials for the new nonce ({how}); this is not an authentication failure"));
}

/// SL305: a 403 to REGISTER: provisioning, barring, roaming, identity
/// mismatch or failed authentication (TS 24.229 §5.1.1.5.1, §5.4.1.2.3;
/// RFC 3261 §21.4.4).
fn register_forbidden(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !(cx.is(status::FORBIDDEN) && cx.method_is(Method::Register)) {
        return;
    }
    let Some(st) = cx.msg.status_line() else {
        return;
    };
    let phrase = st.reason.as_str().into_owned();
    let standard = phrase.is_empty() || st.reason.eq_ignore_case("Forbidden");
    let seq = cx.cseq.and_then(|c| c.seq);
    let mut msg = format!("403 {phrase} to REGISTER");
    if let Some(n) = seq {
        msg.push_str(&format!(" (CSeq {n})"));
    }
    msg.push_str(": registration refused");
    if !standard {
        msg.push_str(&format!("; the reason phrase \"{phrase}\" names the cause"));
    }
    dx.finding(Rule::RegisterForbidden, cx.msg.start_line_span(), msg);
    dx.headline(if standard {
        "403 to REGISTER: registration refused — fix the subscription or credentials; re-sending the same REGISTER will not help".to_owned()
    } else {
        format!("403 to REGISTER (\"{phrase}\"): registration refused — fix the subscription or credentials; re-sending the same REGISTER will not help")
    });

    let cseq_ev = cx
        .evidence(
            HeaderName::CSeq,
            format!(
                "CSeq {}: this REGISTER followed an earlier one (usually the challenged one)",
                seq.unwrap_or(0)
            ),
        )
        .filter(|_| seq.is_some_and(|n| n > 1));
    let mut auth_phrase = false;
    if !standard {
        let p = phrase.to_ascii_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| p.contains(w));
        auth_phrase = has(&["password", "auth", "credential", "digest", "response"]);
        let text = if auth_phrase {
            "Authentication failed: the response to the challenge did not match (for AKA, K/OPc on the ISIM differ from the HSS/AuC or the RES answers an old challenge; for SIP Digest, a wrong password)".to_owned()
        } else if has(&["roam", "visited"]) {
            "Roaming is not allowed for this subscriber in the visited network (HSS answered the UAR with DIAMETER_ERROR_ROAMING_NOT_ALLOWED)".to_owned()
        } else if has(&["bar"]) {
            "The public user identity is barred in the HSS".to_owned()
        } else if has(&["match", "mismatch"]) {
            "The IMPU does not belong to the IMPI of this REGISTER (HSS: DIAMETER_ERROR_IDENTITIES_DONT_MATCH)".to_owned()
        } else if has(&[
            "unknown",
            "not found",
            "provision",
            "subscri",
            "not registered",
        ]) {
            "The identity is not provisioned in the HSS (UAR/MAR answered DIAMETER_ERROR_USER_UNKNOWN)".to_owned()
        } else {
            format!("The registrar states the reason in the reason phrase: \"{phrase}\"")
        };
        let mut ev = vec![(
            st.reason.span(),
            format!("reason phrase \"{phrase}\" instead of \"Forbidden\""),
        )];
        if auth_phrase {
            ev.extend(cseq_ev.clone());
        }
        dx.cause(Confidence::High, text, ev);
    }
    let ims = cx.ims_evidence().is_some();
    if let Some(ev) = cx.evidence(
        HeaderName::PVisitedNetworkId,
        "P-Visited-Network-ID: the subscriber registers from a visited network",
    ) {
        dx.cause(
            Confidence::Medium,
            "Roaming is not allowed for this subscriber in the visited network named by P-Visited-Network-ID (HSS: DIAMETER_ERROR_ROAMING_NOT_ALLOWED)",
            vec![ev],
        );
    }
    if let Some(ev) = cseq_ev.filter(|_| !auth_phrase) {
        dx.cause(
            Confidence::Medium,
            if ims {
                "Authentication failed after the challenge: the S-CSCF answers 403 when the response in Authorization does not match the expected RES/digest (TS 24.229 §5.4.1.2.3)"
            } else {
                "Authentication failed after the challenge: the registrar refuses a response in Authorization that does not match (wrong password or user name for the realm)"
            },
            vec![ev],
        );
    }
    if standard && !ims {
        let ev = vec![cx.status_evidence("403 to REGISTER with the plain reason phrase")];
        dx.cause(
            Confidence::Medium,
            "The registrar does not allow this user to register here: the account is unknown, disabled or not allowed from this address (ACL), or the credentials are valid but not authorised for this domain",
            ev,
        );
        dx.inspect("The registrar's account and ACL for this address-of-record and source address");
        dx.step("Do not retry with the same identity and credentials (RFC 3261 §21.4.4); fix the account or the client configuration, then register again");
        // The knowledge base's 403 text is the IMS one (HSS, Cx).
        dx.replace_kb_advice();
        return;
    }
    if standard {
        let ev = vec![cx.status_evidence("403 to REGISTER with the plain reason phrase")];
        dx.cause(
            Confidence::Medium,
            "The IMPI or IMPU is not provisioned in the HSS, or the IMPU is not in this IMPI's subscription (UAR/MAR: DIAMETER_ERROR_USER_UNKNOWN or DIAMETER_ERROR_IDENTITIES_DONT_MATCH; the I-CSCF/S-CSCF then answers 403)",
            ev.clone(),
        );
        dx.cause(
            Confidence::Medium,
            "The subscription is barred or not authorised for IMS/VoLTE in this network (HSS barring or roaming restriction; DIAMETER_AUTHORIZATION_REJECTED)",
            ev,
        );
    }
    dx.inspect("The Cx answers for this IMPI/IMPU at the I-CSCF and S-CSCF (UAA/MAA/SAA Result-Code or Experimental-Result-Code)");
    dx.inspect("HSS provisioning of the IMPI and its IMPUs: implicit registration set, barring, roaming and authentication scheme");
    dx.step("Do not retry with the same identities and credentials (RFC 3261 §21.4.4); fix the HSS provisioning or the ISIM/credentials, then register again");
    dx.spec("3GPP TS 24.229 §5.1.1.5.1, §5.3.1.2, §5.4.1.2.3; TS 29.228");
}

/// SL313: a 494 requires a security agreement (RFC 3329 §2.3.1; TS 33.203).
fn security_agreement_required(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !cx.is(status::SECURITY_AGREEMENT_REQUIRED) {
        return;
    }
    let m = cx.method_str();
    let mut sink = Vec::new();
    let header = cx.msg.header(HeaderName::SecurityServer);
    let mechs = header
        .map(|h| parse_security_server(h.value, &mut sink))
        .unwrap_or_default();
    let listed: Vec<String> = mechs.iter().map(describe_mechanism).collect();
    let span = header.map_or(cx.msg.start_line_span(), |h| h.value.span());
    let offer = if listed.is_empty() {
        "no Security-Server mechanisms listed".to_owned()
    } else {
        format!("the server offers {}", listed.join("; "))
    };
    dx.finding(
        Rule::SecurityAgreementRequired,
        span,
        format!("494 Security Agreement Required to {m}: {offer}"),
    );
    dx.headline(format!(
        "494 to {m}: security agreement required — re-send with Security-Client and Require/Proxy-Require: sec-agree choosing one of the offered mechanisms"
    ));
    let ev: Vec<_> = header
        .map(|h| (h.value.span(), format!("Security-Server: {offer}")))
        .into_iter()
        .collect();
    dx.cause(
        Confidence::High,
        format!("The {m} did not offer a security agreement the server accepts: no Security-Client and sec-agree, or no mechanism in common"),
        ev.clone(),
    );
    if !cx.method_is(Method::Register) && cx.ims_evidence().is_some() {
        dx.cause(
            Confidence::Medium,
            format!("In IMS only the initial REGISTER negotiates sec-agree; a 494 to a {m} suggests the P-CSCF lost the SA state (restart) and the UE must register again"),
            ev,
        );
    }
    let ipsec = mechs.iter().any(|m| m.is("ipsec-3gpp"));
    dx.step(if ipsec {
        "Re-send the REGISTER with Security-Client: ipsec-3gpp (alg, ealg, spi-c, spi-s, port-c, port-s of the UE), Require: sec-agree and Proxy-Require: sec-agree (RFC 3329 §2.3.1; TS 24.229 §5.1.1.2.1)"
    } else {
        "Re-send the request with Security-Client listing a mechanism from Security-Server, Require: sec-agree and Proxy-Require: sec-agree (RFC 3329 §2.3.1)"
    });
}

// ---- SL314–SL317: availability, alternative service, preconditions ------------------

/// SL314: a 503 with Retry-After: the server is overloaded or in
/// maintenance and says when to come back; a UE must not re-register to the
/// same P-CSCF before it ends (RFC 3261 §21.5.4; TS 24.229 §5.1.1.2), nor
/// reattempt an INVITE automatically (TS 24.229 §5.1.3.1).
fn overload_with_retry_after(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !cx.is(status::SERVICE_UNAVAILABLE) {
        return;
    }
    let Some((ra, _)) = &cx.retry_after else {
        return;
    };
    let m = cx.method_str();
    let secs = ra.seconds;
    let when = secs.map_or_else(
        || format!("\"{}\" (unreadable)", ra.delta.as_str()),
        seconds_text,
    );
    let comment = ra
        .comment
        .map(|c| format!(" {}", c.as_str()))
        .unwrap_or_default();
    let span = value_span(cx, HeaderName::RetryAfter).unwrap_or(ra.delta.span());
    dx.finding(
        Rule::OverloadWithRetryAfter,
        span,
        format!("503 to {m} with Retry-After {when}{comment}: the server is overloaded or in maintenance and asks not to be retried before then"),
    );
    let ims = cx.ims_evidence().is_some();
    let register = cx.method_is(Method::Register) && ims;
    if let Some(s) = secs {
        dx.headline(if register {
            format!("503 with Retry-After {s} s to REGISTER: P-CSCF/S-CSCF overloaded or in maintenance; do not re-register to it before {s} s")
        } else {
            format!("503 with Retry-After {s} s to {m}: the server is overloaded or in maintenance; do not send it this request again before {s} s")
        });
    }
    let mut ev = vec![(span, format!("Retry-After: {when}{comment}"))];
    ev.extend(reason_evidence(cx));
    dx.cause(
        Confidence::High,
        format!("The server is temporarily overloaded or in maintenance and asks to wait {when}"),
        ev,
    );
    if register {
        dx.step(format!("Do not send REGISTER to the same P-CSCF before {when} has passed; the UE may pick another P-CSCF from the list it received at PDN/PDU session setup and register there (TS 24.229 §5.1.1.2)"));
    } else {
        dx.step(format!("Do not retry this {m} to the same server before {when}; a proxy may fail over to an alternate server at once (RFC 3261 §21.5.4; RFC 3263 §4.3)"));
    }
    if register {
        dx.spec("3GPP TS 24.229 §5.1.1.2");
    } else if ims && cx.method_is(Method::Invite) {
        // TS 24.229 §5.1.3.1: on a 503 with Retry-After to an initial INVITE
        // the UE shall not automatically reattempt the request until the
        // time given has passed.
        dx.spec("3GPP TS 24.229 §5.1.3.1");
    }
}

/// SL315: a 503 without Retry-After: treated as a 500 and a reason to fail
/// over (RFC 3261 §21.5.4; RFC 3263 §4.3).
fn unavailable_without_retry_after(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !cx.is(status::SERVICE_UNAVAILABLE) || cx.retry_after.is_some() {
        return;
    }
    let m = cx.method_str();
    dx.finding(
        Rule::UnavailableWithoutRetryAfter,
        cx.msg.start_line_span(),
        format!("503 to {m} without Retry-After: the client must act as on a 500 and fail over to another server"),
    );
    dx.headline(format!(
        "503 to {m} without Retry-After: the server or its next hop is down rather than briefly overloaded — fail over to another server{}",
        reason_suffix(cx)
    ));
    let mut ev = vec![cx.status_evidence("503 without Retry-After")];
    ev.extend(reason_evidence(cx));
    let ims = cx.ims_evidence().is_some();
    let behind = match (ims, cx.method_is(Method::Register)) {
        (true, true) => "the S-CSCF, the HSS over Cx, or the P-CSCF's route to the I-CSCF",
        (true, false) => "the S-CSCF, an application server, the BGCF/MGCF breakout or the policy function (PCRF/PCF)",
        (false, true) => "the registrar or its user database",
        (false, false) => "the next proxy, a gateway or trunk, or a database/application behind the server",
    };
    dx.cause(
        Confidence::Medium,
        format!("The sender or a node behind it is unavailable or unreachable ({behind})"),
        ev,
    );
    dx.step(if cx.method_is(Method::Register) && ims {
        "Register via another P-CSCF (next address from PCO/DHCP/DNS) rather than retrying this one at once (RFC 3263 §4.3; TS 24.229 §5.1.1.2)".to_owned()
    } else {
        format!("Try the next server for the {m} (RFC 3263 §4.3); RFC 3261 §21.5.4 says a 503 without Retry-After is handled like a 500")
    });
}

/// SL316: a 504 or 380 with `application/3gpp-ims+xml` and an
/// `<alternative-service>` element: restoration (re-register) or emergency
/// (TS 24.229 §5.1.2A.1.6, §5.1.6, §7.6).
fn ims_alternative_service(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !(cx.is(status::SERVER_TIME_OUT) || cx.is(status::ALTERNATIVE_SERVICE)) {
        return;
    }
    let Some(xml) = ims_xml(cx) else { return };
    let Some(alt) = memmem::find(xml.bytes(), b"alternative-service") else {
        return;
    };
    let ty = xml_element(xml, "type", alt);
    let action = xml_element(xml, "action", alt);
    let reason = xml_element(xml, "reason", alt);
    let code = cx.code.map_or(0, |c| c.0);
    let m = cx.method_str();
    let ty_s = ty.map_or_else(
        || "(no <type>)".to_owned(),
        |(t, _)| t.as_str().into_owned(),
    );
    let action_s = action.map(|(a, _)| a.as_str().into_owned());
    let span = ty.map_or(
        xml.sub(alt, alt + "alternative-service".len()).span(),
        |(t, _)| t.span(),
    );
    let action_txt = action_s
        .as_deref()
        .map(|a| format!(", action {a}"))
        .unwrap_or_default();
    let kind = ty.map(|(t, _)| t.as_str().to_ascii_lowercase());
    let what = match kind.as_deref() {
        Some("restoration") => "the UE must perform an initial registration (IMS restoration)",
        Some("emergency") => "the UE must place this call as an emergency call",
        _ => "the UE should act on the alternative service the network names",
    };
    dx.finding(
        Rule::ImsAlternativeService,
        span,
        format!(
            "{code} to {m} carries a 3GPP IMS alternative-service: type {ty_s}{action_txt}; {what}"
        ),
    );
    let mut ev = vec![(span, format!("<type>{ty_s}</type>"))];
    if let Some((a, _)) = action {
        ev.push((a.span(), format!("<action>{}</action>", a.as_str())));
    }
    if let Some((r, _)) = reason {
        ev.push((r.span(), format!("<reason>: \"{}\"", r.as_str())));
    }
    let pai = cx.evidence(
        HeaderName::PAssertedIdentity,
        "P-Asserted-Identity: the CSCF that sent the alternative service",
    );
    match kind.as_deref() {
        Some("restoration") => {
            dx.headline(format!(
                "{code} to {m} with IMS restoration (alternative-service type restoration{action_txt}): the UE must perform an initial registration, then retry"
            ));
            dx.cause(
                Confidence::High,
                "The serving CSCF has lost or does not trust the registration (S-CSCF restart or failure, IMS restoration per TS 23.380) and asks the UE to register again",
                ev,
            );
            dx.step(format!("The UE performs an initial registration (new REGISTER with Security-Client, new AKA), then re-sends the {m} (TS 24.229 §5.1.2A.1.6)"));
            match pai {
                Some(p) => dx.inspect(format!(
                    "P-Asserted-Identity must equal a Service-Route or Path URI learnt at registration for the UE to act on it (TS 24.229 §5.1.2A.1.6): {}",
                    String::from_utf8_lossy(p.0.slice(cx.msg.input()))
                )),
                None => dx.inspect("This response has no P-Asserted-Identity: a UE acts on the restoration body only when P-Asserted-Identity equals a Service-Route or Path URI from its registration (TS 24.229 §5.1.2A.1.6)"),
            }
            dx.spec("3GPP TS 24.229 §5.1.2A.1.6, §5.4.3.2, §7.6; TS 23.380");
        }
        Some("emergency") => {
            dx.headline(format!(
                "{code} to {m} with alternative-service type emergency{action_txt}: the network recognised an emergency number — the UE must set up an emergency call"
            ));
            dx.cause(
                Confidence::High,
                "The P-CSCF recognised the dialled number as an emergency number the UE did not detect, and refuses to handle it as a normal call",
                ev,
            );
            dx.step(if action_s.as_deref().is_some_and(|a| a.eq_ignore_ascii_case("emergency-registration")) {
                "The UE performs an emergency registration and then sends an emergency INVITE (Request-URI urn:service:sos…) (TS 24.229 §5.1.6)"
            } else {
                "The UE re-attempts the call as an emergency call (emergency INVITE with urn:service:sos…, emergency registration if required) (TS 24.229 §5.1.6)"
            });
            dx.spec("3GPP TS 24.229 §5.1.2A.1, §5.1.6, §7.6");
        }
        _ => {
            dx.cause(
                Confidence::Medium,
                format!("The network returned an alternative service of type {ty_s}; see TS 24.229 §7.6 for the values"),
                ev,
            );
            dx.spec("3GPP TS 24.229 §7.6");
        }
    }
}

/// SL317: a 580 — the QoS preconditions could not be met; lists the
/// mandatory `a=des` lines the `a=curr` lines do not cover (RFC 3312 §5, §8;
/// TS 24.229 §6.1.2).
fn precondition_failure(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !cx.is(status::PRECONDITION_FAILURE) {
        return;
    }
    let m = cx.method_str();
    let mut sink = Vec::new();
    let sdp = find_sdp(cx.msg, &mut sink);
    let mut unmet_all = Vec::new();
    if let Some(sdp) = &sdp {
        for media in &sdp.media {
            for d in media.unmet_preconditions() {
                let curr: Vec<&CurrentStatus<'_>> = media
                    .current
                    .iter()
                    .filter(|c| {
                        c.status_type == d.status_type
                            && c.precondition_type
                                .bytes()
                                .eq_ignore_ascii_case(d.precondition_type.bytes())
                    })
                    .collect();
                let curr_txt = match curr.last() {
                    Some(c) => curr_str(c),
                    None => "no matching a=curr".to_owned(),
                };
                let side = match d.status_type {
                    StatusType::Local => "in the SDP sender's own access network (local)",
                    StatusType::Remote => "in the peer's access network (remote)",
                    StatusType::E2e => "end to end (e2e)",
                };
                dx.finding(
                    Rule::PreconditionFailure,
                    d.span,
                    format!(
                        "580 to {m}: m={} precondition {} is not met ({curr_txt})",
                        media.media.as_str(),
                        des_str(d)
                    ),
                );
                let mut ev = vec![(d.span, format!("{}: wanted", des_str(d)))];
                for c in &curr {
                    ev.push((c.span, format!("{}: reached", curr_str(c))));
                }
                dx.cause(
                    Confidence::High,
                    format!(
                        "QoS for m={} was not reserved {side}: {} but {curr_txt}",
                        media.media.as_str(),
                        des_str(d)
                    ),
                    ev,
                );
                unmet_all.push(format!(
                    "m={} {} vs {curr_txt}",
                    media.media.as_str(),
                    des_str(d)
                ));
            }
        }
    }
    if unmet_all.is_empty() {
        dx.finding(
            Rule::PreconditionFailure,
            cx.msg.start_line_span(),
            format!(
                "580 Precondition Failure to {m}: the session preconditions could not be met{}",
                if sdp.is_some() {
                    " (the SDP shows no unmet mandatory a=des)"
                } else {
                    " (no SDP to show which)"
                }
            ),
        );
        dx.headline(if cx.ims_evidence().is_some() {
            format!("580 to {m}: QoS preconditions not met — the VoLTE/VoNR dedicated bearer (QCI/5QI 1) was not set up")
        } else {
            format!("580 to {m}: the session preconditions (RFC 3312) could not be met — resources were not reserved")
        });
    } else {
        dx.headline(format!(
            "580 to {m}: QoS preconditions not met ({}) — the dedicated bearer (QCI/5QI 1) was not set up",
            unmet_all.join("; ")
        ));
    }
    dx.cause(
        Confidence::Medium,
        "The PCRF/PCF refused or did not complete the media authorisation (Rx/N5), or the dedicated bearer / QoS flow for voice failed on the radio side",
        vec![cx.status_evidence("580 Precondition Failure")],
    );
    dx.inspect("Rx AAR/AAA (or N5) of the P-CSCF for this Call-ID and the dedicated bearer activation (QCI 1 / 5QI 1) on the UE side");
    dx.step("Check why the bearer was not established (PCRF/PCF rejection, radio admission, timer at the UE); retrying immediately usually fails the same way");
    dx.spec("RFC 3312 §5, §8; 3GPP TS 24.229 §6.1.2");
}

/// SL311: a 488/606 rejects the session description: Warning codes, the
/// streams rejected with port 0 and the codecs listed (RFC 3261 §21.4.26,
/// §21.6.4; TS 24.229 §5.2.7.2 PCRF/PCF refusal, §6.2 P-CSCF SDP policy).
fn media_rejected(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !(cx.is(status::NOT_ACCEPTABLE_HERE) || cx.is(status::GLOBAL_NOT_ACCEPTABLE)) {
        return;
    }
    let m = cx.method_str();
    let status = status_text(cx);
    let mut sink = Vec::new();
    let sdp = find_sdp(cx.msg, &mut sink);
    let mut parts = Vec::new();
    let codes: Vec<String> = cx
        .warnings
        .iter()
        .map(|w| w.code_text.as_str().into_owned())
        .collect();
    if !codes.is_empty() {
        parts.push(format!("Warning {}", codes.join(", ")));
    }
    if let Some(sdp) = &sdp {
        for media in &sdp.media {
            if media.is_rejected() {
                parts.push(format!("m={} rejected (port 0)", media.media.as_str()));
                dx.cause(
                    Confidence::High,
                    format!(
                        "The m={} stream is refused: its port is 0 in the SDP of this response",
                        media.media.as_str()
                    ),
                    vec![(
                        media.line.span,
                        format!("m={} with port 0", media.media.as_str()),
                    )],
                );
            } else {
                parts.push(format!(
                    "SDP lists m={} {}",
                    media.media.as_str(),
                    codec_list(media)
                ));
            }
        }
    }
    let detail = if parts.is_empty() {
        "no Warning and no SDP say what failed".to_owned()
    } else {
        parts.join("; ")
    };
    dx.finding(
        Rule::MediaRejected,
        cx.msg.start_line_span(),
        format!("{status} to {m}: the session description was rejected — {detail}"),
    );
    let first_warning = cx.warnings.first().map(|w| {
        format!(
            "Warning {} \"{}\" from {}",
            w.code_text.as_str(),
            w.text_unquoted().as_str(),
            w.agent.as_str()
        )
    });
    dx.headline(format!(
        "{status} to {m}: the SDP offer was rejected — {}",
        first_warning.unwrap_or_else(|| {
            "no Warning says why; compare the offer with the answerer's capabilities".to_owned()
        })
    ));
    if cx.warnings.is_empty() {
        let ev = vec![cx.status_evidence(format!("{status} without Warning"))];
        dx.cause(
            Confidence::Medium,
            "No codec in common between offer and answerer: typical at VoLTE ↔ CS or SIP-trunk interworking (AMR-WB/EVS vs G.711) when no transcoder (MRF/IMS-AGW/MGW) is inserted",
            ev.clone(),
        );
        if cx.ims_evidence().is_some() {
            dx.cause(
                Confidence::Medium,
                "The P-CSCF refused the media by local policy (TS 24.229 §6.2) or because the PCRF/PCF did not authorise the resources on Rx/N5 (codec, media type or bandwidth not allowed) (TS 24.229 §5.2.7.2)",
                ev,
            );
        } else {
            dx.cause(
                Confidence::Medium,
                "A proxy, SBC or PBX refused the media by policy (codec, media type, SRTP/RTP profile or bandwidth not allowed)",
                ev,
            );
        }
    }
    if sdp.as_ref().is_some_and(|s| !s.media.is_empty()) {
        dx.inspect("The SDP in this response: a P-CSCF rejecting by policy lists the media and codecs it allows (TS 24.229 §6.2); an answerer lists what it supports (RFC 3261 §21.4.26)");
    }
    dx.inspect(format!("The SDP offer of the {m}: m= lines, payload types and rtpmap, transport profile (RTP/AVP vs RTP/SAVP, AVPF) and b=AS"));
    dx.step(format!("Re-offer with a common codec and profile (for VoLTE AMR-WB, AMR and telephone-event over RTP/AVP), or insert a transcoder; a {} is final for this offer", if cx.is(status::GLOBAL_NOT_ACCEPTABLE) { "606 says no location will accept it" } else { "488 from this UAS" }));
}

// ---- SL306–SL310: call outcomes ------------------------------------------------------

/// SL308: a 480, 486, 600 or 603 — the callee is unavailable, busy or
/// declined; Reason and Retry-After say more (RFC 3261 §21.4.18, §21.4.24,
/// §21.6.1, §21.6.2).
fn callee_rejected(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let Some(code) = cx.code.map(|c| c.0).filter(|&c| {
        matches!(
            c,
            status::TEMPORARILY_UNAVAILABLE
                | status::BUSY_HERE
                | status::BUSY_EVERYWHERE
                | status::DECLINE
        )
    }) else {
        return;
    };
    let Some(prose) = kb::code_prose(code) else {
        return;
    };
    let m = cx.method_str();
    let status = status_text(cx);
    let reason = reason_suffix(cx);
    let retry = cx
        .retry_after
        .as_ref()
        .and_then(|(r, _)| r.seconds)
        .map(|s| format!("; Retry-After {s} s"))
        .unwrap_or_default();
    if !cx.method_is(Method::Invite) {
        let meaning = prose.target.unwrap_or_default();
        dx.finding(
            Rule::CalleeRejected,
            cx.msg.start_line_span(),
            format!("{status} to {m}: {meaning}{reason}{retry}"),
        );
        let mut ev = vec![cx.status_evidence(status.clone())];
        ev.extend(reason_evidence(cx));
        dx.cause(
            Confidence::Medium,
            format!("The {m} reached no client able to take it: {meaning}"),
            ev,
        );
        return;
    }
    let meaning = prose.callee.unwrap_or_default();
    let headline_tail = prose.next.unwrap_or_default();
    dx.finding(
        Rule::CalleeRejected,
        cx.msg.start_line_span(),
        format!("{status} to {m}: {meaning}{reason}{retry}"),
    );
    dx.headline(format!(
        "{status} to {m}: {meaning}{reason}{retry} — {headline_tail}"
    ));
    let mut ev = vec![cx.status_evidence(status.clone())];
    ev.extend(reason_evidence(cx));
    if let Some((_, span)) = &cx.retry_after {
        ev.push((
            *span,
            "Retry-After: when the callee expects to be reachable again".to_owned(),
        ));
    }
    let ims = cx.ims_evidence();
    let ue = ue_contact(cx);
    // What the response itself says (a non-standard phrase, a Warning)
    // comes first; Reason and Retry-After already have their own causes.
    let said: Vec<(Span, String)> = own_words(cx)
        .into_iter()
        .filter(|(_, w)| w.starts_with("reason phrase") || w.starts_with("Warning"))
        .collect();
    if let Some((span, w)) = said.first() {
        // Evidence on the status cause; the Warning and phrase rules give
        // their own causes.
        ev.push((*span, w.clone()));
    }
    if let (status::DECLINE, Some(ue)) = (code, ue) {
        let mut ev = ev;
        ev.push(ue);
        dx.cause(
            Confidence::High,
            "The callee's own device declined (the responder's Contact is a UE's); a Q.850 cause in Reason was set by that UE, not mapped by an MGCF",
            ev,
        );
    } else {
        // The causes the code suggests (from the knowledge base), the IMS
        // ones when this message is from IMS.
        let conf = if prose.high {
            Confidence::High
        } else {
            Confidence::Medium
        };
        let (causes, ev) = match ims {
            Some(i) if !prose.ims_causes.is_empty() => {
                let mut ev = ev;
                ev.push(i);
                (prose.ims_causes, ev)
            }
            _ => (prose.causes, ev),
        };
        for cause in causes {
            dx.cause(conf, *cause, ev.clone());
        }
    }
    if cx
        .reasons
        .iter()
        .any(|(r, _)| r.protocol_kind() == ReasonProtocol::Q850)
    {
        dx.inspect(if ue_contact(cx).is_some() {
            "The Q.850 cause in Reason: set by the callee's UE here (its Contact answers), not by a CS interworking node"
        } else {
            "The Q.850 cause in Reason: set by the node that released the call (often an MGCF for a CS callee, or the callee's UE)"
        });
    }
}

/// The responder's Contact, when it is a user device: `+sip.instance` or
/// the MMTel ICSI (`+g.3gpp.icsi-ref` with `…ims.icsi.mmtel`, TS 24.173;
/// TS 24.229 §7.9.2) in the Contact of a response.
fn ue_contact(cx: &Ctx<'_, '_>) -> Option<(Span, String)> {
    if cx.msg.is_request() || cx.method_is(Method::Register) {
        return None;
    }
    cx.contacts().iter().find_map(|c| {
        let crate::parse::addr::Contact::Address(na) = c else {
            return None;
        };
        if let Some(i) = na.sip_instance() {
            return Some((
                i.span(),
                "Contact +sip.instance: the responder is a user device".to_owned(),
            ));
        }
        na.feature_tags()
            .find(|p| {
                p.name.eq_ignore_case("+g.3gpp.icsi-ref")
                    && p.value
                        .is_some_and(|v| super::contains_ci(v.bytes(), b"icsi.mmtel"))
            })
            .map(|p| {
                (
                    param_span(p),
                    "Contact +g.3gpp.icsi-ref MMTel: the responder is a VoLTE/VoNR UE".to_owned(),
                )
            })
    })
}

/// SL309: a 487 to INVITE: the INVITE was cancelled (RFC 3261 §9.2,
/// §21.4.25).
fn request_terminated(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !(cx.is(status::REQUEST_TERMINATED) && cx.method_is(Method::Invite)) {
        return;
    }
    let seq = cx.cseq.and_then(|c| c.seq);
    let seq_txt = seq.map(|n| format!(" (CSeq {n})")).unwrap_or_default();
    dx.finding(
        Rule::RequestTerminated,
        cx.msg.start_line_span(),
        format!("487 Request Terminated to INVITE{seq_txt}: the INVITE was cancelled before a final response{}", reason_suffix(cx)),
    );
    let elsewhere = cx
        .reasons
        .iter()
        .find(|(r, _)| r.protocol_kind() == ReasonProtocol::Sip && r.cause() == Some(status::OK));
    match elsewhere {
        Some((r, _)) => {
            dx.headline("487 to INVITE with Reason SIP;cause=200: another forked branch answered — this branch was cancelled, not a missed call");
            dx.cause(
                Confidence::High,
                "Another device of the callee answered; the forking proxy cancelled this branch",
                vec![(
                    reason_span(r),
                    "Reason SIP;cause=200: call completed elsewhere".to_owned(),
                )],
            );
        }
        None => {
            dx.headline("487 to INVITE: the call was cancelled before it was answered (CANCEL) — expected when the caller hangs up while ringing");
            let mut ev: Vec<_> = cx.cseq_evidence().into_iter().collect();
            ev.extend(reason_evidence(cx));
            dx.cause(
                Confidence::High,
                "The caller hung up before answer, or a proxy/AS cancelled this INVITE (a CANCEL was sent for it)",
                ev,
            );
        }
    }
    dx.step(format!(
        "Find the CANCEL with the same Call-ID and CSeq number{} and its 200 OK; without a CANCEL, look for the B2BUA or AS that terminated the INVITE",
        seq.map(|n| format!(" {n}")).unwrap_or_default()
    ));
}

/// SL310 / SL322: a 487 to a request other than INVITE. Normal for a
/// request pending in a dialog that a BYE ended: the UAS must still answer
/// it and should answer 487 (RFC 3261 §15.1.2). Never to a CANCEL itself
/// (§21.4.25): that is SL322.
fn terminated_non_invite(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !cx.is(status::REQUEST_TERMINATED) {
        return;
    }
    let Some(method) = cx.known_method.filter(|m| *m != Method::Invite) else {
        return;
    };
    let m = method.as_str();
    if method == Method::Cancel {
        dx.finding(
            Rule::TerminatedCancel,
            cseq_method_span(cx),
            "487 answers a CANCEL: 487 belongs to the cancelled INVITE, never to the CANCEL itself (RFC 3261 §21.4.25); the CANCEL gets 200, or 481 when no INVITE transaction matches (§9.2)",
        );
        dx.headline("487 to CANCEL: a sender bug — the CANCEL should get 200 (or 481) and the INVITE the 487");
        dx.cause(
            Confidence::High,
            "The UAS or a B2BUA answered the CANCEL with the response meant for the INVITE it cancels",
            cx.cseq_evidence().into_iter().collect(),
        );
        dx.step("Fix the sender: answer the CANCEL with 200 and the cancelled INVITE with 487 (RFC 3261 §9.2); look for that INVITE's own final response");
        dx.replace_kb_advice();
        dx.spec("RFC 3261 §9.2, §21.4.25");
        return;
    }
    let in_dialog = cx
        .to()
        .is_some_and(|t| t.tag().is_some_and(|t| !t.is_empty()));
    dx.finding(
        Rule::TerminatedNonInvite,
        cseq_method_span(cx),
        format!("487 answers {m}: the {m} was still pending when its dialog ended (BYE) or it was cancelled; a UAS answers pending requests of a dialog it ends with 487 (RFC 3261 §15.1.2)"),
    );
    if in_dialog {
        dx.headline(format!(
            "487 to {m}: the {m} was pending when the dialog ended (BYE crossed it) — normal at hang-up, nothing to fix"
        ));
        dx.cause(
            Confidence::High,
            format!("A BYE ended the dialog while this {m} was pending; the UAS answers the pending requests of the dialog with 487 (RFC 3261 §15.1.2), as in every VoLTE hang-up during an UPDATE/PRACK exchange"),
            cx.cseq_evidence().into_iter().collect(),
        );
        dx.step(format!("Nothing to fix in the {m}: look for the BYE of the same Call-ID and why the call ended (its Reason header)"));
    } else {
        dx.headline(format!(
            "487 to {m}: the {m} was terminated by the UAS (or a B2BUA whose other leg ended) — a CANCEL has no effect on a {m} (RFC 3261 §9.2)"
        ));
        dx.cause(
            Confidence::Medium,
            format!("The {m} is outside a dialog (no To tag), so no BYE ended it: the UAS or a B2BUA terminated it on its own, e.g. when the other leg went away; a CANCEL for a non-INVITE request should not be sent (RFC 3261 §9.1)"),
            cx.cseq_evidence().into_iter().collect(),
        );
    }
    dx.replace_kb_advice();
    dx.spec("RFC 3261 §15.1.2, §21.4.25");
}

/// SL324: a 481 to CANCEL — the server found no INVITE server transaction
/// for it: the INVITE was already answered (its final response crossed the
/// CANCEL) or the CANCEL took another path than the INVITE (RFC 3261 §9.1,
/// §9.2). Not a terminated dialog.
fn cancel_without_transaction(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !(cx.is(status::CALL_TRANSACTION_DOES_NOT_EXIST) && cx.method_is(Method::Cancel)) {
        return;
    }
    dx.finding(
        Rule::CancelWithoutTransaction,
        cseq_method_span(cx),
        "481 to CANCEL: no INVITE server transaction matches this CANCEL (RFC 3261 §9.2) — the INVITE was already answered, or the CANCEL reached another hop than the INVITE",
    );
    dx.headline("481 to CANCEL: the INVITE it cancels was not found — already answered, or the CANCEL went to another hop; the dialog itself is not in question");
    let ev: Vec<_> = cx.cseq_evidence().into_iter().collect();
    dx.cause(
        Confidence::Medium,
        "The INVITE already got its final response (a 200 or failure crossed the CANCEL), so its server transaction no longer accepts a CANCEL; if it was a 200, the caller must ACK and BYE",
        ev.clone(),
    );
    dx.cause(
        Confidence::Medium,
        "The CANCEL did not reach the node that holds the INVITE transaction: its Request-URI, top Via branch, Call-ID, From/To tags or CSeq number differ from the INVITE's, or it was routed another way (RFC 3261 §9.1)",
        ev,
    );
    dx.inspect("The INVITE this CANCEL is for (same Call-ID and CSeq number): its final response and its timing, and its Request-URI and top Via branch compared with the CANCEL's");
    dx.step("If the INVITE got a 2xx, ACK it and send BYE; otherwise make the CANCEL copy the INVITE's Request-URI, Call-ID, To, From, CSeq number and top Via (RFC 3261 §9.1)");
    dx.replace_kb_advice();
    dx.spec("RFC 3261 §9.1, §9.2");
}

/// SL306: a 404 (unknown here) or 604 (does not exist anywhere) for the
/// target (RFC 3261 §21.4.5, §21.6.3).
fn user_not_found(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !(cx.is(status::NOT_FOUND) || cx.is(status::DOES_NOT_EXIST_ANYWHERE)) {
        return;
    }
    let m = cx.method_str();
    let to = cx.to();
    let target = to.as_ref().map_or_else(
        || "the target".to_owned(),
        |t| t.uri_text.as_str().into_owned(),
    );
    let span = to
        .as_ref()
        .map_or(cx.msg.start_line_span(), |t| t.uri_text.span());
    let global = cx.is(status::DOES_NOT_EXIST_ANYWHERE);
    dx.finding(
        Rule::UserNotFound,
        span,
        if global {
            format!("604 Does Not Exist Anywhere for {target}: authoritative — no other route will help")
        } else {
            format!("404 Not Found for {target}: unknown at this server; another route (number translation, ENUM, another domain) may still work")
        },
    );
    dx.headline(if global {
        format!("604 to {m}: {target} does not exist anywhere — do not retry via other routes")
    } else {
        format!("404 to {m}: {target} is unknown here — check the number/URI and its routing")
    });
    let mut ev = vec![(span, format!("the target: {target}"))];
    ev.extend(reason_evidence(cx));
    let lower = target.to_ascii_lowercase();
    let number =
        lower.starts_with("tel:") || lower.contains("user=phone") || lower.starts_with("sip:+");
    if cx.method_is(Method::Register) {
        dx.cause(
            Confidence::Medium,
            format!("The registrar does not know the address-of-record {target}"),
            ev,
        );
    } else if global {
        dx.cause(
            Confidence::Medium,
            format!("{target} is not allocated anywhere (e.g. an unallocated number, Q.850 cause 1 from the CS side)"),
            ev,
        );
    } else {
        if number {
            dx.cause(
                Confidence::Medium,
                format!("The number {target} could not be routed: no ENUM/number-portability result and no BGCF breakout route, or the number is not allocated"),
                ev.clone(),
            );
        }
        if cx.ims_evidence().is_some() {
            dx.cause(
                Confidence::Medium,
                "The callee's public user identity is not provisioned in the HSS (the I-CSCF's LIR got DIAMETER_ERROR_USER_UNKNOWN)",
                ev,
            );
        } else {
            dx.cause(
                Confidence::Medium,
                "The user part of the Request-URI is not a user or extension this server knows (wrong number or name, or a dial-plan that does not route it)",
                ev,
            );
        }
        dx.inspect("The Request-URI as the I-CSCF/BGCF saw it (number normalisation, phone-context, ENUM/NP query result)");
    }
}

/// SL307: a 408 or 504 — a timer expired: the callee or a next hop did not
/// answer in time (RFC 3261 §8.1.3.1, §16.8 Timer C, §17.1, §21.4.9,
/// §21.5.5).
fn timeout(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !(cx.is(status::REQUEST_TIMEOUT) || cx.is(status::SERVER_TIME_OUT)) {
        return;
    }
    let m = cx.method_str();
    let invite = cx.method_is(Method::Invite);
    let status = status_text(cx);
    let alt = cx.is(status::SERVER_TIME_OUT) && ims_xml(cx).is_some();
    let msg = if cx.is(status::REQUEST_TIMEOUT) {
        format!(
            "{status} to {m}: no final response in time ({})",
            if invite {
                "Timer B towards the next hop, or Timer C / no-answer supervision for the callee"
            } else {
                "Timer F towards the next hop"
            }
        )
    } else {
        format!("{status} to {m}: a server did not get a timely answer from the next hop or an external server (Timer B/F, DNS, HSS){}", if alt { "; the 3GPP XML body says what the UE must do (SL316)" } else { "" })
    };
    dx.finding(Rule::Timeout, cx.msg.start_line_span(), msg);
    if alt {
        // SL316 explains this 504 from its body.
        return;
    }
    let ev = vec![cx.status_evidence(status.clone())];
    if cx.is(status::REQUEST_TIMEOUT) {
        dx.headline(format!("{status} to {m}: the request timed out — the next hop or the callee did not answer in time"));
        dx.cause(
            Confidence::Medium,
            format!("The next hop did not answer the {m}: the sender's client transaction timed out ({}, 64×T1 = 32 s) and a timeout is treated as a 408 (RFC 3261 §8.1.3.1, §17.1)", if invite { "Timer B" } else { "Timer F" }),
            ev.clone(),
        );
        if invite {
            dx.cause(
                Confidence::Medium,
                "The callee was alerted but no final response came before the proxy's Timer C or a no-answer timer",
                ev,
            );
        } else if cx.method_is(Method::Register) && cx.ims_evidence().is_some() {
            dx.cause(
                Confidence::Medium,
                "The registrar/S-CSCF did not answer in time (slow or lost Cx towards the HSS, or a response lost on the IPsec SA)",
                ev,
            );
        }
    } else {
        dx.headline(format!("{status} to {m}: a server on the path did not get a timely answer (next hop, DNS or HSS)"));
        dx.cause(
            Confidence::Medium,
            "The next hop did not answer: Timer B (INVITE) or F (non-INVITE) expired on the sender's client transaction — node down, transport or IPsec/TLS path broken",
            ev.clone(),
        );
        dx.cause(
            Confidence::Medium,
            "An external server the sender needed did not answer in time: DNS (NAPTR/SRV/A), ENUM, or in IMS the HSS over Cx (UAR/LIR at the I-CSCF, MAR/SAR at the S-CSCF)",
            ev,
        );
        dx.inspect("DNS resolution of the next-hop domain and the Diameter Cx answer times at the I-CSCF/S-CSCF");
    }
    dx.inspect("Which node gave up: the element that generates a response adds no Via (the response carries the request's Vias, RFC 3261 §8.2.6.2), so the Via list cannot name it — read Server, a Warning agent, Response-Source (TS 24.229 §7.2.17) or the packet's source address; the hop it waited for is the next one on the request's route");
}

/// What this response says about itself beyond its code: the reason
/// phrase when it is not the standard one, each Warning, Reason and
/// Retry-After, Server and Response-Source — as evidence for the 3xx/403/480
/// diagnoses (the way 401/488/580 read their own headers).
fn own_words(cx: &Ctx<'_, '_>) -> Vec<(Span, String)> {
    let mut ev = Vec::new();
    if let (Some(st), Some(l)) = (cx.msg.status_line(), cx.lookup) {
        let phrase = st.reason.as_str();
        if l.known && !phrase.is_empty() && !st.reason.eq_ignore_case(l.info.reason) {
            ev.push((
                st.reason.span(),
                format!(
                    "reason phrase \"{phrase}\" instead of \"{}\"",
                    l.info.reason
                ),
            ));
        }
    }
    for w in &cx.warnings {
        ev.push((
            super::causes::warning_span(w),
            format!(
                "Warning {} from {}: \"{}\"",
                w.code_text.as_str(),
                w.agent.as_str(),
                w.text_unquoted().as_str()
            ),
        ));
    }
    ev.extend(reason_evidence(cx));
    if let Some((ra, span)) = &cx.retry_after {
        ev.push((*span, format!("Retry-After: {}", ra.delta.as_str())));
    }
    for (name, what) in [
        (
            HeaderName::Server,
            "Server: the software that generated the response",
        ),
        (
            HeaderName::ResponseSource,
            "Response-Source: the functional entity that generated it (TS 24.229 §7.2.17)",
        ),
    ] {
        if let Some(e) = cx.evidence(name, what) {
            ev.push(e);
        }
    }
    ev
}

/// 3xx redirections (300–305): where the callee is now, for how long and
/// in which order to try it, from the Contacts of the response (RFC 3261
/// §8.1.3.4, §21.3). A 380 with a 3GPP body is SL316's.
fn redirect_contacts(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let Some(code) = cx
        .code
        .map(|c| c.0)
        .filter(|c| (status::MULTIPLE_CHOICES..=status::USE_PROXY).contains(c))
    else {
        return;
    };
    let m = cx.method_str();
    let status = status_text(cx);
    let mut targets = Vec::new();
    let mut ev = Vec::new();
    for c in cx.contacts() {
        let crate::parse::addr::Contact::Address(na) = c else {
            continue;
        };
        let mut what = na.uri_text.as_str().into_owned();
        let mut extra = Vec::new();
        if let Some(q) = na.q() {
            extra.push(format!("q={}", q.as_str()));
        }
        let expires = na.expires().and_then(|e| e.parse_u64()).or_else(|| {
            cx.msg
                .header(HeaderName::Expires)
                .and_then(|h| h.value.parse_u64())
        });
        if let Some(e) = expires {
            extra.push(format!(
                "valid {}",
                seconds_text(u32::try_from(e).unwrap_or(u32::MAX))
            ));
        }
        if !extra.is_empty() {
            what.push_str(&format!(" ({})", extra.join(", ")));
        }
        ev.push((na.text.span(), format!("Contact: {what}")));
        targets.push(what);
    }
    if targets.is_empty() {
        // SL128 reports the missing Contact.
        return;
    }
    let temp = matches!(code, status::MOVED_TEMPORARILY | status::MULTIPLE_CHOICES);
    dx.headline(format!(
        "{status} to {m}: redirected to {} — re-send the {m} there{}",
        targets.join(", "),
        if code == status::MOVED_PERMANENTLY {
            "; update the stored address (moved permanently)"
        } else if code == status::USE_PROXY {
            " through the proxy named in Contact"
        } else {
            ""
        }
    ));
    let mut all = ev.clone();
    all.extend(own_words(cx));
    dx.cause(
        Confidence::High,
        format!(
            "The {} {} and names {} in Contact",
            if temp {
                "callee (or a redirect server/call-forwarding service for it)"
            } else {
                "server"
            },
            kb::code_prose(code)
                .and_then(|p| p.redirect)
                .unwrap_or("redirects the request"),
            if targets.len() == 1 {
                "the new target"
            } else {
                "the targets"
            }
        ),
        all,
    );
    dx.step(format!(
        "Re-send the {m} to the Contact URI{} (highest q first, within its validity), as a new transaction with the same Call-ID and a new CSeq (RFC 3261 §8.1.3.4)",
        if targets.len() == 1 { "" } else { "s" }
    ));
    if let Some(e) = cx.ims_evidence() {
        dx.inspect(format!(
            "In IMS a 302 to INVITE usually comes from the terminating TAS (call forwarding, TS 24.604) or an ENUM/number portability query: History-Info / Diversion of the next INVITE show why ({})",
            e.1
        ));
    }
}

/// 403 to a request other than REGISTER (SL305 reads REGISTER): the
/// server understood and refuses; what it says about why — reason phrase,
/// Warning, Reason, Server — is the best cause there is (RFC 3261
/// §21.4.4).
fn forbidden_request(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !cx.is(status::FORBIDDEN) || cx.method_is(Method::Register) || cx.method.is_none() {
        return;
    }
    let m = cx.method_str();
    let words = own_words(cx);
    let said: Vec<&String> = words
        .iter()
        .filter(|(_, w)| !w.starts_with("Server:") && !w.starts_with("Response-Source:"))
        .map(|(_, w)| w)
        .collect();
    // The reason phrase, Warning and Reason each get their own cause from
    // their rules (SL108/SL205/SL201); here they make the headline.
    if let Some(first) = said.first() {
        dx.headline(format!(
            "403 to {m}: refused by policy — {first}; re-sending the same request will not help"
        ));
    } else {
        dx.headline(format!(
            "403 to {m}: refused (no Warning, Reason or reason phrase says why) — re-sending the same request will not help"
        ));
    }
    let ev = vec![cx.status_evidence("403 Forbidden")];
    match cx.ims_evidence() {
        Some(ims) if cx.method_is(Method::Invite) || cx.method_is(Method::Message) => {
            let mut ev = ev.clone();
            ev.push(ims);
            dx.cause(
                Confidence::Medium,
                format!("In IMS: the originating S-CSCF/TAS refuses the {m} for this subscriber (outgoing call barring, service not subscribed in the user profile, or a P-Asserted-Identity the network does not trust)"),
                ev,
            );
        }
        _ => dx.cause(
            Confidence::Medium,
            format!("The server does not allow this user or source to send a {m} here: an ACL/IP allow list, a dial-plan or call-barring rule, or credentials that are valid but not authorised (RFC 3261 §21.4.4)"),
            ev,
        ),
    }
    dx.inspect("Which node refused it: the element that generates a response adds no Via (the response carries the request's Vias), so read Server, a Warning agent, Response-Source or the packet's source address");
    dx.step(format!("Do not re-send the same {m} (RFC 3261 §21.4.4); fix the permission the refusing node names (barring, subscription, ACL) or use another identity or route"));
    // The knowledge base's 403 text is about registration (HSS, Cx).
    dx.replace_kb_advice();
}

// ---- SL318–SL321: retry with changes ----------------------------------------------

/// SL318: a 423 (Min-Expires) or 422 (Min-SE): retry with an interval at
/// least the server's minimum (RFC 3261 §10.2.8; RFC 4028 §6).
fn interval_too_small(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let (header, what, retry) = if cx.is(status::INTERVAL_TOO_BRIEF) {
        (
            HeaderName::MinExpires,
            "Min-Expires",
            "Expires (or the Contact expires parameter)",
        )
    } else if cx.is(status::SESSION_INTERVAL_TOO_SMALL) {
        (HeaderName::MinSe, "Min-SE", "Session-Expires and Min-SE")
    } else {
        return;
    };
    let Some(h) = cx.msg.header(header) else {
        return;
    };
    let mut sink = Vec::new();
    let secs = parse_session_interval(h.value, what, &mut sink).seconds;
    let m = cx.method_str();
    let status = status_text(cx);
    let value = secs.map_or_else(|| h.value.as_str().into_owned(), seconds_text);
    dx.finding(
        Rule::IntervalTooSmall,
        h.value.span(),
        format!("{status} to {m}: {what} {value} — the requested interval is below the server's minimum"),
    );
    let n = secs.map_or_else(|| h.value.as_str().into_owned(), |s| s.to_string());
    dx.headline(format!(
        "{status} to {m}: interval too short — retry with {retry} ≥ {n} s"
    ));
    dx.cause(
        Confidence::High,
        format!(
            "The {m} asked for a shorter {} than the server allows ({what} {value})",
            if cx.is(status::INTERVAL_TOO_BRIEF) {
                "registration/subscription expiry"
            } else {
                "session refresh interval"
            }
        ),
        vec![(h.value.span(), format!("{what}: {value}"))],
    );
    dx.step(format!("Re-send the {m} with {retry} ≥ {n} s"));
}

/// SL319: a 420 (Unsupported) or 421 (Require) names option tags (RFC 3261
/// §8.2.2.3, §21.4.15, §21.4.16).
fn extension_mismatch(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let required = if cx.is(status::BAD_EXTENSION) {
        false
    } else if cx.is(status::EXTENSION_REQUIRED) {
        true
    } else {
        return;
    };
    let header = if required {
        HeaderName::Require
    } else {
        HeaderName::Unsupported
    };
    let Some(h) = cx.msg.header(header) else {
        return;
    };
    let mut sink = Vec::new();
    let tags: Vec<String> = if required {
        parse_require(h.value, &mut sink)
    } else {
        parse_unsupported(h.value, &mut sink)
    }
    .iter()
    .map(|t| t.as_str().into_owned())
    .collect();
    let list = tags.join(", ");
    let m = cx.method_str();
    let status = status_text(cx);
    dx.finding(
        Rule::ExtensionMismatch,
        h.value.span(),
        if required {
            format!("{status} to {m}: the server requires {list}")
        } else {
            format!("{status} to {m}: the server does not support {list}")
        },
    );
    dx.headline(if required {
        format!("{status} to {m}: the server requires {list} — retry with it in Require/Supported")
    } else {
        format!("{status} to {m}: {list} not supported by the server — retry without requiring it")
    });
    let ev = vec![(h.value.span(), format!("{}: {list}", header.as_str()))];
    dx.cause(
        Confidence::High,
        if required {
            format!("The server will only process the {m} with the extension(s) {list}, which the request did not indicate")
        } else {
            format!("The {m} listed {list} in Require/Proxy-Require and the server does not implement it")
        },
        ev.clone(),
    );
    for t in &tags {
        let note = match t.to_ascii_lowercase().as_str() {
            "sec-agree" => Some("sec-agree: the next hop does not do RFC 3329 security agreement — the REGISTER reached a non-IMS registrar or a P-CSCF without IPsec/TLS sec-agree"),
            "precondition" => Some("precondition: the far end does not support RFC 3312 preconditions (typical for a SIP trunk or PBX); the UE retries without Require: precondition (keep it in Supported)"),
            "100rel" => Some("100rel: reliable provisionals (RFC 3262) not supported; retry with 100rel in Supported only"),
            "timer" => Some("timer: session timers (RFC 4028) not supported; rely on another keep-alive"),
            "path" => Some("path: the registrar does not support Path (RFC 3327), so the P-CSCF cannot stay on the terminating route"),
            "gruu" => Some("gruu: the registrar does not issue GRUUs (RFC 5627)"),
            "outbound" => Some("outbound: the registrar does not support RFC 5626 flows"),
            _ => None,
        };
        if let Some(n) = note {
            dx.inspect(n);
        }
    }
    dx.step(if required {
        format!(
            "Re-send the {m} listing {list} in Supported (or Require), implementing the extension"
        )
    } else {
        format!("Re-send the {m} without {list} in Require/Proxy-Require (RFC 3261 §8.1.3.5)")
    });
}

/// SL320: a 482 (loop detected) or 483 (too many hops): the Via list of
/// the response shows the path, repeated hosts show the loop (RFC 3261
/// §16.3, §21.4.20, §21.4.21; RFC 5393).
fn loop_or_hops(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !(cx.is(status::LOOP_DETECTED) || cx.is(status::TOO_MANY_HOPS)) {
        return;
    }
    let m = cx.method_str();
    let status = status_text(cx);
    let vias = cx.via();
    let key = |v: &crate::parse::via::Via<'_>| {
        format!(
            "{}:{}",
            v.host.as_str().to_ascii_lowercase(),
            v.port.unwrap_or(5060)
        )
    };
    // The first sent-by that occurs again, and where it occurs again.
    let mut repeated = None;
    'outer: for (i, a) in vias.iter().enumerate() {
        for b in &vias[i + 1..] {
            if key(a) == key(b) {
                repeated = Some((a, b));
                break 'outer;
            }
        }
    }
    let hops = vias.len();
    let mf = cx.msg.max_forwards();
    let mut facts = vec![format!("{hops} Via entries")];
    if let Some(mf) = mf {
        facts.push(format!("Max-Forwards {mf}"));
    }
    let span = match repeated {
        Some((a, b)) => {
            facts.push(format!("{} appears more than once (loop)", a.host.as_str()));
            b.text.span()
        }
        None => cx.msg.start_line_span(),
    };
    dx.finding(
        Rule::LoopOrHops,
        span,
        format!("{status} to {m}: {}", facts.join(", ")),
    );
    dx.headline(match repeated {
        Some((a, _)) => format!("{status} to {m}: routing loop through {} — fix Route/Record-Route or the routing tables", a.host.as_str()),
        None => format!("{status} to {m}: the request {} — check the route set and routing", if cx.is(status::LOOP_DETECTED) { "came back to a proxy that had already forwarded it" } else { "used up Max-Forwards" }),
    });
    if let Some((a, b)) = repeated {
        dx.cause(
            Confidence::High,
            format!("The request passed {} twice: a proxy routes it back to itself or two nodes route to each other", a.host.as_str()),
            vec![
                (a.text.span(), format!("Via {}: first pass", key(a))),
                (b.text.span(), format!("Via {}: second pass", key(b))),
            ],
        );
        if cx.ims_evidence().is_some() {
            dx.inspect("iFC/AS chaining at the S-CSCF (an AS sending the request back without the original dialog identifier), I-CSCF ↔ S-CSCF routing, and DNS entries pointing back to the sender");
        }
    } else if hops >= 7 {
        let ev = vias
            .first()
            .map(|v| {
                (
                    v.text.span(),
                    format!("{hops} Via entries: the request crossed {hops} hops"),
                )
            })
            .into_iter()
            .collect();
        dx.cause(
            Confidence::Medium,
            format!("A long path ({hops} hops) suggests a loop through different addresses of the same nodes, or a chain of ASs and B2BUAs"),
            ev,
        );
    } else if cx.is(status::TOO_MANY_HOPS) {
        let ev = cx
            .evidence(HeaderName::MaxForwards, "Max-Forwards left in the request")
            .into_iter()
            .collect();
        dx.cause(
            Confidence::Medium,
            "The request started with a low Max-Forwards, or B2BUAs on the path did not reset it; the Via list of the response only shows the hops since the last B2BUA",
            ev,
        );
    }
    dx.step("Compare the Via hosts with the Route/Record-Route and routing tables of each node; a B2BUA in the loop starts a new Via list each time");
}

/// SL312: a 489 Bad Event — the event package of the SUBSCRIBE/PUBLISH is
/// not supported; Allow-Events lists what is (RFC 6665 §8.3.2).
fn bad_event(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !cx.is(status::BAD_EVENT) {
        return;
    }
    let m = cx.method_str();
    let mut sink = Vec::new();
    let allow = cx.msg.header(HeaderName::AllowEvents);
    let events: Vec<String> = allow
        .map(|h| parse_allow_events(h.value, &mut sink))
        .unwrap_or_default()
        .iter()
        .map(|t| t.as_str().into_owned())
        .collect();
    let span = allow.map_or(cx.msg.start_line_span(), |h| h.value.span());
    let listed = if events.is_empty() {
        "no Allow-Events says which packages are supported".to_owned()
    } else {
        format!("the notifier supports {}", events.join(", "))
    };
    dx.finding(
        Rule::BadEvent,
        span,
        format!("489 Bad Event to {m}: the event package is not supported; {listed}"),
    );
    dx.headline(format!(
        "489 to {m}: event package not supported here — {listed}"
    ));
    match allow {
        Some(h) => dx.cause(
            Confidence::High,
            format!("The {m} asked for an event package the notifier does not support; it supports {}", events.join(", ")),
            vec![(h.value.span(), format!("Allow-Events: {}", events.join(", ")))],
        ),
        None => dx.cause(
            Confidence::Medium,
            format!("The {m} reached a node without that event package (e.g. Event: reg sent to an AS instead of the S-CSCF, or presence to a node without a presence server)"),
            vec![cx.status_evidence("489 without Allow-Events")],
        ),
    }
    dx.inspect(format!("The Event header of the {m} and its Request-URI: a reg-event SUBSCRIBE goes to the UE's own IMPU and is routed to the S-CSCF via Service-Route (TS 24.229 §5.1.1.3)"));
}

/// SL321: Retry-After on any response but 503 (which SL314 covers): when
/// the request may be retried or the callee is reachable (RFC 3261 §20.33).
fn retry_after_present(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let Some(code) = cx.code.map(|c| c.0) else {
        return;
    };
    if code == status::SERVICE_UNAVAILABLE {
        return;
    }
    let Some((ra, _)) = &cx.retry_after else {
        return;
    };
    let m = cx.method_str();
    let status = status_text(cx);
    let span = value_span(cx, HeaderName::RetryAfter).unwrap_or(ra.delta.span());
    let when = ra.seconds.map_or_else(
        || format!("\"{}\" (unreadable)", ra.delta.as_str()),
        seconds_text,
    );
    let mut extra = String::new();
    if let Some(d) = ra.duration() {
        extra.push_str(&format!(", then reachable for {}", seconds_text(d)));
    }
    if let Some(c) = ra.comment {
        extra.push_str(&format!(", comment {}", c.as_str()));
    }
    let usual = matches!(
        code,
        status::NOT_FOUND
            | status::REQUEST_ENTITY_TOO_LARGE
            | status::TEMPORARILY_UNAVAILABLE
            | status::BUSY_HERE
            | status::SERVER_INTERNAL_ERROR
            | status::BUSY_EVERYWHERE
            | status::DECLINE
    );
    let callee = matches!(
        code,
        status::TEMPORARILY_UNAVAILABLE
            | status::BUSY_HERE
            | status::BUSY_EVERYWHERE
            | status::DECLINE
    );
    let note = if usual {
        String::new()
    } else {
        format!("; RFC 3261 §20.33 defines Retry-After for 404, 413, 480, 486, 500, 503, 600 and 603, so on {code} it is unusual")
    };
    dx.finding(
        Rule::RetryAfterPresent,
        span,
        format!("Retry-After on {status}: retry the {m} after {when}{extra}{note}"),
    );
    if callee {
        dx.cause(
            Confidence::High,
            format!("The callee says when it expects to be reachable again: after {when}{extra}"),
            vec![(span, format!("Retry-After: {when}"))],
        );
    }
    dx.step(format!("Do not retry the {m} before {when}"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::decode;
    use crate::parse::parse_message;

    /// Runs this family only.
    fn run(input: &[u8]) -> Dx {
        crate::diagnose::run_family(CHECKS, input)
    }

    fn spans<'i>(dx: &Dx, rule: Rule, input: &'i [u8]) -> Vec<&'i str> {
        dx.findings
            .iter()
            .filter(|f| f.rule == rule)
            .map(|f| std::str::from_utf8(f.span.slice(input)).unwrap())
            .collect()
    }

    fn message(dx: &Dx, rule: Rule) -> &str {
        &dx.findings.iter().find(|f| f.rule == rule).unwrap().message
    }

    fn has(dx: &Dx, rule: Rule) -> bool {
        dx.findings.iter().any(|f| f.rule == rule)
    }

    fn cause<'d>(dx: &'d Dx, needle: &str) -> &'d crate::diagnose::Cause {
        dx.causes
            .iter()
            .find(|c| c.text.contains(needle))
            .unwrap_or_else(|| panic!("no cause with {needle:?} in {:#?}", dx.causes))
    }

    fn ev<'i>(c: &crate::diagnose::Cause, i: usize, input: &'i [u8]) -> &'i str {
        std::str::from_utf8(c.evidence[i].0.slice(input)).unwrap()
    }

    macro_rules! fixture {
        ($name:literal) => {
            include_bytes!(concat!("../../tests/fixtures/ims/", $name, ".sip")).as_slice()
        };
    }

    const REG_401: &[u8] = fixture!("register-401-aka");
    const REG_200: &[u8] = fixture!("register-200-ok");
    const REG_403: &[u8] = fixture!("register-403-auth-failed");
    const REG_494: &[u8] = fixture!("register-494-sec-agree");
    const REG_503_RA: &[u8] = fixture!("register-503-retry-after");
    const INV_503: &[u8] = fixture!("invite-503-no-retry-after");
    const INV_580: &[u8] = fixture!("invite-580-preconditions");
    const INV_504_XML: &[u8] = fixture!("invite-504-restoration");
    const INV_380: &[u8] = fixture!("invite-380-emergency");
    const INV_183: &[u8] = fixture!("invite-183-preconditions");
    const INV_488: &[u8] = fixture!("invite-488-warning-305");
    const INV_480: &[u8] = fixture!("invite-480-q850");
    const INV_486_16: &[u8] = fixture!("invite-486-cause-16");
    const INV_603: &[u8] = fixture!("invite-603-reason");
    const INV_487: &[u8] = fixture!("invite-487-cancelled");
    const REG_423: &[u8] = fixture!("register-423-min-expires");
    const INV_420: &[u8] = fixture!("invite-420-unsupported");
    const INV_483: &[u8] = fixture!("invite-483-loop");
    const INV_499: &[u8] = fixture!("invite-499-unknown");

    const ALL: &[&[u8]] = &[
        REG_401,
        REG_200,
        REG_403,
        REG_494,
        REG_503_RA,
        INV_503,
        INV_580,
        INV_504_XML,
        INV_380,
        INV_183,
        INV_488,
        INV_480,
        INV_486_16,
        INV_603,
        INV_487,
        REG_423,
        INV_420,
        INV_483,
        INV_499,
    ];

    /// A small response to `method` with extra header lines.
    fn response(status: &str, method: &str, extra: &str) -> Vec<u8> {
        format!(
            "SIP/2.0 {status}\r\n\
Via: SIP/2.0/UDP [2001:db8:a::1]:5060;received=2001:db8:a::1;rport=5060;branch=z9hG4bK77e1\r\n\
From: <sip:+4915112345678@ims.mnc001.mcc001.3gppnetwork.org>;tag=ue-4711\r\n\
To: <sip:+4930123456@ims.mnc001.mcc001.3gppnetwork.org;user=phone>;tag=net-99\r\n\
Call-ID: 0ba2cf53-9a78-41de-8fe6-f62709aa8e91\r\n\
CSeq: 7 {method}\r\n\
{extra}Content-Length: 0\r\n\r\n"
        )
        .into_bytes()
    }

    #[test]
    fn fixtures_are_clean_crlf_with_exact_content_length() {
        for input in ALL {
            let msg = parse_message(input);
            assert!(!msg.lf_line_ends());
            let framing: Vec<_> = crate::validate_message(&msg)
                .into_iter()
                .filter(|f| {
                    matches!(
                        f.rule,
                        Rule::ContentLengthTooLarge
                            | Rule::TrailingData
                            | Rule::BadContentLength
                            | Rule::MissingContentLength
                            | Rule::BadHeaderValue
                            | Rule::BadBody
                    )
                })
                .collect();
            assert!(
                framing.is_empty(),
                "{:?}: {framing:?}",
                String::from_utf8_lossy(&input[..40])
            );
            let d = decode(input);
            for f in &d.findings {
                assert!(f.span.end <= input.len());
            }
        }
    }

    #[test]
    fn sl301_aka_challenge() {
        let dx = run(REG_401);
        assert_eq!(
            spans(&dx, Rule::ImsAkaChallenge, REG_401),
            ["algorithm=AKAv1-MD5"]
        );
        assert_eq!(
            dx.headline.as_deref(),
            Some("401 to REGISTER: normal IMS AKA challenge — the UE must answer with RES over new IPsec SAs")
        );
        let c = cause(&dx, "offers IPsec");
        assert_eq!(c.confidence, Confidence::High);
        assert!(
            c.text
                .contains("spi-c 96488201, spi-s 96488202, port-c 5100, port-s 5101"),
            "{}",
            c.text
        );
        assert!(ev(c, 0, REG_401).starts_with("ipsec-3gpp;prot=esp"));
        assert!(dx
            .next_steps
            .iter()
            .any(|s| s.contains("port-s 5101") && s.contains("Security-Verify")));
        assert!(!has(&dx, Rule::DigestRegisterChallenge));
    }

    #[test]
    fn sl301_ck_ik_show_the_mw_copy() {
        let input = response("401 Unauthorized", "REGISTER", "WWW-Authenticate: Digest realm=\"ims.mnc001.mcc001.3gppnetwork.org\", nonce=\"x0Uj4Vf8P1mZ0q9k3d7rTnq2YcG6aJ5hLw8sE1bUo0A=\", algorithm=AKAv1-MD5, qop=\"auth\", ck=\"00112233445566778899aabbccddeeff\", ik=\"ffeeddccbbaa99887766554433221100\"\r\n");
        let dx = run(&input);
        let c = cause(&dx, "still carries ck/ik");
        assert_eq!(ev(c, 0, &input), "ck=\"00112233445566778899aabbccddeeff\"");
        assert!(dx
            .inspect
            .iter()
            .any(|i| i.contains("No ipsec-3gpp Security-Server")));
    }

    #[test]
    fn sl301_negative_digest_and_invite() {
        assert!(!has(&run(REG_200), Rule::ImsAkaChallenge));
        let md5 = response("401 Unauthorized", "REGISTER", "WWW-Authenticate: Digest realm=\"voip.example.net\", nonce=\"5f2a\", algorithm=MD5, qop=\"auth\"\r\n");
        assert!(!has(&run(&md5), Rule::ImsAkaChallenge));
    }

    #[test]
    fn sl302_plain_digest_register() {
        let input = response("401 Unauthorized", "REGISTER", "WWW-Authenticate: Digest realm=\"ims.mnc001.mcc001.3gppnetwork.org\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", algorithm=MD5, qop=\"auth\"\r\n");
        let dx = run(&input);
        assert_eq!(
            spans(&dx, Rule::DigestRegisterChallenge, &input),
            ["algorithm=MD5"]
        );
        let c = cause(&dx, "HSS has SIP Digest");
        assert_eq!(c.confidence, Confidence::Medium);
        assert!(!has(&run(REG_401), Rule::DigestRegisterChallenge));
    }

    #[test]
    fn sl303_challenge_to_invite() {
        let input = response("407 Proxy Authentication Required", "INVITE", "Proxy-Authenticate: Digest realm=\"trunk.example.net\", nonce=\"a1b2c3\", algorithm=MD5\r\n");
        let dx = run(&input);
        assert_eq!(
            spans(&dx, Rule::ChallengeOutsideRegistration, &input),
            ["INVITE"]
        );
        assert!(cause(&dx, "SIP trunk").confidence == Confidence::Medium);
        assert!(dx.headline.as_deref().unwrap().starts_with("407 to INVITE"));
        assert!(!has(&run(REG_401), Rule::ChallengeOutsideRegistration));
    }

    #[test]
    fn sl304_stale_nonce() {
        let input = response("401 Unauthorized", "REGISTER", "WWW-Authenticate: Digest realm=\"ims.mnc001.mcc001.3gppnetwork.org\", nonce=\"QkFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=\", algorithm=AKAv1-MD5, qop=\"auth\", stale=TRUE\r\n");
        let dx = run(&input);
        assert_eq!(spans(&dx, Rule::StaleNonce, &input), ["stale=TRUE"]);
        let h = dx.headline.as_deref().unwrap();
        assert!(
            h.contains("stale=true") && h.contains("run AKA again"),
            "{h}"
        );
        assert!(has(&dx, Rule::ImsAkaChallenge));
        assert!(!has(&run(REG_401), Rule::StaleNonce));
    }

    #[test]
    fn sl305_register_forbidden_phrase() {
        let dx = run(REG_403);
        assert_eq!(
            spans(&dx, Rule::RegisterForbidden, REG_403),
            ["SIP/2.0 403 Authentication Failed"]
        );
        let c = cause(&dx, "Authentication failed: the response");
        assert_eq!(c.confidence, Confidence::High);
        assert_eq!(ev(c, 0, REG_403), "Authentication Failed");
        assert_eq!(ev(c, 1, REG_403), "CSeq: 2 REGISTER");
        // The plain phrase after a challenge: the CSeq alone suggests it.
        let plain = response("403 Forbidden", "REGISTER", "");
        let c = cause(&run(&plain), "after the challenge").clone();
        assert_eq!(
            (c.confidence, ev(&c, 0, &plain)),
            (Confidence::Medium, "CSeq: 7 REGISTER")
        );
    }

    #[test]
    fn sl305_roaming_and_negative() {
        let input = response(
            "403 Forbidden",
            "REGISTER",
            "P-Visited-Network-ID: \"Visited Network Number 1\"\r\n",
        );
        let dx = run(&input);
        let c = cause(&dx, "visited network named by P-Visited-Network-ID");
        assert_eq!(
            ev(c, 0, &input),
            "P-Visited-Network-ID: \"Visited Network Number 1\""
        );
        let invite = response("403 Forbidden", "INVITE", "");
        assert!(!has(&run(&invite), Rule::RegisterForbidden));
    }

    #[test]
    fn sl306_not_found_and_does_not_exist() {
        let input = response("404 Not Found", "INVITE", "");
        let dx = run(&input);
        assert_eq!(
            spans(&dx, Rule::UserNotFound, &input),
            ["sip:+4930123456@ims.mnc001.mcc001.3gppnetwork.org;user=phone"]
        );
        assert!(cause(&dx, "ENUM/number-portability").confidence == Confidence::Medium);
        let input = response(
            "604 Does Not Exist Anywhere",
            "INVITE",
            "Reason: Q.850;cause=1\r\n",
        );
        let dx = run(&input);
        assert!(message(&dx, Rule::UserNotFound).starts_with("604 Does Not Exist Anywhere"));
        assert_eq!(
            ev(cause(&dx, "not allocated anywhere"), 1, &input),
            "Q.850;cause=1"
        );
        assert!(!has(&run(INV_480), Rule::UserNotFound));
    }

    #[test]
    fn sl307_timeouts() {
        let input = response("408 Request Timeout", "INVITE", "");
        let dx = run(&input);
        assert_eq!(
            spans(&dx, Rule::Timeout, &input),
            ["SIP/2.0 408 Request Timeout"]
        );
        assert!(message(&dx, Rule::Timeout).contains("Timer B"));
        let dx = run(INV_504_XML);
        assert!(message(&dx, Rule::Timeout).contains("SL316"));
        assert!(!dx.causes.iter().any(|c| c.text.contains("Timer B")));
        // SL316 wins the headline.
        assert!(dx.headline.as_deref().unwrap().contains("restoration"));
        assert!(!has(&run(INV_503), Rule::Timeout));
    }

    #[test]
    fn sl308_busy_unavailable_declined() {
        let dx = run(INV_480);
        assert_eq!(
            spans(&dx, Rule::CalleeRejected, INV_480),
            ["SIP/2.0 480 Temporarily Unavailable"]
        );
        let h = dx.headline.as_deref().unwrap();
        assert_eq!(h, "480 Temporarily Unavailable to INVITE: the callee is not reachable now; Reason Q.850 cause 20 (Subscriber absent) — try later; forwarding or voicemail may apply");
        let c = cause(&dx, "did not answer");
        assert_eq!(
            ev(c, 1, INV_480),
            "Q.850;cause=20;text=\"Subscriber absent\""
        );
        let h = run(INV_486_16).headline.unwrap();
        assert!(
            h.contains("Reason Q.850 cause 16 (Normal call clearing) contradicts it"),
            "{h}"
        );
        let dx = run(INV_603);
        assert!(message(&dx, Rule::CalleeRejected).contains("declined"));
        let input = response("486 Busy Here", "INVITE", "Retry-After: 300\r\n");
        let dx = run(&input);
        assert_eq!(cause(&dx, "reports busy").confidence, Confidence::High);
        assert!(!has(&run(INV_487), Rule::CalleeRejected));
        let msg = response("480 Temporarily Unavailable", "MESSAGE", "");
        let dx = run(&msg);
        assert!(message(&dx, Rule::CalleeRejected).contains("target user"));
        assert!(dx.headline.is_none());
    }

    #[test]
    fn sl309_487_to_invite() {
        let dx = run(INV_487);
        assert_eq!(
            spans(&dx, Rule::RequestTerminated, INV_487),
            ["SIP/2.0 487 Request Terminated"]
        );
        assert!(dx.next_steps.iter().any(|s| s.contains("CSeq number 1")));
        assert!(!has(&dx, Rule::TerminatedNonInvite));
        let elsewhere = response(
            "487 Request Terminated",
            "INVITE",
            "Reason: SIP;cause=200;text=\"Call completed elsewhere\"\r\n",
        );
        let dx = run(&elsewhere);
        assert_eq!(cause(&dx, "forking proxy").confidence, Confidence::High);
    }

    #[test]
    fn sl310_487_to_options() {
        let input = response("487 Request Terminated", "OPTIONS", "");
        let dx = run(&input);
        assert_eq!(spans(&dx, Rule::TerminatedNonInvite, &input), ["OPTIONS"]);
        assert!(!has(&dx, Rule::RequestTerminated));
        assert!(!has(&run(INV_487), Rule::TerminatedNonInvite));
    }

    #[test]
    fn sl311_media_rejected() {
        let dx = run(INV_488);
        assert_eq!(
            spans(&dx, Rule::MediaRejected, INV_488),
            ["SIP/2.0 488 Not Acceptable Here"]
        );
        let msg = message(&dx, Rule::MediaRejected);
        assert!(
            msg.contains("Warning 305") && msg.contains("m=video rejected (port 0)"),
            "{msg}"
        );
        assert!(msg.contains("PCMA/8000"), "{msg}");
        let c = cause(&dx, "m=video stream is refused");
        assert_eq!(ev(c, 0, INV_488), "m=video 0 RTP/AVP 96");
        let bare = response("488 Not Acceptable Here", "INVITE", "");
        let dx = run(&bare);
        assert_eq!(
            cause(&dx, "No codec in common").confidence,
            Confidence::Medium
        );
        assert!(!has(&run(INV_486_16), Rule::MediaRejected));
    }

    #[test]
    fn sl312_bad_event() {
        let input = response(
            "489 Bad Event",
            "SUBSCRIBE",
            "Allow-Events: presence, reg, dialog\r\n",
        );
        let dx = run(&input);
        assert_eq!(
            spans(&dx, Rule::BadEvent, &input),
            ["presence, reg, dialog"]
        );
        assert_eq!(
            cause(&dx, "supports presence, reg, dialog").confidence,
            Confidence::High
        );
        assert!(!has(&run(REG_200), Rule::BadEvent));
    }

    #[test]
    fn sl313_security_agreement() {
        let dx = run(REG_494);
        let s = spans(&dx, Rule::SecurityAgreementRequired, REG_494);
        assert_eq!(s.len(), 1);
        assert!(s[0].starts_with("ipsec-3gpp;alg=hmac-sha-1-96"), "{s:?}");
        assert!(
            message(&dx, Rule::SecurityAgreementRequired).contains("ipsec-3gpp (alg=hmac-sha-1-96")
        );
        assert!(!has(&run(REG_401), Rule::SecurityAgreementRequired));
    }

    #[test]
    fn sl314_503_with_retry_after() {
        let dx = run(REG_503_RA);
        assert_eq!(
            spans(&dx, Rule::OverloadWithRetryAfter, REG_503_RA),
            ["600"]
        );
        assert_eq!(
            dx.headline.as_deref(),
            Some("503 with Retry-After 600 s to REGISTER: P-CSCF/S-CSCF overloaded or in maintenance; do not re-register to it before 600 s")
        );
        let c = cause(&dx, "overloaded or in maintenance");
        assert_eq!(
            (c.confidence, ev(c, 0, REG_503_RA)),
            (Confidence::High, "600")
        );
        assert!(
            !has(&dx, Rule::UnavailableWithoutRetryAfter) && !has(&dx, Rule::RetryAfterPresent)
        );
        let d = decode(REG_503_RA);
        assert_eq!(d.diagnosis.retry.unwrap().after_seconds, Some(600));
        assert!(!has(&run(INV_503), Rule::OverloadWithRetryAfter));
    }

    #[test]
    fn sl315_503_without_retry_after() {
        let dx = run(INV_503);
        assert_eq!(
            spans(&dx, Rule::UnavailableWithoutRetryAfter, INV_503),
            ["SIP/2.0 503 Service Unavailable"]
        );
        assert!(dx.headline.as_deref().unwrap().contains("fail over"));
        assert!(!has(&run(REG_503_RA), Rule::UnavailableWithoutRetryAfter));
    }

    #[test]
    fn sl316_restoration_and_emergency() {
        let dx = run(INV_504_XML);
        assert_eq!(
            spans(&dx, Rule::ImsAlternativeService, INV_504_XML),
            ["restoration"]
        );
        let c = cause(&dx, "IMS restoration per TS 23.380");
        assert_eq!(c.confidence, Confidence::High);
        assert_eq!(ev(c, 1, INV_504_XML), "initial-registration");
        assert!(dx
            .next_steps
            .iter()
            .any(|s| s.contains("initial registration")));

        let dx = run(INV_380);
        assert_eq!(
            spans(&dx, Rule::ImsAlternativeService, INV_380),
            ["emergency"]
        );
        assert!(dx.headline.as_deref().unwrap().contains("emergency call"));
        assert!(dx
            .next_steps
            .iter()
            .any(|s| s.contains("emergency registration")));

        let plain = response("504 Server Time-out", "INVITE", "");
        assert!(!has(&run(&plain), Rule::ImsAlternativeService));
    }

    #[test]
    fn xml_element_finds_prefixed_and_plain() {
        let b = b"<x:ims-3gpp><x:alternative-service><x:type>emergency</x:type><reason/></x:alternative-service></x:ims-3gpp>";
        let t = Text::new(b, Span::new(0, b.len()));
        let (ty, _) = xml_element(t, "type", 0).unwrap();
        assert_eq!(ty.bytes(), b"emergency");
        let (r, _) = xml_element(t, "reason", 0).unwrap();
        assert!(r.is_empty());
        assert!(xml_element(t, "action", 0).is_none());
    }

    #[test]
    fn sl317_precondition_failure() {
        let dx = run(INV_580);
        assert_eq!(
            spans(&dx, Rule::PreconditionFailure, INV_580),
            ["a=des:qos mandatory local sendrecv"]
        );
        let c = cause(&dx, "QoS for m=audio was not reserved");
        assert_eq!(c.confidence, Confidence::High);
        assert_eq!(ev(c, 1, INV_580), "a=curr:qos local none");
        assert!(message(&dx, Rule::PreconditionFailure).contains("a=curr:qos local none"));
        // A 183 with preconditions still pending is normal, not SL317.
        assert!(!has(&run(INV_183), Rule::PreconditionFailure));
    }

    #[test]
    fn sl318_interval_too_small() {
        let dx = run(REG_423);
        assert_eq!(spans(&dx, Rule::IntervalTooSmall, REG_423), ["3600"]);
        assert!(dx.next_steps.iter().any(|s| s.contains("≥ 3600 s")));
        let input = response(
            "422 Session Interval Too Small",
            "INVITE",
            "Min-SE: 1800\r\n",
        );
        let dx = run(&input);
        assert_eq!(spans(&dx, Rule::IntervalTooSmall, &input), ["1800"]);
        let no_header = response("423 Interval Too Brief", "REGISTER", "");
        assert!(!has(&run(&no_header), Rule::IntervalTooSmall));
    }

    #[test]
    fn sl319_option_tags() {
        let dx = run(INV_420);
        assert_eq!(
            spans(&dx, Rule::ExtensionMismatch, INV_420),
            ["precondition"]
        );
        let c = cause(&dx, "does not implement it");
        assert_eq!(ev(c, 0, INV_420), "precondition");
        let input = response("421 Extension Required", "INVITE", "Require: 100rel\r\n");
        let dx = run(&input);
        assert!(message(&dx, Rule::ExtensionMismatch).contains("requires 100rel"));
        assert!(!has(&run(INV_486_16), Rule::ExtensionMismatch));
    }

    #[test]
    fn sl320_loop() {
        let dx = run(INV_483);
        let s = spans(&dx, Rule::LoopOrHops, INV_483);
        assert_eq!(s.len(), 1);
        assert!(
            s[0].starts_with("SIP/2.0/UDP scscf1.ims.mnc001.mcc001.3gppnetwork.org:6060"),
            "{s:?}"
        );
        let c = cause(&dx, "passed scscf1");
        assert_eq!(c.confidence, Confidence::High);
        let plain = response("482 Loop Detected", "INVITE", "");
        let dx = run(&plain);
        assert_eq!(
            spans(&dx, Rule::LoopOrHops, &plain),
            ["SIP/2.0 482 Loop Detected"]
        );
        assert!(!has(&run(INV_487), Rule::LoopOrHops));
    }

    #[test]
    fn sl321_retry_after_not_503() {
        let input = response(
            "486 Busy Here",
            "INVITE",
            "Retry-After: 3600 (in a meeting);duration=1800\r\n",
        );
        let dx = run(&input);
        assert_eq!(
            spans(&dx, Rule::RetryAfterPresent, &input),
            ["3600 (in a meeting);duration=1800"]
        );
        let m = message(&dx, Rule::RetryAfterPresent);
        assert!(m.contains("3600 s (1 h)") && m.contains("1800 s"), "{m}");
        assert_eq!(cause(&dx, "reachable again").confidence, Confidence::High);
        assert!(!has(&run(REG_503_RA), Rule::RetryAfterPresent));
    }

    #[test]
    fn unknown_code_and_200_raise_no_ims_rule() {
        for input in [INV_499, REG_200, INV_183] {
            let dx = run(input);
            assert!(dx.findings.is_empty(), "{:?}", dx.findings);
        }
    }

    #[test]
    fn human_seconds_reads() {
        assert_eq!(human_seconds(600), "10 min");
        assert_eq!(human_seconds(3600), "1 h");
        assert_eq!(human_seconds(90), "1 min 30 s");
        assert_eq!(human_seconds(0), "0 s");
    }

    /// The per-code text of SL308 and the redirect cause comes from the
    /// knowledge base (`[code.diagnosis]`); these hold its wording and
    /// confidence where no fixture does.
    #[test]
    fn callee_and_redirect_text_from_the_knowledge_base() {
        fn resp(status: &str, cseq: &str, extra: &str) -> Vec<u8> {
            format!(
                "SIP/2.0 {status}\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK74bf9\r\n\
From: <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\nTo: <sip:bob@biloxi.example.com>;tag=314159\r\n\
Call-ID: 3848276298220188511@atlanta.example.com\r\nCSeq: {cseq}\r\n{extra}Content-Length: 0\r\n\r\n"
            )
            .into_bytes()
        }
        let dx = run(&resp("600 Busy Everywhere", "1 INVITE", ""));
        let c = cause(&dx, "busy on every device");
        assert_eq!(c.confidence, Confidence::High);
        assert_eq!(
            c.text,
            "The callee is busy on every device; no other location will accept the call"
        );
        assert!(dx.headline.as_deref().is_some_and(
            |h| h.ends_with("every device of the callee is busy — do not try other locations")
        ));
        let dx = run(&resp("603 Decline", "1 INVITE", ""));
        assert_eq!(cause(&dx, "pressed reject").confidence, Confidence::Medium);
        assert_eq!(
            cause(&dx, "incoming call barring").confidence,
            Confidence::Medium
        );
        let dx = run(&resp("486 Busy Here", "1 MESSAGE", ""));
        assert_eq!(
            message(&dx, Rule::CalleeRejected),
            "486 Busy Here to MESSAGE: the target user is busy"
        );
        assert_eq!(
            cause(&dx, "reached no client").text,
            "The MESSAGE reached no client able to take it: the target user is busy"
        );
        for (status, says) in [
            ("301 Moved Permanently", "The server has moved permanently and names the new target in Contact"),
            ("305 Use Proxy", "The server must be reached through a proxy and names the new target in Contact"),
            ("300 Multiple Choices", "The callee (or a redirect server/call-forwarding service for it) offers several locations and names the new target in Contact"),
        ] {
            let dx = run(&resp(status, "1 INVITE", "Contact: <sip:bob@192.0.2.4>\r\n"));
            assert_eq!(cause(&dx, "in Contact").text, says, "{status}");
        }
    }
}
