//! The human-readable `decode` report and `rules` listing: formatting of
//! the [`Decoded`] contract and the rule registry, nothing else. Colour is
//! an option of [`Style`]; the text is the same with or without it.

use std::fmt::Write as _;

use siplens::diagnose::{Confidence, Decoded, SpanDto};
use siplens::{RuleInfo, Severity};

use crate::wrap::{self, columns, width, wrap_into};

/// Widest source line shown under a finding before it is cut around the
/// span (at most the output width less the gutter).
const MAX_SOURCE: usize = 120;
/// Widest quoted evidence.
const MAX_QUOTE: usize = 80;
/// Column where the label of a summary line ends.
const LABEL: usize = 10;

/// ANSI styling, or none.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    on: bool,
}

impl Style {
    /// Styling switched on or off.
    pub fn new(on: bool) -> Self {
        Style { on }
    }

    fn paint(&self, sgr: &str, s: &str) -> String {
        if self.on && !s.is_empty() {
            format!("\x1b[{sgr}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }

    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }

    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }

    fn heading(&self, s: &str) -> String {
        self.paint("1;4", s)
    }

    fn accent(&self, s: &str) -> String {
        self.paint("36", s)
    }

    fn severity_sgr(sev: Severity) -> &'static str {
        match sev {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;34",
        }
    }

    /// The severity word, padded, in its colour.
    fn severity(&self, sev: Severity) -> String {
        self.paint(
            Self::severity_sgr(sev),
            &format!("{:<7}", severity_word(sev)),
        )
    }

    fn confidence(&self, c: Confidence) -> String {
        let (word, sgr) = match c {
            Confidence::High => ("high", "1;32"),
            Confidence::Medium => ("medium", "33"),
            Confidence::Low => ("low", "2"),
        };
        self.paint(sgr, &format!("[{word}]"))
    }
}

fn severity_word(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// The whole `decode` report.
pub fn decode_report(d: &Decoded, input: &[u8], st: Style) -> String {
    let mut out = String::new();
    let o = &mut out;
    let dx = &d.diagnosis;
    let mut head = String::new();
    wrap_into(&mut head, &dx.headline, 0, 0);
    let _ = writeln!(o, "{}", st.bold(head.trim_end()));
    o.push('\n');

    match (&d.status, &d.request) {
        (Some(s), _) => {
            let code = s
                .code
                .map_or_else(|| "(invalid code)".to_owned(), |c| format!("{c:03}"));
            let mut line = format!("{code} {}", s.reason_phrase);
            let finality = match (s.class, s.is_final) {
                (siplens::StatusClass::Invalid, _) => "neither final nor provisional",
                (_, true) => "final",
                (_, false) => "provisional",
            };
            let _ = write!(line, " ({}, {finality})", s.class.label());
            if let Some(std) = s.standard_reason_phrase {
                if !std.eq_ignore_ascii_case(s.reason_phrase.trim()) {
                    let _ = write!(line, "; registered phrase: {std}");
                }
            }
            label(o, st, "Status", &line);
        }
        (None, Some(r)) => label(o, st, "Request", &format!("{} {}", r.method, r.uri)),
        (None, None) => label(o, st, "Start", "no valid request or status line"),
    }
    if let Some(c) = &d.cseq {
        let seq = c.seq.map_or_else(|| "?".to_owned(), |s| s.to_string());
        let what = if d.status.is_some() {
            format!("{} (from CSeq: {seq} {})", c.method, c.method)
        } else {
            format!("{} (CSeq: {seq} {})", c.method, c.method)
        };
        label(o, st, "Method", &what);
    } else if d.status.is_some() {
        label(o, st, "Method", "unknown (no CSeq)");
    }
    label(o, st, "Context", &dx.context);
    if let Some(id) = &d.call_id {
        label(o, st, "Call-ID", id);
    }
    let body = match &d.body.content_type {
        Some(ct) => format!("{}, {} bytes ({ct})", d.body.kind, d.body.length),
        None => format!("{}, {} bytes", d.body.kind, d.body.length),
    };
    label(o, st, "Body", &body);
    label(o, st, "Summary", &dx.summary);

    if !dx.likely_causes.is_empty() {
        section(o, st, "Likely causes");
        for (i, c) in dx.likely_causes.iter().enumerate() {
            let head = format!("{:>3}. {} ", i + 1, st.confidence(c.confidence));
            let _ = write!(o, "{head}");
            let indent = 5 + 1 + confidence_width(c.confidence) + 1;
            wrap_into(o, &c.text, indent, indent);
            for e in &c.evidence {
                let head = format!("{}evidence {} ", " ".repeat(7), at(&e.span));
                let _ = write!(o, "{}evidence {} ", " ".repeat(7), st.accent(&at(&e.span)));
                let text = format!("{}: {}", quote(slice(input, &e.span), quote_max()), e.what);
                wrap_into(o, &text, columns(&head), 9);
            }
        }
    }
    list(o, st, "Inspect", &dx.inspect);
    list(o, st, "Next steps", &dx.next_steps);

    if let Some(r) = &dx.retry {
        section(o, st, "Retry");
        let mut line = format!(
            "{} ({})",
            r.policy.label(),
            if r.allowed {
                "may be sent again"
            } else {
                "do not send again"
            }
        );
        if let Some(s) = r.after_seconds {
            let _ = write!(line, ", Retry-After {s} s");
        }
        bullet(o, &line);
        bullet(o, &r.where_);
    }

    if !dx.reasons.is_empty() {
        section(o, st, "Reason");
        for r in &dx.reasons {
            let mut line = r.protocol.to_string();
            if let Some(c) = r.cause {
                let _ = write!(line, " cause={c}");
            }
            if let Some(t) = &r.text {
                let _ = write!(line, " text={}", quote(t.as_bytes(), quote_max()));
            }
            let _ = write!(line, " at {}", at(&r.span));
            bullet(o, &line);
            if let Some(m) = &r.meaning {
                sub(o, m);
            }
            match r.consistent_with_status {
                Some(true) => sub(o, "consistent with the status code"),
                Some(false) => sub(o, "does not match the status code"),
                None => {}
            }
        }
    }
    if !dx.warnings.is_empty() {
        section(o, st, "Warning");
        for w in &dx.warnings {
            let code = w.code.map_or_else(|| "???".to_owned(), |c| c.to_string());
            bullet(
                o,
                &format!(
                    "{code} {} {} at {}",
                    w.agent,
                    quote(w.text.as_bytes(), quote_max()),
                    at(&w.span)
                ),
            );
            if let Some(m) = w.meaning {
                sub(o, m);
            }
        }
    }

    section(o, st, "Sender");
    if dx.sender.role == "unknown" && dx.sender.evidence.is_empty() {
        bullet(o, "unknown: nothing in this message identifies the sender");
    } else {
        bullet(o, &format!("probably {}", dx.sender.role));
    }
    for e in &dx.sender.evidence {
        sub(
            o,
            &format!(
                "{} {}: {}",
                at(&e.span),
                quote(slice(input, &e.span), quote_max()),
                e.what
            ),
        );
    }

    if let Some(c) = &dx.challenge {
        section(o, st, "Challenge");
        let mut line = format!("{} {}", c.header, c.scheme);
        if c.aka {
            line.push_str(" (IMS AKA)");
        }
        let _ = write!(line, " at {}", at(&c.span));
        bullet(o, &line);
        for (k, v) in [
            ("algorithm", &c.algorithm),
            ("realm", &c.realm),
            ("nonce", &c.nonce),
            ("qop", &c.qop),
            ("opaque", &c.opaque),
        ] {
            if let Some(v) = v {
                sub(o, &format!("{k}: {v}"));
            }
        }
        if let Some(stale) = c.stale {
            sub(o, &format!("stale: {stale}"));
        }
    }

    if let Some(ims) = dx.ims.filter(|i| i.typical) {
        section(o, st, "IMS");
        for (k, v) in [
            ("senders", ims.senders.join(", ")),
            ("direction", ims.direction.to_owned()),
            ("interfaces", ims.interfaces.join(", ")),
            ("procedures", ims.procedures.join(", ")),
            ("before", ims.before.to_owned()),
            ("after", ims.after.to_owned()),
            ("note", ims.note.to_owned()),
        ] {
            if !v.is_empty() {
                bullet(o, &format!("{k}: {v}"));
            }
        }
    }
    list(o, st, "Spec", &dx.spec_refs);

    // The media summary of the SDP (`MediaDto::text_lines`: stream lines,
    // then codec and precondition lines indented by two spaces).
    if let Some(m) = &d.media {
        section(o, st, "Media (SDP)");
        for l in m.text_lines() {
            match l.strip_prefix("  ") {
                Some(detail) => sub(o, detail),
                None => bullet(o, &l),
            }
        }
    }

    findings(o, st, d, input);
    headers(o, st, d);
    out
}

/// Widest quoted value: short enough to leave room for its label.
fn quote_max() -> usize {
    MAX_QUOTE.min(width().saturating_sub(30)).max(16)
}

fn confidence_width(c: Confidence) -> usize {
    match c {
        Confidence::High => 6,
        Confidence::Medium => 8,
        Confidence::Low => 5,
    }
}

/// `line:col` of a span.
fn at(s: &SpanDto) -> String {
    format!("{}:{}", s.line, s.column)
}

fn slice<'a>(input: &'a [u8], s: &SpanDto) -> &'a [u8] {
    input.get(s.start..s.end).unwrap_or(&[])
}

fn label(o: &mut String, st: Style, name: &str, value: &str) {
    let _ = write!(o, "{}", st.bold(&format!("{name:<LABEL$}")));
    wrap_into(o, value, LABEL, LABEL);
}

fn section(o: &mut String, st: Style, name: &str) {
    let _ = writeln!(o, "\n{}", st.heading(name));
}

fn list<T: AsRef<str>>(o: &mut String, st: Style, name: &str, items: &[T]) {
    if items.is_empty() {
        return;
    }
    section(o, st, name);
    for i in items {
        bullet(o, i.as_ref());
    }
}

fn bullet(o: &mut String, text: &str) {
    o.push_str("  - ");
    wrap_into(o, text, 4, 4);
}

fn sub(o: &mut String, text: &str) {
    o.push_str("      ");
    wrap_into(o, text, 6, 6);
}

/// The bytes as a double-quoted string: control characters escaped,
/// invalid UTF-8 as `\xNN`, cut with `…` after `max` characters.
pub fn quote(bytes: &[u8], max: usize) -> String {
    let mut s = String::from("\"");
    let mut n = 0;
    'outer: for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if n >= max {
                s.push('…');
                break 'outer;
            }
            match c {
                '"' => s.push_str("\\\""),
                '\\' => s.push_str("\\\\"),
                '\r' => s.push_str("\\r"),
                '\n' => s.push_str("\\n"),
                '\t' => s.push_str("\\t"),
                c if c.is_control() => {
                    let _ = write!(s, "\\x{:02x}", c as u32);
                }
                c => s.push(c),
            }
            n += 1;
        }
        for b in chunk.invalid() {
            if n >= max {
                s.push('…');
                break 'outer;
            }
            let _ = write!(s, "\\x{b:02x}");
            n += 1;
        }
    }
    s.push('"');
    s
}

/// One display cell of a source line: the byte offset (relative to the
/// line) it starts at and the character shown.
fn cells(line: &[u8]) -> Vec<(usize, char)> {
    let mut out = Vec::with_capacity(line.len());
    let mut off = 0;
    for chunk in line.utf8_chunks() {
        for (i, c) in chunk.valid().char_indices() {
            let shown = match c {
                '\t' => ' ',
                c if c.is_control() => '·',
                c => c,
            };
            out.push((off + i, shown));
        }
        off += chunk.valid().len();
        for _ in chunk.invalid() {
            out.push((off, '\u{fffd}'));
            off += 1;
        }
    }
    out
}

/// Cells of a source line shown: the width less the gutter (`    12 | `)
/// and the two `…` marks.
fn source_max() -> usize {
    MAX_SOURCE.min(width().saturating_sub(12)).max(20)
}

/// The source line holding `span.start`, and a caret line under the span
/// (cut to the line; `…` marks a span that goes on).
fn source_excerpt(input: &[u8], span: &SpanDto) -> (String, String) {
    let start = span.start.min(input.len());
    let line_start = input[..start]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let mut line_end = input[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(input.len(), |i| start + i);
    let continues = span.end > line_end;
    if line_end > line_start && input[line_end - 1] == b'\r' {
        line_end -= 1;
    }
    let cells = cells(&input[line_start..line_end]);
    let cell_of = |off: usize| {
        cells
            .iter()
            .position(|(o, _)| *o >= off)
            .unwrap_or(cells.len())
    };
    let from = cell_of(start - line_start);
    let to = cell_of(span.end.clamp(start, line_end.max(start)) - line_start).max(from + 1);
    let max = source_max();
    let (win_start, win_end) = if cells.len() <= max {
        (0, cells.len())
    } else {
        let ws = from.saturating_sub(max / 4);
        (ws, (ws + max).min(cells.len()))
    };
    let mut text = String::new();
    let mut marks = String::new();
    if win_start > 0 {
        text.push('…');
        marks.push(' ');
    }
    text.extend(cells[win_start..win_end].iter().map(|(_, c)| *c));
    if win_end < cells.len() {
        text.push('…');
    }
    let caret_from = from.max(win_start);
    let caret_to = to.min(win_end.max(caret_from + 1));
    marks.push_str(&" ".repeat(caret_from - win_start));
    marks.push_str(&"^".repeat(caret_to.saturating_sub(caret_from).max(1)));
    if continues || to > win_end.max(caret_from + 1) {
        marks.push('…');
    }
    (text, marks)
}

fn findings(o: &mut String, st: Style, d: &Decoded, input: &[u8]) {
    let count = |sev| d.findings.iter().filter(|f| f.severity == sev).count();
    let (e, w, i) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    if d.findings.is_empty() {
        section(o, st, "Findings: none");
        return;
    }
    section(
        o,
        st,
        &format!(
            "Findings ({}: {e} error{}, {w} warning{}, {i} info)",
            d.findings.len(),
            plural(e),
            plural(w)
        ),
    );
    let gutter = d
        .findings
        .iter()
        .map(|f| f.span.line.to_string().len())
        .max()
        .unwrap_or(1);
    for f in &d.findings {
        let _ = write!(
            o,
            "  {} {} {} {} ",
            st.severity(f.severity),
            st.bold(f.id),
            f.slug,
            st.accent(&at(&f.span))
        );
        let indent = 2 + 7 + 1 + f.id.len() + 1 + f.slug.len() + 1 + at(&f.span).len() + 1;
        wrap_into(o, &f.message, indent, 4);
        let (text, marks) = source_excerpt(input, &f.span);
        let bar = st.dim("|");
        let _ = writeln!(
            o,
            "    {} {bar} {text}",
            st.dim(&format!("{:>gutter$}", f.span.line))
        );
        let _ = writeln!(
            o,
            "    {} {bar} {}",
            " ".repeat(gutter),
            st.paint(Style::severity_sgr(f.severity), &marks)
        );
        let mut spec = String::from("    ");
        wrap_into(&mut spec, &format!("spec: {}", f.spec_ref), 4, 10);
        let _ = write!(o, "{}", st.dim(&spec));
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn headers(o: &mut String, st: Style, d: &Decoded) {
    if d.headers.is_empty() {
        section(o, st, "Headers: none");
        return;
    }
    section(o, st, &format!("Headers ({})", d.headers.len()));
    let width = d
        .headers
        .iter()
        .map(|h| h.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(24);
    // One line per header when name, value and meaning fit the width;
    // else the value wraps under the name and the meaning follows.
    for h in &d.headers {
        let value: String = h.value.split_whitespace().collect::<Vec<_>>().join(" ");
        let name_pad = width.saturating_sub(h.name.chars().count());
        let _ = write!(o, "  {}{} ", st.bold(&h.name), " ".repeat(name_pad));
        let at = 2 + width.max(h.name.chars().count()) + 1;
        // A name too long for a column: continuation lines hang by 4.
        let hang = if at > wrap::width() / 2 { 4 } else { at };
        let one_line = h.meaning.map_or(0, |m| m.chars().count() + 2) + value.chars().count();
        match h.meaning {
            Some(m) if at + one_line <= wrap::width() => {
                let _ = writeln!(o, "{value}  {}", st.dim(m));
            }
            Some(m) => {
                wrap_into(o, &value, at, hang);
                let mut meaning = " ".repeat(hang);
                wrap_into(&mut meaning, m, hang, hang);
                let _ = write!(o, "{}", st.dim(&meaning));
            }
            None => wrap_into(o, &value, at, hang),
        }
        if !h.fields.is_empty() {
            let fields: Vec<String> = h
                .fields
                .iter()
                .map(|f| format!("{}={}", f.name, f.value))
                .collect();
            let mut line = " ".repeat(hang);
            wrap_into(&mut line, &fields.join("  "), hang, hang);
            let _ = write!(o, "{}", st.dim(&line));
        }
    }
}

/// The `rules` listing: every rule with its documentation.
pub fn rules_report(rules: &[&RuleInfo], st: Style) -> String {
    let mut o = String::new();
    for r in rules {
        let category = serde_json::to_value(r.category)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let head = format!("{} {} {} ", r.id, r.slug, severity_word(r.severity));
        let _ = write!(
            o,
            "{} {} {} ",
            st.bold(r.id),
            r.slug,
            st.paint(Style::severity_sgr(r.severity), severity_word(r.severity)),
        );
        let mut spec = String::new();
        wrap_into(
            &mut spec,
            &format!("({category}; {})", r.spec),
            columns(&head),
            4,
        );
        let _ = write!(o, "{}", st.dim(&spec));
        for (k, v) in [("checks", r.checks), ("why", r.why)] {
            let _ = write!(o, "    {k:<9}");
            wrap_into(&mut o, v, 13, 13);
        }
        let example = if r.example.is_empty() {
            "(empty input)".to_owned()
        } else {
            r.example.to_owned()
        };
        let _ = write!(o, "    {:<9}", "example");
        wrap_into(&mut o, &example, 13, 13);
        o.push('\n');
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(input: &[u8], start: usize, end: usize) -> SpanDto {
        let (line, column) = siplens::span::line_col(input, start);
        SpanDto {
            start,
            end,
            line,
            column,
        }
    }

    #[test]
    fn caret_under_the_span() {
        let input = b"SIP/2.0 200 OK\r\nVia SIP/2.0/UDP h\r\n\r\n";
        let (text, marks) = source_excerpt(input, &span(input, 16, 19));
        assert_eq!(text, "Via SIP/2.0/UDP h");
        assert_eq!(marks, "^^^");
        let (_, marks) = source_excerpt(input, &span(input, 20, 27));
        assert_eq!(marks, "    ^^^^^^^");
        let (text, marks) = source_excerpt(input, &span(input, input.len(), input.len()));
        assert_eq!((text.as_str(), marks.as_str()), ("", "^"));
    }

    #[test]
    fn multi_line_and_long_spans() {
        let input = b"Subject: a\r\n b\r\n";
        let (text, marks) = source_excerpt(input, &span(input, 0, 14));
        assert_eq!(text, "Subject: a");
        assert_eq!(marks, "^^^^^^^^^^…");
        let long = [b'x'; 400];
        let (text, marks) = source_excerpt(&long, &span(&long, 300, 302));
        assert!(text.starts_with('…') && text.ends_with('…'));
        // At the default width of 80: 68 cells and the two `…`.
        let max = source_max();
        assert_eq!(max, 68);
        assert_eq!(text.chars().count(), max + 2);
        assert_eq!(marks.trim_start(), "^^");
        assert_eq!(marks.find('^'), Some(1 + max / 4));
    }

    #[test]
    fn tabs_controls_and_invalid_utf8_keep_one_cell_per_char() {
        let input = b"To: \t\x00\xff\xc3\xa9X\r\n";
        let (text, marks) = source_excerpt(input, &span(input, 9, 10));
        assert_eq!(text, "To:  ·\u{fffd}éX");
        assert_eq!(marks, "        ^");
    }

    #[test]
    fn quoting() {
        assert_eq!(quote(b"a\"b\r\n\x00\xff", 80), "\"a\\\"b\\r\\n\\x00\\xff\"");
        assert_eq!(quote(b"abcdef", 3), "\"abc…\"");
    }
}
