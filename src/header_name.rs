//! The header-name registry: every header siplens knows, declared once,
//! with its compact form, defining specification, list shape and a
//! one-line meaning.
//!
//! Rows are sorted by lower-case name so a lookup is a binary search with
//! no allocation; a unit test keeps the order. Compact forms are those of
//! the IANA "Header Fields" registry (RFC 3261 §7.3.3 and the extensions).

use serde::Serialize;

/// How the values of a header are carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum HeaderShape {
    /// One value; a second header of the name is an error.
    Single,
    /// A comma-separated list; may also be split over several header lines.
    List,
    /// May appear several times, but one header line holds one value
    /// (commas inside belong to the value, e.g. credentials).
    Repeated,
}

/// Static description of one registered header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeaderInfo {
    /// Canonical spelling.
    pub name: &'static str,
    /// Compact form, when one is registered.
    pub compact: Option<char>,
    /// Defining specification and section.
    pub spec: &'static str,
    /// Value shape.
    pub shape: HeaderShape,
    /// One line: what the header is for.
    pub meaning: &'static str,
}

macro_rules! header_names {
    ($( $variant:ident = ($name:literal, $compact:expr, $shape:ident, $spec:literal, $meaning:literal); )*) => {
        /// A registered SIP header name. Unknown names are kept as raw text by
        /// [`crate::parse::Header`]; this enum only names the known ones.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        #[allow(missing_docs)]
        pub enum HeaderName {
            $( $variant, )*
        }

        /// The registry, sorted by lower-case name.
        pub static HEADERS: &[(HeaderName, HeaderInfo)] = &[
            $( (HeaderName::$variant, HeaderInfo {
                name: $name, compact: $compact, shape: HeaderShape::$shape, spec: $spec, meaning: $meaning,
            }), )*
        ];
    };
}

#[rustfmt::skip]
header_names! {
    Accept = ("Accept", None, List, "RFC 3261 §20.1", "Body media types the sender accepts in a response to this request.");
    AcceptContact = ("Accept-Contact", Some('a'), List, "RFC 3841 §9.2", "Caller preferences: feature sets the request should be routed to.");
    AcceptEncoding = ("Accept-Encoding", None, List, "RFC 3261 §20.2", "Content codings the sender accepts.");
    AcceptLanguage = ("Accept-Language", None, List, "RFC 3261 §20.3", "Languages preferred for reason phrases, bodies and announcements.");
    AcceptResourcePriority = ("Accept-Resource-Priority", None, List, "RFC 4412 §3.2", "Resource-priority values (e.g. ETS/WPS, emergency) the element accepts.");
    AlertInfo = ("Alert-Info", None, List, "RFC 3261 §20.4", "Alternative ring tone or ringback for the callee or caller.");
    Allow = ("Allow", None, List, "RFC 3261 §20.5", "Methods the sender supports; mandatory in 405.");
    AllowEvents = ("Allow-Events", Some('u'), List, "RFC 6665 §8.2.2", "Event packages the sender accepts SUBSCRIBE for.");
    AnswerMode = ("Answer-Mode", None, Single, "RFC 5373 §3", "Requested answer mode (Manual / Auto) for the callee.");
    AttestationInfo = ("Attestation-Info", None, Single, "3GPP TS 24.229 §7.2", "STIR/SHAKEN attestation level (A/B/C) applied to the caller identity.");
    AuthenticationInfo = ("Authentication-Info", None, Single, "RFC 3261 §20.6", "Mutual-authentication data (rspauth, nextnonce) after a successful digest.");
    Authorization = ("Authorization", None, Repeated, "RFC 3261 §20.7; RFC 3310", "UA credentials answering a 401 challenge (digest or AKA; in IMS also the IMPI).");
    CallId = ("Call-ID", Some('i'), Single, "RFC 3261 §20.8", "Identifies the call / registration; with the tags it names the dialog.");
    CallInfo = ("Call-Info", None, List, "RFC 3261 §20.9", "Extra information about caller or callee (icon, card, info URI).");
    CellularNetworkInfo = ("Cellular-Network-Info", None, Single, "3GPP TS 24.229 §7.2", "Cellular access the UE last used, when the current access is not cellular.");
    Contact = ("Contact", Some('m'), List, "RFC 3261 §20.10", "Where the sender can be reached directly: the binding to register or the dialog's remote target.");
    ContentDisposition = ("Content-Disposition", None, Single, "RFC 3261 §20.11", "How the body is to be interpreted (session, render, icon, alert…).");
    ContentEncoding = ("Content-Encoding", Some('e'), List, "RFC 3261 §20.12", "Content codings applied to the body (e.g. gzip).");
    ContentId = ("Content-ID", None, Single, "RFC 8262", "Identifier of the body, referenced by cid: URIs.");
    ContentLanguage = ("Content-Language", None, List, "RFC 3261 §20.13", "Language of the body.");
    ContentLength = ("Content-Length", Some('l'), Single, "RFC 3261 §20.14", "Size of the body in octets; frames messages on streams.");
    ContentType = ("Content-Type", Some('c'), Single, "RFC 3261 §20.15", "Media type of the body (application/sdp, multipart/mixed, application/3gpp-ims+xml…).");
    CSeq = ("CSeq", None, Single, "RFC 3261 §20.16", "Sequence number and method: orders requests in a dialog and matches responses to transactions.");
    Date = ("Date", None, Single, "RFC 3261 §20.17", "Date and time the message was first sent (GMT).");
    Diversion = ("Diversion", None, List, "RFC 5806", "Pre-History-Info call diversion information (reason, counter).");
    ErrorInfo = ("Error-Info", None, List, "RFC 3261 §20.18", "Pointer to more information about the error in this response.");
    Event = ("Event", Some('o'), Single, "RFC 6665 §8.2.1", "Event package of a SUBSCRIBE/NOTIFY (reg, presence, dialog, refer…).");
    Expires = ("Expires", None, Single, "RFC 3261 §20.19", "Lifetime in seconds of a registration, subscription or message content.");
    FeatureCaps = ("Feature-Caps", None, List, "RFC 6809", "Capabilities of proxies/B2BUAs on the path (e.g. +g.3gpp.icsi-ref).");
    FlowTimer = ("Flow-Timer", None, Single, "RFC 5626 §8.1", "Keep-alive interval the registrar recommends for an outbound flow.");
    From = ("From", Some('f'), Single, "RFC 3261 §20.20", "Initiator of the request, with its dialog tag.");
    Geolocation = ("Geolocation", None, List, "RFC 6442 §4.1", "Location of the target (by value or reference), e.g. for emergency calls.");
    GeolocationError = ("Geolocation-Error", None, Single, "RFC 6442 §4.3", "Why a location could not be used.");
    GeolocationRouting = ("Geolocation-Routing", None, Single, "RFC 6442 §4.2", "Whether location may be used for routing.");
    HistoryInfo = ("History-Info", None, List, "RFC 7044", "Targets the request was retargeted through, with the reasons (diversions).");
    Identity = ("Identity", Some('y'), Single, "RFC 8224 §4", "Signed caller identity (STIR PASSporT).");
    IdentityInfo = ("Identity-Info", Some('n'), Single, "RFC 4474 (obsoleted by RFC 8224)", "Where to fetch the certificate for an RFC 4474 Identity signature.");
    InReplyTo = ("In-Reply-To", None, List, "RFC 3261 §20.21", "Call-IDs this call refers to or returns.");
    InfoPackage = ("Info-Package", None, Single, "RFC 6086 §7.2", "Info package an INFO request belongs to.");
    Join = ("Join", None, Single, "RFC 3911", "Asks to join an existing dialog (conference).");
    MaxBreadth = ("Max-Breadth", None, Single, "RFC 5393", "Limit on parallel forking to contain amplification.");
    MaxForwards = ("Max-Forwards", None, Single, "RFC 3261 §20.22", "Hops left before the request is answered with 483.");
    MimeVersion = ("MIME-Version", None, Single, "RFC 3261 §20.24", "MIME version of the body.");
    MinExpires = ("Min-Expires", None, Single, "RFC 3261 §20.23", "Shortest expiry the registrar/notifier accepts; mandatory in 423.");
    MinSe = ("Min-SE", None, Single, "RFC 4028 §5", "Smallest session interval accepted; mandatory in 422.");
    Organization = ("Organization", None, Single, "RFC 3261 §20.25", "Organization of the sender.");
    PAccessNetworkInfo = ("P-Access-Network-Info", None, List, "RFC 7315 §5.4; 3GPP TS 24.229 §7.2A.4", "Access the UE uses (3GPP-E-UTRAN-FDD, 3GPP-NR…) and its cell id.");
    PAnswerState = ("P-Answer-State", None, Single, "RFC 4964", "Whether a PoC call was answered confirmed or unconfirmed.");
    PAssertedIdentity = ("P-Asserted-Identity", None, List, "RFC 3325 §9.1", "Network-asserted identity of the originator within a trust domain.");
    PAssertedService = ("P-Asserted-Service", None, List, "RFC 6050 §4.1", "Service (ICSI/IARI, e.g. MMTel) the network asserts for the request.");
    PAssociatedUri = ("P-Associated-URI", None, List, "RFC 7315 §5.1", "Other public user identities (IMPUs) registered with the one in To.");
    PCalledPartyId = ("P-Called-Party-ID", None, Single, "RFC 7315 §5.2", "The public identity the caller dialled, as received by the terminating side.");
    PChargeInfo = ("P-Charge-Info", None, Single, "RFC 8496", "Billing number of the party to charge.");
    PChargingFunctionAddresses = ("P-Charging-Function-Addresses", None, Single, "RFC 7315 §5.5", "Addresses of the charging functions (CCF/ECF) for this session.");
    PChargingVector = ("P-Charging-Vector", None, Single, "RFC 7315 §5.6; 3GPP TS 24.229 §7.2A.5", "IMS charging correlation: icid-value, originating and terminating IOI.");
    PDcsBillingInfo = ("P-DCS-Billing-Info", None, Single, "RFC 5503 §7", "PacketCable billing information.");
    PDcsLaes = ("P-DCS-LAES", None, Single, "RFC 5503 §8", "Lawful-intercept (LAES) information.");
    PDcsOsps = ("P-DCS-OSPS", None, Single, "RFC 5503 §6", "Operator services (busy line verify, emergency interrupt).");
    PDcsRedirect = ("P-DCS-Redirect", None, Single, "RFC 5503 §9", "Redirection information for the call.");
    PDcsTracePartyId = ("P-DCS-Trace-Party-ID", None, Single, "RFC 5503 §5", "Party to trace (malicious call trace).");
    PEarlyMedia = ("P-Early-Media", None, List, "RFC 5009 §8", "Authorizes early media (sendrecv, sendonly, gated…) from the network.");
    PMediaAuthorization = ("P-Media-Authorization", None, List, "RFC 3313 §5.1", "Media authorization tokens for QoS reservation.");
    PPreferredIdentity = ("P-Preferred-Identity", None, List, "RFC 3325 §9.2", "Identity the UE would like the network to assert.");
    PPreferredService = ("P-Preferred-Service", None, List, "RFC 6050 §4.2", "Service (ICSI) the UE would like the network to assert.");
    PPrivateNetworkIndication = ("P-Private-Network-Indication", None, Single, "RFC 7316", "Marks traffic of a private network carried over IMS.");
    PProfileKey = ("P-Profile-Key", None, Single, "RFC 5002", "Key of a wildcarded public service identity's profile in the HSS.");
    PRefusedUriList = ("P-Refused-URI-List", None, List, "RFC 5318", "URIs a list server refused.");
    PServedUser = ("P-Served-User", None, Single, "RFC 5502", "The user an AS serves, with session case (orig/term) and registration state.");
    PUserDatabase = ("P-User-Database", None, Single, "RFC 4457", "HSS address the I-CSCF found, passed to the S-CSCF.");
    PVisitedNetworkId = ("P-Visited-Network-ID", None, List, "RFC 7315 §5.3", "Visited network of a roaming UE, added by the P-CSCF on REGISTER.");
    Path = ("Path", None, List, "RFC 3327", "Proxies (P-CSCF) to route terminating requests through, recorded at registration.");
    PermissionMissing = ("Permission-Missing", None, List, "RFC 5360 §5.9", "Targets that lack consent permission.");
    PolicyContact = ("Policy-Contact", None, List, "RFC 6794", "Where to fetch session policy.");
    PolicyId = ("Policy-ID", None, List, "RFC 6794", "Session policies that apply.");
    Priority = ("Priority", None, Single, "RFC 3261 §20.26", "Urgency of the request (non-urgent, normal, urgent, emergency).");
    PriorityShare = ("Priority-Share", None, Single, "3GPP TS 24.229 §7.2", "Whether priority sharing is allowed for the session.");
    PrivAnswerMode = ("Priv-Answer-Mode", None, Single, "RFC 5373 §3", "Privileged answer mode (override callee settings).");
    Privacy = ("Privacy", None, List, "RFC 3323 §4.2", "Privacy requested (id, header, session, user, none, critical).");
    ProxyAuthenticate = ("Proxy-Authenticate", None, Repeated, "RFC 3261 §20.27", "Proxy challenge; mandatory in 407.");
    ProxyAuthorization = ("Proxy-Authorization", None, Repeated, "RFC 3261 §20.28", "Credentials answering a proxy's 407 challenge.");
    ProxyRequire = ("Proxy-Require", None, List, "RFC 3261 §20.29", "Extensions proxies must support to handle the request.");
    RAck = ("RAck", None, Single, "RFC 3262 §7.2", "Acknowledges a reliable provisional response (RSeq, CSeq number, method) in PRACK.");
    Reason = ("Reason", None, List, "RFC 3326", "Why the request or session ended: SIP or Q.850 cause (and 3GPP RELEASE_CAUSE).");
    RecordRoute = ("Record-Route", None, List, "RFC 3261 §20.30", "Proxies that stay in the path for later requests of the dialog.");
    RecvInfo = ("Recv-Info", None, List, "RFC 6086 §7.3", "Info packages the sender is willing to receive.");
    ReferEventsAt = ("Refer-Events-At", None, Single, "RFC 7614", "Where to send REFER progress NOTIFYs.");
    ReferSub = ("Refer-Sub", None, Single, "RFC 4488", "Whether REFER creates an implicit subscription.");
    ReferTo = ("Refer-To", Some('r'), Single, "RFC 3515 §2.1", "Target the recipient of a REFER should contact (call transfer).");
    ReferredBy = ("Referred-By", Some('b'), Single, "RFC 3892", "Who initiated a REFER-triggered request.");
    RejectContact = ("Reject-Contact", Some('j'), List, "RFC 3841 §9.3", "Caller preferences: feature sets not to route to.");
    RelayedCharge = ("Relayed-Charge", None, Single, "3GPP TS 24.229 §7.2", "Charging information relayed across a transit network.");
    RemotePartyId = ("Remote-Party-ID", None, List, "draft-ietf-sip-privacy-04 (pre-RFC 3325)", "Legacy calling-party identity and privacy, superseded by P-Asserted-Identity.");
    Replaces = ("Replaces", None, Single, "RFC 3891", "Dialog this INVITE replaces (attended transfer, pickup).");
    ReplyTo = ("Reply-To", None, Single, "RFC 3261 §20.31", "Logical return URI, may differ from From.");
    RequestDisposition = ("Request-Disposition", Some('d'), List, "RFC 3841 §9.1", "Caller preferences for proxy handling (fork, recurse, parallel…).");
    Require = ("Require", None, List, "RFC 3261 §20.32", "Extensions the UAS must support (100rel, precondition, sec-agree…); unsupported ones give 420.");
    ResourcePriority = ("Resource-Priority", None, List, "RFC 4412 §3.1", "Priority treatment requested (e.g. esnet.0 emergency, wps.x).");
    ResourceShare = ("Resource-Share", None, Single, "3GPP TS 24.229 §7.2", "Media resource sharing rules between sessions.");
    ResponseSource = ("Response-Source", None, Single, "3GPP TS 24.229 §7.2", "Which network function generated this response (e.g. role P-CSCF, S-CSCF).");
    RestorationInfo = ("Restoration-Info", None, Single, "3GPP TS 24.229 §7.2", "P-CSCF/S-CSCF restoration information.");
    RetryAfter = ("Retry-After", None, Single, "RFC 3261 §20.33", "How long until the service is available again (503, 486, 600, 603) or until the callee can be reached.");
    Route = ("Route", None, List, "RFC 3261 §20.34", "Proxies the request must visit (preloaded Service-Route or dialog route set).");
    RSeq = ("RSeq", None, Single, "RFC 3262 §7.1", "Sequence number of a reliable provisional response (100rel).");
    SecurityClient = ("Security-Client", None, List, "RFC 3329 §2.3.1; 3GPP TS 33.203", "Security mechanisms the UE supports (ipsec-3gpp with alg, ealg, spi-c, spi-s, port-c, port-s).");
    SecurityServer = ("Security-Server", None, List, "RFC 3329 §2.3.1; 3GPP TS 33.203", "Security mechanisms the P-CSCF offers (in 401/494); the UE picks one.");
    SecurityVerify = ("Security-Verify", None, List, "RFC 3329 §2.3.1; 3GPP TS 33.203", "Echo of Security-Server, sent protected, to prove no downgrade.");
    Server = ("Server", None, Single, "RFC 3261 §20.35", "Software of the UAS that generated the response.");
    ServiceInteractInfo = ("Service-Interact-Info", None, Single, "3GPP TS 24.229 §7.2", "Service interaction information between ASs.");
    ServiceRoute = ("Service-Route", None, List, "RFC 3608", "Route (S-CSCF) the UE must preload in requests, returned in 200 to REGISTER.");
    SessionExpires = ("Session-Expires", Some('x'), Single, "RFC 4028 §4", "Session interval and refresher (uac/uas) for session timers.");
    SessionId = ("Session-ID", None, Single, "RFC 7329", "End-to-end session identifier, same on every leg.");
    SipETag = ("SIP-ETag", None, Single, "RFC 3903 §11.3.1", "Entity tag the presence agent assigns to published state.");
    SipIfMatch = ("SIP-If-Match", None, Single, "RFC 3903 §11.3.2", "Entity tag a PUBLISH refreshes or modifies.");
    Subject = ("Subject", Some('s'), Single, "RFC 3261 §20.36", "Subject or nature of the call.");
    SubscriptionState = ("Subscription-State", None, Single, "RFC 6665 §8.2.3", "State of a subscription in NOTIFY (active, pending, terminated with reason).");
    Supported = ("Supported", Some('k'), List, "RFC 3261 §20.37", "Extensions the sender supports (100rel, timer, path, gruu, outbound…).");
    SuppressIfMatch = ("Suppress-If-Match", None, Single, "RFC 5839", "Suppress a NOTIFY body whose entity tag matches.");
    TargetDialog = ("Target-Dialog", None, Single, "RFC 4538", "Dialog the request is authorized by.");
    Timestamp = ("Timestamp", None, Single, "RFC 3261 §20.38", "When the UAC sent the request; echoed to estimate round-trip time.");
    To = ("To", Some('t'), Single, "RFC 3261 §20.39", "Logical recipient of the request, with the UAS's dialog tag in responses.");
    TriggerConsent = ("Trigger-Consent", None, List, "RFC 5360 §5.11", "Asks a relay to request consent for the targets.");
    Unsupported = ("Unsupported", None, List, "RFC 3261 §20.40", "Extensions from Require/Proxy-Require that the element does not support (in 420).");
    UserAgent = ("User-Agent", None, Single, "RFC 3261 §20.41", "Software of the UAC that originated the request.");
    UserToUser = ("User-to-User", None, List, "RFC 7433", "User-to-user information carried from ISDN/PSTN.");
    Via = ("Via", Some('v'), List, "RFC 3261 §20.42", "Path the request took so far; responses follow it back. Top value names the previous hop and the transaction branch.");
    Warning = ("Warning", None, List, "RFC 3261 §20.43", "Extra information about the response (3-digit warn-code, agent, text), e.g. 305 incompatible media format.");
    WwwAuthenticate = ("WWW-Authenticate", None, Repeated, "RFC 3261 §20.44; RFC 3310", "Challenge of a registrar/UAS (digest or AKAv1-MD5 nonce); mandatory in 401.");
}

/// Registered compact forms, RFC 3261 §7.3.3 and the IANA registry.
#[rustfmt::skip]
static COMPACT: &[(u8, HeaderName)] = &[
    (b'a', HeaderName::AcceptContact), (b'b', HeaderName::ReferredBy), (b'c', HeaderName::ContentType),
    (b'd', HeaderName::RequestDisposition), (b'e', HeaderName::ContentEncoding), (b'f', HeaderName::From),
    (b'i', HeaderName::CallId), (b'j', HeaderName::RejectContact), (b'k', HeaderName::Supported),
    (b'l', HeaderName::ContentLength), (b'm', HeaderName::Contact), (b'n', HeaderName::IdentityInfo),
    (b'o', HeaderName::Event), (b'r', HeaderName::ReferTo), (b's', HeaderName::Subject),
    (b't', HeaderName::To), (b'u', HeaderName::AllowEvents), (b'v', HeaderName::Via),
    (b'x', HeaderName::SessionExpires), (b'y', HeaderName::Identity),
];

impl HeaderName {
    /// Looks a raw header name up (case-insensitive, compact forms too).
    pub fn from_bytes(name: &[u8]) -> Option<HeaderName> {
        if name.len() == 1 {
            let c = name[0].to_ascii_lowercase();
            return COMPACT.iter().find(|(k, _)| *k == c).map(|(_, h)| *h);
        }
        if name.len() < 2 {
            return None;
        }
        // Open addressing over [`NAME_INDEX`]: probe from the name's slot
        // until an empty one; the registry is far smaller than the table.
        let mut slot = name_slot(name);
        loop {
            let i = NAME_INDEX[slot];
            if i == 0 {
                return None;
            }
            let (h, info) = &HEADERS[usize::from(i - 1)];
            // Most names are written in the registry's spelling: one
            // `memcmp` before the byte-by-byte comparison without case.
            if info.name.len() == name.len()
                && (info.name.as_bytes() == name || info.name.as_bytes().eq_ignore_ascii_case(name))
            {
                return Some(*h);
            }
            slot = (slot + 1) & (NAME_SLOTS - 1);
        }
    }

    /// The registry row.
    pub fn info(self) -> &'static HeaderInfo {
        &HEADERS[self as usize].1
    }

    /// Canonical spelling.
    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    /// True when `raw` (a header name as written) names this header, in
    /// any case or by its compact form.
    #[inline]
    pub fn matches(self, raw: &[u8]) -> bool {
        let info = self.info();
        if raw.len() == 1 {
            return info
                .compact
                .is_some_and(|c| raw[0].eq_ignore_ascii_case(&(c as u8)));
        }
        raw.eq_ignore_ascii_case(info.name.as_bytes())
    }
}

/// Slots of [`NAME_INDEX`] (a power of two, about four per header).
const NAME_SLOTS: usize = 512;

/// Home slot of a name of at least two bytes: its length and its first
/// and last two bytes (ASCII case folded by setting bit 5: the same as
/// lower-casing on the letters, digits and `-` of a registered name, one
/// instruction; another byte only changes where the probe starts, and a
/// name holding one is not registered), mixed by a multiply.
#[inline]
const fn name_slot(b: &[u8]) -> usize {
    let n = b.len();
    let k = ((b[0] | 0x20) as u32)
        | ((b[1] | 0x20) as u32) << 8
        | ((b[n - 2] | 0x20) as u32) << 16
        | ((b[n - 1] | 0x20) as u32) << 24;
    let h = (k ^ (n as u32).wrapping_mul(0x85eb_ca6b)).wrapping_mul(0x9e37_79b1);
    (h >> (32 - NAME_SLOTS.trailing_zeros())) as usize
}

/// Case-insensitive name → registry row, built at compile time: slot
/// holds `row + 1`, 0 when empty ([`HeaderName::from_bytes`]).
static NAME_INDEX: [u8; NAME_SLOTS] = {
    assert!(HEADERS.len() < 255 && HEADERS.len() * 2 < NAME_SLOTS);
    let mut t = [0u8; NAME_SLOTS];
    let mut i = 0;
    while i < HEADERS.len() {
        let mut slot = name_slot(HEADERS[i].1.name.as_bytes());
        while t[slot] != 0 {
            slot = (slot + 1) & (NAME_SLOTS - 1);
        }
        t[slot] = (i + 1) as u8;
        i += 1;
    }
    t
};

#[cfg(test)]
fn cmp_ignore_case(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let n = a.len().min(b.len());
    for i in 0..n {
        let (x, y) = (a[i].to_ascii_lowercase(), b[i].to_ascii_lowercase());
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hashed lookup answers exactly what a binary search of the
    /// sorted registry answers.
    #[test]
    fn hashed_lookup_matches_binary_search() {
        let by_search = |name: &[u8]| {
            if name.len() == 1 {
                return HeaderName::from_bytes(name);
            }
            HEADERS
                .binary_search_by(|(_, info)| cmp_ignore_case(info.name.as_bytes(), name))
                .ok()
                .map(|i| HEADERS[i].0)
        };
        let mut names: Vec<Vec<u8>> = vec![b"".to_vec(), b"x-".to_vec(), b"\xff\xfe".to_vec()];
        for (_, info) in HEADERS {
            let n = info.name.as_bytes();
            names.push(n.to_vec());
            names.push(n.to_ascii_lowercase());
            names.push(n.to_ascii_uppercase());
            names.push(n[..n.len() - 1].to_vec());
            names.push([n, b"x"].concat());
            names.push([b"X-", n].concat());
            let mut m = n.to_vec();
            m[n.len() / 2] ^= 0x01;
            names.push(m);
            // Bit 5 cleared on a non-letter (`-` → CR, `1` → 0x11): the
            // same home slot as the name, not the name.
            let mut m = n.to_vec();
            if let Some(i) = m.iter().position(|c| !c.is_ascii_alphabetic()) {
                m[i] &= !0x20;
                names.push(m);
            }
            // `name_slot` folds case by setting bit 5: right only for
            // letters, digits and `-`, what registered names are made of.
            assert!(
                n.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-'),
                "{}",
                info.name
            );
        }
        for n in &names {
            assert_eq!(
                HeaderName::from_bytes(n),
                by_search(n),
                "{:?}",
                String::from_utf8_lossy(n)
            );
        }
    }

    #[test]
    fn registry_sorted_indexed_and_large_enough() {
        assert!(HEADERS.len() >= 120, "only {} headers", HEADERS.len());
        for (i, (h, info)) in HEADERS.iter().enumerate() {
            assert_eq!(*h as usize, i, "{}", info.name);
            if i > 0 {
                let prev = HEADERS[i - 1].1.name;
                assert_eq!(
                    cmp_ignore_case(prev.as_bytes(), info.name.as_bytes()),
                    std::cmp::Ordering::Less,
                    "{prev} must sort before {}",
                    info.name
                );
            }
            assert!(!info.spec.is_empty() && !info.meaning.is_empty());
            assert_eq!(HeaderName::from_bytes(info.name.as_bytes()), Some(*h));
            assert_eq!(
                HeaderName::from_bytes(info.name.to_ascii_uppercase().as_bytes()),
                Some(*h)
            );
        }
    }

    #[test]
    fn all_twenty_compact_forms() {
        assert_eq!(COMPACT.len(), 20);
        for (c, h) in COMPACT {
            assert_eq!(h.info().compact, Some(*c as char), "{}", h.as_str());
            assert_eq!(HeaderName::from_bytes(&[*c]), Some(*h));
            assert_eq!(HeaderName::from_bytes(&[c.to_ascii_uppercase()]), Some(*h));
            assert!(h.matches(&[*c]) && h.matches(h.as_str().as_bytes()));
        }
        let with_compact = HEADERS.iter().filter(|(_, i)| i.compact.is_some()).count();
        assert_eq!(with_compact, 20);
        assert_eq!(HeaderName::from_bytes(b"q"), None);
        assert_eq!(HeaderName::from_bytes(b"X-Unknown"), None);
        assert_eq!(HeaderName::from_bytes(b"call-id"), Some(HeaderName::CallId));
    }
}
