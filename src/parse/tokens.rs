//! Token-shaped headers: option-tag lists (`Require`, `Supported`,
//! `Unsupported`, `Proxy-Require`), `Allow`, `Accept`, `RSeq`, `RAck`,
//! product lists (`Server`, `User-Agent`) and `Date`
//! (RFC 3261 §20.1, §20.5, §20.17, §20.29, §20.32, §20.35, §20.37, §20.40,
//! §20.41, §25.1; RFC 3262 §7.1-7.2; RFC 1123 §5.2.14).
//!
//! The quoted-string, comment and qvalue rules they share are the nom
//! parsers of `parse::grammar`.

use crate::quote::quote_str;
use nom::bytes::complete::take_while_m_n;
use nom::character::complete::char;
use nom::Parser;

use super::grammar::{comment_end, is_qvalue, is_token, lws_at, product, whole, PResult};
use super::params::{parse_params, split_list, Findings, Params};
use crate::finding::{Finding, Rule};
use crate::span::{is_lws, Text};

/// Comma-separated tokens; every element that is not a token is reported.
fn token_list<'a>(
    value: Text<'a>,
    header: &str,
    what: &str,
    required: bool,
    out: &mut Findings,
) -> Vec<Text<'a>> {
    if required && value.trim().is_empty() {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            value.span(),
            format!("{header} is empty; at least one {what} is required"),
        ));
    }
    let items = split_list(value, header, out);
    for t in &items {
        if !is_token(t.bytes()) {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                t.span(),
                format!(
                    "{header}: {} is not a {what} (a token)",
                    quote_str(&t.as_str())
                ),
            ));
        }
    }
    items
}

/// `Require = "Require" HCOLON option-tag *(COMMA option-tag)`;
/// `option-tag = token` (RFC 3261 §20.32).
pub fn parse_require<'a>(value: Text<'a>, out: &mut Findings) -> Vec<Text<'a>> {
    token_list(value, "Require", "option-tag", true, out)
}

/// `Supported = ( "Supported" / "k" ) HCOLON [option-tag *(COMMA option-tag)]`
/// (RFC 3261 §20.37); an empty value is legal.
pub fn parse_supported<'a>(value: Text<'a>, out: &mut Findings) -> Vec<Text<'a>> {
    token_list(value, "Supported", "option-tag", false, out)
}

/// `Unsupported = "Unsupported" HCOLON option-tag *(COMMA option-tag)`
/// (RFC 3261 §20.40).
pub fn parse_unsupported<'a>(value: Text<'a>, out: &mut Findings) -> Vec<Text<'a>> {
    token_list(value, "Unsupported", "option-tag", true, out)
}

/// `Proxy-Require = "Proxy-Require" HCOLON option-tag *(COMMA option-tag)`
/// (RFC 3261 §20.29).
pub fn parse_proxy_require<'a>(value: Text<'a>, out: &mut Findings) -> Vec<Text<'a>> {
    token_list(value, "Proxy-Require", "option-tag", true, out)
}

/// `Allow = "Allow" HCOLON [Method *(COMMA Method)]`; `Method = INVITEm /
/// … / extension-method`, `extension-method = token` (RFC 3261 §20.5).
/// Methods are kept as written; [`crate::status::Method::from_bytes`] names the
/// registered ones.
pub fn parse_allow<'a>(value: Text<'a>, out: &mut Findings) -> Vec<Text<'a>> {
    token_list(value, "Allow", "method", false, out)
}

/// `Allow-Events = ( "Allow-Events" / "u" ) HCOLON event-type *(COMMA
/// event-type)` (RFC 6665 §8.4): at least one event package; `event-type`
/// is a token (`reg`, `presence`, `conference`, `presence.winfo`).
pub fn parse_allow_events<'a>(value: Text<'a>, out: &mut Findings) -> Vec<Text<'a>> {
    token_list(value, "Allow-Events", "event package", true, out)
}

/// One `accept-range` of `Accept`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRange<'a> {
    /// `m-type` as written (`*` in `*/*`).
    pub m_type: Text<'a>,
    /// `m-subtype` as written (may be `*`; empty when the `/` is missing).
    pub m_subtype: Text<'a>,
    /// `m-parameter`s and `accept-param`s (`q`) in order.
    pub params: Params<'a>,
}

impl<'a> MediaRange<'a> {
    /// True for `*/*`.
    pub fn is_any(&self) -> bool {
        self.m_type.bytes() == b"*" && self.m_subtype.bytes() == b"*"
    }

    /// The `q` parameter as written (unquoted).
    pub fn q(&self) -> Option<Text<'a>> {
        self.params.value("q")
    }

    /// True when `type/subtype` is `m_type/m_subtype` (case-insensitive,
    /// wildcards not expanded).
    pub fn is(&self, m_type: &str, m_subtype: &str) -> bool {
        self.m_type.eq_ignore_case(m_type) && self.m_subtype.eq_ignore_case(m_subtype)
    }
}

/// `Accept = "Accept" HCOLON [ accept-range *(COMMA accept-range) ]`;
/// `accept-range = media-range *(SEMI accept-param)`;
/// `media-range = ( "*/*" / ( m-type SLASH "*" ) / ( m-type SLASH m-subtype ) )
/// *( SEMI m-parameter )` (RFC 3261 §20.1, §25.1).
pub fn parse_accept<'a>(value: Text<'a>, out: &mut Findings) -> Vec<MediaRange<'a>> {
    let mut ranges = Vec::new();
    for item in split_list(value, "Accept", out) {
        let (range, params) = match item.split_once_unquoted(b';') {
            Some((r, p)) => (r.trim(), parse_params(p, "Accept", out)),
            None => (item, Params::default()),
        };
        let (m_type, m_subtype) = match range.find_unquoted(b'/') {
            Some(i) => (range.sub(0, i).trim(), range.tail(i + 1).trim()),
            None => {
                out.push(Finding::new(
                    Rule::BadHeaderValue,
                    range.span(),
                    format!(
                        "Accept: media range {} has no '/' (type/subtype)",
                        quote_str(&range.as_str())
                    ),
                ));
                (range, range.tail(range.len()))
            }
        };
        for part in [m_type, m_subtype] {
            if !part.is_empty() && !is_token(part.bytes()) {
                out.push(Finding::new(
                    Rule::BadHeaderValue,
                    part.span(),
                    format!(
                        "Accept: {} is not a media type token",
                        quote_str(&part.as_str())
                    ),
                ));
            }
        }
        if let Some(q) = params.get("q").and_then(|p| p.value) {
            if !is_qvalue(q.bytes()) {
                out.push(Finding::new(
                    Rule::BadHeaderValue,
                    q.span(),
                    format!(
                        "Accept: q {} is not a qvalue (0 to 1, at most 3 decimals)",
                        quote_str(&q.as_str())
                    ),
                ));
            }
        }
        if m_type.bytes() == b"*" && m_subtype.bytes() != b"*" {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                range.span(),
                format!(
                    "Accept: {} has a wildcard type with a concrete subtype; only */* or type/* are allowed",
                    quote_str(&range.as_str())
                ),
            ));
        }
        ranges.push(MediaRange {
            m_type,
            m_subtype,
            params,
        });
    }
    ranges
}

/// Reads a `1*DIGIT` number into `u32`, reporting a non-number
/// (`BadHeaderValue`) or an overflow (`ValueOutOfRange`).
pub(crate) fn digits_u32(t: Text<'_>, header: &str, what: &str, out: &mut Findings) -> Option<u32> {
    let b = t.bytes();
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            t.span(),
            format!(
                "{header}: {what} {} is not a decimal number",
                quote_str(&t.as_str())
            ),
        ));
        return None;
    }
    match t.parse_u64().and_then(|v| u32::try_from(v).ok()) {
        Some(v) => Some(v),
        None => {
            out.push(Finding::new(
                Rule::ValueOutOfRange,
                t.span(),
                format!(
                    "{header}: {what} {} is larger than 4294967295 (2^32-1)",
                    t.as_str()
                ),
            ));
            None
        }
    }
}

/// The value of `RSeq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RSeq<'a> {
    /// `response-num` as written.
    pub response_num: Text<'a>,
    /// The number, when it is `1*DIGIT` and fits 32 bits.
    pub value: Option<u32>,
}

/// `RSeq = "RSeq" HCOLON response-num`; `response-num = 1*DIGIT`
/// (RFC 3262 §7.1; the number is a 32-bit counter, §3).
pub fn parse_rseq<'a>(value: Text<'a>, out: &mut Findings) -> Option<RSeq<'a>> {
    let t = value.trim();
    let n = digits_u32(t, "RSeq", "response-num", out);
    Some(RSeq {
        response_num: t,
        value: n,
    })
}

/// The value of `RAck`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RAck<'a> {
    /// `response-num` as written: the RSeq being acknowledged.
    pub response_num: Text<'a>,
    /// `response-num` as a number.
    pub rseq: Option<u32>,
    /// `CSeq-num` as written: the CSeq number of the request the response answers.
    pub cseq_num: Text<'a>,
    /// `CSeq-num` as a number.
    pub cseq: Option<u32>,
    /// `Method` as written (empty when missing).
    pub method: Text<'a>,
}

/// `RAck = "RAck" HCOLON response-num LWS CSeq-num LWS Method`
/// (RFC 3262 §7.2).
pub fn parse_rack<'a>(value: Text<'a>, out: &mut Findings) -> Option<RAck<'a>> {
    let v = value.trim();
    if v.is_empty() {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            v.span(),
            "RAck is empty; `response-num CSeq-num Method` expected",
        ));
        return None;
    }
    let e1 = lws_at(v.bytes());
    let response_num = v.sub(0, e1);
    let rest = v.tail(e1).trim();
    let e2 = lws_at(rest.bytes());
    let cseq_num = rest.sub(0, e2);
    let rest = rest.tail(e2).trim();
    let e3 = lws_at(rest.bytes());
    let method = rest.sub(0, e3);
    let extra = rest.tail(e3).trim();
    let rseq = digits_u32(response_num, "RAck", "response-num", out);
    let cseq = if cseq_num.is_empty() {
        None
    } else {
        digits_u32(cseq_num, "RAck", "CSeq-num", out)
    };
    if method.is_empty() {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            v.span(),
            "RAck: `response-num CSeq-num Method` expected; the CSeq number or method is missing",
        ));
    } else if !is_token(method.bytes()) {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            method.span(),
            format!(
                "RAck: method {} is not a token",
                quote_str(&method.as_str())
            ),
        ));
    }
    if !extra.is_empty() {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            extra.span(),
            format!(
                "RAck: unexpected {} after the method",
                quote_str(&extra.as_str())
            ),
        ));
    }
    Some(RAck {
        response_num,
        rseq,
        cseq_num,
        cseq,
        method,
    })
}

/// One `server-val` of `Server` / `User-Agent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerVal<'a> {
    /// `product = token [SLASH product-version]`.
    Product {
        /// The product name.
        name: Text<'a>,
        /// The version after `/`, when present.
        version: Option<Text<'a>>,
    },
    /// `comment`, parentheses included.
    Comment(Text<'a>),
}

/// `Server = "Server" HCOLON server-val *(LWS server-val)`;
/// `server-val = product / comment`; `product = token [SLASH product-version]`;
/// `comment = LPAREN *(ctext / quoted-pair / comment) RPAREN`
/// (RFC 3261 §20.35, §25.1).
///
/// A comment glued to the preceding product (`FPBX-14.0(13.27.0)`) is
/// accepted without a finding; real stacks send it.
pub fn parse_server<'a>(value: Text<'a>, out: &mut Findings) -> Vec<ServerVal<'a>> {
    server_vals(value, "Server", out)
}

/// `User-Agent = "User-Agent" HCOLON server-val *(LWS server-val)`
/// (RFC 3261 §20.41); see [`parse_server`].
pub fn parse_user_agent<'a>(value: Text<'a>, out: &mut Findings) -> Vec<ServerVal<'a>> {
    server_vals(value, "User-Agent", out)
}

fn server_vals<'a>(value: Text<'a>, header: &str, out: &mut Findings) -> Vec<ServerVal<'a>> {
    let mut vals = Vec::new();
    let b = value.bytes();
    let mut i = 0;
    while i < b.len() {
        if is_lws(b[i]) {
            i += 1;
            continue;
        }
        let rest = value.tail(i);
        if b[i] == b'(' {
            match comment_end(rest.bytes()) {
                Some(n) => {
                    vals.push(ServerVal::Comment(rest.sub(0, n)));
                    i += n;
                }
                None => {
                    out.push(Finding::new(
                        Rule::BadHeaderValue,
                        rest.span(),
                        format!("{header}: comment is not closed with ')'"),
                    ));
                    vals.push(ServerVal::Comment(rest));
                    i = b.len();
                }
            }
            continue;
        }
        let n = rest
            .bytes()
            .iter()
            .position(|&c| is_lws(c) || c == b'(')
            .unwrap_or(rest.len());
        let word = rest.sub(0, n);
        let (name, version) = match word.bytes().iter().position(|&c| c == b'/') {
            Some(s) => (word.sub(0, s), Some(word.tail(s + 1))),
            None => (word, None),
        };
        if !whole(product, word.bytes()) {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                word.span(),
                format!(
                    "{header}: {} is not a product (token or token/version)",
                    quote_str(&word.as_str())
                ),
            ));
        }
        vals.push(ServerVal::Product { name, version });
        i += n;
    }
    if vals.is_empty() {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            value.span(),
            format!("{header} is empty; at least one product or comment is required"),
        ));
    }
    vals
}

/// `Date` as written, piece by piece; numbers are read by the accessors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SipDate<'a> {
    /// `wkday` (`Sun`), without the comma.
    pub wkday: Text<'a>,
    /// Day of month (`06`).
    pub day: Text<'a>,
    /// `month` (`Nov`).
    pub month: Text<'a>,
    /// Year (`1994`).
    pub year: Text<'a>,
    /// `time` (`08:49:37`).
    pub time: Text<'a>,
    /// The zone; must be `GMT`.
    pub zone: Text<'a>,
}

const WKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `2DIGIT` (RFC 1123 §5.2.14 `date1` day, `time` parts), as its value.
fn two_digit(i: &[u8]) -> PResult<'_, u8> {
    take_while_m_n(2, 2, |c: u8| c.is_ascii_digit())
        .map(|d: &[u8]| (d[0] - b'0') * 10 + (d[1] - b'0'))
        .parse(i)
}

/// `4DIGIT`, the year of `date1 = 2DIGIT SP month SP 4DIGIT` (RFC 3261 §25.1).
fn four_digit(i: &[u8]) -> PResult<'_> {
    take_while_m_n(4, 4, |c: u8| c.is_ascii_digit()).parse(i)
}

/// `time = 2DIGIT ":" 2DIGIT ":" 2DIGIT` (RFC 3261 §25.1), as
/// (hours, minutes, seconds), not range-checked.
fn time(i: &[u8]) -> PResult<'_, (u8, u8, u8)> {
    (two_digit, char(':'), two_digit, char(':'), two_digit)
        .map(|(h, _, m, _, s)| (h, m, s))
        .parse(i)
}

/// Exactly one `2DIGIT`, as its value.
fn two_digits(t: Text<'_>) -> Option<u8> {
    match two_digit(t.bytes()) {
        Ok(([], d)) => Some(d),
        _ => None,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: u8, d: u8) -> i64 {
    let (m, d) = (i64::from(m), i64::from(d));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: u16, m: u8) -> u8 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl SipDate<'_> {
    /// Day of month, 1–31 (`None` when not two digits).
    pub fn day_number(&self) -> Option<u8> {
        two_digits(self.day).filter(|d| (1..=31).contains(d))
    }

    /// Month, 1–12 (`None` when not one of `Jan`…`Dec`; case-sensitive as in RFC 1123).
    pub fn month_number(&self) -> Option<u8> {
        MONTHS
            .iter()
            .position(|m| m.as_bytes() == self.month.bytes())
            .map(|i| i as u8 + 1)
    }

    /// Year (`None` when not four digits).
    pub fn year_number(&self) -> Option<u16> {
        if !whole(four_digit, self.year.bytes()) {
            return None;
        }
        self.year.parse_u64().map(|y| y as u16)
    }

    /// `(hour, minute, second)` when `time` is `2DIGIT ":" 2DIGIT ":" 2DIGIT`
    /// within 23:59:60.
    pub fn hms(&self) -> Option<(u8, u8, u8)> {
        let (h, m, s) = match time(self.time.bytes()) {
            Ok(([], hms)) => hms,
            _ => return None,
        };
        (h <= 23 && m <= 59 && s <= 60).then_some((h, m, s))
    }

    /// Seconds since the Unix epoch, when every piece reads.
    pub fn unix_seconds(&self) -> Option<i64> {
        let (y, m, d) = (
            self.year_number()?,
            self.month_number()?,
            self.day_number()?,
        );
        if d > days_in_month(y, m) {
            return None;
        }
        let (hh, mm, ss) = self.hms()?;
        Some(
            days_from_civil(i64::from(y), m, d) * 86_400
                + i64::from(hh) * 3600
                + i64::from(mm) * 60
                + i64::from(ss),
        )
    }
}

/// `Date = "Date" HCOLON SIP-date`; `SIP-date = rfc1123-date`;
/// `rfc1123-date = wkday "," SP date1 SP time SP "GMT"`;
/// `date1 = 2DIGIT SP month SP 4DIGIT`; `time = 2DIGIT ":" 2DIGIT ":" 2DIGIT`
/// (RFC 3261 §20.17, §25.1; RFC 1123 §5.2.14).
///
/// Every deviation (zone other than `GMT`, bad piece, weekday that does
/// not match the date, extra white space) is a `BadDate` finding. Missing
/// pieces are empty texts at the end of the value.
pub fn parse_date<'a>(value: Text<'a>, out: &mut Findings) -> Option<SipDate<'a>> {
    let v = value.trim();
    if v.is_empty() {
        out.push(Finding::new(Rule::BadDate, v.span(), "Date is empty"));
        return None;
    }
    let bad = |out: &mut Findings, t: Text<'_>, msg: String| {
        out.push(Finding::new(Rule::BadDate, t.span(), msg));
    };
    // Pieces separated by white-space runs; anything but one SP is reported once.
    let mut pieces: [Text<'a>; 6] = [v.tail(v.len()); 6];
    let mut count = 0;
    let mut extra = None;
    let b = v.bytes();
    let mut i = 0;
    let mut wkday_comma = false;
    while i < b.len() {
        let s = i;
        while i < b.len() && !is_lws(b[i]) {
            i += 1;
        }
        let mut word = v.sub(s, i);
        // `Sun,06` or `Sun ,` – split the weekday at its comma.
        if count == 0 {
            if let Some(c) = word.bytes().iter().position(|&x| x == b',') {
                wkday_comma = true;
                let after = word.tail(c + 1);
                word = word.sub(0, c);
                if !after.is_empty() {
                    bad(
                        out,
                        after,
                        "Date: SP expected after the weekday comma".into(),
                    );
                    pieces[0] = word;
                    count = 1;
                    word = after;
                }
            }
        } else if count == 1 && !wkday_comma && word.bytes() == b"," {
            wkday_comma = true;
            bad(
                out,
                word,
                "Date: no space is allowed before the weekday comma".into(),
            );
            word = v.sub(i, i);
        }
        if !word.is_empty() {
            if count < 6 {
                pieces[count] = word;
            } else if extra.is_none() {
                extra = Some(v.tail(s));
            }
            count += 1;
        }
        let ws = i;
        while i < b.len() && is_lws(b[i]) {
            i += 1;
        }
        if i - ws > 1 || (i > ws && b[ws] != b' ') {
            bad(
                out,
                v.sub(ws, i),
                "Date: pieces must be separated by exactly one SP".into(),
            );
        }
    }
    let date = SipDate {
        wkday: pieces[0],
        day: pieces[1],
        month: pieces[2],
        year: pieces[3],
        time: pieces[4],
        zone: pieces[5],
    };
    if let Some(x) = extra {
        bad(
            out,
            x,
            format!("Date: unexpected {} after the zone", quote_str(&x.as_str())),
        );
    }
    if count < 6 {
        bad(
            out,
            v,
            "Date: incomplete; `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 1123) expected".into(),
        );
    }
    if !wkday_comma && count > 0 {
        bad(
            out,
            date.wkday,
            "Date: a ',' must follow the weekday".into(),
        );
    }
    let wk = WKDAYS
        .iter()
        .position(|w| w.as_bytes() == date.wkday.bytes());
    if !date.wkday.is_empty() && wk.is_none() {
        bad(
            out,
            date.wkday,
            format!(
                "Date: {} is not a weekday (Mon…Sun)",
                quote_str(&date.wkday.as_str())
            ),
        );
    }
    if !date.day.is_empty() && (date.day.len() != 2 || date.day_number().is_none()) {
        bad(
            out,
            date.day,
            format!(
                "Date: day {} is not two digits 01–31",
                quote_str(&date.day.as_str())
            ),
        );
    }
    if !date.month.is_empty() && date.month_number().is_none() {
        bad(
            out,
            date.month,
            format!(
                "Date: {} is not a month (Jan…Dec)",
                quote_str(&date.month.as_str())
            ),
        );
    }
    if !date.year.is_empty() && date.year_number().is_none() {
        bad(
            out,
            date.year,
            format!(
                "Date: year {} is not four digits",
                quote_str(&date.year.as_str())
            ),
        );
    }
    if !date.time.is_empty() && date.hms().is_none() {
        bad(
            out,
            date.time,
            format!(
                "Date: time {} is not hh:mm:ss within 23:59:60",
                quote_str(&date.time.as_str())
            ),
        );
    }
    if !date.zone.is_empty() && date.zone.bytes() != b"GMT" {
        bad(
            out,
            date.zone,
            format!(
                "Date: zone {} is not allowed; SIP dates are always in GMT",
                quote_str(&date.zone.as_str())
            ),
        );
    }
    if let (Some(y), Some(m), Some(d)) =
        (date.year_number(), date.month_number(), date.day_number())
    {
        if d > days_in_month(y, m) {
            bad(
                out,
                date.day,
                format!("Date: {} {} has no day {d}", date.month.as_str(), y),
            );
        } else if let Some(w) = wk {
            let actual = (days_from_civil(i64::from(y), m, d) + 4).rem_euclid(7) as usize;
            if actual != w {
                bad(
                    out,
                    date.wkday,
                    format!(
                        "Date: {:02} {} {y} is a {}, not a {}",
                        d,
                        date.month.as_str(),
                        WKDAYS[actual],
                        date.wkday.as_str()
                    ),
                );
            }
        }
    }
    Some(date)
}

// Native only: proptest is a native dev-dependency (`wasm-pack test` builds every test target).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::parse::test_util::*;
    use crate::span::Span;

    #[test]
    fn option_tags() {
        let v = b"100rel, precondition ,timer,sec-agree";
        let mut f = Vec::new();
        let tags = parse_require(Text::whole(v), &mut f);
        assert!(f.is_empty(), "{f:?}");
        let got: Vec<_> = tags.iter().map(|x| x.bytes()).collect();
        assert_eq!(
            got,
            [&b"100rel"[..], b"precondition", b"timer", b"sec-agree"]
        );
        tags.iter().for_each(|x| at(v, *x));

        let mut f = Vec::new();
        assert!(parse_supported(Text::whole(b""), &mut f).is_empty());
        assert!(f.is_empty());
        let mut f = Vec::new();
        parse_require(Text::whole(b" "), &mut f);
        assert_eq!(rules(&f), [Rule::BadHeaderValue]);

        let v = b"100rel, pre condition,,";
        let mut f = Vec::new();
        let tags = parse_proxy_require(Text::whole(v), &mut f);
        assert_eq!(tags.len(), 2);
        let bad = f.iter().find(|x| x.rule == Rule::BadHeaderValue).unwrap();
        assert_eq!(bad.span.slice(v), b"pre condition");
        assert!(bad.message.contains("Proxy-Require"));
        assert_eq!(
            f.iter()
                .filter(|x| x.rule == Rule::EmptyListElement)
                .count(),
            2
        );
        let mut f = Vec::new();
        assert_eq!(parse_unsupported(Text::whole(b"\"x\""), &mut f).len(), 1);
        assert_eq!(rules(&f), [Rule::BadHeaderValue]);
    }

    #[test]
    fn allow_methods() {
        let v = b"INVITE,ACK,OPTIONS, BYE,CANCEL,NOTIFY , FOO";
        let mut f = Vec::new();
        let m = parse_allow(Text::whole(v), &mut f);
        assert!(f.is_empty());
        assert_eq!(m.len(), 7);
        assert_eq!(m[6].bytes(), b"FOO");
        assert_eq!(
            crate::status::Method::from_bytes(m[3].bytes()),
            Some(crate::status::Method::Bye)
        );
        m.iter().for_each(|x| at(v, *x));
        let mut f = Vec::new();
        parse_allow(Text::whole(b"INVITE ACK"), &mut f);
        assert_eq!(rules(&f), [Rule::BadHeaderValue]);
    }

    #[test]
    fn accept_ranges() {
        let v = b"application/sdp, */*;q=0.1, text/* ; level=1, application/3gpp-ims+xml";
        let mut f = Vec::new();
        let r = parse_accept(Text::whole(v), &mut f);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(r.len(), 4);
        assert!(r[0].is("Application", "SDP"));
        assert!(r[1].is_any());
        assert_eq!(r[1].q().unwrap().bytes(), b"0.1");
        assert_eq!(r[2].m_subtype.bytes(), b"*");
        assert_eq!(r[2].params.value("level").unwrap().bytes(), b"1");
        assert_eq!(r[3].m_subtype.bytes(), b"3gpp-ims+xml");
        for m in &r {
            at(v, m.m_type);
            at(v, m.m_subtype);
            m.params.iter().for_each(|p| at(v, p.name));
        }
        let v = b"*/sdp, sdp, text/plain;q=2";
        let mut f = Vec::new();
        let r = parse_accept(Text::whole(v), &mut f);
        assert_eq!(r.len(), 3);
        assert_eq!(rules(&f), [Rule::BadHeaderValue; 3]);
        assert_eq!(f[2].span.slice(v), b"2");
        assert_eq!(f[0].span.slice(v), b"*/sdp");
        assert_eq!(f[1].span.slice(v), b"sdp");
        assert!(r[1].m_subtype.is_empty());
        let mut f = Vec::new();
        assert!(parse_accept(Text::whole(b""), &mut f).is_empty() && f.is_empty());
    }

    #[test]
    fn rseq_rack() {
        let v = b" 4711 ";
        let mut f = Vec::new();
        let r = parse_rseq(Text::whole(v), &mut f).unwrap();
        assert!(f.is_empty());
        assert_eq!(r.value, Some(4711));
        at(v, r.response_num);
        let mut f = Vec::new();
        let r = parse_rseq(Text::whole(b"4294967296"), &mut f).unwrap();
        assert_eq!((r.value, rules(&f)), (None, vec![Rule::ValueOutOfRange]));
        let mut f = Vec::new();
        parse_rseq(Text::whole(b"-1"), &mut f);
        assert_eq!(rules(&f), [Rule::BadHeaderValue]);

        let v = b"776656 1 INVITE";
        let mut f = Vec::new();
        let r = parse_rack(Text::whole(v), &mut f).unwrap();
        assert!(f.is_empty());
        assert_eq!((r.rseq, r.cseq), (Some(776656), Some(1)));
        assert_eq!(r.method.bytes(), b"INVITE");
        for x in [r.response_num, r.cseq_num, r.method] {
            at(v, x);
        }
        let v = b"1 INVITE";
        let mut f = Vec::new();
        let r = parse_rack(Text::whole(v), &mut f).unwrap();
        assert_eq!(r.cseq, None);
        assert!(r.method.is_empty());
        assert_eq!(rules(&f), [Rule::BadHeaderValue, Rule::BadHeaderValue]);
        let mut f = Vec::new();
        let r = parse_rack(Text::whole(b"1 2 INVITE x"), &mut f).unwrap();
        assert_eq!(r.method.bytes(), b"INVITE");
        assert_eq!(f[0].span.slice(b"1 2 INVITE x"), b"x");
        let mut f = Vec::new();
        assert!(parse_rack(Text::whole(b""), &mut f).is_none());
        assert_eq!(rules(&f), [Rule::BadHeaderValue]);
    }

    #[test]
    fn products_and_comments() {
        let v = b"Sip EXpress router (0.8.12 (i386/linux)) FPBX-14.0.13.4(13.27.0) Avaya CM/R016x.03.0.124.0";
        let mut f = Vec::new();
        let p = parse_server(Text::whole(v), &mut f);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(p.len(), 8);
        match p[3] {
            ServerVal::Comment(c) => assert_eq!(c.bytes(), b"(0.8.12 (i386/linux))"),
            _ => panic!(),
        }
        match p[5] {
            ServerVal::Comment(c) => assert_eq!(c.bytes(), b"(13.27.0)"),
            _ => panic!(),
        }
        match p[7] {
            ServerVal::Product { name, version } => {
                assert_eq!(name.bytes(), b"CM");
                assert_eq!(version.unwrap().bytes(), b"R016x.03.0.124.0");
            }
            _ => panic!(),
        }
        for x in p {
            match x {
                ServerVal::Comment(c) => at(v, c),
                ServerVal::Product { name, version } => {
                    at(v, name);
                    version.into_iter().for_each(|x| at(v, x));
                }
            }
        }
        let v = b"Foo/ Bar, (unclosed";
        let mut f = Vec::new();
        let p = parse_user_agent(Text::whole(v), &mut f);
        assert_eq!(p.len(), 3);
        assert_eq!(rules(&f), [Rule::BadHeaderValue; 3]);
        assert_eq!(f[0].span.slice(v), b"Foo/");
        assert_eq!(f[1].span.slice(v), b"Bar,");
        assert_eq!(f[2].span.slice(v), b"(unclosed");
        assert!(f[2].message.contains("User-Agent"));
        let mut f = Vec::new();
        assert!(parse_server(Text::whole(b"  "), &mut f).is_empty());
        assert_eq!(rules(&f), [Rule::BadHeaderValue]);
    }

    #[test]
    fn rfc1123_dates() {
        let v = b"Sun, 06 Nov 1994 08:49:37 GMT";
        let mut f = Vec::new();
        let d = parse_date(Text::whole(v), &mut f).unwrap();
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(d.wkday.bytes(), b"Sun");
        assert_eq!(d.month_number(), Some(11));
        assert_eq!(d.hms(), Some((8, 49, 37)));
        assert_eq!(d.unix_seconds(), Some(784_111_777));
        for x in [d.wkday, d.day, d.month, d.year, d.time, d.zone] {
            at(v, x);
        }
        // RFC 4475 §3.1.2.12 baddate.
        let v = b"Fri, 01 Jan 2010 16:00:00 EST";
        let mut f = Vec::new();
        let d = parse_date(Text::whole(v), &mut f).unwrap();
        assert_eq!(rules(&f), [Rule::BadDate]);
        assert_eq!(f[0].span.slice(v), b"EST");
        assert_eq!(d.unix_seconds(), Some(1_262_361_600));
        // Real capture.
        let mut f = Vec::new();
        parse_date(Text::whole(b"Sun, 01 May 2016 19:58:21 GMT"), &mut f).unwrap();
        assert!(f.is_empty());
    }

    #[test]
    fn bad_dates() {
        let v = b"Mon, 06 Nov 1994 08:49:37 GMT";
        let mut f = Vec::new();
        parse_date(Text::whole(v), &mut f);
        assert_eq!(rules(&f), [Rule::BadDate]);
        assert_eq!(f[0].span.slice(v), b"Mon");
        assert!(f[0].message.contains("Sunday") || f[0].message.contains("Sun"));

        let v = b"Sun 06  Nov 94 8:49:37 gmt extra";
        let mut f = Vec::new();
        let d = parse_date(Text::whole(v), &mut f).unwrap();
        let spans: Vec<_> = f.iter().map(|x| x.span.slice(v)).collect();
        assert!(spans.contains(&&b"  "[..]));
        assert!(spans.contains(&&b"94"[..]));
        assert!(spans.contains(&&b"8:49:37"[..]));
        assert!(spans.contains(&&b"gmt"[..]));
        assert!(spans.contains(&&b"extra"[..]));
        assert!(spans.contains(&&b"Sun"[..]));
        assert!(f.iter().all(|x| x.rule == Rule::BadDate));
        assert_eq!(d.unix_seconds(), None);

        let v = b"Sun,06 Feb 2023";
        let mut f = Vec::new();
        let d = parse_date(Text::whole(v), &mut f).unwrap();
        assert_eq!(d.day.bytes(), b"06");
        assert!(d.zone.is_empty() && d.time.is_empty());
        at(v, d.zone);
        assert!(f.len() >= 2);

        let mut f = Vec::new();
        parse_date(Text::whole(b"Thu, 30 Feb 2023 00:00:00 GMT"), &mut f);
        assert_eq!(rules(&f), [Rule::BadDate]);
        let mut f = Vec::new();
        assert!(parse_date(Text::whole(b""), &mut f).is_none());
        assert_eq!(rules(&f), [Rule::BadDate]);
        let mut f = Vec::new();
        parse_date(Text::whole(b",,,, \xff\xff"), &mut f);
        assert!(!f.is_empty());
    }

    proptest::proptest! {
        #[test]
        fn never_panics_spans_inside(body in nasty()) {
            let mut input = b"Date: ".to_vec();
            input.extend_from_slice(&body);
            let v = Text::new(&input, Span::new(6, input.len()));
            let mut f = Vec::new();
            for x in parse_require(v, &mut f).into_iter().chain(parse_allow(v, &mut f)) {
                at(&input, x);
            }
            for m in parse_accept(v, &mut f) {
                at(&input, m.m_type);
                at(&input, m.m_subtype);
            }
            if let Some(r) = parse_rack(v, &mut f) {
                for x in [r.response_num, r.cseq_num, r.method] {
                    at(&input, x);
                }
            }
            parse_rseq(v, &mut f);
            for s in parse_server(v, &mut f) {
                match s {
                    ServerVal::Comment(c) => at(&input, c),
                    ServerVal::Product { name, version } => {
                        at(&input, name);
                        version.into_iter().for_each(|x| at(&input, x));
                    }
                }
            }
            if let Some(d) = parse_date(v, &mut f) {
                for x in [d.wkday, d.day, d.month, d.year, d.time, d.zone] {
                    at(&input, x);
                }
                let _ = d.unix_seconds();
            }
            for x in &f {
                proptest::prop_assert!(x.span.start >= 6 && x.span.end <= input.len(), "{x:?}");
            }
        }

        #[test]
        fn dates_round_trip(secs in 0i64..8_000_000_000) {
            // Every well-formed GMT date parses without a finding and reads back.
            let days = secs.div_euclid(86_400);
            let (mut y, mut d) = (1970i64, days);
            loop {
                let len = if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 { 366 } else { 365 };
                if d < len { break; }
                d -= len;
                y += 1;
            }
            let mut m = 1u8;
            while d >= i64::from(days_in_month(y as u16, m)) {
                d -= i64::from(days_in_month(y as u16, m));
                m += 1;
            }
            let s = secs.rem_euclid(86_400);
            let text = format!(
                "{}, {:02} {} {y} {:02}:{:02}:{:02} GMT",
                WKDAYS[((days + 4).rem_euclid(7)) as usize],
                d + 1,
                MONTHS[usize::from(m - 1)],
                s / 3600,
                s / 60 % 60,
                s % 60
            );
            let mut f = Vec::new();
            let date = parse_date(Text::whole(text.as_bytes()), &mut f).unwrap();
            proptest::prop_assert!(f.is_empty(), "{text}: {f:?}");
            proptest::prop_assert_eq!(date.unix_seconds(), Some(secs));
        }
    }
}
