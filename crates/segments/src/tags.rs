//! Tags: rules over events that put a tag on an account or a contact, as of the reference
//! date.
//!
//! For every tag, the events matching `when` up to the end of the as_of day are grouped by
//! account (or by contact for `on = "contact"`). An account or contact has the tag when it
//! has such an event and
//!
//! - with `expires_after`, the latest one is recent enough: the tag lasts until that event's
//!   date plus the period, and is gone from that day on;
//! - with `remove_when`, no event matching it came after the latest adding one.
//!
//! An account has a contact tag when one of its contacts has it. The profile column of tag
//! `name` is `tag_<name>`: true or false for every account.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, NaiveDate};
use cible_core::rules::{TagConfig, TagTarget};
use cible_features::Session;
use cible_features::expr::plan;
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::Int64Type;
use serde::Serialize;

use crate::error::{Result, SegmentError};
use crate::explain::explain;

/// An account or contact with a tag.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tagged {
    /// The tag.
    pub tag: String,
    /// The account (the contact's account for contact tags).
    pub account_id: String,
    /// The contact, for contact tags.
    pub contact_id: Option<String>,
    /// The first event that added the tag.
    pub first_event: DateTime<chrono::Utc>,
    /// The latest event that added the tag.
    pub last_event: DateTime<chrono::Utc>,
    /// How many events added it.
    pub events: u64,
    /// The day the tag is gone, with `expires_after`.
    pub expires_on: Option<NaiveDate>,
}

/// What one tag rule did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TagSummary {
    /// The tag.
    pub name: String,
    /// Account or contact.
    pub on: TagTarget,
    /// Accounts with the tag (through a contact for contact tags).
    pub accounts: usize,
    /// Contacts with the tag (contact tags).
    pub contacts: usize,
    /// Tagged once, but expired by as_of.
    pub expired: usize,
    /// Tagged once, but removed by a later `remove_when` event.
    pub removed: usize,
}

/// Every tag of a project as of a date.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Tags {
    /// Every account or contact holding a tag, by tag then id.
    pub rows: Vec<Tagged>,
    /// One summary per tag, in the project's order.
    pub summaries: Vec<TagSummary>,
}

/// One group of events matching a condition.
struct Group {
    account_id: String,
    contact_id: Option<String>,
    first: i64,
    last: i64,
    events: u64,
}

/// Computes `tags` from the `events` view of `session`, as of its date.
pub fn compute_tags(session: &Session, tags: &[TagConfig]) -> Result<Tags> {
    let schema = session.schema("events")?;
    let columns: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let as_of = session.as_of();
    let mut out = Tags::default();
    for tag in tags {
        let check = |key: &'static str, condition: &str| -> Result<()> {
            plan(session.context(), &schema, condition)
                .map(|_| ())
                .map_err(|message| SegmentError::Tag {
                    name: tag.name.clone(),
                    key,
                    explanation: explain(condition, &message, &columns),
                })
        };
        check("when", &tag.when)?;
        if let Some(remove) = &tag.remove_when {
            check("remove_when", remove)?;
        }
        let added = groups(session, &tag.when, tag.on)?;
        let removed: HashMap<(String, Option<String>), i64> = match &tag.remove_when {
            Some(remove) => groups(session, remove, tag.on)?
                .into_iter()
                .map(|g| ((g.account_id, g.contact_id), g.last))
                .collect(),
            None => HashMap::new(),
        };
        let mut summary = TagSummary {
            name: tag.name.clone(),
            on: tag.on,
            accounts: 0,
            contacts: 0,
            expired: 0,
            removed: 0,
        };
        let mut rows = Vec::new();
        for g in added {
            let key = (g.account_id, g.contact_id);
            if removed.get(&key).is_some_and(|&at| at > g.last) {
                summary.removed += 1;
                continue;
            }
            let last_event = timestamp(g.last);
            let expires_on = tag.expires_after.map(|p| p.after(last_event.date_naive()));
            if expires_on.is_some_and(|day| day <= as_of) {
                summary.expired += 1;
                continue;
            }
            rows.push(Tagged {
                tag: tag.name.clone(),
                account_id: key.0,
                contact_id: key.1,
                first_event: timestamp(g.first),
                last_event,
                events: g.events,
                expires_on,
            });
        }
        rows.sort_by(|a, b| (&a.account_id, &a.contact_id).cmp(&(&b.account_id, &b.contact_id)));
        summary.contacts = rows.iter().filter(|r| r.contact_id.is_some()).count();
        let accounts: HashSet<&str> = rows.iter().map(|r| r.account_id.as_str()).collect();
        summary.accounts = accounts.len();
        out.summaries.push(summary);
        out.rows.extend(rows);
    }
    Ok(out)
}

/// Seconds since 1970 as a UTC time (out-of-range values saturate at 1970).
fn timestamp(seconds: i64) -> DateTime<chrono::Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

/// The events matching `condition`, grouped by account, or by contact for contact tags.
fn groups(session: &Session, condition: &str, on: TagTarget) -> Result<Vec<Group>> {
    let (contact, filter, by) = match on {
        TagTarget::Account => ("CAST(NULL AS VARCHAR)", "", "account_id"),
        TagTarget::Contact => (
            "contact_id",
            " AND contact_id IS NOT NULL",
            "account_id, contact_id",
        ),
    };
    let query = format!(
        "SELECT account_id, {contact} AS contact_id, \
                CAST(to_unixtime(min(occurred_at)) AS BIGINT) AS first_at, \
                CAST(to_unixtime(max(occurred_at)) AS BIGINT) AS last_at, count(*) AS events \
         FROM events WHERE ({condition}){filter} AND occurred_at IS NOT NULL GROUP BY {by}"
    );
    let batches = session.query(&query)?;
    Ok(batches.iter().flat_map(read_groups).collect())
}

fn read_groups(batch: &RecordBatch) -> Vec<Group> {
    let accounts = batch.column(0).as_string::<i32>();
    let contacts = batch.column(1).as_string::<i32>();
    let first = batch.column(2).as_primitive::<Int64Type>();
    let last = batch.column(3).as_primitive::<Int64Type>();
    let events = batch.column(4).as_primitive::<Int64Type>();
    (0..batch.num_rows())
        .filter(|&i| accounts.is_valid(i))
        .map(|i| Group {
            account_id: accounts.value(i).to_string(),
            contact_id: contacts.is_valid(i).then(|| contacts.value(i).to_string()),
            first: first.value(i),
            last: last.value(i),
            events: events.value(i).max(0) as u64,
        })
        .collect()
}

impl Tags {
    /// The accounts holding `tag` (directly, or through a contact).
    pub fn accounts_with(&self, tag: &str) -> HashSet<&str> {
        self.rows
            .iter()
            .filter(|r| r.tag == tag)
            .map(|r| r.account_id.as_str())
            .collect()
    }

    /// Writes `tag,account_id,contact_id,first_event,last_event,events,expires_on`, one row
    /// per account or contact holding a tag, to `path`.
    pub fn write_csv(&self, path: &Path) -> Result<()> {
        let error = |e: csv::Error| SegmentError::Write {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let mut w = csv::Writer::from_path(path).map_err(error)?;
        w.write_record([
            "tag",
            "account_id",
            "contact_id",
            "first_event",
            "last_event",
            "events",
            "expires_on",
        ])
        .map_err(error)?;
        for r in &self.rows {
            w.write_record([
                r.tag.as_str(),
                &r.account_id,
                r.contact_id.as_deref().unwrap_or(""),
                &r.first_event.to_rfc3339(),
                &r.last_event.to_rfc3339(),
                &r.events.to_string(),
                &r.expires_on.map(|d| d.to_string()).unwrap_or_default(),
            ])
            .map_err(error)?;
        }
        w.flush().map_err(|e| SegmentError::Write {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }
}
