//! The table to deduplicate, and its fields prepared for comparison: values normalized into
//! match keys and interned, so that equality is an integer comparison and every distinct
//! value is normalized once.

use std::collections::HashMap;

use crate::DedupError;
use crate::params::{Comparator, FieldSpec};

/// Code of a missing value.
pub(crate) const NULL: u32 = u32::MAX;

/// A table of text values with one id per record.
#[derive(Debug, Clone)]
pub struct Records {
    pub(crate) ids: Vec<String>,
    pub(crate) columns: Vec<String>,
    /// Column-major values.
    pub(crate) values: Vec<Vec<Option<String>>>,
}

impl Records {
    /// Builds a table from ids and named columns of equal length. Ids must be present and
    /// unique.
    pub fn new(
        ids: Vec<Option<String>>,
        columns: Vec<(String, Vec<Option<String>>)>,
    ) -> Result<Self, DedupError> {
        let mut seen: HashMap<&str, usize> = HashMap::with_capacity(ids.len());
        for (row, id) in ids.iter().enumerate() {
            let id = id
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .ok_or(DedupError::MissingId { row: row + 1 })?;
            if let Some(first) = seen.insert(id, row) {
                return Err(DedupError::DuplicateId {
                    id: id.into(),
                    first: first + 1,
                    second: row + 1,
                });
            }
        }
        for (name, values) in &columns {
            assert_eq!(
                values.len(),
                ids.len(),
                "column {name} has {} values for {} ids",
                values.len(),
                ids.len()
            );
        }
        let (names, values) = columns.into_iter().unzip();
        Ok(Self {
            ids: ids.into_iter().map(|id| id.unwrap_or_default()).collect(),
            columns: names,
            values,
        })
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no records.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Column names.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The id of record `i`.
    pub fn id(&self, i: usize) -> &str {
        &self.ids[i]
    }

    /// The value of column `column` (by position) for record `i`.
    pub fn value(&self, column: usize, i: usize) -> Option<&str> {
        self.values[column][i].as_deref()
    }

    pub(crate) fn column_index(&self, name: &str) -> Result<usize, DedupError> {
        self.columns
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| DedupError::UnknownColumn {
                column: name.into(),
                available: self.columns.clone(),
            })
    }
}

/// Lower case, accents folded, punctuation to spaces, spaces collapsed: the form in which
/// values are compared.
pub fn match_key(value: &str) -> String {
    cible_core::text::fold_key(value, ' ')
}

/// A field ready for comparison.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub spec: FieldSpec,
    /// Per record, the code of its match key, or [`NULL`].
    pub codes: Vec<u32>,
    /// Distinct match keys by code.
    pub keys: Vec<String>,
    /// Records holding each code.
    pub counts: Vec<u32>,
    /// Records with a value.
    pub present: u32,
    /// Per code, the sorted token codes (Jaccard only).
    pub tokens: Vec<Vec<u32>>,
    /// Per code, the number (Numeric only; NaN when the key is not a number).
    pub numbers: Vec<f64>,
    /// For a field of few distinct values, the level of every pair of codes (row-major), so
    /// that comparing is a lookup; `None` for others. Filled by `compare::tabulate`.
    pub table: Option<Vec<u8>>,
    /// Per code, the date it spells (date fields only).
    pub dates: Vec<Option<Day>>,
}

/// A calendar date: its day number (days since 1970-01-01) and its month and day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Day {
    pub number: i64,
    pub month: u32,
    pub day: u32,
}

impl Day {
    /// The date a match key spells: `yyyy mm dd` (anything after ignored, such as a time),
    /// `dd mm yyyy`, or eight digits `yyyymmdd` (`ddmmyyyy` when the first four are no
    /// plausible year). `None` for anything else or an impossible date.
    pub fn parse(key: &str) -> Option<Self> {
        let parts: Vec<&str> = key.split(' ').collect();
        let number = |s: &str| s.parse::<u32>().ok();
        let (year, month, day) = match parts.as_slice() {
            [digits] if digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit()) => {
                let head = number(&digits[..4])?;
                if (1800..=2200).contains(&head) {
                    (head, number(&digits[4..6])?, number(&digits[6..])?)
                } else {
                    (
                        number(&digits[4..])?,
                        number(&digits[2..4])?,
                        number(&digits[..2])?,
                    )
                }
            }
            // `2021-03-04T10:30:00` folds to `2021 03 04t10 30 00`: the day is the leading digits.
            [y, m, d, ..] if y.len() == 4 => {
                let day = d.split(|c: char| !c.is_ascii_digit()).next()?;
                (number(y)?, number(m)?, number(day)?)
            }
            [d, m, y] if y.len() == 4 => (number(y)?, number(m)?, number(d)?),
            _ => return None,
        };
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        if day == 0 || day > days_in_month {
            return None;
        }
        Some(Self {
            number: days_from_civil(i64::from(year), i64::from(month), i64::from(day)),
            month,
            day,
        })
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

impl Field {
    pub fn prepare(records: &Records, spec: FieldSpec) -> Result<Self, DedupError> {
        let column = records.column_index(&spec.column)?;
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut keys = Vec::new();
        let mut counts = Vec::new();
        let mut codes = Vec::with_capacity(records.len());
        for value in &records.values[column] {
            let key = value.as_deref().map(match_key).filter(|k| !k.is_empty());
            let code = match key {
                None => NULL,
                Some(key) => *index.entry(key).or_insert_with_key(|k| {
                    keys.push(k.clone());
                    counts.push(0);
                    (keys.len() - 1) as u32
                }),
            };
            if code != NULL {
                counts[code as usize] += 1;
            }
            codes.push(code);
        }
        let present = counts.iter().sum();
        let tokens = if spec.comparator == Comparator::Jaccard {
            let mut vocabulary: HashMap<&str, u32> = HashMap::new();
            keys.iter()
                .map(|k| {
                    let mut t: Vec<u32> = k
                        .split(' ')
                        .map(|w| {
                            let next = vocabulary.len() as u32;
                            *vocabulary.entry(w).or_insert(next)
                        })
                        .collect();
                    t.sort_unstable();
                    t.dedup();
                    t
                })
                .collect()
        } else {
            Vec::new()
        };
        let dates = if spec.comparator == Comparator::Date {
            keys.iter().map(|k| Day::parse(k)).collect()
        } else {
            Vec::new()
        };
        let numbers = if spec.comparator == Comparator::Numeric {
            keys.iter()
                .map(|k| k.replace(' ', ".").parse().unwrap_or(f64::NAN))
                .collect()
        } else {
            Vec::new()
        };
        Ok(Self {
            spec,
            codes,
            keys,
            counts,
            present,
            tokens,
            numbers,
            table: None,
            dates,
        })
    }
}

/// Whether a column refers to another table (`Company ID`, `account_id`, `CustomerId`): people
/// of one company share it, so it is no evidence that two records are the same person.
fn is_reference(name: &str) -> bool {
    let key = cible_core::text::fold_key(name, ' ');
    let words: Vec<&str> = key.split(' ').collect();
    let camel_id = name.ends_with("Id") || name.ends_with("ID");
    let id = words
        .iter()
        .any(|w| *w == "id" || *w == "no" || *w == "ref")
        || camel_id;
    let other = [
        "account",
        "company",
        "customer",
        "client",
        "org",
        "organisation",
        "organization",
        "societe",
        "compte",
        "entreprise",
        "parent",
    ];
    id && words.iter().any(|w| other.iter().any(|o| w.starts_with(o)))
}

/// Chooses fields and comparators from column names and values, skipping the id column,
/// references to other tables and columns that are almost empty.
pub fn choose_fields(records: &Records, id_column: Option<&str>) -> Vec<FieldSpec> {
    let mut fields = Vec::new();
    for (name, values) in records.columns.iter().zip(&records.values) {
        if Some(name.as_str()) == id_column || is_reference(name) {
            continue;
        }
        let keys: Vec<String> = values
            .iter()
            .flatten()
            .map(|v| match_key(v))
            .filter(|k| !k.is_empty())
            .collect();
        if keys.len() * 20 < values.len().max(1) {
            continue;
        }
        let lower = name.to_lowercase();
        let digits_only = keys
            .iter()
            .filter(|k| k.bytes().all(|b| b.is_ascii_digit()))
            .count();
        let numeric = keys
            .iter()
            .filter(|k| k.replace(' ', ".").parse::<f64>().is_ok())
            .count();
        let distinct = keys.iter().collect::<std::collections::HashSet<_>>().len();
        let words: usize = keys.iter().map(|k| k.split(' ').count()).sum();
        let phone_like = ["phone", "tel", "mobile", "fax"]
            .iter()
            .any(|w| lower.contains(w));
        let registry = ["siren", "siret", "vat", "tva", "duns", "lei"]
            .iter()
            .any(|w| lower.contains(w));
        let comparator = if registry {
            Comparator::Identifier
        } else if lower.contains("mail") || distinct <= 12 {
            Comparator::Exact
        } else if phone_like || digits_only * 10 >= keys.len() * 9 {
            Comparator::Levenshtein
        } else if numeric * 10 >= keys.len() * 9 {
            Comparator::Numeric
        } else if words as f64 / keys.len() as f64 >= 3.0 {
            Comparator::Jaccard
        } else {
            Comparator::JaroWinkler
        };
        fields.push(FieldSpec {
            column: name.clone(),
            comparator,
        });
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_in_the_formats_exports_use() {
        let day = |key: &str| Day::parse(key).map(|d| d.number);
        assert_eq!(day("1970 01 01"), Some(0));
        assert_eq!(day("2021 03 04"), Some(18_690));
        assert_eq!(
            day("04 03 2021"),
            Some(18_690),
            "day first when the year is last"
        );
        assert_eq!(day("20210304"), Some(18_690));
        assert_eq!(day("04032021"), Some(18_690));
        assert_eq!(
            day("2021 03 04t10 30 00"),
            Some(18_690),
            "a time is ignored"
        );
        assert_eq!(day("2000 02 29"), Some(11_016));
        assert_eq!(day("19560409"), Some(-5_015));
        assert_eq!(day("1969 12 31"), Some(-1));
        for bad in [
            "2021 02 29",
            "2021 13 01",
            "2021 00 10",
            "3 4 21",
            "19561",
            "abc",
        ] {
            assert_eq!(day(bad), None, "{bad}");
        }
    }

    fn col(values: &[&str]) -> Vec<Option<String>> {
        values
            .iter()
            .map(|v| (!v.is_empty()).then(|| v.to_string()))
            .collect()
    }

    #[test]
    fn ids_must_be_present_and_unique() {
        let err = Records::new(col(&["a", "b", "a"]), vec![]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "duplicate id \"a\" in rows 1 and 3: ids must be unique (deduplicate on another column, or fix the source)"
        );
        assert_eq!(
            Records::new(col(&["a", ""]), vec![])
                .unwrap_err()
                .to_string(),
            "row 2 has no id"
        );
    }

    #[test]
    fn fields_are_interned_by_match_key() {
        let records = Records::new(
            col(&["1", "2", "3", "4"]),
            vec![("city".into(), col(&["Paris", "PARIS ", "", "Lyon"]))],
        )
        .unwrap();
        let f = Field::prepare(&records, "city".parse().unwrap()).unwrap();
        assert_eq!(f.codes, [0, 0, NULL, 1]);
        assert_eq!(f.counts, [2, 1]);
        assert_eq!(f.present, 3);
        let err = Field::prepare(&records, "ville".parse().unwrap()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown column \"ville\"; available columns: city"
        );
    }

    #[test]
    fn comparators_are_chosen_from_names_and_values() {
        let n = 40;
        let ids: Vec<Option<String>> = (0..n).map(|i| Some(i.to_string())).collect();
        let make = |f: &dyn Fn(usize) -> String| (0..n).map(|i| Some(f(i))).collect::<Vec<_>>();
        let records = Records::new(
            ids,
            vec![
                ("id".into(), make(&|i| i.to_string())),
                ("Company ID".into(), make(&|i| format!("C{}", i / 3))),
                ("accountId".into(), make(&|i| format!("A{}", i / 3))),
                ("email".into(), make(&|i| format!("p{i}@x.fr"))),
                (
                    "surname".into(),
                    make(&|i| format!("name{}", (b'a' + (i % 26) as u8) as char)),
                ),
                ("postcode".into(), make(&|i| format!("{}", 75000 + i))),
                ("state".into(), make(&|i| ["nsw", "vic"][i % 2].into())),
                ("amount".into(), make(&|i| format!("{}.5", i))),
                (
                    "address".into(),
                    make(&|i| format!("{i} rue de la paix {}", i % 7)),
                ),
                ("phone".into(), make(&|i| format!("01 23 45 67 {i:02}"))),
                ("empty".into(), vec![None; n]),
            ],
        )
        .unwrap();
        let chosen: Vec<(String, Comparator)> = choose_fields(&records, Some("id"))
            .into_iter()
            .map(|f| (f.column, f.comparator))
            .collect();
        assert_eq!(
            chosen,
            [
                ("email".into(), Comparator::Exact),
                ("surname".into(), Comparator::JaroWinkler),
                ("postcode".into(), Comparator::Levenshtein),
                ("state".into(), Comparator::Exact),
                ("amount".into(), Comparator::Numeric),
                ("address".into(), Comparator::Jaccard),
                ("phone".into(), Comparator::Levenshtein),
            ]
        );
    }
}
