//! The user's own features, from `[[features.custom]]` in `cible.toml`.
//!
//! Two forms:
//!
//! ```toml
//! [[features.custom]]
//! name = "big_spender"
//! description = "Spent over 50 000 in the last 12 months"
//! expression = "monetary_12m > 50000"          # over the other features of the account
//!
//! [[features.custom]]
//! name = "support_visits_90d"
//! unit = "events"
//! query = """SELECT account_id, count(*) AS support_visits_90d FROM events
//!            WHERE properties LIKE '%/support%' AND age_days < 90 GROUP BY account_id"""
//! fill = "0"                                   # for accounts the query does not return
//! ```
//!
//! Every custom feature is planned on its own before the features are computed, so that an
//! error names the feature and says what DataFusion found wrong.

use std::collections::HashSet;

use cible_core::project::CustomFeatureConfig;
use datafusion::arrow::datatypes::DataType;
use datafusion::prelude::SessionContext;

use crate::catalog::{Feature, Group, Kind, Source};
use crate::error::{FeatureError, Result};
use crate::sql::features_query;

/// The level of custom expressions: after every built-in derived feature.
const CUSTOM_LEVEL: u8 = 3;

/// The custom features of a project, checked for form.
#[derive(Debug, Clone, Default)]
pub struct CustomFeatures(Vec<CustomFeatureConfig>);

impl CustomFeatures {
    /// Checks the form of every custom feature: a snake_case name, exactly one of
    /// `expression` and `query`, `fill` only with `query`.
    pub fn new(configs: &[CustomFeatureConfig]) -> Result<Self> {
        let mut seen = HashSet::new();
        for c in configs {
            let error = |reason: &str| FeatureError::Custom {
                name: c.name.clone(),
                reason: reason.to_string(),
            };
            let snake = !c.name.is_empty()
                && c.name.starts_with(|ch: char| ch.is_ascii_lowercase())
                && c.name
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
            if !snake {
                return Err(error(
                    "the name must be snake_case: lower-case letters, digits and _, starting with a letter",
                ));
            }
            if !seen.insert(c.name.as_str()) {
                return Err(error("defined twice"));
            }
            match (&c.expression, &c.query) {
                (Some(_), Some(_)) | (None, None) => {
                    return Err(error(
                        "give exactly one of `expression` (over the other features) and `query` (an aggregate query returning account_id and the feature)",
                    ));
                }
                (Some(_), None) if c.fill.is_some() => {
                    return Err(error("`fill` only applies to a `query`"));
                }
                _ => {}
            }
        }
        Ok(Self(configs.to_vec()))
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Plans every custom feature against `builtin` in `ctx` (whose views exist) and returns
    /// them as catalogue entries, their kind read from the type SQL gives them.
    pub(crate) async fn resolve(
        &self,
        ctx: &SessionContext,
        builtin: &[Feature],
    ) -> Result<Vec<Feature>> {
        let names: HashSet<&str> = builtin.iter().map(|f| f.name.as_str()).collect();
        let base = features_query(builtin);
        let mut out = Vec::new();
        for c in &self.0 {
            let error = |reason: String| FeatureError::Custom {
                name: c.name.clone(),
                reason,
            };
            if names.contains(c.name.as_str()) {
                return Err(error(
                    "a built-in feature has this name; choose another".into(),
                ));
            }
            let (source, sql, probe) = match (&c.expression, &c.query) {
                (Some(expression), _) => (
                    Source::Derived {
                        level: CUSTOM_LEVEL,
                    },
                    expression.clone(),
                    format!("SELECT {expression} FROM ({base}) LIMIT 0"),
                ),
                (None, Some(query)) => (Source::Query, query.clone(), query.clone()),
                (None, None) => unreachable!("checked by new"),
            };
            let frame = ctx
                .sql(&probe)
                .await
                .map_err(|e| error(format!("the SQL does not plan: {e}")))?;
            let schema = frame.schema();
            let ty = match source {
                Source::Query => {
                    if schema.field_with_unqualified_name("account_id").is_err() {
                        return Err(error(
                            "the query must return a column `account_id`, one row per account"
                                .into(),
                        ));
                    }
                    schema
                        .field_with_unqualified_name(&c.name)
                        .map_err(|_| {
                            error(format!(
                                "the query must return a column named `{}` (SELECT account_id, ... AS {})",
                                c.name, c.name
                            ))
                        })?
                        .data_type()
                        .clone()
                }
                _ => schema.field(0).data_type().clone(),
            };
            let sql = match (&source, &c.fill) {
                (Source::Query, Some(fill)) => {
                    // The fill applies where the query has no row: wrap it.
                    format!(
                        "SELECT a.account_id, coalesce(q.\"{0}\", {fill}) AS \"{0}\" FROM accounts a LEFT JOIN ({sql}) q ON q.account_id = a.account_id",
                        c.name
                    )
                }
                _ => sql,
            };
            out.push(Feature {
                name: c.name.clone(),
                group: Group::Custom,
                kind: kind_of(&ty),
                unit: c.unit.clone().unwrap_or_else(|| "-".into()),
                description: c
                    .description
                    .clone()
                    .unwrap_or_else(|| format!("Defined in cible.toml: {}", compact(&sql))),
                source,
                sql,
                persona: Default::default(),
            });
        }
        Ok(out)
    }
}

fn compact(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn kind_of(ty: &DataType) -> Kind {
    match ty {
        DataType::Boolean => Kind::Flag,
        t if t.is_integer() => Kind::Integer,
        t if t.is_numeric() => Kind::Number,
        _ => Kind::Category,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(name: &str, expression: Option<&str>, query: Option<&str>) -> CustomFeatureConfig {
        CustomFeatureConfig {
            name: name.into(),
            description: None,
            unit: None,
            expression: expression.map(str::to_string),
            query: query.map(str::to_string),
            fill: None,
        }
    }

    #[test]
    fn the_form_is_checked_before_any_sql() {
        let bad = [
            (config("Big", Some("1"), None), "snake_case"),
            (config("both", Some("1"), Some("SELECT 1")), "exactly one"),
            (config("neither", None, None), "exactly one"),
        ];
        for (c, expected) in bad {
            let message = CustomFeatures::new(&[c]).unwrap_err().to_string();
            assert!(message.contains(expected), "{message}");
        }
        let twice = [config("a", Some("1"), None), config("a", Some("2"), None)];
        assert!(
            CustomFeatures::new(&twice)
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
        assert!(CustomFeatures::new(&[config("ok_1", Some("1"), None)]).is_ok());
    }
}
