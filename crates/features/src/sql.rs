//! The SQL of the feature stage: views of the canonical tables as of the reference date, then
//! one query that computes every feature per account.
//!
//! Views every feature (built-in or the user's) is written against:
//!
//! - `accounts`: one row per account (per entity after deduplication), canonical columns, plus
//!   `account_age_days`;
//! - `orders`: orders up to and including as_of, `account_id` replaced by the entity id, plus
//!   `age_days` (whole days from the order to as_of) and the window flags `in_3m`, `in_12m`,
//!   `in_36m` (ordered after as_of minus that many months) and `in_prev_12m` (13 to 24 months
//!   before);
//! - `events`: events before the end of the as_of day, attached to an account directly or
//!   through their contact, plus `age_days` (fractional days to the end of as_of),
//!   `is_pricing` and `is_demo_page` (page views whose URL names pricing or a demo) and
//!   `intent_weight`;
//! - `contacts`: contacts with the entity id of their account, `person_id` (their own entity
//!   id), `role` and `seniority_level` (0–3) read from their job title;
//! - `people`: one row per account and person, for counting people rather than records.
//! - `event_counts`: events counted per account, type and age bucket;
//! - `order_days`, `purchase_gaps`, `products_36m`, `categories_36m`: see [`order_views`].

use chrono::{Months, NaiveDate};

use crate::catalog::{EVENT_BUCKETS, Feature, INTENT_HALF_LIFE_DAYS, ORDER_WINDOWS, Source};
use crate::roles::Role;

/// Days from 1970-01-01 to `date`.
pub(crate) fn epoch_days(date: NaiveDate) -> i64 {
    date.signed_duration_since(NaiveDate::default()).num_days()
}

fn months_before(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

/// The `orders` view: orders up to `as_of` and, with `since`, after that day.
pub(crate) fn orders_view(as_of: NaiveDate, since: Option<NaiveDate>) -> String {
    let day = epoch_days(as_of);
    let after = since.map_or(String::new(), |d| format!(" AND d > {}", epoch_days(d)));
    let windows: String = ORDER_WINDOWS
        .iter()
        .map(|(suffix, months)| {
            let since = epoch_days(months_before(as_of, *months));
            format!(", d > {since} AS in_{suffix}")
        })
        .collect();
    let (prev_from, prev_to) = (
        epoch_days(months_before(as_of, 24)),
        epoch_days(months_before(as_of, 12)),
    );
    format!(
        "CREATE VIEW orders AS SELECT order_id, account_id, ordered_at, amount, currency, product, \
         category, quantity, channel, {day} - d AS age_days{windows}, \
         d > {prev_from} AND d <= {prev_to} AS in_prev_12m \
         FROM (SELECT o.order_id, m.entity_id AS account_id, o.ordered_at, o.amount, o.currency, \
                      o.product, o.category, o.quantity, o.channel, CAST(o.ordered_at AS INT) AS d \
               FROM canonical_orders o JOIN account_entities m ON o.account_id = m.account_id) \
         WHERE d <= {day}{after}"
    )
}

/// Seconds from 1970-01-01 to the end of the `as_of` day (UTC): events before it count.
fn end_of_day(as_of: NaiveDate) -> i64 {
    (epoch_days(as_of) + 1) * 86_400
}

/// Orders left out of the features: `(after as_of, of an unknown account up to as_of)`.
pub(crate) fn orders_left_out(as_of: NaiveDate) -> String {
    let day = epoch_days(as_of);
    format!(
        "SELECT count(*) FILTER (WHERE CAST(o.ordered_at AS INT) > {day}), \
                count(*) FILTER (WHERE CAST(o.ordered_at AS INT) <= {day} AND m.entity_id IS NULL) \
         FROM canonical_orders o LEFT JOIN account_entities m ON o.account_id = m.account_id"
    )
}

/// Events left out of the features: `(after as_of, attached to no known account up to as_of)`.
pub(crate) fn events_left_out(as_of: NaiveDate) -> String {
    let end = end_of_day(as_of);
    format!(
        "SELECT count(*) FILTER (WHERE to_unixtime(e.occurred_at) >= {end}), \
                count(*) FILTER (WHERE to_unixtime(e.occurred_at) < {end} \
                                 AND coalesce(m.entity_id, c.account_id) IS NULL) \
         FROM canonical_events e \
         LEFT JOIN account_entities m ON e.account_id = m.account_id \
         LEFT JOIN contacts c ON e.contact_id = c.contact_id"
    )
}

/// The `events` view: events up to the end of the `as_of` day and, with `since`, after the
/// end of that day.
pub(crate) fn events_view(as_of: NaiveDate, since: Option<NaiveDate>) -> String {
    let end = end_of_day(as_of);
    let after = since.map_or(String::new(), |d| {
        format!(" AND to_unixtime(e.occurred_at) >= {}", end_of_day(d))
    });
    format!(
        "CREATE VIEW events AS SELECT event_id, account_id, contact_id, occurred_at, channel, type, \
         properties, age_days, is_pricing, is_demo_page, \
         CASE WHEN type = 'demo_request' THEN 5.0 \
              WHEN type = 'page_view' AND (is_pricing OR is_demo_page) THEN 3.0 \
              WHEN type = 'download' THEN 2.0 ELSE 0.0 END AS intent_weight \
         FROM (SELECT e.event_id, coalesce(m.entity_id, c.account_id) AS account_id, e.contact_id, \
                      e.occurred_at, e.channel, e.type, e.properties, \
                      ({end} - CAST(to_unixtime(e.occurred_at) AS DOUBLE)) / 86400.0 AS age_days, \
                      e.type = 'page_view' AND coalesce(regexp_like(e.properties, '\"url\"\\s*:\\s*\"[^\"]*(tarif|pricing|price|prix)', 'i'), false) AS is_pricing, \
                      e.type = 'page_view' AND coalesce(regexp_like(e.properties, '\"url\"\\s*:\\s*\"[^\"]*/demo', 'i'), false) AS is_demo_page \
               FROM canonical_events e \
               LEFT JOIN account_entities m ON e.account_id = m.account_id \
               LEFT JOIN contacts c ON e.contact_id = c.contact_id \
               WHERE to_unixtime(e.occurred_at) < {end}{after}) AS e \
         WHERE account_id IS NOT NULL"
    )
}

/// The `contacts` view.
pub(crate) fn contacts_view() -> String {
    "CREATE VIEW contacts AS SELECT c.contact_id, m.entity_id AS account_id, \
     coalesce(p.entity_id, c.contact_id) AS person_id, c.first_name, c.last_name, c.email, \
     c.phone, c.job_title, c.department, c.seniority, c.email_opt_in, c.consent_date, \
     c.consent_source, \
     coalesce(job_role(c.job_title), job_role(c.department)) AS role, \
     job_seniority(concat_ws(' ', c.job_title, c.seniority)) AS seniority_level \
     FROM canonical_contacts c \
     LEFT JOIN account_entities m ON c.account_id = m.account_id \
     LEFT JOIN contact_entities p ON c.contact_id = p.contact_id"
        .to_string()
}

/// The `event_counts` view: events counted per account, type, pricing page or not, intent
/// signal or not and age bucket `w` (the smallest of [`EVENT_BUCKETS`] above the age, or
/// "older"), with the smallest age and the decayed intent weight of each group. Built-in
/// event features read these few rows instead of every event.
pub(crate) fn event_counts_view() -> String {
    let arms: String = EVENT_BUCKETS
        .iter()
        .map(|days| format!(" WHEN age_days < {days} THEN {days}"))
        .collect();
    format!(
        "CREATE VIEW event_counts AS SELECT account_id, type, is_pricing, \
         intent_weight > 0 AS is_intent, CASE{arms} ELSE 36500 END AS w, count(*) AS n, \
         min(age_days) AS min_age, \
         sum(intent_weight * power(0.5, age_days / {INTENT_HALF_LIFE_DAYS:.1})) AS decayed \
         FROM events GROUP BY 1, 2, 3, 4, 5"
    )
}

/// Views over `orders` for what needs one row per something else than an order:
/// `order_days` (one row per account and purchase day, with the window flags),
/// `purchase_gaps` (days between consecutive purchase days), `products_36m` and
/// `categories_36m` (the distinct products and categories ordered in 36 months).
pub(crate) fn order_views() -> [String; 4] {
    let flags: String = ORDER_WINDOWS
        .iter()
        .map(|(suffix, _)| format!(", in_{suffix}"))
        .collect();
    let distinct = |name: &str, column: &str| {
        format!(
            "CREATE VIEW {name} AS SELECT DISTINCT account_id, {column} FROM orders \
             WHERE in_36m AND {column} IS NOT NULL"
        )
    };
    [
        format!(
            "CREATE VIEW order_days AS SELECT DISTINCT account_id, ordered_at{flags} FROM orders"
        ),
        "CREATE VIEW purchase_gaps AS SELECT account_id, gap FROM \
         (SELECT account_id, d - lag(d) OVER (PARTITION BY account_id ORDER BY d) AS gap \
          FROM (SELECT account_id, CAST(ordered_at AS INT) AS d FROM order_days)) \
         WHERE gap IS NOT NULL"
            .to_string(),
        distinct("products_36m", "product"),
        distinct("categories_36m", "category"),
    ]
}

/// The `people` view: one row per account and person (contact entity), whatever the number
/// of records merged into it: `opted_in`, `is_<role>` for every role, `seniority_level`.
pub(crate) fn people_view() -> String {
    let roles: String = Role::ALL
        .iter()
        .map(|r| format!(", bool_or(role = '{0}') AS is_{0}", r.name()))
        .collect();
    format!(
        "CREATE VIEW people AS SELECT account_id, person_id, \
         coalesce(bool_or(email_opt_in), false) AS opted_in{roles}, \
         max(seniority_level) AS seniority_level \
         FROM contacts WHERE account_id IS NOT NULL GROUP BY account_id, person_id"
    )
}

/// The `accounts` view.
pub(crate) fn accounts_view(as_of: NaiveDate) -> String {
    let day = epoch_days(as_of);
    format!(
        "CREATE VIEW accounts AS SELECT *, {day} - CAST(created_at AS INT) AS account_age_days \
         FROM canonical_accounts"
    )
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The query computing `features` (in this order) per account, one row per account of the
/// `accounts` view, sorted by account id.
pub(crate) fn features_query(features: &[Feature]) -> String {
    let of = |pick: &dyn Fn(&Source) -> bool| -> Vec<&Feature> {
        features.iter().filter(|f| pick(&f.source)).collect()
    };
    let mut ctes: Vec<String> = Vec::new();
    let mut joins: Vec<String> = Vec::new();
    let mut base: Vec<String> = vec!["a.account_id".to_string()];
    let fill = |f: &Feature, alias: &str, fill: Option<&str>| match fill {
        Some(value) => format!("coalesce({alias}.{0}, {value}) AS {0}", quote(&f.name)),
        None => format!("{alias}.{0} AS {0}", quote(&f.name)),
    };
    // One aggregate query per view, in the order the views first appear.
    let mut views: Vec<&str> = Vec::new();
    for f in features {
        if let Source::Aggregate { over, .. } = f.source
            && !views.contains(&over)
        {
            views.push(over);
        }
    }
    for view in &views {
        let columns: Vec<String> =
            of(&|s| matches!(s, Source::Aggregate { over, .. } if over == view))
                .into_iter()
                .map(|f| format!("{} AS {}", f.sql, quote(&f.name)))
                .collect();
        ctes.push(format!(
            "agg_{view} AS (SELECT account_id, {} FROM {view} GROUP BY account_id)",
            columns.join(", ")
        ));
        joins.push(format!(
            "LEFT JOIN agg_{view} ON agg_{view}.account_id = a.account_id"
        ));
    }
    for (i, f) in features.iter().enumerate() {
        if let Source::Query = f.source {
            ctes.push(format!("q{i} AS ({})", f.sql));
            joins.push(format!("LEFT JOIN q{i} ON q{i}.account_id = a.account_id"));
        }
    }
    for (i, f) in features.iter().enumerate() {
        base.push(match &f.source {
            Source::Aggregate { over, fill: v } => fill(f, &format!("agg_{over}"), *v),
            Source::Query => fill(f, &format!("q{i}"), None),
            Source::Account => format!("{} AS {}", f.sql, quote(&f.name)),
            Source::Derived { .. } => continue,
        });
    }
    ctes.push(format!(
        "level0 AS (SELECT {} FROM accounts a {})",
        base.join(", "),
        joins.join(" ")
    ));
    let top = features
        .iter()
        .filter_map(|f| match f.source {
            Source::Derived { level } => Some(level),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    for level in 1..=top {
        let columns: Vec<String> =
            of(&|s| matches!(s, Source::Derived { level: l } if *l == level))
                .into_iter()
                .map(|f| format!("{} AS {}", f.sql, quote(&f.name)))
                .collect();
        let extra = if columns.is_empty() {
            String::new()
        } else {
            format!(", {}", columns.join(", "))
        };
        ctes.push(format!(
            "level{level} AS (SELECT *{extra} FROM level{})",
            level - 1
        ));
    }
    let names: Vec<String> = features.iter().map(|f| quote(&f.name)).collect();
    format!(
        "WITH {} SELECT account_id, {} FROM level{top} ORDER BY account_id",
        ctes.join(", "),
        names.join(", ")
    )
}
