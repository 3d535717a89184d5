//! Outlier fences: the range of ordinary values of a column, by the interquartile range
//! (Tukey), the z-score or the median absolute deviation (Iglewicz and Hoaglin's modified
//! z-score), optionally on a logarithmic scale for skewed amounts.
//!
//! A value is an outlier when it lies strictly outside its fences, so capping it at the
//! nearer fence makes it ordinary.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::scale::percentile;

/// 1 / Φ⁻¹(3/4): the MAD of a normal sample times this is its standard deviation (scipy's
/// `median_abs_deviation(scale="normal")`).
pub const MAD_TO_SIGMA: f64 = 1.482_602_218_505_602;

/// √(π/2): the mean absolute deviation of a normal sample times this is its standard deviation.
const MEAN_AD_TO_SIGMA: f64 = 1.253_314_137_315_500_3;

/// How the range of ordinary values is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutlierMethod {
    /// Tukey's fences: below Q1 − t·IQR or above Q3 + t·IQR (quartiles interpolated linearly,
    /// as numpy's `percentile`). Default t: 1.5.
    Iqr,
    /// Farther than t population standard deviations from the mean (scipy's `zscore`).
    /// Default t: 3. The mean and deviation are pulled by the outliers themselves; prefer
    /// `mad` on dirty data.
    ZScore,
    /// Farther than t·1.4826·MAD from the median: a modified z-score above t. Default t: 3.5.
    /// When more than half the values are equal (MAD = 0), the mean absolute deviation from
    /// the median times 1.2533 stands in for the MAD, as IBM SPSS does.
    #[default]
    Mad,
}

impl OutlierMethod {
    /// Every method, in documentation order.
    pub const ALL: [OutlierMethod; 3] = [
        OutlierMethod::Iqr,
        OutlierMethod::ZScore,
        OutlierMethod::Mad,
    ];

    /// The usual threshold of the method: 1.5, 3 and 3.5.
    pub fn default_threshold(self) -> f64 {
        match self {
            OutlierMethod::Iqr => 1.5,
            OutlierMethod::ZScore => 3.0,
            OutlierMethod::Mad => 3.5,
        }
    }
}

impl fmt::Display for OutlierMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OutlierMethod::Iqr => "iqr",
            OutlierMethod::ZScore => "zscore",
            OutlierMethod::Mad => "mad",
        })
    }
}

impl FromStr for OutlierMethod {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        OutlierMethod::ALL
            .into_iter()
            .find(|m| m.to_string() == s)
            .ok_or_else(|| {
                Error::param(
                    "method",
                    format!("\"{s}\""),
                    "must be one of: iqr, zscore, mad",
                )
            })
    }
}

/// How to find outliers: a method, its threshold, and the scale it works on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OutlierDetector {
    /// The method.
    pub method: OutlierMethod,
    /// Its threshold t (see [`OutlierMethod`]); must be positive.
    pub threshold: f64,
    /// Whether the fences are found on `sign(x)·ln(1 + |x|)` instead of `x`, for amounts and
    /// head counts that span orders of magnitude; the fences are reported in the values'
    /// own units.
    pub log: bool,
}

impl OutlierDetector {
    /// A detector with the method's default threshold, on the values' own scale.
    pub fn new(method: OutlierMethod) -> Self {
        Self {
            method,
            threshold: method.default_threshold(),
            log: false,
        }
    }

    /// The same detector with threshold `t`.
    pub fn threshold(mut self, t: f64) -> Self {
        self.threshold = t;
        self
    }

    /// The same detector on a logarithmic scale, or not.
    pub fn log(mut self, log: bool) -> Self {
        self.log = log;
        self
    }

    /// The fences of `values`, which must be finite; `None` without any value.
    pub fn fit(&self, values: &[f64]) -> Result<Option<Fences>> {
        if !(self.threshold.is_finite() && self.threshold > 0.0) {
            return Err(Error::param(
                "threshold",
                self.threshold.to_string(),
                "must be a positive number",
            ));
        }
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(Error::param(
                "values",
                format!("{} at position {i}", values[i]),
                "must be finite; leave missing values out",
            ));
        }
        if values.is_empty() {
            return Ok(None);
        }
        let mut scaled: Vec<f64> = if self.log {
            values.iter().map(|&v| symlog(v)).collect()
        } else {
            values.to_vec()
        };
        let t = self.threshold;
        let (lower, upper) = match self.method {
            OutlierMethod::Iqr => {
                scaled.sort_by(f64::total_cmp);
                let (q1, q3) = (percentile(&scaled, 25.0), percentile(&scaled, 75.0));
                (q1 - t * (q3 - q1), q3 + t * (q3 - q1))
            }
            OutlierMethod::ZScore => {
                let n = scaled.len() as f64;
                let mean = scaled.iter().sum::<f64>() / n;
                let var = scaled.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
                let sd = var.sqrt();
                (mean - t * sd, mean + t * sd)
            }
            OutlierMethod::Mad => {
                scaled.sort_by(f64::total_cmp);
                let median = percentile(&scaled, 50.0);
                let mut deviations: Vec<f64> = scaled.iter().map(|v| (v - median).abs()).collect();
                deviations.sort_by(f64::total_cmp);
                let mad = percentile(&deviations, 50.0);
                let sigma = if mad > 0.0 {
                    MAD_TO_SIGMA * mad
                } else {
                    MEAN_AD_TO_SIGMA * deviations.iter().sum::<f64>() / deviations.len() as f64
                };
                (median - t * sigma, median + t * sigma)
            }
        };
        Ok(Some(if self.log {
            Fences {
                lower: symexp(lower),
                upper: symexp(upper),
            }
        } else {
            Fences { lower, upper }
        }))
    }
}

/// `sign(x)·ln(1 + |x|)`: a logarithm defined for every number, zero and negatives included.
pub fn symlog(x: f64) -> f64 {
    x.signum() * x.abs().ln_1p()
}

/// The inverse of [`symlog`].
pub fn symexp(y: f64) -> f64 {
    y.signum() * y.abs().exp_m1()
}

/// The range of ordinary values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Fences {
    /// Values below are outliers.
    pub lower: f64,
    /// Values above are outliers.
    pub upper: f64,
}

impl Fences {
    /// Whether `value` lies outside the fences.
    pub fn is_outlier(&self, value: f64) -> bool {
        value < self.lower || value > self.upper
    }

    /// `value` moved to the nearer fence when it is an outlier.
    pub fn cap(&self, value: f64) -> f64 {
        value.clamp(self.lower, self.upper)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_of_each_method() {
        let v: Vec<f64> = (1..=9).map(f64::from).chain([100.0]).collect();
        let iqr = OutlierDetector::new(OutlierMethod::Iqr)
            .fit(&v)
            .unwrap()
            .unwrap();
        // numpy: Q1 = 3.25, Q3 = 7.75, IQR = 4.5.
        assert_eq!((iqr.lower, iqr.upper), (3.25 - 6.75, 7.75 + 6.75));
        assert!(iqr.is_outlier(100.0) && !iqr.is_outlier(9.0));
        assert_eq!(iqr.cap(100.0), 14.5);
        let mad = OutlierDetector::new(OutlierMethod::Mad)
            .fit(&v)
            .unwrap()
            .unwrap();
        // Median 5.5, absolute deviations' median 2.5.
        let half = 3.5 * MAD_TO_SIGMA * 2.5;
        assert!(
            (mad.lower - (5.5 - half)).abs() < 1e-12 && (mad.upper - (5.5 + half)).abs() < 1e-12
        );
        let z = OutlierDetector::new(OutlierMethod::ZScore)
            .fit(&v)
            .unwrap()
            .unwrap();
        // One outlier in ten pulls the mean and deviation so much that it hides itself.
        assert!(!z.is_outlier(100.0));
        assert_eq!(
            OutlierDetector::new(OutlierMethod::Iqr).fit(&[]).unwrap(),
            None
        );
    }

    #[test]
    fn mostly_equal_values_fall_back_on_the_mean_deviation() {
        let mut v = vec![1.0; 8];
        v.extend([2.0, 50.0]);
        let f = OutlierDetector::new(OutlierMethod::Mad)
            .fit(&v)
            .unwrap()
            .unwrap();
        let sigma = MEAN_AD_TO_SIGMA * 50.0 / 10.0;
        assert!((f.upper - (1.0 + 3.5 * sigma)).abs() < 1e-12);
        assert!(!f.is_outlier(2.0) && f.is_outlier(50.0));
    }

    #[test]
    fn log_fences_are_in_the_values_units() {
        let v = [10.0, 100.0, 1000.0, 10_000.0, 100.0, 1_000.0, 1e9];
        let d = OutlierDetector::new(OutlierMethod::Mad).log(true);
        let f = d.fit(&v).unwrap().unwrap();
        assert!(f.is_outlier(1e9) && !f.is_outlier(10_000.0) && !f.is_outlier(10.0));
        assert!((symexp(symlog(-42.5)) + 42.5).abs() < 1e-12);
        assert_eq!(symlog(0.0), 0.0);
    }

    #[test]
    fn bad_parameters_and_values_are_refused() {
        let e = OutlierDetector::new(OutlierMethod::Iqr)
            .threshold(0.0)
            .fit(&[1.0])
            .unwrap_err();
        assert!(e.to_string().contains("threshold"), "{e}");
        let e = OutlierDetector::new(OutlierMethod::Iqr)
            .fit(&[1.0, f64::NAN])
            .unwrap_err();
        assert!(e.to_string().contains("position 1"), "{e}");
        let e = "tukey".parse::<OutlierMethod>().unwrap_err();
        assert!(e.to_string().contains("iqr, zscore, mad"), "{e}");
    }
}
