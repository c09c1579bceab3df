//! The citation table `data/sources.toml` lists every RFC / 3GPP TS clause
//! cited anywhere in `src/**/*.rs` and `data/**/*.toml` (rule registry
//! `spec` strings, diagnosis texts, rustdoc, knowledge-base data). `build.rs`
//! already refuses data files citing an unlisted clause; this test does the
//! same for the Rust sources, with the same extractor (`src/kb/cite.rs`).
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

mod common;

#[path = "../src/kb/cite.rs"]
mod cite;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The `id` of every row of `data/sources.toml` (its structure is checked
/// by `build.rs`).
fn table() -> BTreeSet<String> {
    let path = common::root().join("data/sources.toml");
    let text = std::fs::read_to_string(&path).expect("read data/sources.toml");
    text.lines()
        .filter_map(|l| l.strip_prefix("id = \""))
        .map(|l| l.trim_end().trim_end_matches('"').to_string())
        .collect()
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("list {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|e| e == ext) && !p.ends_with("sources.toml") {
            out.push(p);
        }
    }
}

/// Every citation in the sources and data, with the first file citing it.
fn cited() -> BTreeMap<String, PathBuf> {
    let root = common::root();
    let mut paths = Vec::new();
    files(&root.join("src"), "rs", &mut paths);
    files(&root.join("data"), "toml", &mut paths);
    assert!(paths.len() > 20, "found only {} files", paths.len());
    let mut out = BTreeMap::new();
    for p in paths {
        let text = std::fs::read_to_string(&p).expect("read source");
        for c in cite::citations(&text) {
            out.entry(c)
                .or_insert_with(|| p.strip_prefix(&root).unwrap_or(&p).to_path_buf());
        }
    }
    out
}

#[test]
fn every_cited_clause_is_in_the_table() {
    let table = table();
    let cited = cited();
    assert!(
        cited.len() > 300,
        "extractor found only {} citations",
        cited.len()
    );
    let missing: Vec<String> = cited
        .iter()
        .filter(|(c, _)| !table.contains(*c))
        .map(|(c, f)| format!("{c} (cited in {})", f.display()))
        .collect();
    assert!(
        missing.is_empty(),
        "clauses cited but missing from data/sources.toml (add a row with id, says, checked):\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn the_clauses_this_issue_fixed_are_cited_and_checked() {
    // Each row a fix relied on names where its text was read.
    let text = std::fs::read_to_string(common::root().join("data/sources.toml")).unwrap();
    for id in [
        "RFC 3261 §15.1.2",
        "RFC 3261 §17.1.1.2",
        "TS 24.229 §5.1.3.1",
        "TS 24.229 §5.4.3.2",
        "TS 24.229 §5.1.2A.1.6",
        "TS 24.229 §7.2A.18",
        "RFC 4411 §5",
    ] {
        let row = text
            .split("[[source]]")
            .find(|r| r.contains(&format!("id = \"{id}\"")))
            .unwrap_or_else(|| panic!("{id} not in the table"));
        assert!(
            row.contains("checked = \"search: "),
            "{id} is not marked as read: {row}"
        );
    }
}
