//! The knowledge base: what every SIP status code, Warning code, Q.850
//! cause and Reason protocol means, with the IMS (3GPP TS 24.229) context
//! an engineer needs to diagnose it.
//!
//! The source is declarative data under `data/` (TOML), validated and
//! turned into the static tables of this module by `build.rs`; nothing is
//! parsed at run time. Sources: RFC 3261 §21 (status codes), §20.43
//! (Warning), RFC 3326 (Reason), RFC 3398 (ISUP ↔ SIP mapping), ITU-T
//! Q.850, 3GPP TS 24.229 and the extension RFCs cited per row.
//!
//! # Unknown codes
//!
//! Codes are open (RFC 3261 §21): [`status_info`] never fails and always
//! returns a `&'static CodeInfo`. For a code that is not registered it
//! returns the entry the code is *read as* — the `x00` of its class
//! (RFC 3261 §8.1.3.2), except that an unknown 1xx is read as 183 Session
//! Progress as the same section requires. Codes outside 100–699 get
//! [`INVALID`]. The returned entry's `code` field is therefore the code it
//! is read as; use [`lookup_code`] to get the requested code, whether it is
//! known, and the note explaining the fallback.

use serde::Serialize;

use crate::status::{StatusClass, StatusCode};

/// The tables, read once from the compact form `build.rs` writes (`TEXT`: every
/// string, NUL-separated; `NUMS`: every number and list length; one section per
/// table, read in the order written). The public rows keep their `&'static str`
/// fields; stored as literals they cost 8 bytes of pointer and length each in the
/// `.wasm`, about 20 KB for the whole knowledge base (README, "Size and speed").
mod tables {
    use std::sync::OnceLock;

    use super::*;

    /// Where a table starts in `TEXT` (string index) and `NUMS`, and its rows.
    #[derive(Clone, Copy)]
    pub(crate) struct Section {
        pub(crate) s: usize,
        pub(crate) n: usize,
        pub(crate) rows: usize,
    }

    include!(concat!(env!("OUT_DIR"), "/kb_tables.rs"));

    /// What a row reads besides its own fields: every string, and the child tables
    /// read before it (`HEADERS` for `CODES`, `REASON_VALUES` for `REASON_PROTOCOLS`).
    #[derive(Clone, Copy)]
    struct Pool {
        strs: &'static [&'static str],
        headers: &'static [HeaderRule],
        values: &'static [ReasonCause],
    }

    /// A cursor over one section, reading fields in the order `build.rs` wrote them
    /// (its `Kb` methods of the same names). Past the end it reads `""` and 0 (a
    /// mismatch with `build.rs` is a test failure, `tables_read_to_their_ends`,
    /// never a panic).
    struct Reader {
        pool: Pool,
        s: usize,
        n: usize,
        /// The next row of the section's child table.
        child: usize,
    }

    impl Reader {
        #[inline(never)]
        fn s(&mut self) -> &'static str {
            let v = self.pool.strs.get(self.s).copied().unwrap_or("");
            self.s += 1;
            v
        }

        #[inline(never)]
        fn opt(&mut self) -> Option<&'static str> {
            Some(self.s()).filter(|s| !s.is_empty())
        }

        #[inline(never)]
        fn n(&mut self) -> u16 {
            let v = NUMS.get(self.n).copied().unwrap_or(0);
            self.n += 1;
            v
        }

        #[inline(never)]
        fn opt_n(&mut self) -> Option<u16> {
            Some(self.n()).filter(|&v| v != u16::MAX)
        }

        #[inline(never)]
        fn flag(&mut self) -> bool {
            self.n() != 0
        }

        /// How many items a list has, and where they start (advancing past them).
        fn span(&mut self, at: fn(&mut Self) -> &mut usize) -> std::ops::Range<usize> {
            let k = usize::from(self.n());
            let start = *at(self);
            *at(self) += k;
            start..start + k
        }

        /// A list of strings: its length, then each.
        #[inline(never)]
        fn list(&mut self) -> &'static [&'static str] {
            let r = self.span(|r| &mut r.s);
            self.pool.strs.get(r).unwrap_or(&[])
        }

        /// A list of numbers: its length, then each.
        #[inline(never)]
        fn nums(&mut self) -> &'static [u16] {
            let r = self.span(|r| &mut r.n);
            NUMS.get(r).unwrap_or(&[])
        }

        /// The next rows of the child table: their count, then the rows.
        fn children<T>(&mut self, all: &'static [T]) -> &'static [T] {
            let r = self.span(|r| &mut r.child);
            all.get(r).unwrap_or(&[])
        }
    }

    /// The rows of one section, and the cursor after them.
    fn read_rows<T>(pool: Pool, at: Section, row: fn(&mut Reader) -> T) -> (Vec<T>, Reader) {
        let mut r = Reader {
            pool,
            s: at.s,
            n: at.n,
            child: 0,
        };
        let rows = (0..at.rows).map(|_| row(&mut r)).collect();
        (rows, r)
    }

    /// The rows of one section, kept for the rest of the program: the allocation is
    /// leaked on purpose, once, so the public rows keep their `&'static` fields.
    fn keep<T>(pool: Pool, at: Section, row: fn(&mut Reader) -> T) -> &'static [T] {
        read_rows(pool, at, row).0.leak()
    }

    /// Every table, read at first use.
    struct Tables {
        codes: &'static [CodeInfo],
        prose: &'static [CodeProse],
        fallbacks: &'static [(u16, u16, &'static str)],
        warnings: &'static [WarningInfo],
        q850: &'static [Q850Cause],
        q850_to_sip: &'static [Q850ToSip],
        sip_to_q850: &'static [SipToQ850],
        reason_protocols: &'static [ReasonProtocol],
        release_causes: &'static [ReleaseCause],
    }

    /// The pool with every string and both child tables.
    fn pool() -> Pool {
        let mut pool = Pool {
            strs: TEXT.split('\0').collect::<Vec<_>>().leak(),
            headers: &[],
            values: &[],
        };
        pool.headers = keep(pool, AT_HEADERS, header);
        pool.values = keep(pool, AT_REASON_VALUES, reason_value);
        pool
    }

    fn tables() -> &'static Tables {
        static T: OnceLock<Tables> = OnceLock::new();
        T.get_or_init(|| {
            let pool = pool();
            let reason_protocols = keep(pool, AT_REASON_PROTOCOLS, protocol);
            // `RELEASE_CAUSE`'s values (TS 24.229 §7.2A.18), as bytes.
            let release_causes = reason_protocols
                .iter()
                .filter(|p| p.name == "RELEASE_CAUSE")
                .flat_map(|p| p.values)
                .map(|v| ReleaseCause {
                    cause: u8::try_from(v.cause).unwrap_or(u8::MAX),
                    text: v.text,
                    meaning: v.meaning,
                })
                .collect::<Vec<_>>()
                .leak();
            Tables {
                codes: keep(pool, AT_CODES, code),
                prose: keep(pool, AT_PROSE, prose),
                fallbacks: keep(pool, AT_FALLBACKS, |r| (r.n(), r.n(), r.s())),
                warnings: keep(pool, AT_WARNINGS, warning),
                q850: keep(pool, AT_Q850_CAUSES, q850),
                q850_to_sip: keep(pool, AT_Q850_TO_SIP, q850_sip),
                sip_to_q850: keep(pool, AT_SIP_TO_Q850, sip_q850),
                reason_protocols,
                release_causes,
            }
        })
    }

    /// Every registered status code, sorted by code.
    pub(crate) fn codes() -> &'static [CodeInfo] {
        tables().codes
    }

    /// Per-code diagnosis text, sorted by code.
    pub(crate) fn prose_table() -> &'static [CodeProse] {
        tables().prose
    }

    /// Per class (1–6): the code an unknown code is read as, and why.
    pub(crate) fn fallbacks() -> &'static [(u16, u16, &'static str)] {
        tables().fallbacks
    }

    /// Warning codes (RFC 3261 §20.43 and extensions), sorted by code.
    pub(crate) fn warnings() -> &'static [WarningInfo] {
        tables().warnings
    }

    /// ITU-T Q.850 cause values, sorted by cause.
    pub(crate) fn q850_causes() -> &'static [Q850Cause] {
        tables().q850
    }

    /// RFC 3398 §8.2.6.1: Q.850 cause → SIP status (ISUP → SIP).
    pub(crate) fn q850_to_sip() -> &'static [Q850ToSip] {
        tables().q850_to_sip
    }

    /// RFC 3398 §7.2.4.1: SIP status → Q.850 cause (SIP → ISUP).
    pub(crate) fn sip_to_q850() -> &'static [SipToQ850] {
        tables().sip_to_q850
    }

    /// Reason header protocols (`data/reason.toml`) and
    /// their values.
    pub(crate) fn reason_protocols() -> &'static [ReasonProtocol] {
        tables().reason_protocols
    }

    /// 3GPP `RELEASE_CAUSE` values (TS 24.229 §7.2A.18), sorted by cause: the
    /// values of the Reason protocol `RELEASE_CAUSE`.
    pub(crate) fn release_causes() -> &'static [ReleaseCause] {
        tables().release_causes
    }

    fn header(r: &mut Reader) -> HeaderRule {
        HeaderRule {
            name: r.s(),
            presence: match r.n() {
                0 => Presence::Must,
                1 => Presence::Should,
                _ => Presence::May,
            },
            why: r.s(),
            companion: r.opt(),
            without: r.opt(),
        }
    }

    fn code(r: &mut Reader) -> CodeInfo {
        let code = r.n();
        CodeInfo {
            code,
            class: StatusCode(code).class(),
            is_final: code >= status::SUCCESS_CLASS,
            reason: r.s(),
            spec: r.s(),
            description: r.s(),
            purpose: r.s(),
            when: r.s(),
            methods: r.list(),
            ims: ImsContext {
                typical: r.flag(),
                senders: r.list(),
                direction: r.s(),
                interfaces: r.list(),
                procedures: r.list(),
                before: r.s(),
                after: r.s(),
                clause: r.s(),
                note: r.s(),
            },
            headers: r.children(r.pool.headers),
            causes: r.list(),
            inspect: r.list(),
            fix: r.s(),
            retry: Retry {
                policy: match r.n() {
                    0 => RetryPolicy::None,
                    1 => RetryPolicy::Modified,
                    2 => RetryPolicy::Later,
                    3 => RetryPolicy::Elsewhere,
                    _ => RetryPolicy::No,
                },
                note: r.s(),
            },
            related: r.nums(),
            note: r.opt(),
        }
    }

    fn prose(r: &mut Reader) -> CodeProse {
        CodeProse {
            code: r.n(),
            callee: r.opt(),
            target: r.opt(),
            next: r.opt(),
            high: r.flag(),
            causes: r.list(),
            ims_causes: r.list(),
            redirect: r.opt(),
        }
    }

    fn warning(r: &mut Reader) -> WarningInfo {
        WarningInfo {
            code: r.n(),
            text: r.s(),
            spec: r.s(),
            meaning: r.s(),
        }
    }

    /// A cause that fits a byte (build.rs checks: Q.850 causes are 1–127).
    fn byte(v: u16) -> u8 {
        u8::try_from(v).unwrap_or(u8::MAX)
    }

    fn q850(r: &mut Reader) -> Q850Cause {
        Q850Cause {
            cause: byte(r.n()),
            name: r.s(),
            class: r.s(),
            explanation: r.s(),
        }
    }

    fn q850_sip(r: &mut Reader) -> Q850ToSip {
        Q850ToSip {
            cause: r.opt_n().map(byte),
            cause_text: r.s(),
            sip: r.opt_n(),
            note: r.opt(),
        }
    }

    fn sip_q850(r: &mut Reader) -> SipToQ850 {
        SipToQ850 {
            sip: r.n(),
            cause: r.opt_n().map(byte),
            cause_text: r.s(),
            note: r.opt(),
        }
    }

    fn reason_value(r: &mut Reader) -> ReasonCause {
        ReasonCause {
            cause: u32::from(r.n()) << 16 | u32::from(r.n()),
            text: r.s(),
            meaning: r.s(),
        }
    }

    fn protocol(r: &mut Reader) -> ReasonProtocol {
        ReasonProtocol {
            name: r.s(),
            spec: r.s(),
            causes: r.s(),
            meaning: r.s(),
            senders: r.s(),
            complete: r.flag(),
            values: r.children(r.pool.values),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// Each section's reader ends where the next section starts, and the last at
        /// the end: `build.rs` and the readers above agree on every field.
        #[test]
        fn tables_read_to_their_ends() {
            let pool = pool();
            let end = |r: Reader| (r.s, r.n);
            let fall: fn(&mut Reader) -> (u16, u16, &'static str) = |r| (r.n(), r.n(), r.s());
            let ends = [
                (end(read_rows(pool, AT_PROSE, prose).1), AT_HEADERS),
                (end(read_rows(pool, AT_HEADERS, header).1), AT_CODES),
                (end(read_rows(pool, AT_CODES, code).1), AT_FALLBACKS),
                (end(read_rows(pool, AT_FALLBACKS, fall).1), AT_WARNINGS),
                (end(read_rows(pool, AT_WARNINGS, warning).1), AT_Q850_CAUSES),
                (end(read_rows(pool, AT_Q850_CAUSES, q850).1), AT_Q850_TO_SIP),
                (
                    end(read_rows(pool, AT_Q850_TO_SIP, q850_sip).1),
                    AT_SIP_TO_Q850,
                ),
                (
                    end(read_rows(pool, AT_SIP_TO_Q850, sip_q850).1),
                    AT_REASON_VALUES,
                ),
                (
                    end(read_rows(pool, AT_REASON_VALUES, reason_value).1),
                    AT_REASON_PROTOCOLS,
                ),
                (
                    end(read_rows(pool, AT_REASON_PROTOCOLS, protocol).1),
                    AT_END,
                ),
            ];
            for (i, ((s, n), next)) in ends.into_iter().enumerate() {
                assert_eq!((s, n), (next.s, next.n), "section {i}");
            }
            assert_eq!(pool.strs.len(), STRINGS);
            assert_eq!((AT_END.s, AT_END.n), (STRINGS, NUMS.len()));
            // Every child row belongs to exactly one parent row.
            let headers: usize = codes().iter().map(|c| c.headers.len()).sum();
            assert_eq!(headers, AT_HEADERS.rows);
            let values: usize = reason_protocols().iter().map(|p| p.values.len()).sum();
            assert_eq!(values, AT_REASON_VALUES.rows);
            assert_eq!(codes().len(), AT_CODES.rows);
        }
    }
}

/// Status codes by name: one constant per registered code, generated by
/// `build.rs` from `data/codes/*.toml` and named after its reason phrase
/// (`BUSY_HERE` = 486; 606 is `GLOBAL_NOT_ACCEPTABLE` since 406 holds
/// `NOT_ACCEPTABLE`), plus the first code of each class (RFC 3261 §7.2).
/// The diagnosis rules name codes through this module, never as literals.
pub mod status {
    include!(concat!(env!("OUT_DIR"), "/kb_status.rs"));

    /// First code of the 1xx class.
    pub const PROVISIONAL_CLASS: u16 = 100;
    /// First code of the 2xx class.
    pub const SUCCESS_CLASS: u16 = 200;
    /// First code of the 3xx class: from here on a response is a failure
    /// or redirection, not a success.
    pub const REDIRECTION_CLASS: u16 = 300;
    /// Last code of the defined classes (6xx).
    pub const LAST_CODE: u16 = 699;
}

/// The largest Q.850 cause value: cause values are 7 bits (0–127).
pub const Q850_MAX_CAUSE: u16 = 127;

/// Warning codes by name: one constant per registered warn-code,
/// generated by `build.rs` from `data/warnings.toml` and named after its
/// text (`INCOMPATIBLE_MEDIA_FORMAT` = 305), plus the well-known
/// unregistered [`warning::OPENSER_DEBUG`].
pub mod warning {
    include!(concat!(env!("OUT_DIR"), "/kb_warning.rs"));

    /// 392: not registered; the OpenSER/Kamailio debug warning ("Noisy
    /// feedback tells: …", core option `sip_warning`).
    pub const OPENSER_DEBUG: u16 = 392;
}

/// Whether a header accompanies a response: must, should or may (RFC 2119
/// strength of the defining spec, or of common practice where noted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum Presence {
    /// Required by the defining specification.
    Must,
    /// Recommended; its absence is suspicious.
    Should,
    /// Optional; useful when present.
    May,
}

impl Presence {
    /// Lower-case label (`must`, `should`, `may`).
    pub fn label(self) -> &'static str {
        match self {
            Presence::Must => "must",
            Presence::Should => "should",
            Presence::May => "may",
        }
    }
}

/// One header that accompanies a status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct HeaderRule {
    /// Header name, canonical spelling.
    pub name: &'static str,
    /// How strongly it is expected.
    pub presence: Presence,
    /// Why it is there and what it carries.
    pub why: &'static str,
    /// The companion-header rule (`SL120`…) that fires when a response
    /// with this code lacks every header carrying the same rule id; not
    /// serialised.
    #[serde(skip)]
    pub companion: Option<&'static str>,
    /// For the first header of a companion group: what the client cannot
    /// do without it ("the client cannot …"); not serialised.
    #[serde(skip)]
    pub without: Option<&'static str>,
}

/// Whether and how the request may be sent again after this response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum RetryPolicy {
    /// Not a failure (1xx, 2xx): nothing to retry.
    None,
    /// Retry to the same target with a corrected request (credentials,
    /// extension, interval, body…).
    Modified,
    /// Retry the same request to the same target after a delay
    /// (Retry-After, a random timer).
    Later,
    /// Try another target: another contact, server or route.
    Elsewhere,
    /// Do not retry the request, neither here nor elsewhere.
    No,
}

impl RetryPolicy {
    /// Short human label.
    pub fn label(self) -> &'static str {
        match self {
            RetryPolicy::None => "nothing to retry",
            RetryPolicy::Modified => "retry with a corrected request",
            RetryPolicy::Later => "retry later, same target",
            RetryPolicy::Elsewhere => "retry elsewhere",
            RetryPolicy::No => "do not retry",
        }
    }
}

/// Retry semantics of a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Retry {
    /// May the request be retried, and how.
    pub policy: RetryPolicy,
    /// Where and after what, with the governing rule.
    pub note: &'static str,
}

/// Where a code shows up in IMS / VoLTE / VoNR (3GPP TS 24.229).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ImsContext {
    /// False when the code is not typical in IMS (the note says why).
    pub typical: bool,
    /// Functional entities that usually send it (UE, P-CSCF, S-CSCF, …).
    pub senders: &'static [&'static str],
    /// Usual direction, e.g. "S-CSCF → UE".
    pub direction: &'static str,
    /// Reference points it crosses (Gm, Mw, ISC, …).
    pub interfaces: &'static [&'static str],
    /// Procedures it belongs to (registration, session setup, …).
    pub procedures: &'static [&'static str],
    /// What usually comes before it.
    pub before: &'static str,
    /// What usually follows it.
    pub after: &'static str,
    /// Relevant TS 24.229 clause(s).
    pub clause: &'static str,
    /// IMS-specific explanation.
    pub note: &'static str,
}

/// Everything known about one status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct CodeInfo {
    /// The code (for a fallback, the code it is read as; 0 for [`INVALID`]).
    pub code: u16,
    /// Standard reason phrase (IANA registry spelling).
    pub reason: &'static str,
    /// Class from the first digit.
    pub class: StatusClass,
    /// Final (2xx–6xx) or provisional (1xx).
    pub is_final: bool,
    /// Defining specification and section.
    pub spec: &'static str,
    /// One sentence: what it means.
    pub description: &'static str,
    /// What the code is for.
    pub purpose: &'static str,
    /// When you see it in practice.
    pub when: &'static str,
    /// Methods it is typical for (`any` when not method-specific).
    pub methods: &'static [&'static str],
    /// IMS context.
    pub ims: ImsContext,
    /// Headers that must / should / may accompany it.
    pub headers: &'static [HeaderRule],
    /// Likely causes, most likely first.
    pub causes: &'static [&'static str],
    /// What to inspect in the trace.
    pub inspect: &'static [&'static str],
    /// Next step / how to fix.
    pub fix: &'static str,
    /// Retry semantics.
    pub retry: Retry,
    /// Related codes.
    pub related: &'static [u16],
    /// Registry remarks (deprecation, renamed phrase, variants).
    pub note: Option<&'static str>,
}

impl CodeInfo {
    /// The code as a [`StatusCode`].
    pub fn status_code(&self) -> StatusCode {
        StatusCode(self.code)
    }

    /// The rule for a header, if the entry lists it (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'static HeaderRule> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
    }
}

/// The entry for codes outside 100–699: not a SIP status code at all.
pub static INVALID: CodeInfo = CodeInfo {
    code: 0,
    reason: "Invalid status code",
    class: StatusClass::Invalid,
    is_final: false,
    spec: "RFC 3261 §7.2, §25.1 (Status-Code = 3DIGIT, classes 1-6)",
    description: "Not a SIP status code: the first digit must be 1 to 6.",
    purpose: "None; a response carrying it is malformed.",
    when: "Corrupted or truncated messages, an HTTP status leaking through a gateway, a typo in a test tool.",
    methods: &["any"],
    ims: ImsContext {
        typical: false,
        senders: &[],
        direction: "",
        interfaces: &[],
        procedures: &[],
        before: "",
        after: "",
        clause: "",
        note: "Never valid in IMS; an IMS entity discards or rejects such a response.",
    },
    headers: &[],
    causes: &["Software fault or message corruption in the sender or an intermediary."],
    inspect: &["The raw status line and the element that produced it."],
    fix: "Fix the sender; the receiving transaction will time out (Timer B/F) as if no response came.",
    retry: Retry {
        policy: RetryPolicy::Elsewhere,
        note: "Treated as no response: the client transaction times out and the request may be tried at another target.",
    },
    related: &[400, 500],
    note: None,
};

/// Per-code text the diagnosis composes with a message's own evidence
/// (`[code.diagnosis]` of a row in `data/codes/*.toml`): what the code says
/// about the callee or the redirect, and the causes it suggests when the
/// message shows nothing more specific. Not part of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeProse {
    /// The code.
    pub code: u16,
    /// What the code says about the callee of an INVITE ("the callee is
    /// busy").
    pub callee: Option<&'static str>,
    /// The same for a request other than INVITE ("the target user is
    /// busy").
    pub target: Option<&'static str>,
    /// What to do next, for the headline ("retry later; …").
    pub next: Option<&'static str>,
    /// True when the code itself establishes its cause (High confidence);
    /// false when `causes` are alternatives (Medium).
    pub high: bool,
    /// Likely causes when the message shows nothing more specific.
    pub causes: &'static [&'static str],
    /// Likely causes instead of `causes` when the message is from IMS.
    pub ims_causes: &'static [&'static str],
    /// For a redirect: what the redirecting party says ("has moved
    /// permanently").
    pub redirect: Option<&'static str>,
}

/// The diagnosis text of a registered code, when its row has one.
pub fn code_prose(code: u16) -> Option<&'static CodeProse> {
    tables::prose_table()
        .binary_search_by_key(&code, |p| p.code)
        .ok()
        .and_then(|i| tables::prose_table().get(i))
}

/// The result of looking a code up: what was asked, whether it is
/// registered, and the entry it is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct CodeLookup {
    /// The code that was asked for.
    pub requested: u16,
    /// Heading for the code as asked: `486 Busy Here`; for an unregistered
    /// code `499 (unregistered 4xx; treated as 400 Bad Request)`, never the
    /// fallback's own phrase alone (see [`CodeTitle`]); a string in JSON.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string"))]
    pub title: CodeTitle,
    /// True when `requested` has its own entry.
    pub known: bool,
    /// Why a fallback entry is shown (RFC 3261 §8.1.3.2), when not known.
    pub note: Option<&'static str>,
    /// The entry: the code's own, the one it is read as, or [`INVALID`].
    pub info: &'static CodeInfo,
}

/// Looks a status code up; never fails (see the module docs).
pub fn lookup_code(code: impl Into<StatusCode>) -> CodeLookup {
    let code = code.into().as_u16();
    if let Some(info) = known_code(code) {
        return CodeLookup {
            requested: code,
            title: CodeTitle(code),
            known: true,
            note: None,
            info,
        };
    }
    match tables::fallbacks()
        .iter()
        .find(|(class, _, _)| *class == code / 100)
    {
        Some(&(_, base, note)) if (100..=699).contains(&code) => CodeLookup {
            requested: code,
            title: CodeTitle(code),
            known: false,
            note: Some(note),
            info: known_code(base).unwrap_or(&INVALID),
        },
        _ => CodeLookup {
            requested: code,
            title: CodeTitle(code),
            known: false,
            note: Some("Outside 100-699: not a valid SIP status code (RFC 3261 §7.2)."),
            info: &INVALID,
        },
    }
}

/// The heading for a status code as a user asked for it, shown with
/// `Display` and serialised as a string: the registered code and phrase
/// (`486 Busy Here`); an unregistered code with what it is read as
/// (`499 (unregistered 4xx; treated as 400 Bad Request)`, RFC 3261
/// §8.1.3.2), never the fallback's phrase alone; a number outside 100–699
/// as not a SIP status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CodeTitle(pub u16);

impl std::fmt::Display for CodeTitle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let code = self.0;
        if let Some(info) = known_code(code) {
            return write!(f, "{} {}", info.code, info.reason);
        }
        match tables::fallbacks()
            .iter()
            .find(|(class, _, _)| *class == code / 100)
            .and_then(|&(class, base, _)| known_code(base).map(|b| (class, b)))
        {
            Some((class, base)) if (100..=699).contains(&code) => write!(
                f,
                "{code} (unregistered {class}xx; treated as {} {})",
                base.code, base.reason
            ),
            _ => write!(f, "{code} (not a SIP status code)"),
        }
    }
}

impl Serialize for CodeTitle {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The entry for a status code; unknown codes get the entry they are read
/// as (see the module docs), invalid ones [`INVALID`].
pub fn status_info(code: impl Into<StatusCode>) -> &'static CodeInfo {
    lookup_code(code).info
}

fn known_code(code: u16) -> Option<&'static CodeInfo> {
    tables::codes()
        .binary_search_by_key(&code, |c| c.code)
        .ok()
        .and_then(|i| tables::codes().get(i))
}

/// Every registered status code, sorted.
pub fn codes() -> &'static [CodeInfo] {
    tables::codes()
}

/// One line of a code listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct CodeSummary {
    /// The code.
    pub code: u16,
    /// Reason phrase.
    pub reason: &'static str,
    /// One-sentence description.
    pub description: &'static str,
}

/// The codes of one class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct CodeGroup {
    /// The class.
    pub class: StatusClass,
    /// Human label ("request failure").
    pub label: &'static str,
    /// Range label ("4xx").
    pub range: String,
    /// Its codes, sorted.
    pub codes: Vec<CodeSummary>,
}

/// All registered codes grouped by class, 1xx first.
pub fn list_codes() -> Vec<CodeGroup> {
    group_codes(&mut tables::codes().iter())
}

/// Registered codes whose text matches every word of `query`
/// (case-insensitive), grouped like [`list_codes`]. A word of digits
/// matches codes starting with it (`48` → 480–489); any other word matches
/// the text of the entry: reason phrase,
/// description, purpose, when, methods, causes, what to inspect, fix, retry
/// note, header names and their notes, IMS senders, clause and note, and
/// the registry note. So `retry-after` finds every code whose text names
/// Retry-After, and `480 retry` the 480 only if its text says retry. An
/// empty query lists every code.
pub fn search_codes(query: &str) -> Vec<CodeGroup> {
    let words: Vec<String> = query
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    let hit = |c: &CodeInfo| {
        words.iter().all(|w| {
            if w.bytes().all(|b| b.is_ascii_digit()) {
                c.code.to_string().starts_with(w.as_str())
            } else {
                any_text(c, &mut |t| contains_ci(t, w))
            }
        })
    };
    group_codes(&mut tables::codes().iter().filter(|c| hit(c)))
}

/// Whether `f` holds for any searchable text field of an entry. Plain loops behind
/// `&mut dyn`, not a chain of iterators: one small function in the core module.
fn any_text(c: &CodeInfo, f: &mut dyn FnMut(&str) -> bool) -> bool {
    let fields = [
        c.reason,
        c.description,
        c.purpose,
        c.when,
        c.fix,
        c.retry.note,
        c.spec,
        c.ims.note,
        c.ims.clause,
        c.ims.direction,
        c.ims.before,
        c.ims.after,
        c.note.unwrap_or(""),
    ];
    let lists = [c.methods, c.causes, c.inspect, c.ims.senders];
    fields.iter().any(|t| f(t))
        || lists.iter().any(|l| l.iter().any(|t| f(t)))
        || c.headers.iter().any(|h| f(h.name) || f(h.why))
}

/// ASCII-case-insensitive substring test (`needle` already lower-case).
fn contains_ci(hay: &str, needle: &str) -> bool {
    // ASCII only: Unicode case tables would add ~12 KB to the core module; a
    // byte search, as `str::contains` would link core's two-way searcher too.
    let hay = hay.to_ascii_lowercase();
    crate::parse::find_bytes(hay.as_bytes(), needle.as_bytes()).is_some()
}

fn group_codes(codes: &mut dyn Iterator<Item = &CodeInfo>) -> Vec<CodeGroup> {
    let mut groups: Vec<CodeGroup> = Vec::new();
    for c in codes {
        let summary = CodeSummary {
            code: c.code,
            reason: c.reason,
            description: c.description,
        };
        match groups.last_mut() {
            Some(g) if g.class == c.class => g.codes.push(summary),
            _ => groups.push(CodeGroup {
                class: c.class,
                label: c.class.label(),
                range: format!("{}xx", c.code / 100),
                codes: vec![summary],
            }),
        }
    }
    groups
}

/// One side of a [`Comparison`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ComparedCode {
    /// The code asked for.
    pub requested: u16,
    /// Heading for the code as asked (see [`CodeTitle`]); a string in JSON.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string"))]
    pub title: CodeTitle,
    /// Whether it is registered.
    pub known: bool,
    /// The entry used (see [`lookup_code`]).
    pub code: u16,
    /// Reason phrase.
    pub reason: &'static str,
    /// Class.
    pub class: StatusClass,
    /// Final or provisional.
    pub is_final: bool,
    /// What it means.
    pub description: &'static str,
    /// When you see it.
    pub when: &'static str,
    /// How to fix / next step.
    pub fix: &'static str,
}

/// One aspect of two codes side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Aspect {
    /// What is compared (`class`, `finality`, `retry`, `senders`, `headers`, `ims`).
    pub aspect: &'static str,
    /// Value for the first code.
    pub a: String,
    /// Value for the second code.
    pub b: String,
    /// True when the values differ.
    pub differs: bool,
}

/// Two codes side by side, with the differences derived from the data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// First code.
    pub a: ComparedCode,
    /// Second code.
    pub b: ComparedCode,
    /// Class, finality, retry, senders, headers and IMS relevance of each.
    pub aspects: Vec<Aspect>,
}

impl Comparison {
    /// Only the aspects that differ.
    pub fn differences(&self) -> impl Iterator<Item = &Aspect> {
        self.aspects.iter().filter(|a| a.differs)
    }
}

/// Compares two status codes (known or not).
pub fn compare_codes(a: impl Into<StatusCode>, b: impl Into<StatusCode>) -> Comparison {
    let (la, lb) = (lookup_code(a), lookup_code(b));
    let side = |l: &CodeLookup| ComparedCode {
        requested: l.requested,
        title: l.title,
        known: l.known,
        code: l.info.code,
        reason: l.info.reason,
        class: l.info.class,
        is_final: l.info.is_final,
        description: l.info.description,
        when: l.info.when,
        fix: l.info.fix,
    };
    let facets: [(&'static str, Facet); 6] = [
        ("class", |c| c.class.label().to_string()),
        ("finality", |c| {
            if c.is_final { "final" } else { "provisional" }.to_string()
        }),
        ("retry", |c| c.retry.policy.label().to_string()),
        ("senders", |c| {
            let mut v = c.ims.senders.to_vec();
            crate::sort::sort_by(&mut v, Ord::cmp);
            join_or(&v, "-")
        }),
        ("headers", |c| {
            let h: Vec<String> = c
                .headers
                .iter()
                .map(|h| format!("{} ({})", h.name, h.presence.label()))
                .collect();
            if h.is_empty() {
                "-".into()
            } else {
                h.join(", ")
            }
        }),
        ("ims", |c| {
            if c.ims.typical {
                "typical in IMS"
            } else {
                "not typical in IMS"
            }
            .to_string()
        }),
    ];
    let aspects = facets
        .iter()
        .map(|(aspect, f)| {
            let (a, b) = (f(la.info), f(lb.info));
            Aspect {
                aspect,
                differs: a != b,
                a,
                b,
            }
        })
        .collect();
    Comparison {
        a: side(&la),
        b: side(&lb),
        aspects,
    }
}

/// Extracts one comparable aspect of a code as text.
type Facet = fn(&CodeInfo) -> String;

fn join_or(items: &[&str], empty: &str) -> String {
    if items.is_empty() {
        empty.to_string()
    } else {
        items.join(", ")
    }
}

/// A Warning header code (RFC 3261 §20.43).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct WarningInfo {
    /// The three-digit warn-code.
    pub code: u16,
    /// Registered warn-text.
    pub text: &'static str,
    /// Defining specification.
    pub spec: &'static str,
    /// What it means.
    pub meaning: &'static str,
}

/// The registered Warning code, if any.
pub fn warning_info(code: u16) -> Option<&'static WarningInfo> {
    tables::warnings().iter().find(|w| w.code == code)
}

/// Every registered Warning code, sorted.
pub fn warnings() -> &'static [WarningInfo] {
    tables::warnings()
}

/// An ITU-T Q.850 cause value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Q850Cause {
    /// Cause value (1–127).
    pub cause: u8,
    /// Q.850 name.
    pub name: &'static str,
    /// Q.850 class (normal event, resource unavailable, …).
    pub class: &'static str,
    /// Short operator-facing explanation.
    pub explanation: &'static str,
}

/// The Q.850 cause, if it is defined.
pub fn q850_info(cause: u8) -> Option<&'static Q850Cause> {
    tables::q850_causes().iter().find(|c| c.cause == cause)
}

/// Every defined Q.850 cause, sorted.
pub fn q850_causes() -> &'static [Q850Cause] {
    tables::q850_causes()
}

/// One row of the RFC 3398 §8.2.6.1 table (ISUP cause → SIP status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Q850ToSip {
    /// The cause; `None` for the default row ("any other cause").
    pub cause: Option<u8>,
    /// The cause as RFC 3398 words it.
    pub cause_text: &'static str,
    /// The SIP status; `None` when the cause maps to no response (16).
    pub sip: Option<u16>,
    /// Condition or remark.
    pub note: Option<&'static str>,
}

/// One row of the RFC 3398 §7.2.4.1 table (SIP status → ISUP cause).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SipToQ850 {
    /// The SIP status.
    pub sip: u16,
    /// The cause; `None` when RFC 3398 gives none (487, 488, 606).
    pub cause: Option<u8>,
    /// The cause as RFC 3398 words it.
    pub cause_text: &'static str,
    /// Condition or remark.
    pub note: Option<&'static str>,
}

/// RFC 3398 mapping of a Q.850 cause to SIP: the row(s) for the cause
/// (cause 22 has two, with and without diagnostic), else the default row.
pub fn q850_to_sip(cause: u8) -> &'static [Q850ToSip] {
    let rows = tables::q850_to_sip();
    let start = rows.iter().position(|r| r.cause == Some(cause));
    let (start, len) = match start {
        Some(s) => (
            s,
            rows[s..]
                .iter()
                .take_while(|r| r.cause == Some(cause))
                .count(),
        ),
        None => (rows.iter().position(|r| r.cause.is_none()).unwrap_or(0), 1),
    };
    &rows[start..start + len]
}

/// RFC 3398 mapping of a SIP status to a Q.850 cause, if listed.
pub fn sip_to_q850(code: u16) -> Option<&'static SipToQ850> {
    tables::sip_to_q850().iter().find(|r| r.sip == code)
}

/// The whole RFC 3398 ISUP → SIP table, in RFC order.
pub fn q850_to_sip_table() -> &'static [Q850ToSip] {
    tables::q850_to_sip()
}

/// The whole RFC 3398 SIP → ISUP table, sorted by SIP code.
pub fn sip_to_q850_table() -> &'static [SipToQ850] {
    tables::sip_to_q850()
}

/// A protocol value of the Reason header (RFC 3326 §2; RFC 4411 §5;
/// 3GPP TS 24.229 §7.2A.18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ReasonProtocol {
    /// Protocol token as registered (`SIP`, `Q.850`, `preemption`,
    /// `RELEASE_CAUSE`, `FAILURE_CAUSE`, `EMM`, `S1AP-RNL`…).
    pub name: &'static str,
    /// Defining specification.
    pub spec: &'static str,
    /// Which values `cause=` takes.
    pub causes: &'static str,
    /// What the protocol is used for.
    pub meaning: &'static str,
    /// Who puts it in a Reason header.
    pub senders: &'static str,
    /// True when `values` is the protocol's whole value set, so any other
    /// `cause=` is undefined (`preemption`, `FAILURE_CAUSE`); false when
    /// it lists only the values commonly seen with IMS of a table kept in
    /// another specification (EMM, S1AP-RNL, …) or none at all.
    pub complete: bool,
    /// Its values, sorted; empty for `SIP` and `Q.850`, whose values are
    /// the status codes ([`codes`]) and the Q.850 causes ([`q850_causes`]).
    pub values: &'static [ReasonCause],
}

/// One value of a Reason protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ReasonCause {
    /// The `cause=` value.
    pub cause: u32,
    /// Its name as the defining specification gives it (suitable for `text=`).
    pub text: &'static str,
    /// When it is used.
    pub meaning: &'static str,
}

/// The Reason protocol, by name (case-insensitive, as RFC 3326 tokens are
/// compared in practice: `Q.850`/`q.850`, `preemption`/`Preemption`).
pub fn reason_protocol(name: &str) -> Option<&'static ReasonProtocol> {
    tables::reason_protocols()
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
}

/// Every known Reason protocol, in table order (SIP, Q.850, then the
/// extensions).
pub fn reason_protocols() -> &'static [ReasonProtocol] {
    tables::reason_protocols()
}

/// What `cause=` means for a Reason protocol: the status code's reason
/// phrase and description for `SIP` (registered codes only), the Q.850
/// cause for `Q.850`, else the protocol's own value table. `None` when the
/// protocol is unknown or does not define the value.
pub fn reason_value(protocol: &str, cause: u32) -> Option<ReasonCause> {
    let p = reason_protocol(protocol)?;
    match p.name {
        "SIP" => {
            let code = u16::try_from(cause).ok()?;
            known_code(code).map(|c| ReasonCause {
                cause,
                text: c.reason,
                meaning: c.description,
            })
        }
        "Q.850" => u8::try_from(cause)
            .ok()
            .and_then(q850_info)
            .map(|q| ReasonCause {
                cause,
                text: q.name,
                meaning: q.explanation,
            }),
        _ => p
            .values
            .binary_search_by_key(&cause, |v| v.cause)
            .ok()
            .map(|i| p.values[i]),
    }
}

/// A 3GPP `RELEASE_CAUSE` value (TS 24.229).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ReleaseCause {
    /// The cause value.
    pub cause: u8,
    /// Text as TS 24.229 gives it (used in `text=`).
    pub text: &'static str,
    /// When it is used.
    pub meaning: &'static str,
}

/// The `RELEASE_CAUSE` value, if defined.
pub fn release_cause_info(cause: u8) -> Option<&'static ReleaseCause> {
    tables::release_causes().iter().find(|r| r.cause == cause)
}

/// Every defined `RELEASE_CAUSE` value.
pub fn release_causes() -> &'static [ReleaseCause] {
    tables::release_causes()
}

/// The knowledge base's value tables in one serialisable view, for a
/// page or package that lets users browse them (Codes view: Q.850 causes,
/// Warning codes, Reason protocols with their values, the RFC 3398
/// mappings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Catalog {
    /// ITU-T Q.850 causes, sorted.
    pub q850: &'static [Q850Cause],
    /// Warning codes (RFC 3261 §20.43 and extensions), sorted.
    pub warnings: &'static [WarningInfo],
    /// Reason protocols with their values (RELEASE_CAUSE, FAILURE_CAUSE…).
    pub reason_protocols: &'static [ReasonProtocol],
    /// RFC 3398 §8.2.6.1: Q.850 cause → SIP status.
    pub q850_to_sip: &'static [Q850ToSip],
    /// RFC 3398 §7.2.4.1: SIP status → Q.850 cause.
    pub sip_to_q850: &'static [SipToQ850],
}

/// Every value table of the knowledge base (see [`Catalog`]).
pub fn catalog() -> Catalog {
    Catalog {
        q850: tables::q850_causes(),
        warnings: tables::warnings(),
        reason_protocols: tables::reason_protocols(),
        q850_to_sip: tables::q850_to_sip(),
        sip_to_q850: tables::sip_to_q850(),
    }
}

impl From<u16> for StatusCode {
    fn from(code: u16) -> Self {
        StatusCode(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_codes_fall_back_by_class() {
        let l = lookup_code(499);
        assert!(!l.known);
        assert_eq!(l.info.code, 400);
        assert!(l.note.is_some());
        assert_eq!(status_info(150).code, 183);
        assert_eq!(status_info(799).code, 0);
        assert_eq!(status_info(42).class, StatusClass::Invalid);
    }

    #[test]
    fn mapping_lookups() {
        assert_eq!(q850_to_sip(22).len(), 2);
        assert_eq!(q850_to_sip(200).len(), 1);
        assert_eq!(q850_to_sip(99)[0].sip, Some(500));
        assert_eq!(sip_to_q850(486).and_then(|r| r.cause), Some(17));
    }
}
