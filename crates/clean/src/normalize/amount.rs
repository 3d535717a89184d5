//! Amounts of money: decimal comma or point, thousands separators, currency and multipliers.
//!
//! - Thousands separators: space (and no-break, narrow no-break and thin spaces, which NFKC
//!   turns into spaces), apostrophe (`1'234.50`, Swiss), and whichever of `.` and `,` is not the
//!   decimal separator. Groups after the first must have 3 digits.
//! - Decimal separator: where both `.` and `,` appear, the last one; where one of them appears
//!   several times, it is the thousands separator; where one appears once, it is the decimal
//!   separator unless exactly 3 digits follow it (`1,234`, `1.234`): then the value is ambiguous,
//!   and [`DecimalSeparator::Auto`] reports [`Reason::AmbiguousSeparator`] rather than guess.
//!   Setting [`DecimalSeparator::Comma`] or [`DecimalSeparator::Point`], or inferring it for a
//!   whole column with [`infer_decimal_separator`], settles it.
//! - Currency, before or after, with or without a space: symbols (`€`, `$`, `£`, `¥`, `US$`,
//!   `C$`…), ISO 4217 codes in any case (`EUR`, `chf`), and `euro(s)`.
//! - Multipliers after the number, before the currency: `k`/`K` (×1 000), `M`/`m`/`Mio`/`mn`
//!   (×1 000 000), `Md`/`Mds`/`Mrd`/`bn` (×1 000 000 000): `12k€`, `1,5 M€`, `£5m`.
//! - Negative amounts: `-`, `−`, or accounting parentheses `(1 234,56)`.
//! - French tax mentions after the amount, `HT` (before tax) and `TTC` (tax included), with or
//!   without dots: returned in [`Amount::tax`].

use std::fmt;
use std::str::FromStr;

use super::error::{Field, NormalizeError, Reason};
use super::text;

/// Which of `,` and `.` separates decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DecimalSeparator {
    /// Decided per value; values where it cannot be decided are errors. `auto`. The default.
    #[default]
    Auto,
    /// `1.234,56` (France, Germany, most of Europe). `comma`.
    Comma,
    /// `1,234.56` (United Kingdom, United States, Switzerland). `point`.
    Point,
}

impl fmt::Display for DecimalSeparator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DecimalSeparator::Auto => "auto",
            DecimalSeparator::Comma => "comma",
            DecimalSeparator::Point => "point",
        })
    }
}

/// A decimal-separator name that is not `auto`, `comma` or `point`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown decimal separator {0:?}: expected one of auto, comma, point")]
pub struct ParseDecimalSeparatorError(pub String);

impl FromStr for DecimalSeparator {
    type Err = ParseDecimalSeparatorError;

    /// Reads `auto`, `comma` (also `,`) or `point` (also `.`, `dot`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(DecimalSeparator::Auto),
            "comma" | "," => Ok(DecimalSeparator::Comma),
            "point" | "dot" | "." => Ok(DecimalSeparator::Point),
            _ => Err(ParseDecimalSeparatorError(s.to_owned())),
        }
    }
}

/// Whether an amount includes tax, when it says so (`HT`, `TTC`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaxBasis {
    /// `HT`, hors taxes: before tax.
    ExcludingTax,
    /// `TTC`, toutes taxes comprises: tax included.
    IncludingTax,
}

/// An amount, normalized.
#[derive(Debug, Clone, PartialEq)]
pub struct Amount {
    /// The value, multiplier applied: `1234.56`, `12000`.
    pub value: f64,
    /// The same value as an exact decimal string: `-1234.56`, `12000`.
    pub decimal: String,
    /// The ISO 4217 code of the currency, when one was written.
    pub currency: Option<&'static str>,
    /// Whether tax is included, when the amount says so.
    pub tax: Option<TaxBasis>,
}

/// Cuts a trailing `HT` or `TTC` (not the end of a longer word) off the text after the number.
fn strip_tax(after: &str) -> (&str, Option<TaxBasis>) {
    use TaxBasis::*;
    let markers = [
        ("T.T.C.", IncludingTax),
        ("T.T.C", IncludingTax),
        ("TTC", IncludingTax),
        ("H.T.", ExcludingTax),
        ("H.T", ExcludingTax),
        ("HT", ExcludingTax),
    ];
    for (marker, basis) in markers {
        let Some(split) = after.len().checked_sub(marker.len()) else {
            continue;
        };
        if after.is_char_boundary(split) && after[split..].eq_ignore_ascii_case(marker) {
            let rest = &after[..split];
            if !rest.ends_with(char::is_alphabetic) {
                return (rest.trim_end(), Some(basis));
            }
        }
    }
    (after, None)
}

/// ISO 4217 codes recognised as such.
const CODES: &[&str] = &[
    "AED", "AUD", "BGN", "BRL", "CAD", "CHF", "CNY", "CZK", "DKK", "EUR", "GBP", "HKD", "HUF",
    "ILS", "INR", "JPY", "KRW", "MAD", "MXN", "NOK", "NZD", "PLN", "RON", "RUB", "SAR", "SEK",
    "SGD", "TND", "TRY", "USD", "XAF", "XOF", "ZAR",
];

fn currency(token: &str) -> Option<&'static str> {
    let upper = token.to_uppercase();
    if let Some(code) = CODES.iter().find(|c| **c == upper) {
        return Some(code);
    }
    Some(match upper.as_str() {
        "€" | "EURO" | "EUROS" => "EUR",
        "$" | "US$" | "$US" => "USD",
        "£" => "GBP",
        "¥" => "JPY",
        "C$" | "CA$" | "$CA" => "CAD",
        "A$" | "AU$" => "AUD",
        "FR." | "SFR." => "CHF",
        _ => return None,
    })
}

/// Power of ten a multiplier word stands for.
fn multiplier(token: &str) -> Option<usize> {
    Some(match token {
        "k" | "K" => 3,
        "M" | "m" | "mn" | "Mn" | "Mio" | "mio" => 6,
        "Md" | "Mds" | "Mrd" | "bn" | "Bn" => 9,
        _ => return None,
    })
}

/// Reads the text around the number: `(multiplier power, currency)`.
fn read_affix(
    token: &str,
    allow_multiplier: bool,
) -> Result<(usize, Option<&'static str>), Reason> {
    let token = token.trim();
    if token.is_empty() {
        return Ok((0, None));
    }
    if let Some(c) = currency(token) {
        return Ok((0, Some(c)));
    }
    if allow_multiplier {
        // Longest multiplier first, so that `Mds€` is not read as `M` + `ds€`.
        let mut splits: Vec<usize> = token.char_indices().map(|(i, _)| i).skip(1).collect();
        splits.push(token.len());
        for &i in splits.iter().rev() {
            if let Some(power) = multiplier(&token[..i]) {
                let rest = token[i..].trim();
                if rest.is_empty() {
                    return Ok((power, None));
                }
                if let Some(c) = currency(rest) {
                    return Ok((power, Some(c)));
                }
            }
        }
    }
    Err(Reason::UnknownCurrency {
        code: token.to_owned(),
    })
}

/// Splits the digits into integer and fraction parts, checking the separators.
fn read_number(num: &str, decimal: DecimalSeparator) -> Result<(String, String), Reason> {
    let mut groups: Vec<&str> = Vec::new();
    let mut seps: Vec<char> = Vec::new();
    let mut start = 0;
    for (i, c) in num.char_indices() {
        match c {
            '0'..='9' => {}
            ' ' | '.' | ',' | '\'' | '’' => {
                groups.push(&num[start..i]);
                seps.push(if c == '’' { '\'' } else { c });
                start = i + c.len_utf8();
            }
            ch => return Err(Reason::InvalidCharacter { ch }),
        }
    }
    groups.push(&num[start..]);
    if groups.iter().skip(1).any(|g| g.is_empty()) {
        return Err(Reason::InvalidFormat {
            expected: "digits between separators",
        });
    }
    let count = |c: char| seps.iter().filter(|s| **s == c).count();
    let last_punct = seps.iter().rposition(|c| matches!(c, '.' | ','));
    // Index into `seps` of the decimal separator, if any.
    let decimal_at = match (decimal, last_punct) {
        (_, None) => None,
        (DecimalSeparator::Comma, Some(_)) => seps.iter().rposition(|c| *c == ','),
        (DecimalSeparator::Point, Some(_)) => seps.iter().rposition(|c| *c == '.'),
        (DecimalSeparator::Auto, Some(i)) => {
            let sep = seps[i];
            let other = if sep == ',' { '.' } else { ',' };
            if count(other) > 0 || (count(sep) == 1 && groups[i + 1].len() != 3) {
                Some(i)
            } else if count(sep) > 1 {
                None
            } else if groups[..=i].concat().trim_start_matches('0').is_empty()
                || groups[..=i].concat().len() > 3
                || seps[..i].iter().any(|c| matches!(c, ' ' | '\''))
            {
                // `0,250`, `1234,567` and `1 234,567` cannot be thousands.
                Some(i)
            } else {
                return Err(Reason::AmbiguousSeparator { sep });
            }
        }
    };
    if let Some(d) = decimal_at
        && d != seps.len() - 1
    {
        return Err(Reason::InvalidFormat {
            expected: "the decimal separator after every thousands separator",
        });
    }
    let int_groups = match decimal_at {
        Some(d) => &groups[..=d],
        None => &groups[..],
    };
    let grouped_ok = int_groups.len() == 1
        || (!int_groups[0].is_empty()
            && int_groups[0].len() <= 3
            && int_groups[1..].iter().all(|g| g.len() == 3));
    let thousands: Vec<char> = match decimal_at {
        Some(d) => seps[..d].to_vec(),
        None => seps.clone(),
    };
    let decimal_char = match decimal {
        DecimalSeparator::Comma => Some(','),
        DecimalSeparator::Point => Some('.'),
        DecimalSeparator::Auto => decimal_at.map(|d| seps[d]),
    };
    if decimal_char.is_some_and(|c| thousands.contains(&c)) {
        return Err(Reason::InvalidFormat {
            expected: "the decimal separator only once",
        });
    }
    if !grouped_ok || thousands.windows(2).any(|w| w[0] != w[1]) {
        return Err(Reason::InvalidFormat {
            expected: "one thousands separator, every 3 digits",
        });
    }
    let fraction = decimal_at.map(|d| groups[d + 1]).unwrap_or("");
    Ok((int_groups.concat(), fraction.to_owned()))
}

/// `int.frac` × 10^power, as an exact decimal string without needless zeros.
fn scaled_decimal(negative: bool, int: &str, frac: &str, power: usize) -> String {
    let mut frac = frac.to_owned();
    while frac.len() < power {
        frac.push('0');
    }
    let int = format!("{int}{}", &frac[..power]);
    let frac = frac[power..].trim_end_matches('0');
    let int = match int.trim_start_matches('0') {
        "" => "0",
        t => t,
    };
    let zero = int == "0" && frac.is_empty();
    let sign = if negative && !zero { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

fn parse(raw: &str, decimal: DecimalSeparator) -> Result<Amount, Reason> {
    let cleaned = text::clean(raw);
    let mut s = cleaned.as_str();
    let mut negative = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        s = inner.trim();
    }
    let first = s
        .find(|c: char| c.is_ascii_digit())
        .ok_or(if s.is_empty() {
            Reason::Empty
        } else {
            Reason::InvalidFormat {
                expected: "a number",
            }
        })?;
    let last = s.rfind(|c: char| c.is_ascii_digit()).unwrap_or(first);
    let mut start = first;
    // `.5`, `,50`: a separator just before the first digit belongs to the number.
    if s[..first].ends_with(['.', ',']) && !s[..first - 1].ends_with(|c: char| c.is_alphabetic()) {
        start -= 1;
    }
    let mut before = s[..start].trim();
    let (mut after, tax) = strip_tax(s[last + 1..].trim());
    for sign in ['-', '−', '+'] {
        if let Some(rest) = before
            .strip_prefix(sign)
            .or_else(|| before.strip_suffix(sign))
        {
            negative |= sign != '+';
            before = rest.trim();
        }
        if let Some(rest) = after.strip_suffix(sign) {
            negative |= sign != '+';
            after = rest.trim();
        }
    }
    let number = &s[start..=last];
    let number = if number.starts_with(['.', ',']) {
        format!("0{number}")
    } else {
        number.to_owned()
    };
    let (_, cur_before) = read_affix(before, false)?;
    let (power, cur_after) = read_affix(after, true)?;
    let currency = match (cur_before, cur_after) {
        (Some(a), Some(b)) if a != b => return Err(Reason::ConflictingCurrencies),
        (a, b) => a.or(b),
    };
    let (int, frac) = read_number(&number, decimal)?;
    let decimal = scaled_decimal(negative, &int, &frac, power);
    let value = decimal.parse().map_err(|_| Reason::InvalidFormat {
        expected: "a number",
    })?;
    Ok(Amount {
        value,
        decimal,
        currency,
        tax,
    })
}

/// Parses an amount and its currency.
///
/// ```
/// use cible_clean::normalize::amount::{parse_amount, DecimalSeparator};
/// let a = parse_amount("1 234,56 €", DecimalSeparator::Auto).unwrap();
/// assert_eq!((a.value, a.currency), (1234.56, Some("EUR")));
/// assert_eq!(parse_amount("$1,234.50", DecimalSeparator::Auto).unwrap().decimal, "1234.5");
/// assert_eq!(parse_amount("1,5 M€", DecimalSeparator::Auto).unwrap().value, 1_500_000.0);
///
/// let err = parse_amount("1,234", DecimalSeparator::Auto).unwrap_err();
/// assert_eq!(err.to_string(), "cannot normalize amount \"1,234\": ambiguous: ',' may be a \
///     decimal or a thousands separator; set the decimal separator");
/// assert_eq!(parse_amount("1,234", DecimalSeparator::Comma).unwrap().value, 1.234);
/// ```
///
/// # Errors
///
/// [`Reason::Empty`], [`Reason::InvalidCharacter`], [`Reason::InvalidFormat`] (no digits,
/// misplaced separators), [`Reason::AmbiguousSeparator`], [`Reason::UnknownCurrency`],
/// [`Reason::ConflictingCurrencies`].
pub fn parse_amount(raw: &str, decimal: DecimalSeparator) -> Result<Amount, NormalizeError> {
    parse(raw, decimal).map_err(|r| NormalizeError::new(Field::Amount, raw, r))
}

/// The decimal separator a column of amounts uses: decided by the values that show it (both
/// `.` and `,`, one of them repeated, or one followed by other than 3 digits); `None` when none
/// does or they disagree.
///
/// ```
/// use cible_clean::normalize::amount::{infer_decimal_separator, DecimalSeparator};
/// assert_eq!(infer_decimal_separator(["1,234", "12,5"]), Some(DecimalSeparator::Comma));
/// assert_eq!(infer_decimal_separator(["1,234", "1,234,567"]), Some(DecimalSeparator::Point));
/// assert_eq!(infer_decimal_separator(["1,234"]), None);
/// ```
pub fn infer_decimal_separator<'a>(
    values: impl IntoIterator<Item = &'a str>,
) -> Option<DecimalSeparator> {
    let (mut comma, mut point) = (false, false);
    for value in values {
        // A value tells only if it reads one way and not the other.
        let as_comma = parse(value, DecimalSeparator::Comma).is_ok();
        let as_point = parse(value, DecimalSeparator::Point).is_ok();
        comma |= as_comma && !as_point;
        point |= as_point && !as_comma;
    }
    match (comma, point) {
        (true, false) => Some(DecimalSeparator::Comma),
        (false, true) => Some(DecimalSeparator::Point),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::DecimalSeparator::*;
    use super::*;

    fn amount(raw: &str, d: DecimalSeparator) -> (String, Option<&'static str>) {
        match parse_amount(raw, d) {
            Ok(a) => (a.decimal, a.currency),
            Err(e) => panic!("{e}"),
        }
    }

    fn reason(raw: &str, d: DecimalSeparator) -> Reason {
        parse_amount(raw, d).unwrap_err().reason
    }

    #[test]
    fn plain_numbers() {
        assert_eq!(amount("1234", Auto), ("1234".into(), None));
        assert_eq!(amount("12.5", Auto), ("12.5".into(), None));
        assert_eq!(amount("12,50", Auto), ("12.5".into(), None));
        assert_eq!(amount("0012", Auto), ("12".into(), None));
        assert_eq!(amount(",5", Auto), ("0.5".into(), None));
        assert_eq!(parse_amount("1234.56", Auto).unwrap().value, 1234.56);
    }

    #[test]
    fn thousands_separators() {
        for raw in [
            "1 234 567,89",
            "1\u{a0}234\u{a0}567,89",
            "1\u{202f}234\u{202f}567,89",
            "1\u{2009}234\u{2009}567,89",
            "1.234.567,89",
            "1,234,567.89",
            "1'234'567.89",
            "1’234’567.89",
            "1 234 567.89",
        ] {
            assert_eq!(amount(raw, Auto).0, "1234567.89", "{raw:?}");
        }
        assert_eq!(amount("1.234.567", Auto).0, "1234567");
        assert_eq!(amount("1,234,567", Auto).0, "1234567");
    }

    #[test]
    fn three_digits_after_a_single_separator_is_ambiguous() {
        assert_eq!(
            reason("1,234", Auto),
            Reason::AmbiguousSeparator { sep: ',' }
        );
        assert_eq!(
            parse_amount("1.234 €", Auto).unwrap_err().to_string(),
            "cannot normalize amount \"1.234 €\": ambiguous: '.' may be a decimal or a thousands \
             separator; set the decimal separator"
        );
        assert_eq!(amount("1,234", Comma).0, "1.234");
        assert_eq!(amount("1,234", Point).0, "1234");
        assert_eq!(amount("1.234", Comma).0, "1234");
        assert_eq!(amount("1.234", Point).0, "1.234");
    }

    #[test]
    fn three_digits_that_cannot_be_a_thousands_group() {
        assert_eq!(amount("0,250", Auto).0, "0.25");
        assert_eq!(amount("1234,567", Auto).0, "1234.567");
        assert_eq!(amount("1 234,567", Auto).0, "1234.567");
    }

    #[test]
    fn configured_separator_rejects_the_other_reading() {
        assert_eq!(
            parse_amount("1.5", Comma).unwrap_err().to_string(),
            "cannot normalize amount \"1.5\": expected one thousands separator, every 3 digits"
        );
        assert_eq!(amount("1.234,5", Comma).0, "1234.5");
        assert_eq!(amount("1,234.5", Point).0, "1234.5");
    }

    #[test]
    fn misplaced_separators() {
        assert_eq!(
            reason("1,234.567,89", Auto),
            Reason::InvalidFormat {
                expected: "the decimal separator only once"
            }
        );
        assert_eq!(
            reason("1,234.5", Comma),
            Reason::InvalidFormat {
                expected: "the decimal separator after every thousands separator"
            }
        );
        assert_eq!(
            reason("1.234.567", Point),
            Reason::InvalidFormat {
                expected: "the decimal separator only once"
            }
        );
        assert_eq!(
            reason("12 34,5", Auto),
            Reason::InvalidFormat {
                expected: "one thousands separator, every 3 digits"
            }
        );
        assert_eq!(
            reason("1 234.567.890,5", Auto),
            Reason::InvalidFormat {
                expected: "one thousands separator, every 3 digits"
            }
        );
        assert_eq!(
            reason("1,,5", Auto),
            Reason::InvalidFormat {
                expected: "digits between separators"
            }
        );
    }

    #[test]
    fn currencies_before_or_after() {
        assert_eq!(amount("12,50 €", Auto), ("12.5".into(), Some("EUR")));
        assert_eq!(amount("12,50€", Auto), ("12.5".into(), Some("EUR")));
        assert_eq!(amount("€12.50", Auto), ("12.5".into(), Some("EUR")));
        assert_eq!(amount("EUR 12,50", Auto), ("12.5".into(), Some("EUR")));
        assert_eq!(amount("12,50 eur", Auto), ("12.5".into(), Some("EUR")));
        assert_eq!(amount("12,50 euros", Auto), ("12.5".into(), Some("EUR")));
        assert_eq!(amount("$1,234.56", Auto), ("1234.56".into(), Some("USD")));
        assert_eq!(
            amount("1,234.56 USD", Auto),
            ("1234.56".into(), Some("USD"))
        );
        assert_eq!(amount("US$ 10", Auto), ("10".into(), Some("USD")));
        assert_eq!(amount("£1,234.56", Auto), ("1234.56".into(), Some("GBP")));
        assert_eq!(amount("1234.56 GBP", Auto), ("1234.56".into(), Some("GBP")));
        assert_eq!(amount("CHF 1'234.50", Auto), ("1234.5".into(), Some("CHF")));
        assert_eq!(amount("1'234.50 CHF", Auto), ("1234.5".into(), Some("CHF")));
        assert_eq!(amount("C$ 99.99", Auto), ("99.99".into(), Some("CAD")));
        assert_eq!(amount("€ 12 EUR", Auto), ("12".into(), Some("EUR")));
    }

    #[test]
    fn multipliers() {
        assert_eq!(amount("12k€", Auto), ("12000".into(), Some("EUR")));
        assert_eq!(amount("12 K€", Auto), ("12000".into(), Some("EUR")));
        assert_eq!(amount("1,5 k€", Auto), ("1500".into(), Some("EUR")));
        assert_eq!(amount("2,5 M€", Auto), ("2500000".into(), Some("EUR")));
        assert_eq!(amount("1,25 M EUR", Auto), ("1250000".into(), Some("EUR")));
        assert_eq!(amount("3 MEUR", Auto), ("3000000".into(), Some("EUR")));
        assert_eq!(amount("£5m", Auto), ("5000000".into(), Some("GBP")));
        assert_eq!(amount("$1.2bn", Auto), ("1200000000".into(), Some("USD")));
        assert_eq!(amount("1,2 Mds€", Auto), ("1200000000".into(), Some("EUR")));
        assert_eq!(amount("0,0015 k€", Auto), ("1.5".into(), Some("EUR")));
        assert_eq!(amount("15k", Auto), ("15000".into(), None));
        assert_eq!(parse_amount("1,5 M€", Auto).unwrap().value, 1_500_000.0);
    }

    #[test]
    fn tax_mentions() {
        let a = parse_amount("1 200,00 € HT", Auto).unwrap();
        assert_eq!(
            (a.decimal.as_str(), a.currency, a.tax),
            ("1200", Some("EUR"), Some(TaxBasis::ExcludingTax))
        );
        let a = parse_amount("1 440 €TTC", Auto).unwrap();
        assert_eq!(
            (a.currency, a.tax),
            (Some("EUR"), Some(TaxBasis::IncludingTax))
        );
        assert_eq!(
            parse_amount("12 k€ H.T.", Auto).unwrap().tax,
            Some(TaxBasis::ExcludingTax)
        );
        assert_eq!(
            parse_amount("12 ht", Auto).unwrap().tax,
            Some(TaxBasis::ExcludingTax)
        );
        assert_eq!(parse_amount("12 €", Auto).unwrap().tax, None);
        assert_eq!(
            reason("12 EURHT", Auto),
            Reason::UnknownCurrency {
                code: "EURHT".into()
            }
        );
    }

    #[test]
    fn negative_amounts() {
        assert_eq!(amount("-1 234,56 €", Auto).0, "-1234.56");
        assert_eq!(amount("−12,50", Auto).0, "-12.5");
        assert_eq!(amount("(1 234,56)", Auto).0, "-1234.56");
        assert_eq!(
            amount("(1 234,56 €)", Auto),
            ("-1234.56".into(), Some("EUR"))
        );
        assert_eq!(amount("€ -12", Auto).0, "-12");
        assert_eq!(amount("-€12", Auto).0, "-12");
        assert_eq!(amount("12-", Auto).0, "-12");
        assert_eq!(amount("-0,00", Auto).0, "0");
        assert_eq!(amount("+12", Auto).0, "12");
    }

    #[test]
    fn unknown_and_conflicting_currencies() {
        assert_eq!(
            parse_amount("12 XYZ", Auto).unwrap_err().to_string(),
            "cannot normalize amount \"12 XYZ\": unknown currency \"XYZ\""
        );
        assert_eq!(
            parse_amount("€12 USD", Auto).unwrap_err().to_string(),
            "cannot normalize amount \"€12 USD\": two different currencies"
        );
        assert_eq!(
            reason("k€ 12", Auto),
            Reason::UnknownCurrency {
                code: "k€".into()
            }
        );
    }

    #[test]
    fn empty_and_not_a_number() {
        assert_eq!(reason("  ", Auto), Reason::Empty);
        assert_eq!(
            parse_amount("n/a", Auto).unwrap_err().to_string(),
            "cannot normalize amount \"n/a\": expected a number"
        );
        assert_eq!(
            reason("€", Auto),
            Reason::InvalidFormat {
                expected: "a number"
            }
        );
        assert_eq!(reason("12 3a4", Auto), Reason::InvalidCharacter { ch: 'a' });
    }

    #[test]
    fn decimal_separator_parses_and_displays() {
        for d in [Auto, Comma, Point] {
            assert_eq!(d.to_string().parse::<DecimalSeparator>().unwrap(), d);
        }
        assert_eq!(",".parse::<DecimalSeparator>().unwrap(), Comma);
        assert_eq!(
            "semicolon"
                .parse::<DecimalSeparator>()
                .unwrap_err()
                .to_string(),
            "unknown decimal separator \"semicolon\": expected one of auto, comma, point"
        );
    }

    #[test]
    fn infer_separator_from_a_column() {
        assert_eq!(infer_decimal_separator(["1.234,5", "1,234"]), Some(Comma));
        assert_eq!(infer_decimal_separator(["1.234.567", "1,234"]), Some(Comma));
        assert_eq!(infer_decimal_separator(["12.50 €", "1,234"]), Some(Point));
        assert_eq!(infer_decimal_separator(["12.50", "12,50"]), None);
        assert_eq!(infer_decimal_separator(["12", "n/a"]), None);
    }
}
