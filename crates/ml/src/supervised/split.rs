//! Honest validation splits: train, validation and test sets (stratified, or by time so that
//! no training row is later than a test row), and folds for cross-validation (stratified, or
//! expanding windows in time order).
//!
//! Every split returns row positions, sorted, and depends only on its inputs and seed.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Row positions of the three sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    /// Rows to fit models on.
    pub train: Vec<usize>,
    /// Rows to choose among models and thresholds on.
    pub validation: Vec<usize>,
    /// Rows left untouched until the final figures.
    pub test: Vec<usize>,
}

/// One cross-validation fold: fit on `train`, score on `validation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fold {
    /// Rows to fit on.
    pub train: Vec<usize>,
    /// Rows to score on.
    pub validation: Vec<usize>,
}

/// How to split rows into train, validation and test sets; built with [`SplitParams::new`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SplitParams {
    validation: f64,
    test: f64,
    stratify: bool,
    seed: u64,
}

impl Default for SplitParams {
    fn default() -> Self {
        SplitParams {
            validation: 0.15,
            test: 0.15,
            stratify: true,
            seed: 0,
        }
    }
}

impl SplitParams {
    /// 70 % train, 15 % validation, 15 % test, stratified, seed 0.
    pub fn new() -> Self {
        SplitParams::default()
    }

    /// Share of the rows in the validation set. Default: 0.15.
    pub fn validation(mut self, share: f64) -> Self {
        self.validation = share;
        self
    }

    /// Share of the rows in the test set. Default: 0.15.
    pub fn test(mut self, share: f64) -> Self {
        self.test = share;
        self
    }

    /// Whether random splits keep each class's share in every set. Default: true.
    pub fn stratify(mut self, stratify: bool) -> Self {
        self.stratify = stratify;
        self
    }

    /// Seed of random splits. Default: 0.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Validates the shares: each in [0, 1), together below 1.
    pub fn check(&self) -> Result<&Self> {
        for (name, share) in [("validation", self.validation), ("test", self.test)] {
            if !(0.0..1.0).contains(&share) {
                return Err(Error::param(name, share, "must be in [0, 1)"));
            }
        }
        if self.validation + self.test >= 1.0 {
            return Err(Error::param(
                "validation + test",
                self.validation + self.test,
                "must be below 1, to leave rows to train on",
            ));
        }
        Ok(self)
    }

    /// A random split of the rows of target `y`; stratified, each class is shuffled and cut
    /// in the same shares.
    pub fn random(&self, y: &[bool]) -> Result<Split> {
        self.check()?;
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let groups: Vec<Vec<usize>> = if self.stratify {
            [false, true]
                .iter()
                .map(|&class| (0..y.len()).filter(|&i| y[i] == class).collect())
                .collect()
        } else {
            vec![(0..y.len()).collect()]
        };
        let mut split = Split {
            train: Vec::new(),
            validation: Vec::new(),
            test: Vec::new(),
        };
        for mut rows in groups {
            rows.shuffle(&mut rng);
            let n = rows.len() as f64;
            let test = (n * self.test).round() as usize;
            let validation = ((n * self.validation).round() as usize).min(rows.len() - test);
            split.test.extend_from_slice(&rows[..test]);
            split
                .validation
                .extend_from_slice(&rows[test..test + validation]);
            split.train.extend_from_slice(&rows[test + validation..]);
        }
        finish(split, y.len())
    }

    /// A split in time order: the earliest rows train, the next validate, the latest test.
    /// Rows with equal times stay in the same set (the later one), so no training row is
    /// later than a validation or test row, and no validation row later than a test row.
    pub fn by_time(&self, times: &[f64]) -> Result<Split> {
        self.check()?;
        let order = time_order(times)?;
        let n = order.len();
        let test_start = tie_start(times, &order, n - (n as f64 * self.test).round() as usize);
        let validation_start = tie_start(
            times,
            &order,
            test_start.saturating_sub((n as f64 * self.validation).round() as usize),
        );
        finish(
            Split {
                train: order[..validation_start].to_vec(),
                validation: order[validation_start..test_start].to_vec(),
                test: order[test_start..].to_vec(),
            },
            n,
        )
    }
}

/// Row positions sorted by time, then position; an error on a time that is not finite.
fn time_order(times: &[f64]) -> Result<Vec<usize>> {
    if let Some((row, &value)) = times.iter().enumerate().find(|(_, t)| !t.is_finite()) {
        return Err(Error::NotFinite {
            row,
            column: 0,
            value,
        });
    }
    let mut order: Vec<usize> = (0..times.len()).collect();
    order.sort_by(|&a, &b| times[a].total_cmp(&times[b]).then(a.cmp(&b)));
    Ok(order)
}

/// Moves a cut back to the first row of its time, so that equal times are not split.
fn tie_start(times: &[f64], order: &[usize], mut cut: usize) -> usize {
    while cut > 0 && cut < order.len() && times[order[cut - 1]] == times[order[cut]] {
        cut -= 1;
    }
    cut
}

/// Sorts each set; an error when the training set is empty.
fn finish(mut split: Split, rows: usize) -> Result<Split> {
    split.train.sort_unstable();
    split.validation.sort_unstable();
    split.test.sort_unstable();
    if split.train.is_empty() {
        return Err(Error::TooFewRows {
            what: "a train, validation and test split".into(),
            needed: 3,
            rows,
        });
    }
    Ok(split)
}

/// Stratified k-fold cross-validation: each class shuffled (seeded) and dealt in turn to the
/// folds, so every fold has its share of each class; each fold validates on its rows and
/// trains on the others.
pub fn stratified_folds(y: &[bool], k: usize, seed: u64) -> Result<Vec<Fold>> {
    check_folds(k, y.len())?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut fold_of = vec![0; y.len()];
    let mut next = 0;
    for class in [false, true] {
        let mut rows: Vec<usize> = (0..y.len()).filter(|&i| y[i] == class).collect();
        rows.shuffle(&mut rng);
        for i in rows {
            fold_of[i] = next % k;
            next += 1;
        }
    }
    Ok((0..k)
        .map(|f| {
            let (validation, train) = (0..y.len()).partition(|&i| fold_of[i] == f);
            Fold { train, validation }
        })
        .collect())
}

/// Time-ordered cross-validation with expanding windows (scikit-learn's `TimeSeriesSplit`):
/// the rows sorted by time are cut into `k + 1` blocks; fold `f` trains on blocks `0..=f` and
/// validates on block `f + 1`. Equal times are never split between a fold's two sets.
pub fn time_folds(times: &[f64], k: usize) -> Result<Vec<Fold>> {
    check_folds(k + 1, times.len())?;
    let order = time_order(times)?;
    let n = order.len();
    let cut = |b: usize| tie_start(times, &order, b * n / (k + 1));
    let mut folds = Vec::with_capacity(k);
    for f in 0..k {
        let (start, end) = (cut(f + 1), cut(f + 2).max(cut(f + 1)));
        let mut train = order[..start].to_vec();
        let mut validation = order[start..if f + 1 == k { n } else { end }].to_vec();
        if train.is_empty() || validation.is_empty() {
            continue;
        }
        train.sort_unstable();
        validation.sort_unstable();
        folds.push(Fold { train, validation });
    }
    if folds.is_empty() {
        return Err(Error::param(
            "folds",
            k,
            "the rows have too few distinct times to cut into time-ordered folds",
        ));
    }
    Ok(folds)
}

fn check_folds(k: usize, rows: usize) -> Result<()> {
    if k < 2 {
        return Err(Error::param("folds", k, "must be at least 2"));
    }
    if rows < k {
        return Err(Error::TooFewRows {
            what: "cross-validation".into(),
            needed: k,
            rows,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(n: usize) -> Vec<bool> {
        (0..n).map(|i| i % 5 == 0).collect()
    }

    #[test]
    fn random_split_is_stratified_complete_and_seeded() {
        let y = target(1000);
        let s = SplitParams::new().seed(3).random(&y).unwrap();
        assert_eq!(
            (s.train.len(), s.validation.len(), s.test.len()),
            (700, 150, 150)
        );
        let positives = |rows: &[usize]| rows.iter().filter(|&&i| y[i]).count();
        assert_eq!(
            (
                positives(&s.train),
                positives(&s.validation),
                positives(&s.test)
            ),
            (140, 30, 30)
        );
        let mut all: Vec<usize> = [&s.train[..], &s.validation, &s.test].concat();
        all.sort_unstable();
        assert_eq!(all, (0..1000).collect::<Vec<_>>());
        assert_eq!(s, SplitParams::new().seed(3).random(&y).unwrap());
        assert_ne!(s, SplitParams::new().seed(4).random(&y).unwrap());
    }

    #[test]
    fn time_split_never_trains_on_the_future() {
        // Times with many ties, in scrambled order.
        let times: Vec<f64> = (0..997).map(|i| ((i * 389) % 997 / 10) as f64).collect();
        let s = SplitParams::new().by_time(&times).unwrap();
        let latest = |rows: &[usize]| rows.iter().map(|&i| times[i]).fold(f64::MIN, f64::max);
        let earliest = |rows: &[usize]| rows.iter().map(|&i| times[i]).fold(f64::MAX, f64::min);
        assert!(latest(&s.train) < earliest(&s.validation));
        assert!(latest(&s.validation) < earliest(&s.test));
        assert_eq!(s.train.len() + s.validation.len() + s.test.len(), 997);
        assert!((s.test.len() as f64 - 150.0).abs() <= 10.0);
    }

    #[test]
    fn folds_cover_every_row_once() {
        let y = target(103);
        let folds = stratified_folds(&y, 5, 0).unwrap();
        let mut seen = vec![0; 103];
        for f in &folds {
            assert_eq!(f.train.len() + f.validation.len(), 103);
            f.validation.iter().for_each(|&i| seen[i] += 1);
            let positives = f.validation.iter().filter(|&&i| y[i]).count();
            assert!((4..=5).contains(&positives), "{positives}");
        }
        assert!(seen.iter().all(|&s| s == 1));
    }

    #[test]
    fn time_folds_expand_forward() {
        let times: Vec<f64> = (0..100).rev().map(|i| (i / 3) as f64).collect();
        let folds = time_folds(&times, 4).unwrap();
        assert_eq!(folds.len(), 4);
        for w in folds.windows(2) {
            assert!(w[1].train.len() > w[0].train.len());
        }
        for f in &folds {
            let latest = f.train.iter().map(|&i| times[i]).fold(f64::MIN, f64::max);
            assert!(f.validation.iter().all(|&i| times[i] > latest));
        }
        let covered: usize = folds
            .last()
            .map(|f| f.train.len() + f.validation.len())
            .unwrap();
        assert_eq!(covered, 100);
    }

    #[test]
    fn bad_parameters_are_reported() {
        assert_eq!(
            SplitParams::new()
                .test(1.0)
                .random(&target(10))
                .unwrap_err()
                .to_string(),
            "invalid parameter `test` = 1: must be in [0, 1)"
        );
        assert_eq!(
            SplitParams::new()
                .test(0.5)
                .validation(0.5)
                .random(&target(10))
                .unwrap_err()
                .to_string(),
            "invalid parameter `validation + test` = 1: must be below 1, to leave rows to train on"
        );
        assert_eq!(
            stratified_folds(&target(10), 1, 0).unwrap_err().to_string(),
            "invalid parameter `folds` = 1: must be at least 2"
        );
        assert!(matches!(
            SplitParams::new().by_time(&[1.0, f64::NAN]).unwrap_err(),
            Error::NotFinite { row: 1, .. }
        ));
        assert_eq!(
            time_folds(&[5.0; 20], 3).unwrap_err().to_string(),
            "invalid parameter `folds` = 3: the rows have too few distinct times to cut into \
             time-ordered folds"
        );
    }
}
