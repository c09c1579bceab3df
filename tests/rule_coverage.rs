//! Every rule in the registry has a positive and a negative fixture under
//! tests/fixtures (each of which also has a golden snapshot).
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::{BTreeMap, BTreeSet};

#[test]
fn every_rule_fires_on_a_fixture_and_stays_quiet_on_another() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    collect(&root, &mut files);
    assert!(files.len() >= 60, "{} fixtures", files.len());
    let mut fired: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let name = f.strip_prefix(&root).unwrap().display().to_string();
        for x in siplens::decode(&bytes).findings {
            fired.entry(x.id).or_default().insert(name.clone());
        }
    }
    let mut missing = Vec::new();
    for (_, info) in siplens::RULES {
        // SL001 (empty input) makes the CLI exit 2; tests/cli.rs covers it.
        if info.id == "SL001" {
            continue;
        }
        // SL4xx rules judge flows and captures, never one message;
        // tests/trace.rs has a positive and a negative case for each.
        if info.id.starts_with("SL4") {
            continue;
        }
        let hits = fired.get(info.id).map_or(0, BTreeSet::len);
        if hits == 0 {
            missing.push(format!("{} {} fires on no fixture", info.id, info.slug));
        } else if hits == files.len() {
            missing.push(format!("{} {} fires on every fixture", info.id, info.slug));
        }
        // A dedicated negative fixture must not trigger its rule.
        let prefix = format!("rules/{}-negative", info.id.to_lowercase());
        for n in fired.get(info.id).into_iter().flatten() {
            if n.starts_with(&prefix) {
                missing.push(format!("{} fires on its negative fixture {n}", info.id));
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "sip") {
            out.push(p);
        }
    }
}
