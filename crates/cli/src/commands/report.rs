//! `cible report`: renders the HTML report of a committed run again, into a file of your
//! choice (the run folder itself is never modified), for example after upgrading cible.

use std::path::{Path, PathBuf};

use arrow_array::{Array, BooleanArray, Float64Array, Int32Array, Int64Array};
use cible_store::write_atomic;
use clap::Args;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde::Serialize;

use super::FormatArg;
use crate::error::CliError;
use crate::output::shown;
use crate::pipeline::{Previous, build_report};

/// Render the HTML report of a run (the latest by default) into a file.
///
/// `cible run` already writes report.html into every run folder; this renders it again from
/// the run's files (with the comparison to the run before it), into --out, leaving the run
/// folder as it was.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cible report --out report.html
  cible report --run 20261203-135800-001 --out december.html")]
pub struct ReportArgs {
    /// The project folder, holding cible.toml.
    #[arg(long, default_value = ".")]
    project: PathBuf,
    /// The run: its id, `latest` or `previous` (the run before the latest).
    #[arg(long, default_value = "latest")]
    run: String,
    /// The file to write (replaced atomically).
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    format: FormatArg,
}

#[derive(Serialize)]
struct Summary {
    run: String,
    previous: Option<String>,
    charts: usize,
    out: PathBuf,
}

/// Runs `cible report`.
pub fn run(args: &ReportArgs, quiet: bool, json: bool) -> Result<(), CliError> {
    let out = args.format.output(quiet, json);
    let (workspace, id) = super::open_run(&args.project, &args.run)?;
    let ids = workspace.run_ids()?;
    let record = workspace.read_record(&id)?;
    let dir = workspace.run_dir(&id);
    let previous_id = ids.iter().filter(|other| **other < id).max().cloned();
    let previous_record = match &previous_id {
        Some(p) => Some(workspace.read_record(p)?),
        None => None,
    };
    let previous_dir = previous_id.as_ref().map(|p| workspace.run_dir(p));
    let previous = previous_record
        .as_ref()
        .zip(previous_dir.as_deref())
        .map(|(record, dir)| Previous { record, dir });
    let features = dir.join("features/accounts.parquet");
    let numbers = |name: &str| parquet_numbers(&features, name);
    let finished = record
        .finished_at
        .get(..16)
        .unwrap_or(&record.finished_at)
        .replace('T', " ");
    let report = build_report(&record, &dir, &finished, &numbers, previous)?;
    let rendered = cible_report::render(&report);
    let charts = rendered.charts;
    write_atomic(&args.out, rendered.html.as_bytes()).map_err(|e| {
        CliError::Usage(format!(
            "cannot write the report to {}: {e}",
            shown(&args.out)
        ))
    })?;
    out.line(format!(
        "report of run {id}{}: {} ({charts} charts)",
        previous_id
            .as_ref()
            .map_or(String::new(), |p| format!(", compared with {p}")),
        shown(&args.out)
    ));
    out.json(&Summary {
        run: id,
        previous: previous_id,
        charts,
        out: args.out.clone(),
    });
    Ok(())
}

/// The numbers of column `name` of the Parquet file at `path` (`None` when there is no such
/// file or numeric column).
fn parquet_numbers(path: &Path, name: &str) -> Result<Option<Vec<Option<f64>>>, CliError> {
    let Ok(file) = std::fs::File::open(path) else {
        return Ok(None);
    };
    let bad = |e: parquet::errors::ParquetError| {
        CliError::Usage(format!(
            "{}: not a Parquet table the run wrote: {e}",
            path.display()
        ))
    };
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(bad)?;
    let Some(index) = builder
        .schema()
        .fields()
        .iter()
        .position(|f| f.name() == name)
    else {
        return Ok(None);
    };
    let mask = ProjectionMask::roots(builder.parquet_schema(), [index]);
    let reader = builder.with_projection(mask).build().map_err(bad)?;
    let mut values = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
        let column = batch.column(0);
        let any = column.as_any();
        let at = |i: usize| column.is_valid(i);
        if let Some(a) = any.downcast_ref::<Float64Array>() {
            values.extend((0..a.len()).map(|i| at(i).then(|| a.value(i))));
        } else if let Some(a) = any.downcast_ref::<Int64Array>() {
            values.extend((0..a.len()).map(|i| at(i).then(|| a.value(i) as f64)));
        } else if let Some(a) = any.downcast_ref::<Int32Array>() {
            values.extend((0..a.len()).map(|i| at(i).then(|| f64::from(a.value(i)))));
        } else if let Some(a) = any.downcast_ref::<BooleanArray>() {
            values.extend((0..a.len()).map(|i| at(i).then(|| f64::from(u8::from(a.value(i))))));
        } else {
            return Ok(None);
        }
    }
    Ok(Some(values))
}
