//! Postcodes, by country.
//!
//! Spaces are removed or put back where the country writes one, letters are upper-cased, a
//! country prefix written before the code (`F-75008`, `D-10115`, `L-1234`, `CH-8001`) is dropped,
//! and for France a trailing `CEDEX` (with its number) too.
//!
//! | country | shape | normalized |
//! |---|---|---|
//! | FR | 5 digits, département 01–95, 2A/2B from 20xxx, 971–989 overseas | `75008` |
//! | DE, IT | 5 digits | `01067` |
//! | ES | 5 digits, province 01–52 | `28013` |
//! | BE, CH, LU | 4 digits, not starting with 0 | `1000` |
//! | NL | 4 digits (not starting with 0) and 2 letters | `1012 AB` |
//! | GB | outward code and inward code | `SW1A 1AA` |
//! | US | 5 digits or ZIP+4 | `02134`, `20500-0003` |
//! | CA | letter digit letter, digit letter digit | `K1A 0B1` |
//!
//! Spreadsheets read postcodes as numbers and eat their leading zero (`01000` becomes `1000`):
//! where the code has 5 digits and may start with 0 (FR, DE, IT, ES, US), 4 digits are read as
//! that, and the zero is put back.

use super::country::Country;
use super::error::{Field, NormalizeError, Reason};
use super::text;

/// A postcode, normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Postcode {
    /// The postcode as the country writes it: `75008`, `1012 AB`, `SW1A 1AA`.
    pub value: String,
    /// The country it was read for.
    pub country: Country,
    /// For France, the département: `75`, `2A`, `971`. `None` for Monaco (980xx) and elsewhere.
    pub departement: Option<String>,
}

/// Prefixes written before postcodes of each country (`F-75008`).
fn country_prefixes(country: Country) -> &'static [&'static str] {
    match country {
        Country::Fr => &["FR", "F"],
        Country::Be => &["BE", "B"],
        Country::De => &["DE", "D"],
        Country::Es => &["ES", "E"],
        Country::It => &["IT", "I"],
        Country::Nl => &["NL"],
        Country::Ch => &["CH"],
        Country::Lu => &["LU", "L"],
        Country::Gb | Country::Us | Country::Ca => &[],
    }
}

fn strip_country_prefix(s: &str, country: Country) -> &str {
    for prefix in country_prefixes(country) {
        if let Some(rest) = s.strip_prefix(prefix)
            && let Some(rest) = rest.strip_prefix(['-', ' '])
        {
            return rest.trim_start();
        }
    }
    s
}

/// All digits, spaces removed, with the expected count (a missing leading zero put back where
/// `pad`).
fn digits(s: &str, expected: usize, pad: bool) -> Result<String, Reason> {
    let mut out = String::with_capacity(expected);
    for c in s.chars().filter(|c| *c != ' ') {
        if !c.is_ascii_digit() {
            return Err(Reason::InvalidCharacter { ch: c });
        }
        out.push(c);
    }
    if pad && out.len() == expected - 1 {
        out.insert(0, '0');
    }
    if out.len() != expected {
        return Err(Reason::WrongLength {
            len: out.len(),
            expected,
        });
    }
    Ok(out)
}

fn french_departement(code: &str) -> Result<Option<String>, Reason> {
    let two = &code[..2];
    Ok(Some(match two {
        "00" | "99" => {
            return Err(Reason::UnknownDepartement {
                prefix: two.to_owned(),
            });
        }
        // Corsica: 200xx and 201xx are Corse-du-Sud, 202xx to 206xx Haute-Corse.
        "20" if matches!(code.as_bytes()[2], b'0' | b'1') => "2A".to_owned(),
        "20" => "2B".to_owned(),
        "98" if code.starts_with("980") => return Ok(None),
        "97" | "98" => code[..3].to_owned(),
        _ => two.to_owned(),
    }))
}

fn is_uk_outward(s: &[u8]) -> bool {
    let a = |i: usize| s[i].is_ascii_uppercase();
    let d = |i: usize| s[i].is_ascii_digit();
    match s.len() {
        2 => a(0) && d(1),
        3 => a(0) && ((d(1) && d(2)) || (a(1) && d(2)) || (d(1) && a(2))),
        4 => a(0) && a(1) && d(2) && (d(3) || a(3)),
        _ => false,
    }
}

fn parse(raw: &str, country: Country) -> Result<(String, Option<String>), Reason> {
    let upper = text::clean(raw).to_uppercase();
    let s = strip_country_prefix(&upper, country);
    if s.is_empty() {
        return Err(Reason::Empty);
    }
    match country {
        Country::Fr => {
            let s = match s.find("CEDEX") {
                Some(i) if s[i + 5..].trim().chars().all(|c| c.is_ascii_digit()) => s[..i].trim(),
                _ => s,
            };
            let code = digits(s, 5, true)?;
            let departement = french_departement(&code)?;
            Ok((code, departement))
        }
        Country::De | Country::It => Ok((digits(s, 5, true)?, None)),
        Country::Es => {
            let code = digits(s, 5, true)?;
            if !("01"..="52").contains(&&code[..2]) {
                return Err(Reason::InvalidFormat {
                    expected: "5 digits starting with a province code from 01 to 52",
                });
            }
            Ok((code, None))
        }
        Country::Be | Country::Ch | Country::Lu => {
            let code = digits(s, 4, false)?;
            if code.starts_with('0') {
                return Err(Reason::InvalidFormat {
                    expected: "4 digits, the first not 0",
                });
            }
            Ok((code, None))
        }
        Country::Nl => {
            let compact: String = s.chars().filter(|c| *c != ' ').collect();
            let b = compact.as_bytes();
            let ok = b.len() == 6
                && b[0] != b'0'
                && b[..4].iter().all(u8::is_ascii_digit)
                && b[4..].iter().all(u8::is_ascii_uppercase)
                && !matches!(&compact[4..], "SA" | "SD" | "SS");
            if !ok {
                return Err(Reason::InvalidFormat {
                    expected: "4 digits and 2 letters, as in 1012 AB",
                });
            }
            Ok((format!("{} {}", &compact[..4], &compact[4..]), None))
        }
        Country::Gb => {
            let compact: String = s.chars().filter(|c| *c != ' ').collect();
            let b = compact.as_bytes();
            let ok = (5..=7).contains(&b.len()) && {
                let (out, inw) = b.split_at(b.len() - 3);
                (compact == "GIR0AA" || is_uk_outward(out))
                    && inw[0].is_ascii_digit()
                    && inw[1..].iter().all(u8::is_ascii_uppercase)
            };
            if !ok {
                return Err(Reason::InvalidFormat {
                    expected: "a UK postcode such as SW1A 1AA",
                });
            }
            let (out, inw) = compact.split_at(compact.len() - 3);
            Ok((format!("{out} {inw}"), None))
        }
        Country::Us => {
            let bad = Reason::InvalidFormat {
                expected: "5 digits, or ZIP+4 as 12345-6789",
            };
            let (zip, plus4) = match s.split_once('-') {
                Some((zip, plus4)) => (zip.trim(), Some(plus4.trim())),
                None if s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit()) => {
                    (&s[..5], Some(&s[5..]))
                }
                None => (s, None),
            };
            let zip = digits(zip, 5, true).map_err(|_| bad.clone())?;
            match plus4 {
                None => Ok((zip, None)),
                Some(p) if p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit()) => {
                    Ok((format!("{zip}-{p}"), None))
                }
                Some(_) => Err(bad),
            }
        }
        Country::Ca => {
            let compact: String = s.chars().filter(|c| *c != ' ').collect();
            let b = compact.as_bytes();
            let letter = |c: u8| c.is_ascii_uppercase() && !b"DFIOQU".contains(&c);
            let ok = b.len() == 6
                && letter(b[0])
                && !b"WZ".contains(&b[0])
                && b[1].is_ascii_digit()
                && letter(b[2])
                && b[3].is_ascii_digit()
                && letter(b[4])
                && b[5].is_ascii_digit();
            if !ok {
                return Err(Reason::InvalidFormat {
                    expected: "a Canadian postcode such as K1A 0B1",
                });
            }
            Ok((format!("{} {}", &compact[..3], &compact[3..]), None))
        }
    }
}

/// Normalizes a postcode of `country`.
///
/// ```
/// use cible_clean::normalize::Country;
/// use cible_clean::normalize::postcode::normalize_postcode;
/// let p = normalize_postcode("75 008", Country::Fr).unwrap();
/// assert_eq!(p.value, "75008");
/// assert_eq!(p.departement.as_deref(), Some("75"));
/// assert_eq!(normalize_postcode("20000", Country::Fr).unwrap().departement.as_deref(), Some("2A"));
/// assert_eq!(normalize_postcode("sw1a1aa", Country::Gb).unwrap().value, "SW1A 1AA");
/// ```
///
/// # Errors
///
/// [`Reason::Empty`], [`Reason::InvalidCharacter`], [`Reason::WrongLength`],
/// [`Reason::InvalidFormat`], and for France [`Reason::UnknownDepartement`].
pub fn normalize_postcode(raw: &str, country: Country) -> Result<Postcode, NormalizeError> {
    let (value, departement) =
        parse(raw, country).map_err(|r| NormalizeError::new(Field::Postcode, raw, r))?;
    Ok(Postcode {
        value,
        country,
        departement,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(raw: &str, country: Country) -> String {
        match normalize_postcode(raw, country) {
            Ok(p) => p.value,
            Err(e) => panic!("{e}"),
        }
    }

    fn dept(raw: &str) -> Option<String> {
        normalize_postcode(raw, Country::Fr).unwrap().departement
    }

    fn reason(raw: &str, country: Country) -> Reason {
        normalize_postcode(raw, country).unwrap_err().reason
    }

    #[test]
    fn french_spellings() {
        for raw in [
            "75008",
            "75 008",
            " 75008 ",
            "F-75008",
            "FR-75008",
            "75008 CEDEX",
            "75008 Cedex 08",
        ] {
            assert_eq!(value(raw, Country::Fr), "75008", "{raw}");
        }
    }

    #[test]
    fn french_leading_zero_is_kept_or_put_back() {
        assert_eq!(value("01000", Country::Fr), "01000");
        assert_eq!(value("1000", Country::Fr), "01000");
        assert_eq!(dept("1000").as_deref(), Some("01"));
    }

    #[test]
    fn french_departements() {
        assert_eq!(dept("69003").as_deref(), Some("69"));
        assert_eq!(dept("20000").as_deref(), Some("2A"));
        assert_eq!(dept("20167").as_deref(), Some("2A"));
        assert_eq!(dept("20200").as_deref(), Some("2B"));
        assert_eq!(dept("20600").as_deref(), Some("2B"));
        assert_eq!(dept("97110").as_deref(), Some("971"));
        assert_eq!(dept("97400").as_deref(), Some("974"));
        assert_eq!(dept("98800").as_deref(), Some("988"));
        assert_eq!(dept("98000"), None);
    }

    #[test]
    fn french_errors() {
        assert_eq!(
            normalize_postcode("750080", Country::Fr)
                .unwrap_err()
                .to_string(),
            "cannot normalize postcode \"750080\": 6 digits, 5 expected"
        );
        assert_eq!(
            normalize_postcode("00100", Country::Fr)
                .unwrap_err()
                .to_string(),
            "cannot normalize postcode \"00100\": no French département starts with 00"
        );
        assert_eq!(
            reason("75OO8", Country::Fr),
            Reason::InvalidCharacter { ch: 'O' }
        );
        assert_eq!(
            reason("Paris", Country::Fr),
            Reason::InvalidCharacter { ch: 'P' }
        );
        assert_eq!(reason(" ", Country::Fr), Reason::Empty);
        assert_eq!(
            reason("750", Country::Fr),
            Reason::WrongLength {
                len: 3,
                expected: 5
            }
        );
    }

    #[test]
    fn four_digit_countries() {
        assert_eq!(value("1000", Country::Be), "1000");
        assert_eq!(value("B-1000", Country::Be), "1000");
        assert_eq!(value("CH-8001", Country::Ch), "8001");
        assert_eq!(value("L-1234", Country::Lu), "1234");
        assert_eq!(value("1 234", Country::Lu), "1234");
        assert_eq!(
            reason("10000", Country::Be),
            Reason::WrongLength {
                len: 5,
                expected: 4
            }
        );
        assert_eq!(
            normalize_postcode("0999", Country::Ch)
                .unwrap_err()
                .to_string(),
            "cannot normalize postcode \"0999\": expected 4 digits, the first not 0"
        );
    }

    #[test]
    fn five_digit_countries() {
        assert_eq!(value("01067", Country::De), "01067");
        assert_eq!(value("D-10115", Country::De), "10115");
        assert_eq!(value("1067", Country::De), "01067");
        assert_eq!(value("00184", Country::It), "00184");
        assert_eq!(value("E-28013", Country::Es), "28013");
        assert_eq!(
            reason("60000", Country::Es),
            Reason::InvalidFormat {
                expected: "5 digits starting with a province code from 01 to 52"
            }
        );
    }

    #[test]
    fn netherlands() {
        for raw in ["1012 AB", "1012AB", "1012 ab", "NL-1012 AB", " 1012  ab "] {
            assert_eq!(value(raw, Country::Nl), "1012 AB", "{raw}");
        }
        for raw in ["0123 AB", "1012 SS", "1012", "1012 A1"] {
            assert_eq!(
                reason(raw, Country::Nl),
                Reason::InvalidFormat {
                    expected: "4 digits and 2 letters, as in 1012 AB"
                },
                "{raw}"
            );
        }
    }

    #[test]
    fn united_kingdom() {
        for (raw, want) in [
            ("SW1A 1AA", "SW1A 1AA"),
            ("sw1a1aa", "SW1A 1AA"),
            ("M1 1AE", "M1 1AE"),
            ("B33 8TH", "B33 8TH"),
            ("CR2 6XH", "CR2 6XH"),
            ("DN55 1PT", "DN55 1PT"),
            ("W1A 0AX", "W1A 0AX"),
            ("EC1A1BB", "EC1A 1BB"),
            ("GIR 0AA", "GIR 0AA"),
        ] {
            assert_eq!(value(raw, Country::Gb), want, "{raw}");
        }
        assert_eq!(
            normalize_postcode("SW1A", Country::Gb)
                .unwrap_err()
                .to_string(),
            "cannot normalize postcode \"SW1A\": expected a UK postcode such as SW1A 1AA"
        );
        assert!(normalize_postcode("1AA 1AA", Country::Gb).is_err());
    }

    #[test]
    fn north_america() {
        assert_eq!(value("02134", Country::Us), "02134");
        assert_eq!(value("2134", Country::Us), "02134");
        assert_eq!(value("20500-0003", Country::Us), "20500-0003");
        assert_eq!(value("205000003", Country::Us), "20500-0003");
        assert!(normalize_postcode("2050-00003", Country::Us).is_err());
        assert_eq!(value("k1a0b1", Country::Ca), "K1A 0B1");
        assert_eq!(value("H3Z 2Y7", Country::Ca), "H3Z 2Y7");
        assert!(normalize_postcode("W1A 0B1", Country::Ca).is_err());
        assert!(normalize_postcode("K1A 0D1", Country::Ca).is_err());
    }
}
