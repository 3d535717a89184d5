//! Hamerly's accelerated k-means (Hamerly 2010): the same iterations as Lloyd's, with one
//! upper bound per row (on the distance to its centroid) and one lower bound (on the distance
//! to every other centroid). A row whose upper bound is below both its lower bound and half
//! the distance from its centroid to the nearest other one cannot change cluster, and is
//! skipped without reading it; the cluster sums change only by the rows that move.
//!
//! Memory: a `u32` label and two bounds in the data's precision per row, 12 bytes for `f32`
//! data. Once most rows have settled, an iteration is a pass over these 12 bytes a row
//! instead of a pass over the data.
//!
//! A pass over a group of rows works in three steps, so that the rows it must read are read
//! together: the bounds of every row are loosened by the centroids' last moves and tested;
//! the rows that fail are read, and their exact distance to their own centroid tightens the
//! upper bound and is tested again; the rows that still fail are compared with every centroid,
//! several rows at a time, which gives both bounds exactly and the row's new cluster.
//!
//! Bounds are computed and loosened in the data's precision and rounded outwards (the upper
//! bound up, the lower bound and the half distances down) by more than the rounding error of
//! the operations, so that a skipped row is one whose cluster cannot change.

use rayon::prelude::*;

use super::elkan::half_distances;
use super::lloyd::{GROUP, LANES, Label, Sums, label_of, lane_blocks};
use super::{Data, Iterations};
use crate::matrix::{Float, squared_distance};
use crate::simd::{self, Kernel, mul_add};
#[cfg(target_arch = "x86_64")]
use crate::simd::{Avx2, Lanes, prefetch, transpose};

/// What a pass needs to know of the centroids.
struct Centroids<'a, F> {
    /// The centroids, row-major.
    centers: &'a [F],
    /// The centroids in blocks of [`LANES`], feature by feature (zero-padded).
    lanes: Vec<[F; LANES]>,
    /// Per centroid, how far it moved in the last update (which loosens the upper bound of its
    /// rows) and the largest move of every other centroid (which loosens their lower bound).
    shift: &'a [F],
    others: Vec<F>,
    /// Half the distance from each centroid to its nearest other, rounded down.
    half: Vec<F>,
    /// Factors that round a bound outwards after an operation: `1 + 4ε` and `1 − 4ε`.
    up: F,
    down: F,
    /// Factors that round a computed distance outwards: `1 ± (d + 2)ε` (a squared distance of
    /// `d` terms, then a square root).
    computed_up: F,
    computed_down: F,
}

impl<'a, F: Float> Centroids<'a, F> {
    fn new(centers: &'a [F], shift: &'a [F], d: usize) -> Self {
        let k = centers.len() / d;
        let one = F::from_f64(1.0);
        let step = F::from_f64(4.0) * F::EPSILON;
        let computed = distance_error::<F>(d);
        Centroids {
            centers,
            lanes: lane_blocks(centers.chunks_exact(d), d),
            shift,
            others: largest_other(shift),
            half: half_distances(centers, k, d)
                .1
                .into_iter()
                .map(|h| h * (one - computed))
                .collect(),
            up: one + step,
            down: one - step,
            computed_up: one + computed,
            computed_down: one - computed,
        }
    }
}

/// `(d + 2)ε`, more than the relative rounding error of a distance computed in `F` as the square
/// root of the sum of the squares of `d` differences.
fn distance_error<F: Float>(d: usize) -> F {
    F::from_f64((d + 2) as f64) * F::EPSILON
}

/// For each centroid, the largest of the other centroids' moves.
fn largest_other<F: Float>(shift: &[F]) -> Vec<F> {
    let mut largest = (usize::MAX, F::ZERO);
    let mut second = F::ZERO;
    for (j, &s) in shift.iter().enumerate() {
        if s > largest.1 {
            second = largest.1;
            largest = (j, s);
        } else if s > second {
            second = s;
        }
    }
    (0..shift.len())
        .map(|j| if j == largest.0 { second } else { largest.1 })
        .collect()
}

/// Every row's cluster (`u32::MAX` before the first pass), an upper bound on the distance to
/// that cluster's centroid, and a lower bound on the distance to any other.
struct Bounds<F> {
    labels: Vec<u32>,
    upper: Vec<F>,
    lower: Vec<F>,
}

/// One pass over a group of rows; returns the changes to the cluster sums (`Sums::changed`
/// counts the rows that moved).
struct Pass<'a, F> {
    centroids: &'a Centroids<'a, F>,
    /// The group's rows, row-major.
    x: &'a [F],
    /// Their weights; `None` where every weight is one.
    w: Option<&'a [f64]>,
    labels: &'a mut [u32],
    upper: &'a mut [F],
    lower: &'a mut [F],
    /// Whether to return the changes of the sums (not for the final labelling).
    update: bool,
}

impl<F: Float> Kernel for Pass<'_, F> {
    type Output = Sums;

    #[inline(always)]
    fn run<const FMA: bool>(self) -> Sums {
        let c = self.centroids;
        // Eight `f32` lanes make one AVX2 register and eight `f64` lanes two: as many rows at
        // a time as keep the accumulators in registers.
        if size_of::<F>() == 4 {
            self.steps(|_, _, _, _| 0, |rows| two_nearest::<F, FMA, 8>(c, rows))
        } else {
            self.steps(|_, _, _, _| 0, |rows| two_nearest::<F, FMA, 4>(c, rows))
        }
    }

    /// The bounds of eight rows at a time tested with vector instructions ([`sweep_avx2`]).
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn run_avx2(self, avx2: Avx2) -> Sums {
        let (c, x) = (self.centroids, self.x);
        if let (Some(tables), Some(lanes)) =
            (c.tables(F::as_f32s), F::as_f32s(c.lanes.as_flattened()))
        {
            let lanes = lanes.as_chunks::<LANES>().0;
            let k = c.half.len();
            self.steps(
                #[inline(always)]
                |labels, upper, lower, check| match (F::as_f32s_mut(upper), F::as_f32s_mut(lower)) {
                    (Some(upper), Some(lower)) => {
                        sweep_avx2(avx2, &tables, x, labels, upper, lower, check)
                    }
                    _ => 0,
                },
                |rows: [&[F]; 8]| {
                    let rows = rows.map(|row| F::as_f32s(row).unwrap_or_default());
                    let (best, first, second) = two_nearest_avx2(avx2, lanes, k, rows);
                    std::array::from_fn(|i| {
                        let [first, second] = [first[i], second[i]].map(|v| F::from_f64(v.into()));
                        (best[i] as usize, first, second)
                    })
                },
            )
        } else if let Some(tables) = c.tables(F::as_f64s) {
            self.steps(
                #[inline(always)]
                |labels, upper, lower, check| match (F::as_f64s_mut(upper), F::as_f64s_mut(lower)) {
                    (Some(upper), Some(lower)) => {
                        sweep_avx2(avx2, &tables, x, labels, upper, lower, check)
                    }
                    _ => 0,
                },
                |rows| two_nearest::<F, true, 4>(c, rows),
            )
        } else {
            unreachable!("a Float is f32 or f64")
        }
    }
}

impl<F: Float> Pass<'_, F> {
    /// The three steps of the pass. `sweep(labels, upper, lower, check)` may loosen and test
    /// the bounds of the first rows in bulk, pushing the rows that fail to `check`, and
    /// returns how many rows it did; `nearest(rows)` finds the nearest centroid of `R` rows and
    /// their squared distances to the nearest and the second nearest, as [`two_nearest`] does.
    #[inline(always)]
    fn steps<const R: usize>(
        self,
        sweep: impl FnOnce(&[u32], &mut [F], &mut [F], &mut Vec<usize>) -> usize,
        mut nearest: impl FnMut([&[F]; R]) -> [(usize, F, F); R],
    ) -> Sums {
        let Pass {
            centroids: c,
            x,
            w,
            labels,
            upper,
            lower,
            update,
        } = self;
        let (k, d) = (c.half.len(), x.len() / labels.len());
        let row = |r: usize| &x[r * d..(r + 1) * d];

        let full = if labels.first() == Some(&u32::MAX) {
            // The first pass: no row has a cluster yet (a pass gives every row one).
            (0..labels.len()).collect()
        } else {
            // The bounds alone: rows that may have changed cluster.
            let mut check = Vec::new();
            let done = sweep(labels, upper, lower, &mut check);
            for r in done..labels.len() {
                let j = labels[r] as usize;
                upper[r] = (upper[r] + c.shift[j]) * c.up;
                lower[r] = (lower[r] - c.others[j]) * c.down;
                if upper[r] > max(c.half[j], lower[r]) {
                    check.push(r);
                }
            }
            if k <= LANES {
                // Comparing a row with its centroid would cost almost as much as comparing it
                // with every centroid (one block of lanes).
                check
            } else {
                // Their exact distance to their centroid: rows that may still have changed.
                let mut full = Vec::with_capacity(check.len());
                for r in check {
                    let j = labels[r] as usize;
                    let centroid = &c.centers[j * d..(j + 1) * d];
                    upper[r] = squared_distance(row(r), centroid).sqrt() * c.computed_up;
                    if upper[r] > max(c.half[j], lower[r]) {
                        full.push(r);
                    }
                }
                full
            }
        };
        // Every centroid, `R` rows at a time (the last row repeated to fill the last batch).
        let mut delta = Sums::new(update, k, d);
        for batch in full.chunks(R) {
            let nearest = nearest(std::array::from_fn(|i| row(batch[i.min(batch.len() - 1)])));
            // The square roots of the batch together, in one vector instruction.
            let bounds: [(F, F); R] = std::array::from_fn(|i| {
                let (_, first, second) = nearest[i];
                (
                    first.sqrt() * c.computed_up,
                    second.sqrt() * c.computed_down,
                )
            });
            for ((&r, &(best, _, _)), &(u, l)) in batch.iter().zip(&nearest).zip(&bounds) {
                upper[r] = u;
                lower[r] = l;
                let (old, new) = (labels[r], label_of(best));
                if new == old {
                    continue;
                }
                labels[r] = new;
                delta.changed += 1;
                if update {
                    let weight = w.map_or(1.0, |w| w[r]);
                    if old != u32::MAX {
                        delta.add(old as usize, row(r), -weight);
                    }
                    delta.add(best, row(r), weight);
                }
            }
        }
        delta
    }
}

/// The per-centroid values with which the bounds are loosened and tested, as `T`.
#[cfg(target_arch = "x86_64")]
struct Tables<'a, T> {
    shift: &'a [T],
    others: &'a [T],
    half: &'a [T],
    up: T,
    down: T,
}

#[cfg(target_arch = "x86_64")]
impl<F: Float> Centroids<'_, F> {
    /// The tables as `T`, when `cast` (`F::as_f32s` or `F::as_f64s`) finds that `F` is `T`.
    fn tables<'s, T: Float>(
        &'s self,
        cast: impl Fn(&'s [F]) -> Option<&'s [T]>,
    ) -> Option<Tables<'s, T>> {
        Some(Tables {
            shift: cast(self.shift)?,
            others: cast(&self.others)?,
            half: cast(&self.half)?,
            up: T::from_f64(self.up.to_f64()),
            down: T::from_f64(self.down.to_f64()),
        })
    }
}

/// [`Pass::steps`]'s first step for eight rows at a time with AVX2 instructions: the centroids'
/// values looked up by label (in registers with at most eight centroids, else gathered), the
/// bounds loosened, stored and compared as vectors. Returns the
/// number of rows done (a multiple of eight). The rows that fail are prefetched from `x`
/// (the group's rows), which the next step reads.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn sweep_avx2<T: Lanes, F>(
    avx2: Avx2,
    c: &Tables<'_, T>,
    x: &[F],
    labels: &[u32],
    upper: &mut [T],
    lower: &mut [T],
    check: &mut Vec<usize>,
) -> usize {
    let d = x.len() / labels.len();
    let (up, down) = (T::splat(avx2, c.up), T::splat(avx2, c.down));
    let (labels8, _) = labels.as_chunks::<8>();
    let (upper8, _) = upper.as_chunks_mut::<8>();
    let (lower8, _) = lower.as_chunks_mut::<8>();
    // With at most eight centroids, the tables fit in registers: looked up, not gathered.
    let in_lanes = (c.shift.len() <= 8).then(|| {
        [c.shift, c.others, c.half].map(|t| {
            let mut lanes = [T::ZERO; 8];
            lanes[..t.len()].copy_from_slice(t);
            T::load(avx2, &lanes)
        })
    });
    for (b, ((j, u), l)) in labels8.iter().zip(upper8).zip(lower8).enumerate() {
        let [shift, others, half] = match in_lanes {
            Some(tables) => tables.map(|t| T::lookup(avx2, t, j)),
            None => [c.shift, c.others, c.half].map(|t| T::gather(avx2, t, j)),
        };
        let new_u = T::product(avx2, T::plus(avx2, T::load(avx2, u), shift), up);
        let new_l = T::product(avx2, T::difference(avx2, T::load(avx2, l), others), down);
        T::store(avx2, new_u, u);
        T::store(avx2, new_l, l);
        let mut fail = T::greater_lanes(avx2, new_u, T::max(avx2, half, new_l));
        while fail != 0 {
            let r = b * 8 + fail.trailing_zeros() as usize;
            prefetch(avx2, &x[r * d..(r + 1) * d]);
            check.push(r);
            fail &= fail - 1;
        }
    }
    labels8.len() * 8
}

/// The larger of `a` and `b`.
#[inline(always)]
fn max<F: Float>(a: F, b: F) -> F {
    if a > b { a } else { b }
}

/// The nearest centroid of each of the `R` rows (the first on ties) and the squared distances
/// to the nearest and the second nearest (infinite when `k` is 1).
#[inline(always)]
fn two_nearest<F: Float, const FMA: bool, const R: usize>(
    c: &Centroids<'_, F>,
    rows: [&[F]; R],
) -> [(usize, F, F); R] {
    let (k, d) = (c.half.len(), rows[0].len());
    let blocks = c.lanes.len() / d;
    let mut dist = [[F::ZERO; LANES]; R].map(|b| vec![b; blocks]);
    for (b, cols) in c.lanes.chunks_exact(d).enumerate() {
        let mut acc = [[F::ZERO; LANES]; R];
        for (f, c) in cols.iter().enumerate() {
            for r in 0..R {
                let v = rows[r][f];
                for l in 0..LANES {
                    let diff = v - c[l];
                    acc[r][l] = mul_add::<F, FMA>(diff, diff, acc[r][l]);
                }
            }
        }
        for (dist, acc) in dist.iter_mut().zip(acc) {
            dist[b] = acc;
        }
    }
    dist.map(|dist| two_smallest(&dist.as_flattened()[..k]))
}

/// [`two_nearest`] for eight `f32` rows with AVX2 instructions: per block of eight centroids,
/// the rows' squared distances in eight registers (one row each), transposed so that each
/// register holds one centroid's distances to the eight rows; the nearest and second nearest
/// are then kept per row in the lanes, centroid after centroid. Returns the nearest centroids,
/// the squared distances to them and to the second nearest.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn two_nearest_avx2(
    avx2: Avx2,
    lanes: &[[f32; LANES]],
    k: usize,
    rows: [&[f32]; 8],
) -> ([u32; 8], [f32; 8], [f32; 8]) {
    let d = rows[0].len();
    let mut first = f32::splat(avx2, f32::INFINITY);
    let mut second = first;
    let mut best = f32::splat(avx2, 0.0);
    for (b, cols) in lanes.chunks_exact(d).enumerate() {
        let mut acc = [f32::splat(avx2, 0.0); 8];
        for (f, c) in cols.iter().enumerate() {
            let c = f32::load(avx2, c);
            for r in 0..8 {
                let diff = f32::difference(avx2, f32::splat(avx2, rows[r][f]), c);
                acc[r] = f32::fmadd(avx2, diff, diff, acc[r]);
            }
        }
        let by_centroid = transpose(avx2, acc);
        for (l, &v) in by_centroid.iter().enumerate().take(k - b * LANES) {
            second = f32::min_with_mask(avx2, <f32 as Lanes>::max(avx2, first, v), second).0;
            let (nearer, mask) = f32::min_with_mask(avx2, v, first);
            first = nearer;
            best = f32::select(avx2, mask, f32::splat(avx2, (b * LANES + l) as f32), best);
        }
    }
    let mut out = [[0.0; 8]; 3];
    for (o, v) in out.iter_mut().zip([best, first, second]) {
        f32::store(avx2, v, o);
    }
    // Centroid indices are exact as `f32` (k is far below 2²⁴).
    (out[0].map(|j| j as u32), out[1], out[2])
}

/// The index of the smallest of `values` (the first on ties), the smallest and the second
/// smallest (infinite when there is one value). Without branches: which value is smallest
/// cannot be predicted.
#[inline(always)]
fn two_smallest<F: Float>(values: &[F]) -> (usize, F, F) {
    let (mut best, mut first, mut second) = (0, F::INFINITY, F::INFINITY);
    for (j, &v) in values.iter().enumerate() {
        second = min(second, max(first, v));
        best = if v < first { j } else { best };
        first = min(first, v);
    }
    (best, first, second)
}

/// The smaller of `a` and `b`.
#[inline(always)]
fn min<F: Float>(a: F, b: F) -> F {
    if a < b { a } else { b }
}

/// One pass over every row, in groups whose changes are added in group order.
fn pass<F: Float>(
    data: &Data<F>,
    centers: &[F],
    shift: &[F],
    b: &mut Bounds<F>,
    update: bool,
) -> Sums {
    let (k, d) = (centers.len() / data.d, data.d);
    let centroids = Centroids::new(centers, shift, d);
    let partials: Vec<Sums> = b
        .labels
        .par_chunks_mut(GROUP)
        .zip(b.upper.par_chunks_mut(GROUP))
        .zip(b.lower.par_chunks_mut(GROUP))
        .enumerate()
        .map(|(g, ((labels, upper), lower))| {
            let (start, end) = (g * GROUP, g * GROUP + labels.len());
            simd::run(Pass {
                centroids: &centroids,
                x: &data.x[start * d..end * d],
                w: data.weights(start, end),
                labels,
                upper,
                lower,
                update,
            })
        })
        .collect();
    Sums::total(&partials, k, d, update)
}

/// Hamerly's iterations: the bounds, the cluster sums kept up to date by the rows that move,
/// and the centroids' last moves.
pub(super) struct Hamerly<F> {
    bounds: Bounds<F>,
    sums: Sums,
    shift: Vec<F>,
}

impl<F: Float> Hamerly<F> {
    pub(super) fn new(n: usize, k: usize, d: usize) -> Self {
        Hamerly {
            bounds: Bounds {
                labels: vec![u32::MAX; n],
                upper: vec![F::INFINITY; n],
                lower: vec![F::ZERO; n],
            },
            sums: Sums::zeros(k, d),
            shift: vec![F::ZERO; k],
        }
    }
}

impl<F: Float> Iterations<F> for Hamerly<F> {
    type Label = u32;

    fn assign(&mut self, data: &Data<F>, centers: &[F]) -> Sums {
        let delta = pass(data, centers, &self.shift, &mut self.bounds, true);
        self.sums.merge(&delta);
        Sums {
            changed: delta.changed,
            ..self.sums.clone()
        }
    }

    fn moved(&mut self, centers: &[F], shift: &[F]) {
        // Each move was computed in `F` from its differences; rounded up, it bounds the true one.
        let up = F::from_f64(1.0) + distance_error::<F>(centers.len() / shift.len());
        for (s, &m) in self.shift.iter_mut().zip(shift) {
            *s = m * up;
        }
    }

    fn relabel(&mut self, data: &Data<F>, centers: &[F]) {
        pass(data, centers, &self.shift, &mut self.bounds, false);
    }

    fn labels(&self) -> &[u32] {
        &self.bounds.labels
    }

    fn into_labels(self) -> Vec<usize> {
        self.bounds.labels.into_iter().map(u32::index).collect()
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::test_support::integer_problem;

    /// Passes through [`simd::run`] (the AVX2 sweep where the processor has it) and through
    /// the portable kernel give the same labels, bounds and sums, bit for bit. The values are
    /// small integers, so that every squared distance is exact; ties (the first and last
    /// centroids are equal) must go to the lowest index. The second pass follows a move of
    /// the centroids, so that bounds are loosened, some rows skipped and some checked.
    #[test]
    fn every_kernel_gives_the_same_passes() {
        same_passes::<f32>();
        same_passes::<f64>();
    }

    fn same_passes<F: Float>() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        for (n, d, k) in [(5000, 16, 8), (4101, 5, 11), (37, 3, 3), (9000, 9, 20)] {
            let (x, centers, weights) = integer_problem::<F>(&mut rng, n, d, k);
            let moves: Vec<F> = (0..k * d)
                .map(|_| F::from_f64(f64::from(rng.random_range(-1..=1))))
                .collect();
            for w in [weights, vec![1.0; n]] {
                let data = Data::new(&x, &w, d);
                let mut fast = Hamerly::new(n, k, d);
                let mut portable = Hamerly::new(n, k, d);
                let mut centers = centers.clone();
                for step in 0..3 {
                    let a = fast.assign(&data, &centers);
                    let b = portable_assign(&mut portable, &data, &centers);
                    let what = format!("n {n} d {d} k {k}, pass {step}");
                    assert_eq!(fast.bounds.labels, portable.bounds.labels, "{what}");
                    assert_eq!(fast.bounds.upper, portable.bounds.upper, "{what}");
                    assert_eq!(fast.bounds.lower, portable.bounds.lower, "{what}");
                    assert_eq!(
                        (a.sums, a.weights, a.changed),
                        (b.sums, b.weights, b.changed)
                    );
                    if step == 0 {
                        assert_eq!(a.changed, n, "{what}: every row gets a cluster");
                        assert!(
                            !fast.bounds.labels.contains(&label_of(k - 1)),
                            "{what}: the tie goes to the first centroid"
                        );
                    }
                    // Move every centroid by at most one in each feature.
                    let shift: Vec<F> = centers
                        .chunks_exact_mut(d)
                        .zip(moves.chunks_exact(d))
                        .map(|(c, m)| {
                            c.iter_mut().zip(m).for_each(|(v, &m)| *v += m);
                            m.iter().map(|&m| m * m).sum::<F>().sqrt()
                        })
                        .collect();
                    fast.moved(&centers, &shift);
                    portable.moved(&centers, &shift);
                }
            }
        }
    }

    /// After every pass, each row's upper bound is at least its distance to its centroid and
    /// its lower bound at most its distance to any other, both computed exactly (in `f64`,
    /// from the `f32` values). The centroids move between passes, as an update moves them, so
    /// that bounds are loosened as well as computed; the data sit away from the origin.
    #[test]
    fn bounds_hold_for_the_exact_distances() {
        let mut rng = ChaCha8Rng::seed_from_u64(17);
        for (n, d, k) in [(6000, 16, 8), (5000, 7, 13), (3000, 3, 2)] {
            let x: Vec<f32> = (0..n * d)
                .map(|_| 100.0 + rng.random_range(-1.0..1.0f32))
                .collect();
            let w = vec![1.0; n];
            let data = Data::new(&x, &w, d);
            let mut centers = x[..k * d].to_vec();
            let mut hamerly = Hamerly::new(n, k, d);
            for step in 0..6 {
                hamerly.assign(&data, &centers);
                let b = &hamerly.bounds;
                for (r, row) in x.chunks_exact(d).enumerate() {
                    let a = b.labels[r] as usize;
                    for (j, c) in centers.chunks_exact(d).enumerate() {
                        let dist = row
                            .iter()
                            .zip(c)
                            .map(|(&v, &c)| (f64::from(v) - f64::from(c)).powi(2))
                            .sum::<f64>()
                            .sqrt();
                        let what = format!("n {n} d {d} k {k}, pass {step}, row {r}, centroid {j}");
                        if j == a {
                            assert!(f64::from(b.upper[r]) >= dist, "{what}: upper bound");
                        } else {
                            assert!(f64::from(b.lower[r]) <= dist, "{what}: lower bound");
                        }
                    }
                }
                // Move each centroid by up to 0.3 in each feature.
                let old = centers.clone();
                for v in &mut centers {
                    *v += rng.random_range(-0.3..0.3f32);
                }
                let shift: Vec<f32> = old
                    .chunks_exact(d)
                    .zip(centers.chunks_exact(d))
                    .map(|(a, b)| squared_distance(a, b).sqrt())
                    .collect();
                hamerly.moved(&centers, &shift);
            }
        }
    }

    /// [`Hamerly::assign`] with the portable kernel, group by group.
    fn portable_assign<F: Float>(h: &mut Hamerly<F>, data: &Data<F>, centers: &[F]) -> Sums {
        let (k, d) = (centers.len() / data.d, data.d);
        let centroids = Centroids::new(centers, &h.shift, d);
        let b = &mut h.bounds;
        let mut delta = Sums::zeros(k, d);
        for (g, ((labels, upper), lower)) in b
            .labels
            .chunks_mut(GROUP)
            .zip(b.upper.chunks_mut(GROUP))
            .zip(b.lower.chunks_mut(GROUP))
            .enumerate()
        {
            let (start, end) = (g * GROUP, g * GROUP + labels.len());
            let part = Pass {
                centroids: &centroids,
                x: &data.x[start * d..end * d],
                w: data.weights(start, end),
                labels,
                upper,
                lower,
                update: true,
            }
            .run::<false>();
            delta.merge(&part);
        }
        h.sums.merge(&delta);
        Sums {
            changed: delta.changed,
            ..h.sums.clone()
        }
    }
}
