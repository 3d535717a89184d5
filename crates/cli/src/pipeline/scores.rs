//! The scores stage of a run: for each `[[scores]]`, a point-in-time training set
//! (`scores/<name>/training.parquet`), a model trained on it as `cible score train` does
//! (`model.json`, `metrics.json` and the charts' data in `scores/<name>/`), and the
//! population scored as of as_of (`scores/<name>/scores.csv`:
//! `account_id,score,predicted,top_reasons`). The scores become the profile's
//! `<name>_score` columns.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use cible_core::project::{Encoding, ProjectFile};
use cible_core::scores::ScoreConfig;
use cible_data::TextTable;
use cible_features::{CustomFeatures, FeatureTable, Inputs};
use cible_ml::supervised::ModelKind;
use cible_segments::training::{SNAPSHOT_COLUMN, TARGET_COLUMN, one_batch};
use cible_segments::{Snapshot, population, training_set, write_profile};
use cible_store::{StagedRun, write_atomic};
use serde::Serialize;

use crate::commands::score::{
    ClassWeightArg, Missing, ModelChoice, ModelFile, TrainArgs, csv_field, score_table, train,
};
use crate::commands::{FormatArg, InputArgs};
use crate::error::CliError;
use crate::output::{Format, Output, count};

/// Score name → account_id → score.
pub type AccountScores = Vec<(String, HashMap<String, f64>)>;

/// What one score did.
#[derive(Debug, Serialize)]
pub struct ScoreSummary {
    /// The score's name; the profile column is `<name>_score`.
    pub name: String,
    /// The training snapshots, oldest first.
    pub snapshots: Vec<Snapshot>,
    /// Training rows (accounts × snapshots).
    pub rows: usize,
    /// Those whose outcome happened.
    pub positives: usize,
    /// `stratified` or `time`.
    pub split: &'static str,
    /// The chosen model family.
    pub model: ModelKind,
    /// On the test rows.
    pub test_auc: f64,
    /// On the test rows.
    pub average_precision: f64,
    /// Accounts scored at least this are predicted positive.
    pub threshold: f64,
    /// Accounts of the population scored as of as_of.
    pub scored: usize,
    /// Those predicted positive.
    pub predicted_positive: usize,
    /// The score's folder in the run.
    pub folder: PathBuf,
    /// Seconds spent.
    pub seconds: f64,
}

/// The fewest training rows of each class that a score is trained on: enough for the
/// stratified split to keep both classes in its test rows and in each of the 5 folds.
const MIN_CLASS_ROWS: usize = 10;

/// The input settings of a table the run wrote.
fn input() -> InputArgs {
    InputArgs {
        input_format: None,
        encoding: Encoding::Auto,
    }
}

/// Trains and applies every score of `project`; returns the summaries and the scores.
pub fn scores_stage(
    run: &mut StagedRun,
    project: &ProjectFile,
    inputs: &Inputs,
    custom: &CustomFeatures,
    as_of: NaiveDate,
    features: &FeatureTable,
    out: &Output,
) -> Result<(Vec<ScoreSummary>, AccountScores), CliError> {
    let mut summaries = Vec::new();
    let mut scores = Vec::new();
    if project.scores.is_empty() {
        return Ok((summaries, scores));
    }
    let started = std::time::Instant::now();
    let features_path = run.path(super::features::FEATURES_TABLE);
    let batch = one_batch(features)?;
    let current = input().read(&features_path)?;
    for score in &project.scores {
        let members = population(&batch, score)?;
        let (summary, by_account) =
            one_score(run, score, inputs, custom, as_of, &members, &current, out)?;
        summaries.extend(summary);
        scores.push((score.name.clone(), by_account));
    }
    run.add_stage(
        "scores",
        started.elapsed().as_secs_f64(),
        serde_json::to_value(&summaries)
            .unwrap_or_else(|e| unreachable!("summaries serialize: {e}")),
    );
    Ok((summaries, scores))
}

#[allow(clippy::too_many_arguments)]
fn one_score(
    run: &mut StagedRun,
    score: &ScoreConfig,
    inputs: &Inputs,
    custom: &CustomFeatures,
    as_of: NaiveDate,
    members: &[usize],
    current: &TextTable,
    out: &Output,
) -> Result<(Option<ScoreSummary>, HashMap<String, f64>), CliError> {
    let started = std::time::Instant::now();
    let name = &score.name;
    let folder = format!("scores/{name}");
    run.create_dir(&folder)?;
    let spinner = out.spinner(format!(
        "score {name}: features and outcomes at {} snapshots",
        score.snapshots
    ));
    let set = training_set(inputs, custom, score, as_of)?;
    spinner.finish_and_clear();
    let rows = set.batch.num_rows();
    let positives: usize = set.snapshots.iter().map(|s| s.positives).sum();
    if positives == 0 || positives == rows {
        let per_snapshot: Vec<String> = set
            .snapshots
            .iter()
            .map(|s| {
                format!(
                    "{} to {}: {} accounts, {} positive",
                    s.date, s.window_end, s.accounts, s.positives
                )
            })
            .collect();
        return Err(CliError::Usage(format!(
            "score \"{name}\": the outcome is {} for all {rows} training rows, and a model needs \
             both classes; snapshots: {}. Check its target, population, horizon and \
             train_as_of",
            positives > 0,
            if per_snapshot.is_empty() {
                "none".to_string()
            } else {
                per_snapshot.join("; ")
            }
        )));
    }
    let training = format!("{folder}/training.parquet");
    write_profile(&run.path(&training), &set.batch)?;
    run.add_output(&format!("{name}_training"), &training, Some(rows as u64))?;

    let rarer = positives.min(rows - positives);
    if rarer < MIN_CLASS_ROWS {
        out.warn(format!(
            "score \"{name}\": only {rarer} training rows of the rarer class ({positives} positive \
             of {rows}); at least {MIN_CLASS_ROWS} of each are needed to train and test a model, \
             so {name}_score is left empty (add snapshots, widen the population or the horizon)"
        ));
        return Ok((None, HashMap::new()));
    }

    let by_time = score.snapshots > 1;
    let mut exclude = vec!["account_id".to_string()];
    if !by_time {
        exclude.push(SNAPSHOT_COLUMN.into());
    }
    exclude.extend(score.exclude.iter().cloned());
    let setting = |key: &str, e: String| CliError::Usage(format!("score \"{name}\": {key}: {e}"));
    let args = TrainArgs {
        file: run.path(&training),
        target: TARGET_COLUMN.into(),
        model: score
            .model
            .parse::<ModelChoice>()
            .map_err(|e| setting("model", e.to_string()))?,
        time_column: by_time.then(|| SNAPSHOT_COLUMN.to_string()),
        columns: Vec::new(),
        exclude,
        missing: match score.missing.as_str() {
            "mean" => Missing::Mean,
            "error" => Missing::Error,
            _ => Missing::Median,
        },
        class_weight: if score.class_weight == "none" {
            ClassWeightArg::None
        } else {
            ClassWeightArg::Balanced
        },
        threshold: score
            .threshold
            .parse()
            .map_err(|e: cible_ml::Error| setting("threshold", e.to_string()))?,
        folds: 5,
        validation: 0.15,
        test: 0.15,
        labels: None,
        key: None,
        seed: score.seed,
        out: run.path(&folder),
        input: input(),
        format: FormatArg {
            format: Format::Text,
        },
    };
    let metrics = train(&args, out).map_err(|e| match e {
        CliError::Io { .. } => e,
        other => CliError::Usage(format!("score \"{name}\": {other}")),
    })?;
    for file in [
        "model.json",
        "metrics.json",
        "roc.csv",
        "pr.csv",
        "calibration.csv",
        "gains.csv",
        "importance.csv",
    ] {
        let stem = file.split('.').next().unwrap_or(file);
        run.add_output(&format!("{name}_{stem}"), &format!("{folder}/{file}"), None)?;
    }

    // The population as of as_of, scored.
    let model = ModelFile::read(&run.path(&folder))?;
    let table = TextTable {
        columns: current.columns.clone(),
        values: current
            .values
            .iter()
            .map(|column| members.iter().map(|&r| column[r].clone()).collect())
            .collect(),
        lines: members.iter().map(|&r| current.lines[r]).collect(),
    };
    let features_path = run.path(super::features::FEATURES_TABLE);
    let id_column = table.column_index(&features_path, "account_id")?;
    let scored = if table.is_empty() {
        Default::default()
    } else {
        score_table(&model, &features_path, &table, 3)?
    };
    let threshold = model.threshold.threshold;
    let mut text = String::from("account_id,score,predicted,top_reasons\n");
    let mut by_account = HashMap::with_capacity(table.len());
    for r in 0..table.len() {
        let id = table.values[id_column][r].clone().unwrap_or_default();
        let s = scored.scores[r];
        text.push_str(&format!(
            "{},{s},{},{}\n",
            csv_field(&id),
            s >= threshold,
            csv_field(&scored.reasons[r])
        ));
        by_account.insert(id, s);
    }
    let scores_file = format!("{folder}/scores.csv");
    write_atomic(&run.path(&scores_file), text.as_bytes())?;
    run.add_output(
        &format!("{name}_scores"),
        &scores_file,
        Some(table.len() as u64),
    )?;
    let summary = ScoreSummary {
        name: name.clone(),
        snapshots: set.snapshots,
        rows,
        positives,
        split: if by_time { "time" } else { "stratified" },
        model: metrics.model,
        test_auc: metrics.test.auc,
        average_precision: metrics.test.average_precision,
        threshold,
        scored: table.len(),
        predicted_positive: scored.scores.iter().filter(|&&s| s >= threshold).count(),
        folder: run.final_path(&folder),
        seconds: started.elapsed().as_secs_f64(),
    };
    Ok((Some(summary), by_account))
}

/// Prints what the scores stage did.
pub fn print_scores(out: &Output, scores: &[ScoreSummary]) {
    if scores.is_empty() {
        return;
    }
    out.line("");
    out.line("scores:");
    for s in scores {
        let dates: Vec<String> = s.snapshots.iter().map(|d| d.date.to_string()).collect();
        out.line(format!(
            "  {}: {} snapshot{} ({}), {} rows, {} positive ({:.1} %), {} split",
            s.name,
            s.snapshots.len(),
            if s.snapshots.len() == 1 { "" } else { "s" },
            dates.join(", "),
            count(s.rows as u64),
            count(s.positives as u64),
            100.0 * s.positives as f64 / s.rows.max(1) as f64,
            s.split
        ));
        out.line(format!(
            "    model {}: test AUC {:.3}, average precision {:.3}, threshold {:.3}",
            s.model, s.test_auc, s.average_precision, s.threshold
        ));
        out.line(format!(
            "    {} accounts scored, {} at or above the threshold ({:.2} s); profile column \
             {}_score",
            count(s.scored as u64),
            count(s.predicted_positive as u64),
            s.seconds,
            s.name
        ));
    }
}
