//! What to compare and how: fields with their comparators, the match threshold, blocking and
//! clustering limits. Plain values with documented defaults, checked by [`DedupParams::check`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DedupError;

/// How two values of a field are compared, and the similarity levels that result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparator {
    /// Equal or not. For e-mails, categories.
    Exact,
    /// A registry identifier (SIREN, VAT number, DUNS): equal is strong evidence, and two
    /// different values mean two different entities whatever else agrees (a cannot-link).
    Identifier,
    /// Jaro-Winkler similarity, levels exact, ≥ 0.95, ≥ 0.88, ≥ 0.80. For names and text.
    JaroWinkler,
    /// Edit distance (a transposition of neighbours counts as one edit), levels exact, 1 edit,
    /// 2 edits. For codes typed by hand: postcodes,
    /// phone numbers, registry numbers, dates written as digits.
    Levenshtein,
    /// Jaccard similarity of word sets, levels exact, ≥ 0.8, ≥ 0.5. For addresses and long
    /// names whose words move around.
    Jaccard,
    /// Relative difference of numbers, levels exact, ≤ 1 %, ≤ 10 %. For amounts, head counts.
    Numeric,
    /// Dates, whatever their format (`2021-03-04`, `04/03/2021`, `20210304`; day before month
    /// when the year comes last): levels same day, day and month swapped (a US export against
    /// a French one), within 31 days, within 365 days. A value that is not a date agrees
    /// only with the same text. For birth dates, creation dates.
    Date,
}

impl Comparator {
    /// Names of the agreement levels, most similar first; a value pair that reaches none of
    /// them "disagrees".
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Self::Exact | Self::Identifier => &["exact"],
            Self::JaroWinkler => &["exact", "jw>=0.95", "jw>=0.88", "jw>=0.80"],
            Self::Levenshtein => &["exact", "1 edit", "2 edits"],
            Self::Jaccard => &["exact", "jaccard>=0.8", "jaccard>=0.5"],
            Self::Numeric => &["exact", "within 1%", "within 10%"],
            Self::Date => &[
                "exact",
                "day and month swapped",
                "within 31 days",
                "within 365 days",
            ],
        }
    }
}

impl fmt::Display for Comparator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Exact => "exact",
            Self::Identifier => "identifier",
            Self::JaroWinkler => "jaro_winkler",
            Self::Levenshtein => "levenshtein",
            Self::Jaccard => "jaccard",
            Self::Numeric => "numeric",
            Self::Date => "date",
        })
    }
}

impl FromStr for Comparator {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "exact" => Ok(Self::Exact),
            "identifier" | "id" => Ok(Self::Identifier),
            "jaro_winkler" | "jw" | "jarowinkler" => Ok(Self::JaroWinkler),
            "levenshtein" | "lev" | "edit" => Ok(Self::Levenshtein),
            "jaccard" | "tokens" => Ok(Self::Jaccard),
            "numeric" | "number" => Ok(Self::Numeric),
            "date" => Ok(Self::Date),
            _ => Err(format!(
                "unknown comparator `{s}`; expected one of exact, identifier, jaro_winkler, levenshtein, jaccard, numeric, date"
            )),
        }
    }
}

/// A column to compare and its comparator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSpec {
    /// Column name.
    pub column: String,
    /// How values are compared.
    pub comparator: Comparator,
}

impl FromStr for FieldSpec {
    type Err = String;

    /// `column` or `column:comparator`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (column, comparator) = match s.rsplit_once(':') {
            Some((c, k)) => (c.trim(), Some(k.parse::<Comparator>()?)),
            None => (s.trim(), None),
        };
        if column.is_empty() {
            return Err(format!("`{s}`: expected COLUMN or COLUMN:COMPARATOR"));
        }
        Ok(Self {
            column: column.into(),
            comparator: comparator.unwrap_or(Comparator::JaroWinkler),
        })
    }
}

/// Parameters of deduplication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DedupParams {
    /// Fields to compare; empty to choose them from column names and values.
    pub fields: Vec<FieldSpec>,
    /// Match probability from which two records are the same entity. Default 0.9.
    pub threshold: f64,
    /// Blocks larger than this are not compared all against all but through a sliding window
    /// over the block sorted by record; protects against hot keys. Default 200.
    pub max_block_size: usize,
    /// Window of that sorted neighbourhood. Default 20.
    pub window: usize,
    /// Sorted-neighbourhood blocking on text fields: records sorted by a field's value (and
    /// by the value read backwards) are paired with the next `neighbours` records, so that a
    /// name with a typo, sharing no selective key with its duplicate, is still compared with
    /// it. Default 3.
    #[serde(default = "default_neighbours")]
    pub neighbours: usize,
    /// A blocking rule that would produce more candidate pairs than this many per record is
    /// left out (reported as skipped). Default 5.
    pub max_pairs_per_record: f64,
    /// Entities larger than this are split by raising the threshold inside them. Default 50.
    pub max_cluster_size: usize,
    /// Random record pairs drawn to estimate the u probabilities. Default 200 000.
    pub u_sample_pairs: usize,
    /// Maximum EM iterations. Default 100.
    pub max_iterations: usize,
    /// Seed of the random pairs. Default 42.
    pub seed: u64,
    /// Adjust agreement weights by value frequency (a rare surname counts more). Default true.
    pub term_frequency: bool,
}

impl Default for DedupParams {
    fn default() -> Self {
        Self {
            fields: Vec::new(),
            threshold: 0.9,
            max_block_size: 200,
            window: 20,
            neighbours: default_neighbours(),
            max_pairs_per_record: 5.0,
            max_cluster_size: 50,
            u_sample_pairs: 200_000,
            max_iterations: 100,
            seed: 42,
            term_frequency: true,
        }
    }
}

fn default_neighbours() -> usize {
    3
}

impl DedupParams {
    /// Default parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Fields to compare (default: chosen automatically).
    pub fn fields(mut self, fields: Vec<FieldSpec>) -> Self {
        self.fields = fields;
        self
    }

    /// Match threshold (default 0.9).
    pub fn threshold(mut self, threshold: f64) -> Self {
        self.threshold = threshold;
        self
    }

    /// Seed (default 42).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Checks every value.
    pub fn check(&self) -> Result<(), DedupError> {
        let invalid =
            |name: &'static str, value: String, expected: &str| DedupError::InvalidParameter {
                name,
                value,
                expected: expected.into(),
            };
        if !(self.threshold > 0.0 && self.threshold < 1.0) {
            return Err(invalid(
                "threshold",
                self.threshold.to_string(),
                "must be between 0 and 1, exclusive",
            ));
        }
        if self.max_block_size < 2 {
            return Err(invalid(
                "max_block_size",
                self.max_block_size.to_string(),
                "must be at least 2",
            ));
        }
        if self.window < 2 {
            return Err(invalid(
                "window",
                self.window.to_string(),
                "must be at least 2",
            ));
        }
        if self.neighbours == 0 {
            return Err(invalid("neighbours", "0".into(), "must be at least 1"));
        }
        if self.max_pairs_per_record.is_nan() || self.max_pairs_per_record < 1.0 {
            return Err(invalid(
                "max_pairs_per_record",
                self.max_pairs_per_record.to_string(),
                "must be at least 1",
            ));
        }
        if self.max_cluster_size < 2 {
            return Err(invalid(
                "max_cluster_size",
                self.max_cluster_size.to_string(),
                "must be at least 2",
            ));
        }
        if self.u_sample_pairs < 1000 {
            return Err(invalid(
                "u_sample_pairs",
                self.u_sample_pairs.to_string(),
                "must be at least 1000",
            ));
        }
        if self.max_iterations == 0 {
            return Err(invalid("max_iterations", "0".into(), "must be at least 1"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_parse_with_or_without_comparator() {
        let f: FieldSpec = "surname:jw".parse().unwrap();
        assert_eq!(f.comparator, Comparator::JaroWinkler);
        let f: FieldSpec = "postcode:levenshtein".parse().unwrap();
        assert_eq!(
            (f.column.as_str(), f.comparator),
            ("postcode", Comparator::Levenshtein)
        );
        assert_eq!(
            "name".parse::<FieldSpec>().unwrap().comparator,
            Comparator::JaroWinkler
        );
        assert_eq!(
            "x:soundex".parse::<FieldSpec>().unwrap_err(),
            "unknown comparator `soundex`; expected one of exact, identifier, jaro_winkler, levenshtein, jaccard, numeric, date"
        );
    }

    #[test]
    fn every_rule_is_checked() {
        assert!(DedupParams::new().check().is_ok());
        let cases = [
            (
                DedupParams::new().threshold(1.0),
                "invalid parameter `threshold` = 1: must be between 0 and 1, exclusive",
            ),
            (
                DedupParams {
                    max_block_size: 1,
                    ..Default::default()
                },
                "invalid parameter `max_block_size` = 1: must be at least 2",
            ),
            (
                DedupParams {
                    window: 0,
                    ..Default::default()
                },
                "invalid parameter `window` = 0: must be at least 2",
            ),
            (
                DedupParams {
                    neighbours: 0,
                    ..Default::default()
                },
                "invalid parameter `neighbours` = 0: must be at least 1",
            ),
            (
                DedupParams {
                    max_pairs_per_record: 0.5,
                    ..Default::default()
                },
                "invalid parameter `max_pairs_per_record` = 0.5: must be at least 1",
            ),
            (
                DedupParams {
                    max_cluster_size: 1,
                    ..Default::default()
                },
                "invalid parameter `max_cluster_size` = 1: must be at least 2",
            ),
            (
                DedupParams {
                    u_sample_pairs: 10,
                    ..Default::default()
                },
                "invalid parameter `u_sample_pairs` = 10: must be at least 1000",
            ),
            (
                DedupParams {
                    max_iterations: 0,
                    ..Default::default()
                },
                "invalid parameter `max_iterations` = 0: must be at least 1",
            ),
        ];
        for (params, message) in cases {
            assert_eq!(params.check().unwrap_err().to_string(), message);
        }
    }
}
