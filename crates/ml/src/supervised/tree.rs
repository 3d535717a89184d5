//! A CART decision tree for binary targets (scikit-learn's `DecisionTreeClassifier` with its
//! best splitter), the base of [`RandomForest`](super::RandomForest).
//!
//! The tree grows depth first. At each node it looks at the features in a random order (all of
//! them by default, or `max_features` of them that are not constant in the node), sorts the
//! node's rows by each, and keeps the split with the best weighted Gini or entropy decrease;
//! thresholds lie halfway between consecutive distinct values, and values closer than 1e-7 count
//! as equal, as in scikit-learn. A leaf stores the weighted fraction of positive rows, which is
//! the predicted probability.
//!
//! Defaults: Gini, no depth limit, `min_samples_split` 2, `min_samples_leaf` 1,
//! `min_impurity_decrease` 0, every feature, no class weights, seed 0.
//!
//! Where no two splits of a node tie, the tree, its probabilities and its impurity-based
//! feature importances equal scikit-learn's. Between tied splits scikit-learn keeps the first
//! feature in an order drawn from its own random generator and cible from ChaCha8, so tied
//! cases can choose different (equally good) splits. `max_features` takes a count, a fraction
//! or `sqrt`, not scikit-learn's `log2`, and there is no `max_leaf_nodes` or cost-complexity
//! pruning.
//!
//! [`DecisionTree::contributions`] gives Saabas' path attribution of one row's probability:
//! the root's value plus, for every split on the row's path, the change in node value credited
//! to the split's feature.

use std::fmt;
use std::str::FromStr;

use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::model::{ContributionScale, Contributions};
use super::{ClassWeight, Classifier, check_columns, check_row, check_training};
use crate::error::{Error, Result};
use crate::matrix::Matrix;

/// Values of a feature closer than this count as equal (scikit-learn's `FEATURE_THRESHOLD`).
const FEATURE_THRESHOLD: f64 = 1e-7;

/// How a node's impurity is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// Gini impurity, `1 − p² − (1 − p)²` on weighted class fractions.
    #[default]
    Gini,
    /// Shannon entropy in bits.
    Entropy,
}

impl FromStr for Criterion {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "gini" => Ok(Criterion::Gini),
            "entropy" => Ok(Criterion::Entropy),
            _ => Err(Error::param(
                "criterion",
                format!("\"{s}\""),
                "must be one of: gini, entropy",
            )),
        }
    }
}

impl fmt::Display for Criterion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Criterion::Gini => "gini",
            Criterion::Entropy => "entropy",
        })
    }
}

impl Criterion {
    /// Impurity of a node whose classes weigh `pos` and `neg`, of total weight `w`.
    fn impurity(self, pos: f64, neg: f64, w: f64) -> f64 {
        match self {
            Criterion::Gini => 1.0 - (pos * pos + neg * neg) / (w * w),
            Criterion::Entropy => {
                let mut e = 0.0;
                for c in [pos, neg] {
                    let f = c / w;
                    if f > 0.0 {
                        e -= f * f.log2();
                    }
                }
                e
            }
        }
    }
}

/// How many features each split looks at.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxFeatures {
    /// Every feature.
    #[default]
    All,
    /// `max(1, ⌊√d⌋)` of the `d` features (the random forest's default).
    Sqrt,
    /// This many features (at most `d`).
    Count(usize),
    /// This fraction of the features, `max(1, ⌊fraction · d⌋)`; in `(0, 1]`.
    Fraction(f64),
}

impl MaxFeatures {
    fn check(&self) -> Result<()> {
        match *self {
            MaxFeatures::Count(0) => Err(Error::param("max_features", 0, "must be at least 1")),
            MaxFeatures::Fraction(f) if !(f > 0.0 && f <= 1.0) => Err(Error::param(
                "max_features",
                f,
                "a fraction must be in (0, 1]",
            )),
            _ => Ok(()),
        }
    }

    /// The number of features for `d` columns.
    pub(crate) fn resolve(&self, d: usize) -> usize {
        match *self {
            MaxFeatures::All => d,
            MaxFeatures::Sqrt => ((d as f64).sqrt().floor() as usize).max(1),
            MaxFeatures::Count(c) => c.min(d),
            MaxFeatures::Fraction(f) => ((f * d as f64).floor() as usize).max(1),
        }
    }
}

/// A node of a fitted tree: a split (`left > 0`) or a leaf (`left == 0`; the root is never a
/// child). `value` is the node's prediction (a probability or, in the boosted trees, a
/// log-odds increment), kept on split nodes too for the contributions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Node {
    pub(crate) feature: u32,
    pub(crate) threshold: f64,
    pub(crate) left: u32,
    pub(crate) right: u32,
    pub(crate) value: f64,
}

impl Node {
    pub(crate) fn leaf(value: f64) -> Node {
        Node {
            feature: 0,
            threshold: 0.0,
            left: 0,
            right: 0,
            value,
        }
    }
}

/// The value of the leaf that `row` reaches (`x <= threshold` goes left).
pub(crate) fn leaf_value(nodes: &[Node], row: &[f64]) -> f64 {
    let mut i = 0;
    loop {
        let n = &nodes[i];
        if n.left == 0 {
            return n.value;
        }
        i = if row[n.feature as usize] <= n.threshold {
            n.left
        } else {
            n.right
        } as usize;
    }
}

/// Adds to `features` the change in value of each split on `row`'s path; returns the root's
/// value.
pub(crate) fn add_contributions(nodes: &[Node], row: &[f64], features: &mut [f64]) -> f64 {
    let mut i = 0;
    loop {
        let n = &nodes[i];
        if n.left == 0 {
            return nodes[0].value;
        }
        let next = if row[n.feature as usize] <= n.threshold {
            n.left
        } else {
            n.right
        } as usize;
        features[n.feature as usize] += nodes[next].value - n.value;
        i = next;
    }
}

/// Normalises importances to sum 1 (left at 0 when the tree has no split).
pub(crate) fn normalise(mut v: Vec<f64>) -> Vec<f64> {
    let sum: f64 = v.iter().sum();
    if sum > 0.0 {
        v.iter_mut().for_each(|x| *x /= sum);
    }
    v
}

/// Decision tree parameters as the user gives them; built with [`DecisionTree::params`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DecisionTreeParams {
    criterion: Criterion,
    max_depth: Option<usize>,
    min_samples_split: usize,
    min_samples_leaf: usize,
    min_impurity_decrease: f64,
    max_features: MaxFeatures,
    class_weight: ClassWeight,
    seed: u64,
}

impl Default for DecisionTreeParams {
    fn default() -> Self {
        DecisionTreeParams {
            criterion: Criterion::Gini,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            min_impurity_decrease: 0.0,
            max_features: MaxFeatures::All,
            class_weight: ClassWeight::None,
            seed: 0,
        }
    }
}

/// The growth rules of one tree, checked; shared with the random forest.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TreeRules {
    pub(crate) criterion: Criterion,
    pub(crate) max_depth: usize,
    pub(crate) min_samples_split: usize,
    pub(crate) min_samples_leaf: usize,
    pub(crate) min_impurity_decrease: f64,
    pub(crate) max_features: MaxFeatures,
}

/// Checks the rules shared by the tree and the forest.
pub(crate) fn check_rules(
    max_depth: Option<usize>,
    min_samples_split: usize,
    min_samples_leaf: usize,
    min_impurity_decrease: f64,
    max_features: MaxFeatures,
    class_weight: &ClassWeight,
) -> Result<()> {
    if max_depth == Some(0) {
        return Err(Error::param("max_depth", 0, "must be at least 1"));
    }
    if min_samples_split < 2 {
        return Err(Error::param(
            "min_samples_split",
            min_samples_split,
            "must be at least 2",
        ));
    }
    if min_samples_leaf < 1 {
        return Err(Error::param(
            "min_samples_leaf",
            min_samples_leaf,
            "must be at least 1",
        ));
    }
    if !(min_impurity_decrease.is_finite() && min_impurity_decrease >= 0.0) {
        return Err(Error::param(
            "min_impurity_decrease",
            min_impurity_decrease,
            "must be a finite number, at least 0",
        ));
    }
    max_features.check()?;
    class_weight.check()
}

impl DecisionTreeParams {
    /// Gini or entropy. Default: [`Criterion::Gini`].
    pub fn criterion(mut self, criterion: Criterion) -> Self {
        self.criterion = criterion;
        self
    }

    /// Largest depth (the root is at depth 0), or `None` to grow until the leaves are pure or
    /// too small. Default: `None`.
    pub fn max_depth(mut self, max_depth: Option<usize>) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// Fewest rows a node needs to be split. Default: 2.
    pub fn min_samples_split(mut self, n: usize) -> Self {
        self.min_samples_split = n;
        self
    }

    /// Fewest rows in each child of a split. Default: 1.
    pub fn min_samples_leaf(mut self, n: usize) -> Self {
        self.min_samples_leaf = n;
        self
    }

    /// A split must decrease the weighted impurity (weighted by the node's share of the total
    /// weight, as in scikit-learn) by at least this much. Default: 0.
    pub fn min_impurity_decrease(mut self, v: f64) -> Self {
        self.min_impurity_decrease = v;
        self
    }

    /// Features looked at per split. Default: [`MaxFeatures::All`].
    pub fn max_features(mut self, m: MaxFeatures) -> Self {
        self.max_features = m;
        self
    }

    /// Class weights. Default: [`ClassWeight::None`].
    pub fn class_weight(mut self, w: ClassWeight) -> Self {
        self.class_weight = w;
        self
    }

    /// Seed of the random order in which features are looked at (ChaCha8). Default: 0.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Validates the parameters.
    pub fn check(&self) -> Result<&Self> {
        check_rules(
            self.max_depth,
            self.min_samples_split,
            self.min_samples_leaf,
            self.min_impurity_decrease,
            self.max_features,
            &self.class_weight,
        )?;
        Ok(self)
    }

    fn rules(&self) -> TreeRules {
        TreeRules {
            criterion: self.criterion,
            max_depth: self.max_depth.unwrap_or(usize::MAX),
            min_samples_split: self.min_samples_split,
            min_samples_leaf: self.min_samples_leaf,
            min_impurity_decrease: self.min_impurity_decrease,
            max_features: self.max_features,
        }
    }

    /// Checks the parameters and the data, then grows the tree.
    pub fn fit(&self, x: &Matrix<f64>, y: &[bool]) -> Result<DecisionTree> {
        self.fit_weighted(x, y, None)
    }

    /// [`fit`](Self::fit) with a weight per row (multiplied by the class weights).
    pub fn fit_weighted(
        &self,
        x: &Matrix<f64>,
        y: &[bool],
        sample_weight: Option<&[f64]>,
    ) -> Result<DecisionTree> {
        self.check()?;
        check_training(x, y, sample_weight)?;
        let w = self.class_weight.sample_weights(y, sample_weight);
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        Ok(grow(x, y, &w, &self.rules(), &mut rng))
    }
}

impl fmt::Display for DecisionTreeParams {
    /// The settings a search varies: `max depth 5, min leaf 5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "max depth {}, min leaf {}",
            self.max_depth.map_or("none".to_string(), |d| d.to_string()),
            self.min_samples_leaf
        )
    }
}

/// A fitted decision tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionTree {
    n_features: usize,
    nodes: Vec<Node>,
    importances: Vec<f64>,
}

impl DecisionTree {
    /// Default parameters: `DecisionTree::params().max_depth(Some(3)).fit(&x, &y)`.
    pub fn params() -> DecisionTreeParams {
        DecisionTreeParams::default()
    }

    /// Impurity-based feature importances (the total weighted impurity decrease of each
    /// feature's splits), summing to 1; all zero when the tree has no split.
    pub fn feature_importances(&self) -> &[f64] {
        &self.importances
    }

    /// Number of nodes, leaves included.
    pub fn n_nodes(&self) -> usize {
        self.nodes.len()
    }

    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| n.left == 0).count()
    }

    /// Depth of the deepest leaf (0 for a single leaf).
    pub fn depth(&self) -> usize {
        fn depth(nodes: &[Node], i: usize) -> usize {
            let n = &nodes[i];
            if n.left == 0 {
                0
            } else {
                1 + depth(nodes, n.left as usize).max(depth(nodes, n.right as usize))
            }
        }
        depth(&self.nodes, 0)
    }

    /// Saabas' attribution of the probability of `row`: `bias + Σ values` is
    /// [`predict_proba`](Classifier::predict_proba)'s value for it.
    pub fn contributions(&self, row: &[f64]) -> Result<Contributions> {
        check_row(row, self.n_features)?;
        let mut features = vec![0.0; self.n_features];
        let bias = add_contributions(&self.nodes, row, &mut features);
        Ok(Contributions {
            bias,
            values: features,
            scale: ContributionScale::Probability,
        })
    }

    /// Node `index` of the tree (the root is 0; children come from [`TreeNode::Split`]), or
    /// `None` past the last node: enough to walk the tree and read its rules.
    pub fn node(&self, index: usize) -> Option<TreeNode> {
        let n = self.nodes.get(index)?;
        Some(if n.left == 0 {
            TreeNode::Leaf { value: n.value }
        } else {
            TreeNode::Split {
                feature: n.feature as usize,
                threshold: n.threshold,
                left: n.left as usize,
                right: n.right as usize,
                value: n.value,
            }
        })
    }

    pub(crate) fn nodes(&self) -> &[Node] {
        &self.nodes
    }
}

/// One node of a fitted [`DecisionTree`], as [`DecisionTree::node`] shows it. `value` is the
/// node's weighted fraction of positive rows (class and sample weights applied), the
/// probability the tree predicts for rows that end there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TreeNode {
    /// Rows with `x[feature] <= threshold` go to node `left`, the others to node `right`.
    Split {
        /// The column tested.
        feature: usize,
        /// The threshold, halfway between two values seen in training.
        threshold: f64,
        /// Index of the child for values at or below the threshold.
        left: usize,
        /// Index of the child for values above it.
        right: usize,
        /// The node's positive fraction.
        value: f64,
    },
    /// A leaf.
    Leaf {
        /// The leaf's positive fraction: the predicted probability.
        value: f64,
    },
}

impl Classifier for DecisionTree {
    fn predict_proba(&self, x: &Matrix<f64>) -> Result<Vec<f64>> {
        check_columns(x, self.n_features)?;
        Ok(x.iter_rows().map(|r| leaf_value(&self.nodes, r)).collect())
    }

    fn n_features(&self) -> usize {
        self.n_features
    }
}

/// Grows a tree on the rows of positive weight.
pub(crate) fn grow(
    x: &Matrix<f64>,
    y: &[bool],
    w: &[f64],
    rules: &TreeRules,
    rng: &mut ChaCha8Rng,
) -> DecisionTree {
    let mut rows: Vec<usize> = (0..x.rows()).filter(|&i| w[i] > 0.0).collect();
    let total: f64 = rows.iter().map(|&i| w[i]).sum();
    let d = x.cols();
    let mut g = Grower {
        x,
        y,
        w,
        rules,
        total,
        max_features: rules.max_features.resolve(d),
        nodes: Vec::new(),
        importances: vec![0.0; d],
        buf: Vec::with_capacity(rows.len()),
        features: (0..d).collect(),
    };
    let n = rows.len();
    let (pos, neg) = g.sums(&rows);
    let impurity = rules.criterion.impurity(pos, neg, pos + neg);
    g.build(&mut rows, 0, n, 0, impurity, rng);
    let importances = g.importances.iter().map(|v| v / total).collect::<Vec<_>>();
    DecisionTree {
        n_features: d,
        nodes: g.nodes,
        importances: normalise(importances),
    }
}

struct Grower<'a> {
    x: &'a Matrix<f64>,
    y: &'a [bool],
    w: &'a [f64],
    rules: &'a TreeRules,
    total: f64,
    max_features: usize,
    nodes: Vec<Node>,
    importances: Vec<f64>,
    /// The node's (value, row) pairs of one feature, sorted.
    buf: Vec<(f64, usize)>,
    features: Vec<usize>,
}

/// The best split of a node.
struct Split {
    feature: usize,
    threshold: f64,
    proxy: f64,
    impurity_left: f64,
    impurity_right: f64,
}

impl Grower<'_> {
    fn sums(&self, rows: &[usize]) -> (f64, f64) {
        let (mut pos, mut neg) = (0.0, 0.0);
        for &i in rows {
            if self.y[i] {
                pos += self.w[i];
            } else {
                neg += self.w[i];
            }
        }
        (pos, neg)
    }

    /// Grows the node of `rows[start..end]` and its subtree; returns its index.
    fn build(
        &mut self,
        rows: &mut [usize],
        start: usize,
        end: usize,
        depth: usize,
        impurity: f64,
        rng: &mut ChaCha8Rng,
    ) -> u32 {
        let r = *self.rules;
        let (pos, neg) = self.sums(&rows[start..end]);
        let weight = pos + neg;
        let index = self.nodes.len();
        self.nodes.push(Node::leaf(pos / weight));
        let n = end - start;
        if depth >= r.max_depth
            || n < r.min_samples_split
            || n < 2 * r.min_samples_leaf
            || impurity <= f64::EPSILON
        {
            return index as u32;
        }
        let Some(split) = self.best_split(&rows[start..end], pos, neg, rng) else {
            return index as u32;
        };
        // Partition the rows: those at or below the threshold first.
        let (f, t) = (split.feature, split.threshold);
        let mut left: Vec<usize> = Vec::with_capacity(n);
        let mut right: Vec<usize> = Vec::with_capacity(n);
        for &i in &rows[start..end] {
            if self.x.get(i, f) <= t {
                left.push(i);
            } else {
                right.push(i);
            }
        }
        let mid = start + left.len();
        let (wl, wr) = (
            left.iter().map(|&i| self.w[i]).sum::<f64>(),
            right.iter().map(|&i| self.w[i]).sum::<f64>(),
        );
        rows[start..mid].copy_from_slice(&left);
        rows[mid..end].copy_from_slice(&right);
        let improvement = (weight / self.total)
            * (impurity
                - (wr / weight) * split.impurity_right
                - (wl / weight) * split.impurity_left);
        if improvement + f64::EPSILON < r.min_impurity_decrease {
            return index as u32;
        }
        self.importances[f] +=
            weight * impurity - wl * split.impurity_left - wr * split.impurity_right;
        let l = self.build(rows, start, mid, depth + 1, split.impurity_left, rng);
        let rt = self.build(rows, mid, end, depth + 1, split.impurity_right, rng);
        let node = &mut self.nodes[index];
        node.feature = f as u32;
        node.threshold = t;
        node.left = l;
        node.right = rt;
        index as u32
    }

    /// The best split over `max_features` non-constant features in a random order.
    fn best_split(
        &mut self,
        rows: &[usize],
        pos: f64,
        neg: f64,
        rng: &mut ChaCha8Rng,
    ) -> Option<Split> {
        let r = *self.rules;
        let d = self.features.len();
        let mut best: Option<Split> = None;
        let mut visited = 0;
        // Features in a fresh random order (Fisher–Yates, drawn as needed).
        for k in 0..d {
            if visited >= self.max_features {
                break;
            }
            let j = rng.random_range(k..d);
            self.features.swap(k, j);
            let f = self.features[k];
            self.buf.clear();
            self.buf.extend(rows.iter().map(|&i| (self.x.get(i, f), i)));
            self.buf.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
            let n = self.buf.len();
            if self.buf[n - 1].0 <= self.buf[0].0 + FEATURE_THRESHOLD {
                continue;
            }
            visited += 1;
            let (mut pl, mut nl) = (0.0, 0.0);
            for p in 1..n {
                let i = self.buf[p - 1].1;
                if self.y[i] {
                    pl += self.w[i];
                } else {
                    nl += self.w[i];
                }
                let (v0, v1) = (self.buf[p - 1].0, self.buf[p].0);
                if v1 <= v0 + FEATURE_THRESHOLD
                    || p < r.min_samples_leaf
                    || n - p < r.min_samples_leaf
                {
                    continue;
                }
                let (pr, nr) = (pos - pl, neg - nl);
                let (wl, wr) = (pl + nl, pr + nr);
                let proxy = match r.criterion {
                    Criterion::Gini => (pl * pl + nl * nl) / wl + (pr * pr + nr * nr) / wr,
                    Criterion::Entropy => {
                        -wr * r.criterion.impurity(pr, nr, wr)
                            - wl * r.criterion.impurity(pl, nl, wl)
                    }
                };
                if best.as_ref().is_none_or(|b| proxy > b.proxy) {
                    let mut threshold = v0 / 2.0 + v1 / 2.0;
                    if threshold == v1 || !threshold.is_finite() {
                        threshold = v0;
                    }
                    best = Some(Split {
                        feature: f,
                        threshold,
                        proxy,
                        impurity_left: r.criterion.impurity(pl, nl, wl),
                        impurity_right: r.criterion.impurity(pr, nr, wr),
                    });
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two informative columns and a noise column; the target is x0 > 0.5 xor (x1 > 0.7).
    pub(crate) fn toy(n: usize, seed: u64) -> (Matrix<f64>, Vec<bool>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut data = Vec::with_capacity(n * 3);
        let mut y = Vec::with_capacity(n);
        for _ in 0..n {
            let (a, b, c): (f64, f64, f64) = (rng.random(), rng.random(), rng.random());
            data.extend([a, b, c]);
            y.push((a > 0.5) ^ (b > 0.7) ^ (rng.random::<f64>() < 0.1));
        }
        (Matrix::new(data, n, 3).unwrap(), y)
    }

    fn message(r: Result<impl fmt::Debug>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn pure_leaves_fit_the_training_data() {
        let (x, y) = toy(300, 1);
        let t = DecisionTree::params().fit(&x, &y).unwrap();
        let p = t.predict_proba(&x).unwrap();
        // Without a depth limit every leaf is pure unless two rows share their features.
        assert!(
            p.iter()
                .zip(&y)
                .all(|(&p, &t)| p == if t { 1.0 } else { 0.0 })
        );
        assert_eq!(t.n_nodes(), 2 * t.n_leaves() - 1);
    }

    #[test]
    fn a_stump_splits_at_the_midpoint() {
        let x = Matrix::new(vec![1.0, 2.0, 3.0, 4.0], 4, 1).unwrap();
        let t = DecisionTree::params()
            .fit(&x, &[false, false, true, true])
            .unwrap();
        assert_eq!(t.nodes()[0].threshold, 2.5);
        assert_eq!(t.depth(), 1);
        assert_eq!(
            t.node(0),
            Some(TreeNode::Split {
                feature: 0,
                threshold: 2.5,
                left: 1,
                right: 2,
                value: 0.5
            })
        );
        assert_eq!(t.node(1), Some(TreeNode::Leaf { value: 0.0 }));
        assert_eq!(t.node(3), None);
        assert_eq!(t.feature_importances(), &[1.0]);
    }

    #[test]
    fn max_depth_and_min_samples_leaf_limit_growth() {
        let (x, y) = toy(300, 2);
        let t = DecisionTree::params()
            .max_depth(Some(2))
            .fit(&x, &y)
            .unwrap();
        assert!(t.depth() <= 2 && t.n_leaves() <= 4);
        let t = DecisionTree::params()
            .min_samples_leaf(40)
            .fit(&x, &y)
            .unwrap();
        let mut counts = vec![0usize; t.n_nodes()];
        for r in x.iter_rows() {
            let mut i = 0;
            while t.nodes()[i].left != 0 {
                let n = &t.nodes()[i];
                i = if r[n.feature as usize] <= n.threshold {
                    n.left
                } else {
                    n.right
                } as usize;
            }
            counts[i] += 1;
        }
        assert!(counts.iter().all(|&c| c == 0 || c >= 40));
    }

    #[test]
    fn class_weights_raise_the_positive_probabilities() {
        let (x, y) = toy(300, 3);
        let plain = DecisionTree::params()
            .max_depth(Some(2))
            .fit(&x, &y)
            .unwrap();
        let weighted = DecisionTree::params()
            .max_depth(Some(2))
            .class_weight(ClassWeight::Given {
                negative: 1.0,
                positive: 5.0,
            })
            .fit(&x, &y)
            .unwrap();
        let (a, b) = (
            plain.predict_proba(&x).unwrap(),
            weighted.predict_proba(&x).unwrap(),
        );
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        assert!(mean(&b) > mean(&a) + 0.1, "{} vs {}", mean(&b), mean(&a));
    }

    #[test]
    fn contributions_sum_to_the_probability() {
        let (x, y) = toy(200, 4);
        let t = DecisionTree::params()
            .max_depth(Some(4))
            .fit(&x, &y)
            .unwrap();
        let p = t.predict_proba(&x).unwrap();
        for (r, p) in x.iter_rows().zip(p) {
            let c = t.contributions(r).unwrap();
            let sum = c.bias + c.values.iter().sum::<f64>();
            assert!((sum - p).abs() < 1e-12);
        }
        // The noise column explains little.
        assert!(t.feature_importances()[2] < 0.2);
    }

    #[test]
    fn serde_round_trip_predicts_the_same() {
        let (x, y) = toy(200, 5);
        let t = DecisionTree::params()
            .criterion(Criterion::Entropy)
            .fit(&x, &y)
            .unwrap();
        let back: DecisionTree = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(
            back.predict_proba(&x).unwrap(),
            t.predict_proba(&x).unwrap()
        );
    }

    #[test]
    fn max_features_is_seeded() {
        let (x, y) = toy(200, 6);
        let p = DecisionTree::params().max_features(MaxFeatures::Count(1));
        let a = p.clone().seed(1).fit(&x, &y).unwrap();
        assert_eq!(a, p.clone().seed(1).fit(&x, &y).unwrap());
        assert_eq!(MaxFeatures::Sqrt.resolve(30), 5);
        assert_eq!(MaxFeatures::Fraction(0.1).resolve(5), 1);
    }

    #[test]
    fn parameter_messages() {
        let (x, y) = toy(20, 7);
        let p = DecisionTree::params;
        assert_eq!(
            message(p().max_depth(Some(0)).fit(&x, &y)),
            "invalid parameter `max_depth` = 0: must be at least 1"
        );
        assert_eq!(
            message(p().min_samples_split(1).fit(&x, &y)),
            "invalid parameter `min_samples_split` = 1: must be at least 2"
        );
        assert_eq!(
            message(p().min_samples_leaf(0).fit(&x, &y)),
            "invalid parameter `min_samples_leaf` = 0: must be at least 1"
        );
        assert_eq!(
            message(p().min_impurity_decrease(-1.0).fit(&x, &y)),
            "invalid parameter `min_impurity_decrease` = -1: must be a finite number, at least 0"
        );
        assert_eq!(
            message(p().max_features(MaxFeatures::Count(0)).fit(&x, &y)),
            "invalid parameter `max_features` = 0: must be at least 1"
        );
        assert_eq!(
            message(p().max_features(MaxFeatures::Fraction(1.5)).fit(&x, &y)),
            "invalid parameter `max_features` = 1.5: a fraction must be in (0, 1]"
        );
        assert_eq!(
            message("gain".parse::<Criterion>()),
            "invalid parameter `criterion` = \"gain\": must be one of: gini, entropy"
        );
        assert_eq!(
            "entropy".parse::<Criterion>().unwrap().to_string(),
            "entropy"
        );
    }

    #[test]
    fn data_errors() {
        let (x, _) = toy(20, 8);
        assert_eq!(
            message(DecisionTree::params().fit(&x, &[true; 20])),
            "the target has only true values in its 20 rows; a model needs both classes \
             (check the target's definition or the rows kept)"
        );
        let (x, y) = toy(20, 8);
        let t = DecisionTree::params().fit(&x, &y).unwrap();
        let narrow = Matrix::new(vec![0.0; 4], 2, 2).unwrap();
        assert_eq!(
            message(t.predict_proba(&narrow)),
            "the data to score has 2 columns but 3 were expected"
        );
        assert_eq!(
            message(t.contributions(&[0.0])),
            "the row to explain has 1 columns but 3 were expected"
        );
    }
}
