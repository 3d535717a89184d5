//! cible-core: the vocabulary every other cible crate shares.
//!
//! - [`schema`]: the four canonical tables (`accounts`, `contacts`, `orders`, `events`), every
//!   column with its type, whether it is required, and what it means, as Arrow schemas;
//! - [`project`]: the `cible.toml` project file, parsed and validated with errors that name the
//!   key at fault;
//! - [`segmentation`]: the `[segmentation]` section (features, preparation, method, k);
//! - [`text`]: accent and punctuation folding for matching names;
//! - [`ErrorKind`]: whose fault an error is, which the CLI maps to exit codes and the server to
//!   HTTP statuses.
//!
//! ```
//! use cible_core::schema::TableKind;
//!
//! let accounts = TableKind::Accounts;
//! let schema = accounts.arrow_schema();
//! assert_eq!(schema.field(0).name(), "account_id");
//! assert!(accounts.column("siren").is_some());
//! ```
//!
//! Tests cover the schema definitions (names unique, ids required, Arrow types) and every
//! validation rule of the project file with its exact message. They do not cover reading
//! data: that is `cible-data`'s job.

pub mod clean;
pub mod docs;
mod error_kind;
pub mod exports;
pub mod project;
pub mod rules;
pub mod schema;
pub mod scores;
pub mod segmentation;
pub mod text;

pub use error_kind::ErrorKind;
