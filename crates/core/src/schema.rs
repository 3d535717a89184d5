//! The canonical data model: four tables onto which every source is mapped.
//!
//! Column names are English snake_case; values keep their original language. Each column has a
//! [`ColumnType`] that says how raw text is coerced, whether it is required (the column must be
//! mapped, and every row must have a value), and a description shown by `cible ingest --help`
//! and in the docs.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};

/// One of the four canonical tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TableKind {
    /// Companies: one row per account (customer or prospect).
    Accounts,
    /// People at those companies, with their consent.
    Contacts,
    /// Orders or invoices: what an account bought, when, for how much.
    Orders,
    /// Interactions: web visits, e-mails, webinars, calls, events.
    Events,
}

impl TableKind {
    /// All kinds, in pipeline order.
    pub const ALL: [TableKind; 4] = [Self::Accounts, Self::Contacts, Self::Orders, Self::Events];

    /// The table's name, as used in file names and the project file.
    pub fn name(self) -> &'static str {
        match self {
            Self::Accounts => "accounts",
            Self::Contacts => "contacts",
            Self::Orders => "orders",
            Self::Events => "events",
        }
    }

    /// The table's columns, identifier first.
    pub fn columns(self) -> &'static [ColumnDef] {
        match self {
            Self::Accounts => ACCOUNTS,
            Self::Contacts => CONTACTS,
            Self::Orders => ORDERS,
            Self::Events => EVENTS,
        }
    }

    /// The column that identifies a row; its values must be unique within a load.
    pub fn id_column(self) -> &'static str {
        self.columns()[0].name
    }

    /// Looks a column up by its canonical name.
    pub fn column(self, name: &str) -> Option<&'static ColumnDef> {
        self.columns().iter().find(|c| c.name == name)
    }

    /// The canonical column names, comma-separated, for error messages.
    pub fn column_list(self) -> String {
        self.columns()
            .iter()
            .map(|c| c.name)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The Arrow schema of the canonical table (without custom columns).
    pub fn arrow_schema(self) -> SchemaRef {
        Arc::new(Schema::new(
            self.columns()
                .iter()
                .map(ColumnDef::arrow_field)
                .collect::<Vec<_>>(),
        ))
    }
}

impl fmt::Display for TableKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TableKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                format!(
                    "unknown table kind `{s}`; expected one of: accounts, contacts, orders, events"
                )
            })
    }
}

/// How a column's raw values are coerced and stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Free text, trimmed (Arrow `Utf8`).
    Text,
    /// A whole number; thousands separators are accepted (Arrow `Int64`).
    Integer,
    /// A decimal number; decimal comma and thousands separators as configured (Arrow `Float64`).
    Number,
    /// A calendar date (Arrow `Date32`).
    Date,
    /// An instant, stored in UTC with microsecond precision (Arrow `Timestamp(µs, UTC)`).
    Timestamp,
    /// Yes/no: true/false, yes/no, oui/non, 1/0, y/n, o/n (Arrow `Boolean`).
    Boolean,
    /// One value of a closed list, compared case-insensitively and stored lower-case (Arrow
    /// `Utf8`).
    OneOf(&'static [&'static str]),
    /// A JSON object, validated and stored as text (Arrow `Utf8`).
    Json,
}

impl ColumnType {
    /// The Arrow type a column of this type is stored as.
    pub fn data_type(self) -> DataType {
        match self {
            Self::Text | Self::OneOf(_) | Self::Json => DataType::Utf8,
            Self::Integer => DataType::Int64,
            Self::Number => DataType::Float64,
            Self::Date => DataType::Date32,
            Self::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            Self::Boolean => DataType::Boolean,
        }
    }

    /// A short description of what a value must look like, for error messages.
    pub fn expected(self) -> String {
        match self {
            Self::Text => "text".into(),
            Self::Integer => "an integer".into(),
            Self::Number => "a number".into(),
            Self::Date => "a date".into(),
            Self::Timestamp => "a date and time".into(),
            Self::Boolean => "a yes/no value".into(),
            Self::OneOf(values) => format!("one of {}", values.join(", ")),
            Self::Json => "a JSON object".into(),
        }
    }
}

/// One column of a canonical table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnDef {
    /// Canonical name (English snake_case).
    pub name: &'static str,
    /// How values are coerced and stored.
    pub ty: ColumnType,
    /// Whether the column must be mapped and every row must have a value.
    pub required: bool,
    /// What the column means, for people.
    pub description: &'static str,
}

impl ColumnDef {
    /// The Arrow field of this column; required columns are not nullable.
    pub fn arrow_field(&self) -> Field {
        Field::new(self.name, self.ty.data_type(), !self.required)
    }
}

const fn col(
    name: &'static str,
    ty: ColumnType,
    required: bool,
    description: &'static str,
) -> ColumnDef {
    ColumnDef {
        name,
        ty,
        required,
        description,
    }
}

use ColumnType::{Boolean, Date, Integer, Json, Number, OneOf, Text, Timestamp};

/// Lifecycle statuses of an account.
pub const LIFECYCLE_STATUSES: &[&str] = &["prospect", "customer", "churned"];

/// Interaction channels of an event.
pub const EVENT_CHANNELS: &[&str] = &["web", "email", "webinar", "call", "chat", "social", "event"];

const ACCOUNTS: &[ColumnDef] = &[
    col(
        "account_id",
        Text,
        true,
        "Identifier of the account in its source system",
    ),
    col(
        "name",
        Text,
        true,
        "Company name as written in the source, legal form included",
    ),
    col(
        "siren",
        Text,
        false,
        "French registry number (9 digits) or other national registry id",
    ),
    col(
        "siret",
        Text,
        false,
        "French establishment number (14 digits: SIREN + NIC)",
    ),
    col(
        "legal_form",
        Text,
        false,
        "Legal form as written (SAS, SARL, GmbH, Ltd, ...)",
    ),
    col(
        "sector_code",
        Text,
        false,
        "Sector code (NAF/NACE rev. 2, SIC, ...)",
    ),
    col(
        "sector_label",
        Text,
        false,
        "Sector label, in the source's language",
    ),
    col("employees", Integer, false, "Head count"),
    col("revenue", Number, false, "Yearly revenue, in `currency`"),
    col(
        "currency",
        Text,
        false,
        "ISO 4217 code of `revenue` (EUR, GBP, CHF, ...)",
    ),
    col("country", Text, false, "Country (ISO 3166 code or name)"),
    col(
        "region",
        Text,
        false,
        "Region (Île-de-France, Bavaria, ...)",
    ),
    col("city", Text, false, "City"),
    col(
        "postal_code",
        Text,
        false,
        "Postal code, kept as text (leading zeros matter)",
    ),
    col("website", Text, false, "Web site or domain"),
    col(
        "created_at",
        Date,
        false,
        "Date the account was created in the source system",
    ),
    col("owner", Text, false, "Sales owner of the account"),
    col(
        "lifecycle_status",
        OneOf(LIFECYCLE_STATUSES),
        false,
        "prospect, customer or churned",
    ),
];

const CONTACTS: &[ColumnDef] = &[
    col(
        "contact_id",
        Text,
        true,
        "Identifier of the contact in its source system",
    ),
    col("account_id", Text, false, "Account the contact works for"),
    col("first_name", Text, false, "Given name"),
    col("last_name", Text, false, "Family name"),
    col("email", Text, false, "E-mail address"),
    col(
        "phone",
        Text,
        false,
        "Phone number, as written in the source",
    ),
    col("job_title", Text, false, "Job title, in any language"),
    col(
        "department",
        Text,
        false,
        "Department (finance, IT, purchasing, ...)",
    ),
    col(
        "seniority",
        Text,
        false,
        "Seniority level (executive, director, manager, staff)",
    ),
    col(
        "email_opt_in",
        Boolean,
        false,
        "Whether the contact consented to marketing e-mail",
    ),
    col(
        "consent_date",
        Date,
        false,
        "When the consent was given or withdrawn",
    ),
    col(
        "consent_source",
        Text,
        false,
        "Where the consent was collected (form, event, ...)",
    ),
];

const ORDERS: &[ColumnDef] = &[
    col("order_id", Text, true, "Identifier of the order or invoice"),
    col("account_id", Text, true, "Account that ordered"),
    col("ordered_at", Date, true, "Order date"),
    col(
        "amount",
        Number,
        true,
        "Order amount before tax, in `currency`",
    ),
    col("currency", Text, false, "ISO 4217 code of `amount`"),
    col("product", Text, false, "Product or SKU"),
    col("category", Text, false, "Product category"),
    col("quantity", Integer, false, "Units ordered"),
    col(
        "channel",
        Text,
        false,
        "Sales channel (direct, web, partner, ...)",
    ),
];

const EVENTS: &[ColumnDef] = &[
    col("event_id", Text, true, "Identifier of the event"),
    col(
        "account_id",
        Text,
        false,
        "Account concerned (this or `contact_id` is needed)",
    ),
    col(
        "contact_id",
        Text,
        false,
        "Contact concerned (this or `account_id` is needed)",
    ),
    col("occurred_at", Timestamp, true, "When it happened"),
    col(
        "channel",
        OneOf(EVENT_CHANNELS),
        true,
        "web, email, webinar, call, chat, social or event",
    ),
    col(
        "type",
        Text,
        true,
        "What happened: page_view, email_open, webinar_attended, ...",
    ),
    col(
        "properties",
        Json,
        false,
        "Details as a JSON object: url, campaign, asset, device, ...",
    ),
];

/// The canonical data model as Markdown: one table per kind with every column's type,
/// whether it is required and what it means. `docs/data-model.md` is this text.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Canonical data model\n\n\
         Every source is mapped onto one of four tables. Column names are English snake_case;\n\
         values keep their original language. A required column must be mapped, and a row\n\
         without a value in it is rejected. Every loaded table also has the lineage columns\n\
         `_source` (source name), `_file` and `_line` (where the row was read).\n\n\
         This file is generated from `crates/core/src/schema.rs` (a test checks it).\n",
    );
    for kind in TableKind::ALL {
        out.push_str(&format!(
            "\n## `{kind}`\n\n| column | type | required | meaning |\n|---|---|---|---|\n"
        ));
        for c in kind.columns() {
            let ty = match c.ty {
                ColumnType::Text => "text".to_string(),
                ColumnType::Integer => "integer".to_string(),
                ColumnType::Number => "number".to_string(),
                ColumnType::Date => "date".to_string(),
                ColumnType::Timestamp => "timestamp (UTC)".to_string(),
                ColumnType::Boolean => "yes/no".to_string(),
                ColumnType::OneOf(values) => format!("one of: {}", values.join(", ")),
                ColumnType::Json => "JSON object".to_string(),
            };
            let required = if c.required { "yes" } else { "" };
            out.push_str(&format!(
                "| `{}` | {ty} | {required} | {} |\n",
                c.name,
                c.description.replace('|', "\\|")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_data_model_doc_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/data-model.md");
        crate::docs::check_generated_doc(path.as_ref(), &markdown(), "cible-core").unwrap();
    }

    #[test]
    fn column_names_are_unique_snake_case_and_ids_come_first() {
        for kind in TableKind::ALL {
            let mut seen = HashSet::new();
            for c in kind.columns() {
                assert!(seen.insert(c.name), "{kind}: duplicate column {}", c.name);
                assert!(
                    c.name
                        .chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch == '_'),
                    "{kind}: {} is not snake_case",
                    c.name
                );
                assert!(!c.description.is_empty());
            }
            let id = &kind.columns()[0];
            assert!(id.name.ends_with("_id") && id.required, "{kind}");
        }
    }

    #[test]
    fn arrow_schema_matches_definitions() {
        let schema = TableKind::Events.arrow_schema();
        let occurred = schema.field_with_name("occurred_at").unwrap();
        assert!(!occurred.is_nullable());
        assert_eq!(
            occurred.data_type(),
            &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
        );
        assert!(schema.field_with_name("properties").unwrap().is_nullable());
        assert_eq!(
            TableKind::Orders
                .arrow_schema()
                .field_with_name("amount")
                .unwrap()
                .data_type(),
            &DataType::Float64
        );
    }

    #[test]
    fn kinds_parse_from_text() {
        assert_eq!("Orders".parse::<TableKind>().unwrap(), TableKind::Orders);
        assert_eq!(
            "order".parse::<TableKind>().unwrap_err(),
            "unknown table kind `order`; expected one of: accounts, contacts, orders, events"
        );
    }
}
