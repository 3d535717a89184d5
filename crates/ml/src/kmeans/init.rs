//! Greedy k-means++ initialisation (Arthur & Vassilvitskii 2007, with scikit-learn's greedy
//! refinement: at each step `2 + ⌊ln k⌋` candidates are drawn and the one that most reduces the
//! potential is kept).
//!
//! Each step makes one parallel pass over the data for all candidates together. Distances are
//! computed and kept in the data's precision; with AVX2, `f32` rows go through the pass eight at
//! a time, with the same operations per row, so the same values. Potentials are summed per group
//! of rows and the groups added in order, so the choice of centroids does not depend on the
//! number of threads.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::Data;
use super::lloyd::{GROUP, LANES, lane_blocks};
use crate::matrix::{Float, squared_distance};
use crate::simd::{self, Kernel, mul_add};
#[cfg(target_arch = "x86_64")]
use crate::simd::{Avx2, Lanes, transpose};

/// The row where the running sum of `w[i] · dist[i]` first reaches `target` (numpy's
/// `searchsorted(cumsum(...), target)`), found through the per-group sums `group_sums`.
/// Rows that add nothing (zero weight, or already a centroid) are never returned unless all
/// rows add nothing; past the end (rounding), the last row that adds something.
pub(crate) fn search<D: Float>(w: &[f64], dist: &[D], group_sums: &[f64], target: f64) -> usize {
    let n = w.len();
    let mut acc = 0.0;
    let mut last_positive = None;
    for (g, &s) in group_sums.iter().enumerate() {
        if s > 0.0 && acc + s >= target {
            let start = g * GROUP;
            let end = (start + GROUP).min(n);
            for i in start..end {
                let v = w[i] * dist[i].to_f64();
                if v > 0.0 {
                    acc += v;
                    last_positive = Some(i);
                    if acc >= target {
                        return i;
                    }
                }
            }
            // Rounding: the group's sum reached the target but its running sum did not.
            continue;
        }
        if s > 0.0 {
            // The group's last row that adds something, in case the target is never reached.
            last_positive = (g * GROUP..((g + 1) * GROUP).min(n))
                .rev()
                .find(|&i| w[i] * dist[i].to_f64() > 0.0);
        }
        acc += s;
    }
    last_positive.unwrap_or(n - 1)
}

/// `k` initial centroids (`k × d`, row-major) chosen among the rows by greedy k-means++.
pub(super) fn kmeans_plusplus<F: Float>(data: &Data<F>, k: usize, rng: &mut ChaCha8Rng) -> Vec<F> {
    let (n, d) = (data.n, data.d);
    let trials = 2 + (k as f64).ln() as usize;
    let mut centers = Vec::with_capacity(k * d);

    let weight_groups: Vec<f64> = data.w.par_chunks(GROUP).map(|w| w.iter().sum()).collect();
    let total_weight: f64 = weight_groups.iter().sum();
    // Sampling the first centroid with probability ∝ weight is the same search with unit
    // "distances".
    let unit = vec![1.0; n];
    let first = search(
        data.w,
        &unit,
        &weight_groups,
        rng.random::<f64>() * total_weight,
    );
    centers.extend_from_slice(data.row(first));

    // closest[i]: squared distance from row i to its nearest chosen centroid. Distances are
    // computed in `F` and their minima kept in `F`: half the memory of `f64` for `f32` data, the
    // same values.
    let mut closest = vec![F::ZERO; n];
    let mut group_pot: Vec<f64> = closest
        .par_chunks_mut(GROUP)
        .enumerate()
        .map(|(g, out)| {
            let mut pot = 0.0;
            for (r, o) in out.iter_mut().enumerate() {
                let i = g * GROUP + r;
                *o = squared_distance(data.row(i), data.row(first));
                pot += data.w[i] * o.to_f64();
            }
            pot
        })
        .collect();
    let mut current: f64 = group_pot.iter().sum();
    // candidates_dist[t][i]: closest[i] if candidate t were added.
    let mut candidates_dist: Vec<Vec<F>> = (0..trials).map(|_| vec![F::ZERO; n]).collect();

    for _ in 1..k {
        let candidates: Vec<usize> = (0..trials)
            .map(|_| {
                let target = rng.random::<f64>() * current;
                search(data.w, &closest, &group_pot, target)
            })
            .collect();
        let rows: Vec<&[F]> = candidates.iter().map(|&c| data.row(c)).collect();
        // One pass over the data for all candidates; per group, the potential of each.
        let group_pots = candidate_pass(data, &closest, &rows, &mut candidates_dist);
        let pots: Vec<f64> = (0..trials)
            .map(|t| group_pots.iter().map(|g| g[t]).sum())
            .collect();
        let best = (0..trials).fold(0, |b, t| if pots[t] < pots[b] { t } else { b });
        centers.extend_from_slice(rows[best]);
        current = pots[best];
        // The best candidate's distances become `closest`; the old ones are overwritten next.
        std::mem::swap(&mut closest, &mut candidates_dist[best]);
        group_pot = group_pots.iter().map(|g| g[best]).collect();
    }
    centers
}

/// For every candidate t and row i, `min(closest[i], ‖x_i − candidate_t‖²)` into
/// `out[t][i]`; returns, per group of rows, the weighted potential of each candidate.
fn candidate_pass<F: Float>(
    data: &Data<F>,
    closest: &[F],
    candidates: &[&[F]],
    out: &mut [Vec<F>],
) -> Vec<Vec<f64>> {
    let n = data.n;
    let trials = candidates.len();
    let n_groups = n.div_ceil(GROUP);
    // Split `out` into per-group windows of every candidate's slice, so that groups can be
    // written in parallel.
    let mut per_trial: Vec<Vec<&mut [F]>> = out
        .iter_mut()
        .map(|slice| slice.chunks_mut(GROUP).collect())
        .collect();
    let mut per_group: Vec<Vec<&mut [F]>> =
        (0..n_groups).map(|_| Vec::with_capacity(trials)).collect();
    for trial in per_trial.iter_mut() {
        for (g, window) in trial.drain(..).enumerate() {
            per_group[g].push(window);
        }
    }
    // Candidates by blocks of LANES, feature by feature, so that the distances to all of them
    // are computed together in fixed-size lanes.
    let d = data.d;
    let lanes = lane_blocks(candidates.iter().copied(), d);
    per_group
        .into_par_iter()
        .enumerate()
        .map(|(g, windows)| {
            let start = g * GROUP;
            let end = start + windows[0].len();
            simd::run(CandidateGroup {
                lanes: &lanes,
                x: &data.x[start * d..end * d],
                w: data.weights(start, end),
                closest: &closest[start..end],
                windows,
            })
        })
        .collect()
}

/// One group of rows in [`candidate_pass`]: writes each candidate's distances into its window
/// and returns each candidate's weighted potential over the group.
struct CandidateGroup<'a, F> {
    /// The candidates in blocks of [`LANES`], feature by feature.
    lanes: &'a [[F; LANES]],
    /// The group's rows, row-major.
    x: &'a [F],
    /// The rows' weights; `None` where every weight is one.
    w: Option<&'a [f64]>,
    closest: &'a [F],
    /// One window of the group's rows per candidate.
    windows: Vec<&'a mut [F]>,
}

impl<F: Float> Kernel for CandidateGroup<'_, F> {
    type Output = Vec<f64>;

    #[inline(always)]
    fn run<const FMA: bool>(self) -> Vec<f64> {
        let trials = self.windows.len();
        self.continue_from::<FMA>(0, vec![0.0; trials])
    }

    /// With `f32` rows of a multiple of eight values and at most eight candidates, the rows
    /// eight at a time in lanes ([`candidates_avx2`]), then the last rows as [`Kernel::run`].
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn run_avx2(mut self, avx2: Avx2) -> Vec<f64> {
        let trials = self.windows.len();
        let d = self.x.len() / self.closest.len();
        let mut pots = vec![0.0; trials];
        let mut done = 0;
        if let (Some(x), Some(closest), Some(lanes)) = (
            F::as_f32s(self.x),
            F::as_f32s(self.closest),
            F::as_f32s(self.lanes.as_flattened()),
        ) && d.is_multiple_of(8)
            && trials <= LANES
        {
            // The same group, seen as `f32`.
            let mut group = CandidateGroup {
                lanes: lanes.as_chunks().0,
                x,
                w: self.w,
                closest,
                windows: self
                    .windows
                    .iter_mut()
                    .filter_map(|window| F::as_f32s_mut(window))
                    .collect(),
            };
            done = candidates_avx2(avx2, &mut group, &mut pots);
        }
        self.continue_from::<true>(done, pots)
    }
}

impl<F: Float> CandidateGroup<'_, F> {
    /// [`Kernel::run`] from row `start`, each candidate's potential continuing from `pots`
    /// (the rows before `start` done by another kernel, the same sums in the same order).
    #[inline(always)]
    fn continue_from<const FMA: bool>(self, start: usize, pots: Vec<f64>) -> Vec<f64> {
        // With at most four candidates (k up to 20), four lanes: half the work of eight
        // (measured on `f32` rows before the AVX2 kernel: a tenth less time for the whole
        // initialisation).
        if self.windows.len() <= 4 {
            self.potentials::<FMA, 4>(start, pots)
        } else {
            self.potentials::<FMA, LANES>(start, pots)
        }
    }

    /// [`CandidateGroup::continue_from`] with the first `L` of each block's [`LANES`] lanes (`L`
    /// divides `LANES`; with `L < LANES`, there is one block, of at most `L` candidates).
    #[inline(always)]
    fn potentials<const FMA: bool, const L: usize>(
        self,
        start: usize,
        mut pots: Vec<f64>,
    ) -> Vec<f64> {
        let CandidateGroup {
            lanes,
            x,
            w,
            closest,
            mut windows,
        } = self;
        let trials = windows.len();
        let d = x.len() / closest.len();
        for (b, cols) in lanes.chunks_exact(d).enumerate() {
            // The block's potentials in registers (one chain per lane, rows in order): a sum kept
            // in `pots` would go through memory on every row. Lanes past the last candidate
            // add distances to the zero padding, which are not kept.
            let kept = L.min(trials - b * L);
            let mut pot = [0.0; L];
            pot[..kept].copy_from_slice(&pots[b * L..][..kept]);
            for (r, row) in x.chunks_exact(d).enumerate().skip(start) {
                // Two accumulators (even and odd features) halve the chain of dependent
                // multiply–adds.
                let mut even = [F::ZERO; L];
                let mut odd = [F::ZERO; L];
                let mut values = row.chunks_exact(2);
                let mut centres = cols.chunks_exact(2);
                for (v, c) in (&mut values).zip(&mut centres) {
                    for l in 0..L {
                        let (d0, d1) = (v[0] - c[0][l], v[1] - c[1][l]);
                        even[l] = mul_add::<F, FMA>(d0, d0, even[l]);
                        odd[l] = mul_add::<F, FMA>(d1, d1, odd[l]);
                    }
                }
                if let (Some(&v), Some(c)) =
                    (values.remainder().first(), centres.remainder().first())
                {
                    for l in 0..L {
                        let d0 = v - c[l];
                        even[l] = mul_add::<F, FMA>(d0, d0, even[l]);
                    }
                }
                let dist: [F; L] = std::array::from_fn(|l| {
                    let v = even[l] + odd[l];
                    if v < closest[r] { v } else { closest[r] }
                });
                // A weight of one multiplies exactly.
                let weight = w.map_or(1.0, |w| w[r]);
                for l in 0..L {
                    pot[l] += weight * dist[l].to_f64();
                }
                for (window, &v) in windows[b * L..][..kept].iter_mut().zip(&dist) {
                    window[r] = v;
                }
            }
            pots[b * L..][..kept].copy_from_slice(&pot[..kept]);
        }
        pots
    }
}

/// The candidate pass for eight rows at a time with AVX2 instructions: each block of eight
/// features of the eight rows is transposed, so that a register holds one feature of the eight
/// rows, and the distance to each candidate is computed in the rows' lanes; the distances are
/// then transposed back, a register per row, to add them to the candidates' potentials in the
/// lanes. Each row gets the same operations in the same order as in
/// [`CandidateGroup::potentials`] (even and odd features in two multiply–add chains, added
/// last; the minimum with `closest`; each potential summed row after row), so that the results
/// are the same to the last bit. Writes the windows and adds to `pots` for the first rows;
/// returns how many (a multiple of eight).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn candidates_avx2(avx2: Avx2, c: &mut CandidateGroup<'_, f32>, pots: &mut [f64]) -> usize {
    let d = c.x.len() / c.closest.len();
    // One register per feature of the eight rows, reused from batch to batch.
    let mut columns = vec![f32::splat(avx2, 0.0); d];
    let mut pot = [0.0; LANES];
    pot[..pots.len()].copy_from_slice(pots);
    let (closest8, _) = c.closest.as_chunks::<8>();
    for (batch, closest) in closest8.iter().enumerate() {
        let rows = &c.x[batch * 8 * d..(batch + 1) * 8 * d];
        for (f8, out) in columns.chunks_exact_mut(8).enumerate() {
            let mut block = [f32::splat(avx2, 0.0); 8];
            for (v, row) in block.iter_mut().zip(rows.chunks_exact(d)) {
                *v = f32::load(avx2, &row.as_chunks::<8>().0[f8]);
            }
            out.copy_from_slice(&transpose(avx2, block));
        }
        let closest = f32::load(avx2, closest);
        let mut dists = [f32::splat(avx2, 0.0); 8];
        for (t, (window, dist)) in c.windows.iter_mut().zip(&mut dists).enumerate() {
            let mut even = f32::splat(avx2, 0.0);
            let mut odd = even;
            for (pair, centre) in columns.chunks_exact(2).zip(c.lanes.chunks_exact(2)) {
                let d0 = f32::difference(avx2, pair[0], f32::splat(avx2, centre[0][t]));
                let d1 = f32::difference(avx2, pair[1], f32::splat(avx2, centre[1][t]));
                even = f32::fmadd(avx2, d0, d0, even);
                odd = f32::fmadd(avx2, d1, d1, odd);
            }
            *dist = f32::min_with_mask(avx2, f32::plus(avx2, even, odd), closest).0;
            let out: &mut [f32; 8] = (&mut window[batch * 8..][..8])
                .try_into()
                .expect("eight rows");
            f32::store(avx2, *dist, out);
        }
        // Lanes past the last candidate hold zeros, which add nothing kept.
        for (r, by_row) in transpose(avx2, dists).into_iter().enumerate() {
            let mut values = [0.0; 8];
            f32::store(avx2, by_row, &mut values);
            let weight = c.w.map_or(1.0, |w| w[batch * 8 + r]);
            for (p, &v) in pot.iter_mut().zip(&values) {
                *p += weight * f64::from(v);
            }
        }
    }
    pots.copy_from_slice(&pot[..pots.len()]);
    closest8.len() * 8
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    /// Through [`simd::run`] (the AVX2 kernel, eight rows at a time, where the processor has
    /// it) and through the portable kernel with fused multiply–adds, a candidate pass gives the
    /// same distances and potentials, bit for bit: with and without weights, with a number of
    /// rows that is not a multiple of eight, and with rows too short for the AVX2 kernel.
    #[test]
    fn every_candidate_kernel_gives_the_same_pass() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for (n, d, trials) in [(1003, 16, 4), (517, 8, 7), (64, 24, 2), (100, 5, 3)] {
            let x: Vec<f32> = (0..n * d).map(|_| rng.random_range(-3.0..3.0)).collect();
            let closest: Vec<f32> = (0..n).map(|_| rng.random_range(0.0..60.0)).collect();
            let weights: Vec<f64> = (0..n).map(|_| rng.random_range(0.0..2.0)).collect();
            let candidates: Vec<&[f32]> = (0..trials).map(|t| &x[t * 7 * d..][..d]).collect();
            let lanes = lane_blocks(candidates.iter().copied(), d);
            for w in [None, Some(weights.as_slice())] {
                let pass = |portable: bool| {
                    let mut out = vec![vec![0.0f32; n]; trials];
                    let group = CandidateGroup {
                        lanes: &lanes,
                        x: &x,
                        w,
                        closest: &closest,
                        windows: out.iter_mut().map(Vec::as_mut_slice).collect(),
                    };
                    let pots = if portable {
                        group.run::<true>()
                    } else {
                        simd::run(group)
                    };
                    (pots, out)
                };
                let what = format!("n {n} d {d}, {trials} candidates, weights {}", w.is_some());
                assert_eq!(pass(false), pass(true), "{what}");
            }
        }
    }

    #[test]
    fn search_is_numpy_searchsorted_left_on_the_running_sum() {
        let w = vec![1.0; 3];
        let dist = [1.0, 0.0, 2.0];
        let groups = [3.0];
        assert_eq!(search(&w, &dist, &groups, 0.0), 0);
        assert_eq!(search(&w, &dist, &groups, 1.0), 0);
        assert_eq!(search(&w, &dist, &groups, 1.5), 2);
        assert_eq!(search(&w, &dist, &groups, 9.0), 2);
        // Rows that add nothing are skipped, even for a zero target.
        let dist = [0.0, 0.0, 2.0];
        assert_eq!(search(&w, &dist, &[2.0], 0.0), 2);
        assert_eq!(search(&w, &[1.0, 1.0, 0.0], &[2.0], 5.0), 1);
        assert_eq!(search(&w, &[0.0; 3], &[0.0], 0.0), 2);
    }

    #[test]
    fn search_crosses_groups() {
        let n = 2 * GROUP + 10;
        let w = vec![1.0; n];
        let dist = vec![1.0; n];
        let groups = [GROUP as f64, GROUP as f64, 10.0];
        assert_eq!(search(&w, &dist, &groups, GROUP as f64 + 0.5), GROUP);
        assert_eq!(
            search(&w, &dist, &groups, (2 * GROUP + 3) as f64),
            2 * GROUP + 2
        );
    }
}
