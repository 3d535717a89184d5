//! `cible rfm`: recency, frequency, monetary value and lifecycle for any transactions file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use cible_core::project::{DateOrder, Encoding, SourceFormat};
use cible_data::{
    Reject, RejectReason, RejectsWriter, Transaction, parse_date, parse_number, read_table, rfm,
};
use clap::Args;
use serde::Serialize;

use super::FormatArg;
use crate::error::CliError;
use crate::output::{count, shown};

/// One row per customer: recency, frequency and monetary features, quintile scores and the RFM
/// cell, and a lifecycle stage, as of a reference date.
///
/// Transactions after --as-of are left out, so that a past date reproduces what was known then.
/// Columns of OUT: customer, first_purchase, last_purchase, recency_days, tenure_days, orders,
/// purchase_days, frequency (repeat purchase days), recency_weeks and t_weeks (as the
/// `lifetimes` package defines them), monetary_total, monetary_mean, orders_12m, monetary_12m,
/// r_score, f_score, m_score (1 to 5), rfm_cell, lifecycle (new, active, cooling, lapsing,
/// lapsed). Rows without a customer, a date or an amount go to OUT's `.rejects.csv`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cible rfm orders.csv --customer account_id --date ordered_at --amount amount --as-of 2026-11-01 --out rfm.csv
  cible rfm cdnow.csv --customer sample_id --date date --amount dollar_value --as-of 1997-09-30 --out rfm.csv")]
pub struct RfmArgs {
    /// The transactions: CSV, Parquet or NDJSON.
    file: PathBuf,
    /// Column identifying the customer.
    #[arg(long)]
    customer: String,
    /// Column with the transaction date.
    #[arg(long)]
    date: String,
    /// Column with the amount.
    #[arg(long)]
    amount: String,
    /// Reference date (YYYY-MM-DD) [default: today].
    #[arg(long)]
    as_of: Option<NaiveDate>,
    /// Order of numeric dates such as 03/04/2025: dmy, mdy or ymd.
    #[arg(long, default_value = "dmy")]
    date_order: DateOrder,
    /// Decimal separator of amounts: "." or ",".
    #[arg(long, default_value = ".")]
    decimal: char,
    /// Output CSV file.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Input format: csv, parquet or ndjson [default: from the extension].
    #[arg(long)]
    input_format: Option<SourceFormat>,
    /// CSV encoding: auto, utf-8 or latin-1.
    #[arg(long, default_value = "auto")]
    encoding: Encoding,
    #[command(flatten)]
    format: FormatArg,
}

#[derive(Debug, Serialize)]
struct Summary {
    file: PathBuf,
    as_of: NaiveDate,
    customers: usize,
    transactions_used: usize,
    transactions_after_as_of: u64,
    rows_rejected: usize,
    lifecycle: BTreeMap<&'static str, usize>,
    output: PathBuf,
    rejects: PathBuf,
}

/// Runs `cible rfm`.
pub fn run(args: &RfmArgs, quiet: bool, json: bool) -> Result<(), CliError> {
    let out = args.format.output(quiet, json);
    let decimal = match args.decimal {
        '.' => b'.',
        ',' => b',',
        other => {
            return Err(CliError::Usage(format!(
                "--decimal {other:?}: expected \".\" or \",\""
            )));
        }
    };
    let as_of = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let (table, mut rejects) = read_table(&args.file, args.input_format, None, args.encoding)?;
    let customer = table.column_index(&args.file, &args.customer)?;
    let date = table.column_index(&args.file, &args.date)?;
    let amount = table.column_index(&args.file, &args.amount)?;
    let mut transactions = Vec::with_capacity(table.len());
    let reject = |row: usize, column: &str, value: &str, reason: RejectReason| Reject {
        file: args.file.clone(),
        line: table.lines[row],
        column: column.into(),
        value: value.into(),
        reason,
    };
    for row in 0..table.len() {
        let Some(who) = &table.values[customer][row] else {
            rejects.push(reject(
                row,
                &args.customer,
                "",
                RejectReason::MissingRequired,
            ));
            continue;
        };
        let Some(when_text) = &table.values[date][row] else {
            rejects.push(reject(row, &args.date, "", RejectReason::MissingRequired));
            continue;
        };
        let Some(when) = parse_date(when_text, args.date_order, None) else {
            let reason = RejectReason::Unparsable {
                expected: "a date".into(),
            };
            rejects.push(reject(row, &args.date, when_text, reason));
            continue;
        };
        let Some(how_much_text) = &table.values[amount][row] else {
            rejects.push(reject(row, &args.amount, "", RejectReason::MissingRequired));
            continue;
        };
        let Some(how_much) = parse_number(how_much_text, decimal) else {
            let reason = RejectReason::Unparsable {
                expected: "a number".into(),
            };
            rejects.push(reject(row, &args.amount, how_much_text, reason));
            continue;
        };
        transactions.push(Transaction {
            customer: who.clone(),
            date: when,
            amount: how_much,
        });
    }
    let (rows, later) = rfm(&transactions, as_of);
    write_csv(&args.out, &rows)?;
    let rejects_path = args.out.with_extension("rejects.csv");
    let mut writer = RejectsWriter::create(&rejects_path)?;
    writer.write(&rejects)?;
    writer.finish()?;
    let mut lifecycle = BTreeMap::new();
    for r in &rows {
        *lifecycle.entry(r.lifecycle).or_default() += 1;
    }
    let summary = Summary {
        file: args.file.clone(),
        as_of,
        customers: rows.len(),
        transactions_used: transactions.len() - later as usize,
        transactions_after_as_of: later,
        rows_rejected: rejects.len(),
        lifecycle,
        output: args.out.clone(),
        rejects: rejects_path,
    };
    out.line(format!(
        "{}: {} customers as of {} from {} transactions ({} after that date left out, {} rows rejected)",
        shown(&summary.file),
        count(summary.customers as u64),
        as_of,
        count(summary.transactions_used as u64),
        count(later),
        count(summary.rows_rejected as u64)
    ));
    let stages: Vec<String> = summary
        .lifecycle
        .iter()
        .map(|(k, v)| format!("{k} {}", count(*v as u64)))
        .collect();
    out.line(format!("  lifecycle  {}", stages.join(", ")));
    out.line(format!(
        "  wrote      {}, {}",
        shown(&summary.output),
        shown(&summary.rejects)
    ));
    out.json(&summary);
    Ok(())
}

fn write_csv(path: &Path, rows: &[cible_data::CustomerRfm]) -> Result<(), CliError> {
    let tmp = path.with_extension("csv.partial");
    let error = |e: csv::Error| CliError::Io {
        path: path.display().to_string(),
        source: std::io::Error::other(e.to_string()),
    };
    let mut writer = csv::Writer::from_path(&tmp).map_err(error)?;
    for row in rows {
        writer.serialize(row).map_err(error)?;
    }
    writer.flush().map_err(CliError::io(&tmp))?;
    drop(writer);
    std::fs::rename(&tmp, path).map_err(CliError::io(path))
}
