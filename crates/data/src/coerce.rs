//! Turning raw text into typed values, the way CRM and ERP exports write them.
//!
//! Numbers accept a configured decimal separator (`.` or `,`), thousands separators in valid
//! groups of three (space, no-break space, apostrophe, and whichever of `.`/`,` is not the
//! decimal separator) and a leading or trailing currency symbol. Dates accept ISO 8601,
//! `YYYYMMDD`, and numeric dates with `/`, `-` or `.` in the configured day/month order.
//! Every parser returns `None` on failure; the caller turns that into a reject with the
//! column's [`ColumnType::expected`](cible_core::schema::ColumnType::expected) text.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};
use cible_core::project::DateOrder;

/// Parses a whole number. `decimal` is the source's decimal separator; a fractional part
/// of zeros (`12,00`) is accepted, any other fraction is not.
pub fn parse_integer(text: &str, decimal: u8) -> Option<i64> {
    let bytes = text.as_bytes();
    if !bytes.is_empty() && bytes.len() <= 18 && bytes.iter().all(u8::is_ascii_digit) {
        return text.parse().ok();
    }
    let clean = clean_number(text, decimal)?;
    match clean.split_once('.') {
        None => clean.parse().ok(),
        Some((int, frac)) if frac.bytes().all(|b| b == b'0') && !frac.contains(['e', 'E']) => {
            int.parse().ok()
        }
        Some(_) => None,
    }
}

/// Parses a decimal number with the source's decimal separator.
pub fn parse_number(text: &str, decimal: u8) -> Option<f64> {
    let clean = clean_number(text, decimal)?;
    let value: f64 = clean.parse().ok()?;
    value.is_finite().then_some(value)
}

/// Rewrites a number as Rust parses it (`-1234.5e3`), or `None` if it is not one.
fn clean_number(text: &str, decimal: u8) -> Option<String> {
    let mut s = text.trim();
    for symbol in ['€', '$', '£'] {
        s = s.strip_prefix(symbol).unwrap_or(s).trim_start();
        s = s.strip_suffix(symbol).unwrap_or(s).trim_end();
    }
    let (negative, s) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let decimal = decimal as char;
    let (int_part, frac_part) = match mantissa.split_once(decimal) {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let grouping = if decimal == '.' { ',' } else { '.' };
    let digits = strip_grouping(int_part, grouping)?;
    let mut out = String::with_capacity(s.len() + 1);
    if negative {
        out.push('-');
    }
    out.push_str(if digits.is_empty() { "0" } else { &digits });
    if let Some(frac) = frac_part {
        if frac.is_empty() && digits.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        out.push('.');
        out.push_str(frac);
    } else if digits.is_empty() {
        return None;
    }
    if let Some(exp) = exponent {
        let digits = exp.strip_prefix(['-', '+']).unwrap_or(exp);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        out.push('e');
        out.push_str(exp);
    }
    Some(out)
}

/// Removes thousands separators, checking that they sit between groups of three digits.
fn strip_grouping(int_part: &str, grouping: char) -> Option<String> {
    let is_separator = |c: char| c == grouping || matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'');
    if !int_part.contains(is_separator) {
        return int_part
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| int_part.to_string());
    }
    let mut digits = String::with_capacity(int_part.len());
    for (i, group) in int_part.split(is_separator).enumerate() {
        let ok = if i == 0 {
            (1..=3).contains(&group.len())
        } else {
            group.len() == 3
        };
        if !ok || !group.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.push_str(group);
    }
    Some(digits)
}

/// Parses a yes/no value: true/false, yes/no, oui/non, vrai/faux, 1/0, y/n, o/n, t/f.
pub fn parse_bool(text: &str) -> Option<bool> {
    let t = text.trim();
    const TRUE: &[&str] = &["true", "yes", "oui", "vrai", "1", "y", "o", "t"];
    const FALSE: &[&str] = &["false", "no", "non", "faux", "0", "n", "f"];
    if TRUE.iter().any(|v| v.eq_ignore_ascii_case(t)) {
        Some(true)
    } else if FALSE.iter().any(|v| v.eq_ignore_ascii_case(t)) {
        Some(false)
    } else {
        None
    }
}

/// Parses a date. A `format` (chrono syntax) is tried first when given; then ISO 8601 (a
/// time part is allowed and dropped), `YYYYMMDD`, and numeric dates in `order`.
pub fn parse_date(text: &str, order: DateOrder, format: Option<&str>) -> Option<NaiveDate> {
    let t = text.trim();
    if let Some(fmt) = format {
        return NaiveDate::parse_from_str(t, fmt).ok().or_else(|| {
            NaiveDateTime::parse_from_str(t, fmt)
                .ok()
                .map(|dt| dt.date())
        });
    }
    let (date_part, time_part) = split_date_time(t);
    let date = parse_date_only(date_part, order)?;
    match time_part {
        None => Some(date),
        Some(time) => parse_time(time).map(|_| date),
    }
}

/// Parses an instant, as microseconds since the Unix epoch in UTC. Accepts RFC 3339, a date
/// and a time separated by `T` or a space (without offset: UTC), or a date alone (midnight).
pub fn parse_timestamp(text: &str, order: DateOrder, format: Option<&str>) -> Option<i64> {
    let t = text.trim();
    if let Some(fmt) = format {
        if let Ok(dt) = DateTime::parse_from_str(t, fmt) {
            return Some(dt.timestamp_micros());
        }
        return NaiveDateTime::parse_from_str(t, fmt)
            .ok()
            .or_else(|| NaiveDate::parse_from_str(t, fmt).ok().map(midnight))
            .map(|dt| dt.and_utc().timestamp_micros());
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.timestamp_micros());
    }
    let (date_part, time_part) = split_date_time(t);
    let date = parse_date_only(date_part, order)?;
    let Some(time) = time_part else {
        return Some(midnight(date).and_utc().timestamp_micros());
    };
    let (time, offset_seconds) = parse_time(time)?;
    Some(date.and_time(time).and_utc().timestamp_micros() - offset_seconds * 1_000_000)
}

fn midnight(date: NaiveDate) -> NaiveDateTime {
    date.and_time(NaiveTime::MIN)
}

fn split_date_time(t: &str) -> (&str, Option<&str>) {
    match t.find(['T', ' ']) {
        Some(i) => (&t[..i], Some(t[i + 1..].trim_start())),
        None => (t, None),
    }
}

/// Parses `HH:MM[:SS[.fff]]` with an optional `Z` or `±HH[:]MM` offset; returns the time and
/// the offset in seconds east of UTC.
fn parse_time(t: &str) -> Option<(NaiveTime, i64)> {
    let (clock, offset) = if let Some(clock) = t.strip_suffix(['Z', 'z']) {
        (clock, 0)
    } else if let Some(i) = t.rfind(['+', '-']).filter(|&i| i >= 5) {
        let off = t[i + 1..].replace(':', "");
        if off.len() != 4 || !off.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let minutes = off[..2].parse::<i64>().ok()? * 60 + off[2..].parse::<i64>().ok()?;
        let sign = if &t[i..=i] == "-" { -1 } else { 1 };
        (&t[..i], sign * minutes * 60)
    } else {
        (t, 0)
    };
    let clock = clock.trim();
    let time = NaiveTime::parse_from_str(clock, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(clock, "%H:%M"))
        .ok()?;
    Some((time, offset))
}

fn parse_date_only(t: &str, order: DateOrder) -> Option<NaiveDate> {
    let b = t.as_bytes();
    if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        return ymd(&t[..4], &t[4..6], &t[6..]);
    }
    let sep = *b.iter().find(|c| matches!(c, b'/' | b'-' | b'.'))?;
    let mut parts = t.split(sep as char);
    let (a, m, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || [a, m, c].iter().any(|p| p.is_empty() || p.len() > 4) {
        return None;
    }
    if a.len() == 4 {
        return ymd(a, m, c);
    }
    let year = expand_year(c)?;
    match order {
        DateOrder::Dmy => ymd(&year, m, a),
        DateOrder::Mdy => ymd(&year, a, m),
        DateOrder::Ymd => None,
    }
}

fn expand_year(y: &str) -> Option<String> {
    match y.len() {
        4 => Some(y.to_string()),
        // As POSIX strptime's %y: 69–99 are the 1900s, 00–68 the 2000s.
        2 => {
            let v: u32 = y.parse().ok()?;
            Some(format!("{}", if v >= 69 { 1900 + v } else { 2000 + v }))
        }
        _ => None,
    }
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(y) && all_digits(m) && all_digits(d)) || m.len() > 2 || d.len() > 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Whether `text` is a JSON object.
pub fn is_json_object(text: &str) -> bool {
    text.trim_start().starts_with('{')
        && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

/// Days since the Unix epoch, as Arrow's `Date32` stores dates.
pub fn date32(date: NaiveDate) -> i32 {
    const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;
    chrono::Datelike::num_days_from_ce(&date) - UNIX_EPOCH_DAYS_FROM_CE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_with_thousands_separators() {
        assert_eq!(parse_integer("1234", b'.'), Some(1234));
        assert_eq!(parse_integer(" -12 ", b'.'), Some(-12));
        assert_eq!(parse_integer("+7", b'.'), Some(7));
        assert_eq!(parse_integer("1 234 567", b','), Some(1_234_567));
        assert_eq!(parse_integer("1\u{a0}234", b','), Some(1234));
        assert_eq!(parse_integer("1\u{202f}234", b','), Some(1234));
        assert_eq!(parse_integer("1.234", b','), Some(1234));
        assert_eq!(parse_integer("1,234", b'.'), Some(1234));
        assert_eq!(parse_integer("1'234'567", b'.'), Some(1_234_567));
        assert_eq!(parse_integer("12,00", b','), Some(12));
        assert_eq!(parse_integer("12.0", b'.'), Some(12));
    }

    #[test]
    fn malformed_integers_are_refused() {
        for bad in [
            "12k",
            "environ 50",
            "1.5",
            "12,5",
            "1,23",
            "12 34",
            "",
            "-",
            "1.2.3",
            "2.5.1",
            "9999999999999999999999",
        ] {
            assert_eq!(parse_integer(bad, b'.'), None, "{bad:?}");
        }
        assert_eq!(parse_integer("12,5", b','), None);
    }

    #[test]
    fn numbers_with_decimal_comma_and_currency() {
        assert_eq!(parse_number("1234,56", b','), Some(1234.56));
        assert_eq!(parse_number("1 234,56 €", b','), Some(1234.56));
        assert_eq!(parse_number("1.234.567,5", b','), Some(1_234_567.5));
        assert_eq!(parse_number("$1,234.50", b'.'), Some(1234.5));
        assert_eq!(parse_number("-0.5", b'.'), Some(-0.5));
        assert_eq!(parse_number(",5", b','), Some(0.5));
        assert_eq!(parse_number("1.5e3", b'.'), Some(1500.0));
        assert_eq!(parse_number("12", b','), Some(12.0));
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for bad in [
            "12,50,00", "abc", "N.C.", "1.2.3", "12,5", "1e", "--1", "", ",", "inf", "NaN", "1 2",
        ] {
            assert_eq!(parse_number(bad, b'.'), None, "{bad:?}");
        }
        // With a decimal comma, a dot is a thousands separator and must group by three.
        assert_eq!(parse_number("12.5", b','), None);
        assert_eq!(parse_number("1,2,3", b','), None);
    }

    #[test]
    fn booleans_in_french_and_english() {
        for t in ["true", "Yes", "OUI", "vrai", "1", "y", "o"] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for f in ["false", "No", "non", "FAUX", "0", "n"] {
            assert_eq!(parse_bool(f), Some(false), "{f}");
        }
        assert_eq!(parse_bool("peut-être"), None);
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_the_formats_crms_export() {
        let dmy = DateOrder::Dmy;
        assert_eq!(parse_date("2024-03-05", dmy, None), Some(d(2024, 3, 5)));
        assert_eq!(
            parse_date("2024-03-05T10:00:00Z", dmy, None),
            Some(d(2024, 3, 5))
        );
        assert_eq!(
            parse_date("2024-03-05 10:00", dmy, None),
            Some(d(2024, 3, 5))
        );
        assert_eq!(parse_date("20240305", dmy, None), Some(d(2024, 3, 5)));
        assert_eq!(parse_date("05/03/2024", dmy, None), Some(d(2024, 3, 5)));
        assert_eq!(parse_date("5.3.2024", dmy, None), Some(d(2024, 3, 5)));
        assert_eq!(parse_date("05/03/24", dmy, None), Some(d(2024, 3, 5)));
        assert_eq!(
            parse_date("05/03/2024", DateOrder::Mdy, None),
            Some(d(2024, 5, 3))
        );
        assert_eq!(
            parse_date("2024/03/05", DateOrder::Mdy, None),
            Some(d(2024, 3, 5))
        );
        assert_eq!(parse_date("5 mars 2024", dmy, Some("%d %B %Y")), None);
        assert_eq!(
            parse_date("March 5, 2024", dmy, Some("%B %d, %Y")),
            Some(d(2024, 3, 5))
        );
    }

    #[test]
    fn impossible_dates_are_refused() {
        for bad in [
            "31/02/2024",
            "2024-13-45",
            "hier",
            "2024-03-05T25:00",
            "05/03",
            "1/2/3/4",
            "2024-3-5x",
        ] {
            assert_eq!(parse_date(bad, DateOrder::Dmy, None), None, "{bad:?}");
        }
        assert_eq!(parse_date("05/03/2024", DateOrder::Ymd, None), None);
    }

    #[test]
    fn timestamps_are_stored_in_utc() {
        let at = |s: &str| parse_timestamp(s, DateOrder::Dmy, None);
        let base = d(2024, 3, 5)
            .and_hms_opt(10, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp_micros();
        assert_eq!(at("2024-03-05T10:00:00Z"), Some(base));
        assert_eq!(at("2024-03-05T11:00:00+01:00"), Some(base));
        assert_eq!(at("2024-03-05 10:00:00"), Some(base));
        assert_eq!(at("2024-03-05 10:00"), Some(base));
        assert_eq!(at("05/03/2024 12:00:00+0200"), Some(base));
        assert_eq!(at("2024-03-05 10:00:00.250"), Some(base + 250_000));
        assert_eq!(at("2024-03-05"), Some(base - 10 * 3_600_000_000));
        assert_eq!(at("not a date"), None);
        assert_eq!(at("2024-03-05 10h00"), None);
    }

    #[test]
    fn json_objects_only() {
        assert!(is_json_object(r#"{"url": "/tarifs"}"#));
        assert!(!is_json_object(r#"["a"]"#));
        assert!(!is_json_object(r#"{"url": }"#));
    }

    #[test]
    fn date32_counts_days_from_1970() {
        assert_eq!(date32(d(1970, 1, 1)), 0);
        assert_eq!(date32(d(2000, 3, 1)), 11_017);
        assert_eq!(date32(d(1969, 12, 31)), -1);
    }
}
