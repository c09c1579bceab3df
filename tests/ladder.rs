//! The ladder model (`siplens::trace::ladder`) on every trace fixture and
//! corpus capture: one model whatever the path (the streaming summary the
//! CLI draws, the whole `Trace` the page draws), and the filter by dialog
//! or Call-ID keeps exactly the messages the CLI's `--dialog` / `--call-id`
//! name, with their numbers, the lanes they use and Δt between them.
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use siplens::trace::ladder::dialog_messages;
use siplens::trace::{Ladder, LadderFilter};

fn inputs() -> Vec<std::path::PathBuf> {
    let root = common::root().join("tests/fixtures");
    let mut v = common::files(&root.join("traces"), &[".txt"]);
    v.extend(common::files(&root.join("flows"), &[".txt"]));
    v.extend(common::files(&root.join("captures"), &[".pcap", ".pcapng"]));
    v.extend(
        common::files(&common::corpus().join("pcap"), &[".pcap", ".pcapng"])
            .into_iter()
            .take(40),
    );
    v
}

/// Lanes are those the arrows use, in order of first appearance; Δt is
/// between timed arrows shown; numbers rise.
fn check_shape(l: &Ladder, what: &str) {
    let mut seen = Vec::new();
    for a in &l.arrows {
        for p in [a.from, a.to] {
            if !seen.contains(&p) {
                assert_eq!(p, seen.len(), "{what}: lane {p} out of order");
                seen.push(p);
            }
        }
    }
    assert_eq!(seen.len(), l.lanes.len(), "{what}: unused lanes");
    assert!(
        l.arrows.windows(2).all(|w| w[0].index < w[1].index),
        "{what}"
    );
    let mut prev = None;
    for a in &l.arrows {
        let want = match (a.at, prev) {
            (Some(t), Some(p)) => Some(t - p),
            _ => None,
        };
        assert_eq!(a.delta, want, "{what}: Δt of #{}", a.index + 1);
        if a.at.is_some() {
            prev = a.at;
        }
    }
}

#[test]
fn one_model_for_the_summary_and_the_trace_and_their_filters() {
    let files = inputs();
    assert!(files.len() > 10, "fixtures found: {}", files.len());
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let what = f.display().to_string();
        let t = siplens::trace::decode_any(&bytes);
        let s = siplens::trace::stream_any(&bytes, None);
        let all = LadderFilter::default();
        assert_eq!(t.ladder, s.ladder(&all), "{what}");
        assert_eq!(t.ladder.arrows.len(), t.messages.len(), "{what}");
        assert_eq!(t.ladder.filter(&all), t.ladder, "{what}");
        check_shape(&t.ladder, &what);
        for (k, d) in t.dialogs.iter().enumerate() {
            let f = LadderFilter {
                call_id: None,
                dialog: Some(k),
            };
            let one = t.ladder.filter(&f);
            assert_eq!(one, s.ladder(&f), "{what} D{}", k + 1);
            let numbers: Vec<usize> = one.arrows.iter().map(|a| a.index).collect();
            assert_eq!(numbers, dialog_messages(&t.transactions, d), "{what}");
            check_shape(&one, &what);
            for a in &one.arrows {
                let lane = |x: usize| &one.lanes[x];
                let m = &t.messages[a.index];
                assert_eq!(lane(a.from).participant, m.from.unwrap(), "{what}");
                assert_eq!(lane(a.to).participant, m.to.unwrap(), "{what}");
            }
            let by_call = t.ladder.filter(&LadderFilter {
                call_id: Some(d.call_id.clone()),
                dialog: None,
            });
            assert!(by_call.arrows.iter().all(|a| a.call_id == d.call_id));
            assert!(
                numbers
                    .iter()
                    .all(|i| by_call.arrows.iter().any(|a| a.index == *i)),
                "{what}: a dialog's messages share its Call-ID"
            );
        }
    }
}
