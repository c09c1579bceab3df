//! Media-aware diagnosis: what the session description of a 18x, a
//! 488/606 or a 580 shows, as evidence-linked causes pointing at its
//! `m=`, `a=rtpmap` and precondition lines.
//!
//! - 18x with SDP (RFC 3261 §13.2.1; RFC 3262; RFC 3312 §5–§6): are the
//!   preconditions met, which segment is still pending, and may early
//!   media flow (direction, port, `P-Early-Media`, RFC 5009 §4)?
//! - 488/606 (RFC 3261 §21.4.26, §21.6.4, §20.43): the SDP of the rejection
//!   lists what the rejecting side accepts — transport profile (RTP/AVP vs
//!   RTP/SAVP, AVPF), codecs; with a Warning 302/304/305 that names the
//!   likely mismatch.
//! - 580 (RFC 3312 §5, §8): every precondition row of the table, not only
//!   the unmet mandatory ones the IMS family already reports: `failure` /
//!   `unknown` strengths and optional rows left unreserved.
//!
//! Additive: these checks add causes and inspect items, never a finding or
//! a headline, so the code-specific families keep their wording.

use super::context::{Check, Ctx, Dx};

use super::dto::Confidence;
use crate::header_name::HeaderName;
use crate::kb::{status, warning};
use crate::parse::sdp::{Media, PrecondDirection, Sdp, StatusType, Strength};
use crate::span::Span;

pub(crate) static CHECKS: &[Check] = &[provisional_media, rejected_media, precondition_rows];

fn status_type(s: StatusType) -> &'static str {
    match s {
        StatusType::E2e => "e2e",
        StatusType::Local => "local",
        StatusType::Remote => "remote",
    }
}

/// The last `a=curr` of the same precondition and status type as `d`.
fn current_for<'m, 'a>(
    m: &'m Media<'a>,
    ptype: &[u8],
    st: StatusType,
) -> Option<&'m crate::parse::sdp::CurrentStatus<'a>> {
    m.current
        .iter()
        .rev()
        .find(|c| c.status_type == st && c.precondition_type.bytes().eq_ignore_ascii_case(ptype))
}

/// Codec names of a stream, `m=` order.
fn codec_names(m: &Media<'_>) -> Vec<String> {
    m.codecs().iter().map(|c| c.name().into_owned()).collect()
}

/// A 1xx to INVITE with SDP: precondition state and early media.
fn provisional_media(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    let Some(code) = cx.code else { return };
    if !((status::TRYING + 1)..status::SUCCESS_CLASS).contains(&code.0) {
        return;
    }
    let Some(sdp) = cx.sdp() else { return };
    let c = code.0;
    let mut pending = Vec::new();
    let mut pending_ev = Vec::new();
    let mut met_ev = Vec::new();
    for m in sdp.media.iter().filter(|m| m.has_preconditions()) {
        for d in &m.desired {
            let curr = current_for(m, d.precondition_type.bytes(), d.status_type);
            let met = d.direction == PrecondDirection::None
                || curr.is_some_and(|x| x.direction.covers(d.direction));
            let what = format!(
                "m={} {} {}: desired {} {}, current {}",
                m.media.as_str(),
                d.precondition_type.as_str(),
                status_type(d.status_type),
                d.strength.as_str(),
                d.direction.as_str(),
                curr.map_or("not stated", |x| x.direction.as_str())
            );
            if met {
                met_ev.push((d.span, what));
            } else if matches!(d.strength, Strength::Mandatory | Strength::Optional) {
                let side = match d.status_type {
                    StatusType::Local => "the responder's own access network",
                    StatusType::Remote => "the caller's access network",
                    StatusType::E2e => "end to end",
                };
                pending.push(format!("{}: {side}", status_type(d.status_type)));
                pending_ev.push((d.span, what));
                if let Some(x) = curr {
                    pending_ev.push((
                        x.span,
                        format!("a=curr: {} reserved so far", x.direction.as_str()),
                    ));
                }
            }
        }
        for cf in &m.confirm {
            pending_ev.push((
                cf.span,
                format!(
                    "a=conf: the peer asks to be told (UPDATE) when {} {} resources are reserved",
                    status_type(cf.status_type),
                    cf.direction.as_str()
                ),
            ));
        }
    }
    if !pending.is_empty() {
        dx.cause(
            Confidence::High,
            format!(
                "The {c} carries the SDP answer with QoS preconditions still pending ({}): the callee is not alerted until both sides report their resources reserved (a=curr), typically by UPDATE after the dedicated bearer is set up",
                pending.join("; ")
            ),
            pending_ev,
        );
        dx.inspect("The UPDATE (or PRACK) that should follow with a=curr:qos local sendrecv once the caller's dedicated bearer (QCI/5QI 1) is up, and its 200 with the callee's a=curr");
        dx.spec("RFC 3312 §5, §6");
    } else if !met_ev.is_empty() {
        dx.cause(
            Confidence::High,
            format!("Every precondition of this {c}'s SDP is met (a=curr covers each a=des): the session can proceed to alerting"),
            met_ev,
        );
        dx.spec("RFC 3312 §5");
    }
    // Early media: an SDP in a provisional response lets media flow before
    // the 2xx when the stream is active (RFC 3960, gateway model).
    let active: Vec<&Media<'_>> = sdp
        .media
        .iter()
        .filter(|m| !m.is_rejected() && m.direction() != crate::parse::sdp::Direction::Inactive)
        .collect();
    if let Some(m) = active.first() {
        let mut ev = vec![(
            m.line.span,
            format!(
                "m={} port {} {} ({})",
                m.media.as_str(),
                m.port_text.as_str(),
                m.direction().as_str(),
                codec_names(m).join(", ")
            ),
        )];
        let pem = cx.msg.header(HeaderName::PEarlyMedia);
        if let Some(h) = pem {
            ev.push((
                h.span,
                format!(
                    "P-Early-Media: {} (network authorisation of early media)",
                    h.value.as_str()
                ),
            ));
        }
        let conn = sdp.connection_for(m);
        if let Some(cn) = conn.filter(|cn| cn.is_unspecified()) {
            ev.push((
                cn.address.span(),
                "connection address 0.0.0.0: no media yet".to_owned(),
            ));
        }
        dx.cause(
            if pem.is_some() { Confidence::High } else { Confidence::Medium },
            format!(
                "Early media is possible: the SDP of this {c} has an active {} stream, so a tone or announcement can play before the call is answered{}",
                m.media.as_str(),
                if pem.is_some() { " (P-Early-Media present)" } else { "" }
            ),
            ev,
        );
        if pem.is_some() {
            dx.spec("RFC 5009 §4");
        }
    }
}

/// Coarse codec families for naming a mismatch.
fn is_mobile_codec(name: &str) -> bool {
    ["AMR", "AMR-WB", "EVS"]
        .iter()
        .any(|c| name.eq_ignore_ascii_case(c))
}

fn is_fixed_codec(name: &str) -> bool {
    [
        "PCMU", "PCMA", "G722", "G729", "G723", "GSM", "OPUS", "ILBC", "SPEEX",
    ]
    .iter()
    .any(|c| name.eq_ignore_ascii_case(c))
}

fn is_auxiliary(name: &str) -> bool {
    ["telephone-event", "CN", "red"]
        .iter()
        .any(|c| name.eq_ignore_ascii_case(c))
}

/// 488/606: name the likely mismatch from what the rejection's SDP accepts.
fn rejected_media(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !(cx.is(status::NOT_ACCEPTABLE_HERE) || cx.is(status::GLOBAL_NOT_ACCEPTABLE)) {
        return;
    }
    let Some(sdp) = cx.sdp() else { return };
    let code = cx.code.map_or(0, |c| c.0);
    let warn = |n: u16| cx.warnings.iter().find(|w| w.code == Some(n));
    let warn_ev = |n: u16| -> Vec<(Span, String)> {
        warn(n).map_or_else(Vec::new, |w| {
            vec![(
                w.code_text.span().join(w.text.span()),
                format!("Warning {n} \"{}\"", w.text_unquoted().as_str()),
            )]
        })
    };
    let accepted: Vec<&Media<'_>> = sdp.media.iter().filter(|m| !m.is_rejected()).collect();
    // Transport profile.
    let profiles: Vec<String> = {
        let mut v: Vec<String> = accepted
            .iter()
            .map(|m| m.proto.as_str().into_owned())
            .collect();
        v.dedup();
        v
    };
    if !profiles.is_empty() {
        let secure = accepted.iter().all(|m| is_secure(sdp, m));
        let plain = accepted.iter().all(|m| !is_secure(sdp, m));
        let mut ev: Vec<(Span, String)> = accepted
            .iter()
            .map(|m| {
                (
                    m.line.span,
                    format!("m={} {}", m.media.as_str(), m.proto.as_str()),
                )
            })
            .collect();
        let w302 = warn(warning::INCOMPATIBLE_TRANSPORT_PROTOCOL).is_some();
        ev.extend(warn_ev(warning::INCOMPATIBLE_TRANSPORT_PROTOCOL));
        let text = if secure {
            Some(format!(
                "The {code} lists only secure profiles ({}): an offer over plain RTP/AVP is refused for its transport profile; offer SRTP (RTP/SAVP with a=crypto, or DTLS-SRTP)",
                profiles.join(", ")
            ))
        } else if plain && w302 {
            Some(format!(
                "The {code} lists only {}: the offer's profile (RTP/SAVP, RTP/AVPF or UDP/TLS/RTP/SAVPF) is not accepted; offer RTP/AVP",
                profiles.join(", ")
            ))
        } else {
            None
        };
        if let Some(t) = text {
            dx.cause(
                if w302 {
                    Confidence::High
                } else {
                    Confidence::Medium
                },
                t,
                ev,
            );
        }
    }
    // Codecs.
    let codecs: Vec<(Span, String)> = accepted
        .iter()
        .filter(|m| m.is("audio"))
        .flat_map(|m| {
            m.codecs()
                .into_iter()
                .map(move |c| (c.format.span(), c.name().into_owned()))
        })
        .collect();
    let speech: Vec<&(Span, String)> = codecs.iter().filter(|(_, n)| !is_auxiliary(n)).collect();
    if !speech.is_empty() {
        let names: Vec<&str> = speech.iter().map(|(_, n)| n.as_str()).collect();
        let mut ev: Vec<(Span, String)> = speech
            .iter()
            .map(|(s, n)| (*s, format!("{n} accepted by the rejecting side")))
            .collect();
        ev.extend(warn_ev(warning::INCOMPATIBLE_MEDIA_FORMAT));
        let conf = if warn(warning::INCOMPATIBLE_MEDIA_FORMAT).is_some() {
            Confidence::High
        } else {
            Confidence::Medium
        };
        if names.iter().all(|n| is_fixed_codec(n)) {
            dx.cause(
                conf,
                format!(
                    "The {code} accepts only {} (no AMR, AMR-WB or EVS): a VoLTE/VoNR offer of AMR-WB/EVS has no codec in common unless a transcoder (MRF, IMS-AGW, MGW) is inserted",
                    names.join(", ")
                ),
                ev,
            );
        } else if names.iter().all(|n| is_mobile_codec(n)) {
            dx.cause(
                conf,
                format!(
                    "The {code} accepts only {}: an offer of G.711 or other fixed-network codecs only has no codec in common",
                    names.join(", ")
                ),
                ev,
            );
        } else if warn(warning::INCOMPATIBLE_MEDIA_FORMAT).is_some() {
            dx.cause(
                conf,
                format!(
                    "The {code} lists the codecs it accepts ({}): the offer had none of them, or the same codec with incompatible fmtp (AMR/AMR-WB octet-align or mode-set, EVS bit rates)",
                    names.join(", ")
                ),
                ev,
            );
        }
    }
    // Media types.
    if let Some(w) = warn(warning::MEDIA_TYPE_NOT_AVAILABLE) {
        let types: Vec<String> = accepted
            .iter()
            .map(|m| m.media.as_str().into_owned())
            .collect();
        let mut ev = warn_ev(warning::MEDIA_TYPE_NOT_AVAILABLE);
        ev.extend(sdp.media.iter().filter(|m| m.is_rejected()).map(|m| {
            (
                m.line.span,
                format!("m={} refused (port 0)", m.media.as_str()),
            )
        }));
        let _ = w;
        dx.cause(
            Confidence::High,
            if types.is_empty() {
                format!("The {code} accepts none of the offered media types: every stream has port 0")
            } else {
                format!(
                    "The {code} accepts only {} media: a stream of another type in the offer (video, text, image/T.38) is refused",
                    types.join(" and ")
                )
            },
            ev,
        );
    }
    dx.spec("RFC 3264 §6");
}

/// SRTP or DTLS keying in this stream: a SAVP profile, `a=crypto` or
/// `a=fingerprint`.
fn is_secure(sdp: &Sdp<'_>, m: &Media<'_>) -> bool {
    m.proto
        .bytes()
        .windows(4)
        .any(|w| w.eq_ignore_ascii_case(b"SAVP"))
        || m.attribute("crypto").is_some()
        || m.attribute("fingerprint").is_some()
        || sdp.attribute("fingerprint").is_some()
}

/// 580: precondition rows the IMS family does not already report.
fn precondition_rows(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !cx.is(status::PRECONDITION_FAILURE) {
        return;
    }
    let Some(sdp) = cx.sdp() else { return };
    for m in &sdp.media {
        for d in &m.desired {
            let curr = current_for(m, d.precondition_type.bytes(), d.status_type);
            let row = format!(
                "m={} {} {} {}",
                m.media.as_str(),
                d.precondition_type.as_str(),
                status_type(d.status_type),
                d.direction.as_str()
            );
            let mut ev = vec![(d.span, format!("a=des {} {row}", d.strength.as_str()))];
            if let Some(x) = curr {
                ev.push((x.span, format!("a=curr {}", x.direction.as_str())));
            }
            match d.strength {
                Strength::Failure => dx.cause(
                    Confidence::High,
                    format!("The SDP marks the {row} precondition as failed (a=des strength \"failure\"): this is the one that could not be met"),
                    ev,
                ),
                Strength::Unknown => dx.cause(
                    Confidence::Medium,
                    format!("The SDP gives the {row} precondition the strength \"unknown\": the sender could not tell whether it can be met"),
                    ev,
                ),
                Strength::Optional
                    if d.direction != PrecondDirection::None
                        && !curr.is_some_and(|x| x.direction.covers(d.direction)) =>
                {
                    dx.cause(
                        Confidence::Low,
                        format!("The optional {row} precondition was not reserved either (a=curr {}); optional preconditions alone do not cause a 580", curr.map_or("absent", |x| x.direction.as_str())),
                        ev,
                    );
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &[u8]) -> Dx {
        crate::diagnose::run_family(CHECKS, input)
    }

    fn texts(dx: &Dx) -> Vec<&str> {
        dx.causes.iter().map(|c| c.text.as_str()).collect()
    }

    const R183: &[u8] = b"SIP/2.0 183 Session Progress\r\nCSeq: 1 INVITE\r\n\
Require: 100rel, precondition\r\nRSeq: 1\r\nContent-Type: application/sdp\r\n\r\n\
v=0\r\no=- 1 1 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\n\
m=audio 40000 RTP/AVP 116\r\na=rtpmap:116 AMR-WB/16000/1\r\n\
a=curr:qos local none\r\na=curr:qos remote none\r\n\
a=des:qos mandatory local sendrecv\r\na=des:qos mandatory remote sendrecv\r\n\
a=conf:qos remote sendrecv\r\na=sendrecv\r\n";

    #[test]
    fn a_183_with_pending_preconditions() {
        let dx = run(R183);
        let t = texts(&dx);
        assert!(t[0].starts_with("The 183 carries the SDP answer with QoS preconditions still pending (local: the responder's own access network; remote"), "{t:#?}");
        // Evidence: both a=des, both a=curr and the a=conf lines.
        assert_eq!(dx.causes[0].evidence.len(), 5);
        let early = dx
            .causes
            .iter()
            .find(|c| c.text.starts_with("Early media"))
            .unwrap();
        assert_eq!(early.confidence, Confidence::Medium);
        assert_eq!(
            &R183[early.evidence[0].0.start..early.evidence[0].0.end],
            b"m=audio 40000 RTP/AVP 116"
        );
    }

    #[test]
    fn a_183_with_met_preconditions_and_p_early_media() {
        let input = String::from_utf8_lossy(R183)
            .replace("a=curr:qos local none", "a=curr:qos local sendrecv")
            .replace("a=curr:qos remote none", "a=curr:qos remote sendrecv")
            .replace("RSeq: 1\r\n", "RSeq: 1\r\nP-Early-Media: sendrecv\r\n");
        let dx = run(input.as_bytes());
        let t = texts(&dx);
        assert!(
            t[0].starts_with("Every precondition of this 183's SDP is met"),
            "{t:#?}"
        );
        let early = dx
            .causes
            .iter()
            .find(|c| c.text.starts_with("Early media"))
            .unwrap();
        assert_eq!(early.confidence, Confidence::High);
        // Not for a 183 whose only stream is inactive, nor without SDP.
        let inactive = String::from_utf8_lossy(R183).replace("a=sendrecv", "a=inactive");
        assert!(!texts(&run(inactive.as_bytes()))
            .iter()
            .any(|t| t.starts_with("Early media")));
        assert!(
            run(b"SIP/2.0 183 Session Progress\r\nCSeq: 1 INVITE\r\n\r\n")
                .causes
                .is_empty()
        );
    }

    const R488: &[u8] = b"SIP/2.0 488 Not Acceptable Here\r\nCSeq: 1 INVITE\r\n\
Warning: 305 mgcf.example.net \"Incompatible media format\"\r\nContent-Type: application/sdp\r\n\r\n\
v=0\r\no=- 1 1 IN IP4 198.51.100.20\r\ns=-\r\nc=IN IP4 198.51.100.20\r\nt=0 0\r\n\
m=audio 20000 RTP/AVP 8 0 101\r\na=rtpmap:101 telephone-event/8000\r\nm=video 0 RTP/AVP 96\r\n";

    #[test]
    fn a_488_names_the_codec_mismatch() {
        let dx = run(R488);
        let c = dx
            .causes
            .iter()
            .find(|c| {
                c.text
                    .starts_with("The 488 accepts only PCMA, PCMU (no AMR")
            })
            .expect("codec cause");
        assert_eq!(c.confidence, Confidence::High);
        // The static payload types 8 and 0 and the Warning are the evidence.
        let spans: Vec<&[u8]> = c
            .evidence
            .iter()
            .map(|(s, _)| &R488[s.start..s.end])
            .collect();
        assert_eq!(spans[0], b"8");
        assert_eq!(spans[1], b"0");
        assert!(spans[2].starts_with(b"305 mgcf"));
    }

    #[test]
    fn a_488_names_the_profile_mismatch() {
        let input = String::from_utf8_lossy(R488).replace(
            "305 mgcf.example.net \"Incompatible media format\"",
            "302 sbc.example.net \"Incompatible transport protocol\"",
        );
        let dx = run(input.as_bytes());
        let c = dx
            .causes
            .iter()
            .find(|c| c.text.starts_with("The 488 lists only RTP/AVP"))
            .unwrap();
        assert_eq!(c.confidence, Confidence::High);
        let secure = String::from_utf8_lossy(R488)
            .replace("m=audio 20000 RTP/AVP", "m=audio 20000 RTP/SAVP");
        let dx = run(secure.as_bytes());
        let c = dx
            .causes
            .iter()
            .find(|c| {
                c.text
                    .starts_with("The 488 lists only secure profiles (RTP/SAVP)")
            })
            .expect("profile cause");
        // Without Warning 302 the SDP alone only suggests it.
        assert_eq!(c.confidence, Confidence::Medium);
        // Without SDP nothing is added.
        assert!(
            run(b"SIP/2.0 488 Not Acceptable Here\r\nCSeq: 1 INVITE\r\n\r\n")
                .causes
                .is_empty()
        );
    }

    #[test]
    fn a_580_reports_failed_and_optional_rows() {
        let input = b"SIP/2.0 580 Precondition Failure\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n\r\n\
v=0\r\no=- 1 2 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\n\
m=audio 40000 RTP/AVP 116\r\na=rtpmap:116 AMR-WB/16000/1\r\n\
a=curr:qos local none\r\na=curr:qos remote sendrecv\r\n\
a=des:qos failure local sendrecv\r\na=des:qos optional e2e sendrecv\r\n";
        let dx = run(input);
        let t = texts(&dx);
        assert!(
            t[0].starts_with("The SDP marks the m=audio qos local sendrecv precondition as failed"),
            "{t:#?}"
        );
        assert_eq!(dx.causes[0].confidence, Confidence::High);
        assert!(
            t[1].starts_with("The optional m=audio qos e2e sendrecv precondition was not reserved"),
            "{t:#?}"
        );
    }
}
