//! `siplens redact`: text traces and pcap/pcapng captures with identities
//! and network secrets replaced by stable aliases (`siplens::redact`).
//!
//! Where things go: the redacted text or capture to standard output or
//! `-o FILE` (a capture is never written to a terminal); the alias map,
//! which holds the original values, only to `--map FILE`; the report
//! (`--json`: kinds and counts, never an original value) to standard
//! output; a one-paragraph summary to standard error unless `--quiet`.
//!
//! Exit codes: 0 redacted; 1 the output or map could not be written, or
//! the capture is damaged (what was readable is written); 2 unusable input
//! (unreadable, empty, binary that is no capture) or invalid arguments
//! (an unknown kind, a capture for a terminal, `--json` with `-o -`).

use std::fmt::Write as _;
use std::io::{IsTerminal as _, Write as _};
use std::path::Path;
use std::process::ExitCode;

use clap::ValueEnum;
use serde::Serialize;
use siplens::redact::capture::{redact_capture_with, CaptureOptions, NonSipPackets, PacketCounts};
use siplens::redact::{redact_text, KindCount, Level, RedactOptions, Report, KINDS};

use crate::UNUSABLE;

/// Version of the `redact --json` report (`schema/redact.schema.json`).
pub const REDACT_SCHEMA_VERSION: u32 = 1;

/// `--level`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    /// Subscriber identities: IMSI, phone numbers, user and display names,
    /// device IDs, cell IDs.
    Identities,
    /// Identities plus IP addresses, auth secrets, IPsec SPIs, charging IDs.
    Network,
    /// Everything: also host names, Call-IDs, tags, branches, MACs.
    All,
}

impl From<LevelArg> for Level {
    fn from(l: LevelArg) -> Level {
        match l {
            LevelArg::Identities => Level::Identities,
            LevelArg::Network => Level::Network,
            LevelArg::All => Level::All,
        }
    }
}

/// The arguments of `siplens redact`.
pub struct Args<'a> {
    pub file: Option<&'a Path>,
    pub level: LevelArg,
    pub include: &'a [String],
    pub exclude: &'a [String],
    pub output: Option<&'a Path>,
    pub map: Option<&'a Path>,
    pub kinds: bool,
    pub keep_non_sip: bool,
    pub quiet: bool,
    pub json: bool,
}

/// The `--json` report: what was replaced, by kind, without any original
/// value (those are only in the `--map` file).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary<'a> {
    schema_version: u32,
    /// `text`, `pcap` or `pcapng`.
    source: &'static str,
    level: Level,
    include: &'a [String],
    exclude: &'a [String],
    kinds: &'a [KindCount],
    /// Replacements.
    total: usize,
    /// Distinct values replaced.
    distinct: usize,
    /// Captures only.
    packets: Option<PacketCounts>,
    /// False when a damaged capture was redacted only up to the damage.
    complete: bool,
    notes: &'a [String],
}

/// Runs `siplens redact`.
pub fn run(a: &Args<'_>) -> ExitCode {
    if a.kinds {
        return kinds(a.json);
    }
    let opts = RedactOptions {
        level: a.level.into(),
        include: a.include.to_vec(),
        exclude: a.exclude.to_vec(),
    };
    if let Err(e) = opts.validate() {
        eprintln!("siplens: {e}");
        return ExitCode::from(UNUSABLE);
    }
    let to_stdout = a.output.is_none_or(|p| p.as_os_str() == "-");
    if a.json && a.output.is_some_and(|p| p.as_os_str() == "-") {
        eprintln!("siplens: --json prints the report on standard output; give -o a file");
        return ExitCode::from(UNUSABLE);
    }
    let bytes = match crate::read_input(a.file) {
        Ok(b) => b,
        Err(code) => return code,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        eprintln!("siplens: empty input: nothing to redact");
        return ExitCode::from(UNUSABLE);
    }
    let capture = siplens::trace::capture::is_capture(&bytes);
    // With --json and no -o, only the report is printed (a dry run).
    let write_output = !(a.json && a.output.is_none());
    if capture && to_stdout && write_output && std::io::stdout().is_terminal() {
        eprintln!(
            "siplens: refusing to write a binary capture to a terminal; give -o FILE or redirect standard output"
        );
        return ExitCode::from(UNUSABLE);
    }
    let (output, report, source, packets, complete, notes) = if capture {
        let copts = CaptureOptions {
            non_sip: if a.keep_non_sip {
                NonSipPackets::Keep
            } else {
                NonSipPackets::Drop
            },
        };
        let r = redact_capture_with(&bytes, &opts, copts);
        (
            r.output,
            r.report,
            r.format,
            Some(r.packets),
            r.complete,
            r.notes,
        )
    } else {
        let t = siplens::triage::triage(&bytes);
        if matches!(
            t.kind,
            siplens::triage::InputKind::Empty | siplens::triage::InputKind::Binary
        ) {
            eprintln!("siplens: {}", t.note);
            return ExitCode::from(UNUSABLE);
        }
        let r = redact_text(&bytes, &opts);
        (r.output, r.report, "text", None, true, Vec::new())
    };
    let mut failed = false;
    if let Some(path) = a.map {
        let json = serde_json::to_string_pretty(&report).map(|s| s + "\n");
        if let Err(e) = json
            .map_err(std::io::Error::from)
            .and_then(|s| std::fs::write(path, s))
        {
            eprintln!(
                "siplens: cannot write the alias map {}: {e}",
                path.display()
            );
            failed = true;
        }
    }
    if write_output {
        let written = match a.output {
            Some(p) if p.as_os_str() != "-" => {
                std::fs::write(p, &output).map_err(|e| format!("cannot write {}: {e}", p.display()))
            }
            _ => {
                let mut out = std::io::stdout().lock();
                match out.write_all(&output).and_then(|()| out.flush()) {
                    Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                        Err(format!("cannot write the output: {e}"))
                    }
                    _ => Ok(()),
                }
            }
        };
        if let Err(e) = written {
            eprintln!("siplens: {e}");
            failed = true;
        }
    }
    if a.json {
        let s = Summary {
            schema_version: REDACT_SCHEMA_VERSION,
            source,
            level: report.level,
            include: a.include,
            exclude: a.exclude,
            kinds: &report.kinds,
            total: report.total,
            distinct: report.aliases.len(),
            packets,
            complete,
            notes: &notes,
        };
        match serde_json::to_string_pretty(&s) {
            Ok(text) => crate::write_stdout(&(text + "\n")),
            Err(e) => {
                eprintln!("siplens: {e}");
                failed = true;
            }
        }
    }
    if !a.quiet {
        eprint!("{}", summary(&report, packets.as_ref(), &notes, a.map));
    }
    if failed || !complete {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `--kinds`: the table of identifier kinds.
fn kinds(json: bool) -> ExitCode {
    if json {
        match serde_json::to_string_pretty(KINDS) {
            Ok(s) => crate::write_stdout(&(s + "\n")),
            Err(e) => {
                eprintln!("siplens: {e}");
                return ExitCode::FAILURE;
            }
        }
        return ExitCode::SUCCESS;
    }
    let mut s = String::new();
    let _ = writeln!(s, "{:<13} {:<11} what", "kind", "from level");
    for k in KINDS {
        let _ = writeln!(s, "{:<13} {:<11} {}", k.id, k.level.name(), k.covers);
    }
    s.push_str(
        "\nEach level includes the ones before it: identities < network < all.\n\
         --include KIND adds a kind below its level, --exclude KIND keeps one.\n",
    );
    crate::write_stdout(&s);
    ExitCode::SUCCESS
}

/// The summary on standard error: counts by kind, packets, notes. No
/// original value.
fn summary(
    report: &Report,
    packets: Option<&PacketCounts>,
    notes: &[String],
    map: Option<&Path>,
) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "siplens: redacted {} occurrence(s) of {} value(s) at level {}",
        report.total,
        report.aliases.len(),
        report.level.name()
    );
    let used: Vec<String> = report
        .kinds
        .iter()
        .filter(|k| k.replaced > 0)
        .map(|k| format!("{} {} ({} distinct)", k.kind, k.replaced, k.distinct))
        .collect();
    if used.is_empty() {
        s.push_str(": nothing to replace\n");
    } else {
        let _ = writeln!(s, ": {}", used.join(", "));
    }
    if let Some(p) = packets {
        let _ = write!(
            s,
            "  packets: {} read, {} written ({} SIP, {} changed)",
            p.read, p.written, p.sip, p.changed
        );
        for (n, what) in [
            (
                p.non_sip_dropped,
                "non-SIP dropped (--keep-non-sip keeps them)",
            ),
            (p.non_sip_kept, "non-SIP kept with addresses aliased"),
            (
                p.esp_dropped,
                "IPsec ESP dropped (may hold SIP that cannot be rewritten)",
            ),
            (
                p.fragments_merged,
                "IP fragments merged into their reassembled datagram",
            ),
            (p.unreadable_dropped, "non-IP or unsupported frames dropped"),
            (p.oversize_dropped, "dropped (too long once redacted)"),
            (p.blocks_dropped, "pcapng blocks dropped"),
        ] {
            if n > 0 {
                let _ = write!(s, ", {n} {what}");
            }
        }
        s.push('\n');
    }
    for n in notes {
        let _ = writeln!(s, "  note: {n}");
    }
    if let Some(m) = map {
        let _ = writeln!(
            s,
            "  alias map (original values: keep it private) written to {}",
            m.display()
        );
    }
    s
}
