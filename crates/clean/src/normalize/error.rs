//! Why a value could not be normalized.

use std::fmt;

use chrono::NaiveDate;

/// What kind of value a normalizer was given; names the value in error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// Free text ([`text`](super::text)).
    Text,
    /// A company name ([`company`](super::company)).
    CompanyName,
    /// An e-mail address ([`email`](super::email)).
    Email,
    /// A phone number ([`phone`](super::phone)).
    Phone,
    /// A postcode ([`postcode`](super::postcode)).
    Postcode,
    /// A date ([`date`](super::date)).
    Date,
    /// An amount of money ([`amount`](super::amount)).
    Amount,
    /// A French SIREN ([`registry`](super::registry)).
    Siren,
    /// A French SIRET ([`registry`](super::registry)).
    Siret,
    /// A French intra-community VAT number ([`registry`](super::registry)).
    VatNumber,
    /// A NAF rev. 2 / NACE rev. 2 activity code ([`sector`](super::sector)).
    NafCode,
}

impl Field {
    /// The value's name as error messages write it, e.g. `phone number`.
    pub fn name(self) -> &'static str {
        match self {
            Field::Text => "text",
            Field::CompanyName => "company name",
            Field::Email => "e-mail address",
            Field::Phone => "phone number",
            Field::Postcode => "postcode",
            Field::Date => "date",
            Field::Amount => "amount",
            Field::Siren => "SIREN",
            Field::Siret => "SIRET",
            Field::VatNumber => "VAT number",
            Field::NafCode => "NAF code",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a value was rejected. [`Reason::code`] gives a stable identifier that the data-quality
/// report counts; `Display` gives the sentence shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Nothing but whitespace.
    Empty,
    /// A character that has no place in this kind of value.
    InvalidCharacter {
        /// The character, as found.
        ch: char,
    },
    /// Fewer digits than the shortest valid value.
    TooShort {
        /// Digits found.
        len: usize,
        /// Fewest digits accepted.
        min: usize,
    },
    /// More digits than the longest valid value.
    TooLong {
        /// Digits found.
        len: usize,
        /// Most digits accepted.
        max: usize,
    },
    /// A fixed-length identifier with the wrong number of digits.
    WrongLength {
        /// Digits found.
        len: usize,
        /// Digits expected.
        expected: usize,
    },
    /// Well-formed, but its check digit (Luhn, or La Poste's digit sum) is wrong: a typo.
    InvalidChecksum,
    /// The key of a French VAT number does not match its SIREN.
    VatKeyMismatch {
        /// Key computed from the SIREN.
        expected: u8,
        /// Key found in the value.
        found: u8,
    },
    /// Does not have the shape this kind of value has.
    InvalidFormat {
        /// The expected shape, in words or as a pattern.
        expected: &'static str,
    },
    /// An international phone number whose calling code is unknown or not supported.
    UnknownCountryPrefix {
        /// The calling code, without `+`.
        prefix: String,
    },
    /// A phone number that starts with a digit no number of its country starts with.
    InvalidPrefix {
        /// The offending leading digits of the national number.
        prefix: String,
    },
    /// No `@` in an e-mail address.
    MissingAt,
    /// More than one `@` in an e-mail address.
    MultipleAt,
    /// Whitespace inside an e-mail address.
    ContainsWhitespace,
    /// The part of an e-mail address before the `@` is invalid.
    InvalidLocalPart {
        /// What is wrong with it.
        detail: &'static str,
    },
    /// The domain of an e-mail address is invalid.
    InvalidDomain {
        /// What is wrong with it.
        detail: &'static str,
    },
    /// Text that no supported date format matches.
    UnrecognizedDate,
    /// A date with a day, month or year out of range (`2023-02-29`, month 13).
    InvalidDate {
        /// Year as read.
        year: i32,
        /// Month as read.
        month: u32,
        /// Day as read.
        day: u32,
    },
    /// Day and month both ≤ 12 and different, with [`DateOrder::Auto`](super::date::DateOrder).
    AmbiguousDate {
        /// The date if read day first.
        day_first: NaiveDate,
        /// The date if read month first.
        month_first: NaiveDate,
    },
    /// A word where a month name was expected.
    UnknownMonth {
        /// The word, as found.
        name: String,
    },
    /// An Excel serial number outside the dates Excel can show.
    ExcelSerialOutOfRange {
        /// The serial number.
        serial: i64,
    },
    /// Excel serial 60 in the 1900 date system: Excel shows 1900-02-29, a day that never existed.
    ExcelLeapYearBug,
    /// A separator that could be a decimal or a thousands separator (`1,234`, `1.234`).
    AmbiguousSeparator {
        /// The separator.
        sep: char,
    },
    /// A currency code or symbol that is not known.
    UnknownCurrency {
        /// The code or symbol, as found.
        code: String,
    },
    /// Two different currencies in one amount (`€ 12 USD`).
    ConflictingCurrencies,
    /// A NAF/NACE division (first two digits) that does not exist.
    UnknownNafDivision {
        /// The two digits.
        division: String,
    },
    /// A French postcode whose first digits are no département.
    UnknownDepartement {
        /// The leading digits.
        prefix: String,
    },
}

impl Reason {
    /// A stable snake_case identifier for counting, e.g. `invalid_checksum`.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Empty => "empty",
            Reason::InvalidCharacter { .. } => "invalid_character",
            Reason::TooShort { .. } => "too_short",
            Reason::TooLong { .. } => "too_long",
            Reason::WrongLength { .. } => "wrong_length",
            Reason::InvalidChecksum => "invalid_checksum",
            Reason::VatKeyMismatch { .. } => "vat_key_mismatch",
            Reason::InvalidFormat { .. } => "invalid_format",
            Reason::UnknownCountryPrefix { .. } => "unknown_country_prefix",
            Reason::InvalidPrefix { .. } => "invalid_prefix",
            Reason::MissingAt => "missing_at",
            Reason::MultipleAt => "multiple_at",
            Reason::ContainsWhitespace => "contains_whitespace",
            Reason::InvalidLocalPart { .. } => "invalid_local_part",
            Reason::InvalidDomain { .. } => "invalid_domain",
            Reason::UnrecognizedDate => "unrecognized_date",
            Reason::InvalidDate { .. } => "invalid_date",
            Reason::AmbiguousDate { .. } => "ambiguous_date",
            Reason::UnknownMonth { .. } => "unknown_month",
            Reason::ExcelSerialOutOfRange { .. } => "excel_serial_out_of_range",
            Reason::ExcelLeapYearBug => "excel_leap_year_bug",
            Reason::AmbiguousSeparator { .. } => "ambiguous_separator",
            Reason::UnknownCurrency { .. } => "unknown_currency",
            Reason::ConflictingCurrencies => "conflicting_currencies",
            Reason::UnknownNafDivision { .. } => "unknown_naf_division",
            Reason::UnknownDepartement { .. } => "unknown_departement",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Empty => f.write_str("empty value"),
            Reason::InvalidCharacter { ch } => write!(f, "unexpected character {ch:?}"),
            Reason::TooShort { len, min } => {
                write!(f, "too short: {len} digits, at least {min} expected")
            }
            Reason::TooLong { len, max } => {
                write!(f, "too long: {len} digits, at most {max} expected")
            }
            Reason::WrongLength { len, expected } => {
                write!(f, "{len} digits, {expected} expected")
            }
            Reason::InvalidChecksum => f.write_str("invalid check digit (probably a typo)"),
            Reason::VatKeyMismatch { expected, found } => {
                write!(
                    f,
                    "key {found:02} does not match the SIREN, whose key is {expected:02}"
                )
            }
            Reason::InvalidFormat { expected } => write!(f, "expected {expected}"),
            Reason::UnknownCountryPrefix { prefix } => {
                write!(f, "unknown or unsupported country calling code +{prefix}")
            }
            Reason::InvalidPrefix { prefix } => {
                write!(f, "no number of this country starts with {prefix}")
            }
            Reason::MissingAt => f.write_str("missing '@'"),
            Reason::MultipleAt => f.write_str("more than one '@'"),
            Reason::ContainsWhitespace => f.write_str("contains whitespace"),
            Reason::InvalidLocalPart { detail } => write!(f, "invalid part before '@': {detail}"),
            Reason::InvalidDomain { detail } => write!(f, "invalid domain: {detail}"),
            Reason::UnrecognizedDate => f.write_str("not a recognised date format"),
            Reason::InvalidDate { year, month, day } => {
                write!(f, "no such date: year {year}, month {month}, day {day}")
            }
            Reason::AmbiguousDate {
                day_first,
                month_first,
            } => write!(
                f,
                "ambiguous: {day_first} if day/month, {month_first} if month/day; \
                 set the date order to day_first or month_first"
            ),
            Reason::UnknownMonth { name } => write!(f, "unknown month name {name:?}"),
            Reason::ExcelSerialOutOfRange { serial } => {
                write!(
                    f,
                    "Excel serial {serial} is outside the dates Excel can show"
                )
            }
            Reason::ExcelLeapYearBug => f.write_str(
                "Excel serial 60 is 1900-02-29, a day that does not exist \
                 (Excel's 1900 leap-year bug)",
            ),
            Reason::AmbiguousSeparator { sep } => write!(
                f,
                "ambiguous: {sep:?} may be a decimal or a thousands separator; \
                 set the decimal separator"
            ),
            Reason::UnknownCurrency { code } => write!(f, "unknown currency {code:?}"),
            Reason::ConflictingCurrencies => f.write_str("two different currencies"),
            Reason::UnknownNafDivision { division } => {
                write!(f, "no NAF/NACE division {division}")
            }
            Reason::UnknownDepartement { prefix } => {
                write!(f, "no French département starts with {prefix}")
            }
        }
    }
}

/// A value that could not be normalized: which kind of value, the raw value exactly as given,
/// and why. The message reads `cannot normalize phone number "01 23": too short: 4 digits, at
/// least 9 expected`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot normalize {field} {raw:?}: {reason}")]
pub struct NormalizeError {
    /// What kind of value it was.
    pub field: Field,
    /// The raw value, untouched.
    pub raw: String,
    /// Why it was rejected.
    pub reason: Reason,
}

impl NormalizeError {
    /// Builds an error for `raw`.
    pub fn new(field: Field, raw: &str, reason: Reason) -> Self {
        NormalizeError {
            field,
            raw: raw.to_owned(),
            reason,
        }
    }

    /// Shorthand for `self.reason.code()`.
    pub fn code(&self) -> &'static str {
        self.reason.code()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_of_each() -> Vec<Reason> {
        let d = NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
        vec![
            Reason::Empty,
            Reason::InvalidCharacter { ch: 'x' },
            Reason::TooShort { len: 1, min: 2 },
            Reason::TooLong { len: 3, max: 2 },
            Reason::WrongLength {
                len: 1,
                expected: 2,
            },
            Reason::InvalidChecksum,
            Reason::VatKeyMismatch {
                expected: 1,
                found: 2,
            },
            Reason::InvalidFormat { expected: "x" },
            Reason::UnknownCountryPrefix { prefix: "7".into() },
            Reason::InvalidPrefix { prefix: "0".into() },
            Reason::MissingAt,
            Reason::MultipleAt,
            Reason::ContainsWhitespace,
            Reason::InvalidLocalPart { detail: "x" },
            Reason::InvalidDomain { detail: "x" },
            Reason::UnrecognizedDate,
            Reason::InvalidDate {
                year: 2023,
                month: 2,
                day: 29,
            },
            Reason::AmbiguousDate {
                day_first: d,
                month_first: d,
            },
            Reason::UnknownMonth { name: "x".into() },
            Reason::ExcelSerialOutOfRange { serial: 0 },
            Reason::ExcelLeapYearBug,
            Reason::AmbiguousSeparator { sep: ',' },
            Reason::UnknownCurrency { code: "x".into() },
            Reason::ConflictingCurrencies,
            Reason::UnknownNafDivision {
                division: "04".into(),
            },
            Reason::UnknownDepartement {
                prefix: "00".into(),
            },
        ]
    }

    #[test]
    fn codes_are_distinct_snake_case() {
        let reasons = one_of_each();
        let mut codes: Vec<&str> = reasons.iter().map(Reason::code).collect();
        assert!(
            codes
                .iter()
                .all(|c| c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        );
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), reasons.len());
    }

    #[test]
    fn message_names_the_field_and_the_raw_value() {
        let err = NormalizeError::new(
            Field::Siret,
            " 123 ",
            Reason::WrongLength {
                len: 3,
                expected: 14,
            },
        );
        assert_eq!(
            err.to_string(),
            "cannot normalize SIRET \" 123 \": 3 digits, 14 expected"
        );
        assert_eq!(err.code(), "wrong_length");
        assert_eq!(Field::Email.to_string(), "e-mail address");
    }
}
