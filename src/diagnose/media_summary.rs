//! The media summary of a message's SDP (`decoded.media`): what an engineer
//! reads first in a session description — one row per `m=` line with its
//! port, transport profile, effective direction and connection address,
//! `ptime`, bandwidth, the codecs (payload type → `rtpmap`, else the
//! RFC 3551 §6 static table) with their `fmtp` parameters decoded for
//! AMR / AMR-WB (RFC 4867 §8.1–8.2), EVS (3GPP TS 26.445 Annex A.3),
//! telephone-event (RFC 4733 §3; the IANA telephone-event registry) and H.264 (RFC 6184 §8.1), the
//! RFC 3312 §5 precondition table (current / desired / confirm per
//! precondition type and status type) and whether SRTP keying is present
//! (RFC 4568 `a=crypto`, DTLS `a=fingerprint`; key material is never
//! copied).
//!
//! Built from the SDP view of [`crate::parse::sdp`] (an SDP inside
//! `multipart/*` too); the same summary is rendered as plain text by
//! [`MediaDto::text_lines`] for the CLI and the page.

use super::dto::{
    BandwidthDto, CodecDto, FmtpParamDto, MediaDto, OriginDto, PreconditionDto, SpanDto, StreamDto,
};
use crate::parse::sdp::{
    Bandwidth, Codec, CurrentStatus, DesiredStatus, Fmtp, Media, PrecondDirection, Sdp, StatusType,
    Strength,
};
use crate::span::{LineIndex, Span, Text};
use std::borrow::Cow;

/// The text of `t`, borrowed from the message (a lossy copy when it is not
/// UTF-8).
fn s(t: Text<'_>) -> Cow<'_, str> {
    t.as_str()
}

fn bandwidths<'a>(b: &[Bandwidth<'a>]) -> Vec<BandwidthDto<'a>> {
    b.iter()
        .map(|b| BandwidthDto {
            bwtype: s(b.bwtype),
            value: b.bandwidth,
        })
        .collect()
}

/// Builds the summary of `sdp`; spans are located with `lines` (the
/// message's line index).
pub fn media_summary<'a>(sdp: &Sdp<'a>, lines: &LineIndex) -> MediaDto<'a> {
    MediaDto {
        origin: sdp.origin.as_ref().map(|o| OriginDto {
            username: s(o.username),
            session_id: s(o.sess_id),
            session_version: s(o.sess_version),
            address: s(o.address),
        }),
        connection: sdp.connection.map(|c| s(c.address)),
        bandwidths: bandwidths(&sdp.bandwidths),
        direction: sdp.direction.map(|d| d.as_str()),
        streams: sdp.media.iter().map(|m| stream(sdp, m, lines)).collect(),
        span: SpanDto::at(lines, sdp.text.span()),
    }
}

fn stream<'a>(sdp: &Sdp<'a>, m: &Media<'a>, lines: &LineIndex) -> StreamDto<'a> {
    let mut security: Vec<String> = m
        .attributes_named("crypto")
        .filter_map(|a| {
            // `a=crypto:<tag> <crypto-suite> <key-params>` (RFC 4568 §9.1):
            // the suite only, never the key.
            let v = a.value?;
            let suite = v.as_str().split_whitespace().nth(1)?.to_owned();
            Some(suite)
        })
        .collect();
    if m.attribute("fingerprint").is_some() || sdp.attribute("fingerprint").is_some() {
        security.push("dtls".to_owned());
    }
    StreamDto {
        media: s(m.media),
        port: m.port,
        rejected: m.is_rejected(),
        proto: s(m.proto),
        connection: sdp.connection_for(m).map(|c| s(c.address)),
        direction: m.direction().as_str(),
        ptime: m.ptime,
        maxptime: m.maxptime,
        rtcp_mux: m.attribute("rtcp-mux").is_some(),
        bandwidths: bandwidths(&m.bandwidths),
        codecs: m.codecs().iter().map(|c| codec(m, c, lines)).collect(),
        preconditions: preconditions(m, lines),
        security,
        line: SpanDto::at(lines, m.line.span),
        span: SpanDto::at(lines, m.span),
    }
}

fn codec<'a>(m: &Media<'a>, c: &Codec<'a>, lines: &LineIndex) -> CodecDto<'a> {
    let fmtp: Option<&Fmtp<'_>> = match c.payload_type {
        Some(pt) => m.fmtp(pt),
        None => m
            .fmtps
            .iter()
            .find(|f| f.format.bytes() == c.format.bytes()),
    };
    let name = c.name();
    let params = fmtp.map_or_else(Vec::new, |f| fmtp_params(&name, f.params));
    // The rtpmap line's span: the attribute that holds this rtpmap.
    let rtpmap_span = c.rtpmap.and_then(|r| {
        m.attributes
            .iter()
            .find(|a| {
                a.is("rtpmap")
                    && a.value.is_some_and(|v| {
                        v.span().start <= r.format.span().start
                            && r.format.span().end <= v.span().end
                    })
            })
            .map(|a| SpanDto::at(lines, a.line.span))
    });
    let fmtp_span = fmtp.and_then(|f| {
        m.attributes
            .iter()
            .find(|a| {
                a.is("fmtp")
                    && a.value.is_some_and(|v| {
                        v.span().start <= f.format.span().start
                            && f.format.span().end <= v.span().end
                    })
            })
            .map(|a| SpanDto::at(lines, a.line.span))
    });
    CodecDto {
        format: s(c.format),
        payload_type: c.payload_type,
        name,
        // The rtpmap's own rate only: `a=rtpmap:31 LPC` without a rate
        // must not borrow H261's 90000 from the static table.
        clock_rate: match c.rtpmap {
            Some(r) => r.clock_rate,
            None => c.static_payload.map(|p| p.clock_rate),
        },
        channels: c.rtpmap.map(|r| r.channels.unwrap_or(1)).or(c
            .static_payload
            .filter(|p| p.channels > 0)
            .map(|p| p.channels)),
        static_payload: c.rtpmap.is_none() && c.static_payload.is_some(),
        fmtp: fmtp.map(|f| s(f.params)),
        params,
        rtpmap_span,
        fmtp_span,
    }
}

/// The precondition table of one media section (RFC 3312 §5): rows keyed
/// by (precondition type, status type) in order of first appearance.
fn preconditions(m: &Media<'_>, lines: &LineIndex) -> Vec<PreconditionDto> {
    struct Row<'x, 'a> {
        ptype: Text<'a>,
        st: StatusType,
        curr: Option<&'x CurrentStatus<'a>>,
        des: Option<&'x DesiredStatus<'a>>,
        conf: Option<&'x CurrentStatus<'a>>,
        spans: Vec<Span>,
    }
    let mut rows: Vec<Row<'_, '_>> = Vec::new();
    fn row<'r, 'x, 'a>(
        rows: &'r mut Vec<Row<'x, 'a>>,
        ptype: Text<'a>,
        st: StatusType,
    ) -> &'r mut Row<'x, 'a> {
        let i = match rows
            .iter()
            .position(|r| r.st == st && r.ptype.bytes().eq_ignore_ascii_case(ptype.bytes()))
        {
            Some(i) => i,
            None => {
                rows.push(Row {
                    ptype,
                    st,
                    curr: None,
                    des: None,
                    conf: None,
                    spans: Vec::new(),
                });
                rows.len() - 1
            }
        };
        &mut rows[i]
    }
    // The last line of each kind counts, as in `Media::unmet_preconditions`.
    for c in &m.current {
        let r = row(&mut rows, c.precondition_type, c.status_type);
        r.curr = Some(c);
        r.spans.push(c.span);
    }
    for d in &m.desired {
        let r = row(&mut rows, d.precondition_type, d.status_type);
        r.des = Some(d);
        r.spans.push(d.span);
    }
    for c in &m.confirm {
        let r = row(&mut rows, c.precondition_type, c.status_type);
        r.conf = Some(c);
        r.spans.push(c.span);
    }
    rows.into_iter()
        .map(|mut r| {
            crate::sort::sort_by_key(&mut r.spans, |s| s.start);
            let met = match r.des {
                None => true,
                Some(d) => match d.strength {
                    // No precondition wanted; or one its sender says failed.
                    Strength::None => true,
                    Strength::Failure => false,
                    _ => {
                        d.direction == PrecondDirection::None
                            || r.curr.is_some_and(|c| c.direction.covers(d.direction))
                    }
                },
            };
            PreconditionDto {
                precondition_type: s(r.ptype).into_owned(),
                status_type: r.st.as_str(),
                current: r.curr.map(|c| c.direction.as_str()),
                strength: r.des.map(|d| d.strength.as_str()),
                desired: r.des.map(|d| d.direction.as_str()),
                confirm: r.conf.map(|c| c.direction.as_str()),
                met,
                spans: r.spans.iter().map(|s| SpanDto::at(lines, *s)).collect(),
            }
        })
        .collect()
}

/// Splits `a=fmtp` parameters (`;`-separated `name=value`, RFC 8866 §6.15)
/// and explains each one the codec's payload format defines.
pub fn fmtp_params(codec: &str, params: Text<'_>) -> Vec<FmtpParamDto> {
    let mut out = Vec::new();
    let raw = params.as_str();
    for item in raw.split(';') {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let (name, value) = match item.split_once('=') {
            Some((n, v)) => (n.trim(), v.trim()),
            None => ("", item),
        };
        let meaning = explain(codec, name, value);
        out.push(FmtpParamDto {
            name: name.to_owned(),
            value: value.to_owned(),
            meaning,
        });
    }
    out
}

/// AMR modes 0–7 in kbit/s (RFC 4867 §8.1 `mode-set`; 3GPP TS 26.101 Table 1a).
const AMR_MODES: [&str; 8] = [
    "4.75", "5.15", "5.90", "6.70", "7.40", "7.95", "10.2", "12.2",
];
/// AMR-WB modes 0–8 in kbit/s (RFC 4867 §8.2 `mode-set`; 3GPP TS 26.201 Table 1a).
const AMR_WB_MODES: [&str; 9] = [
    "6.60", "8.85", "12.65", "14.25", "15.85", "18.25", "19.85", "23.05", "23.85",
];

fn mode_set(value: &str, table: &[&str]) -> Option<String> {
    let rates: Option<Vec<String>> = value
        .split(',')
        .map(|m| {
            let i: usize = m.trim().parse().ok()?;
            table.get(i).map(|r| (*r).to_owned())
        })
        .collect();
    Some(format!(
        "codec modes limited to {} kbit/s",
        rates?.join(", ")
    ))
}

fn explain(codec: &str, name: &str, value: &str) -> Option<String> {
    let n = name.to_ascii_lowercase();
    let c = codec.to_ascii_uppercase();
    match c.as_str() {
        "AMR" | "AMR-WB" => explain_amr(&c, &n, value),
        "EVS" => explain_evs(&n, value),
        "TELEPHONE-EVENT" if n.is_empty() => Some(telephone_events(value)),
        "H264" if n == "profile-level-id" => h264_profile(value),
        "H264" if n == "packetization-mode" => Some(
            match value {
                "0" => "single NAL unit mode",
                "1" => "non-interleaved mode",
                "2" => "interleaved mode",
                _ => return None,
            }
            .to_owned(),
        ),
        _ => None,
    }
}

/// RFC 4867 §8.1 (AMR) and §8.2 (AMR-WB) media type parameters.
fn explain_amr(codec: &str, n: &str, v: &str) -> Option<String> {
    let table: &[&str] = if codec == "AMR" {
        &AMR_MODES
    } else {
        &AMR_WB_MODES
    };
    Some(match (n, v) {
        ("mode-set", _) => mode_set(v, table)?,
        ("octet-align", "1") => "octet-aligned payload format".to_owned(),
        ("octet-align", "0") => "bandwidth-efficient payload format, the default".to_owned(),
        ("mode-change-period", _) => format!("codec mode changes only every {v} frame-block(s)"),
        ("mode-change-capability", "1") => {
            "the sender cannot restrict mode changes to every other frame-block, the default"
                .to_owned()
        }
        ("mode-change-capability", "2") => {
            "the sender can restrict mode changes to every other frame-block, as needed to interwork with CS networks without transcoding"
                .to_owned()
        }
        ("mode-change-neighbor", "1") => {
            "mode changes only to a neighbouring mode of the mode set".to_owned()
        }
        ("max-red", "0") => "no redundancy: each frame is sent once".to_owned(),
        ("max-red", _) => format!("redundant frames at most {v} ms after the first transmission"),
        ("crc", "1") => "frame CRCs included, octet-aligned mode only".to_owned(),
        ("robust-sorting", "1") => "robust payload sorting, octet-aligned mode only".to_owned(),
        ("interleaving", _) => format!("frame interleaving, at most {v} frames per interleave group"),
        ("channels", _) => format!("{v} audio channel(s)"),
        _ => return None,
    })
}

/// 3GPP TS 26.445 Annex A.3 EVS media type parameters.
fn explain_evs(n: &str, v: &str) -> Option<String> {
    Some(match (n, v) {
        ("br" | "br-send" | "br-recv", _) => {
            let dir = match n {
                "br-send" => " (send direction)",
                "br-recv" => " (receive direction)",
                _ => "",
            };
            match v.split_once('-') {
                Some((lo, hi)) => format!("EVS bit rates {lo} to {hi} kbit/s{dir}"),
                None => format!("EVS bit rate {v} kbit/s{dir}"),
            }
        }
        ("bw" | "bw-send" | "bw-recv", _) => {
            let name = |b: &str| match b {
                "nb" => "narrowband",
                "wb" => "wideband",
                "swb" => "super-wideband",
                "fb" => "fullband",
                _ => "?",
            };
            match v.split_once('-') {
                Some((lo, hi)) => format!("audio bandwidth {} to {}", name(lo), name(hi)),
                None => format!("audio bandwidth {}", name(v)),
            }
        }
        ("evs-mode-switch", "1") => "the session starts in EVS AMR-WB IO mode".to_owned(),
        ("evs-mode-switch", "0") => "the session starts in EVS primary mode".to_owned(),
        ("hf-only", "1") => "Header-Full payload format only".to_owned(),
        ("hf-only", "0") => "Compact and Header-Full payload formats".to_owned(),
        ("dtx", "0") => "DTX disabled in both directions".to_owned(),
        ("dtx", "1") => "DTX enabled".to_owned(),
        ("dtx-recv", "0") => {
            "the peer must not use DTX when sending to this SDP's sender".to_owned()
        }
        ("ch-aw-recv", "-1") => "channel-aware mode disabled".to_owned(),
        ("ch-aw-recv", "0") => "channel-aware mode not used at session start".to_owned(),
        ("ch-aw-recv", "2" | "3" | "5" | "7") => {
            format!("channel-aware mode requested, FEC offset {v} frames")
        }
        ("cmr", "-1") => "no codec mode request in the payload".to_owned(),
        ("cmr", "1") => "codec mode request in every packet".to_owned(),
        ("max-red", "0") => "no redundancy: each frame is sent once".to_owned(),
        ("max-red", _) => format!("redundant frames at most {v} ms after the first transmission"),
        ("mode-set", _) => mode_set(v, &AMR_WB_MODES).map(|m| format!("{m} in AMR-WB IO mode"))?,
        ("ch-send" | "ch-recv", _) => format!("{v} audio channel(s)"),
        _ => return None,
    })
}

/// `a=fmtp:<pt> 0-15` of telephone-event: the events supported. Codes
/// from the IANA telephone-event registry (RFC 4733 §3): 0–9 the digits,
/// 10 `*`, 11 `#`, 12–15 A–D; 16 is reserved (flash in RFC 2833).
fn telephone_events(v: &str) -> String {
    let name = |e: u32| -> String {
        match e {
            0..=9 => e.to_string(),
            10 => "*".into(),
            11 => "#".into(),
            12..=15 => ((b'A' + (e - 12) as u8) as char).to_string(),
            16 => "16 (reserved; flash in RFC 2833)".into(),
            _ => format!("event {e}"),
        }
    };
    let parts: Vec<String> = v
        .split(',')
        .map(|r| {
            let r = r.trim();
            match r.split_once('-') {
                Some((a, b)) => match (a.trim().parse::<u32>(), b.trim().parse::<u32>()) {
                    (Ok(0), Ok(15)) => "DTMF 0-9 * # A-D".to_owned(),
                    (Ok(0), Ok(16)) => {
                        "DTMF 0-9 * # A-D, 16 (reserved; flash in RFC 2833)".to_owned()
                    }
                    (Ok(0), Ok(11)) => "DTMF 0-9 * #".to_owned(),
                    (Ok(a), Ok(b)) => format!("{} to {}", name(a), name(b)),
                    _ => r.to_owned(),
                },
                None => r.parse::<u32>().map_or_else(|_| r.to_owned(), name),
            }
        })
        .collect();
    format!("events {}", parts.join(", "))
}

/// `profile-level-id`: profile_idc, profile-iop, level_idc as 6 hex digits
/// (RFC 6184 §8.1).
fn h264_profile(v: &str) -> Option<String> {
    if v.len() != 6 || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&v[i..i + 2], 16).ok();
    let (p, iop, l) = (byte(0)?, byte(2)?, byte(4)?);
    let profile = match p {
        0x42 if iop & 0x40 != 0 => "Constrained Baseline",
        0x42 => "Baseline",
        0x4D => "Main",
        0x58 => "Extended",
        0x64 => "High",
        _ => "profile",
    };
    Some(format!(
        "H.264 {profile} (profile_idc {p}), level {}.{}",
        l / 10,
        l % 10
    ))
}

impl MediaDto<'_> {
    /// The summary as plain text lines (no colour, no wrapping), the same
    /// for the CLI and the page: the session line, then per stream its
    /// `m=` line, one line per codec and one per precondition row.
    pub fn text_lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut head = Vec::new();
        if let Some(o) = &self.origin {
            head.push(format!(
                "o= {} session {} version {}",
                o.address, o.session_id, o.session_version
            ));
        }
        if let Some(c) = &self.connection {
            head.push(format!("c= {c}"));
        }
        if !self.bandwidths.is_empty() {
            head.push(bw_text(&self.bandwidths));
        }
        if let Some(d) = self.direction {
            head.push(d.to_owned());
        }
        if !head.is_empty() {
            out.push(format!("SDP {}", head.join(", ")));
        }
        for st in &self.streams {
            let mut l = format!(
                "m={} {} {}",
                st.media,
                st.port.map_or_else(|| "?".to_owned(), |p| p.to_string()),
                st.proto
            );
            if st.rejected {
                l.push_str(" (port 0: rejected/disabled)");
            }
            l.push_str(&format!(" {}", st.direction));
            if let Some(c) = &st.connection {
                l.push_str(&format!(" to {c}"));
            }
            if let Some(p) = st.ptime {
                l.push_str(&format!(", ptime {p}"));
            }
            if let Some(p) = st.maxptime {
                l.push_str(&format!(", maxptime {p}"));
            }
            if !st.bandwidths.is_empty() {
                l.push_str(&format!(", {}", bw_text(&st.bandwidths)));
            }
            if st.rtcp_mux {
                l.push_str(", rtcp-mux");
            }
            if !st.security.is_empty() {
                l.push_str(&format!(", keys: {}", st.security.join(" ")));
            }
            out.push(l);
            for c in &st.codecs {
                let mut l = format!("  {} {}", c.format, c.name);
                if let Some(r) = c.clock_rate {
                    l.push_str(&format!("/{r}"));
                    if let Some(ch) = c.channels.filter(|&ch| ch > 1) {
                        l.push_str(&format!("/{ch}"));
                    }
                }
                if c.static_payload {
                    l.push_str(" (static)");
                }
                let params: Vec<String> = c
                    .params
                    .iter()
                    .map(|p| {
                        let np = if p.name.is_empty() {
                            p.value.clone()
                        } else {
                            format!("{}={}", p.name, p.value)
                        };
                        match &p.meaning {
                            Some(m) => format!("{np} ({m})"),
                            None => np,
                        }
                    })
                    .collect();
                if !params.is_empty() {
                    l.push_str(&format!(": {}", params.join("; ")));
                }
                out.push(l);
            }
            for p in &st.preconditions {
                out.push(format!(
                    "  precondition {} {}: curr {}, des {} {}, conf {} — {}",
                    p.precondition_type,
                    p.status_type,
                    p.current.unwrap_or("-"),
                    p.strength.unwrap_or("-"),
                    p.desired.unwrap_or("-"),
                    p.confirm.unwrap_or("-"),
                    if p.met { "met" } else { "not met" }
                ));
            }
        }
        out
    }
}

fn bw_text(b: &[BandwidthDto]) -> String {
    b.iter()
        .map(|b| {
            format!(
                "b={}:{}",
                b.bwtype,
                b.value.map_or_else(|| "?".to_owned(), |v| v.to_string())
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A VoLTE originating INVITE's SDP (3GPP TS 26.114 Annex A.14-style
    /// EVS + AMR-WB + AMR offer with TS 24.229 preconditions).
    pub(crate) const VOLTE_OFFER: &[u8] = b"INVITE tel:+4930123456 SIP/2.0\r\n\
Via: SIP/2.0/UDP [2001:db8:a::1]:5100;branch=z9hG4bKsdp1\r\n\
Max-Forwards: 70\r\n\
From: <sip:+4915112345678@ims.mnc001.mcc001.3gppnetwork.org>;tag=ue-1\r\n\
To: <tel:+4930123456>\r\n\
Call-ID: sdp-test-1\r\n\
CSeq: 1 INVITE\r\n\
Contact: <sip:+4915112345678@[2001:db8:a::1]:5100>\r\n\
Require: precondition\r\n\
Supported: 100rel\r\n\
Content-Type: application/sdp\r\n\
\r\n\
v=0\r\n\
o=- 1027 1 IN IP6 2001:db8:a::1\r\n\
s=-\r\n\
c=IN IP6 2001:db8:a::1\r\n\
b=AS:49\r\n\
t=0 0\r\n\
m=audio 49152 RTP/AVP 97 98 100 101\r\n\
b=AS:49\r\n\
b=RS:0\r\n\
b=RR:2000\r\n\
a=rtpmap:97 EVS/16000/1\r\n\
a=fmtp:97 br=13.2-24.4; bw=nb-swb; ch-aw-recv=-1; max-red=220\r\n\
a=rtpmap:98 AMR-WB/16000/1\r\n\
a=fmtp:98 mode-set=0,1,2; mode-change-capability=2; octet-align=1\r\n\
a=rtpmap:100 telephone-event/16000\r\n\
a=fmtp:100 0-15\r\n\
a=rtpmap:101 AMR/8000\r\n\
a=ptime:20\r\n\
a=maxptime:240\r\n\
a=curr:qos local none\r\n\
a=curr:qos remote none\r\n\
a=des:qos mandatory local sendrecv\r\n\
a=des:qos optional remote sendrecv\r\n\
a=sendrecv\r\n\
m=video 0 RTP/SAVP 31\r\n\
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32\r\n";

    fn media(input: &[u8]) -> MediaDto<'_> {
        crate::diagnose::decode(input).media.expect("an SDP")
    }

    #[test]
    fn volte_offer_streams_codecs_and_fmtp() {
        let m = media(VOLTE_OFFER);
        let o = m.origin.as_ref().unwrap();
        assert_eq!(
            (o.session_id.as_ref(), o.session_version.as_ref()),
            ("1027", "1")
        );
        assert_eq!(m.connection.as_deref(), Some("2001:db8:a::1"));
        assert_eq!(m.streams.len(), 2);
        let a = &m.streams[0];
        assert_eq!(
            (a.media.as_ref(), a.port, a.proto.as_ref()),
            ("audio", Some(49152), "RTP/AVP")
        );
        assert_eq!(
            (a.ptime, a.maxptime, a.direction),
            (Some(20), Some(240), "sendrecv")
        );
        assert_eq!(a.connection.as_deref(), Some("2001:db8:a::1"));
        let bws: Vec<(&str, Option<u64>)> = a
            .bandwidths
            .iter()
            .map(|b| (b.bwtype.as_ref(), b.value))
            .collect();
        assert_eq!(bws, [("AS", Some(49)), ("RS", Some(0)), ("RR", Some(2000))]);
        let names: Vec<&str> = a.codecs.iter().map(|c| c.name.as_ref()).collect();
        assert_eq!(names, ["EVS", "AMR-WB", "telephone-event", "AMR"]);
        let evs = &a.codecs[0];
        assert_eq!(
            (evs.payload_type, evs.clock_rate, evs.channels),
            (Some(97), Some(16000), Some(1))
        );
        let meaning = |c: &CodecDto, n: &str| {
            c.params
                .iter()
                .find(|p| p.name == n)
                .and_then(|p| p.meaning.clone())
        };
        assert_eq!(
            meaning(evs, "br").as_deref(),
            Some("EVS bit rates 13.2 to 24.4 kbit/s")
        );
        assert_eq!(
            meaning(evs, "bw").as_deref(),
            Some("audio bandwidth narrowband to super-wideband")
        );
        assert_eq!(
            meaning(evs, "ch-aw-recv").as_deref(),
            Some("channel-aware mode disabled")
        );
        let wb = &a.codecs[1];
        assert_eq!(
            meaning(wb, "mode-set").as_deref(),
            Some("codec modes limited to 6.60, 8.85, 12.65 kbit/s")
        );
        assert_eq!(
            meaning(wb, "octet-align").as_deref(),
            Some("octet-aligned payload format")
        );
        assert!(meaning(wb, "mode-change-capability")
            .unwrap()
            .starts_with("the sender can restrict"));
        let te = &a.codecs[2];
        assert_eq!(
            te.params[0].meaning.as_deref(),
            Some("events DTMF 0-9 * # A-D")
        );
        // The AMR rtpmap has no channel count: 1 by default.
        assert_eq!(a.codecs[3].channels, Some(1));
        assert!(a.codecs[3].fmtp.is_none() && a.codecs[3].fmtp_span.is_none());
        // Spans point at the attribute lines.
        let sp = evs.fmtp_span.unwrap();
        assert_eq!(
            &VOLTE_OFFER[sp.start..sp.end],
            b"a=fmtp:97 br=13.2-24.4; bw=nb-swb; ch-aw-recv=-1; max-red=220"
        );
        let sp = wb.rtpmap_span.unwrap();
        assert_eq!(
            &VOLTE_OFFER[sp.start..sp.end],
            b"a=rtpmap:98 AMR-WB/16000/1"
        );
    }

    #[test]
    fn precondition_table_and_security() {
        let m = media(VOLTE_OFFER);
        let p = &m.streams[0].preconditions;
        assert_eq!(p.len(), 2);
        assert_eq!(
            (
                p[0].status_type,
                p[0].current,
                p[0].strength,
                p[0].desired,
                p[0].met
            ),
            (
                "local",
                Some("none"),
                Some("mandatory"),
                Some("sendrecv"),
                false
            )
        );
        assert_eq!(
            (p[1].status_type, p[1].strength, p[1].confirm, p[1].met),
            ("remote", Some("optional"), None, false)
        );
        assert_eq!(p[0].spans.len(), 2);
        let v = &m.streams[1];
        assert!(v.rejected);
        assert_eq!(v.security, ["AES_CM_128_HMAC_SHA1_80"]);
        assert_eq!(v.codecs[0].name, "H261");
        assert!(v.codecs[0].static_payload);
        // The key never reaches the summary.
        let json = serde_json::to_string(&m).unwrap();
        assert!(!json.contains("PS1uQCVe"), "{json}");
    }

    #[test]
    fn text_lines_render_every_part() {
        let lines = media(VOLTE_OFFER).text_lines();
        assert_eq!(
            lines[0],
            "SDP o= 2001:db8:a::1 session 1027 version 1, c= 2001:db8:a::1, b=AS:49"
        );
        assert_eq!(
            lines[1],
            "m=audio 49152 RTP/AVP sendrecv to 2001:db8:a::1, ptime 20, maxptime 240, b=AS:49 b=RS:0 b=RR:2000"
        );
        assert!(
            lines[2]
                .starts_with("  97 EVS/16000: br=13.2-24.4 (EVS bit rates 13.2 to 24.4 kbit/s)"),
            "{}",
            lines[2]
        );
        assert!(
            lines.iter().any(|l| l
                == "  precondition qos local: curr none, des mandatory sendrecv, conf - — not met"),
            "{lines:#?}"
        );
        assert!(
            lines.iter().any(
                |l| l.starts_with("m=video 0 RTP/SAVP (port 0: rejected/disabled)")
                    && l.ends_with("keys: AES_CM_128_HMAC_SHA1_80")
            ),
            "{lines:#?}"
        );
        assert!(
            lines.iter().any(|l| l == "  31 H261/90000 (static)"),
            "{lines:#?}"
        );
    }

    #[test]
    fn met_preconditions_and_session_direction() {
        let input = b"SIP/2.0 200 OK\r\nCSeq: 2 UPDATE\r\nContent-Type: application/sdp\r\n\r\n\
v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\na=sendonly\r\n\
m=audio 4000 RTP/AVP 0 8\r\nc=IN IP4 192.0.2.9\r\na=rtcp-mux\r\n\
a=curr:qos local sendrecv\r\na=curr:qos remote sendrecv\r\n\
a=des:qos mandatory local sendrecv\r\na=des:qos mandatory remote sendrecv\r\n";
        let m = media(input);
        assert_eq!(m.direction, Some("sendonly"));
        let a = &m.streams[0];
        assert_eq!(a.direction, "sendonly");
        assert_eq!(a.connection.as_deref(), Some("192.0.2.9"));
        assert!(a.rtcp_mux);
        assert!(a.preconditions.iter().all(|p| p.met));
        let names: Vec<(&str, Option<u32>, bool)> = a
            .codecs
            .iter()
            .map(|c| (c.name.as_ref(), c.clock_rate, c.static_payload))
            .collect();
        assert_eq!(
            names,
            [("PCMU", Some(8000), true), ("PCMA", Some(8000), true)]
        );
    }

    #[test]
    fn sdp_inside_multipart_and_no_sdp() {
        let input = b"INVITE sip:b@example.com SIP/2.0\r\nCSeq: 1 INVITE\r\n\
Content-Type: multipart/mixed;boundary=zz\r\n\r\n\
--zz\r\nContent-Type: application/sdp\r\n\r\n\
v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 5004 RTP/AVP 8\r\n\
--zz\r\nContent-Type: application/isup\r\n\r\nxx\r\n--zz--\r\n";
        let m = media(input);
        assert_eq!(m.streams.len(), 1);
        assert_eq!(m.streams[0].codecs[0].name, "PCMA");
        let sp = m.streams[0].line;
        assert_eq!(&input[sp.start..sp.end], b"m=audio 5004 RTP/AVP 8");
        assert!(
            crate::diagnose::decode(b"SIP/2.0 180 Ringing\r\nCSeq: 1 INVITE\r\n\r\n")
                .media
                .is_none()
        );
    }

    /// Every prefix of a rich offer, and each byte replaced by a separator,
    /// decodes without panic and keeps every media span inside the input.
    #[test]
    fn truncated_and_mangled_offers_keep_the_invariants() {
        for end in 0..=VOLTE_OFFER.len() {
            let input = &VOLTE_OFFER[..end];
            let d = crate::diagnose::decode(input);
            crate::diagnose::invariants::check_decoded(&d, input)
                .unwrap_or_else(|e| panic!("prefix {end}: {e}"));
        }
        let body = VOLTE_OFFER.windows(4).position(|w| w == b"v=0\r").unwrap();
        for i in body..VOLTE_OFFER.len() {
            for c in [b' ', b':', b'\n'] {
                let mut input = VOLTE_OFFER.to_vec();
                input[i] = c;
                let d = crate::diagnose::decode(&input);
                crate::diagnose::invariants::check_decoded(&d, &input)
                    .unwrap_or_else(|e| panic!("byte {i} = {c}: {e}"));
            }
        }
    }

    #[test]
    fn an_rtpmap_without_rate_does_not_borrow_the_static_one() {
        // As in the RFC 4475 torture messages: `a=rtpmap:31 LPC`.
        let input = b"INVITE sip:b@example.com SIP/2.0\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n\r\n\
v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=video 3227 RTP/AVP 31\r\na=rtpmap:31 LPC\r\n";
        let c = &media(input).streams[0].codecs[0];
        assert_eq!(
            (c.name.as_ref(), c.clock_rate, c.static_payload),
            ("LPC", None, false)
        );
    }

    #[test]
    fn h264_and_unknown_params() {
        let p = fmtp_params(
            "H264",
            Text::whole(b"profile-level-id=42e01f;packetization-mode=1"),
        );
        assert_eq!(
            p[0].meaning.as_deref(),
            Some("H.264 Constrained Baseline (profile_idc 66), level 3.1")
        );
        assert_eq!(p[1].meaning.as_deref(), Some("non-interleaved mode"));
        let p = fmtp_params("opus", Text::whole(b"useinbandfec=1"));
        assert_eq!(
            (p[0].name.as_ref(), p[0].meaning.as_deref()),
            ("useinbandfec", None)
        );
        // A mode-set with a mode out of range is shown, not explained.
        let p = fmtp_params("AMR", Text::whole(b"mode-set=0,9"));
        assert_eq!(p[0].meaning, None);
        assert_eq!(
            telephone_events("0-16,32"),
            "events DTMF 0-9 * # A-D, 16 (reserved; flash in RFC 2833), event 32"
        );
    }
}

#[cfg(test)]
mod strength_tests {
    #[test]
    fn strength_none_is_met_and_failure_is_not() {
        let input = b"SIP/2.0 580 Precondition Failure\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n\r\n\
v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n\
a=curr:qos local none\r\na=curr:qos remote sendrecv\r\n\
a=des:qos none local sendrecv\r\na=des:qos failure remote sendrecv\r\n";
        let m = crate::diagnose::decode(input).media.unwrap();
        let p = &m.streams[0].preconditions;
        assert_eq!(
            (p[0].status_type, p[0].strength, p[0].met),
            ("local", Some("none"), true)
        );
        assert_eq!(
            (p[1].status_type, p[1].strength, p[1].met),
            ("remote", Some("failure"), false)
        );
    }
}
