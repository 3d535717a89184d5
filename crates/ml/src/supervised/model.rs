//! Any of the classifiers behind one type, so that model search, explanations and the saved
//! model file treat them alike: [`ModelKind`] names a family, [`ModelParams`] holds one
//! family's parameters, [`Model`] one fitted model.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{ClassWeight, Classifier, LogisticRegression, LogisticRegressionParams, Penalty};
use crate::error::{Error, Result};
use crate::matrix::Matrix;

/// A family of classifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// Regularized logistic regression.
    Logistic,
}

impl ModelKind {
    /// Every family, in the order `auto` tries them.
    pub const ALL: [ModelKind; 1] = [ModelKind::Logistic];

    /// The grid searched for this family by default, every candidate with these class
    /// weights and seed: a handful of settings that matter most, so that a search stays
    /// quick.
    pub fn grid(self, class_weight: ClassWeight, _seed: u64) -> Vec<ModelParams> {
        match self {
            ModelKind::Logistic => [0.01, 0.1, 1.0, 10.0]
                .into_iter()
                .map(|c| {
                    ModelParams::Logistic(
                        LogisticRegression::params()
                            .penalty(Penalty::L2)
                            .c(c)
                            .class_weight(class_weight),
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
}

impl ModelParams {
    /// The family.
    pub fn kind(&self) -> ModelKind {
        match self {
            ModelParams::Logistic(_) => ModelKind::Logistic,
        }
    }

    /// Checks the parameters and fits the model.
    pub fn fit(&self, x: &Matrix<f64>, y: &[bool]) -> Result<Model> {
        Ok(match self {
            ModelParams::Logistic(p) => Model::Logistic(p.fit(x, y)?),
        })
    }
}

impl fmt::Display for ModelParams {
    /// The family and the parameters a search varies, e.g. `logistic (l2, C = 0.1)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelParams::Logistic(p) => {
                write!(f, "logistic ({}, C = {})", p.penalty_value(), p.c_value())
            }
        }
    }
}

/// Why a row scores as it does: a base score and what each column adds to it. The base plus
/// the contributions is the row's score on the model's own scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contributions {
    /// The score of the reference row (the average training row, or the root of a tree).
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
}

impl Model {
    /// The family.
    pub fn kind(&self) -> ModelKind {
        match self {
            Model::Logistic(_) => ModelKind::Logistic,
        }
    }

    /// Why `row` scores as it does.
    pub fn contributions(&self, row: &[f64]) -> Contributions {
        match self {
            Model::Logistic(m) => {
                let (bias, values) = m.contributions(row);
                Contributions {
                    bias,
                    values,
                    scale: ContributionScale::LogOdds,
                }
            }
        }
    }

    /// The model's own importance of each column, normalized to sum 1: the absolute
    /// coefficients of a logistic regression (on scaled columns, they compare), the impurity
    /// decrease of trees.
    pub fn built_in_importances(&self) -> Vec<f64> {
        let raw: Vec<f64> = match self {
            Model::Logistic(m) => m.coefficients().iter().map(|c| c.abs()).collect(),
        };
        let total: f64 = raw.iter().sum();
        if total > 0.0 {
            raw.iter().map(|v| v / total).collect()
        } else {
            raw
        }
    }
}

impl Classifier for Model {
    fn predict_proba(&self, x: &Matrix<f64>) -> Result<Vec<f64>> {
        match self {
            Model::Logistic(m) => m.predict_proba(x),
        }
    }

    fn n_features(&self) -> usize {
        match self {
            Model::Logistic(m) => m.n_features(),
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
                .starts_with("invalid parameter `model` = svm: must be one of logistic")
        );
    }

    #[test]
    fn a_model_round_trips_through_json_with_its_kind() {
        let x = Matrix::from_rows(&[[0.0], [1.0], [2.0], [3.0], [1.5]]).unwrap();
        let y = [false, false, true, true, false];
        for params in ModelKind::Logistic.grid(ClassWeight::Balanced, 0) {
            let model = params.fit(&x, &y).unwrap();
            let text = serde_json::to_string(&model).unwrap();
            assert!(text.starts_with("{\"kind\":\"logistic\""), "{text}");
            let back: Model = serde_json::from_str(&text).unwrap();
            assert_eq!(
                back.predict_proba(&x).unwrap(),
                model.predict_proba(&x).unwrap()
            );
        }
    }
}
