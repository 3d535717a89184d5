//! Scoring found pairs against true pairs: pairwise precision, recall and F1.

use std::collections::HashSet;

use serde::Serialize;

/// Pairwise accuracy of a deduplication.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PairScores {
    /// Found pairs that are true.
    pub true_positives: u64,
    /// Found pairs that are not.
    pub false_positives: u64,
    /// True pairs not found.
    pub false_negatives: u64,
    /// TP / (TP + FP); 1 when nothing was found.
    pub precision: f64,
    /// TP / (TP + FN); 1 when there is nothing to find.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

/// Compares found pairs with true pairs, both unordered.
pub fn pair_scores<'a>(
    found: impl IntoIterator<Item = (&'a str, &'a str)>,
    truth: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> PairScores {
    let key = |(a, b): (&'a str, &'a str)| if a < b { (a, b) } else { (b, a) };
    let truth: HashSet<(&str, &str)> = truth.into_iter().map(key).collect();
    let found: HashSet<(&str, &str)> = found.into_iter().map(key).collect();
    let tp = found.intersection(&truth).count() as u64;
    let fp = found.len() as u64 - tp;
    let fn_ = truth.len() as u64 - tp;
    let precision = if found.is_empty() {
        1.0
    } else {
        tp as f64 / found.len() as f64
    };
    let recall = if truth.is_empty() {
        1.0
    } else {
        tp as f64 / truth.len() as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    PairScores {
        true_positives: tp,
        false_positives: fp,
        false_negatives: fn_,
        precision,
        recall,
        f1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_unordered_and_counted_once() {
        let s = pair_scores(
            [("a", "b"), ("c", "b"), ("x", "y"), ("b", "a")],
            [("b", "a"), ("b", "c"), ("d", "e")],
        );
        assert_eq!(
            (s.true_positives, s.false_positives, s.false_negatives),
            (2, 1, 1)
        );
        assert!((s.precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((s.recall - 2.0 / 3.0).abs() < 1e-12);
        assert!((s.f1 - 2.0 / 3.0).abs() < 1e-12);
        let empty = pair_scores([], []);
        assert_eq!((empty.precision, empty.recall, empty.f1), (1.0, 1.0, 1.0));
    }
}
