//! The gap statistic (Tibshirani, Walther & Hastie 2001): how much tighter k clusters are on
//! the data than on data without clusters. For each k,
//!
//! ```text
//! Gap(k) = mean_b log(W*_kb) − log(W_k)        s_k = sd_b(log W*_kb) · √(1 + 1/B)
//! ```
//!
//! where `W_k` is the within-cluster dispersion of k-means on the data (its inertia: the
//! paper's `Σ_r D_r / 2n_r` for squared Euclidean distances) and `W*_kb` the same on `B`
//! reference data sets drawn uniformly over the data's bounding box (the paper's first method)
//! or over the box of its principal components (the second one, which follows the data's
//! shape). `sd_b` divides by `B`, as in the paper. The chosen k is the smallest with
//! `Gap(k) ≥ Gap(k+1) − s_{k+1}`.
//!
//! Reference sets may have fewer rows than the data (`m < n`) to bound the cost on large data.
//! Inertia is a sum over rows, so the comparison is made per row: each `W*_kb` is scaled by
//! `n / m`. That alone is not enough, because k-means fits its centroids to the very rows it
//! is scored on: the in-sample dispersion per row falls as the set shrinks, by more for larger
//! k (on 16 uniform columns, `m = 5 000` against `m = 100 000`: −0.002 in log at k = 2,
//! −0.007 at k = 6, −0.019 at k = 15), which would tilt the gap towards small k by about the
//! size of `s_k`. So each reference fit is also scored on a fresh set of `m` rows from the same
//! distribution, assigned to the fitted centroids: that dispersion errs the other way (the
//! centroids are not fitted to those rows). To first order both errors are `±a/m`, and the
//! in-sample dispersion of `n` rows, which the paper's references of `n` rows would give, is
//! `log W_in + w · (log W_out − log W_in)` with `w = (1 − m/n) / 2` ([`scaled_log_dispersion`]):
//! the in-sample value itself when `m = n`, halfway between both for `n ≫ m`. On the same
//! uniform data this leaves −0.003 at k = 15 for `m = 5 000` and less than the Monte Carlo
//! noise below k = 10.

use std::fmt;
use std::str::FromStr;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::matrix::{Float, Matrix};
use crate::pca::{NComponents, Pca, PcaModel};

/// Where the gap statistic's reference data are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GapReference {
    /// Uniformly over the range of every column (`box`): simple, and the paper's first method.
    #[default]
    BoundingBox,
    /// Uniformly over the box of the data's principal components, mapped back to the columns
    /// (`pca`): the reference follows the data's orientation, so elongated or correlated data
    /// are not mistaken for clusters (the paper's second method).
    PrincipalComponents,
}

impl fmt::Display for GapReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GapReference::BoundingBox => "box",
            GapReference::PrincipalComponents => "pca",
        })
    }
}

impl FromStr for GapReference {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "box" => Ok(GapReference::BoundingBox),
            "pca" => Ok(GapReference::PrincipalComponents),
            _ => Err(Error::param(
                "gap_reference",
                format!("\"{s}\""),
                "must be one of: box, pca",
            )),
        }
    }
}

/// Where and how many reference rows are drawn: a box, in the columns or in the principal
/// components' coordinates.
pub(crate) struct References {
    lo: Vec<f64>,
    hi: Vec<f64>,
    /// Maps drawn scores back to the columns when the box is the principal components'.
    pca: Option<PcaModel>,
    rows: usize,
    seed: u64,
}

impl References {
    /// References of `rows` rows over the box `reference` names, seeded by `seed`. `None`
    /// when every column of `x` is constant: there is nothing to draw.
    pub(crate) fn new<F: Float>(
        x: &Matrix<F>,
        reference: GapReference,
        rows: usize,
        seed: u64,
    ) -> Result<Option<References>> {
        if x.column_variances().iter().all(|&v| v == 0.0) {
            return Ok(None);
        }
        let (pca, (lo, hi)) = match reference {
            GapReference::BoundingBox => (None, bounds(x)),
            GapReference::PrincipalComponents => {
                let (pca, scores) = Pca::params(NComponents::All).fit_transform(x)?;
                (Some(pca), bounds(&scores))
            }
        };
        Ok(Some(References {
            lo,
            hi,
            pca,
            rows,
            seed,
        }))
    }

    /// Reference set `b`, from its own ChaCha8 stream of the seed (stream `b + 1`; k-means
    /// draws use stream 0): the same set every time it is asked for, whatever the thread
    /// count, so that sets need not be kept.
    pub(crate) fn draw<F: Float>(&self, b: usize) -> Result<Matrix<F>> {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(b as u64 + 1);
        let mut data = Vec::with_capacity(self.rows * self.lo.len());
        for _ in 0..self.rows {
            for (l, h) in self.lo.iter().zip(&self.hi) {
                data.push(F::from_f64(l + (h - l) * rng.random::<f64>()));
            }
        }
        let drawn = Matrix::from_parts_unchecked(data, self.rows, self.lo.len());
        match &self.pca {
            None => Ok(drawn),
            Some(pca) => pca.inverse_transform(&drawn),
        }
    }
}

/// The smallest and largest value of every column.
fn bounds<F: Float>(x: &Matrix<F>) -> (Vec<f64>, Vec<f64>) {
    let mut lo = vec![f64::INFINITY; x.cols()];
    let mut hi = vec![f64::NEG_INFINITY; x.cols()];
    for row in x.iter_rows() {
        for ((l, h), v) in lo.iter_mut().zip(hi.iter_mut()).zip(row) {
            *l = l.min(v.to_f64());
            *h = h.max(v.to_f64());
        }
    }
    (lo, hi)
}

/// `log W*` of one reference set on the data's scale (see the module docs): `fitted` is the
/// inertia of k-means on a reference set of `rows` rows, `held_out` the inertia of a fresh set
/// of as many rows assigned to those centroids (`None` when `rows` is the data's number of
/// rows, where it has no weight), `data_rows` the data's number of rows.
pub(crate) fn scaled_log_dispersion(
    fitted: f64,
    held_out: Option<f64>,
    rows: usize,
    data_rows: usize,
) -> f64 {
    let to_data_rows = (data_rows as f64 / rows as f64).ln();
    let w = 0.5 * (1.0 - rows as f64 / data_rows as f64);
    let correction = match held_out {
        Some(out) if w > 0.0 => w * (out.ln() - fitted.ln()),
        _ => 0.0,
    };
    fitted.ln() + to_data_rows + correction
}

/// The gap statistic of one k.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Gap {
    /// `mean_b log W*_kb`.
    pub(crate) reference: f64,
    /// `Gap(k)`.
    pub(crate) gap: f64,
    /// `s_k`.
    pub(crate) error: f64,
}

impl Gap {
    /// From `log W_k` and the `log W*_kb` of the reference sets; `None` when a dispersion is
    /// zero (fewer distinct rows than k), where the logarithm is undefined.
    pub(crate) fn new(log_w: f64, reference_log_w: &[f64]) -> Option<Gap> {
        if !log_w.is_finite() || reference_log_w.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let b = reference_log_w.len() as f64;
        let reference = reference_log_w.iter().sum::<f64>() / b;
        let variance = reference_log_w
            .iter()
            .map(|v| (v - reference) * (v - reference))
            .sum::<f64>()
            / b;
        Some(Gap {
            reference,
            gap: reference - log_w,
            error: variance.sqrt() * (1.0 + 1.0 / b).sqrt(),
        })
    }
}

/// The smallest k with `Gap(k) ≥ Gap(k+1) − s_{k+1}`, given `(k, Gap(k), s_k)` in increasing,
/// consecutive k; pairs where either gap is undefined are skipped. The last k is never chosen
/// (its successor is unknown): `None` when no k qualifies.
pub(crate) fn choose_k(gaps: &[(usize, Option<Gap>)]) -> Option<usize> {
    gaps.windows(2).find_map(|w| match (w[0].1, w[1].1) {
        (Some(g), Some(next)) if g.gap >= next.gap - next.error => Some(w[0].0),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gap_and_error_by_hand() {
        // References 1, 2, 3: mean 2, variance (1 + 0 + 1) / 3 = 2/3, s = √(2/3 · 4/3) = √8 / 3.
        let g = Gap::new(0.5, &[1.0, 2.0, 3.0]).unwrap();
        assert_eq!(g.reference, 2.0);
        assert_eq!(g.gap, 1.5);
        assert!((g.error - 8f64.sqrt() / 3.0).abs() < 1e-15);
        assert_eq!(Gap::new(f64::NEG_INFINITY, &[1.0, 2.0]), None);
        assert_eq!(Gap::new(0.0, &[1.0, f64::NEG_INFINITY]), None);
    }

    #[test]
    fn subsampled_dispersion_by_hand() {
        // Same rows as the data: the in-sample dispersion, whatever a held-out set gives.
        assert_eq!(scaled_log_dispersion(8.0, Some(99.0), 100, 100), 8f64.ln());
        assert_eq!(scaled_log_dispersion(8.0, None, 100, 100), 8f64.ln());
        // A quarter of the rows: ×4, and (1 − 1/4) / 2 = 3/8 of the way to the held-out set's.
        let v = scaled_log_dispersion(8.0, Some(10.0), 25, 100);
        let expected = 32f64.ln() + 0.375 * (10f64 / 8.0).ln();
        assert!((v - expected).abs() < 1e-15, "{v} {expected}");
        // A dispersion of zero stays undefined.
        assert_eq!(scaled_log_dispersion(0.0, None, 10, 10), f64::NEG_INFINITY);
        assert!(!scaled_log_dispersion(0.0, Some(0.0), 5, 10).is_finite());
    }

    #[test]
    fn choice_is_the_first_k_within_one_error_of_the_next() {
        let g = |gap, error| {
            Some(Gap {
                reference: 0.0,
                gap,
                error,
            })
        };
        // 0.2 < 0.9 − 0.1; 0.9 ≥ 1.0 − 0.15: k = 3.
        let gaps = [(2, g(0.2, 0.1)), (3, g(0.9, 0.1)), (4, g(1.0, 0.15))];
        assert_eq!(choose_k(&gaps), Some(3));
        // Exactly at the bound counts.
        let gaps = [(2, g(0.5, 0.1)), (3, g(0.75, 0.25))];
        assert_eq!(choose_k(&gaps), Some(2));
        // Still rising at the end of the range: none.
        let gaps = [(2, g(0.1, 0.01)), (3, g(0.5, 0.01)), (4, g(0.9, 0.01))];
        assert_eq!(choose_k(&gaps), None);
        // An undefined gap breaks the chain around it.
        let gaps = [
            (2, g(0.1, 0.01)),
            (3, None),
            (4, g(0.9, 0.01)),
            (5, g(0.8, 0.01)),
        ];
        assert_eq!(choose_k(&gaps), Some(4));
    }

    #[test]
    fn references_lie_in_the_box_and_fill_it() {
        let x = Matrix::from_rows(&[[0.0, 10.0, 5.0], [2.0, 30.0, 5.0], [1.0, 20.0, 5.0]]).unwrap();
        let references = References::new(&x, GapReference::BoundingBox, 2_000, 7)
            .unwrap()
            .unwrap();
        let sets: Vec<Matrix<f64>> = (0..3).map(|b| references.draw(b).unwrap()).collect();
        assert_ne!(sets[0], sets[1]);
        assert_eq!(references.draw::<f64>(1).unwrap(), sets[1]);
        for s in &sets {
            assert_eq!((s.rows(), s.cols()), (2_000, 3));
            let (lo, hi) = bounds(s);
            assert!(lo[0] >= 0.0 && hi[0] <= 2.0 && lo[0] < 0.01 && hi[0] > 1.99);
            assert!(lo[1] >= 10.0 && hi[1] <= 30.0 && lo[1] < 10.1 && hi[1] > 29.9);
            assert_eq!((lo[2], hi[2]), (5.0, 5.0));
        }
        let constant = Matrix::from_rows(&[[1.0, 2.0], [1.0, 2.0]]).unwrap();
        assert!(
            References::new(&constant, GapReference::BoundingBox, 5, 0)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn principal_component_references_follow_the_data() {
        // Points on the diagonal y = x: their principal box is a segment of that line, so the
        // references lie on it too, where the bounding box would fill the square.
        let rows: Vec<[f64; 2]> = (0..50).map(|i| [i as f64, i as f64]).collect();
        let x = Matrix::from_rows(&rows).unwrap();
        let references = References::new(&x, GapReference::PrincipalComponents, 500, 3)
            .unwrap()
            .unwrap();
        for b in 0..2 {
            let s: Matrix<f64> = references.draw(b).unwrap();
            assert_eq!(s.rows(), 500);
            for r in s.iter_rows() {
                assert!((r[0] - r[1]).abs() < 1e-9, "{r:?}");
                assert!((-1e-9..=49.0 + 1e-9).contains(&r[0]), "{r:?}");
            }
        }
    }

    #[test]
    fn reference_parses_and_prints() {
        for r in [GapReference::BoundingBox, GapReference::PrincipalComponents] {
            assert_eq!(r.to_string().parse::<GapReference>().unwrap(), r);
        }
        assert_eq!(
            "sphere".parse::<GapReference>().unwrap_err().to_string(),
            "invalid parameter `gap_reference` = \"sphere\": must be one of: box, pca"
        );
    }
}
