//! Deduplication end to end: prepare fields, block, compare, learn the model, score, cluster.

use std::collections::BTreeMap;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::DedupError;
use crate::blocking::{Candidates, RuleReport, auto_rules, candidate_pairs};
use crate::cluster::{DisjointSets, split_component};
use crate::compare::{compare, tabulate};
use crate::model::{Model, Session};
use crate::params::{DedupParams, FieldSpec};
use crate::records::{Field, Records, choose_fields};

/// Two records of one entity, with their match probability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchedPair {
    /// The smaller id.
    pub id_a: String,
    /// The larger id.
    pub id_b: String,
    /// Match probability under the model.
    pub probability: f64,
}

/// How one field contributed to a pair's match weight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldEvidence {
    /// Column.
    pub column: String,
    /// Agreement level (`exact`, `jw>=0.95`, …, `disagree`, `missing`).
    pub level: String,
    /// Contribution to the match weight, in bits (log2 of the Bayes factor).
    pub weight: f64,
}

/// Counts and timings of a deduplication.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DedupStats {
    /// Records in.
    pub records: usize,
    /// Fields compared.
    pub fields: Vec<FieldSpec>,
    /// Candidate pairs per blocking rule, before the union.
    pub blocking: Vec<RuleReport>,
    /// Distinct candidate pairs compared.
    pub candidate_pairs: u64,
    /// Pairs compared to learn the model: the pairs of every selective rule on equal keys.
    pub training_pairs: u64,
    /// Candidate pairs at or above the threshold.
    pub matched_pairs: u64,
    /// Entities out.
    pub entities: usize,
    /// Records in the largest entity.
    pub largest_entity: usize,
    /// Components that the chaining guard re-split.
    pub split_components: usize,
    /// Seconds spent blocking, comparing, learning, clustering.
    pub seconds: BTreeMap<String, f64>,
}

/// The result of deduplication.
#[derive(Debug, Clone)]
pub struct Dedup {
    /// The learned model.
    pub model: Model,
    /// Every pair of records that ended in the same entity, `id_a < id_b`, sorted.
    pub pairs: Vec<MatchedPair>,
    /// Entity id of every record, in input order; an entity's id is its smallest record id.
    pub entities: Vec<String>,
    /// Counts and timings.
    pub stats: DedupStats,
    fields: Vec<Field>,
    index: std::collections::HashMap<String, usize>,
}

impl Dedup {
    /// Why two records (by id) match or not: each field's level and weight.
    pub fn explain(&self, id_a: &str, id_b: &str) -> Option<Vec<FieldEvidence>> {
        let (a, b) = (*self.index.get(id_a)?, *self.index.get(id_b)?);
        let mut levels = Vec::new();
        compare(&self.fields, a, b, &mut levels);
        let weights: Vec<f64> = self.model.field_weights(&self.fields, &levels, a).collect();
        Some(
            self.model
                .fields
                .iter()
                .zip(levels)
                .zip(weights)
                .map(|((f, level), weight)| FieldEvidence {
                    column: f.column.clone(),
                    level: if level == crate::compare::MISSING {
                        "missing".into()
                    } else {
                        f.levels[level as usize].clone()
                    },
                    weight,
                })
                .collect(),
        )
    }
}

/// Scores any pair of records.
struct Scorer<'a> {
    model: &'a Model,
    fields: &'a [Field],
}

impl Scorer<'_> {
    fn probability(&self, a: usize, b: usize) -> f64 {
        let mut levels = Vec::with_capacity(self.fields.len());
        compare(self.fields, a, b, &mut levels);
        let weight: f64 = self.model.field_weights(self.fields, &levels, a).sum();
        self.model.probability(weight)
    }
}

/// Comparison vectors of `pairs`, concatenated.
fn compare_all(fields: &[Field], pairs: &[(u32, u32)]) -> Vec<u8> {
    let width = fields.len();
    pairs
        .par_chunks(4096)
        .flat_map_iter(|chunk| {
            let mut out = Vec::with_capacity(chunk.len() * width);
            let mut v = Vec::with_capacity(width);
            for &(a, b) in chunk {
                compare(fields, a as usize, b as usize, &mut v);
                out.extend_from_slice(&v);
            }
            out
        })
        .collect()
}

/// Deduplicates `records`. `id_column`, when the ids are also a column, keeps it out of the
/// automatically chosen fields.
pub fn deduplicate(
    records: &Records,
    id_column: Option<&str>,
    params: &DedupParams,
) -> Result<Dedup, DedupError> {
    params.check()?;
    let mut seconds = BTreeMap::new();
    let mut clock = Instant::now();
    let mut lap = |name: &str, clock: &mut Instant| {
        seconds.insert(name.to_string(), clock.elapsed().as_secs_f64());
        *clock = Instant::now();
    };
    let specs = if params.fields.is_empty() {
        choose_fields(records, id_column)
    } else {
        params.fields.clone()
    };
    if specs.is_empty() {
        return Err(DedupError::NoFields(format!(
            "no column other than the id has values; columns: {}",
            records.columns().join(", ")
        )));
    }
    let fields = specs
        .par_iter()
        .map(|s| {
            let mut field = Field::prepare(records, s.clone())?;
            tabulate(&mut field);
            Ok(field)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let n = records.len();
    // Records ordered by id: every choice that depends on order uses this rank, so the result
    // does not depend on the order of the input rows.
    let mut by_id: Vec<u32> = (0..n as u32).collect();
    by_id.sort_unstable_by(|&a, &b| records.id(a as usize).cmp(records.id(b as usize)));
    let mut rank = vec![0u32; n];
    for (r, &i) in by_id.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    lap("prepare", &mut clock);

    let rules = auto_rules(&fields);
    let Candidates {
        pairs,
        sessions,
        reports: blocking,
    } = candidate_pairs(&rules, &rank, params);
    lap("block", &mut clock);

    let width = fields.len().max(1);
    let vectors = compare_all(&fields, &pairs);
    let count = |vectors: &[u8]| {
        let mut patterns: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
        for v in vectors.chunks(width) {
            *patterns.entry(v.to_vec()).or_default() += 1;
        }
        patterns
    };
    let candidate_patterns = count(&vectors);
    let training_pairs: u64 = sessions.iter().map(|s| s.2.len() as u64).sum();
    let sessions: Vec<Session> = sessions
        .into_iter()
        .map(|(rule, masked, pairs)| Session {
            rule,
            masked,
            patterns: count(&compare_all(&fields, &pairs)),
        })
        .collect();
    lap("compare", &mut clock);

    let model = Model::fit(&fields, &sessions, &candidate_patterns, &by_id, params);
    lap("learn", &mut clock);

    let edges: Vec<(u32, u32, f64)> = pairs
        .par_iter()
        .zip(vectors.par_chunks(width))
        .filter_map(|(&(a, b), levels)| {
            let weight: f64 = model.field_weights(&fields, levels, a as usize).sum();
            let p = model.probability(weight);
            (p >= params.threshold).then_some((a, b, p))
        })
        .collect();
    let mut sets = DisjointSets::new(n);
    for &(a, b, _) in &edges {
        sets.union(a, b);
    }
    let mut components: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for i in 0..n as u32 {
        components.entry(sets.find(i)).or_default().push(i);
    }
    let scorer = Scorer {
        model: &model,
        fields: &fields,
    };
    let mut edges_by_root: BTreeMap<u32, Vec<(u32, u32, f64)>> = BTreeMap::new();
    for &e in &edges {
        edges_by_root.entry(sets.find(e.0)).or_default().push(e);
    }
    let mut entities_of: Vec<Vec<u32>> = Vec::new();
    let mut split_components = 0;
    for (root, members) in components {
        if members.len() <= 2 {
            entities_of.push(members);
            continue;
        }
        let component_edges = edges_by_root.remove(&root).unwrap_or_default();
        let parts = split_component(
            members,
            &component_edges,
            params.threshold,
            params.max_cluster_size,
            &|a, b| scorer.probability(a as usize, b as usize),
        );
        if parts.len() > 1 {
            split_components += 1;
        }
        entities_of.extend(parts);
    }
    let mut entities = vec![String::new(); n];
    let mut matched = Vec::new();
    for members in &entities_of {
        let entity_id = members
            .iter()
            .map(|&i| records.id(i as usize))
            .min()
            .unwrap_or_default()
            .to_string();
        for &i in members {
            entities[i as usize] = entity_id.clone();
        }
        for (k, &a) in members.iter().enumerate() {
            for &b in &members[k + 1..] {
                let (ia, ib) = (records.id(a as usize), records.id(b as usize));
                let (id_a, id_b) = if ia < ib { (ia, ib) } else { (ib, ia) };
                matched.push(MatchedPair {
                    id_a: id_a.into(),
                    id_b: id_b.into(),
                    probability: scorer.probability(a as usize, b as usize),
                });
            }
        }
    }
    matched.sort_by(|x, y| (&x.id_a, &x.id_b).cmp(&(&y.id_a, &y.id_b)));
    lap("cluster", &mut clock);

    let stats = DedupStats {
        records: n,
        fields: specs,
        blocking,
        candidate_pairs: pairs.len() as u64,
        training_pairs,
        matched_pairs: edges.len() as u64,
        entities: entities_of.len(),
        largest_entity: entities_of.iter().map(Vec::len).max().unwrap_or(0),
        split_components,
        seconds,
    };
    let index = (0..n).map(|i| (records.id(i).to_string(), i)).collect();
    Ok(Dedup {
        model,
        pairs: matched,
        entities,
        stats,
        fields,
        index,
    })
}
