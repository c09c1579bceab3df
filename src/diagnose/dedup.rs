//! Deduplication at assembly: the rules speak about *this* message, the
//! knowledge base about the code in general, and the two often say the
//! same thing in other words. A knowledge-base line is dropped when it
//! restates a line the diagnosis already holds; spec references are merged
//! clause by clause so one clause is cited once.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

/// [`STOP`] and [`is_stop`] from one list.
macro_rules! stop_words {
    ($($w:literal),* $(,)?) => {
        /// Words that carry no meaning for the comparison.
        const STOP: &[&str] = &[$($w),*];

        /// True when the lower-case word `w` is one of [`STOP`]: a `match`
        /// (a switch on the length, then the bytes) in the native build,
        /// the loop over the table in the core module (smaller).
        fn is_stop(w: &str) -> bool {
            if cfg!(feature = "core-only") {
                STOP.iter().any(|st| *st == w)
            } else {
                matches!(w, $($w)|*)
            }
        }
    };
}

stop_words!(
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "or", "and", "is", "are", "be",
    "it", "its", "this", "that", "with", "from", "as", "e", "g", "i", "no", "not", "vs", "between",
    "which", "whether", "what", "when", "than", "then", "if", "was", "were", "has", "have",
);

/// A crude stem of a lower-case word: plural and participle endings
/// removed, a few synonyms the texts use for the same thing folded
/// together.
fn stem(w: &str) -> &str {
    match w {
        "overlap" | "common" => return "common",
        "refused" | "rejected" | "rejects" | "reject" | "rejection" => return "reject",
        _ => {}
    }
    for suffix in ["ing", "ed", "es", "s"] {
        if w.len() > suffix.len() + 3 && w.ends_with(suffix) {
            return &w[..w.len() - suffix.len()];
        }
    }
    w
}

/// Calls `each` with the content words of a sentence, lower-cased and
/// stemmed, in order (repeats kept: the callers number them and sort and
/// deduplicate the numbers, which is cheaper than sorting the strings).
/// A word is lower-cased into a stack buffer: no `String` per word.
fn each_word(s: &str, mut each: impl FnMut(&str)) {
    let mut buf = [0u8; 64];
    for w in s.split(|c: char| !c.is_ascii_alphanumeric()) {
        if w.is_empty() {
            continue;
        }
        let heap: String;
        // `w` is ASCII letters and digits only (split on everything else).
        let lower: &str = match buf.get_mut(..w.len()) {
            Some(b) => {
                b.copy_from_slice(w.as_bytes());
                b.make_ascii_lowercase();
                std::str::from_utf8(b).unwrap_or_default()
            }
            None => {
                heap = w.to_ascii_lowercase();
                &heap
            }
        };
        if is_stop(lower) {
            continue;
        }
        each(stem(lower));
    }
}

/// True when `candidate` says nothing `existing` does not already say: at
/// least half of its content words (and at least two) appear in `existing`.
#[cfg(test)]
pub(crate) fn restates(candidate: &str, existing: &str) -> bool {
    Restates.restates(candidate, existing)
}

/// The content words of sentences already seen on this thread, each word
/// as a number ([`Memo::ids`]), sorted. The knowledge base's lines come
/// back with every message of their code, so their words are computed
/// once, not once per message, and two sentences are compared on numbers,
/// not strings; bounded by clearing when full (a message's own lines, with
/// hosts and numbers, are rarely seen twice).
type WordList = Rc<Vec<u32>>;

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

#[derive(Default)]
struct Memo {
    /// Sentence → its word numbers.
    sentences: FxMap<Rc<str>, WordList>,
    /// Stemmed word → its number (valid until the next clear).
    ids: FxMap<String, u32>,
}

impl Memo {
    fn words(&mut self, s: &str) -> WordList {
        if let Some(w) = self.sentences.get(s) {
            return Rc::clone(w);
        }
        let mut ids: Vec<u32> = Vec::new();
        let known = &mut self.ids;
        each_word(s, |w| {
            let id = match known.get(w) {
                Some(&id) => id,
                None => {
                    let next = u32::try_from(known.len()).unwrap_or(u32::MAX);
                    known.insert(w.to_owned(), next);
                    next
                }
            };
            ids.push(id);
        });
        ids.sort_unstable();
        ids.dedup();
        let w = Rc::new(ids);
        self.sentences.insert(Rc::from(s), Rc::clone(&w));
        w
    }
}

/// Where a static sentence lies (address and length): the same place
/// always holds the same text.
type StaticPair = (usize, usize, usize, usize);

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
    /// The answers for pairs of static sentences (the knowledge base's
    /// lines against each other, asked again for every message of their
    /// code), keyed by where the two texts lie: no hashing of the text.
    static PAIRS: RefCell<FxMap<StaticPair, bool>> = RefCell::new(FxMap::default());
}

/// A multiply-rotate hash over 8-byte words (the Fx hash of rustc): the
/// memo's keys are sentences of 50–300 bytes, which SipHash took about a
/// quarter of the memo's time to hash. Not collision-resistant, but the
/// memo is bounded ([`MEMO_MAX`]), so a crafted collision costs at most a
/// scan of that many entries.
#[derive(Default)]
struct Fx(u64);

impl Fx {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Sentences kept in [`MEMO`] before it is cleared.
const MEMO_MAX: usize = 4096;

/// Distinct words numbered in [`MEMO`] before it is cleared.
const WORDS_MAX: usize = 65_536;

/// The word numbers of `a` and `b`, from one numbering: the memo is
/// cleared (when full) before both look-ups, never between them.
fn memo_words(a: &str, b: &str) -> (WordList, WordList) {
    // The core module (one message at a time) numbers the two sentences'
    // words each time, without the memo: its maps are about 3 KB of the
    // core's gzip (README, "Size and speed"). Only equal numbers matter,
    // so a numbering local to the two sentences gives the same answer.
    if cfg!(feature = "core-only") {
        let mut seen: Vec<String> = Vec::new();
        let mut number = |s: &str| -> WordList {
            let mut ids: Vec<u32> = Vec::new();
            each_word(s, |w| {
                let i = seen.iter().position(|x| x == w).unwrap_or_else(|| {
                    seen.push(w.to_owned());
                    seen.len() - 1
                });
                ids.push(u32::try_from(i).unwrap_or(u32::MAX));
            });
            ids.sort_unstable();
            ids.dedup();
            Rc::new(ids)
        };
        let wa = number(a);
        return (wa, number(b));
    }
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        if m.sentences.len() >= MEMO_MAX || m.ids.len() >= WORDS_MAX {
            m.sentences.clear();
            m.ids.clear();
        }
        (m.words(a), m.words(b))
    })
}

/// [`restates`] over many pairs, with the content words of each sentence
/// computed once ([`MEMO`]).
#[derive(Default)]
pub(crate) struct Restates;

impl Restates {
    /// True when `candidate` restates `existing` (see [`restates`]).
    pub(crate) fn restates(&mut self, candidate: &str, existing: &str) -> bool {
        if candidate == existing {
            return true;
        }
        let (c, e) = memo_words(candidate, existing);
        if c.is_empty() {
            return false;
        }
        // Both sorted: one merge.
        let (mut i, mut j, mut shared) = (0, 0, 0);
        while let (Some(x), Some(y)) = (c.get(i), e.get(j)) {
            match x.cmp(y) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        shared >= 2 && shared * 2 >= c.len()
    }

    /// [`Restates::restates`] of a static `candidate` (a knowledge-base
    /// line): when `existing` is static too, the answer is remembered for
    /// the pair ([`PAIRS`], bounded like [`MEMO`]). The core module has no
    /// memo (its size, as above).
    // `&Cow`, not `&str`: whether `existing` is borrowed (static) is the point.
    #[allow(clippy::ptr_arg)]
    pub(crate) fn restates_static(
        &mut self,
        candidate: &'static str,
        existing: &Cow<'static, str>,
    ) -> bool {
        let e = match existing {
            Cow::Borrowed(e) if !cfg!(feature = "core-only") => *e,
            _ => return self.restates(candidate, existing),
        };
        let key = (
            candidate.as_ptr() as usize,
            candidate.len(),
            e.as_ptr() as usize,
            e.len(),
        );
        if let Some(known) = PAIRS.with(|p| p.borrow().get(&key).copied()) {
            return known;
        }
        let answer = self.restates(candidate, e);
        PAIRS.with(|p| {
            let mut p = p.borrow_mut();
            if p.len() >= MEMO_MAX {
                p.clear();
            }
            p.insert(key, answer);
        });
        answer
    }
}

/// `3GPP TS 24.229` and `TS 24.229` name the same document (compared
/// without case, [`same_key`]).
fn doc_key(doc: &str) -> &str {
    // `trim_start_matches("3GPP ")` without core's two-way searcher (the core `.wasm`).
    let mut doc = doc.trim();
    while let Some(rest) = doc.strip_prefix("3GPP ") {
        doc = rest;
    }
    doc.trim()
}

/// `§6.2 (SDP at UE and P-CSCF)` → `§6.2` (compared without case).
fn clause_key(clause: &str) -> &str {
    clause.split('(').next().unwrap_or_default().trim()
}

/// Two (document, clause) keys name the same clause: equal without ASCII
/// case (what comparing their lower-cased copies did, with no copy).
fn same_key(a: (&str, &str), b: (&str, &str)) -> bool {
    a.0.eq_ignore_ascii_case(b.0) && a.1.eq_ignore_ascii_case(b.1)
}

/// Merges spec references so each (document, clause) appears once, in
/// first-cited order: `["RFC 3261 §21.6.2", "RFC 3261 §21.6.2; TS 24.604
/// (CDIV)"]` → `["RFC 3261 §21.6.2", "TS 24.604 (CDIV)"]`.
///
/// The native build remembers the answer per list of references (the
/// knowledge base's and the rules' references come back with every
/// message of their code; merging them again cost about 1,700
/// instructions a message, a look-up and a copy of the answer a few
/// hundred), bounded like [`MEMO`]; the core module merges each time.
pub(crate) fn spec_refs<S: AsRef<str>>(refs: &[S]) -> Vec<String> {
    if cfg!(feature = "core-only") {
        return merge_spec_refs(refs);
    }
    SPEC_REFS.with(|m| {
        let mut m = m.borrow_mut();
        let (key, memo) = &mut *m;
        // The key: each reference after its length as one `char`, so no
        // two lists share a key.
        key.clear();
        for r in refs {
            let r = r.as_ref();
            let Some(len) = u32::try_from(r.len()).ok().and_then(char::from_u32) else {
                return merge_spec_refs(refs);
            };
            key.push(len);
            key.push_str(r);
        }
        if let Some(merged) = memo.get(key.as_str()) {
            return merged.clone();
        }
        let merged = merge_spec_refs(refs);
        if memo.len() >= MEMO_MAX {
            memo.clear();
        }
        memo.insert(Box::from(key.as_str()), merged.clone());
        merged
    })
}

/// [`spec_refs`]' key buffer and its answers by key.
type SpecRefsMemo = (String, FxMap<Box<str>, Vec<String>>);

thread_local! {
    /// [`spec_refs`]' answers by their key, with the key's buffer.
    static SPEC_REFS: RefCell<SpecRefsMemo> = RefCell::new((String::new(), FxMap::default()));
}

/// [`spec_refs`] without the memo.
fn merge_spec_refs<S: AsRef<str>>(refs: &[S]) -> Vec<String> {
    // Keys borrow from `refs`: no lower-cased copy per part and clause.
    let mut seen: Vec<(&str, &str)> = Vec::new();
    let mut out: Vec<String> = Vec::new();
    let mut kept: Vec<&str> = Vec::new();
    for r in refs {
        // The kept parts are at most the reference itself (plus separators).
        let mut joined = String::with_capacity(r.as_ref().len() + 8);
        for part in r
            .as_ref()
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (doc, clauses) = match part.find('§') {
                Some(i) => (&part[..i], Some(&part[i..])),
                None => (part, None),
            };
            let dk = doc_key(doc);
            match clauses {
                None => {
                    let key = (clause_key(part), "");
                    if !seen.iter().any(|k| same_key(*k, key)) {
                        seen.push(key);
                        if !joined.is_empty() {
                            joined.push_str("; ");
                        }
                        joined.push_str(part);
                    }
                }
                Some(cl) => {
                    kept.clear();
                    for c in cl.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                        let key = (dk, clause_key(c));
                        if !seen.iter().any(|k| same_key(*k, key)) {
                            seen.push(key);
                            kept.push(c);
                        }
                    }
                    if !kept.is_empty() {
                        if !joined.is_empty() {
                            joined.push_str("; ");
                        }
                        joined.push_str(doc);
                        for (i, c) in kept.iter().enumerate() {
                            if i > 0 {
                                joined.push_str(", ");
                            }
                            joined.push_str(c);
                        }
                    }
                }
            }
        }
        if !joined.is_empty() && !out.contains(&joined) {
            out.push(joined);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restatements() {
        assert!(restates(
            "SDP m= lines, codecs, b=AS of the offer.",
            "The SDP offer of the INVITE: m= lines, payload types and rtpmap, transport profile (RTP/AVP vs RTP/SAVP, AVPF) and b=AS"
        ));
        assert!(restates(
            "No codec overlap between offer and answerer.",
            "The offered codecs are not supported by mgcf1: no common media format"
        ));
        assert!(!restates(
            "Which node rejected it (P-CSCF policy vs far-end UE).",
            "The SDP offer of the INVITE: m= lines, payload types and rtpmap"
        ));
        assert!(!restates("Retry-After, Reason.", "Reason"));
    }

    #[test]
    fn stop_words_by_match_and_table() {
        for w in STOP
            .iter()
            .copied()
            .chain(["", "ab", "thee", "whethe", "sdp", "x"])
        {
            assert_eq!(is_stop(w), STOP.contains(&w), "{w}");
        }
    }

    #[test]
    fn one_clause_once() {
        let r = spec_refs(&[
            "RFC 3261 §21.6.2".to_owned(),
            "RFC 3261 §21.6.2; TS 24.604 (CDIV)".to_owned(),
            "TS 24.229 §6.1, §6.2 (SDP at UE and P-CSCF)".to_owned(),
            "3GPP TS 24.229 §6.2, §5.2.7.2".to_owned(),
        ]);
        assert_eq!(
            r,
            [
                "RFC 3261 §21.6.2",
                "TS 24.604 (CDIV)",
                "TS 24.229 §6.1, §6.2 (SDP at UE and P-CSCF)",
                "3GPP TS 24.229 §5.2.7.2"
            ]
        );
        // Remembered: the same answer again, and the merge's own.
        let refs = ["RFC 3261 §21.6.2", "RFC 3261 §21.6.2; TS 24.604 (CDIV)"];
        assert_eq!(spec_refs(&refs), merge_spec_refs(&refs));
        assert_eq!(spec_refs(&refs), ["RFC 3261 §21.6.2", "TS 24.604 (CDIV)"]);
        // Lists that would join to the same text stay apart.
        assert_ne!(spec_refs(&["a", "b"]), spec_refs(&["ab"]));
    }
}
