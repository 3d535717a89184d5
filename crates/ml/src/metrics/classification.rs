//! Binary classification metrics on scores: ROC and precision–recall curves and their areas,
//! log-loss, Brier score, the confusion matrix at a threshold, the choice of that threshold,
//! gains and lift by score band, and the calibration curve. Areas, losses and the
//! calibration curve equal scikit-learn's on the same scores.
//!
//! A row is predicted positive when its score is at least the threshold. Scores may be any
//! finite numbers for the curves, the areas and the thresholds; log-loss, the Brier score and
//! the calibration curve need probabilities in [0, 1].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One point of the ROC curve: predicting positive every row scored at least `threshold`
/// gives these rates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RocPoint {
    /// The score threshold; `+∞` for the first point (nothing predicted positive).
    pub threshold: f64,
    /// False positive rate: false positives over negatives.
    pub fpr: f64,
    /// True positive rate (recall): true positives over positives.
    pub tpr: f64,
}

/// One point of the precision–recall curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PrPoint {
    /// The score threshold.
    pub threshold: f64,
    /// True positives over predicted positives.
    pub precision: f64,
    /// True positives over positives.
    pub recall: f64,
}

/// Counts of true and false positives and negatives at one threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Confusion {
    /// Positives predicted positive.
    pub true_positives: u64,
    /// Negatives predicted positive.
    pub false_positives: u64,
    /// Negatives predicted negative.
    pub true_negatives: u64,
    /// Positives predicted negative.
    pub false_negatives: u64,
}

impl Confusion {
    /// The confusion matrix of predicting positive the rows scored at least `threshold`.
    pub fn at(y: &[bool], scores: &[f64], threshold: f64) -> Result<Confusion> {
        check_scores(y, scores)?;
        let mut c = Confusion::default();
        for (&t, &s) in y.iter().zip(scores) {
            match (t, s >= threshold) {
                (true, true) => c.true_positives += 1,
                (false, true) => c.false_positives += 1,
                (false, false) => c.true_negatives += 1,
                (true, false) => c.false_negatives += 1,
            }
        }
        Ok(c)
    }

    /// True positives over predicted positives; 0 when nothing is predicted positive (as
    /// scikit-learn's `zero_division=0`).
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    /// True positives over positives.
    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }

    /// The harmonic mean of precision and recall; 0 when both are 0.
    pub fn f1(&self) -> f64 {
        ratio(
            2 * self.true_positives,
            2 * self.true_positives + self.false_positives + self.false_negatives,
        )
    }

    /// Correct predictions over rows.
    pub fn accuracy(&self) -> f64 {
        ratio(
            self.true_positives + self.true_negatives,
            self.true_positives + self.false_positives + self.true_negatives + self.false_negatives,
        )
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Checks one finite score per target and both classes present.
fn check_scores(y: &[bool], scores: &[f64]) -> Result<()> {
    if scores.len() != y.len() {
        return Err(Error::LengthMismatch {
            what: "the score column",
            rows: y.len(),
            found: scores.len(),
        });
    }
    if let Some((row, &value)) = scores.iter().enumerate().find(|(_, s)| !s.is_finite()) {
        return Err(Error::NotFinite {
            row,
            column: 0,
            value,
        });
    }
    Ok(())
}

fn check_both_classes(y: &[bool]) -> Result<usize> {
    crate::supervised::check_both_classes(y, "these metrics")
}

fn check_probabilities(y: &[bool], p: &[f64]) -> Result<()> {
    check_scores(y, p)?;
    if y.is_empty() {
        return Err(Error::Empty {
            what: "the scores",
            rows: 0,
            cols: 1,
        });
    }
    if let Some((row, &v)) = p
        .iter()
        .enumerate()
        .find(|(_, p)| !(0.0..=1.0).contains(*p))
    {
        return Err(Error::param(
            "probability",
            format!("{v} (row {row})"),
            "must be in [0, 1]",
        ));
    }
    Ok(())
}

/// Cumulative (false positives, true positives) at each distinct score, from the highest
/// score down, with the score: scikit-learn's `_binary_clf_curve`.
fn cumulative_counts(y: &[bool], scores: &[f64]) -> Vec<(f64, u64, u64)> {
    let mut order: Vec<usize> = (0..y.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let (mut fp, mut tp) = (0u64, 0u64);
    let mut out: Vec<(f64, u64, u64)> = Vec::new();
    for (k, &i) in order.iter().enumerate() {
        if y[i] {
            tp += 1;
        } else {
            fp += 1;
        }
        let last_of_its_score = order
            .get(k + 1)
            .is_none_or(|&next| scores[next] != scores[i]);
        if last_of_its_score {
            out.push((scores[i], fp, tp));
        }
    }
    out
}

/// The ROC curve: one point per distinct score, from (0, 0) at threshold `+∞` to (1, 1).
/// Unlike scikit-learn's default, collinear points are kept (`drop_intermediate=False`).
pub fn roc_curve(y: &[bool], scores: &[f64]) -> Result<Vec<RocPoint>> {
    check_scores(y, scores)?;
    let positives = check_both_classes(y)? as f64;
    let negatives = y.len() as f64 - positives;
    let mut curve = vec![RocPoint {
        threshold: f64::INFINITY,
        fpr: 0.0,
        tpr: 0.0,
    }];
    curve.extend(
        cumulative_counts(y, scores)
            .into_iter()
            .map(|(threshold, fp, tp)| RocPoint {
                threshold,
                fpr: fp as f64 / negatives,
                tpr: tp as f64 / positives,
            }),
    );
    Ok(curve)
}

/// The area under the ROC curve (trapezoids): the probability that a random positive scores
/// above a random negative, ties counting half. scikit-learn's `roc_auc_score`.
pub fn roc_auc_score(y: &[bool], scores: &[f64]) -> Result<f64> {
    let curve = roc_curve(y, scores)?;
    Ok(curve
        .windows(2)
        .map(|w| (w[1].fpr - w[0].fpr) * (w[1].tpr + w[0].tpr) / 2.0)
        .sum())
}

/// The precision–recall curve: one point per distinct score, from the highest threshold
/// down, ending at the first threshold that reaches full recall.
pub fn precision_recall_curve(y: &[bool], scores: &[f64]) -> Result<Vec<PrPoint>> {
    check_scores(y, scores)?;
    let positives = check_both_classes(y)? as u64;
    let mut curve = Vec::new();
    for (threshold, fp, tp) in cumulative_counts(y, scores) {
        curve.push(PrPoint {
            threshold,
            precision: tp as f64 / (tp + fp) as f64,
            recall: tp as f64 / positives as f64,
        });
        if tp == positives {
            break;
        }
    }
    Ok(curve)
}

/// Average precision, `Σₖ (Rₖ − Rₖ₋₁) · Pₖ` over the precision–recall curve (no
/// interpolation): scikit-learn's `average_precision_score`.
pub fn average_precision_score(y: &[bool], scores: &[f64]) -> Result<f64> {
    let mut previous = 0.0;
    let mut ap = 0.0;
    for point in precision_recall_curve(y, scores)? {
        ap += (point.recall - previous) * point.precision;
        previous = point.recall;
    }
    Ok(ap)
}

/// Mean negative log-likelihood of the targets under the probabilities `p` of the positive
/// class, clipped to [ε, 1 − ε] with ε the `f64` machine epsilon: scikit-learn's `log_loss`.
pub fn log_loss(y: &[bool], p: &[f64]) -> Result<f64> {
    check_probabilities(y, p)?;
    let eps = f64::EPSILON;
    let total: f64 = y
        .iter()
        .zip(p)
        .map(|(&t, &p)| {
            let p = p.clamp(eps, 1.0 - eps);
            -if t { p.ln() } else { (1.0 - p).ln() }
        })
        .sum();
    Ok(total / y.len() as f64)
}

/// Mean squared difference between the probabilities and the targets (0 or 1):
/// scikit-learn's `brier_score_loss`.
pub fn brier_score(y: &[bool], p: &[f64]) -> Result<f64> {
    check_probabilities(y, p)?;
    let total: f64 = y
        .iter()
        .zip(p)
        .map(|(&t, &p)| (p - f64::from(u8::from(t))).powi(2))
        .sum();
    Ok(total / y.len() as f64)
}

/// One bin of a calibration curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBin {
    /// The bin's lower edge.
    pub lower: f64,
    /// The bin's upper edge.
    pub upper: f64,
    /// Rows whose probability falls in the bin.
    pub rows: u64,
    /// Their mean predicted probability.
    pub mean_predicted: f64,
    /// The share of them that are positive.
    pub fraction_positive: f64,
}

/// The calibration (reliability) curve on `n_bins` equal-width bins of [0, 1], empty bins
/// left out: scikit-learn's `calibration_curve(strategy="uniform")`, with the counts.
pub fn calibration_curve(y: &[bool], p: &[f64], n_bins: usize) -> Result<Vec<CalibrationBin>> {
    check_probabilities(y, p)?;
    if n_bins == 0 {
        return Err(Error::param("n_bins", 0, "must be at least 1"));
    }
    // numpy's linspace(0, 1, n_bins + 1): k · (1 / n_bins), the last edge exactly 1.
    let step = 1.0 / n_bins as f64;
    let edge = |k: usize| if k == n_bins { 1.0 } else { k as f64 * step };
    let mut rows = vec![0u64; n_bins];
    let mut sums = vec![0.0; n_bins];
    let mut positives = vec![0u64; n_bins];
    for (&t, &p) in y.iter().zip(p) {
        // The number of inner edges below p (numpy's searchsorted): bins are closed on the
        // right, the first one on both sides.
        let bin = (1..n_bins).take_while(|&k| edge(k) < p).count();
        rows[bin] += 1;
        sums[bin] += p;
        positives[bin] += u64::from(t);
    }
    Ok((0..n_bins)
        .filter(|&b| rows[b] > 0)
        .map(|b| CalibrationBin {
            lower: edge(b),
            upper: edge(b + 1),
            rows: rows[b],
            mean_predicted: sums[b] / rows[b] as f64,
            fraction_positive: positives[b] as f64 / rows[b] as f64,
        })
        .collect())
}

/// One band of a gains table: rows ranked by score, highest first, cut into equal bands.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GainsBand {
    /// 1 for the highest-scored band.
    pub band: usize,
    /// Rows in the band.
    pub rows: u64,
    /// Positives in the band.
    pub positives: u64,
    /// The lowest and highest score in the band.
    pub min_score: f64,
    /// The highest score in the band.
    pub max_score: f64,
    /// The band's positive rate over the overall positive rate.
    pub lift: f64,
    /// The share of all positives found in this band and the ones above it.
    pub cumulative_gain: f64,
    /// The positive rate of this band and the ones above it over the overall rate.
    pub cumulative_lift: f64,
}

/// The gains and lift table on `bands` bands of equal size (deciles for 10): what a campaign
/// reaching the top-scored rows first would find. Rows with equal scores are ranked by their
/// position, so bands have equal sizes.
pub fn gains_table(y: &[bool], scores: &[f64], bands: usize) -> Result<Vec<GainsBand>> {
    check_scores(y, scores)?;
    let total_positives = check_both_classes(y)? as f64;
    if bands == 0 || bands > y.len() {
        return Err(Error::param(
            "bands",
            bands,
            format!("must be between 1 and the number of rows, {}", y.len()),
        ));
    }
    let n = y.len();
    let rate = total_positives / n as f64;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let (mut seen_rows, mut seen_positives) = (0u64, 0u64);
    Ok((0..bands)
        .map(|b| {
            let band = &order[b * n / bands..(b + 1) * n / bands];
            let positives = band.iter().filter(|&&i| y[i]).count() as u64;
            let rows = band.len() as u64;
            seen_rows += rows;
            seen_positives += positives;
            GainsBand {
                band: b + 1,
                rows,
                positives,
                min_score: scores[*band.last().expect("bands are not empty")],
                max_score: scores[band[0]],
                lift: positives as f64 / rows as f64 / rate,
                cumulative_gain: seen_positives as f64 / total_positives,
                cumulative_lift: seen_positives as f64 / seen_rows as f64 / rate,
            }
        })
        .collect())
}

/// How to choose the decision threshold on the scores.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdRule {
    /// The ROC point farthest above the diagonal: the largest `tpr − fpr` (Youden's J).
    Youden,
    /// The lowest threshold whose precision is at least this (the most recall for it).
    Precision(f64),
    /// The highest threshold whose recall is at least this (the most precision for it).
    Recall(f64),
    /// The least total cost, a false positive costing `false_positive` and a missed positive
    /// `false_negative`.
    Cost {
        /// The cost of a negative predicted positive (a wasted call).
        false_positive: f64,
        /// The cost of a positive predicted negative (a missed deal).
        false_negative: f64,
    },
    /// A given threshold.
    Fixed(f64),
}

impl fmt::Display for ThresholdRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ThresholdRule::Youden => f.write_str("youden"),
            ThresholdRule::Precision(p) => write!(f, "precision:{p}"),
            ThresholdRule::Recall(r) => write!(f, "recall:{r}"),
            ThresholdRule::Cost {
                false_positive,
                false_negative,
            } => write!(f, "cost:{false_positive}:{false_negative}"),
            ThresholdRule::Fixed(t) => write!(f, "fixed:{t}"),
        }
    }
}

impl FromStr for ThresholdRule {
    type Err = Error;

    /// `youden`, `precision:P`, `recall:R`, `cost:FP:FN` or `fixed:T`.
    fn from_str(s: &str) -> Result<Self> {
        let bad = || {
            Error::param(
                "threshold",
                s,
                "must be youden, precision:P, recall:R (P, R in (0, 1]), cost:FP:FN \
                 (positive costs) or fixed:T",
            )
        };
        let parts: Vec<&str> = s.trim().split(':').collect();
        let number = |i: usize| -> Result<f64> {
            parts
                .get(i)
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite())
                .ok_or_else(bad)
        };
        let share = |i: usize| {
            number(i).and_then(|v| {
                if v > 0.0 && v <= 1.0 {
                    Ok(v)
                } else {
                    Err(bad())
                }
            })
        };
        let rule = match (parts[0].trim().to_ascii_lowercase().as_str(), parts.len()) {
            ("youden", 1) => ThresholdRule::Youden,
            ("precision", 2) => ThresholdRule::Precision(share(1)?),
            ("recall", 2) => ThresholdRule::Recall(share(1)?),
            ("cost", 3) => {
                let (false_positive, false_negative) = (number(1)?, number(2)?);
                if false_positive <= 0.0 || false_negative <= 0.0 {
                    return Err(bad());
                }
                ThresholdRule::Cost {
                    false_positive,
                    false_negative,
                }
            }
            ("fixed", 2) => ThresholdRule::Fixed(number(1)?),
            _ => return Err(bad()),
        };
        Ok(rule)
    }
}

/// A threshold chosen by a [`ThresholdRule`], with what it gives on the data it was chosen on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChosenThreshold {
    /// Rows scored at least this are predicted positive.
    pub threshold: f64,
    /// The rule that chose it.
    pub rule: ThresholdRule,
    /// The confusion matrix at the threshold.
    pub confusion: Confusion,
}

impl ThresholdRule {
    /// Chooses the threshold on these targets and scores. A precision or recall that no
    /// threshold reaches is an error that says the best one reachable.
    pub fn choose(&self, y: &[bool], scores: &[f64]) -> Result<ChosenThreshold> {
        let curve = roc_curve(y, scores)?;
        let positives = y.iter().filter(|&&t| t).count() as f64;
        let negatives = y.len() as f64 - positives;
        // Candidates from the ROC curve, each with its true and false positive counts.
        let mut points = curve.iter().map(|p| {
            (
                p.threshold,
                (p.tpr * positives).round(),
                (p.fpr * negatives).round(),
            )
        });
        let precision = |tp: f64, fp: f64| if tp + fp > 0.0 { tp / (tp + fp) } else { 1.0 };
        let threshold = match *self {
            ThresholdRule::Fixed(t) => t,
            ThresholdRule::Youden => {
                // The first of equal maxima: the highest such threshold.
                let mut best = (f64::NEG_INFINITY, f64::INFINITY);
                for p in &curve {
                    if p.tpr - p.fpr > best.0 {
                        best = (p.tpr - p.fpr, p.threshold);
                    }
                }
                best.1
            }
            ThresholdRule::Precision(target) => points
                .rfind(|&(_, tp, fp)| tp > 0.0 && precision(tp, fp) >= target)
                .map(|(t, _, _)| t)
                .ok_or_else(|| {
                    let best = curve
                        .iter()
                        .filter(|p| p.tpr > 0.0)
                        .map(|p| precision(p.tpr * positives, p.fpr * negatives))
                        .fold(0.0_f64, f64::max);
                    Error::param(
                        "threshold",
                        self,
                        format!("no threshold reaches this precision; the highest is {best:.4}"),
                    )
                })?,
            ThresholdRule::Recall(target) => points
                .filter(|&(_, tp, _)| tp / positives >= target)
                .map(|(t, _, _)| t)
                .next()
                .expect("the last point has full recall"),
            ThresholdRule::Cost {
                false_positive,
                false_negative,
            } => {
                let mut best = (f64::INFINITY, f64::INFINITY);
                for (t, tp, fp) in points {
                    let cost = fp * false_positive + (positives - tp) * false_negative;
                    if cost < best.0 {
                        best = (cost, t);
                    }
                }
                best.1
            }
        };
        Ok(ChosenThreshold {
            threshold,
            rule: *self,
            confusion: Confusion::at(y, scores, threshold)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const Y: [bool; 8] = [true, false, true, true, false, false, true, false];
    const S: [f64; 8] = [0.9, 0.8, 0.7, 0.7, 0.4, 0.3, 0.2, 0.1];

    #[test]
    fn auc_counts_pairs_with_ties_as_half() {
        // Positives 0.9, 0.7, 0.7, 0.2 against negatives 0.8, 0.4, 0.3, 0.1.
        let wins = [4.0, 3.0, 3.0, 1.0];
        let expected = wins.iter().sum::<f64>() / 16.0;
        assert!((roc_auc_score(&Y, &S).unwrap() - expected).abs() < 1e-15);
        let tied = [0.5; 8];
        assert_eq!(roc_auc_score(&Y, &tied).unwrap(), 0.5);
    }

    #[test]
    fn average_precision_by_hand() {
        // Thresholds 0.9 (P 1, R .25), 0.8 (P .5, R .25), 0.7 (P 3/4, R .75), …, 0.2 (P 4/7, R 1).
        let expected = 0.25 * 1.0 + 0.5 * 0.75 + 0.25 * (4.0 / 7.0);
        assert!((average_precision_score(&Y, &S).unwrap() - expected).abs() < 1e-15);
    }

    #[test]
    fn confusion_and_its_rates() {
        let c = Confusion::at(&Y, &S, 0.7).unwrap();
        assert_eq!(
            (
                c.true_positives,
                c.false_positives,
                c.true_negatives,
                c.false_negatives
            ),
            (3, 1, 3, 1)
        );
        assert_eq!(
            (c.precision(), c.recall(), c.f1(), c.accuracy()),
            (0.75, 0.75, 0.75, 0.75)
        );
        assert_eq!(Confusion::at(&Y, &S, 2.0).unwrap().precision(), 0.0);
    }

    #[test]
    fn thresholds_follow_their_rules() {
        let choose = |r: &str| {
            r.parse::<ThresholdRule>()
                .unwrap()
                .choose(&Y, &S)
                .unwrap()
                .threshold
        };
        // J = tpr − fpr is largest (0.5) at 0.7.
        assert_eq!(choose("youden"), 0.7);
        assert_eq!(choose("precision:0.75"), 0.7);
        assert_eq!(choose("recall:1"), 0.2);
        assert_eq!(choose("fixed:0.35"), 0.35);
        // A false negative costs 10 false positives: catch every positive.
        assert_eq!(choose("cost:1:10"), 0.2);
        // A false positive costs 10: predict nothing positive but the surest.
        assert_eq!(choose("cost:10:1"), 0.9);
        let err = "precision:1.5"
            .parse::<ThresholdRule>()
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("invalid parameter `threshold` = precision:1.5: must be youden"));
        let y = [false, true, false, true];
        let s = [0.9, 0.8, 0.7, 0.6];
        assert_eq!(
            ThresholdRule::Precision(0.9)
                .choose(&y, &s)
                .unwrap_err()
                .to_string(),
            "invalid parameter `threshold` = precision:0.9: no threshold reaches this \
             precision; the highest is 0.5000"
        );
    }

    #[test]
    fn gains_by_band() {
        let bands = gains_table(&Y, &S, 4).unwrap();
        assert_eq!(
            bands.iter().map(|b| b.positives).collect::<Vec<_>>(),
            [1, 2, 0, 1]
        );
        assert_eq!(bands[0].lift, 1.0);
        assert_eq!(bands[1].lift, 2.0);
        assert_eq!(bands[1].cumulative_gain, 0.75);
        assert_eq!(bands[3].cumulative_lift, 1.0);
        assert_eq!((bands[0].max_score, bands[0].min_score), (0.9, 0.8));
    }

    #[test]
    fn losses_and_calibration() {
        let y = [true, false];
        assert!(
            (log_loss(&y, &[0.8, 0.4]).unwrap() - (-(0.8f64.ln()) - 0.6f64.ln()) / 2.0).abs()
                < 1e-15
        );
        assert!(log_loss(&y, &[1.0, 0.0]).unwrap() < 1e-15);
        assert_eq!(brier_score(&y, &[1.0, 0.5]).unwrap(), 0.125);
        let bins = calibration_curve(&Y, &S, 2).unwrap();
        assert_eq!(bins.len(), 2);
        assert_eq!((bins[0].rows, bins[0].fraction_positive), (4, 0.25));
        assert_eq!(
            log_loss(&y, &[1.2, 0.0]).unwrap_err().to_string(),
            "invalid parameter `probability` = 1.2 (row 0): must be in [0, 1]"
        );
    }

    #[test]
    fn bad_inputs_are_reported() {
        assert_eq!(
            roc_auc_score(&Y, &S[..3]).unwrap_err().to_string(),
            "the score column has 3 entries but the data has 8 rows"
        );
        assert_eq!(
            roc_auc_score(&[true, true], &[0.1, 0.2])
                .unwrap_err()
                .to_string(),
            "the target has only true values in its 2 rows; these metrics need both \
             classes (check the target's definition or the rows kept)"
        );
        assert!(matches!(
            roc_auc_score(&Y, &[f64::NAN; 8]).unwrap_err(),
            Error::NotFinite { row: 0, .. }
        ));
    }
}
