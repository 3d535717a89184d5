//! Parquet files, read by record batches. A typed column (numbers, dates, timestamps,
//! booleans) that already has the canonical column's type is taken as it is; any other column
//! is rendered as text by Arrow's cast and goes through the same coercion and checks as every
//! other source. Line numbers are row numbers.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, StringArray};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};

use super::{BATCH_ROWS, SourceReader, TextRows};
use crate::{DataError, Reject};

pub(crate) struct ParquetReader {
    path: PathBuf,
    reader: ParquetRecordBatchReader,
    columns: Vec<String>,
    typed: Vec<bool>,
    rows_seen: u64,
    total: u64,
}

struct ParquetRows {
    first_row: u64,
    len: usize,
    /// The columns as read.
    columns: Vec<ArrayRef>,
    /// The same columns as text, rendered on first use.
    text: Vec<OnceLock<StringArray>>,
    typed: Vec<bool>,
}

impl ParquetRows {
    fn text(&self, col: usize) -> &StringArray {
        self.text[col].get_or_init(|| {
            let column = &self.columns[col];
            match arrow_cast::cast(column, &DataType::Utf8) {
                Ok(text) => text.as_string::<i32>().clone(),
                // Types without a cast to text (structs, maps) are rendered by Arrow's display.
                Err(_) => {
                    let formatter =
                        ArrayFormatter::try_new(column.as_ref(), &FormatOptions::default());
                    (0..column.len())
                        .map(|i| {
                            let f = formatter.as_ref().ok()?;
                            column.is_valid(i).then(|| f.value(i).to_string())
                        })
                        .collect()
                }
            }
        })
    }
}

impl TextRows for ParquetRows {
    fn len(&self) -> usize {
        self.len
    }

    fn line(&self, row: usize) -> u64 {
        self.first_row + row as u64
    }

    fn cell(&self, row: usize, col: usize) -> Option<&str> {
        let column = self.text(col);
        column.is_valid(row).then(|| column.value(row))
    }

    fn is_typed(&self, col: usize) -> bool {
        self.typed[col]
    }

    fn typed_column(&self, col: usize) -> Option<&ArrayRef> {
        self.typed[col].then(|| &self.columns[col])
    }
}

impl ParquetReader {
    pub(crate) fn open(path: &Path) -> Result<Self, DataError> {
        let parquet_error = |e: parquet::errors::ParquetError| DataError::Parquet {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let file = File::open(path).map_err(DataError::io(path))?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet_error)?;
        let total = builder.metadata().file_metadata().num_rows().max(0) as u64;
        let schema = builder.schema().clone();
        let columns = schema.fields().iter().map(|f| f.name().clone()).collect();
        let typed = schema
            .fields()
            .iter()
            .map(|f| {
                !matches!(
                    f.data_type(),
                    DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
                )
            })
            .collect();
        let reader = builder
            .with_batch_size(BATCH_ROWS)
            .build()
            .map_err(parquet_error)?;
        Ok(Self {
            path: path.to_path_buf(),
            reader,
            columns,
            typed,
            rows_seen: 0,
            total,
        })
    }
}

impl SourceReader for ParquetReader {
    fn columns(&self) -> &[String] {
        &self.columns
    }

    fn next_batch(
        &mut self,
        _rejects: &mut Vec<Reject>,
    ) -> Result<Option<Box<dyn TextRows>>, DataError> {
        let Some(batch) = self.reader.next() else {
            return Ok(None);
        };
        let batch = batch.map_err(|e| DataError::Parquet {
            path: self.path.clone(),
            message: e.to_string(),
        })?;
        let rows = ParquetRows {
            first_row: self.rows_seen + 1,
            len: batch.num_rows(),
            columns: batch.columns().to_vec(),
            text: (0..batch.num_columns()).map(|_| OnceLock::new()).collect(),
            typed: self.typed.clone(),
        };
        self.rows_seen += batch.num_rows() as u64;
        Ok(Some(Box::new(rows)))
    }

    fn rows_seen(&self) -> u64 {
        self.rows_seen
    }

    fn progress(&self) -> u64 {
        self.rows_seen
    }

    fn progress_total(&self) -> u64 {
        self.total
    }
}
