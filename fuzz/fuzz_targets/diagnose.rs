//! Fuzz target for the diagnosis entry point: `siplens::decode` on any
//! bytes must not panic, and its contract must keep the invariants of
//! `siplens::diagnose::invariants::check_decoded` — every span (findings,
//! causes' evidence, headers, fields, Reasons, Warnings, challenge, body,
//! Via, From/To) inside the input with the right line/column, texts equal
//! to their bytes, findings in order — and serialise with serde_json.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let decoded = siplens::decode(data);
    if let Err(e) = siplens::diagnose::invariants::check_decoded(&decoded, data) {
        panic!("invariant broken: {e}");
    }
});
