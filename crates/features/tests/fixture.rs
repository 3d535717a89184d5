//! Every built-in feature on a small hand-checked fixture, as of 2026-11-01: three account
//! entities (one merged from two records), orders, events and contacts, with rows after
//! as_of and rows of unknown accounts that must not count.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use cible_core::project::CustomFeatureConfig;
use cible_features::{ColumnValues, CustomFeatures, FeatureTable, Inputs, Kind, builtin, compute};
use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type};

const ACCOUNTS: &str = "\
entity_id,name,sector_code,sector_label,employees,revenue,country,region,created_at,lifecycle_status,records,record_ids
A1,Alpha SAS,62.01Z,Programmation informatique,120,15000000,FR,Île-de-France,2020-01-15,customer,1,A1
A2,Beta SARL,4690Z,Commerce de gros,8,900000,FR,Bretagne,2026-06-01,prospect,1,A2
A3,Gamma SA,,Industrie,6000,,BE,Wallonie,,churned,2,A3 A3b
";

const ACCOUNT_ENTITIES: &str = "id,entity_id\nA1,A1\nA2,A2\nA3,A3\nA3b,A3\n";

const ORDERS: &str = "\
order_id,account_id,ordered_at,amount,product,category
O1,A1,2026-10-25,100,P1,Software
O2,A1,2026-10-25,50,P2,Hardware
O3,A1,2026-05-01,200,P1,Software
O4,A1,2025-06-15,400,P3,Services
O5,A1,2026-11-02,9999,P1,Software
O6,A3b,2023-01-10,1000,P1,Software
O7,A3,2023-12-01,500,P1,Software
O8,ZZ,2026-01-01,5,P1,Software
";

const EVENTS: &str = r#"event_id,account_id,contact_id,occurred_at,channel,type,properties
E1,A1,,2026-10-31T10:00:00Z,web,visit,
E2,A1,,2026-10-20T00:00:00Z,web,page_view,"{""url"":""/tarifs""}"
E3,,C1,2026-09-01T00:00:00Z,web,demo_request,
E4,A1,,2026-10-01T00:00:00Z,email,email_sent,
E5,A1,,2026-10-02T00:00:00Z,email,email_open,
E6,A1,,2026-10-02T00:00:00Z,email,email_click,
E7,A1,,2026-11-01T23:00:00Z,web,download,
E8,A1,,2026-11-02T00:00:01Z,web,page_view,"{""url"":""/tarifs""}"
E9,A2,,2026-08-01T00:00:00Z,webinar,webinar_registered,
E10,A2,,2026-08-15T00:00:00Z,webinar,webinar_attended,
E11,,C9,2026-10-30T00:00:00Z,web,visit,
"#;

const CONTACTS: &str = "\
contact_id,account_id,first_name,last_name,job_title,department,email_opt_in
C1,A1,Anne,Martin,DAF,,true
C2,A1,Paul,Durand,Directeur des systèmes d'information,,false
C3,A1,Paul,Durand,DSI,,
C4,A3b,Lea,Petit,Acheteuse,,true
C5,A2,Zoe,Roux,Assistante de direction,Comptabilité,false
";

const CONTACT_ENTITIES: &str = "id,entity_id\nC1,C1\nC2,C2\nC3,C2\nC4,C4\nC5,C5\n";

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn inputs(dir: &Path, orders: &str, events: &str) -> Inputs {
    Inputs {
        accounts: write(dir, "accounts_golden.csv", ACCOUNTS),
        account_entities: Some(write(dir, "accounts.csv", ACCOUNT_ENTITIES)),
        contacts: Some(write(dir, "contacts_table.csv", CONTACTS)),
        contact_entities: Some(write(dir, "contacts.csv", CONTACT_ENTITIES)),
        orders: Some(write(dir, "orders.csv", orders)),
        events: Some(write(dir, "events.csv", events)),
    }
}

/// Every built-in feature of the fixture's tables.
fn fixture_table(dir: &Path) -> FeatureTable {
    compute(
        &inputs(dir, ORDERS, EVENTS),
        as_of(),
        &CustomFeatures::default(),
    )
    .unwrap()
}

/// A feature value as text (numbers rounded to 1e-9), or "" when empty.
fn values(table: &FeatureTable) -> HashMap<(String, String), String> {
    let mut out = HashMap::new();
    for batch in &table.batches {
        let ids = batch.column(0).as_string::<i32>();
        for (c, field) in batch.schema().fields().iter().enumerate().skip(1) {
            let column = batch.column(c);
            for row in 0..batch.num_rows() {
                let text = if column.is_null(row) {
                    String::new()
                } else {
                    match column.data_type() {
                        DataType::Int64 => {
                            column.as_primitive::<Int64Type>().value(row).to_string()
                        }
                        DataType::Float64 => {
                            let v = column.as_primitive::<Float64Type>().value(row);
                            format!("{}", (v * 1e9).round() / 1e9)
                        }
                        DataType::Boolean => column.as_boolean().value(row).to_string(),
                        DataType::Utf8 => column.as_string::<i32>().value(row).to_string(),
                        other => panic!("{}: unexpected type {other}", field.name()),
                    }
                };
                out.insert((ids.value(row).to_string(), field.name().clone()), text);
            }
        }
    }
    out
}

fn round(v: f64) -> String {
    format!("{}", (v * 1e9).round() / 1e9)
}

#[test]
fn every_feature_matches_the_hand_computed_value() {
    let dir = tempfile::tempdir().unwrap();
    let table = fixture_table(dir.path());
    assert_eq!(table.num_rows(), 3);
    let v = values(&table);
    let decay = |age: f64| 0.5f64.powf(age / 30.0);
    let intent_a1 = 3.0 * decay(13.0) + 5.0 * decay(62.0) + 2.0 * decay(1.0 / 24.0);
    let expected: &[(&str, &[(&str, String)])] = &[
        (
            "A1",
            &[
                ("recency_days", "7".into()),
                ("tenure_days", "504".into()),
                ("orders_total", "4".into()),
                ("purchase_days_total", "3".into()),
                ("monetary_total", "750".into()),
                ("orders_3m", "2".into()),
                ("purchase_days_3m", "1".into()),
                ("monetary_3m", "150".into()),
                ("orders_12m", "3".into()),
                ("purchase_days_12m", "2".into()),
                ("monetary_12m", "350".into()),
                ("orders_36m", "4".into()),
                ("purchase_days_36m", "3".into()),
                ("monetary_36m", "750".into()),
                ("basket_mean_3m", "75".into()),
                ("basket_mean_12m", round(350.0 / 3.0)),
                ("basket_mean_36m", "187.5".into()),
                ("product_breadth_36m", "3".into()),
                ("category_breadth_36m", "3".into()),
                ("monetary_prev_12m", "400".into()),
                ("regularity_cv", round(71.5 / 248.5)),
                ("trend_12m", round(-50.0 / 750.0)),
                ("lifecycle_stage", "active".into()),
                ("r_score", "3".into()),
                ("f_score", "3".into()),
                ("m_score", "1".into()),
                ("rfm_cell", "331".into()),
                ("web_visits_30d", "1".into()),
                ("page_views_30d", "1".into()),
                ("downloads_30d", "1".into()),
                ("webinar_registrations_365d", "0".into()),
                ("emails_sent_30d", "0".into()),
                ("emails_sent_90d", "1".into()),
                ("email_opens_90d", "1".into()),
                ("email_clicks_90d", "1".into()),
                ("email_open_rate_30d", String::new()),
                ("email_open_rate_90d", "1".into()),
                ("email_click_rate_365d", "1".into()),
                ("email_unsubscribe_rate_90d", "0".into()),
                ("email_unsubscribes_90d", "0".into()),
                ("conversations_90d", "0".into()),
                ("last_engagement_days", round(1.0 / 24.0)),
                ("engagement_index", round(5.0 + 7.5 + 20.0 / 3.0 + 2.5)),
                ("intent_score", round(intent_a1)),
                ("intent_signals_30d", "2".into()),
                ("intent_signals_90d", "3".into()),
                ("pricing_views_30d", "1".into()),
                ("pricing_views_90d", "1".into()),
                ("demo_requests_90d", "1".into()),
                ("engaged_events_365d", "6".into()),
                ("buying_stage", "decision".into()),
                ("contacts_total", "2".into()),
                ("contacts_opted_in", "1".into()),
                ("contacts_finance", "1".into()),
                ("role_finance", "true".into()),
                ("contacts_it", "1".into()),
                ("role_it", "true".into()),
                ("role_procurement", "false".into()),
                ("decision_makers", "2".into()),
                ("seniority_max", "2".into()),
                ("employees", "120".into()),
                ("revenue", "15000000".into()),
                ("size_band", "medium".into()),
                ("revenue_band", "10m_50m".into()),
                ("naf_division", "62".into()),
                ("naf_section", "J".into()),
                ("sector", "Programmation informatique".into()),
                ("region", "Île-de-France".into()),
                ("country", "FR".into()),
                ("crm_status", "customer".into()),
                ("account_age_days", "2482".into()),
                ("spend_per_employee_12m", round(350.0 / 120.0)),
            ],
        ),
        (
            "A2",
            &[
                ("recency_days", String::new()),
                ("orders_total", "0".into()),
                ("monetary_12m", "0".into()),
                ("basket_mean_12m", String::new()),
                ("regularity_cv", String::new()),
                ("trend_12m", String::new()),
                ("lifecycle_stage", "prospect".into()),
                ("r_score", String::new()),
                ("rfm_cell", String::new()),
                ("webinar_registrations_365d", "1".into()),
                ("webinar_attendances_90d", "1".into()),
                ("webinar_attendances_30d", "0".into()),
                ("engagement_index", "20".into()),
                ("intent_score", "0".into()),
                ("buying_stage", "consideration".into()),
                ("contacts_total", "1".into()),
                ("contacts_finance", "1".into()),
                ("role_finance", "true".into()),
                ("seniority_max", "0".into()),
                ("decision_makers", "0".into()),
                ("size_band", "micro".into()),
                ("revenue_band", "under_2m".into()),
                ("naf_division", "46".into()),
                ("naf_section", "G".into()),
                ("account_age_days", "153".into()),
            ],
        ),
        (
            "A3",
            &[
                ("recency_days", "1066".into()),
                ("orders_total", "2".into()),
                ("monetary_total", "1500".into()),
                ("orders_36m", "1".into()),
                ("monetary_prev_12m", "0".into()),
                ("regularity_cv", String::new()),
                ("trend_12m", String::new()),
                ("lifecycle_stage", "lapsed".into()),
                ("r_score", "1".into()),
                ("f_score", "1".into()),
                ("m_score", "3".into()),
                ("rfm_cell", "113".into()),
                ("engagement_index", "0".into()),
                ("last_engagement_days", String::new()),
                ("buying_stage", "unaware".into()),
                ("contacts_procurement", "1".into()),
                ("role_procurement", "true".into()),
                ("contacts_opted_in", "1".into()),
                ("size_band", "enterprise".into()),
                ("revenue_band", String::new()),
                ("naf_division", String::new()),
                ("naf_section", String::new()),
                ("account_age_days", String::new()),
                ("spend_per_employee_12m", "0".into()),
            ],
        ),
    ];
    let mut checked = std::collections::HashSet::new();
    for (account, features) in expected {
        for (feature, value) in *features {
            let actual = v
                .get(&(account.to_string(), feature.to_string()))
                .unwrap_or_else(|| panic!("{account}: no feature {feature}"));
            assert_eq!(actual, value, "{account}.{feature}");
            checked.insert(*feature);
        }
    }
    // Every feature's computation is checked on at least one account; the windows of one
    // stem share their SQL, so one window stands for the others.
    for f in builtin() {
        let stem = f
            .name
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == 'd' || c == 'm');
        let covered = checked.contains(f.name.as_str())
            || checked
                .iter()
                .any(|c| c.starts_with(stem) && stem.ends_with('_'))
            || f.name.starts_with("role_")
            || f.name.starts_with("contacts_");
        assert!(covered, "no hand-checked value for {}", f.name);
    }
    let s = &table.summary;
    assert_eq!(
        (
            s.orphan_orders,
            s.future_orders,
            s.orphan_events,
            s.future_events
        ),
        (1, 1, 1, 1)
    );
}

#[test]
fn columns_come_out_as_numbers_or_text_in_row_order() {
    let dir = tempfile::tempdir().unwrap();
    let table = fixture_table(dir.path());
    let v = values(&table);
    let Some(ColumnValues::Text(ids)) = table.column("account_id").unwrap() else {
        panic!("account_id is text");
    };
    let ids: Vec<String> = ids.into_iter().map(Option::unwrap).collect();
    let mut kinds = (0, 0, 0, 0);
    for field in table.schema.fields().iter().skip(1) {
        let name = field.name();
        match table.column(name).unwrap().unwrap() {
            ColumnValues::Numbers(values) => {
                for (id, value) in ids.iter().zip(values) {
                    let expected = &v[&(id.clone(), name.clone())];
                    let shown = match (value, field.data_type()) {
                        (None, _) => String::new(),
                        (Some(x), DataType::Boolean) => (x == 1.0).to_string(),
                        (Some(x), _) => format!("{}", (x * 1e9).round() / 1e9),
                    };
                    assert_eq!(&shown, expected, "{id} {name}");
                    if value.is_none() {
                        kinds.2 += 1;
                    }
                    if *field.data_type() == DataType::Boolean {
                        kinds.3 += 1;
                    }
                }
                kinds.0 += 1;
            }
            ColumnValues::Text(values) => {
                for (id, value) in ids.iter().zip(values) {
                    assert_eq!(&value.unwrap_or_default(), &v[&(id.clone(), name.clone())]);
                }
                kinds.1 += 1;
            }
        }
    }
    // Numbers, text, empty numbers and flags all occur in the fixture.
    assert!(
        kinds.0 > 50 && kinds.1 > 3 && kinds.2 > 0 && kinds.3 > 0,
        "{kinds:?}"
    );
    assert!(table.column("no_such_feature").unwrap().is_none());
}

#[test]
fn nothing_after_as_of_leaks_into_a_feature() {
    let dir = tempfile::tempdir().unwrap();
    let with_future = compute(
        &inputs(dir.path(), ORDERS, EVENTS),
        as_of(),
        &CustomFeatures::default(),
    )
    .unwrap();
    let past = |text: &str, marker: &str| -> String {
        text.lines()
            .filter(|l| !l.contains(marker))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    let dir2 = tempfile::tempdir().unwrap();
    let without = compute(
        &inputs(
            dir2.path(),
            &past(ORDERS, "2026-11-02"),
            &past(EVENTS, "2026-11-02"),
        ),
        as_of(),
        &CustomFeatures::default(),
    )
    .unwrap();
    assert_eq!(with_future.batches, without.batches);
    assert_eq!(
        without.summary.future_orders + without.summary.future_events,
        0
    );
}

#[test]
fn custom_features_are_sql_expressions_or_aggregate_queries() {
    let dir = tempfile::tempdir().unwrap();
    let configs = vec![
        CustomFeatureConfig {
            name: "big_spender".into(),
            description: Some("Spent over 300 in 12 months".into()),
            unit: Some("flag".into()),
            expression: Some("monetary_12m > 300".into()),
            query: None,
            fill: None,
        },
        CustomFeatureConfig {
            name: "software_orders".into(),
            description: None,
            unit: Some("orders".into()),
            expression: None,
            query: Some(
                "SELECT account_id, count(*) AS software_orders FROM orders \
                 WHERE category = 'Software' GROUP BY account_id"
                    .into(),
            ),
            fill: Some("0".into()),
        },
    ];
    let custom = CustomFeatures::new(&configs).unwrap();
    let table = compute(&inputs(dir.path(), ORDERS, EVENTS), as_of(), &custom).unwrap();
    let v = values(&table);
    let get = |a: &str, f: &str| v[&(a.to_string(), f.to_string())].clone();
    assert_eq!(get("A1", "big_spender"), "true");
    assert_eq!(get("A3", "big_spender"), "false");
    // O1 and O3 for A1 (O5 is after as_of); O6 (through A3b) and O7 for A3; none for A2.
    assert_eq!(get("A1", "software_orders"), "2");
    assert_eq!(get("A3", "software_orders"), "2");
    assert_eq!(get("A2", "software_orders"), "0");
    let last = &table.catalog[table.catalog.len() - 2..];
    assert_eq!(last[0].kind, Kind::Flag);
    assert_eq!(last[1].kind, Kind::Integer);

    // Errors name the feature and say what is wrong.
    let bad = |expression: Option<&str>, query: Option<&str>| {
        let c = CustomFeatureConfig {
            name: "oops".into(),
            description: None,
            unit: None,
            expression: expression.map(str::to_string),
            query: query.map(str::to_string),
            fill: None,
        };
        compute(
            &inputs(dir.path(), ORDERS, EVENTS),
            as_of(),
            &CustomFeatures::new(&[c]).unwrap(),
        )
        .unwrap_err()
        .to_string()
    };
    let message = bad(Some("no_such_feature * 2"), None);
    assert!(
        message.contains("`oops`") && message.contains("no_such_feature"),
        "{message}"
    );
    let message = bad(None, Some("SELECT account_id FROM orders"));
    assert!(
        message.contains("must return a column named `oops`"),
        "{message}"
    );
    let clash = CustomFeatureConfig {
        name: "recency_days".into(),
        description: None,
        unit: None,
        expression: Some("1".into()),
        query: None,
        fill: None,
    };
    let message = compute(
        &inputs(dir.path(), ORDERS, EVENTS),
        as_of(),
        &CustomFeatures::new(&[clash]).unwrap(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        message.contains("a built-in feature has this name"),
        "{message}"
    );
}

#[test]
fn without_orders_events_or_contacts_every_account_still_gets_a_row() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = Inputs {
        accounts: write(dir.path(), "accounts.csv", ACCOUNTS),
        ..Inputs::default()
    };
    let table = compute(&inputs, as_of(), &CustomFeatures::default()).unwrap();
    assert_eq!(table.num_rows(), 3);
    let v = values(&table);
    assert_eq!(v[&("A1".to_string(), "orders_total".to_string())], "0");
    assert_eq!(
        v[&("A1".to_string(), "lifecycle_stage".to_string())],
        "prospect"
    );
    assert_eq!(v[&("A1".to_string(), "contacts_total".to_string())], "0");

    // Written as Parquet and read back whole, with no partial file left beside it.
    let path = dir.path().join("features.parquet");
    table.write_parquet(&path).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        std::fs::File::open(&path).unwrap(),
    )
    .unwrap();
    assert_eq!(reader.schema(), &table.schema);
    let rows: usize = reader.build().unwrap().map(|b| b.unwrap().num_rows()).sum();
    assert_eq!(rows, 3);
    assert!(!dir.path().join("features.parquet.partial").exists());
}
