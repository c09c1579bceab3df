//! Buffers one message leaves to the next on the same thread (the native
//! build only, [`take`] and [`keep`]: the core module allocates each time,
//! for size; the lazy entry's header list is kept in every build,
//! [`take_always`] and [`keep_always`]). A buffer of
//! a few kilobytes is above the sizes `malloc` keeps in its per-thread
//! cache, so a fresh one cost about a thousand instructions a message with
//! its `free` (callgrind, docs/PERFORMANCE.md "Native decode, round 3").
//!
//! The buffers hold types that borrow from the message; the spare is kept
//! at `'static` and becomes the next message's lifetime through `collect`
//! over its (empty) iterator, which keeps the buffer (the standard
//! library's in-place collect for equal layouts). Were it not kept, a new
//! buffer would be allocated, as without a spare: never wrong, only slower.

use std::cell::Cell;
use std::thread::LocalKey;

/// The spare buffer in `cell` (empty) as a `Vec<U>`, or a new empty one.
pub(crate) fn take<S: 'static, U>(cell: &'static LocalKey<Cell<Vec<S>>>) -> Vec<U> {
    if cfg!(feature = "core-only") {
        return Vec::new();
    }
    take_always(cell)
}

/// [`take`] in every build, the core module's too.
pub(crate) fn take_always<S: 'static, U>(cell: &'static LocalKey<Cell<Vec<S>>>) -> Vec<U> {
    recast(cell.with(Cell::take))
}

/// Leaves `v`, emptied, in `cell` for the next [`take`], unless its
/// capacity is above `max` (one odd message does not pin a large buffer).
pub(crate) fn keep<T, S: 'static>(cell: &'static LocalKey<Cell<Vec<S>>>, v: Vec<T>, max: usize) {
    if cfg!(feature = "core-only") {
        return;
    }
    keep_always(cell, v, max);
}

/// [`keep`] in every build, the core module's too.
pub(crate) fn keep_always<T, S: 'static>(
    cell: &'static LocalKey<Cell<Vec<S>>>,
    v: Vec<T>,
    max: usize,
) {
    if v.capacity() <= max {
        cell.with(|c| c.set(recast(v)));
    }
}

/// `v` emptied, as a `Vec<U>` in the same buffer when the layouts agree.
#[allow(clippy::unnecessary_filter_map)] // `None` for every (absent) element is the point
fn recast<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static SPARE: Cell<Vec<&'static str>> = const { Cell::new(Vec::new()) };
    }

    /// A kept buffer comes back empty, and too large a buffer is not kept.
    #[test]
    fn kept_buffers_come_back_empty() {
        let owned = String::from("x");
        let mut v: Vec<&str> = take(&SPARE);
        v.extend([owned.as_str(); 40]);
        keep(&SPARE, v, 64);
        let v: Vec<&str> = take(&SPARE);
        assert!(v.is_empty());
        if !cfg!(feature = "core-only") {
            assert!(v.capacity() >= 40);
        }
        keep(&SPARE, Vec::<&str>::with_capacity(100), 64);
        assert_eq!(take::<_, &str>(&SPARE).capacity(), 0);
    }

    /// `take_always` / `keep_always` keep the buffer in every build (the
    /// core module's too), with the same bound.
    #[test]
    fn always_kept_buffers_come_back_empty_in_every_build() {
        let owned = String::from("x");
        let mut v: Vec<&str> = take_always(&SPARE);
        v.extend([owned.as_str(); 40]);
        keep_always(&SPARE, v, 64);
        let v: Vec<&str> = take_always(&SPARE);
        assert!(v.is_empty());
        assert!(v.capacity() >= 40);
        keep_always(&SPARE, Vec::<&str>::with_capacity(100), 64);
        assert_eq!(take_always::<_, &str>(&SPARE).capacity(), 0);
    }
}
