//! k-means clustering: greedy k-means++ initialisation, several initialisations keeping the
//! lowest inertia, Lloyd's iterations (by default with Hamerly's bounds, or Elkan's), sample
//! weights, `f32` or `f64`.
//!
//! ```
//! use cible_ml::{KMeans, Matrix};
//!
//! let x = Matrix::new(vec![0.0, 0.0, 0.1, 0.0, 5.0, 5.0, 5.1, 5.0], 4, 2)?;
//! let model = KMeans::params(2).seed(7).n_init(3).fit(&x)?;
//! assert_eq!(model.labels()[0], model.labels()[1]);
//! assert_ne!(model.labels()[0], model.labels()[2]);
//! assert_eq!(model.predict(&x)?, model.labels());
//! # Ok::<(), cible_ml::Error>(())
//! ```
//!
//! Edge cases: `k` must be at least 2 and at most the number of rows; an empty matrix is an
//! error; constant columns are allowed (they add the same amount to every distance, so they
//! change nothing); with fewer distinct rows than `k`, some centroids coincide and some
//! clusters stay empty or tiny (inertia 0), as in scikit-learn, which warns.
//!
//! The iterations follow scikit-learn's `KMeans` step for step (data centred on its column
//! means, nearest centroid by `‖c‖² − 2 x·c` with [`Algorithm::Lloyd`], by the exact
//! squared distance for the rows that Hamerly's or Elkan's bounds do not settle, empty
//! clusters moved to the farthest rows, stopping when labels no longer change or when the
//! squared centroid shift falls below `tol × mean column variance`), so that from the same
//! initial centroids it converges to the same centroids (the two ways of comparing distances
//! can differ only for a row equidistant from two centroids to within rounding). Results
//! depend only on the data, the parameters and the seed, never on the number of threads:
//! parallel work is split into fixed groups of rows whose partial sums are added in group
//! order.

mod elkan;
mod hamerly;
mod init;
mod lloyd;
mod minibatch;

pub use minibatch::{MiniBatchKMeans, MiniBatchKMeansParams};

pub(crate) use init::search;
pub(crate) use lloyd::{GROUP, sum_in_groups};

use std::fmt;
use std::str::FromStr;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::matrix::{Float, Matrix};

/// How the iterations find each row's nearest centroid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    /// Plain Lloyd iterations: every row against every centroid, in cache-friendly blocks.
    Lloyd,
    /// Elkan's triangle-inequality bounds: the same result with fewer distance computations
    /// when clusters are well separated, at the cost of `k` bounds per row in memory.
    Elkan,
    /// Hamerly's bounds (the default): one upper and one lower bound per row; rows that
    /// provably keep their cluster are skipped without being read, and the cluster sums change
    /// only by the rows that move. Lloyd's iterations (the same labels, the sums kept in
    /// `f64`), at a fraction of the cost once most rows have settled; with many clusters,
    /// rows are checked more often, but never cost much more than a Lloyd pass.
    #[default]
    Hamerly,
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Algorithm::Lloyd => "lloyd",
            Algorithm::Elkan => "elkan",
            Algorithm::Hamerly => "hamerly",
        })
    }
}

impl FromStr for Algorithm {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "lloyd" => Ok(Algorithm::Lloyd),
            "elkan" => Ok(Algorithm::Elkan),
            "hamerly" => Ok(Algorithm::Hamerly),
            _ => Err(Error::param(
                "algorithm",
                format!("\"{s}\""),
                "must be one of: lloyd, elkan, hamerly",
            )),
        }
    }
}

/// How the initial centroids are chosen.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Init {
    /// Greedy k-means++ (scikit-learn's default), seeded by [`KMeansParams::seed`].
    #[default]
    KMeansPlusPlus,
    /// These centroids, one row per cluster, in the data's columns (a single initialisation).
    Centroids(Vec<Vec<f64>>),
}

/// k-means parameters as the user gives them; [`KMeansParams::check`] validates them.
///
/// Built with [`KMeans::params`] and setters, each documenting its default:
/// `KMeans::params(6).seed(7).n_init(10)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KMeansParams {
    k: usize,
    #[serde(default)]
    init: Init,
    #[serde(default = "default_n_init")]
    n_init: usize,
    #[serde(default = "default_max_iter")]
    max_iter: usize,
    #[serde(default = "default_tol")]
    tol: f64,
    #[serde(default)]
    algorithm: Algorithm,
    #[serde(default)]
    seed: u64,
}

fn default_n_init() -> usize {
    1
}
fn default_max_iter() -> usize {
    300
}
fn default_tol() -> f64 {
    1e-4
}

impl KMeansParams {
    /// Parameters for `k` clusters with every other parameter at its default.
    pub fn new(k: usize) -> Self {
        KMeansParams {
            k,
            init: Init::default(),
            n_init: default_n_init(),
            max_iter: default_max_iter(),
            tol: default_tol(),
            algorithm: Algorithm::default(),
            seed: 0,
        }
    }

    /// The same parameters with another number of clusters.
    pub fn with_k(mut self, k: usize) -> Self {
        self.k = k;
        self
    }

    /// How initial centroids are chosen. Default: [`Init::KMeansPlusPlus`].
    pub fn init(mut self, init: Init) -> Self {
        self.init = init;
        self
    }

    /// Number of initialisations; the run with the lowest inertia is kept. Default: 1
    /// (scikit-learn's choice for k-means++); 10 gives more robust results at 10 times the
    /// cost. Must be 1 with [`Init::Centroids`].
    pub fn n_init(mut self, n_init: usize) -> Self {
        self.n_init = n_init;
        self
    }

    /// Largest number of iterations of one run. Default: 300.
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Convergence tolerance, relative to the mean variance of the columns: a run stops when
    /// the sum of squared centroid moves is at most `tol × mean column variance`. Default:
    /// 1e-4. With 0, a run stops only when no label changes (or at `max_iter`).
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }

    /// How the iterations find each row's nearest centroid. Default: [`Algorithm::Hamerly`].
    /// Every choice gives Lloyd's iterations.
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Seed of the random generator (ChaCha8). Default: 0. The same seed gives the same result
    /// whatever the number of threads.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The seed of the random generator.
    pub fn seed_value(&self) -> u64 {
        self.seed
    }

    /// Validates the parameters (everything that does not depend on the data).
    pub fn check(&self) -> Result<KMeansValidParams> {
        if self.k < 2 {
            return Err(Error::param("k", self.k, "must be at least 2"));
        }
        check_runs(self.n_init, self.max_iter)?;
        if !(self.tol.is_finite() && self.tol >= 0.0) {
            return Err(Error::param(
                "tol",
                self.tol,
                "must be a finite number, at least 0",
            ));
        }
        if let Init::Centroids(rows) = &self.init {
            check_given(self.k, rows.len(), self.n_init, "centroid")?;
            Matrix::from_rows(rows).map_err(|e| {
                Error::param(
                    "init",
                    "the given centroids",
                    format!("are not a valid matrix: {e}"),
                )
            })?;
        }
        Ok(KMeansValidParams(self.clone()))
    }

    /// Checks the parameters and fits k-means to `x` (every row weighing 1).
    pub fn fit<F: Float>(&self, x: &Matrix<F>) -> Result<KMeans<F>> {
        self.check()?.fit(x)
    }

    /// Checks the parameters and fits k-means to `x` with one non-negative weight per row.
    pub fn fit_weighted<F: Float>(&self, x: &Matrix<F>, weights: &[f64]) -> Result<KMeans<F>> {
        self.check()?.fit_weighted(x, weights)
    }
}

/// k-means parameters that passed [`KMeansParams::check`]; the only way to build one.
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansValidParams(KMeansParams);

impl KMeansValidParams {
    /// The validated parameters.
    pub fn params(&self) -> &KMeansParams {
        &self.0
    }

    /// Number of clusters.
    pub fn k(&self) -> usize {
        self.0.k
    }

    /// Fits k-means to `x`, every row weighing 1.
    pub fn fit<F: Float>(&self, x: &Matrix<F>) -> Result<KMeans<F>> {
        self.fit_inner(x, vec![1.0; x.rows()])
    }

    /// Fits k-means to `x` with one weight per row: finite, non-negative, not all zero. Rows of
    /// weight 0 are labelled but do not move centroids, and k-means++ draws them only once
    /// every row of positive weight is already a centroid.
    pub fn fit_weighted<F: Float>(&self, x: &Matrix<F>, weights: &[f64]) -> Result<KMeans<F>> {
        check_weights(weights, x.rows())?;
        self.fit_inner(x, weights.to_vec())
    }

    fn fit_inner<F: Float>(&self, x: &Matrix<F>, weights: Vec<f64>) -> Result<KMeans<F>> {
        let p = &self.0;
        x.check_not_empty("the data")?;
        let (n, d) = (x.rows(), x.cols());
        if p.k > n {
            return Err(Error::TooFewRows {
                what: format!("k-means with k = {}", p.k),
                needed: p.k,
                rows: n,
            });
        }
        let init_given = match &p.init {
            Init::KMeansPlusPlus => None,
            Init::Centroids(rows) => {
                let m = Matrix::<f64>::from_rows(rows)?;
                if m.cols() != d {
                    return Err(Error::ColumnMismatch {
                        what: "the initial centroids",
                        expected: d,
                        found: m.cols(),
                    });
                }
                Some(m.cast::<F>().into_vec())
            }
        };
        // Centre the data (as scikit-learn does): it makes ‖c‖² − 2 x·c accurate.
        let (centered, offset, mean_variance) = center_data(x);
        let tol = p.tol * mean_variance;
        let data = Data::new(&centered, &weights, d);

        let mut best: Option<Run<F>> = None;
        for run_index in 0..p.n_init {
            let start = match &init_given {
                Some(c) => center(c, &offset),
                None => {
                    let mut rng = ChaCha8Rng::seed_from_u64(p.seed);
                    rng.set_stream(run_index as u64);
                    init::kmeans_plusplus(&data, p.k, &mut rng)
                }
            };
            let run = match p.algorithm {
                Algorithm::Lloyd => iterate(&data, start, p.max_iter, tol, lloyd::Lloyd::new(n)),
                Algorithm::Elkan => {
                    let elkan = elkan::Elkan::new(&data, &start);
                    iterate(&data, start, p.max_iter, tol, elkan)
                }
                Algorithm::Hamerly => {
                    let hamerly = hamerly::Hamerly::new(n, p.k, d);
                    iterate(&data, start, p.max_iter, tol, hamerly)
                }
            };
            if best.as_ref().is_none_or(|b| run.inertia < b.inertia) {
                best = Some(run);
            }
        }
        let best = best.ok_or_else(|| Error::Internal {
            detail: "k-means ran no initialisation".into(),
        })?;
        let centroids: Vec<F> = best
            .centers
            .chunks_exact(d)
            .flat_map(|c| c.iter().zip(&offset).map(|(&v, &o)| v + o))
            .collect();
        Ok(KMeans {
            centroids: Matrix::from_parts_unchecked(centroids, p.k, d),
            centered_centroids: best.centers,
            offset,
            labels: best.labels,
            inertia: best.inertia,
            n_iter: best.n_iter,
            converged: best.converged,
        })
    }
}

/// The rows of `x` minus the column means, the means (rounded to `F`), and the mean of the
/// column variances; in parallel over groups of rows added in order.
fn center_data<F: Float>(x: &Matrix<F>) -> (Vec<F>, Vec<F>, f64) {
    let (n, d) = (x.rows(), x.cols());
    let block = lloyd::GROUP * d;
    let sum_columns = |parts: Vec<Vec<f64>>| {
        parts.into_iter().fold(vec![0.0; d], |mut acc, p| {
            acc.iter_mut().zip(&p).for_each(|(a, b)| *a += b);
            acc
        })
    };
    let sums = sum_columns(
        x.as_slice()
            .par_chunks(block)
            .map(|rows| {
                let mut s = vec![0.0; d];
                for row in rows.chunks_exact(d) {
                    s.iter_mut().zip(row).for_each(|(a, v)| *a += v.to_f64());
                }
                s
            })
            .collect(),
    );
    let offset: Vec<F> = sums.iter().map(|s| F::from_f64(s / n as f64)).collect();
    let mut centered = vec![F::ZERO; n * d];
    let squares = sum_columns(
        centered
            .par_chunks_mut(block)
            .zip(x.as_slice().par_chunks(block))
            .map(|(out, rows)| {
                let mut s = vec![0.0; d];
                for (o, row) in out.chunks_exact_mut(d).zip(rows.chunks_exact(d)) {
                    // Zipped slices, not indices: no bounds checks.
                    for ((o, &v), (&m, s)) in o.iter_mut().zip(row).zip(offset.iter().zip(&mut s)) {
                        *o = v - m;
                        *s += o.to_f64() * o.to_f64();
                    }
                }
                s
            })
            .collect(),
    );
    let mean_variance = squares.iter().sum::<f64>() / (n * d) as f64;
    (centered, offset, mean_variance)
}

/// `values` (rows of `offset.len()` columns) minus `offset`, row by row.
fn center<F: Float>(values: &[F], offset: &[F]) -> Vec<F> {
    values
        .chunks_exact(offset.len())
        .flat_map(|row| row.iter().zip(offset).map(|(&v, &o)| v - o))
        .collect()
}

/// The centred data and weights the iterations work on.
pub(crate) struct Data<'a, F> {
    x: &'a [F],
    w: &'a [f64],
    n: usize,
    d: usize,
    /// Whether every weight is one, so that the hot loops need not read them.
    unit_weights: bool,
}

impl<'a, F: Float> Data<'a, F> {
    /// `x`, row-major with `d` values a row, one row per weight in `w`.
    fn new(x: &'a [F], w: &'a [f64], d: usize) -> Self {
        debug_assert_eq!(x.len(), w.len() * d);
        Data {
            x,
            w,
            n: w.len(),
            d,
            unit_weights: w.iter().all(|&v| v == 1.0),
        }
    }

    /// The weights of rows `start..end`, or `None` where every weight is one.
    #[inline]
    fn weights(&self, start: usize, end: usize) -> Option<&'a [f64]> {
        (!self.unit_weights).then(|| &self.w[start..end])
    }

    #[inline]
    fn row(&self, i: usize) -> &[F] {
        &self.x[i * self.d..(i + 1) * self.d]
    }
}

/// One algorithm's iterations (Lloyd, Elkan, Hamerly), driven by [`iterate`].
trait Iterations<F> {
    /// How a row's label is stored.
    type Label: lloyd::Label;
    /// Reassigns the rows to `centers`; returns the weighted sums of the clusters, with the
    /// number of rows that changed cluster.
    fn assign(&mut self, data: &Data<F>, centers: &[F]) -> lloyd::Sums;
    /// Told the new `centers` and how far each centroid moved.
    fn moved(&mut self, centers: &[F], shift: &[F]);
    /// Makes the labels match `centers` (after a stop on the tolerance).
    fn relabel(&mut self, data: &Data<F>, centers: &[F]);
    /// The current label of every row.
    fn labels(&self) -> &[Self::Label];
    /// The labels, once done.
    fn into_labels(self) -> Vec<usize>;
}

/// Iterations from `centers` until no label changes, the squared centroid shift is at most
/// `tol`, or `max_iter` iterations (scikit-learn's `_kmeans_single_lloyd` and `_elkan`).
fn iterate<F: Float>(
    data: &Data<F>,
    mut centers: Vec<F>,
    max_iter: usize,
    tol: f64,
    mut steps: impl Iterations<F>,
) -> Run<F> {
    let mut strict = false;
    let mut converged = false;
    let mut n_iter = 0;
    for _ in 0..max_iter {
        n_iter += 1;
        let sums = steps.assign(data, &centers);
        let changed = sums.changed;
        let (new_centers, shift) = lloyd::update_centers(data, &centers, steps.labels(), sums);
        centers = new_centers;
        steps.moved(&centers, &shift);
        if changed == 0 {
            strict = true;
            converged = true;
            break;
        }
        let shift_tot: f64 = shift.iter().map(|s| s.to_f64() * s.to_f64()).sum();
        if shift_tot <= tol {
            converged = true;
            break;
        }
    }
    if !strict {
        // Labels must match the final centroids.
        steps.relabel(data, &centers);
    }
    let labels = steps.into_labels();
    let inertia = lloyd::inertia(data, &centers, &labels);
    Run {
        centers,
        labels,
        inertia,
        n_iter,
        converged,
    }
}

/// The outcome of one run (one initialisation).
pub(crate) struct Run<F> {
    centers: Vec<F>,
    labels: Vec<usize>,
    inertia: f64,
    n_iter: usize,
    converged: bool,
}

/// A fitted k-means model: centroids, the label of every training row, and the inertia.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KMeans<F: Float> {
    centroids: Matrix<F>,
    #[serde(skip)]
    centered_centroids: Vec<F>,
    #[serde(skip)]
    offset: Vec<F>,
    labels: Vec<usize>,
    inertia: f64,
    n_iter: usize,
    converged: bool,
}

impl KMeans<f64> {
    /// Default parameters for `k` clusters: `KMeans::params(6).seed(7).n_init(10).fit(&x)`.
    /// The model's float type follows the data's, `f32` or `f64`.
    pub fn params(k: usize) -> KMeansParams {
        KMeansParams::new(k)
    }
}

impl<F: Float> KMeans<F> {
    /// Number of clusters.
    pub fn k(&self) -> usize {
        self.centroids.rows()
    }

    /// The centroids, one row per cluster.
    pub fn centroids(&self) -> &Matrix<F> {
        &self.centroids
    }

    /// The cluster (0..k) of every training row, in row order.
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// Weighted sum of squared distances from every training row to its centroid.
    pub fn inertia(&self) -> f64 {
        self.inertia
    }

    /// Iterations run by the kept initialisation.
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// Whether the kept initialisation stopped before `max_iter` (labels stable or centroid
    /// shift within the tolerance).
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// The nearest centroid of every row of `x`, computed exactly as during the fit, so that
    /// predicting the training data gives back [`KMeans::labels`].
    pub fn predict(&self, x: &Matrix<F>) -> Result<Vec<usize>> {
        if x.cols() != self.centroids.cols() {
            return Err(Error::ColumnMismatch {
                what: "the new data",
                expected: self.centroids.cols(),
                found: x.cols(),
            });
        }
        let centered = center(x.as_slice(), &self.offset);
        let weights = vec![1.0; x.rows()];
        let data = Data::new(&centered, &weights, x.cols());
        let mut labels = vec![u32::MAX; x.rows()];
        lloyd::assign(&data, &self.centered_centroids, &mut labels, false);
        Ok(labels.into_iter().map(lloyd::Label::index).collect())
    }
}

/// Checks shared by the k-means family and k-prototypes: at least one start and one
/// iteration.
pub(crate) fn check_runs(n_init: usize, max_iter: usize) -> Result<()> {
    if n_init < 1 {
        return Err(Error::param("n_init", n_init, "must be at least 1"));
    }
    if max_iter < 1 {
        return Err(Error::param("max_iter", max_iter, "must be at least 1"));
    }
    Ok(())
}

/// Checks initial centres given by the caller (`given` of them, each a `noun`: centroid,
/// prototype): one per cluster, and a single start, since every start would be the same.
pub(crate) fn check_given(k: usize, given: usize, n_init: usize, noun: &str) -> Result<()> {
    if given != k {
        return Err(Error::param(
            "init",
            format!("{given} {noun}s"),
            format!("must give one {noun} per cluster, k = {k}"),
        ));
    }
    if n_init != 1 {
        return Err(Error::param(
            "n_init",
            n_init,
            format!("must be 1 when the initial {noun}s are given"),
        ));
    }
    Ok(())
}

/// Checks sample weights: one per row, finite, non-negative, not all zero.
pub(crate) fn check_weights(weights: &[f64], rows: usize) -> Result<()> {
    if weights.len() != rows {
        return Err(Error::LengthMismatch {
            what: "sample weights",
            rows,
            found: weights.len(),
        });
    }
    if let Some((index, &value)) = weights
        .iter()
        .enumerate()
        .find(|&(_, w)| !(w.is_finite() && *w >= 0.0))
    {
        return Err(Error::InvalidWeight {
            index,
            value,
            reason: "weights must be finite and non-negative",
        });
    }
    if !weights.iter().any(|&w| w > 0.0) {
        return Err(Error::InvalidWeight {
            index: 0,
            value: 0.0,
            reason: "at least one weight must be positive",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blobs() -> Matrix<f64> {
        Matrix::from_rows(&[
            [0.0, 0.0],
            [0.0, 1.0],
            [1.0, 0.0],
            [10.0, 10.0],
            [10.0, 11.0],
            [11.0, 10.0],
        ])
        .unwrap()
    }

    #[test]
    fn every_validation_rule_has_its_message() {
        let x = blobs();
        let cases: Vec<(KMeansParams, &str)> = vec![
            (
                KMeans::params(1),
                "invalid parameter `k` = 1: must be at least 2",
            ),
            (
                KMeans::params(2).n_init(0),
                "invalid parameter `n_init` = 0: must be at least 1",
            ),
            (
                KMeans::params(2).max_iter(0),
                "invalid parameter `max_iter` = 0: must be at least 1",
            ),
            (
                KMeans::params(2).tol(-1.0),
                "invalid parameter `tol` = -1: must be a finite number, at least 0",
            ),
            (
                KMeans::params(2).tol(f64::NAN),
                "invalid parameter `tol` = NaN: must be a finite number, at least 0",
            ),
            (
                KMeans::params(3).init(Init::Centroids(vec![vec![0.0, 0.0]])),
                "invalid parameter `init` = 1 centroids: must give one centroid per cluster, k = 3",
            ),
            (
                KMeans::params(2)
                    .init(Init::Centroids(vec![vec![0.0], vec![1.0]]))
                    .n_init(3),
                "invalid parameter `n_init` = 3: must be 1 when the initial centroids are given",
            ),
            (
                KMeans::params(2).init(Init::Centroids(vec![vec![0.0], vec![f64::NAN]])),
                "invalid parameter `init` = the given centroids: are not a valid matrix: row 1, \
                 column 0: value NaN is not finite; impute or drop missing values first",
            ),
            (
                KMeans::params(7),
                "k-means with k = 7 needs at least 7 rows; the data has 6",
            ),
            (
                KMeans::params(2).init(Init::Centroids(vec![vec![0.0], vec![1.0]])),
                "the initial centroids has 1 columns but 2 were expected",
            ),
        ];
        for (params, message) in cases {
            assert_eq!(params.fit(&x).unwrap_err().to_string(), message);
        }
    }

    #[test]
    fn empty_data_is_an_error() {
        let x = Matrix::<f64>::new(Vec::new(), 0, 2).unwrap();
        assert_eq!(
            KMeans::params(2).fit(&x).unwrap_err().to_string(),
            "the data is empty (0 rows × 2 columns); it needs at least one row and one column"
        );
    }

    #[test]
    fn weights_are_checked() {
        let x = blobs();
        let p = KMeans::params(2);
        assert_eq!(
            p.fit_weighted(&x, &[1.0; 5]).unwrap_err().to_string(),
            "sample weights has 5 entries but the data has 6 rows"
        );
        assert_eq!(
            p.fit_weighted(&x, &[1.0, -1.0, 1.0, 1.0, 1.0, 1.0])
                .unwrap_err()
                .to_string(),
            "sample weight 1 = -1: weights must be finite and non-negative"
        );
        assert_eq!(
            p.fit_weighted(&x, &[0.0; 6]).unwrap_err().to_string(),
            "sample weight 0 = 0: at least one weight must be positive"
        );
    }

    #[test]
    fn algorithm_parses_and_displays() {
        for a in [Algorithm::Lloyd, Algorithm::Elkan, Algorithm::Hamerly] {
            assert_eq!(a.to_string().parse::<Algorithm>().unwrap(), a);
        }
        assert_eq!(
            "full".parse::<Algorithm>().unwrap_err().to_string(),
            "invalid parameter `algorithm` = \"full\": must be one of: lloyd, elkan, hamerly"
        );
    }

    #[test]
    fn separates_two_blobs_with_both_algorithms_and_both_float_types() {
        for algorithm in [Algorithm::Lloyd, Algorithm::Elkan] {
            let m = KMeans::params(2)
                .algorithm(algorithm)
                .fit(&blobs())
                .unwrap();
            let l = m.labels();
            assert!(l[0] == l[1] && l[1] == l[2] && l[3] == l[4] && l[4] == l[5] && l[0] != l[3]);
            assert!((m.inertia() - 8.0 / 3.0).abs() < 1e-12, "{}", m.inertia());
            assert!(m.converged());
            let m32 = KMeans::params(2)
                .algorithm(algorithm)
                .fit(&blobs().cast::<f32>())
                .unwrap();
            assert_eq!(m32.labels(), l);
            assert!((m32.inertia() - 8.0 / 3.0).abs() < 1e-5);
        }
    }

    #[test]
    fn k_equal_to_n_puts_every_row_alone() {
        let m = KMeans::params(6).fit(&blobs()).unwrap();
        let mut l = m.labels().to_vec();
        l.sort_unstable();
        assert_eq!(l, vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(m.inertia(), 0.0);
    }

    #[test]
    fn duplicated_rows_do_not_break_the_fit() {
        // Fewer distinct points than clusters: some centroids coincide, nothing panics.
        let x = Matrix::new(vec![1.0f64, 1.0, 1.0, 2.0], 4, 1).unwrap();
        let m = KMeans::params(3).fit(&x).unwrap();
        assert_eq!(m.inertia(), 0.0);
        assert_eq!(m.predict(&x).unwrap(), m.labels());
    }

    #[test]
    fn a_constant_column_changes_nothing() {
        let x = blobs();
        let with_constant = Matrix::from_rows(
            &x.iter_rows()
                .map(|r| vec![r[0], 42.0, r[1]])
                .collect::<Vec<_>>(),
        )
        .unwrap();
        let a = KMeans::params(2).seed(5).fit(&x).unwrap();
        let b = KMeans::params(2).seed(5).fit(&with_constant).unwrap();
        assert_eq!(a.labels(), b.labels());
        assert!((a.inertia() - b.inertia()).abs() < 1e-9);
        assert_eq!(b.centroids().get(0, 1), 42.0);
    }

    #[test]
    fn predict_checks_columns() {
        let m = KMeans::params(2).fit(&blobs()).unwrap();
        let x = Matrix::new(vec![1.0f64, 2.0, 3.0], 1, 3).unwrap();
        assert_eq!(
            m.predict(&x).unwrap_err().to_string(),
            "the new data has 3 columns but 2 were expected"
        );
    }

    #[test]
    fn params_round_trip_through_serde() {
        let p = KMeans::params(4)
            .seed(7)
            .n_init(10)
            .algorithm(Algorithm::Elkan);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<KMeansParams>(&json).unwrap(), p);
        let minimal: KMeansParams = serde_json::from_str(r#"{"k": 4}"#).unwrap();
        assert_eq!(minimal, KMeans::params(4));
    }
}
