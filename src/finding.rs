//! Findings: located observations about a message, each tied to a rule in
//! one registry table with a stable ID.
//!
//! IDs never change meaning once shipped. `SL0xx` rules come from the
//! parser and the grammar checks of [`crate::validate`]; later ranges are
//! reserved for the diagnosis rules (`SL1xx` message rules, `SL2xx` cause
//! semantics, `SL3xx` IMS logic, `SL4xx` flow rules over traces and
//! capture problems). Severity (how bad) is separate from
//! category (what kind of problem), as in Wireshark's expert info.

use serde::Serialize;

use crate::span::Span;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The message breaks the protocol; a strict element would reject it.
    Error,
    /// Suspicious or non-conformant, but usually tolerated.
    Warning,
    /// Worth knowing; nothing wrong by itself.
    Info,
}

/// What kind of observation a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Bytes that do not follow the grammar.
    Malformed,
    /// Well-formed, but breaks a protocol rule (missing mandatory header, …).
    Protocol,
    /// Well-formed and legal, but the values do not fit together.
    Semantic,
    /// Context and explanation.
    Informational,
}

/// Static documentation of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleInfo {
    /// Stable ID, e.g. `SL013`.
    pub id: &'static str,
    /// Stable kebab-case name.
    pub slug: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// Category.
    pub category: Category,
    /// What the rule checks.
    pub checks: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// A short example of input that triggers it.
    pub example: &'static str,
    /// The specification section behind the rule.
    pub spec: &'static str,
}

/// The part of a rule's row a decode reads (ID, name, severity, category,
/// specification), without its prose: code that reads only this table
/// ([`Rule::meta`]) leaves the prose ([`RuleInfo::checks`], `why`, `example`)
/// out of the core wasm module (README, "Size and speed").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable ID, e.g. `SL013`.
    pub id: &'static str,
    /// Stable kebab-case name.
    pub slug: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// Category.
    pub category: Category,
    /// The specification section behind the rule.
    pub spec: &'static str,
}

macro_rules! rules {
    ($( $(#[$doc:meta])* $variant:ident = ($id:literal, $slug:literal, $sev:ident, $cat:ident,
        $checks:literal, $why:literal, $example:literal, $spec:literal); )*) => {
        /// Every rule siplens knows, parser and diagnosis alike.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Rule {
            $( $(#[$doc])* $variant, )*
        }

        /// The registry: one row per rule, in ID order.
        pub static RULES: &[(Rule, RuleInfo)] = &[
            $( (Rule::$variant, RuleInfo {
                id: $id, slug: $slug, severity: Severity::$sev, category: Category::$cat,
                checks: $checks, why: $why, example: $example, spec: $spec,
            }), )*
        ];

        /// The registry without the prose: one row per rule, in ID order.
        pub static RULE_META: &[(Rule, RuleMeta)] = &[
            $( (Rule::$variant, RuleMeta {
                id: $id, slug: $slug, severity: Severity::$sev, category: Category::$cat, spec: $spec,
            }), )*
        ];

        impl Rule {
            /// The rule's row without its prose (what a decode needs).
            pub fn meta(self) -> &'static RuleMeta {
                &RULE_META[self as usize].1
            }

            /// The rule's documentation row.
            pub fn info(self) -> &'static RuleInfo {
                match self {
                    $( Rule::$variant => &RULES[Rule::$variant as usize].1, )*
                }
            }
        }
    };
}

#[rustfmt::skip]
rules! {
    /// Nothing to parse.
    EmptyInput = ("SL001", "empty-input", Error, Malformed,
        "The input holds no SIP message (empty or only white space).",
        "There is nothing to decode; usually a copy/paste mistake.",
        "", "RFC 3261 §7");
    /// Start line is neither a Request-Line nor a Status-Line.
    BadStartLine = ("SL002", "bad-start-line", Error, Malformed,
        "The first line is neither `Method SP Request-URI SP SIP-Version` nor `SIP-Version SP Status-Code SP Reason-Phrase`.",
        "Without a start line the message cannot be classified as request or response.",
        "HELLO WORLD", "RFC 3261 §7.1, §7.2");
    /// SIP-Version is not `SIP/2.0`.
    UnsupportedVersion = ("SL003", "unsupported-version", Error, Protocol,
        "The SIP-Version is well-formed but not SIP/2.0.",
        "An RFC 3261 element answers a request with another version with 505 Version Not Supported.",
        "INVITE sip:a@b SIP/7.0", "RFC 3261 §8.2.2.1, §21.5.6");
    /// SIP-Version does not follow the grammar.
    BadVersion = ("SL004", "bad-version", Error, Malformed,
        "The SIP-Version does not match `SIP/1*DIGIT.1*DIGIT`.",
        "The version is how a receiver knows it speaks the same protocol.",
        "INVITE sip:a@b SIP/2", "RFC 3261 §7.1, §25.1");
    /// Version written in lower case.
    LowercaseVersion = ("SL005", "lowercase-version", Info, Malformed,
        "The SIP-Version token is not in upper case (`sip/2.0`).",
        "RFC 3261 matches it case-insensitively, but some stacks compare it literally.",
        "sip/2.0 200 OK", "RFC 3261 §7.1");
    /// Status code is not three digits.
    BadStatusCode = ("SL006", "bad-status-code", Error, Malformed,
        "The Status-Code is not exactly three digits.",
        "A response whose code cannot be read cannot be matched to any class.",
        "SIP/2.0 20 OK", "RFC 3261 §7.2, §25.1");
    /// Status code outside 100–699.
    StatusCodeOutOfRange = ("SL007", "status-code-out-of-range", Error, Protocol,
        "The Status-Code is three digits but outside 100–699.",
        "No class exists above 6xx; RFC 4475 §3.1.2.19 says such a response is dropped.",
        "SIP/2.0 4294967301 better not break the receiver", "RFC 3261 §7.2; RFC 4475 §3.1.2.19");
    /// More than one SP between start-line elements.
    ExtraStartLineSpace = ("SL008", "extra-start-line-space", Warning, Malformed,
        "The start line separates its elements with more than one SP (or with HTAB).",
        "Strict parsers reject it; a liberal element may accept it but must not forward it.",
        "INVITE  sip:a@b   SIP/2.0", "RFC 3261 §7.1; RFC 4475 §3.1.2.9");
    /// Trailing white space on the start line.
    TrailingStartLineSpace = ("SL009", "trailing-start-line-space", Warning, Malformed,
        "White space follows the SIP-Version at the end of the Request-Line.",
        "The grammar puts CRLF right after the version; strict parsers reject it.",
        "OPTIONS sip:a@b SIP/2.0 ", "RFC 3261 §7.1; RFC 4475 §3.1.2.10");
    /// LF line ends.
    LfLineEnds = ("SL010", "lf-line-ends", Info, Informational,
        "Lines end with a bare LF instead of CRLF; reported once per message, at the first such line.",
        "A leniency, not a defect of the message: pasted text (logs, e-mail, chat) loses the CR of CRLF, so siplens reads LF as CRLF and counts Content-Length in the wire form. On the wire SIP uses CRLF.",
        "INVITE sip:a@b SIP/2.0\\n", "RFC 3261 §7");
    /// Every line carries a copy/paste prefix.
    LinePrefix = ("SL011", "line-prefix", Info, Malformed,
        "Every line starts with the same indentation or `>` quote prefix, removed before parsing.",
        "Text copied from e-mail, chat or logs often carries a prefix that is not part of the message.",
        "    INVITE sip:a@b SIP/2.0", "RFC 3261 §7");
    /// Blank lines before the start line.
    LeadingBlankLines = ("SL012", "leading-blank-lines", Info, Malformed,
        "Empty lines precede the start line.",
        "RFC 3261 §7.5 lets stream receivers ignore CRLFs before a start line (keep-alives); in a paste they are harmless.",
        "\\r\\nINVITE sip:a@b SIP/2.0", "RFC 3261 §7.5");
    /// No empty line ends the header section.
    MissingEndOfHeaders = ("SL013", "missing-end-of-headers", Warning, Malformed,
        "The header section is not terminated by an empty line.",
        "Without the empty line a receiver cannot know the headers are complete; a truncated paste is the usual cause.",
        "OPTIONS sip:a@b SIP/2.0\\r\\nVia: …\\r\\n(end)", "RFC 3261 §7");
    /// Header line without a colon.
    MissingColon = ("SL014", "missing-colon", Error, Malformed,
        "A line in the header section has no `:` after the header name.",
        "The line cannot be read as a header; it is skipped and the rest of the message still decodes.",
        "Via SIP/2.0/UDP host", "RFC 3261 §7.3.1");
    /// Header name with non-token characters.
    BadHeaderName = ("SL015", "bad-header-name", Error, Malformed,
        "A header name is empty or holds characters outside `token`.",
        "Header names are tokens; anything else breaks parsers downstream.",
        "Vi a: SIP/2.0/UDP host", "RFC 3261 §7.3.1, §25.1");
    /// Obsolete line folding.
    FoldedHeader = ("SL016", "folded-header", Info, Malformed,
        "A header value continues on a line starting with white space (line folding).",
        "Folding is legal in RFC 3261 but many implementations mishandle it.",
        "Subject: a\\r\\n b", "RFC 3261 §7.3.1");
    /// NUL byte in the header section.
    NulInHeaders = ("SL017", "nul-in-headers", Error, Malformed,
        "A NUL (0x00) byte appears in the start line or header section.",
        "NUL is never valid there and truncates C strings in many stacks.",
        "Subject: a\\0b", "RFC 3261 §25.1");
    /// Non-UTF-8 in the header section.
    NonUtf8Headers = ("SL018", "non-utf8-headers", Error, Malformed,
        "The start line or header section holds bytes that are not valid UTF-8.",
        "SIP text is UTF-8 (RFC 3261 §7.3.1); other encodings garble display names and reason phrases.",
        "Subject: caf\\xe9", "RFC 3261 §7.3.1, §25.1");
    /// Content-Length not a non-negative integer.
    BadContentLength = ("SL019", "bad-content-length", Error, Malformed,
        "Content-Length is not a non-negative decimal integer.",
        "Framing depends on it; RFC 4475 §3.1.2.3 says never use such a value as a counter.",
        "Content-Length: -999", "RFC 3261 §20.14; RFC 4475 §3.1.2.3");
    /// Content-Length larger than the body.
    ContentLengthTooLarge = ("SL020", "content-length-too-large", Error, Protocol,
        "Content-Length announces more bytes than follow the header section.",
        "Over UDP the message is truncated and answered with 400; over TCP the receiver waits for bytes that never come.",
        "Content-Length: 9999 with a 10-byte body", "RFC 3261 §18.3; RFC 4475 §3.1.2.2");
    /// Bytes after the body.
    TrailingData = ("SL021", "trailing-data", Warning, Protocol,
        "Bytes remain after the Content-Length octets of the body.",
        "In a datagram they are ignored (RFC 3261 §18.3); in a paste they may be a second message or a wrong Content-Length.",
        "Content-Length: 0 followed by another message", "RFC 3261 §18.3; RFC 4475 §3.1.1.8");
    /// Several Content-Length values that disagree.
    ConflictingContentLength = ("SL022", "conflicting-content-length", Error, Protocol,
        "Content-Length appears more than once with different values.",
        "Framing is ambiguous; a receiver must treat it as an invalid Content-Length.",
        "Content-Length: 0 and Content-Length: 3", "RFC 3261 §20.14; RFC 4475 §3.3.9");
    /// Body present but no Content-Length.
    MissingContentLength = ("SL023", "missing-content-length", Info, Protocol,
        "A body follows the header section but there is no Content-Length; the rest of the input was taken as body.",
        "Content-Length is optional over UDP only; over TCP, TLS or SCTP it is mandatory.",
        "INVITE without Content-Length but with SDP", "RFC 3261 §18.3, §20.14");
    /// Header value fails its grammar.
    BadHeaderValue = ("SL024", "bad-header-value", Error, Malformed,
        "A header value does not follow the grammar of its header.",
        "The header's meaning cannot be relied on; a strict element answers 400.",
        "CSeq: abc INVITE", "RFC 3261 §25.1");
    /// Request-URI does not follow the grammar.
    BadRequestUri = ("SL025", "bad-request-uri", Error, Malformed,
        "The Request-URI is enclosed in <>, holds white space, or is not an absolute URI.",
        "Proxies route on the Request-URI; a malformed one is answered with 400 and must not be forwarded.",
        "INVITE <sip:a@b> SIP/2.0", "RFC 3261 §7.1, §25.1; RFC 4475 §3.1.2.7-8");
    /// Unterminated quoted string.
    UnterminatedQuote = ("SL026", "unterminated-quote", Error, Malformed,
        "A quoted string is not closed before the end of the header value.",
        "The receiver cannot know where the display name or parameter ends.",
        "To: \"Alice <sip:a@b>", "RFC 3261 §25.1; RFC 4475 §3.1.2.6");
    /// Number larger than its field allows.
    ValueOutOfRange = ("SL027", "value-out-of-range", Error, Malformed,
        "A numeric field exceeds its range (CSeq and expiries > 2^32-1, Max-Forwards > 255, Warning code not 3 digits…).",
        "Overlarge values overflow counters in receivers; RFC 4475 §3.1.2.4 requires a 400.",
        "CSeq: 36893488147419103232 INVITE", "RFC 3261 §8.1.1.5, §20.22; RFC 4475 §3.1.2.4-5");
    /// Empty element in a list or parameter list.
    EmptyListElement = ("SL028", "empty-list-element", Error, Malformed,
        "A header list or parameter list holds an empty element (stray `,` or `;`).",
        "RFC 4475 §3.1.2.1: extraneous separators make the header invalid.",
        "Via: SIP/2.0/UDP host;;branch=z9hG4bK1,,", "RFC 3261 §7.3.1; RFC 4475 §3.1.2.1");
    /// Display name with non-token characters, unquoted.
    BadDisplayName = ("SL029", "bad-display-name", Error, Malformed,
        "An unquoted display name holds characters outside `token` (or the address is otherwise not a name-addr).",
        "Display names with such characters must be quoted; unquoted they break list splitting.",
        "To: Alice, Bob <sip:a@b>", "RFC 3261 §20.10, §25.1; RFC 4475 §3.1.2.15");
    /// White space inside an addr-spec.
    SpaceInAddrSpec = ("SL030", "space-in-addr-spec", Warning, Malformed,
        "White space appears inside the `<>` around an addr-spec.",
        "The grammar allows none; liberal receivers ignore it.",
        "To: < sip:a@b >", "RFC 3261 §25.1; RFC 4475 §3.1.2.14");
    /// URI with parameters or headers not enclosed in <>.
    NameAddrRequired = ("SL031", "name-addr-required", Error, Malformed,
        "A URI carrying `,`, `;` or `?` in From/To/Contact/Route is not enclosed in `<>`.",
        "Outside `<>`, URI parameters and headers become header parameters; RFC 3261 §20 requires name-addr form here.",
        "Contact: sip:a@b?Route=x", "RFC 3261 §20.10; RFC 4475 §3.1.2.13");
    /// Escaped headers in a Request-URI.
    HeadersInRequestUri = ("SL032", "headers-in-request-uri", Warning, Protocol,
        "The Request-URI carries `?header=value` parts.",
        "Headers are not allowed in a Request-URI; a proxy must not forward them or turn them into real headers.",
        "INVITE sip:a@b?Route=%3Csip:c%3E SIP/2.0", "RFC 3261 §19.1.5; RFC 4475 §3.1.2.11");
    /// Date not in GMT.
    BadDate = ("SL033", "bad-date", Warning, Malformed,
        "The Date header is not an RFC 1123 date in GMT.",
        "Only `GMT` is a valid zone in SIP dates.",
        "Date: Fri, 01 Jan 2010 16:00:00 EST", "RFC 3261 §20.17; RFC 4475 §3.1.2.12");
    /// IPv6 address without brackets in a URI host.
    UnbracketedIpv6 = ("SL034", "unbracketed-ipv6", Error, Malformed,
        "An IPv6 address appears as a URI host without `[` `]`.",
        "Without brackets the colons are ambiguous with the port separator.",
        "REGISTER sip:2001:db8::10 SIP/2.0", "RFC 3261 §25.1; RFC 5118 §4.2");
    /// A mandatory header is missing.
    MissingMandatoryHeader = ("SL035", "missing-mandatory-header", Error, Protocol,
        "A header every request or response must carry (Via, From, To, Call-ID, CSeq; Max-Forwards in requests) is missing.",
        "Transactions and dialogs cannot be matched without them; the element answers 400.",
        "INVITE without Call-ID", "RFC 3261 §8.1.1, §20; RFC 4475 §3.3.1");
    /// A single-valued header appears more than once.
    DuplicateSingleHeader = ("SL036", "duplicate-single-header", Error, Protocol,
        "A header that allows one value (Call-ID, From, To, CSeq, Max-Forwards, Content-Type…) appears more than once or with several values.",
        "Receivers pick different copies; the message is ambiguous and answered with 400.",
        "Two Call-ID headers", "RFC 3261 §7.3.1; RFC 4475 §3.3.8");
    /// CSeq method differs from the request method.
    CseqMethodMismatch = ("SL037", "cseq-method-mismatch", Error, Protocol,
        "The CSeq method of a request is not the Request-Line method (CANCEL and ACK included).",
        "Transactions are matched on the CSeq method; RFC 4475 §3.1.2.17 requires a 400.",
        "INVITE … with CSeq: 1 OPTIONS", "RFC 3261 §8.1.1.5; RFC 4475 §3.1.2.17");
    /// Via branch without the magic cookie or empty after it.
    BadBranch = ("SL038", "bad-branch", Warning, Protocol,
        "The top Via branch is missing, lacks the `z9hG4bK` magic cookie, or is only the cookie.",
        "Without a unique RFC 3261 branch, transactions fall back to RFC 2543 matching or cannot be matched.",
        "Via: SIP/2.0/UDP host;branch=z9hG4bK", "RFC 3261 §8.1.1.7; RFC 4475 §3.2.1");
    /// Request-URI scheme that SIP cannot route.
    UnknownUriScheme = ("SL039", "unknown-uri-scheme", Warning, Protocol,
        "The Request-URI scheme is not sip, sips or tel.",
        "An element that cannot handle the scheme answers 416 Unsupported URI Scheme.",
        "OPTIONS nobodyknowsthisscheme:totallyopaquecontent SIP/2.0", "RFC 3261 §8.2.2.1, §21.4.14; RFC 4475 §3.3.2-3");
    /// Trailing partial message after a complete one.
    MultipleMessages = ("SL040", "multiple-messages", Info, Informational,
        "The input holds more than one SIP message; only the first was decoded.",
        "Paste one message at a time, or decode the input as a trace.",
        "REGISTER … followed by INVITE …", "RFC 3261 §18.3");
    /// Missing SP after the status code.
    MissingReasonSeparator = ("SL041", "missing-reason-separator", Warning, Malformed,
        "The Status-Line has no SP between Status-Code and Reason-Phrase.",
        "The grammar requires the SP even when the phrase is empty; liberal receivers accept it.",
        "SIP/2.0 100", "RFC 3261 §7.2; RFC 4475 §3.1.1.13");
    /// Method not in the IANA method registry.
    UnknownMethod = ("SL042", "unknown-method", Info, Informational,
        "The request method is not a registered SIP method.",
        "A UAS that does not know the method answers 501 Not Implemented.",
        "NEWMETHOD sip:a@b SIP/2.0", "RFC 3261 §8.2.1, §21.5.2");
    /// The body is not what Content-Type says.
    BadBody = ("SL043", "bad-body", Warning, Malformed,
        "The body does not follow the grammar of its Content-Type (SDP line, multipart boundary…).",
        "The receiver may fail to apply the session description or parts of it.",
        "SDP line without `=`", "RFC 4566 §5; RFC 2046 §5.1");
    /// A request without Max-Forwards.
    MissingMaxForwards = ("SL044", "missing-max-forwards", Warning, Protocol,
        "A request has no Max-Forwards header.",
        "RFC 3261 §8.1.1.6 requires it so loops end; RFC 2543 elements omit it and proxies add 70 (§16.6).",
        "INVITE without Max-Forwards", "RFC 3261 §8.1.1.6, §16.6; RFC 4475 §3.4.1");
    /// Grammar bent in a way receivers usually tolerate.
    LaxHeaderValue = ("SL045", "lax-header-value", Warning, Malformed,
        "A header value bends its grammar in a commonly tolerated way: a token parameter quoted (nc=\"00000001\"), a quoted-string parameter bare, a product version with extra '/' in User-Agent/Server.",
        "Most stacks accept it, but strict ones (and some digest implementations) reject or miscompute it.",
        "Authorization: Digest …, nc=\"00000001\"", "RFC 3261 §25.1; RFC 7616 §3.4");

    // ---- SL1xx: message rules -------------------------------------------
    /// Response without a To tag.
    ToTagMissing = ("SL101", "to-tag-missing", Warning, Protocol,
        "A response other than 100 Trying has no tag parameter in To.",
        "The UAS must add a To tag (RFC 3261 §8.2.6.2); without it no dialog can be formed and the response cannot be matched to a dialog.",
        "SIP/2.0 486 Busy Here … To: <sip:bob@b.example>", "RFC 3261 §8.2.6.2, §12.1.1");
    /// Response whose CSeq method cannot have a response.
    ResponseToAck = ("SL102", "response-to-ack", Error, Protocol,
        "A response carries CSeq method ACK.",
        "ACK is never answered (RFC 3261 §17.1.1.3); such a response cannot match any transaction.",
        "SIP/2.0 200 OK … CSeq: 1 ACK", "RFC 3261 §17.1.1.3");
    /// Body without Content-Type.
    BodyWithoutContentType = ("SL103", "body-without-content-type", Error, Protocol,
        "A non-empty body has no Content-Type header.",
        "The receiver cannot know how to read the body (RFC 3261 §20.15: Content-Type MUST be present with a body).",
        "INVITE … with SDP but no Content-Type", "RFC 3261 §20.15");
    /// From without tag.
    FromTagMissing = ("SL104", "from-tag-missing", Warning, Protocol,
        "The From header has no tag parameter.",
        "RFC 3261 §8.1.1.3 requires a From tag; without it dialogs fall back to RFC 2543 matching.",
        "From: <sip:alice@a.example>", "RFC 3261 §8.1.1.3, §12");
    /// Max-Forwards is zero.
    MaxForwardsZero = ("SL105", "max-forwards-zero", Info, Informational,
        "A request carries Max-Forwards: 0.",
        "A proxy must not forward it and answers 483 Too Many Hops; only the final element may process it (OPTIONS traceroute).",
        "Max-Forwards: 0", "RFC 3261 §16.3, §20.22; RFC 4475 §3.3.11");
    /// Broadcast address in Via.
    BroadcastVia = ("SL106", "broadcast-via", Warning, Semantic,
        "A Via sent-by or received address is a broadcast address (255.255.255.255).",
        "A response would be sent to every host of the network; elements should drop it.",
        "Via: SIP/2.0/UDP 255.255.255.255;branch=…", "RFC 4475 §3.3.10");
    /// Unregistered status code.
    UnknownStatusCode = ("SL107", "unknown-status-code", Info, Informational,
        "The status code is not in the IANA registry; it is read as the x00 code of its class.",
        "RFC 3261 §8.1.3.2: an unknown response is treated as the x00 of its class (183 for unknown 1xx).",
        "SIP/2.0 499 Whatever", "RFC 3261 §8.1.3.2, §21");
    /// Reason phrase differs from the registered one.
    NonStandardReasonPhrase = ("SL108", "non-standard-reason-phrase", Info, Informational,
        "The reason phrase differs from the IANA phrase of the code.",
        "The phrase is free text (RFC 3261 §21); only the code counts, but a custom phrase often names the real cause.",
        "SIP/2.0 403 Wrong password", "RFC 3261 §7.2, §21");
    /// Content-Type with an empty body.
    ContentTypeWithoutBody = ("SL109", "content-type-without-body", Info, Informational,
        "Content-Type is present but the body is empty.",
        "Harmless, but often a sign that a body was stripped by an intermediary (e.g. SDP removed by a B2BUA).",
        "Content-Type: application/sdp with Content-Length: 0", "RFC 3261 §20.15");

    // ---- SL12x: code-specific companion headers ---------------------------
    /// 401 without WWW-Authenticate.
    MissingWwwAuthenticate = ("SL120", "401-without-www-authenticate", Error, Protocol,
        "A 401 response has no WWW-Authenticate header.",
        "The client cannot answer a challenge it did not get; a 401 MUST carry one (RFC 3261 §21.4.2).",
        "SIP/2.0 401 Unauthorized without WWW-Authenticate", "RFC 3261 §21.4.2, §22.2");
    /// 407 without Proxy-Authenticate.
    MissingProxyAuthenticate = ("SL121", "407-without-proxy-authenticate", Error, Protocol,
        "A 407 response has no Proxy-Authenticate header.",
        "A 407 MUST carry the proxy's challenge (RFC 3261 §21.4.8).",
        "SIP/2.0 407 Proxy Authentication Required without Proxy-Authenticate", "RFC 3261 §21.4.8, §22.3");
    /// 405 without Allow.
    MissingAllow = ("SL122", "405-without-allow", Error, Protocol,
        "A 405 response has no Allow header.",
        "A 405 MUST list the methods the target supports (RFC 3261 §21.4.6).",
        "SIP/2.0 405 Method Not Allowed without Allow", "RFC 3261 §21.4.6");
    /// 420 without Unsupported.
    MissingUnsupported = ("SL123", "420-without-unsupported", Error, Protocol,
        "A 420 response has no Unsupported header.",
        "The client needs the list of unsupported option tags to retry without them (RFC 3261 §21.4.15, §8.2.2.3).",
        "SIP/2.0 420 Bad Extension without Unsupported", "RFC 3261 §8.2.2.3, §21.4.15");
    /// 421 without Require.
    MissingRequire = ("SL124", "421-without-require", Error, Protocol,
        "A 421 response has no Require header naming the needed extension.",
        "A 421 MUST list the required extensions in Require (RFC 3261 §21.4.16); without it the client cannot tell which extension to add.",
        "SIP/2.0 421 Extension Required without Require", "RFC 3261 §21.4.16");
    /// 422 without Min-SE.
    MissingMinSe = ("SL125", "422-without-min-se", Error, Protocol,
        "A 422 response has no Min-SE header.",
        "RFC 4028 §6: the 422 MUST carry Min-SE so the UAC can raise its Session-Expires.",
        "SIP/2.0 422 Session Interval Too Small without Min-SE", "RFC 4028 §6");
    /// 423 without Min-Expires.
    MissingMinExpires = ("SL126", "423-without-min-expires", Error, Protocol,
        "A 423 response has no Min-Expires header.",
        "The registrar MUST say the minimum it accepts (RFC 3261 §10.3 step 7, §21.4.17).",
        "SIP/2.0 423 Interval Too Brief without Min-Expires", "RFC 3261 §10.3, §21.4.17");
    /// 494 without Security-Server.
    MissingSecurityServer = ("SL127", "494-without-security-server", Error, Protocol,
        "A 494 response has no Security-Server header.",
        "RFC 3329 §2.3.1: the 494 MUST list the server's mechanisms so the client can choose one.",
        "SIP/2.0 494 Security Agreement Required without Security-Server", "RFC 3329 §2.3.1");
    /// 3xx without Contact.
    RedirectWithoutContact = ("SL128", "redirect-without-contact", Warning, Protocol,
        "A 3xx response has no Contact (and no alternative-service body for 380).",
        "The client has nowhere to redirect to; 3xx SHOULD list alternatives in Contact (RFC 3261 §21.3).",
        "SIP/2.0 302 Moved Temporarily without Contact", "RFC 3261 §8.1.3.4, §21.3");
    /// 488/606 without Warning.
    MediaRejectWithoutWarning = ("SL129", "media-reject-without-warning", Warning, Protocol,
        "A 488 response has no Warning header explaining what in the offer was unacceptable.",
        "RFC 3261 §13.3.1.3: a UAS rejecting an offer with 488 SHOULD carry a Warning (e.g. 304/305) naming the rejected media (for a re-INVITE, §14.2). For 606 the Warning is only MAY (§21.6.4), so a 606 without one is not flagged.",
        "SIP/2.0 488 Not Acceptable Here without Warning", "RFC 3261 §13.3.1.3, §14.2, §21.4.26, §21.6.4");
    /// 415 without Accept*.
    MissingAccept = ("SL130", "415-without-accept", Error, Protocol,
        "A 415 response has no Accept, Accept-Encoding or Accept-Language header.",
        "The server MUST list acceptable formats in Accept, Accept-Encoding or Accept-Language (RFC 3261 §21.4.13); without them the client cannot tell which formats would work.",
        "SIP/2.0 415 Unsupported Media Type without Accept", "RFC 3261 §8.2.3, §21.4.13");

    // ---- SL2xx: cause semantics -------------------------------------------
    /// Reason value decoded.
    ReasonDecoded = ("SL201", "reason-decoded", Info, Informational,
        "A Reason header value was decoded (protocol, cause, text).",
        "The Reason header names the real cause behind a status code or a BYE/CANCEL (Q.850 from the PSTN side, SIP from another leg).",
        "Reason: Q.850;cause=17;text=\"User busy\"", "RFC 3326; RFC 6432");
    /// Q.850 cause inconsistent with the status code.
    Q850StatusMismatch = ("SL202", "q850-status-mismatch", Warning, Semantic,
        "The Q.850 cause in Reason does not map to this status code under RFC 3398.",
        "A gateway that maps causes inconsistently misleads callers and statistics; e.g. 486 with cause 16 (normal clearing) hides why the call failed.",
        "SIP/2.0 486 Busy Here … Reason: Q.850;cause=16", "RFC 3398 §7.2.4.1, §8.2.6.1");
    /// SIP Reason cause differs from status.
    SipReasonDiffers = ("SL203", "sip-reason-differs", Info, Informational,
        "A Reason with protocol SIP names a different status code than the response's own.",
        "It usually carries the status of another leg (forked or B2BUA) that explains this one.",
        "SIP/2.0 480 … Reason: SIP;cause=486", "RFC 3326 §2");
    /// Unknown Reason protocol or cause.
    UnknownReason = ("SL204", "unknown-reason", Info, Informational,
        "A Reason value uses an unregistered protocol or a cause value that protocol does not define.",
        "The cause cannot be interpreted; check the sender's documentation.",
        "Reason: X-VENDOR;cause=77", "RFC 3326 §2, §4");
    /// Warning value explained.
    WarningDecoded = ("SL205", "warning-decoded", Info, Informational,
        "A Warning header value was decoded (code, agent, text).",
        "Warning codes 3xx say why a session description was unacceptable (305 media format, 304 media type, 370 bandwidth…).",
        "Warning: 305 pcscf.ims.example \"Incompatible media format\"", "RFC 3261 §20.43");
    /// Unregistered Warning code.
    UnregisteredWarning = ("SL206", "unregistered-warning", Warning, Protocol,
        "A Warning code is not in the IANA Warning-code registry.",
        "Receivers cannot interpret it; vendors sometimes reuse 3xx codes for private meanings (e.g. OpenSER 392).",
        "Warning: 392 10.0.0.1:5060 \"Noisy feedback\"", "RFC 3261 §20.43, §27.2");
    /// Q.850 cause on a success response or provisional.
    ReasonOnSuccess = ("SL207", "reason-on-success", Info, Informational,
        "A Reason header appears on a 1xx or 2xx response.",
        "RFC 6432 defines Reason in responses for failure causes; on success it usually echoes an earlier leg.",
        "SIP/2.0 200 OK … Reason: Q.850;cause=16", "RFC 6432");

    // ---- SL3xx: IMS-aware method x code logic ------------------------------
    /// 401 to REGISTER with AKA: normal challenge.
    ImsAkaChallenge = ("SL301", "ims-aka-challenge", Info, Informational,
        "A 401 to REGISTER carries a Digest AKAv1/AKAv2 challenge: the normal IMS registration step.",
        "Not an error: the UE runs AKA on the ISIM (RES, CK, IK), sets up IPsec from Security-Server and re-sends REGISTER protected.",
        "401 … WWW-Authenticate: Digest …, algorithm=AKAv1-MD5", "3GPP TS 24.229 §5.1.1.5; TS 33.203; RFC 3310");
    /// 401 to REGISTER with plain digest.
    DigestRegisterChallenge = ("SL302", "digest-register-challenge", Info, Informational,
        "A 401 to REGISTER carries a plain Digest challenge (MD5/SHA-256), not AKA.",
        "The usual first answer of a registrar; the UA re-sends REGISTER with credentials. In IMS it means SIP Digest (TS 24.229 Annex) rather than AKA.",
        "401 … WWW-Authenticate: Digest realm=…, algorithm=MD5", "RFC 3261 §22; RFC 7616; 3GPP TS 24.229 §5.1.1.2");
    /// Auth challenge to a non-REGISTER request in IMS.
    ChallengeOutsideRegistration = ("SL303", "challenge-outside-registration", Warning, Semantic,
        "A 401/407 answers a request other than REGISTER.",
        "In IMS, requests are authenticated by the registration and the IPsec/TLS association; a challenge to INVITE/MESSAGE points to a lost or mismatched security association or registration state. Fires only when the message shows IMS (3GPP domain, P-/Security- headers, AKA): on a plain SIP trunk or PBX a challenge to INVITE is ordinary RFC 3261 §22.",
        "SIP/2.0 407 … CSeq: 1 INVITE … ims.mnc001.mcc001.3gppnetwork.org", "3GPP TS 24.229 §5.2.6.3, §5.4.3.2; RFC 3261 §22.3");
    /// Stale nonce.
    StaleNonce = ("SL304", "stale-nonce", Info, Informational,
        "The challenge carries stale=true: the credentials were right but the nonce expired.",
        "Not an authentication failure: re-send with the new nonce, without asking the user again.",
        "WWW-Authenticate: Digest …, stale=true", "RFC 7616 §3.3; RFC 3261 §22.4");
    /// 403 to REGISTER.
    RegisterForbidden = ("SL305", "register-forbidden", Warning, Semantic,
        "A REGISTER was answered 403.",
        "Registration is refused outright: provisioning, barring, roaming not allowed, IMPI/IMPU mismatch or failed authentication; retrying the same credentials will not help.",
        "SIP/2.0 403 Forbidden … CSeq: 2 REGISTER", "3GPP TS 24.229 §5.1.1.5.1, §5.4.1.2.3; RFC 3261 §21.4.4");
    /// 404/604.
    UserNotFound = ("SL306", "user-not-found", Info, Informational,
        "A 404 (unknown here) or 604 (does not exist anywhere) names the Request-URI as unknown.",
        "404 leaves other routes open (another domain, number translation); 604 says no route will help.",
        "SIP/2.0 404 Not Found", "RFC 3261 §21.4.5, §21.6.3");
    /// Timeouts.
    Timeout = ("SL307", "timeout", Info, Informational,
        "A 408 or 504 reports that a timer expired (the callee or a next hop did not answer in time).",
        "408 = the UAS or proxy gave up waiting (Timer C / no final); 504 = a server could not reach the next hop (DNS, transport, peer down).",
        "SIP/2.0 504 Server Time-out", "RFC 3261 §16.6, §16.7, §21.4.9, §21.5.5");
    /// Callee unavailable / busy / declined.
    CalleeRejected = ("SL308", "callee-rejected", Info, Informational,
        "A 480, 486, 600 or 603 says the callee is unavailable, busy or declined.",
        "Normal call outcomes rather than faults; a Reason or Retry-After says more about why and when to try again.",
        "SIP/2.0 486 Busy Here … Reason: Q.850;cause=17", "RFC 3261 §21.4.18, §21.4.24, §21.6.1, §21.6.2");
    /// 487 after CANCEL.
    RequestTerminated = ("SL309", "request-terminated", Info, Informational,
        "A 487 answers an INVITE that was cancelled (CANCEL or BYE before the final response).",
        "Expected after the caller hangs up during ringing; look for the CANCEL and its 200 OK.",
        "SIP/2.0 487 Request Terminated … CSeq: 1 INVITE", "RFC 3261 §9.2, §21.4.25");
    /// 487 to something other than INVITE.
    TerminatedNonInvite = ("SL310", "terminated-non-invite", Info, Informational,
        "A 487 answers a request other than INVITE (and other than CANCEL, see SL322).",
        "Normal: a UAS that receives a BYE must still answer the requests pending in that dialog and should answer them 487 (RFC 3261 §15.1.2): an UPDATE, PRACK or INFO crossed by the hang-up. 487 means terminated by a BYE or CANCEL (§21.4.25).",
        "SIP/2.0 487 … CSeq: 3 UPDATE", "RFC 3261 §15.1.2, §21.4.25");
    /// Media rejected (488/606).
    MediaRejected = ("SL311", "media-rejected", Info, Semantic,
        "A 488 or 606 rejects the session description; Warning codes and the offer say what failed.",
        "Usually a codec (305), media type (304), transport (302) or bandwidth (370) mismatch, or a policy (P-CSCF/PCRF) refusing the media.",
        "SIP/2.0 488 Not Acceptable Here … Warning: 305 …", "RFC 3261 §13.3.1.3, §21.4.26, §21.6.4; 3GPP TS 24.229 §5.2.7.2, §6.2");
    /// 489 Bad Event.
    BadEvent = ("SL312", "bad-event", Info, Informational,
        "A 489 says the event package of SUBSCRIBE/PUBLISH is not supported.",
        "Check the Event header against the notifier's Allow-Events (reg, presence, dialog, message-summary…).",
        "SIP/2.0 489 Bad Event … CSeq: 3 SUBSCRIBE", "RFC 6665 §8.3.2");
    /// 494 security agreement.
    SecurityAgreementRequired = ("SL313", "security-agreement-required", Warning, Semantic,
        "A 494 requires a security agreement (RFC 3329) before the request is accepted.",
        "The client did not offer Security-Client or sec-agree; in IMS the UE must send REGISTER with Security-Client and Require/Proxy-Require: sec-agree.",
        "SIP/2.0 494 Security Agreement Required", "RFC 3329 §2.3; 3GPP TS 33.203");
    /// 503 with Retry-After.
    OverloadWithRetryAfter = ("SL314", "overload-with-retry-after", Info, Semantic,
        "A 503 carries Retry-After: the server is overloaded or in maintenance and says when to come back.",
        "Do not retry this server before the interval; in IMS the UE must not re-register to the same P-CSCF before it ends and may pick another.",
        "SIP/2.0 503 Service Unavailable … Retry-After: 600", "RFC 3261 §21.5.4; 3GPP TS 24.229 §5.1.1.2, §5.1.3.1");
    /// 503 without Retry-After.
    UnavailableWithoutRetryAfter = ("SL315", "unavailable-without-retry-after", Warning, Semantic,
        "A 503 has no Retry-After.",
        "Without it the client treats the failure as immediate (RFC 3263 failover to the next server); it often means the node or its next hop is down rather than briefly overloaded.",
        "SIP/2.0 503 Service Unavailable", "RFC 3261 §21.5.4; RFC 3263 §4.3");
    /// 3GPP IMS alternative service (504/380 XML).
    ImsAlternativeService = ("SL316", "ims-alternative-service", Warning, Semantic,
        "A 504 or 380 carries application/3gpp-ims+xml with an alternative-service element (type restoration or emergency).",
        "The network tells the UE what to do: re-register (restoration) or place an emergency call (emergency); the UE must act on it.",
        "SIP/2.0 504 … Content-Type: application/3gpp-ims+xml", "3GPP TS 24.229 §5.1.2A.1, §5.1.6.8, §7.6");
    /// 580 precondition failure.
    PreconditionFailure = ("SL317", "precondition-failure", Warning, Semantic,
        "A 580 says the session preconditions (QoS resource reservation) could not be met.",
        "In VoLTE/VoNR the dedicated bearer (QCI/5QI 1) was not set up in time or was refused by the PCRF/PCF.",
        "SIP/2.0 580 Precondition Failure", "RFC 3312 §8; 3GPP TS 24.229 §6.1.2");
    /// 423/422 interval too small.
    IntervalTooSmall = ("SL318", "interval-too-small", Info, Informational,
        "A 423 (Min-Expires) or 422 (Min-SE) says the requested interval is too short.",
        "Retry with an interval at least the value the server gives.",
        "SIP/2.0 423 Interval Too Brief … Min-Expires: 3600", "RFC 3261 §10.2.8; RFC 4028 §6");
    /// 420/421 option tags.
    ExtensionMismatch = ("SL319", "extension-mismatch", Info, Informational,
        "A 420 (extension not supported) or 421 (extension required) names option tags.",
        "Retry without the unsupported tags (420) or with the required ones in Require/Supported (421); in IMS typically 100rel, precondition, sec-agree, timer.",
        "SIP/2.0 420 Bad Extension … Unsupported: foo", "RFC 3261 §8.2.2.3, §21.4.15, §21.4.16");
    /// 482/483 loops.
    LoopOrHops = ("SL320", "loop-or-hops", Warning, Semantic,
        "A 482 (loop detected) or 483 (too many hops) says the request circled or exhausted Max-Forwards.",
        "Routing is wrong: a proxy sends the request back to itself or a route set points in a circle; check Route/Record-Route, DNS and routing tables.",
        "SIP/2.0 483 Too Many Hops", "RFC 3261 §16.3, §21.4.20, §21.4.21; RFC 5393");
    /// Retry-After on a code that rarely has it.
    RetryAfterPresent = ("SL321", "retry-after-present", Info, Informational,
        "The response carries Retry-After.",
        "It says when the request may be retried (or when the callee is reachable again).",
        "SIP/2.0 486 Busy Here … Retry-After: 60", "RFC 3261 §20.33");
    /// 487 to CANCEL.
    TerminatedCancel = ("SL322", "487-to-cancel", Warning, Protocol,
        "A 487 answers a CANCEL.",
        "487 is the answer of the cancelled request, never of the CANCEL itself (RFC 3261 §21.4.25): a CANCEL gets 200, or 481 when its transaction is unknown (§9.2).",
        "SIP/2.0 487 … CSeq: 1 CANCEL", "RFC 3261 §9.2, §21.4.25");
    /// Basic authentication in SIP.
    BasicAuth = ("SL323", "basic-auth", Error, Protocol,
        "A challenge (WWW-/Proxy-Authenticate) or credentials (Authorization/Proxy-Authorization) use the Basic scheme.",
        "SIP deprecated Basic: servers must not challenge with it nor accept it (RFC 3261 §22.1); the password would cross the network in clear base64.",
        "WWW-Authenticate: Basic realm=\"pbx\"", "RFC 3261 §22.1");
    /// 481 to CANCEL.
    CancelWithoutTransaction = ("SL324", "481-to-cancel", Info, Informational,
        "A 481 answers a CANCEL: the server found no INVITE transaction matching it.",
        "Not a lost dialog: the INVITE was already answered (its final response crossed the CANCEL) or the CANCEL reached a different hop than the INVITE (Via, Request-URI or branch differ) (RFC 3261 §9.2).",
        "SIP/2.0 481 … CSeq: 1 CANCEL", "RFC 3261 §9.1, §9.2");
    // ---- SL4xx: flow rules (traces: several messages) ----------------------
    /// 488/606 against the offer.
    FlowMediaRejected = ("SL401", "flow-media-rejected", Warning, Semantic,
        "A 488 or 606 is compared with the SDP offer of its request: offered codecs and streams, what the response's SDP supports, the codecs in common, and the Warning.",
        "The codec or stream that failed is in the offer/answer pair, not in the 488 alone; a 488 without Warning or SDP leaves the caller guessing.",
        "INVITE offering m=audio 0 RTP/AVP 0 8 → SIP/2.0 488 Not Acceptable Here", "RFC 3261 §21.4.26, §21.6.4, §20.43; RFC 3264 §6");
    /// 580 with the precondition trail.
    FlowPreconditionFailure = ("SL402", "flow-precondition-failure", Warning, Semantic,
        "A 580 is shown with the precondition state of its dialog: INVITE (Require/Supported: precondition, a=des/a=curr), 183, PRACK, UPDATE and their answers.",
        "Whether the UPDATE reporting local resources ever came tells a bearer/QoS failure (PCRF/PCF, RAN) apart from a signalling one.",
        "INVITE (precondition) → 183 → PRACK → 200 → 580 Precondition Failure", "RFC 3312 §5, §8, §11; RFC 3262; 3GPP TS 24.229 §6.1.2");
    /// 183 but never 180/200.
    FlowSessionProgressOnly = ("SL403", "flow-session-progress-only", Warning, Semantic,
        "An INVITE transaction got 183 Session Progress but neither 180 Ringing nor a 2xx before it ended (or the trace ended).",
        "The callee side never alerted: preconditions not met, early media (announcement) only, or the terminating leg failed after session progress.",
        "INVITE → 183 Session Progress → 487 Request Terminated", "RFC 3261 §13.2.2.1, §21.1.5; RFC 3312 §6; RFC 3960");
    /// REGISTER → 401 → REGISTER → 200.
    FlowRegistrationChallenge = ("SL404", "flow-registration-challenge", Info, Informational,
        "A REGISTER was challenged (401/407) and the next REGISTER of the same Call-ID, with credentials, got 2xx.",
        "This is the normal digest or IMS AKA registration, not an error: the first 401 carries the challenge (RAND/AUTN for AKA).",
        "REGISTER → 401 Unauthorized → REGISTER (Authorization) → 200 OK", "RFC 3261 §10.2, §22.2; RFC 3310 §3; 3GPP TS 24.229 §5.1.1.2");
    /// Challenged again after credentials.
    FlowAuthLoop = ("SL405", "flow-auth-loop", Error, Semantic,
        "A request of a Call-ID carrying credentials was challenged again with 401/407, and the new challenge does not say stale=true.",
        "The credentials are refused: wrong password or AKA key, wrong username/realm, or an AKA synchronisation that never completes; clients loop until they give up.",
        "REGISTER → 401 → REGISTER (Authorization) → 401 → …", "RFC 3261 §22.2, §22.3; RFC 7616 §3.3 (stale); RFC 3310 §3.3");
    /// 2xx to INVITE without ACK.
    FlowMissingAck = ("SL406", "flow-missing-ack", Error, Protocol,
        "A 2xx to INVITE has no ACK (same Call-ID and CSeq number) in the trace although the 2xx was retransmitted, the dialog went on, or the trace lasts 64*T1 (32 s) longer.",
        "Without ACK the UAS retransmits the 2xx and then ends the call (BYE after about 32 s): the classic NAT / Record-Route / Contact reachability problem.",
        "200 OK (INVITE) ×7, no ACK, BYE", "RFC 3261 §13.2.2.4, §13.3.1.4, §17.1.1.2");
    /// CANCEL crossed by 2xx.
    FlowCancelRace = ("SL407", "flow-cancel-race", Warning, Protocol,
        "An INVITE that was CANCELled still got a 2xx (the 200 crossed the CANCEL).",
        "The CANCEL has no effect once the final response is sent; the caller must ACK and BYE, or the callee keeps a half-open call.",
        "INVITE → CANCEL → 200 OK (CANCEL) → 200 OK (INVITE)", "RFC 3261 §9.1, §9.2, §15");
    /// Final response to INVITE retransmitted.
    FlowFinalRetransmitted = ("SL408", "flow-final-retransmitted", Warning, Protocol,
        "A final response to INVITE was retransmitted (same transaction, code and To tag).",
        "The UAS retransmits until it sees the ACK: the ACK was lost, sent to another address, or not matched to the transaction.",
        "486 Busy Here, 486 Busy Here (retransmission)", "RFC 3261 §13.3.1.4, §17.2.1");
    /// Retry before Retry-After expired.
    FlowEarlyRetry = ("SL409", "flow-early-retry", Warning, Protocol,
        "After a 503 with Retry-After, the same request (method and Request-URI, to the same destination) was sent again before the interval ended.",
        "Retrying early keeps an overloaded server overloaded; the client must wait or fail over to another server.",
        "503 Service Unavailable, Retry-After: 30 → INVITE again 2 s later", "RFC 3261 §20.33, §21.5.4; RFC 3263 §4.3");
    /// Re-REGISTER with more than half the expiry left.
    FlowEarlyReregister = ("SL410", "flow-early-reregister", Warning, Semantic,
        "A REGISTER refresh of the same Call-ID came while more than half of the expiry granted by the previous 2xx (Contact expires, else Expires) remained; de-registrations are not counted.",
        "3GPP UEs refresh 600 s before expiry (registrations over 1200 s) or at half the time; earlier refreshes multiply the registration load on the S-CSCF/registrar.",
        "200 OK (REGISTER) expires=3600 → REGISTER 60 s later", "RFC 3261 §10.2.1, §10.3 step 7; 3GPP TS 24.229 §5.1.1.4.1");
    /// A request back at a node it passed (loop), or 482/483.
    FlowRequestLoop = ("SL411", "flow-request-loop", Error, Semantic,
        "A request came back to a node it already passed: its Via stack holds the same value (sent-by and branch) twice, or a node forwards the same request (Call-ID, CSeq, method) again with its earlier Via below the new one and the same Request-URI and Route set; or a 482/483 answers it. A Via added per hop and a falling Max-Forwards are ordinary multi-hop routing, not a loop.",
        "A loop ends in 482/483 and no call; a spiral (the same node again with a new Request-URI or Route, as S-CSCF → AS → S-CSCF) is normal and is not reported.",
        "INVITE forwarded by P2 with Via P2, P1, P2 (same branch) → 482 Loop Detected", "RFC 3261 §16.3 item 4, §16.6 step 8, §21.4.20, §21.4.21; RFC 5393 §4");
    /// An SDP answer whose m= lines do not match its offer's.
    FlowSdpAnswerMismatch = ("SL420", "flow-sdp-answer-mismatch", Warning, Protocol,
        "An SDP answer, paired with its offer across the trace (offer in INVITE, UPDATE or PRACK answered in the response; offer in the first reliable response to an INVITE without SDP answered in PRACK or ACK), has a different number of m= lines than the offer, or a different media type at the same position.",
        "Streams are matched by their order: an answer that drops, adds or reorders m= lines cannot be matched to the offer, and the offerer may reject it or send media to the wrong port (a stream is refused with port 0, never removed).",
        "INVITE with m=audio and m=video → 200 OK with m=audio only", "RFC 3264 §6; RFC 3261 §13.2.1; RFC 3262 §5; RFC 3311 §5.1");
    // ---- SL43x: media (RTP/RTCP of a capture, bound to calls by SDP) ------
    /// An answered call with RTP in one direction only.
    MediaOneWay = ("SL430", "media-one-way", Warning, Semantic,
        "An offer/answer exchange completed in a 2xx (or its ACK) and RTP reached the address one side announced in its SDP but none reached the other side's, although both directions were to send (sendrecv, or sendonly/recvonly the matching way).",
        "One-way audio: one party hears nothing. The silent direction's sender is behind a NAT or firewall, announced a wrong c= address, or put the call on hold without saying so. A warning, not an error: a capture point on one leg may simply not see the other direction.",
        "INVITE (c=10.0.0.1 m=audio 4000) → 200 OK (c=10.0.0.2 m=audio 5000); RTP only to 10.0.0.2:5000", "RFC 3264 §5.1; RFC 3261 §13.2.1");
    /// An answered call with no RTP at all while the capture holds RTP.
    MediaNone = ("SL431", "media-none", Warning, Semantic,
        "An offer/answer exchange completed in a 2xx (or its ACK), the capture holds RTP of other sessions, but no RTP reached either address this exchange announced.",
        "No audio in either direction (bearer or firewall), or the capture point does not see this call's media path; a capture with no RTP at all is not reported.",
        "INVITE → 200 OK with SDP; RTP of another call only", "RFC 3264 §5.1");
    /// RTP from an address the sender's SDP did not announce.
    MediaAddressMismatch = ("SL432", "media-address-mismatch", Warning, Semantic,
        "RTP sent to the address one side announced comes from an address and port the other side's SDP (its offer or answer) did not announce; or RTP from an announced address goes to an address and port no SDP announced.",
        "A NAT rewrote the source, or the c=/m= line is wrong: a far end that sends to the announced address never reaches this sender (one-way audio) unless it latches on the source (symmetric RTP).",
        "SDP c=192.168.1.10 m=audio 4000; RTP from 203.0.113.7:61000", "RFC 3264 §5.1; RFC 4961");
    /// RTP payload type not listed by its receiver.
    MediaPayloadNotNegotiated = ("SL433", "media-payload-not-negotiated", Warning, Protocol,
        "An RTP stream carries a payload type that the SDP announcing its destination (its receiver's offer or answer) does not list on the m= line.",
        "The payload types of an SDP are those its sender expects to receive; a receiver may drop or misdecode anything else (codec mismatch, telephone-event or comfort noise not negotiated).",
        "m=audio 5000 RTP/AVP 8 101; RTP with payload type 0", "RFC 3264 §5.1");
    /// Media long after the BYE.
    MediaAfterBye = ("SL434", "media-after-bye", Warning, Protocol,
        "RTP of a call continues more than a second after the call's BYE.",
        "A UA stops sending media once it sends or receives BYE; media that goes on means the BYE or its 200 was missed, or another session reuses the ports.",
        "BYE at 10.0 s; RTP until 25.0 s", "RFC 3261 §15, §15.1.1");
    /// SSRC changed without renegotiation.
    MediaSsrcChange = ("SL435", "media-ssrc-change", Info, Informational,
        "A new SSRC starts on the same addresses and ports as an earlier stream of the call, with no SDP (re-INVITE, UPDATE) of the call in between.",
        "A new media source without signalling: an SBC or media server switched the stream (announcement, transfer, failover). Receivers that keep to the first SSRC go silent.",
        "SSRC 0x1234 → SSRC 0x9876 on 10.0.0.1:4000 → 10.0.0.2:5000", "RFC 3550 §8, §8.2");
    /// A long silence inside a stream.
    MediaSilenceGap = ("SL436", "media-silence-gap", Warning, Semantic,
        "Two consecutive packets of an RTP stream are more than 2 s apart, the later one not a talkspurt start (marker bit) and the earlier one not comfort noise.",
        "Audio drops out: packets were lost on the path (radio, congestion) or the sender stopped; silence suppression announces itself with comfort noise and a marker bit.",
        "RTP every 20 ms, then nothing for 3.5 s", "RFC 3550");
    /// RTCP reports high loss.
    MediaRtcpLoss = ("SL437", "media-rtcp-loss", Warning, Semantic,
        "An RTCP SR or RR report block about an RTP stream of the capture gives a fraction lost of 5 % or more (siplens's threshold; the fraction covers the reporter's last report interval), or an XR VoIP metrics block a loss rate of 5 % or more (since the beginning of reception). The reporter's loss is set beside the loss the capture itself counted on the stream.",
        "Receivers report the loss they see at the far end. Loss the capture counts too happened before the capture point; loss only the report shows happened between the capture point and the receiver (radio, the far network), which no capture on this side sees.",
        "RR from SSRC 0x22222222 about 0x11111111: fraction lost 64/256 (25 %), cumulative 30; the capture counted 0 lost", "RFC 3550 §6.4.1; RFC 3611 §4.7");
    /// RTCP reports high jitter.
    MediaRtcpJitter = ("SL438", "media-rtcp-jitter", Warning, Semantic,
        "An RTCP report block gives an interarrival jitter above 30 ms (siplens's threshold), converted from timestamp units with the stream's clock rate (SDP rtpmap, else the RFC 3551 static table). The jitter the capture measured on the stream is set beside it.",
        "The receiver's jitter buffer has to absorb that variation: past a few tens of ms it adds delay or drops late packets (choppy audio). Jitter the capture measures too arises before the capture point; jitter only the report shows arises after it.",
        "RR: interarrival jitter 400 at 8 kHz (50 ms)", "RFC 3550 §6.4.1");
    /// RTCP round trip long.
    MediaRtcpRoundTrip = ("SL439", "media-rtcp-round-trip", Warning, Semantic,
        "A report block echoes (LSR) an SR the capture holds, and its arrival less the capture time of that SR less its DLSR (the round trip between the capture point and the reporter, RFC 3550 §6.4.1 `A - LSR - DLSR` on the capture's clock) exceeds 800 ms; or an XR VoIP metrics block gives a round trip delay over 800 ms (between the RTP interfaces, as the reporter measured it). That is more than 400 ms each way, the one-way limit ITU-T G.114 gives for network planning.",
        "Long delay breaks the conversation (talking over each other, echo more audible). The figure covers the path from the capture point to the reporter and back; with the capture at the SR's sender it is the whole round trip.",
        "SR captured at 1.000 s, RR echoing it at 2.400 s with DLSR 0.5 s: 900 ms", "RFC 3550 §6.4.1; RFC 3611 §4.7");
    /// No RTCP while RTP flows.
    MediaRtcpAbsent = ("SL440", "media-rtcp-absent", Info, Protocol,
        "An RTP stream of a call flows for 10 s or more (two RTCP minimum intervals of 5 s) while the capture holds no RTCP from its SSRC (SR) nor about it (report blocks, BYE), and no SDP of the call turned RTCP off (b=RS:0 with b=RR:0).",
        "RTCP carries the reception feedback (loss, jitter, round trip) that a diagnosis of poor audio needs, and its participants should send it; either an endpoint does not, or the capture filter left out the RTCP ports (the RTP port + 1, or the a=rtcp port).",
        "20 s of RTP both ways, no RTCP packet", "RFC 3550 §6.2; RFC 3556 §2");
    /// Capture timestamps that cannot be real.
    CaptureTimeImplausible = ("SL449", "capture-time-implausible", Warning, Malformed,
        "Consecutive frames' timestamps jump forward by more than a day, or go back by more than a second: counted, with the first of each kind located.",
        "The capture's clock (or a tool that rewrote or merged the file) is wrong: times, durations, response delays and the ladder's gaps in this capture are not real, while the order of frames is kept.",
        "frame 2 stamped 6.4 years after frame 1", "draft-ietf-opsawg-pcap §5; draft-ietf-opsawg-pcapng §4.3");
    /// Capture truncated or corrupt.
    CaptureTruncated = ("SL450", "capture-truncated", Error, Malformed,
        "The capture file ends inside a record or block, or a record is corrupt; reading stops there.",
        "Everything before the damage is decoded; messages after it are missing from the flow.",
        "a pcap cut in the middle of a frame", "pcap: draft-ietf-opsawg-pcap §4-5; pcapng: draft-ietf-opsawg-pcapng §3-4");
    /// TCP hole.
    CaptureTcpGap = ("SL451", "capture-tcp-gap", Warning, Malformed,
        "A TCP stream has bytes missing (segments never captured), so messages around the hole cannot be reassembled.",
        "Dropped packets in the capture, not necessarily on the network; the flow may look broken where it was not.",
        "segment 1000-2000 missing", "RFC 9293 §3.4; RFC 3261 §18.3");
    /// Incomplete message at the end.
    CaptureIncompleteData = ("SL452", "capture-incomplete-data", Warning, Malformed,
        "A TCP message or a fragmented IP datagram was still incomplete when the capture ended.",
        "The capture stopped mid-message (or Content-Length promised more than was sent); that message is not decoded.",
        "Content-Length: 900 with 400 body bytes captured", "RFC 3261 §18.3; RFC 791 §3.2; RFC 8200 §4.5");
    /// Link type not supported.
    CaptureUnsupportedLink = ("SL453", "capture-unsupported-link", Warning, Informational,
        "The capture uses a link-layer type siplens does not decode (supported: Ethernet, Linux SLL/SLL2, raw IP, loopback).",
        "Frames of that interface are skipped, so SIP on it is missing from the flow.",
        "LINKTYPE_IEEE802_11_RADIOTAP", "tcpdump.org link-layer header types");
    /// Not a capture.
    CaptureUnknownFormat = ("SL454", "capture-unknown-format", Error, Malformed,
        "The input given as a capture starts with neither a pcap nor a pcapng magic number.",
        "It is not a capture siplens can read (maybe text, or another format such as snoop or ERF).",
        "a .txt file given as capture", "draft-ietf-opsawg-pcap §4; draft-ietf-opsawg-pcapng §4.1");
    /// Nothing found.
    NoSipMessages = ("SL455", "no-sip-messages", Warning, Informational,
        "No SIP message was found in the text or capture.",
        "SIP is recognised by its start line, not by port; a capture of other traffic or encrypted SIP (TLS) shows nothing.",
        "a capture with only RTP", "RFC 3261 §7.1, §7.2");
    /// The text splitter accepted a message leniently.
    TextTolerated = ("SL456", "text-tolerated", Info, Informational,
        "Pasted text held a message the strict grammar rejects, and the splitter kept it as `decode` does: a start line with extra or tab separators, leading white space or a lower-case version, or a header-section line that is neither a header nor a folded continuation (kept in its message). Each such message is listed; its own decoding reports the defect.",
        "Nothing is dropped silently: a busy or rejected call stays in the flow even when a log mangled one line of it.",
        "SIP/2.0  486 Busy Here (two spaces)", "RFC 3261 §7.1, §7.2, §7.3.1, §25.1");
    /// Text lines that looked like SIP were skipped.
    TextSkipped = ("SL457", "text-skipped", Warning, Malformed,
        "Lines that look like SIP header lines stand outside any message (no start line the splitter recognises comes before them), so they were skipped; they are counted and located.",
        "A message whose start line is mangled beyond recognition is missing from the flow: its headers are the trace of it.",
        "a header block after `SIP/2.0 4861 Busy`", "RFC 3261 §7.1, §7.2");
    /// An ESP packet's ICV does not match its SA's integrity key.
    CaptureEspIcvFailed = ("SL458", "capture-esp-icv-failed", Warning, Malformed,
        "IPsec ESP packets whose SA and integrity key are known (negotiated in the capture with CK/IK, or given) fail the integrity check (HMAC-MD5-96 or HMAC-SHA-1-96): counted per SPI, not decoded.",
        "A wrong IK (another registration's keys, a typo in the keys given), an SA renegotiated with the same SPI, or packets altered on the way: the SIP they carry is missing from the flow.",
        "ESP SPI 0x00001000 with an IK from an older 401", "RFC 4303 §3.4.4; RFC 2404 §2; TS 33.203 §7.1");
    /// ESP packets that could not be read.
    CaptureEspUnread = ("SL459", "capture-esp-unread", Info, Informational,
        "IPsec ESP packets could not be read: no SA for their SPI (neither negotiated in the capture nor given, and not recognisable ESP-NULL), an encrypted SA without its keys, or a payload that does not decrypt. Counted per SPI.",
        "SIP inside those packets is missing from the flow; give the SA keys (CLI `--esp-sa`, or `--ck`/`--ik` for the SAs the capture negotiated) to read it.",
        "ESP SPI 0x00001000, ealg=aes-cbc, no ck/ik in the capture", "RFC 4303 §2.1; TS 33.203 §7.1");
    /// Security-Verify differs from the Security-Server it repeats.
    CaptureEspVerifyMismatch = ("SL460", "capture-esp-verify-mismatch", Warning, Protocol,
        "The UE's protected REGISTER carries a Security-Verify that is not the Security-Server list the P-CSCF sent in its 401 to that UE (mechanisms and parameters compared, order and case aside).",
        "The Security-Verify repeats the server's list so the server can detect a bidding-down attack; a P-CSCF that finds a difference rejects the request, and SAs set up from different SPIs or ports carry nothing.",
        "401: Security-Server: ipsec-3gpp;spi-c=8001;…; REGISTER: Security-Verify: ipsec-3gpp;spi-c=8002;…", "RFC 3329 §2.3.1; TS 33.203 Annex H");
    /// An ESP sequence number received twice.
    CaptureEspReplay = ("SL461", "capture-esp-replay", Warning, Protocol,
        "An ESP packet of a known SA, its integrity checked (or read when unchecked), carries a sequence number the SA already received within the anti-replay window (64 packets). Counted per SA, with the numbers missing and those older than the window.",
        "A receiver with anti-replay on drops the repeated packet: a replay attack, a sender that reset its counter without a new SA, or the same packet captured twice (two capture points merged).",
        "ESP SPI 0x00001000: sequence numbers 1, 2, 3, 2", "RFC 4303 §3.3.3, §3.4.3");
    /// ESP sequence numbers of an SA skipped and never received.
    CaptureEspSeqGap = ("SL462", "capture-esp-seq-gap", Warning, Malformed,
        "The packets of a known SA that opened (integrity checked, or read when unchecked) skip sequence numbers that never arrive, late or not: a sender numbers every packet of an SA one more than the last (counted per SA, after the first packet captured).",
        "Those ESP packets were lost before the capture point or not captured (a capture that dropped packets): the SIP they carried is missing from the flow, so a request or response that seems never sent may only be uncaptured.",
        "ESP SPI 0x00001000: sequence numbers 1, 2, 5, 6", "RFC 4303 §3.3.3, §3.4.3");
}

/// One located observation about a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule that produced it.
    pub rule: Rule,
    /// The bytes it is about.
    pub span: Span,
    /// A sentence about this instance (names the header, the value…).
    pub message: String,
}

impl Finding {
    /// A finding of `rule` at `span`.
    pub fn new(rule: Rule, span: Span, message: impl Into<String>) -> Self {
        Finding {
            rule,
            span,
            message: message.into(),
        }
    }

    /// The rule's stable ID.
    pub fn id(&self) -> &'static str {
        self.rule.meta().id
    }

    /// The rule's severity.
    pub fn severity(&self) -> Severity {
        self.rule.meta().severity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_in_order_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for (i, (rule, info)) in RULES.iter().enumerate() {
            assert_eq!(*rule as usize, i, "{}", info.id);
            assert!(seen.insert(info.id), "duplicate id {}", info.id);
            assert!(seen.insert(info.slug), "duplicate slug {}", info.slug);
            assert!(info.id.starts_with("SL") && info.id.len() == 5);
            assert!(!info.checks.is_empty() && !info.why.is_empty() && !info.spec.is_empty());
            assert_eq!(rule.info().id, info.id);
        }
        let ids: Vec<_> = RULES.iter().map(|(_, i)| i.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted, "rules must stay in ID order");
    }
}
