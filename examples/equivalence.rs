//! Equivalence driver for grammar rewrites (docs/PARSING.md,
//! "Equivalence"): for every corpus message (the `decode_corpus` set) it
//! builds the message, its LF-only form, three truncations and byte
//! mutations every 40–100 bytes (each byte replaced in turn by one of
//! `"<>;,\()=: []@?` CR LF HTAB `/`), and prints one hash per file over,
//! for each input, the `Debug` of every typed header view and of the body
//! view, the `Debug` of `validate_message` and the JSON of `decode`.
//!
//! ```sh
//! cargo run --release --example equivalence > before.txt   # old tree
//! cargo run --release --example equivalence > after.txt    # new tree
//! diff before.txt after.txt
//! ```
//!
//! `EQ_FOCUS=Warning,Reason` adds, for every header of those names (as
//! registered, compact forms included), one input per byte of its value
//! and per replacement byte: the dense check for one grammar
//! (`EQ_STRIDE=n`: in every n-th file only, for the frequent headers).
//!
//! `EQ_BODY=1` mutates every byte of the body in the same way.
//! `EQ_EXTRA=tests/fixtures` adds the `.sip` files under that directory
//! (numbered after the corpus).
//!
//! A line that differs names the file; `equivalence <file>` prints, for
//! that file only, one hash per input, and `equivalence <file> <input>`
//! the validation findings of that one input, to compare by hand
//! (`EQ_SHOW=1`: the input, its views and its `decode` JSON as well).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

#[path = "../benches/support/corpus.rs"]
mod corpus;

/// The replacement bytes of the mutations.
const SET: &[u8] = b"\"<>;,\\()=: []@?\r\n\t/";

/// The inputs derived from message `i` with bytes `m`; every byte of the
/// values of the headers named in `focus` is mutated too.
fn inputs(i: usize, m: &[u8], focus: &[siplens::HeaderName]) -> Vec<Vec<u8>> {
    let mut out = vec![m.to_vec()];
    let msg = siplens::parse_message(m);
    let stride: usize = std::env::var("EQ_STRIDE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    // EQ_BODY=1: the body's bytes too (SDP lines, multipart framing).
    let body = std::env::var("EQ_BODY").is_ok_and(|b| b == "1");
    let spans = msg
        .headers()
        .iter()
        .filter(|h| h.known_name().is_some_and(|n| focus.contains(&n)))
        .map(|h| h.value.span())
        .chain(body.then(|| msg.body().span()));
    for v in spans.filter(|_| i % stride.max(1) == 0) {
        for p in v.start..v.end.min(m.len()) {
            for &c in SET.iter().chain(b"x0") {
                let mut x = m.to_vec();
                x[p] = c;
                out.push(x);
            }
            // Deleting the byte as well.
            let mut x = m.to_vec();
            x.remove(p);
            out.push(x);
        }
    }
    let lf: Vec<u8> = m.iter().copied().filter(|&c| c != b'\r').collect();
    out.push(lf);
    for k in 1..=3 {
        out.push(m[..m.len() * k / 4].to_vec());
    }
    let step = 40 + (i * 7) % 61;
    let mut p = step;
    let mut n = 0;
    while p < m.len() {
        let mut v = m.to_vec();
        v[p] = SET[(n + i) % SET.len()];
        out.push(v);
        p += step;
        n += 1;
    }
    out
}

/// The hash of everything the parse, the views and the diagnosis say about `b`.
fn hash_input(b: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    let msg = siplens::parse_message(b);
    let views = siplens::parse::views::Views::new(&msg);
    for i in 0..msg.headers().len() {
        format!("{:?}", views.get(i)).hash(&mut h);
    }
    format!("{:?}", views.body_parsed()).hash(&mut h);
    format!("{:?}", siplens::validate_message(&msg)).hash(&mut h);
    serde_json::to_string(&siplens::decode(b))
        .unwrap_or_default()
        .hash(&mut h);
    h.finish()
}

fn main() {
    let only: Option<usize> = std::env::args().nth(1).and_then(|a| a.parse().ok());
    let input_k: Option<usize> = std::env::args().nth(2).and_then(|a| a.parse().ok());
    let focus: Vec<siplens::HeaderName> = std::env::var("EQ_FOCUS")
        .unwrap_or_default()
        .split(',')
        .filter_map(|n| siplens::HeaderName::from_bytes(n.trim().as_bytes()))
        .collect();
    let mut msgs = corpus::load();
    // EQ_EXTRA=dir: the `.sip` files under dir too (the test fixtures hold
    // the IMS headers the capture corpus lacks: Security-*, P-Access-Network-Info).
    if let Ok(dir) = std::env::var("EQ_EXTRA") {
        let mut paths = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(dir)];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "sip") {
                    paths.push(p);
                }
            }
        }
        paths.sort();
        msgs.extend(paths.iter().filter_map(|p| std::fs::read(p).ok()));
    }
    let mut total = 0;
    for (i, m) in msgs.iter().enumerate() {
        if only.is_some_and(|o| o != i) {
            continue;
        }
        let ins = inputs(i, m, &focus);
        total += ins.len();
        let mut h = DefaultHasher::new();
        for (k, input) in ins.iter().enumerate() {
            if input_k.is_some_and(|o| o != k) {
                continue;
            }
            if input_k.is_some() {
                // One input: its findings, one a line, to diff by hand.
                let msg = siplens::parse_message(input);
                for f in siplens::validate_message(&msg) {
                    let s = f.span;
                    println!(
                        "{} {}..{} {:?} {}",
                        f.id(),
                        s.start,
                        s.end,
                        s.slice(input).escape_ascii().to_string(),
                        f.message
                    );
                }
                // EQ_SHOW=1: the input and its body view too.
                if std::env::var("EQ_SHOW").is_ok_and(|v| v == "1") {
                    println!("{}", input.escape_ascii());
                    let views = siplens::parse::views::Views::new(&msg);
                    println!("{:#?}", views.body_parsed());
                    for i in 0..msg.headers().len() {
                        println!("{:?}", views.get(i));
                    }
                    let json = serde_json::to_string_pretty(&siplens::decode(input));
                    println!("{}", json.unwrap_or_default());
                }
                continue;
            }
            let x = hash_input(input);
            if only.is_some() {
                println!("{k} {x:016x}");
            }
            x.hash(&mut h);
        }
        if only.is_none() {
            println!("{i} {:016x}", h.finish());
        }
    }
    eprintln!("{} files, {total} inputs", msgs.len());
}
