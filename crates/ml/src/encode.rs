//! Turning a table of accounts into a matrix for clustering: categorical encodings (one-hot,
//! ordinal), log transforms of skewed amounts, and a serializable [`Preprocessor`] that applies
//! them with scaling and per-column weights.
//!
//! ```
//! use cible_ml::{
//!     ColumnSpec, Frame, NumericParams, NumericTransform, OneHotEncoder, OrdinalEncoder,
//!     Preprocessor, Scaling,
//! };
//!
//! let accounts = Frame::new()
//!     .with_numeric("revenue", [Some(120.0), Some(0.0), Some(5400.0), Some(870.0)])?
//!     .with_categorical("sector", [Some("Retail"), Some("Retail"), Some("Services"), None])?
//!     .with_categorical("size", [Some("small"), Some("small"), Some("large"), Some("medium")])?;
//! let params = Preprocessor::params([
//!     ColumnSpec::numeric(
//!         "revenue",
//!         NumericParams::default().transform(NumericTransform::Log1p).scaling(Scaling::ZScore),
//!     )
//!     .weight(2.0),
//!     ColumnSpec::one_hot("sector", OneHotEncoder::params()).weight(0.5),
//!     ColumnSpec::ordinal("size", OrdinalEncoder::params().order(["small", "medium", "large"])),
//! ]);
//! let (pre, x) = params.fit_transform(&accounts)?;
//! assert_eq!(
//!     pre.feature_names(),
//!     ["revenue", "sector=(missing)", "sector=Retail", "sector=Services", "size"]
//! );
//! assert_eq!(x.row(2)[1..], [0.0, 0.0, 0.5, 2.0]);
//!
//! // Saved with the model, then applied to new accounts.
//! let saved = serde_json::to_string(&pre).unwrap();
//! let pre: Preprocessor = serde_json::from_str(&saved).unwrap();
//! let new = Frame::new()
//!     .with_numeric("revenue", [Some(300.0)])?
//!     .with_categorical("sector", [Some("Retail")])?
//!     .with_categorical("size", [Some("medium")])?;
//! assert_eq!(pre.transform(&new)?.row(0)[1..], [0.0, 0.5, 0.0, 1.0]);
//! # Ok::<(), cible_ml::Error>(())
//! ```
//!
//! Missing numbers are an error naming the column and row (imputation is a step before this
//! one); a missing category is a category of its own, `(missing)` unless set otherwise. Rows
//! are numbered from 0 in every message.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, ValueProblem};
use crate::matrix::Matrix;
use crate::scale::{Scaler, Scaling};

/// One input column: numbers or categories, each value possibly missing.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Numbers (amounts, counts, ages).
    Numeric(Vec<Option<f64>>),
    /// Categories (sector, size band, region).
    Categorical(Vec<Option<String>>),
}

impl Column {
    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            Column::Numeric(v) => v.len(),
            Column::Categorical(v) => v.len(),
        }
    }

    /// Whether the column has no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn kind(&self) -> &'static str {
        match self {
            Column::Numeric(_) => "numeric",
            Column::Categorical(_) => "categorical",
        }
    }
}

/// Named columns of equal length: the input of a [`Preprocessor`].
///
/// ```
/// use cible_ml::Frame;
///
/// let e = Frame::new()
///     .with_numeric("employees", [Some(12.0), None])?
///     .with_categorical("sector", [Some("Retail")])
///     .unwrap_err();
/// assert_eq!(
///     e.to_string(),
///     "column \"sector\" has 1 values but the columns before it have 2"
/// );
/// # Ok::<(), cible_ml::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frame {
    names: Vec<String>,
    columns: Vec<Column>,
}

impl Frame {
    /// A frame without columns.
    pub fn new() -> Self {
        Frame::default()
    }

    /// Adds a column; its name must be new and its length that of the columns already there.
    pub fn push(&mut self, name: impl Into<String>, column: Column) -> Result<()> {
        let name = name.into();
        if self.names.contains(&name) {
            return Err(Error::DuplicateColumn { name });
        }
        if let Some(first) = self.columns.first()
            && first.len() != column.len()
        {
            return Err(Error::ColumnLength {
                name,
                rows: first.len(),
                found: column.len(),
            });
        }
        self.names.push(name);
        self.columns.push(column);
        Ok(())
    }

    /// The frame with a numeric column added (see [`Frame::push`]).
    pub fn with_numeric(
        mut self,
        name: impl Into<String>,
        values: impl IntoIterator<Item = Option<f64>>,
    ) -> Result<Self> {
        self.push(name, Column::Numeric(values.into_iter().collect()))?;
        Ok(self)
    }

    /// The frame with a categorical column added (see [`Frame::push`]).
    pub fn with_categorical<S: Into<String>>(
        mut self,
        name: impl Into<String>,
        values: impl IntoIterator<Item = Option<S>>,
    ) -> Result<Self> {
        let values = values.into_iter().map(|v| v.map(Into::into)).collect();
        self.push(name, Column::Categorical(values))?;
        Ok(self)
    }

    /// The frame of the given rows, in the given order.
    pub fn select_rows(&self, rows: &[usize]) -> Frame {
        let pick = |column: &Column| match column {
            Column::Numeric(v) => Column::Numeric(rows.iter().map(|&r| v[r]).collect()),
            Column::Categorical(v) => {
                Column::Categorical(rows.iter().map(|&r| v[r].clone()).collect())
            }
        };
        Frame {
            names: self.names.clone(),
            columns: self.columns.iter().map(pick).collect(),
        }
    }

    /// Number of rows (0 without columns).
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    /// The column names, in the order they were added.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The column called `name`, if there is one.
    pub fn column(&self, name: &str) -> Option<&Column> {
        let i = self.names.iter().position(|n| n == name)?;
        Some(&self.columns[i])
    }

    /// The column called `name`, or an error listing the available ones.
    fn require(&self, name: &str) -> Result<&Column> {
        self.column(name).ok_or_else(|| Error::MissingColumn {
            name: name.to_string(),
            available: self.names.join(", "),
        })
    }

    fn numeric(&self, name: &str) -> Result<&[Option<f64>]> {
        match self.require(name)? {
            Column::Numeric(v) => Ok(v),
            other => Err(wrong_type(name, "numeric", other)),
        }
    }

    fn categorical(&self, name: &str) -> Result<&[Option<String>]> {
        match self.require(name)? {
            Column::Categorical(v) => Ok(v),
            other => Err(wrong_type(name, "categorical", other)),
        }
    }
}

fn wrong_type(name: &str, expected: &'static str, found: &Column) -> Error {
    Error::ColumnType {
        name: name.to_string(),
        expected,
        found: found.kind(),
    }
}

/// A transform of each value of a numeric column, before scaling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumericTransform {
    /// Values as they are.
    #[default]
    None,
    /// `ln(1 + x)`, for skewed non-negative amounts (revenue, order counts); a negative value
    /// is an error.
    Log1p,
    /// `sign(x) · ln(1 + |x|)`, for skewed amounts that can be negative (margins, balances).
    SignedLog,
}

impl fmt::Display for NumericTransform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NumericTransform::None => "none",
            NumericTransform::Log1p => "log1p",
            NumericTransform::SignedLog => "signed_log",
        })
    }
}

impl FromStr for NumericTransform {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "none" => Ok(NumericTransform::None),
            "log1p" => Ok(NumericTransform::Log1p),
            "signed_log" => Ok(NumericTransform::SignedLog),
            _ => Err(Error::param(
                "transform",
                format!("\"{s}\""),
                "must be one of: none, log1p, signed_log",
            )),
        }
    }
}

impl NumericTransform {
    /// The transformed values of column `column`. A missing, NaN or infinite value, or a
    /// negative one for `log1p`, is an error naming the column and the row.
    pub fn apply(self, column: &str, values: &[Option<f64>]) -> Result<Vec<f64>> {
        let bad = |row, problem| Error::BadValue {
            column: column.to_string(),
            row,
            problem,
        };
        values
            .iter()
            .enumerate()
            .map(|(row, v)| {
                let v = v.ok_or_else(|| bad(row, ValueProblem::Missing))?;
                if !v.is_finite() {
                    return Err(bad(row, ValueProblem::NotFinite(v)));
                }
                Ok(match self {
                    NumericTransform::None => v,
                    NumericTransform::Log1p if v < 0.0 => {
                        return Err(bad(row, ValueProblem::NegativeForLog1p(v)));
                    }
                    NumericTransform::Log1p => v.ln_1p(),
                    NumericTransform::SignedLog => v.signum() * v.abs().ln_1p(),
                })
            })
            .collect()
    }
}

/// The category of a missing value unless set otherwise.
pub const MISSING: &str = "(missing)";

fn default_missing_label() -> String {
    MISSING.to_string()
}

/// A category's label: itself, or the missing label.
fn label<'a, S: AsRef<str>>(value: &'a Option<S>, missing: &'a str) -> &'a str {
    value.as_ref().map_or(missing, AsRef::as_ref)
}

/// The first ten categories, comma-separated, for error messages.
fn known_list(categories: &[String]) -> String {
    let mut list = categories
        .iter()
        .take(10)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if categories.len() > 10 {
        list.push_str(&format!(", … ({} in all)", categories.len()));
    }
    list
}

/// Each value's position in `categories`, `None` for an unknown one, or the error `unknown`
/// makes for the first unknown one.
fn positions<S: AsRef<str>>(
    column: &str,
    categories: &[String],
    missing: &str,
    values: &[Option<S>],
    unknown_is_error: Option<&'static str>,
) -> Result<Vec<Option<usize>>> {
    let index: HashMap<&str, usize> = categories
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    values
        .iter()
        .enumerate()
        .map(|(row, v)| {
            let value = label(v, missing);
            match (index.get(value), unknown_is_error) {
                (Some(&i), _) => Ok(Some(i)),
                (None, None) => Ok(None),
                (None, Some(fix)) => Err(Error::UnknownCategory {
                    column: column.to_string(),
                    row,
                    value: value.to_string(),
                    known: known_list(categories),
                    fix,
                }),
            }
        })
        .collect()
}

/// The distinct labels of `values`, sorted (byte order, which is scikit-learn's order for
/// strings).
fn sorted_categories<S: AsRef<str>>(values: &[Option<S>], missing: &str) -> Vec<String> {
    let distinct: BTreeSet<&str> = values.iter().map(|v| label(v, missing)).collect();
    distinct.into_iter().map(str::to_string).collect()
}

fn check_not_empty(column: &str, rows: usize) -> Result<()> {
    if rows == 0 {
        return Err(Error::TooFewRows {
            what: format!("encoding column \"{column}\""),
            needed: 1,
            rows,
        });
    }
    Ok(())
}

/// What a one-hot encoder does with a category it did not see when fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HandleUnknown {
    /// Fail, naming the column, the row and the category.
    #[default]
    Error,
    /// Encode it as all zeros (scikit-learn's `handle_unknown="ignore"`).
    Ignore,
}

impl fmt::Display for HandleUnknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HandleUnknown::Error => "error",
            HandleUnknown::Ignore => "ignore",
        })
    }
}

impl FromStr for HandleUnknown {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "error" => Ok(HandleUnknown::Error),
            "ignore" => Ok(HandleUnknown::Ignore),
            _ => Err(Error::param(
                "handle_unknown",
                format!("\"{s}\""),
                "must be one of: error, ignore",
            )),
        }
    }
}

/// One-hot parameters; built with [`OneHotEncoder::params`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneHotParams {
    #[serde(default)]
    handle_unknown: HandleUnknown,
    #[serde(default)]
    drop_first: bool,
    #[serde(default = "default_missing_label")]
    missing_label: String,
}

impl Default for OneHotParams {
    fn default() -> Self {
        OneHotParams {
            handle_unknown: HandleUnknown::default(),
            drop_first: false,
            missing_label: default_missing_label(),
        }
    }
}

impl OneHotParams {
    /// What to do with categories unseen when fitting. Default: [`HandleUnknown::Error`].
    pub fn handle_unknown(mut self, handle_unknown: HandleUnknown) -> Self {
        self.handle_unknown = handle_unknown;
        self
    }

    /// Leave out the first category's column (it is the row of zeros), as scikit-learn's
    /// `drop="first"`; an unknown category ignored is then encoded as the first one. Default:
    /// false.
    pub fn drop_first(mut self, drop_first: bool) -> Self {
        self.drop_first = drop_first;
        self
    }

    /// The category of missing values. Default: `(missing)`.
    pub fn missing_label(mut self, label: impl Into<String>) -> Self {
        self.missing_label = label.into();
        self
    }

    /// Learns the sorted categories of column `column`, which needs at least one value.
    pub fn fit<S: AsRef<str>>(&self, column: &str, values: &[Option<S>]) -> Result<OneHotEncoder> {
        check_not_empty(column, values.len())?;
        Ok(OneHotEncoder {
            column: column.to_string(),
            categories: sorted_categories(values, &self.missing_label),
            params: self.clone(),
        })
    }
}

/// A fitted one-hot encoding of one column: one 0/1 output column per category (sorted), named
/// `column=category`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneHotEncoder {
    column: String,
    categories: Vec<String>,
    params: OneHotParams,
}

impl OneHotEncoder {
    /// Parameters with their defaults: unknown categories are an error, no column dropped,
    /// missing values as `(missing)`.
    pub fn params() -> OneHotParams {
        OneHotParams::default()
    }

    /// The categories seen when fitting, sorted.
    pub fn categories(&self) -> &[String] {
        &self.categories
    }

    /// Number of output columns: the categories, less the first one when it is dropped.
    pub fn n_features(&self) -> usize {
        self.categories.len() - usize::from(self.params.drop_first)
    }

    /// The output column names, `column=category`.
    pub fn feature_names(&self) -> Vec<String> {
        self.categories[self.first_kept()..]
            .iter()
            .map(|c| format!("{}={c}", self.column))
            .collect()
    }

    /// An `n × n_features` matrix of 0 and 1.
    pub fn transform<S: AsRef<str>>(&self, values: &[Option<S>]) -> Result<Matrix<f64>> {
        let p = self.n_features();
        let data = self.encode(values, 1.0)?;
        Ok(Matrix::from_parts_unchecked(data, values.len(), p))
    }

    fn first_kept(&self) -> usize {
        usize::from(self.params.drop_first)
    }

    /// Row-major `n × n_features` values, `weight` for a row's category and 0 elsewhere.
    fn encode<S: AsRef<str>>(&self, values: &[Option<S>], weight: f64) -> Result<Vec<f64>> {
        let fix = "fit on data that has it, or set handle_unknown to \"ignore\" to encode it \
                   as zeros";
        let unknown = (self.params.handle_unknown == HandleUnknown::Error).then_some(fix);
        let positions = positions(
            &self.column,
            &self.categories,
            &self.params.missing_label,
            values,
            unknown,
        )?;
        let (p, first) = (self.n_features(), self.first_kept());
        let mut data = vec![0.0; values.len() * p];
        for (row, position) in positions.into_iter().enumerate() {
            if let Some(i) = position.filter(|&i| i >= first) {
                data[row * p + i - first] = weight;
            }
        }
        Ok(data)
    }
}

/// What an ordinal encoder gives a category it does not know.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrdinalUnknown {
    /// Fail, naming the column, the row and the category.
    Error,
    /// This code (scikit-learn's `handle_unknown="use_encoded_value"`).
    Value(f64),
}

impl Default for OrdinalUnknown {
    /// `Value(-1.0)`.
    fn default() -> Self {
        OrdinalUnknown::Value(-1.0)
    }
}

/// Ordinal parameters; built with [`OrdinalEncoder::params`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrdinalParams {
    #[serde(default)]
    order: Option<Vec<String>>,
    #[serde(default)]
    unknown: OrdinalUnknown,
    #[serde(default = "default_missing_label")]
    missing_label: String,
}

impl Default for OrdinalParams {
    fn default() -> Self {
        OrdinalParams {
            order: None,
            unknown: OrdinalUnknown::default(),
            missing_label: default_missing_label(),
        }
    }
}

impl OrdinalParams {
    /// The categories in their order (`small`, `medium`, `large`): codes 0, 1, 2, …; fitting
    /// fails on a category not in it. Default: the categories seen when fitting, sorted.
    pub fn order<S: Into<String>>(mut self, order: impl IntoIterator<Item = S>) -> Self {
        self.order = Some(order.into_iter().map(Into::into).collect());
        self
    }

    /// The code of a category unknown when transforming. Default: `Value(-1.0)`.
    pub fn unknown(mut self, unknown: OrdinalUnknown) -> Self {
        self.unknown = unknown;
        self
    }

    /// The category of missing values. Default: `(missing)`.
    pub fn missing_label(mut self, label: impl Into<String>) -> Self {
        self.missing_label = label.into();
        self
    }

    /// Validates the parameters.
    pub fn check(&self) -> Result<&Self> {
        if let Some(order) = &self.order {
            if order.is_empty() {
                return Err(Error::param(
                    "order",
                    "[]",
                    "must list at least one category",
                ));
            }
            let mut seen = BTreeSet::new();
            if let Some(twice) = order.iter().find(|c| !seen.insert(c.as_str())) {
                return Err(Error::param(
                    "order",
                    format!("[{}]", order.join(", ")),
                    format!("lists \"{twice}\" twice"),
                ));
            }
        }
        if let OrdinalUnknown::Value(v) = self.unknown
            && !v.is_finite()
        {
            return Err(Error::param("unknown_value", v, "must be a finite number"));
        }
        Ok(self)
    }

    /// Checks the parameters and learns the categories of column `column` (which needs at
    /// least one value): the given order, or the sorted distinct values.
    pub fn fit<S: AsRef<str>>(&self, column: &str, values: &[Option<S>]) -> Result<OrdinalEncoder> {
        self.check()?;
        check_not_empty(column, values.len())?;
        let categories = match &self.order {
            Some(order) => {
                let fix = "add it to the category order";
                positions(column, order, &self.missing_label, values, Some(fix))?;
                order.clone()
            }
            None => sorted_categories(values, &self.missing_label),
        };
        Ok(OrdinalEncoder {
            column: column.to_string(),
            categories,
            unknown: self.unknown,
            missing_label: self.missing_label.clone(),
        })
    }
}

/// A fitted ordinal encoding of one column: each category's position as a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrdinalEncoder {
    column: String,
    categories: Vec<String>,
    unknown: OrdinalUnknown,
    missing_label: String,
}

impl OrdinalEncoder {
    /// Parameters with their defaults: sorted categories, unknown categories coded −1, missing
    /// values as `(missing)`.
    pub fn params() -> OrdinalParams {
        OrdinalParams::default()
    }

    /// The categories, code 0 first.
    pub fn categories(&self) -> &[String] {
        &self.categories
    }

    /// The code of each value.
    pub fn transform<S: AsRef<str>>(&self, values: &[Option<S>]) -> Result<Vec<f64>> {
        let fix = "fit on data that has it, or give a value for unknown categories";
        let unknown_is_error = match self.unknown {
            OrdinalUnknown::Error => Some(fix),
            OrdinalUnknown::Value(_) => None,
        };
        let unknown_code = match self.unknown {
            OrdinalUnknown::Value(v) => v,
            OrdinalUnknown::Error => f64::NAN,
        };
        let positions = positions(
            &self.column,
            &self.categories,
            &self.missing_label,
            values,
            unknown_is_error,
        )?;
        Ok(positions
            .into_iter()
            .map(|p| p.map_or(unknown_code, |i| i as f64))
            .collect())
    }
}

/// How a numeric column is prepared: a transform, then a scaling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumericParams {
    #[serde(default)]
    transform: NumericTransform,
    #[serde(default = "default_scaling")]
    scaling: Scaling,
}

fn default_scaling() -> Scaling {
    Scaling::ZScore
}

impl Default for NumericParams {
    fn default() -> Self {
        NumericParams {
            transform: NumericTransform::None,
            scaling: default_scaling(),
        }
    }
}

impl NumericParams {
    /// The transform applied first. Default: [`NumericTransform::None`].
    pub fn transform(mut self, transform: NumericTransform) -> Self {
        self.transform = transform;
        self
    }

    /// The scaling fitted to the transformed values. Default: [`Scaling::ZScore`].
    pub fn scaling(mut self, scaling: Scaling) -> Self {
        self.scaling = scaling;
        self
    }
}

/// How one column is encoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// A numeric column: transform, then scaling; one output column.
    Numeric(NumericParams),
    /// A categorical column, one output column per category.
    OneHot(OneHotParams),
    /// A categorical column, its categories' codes as one output column.
    Ordinal(OrdinalParams),
}

/// One input column of a [`Preprocessor`]: its name, its encoding and the weight its output
/// columns are multiplied by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnSpec {
    column: String,
    encoding: Encoding,
    #[serde(default = "default_weight")]
    weight: f64,
}

fn default_weight() -> f64 {
    1.0
}

impl ColumnSpec {
    /// A numeric column, prepared by `params`.
    pub fn numeric(column: impl Into<String>, params: NumericParams) -> Self {
        ColumnSpec::new(column, Encoding::Numeric(params))
    }

    /// A categorical column, one-hot encoded.
    pub fn one_hot(column: impl Into<String>, params: OneHotParams) -> Self {
        ColumnSpec::new(column, Encoding::OneHot(params))
    }

    /// A categorical column, ordinal encoded.
    pub fn ordinal(column: impl Into<String>, params: OrdinalParams) -> Self {
        ColumnSpec::new(column, Encoding::Ordinal(params))
    }

    fn new(column: impl Into<String>, encoding: Encoding) -> Self {
        ColumnSpec {
            column: column.into(),
            encoding,
            weight: default_weight(),
        }
    }

    /// What the column's outputs are multiplied by, to give it more or less say in distances.
    /// Default: 1.
    pub fn weight(mut self, weight: f64) -> Self {
        self.weight = weight;
        self
    }
}

/// Preprocessor parameters: one [`ColumnSpec`] per input column; built with
/// [`Preprocessor::params`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreprocessorParams {
    columns: Vec<ColumnSpec>,
}

impl PreprocessorParams {
    /// Validates the parameters: at least one column, each named once, weights finite and at
    /// least 0, ordinal orders valid.
    pub fn check(&self) -> Result<&Self> {
        if self.columns.is_empty() {
            return Err(Error::param(
                "columns",
                "[]",
                "must list at least one column",
            ));
        }
        let mut seen = BTreeSet::new();
        for spec in &self.columns {
            if !seen.insert(spec.column.as_str()) {
                return Err(Error::DuplicateColumn {
                    name: spec.column.clone(),
                });
            }
            if !(spec.weight.is_finite() && spec.weight >= 0.0) {
                return Err(Error::param(
                    "weight",
                    spec.weight,
                    format!(
                        "must be a finite number, at least 0 (column \"{}\")",
                        spec.column
                    ),
                ));
            }
            if let Encoding::Ordinal(params) = &spec.encoding {
                params.check()?;
            }
        }
        Ok(self)
    }

    /// Checks the parameters and learns each column's categories and scaling from `frame`
    /// (which needs at least one row; columns without a specification are ignored).
    pub fn fit(&self, frame: &Frame) -> Result<Preprocessor> {
        self.check()?;
        let steps = self
            .columns
            .iter()
            .map(|spec| {
                let (column, weight) = (spec.column.as_str(), spec.weight);
                Ok(match &spec.encoding {
                    Encoding::Numeric(params) => {
                        let values = frame.numeric(column)?;
                        check_not_empty(column, values.len())?;
                        let transformed = params.transform.apply(column, values)?;
                        let n = transformed.len();
                        let scaler = Scaler::fit(&Matrix::new(transformed, n, 1)?, params.scaling)?;
                        Step::Numeric {
                            column: column.to_string(),
                            transform: params.transform,
                            scaler,
                            weight,
                        }
                    }
                    Encoding::OneHot(params) => Step::OneHot {
                        encoder: params.fit(column, frame.categorical(column)?)?,
                        weight,
                    },
                    Encoding::Ordinal(params) => Step::Ordinal {
                        encoder: params.fit(column, frame.categorical(column)?)?,
                        weight,
                    },
                })
            })
            .collect::<Result<_>>()?;
        Ok(Preprocessor { steps })
    }

    /// Fits on `frame` and returns it transformed.
    pub fn fit_transform(&self, frame: &Frame) -> Result<(Preprocessor, Matrix<f64>)> {
        let pre = self.fit(frame)?;
        let x = pre.transform(frame)?;
        Ok((pre, x))
    }
}

/// A fitted preprocessing of a [`Frame`] into a matrix: each specified column transformed,
/// scaled or encoded, and weighted, in the order of the specifications. Serializable, to be
/// saved with a model and applied to new data (an exact JSON round trip needs serde_json's
/// `float_roundtrip` feature).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preprocessor {
    steps: Vec<Step>,
}

/// One fitted column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Step {
    Numeric {
        column: String,
        transform: NumericTransform,
        scaler: Scaler,
        weight: f64,
    },
    OneHot {
        encoder: OneHotEncoder,
        weight: f64,
    },
    Ordinal {
        encoder: OrdinalEncoder,
        weight: f64,
    },
}

impl Step {
    fn feature_names(&self) -> Vec<String> {
        match self {
            Step::Numeric { column, .. } => vec![column.clone()],
            Step::OneHot { encoder, .. } => encoder.feature_names(),
            Step::Ordinal { encoder, .. } => vec![encoder.column.clone()],
        }
    }

    fn n_features(&self) -> usize {
        match self {
            Step::OneHot { encoder, .. } => encoder.n_features(),
            Step::Numeric { .. } | Step::Ordinal { .. } => 1,
        }
    }

    /// Row-major `n × n_features` output for `frame`.
    fn apply(&self, frame: &Frame) -> Result<Vec<f64>> {
        match self {
            Step::Numeric {
                column,
                transform,
                scaler,
                weight,
            } => {
                let values = transform.apply(column, frame.numeric(column)?)?;
                let n = values.len();
                let scaled = scaler.transform(&Matrix::new(values, n, 1)?)?;
                Ok(scaled.into_vec().into_iter().map(|v| v * weight).collect())
            }
            Step::OneHot { encoder, weight } => {
                encoder.encode(frame.categorical(&encoder.column)?, *weight)
            }
            Step::Ordinal { encoder, weight } => {
                let codes = encoder.transform(frame.categorical(&encoder.column)?)?;
                Ok(codes.into_iter().map(|v| v * weight).collect())
            }
        }
    }
}

impl Preprocessor {
    /// Parameters from one specification per input column, in output order.
    pub fn params(columns: impl IntoIterator<Item = ColumnSpec>) -> PreprocessorParams {
        PreprocessorParams {
            columns: columns.into_iter().collect(),
        }
    }

    /// Number of output columns.
    pub fn n_features(&self) -> usize {
        self.steps.iter().map(Step::n_features).sum()
    }

    /// The output column names: a numeric or ordinal column's name, `column=category` for
    /// one-hot columns.
    pub fn feature_names(&self) -> Vec<String> {
        self.steps.iter().flat_map(Step::feature_names).collect()
    }

    /// The input column behind each output column: its own name for a numeric or ordinal
    /// column, the encoded column's for each one-hot column.
    pub fn feature_sources(&self) -> Vec<String> {
        self.steps
            .iter()
            .flat_map(|step| {
                let source = match step {
                    Step::Numeric { column, .. } => column,
                    Step::OneHot { encoder, .. } => &encoder.column,
                    Step::Ordinal { encoder, .. } => &encoder.column,
                };
                std::iter::repeat_n(source.clone(), step.n_features())
            })
            .collect()
    }

    /// `frame` as an `n × n_features` matrix. Fails on a missing column, a column of the wrong
    /// kind, a missing or invalid number, or an unknown category where that is an error.
    pub fn transform(&self, frame: &Frame) -> Result<Matrix<f64>> {
        let (n, p) = (frame.rows(), self.n_features());
        let mut data = vec![0.0; n * p];
        let mut offset = 0;
        for step in &self.steps {
            let width = step.n_features();
            if width == 0 {
                // A one-hot column with one category, dropped.
                continue;
            }
            let values = step.apply(frame)?;
            for (i, row) in values.chunks_exact(width).enumerate() {
                data[i * p + offset..i * p + offset + width].copy_from_slice(row);
            }
            offset += width;
        }
        // A huge value times a huge weight can still overflow.
        Matrix::new(data, n, p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cats(values: &[&str]) -> Vec<Option<String>> {
        values
            .iter()
            .map(|v| (!v.is_empty()).then(|| v.to_string()))
            .collect()
    }

    fn accounts() -> Frame {
        Frame::new()
            .with_numeric(
                "revenue",
                [
                    Some(120.0),
                    Some(0.0),
                    Some(5400.0),
                    Some(33.5),
                    Some(870.0),
                ],
            )
            .unwrap()
            .with_categorical(
                "sector",
                [
                    Some("Retail"),
                    Some("Manufacturing"),
                    None,
                    Some("Retail"),
                    Some("Services"),
                ],
            )
            .unwrap()
            .with_categorical(
                "size",
                ["small", "small", "large", "medium", "medium"].map(Some),
            )
            .unwrap()
    }

    fn specs() -> Vec<ColumnSpec> {
        vec![
            ColumnSpec::numeric(
                "revenue",
                NumericParams::default().transform(NumericTransform::Log1p),
            ),
            ColumnSpec::one_hot(
                "sector",
                OneHotEncoder::params().handle_unknown(HandleUnknown::Ignore),
            ),
            ColumnSpec::ordinal(
                "size",
                OrdinalEncoder::params().order(["small", "medium", "large"]),
            ),
        ]
    }

    #[test]
    fn one_hot_sorts_categories_and_names_columns() {
        let values = cats(&["Retail", "Manufacturing", "", "Retail"]);
        let enc = OneHotEncoder::params().fit("sector", &values).unwrap();
        assert_eq!(enc.categories(), ["(missing)", "Manufacturing", "Retail"]);
        assert_eq!(
            enc.feature_names(),
            ["sector=(missing)", "sector=Manufacturing", "sector=Retail"]
        );
        let x = enc.transform(&values).unwrap();
        assert_eq!(x.row(0), [0.0, 0.0, 1.0]);
        assert_eq!(x.row(2), [1.0, 0.0, 0.0]);
    }

    #[test]
    fn one_hot_accepts_str_values_and_a_missing_label() {
        let values = [Some("b"), None, Some("a")];
        let enc = OneHotEncoder::params()
            .missing_label("unknown")
            .fit("x", &values)
            .unwrap();
        assert_eq!(enc.categories(), ["a", "b", "unknown"]);
        assert_eq!(enc.transform(&values).unwrap().row(1), [0.0, 0.0, 1.0]);
    }

    #[test]
    fn one_hot_unknown_category_is_an_error_naming_column_row_and_value() {
        let enc = OneHotEncoder::params()
            .fit("sector", &cats(&["Retail", "Services"]))
            .unwrap();
        let e = enc
            .transform(&cats(&["Retail", "Mining", "Energy"]))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "column \"sector\", row 1: unknown category \"Mining\" (known: Retail, Services); \
             fit on data that has it, or set handle_unknown to \"ignore\" to encode it as zeros"
        );
    }

    #[test]
    fn one_hot_ignore_gives_zero_rows_and_drop_first_drops_a_column() {
        let train = cats(&["b", "a", "c"]);
        let enc = OneHotEncoder::params()
            .handle_unknown(HandleUnknown::Ignore)
            .fit("x", &train)
            .unwrap();
        assert_eq!(enc.transform(&cats(&["z"])).unwrap().row(0), [0.0; 3]);
        let enc = OneHotEncoder::params()
            .handle_unknown(HandleUnknown::Ignore)
            .drop_first(true)
            .fit("x", &train)
            .unwrap();
        assert_eq!(enc.feature_names(), ["x=b", "x=c"]);
        let x = enc.transform(&cats(&["a", "c", "z"])).unwrap();
        assert_eq!(x.as_slice(), [0.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
    }

    #[test]
    fn ordinal_sorted_or_given_order_and_unknown_value() {
        let values = cats(&["medium", "small", "large"]);
        let sorted = OrdinalEncoder::params().fit("size", &values).unwrap();
        assert_eq!(sorted.categories(), ["large", "medium", "small"]);
        assert_eq!(sorted.transform(&values).unwrap(), [1.0, 2.0, 0.0]);
        let ordered = OrdinalEncoder::params()
            .order(["small", "medium", "large"])
            .fit("size", &values)
            .unwrap();
        let codes = ordered
            .transform(&cats(&["large", "huge", "small"]))
            .unwrap();
        assert_eq!(codes, [2.0, -1.0, 0.0]);
        let custom = OrdinalEncoder::params()
            .unknown(OrdinalUnknown::Value(9.0))
            .fit("size", &values)
            .unwrap();
        assert_eq!(custom.transform(&cats(&["huge"])).unwrap(), [9.0]);
    }

    #[test]
    fn ordinal_unknown_can_be_an_error() {
        let enc = OrdinalEncoder::params()
            .unknown(OrdinalUnknown::Error)
            .fit("size", &cats(&["small", "large"]))
            .unwrap();
        let e = enc.transform(&cats(&["small", ""])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "column \"size\", row 1: unknown category \"(missing)\" (known: large, small); \
             fit on data that has it, or give a value for unknown categories"
        );
    }

    #[test]
    fn ordinal_order_must_hold_every_fitted_category() {
        let e = OrdinalEncoder::params()
            .order(["small", "large"])
            .fit("size", &cats(&["small", "medium"]))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "column \"size\", row 1: unknown category \"medium\" (known: small, large); \
             add it to the category order"
        );
    }

    #[test]
    fn ordinal_order_with_a_duplicate_is_rejected() {
        let e = OrdinalEncoder::params()
            .order(["small", "large", "small"])
            .check()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid parameter `order` = [small, large, small]: lists \"small\" twice"
        );
    }

    #[test]
    fn ordinal_empty_order_is_rejected() {
        let e = OrdinalEncoder::params()
            .order(Vec::<String>::new())
            .check()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid parameter `order` = []: must list at least one category"
        );
    }

    #[test]
    fn ordinal_unknown_value_must_be_finite() {
        let e = OrdinalEncoder::params()
            .unknown(OrdinalUnknown::Value(f64::NAN))
            .check()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid parameter `unknown_value` = NaN: must be a finite number"
        );
    }

    #[test]
    fn known_categories_are_listed_up_to_ten() {
        let many: Vec<String> = (0..12).map(|i| format!("c{i:02}")).collect();
        assert_eq!(
            known_list(&many),
            "c00, c01, c02, c03, c04, c05, c06, c07, c08, c09, … (12 in all)"
        );
    }

    #[test]
    fn encoding_an_empty_column_is_an_error() {
        let e = OneHotEncoder::params()
            .fit("sector", &Vec::<Option<String>>::new())
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "encoding column \"sector\" needs at least 1 rows; the data has 0"
        );
    }

    #[test]
    fn log_transforms() {
        let v = [Some(0.0), Some(1.0), Some(-1.0)];
        let t = NumericTransform::SignedLog.apply("x", &v).unwrap();
        assert_eq!(t, [0.0, 2f64.ln(), -(2f64.ln())]);
        let t = NumericTransform::Log1p.apply("x", &v[..2]).unwrap();
        assert_eq!(t, [0.0, 2f64.ln()]);
        assert_eq!(
            NumericTransform::None.apply("x", &v).unwrap(),
            [0.0, 1.0, -1.0]
        );
    }

    #[test]
    fn log1p_of_a_negative_is_an_error_naming_column_and_row() {
        let e = NumericTransform::Log1p
            .apply("revenue", &[Some(3.0), Some(-5.0)])
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "column \"revenue\", row 1: value -5 is negative; log1p needs values of at least 0 \
             (use signed_log for values that can be negative)"
        );
    }

    #[test]
    fn missing_and_non_finite_numbers_are_errors() {
        let e = NumericTransform::None
            .apply("employees", &[Some(3.0), Some(4.0), None])
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "column \"employees\", row 2: missing value; impute or drop missing values before \
             encoding"
        );
        let e = NumericTransform::None
            .apply("employees", &[Some(f64::INFINITY)])
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "column \"employees\", row 0: value inf is not finite"
        );
    }

    #[test]
    fn transforms_and_unknown_handling_parse_and_display() {
        for t in [
            NumericTransform::None,
            NumericTransform::Log1p,
            NumericTransform::SignedLog,
        ] {
            assert_eq!(t.to_string().parse::<NumericTransform>().unwrap(), t);
        }
        assert_eq!(
            "log".parse::<NumericTransform>().unwrap_err().to_string(),
            "invalid parameter `transform` = \"log\": must be one of: none, log1p, signed_log"
        );
        for h in [HandleUnknown::Error, HandleUnknown::Ignore] {
            assert_eq!(h.to_string().parse::<HandleUnknown>().unwrap(), h);
        }
        assert_eq!(
            "skip".parse::<HandleUnknown>().unwrap_err().to_string(),
            "invalid parameter `handle_unknown` = \"skip\": must be one of: error, ignore"
        );
    }

    #[test]
    fn frame_rejects_duplicate_names() {
        let e = accounts().with_numeric("revenue", [None; 5]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "column \"revenue\" is given twice; column names must be unique"
        );
    }

    #[test]
    fn missing_column_lists_the_available_ones() {
        let e = Preprocessor::params([ColumnSpec::numeric("employees", NumericParams::default())])
            .fit(&accounts())
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "missing column \"employees\"; available columns: revenue, sector, size"
        );
    }

    #[test]
    fn column_of_the_wrong_kind_is_an_error() {
        let e = Preprocessor::params([ColumnSpec::numeric("sector", NumericParams::default())])
            .fit(&accounts())
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "column \"sector\" is categorical but its specification needs a numeric column"
        );
    }

    #[test]
    fn preprocessor_encodes_scales_and_names() {
        let (pre, x) = Preprocessor::params(specs())
            .fit_transform(&accounts())
            .unwrap();
        assert_eq!(
            pre.feature_names(),
            [
                "revenue",
                "sector=(missing)",
                "sector=Manufacturing",
                "sector=Retail",
                "sector=Services",
                "size"
            ]
        );
        let picked = accounts().select_rows(&[4, 0]);
        assert_eq!(picked.rows(), 2);
        assert_eq!(
            pre.transform(&picked).unwrap().row(1),
            pre.transform(&accounts()).unwrap().row(0)
        );
        assert_eq!(
            pre.feature_sources(),
            ["revenue", "sector", "sector", "sector", "sector", "size"]
        );
        assert_eq!((x.rows(), x.cols()), (5, pre.n_features()));
        // log1p then z-score: mean 0, population variance 1.
        let revenue: Vec<f64> = x.iter_rows().map(|r| r[0]).collect();
        let mean = revenue.iter().sum::<f64>() / 5.0;
        let var = revenue.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / 5.0;
        assert!(mean.abs() < 1e-15 && (var - 1.0).abs() < 1e-12);
        assert_eq!(x.row(2)[1..], [1.0, 0.0, 0.0, 0.0, 2.0]);
    }

    #[test]
    fn weights_multiply_each_columns_outputs() {
        let frame = accounts();
        let (_, plain) = Preprocessor::params(specs()).fit_transform(&frame).unwrap();
        let weights = [2.0, 0.5, 0.0];
        let weighted = specs().into_iter().zip(weights).map(|(s, w)| s.weight(w));
        let (_, x) = Preprocessor::params(weighted)
            .fit_transform(&frame)
            .unwrap();
        let column_weight = [2.0, 0.5, 0.5, 0.5, 0.5, 0.0];
        for (a, b) in x.iter_rows().zip(plain.iter_rows()) {
            for ((v, p), w) in a.iter().zip(b).zip(column_weight) {
                assert_eq!(*v, p * w);
            }
        }
    }

    #[test]
    fn fit_on_one_frame_transform_another() {
        let pre = Preprocessor::params(specs()).fit(&accounts()).unwrap();
        let new = Frame::new()
            .with_categorical("size", [Some("huge"), Some("large")])
            .unwrap()
            .with_categorical("sector", [Some("Mining"), Some("Retail")])
            .unwrap()
            .with_numeric("revenue", [Some(10.0), Some(0.0)])
            .unwrap();
        let x = pre.transform(&new).unwrap();
        assert_eq!(x.row(0)[1..], [0.0, 0.0, 0.0, 0.0, -1.0]);
        assert_eq!(x.row(1)[1..], [0.0, 0.0, 1.0, 0.0, 2.0]);
        assert_eq!(x.get(1, 0), pre.transform(&accounts()).unwrap().get(1, 0));
        let bad = new
            .clone()
            .with_numeric("employees", [Some(1.0), None])
            .unwrap();
        assert!(
            pre.transform(&bad).is_ok(),
            "columns without a spec are ignored"
        );
        let negative = Frame::new()
            .with_numeric("revenue", [Some(-2.0)])
            .unwrap()
            .with_categorical("sector", [Some("Retail")])
            .unwrap()
            .with_categorical("size", [Some("small")])
            .unwrap();
        assert!(matches!(
            pre.transform(&negative).unwrap_err(),
            Error::BadValue {
                row: 0,
                problem: ValueProblem::NegativeForLog1p(_),
                ..
            }
        ));
    }

    #[test]
    fn serialization_round_trip_gives_identical_output() {
        let frame = accounts();
        let weighted = specs().into_iter().map(|s| s.weight(1.5));
        let params = Preprocessor::params(weighted);
        let pre = params.fit(&frame).unwrap();
        let json = serde_json::to_string(&pre).unwrap();
        let back: Preprocessor = serde_json::from_str(&json).unwrap();
        assert_eq!(back, pre);
        assert_eq!(
            back.transform(&frame).unwrap(),
            pre.transform(&frame).unwrap()
        );
        assert_eq!(back.feature_names(), pre.feature_names());
        let params_json = serde_json::to_string(&params).unwrap();
        assert_eq!(
            serde_json::from_str::<PreprocessorParams>(&params_json).unwrap(),
            params
        );
        let written: PreprocessorParams = serde_json::from_str(
            r#"{"columns": [
                {"column": "revenue", "encoding": {"numeric": {"transform": "log1p"}}},
                {"column": "sector", "encoding": {"one_hot": {"handle_unknown": "ignore"}}},
                {"column": "size", "encoding": {"ordinal": {"order": ["small", "medium", "large"]}}}
            ]}"#,
        )
        .unwrap();
        assert_eq!(written, Preprocessor::params(specs()));
    }

    #[test]
    fn preprocessor_without_columns_is_rejected() {
        let e = Preprocessor::params([]).check().unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid parameter `columns` = []: must list at least one column"
        );
    }

    #[test]
    fn preprocessor_column_given_twice_is_rejected() {
        let twice = [
            ColumnSpec::numeric("revenue", NumericParams::default()),
            ColumnSpec::ordinal("revenue", OrdinalEncoder::params()),
        ];
        let e = Preprocessor::params(twice).check().unwrap_err();
        assert_eq!(
            e.to_string(),
            "column \"revenue\" is given twice; column names must be unique"
        );
    }

    #[test]
    fn negative_weight_is_rejected() {
        let spec = ColumnSpec::numeric("revenue", NumericParams::default()).weight(-1.0);
        let e = Preprocessor::params([spec]).check().unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid parameter `weight` = -1: must be a finite number, at least 0 (column \
             \"revenue\")"
        );
    }

    #[test]
    fn fitting_on_no_rows_is_an_error() {
        let empty = Frame::new().with_numeric("revenue", []).unwrap();
        let e = Preprocessor::params([ColumnSpec::numeric("revenue", NumericParams::default())])
            .fit(&empty)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "encoding column \"revenue\" needs at least 1 rows; the data has 0"
        );
    }
}
