//! `cible runs list / show / diff / rebuild`: the run catalog (`WORKSPACE/catalog.sqlite`),
//! an index of the workspace's run folders. Every command first records the run folders the
//! catalog lacks, so that a run committed just before a crash is never missing.

pub mod diff;

use std::path::PathBuf;

use cible_core::project::Project;
use cible_store::{
    Catalog, Membership, RunDetails, RunSummary, SegmentKind, SyncReport, Workspace,
};
use clap::{Args, Subcommand};

use super::FormatArg;
use crate::error::CliError;
use crate::output::{Output, bytes, count, shown};
use diff::{RunDiff, Side};

/// List, show and compare the runs of a project's workspace.
///
/// The run catalog, WORKSPACE/catalog.sqlite, indexes every run folder: settings, inputs
/// with their SHA-256, stage timings, metrics, models, segment definitions and each
/// account's segments. The run folders stay the source of truth: a run the catalog lacks is
/// recorded by the next command, and `cible runs rebuild` indexes them all again.
#[derive(Debug, Args)]
pub struct RunsArgs {
    #[command(subcommand)]
    command: RunsCommand,
}

#[derive(Debug, Subcommand)]
enum RunsCommand {
    List(ListArgs),
    Show(ShowArgs),
    Diff(DiffArgs),
    Rebuild(RebuildArgs),
}

/// Where the workspace is.
#[derive(Debug, Args)]
struct WorkspaceArgs {
    /// The project folder, holding cible.toml.
    #[arg(long, default_value = ".")]
    project: PathBuf,
    /// The workspace folder itself, instead of the project's.
    #[arg(long, conflicts_with = "project")]
    workspace: Option<PathBuf>,
}

impl WorkspaceArgs {
    fn open(&self) -> Result<Workspace, CliError> {
        let dir = match &self.workspace {
            Some(dir) => dir.clone(),
            None => Project::load(&self.project)?.workspace_dir(),
        };
        if !dir.join("runs").is_dir() {
            return Err(CliError::Usage(format!(
                "{}: no runs here yet; `cible run` makes one",
                dir.display()
            )));
        }
        Ok(Workspace::open(&dir)?)
    }

    /// The workspace and its catalog, with every run folder recorded.
    fn catalog(&self, out: &Output) -> Result<Catalog, CliError> {
        let workspace = self.open()?;
        let mut catalog = Catalog::open(&workspace)?;
        let report = catalog.sync(&workspace)?;
        warn_unreadable(out, &report);
        Ok(catalog)
    }
}

/// List the runs: when, how long, accounts, segments, silhouette, whether the inputs changed.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cible runs list
  cible runs list --project acme --format json")]
struct ListArgs {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    #[command(flatten)]
    format: FormatArg,
}

/// Show one run: settings, inputs, stages with timings, metrics, outputs, models, segments.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cible runs show latest
  cible runs show 20261123-120229-001 --format json")]
struct ShowArgs {
    /// The run's id, `latest` or `previous`.
    #[arg(default_value = "latest")]
    id: String,
    #[command(flatten)]
    workspace: WorkspaceArgs,
    #[command(flatten)]
    format: FormatArg,
}

/// Compare two runs: accounts moving between segments, the adjusted Rand index of the
/// clusterings and which new cluster each old one became, accounts entering and leaving rule
/// segments, changed settings and changed inputs.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cible runs diff previous latest
  cible runs diff 20261123-120229-001 20261124-081502-001 --format json")]
struct DiffArgs {
    /// The older run: an id, `latest` or `previous`.
    #[arg(default_value = "previous")]
    from: String,
    /// The newer run.
    #[arg(default_value = "latest")]
    to: String,
    #[command(flatten)]
    workspace: WorkspaceArgs,
    #[command(flatten)]
    format: FormatArg,
}

/// Rebuild the catalog from the run folders, moving the old file aside (to
/// catalog.sqlite.corrupt-TIMESTAMP when it is unreadable).
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cible runs rebuild
  cible runs rebuild --project acme")]
struct RebuildArgs {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    #[command(flatten)]
    format: FormatArg,
}

/// Runs `cible runs`.
pub fn run(args: &RunsArgs, quiet: bool, json: bool) -> Result<(), CliError> {
    match &args.command {
        RunsCommand::List(a) => list(a, &a.format.output(quiet, json)),
        RunsCommand::Show(a) => show(a, &a.format.output(quiet, json)),
        RunsCommand::Diff(a) => diff(a, &a.format.output(quiet, json)),
        RunsCommand::Rebuild(a) => rebuild(a, &a.format.output(quiet, json)),
    }
}

/// Records the committed runs of `workspace` that the catalog lacks (the one just committed,
/// and any a crash left out). A failure is a warning: the run folder is committed, and the
/// next command records it.
pub fn record_runs(workspace: &Workspace, out: &Output) {
    let synced = Catalog::open(workspace).and_then(|mut c| c.sync(workspace));
    match synced {
        Ok(report) => warn_unreadable(out, &report),
        Err(e) => out.warn(format!(
            "the run is committed, but recording it in the run catalog failed: {e}"
        )),
    }
}

fn warn_unreadable(out: &Output, report: &SyncReport) {
    for (id, why) in &report.unreadable {
        out.warn(format!("run {id} is not in the run catalog: {why}"));
    }
}

fn list(args: &ListArgs, out: &Output) -> Result<(), CliError> {
    let catalog = args.workspace.catalog(out)?;
    let runs = catalog.runs()?;
    out.json(&runs);
    if runs.is_empty() {
        out.line("no runs yet: `cible run` makes one");
        return Ok(());
    }
    out.line(format!(
        "{:<20}  {:<16}  {:>8}  {:>9}  {:>3}  {:>10}  inputs",
        "id", "started (UTC)", "seconds", "accounts", "k", "silhouette"
    ));
    for run in &runs {
        out.line(list_line(run));
    }
    Ok(())
}

fn list_line(run: &RunSummary) -> String {
    let dash = || "-".to_string();
    format!(
        "{:<20}  {:<16}  {:>8.2}  {:>9}  {:>3}  {:>10}  {}",
        run.id,
        when(&run.started_at),
        run.seconds,
        run.accounts.map_or_else(dash, count),
        run.k.map_or_else(dash, |k| k.to_string()),
        run.silhouette.map_or_else(dash, |s| format!("{s:.4}")),
        match run.inputs_changed {
            None => "first",
            Some(true) => "changed",
            Some(false) => "same",
        }
    )
}

/// `2026-01-31T09:05:12.345Z` → `2026-01-31 09:05`.
fn when(rfc3339: &str) -> String {
    rfc3339.get(..16).unwrap_or(rfc3339).replace('T', " ")
}

fn show(args: &ShowArgs, out: &Output) -> Result<(), CliError> {
    let catalog = args.workspace.catalog(out)?;
    let details = catalog.run(&args.id)?;
    out.json(&details);
    print_details(out, &details);
    Ok(())
}

fn print_details(out: &Output, d: &RunDetails) {
    let s = &d.summary;
    let project = match (&s.project, &s.as_of) {
        (Some(p), Some(as_of)) => format!(", project {p} as of {as_of}"),
        (Some(p), None) => format!(", project {p}"),
        _ => String::new(),
    };
    out.line(format!(
        "Run {}: {} (cible {}){project}",
        s.id, s.command, d.cible_version
    ));
    out.line(format!(
        "  started {}, finished {}, {:.2} s",
        d.summary.started_at, d.finished_at, s.seconds
    ));
    if !d.inputs.is_empty() {
        out.line("inputs:");
        for i in &d.inputs {
            out.line(format!(
                "  {:<12} {}  {}  sha256 {}",
                i.source,
                shown(&i.path),
                bytes(i.bytes),
                short_hash(&i.sha256)
            ));
        }
    }
    if !d.stages.is_empty() {
        out.line("stages:");
        for stage in &d.stages {
            out.line(format!("  {:<12} {:>8.2} s", stage.name, stage.seconds));
        }
    }
    if !d.metrics.is_empty() {
        out.line("metrics:");
        for (name, value) in &d.metrics {
            out.line(format!("  {name:<32} {}", figure(*value)));
        }
    }
    if !d.outputs.is_empty() {
        out.line("outputs:");
        for o in &d.outputs {
            let rows = o.rows.map(|r| format!("{} rows, ", count(r)));
            out.line(format!(
                "  {:<20} {}  ({}{})",
                o.name,
                o.path.display(),
                rows.unwrap_or_default(),
                bytes(o.bytes)
            ));
        }
    }
    for m in &d.models {
        out.line(format!(
            "model {} ({}, {}): features {}",
            m.id,
            m.kind,
            m.format,
            m.features.join(", ")
        ));
    }
    if !d.segments.is_empty() {
        out.line("segments:");
        for seg in &d.segments {
            out.line(format!(
                "  {:<10} {:<24} {:>9} accounts",
                seg.kind.name(),
                seg.name,
                count(seg.accounts)
            ));
        }
    }
}

/// A metric: integers as integers, the others to four decimals.
fn figure(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:.4}")
    }
}

fn short_hash(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}

fn diff(args: &DiffArgs, out: &Output) -> Result<(), CliError> {
    let catalog = args.workspace.catalog(out)?;
    let (a, b) = (catalog.run(&args.from)?, catalog.run(&args.to)?);
    let (ma, mb) = (
        catalog.memberships(&a.summary.id)?,
        catalog.memberships(&b.summary.id)?,
    );
    let result = diff::diff(&side(&a, &ma), &side(&b, &mb));
    out.json(&result);
    print_diff(out, &result);
    Ok(())
}

fn side<'a>(details: &'a RunDetails, memberships: &'a [Membership]) -> Side<'a> {
    Side {
        id: &details.summary.id,
        memberships,
        parameters: &details.parameters,
        inputs: &details.inputs,
    }
}

fn print_diff(out: &Output, d: &RunDiff) {
    out.line(format!("Runs {} → {}", d.from, d.to));
    if d.kinds.is_empty() {
        out.line("segments: neither run has any");
    }
    for k in &d.kinds {
        out.line(format!(
            "{} segments: {} accounts before, {} after, {} in both",
            k.kind.name(),
            count(k.accounts_from as u64),
            count(k.accounts_to as u64),
            count(k.common as u64)
        ));
        if k.kind == SegmentKind::Clustered
            && let Some(c) = &d.clustered
        {
            out.line(format!(
                "  {} accounts added, {} removed",
                count(c.added as u64),
                count(c.removed as u64)
            ));
            match c.adjusted_rand_index {
                Some(ari) => out.line(format!(
                    "  adjusted Rand index over the accounts in both: {ari:.4}"
                )),
                None => out.line("  adjusted Rand index: undefined (no account in both)"),
            }
            out.line("  old cluster → new cluster, by the accounts they share:");
            for m in &c.matching {
                match &m.to {
                    Some(to) => out.line(format!(
                        "    {} is now {}: {} of its {} accounts",
                        m.from,
                        to,
                        count(m.shared as u64),
                        count(m.from_accounts as u64)
                    )),
                    None => out.line(format!("    {} has no counterpart", m.from)),
                }
            }
            out.line(format!(
                "  {} accounts moved to another cluster; every movement:",
                count(c.moved as u64)
            ));
            for m in &c.movements {
                out.line(format!(
                    "    {} → {}: {} accounts",
                    m.from,
                    m.to,
                    count(m.accounts as u64)
                ));
            }
        }
        for s in d.segments.iter().filter(|s| s.kind == k.kind) {
            out.line(format!(
                "  {}: {} → {} accounts ({} entered, {} left)",
                s.segment,
                count(s.accounts_from as u64),
                count(s.accounts_to as u64),
                count(s.entered as u64),
                count(s.left as u64)
            ));
        }
    }
    if d.settings.is_empty() {
        out.line("settings: unchanged");
    } else {
        out.line("settings changed:");
        for s in &d.settings {
            out.line(format!("  {}: {} → {}", s.key, s.from, s.to));
        }
    }
    if d.inputs.is_empty() {
        out.line("inputs: unchanged");
    } else {
        out.line("inputs changed:");
        for i in &d.inputs {
            let what = match (&i.sha256_from, &i.sha256_to) {
                (None, _) => "added".to_string(),
                (_, None) => "removed".to_string(),
                (Some(a), Some(b)) => format!("sha256 {} → {}", short_hash(a), short_hash(b)),
            };
            out.line(format!("  {} {}: {what}", i.source, i.path));
        }
    }
}

fn rebuild(args: &RebuildArgs, out: &Output) -> Result<(), CliError> {
    let workspace = args.workspace.open()?;
    let rebuilt = Catalog::rebuild(&workspace)?;
    warn_unreadable(out, &rebuilt.sync);
    out.json(&serde_json::json!({
        "catalog": rebuilt.catalog.path(),
        "moved_aside": rebuilt.moved_aside,
        "was_corrupt": rebuilt.was_corrupt,
        "recorded": rebuilt.sync.recorded,
        "unreadable": rebuilt.sync.unreadable,
    }));
    if let Some(aside) = &rebuilt.moved_aside {
        let why = if rebuilt.was_corrupt {
            "the unreadable catalog"
        } else {
            "the previous catalog"
        };
        out.line(format!("moved {why} to {}", shown(aside)));
    }
    out.line(format!(
        "indexed {} runs into {}",
        rebuilt.sync.recorded.len(),
        shown(rebuilt.catalog.path())
    ));
    Ok(())
}
