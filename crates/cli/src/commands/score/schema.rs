//! The columns a score model reads and how: which are numeric, which categorical, what fills
//! a missing number. Chosen on the training table, saved with the model, and applied the
//! same way to the tables it scores.

use std::path::Path;

use chrono::Datelike;
use cible_core::project::DateOrder;
use cible_data::{TextTable, parse_bool, parse_date, parse_number};
use cible_ml::Frame;
use serde::{Deserialize, Serialize};

use crate::error::CliError;

/// What to do with a missing number in a feature column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// Stop with an error naming the file, line and column.
    Error,
    /// Fill it with the column's mean on the training rows.
    Mean,
    /// Fill it with the column's median on the training rows.
    Median,
}

/// One feature column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FeatureColumn {
    /// Numbers, z-scored; `fill` replaces a missing value (none: a missing value is an error).
    Numeric {
        /// The column's name.
        name: String,
        /// The value of a missing number, from the training rows.
        fill: Option<f64>,
    },
    /// Categories, one-hot encoded; a missing value is the category `(missing)`, and a
    /// category unseen in training has no effect.
    Categorical {
        /// The column's name.
        name: String,
    },
}

impl FeatureColumn {
    /// The column's name.
    pub fn name(&self) -> &str {
        match self {
            FeatureColumn::Numeric { name, .. } | FeatureColumn::Categorical { name } => name,
        }
    }
}

/// A column of the training table left out, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    /// The column.
    pub column: String,
    /// Why it is not a feature.
    pub reason: String,
}

/// Categorical columns with more distinct values than this are left out unless named with
/// `--columns`: one-hot columns for each would swamp the model.
const MAX_CATEGORIES: usize = 100;

/// The feature columns of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    /// The columns, in the order the model reads them.
    pub columns: Vec<FeatureColumn>,
}

/// Whether every value of a column parses as a number.
fn is_numeric(values: &[Option<String>]) -> bool {
    values
        .iter()
        .flatten()
        .all(|v| parse_number(v, b'.').is_some())
}

/// `file:line: column "name"`, the start of an error about one value.
fn at(path: &Path, table: &TextTable, row: usize, column: usize) -> String {
    format!(
        "{}:{}: column \"{}\"",
        path.display(),
        table.lines[row],
        table.columns[column]
    )
}

impl Schema {
    /// Chooses the features of a training table: the columns named in `wanted`, or every
    /// column not in `excluded` that has a value; numeric when every value parses as a number,
    /// categorical otherwise. Unless named, a column of dates, a categorical column that looks
    /// like an identifier (most values distinct) or one with more than 100 categories is left
    /// out and reported. Fill
    /// values are computed on the `train` rows only.
    pub fn infer(
        path: &Path,
        table: &TextTable,
        wanted: &[String],
        excluded: &[usize],
        missing: Missing,
        train: &[usize],
    ) -> Result<(Schema, Vec<Skipped>), CliError> {
        let named = !wanted.is_empty();
        let candidates: Vec<usize> = if named {
            wanted
                .iter()
                .map(|w| table.column_index(path, w))
                .collect::<Result<_, _>>()?
        } else {
            (0..table.columns.len())
                .filter(|c| !excluded.contains(c))
                .collect()
        };
        let mut columns = Vec::new();
        let mut skipped = Vec::new();
        for c in candidates {
            let name = table.columns[c].clone();
            let values = &table.values[c];
            let skip = |reason: String| Skipped {
                column: name.clone(),
                reason,
            };
            if excluded.contains(&c) {
                return Err(CliError::Usage(format!(
                    "{}: column \"{name}\" is the target or the time column; it cannot be a feature",
                    path.display()
                )));
            }
            let present: Vec<&str> = train.iter().filter_map(|&r| values[r].as_deref()).collect();
            if present.is_empty() {
                skipped.push(skip("no value in the training rows".into()));
                continue;
            }
            if is_numeric(values) {
                let fill = match missing {
                    Missing::Error => None,
                    Missing::Mean | Missing::Median => {
                        let mut numbers: Vec<f64> = present
                            .iter()
                            .filter_map(|v| parse_number(v, b'.'))
                            .collect();
                        Some(match missing {
                            Missing::Mean => numbers.iter().sum::<f64>() / numbers.len() as f64,
                            _ => median(&mut numbers),
                        })
                    }
                };
                columns.push(FeatureColumn::Numeric { name, fill });
                continue;
            }
            let present: Vec<&str> = values.iter().flatten().map(String::as_str).collect();
            let mut distinct = present.clone();
            distinct.sort_unstable();
            distinct.dedup();
            if !named
                && present
                    .iter()
                    .all(|v| parse_date(v, DateOrder::Dmy, None).is_some())
            {
                skipped.push(skip(
                    "dates; split by them with --time-column, or derive a number from them \
                     (days since)"
                        .into(),
                ));
            } else if !named && distinct.len() > 20 && distinct.len() * 2 > present.len() {
                skipped.push(skip(format!(
                    "looks like an identifier ({} distinct values in {} rows); name it in \
                     --columns to use it",
                    distinct.len(),
                    present.len()
                )));
            } else if !named && distinct.len() > MAX_CATEGORIES {
                skipped.push(skip(format!(
                    "{} categories (more than {MAX_CATEGORIES}); group them, or name the column \
                     in --columns to use it",
                    distinct.len()
                )));
            } else {
                columns.push(FeatureColumn::Categorical { name });
            }
        }
        if columns.is_empty() {
            return Err(CliError::Usage(format!(
                "{}: no feature column left; columns: {}. Choose them with --columns",
                path.display(),
                table.columns.join(", ")
            )));
        }
        Ok((Schema { columns }, skipped))
    }

    /// The `rows` of a table as a frame of the schema's columns. A missing number is filled
    /// when the schema says how, an error naming the line and column otherwise; so is a value
    /// that is not a number in a numeric column. Returns the frame and the number of values
    /// filled.
    pub fn frame(
        &self,
        path: &Path,
        table: &TextTable,
        rows: &[usize],
    ) -> Result<(Frame, usize), CliError> {
        let mut frame = Frame::new();
        let mut filled = 0;
        for column in &self.columns {
            let c = table.column_index(path, column.name())?;
            match column {
                FeatureColumn::Numeric { name, fill } => {
                    let mut values = Vec::with_capacity(rows.len());
                    for &r in rows {
                        let value = match (&table.values[c][r], fill) {
                            (Some(v), _) => parse_number(v, b'.').ok_or_else(|| {
                                CliError::Usage(format!(
                                    "{}: cannot read {v:?} as a number (the model reads this \
                                     column as numeric)",
                                    at(path, table, r, c)
                                ))
                            })?,
                            (None, Some(fill)) => {
                                filled += 1;
                                *fill
                            }
                            (None, None) => {
                                return Err(CliError::Usage(format!(
                                    "{}: missing value; impute it, or train with --missing \
                                     median (or mean) to fill it",
                                    at(path, table, r, c)
                                )));
                            }
                        };
                        values.push(Some(value));
                    }
                    frame.push(name.clone(), cible_ml::Column::Numeric(values))?;
                }
                FeatureColumn::Categorical { name } => {
                    let values = rows.iter().map(|&r| table.values[c][r].clone()).collect();
                    frame.push(name.clone(), cible_ml::Column::Categorical(values))?;
                }
            }
        }
        Ok((frame, filled))
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// The target column as booleans: true/false, 1/0, yes/no, oui/non (any case). A missing or
/// other value is an error naming its line.
pub fn target(path: &Path, table: &TextTable, column: usize) -> Result<Vec<bool>, CliError> {
    (0..table.len())
        .map(|r| match &table.values[column][r] {
            None => Err(CliError::Usage(format!(
                "{}: missing target value; drop the row or give it a value",
                at(path, table, r, column)
            ))),
            Some(v) => parse_bool(v).ok_or_else(|| {
                CliError::Usage(format!(
                    "{}: cannot read {v:?} as a yes/no target (expected true/false, 1/0, \
                     yes/no or oui/non)",
                    at(path, table, r, column)
                ))
            }),
        })
        .collect()
}

/// The time column as numbers: a number as it is, a date (ISO, or day first as 03/04/2025) as
/// days since 1970-01-01. A missing
/// or other value is an error naming its line.
pub fn times(path: &Path, table: &TextTable, column: usize) -> Result<Vec<f64>, CliError> {
    (0..table.len())
        .map(|r| {
            let Some(v) = &table.values[column][r] else {
                return Err(CliError::Usage(format!(
                    "{}: missing time; every row needs one to split by time",
                    at(path, table, r, column)
                )));
            };
            parse_number(v, b'.')
                .or_else(|| {
                    // Days from 0001-01-01 to 1970-01-01: 719,163.
                    parse_date(v, DateOrder::Dmy, None)
                        .map(|d| f64::from(d.num_days_from_ce() - 719_163))
                })
                .ok_or_else(|| {
                    CliError::Usage(format!(
                        "{}: cannot read {v:?} as a date or a number",
                        at(path, table, r, column)
                    ))
                })
        })
        .collect()
}
