//! `cible ingest`: load any file into a canonical table, with rejects.

use std::path::PathBuf;

use cible_core::project::SourceConfig;
use cible_core::schema::TableKind;
use cible_data::{NamedSource, RejectsWriter};
use cible_store::StagingDir;
use clap::Args;

use super::FormatArg;
use crate::error::CliError;
use crate::output::bytes;
use crate::pipeline::{load_with_progress, print_ingest};

/// Load files into a canonical table (accounts, contacts, orders or events).
///
/// Writes OUT/KIND.parquet with the rows that load and OUT/rejects.csv with one line per
/// problem (file, line, column, value, reason): no row is ever silently dropped. Columns are
/// matched by name (`Account ID` feeds `account_id`) unless mapped with --map.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cible ingest crm.csv --kind accounts --map account_id=\"Id compte\" --map name=\"Raison sociale\" --out loaded
  cible ingest 'erp/*.csv' --kind orders --delimiter ';' --encoding latin-1 --decimal , --out loaded
  cible ingest events.ndjson --kind events --map occurred_at=timestamp --out loaded --format json")]
pub struct IngestArgs {
    /// Files, directories or globs to load (quote a glob to let cible expand it).
    #[arg(required = true, value_name = "FILE|DIR|GLOB")]
    inputs: Vec<String>,
    /// The canonical table to load into: accounts, contacts, orders or events.
    #[arg(long, value_parser = |s: &str| s.parse::<TableKind>())]
    kind: TableKind,
    /// Map a canonical column to a source column (repeatable): --map account_id="Id compte".
    #[arg(long = "map", value_name = "CANONICAL=SOURCE")]
    map: Vec<String>,
    /// Output folder; KIND.parquet and rejects.csv are written there.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Input format: csv, parquet or ndjson [default: from the file extension].
    #[arg(long, value_name = "FORMAT")]
    input_format: Option<String>,
    /// CSV delimiter, one character or "tab" [default: detected].
    #[arg(long)]
    delimiter: Option<String>,
    /// CSV text encoding: auto, utf-8 or latin-1 [default: auto].
    #[arg(long)]
    encoding: Option<String>,
    /// Decimal separator of numbers: "." or "," [default: "."].
    #[arg(long)]
    decimal: Option<String>,
    /// Order of numeric dates such as 03/04/2025: dmy, mdy or ymd [default: dmy].
    #[arg(long)]
    date_order: Option<String>,
    /// Date format of a column, chrono syntax (repeatable): --date-format ordered_at=%d/%m/%Y.
    #[arg(long = "date-format", value_name = "COLUMN=FORMAT")]
    date_formats: Vec<String>,
    /// Keep a source column as an extra text column (repeatable).
    #[arg(long, value_name = "COLUMN")]
    keep: Vec<String>,
    /// Exit with code 1 when any row is rejected.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    format: FormatArg,
}

fn pairs(values: &[String], flag: &str) -> Result<Vec<(String, String)>, CliError> {
    values
        .iter()
        .map(|v| {
            v.split_once('=')
                .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
                .ok_or_else(|| CliError::Usage(format!("--{flag} {v:?}: expected NAME=VALUE")))
        })
        .collect()
}

/// Runs `cible ingest`.
pub fn run(args: &IngestArgs, quiet: bool, json: bool) -> Result<(), CliError> {
    let out = args.format.output(quiet, json);
    let mut config = SourceConfig::new(args.kind, "");
    config.format = args.input_format.clone();
    config.delimiter = args.delimiter.clone();
    config.encoding = args.encoding.clone();
    config.decimal = args.decimal.clone();
    config.date_order = args.date_order.clone();
    config.columns = pairs(&args.map, "map")?.into_iter().collect();
    config.formats = pairs(&args.date_formats, "date-format")?
        .into_iter()
        .collect();
    config.keep = args.keep.clone();
    let mut sources = Vec::new();
    for input in &args.inputs {
        config.path = input.clone();
        sources.push(NamedSource {
            name: input.clone(),
            spec: config.check("", "")?,
        });
    }
    let staging = StagingDir::new(&args.out)?;
    let table_file = format!("{}.parquet", args.kind);
    let mut rejects = RejectsWriter::create(&staging.path("rejects.csv"))?;
    let mut summary = load_with_progress(
        args.kind,
        &sources,
        std::path::Path::new("."),
        &staging.path(&table_file),
        &mut rejects,
        &out,
    )?;
    rejects.finish()?;
    let rejects_path = staging.final_path("rejects.csv");
    summary.output = staging.final_path(&table_file);
    staging.publish()?;
    print_ingest(&out, &summary, &rejects_path);
    let size = std::fs::metadata(&summary.output).map_or(0, |m| m.len());
    out.line(format!(
        "wrote {} ({})",
        summary.output.display(),
        bytes(size)
    ));
    out.json(&serde_json::json!({ "summary": summary, "rejects": rejects_path }));
    if args.strict && summary.rows_rejected > 0 {
        return Err(CliError::CheckFailed(format!(
            "{} rows rejected (--strict); see {}",
            summary.rows_rejected,
            rejects_path.display()
        )));
    }
    Ok(())
}
