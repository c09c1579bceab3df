//! The typed-view registry: one table (`views!` below) maps each
//! [`HeaderName`] to its typed parser, and [`Views`] parses each header of
//! a message at most once, on first use, keeping the grammar findings of
//! that parse with the value (rustc's query idea: computed once, read by
//! many).
//!
//! Every consumer reads the same [`Views`]: grammar validation
//! ([`crate::validate::validate_views`] collects the findings of every
//! view), the rules' context ([`crate::diagnose::Ctx`]), the header field
//! table, and the trace correlator. No header value is parsed twice in a
//! decode.
//!
//! **Adding a typed view** is one parser (a function of a grammar module:
//! `fn(Text<'a>, &mut Findings) -> T`) plus one row of the `views!` table:
//! `Variant(T) = HeaderName | … => parser(v, out);`. The row gives the
//! [`HeaderView`] variant, the headers it applies to and the call; the
//! validation, [`Views::get`] and the field table (one arm in
//! `diagnose/fields.rs` if it should show sub-fields) pick it up.
//!
//! The older accessors on [`Message`] (`via()`, `from()`, `cseq()`…) are
//! kept for callers that need one value once; they parse on every call and
//! drop findings.

use std::cell::OnceCell;

use super::addr::{parse_contact, parse_name_addr, parse_name_addr_list, Contact, NameAddr};
use super::auth::{self, AuthParams, Challenge, Credentials};
use super::body::{parse_message_body, part_leaves, Body};
use super::diag::{self, ReasonValue, RetryAfter, WarningValue};
use super::ims::{self, AccessNetSpec, ChargingVector};
use super::media::{parse_media_type, MediaType};
use super::params::Findings;
use super::scalar::{
    parse_call_id, parse_cseq, parse_delta_seconds, parse_max_forwards, parse_session_interval,
    CSeq, SessionInterval,
};
use super::sdp::Sdp;
use super::security::{self, SecMechanism};
use super::tokens::{self, MediaRange, RAck, RSeq, ServerVal, SipDate};
use super::uri::{parse_uri, Uri};
use super::via::{parse_via_list, Via};
use super::{Header, Message};
use crate::finding::{Finding, Rule};
use crate::header_name::HeaderName;
use crate::span::Text;

/// The registry. Each row: `Variant(type) = Header | Header => parser;`
/// where the parser expression reads the header value `v`, its name
/// `name` and pushes grammar findings to `out`.
macro_rules! views {
    (($v:ident, $name:ident, $out:ident);
     $( $(#[$doc:meta])* $variant:ident($ty:ty) = $($h:ident)|+ => $parse:expr; )*) => {
        /// The typed value of one header, as its grammar function returned
        /// it. Which variant a header gets is the row of the `views!` table.
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum HeaderView<'a> {
            /// No typed view: an unknown header, or a known one without a
            /// grammar here (its value is used as written).
            Untyped,
            $( $(#[$doc])* $variant($ty), )*
        }

        /// Parses the value `v` of a header named `name` with the typed
        /// parser of its row, pushing grammar findings to `out`.
        pub fn parse_view<'a>($name: HeaderName, $v: Text<'a>, $out: &mut Findings) -> HeaderView<'a> {
            match $name {
                $( $(HeaderName::$h)|+ => HeaderView::$variant($parse), )*
                _ => HeaderView::Untyped,
            }
        }

        /// True when `name` has a row in the registry.
        pub fn has_view(name: HeaderName) -> bool {
            matches!(name, $( $(HeaderName::$h)|+ )|*)
        }
    };
}

#[rustfmt::skip]
views! { (v, name, out);
    /// Via values (RFC 3261 §20.42).
    Via(Vec<Via<'a>>) = Via => parse_via_list(v, out);
    /// A single-address header; a second address is a finding. Boxed, as
    /// are the other large rare values (Date, P-Charging-Vector): a view
    /// is moved twice into its slot, and the largest variant sets every
    /// slot's size (352 bytes with the address inline, 128 without).
    Address(Box<NameAddr<'a>>) = From | To | ReferTo | ReferredBy | ReplyTo | PCalledPartyId | PServedUser
        => Box::new(single_address(v, name, out));
    /// An address-list header (RFC 3261 §20.30, §20.34; RFC 3327; RFC 3608; RFC 3325; RFC 7315).
    AddressList(Vec<NameAddr<'a>>) = Route | RecordRoute | Path | ServiceRoute | PAssertedIdentity
        | PPreferredIdentity | PAssociatedUri => parse_name_addr_list(v, name.as_str(), out);
    /// Contact values (RFC 3261 §20.10).
    Contact(Vec<Contact<'a>>) = Contact => parse_contact(v, out);
    /// CSeq (RFC 3261 §20.16).
    CSeq(Option<CSeq<'a>>) = CSeq => parse_cseq(v, out);
    /// Call-ID (RFC 3261 §20.8).
    CallId(Text<'a>) = CallId => parse_call_id(v, out);
    /// Max-Forwards (RFC 3261 §20.22).
    MaxForwards(Option<u8>) = MaxForwards => parse_max_forwards(v, out);
    /// delta-seconds: Expires, Min-Expires (RFC 3261 §20.19, §20.23).
    Seconds(Option<u32>) = Expires | MinExpires => parse_delta_seconds(v, name.as_str(), out);
    /// Session-Expires, Min-SE (RFC 4028 §4, §5).
    SessionInterval(SessionInterval<'a>) = SessionExpires | MinSe
        => parse_session_interval(v, name.as_str(), out);
    /// WWW-Authenticate, Proxy-Authenticate (RFC 3261 §20.27, §20.44).
    Challenge(Option<Challenge<'a>>) = WwwAuthenticate | ProxyAuthenticate => challenge(v, name, out);
    /// Authorization, Proxy-Authorization (RFC 3261 §20.7, §20.28).
    Credentials(Option<Credentials<'a>>) = Authorization | ProxyAuthorization => credentials(v, name, out);
    /// Authentication-Info (RFC 3261 §20.6).
    AuthenticationInfo(Option<AuthParams<'a>>) = AuthenticationInfo => auth::parse_authentication_info(v, out);
    /// Security-Client, -Server, -Verify (RFC 3329 §2.3.1).
    Security(Vec<SecMechanism<'a>>) = SecurityClient | SecurityServer | SecurityVerify => security_mechs(v, name, out);
    /// P-Access-Network-Info (RFC 7315 §5.4).
    AccessNetworkInfo(Vec<AccessNetSpec<'a>>) = PAccessNetworkInfo => ims::parse_p_access_network_info(v, out);
    /// P-Charging-Vector (RFC 7315 §5.6).
    ChargingVector(Option<Box<ChargingVector<'a>>>) = PChargingVector
        => ims::parse_p_charging_vector(v, out).map(Box::new);
    /// Retry-After (RFC 3261 §20.33).
    RetryAfter(Option<RetryAfter<'a>>) = RetryAfter => diag::parse_retry_after(v, out);
    /// Warning values (RFC 3261 §20.43).
    Warning(Vec<WarningValue<'a>>) = Warning => diag::parse_warning(v, out);
    /// Reason values (RFC 3326).
    Reason(Vec<ReasonValue<'a>>) = Reason => diag::parse_reason(v, out);
    /// Option tags, methods or event packages: Require, Supported,
    /// Unsupported, Proxy-Require, Allow, Allow-Events.
    Tokens(Vec<Text<'a>>) = Require | Supported | Unsupported | ProxyRequire | Allow | AllowEvents
        => token_list(v, name, out);
    /// Accept (RFC 3261 §20.1).
    Accept(Vec<MediaRange<'a>>) = Accept => tokens::parse_accept(v, out);
    /// RSeq (RFC 3262 §7.1).
    RSeq(Option<RSeq<'a>>) = RSeq => tokens::parse_rseq(v, out);
    /// RAck (RFC 3262 §7.2).
    RAck(Option<RAck<'a>>) = RAck => tokens::parse_rack(v, out);
    /// Content-Type (RFC 3261 §20.15).
    ContentType(Option<MediaType<'a>>) = ContentType => parse_media_type(v, out);
    /// Date (RFC 3261 §20.17).
    Date(Option<Box<SipDate<'a>>>) = Date => tokens::parse_date(v, out).map(Box::new);
    /// Server, User-Agent; bent grammar is tolerated (lax findings).
    Products(Vec<ServerVal<'a>>) = Server | UserAgent => products(v, name, out);
}

/// From, To and the other single-address headers: two addresses in the
/// header are a finding, then the first is parsed.
fn single_address<'a>(v: Text<'a>, name: HeaderName, out: &mut Findings) -> NameAddr<'a> {
    let canonical = name.as_str();
    // Without a comma there is one item (skips the list split).
    if memchr::memchr(b',', v.bytes()).is_some() {
        let mut scratch = Vec::new();
        let items = super::params::split_list(v, canonical, &mut scratch);
        if items.len() > 1 && items.iter().all(|i| i.find_unquoted(b':').is_some()) {
            out.push(Finding::new(
                Rule::DuplicateSingleHeader,
                v.span(),
                format!("{canonical} holds {} addresses; it allows one", items.len()),
            ));
        }
    }
    parse_name_addr(v, canonical, out)
}

fn challenge<'a>(v: Text<'a>, name: HeaderName, out: &mut Findings) -> Option<Challenge<'a>> {
    if name == HeaderName::WwwAuthenticate {
        auth::parse_www_authenticate(v, out)
    } else {
        auth::parse_proxy_authenticate(v, out)
    }
}

fn credentials<'a>(v: Text<'a>, name: HeaderName, out: &mut Findings) -> Option<Credentials<'a>> {
    if name == HeaderName::Authorization {
        auth::parse_authorization(v, out)
    } else {
        auth::parse_proxy_authorization(v, out)
    }
}

fn security_mechs<'a>(v: Text<'a>, name: HeaderName, out: &mut Findings) -> Vec<SecMechanism<'a>> {
    match name {
        HeaderName::SecurityClient => security::parse_security_client(v, out),
        HeaderName::SecurityServer => security::parse_security_server(v, out),
        _ => security::parse_security_verify(v, out),
    }
}

fn token_list<'a>(v: Text<'a>, name: HeaderName, out: &mut Findings) -> Vec<Text<'a>> {
    match name {
        HeaderName::Require => tokens::parse_require(v, out),
        HeaderName::Supported => tokens::parse_supported(v, out),
        HeaderName::Unsupported => tokens::parse_unsupported(v, out),
        HeaderName::ProxyRequire => tokens::parse_proxy_require(v, out),
        HeaderName::Allow => tokens::parse_allow(v, out),
        _ => tokens::parse_allow_events(v, out),
    }
}

/// Product tokens are informational: a bent grammar is a lax finding.
fn products<'a>(v: Text<'a>, name: HeaderName, out: &mut Findings) -> Vec<ServerVal<'a>> {
    let mut found = Vec::new();
    let vals = if name == HeaderName::Server {
        tokens::parse_server(v, &mut found)
    } else {
        tokens::parse_user_agent(v, &mut found)
    };
    out.extend(found.into_iter().map(|mut f| {
        if f.rule == Rule::BadHeaderValue {
            f.rule = Rule::LaxHeaderValue;
        }
        f
    }));
    vals
}

/// One typed view with the grammar findings of its parse.
#[derive(Debug, Clone)]
pub struct Parsed<'a> {
    /// The typed value.
    pub view: HeaderView<'a>,
    /// What the grammar found, in the order it found it.
    pub findings: Findings,
}

/// The typed views of one message, each computed at most once.
///
/// Header views are indexed like [`Message::headers`]; the Request-URI and
/// the body have their own. Nothing is parsed until asked for.
#[derive(Debug)]
pub struct Views<'m, 'a> {
    msg: &'m Message<'a>,
    /// Registered name of each header (looked up once).
    names: Vec<Option<HeaderName>>,
    /// Inline, not boxed: one allocation for every header's slot instead
    /// of one per header read (a slot is a few hundred bytes, freed with
    /// the message's views).
    headers: Vec<OnceCell<Parsed<'a>>>,
    request_uri: OnceCell<(Option<Uri<'a>>, Findings)>,
    body: OnceCell<(Body<'a>, Findings)>,
    nested_sdp: OnceCell<Option<Sdp<'a>>>,
}

thread_local! {
    /// The slot buffer of the last `Views` dropped on this thread, empty,
    /// kept for the next message's ([`crate::spare`]).
    static SPARE_SLOTS: std::cell::Cell<Vec<OnceCell<Parsed<'static>>>> =
        const { std::cell::Cell::new(Vec::new()) };
}

/// Slots kept for the next message only up to this many headers.
const SPARE_MAX: usize = 64;

/// `n` empty slots. The buffer is the last dropped `Views`' when there is
/// one: a message's slots are a few kilobytes ([`crate::spare`]).
fn empty_slots<'a>(n: usize) -> Vec<OnceCell<Parsed<'a>>> {
    let mut slots: Vec<OnceCell<Parsed<'a>>> = crate::spare::take(&SPARE_SLOTS);
    slots.resize_with(n, OnceCell::new);
    slots
}

impl Drop for Views<'_, '_> {
    fn drop(&mut self) {
        let slots = std::mem::take(&mut self.headers);
        crate::spare::keep(&SPARE_SLOTS, slots, SPARE_MAX);
    }
}

impl<'m, 'a> Views<'m, 'a> {
    /// The views of `msg`; nothing is parsed yet.
    pub fn new(msg: &'m Message<'a>) -> Self {
        let headers = msg.headers();
        Views {
            msg,
            names: headers.iter().map(Header::known_name).collect(),
            headers: empty_slots(headers.len()),
            request_uri: OnceCell::new(),
            body: OnceCell::new(),
            nested_sdp: OnceCell::new(),
        }
    }

    /// The message.
    pub fn message(&self) -> &'m Message<'a> {
        self.msg
    }

    /// The registered name of header `i` (an index of [`Message::headers`]).
    pub fn name(&self, i: usize) -> Option<HeaderName> {
        self.names.get(i).copied().flatten()
    }

    /// The view of header `i` with its findings (parsed on first use).
    pub fn get(&self, i: usize) -> &Parsed<'a> {
        self.headers[i].get_or_init(|| {
            let mut findings = Vec::new();
            let view = match self.names[i] {
                Some(name) => parse_view(name, self.msg.headers()[i].value, &mut findings),
                None => HeaderView::Untyped,
            };
            Parsed { view, findings }
        })
    }

    /// The view of header `i`.
    pub fn view(&self, i: usize) -> &HeaderView<'a> {
        &self.get(i).view
    }

    /// Indexes of the headers named `name`, in order.
    pub fn indexes(&self, name: HeaderName) -> impl Iterator<Item = usize> + Clone + '_ {
        self.names
            .iter()
            .enumerate()
            .filter(move |(_, n)| **n == Some(name))
            .map(|(i, _)| i)
    }

    /// The first header named `name` with its index.
    pub fn first(&self, name: HeaderName) -> Option<(usize, &'m Header<'a>)> {
        let i = self.names.iter().position(|n| *n == Some(name))?;
        Some((i, &self.msg.headers()[i]))
    }

    /// The views of every header named `name`, with the header.
    pub fn all(
        &self,
        name: HeaderName,
    ) -> impl Iterator<Item = (&'m Header<'a>, &HeaderView<'a>)> + '_ {
        let hs = self.msg.headers();
        self.indexes(name).map(move |i| (&hs[i], self.view(i)))
    }

    /// The view of the first header named `name`.
    pub fn first_view(&self, name: HeaderName) -> Option<&HeaderView<'a>> {
        self.first(name).map(|(i, _)| self.view(i))
    }

    /// Every Via value, in order, across all Via headers.
    pub fn vias(&self) -> impl Iterator<Item = &Via<'a>> + Clone + '_ {
        self.indexes(HeaderName::Via)
            .flat_map(move |i| match self.view(i) {
                HeaderView::Via(v) => v.as_slice(),
                _ => &[],
            })
    }

    /// The topmost Via value (the first of the first Via header).
    pub fn top_via(&self) -> Option<&Via<'a>> {
        match self.first_view(HeaderName::Via)? {
            HeaderView::Via(v) => v.first(),
            _ => None,
        }
    }

    /// The first value of a single-address header (From, To, Refer-To…).
    pub fn address(&self, name: HeaderName) -> Option<&NameAddr<'a>> {
        match self.first_view(name)? {
            HeaderView::Address(a) => Some(&**a),
            _ => None,
        }
    }

    /// The From address.
    pub fn from(&self) -> Option<&NameAddr<'a>> {
        self.address(HeaderName::From)
    }

    /// The To address.
    pub fn to(&self) -> Option<&NameAddr<'a>> {
        self.address(HeaderName::To)
    }

    /// Every value of an address-list header, across all its headers.
    pub fn addresses(&self, name: HeaderName) -> impl Iterator<Item = &NameAddr<'a>> + '_ {
        self.indexes(name).flat_map(move |i| match self.view(i) {
            HeaderView::AddressList(v) => v.as_slice(),
            _ => &[],
        })
    }

    /// Every Contact value.
    pub fn contacts(&self) -> impl Iterator<Item = &Contact<'a>> + Clone + '_ {
        self.indexes(HeaderName::Contact)
            .flat_map(move |i| match self.view(i) {
                HeaderView::Contact(v) => v.as_slice(),
                _ => &[],
            })
    }

    /// The CSeq of the first CSeq header.
    pub fn cseq(&self) -> Option<&CSeq<'a>> {
        match self.first_view(HeaderName::CSeq)? {
            HeaderView::CSeq(c) => c.as_ref(),
            _ => None,
        }
    }

    /// The Call-ID.
    pub fn call_id(&self) -> Option<Text<'a>> {
        match self.first_view(HeaderName::CallId)? {
            HeaderView::CallId(c) => Some(*c),
            _ => None,
        }
    }

    /// Max-Forwards, when present and in range.
    pub fn max_forwards(&self) -> Option<u8> {
        match self.first_view(HeaderName::MaxForwards)? {
            HeaderView::MaxForwards(m) => *m,
            _ => None,
        }
    }

    /// A delta-seconds header (Expires, Min-Expires), when valid.
    pub fn seconds(&self, name: HeaderName) -> Option<u32> {
        match self.first_view(name)? {
            HeaderView::Seconds(s) => *s,
            _ => None,
        }
    }

    /// The first Content-Type, parsed.
    pub fn content_type(&self) -> Option<&MediaType<'a>> {
        match self.first_view(HeaderName::ContentType)? {
            HeaderView::ContentType(m) => m.as_ref(),
            _ => None,
        }
    }

    /// The tokens of the first header `name` (Require, Supported,
    /// Unsupported, Proxy-Require, Allow, Allow-Events); empty when absent.
    pub fn tokens(&self, name: HeaderName) -> &[Text<'a>] {
        match self.first_view(name) {
            Some(HeaderView::Tokens(t)) => t,
            _ => &[],
        }
    }

    /// The product tokens of the first Server or User-Agent header.
    pub fn products(&self, name: HeaderName) -> &[ServerVal<'a>] {
        match self.first_view(name) {
            Some(HeaderView::Products(p)) => p,
            _ => &[],
        }
    }

    /// The mechanisms of the first Security-Client/-Server/-Verify header.
    pub fn security(&self, name: HeaderName) -> &[SecMechanism<'a>] {
        match self.first_view(name) {
            Some(HeaderView::Security(m)) => m,
            _ => &[],
        }
    }

    /// The mechanisms of every Security-Client/-Server/-Verify header.
    pub fn security_all(&self, name: HeaderName) -> impl Iterator<Item = &SecMechanism<'a>> + '_ {
        self.indexes(name).flat_map(move |i| match self.view(i) {
            HeaderView::Security(v) => v.as_slice(),
            _ => &[],
        })
    }

    /// The access-net-specs of the first P-Access-Network-Info.
    pub fn access_network_info(&self) -> &[AccessNetSpec<'a>] {
        match self.first_view(HeaderName::PAccessNetworkInfo) {
            Some(HeaderView::AccessNetworkInfo(s)) => s,
            _ => &[],
        }
    }

    /// The first P-Charging-Vector, parsed.
    pub fn charging_vector(&self) -> Option<&ChargingVector<'a>> {
        match self.first_view(HeaderName::PChargingVector)? {
            HeaderView::ChargingVector(c) => c.as_deref(),
            _ => None,
        }
    }

    /// The first Retry-After, parsed.
    pub fn retry_after(&self) -> Option<&RetryAfter<'a>> {
        match self.first_view(HeaderName::RetryAfter)? {
            HeaderView::RetryAfter(r) => r.as_ref(),
            _ => None,
        }
    }

    /// Every Reason value with its header.
    pub fn reasons(&self) -> impl Iterator<Item = (&'m Header<'a>, &ReasonValue<'a>)> + '_ {
        self.all(HeaderName::Reason).flat_map(|(h, v)| {
            match v {
                HeaderView::Reason(rs) => rs.as_slice(),
                _ => &[],
            }
            .iter()
            .map(move |r| (h, r))
        })
    }

    /// Every Warning value.
    pub fn warnings(&self) -> impl Iterator<Item = &WarningValue<'a>> + '_ {
        self.all(HeaderName::Warning).flat_map(|(_, v)| match v {
            HeaderView::Warning(ws) => ws.as_slice(),
            _ => &[],
        })
    }

    /// The challenge of every WWW-Authenticate or Proxy-Authenticate header
    /// `name` that parsed.
    pub fn challenges(
        &self,
        name: HeaderName,
    ) -> impl Iterator<Item = (&'m Header<'a>, &Challenge<'a>)> + '_ {
        self.all(name).filter_map(|(h, v)| match v {
            HeaderView::Challenge(Some(c)) => Some((h, c)),
            _ => None,
        })
    }

    /// The credentials of every Authorization or Proxy-Authorization header
    /// `name` that parsed.
    pub fn credentials(
        &self,
        name: HeaderName,
    ) -> impl Iterator<Item = (&'m Header<'a>, &Credentials<'a>)> + '_ {
        self.all(name).filter_map(|(h, v)| match v {
            HeaderView::Credentials(Some(c)) => Some((h, c)),
            _ => None,
        })
    }

    /// The Request-URI, parsed, with the findings of its grammar.
    pub fn request_uri_parsed(&self) -> Option<&(Option<Uri<'a>>, Findings)> {
        let rl = self.msg.request_line()?;
        Some(self.request_uri.get_or_init(|| {
            let mut found = Vec::new();
            let uri = parse_uri(rl.uri, &mut found);
            (uri, found)
        }))
    }

    /// The Request-URI, parsed.
    pub fn request_uri(&self) -> Option<&Uri<'a>> {
        self.request_uri_parsed()?.0.as_ref()
    }

    /// The body, classified by the Content-Type view
    /// ([`Views::content_type`], whose findings stay with that header's
    /// view), with the findings of the body's own grammar.
    pub fn body_parsed(&self) -> &(Body<'a>, Findings) {
        self.body.get_or_init(|| {
            let mut found = Vec::new();
            let body = parse_message_body(
                self.content_type(),
                self.msg.body(),
                self.line_prefix(),
                &mut found,
            );
            if let Body::Multipart(m) = &body {
                // The parts through their own grammars: their findings
                // (an SDP part's lines, a part's Content-Type) are the
                // body's, and the first SDP among them is `sdp()`.
                let sdp = part_leaves(m, self.line_prefix(), &mut found)
                    .into_iter()
                    .find_map(|l| match l.body {
                        Body::Sdp(s) => Some(*s),
                        _ => None,
                    });
                let _ = self.nested_sdp.set(sdp);
            }
            (body, found)
        })
    }

    /// The paste prefix every line of the message carries (empty when none).
    fn line_prefix(&self) -> &'a [u8] {
        self.msg.line_prefix().map_or(&[][..], |p| p.bytes())
    }

    /// The body, classified.
    pub fn body(&self) -> &Body<'a> {
        &self.body_parsed().0
    }

    /// The session description of the body: the body itself, or the first
    /// `application/sdp` part of a multipart (as
    /// [`find_sdp`](super::body::find_sdp) finds it,
    /// from the Content-Type view).
    pub fn sdp(&self) -> Option<&Sdp<'a>> {
        match self.body() {
            Body::Sdp(s) => Some(s),
            // Set with the body's view (`body_parsed`).
            Body::Multipart(_) => self.nested_sdp.get().and_then(Option::as_ref),
            _ => None,
        }
    }
}

impl<'a> Message<'a> {
    /// Every Via value, in order, across all Via headers.
    pub fn via(&self) -> Vec<Via<'a>> {
        let mut sink = Vec::new();
        self.headers_named(HeaderName::Via)
            .flat_map(|h| parse_via_list(h.value, &mut sink))
            .collect()
    }

    /// The first (topmost) Via value.
    pub fn top_via(&self) -> Option<Via<'a>> {
        let mut sink = Vec::new();
        self.header(HeaderName::Via)
            .and_then(|h| parse_via_list(h.value, &mut sink).into_iter().next())
    }

    /// The From address.
    pub fn from(&self) -> Option<NameAddr<'a>> {
        self.address(HeaderName::From)
    }

    /// The To address.
    pub fn to(&self) -> Option<NameAddr<'a>> {
        self.address(HeaderName::To)
    }

    /// The first value of a single-address header (From, To, Refer-To,
    /// P-Called-Party-ID…).
    pub fn address(&self, name: HeaderName) -> Option<NameAddr<'a>> {
        let mut sink = Vec::new();
        self.header(name)
            .map(|h| parse_name_addr(h.value, name.as_str(), &mut sink))
    }

    /// Every value of an address-list header (Route, Record-Route, Path,
    /// Service-Route, P-Asserted-Identity…), across all its headers.
    pub fn addresses(&self, name: HeaderName) -> Vec<NameAddr<'a>> {
        let mut sink = Vec::new();
        self.headers_named(name)
            .flat_map(|h| parse_name_addr_list(h.value, name.as_str(), &mut sink))
            .collect()
    }

    /// Every Contact value.
    pub fn contacts(&self) -> Vec<Contact<'a>> {
        let mut sink = Vec::new();
        self.headers_named(HeaderName::Contact)
            .flat_map(|h| parse_contact(h.value, &mut sink))
            .collect()
    }

    /// The Call-ID.
    pub fn call_id(&self) -> Option<Text<'a>> {
        let mut sink = Vec::new();
        self.header(HeaderName::CallId)
            .map(|h| parse_call_id(h.value, &mut sink))
    }

    /// The CSeq.
    pub fn cseq(&self) -> Option<CSeq<'a>> {
        let mut sink = Vec::new();
        self.header(HeaderName::CSeq)
            .and_then(|h| parse_cseq(h.value, &mut sink))
    }

    /// Max-Forwards, when present and in range.
    pub fn max_forwards(&self) -> Option<u8> {
        let mut sink = Vec::new();
        self.header(HeaderName::MaxForwards)
            .and_then(|h| parse_max_forwards(h.value, &mut sink))
    }

    /// A delta-seconds header (Expires, Min-Expires), when valid.
    pub fn seconds(&self, name: HeaderName) -> Option<u32> {
        let mut sink = Vec::new();
        self.header(name)
            .and_then(|h| parse_delta_seconds(h.value, name.as_str(), &mut sink))
    }

    /// The declared Content-Length, when valid.
    pub fn content_length(&self) -> Option<u64> {
        self.header(HeaderName::ContentLength)
            .and_then(|h| h.value.parse_u64())
    }

    /// The Request-URI, parsed.
    pub fn request_uri(&self) -> Option<Uri<'a>> {
        let mut sink = Vec::new();
        self.request_line()
            .and_then(|r| parse_uri(r.uri, &mut sink))
    }
}

#[cfg(test)]
mod tests {
    use crate::parse::parse_message;

    #[test]
    fn typed_accessors() {
        let m = parse_message(
            b"SIP/2.0 401 Unauthorized\r\nv: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/TCP b\r\nVia: SIP/2.0/UDP c;branch=z9hG4bK3\r\n\
f: <sip:u@ims.example>;tag=x\r\nt: <sip:u@ims.example>;tag=y\r\ni: id1\r\nCSeq: 7 REGISTER\r\nm: <sip:u@10.0.0.1>;expires=600\r\n\
Expires: 600\r\nl: 0\r\n\r\n",
        );
        assert_eq!(m.via().len(), 3);
        assert_eq!(m.top_via().unwrap().host.bytes(), b"a");
        assert_eq!(m.from().unwrap().tag().unwrap().bytes(), b"x");
        assert_eq!(m.to().unwrap().tag().unwrap().bytes(), b"y");
        assert_eq!(m.call_id().unwrap().bytes(), b"id1");
        assert_eq!(m.cseq().unwrap().seq, Some(7));
        assert_eq!(m.contacts().len(), 1);
        assert_eq!(
            m.seconds(crate::header_name::HeaderName::Expires),
            Some(600)
        );
        assert_eq!(m.content_length(), Some(0));
        assert_eq!(m.max_forwards(), None);
    }

    /// A `Views` after a dropped one (whose slot buffer it may take) starts
    /// with every slot empty, one per header, and reads the same: the test
    /// asserts behaviour, not where the buffer lies (that the in-place
    /// `collect` keeps it is the standard library's choice, not a promise).
    #[test]
    fn slots_are_reused_empty() {
        let m = parse_message(
            b"OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: x\r\n\r\n",
        );
        let v = super::Views::new(&m);
        let first = v.top_via().map(|via| via.text);
        assert!(first.is_some());
        drop(v);
        let other = parse_message(b"OPTIONS sip:a@b SIP/2.0\r\nCall-ID: y\r\n\r\n");
        drop(super::Views::new(&other));
        let v = super::Views::new(&m);
        assert!(v.headers.iter().all(|c| c.get().is_none()));
        assert_eq!(v.headers.len(), 2);
        assert_eq!(v.top_via().map(|via| via.text), first);
        let json = |input: &[u8]| serde_json::to_string(&crate::diagnose::decode(input)).unwrap();
        let input =
            b"OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: x\r\n\r\n";
        assert_eq!(json(input), json(input));
    }

    /// A bad Content-Type is reported once: the body is classified from
    /// the Content-Type view, not from a second parse of the header.
    #[test]
    fn content_type_findings_once() {
        let m = parse_message(
            b"INVITE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\
From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\
Max-Forwards: 70\r\nContent-Type: application sdp\r\nContent-Length: 4\r\n\r\nabcd",
        );
        let found = crate::validate::validate_message(&m);
        let bad_ct = found
            .iter()
            .filter(|f| f.rule == crate::finding::Rule::BadHeaderValue)
            .count();
        assert_eq!(bad_ct, 1, "{found:?}");
        let sdp = parse_message(
            b"INVITE sip:b@example.com SIP/2.0\r\nContent-Type: application/sdp;;\r\n\
Content-Length: 4\r\n\r\nv=0\n",
        );
        let views = super::Views::new(&sdp);
        assert!(matches!(views.body(), super::Body::Sdp(_)));
        assert!(
            views
                .body_parsed()
                .1
                .iter()
                .all(|f| f.rule != crate::finding::Rule::EmptyListElement),
            "{:?}",
            views.body_parsed().1
        );
    }

    /// An SDP part of a multipart body (SIP-I: SDP and ISUP) goes through
    /// the SDP grammar like a whole-body SDP: its faults are the body's
    /// findings, located in the part (they used to be dropped), and
    /// `sdp()` is that part.
    #[test]
    fn multipart_sdp_part_is_validated() {
        let input: &[u8] =
            b"INVITE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\
From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\
Max-Forwards: 70\r\nContent-Type: multipart/mixed;boundary=bb\r\n\r\n\
--bb\r\nContent-Type: application/sdp\r\n\r\n\
v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n\
m=audio 5004 RTP/AVP 8\r\nb=AS64\r\n\r\n\
--bb\r\nContent-Type: application/ISUP;version=itu-t92+\r\n\r\n\x01\x00\r\n--bb--\r\n";
        let m = parse_message(input);
        let views = super::Views::new(&m);
        assert_eq!(views.sdp().map(|s| s.media.len()), Some(1));
        let found = crate::validate::validate_message(&m);
        let b = found
            .iter()
            .find(|f| f.span.slice(input).starts_with(b"AS64"))
            .unwrap_or_else(|| panic!("no finding on b=AS64: {found:?}"));
        assert_eq!(b.rule, crate::finding::Rule::BadBody, "{b:?}");
        let in_body = |f: &&crate::finding::Finding| f.rule == crate::finding::Rule::BadBody;
        assert_eq!(found.iter().filter(in_body).count(), 1, "{found:?}");
        assert!(crate::decode(input)
            .findings
            .iter()
            .any(|f| f.message.contains("b= is not")));
    }
}
