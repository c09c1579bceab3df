//! The diagnosis engine: a parsed message → an evidence-linked diagnosis
//! of *this* message (not of its code in general), as the JSON contract
//! [`Decoded`] (its text borrowed from the input; `into_owned` detaches it).
//!
//! A straight pipeline, each stage importing only the ones below it:
//!
//! 1. `context`: [`Ctx`] holds the message's typed views
//!    ([`crate::parse::views::Views`], each header parsed at most once and
//!    shared with validation and assembly); [`Dx`] is the record the rules
//!    write.
//! 2. Rule families (`message`, `companions`, `causes`, `media`, `ims`):
//!    lists of check functions that add findings, evidence-backed causes,
//!    things to inspect and next steps to a [`Dx`].
//! 3. `assembly`: merges the [`Dx`] with the knowledge base entry of the
//!    code (ranked below evidence), the grammar findings of
//!    [`crate::validate::validate_views`] (collected from the same views),
//!    the sender inference, header fields and media summary.
//! 4. [`dto`]: the plain types of the JSON contract.
//!
//! [`diagnose`] runs the stages in that order.

mod assembly;
mod causes;
mod companions;
mod context;
mod dedup;
pub mod dto;
mod fields;
mod ims;
pub mod invariants;
mod media;
mod media_summary;
mod message;
mod owned;
mod reason;
mod sender;

use crate::parse::views::Views;
use crate::parse::Message;
use crate::validate::validate_views_unsorted;

pub(crate) use context::Check;
pub use context::{Cause, Ctx, Dx};
pub use dto::*;
pub use media_summary::*;

/// Every rule family, in the order their causes rank. (A loop over the
/// families, then over each family's slice: a chain of five iterators
/// tested its `Option`s at every check.)
static FAMILIES: [&[Check]; 5] = [
    ims::CHECKS,
    causes::CHECKS,
    companions::CHECKS,
    message::CHECKS,
    media::CHECKS,
];

/// Why an input cannot be decoded at all. Anything else decodes: a malformed
/// SIP message is a normal [`Decoded`] with findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputError {
    /// Nothing but ASCII whitespace (SP, HTAB, CR, LF, FF) or no bytes at all.
    Empty,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputError::Empty => f.write_str("empty input: no SIP message"),
        }
    }
}

impl std::error::Error for InputError {}

/// Checks that `input` is worth decoding (the rule every adapter applies
/// before [`decode`]): it must hold a byte other than ASCII whitespace.
pub fn check_input(input: &[u8]) -> Result<(), InputError> {
    if input.iter().all(u8::is_ascii_whitespace) {
        Err(InputError::Empty)
    } else {
        Ok(())
    }
}

/// Runs one rule family over `input` (unit tests of each family).
#[cfg(test)]
pub(crate) fn run_family(checks: &[Check], input: &[u8]) -> Dx {
    let msg = crate::parse::parse_message(input);
    let cx = Ctx::new(&msg);
    let mut dx = Dx::default();
    for check in checks {
        check(&cx, &mut dx);
    }
    dx
}

/// Parses and diagnoses `input` (default, lenient options). The text of the
/// result borrows from `input`; [`Decoded::into_owned`] detaches it.
pub fn decode(input: &[u8]) -> Decoded<'_> {
    diagnose(&crate::parse::parse_message(input))
}

/// Diagnoses a parsed message (its text borrows from the message's input).
pub fn diagnose<'a>(msg: &Message<'a>) -> Decoded<'a> {
    diagnose_views(Views::new(msg))
}

/// [`diagnose`] over the views of a message another reader already
/// computed in part (the trace reads them first): no header is parsed
/// twice.
pub fn diagnose_views<'a>(views: Views<'_, 'a>) -> Decoded<'a> {
    let cx = Ctx::with_views(views);
    let mut dx = Dx::default();
    for family in &FAMILIES {
        for check in family.iter() {
            check(&cx, &mut dx);
        }
    }
    // Validation reads the views the rules already computed (one parse);
    // its findings are sorted once, with the rules' ones.
    let mut findings = validate_views_unsorted(&cx.views);
    findings.append(&mut dx.findings);
    crate::sort::sort_by_key(&mut findings, |f| (f.span.start, f.span.end));
    assembly::assemble(&cx, dx, findings)
}
