//! Loading tables, with progress bars, and printing what loading did.

use std::cell::RefCell;

use cible_core::schema::TableKind;
use cible_data::{IngestSummary, NamedSource, Progress, RejectsWriter, ingest_table};
use indicatif::ProgressBar;

use crate::error::CliError;
use crate::output::{Output, count, shown, wrap};

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
        for (label, items) in [("mapping", &mapped), ("ignored", &file.unmapped)] {
            for (i, line) in wrap(items, 86).into_iter().enumerate() {
                out.line(format!("  {:<9} {line}", if i == 0 { label } else { "" }));
            }
        }
    }
}
