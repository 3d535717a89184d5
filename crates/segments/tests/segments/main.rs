//! The segments crate's integration tests, in one binary (one link against DataFusion instead
//! of two): tags, rule segments and profiles, and point-in-time training sets.

mod tags_and_rules;
mod training;
