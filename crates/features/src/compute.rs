//! Running the feature SQL with DataFusion: register the tables, create the views, run the
//! query, write the features table.

use std::collections::HashSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use cible_core::schema::{ColumnType, TableKind};
use datafusion::arrow::array::{Array, ArrayRef, AsArray, Int64Array, RecordBatch, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::Float64Type;
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::datasource::MemTable;
use datafusion::logical_expr::{ColumnarValue, ScalarUDF, Volatility, create_udf};
use datafusion::prelude::{CsvReadOptions, ParquetReadOptions, SessionConfig, SessionContext};
use parquet::arrow::ArrowWriter;
use serde::Serialize;

use crate::catalog::{Feature, builtin};
use crate::custom::CustomFeatures;
use crate::error::{FeatureError, Result};
use crate::roles::{role_of, seniority_of};
use crate::sql;

/// The files the features are computed from. Tables are canonical (as `cible ingest` writes
/// them, Parquet or CSV); missing tables count as empty.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// One row per account. With deduplication, the golden records, whose `entity_id` column
    /// is then the account id.
    pub accounts: PathBuf,
    /// `id,entity_id`: the entity of every source account id, when accounts were
    /// deduplicated. Without it, every account is its own entity.
    pub account_entities: Option<PathBuf>,
    /// Contacts.
    pub contacts: Option<PathBuf>,
    /// `id,entity_id` for contacts, as for accounts.
    pub contact_entities: Option<PathBuf>,
    /// Orders.
    pub orders: Option<PathBuf>,
    /// Events.
    pub events: Option<PathBuf>,
}

/// What the feature stage computed.
#[derive(Debug, Clone, Serialize)]
pub struct FeatureSummary {
    /// The reference date.
    pub as_of: NaiveDate,
    /// Rows of the features table (accounts).
    pub accounts: usize,
    /// Features per account.
    pub features: usize,
    /// Orders up to as_of whose account is unknown: not counted in any feature.
    pub orphan_orders: u64,
    /// Events up to as_of attached to no known account (directly or through a contact).
    pub orphan_events: u64,
    /// Orders after as_of, ignored.
    pub future_orders: u64,
    /// Events after as_of, ignored.
    pub future_events: u64,
}

/// Writes `batches` as Parquet to `path`, atomically: into a sibling file renamed over `path`
/// once complete, so a crash never leaves half a table.
pub fn write_batches(path: &Path, schema: SchemaRef, batches: &[RecordBatch]) -> Result<()> {
    let partial = path.with_extension("parquet.partial");
    let error = |e: parquet::errors::ParquetError| FeatureError::io(path, std::io::Error::other(e));
    let file = File::create(&partial).map_err(|e| FeatureError::io(&partial, e))?;
    let written = file
        .try_clone()
        .map_err(|e| FeatureError::io(&partial, e))?;
    let mut writer = ArrowWriter::try_new(file, schema, None).map_err(error)?;
    for batch in batches {
        writer.write(batch).map_err(error)?;
    }
    writer.close().map_err(error)?;
    written
        .sync_all()
        .map_err(|e| FeatureError::io(&partial, e))?;
    std::fs::rename(&partial, path).map_err(|e| FeatureError::io(path, e))
}

/// The features table: one row per account, the catalogue of its columns.
#[derive(Debug, Clone)]
pub struct FeatureTable {
    /// The rows, `account_id` first, then one column per feature in catalogue order.
    pub batches: Vec<RecordBatch>,
    /// The table's schema.
    pub schema: SchemaRef,
    /// Every feature, built-in then custom.
    pub catalog: Vec<Feature>,
    /// Counts.
    pub summary: FeatureSummary,
}

impl FeatureTable {
    /// Writes the table as Parquet to `path`, atomically: into a sibling file renamed over
    /// `path` once complete, so a crash never leaves half a table.
    pub fn write_parquet(&self, path: &Path) -> Result<()> {
        write_batches(path, self.schema.clone(), &self.batches)
    }

    /// Number of accounts.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// The values of column `name` for every account, in row order, empty values as `None`:
    /// numbers for numeric and yes/no columns (yes is 1), text for the others. `None` when the
    /// table has no such column.
    pub fn column(&self, name: &str) -> Result<Option<ColumnValues>> {
        let Ok(index) = self.schema.index_of(name) else {
            return Ok(None);
        };
        let ty = self.schema.field(index).data_type();
        let numeric = ty.is_numeric() || *ty == DataType::Boolean;
        let target = if numeric {
            DataType::Float64
        } else {
            DataType::Utf8
        };
        let mut arrays = Vec::with_capacity(self.batches.len());
        for batch in &self.batches {
            arrays.push(
                cast(batch.column(index), &target).map_err(|e| FeatureError::Sql {
                    statement: format!("CAST({name} AS {target})"),
                    message: e.to_string(),
                })?,
            );
        }
        Ok(Some(if numeric {
            ColumnValues::Numbers(
                arrays
                    .iter()
                    .flat_map(|a| a.as_primitive::<Float64Type>().iter())
                    .collect(),
            )
        } else {
            ColumnValues::Text(
                arrays
                    .iter()
                    .flat_map(|a| a.as_string::<i32>().iter().map(|v| v.map(str::to_string)))
                    .collect(),
            )
        }))
    }
}

/// One column of a [`FeatureTable`], for the numeric stages after it.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnValues {
    /// Counts, amounts, days, and yes/no flags as 1 and 0.
    Numbers(Vec<Option<f64>>),
    /// Categories and identifiers.
    Text(Vec<Option<String>>),
}

/// Computes every built-in feature and `custom` for the accounts of `inputs`, as of `as_of`:
/// nothing dated after the end of that day counts.
pub fn compute(inputs: &Inputs, as_of: NaiveDate, custom: &CustomFeatures) -> Result<FeatureTable> {
    Session::open(inputs, as_of)?.features(custom)
}

/// A DataFusion context with cible's SQL functions and PostgreSQL's expression syntax: `job_role(title)`,
/// `job_seniority(title)`, `json_get(document, key)` and the `->>` operator.
pub fn sql_context() -> Result<SessionContext> {
    // PostgreSQL's dialect: `->>` binds tighter than LIKE and comparisons, as users of it
    // expect (`properties->>'campaign' LIKE 'pricing%'`).
    let config = SessionConfig::new()
        .with_information_schema(false)
        .set_str("datafusion.sql_parser.dialect", "PostgreSQL");
    let mut ctx = SessionContext::new_with_config(config);
    register_udfs(&mut ctx)?;
    Ok(ctx)
}

/// A tokio runtime, which DataFusion needs.
fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .build()
        .map_err(|e| FeatureError::io(Path::new("<tokio runtime>"), e))
}

/// Runs `work` to completion on a new tokio runtime.
fn block_on<T>(work: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    runtime()?.block_on(work)
}

/// A DataFusion session over canonical tables, with the views every feature, tag condition
/// and score target is written against (see the [`crate::sql`] module's list), as of a
/// reference date.
pub struct Session {
    runtime: tokio::runtime::Runtime,
    ctx: SessionContext,
    as_of: NaiveDate,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("as_of", &self.as_of)
            .finish()
    }
}

impl Session {
    /// The tables of `inputs`, with orders and events up to the end of the `as_of` day.
    pub fn open(inputs: &Inputs, as_of: NaiveDate) -> Result<Self> {
        Self::with_views(inputs, None, as_of)
    }

    /// The tables of `inputs`, with only the orders and events after the end of the `since`
    /// day and up to the end of the `until` day: what happened in that window, for a score's
    /// target. Ages (`age_days`) count back from `until`.
    pub fn window(inputs: &Inputs, since: NaiveDate, until: NaiveDate) -> Result<Self> {
        Self::with_views(inputs, Some(since), until)
    }

    fn with_views(inputs: &Inputs, since: Option<NaiveDate>, as_of: NaiveDate) -> Result<Self> {
        let files = TableFiles {
            accounts: Some(&inputs.accounts),
            account_entities: inputs.account_entities.as_deref(),
            contacts: inputs.contacts.as_deref(),
            contact_entities: inputs.contact_entities.as_deref(),
            orders: inputs.orders.as_deref(),
            events: inputs.events.as_deref(),
        };
        let runtime = runtime()?;
        let ctx = runtime.block_on(context(&files, since, as_of))?;
        Ok(Self {
            runtime,
            ctx,
            as_of,
        })
    }

    /// The reference date of the views.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// Every built-in feature and `custom`, one row per account.
    pub fn features(&self, custom: &CustomFeatures) -> Result<FeatureTable> {
        self.runtime
            .block_on(compute_async(&self.ctx, self.as_of, custom))
    }

    /// The rows of `query`, text columns as plain `Utf8`.
    pub fn query(&self, query: &str) -> Result<Vec<RecordBatch>> {
        self.runtime.block_on(async {
            let frame = self
                .ctx
                .sql(query)
                .await
                .map_err(FeatureError::sql(query))?;
            let schema = plain_strings(frame.schema().as_arrow());
            let batches = frame.collect().await.map_err(FeatureError::sql(query))?;
            batches
                .iter()
                .map(|b| cast_batch(b, &schema))
                .collect::<datafusion::error::Result<Vec<_>>>()
                .map_err(FeatureError::sql(query))
        })
    }

    /// The columns of table or view `name`.
    pub fn schema(&self, name: &str) -> Result<datafusion::common::DFSchema> {
        self.runtime.block_on(async {
            let table = self
                .ctx
                .table(name)
                .await
                .map_err(FeatureError::sql(name))?;
            Ok(table.schema().clone())
        })
    }

    /// The DataFusion context, with cible's functions, for planning expressions.
    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }
}

/// The catalogue: every built-in feature, then `custom`, whose SQL is planned (against empty
/// tables) so that mistakes show before any data is read.
pub fn full_catalog(custom: &CustomFeatures) -> Result<Vec<Feature>> {
    block_on(async {
        let ctx = context(&TableFiles::default(), None, as_of_placeholder()).await?;
        let mut catalog = builtin();
        let extra = custom.resolve(&ctx, &catalog).await?;
        catalog.extend(extra);
        Ok(catalog)
    })
}

/// Any date: the catalogue does not depend on it.
fn as_of_placeholder() -> NaiveDate {
    NaiveDate::default()
}

/// The files of [`Inputs`], each optional.
#[derive(Default)]
struct TableFiles<'a> {
    accounts: Option<&'a Path>,
    account_entities: Option<&'a Path>,
    contacts: Option<&'a Path>,
    contact_entities: Option<&'a Path>,
    orders: Option<&'a Path>,
    events: Option<&'a Path>,
}

/// A session with the UDFs, the tables of `files` and the views as of `as_of` (orders and
/// events after the `since` day only, when given).
async fn context(
    files: &TableFiles<'_>,
    since: Option<NaiveDate>,
    as_of: NaiveDate,
) -> Result<SessionContext> {
    let ctx = sql_context()?;
    register_canonical(&ctx, TableKind::Accounts, files.accounts).await?;
    register_canonical(&ctx, TableKind::Contacts, files.contacts).await?;
    register_canonical(&ctx, TableKind::Orders, files.orders).await?;
    register_canonical(&ctx, TableKind::Events, files.events).await?;
    register_entities(
        &ctx,
        "account_entities",
        "account_id",
        "canonical_accounts",
        files.account_entities,
    )
    .await?;
    register_entities(
        &ctx,
        "contact_entities",
        "contact_id",
        "canonical_contacts",
        files.contact_entities,
    )
    .await?;
    let views = [
        sql::accounts_view(as_of),
        sql::contacts_view(),
        sql::people_view(),
        sql::orders_view(as_of, since),
        sql::events_view(as_of, since),
        sql::event_counts_view(),
    ];
    for view in views.iter().chain(&sql::order_views()) {
        run(&ctx, view).await?;
    }
    Ok(ctx)
}

async fn compute_async(
    ctx: &SessionContext,
    as_of: NaiveDate,
    custom: &CustomFeatures,
) -> Result<FeatureTable> {
    let mut catalog = builtin();
    let extra = custom.resolve(ctx, &catalog).await?;
    catalog.extend(extra);
    let query = sql::features_query(&catalog);
    let frame = ctx.sql(&query).await.map_err(FeatureError::sql(&query))?;
    let schema = plain_strings(frame.schema().as_arrow());
    let batches = frame.collect().await.map_err(FeatureError::sql(&query))?;
    let batches = batches
        .iter()
        .map(|b| cast_batch(b, &schema))
        .collect::<datafusion::error::Result<Vec<_>>>()
        .map_err(FeatureError::sql(&query))?;
    let [future_orders, orphan_orders] = counts(ctx, &sql::orders_left_out(as_of)).await?;
    let [future_events, orphan_events] = counts(ctx, &sql::events_left_out(as_of)).await?;
    let summary = FeatureSummary {
        as_of,
        accounts: batches.iter().map(RecordBatch::num_rows).sum(),
        features: catalog.len(),
        orphan_orders,
        orphan_events,
        future_orders,
        future_events,
    };
    Ok(FeatureTable {
        batches,
        schema,
        catalog,
        summary,
    })
}

/// `schema` with every string column as plain `Utf8`, the type readers of the features table
/// expect (DataFusion produces string views).
fn plain_strings(schema: &Schema) -> SchemaRef {
    let plain = |ty: &DataType| match ty {
        DataType::Utf8View | DataType::LargeUtf8 => DataType::Utf8,
        other => other.clone(),
    };
    Arc::new(Schema::new(
        schema
            .fields()
            .iter()
            .map(|f| Field::new(f.name(), plain(f.data_type()), true))
            .collect::<Vec<_>>(),
    ))
}

fn cast_batch(batch: &RecordBatch, schema: &SchemaRef) -> datafusion::error::Result<RecordBatch> {
    let columns = batch
        .columns()
        .iter()
        .zip(schema.fields())
        .map(|(column, field)| cast(column, field.data_type()))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(RecordBatch::try_new(schema.clone(), columns)?)
}

async fn run(ctx: &SessionContext, statement: &str) -> Result<()> {
    ctx.sql(statement)
        .await
        .map_err(FeatureError::sql(statement))?
        .collect()
        .await
        .map_err(FeatureError::sql(statement))?;
    Ok(())
}

/// The first row of a query returning `N` counts.
async fn counts<const N: usize>(ctx: &SessionContext, query: &str) -> Result<[u64; N]> {
    let batches = ctx
        .sql(query)
        .await
        .map_err(FeatureError::sql(query))?
        .collect()
        .await
        .map_err(FeatureError::sql(query))?;
    let mut out = [0; N];
    if let Some(batch) = batches.iter().find(|b| b.num_rows() > 0) {
        for (c, value) in out.iter_mut().enumerate() {
            if let Some(column) = batch.column(c).as_any().downcast_ref::<Int64Array>() {
                *value = column.value(0).max(0) as u64;
            }
        }
    }
    Ok(out)
}

/// The SQL type a canonical column is read as.
fn sql_type(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Text | ColumnType::OneOf(_) | ColumnType::Json => "VARCHAR",
        ColumnType::Integer => "BIGINT",
        ColumnType::Number => "DOUBLE",
        ColumnType::Date => "DATE",
        ColumnType::Timestamp => "TIMESTAMP",
        ColumnType::Boolean => "BOOLEAN",
    }
}

/// Registers `path` as `raw_<kind>` and the view `canonical_<kind>` with every canonical
/// column of the kind, of its canonical type: columns the file lacks are NULL, text columns
/// (from CSV) are cast, values that do not convert become NULL.
async fn register_canonical(
    ctx: &SessionContext,
    kind: TableKind,
    path: Option<&Path>,
) -> Result<()> {
    let raw = format!("raw_{kind}");
    let available: HashSet<String> = match path {
        Some(path) => {
            register_file(ctx, &raw, path).await?;
            let table = ctx
                .table(raw.as_str())
                .await
                .map_err(FeatureError::sql(&raw))?;
            table
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect()
        }
        None => {
            let schema = kind.arrow_schema();
            let empty = MemTable::try_new(schema, vec![vec![]]).map_err(FeatureError::sql(&raw))?;
            ctx.register_table(raw.as_str(), Arc::new(empty))
                .map_err(FeatureError::sql(&raw))?;
            kind.columns().iter().map(|c| c.name.to_string()).collect()
        }
    };
    let id = kind.id_column();
    let columns: Vec<String> = kind
        .columns()
        .iter()
        .map(|c| {
            let ty = sql_type(c.ty);
            let source = if available.contains(c.name) {
                Some(c.name)
            } else if c.name == id && available.contains("entity_id") {
                // Golden records: the entity id is the account id.
                Some("entity_id")
            } else {
                None
            };
            match source {
                Some(column) => format!("TRY_CAST(\"{column}\" AS {ty}) AS \"{}\"", c.name),
                None => format!("CAST(NULL AS {ty}) AS \"{}\"", c.name),
            }
        })
        .collect();
    if path.is_some()
        && !available.contains(id)
        && !(kind == TableKind::Accounts && available.contains("entity_id"))
    {
        return Err(FeatureError::MissingColumn {
            path: path.map(Path::to_path_buf).unwrap_or_default(),
            column: id.to_string(),
        });
    }
    run(
        ctx,
        &format!(
            "CREATE VIEW canonical_{kind} AS SELECT {} FROM {raw}",
            columns.join(", ")
        ),
    )
    .await
}

async fn register_file(ctx: &SessionContext, name: &str, path: &Path) -> Result<()> {
    let text = path.to_string_lossy().into_owned();
    if !path.is_file() {
        return Err(FeatureError::io(
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        ));
    }
    let extension = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    if extension.eq_ignore_ascii_case(".csv") {
        // Every column as text: the canonical view converts them.
        let header = csv_header(path)?;
        let schema = Schema::new(
            header
                .iter()
                .map(|h| Field::new(h, DataType::Utf8, true))
                .collect::<Vec<_>>(),
        );
        // Held in memory: CSV files have no statistics, and without a row count DataFusion
        // may build its join hash tables on the large side (10 M events) instead of these
        // small tables (entity maps, golden records).
        let batches = ctx
            .read_csv(
                &text,
                CsvReadOptions::new()
                    .schema(&schema)
                    .has_header(true)
                    .file_extension(&extension),
            )
            .await
            .map_err(FeatureError::sql(&text))?
            .collect()
            .await
            .map_err(FeatureError::sql(&text))?;
        let table =
            MemTable::try_new(Arc::new(schema), vec![batches]).map_err(FeatureError::sql(&text))?;
        ctx.register_table(name, Arc::new(table))
            .map(|_| ())
            .map_err(FeatureError::sql(&text))
    } else {
        ctx.register_parquet(
            name,
            &text,
            ParquetReadOptions::default().file_extension(&extension),
        )
        .await
        .map_err(FeatureError::sql(&text))
    }
}

fn csv_header(path: &Path) -> Result<Vec<String>> {
    let error = |e: csv::Error| FeatureError::io(path, std::io::Error::other(e));
    let mut reader = csv::Reader::from_path(path).map_err(error)?;
    let header = reader.headers().map_err(error)?;
    Ok(header.iter().map(str::to_string).collect())
}

/// Registers the `id,entity_id` map of `path` as the view `name(id_name, entity_id)`, or,
/// without a map, every id of `table` as its own entity.
async fn register_entities(
    ctx: &SessionContext,
    name: &str,
    id_name: &str,
    table: &str,
    path: Option<&Path>,
) -> Result<()> {
    let view = match path {
        Some(path) => {
            let raw = format!("raw_{name}");
            register_file(ctx, &raw, path).await?;
            format!("CREATE VIEW {name} AS SELECT id AS {id_name}, entity_id FROM {raw}")
        }
        None => {
            format!("CREATE VIEW {name} AS SELECT {id_name}, {id_name} AS entity_id FROM {table}")
        }
    };
    run(ctx, &view).await
}

/// `job_role(title)`, `job_seniority(title)`, `json_get(document, key)` and the `->>`
/// operator for the SQL.
fn register_udfs(ctx: &mut SessionContext) -> Result<()> {
    ctx.register_udf(crate::json::json_get_udf());
    datafusion::execution::FunctionRegistry::register_expr_planner(
        ctx,
        Arc::new(crate::json::JsonArrows),
    )
    .map_err(FeatureError::sql("->>"))?;
    ctx.register_udf(title_udf("job_role", DataType::Utf8, |titles| {
        let roles: StringArray = titles
            .iter()
            .map(|t| t.and_then(role_of).map(|r| r.name()))
            .collect();
        Arc::new(roles)
    }));
    ctx.register_udf(title_udf("job_seniority", DataType::Int64, |titles| {
        let levels: Int64Array = titles
            .iter()
            .map(|t| t.map(|t| seniority_of(t) as i64))
            .collect();
        Arc::new(levels)
    }));
    Ok(())
}

/// A SQL function of one text argument (a job title) computed by `read` on whole arrays.
fn title_udf(name: &str, returns: DataType, read: fn(&StringArray) -> ArrayRef) -> ScalarUDF {
    create_udf(
        name,
        vec![DataType::Utf8],
        returns,
        Volatility::Immutable,
        Arc::new(move |args: &[ColumnarValue]| {
            let titles = ColumnarValue::values_to_arrays(args)?;
            Ok(ColumnarValue::Array(read(as_strings(&titles[0])?)))
        }),
    )
}

fn as_strings(array: &ArrayRef) -> datafusion::error::Result<&StringArray> {
    array.as_any().downcast_ref::<StringArray>().ok_or_else(|| {
        datafusion::error::DataFusionError::Internal(format!(
            "expected text, got {}",
            array.data_type()
        ))
    })
}
