//! Rule family: ims.
use super::Check;

/// The checks of this family.
pub(crate) static CHECKS: &[Check] = &[];
