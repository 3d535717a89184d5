//! Elkan's accelerated k-means: the same iterations as Lloyd's, skipping distance
//! computations that the triangle inequality proves useless (scikit-learn's
//! `_kmeans_single_elkan`). Memory: one upper bound per row and `k` lower bounds per row.

use rayon::prelude::*;

use super::lloyd::{AddRows, GROUP, Sums};
use super::{Data, Iterations};
use crate::matrix::{Float, squared_distance};
use crate::simd;

#[inline]
fn dist<F: Float>(a: &[F], b: &[F]) -> F {
    squared_distance(a, b).sqrt()
}

/// Half the distance between every pair of centroids (`k × k`), and for each centroid half the
/// distance to its nearest other centroid.
pub(super) fn half_distances<F: Float>(centers: &[F], k: usize, d: usize) -> (Vec<F>, Vec<F>) {
    let half = F::from_f64(0.5);
    let mut h = vec![F::ZERO; k * k];
    for i in 0..k {
        for j in 0..i {
            let v = dist(&centers[i * d..(i + 1) * d], &centers[j * d..(j + 1) * d]) * half;
            h[i * k + j] = v;
            h[j * k + i] = v;
        }
    }
    let next = (0..k)
        .map(|j| {
            (0..k)
                .filter(|&i| i != j)
                .map(|i| h[i * k + j])
                .fold(F::INFINITY, |a, b| if b < a { b } else { a })
        })
        .collect();
    (h, next)
}

/// State of the bounds: the label, upper bound and `k` lower bounds of every row.
struct Bounds<F> {
    labels: Vec<usize>,
    upper: Vec<F>,
    lower: Vec<F>,
}

/// Exact nearest centroid of every row, skipping centroids that the half distances exclude.
fn init_bounds<F: Float>(data: &Data<F>, centers: &[F], k: usize, half: &[F]) -> Bounds<F> {
    let (n, d) = (data.n, data.d);
    let mut b = Bounds {
        labels: vec![0; n],
        upper: vec![F::ZERO; n],
        lower: vec![F::ZERO; n * k],
    };
    b.labels
        .par_chunks_mut(GROUP)
        .zip(b.upper.par_chunks_mut(GROUP))
        .zip(b.lower.par_chunks_mut(GROUP * k))
        .enumerate()
        .for_each(|(g, ((labels, upper), lower))| {
            for (r, ((label, up), low)) in labels
                .iter_mut()
                .zip(upper.iter_mut())
                .zip(lower.chunks_exact_mut(k))
                .enumerate()
            {
                let row = data.row(g * GROUP + r);
                let mut best = 0;
                let mut min_dist = dist(row, &centers[..d]);
                low[0] = min_dist;
                for j in 1..k {
                    if min_dist > half[best * k + j] {
                        let dj = dist(row, &centers[j * d..(j + 1) * d]);
                        low[j] = dj;
                        if dj < min_dist {
                            min_dist = dj;
                            best = j;
                        }
                    }
                }
                *label = best;
                *up = min_dist;
            }
        });
    b
}

/// One Elkan pass: reassigns rows whose bounds allow a closer centroid, and when `update`
/// returns the weighted sums for the next centroids.
fn iterate<F: Float>(
    data: &Data<F>,
    centers: &[F],
    half: &[F],
    next: &[F],
    b: &mut Bounds<F>,
    update: bool,
) -> Sums {
    let d = data.d;
    let k = centers.len() / d;
    let partials: Vec<Sums> = b
        .labels
        .par_chunks_mut(GROUP)
        .zip(b.upper.par_chunks_mut(GROUP))
        .zip(b.lower.par_chunks_mut(GROUP * k))
        .enumerate()
        .map(|(g, ((labels, upper), lower))| {
            let mut sums = Sums::new(update, k, d);
            for (r, ((label_out, up), low)) in labels
                .iter_mut()
                .zip(upper.iter_mut())
                .zip(lower.chunks_exact_mut(k))
                .enumerate()
            {
                let i = g * GROUP + r;
                let row = data.row(i);
                let mut label = *label_out;
                let mut upper_bound = *up;
                // Unless the nearest other centroid is provably farther, look for a closer one.
                if next[label] < upper_bound {
                    let mut tight = false;
                    for j in 0..k {
                        if j != label && upper_bound > low[j] && upper_bound > half[label * k + j] {
                            if !tight {
                                upper_bound = dist(row, &centers[label * d..(label + 1) * d]);
                                low[label] = upper_bound;
                                tight = true;
                            }
                            if upper_bound > low[j] && upper_bound > half[label * k + j] {
                                let dj = dist(row, &centers[j * d..(j + 1) * d]);
                                low[j] = dj;
                                if dj < upper_bound {
                                    label = j;
                                    upper_bound = dj;
                                }
                            }
                        }
                    }
                    if label != *label_out {
                        sums.changed += 1;
                    }
                    *label_out = label;
                    *up = upper_bound;
                }
            }
            if update {
                let (start, end) = (g * GROUP, g * GROUP + labels.len());
                simd::run(AddRows {
                    sums: &mut sums,
                    x: &data.x[start * d..end * d],
                    w: data.weights(start, end),
                    labels,
                });
            }
            sums
        })
        .collect();
    Sums::total(&partials, k, d, update)
}

/// Loosens the bounds by how far each centroid moved.
fn shift_bounds<F: Float>(b: &mut Bounds<F>, shift: &[F]) {
    let k = shift.len();
    b.labels
        .par_iter()
        .zip(b.upper.par_iter_mut())
        .zip(b.lower.par_chunks_mut(k))
        .for_each(|((&label, up), low)| {
            *up += shift[label];
            for (l, &s) in low.iter_mut().zip(shift) {
                let v = *l - s;
                *l = if v < F::ZERO { F::ZERO } else { v };
            }
        });
}

/// Elkan's iterations: the bounds, and the centroids' half distances they are compared with.
pub(super) struct Elkan<F> {
    bounds: Bounds<F>,
    half: Vec<F>,
    next: Vec<F>,
    /// Whether the next pass is the first: its labels come from [`init_bounds`], and it is
    /// compared with "no labels yet", so it never counts as converged.
    first: bool,
}

impl<F: Float> Elkan<F> {
    pub(super) fn new(data: &Data<F>, centers: &[F]) -> Self {
        let k = centers.len() / data.d;
        let (half, next) = half_distances(centers, k, data.d);
        Elkan {
            bounds: init_bounds(data, centers, k, &half),
            half,
            next,
            first: true,
        }
    }
}

impl<F: Float> Iterations<F> for Elkan<F> {
    type Label = usize;

    fn assign(&mut self, data: &Data<F>, centers: &[F]) -> Sums {
        let mut sums = iterate(
            data,
            centers,
            &self.half,
            &self.next,
            &mut self.bounds,
            true,
        );
        if std::mem::take(&mut self.first) {
            sums.changed = data.n;
        }
        sums
    }

    fn moved(&mut self, centers: &[F], shift: &[F]) {
        shift_bounds(&mut self.bounds, shift);
        (self.half, self.next) = half_distances(centers, shift.len(), centers.len() / shift.len());
    }

    fn relabel(&mut self, data: &Data<F>, centers: &[F]) {
        iterate(
            data,
            centers,
            &self.half,
            &self.next,
            &mut self.bounds,
            false,
        );
    }

    fn labels(&self) -> &[usize] {
        &self.bounds.labels
    }

    fn into_labels(self) -> Vec<usize> {
        self.bounds.labels
    }
}
