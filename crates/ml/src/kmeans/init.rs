//! Greedy k-means++ initialisation (Arthur & Vassilvitskii 2007, with scikit-learn's greedy
//! refinement: at each step `2 + ⌊ln k⌋` candidates are drawn and the one that most reduces the
//! potential is kept).
//!
//! Each step makes one parallel pass over the data for all candidates together. Potentials are
//! summed per group of rows and the groups added in order, so the choice of centroids does not
//! depend on the number of threads.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::Data;
use super::lloyd::{GROUP, LANES, lane_blocks};
use crate::matrix::{Float, squared_distance};
use crate::simd::{self, Kernel, mul_add};

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
        // With at most four candidates (k up to 20), four lanes: half the work of eight
        // (measured: about a tenth less time for the whole initialisation).
        if self.windows.len() <= 4 {
            self.potentials::<FMA, 4>()
        } else {
            self.potentials::<FMA, LANES>()
        }
    }
}

impl<F: Float> CandidateGroup<'_, F> {
    /// [`Kernel::run`] with the first `L` of each block's [`LANES`] lanes (`L` divides
    /// `LANES`; with `L < LANES`, there is one block, of at most `L` candidates).
    #[inline(always)]
    fn potentials<const FMA: bool, const L: usize>(self) -> Vec<f64> {
        let CandidateGroup {
            lanes,
            x,
            w,
            closest,
            mut windows,
        } = self;
        let trials = windows.len();
        let d = x.len() / closest.len();
        let mut pots = vec![0.0; trials];
        for (b, cols) in lanes.chunks_exact(d).enumerate() {
            // The block's potentials in registers (one chain per lane, rows in order): a sum kept
            // in `pots` would go through memory on every row. Lanes past the last candidate
            // add distances to the zero padding, which are not kept.
            let mut pot = [0.0; L];
            let kept = L.min(trials - b * L);
            for (r, row) in x.chunks_exact(d).enumerate() {
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

#[cfg(test)]
mod tests {
    use super::*;

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
