//! Choosing the number of clusters: k-means for every k of a range, in parallel, with
//! inertia, silhouette, Calinski–Harabasz, Davies–Bouldin and the gap statistic for each, the
//! elbow of the inertia curve (Kneedle), the k of the gap rule, and a recommended k with its
//! reasons.

use std::cmp::Ordering;
use std::ops::RangeInclusive;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::gap::{Gap, GapReference, References, choose_k, scaled_log_dispersion};
use crate::kmeans::KMeansParams;
use crate::matrix::{Float, Matrix};
use crate::metrics::{
    calinski_harabasz_score, davies_bouldin_score, inertia, silhouette_score,
    silhouette_score_sampled,
};

/// Silhouettes within this distance of the best one count as a tie, broken by
/// Calinski–Harabasz then Davies–Bouldin.
pub const SILHOUETTE_TIE: f64 = 0.005;

/// Parameters of [`select_k`]: the range of k, the k-means parameters used for every k, the
/// size above which the silhouette is estimated on a sample, and how the gap statistic is
/// computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectKParams {
    k_min: usize,
    k_max: usize,
    kmeans: KMeansParams,
    #[serde(default = "default_silhouette_sample")]
    silhouette_sample: usize,
    #[serde(default = "default_gap_references")]
    gap_references: usize,
    #[serde(default = "default_gap_reference_rows")]
    gap_reference_rows: usize,
    #[serde(default)]
    gap_reference: GapReference,
}

fn default_silhouette_sample() -> usize {
    5_000
}
fn default_gap_references() -> usize {
    10
}
fn default_gap_reference_rows() -> usize {
    5_000
}

impl SelectKParams {
    /// Every k of `ks` (default in cible: `2..=15`), k-means with `kmeans` (its `k` is
    /// replaced by each value of the range), the silhouette exact up to 5 000 rows, the gap
    /// statistic from 10 reference sets of at most 5 000 rows over the data's bounding box.
    pub fn new(ks: RangeInclusive<usize>, kmeans: KMeansParams) -> Self {
        SelectKParams {
            k_min: *ks.start(),
            k_max: *ks.end(),
            kmeans,
            silhouette_sample: default_silhouette_sample(),
            gap_references: default_gap_references(),
            gap_reference_rows: default_gap_reference_rows(),
            gap_reference: GapReference::default(),
        }
    }

    /// Rows above which the silhouette is estimated on a random sample of this many rows
    /// (seeded by the k-means seed; exact below). Default: 5 000, which keeps the silhouette
    /// cost at 2.5 × 10⁷ distances per k and its standard error around 0.003.
    pub fn silhouette_sample(mut self, rows: usize) -> Self {
        self.silhouette_sample = rows;
        self
    }

    /// Number B of reference data sets of the gap statistic (Tibshirani et al. 2001), each
    /// clustered with the same k-means parameters for every k; 0 leaves the gap statistic out.
    /// Default: 10. The gap runs B k-means per k on sets of `min(n, gap_reference_rows)`
    /// rows: up to B times the k-means work of the sweep itself on small data (where it is
    /// quick anyway), about `B · gap_reference_rows / n` times it above, more iterations on
    /// uniform data aside (on 200 000 × 16 rows, k = 2..15, 2 threads: about 2.5 s beside the
    /// sweep's 5 s).
    pub fn gap(mut self, references: usize) -> Self {
        self.gap_references = references;
        self
    }

    /// Rows of each gap reference set: the data's number of rows up to this, this above. Below the
    /// data's rows, the reference dispersions are compared per row and corrected for the smaller
    /// sets' optimism with a held-out set of as many rows (see the `gap` module docs): the gap
    /// keeps the scale of references as large as the data, with the larger `s_k` of smaller sets.
    /// Default: 5 000, which keeps the gap's cost independent of n beyond that size (each
    /// reference k-means costs a fortieth of the data's on 200 000 rows) and its remaining
    /// small-set error below the Monte Carlo noise up to k ≈ 10 (−0.003 in log at k = 15 on 16
    /// uniform columns).
    pub fn gap_reference_rows(mut self, rows: usize) -> Self {
        self.gap_reference_rows = rows;
        self
    }

    /// Where the gap reference rows are drawn. Default: [`GapReference::BoundingBox`].
    pub fn gap_reference(mut self, reference: GapReference) -> Self {
        self.gap_reference = reference;
        self
    }

    /// Validates the parameters (everything that does not depend on the data).
    pub fn check(&self) -> Result<&Self> {
        check_sweep(self.k_min, self.k_max, self.silhouette_sample)?;
        if self.gap_references == 1 {
            return Err(Error::param(
                "gap_references",
                self.gap_references,
                "must be 0 (no gap statistic) or at least 2",
            ));
        }
        if self.gap_references > 0 && self.gap_reference_rows <= self.k_max {
            return Err(Error::param(
                "gap_reference_rows",
                self.gap_reference_rows,
                format!("must be greater than k_max = {}", self.k_max),
            ));
        }
        self.kmeans.clone().with_k(self.k_min).check()?;
        Ok(self)
    }

    /// Checks the parameters and runs the selection on `x`.
    pub fn fit<F: Float>(&self, x: &Matrix<F>) -> Result<KSelection> {
        self.check()?;
        x.check_not_empty("the data")?;
        if self.k_max + 1 > x.rows() {
            return Err(Error::TooFewRows {
                what: format!("choosing k over {}..={}", self.k_min, self.k_max),
                needed: self.k_max + 1,
                rows: x.rows(),
            });
        }
        let mut scores: Vec<KScore> = (self.k_min..=self.k_max)
            .into_par_iter()
            .map(|k| self.score(x, k))
            .collect::<Result<_>>()?;
        let gap = if self.gap_references > 0 {
            Some(self.add_gap(x, &mut scores)?)
        } else {
            None
        };
        let sampled = (x.rows() > self.silhouette_sample).then_some(self.silhouette_sample);
        Ok(recommend(scores, sampled, gap, x.rows()))
    }

    /// Fills in every k's gap statistic: k-means for every (k, reference set) pair, in
    /// parallel, each seeded as the data's, scored on its set and, when the sets are smaller
    /// than the data, on a held-out set.
    fn add_gap<F: Float>(&self, x: &Matrix<F>, scores: &mut [KScore]) -> Result<GapSummary> {
        let rows = self.gap_reference_rows.min(x.rows());
        let b = self.gap_references;
        let summary = |k| GapSummary {
            k,
            references: b,
            reference_rows: rows,
            reference: self.gap_reference,
        };
        let Some(references) = References::new(x, self.gap_reference, rows, self.kmeans_seed())?
        else {
            return Ok(summary(None));
        };
        let pairs: Vec<(usize, usize)> = (self.k_min..=self.k_max)
            .flat_map(|k| (0..b).map(move |r| (k, r)))
            .collect();
        let log_w: Vec<f64> = pairs
            .into_par_iter()
            .map(|(k, r)| {
                // Drawn again for every k rather than kept: B sets of n rows can be large.
                let model = self
                    .kmeans
                    .clone()
                    .with_k(k)
                    .fit(&references.draw::<F>(r)?)?;
                // Sets b..2b are the held-out ones: independent of the fitted sets.
                let held_out = if rows < x.rows() {
                    let fresh = references.draw::<F>(b + r)?;
                    let labels = model.predict(&fresh)?;
                    Some(inertia(&fresh, &labels, model.centroids(), None)?)
                } else {
                    None
                };
                Ok(scaled_log_dispersion(
                    model.inertia(),
                    held_out,
                    rows,
                    x.rows(),
                ))
            })
            .collect::<Result<_>>()?;
        let gaps: Vec<(usize, Option<Gap>)> = scores
            .iter_mut()
            .zip(log_w.chunks(b))
            .map(|(s, reference)| {
                let gap = Gap::new(s.inertia.ln(), reference);
                s.log_reference_inertia = gap.map(|g| g.reference);
                s.gap = gap.map(|g| g.gap);
                s.gap_error = gap.map(|g| g.error);
                (s.k, gap)
            })
            .collect();
        Ok(summary(choose_k(&gaps)))
    }

    fn score<F: Float>(&self, x: &Matrix<F>, k: usize) -> Result<KScore> {
        let model = self.kmeans.clone().with_k(k).fit(x)?;
        let labels = model.labels();
        let mut distinct = labels.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        // With duplicated rows k-means may find fewer than k clusters; metrics need 2..n-1.
        let defined = distinct.len() >= 2 && distinct.len() < x.rows();
        let (silhouette, calinski_harabasz, davies_bouldin) = if defined {
            let s = if x.rows() > self.silhouette_sample {
                let seed = self.kmeans_seed() ^ (k as u64);
                silhouette_score_sampled(x, labels, self.silhouette_sample, seed)?
            } else {
                silhouette_score(x, labels)?
            };
            (
                Some(s),
                Some(calinski_harabasz_score(x, labels)?),
                Some(davies_bouldin_score(x, labels)?),
            )
        } else {
            (None, None, None)
        };
        Ok(KScore {
            k,
            clusters_found: distinct.len(),
            inertia: model.inertia(),
            n_iter: model.n_iter(),
            silhouette,
            calinski_harabasz,
            davies_bouldin,
            log_reference_inertia: None,
            gap: None,
            gap_error: None,
        })
    }

    fn kmeans_seed(&self) -> u64 {
        self.kmeans.seed_value()
    }
}

/// Checks shared by the k sweeps: a range of at least 2 clusters and a silhouette sample of at
/// least 2 rows.
pub(crate) fn check_sweep(k_min: usize, k_max: usize, silhouette_sample: usize) -> Result<()> {
    if k_min < 2 {
        return Err(Error::param("k_min", k_min, "must be at least 2"));
    }
    if k_max < k_min {
        return Err(Error::param(
            "k_max",
            k_max,
            format!("must be at least k_min = {k_min}"),
        ));
    }
    if silhouette_sample < 2 {
        return Err(Error::param(
            "silhouette_sample",
            silhouette_sample,
            "must be at least 2",
        ));
    }
    Ok(())
}

/// Runs k-means for every k of `ks` on `x` and recommends one; see [`SelectKParams`].
pub fn select_k<F: Float>(
    x: &Matrix<F>,
    ks: RangeInclusive<usize>,
    kmeans: &KMeansParams,
) -> Result<KSelection> {
    SelectKParams::new(ks, kmeans.clone()).fit(x)
}

/// The scores of one k.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KScore {
    /// Number of clusters asked for.
    pub k: usize,
    /// Distinct labels k-means produced (fewer than k only with many duplicated rows).
    pub clusters_found: usize,
    /// k-means inertia (lower is tighter; always decreases with k).
    pub inertia: f64,
    /// Iterations of the kept k-means run.
    pub n_iter: usize,
    /// Mean silhouette (higher is better), sampled above the size threshold; `None` when
    /// undefined (fewer than 2 clusters found).
    pub silhouette: Option<f64>,
    /// Calinski–Harabasz index (higher is better); `None` when undefined.
    pub calinski_harabasz: Option<f64>,
    /// Davies–Bouldin index (lower is better); `None` when undefined.
    pub davies_bouldin: Option<f64>,
    /// Mean over the gap reference sets of the logarithm of their k-means inertia (per row,
    /// scaled to the data's rows, corrected with held-out sets when the sets are smaller than
    /// the data): `E*[log W*_k]`. `None` without the gap statistic or where it is
    /// undefined.
    pub log_reference_inertia: Option<f64>,
    /// Gap statistic `log_reference_inertia − ln(inertia)` (higher: tighter than uniform
    /// data); `None` without it, or when the inertia is 0 (fewer distinct rows than k).
    pub gap: Option<f64>,
    /// The gap's simulation error `s_k`: the standard deviation (over B) of the references'
    /// log-inertia times √(1 + 1/B).
    pub gap_error: Option<f64>,
}

/// How the gap statistic of a [`KSelection`] was computed, and the k its rule picks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapSummary {
    /// The smallest k with `Gap(k) ≥ Gap(k+1) − s_{k+1}` (Tibshirani et al.'s rule; the
    /// largest k of the range cannot qualify). `None` when none does: the gap still rises at
    /// the end of the range, or is undefined.
    pub k: Option<usize>,
    /// Number B of reference data sets.
    pub references: usize,
    /// Rows of each reference set: the data's, or fewer when subsampled.
    pub reference_rows: usize,
    /// Where the reference rows were drawn.
    pub reference: GapReference,
}

/// The outcome of [`select_k`]: every k's scores, what each criterion prefers, and the
/// recommendation with its reasons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KSelection {
    /// One entry per k, in increasing k.
    pub scores: Vec<KScore>,
    /// Rows the silhouette was estimated on, when it was sampled.
    pub silhouette_sample: Option<usize>,
    /// The k with the highest silhouette.
    pub best_silhouette: Option<usize>,
    /// The k with the highest Calinski–Harabasz index.
    pub best_calinski_harabasz: Option<usize>,
    /// The k with the lowest Davies–Bouldin index.
    pub best_davies_bouldin: Option<usize>,
    /// The elbow of the inertia curve found by Kneedle, if it has one.
    pub elbow: Option<usize>,
    /// The gap statistic's settings and choice; `None` when left out (`gap(0)`). Reported
    /// beside the recommendation, which it does not change.
    pub gap: Option<GapSummary>,
    /// The recommended k.
    pub recommended: usize,
    /// Why, in sentences, most important first.
    pub reasons: Vec<String>,
}

/// What the recommendation shared by the k-means and k-prototypes sweeps reads of one k's
/// scores.
pub(crate) trait Scored {
    /// Number of clusters asked for.
    fn k(&self) -> usize;
    /// Mean silhouette, `None` where undefined.
    fn silhouette(&self) -> Option<f64>;
    /// Among silhouettes tied with the best, `Less` when `self` is preferred to `other`; the
    /// smaller k wins what this leaves equal.
    fn tie_order(&self, other: &Self) -> Ordering;
    /// How [`Scored::tie_order`] prefers, after "among them k = … ".
    const TIE_RULE: &'static str;
    /// The curve whose elbow is the fallback without silhouettes: `inertia` or `cost`.
    const CURVE: &'static str;
}

impl Scored for KScore {
    fn k(&self) -> usize {
        self.k
    }
    fn silhouette(&self) -> Option<f64> {
        self.silhouette
    }
    /// Highest Calinski–Harabasz, then lowest Davies–Bouldin.
    fn tie_order(&self, other: &Self) -> Ordering {
        let ch = other.calinski_harabasz.partial_cmp(&self.calinski_harabasz);
        let db = self.davies_bouldin.partial_cmp(&other.davies_bouldin);
        ch.unwrap_or(Ordering::Equal)
            .then(db.unwrap_or(Ordering::Equal))
    }
    const TIE_RULE: &'static str =
        "has the highest Calinski-Harabasz index (then lowest Davies-Bouldin)";
    const CURVE: &'static str = "inertia";
}

/// The k maximising `key` (first on ties), among those where it is defined.
pub(crate) fn best_by<T: Scored>(scores: &[T], key: impl Fn(&T) -> Option<f64>) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for s in scores {
        if let Some(v) = key(s)
            && best.is_none_or(|(_, b)| v > b)
        {
            best = Some((s.k(), v));
        }
    }
    best.map(|(k, _)| k)
}

/// The recommended k and the reason for it: the highest silhouette, ties within
/// [`SILHOUETTE_TIE`] broken by [`Scored::tie_order`] then the smaller k; without any
/// silhouette, `elbow` or else the smallest k. Also returns the k of the highest silhouette.
pub(crate) fn by_silhouette<T: Scored>(
    scores: &[T],
    elbow: Option<usize>,
) -> (usize, Option<usize>, String) {
    let best_silhouette = best_by(scores, T::silhouette);
    let get = |k: usize| scores.iter().find(|s| s.k() == k).expect("k in range");
    let Some(best) = best_silhouette else {
        let k = elbow.unwrap_or(scores[0].k());
        let reason = format!(
            "the silhouette is undefined for every k (too few distinct rows); k = {k} comes \
             from the elbow of the {} curve, or is the smallest k without one",
            T::CURVE
        );
        return (k, None, reason);
    };
    let top = get(best).silhouette().unwrap_or_default();
    let tied: Vec<&T> = scores
        .iter()
        .filter(|s| s.silhouette().is_some_and(|v| v >= top - SILHOUETTE_TIE))
        .collect();
    if tied.len() > 1 {
        let mut order = tied.clone();
        order.sort_by(|a, b| a.tie_order(b).then(a.k().cmp(&b.k())));
        let chosen = order[0].k();
        let list: Vec<String> = tied.iter().map(|s| s.k().to_string()).collect();
        let reason = format!(
            "silhouettes of k = {} are within {SILHOUETTE_TIE} of the best ({top:.3}); \
             among them k = {chosen} {}",
            list.join(", "),
            T::TIE_RULE,
        );
        return (chosen, best_silhouette, reason);
    }
    let runner_up = scores
        .iter()
        .filter(|s| s.k() != best)
        .filter_map(|s| s.silhouette().map(|v| (s.k(), v)))
        .fold(None, |acc: Option<(usize, f64)>, (k, v)| match acc {
            Some((_, b)) if b >= v => acc,
            _ => Some((k, v)),
        });
    let reason = match runner_up {
        Some((k2, v2)) => format!(
            "k = {best} has the highest silhouette ({top:.3}; next best k = {k2} with {v2:.3})"
        ),
        None => format!("k = {best} has the highest silhouette ({top:.3})"),
    };
    (best, best_silhouette, reason)
}

/// Where the elbow of `curve` lies, next to the recommendation.
pub(crate) fn elbow_reason(elbow: Option<usize>, recommended: usize, curve: &str) -> String {
    match elbow {
        Some(e) if e == recommended => format!("the elbow of the {curve} curve is also at k = {e}"),
        Some(e) => format!("the elbow of the {curve} curve is at k = {e}"),
        None => format!("the {curve} curve has no clear elbow"),
    }
}

/// The reason that says the silhouettes were sampled.
pub(crate) fn sample_reason(rows: usize) -> String {
    format!("silhouettes were estimated on a random sample of {rows} rows")
}

fn recommend(
    scores: Vec<KScore>,
    silhouette_sample: Option<usize>,
    gap: Option<GapSummary>,
    rows: usize,
) -> KSelection {
    let best_calinski_harabasz = best_by(&scores, |s| s.calinski_harabasz);
    let best_davies_bouldin = best_by(&scores, |s| s.davies_bouldin.map(|v| -v));
    let ks: Vec<usize> = scores.iter().map(|s| s.k).collect();
    let inertias: Vec<f64> = scores.iter().map(|s| s.inertia).collect();
    let elbow = elbow(&ks, &inertias);
    let (recommended, best_silhouette, first) = by_silhouette(&scores, elbow);
    let mut reasons = vec![first];
    let agree = |name: &str, best: Option<usize>, what: &str| match best {
        Some(b) if b == recommended => format!("{name} is also {what} at k = {b}"),
        Some(b) => format!("{name} is {what} at k = {b}"),
        None => format!("{name} is undefined for every k"),
    };
    reasons.push(agree(
        "the Calinski-Harabasz index",
        best_calinski_harabasz,
        "highest",
    ));
    reasons.push(agree(
        "the Davies-Bouldin index",
        best_davies_bouldin,
        "lowest",
    ));
    reasons.push(elbow_reason(elbow, recommended, KScore::CURVE));
    if let Some(g) = &gap {
        let how = format!(
            "{} reference sets of {} rows, uniform over the {}{}",
            g.references,
            g.reference_rows,
            match g.reference {
                GapReference::BoundingBox => "data's bounding box",
                GapReference::PrincipalComponents => "box of the data's principal components",
            },
            if g.reference_rows < rows {
                format!(", their dispersion scaled to the data's {rows} rows")
            } else {
                String::new()
            },
        );
        reasons.push(match g.k {
            Some(k) if k == recommended => format!("the gap statistic also picks k = {k} ({how})"),
            Some(k) => format!("the gap statistic picks k = {k} ({how})"),
            None if scores.iter().all(|s| s.gap.is_none()) => {
                "the gap statistic is undefined for every k (too few distinct rows)".to_string()
            }
            None => format!(
                "the gap statistic picks no k of the range: Gap(k) < Gap(k+1) - s(k+1) for \
                 every k, so more clusters may fit ({how})"
            ),
        });
    }
    if let Some(n) = silhouette_sample {
        reasons.push(sample_reason(n));
    }
    KSelection {
        scores,
        silhouette_sample,
        best_silhouette,
        best_calinski_harabasz,
        best_davies_bouldin,
        elbow,
        gap,
        recommended,
        reasons,
    }
}

/// The elbow of a decreasing, convex curve such as inertia against k, found by Kneedle
/// (Satopää et al. 2011) with sensitivity 1, as the `kneed` package computes it for
/// `curve="convex", direction="decreasing"` (first knee, offline). `None` when the curve has
/// no knee, fewer than 3 points, or is flat.
pub fn elbow(ks: &[usize], values: &[f64]) -> Option<usize> {
    let n = ks.len();
    if n < 3 || values.len() != n {
        return None;
    }
    let normalize = |v: &[f64]| -> Option<Vec<f64>> {
        let (lo, hi) = v
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
                (lo.min(x), hi.max(x))
            });
        (hi > lo).then(|| v.iter().map(|x| (x - lo) / (hi - lo)).collect())
    };
    let xs: Vec<f64> = ks.iter().map(|&k| k as f64).collect();
    let xn = normalize(&xs)?;
    let yn = normalize(values)?;
    // Turn the decreasing convex curve into an increasing concave one, then subtract the
    // diagonal: the knee is where this difference peaks and then drops.
    let diff: Vec<f64> = yn.iter().zip(&xn).map(|(y, x)| (1.0 - y) - x).collect();
    let at = |i: isize| diff[i.clamp(0, n as isize - 1) as usize];
    let is_max = |i: usize| diff[i] >= at(i as isize - 1) && diff[i] >= at(i as isize + 1);
    let is_min = |i: usize| diff[i] <= at(i as isize - 1) && diff[i] <= at(i as isize + 1);
    let step = (xn[n - 1] - xn[0]) / (n - 1) as f64;
    let first_max = (0..n).find(|&i| is_max(i))?;
    let mut threshold = 0.0;
    let mut threshold_index = first_max;
    for i in first_max..n - 1 {
        if is_max(i) {
            threshold = diff[i] - step.abs();
            threshold_index = i;
        }
        if is_min(i) {
            threshold = 0.0;
        }
        if diff[i + 1] < threshold {
            return Some(ks[threshold_index]);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KMeans;

    #[test]
    fn elbow_of_a_clear_knee() {
        let ks: Vec<usize> = (1..=8).collect();
        let inertia = [100.0, 60.0, 20.0, 17.0, 15.0, 13.5, 12.5, 12.0];
        assert_eq!(elbow(&ks, &inertia), Some(3));
    }

    #[test]
    fn no_elbow_on_a_straight_or_flat_line() {
        let ks: Vec<usize> = (2..=6).collect();
        assert_eq!(elbow(&ks, &[5.0, 4.0, 3.0, 2.0, 1.0]), None);
        assert_eq!(elbow(&ks, &[1.0; 5]), None);
        assert_eq!(elbow(&ks[..2], &[2.0, 1.0]), None);
    }

    #[test]
    fn validation_messages() {
        let x = Matrix::new((0..20).map(f64::from).collect(), 10, 2).unwrap();
        let p = KMeans::params(2);
        assert_eq!(
            select_k(&x, 1..=4, &p).unwrap_err().to_string(),
            "invalid parameter `k_min` = 1: must be at least 2"
        );
        assert_eq!(
            select_k(&x, RangeInclusive::new(4, 3), &p)
                .unwrap_err()
                .to_string(),
            "invalid parameter `k_max` = 3: must be at least k_min = 4"
        );
        assert_eq!(
            select_k(&x, 2..=15, &p).unwrap_err().to_string(),
            "choosing k over 2..=15 needs at least 16 rows; the data has 10"
        );
        assert_eq!(
            select_k(&x, 2..=4, &p.clone().n_init(0))
                .unwrap_err()
                .to_string(),
            "invalid parameter `n_init` = 0: must be at least 1"
        );
        assert_eq!(
            SelectKParams::new(2..=4, p.clone())
                .gap(1)
                .fit(&x)
                .unwrap_err()
                .to_string(),
            "invalid parameter `gap_references` = 1: must be 0 (no gap statistic) or at least 2"
        );
        assert_eq!(
            SelectKParams::new(2..=4, p.clone())
                .gap_reference_rows(4)
                .fit(&x)
                .unwrap_err()
                .to_string(),
            "invalid parameter `gap_reference_rows` = 4: must be greater than k_max = 4"
        );
        // Without the gap statistic its rows do not matter.
        assert!(
            SelectKParams::new(2..=4, p.clone())
                .gap(0)
                .gap_reference_rows(4)
                .fit(&x)
                .is_ok()
        );
    }

    #[test]
    fn duplicated_rows_give_undefined_metrics_not_errors() {
        let x = Matrix::new(vec![1.0f64, 1.0, 1.0, 1.0, 1.0], 5, 1).unwrap();
        let s = select_k(&x, 2..=3, &KMeans::params(2)).unwrap();
        assert!(
            s.scores
                .iter()
                .all(|s| s.silhouette.is_none() && s.gap.is_none())
        );
        assert_eq!(s.recommended, 2);
        assert_eq!(s.gap.unwrap().k, None);
        assert!(s.reasons.contains(
            &"the gap statistic is undefined for every k (too few distinct rows)".to_string()
        ));
    }
}
