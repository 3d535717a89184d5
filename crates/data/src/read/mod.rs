//! Readers that stream a source file as batches of text cells with their line numbers.
//!
//! Every format ends up as [`TextRows`]: typed Parquet columns are rendered as text and go
//! through the same coercion as CSV, so a value is accepted or rejected by the same rules
//! whatever file it came from. Row-level problems found while reading (a wrong number of
//! fields, invalid UTF-8, a line that is not JSON) become rejects; the reader goes on.

mod csv_file;
mod ndjson_file;
mod parquet_file;

use std::path::Path;

use cible_core::project::{Encoding, SourceFormat};

pub use csv_file::{detect_delimiter, detect_encoding};

use crate::{DataError, Reject};

/// Rows per batch: large enough to amortise per-batch work, small enough to bound memory.
pub(crate) const BATCH_ROWS: usize = 65_536;

/// A batch of rows as text cells.
pub(crate) trait TextRows: Send + Sync {
    /// Number of rows.
    fn len(&self) -> usize;
    /// Physical line (CSV, NDJSON) or row number (Parquet) of a row, 1-based.
    fn line(&self, row: usize) -> u64;
    /// The text of a cell, `None` when absent.
    fn cell(&self, row: usize, col: usize) -> Option<&str>;
    /// Whether a source column was typed (Parquet numbers and dates rendered as text), in
    /// which case numbers always use a decimal point.
    fn is_typed(&self, _col: usize) -> bool {
        false
    }
    /// A typed source column as read (Parquet), to be used as it is when it already has the
    /// canonical type.
    fn typed_column(&self, _col: usize) -> Option<&arrow_array::ArrayRef> {
        None
    }
}

/// A source file opened for reading.
pub(crate) trait SourceReader: Send {
    /// Source column names, in file order.
    fn columns(&self) -> &[String];
    /// Reads the next batch; rows rejected while reading are appended to `rejects` and counted
    /// in [`rows_seen`](Self::rows_seen). `None` at the end of the file.
    fn next_batch(
        &mut self,
        rejects: &mut Vec<Reject>,
    ) -> Result<Option<Box<dyn TextRows>>, DataError>;
    /// Rows read so far, rejected ones included.
    fn rows_seen(&self) -> u64;
    /// Bytes (or, for Parquet, rows) consumed so far, for progress.
    fn progress(&self) -> u64;
    /// The total that [`progress`](Self::progress) goes up to.
    fn progress_total(&self) -> u64;
    /// What was detected about the file: encoding and delimiter for CSV.
    fn detected(&self) -> Detected {
        Detected::default()
    }
}

/// Properties of a file that were detected rather than configured.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Detected {
    /// Text encoding used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// CSV delimiter used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
}

/// Opens `path` in `format`; `delimiter` and `encoding` apply to CSV.
pub(crate) fn open(
    path: &Path,
    format: SourceFormat,
    delimiter: Option<u8>,
    encoding: Encoding,
) -> Result<Box<dyn SourceReader>, DataError> {
    Ok(match format {
        SourceFormat::Csv => Box::new(csv_file::CsvReader::open(path, delimiter, encoding)?),
        SourceFormat::Ndjson => Box::new(ndjson_file::NdjsonReader::open(path)?),
        SourceFormat::Parquet => Box::new(parquet_file::ParquetReader::open(path)?),
    })
}
