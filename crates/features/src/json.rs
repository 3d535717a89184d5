//! JSON in the SQL: `properties->>'campaign'` (PostgreSQL's operator) and its function form
//! `json_get(properties, 'campaign')`, the value of a key of a JSON object as text.
//!
//! Strings come back without their quotes, numbers and booleans as written, nested objects
//! and arrays as JSON text; a missing key, a JSON `null`, a NULL document or one that is not
//! a JSON object give NULL, as in PostgreSQL.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{DFSchema, ScalarValue};
use datafusion::error::Result;
use datafusion::logical_expr::planner::{ExprPlanner, PlannerResult, RawBinaryExpr};
use datafusion::logical_expr::sqlparser::ast::BinaryOperator;
use datafusion::logical_expr::{ColumnarValue, ScalarUDF, Volatility, create_udf};

/// The name of the function form.
pub const JSON_GET: &str = "json_get";

/// `json_get(document, key)`: the value of `key` in the JSON object `document`, as text.
pub fn json_get_udf() -> ScalarUDF {
    create_udf(
        JSON_GET,
        vec![DataType::Utf8, DataType::Utf8],
        DataType::Utf8,
        Volatility::Immutable,
        Arc::new(json_get),
    )
}

fn json_get(args: &[ColumnarValue]) -> Result<ColumnarValue> {
    let rows = args
        .iter()
        .find_map(|a| match a {
            ColumnarValue::Array(a) => Some(a.len()),
            ColumnarValue::Scalar(_) => None,
        })
        .unwrap_or(1);
    let arrays: Vec<ArrayRef> = args
        .iter()
        .map(|a| a.to_array(rows))
        .collect::<Result<_>>()?;
    let text = |a: &ArrayRef| -> Result<ArrayRef> {
        Ok(datafusion::arrow::compute::cast(a, &DataType::Utf8)?)
    };
    let (documents, keys) = (text(&arrays[0])?, text(&arrays[1])?);
    let (documents, keys) = (documents.as_string::<i32>(), keys.as_string::<i32>());
    let values: StringArray = (0..rows)
        .map(|i| {
            if documents.is_null(i) || keys.is_null(i) {
                return None;
            }
            value_of(documents.value(i), keys.value(i))
        })
        .collect();
    let values: ArrayRef = Arc::new(values);
    Ok(
        if args.iter().all(|a| matches!(a, ColumnarValue::Scalar(_))) {
            ColumnarValue::Scalar(ScalarValue::try_from_array(&values, 0)?)
        } else {
            ColumnarValue::Array(values)
        },
    )
}

/// The value of `key` in the JSON object `document`, as text.
fn value_of(document: &str, key: &str) -> Option<String> {
    let serde_json::Value::Object(mut object) = serde_json::from_str(document).ok()? else {
        return None;
    };
    match object.remove(key)? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

/// Plans `document->>'key'` (and `document->'key'`, which gives the same text here) as
/// [`json_get`].
#[derive(Debug)]
pub struct JsonArrows;

impl ExprPlanner for JsonArrows {
    fn plan_binary_op(
        &self,
        expr: RawBinaryExpr,
        _schema: &DFSchema,
    ) -> Result<PlannerResult<RawBinaryExpr>> {
        match expr.op {
            BinaryOperator::LongArrow | BinaryOperator::Arrow => Ok(PlannerResult::Planned(
                Arc::new(json_get_udf()).call(vec![expr.left, expr.right]),
            )),
            _ => Ok(PlannerResult::Original(expr)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::value_of;

    #[test]
    fn values_come_back_as_text() {
        let doc = r#"{"campaign":"pricing-2026","n":3,"ok":true,"nested":{"a":1},"none":null}"#;
        assert_eq!(value_of(doc, "campaign").as_deref(), Some("pricing-2026"));
        assert_eq!(value_of(doc, "n").as_deref(), Some("3"));
        assert_eq!(value_of(doc, "ok").as_deref(), Some("true"));
        assert_eq!(value_of(doc, "nested").as_deref(), Some(r#"{"a":1}"#));
        assert_eq!(value_of(doc, "none"), None);
        assert_eq!(value_of(doc, "missing"), None);
        assert_eq!(value_of("not json", "a"), None);
        assert_eq!(value_of("[1, 2]", "a"), None);
    }
}
