//! The generator's errors.

use std::path::PathBuf;

use cible_core::ErrorKind;

/// Why a data set could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// A parameter is out of range; the message says what is allowed.
    #[error("invalid parameter `{name}` = {value}: {expected}")]
    InvalidParameter {
        /// The parameter, as the CLI flag and the builder method name it.
        name: &'static str,
        /// The value given.
        value: String,
        /// What is allowed instead.
        expected: String,
    },
    /// The operating system refused to create, write or move a file.
    #[error(
        "cannot {action} {}: {source}; check that the output folder is writable and that the disk has space",
        path.display()
    )]
    Io {
        /// `create`, `write`, `rename` or `remove`.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The Parquet writer failed (most often an I/O failure underneath).
    #[error(
        "cannot write Parquet file {}: {source}; check that the disk has space, or generate CSV with `--format csv`",
        path.display()
    )]
    Parquet {
        /// The file.
        path: PathBuf,
        /// Why.
        source: parquet::errors::ParquetError,
    },
}

impl GenerateError {
    /// Whose fault the error is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidParameter { .. } => ErrorKind::Input,
            Self::Io { .. } | Self::Parquet { .. } => ErrorKind::Io,
        }
    }
}
