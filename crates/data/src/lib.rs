//! cible-data: getting data in. Sources (CSV, Parquet, NDJSON; files, directories, globs) are
//! streamed in batches, mapped onto a canonical table, coerced to its types, checked, and
//! written as Parquet; every row that cannot be loaded goes to the rejects table with its
//! file, line, column, value and reason.
//!
//! ```no_run
//! use std::path::Path;
//! use cible_core::project::SourceConfig;
//! use cible_core::schema::TableKind;
//! use cible_data::{NamedSource, RejectsWriter, ingest_table};
//!
//! let spec = SourceConfig::new(TableKind::Orders, "erp/*.csv").check("", "")?;
//! let source = NamedSource { name: "erp".into(), spec };
//! let mut rejects = RejectsWriter::create(Path::new("out/rejects.csv"))?;
//! let summary = ingest_table(
//!     TableKind::Orders, &[source], Path::new("."), Path::new("out/orders.parquet"),
//!     &mut rejects, &|_| {},
//! )?;
//! rejects.finish()?;
//! println!("{} rows loaded, {} rejected", summary.rows_loaded, summary.rows_rejected);
//! # Ok::<(), cible_data::DataError>(())
//! ```
//!
//! Tests cover every coercion rule with real-world values (decimal comma, thousands
//! separators, dates in several orders, time zones), delimiter and encoding detection, column
//! mapping and its errors, and, end to end in `tests/ingest.rs`, malformed files (ragged rows,
//! bad numbers and dates, invalid UTF-8, embedded newlines, duplicate ids) producing exactly
//! the expected rejects with their line numbers, Latin-1 input, globs over several files,
//! NDJSON and Parquet sources. They do not cover PostgreSQL sources, which do not exist yet.

mod coerce;
mod convert;
mod error;
mod files;
mod ingest;
mod mapping;
mod read;
mod rejects;
mod rfm;
mod table;

pub use coerce::{parse_bool, parse_date, parse_integer, parse_number, parse_timestamp};
pub use error::DataError;
pub use files::{format_of, resolve_inputs};
pub use ingest::{
    FileSummary, IngestSummary, LINEAGE_COLUMNS, NamedSource, Progress, ingest_table, output_schema,
};
pub use mapping::normalize_name;
pub use read::{Detected, detect_delimiter, detect_encoding};
pub use rejects::{Reject, RejectReason, RejectsWriter};
pub use rfm::{CustomerRfm, Transaction, rfm};
pub use table::{TextTable, read_table};
