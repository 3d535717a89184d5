//! Gower's distance between rows of mixed numeric and categorical data (Gower 1971).
//!
//! ```
//! use cible_ml::{Gower, MixedData};
//!
//! let accounts = MixedData::from_rows(&[[0.0], [5.0], [10.0]], &[[0u32], [0], [1]])?;
//! let gower = Gower::fit(&accounts)?;
//! // Rows 0 and 1: |0 − 5| / 10 on the numeric column, 0 on the categorical one; averaged.
//! assert_eq!(gower.pair(&accounts, 0, &accounts, 1)?, 0.25);
//! // Rows 0 and 2: 1 and 1.
//! assert_eq!(gower.pair(&accounts, 0, &accounts, 2)?, 1.0);
//! # Ok::<(), cible_ml::Error>(())
//! ```
//!
//! Each column contributes a dissimilarity between 0 and 1: `|x − y| / range` for a numeric
//! column (its range, largest minus smallest value, taken from the data the distance is fitted
//! on; a constant column contributes 0), and 0 or 1 for a categorical column (same code or
//! not). The distance is their weighted mean: `Σ w_c d_c / Σ w_c`, every weight 1 by default.
//! Values of new rows outside the fitted range give numeric contributions above 1; they are
//! not clipped.
//!
//! Distances are computed from one row to many ([`Gower::row_distances`]), from a block of rows
//! to many in parallel ([`Gower::distances`]), or for all pairs of a small data set
//! ([`Gower::matrix`], n² values). The silhouette on Gower's distance
//! ([`Gower::silhouette`]) streams rows and needs O(n) memory, not n².

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::metrics::{Silhouette, sample_rows, silhouette_with};
use crate::mixed::MixedData;

/// Parameters of Gower's distance: the weight of each column. Built by [`Gower::params`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GowerParams {
    #[serde(default)]
    numeric_weights: Option<Vec<f64>>,
    #[serde(default)]
    categorical_weights: Option<Vec<f64>>,
}

impl GowerParams {
    /// One weight per numeric column and one per categorical column, finite and
    /// non-negative, not all zero. Default: every weight 1.
    pub fn weights(mut self, numeric: Vec<f64>, categorical: Vec<f64>) -> Self {
        self.numeric_weights = Some(numeric);
        self.categorical_weights = Some(categorical);
        self
    }

    /// Validates the weights (everything that does not depend on the data).
    pub fn check(&self) -> Result<&Self> {
        let all = self
            .numeric_weights
            .iter()
            .chain(&self.categorical_weights)
            .flatten();
        if let Some(w) = all.clone().find(|w| !(w.is_finite() && **w >= 0.0)) {
            return Err(Error::param(
                "weights",
                w,
                "each weight must be finite and at least 0",
            ));
        }
        if self.numeric_weights.is_some() && !all.clone().any(|&w| w > 0.0) {
            return Err(Error::param(
                "weights",
                "all 0",
                "at least one weight must be positive",
            ));
        }
        Ok(self)
    }

    /// Checks the weights and fits the distance to `data`: the range of every numeric column.
    pub fn fit(&self, data: &MixedData) -> Result<Gower> {
        self.check()?;
        data.check_not_empty("the data")?;
        let (p, q) = (data.numeric_cols(), data.categorical_cols());
        let numeric_weights = self.numeric_weights.clone().unwrap_or(vec![1.0; p]);
        let categorical_weights = self.categorical_weights.clone().unwrap_or(vec![1.0; q]);
        if numeric_weights.len() != p {
            return Err(Error::ColumnMismatch {
                what: "the numeric weights",
                expected: p,
                found: numeric_weights.len(),
            });
        }
        if categorical_weights.len() != q {
            return Err(Error::ColumnMismatch {
                what: "the categorical weights",
                expected: q,
                found: categorical_weights.len(),
            });
        }
        let mut min = vec![f64::INFINITY; p];
        let mut max = vec![f64::NEG_INFINITY; p];
        for row in data.numeric().iter_rows() {
            for ((lo, hi), &v) in min.iter_mut().zip(max.iter_mut()).zip(row) {
                *lo = lo.min(v);
                *hi = hi.max(v);
            }
        }
        let ranges: Vec<f64> = min.iter().zip(&max).map(|(lo, hi)| hi - lo).collect();
        let total: f64 = numeric_weights.iter().chain(&categorical_weights).sum();
        // Each column's factor, divided by the total weight once here rather than per pair.
        let numeric_factors = ranges
            .iter()
            .zip(&numeric_weights)
            .map(|(&r, &w)| if r > 0.0 { w / r / total } else { 0.0 })
            .collect();
        let categorical_factors = categorical_weights.iter().map(|w| w / total).collect();
        Ok(Gower {
            ranges,
            numeric_weights,
            categorical_weights,
            numeric_factors,
            categorical_factors,
        })
    }
}

/// Gower's distance fitted to a data set: column ranges and weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gower {
    ranges: Vec<f64>,
    numeric_weights: Vec<f64>,
    categorical_weights: Vec<f64>,
    numeric_factors: Vec<f64>,
    categorical_factors: Vec<f64>,
}

/// Rows per unit of parallel work in [`Gower::distances`] and the silhouette.
const BLOCK: usize = 64;

impl Gower {
    /// Default parameters: every column weighs 1.
    pub fn params() -> GowerParams {
        GowerParams::default()
    }

    /// Gower's distance with every column weighing 1, fitted to `data`.
    pub fn fit(data: &MixedData) -> Result<Gower> {
        Gower::params().fit(data)
    }

    /// The range (largest minus smallest value) of each numeric column of the fitted data.
    pub fn ranges(&self) -> &[f64] {
        &self.ranges
    }

    /// The weight of each numeric column.
    pub fn numeric_weights(&self) -> &[f64] {
        &self.numeric_weights
    }

    /// The weight of each categorical column.
    pub fn categorical_weights(&self) -> &[f64] {
        &self.categorical_weights
    }

    fn check_columns(&self, data: &MixedData, what: &'static str) -> Result<()> {
        if data.numeric_cols() != self.ranges.len() {
            return Err(Error::ColumnMismatch {
                what,
                expected: self.ranges.len(),
                found: data.numeric_cols(),
            });
        }
        if data.categorical_cols() != self.categorical_weights.len() {
            return Err(Error::ColumnMismatch {
                what,
                expected: self.categorical_weights.len(),
                found: data.categorical_cols(),
            });
        }
        Ok(())
    }

    /// The distance between row `i` of `a` and row `j` of `b`. Panics when a row is out of
    /// bounds.
    pub fn pair(&self, a: &MixedData, i: usize, b: &MixedData, j: usize) -> Result<f64> {
        self.check_columns(a, "the first data")?;
        self.check_columns(b, "the second data")?;
        Ok(self.kernel(
            a.numeric_row(i),
            a.categorical_row(i),
            b.numeric_row(j),
            b.categorical_row(j),
        ))
    }

    /// `Σ factor × |x − y| + Σ factor × [a ≠ b]`, in column order.
    #[inline]
    fn kernel(&self, x: &[f64], a: &[u32], y: &[f64], b: &[u32]) -> f64 {
        let mut d = 0.0;
        for ((&u, &v), &f) in x.iter().zip(y).zip(&self.numeric_factors) {
            d += f * (u - v).abs();
        }
        for ((u, v), &f) in a.iter().zip(b).zip(&self.categorical_factors) {
            if u != v {
                d += f;
            }
        }
        d
    }

    /// The distances from row `i` of `data` to every row of `others`, into `out` (one value
    /// per row of `others`). O(1) extra memory.
    pub fn row_distances(
        &self,
        data: &MixedData,
        i: usize,
        others: &MixedData,
        out: &mut [f64],
    ) -> Result<()> {
        self.check_columns(data, "the data")?;
        self.check_columns(others, "the other data")?;
        if out.len() != others.rows() {
            return Err(Error::LengthMismatch {
                what: "the output",
                rows: others.rows(),
                found: out.len(),
            });
        }
        self.fill(data, i, others, out);
        Ok(())
    }

    /// [`Gower::row_distances`] without the checks.
    fn fill(&self, data: &MixedData, i: usize, others: &MixedData, out: &mut [f64]) {
        let (x, a) = (data.numeric_row(i), data.categorical_row(i));
        for (j, o) in out.iter_mut().enumerate() {
            *o = self.kernel(x, a, others.numeric_row(j), others.categorical_row(j));
        }
    }

    /// The distances from every row of `rows` to every row of `others`: a `rows × others`
    /// matrix, computed in parallel over blocks of rows. Memory is the result's: to go through
    /// many rows, call it on blocks of them, or use [`Gower::row_distances`].
    pub fn distances(&self, rows: &MixedData, others: &MixedData) -> Result<Matrix<f64>> {
        self.check_columns(rows, "the rows")?;
        self.check_columns(others, "the other rows")?;
        let m = others.rows();
        let mut out = vec![0.0; rows.rows() * m];
        if m > 0 {
            out.par_chunks_mut(BLOCK * m)
                .enumerate()
                .for_each(|(b, block)| {
                    for (r, row) in block.chunks_exact_mut(m).enumerate() {
                        self.fill(rows, b * BLOCK + r, others, row);
                    }
                });
        }
        Matrix::new(out, rows.rows(), m)
    }

    /// Every pairwise distance of `data`: an `n × n` symmetric matrix with zeros on the
    /// diagonal, for small data sets (n² values).
    pub fn matrix(&self, data: &MixedData) -> Result<Matrix<f64>> {
        self.distances(data, data)
    }

    /// The silhouette of `labels` on Gower's distance between the rows of `data` (see
    /// [`silhouette`](crate::metrics::silhouette) for the definition): exact, O(n²) time,
    /// parallel over rows, O(n) memory per thread instead of the n² matrix.
    pub fn silhouette(&self, data: &MixedData, labels: &[usize]) -> Result<Silhouette> {
        self.check_columns(data, "the data")?;
        silhouette_with(labels, data.rows(), |i, out| self.fill(data, i, data, out))
    }

    /// Mean silhouette on Gower's distance of a random subset of `sample_size` rows (without
    /// replacement, distances within the subset only), as
    /// [`silhouette_score_sampled`](crate::metrics::silhouette_score_sampled) draws it: the
    /// same `seed` draws the same rows. The exact score when `sample_size >= n`.
    pub fn silhouette_score_sampled(
        &self,
        data: &MixedData,
        labels: &[usize],
        sample_size: usize,
        seed: u64,
    ) -> Result<f64> {
        match sample_rows(data.rows(), labels, sample_size, seed)? {
            None => Ok(self.silhouette(data, labels)?.score),
            Some((rows, sub_labels)) => Ok(self
                .silhouette(&data.select_rows(&rows), &sub_labels)?
                .score),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::silhouette_precomputed;

    /// Four accounts: revenue (range 100 − 0 = 100), employees (range 50 − 10 = 40), a
    /// constant column (range 0), sector and size codes.
    fn fixture() -> MixedData {
        MixedData::from_rows(
            &[
                [0.0, 10.0, 7.0],
                [100.0, 50.0, 7.0],
                [50.0, 10.0, 7.0],
                [25.0, 30.0, 7.0],
            ],
            &[[0u32, 1], [1, 1], [0, 2], [1, 1]],
        )
        .unwrap()
    }

    #[test]
    fn hand_checked_pairs() {
        let x = fixture();
        let g = Gower::fit(&x).unwrap();
        assert_eq!(g.ranges(), &[100.0, 40.0, 0.0]);
        let d = |i, j| g.pair(&x, i, &x, j).unwrap();
        // Rows 0 and 1: 100/100 + 40/40 + 0 + 1 (sector) + 0 (size) = 3, over 5 columns.
        assert!((d(0, 1) - 3.0 / 5.0).abs() < 1e-15);
        // Rows 0 and 2: 50/100 + 0 + 0 + 0 + 1 = 1.5; / 5 = 0.3.
        assert!((d(0, 2) - 0.3).abs() < 1e-15);
        // Rows 2 and 3: 25/100 + 20/40 + 0 + 1 + 1 = 2.75; / 5 = 0.55.
        assert!((d(2, 3) - 0.55).abs() < 1e-15);
        assert_eq!(d(3, 3), 0.0);
        assert_eq!(d(1, 3), d(3, 1));
    }

    #[test]
    fn weights_change_the_average() {
        let x = fixture();
        let g = Gower::params()
            .weights(vec![2.0, 0.0, 1.0], vec![1.0, 0.0])
            .fit(&x)
            .unwrap();
        // Rows 2 and 3: (2 × 0.25 + 0 × 0.5 + 1 × 0 + 1 × 1 + 0 × 1) / (2 + 0 + 1 + 1 + 0) = 1.5 / 4.
        assert!((g.pair(&x, 2, &x, 3).unwrap() - 0.375).abs() < 1e-15);
    }

    #[test]
    fn weights_and_columns_are_checked() {
        let x = fixture();
        let fit = |n: Vec<f64>, c: Vec<f64>| {
            Gower::params()
                .weights(n, c)
                .fit(&x)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            fit(vec![1.0, -1.0, 1.0], vec![1.0, 1.0]),
            "invalid parameter `weights` = -1: each weight must be finite and at least 0"
        );
        assert_eq!(
            fit(vec![0.0; 3], vec![0.0; 2]),
            "invalid parameter `weights` = all 0: at least one weight must be positive"
        );
        assert_eq!(
            fit(vec![1.0; 2], vec![1.0; 2]),
            "the numeric weights has 2 columns but 3 were expected"
        );
        assert_eq!(
            fit(vec![1.0; 3], vec![1.0; 3]),
            "the categorical weights has 3 columns but 2 were expected"
        );
        let g = Gower::fit(&x).unwrap();
        let other = MixedData::from_rows(&[[0.0]], &[[0u32, 1]]).unwrap();
        assert_eq!(
            g.pair(&x, 0, &other, 0).unwrap_err().to_string(),
            "the second data has 1 columns but 3 were expected"
        );
        let mut out = vec![0.0; 3];
        assert_eq!(
            g.row_distances(&x, 0, &x, &mut out)
                .unwrap_err()
                .to_string(),
            "the output has 3 entries but the data has 4 rows"
        );
    }

    #[test]
    fn new_rows_outside_the_range_are_not_clipped_and_unseen_codes_differ() {
        let x = fixture();
        let g = Gower::fit(&x).unwrap();
        let new = MixedData::from_rows(&[[300.0, 10.0, 7.0]], &[[9u32, 1]]).unwrap();
        // 300/100 + 0 + 0 + 1 + 0 = 4; / 5 = 0.8.
        assert!((g.pair(&new, 0, &x, 0).unwrap() - 0.8).abs() < 1e-15);
    }

    #[test]
    fn blocked_distances_equal_pairs_and_the_matrix_is_symmetric() {
        // More rows than one block.
        let n = 2 * BLOCK + 5;
        let num: Vec<[f64; 2]> = (0..n)
            .map(|i| [(i * 7 % 13) as f64, (i % 5) as f64 * 0.5])
            .collect();
        let cat: Vec<[u32; 1]> = (0..n).map(|i| [(i % 3) as u32]).collect();
        let x = MixedData::from_rows(&num, &cat).unwrap();
        let g = Gower::fit(&x).unwrap();
        let m = g.matrix(&x).unwrap();
        for i in 0..n {
            assert_eq!(m.get(i, i), 0.0);
            for j in 0..n {
                assert_eq!(m.get(i, j), g.pair(&x, i, &x, j).unwrap());
                assert_eq!(m.get(i, j), m.get(j, i));
            }
        }
        let part = g.distances(&x.select_rows(&[3, 1]), &x).unwrap();
        assert_eq!(part.row(0), m.row(3));
        assert_eq!(part.row(1), m.row(1));
    }

    #[test]
    fn silhouette_streams_what_the_matrix_gives() {
        let x = fixture();
        let g = Gower::fit(&x).unwrap();
        let labels = [0, 1, 0, 1];
        let streamed = g.silhouette(&x, &labels).unwrap();
        let from_matrix = silhouette_precomputed(&g.matrix(&x).unwrap(), &labels).unwrap();
        assert_eq!(streamed, from_matrix);
        // Row 0: a = d(0, 2) = 0.3; b = (d(0, 1) + d(0, 3)) / 2 with
        // d(0, 3) = (25/100 + 20/40 + 0 + 1 + 0) / 5 = 0.35.
        let b = (0.6 + 0.35) / 2.0;
        assert!((streamed.samples[0] - (b - 0.3) / b).abs() < 1e-15);
        assert_eq!(
            g.silhouette_score_sampled(&x, &labels, 10, 1).unwrap(),
            streamed.score
        );
    }
}
