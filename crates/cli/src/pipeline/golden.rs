//! Golden records: one row per entity, built from its member records by survivorship rules.
//!
//! For every column, the value that most members agree on (compared by match key, so
//! `ACME SAS` and `Acme SAS` count together) wins; ties go to the most complete record (the
//! one with the most values), then to the smallest record id, so the result does not depend on
//! row order. Each golden record keeps its lineage: how many records it merges and their ids.

use std::collections::HashMap;
use std::path::Path;

use cible_data::TextTable;
use cible_dedup::match_key;

use crate::error::CliError;

/// Columns that describe where a row came from, not the entity: not carried to the golden
/// record (its lineage is the list of member ids).
const LINEAGE: [&str; 3] = ["_source", "_file", "_line"];

/// Writes the golden records of `table` grouped by `entities` (one entity id per row, in the
/// table's order) to `out` as CSV; returns the number written.
pub fn write_golden(
    table: &TextTable,
    id_column: usize,
    entities: &[String],
    out: &Path,
) -> Result<usize, CliError> {
    let columns: Vec<usize> = (0..table.columns.len())
        .filter(|&c| c != id_column && !LINEAGE.contains(&table.columns[c].as_str()))
        .collect();
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
        // Rows by preference: most complete first, then smallest id.
        let mut ranked = rows.clone();
        ranked.sort_by(|&a, &b| {
            completeness[b]
                .cmp(&completeness[a])
                .then_with(|| id(a).cmp(id(b)))
        });
        let mut record = vec![entity.to_string()];
        for &c in &columns {
            let mut votes: Vec<(String, usize, usize)> = Vec::new(); // key, count, first rank
            for (rank, &row) in ranked.iter().enumerate() {
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

    fn table(rows: &[[&str; 4]]) -> TextTable {
        let columns = ["account_id", "name", "city", "_line"]
            .map(String::from)
            .to_vec();
        let values = (0..4)
            .map(|c| {
                rows.iter()
                    .map(|r| (!r[c].is_empty()).then(|| r[c].to_string()))
                    .collect()
            })
            .collect();
        TextTable {
            columns,
            values,
            lines: (2..2 + rows.len() as u64).collect(),
        }
    }

    #[test]
    fn the_value_most_members_agree_on_survives_then_the_most_complete_record() {
        let t = table(&[
            ["a1", "Acme SAS", "", "2"],
            ["a2", "ACME SAS", "Lyon", "3"],
            ["a3", "Acme", "Paris", "4"],
            ["b1", "Bolt", "Lille", "5"],
        ]);
        let entities = ["a1", "a1", "a1", "b1"].map(String::from).to_vec();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("golden.csv");
        assert_eq!(write_golden(&t, 0, &entities, &out).unwrap(), 2);
        let text = std::fs::read_to_string(&out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "entity_id,name,city,records,record_ids");
        // Two members say Acme SAS; the city is a tie between Lyon and Paris, won by the more
        // complete of the two records, a2 (tied with a3 on completeness, smaller id).
        assert_eq!(lines[1], "a1,ACME SAS,Lyon,3,a1 a2 a3");
        assert_eq!(lines[2], "b1,Bolt,Lille,1,b1");
    }
}
