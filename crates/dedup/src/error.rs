//! Errors of entity resolution.

use cible_core::ErrorKind;

/// Why deduplication cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DedupError {
    /// A parameter is out of its range.
    #[error("invalid parameter `{name}` = {value}: {expected}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// Its value, as given.
        value: String,
        /// What is allowed.
        expected: String,
    },
    /// A field names a column the table does not have.
    #[error("unknown column \"{column}\"; available columns: {}", available.join(", "))]
    UnknownColumn {
        /// The column asked for.
        column: String,
        /// The table's columns.
        available: Vec<String>,
    },
    /// The same id appears twice.
    #[error(
        "duplicate id \"{id}\" in rows {first} and {second}: ids must be unique (deduplicate on another column, or fix the source)"
    )]
    DuplicateId {
        /// The id.
        id: String,
        /// 1-based row of the first occurrence.
        first: usize,
        /// 1-based row of the second.
        second: usize,
    },
    /// A record has no id.
    #[error("row {row} has no id")]
    MissingId {
        /// 1-based row.
        row: usize,
    },
    /// Nothing to compare.
    #[error("no fields to compare: {0}")]
    NoFields(String),
}

impl DedupError {
    /// Whose fault the error is: always the input's.
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::Input
    }
}
