//! IMS rules on authentication and security agreement: the AKA and Digest
//! challenges of a 401/407, stale nonces, the challenge scheme, and 494
//! (RFC 3261 §22, RFC 3310, RFC 3329; TS 24.229 §5.1.1.2, §5.1.1.5; TS 33.203).

use super::super::causes::{param_span, status_text};
use super::super::context::{Ctx, Dx};
use super::super::dto::Confidence;
use super::common::*;
use crate::finding::Rule;
use crate::header_name::HeaderName;
use crate::kb::status;
use crate::parse::security::SecMechanism;
use crate::span::Span;
use crate::status::Method;

/// The span of one security mechanism: name through its last parameter.
pub(super) fn mechanism_span(m: &SecMechanism<'_>) -> Span {
    m.params
        .iter()
        .fold(m.name.span(), |s, p| s.join(param_span(p)))
}

/// `ipsec-3gpp (alg=hmac-sha-1-96, spi-c=…)`.
pub(super) fn describe_mechanism(m: &SecMechanism<'_>) -> String {
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
pub(super) fn security_server_offers<'a>(cx: &Ctx<'_, 'a>) -> Vec<SecMechanism<'a>> {
    let mut offers: Vec<SecMechanism<'a>> = cx
        .views
        .security_all(HeaderName::SecurityServer)
        .cloned()
        .collect();
    crate::sort::sort_by(&mut offers, |a, b| {
        let q = |m: &SecMechanism<'_>| m.q_value().unwrap_or(-1.0);
        q(b).total_cmp(&q(a))
    });
    offers
}

/// `ipsec-3gpp q=0.5` for lists of offers.
pub(super) fn describe_offer(m: &SecMechanism<'_>) -> String {
    match m.q() {
        Some(q) => format!("{} q={}", m.name.as_str(), q.as_str()),
        None => m.name.as_str().into_owned(),
    }
}

/// SL301: a 401 to REGISTER with a Digest AKAv1/AKAv2 challenge is the
/// normal IMS registration step: the UE runs AKA on the ISIM, sets up IPsec
/// from Security-Server and re-sends REGISTER protected (TS 24.229
/// §5.1.1.5.1; TS 33.203 §6.1, §7; RFC 3310).
pub(super) fn ims_aka_challenge(cx: &Ctx<'_, '_>, dx: &mut Dx) {
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
            .and_then(|v| super::super::fields::split_aka_nonce(v.bytes()))
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
pub(super) fn digest_register_challenge(cx: &Ctx<'_, '_>, dx: &mut Dx) {
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
pub(super) fn challenge_outside_registration(cx: &Ctx<'_, '_>, dx: &mut Dx) {
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
pub(super) fn scheme_kind(a: &crate::parse::auth::Auth<'_>) -> &'static str {
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
pub(super) fn challenge_scheme(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if cx.msg.is_request() {
        for name in [HeaderName::Authorization, HeaderName::ProxyAuthorization] {
            for (_, c) in cx.views.credentials(name) {
                if c.scheme.eq_ignore_case("Basic") {
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
pub(super) fn stale_nonce(cx: &Ctx<'_, '_>, dx: &mut Dx) {
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

/// SL313: a 494 requires a security agreement (RFC 3329 §2.3.1; TS 33.203).
pub(super) fn security_agreement_required(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !cx.is(status::SECURITY_AGREEMENT_REQUIRED) {
        return;
    }
    let m = cx.method_str();
    let header = cx.msg.header(HeaderName::SecurityServer);
    let mechs = cx.views.security(HeaderName::SecurityServer);
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
