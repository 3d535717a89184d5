//! Running a project: every stage that exists, in order, into one atomically committed run of
//! the workspace: ingestion with the business rules and outlier checks of `[clean]`,
//! deduplication of accounts and contacts with a golden record per entity, missing-value
//! imputation, the data-quality report, features per account, segmentation of the accounts,
//! tags, the account profile and rule segments, the profiles of every segment, and the HTML
//! report; later stages (activate) are added here as they are built. The stages live here, in the binary,
//! until a second user (the server)
//! needs them as a library.

mod checks;
mod dedup;
mod exports;
mod features;
mod golden;
mod impute;
mod ingest;
mod profile;
mod quality;
mod report;
mod rules;
mod scores;
mod segment;

use std::path::PathBuf;

use cible_clean::normalize::Country;
use cible_core::clean::for_table;
use cible_core::project::{Project, resolve_path};
use cible_core::schema::TableKind;
use cible_data::{IngestSummary, NamedSource, RejectsWriter};
use cible_features::{CheckSummary, CustomFeatures, FeatureSummary};
use cible_store::{RunRecord, Workspace};
use serde::Serialize;

pub use checks::print_checks;
pub use dedup::{DedupSummary, print_dedup, read_pairs, write_lineage};
pub use exports::{ExportSummary, print_exports};
pub use features::print_features;
pub use impute::{ImputeSummary, print_imputation};
pub use ingest::{load_with_progress, print_ingest};
pub use profile::{ProfileStage, print_profiles};
pub use quality::{QualityReport, print_quality};
pub use report::{Previous, build as build_report};
pub use rules::{RulesOutcome, print_rules};
pub use scores::{ScoreSummary, print_scores};
pub use segment::{SegmentSummary, print_segments};

use crate::error::CliError;
use crate::output::Output;

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
    /// What the business rules and outlier detectors found, per checked table.
    pub checks: Vec<CheckSummary>,
    /// Every finding of the checks.
    pub checks_table: PathBuf,
    /// One summary per deduplicated table.
    pub dedup: Vec<DedupSummary>,
    /// One summary per imputed table.
    pub imputation: Vec<ImputeSummary>,
    /// The data-quality report.
    pub quality: QualityReport,
    /// Where it is written.
    pub quality_report: PathBuf,
    /// The feature stage, when there are accounts.
    pub features: Option<FeatureStage>,
    /// The segmentation stage, when there are features and `[segmentation]` is enabled.
    pub segments: Option<SegmentStage>,
    /// One summary per `[[scores]]`, trained and applied when there are features.
    pub scores: Vec<ScoreSummary>,
    /// Tags, the account profile and rule segments, when there are features.
    pub activation: Option<RulesOutcome>,
    /// The profiles of the clustered and rule segments.
    pub profiles: Option<ProfileStage>,
    /// The segment lists of `[[exports]]`.
    pub exports: Vec<ExportSummary>,
    /// The HTML report.
    pub report: PathBuf,
    /// Charts in the report.
    pub report_charts: usize,
}

/// What the segmentation stage did.
#[derive(Debug, Serialize)]
pub struct SegmentStage {
    /// Settings, figures and the choice of k.
    #[serde(flatten)]
    pub summary: SegmentSummary,
    /// `account_id,segment` for every account.
    pub table: PathBuf,
    /// Seconds spent.
    pub seconds: f64,
}

/// What the feature stage did.
#[derive(Debug, Serialize)]
pub struct FeatureStage {
    /// Counts.
    #[serde(flatten)]
    pub summary: FeatureSummary,
    /// The features table.
    pub table: PathBuf,
    /// Seconds spent.
    pub seconds: f64,
}

/// Runs every stage of `project` and commits the run.
pub fn run_project(project: &Project, command: &str, out: &Output) -> Result<RunOutcome, CliError> {
    let workspace = Workspace::open(&project.workspace_dir())?;
    let previous = workspace.latest()?;
    let mut run = workspace.begin_run(command)?;
    run.set_parameters(serde_json::json!({
        "project": project.file,
        "as_of": project.as_of.to_string(),
    }));
    run.create_dir("tables")?;
    let mut rejects = RejectsWriter::create(&run.path("rejects.csv"))?;
    let mut findings = checks::FindingsWriter::create(&run.path(checks::CHECKS_TABLE))?;
    let started = std::time::Instant::now();
    let mut checking = 0.0;
    let mut tables = Vec::new();
    let mut checked = Vec::new();
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
        let check_started = std::time::Instant::now();
        let check = checks::check_loaded(
            &project.file,
            kind,
            &run.path(&relative),
            &summary,
            &mut findings,
            &mut rejects,
            out,
        )?;
        checking += check_started.elapsed().as_secs_f64();
        let rows = check.as_ref().map_or(summary.rows_loaded, |c| c.rows_out);
        run.add_output(kind.name(), &relative, Some(rows))?;
        checked.extend(check);
        tables.push(summary);
    }
    findings.finish()?;
    run.add_stage(
        "ingest",
        started.elapsed().as_secs_f64() - checking,
        serde_json::to_value(&tables).unwrap_or_else(|e| unreachable!("summaries serialize: {e}")),
    );
    let findings_count: u64 = checked
        .iter()
        .map(|c| {
            c.rules.iter().map(|r| r.rows).sum::<u64>()
                + c.outliers.iter().map(|o| o.outliers).sum::<u64>()
        })
        .sum();
    run.add_output("checks", checks::CHECKS_TABLE, Some(findings_count))?;
    if !checked.is_empty() {
        run.add_stage(
            "checks",
            checking,
            serde_json::to_value(&checked)
                .unwrap_or_else(|e| unreachable!("summaries serialize: {e}")),
        );
    }
    let mut deduplicated = Vec::new();
    let dedup_settings = &project.file.clean.dedup;
    if dedup_settings.enabled {
        let started = std::time::Instant::now();
        let country: Country = project
            .file
            .clean
            .default_country
            .parse()
            .map_err(|e| CliError::Usage(format!("clean.default_country: {e}")))?;
        run.create_dir("entities")?;
        let mut account_entities = None;
        let survivorship = golden::SurvivorshipRules {
            rule: dedup_settings.survivorship,
            source_priority: dedup_settings.source_priority.clone(),
        };
        for kind in [TableKind::Accounts, TableKind::Contacts] {
            if !tables.iter().any(|t| t.table == kind.name()) {
                continue;
            }
            let entities = format!("entities/{kind}.csv");
            let pairs = format!("entities/{kind}_pairs.csv");
            let (summary, entity_of) = dedup::dedup_table(
                kind,
                &run.path(&format!("tables/{kind}.parquet")),
                &dedup::Context {
                    threshold: dedup_settings.threshold,
                    country,
                    survivorship: &survivorship,
                    account_entities: account_entities.as_ref(),
                },
                &run.path(&entities),
                out,
            )?;
            if kind == TableKind::Accounts {
                account_entities = Some(entity_of);
            }
            run.add_output(
                &format!("{kind}_entities"),
                &entities,
                Some(summary.records as u64),
            )?;
            run.add_output(&format!("{kind}_pairs"), &pairs, Some(summary.pairs as u64))?;
            run.add_output(
                &format!("{kind}_golden"),
                &format!("entities/{kind}_golden.csv"),
                Some(summary.entities as u64),
            )?;
            deduplicated.push(summary);
        }
        run.add_stage(
            "dedup",
            started.elapsed().as_secs_f64(),
            serde_json::to_value(&deduplicated)
                .unwrap_or_else(|e| unreachable!("summaries serialize: {e}")),
        );
    }
    let mut imputation: Vec<ImputeSummary> = Vec::new();
    if !project.file.clean.impute.is_empty() {
        let started = std::time::Instant::now();
        run.create_dir("clean")?;
        for kind in TableKind::ALL {
            let strategies = for_table(&project.file.clean.impute, kind);
            if strategies.is_empty() || !tables.iter().any(|t| t.table == kind.name()) {
                continue;
            }
            let summary = impute::impute_table(
                kind,
                &run,
                &features::imputed_from(kind, dedup_settings.enabled),
                &strategies,
                &mut rejects,
                out,
            )?;
            run.add_output(
                &format!("{kind}_imputed"),
                &summary.output,
                Some(summary.rows_out),
            )?;
            imputation.push(summary);
        }
        run.add_stage(
            "impute",
            started.elapsed().as_secs_f64(),
            serde_json::to_value(&imputation)
                .unwrap_or_else(|e| unreachable!("summaries serialize: {e}")),
        );
    }
    let rejected = rejects.written();
    rejects.finish()?;
    run.add_output("rejects", "rejects.csv", Some(rejected))?;
    let started = std::time::Instant::now();
    let mut quality_tables = Vec::with_capacity(tables.len());
    for table in &tables {
        let deduplicated = deduplicated.iter().find(|d| d.table == table.table);
        let golden = run.path(&format!("entities/{}_golden.csv", table.table));
        quality_tables.push(quality::table_quality(
            table,
            &run.path(&format!("tables/{}.parquet", table.table)),
            deduplicated.map(|d| (golden.as_path(), d)),
            checked.iter().find(|c| c.table == table.table),
            imputation.iter().find(|m| m.table == table.table),
        )?);
    }
    let quality = QualityReport {
        tables: quality_tables,
    };
    let report = run.path(quality::QUALITY_REPORT);
    let json = serde_json::to_vec_pretty(&quality)
        .unwrap_or_else(|e| unreachable!("the report serializes: {e}"));
    std::fs::write(&report, json).map_err(CliError::io(&report))?;
    run.add_output("quality", quality::QUALITY_REPORT, None)?;
    run.add_stage(
        "quality",
        started.elapsed().as_secs_f64(),
        serde_json::json!({ "report": quality::QUALITY_REPORT }),
    );
    let mut features = None;
    let mut segments = None;
    let mut activation = None;
    let mut profiles = None;
    let mut score_summaries = Vec::new();
    let previous_dir = previous.as_ref().map(|p| workspace.run_dir(&p.id));
    let previous = previous
        .as_ref()
        .zip(previous_dir.as_deref())
        .map(|(record, dir)| report::Previous { record, dir });
    let mut report_charts = None;
    let mut export_summaries = Vec::new();
    if tables.iter().any(|t| t.table == TableKind::Accounts.name()) {
        let started = std::time::Instant::now();
        let custom = CustomFeatures::new(&project.file.features.custom)?;
        let inputs = features::sql_inputs(&run, dedup_settings.enabled);
        let table = features::features_stage(&mut run, &inputs, project.as_of, &custom, out)?;
        let seconds = started.elapsed().as_secs_f64();
        run.add_stage(
            "features",
            seconds,
            serde_json::to_value(&table.summary)
                .unwrap_or_else(|e| unreachable!("summaries serialize: {e}")),
        );
        let settings = &project.file.segmentation;
        if settings.enabled && table.num_rows() > 0 {
            let started = std::time::Instant::now();
            let summary = segment::segment_stage(&mut run, &table, settings, out)?;
            let seconds = started.elapsed().as_secs_f64();
            run.add_stage(
                "segment",
                seconds,
                serde_json::to_value(&summary)
                    .unwrap_or_else(|e| unreachable!("summaries serialize: {e}")),
            );
            segments = Some(SegmentStage {
                summary,
                table: run.final_path(segment::SEGMENTS_TABLE),
                seconds,
            });
        }
        let (summaries, account_scores) = scores::scores_stage(
            &mut run,
            &project.file,
            &inputs,
            &custom,
            project.as_of,
            &table,
            out,
        )?;
        score_summaries = summaries;
        let rules = rules::rules_stage(
            &mut run,
            &project.file,
            &inputs,
            project.as_of,
            &table,
            &account_scores,
            out,
        )?;
        let mut profiled = if segments.is_some() {
            profile::clustered_segments(&run, &table)?
        } else {
            Vec::new()
        };
        profiled.extend(rules.segments.iter().map(|s| profile::SegmentInput {
            name: s.name.clone(),
            kind: "rule",
            members: s.members.clone(),
        }));
        if !profiled.is_empty() {
            profiles = Some(profile::profile_stage(
                &mut run,
                &table,
                &profiled,
                project.file.segmentation.seed,
                out,
            )?);
        }
        activation = Some(rules);
        let started = std::time::Instant::now();
        export_summaries = exports::exports_stage(&mut run, &project.file.exports)?;
        if !export_summaries.is_empty() {
            run.add_stage(
                "exports",
                started.elapsed().as_secs_f64(),
                serde_json::to_value(&export_summaries)
                    .unwrap_or_else(|e| unreachable!("summaries serialize: {e}")),
            );
        }
        report_charts = Some(report::report_stage(&mut run, Some(&table), previous)?);
        features = Some(FeatureStage {
            summary: table.summary,
            table: run.final_path(features::FEATURES_TABLE),
            seconds,
        });
    }
    let report_charts = match report_charts {
        Some(charts) => charts,
        None => report::report_stage(&mut run, None, previous)?,
    };
    let run_dir = workspace.run_dir(run.id());
    let rejects_path = run.final_path("rejects.csv");
    let checks_table = run.final_path(checks::CHECKS_TABLE);
    let quality_report = run.final_path(quality::QUALITY_REPORT);
    let record = run.commit()?;
    crate::commands::runs::record_runs(&workspace, out);
    // The summaries point at the staging folder, which is gone: show the committed paths.
    for table in &mut tables {
        table.output = run_dir
            .join("tables")
            .join(format!("{}.parquet", table.table));
    }
    Ok(RunOutcome {
        run: record,
        tables,
        rejects: rejects_path,
        checks: checked,
        checks_table,
        dedup: deduplicated,
        imputation,
        quality,
        quality_report,
        features,
        segments,
        scores: score_summaries,
        activation,
        profiles,
        exports: export_summaries,
        report: run_dir.join(report::REPORT),
        report_charts,
        run_dir,
    })
}
