//! `cible score predict`: a saved model applied to a table, with each row's top reasons.

use std::path::PathBuf;
use std::time::Instant;

use cible_data::TextTable;
use cible_ml::supervised::{Classifier, ContributionScale};
use cible_store::write_atomic;
use clap::Args;
use rayon::prelude::*;
use serde::Serialize;

use super::ModelFile;
use super::train::csv_field;
use crate::commands::{FormatArg, InputArgs};
use crate::error::CliError;
use crate::output::{Output, count, shown};

/// Scores a table with a model from `cible score train`.
///
/// Writes the table with three more columns: `score` (the probability that the target is
/// true), `predicted` (whether the score reaches the model's threshold) and `top_reasons`:
/// the columns that push this row's score up or down the most, with their values and their
/// effect (in log-odds for logistic and boosted models, in probability for trees and
/// forests), e.g. `engagement_score=87 (+1.32); sector=Retail (-0.41)`.
///
/// The table needs the model's feature columns (other columns are carried through). A
/// missing number is filled as the model was trained to (--missing), or is an error naming
/// the line and column.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cible score predict models/conversion accounts.csv --out scored.csv
  cible score predict models/churn/model.json customers.parquet --reasons 5 --out churn.csv")]
pub struct PredictArgs {
    /// The model: a folder written by `cible score train`, or its model.json.
    model: PathBuf,
    /// The table to score: CSV, Parquet or NDJSON.
    file: PathBuf,
    /// The scored table (CSV).
    #[arg(long)]
    out: PathBuf,
    /// Reasons per row.
    #[arg(long, default_value_t = 3)]
    reasons: usize,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    format: FormatArg,
}

#[derive(Debug, Serialize)]
struct Summary {
    model_id: String,
    file: PathBuf,
    out: PathBuf,
    rows: usize,
    predicted_positive: usize,
    mean_score: f64,
    threshold: f64,
    filled_values: usize,
    seconds: f64,
}

/// Runs `cible score predict`.
pub fn run(args: &PredictArgs, quiet: bool, json: bool) -> Result<(), CliError> {
    let out = args.format.output(quiet, json);
    let started = Instant::now();
    let model = ModelFile::read(&args.model)?;
    let table = args.input.read(&args.file)?;
    let Scored {
        scores,
        reasons,
        filled_values,
    } = score_table(&model, &args.file, &table, args.reasons)?;
    let threshold = model.threshold.threshold;
    let text = scored_csv(&table, &scores, threshold, &reasons);
    write_atomic(&args.out, text.as_bytes())?;
    let summary = Summary {
        model_id: model.model_id.clone(),
        file: args.file.clone(),
        out: args.out.clone(),
        rows: table.len(),
        predicted_positive: scores.iter().filter(|&&s| s >= threshold).count(),
        mean_score: scores.iter().sum::<f64>() / scores.len() as f64,
        threshold,
        filled_values,
        seconds: started.elapsed().as_secs_f64(),
    };
    print_summary(&out, &summary);
    out.json(&summary);
    Ok(())
}

/// Every row's score and top reasons.
#[derive(Default)]
pub(crate) struct Scored {
    /// The probability that the target is true, per row.
    pub(crate) scores: Vec<f64>,
    /// The row's top reasons, `column=value (effect); ...`.
    pub(crate) reasons: Vec<String>,
    /// Missing numbers filled as in training.
    pub(crate) filled_values: usize,
}

/// Scores every row of `table` (read from `path`, named in errors) with `model`, with the
/// `reasons` columns that weigh most on each row.
pub(crate) fn score_table(
    model: &ModelFile,
    path: &std::path::Path,
    table: &TextTable,
    reasons: usize,
) -> Result<Scored, CliError> {
    let rows: Vec<usize> = (0..table.len()).collect();
    let (frame, filled_values) = model.schema.frame(path, table, &rows)?;
    let x = model.preprocessor.transform(&frame)?;
    let scores = model.model.predict_proba(&x)?;
    let explainer = Explainer::new(model, table);
    let reasons: Vec<String> = (0..table.len())
        .into_par_iter()
        .map(|r| explainer.top_reasons(x.row(r), r, reasons))
        .collect::<Result<_, _>>()?;
    Ok(Scored {
        scores,
        reasons,
        filled_values,
    })
}

/// Turns a row's contributions into its top reasons.
struct Explainer<'a> {
    model: &'a ModelFile,
    table: &'a TextTable,
    /// Per input column of the model: its name, its position in the table and its encoded
    /// columns.
    columns: Vec<(&'a str, usize, Vec<usize>)>,
}

impl<'a> Explainer<'a> {
    /// The model's columns found in the table (the frame was built from them, so they are
    /// there).
    fn new(model: &'a ModelFile, table: &'a TextTable) -> Self {
        let sources = model.preprocessor.feature_sources();
        let columns = model
            .schema
            .columns
            .iter()
            .filter_map(|c| {
                let name = c.name();
                let position = table.columns.iter().position(|t| t == name)?;
                let encoded = (0..sources.len()).filter(|&j| sources[j] == name).collect();
                Some((name, position, encoded))
            })
            .collect();
        Explainer {
            model,
            table,
            columns,
        }
    }

    /// The `n` input columns with the largest effect on row `r`'s score (`row` encoded),
    /// one-hot columns summed into the column they encode.
    fn top_reasons(&self, row: &[f64], r: usize, n: usize) -> Result<String, CliError> {
        let contributions = self.model.model.contributions(row)?;
        let mut effects: Vec<(&str, usize, f64)> = self
            .columns
            .iter()
            .map(|(name, position, encoded)| {
                let effect = encoded.iter().map(|&j| contributions.values[j]).sum();
                (*name, *position, effect)
            })
            .collect();
        effects.sort_by(|a, b| b.2.abs().total_cmp(&a.2.abs()));
        let digits = match contributions.scale {
            ContributionScale::LogOdds => 2,
            ContributionScale::Probability => 3,
        };
        Ok(effects
            .iter()
            .filter(|(_, _, effect)| effect.abs() >= 0.5 * 10f64.powi(-digits))
            .take(n)
            .map(|(name, position, effect)| {
                let value = self.table.values[*position][r]
                    .as_deref()
                    .unwrap_or("(missing)");
                format!("{name}={value} ({effect:+.prec$})", prec = digits as usize)
            })
            .collect::<Vec<_>>()
            .join("; "))
    }
}

/// The input table with `score`, `predicted` and `top_reasons` added.
fn scored_csv(table: &TextTable, scores: &[f64], threshold: f64, reasons: &[String]) -> String {
    let mut text = String::new();
    let header: Vec<String> = table.columns.iter().map(|c| csv_field(c)).collect();
    text.push_str(&header.join(","));
    text.push_str(",score,predicted,top_reasons\n");
    for r in 0..table.len() {
        for column in &table.values {
            text.push_str(&csv_field(column[r].as_deref().unwrap_or("")));
            text.push(',');
        }
        text.push_str(&format!(
            "{},{},{}\n",
            scores[r],
            scores[r] >= threshold,
            csv_field(&reasons[r])
        ));
    }
    text
}

fn print_summary(out: &Output, s: &Summary) {
    out.line(format!(
        "{}: {} rows scored with model {}; {} predicted positive (score ≥ {:.4}), mean score \
         {:.4}{}",
        shown(&s.file),
        count(s.rows as u64),
        s.model_id,
        count(s.predicted_positive as u64),
        s.threshold,
        s.mean_score,
        if s.filled_values > 0 {
            format!(", {} missing numbers filled", count(s.filled_values as u64))
        } else {
            String::new()
        }
    ));
    out.line(format!("  wrote {} ({:.2} s)", shown(&s.out), s.seconds));
}
