//! Golden records: one row per entity, built from its member records by survivorship rules.
//!
//! For every column, among the members that have a value: with a source priority, only those
//! of the most trusted source that has one; then, by the project's rule, the value that most
//! of them agree on (compared by match key, so `ACME SAS` and `Acme SAS` count together), the
//! newest record's, or the most complete record's. Ties go to the most complete record (the
//! one with the most values), then to the smallest record id, so the result does not depend
//! on row order. Each golden record keeps its lineage: how many records it merges and their
//! ids.

use std::collections::HashMap;
use std::path::Path;

use cible_core::project::Survivorship;
use cible_data::{LINEAGE_COLUMNS, TextTable};
use cible_dedup::match_key;

use crate::error::CliError;

/// How golden records choose their values.
#[derive(Debug, Clone, Default)]
pub struct SurvivorshipRules {
    /// The rule applied to every column.
    pub rule: Survivorship,
    /// Sources whose values win, most trusted first.
    pub source_priority: Vec<String>,
}

/// Writes the golden records of `table` grouped by `entities` (one entity id per row, in the
/// table's order) to `out` as CSV; returns the number written. Lineage columns are not
/// carried (a golden record's lineage is the list of its member ids).
pub fn write_golden(
    table: &TextTable,
    id_column: usize,
    entities: &[String],
    rules: &SurvivorshipRules,
    out: &Path,
) -> Result<usize, CliError> {
    let column = |name: &str| table.columns.iter().position(|c| c == name);
    let columns: Vec<usize> = (0..table.columns.len())
        .filter(|&c| c != id_column && !LINEAGE_COLUMNS.contains(&table.columns[c].as_str()))
        .collect();
    // Each row's trust: the position of its source in the priority list, unlisted last.
    let trust: Vec<usize> = match column(LINEAGE_COLUMNS[0]) {
        Some(c) if !rules.source_priority.is_empty() => table.values[c]
            .iter()
            .map(|source| {
                let source = source.as_deref().unwrap_or_default();
                rules
                    .source_priority
                    .iter()
                    .position(|s| s == source)
                    .unwrap_or(rules.source_priority.len())
            })
            .collect(),
        _ => vec![0; table.len()],
    };
    // ISO dates and timestamps sort as text; a row without one is the oldest.
    let recency = match rules.rule {
        Survivorship::MostRecent => column("updated_at").or_else(|| column("created_at")),
        _ => None,
    };
    let date = |row: usize| recency.and_then(|c| table.values[c][row].as_deref());
    let completeness: Vec<usize> = (0..table.len())
        .map(|row| {
            columns
                .iter()
                .filter(|&&c| table.values[c][row].is_some())
                .count()
        })
        .collect();
    let mut members: Vec<(&str, Vec<usize>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (row, entity) in entities.iter().enumerate() {
        let slot = *index.entry(entity.as_str()).or_insert_with(|| {
            members.push((entity.as_str(), Vec::new()));
            members.len() - 1
        });
        members[slot].1.push(row);
    }
    members.sort_by(|a, b| a.0.cmp(b.0));
    let id = |row: usize| table.values[id_column][row].as_deref().unwrap_or_default();
    let error = |e: csv::Error| CliError::Io {
        path: out.display().to_string(),
        source: std::io::Error::other(e.to_string()),
    };
    let mut writer = csv::Writer::from_path(out).map_err(error)?;
    let mut header = vec!["entity_id".to_string()];
    header.extend(columns.iter().map(|&c| table.columns[c].clone()));
    header.extend(["records".to_string(), "record_ids".to_string()]);
    writer.write_record(&header).map_err(error)?;
    for (entity, rows) in &members {
        // Rows by preference: the newest first (most_recent only), then the most complete,
        // then the smallest id.
        let mut ranked = rows.clone();
        ranked.sort_by(|&a, &b| {
            date(b)
                .cmp(&date(a))
                .then_with(|| completeness[b].cmp(&completeness[a]))
                .then_with(|| id(a).cmp(id(b)))
        });
        let mut record = vec![entity.to_string()];
        for &c in &columns {
            let has = |row: &usize| table.values[c][*row].is_some();
            let trusted = ranked.iter().filter(|r| has(r)).map(|&r| trust[r]).min();
            let candidates = ranked
                .iter()
                .enumerate()
                .filter(|&(_, r)| has(r) && Some(trust[*r]) == trusted);
            if rules.rule != Survivorship::MostFrequent {
                let first = candidates.map(|(_, &r)| r).next();
                record.push(
                    first
                        .and_then(|r| table.values[c][r].clone())
                        .unwrap_or_default(),
                );
                continue;
            }
            let mut votes: Vec<(String, usize, usize)> = Vec::new(); // key, count, first rank
            for (rank, &row) in candidates {
                if let Some(value) = &table.values[c][row] {
                    let key = match_key(value);
                    match votes.iter_mut().find(|v| v.0 == key) {
                        Some(v) => v.1 += 1,
                        None => votes.push((key, 1, rank)),
                    }
                }
            }
            let best = votes
                .iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.2.cmp(&a.2)));
            record.push(
                best.and_then(|(_, _, rank)| table.values[c][ranked[*rank]].clone())
                    .unwrap_or_default(),
            );
        }
        let mut ids: Vec<&str> = rows.iter().map(|&r| id(r)).collect();
        ids.sort_unstable();
        record.push(rows.len().to_string());
        record.push(ids.join(" "));
        writer.write_record(&record).map_err(error)?;
    }
    writer.flush().map_err(CliError::io(out))?;
    Ok(members.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(columns: &[&str], rows: &[&[&str]]) -> TextTable {
        let values = (0..columns.len())
            .map(|c| {
                rows.iter()
                    .map(|r| (!r[c].is_empty()).then(|| r[c].to_string()))
                    .collect()
            })
            .collect();
        TextTable {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            values,
            lines: (2..2 + rows.len() as u64).collect(),
        }
    }

    /// The golden CSV's lines for `t` (first column the id) grouped by `entities`.
    fn golden(t: &TextTable, entities: &[&str], rules: &SurvivorshipRules) -> Vec<String> {
        let entities: Vec<String> = entities.iter().map(|e| e.to_string()).collect();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("golden.csv");
        let written = write_golden(t, 0, &entities, rules, &out).unwrap();
        let text = std::fs::read_to_string(&out).unwrap();
        let lines: Vec<String> = text.lines().map(String::from).collect();
        assert_eq!(lines.len(), written + 1);
        lines
    }

    #[test]
    fn the_value_most_members_agree_on_survives_then_the_most_complete_record() {
        let t = table(
            &["account_id", "name", "city", "_line"],
            &[
                &["a1", "Acme SAS", "", "2"],
                &["a2", "ACME SAS", "Lyon", "3"],
                &["a3", "Acme", "Paris", "4"],
                &["b1", "Bolt", "Lille", "5"],
            ],
        );
        let lines = golden(&t, &["a1", "a1", "a1", "b1"], &SurvivorshipRules::default());
        assert_eq!(lines[0], "entity_id,name,city,records,record_ids");
        // Two members say Acme SAS; the city is a tie between Lyon and Paris, won by the more
        // complete of the two records, a2 (tied with a3 on completeness, smaller id).
        assert_eq!(lines[1], "a1,ACME SAS,Lyon,3,a1 a2 a3");
        assert_eq!(lines[2], "b1,Bolt,Lille,1,b1");
    }

    fn sourced() -> TextTable {
        table(
            &["account_id", "name", "city", "created_at", "_source"],
            &[
                &["a1", "Acme Web", "Lyon", "2025-06-01", "web"],
                &["a2", "Acme Web", "", "2019-01-01", "web"],
                &["a3", "Acme CRM", "", "2024-02-01", "crm"],
                &["a4", "Acme SA", "Paris", "", "erp"],
            ],
        )
    }

    #[test]
    fn rules_choose_the_frequent_the_newest_or_the_most_complete_value() {
        // The first entity's golden record under `rule` starts with `expected`.
        let check = |t: &TextTable, rule, expected: &str| {
            let rules = SurvivorshipRules {
                rule,
                source_priority: Vec::new(),
            };
            let lines = golden(t, &vec!["a1"; t.len()], &rules);
            assert!(lines[1].starts_with(expected), "{rule:?}: {}", lines[1]);
            lines
        };
        let t = sourced();
        let lines = check(
            &t,
            Survivorship::MostFrequent,
            "a1,Acme Web,Lyon,2025-06-01,",
        );
        assert_eq!(
            lines[0],
            "entity_id,name,city,created_at,records,record_ids"
        );
        // a1 is the newest record and has the most values.
        check(&t, Survivorship::MostRecent, "a1,Acme Web,Lyon,2025-06-01,");
        check(
            &t,
            Survivorship::MostComplete,
            "a1,Acme Web,Lyon,2025-06-01,",
        );
        // Without the complete newest record, the rules part ways.
        let t = table(
            &["account_id", "name", "city", "created_at"],
            &[
                &["a1", "Old SAS", "Lyon", "2020-01-01"],
                &["a2", "Old SAS", "Lyon", "2021-01-01"],
                &["a3", "New SAS", "", "2024-05-01"],
            ],
        );
        // Three dates, one each: the tie goes to the most complete records, a1 and a2, then to
        // the smaller id.
        check(
            &t,
            Survivorship::MostFrequent,
            "a1,Old SAS,Lyon,2020-01-01,",
        );
        check(&t, Survivorship::MostRecent, "a1,New SAS,Lyon,2024-05-01,");
        check(
            &t,
            Survivorship::MostComplete,
            "a1,Old SAS,Lyon,2020-01-01,",
        );
    }

    #[test]
    fn the_most_trusted_source_with_a_value_wins() {
        let t = sourced();
        let rules = SurvivorshipRules {
            rule: Survivorship::MostFrequent,
            source_priority: vec!["crm".into(), "erp".into()],
        };
        let lines = golden(&t, &["a1"; 4], &rules);
        // The CRM's name although two web records agree on another; the CRM has no city, the
        // ERP (next in trust) has one; the created_at of the CRM.
        assert!(
            lines[1].starts_with("a1,Acme CRM,Paris,2024-02-01,"),
            "{}",
            lines[1]
        );
    }
}
