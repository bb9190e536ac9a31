//! Stable sorting through one compiled copy of the standard library's sort.
//!
//! Every `slice::sort*` call on a new element type or comparator gets its own copy of the
//! driftsort/quicksort machinery (4–6 KB of wasm each; 34 copies were about a tenth of the
//! browser bundle). These helpers instead sort a `Vec<usize>` of positions with a `dyn`
//! comparator, so the machinery exists once, and then move the elements into that order.
//! The result is exactly what the standard stable sort would produce.

use std::cmp::Ordering;

/// The positions `0..len` in the stable order that `cmp` defines between positions.
fn stable_order(len: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Puts `v[order[k]]` at position `k`, following each cycle of the permutation.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut at = start;
        while order[at] != usize::MAX {
            let from = std::mem::replace(&mut order[at], usize::MAX);
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

/// Same result as `v.sort_by(cmp)` (stable).
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = stable_order(v.len(), &mut |a, b| cmp(&v[a], &v[b]));
    permute(v, order);
}

/// Same result as `v.sort_by_key(key)` (stable).
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Same result as `v.sort_by_cached_key(key)`: `key` runs once per element.
pub fn sort_by_cached_key<T, K: Ord>(v: &mut [T], key: impl FnMut(&T) -> K) {
    if v.len() < 2 {
        return;
    }
    let keys: Vec<K> = v.iter().map(key).collect();
    let order = stable_order(v.len(), &mut |a, b| keys[a].cmp(&keys[b]));
    permute(v, order);
}

/// Same result as `v.sort()`.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_stable_sort() {
        let mut seed = 7u64;
        for len in 0..40 {
            let v: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 60) as u8, i)
                })
                .collect();
            let mut ours = v.clone();
            let mut expected = v.clone();
            sort_by_key(&mut ours, |e| e.0);
            expected.sort_by_key(|e| e.0);
            assert_eq!(ours, expected);
            let mut ours = v.clone();
            sort_by_cached_key(&mut ours, |e| std::cmp::Reverse(e.0));
            let mut expected = v.clone();
            expected.sort_by_key(|e| std::cmp::Reverse(e.0));
            assert_eq!(ours, expected);
            let mut ours = v.clone();
            sort(&mut ours);
            let mut expected = v;
            expected.sort();
            assert_eq!(ours, expected);
        }
    }
}
