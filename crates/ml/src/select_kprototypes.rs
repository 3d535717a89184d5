//! Choosing the number of clusters of mixed numeric and categorical data: k-prototypes for
//! every k of a range, in parallel, with its cost and a silhouette for each, the elbow of the
//! cost curve, and a recommended k with its reasons, as [`select_k`](crate::select_k) does for
//! k-means.
//!
//! ```
//! use cible_ml::{KPrototypes, Matrix, MixedData, make_blobs, select_k_prototypes};
//!
//! // Three groups of accounts: numbers around three centres, a sector code per group.
//! let centres = Matrix::from_rows(&[[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])?;
//! let (x, groups) = make_blobs(150, &centres, 1.0, 7)?;
//! let sectors: Vec<u32> = groups.iter().map(|&g| g as u32).collect();
//! let accounts = MixedData::new(x, sectors, 1)?;
//!
//! let choice = select_k_prototypes(&accounts, 2..=6, &KPrototypes::params(2).n_init(3))?;
//! assert_eq!(choice.recommended, 3);
//! println!("{}", choice.reasons.join("\n"));
//! # Ok::<(), cible_ml::Error>(())
//! ```
//!
//! The silhouette uses the dissimilarity k-prototypes minimises, through its square root:
//! `√(‖x − y‖² + γ · mismatches)`, with the fit's `gamma`. That is the Euclidean distance
//! after one-hot encoding every categorical column scaled by `√(γ/2)` (two different codes
//! are `√γ` apart), so the silhouette judges the partition with the same balance between
//! numbers and categories as the fit, is a true metric like the k-means sweep's Euclidean
//! silhouette, and equals it when there is no categorical column. Gower's distance was not
//! chosen: it weighs each numeric column by its range and each category by a fixed share,
//! whatever `gamma` the clustering used, so it would judge a partition by another balance than
//! the one it was fitted for (and a single extreme value rescales a whole column).
//!
//! The recommendation is the k-means sweep's: the highest silhouette, ties within
//! [`SILHOUETTE_TIE`](crate::SILHOUETTE_TIE) going to the smallest k (there is no
//! Calinski–Harabasz or Davies–Bouldin index for modes), and the elbow of the cost curve
//! (Kneedle, [`elbow`](crate::elbow)) reported beside it, or used when no silhouette is
//! defined.

use std::cmp::Ordering;
use std::ops::RangeInclusive;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::kprototypes::{KPrototypesParams, mixed_cost};
use crate::metrics::{sample_rows, silhouette_with};
use crate::mixed::MixedData;
use crate::select_k::{Scored, by_silhouette, check_sweep, elbow, elbow_reason, sample_reason};

/// Parameters of [`select_k_prototypes`]: the range of k, the k-prototypes parameters used for
/// every k, and the size above which the silhouette is estimated on a sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectKPrototypesParams {
    k_min: usize,
    k_max: usize,
    kprototypes: KPrototypesParams,
    #[serde(default = "default_silhouette_sample")]
    silhouette_sample: usize,
}

fn default_silhouette_sample() -> usize {
    5_000
}

impl SelectKPrototypesParams {
    /// Every k of `ks` (default in cible: `2..=15`), k-prototypes with `kprototypes` (its `k`
    /// is replaced by each value of the range; its `gamma`, `n_init`, `max_iter` and `seed`
    /// serve every k), the silhouette exact up to 5 000 rows.
    pub fn new(ks: RangeInclusive<usize>, kprototypes: KPrototypesParams) -> Self {
        SelectKPrototypesParams {
            k_min: *ks.start(),
            k_max: *ks.end(),
            kprototypes,
            silhouette_sample: default_silhouette_sample(),
        }
    }

    /// Rows above which the silhouette is estimated on a random sample of this many rows
    /// (seeded by the k-prototypes seed and k; exact below). Default: 5 000, as the k-means
    /// sweep: 2.5 × 10⁷ dissimilarities per k.
    pub fn silhouette_sample(mut self, rows: usize) -> Self {
        self.silhouette_sample = rows;
        self
    }

    /// Validates the parameters (everything that does not depend on the data), the
    /// k-prototypes parameters for every k of the range included.
    pub fn check(&self) -> Result<&Self> {
        check_sweep(self.k_min, self.k_max, self.silhouette_sample)?;
        for k in self.k_min..=self.k_max {
            self.kprototypes.clone().with_k(k).check()?;
        }
        Ok(self)
    }

    /// Checks the parameters and runs the selection on `data`.
    pub fn fit(&self, data: &MixedData) -> Result<KPrototypesSelection> {
        self.check()?;
        data.check_not_empty("the data")?;
        if self.k_max + 1 > data.rows() {
            return Err(Error::TooFewRows {
                what: format!("choosing k over {}..={}", self.k_min, self.k_max),
                needed: self.k_max + 1,
                rows: data.rows(),
            });
        }
        let fits: Vec<(KPrototypesScore, f64)> = (self.k_min..=self.k_max)
            .into_par_iter()
            .map(|k| self.score(data, k))
            .collect::<Result<_>>()?;
        // Every k used the same gamma: the given one or the data's default.
        let gamma = fits[0].1;
        let scores = fits.into_iter().map(|(s, _)| s).collect();
        let sampled = (data.rows() > self.silhouette_sample).then_some(self.silhouette_sample);
        Ok(recommend(scores, gamma, sampled))
    }

    /// The scores of one k, and the gamma its fit used.
    fn score(&self, data: &MixedData, k: usize) -> Result<(KPrototypesScore, f64)> {
        let model = self.kprototypes.clone().with_k(k).fit(data)?;
        let labels = model.labels();
        let mut sizes = vec![0usize; k];
        labels.iter().for_each(|&l| sizes[l] += 1);
        let found = sizes.iter().filter(|&&s| s > 0).count();
        // With duplicated rows some clusters may stay empty; the silhouette needs 2..n-1.
        let silhouette = if found >= 2 && found < data.rows() {
            let seed = self.kprototypes.seed_value() ^ (k as u64);
            Some(silhouette_sampled(
                data,
                labels,
                model.gamma(),
                self.silhouette_sample,
                seed,
            )?)
        } else {
            None
        };
        let score = KPrototypesScore {
            k,
            clusters_found: found,
            cost: model.cost(),
            n_iter: model.n_iter(),
            converged: model.converged(),
            silhouette,
        };
        Ok((score, model.gamma()))
    }
}

/// Runs k-prototypes for every k of `ks` on `data` and recommends one; see
/// [`SelectKPrototypesParams`].
pub fn select_k_prototypes(
    data: &MixedData,
    ks: RangeInclusive<usize>,
    kprototypes: &KPrototypesParams,
) -> Result<KPrototypesSelection> {
    SelectKPrototypesParams::new(ks, kprototypes.clone()).fit(data)
}

/// The mean silhouette of `labels` on `√(‖x − y‖² + gamma · mismatches)`, on a seeded sample of
/// `sample_size` rows when there are more (distances within the sample only, as
/// [`silhouette_score_sampled`](crate::metrics::silhouette_score_sampled) draws it).
fn silhouette_sampled(
    data: &MixedData,
    labels: &[usize],
    gamma: f64,
    sample_size: usize,
    seed: u64,
) -> Result<f64> {
    let score = |data: &MixedData, labels: &[usize]| {
        silhouette_with(labels, data.rows(), |i, out| {
            let (x, a) = (data.numeric_row(i), data.categorical_row(i));
            for (j, o) in out.iter_mut().enumerate() {
                let cost = mixed_cost(x, a, data.numeric_row(j), data.categorical_row(j), gamma);
                *o = cost.sqrt();
            }
        })
        .map(|s| s.score)
    };
    match sample_rows(data.rows(), labels, sample_size, seed)? {
        None => score(data, labels),
        Some((rows, sub_labels)) => score(&data.select_rows(&rows), &sub_labels),
    }
}

/// The scores of one k.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KPrototypesScore {
    /// Number of clusters asked for.
    pub k: usize,
    /// Clusters that kept at least one row (fewer than k only with many duplicated rows).
    pub clusters_found: usize,
    /// k-prototypes cost: squared numeric distances plus `gamma` per categorical mismatch,
    /// summed over rows (lower is tighter; decreases with k, up to local minima).
    pub cost: f64,
    /// Iterations of the kept k-prototypes run.
    pub n_iter: usize,
    /// Whether the kept run stopped because no row changed prototype.
    pub converged: bool,
    /// Mean silhouette on `√(‖x − y‖² + γ · mismatches)` (higher is better), sampled above the
    /// size threshold; `None` when undefined (fewer than 2 clusters found).
    pub silhouette: Option<f64>,
}

impl Scored for KPrototypesScore {
    fn k(&self) -> usize {
        self.k
    }
    fn silhouette(&self) -> Option<f64> {
        self.silhouette
    }
    /// No second criterion: the smallest k.
    fn tie_order(&self, _: &Self) -> Ordering {
        Ordering::Equal
    }
    const TIE_RULE: &'static str = "is the smallest";
    const CURVE: &'static str = "cost";
}

/// The outcome of [`select_k_prototypes`]: every k's scores, what each criterion prefers, and
/// the recommendation with its reasons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KPrototypesSelection {
    /// One entry per k, in increasing k.
    pub scores: Vec<KPrototypesScore>,
    /// The weight of a categorical mismatch used by every fit and by the silhouettes (given,
    /// or [`default_gamma`](crate::default_gamma) of the data).
    pub gamma: f64,
    /// Rows the silhouette was estimated on, when it was sampled.
    pub silhouette_sample: Option<usize>,
    /// The k with the highest silhouette.
    pub best_silhouette: Option<usize>,
    /// The elbow of the cost curve found by Kneedle, if it has one.
    pub elbow: Option<usize>,
    /// The recommended k.
    pub recommended: usize,
    /// Why, in sentences, most important first.
    pub reasons: Vec<String>,
}

fn recommend(
    scores: Vec<KPrototypesScore>,
    gamma: f64,
    silhouette_sample: Option<usize>,
) -> KPrototypesSelection {
    let ks: Vec<usize> = scores.iter().map(|s| s.k).collect();
    let costs: Vec<f64> = scores.iter().map(|s| s.cost).collect();
    let elbow = elbow(&ks, &costs);
    let (recommended, best_silhouette, first) = by_silhouette(&scores, elbow);
    let mut reasons = vec![
        first,
        elbow_reason(elbow, recommended, KPrototypesScore::CURVE),
        format!(
            "silhouettes use the k-prototypes dissimilarity sqrt(squared numeric distance + \
             gamma x categorical mismatches), gamma = {gamma:.4}"
        ),
    ];
    if let Some(n) = silhouette_sample {
        reasons.push(sample_reason(n));
    }
    KPrototypesSelection {
        scores,
        gamma,
        silhouette_sample,
        best_silhouette,
        elbow,
        recommended,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{KPrototypes, Matrix, PrototypeInit, make_blobs};

    #[test]
    fn validation_messages() {
        let rows: Vec<[f64; 1]> = (0..10).map(|i| [i as f64]).collect();
        let codes: Vec<[u32; 1]> = (0..10).map(|i| [i % 2]).collect();
        let data = MixedData::from_rows(&rows, &codes).unwrap();
        let p = KPrototypes::params(2);
        let message = |ks: RangeInclusive<usize>, p: &KPrototypesParams| {
            select_k_prototypes(&data, ks, p).unwrap_err().to_string()
        };
        assert_eq!(
            message(1..=4, &p),
            "invalid parameter `k_min` = 1: must be at least 2"
        );
        assert_eq!(
            message(RangeInclusive::new(4, 3), &p),
            "invalid parameter `k_max` = 3: must be at least k_min = 4"
        );
        assert_eq!(
            message(2..=10, &p),
            "choosing k over 2..=10 needs at least 11 rows; the data has 10"
        );
        assert_eq!(
            message(2..=4, &p.clone().gamma(-1.0)),
            "invalid parameter `gamma` = -1: must be a finite number, at least 0"
        );
        assert_eq!(
            SelectKPrototypesParams::new(2..=4, p.clone())
                .silhouette_sample(1)
                .fit(&data)
                .unwrap_err()
                .to_string(),
            "invalid parameter `silhouette_sample` = 1: must be at least 2"
        );
        // Given prototypes fit one k only.
        let given = PrototypeInit::Given(data.select_rows(&[0, 1]));
        assert_eq!(
            message(2..=3, &p.clone().n_init(1).init(given)),
            "invalid parameter `init` = 2 prototypes: must give one prototype per cluster, k = 3"
        );
        let empty = MixedData::from_rows::<[f64; 1], [u32; 1]>(&[], &[]).unwrap();
        assert_eq!(
            select_k_prototypes(&empty, 2..=3, &p)
                .unwrap_err()
                .to_string(),
            "the data is empty (0 rows × 0 columns); it needs at least one row and one column"
        );
    }

    #[test]
    fn silhouette_without_categories_is_the_euclidean_one() {
        let (x, labels) = make_blobs(
            60,
            &Matrix::from_rows(&[[0.0, 0.0], [4.0, 1.0], [1.0, 5.0]]).unwrap(),
            1.0,
            4,
        )
        .unwrap();
        let euclidean = crate::metrics::silhouette_score(&x, &labels).unwrap();
        let data = MixedData::new(x, Vec::new(), 0).unwrap();
        let ours = silhouette_sampled(&data, &labels, 0.7, 5_000, 0).unwrap();
        assert!((ours - euclidean).abs() < 1e-12, "{ours} {euclidean}");
    }

    #[test]
    fn silhouette_by_hand_on_categories() {
        // Four rows, two clusters: {0, 1} and {2, 3}. Row 0 at distance √(1 + γ) from row 1
        // (one numeric unit and one mismatch), rows 2 and 3 far away numerically.
        let data = MixedData::from_rows(&[[0.0], [1.0], [10.0], [10.0]], &[[0u32], [1], [0], [0]])
            .unwrap();
        let gamma = 3.0;
        let labels = [0, 0, 1, 1];
        let d = |i: usize, j: usize| {
            mixed_cost(
                data.numeric_row(i),
                data.categorical_row(i),
                data.numeric_row(j),
                data.categorical_row(j),
                gamma,
            )
            .sqrt()
        };
        assert_eq!(d(0, 1), 2.0);
        let s = |i: usize, own: usize, other: [usize; 2]| {
            let a = d(i, own);
            let b = (d(i, other[0]) + d(i, other[1])) / 2.0;
            (b - a) / a.max(b)
        };
        // Rows 2 and 3 coincide: a = 0, so s = 1.
        let expected = (s(0, 1, [2, 3]) + s(1, 0, [2, 3]) + 1.0 + 1.0) / 4.0;
        let ours = silhouette_sampled(&data, &labels, gamma, 100, 0).unwrap();
        assert!((ours - expected).abs() < 1e-15, "{ours} {expected}");
    }

    #[test]
    fn duplicated_rows_leave_the_silhouette_undefined_and_the_cost_decides() {
        let data = MixedData::from_rows(&[[1.0]; 5], &[[2u32]; 5]).unwrap();
        let s = select_k_prototypes(&data, 2..=3, &KPrototypes::params(2)).unwrap();
        assert!(s.scores.iter().all(|s| s.silhouette.is_none()));
        assert_eq!(s.best_silhouette, None);
        assert_eq!(s.recommended, 2);
        assert_eq!(
            s.reasons[0],
            "the silhouette is undefined for every k (too few distinct rows); k = 2 comes from \
             the elbow of the cost curve, or is the smallest k without one"
        );
    }

    #[test]
    fn ties_go_to_the_smallest_k() {
        let score = |k, silhouette| KPrototypesScore {
            k,
            clusters_found: k,
            cost: 10.0 / k as f64,
            n_iter: 1,
            converged: true,
            silhouette: Some(silhouette),
        };
        let s = recommend(
            vec![score(2, 0.5), score(3, 0.7), score(4, 0.702), score(5, 0.4)],
            1.0,
            None,
        );
        assert_eq!(s.best_silhouette, Some(4));
        assert_eq!(s.recommended, 3);
        assert_eq!(
            s.reasons[0],
            "silhouettes of k = 3, 4 are within 0.005 of the best (0.702); among them k = 3 is \
             the smallest"
        );
    }
}
