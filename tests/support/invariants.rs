//! Invariants every parse keeps, whatever the input. One copy, shared by
//! `tests/properties.rs` (proptest) and `fuzz/fuzz_targets/parse_message.rs`
//! (libFuzzer) through `#[path]`, so both check exactly the same thing.
//!
//! For the default, strict and stream (no datagram body) options:
//! nothing panics; every [`Text`] reachable from the message — start line
//! parts, header names, values and spans, body, trailing bytes, line
//! prefix, and every typed view (Via, name-addr, URI, Contact, CSeq,
//! Call-ID, session intervals, parameters) — lies inside the input and
//! re-slicing its span gives exactly its bytes; typed views stay inside
//! the value they were parsed from; a header span holds its name and value;
//! headers, body and trailing bytes come in input order; findings lie
//! inside the input and are sorted; `validate_message` never panics.
//! Violations panic with the offending view.

use siplens::parse::addr::{
    parse_contact, parse_name_addr, parse_name_addr_list, Contact, NameAddr,
};
use siplens::parse::params::{parse_params, split_list, unescape, Params};
use siplens::parse::scalar::{
    parse_call_id, parse_cseq, parse_delta_seconds, parse_max_forwards, parse_session_interval,
};
use siplens::parse::uri::{parse_uri, Uri};
use siplens::parse::via::parse_via_list;
use siplens::span::line_col;
use siplens::validate::check_header;
use siplens::{
    parse_message_with, validate_message, Finding, Message, ParseOptions, Span, StartLine, Text,
};

/// The option sets every input is parsed with.
pub fn option_sets() -> [ParseOptions; 3] {
    [
        ParseOptions::default(),
        ParseOptions::strict(),
        ParseOptions {
            datagram: false,
            ..ParseOptions::default()
        },
    ]
}

/// Parses `input` with every option set, validates it and checks every
/// invariant. Panics on the first violation.
pub fn check_input(input: &[u8]) {
    for opts in option_sets() {
        let msg = parse_message_with(input, &opts);
        Walk { input, opts }.message(&msg);
    }
}

struct Walk<'i> {
    input: &'i [u8],
    opts: ParseOptions,
}

impl Walk<'_> {
    /// The core invariant: `text` is a true view of the input.
    fn text(&self, t: Text<'_>, what: &str) {
        let s = t.span();
        assert!(
            s.start <= s.end && s.end <= self.input.len(),
            "{what}: {t:?} lies outside the {}-byte input ({:?})",
            self.input.len(),
            self.opts
        );
        assert_eq!(
            s.slice(self.input),
            t.bytes(),
            "{what}: span {s:?} re-slices to other bytes than the view ({:?})",
            self.opts
        );
    }

    /// A text that must also lie inside `outer` (the value it came from).
    fn text_in(&self, t: Text<'_>, outer: Span, what: &str) {
        self.text(t, what);
        self.within(t.span(), outer, what);
    }

    fn within(&self, inner: Span, outer: Span, what: &str) {
        assert!(
            outer.start <= inner.start && inner.end <= outer.end,
            "{what}: {inner:?} is not inside {outer:?} ({:?})",
            self.opts
        );
    }

    fn span(&self, s: Span, what: &str) {
        assert!(
            s.start <= s.end && s.end <= self.input.len(),
            "{what}: {s:?} lies outside the {}-byte input ({:?})",
            self.input.len(),
            self.opts
        );
    }

    /// Findings of a typed view: inside the value they describe.
    fn findings_in(&self, found: &[Finding], outer: Span, what: &str) {
        for f in found {
            assert!(
                outer.start <= f.span.start && f.span.end <= outer.end,
                "{what}: finding {f:?} is not inside {outer:?} ({:?})",
                self.opts
            );
            let _ = (f.id(), f.severity());
        }
    }

    /// Findings of a whole message: inside the input.
    fn findings(&self, found: &[Finding], what: &str) {
        self.findings_in(found, Span::new(0, self.input.len()), what);
    }

    fn message(&self, msg: &Message<'_>) {
        let input = self.input;
        assert!(
            std::ptr::eq(msg.input(), input),
            "Message::input is not the input"
        );
        let all = Span::new(0, input.len());
        self.within(msg.span(), all, "message span");
        self.within(msg.start_line_span(), msg.span(), "start line span");

        // Findings: inside the input, sorted by start.
        self.findings(msg.findings(), "parser");
        for f in msg.findings() {
            let _ = line_col(input, f.span.start);
        }
        assert!(
            msg.findings()
                .windows(2)
                .all(|w| w[0].span.start <= w[1].span.start),
            "parser findings are not sorted by start ({:?}): {:?}",
            self.opts,
            msg.findings()
        );

        // Start line.
        match msg.start_line() {
            StartLine::Request(r) => {
                for (t, what) in [
                    (r.method, "request method"),
                    (r.uri, "Request-URI"),
                    (r.version, "request version"),
                ] {
                    self.text_in(t, msg.span(), what);
                }
                let _ = r.known_method();
                self.uri(r.uri, "Request-URI");
            }
            StartLine::Status(s) => {
                for (t, what) in [
                    (s.version, "status version"),
                    (s.code_text, "status code"),
                    (s.reason, "reason phrase"),
                ] {
                    self.text_in(t, msg.span(), what);
                }
                if let Some(c) = s.code {
                    let _ = c.class();
                }
            }
            StartLine::Invalid(t) => self.text(*t, "invalid start line"),
        }
        let _ = (
            msg.method(),
            msg.status_code(),
            msg.is_request(),
            msg.is_response(),
            msg.lf_line_ends(),
        );

        // Headers: inside the message, in order, each holding its parts.
        let mut prev_end = msg.start_line_span().end;
        for h in msg.headers() {
            self.span(h.span, "header span");
            self.within(h.span, msg.span(), "header span in message");
            self.text_in(h.name, h.span, "header name");
            self.text_in(h.value, h.span, "header value");
            assert!(
                h.span.start >= prev_end,
                "header {h:?} overlaps or precedes the previous line (ends at {prev_end}, {:?})",
                self.opts
            );
            prev_end = h.span.end;
            let _ = (h.known_name(), h.canonical_name());
            self.typed_views(h.value);
            let mut found = Vec::new();
            check_header(h, &mut found);
            self.findings_in(&found, h.value.span(), "check_header");
        }
        // Lookups by name: every name present is found again (trying each
        // registered name would cost more than the parse).
        for name in msg.headers().iter().filter_map(|h| h.known_name()) {
            let first = msg.header(name).expect("a present name is found");
            assert!(first.is(name));
            assert_eq!(msg.header_value(name), Some(first.value));
            assert!(msg.headers_named(name).count() >= 1);
            let _ = msg.headers_raw(name.as_str()).count();
        }

        // Body and what follows it.
        let body = msg.body();
        self.text(body, "body");
        self.within(body.span(), msg.span(), "body in message");
        assert!(
            body.start() >= prev_end,
            "body {body:?} starts before the end of the headers ({prev_end}, {:?})",
            self.opts
        );
        if let Some(t) = msg.trailing() {
            self.text(t, "trailing bytes");
            assert!(
                t.start() >= body.end() && t.end() == input.len(),
                "trailing bytes {t:?} do not follow the body {body:?} to the end ({:?})",
                self.opts
            );
        }
        if let Some(p) = msg.line_prefix() {
            self.text(p, "line prefix");
        }

        // The grammar pass: never panics, findings inside and sorted.
        let all_findings = validate_message(msg);
        assert!(all_findings.len() >= msg.findings().len());
        self.findings(&all_findings, "validate_message");
        assert!(
            all_findings
                .windows(2)
                .all(|w| (w[0].span.start, w[0].span.end) <= (w[1].span.start, w[1].span.end)),
            "validate_message findings are not sorted ({:?})",
            self.opts
        );
    }

    /// Every typed view applied to a header value, whatever its name: a
    /// broken header never fails, and its views stay inside the value.
    fn typed_views(&self, value: Text<'_>) {
        let v = value.span();
        let mut found = Vec::new();

        for item in split_list(value, "List", &mut found) {
            self.text_in(item, v, "list element");
        }
        for via in parse_via_list(value, &mut found) {
            for (t, what) in [
                (via.text, "Via"),
                (via.protocol, "Via protocol"),
                (via.version, "Via version"),
                (via.transport, "Via transport"),
                (via.host, "Via host"),
            ] {
                self.text_in(t, v, what);
            }
            if let Some(p) = via.port_text {
                self.text_in(p, v, "Via port");
            }
            self.params(&via.params, v, "Via");
            for t in [via.branch(), via.received(), via.maddr()]
                .into_iter()
                .flatten()
            {
                self.text_in(t, v, "Via parameter");
            }
            if let Some(Some(r)) = via.rport() {
                self.text_in(r, v, "Via rport");
            }
            let _ = via.has_rfc3261_branch();
        }
        self.name_addr(&parse_name_addr(value, "From", &mut found), v);
        for na in parse_name_addr_list(value, "Route", &mut found) {
            self.name_addr(&na, v);
        }
        for c in parse_contact(value, &mut found) {
            match c {
                Contact::Wildcard(t) => self.text_in(t, v, "Contact *"),
                Contact::Address(na) => self.name_addr(&na, v),
            }
        }
        if let Some(c) = parse_cseq(value, &mut found) {
            self.text_in(c.seq_text, v, "CSeq number");
            self.text_in(c.method, v, "CSeq method");
            let _ = c.known_method();
        }
        self.text_in(parse_call_id(value, &mut found), v, "Call-ID");
        let _ = parse_max_forwards(value, &mut found);
        let _ = parse_delta_seconds(value, "Expires", &mut found);
        let si = parse_session_interval(value, "Session-Expires", &mut found);
        self.text_in(si.seconds_text, v, "Session-Expires seconds");
        self.params(&si.params, v, "Session-Expires");
        if let Some(r) = si.refresher() {
            self.text_in(r, v, "refresher");
        }
        if let Some(u) = parse_uri(value, &mut found) {
            self.uri_view(&u, v, "URI");
        }
        self.params(&parse_params(value, "Params", &mut found), v, "params");
        self.findings_in(&found, v, "typed view");
    }

    /// The Request-URI through the URI view.
    fn uri(&self, t: Text<'_>, what: &str) {
        let mut found = Vec::new();
        if let Some(u) = parse_uri(t, &mut found) {
            self.uri_view(&u, t.span(), what);
        }
        self.findings_in(&found, t.span(), what);
    }

    fn uri_view(&self, u: &Uri<'_>, v: Span, what: &str) {
        self.text_in(u.text, v, what);
        self.text_in(u.scheme, v, "URI scheme");
        for t in [
            u.user,
            u.password,
            u.host,
            u.port_text,
            u.headers,
            u.opaque,
            u.transport(),
            u.user_param(),
        ]
        .into_iter()
        .flatten()
        {
            self.text_in(t, u.text.span(), "URI part");
        }
        self.params(&u.params, u.text.span(), "URI");
        let _ = (u.lr(), u.port, u.kind, u.host_kind);
    }

    fn name_addr(&self, na: &NameAddr<'_>, v: Span) {
        self.text_in(na.text, v, "name-addr");
        self.text_in(na.uri_text, na.text.span(), "name-addr URI text");
        if let Some(d) = na.display_name {
            self.text_in(d, na.text.span(), "display name");
            let _ = unescape(d);
        }
        if let Some(u) = &na.uri {
            self.uri_view(u, na.uri_text.span(), "name-addr URI");
        }
        self.params(&na.params, na.text.span(), "name-addr");
        for t in [na.tag(), na.expires(), na.q(), na.sip_instance()]
            .into_iter()
            .flatten()
        {
            self.text_in(t, na.text.span(), "name-addr parameter");
        }
        for p in na.feature_tags() {
            self.text_in(p.name, na.text.span(), "feature tag");
        }
        let _ = na.display_name_text();
    }

    /// Parameters of the view `what`, inside `v`.
    fn params(&self, params: &Params<'_>, v: Span, what: &str) {
        for p in params.iter() {
            for t in [Some(p.name), p.value, p.unquoted()].into_iter().flatten() {
                self.text_in(t, v, what);
            }
        }
    }
}
