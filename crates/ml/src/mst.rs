//! Prim's minimum spanning tree over any distance between rows: O(n) memory, O(n² · d) time,
//! parallel over blocks of rows. Single linkage reads its merges from the tree of Euclidean
//! distances, HDBSCAN from the tree of mutual reachability distances.

use rayon::prelude::*;

/// Rows per parallel block.
const CHUNK: usize = 2048;

/// The smaller of two (distance, row) pairs, ties to the smaller row, so that the tree does
/// not depend on the thread count.
pub(crate) fn lexicographic_min(a: (f64, usize), b: (f64, usize)) -> (f64, usize) {
    if b.0 < a.0 || (b.0 == a.0 && b.1 < a.1) {
        b
    } else {
        a
    }
}

/// The `n - 1` edges `(from, to, distance)` of the minimum spanning tree of rows `0..n` under
/// `distance`, in the order Prim's algorithm adds them, starting from row 0.
pub(crate) fn prim(
    n: usize,
    distance: impl Fn(usize, usize) -> f64 + Sync,
) -> Vec<(usize, usize, f64)> {
    let mut in_tree = vec![false; n];
    let mut best = vec![f64::INFINITY; n];
    let mut from = vec![0usize; n];
    let mut edges = Vec::with_capacity(n.saturating_sub(1));
    let mut current = 0;
    if n > 0 {
        in_tree[0] = true;
    }
    for _ in 1..n {
        let (next_d, next) = best
            .par_chunks_mut(CHUNK)
            .zip(from.par_chunks_mut(CHUNK))
            .zip(in_tree.par_chunks(CHUNK))
            .enumerate()
            .map(|(c, ((best, from), in_tree))| {
                let mut nearest = (f64::INFINITY, usize::MAX);
                for (r, ((b, f), &done)) in best
                    .iter_mut()
                    .zip(from.iter_mut())
                    .zip(in_tree)
                    .enumerate()
                {
                    if done {
                        continue;
                    }
                    let j = c * CHUNK + r;
                    let dj = distance(current, j);
                    if dj < *b {
                        *b = dj;
                        *f = current;
                    }
                    nearest = lexicographic_min(nearest, (*b, j));
                }
                nearest
            })
            .reduce(|| (f64::INFINITY, usize::MAX), lexicographic_min);
        in_tree[next] = true;
        edges.push((from[next], next, next_d));
        current = next;
    }
    edges
}
