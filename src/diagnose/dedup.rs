//! Deduplication at assembly: the rules speak about *this* message, the
//! knowledge base about the code in general, and the two often say the
//! same thing in other words. A knowledge-base line is dropped when it
//! restates a line the diagnosis already holds; spec references are merged
//! clause by clause so one clause is cited once.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Words that carry no meaning for the comparison.
const STOP: &[&str] = &[
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "or", "and", "is", "are", "be",
    "it", "its", "this", "that", "with", "from", "as", "e", "g", "i", "no", "not", "vs", "between",
    "which", "whether", "what", "when", "than", "then", "if", "was", "were", "has", "have",
];

/// A crude stem of a lower-case word: plural and participle endings
/// removed, a few synonyms the texts use for the same thing folded
/// together.
fn stem(mut w: String) -> String {
    match w.as_str() {
        "overlap" | "common" => return "common".to_owned(),
        "refused" | "rejected" | "rejects" | "reject" | "rejection" => return "reject".to_owned(),
        _ => {}
    }
    for suffix in ["ing", "ed", "es", "s"] {
        if w.len() > suffix.len() + 3 && w.ends_with(suffix) {
            w.truncate(w.len() - suffix.len());
            return w;
        }
    }
    w
}

/// The content words of a sentence, stemmed, sorted, without repeats.
fn words(s: &str) -> Vec<String> {
    let mut out: Vec<String> = s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !STOP.iter().any(|st| st.eq_ignore_ascii_case(w)))
        .map(|w| stem(w.to_ascii_lowercase()))
        .collect();
    crate::sort::sort_by(&mut out, Ord::cmp);
    out.dedup();
    out
}

/// True when `candidate` says nothing `existing` does not already say: at
/// least half of its content words (and at least two) appear in `existing`.
#[cfg(test)]
pub(crate) fn restates(candidate: &str, existing: &str) -> bool {
    Restates.restates(candidate, existing)
}

/// The content words of sentences already seen on this thread. The
/// knowledge base's lines come back with every message of their code, so
/// their words are computed once, not once per message; bounded by
/// clearing when full (a message's own lines, with hosts and numbers, are
/// rarely seen twice).
type WordList = Rc<Vec<String>>;

thread_local! {
    static MEMO: RefCell<HashMap<Rc<str>, WordList>> = RefCell::new(HashMap::new());
}

/// Sentences kept in [`MEMO`] before it is cleared.
const MEMO_MAX: usize = 4096;

fn memo_words(s: &str) -> WordList {
    // The core module (one message at a time) computes the words each time:
    // the memo's `HashMap` is 3 KB of its gzip (README, "Size and speed").
    if cfg!(feature = "core-only") {
        return Rc::new(words(s));
    }
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        if let Some(w) = m.get(s) {
            return Rc::clone(w);
        }
        if m.len() >= MEMO_MAX {
            m.clear();
        }
        let w = Rc::new(words(s));
        m.insert(Rc::from(s), Rc::clone(&w));
        w
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
        let c = memo_words(candidate);
        if c.is_empty() {
            return false;
        }
        let e = memo_words(existing);
        let shared = c.iter().filter(|w| e.binary_search(w).is_ok()).count();
        shared >= 2 && shared * 2 >= c.len()
    }
}

/// `3GPP TS 24.229` and `TS 24.229` name the same document.
fn doc_key(doc: &str) -> String {
    doc.trim()
        .trim_start_matches("3GPP ")
        .trim()
        .to_ascii_lowercase()
}

/// `§6.2 (SDP at UE and P-CSCF)` → `§6.2`.
fn clause_key(clause: &str) -> String {
    clause
        .split('(')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Merges spec references so each (document, clause) appears once, in
/// first-cited order: `["RFC 3261 §21.6.2", "RFC 3261 §21.6.2; TS 24.604
/// (CDIV)"]` → `["RFC 3261 §21.6.2", "TS 24.604 (CDIV)"]`.
pub(crate) fn spec_refs(refs: &[String]) -> Vec<String> {
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut out: Vec<String> = Vec::new();
    for r in refs {
        let mut kept_parts = Vec::new();
        for part in r.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (doc, clauses) = match part.find('§') {
                Some(i) => (&part[..i], Some(&part[i..])),
                None => (part, None),
            };
            let dk = doc_key(doc);
            match clauses {
                None => {
                    let key = (clause_key(part), String::new());
                    if !seen.contains(&key) {
                        seen.push(key);
                        kept_parts.push(part.to_owned());
                    }
                }
                Some(cl) => {
                    let mut kept = Vec::new();
                    for c in cl.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                        let key = (dk.clone(), clause_key(c));
                        if !seen.contains(&key) {
                            seen.push(key);
                            kept.push(c);
                        }
                    }
                    if !kept.is_empty() {
                        kept_parts.push(format!("{}{}", doc, kept.join(", ")));
                    }
                }
            }
        }
        if !kept_parts.is_empty() {
            let joined = kept_parts.join("; ");
            if !out.contains(&joined) {
                out.push(joined);
            }
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
    }
}
