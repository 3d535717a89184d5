//! Supervised binary classification for propensity scores (conversion, churn, upsell): the
//! models, their shared vocabulary ([`Classifier`], [`ClassWeight`]) and the checks every fit
//! makes on its training data.
//!
//! Targets are `bool` (the positive class is `true`); features are a dense `f64` [`Matrix`]
//! whose values are finite (missing values are imputed before, by the caller, never read as
//! zero). Every model is seeded and gives the same result whatever the number of threads.

mod forest;
mod gbm;
mod logistic;
mod model;
mod search;
mod split;
mod tree;

pub use forest::{RandomForest, RandomForestParams};
pub use gbm::{GradientBoosting, GradientBoostingParams};
pub use logistic::{LogisticRegression, LogisticRegressionParams, Penalty};
pub use model::{ContributionScale, Contributions, Model, ModelKind, ModelParams};
pub use search::{
    CandidateScore, PermutationImportance, SearchResult, permutation_importance, search,
};
pub use split::{Fold, Split, SplitParams, stratified_folds, time_folds};
pub use tree::{Criterion, DecisionTree, DecisionTreeParams, MaxFeatures, TreeNode};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, check_positive};
use crate::matrix::Matrix;

/// A fitted binary classifier.
pub trait Classifier: Send + Sync {
    /// The probability of the positive class for each row of `x`.
    fn predict_proba(&self, x: &Matrix<f64>) -> Result<Vec<f64>>;

    /// The number of columns the model was fitted on.
    fn n_features(&self) -> usize;
}

/// How much each class weighs in the training loss, for imbalanced targets.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassWeight {
    /// Every row weighs 1.
    #[default]
    None,
    /// Each class weighs `n / (2 · n_class)`, so that both classes weigh the same in total
    /// (scikit-learn's `class_weight="balanced"`).
    Balanced,
    /// Given weights for the negative and the positive class.
    Given {
        /// Weight of every row whose target is `false`.
        negative: f64,
        /// Weight of every row whose target is `true`.
        positive: f64,
    },
}

impl ClassWeight {
    /// Validates given weights: both finite and positive.
    pub fn check(&self) -> Result<()> {
        if let ClassWeight::Given { negative, positive } = *self {
            for (name, w) in [
                ("class_weight.negative", negative),
                ("class_weight.positive", positive),
            ] {
                check_positive(name, w)?;
            }
        }
        Ok(())
    }

    /// The weight of each row of target `y`, times its sample weight when given.
    pub fn sample_weights(&self, y: &[bool], sample_weight: Option<&[f64]>) -> Vec<f64> {
        let (negative, positive) = match *self {
            ClassWeight::None => (1.0, 1.0),
            ClassWeight::Balanced => {
                let pos = y.iter().filter(|&&t| t).count() as f64;
                let n = y.len() as f64;
                (n / (2.0 * (n - pos)), n / (2.0 * pos))
            }
            ClassWeight::Given { negative, positive } => (negative, positive),
        };
        y.iter()
            .enumerate()
            .map(|(i, &t)| {
                let w = if t { positive } else { negative };
                sample_weight.map_or(w, |s| w * s[i])
            })
            .collect()
    }
}

/// Checks training data: `x` not empty, one target and (when given) one valid sample weight
/// per row, and both classes present. Returns the number of positive rows.
pub(crate) fn check_training(
    x: &Matrix<f64>,
    y: &[bool],
    sample_weight: Option<&[f64]>,
) -> Result<usize> {
    x.check_not_empty("the training data")?;
    if y.len() != x.rows() {
        return Err(Error::LengthMismatch {
            what: "the target",
            found: y.len(),
            rows: x.rows(),
        });
    }
    if let Some(w) = sample_weight {
        crate::kmeans::check_weights(w, x.rows())?;
    }
    check_both_classes(y, "a model")
}

/// The number of positives of `y`; an error naming `what` when there are none or only
/// positives.
pub(crate) fn check_both_classes(y: &[bool], what: &'static str) -> Result<usize> {
    let positives = y.iter().filter(|&&t| t).count();
    if positives == 0 || positives == y.len() {
        return Err(Error::SingleClass {
            what,
            rows: y.len(),
            class: positives > 0,
        });
    }
    Ok(positives)
}

/// Checks that `x` has the `expected` number of columns of a fitted model.
pub(crate) fn check_columns(x: &Matrix<f64>, expected: usize) -> Result<()> {
    check_width("the data to score", x.cols(), expected)
}

/// Checks that a row to explain has the model's number of columns.
pub(crate) fn check_row(row: &[f64], expected: usize) -> Result<()> {
    check_width("the row to explain", row.len(), expected)
}

fn check_width(what: &'static str, found: usize, expected: usize) -> Result<()> {
    if found != expected {
        return Err(Error::ColumnMismatch {
            what,
            found,
            expected,
        });
    }
    Ok(())
}

/// The logistic function, `1 / (1 + e^(−z))`, without overflow for large `|z|`.
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}
