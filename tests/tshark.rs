//! Agreement with Wireshark: for every capture of the shared corpus, the
//! SIP messages `siplens::decode_capture` finds match tshark's, in count
//! and message by message (frame, status code, method, Call-ID, CSeq, From
//! and To tags, top Via branch).
//!
//! tshark runs here (Debian `tshark`; `make tools-tshark` installs it). Its
//! `-T fields` output joins the values of all SIP PDUs of one frame (a TCP
//! segment holding two messages gives `INVITE,ACK` and two Call-IDs), which
//! cannot be paired back reliably, so the test reads the same fields from
//! `-T json --no-duplicate-keys -J "frame sip"`, where each PDU is its own
//! object. Without tshark the test is skipped, unless `CI` is set, where it
//! fails.
//!
//! Allowed differences, each listed in [`ALLOWED`] with its reason.
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// tshark PDUs inside ICMP errors are not counted: tshark dissects the
/// datagram an ICMP port-unreachable quotes (private-test-sip frames 2 and
/// 150: a truncated REGISTER and a 100 Trying bounced back); that is not
/// SIP traffic and siplens does not report it.
const SKIP_ICMP: bool = true;

/// (capture, field, why): a field where one side has a value and the other
/// has none, allowed for the reason given. Every other field must match.
const ALLOWED: &[(&str, &str, &str)] = &[
    (
        "heplify/sip_ipv6_udp.pcap",
        "branch",
        "the Via sent-by is an unbracketed IPv6 address (`fe80:0:0:0:21a:a0ff:fe07:32e0:5060`, invalid per RFC 3261 §25.1 and RFC 5118 §4.5); tshark's Via parser stops at the first colon and shows no branch, siplens still reads `branch=`",
    ),
    (
        "suricata-verify/sip-sdp_sdp.pcap",
        "from_tag",
        "synthetic message: `From: \\\"arik\\\" <sip:…>;tag=…` has backslash-escaped quotes outside a quoted-string; siplens rejects the name-addr (SL024/SL029, no tag), tshark skips to `;tag=`",
    ),
    (
        "suricata-verify/sip_compact_form.pcap",
        "from_tag",
        "same synthetic From with backslash-escaped quotes as sip-sdp_sdp.pcap",
    ),
    (
        "suricata-verify/sip_header_multi_val.pcap",
        "from_tag",
        "same synthetic From with backslash-escaped quotes as sip-sdp_sdp.pcap",
    ),
];

/// Captures tshark must be told to decode as SIP on a non-standard port.
const DECODE_AS: &[(&str, &str)] =
    &[("heplify/sip_ipv4_tcp_fragmented.pcap", "tcp.port==6060,sip")];

#[derive(Debug, Clone, PartialEq, Eq)]
struct Pdu {
    frame: u64,
    code: Option<String>,
    method: Option<String>,
    call_id: Option<String>,
    cseq: Option<String>,
    from_tag: Option<String>,
    to_tag: Option<String>,
    branch: Option<String>,
}

fn captures() -> Vec<PathBuf> {
    let dir = common::root().join("../shared/corpus/pcap");
    let mut out = Vec::new();
    for sub in std::fs::read_dir(&dir).expect("shared pcap corpus") {
        let sub = sub.unwrap().path();
        if sub.is_dir() {
            for f in std::fs::read_dir(&sub).unwrap() {
                let f = f.unwrap().path();
                if f.extension().is_some_and(|e| e == "pcap" || e == "pcapng") {
                    out.push(f);
                }
            }
        }
    }
    out.sort();
    out
}

fn rel(p: &Path) -> String {
    let s = p.display().to_string();
    s.split("corpus/pcap/").nth(1).unwrap_or(&s).to_owned()
}

/// Every value of `key` anywhere under `v`, in document order.
fn collect<'a>(v: &'a Value, key: &str, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == key {
                    match x {
                        Value::String(s) => out.push(s),
                        Value::Array(a) => out.extend(a.iter().filter_map(Value::as_str)),
                        _ => {}
                    }
                } else {
                    collect(x, key, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect(x, key, out)),
        _ => {}
    }
}

fn first(v: &Value, key: &str) -> Option<String> {
    let mut out = Vec::new();
    collect(v, key, &mut out);
    out.first().map(|s| s.to_string())
}

/// The branch of the first Via, from tshark's Via tree: one
/// `sip.Via_tree` per Via header line; a line with several comma-separated
/// values gets one tree whose fields are arrays. When those arrays cannot
/// be aligned (some values without a branch), the raw first value of the
/// line is read instead.
fn top_via_branch(sip: &Value) -> Option<String> {
    fn find<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
        match v {
            Value::Object(m) => m.get(key).or_else(|| m.values().find_map(|x| find(x, key))),
            Value::Array(a) => a.iter().find_map(|x| find(x, key)),
            _ => None,
        }
    }
    let first = |v: &Value| match v {
        Value::Array(a) => a.first().cloned(),
        x => Some(x.clone()),
    };
    let tree = first(find(sip, "sip.Via_tree")?)?;
    let branch = tree.get("sip.Via.branch");
    match (tree.get("sip.Via.transport"), branch) {
        (Some(Value::Array(t)), Some(Value::Array(b))) if t.len() != b.len() => {
            let raw = first(find(sip, "sip.Via")?)?;
            let line = raw.as_str()?.split(',').next()?.to_owned();
            line.split(';')
                .find_map(|p| p.trim().strip_prefix("branch="))
                .map(str::to_owned)
        }
        (_, Some(b)) => first(b)?.as_str().map(str::to_owned),
        _ => None,
    }
}

fn tshark_pdus(file: &Path) -> Vec<Pdu> {
    let mut cmd = Command::new("tshark");
    cmd.arg("-r").arg(file).args(["-Y", "sip"]);
    if let Some((_, d)) = DECODE_AS.iter().find(|(f, _)| rel(file) == *f) {
        cmd.args(["-d", d]);
    }
    cmd.args(["-T", "json", "--no-duplicate-keys", "-J", "frame sip"]);
    let out = cmd.output().expect("tshark runs");
    assert!(out.status.success(), "tshark failed on {}", file.display());
    pdus_of(&serde_json::from_slice(&out.stdout).expect("tshark JSON"))
}

/// The SIP PDUs of tshark's `-T json` output.
fn pdus_of(v: &Value) -> Vec<Pdu> {
    let mut pdus = Vec::new();
    for pkt in v.as_array().unwrap() {
        let layers = &pkt["_source"]["layers"];
        let frame: u64 = layers["frame"]["frame.number"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let protocols = layers["frame"]["frame.protocols"].as_str().unwrap_or("");
        if SKIP_ICMP && protocols.split(':').any(|p| p == "icmp" || p == "icmpv6") {
            continue;
        }
        let sips: Vec<&Value> = match &layers["sip"] {
            Value::Array(a) => a.iter().collect(),
            Value::Null => Vec::new(),
            x => vec![x],
        };
        for s in sips {
            let code = first(s, "sip.Status-Code");
            let method = first(s, "sip.Method");
            // Keep-alives and continuations have no start line.
            if code.is_none() && method.is_none() {
                continue;
            }
            let cseq = first(s, "sip.CSeq.seq")
                .zip(first(s, "sip.CSeq.method"))
                .map(|(a, b)| format!("{a} {b}"));
            pdus.push(Pdu {
                frame,
                code,
                method,
                call_id: first(s, "sip.Call-ID"),
                cseq,
                from_tag: first(s, "sip.from.tag"),
                to_tag: first(s, "sip.to.tag"),
                branch: top_via_branch(s),
            });
        }
    }
    pdus
}

fn siplens_pdus(file: &Path) -> Vec<Pdu> {
    let bytes = std::fs::read(file).unwrap();
    let t = siplens::decode_capture(&bytes);
    t.messages
        .iter()
        .map(|m| {
            let d = &m.decoded;
            Pdu {
                frame: m.frame.unwrap(),
                code: d
                    .status
                    .as_ref()
                    .and_then(|s| s.code)
                    .map(|c| c.to_string()),
                method: d.request.as_ref().map(|r| r.method.to_string()),
                call_id: d.call_id.as_deref().map(str::to_owned),
                cseq: d.cseq.as_ref().map(|c| {
                    format!(
                        "{} {}",
                        c.seq.map_or(String::new(), |s| s.to_string()),
                        c.method
                    )
                }),
                from_tag: d
                    .from
                    .as_ref()
                    .and_then(|a| a.tag.as_deref().map(str::to_owned)),
                to_tag: d
                    .to
                    .as_ref()
                    .and_then(|a| a.tag.as_deref().map(str::to_owned)),
                branch: d
                    .via
                    .first()
                    .and_then(|v| v.branch.as_deref().map(str::to_owned)),
            }
        })
        .collect()
}

#[test]
fn siplens_finds_the_sip_messages_tshark_finds() {
    if !common::tshark() {
        return;
    }
    let mut report = Vec::new();
    let mut total = 0;
    for file in captures() {
        let name = rel(&file);
        let mut theirs = tshark_pdus(&file);
        let mut ours = siplens_pdus(&file);
        for (f, field, _) in ALLOWED.iter().filter(|(f, _, _)| *f == name) {
            let _ = f;
            for (a, b) in theirs.iter_mut().zip(ours.iter_mut()) {
                let (x, y) = match *field {
                    "branch" => (&mut a.branch, &mut b.branch),
                    "from_tag" => (&mut a.from_tag, &mut b.from_tag),
                    other => panic!("unknown field {other}"),
                };
                // Only a value on one side and none on the other is allowed.
                if x.is_none() != y.is_none() {
                    *x = None;
                    *y = None;
                }
            }
        }
        total += theirs.len();
        if theirs.len() != ours.len() {
            report.push(format!(
                "{name}: tshark {} messages, siplens {}",
                theirs.len(),
                ours.len()
            ));
        }
        for (k, (a, b)) in theirs.iter().zip(&ours).enumerate() {
            if a != b {
                report.push(format!(
                    "{name} message {k}:\n  tshark  {a:?}\n  siplens {b:?}"
                ));
                break;
            }
        }
    }
    assert!(total > 1000, "only {total} SIP messages in the corpus?");
    assert!(report.is_empty(), "{}", report.join("\n"));
}

/// An exported call (`siplens::trace::export`): Wireshark reads the cut
/// capture and finds the call's SIP messages in it, in order (a TCP
/// connection shared with other calls brings their messages along).
#[test]
fn tshark_reads_an_exported_call() {
    use siplens::trace::export;
    if !common::tshark() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("siplens-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut exported = 0;
    for file in captures() {
        let name = rel(&file);
        let bytes = std::fs::read(&file).unwrap();
        let t = siplens::decode_capture(&bytes);
        // The first call, else the first Call-ID's messages.
        let msgs = match t.calls.first() {
            Some(c) => export::call_messages(&t, c.id),
            None => match t.transactions.first() {
                Some(tx) => export::call_id_messages(&t, &tx.call_id),
                None => continue,
            },
        };
        let frames = export::message_frames(&t, &msgs);
        let cut = export::capture_frames(&bytes, &frames).unwrap();
        let ext = if name.ends_with(".pcapng") {
            "pcapng"
        } else {
            "pcap"
        };
        let out = dir.join(format!("{}.{ext}", name.replace('/', "_")));
        std::fs::write(&out, &cut).unwrap();
        let mut theirs = tshark_pdus_as(&out, &name);
        let ours: Vec<Pdu> = siplens_pdus(&file)
            .into_iter()
            .enumerate()
            .filter(|(i, _)| msgs.contains(i))
            .map(|(_, p)| p)
            .collect();
        // Frames are renumbered in the cut: compare everything else.
        for p in &mut theirs {
            p.frame = 0;
        }
        let mut k = 0;
        for mut p in ours {
            p.frame = 0;
            let allowed = ALLOWED.iter().any(|(f, _, _)| *f == name);
            let at = theirs[k..].iter().position(|q| {
                *q == p
                    || (allowed && (&q.call_id, &q.cseq, &q.code) == (&p.call_id, &p.cseq, &p.code))
            });
            assert!(
                at.is_some(),
                "{name}: tshark does not see {p:?} in the export"
            );
            k += at.unwrap() + 1;
        }
        exported += 1;
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(exported > 20, "{exported}");
}

/// [`tshark_pdus`] of a file named after the corpus capture `name` (for its
/// decode-as rule).
fn tshark_pdus_as(file: &Path, name: &str) -> Vec<Pdu> {
    let mut cmd = Command::new("tshark");
    cmd.arg("-r").arg(file).args(["-Y", "sip"]);
    if let Some((_, d)) = DECODE_AS.iter().find(|(f, _)| name == *f) {
        cmd.args(["-d", d]);
    }
    cmd.args(["-T", "json", "--no-duplicate-keys", "-J", "frame sip"]);
    let out = cmd.output().expect("tshark runs");
    assert!(out.status.success(), "tshark failed on {}", file.display());
    pdus_of(&serde_json::from_slice(&out.stdout).expect("tshark JSON"))
}
