//! Golden snapshots of `siplens decode --json` for every fixture under
//! `tests/fixtures/**/*.sip`, in `tests/golden/decode/<relative path>.json`
//! (`.sip` replaced by `.json`). `UPDATE_GOLDEN=1` rewrites them and
//! removes snapshots whose fixture is gone.
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::PathBuf;

fn golden_dir() -> PathBuf {
    common::root().join("tests/golden/decode")
}

#[test]
fn every_fixture_matches_its_snapshot() {
    let fixtures_dir = common::root().join("tests/fixtures");
    let fixtures = common::fixtures();
    let mut failures = Vec::new();
    let mut expected = Vec::new();
    for fixture in &fixtures {
        let rel = fixture.strip_prefix(&fixtures_dir).expect("under fixtures");
        let golden = golden_dir().join(rel).with_extension("json");
        expected.push(golden.clone());
        let path = fixture.to_str().expect("UTF-8 path");
        let out = common::siplens(&["decode", "--json", path], None);
        match out.status.code() {
            Some(0 | 1) => {}
            other => {
                failures.push(format!(
                    "{}: exit {other:?}: {}",
                    rel.display(),
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
                continue;
            }
        }
        let actual = String::from_utf8(out.stdout).expect("UTF-8 JSON");
        if let Err(e) = common::golden(&golden, &actual) {
            failures.push(e);
        }
    }
    for stale in common::files(&golden_dir(), &[".json"]) {
        if !expected.contains(&stale) {
            if common::update_golden() {
                std::fs::remove_file(&stale).expect("remove stale snapshot");
            } else {
                failures.push(format!(
                    "{}: no fixture for this snapshot (UPDATE_GOLDEN=1 removes it)",
                    stale.display()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} snapshots differ:\n{}",
        failures.len(),
        fixtures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_fixtures_are_there() {
    let names: Vec<String> = common::fixtures()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for name in ["insuf.sip", "wsinv.sip", "200-ok-invite.sip"] {
        assert!(names.iter().any(|n| n == name), "fixture {name} missing");
    }
    let insuf = std::fs::read(common::root().join("tests/fixtures/rfc4475/insuf.sip")).unwrap();
    let original = std::fs::read(common::corpus().join("rfc4475/messages/insuf.dat")).unwrap();
    assert_eq!(insuf, original, "fixtures are exact copies");
}
