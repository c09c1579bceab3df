//! Fuzz target for `parse_message`: parses with the default, strict and
//! stream options, validates, walks every view and checks every span
//! (the same invariants as `tests/properties.rs`, from one shared file).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    invariants::check_input(data);
});
