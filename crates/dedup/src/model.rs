//! The Fellegi–Sunter model, learned without labels.
//!
//! For every field and agreement level, `m` is the probability of that level among true
//! matches and `u` among non-matches. `u` is estimated on random record pairs (almost all
//! non-matches); `m` and the share of matches `λ` among candidate pairs by
//! expectation-maximisation on the candidate pairs, with `u` held fixed. A pair's match
//! weight is the sum of `log2(m/u)` over its fields (missing values count zero), plus, for an
//! exact agreement, a term-frequency adjustment `log2(u_exact / frequency of the value)`: two
//! records agreeing on a rare surname are stronger evidence than on a common one.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::compare::{MISSING, compare, level_count};
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
    /// EM iterations run.
    pub iterations: usize,
    /// Whether EM converged before the iteration limit.
    pub converged: bool,
    /// Whether exact agreements are weighted by value frequency.
    pub term_frequency: bool,
}

/// Smoothed proportions from counts.
fn proportions(counts: &[f64]) -> Vec<f64> {
    let total: f64 = counts.iter().sum::<f64>() + 0.5 * counts.len() as f64;
    counts.iter().map(|c| (c + 0.5) / total).collect()
}

impl Model {
    /// Estimates `u` on random pairs and `m`, `λ` by EM on the candidate pairs' comparison
    /// vectors, given as distinct patterns with their counts. Random pairs are drawn by
    /// position in `order` (records sorted by id), so that they do not depend on row order.
    pub(crate) fn fit(
        fields: &[Field],
        patterns: &BTreeMap<Vec<u8>, u64>,
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
        let mut m: Vec<Vec<f64>> = fields
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
        let mut lambda: f64 = 0.1;
        let pattern_list: Vec<(&Vec<u8>, f64)> =
            patterns.iter().map(|(p, c)| (p, *c as f64)).collect();
        let mut iterations = 0;
        let mut converged = false;
        while iterations < params.max_iterations {
            iterations += 1;
            let mut m_counts: Vec<Vec<f64>> = m.iter().map(|l| vec![0.0; l.len()]).collect();
            let (mut matched, mut total) = (0.0, 0.0);
            for (pattern, count) in &pattern_list {
                let mut log_ratio = (lambda / (1.0 - lambda)).ln();
                for (f, &level) in pattern.iter().enumerate() {
                    if level != MISSING {
                        log_ratio += (m[f][level as usize] / u[f][level as usize]).ln();
                    }
                }
                let p = 1.0 / (1.0 + (-log_ratio).exp());
                matched += p * count;
                total += count;
                for (f, &level) in pattern.iter().enumerate() {
                    if level != MISSING {
                        m_counts[f][level as usize] += p * count;
                    }
                }
            }
            let new_m: Vec<Vec<f64>> = m_counts.iter().map(|c| proportions(c)).collect();
            let new_lambda = (matched / total.max(1.0)).clamp(1e-9, 1.0 - 1e-9);
            let change = new_m
                .iter()
                .flatten()
                .zip(m.iter().flatten())
                .map(|(a, b)| (a - b).abs())
                .fold((new_lambda - lambda).abs(), f64::max);
            m = new_m;
            lambda = new_lambda;
            if change < 1e-6 {
                converged = true;
                break;
            }
        }
        Self {
            fields: fields
                .iter()
                .zip(m.into_iter().zip(u))
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
            lambda,
            iterations,
            converged,
            term_frequency: params.term_frequency,
        }
    }

    /// Match weight (log2 Bayes factor) of records `a` and `b`, field by field.
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

    /// Match probability from a total match weight.
    pub fn probability(&self, weight: f64) -> f64 {
        let prior = (self.lambda / (1.0 - self.lambda)).log2();
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
        let model = Model::fit(&fields, &patterns, &order, &params);
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
        // Agreeing on all three fields is strong evidence; disagreeing on all, strong against.
        let all_agree: f64 = model.fields.iter().map(|f| f.weight(0)).sum();
        let all_disagree: f64 = model.fields.iter().map(|f| f.weight(1)).sum();
        assert!(model.probability(all_agree) > 0.99);
        assert!(model.probability(all_disagree) < 0.01);
    }
}
