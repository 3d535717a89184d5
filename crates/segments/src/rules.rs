//! Rule-based segments: SQL predicates over the account profile, evaluated by DataFusion with
//! full expression semantics (LIKE/ILIKE, IN, BETWEEN, CASE, functions). An account is a
//! member when the predicate is true: NULL counts as false, as in a SQL `WHERE`. A segment
//! `within` another is restricted to that segment's members.

use std::collections::HashMap;
use std::path::Path;

use cible_core::rules::{SegmentConfig, nesting_order};
use cible_features::expr::evaluate;
use cible_features::sql_context;
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::common::DFSchema;
use serde::Serialize;

use crate::error::{Result, SegmentError};
use crate::explain::{explain, unknown_column};
use crate::profile::{TAG_PREFIX, account_ids};

/// A rule segment and its members.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleSegment {
    /// Its name.
    pub name: String,
    /// Its predicate.
    pub rule: String,
    /// The segment it is nested in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
    /// What it is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Members.
    pub accounts: usize,
    /// Share of all accounts.
    pub share: f64,
    /// Rows of the profile that are members, ascending.
    #[serde(skip)]
    pub members: Vec<usize>,
}

/// Evaluates every segment of `segments` on `profile`, in the project's order; `tags` are the
/// project's tag names, for the message when a rule names a tag that does not exist.
pub fn evaluate_rules(
    profile: &RecordBatch,
    segments: &[SegmentConfig],
    tags: &[String],
) -> Result<Vec<RuleSegment>> {
    let ctx = sql_context()?;
    let schema =
        DFSchema::try_from(profile.schema().as_ref().clone()).map_err(|e| SegmentError::Clash {
            column: String::new(),
            reason: e.to_string(),
        })?;
    let columns: Vec<String> = profile
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let rows = profile.num_rows();
    let mut members: HashMap<&str, Vec<bool>> = HashMap::new();
    for segment in nesting_order(segments) {
        let wrong = |explanation: String| SegmentError::Rule {
            name: segment.name.clone(),
            explanation,
        };
        let value =
            evaluate(&ctx, &schema, profile, &segment.rule).map_err(
                |message| match unknown_column(&message)
                    .and_then(|c| c.strip_prefix(TAG_PREFIX).map(str::to_string))
                {
                    Some(tag) if !tags.contains(&tag) => wrong(format!(
                        "no tag `{tag}` is defined (tags: {}); define it under [[tags]]\n  in: {}",
                        if tags.is_empty() {
                            "none".to_string()
                        } else {
                            tags.join(", ")
                        },
                        segment.rule
                    )),
                    _ => wrong(explain(&segment.rule, &message, &columns)),
                },
            )?;
        let Some(value) = value.as_boolean_opt() else {
            return Err(wrong(format!(
                "the rule is {}, not true or false\n  in: {}",
                value.data_type(),
                segment.rule
            )));
        };
        let parent = segment.within.as_deref().and_then(|p| members.get(p));
        let inside: Vec<bool> = (0..rows)
            .map(|i| value.is_valid(i) && value.value(i) && parent.is_none_or(|p| p[i]))
            .collect();
        members.insert(&segment.name, inside);
    }
    Ok(segments
        .iter()
        .map(|s| {
            let rows_in: Vec<usize> = members[s.name.as_str()]
                .iter()
                .enumerate()
                .filter(|(_, m)| **m)
                .map(|(i, _)| i)
                .collect();
            RuleSegment {
                name: s.name.clone(),
                rule: s.rule.clone(),
                within: s.within.clone(),
                description: s.description.clone(),
                accounts: rows_in.len(),
                share: if rows == 0 {
                    0.0
                } else {
                    rows_in.len() as f64 / rows as f64
                },
                members: rows_in,
            }
        })
        .collect())
}

/// Writes `segment,account_id`, one row per member of each segment, to `path`.
pub fn write_memberships(
    path: &Path,
    profile: &RecordBatch,
    segments: &[RuleSegment],
) -> Result<()> {
    let error = |e: csv::Error| SegmentError::Write {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let ids = account_ids(profile)?;
    let mut w = csv::Writer::from_path(path).map_err(error)?;
    w.write_record(["segment", "account_id"]).map_err(error)?;
    for s in segments {
        for &row in &s.members {
            let id = ids.value(row);
            w.write_record([s.name.as_str(), id]).map_err(error)?;
        }
    }
    w.flush().map_err(|e| SegmentError::Write {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}
