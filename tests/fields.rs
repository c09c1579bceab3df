//! Every typed header field, every finding and every piece of evidence of
//! the diagnosis points into the input: fields lie inside their header and
//! re-slice to their value, over all the shared corpus messages (the pcap
//! extracts and the RFC 4475 torture tests).
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("corpus present beside the repo") {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

fn check(path: &Path) -> usize {
    let input = std::fs::read(path).unwrap();
    let name = path.display();
    let d = siplens::decode(&input);
    let inside = |start: usize, end: usize| start <= end && end <= input.len();
    let mut n = 0;
    for h in &d.headers {
        for f in &h.fields {
            n += 1;
            assert!(
                f.span.start >= h.span.start && f.span.end <= h.span.end,
                "{name}: {} field {} {:?} outside its header {:?}",
                h.name,
                f.name,
                f.span,
                h.span
            );
            assert!(inside(f.span.start, f.span.end), "{name}: {f:?}");
            let bytes = &input[f.span.start..f.span.end];
            assert_eq!(
                String::from_utf8_lossy(bytes),
                f.value,
                "{name}: {} field {} does not re-slice to its value",
                h.name,
                f.name
            );
            assert!(!f.value.is_empty(), "{name}: empty field {}", f.name);
        }
    }
    for f in &d.findings {
        assert!(inside(f.span.start, f.span.end), "{name}: finding {f:?}");
    }
    for c in &d.diagnosis.likely_causes {
        for e in &c.evidence {
            assert!(inside(e.span.start, e.span.end), "{name}: evidence {e:?}");
        }
    }
    for e in &d.diagnosis.sender.evidence {
        assert!(inside(e.span.start, e.span.end), "{name}: sender {e:?}");
    }
    n
}

#[test]
fn fields_are_slices_of_their_header_across_the_corpus() {
    let mut paths = Vec::new();
    files(&corpus().join("traces/pcap-extract"), "sip", &mut paths);
    let sip = paths.len();
    files(&corpus().join("rfc4475"), "dat", &mut paths);
    assert!(sip >= 1309, "only {sip} pcap extracts");
    assert!(paths.len() > sip + 40, "RFC 4475 messages missing");
    paths.sort();
    let fields: usize = paths.iter().map(|p| check(p)).sum();
    assert!(
        fields > 20_000,
        "only {fields} fields over {} messages",
        paths.len()
    );
}
