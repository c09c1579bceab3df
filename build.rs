//! Build script: turns the knowledge base under `data/` (TOML) into static
//! Rust tables in `$OUT_DIR/kb_tables.rs`, included by `src/kb/mod.rs`.
//!
//! The data is validated here: a missing or empty field, an unknown
//! vocabulary word or a duplicate key is a build error with a message naming
//! the file and the entry. Nothing is parsed at run time.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

#[path = "src/kb/cite.rs"]
mod cite;

const DATA: &str = "data";
const CODE_FILES: &[&str] = &["1xx", "2xx", "3xx", "4xx", "5xx", "6xx"];

/// Typical IMS senders (TS 23.228 functional entities).
const SENDERS: &[&str] = &[
    "UE",
    "P-CSCF",
    "I-CSCF",
    "S-CSCF",
    "E-CSCF",
    "AS",
    "MGCF",
    "BGCF",
    "IBCF",
    "MRF",
    "IP-SM-GW",
    "remote network",
];
/// IMS reference points.
const INTERFACES: &[&str] = &["Gm", "Mw", "ISC", "Mg", "Mi", "Mj", "Mk", "Mx", "Ici", "Mr"];
/// IMS procedures.
const PROCEDURES: &[&str] = &[
    "registration",
    "re-registration",
    "deregistration",
    "session setup",
    "session modification",
    "session release",
    "preconditions",
    "emergency",
    "SMS over IP",
    "reg-event subscription",
    "restoration",
    "supplementary services",
    "call transfer",
    "presence",
    "keep-alive",
];
const PRESENCES: &[(&str, &str)] = &[("must", "Must"), ("should", "Should"), ("may", "May")];
const RETRIES: &[(&str, &str)] = &[
    ("none", "None"),
    ("modified", "Modified"),
    ("later", "Later"),
    ("elsewhere", "Elsewhere"),
    ("no", "No"),
];
const METHODS: &[&str] = &[
    "ACK",
    "BYE",
    "CANCEL",
    "INFO",
    "INVITE",
    "MESSAGE",
    "NOTIFY",
    "OPTIONS",
    "PRACK",
    "PUBLISH",
    "REFER",
    "REGISTER",
    "SUBSCRIBE",
    "UPDATE",
    "any",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeFile {
    code: Vec<Code>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Code {
    code: u16,
    reason: String,
    spec: String,
    description: String,
    purpose: String,
    when: String,
    methods: Vec<String>,
    causes: Vec<String>,
    inspect: Vec<String>,
    fix: String,
    retry: String,
    retry_note: String,
    related: Vec<u16>,
    #[serde(default)]
    note: String,
    /// Name of the generated `kb::status` constant when the one derived
    /// from the reason phrase is taken by a lower code (406 and 606 are
    /// both "Not Acceptable").
    #[serde(default)]
    constant: String,
    headers: Vec<Header>,
    ims: Ims,
    #[serde(default)]
    diagnosis: Option<Diagnosis>,
}

/// Per-code text the diagnosis rules compose with a message's evidence
/// (`[code.diagnosis]`); see `kb::CodeProse`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Diagnosis {
    #[serde(default)]
    callee: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    confidence: String,
    #[serde(default)]
    causes: Vec<String>,
    #[serde(default)]
    ims_causes: Vec<String>,
    #[serde(default)]
    redirect: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    name: String,
    presence: String,
    why: String,
    /// The diagnosis rule (`SL120`…) that fires when a response with this
    /// code lacks every header of the row carrying the same rule.
    #[serde(default)]
    companion: String,
    /// What the client cannot do without the header ("the client cannot
    /// …"); on the first header of a companion group only.
    #[serde(default)]
    without: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Ims {
    typical: bool,
    #[serde(default)]
    senders: Vec<String>,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    interfaces: Vec<String>,
    #[serde(default)]
    procedures: Vec<String>,
    #[serde(default)]
    before: String,
    #[serde(default)]
    after: String,
    #[serde(default)]
    clause: String,
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FallbackFile {
    fallback: Vec<Fallback>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fallback {
    class: u16,
    base: u16,
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WarningFile {
    warning: Vec<Warning>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Warning {
    code: u16,
    text: String,
    spec: String,
    meaning: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Q850File {
    cause: Vec<Q850>,
    q850_to_sip: Vec<Q850ToSip>,
    sip_to_q850: Vec<SipToQ850>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Q850 {
    cause: u8,
    name: String,
    class: String,
    explanation: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Q850ToSip {
    /// `None` for the default row ("any other cause").
    cause: Option<u8>,
    text: String,
    sip: Option<u16>,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SipToQ850 {
    sip: u16,
    cause: Option<u8>,
    text: String,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    source: Vec<Source>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Source {
    id: String,
    says: String,
    checked: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReasonFile {
    protocol: Vec<Protocol>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Protocol {
    name: String,
    spec: String,
    causes: String,
    meaning: String,
    senders: String,
    /// True when `value` is the protocol's whole value set.
    #[serde(default)]
    complete: bool,
    #[serde(default)]
    value: Vec<ProtocolValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProtocolValue {
    cause: u32,
    text: String,
    meaning: String,
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={DATA}");
    let mut out = String::from("// @generated by build.rs from data/*.toml. Do not edit.\n\n");
    let (known, status) = gen_codes(&mut out);
    gen_fallbacks(&mut out, &known);
    let warning = gen_warnings(&mut out);
    gen_q850(&mut out);
    gen_reason(&mut out);
    check_sources();
    let dir = std::env::var("OUT_DIR").unwrap();
    std::fs::write(Path::new(&dir).join("kb_tables.rs"), out).expect("write kb_tables.rs");
    std::fs::write(Path::new(&dir).join("kb_status.rs"), &status).expect("write kb_status.rs");
    std::fs::write(
        Path::new(&dir).join("status_consts.rs"),
        typed_status(&status),
    )
    .expect("write status_consts.rs");
    std::fs::write(Path::new(&dir).join("kb_warning.rs"), warning).expect("write kb_warning.rs");
}

/// The same constants as `kb::status`, typed: `StatusCode::BUSY_HERE`
/// (`src/status.rs` includes them in an `impl StatusCode` block), so the
/// named codes come from the data once.
fn typed_status(status: &str) -> String {
    let mut out = String::from(
        "// @generated by build.rs from data/codes/*.toml. Do not edit.\n\nimpl StatusCode {\n",
    );
    for line in status.lines() {
        if line.starts_with("///") {
            let _ = writeln!(out, "    {line}");
        } else if let Some(rest) = line.strip_prefix("pub const ") {
            let (name, value) = rest
                .split_once(": u16 = ")
                .expect("kb_status.rs line shape");
            let value = value.trim_end_matches(';');
            let _ = writeln!(
                out,
                "    pub const {name}: StatusCode = StatusCode({value});"
            );
        }
    }
    out.push_str("}\n");
    out
}

fn load<T: for<'de> Deserialize<'de>>(rel: &str) -> T {
    let path = Path::new(DATA).join(rel);
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("knowledge base: cannot read {}: {e}", path.display()));
    toml::from_str(&text)
        .unwrap_or_else(|e| panic!("knowledge base: {} is invalid:\n{e}", path.display()))
}

/// Panics unless `s` has visible text.
fn need(s: &str, what: &str, at: &str) {
    if s.trim().is_empty() {
        panic!("knowledge base: {at}: field `{what}` is empty");
    }
}

fn need_all(v: &[String], what: &str, at: &str) {
    if v.is_empty() {
        panic!("knowledge base: {at}: list `{what}` is empty");
    }
    for s in v {
        need(s, what, at);
    }
}

fn need_vocab(v: &[String], vocab: &[&str], what: &str, at: &str) {
    for s in v {
        if !vocab.contains(&s.as_str()) {
            panic!("knowledge base: {at}: `{what}` has unknown value {s:?} (known: {vocab:?})");
        }
    }
}

fn variant(pairs: &[(&str, &'static str)], s: &str, what: &str, at: &str) -> &'static str {
    pairs
        .iter()
        .find(|(k, _)| *k == s)
        .map(|(_, v)| *v)
        .unwrap_or_else(|| panic!("knowledge base: {at}: `{what}` = {s:?} is not one of {pairs:?}"))
}

fn strs(v: &[String]) -> String {
    let items: Vec<String> = v.iter().map(|s| format!("{s:?}")).collect();
    format!("&[{}]", items.join(", "))
}

fn class_variant(code: u16) -> &'static str {
    match code / 100 {
        1 => "Provisional",
        2 => "Success",
        3 => "Redirection",
        4 => "RequestFailure",
        5 => "ServerFailure",
        6 => "GlobalFailure",
        _ => panic!("knowledge base: code {code} is outside 100-699"),
    }
}

/// The `kb::status` constant name for a reason phrase: parenthesised
/// remarks dropped, letters upper-cased, every other run of characters one
/// `_` ("Call/Transaction Does Not Exist" → `CALL_TRANSACTION_DOES_NOT_EXIST`).
fn constant_name(reason: &str) -> String {
    let bare = reason.split('(').next().unwrap_or(reason);
    let mut name = String::new();
    for ch in bare.trim().chars() {
        if ch.is_ascii_alphanumeric() {
            name.push(ch.to_ascii_uppercase());
        } else if !name.ends_with('_') {
            name.push('_');
        }
    }
    name.trim_end_matches('_').to_string()
}

/// Emits `CODES` into `out`; returns the set of declared codes and the
/// source of `kb::status` (one constant per code, named after its phrase).
fn gen_codes(out: &mut String) -> (BTreeSet<u16>, String) {
    let mut codes: Vec<Code> = Vec::new();
    for file in CODE_FILES {
        let f: CodeFile = load(&format!("codes/{file}.toml"));
        for c in &f.code {
            if format!("{}xx", c.code / 100) != *file {
                panic!("knowledge base: code {} is in codes/{file}.toml", c.code);
            }
        }
        codes.extend(f.code);
    }
    codes.sort_by_key(|c| c.code);
    let known: BTreeSet<u16> = codes.iter().map(|c| c.code).collect();
    if known.len() != codes.len() {
        panic!("knowledge base: a status code is declared twice");
    }
    gen_prose(out, &codes);
    let mut status =
        String::from("// @generated by build.rs from data/codes/*.toml. Do not edit.\n\n");
    let mut names = BTreeSet::new();
    out.push_str("/// Every registered status code, sorted by code.\n");
    out.push_str("pub(crate) static CODES: &[CodeInfo] = &[\n");
    for c in &codes {
        let at = format!("code {}", c.code);
        let at = at.as_str();
        for (s, what) in [
            (&c.reason, "reason"),
            (&c.spec, "spec"),
            (&c.description, "description"),
            (&c.purpose, "purpose"),
            (&c.when, "when"),
            (&c.fix, "fix"),
            (&c.retry_note, "retry_note"),
            (&c.ims.note, "ims.note"),
        ] {
            need(s, what, at);
        }
        need_all(&c.methods, "methods", at);
        need_vocab(&c.methods, METHODS, "methods", at);
        need_all(&c.causes, "causes", at);
        need_all(&c.inspect, "inspect", at);
        if c.related.is_empty() {
            panic!("knowledge base: {at}: list `related` is empty");
        }
        for r in &c.related {
            if !known.contains(r) {
                panic!("knowledge base: {at}: related code {r} is not in the knowledge base");
            }
        }
        if c.headers.is_empty() {
            panic!("knowledge base: {at}: list `headers` is empty");
        }
        let ims = &c.ims;
        need_vocab(&ims.senders, SENDERS, "ims.senders", at);
        need_vocab(&ims.interfaces, INTERFACES, "ims.interfaces", at);
        need_vocab(&ims.procedures, PROCEDURES, "ims.procedures", at);
        if ims.typical {
            need_all(&ims.senders, "ims.senders", at);
            need_all(&ims.interfaces, "ims.interfaces", at);
            need_all(&ims.procedures, "ims.procedures", at);
            need(&ims.direction, "ims.direction", at);
            need(&ims.before, "ims.before", at);
            need(&ims.after, "ims.after", at);
            need(&ims.clause, "ims.clause", at);
        }
        let name = if c.constant.is_empty() {
            constant_name(&c.reason)
        } else {
            c.constant.clone()
        };
        if name.is_empty() || !names.insert(name.clone()) {
            panic!(
                "knowledge base: {at}: constant name {name:?} is empty or taken by a lower code; \
                 give the row its own `constant`"
            );
        }
        let _ = writeln!(status, "/// {} {} ({}).", c.code, c.reason, c.spec);
        let _ = writeln!(status, "pub const {name}: u16 = {};", c.code);
        let retry = variant(RETRIES, &c.retry, "retry", at);
        let mut headers = String::new();
        let mut groups = BTreeSet::new();
        for h in &c.headers {
            need(&h.name, "headers.name", at);
            need(&h.why, "headers.why", at);
            let p = variant(PRESENCES, &h.presence, "headers.presence", at);
            let companion = &h.companion;
            if !companion.is_empty() {
                let id = companion.strip_prefix("SL").unwrap_or("");
                if id.len() != 3 || !id.bytes().all(|b| b.is_ascii_digit()) {
                    panic!("knowledge base: {at}: header {}: companion {companion:?} is not a rule id (SLnnn)", h.name);
                }
                let first = groups.insert(companion.as_str());
                if first == h.without.trim().is_empty() {
                    panic!(
                        "knowledge base: {at}: header {}: `without` belongs on the first header of companion {companion} and only there",
                        h.name
                    );
                }
            } else if !h.without.is_empty() {
                panic!(
                    "knowledge base: {at}: header {}: `without` needs a `companion`",
                    h.name
                );
            }
            let _ = write!(
                headers,
                "\n        HeaderRule {{ name: {:?}, presence: Presence::{p}, why: {:?}, companion: {}, without: {} }},",
                h.name,
                h.why,
                opt_str(&h.companion),
                opt_str(&h.without)
            );
        }
        let related: Vec<String> = c.related.iter().map(u16::to_string).collect();
        let note = if c.note.trim().is_empty() {
            "None".to_string()
        } else {
            format!("Some({:?})", c.note)
        };
        let _ = write!(
            out,
            r#"    CodeInfo {{
        code: {code},
        reason: {reason:?},
        class: StatusClass::{class},
        is_final: {is_final},
        spec: {spec:?},
        description: {description:?},
        purpose: {purpose:?},
        when: {when:?},
        methods: {methods},
        ims: ImsContext {{
            typical: {typical},
            senders: {senders},
            direction: {direction:?},
            interfaces: {interfaces},
            procedures: {procedures},
            before: {before:?},
            after: {after:?},
            clause: {clause:?},
            note: {ims_note:?},
        }},
        headers: &[{headers}
        ],
        causes: {causes},
        inspect: {inspect},
        fix: {fix:?},
        retry: Retry {{ policy: RetryPolicy::{retry}, note: {retry_note:?} }},
        related: &[{related}],
        note: {note},
    }},
"#,
            code = c.code,
            reason = c.reason,
            class = class_variant(c.code),
            is_final = c.code >= 200,
            spec = c.spec,
            description = c.description,
            purpose = c.purpose,
            when = c.when,
            methods = strs(&c.methods),
            typical = ims.typical,
            senders = strs(&ims.senders),
            direction = ims.direction,
            interfaces = strs(&ims.interfaces),
            procedures = strs(&ims.procedures),
            before = ims.before,
            after = ims.after,
            clause = ims.clause,
            ims_note = ims.note,
            causes = strs(&c.causes),
            inspect = strs(&c.inspect),
            fix = c.fix,
            retry_note = c.retry_note,
            related = related.join(", "),
        );
    }
    out.push_str("];\n\n");
    (known, status)
}

/// Emits `PROSE`: the `[code.diagnosis]` tables, sorted by code.
fn gen_prose(out: &mut String, codes: &[Code]) {
    out.push_str("/// Per-code diagnosis text, sorted by code.\n");
    out.push_str("pub(crate) static PROSE: &[CodeProse] = &[\n");
    for c in codes {
        let Some(d) = &c.diagnosis else { continue };
        let at = format!("code {} [code.diagnosis]", c.code);
        let at = at.as_str();
        let callee = !(d.callee.is_empty() && d.target.is_empty() && d.next.is_empty());
        if callee {
            for (v, what) in [
                (&d.callee, "callee"),
                (&d.target, "target"),
                (&d.next, "next"),
            ] {
                need(v, what, at);
            }
            need_all(&d.causes, "causes", at);
        }
        if !d.causes.is_empty() || !d.ims_causes.is_empty() {
            need_all(&d.causes, "causes", at);
            for s in &d.ims_causes {
                need(s, "ims_causes", at);
            }
        }
        let high = match d.confidence.as_str() {
            "high" => true,
            "medium" => false,
            "" if d.causes.is_empty() => false,
            other => panic!(
                "knowledge base: {at}: `confidence` = {other:?} is not \"high\" or \"medium\""
            ),
        };
        if !callee && d.redirect.is_empty() && d.causes.is_empty() {
            panic!("knowledge base: {at}: says nothing (callee/target/next, causes or redirect)");
        }
        let _ = writeln!(
            out,
            "    CodeProse {{ code: {}, callee: {}, target: {}, next: {}, high: {high}, causes: {}, ims_causes: {}, redirect: {} }},",
            c.code,
            opt_str(&d.callee),
            opt_str(&d.target),
            opt_str(&d.next),
            strs(&d.causes),
            strs(&d.ims_causes),
            opt_str(&d.redirect),
        );
    }
    out.push_str("];\n\n");
}

fn gen_fallbacks(out: &mut String, known: &BTreeSet<u16>) {
    let f: FallbackFile = load("fallback.toml");
    out.push_str("/// Per class (1–6): the code an unknown code is read as, and why.\n");
    out.push_str("pub(crate) static FALLBACKS: &[(u16, u16, &str)] = &[\n");
    let mut classes = Vec::new();
    for fb in &f.fallback {
        let at = format!("fallback for class {}", fb.class);
        need(&fb.note, "note", &at);
        if fb.base / 100 != fb.class || !known.contains(&fb.base) {
            panic!(
                "knowledge base: {at}: base {} is not a known code of the class",
                fb.base
            );
        }
        classes.push(fb.class);
        let _ = writeln!(out, "    ({}, {}, {:?}),", fb.class, fb.base, fb.note);
    }
    if classes != [1, 2, 3, 4, 5, 6] {
        panic!("knowledge base: fallback.toml must list classes 1 to 6 in order");
    }
    out.push_str("];\n\n");
}

/// Emits `WARNINGS` into `out`; returns the source of `kb::warning` (one
/// constant per warn-code, named after its text).
fn gen_warnings(out: &mut String) -> String {
    let f: WarningFile = load("warnings.toml");
    let mut consts =
        String::from("// @generated by build.rs from data/warnings.toml. Do not edit.\n\n");
    let mut names = BTreeSet::new();
    out.push_str("/// Warning codes (RFC 3261 §20.43 and extensions), sorted by code.\n");
    out.push_str("pub(crate) static WARNINGS: &[WarningInfo] = &[\n");
    let mut last = 0;
    for w in &f.warning {
        let at = format!("warning {}", w.code);
        need(&w.text, "text", &at);
        need(&w.spec, "spec", &at);
        need(&w.meaning, "meaning", &at);
        if w.code <= last || !(300..=399).contains(&w.code) {
            panic!("knowledge base: {at}: codes must be 300-399, sorted, unique");
        }
        last = w.code;
        let name = constant_name(&w.text);
        if !names.insert(name.clone()) {
            panic!("knowledge base: {at}: constant name {name:?} is taken by a lower code");
        }
        let _ = writeln!(consts, "/// Warning {} {} ({}).", w.code, w.text, w.spec);
        let _ = writeln!(consts, "pub const {name}: u16 = {};", w.code);
        let _ = writeln!(
            out,
            "    WarningInfo {{ code: {}, text: {:?}, spec: {:?}, meaning: {:?} }},",
            w.code, w.text, w.spec, w.meaning
        );
    }
    out.push_str("];\n\n");
    consts
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or("None".to_string(), |v| format!("Some({v})"))
}

fn opt_str(s: &str) -> String {
    if s.trim().is_empty() {
        "None".to_string()
    } else {
        format!("Some({s:?})")
    }
}

fn gen_q850(out: &mut String) {
    let f: Q850File = load("q850.toml");
    out.push_str("/// ITU-T Q.850 cause values, sorted by cause.\n");
    out.push_str("pub(crate) static Q850_CAUSES: &[Q850Cause] = &[\n");
    let mut last = 0;
    for c in &f.cause {
        let at = format!("Q.850 cause {}", c.cause);
        need(&c.name, "name", &at);
        need(&c.class, "class", &at);
        need(&c.explanation, "explanation", &at);
        if c.cause <= last || c.cause > 127 {
            panic!("knowledge base: {at}: causes must be 1-127, sorted, unique");
        }
        last = c.cause;
        let _ = writeln!(
            out,
            "    Q850Cause {{ cause: {}, name: {:?}, class: {:?}, explanation: {:?} }},",
            c.cause, c.name, c.class, c.explanation
        );
    }
    out.push_str("];\n\n");
    out.push_str("/// RFC 3398 §8.2.6.1: Q.850 cause → SIP status (ISUP → SIP).\n");
    out.push_str("pub(crate) static Q850_TO_SIP: &[Q850ToSip] = &[\n");
    for m in &f.q850_to_sip {
        let at = format!("q850_to_sip {:?}", m.cause);
        need(&m.text, "text", &at);
        let _ = writeln!(
            out,
            "    Q850ToSip {{ cause: {}, cause_text: {:?}, sip: {}, note: {} }},",
            opt(m.cause),
            m.text,
            opt(m.sip),
            opt_str(&m.note)
        );
    }
    out.push_str("];\n\n");
    out.push_str("/// RFC 3398 §7.2.4.1: SIP status → Q.850 cause (SIP → ISUP).\n");
    out.push_str("pub(crate) static SIP_TO_Q850: &[SipToQ850] = &[\n");
    let mut last = 0;
    for m in &f.sip_to_q850 {
        let at = format!("sip_to_q850 {}", m.sip);
        need(&m.text, "text", &at);
        if m.sip <= last {
            panic!("knowledge base: {at}: rows must be sorted by SIP code, unique");
        }
        last = m.sip;
        let _ = writeln!(
            out,
            "    SipToQ850 {{ sip: {}, cause: {}, cause_text: {:?}, note: {} }},",
            m.sip,
            opt(m.cause),
            m.text,
            opt_str(&m.note)
        );
    }
    out.push_str("];\n\n");
}

fn gen_reason(out: &mut String) {
    let f: ReasonFile = load("reason.toml");
    let mut names = BTreeSet::new();
    let mut release = None;
    out.push_str(
        "/// Reason header protocols (RFC 3326, RFC 4411, TS 24.229 §7.2A.18) and their values.\n",
    );
    out.push_str("pub(crate) static REASON_PROTOCOLS: &[ReasonProtocol] = &[\n");
    for p in &f.protocol {
        let at = format!("reason protocol {}", p.name);
        need(&p.name, "name", &at);
        need(&p.spec, "spec", &at);
        need(&p.causes, "causes", &at);
        need(&p.meaning, "meaning", &at);
        need(&p.senders, "senders", &at);
        if !names.insert(p.name.to_ascii_uppercase()) {
            panic!("knowledge base: {at}: declared twice");
        }
        if matches!(p.name.as_str(), "SIP" | "Q.850") && !p.value.is_empty() {
            panic!("knowledge base: {at}: SIP and Q.850 take their values from the code and Q.850 tables");
        }
        if p.complete && p.value.is_empty() {
            panic!("knowledge base: {at}: `complete` needs the values listed");
        }
        let mut values = String::new();
        let mut last = None;
        for v in &p.value {
            let at = format!("{at} value {}", v.cause);
            need(&v.text, "text", &at);
            need(&v.meaning, "meaning", &at);
            if last.is_some_and(|l| v.cause <= l) {
                panic!("knowledge base: {at}: values must be sorted and unique");
            }
            last = Some(v.cause);
            let _ = write!(
                values,
                "\n        ReasonCause {{ cause: {}, text: {:?}, meaning: {:?} }},",
                v.cause, v.text, v.meaning
            );
        }
        if p.name == "RELEASE_CAUSE" {
            release = Some(&p.value);
        }
        let _ = writeln!(
            out,
            "    ReasonProtocol {{ name: {:?}, spec: {:?}, causes: {:?}, meaning: {:?}, senders: {:?}, complete: {}, values: &[{values}\n    ] }},",
            p.name, p.spec, p.causes, p.meaning, p.senders, p.complete
        );
    }
    out.push_str("];\n\n");
    let release = release.expect("knowledge base: reason.toml must define RELEASE_CAUSE");
    out.push_str("/// 3GPP `RELEASE_CAUSE` values (TS 24.229 §7.2A.18), sorted by cause.\n");
    out.push_str("pub(crate) static RELEASE_CAUSES: &[ReleaseCause] = &[\n");
    for r in release {
        let cause = u8::try_from(r.cause)
            .unwrap_or_else(|_| panic!("knowledge base: RELEASE_CAUSE {} exceeds 255", r.cause));
        let _ = writeln!(
            out,
            "    ReleaseCause {{ cause: {cause}, text: {:?}, meaning: {:?} }},",
            r.text, r.meaning
        );
    }
    out.push_str("];\n");
}

/// Every `.toml` file under `dir`, recursively, sorted.
fn toml_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("knowledge base: cannot list {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            out.extend(toml_files(&p));
        } else if p.extension().is_some_and(|e| e == "toml") {
            out.push(p);
        }
    }
    out
}

/// The citation table (`data/sources.toml`) is well formed and lists every
/// clause the data files cite (`src/` is checked by `tests/sources.rs`).
fn check_sources() {
    let f: SourcesFile = load("sources.toml");
    let mut ids = BTreeSet::new();
    for s in &f.source {
        let at = format!("sources.toml row {:?}", s.id);
        need(&s.says, "says", &at);
        if s.checked != "unconfirmed" && !s.checked.starts_with("search: ") {
            panic!("knowledge base: {at}: `checked` must be \"unconfirmed\" or start with \"search: \"");
        }
        if cite::citations(&s.id) != [s.id.clone()] {
            panic!("knowledge base: {at}: id is not one citation in normalised form (\"RFC 3261 §15.1.2\", \"TS 24.229 §5.4.3.2\", \"RFC 3312\")");
        }
        if !ids.insert(s.id.as_str()) {
            panic!("knowledge base: {at}: listed twice");
        }
    }
    let mut missing = BTreeSet::new();
    for path in toml_files(Path::new(DATA)) {
        if path.ends_with("sources.toml") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("knowledge base: cannot read {}: {e}", path.display()));
        for c in cite::citations(&text) {
            if !ids.contains(c.as_str()) {
                missing.insert(format!("{c} (cited in {})", path.display()));
            }
        }
    }
    if !missing.is_empty() {
        let list: Vec<String> = missing.into_iter().collect();
        panic!(
            "knowledge base: clauses cited in data/ but missing from data/sources.toml (add a row: id, says, checked):\n  {}",
            list.join("\n  ")
        );
    }
}
