//! Helpers shared by the typed views' unit tests.

use super::params::Findings;
use crate::finding::Rule;
use crate::span::Text;

/// The rules of a list of findings, in order.
pub(crate) fn rules(f: &Findings) -> Vec<Rule> {
    f.iter().map(|x| x.rule).collect()
}

/// Asserts that a view re-slices to its own bytes.
pub(crate) fn at(input: &[u8], x: Text<'_>) {
    assert_eq!(x.span().slice(input), x.bytes(), "{x:?}");
}

/// Bytes that stress the grammar: separators, quotes, escapes, LWS, non-UTF-8.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn nasty() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        proptest::sample::select(b"\"\\,;=()/: \t\r\n<>[]aZ09-.*q\xff".to_vec()),
        0..48,
    )
}
