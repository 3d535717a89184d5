//! Parameters of a generation run.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::GenerateError;

/// The file format of the four data files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Real-looking exports: `;`-separated UTF-8 CSV with French headers, `,`-separated
    /// UTF-8 CSV, `;`-separated Windows-1252 CSV, and NDJSON.
    #[default]
    Csv,
    /// The same four tables as Parquet files of text columns, same headers and values.
    Parquet,
}

impl FromStr for OutputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Self::Csv),
            "parquet" => Ok(Self::Parquet),
            _ => Err(format!(
                "unknown output format `{s}`; expected csv or parquet"
            )),
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Csv => "csv",
            Self::Parquet => "parquet",
        })
    }
}

/// What to generate: how many accounts, from which seed, in which format, as of which date.
///
/// ```
/// use cible_generator::{GenerateParams, OutputFormat};
///
/// let params = GenerateParams::new(500).seed(7).format(OutputFormat::Parquet);
/// assert!(params.check().is_ok());
/// assert_eq!(
///     GenerateParams::new(3).check().unwrap_err().to_string(),
///     "invalid parameter `accounts` = 3: must be at least 10"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GenerateParams {
    /// Number of original accounts (duplicates come on top, about 5%).
    pub accounts: usize,
    /// Seed of every random choice. Default: 42.
    pub seed: u64,
    /// Format of the data files. Default: CSV.
    pub format: OutputFormat,
    /// The reference date: history ends the day before, conversions happen in the 90 days
    /// after. Default: 2026-11-01.
    #[serde(serialize_with = "iso_date")]
    pub as_of: NaiveDate,
}

fn iso_date<S: serde::Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&date.format("%Y-%m-%d"))
}

/// The smallest number of accounts: fewer would leave segments empty.
pub const MIN_ACCOUNTS: usize = 10;
/// The largest number of accounts (ids have room for 2^26).
pub const MAX_ACCOUNTS: usize = 50_000_000;

impl GenerateParams {
    /// `accounts` accounts, every other parameter at its default.
    pub fn new(accounts: usize) -> Self {
        Self {
            accounts,
            seed: 42,
            format: OutputFormat::Csv,
            as_of: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default(),
        }
    }

    /// Sets the seed (default 42).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the format of the data files (default CSV).
    pub fn format(mut self, format: OutputFormat) -> Self {
        self.format = format;
        self
    }

    /// Sets the reference date (default 2026-11-01).
    pub fn as_of(mut self, as_of: NaiveDate) -> Self {
        self.as_of = as_of;
        self
    }

    /// Checks every parameter; [`generate`](crate::generate) calls it first.
    pub fn check(&self) -> Result<(), GenerateError> {
        let invalid = |name, value: String, expected: String| GenerateError::InvalidParameter {
            name,
            value,
            expected,
        };
        if self.accounts < MIN_ACCOUNTS {
            return Err(invalid(
                "accounts",
                self.accounts.to_string(),
                format!("must be at least {MIN_ACCOUNTS}"),
            ));
        }
        if self.accounts > MAX_ACCOUNTS {
            return Err(invalid(
                "accounts",
                self.accounts.to_string(),
                format!("must be at most {MAX_ACCOUNTS}"),
            ));
        }
        let (low, high) = (
            NaiveDate::from_ymd_opt(1990, 1, 1),
            NaiveDate::from_ymd_opt(2200, 12, 31),
        );
        if Some(self.as_of) < low || Some(self.as_of) > high {
            return Err(invalid(
                "as_of",
                self.as_of.to_string(),
                "must be between 1990-01-01 and 2200-12-31".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_has_its_message() {
        let cases = [
            (
                GenerateParams::new(3),
                "invalid parameter `accounts` = 3: must be at least 10",
            ),
            (
                GenerateParams::new(50_000_001),
                "invalid parameter `accounts` = 50000001: must be at most 50000000",
            ),
            (
                GenerateParams::new(10)
                    .as_of(NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default()),
                "invalid parameter `as_of` = 1900-01-01: must be between 1990-01-01 and 2200-12-31",
            ),
        ];
        for (params, message) in cases {
            assert_eq!(
                params.check().map_err(|e| e.to_string()),
                Err(message.to_string())
            );
        }
        assert!(GenerateParams::new(10).check().is_ok());
    }

    #[test]
    fn formats_parse_and_print() {
        assert_eq!("Parquet".parse::<OutputFormat>(), Ok(OutputFormat::Parquet));
        assert_eq!(OutputFormat::Csv.to_string(), "csv");
        assert_eq!(
            "xlsx".parse::<OutputFormat>(),
            Err("unknown output format `xlsx`; expected csv or parquet".to_string())
        );
    }
}
