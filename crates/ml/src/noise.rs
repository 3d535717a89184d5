//! Labels of density clusterings, where `None` is noise, in the forms other tools expect.

/// The cluster, or −1 for noise, as scikit-learn writes labels.
pub(crate) fn as_minus_one(labels: &[Option<usize>]) -> Vec<i64> {
    labels.iter().map(|l| l.map_or(-1, |c| c as i64)).collect()
}

/// Noise as one more cluster numbered `n_clusters`: the partition scikit-learn's metrics see
/// when given labels with −1.
pub(crate) fn as_cluster(labels: &[Option<usize>], n_clusters: usize) -> Vec<usize> {
    labels.iter().map(|l| l.unwrap_or(n_clusters)).collect()
}
