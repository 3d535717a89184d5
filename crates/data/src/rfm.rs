//! Recency, frequency and monetary value per customer from any transactions table, as of a
//! reference date: the features every segmentation starts from, and the summary that
//! buy-till-you-die models (BG/NBD, Pareto/NBD) take as input.
//!
//! Transactions after the reference date are left out, so that a past date reproduces what was
//! known then. `frequency` counts repeat purchase days (distinct days after the first), and
//! `recency_weeks` and `t_weeks` are the weeks from the first purchase to the last and to the
//! reference date, as the `lifetimes` package defines them.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

/// One transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct Transaction {
    /// Who bought.
    pub customer: String,
    /// When.
    pub date: NaiveDate,
    /// For how much.
    pub amount: f64,
}

/// The features of one customer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerRfm {
    /// The customer.
    pub customer: String,
    /// First purchase.
    pub first_purchase: NaiveDate,
    /// Last purchase on or before the reference date.
    pub last_purchase: NaiveDate,
    /// Days from the last purchase to the reference date.
    pub recency_days: i64,
    /// Days from the first purchase to the reference date.
    pub tenure_days: i64,
    /// Transactions.
    pub orders: u64,
    /// Distinct purchase days.
    pub purchase_days: u64,
    /// Repeat purchase days: distinct purchase days after the first.
    pub frequency: u64,
    /// Weeks from the first to the last purchase.
    pub recency_weeks: f64,
    /// Weeks from the first purchase to the reference date.
    pub t_weeks: f64,
    /// Total spent.
    pub monetary_total: f64,
    /// Mean spent per transaction.
    pub monetary_mean: f64,
    /// Transactions in the 365 days up to the reference date.
    pub orders_12m: u64,
    /// Spent in the 365 days up to the reference date.
    pub monetary_12m: f64,
    /// Recency quintile, 5 for the most recent buyers.
    pub r_score: u8,
    /// Frequency quintile (purchase days), 5 for the most frequent.
    pub f_score: u8,
    /// Monetary quintile (total spent), 5 for the biggest spenders.
    pub m_score: u8,
    /// The three scores side by side, e.g. `"545"`.
    pub rfm_cell: String,
    /// `new` (first purchase within 90 days), `active` (last within 90 days), `cooling`
    /// (within 180), `lapsing` (within 365) or `lapsed`.
    pub lifecycle: &'static str,
}

/// Computes the features of every customer with a transaction on or before `as_of`, sorted by
/// customer. Returns them and the number of transactions left out because they came later.
pub fn rfm(transactions: &[Transaction], as_of: NaiveDate) -> (Vec<CustomerRfm>, u64) {
    let mut by_customer: BTreeMap<&str, Vec<(NaiveDate, f64)>> = BTreeMap::new();
    let mut later = 0;
    for t in transactions {
        if t.date > as_of {
            later += 1;
            continue;
        }
        by_customer
            .entry(&t.customer)
            .or_default()
            .push((t.date, t.amount));
    }
    let year_ago = as_of - chrono::Duration::days(365);
    let mut rows: Vec<CustomerRfm> = by_customer
        .into_iter()
        .map(|(customer, mut purchases)| {
            purchases.sort_by_key(|p| p.0);
            let first = purchases[0].0;
            let last = purchases[purchases.len() - 1].0;
            let mut days: Vec<NaiveDate> = purchases.iter().map(|p| p.0).collect();
            days.dedup();
            let total: f64 = purchases.iter().map(|p| p.1).sum();
            let recent: Vec<&(NaiveDate, f64)> =
                purchases.iter().filter(|p| p.0 > year_ago).collect();
            let recency_days = (as_of - last).num_days();
            let tenure_days = (as_of - first).num_days();
            let lifecycle = if tenure_days <= 90 {
                "new"
            } else if recency_days <= 90 {
                "active"
            } else if recency_days <= 180 {
                "cooling"
            } else if recency_days <= 365 {
                "lapsing"
            } else {
                "lapsed"
            };
            CustomerRfm {
                customer: customer.to_string(),
                first_purchase: first,
                last_purchase: last,
                recency_days,
                tenure_days,
                orders: purchases.len() as u64,
                purchase_days: days.len() as u64,
                frequency: days.len() as u64 - 1,
                recency_weeks: (last - first).num_days() as f64 / 7.0,
                t_weeks: tenure_days as f64 / 7.0,
                monetary_total: total,
                monetary_mean: total / purchases.len() as f64,
                orders_12m: recent.len() as u64,
                monetary_12m: recent.iter().map(|p| p.1).sum(),
                r_score: 0,
                f_score: 0,
                m_score: 0,
                rfm_cell: String::new(),
                lifecycle,
            }
        })
        .collect();
    let r = quintiles(&rows, |c| -(c.recency_days as f64));
    let f = quintiles(&rows, |c| c.purchase_days as f64);
    let m = quintiles(&rows, |c| c.monetary_total);
    for (i, row) in rows.iter_mut().enumerate() {
        row.r_score = r[i];
        row.f_score = f[i];
        row.m_score = m[i];
        row.rfm_cell = format!("{}{}{}", r[i], f[i], m[i]);
    }
    (rows, later)
}

/// Scores 1 to 5 by quintile of `key` (higher is better). Equal values get equal scores: the
/// score of a value is set by the rank of its first occurrence, so ties never split.
fn quintiles(rows: &[CustomerRfm], key: impl Fn(&CustomerRfm) -> f64) -> Vec<u8> {
    let n = rows.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| key(&rows[a]).total_cmp(&key(&rows[b])));
    let mut scores = vec![0u8; n];
    let mut start = 0;
    while start < n {
        let value = key(&rows[order[start]]);
        let mut end = start;
        while end < n && key(&rows[order[end]]) == value {
            end += 1;
        }
        let score = 1 + (5 * start / n) as u8;
        for &i in &order[start..end] {
            scores[i] = score;
        }
        start = end;
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn t(customer: &str, date: NaiveDate, amount: f64) -> Transaction {
        Transaction {
            customer: customer.into(),
            date,
            amount,
        }
    }

    #[test]
    fn features_of_one_customer_by_hand() {
        let as_of = d(2026, 11, 1);
        let (rows, later) = rfm(
            &[
                t("a", d(2025, 1, 10), 100.0),
                t("a", d(2025, 1, 10), 50.0),
                t("a", d(2026, 10, 4), 30.0),
                t("a", d(2026, 11, 2), 999.0),
            ],
            as_of,
        );
        assert_eq!(later, 1, "a purchase after as_of is left out");
        let a = &rows[0];
        assert_eq!((a.orders, a.purchase_days, a.frequency), (3, 2, 1));
        assert_eq!(a.recency_days, 28);
        assert_eq!(a.tenure_days, 660);
        assert_eq!(
            a.recency_weeks,
            (d(2026, 10, 4) - d(2025, 1, 10)).num_days() as f64 / 7.0
        );
        assert_eq!(a.monetary_total, 180.0);
        assert_eq!(a.monetary_mean, 60.0);
        assert_eq!((a.orders_12m, a.monetary_12m), (1, 30.0));
        assert_eq!(a.lifecycle, "active");
    }

    #[test]
    fn quintile_scores_rank_customers_and_keep_ties_together() {
        let as_of = d(2026, 1, 1);
        let tx: Vec<Transaction> = (0..10)
            .map(|i| t(&format!("c{i}"), d(2025, 1, 1 + i), 10.0 * (i as f64 + 1.0)))
            .chain([t("c9", d(2025, 6, 1), 5.0)])
            .collect();
        let (rows, _) = rfm(&tx, as_of);
        let score = |c: &str| rows.iter().find(|r| r.customer == c).unwrap().clone();
        assert_eq!(score("c9").r_score, 5, "the most recent buyer");
        assert_eq!(score("c0").r_score, 1);
        assert_eq!(score("c9").f_score, 5, "the only repeat buyer");
        assert_eq!(
            score("c0").f_score,
            score("c8").f_score,
            "ties share a score"
        );
        assert_eq!(score("c9").m_score, 5);
        assert_eq!(score("c9").rfm_cell, "555");
    }
}
