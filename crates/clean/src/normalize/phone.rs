//! Phone numbers to E.164 (`+33123456789`), with a default country for national numbers.
//!
//! Read, in order:
//!
//! 1. a leading label (`Tél. :`, `tel:`, `Phone`, `Mobile`, `Portable`, `GSM`…) is skipped;
//! 2. an extension after the number (`poste 12`, `ext. 12`, `x12`, `#12`, `,12`) is cut off and
//!    returned apart;
//! 3. separators (space, `.`, `-`, `/`, parentheses) are dropped; `+`, `00` (and `011` when the
//!    default country is in North America) mark an international number, whose calling code
//!    gives the country; in an international number `(0)` is the trunk prefix put in for
//!    national callers (`+44 (0)20 7946 0958`) and is dropped, and so is a `0` written where it
//!    should not be (`+33 06 12 34 56 78`);
//! 4. otherwise the number is national in the default country: its trunk prefix (`0`, or `1` in
//!    North America) is dropped. A French, Dutch or Swiss number of 9 digits without its `0` is
//!    read as one whose leading zero a spreadsheet ate (`612345678`); a number that is not
//!    valid that way but is once read after its country's calling code is an international
//!    number that lost its `+` (`33612345678`);
//! 5. the national number is checked against its country's lengths and leading digits.
//!
//! | country | code | national number | mobile |
//! |---|---|---|---|
//! | FR | +33 | 9 digits after the trunk `0` | `6`, `7` |
//! | BE | +32 | 8 or 9 digits after `0` | `4` with 9 digits |
//! | DE | +49 | 6 to 12 digits after `0` | `15`, `16`, `17` |
//! | GB | +44 | 9 or 10 digits after `0` | `7` except `70`, `76` |
//! | ES | +34 | 9 digits starting 6–9, no trunk prefix | `6`, `7` |
//! | IT | +39 | 6 to 11 digits; landlines keep their `0` | `3` |
//! | NL | +31 | 9 digits after `0` | `6` |
//! | CH | +41 | 9 digits after `0` | `75` to `79` |
//! | LU | +352 | 4 to 11 digits, no trunk prefix | `6` with 9 digits |
//! | US, CA | +1 | 10 digits, area code and exchange starting 2–9 | unknown |
//!
//! Canada and the United States share +1: Canadian area codes give Canada.

use super::country::Country;
use super::error::{Field, NormalizeError, Reason};
use super::text;

/// A phone number, normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber {
    /// E.164: `+` and at most 15 digits, e.g. `+33123456789`.
    pub e164: String,
    /// The country the number belongs to (from its calling code, or the default country).
    pub country: Country,
    /// The extension found after the number (`poste 12` gives `12`).
    pub extension: Option<String>,
    /// Whether it is a mobile number, where the numbering plan tells (`None` for +1).
    pub is_mobile: Option<bool>,
}

impl PhoneNumber {
    /// The national significant number: E.164 without `+` and the calling code.
    pub fn national_number(&self) -> &str {
        &self.e164[1 + self.country.calling_code().len()..]
    }
}

/// Canadian area codes (geographic and non-geographic), to tell Canada from the United States.
const CANADIAN_AREA_CODES: &[&str] = &[
    "204", "226", "236", "249", "250", "257", "263", "289", "306", "343", "354", "365", "367",
    "368", "382", "387", "403", "416", "418", "428", "431", "437", "438", "450", "460", "468",
    "474", "506", "514", "519", "548", "579", "581", "584", "587", "600", "604", "613", "622",
    "639", "647", "672", "683", "705", "709", "742", "753", "778", "780", "782", "807", "819",
    "825", "867", "873", "879", "902", "905", "942",
];

/// Labels people type before a number.
const LABELS: &[&str] = &[
    "tel",
    "tél",
    "telephone",
    "téléphone",
    "phone",
    "mobile",
    "mob",
    "portable",
    "port",
    "gsm",
    "fixe",
    "standard",
    "cell",
    "fax",
];

/// Words and signs that introduce an extension, longest first.
const EXTENSION_MARKERS: &[&str] = &[
    "extension",
    "poste",
    "ext.",
    "ext",
    "p.",
    "x",
    "#",
    ",",
    ";ext=",
];

/// Length of the ITU calling code `digits` starts with. Calling codes are prefix-free: zones 1
/// and 7 use one digit; in the others, the listed second digits make two-digit codes and the
/// rest three-digit ones.
fn calling_code_len(digits: &str) -> usize {
    let b = digits.as_bytes();
    let second = b.get(1).map(|d| d - b'0');
    let two = |set: &[u8]| {
        if second.is_some_and(|s| set.contains(&s)) {
            2
        } else {
            3
        }
    };
    match b.first() {
        Some(b'1') | Some(b'7') | Some(b'0') | None => 1,
        Some(b'2') => two(&[0, 7]),
        Some(b'3') => two(&[0, 1, 2, 3, 4, 6, 9]),
        Some(b'4') => two(&[0, 1, 3, 4, 5, 6, 7, 8, 9]),
        Some(b'5') => two(&[1, 2, 3, 4, 5, 6, 7, 8]),
        Some(b'6') => two(&[0, 1, 2, 3, 4, 5, 6]),
        Some(b'8') => two(&[1, 2, 4, 6]),
        Some(_) => two(&[0, 1, 2, 3, 4, 5, 8]),
    }
    .min(digits.len())
}

fn country_for_calling_code(code: &str, nsn: &str) -> Option<Country> {
    Some(match code {
        "33" => Country::Fr,
        "32" => Country::Be,
        "49" => Country::De,
        "44" => Country::Gb,
        "34" => Country::Es,
        "39" => Country::It,
        "31" => Country::Nl,
        "41" => Country::Ch,
        "352" => Country::Lu,
        "1" if nsn
            .get(..3)
            .is_some_and(|a| CANADIAN_AREA_CODES.contains(&a)) =>
        {
            Country::Ca
        }
        "1" => Country::Us,
        _ => return None,
    })
}

/// Whether national numbers are dialled with a leading `0` that E.164 drops.
fn has_trunk_zero(country: Country) -> bool {
    matches!(
        country,
        Country::Fr | Country::Be | Country::De | Country::Gb | Country::Nl | Country::Ch
    )
}

/// Skips a leading label such as `Tél. :`; errors on other leading letters.
fn skip_label(s: &str) -> Result<&str, Reason> {
    let Some(first) = s.chars().next() else {
        return Ok(s);
    };
    if !first.is_alphabetic() {
        return Ok(s);
    }
    let end = s.find(|c: char| !c.is_alphabetic()).unwrap_or(s.len());
    let word = s[..end].to_lowercase();
    if !LABELS.contains(&word.as_str()) {
        return Err(Reason::InvalidCharacter { ch: first });
    }
    Ok(s[end..].trim_start_matches(|c: char| c == '.' || c == ':' || c.is_whitespace()))
}

/// Splits `s` into the number and its extension's digits.
fn split_extension(s: &str) -> Result<(&str, Option<String>), Reason> {
    let Some(start) = s.find(|c: char| c.is_alphabetic() || c == '#' || c == ',' || c == ';')
    else {
        return Ok((s, None));
    };
    let (main, tail) = s.split_at(start);
    let lower = tail.to_lowercase();
    let first = tail.chars().next().unwrap_or(' ');
    let marker = EXTENSION_MARKERS
        .iter()
        .find(|m| lower.starts_with(*m))
        .ok_or(Reason::InvalidCharacter { ch: first })?;
    let rest = lower[marker.len()..]
        .trim_start_matches([' ', '.', ':'])
        .trim_end();
    if rest.is_empty() || rest.len() > 6 || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Reason::InvalidFormat {
            expected: "an extension of 1 to 6 digits after the number",
        });
    }
    Ok((main, Some(rest.to_owned())))
}

/// The digits of the number, whether it was written in international form, and the `(0)`
/// dropped where international.
fn digits_of(main: &str) -> Result<(String, bool), Reason> {
    let mut compact = String::with_capacity(main.len());
    for c in main.trim().chars() {
        match c {
            '0'..='9' | '(' | ')' => compact.push(c),
            // `+` only before any digit: `+33 …`, `(+33) …`.
            '+' if !compact.contains(|c: char| c.is_ascii_digit() || c == '+') => compact.push(c),
            ' ' | '.' | '-' | '/' => {}
            ch => return Err(Reason::InvalidCharacter { ch }),
        }
    }
    let international = compact.contains('+');
    if international {
        compact = compact.replace("(0)", "");
    }
    let digits: String = compact.chars().filter(char::is_ascii_digit).collect();
    Ok((digits, international))
}

/// Lengths of the national significant number, by country.
fn nsn_lengths(country: Country, nsn: &str) -> (usize, usize) {
    match country {
        Country::Fr | Country::Nl | Country::Ch | Country::Es => (9, 9),
        Country::Be => (8, 9),
        Country::De => (6, 12),
        Country::Gb => (9, 10),
        Country::It if nsn.starts_with('3') => (9, 10),
        Country::It => (6, 11),
        Country::Lu => (4, 11),
        Country::Us | Country::Ca => (10, 10),
    }
}

fn is_mobile(country: Country, nsn: &str) -> Option<bool> {
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| nsn.starts_with(p));
    Some(match country {
        Country::Fr => starts(&["6", "7"]),
        Country::Be => nsn.starts_with('4') && nsn.len() == 9,
        Country::De => starts(&["15", "16", "17"]),
        Country::Gb => nsn.starts_with('7') && !starts(&["70", "76"]),
        Country::Es => starts(&["6", "7"]),
        Country::It => nsn.starts_with('3'),
        Country::Nl => nsn.starts_with('6'),
        Country::Ch => starts(&["75", "76", "77", "78", "79"]),
        Country::Lu => nsn.starts_with('6') && nsn.len() == 9,
        Country::Us | Country::Ca => return None,
    })
}

fn check_nsn(country: Country, nsn: &str) -> Result<(), Reason> {
    let (min, max) = nsn_lengths(country, nsn);
    if nsn.len() < min {
        return Err(Reason::TooShort {
            len: nsn.len(),
            min,
        });
    }
    if nsn.len() > max {
        return Err(Reason::TooLong {
            len: nsn.len(),
            max,
        });
    }
    let bad_prefix = |n: usize| {
        Err(Reason::InvalidPrefix {
            prefix: nsn[..n].to_owned(),
        })
    };
    match country {
        c if has_trunk_zero(c) && nsn.starts_with('0') => bad_prefix(1),
        Country::Es if !nsn.starts_with(['6', '7', '8', '9']) => bad_prefix(1),
        Country::Us | Country::Ca if nsn.starts_with(['0', '1']) => bad_prefix(1),
        Country::Us | Country::Ca if nsn[3..].starts_with(['0', '1']) => bad_prefix(4),
        _ => Ok(()),
    }
}

/// Normalizes a phone number to E.164; `default_country` applies to numbers written without
/// a calling code.
///
/// ```
/// use cible_clean::normalize::Country;
/// use cible_clean::normalize::phone::normalize_phone;
/// let p = normalize_phone("+33 (0)6 12 34 56 78 poste 12", Country::Fr).unwrap();
/// assert_eq!(p.e164, "+33612345678");
/// assert_eq!(p.extension.as_deref(), Some("12"));
/// assert_eq!(p.is_mobile, Some(true));
/// assert_eq!(normalize_phone("020 7946 0958", Country::Gb).unwrap().e164, "+442079460958");
///
/// let err = normalize_phone("01 23 45 67", Country::Fr).unwrap_err();
/// assert_eq!(err.to_string(),
///     "cannot normalize phone number \"01 23 45 67\": too short: 7 digits, at least 9 expected");
/// ```
///
/// # Errors
///
/// [`Reason::Empty`], [`Reason::InvalidCharacter`], [`Reason::UnknownCountryPrefix`],
/// [`Reason::InvalidFormat`] (a national number without its trunk prefix),
/// [`Reason::TooShort`], [`Reason::TooLong`], [`Reason::InvalidPrefix`]; lengths count the
/// digits of the national number, trunk prefix excluded.
pub fn normalize_phone(raw: &str, default_country: Country) -> Result<PhoneNumber, NormalizeError> {
    parse(raw, default_country).map_err(|reason| NormalizeError::new(Field::Phone, raw, reason))
}

/// Country and checked national number of an international number (calling code first).
fn international_nsn(digits: &str) -> Result<(Country, String), Reason> {
    if digits.is_empty() {
        return Err(Reason::InvalidFormat {
            expected: "a country calling code after + or 00",
        });
    }
    let len = calling_code_len(digits);
    let (code, rest) = digits.split_at(len);
    let country =
        country_for_calling_code(code, rest).ok_or_else(|| Reason::UnknownCountryPrefix {
            prefix: code.to_owned(),
        })?;
    let nsn = match rest.strip_prefix('0') {
        Some(r) if has_trunk_zero(country) => r,
        _ => rest,
    };
    check_nsn(country, nsn)?;
    Ok((country, nsn.to_owned()))
}

/// Country and checked national number of a number written the national way.
fn national_nsn(digits: String, default_country: Country) -> Result<(Country, String), Reason> {
    let nanp = matches!(default_country, Country::Us | Country::Ca);
    let nsn = if has_trunk_zero(default_country) {
        match digits.strip_prefix('0') {
            Some(r) => r.to_owned(),
            None if matches!(default_country, Country::Fr | Country::Nl | Country::Ch)
                && digits.len() == 9 =>
            {
                digits
            }
            None => {
                return Err(Reason::InvalidFormat {
                    expected: "a national number starting with 0, or +<country code>",
                });
            }
        }
    } else if nanp && digits.len() == 11 && digits.starts_with('1') {
        digits[1..].to_owned()
    } else {
        digits
    };
    let country = if nanp {
        country_for_calling_code("1", &nsn).unwrap_or(default_country)
    } else {
        default_country
    };
    check_nsn(country, &nsn)?;
    Ok((country, nsn))
}

fn parse(raw: &str, default_country: Country) -> Result<PhoneNumber, Reason> {
    let cleaned = text::clean(raw);
    let s = skip_label(&cleaned)?;
    let (main, extension) = split_extension(s)?;
    let (mut digits, mut international) = digits_of(main)?;
    if digits.is_empty() {
        return Err(Reason::Empty);
    }
    let nanp = matches!(default_country, Country::Us | Country::Ca);
    if !international {
        for idd in if nanp { &["011"][..] } else { &["00"][..] } {
            if let Some(rest) = digits.strip_prefix(idd) {
                digits = rest.to_owned();
                international = true;
                break;
            }
        }
    }
    let (country, nsn) = if international {
        international_nsn(&digits)?
    } else {
        match national_nsn(digits.clone(), default_country) {
            Ok(found) => found,
            // `33123456789`: an international number that lost its `+`.
            Err(e) if !nanp && digits.starts_with(default_country.calling_code()) => {
                international_nsn(&digits).map_err(|_| e)?
            }
            Err(e) => return Err(e),
        }
    };
    Ok(PhoneNumber {
        e164: format!("+{}{}", country.calling_code(), nsn),
        is_mobile: is_mobile(country, &nsn),
        country,
        extension,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e164(raw: &str, country: Country) -> String {
        match normalize_phone(raw, country) {
            Ok(p) => p.e164,
            Err(e) => panic!("{e}"),
        }
    }

    fn reason(raw: &str, country: Country) -> Reason {
        normalize_phone(raw, country).unwrap_err().reason
    }

    #[test]
    fn french_formats() {
        for raw in [
            "01 23 45 67 89",
            "01.23.45.67.89",
            "01-23-45-67-89",
            "0123456789",
            "+33 1 23 45 67 89",
            "+33 (0)1 23 45 67 89",
            "+33(0)123456789",
            "0033 1 23 45 67 89",
            "+33 01 23 45 67 89",
            "(+33) 1 23 45 67 89",
            "\u{a0}01\u{a0}23\u{a0}45\u{a0}67\u{a0}89 ",
            "０１２３４５６７８９",
            "Tél. : 01 23 45 67 89",
            "tel:+33-1-23-45-67-89",
            "Fax : 01 23 45 67 89",
        ] {
            assert_eq!(e164(raw, Country::Fr), "+33123456789", "{raw}");
        }
    }

    #[test]
    fn french_number_whose_leading_zero_a_spreadsheet_ate() {
        assert_eq!(e164("612345678", Country::Fr), "+33612345678");
    }

    #[test]
    fn international_number_that_lost_its_plus() {
        assert_eq!(e164("33612345678", Country::Fr), "+33612345678");
        assert_eq!(e164("33 1 23 45 67 89", Country::Fr), "+33123456789");
        assert_eq!(e164("34912345678", Country::Es), "+34912345678");
        // Valid as a national number: read as one.
        assert_eq!(e164("0033123456789", Country::Fr), "+33123456789");
        assert_eq!(e164("331234567", Country::Fr), "+33331234567");
    }

    #[test]
    fn french_mobiles() {
        let p = normalize_phone("06 12 34 56 78", Country::Fr).unwrap();
        assert_eq!(p.is_mobile, Some(true));
        assert_eq!(p.country, Country::Fr);
        assert_eq!(p.national_number(), "612345678");
        assert_eq!(
            normalize_phone("07 12 34 56 78", Country::Fr)
                .unwrap()
                .is_mobile,
            Some(true)
        );
        assert_eq!(
            normalize_phone("04 72 00 00 00", Country::Fr)
                .unwrap()
                .is_mobile,
            Some(false)
        );
    }

    #[test]
    fn international_number_wins_over_default_country() {
        let p = normalize_phone("+32 2 123 45 67", Country::Fr).unwrap();
        assert_eq!(p.e164, "+3221234567");
        assert_eq!(p.country, Country::Be);
    }

    #[test]
    fn belgium() {
        assert_eq!(e164("02 123 45 67", Country::Be), "+3221234567");
        let p = normalize_phone("0470 12 34 56", Country::Be).unwrap();
        assert_eq!(p.e164, "+32470123456");
        assert_eq!(p.is_mobile, Some(true));
        assert_eq!(e164("+32 (0)470 12 34 56", Country::Fr), "+32470123456");
    }

    #[test]
    fn germany() {
        assert_eq!(e164("030 12345678", Country::De), "+493012345678");
        assert_eq!(e164("+49 (0)30 1234 5678", Country::Fr), "+493012345678");
        assert_eq!(e164("089/1234567", Country::De), "+49891234567");
        let p = normalize_phone("0171 1234567", Country::De).unwrap();
        assert_eq!(p.e164, "+491711234567");
        assert_eq!(p.is_mobile, Some(true));
    }

    #[test]
    fn united_kingdom() {
        assert_eq!(e164("(0)20 7946 0958", Country::Gb), "+442079460958");
        assert_eq!(e164("020 7946 0958", Country::Gb), "+442079460958");
        assert_eq!(e164("+44 (0)20 7946 0958", Country::Fr), "+442079460958");
        assert_eq!(e164("0044 20 7946 0958", Country::Fr), "+442079460958");
        let p = normalize_phone("07700 900123", Country::Gb).unwrap();
        assert_eq!(p.e164, "+447700900123");
        assert_eq!(p.is_mobile, Some(true));
    }

    #[test]
    fn spain_has_no_trunk_prefix() {
        assert_eq!(e164("912 345 678", Country::Es), "+34912345678");
        assert_eq!(e164("+34 612 34 56 78", Country::Fr), "+34612345678");
        assert_eq!(
            normalize_phone("612345678", Country::Es).unwrap().is_mobile,
            Some(true)
        );
        assert_eq!(
            reason("512 345 678", Country::Es),
            Reason::InvalidPrefix { prefix: "5".into() }
        );
    }

    #[test]
    fn italy_keeps_the_leading_zero_of_landlines() {
        assert_eq!(e164("06 1234 5678", Country::It), "+390612345678");
        assert_eq!(e164("+39 06 1234 5678", Country::Fr), "+390612345678");
        assert_eq!(e164("02 1234567", Country::It), "+39021234567");
        let p = normalize_phone("+39 312 345 6789", Country::Fr).unwrap();
        assert_eq!(p.e164, "+393123456789");
        assert_eq!(p.is_mobile, Some(true));
    }

    #[test]
    fn netherlands() {
        assert_eq!(e164("020-123 4567", Country::Nl), "+31201234567");
        let p = normalize_phone("06-12345678", Country::Nl).unwrap();
        assert_eq!(p.e164, "+31612345678");
        assert_eq!(p.is_mobile, Some(true));
    }

    #[test]
    fn switzerland() {
        assert_eq!(e164("044 668 18 00", Country::Ch), "+41446681800");
        assert_eq!(e164("+41 (0)44 668 18 00", Country::Fr), "+41446681800");
        assert_eq!(
            normalize_phone("079 123 45 67", Country::Ch)
                .unwrap()
                .is_mobile,
            Some(true)
        );
    }

    #[test]
    fn luxembourg_has_a_three_digit_code_and_no_trunk_prefix() {
        assert_eq!(e164("+352 26 12 34 56", Country::Fr), "+35226123456");
        assert_eq!(e164("00352 26 12 34 56", Country::Fr), "+35226123456");
        assert_eq!(e164("26 12 34 56", Country::Lu), "+35226123456");
        let p = normalize_phone("621 123 456", Country::Lu).unwrap();
        assert_eq!(p.e164, "+352621123456");
        assert_eq!(p.is_mobile, Some(true));
    }

    #[test]
    fn north_america() {
        assert_eq!(e164("(212) 555-0123", Country::Us), "+12125550123");
        assert_eq!(e164("1-212-555-0123", Country::Us), "+12125550123");
        assert_eq!(e164("+1 212.555.0123", Country::Fr), "+12125550123");
        assert_eq!(e164("011 33 1 23 45 67 89", Country::Us), "+33123456789");
        let p = normalize_phone("+1 (514) 555-0123", Country::Fr).unwrap();
        assert_eq!(p.country, Country::Ca);
        assert_eq!(p.is_mobile, None);
        assert_eq!(
            normalize_phone("416 555 0123", Country::Us)
                .unwrap()
                .country,
            Country::Ca
        );
        assert_eq!(
            reason("(112) 555-0123", Country::Us),
            Reason::InvalidPrefix { prefix: "1".into() }
        );
        assert_eq!(
            reason("(212) 155-0123", Country::Us),
            Reason::InvalidPrefix {
                prefix: "2121".into()
            }
        );
    }

    #[test]
    fn extensions_are_returned_apart() {
        for raw in [
            "01 23 45 67 89 poste 12",
            "01 23 45 67 89 Poste: 12",
            "01 23 45 67 89 ext. 12",
            "01 23 45 67 89 ext 12",
            "01 23 45 67 89 x12",
            "01 23 45 67 89 #12",
            "0123456789,12",
            "+33 1 23 45 67 89 extension 12",
        ] {
            let p = normalize_phone(raw, Country::Fr).unwrap();
            assert_eq!(p.e164, "+33123456789", "{raw}");
            assert_eq!(p.extension.as_deref(), Some("12"), "{raw}");
        }
        assert_eq!(
            normalize_phone("0123456789", Country::Fr)
                .unwrap()
                .extension,
            None
        );
    }

    #[test]
    fn empty() {
        assert_eq!(reason("  ", Country::Fr), Reason::Empty);
        assert_eq!(reason(" - ", Country::Fr), Reason::Empty);
    }

    #[test]
    fn too_short_and_too_long() {
        assert_eq!(
            normalize_phone("01 23 45 67", Country::Fr)
                .unwrap_err()
                .to_string(),
            "cannot normalize phone number \"01 23 45 67\": too short: 7 digits, at least 9 expected"
        );
        assert_eq!(
            normalize_phone("01 23 45 67 89 0", Country::Fr)
                .unwrap_err()
                .to_string(),
            "cannot normalize phone number \"01 23 45 67 89 0\": too long: 10 digits, at most 9 expected"
        );
        assert_eq!(
            reason("+44 20 7946", Country::Fr),
            Reason::TooShort { len: 6, min: 9 }
        );
    }

    #[test]
    fn unknown_country_prefix() {
        assert_eq!(
            normalize_phone("+212 5 22 12 34 56", Country::Fr)
                .unwrap_err()
                .to_string(),
            "cannot normalize phone number \"+212 5 22 12 34 56\": \
             unknown or unsupported country calling code +212"
        );
        assert_eq!(
            reason("+7 495 123 45 67", Country::Fr),
            Reason::UnknownCountryPrefix { prefix: "7".into() }
        );
        assert_eq!(
            reason("0043 1 234 5678", Country::Fr),
            Reason::UnknownCountryPrefix {
                prefix: "43".into()
            }
        );
    }

    #[test]
    fn national_number_without_trunk_prefix() {
        assert_eq!(
            normalize_phone("30 12345678", Country::De)
                .unwrap_err()
                .to_string(),
            "cannot normalize phone number \"30 12345678\": \
             expected a national number starting with 0, or +<country code>"
        );
    }

    #[test]
    fn invalid_characters() {
        assert_eq!(
            normalize_phone("01 23 45 67 8O", Country::Fr)
                .unwrap_err()
                .to_string(),
            "cannot normalize phone number \"01 23 45 67 8O\": unexpected character 'O'"
        );
        assert_eq!(
            reason("n/a", Country::Fr),
            Reason::InvalidCharacter { ch: 'n' }
        );
        assert_eq!(
            reason("01 23 + 45 67 89", Country::Fr),
            Reason::InvalidCharacter { ch: '+' }
        );
    }

    #[test]
    fn extension_without_digits() {
        assert_eq!(
            normalize_phone("01 23 45 67 89 poste", Country::Fr)
                .unwrap_err()
                .to_string(),
            "cannot normalize phone number \"01 23 45 67 89 poste\": \
             expected an extension of 1 to 6 digits after the number"
        );
        assert_eq!(
            reason("01 23 45 67 89 ext. 1234567", Country::Fr).code(),
            "invalid_format"
        );
        assert_eq!(
            reason("01 23 45 67 89 x1a", Country::Fr).code(),
            "invalid_format"
        );
    }

    #[test]
    fn international_prefix_alone() {
        for raw in ["+", "00", "+ ()", "011"] {
            let country = if raw == "011" {
                Country::Us
            } else {
                Country::Fr
            };
            let r = reason(raw, country);
            assert!(
                matches!(r, Reason::Empty | Reason::InvalidFormat { .. }),
                "{raw}: {r:?}"
            );
        }
        assert_eq!(
            reason("00", Country::Fr),
            Reason::InvalidFormat {
                expected: "a country calling code after + or 00"
            }
        );
    }

    #[test]
    fn zero_after_the_trunk_prefix_is_invalid() {
        assert_eq!(
            reason("+33 0 0 23 45 67 89", Country::Fr),
            Reason::InvalidPrefix { prefix: "0".into() }
        );
    }

    #[test]
    fn calling_code_lengths_follow_the_itu_zones() {
        for (digits, len) in [
            ("1212", 1),
            ("7495", 1),
            ("2125", 3),
            ("2010", 2),
            ("2711", 2),
            ("3312", 2),
            ("3522", 3),
            ("3584", 3),
            ("4207", 3),
            ("4930", 2),
            ("5511", 2),
            ("5999", 3),
            ("8613", 2),
            ("8522", 3),
            ("9714", 3),
            ("9821", 2),
        ] {
            assert_eq!(calling_code_len(digits), len, "{digits}");
        }
    }
}
