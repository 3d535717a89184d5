//! French company identifiers: SIREN, SIRET and intra-community VAT number.
//!
//! - SIREN: 9 digits, Luhn check digit. It identifies the company.
//! - SIRET: 14 digits, the SIREN then a 5-digit NIC; it identifies an establishment. Luhn check
//!   digit, except for La Poste (SIREN 356 000 000), whose establishments outnumber what the NIC
//!   with a Luhn digit could number: theirs have a digit sum divisible by 5 instead; the head
//!   office `356 000 000 00048` keeps Luhn.
//! - VAT number: `FR`, a 2-digit key, the SIREN; key = (12 + 3 × (SIREN mod 97)) mod 97.
//!
//! Spaces (of any kind), dots and hyphens are dropped before checking: `552 032 534`,
//! `552.032.534`, `FR 27 552-032-534`.

use std::fmt;

use super::error::{Field, NormalizeError, Reason};
use super::text;

/// Whether a string of ASCII digits passes the Luhn check (the last digit checks the others);
/// false for an empty string or any other character.
///
/// ```
/// use cible_clean::normalize::registry::luhn_valid;
/// assert!(luhn_valid("552032534"));
/// assert!(!luhn_valid("552032535"));
/// ```
pub fn luhn_valid(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 { d2 - 9 } else { d2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The digits of `raw` with spaces, dots and hyphens removed, checked for length.
fn digits(raw: &str, expected: usize) -> Result<String, Reason> {
    let cleaned = text::clean(raw);
    let mut out = String::with_capacity(expected);
    for c in cleaned.chars() {
        match c {
            '0'..='9' => out.push(c),
            ' ' | '.' | '-' => {}
            ch => return Err(Reason::InvalidCharacter { ch }),
        }
    }
    if out.is_empty() {
        return Err(Reason::Empty);
    }
    if out.len() != expected {
        return Err(Reason::WrongLength {
            len: out.len(),
            expected,
        });
    }
    Ok(out)
}

/// A valid SIREN: 9 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Siren(String);

impl Siren {
    /// The 9 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key of the French VAT number: (12 + 3 × (SIREN mod 97)) mod 97.
    pub fn vat_key(&self) -> u8 {
        let n: u64 = self.0.parse().unwrap_or(0);
        ((12 + 3 * (n % 97)) % 97) as u8
    }

    /// The French VAT number: `FR` + key + SIREN, e.g. `FR27552032534`.
    pub fn vat_number(&self) -> String {
        format!("FR{:02}{}", self.vat_key(), self.0)
    }
}

impl fmt::Display for Siren {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A valid SIRET: 14 digits, SIREN then NIC.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Siret(String);

impl Siret {
    /// The 14 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The company's SIREN: the first 9 digits.
    pub fn siren(&self) -> Siren {
        Siren(self.0[..9].to_owned())
    }

    /// The establishment's NIC: the last 5 digits.
    pub fn nic(&self) -> &str {
        &self.0[9..]
    }
}

impl fmt::Display for Siret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// La Poste's SIREN, whose establishments' SIRETs use a digit-sum check instead of Luhn.
const LA_POSTE_SIREN: &str = "356000000";
/// La Poste's head office, whose SIRET keeps Luhn.
const LA_POSTE_HEAD_OFFICE: &str = "35600000000048";

/// Checks a SIREN.
///
/// ```
/// use cible_clean::normalize::registry::normalize_siren;
/// let siren = normalize_siren("552 032 534").unwrap();
/// assert_eq!(siren.as_str(), "552032534");
/// assert_eq!(siren.vat_number(), "FR27552032534");
/// ```
///
/// # Errors
///
/// [`Reason::Empty`], [`Reason::InvalidCharacter`], [`Reason::WrongLength`],
/// [`Reason::InvalidChecksum`].
pub fn normalize_siren(raw: &str) -> Result<Siren, NormalizeError> {
    let err = |r| NormalizeError::new(Field::Siren, raw, r);
    let d = digits(raw, 9).map_err(err)?;
    if !luhn_valid(&d) {
        return Err(err(Reason::InvalidChecksum));
    }
    Ok(Siren(d))
}

/// Checks a SIRET, La Poste's exception included.
///
/// ```
/// use cible_clean::normalize::registry::normalize_siret;
/// let siret = normalize_siret("732 829 320 00074").unwrap();
/// assert_eq!(siret.siren().as_str(), "732829320");
/// assert_eq!(siret.nic(), "00074");
/// ```
///
/// # Errors
///
/// [`Reason::Empty`], [`Reason::InvalidCharacter`], [`Reason::WrongLength`],
/// [`Reason::InvalidChecksum`].
pub fn normalize_siret(raw: &str) -> Result<Siret, NormalizeError> {
    let err = |r| NormalizeError::new(Field::Siret, raw, r);
    let d = digits(raw, 14).map_err(err)?;
    let valid = if d.starts_with(LA_POSTE_SIREN) && d != LA_POSTE_HEAD_OFFICE {
        d.bytes()
            .map(|b| u32::from(b - b'0'))
            .sum::<u32>()
            .is_multiple_of(5)
    } else {
        luhn_valid(&d)
    };
    if !valid {
        return Err(err(Reason::InvalidChecksum));
    }
    Ok(Siret(d))
}

/// A valid French VAT number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VatNumber {
    /// `FR`, key and SIREN without spaces: `FR27552032534`.
    pub value: String,
    /// The SIREN it contains.
    pub siren: Siren,
}

/// Checks a French VAT number: its SIREN's Luhn digit and its key.
///
/// ```
/// use cible_clean::normalize::registry::normalize_vat_fr;
/// assert_eq!(normalize_vat_fr("fr 27 552 032 534").unwrap().value, "FR27552032534");
/// let err = normalize_vat_fr("FR28552032534").unwrap_err();
/// assert_eq!(err.to_string(),
///     "cannot normalize VAT number \"FR28552032534\": key 28 does not match the SIREN, whose key is 27");
/// ```
///
/// # Errors
///
/// [`Reason::Empty`], [`Reason::InvalidFormat`] (not `FR` + 11 digits),
/// [`Reason::InvalidCharacter`], [`Reason::WrongLength`], [`Reason::InvalidChecksum`] (of the
/// SIREN), [`Reason::VatKeyMismatch`].
pub fn normalize_vat_fr(raw: &str) -> Result<VatNumber, NormalizeError> {
    let err = |r| NormalizeError::new(Field::VatNumber, raw, r);
    let cleaned = text::clean(raw).to_uppercase();
    if cleaned.is_empty() {
        return Err(err(Reason::Empty));
    }
    let Some(rest) = cleaned.strip_prefix("FR") else {
        return Err(err(Reason::InvalidFormat {
            expected: "FR, a 2-digit key and a 9-digit SIREN",
        }));
    };
    let d = digits(rest, 11).map_err(|r| match r {
        Reason::Empty | Reason::InvalidCharacter { .. } => Reason::InvalidFormat {
            expected: "FR, a 2-digit key and a 9-digit SIREN",
        },
        other => other,
    });
    let d = d.map_err(err)?;
    let (key, siren) = d.split_at(2);
    if !luhn_valid(siren) {
        return Err(err(Reason::InvalidChecksum));
    }
    let siren = Siren(siren.to_owned());
    let found: u8 = key.parse().unwrap_or(u8::MAX);
    let expected = siren.vat_key();
    if found != expected {
        return Err(err(Reason::VatKeyMismatch { expected, found }));
    }
    Ok(VatNumber {
        value: siren.vat_number(),
        siren,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn() {
        assert!(luhn_valid("552032534"));
        assert!(luhn_valid("732829320"));
        assert!(luhn_valid("73282932000074"));
        assert!(luhn_valid("0"));
        assert!(!luhn_valid("123456789"));
        // Swapping two neighbouring digits is caught.
        assert!(!luhn_valid("550232534"));
    }

    #[test]
    fn siren_spellings() {
        for raw in [
            "552032534",
            "552 032 534",
            "552.032.534",
            "552-032-534",
            "\u{a0}552\u{202f}032\u{202f}534 ",
        ] {
            assert_eq!(
                normalize_siren(raw).unwrap().as_str(),
                "552032534",
                "{raw:?}"
            );
        }
    }

    #[test]
    fn siren_checksum() {
        assert_eq!(
            normalize_siren("552 032 535").unwrap_err().to_string(),
            "cannot normalize SIREN \"552 032 535\": invalid check digit (probably a typo)"
        );
        assert_eq!(
            normalize_siren("552032535").unwrap_err().code(),
            "invalid_checksum"
        );
    }

    #[test]
    fn siren_length_and_characters() {
        assert_eq!(
            normalize_siren("55203253").unwrap_err().to_string(),
            "cannot normalize SIREN \"55203253\": 8 digits, 9 expected"
        );
        assert_eq!(
            normalize_siren("55203253400013").unwrap_err().reason,
            Reason::WrongLength {
                len: 14,
                expected: 9
            }
        );
        assert_eq!(
            normalize_siren("552O32534").unwrap_err().reason,
            Reason::InvalidCharacter { ch: 'O' }
        );
        assert_eq!(normalize_siren(" ").unwrap_err().reason, Reason::Empty);
    }

    #[test]
    fn siret_and_its_parts() {
        let siret = normalize_siret("552 032 534 00018").unwrap();
        assert_eq!(siret.as_str(), "55203253400018");
        assert_eq!(siret.siren(), normalize_siren("552032534").unwrap());
        assert_eq!(siret.nic(), "00018");
        assert_eq!(siret.to_string(), "55203253400018");
    }

    #[test]
    fn siret_checksum() {
        assert_eq!(
            normalize_siret("552 032 534 00013")
                .unwrap_err()
                .to_string(),
            "cannot normalize SIRET \"552 032 534 00013\": invalid check digit (probably a typo)"
        );
        assert_eq!(
            normalize_siret("552032534").unwrap_err().to_string(),
            "cannot normalize SIRET \"552032534\": 9 digits, 14 expected"
        );
    }

    #[test]
    fn la_poste_sirets_use_a_digit_sum() {
        // Digit sum 45: valid for La Poste although Luhn fails.
        assert!(!luhn_valid("35600000049837"));
        assert_eq!(
            normalize_siret("356 000 000 49837")
                .unwrap()
                .siren()
                .as_str(),
            "356000000"
        );
        // Digit sum 46: invalid.
        assert_eq!(
            normalize_siret("35600000049838").unwrap_err().reason,
            Reason::InvalidChecksum
        );
        // The head office keeps Luhn.
        assert!(normalize_siret("35600000000048").is_ok());
        assert!(normalize_siret("35600000000049").is_err());
    }

    #[test]
    fn the_digit_sum_rule_is_only_for_la_poste() {
        // Digit sum 30, but Luhn fails and the SIREN is not La Poste's.
        assert!(!luhn_valid("55203253400001"));
        assert!(normalize_siret("55203253400001").is_err());
    }

    #[test]
    fn vat_key_from_siren() {
        assert_eq!(normalize_siren("552032534").unwrap().vat_key(), 27);
        assert_eq!(
            normalize_siren("443061841").unwrap().vat_number(),
            "FR64443061841"
        );
        assert_eq!(
            normalize_siren("732829320").unwrap().vat_number(),
            "FR44732829320"
        );
        // A key below 10 keeps its leading zero.
        let siren = Siren("000000042".to_owned());
        assert_eq!(siren.vat_key(), 41);
        let small = (0..1000u32)
            .map(|n| Siren(format!("{n:09}")))
            .find(|s| s.vat_key() < 10)
            .unwrap();
        assert_eq!(&small.vat_number()[..4], &format!("FR0{}", small.vat_key()));
    }

    #[test]
    fn vat_spellings() {
        for raw in [
            "FR27552032534",
            "FR 27 552 032 534",
            "fr27552032534",
            "FR27-552-032-534",
            "FR 27552032534",
        ] {
            let vat = normalize_vat_fr(raw).unwrap();
            assert_eq!(vat.value, "FR27552032534", "{raw}");
            assert_eq!(vat.siren.as_str(), "552032534");
        }
    }

    #[test]
    fn vat_errors() {
        assert_eq!(
            normalize_vat_fr("FR28552032534").unwrap_err().reason,
            Reason::VatKeyMismatch {
                expected: 27,
                found: 28
            }
        );
        assert_eq!(
            normalize_vat_fr("DE123456789").unwrap_err().to_string(),
            "cannot normalize VAT number \"DE123456789\": expected FR, a 2-digit key and a 9-digit SIREN"
        );
        assert_eq!(
            normalize_vat_fr("FRXX552032534").unwrap_err().reason,
            Reason::InvalidFormat {
                expected: "FR, a 2-digit key and a 9-digit SIREN"
            }
        );
        assert_eq!(
            normalize_vat_fr("FR2755203253").unwrap_err().reason,
            Reason::WrongLength {
                len: 10,
                expected: 11
            }
        );
        assert_eq!(
            normalize_vat_fr("FR27552032535").unwrap_err().reason,
            Reason::InvalidChecksum
        );
        assert_eq!(normalize_vat_fr("").unwrap_err().reason, Reason::Empty);
    }
}
