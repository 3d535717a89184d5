//! Errors of the feature stage.

use std::path::{Path, PathBuf};

use cible_core::ErrorKind;

/// What can go wrong while computing features.
#[derive(Debug, thiserror::Error)]
pub enum FeatureError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A table lacks its id column.
    #[error("{path}: no column `{column}`: the table cannot be attached to accounts")]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The missing column.
        column: String,
    },
    /// DataFusion could not plan or run a statement.
    #[error("SQL failed: {message}\n  in: {statement}")]
    Sql {
        /// The statement (abridged).
        statement: String,
        /// DataFusion's message.
        message: String,
    },
    /// A rule of `[[clean.rules]]` cannot be evaluated.
    #[error("[[clean.rules]] `{name}`: {reason}\n  check: {check}\n  columns of {available}")]
    Rule {
        /// The rule's name.
        name: String,
        /// Its predicate.
        check: String,
        /// DataFusion's message (with the position in the predicate where it has one).
        reason: String,
        /// The table and its columns.
        available: String,
    },
    /// An outlier detector of `[[clean.outliers]]` cannot run.
    #[error("[[clean.outliers]] on `{column}`: {reason}")]
    Outlier {
        /// The column.
        column: String,
        /// Why.
        reason: String,
    },
    /// A user feature of `cible.toml` is wrong.
    #[error("[[features.custom]] `{name}`: {reason}")]
    Custom {
        /// The feature's name.
        name: String,
        /// What is wrong, with the expected form.
        reason: String,
    },
}

impl FeatureError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Maps a DataFusion error on `statement`.
    pub(crate) fn sql(statement: &str) -> impl Fn(datafusion::error::DataFusionError) -> Self + '_ {
        move |e| Self::Sql {
            statement: abridge(statement),
            message: e.to_string(),
        }
    }

    /// Maps an Arrow error while working on `what`.
    pub(crate) fn arrow(what: &str) -> impl Fn(datafusion::arrow::error::ArrowError) -> Self + '_ {
        move |e| Self::Sql {
            statement: what.to_string(),
            message: e.to_string(),
        }
    }

    /// Whose fault the error is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Io { .. } => ErrorKind::Io,
            Self::MissingColumn { .. }
            | Self::Custom { .. }
            | Self::Rule { .. }
            | Self::Outlier { .. } => ErrorKind::Input,
            Self::Sql { .. } => ErrorKind::Internal,
        }
    }
}

fn abridge(statement: &str) -> String {
    const MAX: usize = 300;
    let compact: String = statement.split_whitespace().collect::<Vec<_>>().join(" ");
    match compact.char_indices().nth(MAX) {
        Some((at, _)) => format!("{} …", &compact[..at]),
        None => compact,
    }
}

/// Results of the feature stage.
pub type Result<T, E = FeatureError> = std::result::Result<T, E>;
