//! Histogram gradient-boosted trees for binary log-loss, after scikit-learn's
//! `HistGradientBoostingClassifier`.
//!
//! Each feature is cut into at most `max_bins` (255) bins at quantiles of the training data
//! (midpoints between distinct values when there are few of them; the thresholds are kept in
//! the model, and new data is compared with them as real values). The model starts from the
//! log-odds of the weighted positive rate; each iteration fits a tree to the gradients and
//! hessians of the log-loss, grown leaf-wise (the leaf whose best split gains most is split
//! next) up to `max_leaf_nodes` leaves, with Newton leaf values `−G / (H + λ)` scaled by the
//! learning rate and the gain `G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)` (up to a constant) of
//! scikit-learn.
//!
//! For speed the binned data is `u8`, column-major; gradients and hessians are `f32` (summed
//! in `f64`, as in scikit-learn); histograms are built in parallel over features, and only for
//! the smaller child of a split, the larger one's being the parent's minus the smaller's.
//!
//! Defaults (scikit-learn's): learning rate 0.1, 100 iterations, 31 leaves, no depth limit,
//! 20 rows per leaf, no L2 regularisation, 255 bins, no early stopping (when on: 10 % of the
//! rows, stratified and seeded, held out; stop after 10 iterations without an improvement of
//! the validation loss of more than 1e-7), no class weights, seed 0.
//!
//! Differences from scikit-learn: no missing values (the data is finite) and no categorical
//! features; early stopping is off by default rather than "auto" and its stratified split
//! comes from cible's generator; bins are quantiles of the rows, not weighted quantiles when
//! sample weights are given; above 200 000 rows the quantiles are taken on a seeded sample as
//! in scikit-learn, but not the same sample. On the same bins the trees are scikit-learn's up
//! to floating-point rounding.
//!
//! [`GradientBoosting::feature_importances`] is the total gain of each feature's splits,
//! normalised (scikit-learn has no importances for this model); [`GradientBoosting::contributions`]
//! is Saabas' path attribution summed over the trees, in log-odds.

use std::fmt;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::{ContributionScale, Contributions};
use super::tree::{Node, add_contributions, leaf_value, normalise};
use super::{
    ClassWeight, Classifier, SplitParams, check_columns, check_row, check_training, sigmoid,
};
use crate::error::{Error, Result, check_positive};
use crate::matrix::Matrix;

/// Bins per feature histogram: 255 for values, one kept empty (scikit-learn's missing bin).
const NB: usize = 256;
/// Rows on which bin thresholds are computed (scikit-learn's `subsample`).
const BINNING_ROWS: usize = 200_000;
/// Smallest hessian sum of a child (scikit-learn's `min_hessian_to_split`).
const MIN_HESSIAN: f64 = 1e-3;

/// Gradient boosting parameters as the user gives them; built with [`GradientBoosting::params`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GradientBoostingParams {
    learning_rate: f64,
    max_iter: usize,
    max_leaf_nodes: Option<usize>,
    max_depth: Option<usize>,
    min_samples_leaf: usize,
    l2_regularization: f64,
    max_bins: usize,
    early_stopping: bool,
    validation_fraction: f64,
    n_iter_no_change: usize,
    tol: f64,
    class_weight: ClassWeight,
    seed: u64,
}

impl fmt::Display for GradientBoostingParams {
    /// The settings a search varies: `100 rounds, learning rate 0.1, 31 leaves`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} rounds, learning rate {}, {} leaves",
            self.max_iter,
            self.learning_rate,
            self.max_leaf_nodes
                .map_or("unlimited".to_string(), |d| d.to_string())
        )
    }
}

impl Default for GradientBoostingParams {
    fn default() -> Self {
        GradientBoostingParams {
            learning_rate: 0.1,
            max_iter: 100,
            max_leaf_nodes: Some(31),
            max_depth: None,
            min_samples_leaf: 20,
            l2_regularization: 0.0,
            max_bins: 255,
            early_stopping: false,
            validation_fraction: 0.1,
            n_iter_no_change: 10,
            tol: 1e-7,
            class_weight: ClassWeight::None,
            seed: 0,
        }
    }
}

impl GradientBoostingParams {
    /// Shrinkage of every tree's values. Default: 0.1.
    pub fn learning_rate(mut self, v: f64) -> Self {
        self.learning_rate = v;
        self
    }

    /// Number of boosting iterations (trees), or the most with early stopping. Default: 100.
    pub fn max_iter(mut self, v: usize) -> Self {
        self.max_iter = v;
        self
    }

    /// Most leaves per tree, or `None` for no limit. Default: 31.
    pub fn max_leaf_nodes(mut self, v: Option<usize>) -> Self {
        self.max_leaf_nodes = v;
        self
    }

    /// Largest depth of a tree (the root is at depth 0), or `None`. Default: `None`.
    pub fn max_depth(mut self, v: Option<usize>) -> Self {
        self.max_depth = v;
        self
    }

    /// Fewest rows per leaf. Default: 20.
    pub fn min_samples_leaf(mut self, v: usize) -> Self {
        self.min_samples_leaf = v;
        self
    }

    /// L2 penalty λ on leaf values. Default: 0.
    pub fn l2_regularization(mut self, v: f64) -> Self {
        self.l2_regularization = v;
        self
    }

    /// Most bins per feature, 2 to 255. Default: 255.
    pub fn max_bins(mut self, v: usize) -> Self {
        self.max_bins = v;
        self
    }

    /// Whether to hold out a validation set and stop when its loss stops improving.
    /// Default: `false`.
    pub fn early_stopping(mut self, v: bool) -> Self {
        self.early_stopping = v;
        self
    }

    /// Fraction of the rows held out for early stopping, stratified. Default: 0.1.
    pub fn validation_fraction(mut self, v: f64) -> Self {
        self.validation_fraction = v;
        self
    }

    /// Iterations without improvement before early stopping. Default: 10.
    pub fn n_iter_no_change(mut self, v: usize) -> Self {
        self.n_iter_no_change = v;
        self
    }

    /// Smallest decrease of the validation loss that counts as an improvement. Default: 1e-7.
    pub fn tol(mut self, v: f64) -> Self {
        self.tol = v;
        self
    }

    /// Class weights. Default: [`ClassWeight::None`].
    pub fn class_weight(mut self, w: ClassWeight) -> Self {
        self.class_weight = w;
        self
    }

    /// Seed of the validation split and of the binning sample (ChaCha8). Default: 0.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Validates the parameters.
    pub fn check(&self) -> Result<&Self> {
        check_positive("learning_rate", self.learning_rate)?;
        if self.max_iter < 1 {
            return Err(Error::param("max_iter", 0, "must be at least 1"));
        }
        if let Some(m) = self.max_leaf_nodes
            && m < 2
        {
            return Err(Error::param("max_leaf_nodes", m, "must be at least 2"));
        }
        if self.max_depth == Some(0) {
            return Err(Error::param("max_depth", 0, "must be at least 1"));
        }
        if self.min_samples_leaf < 1 {
            return Err(Error::param("min_samples_leaf", 0, "must be at least 1"));
        }
        if !(self.l2_regularization.is_finite() && self.l2_regularization >= 0.0) {
            return Err(Error::param(
                "l2_regularization",
                self.l2_regularization,
                "must be a finite number, at least 0",
            ));
        }
        if !(2..=255).contains(&self.max_bins) {
            return Err(Error::param(
                "max_bins",
                self.max_bins,
                "must be between 2 and 255",
            ));
        }
        if !(self.validation_fraction > 0.0 && self.validation_fraction < 1.0) {
            return Err(Error::param(
                "validation_fraction",
                self.validation_fraction,
                "must be between 0 and 1, both excluded",
            ));
        }
        if self.n_iter_no_change < 1 {
            return Err(Error::param("n_iter_no_change", 0, "must be at least 1"));
        }
        if !(self.tol.is_finite() && self.tol >= 0.0) {
            return Err(Error::param(
                "tol",
                self.tol,
                "must be a finite number, at least 0",
            ));
        }
        self.class_weight.check()?;
        Ok(self)
    }

    /// Checks the parameters and the data, then boosts.
    pub fn fit(&self, x: &Matrix<f64>, y: &[bool]) -> Result<GradientBoosting> {
        self.fit_weighted(x, y, None)
    }

    /// [`fit`](Self::fit) with a weight per row (multiplied by the class weights).
    pub fn fit_weighted(
        &self,
        x: &Matrix<f64>,
        y: &[bool],
        sample_weight: Option<&[f64]>,
    ) -> Result<GradientBoosting> {
        self.check()?;
        check_training(x, y, sample_weight)?;
        let w = self.class_weight.sample_weights(y, sample_weight);
        let (train, valid) = if self.early_stopping {
            let split = SplitParams::new()
                .validation(0.0)
                .test(self.validation_fraction)
                .seed(self.seed)
                .random(y)?;
            (split.train, split.test)
        } else {
            ((0..x.rows()).collect(), Vec::new())
        };
        let yt: Vec<bool> = train.iter().map(|&i| y[i]).collect();
        let wt: Vec<f64> = train.iter().map(|&i| w[i]).collect();
        if !yt.iter().any(|&t| t) || yt.iter().all(|&t| t) {
            return Err(Error::SingleClass {
                what: "the training part of early stopping's split",
                rows: yt.len(),
                class: yt[0],
            });
        }
        // On a worker thread, so that the many small parallel steps of each tree are joins
        // within the pool rather than jobs sent to it.
        Ok(rayon::scope(|_| {
            let thresholds = bin_thresholds(x, &train, self.max_bins, self.seed);
            let binned = Binned::new(x, &train, &thresholds);
            self.boost(x, &binned, &yt, &wt, &valid, y, &w, thresholds)
        }))
    }

    #[allow(clippy::too_many_arguments)]
    fn boost(
        &self,
        x: &Matrix<f64>,
        binned: &Binned,
        y: &[bool],
        w: &[f64],
        valid: &[usize],
        y_all: &[bool],
        w_all: &[f64],
        thresholds: Vec<Vec<f64>>,
    ) -> GradientBoosting {
        let n = y.len();
        let d = x.cols();
        let wsum: f64 = w.iter().sum();
        let pos: f64 = y.iter().zip(w).filter(|(t, _)| **t).map(|(_, w)| w).sum();
        let eps = 10.0 * f64::EPSILON;
        let rate = (pos / wsum).clamp(eps, 1.0 - eps);
        let baseline = (rate / (1.0 - rate)).ln();
        let mut raw = vec![baseline; n];
        let mut gh = vec![[0f32; 2]; n];
        let mut grower = Grower::new(binned, self);
        let mut trees = Vec::with_capacity(self.max_iter);
        let mut gains = vec![0.0; d];
        let mut raw_valid = vec![baseline; valid.len()];
        let mut scores = Vec::new();
        if !valid.is_empty() {
            scores.push(-log_loss(valid, &raw_valid, y_all, w_all));
        }
        for _ in 0..self.max_iter {
            gradients(&raw, y, w, &mut gh);
            let nodes = grower.grow(&gh, &thresholds, &mut gains);
            for &(leaf, start, end) in &grower.leaves {
                let v = nodes[leaf].value;
                for &r in &grower.idx[start..end] {
                    raw[r as usize] += v;
                }
            }
            if !valid.is_empty() {
                raw_valid
                    .par_iter_mut()
                    .zip(valid.par_iter())
                    .for_each(|(r, &i)| *r += leaf_value(&nodes, x.row(i)));
                scores.push(-log_loss(valid, &raw_valid, y_all, w_all));
            }
            trees.push(nodes);
            if !valid.is_empty() && should_stop(&scores, self.n_iter_no_change, self.tol) {
                break;
            }
        }
        GradientBoosting {
            n_features: d,
            baseline,
            n_iter: trees.len(),
            trees,
            bin_thresholds: thresholds,
            importances: normalise(gains),
            validation_loss: scores.iter().map(|s| -s).collect(),
        }
    }
}

/// scikit-learn's rule: stop when none of the last `k` scores beats the one before them by
/// more than `tol`.
fn should_stop(scores: &[f64], k: usize, tol: f64) -> bool {
    if scores.len() < k + 1 {
        return false;
    }
    let reference = scores[scores.len() - k - 1] + tol;
    !scores[scores.len() - k..].iter().any(|&s| s > reference)
}

/// Weighted mean log-loss of the rows `rows` of the full data.
fn log_loss(rows: &[usize], raw: &[f64], y: &[bool], w: &[f64]) -> f64 {
    let (mut sum, mut wsum) = (0.0, 0.0);
    for (&i, &r) in rows.iter().zip(raw) {
        let t = if y[i] { 1.0 } else { 0.0 };
        sum += w[i] * (log1pexp(r) - t * r);
        wsum += w[i];
    }
    sum / wsum
}

/// `ln(1 + eˣ)` without overflow (scikit-learn's `log1pexp`).
fn log1pexp(x: f64) -> f64 {
    if x <= -37.0 {
        x.exp()
    } else if x <= -2.0 {
        x.exp().ln_1p()
    } else if x <= 18.0 {
        (1.0 + x.exp()).ln()
    } else if x <= 33.3 {
        x + (-x).exp()
    } else {
        x
    }
}

/// Gradients and hessians of the half binomial loss, as scikit-learn computes them, weighted
/// and rounded to `f32`, side by side.
fn gradients(raw: &[f64], y: &[bool], w: &[f64], gh: &mut [[f32; 2]]) {
    const CHUNK: usize = 4096;
    gh.par_chunks_mut(CHUNK).enumerate().for_each(|(c, gh)| {
        let o = c * CHUNK;
        for (k, gh) in gh.iter_mut().enumerate() {
            let (r, t, w) = (raw[o + k], if y[o + k] { 1.0 } else { 0.0 }, w[o + k]);
            let (gr, he) = if r > -37.0 {
                let e = (-r).exp();
                (((1.0 - t) - t * e) / (1.0 + e), e / ((1.0 + e) * (1.0 + e)))
            } else {
                let e = r.exp();
                (e - t, e)
            };
            *gh = [(w * gr) as f32, (w * he) as f32];
        }
    });
}

/// Bin thresholds of every feature on the rows `rows` (scikit-learn's `_BinMapper`): midpoints
/// between distinct values when there are at most `max_bins`, else the
/// `averaged_inverted_cdf` percentiles `100 k / max_bins`, deduplicated.
fn bin_thresholds(x: &Matrix<f64>, rows: &[usize], max_bins: usize, seed: u64) -> Vec<Vec<f64>> {
    let sample: Vec<usize> = if rows.len() > BINNING_ROWS {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(2);
        use rand::Rng;
        (0..BINNING_ROWS)
            .map(|_| rows[rng.random_range(0..rows.len())])
            .collect()
    } else {
        rows.to_vec()
    };
    (0..x.cols())
        .into_par_iter()
        .map(|f| {
            let mut v: Vec<f64> = sample.iter().map(|&i| x.get(i, f)).collect();
            v.sort_unstable_by(f64::total_cmp);
            let mut distinct = v.clone();
            distinct.dedup();
            if distinct.len() <= max_bins {
                return distinct.windows(2).map(|p| (p[0] + p[1]) / 2.0).collect();
            }
            let n = v.len();
            let step = 100.0 / max_bins as f64;
            let mut t: Vec<f64> = (1..max_bins)
                .map(|k| {
                    let q = (k as f64 * step) / 100.0;
                    let virtual_index = n as f64 * q - 1.0;
                    let prev = virtual_index.floor();
                    let gamma = if virtual_index - prev == 0.0 {
                        0.5
                    } else {
                        1.0
                    };
                    let lo = (prev.max(0.0) as usize).min(n - 1);
                    let hi = ((prev + 1.0).max(0.0) as usize).min(n - 1);
                    let (a, b) = (v[lo], v[hi]);
                    // numpy's lerp for gamma ≥ 0.5.
                    b - (b - a) * (1.0 - gamma)
                })
                .collect();
            t.dedup();
            t
        })
        .collect()
}

/// The training data as bin codes, column-major.
struct Binned {
    codes: Vec<u8>,
    n: usize,
    /// Bins holding values, per feature (thresholds + 1).
    n_bins: Vec<usize>,
}

impl Binned {
    fn new(x: &Matrix<f64>, rows: &[usize], thresholds: &[Vec<f64>]) -> Binned {
        let n = rows.len();
        let mut codes = vec![0u8; n * x.cols()];
        codes
            .par_chunks_mut(n)
            .zip(thresholds.par_iter())
            .enumerate()
            .for_each(|(f, (col, t))| {
                for (c, &i) in col.iter_mut().zip(rows) {
                    let v = x.get(i, f);
                    *c = t.partition_point(|&s| s < v) as u8;
                }
            });
        Binned {
            codes,
            n,
            n_bins: thresholds.iter().map(|t| t.len() + 1).collect(),
        }
    }

    fn d(&self) -> usize {
        self.n_bins.len()
    }

    fn column(&self, f: usize) -> &[u8] {
        &self.codes[f * self.n..(f + 1) * self.n]
    }
}

/// One bin of a histogram: sums of gradients and hessians, and rows.
#[derive(Debug, Clone, Copy, Default)]
struct Bin {
    g: f64,
    h: f64,
    n: u32,
}

/// Adds each row's gradient and hessian to its bin. Rows are taken four at a time so that the
/// bin codes are loaded before the first update.
#[inline(always)]
fn accumulate<'a>(hist: &mut [Bin; NB], rows: impl Iterator<Item = (u8, &'a [f32; 2])>) {
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        let batch: [Option<(u8, &[f32; 2])>; 4] = std::array::from_fn(|_| rows.next());
        for (b, gh) in batch.into_iter().flatten() {
            let bin = &mut hist[b as usize];
            bin.g += gh[0] as f64;
            bin.h += gh[1] as f64;
            bin.n += 1;
        }
    }
}

/// Rows below which a node's histograms are built in one task.
const SERIAL_ROWS: usize = 1024;
/// Rows from which a node's rows are gathered and partitioned in parallel.
const PARALLEL_ROWS: usize = 16_384;

/// What a node's split search needs: its rows, sums, and the value its loss is taken at.
#[derive(Debug, Clone, Copy)]
struct NodeSums {
    n: usize,
    g: f64,
    h: f64,
    value: f64,
}

/// The split of largest gain, the first (lowest feature) among equals.
fn first_best(splits: impl IntoIterator<Item = Option<SplitInfo>>) -> Option<SplitInfo> {
    splits
        .into_iter()
        .flatten()
        .fold(None, |a: Option<SplitInfo>, s| match a {
            Some(a) if a.gain >= s.gain => Some(a),
            _ => Some(s),
        })
}

/// The best split of a node.
#[derive(Debug, Clone, Copy)]
struct SplitInfo {
    gain: f64,
    feature: usize,
    bin: usize,
    g_left: f64,
    h_left: f64,
}

/// A leaf that may still be split.
struct Candidate {
    node: usize,
    start: usize,
    end: usize,
    depth: usize,
    g: f64,
    h: f64,
    hist: Vec<Bin>,
    split: SplitInfo,
}

/// Newton value `−G / (H + λ)` (scikit-learn's `compute_node_value`).
fn node_value(g: f64, h: f64, l2: f64) -> f64 {
    -g / (h + l2 + 1e-15)
}

/// numpy's pairwise sum, so that the root's sums round as scikit-learn's do.
fn pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        a.iter().fold(0.0, |s, &v| s + v)
    } else if n <= 128 {
        let mut r = [0.0; 8];
        r.copy_from_slice(&a[..8]);
        let m = n - n % 8;
        for i in (8..m).step_by(8) {
            for j in 0..8 {
                r[j] += a[i + j];
            }
        }
        let mut s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &v in &a[m..] {
            s += v;
        }
        s
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise_sum(&a[..n2]) + pairwise_sum(&a[n2..])
    }
}

/// Grows one tree per call, reusing its buffers.
struct Grower<'a> {
    data: &'a Binned,
    max_leaf_nodes: usize,
    max_depth: usize,
    min_samples_leaf: usize,
    l2: f64,
    learning_rate: f64,
    /// Row indices, partitioned so that every node's rows are a range.
    idx: Vec<u32>,
    scratch: Vec<u32>,
    /// The gradients and hessians of a node's rows, in the order of its rows.
    ordered: Vec<[f32; 2]>,
    /// The leaves of the last tree: (node, start, end).
    leaves: Vec<(usize, usize, usize)>,
    /// Histogram buffers no longer used, for the next nodes (their contents are stale).
    free: Vec<Vec<Bin>>,
}

impl<'a> Grower<'a> {
    fn new(data: &'a Binned, p: &GradientBoostingParams) -> Grower<'a> {
        Grower {
            data,
            max_leaf_nodes: p.max_leaf_nodes.unwrap_or(usize::MAX),
            max_depth: p.max_depth.unwrap_or(usize::MAX),
            min_samples_leaf: p.min_samples_leaf,
            l2: p.l2_regularization,
            learning_rate: p.learning_rate,
            idx: Vec::with_capacity(data.n),
            scratch: Vec::with_capacity(data.n),
            ordered: Vec::with_capacity(data.n),
            leaves: Vec::new(),
            free: Vec::new(),
        }
    }

    /// The histograms of the root (every row, in order).
    fn root_histograms(&mut self, gh: &[[f32; 2]]) -> Vec<Bin> {
        let data = self.data;
        let mut hist = self.take_histograms();
        hist.par_chunks_mut(NB).enumerate().for_each(|(f, hist)| {
            let hist: &mut [Bin; NB] = hist.try_into().expect("NB bins");
            hist.fill(Bin::default());
            accumulate(hist, data.column(f).iter().copied().zip(gh));
        });
        hist
    }

    /// A histogram buffer for every feature, from the free ones when there are; not zeroed.
    fn take_histograms(&mut self) -> Vec<Bin> {
        self.free
            .pop()
            .unwrap_or_else(|| vec![Bin::default(); self.data.d() * NB])
    }

    /// The best split of a node on feature `f` whose histogram is `hist`, if any gains.
    fn feature_split(&self, f: usize, hist: &[Bin], node: &NodeSums) -> Option<SplitInfo> {
        let (l2, min_leaf) = (self.l2, self.min_samples_leaf);
        let (n, g, h) = (node.n, node.g, node.h);
        let parent_loss = g * node.value;
        let mut best: Option<SplitInfo> = None;
        let (mut gl, mut hl, mut nl) = (0.0, 0.0, 0usize);
        for (b, bin) in hist[..self.data.n_bins[f] - 1].iter().enumerate() {
            // An empty bin gives the same split as the bin before it: never a better one.
            if bin.n == 0 {
                continue;
            }
            nl += bin.n as usize;
            hl += bin.h;
            gl += bin.g;
            let (hr, gr) = (h - hl, g - gl);
            if nl < min_leaf {
                continue;
            }
            if n - nl < min_leaf {
                break;
            }
            if hl < MIN_HESSIAN {
                continue;
            }
            if hr < MIN_HESSIAN {
                break;
            }
            let gain = parent_loss - gl * node_value(gl, hl, l2) - gr * node_value(gr, hr, l2);
            if gain > 0.0 && best.is_none_or(|s| gain > s.gain) {
                best = Some(SplitInfo {
                    gain,
                    feature: f,
                    bin: b,
                    g_left: gl,
                    h_left: hl,
                });
            }
        }
        best
    }

    /// The best split of a node over all features (parallel over features).
    fn find_split(&self, hist: &[Bin], node: &NodeSums) -> Option<SplitInfo> {
        let splits: Vec<Option<SplitInfo>> = hist
            .par_chunks(NB)
            .enumerate()
            .map(|(f, hist)| self.feature_split(f, hist, node))
            .collect();
        first_best(splits)
    }

    /// The histograms of both children of a split and their best splits (`None` for a child
    /// that stays a leaf), in one pass over the features in parallel: the smaller child's
    /// histogram from its rows `idx[small.0..small.1]`, the larger one's as the parent's
    /// minus the smaller's. Returns (left histograms, right histograms, left split, right
    /// split).
    fn children(
        &mut self,
        mut parent: Vec<Bin>,
        small: (usize, usize),
        small_is_left: bool,
        nodes: [Option<NodeSums>; 2],
        gh: &[[f32; 2]],
    ) -> (Vec<Bin>, Vec<Bin>, Option<SplitInfo>, Option<SplitInfo>) {
        let data = self.data;
        let mut hist = self.take_histograms();
        let rows = &self.idx[small.0..small.1];
        self.ordered.clear();
        if rows.len() < PARALLEL_ROWS {
            self.ordered.extend(rows.iter().map(|&r| gh[r as usize]));
        } else {
            self.ordered
                .par_extend(rows.par_iter().map(|&r| gh[r as usize]));
        }
        // Small nodes in one task: waking a thread costs more than their histograms.
        let min_len = if rows.len() < SERIAL_ROWS {
            data.d()
        } else {
            1
        };
        let this = &*self;
        let splits: Vec<[Option<SplitInfo>; 2]> = hist
            .par_chunks_mut(NB)
            .zip(parent.par_chunks_mut(NB))
            .enumerate()
            .with_min_len(min_len)
            .map(|(f, (small_hist, large_hist))| {
                let small_hist: &mut [Bin; NB] = small_hist.try_into().expect("NB bins");
                small_hist.fill(Bin::default());
                let col = data.column(f);
                accumulate(
                    small_hist,
                    rows.iter().map(|&r| col[r as usize]).zip(&this.ordered),
                );
                for (l, s) in large_hist.iter_mut().zip(small_hist.iter()) {
                    l.g -= s.g;
                    l.h -= s.h;
                    l.n -= s.n;
                }
                let (left, right): (&[Bin], &[Bin]) = if small_is_left {
                    (small_hist, large_hist)
                } else {
                    (large_hist, small_hist)
                };
                [
                    nodes[0].and_then(|s| this.feature_split(f, left, &s)),
                    nodes[1].and_then(|s| this.feature_split(f, right, &s)),
                ]
            })
            .collect();
        let left = first_best(splits.iter().map(|s| s[0]));
        let right = first_best(splits.iter().map(|s| s[1]));
        if small_is_left {
            (hist, parent, left, right)
        } else {
            (parent, hist, left, right)
        }
    }

    /// Grows a tree on gradients and hessians `gh`; adds each split's gain to `gains`.
    /// Node values are scaled by the learning rate.
    fn grow(&mut self, gh: &[[f32; 2]], thresholds: &[Vec<f64>], gains: &mut [f64]) -> Vec<Node> {
        let n = self.data.n;
        self.idx.clear();
        self.idx.extend(0..n as u32);
        self.leaves.clear();
        let hist = self.root_histograms(gh);
        let gs: Vec<f64> = hist[..NB].iter().map(|b| b.g).collect();
        let hs: Vec<f64> = hist[..NB].iter().map(|b| b.h).collect();
        let (sum_g, sum_h) = (pairwise_sum(&gs), pairwise_sum(&hs));
        let root_value = node_value(sum_g, sum_h, self.l2);
        let mut nodes = vec![Node::leaf(root_value)];
        let mut open: Vec<Candidate> = Vec::new();
        let root_split = if n < 2 * self.min_samples_leaf || sum_h < MIN_HESSIAN {
            None
        } else {
            self.find_split(
                &hist,
                &NodeSums {
                    n,
                    g: sum_g,
                    h: sum_h,
                    value: 0.0,
                },
            )
        };
        match root_split {
            Some(split) => {
                // The root's gain was taken against a value of 0 (as scikit-learn does); the
                // importances count it against the root's true value.
                gains[split.feature] += sum_g * root_value;
                open.push(Candidate {
                    node: 0,
                    start: 0,
                    end: n,
                    depth: 0,
                    g: sum_g,
                    h: sum_h,
                    hist,
                    split,
                });
            }
            None => {
                self.leaves.push((0, 0, n));
                self.free.push(hist);
            }
        }
        let mut n_leaves = 1;
        while !open.is_empty() {
            // The open leaf of largest gain, the first pushed among equals.
            let mut k = 0;
            for (i, c) in open.iter().enumerate() {
                if c.split.gain > open[k].split.gain {
                    k = i;
                }
            }
            let mut c = open.remove(k);
            let s = c.split;
            gains[s.feature] += s.gain;
            let mid = self.partition(c.start, c.end, s.feature, s.bin);
            let (g_right, h_right) = (c.g - s.g_left, c.h - s.h_left);
            let (left, right) = (nodes.len(), nodes.len() + 1);
            nodes.push(Node::leaf(node_value(s.g_left, s.h_left, self.l2)));
            nodes.push(Node::leaf(node_value(g_right, h_right, self.l2)));
            let parent = &mut nodes[c.node];
            parent.feature = s.feature as u32;
            parent.threshold = thresholds[s.feature][s.bin];
            parent.left = left as u32;
            parent.right = right as u32;
            n_leaves += 1;
            let depth = c.depth + 1;
            let (n_left, n_right) = (mid - c.start, c.end - mid);
            let stop = n_leaves >= self.max_leaf_nodes || depth >= self.max_depth;
            let leaf_left = stop || n_left < 2 * self.min_samples_leaf;
            let leaf_right = stop || n_right < 2 * self.min_samples_leaf;
            if leaf_left {
                self.leaves.push((left, c.start, mid));
            }
            if leaf_right {
                self.leaves.push((right, mid, c.end));
            }
            if !(leaf_left && leaf_right) {
                let small_is_left = n_left < n_right;
                let small = if small_is_left {
                    (c.start, mid)
                } else {
                    (mid, c.end)
                };
                let sums = |leaf: bool, node: usize, n: usize, g: f64, h: f64| {
                    (!leaf).then(|| NodeSums {
                        n,
                        g,
                        h,
                        value: nodes[node].value,
                    })
                };
                let wanted = [
                    sums(leaf_left, left, n_left, s.g_left, s.h_left),
                    sums(leaf_right, right, n_right, g_right, h_right),
                ];
                let parent_hist = std::mem::take(&mut c.hist);
                let (hist_left, hist_right, split_left, split_right) =
                    self.children(parent_hist, small, small_is_left, wanted, gh);
                let children = [
                    (wanted[0], split_left, left, c.start, mid, hist_left),
                    (wanted[1], split_right, right, mid, c.end, hist_right),
                ];
                for (sums, split, node, start, end, hist) in children {
                    let Some(sums) = sums else {
                        self.free.push(hist);
                        continue;
                    };
                    match split {
                        Some(split) => open.push(Candidate {
                            node,
                            start,
                            end,
                            depth,
                            g: sums.g,
                            h: sums.h,
                            hist,
                            split,
                        }),
                        None => {
                            self.leaves.push((node, start, end));
                            self.free.push(hist);
                        }
                    }
                }
            }
            if n_leaves >= self.max_leaf_nodes {
                for c in open.drain(..) {
                    self.leaves.push((c.node, c.start, c.end));
                    self.free.push(c.hist);
                }
            }
        }
        for node in &mut nodes {
            node.value *= self.learning_rate;
        }
        nodes
    }

    /// Stable partition of `idx[start..end]`: rows whose bin of `feature` is at most `bin`
    /// first. Returns the first row of the right child.
    fn partition(&mut self, start: usize, end: usize, feature: usize, bin: usize) -> usize {
        let col = self.data.column(feature);
        if end - start >= PARALLEL_ROWS {
            // Blocks partitioned in parallel, then laid end to end: the same order.
            let parts: Vec<(Vec<u32>, Vec<u32>)> = self.idx[start..end]
                .par_chunks(PARALLEL_ROWS / 2)
                .map(|rows| {
                    rows.iter()
                        .copied()
                        .partition(|&r| col[r as usize] as usize <= bin)
                })
                .collect();
            let mut k = start;
            for part in parts.iter().map(|p| &p.0).chain(parts.iter().map(|p| &p.1)) {
                self.idx[k..k + part.len()].copy_from_slice(part);
                k += part.len();
            }
            return start + parts.iter().map(|p| p.0.len()).sum::<usize>();
        }
        self.scratch.clear();
        let mut mid = start;
        for k in start..end {
            let r = self.idx[k];
            if col[r as usize] as usize <= bin {
                self.idx[mid] = r;
                mid += 1;
            } else {
                self.scratch.push(r);
            }
        }
        self.idx[mid..end].copy_from_slice(&self.scratch);
        mid
    }
}

/// A fitted gradient-boosted model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradientBoosting {
    n_features: usize,
    baseline: f64,
    n_iter: usize,
    trees: Vec<Vec<Node>>,
    bin_thresholds: Vec<Vec<f64>>,
    importances: Vec<f64>,
    validation_loss: Vec<f64>,
}

impl GradientBoosting {
    /// Default parameters: `GradientBoosting::params().max_iter(200).fit(&x, &y)`.
    pub fn params() -> GradientBoostingParams {
        GradientBoostingParams::default()
    }

    /// Number of trees (fewer than `max_iter` when early stopping stopped).
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// The log-odds every prediction starts from: that of the weighted positive rate.
    pub fn baseline(&self) -> f64 {
        self.baseline
    }

    /// The bin thresholds of each feature found on the training data (a value `v` is in bin
    /// `b` when `t[b − 1] < v ≤ t[b]`).
    pub fn bin_thresholds(&self) -> &[Vec<f64>] {
        &self.bin_thresholds
    }

    /// The validation loss before the first tree and after each one, with early stopping
    /// (empty without).
    pub fn validation_loss(&self) -> &[f64] {
        &self.validation_loss
    }

    /// Total gain of each feature's splits, summing to 1 (all zero without any split).
    pub fn feature_importances(&self) -> &[f64] {
        &self.importances
    }

    /// The log-odds of the positive class for each row of `x`.
    pub fn decision_function(&self, x: &Matrix<f64>) -> Result<Vec<f64>> {
        check_columns(x, self.n_features)?;
        Ok(x.as_slice()
            .par_chunks(self.n_features)
            .map(|row| {
                self.trees
                    .iter()
                    .fold(self.baseline, |s, t| s + leaf_value(t, row))
            })
            .collect())
    }

    /// Saabas' attribution of the log-odds of `row`, summed over the trees: `bias + Σ
    /// features` is [`decision_function`](Self::decision_function)'s value for it.
    pub fn contributions(&self, row: &[f64]) -> Result<Contributions> {
        check_row(row, self.n_features)?;
        let mut features = vec![0.0; self.n_features];
        let mut bias = self.baseline;
        for t in &self.trees {
            bias += add_contributions(t, row, &mut features);
        }
        Ok(Contributions {
            bias,
            values: features,
            scale: ContributionScale::LogOdds,
        })
    }
}

impl Classifier for GradientBoosting {
    fn predict_proba(&self, x: &Matrix<f64>) -> Result<Vec<f64>> {
        Ok(self
            .decision_function(x)?
            .into_iter()
            .map(sigmoid)
            .collect())
    }

    fn n_features(&self) -> usize {
        self.n_features
    }
}

#[cfg(test)]
mod tests {
    use rand::Rng;

    use super::*;

    /// Five columns, two informative with an interaction; ~30 % positives.
    fn data(n: usize, seed: u64) -> (Matrix<f64>, Vec<bool>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut v = Vec::with_capacity(n * 5);
        let mut y = Vec::with_capacity(n);
        for _ in 0..n {
            let r: [f64; 5] = std::array::from_fn(|_| rng.random::<f64>());
            let z = 3.0 * r[0] - 2.0 * (r[1] > 0.5) as u8 as f64 * r[0] - 1.5;
            y.push(rng.random::<f64>() < sigmoid(3.0 * z));
            v.extend(r);
        }
        (Matrix::new(v, n, 5).unwrap(), y)
    }

    fn message(r: Result<impl std::fmt::Debug>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn few_distinct_values_give_midpoints() {
        let x = Matrix::new(vec![1.0, 3.0, 3.0, 7.0], 4, 1).unwrap();
        assert_eq!(
            bin_thresholds(&x, &[0, 1, 2, 3], 255, 0),
            vec![vec![2.0, 5.0]]
        );
        let b = Binned::new(&x, &[0, 1, 2, 3], &[vec![2.0, 5.0]]);
        assert_eq!(b.codes, vec![0, 1, 1, 2]);
    }

    #[test]
    fn quantile_bins_split_the_rows_evenly() {
        let x = Matrix::new((0..1000).map(|i| i as f64).collect(), 1000, 1).unwrap();
        let rows: Vec<usize> = (0..1000).collect();
        let t = &bin_thresholds(&x, &rows, 10, 0)[0];
        assert_eq!(t.len(), 9);
        // averaged_inverted_cdf: the 10th percentile of 0..1000 is (99 + 100) / 2.
        assert_eq!(t[0], 99.5);
    }

    #[test]
    fn pairwise_sum_adds_up() {
        let v: Vec<f64> = (0..256).map(|i| i as f64).collect();
        assert_eq!(pairwise_sum(&v), 255.0 * 128.0);
        assert_eq!(pairwise_sum(&v[..5]), 10.0);
    }

    #[test]
    fn boosting_learns_and_reduces_the_loss() {
        let (x, y) = data(2000, 1);
        let m = GradientBoosting::params().max_iter(30).fit(&x, &y).unwrap();
        let p = m.predict_proba(&x).unwrap();
        let loss = |p: &[f64]| {
            p.iter()
                .zip(&y)
                .map(|(&p, &t)| -(if t { p } else { 1.0 - p }).ln())
                .sum::<f64>()
                / p.len() as f64
        };
        let rate = y.iter().filter(|&&t| t).count() as f64 / y.len() as f64;
        assert!(loss(&p) < 0.8 * loss(&vec![rate; y.len()]));
        assert!((sigmoid(m.baseline()) - rate).abs() < 1e-12);
        // The noise columns 2..5 matter less than column 0.
        let imp = m.feature_importances();
        assert!(imp[0] > imp[2] + imp[3] + imp[4], "{imp:?}");
        assert!((imp.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn trees_respect_leaf_and_depth_limits() {
        let (x, y) = data(1000, 2);
        let m = GradientBoosting::params()
            .max_iter(5)
            .max_leaf_nodes(Some(4))
            .fit(&x, &y)
            .unwrap();
        assert!(
            m.trees
                .iter()
                .all(|t| t.iter().filter(|n| n.left == 0).count() <= 4)
        );
        let m = GradientBoosting::params()
            .max_iter(5)
            .max_leaf_nodes(None)
            .max_depth(Some(1))
            .fit(&x, &y)
            .unwrap();
        assert!(m.trees.iter().all(|t| t.len() == 3));
    }

    #[test]
    fn contributions_sum_to_the_log_odds() {
        let (x, y) = data(500, 3);
        let m = GradientBoosting::params().max_iter(20).fit(&x, &y).unwrap();
        let raw = m.decision_function(&x).unwrap();
        for (r, raw) in x.iter_rows().zip(raw).take(50) {
            let c = m.contributions(r).unwrap();
            assert!((c.bias + c.values.iter().sum::<f64>() - raw).abs() < 1e-10);
        }
    }

    #[test]
    fn class_weights_raise_the_positive_probabilities() {
        let (x, y) = data(1000, 4);
        let mean = |m: &GradientBoosting| {
            m.predict_proba(&x).unwrap().iter().sum::<f64>() / x.rows() as f64
        };
        let plain = GradientBoosting::params().max_iter(10).fit(&x, &y).unwrap();
        let weighted = GradientBoosting::params()
            .max_iter(10)
            .class_weight(ClassWeight::Balanced)
            .fit(&x, &y)
            .unwrap();
        assert!(mean(&weighted) > mean(&plain) + 0.05);
    }

    #[test]
    fn early_stopping_stops_and_is_deterministic() {
        let (x, y) = data(2000, 5);
        let p = GradientBoosting::params()
            .max_iter(500)
            .learning_rate(0.5)
            .early_stopping(true);
        let a = p.fit(&x, &y).unwrap();
        assert!(a.n_iter() < 500);
        assert_eq!(a.validation_loss().len(), a.n_iter() + 1);
        assert_eq!(a, p.fit(&x, &y).unwrap());
        assert!(should_stop(&[1.0, 1.0, 1.0], 2, 0.0));
        assert!(!should_stop(&[1.0, 1.0, 2.0], 2, 0.0));
    }

    #[test]
    fn the_same_on_one_and_two_threads() {
        let (x, y) = data(3000, 8);
        let p = GradientBoosting::params().max_iter(10).early_stopping(true);
        let pool = |n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap()
        };
        let a = pool(1).install(|| p.fit(&x, &y).unwrap());
        let b = pool(2).install(|| p.fit(&x, &y).unwrap());
        assert_eq!(a, b);
        assert_eq!(
            a.predict_proba(&x).unwrap(),
            pool(2).install(|| b.predict_proba(&x).unwrap())
        );
    }

    #[test]
    fn serde_round_trip_predicts_the_same() {
        let (x, y) = data(500, 6);
        let m = GradientBoosting::params().max_iter(5).fit(&x, &y).unwrap();
        let back: GradientBoosting =
            serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(
            back.predict_proba(&x).unwrap(),
            m.predict_proba(&x).unwrap()
        );
    }

    #[test]
    fn parameter_messages() {
        let (x, y) = data(50, 7);
        let p = GradientBoosting::params;
        let cases = [
            (
                p().learning_rate(0.0),
                "`learning_rate` = 0: must be a positive finite number",
            ),
            (p().max_iter(0), "`max_iter` = 0: must be at least 1"),
            (
                p().max_leaf_nodes(Some(1)),
                "`max_leaf_nodes` = 1: must be at least 2",
            ),
            (
                p().max_depth(Some(0)),
                "`max_depth` = 0: must be at least 1",
            ),
            (
                p().min_samples_leaf(0),
                "`min_samples_leaf` = 0: must be at least 1",
            ),
            (
                p().l2_regularization(-1.0),
                "`l2_regularization` = -1: must be a finite number, at least 0",
            ),
            (
                p().max_bins(256),
                "`max_bins` = 256: must be between 2 and 255",
            ),
            (
                p().validation_fraction(1.0),
                "`validation_fraction` = 1: must be between 0 and 1, both excluded",
            ),
            (
                p().n_iter_no_change(0),
                "`n_iter_no_change` = 0: must be at least 1",
            ),
            (
                p().tol(f64::NAN),
                "`tol` = NaN: must be a finite number, at least 0",
            ),
        ];
        for (params, expected) in cases {
            assert_eq!(
                message(params.fit(&x, &y)),
                format!("invalid parameter {expected}")
            );
        }
        assert_eq!(
            message(p().fit(&x, &[false; 50])),
            "the target has only false values in its 50 rows; a model needs both classes \
             (check the target's definition or the rows kept)"
        );
        let m = p().max_iter(1).fit(&x, &y).unwrap();
        assert_eq!(
            message(m.predict_proba(&Matrix::new(vec![0.0; 2], 1, 2).unwrap())),
            "the data to score has 2 columns but 5 were expected"
        );
    }
}
