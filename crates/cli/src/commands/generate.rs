//! `cible generate`: the demo-data generator with planted truth.

use std::path::PathBuf;

use chrono::NaiveDate;
use cible_generator::{GenerateParams, GenerateSummary, OutputFormat, generate};
use clap::Args;

use crate::error::CliError;
use crate::output::{Output, count, shown};

/// Generate a realistic French/European B2B data set with known truth.
///
/// Writes OUT/data/ (CRM accounts and contacts, ERP orders, web events, as real exports look)
/// and OUT/truth/ (each account's latent segment, the planted duplicate pairs, conversions in
/// the 90 days after the reference date, and every planted missing, outlying or malformed
/// value), so that every stage can be scored. The same seed gives byte-identical files.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cible generate --accounts 1000 --out world
  cible generate --accounts 100000 --seed 7 --format parquet --out big-world")]
pub struct GenerateArgs {
    /// Number of accounts (duplicates come on top, about 5%).
    #[arg(long, default_value_t = 20_000)]
    pub accounts: usize,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// File format of the data files: csv (real-looking exports) or parquet.
    #[arg(long, default_value = "csv", value_parser = |s: &str| s.parse::<OutputFormat>())]
    pub format: OutputFormat,
    /// Reference date of the world (YYYY-MM-DD): history before it, conversions after it.
    #[arg(long, default_value = "2026-11-01")]
    pub as_of: NaiveDate,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
}

impl GenerateArgs {
    /// The generator's parameters.
    pub fn params(&self) -> GenerateParams {
        GenerateParams::new(self.accounts)
            .seed(self.seed)
            .format(self.format)
            .as_of(self.as_of)
    }
}

/// Runs `cible generate`.
pub fn run(args: &GenerateArgs, quiet: bool, json: bool) -> Result<(), CliError> {
    let out = Output {
        format: if json {
            crate::output::Format::Json
        } else {
            crate::output::Format::Text
        },
        quiet,
    };
    let summary = generate_with_progress(&args.params(), &args.out, &out)?;
    print_generate(&out, &summary, &args.out);
    out.json(&summary);
    Ok(())
}

/// Generates with a progress bar.
pub fn generate_with_progress(
    params: &GenerateParams,
    dir: &std::path::Path,
    out: &Output,
) -> Result<GenerateSummary, CliError> {
    params.check()?;
    let bar = out.count_bar(params.accounts as u64, "generate accounts".into());
    let summary = generate(params, dir, &|_stage, done, total| {
        bar.set_length(total);
        bar.set_position(done);
    });
    bar.finish_and_clear();
    Ok(summary?)
}

/// Prints what was generated, for people.
pub fn print_generate(out: &Output, summary: &GenerateSummary, dir: &std::path::Path) {
    out.line(format!(
        "Generated a B2B world in {} ({:.2} s)",
        shown(dir),
        summary.seconds
    ));
    for (table, path, rows) in &summary.files {
        out.line(format!(
            "  {table:<9} {:>10} rows  {}",
            count(*rows),
            shown(path)
        ));
    }
    let segments: Vec<String> = summary
        .segments
        .iter()
        .map(|(name, n)| format!("{name} {}", count(*n)))
        .collect();
    out.line(format!("  truth     segments: {}", segments.join(", ")));
    out.line(format!(
        "            {} duplicate accounts, {} duplicate contacts; {} of {} prospects convert within 90 days",
        count(summary.duplicate_accounts),
        count(summary.duplicate_contacts),
        count(summary.converted),
        count(summary.prospects)
    ));
    out.line(format!(
        "            dirt: {} missing, {} outliers, {} malformed values",
        count(summary.missing),
        count(summary.outliers),
        count(summary.malformed)
    ));
}
