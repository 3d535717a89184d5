//! A compact row buffer and the text formats the sources use.
//!
//! Generated rows are text fields appended to one `String` per table, with the end offset of
//! each field: no allocation per field, and the same buffer feeds the CSV, NDJSON and Parquet
//! writers. An empty field is a missing value.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

/// Rows of text fields, `ncols` fields per row.
#[derive(Debug, Clone)]
pub(crate) struct Rows {
    ncols: usize,
    text: String,
    ends: Vec<usize>,
}

impl Rows {
    pub(crate) fn new(ncols: usize) -> Self {
        Self {
            ncols,
            text: String::new(),
            ends: Vec::new(),
        }
    }

    /// Number of complete rows.
    pub(crate) fn len(&self) -> usize {
        self.ends.len() / self.ncols
    }

    /// Appends a field.
    pub(crate) fn push(&mut self, value: &str) {
        self.text.push_str(value);
        self.ends.push(self.text.len());
    }

    /// Appends a field written by `f` straight into the buffer.
    pub(crate) fn push_with(&mut self, f: impl FnOnce(&mut String)) {
        f(&mut self.text);
        self.ends.push(self.text.len());
    }

    /// Field `col` of row `row`.
    pub(crate) fn get(&self, row: usize, col: usize) -> &str {
        let i = row * self.ncols + col;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// Replaces field `col` of row `row` (rare: dirt and duplicates), shifting what follows.
    pub(crate) fn set(&mut self, row: usize, col: usize, value: &str) {
        let i = row * self.ncols + col;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        let old_end = self.ends[i];
        self.text.replace_range(start..old_end, value);
        let shift = value.len() as isize - (old_end - start) as isize;
        for end in &mut self.ends[i..] {
            *end = (*end as isize + shift) as usize;
        }
    }

    /// Copies row `row` of `other` (same width) to the end.
    pub(crate) fn push_row_from(&mut self, other: &Rows, row: usize) {
        for col in 0..other.ncols {
            self.push(other.get(row, col));
        }
    }

    /// Iterates over the fields of row `row`.
    pub(crate) fn row(&self, row: usize) -> impl Iterator<Item = &str> + '_ {
        (0..self.ncols).map(move |c| self.get(row, c))
    }
}

/// Writes `date` as `dd/mm/yyyy`.
pub(crate) fn write_dmy(out: &mut String, date: NaiveDate) {
    let _ = write!(
        out,
        "{:02}/{:02}/{:04}",
        date.day(),
        date.month(),
        date.year()
    );
}

/// Writes `date` as `yyyy-mm-dd`.
pub(crate) fn write_iso(out: &mut String, date: NaiveDate) {
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}",
        date.year(),
        date.month(),
        date.day()
    );
}

/// Writes an amount with two decimals and a decimal comma, optionally with thin groups of
/// thousands separated by spaces (`1 234 567,50`).
pub(crate) fn write_decimal_comma(out: &mut String, value: f64, group: bool) {
    let cents = (value * 100.0).round() as i64;
    let (units, frac) = (cents.abs() / 100, cents.abs() % 100);
    if cents < 0 {
        out.push('-');
    }
    write_grouped(out, units as u64, if group { Some(' ') } else { None });
    let _ = write!(out, ",{frac:02}");
}

/// Writes an integer, with `sep` between groups of three digits if given.
pub(crate) fn write_grouped(out: &mut String, value: u64, sep: Option<char>) {
    match sep {
        None => {
            let _ = write!(out, "{value}");
        }
        Some(sep) => {
            let digits = value.to_string();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    out.push(sep);
                }
                out.push(c);
            }
        }
    }
}

/// Lower-case ASCII form of a name for e-mail addresses and domains: accents dropped, spaces
/// and apostrophes removed, other characters kept if alphanumeric or `-`.
pub(crate) fn ascii_slug(text: &str, out: &mut String) {
    let mut push = |f: char| {
        if f.is_ascii_alphanumeric() || f == '-' {
            out.push(f.to_ascii_lowercase());
        }
    };
    for c in text.chars() {
        match folded(c) {
            Some(s) => s.chars().for_each(&mut push),
            None => push(c),
        }
    }
}

/// Drops accents from `text` (É → E, œ → oe, ß → ss).
pub(crate) fn drop_accents(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match folded(c) {
            Some(s) => out.push_str(s),
            None => out.push(c),
        }
    }
    out
}

/// The unaccented form of the accented letters the vocabulary uses; `None` for others.
fn folded(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'â' | 'á' | 'ä' => "a",
        'À' | 'Â' | 'Á' | 'Ä' => "A",
        'é' | 'è' | 'ê' | 'ë' => "e",
        'É' | 'È' | 'Ê' | 'Ë' => "E",
        'î' | 'ï' | 'í' => "i",
        'Î' | 'Ï' | 'Í' => "I",
        'ô' | 'ö' | 'ó' | 'ò' => "o",
        'Ô' | 'Ö' | 'Ó' => "O",
        'ù' | 'û' | 'ü' | 'ú' => "u",
        'Ù' | 'Û' | 'Ü' | 'Ú' => "U",
        'ç' => "c",
        'Ç' => "C",
        'ñ' => "n",
        'Ñ' => "N",
        'ß' => "ss",
        'œ' => "oe",
        'Œ' => "OE",
        _ => return None,
    })
}

/// Encodes `text` as Windows-1252, appending to `out`; characters outside it become `?`.
pub(crate) fn encode_cp1252(text: &str, out: &mut Vec<u8>) {
    for c in text.chars() {
        let code = c as u32;
        let byte = match code {
            0..=0x7F | 0xA0..=0xFF => code as u8,
            _ => match c {
                '€' => 0x80,
                '‚' => 0x82,
                'ƒ' => 0x83,
                '„' => 0x84,
                '…' => 0x85,
                '†' => 0x86,
                '‡' => 0x87,
                'ˆ' => 0x88,
                '‰' => 0x89,
                'Š' => 0x8A,
                '‹' => 0x8B,
                'Œ' => 0x8C,
                'Ž' => 0x8E,
                '‘' => 0x91,
                '’' => 0x92,
                '“' => 0x93,
                '”' => 0x94,
                '•' => 0x95,
                '–' => 0x96,
                '—' => 0x97,
                '˜' => 0x98,
                '™' => 0x99,
                'š' => 0x9A,
                '›' => 0x9B,
                'œ' => 0x9C,
                'ž' => 0x9E,
                'Ÿ' => 0x9F,
                _ => b'?',
            },
        };
        out.push(byte);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_set_shifts_later_fields() {
        let mut rows = Rows::new(3);
        for v in ["a", "bb", "ccc", "d", "ee", "f"] {
            rows.push(v);
        }
        rows.set(0, 1, "XXXX");
        rows.set(1, 0, "");
        assert_eq!(rows.row(0).collect::<Vec<_>>(), ["a", "XXXX", "ccc"]);
        assert_eq!(rows.row(1).collect::<Vec<_>>(), ["", "ee", "f"]);
        assert_eq!(rows.len(), 2);
    }

    #[test]
    fn numbers_and_dates_use_french_conventions() {
        let mut s = String::new();
        write_decimal_comma(&mut s, 1_234_567.5, false);
        s.push('|');
        write_decimal_comma(&mut s, 1_234_567.5, true);
        s.push('|');
        write_grouped(&mut s, 1250, Some(' '));
        s.push('|');
        write_dmy(
            &mut s,
            NaiveDate::from_ymd_opt(2024, 3, 7).unwrap_or_default(),
        );
        assert_eq!(s, "1234567,50|1 234 567,50|1 250|07/03/2024");
    }

    #[test]
    fn slugs_and_folding_drop_accents() {
        let mut s = String::new();
        ascii_slug("Hélène Lefèvre-O'Brien Œuvre", &mut s);
        assert_eq!(s, "helenelefevre-obrienoeuvre");
        assert_eq!(
            drop_accents("Société Générale d'Équipements"),
            "Societe Generale d'Equipements"
        );
    }

    #[test]
    fn cp1252_encodes_latin1_and_windows_specials() {
        let mut out = Vec::new();
        encode_cp1252("é«»×–œ€", &mut out);
        assert_eq!(out, [0xE9, 0xAB, 0xBB, 0xD7, 0x96, 0x9C, 0x80]);
    }
}
