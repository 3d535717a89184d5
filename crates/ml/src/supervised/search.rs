//! Choosing a model on validation folds only: cross-validated AUC of candidate parameters
//! ([`search`]), and the permutation importance of each column for a fitted model.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Classifier, Fold, ModelParams};
use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::metrics::roc_auc_score;

/// One candidate's cross-validated AUC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateScore {
    /// The candidate's parameters.
    pub params: ModelParams,
    /// AUC on each fold's validation rows.
    pub fold_auc: Vec<f64>,
    /// Their mean.
    pub mean_auc: f64,
    /// Their standard deviation.
    pub sd_auc: f64,
}

/// The result of a search: every candidate's score and the best one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResult {
    /// Every candidate, in the order given.
    pub candidates: Vec<CandidateScore>,
    /// Position of the best: the highest mean AUC, the first of equals.
    pub best: usize,
}

impl SearchResult {
    /// The best candidate.
    pub fn best(&self) -> &CandidateScore {
        &self.candidates[self.best]
    }
}

/// Fits every candidate on every fold's training rows and scores it by AUC on the fold's
/// validation rows. Fits run in parallel; results do not depend on the thread count. A fold
/// whose training or validation rows hold a single class is an error that says so.
pub fn search(
    candidates: &[ModelParams],
    x: &Matrix<f64>,
    y: &[bool],
    folds: &[Fold],
) -> Result<SearchResult> {
    if candidates.is_empty() {
        return Err(Error::param(
            "candidates",
            0,
            "the search needs at least one",
        ));
    }
    for (f, fold) in folds.iter().enumerate() {
        for (set, rows) in [("training", &fold.train), ("validation", &fold.validation)] {
            let positives = rows.iter().filter(|&&i| y[i]).count();
            if positives == 0 || positives == rows.len() {
                return Err(Error::param(
                    "folds",
                    folds.len(),
                    format!(
                        "fold {} has only {} targets in its {} {set} rows; use fewer folds \
                         (or more rows of the rare class)",
                        f + 1,
                        positives > 0,
                        rows.len()
                    ),
                ));
            }
        }
    }
    // One fold at a time: its rows are copied once and every candidate fits on them in
    // parallel. `by_fold[f][c]` is candidate c's AUC on fold f.
    let pick = |rows: &[usize]| rows.iter().map(|&i| y[i]).collect::<Vec<bool>>();
    let by_fold: Vec<Vec<f64>> = folds
        .iter()
        .map(|fold| {
            let (x_train, y_train) = (x.select_rows(&fold.train), pick(&fold.train));
            let (x_val, y_val) = (x.select_rows(&fold.validation), pick(&fold.validation));
            candidates
                .par_iter()
                .map(|params| {
                    let model = params.fit(&x_train, &y_train)?;
                    roc_auc_score(&y_val, &model.predict_proba(&x_val)?)
                })
                .collect::<Result<Vec<f64>>>()
        })
        .collect::<Result<_>>()?;
    let scored: Vec<CandidateScore> = candidates
        .iter()
        .enumerate()
        .map(|(c, params)| {
            let fold_auc: Vec<f64> = by_fold.iter().map(|aucs| aucs[c]).collect();
            let k = fold_auc.len() as f64;
            let mean_auc = fold_auc.iter().sum::<f64>() / k;
            let sd_auc = (fold_auc.iter().map(|a| (a - mean_auc).powi(2)).sum::<f64>() / k).sqrt();
            CandidateScore {
                params: params.clone(),
                fold_auc,
                mean_auc,
                sd_auc,
            }
        })
        .collect();
    let best = scored.iter().enumerate().fold(0, |best, (i, c)| {
        if c.mean_auc > scored[best].mean_auc {
            i
        } else {
            best
        }
    });
    Ok(SearchResult {
        candidates: scored,
        best,
    })
}

/// How much a column matters to a fitted model: the drop in AUC when its values are shuffled
/// among the rows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PermutationImportance {
    /// Mean AUC drop over the repeats.
    pub mean: f64,
    /// Its standard deviation.
    pub sd: f64,
}

/// Permutation importance of groups of columns of `x` for `model` (scikit-learn's
/// `permutation_importance` with the AUC): the columns of each group shuffled together
/// (the one-hot columns of one category, say; `[[0], [1], …]` for every column alone),
/// `repeats` times, each shuffle seeded by `seed`, the group and the repeat, so that the
/// result does not depend on the thread count.
pub fn permutation_importance(
    model: &dyn Classifier,
    x: &Matrix<f64>,
    y: &[bool],
    groups: &[Vec<usize>],
    repeats: usize,
    seed: u64,
) -> Result<Vec<PermutationImportance>> {
    if repeats == 0 {
        return Err(Error::param("repeats", 0, "must be at least 1"));
    }
    let (n, d) = (x.rows(), x.cols());
    if let Some(&column) = groups.iter().flatten().find(|&&c| c >= d) {
        return Err(Error::param(
            "groups",
            column,
            format!("names a column beyond the data's {d}"),
        ));
    }
    let baseline = roc_auc_score(y, &model.predict_proba(x)?)?;
    let drops: Vec<f64> = (0..groups.len() * repeats)
        .into_par_iter()
        // One copy of the data per worker: each job shuffles its columns in, scores, and
        // puts the original values back.
        .map_init(
            || x.as_slice().to_vec(),
            |data, job| {
                let (group, repeat) = (job / repeats, job % repeats);
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                rng.set_stream((group * repeats + repeat) as u64);
                let mut order: Vec<usize> = (0..n).collect();
                order.shuffle(&mut rng);
                for (i, &from) in order.iter().enumerate() {
                    for &column in &groups[group] {
                        data[i * d + column] = x.get(from, column);
                    }
                }
                let shuffled = Matrix::from_parts_unchecked(std::mem::take(data), n, d);
                let scores = model.predict_proba(&shuffled);
                *data = shuffled.into_vec();
                for i in 0..n {
                    for &column in &groups[group] {
                        data[i * d + column] = x.get(i, column);
                    }
                }
                Ok(baseline - roc_auc_score(y, &scores?)?)
            },
        )
        .collect::<Result<_>>()?;
    Ok(drops
        .chunks(repeats)
        .map(|d| {
            let mean = d.iter().sum::<f64>() / repeats as f64;
            let sd = (d.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / repeats as f64).sqrt();
            PermutationImportance { mean, sd }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::supervised::{ClassWeight, LogisticRegression, ModelKind, stratified_folds};

    /// Column 0 decides the target, column 1 is noise.
    fn data() -> (Matrix<f64>, Vec<bool>) {
        let rows: Vec<[f64; 2]> = (0..400)
            .map(|i| {
                let t = i as f64;
                [(t * 0.37).sin() * 2.0, (t * 1.3).cos()]
            })
            .collect();
        let y = rows
            .iter()
            .enumerate()
            .map(|(i, r)| r[0] + 0.7 * (i as f64 * 2.9).sin() > 0.3)
            .collect();
        (Matrix::from_rows(&rows).unwrap(), y)
    }

    #[test]
    fn search_scores_every_candidate_on_every_fold() {
        let (x, y) = data();
        let folds = stratified_folds(&y, 4, 0).unwrap();
        let grid = ModelKind::Logistic.grid(ClassWeight::None, 0);
        let result = search(&grid, &x, &y, &folds).unwrap();
        assert_eq!(result.candidates.len(), grid.len());
        for c in &result.candidates {
            assert_eq!(c.fold_auc.len(), 4);
            assert!(c.mean_auc > 0.8 && c.mean_auc <= 1.0, "{}", c.mean_auc);
        }
        let best = result.best().mean_auc;
        assert!(result.candidates.iter().all(|c| c.mean_auc <= best));
        // The fold scores are those of fits on the fold's rows alone.
        let fold = &folds[2];
        let pick = |rows: &[usize]| rows.iter().map(|&i| y[i]).collect::<Vec<bool>>();
        let model = grid[0]
            .fit(&x.select_rows(&fold.train), &pick(&fold.train))
            .unwrap();
        let auc = roc_auc_score(
            &pick(&fold.validation),
            &model
                .predict_proba(&x.select_rows(&fold.validation))
                .unwrap(),
        )
        .unwrap();
        assert_eq!(result.candidates[0].fold_auc[2], auc);
    }

    #[test]
    fn a_fold_with_one_class_is_reported() {
        let (x, y) = data();
        let negatives: Vec<usize> = (0..400).filter(|&i| !y[i]).take(10).collect();
        let folds = [Fold {
            train: (0..400).filter(|i| !negatives.contains(i)).collect(),
            validation: negatives,
        }];
        let grid = ModelKind::Logistic.grid(ClassWeight::None, 0);
        assert_eq!(
            search(&grid, &x, &y, &folds).unwrap_err().to_string(),
            "invalid parameter `folds` = 1: fold 1 has only false targets in its 10 validation \
             rows; use fewer folds (or more rows of the rare class)"
        );
    }

    #[test]
    fn permutation_importance_finds_the_driver() {
        let (x, y) = data();
        let model = LogisticRegression::params().fit(&x, &y).unwrap();
        let groups = [vec![0], vec![1]];
        let importance = permutation_importance(&model, &x, &y, &groups, 5, 1).unwrap();
        assert!(importance[0].mean > 0.2, "{:?}", importance);
        assert!(importance[1].mean.abs() < 0.02, "{:?}", importance);
        let run = || permutation_importance(&model, &x, &y, &groups, 5, 1).unwrap();
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(run);
        assert_eq!(one, importance);
        // Shuffling both columns together costs at least as much as the driver alone.
        let both = permutation_importance(&model, &x, &y, &[vec![0, 1]], 5, 1).unwrap();
        assert!(both[0].mean > 0.2);
        assert_eq!(
            permutation_importance(&model, &x, &y, &[vec![2]], 5, 1)
                .unwrap_err()
                .to_string(),
            "invalid parameter `groups` = 2: names a column beyond the data's 2"
        );
    }
}
