//! cible's HTML report: one self-contained file (style sheet inline, charts as SVG drawn in
//! Rust, no script, nothing downloaded) that opens offline, reads on a laptop and prints.
//!
//! The caller assembles a [`Report`] from a run's files and [`render`]s it; this crate does
//! no I/O. Every chart is a `<figure data-chart="ID" data-marks="N">`, N being the data marks
//! it drew, so that a test can check that no chart came out empty.

pub mod charts;
mod html;
pub mod model;
pub mod svg;

pub use html::{Rendered, render};
pub use model::{
    AccountMap, Changes, ExportRow, Heatmap, KChoice, KRow, Report, RuleRow, ScoreSection,
    SegmentCard, StabilityFigures, TableQuality, TagRow, ValueEngagement,
};
