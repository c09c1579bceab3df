//! Fuzz target for captures: `siplens::trace::capture::read_capture` and
//! `siplens::decode_capture` on any bytes (seed with the shared pcap and
//! pcapng files) must not panic; every extracted message decodes with the
//! span invariants of `check_decoded` against its own bytes, and every
//! index in the trace is in range.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let x = siplens::trace::capture::read_capture(data);
    for raw in &x.messages {
        assert!(!raw.bytes.is_empty());
        let decoded = siplens::decode(&raw.bytes);
        if let Err(e) = siplens::diagnose::invariants::check_decoded(&decoded, &raw.bytes) {
            panic!("invariant broken: {e}");
        }
    }
    let t = siplens::decode_capture(data);
    assert_eq!(t.messages.len(), x.messages.len());
    let n = t.messages.len();
    for m in &t.messages {
        assert!(m.transaction_id < t.transactions.len());
        assert!(m.dialog_id.is_none_or(|d| d < t.dialogs.len()));
    }
    assert!(t.findings.iter().all(|f| f.messages.iter().all(|&i| i < n)));
});
