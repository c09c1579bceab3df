//! Typed sub-fields of headers for the header table.
use std::borrow::Cow;

use crate::parse::Header;
use crate::span::Text;

/// (field name, value) pairs of a header's typed view.
pub(crate) fn header_fields<'a>(_h: &Header<'a>) -> Vec<(Cow<'static, str>, Text<'a>)> {
    Vec::new()
}
