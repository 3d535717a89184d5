//! Normalizers: pure functions from a raw string to a normalized value, or to a
//! [`NormalizeError`] that says which kind of value, the raw value untouched, and why.
//!
//! Raw values are only read, never changed: the pipeline stores the normalized value beside the
//! raw one. Every error's [`Reason`] has a stable [`code`](Reason::code) the data-quality report
//! counts by (`invalid_checksum`, `too_short`, `ambiguous_date`…) and a sentence for people.
//!
//! | module | values | main function |
//! |---|---|---|
//! | [`text`] | free text | [`text::clean`], [`text::match_key`], [`text::token_set`], [`text::jaccard`] |
//! | [`company`] | company names | [`company::normalize_company`] |
//! | [`email`] | e-mail addresses | [`email::normalize_email`] |
//! | [`phone`] | phone numbers | [`phone::normalize_phone`] |
//! | [`postcode`] | postcodes | [`postcode::normalize_postcode`] |
//! | [`date`] | dates | [`date::parse_date`], [`date::infer_date_order`] |
//! | [`amount`] | amounts and currencies | [`amount::parse_amount`], [`amount::infer_decimal_separator`] |
//! | [`registry`] | SIREN, SIRET, French VAT numbers | [`registry::normalize_siren`], [`registry::normalize_siret`], [`registry::normalize_vat_fr`] |
//! | [`sector`] | NAF / NACE codes | [`sector::normalize_naf`] |

pub mod amount;
pub mod company;
mod country;
pub mod date;
pub mod email;
mod error;
pub mod phone;
pub mod postcode;
pub mod registry;
pub mod sector;
pub mod text;

pub use country::{Country, ParseCountryError};
pub use error::{Field, NormalizeError, Reason};
