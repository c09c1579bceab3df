//! What the RTP analysis costs beside reading a capture, measured in one
//! run (ratios, no absolute thresholds): for each capture given, the median
//! time of reading it with a no-op payload hook, of reading it with every
//! non-SIP UDP payload going through [`siplens::rtp::MediaAnalyzer`], and of
//! the whole `decode_capture`.
//!
//! ```text
//! cargo run --release --example rtp_cost -- capture.pcapng [...]
//! ```

use std::time::Instant;

use siplens::rtp::analyze::MediaAnalyzer;
use siplens::trace::capture::read_capture_payloads;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time(runs: usize, mut f: impl FnMut()) -> f64 {
    f();
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect(),
    )
}

fn main() {
    for path in std::env::args().skip(1) {
        let input = std::fs::read(&path).expect("read capture");
        let runs = 21;
        let read = time(runs, || {
            let x = read_capture_payloads(&input, &mut |_| {}, &mut |_| {});
            std::hint::black_box(x);
        });
        let mut streams = 0;
        let rtp = time(runs, || {
            let mut a = MediaAnalyzer::default();
            let x = read_capture_payloads(&input, &mut |_| {}, &mut |p| {
                if let Some(d) = p.udp_datagram() {
                    a.push(&d);
                }
            });
            streams = a.finish().len();
            std::hint::black_box(x);
        });
        let whole = time(runs, || {
            std::hint::black_box(siplens::decode_capture(&input));
        });
        println!(
            "{path}: {} bytes, {streams} streams; read {read:.3} ms, read+RTP {rtp:.3} ms (x{:.2}), decode_capture {whole:.3} ms (RTP analysis = {:.1}% of it)",
            input.len(),
            rtp / read,
            (rtp - read) / whole * 100.0
        );
    }
}
