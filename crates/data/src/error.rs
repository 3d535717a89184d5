//! Errors that stop a load. Problems with single rows are not errors: they are
//! [rejects](crate::Reject).

use std::path::PathBuf;

use cible_core::ErrorKind;
use cible_core::project::ProjectError;

/// An error that stops ingestion.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The source settings are invalid.
    #[error(transparent)]
    Project(#[from] ProjectError),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A path or glob matched no data file.
    #[error("no data file matches `{pattern}`{hint}")]
    NoInput {
        /// The path or glob as given.
        pattern: String,
        /// A hint, e.g. the files a directory does contain.
        hint: String,
    },
    /// A glob pattern is malformed.
    #[error("invalid glob `{pattern}`: {message}")]
    BadGlob {
        /// The pattern.
        pattern: String,
        /// What is wrong with it.
        message: String,
    },
    /// The format of a file cannot be told from its extension.
    #[error("{}: cannot tell the format from the extension; set the format to csv, parquet or ndjson", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// A file has no header line (or, for NDJSON, no object to take keys from).
    #[error("{}: the file is empty; expected a header line with column names", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// A required canonical column is not present and not mapped.
    #[error(
        "{}: missing column \"{column}\" required by {table}; available columns: {}. \
         Map one to it with --map {column}=<column> or columns = {{ {column} = \"<column>\" }}",
        path.display(), available.join(", ")
    )]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The canonical table.
        table: &'static str,
        /// The canonical column.
        column: &'static str,
        /// The columns the file has.
        available: Vec<String>,
    },
    /// A column named by the mapping (or `keep`) is not in the file.
    #[error(
        "{}: column \"{source_column}\" (given for {target}) not found; available columns: {}",
        path.display(), available.join(", ")
    )]
    MappedColumnNotFound {
        /// The file.
        path: PathBuf,
        /// The source column named in the mapping.
        source_column: String,
        /// What it was meant to feed (`account_id`, or `keep`).
        target: String,
        /// The columns the file has.
        available: Vec<String>,
    },
    /// A column named on the command line is not in the file.
    #[error("{}: no column \"{column}\"; available columns: {}", path.display(), available.join(", "))]
    UnknownColumn {
        /// The file.
        path: PathBuf,
        /// The column asked for.
        column: String,
        /// The columns the file has.
        available: Vec<String>,
    },
    /// A CSV file could not be parsed at all (not a row-level problem).
    #[error("{}:{line}: {message}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// Physical line where parsing stopped.
        line: u64,
        /// The parser's message.
        message: String,
    },
    /// A Parquet file could not be read or written.
    #[error("{}: {message}", path.display())]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The Parquet library's message.
        message: String,
    },
    /// An Arrow operation failed where it cannot fail on valid input: a bug.
    #[error("internal error (a bug in cible, please report it): {0}")]
    Internal(String),
}

impl DataError {
    /// Whose fault the error is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Project(e) => e.kind(),
            Self::Io { .. } => ErrorKind::Io,
            Self::Internal(_) => ErrorKind::Internal,
            _ => ErrorKind::Input,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io { path, source }
    }
}

impl From<arrow_schema::ArrowError> for DataError {
    fn from(e: arrow_schema::ArrowError) -> Self {
        Self::Internal(e.to_string())
    }
}
