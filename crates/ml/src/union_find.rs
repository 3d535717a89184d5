//! Union–find (disjoint sets) over rows `0..n`: one for a single thread, one that threads
//! share.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// Union–find with path halving and union by size.
pub(crate) struct UnionFind {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl UnionFind {
    /// Every row of `0..n` in a component of its own.
    pub(crate) fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    /// The representative of `i`'s component.
    pub(crate) fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    /// Joins the components of `a` and `b`; `true` when they were different.
    pub(crate) fn union(&mut self, a: usize, b: usize) -> bool {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return false;
        }
        if self.size[a] < self.size[b] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b] = a;
        self.size[a] += self.size[b];
        true
    }
}

/// Union–find that threads can update together (lock-free): a component's root is always its
/// smallest row, since a root is only ever linked under a smaller one, so the result does not
/// depend on the order of the unions. Every link points to a smaller row, which also rules out
/// the ABA problem for the compare-and-swap updates.
pub(crate) struct SharedUnionFind {
    parent: Vec<AtomicUsize>,
}

impl SharedUnionFind {
    /// Every row of `0..n` in a component of its own.
    pub(crate) fn new(n: usize) -> Self {
        SharedUnionFind {
            parent: (0..n).map(AtomicUsize::new).collect(),
        }
    }

    /// The root of `i`'s component (its smallest row, once every union is done), halving the
    /// path on the way.
    pub(crate) fn find(&self, mut i: usize) -> usize {
        loop {
            let parent = self.parent[i].load(Relaxed);
            if parent == i {
                return i;
            }
            let grandparent = self.parent[parent].load(Relaxed);
            if grandparent != parent {
                // Failing only means another thread moved `i` higher already.
                let _ = self.parent[i].compare_exchange(parent, grandparent, Relaxed, Relaxed);
            }
            i = grandparent;
        }
    }

    /// Joins the components of `a` and `b`.
    pub(crate) fn union(&self, a: usize, b: usize) {
        let (mut a, mut b) = (a, b);
        loop {
            (a, b) = (self.find(a), self.find(b));
            if a == b {
                return;
            }
            let (low, high) = if a < b { (a, b) } else { (b, a) };
            if self.parent[high]
                .compare_exchange(high, low, Relaxed, Relaxed)
                .is_ok()
            {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn shared_union_find_roots_are_smallest_rows_whatever_the_order() {
        // Rows joined to their value modulo 7, in parallel, in a scrambled order.
        let n = 10_000;
        let (one, two) = crate::test_support::one_and_two_threads(|| {
            let forest = SharedUnionFind::new(n);
            (0..n).into_par_iter().for_each(|i| {
                let j = (i * 7919) % n;
                forest.union(j, j % 7);
            });
            (0..n).map(|i| forest.find(i)).collect::<Vec<_>>()
        });
        assert_eq!(one, two);
        assert_eq!(one, (0..n).map(|i| i % 7).collect::<Vec<_>>());
    }

    #[test]
    fn union_find_joins_components() {
        let mut forest = UnionFind::new(5);
        assert!(forest.union(0, 3));
        assert!(forest.union(3, 4));
        assert!(!forest.union(0, 4));
        assert_eq!(forest.find(4), forest.find(0));
        assert_ne!(forest.find(1), forest.find(0));
    }
}
