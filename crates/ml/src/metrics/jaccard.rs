//! Pair-counting Jaccard index between two labellings.

use super::rand_index::pair_counts;
use crate::error::Result;

/// Jaccard index of two labellings over pairs of rows: the pairs put together by both, divided
/// by the pairs put together by either; 1 for identical partitions. Unlike the adjusted Rand
/// index it ignores pairs separated by both, so it is not inflated by many small clusters.
/// 1.0 when neither labelling puts any two rows together.
pub fn jaccard_score(labels_a: &[usize], labels_b: &[usize]) -> Result<f64> {
    let p = pair_counts(labels_a, labels_b)?;
    let either = p.together_both + p.together_a_only + p.together_b_only;
    Ok(if either == 0 {
        1.0
    } else {
        p.together_both as f64 / either as f64
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_hand() {
        // Together in a: {0,1}, {2,3}; in b: {0,1}, {1,2}, {0,2}.
        assert_eq!(
            jaccard_score(&[0, 0, 1, 1], &[5, 5, 5, 7]).unwrap(),
            1.0 / 4.0
        );
        assert_eq!(jaccard_score(&[0, 0, 1], &[2, 2, 0]).unwrap(), 1.0);
        assert_eq!(jaccard_score(&[0, 1, 2], &[0, 1, 2]).unwrap(), 1.0);
    }
}
