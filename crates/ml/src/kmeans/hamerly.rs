//! Hamerly's accelerated k-means (Hamerly 2010): the same iterations as Lloyd's, with one
//! upper bound per row (on the distance to its centroid) and one lower bound (on the distance
//! to every other centroid). A row whose upper bound is below both its lower bound and half
//! the distance from its centroid to the nearest other one cannot change cluster, and is
//! skipped without reading it; the cluster sums change only by the rows that move. Memory: two
//! `f64` bounds per row. Once most rows have settled, an iteration costs a pass over the
//! bounds instead of `k` distances per row.

use rayon::prelude::*;

use super::elkan::half_distances;
use super::lloyd::{GROUP, LANES, Sums, lane_blocks};
use super::{Data, Iterations};
use crate::matrix::{Float, squared_distance};
use crate::simd::{self, Kernel, mul_add};

/// How far the centroids moved in the last update: each one's move, and the largest and
/// second largest moves with the index of the largest (the lower bound of a row loosens by
/// the largest move of the *other* centroids).
struct Moves {
    shift: Vec<f64>,
    largest: (usize, f64),
    second: f64,
}

impl Moves {
    fn new(shift: Vec<f64>) -> Self {
        let mut largest = (0, f64::NEG_INFINITY);
        let mut second = f64::NEG_INFINITY;
        for (j, &s) in shift.iter().enumerate() {
            if s > largest.1 {
                second = largest.1;
                largest = (j, s);
            } else if s > second {
                second = s;
            }
        }
        Moves {
            shift,
            largest,
            second: second.max(0.0),
        }
    }

    /// The largest move of the centroids other than `j`.
    #[inline]
    fn others(&self, j: usize) -> f64 {
        if j == self.largest.0 {
            self.second
        } else {
            self.largest.1
        }
    }
}

/// Bounds of every row: its cluster (`usize::MAX` before the first pass), an upper bound on
/// the distance to that cluster's centroid and a lower bound on the distance to any other.
struct Bounds {
    labels: Vec<usize>,
    upper: Vec<f64>,
    lower: Vec<f64>,
}

/// One pass over a group of rows: bounds loosened by the last moves, rows that may have
/// changed cluster compared with every centroid; returns the changes to the cluster sums
/// (`Sums::changed` counts the rows that moved).
struct Pass<'a, F> {
    /// Centroids in blocks of [`LANES`], feature by feature.
    lanes: &'a [[F; LANES]],
    centers: &'a [F],
    half: &'a [f64],
    moves: &'a Moves,
    /// The group's rows, row-major.
    x: &'a [F],
    w: &'a [f64],
    labels: &'a mut [usize],
    upper: &'a mut [f64],
    lower: &'a mut [f64],
    /// Whether to return the changes of the sums (not for the final labelling).
    update: bool,
}

impl<F: Float> Kernel for Pass<'_, F> {
    type Output = Sums;

    #[inline(always)]
    fn run<const FMA: bool>(self) -> Sums {
        let k = self.half.len();
        let d = self.x.len() / self.w.len();
        let mut delta = Sums::new(self.update, k, d);
        for (r, row) in self.x.chunks_exact(d).enumerate() {
            let old = self.labels[r];
            if old != usize::MAX {
                let upper = self.upper[r] + self.moves.shift[old];
                let lower = self.lower[r] - self.moves.others(old);
                let bound = self.half[old].max(lower);
                if upper <= bound {
                    self.upper[r] = upper;
                    self.lower[r] = lower;
                    continue;
                }
                let tight = squared_distance(row, &self.centers[old * d..(old + 1) * d])
                    .to_f64()
                    .sqrt();
                if tight <= bound {
                    self.upper[r] = tight;
                    self.lower[r] = lower;
                    continue;
                }
            }
            let (best, first, second) = two_nearest::<F, FMA>(self.lanes, k, row);
            self.upper[r] = first.sqrt();
            self.lower[r] = second.sqrt();
            if best != old {
                self.labels[r] = best;
                delta.changed += 1;
                if self.update {
                    let w = self.w[r];
                    if old != usize::MAX {
                        delta.weights[old] -= w;
                        for (s, &v) in delta.sums[old * d..(old + 1) * d].iter_mut().zip(row) {
                            *s -= w * v.to_f64();
                        }
                    }
                    delta.weights[best] += w;
                    for (s, &v) in delta.sums[best * d..(best + 1) * d].iter_mut().zip(row) {
                        *s += w * v.to_f64();
                    }
                }
            }
        }
        delta
    }
}

/// The nearest centroid of `row` (the first on ties) and the squared distances to the nearest
/// and the second nearest (infinite when `k` is 1).
#[inline(always)]
fn two_nearest<F: Float, const FMA: bool>(
    lanes: &[[F; LANES]],
    k: usize,
    row: &[F],
) -> (usize, f64, f64) {
    let d = row.len();
    let (mut best, mut first, mut second) = (0, f64::INFINITY, f64::INFINITY);
    for (b, cols) in lanes.chunks_exact(d).enumerate() {
        let mut acc = [F::ZERO; LANES];
        for (&v, c) in row.iter().zip(cols) {
            for l in 0..LANES {
                let diff = v - c[l];
                acc[l] = mul_add::<F, FMA>(diff, diff, acc[l]);
            }
        }
        for (l, &a) in acc.iter().enumerate().take(k - b * LANES) {
            let a = a.to_f64();
            if a < first {
                second = first;
                first = a;
                best = b * LANES + l;
            } else if a < second {
                second = a;
            }
        }
    }
    (best, first, second)
}

/// One pass over every row, in groups whose changes are added in group order.
fn pass<F: Float>(
    data: &Data<F>,
    centers: &[F],
    moves: &Moves,
    b: &mut Bounds,
    update: bool,
) -> Sums {
    let (k, d) = (centers.len() / data.d, data.d);
    let lanes = lane_blocks(centers.chunks_exact(d), d);
    let half: Vec<f64> = half_distances(centers, k, d)
        .1
        .iter()
        .map(|h| h.to_f64())
        .collect();
    let partials: Vec<Sums> = b
        .labels
        .par_chunks_mut(GROUP)
        .zip(b.upper.par_chunks_mut(GROUP))
        .zip(b.lower.par_chunks_mut(GROUP))
        .enumerate()
        .map(|(g, ((labels, upper), lower))| {
            let (start, end) = (g * GROUP, g * GROUP + labels.len());
            simd::run(Pass {
                lanes: &lanes,
                centers,
                half: &half,
                moves,
                x: &data.x[start * d..end * d],
                w: &data.w[start..end],
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
pub(super) struct Hamerly {
    bounds: Bounds,
    sums: Sums,
    moves: Moves,
}

impl Hamerly {
    pub(super) fn new(n: usize, k: usize, d: usize) -> Self {
        Hamerly {
            bounds: Bounds {
                labels: vec![usize::MAX; n],
                upper: vec![0.0; n],
                lower: vec![0.0; n],
            },
            sums: Sums::zeros(k, d),
            moves: Moves::new(vec![0.0; k]),
        }
    }
}

impl<F: Float> Iterations<F> for Hamerly {
    type Label = usize;

    fn assign(&mut self, data: &Data<F>, centers: &[F]) -> Sums {
        let delta = pass(data, centers, &self.moves, &mut self.bounds, true);
        self.sums.merge(&delta);
        Sums {
            changed: delta.changed,
            ..self.sums.clone()
        }
    }

    fn moved(&mut self, _centers: &[F], shift: &[F]) {
        self.moves = Moves::new(shift.iter().map(|s| s.to_f64()).collect());
    }

    fn relabel(&mut self, data: &Data<F>, centers: &[F]) {
        pass(data, centers, &self.moves, &mut self.bounds, false);
    }

    fn labels(&self) -> &[usize] {
        &self.bounds.labels
    }

    fn into_labels(self) -> Vec<usize> {
        self.bounds.labels
    }
}
