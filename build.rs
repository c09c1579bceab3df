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
    let mut kb = Kb::default();
    let (known, status) = gen_codes(&mut kb);
    gen_fallbacks(&mut kb, &known);
    let warning = gen_warnings(&mut kb);
    gen_q850(&mut kb);
    gen_reason(&mut kb);
    check_sources();
    let out = kb.finish();
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

/// The knowledge base's compact form, read back by `src/kb/mod.rs` (`mod tables`):
/// every string of every table in one text `TEXT`, NUL-separated, and every number and
/// list length in one `NUMS: &[u16]`, each table a section read in the order written.
/// One `&'static str` field per string would cost 8 bytes of pointer and length each
/// in the `.wasm` (README, "Size and speed"); here a string costs its separator.
#[derive(Default)]
struct Kb {
    strs: Vec<String>,
    nums: Vec<u16>,
    /// Per table: its name, where its strings and numbers start, and its row count.
    sections: Vec<(&'static str, usize, usize, usize)>,
}

/// `NUMS`' "no value" for an `Option` number (causes ≤ 127, codes ≤ 699).
const NONE: u16 = u16::MAX;

impl Kb {
    /// Starts the section of table `name` (`AT_<name>` in the output).
    fn section(&mut self, name: &'static str) {
        self.sections
            .push((name, self.strs.len(), self.nums.len(), 0));
    }

    /// Counts one row of the current section.
    fn row(&mut self) {
        if let Some(s) = self.sections.last_mut() {
            s.3 += 1;
        }
    }

    /// A string (read back by `Reader::s`).
    fn s(&mut self, s: &str) {
        if s.contains('\0') {
            panic!("knowledge base: text contains a NUL character: {s:?}");
        }
        self.strs.push(s.to_string());
    }

    /// An optional string: blank is `None` (read back by `Reader::opt`).
    fn opt(&mut self, s: &str) {
        self.s(if s.trim().is_empty() { "" } else { s });
    }

    /// A number (read back by `Reader::n`).
    fn n(&mut self, v: impl TryInto<u16> + Copy + std::fmt::Display) {
        let Ok(n) = v.try_into() else {
            panic!("knowledge base: {v} does not fit 16 bits");
        };
        if n == NONE {
            panic!("knowledge base: {v} is the table's \"none\" value");
        }
        self.nums.push(n);
    }

    /// An optional number (read back by `Reader::opt_n`).
    fn opt_n(&mut self, v: Option<u16>) {
        match v {
            Some(v) => self.n(v),
            None => self.nums.push(NONE),
        }
    }

    /// A list of strings: its length, then each (read back by `Reader::list`).
    fn list(&mut self, v: &[String]) {
        self.n(v.len());
        for s in v {
            self.s(s);
        }
    }

    /// The Rust source of the tables.
    fn finish(self) -> String {
        let mut out = String::from("// @generated by build.rs from data/*.toml. Do not edit.\n\n");
        let _ = writeln!(
            out,
            "/// Every string of the knowledge base, NUL-separated, in table order.\n#[allow(clippy::octal_escapes)] // `\\0` then a digit is NUL, then the digit\npub(crate) static TEXT: &str = {:?};\n",
            self.strs.join("\0")
        );
        let nums: Vec<String> = self.nums.iter().map(u16::to_string).collect();
        let _ = writeln!(
            out,
            "/// Every number and list length of the knowledge base, in table order.\npub(crate) static NUMS: &[u16] = &[{}];\n",
            nums.join(",")
        );
        let _ = writeln!(
            out,
            "/// Strings in `TEXT`.\n#[cfg(test)]\npub(crate) const STRINGS: usize = {};",
            self.strs.len()
        );
        for (name, s, n, rows) in &self.sections {
            let _ = writeln!(
                out,
                "/// `{name}`: first string, first number, rows.\npub(crate) const AT_{name}: Section = Section {{ s: {s}, n: {n}, rows: {rows} }};"
            );
        }
        let _ = writeln!(
            out,
            "/// The end of the last section.\n#[cfg(test)]\npub(crate) const AT_END: Section = Section {{ s: {}, n: {}, rows: 0 }};",
            self.strs.len(),
            self.nums.len()
        );
        out
    }
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

/// The position of `s` in `pairs` (checked by [`variant`] first): the enum's
/// discriminant as `src/kb/mod.rs` reads it back.
fn index(pairs: &[(&str, &'static str)], s: &str) -> usize {
    pairs.iter().position(|(k, _)| *k == s).unwrap_or(0)
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
fn gen_codes(kb: &mut Kb) -> (BTreeSet<u16>, String) {
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
    gen_prose(kb, &codes);
    let mut status =
        String::from("// @generated by build.rs from data/codes/*.toml. Do not edit.\n\n");
    let mut names = BTreeSet::new();
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
        variant(RETRIES, &c.retry, "retry", at);
        let mut groups = BTreeSet::new();
        for h in &c.headers {
            need(&h.name, "headers.name", at);
            need(&h.why, "headers.why", at);
            variant(PRESENCES, &h.presence, "headers.presence", at);
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
        }
    }
    // Every code's header rules, in code order (`HeaderRule`: the rows `CodeInfo::headers`
    // slices).
    kb.section("HEADERS");
    for c in &codes {
        for h in &c.headers {
            kb.row();
            kb.s(&h.name);
            kb.n(index(PRESENCES, &h.presence));
            kb.s(&h.why);
            kb.opt(&h.companion);
            kb.opt(&h.without);
        }
    }
    // `CodeInfo`, sorted by code; class and finality follow from the code.
    kb.section("CODES");
    for c in &codes {
        let ims = &c.ims;
        kb.row();
        kb.n(c.code);
        kb.s(&c.reason);
        kb.s(&c.spec);
        kb.s(&c.description);
        kb.s(&c.purpose);
        kb.s(&c.when);
        kb.list(&c.methods);
        kb.n(u16::from(ims.typical));
        kb.list(&ims.senders);
        kb.s(&ims.direction);
        kb.list(&ims.interfaces);
        kb.list(&ims.procedures);
        kb.s(&ims.before);
        kb.s(&ims.after);
        kb.s(&ims.clause);
        kb.s(&ims.note);
        kb.n(c.headers.len());
        kb.list(&c.causes);
        kb.list(&c.inspect);
        kb.s(&c.fix);
        kb.n(index(RETRIES, &c.retry));
        kb.s(&c.retry_note);
        kb.n(c.related.len());
        for &r in &c.related {
            kb.n(r);
        }
        kb.opt(&c.note);
    }
    (known, status)
}

/// Emits `PROSE`: the `[code.diagnosis]` tables, sorted by code.
fn gen_prose(kb: &mut Kb, codes: &[Code]) {
    kb.section("PROSE");
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
        kb.row();
        kb.n(c.code);
        kb.opt(&d.callee);
        kb.opt(&d.target);
        kb.opt(&d.next);
        kb.n(u16::from(high));
        kb.list(&d.causes);
        kb.list(&d.ims_causes);
        kb.opt(&d.redirect);
    }
}

fn gen_fallbacks(kb: &mut Kb, known: &BTreeSet<u16>) {
    let f: FallbackFile = load("fallback.toml");
    kb.section("FALLBACKS");
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
        kb.row();
        kb.n(fb.class);
        kb.n(fb.base);
        kb.s(&fb.note);
    }
    if classes != [1, 2, 3, 4, 5, 6] {
        panic!("knowledge base: fallback.toml must list classes 1 to 6 in order");
    }
}

/// Emits `WARNINGS` into `out`; returns the source of `kb::warning` (one
/// constant per warn-code, named after its text).
fn gen_warnings(kb: &mut Kb) -> String {
    let f: WarningFile = load("warnings.toml");
    let mut consts =
        String::from("// @generated by build.rs from data/warnings.toml. Do not edit.\n\n");
    let mut names = BTreeSet::new();
    kb.section("WARNINGS");
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
        kb.row();
        kb.n(w.code);
        kb.s(&w.text);
        kb.s(&w.spec);
        kb.s(&w.meaning);
    }
    consts
}

fn gen_q850(kb: &mut Kb) {
    let f: Q850File = load("q850.toml");
    kb.section("Q850_CAUSES");
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
        kb.row();
        kb.n(c.cause);
        kb.s(&c.name);
        kb.s(&c.class);
        kb.s(&c.explanation);
    }
    // RFC 3398 §8.2.6.1: Q.850 cause → SIP status (ISUP → SIP).
    kb.section("Q850_TO_SIP");
    for m in &f.q850_to_sip {
        let at = format!("q850_to_sip {:?}", m.cause);
        need(&m.text, "text", &at);
        kb.row();
        kb.opt_n(m.cause.map(u16::from));
        kb.s(&m.text);
        kb.opt_n(m.sip);
        kb.opt(&m.note);
    }
    // RFC 3398 §7.2.4.1: SIP status → Q.850 cause (SIP → ISUP).
    kb.section("SIP_TO_Q850");
    let mut last = 0;
    for m in &f.sip_to_q850 {
        let at = format!("sip_to_q850 {}", m.sip);
        need(&m.text, "text", &at);
        if m.sip <= last {
            panic!("knowledge base: {at}: rows must be sorted by SIP code, unique");
        }
        last = m.sip;
        kb.row();
        kb.n(m.sip);
        kb.opt_n(m.cause.map(u16::from));
        kb.s(&m.text);
        kb.opt(&m.note);
    }
}

fn gen_reason(kb: &mut Kb) {
    let f: ReasonFile = load("reason.toml");
    let mut names = BTreeSet::new();
    let mut release = None;
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
        let mut last = None;
        for v in &p.value {
            let at = format!("{at} value {}", v.cause);
            need(&v.text, "text", &at);
            need(&v.meaning, "meaning", &at);
            if last.is_some_and(|l| v.cause <= l) {
                panic!("knowledge base: {at}: values must be sorted and unique");
            }
            last = Some(v.cause);
        }
        if p.name == "RELEASE_CAUSE" {
            release = Some(&p.value);
        }
    }
    // `RELEASE_CAUSES` (TS 24.229 §7.2A.18) are read from the protocol's values.
    let release = release.expect("knowledge base: reason.toml must define RELEASE_CAUSE");
    for r in release {
        if u8::try_from(r.cause).is_err() {
            panic!("knowledge base: RELEASE_CAUSE {} exceeds 255", r.cause);
        }
    }
    // Every protocol's values, in protocol order (`ReasonCause`: the rows
    // `ReasonProtocol::values` slices); a cause is 32 bits, two numbers.
    kb.section("REASON_VALUES");
    for v in f.protocol.iter().flat_map(|p| &p.value) {
        kb.row();
        kb.n(v.cause >> 16);
        kb.n(v.cause & 0xffff);
        kb.s(&v.text);
        kb.s(&v.meaning);
    }
    // Reason header protocols (RFC 3326, RFC 4411, TS 24.229 §7.2A.18).
    kb.section("REASON_PROTOCOLS");
    for p in &f.protocol {
        kb.row();
        kb.s(&p.name);
        kb.s(&p.spec);
        kb.s(&p.causes);
        kb.s(&p.meaning);
        kb.s(&p.senders);
        kb.n(u16::from(p.complete));
        kb.n(p.value.len());
    }
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
