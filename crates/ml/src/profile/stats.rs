//! Descriptive statistics of one group of values, the standardized difference between two
//! groups, and histograms on shared bins.

use serde::Serialize;

/// Descriptive statistics of a numeric feature over a group of rows, missing values left out.
/// Every figure is `None` when the group has no value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Values present.
    pub count: usize,
    /// Values missing (NaN).
    pub missing: usize,
    /// Arithmetic mean.
    pub mean: Option<f64>,
    /// Sample standard deviation (divided by `count − 1`); `None` below two values.
    pub sd: Option<f64>,
    /// Smallest value.
    pub min: Option<f64>,
    /// First quartile (numpy's default linear interpolation).
    pub q1: Option<f64>,
    /// Median.
    pub median: Option<f64>,
    /// Third quartile.
    pub q3: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
}

impl Summary {
    /// The statistics of `values` (NaN is missing).
    pub(crate) fn of(values: impl Iterator<Item = f64>) -> Summary {
        let mut present = Vec::new();
        let mut missing = 0;
        for v in values {
            if v.is_nan() {
                missing += 1;
            } else {
                present.push(v);
            }
        }
        present.sort_unstable_by(f64::total_cmp);
        let n = present.len();
        let mean = (n > 0).then(|| present.iter().sum::<f64>() / n as f64);
        let sd = mean.filter(|_| n > 1).map(|m| {
            (present.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1) as f64).sqrt()
        });
        let q = |p: f64| quantile_sorted(&present, p);
        Summary {
            count: n,
            missing,
            mean,
            sd,
            min: present.first().copied(),
            q1: q(0.25),
            median: q(0.5),
            q3: q(0.75),
            max: present.last().copied(),
        }
    }
}

/// The `p`-quantile of sorted values by linear interpolation between the closest ranks
/// (numpy's default, Hyndman and Fan's type 7): with `h = (n − 1) · p`, the value at `⌊h⌋`
/// plus `h − ⌊h⌋` of the step to the next one. `None` for no values.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// Running sums of the deviations from a reference value, to get a group's mean and variance
/// and the rest's by subtraction without cancellation (the reference is the population mean).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Moments {
    pub(crate) n: f64,
    /// Σ (x − reference)
    pub(crate) s1: f64,
    /// Σ (x − reference)²
    pub(crate) s2: f64,
}

impl Moments {
    pub(crate) fn add(&mut self, deviation: f64) {
        self.n += 1.0;
        self.s1 += deviation;
        self.s2 += deviation * deviation;
    }

    pub(crate) fn minus(&self, other: &Moments) -> Moments {
        Moments {
            n: self.n - other.n,
            s1: self.s1 - other.s1,
            s2: self.s2 - other.s2,
        }
    }

    /// Mean deviation from the reference.
    pub(crate) fn mean(&self) -> f64 {
        self.s1 / self.n
    }

    /// Sum of squared deviations from the group's own mean.
    pub(crate) fn ss(&self) -> f64 {
        (self.s2 - self.s1 * self.s1 / self.n).max(0.0)
    }
}

/// Cohen's d of a group against the rest: `(mean_g − mean_r) / s_p`, with the pooled
/// standard deviation `s_p = √(((n_g − 1)·s_g² + (n_r − 1)·s_r²) / (n_g + n_r − 2))` of the
/// two sample variances. When both groups are constant but differ, `s_p` is 0 and the
/// population's sample standard deviation (`population_sd`) is used instead, so a feature
/// that separates them perfectly still gets a finite, large d. `None` when either group has
/// no value, when there are fewer than three values in all, or when the population has no
/// variance.
pub(crate) fn cohens_d(group: &Moments, rest: &Moments, population_sd: f64) -> Option<f64> {
    if group.n < 1.0 || rest.n < 1.0 || group.n + rest.n < 3.0 || population_sd <= 0.0 {
        return None;
    }
    let diff = group.mean() - rest.mean();
    let pooled = ((group.ss() + rest.ss()) / (group.n + rest.n - 2.0)).sqrt();
    // Relative to the population's spread, a pooled deviation this small is rounding.
    let sd = if pooled > population_sd * 1e-12 {
        pooled
    } else {
        population_sd
    };
    Some(diff / sd)
}

/// Bin edges at the deciles of the population's sorted values (`bins` equal-count bins),
/// equal edges merged, so a feature with many equal values gets fewer bins. Empty for no
/// values; a single edge for a constant feature.
pub(crate) fn quantile_edges(sorted: &[f64], bins: usize) -> Vec<f64> {
    let mut edges: Vec<f64> = (0..=bins)
        .filter_map(|i| quantile_sorted(sorted, i as f64 / bins as f64))
        .collect();
    edges.dedup();
    edges
}

/// Counts of `values` (NaN left out) in the bins between `edges`: `[e_i, e_{i+1})`, the last
/// bin closed; values outside the edges go to the nearest end bin. A single edge makes one
/// bin, no edge none.
pub(crate) fn histogram(edges: &[f64], values: impl Iterator<Item = f64>) -> Vec<usize> {
    let bins = edges
        .len()
        .saturating_sub(1)
        .max(usize::from(!edges.is_empty()));
    let mut counts = vec![0; bins];
    if bins == 0 {
        return counts;
    }
    for v in values.filter(|v| !v.is_nan()) {
        // Edges are few (at most bins + 1): the first edge above v, less one.
        let above = edges.partition_point(|&e| e <= v);
        counts[above.saturating_sub(1).min(bins - 1)] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn quartiles_are_numpys_linear_interpolation() {
        // numpy.quantile([1, 2, 4, 7, 11], [0.25, 0.5, 0.75]) = [2, 4, 7];
        // numpy.quantile([1, 2, 4, 7], [0.25, 0.5, 0.75, 0.1]) = [1.75, 3, 4.75, 1.3].
        let s = Summary::of([4.0, 1.0, f64::NAN, 11.0, 7.0, 2.0].into_iter());
        assert_eq!((s.count, s.missing), (5, 1));
        assert_eq!((s.q1, s.median, s.q3), (Some(2.0), Some(4.0), Some(7.0)));
        assert_eq!((s.min, s.max, s.mean), (Some(1.0), Some(11.0), Some(5.0)));
        // Sample variance: (16 + 9 + 1 + 4 + 36) / 4 = 16.5.
        assert!(close(s.sd.unwrap(), 16.5f64.sqrt()));
        let four = [1.0, 2.0, 4.0, 7.0];
        assert_eq!(quantile_sorted(&four, 0.25), Some(1.75));
        assert_eq!(quantile_sorted(&four, 0.5), Some(3.0));
        assert_eq!(quantile_sorted(&four, 0.75), Some(4.75));
        assert!(close(quantile_sorted(&four, 0.1).unwrap(), 1.3));
        assert_eq!(quantile_sorted(&[], 0.5), None);
        let empty = Summary::of([f64::NAN].into_iter());
        assert_eq!((empty.count, empty.missing, empty.mean), (0, 1, None));
    }

    #[test]
    fn cohens_d_by_hand() {
        // Group [2, 4, 6]: mean 4, ss 8. Rest [1, 1, 2, 4]: mean 2, ss 6.
        // Pooled sd = √((8 + 6) / 5) = √2.8; d = 2 / √2.8 = 1.1952286093343936.
        let population = [2.0, 4.0, 6.0, 1.0, 1.0, 2.0, 4.0];
        let reference = population.iter().sum::<f64>() / 7.0;
        let (mut g, mut all) = (Moments::default(), Moments::default());
        for (i, v) in population.iter().enumerate() {
            all.add(v - reference);
            if i < 3 {
                g.add(v - reference);
            }
        }
        let d = cohens_d(&g, &all.minus(&g), 1.0).unwrap();
        assert!(close(d, 2.0 / 2.8f64.sqrt()), "{d}");
        assert!(close(d, 1.195_228_609_334_393_6));
        // The other way round, the sign flips.
        let back = cohens_d(&all.minus(&g), &g, 1.0).unwrap();
        assert!(close(back, -d));
        // No variance in the population: undefined; constant groups that differ: the
        // population's spread.
        assert_eq!(cohens_d(&g, &all.minus(&g), 0.0), None);
        let (mut a, mut b) = (Moments::default(), Moments::default());
        a.add(1.0);
        a.add(1.0);
        b.add(0.0);
        assert_eq!(cohens_d(&a, &b, 0.5), Some(2.0));
        assert_eq!(cohens_d(&a, &Moments::default(), 0.5), None);
    }

    #[test]
    fn histograms_share_the_populations_decile_bins() {
        let sorted: Vec<f64> = (0..=10).map(f64::from).collect();
        let edges = quantile_edges(&sorted, 10);
        assert_eq!(edges, sorted);
        let counts = histogram(&edges, [0.0, 0.5, 9.5, 10.0, 12.0, f64::NAN].into_iter());
        assert_eq!(counts.len(), 10);
        assert_eq!((counts[0], counts[9]), (2, 3));
        // Many zeros: equal edges merge.
        let zeros = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile_edges(&zeros, 10), [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(quantile_edges(&[3.0, 3.0], 10), [3.0]);
        assert_eq!(histogram(&[3.0], [3.0, 3.0].into_iter()), [2]);
        assert!(histogram(&[], [1.0].into_iter()).is_empty());
    }
}
