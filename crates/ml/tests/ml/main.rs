//! The numeric core's integration tests, in one binary (one link, and the library's generic
//! code compiled once for all of them): results against scikit-learn's reference values
//! (`crates/ml/tests/reference/`, written by the scripts there) and properties of the algorithms.

mod common;
mod kmeans_properties;
mod kprototypes;
mod reference_clean;
mod reference_dbscan;
mod reference_encode;
mod reference_gap;
mod reference_hdbscan;
mod reference_hierarchical;
mod reference_kmeans;
mod reference_metrics;
mod reference_pca;
mod reference_scale;
mod reference_scoring;
mod reference_trees;
mod select_k;
