//! Reading any CSV, Parquet or NDJSON file whole, as text columns, for the stages that work on
//! arbitrary tables (`cible dedup`, `cible cluster`). Rows that cannot be read (a wrong number
//! of fields, invalid UTF-8) are returned as rejects, not dropped.

use std::path::Path;

use cible_core::project::{DEFAULT_NULL_VALUES, Encoding, SourceFormat};

use crate::files::format_of;
use crate::read::open;
use crate::{DataError, Reject};

/// A whole table as text, column by column.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextTable {
    /// Column names, in file order.
    pub columns: Vec<String>,
    /// Per column, one value per row; `None` when missing (empty or a null marker such as
    /// `NA`).
    pub values: Vec<Vec<Option<String>>>,
    /// Per row, its physical line (CSV, NDJSON) or row number (Parquet).
    pub lines: Vec<u64>,
}

impl TextTable {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether the table has no row.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Position of a column, or an error listing the columns there are.
    pub fn column_index(&self, path: &Path, name: &str) -> Result<usize, DataError> {
        self.columns
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| DataError::UnknownColumn {
                path: path.to_path_buf(),
                column: name.into(),
                available: self.columns.clone(),
            })
    }
}

/// Reads `path` whole. `format` defaults to the extension; `delimiter` (CSV) to detection.
pub fn read_table(
    path: &Path,
    format: Option<SourceFormat>,
    delimiter: Option<u8>,
    encoding: Encoding,
) -> Result<(TextTable, Vec<Reject>), DataError> {
    let format = format_of(path, format)?;
    let mut reader = open(path, format, delimiter, encoding)?;
    let columns = reader.columns().to_vec();
    let mut values: Vec<Vec<Option<String>>> = vec![Vec::new(); columns.len()];
    let mut lines = Vec::new();
    let mut rejects = Vec::new();
    let is_null = |t: &str| {
        let t = t.trim();
        t.is_empty()
            || DEFAULT_NULL_VALUES
                .iter()
                .any(|n| n.eq_ignore_ascii_case(t))
    };
    while let Some(rows) = reader.next_batch(&mut rejects)? {
        for row in 0..rows.len() {
            lines.push(rows.line(row));
            for (c, column) in values.iter_mut().enumerate() {
                let cell = rows.cell(row, c).filter(|t| !is_null(t));
                column.push(cell.map(|t| t.trim().to_string()));
            }
        }
    }
    for r in &mut rejects {
        r.file = path.to_path_buf();
    }
    Ok((
        TextTable {
            columns,
            values,
            lines,
        },
        rejects,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_file_reads_as_text_columns_with_rejects_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("people.csv");
        std::fs::write(&path, "id;name;city\n1;Zoé;Paris\n2;Luc\n3;NA;\"Lyon\"\n").unwrap();
        let (table, rejects) = read_table(&path, None, None, Encoding::Auto).unwrap();
        assert_eq!(table.columns, ["id", "name", "city"]);
        assert_eq!(table.values[1], [Some("Zoé".to_string()), None]);
        assert_eq!(
            table.values[2],
            [Some("Paris".to_string()), Some("Lyon".to_string())]
        );
        assert_eq!(table.lines, [2, 4]);
        assert_eq!(rejects.len(), 1);
        assert_eq!(rejects[0].line, 3);
        assert_eq!(
            table.column_index(&path, "email").unwrap_err().to_string(),
            format!(
                "{}: no column \"email\"; available columns: id, name, city",
                path.display()
            )
        );
    }
}
