//! Zero-copy check: `parse_message` allocates a constant number of times
//! per message (the header list), whatever the header count.
//!
//! A counting global allocator wraps `System`. This is a separate crate
//! from the library (which forbids `unsafe`); implementing `GlobalAlloc`
//! is `unsafe` by definition.
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    /// Allocations made by this thread. Per thread, because the test
    /// harness runs tests (and itself) on other threads at the same time.
    /// A const-initialised `Cell` needs no allocation and no destructor.
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

fn count_one() {
    // `try_with`: the slot may already be gone while a thread exits.
    let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is forwarded unchanged to `System`; only a counter
// is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A grown Vec is one more allocation as far as cost goes.
        count_one();
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by one `parse_message` call (the message is dropped
/// outside the counted region).
fn allocations_of_parse(input: &[u8]) -> (usize, usize) {
    let before = ALLOCS.with(Cell::get);
    let msg = siplens::parse_message(input);
    let after = ALLOCS.with(Cell::get);
    let headers = msg.headers().len();
    assert!(
        msg.findings().is_empty(),
        "fixture should be clean: {:?}",
        msg.findings()
    );
    drop(msg);
    (after - before, headers)
}

/// A well-formed INVITE with `extra` Record-Route headers added to the
/// five mandatory ones plus Max-Forwards and Content-Length.
fn invite(extra: usize) -> Vec<u8> {
    let mut m = String::from(
        "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
         Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n\
         From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
         To: Bob <sip:bob@biloxi.example.com>\r\n\
         Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n\
         CSeq: 314159 INVITE\r\n",
    );
    for i in 0..extra {
        m.push_str(&format!(
            "Record-Route: <sip:p{i}.atlanta.example.com;lr>\r\n"
        ));
    }
    m.push_str("Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
    m.into_bytes()
}

/// At most this many allocations per message, for any header count.
const MAX_ALLOCS: usize = 2;

#[test]
fn five_headers_allocate_a_constant() {
    let input = invite(0);
    let (allocs, headers) = allocations_of_parse(&input);
    assert_eq!(headers, 7);
    assert!(
        allocs <= MAX_ALLOCS,
        "{allocs} allocations for {headers} headers"
    );
}

#[test]
fn forty_headers_allocate_at_most_the_same_constant() {
    let (allocs, headers) = allocations_of_parse(&invite(33));
    assert_eq!(headers, 40);
    assert!(
        allocs <= MAX_ALLOCS,
        "{allocs} allocations for {headers} headers"
    );
}

#[test]
fn hundreds_of_headers_allocate_at_most_the_same_constant() {
    // The header list grows at most once, to the size of the rest of the
    // header section, however long it is.
    for extra in [10, 60, 250, 1000] {
        let (allocs, headers) = allocations_of_parse(&invite(extra));
        assert_eq!(headers, 7 + extra);
        assert!(
            allocs <= MAX_ALLOCS,
            "{allocs} allocations for {headers} headers"
        );
    }
}

#[test]
fn corpus_messages_allocate_a_constant_when_clean() {
    // Every message with no parser finding (findings own their text)
    // stays within the bound, from 1 header to the largest in the corpus.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/traces/pcap-extract");
    let mut stack = vec![root];
    let mut checked = 0;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "sip") {
                continue;
            }
            let bytes = std::fs::read(&p).unwrap();
            if !siplens::parse_message(&bytes).findings().is_empty() {
                continue;
            }
            let (allocs, headers) = allocations_of_parse(&bytes);
            assert!(
                allocs <= MAX_ALLOCS,
                "{}: {allocs} allocations for {headers} headers",
                p.display()
            );
            checked += 1;
        }
    }
    // The shared corpus may be absent on a bare checkout; the synthetic
    // tests above still hold the bound.
    let _ = checked;
}
