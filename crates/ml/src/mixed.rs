//! Mixed data: numeric columns beside categorical ones coded as small integers, the input of
//! [`KPrototypes`](crate::KPrototypes) and [`Gower`](crate::Gower).
//!
//! ```
//! use cible_ml::MixedData;
//!
//! let accounts = MixedData::from_columns(
//!     [("revenue", vec![120.0, 5400.0, 870.0])],
//!     [("sector", vec![0, 1, 0]), ("size", vec![2, 0, 1])],
//! )?;
//! assert_eq!((accounts.rows(), accounts.numeric_cols(), accounts.categorical_cols()), (3, 1, 2));
//! assert_eq!(accounts.categorical_row(1), &[1, 0]);
//!
//! let e = MixedData::from_columns([("revenue", vec![1.0, f64::NAN])], [("sector", vec![0, 1])])
//!     .unwrap_err();
//! assert_eq!(e.to_string(), "column \"revenue\", row 1: value NaN is not finite");
//! # Ok::<(), cible_ml::Error>(())
//! ```
//!
//! A category is a code, `0, 1, 2, …`: only equality between codes matters (the CLI numbers a
//! column's distinct strings in sorted order). Codes must be below [`MAX_CATEGORY_CODE`], so
//! that counting categories per cluster takes bounded memory.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, ValueProblem};
use crate::matrix::{Matrix, flatten_rows};

/// Category codes must be below this value (2²⁴): counting a column's categories per cluster
/// takes `k × (largest code + 1)` integers.
pub const MAX_CATEGORY_CODE: u32 = 1 << 24;

/// Rows of numeric values (finite `f64`) and categorical codes (`u32`), with column names.
///
/// Built by [`MixedData::new`] (a matrix and row-major codes), [`MixedData::from_rows`] or
/// [`MixedData::from_columns`] (named columns); every constructor rejects NaN and infinities
/// with the row and column of the first one, and codes of [`MAX_CATEGORY_CODE`] or more.
/// Either part may have no columns (only numbers: k-means; only categories: k-modes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MixedParts", into = "MixedParts")]
pub struct MixedData {
    numeric: Matrix<f64>,
    categorical: Vec<u32>,
    categorical_cols: usize,
    numeric_names: Vec<String>,
    categorical_names: Vec<String>,
}

/// The serialized form of [`MixedData`], checked on the way back.
#[derive(Serialize, Deserialize)]
struct MixedParts {
    numeric: Matrix<f64>,
    categorical: Vec<u32>,
    categorical_cols: usize,
    numeric_names: Vec<String>,
    categorical_names: Vec<String>,
}

impl From<MixedData> for MixedParts {
    fn from(d: MixedData) -> Self {
        MixedParts {
            numeric: d.numeric,
            categorical: d.categorical,
            categorical_cols: d.categorical_cols,
            numeric_names: d.numeric_names,
            categorical_names: d.categorical_names,
        }
    }
}

impl TryFrom<MixedParts> for MixedData {
    type Error = Error;

    fn try_from(p: MixedParts) -> Result<Self> {
        MixedData::new(p.numeric, p.categorical, p.categorical_cols)?
            .with_names(p.numeric_names, p.categorical_names)
    }
}

impl MixedData {
    /// Numeric columns from a matrix (possibly of zero columns) and `categorical_cols`
    /// categorical columns from their codes in row-major order. When the matrix has no rows
    /// and no columns, the number of rows comes from the codes. Columns are named `x0, x1, …`
    /// and `c0, c1, …` (see [`MixedData::with_names`]).
    pub fn new(
        numeric: Matrix<f64>,
        categorical: Vec<u32>,
        categorical_cols: usize,
    ) -> Result<Self> {
        let numeric = if numeric.rows() == 0 && numeric.cols() == 0 && categorical_cols > 0 {
            Matrix::new(Vec::new(), categorical.len() / categorical_cols, 0)?
        } else {
            numeric
        };
        let rows = numeric.rows();
        let expected = rows.checked_mul(categorical_cols);
        if expected != Some(categorical.len()) {
            return Err(Error::Shape {
                len: categorical.len(),
                rows,
                cols: categorical_cols,
                expected: expected.unwrap_or(usize::MAX),
            });
        }
        let numeric_names = (0..numeric.cols()).map(|j| format!("x{j}")).collect();
        let categorical_names = (0..categorical_cols).map(|j| format!("c{j}")).collect();
        let data = MixedData {
            numeric,
            categorical,
            categorical_cols,
            numeric_names,
            categorical_names,
        };
        data.check_codes()?;
        Ok(data)
    }

    /// Rows given as numeric rows and categorical rows side by side (the same number of each;
    /// every numeric row of one length, every categorical row of one length).
    pub fn from_rows<R: AsRef<[f64]>, C: AsRef<[u32]>>(
        numeric: &[R],
        categorical: &[C],
    ) -> Result<Self> {
        if numeric.len() != categorical.len() {
            return Err(Error::LengthMismatch {
                what: "the categorical rows",
                rows: numeric.len(),
                found: categorical.len(),
            });
        }
        let (codes, cols) = flatten_rows(categorical)?;
        MixedData::new(Matrix::from_rows(numeric)?, codes, cols)
    }

    /// Named columns: numeric ones, then categorical ones, all of the same length. A NaN or
    /// infinite number is an error naming the column and the row.
    pub fn from_columns<N, C>(
        numeric: impl IntoIterator<Item = (N, Vec<f64>)>,
        categorical: impl IntoIterator<Item = (C, Vec<u32>)>,
    ) -> Result<Self>
    where
        N: Into<String>,
        C: Into<String>,
    {
        let numeric: Vec<(String, Vec<f64>)> =
            numeric.into_iter().map(|(n, v)| (n.into(), v)).collect();
        let categorical: Vec<(String, Vec<u32>)> = categorical
            .into_iter()
            .map(|(n, v)| (n.into(), v))
            .collect();
        let mut rows = None;
        for (name, len) in numeric
            .iter()
            .map(|(n, v)| (n, v.len()))
            .chain(categorical.iter().map(|(n, v)| (n, v.len())))
        {
            match rows {
                None => rows = Some(len),
                Some(r) if r != len => {
                    return Err(Error::ColumnLength {
                        name: name.clone(),
                        rows: r,
                        found: len,
                    });
                }
                Some(_) => {}
            }
        }
        let rows = rows.unwrap_or(0);
        for (name, values) in &numeric {
            if let Some((row, &v)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                return Err(Error::BadValue {
                    column: name.clone(),
                    row,
                    problem: ValueProblem::NotFinite(v),
                });
            }
        }
        for (name, codes) in &categorical {
            if let Some((row, &c)) = codes
                .iter()
                .enumerate()
                .find(|(_, c)| **c >= MAX_CATEGORY_CODE)
            {
                return Err(Error::BadValue {
                    column: name.clone(),
                    row,
                    problem: ValueProblem::CategoryCodeTooLarge(c),
                });
            }
        }
        let (p, q) = (numeric.len(), categorical.len());
        let mut values = Vec::with_capacity(rows * p);
        let mut codes = Vec::with_capacity(rows * q);
        for i in 0..rows {
            values.extend(numeric.iter().map(|(_, v)| v[i]));
            codes.extend(categorical.iter().map(|(_, c)| c[i]));
        }
        let numeric_names = numeric.into_iter().map(|(n, _)| n).collect();
        let categorical_names = categorical.into_iter().map(|(n, _)| n).collect();
        MixedData::new(Matrix::new(values, rows, p)?, codes, q)?
            .with_names(numeric_names, categorical_names)
    }

    /// The same data with its columns renamed: one name per numeric column, one per
    /// categorical column, all different.
    pub fn with_names(mut self, numeric: Vec<String>, categorical: Vec<String>) -> Result<Self> {
        if numeric.len() != self.numeric_cols() {
            return Err(Error::ColumnMismatch {
                what: "the numeric column names",
                expected: self.numeric_cols(),
                found: numeric.len(),
            });
        }
        if categorical.len() != self.categorical_cols {
            return Err(Error::ColumnMismatch {
                what: "the categorical column names",
                expected: self.categorical_cols,
                found: categorical.len(),
            });
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(name) = numeric
            .iter()
            .chain(&categorical)
            .find(|n| !seen.insert(*n))
        {
            return Err(Error::DuplicateColumn { name: name.clone() });
        }
        self.numeric_names = numeric;
        self.categorical_names = categorical;
        Ok(self)
    }

    /// Fails on the first code of [`MAX_CATEGORY_CODE`] or more, naming its row and column.
    fn check_codes(&self) -> Result<()> {
        if let Some(pos) = self
            .categorical
            .iter()
            .position(|&c| c >= MAX_CATEGORY_CODE)
        {
            let (row, col) = (pos / self.categorical_cols, pos % self.categorical_cols);
            return Err(Error::BadValue {
                column: self.categorical_names[col].clone(),
                row,
                problem: ValueProblem::CategoryCodeTooLarge(self.categorical[pos]),
            });
        }
        Ok(())
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.numeric.rows()
    }

    /// Number of numeric columns.
    pub fn numeric_cols(&self) -> usize {
        self.numeric.cols()
    }

    /// Number of categorical columns.
    pub fn categorical_cols(&self) -> usize {
        self.categorical_cols
    }

    /// The numeric columns as a matrix.
    pub fn numeric(&self) -> &Matrix<f64> {
        &self.numeric
    }

    /// Every categorical code, row-major.
    pub fn categorical(&self) -> &[u32] {
        &self.categorical
    }

    /// The numeric values of row `i`. Panics when `i >= rows()`.
    pub fn numeric_row(&self, i: usize) -> &[f64] {
        self.numeric.row(i)
    }

    /// The categorical codes of row `i`. Panics when `i >= rows()`.
    pub fn categorical_row(&self, i: usize) -> &[u32] {
        &self.categorical[i * self.categorical_cols..(i + 1) * self.categorical_cols]
    }

    /// Names of the numeric columns.
    pub fn numeric_names(&self) -> &[String] {
        &self.numeric_names
    }

    /// Names of the categorical columns.
    pub fn categorical_names(&self) -> &[String] {
        &self.categorical_names
    }

    /// The rows whose indices are given, in that order, with the same column names. Panics
    /// when an index is out of bounds.
    pub fn select_rows(&self, indices: &[usize]) -> MixedData {
        let mut categorical = Vec::with_capacity(indices.len() * self.categorical_cols);
        for &i in indices {
            categorical.extend_from_slice(self.categorical_row(i));
        }
        MixedData {
            numeric: self.numeric.select_rows(indices),
            categorical,
            categorical_cols: self.categorical_cols,
            numeric_names: self.numeric_names.clone(),
            categorical_names: self.categorical_names.clone(),
        }
    }

    /// Fails with [`Error::Empty`] when there are no rows or no columns at all.
    pub(crate) fn check_not_empty(&self, what: &'static str) -> Result<()> {
        let cols = self.numeric_cols() + self.categorical_cols;
        if self.rows() == 0 || cols == 0 {
            return Err(Error::Empty {
                what,
                rows: self.rows(),
                cols,
            });
        }
        Ok(())
    }

    /// Fails with [`Error::ColumnMismatch`] unless `other` has as many numeric and
    /// categorical columns as `self`.
    pub(crate) fn check_same_columns(&self, other: &MixedData, what: &'static str) -> Result<()> {
        if other.numeric_cols() != self.numeric_cols() {
            return Err(Error::ColumnMismatch {
                what,
                expected: self.numeric_cols(),
                found: other.numeric_cols(),
            });
        }
        if other.categorical_cols != self.categorical_cols {
            return Err(Error::ColumnMismatch {
                what,
                expected: self.categorical_cols,
                found: other.categorical_cols,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_rows_checks_values_shapes_and_codes() {
        let e = MixedData::from_rows(&[[1.0, f64::INFINITY]], &[[0u32]]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "row 0, column 1: value inf is not finite; impute or drop missing values first"
        );
        let e = MixedData::from_rows(&[[1.0], [2.0]], &[[0u32]]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the categorical rows has 1 entries but the data has 2 rows"
        );
        let e = MixedData::from_rows(&[[1.0], [2.0]], &[vec![0u32], vec![0, 1]]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "row 1 has 2 values but row 0 has 1; all rows need the same length"
        );
        let e = MixedData::from_rows(&[[1.0], [2.0]], &[[0u32], [MAX_CATEGORY_CODE]]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "column \"c0\", row 1: category code 16777216 is too large; codes must be below \
             16777216 (number the categories 0, 1, 2, …)"
        );
    }

    #[test]
    fn new_checks_the_number_of_codes_and_takes_rows_from_codes_alone() {
        let e =
            MixedData::new(Matrix::new(vec![1.0, 2.0], 2, 1).unwrap(), vec![0; 3], 2).unwrap_err();
        assert_eq!(
            e.to_string(),
            "data has 3 values but a 2 × 2 matrix needs 4"
        );
        let only_codes =
            MixedData::new(Matrix::new(Vec::new(), 0, 0).unwrap(), vec![0, 1, 2, 3], 2).unwrap();
        assert_eq!((only_codes.rows(), only_codes.numeric_cols()), (2, 0));
        assert_eq!(only_codes.categorical_row(1), &[2, 3]);
        assert_eq!(only_codes.categorical_names(), ["c0", "c1"]);
    }

    #[test]
    fn from_columns_checks_lengths_and_names() {
        let e = MixedData::from_columns([("a", vec![1.0, 2.0])], [("b", vec![0u32])]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "column \"b\" has 1 values but the columns before it have 2"
        );
        let e = MixedData::from_columns([("a", vec![1.0])], [("a", vec![0u32])]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "column \"a\" is given twice; column names must be unique"
        );
        let d = MixedData::from_columns([("a", vec![1.0, 2.0])], [("b", vec![4u32, 5])]).unwrap();
        assert_eq!(d.numeric_names(), ["a"]);
        assert_eq!(d.select_rows(&[1]).categorical(), &[5]);
        assert_eq!(d.select_rows(&[1]).numeric_row(0), &[2.0]);
        let e = d.clone().with_names(vec![], vec!["b".into()]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the numeric column names has 0 columns but 1 were expected"
        );
    }

    #[test]
    fn empty_data_is_representable_but_rejected_by_algorithms() {
        let none_numeric: [(&str, Vec<f64>); 0] = [];
        let none_categorical: [(&str, Vec<u32>); 0] = [];
        let d = MixedData::from_columns(none_numeric, none_categorical).unwrap();
        assert_eq!(
            d.check_not_empty("the data").unwrap_err().to_string(),
            "the data is empty (0 rows × 0 columns); it needs at least one row and one column"
        );
    }

    #[test]
    fn serde_round_trip_checks_on_the_way_back() {
        let d = MixedData::from_columns([("a", vec![1.5, 2.0])], [("b", vec![4u32, 5])]).unwrap();
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<MixedData>(&json).unwrap(), d);
        let bad = json.replace("[4,5]", "[4]");
        let e = serde_json::from_str::<MixedData>(&bad).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("data has 1 values but a 2 × 1 matrix needs 2"),
            "{e}"
        );
    }
}
