//! Point-in-time training sets: each row's features as of its snapshot date, its label from
//! the window after it, and nothing later.

use chrono::NaiveDate;
use cible_core::scores::ScoreConfig;
use cible_features::{CustomFeatures, Inputs};
use cible_segments::training::{SNAPSHOT_COLUMN, TARGET_COLUMN};
use cible_segments::training_set;
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type};

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn text(batch: &RecordBatch, column: &str) -> Vec<String> {
    let c = cast(batch.column_by_name(column).unwrap(), &DataType::Utf8).unwrap();
    c.as_string::<i32>()
        .iter()
        .map(|v| v.unwrap_or("").to_string())
        .collect()
}

/// A1 orders on 10 June and 20 October, A2 on 1 September; snapshots on 5 May and 3 August
/// (as_of 1 November minus 90 days, then 90 days earlier); the population is accounts
/// without an order in the last 12 months.
#[test]
fn every_row_sees_its_snapshot_and_its_window_only() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = Inputs {
        accounts: write(
            dir.path(),
            "accounts.csv",
            "account_id,name,created_at\nA1,Alpha,2020-01-01\nA2,Beta,2020-01-01\n",
        ),
        orders: Some(write(
            dir.path(),
            "orders.csv",
            "order_id,account_id,ordered_at,amount\nO1,A1,2026-06-10,100\nO2,A2,2026-09-01,200\nO3,A1,2026-10-20,300\n",
        )),
        ..Inputs::default()
    };
    let score: ScoreConfig = toml::from_str(
        "name = \"conversion\"\n\
         target = \"SELECT DISTINCT account_id FROM orders\"\n\
         horizon = \"90 days\"\n\
         population = \"orders_12m = 0\"\n\
         snapshots = 2",
    )
    .unwrap();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let set = training_set(&inputs, &CustomFeatures::default(), &score, as_of).unwrap();
    let dates: Vec<String> = set.snapshots.iter().map(|s| s.date.to_string()).collect();
    assert_eq!(dates, ["2026-05-05", "2026-08-03"]);
    let b = &set.batch;
    assert_eq!(text(b, "account_id"), ["A1", "A2", "A2"]);
    assert_eq!(
        text(b, SNAPSHOT_COLUMN),
        ["2026-05-05", "2026-05-05", "2026-08-03"]
    );
    // A1 ordered in the window after 5 May; A2 in the one after 3 August. A1 left the
    // population on 3 August: it had ordered by then.
    assert_eq!(text(b, TARGET_COLUMN), ["true", "false", "true"]);
    // Features as of each row's date: no order counted yet anywhere, although A1's June order
    // and A2's September order are in the data.
    let orders = cast(b.column_by_name("orders_36m").unwrap(), &DataType::Float64).unwrap();
    let orders: Vec<f64> = orders
        .as_primitive::<Float64Type>()
        .iter()
        .map(|v| v.unwrap_or(0.0))
        .collect();
    assert_eq!(orders, [0.0, 0.0, 0.0]);
    assert_eq!(
        set.snapshots
            .iter()
            .map(|s| (s.accounts, s.positives))
            .collect::<Vec<_>>(),
        [(2, 1), (1, 1)]
    );
    assert!(b.column_by_name(TARGET_COLUMN).unwrap().null_count() == 0);
}

#[test]
fn a_wrong_target_names_the_score() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = Inputs {
        accounts: write(dir.path(), "accounts.csv", "account_id,name\nA1,Alpha\n"),
        ..Inputs::default()
    };
    let score: ScoreConfig = toml::from_str(
        "name = \"churn\"\ntarget = \"SELECT account_id FROM order\"\nhorizon = \"30 days\"",
    )
    .unwrap();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let e = training_set(&inputs, &CustomFeatures::default(), &score, as_of)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("[[scores]] `churn`, target:"), "{e}");
}
