//! Fuzz target for pasted traces: `siplens::trace::text::split_text` and
//! `siplens::decode_trace_text` on any bytes must not panic; every message's
//! source span lies inside the input, its bytes decode with the span
//! invariants of `siplens::diagnose::invariants::check_decoded`, and every
//! index in the trace (transaction, dialog, finding messages) is in range,
//! and the streaming path (`stream_any`) agrees with the whole trace.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for raw in siplens::trace::text::split_text(data) {
        let span = raw.source_span.expect("text messages have a source span");
        assert!(span.start <= span.end && span.end <= data.len(), "span outside input");
        let decoded = siplens::decode(&raw.bytes);
        if let Err(e) = siplens::diagnose::invariants::check_decoded(&decoded, &raw.bytes) {
            panic!("invariant broken: {e}");
        }
    }
    let t = siplens::decode_trace_text(data);
    let n = t.messages.len();
    for m in &t.messages {
        assert!(m.transaction_id < t.transactions.len());
        assert!(m.dialog_id.is_none_or(|d| d < t.dialogs.len()));
        if let Some(s) = &m.source_span {
            assert!(s.end <= data.len());
        }
    }
    assert!(t.findings.iter().all(|f| f.messages.iter().all(|&i| i < n)));
    serde_json::to_string(&t).expect("serialises");
    if !siplens::trace::capture::is_capture(data) {
        let s = siplens::trace::stream_any(data, None);
        assert_eq!(s.messages.len(), n);
        assert_eq!(s.findings, t.findings);
        assert_eq!(s.capture_findings, t.capture_findings);
    }
});
