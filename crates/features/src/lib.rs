//! cible-features: one row per account of features computed with SQL over the canonical
//! tables, evaluated by DataFusion as of a reference date.
//!
//! ```no_run
//! use cible_features::{CustomFeatures, Inputs, compute};
//!
//! let inputs = Inputs {
//!     accounts: "workspace/runs/1/tables/accounts.parquet".into(),
//!     orders: Some("workspace/runs/1/tables/orders.parquet".into()),
//!     events: Some("workspace/runs/1/tables/events.parquet".into()),
//!     ..Inputs::default()
//! };
//! let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
//! let table = compute(&inputs, as_of, &CustomFeatures::default())?;
//! table.write_parquet("features.parquet".as_ref())?;
//! # Ok::<(), cible_features::FeatureError>(())
//! ```
//!
//! - [`catalog`]: every feature with its group, unit and description; [`builtin`] lists
//!   them, [`catalog::markdown`] writes `docs/features.md`.
//! - [`roles`]: decision roles and seniority from French and English job titles, also
//!   available in SQL as `job_role(title)` and `job_seniority(title)`.
//! - [`CustomFeatures`]: the user's features from `cible.toml`, as SQL expressions over the
//!   other features or aggregate queries over the views.
//! - [`check_table`]: the business rules and outlier detectors of `[clean]` on a loaded
//!   table, with the same SQL engine.
//! - [`compute`]: runs it all; nothing dated after the end of the as_of day is read.

pub mod catalog;
mod checks;
mod compute;
mod custom;
mod error;
pub mod expr;
pub mod json;
pub mod roles;
mod sql;

pub use catalog::{Feature, Group, Kind, Persona, builtin};
pub use checks::{CheckSummary, Finding, MIN_GROUP, OutlierOutcome, RuleOutcome, check_table};
pub use compute::{
    ColumnValues, FeatureSummary, FeatureTable, Inputs, Session, compute, full_catalog,
    sql_context, write_batches,
};
pub use custom::CustomFeatures;
pub use error::{FeatureError, Result};
