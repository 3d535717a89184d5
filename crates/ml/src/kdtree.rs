//! A k-d tree over the rows of a matrix for radius and nearest-neighbour queries, in O(n)
//! extra memory: a permutation of the row indices and one bounding box per node (about
//! `n / LEAF` nodes).

use crate::matrix::{Float, Matrix};

/// Most rows in a leaf.
const LEAF: usize = 32;

struct Node {
    /// Rows `perm[start..end]` lie in this node.
    start: usize,
    end: usize,
    /// Children (`usize::MAX` for a leaf).
    left: usize,
    right: usize,
}

/// A k-d tree over the rows of `x`, split at the median of the widest dimension.
pub(crate) struct KdTree<'a, F: Float> {
    x: &'a Matrix<F>,
    perm: Vec<usize>,
    nodes: Vec<Node>,
    /// `2 × d` values per node: lower corner then upper corner of its bounding box.
    boxes: Vec<f64>,
}

impl<'a, F: Float> KdTree<'a, F> {
    pub(crate) fn new(x: &'a Matrix<F>) -> Self {
        let mut tree = KdTree {
            x,
            perm: (0..x.rows()).collect(),
            nodes: Vec::new(),
            boxes: Vec::new(),
        };
        if x.rows() > 0 {
            tree.build(0, x.rows());
        }
        tree
    }

    /// Builds the node for `perm[start..end]` and its descendants; returns its index.
    fn build(&mut self, start: usize, end: usize) -> usize {
        let d = self.x.cols();
        let id = self.nodes.len();
        self.nodes.push(Node {
            start,
            end,
            left: usize::MAX,
            right: usize::MAX,
        });
        let mut lo = vec![f64::INFINITY; d];
        let mut hi = vec![f64::NEG_INFINITY; d];
        for &i in &self.perm[start..end] {
            for (j, v) in self.x.row(i).iter().enumerate() {
                let v = v.to_f64();
                lo[j] = lo[j].min(v);
                hi[j] = hi[j].max(v);
            }
        }
        self.boxes.extend_from_slice(&lo);
        self.boxes.extend_from_slice(&hi);
        if end - start <= LEAF {
            return id;
        }
        let dim = (0..d)
            .max_by(|&a, &b| (hi[a] - lo[a]).total_cmp(&(hi[b] - lo[b])))
            .unwrap_or(0);
        if hi[dim] <= lo[dim] {
            // All rows identical: nothing to split.
            return id;
        }
        let mid = start + (end - start) / 2;
        let x = self.x;
        self.perm[start..end].select_nth_unstable_by(mid - start, |&a, &b| {
            x.get(a, dim).to_f64().total_cmp(&x.get(b, dim).to_f64())
        });
        let left = self.build(start, mid);
        let right = self.build(mid, end);
        self.nodes[id].left = left;
        self.nodes[id].right = right;
        id
    }

    /// The data the tree was built on.
    pub(crate) fn data(&self) -> &'a Matrix<F> {
        self.x
    }

    /// The rows in tree order: node `id` holds `order()[start..end]` for its [`Self::span`].
    pub(crate) fn order(&self) -> &[usize] {
        &self.perm
    }

    /// Number of nodes; node 0 is the root, and every node comes before its children.
    pub(crate) fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The positions in [`Self::order`] of the rows of node `id`.
    #[inline(always)]
    pub(crate) fn span(&self, id: usize) -> std::ops::Range<usize> {
        self.nodes[id].start..self.nodes[id].end
    }

    /// The two children of node `id`, or `None` for a leaf.
    #[inline(always)]
    pub(crate) fn children(&self, id: usize) -> Option<(usize, usize)> {
        let node = &self.nodes[id];
        (node.left != usize::MAX).then_some((node.left, node.right))
    }

    /// Squared distance from `p` to the nearest point of node `id`'s box. Computed term by
    /// term like a squared distance between rows, it is never above that of a row in the box.
    #[inline(always)]
    pub(crate) fn box_distance(&self, id: usize, p: &[f64]) -> f64 {
        let d = p.len();
        let lo = &self.boxes[2 * d * id..2 * d * id + d];
        let hi = &self.boxes[2 * d * id + d..2 * d * (id + 1)];
        let mut near = 0.0;
        for ((&v, &l), &h) in p.iter().zip(lo).zip(hi) {
            // Branch-free (comparisons that compile to `max` instructions, where `f64::max`
            // also handles NaN): whether a row lies beside a box is not predictable.
            let (below, above) = (l - v, v - h);
            let gap = if below > above { below } else { above };
            let gap = if gap > 0.0 { gap } else { 0.0 };
            near += gap * gap;
        }
        near
    }

    /// Calls `visit` with every row within distance `eps` (inclusive) of row `i`, itself
    /// included, in no particular order, until `visit` returns `false`. Distances are
    /// compared squared, in `f64`.
    pub(crate) fn for_each_within(&self, i: usize, eps: f64, mut visit: impl FnMut(usize) -> bool) {
        let p: Vec<f64> = self.x.row(i).iter().map(|v| v.to_f64()).collect();
        let r2 = eps * eps;
        let mut stack = vec![0];
        while let Some(id) = stack.pop() {
            if self.box_distance(id, &p) > r2 {
                continue;
            }
            let node = &self.nodes[id];
            if node.left == usize::MAX {
                // Every candidate is tested with the same arithmetic, so that a row exactly at
                // distance `eps` is found or not whatever the tree's shape.
                for &j in &self.perm[node.start..node.end] {
                    if squared_distance_f64(&p, self.x.row(j)) <= r2 && !visit(j) {
                        return;
                    }
                }
            } else {
                stack.push(node.right);
                stack.push(node.left);
            }
        }
    }

    /// The `k` rows nearest to point `p` (at most n), as (squared distance, row) in increasing
    /// order, ties to the smaller row, so that the answer does not depend on the tree's shape.
    pub(crate) fn nearest(&self, p: &[f64], k: usize) -> Vec<(f64, usize)> {
        // The k smallest (squared distance, row) pairs found so far, in increasing order.
        let mut nearest: Vec<(f64, usize)> = Vec::with_capacity(k + 1);
        let bound = |nearest: &Vec<(f64, usize)>| {
            if nearest.len() < k {
                (f64::INFINITY, usize::MAX)
            } else {
                nearest[k - 1]
            }
        };
        let mut stack = if self.nodes.is_empty() || k == 0 {
            vec![]
        } else {
            vec![0]
        };
        while let Some(id) = stack.pop() {
            if self.box_distance(id, p) > bound(&nearest).0 {
                continue;
            }
            let node = &self.nodes[id];
            if node.left == usize::MAX {
                for &j in &self.perm[node.start..node.end] {
                    let candidate = (squared_distance_f64(p, self.x.row(j)), j);
                    if candidate < bound(&nearest) {
                        let at = nearest.partition_point(|&v| v < candidate);
                        nearest.insert(at, candidate);
                        nearest.truncate(k);
                    }
                }
            } else {
                // Visit the nearer child first so that the bound shrinks sooner.
                let (l, r) = (node.left, node.right);
                if self.box_distance(l, p) <= self.box_distance(r, p) {
                    stack.push(r);
                    stack.push(l);
                } else {
                    stack.push(l);
                    stack.push(r);
                }
            }
        }
        nearest
    }
}

fn squared_distance_f64<F: Float>(p: &[f64], row: &[F]) -> f64 {
    p.iter()
        .zip(row)
        .map(|(a, b)| (a - b.to_f64()) * (a - b.to_f64()))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::make_blobs;

    #[test]
    fn radius_queries_match_brute_force() {
        let centers = Matrix::from_rows(&[[0.0, 0.0, 0.0], [3.0, 1.0, 0.0]]).unwrap();
        let (x, _) = make_blobs(700, &centers, 1.0, 2).unwrap();
        let tree = KdTree::new(&x);
        for eps in [0.0, 0.3, 1.0, 2.5, 100.0] {
            for i in (0..x.rows()).step_by(37) {
                let mut found = Vec::new();
                tree.for_each_within(i, eps, |j| {
                    found.push(j);
                    true
                });
                found.sort_unstable();
                let expected: Vec<usize> = (0..x.rows())
                    .filter(|&j| {
                        let p: Vec<f64> = x.row(i).to_vec();
                        squared_distance_f64(&p, x.row(j)) <= eps * eps
                    })
                    .collect();
                assert_eq!(found, expected, "row {i} eps {eps}");
                let mut first_two = Vec::new();
                tree.for_each_within(i, eps, |j| {
                    first_two.push(j);
                    first_two.len() < 2
                });
                assert_eq!(first_two.len(), expected.len().min(2), "stops when told");
            }
        }
    }

    #[test]
    fn nearest_rows_of_any_point_match_brute_force() {
        let centers = Matrix::from_rows(&[[0.0, 0.0], [3.0, 1.0]]).unwrap();
        let (x, _) = make_blobs(400, &centers, 1.0, 6).unwrap();
        // Duplicated rows make ties, which must go to the smaller row.
        let mut data = x.as_slice().to_vec();
        data.extend_from_slice(&x.as_slice()[..40]);
        let x = Matrix::new(data, 420, 2).unwrap();
        let tree = KdTree::new(&x);
        for p in [[0.5, -0.2], [10.0, 10.0], [x.get(3, 0), x.get(3, 1)]] {
            let mut all: Vec<(f64, usize)> = (0..x.rows())
                .map(|j| (squared_distance_f64(&p, x.row(j)), j))
                .collect();
            all.sort_by(|a, b| a.partial_cmp(b).unwrap());
            for k in [0, 1, 2, 7, 420, 500] {
                assert_eq!(tree.nearest(&p, k), all[..k.min(420)], "{p:?} k {k}");
            }
        }
    }

    #[test]
    fn identical_rows_do_not_recurse_forever() {
        let x = Matrix::new(vec![1.0f64; 200], 100, 2).unwrap();
        let tree = KdTree::new(&x);
        let mut count = 0;
        tree.for_each_within(5, 0.0, |_| {
            count += 1;
            true
        });
        assert_eq!(count, 100);
    }
}
