//! The imputation stage of a run: the missing-value strategies of `[[clean.impute]]`, on the
//! table the features read (an account's golden record after deduplication, the other tables
//! as loaded and checked), written to `clean/<table>.csv` with an `<column>_imputed` column
//! (true where the value was filled) per imputed column.
//!
//! Strategies run in the order of the project file, each on the values as they were before
//! any filling. Integer columns get whole numbers (rounded); `knn` measures distances on its
//! `using` columns and the imputed ones, each standardized (z-score over its values), and
//! averages the neighbours' values in their own units. Rows a `drop` strategy removes go to
//! the rejects table.

use std::collections::HashSet;
use std::path::Path;

use cible_core::clean::{ImputeConfig, ImputeStrategy};
use cible_core::schema::{ColumnType, TableKind};
use cible_data::{Reject, RejectReason, RejectsWriter, TextTable, read_table};
use cible_ml::{FillStrategy, KnnImputer, fill_value, most_frequent};
use cible_store::StagedRun;
use serde::Serialize;

use crate::error::CliError;
use crate::output::{Output, count};

/// What imputing one column did.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnImputation {
    /// The column.
    pub column: String,
    /// The strategy.
    pub strategy: ImputeStrategy,
    /// Missing values before.
    pub missing: u64,
    /// Values filled (rows dropped, for `drop`).
    pub filled: u64,
    /// The value that filled every gap (constant, mean, median, mode), as written.
    pub value: Option<String>,
}

/// What imputing one table did.
#[derive(Debug, Clone, Serialize)]
pub struct ImputeSummary {
    /// The table.
    pub table: String,
    /// What was imputed, in the run: the golden records or the loaded table.
    pub input: String,
    /// The imputed table, in the run: `clean/<table>.csv`.
    pub output: String,
    /// Rows in.
    pub rows_in: u64,
    /// Rows out (fewer when a strategy drops).
    pub rows_out: u64,
    /// One entry per column, in project order.
    pub columns: Vec<ColumnImputation>,
}

/// Imputes table `kind` of the run's file `relative` by `strategies` (all of that table) into
/// `clean/<kind>.csv`; rows dropped go to `rejects`.
pub fn impute_table(
    kind: TableKind,
    run: &StagedRun,
    relative: &str,
    strategies: &[&ImputeConfig],
    rejects: &mut RejectsWriter,
    out: &Output,
) -> Result<ImputeSummary, CliError> {
    let spinner = out.spinner(format!("imputing {kind}"));
    let input = run.path(relative);
    let input = input.as_path();
    let output_relative = imputed_table(kind);
    let (mut table, _) = read_table(input, None, None, Default::default())?;
    let original = table.clone();
    let rows_in = table.len();
    let mut columns = Vec::new();
    let mut drop = vec![false; rows_in];
    let mut flags: Vec<(String, Vec<bool>)> = Vec::new();
    for strategy in strategies {
        let mut filled = fills(kind, input, &original, strategy)?;
        for (column, fill) in strategy.columns.iter().zip(&mut filled) {
            let c = original.column_index(input, column)?;
            let missing: Vec<usize> = (0..rows_in)
                .filter(|&r| original.values[c][r].is_none())
                .collect();
            let mut flag = vec![false; rows_in];
            let mut done = 0u64;
            if strategy.strategy == ImputeStrategy::Drop {
                let rejected: Vec<Reject> = missing
                    .iter()
                    .map(|&r| Reject {
                        file: input.to_path_buf(),
                        line: original.lines[r],
                        column: column.clone(),
                        value: String::new(),
                        reason: RejectReason::MissingDropped {
                            column: column.clone(),
                        },
                    })
                    .collect();
                rejects.write(&rejected)?;
                for &r in &missing {
                    drop[r] = true;
                }
                done = missing.len() as u64;
            } else {
                for (row, value) in fill.values.drain(..) {
                    table.values[c][row] = Some(value);
                    flag[row] = true;
                    done += 1;
                }
            }
            columns.push(ColumnImputation {
                column: column.clone(),
                strategy: strategy.strategy,
                missing: missing.len() as u64,
                filled: done,
                value: fill.single.take(),
            });
            flags.push((format!("{column}_imputed"), flag));
        }
    }
    for (name, flag) in flags {
        table.columns.push(name);
        table
            .values
            .push(flag.iter().map(|f| Some(f.to_string())).collect());
    }
    let kept: Vec<usize> = (0..rows_in).filter(|&r| !drop[r]).collect();
    write_csv(&table, &kept, &run.path(&output_relative))?;
    spinner.finish_and_clear();
    Ok(ImputeSummary {
        table: kind.name().into(),
        input: relative.to_string(),
        output: output_relative,
        rows_in: rows_in as u64,
        rows_out: kept.len() as u64,
        columns,
    })
}

/// Where the imputed table `kind` is written, relative to the run folder.
pub fn imputed_table(kind: TableKind) -> String {
    format!("clean/{kind}.csv")
}

/// The fills of one column: `(row, value)` per gap filled, and the one value used for every
/// gap when there is one.
#[derive(Default)]
struct Fills {
    values: Vec<(usize, String)>,
    single: Option<String>,
}

/// The fills of each column of `strategy`, in its order.
fn fills(
    kind: TableKind,
    input: &Path,
    table: &TextTable,
    strategy: &ImputeConfig,
) -> Result<Vec<Fills>, CliError> {
    let rows = table.len();
    let is_integer = |column: &str| {
        kind.column(column)
            .is_some_and(|c| c.ty == ColumnType::Integer)
    };
    let numbers = |column: &str| -> Result<Vec<Option<f64>>, CliError> {
        let c = table.column_index(input, column)?;
        Ok(table.values[c]
            .iter()
            .map(|v| v.as_deref().and_then(|t| t.parse::<f64>().ok()))
            .collect())
    };
    let written = |column: &str, v: f64| {
        if is_integer(column) {
            format!("{}", v.round() as i64)
        } else {
            format!("{v}")
        }
    };
    let gaps = |column: &str| -> Result<Vec<usize>, CliError> {
        let c = table.column_index(input, column)?;
        Ok((0..rows)
            .filter(|&r| table.values[c][r].is_none())
            .collect())
    };
    let everywhere = |column: &str, value: String| -> Result<Fills, CliError> {
        Ok(Fills {
            values: gaps(column)?
                .into_iter()
                .map(|r| (r, value.clone()))
                .collect(),
            single: Some(value),
        })
    };
    let mut result = Vec::with_capacity(strategy.columns.len());
    match strategy.strategy {
        ImputeStrategy::Drop => {
            result.extend(strategy.columns.iter().map(|_| Fills::default()));
        }
        ImputeStrategy::Constant => {
            let value = strategy.value.clone().unwrap_or_default();
            for column in &strategy.columns {
                result.push(everywhere(column, value.clone())?);
            }
        }
        ImputeStrategy::Mode => {
            for column in &strategy.columns {
                let c = table.column_index(input, column)?;
                let mode = if kind
                    .column(column)
                    .is_some_and(|d| matches!(d.ty, ColumnType::Integer | ColumnType::Number))
                {
                    fill_value(&numbers(column)?, FillStrategy::MostFrequent)
                        .map(|v| written(column, v))
                } else {
                    most_frequent(table.values[c].iter().flatten()).cloned()
                };
                result.push(match mode {
                    Some(value) => everywhere(column, value)?,
                    None => Fills::default(),
                });
            }
        }
        ImputeStrategy::Mean | ImputeStrategy::Median => {
            let how = if strategy.strategy == ImputeStrategy::Mean {
                FillStrategy::Mean
            } else {
                FillStrategy::Median
            };
            for column in &strategy.columns {
                result.push(match fill_value(&numbers(column)?, how) {
                    Some(v) => everywhere(column, written(column, v))?,
                    None => Fills::default(),
                });
            }
        }
        ImputeStrategy::Knn => {
            // Distances on the `using` columns and the imputed ones, standardized.
            let mut names: Vec<&str> = strategy.columns.iter().map(String::as_str).collect();
            let mut seen: HashSet<&str> = names.iter().copied().collect();
            names.extend(
                strategy
                    .using
                    .iter()
                    .map(String::as_str)
                    .filter(|u| seen.insert(u)),
            );
            let raw: Vec<Vec<Option<f64>>> =
                names.iter().map(|n| numbers(n)).collect::<Result<_, _>>()?;
            let standardized: Vec<Vec<Option<f64>>> = raw.iter().map(|c| standardize(c)).collect();
            let targets: Vec<usize> = (0..strategy.columns.len()).collect();
            let imputer = KnnImputer {
                neighbours: strategy.neighbours,
            };
            let found = imputer
                .fills(&standardized, &targets)
                .map_err(|e| CliError::Usage(format!("[[clean.impute]] knn on {kind}: {e}")))?;
            for (t, column_fills) in found.into_iter().enumerate() {
                let (mean, sd) = moments(&raw[t]);
                let column = names[t];
                result.push(Fills {
                    values: column_fills
                        .into_iter()
                        .map(|(row, z)| (row, written(column, mean + z * sd)))
                        .collect(),
                    single: None,
                });
            }
        }
    }
    Ok(result)
}

/// Mean and population standard deviation of the values (1 when they are all equal).
fn moments(values: &[Option<f64>]) -> (f64, f64) {
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    if present.is_empty() {
        return (0.0, 1.0);
    }
    let n = present.len() as f64;
    let mean = present.iter().sum::<f64>() / n;
    let sd = (present.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt();
    (mean, if sd > 0.0 { sd } else { 1.0 })
}

fn standardize(values: &[Option<f64>]) -> Vec<Option<f64>> {
    let (mean, sd) = moments(values);
    values.iter().map(|v| v.map(|v| (v - mean) / sd)).collect()
}

/// Writes the rows `kept` of `table` as CSV, atomically.
fn write_csv(table: &TextTable, kept: &[usize], path: &Path) -> Result<(), CliError> {
    let partial = path.with_extension("csv.partial");
    let error = |e: csv::Error| CliError::Io {
        path: partial.display().to_string(),
        source: std::io::Error::other(e.to_string()),
    };
    let mut writer = csv::Writer::from_path(&partial).map_err(error)?;
    writer.write_record(&table.columns).map_err(error)?;
    for &r in kept {
        writer
            .write_record(table.values.iter().map(|c| c[r].as_deref().unwrap_or("")))
            .map_err(error)?;
    }
    writer.flush().map_err(CliError::io(&partial))?;
    drop(writer);
    std::fs::rename(&partial, path).map_err(CliError::io(path))
}

/// Prints what imputation did, for people.
pub fn print_imputation(out: &Output, summaries: &[ImputeSummary]) {
    for s in summaries {
        let columns: Vec<String> = s
            .columns
            .iter()
            .map(|c| {
                let strategy = c.strategy.as_str();
                match &c.value {
                    Some(v) => format!(
                        "{} {} of {} ({strategy} {v})",
                        c.column,
                        count(c.filled),
                        count(c.missing)
                    ),
                    None => format!(
                        "{} {} of {} ({strategy})",
                        c.column,
                        count(c.filled),
                        count(c.missing)
                    ),
                }
            })
            .collect();
        out.line(format!(
            "imputed {}: {} → {}",
            s.table,
            columns.join(", "),
            s.output
        ));
        if s.rows_out < s.rows_in {
            out.line(format!(
                "  {} rows dropped for missing values",
                count(s.rows_in - s.rows_out)
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standardizing_keeps_gaps_and_survives_constant_columns() {
        let z = standardize(&[Some(1.0), None, Some(3.0)]);
        assert_eq!(z, [Some(-1.0), None, Some(1.0)]);
        assert_eq!(standardize(&[Some(2.0), Some(2.0)]), [Some(0.0), Some(0.0)]);
        assert_eq!(moments(&[None]), (0.0, 1.0));
    }
}
