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
//!   `is_pricing`, `is_demo_page` and `intent_weight`;
//! - `contacts`: contacts with the entity id of their account, `person_id` (their own entity
//!   id), `role` and `seniority_level` (0–3) read from their job title;
//! - `people`: one row per account and person, for counting people rather than records.

use chrono::{Months, NaiveDate};

use crate::catalog::{Feature, ORDER_WINDOWS, Source};
use crate::roles::Role;

/// Days from 1970-01-01 to `date`.
pub(crate) fn epoch_days(date: NaiveDate) -> i64 {
    date.signed_duration_since(NaiveDate::default()).num_days()
}

fn months_before(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

/// The `orders` view.
pub(crate) fn orders_view(as_of: NaiveDate) -> String {
    let day = epoch_days(as_of);
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
         WHERE d <= {day}"
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

/// The `events` view.
pub(crate) fn events_view(as_of: NaiveDate) -> String {
    let end = end_of_day(as_of);
    format!(
        "CREATE VIEW events AS SELECT event_id, account_id, contact_id, occurred_at, channel, type, \
         properties, age_days, is_pricing, is_demo_page, \
         CASE WHEN type = 'demo_request' THEN 5.0 \
              WHEN type = 'page_view' AND (is_pricing OR is_demo_page) THEN 3.0 \
              WHEN type = 'download' THEN 2.0 ELSE 0.0 END AS intent_weight \
         FROM (SELECT e.event_id, coalesce(m.entity_id, c.account_id) AS account_id, e.contact_id, \
                      e.occurred_at, e.channel, e.type, e.properties, \
                      ({end} - CAST(to_unixtime(e.occurred_at) AS DOUBLE)) / 86400.0 AS age_days, \
                      coalesce(regexp_like(e.properties, '\"url\"\\s*:\\s*\"[^\"]*(tarif|pricing|price|prix)', 'i'), false) AS is_pricing, \
                      coalesce(regexp_like(e.properties, '\"url\"\\s*:\\s*\"[^\"]*/demo', 'i'), false) AS is_demo_page \
               FROM canonical_events e \
               LEFT JOIN account_entities m ON e.account_id = m.account_id \
               LEFT JOIN contacts c ON e.contact_id = c.contact_id \
               WHERE to_unixtime(e.occurred_at) < {end}) AS e \
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
    let aggregate = |table: &str, alias: &str, pick: &dyn Fn(&Source) -> bool| -> Option<String> {
        let columns: Vec<String> = of(pick)
            .into_iter()
            .map(|f| format!("{} AS {}", f.sql, quote(&f.name)))
            .collect();
        (!columns.is_empty()).then(|| {
            format!(
                "{alias} AS (SELECT account_id, {} FROM {table} GROUP BY account_id)",
                columns.join(", ")
            )
        })
    };
    let mut ctes: Vec<String> = Vec::new();
    let mut joins: Vec<String> = Vec::new();
    let mut base: Vec<String> = vec!["a.account_id".to_string()];
    let fill = |f: &Feature, alias: &str, fill: Option<&str>| match fill {
        Some(value) => format!("coalesce({alias}.{0}, {value}) AS {0}", quote(&f.name)),
        None => format!("{alias}.{0} AS {0}", quote(&f.name)),
    };
    for (table, alias) in [("orders", "o"), ("events", "e"), ("people", "c")] {
        let pick = |s: &Source| {
            matches!(
                (s, table),
                (Source::Orders { .. }, "orders")
                    | (Source::Events { .. }, "events")
                    | (Source::Contacts { .. }, "people")
            )
        };
        if let Some(cte) = aggregate(table, alias, &pick) {
            ctes.push(cte);
            joins.push(format!(
                "LEFT JOIN {alias} ON {alias}.account_id = a.account_id"
            ));
        }
    }
    let gaps: Vec<&Feature> = of(&|s| matches!(s, Source::Gaps));
    if !gaps.is_empty() {
        let columns: Vec<String> = gaps
            .iter()
            .map(|f| format!("{} AS {}", f.sql, quote(&f.name)))
            .collect();
        ctes.push(format!(
            "g AS (SELECT account_id, {} FROM (SELECT account_id, \
             d - lag(d) OVER (PARTITION BY account_id ORDER BY d) AS gap \
             FROM (SELECT DISTINCT account_id, CAST(ordered_at AS INT) AS d FROM orders)) \
             WHERE gap IS NOT NULL GROUP BY account_id HAVING count(*) >= 2)",
            columns.join(", ")
        ));
        joins.push("LEFT JOIN g ON g.account_id = a.account_id".to_string());
    }
    for (i, f) in features.iter().enumerate() {
        if let Source::Query = f.source {
            ctes.push(format!("q{i} AS ({})", f.sql));
            joins.push(format!("LEFT JOIN q{i} ON q{i}.account_id = a.account_id"));
        }
    }
    for (i, f) in features.iter().enumerate() {
        base.push(match &f.source {
            Source::Orders { fill: v } => fill(f, "o", *v),
            Source::Events { fill: v } => fill(f, "e", *v),
            Source::Contacts { fill: v } => fill(f, "c", *v),
            Source::Gaps => fill(f, "g", None),
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
