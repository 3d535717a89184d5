//! The countries whose phone numbers and postcodes are understood.

use std::fmt;
use std::str::FromStr;

/// A country with its own phone and postcode rules, named by its ISO 3166-1 alpha-2 code as in
/// the project file (`country = "FR"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Country {
    /// France (`FR`, calling code +33).
    Fr,
    /// Belgium (`BE`, +32).
    Be,
    /// Germany (`DE`, +49).
    De,
    /// United Kingdom (`GB`, also read from `UK`; +44).
    Gb,
    /// Spain (`ES`, +34).
    Es,
    /// Italy (`IT`, +39).
    It,
    /// Netherlands (`NL`, +31).
    Nl,
    /// Switzerland (`CH`, +41).
    Ch,
    /// Luxembourg (`LU`, +352).
    Lu,
    /// United States (`US`, +1).
    Us,
    /// Canada (`CA`, +1).
    Ca,
}

impl Country {
    /// Every supported country.
    pub const ALL: [Country; 11] = [
        Country::Fr,
        Country::Be,
        Country::De,
        Country::Gb,
        Country::Es,
        Country::It,
        Country::Nl,
        Country::Ch,
        Country::Lu,
        Country::Us,
        Country::Ca,
    ];

    /// The ISO 3166-1 alpha-2 code, e.g. `"FR"`.
    pub fn code(self) -> &'static str {
        match self {
            Country::Fr => "FR",
            Country::Be => "BE",
            Country::De => "DE",
            Country::Gb => "GB",
            Country::Es => "ES",
            Country::It => "IT",
            Country::Nl => "NL",
            Country::Ch => "CH",
            Country::Lu => "LU",
            Country::Us => "US",
            Country::Ca => "CA",
        }
    }

    /// The international calling code, without `+`: `"33"` for France.
    pub fn calling_code(self) -> &'static str {
        match self {
            Country::Fr => "33",
            Country::Be => "32",
            Country::De => "49",
            Country::Gb => "44",
            Country::Es => "34",
            Country::It => "39",
            Country::Nl => "31",
            Country::Ch => "41",
            Country::Lu => "352",
            Country::Us | Country::Ca => "1",
        }
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A country code that is not one of the [`Country::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unsupported country {0:?}: expected one of FR, BE, DE, GB (or UK), ES, IT, NL, CH, LU, US, CA"
)]
pub struct ParseCountryError(pub String);

impl FromStr for Country {
    type Err = ParseCountryError;

    /// Parses an ISO alpha-2 code, in any case and with surrounding spaces; `UK` means `GB`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let code = s.trim().to_ascii_uppercase();
        if code == "UK" {
            return Ok(Country::Gb);
        }
        Country::ALL
            .into_iter()
            .find(|c| c.code() == code)
            .ok_or_else(|| ParseCountryError(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_in_any_case() {
        assert_eq!("fr".parse::<Country>().unwrap(), Country::Fr);
        assert_eq!(" CH ".parse::<Country>().unwrap(), Country::Ch);
        assert_eq!("uk".parse::<Country>().unwrap(), Country::Gb);
        for c in Country::ALL {
            assert_eq!(c.code().parse::<Country>().unwrap(), c);
        }
    }

    #[test]
    fn unknown_code_names_the_choices() {
        let err = "PT".parse::<Country>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unsupported country \"PT\": expected one of FR, BE, DE, GB (or UK), ES, IT, NL, CH, LU, US, CA"
        );
    }
}
