//! Typed sub-fields of headers for the header table, in the spirit of
//! Wireshark's SIP dissector tree (`sip.Via.branch`, `sip.from.tag`, …):
//! each field is a name and a slice of the header's own bytes, taken from
//! the typed views of [`crate::parse`]. Nothing is decoded into new text,
//! so every field can be highlighted in the input.
//!
//! Names are short and stable: fixed parts get fixed names (`transport`,
//! `sent-by host`, `seq`, `scheme`…), parameters are named as written
//! (`branch`, `tag`, `+sip.instance`, `nonce`…), URI parameters carry a
//! `uri.` prefix (`uri.transport`, `uri.lr`) so they never clash with the
//! header parameters, and the values of a multi-value header are numbered
//! from 1 (`[1] branch`, `[2] branch`) when there is more than one.
//!
//! The one decoded field lives here too: [`split_aka_nonce`] splits an IMS
//! AKA nonce into RAND, AUTN, SQN⊕AK, AMF and MAC (RFC 3310 §3.2), for the
//! challenge view and the AKA rule alike.

use std::borrow::Cow;

use crate::header_name::HeaderName as H;
use crate::parse::addr::{Contact, NameAddr};
use crate::parse::auth::Auth;
use crate::parse::params::{unquote, Params};
use crate::parse::tokens::ServerVal;
use crate::parse::uri::{Uri, UriScheme};
use crate::parse::views::HeaderView;
use crate::parse::views::HeaderView as V;
use crate::parse::Header;
use crate::span::Text;

use super::dto::AkaNonceDto;

/// (field name, value) pairs.
pub(crate) type Fields<'a> = Vec<(Cow<'static, str>, Text<'a>)>;

thread_local! {
    /// The field buffer of the last message assembled on this thread,
    /// empty, kept for the next one ([`crate::spare`]).
    static SPARE_FIELDS: std::cell::Cell<Fields<'static>> =
        const { std::cell::Cell::new(Vec::new()) };
}

/// Room for the fields of most headers (a From with its URI and
/// parameters is about ten), so the buffer rarely grows.
const FIELDS_ROOM: usize = 32;

/// An empty field buffer for the assembly of one message: the last
/// message's on this thread when there is one (about 1.5 KB:
/// [`crate::spare`]).
pub(crate) fn spare_fields<'a>() -> Fields<'a> {
    let mut buf: Fields<'a> = crate::spare::take(&SPARE_FIELDS);
    buf.reserve(FIELDS_ROOM);
    buf
}

/// Leaves `buf` (emptied) to the next message's [`spare_fields`].
pub(crate) fn keep_fields(buf: Fields<'_>) {
    crate::spare::keep(&SPARE_FIELDS, buf, 8 * FIELDS_ROOM);
}

/// Collects fields, numbering them when the header holds several values.
struct Out<'a> {
    fields: Fields<'a>,
    /// `[n] ` while filling the n-th of several values.
    prefix: Option<usize>,
    /// The last name numbered (where it lies) with its row of numbered
    /// names: a list of tags repeats one name for every value.
    last_row: Option<(usize, usize, &'static str)>,
}

impl<'a> Out<'a> {
    /// Adds `name = t` (skipped when `t` is empty).
    fn add(&mut self, name: impl Into<Cow<'static, str>>, t: Text<'a>) {
        if t.is_empty() {
            return;
        }
        let name = name.into();
        let name = match self.prefix {
            Some(n) => match self.numbered(n, &name) {
                Some(static_name) => Cow::Borrowed(static_name),
                None => {
                    // `format!("[{n}] {name}")` without the formatting machinery.
                    let mut s = String::with_capacity(name.len() + 6);
                    s.push('[');
                    push_decimal(&mut s, n);
                    s.push_str("] ");
                    s.push_str(&name);
                    Cow::Owned(s)
                }
            },
            None => name,
        };
        self.fields.push((name, t));
    }

    /// [`numbered`], remembering the row of the last name.
    fn numbered(&mut self, n: usize, name: &str) -> Option<&'static str> {
        let key = (name.as_ptr() as usize, name.len());
        let row = match self.last_row {
            Some((p, l, row)) if (p, l) == key => row,
            _ => {
                let row = numbered_row(name)?;
                self.last_row = Some((key.0, key.1, row));
                row
            }
        };
        // Each piece is `[n] ` and the name.
        let i = n.checked_sub(1).filter(|&i| i < 9)?;
        let w = name.len() + 4;
        row.get(i * w..(i + 1) * w)
    }

    /// Adds an optional field.
    fn opt(&mut self, name: &'static str, t: Option<Text<'a>>) {
        if let Some(t) = t {
            self.add(name, t);
        }
    }

    /// Adds each parameter by its name (with `prefix` before it); the value
    /// is unquoted, and a flag without value shows its own name.
    fn params(&mut self, prefix: &str, params: &Params<'a>) {
        for p in params.iter() {
            let name = match static_param_name(prefix, p.name.bytes()) {
                Some(n) => Cow::Borrowed(n),
                None => {
                    let raw = p.name.as_str();
                    let mut name = String::with_capacity(prefix.len() + raw.len());
                    name.push_str(prefix);
                    let at = name.len();
                    name.push_str(&raw);
                    name[at..].make_ascii_lowercase();
                    Cow::Owned(name)
                }
            };
            self.add(name, p.unquoted().unwrap_or(p.name));
        }
    }

    /// Runs `each` over `items`, numbering them when there are several.
    fn each<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Self, &T)) {
        let many = items.len() > 1;
        for (i, item) in items.iter().enumerate() {
            self.prefix = many.then_some(i + 1);
            each(self, item);
        }
        self.prefix = None;
    }

    fn uri(&mut self, uri: &Uri<'a>) {
        self.add("scheme", uri.scheme);
        self.opt("user", uri.user);
        self.opt("password", uri.password);
        self.opt("host", uri.host);
        self.opt("port", uri.port_text);
        // tel: the number; urn: and others: everything after the scheme.
        if uri.kind == UriScheme::Tel {
            self.opt("number", uri.opaque);
        } else {
            self.opt("opaque", uri.opaque);
        }
        self.params("uri.", &uri.params);
        self.opt("uri headers", uri.headers);
    }

    fn name_addr(&mut self, na: &NameAddr<'a>) {
        self.opt("display name", na.display_name.map(unquote));
        match &na.uri {
            Some(u) => self.uri(u),
            None => self.add("uri", na.uri_text),
        }
        self.params("", &na.params);
    }

    fn auth(&mut self, a: Option<&Auth<'a>>) {
        if let Some(a) = a {
            self.add("scheme", a.scheme);
            self.opt("token68", a.token68);
            for p in a.params.iter() {
                let name = match static_param_name("", p.name.bytes()) {
                    Some(n) => Cow::Borrowed(n),
                    None => Cow::Owned(p.name.as_str().to_ascii_lowercase()),
                };
                self.add(name, p.unquoted().unwrap_or(p.name));
            }
        }
    }

    fn tags(&mut self, name: &'static str, tags: &[Text<'a>]) {
        self.each(tags, |o, t| o.add(name, *t));
    }
}

/// `prefix` + `raw` lower-cased, when that is one of
/// [`STATIC_PARAM_NAMES`]: lowered into a stack buffer once, then compared
/// byte for byte with each row (not without case, row by row).
fn static_param_name(prefix: &str, raw: &[u8]) -> Option<&'static str> {
    let mut buf = [0u8; 32];
    let n = prefix.len() + raw.len();
    let lower = buf.get_mut(..n)?;
    let (p, r) = lower.split_at_mut(prefix.len());
    p.copy_from_slice(prefix.as_bytes());
    for (d, s) in r.iter_mut().zip(raw) {
        *d = s.to_ascii_lowercase();
    }
    let lower = &*lower;
    if cfg!(feature = "core-only") || lower.is_empty() {
        // The core module keeps the scan of the table (no index in its
        // `.wasm`, README "Size and speed").
        return STATIC_PARAM_NAMES
            .iter()
            .copied()
            // Length and first byte first: most rows fail on them, before a
            // `memcmp` call.
            .find(|c| {
                let c = c.as_bytes();
                c.len() == lower.len() && c.first() == lower.first() && c == lower
            });
    }
    // Open addressing over [`PARAM_INDEX`], as `HeaderName::from_bytes`:
    // a probe or two instead of a scan of the 49 rows.
    let mut slot = param_slot(lower);
    loop {
        let i = PARAM_INDEX[slot];
        let c = STATIC_PARAM_NAMES.get(usize::from(i).checked_sub(1)?)?;
        if c.as_bytes() == lower {
            return Some(c);
        }
        slot = (slot + 1) & (PARAM_SLOTS - 1);
    }
}

/// Slots of [`PARAM_INDEX`] (a power of two, more than twice the names).
const PARAM_SLOTS: usize = 1 << 7;

/// Home slot of a non-empty lower-case name: its length and its first,
/// middle and last bytes, mixed by a multiply.
#[inline]
const fn param_slot(b: &[u8]) -> usize {
    let n = b.len();
    let k = (b[0] as u32) | (b[n / 2] as u32) << 8 | (b[n - 1] as u32) << 16 | (n as u32) << 24;
    (k.wrapping_mul(0x9e37_79b1) >> (32 - PARAM_SLOTS.trailing_zeros())) as usize
}

/// [`STATIC_PARAM_NAMES`] by [`param_slot`], built at compile time: a slot
/// holds `row + 1`, 0 when empty ([`static_param_name`]).
static PARAM_INDEX: [u8; PARAM_SLOTS] = {
    assert!(STATIC_PARAM_NAMES.len() * 2 < PARAM_SLOTS);
    let mut t = [0u8; PARAM_SLOTS];
    let mut i = 0;
    while i < STATIC_PARAM_NAMES.len() {
        let mut slot = param_slot(STATIC_PARAM_NAMES[i].as_bytes());
        while t[slot] != 0 {
            slot = (slot + 1) & (PARAM_SLOTS - 1);
        }
        t[slot] = (i + 1) as u8;
        i += 1;
    }
    t
};

/// `[1] name` … `[9] name` for the field names a multi-value header
/// repeats (the fixed names and [`STATIC_PARAM_NAMES`]), so the numbered
/// name of the first nine values costs no `String`. One literal per name,
/// `[1] name[2] name…[9] name`, sliced: nine `&str`s per name would cost 72
/// bytes of pointers and lengths each in the `.wasm` (README "Size and speed").
macro_rules! numbered_table {
    ($fn_name:ident: $($name:literal),* $(,)?) => {
        /// `[1] name[2] name…[9] name` when `name` is one of the table's
        /// names (`[n] name` is the n-th piece).
        fn $fn_name(name: &str) -> Option<&'static str> {
            Some(match name {
                $($name => concat!(
                    "[1] ", $name, "[2] ", $name, "[3] ", $name, "[4] ", $name, "[5] ", $name,
                    "[6] ", $name, "[7] ", $name, "[8] ", $name, "[9] ", $name,
                ),)*
                _ => return None,
            })
        }
    };
}

/// [`STATIC_PARAM_NAMES`] and its numbered names, from one list.
macro_rules! static_param_names {
    ($($name:literal),* $(,)?) => {
        /// Parameter names common enough to be worth a static field name (all
        /// lower case; `uri.` names are URI parameters): a name found here costs
        /// no `String` per parameter. The field name is the same either way.
        const STATIC_PARAM_NAMES: &[&str] = &[$($name),*];
        numbered_table!(numbered_param: $($name),*);
    };
}

numbered_table!(
    numbered_fixed:
    // Via
    "protocol",
    "version",
    "transport",
    "sent-by host",
    "sent-by port",
    // URIs and name-addr
    "display name",
    "scheme",
    "user",
    "password",
    "host",
    "port",
    "number",
    "opaque",
    "uri headers",
    "uri",
    "wildcard",
    // other multi-value headers
    "type",
    "subtype",
    "code",
    "agent",
    "text",
    "mechanism",
    "option-tag",
    "method",
    "access type",
    "mcc",
    "mnc",
    "tac",
    "eci",
    "nci",
    "lac",
    "uci",
    "ci",
    "product",
    "comment",
);

static_param_names!(
    "branch",
    "tag",
    "lr",
    "rport",
    "received",
    "transport",
    "user",
    "expires",
    "q",
    "maddr",
    "ttl",
    "method",
    "reg-id",
    "ob",
    "+sip.instance",
    "+g.3gpp.icsi-ref",
    "+g.3gpp.smsip",
    "+g.3gpp.iari-ref",
    "audio",
    "video",
    "phone-context",
    "cause",
    "text",
    "alg",
    "ealg",
    "spi-c",
    "spi-s",
    "port-c",
    "port-s",
    "prot",
    "mod",
    "username",
    "realm",
    "nonce",
    "uri",
    "response",
    "algorithm",
    "qop",
    "nc",
    "cnonce",
    "opaque",
    "stale",
    "integrity-protected",
    "uri.transport",
    "uri.lr",
    "uri.user",
    "uri.ob",
    "uri.maddr",
    "uri.phone-context",
);

/// The row of `[n] name` for n of 1 to 9 ([`Out::numbered`] slices it),
/// when `name` is a fixed field name or one of [`STATIC_PARAM_NAMES`].
fn numbered_row(name: &str) -> Option<&'static str> {
    numbered_fixed(name).or_else(|| numbered_param(name))
}

/// Appends `n` in decimal.
fn push_decimal(s: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        s.push(char::from(d));
    }
}

/// The names of the area and cell fields of a decoded cell identity, by
/// access type (3GPP TS 24.229 §7.2A.4.3).
fn cell_field_names(access: &[u8]) -> (&'static str, &'static str) {
    let starts = |p: &[u8]| access.len() >= p.len() && access[..p.len()].eq_ignore_ascii_case(p);
    if starts(b"3GPP-E-UTRAN") {
        ("tac", "eci")
    } else if starts(b"3GPP-NR") {
        ("tac", "nci")
    } else if starts(b"3GPP-UTRAN") {
        ("lac", "uci")
    } else {
        ("lac", "ci")
    }
}

/// (field name, value) pairs of a header's typed view; empty for headers
/// without one. Every value is a slice of `h`.
#[cfg(test)]
pub(crate) fn header_fields<'a>(h: &Header<'a>) -> Vec<(Cow<'static, str>, Text<'a>)> {
    let known = h.known_name();
    let view = known.map_or(HeaderView::Untyped, |n| {
        crate::parse::views::parse_view(n, h.value, &mut Vec::new())
    });
    header_fields_of(h, known, &view)
}

/// [`header_fields`] from the header's view (shared with validation and
/// the rules, [`crate::parse::views::Views`]).
#[cfg(test)]
pub(crate) fn header_fields_of<'a>(
    h: &Header<'a>,
    known: Option<H>,
    view: &HeaderView<'a>,
) -> Vec<(Cow<'static, str>, Text<'a>)> {
    header_fields_in(Vec::new(), h, known, view)
}

/// The fields of `h` from its view, into `buf` (cleared first): the assembly reuses one
/// buffer for every header of a message instead of growing a new `Vec`
/// per header.
pub(crate) fn header_fields_in<'a>(
    mut buf: Fields<'a>,
    h: &Header<'a>,
    known: Option<H>,
    view: &HeaderView<'a>,
) -> Fields<'a> {
    buf.clear();
    let mut o = Out {
        fields: buf,
        prefix: None,
        last_row: None,
    };
    let Some(name) = known else {
        return o.fields;
    };
    let v = h.value;
    match (name, view) {
        (H::Via, V::Via(vias)) => {
            o.each(vias, |o, via| {
                o.add("protocol", via.protocol);
                o.add("version", via.version);
                o.add("transport", via.transport);
                o.add("sent-by host", via.host);
                o.opt("sent-by port", via.port_text);
                o.params("", &via.params);
            });
        }
        (
            H::From | H::To | H::ReferTo | H::ReferredBy | H::ReplyTo | H::PCalledPartyId,
            V::Address(na),
        ) => {
            o.name_addr(na);
        }
        (
            H::Route
            | H::RecordRoute
            | H::Path
            | H::ServiceRoute
            | H::PAssertedIdentity
            | H::PPreferredIdentity
            | H::PAssociatedUri,
            V::AddressList(list),
        ) => {
            o.each(list, |o, na| o.name_addr(na));
        }
        (H::Contact, V::Contact(list)) => {
            o.each(list, |o, c| match c {
                Contact::Wildcard(t) => o.add("wildcard", *t),
                Contact::Address(na) => o.name_addr(na),
            });
        }
        (H::CSeq, V::CSeq(Some(c))) => {
            o.add("seq", c.seq_text);
            o.add("method", c.method);
        }
        (H::CallId, V::CallId(c)) => o.add("call-id", *c),
        (H::MaxForwards, _) => o.add("hops", v.trim()),
        (H::Expires | H::MinExpires, _) => o.add("seconds", v.trim()),
        (H::ContentLength, _) => o.add("length", v.trim()),
        (H::SessionExpires | H::MinSe, V::SessionInterval(si)) => {
            o.add("seconds", si.seconds_text);
            o.params("", &si.params);
        }
        (H::ContentType, V::ContentType(Some(mt))) => {
            o.add("type", mt.mtype);
            o.add("subtype", mt.subtype);
            o.params("", &mt.params);
        }
        (H::Accept, V::Accept(ranges)) => {
            o.each(ranges, |o, r| {
                o.add("type", r.m_type);
                o.add("subtype", r.m_subtype);
                o.params("", &r.params);
            });
        }
        (H::RetryAfter, V::RetryAfter(Some(r))) => {
            o.add("seconds", r.delta);
            o.opt("comment", r.comment);
            o.params("", &r.params);
        }
        (H::Warning, V::Warning(ws)) => {
            o.each(ws, |o, w| {
                o.add("code", w.code_text);
                o.add("agent", w.agent);
                o.add("text", w.text_unquoted());
            });
        }
        (H::Reason, V::Reason(rs)) => {
            o.each(rs, |o, r| {
                o.add("protocol", r.protocol);
                o.params("", &r.params);
            });
        }
        (H::WwwAuthenticate | H::ProxyAuthenticate, V::Challenge(a))
        | (H::Authorization | H::ProxyAuthorization, V::Credentials(a)) => o.auth(a.as_ref()),
        (H::AuthenticationInfo, V::AuthenticationInfo(Some(p))) => {
            for p in p.iter() {
                let name = p.name.as_str().to_ascii_lowercase();
                o.add(name, p.unquoted().unwrap_or(p.name));
            }
        }
        (H::SecurityClient | H::SecurityServer | H::SecurityVerify, V::Security(mechs)) => {
            o.each(mechs, |o, m| {
                o.add("mechanism", m.name);
                o.params("", &m.params);
            });
        }
        (H::Require | H::Supported | H::Unsupported | H::ProxyRequire, V::Tokens(t)) => {
            o.tags("option-tag", t)
        }
        (H::Allow, V::Tokens(t)) => o.tags("method", t),
        (H::RSeq, V::RSeq(Some(r))) => {
            o.add("response-num", r.response_num);
        }
        (H::RAck, V::RAck(Some(r))) => {
            o.add("response-num", r.response_num);
            o.add("CSeq-num", r.cseq_num);
            o.add("method", r.method);
        }
        (H::PAccessNetworkInfo, V::AccessNetworkInfo(specs)) => {
            o.each(specs, |o, spec| {
                o.add("access type", spec.access_type());
                o.params("", &spec.params);
                if let Some(cgi) = spec.cell_global_id() {
                    let (area, cell) = cell_field_names(spec.access_type().bytes());
                    o.add("mcc", cgi.mcc);
                    o.add("mnc", cgi.mnc);
                    o.add(area, cgi.area);
                    o.add(cell, cgi.cell);
                }
            });
        }
        (H::PChargingVector, V::ChargingVector(Some(cv))) => {
            o.params("", &cv.params);
        }
        (H::Server | H::UserAgent, V::Products(vals)) => {
            o.each(vals, |o, val| match val {
                ServerVal::Product { name, version } => {
                    o.add("product", *name);
                    o.opt("version", *version);
                }
                ServerVal::Comment(c) => o.add("comment", *c),
            });
        }
        _ => {}
    }
    o.fields
}

/// Decodes standard base64 (padding optional, no white space); `None` on
/// any other byte.
fn base64_decode(s: &[u8]) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let s = match s.iter().position(|&c| c == b'=') {
        Some(i) if s[i..].iter().all(|&c| c == b'=') && s[i..].len() <= 2 => &s[..i],
        Some(_) => return None,
        None => s,
    };
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for chunk in s.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= val(c)? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Splits an AKA nonce (RFC 3310 §3.2): RAND (16) ‖ AUTN (16) ‖ server data,
/// AUTN = SQN⊕AK (6) ‖ AMF (2) ‖ MAC (8).
pub(crate) fn split_aka_nonce(nonce: &[u8]) -> Option<AkaNonceDto> {
    let b = base64_decode(nonce)?;
    if b.len() < 32 {
        return None;
    }
    Some(AkaNonceDto {
        rand: hex(&b[..16]),
        autn: hex(&b[16..32]),
        sqn_xor_ak: hex(&b[16..22]),
        amf: hex(&b[22..24]),
        mac: hex(&b[24..32]),
        server_data: (b.len() > 32).then(|| hex(&b[32..])),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `[n] name` through a fresh [`Out`] (its remembered row empty).
    fn numbered(n: usize, name: &'static str) -> Option<&'static str> {
        Out {
            fields: Vec::new(),
            prefix: None,
            last_row: None,
        }
        .numbered(n, name)
    }

    /// The remembered row serves the same name only.
    #[test]
    fn numbered_row_remembered_per_name() {
        let mut o = Out {
            fields: Vec::new(),
            prefix: None,
            last_row: None,
        };
        for (n, name) in [
            (1, "method"),
            (2, "method"),
            (3, "branch"),
            (9, "method"),
            (2, "x-y"),
        ] {
            let want = (name != "x-y").then(|| format!("[{n}] {name}"));
            assert_eq!(o.numbered(n, name), want.as_deref());
        }
    }

    #[test]
    fn numbered_names_match_the_built_ones() {
        for name in STATIC_PARAM_NAMES
            .iter()
            .chain(&["sent-by host", "option-tag", "ci"])
        {
            for n in 1..=9 {
                assert_eq!(numbered(n, name), Some(format!("[{n}] {name}").as_str()));
            }
            assert_eq!(numbered(0, name), None);
            assert_eq!(numbered(10, name), None);
        }
        assert_eq!(numbered(1, "x-unknown"), None);
    }

    #[test]
    fn static_param_names_are_the_lower_cased_names() {
        for c in STATIC_PARAM_NAMES {
            assert_eq!(*c, c.to_ascii_lowercase(), "{c} is not lower case");
            assert!(
                c.len() <= 32,
                "{c} is longer than static_param_name's buffer"
            );
        }
        let cases = [
            ("", "Branch"),
            ("", "TAG"),
            ("", "lr"),
            ("", "branchx"),
            ("", "bran"),
            ("uri.", "Transport"),
            ("uri.", "tag"),
            ("x.", "lr"),
            ("", "+SIP.Instance"),
            ("", ""),
        ];
        // Every row is found, in any case, with or without its `uri.` prefix split off.
        for c in STATIC_PARAM_NAMES {
            assert_eq!(
                static_param_name("", c.to_ascii_uppercase().as_bytes()),
                Some(*c)
            );
            if let Some(rest) = c.strip_prefix("uri.") {
                assert_eq!(static_param_name("uri.", rest.as_bytes()), Some(*c));
            }
        }
        for (prefix, raw) in cases {
            let lower = format!("{prefix}{}", raw.to_ascii_lowercase());
            match static_param_name(prefix, raw.as_bytes()) {
                Some(n) => assert_eq!(n, lower),
                None => assert!(!STATIC_PARAM_NAMES.contains(&lower.as_str()), "{lower}"),
            }
        }
    }

    /// A kept buffer comes back empty, with room for a header's fields,
    /// whatever it held.
    #[test]
    fn spare_field_buffer_comes_back_empty() {
        let input = b"tag=1;lr";
        let mut buf = spare_fields();
        assert!(buf.is_empty() && buf.capacity() >= FIELDS_ROOM);
        let t = Text::new(input, crate::span::Span::new(0, 5));
        buf.extend((0..40).map(|i| (Cow::Owned(format!("f{i}")), t)));
        keep_fields(buf);
        let buf = spare_fields();
        assert!(buf.is_empty() && buf.capacity() >= FIELDS_ROOM);
    }

    #[test]
    fn aka_nonce_split() {
        // RAND = 00..0f, AUTN = 10..1f (SQN⊕AK 10..15, AMF 16 17, MAC 18..1f).
        let raw: Vec<u8> = (0u8..32).collect();
        let b64 = b"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        assert_eq!(base64_decode(b64).unwrap(), raw);
        let n = split_aka_nonce(b64).unwrap();
        assert_eq!(n.rand, "000102030405060708090a0b0c0d0e0f");
        assert_eq!(n.sqn_xor_ak, "101112131415");
        assert_eq!(n.amf, "1617");
        assert_eq!(n.mac, "18191a1b1c1d1e1f");
        assert_eq!(n.autn, "101112131415161718191a1b1c1d1e1f");
        assert_eq!(n.server_data, None);
        assert!(split_aka_nonce(b"dcd98b7102dd2f0e8b11d0f600bfb0c093").is_none());
        assert!(split_aka_nonce(b"QUJD").is_none());
        assert!(split_aka_nonce(b"A=B=").is_none());
    }
    use crate::parse::parse_message;

    /// The fields of the first header of `msg` named `name`, as strings.
    fn fields(msg: &[u8], name: H) -> Vec<(String, String)> {
        let m = parse_message(msg);
        let h = m.header(name).expect("header present");
        header_fields(h)
            .into_iter()
            .map(|(n, t)| {
                assert!(t.start() >= h.span.start && t.end() <= h.span.end);
                assert_eq!(t.span().slice(msg), t.bytes());
                (n.into_owned(), t.as_str().into_owned())
            })
            .collect()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    fn msg(headers: &str) -> Vec<u8> {
        format!("SIP/2.0 200 OK\r\n{headers}\r\nContent-Length: 0\r\n\r\n").into_bytes()
    }

    #[test]
    fn via_single_and_multi() {
        let m = msg("Via: SIP/2.0/UDP pcscf.ims.example.net:5060;branch=z9hG4bK1;rport=5062;received=192.0.2.1");
        assert_eq!(
            fields(&m, H::Via),
            pairs(&[
                ("protocol", "SIP"),
                ("version", "2.0"),
                ("transport", "UDP"),
                ("sent-by host", "pcscf.ims.example.net"),
                ("sent-by port", "5060"),
                ("branch", "z9hG4bK1"),
                ("rport", "5062"),
                ("received", "192.0.2.1"),
            ])
        );
        let m = msg("v: SIP/2.0/TCP a.example;branch=z9hG4bKa;rport, SIP/2.0/UDP [2001:db8::1];branch=z9hG4bKb");
        let f = fields(&m, H::Via);
        assert!(f.contains(&("[1] branch".into(), "z9hG4bKa".into())));
        assert!(f.contains(&("[1] rport".into(), "rport".into())));
        assert!(f.contains(&("[2] sent-by host".into(), "[2001:db8::1]".into())));
    }

    #[test]
    fn name_addr_headers() {
        let m = msg("To: \"Bob B\" <sip:+15551234@ims.example.net:5061;user=phone>;tag=8321234356");
        assert_eq!(
            fields(&m, H::To),
            pairs(&[
                ("display name", "Bob B"),
                ("scheme", "sip"),
                ("user", "+15551234"),
                ("host", "ims.example.net"),
                ("port", "5061"),
                ("uri.user", "phone"),
                ("tag", "8321234356"),
            ])
        );
        let m = msg("Contact: <sip:u@[2001:db8::9]:5062;transport=udp>;expires=600;+sip.instance=\"<urn:gsma:imei:35000000-000000-0>\";+g.3gpp.smsip");
        let f = fields(&m, H::Contact);
        assert!(f.contains(&("uri.transport".into(), "udp".into())));
        assert!(f.contains(&(
            "+sip.instance".into(),
            "<urn:gsma:imei:35000000-000000-0>".into()
        )));
        assert!(f.contains(&("+g.3gpp.smsip".into(), "+g.3gpp.smsip".into())));
        let m = msg("P-Asserted-Identity: <sip:+15551234@ims.example.net>, <tel:+15551234;phone-context=ims.example.net>");
        let f = fields(&m, H::PAssertedIdentity);
        assert!(f.contains(&("[2] scheme".into(), "tel".into())));
        assert!(f.contains(&("[2] number".into(), "+15551234".into())));
        assert!(f.contains(&("[2] uri.phone-context".into(), "ims.example.net".into())));
        let m = msg("Record-Route: <sip:scscf.ims.example.net;lr>");
        assert!(fields(&m, H::RecordRoute).contains(&("uri.lr".into(), "lr".into())));
    }

    #[test]
    fn scalar_and_diagnostic_headers() {
        let m = msg("CSeq: 2 REGISTER");
        assert_eq!(
            fields(&m, H::CSeq),
            pairs(&[("seq", "2"), ("method", "REGISTER")])
        );
        let m = msg("Session-Expires: 1800;refresher=uac");
        assert_eq!(
            fields(&m, H::SessionExpires),
            pairs(&[("seconds", "1800"), ("refresher", "uac")])
        );
        let m = msg("Retry-After: 18000 (in maintenance);duration=3600");
        assert_eq!(
            fields(&m, H::RetryAfter),
            pairs(&[
                ("seconds", "18000"),
                ("comment", "(in maintenance)"),
                ("duration", "3600")
            ])
        );
        let m = msg("Warning: 305 pcscf.ims.example.net \"Incompatible media format\"");
        assert_eq!(
            fields(&m, H::Warning),
            pairs(&[
                ("code", "305"),
                ("agent", "pcscf.ims.example.net"),
                ("text", "Incompatible media format")
            ])
        );
        let m = msg("Reason: Q.850;cause=17;text=\"User busy\"");
        assert_eq!(
            fields(&m, H::Reason),
            pairs(&[
                ("protocol", "Q.850"),
                ("cause", "17"),
                ("text", "User busy")
            ])
        );
        let m = msg("Content-Type: multipart/mixed;boundary=\"b1\"");
        assert_eq!(
            fields(&m, H::ContentType),
            pairs(&[
                ("type", "multipart"),
                ("subtype", "mixed"),
                ("boundary", "b1")
            ])
        );
        let m = msg("Require: precondition, sec-agree");
        assert_eq!(
            fields(&m, H::Require),
            pairs(&[
                ("[1] option-tag", "precondition"),
                ("[2] option-tag", "sec-agree")
            ])
        );
        let m = msg("RAck: 776656 1 INVITE");
        assert_eq!(
            fields(&m, H::RAck),
            pairs(&[
                ("response-num", "776656"),
                ("CSeq-num", "1"),
                ("method", "INVITE")
            ])
        );
    }

    #[test]
    fn security_auth_and_ims_headers() {
        let m = msg("WWW-Authenticate: Digest realm=\"ims.example.net\", nonce=\"A34Cm+Fva37UYWpGNB34JP\", algorithm=AKAv1-MD5, qop=\"auth\"");
        let f = fields(&m, H::WwwAuthenticate);
        assert_eq!(f[0], ("scheme".into(), "Digest".into()));
        assert!(f.contains(&("algorithm".into(), "AKAv1-MD5".into())));
        assert!(f.contains(&("nonce".into(), "A34Cm+Fva37UYWpGNB34JP".into())));
        let m = msg("Security-Server: ipsec-3gpp;q=0.1;alg=hmac-sha-1-96;ealg=null;spi-c=3929102;spi-s=1010;port-c=5062;port-s=5064;prot=esp;mod=trans");
        let f = fields(&m, H::SecurityServer);
        assert_eq!(f[0], ("mechanism".into(), "ipsec-3gpp".into()));
        for (n, v) in [
            ("alg", "hmac-sha-1-96"),
            ("spi-c", "3929102"),
            ("port-s", "5064"),
            ("mod", "trans"),
            ("q", "0.1"),
        ] {
            assert!(f.contains(&(n.into(), v.into())), "{n}");
        }
        let m = msg("P-Access-Network-Info: 3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=2620100a1b2c3d4e");
        let f = fields(&m, H::PAccessNetworkInfo);
        assert_eq!(f[0], ("access type".into(), "3GPP-E-UTRAN-FDD".into()));
        for (n, v) in [
            ("mcc", "262"),
            ("mnc", "01"),
            ("tac", "00a1"),
            ("eci", "b2c3d4e"),
        ] {
            assert!(f.contains(&(n.into(), v.into())), "{n}: {f:?}");
        }
        let m = msg("P-Charging-Vector: icid-value=\"AyretyU0dm+6O2IrT5tAFrbHLso=023551024\";icid-generated-at=192.0.6.8;orig-ioi=home1.net");
        let f = fields(&m, H::PChargingVector);
        assert_eq!(
            f[0],
            (
                "icid-value".into(),
                "AyretyU0dm+6O2IrT5tAFrbHLso=023551024".into()
            )
        );
        assert!(f.contains(&("orig-ioi".into(), "home1.net".into())));
        let m = msg("Server: Kamailio (5.6.2 (x86_64/linux))");
        assert_eq!(
            fields(&m, H::Server),
            pairs(&[
                ("[1] product", "Kamailio"),
                ("[2] comment", "(5.6.2 (x86_64/linux))")
            ])
        );
        let m = msg("User-Agent: Asterisk/16.2.1");
        assert_eq!(
            fields(&m, H::UserAgent),
            pairs(&[("product", "Asterisk"), ("version", "16.2.1")])
        );
    }

    #[test]
    fn unknown_and_broken_headers_give_no_or_partial_fields() {
        let m = msg("X-Custom: a=b");
        let mm = parse_message(&m);
        assert!(header_fields(mm.headers().first().unwrap()).is_empty());
        let m = msg("CSeq: abc");
        let _ = fields(&m, H::CSeq);
    }
}
