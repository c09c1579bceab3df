//! Fuzz target for the lazy entry's framer (`lazy::frame`, what the wasm
//! `parse` runs): the input is cut at 0xFF bytes into messages framed one
//! after another on this thread, so each reuses the header list the one
//! before left (`spare::take_always`); every message's header and body
//! spans must equal `parse_message`'s.
#![no_main]

use libfuzzer_sys::fuzz_target;
use siplens::lazy::{frame, FRAME_HEAD};

fuzz_target!(|data: &[u8]| {
    let mut out = Vec::new();
    for input in data.split(|&b| b == 0xFF).take(8) {
        out.clear();
        frame(input, &mut out);
        let m = siplens::parse_message(input);
        assert_eq!(out[0] as usize, input.len());
        let body = m.body().span();
        assert_eq!((out[7] as usize, out[8] as usize), (body.start, body.end));
        let spans: Vec<[usize; 4]> = out[FRAME_HEAD..]
            .chunks_exact(4)
            .map(|h| [h[0] as usize, h[1] as usize, h[2] as usize, h[3] as usize])
            .collect();
        let want: Vec<[usize; 4]> = m
            .headers()
            .iter()
            .map(|h| {
                let (n, v) = (h.name.span(), h.value.span());
                [n.start, n.end, v.start, v.end]
            })
            .collect();
        assert_eq!(spans, want);
    }
});
