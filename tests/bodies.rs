//! Body views on the shared corpus: RFC 4475 mpart01 (multipart with a
//! binary part) and every SDP body of the pcap extracts.
//!
//! The corpus lives next to the repository (`../shared/corpus`); when it is
//! absent (a checkout on its own) the tests say so and pass.
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use siplens::parse::body::{find_sdp, parse_message_body, view_message_body, Body, Part};
use siplens::parse::media::parse_media_type;
use siplens::parse::sdp::Sdp;
use siplens::{parse_message, HeaderName, Rule, Text};

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    // CI has ../shared beside the repo: a missing corpus is a failure.
    assert!(dir.is_dir(), "{} not found", dir.display());
    Some(dir)
}

fn same(input: &[u8], t: Text<'_>) {
    assert_eq!(t.span().slice(input), t.bytes(), "{t:?}");
}

fn check_sdp(input: &[u8], sdp: &Sdp<'_>) {
    same(input, sdp.text);
    for l in &sdp.lines {
        same(input, l.value);
        assert_eq!(l.span.slice(input).first(), Some(&l.kind));
    }
    if let Some(o) = &sdp.origin {
        for t in [
            o.username,
            o.sess_id,
            o.sess_version,
            o.nettype,
            o.addrtype,
            o.address,
        ] {
            same(input, t);
        }
    }
    for c in sdp
        .connection
        .iter()
        .chain(sdp.media.iter().flat_map(|m| &m.connections))
    {
        for t in [c.nettype, c.addrtype, c.address] {
            same(input, t);
        }
        if let Some(t) = c.suffix {
            same(input, t);
        }
    }
    for b in sdp
        .bandwidths
        .iter()
        .chain(sdp.media.iter().flat_map(|m| &m.bandwidths))
    {
        same(input, b.bwtype);
        same(input, b.value);
    }
    for t in &sdp.timing {
        same(input, t.start_text);
        same(input, t.stop_text);
    }
    for m in &sdp.media {
        for t in [m.media, m.port_text, m.proto] {
            same(input, t);
        }
        for &t in &m.formats {
            same(input, t);
        }
        for a in sdp.attributes.iter().chain(&m.attributes) {
            same(input, a.name);
            if let Some(t) = a.value {
                same(input, t);
            }
        }
        for r in &m.rtpmaps {
            same(input, r.format);
            same(input, r.encoding);
        }
        for f in &m.fmtps {
            same(input, f.format);
            same(input, f.params);
        }
        for c in m.codecs() {
            same(input, c.format);
        }
        for c in m.current.iter().chain(&m.confirm) {
            same(input, c.precondition_type);
        }
        for d in &m.desired {
            same(input, d.precondition_type);
        }
    }
}

fn check_part(input: &[u8], p: &Part<'_>) {
    same(input, p.body);
    for h in &p.headers {
        same(input, h.name);
        same(input, h.value);
    }
}

#[test]
fn rfc4475_mpart01_multipart_with_binary_part() {
    let Some(dir) = corpus() else { return };
    let input = std::fs::read(dir.join("rfc4475/messages/mpart01.dat")).unwrap();
    let msg = parse_message(&input);
    let mut f = Vec::new();
    let ct = msg
        .header(HeaderName::ContentType)
        .and_then(|h| parse_media_type(h.value, &mut f))
        .unwrap();
    assert!(ct.is("multipart", "mixed"));
    assert_eq!(ct.boundary().unwrap().bytes(), b"7a9cbec02ceef655");
    let prefix = msg.line_prefix().map_or(&[][..], |p| p.bytes());
    let body = parse_message_body(Some(&ct), msg.body(), prefix, &mut f);
    let Body::Multipart(m) = body else {
        panic!("{body:?}")
    };
    assert!(m.closed);
    assert!(m.preamble.is_empty());
    assert_eq!(m.parts.len(), 2);
    for p in &m.parts {
        check_part(&input, p);
    }
    assert_eq!(m.parts[0].body.bytes(), b"Hello");
    assert!(matches!(m.parts[0].view(&mut f), Body::Text(_)));
    let bin = &m.parts[1];
    assert!(bin
        .content_type(&mut f)
        .unwrap()
        .is("application", "octet-stream"));
    assert!(bin.body.bytes().contains(&0));
    assert!(bin.body.bytes().starts_with(b"0\x82\x01R"));
    assert!(!bin.body.bytes().ends_with(b"\r\n"));
    assert!(matches!(bin.view(&mut f), Body::Binary(_)));
    assert!(f.is_empty(), "{f:?}");
}

fn sip_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            sip_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "sip") {
            out.push(p);
        }
    }
}

/// Synthetic suricata-verify messages whose SDP is cut before any `m=`.
const NO_MEDIA: &[&str] = &[
    "suricata-verify/sip_compact_form/0001-f00001-INVITE.sip",
    "suricata-verify/sip_header_multi_val/0001-f00001-INVITE.sip",
    "suricata-verify/sip-sdp_sdp/0001-f00001-INVITE.sip",
    "suricata-verify/sip-sdp_sdp/0002-f00002-200_Ok_INVITE.sip",
    "suricata-verify/sip-body-large/0001-f00009-INVITE.sip",
];

#[test]
fn pcap_extract_sdp_bodies() {
    let Some(dir) = corpus() else { return };
    let root = dir.join("traces/pcap-extract");
    let mut files = Vec::new();
    sip_files(&root, &mut files);
    let mut checked = 0;
    for path in &files {
        let input = std::fs::read(path).unwrap();
        let msg = parse_message(&input);
        if !msg.body().bytes().starts_with(b"v=0") {
            continue;
        }
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let mut f = Vec::new();
        let ct = msg
            .header(HeaderName::ContentType)
            .and_then(|h| parse_media_type(h.value, &mut f));
        let prefix = msg.line_prefix().map_or(&[][..], |p| p.bytes());
        let body = parse_message_body(ct.as_ref(), msg.body(), prefix, &mut f);
        let Body::Sdp(sdp) = &body else {
            panic!("{rel}: {}", body.kind())
        };
        check_sdp(&input, sdp);
        let bad: Vec<_> = f.iter().filter(|x| x.rule == Rule::BadBody).collect();
        assert!(bad.is_empty(), "{rel}: {bad:?}");
        if NO_MEDIA.contains(&rel.as_str()) {
            assert!(sdp.media.is_empty(), "{rel}");
        } else {
            assert!(!sdp.media.is_empty(), "{rel}: no media section");
        }
        checked += 1;
    }
    eprintln!("{checked} SDP bodies checked");
    assert!(checked >= 200, "only {checked} SDP bodies found");
}

#[test]
fn every_corpus_body_views_without_panic() {
    let Some(dir) = corpus() else { return };
    let mut files = Vec::new();
    sip_files(&dir.join("traces/pcap-extract"), &mut files);
    for sub in ["rfc4475/messages", "rfc5118/archive"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            files.push(e.unwrap().path());
        }
    }
    let mut kinds = std::collections::BTreeMap::new();
    for path in &files {
        let input = std::fs::read(path).unwrap();
        let msg = parse_message(&input);
        let mut f = Vec::new();
        let body = view_message_body(&msg, &mut f);
        *kinds.entry(body.kind()).or_insert(0) += 1;
        match &body {
            Body::Sdp(s) => check_sdp(&input, s),
            Body::Multipart(m) => m.parts.iter().for_each(|p| check_part(&input, p)),
            Body::Xml(x) => {
                same(&input, x.text);
                if let Some(r) = x.root {
                    same(&input, r);
                }
            }
            Body::Text(t) | Body::Binary(t) => same(&input, *t),
            Body::Empty => {}
        }
        if let Some(s) = find_sdp(&msg, &mut f) {
            check_sdp(&input, &s);
        }
        for x in &f {
            assert!(x.span.end <= input.len(), "{}", path.display());
        }
    }
    eprintln!("{} messages: {kinds:?}", files.len());
}
