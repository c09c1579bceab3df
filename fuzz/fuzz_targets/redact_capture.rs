//! Fuzz target for capture redaction: `siplens::redact::capture` on any
//! bytes (seed with the shared pcap and pcapng files) must not panic, and
//! what it writes must be a well-formed capture of the same format: read
//! again, it is complete and holds exactly the packets written.
#![no_main]

use libfuzzer_sys::fuzz_target;
use siplens::redact::capture::{redact_capture_with, CaptureOptions, NonSipPackets};
use siplens::redact::{Level, RedactOptions};

fuzz_target!(|data: &[u8]| {
    let (level, non_sip) = match data.len() % 3 {
        0 => (Level::All, NonSipPackets::Drop),
        1 => (Level::Network, NonSipPackets::Keep),
        _ => (Level::Identities, NonSipPackets::Drop),
    };
    let opts = RedactOptions::level(level);
    let out = redact_capture_with(data, &opts, CaptureOptions { non_sip });
    if out.format == "unknown" {
        assert!(out.output.is_empty());
        return;
    }
    assert!(out.packets.written <= out.packets.read);
    if out.output.is_empty() {
        // Nothing readable (a bare magic number): nothing to write, and
        // the capture is reported damaged.
        assert!(!out.complete && out.packets.written == 0);
        return;
    }
    let again = redact_capture_with(&out.output, &opts, CaptureOptions { non_sip });
    assert_eq!(again.format, out.format);
    assert!(again.complete, "output not well-formed: {:?}", again.notes);
    assert_eq!(again.packets.read, out.packets.written);
});
