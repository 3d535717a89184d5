//! Regularized logistic regression for a binary target, fitted by Newton's method.
//!
//! The objective is scikit-learn's `LogisticRegression`'s:
//!
//! ```text
//! C · Σᵢ sᵢ · [log(1 + e^{zᵢ}) − yᵢ zᵢ]  +  r · ‖β‖₁  +  (1 − r)/2 · ‖β‖²,   zᵢ = xᵢ·β + b
//! ```
//!
//! with sample (and class) weights `sᵢ`, the intercept `b` not penalized, and `r` the share of
//! L1 in the penalty: 0 for L2 (the default), 1 for L1, between for the elastic net. Without
//! an L1 part each step solves the Newton system by Cholesky (scikit-learn's `newton-cholesky`
//! solver); with one, each step minimizes the quadratic model plus the L1 term by coordinate
//! descent and a line search keeps the objective decreasing (proximal Newton, as glmnet and
//! liblinear's newGLMNET). Both converge to the optimum to machine precision in a few tens of
//! steps, so the coefficients equal scikit-learn's wherever its own solver has converged.
//!
//! The Hessian `Xᵀ W X` is built from blocks of rows in parallel and added in block order, so
//! the fit is the same whatever the number of threads. It costs O(n · d²) per step: fine for
//! the tens to hundreds of columns of account features, not meant for thousands.

use std::fmt;
use std::str::FromStr;

use nalgebra::{DMatrix, DVector};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{ClassWeight, Classifier, check_columns, check_training, sigmoid};
use crate::error::{Error, Result, check_positive};
use crate::matrix::Matrix;

/// Rows per block of the parallel gradient and Hessian sums.
const BLOCK: usize = 2048;

/// The penalty on the coefficients.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Penalty {
    /// No penalty (`C` is ignored). Separable data have no optimum: the fit stops at
    /// `max_iter` and says it did not converge.
    None,
    /// Ridge: `½ ‖β‖²` (the default).
    #[default]
    L2,
    /// Lasso: `‖β‖₁`, which sets weak coefficients to exactly zero.
    L1,
    /// Elastic net: `r · ‖β‖₁ + (1 − r)/2 · ‖β‖²` with `l1_ratio` = r in [0, 1].
    ElasticNet {
        /// Share of the L1 part.
        l1_ratio: f64,
    },
}

impl Penalty {
    /// The weights of the L1 and the L2 parts.
    fn parts(self) -> (f64, f64) {
        match self {
            Penalty::None => (0.0, 0.0),
            Penalty::L2 => (0.0, 1.0),
            Penalty::L1 => (1.0, 0.0),
            Penalty::ElasticNet { l1_ratio } => (l1_ratio, 1.0 - l1_ratio),
        }
    }
}

impl fmt::Display for Penalty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Penalty::None => f.write_str("none"),
            Penalty::L2 => f.write_str("l2"),
            Penalty::L1 => f.write_str("l1"),
            Penalty::ElasticNet { l1_ratio } => write!(f, "elasticnet:{l1_ratio}"),
        }
    }
}

impl FromStr for Penalty {
    type Err = Error;

    /// `none`, `l2`, `l1` or `elasticnet:R` with R the share of L1.
    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim().to_ascii_lowercase();
        match s.as_str() {
            "none" => Ok(Penalty::None),
            "l2" => Ok(Penalty::L2),
            "l1" => Ok(Penalty::L1),
            _ => match s.strip_prefix("elasticnet:").map(str::parse::<f64>) {
                Some(Ok(l1_ratio)) => Ok(Penalty::ElasticNet { l1_ratio }),
                _ => Err(Error::param(
                    "penalty",
                    s,
                    "must be none, l2, l1 or elasticnet:R with R in [0, 1]",
                )),
            },
        }
    }
}

/// Logistic regression parameters as the user gives them; built with
/// [`LogisticRegression::params`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogisticRegressionParams {
    penalty: Penalty,
    c: f64,
    fit_intercept: bool,
    class_weight: ClassWeight,
    max_iter: usize,
    tol: f64,
}

impl Default for LogisticRegressionParams {
    fn default() -> Self {
        LogisticRegressionParams {
            penalty: Penalty::L2,
            c: 1.0,
            fit_intercept: true,
            class_weight: ClassWeight::None,
            max_iter: 100,
            tol: 1e-10,
        }
    }
}

impl LogisticRegressionParams {
    /// The penalty. Default: [`Penalty::L2`].
    pub fn penalty(mut self, penalty: Penalty) -> Self {
        self.penalty = penalty;
        self
    }

    /// Inverse of the penalty's strength, as scikit-learn's `C`: smaller is stronger.
    /// Default: 1.
    pub fn c(mut self, c: f64) -> Self {
        self.c = c;
        self
    }

    /// Whether to fit an intercept (never penalized). Default: true.
    pub fn fit_intercept(mut self, fit_intercept: bool) -> Self {
        self.fit_intercept = fit_intercept;
        self
    }

    /// Class weights. Default: [`ClassWeight::None`].
    pub fn class_weight(mut self, class_weight: ClassWeight) -> Self {
        self.class_weight = class_weight;
        self
    }

    /// The most Newton steps. Default: 100 (a few tens are usual).
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Convergence: the largest change of a coefficient in a step, relative to the largest
    /// coefficient (at least 1). Default: 1e-10.
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }

    /// Validates the parameters.
    pub fn check(&self) -> Result<&Self> {
        check_positive("C", self.c)?;
        if let Penalty::ElasticNet { l1_ratio } = self.penalty
            && !(0.0..=1.0).contains(&l1_ratio)
        {
            return Err(Error::param("l1_ratio", l1_ratio, "must be in [0, 1]"));
        }
        if self.max_iter == 0 {
            return Err(Error::param("max_iter", 0, "must be at least 1"));
        }
        check_positive("tol", self.tol)?;
        self.class_weight.check()?;
        Ok(self)
    }

    /// Checks the parameters and fits the model, every row weighing 1 (times its class
    /// weight).
    pub fn fit(&self, x: &Matrix<f64>, y: &[bool]) -> Result<LogisticRegression> {
        self.fit_weighted(x, y, None)
    }

    /// Checks the parameters and fits the model with sample weights (finite, non-negative,
    /// not all zero), multiplied by the class weights.
    pub fn fit_weighted(
        &self,
        x: &Matrix<f64>,
        y: &[bool],
        sample_weight: Option<&[f64]>,
    ) -> Result<LogisticRegression> {
        self.check()?;
        check_training(x, y, sample_weight)?;
        let weights = self.class_weight.sample_weights(y, sample_weight);
        let problem = Problem {
            x,
            y,
            weights: &weights,
            c: if self.penalty == Penalty::None {
                1.0
            } else {
                self.c
            },
            penalty: self.penalty.parts(),
            intercept: self.fit_intercept,
        };
        let (beta, n_iter, converged) = problem.solve(self.max_iter, self.tol);
        let d = x.cols();
        Ok(LogisticRegression {
            coefficients: beta[..d].to_vec(),
            intercept: if self.fit_intercept { beta[d] } else { 0.0 },
            means: x.column_means(),
            n_iter,
            converged,
        })
    }
}

impl fmt::Display for LogisticRegressionParams {
    /// The settings a search varies: `l2, C = 0.1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, C = {}", self.penalty, self.c)
    }
}

/// A fitted logistic regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticRegression {
    coefficients: Vec<f64>,
    intercept: f64,
    /// The training columns' means: the reference point of [`LogisticRegression::contributions`].
    means: Vec<f64>,
    n_iter: usize,
    converged: bool,
}

impl LogisticRegression {
    /// Default parameters: L2 penalty, `C` = 1, an intercept, no class weights.
    pub fn params() -> LogisticRegressionParams {
        LogisticRegressionParams::default()
    }

    /// One coefficient per column, in log-odds per unit of the column.
    pub fn coefficients(&self) -> &[f64] {
        &self.coefficients
    }

    /// The intercept (0 when not fitted).
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// `e^β` per column: how the odds of the positive class multiply per unit of the column.
    pub fn odds_ratios(&self) -> Vec<f64> {
        self.coefficients.iter().map(|b| b.exp()).collect()
    }

    /// Newton steps taken.
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// Whether the steps converged within `max_iter`.
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// The log-odds of the positive class for each row.
    pub fn decision_function(&self, x: &Matrix<f64>) -> Result<Vec<f64>> {
        check_columns(x, self.coefficients.len())?;
        Ok(x.iter_rows().map(|row| self.log_odds(row)).collect())
    }

    /// Why one row scores as it does, in log-odds: the score of an average training row
    /// (`bias`) and what each column adds to it, `βⱼ · (xⱼ − x̄ⱼ)`. The bias plus the
    /// contributions is the row's log-odds.
    pub fn contributions(&self, row: &[f64]) -> (f64, Vec<f64>) {
        let bias = self.log_odds(&self.means);
        let values = (self.coefficients.iter().zip(row).zip(&self.means))
            .map(|((b, x), m)| b * (x - m))
            .collect();
        (bias, values)
    }

    fn log_odds(&self, row: &[f64]) -> f64 {
        self.intercept + dot(&self.coefficients, row)
    }
}

impl Classifier for LogisticRegression {
    fn predict_proba(&self, x: &Matrix<f64>) -> Result<Vec<f64>> {
        Ok(self
            .decision_function(x)?
            .into_iter()
            .map(sigmoid)
            .collect())
    }

    fn n_features(&self) -> usize {
        self.coefficients.len()
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

/// `log(1 + e^z)` without overflow.
fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

/// One fit: the data, the weights and the penalty. Coefficients are `[β₀ … β_{d−1}, b]`, the
/// intercept last (absent without one).
struct Problem<'a> {
    x: &'a Matrix<f64>,
    y: &'a [bool],
    weights: &'a [f64],
    c: f64,
    /// Weights of the L1 and L2 parts of the penalty.
    penalty: (f64, f64),
    intercept: bool,
}

impl Problem<'_> {
    /// Number of coefficients, the intercept included.
    fn dim(&self) -> usize {
        self.x.cols() + usize::from(self.intercept)
    }

    fn log_odds(&self, beta: &[f64], row: &[f64]) -> f64 {
        let d = self.x.cols();
        dot(&beta[..d], row) + if self.intercept { beta[d] } else { 0.0 }
    }

    /// The objective at `beta`.
    fn objective(&self, beta: &[f64]) -> f64 {
        let d = self.x.cols();
        let loss: f64 = self
            .blocks()
            .map(|rows| {
                rows.map(|i| {
                    let z = self.log_odds(beta, self.x.row(i));
                    self.weights[i] * (softplus(z) - if self.y[i] { z } else { 0.0 })
                })
                .sum::<f64>()
            })
            .collect::<Vec<_>>()
            .into_iter()
            .sum();
        let (l1, l2) = self.penalty;
        let coef = &beta[..d];
        self.c * loss + l1 * coef.iter().map(|b| b.abs()).sum::<f64>() + 0.5 * l2 * dot(coef, coef)
    }

    /// The smooth part's gradient and Hessian at `beta` (the loss and the L2 part).
    fn gradient_hessian(&self, beta: &[f64]) -> (DVector<f64>, DMatrix<f64>) {
        let (d, m) = (self.x.cols(), self.dim());
        let parts: Vec<(DVector<f64>, DMatrix<f64>)> = self
            .blocks()
            .map(|rows| {
                // sqrt(w p (1 − p)) · [x, 1] per row, each row a column of `at`, so that the
                // block's Hessian is at · atᵀ; filled in memory order.
                let mut at = Vec::with_capacity(rows.len() * m);
                let mut g = vec![0.0; m];
                for i in rows.clone() {
                    let row = self.x.row(i);
                    let p = sigmoid(self.log_odds(beta, row));
                    let w = self.weights[i];
                    let residual = w * (p - f64::from(u8::from(self.y[i])));
                    let scale = (w * p * (1.0 - p)).sqrt();
                    for (gj, &v) in g.iter_mut().zip(row) {
                        *gj += residual * v;
                    }
                    at.extend(row.iter().map(|v| scale * v));
                    if self.intercept {
                        g[d] += residual;
                        at.push(scale);
                    }
                }
                let at = DMatrix::from_vec(m, rows.len(), at);
                let hessian = &at * at.transpose();
                (DVector::from_vec(g), hessian)
            })
            .collect();
        let (mut g, mut h) = (DVector::zeros(m), DMatrix::zeros(m, m));
        for (pg, ph) in parts {
            g += pg;
            h += ph;
        }
        g *= self.c;
        h *= self.c;
        let l2 = self.penalty.1;
        for j in 0..d {
            g[j] += l2 * beta[j];
            h[(j, j)] += l2;
        }
        (g, h)
    }

    /// Rows in fixed blocks, in parallel; results are collected in block order.
    fn blocks(&self) -> impl IndexedParallelIterator<Item = std::ops::Range<usize>> + '_ {
        let n = self.x.rows();
        (0..n.div_ceil(BLOCK))
            .into_par_iter()
            .map(move |b| b * BLOCK..((b + 1) * BLOCK).min(n))
    }

    /// Newton (or proximal Newton) steps from zero. Returns the coefficients, the steps and
    /// whether they converged.
    fn solve(&self, max_iter: usize, tol: f64) -> (Vec<f64>, usize, bool) {
        let mut beta = vec![0.0; self.dim()];
        let mut value = self.objective(&beta);
        for iter in 1..=max_iter {
            let (g, h) = self.gradient_hessian(&beta);
            let (step, decrease) = if self.penalty.0 > 0.0 {
                self.proximal_step(&beta, &g, &h)
            } else {
                newton_step(&g, h)
            };
            // Backtracking line search (Armijo, as Tseng and Yun for the L1 part).
            let mut t = 1.0;
            let mut next: Vec<f64>;
            loop {
                next = beta.iter().zip(&step).map(|(b, s)| b + t * s).collect();
                let candidate = self.objective(&next);
                // The last term forgives rounding near the optimum, where the predicted
                // decrease is below the objective's precision.
                let slack = 8.0 * f64::EPSILON * value.abs();
                if candidate <= value + 1e-4 * t * decrease + slack || t < 1e-10 {
                    value = candidate;
                    break;
                }
                t *= 0.5;
            }
            let largest = beta.iter().fold(1.0_f64, |m, b| m.max(b.abs()));
            let change = beta
                .iter()
                .zip(&next)
                .fold(0.0_f64, |m, (a, b)| m.max((a - b).abs()));
            beta = next;
            if t == 1.0 && change <= tol * largest {
                return (beta, iter, true);
            }
        }
        (beta, max_iter, false)
    }

    /// The step minimizing the quadratic model of the smooth part plus the L1 part, by cyclic
    /// coordinate descent; and the predicted decrease `gᵀΔ + L1(β + Δ) − L1(β)` (negative).
    fn proximal_step(&self, beta: &[f64], g: &DVector<f64>, h: &DMatrix<f64>) -> (Vec<f64>, f64) {
        let (d, m) = (self.x.cols(), self.dim());
        let l1 = self.penalty.0;
        let mut step = vec![0.0; m];
        let mut h_step = vec![0.0; m];
        for _ in 0..1000 {
            let mut largest = 0.0_f64;
            for j in 0..m {
                let a = h[(j, j)];
                let slope = g[j] + h_step[j];
                let current = beta[j] + step[j];
                let target = if j >= d {
                    if a > 0.0 {
                        current - slope / a
                    } else {
                        current
                    }
                } else if a > 0.0 {
                    soft_threshold(current - slope / a, l1 / a)
                } else {
                    0.0
                };
                let u = target - current;
                if u != 0.0 {
                    step[j] += u;
                    for (k, hs) in h_step.iter_mut().enumerate() {
                        *hs += u * h[(k, j)];
                    }
                    largest = largest.max(u.abs());
                }
            }
            if largest <= 1e-14 * beta.iter().fold(1.0_f64, |m, b| m.max(b.abs())) {
                break;
            }
        }
        let l1_norm = |v: &mut dyn Iterator<Item = f64>| l1 * v.map(f64::abs).sum::<f64>();
        let decrease = dot(g.as_slice(), &step) + l1_norm(&mut (0..d).map(|j| beta[j] + step[j]))
            - l1_norm(&mut beta[..d].iter().copied());
        (step, decrease)
    }
}

/// The Newton step `−H⁻¹ g` and the predicted decrease `gᵀΔ`. A Hessian that is not positive
/// definite (collinear columns without a penalty) gets a growing ridge until it is.
fn newton_step(g: &DVector<f64>, h: DMatrix<f64>) -> (Vec<f64>, f64) {
    let scale = (0..h.nrows())
        .fold(0.0_f64, |m, j| m.max(h[(j, j)]))
        .max(1e-300);
    let mut ridge = 0.0;
    loop {
        let mut hr = h.clone();
        for j in 0..hr.nrows() {
            hr[(j, j)] += ridge;
        }
        if let Some(chol) = hr.cholesky() {
            let step = -chol.solve(g);
            let decrease = g.dot(&step);
            return (step.as_slice().to_vec(), decrease);
        }
        ridge = if ridge == 0.0 {
            1e-12 * scale
        } else {
            ridge * 10.0
        };
    }
}

fn soft_threshold(v: f64, t: f64) -> f64 {
    if v > t {
        v - t
    } else if v < -t {
        v + t
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two columns; the first drives the target, the second is noise.
    fn data() -> (Matrix<f64>, Vec<bool>) {
        let mut rows = Vec::new();
        let mut y = Vec::new();
        for i in 0..200 {
            let a = (i as f64 * 0.37).sin() * 3.0;
            let b = (i as f64 * 1.91).cos();
            rows.push([a, b]);
            y.push(a + 0.8 * (i as f64 * 2.3).sin() > 0.5);
        }
        (Matrix::from_rows(&rows).unwrap(), y)
    }

    /// The gradient of the objective at the optimum is zero (L2), or satisfies the L1
    /// optimality conditions.
    #[test]
    fn optimum_satisfies_the_optimality_conditions() {
        let (x, y) = data();
        for penalty in [
            Penalty::L2,
            Penalty::L1,
            Penalty::ElasticNet { l1_ratio: 0.5 },
        ] {
            let model = LogisticRegression::params()
                .penalty(penalty)
                .c(0.05)
                .fit(&x, &y)
                .unwrap();
            assert!(model.converged(), "{penalty}");
            let (l1, l2) = penalty.parts();
            let p = model.predict_proba(&x).unwrap();
            for j in 0..2 {
                let b = model.coefficients()[j];
                let grad: f64 = 0.05
                    * (0..200)
                        .map(|i| (p[i] - f64::from(u8::from(y[i]))) * x.get(i, j))
                        .sum::<f64>()
                    + l2 * b;
                if b != 0.0 {
                    assert!(
                        (grad + l1 * b.signum()).abs() < 1e-8,
                        "{penalty} {j}: {grad}"
                    );
                } else {
                    assert!(grad.abs() <= l1 + 1e-8, "{penalty} {j}: {grad}");
                }
            }
            let intercept_grad: f64 = (0..200).map(|i| p[i] - f64::from(u8::from(y[i]))).sum();
            assert!(intercept_grad.abs() < 1e-8, "{penalty}: {intercept_grad}");
        }
    }

    #[test]
    fn l1_zeroes_the_noise_column() {
        let (x, y) = data();
        let model = LogisticRegression::params()
            .penalty(Penalty::L1)
            .c(0.02)
            .fit(&x, &y)
            .unwrap();
        assert!(model.coefficients()[0] > 0.0);
        assert_eq!(model.coefficients()[1], 0.0);
    }

    #[test]
    fn integer_weights_equal_repeated_rows() {
        let (x, y) = data();
        let weights: Vec<f64> = (0..200).map(|i| (i % 3) as f64).collect();
        let mut rows = Vec::new();
        let mut ys = Vec::new();
        for (i, &t) in y.iter().enumerate() {
            for _ in 0..i % 3 {
                rows.push(x.row(i).to_vec());
                ys.push(t);
            }
        }
        let repeated = Matrix::from_rows(&rows).unwrap();
        let params = LogisticRegression::params();
        let a = params.fit_weighted(&x, &y, Some(&weights)).unwrap();
        let b = params.fit(&repeated, &ys).unwrap();
        for (u, v) in a.coefficients().iter().zip(b.coefficients()) {
            assert!(
                (u - v).abs() < 1e-9,
                "{u} {v} {} {}",
                a.n_iter(),
                b.n_iter()
            );
        }
        assert!((a.intercept() - b.intercept()).abs() < 1e-9);
    }

    #[test]
    fn balanced_weights_raise_the_rare_class() {
        let (x, _) = data();
        let y: Vec<bool> = (0..200).map(|i| x.get(i, 0) > 2.0).collect();
        let plain = LogisticRegression::params().fit(&x, &y).unwrap();
        let balanced = LogisticRegression::params()
            .class_weight(ClassWeight::Balanced)
            .fit(&x, &y)
            .unwrap();
        let sum = |m: &LogisticRegression| m.predict_proba(&x).unwrap().iter().sum::<f64>();
        assert!(sum(&balanced) > sum(&plain) + 1.0);
        // With an intercept, the weighted residuals sum to zero.
        let w = ClassWeight::Balanced.sample_weights(&y, None);
        let p = balanced.predict_proba(&x).unwrap();
        let residual: f64 = (0..200)
            .map(|i| w[i] * (p[i] - f64::from(u8::from(y[i]))))
            .sum();
        assert!(residual.abs() < 1e-9, "{residual}");
    }

    #[test]
    fn contributions_add_up_to_the_log_odds() {
        let (x, y) = data();
        let model = LogisticRegression::params().fit(&x, &y).unwrap();
        let z = model.decision_function(&x).unwrap();
        for i in [0, 17, 199] {
            let (bias, parts) = model.contributions(x.row(i));
            assert!((bias + parts.iter().sum::<f64>() - z[i]).abs() < 1e-12);
        }
        assert_eq!(model.odds_ratios()[0], model.coefficients()[0].exp());
    }

    #[test]
    fn same_fit_with_one_and_two_threads() {
        let rows: Vec<[f64; 3]> = (0..5000)
            .map(|i| {
                let t = i as f64;
                [(t * 0.1).sin(), (t * 0.7).cos(), (t * 0.013).sin()]
            })
            .collect();
        let x = Matrix::from_rows(&rows).unwrap();
        let y: Vec<bool> = rows.iter().map(|r| r[0] + r[2] > 0.2 * r[1]).collect();
        let fit = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| LogisticRegression::params().fit(&x, &y).unwrap())
        };
        assert_eq!(fit(1), fit(2));
    }

    #[test]
    fn serde_round_trip_predicts_the_same() {
        let (x, y) = data();
        let model = LogisticRegression::params().fit(&x, &y).unwrap();
        let back: LogisticRegression =
            serde_json::from_str(&serde_json::to_string(&model).unwrap()).unwrap();
        assert_eq!(
            back.predict_proba(&x).unwrap(),
            model.predict_proba(&x).unwrap()
        );
    }

    #[test]
    fn bad_parameters_and_data_are_reported() {
        let (x, y) = data();
        let msg = |p: LogisticRegressionParams| p.fit(&x, &y).unwrap_err().to_string();
        assert_eq!(
            msg(LogisticRegression::params().c(0.0)),
            "invalid parameter `C` = 0: must be a positive finite number"
        );
        assert_eq!(
            msg(LogisticRegression::params().penalty(Penalty::ElasticNet { l1_ratio: 1.5 })),
            "invalid parameter `l1_ratio` = 1.5: must be in [0, 1]"
        );
        assert_eq!(
            msg(LogisticRegression::params().max_iter(0)),
            "invalid parameter `max_iter` = 0: must be at least 1"
        );
        assert_eq!(
            msg(
                LogisticRegression::params().class_weight(ClassWeight::Given {
                    negative: 1.0,
                    positive: -2.0
                })
            ),
            "invalid parameter `class_weight.positive` = -2: must be a positive finite number"
        );
        let all_false = vec![false; 200];
        assert_eq!(
            LogisticRegression::params()
                .fit(&x, &all_false)
                .unwrap_err()
                .to_string(),
            "the target has only false values in its 200 rows; a model needs both classes \
             (check the target's definition or the rows kept)"
        );
        assert_eq!(
            LogisticRegression::params()
                .fit(&x, &y[..10])
                .unwrap_err()
                .to_string(),
            "the target has 10 entries but the data has 200 rows"
        );
        let model = LogisticRegression::params().fit(&x, &y).unwrap();
        let three = Matrix::from_rows(&[[1.0, 2.0, 3.0]]).unwrap();
        assert_eq!(
            model.predict_proba(&three).unwrap_err().to_string(),
            "the data to score has 3 columns but 2 were expected"
        );
        assert_eq!(
            "elasticnet:0.3".parse::<Penalty>().unwrap(),
            Penalty::ElasticNet { l1_ratio: 0.3 }
        );
        assert_eq!(
            "l3".parse::<Penalty>().unwrap_err().to_string(),
            "invalid parameter `penalty` = l3: must be none, l2, l1 or elasticnet:R with R in [0, 1]"
        );
    }

    #[test]
    fn separable_data_without_penalty_stop_unconverged() {
        let x = Matrix::from_rows(&[[0.0], [1.0], [2.0], [3.0]]).unwrap();
        let y = [false, false, true, true];
        let model = LogisticRegression::params()
            .penalty(Penalty::None)
            .max_iter(30)
            .fit(&x, &y)
            .unwrap();
        assert!(!model.converged());
        let p = model.predict_proba(&x).unwrap();
        assert!(p[0] < 0.01 && p[3] > 0.99);
    }
}
