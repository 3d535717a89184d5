//! The CLI's errors and their exit codes: 0 ok, 1 ran but a check failed, 2 error.

use cible_core::ErrorKind;
use cible_core::project::ProjectError;
use cible_data::DataError;
use cible_generator::GenerateError;
use cible_store::StoreError;

/// Anything that stops a command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The project file.
    #[error(transparent)]
    Project(#[from] ProjectError),
    /// Reading data.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The workspace.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Deduplication.
    #[error(transparent)]
    Dedup(#[from] cible_dedup::DedupError),
    /// Clustering.
    #[error(transparent)]
    Ml(#[from] cible_ml::Error),
    /// The demo-data generator.
    #[error(transparent)]
    Generate(#[from] GenerateError),
    /// The feature stage.
    #[error(transparent)]
    Features(#[from] cible_features::FeatureError),
    /// Tags, the profile and rule segments.
    #[error(transparent)]
    Segments(#[from] cible_segments::SegmentError),
    /// A file the command writes or reads itself.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A wrong combination of arguments that clap cannot check.
    #[error("{0}")]
    Usage(String),
    /// The command ran, but a check the user asked for failed (exit code 1).
    #[error("{0}")]
    CheckFailed(String),
}

impl CliError {
    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        let kind = match self {
            Self::CheckFailed(_) => return 1,
            Self::Project(e) => e.kind(),
            Self::Data(e) => e.kind(),
            Self::Store(e) => e.kind(),
            Self::Generate(e) => e.kind(),
            Self::Dedup(e) => e.kind(),
            Self::Features(e) => e.kind(),
            Self::Segments(e) => e.kind(),
            Self::Ml(e) => match e.kind() {
                cible_ml::ErrorKind::Input => ErrorKind::Input,
                cible_ml::ErrorKind::Internal => ErrorKind::Internal,
            },
            Self::Io { .. } => ErrorKind::Io,
            Self::Usage(_) => ErrorKind::Input,
        };
        match kind {
            ErrorKind::Input | ErrorKind::Io | ErrorKind::Internal => 2,
        }
    }

    /// Wraps an I/O error on `path`.
    pub fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Self + '_ {
        move |source| Self::Io {
            path: path.display().to_string(),
            source,
        }
    }
}
