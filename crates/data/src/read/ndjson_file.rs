//! Newline-delimited JSON: one object per line. Columns are the keys seen in the first
//! batch, in order of first appearance; nested objects and arrays are kept as JSON text.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{BATCH_ROWS, SourceReader, TextRows};
use crate::rejects::excerpt;
use crate::{DataError, Reject, RejectReason};

pub(crate) struct NdjsonReader {
    path: PathBuf,
    reader: BufReader<File>,
    columns: Vec<String>,
    index: HashMap<String, usize>,
    /// The first batch, read at open time to learn the columns.
    pending: Option<(JsonRows, Vec<Reject>)>,
    line: u64,
    offset: u64,
    total: u64,
    rows_seen: u64,
    done: bool,
}

/// A parsed line: its number and its object.
type LineObject = (u64, Map<String, Value>);

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

fn text_of(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
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
        let objects = this.read_objects()?;
        for (_, object) in &objects.0 {
            for key in object.keys() {
                if !this.index.contains_key(key) {
                    this.index.insert(key.clone(), this.columns.len());
                    this.columns.push(key.clone());
                }
            }
        }
        if this.columns.is_empty() {
            return Err(DataError::Empty {
                path: path.to_path_buf(),
            });
        }
        let rows = this.to_rows(objects.0);
        this.pending = Some((rows, objects.1));
        Ok(this)
    }

    /// Reads up to a batch of lines as objects; lines that are not objects become rejects.
    fn read_objects(&mut self) -> Result<(Vec<LineObject>, Vec<Reject>), DataError> {
        let mut objects = Vec::new();
        let mut rejects = Vec::new();
        let mut buf = Vec::new();
        while objects.len() < BATCH_ROWS {
            buf.clear();
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
            self.rows_seen += 1;
            match serde_json::from_slice::<Map<String, Value>>(&buf) {
                Ok(object) => objects.push((self.line, object)),
                Err(e) => rejects.push(Reject {
                    file: self.path.clone(),
                    line: self.line,
                    column: String::new(),
                    value: excerpt(String::from_utf8_lossy(&buf).trim_end()),
                    reason: RejectReason::NotJsonObject {
                        detail: e.to_string(),
                    },
                }),
            }
        }
        Ok((objects, rejects))
    }

    fn to_rows(&self, objects: Vec<LineObject>) -> JsonRows {
        let width = self.columns.len();
        let mut cells = vec![None; objects.len() * width];
        let mut lines = Vec::with_capacity(objects.len());
        for (row, (line, object)) in objects.into_iter().enumerate() {
            lines.push(line);
            for (key, value) in object {
                // Columns are the keys of the first batch (65,536 lines); a key that first
                // appears later has no column and is not loaded.
                if let Some(&col) = self.index.get(&key) {
                    cells[row * width + col] = text_of(value);
                }
            }
        }
        JsonRows {
            width,
            cells,
            lines,
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
        if let Some((rows, first_rejects)) = self.pending.take() {
            rejects.extend(first_rejects);
            return Ok(Some(Box::new(rows)));
        }
        if self.done {
            return Ok(None);
        }
        let (objects, new_rejects) = self.read_objects()?;
        rejects.extend(new_rejects);
        Ok(Some(Box::new(self.to_rows(objects))))
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
