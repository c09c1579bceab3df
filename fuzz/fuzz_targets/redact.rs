//! Fuzz target for text redaction: `siplens::redact` on any bytes must not
//! panic; its edits are sorted, non-overlapping and inside the input; the
//! output equals the edits applied; and redacting the output again
//! changes nothing (aliases are recognised).
#![no_main]

use libfuzzer_sys::fuzz_target;
use siplens::redact::{apply, Level, RedactOptions, Redactor};

fuzz_target!(|data: &[u8]| {
    for level in [Level::Identities, Level::Network, Level::All] {
        let opts = RedactOptions::level(level);
        let mut r = Redactor::new(opts.clone());
        let edits = r.edits(data);
        let mut at = 0;
        for e in &edits {
            assert!(e.span.start >= at && e.span.end <= data.len(), "edit out of order or range");
            at = e.span.end;
        }
        let out = apply(data, &edits);
        let again = siplens::redact::redact_text(&out, &opts).output;
        assert!(again == out, "not idempotent at level {}", level.name());
        serde_json::to_string(&r.report()).expect("serialises");
    }
});
