//! The account profile: one row per account, everything known about it side by side — its
//! features, its cluster (`segment`), its scores (`<name>_score`) and its tags
//! (`tag_<name>`, true or false). Rule segments are predicates over it, and it is written to
//! the run so that anyone can check a segment against it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, AsArray, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
};
use datafusion::arrow::compute::concat_batches;
use datafusion::arrow::datatypes::{Field, Schema, SchemaRef};

use crate::error::{Result, SegmentError};
use crate::tags::Tags;

/// Prefix of tag columns.
pub const TAG_PREFIX: &str = "tag_";
/// The cluster column.
pub const CLUSTER_COLUMN: &str = "segment";
/// Suffix of score columns.
pub const SCORE_SUFFIX: &str = "_score";

/// What the profile is made of.
#[derive(Debug, Clone, Copy)]
pub struct ProfileParts<'a> {
    /// The features table: `account_id` first, one row per account.
    pub features: &'a [RecordBatch],
    /// Its schema.
    pub schema: &'a SchemaRef,
    /// The cluster of each account, when the accounts were clustered.
    pub clusters: Option<&'a HashMap<String, i64>>,
    /// Each score's name and the score of the accounts that have one.
    pub scores: &'a [(String, HashMap<String, f64>)],
    /// The project's tag names, in order, and who holds them.
    pub tags: (&'a [String], &'a Tags),
}

/// The column `account_id` of `batch`.
pub fn account_ids(batch: &RecordBatch) -> Result<&StringArray> {
    batch
        .column_by_name("account_id")
        .and_then(|c| c.as_string_opt::<i32>())
        .ok_or_else(|| SegmentError::Clash {
            column: "account_id".into(),
            reason: "the features table has no text account_id column".into(),
        })
}

/// Builds the profile: the features, then `segment`, the scores and the tags.
pub fn build_profile(parts: ProfileParts<'_>) -> Result<RecordBatch> {
    let features =
        concat_batches(parts.schema, parts.features).map_err(|e| SegmentError::Clash {
            column: String::new(),
            reason: e.to_string(),
        })?;
    let ids = account_ids(&features)?;
    let mut fields: Vec<Field> = parts
        .schema
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    let mut columns: Vec<ArrayRef> = features.columns().to_vec();
    let mut add = |name: String, column: ArrayRef, from: &str| -> Result<()> {
        if fields.iter().any(|f| f.name() == &name) {
            return Err(SegmentError::Clash {
                column: name,
                reason: format!(
                    "a feature already has this name; rename the feature or the {from}"
                ),
            });
        }
        fields.push(Field::new(name, column.data_type().clone(), true));
        columns.push(column);
        Ok(())
    };
    if let Some(clusters) = parts.clusters {
        let labels: Int64Array = ids
            .iter()
            .map(|id| id.and_then(|id| clusters.get(id).copied()))
            .collect();
        add(CLUSTER_COLUMN.into(), Arc::new(labels), "segmentation")?;
    }
    for (name, scores) in parts.scores {
        let values: Float64Array = ids
            .iter()
            .map(|id| id.and_then(|id| scores.get(id).copied()))
            .collect();
        add(format!("{name}{SCORE_SUFFIX}"), Arc::new(values), "score")?;
    }
    let (names, tags) = parts.tags;
    for name in names {
        let holders = tags.accounts_with(name);
        let values: BooleanArray = ids
            .iter()
            .map(|id| Some(id.is_some_and(|id| holders.contains(id))))
            .collect();
        add(format!("{TAG_PREFIX}{name}"), Arc::new(values), "tag")?;
    }
    let schema = Arc::new(Schema::new(fields));
    RecordBatch::try_new(schema, columns).map_err(|e| SegmentError::Clash {
        column: String::new(),
        reason: e.to_string(),
    })
}

/// Writes `batch` (the profile, a training set) as Parquet to `path`, atomically.
pub fn write_profile(path: &Path, batch: &RecordBatch) -> Result<()> {
    Ok(cible_features::write_batches(
        path,
        batch.schema(),
        std::slice::from_ref(batch),
    )?)
}
