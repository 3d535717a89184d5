//! `cible score train` and `cible score predict`: propensity models (conversion, churn,
//! upsell) on any table with a yes/no target, validated honestly, saved with their feature
//! schema, and applied to new tables with each row's top reasons.

mod predict;
mod schema;
mod train;

pub(crate) use predict::score_table;
pub(crate) use schema::Missing;
pub(crate) use train::{ClassWeightArg, ModelChoice, TrainArgs, csv_field, train};

use std::path::{Path, PathBuf};

use cible_ml::Preprocessor;
use cible_ml::metrics::ChosenThreshold;
use cible_ml::supervised::Model;
use clap::{Args, Subcommand};
use serde::{Deserialize, Serialize};

use crate::error::CliError;
use schema::Schema;

/// Train a propensity model, or score a table with one.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[command(subcommand)]
    command: ScoreCommand,
}

#[derive(Debug, Subcommand)]
enum ScoreCommand {
    Train(train::TrainArgs),
    Predict(predict::PredictArgs),
}

/// Runs `cible score`.
pub fn run(args: &ScoreArgs, quiet: bool, json: bool) -> Result<(), CliError> {
    match &args.command {
        ScoreCommand::Train(a) => train::run(a, quiet, json),
        ScoreCommand::Predict(a) => predict::run(a, quiet, json),
    }
}

/// What identifies `model.json` files and which layout they have.
const FORMAT: &str = "cible-score-model";
const FORMAT_VERSION: u32 = 1;

/// `model.json`: everything needed to score a table as training did.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ModelFile {
    /// Always `cible-score-model`.
    format: String,
    /// The layout's version.
    format_version: u32,
    /// The model's identity: the first 16 hex digits of the SHA-256 of its training file,
    /// parameters and fitted values.
    model_id: String,
    /// The cible version that trained it.
    cible_version: String,
    /// When it was trained (UTC, RFC 3339).
    trained_at: String,
    /// The training table and its SHA-256.
    training_file: PathBuf,
    training_sha256: String,
    /// The target column.
    target: String,
    /// The feature columns, as read from a table.
    schema: Schema,
    /// From the feature columns to the model's matrix.
    preprocessor: Preprocessor,
    /// The fitted model.
    model: Model,
    /// Rows scored at least this are predicted positive.
    pub(crate) threshold: ChosenThreshold,
}

impl ModelFile {
    /// Reads `model.json` in `path` (a folder) or `path` itself.
    pub(crate) fn read(path: &Path) -> Result<ModelFile, CliError> {
        let file = if path.is_dir() {
            path.join("model.json")
        } else {
            path.to_path_buf()
        };
        let text = std::fs::read_to_string(&file).map_err(CliError::io(&file))?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| CliError::Usage(format!("{}: not a JSON file ({e})", file.display())))?;
        if value["format"] != FORMAT {
            return Err(CliError::Usage(format!(
                "{}: not a cible score model (no \"format\": \"{FORMAT}\"); train one with \
                 `cible score train`",
                file.display()
            )));
        }
        if value["format_version"] != FORMAT_VERSION {
            return Err(CliError::Usage(format!(
                "{}: model format version {} but this cible reads version {FORMAT_VERSION}; \
                 train the model again",
                file.display(),
                value["format_version"]
            )));
        }
        serde_json::from_value(value).map_err(|e| {
            CliError::Usage(format!(
                "{}: damaged model file ({e}); train the model again",
                file.display()
            ))
        })
    }
}
