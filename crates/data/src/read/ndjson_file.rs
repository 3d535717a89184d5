//! Newline-delimited JSON: one object per line. Columns are the keys seen in the first batch
//! (65,536 lines), in key order; nested objects and arrays are kept as their JSON text.
//! Lines are read sequentially and parsed in parallel, without copying values that need no
//! unescaping.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::value::RawValue;

use super::{BATCH_ROWS, SourceReader, TextRows};
use crate::rejects::excerpt;
use crate::{DataError, Reject, RejectReason};

pub(crate) struct NdjsonReader {
    path: PathBuf,
    reader: BufReader<File>,
    columns: Vec<String>,
    index: HashMap<String, usize>,
    /// The first batch, parsed at open time to learn the columns.
    pending: Option<(Vec<Parsed>, Vec<u64>)>,
    line: u64,
    offset: u64,
    total: u64,
    rows_seen: u64,
    done: bool,
}

/// A line's keys and values as text, or why it is not an object and the start of the line.
type Parsed = Result<Vec<(String, Option<String>)>, (String, String)>;

struct JsonRows {
    width: usize,
    cells: Vec<Option<String>>,
    lines: Vec<u64>,
}

impl TextRows for JsonRows {
    fn len(&self) -> usize {
        self.lines.len()
    }

    fn line(&self, row: usize) -> u64 {
        self.lines[row]
    }

    fn cell(&self, row: usize, col: usize) -> Option<&str> {
        self.cells[row * self.width + col].as_deref()
    }
}

/// The text of a JSON value: strings unescaped, `null` as missing, anything else as written.
fn text_of(raw: &RawValue) -> Option<String> {
    let text = raw.get();
    if text.starts_with('"') {
        serde_json::from_str::<Cow<'_, str>>(text)
            .ok()
            .map(Cow::into_owned)
    } else if text == "null" {
        None
    } else {
        Some(text.to_string())
    }
}

fn parse_line(line: &[u8]) -> Parsed {
    let object: BTreeMap<Cow<'_, str>, &RawValue> = serde_json::from_slice(line).map_err(|e| {
        (
            e.to_string(),
            excerpt(String::from_utf8_lossy(line).trim_end()),
        )
    })?;
    Ok(object
        .into_iter()
        .map(|(k, v)| (k.into_owned(), text_of(v)))
        .collect())
}

impl NdjsonReader {
    pub(crate) fn open(path: &Path) -> Result<Self, DataError> {
        let file = File::open(path).map_err(DataError::io(path))?;
        let total = file.metadata().map_err(DataError::io(path))?.len();
        let mut this = Self {
            path: path.to_path_buf(),
            reader: BufReader::with_capacity(256 * 1024, file),
            columns: Vec::new(),
            index: HashMap::new(),
            pending: None,
            line: 0,
            offset: 0,
            total,
            rows_seen: 0,
            done: false,
        };
        let (parsed, lines) = this.read_parsed()?;
        let keys: BTreeSet<&str> = parsed
            .iter()
            .flatten()
            .flatten()
            .map(|(k, _)| k.as_str())
            .collect();
        this.columns = keys.into_iter().map(str::to_string).collect();
        this.index = this
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), i))
            .collect();
        if this.columns.is_empty() {
            return Err(DataError::Empty {
                path: path.to_path_buf(),
            });
        }
        this.pending = Some((parsed, lines));
        Ok(this)
    }

    /// Reads up to a batch of non-blank lines and parses them in parallel.
    fn read_parsed(&mut self) -> Result<(Vec<Parsed>, Vec<u64>), DataError> {
        let mut raw: Vec<Vec<u8>> = Vec::with_capacity(BATCH_ROWS.min(4096));
        let mut lines = Vec::with_capacity(BATCH_ROWS.min(4096));
        while raw.len() < BATCH_ROWS {
            let mut buf = Vec::with_capacity(256);
            let n = self
                .reader
                .read_until(b'\n', &mut buf)
                .map_err(DataError::io(&self.path))?;
            if n == 0 {
                self.done = true;
                break;
            }
            self.offset += n as u64;
            self.line += 1;
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            raw.push(buf);
            lines.push(self.line);
        }
        self.rows_seen += raw.len() as u64;
        let parsed = raw.par_iter().map(|l| parse_line(l)).collect();
        Ok((parsed, lines))
    }

    /// Lays parsed lines out as rows; lines that are not objects become rejects.
    fn to_rows(&self, parsed: Vec<Parsed>, lines: Vec<u64>, rejects: &mut Vec<Reject>) -> JsonRows {
        let width = self.columns.len();
        let mut cells = Vec::with_capacity(parsed.len() * width);
        let mut kept = Vec::with_capacity(parsed.len());
        for (result, line) in parsed.into_iter().zip(lines) {
            match result {
                Ok(values) => {
                    let start = cells.len();
                    cells.resize(start + width, None);
                    for (key, value) in values {
                        if let Some(&col) = self.index.get(&key) {
                            cells[start + col] = value;
                        }
                    }
                    kept.push(line);
                }
                Err((detail, value)) => rejects.push(Reject {
                    file: self.path.clone(),
                    line,
                    column: String::new(),
                    value,
                    reason: RejectReason::NotJsonObject { detail },
                }),
            }
        }
        JsonRows {
            width,
            cells,
            lines: kept,
        }
    }
}

impl SourceReader for NdjsonReader {
    fn columns(&self) -> &[String] {
        &self.columns
    }

    fn next_batch(
        &mut self,
        rejects: &mut Vec<Reject>,
    ) -> Result<Option<Box<dyn TextRows>>, DataError> {
        let (parsed, lines) = match self.pending.take() {
            Some(first) => first,
            None if self.done => return Ok(None),
            None => self.read_parsed()?,
        };
        let rows = self.to_rows(parsed, lines, rejects);
        Ok(Some(Box::new(rows)))
    }

    fn rows_seen(&self) -> u64 {
        self.rows_seen
    }

    fn progress(&self) -> u64 {
        self.offset
    }

    fn progress_total(&self) -> u64 {
        self.total
    }
}
