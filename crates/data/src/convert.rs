//! Converting one column of a batch of text rows into a typed Arrow array, collecting the rows
//! whose value cannot be converted.

use std::sync::Arc;

use arrow_array::ArrayRef;
use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use cible_core::project::SourceSpec;
use cible_core::schema::ColumnType;

use crate::coerce;
use crate::read::TextRows;

/// A value that could not be converted: its row in the batch, the raw text, and what the
/// column expected.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BadValue {
    pub row: usize,
    pub value: String,
    pub expected: String,
}

/// Settings that decide how text is read.
pub(crate) struct TextRules<'a> {
    pub spec: &'a SourceSpec,
    null_max_len: usize,
}

impl<'a> TextRules<'a> {
    pub fn new(spec: &'a SourceSpec) -> Self {
        let null_max_len = spec.null_values.iter().map(String::len).max().unwrap_or(0);
        Self { spec, null_max_len }
    }

    /// The trimmed value, or `None` when it means "missing".
    pub fn value<'t>(&self, raw: Option<&'t str>) -> Option<&'t str> {
        let t = raw?.trim();
        if t.is_empty() {
            return None;
        }
        if t.len() <= self.null_max_len {
            let lower = t.to_lowercase();
            if self.spec.null_values.contains(&lower) {
                return None;
            }
        }
        Some(t)
    }
}

/// Converts source column `col` of `rows` to `ty`. Missing values become nulls; values that
/// cannot be converted become nulls and are returned as [`BadValue`]s.
pub(crate) fn convert_column(
    rows: &dyn TextRows,
    col: usize,
    ty: ColumnType,
    format: Option<&str>,
    rules: &TextRules<'_>,
) -> (ArrayRef, Vec<BadValue>) {
    let n = rows.len();
    let passthrough = matches!(
        ty,
        ColumnType::Integer
            | ColumnType::Number
            | ColumnType::Date
            | ColumnType::Timestamp
            | ColumnType::Boolean
    );
    if let Some(array) = rows
        .typed_column(col)
        .filter(|a| passthrough && a.data_type() == &ty.data_type())
    {
        return (array.clone(), Vec::new());
    }
    let mut bad = Vec::new();
    let decimal = if rows.is_typed(col) {
        b'.'
    } else {
        rules.spec.decimal
    };
    let order = rules.spec.date_order;
    // Calls `parse` on every present value; a failure is recorded and yields a null.
    macro_rules! build {
        ($builder:expr, $parse:expr) => {{
            let mut builder = $builder;
            for row in 0..n {
                match rules.value(rows.cell(row, col)) {
                    None => builder.append_null(),
                    Some(text) => match $parse(text) {
                        Some(v) => builder.append_value(v),
                        None => {
                            bad.push(BadValue {
                                row,
                                value: crate::rejects::excerpt(text),
                                expected: ty.expected(),
                            });
                            builder.append_null();
                        }
                    },
                }
            }
            Arc::new(builder.finish()) as ArrayRef
        }};
    }
    let array = match ty {
        ColumnType::Text => build!(StringBuilder::with_capacity(n, n * 16), Some),
        ColumnType::Integer => build!(Int64Builder::with_capacity(n), |t| coerce::parse_integer(
            t, decimal
        )),
        ColumnType::Number => build!(Float64Builder::with_capacity(n), |t| coerce::parse_number(
            t, decimal
        )),
        ColumnType::Boolean => build!(BooleanBuilder::with_capacity(n), coerce::parse_bool),
        ColumnType::Date => build!(Date32Builder::with_capacity(n), |t| {
            coerce::parse_date(t, order, format).map(coerce::date32)
        }),
        ColumnType::Timestamp => build!(
            TimestampMicrosecondBuilder::with_capacity(n).with_timezone("UTC"),
            |t| coerce::parse_timestamp(t, order, format)
        ),
        ColumnType::OneOf(allowed) => build!(StringBuilder::with_capacity(n, n * 8), |t: &str| {
            allowed.iter().find(|a| a.eq_ignore_ascii_case(t)).copied()
        }),
        ColumnType::Json => build!(StringBuilder::with_capacity(n, n * 32), json_object),
    };
    (array, bad)
}

fn json_object(text: &str) -> Option<&str> {
    coerce::is_json_object(text).then_some(text)
}
