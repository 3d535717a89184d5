//! One module per command.

pub mod cluster;
pub mod dedup;
pub mod demo;
mod demo_segments;
pub mod export;
pub mod features;
pub mod generate;
pub mod ingest;
pub mod init;
pub mod report;
pub mod rfm;
pub mod run;
pub mod runs;
pub mod score;

use std::path::Path;

use cible_core::project::{Encoding, SourceFormat};
use cible_data::{TextTable, read_table};
use clap::Args;

use crate::error::CliError;
use crate::output::{Format, Output};

/// How to read a command's input table.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Input format: csv, parquet or ndjson [default: from the extension].
    #[arg(long)]
    pub input_format: Option<SourceFormat>,
    /// CSV encoding: auto, utf-8 or latin-1.
    #[arg(long, default_value = "auto")]
    pub encoding: Encoding,
}

impl InputArgs {
    /// Reads `path` whole: an unreadable row or an empty table is an error naming the file.
    pub fn read(&self, path: &Path) -> Result<TextTable, CliError> {
        let (table, rejects) = read_table(path, self.input_format, None, self.encoding)?;
        if let Some(r) = rejects.first() {
            return Err(CliError::Usage(format!(
                "{r} ({} unreadable rows in all)",
                rejects.len()
            )));
        }
        if table.is_empty() {
            return Err(CliError::Usage(format!(
                "{}: the table has no rows",
                path.display()
            )));
        }
        Ok(table)
    }
}

/// `--format` for commands that print results.
#[derive(Debug, Args)]
pub struct FormatArg {
    /// How to print results: text for people, json for scripts.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

impl FormatArg {
    /// The output settings, given the global `--quiet` and `--json` flags.
    pub fn output(&self, quiet: bool, json: bool) -> Output {
        Output {
            format: if json { Format::Json } else { self.format },
            quiet,
        }
    }
}

/// The workspace of the project in `project` and the id of its run `run` (an id, `latest`
/// or `previous`); an error when there are no runs or no such run.
pub fn open_run(project: &Path, run: &str) -> Result<(cible_store::Workspace, String), CliError> {
    let workspace_dir = cible_core::project::Project::load(project)?.workspace_dir();
    if !workspace_dir.join("runs").is_dir() {
        return Err(CliError::Usage(format!(
            "{}: no runs here yet; `cible run` makes one",
            workspace_dir.display()
        )));
    }
    let workspace = cible_store::Workspace::open(&workspace_dir)?;
    let id = match run {
        "latest" => {
            workspace
                .latest()?
                .ok_or_else(|| CliError::Usage("no run yet: `cible run` makes one".into()))?
                .id
        }
        "previous" => {
            let ids = workspace.run_ids()?;
            match ids.len().checked_sub(2) {
                Some(i) => ids[i].clone(),
                None => {
                    return Err(CliError::Usage(format!(
                        "no run before the latest: the workspace has {} run{}; `cible run` \
                         makes another",
                        ids.len(),
                        if ids.len() == 1 { "" } else { "s" }
                    )));
                }
            }
        }
        _ => run.to_string(),
    };
    if !workspace.run_dir(&id).is_dir() {
        return Err(CliError::Usage(format!(
            "no run {id} in {}; `cible runs list` lists them",
            workspace_dir.display()
        )));
    }
    Ok((workspace, id))
}
