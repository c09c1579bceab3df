//! Profiling driver (docs/PERFORMANCE.md, issue 14): reads every `.sip`
//! file under `../shared/corpus/traces/pcap-extract` once, then runs one
//! entry point over every message `N` times. Meant for
//! `valgrind --tool=callgrind` (instruction counts do not depend on the
//! load of the machine) and for wall-clock runs of old and new builds
//! side by side.
//!
//! ```sh
//! cargo build --release --example decode_corpus
//! valgrind --tool=callgrind target/release/examples/decode_corpus decode 1
//! target/release/examples/decode_corpus decode 20   # prints msg/s
//! ```
//!
//! Modes: `none` (corpus loading only, subtract it), `parse`, `validate`,
//! `decode`, `json` (decode + `serde_json::to_string`).

use std::hint::black_box;
use std::time::Instant;

#[path = "../benches/support/corpus.rs"]
mod corpus;

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "decode".to_owned());
    let passes: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
    let msgs = corpus::load();
    let bytes: usize = msgs.iter().map(Vec::len).sum();
    let t = Instant::now();
    let mut acc = 0usize;
    for _ in 0..passes {
        for m in &msgs {
            acc += match mode.as_str() {
                "none" => 0,
                "parse" => siplens::parse_message(black_box(m)).headers().len(),
                "validate" => {
                    siplens::validate_message(&siplens::parse_message(black_box(m))).len()
                }
                "decode" => siplens::decode(black_box(m)).findings.len(),
                "json" => {
                    serde_json::to_string(&siplens::decode(black_box(m))).map_or(0, |s| s.len())
                }
                other => panic!("unknown mode {other}"),
            };
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let n = msgs.len() * passes;
    eprintln!(
        "{mode}: {} messages ({} bytes) x {passes} in {secs:.3} s: {:.0} msg/s, {:.1} MiB/s (acc {acc})",
        msgs.len(),
        bytes,
        n as f64 / secs,
        (bytes * passes) as f64 / secs / 1048576.0,
    );
}
