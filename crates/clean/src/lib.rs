//! cible-clean: the cleaning stage of cible — for now, its [`normalize`]rs.
//!
//! Every normalizer is a pure function from a raw string (and, where the value needs one, a
//! setting such as the default country or the date order) to a normalized value, or to a
//! [`NormalizeError`](normalize::NormalizeError) that keeps the raw value and says why. Nothing
//! here reads files or knows about Arrow: the pipeline calls these per cell and stores the
//! result beside the raw value.
//!
//! ```
//! use cible_clean::normalize::{Country, Reason};
//! use cible_clean::normalize::{company, date, email, phone, registry, text};
//!
//! assert_eq!(text::match_key("Île-de-France"), text::match_key("ILE DE FRANCE"));
//!
//! let acme = company::normalize_company("ACME France S.A.S.").unwrap();
//! assert_eq!((acme.match_key.as_str(), acme.legal_form.unwrap().canonical()), ("acme france", "SAS"));
//!
//! let mail = email::normalize_email(" Jean.Dupont+crm@GMAIL.com").unwrap();
//! assert_eq!((mail.address.as_str(), mail.is_free_mail), ("jean.dupont+crm@gmail.com", true));
//!
//! let tel = phone::normalize_phone("+33 (0)1 23 45 67 89", Country::Fr).unwrap();
//! assert_eq!(tel.e164, "+33123456789");
//!
//! let params = date::DateParams::new().order(date::DateOrder::DayFirst);
//! assert_eq!(date::parse_date("5 mars 2024", &params).unwrap().to_string(), "2024-03-05");
//!
//! let err = registry::normalize_siren("552 032 535").unwrap_err();
//! assert_eq!(err.reason, Reason::InvalidChecksum);
//! assert_eq!(err.code(), "invalid_checksum");
//! assert_eq!(err.raw, "552 032 535");
//! assert_eq!(err.to_string(), "cannot normalize SIREN \"552 032 535\": invalid check digit (probably a typo)");
//! ```
//!
//! # Tests
//!
//! Unit tests beside each normalizer cover its rules one by one with real-world spellings:
//! Unicode forms, accents and ligatures; legal forms of seven countries as prefix, suffix,
//! dotted or spelled out, and words that merely contain them; e-mail syntax rules and Gmail
//! folding; phone formats of the eleven supported countries, extensions, calling codes;
//! postcodes of each country, the Corsican départements; ISO, numeric, French and English
//! dates, date-order ambiguity, two-digit years, Excel serials 1, 59, 60, 61 and 45000 in both
//! epochs; amounts with every separator and currency; Luhn-valid and invalid SIREN/SIRET, La
//! Poste's exception, VAT keys; NAF spellings, sections and divisions. Common error messages
//! are checked word for word.
//!
//! They do not cover: phone numbering plans beyond length and leading digits (a well-shaped
//! number may be unassigned); postcodes against the list of real ones; NAF classes and
//! sub-classes beyond their shape (only divisions are checked to exist); SIREN/SIRET against
//! the SIRENE register; e-mail deliverability; performance on large columns.

pub mod normalize;
