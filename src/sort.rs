//! One sort for the crate's decode path: [`sort_by`] and [`sort_by_key`].
//!
//! Every `sort`/`sort_by_key` call on a new element type or with a new closure
//! instantiates the standard library's whole sort (driftsort: its merge, its
//! quicksort, its small-sort networks) again; in the core `.wasm` those copies were
//! about 34 KB of code (README, "Size and speed"). These helpers sort a list of
//! indices with a comparator behind `&dyn`, so the sort is instantiated once, then
//! move the elements into that order. Both are stable, as `slice::sort_by` is.

use std::cmp::Ordering;

/// Sorts `v` stably with `cmp` (as `v.sort_by(cmp)`).
pub(crate) fn sort_by<T>(v: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = {
        let items: &[T] = v;
        sorted_indices(items.len(), &|a, b| match (items.get(a), items.get(b)) {
            (Some(x), Some(y)) => cmp(x, y),
            _ => Ordering::Equal,
        })
    };
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(
        order
            .into_iter()
            .filter_map(|i| slots.get_mut(i).and_then(Option::take)),
    );
}

/// Sorts `v` stably by `key` (as `v.sort_by_key(key)`).
pub(crate) fn sort_by_key<T, K: Ord>(v: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// `0..n` sorted stably by `cmp`: the one instantiation of the slice sort.
fn sorted_indices(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equals_the_standard_stable_sort() {
        let mut seed = 7u64;
        for len in [0usize, 1, 2, 3, 17, 100, 1000] {
            let v: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    ((seed >> 59) as u8, i)
                })
                .collect();
            let mut want = v.clone();
            want.sort_by_key(|x| x.0);
            let mut got = v.clone();
            sort_by_key(&mut got, |x| x.0);
            assert_eq!(got, want);
            let mut want = v.clone();
            want.sort_by_key(|x| std::cmp::Reverse(x.0));
            let mut got = v;
            sort_by(&mut got, |a, b| b.0.cmp(&a.0));
            assert_eq!(got, want);
        }
    }
}
