//! Delimited text: delimiter and encoding detection, quoted fields with embedded newlines,
//! UTF-8 or Windows-1252, physical line numbers.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use cible_core::project::Encoding;
use csv::{ByteRecord, StringRecord};

use super::{BATCH_ROWS, Detected, SourceReader, TextRows};
use crate::rejects::excerpt;
use crate::{DataError, Reject, RejectReason};

const SAMPLE_BYTES: usize = 64 * 1024;
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const CANDIDATE_DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// The encoding a sample of a file is in: UTF-8 when it decodes as UTF-8 (a character cut at
/// the end of the sample is allowed), otherwise Windows-1252.
pub fn detect_encoding(sample: &[u8]) -> Encoding {
    let sample = sample.strip_prefix(UTF8_BOM).unwrap_or(sample);
    match std::str::from_utf8(sample) {
        Ok(_) => Encoding::Utf8,
        Err(e) if e.error_len().is_none() => Encoding::Utf8,
        Err(_) => Encoding::Latin1,
    }
}

/// The delimiter of a sample among `,`, `;`, tab and `|`: the one that splits the header into
/// the most fields while giving the most following rows the header's field count. `,` when
/// none splits the header.
pub fn detect_delimiter(sample: &[u8], truncated: bool) -> u8 {
    let mut best = (0usize, b',');
    for delimiter in CANDIDATE_DELIMITERS {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(sample);
        let mut counts = Vec::new();
        let mut record = ByteRecord::new();
        while counts.len() < 100 && reader.read_byte_record(&mut record).unwrap_or(false) {
            counts.push(record.len());
        }
        if truncated && counts.len() > 1 {
            counts.pop();
        }
        let Some((&header, rows)) = counts.split_first() else {
            continue;
        };
        if header < 2 {
            continue;
        }
        let consistent = rows.iter().filter(|&&n| n == header).count();
        let share = if rows.is_empty() {
            1000
        } else {
            consistent * 1000 / rows.len()
        };
        let score = share * 1000 + header.min(999);
        if score > best.0 {
            best = (score, delimiter);
        }
    }
    best.1
}

/// Passes bytes through while remembering where the line feeds are, so that records get their
/// physical line numbers whatever the line endings, blank lines or quoted newlines (the CSV
/// parser's own count skips some of them).
struct LineCounter<R> {
    inner: R,
    offset: u64,
    /// Offsets of carriage returns and line feeds not yet passed by a record, in order, with
    /// whether each is a line feed.
    breaks: VecDeque<(u64, bool)>,
    /// Line feeds before the last record asked about.
    passed: u64,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let offset = self.offset;
        self.breaks.extend(
            memchr::memchr2_iter(b'\n', b'\r', &buf[..n])
                .map(|i| (offset + i as u64, buf[i] == b'\n')),
        );
        self.offset += n as u64;
        Ok(n)
    }
}

impl<R> LineCounter<R> {
    /// The 1-based line where a record reported at byte `offset` starts; offsets must be asked
    /// in increasing order. The parser reports a record at the end of the previous one, so
    /// line breaks (and blank lines) right at `offset` are skipped first.
    fn line_at(&mut self, mut offset: u64) -> u64 {
        while let Some(&(at, is_feed)) = self.breaks.front() {
            if at <= offset {
                if at == offset {
                    offset += 1;
                }
                self.breaks.pop_front();
                self.passed += u64::from(is_feed);
            } else {
                break;
            }
        }
        self.passed + 1
    }
}

/// Reads a delimited text file.
pub(crate) struct CsvReader {
    path: PathBuf,
    reader: csv::Reader<LineCounter<BufReader<File>>>,
    columns: Vec<String>,
    encoding: Encoding,
    delimiter: u8,
    offset: u64,
    total: u64,
    rows_seen: u64,
    done: bool,
}

impl CsvReader {
    pub(crate) fn open(
        path: &Path,
        delimiter: Option<u8>,
        encoding: Encoding,
    ) -> Result<Self, DataError> {
        let io = DataError::io;
        let mut file = File::open(path).map_err(io(path))?;
        let total = file.metadata().map_err(io(path))?.len();
        let mut sample = Vec::with_capacity(SAMPLE_BYTES);
        (&mut file)
            .take(SAMPLE_BYTES as u64)
            .read_to_end(&mut sample)
            .map_err(io(path))?;
        let bom = if sample.starts_with(UTF8_BOM) {
            UTF8_BOM.len()
        } else {
            0
        };
        let encoding = match encoding {
            Encoding::Auto => detect_encoding(&sample),
            forced => forced,
        };
        let delimiter = delimiter.unwrap_or_else(|| {
            detect_delimiter(&sample[bom..], sample.len() as u64 == SAMPLE_BYTES as u64)
        });
        file.seek(SeekFrom::Start(bom as u64)).map_err(io(path))?;
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(256 * 1024)
            .from_reader(LineCounter {
                inner: BufReader::with_capacity(256 * 1024, file),
                offset: 0,
                breaks: VecDeque::new(),
                passed: 0,
            });
        let mut header = ByteRecord::new();
        let has_header = reader
            .read_byte_record(&mut header)
            .map_err(|e| csv_error(path, &e))?;
        if !has_header {
            return Err(DataError::Empty {
                path: path.to_path_buf(),
            });
        }
        let columns = header
            .iter()
            .map(|field| decode_lossy(field, encoding).trim().to_string())
            .collect();
        Ok(Self {
            path: path.to_path_buf(),
            reader,
            columns,
            encoding,
            delimiter,
            offset: bom as u64,
            total,
            rows_seen: 0,
            done: false,
        })
    }

    fn reject(&self, line: u64, column: String, value: String, reason: RejectReason) -> Reject {
        Reject {
            file: self.path.clone(),
            line,
            column,
            value,
            reason,
        }
    }

    fn raw_row(&self, record: &ByteRecord) -> String {
        let fields: Vec<String> = record
            .iter()
            .map(|f| decode_lossy(f, self.encoding))
            .collect();
        excerpt(&fields.join(&(self.delimiter as char).to_string()))
    }
}

fn decode_lossy(bytes: &[u8], encoding: Encoding) -> String {
    match encoding {
        Encoding::Latin1 => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn csv_error(path: &Path, e: &csv::Error) -> DataError {
    DataError::Csv {
        path: path.to_path_buf(),
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    }
}

/// A batch of CSV rows.
struct CsvRows {
    records: Vec<StringRecord>,
    lines: Vec<u64>,
}

impl TextRows for CsvRows {
    fn len(&self) -> usize {
        self.records.len()
    }

    fn line(&self, row: usize) -> u64 {
        self.lines[row]
    }

    fn cell(&self, row: usize, col: usize) -> Option<&str> {
        self.records[row].get(col)
    }
}

impl SourceReader for CsvReader {
    fn columns(&self) -> &[String] {
        &self.columns
    }

    fn next_batch(
        &mut self,
        rejects: &mut Vec<Reject>,
    ) -> Result<Option<Box<dyn TextRows>>, DataError> {
        if self.done {
            return Ok(None);
        }
        let width = self.columns.len();
        let mut records = Vec::with_capacity(BATCH_ROWS.min(4096));
        let mut lines = Vec::with_capacity(BATCH_ROWS.min(4096));
        let mut capacity = 64;
        while records.len() < BATCH_ROWS {
            let mut record = ByteRecord::with_capacity(capacity, width);
            if !self
                .reader
                .read_byte_record(&mut record)
                .map_err(|e| csv_error(&self.path, &e))?
            {
                self.done = true;
                break;
            }
            capacity = capacity.max(record.as_slice().len());
            let start = record.position().map_or(0, |p| p.byte());
            let line = self.reader.get_mut().line_at(start);
            if record.len() == 1 && record[0].iter().all(u8::is_ascii_whitespace) {
                // A blank line is not a row; the CSV parser already skips empty ones.
                continue;
            }
            self.rows_seen += 1;
            if record.len() != width {
                let value = self.raw_row(&record);
                let reason = RejectReason::FieldCount {
                    expected: width,
                    found: record.len(),
                };
                rejects.push(self.reject(line, String::new(), value, reason));
                continue;
            }
            let decoded = match self.encoding {
                Encoding::Latin1 => {
                    let mut out = StringRecord::with_capacity(record.as_slice().len() + 16, width);
                    for field in record.iter() {
                        out.push_field(
                            &encoding_rs::WINDOWS_1252
                                .decode_without_bom_handling(field)
                                .0,
                        );
                    }
                    out
                }
                _ => match StringRecord::from_byte_record(record) {
                    Ok(r) => r,
                    Err(e) => {
                        let field = e.utf8_error().field();
                        let record = e.into_byte_record();
                        let value = excerpt(&String::from_utf8_lossy(&record[field]));
                        let column = self.columns[field].clone();
                        rejects.push(self.reject(line, column, value, RejectReason::InvalidUtf8));
                        continue;
                    }
                },
            };
            records.push(decoded);
            lines.push(line);
        }
        self.offset = self.reader.position().byte();
        if records.is_empty() && self.done {
            return Ok(None);
        }
        Ok(Some(Box::new(CsvRows { records, lines })))
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

    fn detected(&self) -> Detected {
        Detected {
            encoding: Some(self.encoding.to_string()),
            delimiter: Some(match self.delimiter {
                b'\t' => "\\t".to_string(),
                d => (d as char).to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_detection() {
        assert_eq!(
            detect_encoding("Île-de-France;Zoé\n".as_bytes()),
            Encoding::Utf8
        );
        assert_eq!(
            detect_encoding(b"\xCEle-de-France;Zo\xE9\n"),
            Encoding::Latin1
        );
        // A multi-byte character cut by the end of the sample is still UTF-8.
        assert_eq!(detect_encoding(&"abcé".as_bytes()[..4]), Encoding::Utf8);
    }

    #[test]
    fn delimiter_detection() {
        assert_eq!(detect_delimiter(b"a;b;c\n1;2,5;3\n4;5;6\n", false), b';');
        assert_eq!(detect_delimiter(b"a,b,c\n1,\"x;y\",3\n", false), b',');
        assert_eq!(detect_delimiter(b"a\tb\n1\t2\n", false), b'\t');
        assert_eq!(detect_delimiter(b"a|b|c\n1|2|3\n", false), b'|');
        assert_eq!(detect_delimiter(b"single\n1\n", false), b',');
        // The decimal comma does not fool it: ';' splits every row the same way.
        assert_eq!(
            detect_delimiter(b"id;amount\n1;12,5\n2;13,75\n3;1\n", false),
            b';'
        );
    }
}
