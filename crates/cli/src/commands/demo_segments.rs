//! The demo's features seen through its planted segments: whether the feature stage tells the
//! segments apart (large loyal accounts order often, engaged prospects show intent, ...).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use cible_core::project::Encoding;
use cible_data::read_table;
use serde::Serialize;

use crate::error::CliError;
use crate::output::{Output, count};
use crate::pipeline::RunOutcome;

/// Numeric features shown per segment (their mean).
const MEANS: [&str; 4] = [
    "orders_12m",
    "monetary_12m",
    "engagement_index",
    "intent_score",
];
/// Categorical features shown per segment (their most common value and its share).
const MODES: [&str; 2] = ["lifecycle_stage", "buying_stage"];

/// The features of one planted segment's accounts.
#[derive(Debug, Serialize)]
pub struct SegmentFeatures {
    /// The planted segment.
    pub segment: String,
    /// Its accounts found in the features table (through their entity).
    pub accounts: usize,
    /// Mean of each of [`MEANS`] (missing values left out).
    pub means: BTreeMap<String, f64>,
    /// Most common value of each of [`MODES`], with its share.
    pub modes: BTreeMap<String, (String, f64)>,
}

/// Reads the run's features and the planted segments of `dir`'s truth.
pub fn features_by_segment(
    dir: &Path,
    outcome: &RunOutcome,
) -> Result<Vec<SegmentFeatures>, CliError> {
    let Some(stage) = &outcome.features else {
        return Ok(Vec::new());
    };
    let text = |path: &Path| read_table(path, None, None, Encoding::Auto).map(|(t, _)| t);
    let features = text(&stage.table)?;
    let truth = text(&dir.join("truth").join("segments.csv"))?;
    let entities_path = outcome.run_dir.join("entities").join("accounts.csv");
    let entity: HashMap<String, String> = if entities_path.is_file() {
        let map = text(&entities_path)?;
        (0..map.len())
            .filter_map(|r| Some((map.values[0][r].clone()?, map.values[1][r].clone()?)))
            .collect()
    } else {
        HashMap::new()
    };
    let row_of: HashMap<&str, usize> = (0..features.len())
        .filter_map(|r| Some((features.values[0][r].as_deref()?, r)))
        .collect();
    let column = |name: &str| {
        features
            .columns
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| CliError::Usage(format!("the features table has no column {name}")))
    };
    let means: Vec<(&str, usize)> = MEANS
        .iter()
        .map(|n| Ok((*n, column(n)?)))
        .collect::<Result<_, CliError>>()?;
    let modes: Vec<(&str, usize)> = MODES
        .iter()
        .map(|n| Ok((*n, column(n)?)))
        .collect::<Result<_, CliError>>()?;
    let mut rows_by_segment: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for r in 0..truth.len() {
        let (Some(id), Some(segment)) = (&truth.values[0][r], &truth.values[1][r]) else {
            continue;
        };
        let id = entity.get(id).unwrap_or(id);
        if let Some(&row) = row_of.get(id.as_str()) {
            rows_by_segment
                .entry(segment.clone())
                .or_default()
                .push(row);
        }
    }
    Ok(rows_by_segment
        .into_iter()
        .map(|(segment, rows)| {
            let mean = |c: usize| {
                let values: Vec<f64> = rows
                    .iter()
                    .filter_map(|&r| features.values[c][r].as_deref()?.parse().ok())
                    .collect();
                values.iter().sum::<f64>() / values.len().max(1) as f64
            };
            let mode = |c: usize| {
                let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
                for &r in &rows {
                    *counts
                        .entry(features.values[c][r].as_deref().unwrap_or("-"))
                        .or_default() += 1;
                }
                let (value, n) = counts
                    .into_iter()
                    .max_by_key(|&(_, n)| n)
                    .unwrap_or(("-", 0));
                (value.to_string(), n as f64 / rows.len().max(1) as f64)
            };
            SegmentFeatures {
                accounts: rows.len(),
                means: means
                    .iter()
                    .map(|(n, c)| (n.to_string(), mean(*c)))
                    .collect(),
                modes: modes
                    .iter()
                    .map(|(n, c)| (n.to_string(), mode(*c)))
                    .collect(),
                segment,
            }
        })
        .collect())
}

/// Prints the table, for people.
pub fn print_segments(out: &Output, segments: &[SegmentFeatures]) {
    if segments.is_empty() {
        return;
    }
    out.line("");
    out.line("Features by planted segment (means; most common stage and its share):");
    out.line(format!(
        "  {:20} {:>8} {:>10} {:>12} {:>10} {:>7}  {:16} {}",
        "segment",
        "accounts",
        "orders_12m",
        "monetary_12m",
        "engagement",
        "intent",
        "lifecycle",
        "buying stage"
    ));
    for s in segments {
        let m = |n: &str| s.means.get(n).copied().unwrap_or(f64::NAN);
        let mode = |n: &str| {
            s.modes
                .get(n)
                .map(|(v, share)| format!("{v} {:.0}%", share * 100.0))
                .unwrap_or_default()
        };
        out.line(format!(
            "  {:20} {:>8} {:>10.1} {:>12.0} {:>10.1} {:>7.1}  {:16} {}",
            s.segment,
            count(s.accounts as u64),
            m("orders_12m"),
            m("monetary_12m"),
            m("engagement_index"),
            m("intent_score"),
            mode("lifecycle_stage"),
            mode("buying_stage")
        ));
    }
}
