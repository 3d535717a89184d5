//! `cible score train`: split, search, fit, choose the threshold, measure on the untouched
//! test rows, explain, and save.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Instant;

use cible_core::project::Encoding;
use cible_data::TextTable;
use cible_ml::metrics::{
    CalibrationBin, ChosenThreshold, Confusion, GainsBand, ThresholdRule, average_precision_score,
    brier_score, calibration_curve, gains_table, log_loss, precision_recall_curve, roc_auc_score,
    roc_curve,
};
use cible_ml::supervised::{
    ClassWeight, Classifier, Model, ModelKind, ModelParams, SplitParams, permutation_importance,
    search, stratified_folds, time_folds,
};
use cible_ml::{ColumnSpec, HandleUnknown, NumericParams, OneHotParams, Preprocessor};
use cible_store::{StagingDir, hash_file};
use clap::Args;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::schema::{self, FeatureColumn, Missing, Schema, Skipped};
use super::{FORMAT, FORMAT_VERSION, ModelFile};
use crate::commands::{FormatArg, InputArgs};
use crate::error::CliError;
use crate::output::{Output, count, shown};

/// Which model families to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelChoice {
    /// Every family; the best cross-validated AUC wins.
    Auto,
    /// One family.
    Only(ModelKind),
}

impl FromStr for ModelChoice {
    type Err = cible_ml::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().eq_ignore_ascii_case("auto") {
            Ok(ModelChoice::Auto)
        } else {
            s.parse().map(ModelChoice::Only)
        }
    }
}

impl fmt::Display for ModelChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelChoice::Auto => f.write_str("auto"),
            ModelChoice::Only(kind) => kind.fmt(f),
        }
    }
}

/// Class weights on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClassWeightArg {
    /// Every row weighs 1.
    None,
    /// Both classes weigh the same in total (for rare targets).
    Balanced,
}

/// Trains a model that scores how likely each row's target is true.
///
/// The rows are split into train, validation and test sets (70/15/15, stratified; with
/// --time-column, in time order so that no training row is later than a test row). Every
/// candidate model (the family's small grid, or every family with --model auto) is
/// cross-validated on the training rows alone (--folds, stratified or time-ordered), the best
/// mean AUC wins and is fitted on the training rows, the decision threshold is chosen on the
/// validation rows (--threshold), and the final figures come from the test rows, which
/// nothing before has seen.
///
/// Features are every other column with a value (--columns to choose, --exclude to leave some
/// out): numbers are z-scored, other columns one-hot encoded (a column that looks like an
/// identifier is left out and reported). A missing number is an error unless --missing says
/// how to fill it.
///
/// Writes OUT/model.json (the model, its feature schema and threshold, versioned),
/// OUT/metrics.json (split, search, test AUC, average precision, log-loss, Brier score,
/// precision/recall/F1 and the confusion matrix at the threshold, gains by decile,
/// calibration, importances) and the charts' data: roc.csv, pr.csv, calibration.csv,
/// gains.csv, importance.csv.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cible score train accounts.csv --target converted --out models/conversion
  cible score train accounts.csv --target churned --model gbm --class-weight balanced --out models/churn
  cible score train leads.csv --target won --time-column created_at --exclude lead_id,owner --out models/leads
  cible score predict models/conversion new_accounts.csv --out scored.csv")]
pub struct TrainArgs {
    /// The training table: CSV, Parquet or NDJSON.
    pub(crate) file: PathBuf,
    /// The yes/no column to predict (true/false, 1/0, yes/no, oui/non).
    #[arg(long)]
    pub(crate) target: String,
    /// Model family: logistic, tree, forest, gbm, or auto to try every family.
    #[arg(long, default_value = "auto")]
    pub(crate) model: ModelChoice,
    /// A date (or number) column: split and cross-validate in time order.
    #[arg(long)]
    pub(crate) time_column: Option<String>,
    /// Feature columns, comma-separated [default: every other column with a value].
    #[arg(long, value_delimiter = ',')]
    pub(crate) columns: Vec<String>,
    /// Columns to leave out of the features, comma-separated (identifiers, leaky columns).
    #[arg(long, value_delimiter = ',')]
    pub(crate) exclude: Vec<String>,
    /// A missing number in a feature: error, mean or median (of the training rows).
    #[arg(long, value_enum, default_value = "error")]
    pub(crate) missing: Missing,
    /// Class weights: none, or balanced for rare targets.
    #[arg(long, value_enum, default_value = "none")]
    pub(crate) class_weight: ClassWeightArg,
    /// How to choose the decision threshold on the validation rows: youden, precision:P,
    /// recall:R, cost:FP:FN (the cost of a false positive and of a missed positive) or
    /// fixed:T.
    #[arg(long, default_value = "youden")]
    pub(crate) threshold: ThresholdRule,
    /// Cross-validation folds on the training rows.
    #[arg(long, default_value_t = 5)]
    pub(crate) folds: usize,
    /// Share of the rows for validation.
    #[arg(long, default_value_t = 0.15)]
    pub(crate) validation: f64,
    /// Share of the rows for the final test.
    #[arg(long, default_value_t = 0.15)]
    pub(crate) test: f64,
    /// A separate table holding the target (outcomes from the CRM, say), joined on --key;
    /// rows of FILE without a label are left out and counted.
    #[arg(long, requires = "key")]
    pub(crate) labels: Option<PathBuf>,
    /// The column FILE and --labels share, one label per key.
    #[arg(long, requires = "labels")]
    pub(crate) key: Option<String>,
    /// Random seed (split, folds, models).
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: PathBuf,
    #[command(flatten)]
    pub(crate) input: InputArgs,
    #[command(flatten)]
    pub(crate) format: FormatArg,
}

/// Rows and positives of one set, with its time range when split by time.
#[derive(Debug, Serialize)]
struct SetSummary {
    rows: usize,
    positives: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_time: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_time: Option<f64>,
}

#[derive(Debug, Serialize)]
struct SplitSummary {
    /// `stratified` or `time`.
    method: &'static str,
    train: SetSummary,
    validation: SetSummary,
    test: SetSummary,
}

#[derive(Debug, Serialize)]
struct CandidateSummary {
    params: ModelParams,
    mean_auc: f64,
    sd_auc: f64,
    fold_auc: Vec<f64>,
}

/// The figures of one set of rows.
#[derive(Debug, Serialize)]
pub(crate) struct SetMetrics {
    pub(crate) auc: f64,
    pub(crate) average_precision: f64,
    log_loss: f64,
    brier: f64,
    /// At the chosen threshold.
    precision: f64,
    recall: f64,
    f1: f64,
    accuracy: f64,
    confusion: Confusion,
}

impl SetMetrics {
    fn new(y: &[bool], p: &[f64], threshold: f64) -> Result<SetMetrics, CliError> {
        let confusion = Confusion::at(y, p, threshold)?;
        Ok(SetMetrics {
            auc: roc_auc_score(y, p)?,
            average_precision: average_precision_score(y, p)?,
            log_loss: log_loss(y, p)?,
            brier: brier_score(y, p)?,
            precision: confusion.precision(),
            recall: confusion.recall(),
            f1: confusion.f1(),
            accuracy: confusion.accuracy(),
            confusion,
        })
    }
}

/// One input column's importance.
#[derive(Debug, Serialize)]
struct ColumnImportance {
    column: String,
    /// AUC lost on the test rows when the column is shuffled (mean over 5 shuffles).
    permutation: f64,
    permutation_sd: f64,
    /// The model's own importance (absolute coefficients, impurity), summed over the
    /// column's encoded columns.
    built_in: f64,
}

/// A logistic model's coefficient on one encoded column.
#[derive(Debug, Serialize)]
struct Coefficient {
    feature: String,
    coefficient: f64,
    /// Per standard deviation of a numeric column; against the other categories for one-hot.
    odds_ratio: f64,
}

/// What `cible score train` measured.
#[derive(Debug, Serialize)]
pub(crate) struct Metrics {
    file: PathBuf,
    target: String,
    pub(crate) rows: usize,
    pub(crate) positives: usize,
    /// Rows of the table left out for want of a label in --labels.
    unlabelled_rows: usize,
    features: Vec<String>,
    encoded_features: usize,
    skipped_columns: Vec<Skipped>,
    filled_values: usize,
    split: SplitSummary,
    folds: usize,
    candidates: Vec<CandidateSummary>,
    pub(crate) model: ModelKind,
    model_id: String,
    pub(crate) threshold: ChosenThreshold,
    train: SetMetrics,
    validation: Option<SetMetrics>,
    pub(crate) test: SetMetrics,
    gains: Vec<GainsBand>,
    calibration: Vec<CalibrationBin>,
    importance: Vec<ColumnImportance>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    coefficients: Vec<Coefficient>,
    seconds: f64,
}

/// The rows' targets.
fn pick<T: Copy>(values: &[T], rows: &[usize]) -> Vec<T> {
    rows.iter().map(|&i| values[i]).collect()
}

fn summary(y: &[bool], times: Option<&[f64]>, rows: &[usize]) -> SetSummary {
    let range = |f: fn(f64, f64) -> f64, start: f64| {
        times.map(|t| rows.iter().map(|&i| t[i]).fold(start, f))
    };
    SetSummary {
        rows: rows.len(),
        positives: rows.iter().filter(|&&i| y[i]).count(),
        first_time: range(f64::min, f64::INFINITY).filter(|v| v.is_finite()),
        last_time: range(f64::max, f64::NEG_INFINITY).filter(|v| v.is_finite()),
    }
}

/// `table` restricted to the rows whose `key` has a label in the `labels` table, with the
/// label's `target` column added; and the number of rows left out.
fn join_labels(
    path: &std::path::Path,
    table: TextTable,
    labels_path: &std::path::Path,
    key: &str,
    target: &str,
) -> Result<(TextTable, usize), CliError> {
    if table.columns.iter().any(|c| c == target) {
        return Err(CliError::Usage(format!(
            "{}: already has a column \"{target}\"; take the target from one table only",
            path.display()
        )));
    }
    let labels = InputArgs {
        input_format: None,
        encoding: Encoding::Auto,
    }
    .read(labels_path)?;
    let (label_key, label_target) = (
        labels.column_index(labels_path, key)?,
        labels.column_index(labels_path, target)?,
    );
    let mut by_key = std::collections::HashMap::new();
    for r in 0..labels.len() {
        let Some(k) = labels.values[label_key][r].as_deref() else {
            continue;
        };
        if by_key
            .insert(k, labels.values[label_target][r].clone())
            .is_some()
        {
            return Err(CliError::Usage(format!(
                "{}:{}: key {k:?} has a second label; one label per key",
                labels_path.display(),
                labels.lines[r]
            )));
        }
    }
    let key_column = table.column_index(path, key)?;
    let rows: Vec<usize> = (0..table.len())
        .filter(|&r| {
            table.values[key_column][r]
                .as_deref()
                .is_some_and(|k| by_key.contains_key(k))
        })
        .collect();
    if rows.is_empty() {
        return Err(CliError::Usage(format!(
            "{}: no row's \"{key}\" has a label in {}",
            path.display(),
            labels_path.display()
        )));
    }
    let left_out = table.len() - rows.len();
    let mut values: Vec<Vec<Option<String>>> = table
        .values
        .iter()
        .map(|column| rows.iter().map(|&r| column[r].clone()).collect())
        .collect();
    values.push(
        rows.iter()
            .map(|&r| {
                let k = table.values[key_column][r].as_deref().unwrap_or_default();
                by_key[k].clone()
            })
            .collect(),
    );
    let mut columns = table.columns;
    columns.push(target.to_string());
    let lines = rows.iter().map(|&r| table.lines[r]).collect();
    Ok((
        TextTable {
            columns,
            values,
            lines,
        },
        left_out,
    ))
}

/// The preprocessing of a schema: numbers z-scored, categories one-hot (unknown ones
/// ignored).
fn preprocessor_params(schema: &Schema) -> cible_ml::PreprocessorParams {
    Preprocessor::params(schema.columns.iter().map(|c| match c {
        FeatureColumn::Numeric { name, .. } => {
            ColumnSpec::numeric(name.clone(), NumericParams::default())
        }
        FeatureColumn::Categorical { name } => ColumnSpec::one_hot(
            name.clone(),
            OneHotParams::default().handle_unknown(HandleUnknown::Ignore),
        ),
    }))
}

/// Runs `cible score train`.
pub fn run(args: &TrainArgs, quiet: bool, json: bool) -> Result<(), CliError> {
    let out = args.format.output(quiet, json);
    let metrics = train(args, &out)?;
    print_summary(&out, &metrics, args);
    out.json(&metrics);
    Ok(())
}

/// Trains as `cible score train` does and writes every file into `args.out`, printing
/// nothing but a spinner.
pub(crate) fn train(args: &TrainArgs, out: &Output) -> Result<Metrics, CliError> {
    let started = Instant::now();
    let path = &args.file;
    let mut table = args.input.read(path)?;
    let mut unlabelled_rows = 0;
    if let (Some(labels), Some(key)) = (&args.labels, &args.key) {
        (table, unlabelled_rows) = join_labels(path, table, labels, key, &args.target)?;
    }
    let target_column = table.column_index(path, &args.target)?;
    let y = schema::target(path, &table, target_column)?;
    let positives = y.iter().filter(|&&t| t).count();
    if positives == 0 || positives == y.len() {
        return Err(CliError::Usage(format!(
            "{}: column \"{}\" is {} in all {} rows; a model needs both classes",
            path.display(),
            args.target,
            positives > 0,
            y.len()
        )));
    }
    let time_column = match &args.time_column {
        Some(name) => Some(table.column_index(path, name)?),
        None => None,
    };
    let times = match time_column {
        Some(c) => Some(schema::times(path, &table, c)?),
        None => None,
    };
    if args.test <= 0.0 {
        return Err(CliError::Usage(
            "--test must be above 0: the final figures need rows no choice has seen".into(),
        ));
    }
    let split_params = SplitParams::new()
        .validation(args.validation)
        .test(args.test)
        .seed(args.seed);
    let split = match &times {
        Some(t) => split_params.by_time(t)?,
        None => split_params.random(&y)?,
    };
    let mut excluded = vec![target_column];
    excluded.extend(time_column);
    for name in &args.exclude {
        excluded.push(table.column_index(path, name)?);
    }
    let (schema, skipped) = Schema::infer(
        path,
        &table,
        &args.columns,
        &excluded,
        args.missing,
        &split.train,
    )?;
    let all_rows: Vec<usize> = (0..table.len()).collect();
    let (frame, filled_values) = schema.frame(path, &table, &all_rows)?;
    // The preprocessing is fitted on the training rows only.
    let preprocessor = preprocessor_params(&schema).fit(&frame.select_rows(&split.train))?;
    let x = preprocessor.transform(&frame)?;
    let (x_train, y_train) = (x.select_rows(&split.train), pick(&y, &split.train));

    // Model search on the training rows alone.
    let folds = match &times {
        Some(t) => time_folds(&pick(t, &split.train), args.folds)?,
        None => stratified_folds(&y_train, args.folds, args.seed)?,
    };
    let class_weight = match args.class_weight {
        ClassWeightArg::None => ClassWeight::None,
        ClassWeightArg::Balanced => ClassWeight::Balanced,
    };
    let kinds: Vec<ModelKind> = match args.model {
        ModelChoice::Auto => ModelKind::ALL.to_vec(),
        ModelChoice::Only(kind) => vec![kind],
    };
    let candidates: Vec<ModelParams> = kinds
        .iter()
        .flat_map(|k| k.grid(class_weight, args.seed))
        .collect();
    let spinner = out.spinner(format!(
        "cross-validating {} candidates on {} folds",
        candidates.len(),
        folds.len()
    ));
    let result = search(&candidates, &x_train, &y_train, &folds)?;
    spinner.finish_and_clear();
    let model = result.best().params.fit(&x_train, &y_train)?;

    // The threshold on the validation rows, the final figures on the test rows.
    let scores = model.predict_proba(&x)?;
    let (y_val, p_val) = (
        pick(&y, &split.validation),
        pick(&scores, &split.validation),
    );
    let (y_test, p_test) = (pick(&y, &split.test), pick(&scores, &split.test));
    let p_train = pick(&scores, &split.train);
    let threshold = if split.validation.is_empty() {
        args.threshold.choose(&y_train, &p_train)?
    } else {
        args.threshold.choose(&y_val, &p_val)?
    };
    let t = threshold.threshold;
    let validation = if split.validation.is_empty() {
        None
    } else {
        Some(SetMetrics::new(&y_val, &p_val, t)?)
    };
    let test = SetMetrics::new(&y_test, &p_test, t)?;

    // Explanations.
    let sources = preprocessor.feature_sources();
    let names: Vec<String> = schema
        .columns
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    let groups: Vec<Vec<usize>> = names
        .iter()
        .map(|n| (0..sources.len()).filter(|&j| &sources[j] == n).collect())
        .collect();
    let x_test = x.select_rows(&split.test);
    let permutation = permutation_importance(&model, &x_test, &y_test, &groups, 5, args.seed)?;
    let built_in = model.built_in_importances();
    let mut importance: Vec<ColumnImportance> = names
        .iter()
        .zip(&groups)
        .zip(&permutation)
        .map(|((column, group), p)| ColumnImportance {
            column: column.clone(),
            permutation: p.mean,
            permutation_sd: p.sd,
            built_in: group.iter().map(|&j| built_in[j]).sum(),
        })
        .collect();
    importance.sort_by(|a, b| b.permutation.total_cmp(&a.permutation));
    let feature_names = preprocessor.feature_names();
    let coefficients = match &model {
        Model::Logistic(m) => feature_names
            .iter()
            .zip(m.coefficients())
            .map(|(feature, &c)| Coefficient {
                feature: feature.clone(),
                coefficient: c,
                odds_ratio: c.exp(),
            })
            .collect(),
        _ => Vec::new(),
    };

    let (_, training_sha256) = hash_file(path)?;
    let model_json = serde_json::to_string(&model).unwrap_or_default();
    let model_id: String = Sha256::digest(format!("{training_sha256}\n{model_json}"))
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    let file = ModelFile {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        model_id: model_id.clone(),
        cible_version: env!("CARGO_PKG_VERSION").into(),
        trained_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        training_file: path.clone(),
        training_sha256,
        target: args.target.clone(),
        schema,
        preprocessor,
        model,
        threshold,
    };
    let metrics = Metrics {
        file: path.clone(),
        target: args.target.clone(),
        rows: table.len(),
        positives,
        unlabelled_rows,
        features: names,
        encoded_features: x.cols(),
        skipped_columns: skipped,
        filled_values,
        split: SplitSummary {
            method: if times.is_some() {
                "time"
            } else {
                "stratified"
            },
            train: summary(&y, times.as_deref(), &split.train),
            validation: summary(&y, times.as_deref(), &split.validation),
            test: summary(&y, times.as_deref(), &split.test),
        },
        folds: folds.len(),
        candidates: result
            .candidates
            .iter()
            .map(|c| CandidateSummary {
                params: c.params.clone(),
                mean_auc: c.mean_auc,
                sd_auc: c.sd_auc,
                fold_auc: c.fold_auc.clone(),
            })
            .collect(),
        model: file.model.kind(),
        model_id,
        threshold,
        train: SetMetrics::new(&y_train, &p_train, t)?,
        validation,
        test,
        gains: gains_table(&y_test, &p_test, 10.min(y_test.len()))?,
        calibration: calibration_curve(&y_test, &p_test, 10)?,
        importance,
        coefficients,
        seconds: started.elapsed().as_secs_f64(),
    };
    write_outputs(args, &file, &metrics, &y_test, &p_test)?;
    Ok(metrics)
}

/// Writes every file into OUT at once (staged, then moved).
fn write_outputs(
    args: &TrainArgs,
    file: &ModelFile,
    metrics: &Metrics,
    y_test: &[bool],
    p_test: &[f64],
) -> Result<(), CliError> {
    let staging = StagingDir::new(&args.out)?;
    let write = |name: &str, text: String| {
        let path = staging.path(name);
        std::fs::write(&path, text).map_err(CliError::io(&path))
    };
    write("model.json", pretty(file))?;
    write("metrics.json", pretty(metrics))?;
    let mut roc = String::from("threshold,fpr,tpr\n");
    for p in roc_curve(y_test, p_test)? {
        roc.push_str(&format!("{},{},{}\n", p.threshold, p.fpr, p.tpr));
    }
    write("roc.csv", roc)?;
    let mut pr = String::from("threshold,precision,recall\n");
    for p in precision_recall_curve(y_test, p_test)? {
        pr.push_str(&format!("{},{},{}\n", p.threshold, p.precision, p.recall));
    }
    write("pr.csv", pr)?;
    let mut calibration = String::from("lower,upper,rows,mean_predicted,fraction_positive\n");
    for b in &metrics.calibration {
        calibration.push_str(&format!(
            "{},{},{},{},{}\n",
            b.lower, b.upper, b.rows, b.mean_predicted, b.fraction_positive
        ));
    }
    write("calibration.csv", calibration)?;
    let mut gains = String::from(
        "band,rows,positives,min_score,max_score,lift,cumulative_gain,cumulative_lift\n",
    );
    for g in &metrics.gains {
        gains.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            g.band,
            g.rows,
            g.positives,
            g.min_score,
            g.max_score,
            g.lift,
            g.cumulative_gain,
            g.cumulative_lift
        ));
    }
    write("gains.csv", gains)?;
    let mut importance = String::from("column,permutation,permutation_sd,built_in\n");
    for i in &metrics.importance {
        importance.push_str(&format!(
            "{},{},{},{}\n",
            csv_field(&i.column),
            i.permutation,
            i.permutation_sd,
            i.built_in
        ));
    }
    write("importance.csv", importance)?;
    staging.publish()?;
    Ok(())
}

fn pretty<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn print_summary(out: &Output, m: &Metrics, args: &TrainArgs) {
    out.line(format!(
        "{}: {} rows, {} positive ({:.1} %), target \"{}\"",
        shown(&m.file),
        count(m.rows as u64),
        count(m.positives as u64),
        100.0 * m.positives as f64 / m.rows as f64,
        m.target
    ));
    if m.unlabelled_rows > 0 {
        out.line(format!(
            "  {} rows without a label left out",
            count(m.unlabelled_rows as u64)
        ));
    }
    out.line(format!(
        "  features: {} ({} encoded columns){}",
        m.features.join(", "),
        m.encoded_features,
        if m.filled_values > 0 {
            format!(", {} missing numbers filled", count(m.filled_values as u64))
        } else {
            String::new()
        }
    ));
    for s in &m.skipped_columns {
        out.line(format!("  left out \"{}\": {}", s.column, s.reason));
    }
    out.line(format!(
        "  split ({}): train {}, validation {}, test {} rows",
        m.split.method,
        count(m.split.train.rows as u64),
        count(m.split.validation.rows as u64),
        count(m.split.test.rows as u64)
    ));
    out.line(format!(
        "  {} candidates, {}-fold cross-validated AUC on the training rows:",
        m.candidates.len(),
        m.folds
    ));
    let best = m
        .candidates
        .iter()
        .map(|c| c.mean_auc)
        .fold(f64::NEG_INFINITY, f64::max);
    for c in &m.candidates {
        out.line(format!(
            "    {:<48} {:.4} ± {:.4}{}",
            c.params.to_string(),
            c.mean_auc,
            c.sd_auc,
            if c.mean_auc == best {
                "   ← chosen"
            } else {
                ""
            }
        ));
    }
    out.line(format!(
        "  threshold {:.4} ({} on the validation rows)",
        m.threshold.threshold, m.threshold.rule
    ));
    let t = &m.test;
    out.line(format!(
        "  test ({} rows): AUC {:.4}, average precision {:.4}, log-loss {:.4}, Brier {:.4}",
        count(m.split.test.rows as u64),
        t.auc,
        t.average_precision,
        t.log_loss,
        t.brier
    ));
    out.line(format!(
        "    at the threshold: precision {:.3}, recall {:.3}, F1 {:.3} (TP {}, FP {}, TN {}, FN {})",
        t.precision,
        t.recall,
        t.f1,
        t.confusion.true_positives,
        t.confusion.false_positives,
        t.confusion.true_negatives,
        t.confusion.false_negatives
    ));
    if let Some(top) = m.gains.first() {
        out.line(format!(
            "    top decile: lift {:.2}, {:.0} % of positives",
            top.lift,
            100.0 * top.cumulative_gain
        ));
    }
    out.line("  importance (test AUC lost when shuffled):");
    for i in m.importance.iter().take(8) {
        out.line(format!(
            "    {:<30} {:+.4} ± {:.4}",
            i.column, i.permutation, i.permutation_sd
        ));
    }
    out.line(format!(
        "  wrote {}/model.json (model {}), metrics.json, roc.csv, pr.csv, calibration.csv, \
         gains.csv, importance.csv ({:.2} s)",
        shown(&args.out),
        m.model_id,
        m.seconds
    ));
}
