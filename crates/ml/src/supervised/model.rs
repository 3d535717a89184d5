//! Any of the classifiers behind one type, so that model search, explanations and the saved
//! model file treat them alike: [`ModelKind`] names a family, [`ModelParams`] holds one
//! family's parameters, [`Model`] one fitted model.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{
    ClassWeight, Classifier, DecisionTree, DecisionTreeParams, GradientBoosting,
    GradientBoostingParams, LogisticRegression, LogisticRegressionParams, Penalty, RandomForest,
    RandomForestParams,
};
use crate::error::{Error, Result};
use crate::matrix::Matrix;

/// A family of classifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// Regularized logistic regression: linear in the features, readable coefficients.
    Logistic,
    /// One decision tree: a few readable rules, rarely the most accurate.
    Tree,
    /// A random forest: many decorrelated trees averaged.
    Forest,
    /// Histogram gradient-boosted trees: usually the most accurate on tabular data.
    Gbm,
}

impl ModelKind {
    /// Every family, in the order `auto` tries them.
    pub const ALL: [ModelKind; 4] = [
        ModelKind::Logistic,
        ModelKind::Tree,
        ModelKind::Forest,
        ModelKind::Gbm,
    ];

    /// The grid searched for this family by default, every candidate with these class
    /// weights and seed: the few settings that matter most, so that a search stays quick.
    /// The logistic grid has L1 candidates besides the L2 ones: with a hundred account
    /// features and a few thousand rows, a lasso that keeps the few that carry the signal
    /// often beats shrinking them all.
    pub fn grid(self, class_weight: ClassWeight, seed: u64) -> Vec<ModelParams> {
        match self {
            ModelKind::Logistic => [
                (Penalty::L2, 0.01),
                (Penalty::L2, 0.1),
                (Penalty::L2, 1.0),
                (Penalty::L2, 10.0),
                (Penalty::L1, 0.01),
                (Penalty::L1, 0.1),
            ]
            .into_iter()
            .map(|(penalty, c)| {
                ModelParams::Logistic(
                    LogisticRegression::params()
                        .penalty(penalty)
                        .c(c)
                        .class_weight(class_weight),
                )
            })
            .collect(),
            ModelKind::Tree => [3, 5, 8]
                .into_iter()
                .map(|depth| {
                    ModelParams::Tree(
                        DecisionTree::params()
                            .max_depth(Some(depth))
                            .min_samples_leaf(5)
                            .class_weight(class_weight)
                            .seed(seed),
                    )
                })
                .collect(),
            ModelKind::Forest => [1, 5]
                .into_iter()
                .map(|leaf| {
                    ModelParams::Forest(
                        RandomForest::params()
                            .min_samples_leaf(leaf)
                            .class_weight(class_weight)
                            .seed(seed),
                    )
                })
                .collect(),
            ModelKind::Gbm => [(0.1, 100, 31), (0.1, 100, 15), (0.05, 200, 31)]
                .into_iter()
                .map(|(rate, rounds, leaves)| {
                    ModelParams::Gbm(
                        GradientBoosting::params()
                            .learning_rate(rate)
                            .max_iter(rounds)
                            .max_leaf_nodes(Some(leaves))
                            .class_weight(class_weight)
                            .seed(seed),
                    )
                })
                .collect(),
        }
    }
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ModelKind::Logistic => "logistic",
            ModelKind::Tree => "tree",
            ModelKind::Forest => "forest",
            ModelKind::Gbm => "gbm",
        })
    }
}

impl FromStr for ModelKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim().to_ascii_lowercase();
        ModelKind::ALL
            .into_iter()
            .find(|k| k.to_string() == s)
            .ok_or_else(|| {
                let known: Vec<String> = ModelKind::ALL.iter().map(|k| k.to_string()).collect();
                Error::param("model", s, format!("must be one of {}", known.join(", ")))
            })
    }
}

/// One family's parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ModelParams {
    /// Logistic regression.
    Logistic(LogisticRegressionParams),
    /// A decision tree.
    Tree(DecisionTreeParams),
    /// A random forest.
    Forest(RandomForestParams),
    /// Gradient-boosted trees.
    Gbm(GradientBoostingParams),
}

impl ModelParams {
    /// The family.
    pub fn kind(&self) -> ModelKind {
        match self {
            ModelParams::Logistic(_) => ModelKind::Logistic,
            ModelParams::Tree(_) => ModelKind::Tree,
            ModelParams::Forest(_) => ModelKind::Forest,
            ModelParams::Gbm(_) => ModelKind::Gbm,
        }
    }

    /// Checks the parameters and fits the model.
    pub fn fit(&self, x: &Matrix<f64>, y: &[bool]) -> Result<Model> {
        Ok(match self {
            ModelParams::Logistic(p) => Model::Logistic(p.fit(x, y)?),
            ModelParams::Tree(p) => Model::Tree(p.fit(x, y)?),
            ModelParams::Forest(p) => Model::Forest(p.fit(x, y)?),
            ModelParams::Gbm(p) => Model::Gbm(p.fit(x, y)?),
        })
    }
}

impl fmt::Display for ModelParams {
    /// The family and the settings a search varies, e.g. `logistic (l2, C = 0.1)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelParams::Logistic(p) => write!(f, "logistic ({p})"),
            ModelParams::Tree(p) => write!(f, "tree ({p})"),
            ModelParams::Forest(p) => write!(f, "forest ({p})"),
            ModelParams::Gbm(p) => write!(f, "gbm ({p})"),
        }
    }
}

/// Why a row scores as it does: a base score and what each column adds to it. The base plus
/// the contributions is the row's score on the model's own scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contributions {
    /// The score of the reference row: the average training row for a logistic regression,
    /// the root of the trees (their mean for a forest, the baseline for boosted trees).
    pub bias: f64,
    /// One contribution per column.
    pub values: Vec<f64>,
    /// The scale the contributions add up on.
    pub scale: ContributionScale,
}

/// The scale on which a model's contributions add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContributionScale {
    /// Log-odds (logistic regression, boosted trees).
    LogOdds,
    /// Probability (a tree, a forest).
    Probability,
}

/// A fitted classifier of any family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Model {
    /// Logistic regression.
    Logistic(LogisticRegression),
    /// A decision tree.
    Tree(DecisionTree),
    /// A random forest.
    Forest(RandomForest),
    /// Gradient-boosted trees.
    Gbm(GradientBoosting),
}

impl Model {
    /// The family.
    pub fn kind(&self) -> ModelKind {
        match self {
            Model::Logistic(_) => ModelKind::Logistic,
            Model::Tree(_) => ModelKind::Tree,
            Model::Forest(_) => ModelKind::Forest,
            Model::Gbm(_) => ModelKind::Gbm,
        }
    }

    /// Why `row` scores as it does (Saabas' path attribution for trees).
    pub fn contributions(&self, row: &[f64]) -> Result<Contributions> {
        match self {
            Model::Logistic(m) => {
                super::check_row(row, m.n_features())?;
                let (bias, values) = m.contributions(row);
                Ok(Contributions {
                    bias,
                    values,
                    scale: ContributionScale::LogOdds,
                })
            }
            Model::Tree(m) => m.contributions(row),
            Model::Forest(m) => m.contributions(row),
            Model::Gbm(m) => m.contributions(row),
        }
    }

    /// The model's own importance of each column, normalized to sum 1: the absolute
    /// coefficients of a logistic regression (on scaled columns, they compare), the impurity
    /// decrease of a tree or a forest, the gain of boosted trees.
    pub fn built_in_importances(&self) -> Vec<f64> {
        match self {
            Model::Logistic(m) => {
                let raw: Vec<f64> = m.coefficients().iter().map(|c| c.abs()).collect();
                let total: f64 = raw.iter().sum();
                if total > 0.0 {
                    raw.iter().map(|v| v / total).collect()
                } else {
                    raw
                }
            }
            Model::Tree(m) => m.feature_importances().to_vec(),
            Model::Forest(m) => m.feature_importances().to_vec(),
            Model::Gbm(m) => m.feature_importances().to_vec(),
        }
    }
}

impl Classifier for Model {
    fn predict_proba(&self, x: &Matrix<f64>) -> Result<Vec<f64>> {
        match self {
            Model::Logistic(m) => m.predict_proba(x),
            Model::Tree(m) => m.predict_proba(x),
            Model::Forest(m) => m.predict_proba(x),
            Model::Gbm(m) => m.predict_proba(x),
        }
    }

    fn n_features(&self) -> usize {
        match self {
            Model::Logistic(m) => m.n_features(),
            Model::Tree(m) => m.n_features(),
            Model::Forest(m) => m.n_features(),
            Model::Gbm(m) => m.n_features(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_and_print() {
        for kind in ModelKind::ALL {
            assert_eq!(kind.to_string().parse::<ModelKind>().unwrap(), kind);
        }
        assert!(
            "svm"
                .parse::<ModelKind>()
                .unwrap_err()
                .to_string()
                .starts_with(
                    "invalid parameter `model` = svm: must be one of logistic, tree, forest, gbm"
                )
        );
    }

    #[test]
    fn a_model_round_trips_through_json_with_its_kind() {
        let rows: Vec<[f64; 2]> = (0..80)
            .map(|i| [(i as f64 * 0.37).sin(), (i as f64 * 0.11).cos()])
            .collect();
        let x = Matrix::from_rows(&rows).unwrap();
        let y: Vec<bool> = rows.iter().map(|r| r[0] + 0.3 * r[1] > 0.1).collect();
        let grid = ModelKind::ALL
            .iter()
            .flat_map(|k| k.grid(ClassWeight::Balanced, 0));
        for params in grid {
            let model = params.fit(&x, &y).unwrap();
            let text = serde_json::to_string(&model).unwrap();
            let kind = params.kind().to_string();
            assert!(
                text.starts_with(&format!("{{\"kind\":\"{kind}\"")),
                "{text}"
            );
            let c = model.contributions(x.row(2)).unwrap();
            let p = model.predict_proba(&x).unwrap()[2];
            let total = c.bias + c.values.iter().sum::<f64>();
            let on_scale = match c.scale {
                ContributionScale::LogOdds => super::super::sigmoid(total),
                ContributionScale::Probability => total,
            };
            assert!(
                (on_scale - p).abs() < 1e-9,
                "{params}: {on_scale} against {p}"
            );
            let back: Model = serde_json::from_str(&text).unwrap();
            assert_eq!(
                back.predict_proba(&x).unwrap(),
                model.predict_proba(&x).unwrap()
            );
        }
    }
}
