//! `cible`: B2B customer segmentation in one binary. A thin layer that turns arguments into
//! calls to the library crates and prints their results.

mod commands;
mod error;
mod output;
mod pipeline;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use commands::{
    cluster, dedup, demo, export, features, generate, ingest, init, report, rfm, run, runs, score,
};

/// B2B customer segmentation: from CRM, ERP and web exports to clean accounts and segments.
///
/// Start with `cible demo`: it generates a realistic French/European B2B data set and runs the
/// whole pipeline on it. Then `cible init` writes a project file for your own data.
#[derive(Debug, Parser)]
#[command(
    name = "cible",
    version,
    propagate_version = true,
    after_help = "Exit codes: 0 ok, 1 ran but a check failed, 2 error.
More help on a command: cible COMMAND --help"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// No progress bars and no chatter.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Print results as JSON (same as --format json).
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    Demo(demo::DemoArgs),
    Init(init::InitArgs),
    Run(run::RunArgs),
    Runs(runs::RunsArgs),
    Generate(generate::GenerateArgs),
    Ingest(ingest::IngestArgs),
    Dedup(dedup::DedupArgs),
    Rfm(rfm::RfmArgs),
    Features(features::FeaturesArgs),
    Cluster(cluster::ClusterArgs),
    Score(score::ScoreArgs),
    Export(export::ExportArgs),
    Report(report::ReportArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (quiet, json) = (cli.quiet, cli.json);
    let result = match &cli.command {
        Command::Demo(args) => demo::run(args, quiet, json),
        Command::Init(args) => init::run(args, quiet, json),
        Command::Run(args) => run::run(args, quiet, json),
        Command::Runs(args) => runs::run(args, quiet, json),
        Command::Generate(args) => generate::run(args, quiet, json),
        Command::Ingest(args) => ingest::run(args, quiet, json),
        Command::Dedup(args) => dedup::run(args, quiet, json),
        Command::Rfm(args) => rfm::run(args, quiet, json),
        Command::Features(args) => features::run(args, quiet, json),
        Command::Cluster(args) => cluster::run(args, quiet, json),
        Command::Score(args) => score::run(args, quiet, json),
        Command::Export(args) => export::run(args, quiet, json),
        Command::Report(args) => report::run(args, quiet, json),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let code = e.exit_code();
            let label = if code == 1 { "check failed" } else { "error" };
            let message = e.to_string();
            eprintln!("{label}: {message}");
            // Messages usually quote their cause already; print only the causes they do not.
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                let text = cause.to_string();
                if !message.contains(&text) {
                    eprintln!("  caused by: {text}");
                }
                source = cause.source();
            }
            ExitCode::from(code)
        }
    }
}
