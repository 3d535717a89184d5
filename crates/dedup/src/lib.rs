//! cible-dedup: entity resolution for any table, without labels.
//!
//! Records are compared field by field (exact, Jaro-Winkler, Levenshtein, Jaccard on words,
//! relative numeric difference, days between dates in any format), each comparison giving an
//! agreement level. Only pairs that share a blocking key are compared (exact values, phonetic
//! codes, halves of codes, pairs of keys too common alone; hot keys go through a sorted
//! window) or that are neighbours once sorted by a text field. A Fellegi–Sunter model learns from the data which levels are
//! evidence of a match (`u` on random pairs, `m` by EM), and weights exact agreement on rare
//! values more; a pair's probability starts from the odds that two random records match.
//! Pairs above the threshold are grouped into entities, guarded against chains of
//! unrelated records; every record ends in exactly one entity, whose id is its smallest record
//! id, and every merge can be explained field by field.
//!
//! ```
//! use cible_dedup::{DedupParams, Records, deduplicate};
//!
//! let ids = ["1", "2", "3", "4"].map(|s| Some(s.to_string())).to_vec();
//! let column = |v: [&str; 4]| v.map(|s| Some(s.to_string())).to_vec();
//! let records = Records::new(ids, vec![
//!     ("name".into(), column(["Jean Dupont", "Jean Dupond", "Marie Curie", "Pierre Martin"])),
//!     ("email".into(), column(["jd@x.fr", "jd@x.fr", "mc@y.fr", "pm@z.fr"])),
//! ])?;
//! let result = deduplicate(&records, None, &DedupParams::new())?;
//! assert_eq!(result.entities.len(), 4);
//! # Ok::<(), cible_dedup::DedupError>(())
//! ```
//!
//! Tests cover each comparator's levels, blocking (hot keys, the union of rules), EM on
//! comparison vectors with known m and u, the chaining guard, lineage (every id in exactly
//! one entity, independent of row order), bad input, and accuracy on the public FEBRL data
//! sets against their true pairs (`tests/febrl.rs`). They do not cover survivorship (the
//! golden record), which belongs to the cleaning stage.

mod blocking;
mod cluster;
mod compare;
mod dedup;
mod error;
mod evaluate;
mod model;
mod params;
mod records;

pub use blocking::{RuleReport, phonetic};
pub use dedup::{Dedup, DedupStats, FieldEvidence, MatchedPair, deduplicate};
pub use error::DedupError;
pub use evaluate::{PairScores, pair_scores};
pub use model::{FieldModel, Model, TrainingSession};
pub use params::{Comparator, DedupParams, FieldSpec};
pub use records::{Records, choose_fields, match_key};
