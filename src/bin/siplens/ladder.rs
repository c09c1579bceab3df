//! Text rendering of a [`TraceSummary`] (the streaming decode): a flow
//! summary (dialogs and their outcome, media streams per call, findings),
//! the ladder diagram (with a media band: RTP streams and DTMF keys) of
//! the core's model ([`siplens::trace::ladder`]: lanes, arrows, labels and
//! the `--call-id` / `--dialog` filter are computed there, the page draws
//! the same model; only the text layout is here), and the dialog CSV.
//!
//! Messages are numbered from 1 everywhere (`#1` is the first message of
//! the trace, whatever filter is applied); dialogs too (`D1`). Responses
//! are labelled with their CSeq method (`200 OK (PRACK)`). Every line is
//! wrapped at the output width; the ladder's lanes shrink to fit it, and a
//! trace with more participants than fit is listed one message a line.

use std::fmt::Write as _;
use std::io::Write;

use siplens::rtp::MediaStream;
use siplens::trace::ladder::{dialog_messages, shared_domain, short_name, LadderView};
use siplens::trace::{Arrow, Dialog, TraceSummary};

use crate::wrap::{self, cut, width, wrap_into};

/// Widest lane of the ladder.
const COL: usize = 24;
/// Narrowest lane: below it the ladder becomes a list.
const MIN_COL: usize = 14;
/// Columns before the first lane (the time).
const TIME: usize = 11;
/// Columns after the last lane (`  #1234`).
const NUMBER: usize = 8;

/// The summary and the ladder, written line by line (a big capture's
/// ladder is not built in memory first).
pub fn write_report(
    t: &TraceSummary,
    name: &str,
    view: &LadderView<'_>,
    out: &mut impl Write,
) -> std::io::Result<()> {
    out.write_all(summary(t, name, view.kept()).as_bytes())?;
    out.write_all(b"\nLadder:\n")?;
    ladder(view, &media_bands(t, view.kept()), out)
}

/// One line of the ladder's media band: a stream's start or a DTMF key,
/// at its capture time.
pub struct Band {
    /// Seconds (capture time, as [`Arrow::at`]).
    pub at: f64,
    /// What the line says.
    pub text: String,
}

/// At most this many DTMF lines per stream in the ladder.
const MAX_DTMF_LINES: usize = 32;

/// The streams a filter keeps: those bound by a kept message's SDP.
fn kept_streams<'a>(
    t: &'a TraceSummary,
    keep: Option<&'a [bool]>,
) -> impl Iterator<Item = &'a MediaStream> + 'a {
    t.media
        .iter()
        .flat_map(|m| &m.streams)
        .filter(move |s| keep.is_none() || s.sdp_message.is_some_and(|i| kept(keep, i)))
}

/// `PCMA+telephone-event`: the codecs of a stream.
fn codecs(s: &MediaStream) -> String {
    let names: Vec<String> = s
        .payload_types
        .iter()
        .map(|p| {
            p.codec
                .clone()
                .unwrap_or_else(|| format!("PT{}", p.payload_type))
        })
        .collect();
    names.join("+")
}

/// One stream in a line: addresses, SSRC, codecs, packets, loss, jitter,
/// duration and DTMF keys.
fn stream_line(s: &MediaStream) -> String {
    let mut line = format!(
        "{}:{} → {}:{} SSRC 0x{:08X} {}: {}",
        s.src_addr,
        s.src_port,
        s.dst_addr,
        s.dst_port,
        s.ssrc,
        codecs(s),
        plural(s.packets as usize, "packet", "packets"),
    );
    if s.lost != 0 {
        let pct = s.lost as f64 * 100.0 / s.expected.max(1) as f64;
        let _ = write!(line, ", lost {} ({pct:.1}%)", s.lost);
    }
    if let Some(j) = s.max_jitter_ms {
        let _ = write!(line, ", max jitter {}", ms(j));
    }
    if let (Some(a), Some(b)) = (s.first_time, s.last_time) {
        let _ = write!(line, ", {}", ms((b - a) * 1000.0));
    }
    if !s.events.is_empty() {
        let keys: String = s.events.iter().map(|e| e.key.as_str()).collect();
        let _ = write!(line, ", DTMF {keys}");
    }
    if let Some(r) = &s.rtcp {
        if let Some(l) = r.last_fraction_lost {
            let _ = write!(line, ", RTCP loss {l:.1}%");
        }
        let rtt = [&r.max_round_trip, &r.max_xr_round_trip]
            .into_iter()
            .flatten()
            .map(|v| v.value)
            .reduce(f64::max);
        if let Some(rtt) = rtt {
            let _ = write!(line, ", RTCP round trip {rtt:.0} ms");
        }
    }
    line
}

/// The media band of the ladder: each stream where it starts, each DTMF
/// key where it was pressed, in time order.
pub fn media_bands(t: &TraceSummary, keep: Option<&[bool]>) -> Vec<Band> {
    let mut out = Vec::new();
    for s in kept_streams(t, keep) {
        let Some(at) = s.first_time else {
            continue;
        };
        let call = s
            .call
            .map_or("unbound".to_owned(), |c| format!("C{}", c + 1));
        out.push(Band {
            at,
            text: format!("≈≈ RTP {call} {}", stream_line(s)),
        });
        for e in s.events.iter().take(MAX_DTMF_LINES) {
            if let Some(at) = e.time {
                out.push(Band {
                    at,
                    text: format!(
                        "≈≈ DTMF {} {call} {}:{} → {}:{}{}",
                        e.key,
                        s.src_addr,
                        s.src_port,
                        s.dst_addr,
                        s.dst_port,
                        e.duration_ms
                            .map_or(String::new(), |d| format!(" {}", ms(d)))
                    ),
                });
            }
        }
    }
    out.sort_by(|a, b| a.at.total_cmp(&b.at));
    out
}

fn kept(keep: Option<&[bool]>, i: usize) -> bool {
    keep.is_none_or(|k| k.get(i).copied().unwrap_or(false))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The summary only (`--summary`).
pub fn summary(t: &TraceSummary, name: &str, keep: Option<&[bool]>) -> String {
    let mut s = String::new();
    let shown: Vec<usize> = (0..t.messages.len()).filter(|&i| kept(keep, i)).collect();
    let filtered = if keep.is_some() {
        format!(" (filter: {} of {} shown)", shown.len(), t.messages.len())
    } else {
        String::new()
    };
    let head = format!(
        "{name}: {}{} — {} ({}), {}, {}, {}{filtered}",
        t.source,
        if t.frames > 0 {
            format!(", {}", plural(t.frames as usize, "frame", "frames"))
        } else {
            String::new()
        },
        plural(t.messages.len(), "SIP message", "SIP messages"),
        plural(
            t.messages.iter().filter(|m| m.retransmission).count(),
            "retransmission",
            "retransmissions"
        ),
        plural(t.transactions.len(), "transaction", "transactions"),
        plural(t.dialogs.len(), "dialog", "dialogs"),
        plural(t.calls.len(), "call", "calls"),
    );
    wrap::block(&mut s, &head, 0);
    let dialogs: Vec<&Dialog> = t
        .dialogs
        .iter()
        .filter(|d| {
            keep.is_none()
                || dialog_messages(&t.transactions, d)
                    .iter()
                    .any(|&i| kept(keep, i))
        })
        .collect();
    if !dialogs.is_empty() {
        s.push_str("Dialogs:\n");
        for d in dialogs {
            let mut timing = Vec::new();
            if let Some(x) = d.post_dial_delay_ms {
                timing.push(format!("post-dial delay {}", ms(x)));
            }
            if let Some(x) = d.setup_time_ms {
                timing.push(format!("setup {}", ms(x)));
            }
            if let Some(x) = d.duration_ms {
                timing.push(format!("duration {}", ms(x)));
            }
            let line = format!(
                "D{} {} {} → {}: {}{}{} [{}Call-ID {}]",
                d.id + 1,
                d.kind,
                d.caller.as_deref().unwrap_or("(no From)"),
                d.callee.as_deref().unwrap_or("(no To)"),
                d.state,
                d.final_code.map(|c| format!(" ({c})")).unwrap_or_default(),
                if timing.is_empty() {
                    String::new()
                } else {
                    format!("; {}", timing.join(", "))
                },
                d.call
                    .map_or(String::new(), |c| format!("call {}, ", c + 1)),
                d.call_id
            );
            s.push_str("  ");
            wrap_into(&mut s, &line, 2, 6);
        }
    }
    // Where the messages read out of IPsec ESP came from: one line per SA.
    let mut sas: Vec<(&str, usize)> = Vec::new();
    for m in t.messages.iter().filter(|m| kept(keep, m.index)) {
        if let Some(e) = m.esp.as_deref() {
            match sas.iter_mut().find(|(x, _)| *x == e) {
                Some((_, n)) => *n += 1,
                None => sas.push((e, 1)),
            }
        }
    }
    if !sas.is_empty() {
        s.push_str("IPsec ESP:\n");
        for (e, n) in sas {
            s.push_str("  ");
            wrap_into(
                &mut s,
                &format!("{e}: {}", plural(n, "message", "messages")),
                2,
                6,
            );
            // Its packets, per SA (one SPI may serve two protected ports).
            for r in t.esp_sas.iter().filter(|r| r.sa == e) {
                s.push_str("    ");
                wrap_into(&mut s, &r.text, 4, 8);
            }
        }
    }
    let streams: Vec<&MediaStream> = kept_streams(t, keep).collect();
    if !streams.is_empty() {
        s.push_str("Media:\n");
        let mut by_call: Vec<(Option<usize>, Vec<&MediaStream>)> = Vec::new();
        for st in streams {
            match by_call.iter_mut().find(|(c, _)| *c == st.call) {
                Some((_, v)) => v.push(st),
                None => by_call.push((st.call, vec![st])),
            }
        }
        by_call.sort_by_key(|(c, _)| c.unwrap_or(usize::MAX));
        for (call, list) in by_call {
            let packets: u64 = list.iter().map(|x| x.packets).sum();
            let lost: i64 = list.iter().map(|x| x.lost).sum();
            let head = format!(
                "{}: {}, {}, lost {lost}",
                call.map_or("Unbound".to_owned(), |c| format!("Call {}", c + 1)),
                plural(list.len(), "stream", "streams"),
                plural(packets as usize, "packet", "packets"),
            );
            s.push_str("  ");
            wrap_into(&mut s, &head, 2, 6);
            for st in list {
                s.push_str("    ");
                wrap_into(&mut s, &stream_line(st), 4, 8);
            }
        }
    }
    let about = |f: &&siplens::trace::FlowFinding| {
        keep.is_none() || f.messages.iter().any(|&m| kept(keep, m))
    };
    let findings: Vec<_> = t.findings.iter().filter(about).collect();
    let capture: Vec<_> = t.capture_findings.iter().filter(about).collect();
    for (label, list) in [("Findings", &findings), ("Capture", &capture)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(s, "{label}:");
        for f in group(list) {
            s.push_str("  ");
            wrap_into(&mut s, &f, 2, 6);
        }
    }
    if findings.is_empty() && capture.is_empty() {
        s.push_str("No flow findings.\n");
    }
    s
}

/// Finding lines, repeats of one rule with one message text grouped
/// (`SL405 ×3`), messages numbered from 1.
fn group(list: &[&siplens::trace::FlowFinding]) -> Vec<String> {
    let mut out: Vec<(String, String, Vec<String>, usize)> = Vec::new();
    for f in list {
        let head = format!(
            "{} {} {}",
            f.id,
            format!("{:?}", f.severity).to_lowercase(),
            f.slug
        );
        let at = if f.messages.is_empty() {
            f.frame.map(|x| format!("frame {x}")).unwrap_or_default()
        } else {
            f.messages
                .iter()
                .map(|m| format!("#{}", m + 1))
                .collect::<Vec<_>>()
                .join(" ")
        };
        match out
            .iter_mut()
            .find(|(h, m, _, _)| *h == head && *m == f.message)
        {
            Some((_, _, ats, n)) => {
                ats.push(at);
                *n += 1;
            }
            None => out.push((head, f.message.clone(), vec![at], 1)),
        }
    }
    out.into_iter()
        .map(|(head, message, ats, n)| {
            let times = if n > 1 {
                format!(" ×{n}")
            } else {
                String::new()
            };
            let ats: Vec<String> = ats.into_iter().filter(|a| !a.is_empty()).collect();
            let at = if ats.is_empty() {
                String::new()
            } else {
                format!(" [{}]", ats.join(", "))
            };
            format!("{head}{times}{at}: {message}")
        })
        .collect()
}

fn ms(x: f64) -> String {
    if x >= 1000.0 {
        format!("{:.3} s", x / 1000.0)
    } else {
        format!("{x:.1} ms")
    }
}

/// The arrow label: the core's label (the method, or the code and reason
/// phrase with the CSeq method of the transaction: `200 OK (PRACK)`),
/// marked `[offer]` or `[answer]` when it carries SDP (RFC 3264), as
/// sngrep marks it, and `(re)` on a retransmission.
fn label(a: &Arrow) -> String {
    let mut label = a.label.clone();
    if let Some(role) = a.sdp {
        let _ = write!(label, " [{}]", role.as_str());
    }
    if a.retransmission {
        label.push_str(" (re)");
    }
    if a.esp.is_some() {
        label.push_str(" [esp]");
    }
    label
}

/// The ladder diagram of the core's model (or, when the lanes do not fit
/// the width, one message a line).
pub fn ladder(view: &LadderView<'_>, bands: &[Band], out: &mut impl Write) -> std::io::Result<()> {
    // Band times are shown like the arrows': since the first timed message.
    let base = view.arrows().find_map(|a| Some(a.at? - a.time?));
    let time = |a: &Arrow| a.time.map_or(String::new(), |x| format!("+{x:.3}"));
    let band_time = |at: f64| base.map_or(String::new(), |x| format!("+{:.3}", at - x));
    // The time column: 10 characters, wider when a time needs it (a capture
    // whose clock jumps years, SL449), so the lanes stay aligned. The widest
    // label is that of the largest or the smallest time: two formatted, not
    // one per arrow.
    let (lo, hi) = view
        .arrows()
        .filter_map(|a| a.time)
        .chain(bands.iter().filter_map(|b| base.map(|x| b.at - x)))
        .fold((0f64, 0f64), |(lo, hi), t| (lo.min(t), hi.max(t)));
    let tw = [lo, hi]
        .iter()
        .map(|t| format!("+{t:.3}").chars().count())
        .fold(TIME - 1, usize::max);
    let mut bands = bands.iter().peekable();
    let mut band_lines = |upto: Option<f64>, out: &mut dyn Write| -> std::io::Result<()> {
        while let Some(b) = bands.next_if(|b| upto.is_none_or(|t| b.at < t)) {
            let mut s = format!("{:>tw$} ", band_time(b.at));
            wrap_into(&mut s, &b.text, tw + 1, tw + 4);
            out.write_all(s.as_bytes())?;
        }
        Ok(())
    };
    let parts: Vec<&str> = view.lanes().iter().map(|l| l.label.as_str()).collect();
    let name = |lane: usize| parts.get(lane).copied().unwrap_or_default();
    let room = width().saturating_sub(tw + 1 + NUMBER);
    let col = (room / parts.len().max(1)).min(COL);
    if col < MIN_COL {
        // Too many lanes for the width: a list.
        for a in view.arrows() {
            if a.at.is_some() {
                band_lines(a.at, out)?;
            }
            let mut s = format!("{:>6} {:>tw$} ", format!("#{}", a.index + 1), time(&a));
            let at = s.chars().count();
            let line = format!("{} {} → {}", label(&a), name(a.from), name(a.to));
            wrap_into(&mut s, &line, at, at);
            out.write_all(s.as_bytes())?;
        }
        return band_lines(None, out);
    }
    let mut s = format!("{:>tw$} ", "");
    let mut legend = Vec::new();
    let shared = shared_domain(&parts);
    for (k, p) in parts.iter().enumerate() {
        let name = if p.chars().count() > col - 2 {
            legend.push(format!("lane {}: {p}", k + 1));
            // The legend gives the label whole.
            format!(
                "{}:{}",
                k + 1,
                short_name(p, shared, col - 2 - 1 - (k + 1).to_string().len())
            )
        } else {
            (*p).to_owned()
        };
        let _ = write!(s, "{name:^col$}");
    }
    s.truncate(s.trim_end().len());
    s.push('\n');
    for l in legend {
        let mut line = String::new();
        wrap::block(&mut line, &l, 2);
        s.push_str(&line);
    }
    out.write_all(s.as_bytes())?;
    for a in view.arrows() {
        if a.at.is_some() {
            band_lines(a.at, out)?;
        }
        let (ca, cb) = (a.from, a.to);
        let label = label(&a);
        // Where the full label goes when the arrow is too short for it.
        let mut above: Option<usize> = None;
        let w = parts.len() * col;
        let mut row: Vec<char> = vec![' '; w];
        for c in 0..parts.len() {
            row[c * col + col / 2] = '|';
        }
        let lifelines = row.clone();
        let (xa, xb) = (ca * col + col / 2, cb * col + col / 2);
        if xa == xb {
            let text: Vec<char> = format!(" ↺ {label}").chars().collect();
            let room = w.saturating_sub(xa + 1);
            for (k, ch) in cut(&text.iter().collect::<String>(), room)
                .chars()
                .enumerate()
            {
                row[xa + 1 + k] = ch;
            }
        } else {
            let (lo, hi) = (xa.min(xb), xa.max(xb));
            for x in row.iter_mut().take(hi).skip(lo + 1) {
                *x = '-';
            }
            if xb > xa {
                row[hi - 1] = '>';
            } else {
                row[lo + 1] = '<';
            }
            let room = hi - lo - 4;
            let shown = fit(a.code, &label, room);
            if shown != label {
                above = Some(lo + 3);
            }
            for (k, ch) in shown.chars().enumerate() {
                row[lo + 3 + k] = ch;
            }
        }
        if let Some(at) = above {
            // The whole label on a line of its own above the arrow, over
            // the lifelines it crosses (sngrep does the same).
            let mut line = lifelines;
            let text = cut(&label, w);
            let n = text.chars().count();
            let start = at.min(w - n);
            for (k, ch) in text.chars().enumerate() {
                line[start + k] = ch;
            }
            let line: String = line.into_iter().collect();
            writeln!(out, "{:>tw$} {}", "", line.trim_end())?;
        }
        let line: String = row.into_iter().collect();
        writeln!(
            out,
            "{:>tw$} {}  #{}",
            time(&a),
            line.trim_end(),
            a.index + 1
        )?;
    }
    band_lines(None, out)
}

/// The label that fits `room` on an arrow: the whole label, else the
/// code with the CSeq method (`401 (REGISTER)`), else the label cut.
fn fit(code: Option<u16>, label: &str, room: usize) -> String {
    if label.chars().count() <= room {
        return label.to_owned();
    }
    if let (Some(code), Some(open)) = (code, label.find(" (")) {
        let short = format!("{code}{}", &label[open..]);
        if short.chars().count() <= room {
            return short;
        }
    }
    cut(label, room)
}

/// The dialog list as CSV (RFC 4180; `--csv`): one row per dialog.
///
/// Columns are [`COLUMNS`]; a field the trace model gains later (the
/// Reason header of the final response, participants' IMS roles) is one
/// more entry there and in [`row`].
pub fn csv(t: &TraceSummary, keep: Option<&[bool]>, timestamps: &[Option<String>]) -> String {
    let mut s = COLUMNS.join(",");
    s.push_str("\r\n");
    for d in &t.dialogs {
        if keep.is_some()
            && !dialog_messages(&t.transactions, d)
                .iter()
                .any(|&i| kept(keep, i))
        {
            continue;
        }
        let cells: Vec<String> = row(t, d, timestamps).iter().map(|c| csv_field(c)).collect();
        s.push_str(&cells.join(","));
        s.push_str("\r\n");
    }
    s
}

/// The CSV header.
pub const COLUMNS: &[&str] = &[
    "dialog",
    "call",
    "call_id",
    "method",
    "from_user",
    "to_user",
    "state",
    "final_code",
    "final_reason",
    "reason",
    "start_time",
    "duration_s",
    "src",
    "dst",
    "participants",
    "messages",
    "media_streams",
    "media_packets",
    "media_packets_to_offerer",
    "media_packets_to_answerer",
    "media_lost",
    "media_max_jitter_ms",
    "media_codecs",
    "media_one_way",
];

/// One dialog's cells, in [`COLUMNS`] order.
fn row(t: &TraceSummary, d: &Dialog, timestamps: &[Option<String>]) -> Vec<String> {
    let first = d.messages.first().copied();
    let start = d
        .start_timestamp
        .clone()
        .or_else(|| first.and_then(|i| timestamps.get(i).cloned().flatten()))
        .or_else(|| d.start_time.map(|x| format!("{x:.6}")))
        .unwrap_or_default();
    let (src, dst) = first.map_or((String::new(), String::new()), |i| {
        let m = &t.messages[i];
        (
            m.src.clone().unwrap_or_default(),
            m.dst.clone().unwrap_or_default(),
        )
    });
    // `Q.850;cause=16;text="Normal call clearing"` → `Q.850 16 Normal call clearing`.
    let reason = d
        .reasons
        .iter()
        .map(|r| {
            let mut x = r.protocol.clone();
            if let Some(c) = r.cause {
                let _ = write!(x, " {c}");
            }
            if let Some(text) = &r.text {
                let _ = write!(x, " {text}");
            }
            x
        })
        .collect::<Vec<_>>()
        .join("; ");
    let participants = d
        .participants
        .iter()
        .filter_map(|&p| t.participants.get(p))
        .map(|p| p.address.clone())
        .collect::<Vec<_>>()
        .join(" ");
    let mut cells = vec![
        format!("D{}", d.id + 1),
        d.call.map(|c| (c + 1).to_string()).unwrap_or_default(),
        d.call_id.clone(),
        d.kind.clone(),
        d.from_user.clone().unwrap_or_default(),
        d.to_user.clone().unwrap_or_default(),
        d.state.to_owned(),
        d.final_code.map(|c| c.to_string()).unwrap_or_default(),
        d.final_reason.clone().unwrap_or_default(),
        reason,
        start,
        d.duration_ms
            .map(|x| format!("{:.3}", x / 1000.0))
            .unwrap_or_default(),
        src,
        dst,
        participants,
        dialog_messages(&t.transactions, d)
            .iter()
            .map(|m| (m + 1).to_string())
            .collect::<Vec<_>>()
            .join(" "),
    ];
    cells.extend(media_cells(t, d));
    cells
}

/// The media columns of a dialog: its call's RTP streams summed
/// ([`siplens::trace::MediaReport::call_media`]); empty when the call has
/// none (or the trace is text). `media_one_way` is `true` when the core
/// reported one-way media (`SL430`) for the call.
fn media_cells(t: &TraceSummary, d: &Dialog) -> Vec<String> {
    let media = d
        .call
        .zip(t.media.as_ref())
        .map(|(c, m)| (c, m.call_media(c, &t.messages)))
        .filter(|(_, m)| m.streams > 0);
    let Some((call, m)) = media else {
        return vec![String::new(); 8];
    };
    let one_way = t.findings.iter().any(|f| {
        f.id == siplens::Rule::MediaOneWay.meta().id
            && f.messages
                .iter()
                .any(|&i| t.calls.get(call).is_some_and(|c| c.messages.contains(&i)))
    });
    vec![
        m.streams.to_string(),
        m.packets.to_string(),
        m.packets_to_offerer.to_string(),
        m.packets_to_answerer.to_string(),
        m.lost.to_string(),
        m.max_jitter_ms
            .map(|j| format!("{j:.3}"))
            .unwrap_or_default(),
        m.codecs.join(" "),
        one_way.to_string(),
    ]
}

/// One CSV field, quoted when it holds a comma, a quote or a line end.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
