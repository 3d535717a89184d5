//! Silhouette coefficient: exact (blocked, parallel, O(n · block) memory) and sampled.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use super::{Encoded, check_label_count, encode};
use crate::error::{Error, Result};
use crate::matrix::{Float, Matrix};
use crate::simd::{self, Kernel, mul_add};

/// Rows whose per-cluster distance sums are accumulated together (memory: `ROW_BLOCK × k`).
const ROW_BLOCK: usize = 32;
/// Rows of the other side visited together, so that they stay in cache for a whole row block.
const COL_TILE: usize = 256;

/// The silhouette of every sample, its mean per cluster and overall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Silhouette {
    /// Mean silhouette over all samples: what [`silhouette_score`] returns.
    pub score: f64,
    /// Silhouette of each sample, in row order.
    pub samples: Vec<f64>,
    /// Mean silhouette of each cluster, in increasing label order.
    pub per_cluster: Vec<ClusterSilhouette>,
}

/// The silhouette of one cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterSilhouette {
    /// The cluster's label.
    pub label: usize,
    /// Number of samples with this label.
    pub size: usize,
    /// Mean silhouette of those samples.
    pub mean: f64,
}

/// Mean silhouette coefficient of all samples (scikit-learn's `silhouette_score`, Euclidean).
///
/// For sample i with mean distance `a` to the other members of its cluster and smallest mean
/// distance `b` to the members of another cluster, `s = (b - a) / max(a, b)`; `s = 0` for a
/// sample alone in its cluster, and when `a = b = 0` (duplicated points). Exact, O(n²·d) time,
/// parallel over blocks of rows, O(n + block·k) memory. Needs between 2 and n − 1 distinct
/// labels.
pub fn silhouette_score<F: Float>(x: &Matrix<F>, labels: &[usize]) -> Result<f64> {
    Ok(silhouette(x, labels)?.score)
}

/// Silhouette coefficient of every sample, in row order (scikit-learn's `silhouette_samples`).
pub fn silhouette_samples<F: Float>(x: &Matrix<F>, labels: &[usize]) -> Result<Vec<f64>> {
    Ok(silhouette(x, labels)?.samples)
}

/// Per-sample, per-cluster and overall silhouette in one pass.
pub fn silhouette<F: Float>(x: &Matrix<F>, labels: &[usize]) -> Result<Silhouette> {
    let enc = encode(labels, x.rows())?;
    check_label_count("silhouette", enc.n_labels(), x.rows())?;
    let counts = enc.counts();
    let samples = samples(x, &enc.codes, &counts);
    Ok(summarize(&enc, &counts, samples))
}

/// The silhouette of `labels` for any distance, given row by row: `distances(i, out)` writes
/// the distance from row `i` to every row (`rows` of them) into `out`. Rows are processed in
/// parallel, each thread holding one row of distances: O(rows) memory, not rows². Needs between
/// 2 and rows − 1 distinct labels; the distance from a row to itself must be 0.
pub fn silhouette_with(
    labels: &[usize],
    rows: usize,
    distances: impl Fn(usize, &mut [f64]) + Sync,
) -> Result<Silhouette> {
    let enc = encode(labels, rows)?;
    check_label_count("silhouette", enc.n_labels(), rows)?;
    let counts = enc.counts();
    let k = counts.len();
    let mut samples = vec![0.0; rows];
    samples
        .par_chunks_mut(ROW_BLOCK)
        .enumerate()
        .for_each(|(block, out)| {
            let mut row = vec![0.0f64; rows];
            let mut sums = vec![0.0f64; k];
            for (r, s) in out.iter_mut().enumerate() {
                let i = block * ROW_BLOCK + r;
                distances(i, &mut row);
                sums.iter_mut().for_each(|v| *v = 0.0);
                for (&d, &c) in row.iter().zip(&enc.codes) {
                    sums[c] += d;
                }
                *s = sample_value(enc.codes[i], &sums, &counts);
            }
        });
    Ok(summarize(&enc, &counts, samples))
}

/// The silhouette of `labels` from a precomputed square matrix of distances (scikit-learn's
/// `metric="precomputed"`).
pub fn silhouette_precomputed(distances: &Matrix<f64>, labels: &[usize]) -> Result<Silhouette> {
    if distances.cols() != distances.rows() {
        return Err(Error::ColumnMismatch {
            what: "the distance matrix",
            expected: distances.rows(),
            found: distances.cols(),
        });
    }
    silhouette_with(labels, distances.rows(), |i, out| {
        out.copy_from_slice(distances.row(i))
    })
}

/// The silhouette of a row from its sums of distances to every cluster (`sums`, indexed by
/// code), its own cluster's code and the clusters' sizes.
fn sample_value(own: usize, sums: &[f64], counts: &[usize]) -> f64 {
    if counts[own] <= 1 {
        return 0.0;
    }
    let a = sums[own] / (counts[own] - 1) as f64;
    let b = sums
        .iter()
        .zip(counts)
        .enumerate()
        .filter(|&(c, _)| c != own)
        .map(|(_, (&sum, &count))| sum / count as f64)
        .fold(f64::INFINITY, f64::min);
    let denom = a.max(b);
    if denom > 0.0 { (b - a) / denom } else { 0.0 }
}

/// The overall and per-cluster means of the samples' silhouettes.
fn summarize(enc: &Encoded, counts: &[usize], samples: Vec<f64>) -> Silhouette {
    let score = mean(&samples);
    let mut sums = vec![0.0; counts.len()];
    for (&c, s) in enc.codes.iter().zip(&samples) {
        sums[c] += s;
    }
    let per_cluster = enc
        .labels
        .iter()
        .zip(counts)
        .zip(&sums)
        .map(|((&label, &size), &sum)| ClusterSilhouette {
            label,
            size,
            mean: sum / size as f64,
        })
        .collect();
    Silhouette {
        score,
        samples,
        per_cluster,
    }
}

/// Mean silhouette of a random subset of `sample_size` rows (without replacement), as
/// scikit-learn's `silhouette_score(..., sample_size=...)`: distances are taken within the
/// subset only, so the cost is O(sample_size² · d).
///
/// The same `seed` always draws the same subset (but not the subset scikit-learn would draw,
/// whose generator differs). When `sample_size >= n` the exact score is returned.
pub fn silhouette_score_sampled<F: Float>(
    x: &Matrix<F>,
    labels: &[usize],
    sample_size: usize,
    seed: u64,
) -> Result<f64> {
    match sample_rows(x.rows(), labels, sample_size, seed)? {
        None => silhouette_score(x, labels),
        Some((rows, sub_labels)) => silhouette_score(&x.select_rows(&rows), &sub_labels),
    }
}

/// The rows a sampled silhouette is computed on, with their labels: `None` for every row
/// (`sample_size >= rows`), else a seeded draw of `sample_size` rows without replacement.
/// Checks the labels' length and the sample size.
pub(crate) fn sample_rows(
    rows: usize,
    labels: &[usize],
    sample_size: usize,
    seed: u64,
) -> Result<Option<(Vec<usize>, Vec<usize>)>> {
    if labels.len() != rows {
        return Err(Error::LengthMismatch {
            what: "labels",
            rows,
            found: labels.len(),
        });
    }
    if sample_size < 2 {
        return Err(Error::param(
            "sample_size",
            sample_size,
            "must be at least 2",
        ));
    }
    if sample_size >= rows {
        return Ok(None);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let indices = rand::seq::index::sample(&mut rng, rows, sample_size).into_vec();
    let sub_labels = indices.iter().map(|&i| labels[i]).collect();
    Ok(Some((indices, sub_labels)))
}

/// Sum of `values` in order, divided by their number.
fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// Rows of the other side whose distances to one row are computed together.
const LANES: usize = 8;
/// Rows of the own side whose distances are computed together, so that each value of the
/// other side loaded from memory serves them all.
const ROWS: usize = 4;

/// The rows as the other side of every distance: sorted by cluster and each cluster padded to
/// whole blocks of [`LANES`] rows (padding rows count 0), in blocks feature by feature
/// (`[block][feature][lane]`), centred on the column means, with their squared norms.
struct Columns {
    lanes: Vec<[f64; LANES]>,
    norms: Vec<[f64; LANES]>,
    /// 1 for a real row, 0 for padding.
    mask: Vec<[f64; LANES]>,
    /// The cluster of every block.
    code: Vec<usize>,
    /// The block and lane of every row.
    slot: Vec<(usize, usize)>,
}

/// The silhouette of every row, given labels coded `0..counts.len()`.
///
/// Distances are computed as scikit-learn does, `√max(0, ‖a‖² + ‖b‖² − 2 a·b)` (on data centred
/// on its column means, which keeps the cancellation small), with the distance from a row to
/// itself set to 0; rows sorted by cluster make every block of the other side one cluster's, so
/// that the sums per cluster are plain vector additions.
fn samples<F: Float>(x: &Matrix<F>, codes: &[usize], counts: &[usize]) -> Vec<f64> {
    let (n, d) = (x.rows(), x.cols());
    let k = counts.len();
    let mut means = vec![0.0f64; d];
    for row in x.iter_rows() {
        means
            .iter_mut()
            .zip(row)
            .for_each(|(m, v)| *m += v.to_f64());
    }
    means.iter_mut().for_each(|m| *m /= n as f64);
    let centred: Vec<f64> = x
        .iter_rows()
        .flat_map(|row| row.iter().zip(&means).map(|(v, m)| v.to_f64() - m))
        .collect();
    let row_norms: Vec<f64> = centred
        .chunks_exact(d.max(1))
        .map(|r| r.iter().map(|v| v * v).sum())
        .collect();

    // Each cluster's first block.
    let mut first_block = Vec::with_capacity(k);
    let mut n_blocks = 0;
    for &c in counts {
        first_block.push(n_blocks);
        n_blocks += c.div_ceil(LANES);
    }
    let mut cols = Columns {
        lanes: vec![[0.0; LANES]; n_blocks * d],
        norms: vec![[0.0; LANES]; n_blocks],
        mask: vec![[0.0; LANES]; n_blocks],
        code: vec![0; n_blocks],
        slot: vec![(0, 0); n],
    };
    let mut filled = vec![0usize; k];
    for (j, &c) in codes.iter().enumerate() {
        let (block, lane) = (first_block[c] + filled[c] / LANES, filled[c] % LANES);
        filled[c] += 1;
        for (f, &v) in centred[j * d..(j + 1) * d].iter().enumerate() {
            cols.lanes[block * d + f][lane] = v;
        }
        cols.norms[block][lane] = row_norms[j];
        cols.mask[block][lane] = 1.0;
        cols.code[block] = c;
        cols.slot[j] = (block, lane);
    }

    let mut out = vec![0.0; n];
    out.par_chunks_mut(ROW_BLOCK)
        .enumerate()
        .for_each(|(block, out)| {
            let start = block * ROW_BLOCK;
            let end = start + out.len();
            let sums = simd::run(ClusterSums {
                cols: &cols,
                x: &centred[start * d..end * d],
                norms: &row_norms[start..end],
                slots: &cols.slot[start..end],
                d,
                k,
            });
            for (r, (s, row_sums)) in out.iter_mut().zip(sums.chunks_exact(k)).enumerate() {
                *s = sample_value(codes[start + r], row_sums, counts);
            }
        });
    out
}

/// For a block of rows, the sum of the distances from each row to the rows of every cluster
/// (`rows × k`, row by row).
struct ClusterSums<'a> {
    cols: &'a Columns,
    /// The block's rows, centred, row-major.
    x: &'a [f64],
    /// Their squared norms.
    norms: &'a [f64],
    /// Where each of them sits among the columns (its distance to itself counts 0).
    slots: &'a [(usize, usize)],
    d: usize,
    k: usize,
}

impl ClusterSums<'_> {
    /// Adds the distances from rows `first..first + R` to the columns' blocks `blocks` into
    /// `acc` (per row and cluster, per lane).
    #[inline(always)]
    fn tile<const R: usize, const FMA: bool>(
        &self,
        first: usize,
        blocks: std::ops::Range<usize>,
        acc: &mut [[f64; LANES]],
    ) {
        let (d, k) = (self.d, self.k);
        let rows: [&[f64]; R] =
            std::array::from_fn(|r| &self.x[(first + r) * d..(first + r + 1) * d]);
        for b in blocks {
            let cols = &self.cols.lanes[b * d..(b + 1) * d];
            let mut dot = [[0.0f64; LANES]; R];
            for (f, c) in cols.iter().enumerate() {
                for r in 0..R {
                    let v = rows[r][f];
                    for l in 0..LANES {
                        dot[r][l] = mul_add::<f64, FMA>(v, c[l], dot[r][l]);
                    }
                }
            }
            let (norms, mask, code) = (&self.cols.norms[b], &self.cols.mask[b], self.cols.code[b]);
            for r in 0..R {
                let ni = self.norms[first + r];
                let mut dist = [0.0f64; LANES];
                for l in 0..LANES {
                    let sq = mul_add::<f64, FMA>(-2.0, dot[r][l], ni + norms[l]);
                    dist[l] = sq.max(0.0).sqrt() * mask[l];
                }
                let (own_block, own_lane) = self.slots[first + r];
                if own_block == b {
                    dist[own_lane] = 0.0;
                }
                let sums = &mut acc[(first + r) * k + code];
                for l in 0..LANES {
                    sums[l] += dist[l];
                }
            }
        }
    }
}

impl Kernel for ClusterSums<'_> {
    type Output = Vec<f64>;

    #[inline(always)]
    fn run<const FMA: bool>(self) -> Vec<f64> {
        let (rows, k) = (self.norms.len(), self.k);
        let mut acc = vec![[0.0f64; LANES]; rows * k];
        let n_blocks = self.cols.norms.len();
        let tile_blocks = (COL_TILE / LANES).max(1);
        for tile in (0..n_blocks).step_by(tile_blocks) {
            let blocks = tile..(tile + tile_blocks).min(n_blocks);
            let grouped = rows - rows % ROWS;
            for first in (0..grouped).step_by(ROWS) {
                self.tile::<ROWS, FMA>(first, blocks.clone(), &mut acc);
            }
            for first in grouped..rows {
                self.tile::<1, FMA>(first, blocks.clone(), &mut acc);
            }
        }
        acc.iter().map(|lanes| lanes.iter().sum::<f64>()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line() -> Matrix<f64> {
        Matrix::new(vec![0.0, 1.0, 10.0, 11.0, 12.0], 5, 1).unwrap()
    }

    #[test]
    fn matches_hand_computation() {
        let s = silhouette(&line(), &[0, 0, 1, 1, 1]).unwrap();
        // Sample 0: a = 1, b = (10 + 11 + 12) / 3 = 11.
        assert!((s.samples[0] - 10.0 / 11.0).abs() < 1e-15);
        // Sample 3: a = (1 + 1) / 2 = 1, b = (11 + 10) / 2 = 10.5.
        assert!((s.samples[3] - 9.5 / 10.5).abs() < 1e-15);
        assert_eq!(s.per_cluster.len(), 2);
        assert_eq!(s.per_cluster[1].size, 3);
        let mean: f64 = s.samples.iter().sum::<f64>() / 5.0;
        assert!((s.score - mean).abs() < 1e-15);
    }

    #[test]
    fn precomputed_euclidean_distances_give_the_same_silhouette() {
        let x = line();
        let labels = [0, 0, 1, 1, 2];
        let d: Vec<f64> = x
            .iter_rows()
            .flat_map(|a| x.iter_rows().map(move |b| (a[0] - b[0]).abs()))
            .collect();
        let d = Matrix::new(d, 5, 5).unwrap();
        assert_eq!(
            silhouette_precomputed(&d, &labels).unwrap(),
            silhouette(&x, &labels).unwrap()
        );
        let e = silhouette_precomputed(&Matrix::new(vec![0.0; 10], 5, 2).unwrap(), &labels);
        assert_eq!(
            e.unwrap_err().to_string(),
            "the distance matrix has 2 columns but 5 were expected"
        );
    }

    #[test]
    fn singleton_clusters_score_zero() {
        let s = silhouette_samples(&line(), &[0, 1, 1, 1, 1]).unwrap();
        assert_eq!(s[0], 0.0);
    }

    #[test]
    fn duplicated_points_score_zero_not_nan() {
        let x = Matrix::new(vec![1.0f64; 4], 4, 1).unwrap();
        assert_eq!(silhouette_samples(&x, &[0, 0, 1, 1]).unwrap(), vec![0.0; 4]);
    }

    #[test]
    fn one_label_is_an_error() {
        let e = silhouette_score(&line(), &[3; 5]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "silhouette needs between 2 and n - 1 = 4 distinct labels; the labels have 1"
        );
    }

    #[test]
    fn sampled_is_seeded_and_exact_when_the_sample_is_everything() {
        let x = line();
        let labels = [0, 0, 1, 1, 1];
        assert_eq!(
            silhouette_score_sampled(&x, &labels, 10, 1).unwrap(),
            silhouette_score(&x, &labels).unwrap()
        );
        let a = silhouette_score_sampled(&x, &labels, 4, 9).unwrap();
        let b = silhouette_score_sampled(&x, &labels, 4, 9).unwrap();
        assert_eq!(a, b);
        let e = silhouette_score_sampled(&x, &labels, 1, 9).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid parameter `sample_size` = 1: must be at least 2"
        );
    }
}
