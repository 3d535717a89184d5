//! The crate's one error type, grouped by whose fault it is.

use std::fmt;

use thiserror::Error;

/// Whose fault an [`Error`](enum@Error) is, so that the CLI can map it to an exit code and the server to an
/// HTTP status (the same split as `cible_core::ErrorKind`, which this crate does not depend on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input data or a parameter is wrong; the message says how to fix it.
    Input,
    /// A bug in cible-ml: the message says so and should be reported.
    Internal,
}

/// Everything that can go wrong in cible-ml.
///
/// Every variant carries structured fields; its message names the thing at fault and the fix.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum Error {
    /// A value of the input matrix is NaN or infinite.
    #[error(
        "row {row}, column {column}: value {value} is not finite; impute or drop missing values first"
    )]
    NotFinite {
        /// Zero-based row of the first offending value.
        row: usize,
        /// Zero-based column of the first offending value.
        column: usize,
        /// The offending value (NaN, inf or -inf).
        value: f64,
    },
    /// The length of a data buffer does not match the shape it was given.
    #[error("data has {len} values but a {rows} × {cols} matrix needs {expected}")]
    Shape {
        /// Number of values supplied.
        len: usize,
        /// Requested number of rows.
        rows: usize,
        /// Requested number of columns.
        cols: usize,
        /// `rows * cols`, or `usize::MAX` when that overflows.
        expected: usize,
    },
    /// Rows of different lengths were given to build a matrix.
    #[error("row {row} has {found} values but row 0 has {expected}; all rows need the same length")]
    RaggedRows {
        /// Zero-based index of the first row whose length differs from row 0's.
        row: usize,
        /// Length of row 0.
        expected: usize,
        /// Length of the offending row.
        found: usize,
    },
    /// The input has no rows or no columns.
    #[error(
        "{what} is empty ({rows} rows × {cols} columns); it needs at least one row and one column"
    )]
    Empty {
        /// What was empty (`"the data"`, `"the new data"`).
        what: &'static str,
        /// Number of rows.
        rows: usize,
        /// Number of columns.
        cols: usize,
    },
    /// A parameter is out of its valid range.
    #[error("invalid parameter `{name}` = {value}: {reason}")]
    InvalidParameter {
        /// The parameter's name as the user writes it (`k`, `n_init`, `tol`).
        name: &'static str,
        /// The value given, as written.
        value: String,
        /// What the value must be.
        reason: String,
    },
    /// The data has fewer rows than an algorithm needs for the parameters given.
    #[error("{what} needs at least {needed} rows; the data has {rows}")]
    TooFewRows {
        /// What needs the rows (`"k-means with k = 5"`).
        what: String,
        /// Rows needed.
        needed: usize,
        /// Rows available.
        rows: usize,
    },
    /// Two inputs that must have the same number of columns do not.
    #[error("{what} has {found} columns but {expected} were expected")]
    ColumnMismatch {
        /// The input at fault (`"the new data"`, `"the initial centroids"`).
        what: &'static str,
        /// Columns expected.
        expected: usize,
        /// Columns found.
        found: usize,
    },
    /// A per-row input (labels, sample weights) does not have one entry per row.
    #[error("{what} has {found} entries but the data has {rows} rows")]
    LengthMismatch {
        /// The input at fault (`"labels"`, `"sample weights"`).
        what: &'static str,
        /// Entries expected: the number of rows.
        rows: usize,
        /// Entries found.
        found: usize,
    },
    /// A sample weight is negative or not finite, or all weights are zero.
    #[error("sample weight {index} = {value}: {reason}")]
    InvalidWeight {
        /// Zero-based row of the weight (0 when the problem is the sum).
        index: usize,
        /// The offending value (or the sum).
        value: f64,
        /// What weights must be.
        reason: &'static str,
    },
    /// A metric is undefined for this number of distinct labels.
    #[error("{metric} needs between 2 and n - 1 = {max} distinct labels; the labels have {found}")]
    LabelCount {
        /// The metric (`"silhouette"`).
        metric: &'static str,
        /// Distinct labels found.
        found: usize,
        /// Largest number of labels allowed (`n_samples - 1`).
        max: usize,
    },
    /// Every column of the data is constant, so there are no principal components.
    #[error("{what} has no variance (every column is constant); drop it or give varied data")]
    NoVariance {
        /// The input at fault (`"the data"`).
        what: &'static str,
    },
    /// A column named by a specification is not in the input.
    #[error("missing column \"{name}\"; available columns: {available}")]
    MissingColumn {
        /// The column asked for.
        name: String,
        /// The input's columns, comma-separated.
        available: String,
    },
    /// Two columns of an input, or two specifications, have the same name.
    #[error("column \"{name}\" is given twice; column names must be unique")]
    DuplicateColumn {
        /// The repeated name.
        name: String,
    },
    /// A column does not have one value per row.
    #[error("column \"{name}\" has {found} values but the columns before it have {rows}")]
    ColumnLength {
        /// The column at fault.
        name: String,
        /// Rows of the columns added before it.
        rows: usize,
        /// Values in this column.
        found: usize,
    },
    /// A column is numeric where categories are needed, or the other way round.
    #[error("column \"{name}\" is {found} but its specification needs a {expected} column")]
    ColumnType {
        /// The column at fault.
        name: String,
        /// The kind the specification needs (`"numeric"`, `"categorical"`).
        expected: &'static str,
        /// The column's kind.
        found: &'static str,
    },
    /// A value of a named column is missing or cannot be transformed.
    #[error("column \"{column}\", row {row}: {problem}")]
    BadValue {
        /// The column at fault.
        column: String,
        /// Zero-based row of the first offending value.
        row: usize,
        /// What is wrong with the value.
        problem: ValueProblem,
    },
    /// A category was not seen when an encoder was fitted (or is not in the given order).
    #[error("column \"{column}\", row {row}: unknown category \"{value}\" (known: {known}); {fix}")]
    UnknownCategory {
        /// The column at fault.
        column: String,
        /// Zero-based row of the first unknown category.
        row: usize,
        /// The unknown category.
        value: String,
        /// The known categories, comma-separated (the first ten).
        known: String,
        /// How to fix it.
        fix: &'static str,
    },
    /// A classifier's training target has only one class.
    #[error(
        "the target has only {} values in its {rows} rows; {what} {} both classes \
         (check the target's definition or the rows kept)",
        if *class { "true" } else { "false" },
        if what.ends_with('s') { "need" } else { "needs" }
    )]
    SingleClass {
        /// What needs both classes (`"a model"`, `"these metrics"`).
        what: &'static str,
        /// Rows of the target.
        rows: usize,
        /// The one class present.
        class: bool,
    },
    /// A segment to profile lists a row the data does not have.
    #[error(
        "segment \"{segment}\" lists row {row} but the data has {rows} rows (rows count from 0)"
    )]
    SegmentRow {
        /// The segment's name.
        segment: String,
        /// The row out of range.
        row: usize,
        /// Rows of the data.
        rows: usize,
    },
    /// A bug in cible-ml.
    #[error("internal error (a bug in cible-ml, please report it): {detail}")]
    Internal {
        /// What went wrong.
        detail: String,
    },
}

impl Error {
    /// Whose fault the error is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Internal { .. } => ErrorKind::Internal,
            _ => ErrorKind::Input,
        }
    }

    /// Shorthand for [`Error::InvalidParameter`].
    pub(crate) fn param(
        name: &'static str,
        value: impl ToString,
        reason: impl Into<String>,
    ) -> Self {
        Error::InvalidParameter {
            name,
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

/// Checks that parameter `name` is a positive finite number.
pub(crate) fn check_positive(name: &'static str, value: f64) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(Error::param(
            name,
            value,
            "must be a positive finite number",
        ))
    }
}

/// What is wrong with one value of a named column ([`Error::BadValue`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ValueProblem {
    /// The value is missing.
    Missing,
    /// The value is NaN or infinite.
    NotFinite(f64),
    /// A negative value where `log1p` needs values of at least 0.
    NegativeForLog1p(f64),
    /// A category code of [`MAX_CATEGORY_CODE`](crate::MAX_CATEGORY_CODE) or more.
    CategoryCodeTooLarge(u32),
}

impl fmt::Display for ValueProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueProblem::Missing => {
                f.write_str("missing value; impute or drop missing values before encoding")
            }
            ValueProblem::NotFinite(v) => write!(f, "value {v} is not finite"),
            ValueProblem::NegativeForLog1p(v) => write!(
                f,
                "value {v} is negative; log1p needs values of at least 0 \
                 (use signed_log for values that can be negative)"
            ),
            ValueProblem::CategoryCodeTooLarge(c) => write!(
                f,
                "category code {c} is too large; codes must be below {} \
                 (number the categories 0, 1, 2, …)",
                crate::mixed::MAX_CATEGORY_CODE
            ),
        }
    }
}

/// `Result` with this crate's [`Error`](enum@Error).
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_finite_message_names_row_column_and_fix() {
        let e = Error::NotFinite {
            row: 17,
            column: 3,
            value: f64::NAN,
        };
        assert_eq!(
            e.to_string(),
            "row 17, column 3: value NaN is not finite; impute or drop missing values first"
        );
        assert_eq!(e.kind(), ErrorKind::Input);
    }

    #[test]
    fn invalid_parameter_message() {
        let e = Error::param("k", 1, "must be at least 2");
        assert_eq!(
            e.to_string(),
            "invalid parameter `k` = 1: must be at least 2"
        );
    }

    #[test]
    fn internal_errors_say_they_are_bugs() {
        let e = Error::Internal { detail: "x".into() };
        assert_eq!(e.kind(), ErrorKind::Internal);
        assert!(e.to_string().contains("a bug in cible-ml"));
    }
}
