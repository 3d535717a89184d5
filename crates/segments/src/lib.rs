//! cible's activation layer: what turns features into lists people act on.
//!
//! - [`tags`]: rules over events that tag accounts and contacts, with expiry and removal;
//! - [`profile`]: the account profile — features, cluster, scores and tags side by side;
//! - [`rules`]: rule-based segments, SQL predicates over the profile, nestable;
//! - [`training`]: point-in-time training sets for scores;
//! - [`explain`]: messages that point at the place in a user's SQL expression.

pub mod error;
pub mod explain;
pub mod profile;
pub mod rules;
pub mod tags;
pub mod training;

pub use error::{Result, SegmentError};
pub use profile::{ProfileParts, build_profile, write_profile};
pub use rules::{RuleSegment, evaluate_rules, write_memberships};
pub use tags::{TagSummary, Tagged, Tags, compute_tags};
pub use training::{Snapshot, TrainingSet, population, training_set};
