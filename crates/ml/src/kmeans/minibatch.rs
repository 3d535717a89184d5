//! Mini-batch k-means (Sculley 2010) for large or streaming data, following scikit-learn's
//! `MiniBatchKMeans`: batches drawn with replacement, per-centroid learning rate
//! `1 / (rows seen)`, random reassignment of starved centroids, early stopping on an
//! exponentially weighted average of the batch inertia.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::Data;
use super::init::kmeans_plusplus;
use super::lloyd::{GROUP, Prepared};
use crate::error::{Error, Result};
use crate::matrix::{Float, Matrix, squared_distance};

/// Mini-batch k-means parameters as the user gives them; built with
/// [`MiniBatchKMeans::params`] and setters, each documenting its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MiniBatchKMeansParams {
    k: usize,
    #[serde(default = "default_batch_size")]
    batch_size: usize,
    #[serde(default = "default_max_epochs")]
    max_epochs: usize,
    #[serde(default)]
    tol: f64,
    #[serde(default = "default_max_no_improvement")]
    max_no_improvement: usize,
    #[serde(default = "default_reassignment_ratio")]
    reassignment_ratio: f64,
    #[serde(default)]
    init_size: Option<usize>,
    #[serde(default = "default_n_init")]
    n_init: usize,
    #[serde(default)]
    seed: u64,
}

fn default_batch_size() -> usize {
    1024
}
fn default_max_epochs() -> usize {
    100
}
fn default_max_no_improvement() -> usize {
    10
}
fn default_reassignment_ratio() -> f64 {
    0.01
}
fn default_n_init() -> usize {
    3
}

impl MiniBatchKMeansParams {
    /// Rows per batch. Default: 1024.
    pub fn batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = batch_size;
        self
    }

    /// Largest number of passes over the data (in rows drawn, not distinct rows), as
    /// scikit-learn's `max_iter`. Default: 100.
    pub fn max_epochs(mut self, max_epochs: usize) -> Self {
        self.max_epochs = max_epochs;
        self
    }

    /// Stop when the sum of squared centroid moves in one step is at most
    /// `tol × mean column variance`. Default: 0 (this criterion off).
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }

    /// Stop after this many consecutive steps without improvement of the smoothed batch
    /// inertia; 0 turns the criterion off. Default: 10.
    pub fn max_no_improvement(mut self, steps: usize) -> Self {
        self.max_no_improvement = steps;
        self
    }

    /// Centroids that received less than this fraction of the largest centroid's rows are
    /// moved to random rows of the batch (every `10 × k` rows seen). Default: 0.01; 0 never
    /// moves them.
    pub fn reassignment_ratio(mut self, ratio: f64) -> Self {
        self.reassignment_ratio = ratio;
        self
    }

    /// Rows drawn to run k-means++ on, and to compare initialisations. Default:
    /// `3 × batch_size` (at least `3 × k`, at most the number of rows).
    pub fn init_size(mut self, rows: usize) -> Self {
        self.init_size = Some(rows);
        self
    }

    /// Initialisations tried; the one with the lowest inertia on the initialisation rows is
    /// kept. Default: 3 (scikit-learn's choice for mini-batch k-means++).
    pub fn n_init(mut self, n_init: usize) -> Self {
        self.n_init = n_init;
        self
    }

    /// Seed of the random generator (ChaCha8). Default: 0.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Validates the parameters (everything that does not depend on the data).
    pub fn check(&self) -> Result<&Self> {
        let at_least_one = [
            ("batch_size", self.batch_size),
            ("max_epochs", self.max_epochs),
            ("n_init", self.n_init),
        ];
        if self.k < 2 {
            return Err(Error::param("k", self.k, "must be at least 2"));
        }
        for (name, value) in at_least_one {
            if value < 1 {
                return Err(Error::param(name, value, "must be at least 1"));
            }
        }
        if !(self.tol.is_finite() && self.tol >= 0.0) {
            return Err(Error::param(
                "tol",
                self.tol,
                "must be a finite number, at least 0",
            ));
        }
        if !(self.reassignment_ratio.is_finite() && self.reassignment_ratio >= 0.0) {
            return Err(Error::param(
                "reassignment_ratio",
                self.reassignment_ratio,
                "must be a finite number, at least 0",
            ));
        }
        if let Some(rows) = self.init_size
            && rows < self.k
        {
            return Err(Error::param(
                "init_size",
                rows,
                format!("must be at least k = {}", self.k),
            ));
        }
        Ok(self)
    }

    /// Fits on all of `x`: batches drawn at random until convergence or `max_epochs`, then
    /// every row labelled and the inertia computed on the whole data.
    pub fn fit<F: Float>(&self, x: &Matrix<F>) -> Result<MiniBatchKMeans<F>> {
        self.check()?;
        check_data(x, self.k, "mini-batch k-means")?;
        let (n, d) = (x.rows(), x.cols());
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let init_size = self
            .init_size
            .unwrap_or(3 * self.batch_size)
            .max(3 * self.k)
            .min(n);
        let ones = vec![1.0; n.max(init_size)];
        let valid: Vec<usize> = (0..init_size).map(|_| rng.random_range(0..n)).collect();
        let valid_x = x.select_rows(&valid);
        let valid_data = Data::new(valid_x.as_slice(), &ones[..init_size], d);
        let mut best: Option<(f64, Vec<F>)> = None;
        for _ in 0..self.n_init {
            let rows: Vec<usize> = (0..init_size).map(|_| rng.random_range(0..n)).collect();
            let sub = x.select_rows(&rows);
            let data = Data::new(sub.as_slice(), &ones[..init_size], d);
            let centers = kmeans_plusplus(&data, self.k, &mut rng);
            let (_, inertia) = assign(&valid_data, &centers, self.k);
            if best.as_ref().is_none_or(|b| inertia < b.0) {
                best = Some((inertia, centers));
            }
        }
        let centers = best.map(|b| b.1).unwrap_or_default();
        let mut model = MiniBatchKMeans {
            params: self.clone(),
            centers,
            counts: vec![0.0; self.k],
            rng,
            d,
            n_steps: 0,
            since_reassign: 0,
            labels: Vec::new(),
            inertia: 0.0,
        };

        let tol = self.tol * x.column_variances().iter().sum::<f64>() / d as f64;
        let batch = self.batch_size.min(n);
        let n_steps = (self.max_epochs * n) / batch;
        let mut ewa: Option<f64> = None;
        let mut ewa_min: Option<f64> = None;
        let mut no_improvement = 0;
        for step in 0..n_steps {
            let rows: Vec<usize> = (0..batch).map(|_| model.rng.random_range(0..n)).collect();
            let b = x.select_rows(&rows);
            let (batch_inertia, shift) = model.step(&b);
            // The first step's inertia measures the initialisation, not the progress.
            if step == 0 {
                continue;
            }
            let batch_inertia = batch_inertia / batch as f64;
            let alpha = (batch as f64 * 2.0 / (n as f64 + 1.0)).min(1.0);
            let smoothed = ewa.map_or(batch_inertia, |e| e * (1.0 - alpha) + batch_inertia * alpha);
            ewa = Some(smoothed);
            if tol > 0.0 && shift <= tol {
                break;
            }
            if ewa_min.is_none_or(|m| smoothed < m) {
                no_improvement = 0;
                ewa_min = Some(smoothed);
            } else {
                no_improvement += 1;
            }
            if self.max_no_improvement > 0 && no_improvement >= self.max_no_improvement {
                break;
            }
        }
        model.label_all(x);
        Ok(model)
    }

    /// Starts a streaming model from its first batch: k-means++ on the batch (which needs at
    /// least k rows), then one update with it. Continue with [`MiniBatchKMeans::partial_fit`].
    pub fn partial_fit<F: Float>(&self, batch: &Matrix<F>) -> Result<MiniBatchKMeans<F>> {
        self.check()?;
        check_data(batch, self.k, "the first batch of mini-batch k-means")?;
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let ones = vec![1.0; batch.rows()];
        let data = Data::new(batch.as_slice(), &ones, batch.cols());
        let centers = kmeans_plusplus(&data, self.k, &mut rng);
        let mut model = MiniBatchKMeans {
            params: self.clone(),
            centers,
            counts: vec![0.0; self.k],
            rng,
            d: batch.cols(),
            n_steps: 0,
            since_reassign: 0,
            labels: Vec::new(),
            inertia: 0.0,
        };
        model.step(batch);
        model.label_all(batch);
        Ok(model)
    }
}

fn check_data<F: Float>(x: &Matrix<F>, k: usize, what: &str) -> Result<()> {
    x.check_not_empty("the data")?;
    if k > x.rows() {
        return Err(Error::TooFewRows {
            what: format!("{what} with k = {k}"),
            needed: k,
            rows: x.rows(),
        });
    }
    Ok(())
}

/// The nearest centroid of every row and the total squared distance, in group order.
fn assign<F: Float>(data: &Data<F>, centers: &[F], k: usize) -> (Vec<usize>, f64) {
    let prepared = Prepared::new(centers, k, data.d);
    let d = data.d;
    let mut labels = vec![0; data.n];
    let partials: Vec<f64> = labels
        .par_chunks_mut(GROUP)
        .enumerate()
        .map(|(g, labels)| {
            let mut total = 0.0;
            for (r, label) in labels.iter_mut().enumerate() {
                let i = g * GROUP + r;
                let row = data.row(i);
                *label = prepared.nearest(row);
                total += data.w[i]
                    * squared_distance(row, &centers[*label * d..(*label + 1) * d]).to_f64();
            }
            total
        })
        .collect();
    (labels, partials.iter().sum())
}

/// A mini-batch k-means model, fitted on all data or updated batch by batch.
#[derive(Debug, Clone)]
pub struct MiniBatchKMeans<F: Float> {
    params: MiniBatchKMeansParams,
    centers: Vec<F>,
    counts: Vec<f64>,
    rng: ChaCha8Rng,
    d: usize,
    n_steps: usize,
    since_reassign: usize,
    labels: Vec<usize>,
    inertia: f64,
}

impl MiniBatchKMeans<f64> {
    /// Default parameters for `k` clusters:
    /// `MiniBatchKMeans::params(8).batch_size(4096).seed(1).fit(&x)`.
    pub fn params(k: usize) -> MiniBatchKMeansParams {
        MiniBatchKMeansParams {
            k,
            batch_size: default_batch_size(),
            max_epochs: default_max_epochs(),
            tol: 0.0,
            max_no_improvement: default_max_no_improvement(),
            reassignment_ratio: default_reassignment_ratio(),
            init_size: None,
            n_init: default_n_init(),
            seed: 0,
        }
    }
}

impl<F: Float> MiniBatchKMeans<F> {
    /// Number of clusters.
    pub fn k(&self) -> usize {
        self.counts.len()
    }

    /// The centroids, one row per cluster.
    pub fn centroids(&self) -> Matrix<F> {
        Matrix::from_parts_unchecked(self.centers.clone(), self.k(), self.d)
    }

    /// Rows that each centroid has absorbed so far (its learning rate is the inverse).
    pub fn counts(&self) -> &[f64] {
        &self.counts
    }

    /// The cluster of every row of the data last given to `fit` or `partial_fit`.
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// Sum of squared distances from the rows of the data last given to `fit` or
    /// `partial_fit` to their centroids.
    pub fn inertia(&self) -> f64 {
        self.inertia
    }

    /// Batches processed so far.
    pub fn n_steps(&self) -> usize {
        self.n_steps
    }

    /// Updates the centroids with one more batch (any number of rows, same columns).
    pub fn partial_fit(&mut self, batch: &Matrix<F>) -> Result<()> {
        self.check_columns(batch, "the batch")?;
        batch.check_not_empty("the batch")?;
        self.step(batch);
        self.label_all(batch);
        Ok(())
    }

    /// The nearest centroid of every row of `x`.
    pub fn predict(&self, x: &Matrix<F>) -> Result<Vec<usize>> {
        self.check_columns(x, "the new data")?;
        let ones = vec![1.0; x.rows()];
        let data = Data::new(x.as_slice(), &ones, self.d);
        Ok(assign(&data, &self.centers, self.k()).0)
    }

    fn check_columns(&self, x: &Matrix<F>, what: &'static str) -> Result<()> {
        if x.cols() != self.d {
            return Err(Error::ColumnMismatch {
                what,
                expected: self.d,
                found: x.cols(),
            });
        }
        Ok(())
    }

    fn label_all(&mut self, x: &Matrix<F>) {
        let ones = vec![1.0; x.rows()];
        let data = Data::new(x.as_slice(), &ones, self.d);
        (self.labels, self.inertia) = assign(&data, &self.centers, self.k());
    }

    /// One mini-batch update; returns the batch inertia (before the update) and the sum of
    /// squared centroid moves.
    fn step(&mut self, batch: &Matrix<F>) -> (f64, f64) {
        let (k, d) = (self.k(), self.d);
        let ones = vec![1.0; batch.rows()];
        let data = Data::new(batch.as_slice(), &ones, d);
        let (labels, batch_inertia) = assign(&data, &self.centers, k);
        let old = self.centers.clone();
        let mut sums = vec![0.0f64; k * d];
        let mut weights = vec![0.0f64; k];
        for (row, &l) in batch.iter_rows().zip(&labels) {
            weights[l] += 1.0;
            for (s, v) in sums[l * d..(l + 1) * d].iter_mut().zip(row) {
                *s += v.to_f64();
            }
        }
        for j in 0..k {
            if weights[j] > 0.0 {
                let total = self.counts[j] + weights[j];
                for f in 0..d {
                    let v = (old[j * d + f].to_f64() * self.counts[j] + sums[j * d + f]) / total;
                    self.centers[j * d + f] = F::from_f64(v);
                }
                self.counts[j] = total;
            }
        }
        self.since_reassign += batch.rows();
        if self.params.reassignment_ratio > 0.0
            && (self.counts.contains(&0.0) || self.since_reassign >= 10 * k)
        {
            self.since_reassign = 0;
            self.reassign(batch);
        }
        self.n_steps += 1;
        let shift = old
            .iter()
            .zip(&self.centers)
            .map(|(a, b)| (a.to_f64() - b.to_f64()).powi(2))
            .sum();
        (batch_inertia, shift)
    }

    /// Moves centroids that absorbed too few rows to random rows of the batch.
    fn reassign(&mut self, batch: &Matrix<F>) {
        let max = self.counts.iter().copied().fold(0.0, f64::max);
        let limit = self.params.reassignment_ratio * max;
        let mut starved: Vec<usize> = (0..self.k()).filter(|&j| self.counts[j] < limit).collect();
        let cap = batch.rows() / 2;
        if starved.len() > cap {
            // Keep only the most starved, as scikit-learn does.
            starved.sort_by(|&a, &b| self.counts[a].total_cmp(&self.counts[b]).then(a.cmp(&b)));
            starved.truncate(cap);
            starved.sort_unstable();
        }
        if starved.is_empty() {
            return;
        }
        let rows = rand::seq::index::sample(&mut self.rng, batch.rows(), starved.len()).into_vec();
        let d = self.d;
        for (&j, &r) in starved.iter().zip(&rows) {
            self.centers[j * d..(j + 1) * d].copy_from_slice(batch.row(r));
        }
        // Not reset to zero, so that they are not moved again at once (as scikit-learn does).
        let floor = (0..self.k())
            .filter(|j| !starved.contains(j))
            .map(|j| self.counts[j])
            .fold(f64::INFINITY, f64::min);
        for &j in &starved {
            self.counts[j] = if floor.is_finite() { floor } else { 0.0 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::adjusted_rand_score;
    use crate::{KMeans, make_blobs};

    fn blobs(n: usize, seed: u64) -> (Matrix<f64>, Vec<usize>) {
        let centers = Matrix::from_rows(&[
            [0.0, 0.0, 0.0],
            [12.0, 0.0, 0.0],
            [0.0, 12.0, 0.0],
            [0.0, 0.0, 12.0],
        ])
        .unwrap();
        make_blobs(n, &centers, 1.0, seed).unwrap()
    }

    #[test]
    fn validation_messages() {
        let x = blobs(10, 1).0;
        let cases = [
            (
                MiniBatchKMeans::params(1),
                "invalid parameter `k` = 1: must be at least 2",
            ),
            (
                MiniBatchKMeans::params(2).batch_size(0),
                "invalid parameter `batch_size` = 0: must be at least 1",
            ),
            (
                MiniBatchKMeans::params(2).max_epochs(0),
                "invalid parameter `max_epochs` = 0: must be at least 1",
            ),
            (
                MiniBatchKMeans::params(2).n_init(0),
                "invalid parameter `n_init` = 0: must be at least 1",
            ),
            (
                MiniBatchKMeans::params(2).tol(-0.5),
                "invalid parameter `tol` = -0.5: must be a finite number, at least 0",
            ),
            (
                MiniBatchKMeans::params(2).reassignment_ratio(f64::INFINITY),
                "invalid parameter `reassignment_ratio` = inf: must be a finite number, at least 0",
            ),
            (
                MiniBatchKMeans::params(3).init_size(2),
                "invalid parameter `init_size` = 2: must be at least k = 3",
            ),
            (
                MiniBatchKMeans::params(11),
                "mini-batch k-means with k = 11 needs at least 11 rows; the data has 10",
            ),
        ];
        for (p, message) in cases {
            assert_eq!(p.fit(&x).unwrap_err().to_string(), message);
        }
    }

    #[test]
    fn close_to_full_kmeans_on_blobs() {
        let (x, truth) = blobs(20_000, 2);
        let mb = MiniBatchKMeans::params(4).seed(3).fit(&x).unwrap();
        let full = KMeans::params(4).seed(3).n_init(3).fit(&x).unwrap();
        assert_eq!(adjusted_rand_score(&truth, mb.labels()).unwrap(), 1.0);
        assert!(
            mb.inertia() <= full.inertia() * 1.01,
            "{} vs {}",
            mb.inertia(),
            full.inertia()
        );
        assert_eq!(mb.predict(&x).unwrap(), mb.labels());
        assert!(
            mb.n_steps() < 100 * 20_000 / 1024,
            "early stopping should trigger"
        );
    }

    #[test]
    fn streaming_batches_converge() {
        let (x, truth) = blobs(8_000, 4);
        // Rows are grouped by blob: shuffle them into a stream of batches of 500.
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let order = rand::seq::index::sample(&mut rng, x.rows(), x.rows()).into_vec();
        let shuffled = x.select_rows(&order);
        let batches: Vec<Matrix<f64>> = order.chunks(500).map(|c| x.select_rows(c)).collect();
        let mut model = MiniBatchKMeans::params(4)
            .seed(1)
            .partial_fit(&batches[0])
            .unwrap();
        for b in &batches[1..] {
            model.partial_fit(b).unwrap();
        }
        assert_eq!(model.n_steps(), 16);
        assert_eq!(model.counts().iter().sum::<f64>(), 8_000.0);
        let labels = model.predict(&shuffled).unwrap();
        let truth: Vec<usize> = order.iter().map(|&i| truth[i]).collect();
        assert_eq!(adjusted_rand_score(&truth, &labels).unwrap(), 1.0);
        let wrong = Matrix::new(vec![0.0; 2], 1, 2).unwrap();
        assert_eq!(
            model.partial_fit(&wrong).unwrap_err().to_string(),
            "the batch has 2 columns but 3 were expected"
        );
    }

    #[test]
    fn same_seed_same_result_with_one_or_two_threads() {
        let (x, _) = blobs(30_000, 6);
        let run = || {
            let m = MiniBatchKMeans::params(5)
                .seed(2)
                .batch_size(2048)
                .fit(&x)
                .unwrap();
            (m.centroids(), m.labels().to_vec(), m.n_steps())
        };
        let (one, two) = crate::test_support::one_and_two_threads(run);
        assert_eq!(one, two);
    }
}
