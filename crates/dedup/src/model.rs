//! The Fellegi–Sunter model, learned without labels.
//!
//! For every field and agreement level, `m` is the probability of that level among true
//! matches and `u` among non-matches. `u` is estimated on random record pairs (almost all
//! non-matches); `m` and the share of matches `λ` among candidate pairs by
//! expectation-maximisation on the candidate pairs, with `u` held fixed. A pair's match
//! weight is the sum of `log2(m/u)` over its fields (missing values count zero), plus, for an
//! exact agreement, a term-frequency adjustment `log2(u_exact / frequency of the value)`: two
//! records agreeing on a rare surname are stronger evidence than on a common one.
//!
//! The match probability starts from the prior of a *random* pair, `λ × candidate pairs /
//! all pairs` (the matches EM expects, spread over every pair of records), not from `λ`:
//! the weights are likelihood ratios against random pairs, and a candidate pair's agreement
//! on its blocking key is already counted in them. Starting from `λ` would count it twice,
//! and two companies of one name in two countries would merge on the name alone.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::compare::{MISSING, cannot_link, compare, level_count};
use crate::params::{Comparator, DedupParams};
use crate::records::{Field, NULL};

/// Learned probabilities of one field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldModel {
    /// Column name.
    pub column: String,
    /// Comparator.
    pub comparator: Comparator,
    /// Level names, "disagree" last.
    pub levels: Vec<String>,
    /// P(level | match).
    pub m: Vec<f64>,
    /// P(level | non-match).
    pub u: Vec<f64>,
}

impl FieldModel {
    /// Match weight of a level, `log2(m/u)`.
    pub fn weight(&self, level: u8) -> f64 {
        if level == MISSING {
            return 0.0;
        }
        (self.m[level as usize] / self.u[level as usize]).log2()
    }
}

/// The learned model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// One per compared field.
    pub fields: Vec<FieldModel>,
    /// Share of matches among candidate pairs.
    pub lambda: f64,
    /// Probability that two records drawn at random match: the prior of every pair's match
    /// probability.
    pub prior: f64,
    /// EM iterations run.
    pub iterations: usize,
    /// Whether EM converged before the iteration limit.
    pub converged: bool,
    /// Whether exact agreements are weighted by value frequency.
    pub term_frequency: bool,
    /// The EM runs that estimated `m`.
    pub training: Vec<TrainingSession>,
}

/// Smoothed proportions from counts.
fn proportions(counts: &[f64]) -> Vec<f64> {
    let total: f64 = counts.iter().sum::<f64>() + 0.5 * counts.len() as f64;
    counts.iter().map(|c| (c + 0.5) / total).collect()
}

/// One EM run: on the pairs of one blocking rule, with the rule's field left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingSession {
    /// The blocking rule whose pairs were used.
    pub rule: String,
    /// The field left out (it agrees by construction on these pairs).
    pub masked: String,
    /// Pairs used.
    pub pairs: u64,
    /// Estimated share of matches among them.
    pub lambda: f64,
    /// EM iterations.
    pub iterations: usize,
    /// Whether EM converged.
    pub converged: bool,
    /// Whether its estimates were used: a session that finds more matching pairs than there
    /// are records is degenerate and left out.
    pub used: bool,
}

/// The pairs of one blocking rule, as comparison patterns with counts.
pub(crate) struct Session {
    pub rule: String,
    pub masked: usize,
    pub patterns: BTreeMap<Vec<u8>, u64>,
}

/// The patterns EM may learn from, with their counts: all but known non-matches.
fn usable<'a>(fields: &[Field], patterns: &'a BTreeMap<Vec<u8>, u64>) -> Vec<(&'a [u8], f64)> {
    patterns
        .iter()
        .filter(|(p, _)| !cannot_link(fields, p))
        .map(|(p, c)| (p.as_slice(), *c as f64))
        .collect()
}

/// Result of one EM run.
struct Em {
    m: Vec<Vec<f64>>,
    lambda: f64,
    iterations: usize,
    converged: bool,
}

/// Expectation-maximisation of `m` (unless `fixed_m`) and `λ` on `patterns`, `u` fixed, the
/// field `masked` ignored.
fn em(
    patterns: &[(&[u8], f64)],
    mut m: Vec<Vec<f64>>,
    u: &[Vec<f64>],
    masked: Option<usize>,
    fixed_m: bool,
    max_iterations: usize,
) -> Em {
    let mut lambda: f64 = 0.1;
    let mut iterations = 0;
    let mut converged = false;
    let used = |f: usize, level: u8| level != MISSING && Some(f) != masked;
    while iterations < max_iterations {
        iterations += 1;
        let mut m_counts: Vec<Vec<f64>> = m.iter().map(|l| vec![0.0; l.len()]).collect();
        let (mut matched, mut total) = (0.0, 0.0);
        for (pattern, count) in patterns {
            let mut log_ratio = (lambda / (1.0 - lambda)).ln();
            for (f, &level) in pattern.iter().enumerate() {
                if used(f, level) {
                    log_ratio += (m[f][level as usize] / u[f][level as usize]).ln();
                }
            }
            let p = 1.0 / (1.0 + (-log_ratio).exp());
            matched += p * count;
            total += count;
            for (f, &level) in pattern.iter().enumerate() {
                if used(f, level) {
                    m_counts[f][level as usize] += p * count;
                }
            }
        }
        let new_lambda = (matched / total.max(1.0)).clamp(1e-9, 1.0 - 1e-9);
        let mut change = (new_lambda - lambda).abs();
        if !fixed_m {
            for (f, counts) in m_counts.iter().enumerate() {
                if Some(f) == masked {
                    continue;
                }
                let new = proportions(counts);
                change = new
                    .iter()
                    .zip(&m[f])
                    .map(|(a, b)| (a - b).abs())
                    .fold(change, f64::max);
                m[f] = new;
            }
        }
        lambda = new_lambda;
        if change < 1e-6 {
            converged = true;
            break;
        }
    }
    Em {
        m,
        lambda,
        iterations,
        converged,
    }
}

impl Model {
    /// Estimates `u` on random pairs drawn by position in `order` (records sorted by id, so
    /// that nothing depends on row order); `m` by EM on each training session (a blocking
    /// rule's pairs, its field left out, as it agrees by construction), averaged over the
    /// sessions weighted by their expected matches; and `λ` by EM on the candidate pairs with
    /// `m` and `u` fixed. Patterns that contradict an identifier are known non-matches and are
    /// left out of EM.
    pub(crate) fn fit(
        fields: &[Field],
        sessions: &[Session],
        candidates: &BTreeMap<Vec<u8>, u64>,
        order: &[u32],
        params: &DedupParams,
    ) -> Self {
        let n = order.len();
        let mut u_counts: Vec<Vec<f64>> = fields
            .iter()
            .map(|f| vec![0.0; level_count(f.spec.comparator)])
            .collect();
        if n >= 2 {
            let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
            let mut vector = Vec::with_capacity(fields.len());
            for _ in 0..params.u_sample_pairs {
                let a = rng.random_range(0..n);
                let mut b = rng.random_range(0..n - 1);
                if b >= a {
                    b += 1;
                }
                compare(fields, order[a] as usize, order[b] as usize, &mut vector);
                for (counts, &level) in u_counts.iter_mut().zip(&vector) {
                    if level != MISSING {
                        counts[level as usize] += 1.0;
                    }
                }
            }
        }
        let u: Vec<Vec<f64>> = u_counts.iter().map(|c| proportions(c)).collect();
        // Start from "matches mostly agree exactly" and let EM correct it.
        let start: Vec<Vec<f64>> = fields
            .iter()
            .map(|f| {
                let levels = level_count(f.spec.comparator);
                let mut start = vec![0.0; levels];
                start[0] = 0.9;
                let rest = 0.1 / (levels - 1) as f64;
                start[1..].iter_mut().for_each(|p| *p = rest);
                start
            })
            .collect();
        let mut sums: Vec<Vec<f64>> = start.iter().map(|l| vec![0.0; l.len()]).collect();
        let mut weights = vec![0.0; fields.len()];
        let mut training = Vec::with_capacity(sessions.len());
        for session in sessions {
            let patterns = usable(fields, &session.patterns);
            let pairs: f64 = patterns.iter().map(|(_, c)| c).sum();
            if pairs < 10.0 {
                continue;
            }
            let run = em(
                &patterns,
                start.clone(),
                &u,
                Some(session.masked),
                false,
                params.max_iterations,
            );
            // A session that finds more matching pairs than there are records has found another
            // population (records of one place, colleagues) that correlated fields make look
            // alike: it is not used.
            let degenerate = run.lambda * pairs > n as f64;
            let expected_matches = if degenerate { 0.0 } else { run.lambda * pairs };
            for (f, m) in run.m.iter().enumerate() {
                if f != session.masked && !degenerate {
                    sums[f]
                        .iter_mut()
                        .zip(m)
                        .for_each(|(s, v)| *s += expected_matches * v);
                    weights[f] += expected_matches;
                }
            }
            training.push(TrainingSession {
                rule: session.rule.clone(),
                masked: fields[session.masked].spec.column.clone(),
                pairs: pairs as u64,
                lambda: run.lambda,
                iterations: run.iterations,
                converged: run.converged,
                used: !degenerate,
            });
        }
        let m: Vec<Vec<f64>> = sums
            .iter()
            .zip(&weights)
            .zip(&start)
            .map(|((s, &w), start)| {
                if w > 0.0 {
                    s.iter().map(|v| v / w).collect()
                } else {
                    start.clone()
                }
            })
            .collect();
        let candidates = usable(fields, candidates);
        let last = em(&candidates, m, &u, None, true, params.max_iterations);
        let candidate_pairs: f64 = candidates.iter().map(|(_, c)| c).sum();
        let all_pairs = (n as f64 * (n as f64 - 1.0) / 2.0).max(1.0);
        let prior = (last.lambda * candidate_pairs / all_pairs).clamp(1e-15, 1.0 - 1e-9);
        Self {
            fields: fields
                .iter()
                .zip(last.m.into_iter().zip(u))
                .map(|(f, (m, u))| FieldModel {
                    column: f.spec.column.clone(),
                    comparator: f.spec.comparator,
                    levels: f
                        .spec
                        .comparator
                        .levels()
                        .iter()
                        .map(|s| s.to_string())
                        .chain(["disagree".to_string()])
                        .collect(),
                    m,
                    u,
                })
                .collect(),
            lambda: last.lambda,
            prior,
            iterations: last.iterations,
            converged: last.converged && training.iter().all(|t| t.converged),
            term_frequency: params.term_frequency,
            training,
        }
    }

    /// Match weight (log2 Bayes factor) of records `a` and `b`, field by field; minus infinity
    /// for an identifier that differs.
    pub(crate) fn field_weights(
        &self,
        fields: &[Field],
        levels: &[u8],
        a: usize,
    ) -> impl Iterator<Item = f64> {
        self.fields
            .iter()
            .zip(fields)
            .zip(levels)
            .map(move |((model, field), &level)| {
                if model.comparator == Comparator::Identifier && level == 1 {
                    return f64::NEG_INFINITY;
                }
                let mut w = model.weight(level);
                if level == 0 && self.term_frequency {
                    let code = field.codes[a];
                    if code != NULL {
                        let frequency = (field.counts[code as usize] as f64
                            / field.present.max(1) as f64)
                            .max(1e-12);
                        w += (model.u[0] / frequency).log2();
                    }
                }
                w
            })
    }

    /// Match probability from a total match weight, starting from the prior of a random pair.
    pub fn probability(&self, weight: f64) -> f64 {
        let prior = (self.prior / (1.0 - self.prior)).log2();
        1.0 / (1.0 + (-(prior + weight) * std::f64::consts::LN_2).exp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::Records;

    /// Records whose comparison vectors follow known m and u: pairs (2i, 2i+1) are matches
    /// that agree exactly on each field with probability 0.9 (else disagree); other pairs
    /// agree with probability 0.1.
    fn planted(n_pairs: usize, seed: u64) -> Vec<Field> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let n = 2 * n_pairs;
        let ids = (0..n).map(|i| Some(i.to_string())).collect();
        let mut columns = Vec::new();
        for f in 0..3 {
            let mut values = vec![None; n];
            for i in 0..n_pairs {
                // Ten equally frequent values, so that random pairs agree with probability 0.1.
                let v = rng.random_range(0..10);
                values[2 * i] = Some(format!("v{v}"));
                let other = if rng.random_bool(0.9) {
                    v
                } else {
                    (v + 1 + rng.random_range(0..9)) % 10
                };
                values[2 * i + 1] = Some(format!("v{other}"));
            }
            columns.push((format!("f{f}"), values));
        }
        let records = Records::new(ids, columns).unwrap();
        (0..3)
            .map(|f| Field::prepare(&records, format!("f{f}:exact").parse().unwrap()).unwrap())
            .collect()
    }

    #[test]
    fn em_recovers_known_m_and_u() {
        let fields = planted(3000, 1);
        // Candidate pairs: the true pairs and as many random ones.
        let mut patterns: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let mut v = Vec::new();
        for i in 0..3000 {
            compare(&fields, 2 * i, 2 * i + 1, &mut v);
            *patterns.entry(v.clone()).or_default() += 1;
            let (a, b) = (rng.random_range(0..6000), rng.random_range(0..6000));
            if a / 2 != b / 2 {
                compare(&fields, a, b, &mut v);
                *patterns.entry(v.clone()).or_default() += 1;
            }
        }
        let params = DedupParams {
            term_frequency: false,
            ..Default::default()
        };
        let order: Vec<u32> = (0..6000).collect();
        // One session per field left out, all on the same pairs.
        let sessions: Vec<Session> = (0..3)
            .map(|masked| Session {
                rule: format!("rule{masked}"),
                masked,
                patterns: patterns.clone(),
            })
            .collect();
        let model = Model::fit(&fields, &sessions, &patterns, &order, &params);
        assert_eq!(model.training.len(), 3);
        assert!(model.converged);
        for f in &model.fields {
            assert!((f.m[0] - 0.9).abs() < 0.03, "m = {:?}", f.m);
            assert!((f.u[0] - 0.1).abs() < 0.01, "u = {:?}", f.u);
        }
        assert!(
            (model.lambda - 0.5).abs() < 0.03,
            "lambda = {}",
            model.lambda
        );
        // About 3,000 of the 17,997,000 pairs of records match.
        let random_share = 3000.0 / (6000.0 * 5999.0 / 2.0);
        assert!(
            (model.prior / random_share - 1.0).abs() < 0.05,
            "prior = {}",
            model.prior
        );
        // Agreeing on all three fields of ten values is 729 times likelier for a match than
        // for a random pair, not enough against odds of 1 to 6,000: 18,000 random pairs agree
        // on all three as well.
        let all_agree: f64 = model.fields.iter().map(|f| f.weight(0)).sum();
        let all_disagree: f64 = model.fields.iter().map(|f| f.weight(1)).sum();
        let expected = 1.0 / (1.0 + 18_000.0 / (3000.0 * 0.729));
        assert!(
            (model.probability(all_agree) - expected).abs() < 0.03,
            "{} against {expected}",
            model.probability(all_agree)
        );
        assert!(model.probability(all_disagree) < 1e-6);
    }
}
