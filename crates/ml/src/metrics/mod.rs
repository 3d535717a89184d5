//! Clustering and classification metrics, each equal to scikit-learn's on the same data.
//!
//! Classification: [`roc_auc_score`], [`average_precision_score`], [`log_loss`],
//! [`brier_score`], their curves ([`roc_curve`], [`precision_recall_curve`],
//! [`calibration_curve`]), the [`Confusion`] matrix at a threshold chosen by a
//! [`ThresholdRule`], and the [`gains_table`] by score band.
//!
//! Clustering: internal metrics judge one labelling of a matrix: [`silhouette_score`] (and its per-sample,
//! per-cluster and sampled variants), [`calinski_harabasz_score`], [`davies_bouldin_score`] and
//! [`inertia`], and the [`dunn_index`]; for mixed data, [`kprototypes_cost`] and the silhouette
//! on any distance ([`silhouette_with`], [`silhouette_precomputed`]; Gower's:
//! [`Gower::silhouette`](crate::Gower::silhouette)). External metrics compare two labellings of the same
//! rows: [`adjusted_rand_score`], [`normalized_mutual_info_score`] and the pair-counting
//! [`jaccard_score`].
//!
//! Labels are arbitrary `usize` values: only which rows share a label matters, not the values.

mod calinski_harabasz;
mod classification;
mod davies_bouldin;
mod dunn;
mod inertia;
mod jaccard;
mod mutual_info;
mod rand_index;
mod silhouette;

pub use calinski_harabasz::{calinski_harabasz_score, label_means};
pub use classification::{
    CalibrationBin, ChosenThreshold, Confusion, GainsBand, PrPoint, RocPoint, ThresholdRule,
    average_precision_score, brier_score, calibration_curve, gains_table, log_loss,
    precision_recall_curve, roc_auc_score, roc_curve,
};
pub use davies_bouldin::davies_bouldin_score;
pub use dunn::dunn_index;
pub use inertia::inertia;
pub use jaccard::jaccard_score;
pub use mutual_info::normalized_mutual_info_score;
pub use rand_index::adjusted_rand_score;
pub(crate) use silhouette::sample_rows;
pub use silhouette::{
    ClusterSilhouette, Silhouette, silhouette, silhouette_precomputed, silhouette_samples,
    silhouette_score, silhouette_score_sampled, silhouette_with,
};

pub use crate::kprototypes::kprototypes_cost;

use crate::error::{Error, Result};

/// Labels renumbered `0..n_labels` in increasing order of the original values.
pub(crate) struct Encoded {
    /// One code per row.
    pub codes: Vec<usize>,
    /// The original label of each code.
    pub labels: Vec<usize>,
}

impl Encoded {
    /// Number of distinct labels.
    pub fn n_labels(&self) -> usize {
        self.labels.len()
    }

    /// Number of rows with each code.
    pub fn counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.labels.len()];
        for &c in &self.codes {
            counts[c] += 1;
        }
        counts
    }
}

/// Renumbers `labels` as `0..n_labels`, checking that there is one label per row.
pub(crate) fn encode(labels: &[usize], rows: usize) -> Result<Encoded> {
    if labels.len() != rows {
        return Err(Error::LengthMismatch {
            what: "labels",
            rows,
            found: labels.len(),
        });
    }
    let mut distinct = labels.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let codes = if distinct
        .last()
        .is_some_and(|&m| m < 4 * labels.len().max(16))
    {
        // Small label values (the usual case): a direct lookup table.
        let mut table = vec![0; distinct.last().map_or(0, |&m| m + 1)];
        for (code, &l) in distinct.iter().enumerate() {
            table[l] = code;
        }
        labels.iter().map(|&l| table[l]).collect()
    } else {
        labels
            .iter()
            .map(|l| distinct.binary_search(l).unwrap_or_default())
            .collect()
    };
    Ok(Encoded {
        codes,
        labels: distinct,
    })
}

/// Fails unless `2 <= n_labels <= rows - 1`, as scikit-learn's internal metrics require.
pub(crate) fn check_label_count(metric: &'static str, n_labels: usize, rows: usize) -> Result<()> {
    if n_labels < 2 || n_labels + 1 > rows {
        return Err(Error::LabelCount {
            metric,
            found: n_labels,
            max: rows.saturating_sub(1),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_renumbers_in_label_order() {
        let e = encode(&[7, 3, 7, 100_000], 4).unwrap();
        assert_eq!(e.codes, vec![1, 0, 1, 2]);
        assert_eq!(e.labels, vec![3, 7, 100_000]);
        assert_eq!(e.counts(), vec![1, 2, 1]);
        let e = encode(&[2, 0, 2], 3).unwrap();
        assert_eq!(e.codes, vec![1, 0, 1]);
    }

    #[test]
    fn encode_checks_length() {
        let e = encode(&[0, 1], 3).err().unwrap();
        assert_eq!(
            e.to_string(),
            "labels has 2 entries but the data has 3 rows"
        );
    }

    #[test]
    fn label_count_message() {
        let e = check_label_count("silhouette", 1, 10).unwrap_err();
        assert_eq!(
            e.to_string(),
            "silhouette needs between 2 and n - 1 = 9 distinct labels; the labels have 1"
        );
        assert!(check_label_count("silhouette", 10, 10).is_err());
        assert!(check_label_count("silhouette", 9, 10).is_ok());
    }
}
