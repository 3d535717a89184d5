//! The `[[scores]]` section of `cible.toml`: propensity models trained and applied in
//! `cible run`, with a target written as SQL over what happened after a snapshot date.
//!
//! ```toml
//! [[scores]]
//! name = "conversion"                        # profile column conversion_score
//! target = "SELECT DISTINCT account_id FROM orders"   # the accounts for which it happened
//! horizon = "90 days"                        # ... within this period after the snapshot
//! population = "lifecycle_stage = 'prospect'"          # who is scored (over the features)
//! snapshots = 3                              # training snapshots, `every` apart
//! every = "90 days"
//! model = "auto"                             # logistic | tree | forest | gbm | auto
//! ```
//!
//! Point in time: each training row is an account of the population at a snapshot date, with
//! its features computed as of that date and its label read from the `horizon` after it. The
//! latest snapshot is `train_as_of`, by default `as_of` minus the horizon, so that its
//! window is complete; earlier ones go back `every` at a time. With several snapshots the
//! split and the cross-validation follow time. The model then scores the population as of
//! `as_of`.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::rules::{Period, Problem, is_snake_case};

/// One score.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScoreConfig {
    /// snake_case name; the profile column is `<name>_score`.
    pub name: String,
    /// A SQL query over the canonical views restricted to the label window (`orders` and
    /// `events` after the snapshot, up to the end of the horizon); its first column holds
    /// the accounts for which the outcome happened.
    pub target: String,
    /// The label window after each snapshot.
    pub horizon: Period,
    /// A SQL condition over the features: the accounts that are trained on and scored
    /// (prospects for a conversion score, customers for churn). Default: every account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<String>,
    /// The latest training snapshot. Default: as_of minus the horizon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train_as_of: Option<String>,
    /// How many snapshots to train on. Default: 1.
    #[serde(default = "one")]
    pub snapshots: usize,
    /// Time between snapshots. Default: the horizon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<Period>,
    /// logistic, tree, forest, gbm or auto. Default: auto.
    #[serde(default = "auto")]
    pub model: String,
    /// Features left out (besides identifiers and dates, always left out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    /// Missing numbers: median, mean or error. Default: median.
    #[serde(default = "median")]
    pub missing: String,
    /// How the threshold is chosen: youden, precision:P, recall:R, cost:FP:FN or fixed:T.
    #[serde(default = "youden")]
    pub threshold: String,
    /// none or balanced. Default: balanced, since outcomes are usually rare.
    #[serde(default = "balanced")]
    pub class_weight: String,
    /// Seed of the split, the folds and the models. Default: 42.
    #[serde(default = "seed")]
    pub seed: u64,
}

fn one() -> usize {
    1
}
fn auto() -> String {
    "auto".into()
}
fn median() -> String {
    "median".into()
}
fn youden() -> String {
    "youden".into()
}
fn balanced() -> String {
    "balanced".into()
}
fn seed() -> u64 {
    42
}

impl ScoreConfig {
    /// The training snapshots, latest first.
    pub fn snapshot_dates(&self, as_of: NaiveDate) -> Vec<NaiveDate> {
        let latest = self
            .train_as_of
            .as_deref()
            .and_then(|d| d.parse().ok())
            .unwrap_or_else(|| self.horizon.before(as_of));
        let every = self.every.unwrap_or(self.horizon);
        let mut dates = vec![latest];
        for _ in 1..self.snapshots {
            let previous = dates[dates.len() - 1];
            dates.push(every.before(previous));
        }
        dates
    }
}

/// Checks the form of `[[scores]]`: snake_case unique names, a target, known choices.
pub fn check_scores(scores: &[ScoreConfig]) -> Result<(), Problem> {
    let problem = |key: String, value: &str, expected: &str| {
        Err((key, format!("{value:?}"), expected.to_string()))
    };
    let mut seen = HashSet::new();
    for (i, s) in scores.iter().enumerate() {
        let key = |k: &str| format!("scores[{i}].{k}");
        if !is_snake_case(&s.name) {
            return problem(key("name"), &s.name, "expected a snake_case name");
        }
        if !seen.insert(s.name.as_str()) {
            return problem(key("name"), &s.name, "defined twice");
        }
        if s.target.trim().is_empty() {
            return problem(
                key("target"),
                &s.target,
                "expected a SQL query returning the accounts for which the outcome happened, \
                 such as \"SELECT DISTINCT account_id FROM orders\"",
            );
        }
        if let Some(d) = &s.train_as_of
            && d.parse::<NaiveDate>().is_err()
        {
            return problem(key("train_as_of"), d, "expected a date such as 2026-08-01");
        }
        if s.snapshots == 0 || s.snapshots > 24 {
            return problem(
                key("snapshots"),
                &s.snapshots.to_string(),
                "expected 1 to 24 snapshots",
            );
        }
        if !["auto", "logistic", "tree", "forest", "gbm"].contains(&s.model.as_str()) {
            return problem(
                key("model"),
                &s.model,
                "expected logistic, tree, forest, gbm or auto",
            );
        }
        if !["median", "mean", "error"].contains(&s.missing.as_str()) {
            return problem(key("missing"), &s.missing, "expected median, mean or error");
        }
        if !["none", "balanced"].contains(&s.class_weight.as_str()) {
            return problem(
                key("class_weight"),
                &s.class_weight,
                "expected none or balanced",
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> ScoreConfig {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn snapshots_go_back_from_a_complete_window() {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let s = config(
            "name = \"c\"\ntarget = \"SELECT 1\"\nhorizon = \"90 days\"\nsnapshots = 3\nevery = \"1 month\"",
        );
        let dates: Vec<String> = s
            .snapshot_dates(as_of)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(dates, ["2026-08-03", "2026-07-03", "2026-06-03"]);
        assert_eq!(
            (
                s.model.as_str(),
                s.missing.as_str(),
                s.class_weight.as_str()
            ),
            ("auto", "median", "balanced")
        );
        let fixed = config(
            "name = \"d\"\ntarget = \"SELECT 1\"\nhorizon = \"90 days\"\ntrain_as_of = \"2026-11-01\"",
        );
        assert_eq!(fixed.snapshot_dates(as_of), [as_of]);
        assert!(check_scores(&[s, fixed]).is_ok());
    }

    #[test]
    fn wrong_settings_are_named() {
        let mut s = config("name = \"c\"\ntarget = \"SELECT 1\"\nhorizon = \"90 days\"");
        s.model = "svm".into();
        assert_eq!(check_scores(&[s.clone()]).unwrap_err().0, "scores[0].model");
        s.model = "auto".into();
        s.train_as_of = Some("yesterday".into());
        assert_eq!(
            check_scores(&[s.clone()]).unwrap_err().0,
            "scores[0].train_as_of"
        );
        s.train_as_of = None;
        assert_eq!(
            check_scores(&[s.clone(), s]).unwrap_err().2,
            "defined twice"
        );
    }
}
