//! Fuzz target for input triage: `siplens::triage::triage` on any bytes
//! (seed with the triage fixtures: Wireshark copies, hex dumps) must not
//! panic; a usable result with extracted SIP decodes as a trace, every
//! message of which keeps the span invariants against its own bytes; the
//! note is never empty.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let t = siplens::triage::triage(data);
    assert!(!t.note.is_empty());
    if let Some(x) = &t.extracted {
        assert!(t.is_usable());
        let trace = siplens::trace::decode_trace_text(x);
        for m in &trace.messages {
            let bytes = m.raw.as_bytes();
            if m.raw_lossy {
                continue;
            }
            let decoded = siplens::decode(bytes);
            if let Err(e) = siplens::diagnose::invariants::check_decoded(&decoded, bytes) {
                panic!("invariant broken: {e}");
            }
        }
    }
});
