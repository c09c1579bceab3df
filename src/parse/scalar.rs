//! Single-value headers: CSeq, Call-ID, Max-Forwards, Expires, Min-Expires,
//! Min-SE, Session-Expires, Content-Length (RFC 3261 §20.8, §20.14,
//! §20.16, §20.19, §20.22, §20.23; RFC 4028 §4, §5).

use super::params::{parse_params, Findings, Params};
use crate::finding::{Finding, Rule};
use crate::quote::quote_str;
use crate::span::Text;
use crate::status::Method;

/// `CSeq = "CSeq" HCOLON 1*DIGIT LWS Method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CSeq<'a> {
    /// The sequence number text.
    pub seq_text: Text<'a>,
    /// The sequence number, when it is at most 2^32-1.
    pub seq: Option<u32>,
    /// The method as written.
    pub method: Text<'a>,
}

impl CSeq<'_> {
    /// The registered method, if any.
    pub fn known_method(&self) -> Option<Method> {
        Method::from_bytes(self.method.bytes())
    }
}

/// `CSeq = 1*DIGIT LWS Method` (RFC 3261 §20.16: the number is < 2^31 when
/// generated, and must fit 32 bits).
pub fn parse_cseq<'a>(value: Text<'a>, out: &mut Findings) -> Option<CSeq<'a>> {
    let v = value.trim();
    let b = v.bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            v.span(),
            format!(
                "CSeq {} does not start with a sequence number",
                quote_str(&v.as_str())
            ),
        ));
        return None;
    }
    let seq_text = v.sub(0, digits);
    let method = v.tail(digits).trim();
    let seq = seq_text.parse_u64().and_then(|n| u32::try_from(n).ok());
    if seq.is_none() {
        out.push(Finding::new(
            Rule::ValueOutOfRange,
            seq_text.span(),
            format!("CSeq number {} is larger than 2^32-1", seq_text.as_str()),
        ));
    }
    if method.is_empty() || !super::is_token(method.bytes()) || digits == method.start() - v.start()
    {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            v.span(),
            "CSeq needs a number, white space and a method token",
        ));
    }
    Some(CSeq {
        seq_text,
        seq,
        method,
    })
}

/// `callid = word [ "@" word ]` (RFC 3261 §25.1). Returns the trimmed value;
/// white space or a second `@` inside is reported.
pub fn parse_call_id<'a>(value: Text<'a>, out: &mut Findings) -> Text<'a> {
    let v = value.trim();
    let b = v.bytes();
    if b.is_empty()
        || b.iter().any(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
        || memchr::memchr_iter(b'@', b).count() > 1
    {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            v.span(),
            "Call-ID must be word [\"@\" word] with no white space",
        ));
    }
    v
}

/// `delta-seconds = 1*DIGIT`, at most 2^32-1 (RFC 3261 §25.1, §20.19).
pub fn parse_delta_seconds(value: Text<'_>, header: &str, out: &mut Findings) -> Option<u32> {
    let v = value.trim();
    match v.parse_u64() {
        Some(n) => match u32::try_from(n) {
            Ok(n) => Some(n),
            Err(_) => {
                out.push(Finding::new(
                    Rule::ValueOutOfRange,
                    v.span(),
                    format!("{header} {} is larger than 2^32-1", v.as_str()),
                ));
                None
            }
        },
        None => {
            if v.bytes().iter().all(u8::is_ascii_digit) && !v.is_empty() {
                out.push(Finding::new(
                    Rule::ValueOutOfRange,
                    v.span(),
                    format!("{header} {} is larger than 2^32-1", v.as_str()),
                ));
            } else {
                out.push(Finding::new(
                    Rule::BadHeaderValue,
                    v.span(),
                    format!(
                        "{header} {} is not a number of seconds",
                        quote_str(&v.as_str())
                    ),
                ));
            }
            None
        }
    }
}

/// `Max-Forwards = 1*DIGIT` (0–255 by RFC 3261 §20.22 and §8.1.1.6).
pub fn parse_max_forwards(value: Text<'_>, out: &mut Findings) -> Option<u8> {
    let v = value.trim();
    match v.parse_u64() {
        Some(n) if n <= 255 => Some(n as u8),
        Some(_) | None if v.bytes().iter().all(u8::is_ascii_digit) && !v.is_empty() => {
            out.push(Finding::new(
                Rule::ValueOutOfRange,
                v.span(),
                format!("Max-Forwards {} is larger than 255", v.as_str()),
            ));
            None
        }
        _ => {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                v.span(),
                format!("Max-Forwards {} is not a number", quote_str(&v.as_str())),
            ));
            None
        }
    }
}

/// `Session-Expires` / `Min-SE`: `delta-seconds *(SEMI param)` (RFC 4028).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInterval<'a> {
    /// The interval in seconds.
    pub seconds: Option<u32>,
    /// The seconds as written.
    pub seconds_text: Text<'a>,
    /// Parameters (`refresher=uac|uas` for Session-Expires).
    pub params: Params<'a>,
}

impl<'a> SessionInterval<'a> {
    /// The `refresher` parameter (Session-Expires).
    pub fn refresher(&self) -> Option<Text<'a>> {
        self.params.value("refresher")
    }
}

/// `Session-Expires = delta-seconds *(SEMI se-params)`,
/// `Min-SE = delta-seconds *(SEMI generic-param)` (RFC 4028 §4, §5).
pub fn parse_session_interval<'a>(
    value: Text<'a>,
    header: &str,
    out: &mut Findings,
) -> SessionInterval<'a> {
    let v = value.trim();
    let (secs, params) = match v.find_unquoted(b';') {
        Some(i) => (v.sub(0, i).trim(), parse_params(v.tail(i + 1), header, out)),
        None => (v, Params::default()),
    };
    SessionInterval {
        seconds: parse_delta_seconds(secs, header, out),
        seconds_text: secs,
        params,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cseq_values() {
        let mut f = Vec::new();
        let c = parse_cseq(Text::whole(b"0009\r\n  INVITE"), &mut f).unwrap();
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(c.seq, Some(9));
        assert_eq!(c.known_method(), Some(Method::Invite));
        let c = parse_cseq(Text::whole(b"36893488147419103232 INVITE"), &mut f).unwrap();
        assert_eq!(c.seq, None);
        assert_eq!(f[0].rule, Rule::ValueOutOfRange);
        let mut f = Vec::new();
        assert!(parse_cseq(Text::whole(b"INVITE"), &mut f).is_none());
        let mut f = Vec::new();
        parse_cseq(Text::whole(b"1INVITE"), &mut f);
        assert_eq!(f[0].rule, Rule::BadHeaderValue);
    }

    #[test]
    fn scalars() {
        let mut f = Vec::new();
        assert_eq!(parse_max_forwards(Text::whole(b"0068"), &mut f), Some(68));
        assert_eq!(parse_max_forwards(Text::whole(b"300"), &mut f), None);
        assert_eq!(f.pop().unwrap().rule, Rule::ValueOutOfRange);
        assert_eq!(
            parse_delta_seconds(Text::whole(b"600000"), "Expires", &mut f),
            Some(600000)
        );
        assert_eq!(
            parse_delta_seconds(Text::whole(b"10000000000000000000000"), "Expires", &mut f),
            None
        );
        assert_eq!(f.pop().unwrap().rule, Rule::ValueOutOfRange);
        assert_eq!(
            parse_delta_seconds(Text::whole(b"-1"), "Expires", &mut f),
            None
        );
        assert_eq!(f.pop().unwrap().rule, Rule::BadHeaderValue);
        let se = parse_session_interval(
            Text::whole(b"1800;refresher=uac"),
            "Session-Expires",
            &mut f,
        );
        assert_eq!(se.seconds, Some(1800));
        assert_eq!(se.refresher().unwrap().bytes(), b"uac");
        assert_eq!(
            parse_call_id(Text::whole(b" abc@host "), &mut f).bytes(),
            b"abc@host"
        );
        assert!(f.is_empty());
        parse_call_id(Text::whole(b"a b"), &mut f);
        assert_eq!(f[0].rule, Rule::BadHeaderValue);
    }
}
