//! Segment memberships of a run, read from its folder: which account is in which segment.
//!
//! Clustered segments come from `segments/accounts.csv` (`account_id,segment`, written by the
//! segmentation stage); a label `3` is named `cluster 3`, any other value is kept as it is.
//! Rule segments come from `rules/memberships.csv` (`segment,account_id`) when the run has
//! one, and their definitions from the details of the run's `rules` stage
//! (`{"segments": [{"name": …, "rule": …}]}`). No stage writes tags yet; the kind exists so
//! that the catalog's schema does not change when one does.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{RunRecord, StoreError};

/// Every account's clustered segment, relative to the run folder.
pub const CLUSTERED_MEMBERSHIPS: &str = "segments/accounts.csv";
/// The members of every rule segment, relative to the run folder.
pub const RULE_MEMBERSHIPS: &str = "rules/memberships.csv";

/// How a segment is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SegmentKind {
    /// Found by clustering: every account in exactly one.
    Clustered,
    /// A condition on the account's features: an account in any number.
    Rule,
    /// A label set by hand or by an import.
    Tag,
}

impl SegmentKind {
    /// Every kind, in display order.
    pub const ALL: [Self; 3] = [Self::Clustered, Self::Rule, Self::Tag];

    /// The kind's name, as stored in the catalog.
    pub fn name(self) -> &'static str {
        match self {
            Self::Clustered => "clustered",
            Self::Rule => "rule",
            Self::Tag => "tag",
        }
    }
}

impl fmt::Display for SegmentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SegmentKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| format!("unknown segment kind {s:?}; expected clustered, rule or tag"))
    }
}

/// One account in one segment of a run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Membership {
    /// The segment's name (`cluster 3`, a rule's name).
    pub segment: String,
    /// How the segment is defined.
    pub kind: SegmentKind,
    /// The account.
    pub account_id: String,
}

/// What a segment is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentDefinition {
    /// The segment's name.
    pub name: String,
    /// How it is defined.
    pub kind: SegmentKind,
    /// The definition, for people: a rule's condition, a cluster's method and label.
    pub definition: String,
}

/// The name of a clustered segment whose label is `label`: `cluster 3` for `3`, the value
/// itself for a label that is not a number.
pub fn clustered_segment_name(label: &str) -> String {
    if label.parse::<u64>().is_ok() {
        format!("cluster {label}")
    } else {
        label.to_string()
    }
}

/// Every membership of the run in `run_dir`: clustered, then rule segments, each in file order.
/// A run without segment files has none; a file without the expected columns, or with an
/// unreadable row, is an error naming the file and the line. Rows without an account id are
/// skipped: they cannot be followed from run to run.
pub fn read_memberships(run_dir: &Path) -> Result<Vec<Membership>, StoreError> {
    let mut memberships = Vec::new();
    let files = [
        (CLUSTERED_MEMBERSHIPS, SegmentKind::Clustered),
        (RULE_MEMBERSHIPS, SegmentKind::Rule),
    ];
    for (relative, kind) in files {
        let path = run_dir.join(relative);
        let mut reader = match csv::Reader::from_path(&path) {
            Ok(reader) => reader,
            Err(e) => match e.kind() {
                csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::NotFound => continue,
                _ => return Err(csv_error(&path, e)),
            },
        };
        let headers = reader.headers().map_err(|e| csv_error(&path, e))?.clone();
        let column = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| StoreError::RunFile {
                    path: path.clone(),
                    message: format!(
                        "missing column \"{name}\"; found: {}",
                        headers.iter().collect::<Vec<_>>().join(", ")
                    ),
                })
        };
        let (segment, account) = (column("segment")?, column("account_id")?);
        for row in reader.records() {
            let row = row.map_err(|e| csv_error(&path, e))?;
            let (Some(label), Some(account_id)) = (row.get(segment), row.get(account)) else {
                continue;
            };
            if account_id.is_empty() {
                continue;
            }
            memberships.push(Membership {
                segment: match kind {
                    SegmentKind::Clustered => clustered_segment_name(label),
                    _ => label.to_string(),
                },
                kind,
                account_id: account_id.to_string(),
            });
        }
    }
    Ok(memberships)
}

fn csv_error(path: &Path, e: csv::Error) -> StoreError {
    let line = e.position().map(|p| format!("line {}: ", p.line()));
    StoreError::RunFile {
        path: path.to_path_buf(),
        message: format!("{}{e}", line.unwrap_or_default()),
    }
}

/// The definitions of the segments of a run: each clustered segment of `memberships` (by the
/// method and k of the run's `segment` stage), and each rule of the run's `rules` stage.
pub fn segment_definitions(
    record: &RunRecord,
    memberships: &[Membership],
) -> Vec<SegmentDefinition> {
    let mut definitions = Vec::new();
    let clustered: BTreeSet<&str> = memberships
        .iter()
        .filter(|m| m.kind == SegmentKind::Clustered)
        .map(|m| m.segment.as_str())
        .collect();
    let segmentation = record.stage("segment");
    let method = segmentation
        .and_then(|d| d["method"].as_str())
        .unwrap_or("clustering");
    let k = segmentation.and_then(|d| d["k"].as_u64());
    for name in clustered {
        definitions.push(SegmentDefinition {
            name: name.to_string(),
            kind: SegmentKind::Clustered,
            definition: match k {
                Some(k) => format!("{name} of {method}, k = {k}"),
                None => format!("{name} of {method}"),
            },
        });
    }
    let rules = record.stage("rules").and_then(|s| s["segments"].as_array());
    for rule in rules.into_iter().flatten() {
        if let Some(name) = rule["name"].as_str() {
            definitions.push(SegmentDefinition {
                name: name.to_string(),
                kind: SegmentKind::Rule,
                definition: match &rule["rule"] {
                    serde_json::Value::String(text) => text.clone(),
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                },
            });
        }
    }
    definitions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, relative: &str, text: &str) {
        let path = dir.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn memberships_are_read_from_both_files_when_present() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_memberships(dir.path()).unwrap().is_empty());
        write(
            dir.path(),
            CLUSTERED_MEMBERSHIPS,
            "account_id,segment\nA1,0\nA2,1\n,1\n",
        );
        let clustered = read_memberships(dir.path()).unwrap();
        assert_eq!(clustered.len(), 2, "the row without an id is skipped");
        assert_eq!(clustered[1].segment, "cluster 1");
        write(
            dir.path(),
            RULE_MEMBERSHIPS,
            "segment,account_id\nbig spenders,A2\n",
        );
        let all = read_memberships(dir.path()).unwrap();
        assert_eq!(
            all[2],
            Membership {
                segment: "big spenders".into(),
                kind: SegmentKind::Rule,
                account_id: "A2".into()
            }
        );
    }

    #[test]
    fn a_membership_file_without_its_columns_is_named() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), RULE_MEMBERSHIPS, "name,account\nx,A1\n");
        let err = read_memberships(dir.path()).unwrap_err().to_string();
        assert!(
            err.ends_with(
                "rules/memberships.csv: missing column \"segment\"; found: name, account"
            ),
            "{err}"
        );
    }

    #[test]
    fn kinds_parse_and_print_the_same() {
        for kind in SegmentKind::ALL {
            assert_eq!(kind.to_string().parse::<SegmentKind>().unwrap(), kind);
        }
        assert!("cluster".parse::<SegmentKind>().is_err());
        assert_eq!(clustered_segment_name("12"), "cluster 12");
        assert_eq!(clustered_segment_name("loyal"), "loyal");
    }
}
