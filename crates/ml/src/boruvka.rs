//! Borůvka's minimum spanning tree of HDBSCAN's mutual reachability graph, over a k-d tree:
//! O(n · d) memory and, on low-dimensional data, far fewer than Prim's n² distances.
//!
//! Each round finds, for every component of the forest built so far, its lightest edge to
//! another component, and adds them all; the number of components at least halves. A
//! component's lightest edge is the lightest of its rows' nearest rows in other components,
//! each found by a search of the k-d tree that skips a node when its box (or the smallest core
//! distance of its rows) cannot beat the best edge found so far, for the row or for its
//! component, or when all its rows are in the row's component. In the first round, where
//! every row is a component of its own, most rows need no search: the core distances' search
//! keeps each row's `min_samples` nearest rows (`4 · min_samples` bytes per row), and a near
//! row whose core distance is not above the row's own gives the lightest edge possible.
//!
//! Edges are compared on (weight, smaller row, larger row), weights computed to the last bit as
//! [`crate::mst::prim`] computes them, so that the tree does not depend on the thread count.
//! It has the same weights as Prim's tree, and it is Prim's tree unless equal weights leave a
//! choice (Prim's tie rule depends on the order rows join, which Borůvka does not know). The
//! edges are returned in the order Prim's algorithm starting from row 0 adds the edges of this
//! tree, so that single linkage merges equal-weight edges in the order scikit-learn's does when
//! the trees are the same.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use rayon::prelude::*;

use crate::kdtree::KdTree;
use crate::matrix::Float;
use crate::simd::{self, Kernel};
use crate::union_find::UnionFind;

/// A node's component when its rows are in more than one.
const MIXED: usize = usize::MAX;

/// Fewest consecutive rows (in tree order, so nearby rows) searched by one parallel task.
const CHUNK: usize = 256;

/// Rows whose distances to a row are computed together.
const LANES: usize = 8;

/// An edge as edges are compared: weight, smaller row, larger row.
type Edge = (f64, usize, usize);

/// Buffers a search reuses from one row to the next.
#[derive(Default)]
struct Scratch {
    /// The row searched from.
    point: Vec<f64>,
    /// Squared distances to the rows of a leaf.
    distances: Vec<f64>,
    /// Nodes to visit, with a lower bound of what they hold.
    stack: Vec<(usize, f64)>,
    /// The smallest squared distances found so far, with their rows' positions in tree order.
    nearest: Vec<(f64, usize)>,
}

/// The rows of a k-d tree's data in tree order (a leaf's rows contiguous, in `f64`) and their
/// core distances: what HDBSCAN's mutual reachability graph needs.
pub(crate) struct MutualReachability<'t, 'a, F: Float> {
    tree: &'t KdTree<'a, F>,
    /// Column `c` of the row at position `i` in tree order is `columns[c * n + i]`, so that
    /// the distances to a leaf's rows are computed a column at a time, several rows at once.
    columns: Vec<f64>,
    /// Squared core distances, by position in tree order.
    core2: Vec<f64>,
    /// `min_samples`.
    min_samples: usize,
    /// The positions of each row's `min_samples` nearest rows (itself included), by position.
    neighbours: Vec<u32>,
    /// Per position: whether those are all the rows within the core distance (no row outside
    /// them lies at exactly that distance).
    complete: Vec<bool>,
}

impl<'t, 'a, F: Float> MutualReachability<'t, 'a, F> {
    /// Copies the rows in tree order and finds every row's core distance: the distance to its
    /// `min_samples`-th nearest row, itself included (between 1 and n).
    pub(crate) fn new(tree: &'t KdTree<'a, F>, min_samples: usize) -> Self {
        let x = tree.data();
        let n = x.rows();
        let columns: Vec<f64> = (0..x.cols())
            .flat_map(|c| tree.order().iter().map(move |&i| x.get(i, c).to_f64()))
            .collect();
        let mut graph = MutualReachability {
            tree,
            columns,
            core2: Vec::new(),
            min_samples,
            neighbours: Vec::new(),
            complete: Vec::new(),
        };
        assert!(u32::try_from(n).is_ok(), "at most 2³² rows");
        let mut core2 = vec![0.0; n];
        let mut neighbours = vec![0; n * min_samples];
        let mut complete = vec![false; n];
        core2
            .par_chunks_mut(CHUNK)
            .zip(neighbours.par_chunks_mut(CHUNK * min_samples))
            .zip(complete.par_chunks_mut(CHUNK))
            .enumerate()
            .for_each(|(chunk, ((core2, neighbours), complete))| {
                simd::run(CoreDistances {
                    graph: &graph,
                    start: chunk * CHUNK,
                    core2,
                    neighbours,
                    complete,
                })
            });
        graph.core2 = core2;
        graph.neighbours = neighbours;
        graph.complete = complete;
        graph
    }

    /// Copies the row at position `i` in tree order into `point`.
    #[inline(always)]
    fn load(&self, i: usize, point: &mut Vec<f64>) {
        let n = self.tree.order().len();
        point.clear();
        point.extend(self.columns.iter().skip(i).step_by(n));
    }

    /// Squared distances from `p` to the rows at positions `span`, each summed in column
    /// order like [`squared_distance`], into `out`.
    #[inline(always)]
    fn squared_distances(&self, p: &[f64], span: Range<usize>, out: &mut Vec<f64>) {
        let n = self.tree.order().len();
        out.clear();
        out.resize(span.len(), 0.0);
        // Blocks of `LANES` rows, whose sums stay in registers while the columns go by.
        let mut blocks = out.chunks_exact_mut(LANES);
        let mut start = span.start;
        for block in &mut blocks {
            let mut sums = [0.0f64; LANES];
            for (c, &v) in p.iter().enumerate() {
                let column: &[f64; LANES] = self.columns[c * n + start..][..LANES]
                    .try_into()
                    .expect("LANES values");
                for (s, &w) in sums.iter_mut().zip(column) {
                    let t = v - w;
                    *s += t * t;
                }
            }
            block.copy_from_slice(&sums);
            start += LANES;
        }
        let rest = blocks.into_remainder();
        for (c, &v) in p.iter().enumerate() {
            let column = &self.columns[c * n + start..][..rest.len()];
            for (s, &w) in rest.iter_mut().zip(column) {
                let t = v - w;
                *s += t * t;
            }
        }
    }

    /// Every row's core distance, in row order.
    pub(crate) fn core_distances(&self) -> Vec<f64> {
        let mut core = vec![0.0; self.core2.len()];
        for (&i, &c2) in self.tree.order().iter().zip(&self.core2) {
            core[i] = c2.sqrt();
        }
        core
    }

    /// The `k` rows nearest to `scratch.point` (itself included when it is a row), as
    /// `(squared distance, position)` in increasing order of distance in `scratch.nearest`,
    /// if the `k`-th is nearer than `hint`; `false` when it is not (fewer than `k` rows lie
    /// strictly within). Among rows at equal distances, any may be kept.
    #[inline(always)]
    fn nearest_k(&self, k: usize, hint: f64, scratch: &mut Scratch) -> bool {
        let Scratch {
            point: p,
            distances,
            stack,
            nearest,
        } = scratch;
        // `hint` stands for the rows not found yet.
        nearest.clear();
        nearest.resize(k, (hint, usize::MAX));
        stack.clear();
        stack.push((0, self.tree.box_distance(0, p)));
        while let Some((id, lb)) = stack.pop() {
            if lb >= nearest[k - 1].0 {
                continue;
            }
            let Some((l, r)) = self.tree.children(id) else {
                let span = self.tree.span(id);
                self.squared_distances(p, span.clone(), distances);
                for (j, &d2) in span.zip(distances.iter()) {
                    if d2 < nearest[k - 1].0 {
                        let mut at = k - 1;
                        while at > 0 && nearest[at - 1].0 > d2 {
                            nearest[at] = nearest[at - 1];
                            at -= 1;
                        }
                        nearest[at] = (d2, j);
                    }
                }
                continue;
            };
            let (ll, lr) = (self.tree.box_distance(l, p), self.tree.box_distance(r, p));
            let (near, far) = if ll <= lr {
                ((l, ll), (r, lr))
            } else {
                ((r, lr), (l, ll))
            };
            if far.1 < nearest[k - 1].0 {
                stack.push(far);
            }
            if near.1 < nearest[k - 1].0 {
                stack.push(near);
            }
        }
        nearest[k - 1].0 < hint || hint == f64::INFINITY
    }

    /// The `n - 1` edges `(from, to, weight)` of a minimum spanning tree of the rows under the
    /// mutual reachability distance `max(core(a), core(b), ‖a − b‖)`, in the order Prim's
    /// algorithm starting from row 0 adds them, `from` being the row already in the tree.
    pub(crate) fn minimum_spanning_tree(&self) -> Vec<(usize, usize, f64)> {
        self.spanning_tree(true)
    }

    /// [`Self::minimum_spanning_tree`]; the first round's edges read off the core distances'
    /// nearest rows where they show them when `first_from_neighbours`, searched for otherwise.
    fn spanning_tree(&self, first_from_neighbours: bool) -> Vec<(usize, usize, f64)> {
        let tree = self.tree;
        let n = self.core2.len();
        if n < 2 {
            return Vec::new();
        }
        let nodes = tree.node_count();
        let mut min_core2 = vec![f64::INFINITY; nodes];
        for id in (0..nodes).rev() {
            min_core2[id] = match tree.children(id) {
                Some((l, r)) => min_core2[l].min(min_core2[r]),
                None => self.core2[tree.span(id)]
                    .iter()
                    .copied()
                    .fold(f64::INFINITY, f64::min),
            };
        }
        let mut search = Search {
            graph: self,
            min_core2: &min_core2,
            comp: vec![0; n],
            node_comp: vec![MIXED; nodes],
            bound: (0..n).map(|_| AtomicU64::new(0)).collect(),
        };
        let mut forest = UnionFind::new(n);
        let mut edges = Vec::with_capacity(n - 1);
        let mut found: Vec<Option<Edge>> = vec![None; n];
        let mut lightest: Vec<Option<Edge>> = vec![None; n];
        while edges.len() + 1 < n {
            let first = first_from_neighbours && edges.is_empty();
            search.start_round(&mut forest);
            found
                .par_chunks_mut(CHUNK)
                .enumerate()
                .for_each(|(chunk, found)| {
                    simd::run(NearestOthers {
                        search: &search,
                        start: chunk * CHUNK,
                        found,
                        first,
                    })
                });
            lightest.fill(None);
            for (i, edge) in found.iter().enumerate() {
                if let Some(edge) = *edge {
                    let best = &mut lightest[search.comp[i]];
                    if best.is_none_or(|b| edge < b) {
                        *best = Some(edge);
                    }
                }
            }
            let before = edges.len();
            for &edge in lightest.iter().flatten() {
                if forest.union(edge.1, edge.2) {
                    edges.push(edge);
                }
            }
            assert!(
                edges.len() > before,
                "bug: a Borůvka round found no edge between {} components",
                n - before
            );
        }
        prim_order(n, &edges)
    }
}

/// The squared core distances of the rows at positions `start..start + core2.len()`, their
/// `min_samples` nearest rows and whether those are every row within the core distance: a
/// kernel, so that the searches' distances are computed with the processor's widest registers
/// (they are not fused: the weights must equal Prim's to the last bit).
struct CoreDistances<'g, 't, 'a, F: Float> {
    graph: &'g MutualReachability<'t, 'a, F>,
    start: usize,
    core2: &'g mut [f64],
    neighbours: &'g mut [u32],
    complete: &'g mut [bool],
}

impl<F: Float> Kernel for CoreDistances<'_, '_, '_, F> {
    type Output = ();

    #[inline(always)]
    fn run<const FMA: bool>(self) {
        let CoreDistances {
            graph,
            start,
            core2,
            neighbours,
            complete,
        } = self;
        let m = graph.min_samples;
        // One row more than the core distance needs, to tell whether another row lies at
        // exactly that distance.
        let k = (m + 1).min(graph.tree.order().len());
        let mut scratch = Scratch::default();
        // The previous row and the squared distance to its `k`-th nearest row.
        let mut previous: Option<(Vec<f64>, f64)> = None;
        for (r, ((core2, neighbours), complete)) in core2
            .iter_mut()
            .zip(neighbours.chunks_exact_mut(m))
            .zip(complete.iter_mut())
            .enumerate()
        {
            graph.load(start + r, &mut scratch.point);
            // The previous row's `k` nearest rows lie within its `k`-th distance plus the
            // distance between the two rows (a little more, for rounding): a first bound that
            // spares most of the search.
            let hint = match &previous {
                Some((q, r2)) => {
                    let d = squared_distance(&scratch.point, q).sqrt();
                    ((d + r2.sqrt()) * (1.0 + 1e-9)).powi(2)
                }
                None => f64::INFINITY,
            };
            if !graph.nearest_k(k, hint, &mut scratch) {
                assert!(
                    graph.nearest_k(k, f64::INFINITY, &mut scratch),
                    "an unbounded search finds k rows"
                );
            }
            let nearest = &scratch.nearest;
            *core2 = nearest[m - 1].0;
            *complete = k > m && nearest[m].0 > *core2;
            for (out, &(_, j)) in neighbours.iter_mut().zip(nearest) {
                *out = j as u32;
            }
            let q = previous.get_or_insert_with(|| (Vec::new(), 0.0));
            q.0.clone_from(&scratch.point);
            q.1 = nearest[k - 1].0;
        }
    }
}

/// The lightest edges from the rows at positions `start..start + found.len()` to other
/// components ([`Search::nearest_other`]), as a kernel like [`CoreDistances`].
struct NearestOthers<'s, 'g, 't, 'a, F: Float> {
    search: &'s Search<'g, 't, 'a, F>,
    start: usize,
    found: &'s mut [Option<Edge>],
    /// Whether this is the first round, where [`Search::first_edge`] answers most rows.
    first: bool,
}

impl<F: Float> Kernel for NearestOthers<'_, '_, '_, '_, F> {
    type Output = ();

    #[inline(always)]
    fn run<const FMA: bool>(self) {
        let mut scratch = Scratch::default();
        for (r, found) in self.found.iter_mut().enumerate() {
            let i = self.start + r;
            let first = if self.first {
                self.search.first_edge(i)
            } else {
                None
            };
            *found = first.or_else(|| self.search.nearest_other(i, &mut scratch));
        }
    }
}

/// What the searches of one Borůvka round share.
struct Search<'g, 't, 'a, F: Float> {
    graph: &'g MutualReachability<'t, 'a, F>,
    /// Per node: the smallest squared core distance of its rows, and their component (or
    /// [`MIXED`]).
    min_core2: &'g [f64],
    node_comp: Vec<usize>,
    /// Per position in tree order: the row's component (its representative row).
    comp: Vec<usize>,
    /// Per component: the bits of a squared weight above which no edge can be its lightest,
    /// lowered as its rows find edges.
    bound: Vec<AtomicU64>,
}

impl<F: Float> Search<'_, '_, '_, F> {
    /// Reads the components of the forest into the rows and the nodes, and forgets the bounds.
    fn start_round(&mut self, forest: &mut UnionFind) {
        let tree = self.graph.tree;
        for (c, &i) in self.comp.iter_mut().zip(tree.order()) {
            *c = forest.find(i);
        }
        for id in (0..tree.node_count()).rev() {
            self.node_comp[id] = match tree.children(id) {
                Some((l, r)) if self.node_comp[l] == self.node_comp[r] => self.node_comp[l],
                Some(_) => MIXED,
                None => {
                    let comp = &self.comp[tree.span(id)];
                    if comp.iter().all(|&c| c == comp[0]) {
                        comp[0]
                    } else {
                        MIXED
                    }
                }
            };
        }
        for bound in &self.bound {
            bound.store(f64::INFINITY.to_bits(), Relaxed);
        }
    }

    /// In the first round, where every row is a component of its own: the lightest edge from
    /// the row at position `i`, when its nearest rows show it without a search. A near row
    /// whose core distance is not above the row's gives an edge as light as the row's core
    /// distance, the lightest possible; when the near rows are every row within that distance,
    /// the lightest such edge (on the edge order, weight then rows) is among them.
    fn first_edge(&self, i: usize) -> Option<Edge> {
        let graph = self.graph;
        if !graph.complete[i] {
            return None;
        }
        let (own2, order, m) = (graph.core2[i], graph.tree.order(), graph.min_samples);
        let row = order[i];
        graph.neighbours[i * m..(i + 1) * m]
            .iter()
            .map(|&j| j as usize)
            .filter(|&j| j != i && graph.core2[j] <= own2)
            .map(|j| (own2.sqrt(), row.min(order[j]), row.max(order[j])))
            .min_by(|a, b| a.partial_cmp(b).expect("weights are not NaN"))
    }

    /// The lightest edge from the row at position `i` to a row of another component, unless
    /// the row's component is known to have a lighter one.
    #[inline(always)]
    fn nearest_other(&self, i: usize, scratch: &mut Scratch) -> Option<Edge> {
        let (graph, tree) = (self.graph, self.graph.tree);
        let c = self.comp[i];
        let shared = &self.bound[c];
        let limit = |own: f64| own.min(f64::from_bits(shared.load(Relaxed)));
        let own2 = graph.core2[i];
        if own2 > limit(f64::INFINITY) {
            return None;
        }
        graph.load(i, &mut scratch.point);
        let Scratch {
            point: p,
            distances,
            stack,
            ..
        } = scratch;
        let row = tree.order()[i];
        let lower_bound =
            |id: usize| larger(larger(tree.box_distance(id, p), own2), self.min_core2[id]);
        let mut best: Option<Edge> = None;
        // Squared weights above this one cannot beat `best`.
        let mut best2 = f64::INFINITY;
        stack.clear();
        stack.push((0, lower_bound(0)));
        while let Some((id, lb)) = stack.pop() {
            let mut hi = limit(best2);
            if lb > hi {
                continue;
            }
            let Some((l, r)) = tree.children(id) else {
                let span = tree.span(id);
                graph.squared_distances(p, span.clone(), distances);
                for (j, &d2) in span.zip(distances.iter()) {
                    let w2 = larger(larger(d2, own2), graph.core2[j]);
                    if w2 > hi || self.comp[j] == c {
                        continue;
                    }
                    let other = tree.order()[j];
                    let edge = (w2.sqrt(), row.min(other), row.max(other));
                    if best.is_none_or(|b| edge < b) {
                        best = Some(edge);
                        best2 = widest_square(edge.0);
                        hi = hi.min(best2);
                    }
                }
                continue;
            };
            let child = |id: usize| {
                if self.node_comp[id] == c {
                    return None;
                }
                let lb = lower_bound(id);
                (lb <= hi).then_some((id, lb))
            };
            // The nearer child is searched first, so that the bound falls sooner.
            match (child(l), child(r)) {
                (Some(a), Some(b)) if a.1 <= b.1 => stack.extend([b, a]),
                (Some(a), Some(b)) => stack.extend([a, b]),
                (Some(a), None) | (None, Some(a)) => stack.push(a),
                (None, None) => {}
            }
        }
        if best.is_some() {
            shared.fetch_min(best2.to_bits(), Relaxed);
        }
        best
    }
}

/// The larger of two numbers that are not NaN: one `max` instruction, where `f64::max` also
/// handles NaN.
#[inline(always)]
fn larger(a: f64, b: f64) -> f64 {
    if a > b { a } else { b }
}

/// Squared distance between two rows, summed in column order like
/// [`crate::matrix::distance_f64`], so that weights equal Prim's to the last bit.
#[inline(always)]
fn squared_distance(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for (x, y) in a.iter().zip(b) {
        let d = x - y;
        s += d * d;
    }
    s
}

/// The largest `s` whose square root is at most `w` (`w` itself if it is infinite): a squared
/// weight `w2` gives a weight above `w` exactly when `w2 > widest_square(w)`. Non-negative
/// floats order as their bits, so it can be kept as an [`AtomicU64`].
fn widest_square(w: f64) -> f64 {
    if !w.is_finite() {
        return w;
    }
    let mut s = w * w;
    while s.sqrt() > w {
        s = s.next_down();
    }
    while s.next_up().sqrt() <= w {
        s = s.next_up();
    }
    s
}

/// The edges of a spanning tree as `(from, to, weight)`, in the order Prim's algorithm
/// starting from row 0 adds them (ties to the smaller `to`), which is the order in which
/// [`crate::mst::prim`] returns the same tree.
fn prim_order(n: usize, edges: &[Edge]) -> Vec<(usize, usize, f64)> {
    let mut start = vec![0usize; n + 1];
    for &(_, a, b) in edges {
        start[a + 1] += 1;
        start[b + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut next = start.clone();
    let mut adjacent = vec![(0usize, 0.0f64); 2 * edges.len()];
    for &(w, a, b) in edges {
        adjacent[next[a]] = (b, w);
        next[a] += 1;
        adjacent[next[b]] = (a, w);
        next[b] += 1;
    }
    let mut done = vec![false; n];
    let mut out = Vec::with_capacity(edges.len());
    // Weights are non-negative, so their bits order as they do.
    let mut heap = BinaryHeap::new();
    let reach = |heap: &mut BinaryHeap<_>, done: &mut Vec<bool>, from: usize| {
        done[from] = true;
        for &(to, w) in &adjacent[start[from]..start[from + 1]] {
            if !done[to] {
                heap.push(Reverse((w.to_bits(), to, from)));
            }
        }
    };
    reach(&mut heap, &mut done, 0);
    while let Some(Reverse((w, to, from))) = heap.pop() {
        out.push((from, to, f64::from_bits(w)));
        reach(&mut heap, &mut done, to);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::make_blobs;
    use crate::matrix::{Matrix, distance_f64};
    use crate::mst::prim;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Prim's tree of the mutual reachability graph, as HDBSCAN computed it before.
    fn prim_tree(x: &Matrix<f64>, core: &[f64]) -> Vec<(usize, usize, f64)> {
        prim(x.rows(), |a, b| {
            distance_f64(x.row(a), x.row(b)).max(core[a]).max(core[b])
        })
    }

    /// The weights of a tree, sorted: every minimum spanning tree has the same.
    fn weights(edges: &[(usize, usize, f64)]) -> Vec<f64> {
        let mut w: Vec<f64> = edges.iter().map(|e| e.2).collect();
        w.sort_by(f64::total_cmp);
        w
    }

    /// Whether `edges` join rows `0..n` into one tree.
    fn spans(n: usize, edges: &[(usize, usize, f64)]) -> bool {
        let mut forest = UnionFind::new(n);
        edges.len() + 1 == n && edges.iter().all(|&(a, b, _)| forest.union(a, b))
    }

    #[test]
    fn core_distances_match_brute_force() {
        let centres = Matrix::from_rows(&[[0.0, 0.0], [3.0, 1.0]]).unwrap();
        let (x, _) = make_blobs(500, &centres, 1.0, 5).unwrap();
        // Duplicated rows and integer coordinates make ties.
        let mut data = x.as_slice().to_vec();
        data.extend_from_slice(&x.as_slice()[..80]);
        data.extend((0..200).map(|v| (v % 7) as f64));
        let x = Matrix::new(data, 640, 2).unwrap();
        let tree = KdTree::new(&x);
        for k in [1, 2, 5, 17, 640] {
            let core = MutualReachability::new(&tree, k).core_distances();
            for (i, &core) in core.iter().enumerate() {
                let mut all: Vec<f64> = (0..x.rows())
                    .map(|j| distance_f64(x.row(i), x.row(j)))
                    .collect();
                all.sort_by(f64::total_cmp);
                assert_eq!(core, all[k - 1], "row {i} k {k}");
            }
        }
    }

    #[test]
    fn a_minimum_spanning_tree_on_blobs() {
        let centres =
            Matrix::from_rows(&[[0.0, 0.0, 0.0], [4.0, 1.0, 0.0], [0.0, 5.0, 2.0]]).unwrap();
        let (x, _) = make_blobs(3_000, &centres, 1.0, 8).unwrap();
        let tree = KdTree::new(&x);
        for min_samples in [1, 5, 20] {
            let graph = MutualReachability::new(&tree, min_samples);
            let ours = graph.minimum_spanning_tree();
            assert!(spans(3_000, &ours), "min_samples {min_samples}");
            let prim = prim_tree(&x, &graph.core_distances());
            assert_eq!(weights(&ours), weights(&prim), "min_samples {min_samples}");
            // The first round read off the nearest rows gives the searched round's edges.
            assert_eq!(
                ours,
                graph.spanning_tree(false),
                "min_samples {min_samples}"
            );
            let total = |edges: &[(usize, usize, f64)]| edges.iter().map(|e| e.2).sum::<f64>();
            assert!((total(&ours) - total(&prim)).abs() <= 1e-12 * total(&prim));
        }
    }

    #[test]
    fn a_minimum_spanning_tree_on_integer_coordinates_with_ties() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        for (rows, cols, range) in [(300, 2, 6), (500, 3, 4), (200, 1, 30), (400, 4, 3)] {
            let data: Vec<f64> = (0..rows * cols)
                .map(|_| rng.random_range(0..range) as f64)
                .collect();
            let x = Matrix::new(data, rows, cols).unwrap();
            let tree = KdTree::new(&x);
            for min_samples in [1, 3, 10] {
                let graph = MutualReachability::new(&tree, min_samples);
                let ours = graph.minimum_spanning_tree();
                let what = format!("{rows} × {cols}, min_samples {min_samples}");
                assert!(spans(rows, &ours), "{what}");
                // Equal weights are computed identically, so they compare equal.
                let prim = prim_tree(&x, &graph.core_distances());
                assert_eq!(weights(&ours), weights(&prim), "{what}");
                assert_eq!(ours, graph.spanning_tree(false), "{what}");
            }
        }
    }

    #[test]
    fn prim_order_is_prims_own_order() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let data: Vec<f64> = (0..600).map(|_| rng.random_range(0..5) as f64).collect();
        let x = Matrix::new(data, 300, 2).unwrap();
        let tree = KdTree::new(&x);
        let prim = prim_tree(&x, &MutualReachability::new(&tree, 4).core_distances());
        let edges: Vec<Edge> = prim
            .iter()
            .map(|&(a, b, w)| (w, a.min(b), a.max(b)))
            .rev()
            .collect();
        assert_eq!(prim_order(300, &edges), prim);
    }

    #[test]
    fn same_tree_whatever_the_thread_count() {
        let centres = Matrix::from_rows(&[[0.0, 0.0], [3.0, 0.0]]).unwrap();
        let (x, _) = make_blobs(5_000, &centres, 1.0, 9).unwrap();
        let tree = KdTree::new(&x);
        let (one, two) = crate::test_support::one_and_two_threads(|| {
            let graph = MutualReachability::new(&tree, 10);
            (graph.core_distances(), graph.minimum_spanning_tree())
        });
        assert_eq!(one, two);
    }

    #[test]
    fn widest_square_is_the_last_square_with_that_root() {
        for w in [0.0, 1e-300, 0.5, 1.0, 2.0, 3.7, 1e10, f64::MAX.sqrt()] {
            let s = widest_square(w);
            assert!(s.sqrt() <= w, "{w}");
            assert!(s.next_up().sqrt() > w, "{w}");
        }
        assert_eq!(widest_square(f64::INFINITY), f64::INFINITY);
    }

    #[test]
    fn tiny_inputs() {
        let x = Matrix::new(vec![1.0f64, 1.0], 2, 1).unwrap();
        let tree = KdTree::new(&x);
        let graph = MutualReachability::new(&tree, 2);
        assert_eq!(graph.core_distances(), [0.0, 0.0]);
        assert_eq!(graph.minimum_spanning_tree(), [(0, 1, 0.0)]);
        let x = Matrix::new(vec![1.0f64], 1, 1).unwrap();
        let tree = KdTree::new(&x);
        assert_eq!(
            MutualReachability::new(&tree, 1).minimum_spanning_tree(),
            []
        );
    }
}
