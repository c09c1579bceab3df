//! Findings: located observations about a message, each tied to a rule in
//! one registry table with a stable ID.
//!
//! IDs never change meaning once shipped. `SL0xx` rules come from the
//! parser and the grammar checks of [`crate::validate`]; later ranges are
//! reserved for the diagnosis rules (`SL1xx` message rules, `SL2xx` cause
//! semantics, `SL3xx` IMS logic). Severity (how bad) is separate from
//! category (what kind of problem), as in Wireshark's expert info.

use serde::Serialize;

use crate::span::Span;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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

        impl Rule {
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
    LfLineEnds = ("SL010", "lf-line-ends", Info, Malformed,
        "Lines end with a bare LF instead of CRLF.",
        "On the wire SIP uses CRLF; LF-only text was usually copied from a log or an e-mail, and Content-Length may no longer match.",
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
        self.rule.info().id
    }

    /// The rule's severity.
    pub fn severity(&self) -> Severity {
        self.rule.info().severity
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
