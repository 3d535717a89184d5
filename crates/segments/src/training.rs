//! Point-in-time training sets for `[[scores]]`: at each snapshot date, the population's
//! features as of that date and its label from the window after it.
//!
//! Nothing dated after a snapshot reaches that snapshot's features (the feature views stop
//! at the end of its day), and the label reads only the window (snapshot, snapshot +
//! horizon]: a row never sees its own future.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::NaiveDate;
use cible_core::rules::SegmentConfig;
use cible_core::scores::ScoreConfig;
use cible_features::{CustomFeatures, FeatureTable, Inputs, Session};
use datafusion::arrow::array::{ArrayRef, AsArray, BooleanArray, RecordBatch, StringArray};
use datafusion::arrow::compute::{cast, concat_batches, take};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use serde::Serialize;

use crate::error::{Result, SegmentError};
use crate::profile::account_ids;
use crate::rules::evaluate_rules;

/// The snapshot date column of a training set.
pub const SNAPSHOT_COLUMN: &str = "snapshot_date";
/// The label column of a training set.
pub const TARGET_COLUMN: &str = "outcome";

/// One snapshot of a training set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    /// The date features are computed as of; labels come from the window after it.
    pub date: NaiveDate,
    /// The end of the label window.
    pub window_end: NaiveDate,
    /// Accounts of the population at that date.
    pub accounts: usize,
    /// Those for which the outcome happened in the window.
    pub positives: usize,
}

/// A training set: the features of every snapshot's population, then the snapshot date and
/// the outcome.
#[derive(Debug, Clone)]
pub struct TrainingSet {
    /// The rows, snapshots oldest first.
    pub batch: RecordBatch,
    /// One entry per snapshot, oldest first.
    pub snapshots: Vec<Snapshot>,
}

/// The rows of `features` in the score's population (every row without one).
pub fn population(features: &RecordBatch, score: &ScoreConfig) -> Result<Vec<usize>> {
    let Some(rule) = &score.population else {
        return Ok((0..features.num_rows()).collect());
    };
    let segment = SegmentConfig {
        name: score.name.clone(),
        rule: rule.clone(),
        within: None,
        description: None,
    };
    let mut found = evaluate_rules(features, &[segment], &[]).map_err(|e| match e {
        SegmentError::Rule { explanation, .. } => SegmentError::Score {
            name: score.name.clone(),
            key: "population",
            explanation,
        },
        other => other,
    })?;
    Ok(std::mem::take(&mut found[0].members))
}

/// The features of `table` as one batch.
pub fn one_batch(table: &FeatureTable) -> Result<RecordBatch> {
    concat_batches(&table.schema, &table.batches).map_err(arrow("the features"))
}

fn arrow(what: &'static str) -> impl Fn(datafusion::arrow::error::ArrowError) -> SegmentError {
    move |e| SegmentError::Clash {
        column: what.into(),
        reason: e.to_string(),
    }
}

/// The accounts for which the score's outcome happened in (date, date + horizon].
fn outcomes(inputs: &Inputs, score: &ScoreConfig, date: NaiveDate) -> Result<HashSet<String>> {
    let end = score.horizon.after(date);
    let session = Session::window(inputs, date, end)?;
    let wrong = |explanation: String| SegmentError::Score {
        name: score.name.clone(),
        key: "target",
        explanation,
    };
    let batches = session.query(&score.target).map_err(|e| {
        wrong(format!(
            "{e}\n  the query sees accounts, contacts, and the orders and events of the window"
        ))
    })?;
    let mut ids = HashSet::new();
    for batch in &batches {
        if batch.num_columns() == 0 {
            return Err(wrong("the query returns no column".into()));
        }
        let column = cast(batch.column(0), &DataType::Utf8).map_err(arrow("the target"))?;
        let column = column.as_string::<i32>();
        ids.extend(column.iter().flatten().map(str::to_string));
    }
    Ok(ids)
}

/// Builds the training set of `score`: for each snapshot date, the features (built-in and
/// `custom`) as of that date, restricted to the population, labelled from the window after.
pub fn training_set(
    inputs: &Inputs,
    custom: &CustomFeatures,
    score: &ScoreConfig,
    as_of: NaiveDate,
) -> Result<TrainingSet> {
    let mut dates = score.snapshot_dates(as_of);
    dates.reverse();
    let mut batches = Vec::with_capacity(dates.len());
    let mut snapshots = Vec::with_capacity(dates.len());
    for date in dates {
        let features = one_batch(&Session::open(inputs, date)?.features(custom)?)?;
        let rows = population(&features, score)?;
        let indices =
            datafusion::arrow::array::UInt32Array::from_iter_values(rows.iter().map(|&r| r as u32));
        let columns: Vec<ArrayRef> = features
            .columns()
            .iter()
            .map(|c| take(c.as_ref(), &indices, None))
            .collect::<std::result::Result<_, _>>()
            .map_err(arrow("the population"))?;
        let picked =
            RecordBatch::try_new(features.schema(), columns).map_err(arrow("the population"))?;
        let happened = outcomes(inputs, score, date)?;
        let ids = account_ids(&picked)?;
        let outcome: BooleanArray = ids
            .iter()
            .map(|id| Some(id.is_some_and(|id| happened.contains(id))))
            .collect();
        let positives = outcome.true_count();
        let day = date.to_string();
        let snapshot: StringArray =
            std::iter::repeat_n(Some(day.as_str()), picked.num_rows()).collect();
        let mut fields: Vec<Field> = picked
            .schema()
            .fields()
            .iter()
            .map(|f| f.as_ref().clone())
            .collect();
        for name in [SNAPSHOT_COLUMN, TARGET_COLUMN] {
            if fields.iter().any(|f| f.name() == name) {
                return Err(SegmentError::Clash {
                    column: name.into(),
                    reason: "a feature already has this name; rename the feature".into(),
                });
            }
        }
        fields.push(Field::new(SNAPSHOT_COLUMN, DataType::Utf8, false));
        fields.push(Field::new(TARGET_COLUMN, DataType::Boolean, false));
        let mut columns = picked.columns().to_vec();
        columns.push(Arc::new(snapshot));
        columns.push(Arc::new(outcome));
        let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
            .map_err(arrow("the training set"))?;
        snapshots.push(Snapshot {
            date,
            window_end: score.horizon.after(date),
            accounts: batch.num_rows(),
            positives,
        });
        batches.push(batch);
    }
    let schema = batches[0].schema();
    let batch = concat_batches(&schema, &batches).map_err(arrow("the training set"))?;
    Ok(TrainingSet { batch, snapshots })
}
