//! The `[[exports]]` section of `cible.toml`: segment lists that `cible run` writes into the
//! run's `exports/` folder, ready for a CRM or an e-mail tool.
//!
//! ```toml
//! [[exports]]
//! segment = "hot_prospects"     # a rule segment, or a cluster ("cluster 3")
//! of = "contacts"               # accounts | contacts (contacts: e-mail consent only)
//! format = "hubspot"            # csv | parquet | json | hubspot | salesforce
//! name = "hot_prospects_hubspot"  # the file's name, without extension (default: segment_of)
//! columns = []                  # csv, parquet and json: the columns (default: a useful set)
//! ```

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::rules::{SegmentConfig, is_snake_case};

/// `(key, value, expected)` of the first bad setting.
type Problem = (String, String, String);

/// Formats of an export.
pub const FORMATS: [&str; 5] = ["csv", "parquet", "json", "hubspot", "salesforce"];

/// One `[[exports]]` entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ExportConfig {
    /// A rule segment's name, or a cluster (`3` or `cluster 3`).
    pub segment: String,
    /// `accounts` or `contacts`. Default: accounts (contacts for the CRM formats).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<String>,
    /// csv, parquet, json, hubspot or salesforce. Default: csv.
    #[serde(default = "default_format")]
    pub format: String,
    /// The file's name in `exports/`, without extension. Default: `<segment>_<of>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Columns for csv, parquet and json. Default: a set that exists for the kind of rows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
}

fn default_format() -> String {
    "csv".into()
}

impl ExportConfig {
    /// `accounts` or `contacts`: what the file lists. CRM formats list contacts.
    pub fn of(&self) -> &str {
        match (self.format.as_str(), self.of.as_deref()) {
            ("hubspot" | "salesforce", _) => "contacts",
            (_, Some(of)) => of,
            (_, None) => "accounts",
        }
    }

    /// The file's name in the run's `exports/` folder, extension included.
    pub fn file_name(&self) -> String {
        let stem = self.name.clone().unwrap_or_else(|| {
            let segment: String = self
                .segment
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            format!("{segment}_{}", self.of())
        });
        let extension = match self.format.as_str() {
            "parquet" => "parquet",
            "json" => "json",
            _ => "csv",
        };
        format!("{stem}.{extension}")
    }
}

/// Checks `[[exports]]`: known formats and row kinds, a segment that the project defines (a
/// rule segment) or a cluster, snake_case names, no file written twice, no columns for the
/// CRM layouts (their columns are fixed).
pub fn check_exports(exports: &[ExportConfig], segments: &[SegmentConfig]) -> Result<(), Problem> {
    let problem =
        |key: String, value: &str, expected: String| Err((key, format!("{value:?}"), expected));
    let mut files = HashSet::new();
    for (i, e) in exports.iter().enumerate() {
        let key = |k: &str| format!("exports[{i}].{k}");
        if !FORMATS.contains(&e.format.as_str()) {
            return problem(
                key("format"),
                &e.format,
                format!("expected one of {}", FORMATS.join(", ")),
            );
        }
        if let Some(of) = &e.of
            && !["accounts", "contacts"].contains(&of.as_str())
        {
            return problem(key("of"), of, "expected accounts or contacts".into());
        }
        let cluster = e
            .segment
            .strip_prefix("cluster")
            .unwrap_or(&e.segment)
            .trim()
            .parse::<u32>()
            .is_ok();
        if !cluster && !segments.iter().any(|s| s.name == e.segment) {
            let names: Vec<&str> = segments.iter().map(|s| s.name.as_str()).collect();
            return problem(
                key("segment"),
                &e.segment,
                format!(
                    "expected a rule segment of [[segments]] ({}) or a cluster such as \"cluster 2\"",
                    if names.is_empty() {
                        "none defined".to_string()
                    } else {
                        names.join(", ")
                    }
                ),
            );
        }
        if let Some(name) = &e.name
            && !is_snake_case(name)
        {
            return problem(
                key("name"),
                name,
                "expected a snake_case file name, without extension".into(),
            );
        }
        if matches!(e.format.as_str(), "hubspot" | "salesforce") && !e.columns.is_empty() {
            return problem(
                key("columns"),
                &e.columns.join(","),
                format!(
                    "the {} layout has fixed columns: leave columns out",
                    e.format
                ),
            );
        }
        if !files.insert(e.file_name()) {
            return problem(
                key("name"),
                &e.file_name(),
                "another export writes this file: give it a name".into(),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export(toml_text: &str) -> ExportConfig {
        toml::from_str(toml_text).unwrap()
    }

    fn rule(name: &str) -> SegmentConfig {
        toml::from_str(&format!("name = \"{name}\"\nrule = \"true\"")).unwrap()
    }

    #[test]
    fn defaults_name_the_file_after_the_segment_and_the_rows() {
        let e = export("segment = \"hot_prospects\"");
        assert_eq!(
            (e.of(), e.file_name().as_str()),
            ("accounts", "hot_prospects_accounts.csv")
        );
        let e = export("segment = \"cluster 3\"\nformat = \"hubspot\"");
        assert_eq!(
            (e.of(), e.file_name().as_str()),
            ("contacts", "cluster_3_contacts.csv")
        );
        let e = export("segment = \"a\"\nformat = \"parquet\"\nname = \"list\"");
        assert_eq!(e.file_name(), "list.parquet");
    }

    #[test]
    fn bad_exports_name_their_key() {
        let rules = [rule("hot")];
        assert!(
            check_exports(
                &[export("segment = \"hot\""), export("segment = \"2\"")],
                &rules
            )
            .is_ok()
        );
        let cases = [
            ("segment = \"cold\"", "exports[0].segment", "hot"),
            (
                "segment = \"hot\"\nformat = \"xlsx\"",
                "exports[0].format",
                "hubspot",
            ),
            (
                "segment = \"hot\"\nof = \"leads\"",
                "exports[0].of",
                "accounts or contacts",
            ),
            (
                "segment = \"hot\"\nname = \"My List\"",
                "exports[0].name",
                "snake_case",
            ),
            (
                "segment = \"hot\"\nformat = \"hubspot\"\ncolumns = [\"email\"]",
                "exports[0].columns",
                "fixed",
            ),
        ];
        for (text, key, expected) in cases {
            let (k, _, e) = check_exports(&[export(text)], &rules).unwrap_err();
            assert_eq!(k, key, "{text}");
            assert!(e.contains(expected), "{text}: {e}");
        }
        let twice = [export("segment = \"hot\""), export("segment = \"hot\"")];
        assert!(
            check_exports(&twice, &rules)
                .unwrap_err()
                .2
                .contains("another export")
        );
    }
}
