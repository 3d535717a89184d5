//! Feature scaling: z-score, min–max and robust (median / interquartile range), equal to
//! scikit-learn's `StandardScaler`, `MinMaxScaler` and `RobustScaler`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::matrix::{Float, Matrix};

/// How to scale each column before clustering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scaling {
    /// Leave values as they are.
    #[default]
    None,
    /// `(x − mean) / standard deviation` (population standard deviation, as scikit-learn's
    /// `StandardScaler`).
    ZScore,
    /// `(x − min) / (max − min)`, into [0, 1] (`MinMaxScaler`).
    MinMax,
    /// `(x − median) / (75th − 25th percentile)`, insensitive to outliers (`RobustScaler`).
    Robust,
}

impl fmt::Display for Scaling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scaling::None => "none",
            Scaling::ZScore => "zscore",
            Scaling::MinMax => "minmax",
            Scaling::Robust => "robust",
        })
    }
}

impl FromStr for Scaling {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "none" => Ok(Scaling::None),
            "zscore" => Ok(Scaling::ZScore),
            "minmax" => Ok(Scaling::MinMax),
            "robust" => Ok(Scaling::Robust),
            _ => Err(Error::param(
                "scale",
                format!("\"{s}\""),
                "must be one of: none, zscore, minmax, robust",
            )),
        }
    }
}

/// A fitted scaling: `transform(x) = (x − center) / scale`, column by column.
///
/// Constant columns (zero spread, or a spread at rounding-error level) get scale 1, as in
/// scikit-learn, so they become constant (0 for z-score and min–max) instead of NaN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scaler {
    method: Scaling,
    center: Vec<f64>,
    scale: Vec<f64>,
    constant: Vec<usize>,
}

impl Scaler {
    /// Learns the centre and scale of every column of `x` (which needs at least one row).
    pub fn fit<F: Float>(x: &Matrix<F>, method: Scaling) -> Result<Scaler> {
        x.check_not_empty("the data")?;
        let (n, d) = (x.rows(), x.cols());
        let column = |j: usize| -> Vec<f64> { x.iter_rows().map(|r| r[j].to_f64()).collect() };
        let eps = f64::EPSILON;
        let mut center = vec![0.0; d];
        let mut scale = vec![1.0; d];
        let mut constant = Vec::new();
        for j in 0..d {
            let (c, s, is_constant) = match method {
                Scaling::None => (0.0, 1.0, false),
                Scaling::ZScore => {
                    let values = column(j);
                    let mean = values.iter().sum::<f64>() / n as f64;
                    let var =
                        values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n as f64;
                    let nf = n as f64;
                    // scikit-learn's test for a constant feature, robust to rounding in `var`.
                    let bound = nf * eps * var + (nf * mean * eps) * (nf * mean * eps);
                    (mean, var.sqrt(), var <= bound)
                }
                Scaling::MinMax => {
                    let values = column(j);
                    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    (lo, hi - lo, hi - lo < 10.0 * eps)
                }
                Scaling::Robust => {
                    let mut values = column(j);
                    values.sort_by(f64::total_cmp);
                    let q1 = percentile(&values, 25.0);
                    let q3 = percentile(&values, 75.0);
                    (percentile(&values, 50.0), q3 - q1, q3 - q1 < 10.0 * eps)
                }
            };
            center[j] = c;
            if is_constant {
                constant.push(j);
            } else {
                scale[j] = s;
            }
        }
        Ok(Scaler {
            method,
            center,
            scale,
            constant,
        })
    }

    /// Fits on `x` and returns `x` scaled.
    pub fn fit_transform<F: Float>(x: &Matrix<F>, method: Scaling) -> Result<(Scaler, Matrix<F>)> {
        let scaler = Scaler::fit(x, method)?;
        let scaled = scaler.transform(x)?;
        Ok((scaler, scaled))
    }

    /// The scaling method.
    pub fn method(&self) -> Scaling {
        self.method
    }

    /// What is subtracted from each column (mean, minimum or median).
    pub fn center(&self) -> &[f64] {
        &self.center
    }

    /// What each column is then divided by (1 for constant columns).
    pub fn scale(&self) -> &[f64] {
        &self.scale
    }

    /// Columns found constant, left unscaled.
    pub fn constant_columns(&self) -> &[usize] {
        &self.constant
    }

    /// `(x − center) / scale`, in `f64`, rounded to `F`.
    pub fn transform<F: Float>(&self, x: &Matrix<F>) -> Result<Matrix<F>> {
        self.apply(x, |v, c, s| (v - c) / s)
    }

    /// `x × scale + center`: back to the original units.
    pub fn inverse_transform<F: Float>(&self, x: &Matrix<F>) -> Result<Matrix<F>> {
        self.apply(x, |v, c, s| v * s + c)
    }

    fn apply<F: Float>(
        &self,
        x: &Matrix<F>,
        f: impl Fn(f64, f64, f64) -> f64,
    ) -> Result<Matrix<F>> {
        if x.cols() != self.center.len() {
            return Err(Error::ColumnMismatch {
                what: "the data to scale",
                expected: self.center.len(),
                found: x.cols(),
            });
        }
        let data = x
            .iter_rows()
            .flat_map(|row| {
                row.iter()
                    .zip(self.center.iter().zip(&self.scale))
                    .map(|(v, (&c, &s))| F::from_f64(f(v.to_f64(), c, s)))
            })
            .collect();
        // Scaling finite values by finite, non-zero factors can still overflow `F`.
        Matrix::new(data, x.rows(), x.cols())
    }
}

/// The `q`-th percentile of sorted `values` with linear interpolation (numpy's default).
pub(crate) fn percentile(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    let position = q / 100.0 * (n - 1) as f64;
    let lo = position.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let t = position - lo as f64;
    let (a, b) = (sorted[lo], sorted[hi]);
    // numpy's `_lerp`, which interpolates from the nearer end.
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x() -> Matrix<f64> {
        Matrix::from_rows(&[
            [1.0, 5.0, 0.0],
            [2.0, 5.0, 10.0],
            [3.0, 5.0, 20.0],
            [10.0, 5.0, 30.0],
        ])
        .unwrap()
    }

    #[test]
    fn zscore_minmax_robust() {
        let (s, t) = Scaler::fit_transform(&x(), Scaling::ZScore).unwrap();
        assert_eq!(s.center()[0], 4.0);
        assert!((s.scale()[0] - 12.5f64.sqrt()).abs() < 1e-15);
        assert_eq!(s.constant_columns(), &[1]);
        assert_eq!(t.get(0, 1), 0.0);
        let (_, t) = Scaler::fit_transform(&x(), Scaling::MinMax).unwrap();
        assert_eq!(t.row(3), &[1.0, 0.0, 1.0]);
        let (s, _) = Scaler::fit_transform(&x(), Scaling::Robust).unwrap();
        // Column 0 sorted: 1 2 3 10; median 2.5, q1 = 1.75, q3 = 4.75.
        assert_eq!((s.center()[0], s.scale()[0]), (2.5, 3.0));
        let (s, t) = Scaler::fit_transform(&x(), Scaling::None).unwrap();
        assert_eq!(t, x());
        assert!(s.constant_columns().is_empty());
    }

    #[test]
    fn inverse_transform_round_trips() {
        for method in [Scaling::ZScore, Scaling::MinMax, Scaling::Robust] {
            let (s, t) = Scaler::fit_transform(&x(), method).unwrap();
            let back = s.inverse_transform(&t).unwrap();
            for (a, b) in back.as_slice().iter().zip(x().as_slice()) {
                assert!((a - b).abs() < 1e-12, "{method}");
            }
        }
    }

    #[test]
    fn parses_and_checks() {
        for m in [
            Scaling::None,
            Scaling::ZScore,
            Scaling::MinMax,
            Scaling::Robust,
        ] {
            assert_eq!(m.to_string().parse::<Scaling>().unwrap(), m);
        }
        assert_eq!(
            "standard".parse::<Scaling>().unwrap_err().to_string(),
            "invalid parameter `scale` = \"standard\": must be one of: none, zscore, minmax, robust"
        );
        let s = Scaler::fit(&x(), Scaling::ZScore).unwrap();
        let wrong = Matrix::new(vec![1.0f64], 1, 1).unwrap();
        assert_eq!(
            s.transform(&wrong).unwrap_err().to_string(),
            "the data to scale has 1 columns but 3 were expected"
        );
    }
}
