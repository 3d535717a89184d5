//! Dates as CRMs and spreadsheets export them.
//!
//! Understood:
//!
//! - ISO 8601 dates and date-times (`2024-03-05`, `2024-03-05T14:30:00+01:00`,
//!   `2024-03-05 14:30`), and year-first dates with other separators (`2024/03/05`);
//!   a time after the date is ignored, whatever the date's form (`14:30`, `2:30 PM`, `14h30`),
//!   and the date is the one written, not converted to UTC;
//! - numeric day, month and year in the configured [`DateOrder`] (`05/03/2024`, `5.3.24`,
//!   `05-03-2024`), with 2-digit years read through a pivot (by default `00`–`68` are 2000–2068
//!   and `69`–`99` are 1969–1999, as POSIX `strptime` does);
//! - month names and abbreviations in French and English, with or without accents, trailing dot,
//!   ordinal or weekday (`5 mars 2024`, `1er janvier 2024`, `05-mars-24`, `05-janv.-24`,
//!   `March 5, 2024`, `5th March 2024`, `mardi 5 mars 2024`);
//! - compact ISO `20240305`;
//! - Excel serial numbers, the time fraction ignored. In Excel's default 1900 system serial 1 is
//!   1900-01-01 and serial 60 is 1900-02-29, a day that does not exist (Excel copied the bug from
//!   Lotus 1-2-3 so that serials after it are off by one): 60 is rejected, 61 is 1900-03-01. In
//!   the 1904 system (old Mac workbooks) serial 0 is 1904-01-01.
//!
//! A bare 4-digit number from 1000 to 2999 is rejected rather than read as an Excel serial: in
//! CRM data it is a year (`2024`), not 1905-07-16.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate};

use super::error::{Field, NormalizeError, Reason};
use super::text;

/// How to read numeric dates where day and month could be swapped (`05/03/2024`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DateOrder {
    /// Day, then month: `05/03/2024` is 5 March (France, most of Europe). `day_first`.
    DayFirst,
    /// Month, then day: `05/03/2024` is 3 May (United States). `month_first`.
    MonthFirst,
    /// Decided per value when the day is over 12; otherwise an [`Reason::AmbiguousDate`] error.
    /// `auto`. The default. [`infer_date_order`] decides for a whole column instead.
    #[default]
    Auto,
}

impl fmt::Display for DateOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateOrder::DayFirst => "day_first",
            DateOrder::MonthFirst => "month_first",
            DateOrder::Auto => "auto",
        })
    }
}

/// A date order or Excel epoch name that is not one of the choices.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}: expected one of {choices}")]
pub struct ParseDateOptionError {
    what: &'static str,
    value: String,
    choices: &'static str,
}

impl FromStr for DateOrder {
    type Err = ParseDateOptionError;

    /// Reads `day_first` (also `dmy`), `month_first` (also `mdy`) or `auto`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "day_first" | "dmy" => Ok(DateOrder::DayFirst),
            "month_first" | "mdy" => Ok(DateOrder::MonthFirst),
            "auto" => Ok(DateOrder::Auto),
            _ => Err(ParseDateOptionError {
                what: "date order",
                value: s.to_owned(),
                choices: "day_first, month_first, auto",
            }),
        }
    }
}

/// Which day Excel serial numbers count from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ExcelEpoch {
    /// Excel's default: serial 1 is 1900-01-01, with the 1900-02-29 bug. `1900`. The default.
    #[default]
    Excel1900,
    /// Old Mac workbooks: serial 0 is 1904-01-01. `1904`.
    Excel1904,
}

impl fmt::Display for ExcelEpoch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ExcelEpoch::Excel1900 => "1900",
            ExcelEpoch::Excel1904 => "1904",
        })
    }
}

impl FromStr for ExcelEpoch {
    type Err = ParseDateOptionError;

    /// Reads `1900` or `1904`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "1900" => Ok(ExcelEpoch::Excel1900),
            "1904" => Ok(ExcelEpoch::Excel1904),
            _ => Err(ParseDateOptionError {
                what: "Excel epoch",
                value: s.to_owned(),
                choices: "1900, 1904",
            }),
        }
    }
}

/// How to read dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateParams {
    order: DateOrder,
    excel_epoch: ExcelEpoch,
    pivot: u32,
}

impl Default for DateParams {
    fn default() -> Self {
        DateParams {
            order: DateOrder::Auto,
            excel_epoch: ExcelEpoch::Excel1900,
            pivot: 69,
        }
    }
}

impl DateParams {
    /// The defaults: [`DateOrder::Auto`], [`ExcelEpoch::Excel1900`], pivot year 69.
    pub fn new() -> Self {
        DateParams::default()
    }

    /// How to read `05/03/2024`. Default [`DateOrder::Auto`].
    pub fn order(mut self, order: DateOrder) -> Self {
        self.order = order;
        self
    }

    /// Which day Excel serials count from. Default [`ExcelEpoch::Excel1900`].
    pub fn excel_epoch(mut self, epoch: ExcelEpoch) -> Self {
        self.excel_epoch = epoch;
        self
    }

    /// Two-digit years below `pivot` are 20xx, the others 19xx. Default 69; values over 100
    /// are read as 100 (every 2-digit year in the 2000s).
    pub fn two_digit_year_pivot(mut self, pivot: u32) -> Self {
        self.pivot = pivot.min(100);
        self
    }
}

/// The date of an Excel serial number (its integer part).
///
/// ```
/// use chrono::NaiveDate;
/// use cible_clean::normalize::date::{excel_serial_to_date, ExcelEpoch};
/// let d = excel_serial_to_date(45000, ExcelEpoch::Excel1900).unwrap();
/// assert_eq!(d, NaiveDate::from_ymd_opt(2023, 3, 15).unwrap());
/// ```
///
/// # Errors
///
/// [`Reason::ExcelLeapYearBug`] for serial 60 in the 1900 system, and
/// [`Reason::ExcelSerialOutOfRange`] outside 1900-01-01 (1904-01-01) to 9999-12-31.
pub fn excel_serial_to_date(serial: i64, epoch: ExcelEpoch) -> Result<NaiveDate, Reason> {
    let out_of_range = Reason::ExcelSerialOutOfRange { serial };
    let (base, offset) = match epoch {
        // Serials 1–59 count from 1899-12-31; from 61 on, the phantom 1900-02-29 shifts them by one.
        ExcelEpoch::Excel1900 if serial == 60 => return Err(Reason::ExcelLeapYearBug),
        ExcelEpoch::Excel1900 if (1..60).contains(&serial) => ((1899, 12, 31), serial),
        ExcelEpoch::Excel1900 if serial > 60 => ((1899, 12, 30), serial),
        ExcelEpoch::Excel1904 if serial >= 0 => ((1904, 1, 1), serial),
        _ => return Err(out_of_range),
    };
    let (y, m, d) = base;
    let base = NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| out_of_range.clone())?;
    let date = base
        .checked_add_days(Days::new(offset as u64))
        .ok_or_else(|| out_of_range.clone())?;
    if date.year() > 9999 {
        return Err(out_of_range);
    }
    Ok(date)
}

/// A piece of a date: digits (with how many were written) or a word (match-key folded).
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num { value: u32, digits: usize },
    Word(String),
}

/// Drops a time written after the date: from the token holding the first `:` on.
fn strip_time(s: &str) -> &str {
    match s.find(':') {
        Some(colon) => {
            let start = s[..colon].rfind([' ', 'T', 't']).unwrap_or(0);
            &s[..start]
        }
        None => s,
    }
}

const IGNORED_WORDS: &[&str] = &[
    "le",
    "the",
    "of",
    "a",
    "at",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    "lun",
    "mer",
    "jeu",
    "ven",
    "sam",
    "dim",
];

fn tokenize(s: &str) -> Result<Vec<Tok>, Reason> {
    let mut toks = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_ascii_digit() {
            let mut end = start;
            while let Some(&(i, c)) = chars.peek().filter(|(_, c)| c.is_ascii_digit()) {
                end = i + c.len_utf8();
                chars.next();
            }
            let digits = &s[start..end];
            let value = digits.parse().map_err(|_| Reason::UnrecognizedDate)?;
            toks.push(Tok::Num {
                value,
                digits: digits.len(),
            });
        } else if c.is_alphabetic() {
            let mut end = start;
            while let Some(&(i, c)) = chars.peek().filter(|(_, c)| c.is_alphabetic()) {
                end = i + c.len_utf8();
                chars.next();
            }
            let word = text::match_key(&s[start..end]);
            let after_number = matches!(toks.last(), Some(Tok::Num { .. }));
            let ordinal = after_number && matches!(word.as_str(), "er" | "st" | "nd" | "rd" | "th");
            if !ordinal && !IGNORED_WORDS.contains(&word.as_str()) {
                toks.push(Tok::Word(word));
            }
        } else if matches!(c, ' ' | '/' | '-' | '.' | ',') {
            chars.next();
        } else {
            return Err(Reason::InvalidCharacter { ch: c });
        }
    }
    Ok(toks)
}

/// The month a French or English name or abbreviation (match-key folded) means.
fn month_number(word: &str) -> Option<u32> {
    Some(match word {
        "janvier" | "janv" | "jan" | "january" => 1,
        "fevrier" | "fevr" | "fev" | "feb" | "february" => 2,
        "mars" | "mar" | "march" => 3,
        "avril" | "avr" | "apr" | "april" => 4,
        "mai" | "may" => 5,
        "juin" | "jun" | "june" => 6,
        "juillet" | "juil" | "jul" | "july" => 7,
        "aout" | "aou" | "aug" | "august" => 8,
        "septembre" | "sept" | "sep" | "september" => 9,
        "octobre" | "oct" | "october" => 10,
        "novembre" | "nov" | "november" => 11,
        "decembre" | "dec" | "december" => 12,
        _ => return None,
    })
}

fn year(value: u32, digits: usize, pivot: u32) -> i32 {
    let y = if digits <= 2 {
        value + if value < pivot { 2000 } else { 1900 }
    } else {
        value
    };
    y as i32
}

fn ymd(year: i32, month: u32, day: u32) -> Result<NaiveDate, Reason> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or(Reason::InvalidDate { year, month, day })
}

fn month_of(word: &str) -> Result<u32, Reason> {
    month_number(word).ok_or_else(|| Reason::UnknownMonth {
        name: word.to_owned(),
    })
}

/// `(first, second)` of a numeric date whose year is last, e.g. `(5, 3)` for `05/03/2024`.
fn day_month_pair(toks: &[Tok]) -> Option<(u32, u32)> {
    match toks {
        [
            Tok::Num {
                value: a,
                digits: da,
            },
            Tok::Num {
                value: b,
                digits: db,
            },
            Tok::Num { digits: dy, .. },
        ] if *da <= 2 && *db <= 2 && matches!(dy, 1 | 2 | 4) => Some((*a, *b)),
        _ => None,
    }
}

fn parse_number(s: &str, params: &DateParams) -> Option<Result<NaiveDate, Reason>> {
    let (int, frac) = match s.split_once(['.', ',']) {
        Some((int, frac)) => (int, Some(frac)),
        None => (s, None),
    };
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
        return None;
    }
    if frac.is_none() && int.len() == 8 {
        let n = |r: std::ops::Range<usize>| int[r].parse::<u32>().unwrap_or(0);
        return Some(ymd(n(0..4) as i32, n(4..6), n(6..8)));
    }
    if frac.is_none() && int.len() == 4 && matches!(int.as_bytes()[0], b'1' | b'2') {
        return Some(Err(Reason::InvalidFormat {
            expected: "a full date, not a year alone",
        }));
    }
    let serial = int.parse::<i64>().unwrap_or(i64::MAX);
    Some(excel_serial_to_date(serial, params.excel_epoch))
}

fn parse(raw: &str, params: &DateParams) -> Result<NaiveDate, Reason> {
    let cleaned = text::clean(raw);
    if cleaned.is_empty() {
        return Err(Reason::Empty);
    }
    if let Some(result) = parse_number(&cleaned, params) {
        return result;
    }
    let mut toks = tokenize(strip_time(&cleaned))?;
    // A French time after the date: `14h30`, `14h`.
    if let [
        _,
        _,
        _,
        Tok::Num { digits: 1..=2, .. },
        Tok::Word(h),
        rest @ ..,
    ] = toks.as_slice()
        && h == "h"
        && matches!(rest, [] | [Tok::Num { digits: 2, .. }])
    {
        toks.truncate(3);
    }
    let y = |value, digits| year(value, digits, params.pivot);
    match toks.as_slice() {
        // Year first: ISO and 2024/03/05.
        [
            Tok::Num {
                value: yv,
                digits: 4,
            },
            Tok::Num {
                value: m,
                digits: 1..=2,
            },
            Tok::Num {
                value: d,
                digits: 1..=2,
            },
        ] => ymd(*yv as i32, *m, *d),
        [
            _,
            _,
            Tok::Num {
                value: yv,
                digits: dy,
            },
        ] if day_month_pair(&toks).is_some() => {
            let (a, b) = day_month_pair(&toks).unwrap_or_default();
            let year = y(*yv, *dy);
            match params.order {
                DateOrder::DayFirst => ymd(year, b, a),
                DateOrder::MonthFirst => ymd(year, a, b),
                DateOrder::Auto if a > 12 || a == b => ymd(year, b, a),
                DateOrder::Auto if b > 12 => ymd(year, a, b),
                DateOrder::Auto => Err(Reason::AmbiguousDate {
                    day_first: ymd(year, b, a)?,
                    month_first: ymd(year, a, b)?,
                }),
            }
        }
        // 2024-mars-05
        [
            Tok::Num {
                value: yv,
                digits: 4,
            },
            Tok::Word(month),
            Tok::Num {
                value: d,
                digits: 1..=2,
            },
        ] => ymd(*yv as i32, month_of(month)?, *d),
        // 5 mars 2024, 05-janv.-24
        [
            Tok::Num {
                value: d,
                digits: 1..=2,
            },
            Tok::Word(month),
            Tok::Num {
                value: yv,
                digits: dy @ (1 | 2 | 4),
            },
        ] => ymd(y(*yv, *dy), month_of(month)?, *d),
        // March 5, 2024
        [
            Tok::Word(month),
            Tok::Num {
                value: d,
                digits: 1..=2,
            },
            Tok::Num {
                value: yv,
                digits: dy @ (1 | 2 | 4),
            },
        ] => ymd(y(*yv, *dy), month_of(month)?, *d),
        _ => Err(Reason::UnrecognizedDate),
    }
}

/// Parses a date; see the [module docs](self) for the formats.
///
/// ```
/// use chrono::NaiveDate;
/// use cible_clean::normalize::date::{parse_date, DateOrder, DateParams};
/// let fr = DateParams::new().order(DateOrder::DayFirst);
/// let march_5 = NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
/// assert_eq!(parse_date("05/03/2024", &fr).unwrap(), march_5);
/// assert_eq!(parse_date("5 mars 2024", &fr).unwrap(), march_5);
/// assert_eq!(parse_date("March 5, 2024", &fr).unwrap(), march_5);
/// assert_eq!(parse_date("45356", &fr).unwrap(), march_5);
///
/// let err = parse_date("05/03/2024", &DateParams::new()).unwrap_err();
/// assert_eq!(err.to_string(), "cannot normalize date \"05/03/2024\": ambiguous: \
///     2024-03-05 if day/month, 2024-05-03 if month/day; set the date order to day_first or month_first");
/// ```
///
/// # Errors
///
/// [`Reason::Empty`], [`Reason::InvalidCharacter`], [`Reason::UnrecognizedDate`],
/// [`Reason::InvalidDate`], [`Reason::AmbiguousDate`], [`Reason::UnknownMonth`],
/// [`Reason::InvalidFormat`] (a year alone), [`Reason::ExcelSerialOutOfRange`],
/// [`Reason::ExcelLeapYearBug`].
pub fn parse_date(raw: &str, params: &DateParams) -> Result<NaiveDate, NormalizeError> {
    parse(raw, params).map_err(|r| NormalizeError::new(Field::Date, raw, r))
}

/// The order a column of numeric dates is written in: [`DateOrder::DayFirst`] if some value
/// has a first number over 12 and none a second number over 12, [`DateOrder::MonthFirst`] in the
/// opposite case, `None` when nothing decides or the values contradict each other.
///
/// ```
/// use cible_clean::normalize::date::{infer_date_order, DateOrder};
/// assert_eq!(infer_date_order(["05/03/2024", "25/12/2023"]), Some(DateOrder::DayFirst));
/// assert_eq!(infer_date_order(["05/03/2024", "12/25/2023"]), Some(DateOrder::MonthFirst));
/// assert_eq!(infer_date_order(["05/03/2024", "01/02/2023"]), None);
/// ```
pub fn infer_date_order<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<DateOrder> {
    let (mut day_first, mut month_first) = (false, false);
    for value in values {
        let cleaned = text::clean(value);
        let Ok(toks) = tokenize(strip_time(&cleaned)) else {
            continue;
        };
        if let Some((a, b)) = day_month_pair(&toks) {
            day_first |= a > 12 && b <= 12;
            month_first |= b > 12 && a <= 12;
        }
    }
    match (day_first, month_first) {
        (true, false) => Some(DateOrder::DayFirst),
        (false, true) => Some(DateOrder::MonthFirst),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dmy() -> DateParams {
        DateParams::new().order(DateOrder::DayFirst)
    }

    fn mdy() -> DateParams {
        DateParams::new().order(DateOrder::MonthFirst)
    }

    fn ok(raw: &str, params: &DateParams) -> NaiveDate {
        match parse_date(raw, params) {
            Ok(date) => date,
            Err(e) => panic!("{e}"),
        }
    }

    fn reason(raw: &str, params: &DateParams) -> Reason {
        parse_date(raw, params).unwrap_err().reason
    }

    #[test]
    fn iso_dates_and_datetimes() {
        for raw in [
            "2024-03-05",
            "2024-3-5",
            "2024/03/05",
            "2024.03.05",
            "2024-03-05T14:30:00",
            "2024-03-05T14:30:00Z",
            "2024-03-05T14:30:00.123+01:00",
            "2024-03-05 14:30",
            "20240305",
        ] {
            assert_eq!(ok(raw, &DateParams::new()), d(2024, 3, 5), "{raw}");
        }
    }

    #[test]
    fn day_first() {
        for raw in [
            "05/03/2024",
            "5/3/2024",
            "05.03.2024",
            "05-03-2024",
            "05/03/24",
            "05/03/2024 14:30:00",
        ] {
            assert_eq!(ok(raw, &dmy()), d(2024, 3, 5), "{raw}");
        }
    }

    #[test]
    fn month_first() {
        for raw in ["03/05/2024", "3/5/24", "03-05-2024 2:30:00 PM"] {
            assert_eq!(ok(raw, &mdy()), d(2024, 3, 5), "{raw}");
        }
    }

    #[test]
    fn configured_order_rejects_impossible_months() {
        assert_eq!(
            parse_date("03/25/2024", &dmy()).unwrap_err().to_string(),
            "cannot normalize date \"03/25/2024\": no such date: year 2024, month 25, day 3"
        );
        assert_eq!(
            reason("25/03/2024", &mdy()),
            Reason::InvalidDate {
                year: 2024,
                month: 25,
                day: 3
            }
        );
    }

    #[test]
    fn auto_order_decides_when_one_number_is_over_12() {
        let auto = DateParams::new();
        assert_eq!(ok("25/03/2024", &auto), d(2024, 3, 25));
        assert_eq!(ok("03/25/2024", &auto), d(2024, 3, 25));
        assert_eq!(ok("05/05/2024", &auto), d(2024, 5, 5));
    }

    #[test]
    fn auto_order_reports_ambiguity() {
        assert_eq!(
            reason("05/03/2024", &DateParams::new()),
            Reason::AmbiguousDate {
                day_first: d(2024, 3, 5),
                month_first: d(2024, 5, 3)
            }
        );
        assert_eq!(
            reason("12/01/24", &DateParams::new()).code(),
            "ambiguous_date"
        );
    }

    #[test]
    fn two_digit_years_use_the_pivot() {
        assert_eq!(ok("05/03/68", &dmy()), d(2068, 3, 5));
        assert_eq!(ok("05/03/69", &dmy()), d(1969, 3, 5));
        assert_eq!(ok("05/03/00", &dmy()), d(2000, 3, 5));
        assert_eq!(ok("05/03/99", &dmy()), d(1999, 3, 5));
        let pivot_30 = dmy().two_digit_year_pivot(30);
        assert_eq!(ok("05/03/45", &pivot_30), d(1945, 3, 5));
        assert_eq!(ok("05/03/29", &pivot_30), d(2029, 3, 5));
    }

    #[test]
    fn french_month_names() {
        for raw in [
            "5 mars 2024",
            "05 mars 2024",
            "5 MARS 2024",
            "05-mars-24",
            "5 mar. 2024",
            "mardi 5 mars 2024",
            "le 5 mars 2024",
        ] {
            assert_eq!(ok(raw, &dmy()), d(2024, 3, 5), "{raw}");
        }
        assert_eq!(ok("1er janvier 2024", &dmy()), d(2024, 1, 1));
        assert_eq!(ok("05-janv.-24", &dmy()), d(2024, 1, 5));
        assert_eq!(ok("14 févr. 2024", &dmy()), d(2024, 2, 14));
        assert_eq!(ok("14 fevrier 2024", &dmy()), d(2024, 2, 14));
        assert_eq!(ok("15 août 2024", &dmy()), d(2024, 8, 15));
        assert_eq!(ok("1 juil. 2024", &dmy()), d(2024, 7, 1));
        assert_eq!(ok("3 sept. 2024", &dmy()), d(2024, 9, 3));
        assert_eq!(ok("24 déc. 2024", &dmy()), d(2024, 12, 24));
    }

    #[test]
    fn english_month_names() {
        for raw in [
            "March 5, 2024",
            "Mar 5, 2024",
            "march 5 2024",
            "5 March 2024",
            "5th March 2024",
            "5th of March, 2024",
            "Tuesday, March 5, 2024",
            "5-Mar-2024",
            "05-Mar-24",
            "2024-Mar-05",
            "March 5, 2024 10:30 AM",
        ] {
            assert_eq!(ok(raw, &mdy()), d(2024, 3, 5), "{raw}");
        }
        assert_eq!(ok("Sept. 1st, 2024", &mdy()), d(2024, 9, 1));
    }

    #[test]
    fn month_names_do_not_depend_on_the_order() {
        assert_eq!(ok("5 mars 2024", &DateParams::new()), d(2024, 3, 5));
        assert_eq!(ok("March 5, 2024", &DateParams::new()), d(2024, 3, 5));
    }

    #[test]
    fn unknown_month_name() {
        assert_eq!(
            parse_date("5 marzo 2024", &dmy()).unwrap_err().to_string(),
            "cannot normalize date \"5 marzo 2024\": unknown month name \"marzo\""
        );
    }

    #[test]
    fn excel_serials_1900() {
        let p = DateParams::new();
        assert_eq!(ok("1", &p), d(1900, 1, 1));
        assert_eq!(ok("59", &p), d(1900, 2, 28));
        assert_eq!(ok("61", &p), d(1900, 3, 1));
        assert_eq!(ok("45000", &p), d(2023, 3, 15));
        assert_eq!(ok("45000.75", &p), d(2023, 3, 15));
        assert_eq!(ok("45000,75", &p), d(2023, 3, 15));
        assert_eq!(ok("2958465", &p), d(9999, 12, 31));
    }

    #[test]
    fn excel_serial_60_is_the_lotus_bug() {
        assert_eq!(
            parse_date("60", &DateParams::new())
                .unwrap_err()
                .to_string(),
            "cannot normalize date \"60\": Excel serial 60 is 1900-02-29, a day that does not exist \
             (Excel's 1900 leap-year bug)"
        );
    }

    #[test]
    fn excel_serials_out_of_range() {
        assert_eq!(
            parse_date("0", &DateParams::new()).unwrap_err().to_string(),
            "cannot normalize date \"0\": Excel serial 0 is outside the dates Excel can show"
        );
        assert_eq!(
            reason("2958466", &DateParams::new()),
            Reason::ExcelSerialOutOfRange { serial: 2958466 }
        );
    }

    #[test]
    fn excel_serials_1904() {
        let p = DateParams::new().excel_epoch(ExcelEpoch::Excel1904);
        assert_eq!(ok("0", &p), d(1904, 1, 1));
        assert_eq!(ok("1", &p), d(1904, 1, 2));
        assert_eq!(ok("60", &p), d(1904, 3, 1));
        // The same day in both systems is 1462 serials apart.
        assert_eq!(ok("43538", &p), ok("45000", &DateParams::new()));
    }

    #[test]
    fn a_year_alone_is_not_a_date() {
        assert_eq!(
            parse_date("2024", &DateParams::new())
                .unwrap_err()
                .to_string(),
            "cannot normalize date \"2024\": expected a full date, not a year alone"
        );
    }

    #[test]
    fn impossible_dates() {
        assert_eq!(
            reason("2023-02-29", &DateParams::new()),
            Reason::InvalidDate {
                year: 2023,
                month: 2,
                day: 29
            }
        );
        assert_eq!(ok("2024-02-29", &DateParams::new()), d(2024, 2, 29));
        assert_eq!(
            reason("31/04/2024", &dmy()),
            Reason::InvalidDate {
                year: 2024,
                month: 4,
                day: 31
            }
        );
        assert_eq!(
            reason("20241305", &dmy()),
            Reason::InvalidDate {
                year: 2024,
                month: 13,
                day: 5
            }
        );
        assert_eq!(
            reason("32 mars 2024", &dmy()),
            Reason::InvalidDate {
                year: 2024,
                month: 3,
                day: 32
            }
        );
    }

    #[test]
    fn unrecognized_and_empty() {
        assert_eq!(
            parse_date("bientôt", &dmy()).unwrap_err().to_string(),
            "cannot normalize date \"bientôt\": not a recognised date format"
        );
        assert_eq!(reason("mars 2024", &dmy()), Reason::UnrecognizedDate);
        assert_eq!(reason("05/03", &dmy()), Reason::UnrecognizedDate);
        assert_eq!(reason("05/03/202", &dmy()), Reason::UnrecognizedDate);
        assert_eq!(reason("  ", &dmy()), Reason::Empty);
        assert_eq!(
            reason("05/03/2024 ?", &dmy()),
            Reason::InvalidCharacter { ch: '?' }
        );
    }

    #[test]
    fn date_order_and_epoch_parse_and_display() {
        for order in [DateOrder::DayFirst, DateOrder::MonthFirst, DateOrder::Auto] {
            assert_eq!(order.to_string().parse::<DateOrder>().unwrap(), order);
        }
        assert_eq!("DMY".parse::<DateOrder>().unwrap(), DateOrder::DayFirst);
        assert_eq!(
            "ymd".parse::<DateOrder>().unwrap_err().to_string(),
            "unknown date order \"ymd\": expected one of day_first, month_first, auto"
        );
        assert_eq!("1904".parse::<ExcelEpoch>().unwrap(), ExcelEpoch::Excel1904);
        assert_eq!(ExcelEpoch::Excel1900.to_string(), "1900");
        assert_eq!(
            "1901".parse::<ExcelEpoch>().unwrap_err().to_string(),
            "unknown Excel epoch \"1901\": expected one of 1900, 1904"
        );
    }

    #[test]
    fn infer_order_from_a_column() {
        assert_eq!(
            infer_date_order(["13/01/2024", "05/03/2024"]),
            Some(DateOrder::DayFirst)
        );
        assert_eq!(
            infer_date_order(["01/13/2024", "bad"]),
            Some(DateOrder::MonthFirst)
        );
        assert_eq!(infer_date_order(["13/01/2024", "01/13/2024"]), None);
        assert_eq!(infer_date_order(["2024-01-13"]), None);
        assert_eq!(infer_date_order([]), None);
    }
}
