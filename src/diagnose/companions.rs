//! Rule family: companions.
use super::Check;

/// The checks of this family.
pub(crate) static CHECKS: &[Check] = &[];
