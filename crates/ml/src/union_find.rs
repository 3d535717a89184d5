//! Union–find (disjoint sets) over rows `0..n`.

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

#[cfg(test)]
mod tests {
    use super::*;

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
