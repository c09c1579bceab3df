#![cfg(not(target_arch = "wasm32"))]
//! Capture redaction on every capture of the shared corpus, at levels
//! `all` and `network`:
//!
//! - the redacted capture decodes to the same SIP messages (methods,
//!   status codes, CSeq numbers, in order) and the same numbers of
//!   transactions and dialogs;
//! - none of the original identifiers, collected independently from the
//!   original decode, is left in the output bytes;
//! - redacting the output again changes nothing;
//! - tshark reads every output with no malformed packet and no bad
//!   checksum, and sees as many SIP messages as in the original (skipped
//!   without tshark, unless `CI` is set).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use siplens::redact::capture::{redact_capture, RedactedCapture};
use siplens::redact::{Level, RedactOptions};

fn captures() -> Vec<PathBuf> {
    let v = common::files(&common::corpus().join("pcap"), &[".pcap", ".pcapng"]);
    assert_eq!(v.len(), 37, "the shared corpus has 37 captures");
    v
}

fn rel(p: &Path) -> String {
    let s = p.display().to_string();
    s.split("corpus/pcap/").nth(1).unwrap_or(&s).to_owned()
}

fn redact(input: &[u8], level: Level) -> RedactedCapture {
    redact_capture(input, &RedactOptions::level(level))
}

/// (method or code, CSeq number, CSeq method) of every message.
fn shape(t: &siplens::Trace) -> Vec<(String, Option<u32>, String)> {
    t.messages
        .iter()
        .map(|m| {
            let d = &m.decoded;
            let what = match (&d.request, &d.status) {
                (Some(r), _) => r.method.to_string(),
                (_, Some(s)) => format!("{:?}", s.code),
                _ => "invalid".into(),
            };
            let (seq, method) = d
                .cseq
                .as_ref()
                .map_or((None, String::new()), |c| (c.seq, c.method.to_string()));
            (what, seq, method)
        })
        .collect()
}

#[test]
fn redacted_captures_decode_to_the_same_flow() {
    let mut bad = Vec::new();
    for path in captures() {
        let input = std::fs::read(&path).unwrap();
        let orig = siplens::decode_capture(&input);
        for level in [Level::All, Level::Network] {
            let out = redact(&input, level);
            let red = siplens::decode_capture(&out.output);
            let name = format!("{} ({})", rel(&path), level.name());
            if shape(&orig) != shape(&red) {
                let (a, b) = (shape(&orig), shape(&red));
                let at = a.iter().zip(&b).position(|(x, y)| x != y);
                bad.push(format!(
                    "{name}: messages differ: {} vs {}, first difference at {at:?}: {:?} vs {:?}",
                    a.len(),
                    b.len(),
                    at.and_then(|i| a.get(i)),
                    at.and_then(|i| b.get(i))
                ));
                continue;
            }
            if orig.transactions.len() != red.transactions.len()
                || orig.dialogs.len() != red.dialogs.len()
            {
                bad.push(format!(
                    "{name}: {} / {} transactions, {} / {} dialogs",
                    orig.transactions.len(),
                    red.transactions.len(),
                    orig.dialogs.len(),
                    red.dialogs.len()
                ));
            }
            assert_eq!(out.format, red.source, "{name}");
            assert_eq!(
                out.packets.written, red.frames,
                "{name}: packets written = frames read back"
            );
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Addresses redaction keeps by design (loopback, multicast, unspecified,
/// documentation ranges: the aliases themselves).
fn kept_ip(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V4(a) => {
            let o = a.octets();
            a.is_unspecified()
                || a.is_loopback()
                || a.is_broadcast()
                || a.is_multicast()
                || matches!(
                    (o[0], o[1], o[2]),
                    (192, 0, 2) | (198, 51, 100) | (203, 0, 113)
                )
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19))
        }
        std::net::IpAddr::V6(a) => {
            a.is_unspecified()
                || a.is_loopback()
                || a.is_multicast()
                || a.segments()[..2] == [0x2001, 0xdb8]
        }
    }
}

fn kept_host(h: &str) -> bool {
    let h = h.to_ascii_lowercase();
    [
        "example.com",
        "example.net",
        "example.org",
        ".invalid",
        ".example",
        ".test",
        "localhost",
    ]
    .iter()
    .any(|s| h.ends_with(s))
}

/// `name="value"` or `name=value` parameters of a header value.
fn param(value: &str, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lower = value.to_ascii_lowercase();
    let pat = format!("{name}=");
    let mut from = 0;
    while let Some(i) = lower[from..].find(&pat) {
        let at = from + i;
        let before = lower[..at].chars().last();
        from = at + pat.len();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-') {
            continue;
        }
        let rest = &value[from..];
        let v = if let Some(q) = rest.strip_prefix('"') {
            q.split('"').next().unwrap_or("")
        } else {
            rest.split([',', ';', ' ', '>']).next().unwrap_or("")
        };
        out.push(v.to_owned());
    }
    out
}

/// The user part of every sip:/sips:/tel: URI in `value`.
fn uri_users(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    for scheme in ["sip:", "sips:", "tel:"] {
        for (i, _) in value.match_indices(scheme) {
            let rest = &value[i + scheme.len()..];
            let end = rest.find(['>', ';', ' ', ',', '"']).unwrap_or(rest.len());
            let uri = &rest[..end];
            if scheme == "tel:" {
                out.push(uri.to_owned());
            } else if let Some((u, _)) = uri.split_once('@') {
                out.push(u.split(':').next().unwrap_or("").to_owned());
            }
        }
    }
    out
}

/// The identifiers of the original capture that the level must remove,
/// each with where it came from.
fn identifiers(t: &siplens::Trace, level: Level) -> BTreeSet<(String, &'static str)> {
    let mut ids = BTreeSet::new();
    let mut add = |v: &str, what: &'static str| {
        let v = v.trim().trim_matches('"').trim();
        // Role names redaction keeps by design (they carry the diagnosis).
        if v.len() >= 4 && !siplens::redact::is_role_name(v) {
            ids.insert((v.to_owned(), what));
        }
    };
    let ip = |v: &str, what: &'static str, ids: &mut dyn FnMut(&str, &'static str)| {
        let v = v.trim().trim_start_matches('[').trim_end_matches(']');
        if let Ok(a) = v.parse::<std::net::IpAddr>() {
            if !kept_ip(a) {
                ids(&a.to_string(), what);
            }
        }
    };
    let all = level == Level::All;
    for m in &t.messages {
        let d = &m.decoded;
        for a in [&m.src, &m.dst].into_iter().flatten() {
            let host = a.rsplit_once(':').map_or(a.as_str(), |(h, _)| h);
            ip(host, "src/dst", &mut add);
        }
        for addr in [&d.from, &d.to].into_iter().flatten() {
            if let Some(u) = &addr.user {
                add(u, "From/To user");
            }
            if let Some(h) = &addr.host {
                if h.trim_matches(['[', ']'])
                    .parse::<std::net::IpAddr>()
                    .is_ok()
                {
                    ip(h, "From/To host", &mut add);
                } else if all && !kept_host(h) {
                    add(h, "From/To host");
                }
            }
            if let Some(n) = &addr.display_name {
                add(n, "display name");
            }
            if all {
                if let Some(tag) = &addr.tag {
                    add(tag, "tag");
                }
            }
        }
        for v in &d.via {
            if v.host
                .trim_matches(['[', ']'])
                .parse::<std::net::IpAddr>()
                .is_ok()
            {
                ip(&v.host, "Via sent-by", &mut add);
            } else if all && !kept_host(&v.host) {
                add(&v.host, "Via sent-by");
            }
            if let Some(r) = &v.received {
                ip(r, "Via received", &mut add);
            }
            if all {
                if let Some(b) = &v.branch {
                    add(b.trim_start_matches("z9hG4bK"), "branch");
                }
            }
        }
        if all {
            if let Some(c) = &d.call_id {
                add(c.split('@').next().unwrap_or(c), "Call-ID");
            }
        }
        for h in &d.headers {
            match &*h.canonical_name {
                "P-Asserted-Identity" | "P-Preferred-Identity" => {
                    for u in uri_users(&h.value) {
                        add(&u, "PAI user");
                    }
                }
                "WWW-Authenticate"
                | "Proxy-Authenticate"
                | "Authorization"
                | "Proxy-Authorization" => {
                    for p in ["nonce", "response", "cnonce", "opaque"] {
                        for v in param(&h.value, p) {
                            add(&v, "auth secret");
                        }
                    }
                }
                _ => {}
            }
        }
    }
    ids
}

/// Identifiers the text engine does not reach yet: (capture, level,
/// identifier, why). The test fails when an entry is no longer needed.
const KNOWN_ENGINE_GAPS: &[(&str, &str, &str, &str)] = &[];

/// True when `id` occurs in `hay` as a whole token: an address anywhere
/// (even glued to other text, which a reader still sees), a name or number
/// with no letter, digit, `.`, `-` or `_` on either side (so `0406` inside
/// a tag or `unknown` inside `invalid.unknown.domain` do not count).
fn occurs(hay: &[u8], id: &str) -> bool {
    if id.parse::<std::net::IpAddr>().is_ok() {
        return memchr::memmem::find(hay, id.as_bytes()).is_some();
    }
    let tok = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_');
    memchr::memmem::find_iter(hay, id.as_bytes()).any(|at| {
        let before = at.checked_sub(1).map(|i| hay[i]);
        let after = hay.get(at + id.len()).copied();
        !before.is_some_and(tok) && !after.is_some_and(tok)
    })
}

#[test]
fn no_original_identifier_is_left() {
    let mut bad = Vec::new();
    let mut used = BTreeSet::new();
    for path in captures() {
        let input = std::fs::read(&path).unwrap();
        let orig = siplens::decode_capture(&input);
        let name = rel(&path);
        for level in [Level::All, Level::Network] {
            let out = redact(&input, level);
            for (id, what) in identifiers(&orig, level) {
                let known = KNOWN_ENGINE_GAPS.iter().position(|(c, l, v, _)| {
                    *c == name && (*l == "*" || *l == level.name()) && *v == id
                });
                if let Some(k) = known {
                    used.insert(k);
                    continue;
                }
                if occurs(&out.output, &id) {
                    bad.push(format!("{} ({}): {what} {id:?}", rel(&path), level.name()));
                }
                // Addresses in binary too (IP headers, SCTP parameters).
                if let Ok(a) = id.parse::<std::net::IpAddr>() {
                    let b = match a {
                        std::net::IpAddr::V4(a) => a.octets().to_vec(),
                        std::net::IpAddr::V6(a) => a.octets().to_vec(),
                    };
                    if memchr::memmem::find(&out.output, &b).is_some() {
                        bad.push(format!(
                            "{} ({}): {what} {id} in binary",
                            rel(&path),
                            level.name()
                        ));
                    }
                }
            }
        }
    }
    for (k, gap) in KNOWN_ENGINE_GAPS.iter().enumerate() {
        if !used.contains(&k) {
            bad.push(format!("stale KNOWN_ENGINE_GAPS entry: {gap:?}"));
        }
    }
    assert!(bad.is_empty(), "{} left:\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn redacting_twice_changes_nothing_more() {
    let mut bad = Vec::new();
    for path in captures() {
        let input = std::fs::read(&path).unwrap();
        for level in [Level::All, Level::Network] {
            let once = redact(&input, level);
            let twice = redact(&once.output, level);
            if once.output != twice.output {
                let at = once
                    .output
                    .iter()
                    .zip(&twice.output)
                    .position(|(a, b)| a != b)
                    .unwrap_or(once.output.len().min(twice.output.len()));
                let changed: Vec<String> = twice
                    .report
                    .aliases
                    .iter()
                    .map(|a| format!("{} {:?} -> {:?}", a.kind, a.original, a.alias))
                    .take(5)
                    .collect();
                bad.push(format!(
                    "{} ({}): differs from byte {at}; second pass aliases: {}",
                    rel(&path),
                    level.name(),
                    changed.join(", ")
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// A frame tshark flags.
struct Flagged {
    frame: String,
    protocol: String,
    malformed: bool,
    bad_checksum: bool,
}

/// The frames tshark calls malformed or gives a bad checksum, and the SIP
/// messages it sees outside ICMP errors, in `file`.
/// With `check`, tshark verifies checksums; it then leaves TCP segments
/// with a bad one out of reassembly, so SIP is counted in the original
/// without checking.
fn tshark(file: &Path, decode_as: Option<&str>, check: bool) -> (Vec<Flagged>, usize) {
    let mut cmd = Command::new("tshark");
    cmd.arg("-n").arg("-r").arg(file);
    let on = if check { "TRUE" } else { "FALSE" };
    for o in ["ip", "udp", "tcp"] {
        cmd.args(["-o", &format!("{o}.check_checksum:{on}")]);
    }
    if check {
        cmd.args(["-o", "sctp.checksum:crc-32c"]);
    }
    if let Some(d) = decode_as {
        cmd.args(["-d", d]);
    }
    cmd.args(["-T", "fields", "-E", "separator=|", "-E", "occurrence=a"]);
    for f in [
        "frame.number",
        "_ws.malformed",
        "ip.checksum.status",
        "udp.checksum.status",
        "tcp.checksum.status",
        "sip.CSeq.seq",
        "icmp.type",
        "icmpv6.type",
        "_ws.col.Protocol",
        "sctp.checksum.status",
    ] {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().expect("run tshark");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut flagged = Vec::new();
    let mut sip = 0;
    for line in text.lines() {
        let f: Vec<&str> = line.split('|').collect();
        if f.len() < 10 {
            continue;
        }
        // Checksum status 0 is "Bad" (1 good, 2 unverified).
        let bad_checksum = [f[2], f[3], f[4], f[9]]
            .iter()
            .flat_map(|s| s.split(','))
            .any(|s| s == "0");
        let malformed = !f[1].is_empty();
        if malformed || bad_checksum {
            flagged.push(Flagged {
                frame: f[0].to_owned(),
                protocol: f[8].to_owned(),
                malformed,
                bad_checksum,
            });
        }
        if f[6].is_empty() && f[7].is_empty() && !f[5].is_empty() {
            sip += f[5].split(',').count();
        }
    }
    (flagged, sip)
}

#[test]
fn tshark_reads_every_redacted_capture_cleanly() {
    if !common::tshark() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("siplens-redact-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let all = captures();
    // Two threads: tshark takes most of the time.
    let bad: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = all
            .chunks(all.len().div_ceil(2))
            .map(|part| {
                scope.spawn(|| {
                    part.iter()
                        .flat_map(|p| tshark_check(p, &dir))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let _ = std::fs::remove_dir_all(&dir);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The tshark checks of one capture, at levels `all` and `network`.
fn tshark_check(path: &Path, dir: &Path) -> Vec<String> {
    let mut bad = Vec::new();
    let name = rel(path);
    let decode_as =
        (name == "heplify/sip_ipv4_tcp_fragmented.pcap").then_some("tcp.port==6060,sip");
    let input = std::fs::read(path).unwrap();
    let (orig_flagged, _) = tshark(path, decode_as, true);
    let (_, orig_sip) = tshark(path, decode_as, false);
    // SIP messages tshark already calls malformed (Zeek's invalid
    // Content-Length values) stay so; nothing else may be flagged.
    let sip_malformed = orig_flagged
        .iter()
        .filter(|f| f.malformed && f.protocol.starts_with("SIP"))
        .count();
    for level in [Level::All, Level::Network] {
        let out = redact(&input, level);
        let file = dir.join(format!("{}-{}", name.replace('/', "_"), level.name()));
        std::fs::write(&file, &out.output).unwrap();
        let (flagged, red_sip) = tshark(&file, decode_as, true);
        let sums: Vec<&Flagged> = flagged.iter().filter(|f| f.bad_checksum).collect();
        let malformed: Vec<&Flagged> = flagged.iter().filter(|f| f.malformed).collect();
        if let Some(f) = sums.first() {
            bad.push(format!(
                "{name} ({}): {} frames with a bad checksum, first {} ({})",
                level.name(),
                sums.len(),
                f.frame,
                f.protocol
            ));
        }
        if malformed.len() > sip_malformed
            || malformed.iter().any(|f| !f.protocol.starts_with("SIP"))
        {
            bad.push(format!(
                "{name} ({}): {} malformed frames ({} SIP ones before), first {} ({})",
                level.name(),
                malformed.len(),
                sip_malformed,
                malformed[0].frame,
                malformed[0].protocol
            ));
        }
        if red_sip != orig_sip {
            bad.push(format!(
                "{name} ({}): tshark sees {red_sip} SIP messages, {orig_sip} before",
                level.name()
            ));
        }
    }
    bad
}
