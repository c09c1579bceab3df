//! Security agreement headers: `Security-Client`, `Security-Server`,
//! `Security-Verify` (RFC 3329 §2.2; 3GPP TS 33.203 Annex H
//! `ipsec-3gpp` parameters; 3GPP TS 24.229 §5.1.1.2, §5.2.2).
//!
//! Each value is a list of `mechanism-name *(SEMI mech-parameters)`. The
//! numeric IPsec parameters (`spi-c`, `spi-s`, `port-c`, `port-s`) and the
//! preference `q` are checked when parsed; the accessors return `None` for
//! values that do not read.

use crate::quote::quote_str;
use nom::character::complete::digit1;

use super::grammar::{head_then_params, is_qvalue, text_of, whole, PResult};
use super::is_token;
use super::params::{parse_params, split_list, Findings, Params};
use crate::finding::{Finding, Rule};
use crate::span::Text;

/// One `sec-mechanism`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecMechanism<'a> {
    /// `mechanism-name` as written (`ipsec-3gpp`, `tls`, `digest`…).
    pub name: Text<'a>,
    /// The `mech-parameters` in order.
    pub params: Params<'a>,
}

impl<'a> SecMechanism<'a> {
    /// True when the mechanism is `name` (case-insensitive).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_case(name)
    }

    /// `alg`: integrity algorithm (`hmac-md5-96`, `hmac-sha-1-96`) (TS 33.203 Annex H).
    pub fn alg(&self) -> Option<Text<'a>> {
        self.params.value("alg")
    }

    /// `ealg`: encryption algorithm (`des-ede3-cbc`, `aes-cbc`, `null`) (TS 33.203 Annex H).
    pub fn ealg(&self) -> Option<Text<'a>> {
        self.params.value("ealg")
    }

    /// `prot`: IPsec protocol (`esp`, `ah`) (TS 33.203 Annex H).
    pub fn prot(&self) -> Option<Text<'a>> {
        self.params.value("prot")
    }

    /// `mod`: IPsec mode (`trans`, `tun`, `UDP-enc-tun`) (TS 33.203 Annex H).
    pub fn mode(&self) -> Option<Text<'a>> {
        self.params.value("mod")
    }

    /// `spi-c`: SPI of the client's inbound SA (TS 33.203 Annex H).
    pub fn spi_c(&self) -> Option<u32> {
        self.number("spi-c").and_then(|v| u32::try_from(v).ok())
    }

    /// `spi-s`: SPI of the server's inbound SA (TS 33.203 Annex H).
    pub fn spi_s(&self) -> Option<u32> {
        self.number("spi-s").and_then(|v| u32::try_from(v).ok())
    }

    /// `port-c`: protected client port (TS 33.203 Annex H).
    pub fn port_c(&self) -> Option<u16> {
        self.number("port-c").and_then(|v| u16::try_from(v).ok())
    }

    /// `port-s`: protected server port (TS 33.203 Annex H).
    pub fn port_s(&self) -> Option<u16> {
        self.number("port-s").and_then(|v| u16::try_from(v).ok())
    }

    /// `q`: preference as written (RFC 3329 §2.2).
    pub fn q(&self) -> Option<Text<'a>> {
        self.params.value("q")
    }

    /// `q` as a number, when it is a finite decimal one (even outside 0–1):
    /// digits with an optional sign, fraction and exponent, as `1`, `0.5`,
    /// `.5`, `-1`, `5e-1`.
    pub fn q_value(&self) -> Option<f32> {
        decimal(self.q()?.bytes())
    }

    /// `d-alg`: digest algorithm for the `digest` mechanism (RFC 3329 §2.2).
    pub fn d_alg(&self) -> Option<Text<'a>> {
        self.params.value("d-alg")
    }

    /// `d-qop`: digest qop for the `digest` mechanism (RFC 3329 §2.2).
    pub fn d_qop(&self) -> Option<Text<'a>> {
        self.params.value("d-qop")
    }

    /// `d-ver`: digest of the Security-Server list (RFC 3329 §2.2).
    pub fn d_ver(&self) -> Option<Text<'a>> {
        self.params.value("d-ver")
    }

    fn number(&self, name: &str) -> Option<u64> {
        self.params.value(name)?.parse_u64()
    }
}

/// `Security-Client = "Security-Client" HCOLON sec-mechanism *(COMMA sec-mechanism)`;
/// `sec-mechanism = mechanism-name *(SEMI mech-parameters)`;
/// `mechanism-name = ( "digest" / "tls" / "ipsec-ike" / "ipsec-man" / token )`
/// (RFC 3329 §2.2); `ipsec-3gpp` parameters: `alg`, `ealg`, `prot`, `mod`,
/// `spi-c`, `spi-s` (`spivalue = 10DIGIT; 0 to 4294967295`), `port-c`,
/// `port-s` (`port = 1*DIGIT`) (3GPP TS 33.203 Annex H).
pub fn parse_security_client<'a>(value: Text<'a>, out: &mut Findings) -> Vec<SecMechanism<'a>> {
    sec_mechanisms(value, "Security-Client", out)
}

/// `Security-Server = "Security-Server" HCOLON sec-mechanism *(COMMA sec-mechanism)`
/// (RFC 3329 §2.2); see [`parse_security_client`].
pub fn parse_security_server<'a>(value: Text<'a>, out: &mut Findings) -> Vec<SecMechanism<'a>> {
    sec_mechanisms(value, "Security-Server", out)
}

/// `Security-Verify = "Security-Verify" HCOLON sec-mechanism *(COMMA sec-mechanism)`
/// (RFC 3329 §2.2); see [`parse_security_client`].
pub fn parse_security_verify<'a>(value: Text<'a>, out: &mut Findings) -> Vec<SecMechanism<'a>> {
    sec_mechanisms(value, "Security-Verify", out)
}

/// `sec-mechanism = mechanism-name *(SEMI mech-parameters)` (RFC 3329
/// §2.2): the `mechanism-name` (everything up to the first `;` outside
/// quoted strings, trimmed and checked against `token` by the view) and
/// the text of the `mech-parameters` after it (read by `parse_params`).
/// Never fails.
fn sec_mechanism(i: &[u8]) -> PResult<'_, (&[u8], Option<&[u8]>)> {
    head_then_params(i)
}

/// `1*DIGIT`: the `spivalue` (`10DIGIT`, read as any run of digits and
/// checked against 4294967295) and `port` of the `ipsec-3gpp` parameters
/// (3GPP TS 33.203 Annex H; RFC 3261 §25.1 `port = 1*DIGIT`).
fn decimal_digits(i: &[u8]) -> PResult<'_> {
    digit1(i)
}

fn sec_mechanisms<'a>(value: Text<'a>, header: &str, out: &mut Findings) -> Vec<SecMechanism<'a>> {
    if value.trim().is_empty() {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            value.span(),
            format!("{header} is empty; at least one mechanism is required"),
        ));
    }
    let mut mechs = Vec::new();
    for item in split_list(value, header, out) {
        let (name, params) = match sec_mechanism(item.bytes()) {
            Ok((_, (n, Some(p)))) => (
                text_of(item, n).trim(),
                parse_params(text_of(item, p), header, out),
            ),
            _ => (item, Params::default()),
        };
        if !is_token(name.bytes()) {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                if name.is_empty() {
                    item.span()
                } else {
                    name.span()
                },
                format!(
                    "{header}: mechanism-name {} is not a token",
                    quote_str(&name.as_str())
                ),
            ));
        }
        for p in params.iter() {
            let Some(v) = p.value else { continue };
            let limit: u64 = if p.is("spi-c") || p.is("spi-s") {
                u64::from(u32::MAX)
            } else if p.is("port-c") || p.is("port-s") {
                u64::from(u16::MAX)
            } else {
                if p.is("q") && !is_qvalue(v.bytes()) {
                    out.push(Finding::new(
                        Rule::BadHeaderValue,
                        v.span(),
                        format!(
                            "{header}: q {} is not a qvalue (0 to 1, at most 3 decimals)",
                            quote_str(&v.as_str())
                        ),
                    ));
                }
                continue;
            };
            if !whole(decimal_digits, v.bytes()) {
                out.push(Finding::new(
                    Rule::BadHeaderValue,
                    v.span(),
                    format!(
                        "{header}: {} {} is not a decimal number",
                        p.name.as_str(),
                        quote_str(&v.as_str())
                    ),
                ));
            } else if v.parse_u64().is_none_or(|n| n > limit) {
                out.push(Finding::new(
                    Rule::ValueOutOfRange,
                    v.span(),
                    format!(
                        "{header}: {} {} is larger than {limit}",
                        p.name.as_str(),
                        v.as_str()
                    ),
                ));
            }
        }
        mechs.push(SecMechanism { name, params });
    }
    mechs
}

// Native only: proptest is a native dev-dependency (`wasm-pack test` builds every test target).
/// A decimal number, `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`: the
/// finite numbers `str::parse::<f32>` reads, without the standard float parser (about 6 KB
/// of the core `.wasm`; README, "Size and speed"). Up to 19 significant digits are kept;
/// the value is computed in `f64` and rounded to `f32`, so a q-value is the same `f32` as
/// `parse` gives (tested). Anything else (`inf`, `nan`, `1.2.3`, empty) is `None`.
fn decimal(b: &[u8]) -> Option<f32> {
    let (neg, b) = match b.split_first() {
        Some((b'-', r)) => (true, r),
        Some((b'+', r)) => (false, r),
        _ => (false, b),
    };
    let mut mant: u64 = 0;
    let mut exp: i64 = 0;
    let mut seen = false;
    let mut frac = false;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' => {
                seen = true;
                if mant < 1_000_000_000_000_000_000 {
                    mant = mant * 10 + u64::from(c - b'0');
                    exp -= i64::from(frac);
                } else {
                    exp += i64::from(!frac);
                }
            }
            b'.' if !frac => frac = true,
            _ => break,
        }
        i += 1;
    }
    if !seen {
        return None;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        let eneg = b.get(i) == Some(&b'-');
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let start = i;
        let mut e: i64 = 0;
        while let Some(&c @ b'0'..=b'9') = b.get(i) {
            e = (e * 10 + i64::from(c - b'0')).min(100_000);
            i += 1;
        }
        if i == start {
            return None;
        }
        exp += if eneg { -e } else { e };
    }
    if i != b.len() {
        return None;
    }
    // 10^k is exact in f64 for k <= 22: one correctly rounded step for any q-value.
    let mut v = mant as f64;
    while exp < 0 {
        let k = (-exp).min(22);
        v /= 10f64.powi(k as i32);
        exp += k;
    }
    while exp > 0 {
        let k = exp.min(22);
        v *= 10f64.powi(k as i32);
        exp -= k;
    }
    let v = (if neg { -v } else { v }) as f32;
    v.is_finite().then_some(v)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    #[test]
    fn decimal_equals_the_standard_parse() {
        for t in [
            "0",
            "1",
            "0.1",
            "0.5",
            "1.5",
            "0.001",
            "0.333",
            ".5",
            "5.",
            "+0.5",
            "-1",
            "-0.25",
            "5e-1",
            "1E2",
            "000.100",
            "1.000",
            "0.999",
            "12345678901234567890123",
            "3.4e38",
        ] {
            let want = t.parse::<f32>().ok().filter(|q| q.is_finite());
            assert_eq!(decimal(t.as_bytes()), want, "{t}");
        }
        for t in [
            "", ".", "-", "e1", "1e", "1.2.3", "inf", "nan", "1x", "1e+", "0x1", " 1", "1e99999",
        ] {
            assert_eq!(decimal(t.as_bytes()), None, "{t}");
        }
    }

    use super::*;
    use crate::parse::test_util::*;
    use crate::span::Span;

    fn spans_ok(input: &[u8], m: &[SecMechanism<'_>]) {
        for m in m {
            assert_eq!(m.name.span().slice(input), m.name.bytes());
            for p in m.params.iter() {
                assert_eq!(p.name.span().slice(input), p.name.bytes());
                let v = p.value.unwrap();
                assert_eq!(v.span().slice(input), v.bytes());
            }
        }
    }

    #[test]
    fn ipsec_3gpp_server() {
        let v = b"ipsec-3gpp; q=0.1; alg=hmac-sha-1-96; ealg=null; spi-c=1234; spi-s=5678; port-c=5062; port-s=5064";
        let mut f = Vec::new();
        let m = parse_security_server(Text::whole(v), &mut f);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(m.len(), 1);
        let s = &m[0];
        assert!(s.is("IPSEC-3GPP"));
        assert_eq!(s.q().unwrap().bytes(), b"0.1");
        assert_eq!(s.q_value(), Some(0.1));
        assert_eq!(s.alg().unwrap().bytes(), b"hmac-sha-1-96");
        assert_eq!(s.ealg().unwrap().bytes(), b"null");
        assert_eq!((s.spi_c(), s.spi_s()), (Some(1234), Some(5678)));
        assert_eq!((s.port_c(), s.port_s()), (Some(5062), Some(5064)));
        assert_eq!(s.prot(), None);
        spans_ok(v, &m);
    }

    #[test]
    fn client_list_with_several_mechanisms() {
        let v = b"ipsec-3gpp;alg=hmac-md5-96;ealg=aes-cbc;prot=esp;mod=trans;spi-c=4294967295;spi-s=0;port-c=65535;port-s=1,ipsec-3gpp;alg=hmac-sha-1-96;prot=esp;mod=trans;spi-c=1;spi-s=2;port-c=3;port-s=4, digest;d-alg=md5;d-qop=auth-int;q=1.000, tls;q=0.2";
        let mut f = Vec::new();
        let m = parse_security_client(Text::whole(v), &mut f);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(m.len(), 4);
        assert_eq!(m[0].spi_c(), Some(u32::MAX));
        assert_eq!(m[0].spi_s(), Some(0));
        assert_eq!(m[0].port_c(), Some(65535));
        assert_eq!(m[0].prot().unwrap().bytes(), b"esp");
        assert_eq!(m[0].mode().unwrap().bytes(), b"trans");
        assert_eq!(m[1].alg().unwrap().bytes(), b"hmac-sha-1-96");
        assert_eq!(m[2].d_alg().unwrap().bytes(), b"md5");
        assert_eq!(m[2].d_qop().unwrap().bytes(), b"auth-int");
        assert_eq!(m[2].q_value(), Some(1.0));
        assert!(m[3].is("tls"));
        spans_ok(v, &m);

        let v = b"digest;d-ver=\"0123456789abcdef0123456789abcdef\"";
        let mut f = Vec::new();
        let m = parse_security_verify(Text::whole(v), &mut f);
        assert!(f.is_empty());
        assert_eq!(
            m[0].d_ver().unwrap().bytes(),
            b"0123456789abcdef0123456789abcdef"
        );
        spans_ok(v, &m);
    }

    #[test]
    fn out_of_range_and_malformed() {
        let v = b"ipsec-3gpp; spi-c=4294967296; spi-s=x1; port-c=65536; port-s=99999999999999999999999; q=1.5";
        let mut f = Vec::new();
        let m = parse_security_client(Text::whole(v), &mut f);
        assert_eq!(
            rules(&f),
            [
                Rule::ValueOutOfRange,
                Rule::BadHeaderValue,
                Rule::ValueOutOfRange,
                Rule::ValueOutOfRange,
                Rule::BadHeaderValue
            ]
        );
        assert_eq!(f[0].span.slice(v), b"4294967296");
        assert!(f[0].message.contains("Security-Client") && f[0].message.contains("spi-c"));
        assert_eq!(f[1].span.slice(v), b"x1");
        assert_eq!(f[2].span.slice(v), b"65536");
        assert_eq!(f[4].span.slice(v), b"1.5");
        let s = &m[0];
        assert_eq!(
            (s.spi_c(), s.spi_s(), s.port_c(), s.port_s()),
            (None, None, None, None)
        );
        assert_eq!(s.q().unwrap().bytes(), b"1.5");
        assert_eq!(s.q_value(), Some(1.5));
        spans_ok(v, &m);

        let v = b"ipsec 3gpp;alg=x, ;q=0.5,,";
        let mut f = Vec::new();
        let m = parse_security_verify(Text::whole(v), &mut f);
        assert_eq!(m.len(), 2);
        assert_eq!(f[0].rule, Rule::EmptyListElement);
        let bad: Vec<_> = f
            .iter()
            .filter(|x| x.rule == Rule::BadHeaderValue)
            .map(|x| x.span.slice(v))
            .collect();
        assert_eq!(bad, [&b"ipsec 3gpp"[..], b";q=0.5"]);
        assert!(m[1].name.is_empty());
        assert_eq!(m[1].q_value(), Some(0.5));

        let mut f = Vec::new();
        assert!(parse_security_server(Text::whole(b""), &mut f).is_empty());
        assert_eq!(rules(&f), [Rule::BadHeaderValue]);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_spans_inside(body in nasty()) {
            let mut input = b"Security-Client: ".to_vec();
            input.extend_from_slice(&body);
            let v = Text::new(&input, Span::new(17, input.len()));
            let mut f = Vec::new();
            let m = parse_security_client(v, &mut f);
            for x in &m {
                proptest::prop_assert_eq!(x.name.span().slice(&input), x.name.bytes());
                for p in x.params.iter() {
                    proptest::prop_assert_eq!(p.name.span().slice(&input), p.name.bytes());
                    p.value.into_iter().for_each(|t| assert_eq!(t.span().slice(&input), t.bytes()));
                }
                let _ = (x.spi_c(), x.port_s(), x.q_value());
            }
            for x in &f {
                proptest::prop_assert!(x.span.start >= 17 && x.span.end <= input.len(), "{x:?}");
            }
        }
    }
}
