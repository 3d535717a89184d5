//! Normalized mutual information between two labellings.

use super::rand_index::contingency;
use crate::error::Result;

/// Normalized mutual information with the arithmetic mean of the two entropies as normaliser
/// (scikit-learn's `normalized_mutual_info_score` with its default `average_method =
/// "arithmetic"`); 1 for identical partitions, 0 for independent ones. Natural logarithms.
///
/// Returns 1.0 when both labellings have a single label, and 0.0 when the mutual information
/// is zero, as scikit-learn does.
pub fn normalized_mutual_info_score(labels_true: &[usize], labels_pred: &[usize]) -> Result<f64> {
    let t = contingency(labels_true, labels_pred)?;
    let (a, b) = (t.row_sums.len(), t.col_sums.len());
    if a == b && a <= 1 {
        return Ok(1.0);
    }
    let mi = mutual_info(&t.cells, &t.row_sums, &t.col_sums);
    if mi == 0.0 {
        return Ok(0.0);
    }
    let normaliser = (entropy(&t.row_sums) + entropy(&t.col_sums)) / 2.0;
    Ok(mi / normaliser)
}

/// Mutual information of a contingency table, computed term by term as scikit-learn does.
fn mutual_info(cells: &[(usize, usize, u64)], row_sums: &[u64], col_sums: &[u64]) -> f64 {
    if row_sums.len() == 1 || col_sums.len() == 1 {
        return 0.0;
    }
    let total: u64 = cells.iter().map(|c| c.2).sum();
    let log_total = (total as f64).ln();
    let log_pi_sum = (row_sums.iter().sum::<u64>() as f64).ln();
    let log_pj_sum = (col_sums.iter().sum::<u64>() as f64).ln();
    let mut mi = 0.0;
    for &(i, j, c) in cells {
        let p = c as f64 / total as f64;
        let outer = (row_sums[i] as f64) * (col_sums[j] as f64);
        let log_outer = -outer.ln() + log_pi_sum + log_pj_sum;
        let term = p * ((c as f64).ln() - log_total) + p * log_outer;
        if term.abs() >= f64::EPSILON {
            mi += term;
        }
    }
    mi.max(0.0)
}

/// Entropy (natural log) of a labelling given its label counts.
fn entropy(counts: &[u64]) -> f64 {
    if counts.len() <= 1 {
        return 0.0;
    }
    let total = counts.iter().sum::<u64>() as f64;
    let log_total = total.ln();
    -counts
        .iter()
        .map(|&c| (c as f64 / total) * ((c as f64).ln() - log_total))
        .sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_and_independent_partitions() {
        assert_eq!(
            normalized_mutual_info_score(&[0, 0, 1, 1], &[1, 1, 0, 0]).unwrap(),
            1.0
        );
        assert_eq!(
            normalized_mutual_info_score(&[0, 0, 1, 1], &[0, 1, 0, 1]).unwrap(),
            0.0
        );
        assert_eq!(normalized_mutual_info_score(&[4, 4], &[7, 7]).unwrap(), 1.0);
        assert_eq!(
            normalized_mutual_info_score(&[0, 0, 1], &[7, 7, 7]).unwrap(),
            0.0
        );
    }

    #[test]
    fn known_value() {
        // scikit-learn: normalized_mutual_info_score([0, 0, 1, 2], [0, 0, 1, 1])
        let s = normalized_mutual_info_score(&[0, 0, 1, 2], &[0, 0, 1, 1]).unwrap();
        assert!((s - 0.799_999_999_999_999_9).abs() < 1e-15, "{s}");
    }
}
