//! `cible run`: the whole pipeline from the project file.

use std::path::PathBuf;

use cible_core::project::Project;
use clap::Args;

use super::FormatArg;
use crate::error::CliError;
use crate::output::{Output, count, shown};
use crate::pipeline::{
    RunOutcome, print_checks, print_dedup, print_features, print_imputation, print_ingest,
    print_profiles, print_quality, print_rules, print_scores, print_segments, run_project,
};

/// Run the project: every stage, from the sources in cible.toml to the workspace.
///
/// Each run is written to WORKSPACE/runs/ID with its tables, rejects.csv and run.json
/// (inputs with hashes, settings, timings, counts); it appears only once complete, and
/// WORKSPACE/LATEST names the latest run.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cible run                      # the project in the current folder
  cible run --project acme --format json")]
pub struct RunArgs {
    /// The project folder, holding cible.toml.
    #[arg(long, default_value = ".")]
    project: PathBuf,
    #[command(flatten)]
    format: FormatArg,
}

/// Runs `cible run`.
pub fn run(args: &RunArgs, quiet: bool, json: bool) -> Result<(), CliError> {
    let out = args.format.output(quiet, json);
    let project = Project::load(&args.project)?;
    let outcome = run_project(&project, "cible run", &out)?;
    print_run(&out, &project, &outcome);
    out.json(&outcome);
    Ok(())
}

/// Prints a run's results for people.
pub fn print_run(out: &Output, project: &Project, outcome: &RunOutcome) {
    out.line(format!(
        "Project {} as of {}: run {}",
        project.file.project.name, project.as_of, outcome.run.id
    ));
    for table in &outcome.tables {
        out.line("");
        print_ingest(out, table, &outcome.rejects);
    }
    if !outcome.checks.is_empty() {
        out.line("");
        print_checks(out, &outcome.checks, &outcome.checks_table);
    }
    if !outcome.dedup.is_empty() {
        out.line("");
        for d in &outcome.dedup {
            print_dedup(out, d);
        }
    }
    if !outcome.imputation.is_empty() {
        out.line("");
        print_imputation(out, &outcome.imputation);
    }
    out.line("");
    print_quality(out, &outcome.quality, &outcome.quality_report);
    if let Some(f) = &outcome.features {
        out.line("");
        print_features(out, &f.summary, &f.table, f.seconds);
    }
    if let Some(s) = &outcome.segments {
        print_segments(out, &s.summary, s.seconds);
    }
    print_scores(out, &outcome.scores);
    if let Some(r) = &outcome.activation {
        print_rules(out, r);
    }
    if let Some(p) = &outcome.profiles {
        out.line("");
        print_profiles(out, p);
    }
    crate::pipeline::print_exports(out, &outcome.exports);
    let loaded: u64 = outcome.tables.iter().map(|t| t.rows_loaded).sum();
    let rejected: u64 = outcome.tables.iter().map(|t| t.rows_rejected).sum();
    print_stage_table(out, outcome);
    out.line(format!(
        "{} rows loaded, {} rejected, in {:.2} s",
        count(loaded),
        count(rejected),
        outcome.run.seconds
    ));
    out.line(format!("results: {}", shown(&outcome.run_dir)));
    out.line(format!(
        "report: {} ({} charts; open it in a browser)",
        shown(&outcome.report),
        outcome.report_charts
    ));
}

/// The summary table: every stage with its time and share of the run.
fn print_stage_table(out: &Output, outcome: &RunOutcome) {
    let stages = &outcome.run.stages;
    let total: f64 = stages.iter().map(|s| s.seconds).sum();
    let width = stages
        .iter()
        .map(|s| s.name.len())
        .max()
        .unwrap_or(5)
        .max(5);
    out.line("");
    out.line(format!(
        "{:<width$}  {:>8}  {:>6}",
        "stage", "seconds", "share"
    ));
    for s in stages {
        out.line(format!(
            "{:<width$}  {:>8.2}  {:>5.1} %",
            s.name,
            s.seconds,
            100.0 * s.seconds / total.max(f64::MIN_POSITIVE)
        ));
    }
    out.line(format!("{:<width$}  {:>8.2}", "total", total));
    out.line("");
}
