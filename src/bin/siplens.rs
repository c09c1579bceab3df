//! The siplens command-line tool: a thin adapter over the library.
//!
//! Each subcommand gathers a DTO from the core (`siplens::decode`,
//! `siplens::kb`, the rule registry) and prints it as text or, with
//! `--json`, as the same data serialised with serde. No SIP logic lives
//! here; what the input is comes from `siplens::triage`; text formatting
//! lives in the `report` (decode, rules), `ladder` (trace, CSV) and `wrap`
//! (output width) modules.
//!
//! Exit codes of `decode`: 0 when no finding has error severity, 1 when
//! one does, 2 when the input is unusable (`siplens::triage`: empty,
//! binary, a capture, no SIP) or cannot be read. `trace` and `redact` document theirs (the `redact`
//! module). Other subcommands: 0, or 1 on failure; 2 for usage errors
//! (clap).

#[path = "siplens/json.rs"]
mod json;
#[path = "siplens/ladder.rs"]
mod ladder;
#[path = "siplens/redact.rs"]
mod redact;
#[path = "siplens/report.rs"]
mod report;
#[path = "siplens/wrap.rs"]
mod wrap;

use std::fmt::Write as _;
use std::io::{IsTerminal as _, Read as _};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;
use siplens::kb::{self, CodeGroup, CodeInfo, CodeLookup, Comparison};
use siplens::trace::ladder::dialog_messages;
use siplens::trace::LadderFilter;
use siplens::Severity;

use report::Style;

/// SIP diagnosis for IMS / VoLTE / VoNR engineers.
#[derive(Parser)]
#[command(name = "siplens", version, about)]
struct Cli {
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Colour the text output: `auto` colours only a terminal, and only
    /// when the NO_COLOR environment variable is unset or empty.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Wrap text output at N columns (default: the COLUMNS environment
    /// variable, else 80; at least 40).
    #[arg(long, global = true, value_name = "N")]
    width: Option<usize>,
    #[command(subcommand)]
    command: Command,
}

/// When to colour text output.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    /// Colour when stdout is a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl Color {
    fn style(self) -> Style {
        Style::new(match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        })
    }
}

/// `--redact[=LEVEL]` of `decode` and `trace`, declared once.
#[derive(clap::Args, Clone, Copy)]
struct RedactArg {
    /// Redact the input first (level: identities, network — the default —
    /// or all) and decode the redacted message, trace or capture, so
    /// nothing printed holds an original identifier (see `siplens redact`).
    #[arg(
        long,
        value_name = "LEVEL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "network"
    )]
    redact: Option<redact::LevelArg>,
}

/// Keys for SIP inside IMS IPsec ESP (`trace`). SAs the capture negotiates
/// (Security-Client/-Server) with the S-CSCF's 401 holding `ck`/`ik` are
/// opened without them; ESP-NULL is read even without keys.
#[derive(clap::Args, Clone, Default)]
struct EspArgs {
    /// An ESP SA, repeatable: `spi=0x1000,enc=aes-cbc:HEX,auth=hmac-sha-1-96:HEX`
    /// (enc: null, aes-cbc with a 16-byte key, des-ede3-cbc with 24, or
    /// aes-gcm-16 with the AES key then the 4-byte salt (20, 28 or 36
    /// bytes, RFC 4106; no auth); auth: hmac-md5-96 with 16 bytes,
    /// hmac-sha-1-96 with 20, or none; optional src=IP, dst=IP, dport=PORT).
    /// The keys are the ESP keys themselves, as in Wireshark's ESP SA table.
    #[arg(long = "esp-sa", value_name = "SA")]
    esp_sa: Vec<siplens::capture::esp::Sa>,
    /// The AKA cipher key (32 hex digits) for the SAs the capture
    /// negotiates when it lacks the S-CSCF's 401 with ck=; ESP keys are
    /// derived as TS 33.203 says (aes-cbc: CK; des-ede3-cbc: CK1‖CK2‖CK1).
    /// SPIs with no negotiation in the capture are tried with them (the ICV
    /// tells the algorithms).
    #[arg(long, value_name = "HEX", requires = "ik", value_parser = key128)]
    ck: Option<[u8; 16]>,
    /// The AKA integrity key (32 hex digits), with --ck (hmac-md5-96: IK;
    /// hmac-sha-1-96: IK followed by 32 zero bits).
    #[arg(long, value_name = "HEX", requires = "ck", value_parser = key128)]
    ik: Option<[u8; 16]>,
}

impl EspArgs {
    fn keys(&self) -> siplens::capture::esp::EspKeys {
        siplens::capture::esp::EspKeys {
            sas: self.esp_sa.clone(),
            ck_ik: self.ck.zip(self.ik),
        }
    }
}

fn key128(s: &str) -> Result<[u8; 16], String> {
    siplens::capture::esp::parse_key128(s).ok_or_else(|| "expected 32 hex digits (128 bits)".into())
}

/// Subcommands.
#[derive(Subcommand)]
enum Command {
    /// Decode and diagnose one SIP message: status, likely causes with the
    /// bytes that show them, findings pointing at line:column, headers.
    ///
    /// A Wireshark packet-details copy or a hex dump (tshark -x, xxd, od,
    /// hex stream) is read back to its SIP first; of several messages the
    /// first is decoded; a note on standard error says so. A capture is
    /// refused: `siplens trace` reads it.
    ///
    /// Exit code 0: no error finding; 1: at least one error finding; 2:
    /// unusable input (empty or white space only, binary — at least 10% of
    /// the first 1024 bytes of the header section are not text —, a
    /// capture, no valid start line and no header at all, a dump without
    /// SIP) or unreadable file.
    #[command(
        after_help = "Examples:\n  siplens decode capture/486.sip\n  pbpaste | siplens decode\n  siplens decode --json msg.sip | jq .diagnosis.headline\n  siplens decode --redact --json msg.sip > for-the-ticket.json"
    )]
    Decode {
        /// File holding the message; `-` or nothing reads standard input.
        file: Option<PathBuf>,
        #[command(flatten)]
        redact: RedactArg,
    },
    /// Decode a trace of many messages — a pcap or pcapng capture, pasted
    /// text and logs, a Wireshark packet-details copy or a hex dump
    /// (auto-detected) — correlate transactions, dialogs and calls, and
    /// print a flow summary, the findings and a ladder diagram. Messages
    /// are numbered from 1 (#1), dialogs too (D1).
    ///
    /// Exit code 0: no error finding; 1: at least one error finding (flow
    /// or capture); 2: no SIP message found (one line on standard error,
    /// nothing on standard output), a filter that matches nothing, or an
    /// unreadable file.
    #[command(
        after_help = "Examples:\n  siplens trace call.pcapng\n  siplens trace --dialog 3 call.pcapng\n  siplens trace --csv call.pcapng > dialogs.csv\n  siplens trace --dialog 3 --export pcap -o call3.pcap call.pcapng\n  siplens trace --json proxy.log | jq '.dialogs[] | .state'\n  siplens trace --ndjson big.pcap | jq -c '[.index, .decoded.status.code]'"
    )]
    Trace {
        /// Capture or text file; `-` or nothing reads standard input.
        file: Option<PathBuf>,
        /// One JSON object per message (with its transaction, dialog and
        /// retransmission flag), one per line, for piping.
        #[arg(long, conflicts_with_all = ["summary"])]
        ndjson: bool,
        /// Print the summary without the ladder (with --json: counts only).
        #[arg(long)]
        summary: bool,
        #[command(flatten)]
        redact: RedactArg,
        /// Show only the messages with this Call-ID (and the dialogs and
        /// findings about them).
        #[arg(long, value_name = "ID")]
        call_id: Option<String>,
        /// Show only dialog N (as numbered in the summary: D1, D2…), its
        /// messages and the findings about them.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        dialog: Option<u32>,
        /// Print the dialog list as CSV (Call-ID, users, method, final code
        /// and reason, start time, duration, addresses) instead of the report.
        #[arg(long, conflicts_with_all = ["ndjson", "summary", "json"])]
        csv: bool,
        /// Export the call chosen with --call-id or --dialog: `text`, its
        /// messages as paste-able trace text; `pcap`, its packets cut from
        /// the capture's own bytes (pcap or pcapng, as the input). Written
        /// to standard output or to --output.
        #[arg(long, value_name = "FORMAT", conflicts_with_all = ["ndjson", "summary", "json", "csv"])]
        export: Option<ExportFormat>,
        /// With --export: the file to write (standard output if absent; a
        /// pcap is never written to a terminal).
        #[arg(long, short = 'o', value_name = "FILE", requires = "export")]
        output: Option<std::path::PathBuf>,
        #[command(flatten)]
        esp: EspArgs,
    },
    /// Replace subscriber identities and network secrets with stable,
    /// shape-keeping aliases in a text trace or a pcap/pcapng capture
    /// (auto-detected). A capture is rewritten with its SIP payloads
    /// redacted, addresses aliased, lengths and checksums fixed; non-SIP
    /// packets are dropped unless --keep-non-sip.
    ///
    /// The redacted text or capture goes to standard output or -o FILE (a
    /// capture is never written to a terminal); a summary of what was
    /// replaced goes to standard error. --json prints the report (kinds and
    /// counts, never an original value) instead; without -o it is a dry run.
    /// --map FILE writes the alias map, which holds the original values.
    ///
    /// Exit code 0: redacted; 1: the output or map could not be written, or
    /// the capture is damaged (what was readable is written); 2: unusable
    /// input (unreadable, empty, binary that is no capture) or invalid
    /// arguments.
    #[command(
        after_help = "Examples:\n  siplens redact trace.log > trace-redacted.log\n  siplens redact call.pcapng -o call-redacted.pcapng --map aliases.json\n  siplens redact --level all --exclude host msg.sip\n  siplens redact --json call.pcap | jq '.kinds[] | select(.replaced > 0)'\n  siplens redact --kinds"
    )]
    Redact {
        /// Capture or text file; `-` or nothing reads standard input.
        file: Option<PathBuf>,
        /// What to replace: identities; network (identities, IP addresses,
        /// auth secrets, SPIs, charging IDs); all (also host names,
        /// Call-IDs, tags, branches, MACs).
        #[arg(long, value_enum, default_value_t = redact::LevelArg::Network)]
        level: redact::LevelArg,
        /// Also replace this kind (repeatable; IDs from --kinds).
        #[arg(long, value_name = "KIND")]
        include: Vec<String>,
        /// Keep this kind although the level replaces it (repeatable).
        #[arg(long, value_name = "KIND")]
        exclude: Vec<String>,
        /// Write the redacted output here (`-`: standard output).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Write the alias map (JSON, holds the original values) here.
        #[arg(long, value_name = "FILE")]
        map: Option<PathBuf>,
        /// List the identifier kinds and exit.
        #[arg(long)]
        kinds: bool,
        /// Keep non-SIP packets of a capture (addresses aliased, payloads
        /// unchanged) instead of dropping them. IPsec ESP is dropped even
        /// so: it may hold SIP that cannot be rewritten.
        #[arg(long)]
        keep_non_sip: bool,
        /// No summary on standard error.
        #[arg(short, long)]
        quiet: bool,
    },
    /// List every rule (ID, slug, severity, category, what it checks, why,
    /// example, spec reference).
    Rules,
    /// Explain one status code (unknown codes are explained by their class).
    Code {
        /// The status code, e.g. 503.
        code: u16,
    },
    /// List all registered status codes, grouped by class.
    Codes,
    /// Compare two status codes side by side.
    Compare {
        /// First code.
        a: u16,
        /// Second code.
        b: u16,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    wrap::init(cli.width);
    let out = match &cli.command {
        Command::Decode { file, redact } => return decode(&cli, file.as_deref(), redact.redact),
        Command::Trace {
            file,
            ndjson,
            summary,
            redact,
            call_id,
            dialog,
            csv,
            export,
            output,
            esp,
        } => {
            let filter = LadderFilter {
                call_id: call_id.clone(),
                dialog: dialog.map(|n| n as usize - 1),
            };
            let redact = &redact.redact;
            if let Some(format) = export {
                return export_call(
                    file.as_deref(),
                    *format,
                    output.as_deref(),
                    *redact,
                    &filter,
                );
            }
            let out = if *csv {
                TraceOut::Csv
            } else if *ndjson {
                TraceOut::Ndjson
            } else if cli.json && *summary {
                TraceOut::Counts
            } else if cli.json {
                TraceOut::Json
            } else if *summary {
                TraceOut::Summary
            } else {
                TraceOut::Report
            };
            return trace(file.as_deref(), out, *redact, &filter, &esp.keys());
        }
        Command::Redact {
            file,
            level,
            include,
            exclude,
            output,
            map,
            kinds,
            keep_non_sip,
            quiet,
        } => {
            return redact::run(&redact::Args {
                file: file.as_deref(),
                level: *level,
                include,
                exclude,
                output: output.as_deref(),
                map: map.as_deref(),
                kinds: *kinds,
                keep_non_sip: *keep_non_sip,
                quiet: *quiet,
                json: cli.json,
            })
        }
        Command::Rules => {
            let rules: Vec<&siplens::RuleInfo> = siplens::RULES.iter().map(|(_, i)| i).collect();
            let style = cli.color.style();
            emit(cli.json, &rules, |r| report::rules_report(r, style))
        }
        Command::Code { code } => emit(cli.json, &kb::lookup_code(*code), render_code),
        Command::Codes => emit(cli.json, &kb::list_codes(), render_codes),
        Command::Compare { a, b } => emit(cli.json, &kb::compare_codes(*a, *b), render_compare),
    };
    match out {
        Ok(text) => {
            write_stdout(&text);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("siplens: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Exit code for unusable input (unreadable, empty, binary, no SIP).
const UNUSABLE: u8 = 2;

/// Reads `file`, or standard input for `-` or no file; an unreadable input
/// is reported on stderr and becomes exit code 2.
fn read_input(file: Option<&std::path::Path>) -> Result<Vec<u8>, ExitCode> {
    let read = match file {
        None => read_stdin(),
        Some(p) if p.as_os_str() == "-" => read_stdin(),
        Some(p) => std::fs::read(p).map_err(|e| format!("{}: {e}", p.display())),
    };
    read.map_err(|e| {
        eprintln!("siplens: cannot read {e}");
        ExitCode::from(UNUSABLE)
    })
}

/// `--redact`: the input redacted at `level` (a capture rewritten, text
/// redacted), with one line on stderr saying how much was replaced.
fn redacted_input(bytes: Vec<u8>, level: redact::LevelArg) -> Vec<u8> {
    let opts = siplens::redact::RedactOptions::level(level.into());
    let (output, report) = if siplens::trace::capture::is_capture(&bytes) {
        let r = siplens::redact::capture::redact_capture(&bytes, &opts);
        (r.output, r.report)
    } else {
        let r = siplens::redact::redact_text(&bytes, &opts);
        (r.output, r.report)
    };
    eprintln!(
        "siplens: redacted ({}): {} replacements of {} values",
        report.level.name(),
        report.total,
        report.aliases.len()
    );
    output
}

/// The name of the input in messages.
fn input_name(file: Option<&std::path::Path>) -> String {
    match file {
        Some(p) if p.as_os_str() != "-" => p.display().to_string(),
        _ => "standard input".into(),
    }
}

/// `siplens decode`: reads, triages, decodes, prints; the exit code says
/// whether an error finding was raised.
fn decode(cli: &Cli, file: Option<&std::path::Path>, level: Option<redact::LevelArg>) -> ExitCode {
    let bytes = match read_input(file) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let name = input_name(file);
    let t = siplens::triage::triage(&bytes);
    let shown = match file {
        Some(p) if p.as_os_str() != "-" => p.display().to_string(),
        _ => "FILE".into(),
    };
    let capture_hint = || {
        eprintln!(
            "siplens: {name} is {}: `siplens decode` reads one SIP message; use `siplens trace {shown}`",
            if t.kind == siplens::triage::InputKind::Capture {
                t.note.clone()
            } else {
                format!("{} of a capture", t.note)
            }
        );
        ExitCode::from(UNUSABLE)
    };
    if t.kind == siplens::triage::InputKind::Capture {
        return capture_hint();
    }
    if !t.is_usable() {
        eprintln!("siplens: {}", t.note);
        return ExitCode::from(UNUSABLE);
    }
    let source = t.bytes(&bytes);
    if siplens::trace::capture::is_capture(source) {
        return capture_hint();
    }
    // A copy, a dump or a trace: the first message, with a note saying so.
    let message = if t.extracted.is_some() || t.kind == siplens::triage::InputKind::SipTrace {
        let raws = siplens::trace::text::split_text(source);
        let more = if raws.len() > 1 {
            format!(
                "; decoding the first of {} messages (`siplens trace` reads them all)",
                raws.len()
            )
        } else {
            String::new()
        };
        eprintln!("siplens: note: {name}: {}{more}", t.note);
        raws.into_iter()
            .next()
            .map_or_else(|| source.to_vec(), |r| r.bytes)
    } else {
        bytes
    };
    let message = match level {
        Some(level) => redacted_input(message, level),
        None => message,
    };
    let msg = siplens::parse_message(&message);
    let decoded = siplens::diagnose(&msg);
    let style = cli.color.style();
    match emit(cli.json, &decoded, |d| {
        report::decode_report(d, &message, style)
    }) {
        Ok(text) => write_stdout(&text),
        Err(e) => {
            eprintln!("siplens: {e}");
            return ExitCode::FAILURE;
        }
    }
    if decoded
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error)
    {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `siplens trace --export`: what to write of the chosen call.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExportFormat {
    /// Its messages as paste-able trace text (number, time, addresses).
    Text,
    /// Its packets: the capture's own frames, in the capture's format.
    Pcap,
}

/// Reads and triages the input of `trace` (and redacts it when asked):
/// the bytes to decode, or the exit code after one line on stderr.
fn trace_input(
    file: Option<&std::path::Path>,
    level: Option<redact::LevelArg>,
) -> Result<Vec<u8>, ExitCode> {
    let bytes = read_input(file)?;
    triaged_input(bytes, file, level)
}

/// [`trace_input`] once the bytes are read.
fn triaged_input(
    bytes: Vec<u8>,
    file: Option<&std::path::Path>,
    level: Option<redact::LevelArg>,
) -> Result<Vec<u8>, ExitCode> {
    let name = input_name(file);
    let t = siplens::triage::triage(&bytes);
    if !t.is_usable() {
        eprintln!("siplens: {name}: {}", t.note);
        return Err(ExitCode::from(UNUSABLE));
    }
    let bytes = match t.extracted {
        Some(x) => {
            eprintln!("siplens: note: {name}: {}", t.note);
            x
        }
        None => bytes,
    };
    Ok(match level {
        Some(level) => redacted_input(bytes, level),
        None => bytes,
    })
}

/// `siplens trace --export`: the messages of the call chosen with
/// `--call-id` or `--dialog`, as text or as the capture's own packets
/// ([`siplens::trace::export`]).
fn export_call(
    file: Option<&std::path::Path>,
    format: ExportFormat,
    output: Option<&std::path::Path>,
    level: Option<redact::LevelArg>,
    filter: &LadderFilter,
) -> ExitCode {
    use siplens::trace::export;
    use std::io::{IsTerminal as _, Write as _};
    if filter.is_empty() {
        eprintln!("siplens: --export needs --call-id ID or --dialog N: which call to export");
        return ExitCode::from(UNUSABLE);
    }
    let bytes = match trace_input(file, level) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let t = siplens::trace::decode_any(&bytes);
    if t.messages.is_empty() {
        eprintln!("siplens: no SIP message found in {}", input_name(file));
        return ExitCode::from(UNUSABLE);
    }
    let keep = filter.kept(&t.ladder).unwrap_or_default();
    let chosen: Vec<usize> = (0..t.messages.len())
        .filter(|&i| keep.get(i).copied().unwrap_or(false))
        .collect();
    if chosen.is_empty() {
        return nothing_matched(filter, t.dialogs.len());
    }
    let data = match format {
        ExportFormat::Text => export::messages_text(&t, &chosen).into_bytes(),
        ExportFormat::Pcap => {
            if t.source == "text" {
                eprintln!("siplens: --export pcap needs a pcap or pcapng capture as input (this is text); use --export text");
                return ExitCode::from(UNUSABLE);
            }
            match export::capture_frames(&bytes, &export::message_frames(&t, &chosen)) {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("siplens: cannot cut the capture: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
    };
    let written = match output {
        Some(path) => std::fs::write(path, &data),
        None if format == ExportFormat::Pcap && std::io::stdout().is_terminal() => {
            eprintln!("siplens: a pcap is binary: write it with -o FILE or redirect the output");
            return ExitCode::from(UNUSABLE);
        }
        None => {
            let mut w = std::io::stdout().lock();
            w.write_all(&data).and_then(|()| w.flush())
        }
    };
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("siplens: cannot write the export: {e}");
            ExitCode::FAILURE
        }
        _ => ExitCode::SUCCESS,
    }
}

/// Bytes read at a time from a capture file that `trace` streams.
const CHUNK: usize = 1 << 16;

/// The input of `trace`: whole bytes, or a capture file still to be read.
enum TraceSource {
    /// Read whole (standard input, text, `--redact`), triaged.
    Bytes(Vec<u8>),
    /// A pcap / pcapng file, its first bytes read: the rest is read
    /// [`CHUNK`] bytes at a time, so the file is never held whole.
    Capture(std::fs::File, Vec<u8>),
}

/// Opens the input of `trace`. A capture file (not standard input, not
/// redacted) is left to be read in chunks; anything else is read and
/// triaged as [`trace_input`] does.
fn trace_source(
    file: Option<&std::path::Path>,
    level: Option<redact::LevelArg>,
) -> Result<TraceSource, ExitCode> {
    use std::io::Read as _;
    let path = match file {
        Some(p) if p.as_os_str() != "-" && level.is_none() => p,
        _ => return trace_input(file, level).map(TraceSource::Bytes),
    };
    let cannot = |e: std::io::Error| {
        eprintln!("siplens: cannot read {}: {e}", path.display());
        ExitCode::from(UNUSABLE)
    };
    let mut f = std::fs::File::open(path).map_err(cannot)?;
    let mut head = Vec::with_capacity(CHUNK);
    (&mut f)
        .take(CHUNK as u64)
        .read_to_end(&mut head)
        .map_err(cannot)?;
    if siplens::trace::capture::is_capture(&head) {
        return Ok(TraceSource::Capture(f, head));
    }
    f.read_to_end(&mut head).map_err(cannot)?;
    triaged_input(head, file, level).map(TraceSource::Bytes)
}

/// The flow summary of `source` ([`siplens::trace::stream_any_keys`]);
/// with `each`, every message is diagnosed and handed over as it is read.
/// A capture file goes through a [`siplens::trace::incremental::TraceStream`]
/// in [`CHUNK`]-byte pieces: the same messages and summary, and memory
/// that holds the summaries but never the file.
fn summarise(
    source: TraceSource,
    name: &str,
    keys: &siplens::capture::esp::EspKeys,
    mut each: Option<&mut dyn FnMut(siplens::trace::TraceMessage)>,
) -> Result<siplens::trace::TraceSummary, ExitCode> {
    use std::io::Read as _;
    let (mut f, head) = match source {
        TraceSource::Bytes(bytes) => {
            return Ok(siplens::trace::stream_any_keys(&bytes, keys, each))
        }
        TraceSource::Capture(f, head) => (f, head),
    };
    use siplens::trace::incremental::TraceStream;
    let mut stream = if each.is_some() {
        TraceStream::with_keys(keys.clone())
    } else {
        TraceStream::summary_only(keys.clone())
    };
    let mut hand = |messages: Vec<siplens::trace::TraceMessage>| {
        if let Some(each) = each.as_mut() {
            messages.into_iter().for_each(each);
        }
    };
    hand(stream.push(&head));
    drop(head);
    let mut buf = vec![0u8; CHUNK];
    loop {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hand(stream.push(&buf[..n])),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                eprintln!("siplens: cannot read {name}: {e}");
                return Err(ExitCode::from(UNUSABLE));
            }
        }
    }
    let (last, summary) = stream.finish();
    hand(last);
    Ok(summary)
}

/// What `siplens trace` prints.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TraceOut {
    /// Summary and ladder.
    Report,
    /// `--summary`.
    Summary,
    /// `--json`: the whole [`siplens::Trace`].
    Json,
    /// `--json --summary`: counts.
    Counts,
    /// `--ndjson`.
    Ndjson,
    /// `--csv`: the dialog list.
    Csv,
}

/// `siplens trace`: reads a capture or text, decodes the flow, prints it.
///
/// `--json` builds the whole [`siplens::Trace`]; every other output streams
/// ([`siplens::trace::stream_any`]): `--ndjson` writes each message as soon
/// as it is decoded, and the summary and ladder never run the
/// single-message diagnosis at all. Input without any SIP message is one
/// line on standard error and exit code 2, with nothing on standard output.
fn trace(
    file: Option<&std::path::Path>,
    out: TraceOut,
    level: Option<redact::LevelArg>,
    filter: &LadderFilter,
    keys: &siplens::capture::esp::EspKeys,
) -> ExitCode {
    use std::io::Write as _;
    let name = input_name(file);
    let no_sip = |findings: &[siplens::trace::FlowFinding]| {
        let why = findings
            .iter()
            .map(|f| f.message.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        eprintln!(
            "siplens: no SIP message found in {name}{}",
            if why.is_empty() {
                String::new()
            } else {
                format!(": {why}")
            }
        );
        ExitCode::from(UNUSABLE)
    };
    let wanted = |m: &siplens::trace::TraceMessage| {
        filter.call_id.is_none() && filter.dialog.is_none()
            || filter
                .call_id
                .as_deref()
                .is_some_and(|id| m.decoded.call_id.as_deref() == Some(id))
            || filter.dialog.is_some_and(|n| m.dialog_id == Some(n))
    };
    if out == TraceOut::Json {
        let bytes = match trace_input(file, level) {
            Ok(b) => b,
            Err(code) => return code,
        };
        let mut t = siplens::trace::decode_any_keys(&bytes, keys);
        drop(bytes);
        if t.messages.is_empty() {
            return no_sip(&t.capture_findings);
        }
        let code = trace_exit(t.findings.iter().chain(&t.capture_findings));
        if !filter.is_empty() {
            // Only the chosen messages, and the dialogs, transactions and
            // findings about them; indices stay those of the whole trace.
            let keep = filter.kept(&t.ladder).unwrap_or_default();
            if !keep.contains(&true) {
                return nothing_matched(filter, t.dialogs.len());
            }
            let kept = |i: &usize| keep.get(*i).copied().unwrap_or(false);
            t.dialogs
                .retain(|d| dialog_messages(&t.transactions, d).iter().any(kept));
            t.ladder = t.ladder.filter(filter);
            t.messages.retain(|m| kept(&m.index));
            t.transactions
                .retain(|x| x.requests.iter().chain(&x.responses).any(kept));
            t.findings.retain(|f| f.messages.iter().any(kept));
            t.capture_findings.retain(|f| f.messages.iter().any(kept));
            if let Some(m) = t.media.as_mut() {
                m.streams
                    .retain(|s| s.sdp_message.as_ref().is_some_and(kept));
            }
        }
        // Streamed: a big capture's JSON is not built in memory first.
        let mut w = std::io::BufWriter::new(std::io::stdout().lock());
        let written = serde_json::to_writer_pretty(&mut w, &t)
            .map_err(std::io::Error::from)
            .and_then(|()| w.write_all(b"\n"))
            .and_then(|()| w.flush());
        return match written {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                eprintln!("siplens: cannot write the output: {e}");
                ExitCode::FAILURE
            }
            _ => code,
        };
    }
    // Every other output streams, a capture file in chunks.
    let source = match trace_source(file, level) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if out == TraceOut::Ndjson {
        // One object per line, written as each message is decoded. The
        // lines are serialised into one reused buffer (serde_json's many
        // small writes — every key, number and string fragment — go to a
        // `Vec`, not through `BufWriter::write_all` one by one) and the
        // buffer goes to standard output whole, ending on a line end, when
        // it holds 64 KiB (docs/PERFORMANCE.md, issue 14).
        const FLUSH_AT: usize = 1 << 16;
        let mut w = std::io::stdout().lock();
        let mut line: Vec<u8> = Vec::with_capacity(2 * FLUSH_AT);
        let mut written: std::io::Result<()> = Ok(());
        let mut shown = 0usize;
        let mut each = |m: siplens::trace::TraceMessage| {
            if written.is_ok() && wanted(&m) {
                shown += 1;
                written = json::to_vec(&mut line, &m)
                    .map_err(std::io::Error::from)
                    .and_then(|()| {
                        line.push(b'\n');
                        if line.len() >= FLUSH_AT {
                            let r = w.write_all(&line);
                            line.clear();
                            r
                        } else {
                            Ok(())
                        }
                    });
            }
        };
        let t = match summarise(source, &name, keys, Some(&mut each)) {
            Ok(t) => t,
            Err(code) => return code,
        };
        match written
            .and_then(|()| w.write_all(&line))
            .and_then(|()| w.flush())
        {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                eprintln!("siplens: cannot write the output: {e}");
                return ExitCode::FAILURE;
            }
            _ => {}
        }
        if t.messages.is_empty() {
            return no_sip(&t.capture_findings);
        }
        if shown == 0 {
            return nothing_matched(filter, t.dialogs.len());
        }
        return trace_exit(t.findings.iter().chain(&t.capture_findings));
    }
    // The CSV shows each dialog's start time as the trace wrote it.
    let mut timestamps = Vec::new();
    let t = if out == TraceOut::Csv {
        let mut each = |m: siplens::trace::TraceMessage| timestamps.push(m.timestamp);
        summarise(source, &name, keys, Some(&mut each))
    } else {
        summarise(source, &name, keys, None)
    };
    let t = match t {
        Ok(t) => t,
        Err(code) => return code,
    };
    if t.messages.is_empty() {
        return no_sip(&t.capture_findings);
    }
    let view = t.ladder_view(filter);
    let keep = view.kept();
    if keep.is_some_and(|k| !k.contains(&true)) {
        return nothing_matched(filter, t.dialogs.len());
    }
    let text = match out {
        TraceOut::Counts => {
            // With a filter, what it selects is counted.
            let kept = |i: &usize| keep.is_none_or(|k| k.get(*i).copied().unwrap_or(false));
            let counts = serde_json::json!({
                "source": t.source,
                "frames": t.frames,
                "messages": t.messages.iter().filter(|m| kept(&m.index)).count(),
                "retransmissions": t
                    .messages
                    .iter()
                    .filter(|m| m.retransmission && kept(&m.index))
                    .count(),
                "transactions": t
                    .transactions
                    .iter()
                    .filter(|x| x.requests.iter().chain(&x.responses).any(kept))
                    .count(),
                "dialogs": t
                    .dialogs
                    .iter()
                    .filter(|d| dialog_messages(&t.transactions, d).iter().any(kept))
                    .count(),
                "calls": t.calls.iter().filter(|c| c.messages.iter().any(kept)).count(),
                "findings": t
                    .findings
                    .iter()
                    .filter(|f| keep.is_none() || f.messages.iter().any(kept))
                    .count(),
                "captureFindings": t
                    .capture_findings
                    .iter()
                    .filter(|f| keep.is_none() || f.messages.iter().any(kept))
                    .count(),
            });
            match serde_json::to_string_pretty(&counts) {
                Ok(s) => s + "\n",
                Err(e) => {
                    eprintln!("siplens: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        TraceOut::Csv => ladder::csv(&t, keep, &timestamps),
        TraceOut::Summary => ladder::summary(&t, &name, keep),
        _ => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            let written = ladder::write_report(&t, &name, &view, &mut w).and_then(|()| w.flush());
            if let Err(e) = written {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    eprintln!("siplens: cannot write the output: {e}");
                    return ExitCode::FAILURE;
                }
            }
            String::new()
        }
    };
    write_stdout(&text);
    trace_exit(t.findings.iter().chain(&t.capture_findings))
}

/// A `--call-id` or `--dialog` that selects no message: one line, exit 2.
fn nothing_matched(filter: &LadderFilter, dialogs: usize) -> ExitCode {
    match (&filter.call_id, filter.dialog) {
        (Some(id), _) => eprintln!("siplens: no message has the Call-ID {id}"),
        (None, Some(n)) => eprintln!(
            "siplens: no dialog D{}: the trace has {}",
            n + 1,
            match dialogs {
                0 => "no dialog".to_owned(),
                1 => "one dialog, D1".to_owned(),
                n => format!("{n} dialogs, D1 to D{n}"),
            }
        ),
        (None, None) => {}
    }
    ExitCode::from(UNUSABLE)
}

/// Exit code of `trace` with messages: 1 with an `error` flow or capture
/// finding, else 0.
fn trace_exit<'a>(mut findings: impl Iterator<Item = &'a siplens::trace::FlowFinding>) -> ExitCode {
    if findings.any(|f| f.severity == Severity::Error) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints `text`; a reader that went away (`siplens decode x | head`)
/// is not an error.
fn write_stdout(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("siplens: cannot write the output: {e}");
        }
    }
}

fn read_stdin() -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    std::io::stdin()
        .read_to_end(&mut buf)
        .map_err(|e| format!("standard input: {e}"))?;
    Ok(buf)
}

/// Renders `value` as pretty JSON or with the text renderer.
fn emit<T: Serialize + ?Sized>(
    json: bool,
    value: &T,
    text: impl FnOnce(&T) -> String,
) -> Result<String, serde_json::Error> {
    if json {
        serde_json::to_string_pretty(value).map(|s| s + "\n")
    } else {
        Ok(text(value))
    }
}

fn render_code(l: &CodeLookup) -> String {
    let mut s = String::new();
    let c = l.info;
    let title = if l.known {
        format!("{} {}", c.code, c.reason)
    } else if c.code == 0 {
        format!("{}: {}", l.requested, c.reason)
    } else {
        format!(
            "{} (unregistered): read as {} {}",
            l.requested, c.code, c.reason
        )
    };
    wrap::block(&mut s, &title, 0);
    if let Some(note) = l.note {
        wrap::block(&mut s, note, 2);
    }
    let finality = match (c.class, c.is_final) {
        (siplens::StatusClass::Invalid, _) => "neither final nor provisional",
        (_, true) => "final",
        (_, false) => "provisional",
    };
    field(&mut s, "Class", &format!("{}, {finality}", c.class.label()));
    field(&mut s, "Spec", c.spec);
    field(&mut s, "Meaning", c.description);
    field(&mut s, "Purpose", c.purpose);
    field(&mut s, "When you see it", c.when);
    field(&mut s, "Methods", &c.methods.join(", "));
    render_ims(&mut s, c);
    if !c.headers.is_empty() {
        s.push_str("Headers:\n");
        for h in c.headers {
            let head = format!("  {:<6} {}: ", h.presence.label(), h.name);
            s.push_str(&head);
            wrap::wrap_into(&mut s, h.why, wrap::columns(&head), 9);
        }
    }
    list(&mut s, "Likely causes", c.causes, true);
    list(&mut s, "Inspect", c.inspect, false);
    field(&mut s, "Fix", c.fix);
    field(
        &mut s,
        "Retry",
        &format!("{}. {}", c.retry.policy.label(), c.retry.note),
    );
    let related: Vec<String> = c
        .related
        .iter()
        .map(|r| format!("{r} {}", kb::status_info(*r).reason))
        .collect();
    field(&mut s, "Related", &related.join(", "));
    if let Some(note) = c.note {
        field(&mut s, "Note", note);
    }
    s
}

fn render_ims(s: &mut String, c: &CodeInfo) {
    let ims = &c.ims;
    if !ims.typical {
        field(s, "IMS", &format!("not typical in IMS. {}", ims.note));
        return;
    }
    s.push_str("IMS:\n");
    for (label, value) in [
        ("Senders", ims.senders.join(", ")),
        ("Direction", ims.direction.to_string()),
        ("Interfaces", ims.interfaces.join(", ")),
        ("Procedures", ims.procedures.join(", ")),
        ("Before", ims.before.to_string()),
        ("After", ims.after.to_string()),
        ("Clause", ims.clause.to_string()),
        ("Note", ims.note.to_string()),
    ] {
        wrap::field(s, 2, label, &value, 4);
    }
}

/// `Label: value`, wrapped with a hanging indent.
fn field(s: &mut String, label: &str, value: &str) {
    wrap::field(s, 0, label, value, 2);
}

fn list(s: &mut String, label: &str, items: &[&str], numbered: bool) {
    let _ = writeln!(s, "{label}:");
    for (i, item) in items.iter().enumerate() {
        let head = if numbered {
            format!("  {}. ", i + 1)
        } else {
            "  - ".to_owned()
        };
        s.push_str(&head);
        wrap::wrap_into(s, item, head.len(), head.len());
    }
}

fn render_codes(groups: &Vec<CodeGroup>) -> String {
    let mut s = String::new();
    let reason_width = groups
        .iter()
        .flat_map(|g| &g.codes)
        .map(|c| c.reason.chars().count())
        .max()
        .unwrap_or(0);
    // Code and reason, then the description wrapped beside them; on a
    // narrow terminal the description goes under them.
    let beside = 2 + 4 + reason_width + 1;
    let narrow = wrap::width() < beside + 30;
    for g in groups {
        wrap::block(&mut s, &format!("{} {}", g.range, g.label), 0);
        for c in &g.codes {
            if narrow {
                let _ = writeln!(s, "  {} {}", c.code, c.reason);
                wrap::block(&mut s, c.description, 6);
            } else {
                let _ = write!(s, "  {} {:<reason_width$} ", c.code, c.reason);
                wrap::wrap_into(&mut s, c.description, beside, beside);
            }
        }
    }
    s
}

fn render_compare(c: &Comparison) -> String {
    let mut s = String::new();
    for side in [&c.a, &c.b] {
        let read_as = if side.known || side.code == 0 {
            String::new()
        } else {
            format!(" (unregistered {}, read as {})", side.requested, side.code)
        };
        let title = format!(
            "{} {}{read_as}: {} class, {}",
            side.code,
            side.reason,
            side.class.label(),
            if side.is_final {
                "final"
            } else {
                "provisional"
            }
        );
        wrap::block(&mut s, &title, 0);
        for (label, value) in [
            ("Meaning", side.description),
            ("When", side.when),
            ("Fix", side.fix),
        ] {
            wrap::field(&mut s, 2, label, value, 4);
        }
    }
    s.push_str("Key differences:\n");
    for d in c.differences() {
        wrap::field(&mut s, 2, d.aspect, &format!("{} | {}", d.a, d.b), 4);
    }
    let same: Vec<&str> = c
        .aspects
        .iter()
        .filter(|a| !a.differs)
        .map(|a| a.aspect)
        .collect();
    if !same.is_empty() {
        field(&mut s, "Same", &same.join(", "));
    }
    s
}
