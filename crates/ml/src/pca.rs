//! Principal component analysis: the directions of largest variance of the centred data, as
//! scikit-learn's `PCA`.
//!
//! ```
//! use cible_ml::{Matrix, NComponents, Pca};
//!
//! // Two features that move together, and a third that is noise.
//! let x = Matrix::<f64>::from_rows(&[
//!     [1.0, 2.1, 0.3],
//!     [2.0, 3.9, -0.2],
//!     [3.0, 6.2, 0.1],
//!     [4.0, 8.0, -0.1],
//!     [5.0, 9.8, 0.2],
//! ])?;
//! let (pca, scores) = Pca::params(NComponents::VarianceRatio(0.95)).fit_transform(&x)?;
//! assert_eq!(pca.n_components(), 1);
//! assert!(pca.explained_variance_ratio()[0] > 0.99);
//! assert_eq!((scores.rows(), scores.cols()), (5, 1));
//! // Back to the original columns, up to the discarded variance.
//! let back = pca.inverse_transform(&scores)?;
//! assert!((back.get(0, 1) - 2.1).abs() < 0.2);
//! # Ok::<(), cible_ml::Error>(())
//! ```
//!
//! The exact solver decomposes the covariance matrix when there are at least as many rows as
//! columns: the `d × d` covariance of the centred data is summed over fixed groups of rows in
//! parallel (groups added in order, so the result does not depend on the number of threads)
//! and its symmetric eigendecomposition gives the components; this is scikit-learn's
//! `covariance_eigh` solver, with the data centred before the product for accuracy. With fewer
//! rows than columns it takes the singular value decomposition of the centred data
//! (scikit-learn's `full` solver). The randomized solver (Halko, Martinsson and Tropp 2011)
//! finds the top components of wide or large data from a few products with the data.
//!
//! Explained variances use the `n − 1` denominator, as scikit-learn; the ratios divide them by
//! the total variance, the sum of the columns' variances. Signs follow scikit-learn's
//! `svd_flip`: in each component, the entry of largest absolute value (the first one on a
//! tie) is positive.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use nalgebra::{DMatrix, Dyn, QR, SVD, SymmetricEigen};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::blobs::standard_normal;
use crate::error::{Error, Result};
use crate::matrix::{Float, Matrix};

/// How many components to keep.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NComponents {
    /// This many components, at least 1 and at most min(rows, columns).
    Count(usize),
    /// The fewest components whose cumulative explained-variance ratio exceeds this value, in
    /// (0, 1]: scikit-learn's `PCA(n_components=0.85)`. 1 keeps every component. Needs the
    /// exact solver.
    VarianceRatio(f64),
    /// Every component: min(rows, columns).
    All,
}

impl From<usize> for NComponents {
    fn from(count: usize) -> Self {
        NComponents::Count(count)
    }
}

impl fmt::Display for NComponents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NComponents::Count(k) => write!(f, "{k}"),
            NComponents::VarianceRatio(r) => write!(f, "{r}"),
            NComponents::All => f.write_str("all"),
        }
    }
}

impl FromStr for NComponents {
    type Err = Error;

    /// `"3"` is a count, `"0.85"` a variance ratio, `"all"` every component.
    fn from_str(s: &str) -> Result<Self> {
        if s == "all" {
            Ok(NComponents::All)
        } else if let Ok(k) = s.parse::<usize>() {
            Ok(NComponents::Count(k))
        } else if let Ok(r) = s.parse::<f64>() {
            Ok(NComponents::VarianceRatio(r))
        } else {
            Err(Error::param(
                "n_components",
                format!("\"{s}\""),
                "must be a number of components, a variance ratio in (0, 1] or \"all\"",
            ))
        }
    }
}

/// How the components are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PcaSolver {
    /// Every component, exactly: the eigendecomposition of the covariance matrix, or the SVD of
    /// the centred data when there are fewer rows than columns.
    #[default]
    Exact,
    /// Randomized SVD (Halko et al.) of the centred data: the top components from a random
    /// projection of `n_components + n_oversamples` columns, refined by `n_iter` power
    /// iterations (each orthonormalised by a QR decomposition). For wide data, or when few
    /// components of many are wanted.
    Randomized {
        /// Extra random directions beyond the components kept. Default: 10.
        #[serde(default = "default_n_oversamples")]
        n_oversamples: usize,
        /// Power iterations; more make the result closer to the exact one on data whose
        /// variances decay slowly. Default (`None`): scikit-learn's rule, 7 when fewer than a
        /// tenth of min(rows, columns) components are kept, 4 otherwise.
        #[serde(default)]
        n_iter: Option<usize>,
        /// Seed of the random projection (ChaCha8). Default: 0.
        #[serde(default)]
        seed: u64,
    },
}

fn default_n_oversamples() -> usize {
    10
}

impl PcaSolver {
    /// The randomized solver with its defaults: 10 oversamples, scikit-learn's rule for the
    /// number of power iterations, seed 0.
    pub fn randomized() -> Self {
        PcaSolver::Randomized {
            n_oversamples: default_n_oversamples(),
            n_iter: None,
            seed: 0,
        }
    }
}

impl fmt::Display for PcaSolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PcaSolver::Exact => "exact",
            PcaSolver::Randomized { .. } => "randomized",
        })
    }
}

impl FromStr for PcaSolver {
    type Err = Error;

    /// `"exact"`, or `"randomized"` with its defaults.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "exact" => Ok(PcaSolver::Exact),
            "randomized" => Ok(PcaSolver::randomized()),
            _ => Err(Error::param(
                "solver",
                format!("\"{s}\""),
                "must be one of: exact, randomized",
            )),
        }
    }
}

/// The entry point of principal component analysis: `Pca::params(3).fit(&x)`.
#[derive(Debug, Clone, Copy)]
pub struct Pca;

impl Pca {
    /// Parameters keeping `n_components` (a count, a variance ratio or all), with the exact
    /// solver and no whitening.
    pub fn params(n_components: impl Into<NComponents>) -> PcaParams {
        PcaParams {
            n_components: n_components.into(),
            solver: PcaSolver::default(),
            whiten: false,
        }
    }
}

/// PCA parameters as the user gives them; built with [`Pca::params`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PcaParams {
    n_components: NComponents,
    #[serde(default)]
    solver: PcaSolver,
    #[serde(default)]
    whiten: bool,
}

impl PcaParams {
    /// How the components are computed. Default: [`PcaSolver::Exact`].
    pub fn solver(mut self, solver: PcaSolver) -> Self {
        self.solver = solver;
        self
    }

    /// Divide each transformed column by the square root of its explained variance, so that
    /// every component has unit variance on the training data. Default: false.
    pub fn whiten(mut self, whiten: bool) -> Self {
        self.whiten = whiten;
        self
    }

    /// Validates the parameters (everything that does not depend on the data).
    pub fn check(&self) -> Result<&Self> {
        match self.n_components {
            NComponents::Count(0) => {
                return Err(Error::param("n_components", 0, "must be at least 1"));
            }
            NComponents::VarianceRatio(r) if !(r > 0.0 && r <= 1.0) => {
                return Err(Error::param(
                    "n_components",
                    r,
                    "a variance ratio must be greater than 0 and at most 1",
                ));
            }
            NComponents::VarianceRatio(r) if self.solver != PcaSolver::Exact => {
                return Err(Error::param(
                    "n_components",
                    r,
                    "a variance ratio needs the exact solver; give a number of components \
                     to the randomized solver",
                ));
            }
            _ => {}
        }
        Ok(self)
    }

    /// Checks the parameters and finds the principal components of the rows of `x`.
    pub fn fit<F: Float>(&self, x: &Matrix<F>) -> Result<PcaModel> {
        self.check()?;
        x.check_not_empty("the data")?;
        let (n, d) = (x.rows(), x.cols());
        if n < 2 {
            return Err(Error::TooFewRows {
                what: "PCA".into(),
                needed: 2,
                rows: n,
            });
        }
        let most = n.min(d);
        if let NComponents::Count(k) = self.n_components
            && k > most
        {
            return Err(Error::param(
                "n_components",
                k,
                format!("must be at most min(rows, columns) = {most} for this data"),
            ));
        }
        let mean = x.column_means();
        let ddof = (n - 1) as f64;
        let total_variance: f64 = x.column_variances().iter().sum::<f64>() * n as f64 / ddof;
        if total_variance == 0.0 {
            return Err(Error::NoVariance { what: "the data" });
        }
        let mut spectrum = match self.solver {
            PcaSolver::Exact if n >= d => by_covariance(x, &mean)?,
            PcaSolver::Exact => by_svd(x, &mean)?,
            PcaSolver::Randomized {
                n_oversamples,
                n_iter,
                seed,
            } => {
                let k = match self.n_components {
                    NComponents::Count(k) => k,
                    _ => most,
                };
                // scikit-learn's `n_iter="auto"`.
                let n_iter = n_iter.unwrap_or(if (k as f64) < 0.1 * most as f64 { 7 } else { 4 });
                randomized(x, &mean, k, k + n_oversamples, n_iter, seed)?
            }
        };
        let ratio: Vec<f64> = spectrum
            .variances
            .iter()
            .map(|v| v / total_variance)
            .collect();
        let k = match self.n_components {
            NComponents::Count(k) => k,
            NComponents::All => most,
            NComponents::VarianceRatio(r) if r >= 1.0 => most,
            // The first count whose cumulative ratio exceeds `r` (numpy's
            // `searchsorted(cumsum, r, side="right") + 1`, as scikit-learn).
            NComponents::VarianceRatio(r) => {
                let mut cumulative = 0.0;
                let below = ratio
                    .iter()
                    .take_while(|&&q| {
                        cumulative += q;
                        cumulative <= r
                    })
                    .count();
                (below + 1).min(most)
            }
        };
        spectrum.components.truncate(k);
        for component in &mut spectrum.components {
            flip_sign(component);
        }
        let variances = spectrum.variances[..k].to_vec();
        Ok(PcaModel {
            mean,
            components: Matrix::new(spectrum.components.concat(), k, d)?,
            singular_values: variances.iter().map(|v| (v * ddof).sqrt()).collect(),
            explained_variance_ratio: ratio[..k].to_vec(),
            explained_variance: variances,
            whiten: self.whiten,
        })
    }

    /// Fits on `x` and returns `x` projected on the components.
    pub fn fit_transform<F: Float>(&self, x: &Matrix<F>) -> Result<(PcaModel, Matrix<F>)> {
        let model = self.fit(x)?;
        let scores = model.transform(x)?;
        Ok((model, scores))
    }
}

/// A fitted PCA: the training data's mean and its principal components, largest variance
/// first. Serializable, so that it can be saved with a model and applied to new data later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PcaModelParts")]
pub struct PcaModel {
    mean: Vec<f64>,
    components: Matrix<f64>,
    explained_variance: Vec<f64>,
    explained_variance_ratio: Vec<f64>,
    singular_values: Vec<f64>,
    whiten: bool,
}

/// A [`PcaModel`] as read, before its lengths are checked against each other.
#[derive(Deserialize)]
struct PcaModelParts {
    mean: Vec<f64>,
    components: Matrix<f64>,
    explained_variance: Vec<f64>,
    explained_variance_ratio: Vec<f64>,
    singular_values: Vec<f64>,
    whiten: bool,
}

impl TryFrom<PcaModelParts> for PcaModel {
    type Error = String;

    fn try_from(p: PcaModelParts) -> std::result::Result<Self, String> {
        let k = p.components.rows();
        if p.mean.len() != p.components.cols() {
            return Err(format!(
                "PCA model: {} means for components of {} columns",
                p.mean.len(),
                p.components.cols()
            ));
        }
        for (name, len) in [
            ("explained_variance", p.explained_variance.len()),
            ("explained_variance_ratio", p.explained_variance_ratio.len()),
            ("singular_values", p.singular_values.len()),
        ] {
            if len != k {
                return Err(format!("PCA model: {len} {name} for {k} components"));
            }
        }
        Ok(PcaModel {
            mean: p.mean,
            components: p.components,
            explained_variance: p.explained_variance,
            explained_variance_ratio: p.explained_variance_ratio,
            singular_values: p.singular_values,
            whiten: p.whiten,
        })
    }
}

impl PcaModel {
    /// Number of components kept.
    pub fn n_components(&self) -> usize {
        self.components.rows()
    }

    /// Number of columns of the data it was fitted on.
    pub fn n_features(&self) -> usize {
        self.mean.len()
    }

    /// The mean of each column of the training data, subtracted before projecting.
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    /// The components, one unit-length row per component (k × d), largest variance first.
    pub fn components(&self) -> &Matrix<f64> {
        &self.components
    }

    /// Variance of the training data along each component (`n − 1` denominator).
    pub fn explained_variance(&self) -> &[f64] {
        &self.explained_variance
    }

    /// Share of the total variance along each component.
    pub fn explained_variance_ratio(&self) -> &[f64] {
        &self.explained_variance_ratio
    }

    /// Singular values of the centred training data: `sqrt(explained_variance × (n − 1))`.
    pub fn singular_values(&self) -> &[f64] {
        &self.singular_values
    }

    /// Whether [`transform`](Self::transform) whitens its output.
    pub fn whiten(&self) -> bool {
        self.whiten
    }

    /// Loadings, for reading what each component means: a d × k matrix whose column `c` is
    /// component `c` times the square root of its explained variance. On standardised data a
    /// loading is (nearly) the correlation between a feature and a component's scores.
    pub fn loadings(&self) -> Matrix<f64> {
        let (k, d) = (self.components.rows(), self.components.cols());
        let mut data = Vec::with_capacity(d * k);
        for j in 0..d {
            for (c, v) in self.explained_variance.iter().enumerate() {
                data.push(self.components.get(c, j) * v.sqrt());
            }
        }
        Matrix::from_parts_unchecked(data, d, k)
    }

    /// `x` centred and projected on the components (n × k), divided by the square roots of the
    /// explained variances when whitening. Computed in `f64`, rounded to `F`.
    pub fn transform<F: Float>(&self, x: &Matrix<F>) -> Result<Matrix<F>> {
        let (k, d) = (self.components.rows(), self.components.cols());
        let scale = self.output_scale();
        // Row c: component c divided by its scale.
        let w = DMatrix::from_fn(k, d, |c, j| self.components.get(c, j) / scale[c]);
        affine(x, "the data to project", Some(&self.mean), &w, None)
    }

    /// Scores (n × k) back in the original columns (n × d): the rows of the training data's
    /// span that project to them, undoing whitening.
    pub fn inverse_transform<F: Float>(&self, scores: &Matrix<F>) -> Result<Matrix<F>> {
        let (k, d) = (self.components.rows(), self.components.cols());
        let scale = self.output_scale();
        let w = DMatrix::from_fn(d, k, |j, c| self.components.get(c, j) * scale[c]);
        affine(scores, "the score matrix", None, &w, Some(&self.mean))
    }

    /// What each projected column is divided by: 1, or when whitening the square root of the
    /// explained variance (at least machine epsilon, as scikit-learn).
    fn output_scale(&self) -> Vec<f64> {
        self.explained_variance
            .iter()
            .map(|v| {
                if self.whiten {
                    v.sqrt().max(f64::EPSILON)
                } else {
                    1.0
                }
            })
            .collect()
    }
}

/// Rows processed together: the unit of parallel work and of the covariance's partial sums.
const GROUP: usize = 1024;

/// Eigenvalues and unit eigenvectors (as rows) of the covariance matrix, largest first; only
/// the leading ones for the randomized solver.
struct Spectrum {
    variances: Vec<f64>,
    components: Vec<Vec<f64>>,
}

/// Rows `rows` of `x` minus `mean`, row-major in `f64`.
fn centred<F: Float>(x: &Matrix<F>, mean: &[f64], rows: Range<usize>) -> Vec<f64> {
    let mut out = Vec::with_capacity(rows.len() * mean.len());
    for i in rows {
        out.extend(x.row(i).iter().zip(mean).map(|(v, m)| v.to_f64() - m));
    }
    out
}

/// A row-major `rows × cols` buffer as the column-major `cols × rows` matrix it is, without
/// copying: the transpose of the rows it holds.
fn transposed(data: Vec<f64>, rows: usize, cols: usize) -> DMatrix<f64> {
    DMatrix::from_vec(cols, rows, data)
}

/// Iterations allowed to an eigen- or singular value decomposition of size `m` before it is
/// declared not to converge (they typically need two or three per value).
fn max_iterations(m: usize) -> usize {
    1000 + 100 * m
}

fn not_converged(what: &str) -> Error {
    Error::Internal {
        detail: format!("the {what} did not converge"),
    }
}

/// The exact solver for `n ≥ d`: eigendecomposition of the d × d covariance matrix.
fn by_covariance<F: Float>(x: &Matrix<F>, mean: &[f64]) -> Result<Spectrum> {
    let (n, d) = (x.rows(), x.cols());
    let groups = n.div_ceil(GROUP);
    // Groups are computed a batch at a time to bound memory; the partial sums are added in
    // group order whatever the batch size, so the result does not depend on the thread count.
    let batch = rayon::current_num_threads().max(1);
    let mut covariance = DMatrix::<f64>::zeros(d, d);
    for first in (0..groups).step_by(batch) {
        let partial: Vec<DMatrix<f64>> = (first..(first + batch).min(groups))
            .into_par_iter()
            .map(|g| {
                let rows = g * GROUP..((g + 1) * GROUP).min(n);
                let len = rows.len();
                let xt = transposed(centred(x, mean, rows), len, d);
                &xt * xt.transpose()
            })
            .collect();
        for p in partial {
            covariance += p;
        }
    }
    covariance /= (n - 1) as f64;
    let eigen = SymmetricEigen::try_new(covariance, f64::EPSILON, max_iterations(d))
        .ok_or_else(|| not_converged("eigendecomposition of the covariance matrix"))?;
    let mut order: Vec<usize> = (0..d).collect();
    order.sort_by(|&a, &b| eigen.eigenvalues[b].total_cmp(&eigen.eigenvalues[a]));
    Ok(Spectrum {
        // The covariance is positive semi-definite; rounding can make an eigenvalue slightly
        // negative.
        variances: order
            .iter()
            .map(|&i| eigen.eigenvalues[i].max(0.0))
            .collect(),
        components: order
            .iter()
            .map(|&i| eigen.eigenvectors.column(i).iter().copied().collect())
            .collect(),
    })
}

/// The exact solver for `n < d`: singular value decomposition of the centred data.
fn by_svd<F: Float>(x: &Matrix<F>, mean: &[f64]) -> Result<Spectrum> {
    let (n, d) = (x.rows(), x.cols());
    let centred = transposed(centred(x, mean, 0..n), n, d).transpose();
    let svd = SVD::try_new(centred, false, true, f64::EPSILON, max_iterations(n))
        .ok_or_else(|| not_converged("singular value decomposition of the data"))?;
    Ok(spectrum_of(svd, n, n))
}

/// The randomized solver: the top `k` components from a `size`-column random range finder
/// with `n_iter` power iterations.
fn randomized<F: Float>(
    x: &Matrix<F>,
    mean: &[f64],
    k: usize,
    size: usize,
    n_iter: usize,
    seed: u64,
) -> Result<Spectrum> {
    let (n, d) = (x.rows(), x.cols());
    let size = size.min(n.min(d));
    let at = transposed(centred(x, mean, 0..n), n, d);
    let a = at.transpose();
    let orthonormal = |y: DMatrix<f64>| QR::new(y).q();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let omega = DMatrix::from_fn(d, size, |_, _| standard_normal(&mut rng));
    let mut q = orthonormal(&a * omega);
    for _ in 0..n_iter {
        q = orthonormal(&a * orthonormal(&at * q));
    }
    // `q` (n × size) spans the leading left singular vectors; decompose the small projection.
    let b = q.transpose() * &a;
    let svd = SVD::try_new(b, false, true, f64::EPSILON, max_iterations(size))
        .ok_or_else(|| not_converged("singular value decomposition of the projected data"))?;
    Ok(spectrum_of(svd, n, k))
}

/// The first `k` right singular vectors and the variances `s² / (n − 1)` of a sorted SVD.
fn spectrum_of(svd: SVD<f64, Dyn, Dyn>, n: usize, k: usize) -> Spectrum {
    let v_t = svd.v_t.expect("the SVD was asked for V");
    let ddof = (n - 1) as f64;
    Spectrum {
        variances: svd
            .singular_values
            .iter()
            .take(k)
            .map(|s| s * s / ddof)
            .collect(),
        components: v_t
            .row_iter()
            .take(k)
            .map(|r| r.iter().copied().collect())
            .collect(),
    }
}

/// scikit-learn's `svd_flip(u_based_decision=False)`: makes the entry of largest absolute
/// value positive (the first one on a tie, as numpy's `argmax`).
fn flip_sign(component: &mut [f64]) {
    let mut largest = 0;
    for (j, v) in component.iter().enumerate() {
        if v.abs() > component[largest].abs() {
            largest = j;
        }
    }
    if component[largest] < 0.0 {
        component.iter_mut().for_each(|v| *v = -*v);
    }
}

/// `(x − shift) · wᵀ + offset` row by row (`w` is `q × p` for `p` input columns), in `f64`, in
/// parallel over fixed groups of rows.
fn affine<F: Float>(
    x: &Matrix<F>,
    what: &'static str,
    shift: Option<&[f64]>,
    w: &DMatrix<f64>,
    offset: Option<&[f64]>,
) -> Result<Matrix<F>> {
    let (n, q, p) = (x.rows(), w.nrows(), w.ncols());
    if x.cols() != p {
        return Err(Error::ColumnMismatch {
            what,
            expected: p,
            found: x.cols(),
        });
    }
    let zeros = vec![0.0; p];
    let shift = shift.unwrap_or(&zeros);
    let blocks: Vec<Vec<f64>> = (0..n.div_ceil(GROUP))
        .into_par_iter()
        .map(|g| {
            let rows = g * GROUP..((g + 1) * GROUP).min(n);
            let len = rows.len();
            // w · (rows)ᵀ is q × len, column-major: the output rows, row-major.
            let mut out: Vec<f64> = (w * transposed(centred(x, shift, rows), len, p))
                .data
                .into();
            if let Some(offset) = offset {
                for row in out.chunks_exact_mut(q) {
                    row.iter_mut().zip(offset).for_each(|(v, o)| *v += o);
                }
            }
            out
        })
        .collect();
    // Finite values times finite factors can still overflow `F`.
    let data = blocks.into_iter().flatten().map(F::from_f64).collect();
    Matrix::new(data, n, q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::one_and_two_threads;

    /// Seeded data with correlated columns: `rows × cols`, rank `cols`.
    fn data(rows: usize, cols: usize, seed: u64) -> Matrix<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let latent: Vec<f64> = (0..rows * 3).map(|_| standard_normal(&mut rng)).collect();
        let mut values = Vec::with_capacity(rows * cols);
        for i in 0..rows {
            for j in 0..cols {
                let l = &latent[i * 3..i * 3 + 3];
                let signal = (j as f64 + 1.0) * l[0] + l[1] * (j % 3) as f64 - l[2];
                values.push(signal + 0.1 * standard_normal(&mut rng) + j as f64);
            }
        }
        Matrix::new(values, rows, cols).unwrap()
    }

    fn max_diff(a: &[f64], b: &[f64]) -> f64 {
        assert_eq!(a.len(), b.len());
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max)
    }

    #[test]
    fn covariance_and_svd_solvers_agree() {
        let x = data(40, 9, 1);
        let mean = x.column_means();
        let (a, b) = (
            by_covariance(&x, &mean).unwrap(),
            by_svd(&x, &mean).unwrap(),
        );
        assert!(max_diff(&a.variances, &b.variances[..9]) < 1e-10);
        for (u, v) in a.components.iter().zip(&b.components) {
            let dot: f64 = u.iter().zip(v).map(|(p, q)| p * q).sum();
            assert!((dot.abs() - 1.0).abs() < 1e-9, "{dot}");
        }
    }

    #[test]
    fn wide_data_uses_the_svd_and_is_rank_deficient() {
        // 6 rows × 20 columns: after centring the rank is at most 5.
        let x = data(6, 20, 2);
        let model = Pca::params(NComponents::All).fit(&x).unwrap();
        assert_eq!(model.n_components(), 6);
        assert!(model.explained_variance()[5] < 1e-20);
        let ratio: f64 = model.explained_variance_ratio().iter().sum();
        assert!((ratio - 1.0).abs() < 1e-12);
        let back = model
            .inverse_transform(&model.transform(&x).unwrap())
            .unwrap();
        assert!(max_diff(back.as_slice(), x.as_slice()) < 1e-9);
    }

    #[test]
    fn components_are_orthonormal_with_the_sign_convention() {
        let model = Pca::params(5).fit(&data(300, 7, 3)).unwrap();
        let c = model.components();
        for a in 0..5 {
            let row = c.row(a);
            let largest = row.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            assert!(row.contains(&largest), "largest entry positive");
            for b in 0..5 {
                let dot: f64 = row.iter().zip(c.row(b)).map(|(p, q)| p * q).sum();
                assert!((dot - f64::from(u8::from(a == b))).abs() < 1e-12);
            }
        }
        let v = model.explained_variance();
        assert!(v.windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn scores_have_the_explained_variances_and_whitening_makes_them_one() {
        let x = data(500, 6, 4);
        for whiten in [false, true] {
            let (model, scores) = Pca::params(4).whiten(whiten).fit_transform(&x).unwrap();
            let n = scores.rows() as f64;
            let variances: Vec<f64> = scores
                .column_variances()
                .iter()
                .map(|v| v * n / (n - 1.0))
                .collect();
            let want = if whiten {
                vec![1.0; 4]
            } else {
                model.explained_variance().to_vec()
            };
            assert!(max_diff(&variances, &want) < 1e-9, "whiten {whiten}");
            let back = model.inverse_transform(&scores).unwrap();
            let direct = Pca::params(4).fit(&x).unwrap();
            let unwhitened = direct
                .inverse_transform(&direct.transform(&x).unwrap())
                .unwrap();
            assert!(max_diff(back.as_slice(), unwhitened.as_slice()) < 1e-9);
        }
    }

    #[test]
    fn loadings_are_components_times_standard_deviations() {
        let model = Pca::params(2).fit(&data(100, 4, 5)).unwrap();
        let l = model.loadings();
        assert_eq!((l.rows(), l.cols()), (4, 2));
        let sd = model.explained_variance()[1].sqrt();
        assert!((l.get(3, 1) - model.components().get(1, 3) * sd).abs() < 1e-15);
    }

    #[test]
    fn variance_ratio_takes_the_first_count_exceeding_it() {
        let x = data(200, 6, 6);
        let all = Pca::params(NComponents::All).fit(&x).unwrap();
        let r = all.explained_variance_ratio();
        let exactly_first = r[0];
        let model = Pca::params(NComponents::VarianceRatio(exactly_first))
            .fit(&x)
            .unwrap();
        assert_eq!(
            model.n_components(),
            2,
            "a ratio reached exactly is exceeded by 2"
        );
        let model = Pca::params(NComponents::VarianceRatio(exactly_first * 0.999))
            .fit(&x)
            .unwrap();
        assert_eq!(model.n_components(), 1);
        let model = Pca::params(NComponents::VarianceRatio(1.0))
            .fit(&x)
            .unwrap();
        assert_eq!(model.n_components(), 6);
    }

    #[test]
    fn randomized_equals_exact_on_low_rank_data() {
        // Rank 3 plus noise: 10 oversamples capture the range almost exactly.
        let x = data(400, 30, 7);
        let exact = Pca::params(3).fit(&x).unwrap();
        let fast = Pca::params(3)
            .solver(PcaSolver::randomized())
            .fit(&x)
            .unwrap();
        assert!(max_diff(exact.explained_variance(), fast.explained_variance()) < 1e-8);
        assert!(max_diff(exact.components().as_slice(), fast.components().as_slice()) < 1e-8);
    }

    #[test]
    fn same_result_with_one_and_two_threads() {
        // More than one group of rows, so that partial sums are combined.
        let x = data(3 * GROUP + 17, 5, 8);
        let (a, b) = one_and_two_threads(|| {
            let exact = Pca::params(3).fit(&x).unwrap();
            let fast = Pca::params(2)
                .solver(PcaSolver::randomized())
                .fit(&x)
                .unwrap();
            (exact.clone(), exact.transform(&x).unwrap(), fast)
        });
        assert_eq!(a, b);
    }

    #[test]
    fn f32_data_is_decomposed_in_f64() {
        let x = data(50, 4, 9);
        let exact = Pca::params(2).fit(&x).unwrap();
        let single = Pca::params(2).fit(&x.cast::<f32>()).unwrap();
        assert!(max_diff(exact.explained_variance(), single.explained_variance()) < 1e-4);
        let scores = single.transform(&x.cast::<f32>()).unwrap();
        assert_eq!((scores.rows(), scores.cols()), (50, 2));
    }

    #[test]
    fn serialization_round_trip_and_checked_lengths() {
        let x = data(60, 5, 10);
        let model = Pca::params(3).whiten(true).fit(&x).unwrap();
        let json = serde_json::to_string(&model).unwrap();
        let back: PcaModel = serde_json::from_str(&json).unwrap();
        assert_eq!(back, model);
        assert_eq!(back.transform(&x).unwrap(), model.transform(&x).unwrap());
        let broken = json.replacen("\"whiten\":true", "\"whiten\":1", 1);
        assert!(serde_json::from_str::<PcaModel>(&broken).is_err());
        let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
        value["singular_values"] = serde_json::json!([1.0]);
        let e = serde_json::from_value::<PcaModel>(value).unwrap_err();
        assert_eq!(
            e.to_string(),
            "PCA model: 1 singular_values for 3 components"
        );
        let params = Pca::params(NComponents::VarianceRatio(0.9));
        let json = serde_json::to_string(&params).unwrap();
        assert_eq!(
            json,
            r#"{"n_components":{"variance_ratio":0.9},"solver":"exact","whiten":false}"#
        );
        assert_eq!(serde_json::from_str::<PcaParams>(&json).unwrap(), params);
        let randomized: PcaParams = serde_json::from_str(
            r#"{"n_components":{"count":2},"solver":{"randomized":{"seed":3}}}"#,
        )
        .unwrap();
        assert_eq!(
            randomized,
            Pca::params(2).solver(PcaSolver::Randomized {
                n_oversamples: 10,
                n_iter: None,
                seed: 3
            })
        );
    }

    #[test]
    fn parses_and_displays() {
        for s in ["3", "0.85", "all"] {
            assert_eq!(s.parse::<NComponents>().unwrap().to_string(), s);
        }
        assert_eq!(
            "some".parse::<NComponents>().unwrap_err().to_string(),
            "invalid parameter `n_components` = \"some\": must be a number of components, \
             a variance ratio in (0, 1] or \"all\""
        );
        assert_eq!(
            "randomized".parse::<PcaSolver>().unwrap(),
            PcaSolver::randomized()
        );
        assert_eq!(PcaSolver::Exact.to_string(), "exact");
        assert_eq!(
            "svd".parse::<PcaSolver>().unwrap_err().to_string(),
            "invalid parameter `solver` = \"svd\": must be one of: exact, randomized"
        );
    }

    #[test]
    fn zero_components_is_rejected() {
        assert_eq!(
            Pca::params(0).check().unwrap_err().to_string(),
            "invalid parameter `n_components` = 0: must be at least 1"
        );
    }

    #[test]
    fn too_many_components_is_rejected() {
        let e = Pca::params(5).fit(&data(10, 4, 11)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid parameter `n_components` = 5: must be at most min(rows, columns) = 4 \
             for this data"
        );
        let e = Pca::params(4).fit(&data(3, 8, 11)).unwrap_err();
        assert!(e.to_string().contains("min(rows, columns) = 3"), "{e}");
    }

    #[test]
    fn variance_ratio_outside_zero_one_is_rejected() {
        for r in [0.0, -0.5, 1.5, f64::NAN] {
            let e = Pca::params(NComponents::VarianceRatio(r))
                .check()
                .unwrap_err();
            assert_eq!(
                e.to_string(),
                format!(
                    "invalid parameter `n_components` = {r}: a variance ratio must be greater \
                     than 0 and at most 1"
                )
            );
        }
    }

    #[test]
    fn variance_ratio_with_randomized_solver_is_rejected() {
        let e = Pca::params(NComponents::VarianceRatio(0.8))
            .solver(PcaSolver::randomized())
            .check()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid parameter `n_components` = 0.8: a variance ratio needs the exact solver; \
             give a number of components to the randomized solver"
        );
    }

    #[test]
    fn one_row_is_too_few() {
        let x = Matrix::from_rows(&[[1.0, 2.0]]).unwrap();
        assert_eq!(
            Pca::params(1).fit(&x).unwrap_err().to_string(),
            "PCA needs at least 2 rows; the data has 1"
        );
    }

    #[test]
    fn constant_data_has_no_components() {
        let x = Matrix::from_rows(&[[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]]).unwrap();
        assert_eq!(
            Pca::params(1).fit(&x).unwrap_err().to_string(),
            "the data has no variance (every column is constant); drop it or give varied data"
        );
    }

    #[test]
    fn transform_checks_columns() {
        let model = Pca::params(2).fit(&data(20, 3, 12)).unwrap();
        let e = model.transform(&data(5, 4, 12)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the data to project has 4 columns but 3 were expected"
        );
        let e = model.inverse_transform(&data(5, 3, 12)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the score matrix has 3 columns but 2 were expected"
        );
    }
}
