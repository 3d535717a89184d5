//! `cible features`: the feature catalogue, or the features of canonical tables.

use std::path::PathBuf;

use chrono::NaiveDate;
use cible_core::project::Project;
use cible_features::{CustomFeatures, Feature, Group, Inputs, builtin, compute, full_catalog};
use clap::Args;
use serde::Serialize;

use super::FormatArg;
use crate::error::CliError;
use crate::output::{Output, count};
use crate::pipeline::print_features;

/// List the feature catalogue, or compute the features of canonical tables.
///
/// With --list: every feature with its group, type, unit and meaning (with --project, the
/// project's own `[[features.custom]]` too, their SQL checked).
///
/// Otherwise: one row per account of --accounts with every feature as of --as-of, from
/// canonical tables (as `cible ingest` writes them, CSV or Parquet), written to --out as
/// Parquet. `cible run` does this for a project, on its deduplicated accounts.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cible features --list
  cible features --list --group intent --format json
  cible features --accounts accounts.parquet --orders orders.parquet --events events.parquet \\
                 --contacts contacts.parquet --as-of 2026-11-01 --out features.parquet")]
pub struct FeaturesArgs {
    /// Print the catalogue instead of computing.
    #[arg(long)]
    list: bool,
    /// Only this group: transactional, engagement, intent, roles, firmographic or custom.
    #[arg(long, requires = "list")]
    group: Option<String>,
    /// Include the custom features of this project (folder or cible.toml).
    #[arg(long)]
    project: Option<PathBuf>,
    /// Canonical accounts table (one row per account).
    #[arg(long, required_unless_present = "list", conflicts_with = "list")]
    accounts: Option<PathBuf>,
    /// Canonical orders table.
    #[arg(long, conflicts_with = "list")]
    orders: Option<PathBuf>,
    /// Canonical events table.
    #[arg(long, conflicts_with = "list")]
    events: Option<PathBuf>,
    /// Canonical contacts table.
    #[arg(long, conflicts_with = "list")]
    contacts: Option<PathBuf>,
    /// `id,entity_id` map of deduplicated accounts (`entities/accounts.csv` of a run); then
    /// --accounts holds one row per entity (the golden records).
    #[arg(long, conflicts_with = "list")]
    account_entities: Option<PathBuf>,
    /// `id,entity_id` map of deduplicated contacts.
    #[arg(long, conflicts_with = "list")]
    contact_entities: Option<PathBuf>,
    /// Reference date (YYYY-MM-DD): nothing after the end of that day counts [default: the
    /// project's as_of, or today].
    #[arg(long, conflicts_with = "list")]
    as_of: Option<NaiveDate>,
    /// Output Parquet file.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "list",
        conflicts_with = "list"
    )]
    out: Option<PathBuf>,
    #[command(flatten)]
    format: FormatArg,
}

/// Runs `cible features`.
pub fn run(args: &FeaturesArgs, quiet: bool, json: bool) -> Result<(), CliError> {
    let out = args.format.output(quiet, json);
    let project = args.project.as_deref().map(Project::load).transpose()?;
    let custom = CustomFeatures::new(
        project
            .as_ref()
            .map(|p| p.file.features.custom.as_slice())
            .unwrap_or_default(),
    )?;
    if args.list {
        return list(args, &out, &custom, project.is_some());
    }
    let (Some(accounts), Some(path)) = (&args.accounts, &args.out) else {
        unreachable!("clap requires --accounts and --out without --list")
    };
    let as_of = args
        .as_of
        .or(project.as_ref().map(|p| p.as_of))
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let inputs = Inputs {
        accounts: accounts.clone(),
        orders: args.orders.clone(),
        events: args.events.clone(),
        contacts: args.contacts.clone(),
        account_entities: args.account_entities.clone(),
        contact_entities: args.contact_entities.clone(),
    };
    let started = std::time::Instant::now();
    let table = compute(&inputs, as_of, &custom)?;
    table.write_parquet(path)?;
    let seconds = started.elapsed().as_secs_f64();
    print_features(&out, &table.summary, path, seconds);
    out.json(&serde_json::json!({
        "summary": table.summary,
        "out": path,
        "seconds": seconds,
        "catalog": table.catalog,
    }));
    Ok(())
}

#[derive(Serialize)]
struct Listing<'a> {
    features: Vec<&'a Feature>,
}

fn list(
    args: &FeaturesArgs,
    out: &Output,
    custom: &CustomFeatures,
    with_project: bool,
) -> Result<(), CliError> {
    let catalog = if with_project {
        full_catalog(custom)?
    } else {
        builtin()
    };
    let group = args
        .group
        .as_deref()
        .map(|g| {
            catalog
                .iter()
                .map(|f| f.group)
                .chain([Group::Custom])
                .find(|known| known.to_string() == g)
                .ok_or_else(|| {
                    CliError::Usage(format!(
                        "--group {g}: expected transactional, engagement, intent, roles, firmographic or custom"
                    ))
                })
        })
        .transpose()?;
    let shown: Vec<&Feature> = catalog
        .iter()
        .filter(|f| group.is_none_or(|g| f.group == g))
        .collect();
    let width = shown.iter().map(|f| f.name.len()).max().unwrap_or(0);
    let mut current = None;
    for f in &shown {
        if current != Some(f.group) {
            out.line(format!("\n{}", f.group.to_string().to_uppercase()));
            current = Some(f.group);
        }
        out.line(format!(
            "  {:width$}  {:8}  {:10}  {}",
            f.name,
            f.kind.to_string(),
            f.unit,
            f.description
        ));
    }
    out.line(format!(
        "\n{} features. Full catalogue: docs/features.md",
        count(shown.len() as u64)
    ));
    out.json(&Listing { features: shown });
    Ok(())
}
