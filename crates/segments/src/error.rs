//! Errors of tags, rule segments and the profile table.

use std::path::PathBuf;

use cible_core::ErrorKind;
use cible_features::FeatureError;

/// What can go wrong while tagging and segmenting.
#[derive(Debug, thiserror::Error)]
pub enum SegmentError {
    /// A `[[tags]]` condition cannot be evaluated.
    #[error("[[tags]] `{name}`, {key}: {explanation}")]
    Tag {
        /// The tag.
        name: String,
        /// `when` or `remove_when`.
        key: &'static str,
        /// What is wrong, where, and the columns of `events`.
        explanation: String,
    },
    /// A `[[segments]]` rule cannot be evaluated.
    #[error("[[segments]] `{name}`: {explanation}")]
    Rule {
        /// The segment.
        name: String,
        /// What is wrong, where, and the columns of the profile.
        explanation: String,
    },
    /// A `[[scores]]` setting cannot be evaluated.
    #[error("[[scores]] `{name}`, {key}: {explanation}")]
    Score {
        /// The score.
        name: String,
        /// `target` or `population`.
        key: &'static str,
        /// What is wrong.
        explanation: String,
    },
    /// Two columns of the profile would have the same name.
    #[error("the account profile would have two columns `{column}`: {reason}")]
    Clash {
        /// The column.
        column: String,
        /// Where the second one comes from and how to avoid it.
        reason: String,
    },
    /// A file could not be written.
    #[error("{}: {message}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The SQL layer failed.
    #[error(transparent)]
    Sql(#[from] FeatureError),
}

impl SegmentError {
    /// Whose fault the error is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Tag { .. } | Self::Rule { .. } | Self::Score { .. } | Self::Clash { .. } => {
                ErrorKind::Input
            }
            Self::Write { .. } => ErrorKind::Io,
            Self::Sql(e) => e.kind(),
        }
    }
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, SegmentError>;
