//! IMS private headers: `P-Access-Network-Info` (RFC 7315 §5.4;
//! 3GPP TS 24.229 §7.2A.4) and `P-Charging-Vector` (RFC 7315 §5.6;
//! 3GPP TS 24.229 §7.2A.5).
//!
//! Besides the grammar, the cell identity of 3GPP accesses is decoded
//! (MCC, MNC, LAC/TAC, cell id) following the layouts of TS 24.229
//! §7.2A.4.3; see [`AccessNetSpec::cell_global_id`].

use crate::quote::quote_str;
use nom::branch::alt;
use nom::Parser;

use super::grammar::{head_then_params, quoted_string, text_of, token, whole, PResult};
use super::params::{parse_params, split_list, unquote, Findings, Param, Params};
use crate::finding::{Finding, Rule};
use crate::span::Text;

/// One `access-net-spec` of `P-Access-Network-Info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessNetSpec<'a> {
    /// `access-type` / `access-class` as written (a token, or a quoted string).
    pub access: Text<'a>,
    /// The `access-info` parameters in order.
    pub params: Params<'a>,
}

/// Parameters that carry a cell (or access point) identity, in the order
/// [`AccessNetSpec::cell_id`] looks for them.
const CELL_ID_PARAMS: &[&str] = &[
    "utran-cell-id-3gpp", // UTRAN, E-UTRAN, NR (TS 24.229 §7.2A.4.3)
    "cgi-3gpp",           // GERAN (TS 24.229 §7.2A.4.3)
    "nrcgi",              // NR cell global identity as sent by some networks
    "ci-3gpp2",           // cdma2000 (RFC 7315 §5.4)
    "ci-3gpp2-femto",     // cdma2000 femto (RFC 7315 §5.4)
];

/// Layout of a 3GPP cell identity after MCC+MNC: how many hex digits the
/// area code (LAC/TAC) and the cell identity take.
/// (access-type prefix, parameter, area digits, cell digits, spec)
#[rustfmt::skip]
const CELL_LAYOUTS: &[(&str, &str, usize, usize)] = &[
    // TS 24.229 §7.2A.4.3: TAC 4 hex + ECI 7 hex (EPC); TAC 6 hex with 5GC.
    ("3GPP-E-UTRAN", "utran-cell-id-3gpp", 4, 7),
    ("3GPP-E-UTRAN", "utran-cell-id-3gpp", 6, 7),
    // TS 24.229 §7.2A.4.3: 5GS TAC 6 hex + NR cell identity 9 hex.
    ("3GPP-NR",      "utran-cell-id-3gpp", 6, 9),
    // TS 24.229 §7.2A.4.3: LAC 4 hex + UMTS cell identity 7 hex.
    ("3GPP-UTRAN",   "utran-cell-id-3gpp", 4, 7),
    // TS 24.229 §7.2A.4.3: LAC 4 hex + CI 4 hex.
    ("3GPP-GERAN",   "cgi-3gpp",           4, 4),
];

/// A 3GPP cell global identity read from `utran-cell-id-3gpp` / `cgi-3gpp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellGlobalId<'a> {
    /// Mobile country code, 3 digits.
    pub mcc: Text<'a>,
    /// Mobile network code, 2 or 3 digits.
    pub mnc: Text<'a>,
    /// LAC (GERAN, UTRAN) or TAC (E-UTRAN, NR), hex.
    pub area: Text<'a>,
    /// CI (GERAN), UMTS cell id (UTRAN), ECI (E-UTRAN) or NCI (NR), hex.
    pub cell: Text<'a>,
}

fn hex_value(t: Text<'_>) -> Option<u64> {
    u64::from_str_radix(std::str::from_utf8(t.bytes()).ok()?, 16).ok()
}

impl CellGlobalId<'_> {
    /// The area code (LAC/TAC) as a number.
    pub fn area_code(&self) -> Option<u32> {
        hex_value(self.area).and_then(|v| u32::try_from(v).ok())
    }

    /// The cell identity as a number (for E-UTRAN: eNB id = ECI >> 8).
    pub fn cell_identity(&self) -> Option<u64> {
        hex_value(self.cell)
    }
}

/// Reads `MCC(3 digits) MNC(2|3 digits) area(hex) cell(hex)` from `v`.
///
/// The value carries no separator, so the MNC length is inferred from the
/// total length: `len - 3 - area - cell` must be 2 or 3.
fn decode_cgi(v: Text<'_>, area: usize, cell: usize) -> Option<CellGlobalId<'_>> {
    let mnc_len = v.len().checked_sub(3 + area + cell)?;
    if !(2..=3).contains(&mnc_len) {
        return None;
    }
    let digits = 3 + mnc_len;
    let b = v.bytes();
    if !b.get(..digits)?.iter().all(u8::is_ascii_digit)
        || !b.get(digits..)?.iter().all(u8::is_ascii_hexdigit)
    {
        return None;
    }
    Some(CellGlobalId {
        mcc: v.sub(0, 3),
        mnc: v.sub(3, digits),
        area: v.sub(digits, digits + area),
        cell: v.sub(digits + area, v.len()),
    })
}

impl<'a> AccessNetSpec<'a> {
    /// The access type / class without quotes (`3GPP-E-UTRAN-FDD`, `IEEE-802.11`…).
    pub fn access_type(&self) -> Text<'a> {
        unquote(self.access)
    }

    /// The first parameter that carries a cell identity
    /// (`utran-cell-id-3gpp`, `cgi-3gpp`, `nrcgi`, `ci-3gpp2`, `ci-3gpp2-femto`).
    pub fn cell_id(&self) -> Option<&Param<'a>> {
        CELL_ID_PARAMS
            .iter()
            .find_map(|name| self.params.get(name).filter(|p| p.value.is_some()))
    }

    /// True when the P-CSCF (not the UE) inserted this access-net-spec
    /// (`network-provided`, RFC 7315 §5.4).
    pub fn is_network_provided(&self) -> bool {
        self.params.has("network-provided")
    }

    /// `i-wlan-node-id`: the WLAN access point (RFC 7315 §5.4).
    pub fn i_wlan_node_id(&self) -> Option<Text<'a>> {
        self.params.value("i-wlan-node-id")
    }

    /// The decoded cell identity for 3GPP GERAN, UTRAN, E-UTRAN and NR
    /// accesses (TS 24.229 §7.2A.4.3):
    ///
    /// | access | parameter | layout |
    /// |---|---|---|
    /// | `3GPP-E-UTRAN*` | `utran-cell-id-3gpp` | MCC(3) MNC(2\|3) TAC(4 hex; 6 hex with 5GC) ECI(7 hex) |
    /// | `3GPP-NR*` | `utran-cell-id-3gpp` | MCC(3) MNC(2\|3) TAC(6 hex) NCI(9 hex) |
    /// | `3GPP-UTRAN*` | `utran-cell-id-3gpp` | MCC(3) MNC(2\|3) LAC(4 hex) UCI(7 hex) |
    /// | `3GPP-GERAN` | `cgi-3gpp` | MCC(3) MNC(2\|3) LAC(4 hex) CI(4 hex) |
    ///
    /// Heuristic: the value has no separators, so the MNC length is
    /// inferred from the total length (`len - 3 - area - cell` ∈ {2, 3});
    /// `None` when no layout fits.
    pub fn cell_global_id(&self) -> Option<CellGlobalId<'a>> {
        let access = self.access_type();
        CELL_LAYOUTS
            .iter()
            .find_map(|&(prefix, param, area, cell)| {
                let ab = access.bytes();
                if !ab
                    .get(..prefix.len())?
                    .eq_ignore_ascii_case(prefix.as_bytes())
                {
                    return None;
                }
                decode_cgi(self.params.value(param)?, area, cell)
            })
    }
}

/// `access-net-spec = (access-type / access-class) *(SEMI access-info)`
/// (RFC 7315 §5.4): the access type (everything up to the first `;`
/// outside quoted strings, trimmed and checked with [`access_type`] by the
/// view) and the text of the `access-info` parameters after it (read by
/// `parse_params`). Never fails.
fn access_net_spec(i: &[u8]) -> PResult<'_, (&[u8], Option<&[u8]>)> {
    head_then_params(i)
}

/// `access-type = … / token`, `access-class = … / token` (RFC 7315 §5.4),
/// or a `quoted-string` as TS 24.229 §7.2A.4.2 also allows.
fn access_type(i: &[u8]) -> PResult<'_> {
    alt((token, quoted_string)).parse(i)
}

/// `P-Access-Network-Info = "P-Access-Network-Info" HCOLON access-net-spec *(COMMA access-net-spec)`;
/// `access-net-spec = (access-type / access-class) *(SEMI access-info)`;
/// `access-type = "IEEE-802.11" / … / "3GPP-E-UTRAN-FDD" / "3GPP-NR-FDD" / … / token`;
/// `access-info = cgi-3gpp / utran-cell-id-3gpp / dsl-location / i-wlan-node-id /
/// ci-3gpp2 / eth-location / ci-3gpp2-femto / fiber-location / np / extension-access-info`;
/// `np = "network-provided"` (RFC 7315 §5.4; TS 24.229 §7.2A.4.2 also
/// allows a quoted string as access type).
pub fn parse_p_access_network_info<'a>(
    value: Text<'a>,
    out: &mut Findings,
) -> Vec<AccessNetSpec<'a>> {
    const H: &str = "P-Access-Network-Info";
    if value.trim().is_empty() {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            value.span(),
            format!("{H} is empty; an access type is required"),
        ));
    }
    let mut specs = Vec::new();
    for item in split_list(value, H, out) {
        let (access, params) = match access_net_spec(item.bytes()) {
            Ok((_, (a, Some(p)))) => (
                text_of(item, a).trim(),
                parse_params(text_of(item, p), H, out),
            ),
            _ => (item, Params::default()),
        };
        if !whole(access_type, access.bytes()) {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                if access.is_empty() {
                    item.span()
                } else {
                    access.span()
                },
                format!(
                    "{H}: access type {} is neither a token nor a quoted string",
                    quote_str(&access.as_str())
                ),
            ));
        }
        let spec = AccessNetSpec { access, params };
        check_cell_id(&spec, out);
        specs.push(spec);
    }
    specs
}

/// Reports a 3GPP cell identity that fits none of the layouts of its access type.
fn check_cell_id(spec: &AccessNetSpec<'_>, out: &mut Findings) {
    if spec.cell_global_id().is_some() {
        return;
    }
    let access = spec.access_type();
    let layouts = || {
        CELL_LAYOUTS.iter().filter(|(prefix, _, _, _)| {
            access
                .bytes()
                .get(..prefix.len())
                .is_some_and(|a| a.eq_ignore_ascii_case(prefix.as_bytes()))
        })
    };
    let Some(&(_, param, _, _)) = layouts().next() else {
        return;
    };
    let Some(v) = spec.params.value(param) else {
        return;
    };
    let expected: Vec<String> = layouts()
        .map(|(_, _, a, c)| format!("MCC(3)+MNC(2|3)+{a} hex+{c} hex"))
        .collect();
    out.push(Finding::new(
        Rule::BadHeaderValue,
        v.span(),
        format!(
            "P-Access-Network-Info: {param} {} does not fit {} for {}",
            quote_str(&v.as_str()),
            expected.join(" or "),
            access.as_str()
        ),
    ));
}

/// The value of `P-Charging-Vector`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargingVector<'a> {
    /// `icid-value`: the IMS charging identifier (mandatory).
    pub icid_value: Option<Text<'a>>,
    /// `icid-generated-at`: host that generated the ICID.
    pub icid_generated_at: Option<Text<'a>>,
    /// `orig-ioi`: originating inter-operator identifier.
    pub orig_ioi: Option<Text<'a>>,
    /// `term-ioi`: terminating inter-operator identifier.
    pub term_ioi: Option<Text<'a>>,
    /// All parameters in order, the ones above included
    /// (`transit-ioi`, `related-icid`, … are read from here).
    pub params: Params<'a>,
}

/// `P-Charging-Vector = "P-Charging-Vector" HCOLON icid-value *(SEMI charge-params)`;
/// `charge-params = icid-gen-addr / orig-ioi / term-ioi / transit-ioi /
/// related-icid / related-icid-gen-addr / generic-param`;
/// `icid-value = "icid-value" EQUAL gen-value`;
/// `icid-gen-addr = "icid-generated-at" EQUAL host`;
/// `orig-ioi = "orig-ioi" EQUAL gen-value`; `term-ioi = "term-ioi" EQUAL gen-value`
/// (RFC 7315 §5.6). Values are unquoted.
pub fn parse_p_charging_vector<'a>(
    value: Text<'a>,
    out: &mut Findings,
) -> Option<ChargingVector<'a>> {
    const H: &str = "P-Charging-Vector";
    let v = value.trim();
    if v.is_empty() {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            v.span(),
            format!("{H} is empty; icid-value is required"),
        ));
        return None;
    }
    let params = parse_params(v, H, out);
    match params.get("icid-value") {
        None => out.push(Finding::new(
            Rule::BadHeaderValue,
            v.span(),
            format!("{H}: icid-value is missing"),
        )),
        Some(p) if p.value.is_none_or(|x| unquote(x).is_empty()) => out.push(Finding::new(
            Rule::BadHeaderValue,
            p.name.span(),
            format!("{H}: icid-value is empty"),
        )),
        Some(p) if !params.0.first().is_some_and(|f| std::ptr::eq(f, p)) => out.push(Finding::new(
            Rule::BadHeaderValue,
            p.name.span(),
            format!("{H}: icid-value must be the first parameter"),
        )),
        Some(_) => {}
    }
    Some(ChargingVector {
        icid_value: params.value("icid-value"),
        icid_generated_at: params.value("icid-generated-at"),
        orig_ioi: params.value("orig-ioi"),
        term_ioi: params.value("term-ioi"),
        params,
    })
}

// Native only: proptest is a native dev-dependency (`wasm-pack test` builds every test target).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::parse::test_util::*;
    use crate::span::Span;

    #[test]
    fn e_utran_cell() {
        let v = b"3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=2620100010ECE4301";
        let mut f = Vec::new();
        let p = parse_p_access_network_info(Text::whole(v), &mut f);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(p.len(), 1);
        let s = &p[0];
        assert_eq!(s.access_type().bytes(), b"3GPP-E-UTRAN-FDD");
        let c = s.cell_id().unwrap();
        assert_eq!(c.name.bytes(), b"utran-cell-id-3gpp");
        assert_eq!(c.value.unwrap().bytes(), b"2620100010ECE4301");
        let g = s.cell_global_id().unwrap();
        // 17 characters = 3 + 3 + 4 + 7: the MNC is read as 3 digits.
        assert_eq!(g.mcc.bytes(), b"262");
        assert_eq!(g.mnc.bytes(), b"010");
        assert_eq!(g.area.bytes(), b"0010");
        assert_eq!(g.cell.bytes(), b"ECE4301");
        assert_eq!(g.area_code(), Some(0x10));
        assert_eq!(g.cell_identity(), Some(0xECE4301));
        for x in [s.access, g.mcc, g.mnc, g.area, g.cell, c.name] {
            at(v, x);
        }
        assert!(!s.is_network_provided());
    }

    #[test]
    fn mnc_length_heuristic() {
        let v = b"3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=001010001ABCDEF7";
        let mut f = Vec::new();
        let g = parse_p_access_network_info(Text::whole(v), &mut f)[0]
            .cell_global_id()
            .unwrap();
        assert!(f.is_empty());
        assert_eq!(
            (g.mcc.bytes(), g.mnc.bytes(), g.area.bytes(), g.cell.bytes()),
            (&b"001"[..], &b"01"[..], &b"0001"[..], &b"ABCDEF7"[..])
        );
        assert_eq!(g.area_code(), Some(1));
        assert_eq!(g.cell_identity(), Some(0xABCDEF7));
        at(v, g.cell);

        let v = b"3GPP-E-UTRAN-TDD;utran-cell-id-3gpp=3111480001ABCDEF7;network-provided";
        let mut f = Vec::new();
        let s = &parse_p_access_network_info(Text::whole(v), &mut f)[0];
        let g = s.cell_global_id().unwrap();
        assert_eq!((g.mcc.bytes(), g.mnc.bytes()), (&b"311"[..], &b"148"[..]));
        assert!(s.is_network_provided());
    }

    #[test]
    fn nr_wlan_and_list() {
        let v = b"3GPP-NR-FDD; utran-cell-id-3gpp=00101000001000000001; nrcgi=001010000000001, IEEE-802.11;i-wlan-node-id=ffeeddccbbaa;network-provided, \"3GPP-UTRAN\"";
        let mut f = Vec::new();
        let p = parse_p_access_network_info(Text::whole(v), &mut f);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(p.len(), 3);
        let g = p[0].cell_global_id().unwrap();
        assert_eq!(g.mnc.bytes(), b"01");
        assert_eq!(g.area.bytes(), b"000001");
        assert_eq!(g.cell.bytes(), b"000000001");
        assert_eq!(p[0].cell_id().unwrap().name.bytes(), b"utran-cell-id-3gpp");
        assert_eq!(p[1].access_type().bytes(), b"IEEE-802.11");
        assert_eq!(p[1].i_wlan_node_id().unwrap().bytes(), b"ffeeddccbbaa");
        assert!(p[1].cell_id().is_none() && p[1].cell_global_id().is_none());
        assert!(p[1].is_network_provided());
        assert_eq!(p[2].access.bytes(), b"\"3GPP-UTRAN\"");
        assert_eq!(p[2].access_type().bytes(), b"3GPP-UTRAN");
        for s in &p {
            at(v, s.access);
            at(v, s.access_type());
            s.params.iter().for_each(|x| at(v, x.name));
        }

        let v = b"3GPP-NR-TDD;nrcgi=001010000000001";
        let mut f = Vec::new();
        let p = parse_p_access_network_info(Text::whole(v), &mut f);
        assert!(f.is_empty());
        assert_eq!(
            p[0].cell_id().unwrap().value.unwrap().bytes(),
            b"001010000000001"
        );
        assert!(p[0].cell_global_id().is_none());

        let v = b"3GPP-GERAN;cgi-3gpp=2620112341234";
        let mut f = Vec::new();
        let g = parse_p_access_network_info(Text::whole(v), &mut f)[0]
            .cell_global_id()
            .unwrap();
        assert!(f.is_empty());
        assert_eq!(
            (g.area.bytes(), g.cell.bytes()),
            (&b"1234"[..], &b"1234"[..])
        );
    }

    #[test]
    fn malformed_access_info() {
        let v =
            b"3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=26201XYZ, 3GPP E-UTRAN;x=1, ;network-provided";
        let mut f = Vec::new();
        let p = parse_p_access_network_info(Text::whole(v), &mut f);
        assert_eq!(p.len(), 3);
        assert_eq!(rules(&f), [Rule::BadHeaderValue; 3]);
        assert_eq!(f[0].span.slice(v), b"26201XYZ");
        assert!(
            f[0].message.contains("P-Access-Network-Info") && f[0].message.contains("4 hex+7 hex")
        );
        assert_eq!(f[1].span.slice(v), b"3GPP E-UTRAN");
        assert_eq!(f[2].span.slice(v), b";network-provided");
        assert!(p[0].cell_global_id().is_none());
        assert_eq!(p[0].cell_id().unwrap().value.unwrap().bytes(), b"26201XYZ");
        let mut f = Vec::new();
        assert!(parse_p_access_network_info(Text::whole(b""), &mut f).is_empty());
        assert_eq!(rules(&f), [Rule::BadHeaderValue]);
    }

    #[test]
    fn charging_vector() {
        let v = b"icid-value=\"AyretyU0dm+6O2IrT5tAFrbHLso=023551024\";icid-generated-at=192.0.6.8;orig-ioi=home1.net;term-ioi=home2.net;transit-ioi=\"x.net.1\"";
        let mut f = Vec::new();
        let c = parse_p_charging_vector(Text::whole(v), &mut f).unwrap();
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(
            c.icid_value.unwrap().bytes(),
            b"AyretyU0dm+6O2IrT5tAFrbHLso=023551024"
        );
        assert_eq!(c.icid_generated_at.unwrap().bytes(), b"192.0.6.8");
        assert_eq!(c.orig_ioi.unwrap().bytes(), b"home1.net");
        assert_eq!(c.term_ioi.unwrap().bytes(), b"home2.net");
        assert_eq!(c.params.value("transit-ioi").unwrap().bytes(), b"x.net.1");
        for x in [c.icid_value, c.icid_generated_at, c.orig_ioi, c.term_ioi] {
            at(v, x.unwrap());
        }
        // Real capture.
        let v = b"icid-value=l3IAkHDw~~~~~~~~~~~~~0OHYPQA;icid-generated-at=10.249.30.11;orig-ioi=astrakhan.megafonvolga.ru";
        let mut f = Vec::new();
        let c = parse_p_charging_vector(Text::whole(v), &mut f).unwrap();
        assert!(f.is_empty());
        assert_eq!(c.orig_ioi.unwrap().bytes(), b"astrakhan.megafonvolga.ru");
        assert!(c.term_ioi.is_none());
    }

    #[test]
    fn charging_vector_malformed() {
        let v = b"orig-ioi=a;;icid-value=x";
        let mut f = Vec::new();
        let c = parse_p_charging_vector(Text::whole(v), &mut f).unwrap();
        assert_eq!(rules(&f), [Rule::EmptyListElement, Rule::BadHeaderValue]);
        assert_eq!(f[1].span.slice(v), b"icid-value");
        assert_eq!(c.icid_value.unwrap().bytes(), b"x");
        let mut f = Vec::new();
        let c = parse_p_charging_vector(Text::whole(b"orig-ioi=a"), &mut f).unwrap();
        assert!(c.icid_value.is_none());
        assert_eq!(rules(&f), [Rule::BadHeaderValue]);
        let mut f = Vec::new();
        parse_p_charging_vector(Text::whole(b"icid-value=\"\""), &mut f).unwrap();
        assert_eq!(rules(&f), [Rule::BadHeaderValue]);
        let mut f = Vec::new();
        assert!(parse_p_charging_vector(Text::whole(b" "), &mut f).is_none());
        assert_eq!(rules(&f), [Rule::BadHeaderValue]);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_spans_inside(body in nasty(), cell in "[0-9A-F]{0,22}") {
            let mut input = b"P-Access-Network-Info: 3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=".to_vec();
            input.extend_from_slice(cell.as_bytes());
            input.extend_from_slice(&body);
            let v = Text::new(&input, Span::new(23, input.len()));
            let mut f = Vec::new();
            for s in parse_p_access_network_info(v, &mut f) {
                at(&input, s.access);
                at(&input, s.access_type());
                if let Some(g) = s.cell_global_id() {
                    for x in [g.mcc, g.mnc, g.area, g.cell] {
                        at(&input, x);
                    }
                }
            }
            if let Some(c) = parse_p_charging_vector(v, &mut f) {
                for x in [c.icid_value, c.icid_generated_at, c.orig_ioi, c.term_ioi].into_iter().flatten() {
                    at(&input, x);
                }
            }
            for x in &f {
                proptest::prop_assert!(x.span.start >= 23 && x.span.end <= input.len(), "{x:?}");
            }
        }
    }
}
