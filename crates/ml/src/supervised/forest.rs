//! A random forest of CART trees ([`DecisionTree`](super::DecisionTree)'s growth rules), after
//! scikit-learn's `RandomForestClassifier`.
//!
//! Each tree grows on a bootstrap sample of the rows (drawn with replacement, the counts used as
//! row weights, as scikit-learn does) and looks at `max_features` random features per split.
//! Trees are fitted in parallel; tree `i` draws from its own ChaCha8 stream of the forest's seed
//! (stream `i`), so the forest is the same whatever the number of threads. The probability is
//! the mean of the trees' leaf probabilities; the feature importances the mean of the trees'
//! (each normalised), and the contributions the mean of the trees' Saabas contributions.
//!
//! Defaults: 100 trees, bootstrap, `sqrt` features per split, Gini, no depth limit,
//! `min_samples_split` 2, `min_samples_leaf` 1, no class weights, seed 0.
//!
//! Differences from scikit-learn: its random draws are not reproduced (the same data and seed
//! give a forest of the same quality, not the same trees); class weights are computed once on
//! the whole target (no `balanced_subsample`); no out-of-bag score, no `max_samples`.

use std::fmt;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::{ContributionScale, Contributions};
use super::tree::{
    Criterion, DecisionTree, MaxFeatures, TreeRules, add_contributions, check_rules, grow,
    leaf_value, normalise,
};
use super::{ClassWeight, Classifier, check_columns, check_row, check_training};
use crate::error::{Error, Result};
use crate::matrix::Matrix;

/// Random forest parameters as the user gives them; built with [`RandomForest::params`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RandomForestParams {
    n_estimators: usize,
    bootstrap: bool,
    criterion: Criterion,
    max_features: MaxFeatures,
    max_depth: Option<usize>,
    min_samples_split: usize,
    min_samples_leaf: usize,
    class_weight: ClassWeight,
    seed: u64,
}

impl fmt::Display for RandomForestParams {
    /// The settings a search varies: `100 trees, max depth none, min leaf 1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} trees, max depth {}, min leaf {}",
            self.n_estimators,
            self.max_depth.map_or("none".to_string(), |d| d.to_string()),
            self.min_samples_leaf
        )
    }
}

impl Default for RandomForestParams {
    fn default() -> Self {
        RandomForestParams {
            n_estimators: 100,
            bootstrap: true,
            criterion: Criterion::Gini,
            max_features: MaxFeatures::Sqrt,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            class_weight: ClassWeight::None,
            seed: 0,
        }
    }
}

impl RandomForestParams {
    /// Number of trees. Default: 100.
    pub fn n_estimators(mut self, n: usize) -> Self {
        self.n_estimators = n;
        self
    }

    /// Whether each tree grows on a bootstrap sample (else on every row). Default: `true`.
    pub fn bootstrap(mut self, b: bool) -> Self {
        self.bootstrap = b;
        self
    }

    /// Gini or entropy. Default: [`Criterion::Gini`].
    pub fn criterion(mut self, c: Criterion) -> Self {
        self.criterion = c;
        self
    }

    /// Features looked at per split. Default: [`MaxFeatures::Sqrt`].
    pub fn max_features(mut self, m: MaxFeatures) -> Self {
        self.max_features = m;
        self
    }

    /// Largest depth of a tree, or `None`. Default: `None`.
    pub fn max_depth(mut self, d: Option<usize>) -> Self {
        self.max_depth = d;
        self
    }

    /// Fewest rows a node needs to be split. Default: 2.
    pub fn min_samples_split(mut self, n: usize) -> Self {
        self.min_samples_split = n;
        self
    }

    /// Fewest rows (distinct rows of the bootstrap sample) in each child. Default: 1.
    pub fn min_samples_leaf(mut self, n: usize) -> Self {
        self.min_samples_leaf = n;
        self
    }

    /// Class weights, computed on the whole target. Default: [`ClassWeight::None`].
    pub fn class_weight(mut self, w: ClassWeight) -> Self {
        self.class_weight = w;
        self
    }

    /// Seed of the bootstrap samples and feature draws (ChaCha8). Default: 0.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Validates the parameters.
    pub fn check(&self) -> Result<&Self> {
        if self.n_estimators < 1 {
            return Err(Error::param("n_estimators", 0, "must be at least 1"));
        }
        check_rules(
            self.max_depth,
            self.min_samples_split,
            self.min_samples_leaf,
            0.0,
            self.max_features,
            &self.class_weight,
        )?;
        Ok(self)
    }

    /// Checks the parameters and the data, then grows the trees in parallel.
    pub fn fit(&self, x: &Matrix<f64>, y: &[bool]) -> Result<RandomForest> {
        self.fit_weighted(x, y, None)
    }

    /// [`fit`](Self::fit) with a weight per row (multiplied by the class weights and the
    /// bootstrap counts).
    pub fn fit_weighted(
        &self,
        x: &Matrix<f64>,
        y: &[bool],
        sample_weight: Option<&[f64]>,
    ) -> Result<RandomForest> {
        self.check()?;
        check_training(x, y, sample_weight)?;
        let w = self.class_weight.sample_weights(y, sample_weight);
        let rules = TreeRules {
            criterion: self.criterion,
            max_depth: self.max_depth.unwrap_or(usize::MAX),
            min_samples_split: self.min_samples_split,
            min_samples_leaf: self.min_samples_leaf,
            min_impurity_decrease: 0.0,
            max_features: self.max_features,
        };
        let n = x.rows();
        let trees: Vec<DecisionTree> = (0..self.n_estimators)
            .into_par_iter()
            .map(|i| {
                let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
                rng.set_stream(i as u64);
                let tree_w = if self.bootstrap {
                    let mut counts = vec![0u32; n];
                    for _ in 0..n {
                        counts[rng.random_range(0..n)] += 1;
                    }
                    w.iter().zip(&counts).map(|(&w, &c)| w * c as f64).collect()
                } else {
                    w.clone()
                };
                grow(x, y, &tree_w, &rules, &mut rng)
            })
            .collect();
        let d = x.cols();
        let mut importances = vec![0.0; d];
        for t in &trees {
            for (s, v) in importances.iter_mut().zip(t.feature_importances()) {
                *s += v / trees.len() as f64;
            }
        }
        Ok(RandomForest {
            n_features: d,
            trees,
            importances: normalise(importances),
        })
    }
}

/// A fitted random forest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RandomForest {
    n_features: usize,
    trees: Vec<DecisionTree>,
    importances: Vec<f64>,
}

impl RandomForest {
    /// Default parameters: `RandomForest::params().n_estimators(200).fit(&x, &y)`.
    pub fn params() -> RandomForestParams {
        RandomForestParams::default()
    }

    /// The trees.
    pub fn trees(&self) -> &[DecisionTree] {
        &self.trees
    }

    /// The mean of the trees' impurity-based importances, summing to 1.
    pub fn feature_importances(&self) -> &[f64] {
        &self.importances
    }

    /// The mean of the trees' Saabas contributions for `row`: `bias + Σ features` is
    /// [`predict_proba`](Classifier::predict_proba)'s value for it.
    pub fn contributions(&self, row: &[f64]) -> Result<Contributions> {
        check_row(row, self.n_features)?;
        let mut features = vec![0.0; self.n_features];
        let mut bias = 0.0;
        for t in &self.trees {
            bias += add_contributions(t.nodes(), row, &mut features);
        }
        let k = self.trees.len() as f64;
        features.iter_mut().for_each(|v| *v /= k);
        Ok(Contributions {
            bias: bias / k,
            values: features,
            scale: ContributionScale::Probability,
        })
    }
}

impl Classifier for RandomForest {
    fn predict_proba(&self, x: &Matrix<f64>) -> Result<Vec<f64>> {
        check_columns(x, self.n_features)?;
        let k = self.trees.len() as f64;
        Ok(x.as_slice()
            .par_chunks(self.n_features)
            .map(|row| {
                self.trees
                    .iter()
                    .map(|t| leaf_value(t.nodes(), row))
                    .sum::<f64>()
                    / k
            })
            .collect())
    }

    fn n_features(&self) -> usize {
        self.n_features
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(n: usize, seed: u64) -> (Matrix<f64>, Vec<bool>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut v = Vec::with_capacity(n * 4);
        let mut y = Vec::with_capacity(n);
        for _ in 0..n {
            let r: [f64; 4] = std::array::from_fn(|_| rng.random::<f64>());
            y.push((r[0] + 0.5 * r[1] > 0.9) ^ (rng.random::<f64>() < 0.1));
            v.extend(r);
        }
        (Matrix::new(v, n, 4).unwrap(), y)
    }

    fn pool(n: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    }

    #[test]
    fn forest_is_the_same_on_one_and_two_threads() {
        let (x, y) = data(300, 1);
        let p = RandomForest::params().n_estimators(12);
        let a = pool(1).install(|| p.fit(&x, &y).unwrap());
        let b = pool(2).install(|| p.fit(&x, &y).unwrap());
        assert_eq!(a, b);
        assert_ne!(a, p.clone().seed(1).fit(&x, &y).unwrap());
    }

    #[test]
    fn forest_predicts_and_explains() {
        let (x, y) = data(400, 2);
        let f = RandomForest::params().n_estimators(20).fit(&x, &y).unwrap();
        let p = f.predict_proba(&x).unwrap();
        let correct = p.iter().zip(&y).filter(|(p, t)| (**p > 0.5) == **t).count();
        assert!(correct as f64 > 0.9 * y.len() as f64);
        for (r, p) in x.iter_rows().zip(&p).take(40) {
            let c = f.contributions(r).unwrap();
            assert!((c.bias + c.values.iter().sum::<f64>() - p).abs() < 1e-12);
        }
        let imp = f.feature_importances();
        assert!(imp[0] > imp[2] && imp[0] > imp[3], "{imp:?}");
        assert!((imp.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn class_weights_raise_the_positive_probabilities() {
        let (x, y) = data(300, 3);
        let mean = |f: &RandomForest| f.predict_proba(&x).unwrap().iter().sum::<f64>() / 300.0;
        let p = RandomForest::params().n_estimators(10).max_depth(Some(3));
        let plain = p.fit(&x, &y).unwrap();
        let weighted = p
            .clone()
            .class_weight(ClassWeight::Balanced)
            .fit(&x, &y)
            .unwrap();
        assert!(mean(&weighted) > mean(&plain) + 0.05);
    }

    #[test]
    fn serde_round_trip_predicts_the_same() {
        let (x, y) = data(200, 4);
        let f = RandomForest::params().n_estimators(5).fit(&x, &y).unwrap();
        let back: RandomForest = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        assert_eq!(
            back.predict_proba(&x).unwrap(),
            f.predict_proba(&x).unwrap()
        );
    }

    #[test]
    fn parameter_and_data_messages() {
        let (x, y) = data(30, 5);
        assert_eq!(
            RandomForest::params()
                .n_estimators(0)
                .fit(&x, &y)
                .unwrap_err()
                .to_string(),
            "invalid parameter `n_estimators` = 0: must be at least 1"
        );
        assert_eq!(
            RandomForest::params()
                .min_samples_leaf(0)
                .fit(&x, &y)
                .unwrap_err()
                .to_string(),
            "invalid parameter `min_samples_leaf` = 0: must be at least 1"
        );
        assert_eq!(
            RandomForest::params()
                .class_weight(ClassWeight::Given {
                    negative: 1.0,
                    positive: -2.0
                })
                .fit(&x, &y)
                .unwrap_err()
                .to_string(),
            "invalid parameter `class_weight.positive` = -2: must be a positive finite number"
        );
        let f = RandomForest::params().n_estimators(2).fit(&x, &y).unwrap();
        assert_eq!(
            f.predict_proba(&Matrix::new(vec![0.0; 3], 1, 3).unwrap())
                .unwrap_err()
                .to_string(),
            "the data to score has 3 columns but 4 were expected"
        );
    }
}
