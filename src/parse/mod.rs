//! SIP message parsing: start line, header list and body framing
//! (RFC 3261 §7, §18.3, §20.14, §25).
//!
//! [`parse_message`] never fails and never panics: it returns a
//! [`Message`] of borrowed views with byte spans, plus [`Finding`]s for
//! everything it had to tolerate or skip. Header values are kept raw;
//! typed views (Via, name-addr, CSeq, auth, SDP…) are computed on demand by
//! the submodules, so the parse-only path allocates once per message (the
//! header list; a second time, once, past 16 headers) and never per header
//! (findings aside: each owns its message text). `tests/alloc.rs` holds
//! the bound.
//!
//! Leniencies (each one recorded as a finding) are switched by
//! [`ParseOptions`]; with a leniency off the input is read strictly.

pub mod addr;
pub mod auth;
pub mod body;
pub mod diag;
pub mod framing;
mod grammar;
pub mod ims;
mod lines;
pub mod media;
pub mod params;
pub mod scalar;
pub mod sdp;
pub mod security;
#[cfg(test)]
mod test_util;
pub mod tokens;
pub mod uri;
pub mod via;
pub mod views;

use crate::finding::{Finding, Rule};
use crate::header_name::HeaderName;
use crate::quote::quote_str;
use crate::span::{Span, Text};
use crate::status::{Method, StatusCode};
pub(crate) use grammar::{is_token, TOKEN};

/// Named leniency switches. The default accepts everything a person is
/// likely to paste; [`ParseOptions::strict`] reads RFC 3261 literally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// Accept bare LF as a line end (finding `lf-line-ends`).
    pub allow_lf_line_ends: bool,
    /// Strip a common indentation / `>` quote prefix from every line
    /// (finding `line-prefix`).
    pub allow_line_prefix: bool,
    /// Skip blank lines before the start line (finding `leading-blank-lines`).
    pub allow_leading_blank_lines: bool,
    /// Accept several SP/HTAB between start-line elements and after the
    /// version (findings `extra-start-line-space`, `trailing-start-line-space`).
    pub allow_extra_spaces: bool,
    /// Accept `sip/2.0` in lower or mixed case (finding `lowercase-version`).
    pub allow_lowercase_version: bool,
    /// With no Content-Length, take the rest of the input as the body, as a
    /// UDP receiver does (RFC 3261 §18.3). Off: the body is empty.
    pub datagram: bool,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            allow_lf_line_ends: true,
            allow_line_prefix: true,
            allow_leading_blank_lines: true,
            allow_extra_spaces: true,
            allow_lowercase_version: true,
            datagram: true,
        }
    }
}

impl ParseOptions {
    /// RFC 3261 read literally: no leniency (stream framing aside).
    pub const fn strict() -> Self {
        ParseOptions {
            allow_lf_line_ends: false,
            allow_line_prefix: false,
            allow_leading_blank_lines: false,
            allow_extra_spaces: false,
            allow_lowercase_version: false,
            datagram: true,
        }
    }
}

/// `Method SP Request-URI SP SIP-Version` (RFC 3261 §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLine<'a> {
    /// The method token as written.
    pub method: Text<'a>,
    /// The Request-URI as written (typed view: [`uri::parse_uri`]).
    pub uri: Text<'a>,
    /// The SIP-Version as written (may be empty when missing).
    pub version: Text<'a>,
}

impl RequestLine<'_> {
    /// The registered method, if the token is one.
    pub fn known_method(&self) -> Option<Method> {
        Method::from_bytes(self.method.bytes())
    }
}

/// `SIP-Version SP Status-Code SP Reason-Phrase` (RFC 3261 §7.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusLine<'a> {
    /// The SIP-Version as written.
    pub version: Text<'a>,
    /// The status code text as written.
    pub code_text: Text<'a>,
    /// The status code, when the text is a number that fits `u16`.
    pub code: Option<StatusCode>,
    /// The reason phrase (may be empty).
    pub reason: Text<'a>,
}

/// The first line of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartLine<'a> {
    /// A request.
    Request(RequestLine<'a>),
    /// A response.
    Status(StatusLine<'a>),
    /// Neither; the raw line is kept.
    Invalid(Text<'a>),
}

/// One header as written: name and value are borrowed, nothing is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<'a> {
    /// The name as written (any case, maybe compact).
    pub name: Text<'a>,
    /// The value, without leading/trailing white space. Folded values keep
    /// their CRLF + white space inside (typed views treat it as LWS).
    pub value: Text<'a>,
    /// The whole header: name through the end of the last (folded) line,
    /// line end excluded.
    pub span: Span,
}

impl<'a> Header<'a> {
    /// The registered name, when known.
    pub fn known_name(&self) -> Option<HeaderName> {
        HeaderName::from_bytes(self.name.bytes())
    }

    /// True when this header is `name` (any case, compact form too).
    #[inline]
    pub fn is(&self, name: HeaderName) -> bool {
        name.matches(self.name.bytes())
    }

    /// The canonical name when known, else the name as written.
    pub fn canonical_name(&self) -> std::borrow::Cow<'a, str> {
        match self.known_name() {
            Some(h) => std::borrow::Cow::Borrowed(h.as_str()),
            None => self.name.as_str(),
        }
    }
}

/// A parsed SIP message: borrowed views into the input, with findings.
#[derive(Debug, Clone)]
pub struct Message<'a> {
    input: &'a [u8],
    span: Span,
    start_line: StartLine<'a>,
    start_line_span: Span,
    headers: Vec<Header<'a>>,
    body: Text<'a>,
    trailing: Option<Text<'a>>,
    line_prefix: Option<Text<'a>>,
    lf_only: bool,
    findings: Vec<Finding>,
}

/// Parses one SIP message with the default (lenient) options.
pub fn parse_message(input: &[u8]) -> Message<'_> {
    parse_message_with(input, &ParseOptions::default())
}

/// Parses one SIP message with explicit options.
pub fn parse_message_with<'a>(input: &'a [u8], opts: &ParseOptions) -> Message<'a> {
    Parser::new(input, opts).run()
}

/// Frames one SIP message with the default options as [`parse_message`] does
/// (the same start line, headers, body and spans) but records no findings:
/// the checks whose only output is a finding (NUL and UTF-8 scans of the head,
/// version and method checks) are skipped. For callers that only read the
/// framing and get the findings from a later [`parse_message`] (the lazy entry,
/// [`crate::lazy`]).
/// The header list is written into `headers` (emptied first), which
/// [`Message::into_headers`] gives back for the next message.
#[cfg_attr(siplens_speed, optimize(speed))]
pub(crate) fn frame_message<'a>(input: &'a [u8], mut headers: Vec<Header<'a>>) -> Message<'a> {
    let opts = ParseOptions::default();
    let mut p = Parser::new(input, &opts);
    p.record = false;
    headers.clear();
    p.headers = headers;
    p.run()
}

impl<'a> Message<'a> {
    /// The header list's buffer, for the next [`frame_message`].
    pub(crate) fn into_headers(self) -> Vec<Header<'a>> {
        self.headers
    }

    /// The whole input the message was parsed from.
    pub fn input(&self) -> &'a [u8] {
        self.input
    }

    /// The bytes of the message itself (start line through body).
    pub fn span(&self) -> Span {
        self.span
    }

    /// The start line.
    pub fn start_line(&self) -> &StartLine<'a> {
        &self.start_line
    }

    /// The start line's span (line end excluded).
    pub fn start_line_span(&self) -> Span {
        self.start_line_span
    }

    /// The request line, for requests.
    pub fn request_line(&self) -> Option<&RequestLine<'a>> {
        match &self.start_line {
            StartLine::Request(r) => Some(r),
            _ => None,
        }
    }

    /// The status line, for responses.
    pub fn status_line(&self) -> Option<&StatusLine<'a>> {
        match &self.start_line {
            StartLine::Status(s) => Some(s),
            _ => None,
        }
    }

    /// True for a request.
    pub fn is_request(&self) -> bool {
        matches!(self.start_line, StartLine::Request(_))
    }

    /// True for a response.
    pub fn is_response(&self) -> bool {
        matches!(self.start_line, StartLine::Status(_))
    }

    /// The status code of a response.
    pub fn status_code(&self) -> Option<StatusCode> {
        self.status_line().and_then(|s| s.code)
    }

    /// The request method as written, for requests.
    pub fn method(&self) -> Option<Text<'a>> {
        self.request_line().map(|r| r.method)
    }

    /// Every header, in order, duplicates and spelling kept.
    pub fn headers(&self) -> &[Header<'a>] {
        &self.headers
    }

    /// The first header named `name` (any case, compact form too).
    pub fn header(&self, name: HeaderName) -> Option<&Header<'a>> {
        self.headers.iter().find(|h| h.is(name))
    }

    /// Every header named `name`, in order.
    pub fn headers_named(&self, name: HeaderName) -> impl Iterator<Item = &Header<'a>> + '_ {
        self.headers.iter().filter(move |h| h.is(name))
    }

    /// Every header whose name is `raw` (case-insensitive, no compact
    /// forms): for extension headers.
    pub fn headers_raw<'s>(&'s self, raw: &'s str) -> impl Iterator<Item = &'s Header<'a>> + 's {
        self.headers
            .iter()
            .filter(move |h| h.name.eq_ignore_case(raw))
    }

    /// The value of the first header named `name`.
    pub fn header_value(&self, name: HeaderName) -> Option<Text<'a>> {
        self.header(name).map(|h| h.value)
    }

    /// The body (exactly the framed octets; empty when none).
    pub fn body(&self) -> Text<'a> {
        self.body
    }

    /// Bytes after the body that belong to no message (or to the next one).
    pub fn trailing(&self) -> Option<Text<'a>> {
        self.trailing
    }

    /// The copy/paste prefix stripped from every line, when there was one.
    pub fn line_prefix(&self) -> Option<Text<'a>> {
        self.line_prefix
    }

    /// True when the message used bare LF line ends.
    pub fn lf_line_ends(&self) -> bool {
        self.lf_only
    }

    /// What the parser found (structure only; see [`crate::validate::validate_message`] for
    /// the grammar of each header).
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }
}

/// Length of the SP / HTAB run that starts `b`.
#[inline]
#[cfg_attr(siplens_speed, optimize(speed))]
fn count_ws(b: &[u8]) -> usize {
    b.iter().take_while(|&&c| matches!(c, b' ' | b'\t')).count()
}

/// One physical line: content span (line end excluded) and where the next
/// line starts.
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    next: usize,
}

struct Parser<'a, 'o> {
    input: &'a [u8],
    opts: &'o ParseOptions,
    findings: Vec<Finding>,
    prefix: &'a [u8],
    prefix_start: usize,
    lf_only: bool,
    lf_reported: bool,
    /// Findings are recorded (off only for [`frame_message`]); the framing is
    /// the same either way.
    record: bool,
    /// The buffer the header list is written into (empty; a caller that
    /// frames many messages hands the last one's back: [`frame_message`]).
    headers: Vec<Header<'a>>,
}

impl<'a, 'o> Parser<'a, 'o> {
    fn new(input: &'a [u8], opts: &'o ParseOptions) -> Self {
        Parser {
            input,
            opts,
            findings: Vec::new(),
            prefix: &[],
            prefix_start: 0,
            lf_only: false,
            lf_reported: false,
            record: true,
            headers: Vec::new(),
        }
    }

    fn text(&self, start: usize, end: usize) -> Text<'a> {
        Text::new(self.input, Span::new(start, end))
    }

    fn push(&mut self, rule: Rule, span: Span, message: impl Into<String>) {
        if !self.record {
            return;
        }
        self.findings.push(Finding::new(rule, span, message));
    }

    /// The physical line starting at `pos`. With LF leniency off, a bare
    /// LF does not end a line.
    ///
    /// The CRLF case is the hot path of the whole parser (one call per
    /// line), so it stays small enough to inline; bare LFs go to
    /// [`Parser::line_at_bare_lf`].
    #[inline]
    #[cfg_attr(siplens_speed, optimize(speed))]
    fn line_at(&mut self, pos: usize) -> Line {
        let input = self.input;
        let pos_c = pos.min(input.len());
        match memchr::memchr(b'\n', &input[pos_c..]) {
            None => Line {
                start: pos,
                end: input.len(),
                next: input.len(),
            },
            Some(i) => {
                let nl = pos_c + i;
                if nl > pos && input[nl - 1] == b'\r' {
                    return Line {
                        start: pos,
                        end: nl - 1,
                        next: nl + 1,
                    };
                }
                self.line_at_bare_lf(pos, nl)
            }
        }
    }

    /// [`Parser::line_at`] once the first LF at or after `pos`, `nl`, has
    /// no CR before it.
    #[cold]
    #[inline(never)]
    fn line_at_bare_lf(&mut self, pos: usize, mut nl: usize) -> Line {
        let input = self.input;
        loop {
            if nl > pos && input[nl - 1] == b'\r' {
                return Line {
                    start: pos,
                    end: nl - 1,
                    next: nl + 1,
                };
            }
            if self.opts.allow_lf_line_ends {
                if !self.lf_reported {
                    self.lf_reported = true;
                    self.lf_only = true;
                    self.push(
                        Rule::LfLineEnds,
                        Span::new(nl, nl + 1),
                        "line ends with a bare LF; CRLF expected",
                    );
                }
                return Line {
                    start: pos,
                    end: nl,
                    next: nl + 1,
                };
            }
            let from = nl + 1;
            match memchr::memchr(b'\n', &input[from.min(input.len())..]) {
                None => {
                    return Line {
                        start: pos,
                        end: input.len(),
                        next: input.len(),
                    }
                }
                Some(i) => nl = from + i,
            }
        }
    }

    /// Strips the paste prefix from a line, when it carries it.
    #[cfg_attr(siplens_speed, optimize(speed))]
    fn content(&self, line: Line) -> (usize, usize) {
        if !self.prefix.is_empty() {
            let b = &self.input[line.start..line.end];
            if b.starts_with(self.prefix) {
                return (line.start + self.prefix.len(), line.end);
            }
            // A shorter line made only of prefix characters is blank.
            if b.iter().all(|&c| matches!(c, b' ' | b'\t' | b'>')) {
                return (line.end, line.end);
            }
        }
        (line.start, line.end)
    }

    #[cfg_attr(siplens_speed, optimize(speed))]
    fn run(mut self) -> Message<'a> {
        let input = self.input;
        let mut pos = 0;
        // Leading blank lines (RFC 3261 §7.5 keep-alive CRLFs, paste artefacts).
        let mut skipped = false;
        loop {
            if pos >= input.len() {
                break;
            }
            let line = self.line_at(pos);
            let blank = input[line.start..line.end]
                .iter()
                .all(|&c| matches!(c, b' ' | b'\t'));
            if !blank || line.next == line.end && line.end == input.len() {
                break;
            }
            if !self.opts.allow_leading_blank_lines {
                break;
            }
            skipped = true;
            pos = line.next;
        }
        if skipped && pos < input.len() {
            self.push(
                Rule::LeadingBlankLines,
                Span::new(0, pos),
                "blank lines before the start line were skipped",
            );
        }
        if input[pos.min(input.len())..]
            .iter()
            .all(|c| c.is_ascii_whitespace())
        {
            self.push(
                Rule::EmptyInput,
                Span::new(0, input.len()),
                "the input holds no SIP message",
            );
            return self.finish(Span::new(pos, input.len()), None, Vec::new(), None);
        }

        // Copy/paste prefix: indentation or `>` quoting on the first line,
        // stripped from every following line that carries it.
        if self.opts.allow_line_prefix {
            let first = &input[pos..];
            let n = first
                .iter()
                .take_while(|&&c| matches!(c, b' ' | b'\t' | b'>'))
                .count();
            if n > 0 {
                self.prefix = &input[pos..pos + n];
                self.prefix_start = pos;
                self.push(
                    Rule::LinePrefix,
                    Span::new(pos, pos + n),
                    format!(
                        "every line starts with {}; the prefix was removed",
                        quote_str(&String::from_utf8_lossy(self.prefix))
                    ),
                );
            }
        }

        let first = self.line_at(pos);
        let (sl_start, sl_end) = self.content(first);
        let start_line = self.start_line(sl_start, sl_end);
        let start_line_span = Span::new(sl_start, sl_end);
        let head_start = sl_start;
        pos = first.next;

        // Header section.
        let mut headers = if self.headers.capacity() == 0 {
            Vec::with_capacity(16)
        } else {
            std::mem::take(&mut self.headers)
        };
        let mut body_start = None;
        let mut folded_reported = false;
        while pos < input.len() {
            let line = self.line_at(pos);
            let (s, e) = self.content(line);
            if s == e {
                body_start = Some(line.next);
                break;
            }
            let first_byte = input[s];
            if first_byte == b' ' || first_byte == b'\t' {
                // Folded continuation of the previous header.
                if let Some(h) = headers.last_mut() {
                    let vstart = h.value.start();
                    let mut vend = e;
                    while vend > vstart && matches!(input[vend - 1], b' ' | b'\t') {
                        vend -= 1;
                    }
                    if h.value.is_empty() {
                        // Value starts on the continuation line.
                        let mut vs = s;
                        while vs < vend && matches!(input[vs], b' ' | b'\t') {
                            vs += 1;
                        }
                        h.value = Text::new(input, Span::new(vs, vend));
                    } else {
                        h.value = Text::new(input, Span::new(vstart, vend));
                    }
                    h.span = Span::new(h.span.start, e);
                    if !folded_reported {
                        folded_reported = true;
                        self.push(
                            Rule::FoldedHeader,
                            Span::new(line.start, e),
                            format!(
                                "{} header continues on a folded line",
                                String::from_utf8_lossy(h.name.bytes())
                            ),
                        );
                    }
                } else {
                    self.push(
                        Rule::BadHeaderName,
                        Span::new(s, e),
                        "header line starts with white space but there is no header to continue",
                    );
                }
                pos = line.next;
                continue;
            }
            // The common shape, `token *WS ":"`, is found in one scan that
            // also proves the name is a token; anything else takes the
            // general path (first ':' on the line, then the token check).
            let line_bytes = &input[s..e];
            let name_len = line_bytes
                .iter()
                .position(|&c| !TOKEN[c as usize])
                .unwrap_or(line_bytes.len());
            let mut name_end = s + name_len;
            let at = name_end + count_ws(&line_bytes[name_len..]);
            let colon_at = if name_end > s && at < e && input[at] == b':' {
                Some(at - s)
            } else {
                memchr::memchr(b':', &input[s..e])
            };
            match colon_at {
                None => {
                    self.push(
                        Rule::MissingColon,
                        Span::new(s, e),
                        "line has no ':' between header name and value; skipped",
                    );
                }
                Some(c) => {
                    let colon = s + c;
                    let fast = colon == at && name_end > s;
                    if !fast {
                        name_end = colon;
                        while name_end > s && matches!(input[name_end - 1], b' ' | b'\t') {
                            name_end -= 1;
                        }
                    }
                    let name = &input[s..name_end];
                    if !fast && !is_token(name) {
                        self.push(
                            Rule::BadHeaderName,
                            Span::new(s, name_end.max(colon)),
                            format!(
                                "header name {} is not a token",
                                quote_str(&String::from_utf8_lossy(name))
                            ),
                        );
                    }
                    let vs = colon + 1 + count_ws(&input[colon + 1..e]);
                    let ve = vs
                        + input[vs..e]
                            .iter()
                            .rposition(|&c| !matches!(c, b' ' | b'\t'))
                            .map_or(0, |k| k + 1);
                    if headers.len() == headers.capacity() {
                        reserve_rest(&mut headers, &input[pos..]);
                    }
                    headers.push(Header {
                        name: Text::new(input, Span::new(s, name_end)),
                        value: Text::new(input, Span::new(vs, ve)),
                        span: Span::new(s, e),
                    });
                }
            }
            pos = line.next;
        }
        let head_end = body_start.unwrap_or(input.len());
        if body_start.is_none() {
            let at = input.len();
            self.push(
                Rule::MissingEndOfHeaders,
                Span::empty(at),
                "the header section does not end with an empty line; the message may be truncated",
            );
        }
        self.check_head_bytes(head_start, head_end);

        // Body framing (RFC 3261 §18.3, §20.14).
        let body_from = head_end.min(input.len());
        let (body, trailing) = self.frame_body(&headers, body_from);
        let end = trailing.map_or(body.end(), |t| t.start());
        let span = Span::new(head_start, end.max(head_start));
        let mut msg = self.finish(span, Some(start_line), headers, Some(body));
        msg.start_line_span = start_line_span;
        msg.trailing = trailing;
        msg
    }

    fn finish(
        self,
        span: Span,
        start_line: Option<StartLine<'a>>,
        headers: Vec<Header<'a>>,
        body: Option<Text<'a>>,
    ) -> Message<'a> {
        let mut findings = self.findings;
        crate::sort::sort_by_key(&mut findings, |f| f.span.start);
        let line_prefix = if self.prefix.is_empty() {
            None
        } else {
            Some(Text::from_parts(self.prefix, self.prefix_start))
        };
        Message {
            input: self.input,
            span,
            start_line: start_line.unwrap_or(StartLine::Invalid(Text::new(self.input, span))),
            start_line_span: Span::empty(span.start),
            headers,
            body: body.unwrap_or(Text::new(self.input, Span::empty(span.end))),
            trailing: None,
            line_prefix,
            lf_only: self.lf_only,
            findings,
        }
    }

    /// NUL bytes and UTF-8 validity of the start line and header section.
    fn check_head_bytes(&mut self, start: usize, end: usize) {
        if !self.record {
            return;
        }
        let head = &self.input[start..end.min(self.input.len())];
        // A NUL is legal only as a quoted-pair (`\` NUL) inside a quoted
        // string (RFC 3261 §25.1; RFC 4475 §3.1.1.2).
        if let Some(i) = memchr::memchr_iter(0, head).find(|&i| i == 0 || head[i - 1] != b'\\') {
            self.push(
                Rule::NulInHeaders,
                Span::new(start + i, start + i + 1),
                "NUL byte in the start line or header section",
            );
        }
        // ASCII (the usual head) is valid UTF-8; the check is cheaper.
        if head.is_ascii() {
            return;
        }
        if let Err(e) = std::str::from_utf8(head) {
            let at = start + e.valid_up_to();
            let len = e.error_len().unwrap_or(1);
            self.push(
                Rule::NonUtf8Headers,
                Span::new(at, at + len),
                "bytes that are not valid UTF-8 in the start line or header section",
            );
        }
    }

    /// Splits the start line into a request line or status line.
    fn start_line(&mut self, s: usize, e: usize) -> StartLine<'a> {
        let input = self.input;
        let is_status = is_version_like(&input[s..e]);
        // Up to three elements separated by runs of SP / HTAB; for a
        // Status-Line the third (Reason-Phrase) is the rest of the line.
        let mut parts: [(usize, usize); 3] = [(e, e); 3];
        let mut n = 0;
        let mut i = s;
        let mut extra_space = false;
        while i < e && n < 3 {
            let ws_start = i;
            while i < e && matches!(input[i], b' ' | b'\t') {
                i += 1;
            }
            let ws = &input[ws_start..i];
            if (n == 0 && !ws.is_empty()) || ws.len() > 1 || ws.contains(&b'\t') {
                extra_space = true;
            }
            if i >= e {
                break;
            }
            let t0 = i;
            if n == 2 && is_status {
                parts[2] = (t0, e);
                n = 3;
                break;
            }
            i = memchr::memchr2(b' ', b'\t', &input[i..e]).map_or(e, |k| i + k);
            parts[n] = (t0, i);
            n += 1;
        }
        if is_status {
            return self.status_line(s, e, parts, n, extra_space);
        }
        // Request-Line. More than three elements means white space inside
        // the Request-URI (RFC 4475 §3.1.2.8): the URI is everything between
        // the method and the last element.
        let method = self.text(parts[0].0, parts[0].1);
        if n < 3 {
            let msg = if n < 2 {
                "start line has fewer than three elements"
            } else {
                "Request-Line has no SIP-Version"
            };
            self.push(Rule::BadStartLine, Span::new(s, e), msg);
            if n == 2 && !is_token(method.bytes()) {
                return StartLine::Invalid(self.text(s, e));
            }
            if n < 2 {
                return StartLine::Invalid(self.text(s, e));
            }
            return StartLine::Request(RequestLine {
                method,
                uri: self.text(parts[1].0, parts[1].1),
                version: self.text(e, e),
            });
        }
        // Find the last element on the line for the version.
        let mut ve = e;
        while ve > s && matches!(input[ve - 1], b' ' | b'\t') {
            ve -= 1;
        }
        let mut vs = ve;
        while vs > s && !matches!(input[vs - 1], b' ' | b'\t') {
            vs -= 1;
        }
        let version = self.text(vs, ve);
        let mut ue = vs;
        while ue > parts[1].0 && matches!(input[ue - 1], b' ' | b'\t') {
            ue -= 1;
        }
        let uri = self.text(parts[1].0, ue);
        if !is_token(method.bytes()) {
            self.push(
                Rule::BadStartLine,
                method.span(),
                "method is not a token; this is not a SIP request line",
            );
            return StartLine::Invalid(self.text(s, e));
        }
        if ue > parts[1].1 {
            self.push(
                Rule::BadRequestUri,
                uri.span(),
                "white space inside the Request-URI",
            );
        }
        if extra_space {
            self.spaces_finding(s, e, "Request-Line");
        }
        if ve < e {
            if self.opts.allow_extra_spaces {
                self.push(
                    Rule::TrailingStartLineSpace,
                    Span::new(ve, e),
                    "white space after the SIP-Version",
                );
            } else {
                self.push(
                    Rule::BadVersion,
                    Span::new(vs, e),
                    "white space after the SIP-Version (strict mode)",
                );
            }
        }
        self.check_version(version);
        if self.record && Method::from_bytes(method.bytes()).is_none() {
            self.push(
                Rule::UnknownMethod,
                method.span(),
                format!("{} is not a registered SIP method", method.as_str()),
            );
        }
        StartLine::Request(RequestLine {
            method,
            uri,
            version,
        })
    }

    fn spaces_finding(&mut self, s: usize, e: usize, what: &str) {
        if self.opts.allow_extra_spaces {
            self.push(
                Rule::ExtraStartLineSpace,
                Span::new(s, e),
                format!("{what} elements are separated by more than one SP"),
            );
        } else {
            self.push(
                Rule::BadStartLine,
                Span::new(s, e),
                format!("{what} elements are separated by more than one SP (strict mode)"),
            );
        }
    }

    fn status_line(
        &mut self,
        s: usize,
        e: usize,
        parts: [(usize, usize); 3],
        n: usize,
        extra_space: bool,
    ) -> StartLine<'a> {
        let input = self.input;
        let version = self.text(parts[0].0, parts[0].1);
        self.check_version(version);
        if extra_space {
            self.spaces_finding(s, e, "Status-Line");
        }
        let code_text = if n >= 2 {
            self.text(parts[1].0, parts[1].1)
        } else {
            self.text(e, e)
        };
        let digits = code_text.bytes();
        let code = if digits.len() == 3 {
            crate::span::parse_u64(digits).map(|v| StatusCode(v as u16))
        } else {
            None
        };
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            self.push(
                Rule::BadStatusCode,
                code_text.span(),
                format!(
                    "status code {} is not three digits",
                    quote_str(&code_text.as_str())
                ),
            );
        } else if digits.len() != 3 || !(100..=699).contains(&code.map_or(0, |c| c.0)) {
            if digits.len() < 3 {
                self.push(
                    Rule::BadStatusCode,
                    code_text.span(),
                    format!("status code {} is not three digits", code_text.as_str()),
                );
            } else {
                self.push(
                    Rule::StatusCodeOutOfRange,
                    code_text.span(),
                    format!("status code {} is outside 100-699", code_text.as_str()),
                );
            }
        }
        let reason = if n >= 3 {
            self.text(parts[2].0, parts[2].1)
        } else {
            // Either "SIP/2.0 200 " (empty phrase) or "SIP/2.0 200" (no SP).
            if code_text.end() >= e {
                self.push(
                    Rule::MissingReasonSeparator,
                    Span::empty(e),
                    "no SP after the status code",
                );
            }
            self.text(e, e)
        };
        let _ = input;
        StartLine::Status(StatusLine {
            version,
            code_text,
            code,
            reason,
        })
    }

    /// `SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT` (RFC 3261 §25.1).
    fn check_version(&mut self, v: Text<'a>) {
        if !self.record {
            return;
        }
        let b = v.bytes();
        let well_formed = b.len() > 4
            && b[..4].eq_ignore_ascii_case(b"SIP/")
            && match memchr::memchr(b'.', &b[4..]) {
                Some(dot) => {
                    let (maj, min) = (&b[4..4 + dot], &b[5 + dot..]);
                    !maj.is_empty()
                        && !min.is_empty()
                        && maj.iter().all(u8::is_ascii_digit)
                        && min.iter().all(u8::is_ascii_digit)
                }
                None => false,
            };
        if !well_formed {
            self.push(
                Rule::BadVersion,
                v.span(),
                format!("{} is not a SIP-Version (SIP/2.0)", quote_str(&v.as_str())),
            );
            return;
        }
        if &b[..3] != b"SIP" {
            if self.opts.allow_lowercase_version {
                self.push(
                    Rule::LowercaseVersion,
                    v.span(),
                    format!("version written as {}", quote_str(&v.as_str())),
                );
            } else {
                self.push(
                    Rule::BadVersion,
                    v.span(),
                    format!(
                        "version written as {} (strict mode)",
                        quote_str(&v.as_str())
                    ),
                );
            }
        }
        if &b[4..] != b"2.0" {
            self.push(
                Rule::UnsupportedVersion,
                v.span(),
                format!(
                    "{} is not SIP/2.0; a SIP/2.0 element answers 505",
                    v.as_str()
                ),
            );
        }
    }

    /// Frames the body by Content-Length; reports mismatches either way.
    fn frame_body(&mut self, headers: &[Header<'a>], from: usize) -> (Text<'a>, Option<Text<'a>>) {
        let input = self.input;
        let rest = input.len() - from;
        let mut declared: Option<(u64, Span)> = None;
        for h in headers.iter().filter(|h| h.is(HeaderName::ContentLength)) {
            match h.value.parse_u64() {
                None => self.push(
                    Rule::BadContentLength,
                    h.value.span(),
                    format!(
                        "Content-Length {} is not a non-negative integer",
                        quote_str(&h.value.as_str())
                    ),
                ),
                Some(v) => match declared {
                    None => declared = Some((v, h.value.span())),
                    Some((prev, _)) if prev != v => self.push(
                        Rule::ConflictingContentLength,
                        h.value.span(),
                        format!("Content-Length {v} contradicts an earlier {prev}"),
                    ),
                    Some(_) => {}
                },
            }
        }
        let Some((len, cl_span)) = declared else {
            if self.opts.datagram {
                let body = self.text(from, input.len());
                if !body.trim().is_empty() {
                    self.push(
                        Rule::MissingContentLength,
                        body.span(),
                        "no Content-Length: the rest of the input was taken as the body",
                    );
                }
                return (body, None);
            }
            return (self.text(from, from), self.trailing(from));
        };
        // With a paste prefix or LF line ends, Content-Length counts the
        // wire form (prefix removed, CRLF): measure the body the same way.
        let direct = usize::try_from(len).unwrap_or(usize::MAX).min(rest);
        let raw_len = if self.prefix.is_empty() && !self.lf_only {
            direct
        } else {
            let wire = self.raw_len_for(from, len);
            // Text with mixed line ends (some CRLF, some bare LF) or a
            // body written with LF whose Content-Length counts its own
            // bytes: when the wire reading leaves text behind but the
            // declared length, read as raw bytes, ends exactly at the end
            // of the input (trailing white space aside), the raw reading
            // is the one the sender meant — not trailing data.
            let tail_blank = |at: usize| input[at..].iter().all(u8::is_ascii_whitespace);
            if self.prefix.is_empty()
                && !tail_blank(from + wire)
                && direct as u64 == len
                && tail_blank(from + direct)
            {
                direct
            } else {
                wire
            }
        };
        let wire_available = if self.prefix.is_empty() && !self.lf_only {
            rest as u64
        } else {
            self.wire_len(from, input.len())
        };
        if len > wire_available {
            self.push(
                Rule::ContentLengthTooLarge,
                cl_span,
                format!("Content-Length is {len} but only {wire_available} body bytes follow"),
            );
        }
        let body = self.text(from, from + raw_len);
        (body, self.trailing(from + raw_len))
    }

    /// Bytes after the body: a finding and a view, unless only white space.
    fn trailing(&mut self, at: usize) -> Option<Text<'a>> {
        let t = self.text(at, self.input.len());
        if t.trim().is_empty() {
            return None;
        }
        if !self.record {
            return Some(t);
        }
        let looks_like_message = {
            let tt = t.trim();
            let line_end = memchr::memchr(b'\n', tt.bytes()).unwrap_or(tt.len());
            let line = &tt.bytes()[..line_end];
            is_version_like(line) || line.windows(8).any(|w| w.eq_ignore_ascii_case(b" SIP/2.0"))
        };
        if looks_like_message {
            self.push(
                Rule::MultipleMessages,
                t.span(),
                "another SIP message follows; only the first was decoded",
            );
        } else {
            self.push(
                Rule::TrailingData,
                t.span(),
                format!("{} bytes follow the body", t.len()),
            );
        }
        Some(t)
    }

    /// Wire length (prefix removed, LF counted as CRLF) of `input[from..to]`.
    fn wire_len(&self, from: usize, to: usize) -> u64 {
        let mut n: u64 = 0;
        let mut pos = from;
        let input = self.input;
        while pos < to {
            let line_start = pos;
            let stripped = if !self.prefix.is_empty() && input[pos..].starts_with(self.prefix) {
                pos + self.prefix.len()
            } else {
                pos
            };
            match memchr::memchr(b'\n', &input[stripped..to]) {
                Some(i) => {
                    let nl = stripped + i;
                    let cr = nl > line_start && input[nl - 1] == b'\r';
                    n += (nl - stripped) as u64 + if cr { 1 } else { 2 };
                    pos = nl + 1;
                }
                None => {
                    n += (to - stripped) as u64;
                    pos = to;
                }
            }
        }
        n
    }

    /// Raw byte count from `from` whose wire length is `len` (clamped).
    fn raw_len_for(&self, from: usize, len: u64) -> usize {
        let input = self.input;
        let mut wire: u64 = 0;
        let mut pos = from;
        while pos < input.len() && wire < len {
            if !self.prefix.is_empty()
                && input[pos..].starts_with(self.prefix)
                && (pos == from || input[pos - 1] == b'\n')
            {
                pos += self.prefix.len();
                continue;
            }
            if input[pos] == b'\n' && (pos == 0 || input[pos - 1] != b'\r') {
                wire += 2;
            } else {
                wire += 1;
            }
            pos += 1;
        }
        pos - from
    }
}

/// Where `needle` first occurs in `hay` (`Some(0)` for an empty needle), as
/// `memchr::memmem::find` answers: `memchr` finds each candidate first byte,
/// then the rest is compared. The needles here are short (a blank line, an
/// XML end marker, a multipart boundary of at most 70 bytes), and the
/// two-way searcher `memmem` builds is about 2 KB gzip of the core `.wasm`
/// (README "Size and speed").
pub(crate) fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let Some((&first, rest)) = needle.split_first() else {
        return Some(0);
    };
    let mut from = 0;
    while let Some(i) = memchr::memchr(first, hay.get(from..)?) {
        let at = from + i;
        if hay.get(at + 1..at + needle.len()) == Some(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Grows a full header list once, to hold every line left in the header
/// section (an upper bound on the headers still to come), so a message
/// costs at most two allocations whatever its header count: the initial
/// list and this one. The end of the section is guessed from the first
/// empty line; a wrong guess only costs another growth, never a result.
#[cold]
#[inline(never)]
fn reserve_rest(headers: &mut Vec<Header<'_>>, rest: &[u8]) {
    let end = [&b"\n\r\n"[..], b"\n\n"]
        .iter()
        .filter_map(|blank| find_bytes(rest, blank))
        .min()
        .map_or(rest.len(), |at| at + 1);
    let lines = memchr::memchr_iter(b'\n', &rest[..end]).count() + 1;
    headers.reserve_exact(lines);
}

/// True when the bytes start like a SIP-Version followed by a space
/// (a Status-Line), in any case.
fn is_version_like(b: &[u8]) -> bool {
    b.len() >= 4 && b[..4].eq_ignore_ascii_case(b"SIP/") && {
        let rest = &b[4..];
        let n = rest
            .iter()
            .take_while(|c| c.is_ascii_digit() || **c == b'.')
            .count();
        n > 0 && rest.get(n).is_none_or(|c| *c == b' ' || *c == b'\t')
    }
}

#[cfg(test)]
mod tests;
