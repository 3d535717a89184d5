//! The `[sources.*]` entries that read what [`generate`](crate::generate) writes.

use cible_core::project::SourceConfig;

use crate::layout::{self, DataLayout};
use crate::params::OutputFormat;

/// The file name of a data file, relative to the output folder.
pub(crate) fn data_path(layout: &DataLayout, format: OutputFormat) -> String {
    let ext = match (format, layout.table) {
        (OutputFormat::Parquet, _) => "parquet",
        (OutputFormat::Csv, cible_core::schema::TableKind::Events) => "ndjson",
        (OutputFormat::Csv, _) => "csv",
    };
    format!("data/{}.{ext}", layout.stem)
}

/// The project-file sources that read exactly the files [`generate`](crate::generate) writes
/// with `format`, named after the files (`crm_accounts`, `crm_contacts`, `erp_orders`,
/// `web_events`), with paths relative to the output folder and every column mapped.
///
/// ```
/// use cible_generator::{OutputFormat, demo_sources};
///
/// let sources = demo_sources(OutputFormat::Csv);
/// let (name, orders) = &sources[2];
/// assert_eq!(name, "erp_orders");
/// assert_eq!(orders.path, "data/erp_orders.csv");
/// assert_eq!(orders.encoding.as_deref(), Some("latin-1"));
/// assert_eq!(orders.columns["amount"], "Montant HT");
/// ```
pub fn demo_sources(format: OutputFormat) -> Vec<(String, SourceConfig)> {
    layout::DATA
        .iter()
        .map(|l| {
            let mut config = SourceConfig::new(l.table, data_path(l, format));
            let csv = format == OutputFormat::Csv;
            let (delimiter, encoding, decimal) = match l.stem {
                "crm_accounts" => (Some(";"), Some("utf-8"), Some(",")),
                "crm_contacts" => (Some(","), Some("utf-8"), None),
                "erp_orders" => (Some(";"), Some("latin-1"), Some(",")),
                _ => (None, None, None),
            };
            if csv {
                config.delimiter = delimiter.map(String::from);
                config.encoding = encoding.map(String::from);
            }
            config.decimal = decimal.map(String::from);
            if l.stem != "web_events" {
                config.date_order = Some("dmy".into());
            }
            config.columns = l
                .columns
                .iter()
                .map(|(header, canonical)| (canonical.to_string(), header.to_string()))
                .collect();
            (l.stem.to_string(), config)
        })
        .collect()
}
