//! The feature stage of a run: one row per account entity, written as Parquet with its
//! catalogue.

use std::path::Path;

use chrono::NaiveDate;
use cible_core::schema::TableKind;
use cible_features::{CustomFeatures, FeatureSummary, FeatureTable, Inputs, compute};
use cible_store::StagedRun;

use super::impute::imputed_table;
use crate::error::CliError;
use crate::output::{Output, count};

/// Where the stage writes, relative to the run folder.
pub const FEATURES_TABLE: &str = "features/accounts.parquet";
/// The catalogue of the features table's columns.
pub const FEATURES_CATALOG: &str = "features/catalog.json";

/// The file of the run that the features read for table `kind` before imputation: accounts'
/// golden records when `deduplicated`, else the loaded table.
pub fn imputed_from(kind: TableKind, deduplicated: bool) -> String {
    if deduplicated && kind == TableKind::Accounts {
        "entities/accounts_golden.csv".into()
    } else {
        format!("tables/{kind}.parquet")
    }
}

/// The run's tables as the SQL stages read them: deduplicated when `deduplicated`, imputed
/// where `[[clean.impute]]` says.
pub fn sql_inputs(run: &StagedRun, deduplicated: bool) -> Inputs {
    // The imputed table when there is one, else what imputation would have read.
    let table = |kind: TableKind| {
        let imputed = run.path(&imputed_table(kind));
        let path = if imputed.is_file() {
            imputed
        } else {
            run.path(&imputed_from(kind, deduplicated))
        };
        path.is_file().then_some(path)
    };
    let entities = |kind: &str| {
        let path = run.path(&format!("entities/{kind}.csv"));
        (deduplicated && path.is_file()).then_some(path)
    };
    Inputs {
        accounts: table(TableKind::Accounts)
            .unwrap_or_else(|| run.path(&imputed_from(TableKind::Accounts, deduplicated))),
        account_entities: entities("accounts"),
        contacts: table(TableKind::Contacts),
        contact_entities: entities("contacts"),
        orders: table(TableKind::Orders),
        events: table(TableKind::Events),
    }
}

/// Computes the features of `inputs` as of `as_of` and writes them with their catalogue.
pub fn features_stage(
    run: &mut StagedRun,
    inputs: &Inputs,
    as_of: NaiveDate,
    custom: &CustomFeatures,
    out: &Output,
) -> Result<FeatureTable, CliError> {
    let spinner = out.spinner("features (DataFusion SQL)".into());
    let features = compute(inputs, as_of, custom)?;
    spinner.finish_and_clear();
    run.create_dir("features")?;
    features.write_parquet(&run.path(FEATURES_TABLE))?;
    let catalog = serde_json::to_vec_pretty(&features.catalog)
        .unwrap_or_else(|e| unreachable!("the catalogue serializes: {e}"));
    let catalog_path = run.path(FEATURES_CATALOG);
    std::fs::write(&catalog_path, catalog).map_err(CliError::io(&catalog_path))?;
    run.add_output("features", FEATURES_TABLE, Some(features.num_rows() as u64))?;
    run.add_output(
        "features_catalog",
        FEATURES_CATALOG,
        Some(features.catalog.len() as u64),
    )?;
    Ok(features)
}

/// Prints what the feature stage did, for people.
pub fn print_features(out: &Output, s: &FeatureSummary, path: &Path, seconds: f64) {
    out.line(format!(
        "features: {} accounts × {} features as of {} in {:.2} s → {}",
        count(s.accounts as u64),
        s.features,
        s.as_of,
        seconds,
        path.display()
    ));
    let ignored = [
        (s.future_orders, "orders after as_of"),
        (s.future_events, "events after as_of"),
        (s.orphan_orders, "orders of unknown accounts"),
        (s.orphan_events, "events of unknown accounts and contacts"),
    ];
    let ignored: Vec<String> = ignored
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{} {what}", count(*n)))
        .collect();
    if !ignored.is_empty() {
        out.line(format!("  not counted: {}", ignored.join(", ")));
    }
}
