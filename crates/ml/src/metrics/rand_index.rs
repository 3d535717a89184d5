//! Adjusted Rand index between two labellings.

use super::encode;
use crate::error::{Error, Result};

/// Non-zero cells of the contingency table of two labellings, with its row and column sums.
pub(crate) struct Contingency {
    /// `(row code, column code, count)` for every non-zero cell.
    pub cells: Vec<(usize, usize, u64)>,
    /// Rows per label of the first labelling.
    pub row_sums: Vec<u64>,
    /// Rows per label of the second labelling.
    pub col_sums: Vec<u64>,
}

/// The contingency table of `a` against `b`, which must have the same length.
pub(crate) fn contingency(a: &[usize], b: &[usize]) -> Result<Contingency> {
    if a.len() != b.len() {
        return Err(Error::LengthMismatch {
            what: "labels_pred",
            rows: a.len(),
            found: b.len(),
        });
    }
    let ea = encode(a, a.len())?;
    let eb = encode(b, b.len())?;
    let m = eb.n_labels().max(1);
    let mut keys: Vec<usize> = ea
        .codes
        .iter()
        .zip(&eb.codes)
        .map(|(&x, &y)| x * m + y)
        .collect();
    keys.sort_unstable();
    let mut cells: Vec<(usize, usize, u64)> = Vec::new();
    for key in keys {
        match cells.last_mut() {
            Some(last) if last.0 * m + last.1 == key => last.2 += 1,
            _ => cells.push((key / m, key % m, 1)),
        }
    }
    let row_sums = ea.counts().into_iter().map(|c| c as u64).collect();
    let col_sums = eb.counts().into_iter().map(|c| c as u64).collect();
    Ok(Contingency {
        cells,
        row_sums,
        col_sums,
    })
}

/// Adjusted Rand index: the Rand index (the share of pairs of rows on which two labellings
/// agree) corrected for chance; 1 for identical partitions, about 0 for independent ones, and
/// negative below chance (scikit-learn's `adjusted_rand_score`).
///
/// Label values do not matter, only the partitions. Pair counts are exact integers; the
/// result is 1.0 when both labellings put every row alone or all rows together.
pub fn adjusted_rand_score(labels_true: &[usize], labels_pred: &[usize]) -> Result<f64> {
    let p = pair_counts(labels_true, labels_pred)?;
    let (tp, fp, fn_, tn) = (
        p.together_both,
        p.together_b_only,
        p.together_a_only,
        p.apart_both,
    );
    if fn_ == 0 && fp == 0 {
        return Ok(1.0);
    }
    let num = 2.0 * (tp * tn - fn_ * fp) as f64;
    let den = ((tp + fn_) * (fn_ + tn) + (tp + fp) * (fp + tn)) as f64;
    Ok(num / den)
}

/// Ordered pairs of distinct rows (each unordered pair counted twice, as scikit-learn's
/// `pair_confusion_matrix`) by whether each labelling puts them together.
pub(crate) struct PairCounts {
    /// Together in both labellings.
    pub together_both: i128,
    /// Together in the first labelling only.
    pub together_a_only: i128,
    /// Together in the second labelling only.
    pub together_b_only: i128,
    /// Apart in both.
    pub apart_both: i128,
}

/// Exact pair counts from the contingency table.
pub(crate) fn pair_counts(a: &[usize], b: &[usize]) -> Result<PairCounts> {
    let t = contingency(a, b)?;
    let n = a.len() as i128;
    let sum_squares: i128 = t
        .cells
        .iter()
        .map(|&(_, _, c)| (c as i128) * (c as i128))
        .sum();
    // Σ over cells of count × (size of its column) and × (size of its row).
    let by_col: i128 = t
        .cells
        .iter()
        .map(|&(_, j, c)| c as i128 * t.col_sums[j] as i128)
        .sum();
    let by_row: i128 = t
        .cells
        .iter()
        .map(|&(i, _, c)| c as i128 * t.row_sums[i] as i128)
        .sum();
    let together_both = sum_squares - n;
    let together_b_only = by_col - sum_squares;
    let together_a_only = by_row - sum_squares;
    let apart_both = n * n - together_b_only - together_a_only - sum_squares;
    Ok(PairCounts {
        together_both,
        together_a_only,
        together_b_only,
        apart_both,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_partitions_score_one_whatever_the_label_values() {
        assert_eq!(
            adjusted_rand_score(&[0, 0, 1, 1], &[5, 5, 2, 2]).unwrap(),
            1.0
        );
        assert_eq!(adjusted_rand_score(&[0, 1, 2], &[0, 1, 2]).unwrap(), 1.0);
        assert_eq!(adjusted_rand_score(&[0, 0, 0], &[1, 1, 1]).unwrap(), 1.0);
    }

    #[test]
    fn known_value() {
        // scikit-learn: adjusted_rand_score([0, 0, 1, 2], [0, 0, 1, 1]) = 0.5714285714285714
        let s = adjusted_rand_score(&[0, 0, 1, 2], &[0, 0, 1, 1]).unwrap();
        assert!((s - 0.571_428_571_428_571_4).abs() < 1e-15);
    }

    #[test]
    fn lengths_must_match() {
        let e = adjusted_rand_score(&[0, 1], &[0]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "labels_pred has 1 entries but the data has 2 rows"
        );
    }
}
