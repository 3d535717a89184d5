//! File writers: delimited text (UTF-8 or Windows-1252), NDJSON and Parquet, all fed with
//! [`Rows`].

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{ArrayBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::error::GenerateError;
use crate::rows::{Rows, encode_cp1252};

/// Buffer size of every writer: large, so that writes are few.
const BUFFER: usize = 1 << 20;
/// Rows gathered before a Parquet record batch is written.
const PARQUET_BATCH: usize = 64 * 1024;

/// How a delimited text file is written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CsvStyle {
    pub delimiter: u8,
    /// Windows-1252 instead of UTF-8.
    pub cp1252: bool,
    /// A UTF-8 byte-order mark first, as Excel writes.
    pub bom: bool,
    /// `\r\n` line ends.
    pub crlf: bool,
}

impl CsvStyle {
    /// Plain UTF-8, comma, `\n`: the truth files.
    pub(crate) const PLAIN: CsvStyle = CsvStyle {
        delimiter: b',',
        cp1252: false,
        bom: false,
        crlf: false,
    };
}

fn create(path: &Path) -> Result<BufWriter<File>, GenerateError> {
    let file = File::create(path).map_err(|source| GenerateError::Io {
        action: "create",
        path: path.to_path_buf(),
        source,
    })?;
    Ok(BufWriter::with_capacity(BUFFER, file))
}

fn write_error(path: &Path) -> impl FnOnce(std::io::Error) -> GenerateError + '_ {
    move |source| GenerateError::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    }
}

/// A file being written.
pub(crate) enum Sink {
    Csv {
        path: PathBuf,
        out: BufWriter<File>,
        style: CsvStyle,
        scratch: Vec<u8>,
        rows: u64,
    },
    Ndjson {
        path: PathBuf,
        out: BufWriter<File>,
        keys: Vec<&'static str>,
        /// The column written as raw JSON instead of a string.
        raw: usize,
        scratch: String,
        rows: u64,
    },
    Parquet {
        path: PathBuf,
        writer: Box<ArrowWriter<File>>,
        schema: SchemaRef,
        builders: Vec<StringBuilder>,
        rows: u64,
    },
}

impl Sink {
    /// A delimited text file with `headers`.
    pub(crate) fn csv(
        path: PathBuf,
        headers: &[&str],
        style: CsvStyle,
    ) -> Result<Self, GenerateError> {
        let out = create(&path)?;
        let mut sink = Sink::Csv {
            path,
            out,
            style,
            scratch: Vec::with_capacity(256),
            rows: 0,
        };
        if let Sink::Csv {
            path,
            out,
            style,
            scratch,
            ..
        } = &mut sink
        {
            if style.bom {
                out.write_all("\u{feff}".as_bytes())
                    .map_err(write_error(path))?;
            }
            scratch.clear();
            for (i, h) in headers.iter().enumerate() {
                push_csv_field(scratch, h, i, style);
            }
            scratch.extend_from_slice(if style.crlf { b"\r\n" } else { b"\n" });
            out.write_all(scratch).map_err(write_error(path))?;
        }
        Ok(sink)
    }

    /// A file of JSON objects, one per line, with `keys`; column `raw` holds JSON text.
    pub(crate) fn ndjson(
        path: PathBuf,
        keys: &[&'static str],
        raw: usize,
    ) -> Result<Self, GenerateError> {
        let out = create(&path)?;
        Ok(Sink::Ndjson {
            path,
            out,
            keys: keys.to_vec(),
            raw,
            scratch: String::with_capacity(512),
            rows: 0,
        })
    }

    /// A Parquet file of nullable Utf8 columns named `headers`.
    pub(crate) fn parquet(path: PathBuf, headers: &[&str]) -> Result<Self, GenerateError> {
        let file = File::create(&path).map_err(|source| GenerateError::Io {
            action: "create",
            path: path.clone(),
            source,
        })?;
        let schema: SchemaRef = Arc::new(Schema::new(
            headers
                .iter()
                .map(|h| Field::new(*h, DataType::Utf8, true))
                .collect::<Vec<_>>(),
        ));
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|source| {
            GenerateError::Parquet {
                path: path.clone(),
                source,
            }
        })?;
        Ok(Sink::Parquet {
            path,
            writer: Box::new(writer),
            builders: headers.iter().map(|_| StringBuilder::new()).collect(),
            schema,
            rows: 0,
        })
    }

    /// Appends `rows`.
    pub(crate) fn write(&mut self, rows: &Rows) -> Result<(), GenerateError> {
        match self {
            Sink::Csv {
                path,
                out,
                style,
                scratch,
                rows: count,
            } => {
                for r in 0..rows.len() {
                    scratch.clear();
                    for (i, field) in rows.row(r).enumerate() {
                        push_csv_field(scratch, field, i, style);
                    }
                    scratch.extend_from_slice(if style.crlf { b"\r\n" } else { b"\n" });
                    out.write_all(scratch).map_err(write_error(path))?;
                }
                *count += rows.len() as u64;
            }
            Sink::Ndjson {
                path,
                out,
                keys,
                raw,
                scratch,
                rows: count,
            } => {
                for r in 0..rows.len() {
                    scratch.clear();
                    scratch.push('{');
                    for (i, field) in rows.row(r).enumerate() {
                        if i > 0 {
                            scratch.push(',');
                        }
                        push_json_string(scratch, keys[i]);
                        scratch.push(':');
                        if field.is_empty() {
                            scratch.push_str("null");
                        } else if i == *raw {
                            scratch.push_str(field);
                        } else {
                            push_json_string(scratch, field);
                        }
                    }
                    scratch.push_str("}\n");
                    out.write_all(scratch.as_bytes())
                        .map_err(write_error(path))?;
                }
                *count += rows.len() as u64;
            }
            Sink::Parquet {
                builders,
                rows: count,
                ..
            } => {
                for r in 0..rows.len() {
                    for (b, field) in builders.iter_mut().zip(rows.row(r)) {
                        if field.is_empty() {
                            b.append_null();
                        } else {
                            b.append_value(field);
                        }
                    }
                }
                *count += rows.len() as u64;
                if builders[0].len() >= PARQUET_BATCH {
                    self.flush_parquet()?;
                }
            }
        }
        Ok(())
    }

    fn flush_parquet(&mut self) -> Result<(), GenerateError> {
        if let Sink::Parquet {
            path,
            writer,
            schema,
            builders,
            ..
        } = self
        {
            if builders[0].len() == 0 {
                return Ok(());
            }
            let columns: Vec<ArrayRef> = builders
                .iter_mut()
                .map(|b| Arc::new(b.finish()) as ArrayRef)
                .collect();
            let batch = RecordBatch::try_new(schema.clone(), columns).map_err(|e| {
                GenerateError::Parquet {
                    path: path.clone(),
                    source: e.into(),
                }
            })?;
            writer
                .write(&batch)
                .map_err(|source| GenerateError::Parquet {
                    path: path.clone(),
                    source,
                })?;
        }
        Ok(())
    }

    /// Flushes and closes the file; returns its path and number of data rows.
    pub(crate) fn finish(mut self) -> Result<(PathBuf, u64), GenerateError> {
        self.flush_parquet()?;
        match self {
            Sink::Csv {
                path,
                mut out,
                rows,
                ..
            }
            | Sink::Ndjson {
                path,
                mut out,
                rows,
                ..
            } => {
                out.flush().map_err(write_error(&path))?;
                out.into_inner()
                    .map_err(|e| write_error(&path)(e.into_error()))?
                    .sync_all()
                    .map_err(write_error(&path))?;
                Ok((path, rows))
            }
            Sink::Parquet {
                path, writer, rows, ..
            } => {
                let file = writer
                    .into_inner()
                    .map_err(|source| GenerateError::Parquet {
                        path: path.clone(),
                        source,
                    })?;
                file.sync_all().map_err(write_error(&path))?;
                Ok((path, rows))
            }
        }
    }
}

/// Appends one CSV field (with the delimiter before it unless it is the first), quoted when
/// it holds the delimiter, a quote or a line break, and encoded as the style says.
fn push_csv_field(out: &mut Vec<u8>, field: &str, index: usize, style: &CsvStyle) {
    if index > 0 {
        out.push(style.delimiter);
    }
    let quote = field
        .bytes()
        .any(|b| b == style.delimiter || b == b'"' || b == b'\n' || b == b'\r');
    let put = |text: &str, out: &mut Vec<u8>| {
        if style.cp1252 {
            encode_cp1252(text, out);
        } else {
            out.extend_from_slice(text.as_bytes());
        }
    };
    if quote {
        out.push(b'"');
        for (i, part) in field.split('"').enumerate() {
            if i > 0 {
                out.extend_from_slice(b"\"\"");
            }
            put(part, out);
        }
        out.push(b'"');
    } else {
        put(field, out);
    }
}

/// Appends `text` as a JSON string.
fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                use std::fmt::Write as _;
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        let style = CsvStyle {
            delimiter: b';',
            cp1252: true,
            bom: false,
            crlf: true,
        };
        let mut out = Vec::new();
        for (i, f) in ["Écran tactile 24\"", "a;b", "plain"].iter().enumerate() {
            push_csv_field(&mut out, f, i, &style);
        }
        assert_eq!(out, b"\"\xC9cran tactile 24\"\"\";\"a;b\";plain");
    }

    #[test]
    fn json_strings_are_escaped() {
        let mut s = String::new();
        push_json_string(&mut s, "a\"b\\c\u{1}é");
        assert_eq!(s, r#""a\"b\\c\u0001é""#);
    }
}
