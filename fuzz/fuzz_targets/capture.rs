//! Fuzz target for captures: `siplens::trace::capture::read_capture` and
//! `siplens::decode_capture` on any bytes (seed with the shared pcap and
//! pcapng files) must not panic; every extracted message decodes with the
//! span invariants of `check_decoded` against its own bytes (and, in the
//! trace, against its `raw` text), every index in the trace is in range, and
//! the streaming path (`stream_any`, the CLI's summary) finds the same
//! messages, tables, findings and media streams (indices in range);
//! exporting a dialog (text, and the cut
//! capture read again) never panics.
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
    for (m, raw) in t.messages.iter().zip(&x.messages) {
        assert!(m.transaction_id < t.transactions.len());
        assert!(m.dialog_id.is_none_or(|d| d < t.dialogs.len()));
        assert_eq!(m.raw_lossy, std::str::from_utf8(&raw.bytes).is_err());
        if !m.raw_lossy {
            assert_eq!(m.raw.as_bytes(), &raw.bytes[..]);
        }
    }
    assert!(t.findings.iter().all(|f| f.messages.iter().all(|&i| i < n)));
    // `stream_any` reads text when there is no capture magic number.
    if siplens::trace::capture::is_capture(data) {
        let s = siplens::trace::stream_any(data, None);
        assert_eq!(s.messages.len(), n);
        assert_eq!(s.transactions.len(), t.transactions.len());
        assert_eq!(s.dialogs.len(), t.dialogs.len());
        assert_eq!(s.findings, t.findings);
        assert_eq!(s.capture_findings, t.capture_findings);
        assert_eq!(
            s.media.as_ref().map(|m| m.streams.len()),
            t.media.as_ref().map(|m| m.streams.len())
        );
    }
    // Media: every index in range, streams in order of their ids.
    if let Some(m) = &t.media {
        for (k, st) in m.streams.iter().enumerate() {
            assert_eq!(st.id, k);
            assert!(st.call.is_none_or(|c| c < t.calls.len()));
            assert!(st.sdp_message.is_none_or(|i| i < n));
            assert!(st.follows.is_none_or(|f| f < k));
            assert!(st.first_frame <= st.last_frame && st.packets > 0);
        }
    }
    // Exporting a dialog cuts the capture's own frames: never a panic, and
    // what comes back is a capture that reads again.
    if let Some(d) = t.dialogs.first() {
        let frames = siplens::trace::export::message_frames(&t, &d.messages);
        if let Ok(cut) = siplens::trace::export::capture_frames(data, &frames) {
            let again = siplens::decode_capture(&cut);
            assert!(again.messages.len() <= n);
        }
        let _ = siplens::trace::export::messages_text(&t, &d.messages);
    }
});
