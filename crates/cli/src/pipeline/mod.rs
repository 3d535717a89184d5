//! Running a project: every stage that exists, in order, into one atomically committed run of
//! the workspace. Today that is ingestion; later stages (clean, features, segment, profile,
//! activate) are added here as they are built.

use std::cell::RefCell;
use std::path::PathBuf;

use cible_core::project::{Project, resolve_path};
use cible_core::schema::TableKind;
use cible_data::{IngestSummary, NamedSource, Progress, RejectsWriter, ingest_table};
use cible_store::{RunRecord, Workspace};
use indicatif::ProgressBar;
use serde::Serialize;

use crate::error::CliError;
use crate::output::{Output, count, shown};

/// What a run did.
#[derive(Debug, Serialize)]
pub struct RunOutcome {
    /// The run record, as written to `run.json`.
    pub run: RunRecord,
    /// The run's folder.
    pub run_dir: PathBuf,
    /// One summary per loaded table.
    pub tables: Vec<IngestSummary>,
    /// The rejects table.
    pub rejects: PathBuf,
}

/// Runs every stage of `project` and commits the run.
pub fn run_project(project: &Project, command: &str, out: &Output) -> Result<RunOutcome, CliError> {
    let workspace = Workspace::open(&project.workspace_dir())?;
    let mut run = workspace.begin_run(command)?;
    run.set_parameters(serde_json::json!({
        "project": project.file,
        "as_of": project.as_of.to_string(),
    }));
    run.create_dir("tables")?;
    let mut rejects = RejectsWriter::create(&run.path("rejects.csv"))?;
    let started = std::time::Instant::now();
    let mut tables = Vec::new();
    for kind in TableKind::ALL {
        let sources: Vec<NamedSource> = project
            .sources
            .iter()
            .filter(|(_, spec)| spec.kind == kind)
            .map(|(name, spec)| NamedSource {
                name: name.clone(),
                spec: spec.clone(),
            })
            .collect();
        if sources.is_empty() {
            continue;
        }
        let relative = format!("tables/{kind}.parquet");
        let summary = load_with_progress(
            kind,
            &sources,
            &project.root,
            &run.path(&relative),
            &mut rejects,
            out,
        )?;
        for file in &summary.files {
            run.add_input(&file.source, &resolve_path(&project.root, &file.path))?;
        }
        run.add_output(kind.name(), &relative, Some(summary.rows_loaded))?;
        tables.push(summary);
    }
    rejects.finish()?;
    let rejected: u64 = tables
        .iter()
        .map(|t| t.rejects_by_reason.values().sum::<u64>())
        .sum();
    run.add_output("rejects", "rejects.csv", Some(rejected))?;
    run.add_stage(
        "ingest",
        started.elapsed().as_secs_f64(),
        serde_json::to_value(&tables).unwrap_or_else(|e| unreachable!("summaries serialize: {e}")),
    );
    let run_dir = workspace.run_dir(run.id());
    let rejects_path = run.final_path("rejects.csv");
    let record = run.commit()?;
    // The summaries point at the staging folder, which is gone: show the committed paths.
    for table in &mut tables {
        table.output = run_dir
            .join("tables")
            .join(format!("{}.parquet", table.table));
    }
    Ok(RunOutcome {
        run: record,
        run_dir,
        tables,
        rejects: rejects_path,
    })
}

/// Loads one table with a progress bar per file.
pub fn load_with_progress(
    kind: TableKind,
    sources: &[NamedSource],
    base: &std::path::Path,
    output: &std::path::Path,
    rejects: &mut RejectsWriter,
    out: &Output,
) -> Result<IngestSummary, CliError> {
    let bar: RefCell<Option<ProgressBar>> = RefCell::new(None);
    let progress = |p: Progress<'_>| match p {
        Progress::File { path, total } => {
            if let Some(old) = bar.borrow_mut().take() {
                old.finish_and_clear();
            }
            let name = path.strip_prefix(base).unwrap_or(path);
            let message = format!("{kind} ← {}", shown(name));
            *bar.borrow_mut() = Some(if path.extension().is_some_and(|e| e == "parquet") {
                out.count_bar(total, message)
            } else {
                out.bytes_bar(total, message)
            });
        }
        Progress::Advance(done) => {
            if let Some(b) = bar.borrow().as_ref() {
                b.set_position(done);
            }
        }
    };
    let result = ingest_table(kind, sources, base, output, rejects, &progress);
    if let Some(b) = bar.borrow_mut().take() {
        b.finish_and_clear();
    }
    Ok(result?)
}

/// Prints what loading a table did, for people.
pub fn print_ingest(out: &Output, summary: &IngestSummary, rejects: &std::path::Path) {
    let rate = summary.rows_read as f64 / summary.seconds.max(1e-9);
    out.line(format!(
        "{}: {} rows read from {} file{} in {:.2} s ({} rows/s)",
        summary.table,
        count(summary.rows_read),
        summary.files.len(),
        if summary.files.len() == 1 { "" } else { "s" },
        summary.seconds,
        count(rate as u64),
    ));
    out.line(format!("  loaded    {:>12}", count(summary.rows_loaded)));
    if summary.rows_rejected == 0 {
        out.line(format!("  rejected  {:>12}", 0));
    } else {
        out.line(format!(
            "  rejected  {:>12}   see {}",
            count(summary.rows_rejected),
            shown(rejects)
        ));
        for (reason, n) in &summary.rejects_by_reason {
            out.line(format!("    {:>10}  {reason}", count(*n)));
        }
    }
    for file in &summary.files {
        let mut how = vec![file.format.clone()];
        how.extend(file.detected.encoding.clone());
        how.extend(file.detected.delimiter.as_ref().map(|d| format!("'{d}'")));
        out.line(format!(
            "  file      {}  ({}; {} rows, {} loaded)",
            shown(&file.path),
            how.join(", "),
            count(file.rows_read),
            count(file.rows_loaded)
        ));
        let mapped: Vec<String> = file
            .mapping
            .iter()
            .filter(|(canonical, source)| canonical != source)
            .map(|(canonical, source)| format!("{canonical} ← {source}"))
            .collect();
        if !mapped.is_empty() {
            out.line(format!("  mapping   {}", mapped.join(", ")));
        }
        if !file.unmapped.is_empty() {
            out.line(format!("  ignored   {}", file.unmapped.join(", ")));
        }
    }
}
