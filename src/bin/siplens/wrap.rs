//! Output width and word wrapping for every human-readable report: text is
//! wrapped at the width (`--width`, else the `COLUMNS` environment variable,
//! else 80), never cut. A word longer than the room (a long URI, a token)
//! gets a line of its own and is the only thing that may pass the width.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Width when neither `--width` nor `COLUMNS` gives one.
pub const DEFAULT: usize = 80;
/// Narrowest width honoured (below it the reports would be mostly indent).
pub const MIN: usize = 40;

static WIDTH: AtomicUsize = AtomicUsize::new(DEFAULT);

/// Sets the width from `--width`, else `COLUMNS`, else [`DEFAULT`].
pub fn init(arg: Option<usize>) {
    let w = arg
        .or_else(|| {
            std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.trim().parse::<usize>().ok())
                .filter(|&c| c > 0)
        })
        .unwrap_or(DEFAULT);
    WIDTH.store(w.max(MIN), Ordering::Relaxed);
}

/// The output width in columns.
pub fn width() -> usize {
    WIDTH.load(Ordering::Relaxed)
}

/// Columns `s` takes on a terminal: characters, ANSI colour sequences
/// excluded.
pub fn columns(s: &str) -> usize {
    let mut n = 0;
    let mut esc = false;
    for c in s.chars() {
        if esc {
            esc = c != 'm';
        } else if c == '\x1b' {
            esc = true;
        } else {
            n += 1;
        }
    }
    n
}

/// Appends `text` word-wrapped at [`width`]: the first line continues the
/// current one (already at column `first`), the others are indented by
/// `rest`; ends with a newline.
pub fn wrap_into(o: &mut String, text: &str, first: usize, rest: usize) {
    wrap_at(o, text, first, rest, width());
}

/// [`wrap_into`] at `width`.
fn wrap_at(o: &mut String, text: &str, first: usize, rest: usize, width: usize) {
    let mut col = first;
    let mut line_empty = true;
    let mut first_line = true;
    for word in text.split_whitespace() {
        let w = columns(word);
        let limit_hit = col + usize::from(!line_empty) + w > width;
        // A word that does not fit on a fresh line goes on a line of its own.
        if limit_hit && (!line_empty || (first_line && first > rest)) {
            o.push('\n');
            o.push_str(&" ".repeat(rest));
            col = rest;
            line_empty = true;
            first_line = false;
        }
        if !line_empty {
            o.push(' ');
            col += 1;
        }
        o.push_str(word);
        col += w;
        line_empty = false;
    }
    o.push('\n');
}

/// `text` wrapped, every line indented by `indent`.
pub fn block(o: &mut String, text: &str, indent: usize) {
    o.push_str(&" ".repeat(indent));
    wrap_into(o, text, indent, indent);
}

/// A `label: value` line indented by `indent`, continuation lines by
/// `hang`.
pub fn field(o: &mut String, indent: usize, label: &str, value: &str, hang: usize) {
    let head = format!("{}{label}: ", " ".repeat(indent));
    o.push_str(&head);
    wrap_into(o, value, columns(&head), hang);
}

/// `s` cut to `max` characters, `…` last (the core's rule, shared with the
/// lane names: [`siplens::trace::ladder::cut_end`]).
pub use siplens::trace::ladder::cut_end as cut;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_and_keeps_long_words_whole() {
        let mut o = String::from("ab: ");
        wrap_at(&mut o, "one two three four five six", 4, 4, 20);
        assert_eq!(o, "ab: one two three\n    four five six\n");
        let mut o = String::from("  ");
        wrap_at(&mut o, "x sip:averyveryverylonguri@example.com y", 2, 2, 20);
        assert_eq!(o, "  x\n  sip:averyveryverylonguri@example.com\n  y\n");
        assert_eq!(columns("\x1b[1mab\x1b[0m"), 2);
        assert_eq!(cut("abcdef", 4), "abc…");
    }
}
