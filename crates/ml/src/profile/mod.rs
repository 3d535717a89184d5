//! Segment profiles and personas: what sets each segment apart from the population, a name
//! for it, a few rules that reproduce it and what to do with it. Pure computation on columns
//! of values; the caller reads and writes the files.
//!
//! ```
//! use cible_ml::profile::{Lexicon, PersonaWords, ProfileData, ProfileParams, SegmentMembers};
//!
//! // Six accounts; the last three order often.
//! let mut data = ProfileData::new(6);
//! data.numeric("orders_12m", vec![1.0, 0.0, 2.0, 9.0, 8.0, 12.0])?;
//! data.categorical("region", ["Bretagne", "Bretagne", "Occitanie", "Bretagne", "Occitanie", "Occitanie"]
//!     .iter().map(|s| Some(s.to_string())).collect())?;
//! let segments = [SegmentMembers::new("0", vec![3, 4, 5]), SegmentMembers::new("1", vec![0, 1, 2])];
//! let mut lexicon = Lexicon::new();
//! lexicon.insert("orders_12m".into(), PersonaWords::new(Some("frequent"), Some("occasional")));
//!
//! let profiles = ProfileParams::default().min_leaf_share(0.0).profile(&data, &segments, &lexicon)?;
//! let frequent = &profiles.segments[0];
//! assert_eq!(frequent.generated_name, "Frequent accounts");
//! assert_eq!(profiles.segments[1].generated_name, "Occasional accounts");
//! assert_eq!(frequent.numeric[0].summary.median, Some(9.0));
//! let rule = &frequent.explanation.as_ref().unwrap().rules[0];
//! assert_eq!(rule.text, "orders_12m ≥ 6");
//! assert_eq!(rule.precision, 1.0);
//! # Ok::<(), cible_ml::Error>(())
//! ```
//!
//! # What is computed, per segment
//!
//! Segments are given as lists of rows; they may overlap and need not cover every row. "The
//! rest" of a segment is every row not in it.
//!
//! - **Size and share** of the population.
//! - **Numeric features**: count, missing, mean, sample standard deviation, min, quartiles
//!   (numpy's default linear interpolation, Hyndman and Fan's type 7), median, max, missing
//!   values (NaN) left out; and a histogram on bins shared with the population: the
//!   population's deciles, equal edges merged, so each bin holds about a tenth of the
//!   population and the segment's counts compare with that directly.
//! - **Standardized difference** (Cohen's d) of each feature between the segment and the rest:
//!   `d = (mean_segment − mean_rest) / s_pooled`, with
//!   `s_pooled = √(((n_s − 1)·s_s² + (n_r − 1)·s_r²) / (n_s + n_r − 2))` from the two sample
//!   variances. It is a difference of means in standard deviations, so features in days,
//!   currency and counts compare: 0.2 is small, 0.5 medium, 0.8 large (Cohen's rule of
//!   thumb). Features constant over the population have none; when both groups are constant
//!   but differ, the population's standard deviation stands in for `s_pooled`.
//! - **Distinguishing features**: the `top` features with the largest `|d|`, with their
//!   direction (higher or lower than the rest) and both means.
//! - **Categorical features**: the segment's mix against the population's: per value its
//!   count, share, the population's share and the lift (share / population share); missing
//!   values are the value `(missing)`; the `max_categories` most common values of the segment
//!   are kept, the others summed in `other_share`.
//! - **A generated name** from the phrases of the most distinguishing features with
//!   `|d| ≥ min_effect`: a [`Lexicon`] gives each feature optional words for high and low
//!   values ("frequent", "high-value", "low-engagement", "IT"); the first `name_phrases`
//!   phrases then "accounts" ("Frequent high-value accounts"). Features without words are
//!   passed over when some with words qualify, otherwise they speak as `high <feature>`.
//!   Names that collide take their segment's next phrase, then a number.
//! - **An explanation**: a CART [`DecisionTree`](crate::supervised::DecisionTree) of depth at
//!   most `max_depth` (default 3), one segment against the rest, balanced class weights,
//!   seeded, with leaves of at least `min_leaf_share` of the rows, on the segment's
//!   `tree_features` most distinguishing numeric features (missing values as the population's
//!   median; above `max_tree_rows` rows, trained on a seeded sample). Each leaf that
//!   predicts the segment is a [`Rule`]: the conditions of its path in the features' units
//!   (`orders_12m ≥ 6 AND monetary_12m > 48,200`), the rows it selects, its coverage (share
//!   of the segment's members it holds) and precision (share of its rows that are members).
//!   The tree's [`Fidelity`] — accuracy, precision, recall and F1 of "satisfies one of the
//!   rules" against membership on every row — says how far the rules can be trusted.
//!   Categorical features are not offered to the tree (flags are numbers, so `role_it = 1`
//!   works).
//! - **Suggested actions**: the heuristics below whose signals all hold, each signal being one
//!   of a few known features at least `min_effect` standard deviations above or below the
//!   rest. The first is the main suggestion; "keep in the regular marketing programme" when
//!   none applies.
//!
//! | action | when (every line holds; one feature per line is enough) | why |
//! |---|---|---|
//! | retention call by the account manager | high `monetary_prev_12m`/`monetary_36m`/`monetary_total`; high `recency_days`/`last_engagement_days` or low `orders_3m`/`orders_12m`/`monetary_12m` | they spent well but have gone quiet |
//! | sales follow-up within a week | high `intent_score`/`demo_requests_90d`/`pricing_views_30d`/`intent_signals_90d`; low `orders_total`/`orders_36m`/`monetary_36m` | prospects showing buying intent now |
//! | onboarding and growth plan with a dedicated contact | low `account_age_days`/`tenure_days`; high `trend_12m`/`orders_3m`/`orders_12m` | young accounts buying more and more |
//! | account plan with upsell and cross-sell by the account manager | high `monetary_12m`/`monetary_36m`/`monetary_total`; high `orders_3m`/`orders_12m`/`monetary_12m` | active, high-value customers |
//! | content nurture leading to a webinar or a demo | high `page_views_365d`/`downloads_365d`/`page_views_90d`/`downloads_90d`; low `webinar_attendances_365d`/`webinar_registrations_365d`/`demo_requests_90d` or low `orders_total`/`orders_36m`/`monetary_36m` | they read a lot but never meet you |
//! | win-back campaign with an offer | high `recency_days`/`last_engagement_days`; low `orders_3m`/`orders_12m`/`monetary_12m` | former buyers who stopped ordering |
//! | promotions and volume offers by e-mail | high `email_opens_365d`/`email_opens_90d`/`email_open_rate_365d`; low `basket_mean_36m`/`employees`/`monetary_36m` | small buyers who open e-mails |
//! | low-cost nurture e-mails | low `engagement_index`/`web_visits_90d`/`email_clicks_90d`; low `monetary_12m`/`monetary_36m`/`monetary_total` | little engagement and little value |
//!
//! Results depend only on the inputs and the parameters (the tree is seeded), not on the
//! number of threads; segments are profiled in parallel.
//!
//! # Tests
//!
//! Unit tests: quartiles against numpy's `quantile` on small cases, Cohen's d by hand (and its
//! sign, and the constant-group cases), decile histograms, condition texts for flags, whole and
//! real numbers, phrases and names (ranking, missing words, collisions), the heuristics table,
//! a planted threshold recovered by the explanation with fidelity 1, overlapping and partial
//! segments, a segment covering everything, categorical lifts by hand, the input checks. Not
//! covered: the explanation's rules are those of one tree, not the simplest possible ones;
//! there is no reference implementation to compare the whole profile with.

mod explain;
mod persona;
mod stats;

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Serialize;

pub use explain::{Comparison, Condition, Explanation, Fidelity, Rule, readable};
pub use persona::{Lexicon, PersonaWords, SuggestedAction};
pub use stats::{Summary, quantile_sorted};

use crate::error::{Error, Result, ValueProblem};
use explain::{TreeFeature, TreeSettings, ValueKind};
use stats::Moments;

/// The value name of missing categories.
pub const MISSING_CATEGORY: &str = "(missing)";

/// The columns to profile, one value per row: numbers (NaN is missing) and categories.
#[derive(Debug, Clone, Default)]
pub struct ProfileData {
    rows: usize,
    numeric: Vec<(String, Vec<f64>)>,
    categorical: Vec<(String, Vec<Option<String>>)>,
}

impl ProfileData {
    /// No columns yet, for `rows` rows.
    pub fn new(rows: usize) -> ProfileData {
        ProfileData {
            rows,
            ..ProfileData::default()
        }
    }

    /// Rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    fn check_column(&self, name: &str, len: usize) -> Result<()> {
        if self.numeric.iter().any(|(n, _)| n == name)
            || self.categorical.iter().any(|(n, _)| n == name)
        {
            return Err(Error::DuplicateColumn { name: name.into() });
        }
        if len != self.rows {
            return Err(Error::ColumnLength {
                name: name.into(),
                rows: self.rows,
                found: len,
            });
        }
        Ok(())
    }

    /// Adds a numeric column; NaN is a missing value, infinities are errors.
    pub fn numeric(&mut self, name: impl Into<String>, values: Vec<f64>) -> Result<&mut Self> {
        let name = name.into();
        self.check_column(&name, values.len())?;
        if let Some(row) = values.iter().position(|v| v.is_infinite()) {
            return Err(Error::BadValue {
                column: name,
                row,
                problem: ValueProblem::NotFinite(values[row]),
            });
        }
        self.numeric.push((name, values));
        Ok(self)
    }

    /// Adds a categorical column; `None` is a missing value.
    pub fn categorical(
        &mut self,
        name: impl Into<String>,
        values: Vec<Option<String>>,
    ) -> Result<&mut Self> {
        let name = name.into();
        self.check_column(&name, values.len())?;
        self.categorical.push((name, values));
        Ok(self)
    }
}

/// A segment to profile: its name and its rows (a row listed twice counts once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentMembers {
    /// The segment's name as its maker gave it (a cluster number, a rule's name).
    pub name: String,
    /// Zero-based rows of its members.
    pub members: Vec<usize>,
}

impl SegmentMembers {
    /// A segment of these rows.
    pub fn new(name: impl Into<String>, members: Vec<usize>) -> SegmentMembers {
        SegmentMembers {
            name: name.into(),
            members,
        }
    }
}

/// Profile parameters; [`ProfileParams::default`] then setters, then
/// [`profile`](ProfileParams::profile).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileParams {
    bins: usize,
    top: usize,
    min_effect: f64,
    name_phrases: usize,
    max_categories: usize,
    max_depth: usize,
    min_leaf_share: f64,
    tree_features: usize,
    max_tree_rows: usize,
    seed: u64,
}

impl Default for ProfileParams {
    fn default() -> Self {
        ProfileParams {
            bins: 10,
            top: 5,
            min_effect: 0.5,
            name_phrases: 2,
            max_categories: 10,
            max_depth: 3,
            min_leaf_share: 0.01,
            tree_features: 10,
            max_tree_rows: 20_000,
            seed: 0,
        }
    }
}

impl ProfileParams {
    /// Histogram bins (at the population's quantiles). Default: 10.
    pub fn bins(mut self, bins: usize) -> Self {
        self.bins = bins;
        self
    }

    /// Distinguishing features listed per segment. Default: 5.
    pub fn top(mut self, top: usize) -> Self {
        self.top = top;
        self
    }

    /// Smallest `|d|` that names a segment or triggers an action. Default: 0.5 (a medium
    /// effect).
    pub fn min_effect(mut self, d: f64) -> Self {
        self.min_effect = d;
        self
    }

    /// Phrases in a generated name before collisions add more. Default: 2.
    pub fn name_phrases(mut self, n: usize) -> Self {
        self.name_phrases = n;
        self
    }

    /// Values of a categorical feature kept per segment. Default: 10.
    pub fn max_categories(mut self, n: usize) -> Self {
        self.max_categories = n;
        self
    }

    /// Depth of the explaining tree. Default: 3.
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// Smallest leaf of the explaining tree, as a share of the rows it is trained on (at
    /// least one row). Default: 0.01.
    pub fn min_leaf_share(mut self, share: f64) -> Self {
        self.min_leaf_share = share;
        self
    }

    /// Most distinguishing numeric features offered to the tree. Default: 10.
    pub fn tree_features(mut self, n: usize) -> Self {
        self.tree_features = n;
        self
    }

    /// Above this many rows the tree trains on a seeded sample of them. Default: 20,000.
    pub fn max_tree_rows(mut self, n: usize) -> Self {
        self.max_tree_rows = n;
        self
    }

    /// Seed of the tree and of its sample. Default: 0.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Validates the parameters.
    pub fn check(&self) -> Result<&Self> {
        for (name, value) in [
            ("bins", self.bins),
            ("max_depth", self.max_depth),
            ("tree_features", self.tree_features),
            ("max_tree_rows", self.max_tree_rows),
        ] {
            if value < 1 {
                return Err(Error::param(name, value, "must be at least 1"));
            }
        }
        if self.max_depth > 6 {
            return Err(Error::param(
                "max_depth",
                self.max_depth,
                "must be at most 6 (deeper trees do not read as rules)",
            ));
        }
        if !(self.min_effect.is_finite() && self.min_effect >= 0.0) {
            return Err(Error::param(
                "min_effect",
                self.min_effect,
                "must be a finite number, at least 0",
            ));
        }
        if !(0.0..0.5).contains(&self.min_leaf_share) {
            return Err(Error::param(
                "min_leaf_share",
                self.min_leaf_share,
                "must be at least 0 and below 0.5",
            ));
        }
        Ok(self)
    }

    /// Profiles every segment of `segments` over `data`, naming them with `lexicon`.
    pub fn profile(
        &self,
        data: &ProfileData,
        segments: &[SegmentMembers],
        lexicon: &Lexicon,
    ) -> Result<Profiles> {
        self.check()?;
        let n = data.rows;
        for s in segments {
            if let Some(&row) = s.members.iter().find(|&&r| r >= n) {
                return Err(Error::SegmentRow {
                    segment: s.name.clone(),
                    row,
                    rows: n,
                });
            }
        }
        let population = population(data, self);
        let mut profiles: Vec<SegmentProfile> = segments
            .par_iter()
            .map(|s| self.profile_one(data, &population, s))
            .collect::<Result<_>>()?;
        let phrases: Vec<Vec<String>> = profiles
            .iter()
            .map(|p| persona::phrases(&p.ranked, lexicon, self.min_effect))
            .collect();
        let names = persona::names(&phrases, self.name_phrases);
        for ((p, name), phrases) in profiles.iter_mut().zip(names).zip(phrases) {
            p.generated_name = name;
            p.phrases = phrases;
        }
        Ok(Profiles {
            rows: n,
            population: population.public,
            segments: profiles,
        })
    }

    fn profile_one(
        &self,
        data: &ProfileData,
        population: &PopulationWork,
        segment: &SegmentMembers,
    ) -> Result<SegmentProfile> {
        let n = data.rows;
        let mut member = vec![false; n];
        segment.members.iter().for_each(|&r| member[r] = true);
        let rows: Vec<usize> = (0..n).filter(|&r| member[r]).collect();
        let size = rows.len();
        let mut numeric = Vec::with_capacity(data.numeric.len());
        for (j, (name, values)) in data.numeric.iter().enumerate() {
            let summary = Summary::of(rows.iter().map(|&r| values[r]));
            let reference = population.reference[j];
            let mut moments = Moments::default();
            for &r in &rows {
                if !values[r].is_nan() {
                    moments.add(values[r] - reference);
                }
            }
            let rest = population.moments[j].minus(&moments);
            let d = stats::cohens_d(&moments, &rest, population.sd[j]);
            numeric.push(NumericProfile {
                feature: name.clone(),
                histogram: stats::histogram(
                    &population.public.numeric[j].edges,
                    rows.iter().map(|&r| values[r]),
                ),
                rest_mean: (rest.n > 0.0).then(|| reference + rest.mean()),
                d,
                summary,
            });
        }
        let mut ranked: Vec<Distinction> = numeric
            .iter()
            .filter_map(|p| {
                let d = p.d?;
                Some(Distinction {
                    feature: p.feature.clone(),
                    d,
                    direction: if d >= 0.0 {
                        Direction::Higher
                    } else {
                        Direction::Lower
                    },
                    segment_mean: p.summary.mean?,
                    rest_mean: p.rest_mean?,
                })
            })
            .collect();
        // Largest effect first; ties in data order (a stable sort).
        ranked.sort_by(|a, b| b.d.abs().total_cmp(&a.d.abs()));
        let categorical = data
            .categorical
            .iter()
            .zip(&population.categories)
            .map(|((name, values), pop)| category_mix(name, values, &rows, pop, self))
            .collect();
        let tree_features: Vec<TreeFeature<'_>> = ranked
            .iter()
            .take(self.tree_features)
            .map(|dist| {
                let j = data
                    .numeric
                    .iter()
                    .position(|(name, _)| *name == dist.feature)
                    .unwrap_or_else(|| unreachable!("ranked features are data columns"));
                let values = &data.numeric[j].1;
                let fill = population.public.numeric[j].summary.median.unwrap_or(0.0);
                TreeFeature {
                    name: &data.numeric[j].0,
                    values: values
                        .iter()
                        .map(|&v| if v.is_nan() { fill } else { v })
                        .collect(),
                    kind: population.kinds[j],
                }
            })
            .collect();
        let training_rows = n.min(self.max_tree_rows);
        let explanation = explain::explain(
            &tree_features,
            &member,
            &TreeSettings {
                max_depth: self.max_depth,
                min_samples_leaf: (self.min_leaf_share * training_rows as f64).floor() as usize,
                max_rows: self.max_tree_rows,
                seed: self.seed,
            },
        )?;
        let effects: HashMap<&str, f64> =
            ranked.iter().map(|d| (d.feature.as_str(), d.d)).collect();
        let actions = persona::actions(&effects, self.min_effect);
        Ok(SegmentProfile {
            name: segment.name.clone(),
            generated_name: String::new(),
            phrases: Vec::new(),
            size,
            share: if n == 0 { 0.0 } else { size as f64 / n as f64 },
            distinguishing: ranked.iter().take(self.top).cloned().collect(),
            ranked,
            numeric,
            categorical,
            explanation,
            actions,
        })
    }
}

/// Every segment's profile and the population's figures they are compared with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profiles {
    /// Rows of the population.
    pub rows: usize,
    /// The population's figures.
    pub population: Population,
    /// One profile per segment, in the order given.
    pub segments: Vec<SegmentProfile>,
}

/// The population's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Population {
    /// One per numeric feature, in data order.
    pub numeric: Vec<PopulationNumeric>,
    /// One per categorical feature: every value with its count and share.
    pub categorical: Vec<CategoryMix>,
}

/// A numeric feature over the whole population.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PopulationNumeric {
    /// The feature.
    pub feature: String,
    /// Its statistics.
    pub summary: Summary,
    /// The histogram's bin edges, shared with every segment.
    pub edges: Vec<f64>,
    /// The population's counts in those bins.
    pub histogram: Vec<usize>,
}

/// A numeric feature over one segment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NumericProfile {
    /// The feature.
    pub feature: String,
    /// Its statistics over the segment.
    pub summary: Summary,
    /// Mean over the rest of the population.
    pub rest_mean: Option<f64>,
    /// Cohen's d of the segment against the rest.
    pub d: Option<f64>,
    /// The segment's counts in the population's bins.
    pub histogram: Vec<usize>,
}

/// Whether a segment is above or below the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Above the rest (`d ≥ 0`).
    Higher,
    /// Below the rest.
    Lower,
}

impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
        })
    }
}

/// A feature that sets a segment apart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distinction {
    /// The feature.
    pub feature: String,
    /// Cohen's d of the segment against the rest.
    pub d: f64,
    /// The sign of `d`.
    pub direction: Direction,
    /// The segment's mean.
    pub segment_mean: f64,
    /// The rest's mean.
    pub rest_mean: f64,
}

/// One value of a categorical feature in a segment against the population.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryShare {
    /// The value (`(missing)` for missing ones).
    pub value: String,
    /// Rows of the group with it.
    pub count: usize,
    /// Its share of the group.
    pub share: f64,
    /// Its share of the population.
    pub population_share: f64,
    /// `share / population_share`: above 1, over-represented in the group.
    pub lift: f64,
}

/// A categorical feature's mix in a group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryMix {
    /// The feature.
    pub feature: String,
    /// The most common values of the group, most common first.
    pub values: Vec<CategoryShare>,
    /// Share of the group's rows in the values left out.
    pub other_share: f64,
}

/// Everything known about one segment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentProfile {
    /// The name the segment was given.
    pub name: String,
    /// The generated name ("Frequent high-value accounts").
    pub generated_name: String,
    /// The phrases the name was drawn from, most distinguishing first.
    pub phrases: Vec<String>,
    /// Members.
    pub size: usize,
    /// Members over the population's rows.
    pub share: f64,
    /// The `top` features with the largest `|d|`.
    pub distinguishing: Vec<Distinction>,
    /// Every numeric feature, in data order.
    pub numeric: Vec<NumericProfile>,
    /// Every categorical feature, in data order.
    pub categorical: Vec<CategoryMix>,
    /// The rules that reproduce the segment; `None` when it is empty or holds every row.
    pub explanation: Option<Explanation>,
    /// Suggested actions, the main one first.
    pub actions: Vec<SuggestedAction>,
    #[serde(skip)]
    ranked: Vec<Distinction>,
}

/// The population's figures and what the segments need from them.
struct PopulationWork {
    public: Population,
    /// Each numeric feature's mean (0 without values): the reference of the moments.
    reference: Vec<f64>,
    moments: Vec<Moments>,
    /// Sample standard deviation (0 when undefined).
    sd: Vec<f64>,
    kinds: Vec<ValueKind>,
    /// Each categorical feature's counts by value.
    categories: Vec<BTreeMap<String, usize>>,
}

fn population(data: &ProfileData, params: &ProfileParams) -> PopulationWork {
    let mut numeric = Vec::new();
    let (mut reference, mut moments, mut sd, mut kinds) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (name, values) in &data.numeric {
        let summary = Summary::of(values.iter().copied());
        let mean = summary.mean.unwrap_or(0.0);
        let mut m = Moments::default();
        values
            .iter()
            .filter(|v| !v.is_nan())
            .for_each(|v| m.add(v - mean));
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
        sorted.sort_unstable_by(f64::total_cmp);
        let edges = stats::quantile_edges(&sorted, params.bins);
        numeric.push(PopulationNumeric {
            feature: name.clone(),
            histogram: stats::histogram(&edges, values.iter().copied()),
            edges,
            summary: summary.clone(),
        });
        reference.push(mean);
        moments.push(m);
        sd.push(summary.sd.unwrap_or(0.0));
        kinds.push(ValueKind::of(values));
    }
    let mut categorical = Vec::new();
    let mut categories = Vec::new();
    for (name, values) in &data.categorical {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for v in values {
            *counts
                .entry(v.clone().unwrap_or_else(|| MISSING_CATEGORY.into()))
                .or_default() += 1;
        }
        let n = values.len().max(1) as f64;
        let mut shares: Vec<CategoryShare> = counts
            .iter()
            .map(|(value, &count)| CategoryShare {
                value: value.clone(),
                count,
                share: count as f64 / n,
                population_share: count as f64 / n,
                lift: 1.0,
            })
            .collect();
        shares.sort_by_key(|s| std::cmp::Reverse(s.count));
        categorical.push(CategoryMix {
            feature: name.clone(),
            values: shares,
            other_share: 0.0,
        });
        categories.push(counts);
    }
    PopulationWork {
        public: Population {
            numeric,
            categorical,
        },
        reference,
        moments,
        sd,
        kinds,
        categories,
    }
}

fn category_mix(
    name: &str,
    values: &[Option<String>],
    rows: &[usize],
    population: &BTreeMap<String, usize>,
    params: &ProfileParams,
) -> CategoryMix {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for &r in rows {
        *counts
            .entry(values[r].as_deref().unwrap_or(MISSING_CATEGORY))
            .or_default() += 1;
    }
    let size = rows.len().max(1) as f64;
    let total = values.len().max(1) as f64;
    let mut shares: Vec<CategoryShare> = counts
        .into_iter()
        .map(|(value, count)| {
            let population_share = population.get(value).copied().unwrap_or(0) as f64 / total;
            let share = count as f64 / size;
            CategoryShare {
                value: value.to_string(),
                count,
                share,
                population_share,
                lift: share / population_share,
            }
        })
        .collect();
    // Most common first; equal counts by value (the map's order, kept by a stable sort).
    shares.sort_by_key(|s| std::cmp::Reverse(s.count));
    let other: usize = shares
        .iter()
        .skip(params.max_categories)
        .map(|s| s.count)
        .sum();
    shares.truncate(params.max_categories);
    CategoryMix {
        feature: name.to_string(),
        values: shares,
        other_share: if rows.is_empty() {
            0.0
        } else {
            other as f64 / size
        },
    }
}

#[cfg(test)]
mod tests;
