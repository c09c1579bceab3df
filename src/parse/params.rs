//! Shared grammar pieces: comma-separated header lists, `;`-parameters,
//! quoted strings (RFC 3261 §7.3.1, §25.1 `generic-param`, `quoted-string`),
//! read with the nom rules of `parse::grammar`.

use crate::quote::quote_str;
use nom::character::complete::char;
use nom::combinator::{opt, rest};
use nom::sequence::preceded;
use nom::Parser;

use super::grammar::{before_unquoted, is_token, list_element, text_of, PResult};
use crate::finding::{Finding, Rule};
use crate::span::Text;

/// A sink for grammar findings of typed views.
pub type Findings = Vec<Finding>;

/// One `name[=value]` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param<'a> {
    /// The name as written.
    pub name: Text<'a>,
    /// The value as written (quotes kept), when there is `=`.
    pub value: Option<Text<'a>>,
}

impl<'a> Param<'a> {
    /// The value without surrounding double quotes (escapes kept as written).
    pub fn unquoted(&self) -> Option<Text<'a>> {
        self.value.map(unquote)
    }

    /// True when the name is `name` (case-insensitive).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_case(name)
    }
}

/// A list of parameters in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params<'a>(pub Vec<Param<'a>>);

impl<'a> Params<'a> {
    /// The first parameter named `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&Param<'a>> {
        self.0.iter().find(|p| p.is(name))
    }

    /// The unquoted value of the first parameter named `name`.
    pub fn value(&self, name: &str) -> Option<Text<'a>> {
        self.get(name).and_then(|p| p.unquoted())
    }

    /// True when a parameter named `name` is present (with or without value).
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Iterates the parameters.
    pub fn iter(&self) -> std::slice::Iter<'_, Param<'a>> {
        self.0.iter()
    }

    /// Number of parameters.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Removes one pair of surrounding double quotes, if present.
pub fn unquote(t: Text<'_>) -> Text<'_> {
    let t = t.trim();
    let b = t.bytes();
    if b.len() >= 2 && b[0] == b'"' && b[b.len() - 1] == b'"' {
        t.sub(1, b.len() - 1)
    } else {
        t
    }
}

/// The unescaped content of a quoted string (`\x` → `x`), or the text itself.
pub fn unescape(t: Text<'_>) -> String {
    let inner = unquote(t);
    let b = inner.bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            i += 1;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits `text` at `sep` bytes that are outside quoted strings and
/// outside `<…>` (each piece is one `grammar::list_element`); the pieces are not
/// trimmed. Reports an unterminated quote once.
pub fn split_top<'a>(text: Text<'a>, sep: u8, out: &mut Findings) -> Vec<Text<'a>> {
    let mut parts = Vec::new();
    each_top(text, sep, out, |part, _| parts.push(part));
    parts
}

/// [`split_top`] without the `Vec`: `each` gets every piece in order with
/// the findings sink. The findings come out in the same order as
/// [`split_top`] followed by a loop over its pieces: an unterminated quote
/// (only the last piece can hold one) is reported before anything `each`
/// reported.
pub(crate) fn each_top<'a>(
    text: Text<'a>,
    sep: u8,
    out: &mut Findings,
    mut each: impl FnMut(Text<'a>, &mut Findings),
) {
    let mark = out.len();
    let mut at = 0;
    loop {
        let rest = text.tail(at);
        let (len, open_quote) = list_element(rest.bytes(), sep);
        if let Some(q) = open_quote {
            out.insert(
                mark,
                Finding::new(
                    Rule::UnterminatedQuote,
                    rest.tail(q).span(),
                    "quoted string is not closed",
                ),
            );
        }
        each(rest.sub(0, len), out);
        if len == rest.len() {
            return;
        }
        at += len + 1;
    }
}

/// The one element of a list value without a comma and without a quote
/// (none can be left open), trimmed (`None` inside when the value is
/// blank): what [`split_list`] returns for most Via, Contact, Route…
/// values, found without `each_top` (which would find the same element;
/// an empty one is not reported then, as the whole value is blank).
/// `None` when the value needs the full split.
#[inline]
pub(crate) fn single_element(value: Text<'_>) -> Option<Option<Text<'_>>> {
    if memchr::memchr2(b',', b'"', value.bytes()).is_some() {
        return None;
    }
    let t = value.trim();
    Some((!t.is_empty()).then_some(t))
}

/// Splits a header value into its comma-separated elements (trimmed);
/// empty elements are reported and dropped.
pub fn split_list<'a>(value: Text<'a>, header: &str, out: &mut Findings) -> Vec<Text<'a>> {
    if let Some(one) = single_element(value) {
        return one.into_iter().collect();
    }
    // Room for an element per eight bytes of the value (and two): a list of
    // methods or option tags grew a `Vec` of four two or three times, and
    // counting the commas first cost as much on values this short.
    let mut items = Vec::with_capacity(value.len() / 8 + 2);
    let mut each = |part: Text<'a>, out: &mut Findings| {
        let t = part.trim();
        if t.is_empty() {
            if !value.trim().is_empty() {
                out.push(Finding::new(
                    Rule::EmptyListElement,
                    part.span(),
                    format!("empty element in the {header} list (stray ',')"),
                ));
            }
        } else {
            items.push(t);
        }
    };
    let b = value.bytes();
    if memchr::memchr2(b'"', b'<', b).is_none() {
        // No quote and no `<…>`: every comma ends an element, and the
        // pieces are those of `each_top`, found by one loop over the bytes
        // (a `memchr3` per element cost more on lists of short tokens).
        // Here, not in `each_top`: there, for the `;` parameter lists too,
        // it cost +0.40 M instructions per corpus pass (callgrind).
        let mut at = 0;
        for piece in b.split(|&c| c == b',') {
            each(value.sub(at, at + piece.len()), out);
            at += piece.len() + 1;
        }
    } else {
        each_top(value, b',', out, each);
    }
    items
}

/// `generic-param = token [ EQUAL gen-value ]` (RFC 3261 §25.1), read
/// leniently: the name is everything up to the first `=` outside quoted
/// strings, the value everything after it (the caller trims both and
/// checks the name against `token`; each view checks the values it knows).
/// Never fails.
#[inline]
pub(crate) fn generic_param(i: &[u8]) -> PResult<'_, (&[u8], Option<&[u8]>)> {
    (|i| before_unquoted(i, b'='), opt(preceded(char('='), rest))).parse(i)
}

/// Parses `*( SEMI generic-param )` from `text`, which starts right after
/// the first `;` (or is empty). Empty parameters are reported.
pub fn parse_params<'a>(text: Text<'a>, header: &str, out: &mut Findings) -> Params<'a> {
    if text.is_empty() {
        return Params(Vec::new());
    }
    let mut params = Vec::with_capacity(4);
    each_top(text, b';', out, |part, out| {
        let t = part.trim();
        if t.is_empty() {
            out.push(Finding::new(
                Rule::EmptyListElement,
                part.span(),
                format!("empty parameter in {header} (stray ';')"),
            ));
            return;
        }
        let p = match generic_param(t.bytes()) {
            Ok((_, (name, Some(value)))) => Param {
                name: text_of(t, name).trim(),
                value: Some(text_of(t, value).trim()),
            },
            _ => Param {
                name: t,
                value: None,
            },
        };
        if !is_token(p.name.bytes()) {
            out.push(Finding::new(
                Rule::BadHeaderValue,
                p.name.span(),
                format!(
                    "parameter name {} in {header} is not a token",
                    quote_str(&p.name.as_str())
                ),
            ));
        }
        params.push(p);
    });
    Params(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loop over the bytes (values without quote or `<`) finds the
    /// elements and findings of `each_top`.
    #[test]
    fn list_without_quotes_splits_as_each_top() {
        for v in [
            &b"INVITE, ACK,CANCEL ,  BYE"[..],
            b"a,,b,",
            b",",
            b" , ",
            b"100rel,timer, ,path",
            b"x;y=1,z>w,",
            b"a, b\r\n ,c",
        ] {
            let text = Text::whole(v);
            let mut fast = Vec::new();
            let items = split_list(text, "Allow", &mut fast);
            let mut slow = Vec::new();
            let mut want = Vec::new();
            each_top(text, b',', &mut slow, |part, out| {
                let t = part.trim();
                if !t.is_empty() {
                    want.push(t);
                } else if !text.trim().is_empty() {
                    out.push(Finding::new(
                        Rule::EmptyListElement,
                        part.span(),
                        "empty element in the Allow list (stray ',')",
                    ));
                }
            });
            assert_eq!(items, want, "{:?}", String::from_utf8_lossy(v));
            assert_eq!(fast, slow, "{:?}", String::from_utf8_lossy(v));
        }
    }

    #[test]
    fn list_respects_quotes_and_angles() {
        let mut f = Vec::new();
        let v = b"\"Doe, John\" <sip:a@b;x=1,2>, <sip:c@d> ,sip:e@f";
        let items = split_list(Text::whole(v), "Contact", &mut f);
        let got: Vec<_> = items.iter().map(|i| i.bytes()).collect();
        assert_eq!(
            got,
            vec![
                &b"\"Doe, John\" <sip:a@b;x=1,2>"[..],
                b"<sip:c@d>",
                b"sip:e@f"
            ]
        );
        assert!(f.is_empty());
        for i in items {
            assert_eq!(i.span().slice(v), i.bytes());
        }
    }

    #[test]
    fn stray_separators_reported() {
        let mut f = Vec::new();
        let items = split_list(Text::whole(b"a,,b,"), "Via", &mut f);
        assert_eq!(items.len(), 2);
        assert_eq!(f.len(), 2);
        assert!(f.iter().all(|x| x.rule == Rule::EmptyListElement));
        let mut f = Vec::new();
        let p = parse_params(Text::whole(b"branch=z9hG4bK1;;rport"), "Via", &mut f);
        assert_eq!(p.len(), 2);
        assert_eq!(f.len(), 1);
    }

    #[test]
    fn params_and_quotes() {
        let mut f = Vec::new();
        let v = b"tag=abc ; x = \"a;b\\\"c\" ;lr";
        let p = parse_params(Text::whole(v), "From", &mut f);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(p.value("TAG").unwrap().bytes(), b"abc");
        assert_eq!(p.value("x").unwrap().bytes(), b"a;b\\\"c");
        assert_eq!(unescape(p.get("x").unwrap().value.unwrap()), "a;b\"c");
        assert!(p.has("lr") && p.get("lr").unwrap().value.is_none());
        let mut f = Vec::new();
        split_top(Text::whole(b"\"open"), b',', &mut f);
        assert_eq!(f[0].rule, Rule::UnterminatedQuote);
    }
}
