//! IMS rules on the session description: 580 precondition failure and
//! 488/606 media rejection (RFC 3312, RFC 3261 §21.4.26, §21.6.4).

use super::super::causes::{codec_list, status_text};
use super::super::context::{Ctx, Dx};
use super::super::dto::Confidence;
use crate::finding::Rule;
use crate::kb::status;
use crate::parse::sdp::{CurrentStatus, DesiredStatus, StatusType};

pub(super) fn des_str(d: &DesiredStatus<'_>) -> String {
    format!(
        "a=des:{} {} {} {}",
        d.precondition_type.as_str(),
        d.strength.as_str(),
        d.status_type.as_str(),
        d.direction.as_str()
    )
}

pub(super) fn curr_str(c: &CurrentStatus<'_>) -> String {
    format!(
        "a=curr:{} {} {}",
        c.precondition_type.as_str(),
        c.status_type.as_str(),
        c.direction.as_str()
    )
}

/// SL317: a 580 — the QoS preconditions could not be met; lists the
/// mandatory `a=des` lines the `a=curr` lines do not cover (RFC 3312 §5, §8;
/// TS 24.229 §6.1.2).
pub(super) fn precondition_failure(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !cx.is(status::PRECONDITION_FAILURE) {
        return;
    }
    let m = cx.method_str();
    let sdp = cx.sdp();
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
pub(super) fn media_rejected(cx: &Ctx<'_, '_>, dx: &mut Dx) {
    if !(cx.is(status::NOT_ACCEPTABLE_HERE) || cx.is(status::GLOBAL_NOT_ACCEPTABLE)) {
        return;
    }
    let m = cx.method_str();
    let status = status_text(cx);
    let sdp = cx.sdp();
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
