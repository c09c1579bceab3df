//! SDP session descriptions (RFC 8866, formerly RFC 4566) as a view with
//! byte spans: every line, the session-level fields, and one
//! [`Media`] section per `m=` line with typed `rtpmap` / `fmtp` /
//! direction / `ptime` attributes and the precondition attributes of
//! RFC 3312 §4 (updated by RFC 4032).
//!
//! Lenient on input: LF-only lines, trailing blank lines and a paste prefix
//! are accepted. A line that is not `<type>=<value>` is a `bad-body`
//! finding and parsing continues with the next line; so is a field that
//! does not follow its grammar (the typed view is then left out, the raw
//! line is kept in [`Sdp::lines`]).

use crate::quote::{quote_char, quote_str};
use nom::bytes::complete::{take_till, take_till1, take_while};
use nom::character::complete::{char, satisfy};
use nom::combinator::{opt, rest};
use nom::sequence::preceded;
use nom::Parser;

use super::grammar::{consumed, is_token, text_of, PResult};
use super::lines::Lines;
use super::params::Findings;
use crate::finding::{Finding, Rule};
use crate::span::{Span, Text};

/// One SDP line: `<type>=<value>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SdpLine<'a> {
    /// The type letter (`v`, `o`, `m`, `a`…).
    pub kind: u8,
    /// Everything after `=`, line end excluded.
    pub value: Text<'a>,
    /// The line from the type letter to the end of the value (paste prefix
    /// and line end excluded).
    pub span: Span,
}

/// `origin-field = %s"o" "=" username SP sess-id SP sess-version SP
/// nettype SP addrtype SP unicast-address CRLF` (RFC 8866 §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin<'a> {
    /// `username` (`-` when none).
    pub username: Text<'a>,
    /// `sess-id`.
    pub sess_id: Text<'a>,
    /// `sess-version` (incremented on each modification, RFC 3264 §8).
    pub sess_version: Text<'a>,
    /// `nettype` (`IN`).
    pub nettype: Text<'a>,
    /// `addrtype` (`IP4`, `IP6`).
    pub addrtype: Text<'a>,
    /// `unicast-address`.
    pub address: Text<'a>,
}

impl Origin<'_> {
    /// `sess-version` as a number, when it is one that fits `u64`.
    pub fn version_number(&self) -> Option<u64> {
        self.sess_version.parse_u64()
    }
}

/// `connection-field = %s"c" "=" nettype SP addrtype SP connection-address`
/// (RFC 8866 §5.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Connection<'a> {
    /// `nettype` (`IN`).
    pub nettype: Text<'a>,
    /// `addrtype` (`IP4`, `IP6`).
    pub addrtype: Text<'a>,
    /// The address (before any `/`).
    pub address: Text<'a>,
    /// Multicast TTL and/or number of addresses after the first `/`.
    pub suffix: Option<Text<'a>>,
}

impl Connection<'_> {
    /// True when `addrtype` is `IP6`.
    pub fn is_ip6(&self) -> bool {
        self.addrtype.eq_ignore_case("IP6")
    }

    /// True for the RFC 3264 §8.4 "hold" address `0.0.0.0` (or `::`).
    pub fn is_unspecified(&self) -> bool {
        matches!(self.address.bytes(), b"0.0.0.0" | b"::")
    }
}

/// `bandwidth-field = %s"b" "=" bwtype ":" bandwidth` (RFC 8866 §5.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bandwidth<'a> {
    /// `bwtype` (`AS`, `CT`, `TIAS`, `RS`, `RR`).
    pub bwtype: Text<'a>,
    /// The value as written.
    pub value: Text<'a>,
    /// The value as a number (kbit/s for AS/CT, bit/s for TIAS).
    pub bandwidth: Option<u64>,
}

/// `time-field = %s"t" "=" start-time SP stop-time` (RFC 8866 §5.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing<'a> {
    /// `start-time` as written.
    pub start_text: Text<'a>,
    /// `stop-time` as written.
    pub stop_text: Text<'a>,
    /// `start-time` (NTP seconds; 0 = unbounded).
    pub start: Option<u64>,
    /// `stop-time` (NTP seconds; 0 = unbounded).
    pub stop: Option<u64>,
}

/// The head of every SDP line: `type "="` (RFC 8866 §5: `<type>=<value>`,
/// the type one letter; the `%s"v" "="`… of each field rule in §9). The
/// value is the rest of the line.
fn type_equals(i: &[u8]) -> PResult<'_, (u8, char)> {
    (
        satisfy(|c| c.is_ascii_alphabetic()).map(|c| c as u8),
        char('='),
    )
        .parse(i)
}

/// `bandwidth-field = %s"b" "=" bwtype ":" bandwidth` (RFC 8866 §9): the
/// `bwtype` up to the first `:`, the `bandwidth` after it (SDP has no
/// quoted strings: a `"` is an ordinary byte here). Fails without a `:`.
fn bwtype_bandwidth(i: &[u8]) -> PResult<'_, (&[u8], &[u8])> {
    (take_till(|c| c == b':'), preceded(char(':'), rest)).parse(i)
}

/// `<encoding name>/<clock rate>[/<encoding parameters>]` of `a=rtpmap`
/// (RFC 8866 §6.6): the name up to the first `/`, the rate up to the
/// next, the parameters after it (each `None` when its `/` is missing,
/// empty when nothing follows it). Never fails.
#[allow(clippy::type_complexity)]
fn rtpmap_encoding(i: &[u8]) -> PResult<'_, (&[u8], Option<&[u8]>, Option<&[u8]>)> {
    let slash = |c| c == b'/';
    (
        take_till(slash),
        opt(preceded(char('/'), take_till(slash))),
        opt(preceded(char('/'), rest)),
    )
        .parse(i)
}

/// `attribute-field = %s"a" "=" attribute`,
/// `attribute = (attribute-name ":" attribute-value) / attribute-name`
/// (RFC 8866 §5.13, §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribute<'a> {
    /// `attribute-name`.
    pub name: Text<'a>,
    /// `attribute-value`, when there is a `:`.
    pub value: Option<Text<'a>>,
    /// The whole line.
    pub line: SdpLine<'a>,
}

impl Attribute<'_> {
    /// True when the name is `name`, ignoring ASCII case (the typed views
    /// of [`Media`] match the registered lower-case spelling exactly).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_case(name)
    }
}

/// Media direction attributes (RFC 8866 §6.7; RFC 3264 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `a=sendrecv` (the default).
    SendRecv,
    /// `a=sendonly`.
    SendOnly,
    /// `a=recvonly`.
    RecvOnly,
    /// `a=inactive`.
    Inactive,
}

impl Direction {
    /// The direction named by an attribute name, if it is one.
    pub fn from_name(name: &[u8]) -> Option<Direction> {
        Some(match name {
            b"sendrecv" => Direction::SendRecv,
            b"sendonly" => Direction::SendOnly,
            b"recvonly" => Direction::RecvOnly,
            b"inactive" => Direction::Inactive,
            _ => return None,
        })
    }

    /// The attribute name.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }
}

/// `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding
/// parameters>]` (RFC 8866 §6.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rtpmap<'a> {
    /// The payload type as written.
    pub format: Text<'a>,
    /// The payload type (0-127).
    pub payload_type: u8,
    /// Encoding name (`AMR-WB`, `EVS`, `PCMU`, `telephone-event`…).
    pub encoding: Text<'a>,
    /// Clock rate in Hz (`None` when missing, as in RFC 4475's
    /// `a=rtpmap:31 LPC`; that is a finding).
    pub clock_rate: Option<u32>,
    /// Encoding parameters as written (the channel count for audio).
    pub params: Option<Text<'a>>,
    /// Channel count for audio (1 when absent).
    pub channels: Option<u16>,
}

/// `a=fmtp:<format> <format specific parameters>` (RFC 8866 §6.15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fmtp<'a> {
    /// The format (payload type) as written.
    pub format: Text<'a>,
    /// The payload type, when the format is a number 0-127.
    pub payload_type: Option<u8>,
    /// The parameters as written (`mode-set=0,2,4,7;octet-align=1`).
    pub params: Text<'a>,
}

impl<'a> Fmtp<'a> {
    /// The value of the `;`-separated `name=value` parameter `name`
    /// (case-insensitive name), trimmed.
    pub fn param(&self, name: &str) -> Option<Text<'a>> {
        let mut rest = self.params;
        loop {
            let (item, next) = match rest.find_unquoted(b';') {
                Some(i) => (rest.sub(0, i), Some(rest.tail(i + 1))),
                None => (rest, None),
            };
            if let Some(eq) = item.find_unquoted(b'=') {
                if item.sub(0, eq).trim().eq_ignore_case(name) {
                    return Some(item.tail(eq + 1).trim());
                }
            }
            rest = next?;
        }
    }
}

/// `status-type = "e2e" / "local" / "remote"` (RFC 3312 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusType {
    /// End-to-end status.
    E2e,
    /// Segmented status of the local access network (of the SDP's sender).
    Local,
    /// Segmented status of the remote access network.
    Remote,
}

impl StatusType {
    /// The `status-type` as written (`e2e`, `local`, `remote`).
    pub fn as_str(self) -> &'static str {
        match self {
            StatusType::E2e => "e2e",
            StatusType::Local => "local",
            StatusType::Remote => "remote",
        }
    }
}

/// `direction-tag = "none" / "send" / "recv" / "sendrecv"` (RFC 3312 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrecondDirection {
    /// No direction.
    None,
    /// Sending direction (from the SDP's sender's point of view).
    Send,
    /// Receiving direction.
    Recv,
    /// Both directions.
    SendRecv,
}

impl PrecondDirection {
    /// The `direction-tag` as written (`none`, `send`, `recv`, `sendrecv`).
    pub fn as_str(self) -> &'static str {
        match self {
            PrecondDirection::None => "none",
            PrecondDirection::Send => "send",
            PrecondDirection::Recv => "recv",
            PrecondDirection::SendRecv => "sendrecv",
        }
    }

    /// True when a resource reserved in `self` covers `wanted`.
    pub fn covers(self, wanted: PrecondDirection) -> bool {
        use PrecondDirection::*;
        matches!(
            (self, wanted),
            (_, None) | (SendRecv, _) | (Send, Send) | (Recv, Recv)
        )
    }
}

/// `strength-tag = "mandatory" / "optional" / "none" / "failure" /
/// "unknown"` (RFC 3312 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Strength {
    /// The session must not proceed until the precondition is met.
    Mandatory,
    /// The session should try to meet it but may proceed.
    Optional,
    /// No precondition wanted.
    None,
    /// The precondition failed (RFC 3312 §4).
    Failure,
    /// The strength is not known (RFC 3312 §4).
    Unknown,
}

impl Strength {
    /// The `strength-tag` as written (`mandatory`, `optional`, `none`,
    /// `failure`, `unknown`).
    pub fn as_str(self) -> &'static str {
        match self {
            Strength::Mandatory => "mandatory",
            Strength::Optional => "optional",
            Strength::None => "none",
            Strength::Failure => "failure",
            Strength::Unknown => "unknown",
        }
    }
}

/// `current-status = "a=curr:" precondition-type SP status-type SP
/// direction-tag`; also the shape of `confirm-status` (`a=conf:`)
/// (RFC 3312 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrentStatus<'a> {
    /// `precondition-type` (`qos`, or an extension token).
    pub precondition_type: Text<'a>,
    /// `status-type`.
    pub status_type: StatusType,
    /// `direction-tag`.
    pub direction: PrecondDirection,
    /// The attribute line.
    pub span: Span,
}

/// `desired-status = "a=des:" precondition-type SP strength-tag SP
/// status-type SP direction-tag` (RFC 3312 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DesiredStatus<'a> {
    /// `precondition-type` (`qos`, or an extension token).
    pub precondition_type: Text<'a>,
    /// `strength-tag`.
    pub strength: Strength,
    /// `status-type`.
    pub status_type: StatusType,
    /// `direction-tag`.
    pub direction: PrecondDirection,
    /// The attribute line.
    pub span: Span,
}

/// One static RTP payload type (RFC 3551 §6, Tables 4 and 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaticPayload {
    /// Payload type.
    pub payload_type: u8,
    /// Encoding name.
    pub name: &'static str,
    /// Clock rate in Hz (8000 for G722, as RFC 3551 §4.5.2 explains).
    pub clock_rate: u32,
    /// Channels (audio); 0 for video.
    pub channels: u16,
}

macro_rules! static_payloads {
    ($( $pt:literal $name:literal $rate:literal $ch:literal; )*) => {
        /// The static RTP payload types (RFC 3551 §6 Tables 4-5); one row each.
        pub static STATIC_PAYLOADS: &[StaticPayload] = &[
            $( StaticPayload { payload_type: $pt, name: $name, clock_rate: $rate, channels: $ch }, )*
        ];
    };
}

#[rustfmt::skip]
static_payloads! {
    0  "PCMU" 8000  1;
    3  "GSM"  8000  1;
    4  "G723" 8000  1;
    5  "DVI4" 8000  1;
    6  "DVI4" 16000 1;
    7  "LPC"  8000  1;
    8  "PCMA" 8000  1;
    9  "G722" 8000  1;
    10 "L16"  44100 2;
    11 "L16"  44100 1;
    12 "QCELP" 8000 1;
    13 "CN"   8000  1;
    14 "MPA"  90000 0;
    15 "G728" 8000  1;
    16 "DVI4" 11025 1;
    17 "DVI4" 22050 1;
    18 "G729" 8000  1;
    25 "CelB" 90000 0;
    26 "JPEG" 90000 0;
    28 "nv"   90000 0;
    31 "H261" 90000 0;
    32 "MPV"  90000 0;
    33 "MP2T" 90000 0;
    34 "H263" 90000 0;
}

/// The static payload type `pt`, if RFC 3551 assigns one.
pub fn static_payload(pt: u8) -> Option<&'static StaticPayload> {
    STATIC_PAYLOADS.iter().find(|s| s.payload_type == pt)
}

/// One format of a media section, with what is known about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Codec<'a> {
    /// The format as written on the `m=` line.
    pub format: Text<'a>,
    /// The payload type, for RTP formats.
    pub payload_type: Option<u8>,
    /// The `a=rtpmap` of this payload type, when there is one.
    pub rtpmap: Option<Rtpmap<'a>>,
    /// The RFC 3551 static assignment of the payload type, if it has one
    /// (names and clock rates come from the rtpmap first).
    pub static_payload: Option<&'static StaticPayload>,
}

impl<'a> Codec<'a> {
    /// The encoding name: rtpmap, else static table, else the format
    /// itself (`t38` on an `udptl` line).
    pub fn name(&self) -> std::borrow::Cow<'a, str> {
        if let Some(r) = &self.rtpmap {
            return r.encoding.as_str();
        }
        if let Some(s) = self.static_payload {
            return std::borrow::Cow::Borrowed(s.name);
        }
        self.format.as_str()
    }

    /// The clock rate, when known.
    pub fn clock_rate(&self) -> Option<u32> {
        self.rtpmap
            .and_then(|r| r.clock_rate)
            .or(self.static_payload.map(|s| s.clock_rate))
    }
}

/// One media description: the `m=` line and the lines up to the next
/// `m=` (RFC 8866 §5.14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media<'a> {
    /// The `m=` line.
    pub line: SdpLine<'a>,
    /// From the `m=` line through the last line of the section.
    pub span: Span,
    /// `media` (`audio`, `video`, `image`, `application`, `message`, `text`).
    pub media: Text<'a>,
    /// `port` as written.
    pub port_text: Text<'a>,
    /// `port`; 0 means the stream is rejected or disabled (RFC 3264 §6).
    pub port: Option<u16>,
    /// The number of ports after `/`, when given.
    pub port_count: Option<u16>,
    /// `proto` (`RTP/AVP`, `RTP/SAVP`, `RTP/AVPF`, `UDP/TLS/RTP/SAVPF`, `udptl`…).
    pub proto: Text<'a>,
    /// `fmt` list (payload types for RTP, `t38` for udptl…).
    pub formats: Vec<Text<'a>>,
    /// Media-level `c=` lines (first one is the usual one).
    pub connections: Vec<Connection<'a>>,
    /// Media-level `b=` lines.
    pub bandwidths: Vec<Bandwidth<'a>>,
    /// Every media-level `a=` line, in order.
    pub attributes: Vec<Attribute<'a>>,
    /// Typed `a=rtpmap` lines.
    pub rtpmaps: Vec<Rtpmap<'a>>,
    /// Typed `a=fmtp` lines.
    pub fmtps: Vec<Fmtp<'a>>,
    /// The media-level direction attribute, if any (the last one wins).
    pub direction_attr: Option<Direction>,
    /// The session-level direction attribute, inherited when there is none
    /// here (RFC 8866 §6.7).
    pub session_direction: Option<Direction>,
    /// `a=ptime` in milliseconds (integer part).
    pub ptime: Option<u32>,
    /// `a=maxptime` in milliseconds (integer part).
    pub maxptime: Option<u32>,
    /// `a=curr` lines (RFC 3312).
    pub current: Vec<CurrentStatus<'a>>,
    /// `a=des` lines (RFC 3312).
    pub desired: Vec<DesiredStatus<'a>>,
    /// `a=conf` lines (RFC 3312).
    pub confirm: Vec<CurrentStatus<'a>>,
}

impl<'a> Media<'a> {
    /// True when the port is 0: a rejected or disabled stream (RFC 3264 §6, §8.2).
    pub fn is_rejected(&self) -> bool {
        self.port == Some(0)
    }

    /// True when `media` is `kind` (case-insensitive): `audio`, `image`…
    pub fn is(&self, kind: &str) -> bool {
        self.media.eq_ignore_case(kind)
    }

    /// The effective direction: media-level, else session-level, else
    /// `sendrecv` (RFC 8866 §6.7).
    pub fn direction(&self) -> Direction {
        self.direction_attr
            .or(self.session_direction)
            .unwrap_or(Direction::SendRecv)
    }

    /// The first attribute named `name`.
    pub fn attribute(&self, name: &str) -> Option<&Attribute<'a>> {
        self.attributes.iter().find(|a| a.is(name))
    }

    /// Every attribute named `name`.
    pub fn attributes_named<'s>(
        &'s self,
        name: &'s str,
    ) -> impl Iterator<Item = &'s Attribute<'a>> + 's {
        self.attributes.iter().filter(move |a| a.is(name))
    }

    /// The rtpmap of payload type `pt`.
    pub fn rtpmap(&self, pt: u8) -> Option<&Rtpmap<'a>> {
        self.rtpmaps.iter().find(|r| r.payload_type == pt)
    }

    /// The fmtp of payload type `pt`.
    pub fn fmtp(&self, pt: u8) -> Option<&Fmtp<'a>> {
        self.fmtps.iter().find(|f| f.payload_type == Some(pt))
    }

    /// True when the transport is RTP-based (`RTP/AVP`, `UDP/TLS/RTP/SAVPF`…).
    pub fn is_rtp(&self) -> bool {
        self.proto
            .bytes()
            .split(|&c| c == b'/')
            .any(|p| p.eq_ignore_ascii_case(b"RTP"))
    }

    /// The formats in `m=` order, each with its rtpmap or the RFC 3551
    /// static assignment (0 = PCMU, 8 = PCMA, 9 = G722, 18 = G729…).
    pub fn codecs(&self) -> Vec<Codec<'a>> {
        let rtp = self.is_rtp();
        self.formats
            .iter()
            .map(|&format| {
                let payload_type = if rtp {
                    format.parse_u64().filter(|&v| v <= 127).map(|v| v as u8)
                } else {
                    None
                };
                let rtpmap = payload_type.and_then(|pt| self.rtpmap(pt).copied());
                let static_payload = payload_type.and_then(static_payload);
                Codec {
                    format,
                    payload_type,
                    rtpmap,
                    static_payload,
                }
            })
            .collect()
    }

    /// True when this section carries `a=des` lines (RFC 3312 preconditions).
    pub fn has_preconditions(&self) -> bool {
        !self.desired.is_empty()
    }

    /// The mandatory desired statuses that the current status does not
    /// yet cover (RFC 3312 §5: a precondition is met when the current
    /// status of the same precondition type and status type covers the
    /// desired direction).
    pub fn unmet_preconditions(&self) -> Vec<&DesiredStatus<'a>> {
        self.desired
            .iter()
            .filter(|d| d.strength == Strength::Mandatory && !self.is_met(d))
            .collect()
    }

    /// True when every mandatory precondition is met (also when there is
    /// none).
    pub fn preconditions_met(&self) -> bool {
        self.desired
            .iter()
            .filter(|d| d.strength == Strength::Mandatory)
            .all(|d| self.is_met(d))
    }

    fn is_met(&self, d: &DesiredStatus<'a>) -> bool {
        if d.direction == PrecondDirection::None {
            return true;
        }
        // The last current-status line for this (type, status-type) counts.
        self.current
            .iter()
            .rev()
            .find(|c| {
                c.status_type == d.status_type
                    && c.precondition_type
                        .bytes()
                        .eq_ignore_ascii_case(d.precondition_type.bytes())
            })
            .is_some_and(|c| c.direction.covers(d.direction))
    }
}

/// A session description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sdp<'a> {
    /// The whole body the description was read from.
    pub text: Text<'a>,
    /// Every `<type>=<value>` line, in order (session and media level).
    pub lines: Vec<SdpLine<'a>>,
    /// `v=` value.
    pub version: Option<Text<'a>>,
    /// `o=` line.
    pub origin: Option<Origin<'a>>,
    /// `s=` value.
    pub session_name: Option<Text<'a>>,
    /// Session-level `c=` line.
    pub connection: Option<Connection<'a>>,
    /// Session-level `b=` lines.
    pub bandwidths: Vec<Bandwidth<'a>>,
    /// `t=` lines.
    pub timing: Vec<Timing<'a>>,
    /// Session-level `a=` lines.
    pub attributes: Vec<Attribute<'a>>,
    /// Session-level direction attribute.
    pub direction: Option<Direction>,
    /// Media sections in order.
    pub media: Vec<Media<'a>>,
}

impl<'a> Sdp<'a> {
    /// The first session-level attribute named `name`.
    pub fn attribute(&self, name: &str) -> Option<&Attribute<'a>> {
        self.attributes.iter().find(|a| a.is(name))
    }

    /// The connection that applies to `media`: its own first `c=`, else
    /// the session-level one (RFC 8866 §5.7).
    pub fn connection_for(&self, media: &Media<'a>) -> Option<Connection<'a>> {
        media.connections.first().copied().or(self.connection)
    }
}

/// `session-description = version-field origin-field session-name-field
/// [information-field] [uri-field] *email-field *phone-field
/// [connection-field] *bandwidth-field 1*time-description [key-field]
/// *attribute-field *media-description` (RFC 8866 §9).
///
/// `prefix` (may be empty) is a paste prefix such as `"> "`
/// ([`crate::parse::Message::line_prefix`]) removed from each line that starts with it.
pub fn parse_session_description<'a>(text: Text<'a>, prefix: &[u8], out: &mut Findings) -> Sdp<'a> {
    let mut sdp = Sdp {
        text,
        lines: Vec::new(),
        version: None,
        origin: None,
        session_name: None,
        connection: None,
        bandwidths: Vec::new(),
        timing: Vec::new(),
        attributes: Vec::new(),
        direction: None,
        media: Vec::new(),
    };
    let mut media: Option<Media<'a>> = None;
    let mut blank: Option<Span> = None;
    for line in Lines::new(text, prefix) {
        if line.trim().is_empty() {
            blank.get_or_insert(line.span());
            continue;
        }
        if let Some(b) = blank.take() {
            bad(out, b, "empty line inside the session description");
        }
        let Ok((_, (kind, _))) = type_equals(line.bytes()) else {
            bad(
                out,
                line.span(),
                format!(
                    "SDP line {} is not <type>=<value>",
                    quote_str(&clip(line).as_str())
                ),
            );
            continue;
        };
        let l = SdpLine {
            kind,
            value: line.tail(2),
            span: line.span(),
        };
        if sdp.lines.is_empty() && l.kind != b'v' {
            bad(
                out,
                l.span,
                "the session description does not start with v=0",
            );
        }
        sdp.lines.push(l);
        let v = l.value;
        match (l.kind, media.as_mut()) {
            (b'm', _) => {
                if let Some(m) = media.take() {
                    sdp.media.push(m);
                }
                media = Some(parse_media_field(l, out));
            }
            (b'c', Some(m)) => m.connections.extend(parse_connection_field(v, out)),
            (b'b', Some(m)) => m.bandwidths.extend(parse_bandwidth_field(v, out)),
            (b'a', Some(m)) => {
                let a = parse_attribute_field(l, out);
                media_attribute(m, &a, out);
                m.attributes.push(a);
            }
            (b'i' | b'k', Some(_)) => {}
            (b'v' | b'o' | b's' | b'u' | b'e' | b'p' | b't' | b'r' | b'z', Some(m)) => bad(
                out,
                l.span,
                format!(
                    "{}= is a session-level line but appears in the {} media section",
                    l.kind as char,
                    m.media.as_str()
                ),
            ),
            (b'v', None) => {
                if v.bytes() != b"0" {
                    bad(
                        out,
                        l.span,
                        format!("SDP version {} is not 0", quote_str(&v.as_str())),
                    );
                }
                sdp.version.get_or_insert(v);
            }
            (b'o', None) => {
                if let Some(o) = parse_origin_field(v, out) {
                    sdp.origin.get_or_insert(o);
                }
            }
            (b's', None) => {
                sdp.session_name.get_or_insert(v);
            }
            (b'c', None) => {
                if let Some(c) = parse_connection_field(v, out) {
                    sdp.connection.get_or_insert(c);
                }
            }
            (b'b', None) => sdp.bandwidths.extend(parse_bandwidth_field(v, out)),
            (b't', None) => sdp.timing.extend(parse_time_field(v, out)),
            (b'a', None) => {
                let a = parse_attribute_field(l, out);
                if a.value.is_none() {
                    if let Some(d) = Direction::from_name(a.name.bytes()) {
                        sdp.direction = Some(d);
                    }
                }
                sdp.attributes.push(a);
            }
            (b'i' | b'u' | b'e' | b'p' | b'r' | b'z' | b'k', None) => {}
            (k, _) => bad(
                out,
                l.span,
                format!(
                    "unknown SDP line type {}; RFC 8866 §5 tells parsers to ignore such a description",
                    quote_char(k as char)
                ),
            ),
        }
        if let Some(m) = media.as_mut() {
            m.span = Span::new(m.span.start, l.span.end);
        }
    }
    if let Some(m) = media.take() {
        sdp.media.push(m);
    }
    if sdp.lines.is_empty() {
        bad(out, text.span(), "the SDP body holds no line");
        return sdp;
    }
    for d in sdp.media.iter_mut() {
        d.session_direction = sdp.direction;
    }
    let end = Span::empty(text.end());
    let missing = [
        (b'o', "o= (origin)"),
        (b's', "s= (session name)"),
        (b't', "t= (timing)"),
    ];
    for (kind, what) in missing {
        if !sdp.lines.iter().any(|l| l.kind == kind) {
            bad(
                out,
                end,
                format!("the session description has no {what} line, which RFC 8866 §5 requires"),
            );
        }
    }
    sdp
}

fn bad(out: &mut Findings, span: Span, message: impl Into<String>) {
    out.push(Finding::new(Rule::BadBody, span, message));
}

/// At most 60 bytes of a line, for messages.
fn clip(t: Text<'_>) -> Text<'_> {
    t.sub(0, 60)
}

/// One field of the SP-separated SDP lines (`o=`, `c=`, `t=`, `m=`,
/// `a=rtpmap`…; RFC 8866 §9 `SP`), read leniently: after any run of SP or
/// HTAB, the bytes up to the next SP or HTAB. Fails at the end of the line.
fn field(i: &[u8]) -> PResult<'_> {
    let sp = |c: u8| c == b' ' || c == b'\t';
    preceded(take_while(sp), take_till1(sp)).parse(i)
}

/// Splits off the next SP-separated [`field`].
fn next_field<'a>(rest: &mut Text<'a>) -> Option<Text<'a>> {
    let (after, f) = field(rest.bytes()).ok()?;
    let t = text_of(*rest, f);
    *rest = rest.tail(consumed(rest.bytes(), after));
    Some(t)
}

/// `attribute = (attribute-name ":" attribute-value) / attribute-name`
/// (RFC 8866 §9): the name up to the first `:`, the value after it.
/// Never fails.
fn attribute(i: &[u8]) -> PResult<'_, (&[u8], Option<&[u8]>)> {
    (take_till(|c| c == b':'), opt(preceded(char(':'), rest))).parse(i)
}

/// `origin-field = %s"o" "=" username SP sess-id SP sess-version SP
/// nettype SP addrtype SP unicast-address` (RFC 8866 §5.2, §9).
pub fn parse_origin_field<'a>(value: Text<'a>, out: &mut Findings) -> Option<Origin<'a>> {
    let mut rest = value;
    let mut f = [Text::default(); 6];
    for slot in f.iter_mut() {
        match next_field(&mut rest) {
            Some(t) => *slot = t,
            None => {
                bad(
                    out,
                    value.span(),
                    "o= needs six fields: username sess-id sess-version nettype addrtype address",
                );
                return None;
            }
        }
    }
    if next_field(&mut rest).is_some() {
        bad(out, rest.trim().span(), "o= has more than six fields");
    }
    for (t, what) in [(f[1], "sess-id"), (f[2], "sess-version")] {
        if !t.bytes().iter().all(u8::is_ascii_digit) {
            bad(
                out,
                t.span(),
                format!("o= {what} {} is not a number", quote_str(&t.as_str())),
            );
        }
    }
    check_addr(f[4], f[5], "o=", out);
    Some(Origin {
        username: f[0],
        sess_id: f[1],
        sess_version: f[2],
        nettype: f[3],
        addrtype: f[4],
        address: f[5],
    })
}

/// Reports an address that contradicts its `addrtype` (IPv6 under `IP4`,
/// dotted IPv4 under `IP6`; RFC 8866 §5.7, RFC 5118 §4.5).
fn check_addr(addrtype: Text<'_>, addr: Text<'_>, line: &str, out: &mut Findings) {
    let a = addr.bytes();
    let has_colon = a.contains(&b':');
    let dotted = !a.is_empty() && a.iter().all(|&c| c.is_ascii_digit() || c == b'.');
    if addrtype.eq_ignore_case("IP4") && has_colon {
        bad(
            out,
            addr.span(),
            format!(
                "{line} address {} is IPv6 but the addrtype is IP4",
                quote_str(&addr.as_str())
            ),
        );
    } else if addrtype.eq_ignore_case("IP6") && dotted {
        bad(
            out,
            addr.span(),
            format!(
                "{line} address {} is IPv4 but the addrtype is IP6",
                quote_str(&addr.as_str())
            ),
        );
    }
}

/// `connection-field = %s"c" "=" nettype SP addrtype SP connection-address`
/// (RFC 8866 §5.7, §9).
pub fn parse_connection_field<'a>(value: Text<'a>, out: &mut Findings) -> Option<Connection<'a>> {
    let mut rest = value;
    let (Some(nettype), Some(addrtype), Some(full)) = (
        next_field(&mut rest),
        next_field(&mut rest),
        next_field(&mut rest),
    ) else {
        bad(
            out,
            value.span(),
            "c= needs three fields: nettype addrtype connection-address",
        );
        return None;
    };
    if next_field(&mut rest).is_some() {
        bad(out, rest.trim().span(), "c= has more than three fields");
    }
    let (address, suffix) = match full.find_unquoted(b'/') {
        Some(i) => (full.sub(0, i), Some(full.tail(i + 1))),
        None => (full, None),
    };
    check_addr(addrtype, address, "c=", out);
    Some(Connection {
        nettype,
        addrtype,
        address,
        suffix,
    })
}

/// `bandwidth-field = %s"b" "=" bwtype ":" bandwidth` (RFC 8866 §5.8, §9).
pub fn parse_bandwidth_field<'a>(value: Text<'a>, out: &mut Findings) -> Option<Bandwidth<'a>> {
    let Ok((_, (bwtype, v))) = bwtype_bandwidth(value.bytes()) else {
        bad(out, value.span(), "b= is not <bwtype>:<bandwidth>");
        return None;
    };
    let (bwtype, v) = (text_of(value, bwtype), text_of(value, v));
    let bandwidth = v.parse_u64();
    if bandwidth.is_none() || !is_token(bwtype.bytes()) {
        bad(
            out,
            value.span(),
            format!("b= {} is not <bwtype>:<number>", quote_str(&value.as_str())),
        );
    }
    Some(Bandwidth {
        bwtype,
        value: v,
        bandwidth,
    })
}

/// `time-fields = %s"t" "=" start-time SP stop-time` (RFC 8866 §5.9, §9).
pub fn parse_time_field<'a>(value: Text<'a>, out: &mut Findings) -> Option<Timing<'a>> {
    let mut rest = value;
    let (Some(start_text), Some(stop_text)) = (next_field(&mut rest), next_field(&mut rest)) else {
        bad(out, value.span(), "t= needs start-time and stop-time");
        return None;
    };
    let (start, stop) = (start_text.parse_u64(), stop_text.parse_u64());
    if start.is_none() || stop.is_none() || next_field(&mut rest).is_some() {
        bad(
            out,
            value.span(),
            format!("t= {} is not two decimal times", quote_str(&value.as_str())),
        );
    }
    Some(Timing {
        start_text,
        stop_text,
        start,
        stop,
    })
}

/// `media-field = %s"m" "=" media SP port ["/" integer] SP proto 1*(SP fmt)`
/// (RFC 8866 §5.14, §9). Always returns a section, so that the lines after
/// a broken `m=` do not attach to the previous one.
pub fn parse_media_field<'a>(line: SdpLine<'a>, out: &mut Findings) -> Media<'a> {
    let value = line.value;
    let mut rest = value;
    let media = next_field(&mut rest).unwrap_or(value.sub(0, 0));
    let port_field = next_field(&mut rest).unwrap_or(value.tail(value.len()));
    let proto = next_field(&mut rest).unwrap_or(value.tail(value.len()));
    let mut formats = Vec::new();
    while let Some(f) = next_field(&mut rest) {
        formats.push(f);
    }
    if proto.is_empty() {
        bad(
            out,
            line.span,
            "m= needs media, port, proto and at least one format",
        );
    } else if formats.is_empty() {
        bad(out, line.span, "m= lists no format");
    }
    let (port_text, count_text) = match port_field.find_unquoted(b'/') {
        Some(i) => (port_field.sub(0, i), Some(port_field.tail(i + 1))),
        None => (port_field, None),
    };
    let port = port_text.parse_u64().and_then(|p| u16::try_from(p).ok());
    if port.is_none() && !port_text.is_empty() {
        bad(
            out,
            port_text.span(),
            format!(
                "m= port {} is not a number 0-65535",
                quote_str(&port_text.as_str())
            ),
        );
    }
    let port_count = count_text.and_then(|c| {
        let n = c.parse_u64().and_then(|p| u16::try_from(p).ok());
        if n.is_none() {
            bad(
                out,
                c.span(),
                format!("m= port count {} is not a number", quote_str(&c.as_str())),
            );
        }
        n
    });
    Media {
        line,
        span: line.span,
        media,
        port_text,
        port,
        port_count,
        proto,
        formats,
        connections: Vec::new(),
        bandwidths: Vec::new(),
        attributes: Vec::new(),
        rtpmaps: Vec::new(),
        fmtps: Vec::new(),
        direction_attr: None,
        session_direction: None,
        ptime: None,
        maxptime: None,
        current: Vec::new(),
        desired: Vec::new(),
        confirm: Vec::new(),
    }
}

/// `attribute = (attribute-name ":" attribute-value) / attribute-name`,
/// `attribute-name = token` (RFC 8866 §9).
pub fn parse_attribute_field<'a>(line: SdpLine<'a>, out: &mut Findings) -> Attribute<'a> {
    let v = line.value;
    let (name, value) = match attribute(v.bytes()) {
        Ok((_, (n, val))) => (text_of(v, n), val.map(|x| text_of(v, x))),
        Err(_) => (v, None),
    };
    if !super::is_token(name.bytes()) {
        bad(
            out,
            line.span,
            format!(
                "attribute name {} is not a token",
                quote_str(&clip(name).as_str())
            ),
        );
    }
    Attribute { name, value, line }
}

/// Fills the typed views of one media-level attribute.
fn media_attribute<'a>(m: &mut Media<'a>, a: &Attribute<'a>, out: &mut Findings) {
    let name = a.name.bytes();
    let Some(v) = a.value else {
        if let Some(d) = Direction::from_name(name) {
            m.direction_attr = Some(d);
        }
        return;
    };
    match name {
        b"rtpmap" => m.rtpmaps.extend(parse_rtpmap(v, out)),
        b"fmtp" => m.fmtps.extend(parse_fmtp(v, out)),
        b"ptime" => m.ptime = parse_ms(v, "ptime", out),
        b"maxptime" => m.maxptime = parse_ms(v, "maxptime", out),
        b"curr" => m.current.extend(parse_current_status(v, a.line.span, out)),
        b"conf" => m.confirm.extend(parse_current_status(v, a.line.span, out)),
        b"des" => m.desired.extend(parse_desired_status(v, a.line.span, out)),
        _ => {}
    }
}

/// `ptime` / `maxptime`: milliseconds, integer part of a decimal.
fn parse_ms(v: Text<'_>, what: &str, out: &mut Findings) -> Option<u32> {
    let t = v.trim();
    let int = match memchr::memchr(b'.', t.bytes()) {
        Some(i) if t.tail(i + 1).bytes().iter().all(u8::is_ascii_digit) => t.sub(0, i),
        Some(_) => t.sub(0, 0),
        None => t,
    };
    let ms = int.parse_u64().and_then(|n| u32::try_from(n).ok());
    if ms.is_none() {
        bad(
            out,
            v.span(),
            format!("a={what} {} is not milliseconds", quote_str(&v.as_str())),
        );
    }
    ms
}

/// `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding
/// parameters>]` (RFC 8866 §6.6).
pub fn parse_rtpmap<'a>(value: Text<'a>, out: &mut Findings) -> Option<Rtpmap<'a>> {
    let mut rest = value;
    let format = next_field(&mut rest);
    let enc = next_field(&mut rest);
    let payload_type = format
        .and_then(|f| f.parse_u64())
        .filter(|&p| p <= 127)
        .map(|p| p as u8);
    let (Some(format), Some(enc), Some(payload_type)) = (format, enc, payload_type) else {
        bad(
            out,
            value.span(),
            format!(
                "a=rtpmap {} is not <payload type 0-127> <encoding>/<clock rate>",
                quote_str(&clip(value).as_str())
            ),
        );
        return None;
    };
    let (encoding, rate_text, params) = match rtpmap_encoding(enc.bytes()) {
        Ok((_, (name, rate, params))) => (
            text_of(enc, name),
            rate.map(|r| text_of(enc, r)),
            params.map(|p| text_of(enc, p)),
        ),
        Err(_) => (enc, None, None),
    };
    let clock_rate = rate_text
        .and_then(|r| r.parse_u64())
        .and_then(|r| u32::try_from(r).ok());
    if clock_rate.is_none() || encoding.is_empty() {
        bad(
            out,
            enc.span(),
            format!(
                "a=rtpmap encoding {} is not <name>/<clock rate>",
                quote_str(&enc.as_str())
            ),
        );
        if encoding.is_empty() {
            return None;
        }
    }
    let channels = params
        .and_then(|p| p.parse_u64())
        .and_then(|c| u16::try_from(c).ok());
    if let (Some(p), None) = (params, channels) {
        // Audio encoding parameters are the channel count (RFC 8866 §6.6).
        if p.bytes().iter().all(u8::is_ascii_digit) {
            bad(out, p.span(), "a=rtpmap channel count out of range");
        }
    }
    Some(Rtpmap {
        format,
        payload_type,
        encoding,
        clock_rate,
        params,
        channels,
    })
}

/// `a=fmtp:<format> <format specific parameters>` (RFC 8866 §6.15).
pub fn parse_fmtp<'a>(value: Text<'a>, out: &mut Findings) -> Option<Fmtp<'a>> {
    let mut rest = value;
    let Some(format) = next_field(&mut rest) else {
        bad(out, value.span(), "a=fmtp has no format");
        return None;
    };
    let payload_type = format.parse_u64().filter(|&p| p <= 127).map(|p| p as u8);
    Some(Fmtp {
        format,
        payload_type,
        params: rest.trim(),
    })
}

fn status_type(t: Text<'_>) -> Option<StatusType> {
    Some(match t.bytes() {
        b"e2e" => StatusType::E2e,
        b"local" => StatusType::Local,
        b"remote" => StatusType::Remote,
        _ => return None,
    })
}

fn precond_direction(t: Text<'_>) -> Option<PrecondDirection> {
    Some(match t.bytes() {
        b"none" => PrecondDirection::None,
        b"send" => PrecondDirection::Send,
        b"recv" => PrecondDirection::Recv,
        b"sendrecv" => PrecondDirection::SendRecv,
        _ => return None,
    })
}

fn strength(t: Text<'_>) -> Option<Strength> {
    Some(match t.bytes() {
        b"mandatory" => Strength::Mandatory,
        b"optional" => Strength::Optional,
        b"none" => Strength::None,
        b"failure" => Strength::Failure,
        b"unknown" => Strength::Unknown,
        _ => return None,
    })
}

/// `current-status = "a=curr:" precondition-type SP status-type SP
/// direction-tag` (RFC 3312 §4); `confirm-status` has the same shape.
/// `span` is the attribute line, for the view and for findings.
pub fn parse_current_status<'a>(
    value: Text<'a>,
    span: Span,
    out: &mut Findings,
) -> Option<CurrentStatus<'a>> {
    let mut rest = value;
    let fields = (
        next_field(&mut rest),
        next_field(&mut rest).and_then(status_type),
        next_field(&mut rest).and_then(precond_direction),
    );
    let (Some(precondition_type), Some(status_type), Some(direction)) = fields else {
        bad(
            out,
            span,
            format!(
                "precondition status {} is not <type> e2e|local|remote none|send|recv|sendrecv",
                quote_str(&clip(value).as_str())
            ),
        );
        return None;
    };
    Some(CurrentStatus {
        precondition_type,
        status_type,
        direction,
        span,
    })
}

/// `desired-status = "a=des:" precondition-type SP strength-tag SP
/// status-type SP direction-tag` (RFC 3312 §4).
pub fn parse_desired_status<'a>(
    value: Text<'a>,
    span: Span,
    out: &mut Findings,
) -> Option<DesiredStatus<'a>> {
    let mut rest = value;
    let fields = (
        next_field(&mut rest),
        next_field(&mut rest).and_then(strength),
        next_field(&mut rest).and_then(status_type),
        next_field(&mut rest).and_then(precond_direction),
    );
    let (Some(precondition_type), Some(strength), Some(status_type), Some(direction)) = fields
    else {
        bad(
            out,
            span,
            format!(
                "a=des {} is not <type> <strength> e2e|local|remote none|send|recv|sendrecv",
                quote_str(&clip(value).as_str())
            ),
        );
        return None;
    };
    Some(DesiredStatus {
        precondition_type,
        strength,
        status_type,
        direction,
        span,
    })
}

// Native only, like the other users of `test_util` (`wasm-pack test` builds every test target).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::parse::test_util::*;

    /// The body as it sits after a header section, so spans are absolute.
    fn body(input: &[u8]) -> Text<'_> {
        let at = if input.starts_with(b"INVITE ") || input.starts_with(b"SIP/") {
            memchr::memmem::find(input, b"\r\n\r\n").map_or(0, |i| i + 4)
        } else {
            0
        };
        Text::new(input, Span::new(at, input.len()))
    }

    /// Every span of the view slices back to its bytes.
    fn check_spans(input: &[u8], sdp: &Sdp<'_>) {
        let ok = |t: Text<'_>| assert_eq!(t.span().slice(input), t.bytes(), "{t:?}");
        for l in &sdp.lines {
            ok(l.value);
            assert_eq!(l.span.slice(input)[0], l.kind);
            assert!(l.span.slice(input).ends_with(l.value.bytes()));
        }
        if let Some(o) = &sdp.origin {
            for t in [
                o.username,
                o.sess_id,
                o.sess_version,
                o.nettype,
                o.addrtype,
                o.address,
            ] {
                ok(t);
            }
        }
        let conns = sdp.media.iter().flat_map(|m| m.connections.iter());
        for c in sdp.connection.iter().chain(conns) {
            for t in [c.nettype, c.addrtype, c.address] {
                ok(t);
            }
        }
        for m in &sdp.media {
            assert!(m.span.slice(input).starts_with(b"m="));
            for t in [m.media, m.port_text, m.proto] {
                ok(t);
            }
            m.formats.iter().for_each(|&t| ok(t));
            for a in m.attributes.iter().chain(&sdp.attributes) {
                ok(a.name);
                a.value.map(ok);
            }
            for r in &m.rtpmaps {
                ok(r.format);
                ok(r.encoding);
                r.params.map(ok);
            }
            for f in &m.fmtps {
                ok(f.format);
                ok(f.params);
            }
            for c in m.current.iter().chain(&m.confirm) {
                ok(c.precondition_type);
                assert!(c.span.slice(input).starts_with(b"a="));
            }
            for d in &m.desired {
                ok(d.precondition_type);
                assert!(d.span.slice(input).starts_with(b"a=des:"));
            }
        }
    }

    const VOLTE_OFFER: &[u8] = b"INVITE tel:+15550100 SIP/2.0\r\n\r\n\
v=0\r\n\
o=- 1027933615 1027933615 IN IP4 10.10.1.5\r\n\
s=-\r\n\
c=IN IP4 10.10.1.5\r\n\
b=AS:49\r\n\
t=0 0\r\n\
m=audio 49152 RTP/AVP 116 107 97 105 100\r\n\
b=AS:49\r\n\
b=RS:0\r\n\
b=RR:2000\r\n\
a=rtpmap:116 AMR-WB/16000/1\r\n\
a=fmtp:116 mode-change-capability=2;max-red=0\r\n\
a=rtpmap:107 AMR-WB/16000/1\r\n\
a=fmtp:107 octet-align=1; mode-change-capability=2;max-red=0\r\n\
a=rtpmap:97 AMR/8000/1\r\n\
a=fmtp:97 mode-change-capability=2;max-red=0\r\n\
a=rtpmap:105 telephone-event/16000\r\n\
a=fmtp:105 0-15\r\n\
a=rtpmap:100 telephone-event/8000\r\n\
a=fmtp:100 0-15\r\n\
a=curr:qos local none\r\n\
a=curr:qos remote none\r\n\
a=des:qos mandatory local sendrecv\r\n\
a=des:qos optional remote sendrecv\r\n\
a=sendrecv\r\n\
a=ptime:20\r\n\
a=maxptime:240\r\n";

    /// `bwtype` is a `token` (RFC 8866 §9) and SDP has no quoted strings:
    /// `b="AS:64` splits at its `:` and is flagged for its type, `b=A S:64`
    /// too; a well-formed `b=X-EXP:64` is not.
    #[test]
    fn bandwidth_type_is_a_token_and_quotes_are_ordinary() {
        let split = |v: &'static [u8]| {
            let mut f = Vec::new();
            let b = parse_bandwidth_field(Text::new(v, Span::new(0, v.len())), &mut f);
            (b.map(|b| (b.bwtype.bytes(), b.bandwidth)), f.len())
        };
        assert_eq!(split(b"\"AS:64"), (Some((&b"\"AS"[..], Some(64))), 1));
        assert_eq!(split(b"A S:64"), (Some((&b"A S"[..], Some(64))), 1));
        assert_eq!(split(b"X-EXP:64"), (Some((&b"X-EXP"[..], Some(64))), 0));
        assert_eq!(split(b"AS64"), (None, 1));
    }

    #[test]
    fn volte_offer_with_preconditions() {
        let mut f = Vec::new();
        let sdp = parse_session_description(body(VOLTE_OFFER), b"", &mut f);
        assert!(f.is_empty(), "{f:?}");
        check_spans(VOLTE_OFFER, &sdp);
        assert_eq!(sdp.version.unwrap().bytes(), b"0");
        let o = sdp.origin.unwrap();
        assert_eq!(o.username.bytes(), b"-");
        assert_eq!(o.sess_id.bytes(), b"1027933615");
        assert_eq!(o.version_number(), Some(1027933615));
        assert_eq!(
            (o.nettype.bytes(), o.addrtype.bytes()),
            (&b"IN"[..], &b"IP4"[..])
        );
        assert_eq!(o.address.bytes(), b"10.10.1.5");
        assert_eq!(sdp.session_name.unwrap().bytes(), b"-");
        assert_eq!(sdp.connection.unwrap().address.bytes(), b"10.10.1.5");
        assert_eq!(sdp.bandwidths[0].bwtype.bytes(), b"AS");
        assert_eq!(sdp.bandwidths[0].bandwidth, Some(49));
        assert_eq!(
            (sdp.timing[0].start, sdp.timing[0].stop),
            (Some(0), Some(0))
        );
        assert_eq!(sdp.media.len(), 1);

        let m = &sdp.media[0];
        assert!(m.is("audio") && m.is_rtp() && !m.is_rejected());
        assert_eq!((m.port, m.port_count), (Some(49152), None));
        assert_eq!(m.proto.bytes(), b"RTP/AVP");
        assert_eq!(m.formats.len(), 5);
        assert_eq!(m.bandwidths.len(), 3);
        assert_eq!(m.bandwidths[2].bandwidth, Some(2000));
        assert_eq!(m.span.end, VOLTE_OFFER.len() - 2);
        let names: Vec<_> = m.codecs().iter().map(|c| c.name().into_owned()).collect();
        assert_eq!(
            names,
            [
                "AMR-WB",
                "AMR-WB",
                "AMR",
                "telephone-event",
                "telephone-event"
            ]
        );
        let r = m.rtpmap(116).unwrap();
        assert_eq!((r.clock_rate, r.channels), (Some(16000), Some(1)));
        assert_eq!(m.rtpmap(105).unwrap().channels, None);
        assert_eq!(m.codecs()[3].clock_rate(), Some(16000));
        let f107 = m.fmtp(107).unwrap();
        assert_eq!(f107.param("octet-align").unwrap().bytes(), b"1");
        assert_eq!(f107.param("MAX-RED").unwrap().bytes(), b"0");
        assert!(f107.param("mode-set").is_none());
        assert_eq!(m.fmtp(105).unwrap().params.bytes(), b"0-15");
        assert_eq!(m.direction(), Direction::SendRecv);
        assert_eq!(m.direction_attr, Some(Direction::SendRecv));
        assert_eq!((m.ptime, m.maxptime), (Some(20), Some(240)));

        assert_eq!(m.current.len(), 2);
        assert_eq!(m.current[0].status_type, StatusType::Local);
        assert_eq!(m.current[0].direction, PrecondDirection::None);
        assert_eq!(m.current[0].precondition_type.bytes(), b"qos");
        assert_eq!(m.desired.len(), 2);
        let d = &m.desired[0];
        assert_eq!(
            (d.strength, d.status_type, d.direction),
            (
                Strength::Mandatory,
                StatusType::Local,
                PrecondDirection::SendRecv
            )
        );
        assert_eq!(m.desired[1].strength, Strength::Optional);
        assert!(m.has_preconditions());
        assert!(!m.preconditions_met());
        assert_eq!(m.unmet_preconditions().len(), 1);
        assert_eq!(m.attribute("ptime").unwrap().value.unwrap().bytes(), b"20");
        assert_eq!(m.attributes_named("rtpmap").count(), 5);
    }

    const ANSWER_183: &[u8] = b"SIP/2.0 183 Session Progress\r\n\r\n\
v=0\r\n\
o=MTAS 2 2 IN IP4 10.20.0.9\r\n\
s=-\r\n\
c=IN IP4 10.20.0.9\r\n\
t=0 0\r\n\
m=audio 40000 RTP/AVP 116 105\r\n\
a=rtpmap:116 AMR-WB/16000\r\n\
a=fmtp:116 mode-change-capability=2;max-red=0\r\n\
a=rtpmap:105 telephone-event/16000\r\n\
a=curr:qos local sendrecv\r\n\
a=curr:qos remote none\r\n\
a=des:qos mandatory local sendrecv\r\n\
a=des:qos mandatory remote sendrecv\r\n\
a=conf:qos remote sendrecv\r\n\
\r\n";

    #[test]
    fn answer_183_with_remote_precondition_pending() {
        let mut f = Vec::new();
        let sdp = parse_session_description(body(ANSWER_183), b"", &mut f);
        assert!(f.is_empty(), "{f:?}");
        check_spans(ANSWER_183, &sdp);
        let m = &sdp.media[0];
        assert_eq!(m.rtpmap(116).unwrap().channels, None);
        assert_eq!(m.confirm.len(), 1);
        assert_eq!(m.confirm[0].status_type, StatusType::Remote);
        assert!(!m.preconditions_met());
        let unmet = m.unmet_preconditions();
        assert_eq!(unmet.len(), 1);
        assert_eq!(unmet[0].status_type, StatusType::Remote);
        assert_eq!(m.direction(), Direction::SendRecv);
        assert_eq!(m.direction_attr, None);

        // The UPDATE that follows once the remote side has reserved.
        let update = b"v=0\r\no=MTAS 2 3 IN IP4 10.20.0.9\r\ns=-\r\nt=0 0\r\n\
m=audio 40000 RTP/AVP 116\r\n\
a=curr:qos local sendrecv\r\na=curr:qos remote send\r\n\
a=des:qos mandatory local sendrecv\r\na=des:qos mandatory remote send\r\n\
a=des:qos optional e2e sendrecv\r\n";
        let sdp = parse_session_description(body(update), b"", &mut f);
        assert!(f.is_empty(), "{f:?}");
        assert!(sdp.media[0].preconditions_met());
        assert!(sdp.media[0].unmet_preconditions().is_empty());
    }

    #[test]
    fn t38_image_udptl() {
        let input = b"v=0\r\n\
o=- 3 3 IN IP4 192.0.2.5\r\n\
s=-\r\n\
c=IN IP4 192.0.2.5\r\n\
t=0 0\r\n\
m=image 40002 udptl t38\r\n\
a=T38FaxVersion:0\r\n\
a=T38MaxBitRate:14400\r\n\
a=T38FaxRateManagement:transferredTCF\r\n\
a=T38FaxUdpEC:t38UDPRedundancy\r\n";
        let mut f = Vec::new();
        let sdp = parse_session_description(body(input), b"", &mut f);
        assert!(f.is_empty(), "{f:?}");
        check_spans(input, &sdp);
        let m = &sdp.media[0];
        assert!(m.is("image") && !m.is_rtp());
        assert_eq!(m.proto.bytes(), b"udptl");
        let c = m.codecs();
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].name().as_ref(), c[0].payload_type), ("t38", None));
        assert_eq!(
            m.attribute("T38FaxRateManagement")
                .unwrap()
                .value
                .unwrap()
                .bytes(),
            b"transferredTCF"
        );
        assert!(m.preconditions_met() && !m.has_preconditions());
    }

    #[test]
    fn ipv6_lf_prefix_and_trailing_blank_lines() {
        let input = b"> v=0\n\
> o=bob 2808844564 2808844564 IN IP6 2001:db8::20\n\
> s=\n\
> c=IN IP6 2001:db8::20\n\
> t=0 0\n\
> m=audio 5004/2 RTP/AVP 0 8 9 18 101\n\
> a=rtpmap:101 telephone-event/8000\n\
>\n\
> \n\n";
        let mut f = Vec::new();
        let sdp = parse_session_description(body(input), b"> ", &mut f);
        assert!(f.is_empty(), "{f:?}");
        check_spans(input, &sdp);
        let c = sdp.connection.unwrap();
        assert!(c.is_ip6() && !c.is_unspecified());
        assert_eq!(c.address.bytes(), b"2001:db8::20");
        assert_eq!(sdp.session_name.unwrap().bytes(), b"");
        let m = &sdp.media[0];
        assert_eq!((m.port, m.port_count), (Some(5004), Some(2)));
        assert_eq!(sdp.connection_for(m), Some(c));
        let names: Vec<_> = m.codecs().iter().map(|c| c.name().into_owned()).collect();
        assert_eq!(names, ["PCMU", "PCMA", "G722", "G729", "telephone-event"]);
        assert_eq!(m.codecs()[0].static_payload.unwrap().clock_rate, 8000);
        assert_eq!(m.codecs()[4].static_payload, None);

        // IPv6 address under IP4, IPv4 under IP6 (RFC 5118 §4.5).
        let bad = b"v=0\no=- 1 1 IN IP6 192.0.2.1\ns=-\nc=IN IP4 2001:db8::1\nt=0 0\n";
        let mut f = Vec::new();
        let sdp = parse_session_description(body(bad), b"", &mut f);
        assert_eq!(rules(&f), [Rule::BadBody, Rule::BadBody]);
        assert_eq!(f[0].span.slice(bad), b"192.0.2.1");
        assert_eq!(f[1].span.slice(bad), b"2001:db8::1");
        assert!(sdp.media.is_empty());
    }

    #[test]
    fn rejected_stream_and_session_direction() {
        let input = b"v=0\r\no=8801 559 2101 IN IP4 192.168.8.183\r\ns=Talk\r\n\
c=IN IP4 0.0.0.0\r\nt=0 0\r\na=recvonly\r\n\
m=audio 0 RTP/AVP 0\r\n\
m=video 5006 RTP/AVPF 96\r\na=inactive\r\n\
m=audio 5008 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n";
        let mut f = Vec::new();
        let sdp = parse_session_description(body(input), b"", &mut f);
        assert!(f.is_empty(), "{f:?}");
        check_spans(input, &sdp);
        assert!(sdp.connection.unwrap().is_unspecified());
        assert_eq!(sdp.direction, Some(Direction::RecvOnly));
        assert_eq!(sdp.media.len(), 3);
        assert!(sdp.media[0].is_rejected());
        assert_eq!(sdp.media[0].span.slice(input), b"m=audio 0 RTP/AVP 0");
        assert_eq!(sdp.media[0].direction(), Direction::RecvOnly);
        assert_eq!(sdp.media[1].direction(), Direction::Inactive);
        assert!(sdp.media[2].is_rtp());
        let opus = sdp.media[2].rtpmap(111).unwrap();
        assert_eq!((opus.clock_rate, opus.channels), (Some(48000), Some(2)));
    }

    #[test]
    fn broken_lines_are_located_and_skipped() {
        let input = b"v=0\r\n\
o=- 1 1 IN IP4 192.0.2.1\r\n\
s=-\r\n\
this is not sdp\r\n\
t=0 0\r\n\
\r\n\
m=audio 99999 RTP/AVP 0\r\n\
a=rtpmap:300 X/8000\r\n\
a=rtpmap:0 PCMU\r\n\
a=curr:qos local maybe\r\n\
a=des:qos always local sendrecv\r\n\
a=ptime:twenty\r\n\
b=AS\r\n\
x\r\n\
a=sendonly\r\n";
        let mut f = Vec::new();
        let sdp = parse_session_description(body(input), b"", &mut f);
        check_spans(input, &sdp);
        assert!(f.iter().all(|x| x.rule == Rule::BadBody));
        let located: Vec<_> = f.iter().map(|x| x.span.slice(input)).collect();
        assert_eq!(
            located,
            [
                &b"this is not sdp"[..],
                b"",
                b"99999",
                b"300 X/8000",
                b"PCMU",
                b"a=curr:qos local maybe",
                b"a=des:qos always local sendrecv",
                b"twenty",
                b"AS",
                b"x",
            ]
        );
        // Parsing went on: the last line still applies.
        let m = &sdp.media[0];
        assert_eq!(m.port, None);
        assert_eq!(m.direction(), Direction::SendOnly);
        assert!(m.current.is_empty() && m.desired.is_empty());
        // RFC 4475's `a=rtpmap:31 LPC` shape: kept, without clock rate.
        assert_eq!(m.rtpmaps.len(), 1);
        assert_eq!(m.rtpmaps[0].clock_rate, None);
        assert_eq!(m.codecs()[0].name(), "PCMU");
        assert_eq!(m.codecs()[0].clock_rate(), Some(8000));

        let mut f = Vec::new();
        let sdp = parse_session_description(body(b"m=audio 1 RTP/AVP\r\n"), b"", &mut f);
        assert_eq!(sdp.media.len(), 1);
        // No v= first, no format, no o= / s= / t=.
        assert_eq!(f.len(), 5, "{f:?}");

        let mut f = Vec::new();
        parse_session_description(body(b""), b"", &mut f);
        assert_eq!(rules(&f), [Rule::BadBody]);
    }

    #[test]
    fn no_panic_on_odd_bytes() {
        let mut f = Vec::new();
        for input in [
            &b"="[..],
            b"a=",
            b"m=",
            b"m= / / /",
            b"a=rtpmap:",
            b"a=rtpmap:1 /",
            b"a=rtpmap:1 A//",
            b"a=fmtp:",
            b"v=0\r",
            b"\r\n\r\n",
            b"\xff=\x00",
            b"o=\xff \xff \xff \xff \xff \xff \xff",
            b"m=audio 5/ RTP/AVP 0\na=ptime:.\na=ptime:1.\na=curr:\na=des:",
        ] {
            let sdp = parse_session_description(body(input), b"> ", &mut f);
            check_spans(input, &sdp);
        }
    }
}
