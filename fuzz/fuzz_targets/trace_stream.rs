//! Fuzz target for the streaming decoder (`siplens::trace::incremental`): any
//! bytes (text or a capture: seed it with pcap/pcapng files), fed to a
//! `TraceStream` in cuts chosen by the input's last two bytes, must not panic
//! and must give the same trace JSON as `decode_any` of the whole input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The last two bytes choose the cuts, so a capture seed keeps its magic number.
    let (seed, input) = match data {
        [rest @ .., a, b] => (u32::from(*a) << 8 | u32::from(*b), rest),
        _ => (1, data),
    };
    // Cut sizes from a small LCG: 1 to 64 bytes, sometimes a few KiB.
    let mut state = seed.wrapping_mul(2_654_435_761) | 1;
    let mut chunks = Vec::new();
    let mut at = 0;
    while at < input.len() {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let n = if state >> 28 == 0 {
            1 + (state >> 8) as usize % 4096
        } else {
            1 + (state >> 16) as usize % 64
        };
        let end = (at + n).min(input.len());
        chunks.push(&input[at..end]);
        at = end;
    }
    let streamed = siplens::trace::incremental::decode_chunks(chunks);
    let whole = siplens::trace::decode_any(input);
    assert_eq!(
        serde_json::to_string(&streamed).expect("serialises"),
        serde_json::to_string(&whole).expect("serialises"),
        "chunked differs from whole"
    );
});
