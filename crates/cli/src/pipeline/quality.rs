//! The data-quality report of a run (`quality.json`): per table, the rows rejected and why,
//! what every business rule and outlier detector found, how complete every column is as loaded,
//! once duplicates are merged into golden records and once missing values are imputed; what
//! deduplication merged, with its closest calls explained field by field.

use std::collections::BTreeMap;
use std::path::Path;

use cible_data::{IngestSummary, LINEAGE_COLUMNS, TextTable, read_table};
use cible_dedup::FieldEvidence;
use serde::Serialize;

use cible_features::CheckSummary;

use super::dedup::DedupSummary;
use super::impute::ImputeSummary;
use crate::error::CliError;
use crate::output::{Output, count};

/// The report's file in the run.
pub const QUALITY_REPORT: &str = "quality.json";

/// The data-quality report of a run.
#[derive(Debug, Clone, Serialize)]
pub struct QualityReport {
    /// One entry per loaded table.
    pub tables: Vec<TableQuality>,
}

/// The quality of one table.
#[derive(Debug, Clone, Serialize)]
pub struct TableQuality {
    /// accounts, contacts, orders or events.
    pub table: String,
    /// Rows read from the sources.
    pub rows_read: u64,
    /// Rows loaded.
    pub rows_loaded: u64,
    /// Rows rejected (each in the rejects table with its reason).
    pub rows_rejected: u64,
    /// Rejected rows by reason.
    pub rejects_by_reason: BTreeMap<String, u64>,
    /// What the business rules and outlier detectors found, for checked tables.
    pub checks: Option<CheckSummary>,
    /// Every column's completeness, least complete first.
    pub columns: Vec<ColumnQuality>,
    /// What deduplication did, for deduplicated tables.
    pub duplicates: Option<DuplicateQuality>,
    /// What imputation did, for imputed tables.
    pub imputation: Option<ImputeSummary>,
}

/// How complete one column is.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnQuality {
    /// Column name.
    pub column: String,
    /// Loaded rows without a value.
    pub missing: u64,
    /// Their share of the loaded rows.
    pub missing_share: f64,
    /// Golden records without a value, once duplicates are merged (deduplicated tables).
    pub missing_after_merge: Option<u64>,
    /// Their share of the golden records.
    pub missing_share_after_merge: Option<f64>,
    /// Values filled by imputation (imputed columns).
    pub imputed: Option<u64>,
    /// Share of the rows still without a value once imputed (imputed columns).
    pub missing_share_after_imputation: Option<f64>,
}

/// What deduplication did to a table.
#[derive(Debug, Clone, Serialize)]
pub struct DuplicateQuality {
    /// Records in.
    pub records: usize,
    /// Entities out.
    pub entities: usize,
    /// Records merged into another's entity.
    pub merged_records: usize,
    /// Pairs of records put in one entity.
    pub pairs: usize,
    /// The merges of lowest probability, explained.
    pub closest_merges: Vec<SampleMerge>,
}

/// One merge and why it was made.
#[derive(Debug, Clone, Serialize)]
pub struct SampleMerge {
    /// The smaller record id.
    pub id_a: String,
    /// The other record id.
    pub id_b: String,
    /// Match probability.
    pub probability: f64,
    /// Each field's agreement level and match weight.
    pub evidence: Vec<FieldEvidence>,
}

/// Missing values per column of `table` (lineage columns left out), in column order.
fn missing_by_column(table: &TextTable) -> Vec<(String, u64)> {
    table
        .columns
        .iter()
        .zip(&table.values)
        .filter(|(name, _)| !LINEAGE_COLUMNS.contains(&name.as_str()))
        .map(|(name, values)| {
            let missing = values.iter().filter(|v| v.is_none()).count() as u64;
            (name.clone(), missing)
        })
        .collect()
}

fn share(part: u64, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// The quality of one table: `loaded` is its Parquet table in the run, `golden` its golden
/// records when it was deduplicated, `checks` and `imputation` what those stages did to it.
pub fn table_quality(
    summary: &IngestSummary,
    loaded: &Path,
    golden: Option<(&Path, &DedupSummary)>,
    checks: Option<&CheckSummary>,
    imputation: Option<&ImputeSummary>,
) -> Result<TableQuality, CliError> {
    let (mut table, _) = read_table(loaded, None, None, Default::default())?;
    let flags = checks
        .map(|c| c.flag_columns.as_slice())
        .unwrap_or_default();
    let (columns, values): (Vec<String>, Vec<_>) = table
        .columns
        .drain(..)
        .zip(table.values.drain(..))
        .filter(|(name, _)| !flags.contains(name))
        .unzip();
    (table.columns, table.values) = (columns, values);
    let after: Option<(BTreeMap<String, u64>, usize)> = match golden {
        Some((path, _)) => {
            let (golden, _) = read_table(path, None, None, Default::default())?;
            Some((
                missing_by_column(&golden).into_iter().collect(),
                golden.len(),
            ))
        }
        None => None,
    };
    let mut columns: Vec<ColumnQuality> = missing_by_column(&table)
        .into_iter()
        .map(|(column, missing)| {
            let merged = after
                .as_ref()
                .and_then(|(m, rows)| Some((*m.get(&column)?, *rows)));
            let imputed = imputation.and_then(|i| {
                let filled: u64 = i
                    .columns
                    .iter()
                    .filter(|c| c.column == column)
                    .map(|c| c.filled)
                    .sum();
                let before = merged.map_or(missing, |(m, _)| m);
                let strategies = i.columns.iter().any(|c| c.column == column);
                strategies.then(|| {
                    (
                        filled,
                        share(before.saturating_sub(filled), i.rows_out as usize),
                    )
                })
            });
            ColumnQuality {
                missing_share: share(missing, table.len()),
                missing,
                missing_after_merge: merged.map(|(m, _)| m),
                missing_share_after_merge: merged.map(|(m, rows)| share(m, rows)),
                imputed: imputed.map(|(filled, _)| filled),
                missing_share_after_imputation: imputed.map(|(_, after)| after),
                column,
            }
        })
        .collect();
    columns.sort_by(|a, b| b.missing_share.total_cmp(&a.missing_share));
    Ok(TableQuality {
        table: summary.table.clone(),
        rows_read: summary.rows_read,
        rows_loaded: summary.rows_loaded,
        rows_rejected: summary.rows_rejected,
        rejects_by_reason: summary.rejects_by_reason.clone(),
        checks: checks.cloned(),
        columns,
        duplicates: golden.map(|(_, d)| DuplicateQuality {
            records: d.records,
            entities: d.entities,
            merged_records: d.records - d.entities,
            pairs: d.pairs,
            closest_merges: d.closest_merges.clone(),
        }),
        imputation: imputation.cloned(),
    })
}

/// Prints the report for people: per table, rejects and the least complete columns, and the
/// closest merge of each deduplicated table.
pub fn print_quality(out: &Output, report: &QualityReport, path: &Path) {
    out.line(format!("data quality: {}", crate::output::shown(path)));
    for t in &report.tables {
        let reasons: Vec<String> = t
            .rejects_by_reason
            .iter()
            .map(|(reason, n)| format!("{reason} {}", count(*n)))
            .collect();
        let rejected = if reasons.is_empty() {
            String::new()
        } else {
            format!(" ({})", reasons.join(", "))
        };
        let incomplete: Vec<String> = t
            .columns
            .iter()
            .filter(|c| c.missing > 0)
            .take(3)
            .map(|c| match c.missing_share_after_merge {
                Some(after) => format!(
                    "{} {:.1}% → {:.1}% merged",
                    c.column,
                    100.0 * c.missing_share,
                    100.0 * after
                ),
                None => format!("{} {:.1}%", c.column, 100.0 * c.missing_share),
            })
            .collect();
        out.line(format!(
            "  {:<9} {} of {} rows rejected{rejected}; least complete: {}",
            t.table,
            count(t.rows_rejected),
            count(t.rows_read),
            if incomplete.is_empty() {
                "none missing".to_string()
            } else {
                incomplete.join(", ")
            }
        ));
    }
    for t in &report.tables {
        let Some(merge) = t.duplicates.as_ref().and_then(|d| d.closest_merges.first()) else {
            continue;
        };
        let evidence: Vec<String> = merge
            .evidence
            .iter()
            .map(|e| format!("{} {} ({:+.1})", e.column, e.level, e.weight))
            .collect();
        out.line(format!(
            "  closest {} merge: {} + {}, probability {:.3}: {}",
            t.table,
            merge.id_a,
            merge.id_b,
            merge.probability,
            evidence.join(", ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_values_are_counted_per_column_without_lineage() {
        let table = TextTable {
            columns: vec!["id".into(), "name".into(), "_file".into()],
            values: vec![
                vec![Some("1".into()), Some("2".into()), Some("3".into())],
                vec![Some("a".into()), None, None],
                vec![None, None, None],
            ],
            lines: vec![2, 3, 4],
        };
        assert_eq!(
            missing_by_column(&table),
            [("id".to_string(), 0), ("name".to_string(), 2)]
        );
        assert_eq!(share(2, 3), 2.0 / 3.0);
        assert_eq!(share(0, 0), 0.0);
    }
}
