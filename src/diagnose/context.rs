//! The context every rule reads and the record every rule writes: [`Ctx`]
//! computes the typed views of a message once; [`Dx`] collects findings,
//! evidence-backed causes, things to inspect and next steps.

use std::cell::OnceCell;

use crate::finding::{Finding, Rule};
use crate::header_name::HeaderName;
use crate::kb::{self, CodeLookup, RetryPolicy};
use crate::parse::addr::{Contact, NameAddr};
use crate::parse::auth::Auth;
use crate::parse::body::Body;
use crate::parse::diag::{ReasonValue, RetryAfter, WarningValue};
use crate::parse::scalar::CSeq;
use crate::parse::sdp::Sdp;
use crate::parse::via::Via;
use crate::parse::views::{HeaderView, Views};
use crate::parse::{Message, StartLine};
use crate::span::{Span, Text};
use crate::status::{Method, StatusCode};

use super::dto::Confidence;

/// One likely cause with the bytes that support it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    /// The cause, one sentence.
    pub text: String,
    /// How well this message supports it.
    pub confidence: Confidence,
    /// The supporting bytes and what each shows.
    pub evidence: Vec<(Span, String)>,
}

/// What the rules found, before assembly.
#[derive(Debug, Default)]
pub struct Dx {
    /// Rule findings.
    pub findings: Vec<Finding>,
    /// Evidence-backed causes, in the order rules added them.
    pub causes: Vec<Cause>,
    /// Things to inspect, specific to this message.
    pub inspect: Vec<String>,
    /// Next steps, specific to this message.
    pub next_steps: Vec<String>,
    /// A headline that replaces the default (the first rule to set one wins).
    pub headline: Option<String>,
    /// Extra specification references.
    pub spec_refs: Vec<String>,
    /// Set by a rule whose message-specific advice replaces the knowledge
    /// base's generic causes, checks and fix for the code (e.g. the IMS AKA
    /// text of 401 for a plain Digest or Basic challenge).
    pub skip_kb_advice: bool,
}

impl Dx {
    /// Adds a finding.
    pub fn finding(&mut self, rule: Rule, span: Span, message: impl Into<String>) {
        self.findings.push(Finding::new(rule, span, message));
    }

    /// Adds a cause with its evidence.
    pub fn cause(
        &mut self,
        confidence: Confidence,
        text: impl Into<String>,
        evidence: Vec<(Span, String)>,
    ) {
        let text = text.into();
        if !self.causes.iter().any(|c| c.text == text) {
            self.causes.push(Cause {
                text,
                confidence,
                evidence,
            });
        }
    }

    /// Adds a thing to inspect.
    pub fn inspect(&mut self, what: impl Into<String>) {
        let what = what.into();
        if !self.inspect.contains(&what) {
            self.inspect.push(what);
        }
    }

    /// Adds a next step.
    pub fn step(&mut self, what: impl Into<String>) {
        let what = what.into();
        if !self.next_steps.contains(&what) {
            self.next_steps.push(what);
        }
    }

    /// Drops the knowledge base's generic causes, checks and fix for the
    /// code: this message's own advice contradicts them.
    pub fn replace_kb_advice(&mut self) {
        self.skip_kb_advice = true;
    }

    /// Sets the headline unless a rule already did.
    pub fn headline(&mut self, text: impl Into<String>) {
        if self.headline.is_none() {
            self.headline = Some(text.into());
        }
    }

    /// Adds a spec reference.
    pub fn spec(&mut self, r: impl Into<String>) {
        let r = r.into();
        if !self.spec_refs.contains(&r) {
            self.spec_refs.push(r);
        }
    }
}

/// Typed views every rule may need, computed once per message.
pub struct Ctx<'m, 'a> {
    /// The message.
    pub msg: &'m Message<'a>,
    /// The typed views of the message, each header parsed at most once and
    /// shared with validation and assembly.
    pub views: Views<'m, 'a>,
    /// The status code (responses).
    pub code: Option<StatusCode>,
    /// The knowledge-base entry of the code (responses).
    pub lookup: Option<CodeLookup>,
    /// CSeq.
    pub cseq: Option<CSeq<'a>>,
    /// The method the message is about: the request's, or the CSeq's for a
    /// response.
    pub method: Option<Text<'a>>,
    /// That method, when registered.
    pub known_method: Option<Method>,
    /// Decoded Reason values, with the span of their header.
    pub reasons: Vec<(ReasonValue<'a>, Span)>,
    /// Decoded Warning values.
    pub warnings: Vec<WarningValue<'a>>,
    /// Retry-After.
    pub retry_after: Option<(RetryAfter<'a>, Span)>,
    /// The auth challenge of a 401/407 (which header, parsed).
    pub challenge: Option<(HeaderName, Auth<'a>, Span)>,
    ims_evidence: OnceCell<Option<(Span, String)>>,
}

impl<'m, 'a> Ctx<'m, 'a> {
    /// Computes the views of `msg`.
    pub fn new(msg: &'m Message<'a>) -> Self {
        Self::with_views(Views::new(msg))
    }

    /// The context over views already (partly) computed by another reader
    /// of the same message (the trace correlator).
    pub fn with_views(views: Views<'m, 'a>) -> Self {
        let msg = views.message();
        let code = msg.status_code();
        let cseq = views.cseq().copied();
        let method = match msg.start_line() {
            StartLine::Request(r) => Some(r.method),
            _ => cseq.map(|c| c.method),
        };
        let reasons = views
            .all(HeaderName::Reason)
            .flat_map(|(h, v)| {
                match v {
                    HeaderView::Reason(rs) => rs.as_slice(),
                    _ => &[],
                }
                .iter()
                .map(move |r| (r.clone(), h.span))
            })
            .collect();
        let warnings = views
            .all(HeaderName::Warning)
            .flat_map(|(_, v)| match v {
                HeaderView::Warning(ws) => ws.as_slice(),
                _ => &[],
            })
            .copied()
            .collect();
        let retry_after =
            views
                .first(HeaderName::RetryAfter)
                .and_then(|(i, h)| match views.view(i) {
                    HeaderView::RetryAfter(r) => r.clone().map(|r| (r, h.span)),
                    _ => None,
                });
        let challenge = [HeaderName::WwwAuthenticate, HeaderName::ProxyAuthenticate]
            .into_iter()
            .find_map(|name| {
                let (i, h) = views.first(name)?;
                match views.view(i) {
                    HeaderView::Challenge(a) => a.clone().map(|a| (name, a, h.span)),
                    _ => None,
                }
            });
        Ctx {
            msg,
            code,
            lookup: code.map(kb::lookup_code),
            cseq,
            method,
            known_method: method.and_then(|m| Method::from_bytes(m.bytes())),
            reasons,
            warnings,
            retry_after,
            challenge,
            views,
            ims_evidence: OnceCell::new(),
        }
    }

    /// The body, classified (computed once).
    pub fn body(&self) -> &Body<'a> {
        self.views.body()
    }

    /// Every Via value, in order, across all Via headers.
    pub fn via(&self) -> impl Iterator<Item = &Via<'a>> + Clone + '_ {
        self.views.vias()
    }

    /// The From address.
    pub fn from(&self) -> Option<&NameAddr<'a>> {
        self.views.from()
    }

    /// The To address.
    pub fn to(&self) -> Option<&NameAddr<'a>> {
        self.views.to()
    }

    /// Every Contact value.
    pub fn contacts(&self) -> impl Iterator<Item = &Contact<'a>> + Clone + '_ {
        self.views.contacts()
    }

    /// The session description of the body: the body itself, or the first
    /// `application/sdp` part of a multipart (computed once).
    pub fn sdp(&self) -> Option<&Sdp<'a>> {
        self.views.sdp()
    }

    /// The first sign that the message belongs to an IMS network: a 3GPP
    /// header (P-Charging-Vector, P-Access-Network-Info, Security-*, …), an
    /// AKA challenge, a `3gppnetwork.org` domain or a `+g.3gpp.` feature
    /// tag. IMS rules read a code the IMS way only with such evidence; the
    /// code alone never makes a message IMS.
    pub fn ims_evidence(&self) -> Option<(Span, String)> {
        self.ims_evidence
            .get_or_init(|| self.find_ims_evidence())
            .clone()
    }

    fn find_ims_evidence(&self) -> Option<(Span, String)> {
        use HeaderName as H;
        const IMS_HEADERS: [HeaderName; 13] = [
            H::PChargingVector,
            H::PAccessNetworkInfo,
            H::PAssociatedUri,
            H::PVisitedNetworkId,
            H::ServiceRoute,
            H::SecurityServer,
            H::SecurityClient,
            H::SecurityVerify,
            H::ResponseSource,
            H::PAssertedService,
            H::PPreferredService,
            H::FeatureCaps,
            H::PChargingFunctionAddresses,
        ];
        for name in IMS_HEADERS {
            if let Some((_, h)) = self.views.first(name) {
                return Some((h.span, format!("{}: a 3GPP IMS header", h.canonical_name())));
            }
        }
        if let Some((_, a, span)) = &self.challenge {
            if a.params.is_aka() {
                return Some((*span, "an IMS AKA challenge (algorithm=AKAv*)".to_owned()));
            }
        }
        for h in self.msg.headers() {
            match ims_marker(h.value.bytes()) {
                Some(ImsMarker::Domain) => {
                    return Some((h.span, "a 3GPP IMS domain (…3gppnetwork.org)".to_owned()))
                }
                Some(ImsMarker::FeatureTag) => {
                    return Some((h.span, "a 3GPP feature tag (+g.3gpp.…)".to_owned()))
                }
                None => {}
            }
        }
        None
    }

    /// True when the message is a response with this code.
    pub fn is(&self, code: u16) -> bool {
        self.code == Some(StatusCode(code))
    }

    /// True when the method is `m`.
    pub fn method_is(&self, m: Method) -> bool {
        self.known_method == Some(m)
    }

    /// The method as text (`?` when unknown).
    pub fn method_str(&self) -> String {
        self.method
            .map_or_else(|| "?".to_owned(), |m| m.as_str().into_owned())
    }

    /// The first header named `name`, as (value, whole-header span).
    pub fn header(&self, name: HeaderName) -> Option<(Text<'a>, Span)> {
        self.views.first(name).map(|(_, h)| (h.value, h.span))
    }

    /// Evidence pointing at a header: its span and what it shows.
    pub fn evidence(&self, name: HeaderName, what: impl Into<String>) -> Option<(Span, String)> {
        self.views.first(name).map(|(_, h)| (h.span, what.into()))
    }

    /// Evidence pointing at the status line.
    pub fn status_evidence(&self, what: impl Into<String>) -> (Span, String) {
        (self.msg.start_line_span(), what.into())
    }

    /// Evidence pointing at the CSeq header.
    pub fn cseq_evidence(&self) -> Option<(Span, String)> {
        self.evidence(
            HeaderName::CSeq,
            format!("the request was {}", self.method_str()),
        )
    }
}

/// What [`ims_marker`] found in a header value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ImsMarker {
    /// `3gppnetwork.org` (any case).
    Domain,
    /// `+g.3gpp.` (any case), and no IMS domain in the value.
    FeatureTag,
}

/// An IMS domain in `v` (first), else a 3GPP feature tag: the two
/// [`contains_ci`] tests of `find_ims_evidence` in one scan of the value
/// (their first bytes, `3` and `+`, have no case: one `memchr2` finds the
/// candidates of both). The core module keeps the two tests (size).
fn ims_marker(v: &[u8]) -> Option<ImsMarker> {
    const DOMAIN: &[u8] = b"3gppnetwork.org";
    const TAG: &[u8] = b"+g.3gpp.";
    if cfg!(feature = "core-only") {
        return if contains_ci(v, DOMAIN) {
            Some(ImsMarker::Domain)
        } else if contains_ci(v, TAG) {
            Some(ImsMarker::FeatureTag)
        } else {
            None
        };
    }
    let at = |i: usize, needle: &[u8]| {
        v.get(i..i + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    };
    let mut tag = false;
    for i in memchr::memchr2_iter(b'3', b'+', v) {
        if v[i] == b'3' {
            if at(i, DOMAIN) {
                return Some(ImsMarker::Domain);
            }
        } else if !tag && at(i, TAG) {
            tag = true;
        }
    }
    tag.then_some(ImsMarker::FeatureTag)
}

/// Case-insensitive substring test.
pub(crate) fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    // The core module (one message at a time, built for size) keeps the
    // window scan: the search below made it 433 bytes gzip larger.
    if cfg!(feature = "core-only") {
        return !needle.is_empty()
            && hay
                .windows(needle.len())
                .any(|w| w.eq_ignore_ascii_case(needle));
    }
    let Some((&first, rest)) = needle.split_first() else {
        return false;
    };
    let Some(last) = hay.len().checked_sub(needle.len()) else {
        return false;
    };
    // Candidates are found by their first byte in either case (`memchr2`),
    // not by comparing a window at every offset.
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let mut at = 0;
    while let Some(k) = memchr::memchr2(lower, upper, &hay[at..=last]) {
        let i = at + k;
        if hay[i + 1..i + needle.len()].eq_ignore_ascii_case(rest) {
            return true;
        }
        at = i + 1;
        if at > last {
            break;
        }
    }
    false
}

/// A rule check: reads the context, adds to the diagnosis.
pub(crate) type Check = fn(&Ctx<'_, '_>, &mut Dx);

/// Whether a retry policy allows sending the request again.
pub(crate) fn retry_allowed(p: RetryPolicy) -> bool {
    matches!(
        p,
        RetryPolicy::Modified | RetryPolicy::Later | RetryPolicy::Elsewhere
    )
}

#[cfg(test)]
mod tests {
    use super::contains_ci;

    /// The definition `contains_ci` is checked against: some window equal
    /// without ASCII case.
    fn naive(hay: &[u8], needle: &[u8]) -> bool {
        !needle.is_empty()
            && hay
                .windows(needle.len())
                .any(|w| w.eq_ignore_ascii_case(needle))
    }

    #[test]
    fn ims_marker_equals_the_two_tests() {
        for v in [
            &b""[..],
            b"sip:a@ims.mnc001.mcc001.3GPPNETWORK.ORG;lr",
            b"<sip:a@b>;+G.3GPP.icsi-ref=x",
            b"+g.3gpp.x;3gppnetwork.org",
            b"3gppnetwork.or+g.3gpp",
            b"+g.3gp",
            b"33gppnetwork.org++g.3gpp.",
        ] {
            let want = if contains_ci(v, b"3gppnetwork.org") {
                Some(super::ImsMarker::Domain)
            } else if contains_ci(v, b"+g.3gpp.") {
                Some(super::ImsMarker::FeatureTag)
            } else {
                None
            };
            assert_eq!(super::ims_marker(v), want, "{v:?}");
        }
    }

    #[test]
    fn contains_ci_equals_the_window_scan() {
        let hays: [&[u8]; 9] = [
            b"",
            b"g",
            b"+sip.instance=\"<urn:GSMA:IMEI:3541-0>\"",
            b"sip:a@ims.mnc001.mcc001.3GPPNETWORK.ORG;lr",
            b"ggggsma:imeI",
            b"+G.3GPP.icsi-ref",
            b"\xffG\xe9gsma:imei\xff",
            b"gsma:ime",
            b"xx3gppnetwork.or",
        ];
        let needles: [&[u8]; 6] = [
            b"gsma:imei",
            b"3gppnetwork.org",
            b"+g.3gpp.",
            b"g",
            b"\xe9g",
            b"",
        ];
        for h in hays {
            for n in needles {
                assert_eq!(contains_ci(h, n), naive(h, n), "{h:?} {n:?}");
            }
        }
    }
}
