//! The `[segmentation]` section of `cible.toml`: which features the accounts are clustered on,
//! how they are prepared, and how many segments to look for.
//!
//! ```toml
//! [segmentation]
//! method = "kmeans"        # kmeans | minibatch | hierarchical
//! k = "auto"               # or a number; auto tries k_range and keeps the best
//! k_range = [2, 10]
//! features = ["orders_12m", "monetary_36m", "page_views_365d", "size_band"]
//! transform = "auto"       # auto | none | log1p
//! scale = "zscore"         # zscore | minmax | robust
//! missing = "median"       # median | mean | zero | error
//! seed = 42
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Features clustered on when the project lists none: what tells B2B accounts apart —
/// buying (orders over 12 and 36 months, spend, basket, product breadth), the company (head
/// count, age in the CRM) and engagement (pages read, downloads, webinars, e-mails opened,
/// intent, days since the last interaction). Empty values (the basket of an account without
/// orders, the last interaction of an account never seen) are filled as `missing` says.
pub const DEFAULT_FEATURES: [&str; 13] = [
    "orders_12m",
    "orders_36m",
    "monetary_36m",
    "basket_mean_36m",
    "product_breadth_36m",
    "employees",
    "account_age_days",
    "page_views_365d",
    "downloads_365d",
    "webinar_registrations_365d",
    "email_opens_365d",
    "intent_score",
    "last_engagement_days",
];

/// The `[segmentation]` section.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SegmentationSection {
    /// Whether the accounts are clustered. Default: true.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// kmeans, minibatch or hierarchical (Ward). Default: kmeans.
    #[serde(default = "default_method")]
    pub method: String,
    /// The number of segments, or `auto` to choose it over `k_range`. Default: auto.
    #[serde(default)]
    pub k: KSetting,
    /// The candidates `k = "auto"` tries, both ends included. Default: [2, 10].
    #[serde(default = "default_k_range")]
    pub k_range: [usize; 2],
    /// Feature names from the catalogue (`cible features --list`): numbers, yes/no flags, and
    /// text categories (one-hot encoded). Default: [`DEFAULT_FEATURES`].
    #[serde(default = "default_features")]
    pub features: Vec<String>,
    /// auto (log1p of every non-negative feature whose skewness is above 1), none or log1p
    /// (every non-negative feature). Default: auto.
    #[serde(default = "default_transform")]
    pub transform: String,
    /// zscore, minmax or robust. Default: zscore.
    #[serde(default = "default_scale")]
    pub scale: String,
    /// What replaces an empty feature value: median, mean, zero, or error (stop and say
    /// where). Default: median.
    #[serde(default = "default_missing")]
    pub missing: String,
    /// Keep the principal components explaining this share of the variance (0 to 1) and
    /// cluster on them. Default: no PCA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pca_variance: Option<f64>,
    /// Random seed. Default: 42.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// k-means initialisations, the best kept. Default: 10.
    #[serde(default = "default_n_init")]
    pub n_init: usize,
    /// Refits on random 80 % subsamples that measure each segment's stability (k-means only;
    /// 0 skips it). Default: 20.
    #[serde(default = "default_stability_runs")]
    pub stability_runs: usize,
}

impl Default for SegmentationSection {
    fn default() -> Self {
        Self {
            enabled: true,
            method: default_method(),
            k: KSetting::Auto,
            k_range: default_k_range(),
            features: default_features(),
            transform: default_transform(),
            scale: default_scale(),
            missing: default_missing(),
            pca_variance: None,
            seed: default_seed(),
            n_init: default_n_init(),
            stability_runs: default_stability_runs(),
        }
    }
}

impl SegmentationSection {
    /// Checks every setting; `Err((key, value, expected))` names the first bad one.
    pub fn check(&self) -> Result<(), (String, String, String)> {
        let bad = |key: &str, value: String, expected: &str| {
            Err((format!("segmentation.{key}"), value, expected.to_string()))
        };
        let one_of = |key: &str, value: &str, allowed: &[&str]| {
            if allowed.contains(&value) {
                Ok(())
            } else {
                bad(
                    key,
                    format!("{value:?}"),
                    &format!("expected one of {}", allowed.join(", ")),
                )
            }
        };
        one_of(
            "method",
            &self.method,
            &["kmeans", "minibatch", "hierarchical"],
        )?;
        one_of("transform", &self.transform, &["auto", "none", "log1p"])?;
        one_of("scale", &self.scale, &["zscore", "minmax", "robust"])?;
        one_of(
            "missing",
            &self.missing,
            &["median", "mean", "zero", "error"],
        )?;
        let [low, high] = self.k_range;
        if low < 2 || high < low {
            return bad(
                "k_range",
                format!("[{low}, {high}]"),
                "expected [low, high] with 2 <= low <= high",
            );
        }
        if let KSetting::Fixed(k) = self.k
            && k < 2
        {
            return bad(
                "k",
                k.to_string(),
                "expected \"auto\" or a number of at least 2",
            );
        }
        if self.features.is_empty() {
            return bad(
                "features",
                "[]".into(),
                "expected at least one feature name",
            );
        }
        if let Some(i) =
            (1..self.features.len()).find(|&i| self.features[..i].contains(&self.features[i]))
        {
            return bad(
                "features",
                format!("{:?}", self.features[i]),
                "expected each feature once",
            );
        }
        if let Some(v) = self.pca_variance
            && !(v > 0.0 && v <= 1.0)
        {
            return bad(
                "pca_variance",
                v.to_string(),
                "expected a share above 0, at most 1",
            );
        }
        if self.n_init == 0 {
            return bad("n_init", "0".into(), "expected at least 1");
        }
        Ok(())
    }
}

/// `k = "auto"` or `k = 6`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum KSetting {
    /// Chosen over `k_range` by the k-selection sweep.
    #[default]
    Auto,
    /// This many segments.
    Fixed(usize),
}

impl fmt::Display for KSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KSetting::Auto => f.write_str("auto"),
            KSetting::Fixed(k) => write!(f, "{k}"),
        }
    }
}

impl FromStr for KSetting {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "auto" => Ok(KSetting::Auto),
            n => n
                .parse()
                .map(KSetting::Fixed)
                .map_err(|_| format!("expected \"auto\" or a number, not {s:?}")),
        }
    }
}

impl Serialize for KSetting {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            KSetting::Auto => s.serialize_str("auto"),
            KSetting::Fixed(k) => s.serialize_u64(*k as u64),
        }
    }
}

impl<'de> Deserialize<'de> for KSetting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Number(k) => Ok(KSetting::Fixed(k as usize)),
            Raw::Text(t) => t.parse().map_err(serde::de::Error::custom),
        }
    }
}

fn yes() -> bool {
    true
}

fn default_method() -> String {
    "kmeans".into()
}

fn default_k_range() -> [usize; 2] {
    [2, 10]
}

fn default_features() -> Vec<String> {
    DEFAULT_FEATURES.iter().map(|s| s.to_string()).collect()
}

fn default_transform() -> String {
    "auto".into()
}

fn default_scale() -> String {
    "zscore".into()
}

fn default_missing() -> String {
    "median".into()
}

fn default_seed() -> u64 {
    42
}

fn default_n_init() -> usize {
    10
}

fn default_stability_runs() -> usize {
    20
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> SegmentationSection {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn k_is_auto_or_a_number() {
        assert_eq!(parse("").k, KSetting::Auto);
        assert_eq!(parse("k = \"auto\"").k, KSetting::Auto);
        assert_eq!(parse("k = 6").k, KSetting::Fixed(6));
        assert_eq!(parse("k = \"7\"").k, KSetting::Fixed(7));
        let e = toml::from_str::<SegmentationSection>("k = \"many\"").unwrap_err();
        assert!(
            e.to_string().contains("expected \"auto\" or a number"),
            "{e}"
        );
    }

    #[test]
    fn defaults_are_valid() {
        let s = parse("");
        assert_eq!(s.check(), Ok(()));
        assert_eq!(s.features.len(), DEFAULT_FEATURES.len());
        assert_eq!(s.k_range, [2, 10]);
    }

    #[test]
    fn every_setting_is_checked() {
        let cases = [
            ("method = \"spectral\"", "segmentation.method"),
            ("transform = \"sqrt\"", "segmentation.transform"),
            ("scale = \"unit\"", "segmentation.scale"),
            ("missing = \"drop\"", "segmentation.missing"),
            ("k_range = [1, 5]", "segmentation.k_range"),
            ("k_range = [6, 5]", "segmentation.k_range"),
            ("k = 1", "segmentation.k"),
            ("features = []", "segmentation.features"),
            ("features = [\"a\", \"b\", \"a\"]", "segmentation.features"),
            ("pca_variance = 1.5", "segmentation.pca_variance"),
            ("n_init = 0", "segmentation.n_init"),
        ];
        for (text, key) in cases {
            let (k, _, expected) = parse(text).check().unwrap_err();
            assert_eq!(k, key, "{text}: {expected}");
        }
        let (_, value, _) = parse("features = [\"a\", \"b\", \"a\"]")
            .check()
            .unwrap_err();
        assert_eq!(value, "\"a\"");
    }
}
