//! Sender inference.
use super::Ctx;
use crate::span::Span;

/// The likely role of the sender, with evidence.
pub(crate) fn infer(_cx: &Ctx<'_, '_>) -> (String, Vec<(Span, String)>) {
    ("unknown".to_owned(), Vec::new())
}
