//! Media types: the value of `Content-Type` (RFC 3261 §20.15, §25.1;
//! RFC 2045 §5.1) and of a MIME part's `Content-Type` (RFC 2046 §5.1).
//!
//! The view keeps type, subtype and parameters as written; comparisons are
//! case-insensitive, as RFC 2045 §5.1 requires.

use super::is_token;
use super::params::{parse_params, Findings, Params};
use crate::finding::{Finding, Rule};
use crate::quote::quote_str;
use crate::span::Text;

/// A parsed `media-type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaType<'a> {
    /// The whole value as written (trimmed).
    pub text: Text<'a>,
    /// `m-type` (`application`, `multipart`, `text`…).
    pub mtype: Text<'a>,
    /// `m-subtype` (`sdp`, `mixed`, `3gpp-ims+xml`…).
    pub subtype: Text<'a>,
    /// `m-parameter`s in order (`boundary`, `charset`, `type`…).
    pub params: Params<'a>,
}

impl<'a> MediaType<'a> {
    /// True when this is `mtype/subtype` (case-insensitive).
    pub fn is(&self, mtype: &str, subtype: &str) -> bool {
        self.mtype.eq_ignore_case(mtype) && self.subtype.eq_ignore_case(subtype)
    }

    /// True when the top-level type is `mtype` (case-insensitive).
    pub fn is_type(&self, mtype: &str) -> bool {
        self.mtype.eq_ignore_case(mtype)
    }

    /// The `boundary` parameter, unquoted (multipart types, RFC 2046 §5.1.1).
    pub fn boundary(&self) -> Option<Text<'a>> {
        self.params.value("boundary")
    }

    /// The `charset` parameter, unquoted.
    pub fn charset(&self) -> Option<Text<'a>> {
        self.params.value("charset")
    }

    /// True for `multipart/*`.
    pub fn is_multipart(&self) -> bool {
        self.is_type("multipart")
    }

    /// True for `application/sdp`.
    pub fn is_sdp(&self) -> bool {
        self.is("application", "sdp")
    }

    /// True for XML bodies: `*/xml` and any `+xml` structured-syntax
    /// suffix (RFC 6839 §4.1), e.g. `application/3gpp-ims+xml`.
    pub fn is_xml(&self) -> bool {
        let s = self.subtype.bytes();
        s.eq_ignore_ascii_case(b"xml")
            || (s.len() > 4 && s[s.len() - 4..].eq_ignore_ascii_case(b"+xml"))
    }
}

/// `media-type = m-type SLASH m-subtype *(SEMI m-parameter)`,
/// `m-parameter = m-attribute EQUAL m-value`,
/// `m-value = token / quoted-string` (RFC 3261 §25.1).
///
/// `None` when there is no `type/subtype` to speak of; every other flaw
/// (non-token names, multipart without a usable `boundary`) is a
/// `bad-header-value` finding and the view is still returned.
pub fn parse_media_type<'a>(value: Text<'a>, out: &mut Findings) -> Option<MediaType<'a>> {
    let text = value.trim();
    let bad = |out: &mut Findings, at: Text<'a>, what: String| {
        out.push(Finding::new(Rule::BadHeaderValue, at.span(), what));
    };
    let (head, params_text) = match text.find_unquoted(b';') {
        Some(i) => (text.sub(0, i), Some(text.tail(i + 1))),
        None => (text, None),
    };
    let Some(slash) = head.find_unquoted(b'/') else {
        bad(
            out,
            text,
            format!(
                "Content-Type {} is not type/subtype",
                quote_str(&text.as_str())
            ),
        );
        return None;
    };
    // SLASH = SWS "/" SWS: white space around the slash is allowed.
    let mtype = head.sub(0, slash).trim();
    let subtype = head.tail(slash + 1).trim();
    if mtype.is_empty() && subtype.is_empty() {
        bad(
            out,
            text,
            "Content-Type has neither type nor subtype".into(),
        );
        return None;
    }
    for (part, what) in [(mtype, "type"), (subtype, "subtype")] {
        if !is_token(part.bytes()) {
            bad(
                out,
                if part.is_empty() { text } else { part },
                format!(
                    "Content-Type {what} {} is not a token",
                    quote_str(&part.as_str())
                ),
            );
        }
    }
    let params = match params_text {
        Some(p) => parse_params(p, "Content-Type", out),
        None => Params::default(),
    };
    for p in params.iter() {
        match p.value {
            None => bad(
                out,
                p.name,
                format!(
                    "Content-Type parameter {} has no value",
                    quote_str(&p.name.as_str())
                ),
            ),
            Some(v) if v.is_empty() => bad(
                out,
                p.name,
                format!(
                    "Content-Type parameter {} has an empty value",
                    quote_str(&p.name.as_str())
                ),
            ),
            Some(v) if v.bytes()[0] != b'"' && !is_token(v.bytes()) => bad(
                out,
                v,
                format!(
                    "Content-Type parameter value {} must be a token or a quoted string",
                    quote_str(&v.as_str())
                ),
            ),
            _ => {}
        }
    }
    let mt = MediaType {
        text,
        mtype,
        subtype,
        params,
    };
    if mt.is_multipart() {
        check_boundary(&mt, out);
    }
    Some(mt)
}

/// `boundary := 0*69<bchars> bcharsnospace` (RFC 2046 §5.1.1): 1 to 70
/// characters, not ending in a space.
fn check_boundary(mt: &MediaType<'_>, out: &mut Findings) {
    let Some(b) = mt.boundary() else {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            mt.text.span(),
            "multipart Content-Type without a boundary parameter; the parts cannot be found",
        ));
        return;
    };
    let bytes = b.bytes();
    let ok = !bytes.is_empty()
        && bytes.len() <= 70
        && bytes.iter().all(|&c| BCHARS[c as usize])
        && bytes.last() != Some(&b' ');
    if !ok {
        out.push(Finding::new(
            Rule::BadHeaderValue,
            b.span(),
            format!(
                "boundary {} must be 1-70 characters from the RFC 2046 set, not ending in a space",
                quote_str(&b.as_str())
            ),
        ));
    }
}

/// `bchars := bcharsnospace / " "`, `bcharsnospace := DIGIT / ALPHA / "'" /
/// "(" / ")" / "+" / "_" / "," / "-" / "." / "/" / ":" / "=" / "?"`.
#[rustfmt::skip]
static BCHARS: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = c.is_ascii_alphanumeric()
            || matches!(c, b'\'' | b'(' | b')' | b'+' | b'_' | b',' | b'-' | b'.' | b'/' | b':' | b'=' | b'?' | b' ');
        i += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdp_and_multipart() {
        let mut f = Vec::new();
        let m = parse_media_type(Text::whole(b"application/SDP"), &mut f).unwrap();
        assert!(m.is("Application", "sdp") && m.is_sdp() && !m.is_multipart());
        assert!(f.is_empty());

        let v = b"multipart/mixed;boundary=7a9cbec02ceef655";
        let m = parse_media_type(Text::whole(v), &mut f).unwrap();
        assert!(m.is_multipart() && m.is("multipart", "mixed"));
        assert_eq!(m.boundary().unwrap().bytes(), b"7a9cbec02ceef655");
        assert_eq!(m.boundary().unwrap().span().slice(v), b"7a9cbec02ceef655");
        assert!(f.is_empty(), "{f:?}");

        let v = b" multipart/signed ; protocol=\"application/pkcs7-signature\"; micalg=sha1; boundary=\"a b:c\" ";
        let m = parse_media_type(Text::whole(v), &mut f).unwrap();
        assert_eq!(m.subtype.bytes(), b"signed");
        assert_eq!(m.boundary().unwrap().bytes(), b"a b:c");
        assert_eq!(
            m.params.value("protocol").unwrap().bytes(),
            b"application/pkcs7-signature"
        );
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn xml_suffix_and_charset() {
        let mut f = Vec::new();
        let m = parse_media_type(
            Text::whole(b"application/3gpp-ims+xml;charset=UTF-8"),
            &mut f,
        )
        .unwrap();
        assert!(m.is_xml());
        assert_eq!(m.charset().unwrap().bytes(), b"UTF-8");
        let m = parse_media_type(Text::whole(b"text / xml"), &mut f).unwrap();
        assert!(m.is_xml() && m.is("TEXT", "XML"));
        assert!(
            !parse_media_type(Text::whole(b"application/xmlfoo"), &mut f)
                .unwrap()
                .is_xml()
        );
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn malformed_values_are_reported() {
        let mut f = Vec::new();
        assert!(parse_media_type(Text::whole(b"sdp"), &mut f).is_none());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, Rule::BadHeaderValue);

        let mut f = Vec::new();
        let m = parse_media_type(Text::whole(b"multipart/mixed"), &mut f).unwrap();
        assert!(m.boundary().is_none());
        assert_eq!(f.len(), 1);

        let mut f = Vec::new();
        parse_media_type(Text::whole(b"application/s dp;charset"), &mut f).unwrap();
        assert_eq!(f.len(), 2, "{f:?}");

        let mut f = Vec::new();
        let long = [b'x'; 71];
        let mut v = b"multipart/mixed;boundary=".to_vec();
        v.extend_from_slice(&long);
        parse_media_type(Text::whole(&v), &mut f).unwrap();
        assert_eq!(f.len(), 1);
        assert!(f.iter().all(|x| x.rule == Rule::BadHeaderValue));
    }
}
