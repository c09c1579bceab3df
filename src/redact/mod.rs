//! Redaction: subscriber identities and network secrets replaced by stable,
//! shape-keeping pseudonyms, so a trace can be pasted into a ticket.
//!
//! Flow: text → the messages in it ([`crate::trace::text::split_text`]),
//! each parsed ([`crate::parse::parse_message`]) → the scanner collects the spans of
//! every identifier, one [`Kind`] each (structural views for display names,
//! credentials, Security-*, P-Access-Network-Info, P-Charging-Vector,
//! Call-ID, tags, branches; a generic scanner for URIs, IP literals and
//! device URNs anywhere, log lines included) → the [`Redactor`] gives each
//! distinct value one alias for the whole trace ([`alias`] documents the
//! shapes) → a last sweep replaces any other occurrence of a value already
//! seen → the edits are applied and each message's Content-Length is fixed
//! so the redacted text parses to the same structure.
//!
//! Aliases come from reserved ranges (documentation IPs, `+999…` numbers,
//! `.invalid` hosts, …) and are recognised again: redacting redacted text
//! changes nothing.
//!
//! ```
//! use siplens::redact::{redact_text, RedactOptions};
//! let msg = "MESSAGE sip:+12125551234@ims.example.net SIP/2.0\r\n\
//!            From: \"Alice\" <sip:alice@10.1.2.3>;tag=1\r\nContent-Length: 0\r\n\r\n";
//! let out = redact_text(msg.as_bytes(), &RedactOptions::default());
//! let text = String::from_utf8(out.output).unwrap();
//! assert!(text.starts_with("MESSAGE sip:+99900000001@ims.example.net SIP/2.0"));
//! assert!(text.contains("\"Person1\" <sip:user1@192.0.2.1>"));
//! ```

pub mod alias;
pub mod capture;
mod scan;

use std::collections::HashMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::span::Span;

/// How much to replace. Each level includes the ones before it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Who and where the subscriber is: IMSI/IMPI, phone numbers, user
    /// names, display names, IMEI / instance IDs, cell IDs.
    Identities,
    /// Identities plus the network: IP addresses, digest/AKA secrets,
    /// IPsec SPIs, charging IDs.
    #[default]
    Network,
    /// Everything: also host/domain names, Call-IDs, tags, branches, MACs.
    All,
}

impl Level {
    /// The level named `s` (`identities`, `network`, `all`).
    pub fn from_name(s: &str) -> Option<Level> {
        match s.to_ascii_lowercase().as_str() {
            "identities" => Some(Level::Identities),
            "network" => Some(Level::Network),
            "all" => Some(Level::All),
            _ => None,
        }
    }

    /// The level's name.
    pub fn name(self) -> &'static str {
        match self {
            Level::Identities => "identities",
            Level::Network => "network",
            Level::All => "all",
        }
    }
}

macro_rules! kinds {
    ($( $v:ident = ($id:literal, $level:ident, $label:literal, $what:literal); )*) => {
        /// A kind of identifier redaction knows (one row of [`KINDS`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind { $( #[doc = $what] $v, )* }

        /// Every kind: stable ID, the level that first includes it, label
        /// and what it covers.
        pub const KINDS: &[KindInfo] = &[
            $( KindInfo { kind: Kind::$v, id: $id, level: Level::$level, label: $label, covers: $what }, )*
        ];
    };
}

kinds! {
    Imsi = ("imsi", Identities, "IMSI / IMPI",
        "IMSIs: the user part of an IMPI (`001010123456789@ims.mnc001.mcc001.3gppnetwork.org`) or digest username; MCC and MNC are kept");
    Phone = ("phone", Identities, "Phone number",
        "Phone numbers: tel: URIs, numeric SIP user parts, numeric display names (E.164 `+…`, national, with visual separators)");
    User = ("user", Identities, "User name",
        "Other SIP URI user parts and digest usernames (`alice`)");
    DisplayName = ("display-name", Identities, "Display name",
        "Display names in From, To, Contact, P-Asserted-Identity and every other name-addr header");
    Device = ("device-id", Identities, "Device ID",
        "IMEIs (`urn:gsma:imei:…`, TAC kept) and instance UUIDs (`+sip.instance`, `gr=`, `urn:uuid:…`)");
    CellId = ("cell-id", Identities, "Cell / location",
        "Location in P-Access-Network-Info and Cellular-Network-Info (cell IDs, WLAN node IDs, line IDs); MCC and MNC kept");
    Ipv4 = ("ipv4", Network, "IPv4 address",
        "IPv4 addresses anywhere (Via, received=, Contact, SDP c=/o=, log lines, capture headers)");
    Ipv6 = ("ipv6", Network, "IPv6 address",
        "IPv6 addresses anywhere");
    Secret = ("auth-secret", Network, "Secret",
        "Digest/AKA nonce, nextnonce, cnonce, response, rspauth, auts, opaque, ck, ik; SDP SRTP keys (a=crypto inline:, a=key-mgmt, k=)");
    Spi = ("spi", Network, "IPsec SPI",
        "spi-c / spi-s of Security-Client, Security-Server, Security-Verify");
    Icid = ("icid", Network, "Charging ID",
        "P-Charging-Vector icid-value and related-icid");
    Host = ("host", All, "Host / domain",
        "Host and domain names (URIs, Via, realm, IOIs, P-Visited-Network-ID, Call-ID hosts)");
    CallId = ("call-id", All, "Call-ID",
        "Call-ID local parts");
    Tag = ("tag", All, "Tag",
        "From/To tags");
    Branch = ("branch", All, "Via branch",
        "Via branch values (the z9hG4bK magic cookie is kept)");
    Mac = ("mac", All, "MAC address",
        "MAC addresses in capture link-layer headers");
}

/// One row of [`KINDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct KindInfo {
    /// The kind.
    #[serde(skip)]
    pub kind: Kind,
    /// Stable ID (`phone`, `ipv4`, …), used by options and reports.
    pub id: &'static str,
    /// The first level that replaces this kind.
    pub level: Level,
    /// Short label.
    pub label: &'static str,
    /// What it covers.
    pub covers: &'static str,
}

impl Kind {
    /// This kind's row of [`KINDS`].
    pub fn info(self) -> &'static KindInfo {
        &KINDS[self as usize]
    }

    /// The kind with stable ID `id`.
    pub fn from_id(id: &str) -> Option<Kind> {
        KINDS
            .iter()
            .find(|k| k.id.eq_ignore_ascii_case(id))
            .map(|k| k.kind)
    }
}

/// What to replace. An unknown field is an error: a misspelt option
/// (`includes`) would otherwise quietly replace less than asked.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RedactOptions {
    /// The level (default `network`).
    pub level: Level,
    /// Kind IDs to replace in addition to the level's (e.g. `host`).
    pub include: Vec<String>,
    /// Kind IDs to keep although the level replaces them.
    pub exclude: Vec<String>,
}

impl RedactOptions {
    /// Options for `level` alone.
    pub fn level(level: Level) -> Self {
        RedactOptions {
            level,
            ..Default::default()
        }
    }

    /// Checks the kind IDs; `Err` names the first unknown one.
    pub fn validate(&self) -> Result<(), String> {
        for id in self.include.iter().chain(&self.exclude) {
            if Kind::from_id(id).is_none() {
                let known: Vec<_> = KINDS.iter().map(|k| k.id).collect();
                return Err(format!(
                    "unknown identifier kind {id:?} (known: {})",
                    known.join(", ")
                ));
            }
        }
        Ok(())
    }

    /// True when `kind` is replaced under these options.
    pub fn covers(&self, kind: Kind) -> bool {
        let id = kind.info().id;
        let has = |v: &[String]| v.iter().any(|x| x.eq_ignore_ascii_case(id));
        if has(&self.exclude) {
            return false;
        }
        kind.info().level <= self.level || has(&self.include)
    }
}

/// One replacement in the input: `span` (byte offsets into the input)
/// becomes `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// What is replaced.
    pub span: Span,
    /// The replacement.
    pub text: String,
    /// The kind of identifier; `None` for a Content-Length fix-up.
    pub kind: Option<Kind>,
}

/// Counts for one kind in a [`Report`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct KindCount {
    /// Kind ID.
    pub kind: &'static str,
    /// Label.
    pub label: &'static str,
    /// Occurrences replaced.
    pub replaced: usize,
    /// Distinct values.
    pub distinct: usize,
}

/// One pseudonym. It holds the original value: keep the alias map local.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct AliasEntry {
    /// Kind ID.
    pub kind: &'static str,
    /// The original value (as first seen).
    pub original: String,
    /// Its alias.
    pub alias: String,
    /// Occurrences replaced.
    pub count: usize,
}

/// What a redaction replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The level applied.
    pub level: Level,
    /// Kinds replaced under the options, in [`KINDS`] order (zero counts included).
    pub kinds: Vec<KindCount>,
    /// Every alias, in order of first appearance.
    pub aliases: Vec<AliasEntry>,
    /// Total replacements.
    pub total: usize,
}

/// Redacted text and its report.
#[derive(Debug, Clone)]
pub struct Redacted {
    /// The redacted bytes.
    pub output: Vec<u8>,
    /// What was replaced.
    pub report: Report,
}

/// The alias families: values of one family share one map and one counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Family {
    Digits,
    Imei,
    Uuid,
    Ipv4,
    Ipv6,
    User,
    Name,
    Host,
    Cell,
    Spi,
    Mac,
    Opaque(Kind),
}

#[derive(Debug, Clone)]
struct Entry {
    kind: Kind,
    original: String,
    alias: String,
    count: usize,
}

/// Stable aliases for one trace (or one capture): the same value gets the
/// same alias in every message given to the same `Redactor`.
#[derive(Debug, Clone)]
pub struct Redactor {
    opts: RedactOptions,
    map: HashMap<(Family, String), usize>,
    entries: Vec<Entry>,
    counters: HashMap<(Family, usize), u64>,
    per_kind: HashMap<Kind, usize>,
}

impl Redactor {
    /// A redactor with no alias yet.
    pub fn new(opts: RedactOptions) -> Self {
        Redactor {
            opts,
            map: HashMap::new(),
            entries: Vec::new(),
            counters: HashMap::new(),
            per_kind: HashMap::new(),
        }
    }

    /// The options.
    pub fn options(&self) -> &RedactOptions {
        &self.opts
    }

    /// Redacts text holding one message, many, or log lines around them.
    pub fn redact(&mut self, input: &[u8]) -> Vec<u8> {
        let edits = self.edits(input);
        apply(input, &edits)
    }

    /// The edits that redact `input`, sorted and non-overlapping (aliases
    /// are assigned and counted). Capture rewriting uses the spans to move
    /// TCP sequence numbers.
    pub fn edits(&mut self, input: &[u8]) -> Vec<Edit> {
        scan::edits(self, input)
    }

    /// The alias of an IP address (same family), or `None` when addresses
    /// are kept under the options or this one carries no identity.
    pub fn alias_ip(&mut self, ip: IpAddr) -> Option<IpAddr> {
        let kind = if ip.is_ipv4() { Kind::Ipv4 } else { Kind::Ipv6 };
        if !self.opts.covers(kind) || alias::keep_ip(ip) {
            return None;
        }
        let a = self.alias(kind, &ip.to_string())?;
        a.parse().ok()
    }

    /// The alias of a MAC address, or `None` when kept.
    pub fn alias_mac(&mut self, mac: [u8; 6]) -> Option<[u8; 6]> {
        if !self.opts.covers(Kind::Mac) || alias::keep_mac(mac) {
            return None;
        }
        let text = mac
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":");
        let a = self.alias(Kind::Mac, &text)?;
        let mut out = [0u8; 6];
        for (o, part) in out.iter_mut().zip(a.split(':')) {
            *o = u8::from_str_radix(part, 16).ok()?;
        }
        Some(out)
    }

    /// The report so far.
    pub fn report(&self) -> Report {
        let kinds = KINDS
            .iter()
            .filter(|k| self.opts.covers(k.kind))
            .map(|k| KindCount {
                kind: k.id,
                label: k.label,
                replaced: self.per_kind.get(&k.kind).copied().unwrap_or(0),
                distinct: self.entries.iter().filter(|e| e.kind == k.kind).count(),
            })
            .collect();
        Report {
            level: self.opts.level,
            kinds,
            aliases: self
                .entries
                .iter()
                .map(|e| AliasEntry {
                    kind: e.kind.info().id,
                    original: e.original.clone(),
                    alias: e.alias.clone(),
                    count: e.count,
                })
                .collect(),
            total: self.per_kind.values().sum(),
        }
    }

    /// Counts one replacement of `kind`.
    fn count(&mut self, kind: Kind, entry: usize) {
        *self.per_kind.entry(kind).or_default() += 1;
        if let Some(e) = self.entries.get_mut(entry) {
            e.count += 1;
        }
    }

    /// The alias of `value` as a `kind`, assigned on first sight; `None`
    /// when the value is already an alias (or carries no identity).
    /// Counts the replacement.
    pub(crate) fn alias(&mut self, kind: Kind, value: &str) -> Option<String> {
        let (family, key) = family_key(kind, value)?;
        if let Some(out) = self.seen(kind, value, family, &key) {
            return Some(out);
        }
        // Opaque aliases of every kind share one counter: a nonce and a
        // Call-ID of the same length must not get the same alias.
        // Numbers count per digit count, so an alias keeps its prefix
        // (`99900…`) for as long as possible.
        let counter = match family {
            Family::Opaque(_) | Family::Cell => (Family::Opaque(Kind::Secret), 0),
            Family::Digits => (family, key.len()),
            f => (f, 0),
        };
        let n = {
            let c = self.counters.entry(counter).or_insert(0);
            *c += 1;
            *c
        };
        let a = make_alias(kind, family, value, &key, n)?;
        let i = self.entries.len();
        self.entries.push(Entry {
            kind,
            original: value.to_owned(),
            alias: a.clone(),
            count: 0,
        });
        self.map.insert((family, key), i);
        self.count(kind, i);
        Some(render(kind, value, &a))
    }

    /// The alias already given to a value seen before (the final sweep),
    /// counted; `None` when the value was never aliased.
    pub(crate) fn known(&mut self, kind: Kind, value: &str) -> Option<String> {
        let (family, key) = family_key(kind, value)?;
        self.seen(kind, value, family, &key)
    }

    /// The alias of a value already in the map under `(family, key)`,
    /// written in `value`'s format and counted.
    fn seen(&mut self, kind: Kind, value: &str, family: Family, key: &str) -> Option<String> {
        let &i = self.map.get(&(family, key.to_owned()))?;
        let e = &self.entries[i];
        let out = render(kind, value, &e.alias);
        self.count(e.kind, i);
        Some(out)
    }
}

/// The family and map key of a value, or `None` when it is an alias
/// already or has nothing to replace.
fn family_key(kind: Kind, value: &str) -> Option<(Family, String)> {
    let v = value.trim();
    // Punctuation alone (`,` as a user part, `@` as a display name) names
    // nobody; replacing it could glue two aliases into one token.
    if !v.bytes().any(|b| b.is_ascii_alphanumeric()) && v.is_ascii() {
        return None;
    }
    let fk = match kind {
        Kind::Imsi | Kind::Phone => {
            let d = alias::digits(v);
            if d.len() < 4 || alias::is_phone_alias(&d) || alias::is_imsi_alias(&d) {
                return None;
            }
            (Family::Digits, d)
        }
        Kind::Device => {
            if v.contains('-') && v.len() == 36 && v.bytes().filter(|&b| b == b'-').count() == 4 {
                if alias::is_uuid_alias(v) {
                    return None;
                }
                (Family::Uuid, v.to_ascii_lowercase())
            } else {
                let d = alias::digits(v);
                if d.len() < 14 || alias::is_imei_alias(&d) {
                    return None;
                }
                (Family::Imei, d)
            }
        }
        Kind::Ipv4 => {
            let a: std::net::Ipv4Addr = v.parse().ok()?;
            if alias::keep_ipv4(a) {
                return None;
            }
            (Family::Ipv4, a.to_string())
        }
        Kind::Ipv6 => {
            let a: std::net::Ipv6Addr = v.parse().ok()?;
            if alias::keep_ipv6(a) {
                return None;
            }
            (Family::Ipv6, a.to_string())
        }
        Kind::User => {
            if alias::is_word_alias(v, "user")
                || alias::is_word_alias(v, "person")
                || is_role_name(v)
            {
                return None;
            }
            (Family::User, v.to_owned())
        }
        Kind::DisplayName => {
            if alias::is_word_alias(v, "person")
                || alias::is_word_alias(v, "user")
                || is_role_name(v)
            {
                return None;
            }
            (Family::Name, v.to_owned())
        }
        Kind::Host => {
            if alias::is_host_alias(v) {
                return None;
            }
            (Family::Host, v.trim_end_matches('.').to_ascii_lowercase())
        }
        Kind::CellId => {
            if alias::is_cell_alias(v) {
                return None;
            }
            (Family::Cell, v.to_ascii_uppercase())
        }
        Kind::Spi => {
            if alias::is_spi_alias(v) {
                return None;
            }
            (Family::Spi, v.to_owned())
        }
        Kind::Mac => (Family::Mac, v.to_ascii_lowercase()),
        Kind::Branch => {
            let rest = strip_cookie(v);
            if rest.is_empty() || alias::is_opaque_alias(rest) {
                return None;
            }
            (Family::Opaque(kind), v.to_owned())
        }
        Kind::Secret | Kind::Icid | Kind::CallId | Kind::Tag => {
            if alias::is_opaque_alias(v) {
                return None;
            }
            (Family::Opaque(kind), v.to_owned())
        }
    };
    Some(fk)
}

/// User parts and display names that name a role, not a person
/// (`anonymous` of RFC 3323, the S-CSCF's `orig`/`term` of TS 24.229,
/// emergency and mailbox services): kept, they carry the diagnosis.
pub const ROLE_NAMES: &[&str] = &[
    "anonymous",
    "orig",
    "term",
    "unknown",
    "unavailable",
    "restricted",
    "invalid",
    "sos",
    "emergency",
    "voicemail",
];

/// True for a [`ROLE_NAMES`] entry (any case).
pub fn is_role_name(v: &str) -> bool {
    ROLE_NAMES.iter().any(|g| v.eq_ignore_ascii_case(g))
}

/// A branch without its RFC 3261 magic cookie.
fn strip_cookie(v: &str) -> &str {
    let cookie = crate::parse::via::MAGIC_COOKIE;
    if v.len() >= cookie.len() && v.as_bytes()[..cookie.len()].eq_ignore_ascii_case(cookie) {
        v.get(cookie.len()..).unwrap_or("")
    } else {
        v
    }
}

/// A new alias (number `n` of its family).
fn make_alias(kind: Kind, family: Family, value: &str, key: &str, n: u64) -> Option<String> {
    Some(match family {
        Family::Digits => {
            if kind == Kind::Imsi && (14..=15).contains(&key.len()) {
                alias::imsi(key, n)
            } else {
                alias::phone(n, key.len())
            }
        }
        Family::Imei => alias::imei(key, n),
        Family::Uuid => alias::uuid(n),
        Family::Ipv4 => alias::ipv4(n).to_string(),
        Family::Ipv6 => alias::ipv6(n).to_string(),
        Family::User => alias::word("user", n),
        Family::Name => alias::word("Person", n),
        Family::Host => alias::host(n),
        Family::Cell => alias::cell(value.trim(), n),
        Family::Spi => alias::spi(n),
        Family::Mac => {
            let m = alias::mac(n);
            m.iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(":")
        }
        Family::Opaque(Kind::Branch) => {
            let v = value.trim();
            let cookie = &v[..v.len() - strip_cookie(v).len()];
            format!("{cookie}{}", alias::opaque(strip_cookie(v), n))
        }
        Family::Opaque(_) => alias::opaque(value.trim(), n),
    })
}

/// The alias as written in place of `value`: digit aliases take the
/// value's own format (`+`, separators); a phone-number alias given to a
/// display name stays digits.
fn render(kind: Kind, value: &str, alias: &str) -> String {
    match kind {
        Kind::Imsi | Kind::Phone => alias::overlay_digits(value.trim(), alias),
        Kind::Device if !alias.contains('-') || alias.len() != 36 => {
            alias::overlay_digits(value.trim(), alias)
        }
        _ => alias.to_owned(),
    }
}

/// `input` with `edits` (sorted, non-overlapping) applied.
pub fn apply(input: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() + 64);
    let mut at = 0;
    for e in edits {
        if e.span.start < at || e.span.end > input.len() {
            continue;
        }
        out.extend_from_slice(&input[at..e.span.start]);
        out.extend_from_slice(e.text.as_bytes());
        at = e.span.end;
    }
    out.extend_from_slice(&input[at..]);
    out
}

/// Redacts text (one message, a trace, log lines) with fresh aliases.
pub fn redact_text(input: &[u8], opts: &RedactOptions) -> Redacted {
    let mut r = Redactor::new(opts.clone());
    let output = r.redact(input);
    Redacted {
        output,
        report: r.report(),
    }
}
