//! The siplens command-line tool: a thin adapter over the library.
//!
//! Each subcommand gathers a DTO from the core (`siplens::kb`, later the
//! parser and diagnosis engine) and prints it as text or, with `--json`, as
//! the same data serialised with serde. No SIP logic lives here.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde::Serialize;
use siplens::kb::{self, CodeGroup, CodeInfo, CodeLookup, Comparison};

/// SIP diagnosis for IMS / VoLTE / VoNR engineers.
#[derive(Parser)]
#[command(name = "siplens", version, about)]
struct Cli {
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

/// Subcommands; `decode`, `trace` and `redact` will join as variants.
#[derive(Subcommand)]
enum Command {
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
    let out = match &cli.command {
        Command::Code { code } => emit(cli.json, &kb::lookup_code(*code), render_code),
        Command::Codes => emit(cli.json, &kb::list_codes(), render_codes),
        Command::Compare { a, b } => emit(cli.json, &kb::compare_codes(*a, *b), render_compare),
    };
    match out {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("siplens: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Renders `value` as pretty JSON or with the text renderer.
fn emit<T: Serialize + ?Sized>(
    json: bool,
    value: &T,
    text: fn(&T) -> String,
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
    if l.known {
        let _ = writeln!(s, "{} {}", c.code, c.reason);
    } else if c.code == 0 {
        let _ = writeln!(s, "{}: {}", l.requested, c.reason);
    } else {
        let _ = writeln!(
            s,
            "{} (unregistered): read as {} {}",
            l.requested, c.code, c.reason
        );
    }
    if let Some(note) = l.note {
        let _ = writeln!(s, "  {note}");
    }
    let finality = match (c.class, c.is_final) {
        (siplens::StatusClass::Invalid, _) => "neither final nor provisional",
        (_, true) => "final",
        (_, false) => "provisional",
    };
    let _ = writeln!(s, "Class: {}, {finality}", c.class.label());
    field(&mut s, "Spec", c.spec);
    field(&mut s, "Meaning", c.description);
    field(&mut s, "Purpose", c.purpose);
    field(&mut s, "When you see it", c.when);
    field(&mut s, "Methods", &c.methods.join(", "));
    render_ims(&mut s, c);
    if !c.headers.is_empty() {
        s.push_str("Headers:\n");
        for h in c.headers {
            let _ = writeln!(s, "  {:<6} {}: {}", h.presence.label(), h.name, h.why);
        }
    }
    list(&mut s, "Likely causes", c.causes, true);
    list(&mut s, "Inspect", c.inspect, false);
    field(&mut s, "Fix", c.fix);
    let _ = writeln!(s, "Retry: {}. {}", c.retry.policy.label(), c.retry.note);
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
        let _ = writeln!(s, "IMS: not typical in IMS. {}", ims.note);
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
        let _ = writeln!(s, "  {label}: {value}");
    }
}

fn field(s: &mut String, label: &str, value: &str) {
    let _ = writeln!(s, "{label}: {value}");
}

fn list(s: &mut String, label: &str, items: &[&str], numbered: bool) {
    let _ = writeln!(s, "{label}:");
    for (i, item) in items.iter().enumerate() {
        if numbered {
            let _ = writeln!(s, "  {}. {item}", i + 1);
        } else {
            let _ = writeln!(s, "  - {item}");
        }
    }
}

fn render_codes(groups: &Vec<CodeGroup>) -> String {
    let mut s = String::new();
    for g in groups {
        let _ = writeln!(s, "{} {}", g.range, g.label);
        for c in &g.codes {
            let _ = writeln!(s, "  {} {:<40} {}", c.code, c.reason, c.description);
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
        let _ = writeln!(
            s,
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
        let _ = writeln!(s, "  Meaning: {}", side.description);
        let _ = writeln!(s, "  When: {}", side.when);
        let _ = writeln!(s, "  Fix: {}", side.fix);
    }
    s.push_str("Key differences:\n");
    for d in c.differences() {
        let _ = writeln!(s, "  {}: {} | {}", d.aspect, d.a, d.b);
    }
    let same: Vec<&str> = c
        .aspects
        .iter()
        .filter(|a| !a.differs)
        .map(|a| a.aspect)
        .collect();
    if !same.is_empty() {
        let _ = writeln!(s, "Same: {}", same.join(", "));
    }
    s
}
