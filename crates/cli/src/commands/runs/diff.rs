//! What changed between two runs: segment memberships (clustered movements with the adjusted
//! Rand index and the best matching of old to new clusters; accounts entering and leaving
//! rule segments), settings and inputs.

use std::collections::{BTreeMap, BTreeSet};

use cible_ml::metrics::adjusted_rand_score;
use cible_store::{InputRecord, Membership, SegmentKind};
use serde::Serialize;

/// Everything `cible runs diff A B` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunDiff {
    /// The older run.
    pub from: String,
    /// The newer run.
    pub to: String,
    /// Accounts with a segment of each kind, in either run.
    pub kinds: Vec<KindCounts>,
    /// Clustered segments, when either run has some.
    pub clustered: Option<ClusteredDiff>,
    /// Rule and tag segments, one line per segment of either run.
    pub segments: Vec<SegmentChange>,
    /// Settings whose value differs (dotted keys of the project file).
    pub settings: Vec<SettingChange>,
    /// Input files added, removed or whose content changed, for the sources whose content
    /// changed.
    pub inputs: Vec<InputChange>,
}

/// Accounts with a segment of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindCounts {
    /// The kind.
    pub kind: SegmentKind,
    /// Accounts in the older run.
    pub accounts_from: usize,
    /// Accounts in the newer run.
    pub accounts_to: usize,
    /// Accounts in both.
    pub common: usize,
}

/// How the clustered segments changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusteredDiff {
    /// Accounts in both runs.
    pub common: usize,
    /// Accounts only in the newer run.
    pub added: usize,
    /// Accounts only in the older run.
    pub removed: usize,
    /// Adjusted Rand index of the two labellings over the common accounts (1: the same
    /// partition, whatever the labels; about 0: unrelated).
    pub adjusted_rand_index: Option<f64>,
    /// Old clusters matched one to one to new ones, maximising the accounts they share.
    pub matching: Vec<ClusterMatch>,
    /// Common accounts whose new cluster is not the match of their old one.
    pub moved: usize,
    /// The cross-tabulation over the common accounts: every (old, new) pair with accounts.
    pub movements: Vec<Movement>,
}

/// An old cluster and the new cluster it became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterMatch {
    /// The old cluster.
    pub from: String,
    /// The new cluster (none when there are more old clusters than new ones).
    pub to: Option<String>,
    /// Common accounts in both.
    pub shared: usize,
    /// Common accounts in the old cluster.
    pub from_accounts: usize,
}

/// Accounts that were in one segment and are in another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Movement {
    /// The old segment.
    pub from: String,
    /// The new segment.
    pub to: String,
    /// How many accounts.
    pub accounts: usize,
}

/// How one rule or tag segment changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentChange {
    /// The kind.
    pub kind: SegmentKind,
    /// The segment.
    pub segment: String,
    /// Members in the older run.
    pub accounts_from: usize,
    /// Members in the newer run.
    pub accounts_to: usize,
    /// Members of the newer run only.
    pub entered: usize,
    /// Members of the older run only.
    pub left: usize,
}

/// A setting that changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettingChange {
    /// Dotted key (`segmentation.k`); absent values are null.
    pub key: String,
    /// The older value.
    pub from: serde_json::Value,
    /// The newer value.
    pub to: serde_json::Value,
}

/// An input file that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputChange {
    /// The source.
    pub source: String,
    /// The file.
    pub path: String,
    /// SHA-256 in the older run (none: added).
    pub sha256_from: Option<String>,
    /// SHA-256 in the newer run (none: removed).
    pub sha256_to: Option<String>,
}

/// One side of a diff: what the catalog holds about a run.
pub struct Side<'a> {
    /// The run's id.
    pub id: &'a str,
    /// Its memberships.
    pub memberships: &'a [Membership],
    /// Its settings.
    pub parameters: &'a serde_json::Value,
    /// Its inputs.
    pub inputs: &'a [InputRecord],
}

/// Compares two runs.
pub fn diff(from: &Side<'_>, to: &Side<'_>) -> RunDiff {
    let mut kinds = Vec::new();
    let mut segments = Vec::new();
    let mut clustered = None;
    for kind in SegmentKind::ALL {
        let members = |side: &Side<'_>| -> BTreeMap<String, BTreeSet<String>> {
            let mut by_segment: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            for m in side.memberships.iter().filter(|m| m.kind == kind) {
                by_segment
                    .entry(m.segment.clone())
                    .or_default()
                    .insert(m.account_id.clone());
            }
            by_segment
        };
        let (a, b) = (members(from), members(to));
        if a.is_empty() && b.is_empty() {
            continue;
        }
        let accounts = |m: &BTreeMap<String, BTreeSet<String>>| -> BTreeSet<String> {
            m.values().flatten().cloned().collect()
        };
        let (accounts_a, accounts_b) = (accounts(&a), accounts(&b));
        kinds.push(KindCounts {
            kind,
            accounts_from: accounts_a.len(),
            accounts_to: accounts_b.len(),
            common: accounts_a.intersection(&accounts_b).count(),
        });
        if kind == SegmentKind::Clustered {
            clustered = Some(clustered_diff(&a, &b));
            continue;
        }
        let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        let empty = BTreeSet::new();
        for name in names {
            let (old, new) = (a.get(name).unwrap_or(&empty), b.get(name).unwrap_or(&empty));
            segments.push(SegmentChange {
                kind,
                segment: name.clone(),
                accounts_from: old.len(),
                accounts_to: new.len(),
                entered: new.difference(old).count(),
                left: old.difference(new).count(),
            });
        }
    }
    RunDiff {
        from: from.id.to_string(),
        to: to.id.to_string(),
        kinds,
        clustered,
        segments,
        settings: settings_diff(from.parameters, to.parameters),
        inputs: inputs_diff(from.inputs, to.inputs),
    }
}

fn clustered_diff(
    a: &BTreeMap<String, BTreeSet<String>>,
    b: &BTreeMap<String, BTreeSet<String>>,
) -> ClusteredDiff {
    // `cluster 10` after `cluster 9`.
    let names = |m: &BTreeMap<String, BTreeSet<String>>| -> Vec<String> {
        let mut names: Vec<String> = m.keys().cloned().collect();
        names.sort_by_key(|name| match name.rsplit_once(' ') {
            Some((head, n)) if n.parse::<u64>().is_ok() => {
                (head.to_string(), n.parse().unwrap_or_default())
            }
            _ => (name.clone(), 0),
        });
        names
    };
    let (old_names, new_names) = (names(a), names(b));
    // An account has one clustered segment; should a file list one twice, the first wins.
    let label_of = |m: &BTreeMap<String, BTreeSet<String>>, names: &[String]| {
        let mut labels: BTreeMap<String, usize> = BTreeMap::new();
        for (i, name) in names.iter().enumerate() {
            for account in &m[name] {
                labels.entry(account.clone()).or_insert(i);
            }
        }
        labels
    };
    let (old, new) = (label_of(a, &old_names), label_of(b, &new_names));
    let mut table = vec![vec![0usize; new_names.len()]; old_names.len()];
    let (mut labels_old, mut labels_new) = (Vec::new(), Vec::new());
    for (account, &i) in &old {
        if let Some(&j) = new.get(account) {
            table[i][j] += 1;
            labels_old.push(i);
            labels_new.push(j);
        }
    }
    let common = labels_old.len();
    let adjusted_rand_index = (common > 0)
        .then(|| adjusted_rand_score(&labels_old, &labels_new).ok())
        .flatten();
    let assignment = max_overlap_matching(&table);
    let matching: Vec<ClusterMatch> = old_names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let to = assignment[i].filter(|&j| table[i][j] > 0);
            ClusterMatch {
                from: name.clone(),
                to: to.map(|j| new_names[j].clone()),
                shared: to.map_or(0, |j| table[i][j]),
                from_accounts: table[i].iter().sum(),
            }
        })
        .collect();
    let kept: usize = matching.iter().map(|m| m.shared).sum();
    let mut movements = Vec::new();
    for (i, row) in table.iter().enumerate() {
        for (j, &accounts) in row.iter().enumerate() {
            if accounts > 0 {
                movements.push(Movement {
                    from: old_names[i].clone(),
                    to: new_names[j].clone(),
                    accounts,
                });
            }
        }
    }
    ClusteredDiff {
        common,
        added: new.keys().filter(|k| !old.contains_key(*k)).count(),
        removed: old.keys().filter(|k| !new.contains_key(*k)).count(),
        adjusted_rand_index,
        matching,
        moved: common - kept,
        movements,
    }
}

/// The one-to-one assignment of rows to columns that maximises the total of `weights`
/// (Hungarian algorithm, O(n³) on the padded square matrix): `result[row]` is its column, none
/// for the rows left over when there are more rows than columns.
fn max_overlap_matching(weights: &[Vec<usize>]) -> Vec<Option<usize>> {
    let rows = weights.len();
    let cols = weights.first().map_or(0, Vec::len);
    let n = rows.max(cols);
    if n == 0 {
        return vec![None; rows];
    }
    let max = weights.iter().flatten().copied().max().unwrap_or(0) as i64;
    let cost = |i: usize, j: usize| -> i64 {
        let w = if i < rows && j < cols {
            weights[i][j]
        } else {
            0
        };
        max - w as i64
    };
    // Potentials u (rows), v (columns); way[j]: previous column on the augmenting path;
    // owner[j]: the row assigned to column j (1-based, 0 = none), after e-maxx's formulation.
    let (mut u, mut v) = (vec![0i64; n + 1], vec![0i64; n + 1]);
    let (mut owner, mut way) = (vec![0usize; n + 1], vec![0usize; n + 1]);
    for i in 1..=n {
        owner[0] = i;
        let mut j0 = 0;
        let mut min_to = vec![i64::MAX; n + 1];
        let mut used = vec![false; n + 1];
        loop {
            used[j0] = true;
            let i0 = owner[j0];
            let mut delta = i64::MAX;
            let mut j1 = 0;
            for j in 1..=n {
                if !used[j] {
                    let reduced = cost(i0 - 1, j - 1) - u[i0] - v[j];
                    if reduced < min_to[j] {
                        min_to[j] = reduced;
                        way[j] = j0;
                    }
                    if min_to[j] < delta {
                        delta = min_to[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=n {
                if used[j] {
                    u[owner[j]] += delta;
                    v[j] -= delta;
                } else {
                    min_to[j] -= delta;
                }
            }
            j0 = j1;
            if owner[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            owner[j0] = owner[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut result = vec![None; rows];
    for (j, &i) in owner.iter().enumerate().skip(1) {
        if (1..=rows).contains(&i) && j <= cols {
            result[i - 1] = Some(j - 1);
        }
    }
    result
}

/// Leaves of a JSON value as dotted keys; the project file's keys lose their `project.`
/// prefix so that they read as in `cible.toml`.
fn flatten(value: &serde_json::Value, prefix: &str, out: &mut BTreeMap<String, serde_json::Value>) {
    match value {
        serde_json::Value::Object(map) if !map.is_empty() => {
            for (key, v) in map {
                let key = match prefix {
                    "" => key.clone(),
                    _ => format!("{prefix}.{key}"),
                };
                flatten(v, &key, out);
            }
        }
        _ => {
            let key = prefix.strip_prefix("project.").unwrap_or(prefix);
            out.insert(key.to_string(), value.clone());
        }
    }
}

fn settings_diff(a: &serde_json::Value, b: &serde_json::Value) -> Vec<SettingChange> {
    let (mut old, mut new) = (BTreeMap::new(), BTreeMap::new());
    flatten(a, "", &mut old);
    flatten(b, "", &mut new);
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let null = serde_json::Value::Null;
    keys.into_iter()
        .filter_map(|key| {
            let (from, to) = (old.get(key).unwrap_or(&null), new.get(key).unwrap_or(&null));
            (from != to).then(|| SettingChange {
                key: key.clone(),
                from: from.clone(),
                to: to.clone(),
            })
        })
        .collect()
}

/// The SHA-256 of some files, sorted.
fn content(files: &BTreeMap<String, String>) -> Vec<&String> {
    let mut hashes: Vec<&String> = files.values().collect();
    hashes.sort();
    hashes
}

/// Files of the sources whose content changed; a source whose files have the same SHA-256
/// under other paths (a run from another folder) has not changed.
fn inputs_diff(a: &[InputRecord], b: &[InputRecord]) -> Vec<InputChange> {
    type Files = BTreeMap<String, BTreeMap<String, String>>;
    let by_source = |inputs: &[InputRecord]| -> Files {
        let mut files = Files::new();
        for i in inputs {
            files
                .entry(i.source.clone())
                .or_default()
                .insert(i.path.display().to_string(), i.sha256.clone());
        }
        files
    };
    let (old, new) = (by_source(a), by_source(b));
    let empty = BTreeMap::new();
    let sources: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut changes = Vec::new();
    for source in sources {
        let (from, to) = (
            old.get(source).unwrap_or(&empty),
            new.get(source).unwrap_or(&empty),
        );
        if content(from) == content(to) {
            continue;
        }
        let paths: BTreeSet<&String> = from.keys().chain(to.keys()).collect();
        for path in paths {
            let (sha256_from, sha256_to) = (from.get(path), to.get(path));
            if sha256_from != sha256_to {
                changes.push(InputChange {
                    source: source.clone(),
                    path: path.clone(),
                    sha256_from: sha256_from.cloned(),
                    sha256_to: sha256_to.cloned(),
                });
            }
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clustered(pairs: &[(&str, &str)]) -> Vec<Membership> {
        pairs
            .iter()
            .map(|(account, segment)| Membership {
                segment: segment.to_string(),
                kind: SegmentKind::Clustered,
                account_id: account.to_string(),
            })
            .collect()
    }

    #[test]
    fn the_matching_maximises_the_shared_accounts() {
        // Greedy would take (0, 0) = 5 and leave (1, 1) = 0: total 5; the best is 4 + 4.
        let weights = vec![vec![5, 4], vec![4, 0]];
        assert_eq!(max_overlap_matching(&weights), [Some(1), Some(0)]);
        // More old clusters than new: one is left over.
        let weights = vec![vec![3], vec![7], vec![1]];
        assert_eq!(max_overlap_matching(&weights), [None, Some(0), None]);
        // More new clusters than old.
        let weights = vec![vec![0, 2, 9]];
        assert_eq!(max_overlap_matching(&weights), [Some(2)]);
        assert!(max_overlap_matching(&[]).is_empty());
    }

    #[test]
    fn relabelled_clusters_match_and_nothing_moves() {
        let a = clustered(&[("A", "cluster 0"), ("B", "cluster 0"), ("C", "cluster 1")]);
        let b = clustered(&[("A", "cluster 1"), ("B", "cluster 1"), ("C", "cluster 0")]);
        let null = serde_json::Value::Null;
        let side = |id, memberships| Side {
            id,
            memberships,
            parameters: &null,
            inputs: &[],
        };
        let d = diff(&side("a", &a), &side("b", &b));
        let c = d.clustered.unwrap();
        assert_eq!(c.adjusted_rand_index, Some(1.0));
        assert_eq!(c.moved, 0);
        assert_eq!(c.matching[0].to.as_deref(), Some("cluster 1"));
        assert_eq!(c.matching[1].to.as_deref(), Some("cluster 0"));
    }

    #[test]
    fn settings_and_inputs_changes_are_listed() {
        let a = serde_json::json!({"project": {"segmentation": {"k": 4, "seed": 1}}, "as_of": "2026-01-01"});
        let b = serde_json::json!({"project": {"segmentation": {"k": 5, "seed": 1}}, "as_of": "2026-01-01"});
        let changes = settings_diff(&a, &b);
        assert_eq!(
            changes,
            [SettingChange {
                key: "segmentation.k".into(),
                from: 4.into(),
                to: 5.into()
            }]
        );
        let input = |path: &str, sha: &str| InputRecord {
            source: "crm".into(),
            path: path.into(),
            bytes: 1,
            sha256: sha.into(),
        };
        let moved = [input("elsewhere/a.csv", "1"), input("elsewhere/b.csv", "2")];
        assert!(
            inputs_diff(&[input("a.csv", "1"), input("b.csv", "2")], &moved).is_empty(),
            "the same content read from another folder is not a change"
        );
        let changes = inputs_diff(
            &[input("a.csv", "1"), input("b.csv", "2")],
            &[input("a.csv", "1"), input("b.csv", "3")],
        );
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].sha256_to.as_deref(), Some("3"));
    }
}
