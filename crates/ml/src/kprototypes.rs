//! k-prototypes clustering of mixed numeric and categorical data (Huang 1997, 1998), with the
//! cost of the Python `kmodes` package's `KPrototypes`.
//!
//! ```
//! use cible_ml::{KPrototypes, MixedData};
//!
//! // Two groups of accounts: small retailers and large manufacturers.
//! let accounts = MixedData::from_rows(
//!     &[[1.0, 0.2], [1.1, 0.1], [0.9, 0.3], [9.0, 5.0], [9.2, 5.1], [8.9, 4.8]],
//!     &[[0u32, 1], [0, 1], [0, 0], [1, 2], [1, 2], [1, 2]],
//! )?;
//! let model = KPrototypes::params(2).seed(7).fit(&accounts)?;
//! let l = model.labels();
//! assert!(l[0] == l[1] && l[1] == l[2] && l[3] == l[4] && l[4] == l[5] && l[0] != l[3]);
//! // The prototypes: numeric means and categorical modes.
//! assert_eq!(model.prototypes().categorical_row(l[3]), &[1, 2]);
//! assert_eq!(model.predict(&accounts)?, model.labels());
//! # Ok::<(), cible_ml::Error>(())
//! ```
//!
//! The cost of a row and a prototype is the squared Euclidean distance of their numeric parts
//! plus `gamma` times the number of categorical columns where they differ; the fit minimises
//! the sum over rows of the cost to their prototype ([`kprototypes_cost`]). `gamma` defaults to
//! half the mean standard deviation of the numeric columns, as in `kmodes`.
//!
//! Differences from `kmodes`, each for determinism and speed:
//!
//! - Iterations are batch (Lloyd-style) rather than online: every row is assigned to its
//!   nearest prototype, then every prototype becomes the mean and the modes of its rows. This
//!   parallelises over rows; from the same prototypes, on data with a clear structure, both
//!   reach the same partition and cost (the reference test checks it), but they can stop in
//!   different local minima elsewhere. A run stops when no row changes prototype, or after
//!   `max_iter` iterations.
//! - Initialisation is greedy k-means++ on the mixed cost ([`PrototypeInit::PlusPlus`]),
//!   seeded, instead of Huang's or Cao's methods (which choose categorical modes only and draw
//!   numeric centres at random around the mean). Given prototypes are accepted too.
//! - A cluster that becomes empty takes the row farthest from its prototype (ties: the first
//!   such row), as scikit-learn's k-means does, instead of a random row of the largest cluster.
//! - A mode tie goes to the smallest code, as in `kmodes`; a nearest-prototype tie to the
//!   first prototype.
//!
//! Only numeric columns: the cost is k-means' inertia; only categorical columns: it is
//! k-modes (with `gamma` 1 by default, so the cost counts mismatches).

use std::fmt;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::kmeans::{GROUP, check_given, check_runs, search, sum_in_groups};
use crate::matrix::{Matrix, squared_distance};
use crate::mixed::MixedData;

/// How the initial prototypes are chosen.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrototypeInit {
    /// Greedy k-means++ on the mixed cost: a first row drawn uniformly, then each next one
    /// among `2 + ⌊ln k⌋` rows drawn with probability proportional to their cost to the
    /// nearest prototype so far, keeping the draw that lowers the total cost most. Seeded by
    /// [`KPrototypesParams::seed`].
    #[default]
    PlusPlus,
    /// These prototypes, one row per cluster, in the data's columns (a single
    /// initialisation).
    Given(MixedData),
}

impl fmt::Display for PrototypeInit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrototypeInit::PlusPlus => f.write_str("k-prototypes++"),
            PrototypeInit::Given(p) => write!(f, "{} given prototypes", p.rows()),
        }
    }
}

/// k-prototypes parameters as the user gives them; [`KPrototypesParams::check`] validates them.
///
/// Built with [`KPrototypes::params`] and setters, each documenting its default:
/// `KPrototypes::params(6).gamma(1.0).seed(7)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KPrototypesParams {
    k: usize,
    #[serde(default)]
    gamma: Option<f64>,
    #[serde(default)]
    init: PrototypeInit,
    #[serde(default = "default_n_init")]
    n_init: usize,
    #[serde(default = "default_max_iter")]
    max_iter: usize,
    #[serde(default)]
    seed: u64,
}

fn default_n_init() -> usize {
    10
}
fn default_max_iter() -> usize {
    100
}

impl KPrototypesParams {
    /// Parameters for `k` clusters with every other parameter at its default.
    pub fn new(k: usize) -> Self {
        KPrototypesParams {
            k,
            gamma: None,
            init: PrototypeInit::default(),
            n_init: default_n_init(),
            max_iter: default_max_iter(),
            seed: 0,
        }
    }

    /// The same parameters with another number of clusters.
    pub fn with_k(mut self, k: usize) -> Self {
        self.k = k;
        self
    }

    /// Weight of one categorical mismatch against squared numeric distances. Default: none
    /// given, [`default_gamma`] of the data (half the mean standard deviation of the numeric
    /// columns, as `kmodes` does; 1 without numeric columns).
    pub fn gamma(mut self, gamma: f64) -> Self {
        self.gamma = Some(gamma);
        self
    }

    /// How initial prototypes are chosen. Default: [`PrototypeInit::PlusPlus`].
    pub fn init(mut self, init: PrototypeInit) -> Self {
        self.init = init;
        self
    }

    /// Number of initialisations; the run with the lowest cost is kept (the first on ties).
    /// Default: 10, as `kmodes`. Must be 1 with [`PrototypeInit::Given`].
    pub fn n_init(mut self, n_init: usize) -> Self {
        self.n_init = n_init;
        self
    }

    /// Largest number of iterations of one run. Default: 100, as `kmodes`.
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Seed of the random generator (ChaCha8). Default: 0. The same seed gives the same result
    /// whatever the number of threads.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The seed of the random generator.
    pub fn seed_value(&self) -> u64 {
        self.seed
    }

    /// Validates the parameters (everything that does not depend on the data).
    pub fn check(&self) -> Result<KPrototypesValidParams> {
        if self.k < 1 {
            return Err(Error::param("k", self.k, "must be at least 1"));
        }
        if let Some(g) = self.gamma
            && !(g.is_finite() && g >= 0.0)
        {
            return Err(Error::param(
                "gamma",
                g,
                "must be a finite number, at least 0",
            ));
        }
        check_runs(self.n_init, self.max_iter)?;
        if let PrototypeInit::Given(p) = &self.init {
            check_given(self.k, p.rows(), self.n_init, "prototype")?;
        }
        Ok(KPrototypesValidParams(self.clone()))
    }

    /// Checks the parameters and fits k-prototypes to `data`.
    pub fn fit(&self, data: &MixedData) -> Result<KPrototypes> {
        self.check()?.fit(data)
    }
}

/// k-prototypes parameters that passed [`KPrototypesParams::check`]; the only way to build one.
#[derive(Debug, Clone, PartialEq)]
pub struct KPrototypesValidParams(KPrototypesParams);

impl KPrototypesValidParams {
    /// The validated parameters.
    pub fn params(&self) -> &KPrototypesParams {
        &self.0
    }

    /// Fits k-prototypes to `data`.
    pub fn fit(&self, data: &MixedData) -> Result<KPrototypes> {
        let p = &self.0;
        data.check_not_empty("the data")?;
        let n = data.rows();
        if p.k > n {
            return Err(Error::TooFewRows {
                what: format!("k-prototypes with k = {}", p.k),
                needed: p.k,
                rows: n,
            });
        }
        if let PrototypeInit::Given(given) = &p.init {
            data.check_same_columns(given, "the initial prototypes")?;
        }
        let gamma = p.gamma.unwrap_or_else(|| default_gamma(data));
        let work = Work::new(data, gamma);
        let mut best: Option<Run> = None;
        for run_index in 0..p.n_init {
            let start = match &p.init {
                PrototypeInit::Given(given) => Protos::of(given),
                PrototypeInit::PlusPlus => {
                    let mut rng = ChaCha8Rng::seed_from_u64(p.seed);
                    rng.set_stream(run_index as u64);
                    plus_plus(&work, p.k, &mut rng)
                }
            };
            let outcome = run(&work, start, p.max_iter);
            if best.as_ref().is_none_or(|b| outcome.cost < b.cost) {
                best = Some(outcome);
            }
        }
        let best = best.ok_or_else(|| Error::Internal {
            detail: "k-prototypes ran no initialisation".into(),
        })?;
        let prototypes = MixedData::new(
            Matrix::from_parts_unchecked(best.protos.num, p.k, data.numeric_cols()),
            best.protos.cat,
            data.categorical_cols(),
        )?
        .with_names(
            data.numeric_names().to_vec(),
            data.categorical_names().to_vec(),
        )?;
        Ok(KPrototypes {
            prototypes,
            gamma,
            labels: best.labels,
            cost: best.cost,
            n_iter: best.n_iter,
            converged: best.converged,
        })
    }
}

/// `kmodes`' default `gamma`: half the mean of the numeric columns' standard deviations
/// (population, divided by n); 1 when there is no numeric column, so that the cost of
/// categorical data alone counts mismatches (k-modes). 0 when every numeric column is constant:
/// then categories do not count, as in `kmodes`; give `gamma` to choose otherwise.
pub fn default_gamma(data: &MixedData) -> f64 {
    let p = data.numeric_cols();
    if p == 0 {
        return 1.0;
    }
    let stds: f64 = data
        .numeric()
        .column_variances()
        .iter()
        .map(|v| v.sqrt())
        .sum();
    0.5 * stds / p as f64
}

/// A fitted k-prototypes model: prototypes (numeric means and categorical modes), the label of
/// every training row, the cost and the `gamma` used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KPrototypes {
    prototypes: MixedData,
    gamma: f64,
    labels: Vec<usize>,
    cost: f64,
    n_iter: usize,
    converged: bool,
}

impl KPrototypes {
    /// Default parameters for `k` clusters: `KPrototypes::params(6).seed(7).fit(&data)`.
    pub fn params(k: usize) -> KPrototypesParams {
        KPrototypesParams::new(k)
    }

    /// Number of clusters.
    pub fn k(&self) -> usize {
        self.prototypes.rows()
    }

    /// The prototypes, one row per cluster: the mean of each numeric column and the mode of
    /// each categorical column over the cluster's rows, with the data's column names.
    pub fn prototypes(&self) -> &MixedData {
        &self.prototypes
    }

    /// The weight of a categorical mismatch used by the fit (given or [`default_gamma`]).
    pub fn gamma(&self) -> f64 {
        self.gamma
    }

    /// The cluster (0..k) of every training row, in row order.
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// Sum over the training rows of the cost to their prototype ([`kprototypes_cost`]).
    pub fn cost(&self) -> f64 {
        self.cost
    }

    /// Iterations (assignments of every row) run by the kept initialisation.
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// Whether the kept initialisation stopped because no row changed prototype (rather than
    /// at `max_iter`).
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// The nearest prototype of every row of `data` (the first on ties), computed as during
    /// the fit, so that predicting the training data gives back [`KPrototypes::labels`]. A
    /// category code not seen in training differs from every mode.
    pub fn predict(&self, data: &MixedData) -> Result<Vec<usize>> {
        self.prototypes.check_same_columns(data, "the new data")?;
        let work = Work::new(data, self.gamma);
        let protos = Protos::of(&self.prototypes);
        let mut labels = vec![usize::MAX; data.rows()];
        assign(&work, &protos, &mut labels, false);
        Ok(labels)
    }
}

/// The k-prototypes cost of a labelling: the sum over rows of the squared Euclidean distance
/// between the numeric part of the row and of its prototype (row `labels[i]` of `prototypes`),
/// plus `gamma` times the number of categorical columns where they differ. What
/// [`KPrototypes`] minimises and reports as [`KPrototypes::cost`]; `kmodes`' `cost_`.
/// Summed in the same groups of rows as the fit, so that it gives the fit's cost bit for bit.
pub fn kprototypes_cost(
    data: &MixedData,
    labels: &[usize],
    prototypes: &MixedData,
    gamma: f64,
) -> Result<f64> {
    if labels.len() != data.rows() {
        return Err(Error::LengthMismatch {
            what: "labels",
            rows: data.rows(),
            found: labels.len(),
        });
    }
    data.check_same_columns(prototypes, "the prototypes")?;
    if !(gamma.is_finite() && gamma >= 0.0) {
        return Err(Error::param(
            "gamma",
            gamma,
            "must be a finite number, at least 0",
        ));
    }
    if let Some((i, &l)) = labels
        .iter()
        .enumerate()
        .find(|&(_, &l)| l >= prototypes.rows())
    {
        return Err(Error::param(
            "labels",
            format!("{l} (row {i})"),
            format!(
                "must be below the number of prototypes, {}",
                prototypes.rows()
            ),
        ));
    }
    let work = Work::new(data, gamma);
    let protos = Protos::of(prototypes);
    Ok(total_cost(&work, &protos, labels))
}

/// The data the iterations work on.
struct Work<'a> {
    num: &'a [f64],
    cat: &'a [u32],
    n: usize,
    p: usize,
    q: usize,
    gamma: f64,
    /// Per categorical column, the largest code + 1.
    levels: Vec<usize>,
}

impl<'a> Work<'a> {
    fn new(data: &'a MixedData, gamma: f64) -> Self {
        let q = data.categorical_cols();
        let mut levels = vec![0usize; q];
        for row in data.categorical().chunks_exact(q.max(1)) {
            for (l, &c) in levels.iter_mut().zip(row) {
                *l = (*l).max(c as usize + 1);
            }
        }
        Work {
            num: data.numeric().as_slice(),
            cat: data.categorical(),
            n: data.rows(),
            p: data.numeric_cols(),
            q,
            gamma,
            levels,
        }
    }

    #[inline]
    fn num_row(&self, i: usize) -> &[f64] {
        &self.num[i * self.p..(i + 1) * self.p]
    }

    #[inline]
    fn cat_row(&self, i: usize) -> &[u32] {
        &self.cat[i * self.q..(i + 1) * self.q]
    }

    /// The cost of row `i` and prototype `j` of `protos`.
    #[inline]
    fn cost(&self, i: usize, protos: &Protos, j: usize) -> f64 {
        mixed_cost(
            self.num_row(i),
            self.cat_row(i),
            &protos.num[j * self.p..(j + 1) * self.p],
            &protos.cat[j * self.q..(j + 1) * self.q],
            self.gamma,
        )
    }

    /// The cost of rows `i` and `j` of the data.
    #[inline]
    fn row_cost(&self, i: usize, j: usize) -> f64 {
        mixed_cost(
            self.num_row(i),
            self.cat_row(i),
            self.num_row(j),
            self.cat_row(j),
            self.gamma,
        )
    }

    /// Index and cost of the prototype nearest to row `i` (the first on ties).
    #[inline]
    fn nearest(&self, i: usize, protos: &Protos) -> (usize, f64) {
        let mut best = (0, f64::INFINITY);
        for j in 0..protos.k {
            let c = self.cost(i, protos, j);
            if c < best.1 {
                best = (j, c);
            }
        }
        best
    }
}

/// `‖x − c‖² + gamma × #{columns where a ≠ b}`, as `kmodes`: the numeric sum and the number of
/// mismatches first, then `numeric + gamma × mismatches`.
#[inline]
pub(crate) fn mixed_cost(x: &[f64], a: &[u32], c: &[f64], b: &[u32], gamma: f64) -> f64 {
    let mismatches = a.iter().zip(b).filter(|(u, v)| u != v).count();
    squared_distance(x, c) + gamma * mismatches as f64
}

/// Prototypes during the fit: `k × p` numeric values and `k × q` codes, row-major.
#[derive(Clone)]
struct Protos {
    num: Vec<f64>,
    cat: Vec<u32>,
    k: usize,
}

impl Protos {
    /// The rows of `prototypes`.
    fn of(prototypes: &MixedData) -> Self {
        Protos {
            num: prototypes.numeric().as_slice().to_vec(),
            cat: prototypes.categorical().to_vec(),
            k: prototypes.rows(),
        }
    }
}

/// The outcome of one run (one initialisation).
struct Run {
    protos: Protos,
    labels: Vec<usize>,
    cost: f64,
    n_iter: usize,
    converged: bool,
}

/// What one assignment pass found: per-cluster numeric sums and sizes (when updating), rows
/// that changed label, and the total cost.
struct Pass {
    sums: Vec<f64>,
    sizes: Vec<usize>,
    changed: usize,
    cost: f64,
}

/// Assigns every row to its nearest prototype (writing `labels`); with `update`, also sums the
/// numeric values of each cluster. Groups of rows in parallel, added in group order.
fn assign(work: &Work, protos: &Protos, labels: &mut [usize], update: bool) -> Pass {
    let (p, k) = (work.p, protos.k);
    let zeros = |k: usize| Pass {
        sums: vec![0.0; if update { k * p } else { 0 }],
        sizes: vec![0; if update { k } else { 0 }],
        changed: 0,
        cost: 0.0,
    };
    let partials: Vec<Pass> = labels
        .par_chunks_mut(GROUP)
        .enumerate()
        .map(|(g, labels)| {
            let start = g * GROUP;
            let mut pass = zeros(k);
            for (r, label) in labels.iter_mut().enumerate() {
                let i = start + r;
                let (best, cost) = work.nearest(i, protos);
                if *label != best {
                    pass.changed += 1;
                    *label = best;
                }
                pass.cost += cost;
                if update {
                    pass.sizes[best] += 1;
                    let sums = &mut pass.sums[best * p..(best + 1) * p];
                    sums.iter_mut()
                        .zip(work.num_row(i))
                        .for_each(|(s, v)| *s += v);
                }
            }
            pass
        })
        .collect();
    let mut total = zeros(k);
    for part in &partials {
        total
            .sums
            .iter_mut()
            .zip(&part.sums)
            .for_each(|(a, b)| *a += b);
        total
            .sizes
            .iter_mut()
            .zip(&part.sizes)
            .for_each(|(a, b)| *a += b);
        total.changed += part.changed;
        total.cost += part.cost;
    }
    total
}

/// The cost of `labels` against `protos`, summed per group of rows in group order (as
/// [`assign`] does, so that both give the same total for the same labels).
fn total_cost(work: &Work, protos: &Protos, labels: &[usize]) -> f64 {
    sum_in_groups(labels, |i, l| work.cost(i, protos, l))
}

/// The next prototypes: means of the numeric columns and modes of the categorical columns of
/// each cluster's rows. An empty cluster takes the row farthest from its prototype (the first
/// such row, one row per empty cluster); when every row sits on its prototype it keeps its
/// prototype.
fn update(work: &Work, protos: &Protos, labels: &[usize], pass: &Pass) -> Protos {
    let (p, q) = (work.p, work.q);
    let k = pass.sizes.len();
    let mut next = protos.clone();
    for j in 0..k {
        if pass.sizes[j] > 0 {
            let inv = 1.0 / pass.sizes[j] as f64;
            for f in 0..p {
                next.num[j * p + f] = pass.sums[j * p + f] * inv;
            }
        }
    }
    // Modes, column by column in parallel: counts are integers, so the order does not matter.
    let modes: Vec<Vec<u32>> = (0..q)
        .into_par_iter()
        .map(|c| {
            let levels = work.levels[c];
            let mut counts = vec![0usize; k * levels];
            for (i, &l) in labels.iter().enumerate() {
                counts[l * levels + work.cat[i * q + c] as usize] += 1;
            }
            counts
                .chunks_exact(levels)
                .map(|counts| {
                    // The first (smallest) code among the most frequent ones.
                    let (code, _) = counts
                        .iter()
                        .enumerate()
                        .fold((0, 0), |b, (code, &n)| if n > b.1 { (code, n) } else { b });
                    code as u32
                })
                .collect()
        })
        .collect();
    for (c, modes) in modes.iter().enumerate() {
        for (j, &m) in modes.iter().enumerate() {
            if pass.sizes[j] > 0 {
                next.cat[j * q + c] = m;
            }
        }
    }
    let empty: Vec<usize> = (0..k).filter(|&j| pass.sizes[j] == 0).collect();
    if !empty.is_empty() {
        let dist: Vec<f64> = labels
            .par_iter()
            .enumerate()
            .map(|(i, &l)| work.cost(i, protos, l))
            .collect();
        let mut order: Vec<usize> = (0..work.n).filter(|&i| dist[i] > 0.0).collect();
        // Farthest first; ties by row order (a stable sort). `dist` holds no NaN.
        order.sort_by(|&a, &b| dist[b].total_cmp(&dist[a]));
        for (&j, &far) in empty.iter().zip(&order) {
            next.num[j * p..(j + 1) * p].copy_from_slice(work.num_row(far));
            next.cat[j * q..(j + 1) * q].copy_from_slice(work.cat_row(far));
        }
    }
    next
}

/// Batch k-prototypes from `protos` until no row changes prototype or `max_iter` assignments.
fn run(work: &Work, mut protos: Protos, max_iter: usize) -> Run {
    let mut labels = vec![usize::MAX; work.n];
    let mut n_iter = 0;
    let mut converged = None;
    for _ in 0..max_iter {
        n_iter += 1;
        let pass = assign(work, &protos, &mut labels, true);
        if pass.changed == 0 {
            converged = Some(pass.cost);
            break;
        }
        protos = update(work, &protos, &labels, &pass);
    }
    let cost = match converged {
        Some(cost) => cost,
        // Labels must match the final prototypes.
        None => assign(work, &protos, &mut labels, false).cost,
    };
    Run {
        protos,
        labels,
        cost,
        n_iter,
        converged: converged.is_some(),
    }
}

/// `k` initial prototypes chosen among the rows by greedy k-means++ on the mixed cost.
fn plus_plus(work: &Work, k: usize, rng: &mut ChaCha8Rng) -> Protos {
    let n = work.n;
    let trials = 2 + (k as f64).ln() as usize;
    let unit = vec![1.0; n];
    let mut chosen = vec![rng.random_range(0..n)];
    // closest[i]: cost from row i to its nearest chosen row.
    let mut closest = vec![0.0f64; n];
    let mut group_pot = costs_to(work, chosen[0], None, &mut closest);
    let mut current: f64 = group_pot.iter().sum();
    let mut scratch = vec![0.0f64; n];
    for _ in 1..k {
        let mut best: Option<(usize, f64)> = None;
        for _ in 0..trials {
            let target = rng.random::<f64>() * current;
            let candidate = search(&unit, &closest, &group_pot, target);
            let pot: f64 = costs_to(work, candidate, Some(&closest), &mut scratch)
                .iter()
                .sum();
            if best.is_none_or(|(_, b)| pot < b) {
                best = Some((candidate, pot));
            }
        }
        let (row, _) = best.unwrap_or((0, 0.0));
        chosen.push(row);
        scratch.copy_from_slice(&closest);
        group_pot = costs_to(work, row, Some(&scratch), &mut closest);
        current = group_pot.iter().sum();
    }
    let mut protos = Protos {
        num: Vec::with_capacity(k * work.p),
        cat: Vec::with_capacity(k * work.q),
        k,
    };
    for &r in &chosen {
        protos.num.extend_from_slice(work.num_row(r));
        protos.cat.extend_from_slice(work.cat_row(r));
    }
    protos
}

/// `out[i] = min(previous[i], cost(i, row))` (or the cost alone without `previous`) for every
/// row; returns the sum of `out` per group of rows.
fn costs_to(work: &Work, row: usize, previous: Option<&[f64]>, out: &mut [f64]) -> Vec<f64> {
    out.par_chunks_mut(GROUP)
        .enumerate()
        .map(|(g, out)| {
            let start = g * GROUP;
            let mut sum = 0.0;
            for (r, o) in out.iter_mut().enumerate() {
                let i = start + r;
                let c = work.row_cost(i, row);
                *o = previous.map_or(c, |p| p[i].min(c));
                sum += *o;
            }
            sum
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::one_and_two_threads;

    fn tiny() -> MixedData {
        MixedData::from_rows(
            &[[0.0], [1.0], [10.0], [11.0]],
            &[[0u32, 5], [0, 5], [1, 5], [1, 6]],
        )
        .unwrap()
    }

    #[test]
    fn every_validation_rule_has_its_message() {
        let data = tiny();
        let two = MixedData::from_rows(&[[0.0], [1.0]], &[[0u32, 0], [1, 1]]).unwrap();
        let wrong_cols = MixedData::from_rows(&[[0.0], [1.0]], &[[0u32], [1]]).unwrap();
        let cases: Vec<(KPrototypesParams, &str)> = vec![
            (
                KPrototypes::params(0),
                "invalid parameter `k` = 0: must be at least 1",
            ),
            (
                KPrototypes::params(2).gamma(-1.0),
                "invalid parameter `gamma` = -1: must be a finite number, at least 0",
            ),
            (
                KPrototypes::params(2).gamma(f64::INFINITY),
                "invalid parameter `gamma` = inf: must be a finite number, at least 0",
            ),
            (
                KPrototypes::params(2).n_init(0),
                "invalid parameter `n_init` = 0: must be at least 1",
            ),
            (
                KPrototypes::params(2).max_iter(0),
                "invalid parameter `max_iter` = 0: must be at least 1",
            ),
            (
                KPrototypes::params(3).init(PrototypeInit::Given(two.clone())),
                "invalid parameter `init` = 2 prototypes: must give one prototype per cluster, \
                 k = 3",
            ),
            (
                KPrototypes::params(2).init(PrototypeInit::Given(two)),
                "invalid parameter `n_init` = 10: must be 1 when the initial prototypes are given",
            ),
            (
                KPrototypes::params(2)
                    .n_init(1)
                    .init(PrototypeInit::Given(wrong_cols)),
                "the initial prototypes has 1 columns but 2 were expected",
            ),
            (
                KPrototypes::params(5),
                "k-prototypes with k = 5 needs at least 5 rows; the data has 4",
            ),
        ];
        for (params, message) in cases {
            assert_eq!(params.fit(&data).unwrap_err().to_string(), message);
        }
    }

    #[test]
    fn empty_data_is_an_error() {
        let data = MixedData::from_rows::<[f64; 1], [u32; 1]>(&[], &[]).unwrap();
        assert_eq!(
            KPrototypes::params(1).fit(&data).unwrap_err().to_string(),
            "the data is empty (0 rows × 0 columns); it needs at least one row and one column"
        );
    }

    #[test]
    fn predict_checks_columns() {
        let m = KPrototypes::params(2).fit(&tiny()).unwrap();
        let other = MixedData::from_rows(&[[0.0, 1.0]], &[[0u32, 5]]).unwrap();
        assert_eq!(
            m.predict(&other).unwrap_err().to_string(),
            "the new data has 2 columns but 1 were expected"
        );
    }

    #[test]
    fn cost_checks_its_inputs() {
        let data = tiny();
        let m = KPrototypes::params(2).fit(&data).unwrap();
        let cost = |labels: &[usize], gamma| {
            kprototypes_cost(&data, labels, m.prototypes(), gamma)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            cost(&[0, 0], 1.0),
            "labels has 2 entries but the data has 4 rows"
        );
        assert_eq!(
            cost(&[0, 0, 2, 0], 1.0),
            "invalid parameter `labels` = 2 (row 2): must be below the number of prototypes, 2"
        );
        assert_eq!(
            cost(&[0, 0, 1, 1], f64::NAN),
            "invalid parameter `gamma` = NaN: must be a finite number, at least 0"
        );
    }

    #[test]
    fn hand_checked_fit_cost_and_prototypes() {
        // gamma = 0.5 × std of [0, 1, 10, 11] = 0.5 × 5.024… ; the clusters {0, 1} and
        // {10, 11}: numeric means 0.5 and 10.5, modes (0, 5) and (1, 5) (a 5/6 tie goes to 5).
        // Cost: 4 × 0.25 numeric + gamma × 1 mismatch (row 3's second column).
        let data = tiny();
        let m = KPrototypes::params(2).seed(3).fit(&data).unwrap();
        let gamma = 0.5 * (25.25f64).sqrt();
        assert!((m.gamma() - gamma).abs() < 1e-15);
        assert_eq!(m.labels()[0], m.labels()[1]);
        assert_eq!(m.labels()[2], m.labels()[3]);
        let (a, b) = (m.labels()[0], m.labels()[2]);
        assert_ne!(a, b);
        assert_eq!(m.prototypes().numeric_row(a), &[0.5]);
        assert_eq!(m.prototypes().numeric_row(b), &[10.5]);
        assert_eq!(m.prototypes().categorical_row(a), &[0, 5]);
        assert_eq!(m.prototypes().categorical_row(b), &[1, 5]);
        assert!((m.cost() - (1.0 + gamma)).abs() < 1e-12, "{}", m.cost());
        assert!(m.converged());
        assert_eq!(
            kprototypes_cost(&data, m.labels(), m.prototypes(), m.gamma()).unwrap(),
            m.cost()
        );
    }

    #[test]
    fn k_equal_to_n_and_k_one() {
        let data = tiny();
        let m = KPrototypes::params(4).fit(&data).unwrap();
        let mut l = m.labels().to_vec();
        l.sort_unstable();
        assert_eq!(l, vec![0, 1, 2, 3]);
        assert_eq!(m.cost(), 0.0);
        let one = KPrototypes::params(1).gamma(2.0).fit(&data).unwrap();
        assert_eq!(one.labels(), &[0, 0, 0, 0]);
        assert_eq!(one.prototypes().numeric_row(0), &[5.5]);
        // Modes: 0 (0/1 tie), 5. Numeric: 30.25 + 20.25 + 20.25 + 30.25 = 101;
        // mismatches 2 + 1 = 3 at gamma 2.
        assert_eq!(one.prototypes().categorical_row(0), &[0, 5]);
        assert!((one.cost() - 107.0).abs() < 1e-12);
    }

    #[test]
    fn duplicated_rows_leave_clusters_empty_without_breaking() {
        let data =
            MixedData::from_rows(&[[1.0], [1.0], [1.0], [2.0]], &[[0u32], [0], [0], [1]]).unwrap();
        let m = KPrototypes::params(3).fit(&data).unwrap();
        assert_eq!(m.cost(), 0.0);
        assert_eq!(m.predict(&data).unwrap(), m.labels());
    }

    #[test]
    fn an_unseen_category_differs_from_every_mode() {
        let m = KPrototypes::params(2).gamma(100.0).fit(&tiny()).unwrap();
        // Numerically at 5.4 (nearer the first cluster); code 9 matches no mode in column 0,
        // and 5 matches both modes of column 1, so the numbers decide.
        let new = MixedData::from_rows(&[[5.4]], &[[9u32, 5]]).unwrap();
        assert_eq!(m.predict(&new).unwrap(), vec![m.labels()[0]]);
    }

    #[test]
    fn same_seed_same_result_with_one_and_two_threads() {
        // Enough rows for several groups of rows.
        let n = 3 * GROUP + 17;
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut num = Vec::with_capacity(n * 2);
        let mut cat = Vec::with_capacity(n);
        for i in 0..n {
            let c = (i % 3) as f64;
            num.push(c * 3.0 + rng.random::<f64>());
            num.push(rng.random::<f64>() * 2.0);
            cat.push(if rng.random::<f64>() < 0.8 {
                (i % 3) as u32
            } else {
                3
            });
        }
        let data = MixedData::new(Matrix::new(num, n, 2).unwrap(), cat, 1).unwrap();
        let (a, b) = one_and_two_threads(|| {
            KPrototypes::params(4)
                .n_init(2)
                .seed(11)
                .fit(&data)
                .unwrap()
        });
        assert_eq!(a, b);
    }

    #[test]
    fn params_and_model_round_trip_through_serde() {
        let p = KPrototypes::params(4).seed(7).gamma(0.25).n_init(3);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<KPrototypesParams>(&json).unwrap(), p);
        let minimal: KPrototypesParams = serde_json::from_str(r#"{"k": 4}"#).unwrap();
        assert_eq!(minimal, KPrototypes::params(4));
        let m = KPrototypes::params(2).fit(&tiny()).unwrap();
        let json = serde_json::to_string(&m).unwrap();
        let back: KPrototypes = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        assert_eq!(back.predict(&tiny()).unwrap(), m.labels());
    }
}
