//! The checks stage of a run: the business rules and outlier detectors of `[clean]` on each
//! loaded table, right after it is loaded and before deduplication. Every finding is written
//! to `checks.csv` (the value as it was, so capping or clearing loses nothing); rows a check
//! rejects go to the rejects table with the check's reason.

use std::path::{Path, PathBuf};

use cible_core::clean::for_table;
use cible_core::project::ProjectFile;
use cible_core::schema::TableKind;
use cible_data::{IngestSummary, Reject, RejectReason, RejectsWriter};
use cible_features::{CheckSummary, Finding, check_table};

use crate::error::CliError;
use crate::output::{Output, count};

/// The findings' file in the run.
pub const CHECKS_TABLE: &str = "checks.csv";

/// Writes `checks.csv`: `table,id,file,line,check,column,value,action,detail`.
pub struct FindingsWriter {
    path: PathBuf,
    out: csv::Writer<std::fs::File>,
}

impl FindingsWriter {
    /// Creates the file with its header.
    pub fn create(path: &Path) -> Result<Self, CliError> {
        let mut out = csv::Writer::from_path(path).map_err(csv_error(path))?;
        out.write_record([
            "table", "id", "file", "line", "check", "column", "value", "action", "detail",
        ])
        .map_err(csv_error(path))?;
        Ok(Self {
            path: path.to_path_buf(),
            out,
        })
    }

    fn write(&mut self, table: TableKind, findings: &[Finding]) -> Result<(), CliError> {
        for f in findings {
            let line = f.line.to_string();
            self.out
                .write_record([
                    table.name(),
                    &f.id,
                    &f.file,
                    &line,
                    &f.check,
                    &f.column,
                    &f.value,
                    f.action,
                    &f.detail,
                ])
                .map_err(csv_error(&self.path))?;
        }
        Ok(())
    }

    /// Flushes the file.
    pub fn finish(mut self) -> Result<(), CliError> {
        self.out.flush().map_err(CliError::io(&self.path))
    }
}

fn csv_error(path: &Path) -> impl Fn(csv::Error) -> CliError + '_ {
    move |e| CliError::Io {
        path: path.display().to_string(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// Runs the checks of `project` that apply to table `kind` on its loaded Parquet file
/// `table` (rewritten in place); `None` when there are none.
pub fn check_loaded(
    project: &ProjectFile,
    kind: TableKind,
    table: &Path,
    loaded: &IngestSummary,
    findings_out: &mut FindingsWriter,
    rejects: &mut RejectsWriter,
    out: &Output,
) -> Result<Option<CheckSummary>, CliError> {
    let rules = for_table(&project.clean.rules, kind);
    let outliers = for_table(&project.clean.outliers, kind);
    if rules.is_empty() && outliers.is_empty() {
        return Ok(None);
    }
    let spinner = out.spinner(format!("checks of {kind}"));
    let (summary, findings) = check_table(table, kind, &rules, &outliers)?;
    spinner.finish_and_clear();
    findings_out.write(kind, &findings)?;
    let rejected: Vec<Reject> = findings
        .iter()
        .filter(|f| f.rejected())
        .map(|f| Reject {
            file: PathBuf::from(&f.file),
            line: f.line,
            column: source_column(loaded, &f.file, &f.column),
            value: f.value.clone(),
            reason: if f.column.is_empty() {
                RejectReason::BrokenRule {
                    detail: f.detail.clone(),
                }
            } else {
                RejectReason::Outlier {
                    detail: f.detail.clone(),
                }
            },
        })
        .collect();
    rejects.write(&rejected)?;
    Ok(Some(summary))
}

/// The name `file` gives the canonical `column` (itself when unmapped or empty).
fn source_column(loaded: &IngestSummary, file: &str, column: &str) -> String {
    loaded
        .files
        .iter()
        .find(|f| f.path.display().to_string() == file)
        .and_then(|f| f.mapping.iter().find(|(canonical, _)| *canonical == column))
        .map_or_else(|| column.to_string(), |(_, source)| source.clone())
}

/// Prints what the checks found, for people: one line per rule and detector.
pub fn print_checks(out: &Output, checks: &[CheckSummary], path: &Path) {
    if checks.is_empty() {
        return;
    }
    out.line(format!("checks: {}", crate::output::shown(path)));
    for c in checks {
        for r in &c.rules {
            out.line(format!(
                "  {:<9} rule {:<24} {:>9} rows  {:<6}  {}",
                c.table,
                r.name,
                count(r.rows),
                r.action.as_str(),
                r.check
            ));
        }
        for o in &c.outliers {
            let fences = o.fences.map_or_else(String::new, |f| {
                format!(
                    "  ordinary {} to {}{}",
                    short(f.lower),
                    short(f.upper),
                    if o.groups > 0 {
                        format!(
                            ", {} groups by {} of their own",
                            o.groups,
                            o.by.as_deref().unwrap_or("")
                        )
                    } else {
                        String::new()
                    }
                )
            });
            out.line(format!(
                "  {:<9} outliers of {:<18} {:>9} of {} values  {:<6}  {}{}{fences}",
                c.table,
                o.column,
                count(o.outliers),
                count(o.values),
                o.action.as_str(),
                o.method,
                if o.log { " (log)" } else { "" },
            ));
        }
    }
}

/// A number with four significant digits at most, for people.
fn short(x: f64) -> String {
    if x.abs() >= 1e4 || x == x.trunc() {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.4}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        assert_eq!(short(12_345.678), "12346");
        assert_eq!(short(3.0), "3");
        assert_eq!(short(0.12345), "0.1235");
        assert_eq!(short(-1.5), "-1.5");
    }
}
