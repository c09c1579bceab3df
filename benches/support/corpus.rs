//! The benchmark corpus, one loader for `benches/parse.rs` and
//! `examples/decode_corpus.rs`: every `.sip` file under
//! `../shared/corpus/traces/pcap-extract`, in path order.

use std::path::{Path, PathBuf};

fn collect_sip(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_sip(&p, out);
        } else if p.extension().is_some_and(|x| x == "sip") {
            out.push(p);
        }
    }
}

/// The bytes of every corpus message, sorted by path.
pub fn load() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/traces/pcap-extract");
    let mut paths = Vec::new();
    collect_sip(&root, &mut paths);
    paths.sort();
    assert!(!paths.is_empty(), "no .sip files under {}", root.display());
    paths
        .iter()
        .map(|p| std::fs::read(p).expect("read corpus file"))
        .collect()
}
