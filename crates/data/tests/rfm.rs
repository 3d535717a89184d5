//! RFM on the public CDNOW sample reproduces its published summary.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use cible_core::project::DateOrder;
use cible_data::{Transaction, parse_date, rfm};

fn shared_data() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    assert!(
        dir.join("cdnow_sample_transactions.csv").exists(),
        "the reference data sets are missing: expected them in {}",
        dir.display()
    );
    dir
}

#[test]
fn cdnow_sample_summary_is_reproduced() {
    let dir = shared_data();
    let mut reader = csv::Reader::from_path(dir.join("cdnow_sample_transactions.csv")).unwrap();
    let transactions: Vec<Transaction> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            Transaction {
                customer: r[1].to_string(),
                date: parse_date(&r[2], DateOrder::Dmy, None).unwrap(),
                amount: r[4].parse().unwrap(),
            }
        })
        .collect();
    let as_of = NaiveDate::from_ymd_opt(1997, 9, 30).unwrap();
    let (rows, later) = rfm(&transactions, as_of);
    assert!(
        later > 0,
        "the sample runs to 1998: later purchases must be left out"
    );
    let by_id: HashMap<&str, _> = rows.iter().map(|r| (r.customer.as_str(), r)).collect();
    let mut reader = csv::Reader::from_path(dir.join("cdnow_sample_summary_weeks.csv")).unwrap();
    let mut checked = 0;
    for row in reader.records() {
        let row = row.unwrap();
        let ours = by_id[&row[1]];
        let frequency: f64 = row[2].parse().unwrap();
        assert_eq!(ours.frequency as f64, frequency, "customer {}", &row[1]);
        let recency: f64 = row[3].parse().unwrap();
        let t: f64 = row[4].parse().unwrap();
        assert!(
            (ours.recency_weeks - recency).abs() <= 0.01,
            "customer {}: recency",
            &row[1]
        );
        assert!((ours.t_weeks - t).abs() <= 0.01, "customer {}: T", &row[1]);
        checked += 1;
    }
    assert_eq!(checked, 2357);
    assert_eq!(rows.len(), 2357);
}
