//! The exports stage: each `[[exports]]` of the project written into the run's `exports/`
//! folder, as `cible export` would write it (consent-aware contact lists, CRM layouts).

use cible_core::exports::ExportConfig;
use cible_store::StagedRun;
use clap::ValueEnum;
use serde::Serialize;

use crate::commands::export::{ExportSource, Layout, Of, rule_segments};
use crate::error::CliError;
use crate::output::{Output, count};

/// What one export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ExportSummary {
    /// The file, relative to the run folder.
    pub file: String,
    /// The segment.
    pub segment: String,
    /// `accounts` or `contacts`.
    pub of: String,
    /// The format.
    pub format: String,
    /// Member accounts.
    pub accounts: usize,
    /// Rows written.
    pub rows: usize,
    /// Contacts left out for want of e-mail consent.
    pub excluded_without_consent: usize,
}

/// Writes every export of `exports` into the run.
pub fn exports_stage(
    run: &mut StagedRun,
    exports: &[ExportConfig],
) -> Result<Vec<ExportSummary>, CliError> {
    if exports.is_empty() {
        return Ok(Vec::new());
    }
    run.create_dir("exports")?;
    let dir = run.path("");
    let id = run.id().to_string();
    let source = ExportSource::open(&dir, &id, rule_segments(run.record()))?;
    let mut summaries = Vec::with_capacity(exports.len());
    for e in exports {
        // The project's checks admit only the values these parse.
        let parse_error = |what: &str, value: &str| {
            CliError::Usage(format!("exports: {what} {value:?} is not known"))
        };
        let of = Of::from_str(e.of(), true).map_err(|_| parse_error("of", e.of()))?;
        let layout =
            Layout::from_str(&e.format, true).map_err(|_| parse_error("format", &e.format))?;
        let export = source
            .export(&e.segment, of, layout, &e.columns)
            .map_err(|err| CliError::Usage(format!("exports: segment {:?}: {err}", e.segment)))?;
        let file = format!("exports/{}", e.file_name());
        let path = run.path(&file);
        std::fs::write(&path, &export.bytes).map_err(CliError::io(&path))?;
        run.add_output(
            &format!("export {}", e.file_name()),
            &file,
            Some(export.rows as u64),
        )?;
        summaries.push(ExportSummary {
            file,
            segment: e.segment.clone(),
            of: e.of().to_string(),
            format: e.format.clone(),
            accounts: export.accounts,
            rows: export.rows,
            excluded_without_consent: export.excluded_without_consent,
        });
    }
    Ok(summaries)
}

/// Prints one line per export.
pub fn print_exports(out: &Output, exports: &[ExportSummary]) {
    if exports.is_empty() {
        return;
    }
    out.line("");
    out.line(format!("exports: {} lists in exports/", exports.len()));
    for e in exports {
        let consent = if e.of == "contacts" {
            format!(
                " ({} without e-mail consent left out)",
                count(e.excluded_without_consent as u64)
            )
        } else {
            String::new()
        };
        out.line(format!(
            "  {}: segment {}, {} {} as {}{consent}",
            e.file,
            e.segment,
            count(e.rows as u64),
            e.of,
            e.format
        ));
    }
}
