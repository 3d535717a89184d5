//! SQL expressions evaluated on a table held in memory: the checks of `[[clean.rules]]`,
//! rule segments, anything that is one predicate per row.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, RecordBatch};
use datafusion::common::DFSchema;
use datafusion::logical_expr::Expr;
use datafusion::optimizer::simplify_expressions::{ExprSimplifier, SimplifyContext};
use datafusion::prelude::SessionContext;

/// `sql` parsed, type-checked and simplified against `schema`, or DataFusion's message.
pub fn plan(ctx: &SessionContext, schema: &DFSchema, sql: &str) -> Result<Expr, String> {
    // Functions of the time, such as now(), become constants before the expression runs.
    let simplifier = ExprSimplifier::new(
        SimplifyContext::builder()
            .with_schema(Arc::new(schema.clone()))
            .with_current_time()
            .build(),
    );
    ctx.parse_sql_expr(sql, schema)
        .and_then(|e| simplifier.coerce(e, schema))
        .and_then(|e| simplifier.simplify(e))
        .map_err(|e| e.to_string())
}

/// The value of the SQL expression `sql` on every row of `batch`, or DataFusion's message.
pub fn evaluate(
    ctx: &SessionContext,
    schema: &DFSchema,
    batch: &RecordBatch,
    sql: &str,
) -> Result<ArrayRef, String> {
    let expr = plan(ctx, schema, sql)?;
    let physical = ctx
        .create_physical_expr(expr, schema)
        .map_err(|e| e.to_string())?;
    physical
        .evaluate(batch)
        .and_then(|v| v.into_array(batch.num_rows()))
        .map_err(|e| e.to_string())
}
