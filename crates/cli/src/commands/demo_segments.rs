//! The demo's results seen through its planted segments: whether the feature stage tells the
//! segments apart (large loyal accounts order often, engaged prospects show intent, ...), and
//! whether the segmentation stage finds them again.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use cible_core::project::Encoding;
use cible_data::{TextTable, read_table};
use cible_ml::metrics::{adjusted_rand_score, normalized_mutual_info_score};
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

/// Reads a CSV or Parquet table as text.
fn text_table(path: &Path) -> Result<TextTable, CliError> {
    Ok(read_table(path, None, None, Encoding::Auto)?.0)
}

/// Every planted account of `dir`'s truth with its segment and the entity it ended up in
/// (itself when accounts were not deduplicated).
fn planted(dir: &Path, outcome: &RunOutcome) -> Result<Vec<(String, String)>, CliError> {
    let truth = text_table(&dir.join("truth").join("segments.csv"))?;
    let entities_path = outcome.run_dir.join("entities").join("accounts.csv");
    let entity: HashMap<String, String> = if entities_path.is_file() {
        let map = text_table(&entities_path)?;
        (0..map.len())
            .filter_map(|r| Some((map.values[0][r].clone()?, map.values[1][r].clone()?)))
            .collect()
    } else {
        HashMap::new()
    };
    Ok((0..truth.len())
        .filter_map(|r| {
            let id = truth.values[0][r].as_ref()?;
            let segment = truth.values[1][r].clone()?;
            Some((entity.get(id).unwrap_or(id).clone(), segment))
        })
        .collect())
}

/// Reads the run's features and the planted segments of `dir`'s truth.
pub fn features_by_segment(
    dir: &Path,
    outcome: &RunOutcome,
) -> Result<Vec<SegmentFeatures>, CliError> {
    let Some(stage) = &outcome.features else {
        return Ok(Vec::new());
    };
    let features = text_table(&stage.table)?;
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
    for (entity, segment) in planted(dir, outcome)? {
        if let Some(&row) = row_of.get(entity.as_str()) {
            rows_by_segment.entry(segment).or_default().push(row);
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

/// How well the segments found match the planted ones.
#[derive(Debug, Serialize)]
pub struct SegmentRecovery {
    /// Planted accounts scored: those whose entity was segmented.
    pub accounts: usize,
    /// Adjusted Rand index between planted and found segments (1 is identical, 0 chance).
    pub adjusted_rand_index: f64,
    /// Normalized mutual information (arithmetic mean, as scikit-learn).
    pub normalized_mutual_info: f64,
    /// Segments found.
    pub found: usize,
    /// For each planted segment, its accounts in each found segment.
    pub table: BTreeMap<String, Vec<usize>>,
}

/// Scores the run's segments against the planted ones, every planted account counted through
/// the entity it was merged into. `None` when the run has no segmentation.
pub fn segment_recovery(
    dir: &Path,
    outcome: &RunOutcome,
) -> Result<Option<SegmentRecovery>, CliError> {
    let Some(stage) = &outcome.segments else {
        return Ok(None);
    };
    let found = text_table(&stage.table)?;
    let segment_of: HashMap<&str, usize> = (0..found.len())
        .filter_map(|r| {
            Some((
                found.values[0][r].as_deref()?,
                found.values[1][r].as_deref()?.parse().ok()?,
            ))
        })
        .collect();
    let mut codes: HashMap<String, usize> = HashMap::new();
    let mut truth = Vec::new();
    let mut labels = Vec::new();
    let mut table: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (entity, segment) in planted(dir, outcome)? {
        let Some(&label) = segment_of.get(entity.as_str()) else {
            continue;
        };
        let next = codes.len();
        truth.push(*codes.entry(segment.clone()).or_insert(next));
        labels.push(label);
        table
            .entry(segment)
            .or_insert_with(|| vec![0; stage.summary.k])[label] += 1;
    }
    if truth.is_empty() {
        return Ok(None);
    }
    Ok(Some(SegmentRecovery {
        accounts: truth.len(),
        adjusted_rand_index: adjusted_rand_score(&truth, &labels)?,
        normalized_mutual_info: normalized_mutual_info_score(&truth, &labels)?,
        found: stage.summary.k,
        table,
    }))
}

/// Prints the comparison, for people: the scores, then where each planted segment went.
pub fn print_recovery(out: &Output, r: &SegmentRecovery) {
    out.line("");
    out.line(format!(
        "Segments found against the planted ones ({} accounts): adjusted Rand index {:.3}, NMI {:.3}",
        count(r.accounts as u64),
        r.adjusted_rand_index,
        r.normalized_mutual_info
    ));
    let header: Vec<String> = (0..r.found).map(|l| format!("{l:>6}")).collect();
    out.line(format!(
        "  {:20} {}   (accounts per segment found)",
        "planted",
        header.join("")
    ));
    for (planted, counts) in &r.table {
        let cells: Vec<String> = counts.iter().map(|n| format!("{n:>6}")).collect();
        out.line(format!("  {planted:20} {}", cells.join("")));
    }
}
