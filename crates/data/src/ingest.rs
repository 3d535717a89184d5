//! Loading sources into a canonical table: read, map, coerce, check, write Parquet, and send
//! every row that cannot be loaded to the rejects table. Memory stays bounded by one batch per
//! file whatever the file size; columns of a batch are converted in parallel.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use arrow_array::cast::AsArray;
use arrow_array::{
    Array, ArrayRef, BooleanArray, Int64Array, RecordBatch, StringArray, new_null_array,
};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use cible_core::project::SourceSpec;
use cible_core::schema::{ColumnType, TableKind};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use rayon::prelude::*;
use serde::Serialize;

use crate::convert::{TextRules, convert_column};
use crate::files::{format_of, resolve_inputs};
use crate::mapping::{Mapping, normalize_name, resolve};
use crate::read::{Detected, SourceReader, TextRows, open};
use crate::{DataError, Reject, RejectReason, RejectsWriter};

/// Lineage columns added to every canonical table: where each row came from.
pub const LINEAGE_COLUMNS: [&str; 3] = ["_source", "_file", "_line"];

/// Progress of a load, for progress bars.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// A file is starting; `total` is its size in bytes (rows for Parquet).
    File {
        /// The file.
        path: &'a Path,
        /// What [`Progress::Advance`] counts up to.
        total: u64,
    },
    /// Bytes (rows for Parquet) of the current file done so far.
    Advance(u64),
}

/// A source to load: its name in the project file and its settings.
#[derive(Debug, Clone)]
pub struct NamedSource {
    /// Name (`crm`, or `cli` for `cible ingest`).
    pub name: String,
    /// Checked settings.
    pub spec: SourceSpec,
}

/// What happened to one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileSummary {
    /// Source name.
    pub source: String,
    /// The file.
    pub path: PathBuf,
    /// csv, parquet or ndjson.
    pub format: String,
    /// Detected encoding and delimiter.
    #[serde(flatten)]
    pub detected: Detected,
    /// Size in bytes.
    pub bytes: u64,
    /// Rows read (rejected ones included).
    pub rows_read: u64,
    /// Rows written to the table.
    pub rows_loaded: u64,
    /// Rows sent to the rejects table.
    pub rows_rejected: u64,
    /// Canonical column ← source column.
    pub mapping: BTreeMap<String, String>,
    /// Source columns that feed nothing.
    pub unmapped: Vec<String>,
}

/// What happened to one canonical table.
#[derive(Debug, Clone, Serialize)]
pub struct IngestSummary {
    /// The canonical table.
    pub table: String,
    /// The Parquet file written.
    pub output: PathBuf,
    /// Rows read, rejected ones included.
    pub rows_read: u64,
    /// Rows written.
    pub rows_loaded: u64,
    /// Rows rejected (each has at least one line in the rejects table).
    pub rows_rejected: u64,
    /// Reject lines by reason category.
    pub rejects_by_reason: BTreeMap<String, u64>,
    /// Per file.
    pub files: Vec<FileSummary>,
    /// Wall time.
    pub seconds: f64,
}

/// Loads every file of `sources` (all of kind `kind`) into one Parquet table at `output`,
/// appending rejected rows to `rejects`. Relative source paths are resolved against `base`.
pub fn ingest_table(
    kind: TableKind,
    sources: &[NamedSource],
    base: &Path,
    output: &Path,
    rejects: &mut RejectsWriter,
    progress: &dyn Fn(Progress<'_>),
) -> Result<IngestSummary, DataError> {
    let started = Instant::now();
    let kept: Vec<String> = {
        let mut names: Vec<String> = Vec::new();
        for source in sources {
            for k in &source.spec.keep {
                let name = normalize_name(k);
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        names
    };
    let schema = output_schema(kind, &kept);
    let file = File::create(output).map_err(DataError::io(output))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let parquet_error = |e: parquet::errors::ParquetError| DataError::Parquet {
        path: output.to_path_buf(),
        message: e.to_string(),
    };
    let mut writer =
        ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(parquet_error)?;
    let mut table = TableState {
        kind,
        schema,
        kept,
        seen_ids: HashMap::new(),
        by_reason: BTreeMap::new(),
    };
    let mut files = Vec::new();
    for source in sources {
        if source.spec.kind != kind {
            return Err(DataError::Internal(format!(
                "source {} of kind {} loaded into {kind}",
                source.name, source.spec.kind
            )));
        }
        for path in resolve_inputs(base, &source.spec.path)? {
            let summary = table.load_file(source, base, &path, &mut writer, rejects, progress)?;
            files.push(summary);
        }
    }
    let file = writer.into_inner().map_err(parquet_error)?;
    file.sync_all().map_err(DataError::io(output))?;
    let rows_read = files.iter().map(|f| f.rows_read).sum();
    let rows_loaded = files.iter().map(|f| f.rows_loaded).sum();
    Ok(IngestSummary {
        table: kind.name().into(),
        output: output.to_path_buf(),
        rows_read,
        rows_loaded,
        rows_rejected: rows_read - rows_loaded,
        rejects_by_reason: table.by_reason,
        files,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The schema of a loaded table: canonical columns, kept columns, lineage.
pub fn output_schema(kind: TableKind, kept: &[String]) -> SchemaRef {
    let mut fields: Vec<Field> = kind.columns().iter().map(|c| c.arrow_field()).collect();
    fields.extend(kept.iter().map(|k| Field::new(k, DataType::Utf8, true)));
    fields.push(Field::new(LINEAGE_COLUMNS[0], DataType::Utf8, false));
    fields.push(Field::new(LINEAGE_COLUMNS[1], DataType::Utf8, false));
    fields.push(Field::new(LINEAGE_COLUMNS[2], DataType::Int64, false));
    Arc::new(Schema::new(fields))
}

/// What the reading thread sends: a batch (none at the end), the rows it rejected, and how far
/// it got.
type ReadBatch = Result<(Option<Box<dyn TextRows>>, Vec<Reject>, u64), DataError>;

struct TableState {
    kind: TableKind,
    schema: SchemaRef,
    kept: Vec<String>,
    /// Id → file and line of its first occurrence, across every file of the table.
    seen_ids: HashMap<String, (Arc<Path>, u64)>,
    by_reason: BTreeMap<String, u64>,
}

impl TableState {
    fn load_file(
        &mut self,
        source: &NamedSource,
        base: &Path,
        path: &Path,
        writer: &mut ArrowWriter<File>,
        rejects_out: &mut RejectsWriter,
        progress: &dyn Fn(Progress<'_>),
    ) -> Result<FileSummary, DataError> {
        let spec = &source.spec;
        let format = format_of(path, spec.format)?;
        let bytes = std::fs::metadata(path).map_err(DataError::io(path))?.len();
        let mut reader = open(path, format, spec.delimiter, spec.encoding)?;
        let mapping = resolve(spec, path, reader.columns())?;
        progress(Progress::File {
            path,
            total: reader.progress_total(),
        });
        let shown = path.strip_prefix(base).unwrap_or(path).to_path_buf();
        let rules = TextRules::new(spec);
        let mut loaded = 0u64;
        // The next batch is read on another thread while this one is converted and written.
        let reader = std::thread::scope(|scope| -> Result<Box<dyn SourceReader>, DataError> {
            let (tx, rx) = std::sync::mpsc::sync_channel::<ReadBatch>(1);
            let read = scope.spawn(move || {
                loop {
                    let mut rejects = Vec::new();
                    let next = reader.next_batch(&mut rejects);
                    let done = !matches!(next, Ok(Some(_)));
                    let sent = tx.send(next.map(|rows| (rows, rejects, reader.progress())));
                    if done || sent.is_err() {
                        break;
                    }
                }
                reader
            });
            for message in rx {
                let (rows, mut rejects, done) = message?;
                if let Some(rows) = rows {
                    let batch = self.convert_batch(
                        &*rows,
                        &mapping,
                        &rules,
                        &source.name,
                        &shown,
                        path,
                        &mut rejects,
                    )?;
                    loaded += batch.num_rows() as u64;
                    if batch.num_rows() > 0 {
                        writer.write(&batch).map_err(|e| DataError::Parquet {
                            path: path.to_path_buf(),
                            message: e.to_string(),
                        })?;
                    }
                }
                self.flush_rejects(&mut rejects, &shown, rejects_out)?;
                progress(Progress::Advance(done));
            }
            read.join().map_err(|_| {
                DataError::Internal(format!("the reader of {} panicked", path.display()))
            })
        })?;
        progress(Progress::Advance(reader.progress_total()));
        Ok(FileSummary {
            source: source.name.clone(),
            path: shown,
            format: format.to_string(),
            detected: reader.detected(),
            bytes,
            rows_read: reader.rows_seen(),
            rows_loaded: loaded,
            rows_rejected: reader.rows_seen() - loaded,
            mapping: mapping
                .columns
                .iter()
                .filter_map(|c| {
                    c.source
                        .as_ref()
                        .map(|(_, s)| (c.def.name.to_string(), s.clone()))
                })
                .chain(
                    mapping
                        .keep
                        .iter()
                        .map(|k| (k.name.clone(), k.source_name.clone())),
                )
                .collect(),
            unmapped: mapping.unmapped.clone(),
        })
    }

    fn flush_rejects(
        &mut self,
        rejects: &mut Vec<Reject>,
        shown: &Path,
        out: &mut RejectsWriter,
    ) -> Result<(), DataError> {
        rejects.sort_by_key(|r| r.line);
        for r in rejects.iter_mut() {
            r.file = shown.to_path_buf();
            *self
                .by_reason
                .entry(r.reason.category().to_string())
                .or_default() += 1;
        }
        out.write(rejects)?;
        rejects.clear();
        Ok(())
    }

    /// Converts a batch, appends its problems to `rejects` and returns the good rows.
    #[allow(clippy::too_many_arguments)]
    fn convert_batch(
        &mut self,
        rows: &dyn TextRows,
        mapping: &Mapping,
        rules: &TextRules<'_>,
        source: &str,
        shown: &Path,
        path: &Path,
        rejects: &mut Vec<Reject>,
    ) -> Result<RecordBatch, DataError> {
        let n = rows.len();
        let converted: Vec<_> = mapping
            .columns
            .par_iter()
            .map(|c| match &c.source {
                Some((i, _)) => {
                    let format = rules.spec.formats.get(c.def.name).map(String::as_str);
                    convert_column(rows, *i, c.def.ty, format, rules)
                }
                None => (new_null_array(&c.def.ty.data_type(), n), Vec::new()),
            })
            .collect();
        let reject = |row: usize, column: &str, value: String, reason: RejectReason| Reject {
            file: path.to_path_buf(),
            line: rows.line(row),
            column: column.to_string(),
            value,
            reason,
        };
        let mut bad_row = vec![false; n];
        for (c, (array, bad)) in mapping.columns.iter().zip(&converted) {
            let column = c.source.as_ref().map_or("", |(_, s)| s.as_str());
            let mut bad_here = vec![false; if c.def.required { n } else { 0 }];
            for b in bad {
                bad_row[b.row] = true;
                if c.def.required {
                    bad_here[b.row] = true;
                }
                let reason = RejectReason::Unparsable {
                    expected: b.expected.clone(),
                };
                rejects.push(reject(b.row, column, b.value.clone(), reason));
            }
            if c.def.required {
                for row in (0..n).filter(|&r| array.is_null(r) && !bad_here[r]) {
                    bad_row[row] = true;
                    rejects.push(reject(
                        row,
                        column,
                        String::new(),
                        RejectReason::MissingRequired,
                    ));
                }
            }
        }
        let array_of = |name: &str| {
            mapping
                .columns
                .iter()
                .position(|c| c.def.name == name)
                .map(|i| &converted[i].0)
        };
        if self.kind == TableKind::Events
            && let (Some(account), Some(contact)) = (array_of("account_id"), array_of("contact_id"))
        {
            for (row, bad) in bad_row.iter_mut().enumerate() {
                if !*bad && account.is_null(row) && contact.is_null(row) {
                    *bad = true;
                    rejects.push(reject(
                        row,
                        "",
                        String::new(),
                        RejectReason::NoAccountOrContact,
                    ));
                }
            }
        }
        let ids = converted[0].0.as_string::<i32>();
        let id_column = mapping.columns[0]
            .source
            .as_ref()
            .map_or("", |(_, s)| s.as_str());
        let here: Arc<Path> = Arc::from(shown);
        for (row, bad) in bad_row.iter_mut().enumerate() {
            if *bad {
                continue;
            }
            let id = ids.value(row);
            if let Some((file, line)) = self.seen_ids.get(id) {
                *bad = true;
                let reason = RejectReason::DuplicateId {
                    first_seen: format!("{}:{line}", file.display()),
                };
                rejects.push(reject(row, id_column, id.to_string(), reason));
            } else {
                self.seen_ids
                    .insert(id.to_string(), (here.clone(), rows.line(row)));
            }
        }
        let mut columns: Vec<ArrayRef> = converted.into_iter().map(|(a, _)| a).collect();
        for name in &self.kept {
            let kept = mapping.keep.iter().find(|k| &k.name == name);
            columns.push(match kept {
                Some(k) => convert_column(rows, k.source, ColumnType::Text, None, rules).0,
                None => new_null_array(&DataType::Utf8, n),
            });
        }
        let file_name = shown.display().to_string();
        columns.push(Arc::new(StringArray::from_iter_values(
            std::iter::repeat_n(source, n),
        )));
        columns.push(Arc::new(StringArray::from_iter_values(
            std::iter::repeat_n(file_name.as_str(), n),
        )));
        columns.push(Arc::new(Int64Array::from_iter_values(
            (0..n).map(|r| rows.line(r) as i64),
        )));
        let keep = BooleanArray::from(bad_row.iter().map(|b| !b).collect::<Vec<_>>());
        let filtered: Vec<ArrayRef> = columns
            .iter()
            .map(|c| arrow_select::filter::filter(c, &keep))
            .collect::<Result<_, _>>()?;
        Ok(RecordBatch::try_new(self.schema.clone(), filtered)?)
    }
}
