//! Rows that could not be loaded, with where they are and why. Nothing is silently dropped:
//! every rejected row produces at least one [`Reject`], written to `rejects.csv` as
//! `file,line,column,value,reason`.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::DataError;

/// Why a value or a row was rejected.
#[derive(Debug, Clone, PartialEq)]
pub enum RejectReason {
    /// The row has a different number of fields than the header.
    FieldCount {
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
    },
    /// The row is not valid UTF-8 (and the source is read as UTF-8).
    InvalidUtf8,
    /// A required column is empty.
    MissingRequired,
    /// A value cannot be read as the column's type.
    Unparsable {
        /// What the column expects, e.g. "an integer".
        expected: String,
    },
    /// The row's identifier was already loaded.
    DuplicateId {
        /// `file:line` of the first occurrence.
        first_seen: String,
    },
    /// An event names neither an account nor a contact.
    NoAccountOrContact,
    /// An NDJSON line is not a JSON object.
    NotJsonObject {
        /// The JSON parser's message.
        detail: String,
    },
    /// The row breaks a business rule of `[[clean.rules]]` whose action is reject.
    BrokenRule {
        /// The rule's name and predicate, as a sentence.
        detail: String,
    },
    /// A value is an outlier and its detector of `[[clean.outliers]]` rejects.
    Outlier {
        /// The value's fences and the detector, as a sentence.
        detail: String,
    },
    /// A value is missing and its strategy of `[[clean.impute]]` is drop.
    MissingDropped {
        /// The column.
        column: String,
    },
}

impl RejectReason {
    /// A short category, used to count rejects by reason in summaries.
    pub fn category(&self) -> &'static str {
        match self {
            Self::FieldCount { .. } => "wrong number of fields",
            Self::InvalidUtf8 => "invalid UTF-8",
            Self::MissingRequired => "missing required value",
            Self::Unparsable { .. } => "unparsable value",
            Self::DuplicateId { .. } => "duplicate id",
            Self::NoAccountOrContact => "no account or contact",
            Self::NotJsonObject { .. } => "malformed JSON line",
            Self::BrokenRule { .. } => "broken rule",
            Self::Outlier { .. } => "outlier",
            Self::MissingDropped { .. } => "missing value dropped",
        }
    }
}

/// One rejected value or row.
#[derive(Debug, Clone, PartialEq)]
pub struct Reject {
    /// The source file.
    pub file: PathBuf,
    /// 1-based physical line where the row starts (a CSV header is line 1).
    pub line: u64,
    /// The source column, or empty when the whole row is at fault.
    pub column: String,
    /// The offending value as read (or the start of the row), at most 200 characters.
    pub value: String,
    /// Why.
    pub reason: RejectReason,
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file.display(), self.line)?;
        if !self.column.is_empty() {
            write!(f, "column \"{}\": ", self.column)?;
        }
        write!(f, "{}", self.message())
    }
}

impl Reject {
    /// The reason as a sentence, e.g. `cannot parse "12k" as an integer`.
    pub fn message(&self) -> String {
        match &self.reason {
            RejectReason::FieldCount { expected, found } => {
                format!("expected {expected} fields as in the header, found {found}")
            }
            RejectReason::InvalidUtf8 => {
                "invalid UTF-8; if the file is Latin-1, set encoding = \"latin-1\"".into()
            }
            RejectReason::MissingRequired => "missing required value".into(),
            RejectReason::Unparsable { expected } => {
                format!("cannot parse {:?} as {expected}", self.value)
            }
            RejectReason::DuplicateId { first_seen } => {
                format!("duplicate id {:?}, first seen at {first_seen}", self.value)
            }
            RejectReason::NoAccountOrContact => "neither account_id nor contact_id is set".into(),
            RejectReason::NotJsonObject { detail } => {
                format!("not a JSON object: {detail}")
            }
            RejectReason::BrokenRule { detail } | RejectReason::Outlier { detail } => {
                detail.clone()
            }
            RejectReason::MissingDropped { column } => {
                format!("no {column}, and [[clean.impute]] drops rows without one")
            }
        }
    }
}

/// Truncates a value for the rejects table, on a character boundary.
pub(crate) fn excerpt(value: &str) -> String {
    const MAX: usize = 200;
    match value.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &value[..i]),
        None => value.to_string(),
    }
}

/// Writes `rejects.csv`.
pub struct RejectsWriter {
    path: PathBuf,
    out: csv::Writer<std::io::BufWriter<std::fs::File>>,
    written: u64,
}

impl RejectsWriter {
    /// Creates the file and writes the header.
    pub fn create(path: &Path) -> Result<Self, DataError> {
        let file = std::fs::File::create(path).map_err(DataError::io(path))?;
        let mut out = csv::Writer::from_writer(std::io::BufWriter::new(file));
        out.write_record(["file", "line", "column", "value", "reason"])
            .map_err(|e| csv_write_error(path, e))?;
        Ok(Self {
            path: path.to_path_buf(),
            out,
            written: 0,
        })
    }

    /// Rejects written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Appends rejects.
    pub fn write(&mut self, rejects: &[Reject]) -> Result<(), DataError> {
        for r in rejects {
            let line = r.line.to_string();
            let file = r.file.display().to_string();
            self.out
                .write_record([file.as_str(), &line, &r.column, &r.value, &r.message()])
                .map_err(|e| csv_write_error(&self.path, e))?;
        }
        self.written += rejects.len() as u64;
        Ok(())
    }

    /// Flushes the file to disk.
    pub fn finish(mut self) -> Result<(), DataError> {
        self.out.flush().map_err(DataError::io(&self.path))?;
        let file = self
            .out
            .into_inner()
            .map_err(|e| DataError::Io {
                path: self.path.clone(),
                source: std::io::Error::other(e.to_string()),
            })?
            .into_inner()
            .map_err(|e| DataError::Io {
                path: self.path.clone(),
                source: e.into_error(),
            })?;
        file.sync_all().map_err(DataError::io(&self.path))
    }
}

fn csv_write_error(path: &Path, e: csv::Error) -> DataError {
    DataError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reject(column: &str, value: &str, reason: RejectReason) -> Reject {
        Reject {
            file: "accounts.csv".into(),
            line: 3,
            column: column.into(),
            value: value.into(),
            reason,
        }
    }

    #[test]
    fn messages_name_file_line_column_value_and_expectation() {
        let r = reject(
            "Effectif",
            "12k",
            RejectReason::Unparsable {
                expected: "an integer".into(),
            },
        );
        assert_eq!(
            r.to_string(),
            "accounts.csv:3: column \"Effectif\": cannot parse \"12k\" as an integer"
        );
        let r = reject(
            "",
            "a;b",
            RejectReason::FieldCount {
                expected: 3,
                found: 2,
            },
        );
        assert_eq!(
            r.to_string(),
            "accounts.csv:3: expected 3 fields as in the header, found 2"
        );
    }

    #[test]
    fn long_values_are_cut_on_a_character_boundary() {
        let long = "é".repeat(300);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), 201);
        assert!(cut.ends_with('…'));
        assert_eq!(excerpt("short"), "short");
    }
}
