//! Lloyd iterations: blocked nearest-centroid assignment and weighted centroid update.
//!
//! Rows are processed in groups of [`GROUP`] rows in parallel; each group's partial sums are
//! combined in group order, so results do not depend on the number of threads. Within a group,
//! [`ROWS`] rows at a time are compared with [`LANES`] centroids at a time (the distances sit in
//! registers), and the rows are added to their cluster's sums in the data's precision for
//! [`SUB`] rows at a time, then in `f64`. Where the processor has AVX2 and FMA (see
//! [`crate::simd`]), the kernel is written with their instructions ([`nearest_avx2`]): the
//! nearest centroid is found without leaving the registers, eight `f32` rows (four `f64` rows)
//! at a time. Elsewhere a portable version of the same loops runs.

use rayon::prelude::*;

use super::{Data, Iterations};
use crate::matrix::{Float, squared_distance};
use crate::simd::{self, Kernel, mul_add};
#[cfg(target_arch = "x86_64")]
use crate::simd::{Avx2, Lanes};

/// Rows per unit of parallel work and per partial sum.
pub(crate) const GROUP: usize = 4096;

/// A row's cluster as stored: `usize`, or `u32` in Lloyd's iterations, whose every pass reads
/// and writes the labels of all rows (half the bytes of `usize`).
pub(super) trait Label: Copy + Send + Sync {
    /// The cluster's index.
    fn index(self) -> usize;
}

impl Label for usize {
    #[inline(always)]
    fn index(self) -> usize {
        self
    }
}

impl Label for u32 {
    #[inline(always)]
    fn index(self) -> usize {
        self as usize
    }
}

/// Cluster `j`'s label in Lloyd's and Hamerly's iterations. `j` is below `k`, which is at most
/// the number of rows: 2³² − 1 clusters would not fit in memory.
#[inline(always)]
pub(super) fn label_of(j: usize) -> u32 {
    debug_assert!(j < u32::MAX as usize);
    j as u32
}

/// Weighted per-cluster sums of the rows assigned to each cluster.
#[derive(Clone)]
pub(super) struct Sums {
    /// `k × d` sums of `weight × row`.
    pub sums: Vec<f64>,
    /// Total weight per cluster.
    pub weights: Vec<f64>,
    /// Rows whose label changed.
    pub changed: usize,
}

impl Sums {
    pub(super) fn zeros(k: usize, d: usize) -> Self {
        Sums {
            sums: vec![0.0; k * d],
            weights: vec![0.0; k],
            changed: 0,
        }
    }

    /// Zero sums for `k` clusters of `d` features when `update`, else only a change count.
    pub(super) fn new(update: bool, k: usize, d: usize) -> Self {
        if update {
            Sums::zeros(k, d)
        } else {
            Sums::zeros(0, 0)
        }
    }

    /// The sums of per-block partial sums, added in block order so that the result does not
    /// depend on the thread count; only the change count when the centroids are not updated.
    pub(super) fn total(partials: &[Sums], k: usize, d: usize, update: bool) -> Sums {
        let mut total = Sums::new(update, k, d);
        for p in partials {
            total.merge(p);
        }
        total
    }

    /// Adds `weight × row` to cluster `j`'s sum and `weight` to its total weight, in `f64`.
    #[inline(always)]
    pub(super) fn add<F: Float>(&mut self, j: usize, row: &[F], weight: f64) {
        let d = row.len();
        self.weights[j] += weight;
        for (s, &v) in self.sums[j * d..(j + 1) * d].iter_mut().zip(row) {
            *s += weight * v.to_f64();
        }
    }

    /// Adds `other` to `self`, cluster by cluster.
    pub(super) fn merge(&mut self, other: &Sums) {
        self.sums
            .iter_mut()
            .zip(&other.sums)
            .for_each(|(a, b)| *a += b);
        self.weights
            .iter_mut()
            .zip(&other.weights)
            .for_each(|(a, b)| *a += b);
        self.changed += other.changed;
    }
}

/// Centroids per lane block of the assignment kernel.
pub(super) const LANES: usize = 8;
/// Rows compared with the centroids together, so that the processor works on several
/// independent chains of multiply–adds at once.
const ROWS: usize = 4;
/// Rows whose contributions to the cluster sums are added in the data's precision before the
/// partial sums are added to the group's `f64` sums.
const SUB: usize = 256;

/// `rows` (of `d` values) in blocks of [`LANES`] rows, feature by feature
/// (`[block][feature][lane]`), the last block padded with zeros: the layout in which the
/// kernels compute the distances from one row to [`LANES`] others in fixed-size lanes.
pub(super) fn lane_blocks<'a, F: Float>(
    rows: impl Iterator<Item = &'a [F]>,
    d: usize,
) -> Vec<[F; LANES]> {
    let mut blocks = Vec::new();
    for (j, row) in rows.enumerate() {
        if j % LANES == 0 {
            blocks.resize(blocks.len() + d, [F::ZERO; LANES]);
        }
        for (f, &v) in row.iter().enumerate() {
            blocks[(j / LANES) * d + f][j % LANES] = v;
        }
    }
    blocks
}

/// Centroids laid out for the assignment kernel: in blocks of [`LANES`] centroids, feature by
/// feature (`[block][feature][lane]`), padded with zero centroids of infinite norm that are
/// never nearest; and their squared norms.
pub(super) struct Prepared<F> {
    blocks: Vec<[F; LANES]>,
    norms: Vec<[F; LANES]>,
    d: usize,
}

impl<F: Float> Prepared<F> {
    pub(super) fn new(centers: &[F], k: usize, d: usize) -> Self {
        let mut norms = vec![[F::INFINITY; LANES]; k.div_ceil(LANES)];
        for (j, c) in centers.chunks_exact(d).enumerate() {
            norms[j / LANES][j % LANES] = c.iter().map(|&v| v * v).sum();
        }
        Prepared {
            blocks: lane_blocks(centers.chunks_exact(d), d),
            norms,
            d,
        }
    }

    /// Index of the centroid nearest to `row` (the first one on ties), comparing
    /// `‖c‖² − 2 x·c` as scikit-learn does. Each dot product is summed in feature order.
    #[inline]
    pub(super) fn nearest(&self, row: &[F]) -> usize {
        self.nearest_rows::<1, false>([row])[0]
    }

    /// [`Prepared::nearest`] for `R` rows of `d` values together.
    #[inline(always)]
    fn nearest_rows<const R: usize, const FMA: bool>(&self, rows: [&[F]; R]) -> [usize; R] {
        let d = self.d;
        let two = F::from_f64(2.0);
        let mut best = [0; R];
        let mut best_d = [F::INFINITY; R];
        for (b, (cols, norms)) in self.blocks.chunks_exact(d).zip(&self.norms).enumerate() {
            // Fixed-size lanes: the accumulators stay in registers and the loop vectorises.
            let mut acc = [[F::ZERO; LANES]; R];
            for r in 0..R {
                // Two accumulators (even and odd features) halve the chain of dependent
                // multiply–adds; their sum is added last.
                let mut even = [F::ZERO; LANES];
                let mut odd = [F::ZERO; LANES];
                let mut values = rows[r].chunks_exact(2);
                let mut centroids = cols.chunks_exact(2);
                for (v, c) in (&mut values).zip(&mut centroids) {
                    for l in 0..LANES {
                        even[l] = mul_add::<F, FMA>(v[0], c[0][l], even[l]);
                        odd[l] = mul_add::<F, FMA>(v[1], c[1][l], odd[l]);
                    }
                }
                if let (Some(&v), Some(c)) =
                    (values.remainder().first(), centroids.remainder().first())
                {
                    for l in 0..LANES {
                        even[l] = mul_add::<F, FMA>(v, c[l], even[l]);
                    }
                }
                for l in 0..LANES {
                    acc[r][l] = even[l] + odd[l];
                }
            }
            for r in 0..R {
                for l in 0..LANES {
                    let dist = norms[l] - two * acc[r][l];
                    if dist < best_d[r] {
                        best_d[r] = dist;
                        best[r] = b * LANES + l;
                    }
                }
            }
        }
        best
    }
}

/// One group's assignment: labels written, the number changed returned, and with `sums` the
/// rows' weighted sums added to them.
struct AssignGroup<'a, F> {
    prepared: &'a Prepared<F>,
    /// The group's rows, row-major.
    x: &'a [F],
    /// Their weights; `None` where every weight is one.
    w: Option<&'a [f64]>,
    labels: &'a mut [u32],
    sums: Option<&'a mut Sums>,
}

/// Writes each row's nearest centroid with `nearest(rows)` for `R` rows at a time (and
/// `nearest_one` for the last few), and returns the number of labels that changed.
#[inline(always)]
fn assign_labels<F: Float, const R: usize>(
    x: &[F],
    d: usize,
    labels: &mut [u32],
    mut nearest: impl FnMut(&[F]) -> [usize; R],
    mut nearest_one: impl FnMut(&[F]) -> usize,
) -> usize {
    let mut changed = 0;
    let done = labels.len() - labels.len() % R;
    for (rows, out) in x
        .chunks_exact(R * d)
        .zip(labels[..done].chunks_exact_mut(R))
    {
        for (label, b) in out.iter_mut().zip(nearest(rows)) {
            let b = label_of(b);
            changed += usize::from(*label != b);
            *label = b;
        }
    }
    for (row, label) in x[done * d..].chunks_exact(d).zip(&mut labels[done..]) {
        let b = label_of(nearest_one(row));
        changed += usize::from(*label != b);
        *label = b;
    }
    changed
}

impl<F: Float> Kernel for AssignGroup<'_, F> {
    type Output = usize;

    #[inline(always)]
    fn run<const FMA: bool>(self) -> usize {
        let AssignGroup {
            prepared,
            x,
            w,
            labels,
            sums,
        } = self;
        let d = prepared.d;
        let changed = assign_labels::<F, ROWS>(
            x,
            d,
            labels,
            |rows| {
                prepared
                    .nearest_rows::<ROWS, FMA>(std::array::from_fn(|r| &rows[r * d..(r + 1) * d]))
            },
            |row| prepared.nearest_rows::<1, FMA>([row])[0],
        );
        if let Some(sums) = sums {
            add_rows::<F, u32, FMA>(sums, x, w, labels);
        }
        changed
    }

    /// Through [`assign_avx2`], eight rows at a time for `f32` and four for `f64` (whose
    /// lanes take two registers).
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn run_avx2(self, avx2: Avx2) -> usize {
        let prepared = self.prepared;
        let (blocks, norms) = (
            prepared.blocks.as_flattened(),
            prepared.norms.as_flattened(),
        );
        if let (Some(x), Some(blocks), Some(norms)) =
            (F::as_f32s(self.x), F::as_f32s(blocks), F::as_f32s(norms))
        {
            assign_avx2::<F, f32, 8>(avx2, self, x, blocks, norms)
        } else if let (Some(x), Some(blocks), Some(norms)) =
            (F::as_f64s(self.x), F::as_f64s(blocks), F::as_f64s(norms))
        {
            assign_avx2::<F, f64, 4>(avx2, self, x, blocks, norms)
        } else {
            unreachable!("a Float is f32 or f64")
        }
    }
}

/// `group`'s assignment with AVX2 and FMA instructions written out, its rows, centroids and
/// norms given as `T` (the same values): [`nearest_avx2`] for `R` rows at a time, then
/// [`add_rows_avx2`].
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn assign_avx2<F: Float, T: Lanes, const R: usize>(
    avx2: Avx2,
    group: AssignGroup<'_, F>,
    x: &[T],
    blocks: &[T],
    norms: &[T],
) -> usize {
    let d = group.prepared.d;
    let (centroids, norms) = (blocks.as_chunks().0, norms.as_chunks().0);
    let changed = assign_labels::<T, R>(
        x,
        d,
        group.labels,
        |rows| nearest_avx2::<T, R>(avx2, centroids, norms, d, rows),
        |row| nearest_avx2::<T, 1>(avx2, centroids, norms, d, row)[0],
    );
    if let Some(sums) = group.sums {
        add_rows_avx2(avx2, sums, x, group.w, group.labels);
    }
    changed
}

/// [`Prepared::nearest_rows`] for `R` rows (row-major in `rows`) with AVX2 and FMA
/// instructions written out: per lane block, one chain of fused multiply–adds per row in
/// feature order, the running minimum per lane (value and block) kept in registers, and the
/// lanes reduced at the end, the lowest index winning ties. `centroids` and `norms` are
/// [`Prepared`]'s blocks.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn nearest_avx2<T: Lanes, const R: usize>(
    avx2: Avx2,
    centroids: &[[T; LANES]],
    norms: &[[T; LANES]],
    d: usize,
    rows: &[T],
) -> [usize; R] {
    let rows: [&[T]; R] = std::array::from_fn(|r| &rows[r * d..(r + 1) * d]);
    let two = T::splat(avx2, T::from_f64(2.0));
    let mut best = [T::splat(avx2, T::INFINITY); R];
    // The block of each lane's minimum, as a float (exact: blocks are few).
    let mut block = [T::splat(avx2, T::ZERO); R];
    for (b, (cols, norms)) in centroids.chunks_exact(d).zip(norms).enumerate() {
        let mut acc = [T::splat(avx2, T::ZERO); R];
        for (f, c) in cols.iter().enumerate() {
            let c = T::load(avx2, c);
            for r in 0..R {
                acc[r] = T::fmadd(avx2, T::splat(avx2, rows[r][f]), c, acc[r]);
            }
        }
        let norms = T::load(avx2, norms);
        let b = T::splat(avx2, T::from_f64(b as f64));
        for r in 0..R {
            let dist = T::fnmadd(avx2, two, acc[r], norms);
            let (min, nearer) = T::min_with_mask(avx2, dist, best[r]);
            best[r] = min;
            block[r] = T::select(avx2, nearer, b, block[r]);
        }
    }
    // Loops, not closures: a closure would be compiled without AVX2, and the instructions
    // called from it would not be inlined.
    let mut nearest = [0; R];
    for r in 0..R {
        let lanes = T::min_lanes(avx2, best[r]);
        nearest[r] = if norms.len() == 1 {
            lanes.trailing_zeros() as usize
        } else {
            let mut blocks = [T::ZERO; LANES];
            T::store(avx2, block[r], &mut blocks);
            (0..LANES)
                .filter(|&l| lanes & (1 << l) != 0)
                .map(|l| blocks[l].to_f64() as usize * LANES + l)
                .min()
                .expect("a smallest lane")
        };
    }
    nearest
}

/// Adds the rows `x` (row-major, weights `w`, all one where `None`) to the sums of their
/// clusters `labels`: in the data's precision for [`SUB`] rows at a time, then in `f64`.
#[inline(always)]
fn add_rows<F: Float, L: Label, const FMA: bool>(
    sums: &mut Sums,
    x: &[F],
    w: Option<&[f64]>,
    labels: &[L],
) {
    add_rows_with(sums, x, w, labels, |sum, row, weight| {
        for (s, &v) in sum.iter_mut().zip(row) {
            *s = mul_add::<F, FMA>(weight, v, *s);
        }
    });
}

/// [`add_rows`] with AVX2 and FMA instructions written out, eight features at a time.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn add_rows_avx2<T: Lanes, L: Label>(
    avx2: Avx2,
    sums: &mut Sums,
    x: &[T],
    w: Option<&[f64]>,
    labels: &[L],
) {
    add_rows_with(sums, x, w, labels, |sum, row, weight| {
        let (sum8, sum_rest) = sum.as_chunks_mut::<8>();
        let (row8, row_rest) = row.as_chunks::<8>();
        let weight8 = T::splat(avx2, weight);
        for (s, v) in sum8.iter_mut().zip(row8) {
            let added = T::fmadd(avx2, weight8, T::load(avx2, v), T::load(avx2, s));
            T::store(avx2, added, s);
        }
        for (s, &v) in sum_rest.iter_mut().zip(row_rest) {
            *s = weight.mul_add(v, *s);
        }
    });
}

/// The loop of [`add_rows`], with `add(sum, row, weight)` adding a row to its cluster's sum.
/// Unit weights are not read: a row is added with weight one, which gives the same sums to
/// the last bit as reading ones.
#[inline(always)]
fn add_rows_with<F: Float, L: Label>(
    sums: &mut Sums,
    x: &[F],
    w: Option<&[f64]>,
    labels: &[L],
    mut add: impl FnMut(&mut [F], &[F], F),
) {
    let d = x.len() / labels.len().max(1);
    let k = sums.weights.len();
    let mut local = vec![F::ZERO; k * d];
    for (c, (x, labels)) in x.chunks(SUB * d).zip(labels.chunks(SUB)).enumerate() {
        let rows = x.chunks_exact(d).zip(labels);
        let mut add_row = |row: &[F], label: L, weight: f64| {
            let label = label.index();
            sums.weights[label] += weight;
            add(
                &mut local[label * d..(label + 1) * d],
                row,
                F::from_f64(weight),
            );
        };
        match w {
            Some(w) => {
                for ((row, &label), &weight) in rows.zip(&w[c * SUB..]) {
                    add_row(row, label, weight);
                }
            }
            None => {
                for (row, &label) in rows {
                    add_row(row, label, 1.0);
                }
            }
        }
        for (total, part) in sums.sums.iter_mut().zip(local.iter_mut()) {
            *total += part.to_f64();
            *part = F::ZERO;
        }
    }
}

/// [`add_rows`] as a kernel, for the Elkan iterations.
pub(super) struct AddRows<'a, F, L> {
    /// The sums to add to.
    pub sums: &'a mut Sums,
    /// Rows, row-major.
    pub x: &'a [F],
    /// Their weights; `None` where every weight is one.
    pub w: Option<&'a [f64]>,
    /// Their clusters.
    pub labels: &'a [L],
}

impl<F: Float, L: Label> Kernel for AddRows<'_, F, L> {
    type Output = ();

    #[inline(always)]
    fn run<const FMA: bool>(self) {
        add_rows::<F, L, FMA>(self.sums, self.x, self.w, self.labels);
    }
}

/// Assigns every row to its nearest centroid (writing `labels`) and, when `update`, returns the
/// weighted sums for the next centroids. `Sums::changed` counts labels that changed.
pub(super) fn assign<F: Float>(
    data: &Data<F>,
    centers: &[F],
    labels: &mut [u32],
    update: bool,
) -> Sums {
    let (k, d) = (centers.len() / data.d, data.d);
    let prepared = Prepared::new(centers, k, d);
    let partials: Vec<Sums> = labels
        .par_chunks_mut(GROUP)
        .enumerate()
        .map(|(g, labels)| {
            let (start, end) = (g * GROUP, g * GROUP + labels.len());
            let mut sums = Sums::new(update, k, d);
            sums.changed = simd::run(AssignGroup {
                prepared: &prepared,
                x: &data.x[start * d..end * d],
                w: data.weights(start, end),
                labels,
                sums: update.then_some(&mut sums),
            });
            sums
        })
        .collect();
    Sums::total(&partials, k, d, update)
}

/// The next centroids from the weighted sums: empty clusters are first moved to the rows
/// farthest from their current centroid (as scikit-learn does), then sums are divided by
/// weights. Returns the new centroids and how far each centroid moved.
pub(super) fn update_centers<F: Float, L: Label>(
    data: &Data<F>,
    old: &[F],
    labels: &[L],
    mut sums: Sums,
) -> (Vec<F>, Vec<F>) {
    let d = data.d;
    let k = old.len() / d;
    let empty: Vec<usize> = (0..k).filter(|&j| sums.weights[j] == 0.0).collect();
    if !empty.is_empty() {
        let dist: Vec<F> = labels
            .par_iter()
            .enumerate()
            .map(|(i, &l)| {
                let l = l.index();
                squared_distance(data.row(i), &old[l * d..(l + 1) * d])
            })
            .collect();
        let mut order: Vec<usize> = (0..data.n).collect();
        // Farthest first; ties by row order. `dist` holds no NaN (finite inputs).
        order.sort_by(|&a, &b| {
            dist[b]
                .partial_cmp(&dist[a])
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        for (&new, &far) in empty.iter().zip(&order) {
            let w = data.w[far];
            let row = data.row(far);
            sums.add(labels[far].index(), row, -w);
            for (s, &v) in sums.sums[new * d..(new + 1) * d].iter_mut().zip(row) {
                *s = v.to_f64() * w;
            }
            sums.weights[new] = w;
        }
    }
    let mut centers = old.to_vec();
    let mut shift = vec![F::ZERO; k];
    for j in 0..k {
        // A cluster whose rows all weigh zero keeps its centroid.
        if sums.weights[j] > 0.0 {
            let inv = 1.0 / sums.weights[j];
            for f in 0..d {
                centers[j * d + f] = F::from_f64(sums.sums[j * d + f] * inv);
            }
        }
        shift[j] = squared_distance(&old[j * d..(j + 1) * d], &centers[j * d..(j + 1) * d]).sqrt();
    }
    (centers, shift)
}

/// Weighted sum of squared distances from each row to its centroid, in `f64`, in group order.
pub(super) fn inertia<F: Float>(data: &Data<F>, centers: &[F], labels: &[usize]) -> f64 {
    let d = data.d;
    sum_in_groups(labels, |i, l| {
        data.w[i] * squared_distance(data.row(i), &centers[l * d..(l + 1) * d]).to_f64()
    })
}

/// The sum of `value(row, label)` over every row's label, as partial sums per group of
/// [`GROUP`] rows added in group order: the same total whatever the number of threads.
pub(crate) fn sum_in_groups(labels: &[usize], value: impl Fn(usize, usize) -> f64 + Sync) -> f64 {
    let partials: Vec<f64> = labels
        .par_chunks(GROUP)
        .enumerate()
        .map(|(g, labels)| {
            let start = g * GROUP;
            labels
                .iter()
                .enumerate()
                .map(|(r, &l)| value(start + r, l))
                .sum::<f64>()
        })
        .collect();
    partials.iter().sum()
}

/// Lloyd's iterations: every row against every centroid.
pub(super) struct Lloyd {
    labels: Vec<u32>,
}

impl Lloyd {
    pub(super) fn new(n: usize) -> Self {
        Lloyd {
            // No cluster yet: every label changes in the first pass.
            labels: vec![u32::MAX; n],
        }
    }
}

impl<F: Float> Iterations<F> for Lloyd {
    type Label = u32;

    fn assign(&mut self, data: &Data<F>, centers: &[F]) -> Sums {
        assign(data, centers, &mut self.labels, true)
    }

    fn moved(&mut self, _centers: &[F], _shift: &[F]) {}

    fn relabel(&mut self, data: &Data<F>, centers: &[F]) {
        assign(data, centers, &mut self.labels, false);
    }

    fn labels(&self) -> &[u32] {
        &self.labels
    }

    fn into_labels(self) -> Vec<usize> {
        self.labels.into_iter().map(u32::index).collect()
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::test_support::integer_problem;

    /// The assignment through [`simd::run`] (the hand-written AVX2 kernel for `f32` where the
    /// processor has it) and through the portable kernel give the same labels and sums. The
    /// values are small integers, so every distance and sum is exact and the two must agree
    /// bit for bit, ties included: the first and last centroids are equal, and the lowest
    /// index must win. The weights are small integers, then all one, which the fast kernel
    /// does not read.
    #[test]
    fn every_kernel_finds_the_same_labels_and_sums() {
        same_labels_and_sums::<f32>();
        same_labels_and_sums::<f64>();
    }

    fn same_labels_and_sums<F: Float>() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for (n, d, k) in [(5000, 16, 8), (4101, 5, 11), (37, 3, 3), (9000, 9, 20)] {
            let (x, centers, weights) = integer_problem::<F>(&mut rng, n, d, k);
            for w in [weights, vec![1.0; n]] {
                same_as_portable(&x, &w, &centers, n, d, k);
            }
        }
    }

    /// The assignment of `x` (weights `w`) to `centers` through [`simd::run`] against the
    /// portable kernel's, the weights given to it even where they are all one (which
    /// [`assign`] then does not read).
    fn same_as_portable<F: Float>(x: &[F], w: &[f64], centers: &[F], n: usize, d: usize, k: usize) {
        let data = Data::new(x, w, d);
        assert_eq!(data.unit_weights, w.iter().all(|&v| v == 1.0));
        let mut labels = vec![u32::MAX; n];
        let sums = assign(&data, centers, &mut labels, true);

        let prepared = Prepared::new(centers, k, d);
        let mut expected_labels = vec![u32::MAX; n];
        let mut expected = Sums::zeros(k, d);
        for (g, group) in expected_labels.chunks_mut(GROUP).enumerate() {
            let (start, end) = (g * GROUP, g * GROUP + group.len());
            let mut part = Sums::zeros(k, d);
            part.changed = AssignGroup {
                prepared: &prepared,
                x: &x[start * d..end * d],
                w: Some(&w[start..end]),
                labels: group,
                sums: Some(&mut part),
            }
            .run::<false>();
            expected.merge(&part);
        }
        if let Some(i) = (0..n).find(|&i| labels[i] != expected_labels[i]) {
            panic!(
                "n {n} d {d} k {k}: row {i} is in cluster {} by simd::run, {} by the \
                 portable kernel",
                labels[i], expected_labels[i]
            );
        }
        assert!(
            !labels.contains(&label_of(k - 1)),
            "the tie goes to the first centroid"
        );
        assert_eq!(sums.sums, expected.sums, "n {n} d {d} k {k}");
        assert_eq!(sums.weights, expected.weights);
        assert_eq!(sums.changed, n);
    }
}
