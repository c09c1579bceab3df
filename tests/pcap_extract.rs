//! Every message cut from the shared captures parses, agrees with the
//! start line tshark recorded in INDEX.tsv, and carries no error-severity
//! finding except the ones listed (real captures include broken messages).
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

use siplens::{parse_message, validate_message, HeaderName, Severity, StartLine};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/traces/pcap-extract")
}

fn indexes(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            indexes(&p, out);
        } else if p.file_name().is_some_and(|n| n == "INDEX.tsv") {
            out.push(p);
        }
    }
}

#[test]
fn all_1309_messages_parse_and_match_the_index() {
    let mut idx = Vec::new();
    indexes(&root(), &mut idx);
    idx.sort();
    let mut count = 0;
    let mut mismatches = Vec::new();
    let mut error_files = Vec::new();
    for index in idx {
        let dir = index.parent().unwrap();
        let text = std::fs::read_to_string(&index).unwrap();
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            let (file, start_line) = (cols[0], cols[6]);
            let bytes = std::fs::read(dir.join(file)).unwrap();
            let msg = parse_message(&bytes);
            count += 1;
            let findings = validate_message(&msg);
            for f in &findings {
                assert!(
                    f.span.end <= bytes.len() && f.span.start <= f.span.end,
                    "{file}: {f:?}"
                );
            }
            // Start line agrees with tshark's.
            let mut parts = start_line.splitn(3, ' ');
            let (a, b) = (parts.next().unwrap(), parts.next().unwrap_or(""));
            match msg.start_line() {
                StartLine::Status(s) => {
                    if a != "SIP/2.0" || s.code.map(|c| c.0.to_string()).as_deref() != Some(b) {
                        mismatches.push(format!("{file}: {start_line} vs status {:?}", s.code));
                    }
                }
                StartLine::Request(r) => {
                    if r.method.bytes() != a.as_bytes() || r.uri.bytes() != b.as_bytes() {
                        mismatches.push(format!("{file}: {start_line} vs request {:?}", r.method));
                    }
                    // CSeq method agrees with the request method (ACK/CANCEL too).
                    let cseq = msg.header_value(HeaderName::CSeq);
                    if !cseq.is_some_and(|c| c.bytes().ends_with(r.method.bytes())) {
                        mismatches.push(format!("{file}: CSeq {cseq:?} vs method {:?}", r.method));
                    }
                }
                StartLine::Invalid(_) => {
                    mismatches.push(format!("{file}: not parsed: {start_line}"))
                }
            }
            if msg.header(HeaderName::CallId).is_none() {
                mismatches.push(format!("{file}: no Call-ID"));
            }
            let errs: Vec<String> = findings
                .iter()
                .filter(|f| f.severity() == Severity::Error)
                .map(|f| f.id().to_owned())
                .collect();
            if !errs.is_empty() {
                error_files.push((
                    format!("{}/{file}", dir.file_name().unwrap().to_string_lossy()),
                    errs,
                ));
            }
        }
    }
    assert_eq!(count, 1309);
    // Real captures with real defects: where, which rules, and why.
    let allowed: &[(&str, &[&str], &str)] = &[
        (
            "invalid-content-length",
            &["SL019", "SL020"],
            "zeek's synthetic test of bad Content-Length values",
        ),
        (
            "sip-junk-before-request",
            &["SL035"],
            "the datagram holds only a request line and Expires",
        ),
        (
            "erspan_sip_ipv4_udp/0089",
            &["SL018", "SL024"],
            "raw binary bytes appended to the To tag (not UTF-8, and the tag is no token)",
        ),
        (
            "erspan_sip_ipv4_udp/0091",
            &["SL018", "SL024"],
            "the same broken To tag echoed in the 481",
        ),
        (
            "erspan_sip_ipv4_udp/002",
            &["SL024"],
            "control bytes (0x18 0x01) appended to the To tag: the tag is no token (RFC 3261 §25.1)",
        ),
        (
            "erspan_sip_ipv4_udp/004",
            &["SL024"],
            "the same broken To tag in a later NOTIFY and its 481",
        ),
        (
            "sip_ipv4_tcp_fragmented/0013",
            &["SL024"],
            "P-Asserted-Identity <sip:@maxus.lan> has an empty user part",
        ),
        (
            "sip_ipv6_udp/",
            &["SL034", "SL024"],
            "an old UA writes IPv6 sent-by and Contact hosts without [ ]",
        ),
        (
            "ipv6frag/0022",
            &["SL036"],
            "the 200 to UPDATE repeats Content-Type",
        ),
        (
            "sip-sdp_sdp/",
            &["SL029", "SL024"],
            "flowsynth wrote From: \\\"arik\\\" with backslashes outside quotes",
        ),
        (
            "sip_compact_form/",
            &["SL029", "SL024"],
            "same flowsynth From",
        ),
        (
            "sip_header_multi_val/",
            &["SL029", "SL024", "SL036"],
            "same flowsynth From, and two To headers on purpose",
        ),
    ];
    let unexpected: Vec<_> = error_files
        .iter()
        .filter(|(path, ids)| {
            !allowed.iter().any(|(frag, ok, _)| {
                path.contains(frag) && ids.iter().all(|id| ok.contains(&id.as_str()))
            })
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "{} files with unexpected errors: {unexpected:#?}",
        unexpected.len()
    );
    let mismatches: Vec<_> = mismatches
        .iter()
        // The junk-before-request REGISTER has no CSeq and no Call-ID (see above).
        .filter(|m| !m.starts_with("0001-f00002-REGISTER.sip:"))
        .collect();
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}
