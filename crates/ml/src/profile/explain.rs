//! The explanation of a segment: a shallow decision tree that tells its members from the
//! rest, read back as rules in the features' own units.

use rand::SeedableRng;
use rand::seq::index::sample;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::error::Result;
use crate::matrix::Matrix;
use crate::supervised::{ClassWeight, DecisionTree, TreeNode};

/// Which side of a threshold a condition keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// `feature <= threshold`.
    AtMost,
    /// `feature > threshold`.
    Above,
}

/// One condition of a rule, with the tree's exact threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    /// The feature tested.
    pub feature: String,
    /// Which side is kept.
    pub comparison: Comparison,
    /// The tree's threshold.
    pub threshold: f64,
    /// The condition for people: `orders_12m ≥ 6`, `role_it = 1`, `monetary_12m > 48,200`.
    pub text: String,
}

/// A path from the root to a leaf that predicts the segment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    /// The conditions, all of which hold (one lower and one upper bound per feature at most).
    pub conditions: Vec<Condition>,
    /// The conditions joined by `AND`.
    pub text: String,
    /// Rows of the whole data that satisfy the rule.
    pub rows: usize,
    /// Members of the segment among them.
    pub members: usize,
    /// Share of the segment's members the rule covers (`members / segment size`).
    pub coverage: f64,
    /// Share of the rows the rule selects that are members (`members / rows`).
    pub precision: f64,
}

/// How a segment is explained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The rules, most members covered first.
    pub rules: Vec<Rule>,
    /// Features the tree could use (the segment's most distinguishing ones).
    pub features: Vec<String>,
    /// Depth of the fitted tree.
    pub depth: usize,
    /// Rows the tree was trained on (all of them, or a seeded sample on large data).
    pub training_rows: usize,
    /// How well the tree reproduces membership on every row.
    pub fidelity: Fidelity,
}

/// Agreement between the tree's prediction (a row is a member when it satisfies one of the
/// rules) and actual membership, over every row.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fidelity {
    /// Share of rows classified right.
    pub accuracy: f64,
    /// Share of predicted members that are members.
    pub precision: f64,
    /// Share of members predicted.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

/// How a feature's values look, for writing its conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueKind {
    /// Only 0 and 1.
    Flag,
    /// Whole numbers.
    Integer,
    /// Anything else.
    Real,
}

impl ValueKind {
    pub(crate) fn of(values: &[f64]) -> ValueKind {
        let present = || values.iter().filter(|v| !v.is_nan());
        if present().all(|&v| v == 0.0 || v == 1.0) {
            ValueKind::Flag
        } else if present().all(|v| v.fract() == 0.0) {
            ValueKind::Integer
        } else {
            ValueKind::Real
        }
    }
}

/// One feature offered to the tree.
pub(crate) struct TreeFeature<'a> {
    pub(crate) name: &'a str,
    /// The values, missing ones already filled.
    pub(crate) values: Vec<f64>,
    pub(crate) kind: ValueKind,
}

/// The tree's settings.
pub(crate) struct TreeSettings {
    pub(crate) max_depth: usize,
    pub(crate) min_samples_leaf: usize,
    pub(crate) max_rows: usize,
    pub(crate) seed: u64,
}

/// Fits the tree of `member` (one flag per row) on `features` and reads it back; `None` when
/// the segment or the rest is empty, or there is no feature.
pub(crate) fn explain(
    features: &[TreeFeature<'_>],
    member: &[bool],
    settings: &TreeSettings,
) -> Result<Option<Explanation>> {
    let n = member.len();
    let size = member.iter().filter(|&&m| m).count();
    if features.is_empty() || size == 0 || size == n {
        return Ok(None);
    }
    let d = features.len();
    let mut training: Vec<usize> = if n > settings.max_rows {
        let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
        let mut rows = sample(&mut rng, n, settings.max_rows).into_vec();
        rows.sort_unstable();
        rows
    } else {
        (0..n).collect()
    };
    // A sample without a member (or without anyone else) cannot be learnt from: add one.
    for want in [true, false] {
        if !training.iter().any(|&r| member[r] == want)
            && let Some(r) = (0..n).find(|&r| member[r] == want)
        {
            training.push(r);
        }
    }
    let mut data = Vec::with_capacity(training.len() * d);
    for &r in &training {
        data.extend(features.iter().map(|f| f.values[r]));
    }
    let x = Matrix::new(data, training.len(), d)?;
    let y: Vec<bool> = training.iter().map(|&r| member[r]).collect();
    let tree = DecisionTree::params()
        .max_depth(Some(settings.max_depth))
        .min_samples_leaf(settings.min_samples_leaf.max(1))
        .class_weight(ClassWeight::Balanced)
        .seed(settings.seed)
        .fit(&x, &y)?;
    // Every row's leaf, over all rows.
    let mut leaf_of = Vec::with_capacity(n);
    for r in 0..n {
        let mut i = 0;
        while let Some(TreeNode::Split {
            feature,
            threshold,
            left,
            right,
            ..
        }) = tree.node(i)
        {
            i = if features[feature].values[r] <= threshold {
                left
            } else {
                right
            };
        }
        leaf_of.push(i);
    }
    let mut rules = Vec::new();
    let mut predicted_leaf = vec![false; tree.n_nodes()];
    let mut path = Vec::new();
    collect_rules(&tree, 0, &mut path, &mut |leaf, path| {
        predicted_leaf[leaf] = true;
        let rows: Vec<usize> = (0..n).filter(|&r| leaf_of[r] == leaf).collect();
        let members = rows.iter().filter(|&&r| member[r]).count();
        let (conditions, texts) = conditions(features, path);
        rules.push(Rule {
            text: texts.join(" AND "),
            conditions,
            rows: rows.len(),
            members,
            coverage: members as f64 / size as f64,
            precision: if rows.is_empty() {
                0.0
            } else {
                members as f64 / rows.len() as f64
            },
        });
    });
    rules.sort_by(|a, b| {
        b.members
            .cmp(&a.members)
            .then(b.precision.total_cmp(&a.precision))
    });
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for r in 0..n {
        match (predicted_leaf[leaf_of[r]], member[r]) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fn_ += 1,
            (false, false) => {}
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let tn = n - tp - fp - fn_;
    Ok(Some(Explanation {
        rules,
        features: features.iter().map(|f| f.name.to_string()).collect(),
        depth: tree.depth(),
        training_rows: training.len(),
        fidelity: Fidelity {
            accuracy: ratio(tp + tn, n),
            precision: ratio(tp, tp + fp),
            recall: ratio(tp, tp + fn_),
            f1: ratio(2 * tp, 2 * tp + fp + fn_),
        },
    }))
}

/// Calls `found` with every leaf predicting the positive class (value above 0.5, the class
/// weights applied) and the splits on its path.
fn collect_rules(
    tree: &DecisionTree,
    node: usize,
    path: &mut Vec<(usize, Comparison, f64)>,
    found: &mut impl FnMut(usize, &[(usize, Comparison, f64)]),
) {
    match tree.node(node) {
        Some(TreeNode::Split {
            feature,
            threshold,
            left,
            right,
            ..
        }) => {
            path.push((feature, Comparison::AtMost, threshold));
            collect_rules(tree, left, path, found);
            path.pop();
            path.push((feature, Comparison::Above, threshold));
            collect_rules(tree, right, path, found);
            path.pop();
        }
        Some(TreeNode::Leaf { value }) if value > 0.5 => found(node, path),
        _ => {}
    }
}

/// The conditions of a path, the tightest bound kept on each side of each feature, in the
/// order the features first appear; and their texts, a feature bounded on both sides in one
/// (`2 ≤ downloads_365d ≤ 3`, `engaged_events_365d = 3`).
fn conditions(
    features: &[TreeFeature<'_>],
    path: &[(usize, Comparison, f64)],
) -> (Vec<Condition>, Vec<String>) {
    let mut order: Vec<usize> = Vec::new();
    for &(f, _, _) in path {
        if !order.contains(&f) {
            order.push(f);
        }
    }
    let mut out = Vec::new();
    let mut texts = Vec::new();
    for f in order {
        let above = path
            .iter()
            .filter(|p| p.0 == f && p.1 == Comparison::Above)
            .map(|p| p.2)
            .reduce(f64::max);
        let at_most = path
            .iter()
            .filter(|p| p.0 == f && p.1 == Comparison::AtMost)
            .map(|p| p.2)
            .reduce(f64::min);
        let feature = &features[f];
        let first = out.len();
        for (comparison, threshold) in [(Comparison::Above, above), (Comparison::AtMost, at_most)] {
            if let Some(threshold) = threshold {
                out.push(Condition {
                    feature: feature.name.to_string(),
                    comparison,
                    threshold,
                    text: condition_text(feature.name, feature.kind, comparison, threshold),
                });
            }
        }
        texts.push(match (above, at_most) {
            (Some(lo), Some(hi)) => range_text(feature.name, feature.kind, lo, hi),
            _ => out[first].text.clone(),
        });
    }
    (out, texts)
}

/// `lo < feature ≤ hi` for people: `2 ≤ f ≤ 3` or `f = 3` for whole numbers, `0.5 < f ≤ 2`
/// otherwise.
fn range_text(name: &str, kind: ValueKind, lo: f64, hi: f64) -> String {
    match kind {
        ValueKind::Flag | ValueKind::Integer => {
            let (from, to) = (lo.floor() + 1.0, hi.floor());
            if from == to {
                format!("{name} = {}", group_thousands(from))
            } else {
                format!(
                    "{} ≤ {name} ≤ {}",
                    group_thousands(from),
                    group_thousands(to)
                )
            }
        }
        ValueKind::Real => format!("{} < {name} ≤ {}", readable(lo), readable(hi)),
    }
}

/// A condition in the feature's units: flags as `= 1` or `= 0`, whole numbers as `≥ 6` or
/// `≤ 5`, other numbers with three significant digits (the exact threshold is in
/// [`Condition::threshold`]).
pub(crate) fn condition_text(
    name: &str,
    kind: ValueKind,
    comparison: Comparison,
    threshold: f64,
) -> String {
    match (kind, comparison) {
        (ValueKind::Flag, Comparison::Above) if (0.0..1.0).contains(&threshold) => {
            format!("{name} = 1")
        }
        (ValueKind::Flag, Comparison::AtMost) if (0.0..1.0).contains(&threshold) => {
            format!("{name} = 0")
        }
        (ValueKind::Flag | ValueKind::Integer, Comparison::Above) => {
            format!("{name} ≥ {}", group_thousands(threshold.floor() + 1.0))
        }
        (ValueKind::Flag | ValueKind::Integer, Comparison::AtMost) => {
            format!("{name} ≤ {}", group_thousands(threshold.floor()))
        }
        (ValueKind::Real, Comparison::Above) => format!("{name} > {}", readable(threshold)),
        (ValueKind::Real, Comparison::AtMost) => format!("{name} ≤ {}", readable(threshold)),
    }
}

/// A number for people: three significant digits, thousands grouped with commas
/// (`48,200`, `0.125`, `3.5`).
pub fn readable(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v == 0.0 {
        return "0".into();
    }
    let magnitude = v.abs().log10().floor() as i32;
    let decimals = (2 - magnitude).max(0) as usize;
    let step = 10f64.powi(magnitude - 2);
    let rounded = (v / step).round() * step;
    if decimals == 0 {
        group_thousands(rounded)
    } else {
        let s = format!("{rounded:.decimals$}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    }
}

/// A whole number with its thousands grouped: `48200` → `48,200`.
fn group_thousands(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 && digits != "0" {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_conditions_read_in_the_features_units() {
        assert_eq!(readable(48_213.7), "48,200");
        assert_eq!(range_text("f", ValueKind::Integer, 1.5, 3.5), "2 ≤ f ≤ 3");
        assert_eq!(range_text("f", ValueKind::Integer, 2.5, 3.5), "f = 3");
        assert_eq!(range_text("f", ValueKind::Real, 0.25, 2.0), "0.25 < f ≤ 2");
        assert_eq!(readable(1_234_567.0), "1,230,000");
        assert_eq!(readable(0.12345), "0.123");
        assert_eq!(readable(3.5), "3.5");
        assert_eq!(readable(-250.4), "-250");
        assert_eq!(readable(0.0), "0");
        let text = |kind, comparison, t| condition_text("f", kind, comparison, t);
        assert_eq!(text(ValueKind::Integer, Comparison::Above, 5.5), "f ≥ 6");
        assert_eq!(text(ValueKind::Integer, Comparison::AtMost, 5.5), "f ≤ 5");
        assert_eq!(
            text(ValueKind::Integer, Comparison::Above, 1999.5),
            "f ≥ 2,000"
        );
        assert_eq!(text(ValueKind::Flag, Comparison::Above, 0.5), "f = 1");
        assert_eq!(text(ValueKind::Flag, Comparison::AtMost, 0.5), "f = 0");
        assert_eq!(
            text(ValueKind::Real, Comparison::Above, 48_213.7),
            "f > 48,200"
        );
        assert_eq!(
            ValueKind::of(&[0.0, 1.0, f64::NAN]),
            ValueKind::Flag,
            "missing values do not count"
        );
        assert_eq!(ValueKind::of(&[0.0, 2.0]), ValueKind::Integer);
        assert_eq!(ValueKind::of(&[0.5, 2.0]), ValueKind::Real);
    }
}
