//! Text rendering of a [`TraceSummary`] (the streaming decode): a flow summary (dialogs and their
//! outcome, findings) and a ladder diagram with one column per
//! participant (the core's [`siplens::trace::Participant`] lanes) and one arrow per message, labelled with method or code and
//! the time since the first message.

use std::fmt::Write as _;
use std::io::Write;

use siplens::trace::TraceSummary;

/// Column width of a participant.
const COL: usize = 24;

/// The summary and the ladder, written line by line (a big capture's
/// ladder is not built in memory first).
pub fn write_report(t: &TraceSummary, name: &str, out: &mut impl Write) -> std::io::Result<()> {
    out.write_all(summary(t, name).as_bytes())?;
    out.write_all(b"\nLadder:\n")?;
    ladder(t, out)
}

/// The summary only (`--summary`).
pub fn summary(t: &TraceSummary, name: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{name}: {}{} — {} SIP messages ({} retransmissions), {} transactions, {} dialogs, {} calls",
        t.source,
        if t.frames > 0 {
            format!(", {} frames", t.frames)
        } else {
            String::new()
        },
        t.messages.len(),
        t.messages.iter().filter(|m| m.retransmission).count(),
        t.transactions.len(),
        t.dialogs.len(),
        t.calls.len()
    );
    if !t.dialogs.is_empty() {
        s.push_str("Dialogs:\n");
        for d in &t.dialogs {
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
            let _ = writeln!(
                s,
                "  D{} {} {} → {}: {}{}{} [{}Call-ID {}]",
                d.id,
                d.kind,
                d.caller.as_deref().unwrap_or("?"),
                d.callee.as_deref().unwrap_or("?"),
                d.state,
                d.final_code.map(|c| format!(" ({c})")).unwrap_or_default(),
                if timing.is_empty() {
                    String::new()
                } else {
                    format!("; {}", timing.join(", "))
                },
                d.call.map_or(String::new(), |c| format!("call {c}, ")),
                d.call_id
            );
        }
    }
    for (label, list) in [("Findings", &t.findings), ("Capture", &t.capture_findings)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(s, "{label}:");
        for f in list {
            let at = if f.messages.is_empty() {
                f.frame.map(|x| format!(" frame {x}")).unwrap_or_default()
            } else {
                format!(
                    " [{}]",
                    f.messages
                        .iter()
                        .map(|m| format!("#{}", m + 1))
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            };
            let _ = writeln!(
                s,
                "  {} {:?} {}{at}: {}",
                f.id, f.severity, f.slug, f.message
            );
        }
    }
    if t.findings.is_empty() && t.capture_findings.is_empty() {
        s.push_str("No flow findings.\n");
    }
    s
}

fn ms(x: f64) -> String {
    if x >= 1000.0 {
        format!("{:.3} s", x / 1000.0)
    } else {
        format!("{x:.1} ms")
    }
}

/// The ladder diagram.
pub fn ladder(t: &TraceSummary, out: &mut impl Write) -> std::io::Result<()> {
    let parts: Vec<&str> = t.participants.iter().map(|p| p.label.as_str()).collect();
    let t0 = t.messages.iter().find_map(|m| m.time);
    let mut s = String::new();
    let _ = write!(s, "{:>10} ", "");
    for p in &parts {
        let name: String = p.chars().take(COL - 2).collect();
        let _ = write!(s, "{name:^COL$}");
    }
    s.push('\n');
    out.write_all(s.as_bytes())?;
    for (i, m) in t.messages.iter().enumerate() {
        let (ca, cb) = (m.from, m.to);
        let mut label = m.label();
        if m.retransmission {
            label.push_str(" (re)");
        }
        let time = match (m.time, t0) {
            (Some(x), Some(z)) => format!("+{:.3}", x - z),
            _ => String::new(),
        };
        let width = parts.len() * COL;
        let mut row: Vec<char> = vec![' '; width];
        for c in 0..parts.len() {
            row[c * COL + COL / 2] = '|';
        }
        let (xa, xb) = (ca * COL + COL / 2, cb * COL + COL / 2);
        if xa == xb {
            let text: Vec<char> = format!(" ↺ {label}").chars().collect();
            for (k, ch) in text.into_iter().enumerate() {
                if xa + 1 + k < width {
                    row[xa + 1 + k] = ch;
                }
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
            let text: Vec<char> = label.chars().take(room).collect();
            for (k, ch) in text.into_iter().enumerate() {
                row[lo + 3 + k] = ch;
            }
        }
        let line: String = row.into_iter().collect();
        writeln!(out, "{time:>10} {}  #{}", line.trim_end(), i + 1)?;
    }
    Ok(())
}
