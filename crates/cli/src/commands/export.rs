//! `cible export`: the members of a segment (a rule segment or a cluster) of a run, as an
//! account list or a consent-aware contact list, in CSV, Parquet, JSON or a CRM import layout.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use cible_data::{TextTable, parse_bool};
use cible_store::write_atomic;
use clap::{Args, ValueEnum};
use parquet::arrow::ArrowWriter;
use serde::Serialize;

use super::FormatArg;
use crate::error::CliError;
use crate::output::{Output, count, shown, wrap};

/// Export the members of a segment: accounts, or their contacts who agreed to be e-mailed.
///
/// The segment is a rule segment of the project (`[[segments]]` in cible.toml) or a cluster
/// (`3` or `cluster 3`). Accounts are the rows of the run's account profile
/// (profiles/accounts.parquet) joined with the account table's attributes (name, country,
/// ...). Contacts are the contacts of the member accounts (through the deduplication's
/// entities when it ran); only contacts with `email_opt_in = true` are exported, the others
/// are counted as `excluded_without_consent`.
///
/// The file layout is --as (see below); hubspot and salesforce are contact layouts: they imply
/// --of contacts.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cible export --segment interested_prospects --out prospects.csv
  cible export --segment 'cluster 3' --columns account_id,name,segment,recency_days --out c3.csv
  cible export --segment finance_deciders_idf --of contacts --as hubspot --out hubspot.csv
  cible export --segment 2 --run 20261123-120229-001 --as parquet --out c2.parquet")]
pub struct ExportArgs {
    /// The segment: a rule segment's name, or a cluster (`3` or `cluster 3`).
    #[arg(long)]
    segment: String,
    /// The project folder, holding cible.toml.
    #[arg(long, default_value = ".")]
    project: PathBuf,
    /// The run: its id, `latest` or `previous` (the run before the latest).
    #[arg(long, default_value = "latest")]
    run: String,
    /// What to export: the accounts, or their consenting contacts.
    #[arg(long, value_enum, default_value_t = Of::Accounts)]
    of: Of,
    /// The file layout (not --format, which is how the summary prints).
    #[arg(long = "as", value_enum, default_value_t = Layout::Csv)]
    layout: Layout,
    /// Columns, comma-separated, for csv, parquet and json [default: account_id, name,
    /// country, sector_label, segment for accounts; contact_id, account_id, first_name,
    /// last_name, email, phone, job_title, company_name for contacts; those that exist].
    #[arg(long, value_delimiter = ',')]
    columns: Vec<String>,
    /// The file to write (replaced atomically).
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    format: FormatArg,
}

/// What an export lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Of {
    /// One row per member account.
    Accounts,
    /// One row per consenting contact of a member account.
    Contacts,
}

/// The layout of the exported file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// CSV, the chosen columns, with a header.
    Csv,
    /// Parquet, the chosen columns, every one as text.
    Parquet,
    /// A JSON array of objects, one per row, missing values null.
    Json,
    /// HubSpot contacts import (CSV): Email, First Name, Last Name, Phone Number, Job Title,
    /// Company Name.
    Hubspot,
    /// Salesforce lead import (CSV): Email, FirstName, LastName, Phone, Title, Company.
    Salesforce,
}

const ACCOUNT_DEFAULTS: &[&str] = &["account_id", "name", "country", "sector_label", "segment"];
const CONTACT_DEFAULTS: &[&str] = &[
    "contact_id",
    "account_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "company_name",
];
/// The contact columns behind the CRM layouts, in order.
const CRM_SOURCES: &[&str] = &[
    "email",
    "first_name",
    "last_name",
    "phone",
    "job_title",
    "company_name",
];
/// HubSpot's contact import headers, for [`CRM_SOURCES`].
pub const HUBSPOT_HEADER: &[&str] = &[
    "Email",
    "First Name",
    "Last Name",
    "Phone Number",
    "Job Title",
    "Company Name",
];
/// Salesforce's lead import headers (Data Import Wizard), for [`CRM_SOURCES`].
pub const SALESFORCE_HEADER: &[&str] = &[
    "Email",
    "FirstName",
    "LastName",
    "Phone",
    "Title",
    "Company",
];

#[derive(Debug, Serialize)]
struct Summary {
    run: String,
    segment: String,
    of: Of,
    layout: Layout,
    accounts: usize,
    rows: usize,
    excluded_without_consent: usize,
    columns: Vec<String>,
    out: PathBuf,
}

/// A table of text cells, row by row.
#[derive(Debug)]
struct Rows {
    columns: Vec<String>,
    rows: Vec<Vec<Option<String>>>,
}

/// Runs `cible export`.
pub fn run(args: &ExportArgs, quiet: bool, json: bool) -> Result<(), CliError> {
    let out = args.format.output(quiet, json);
    let of = match args.layout {
        Layout::Hubspot | Layout::Salesforce => Of::Contacts,
        _ => args.of,
    };
    let (workspace, run_id) = super::open_run(&args.project, &args.run)?;
    let run_dir = workspace.run_dir(&run_id);
    let rules: Vec<String> = workspace
        .read_record(&run_id)
        .map(|record| rule_segments(&record))
        .unwrap_or_default();
    let export = ExportSource::open(&run_dir, &run_id, rules)?.export(
        &args.segment,
        of,
        args.layout,
        &args.columns,
    )?;
    write_atomic(&args.out, &export.bytes).map_err(|e| {
        let why = match e {
            cible_store::StoreError::Io { source, .. } => source.to_string(),
            other => other.to_string(),
        };
        CliError::Usage(format!(
            "cannot write the export to {}: {why}",
            shown(&args.out)
        ))
    })?;
    let summary = Summary {
        run: run_id,
        segment: args.segment.clone(),
        of,
        layout: args.layout,
        accounts: export.accounts,
        rows: export.rows,
        excluded_without_consent: export.excluded_without_consent,
        columns: export.columns,
        out: args.out.clone(),
    };
    print_summary(&out, &summary);
    out.json(&summary);
    Ok(())
}

/// A segment's list, ready to write.
#[derive(Debug)]
pub struct Export {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Member accounts.
    pub accounts: usize,
    /// Rows written (accounts, or consenting contacts).
    pub rows: usize,
    /// Contacts left out for want of e-mail consent.
    pub excluded_without_consent: usize,
    /// The file's columns.
    pub columns: Vec<String>,
}

/// The rule segments a run record's `rules` stage defines (with or without members).
pub fn rule_segments(record: &cible_store::RunRecord) -> Vec<String> {
    record
        .stage("rules")
        .and_then(|stage| stage["segments"].as_array())
        .into_iter()
        .flatten()
        .filter_map(|s| s["name"].as_str().map(str::to_string))
        .collect()
}

/// A run's segments and accounts, read once for any number of lists.
pub struct ExportSource<'a> {
    run_dir: &'a Path,
    run_id: &'a str,
    rules: Vec<String>,
    accounts: AccountTable,
}

impl<'a> ExportSource<'a> {
    /// The run `run_id` in `run_dir`, whose rule segments are `rules`.
    pub fn open(run_dir: &'a Path, run_id: &'a str, rules: Vec<String>) -> Result<Self, CliError> {
        Ok(Self {
            run_dir,
            run_id,
            rules,
            accounts: AccountTable::read(run_dir)?,
        })
    }

    /// The members of `segment` as `of` rows in `layout`, with `columns` (or the defaults)
    /// for csv, parquet and json.
    pub fn export(
        &self,
        segment: &str,
        of: Of,
        layout: Layout,
        columns: &[String],
    ) -> Result<Export, CliError> {
        let (run_dir, accounts) = (self.run_dir, &self.accounts);
        let members = members(self.run_id, &self.rules, run_dir, segment)?;
        let (table, excluded) = match of {
            Of::Accounts => (accounts.members(run_dir, &members)?, 0),
            Of::Contacts => contacts(run_dir, &members, accounts)?,
        };
        list(table, excluded, members.len(), of, layout, columns)
    }
}

/// `table` (the rows of `accounts` member accounts) in `layout`.
fn list(
    table: Rows,
    excluded: usize,
    accounts: usize,
    of: Of,
    layout: Layout,
    columns: &[String],
) -> Result<Export, CliError> {
    let table = match layout {
        Layout::Hubspot => crm(&table, HUBSPOT_HEADER)?,
        Layout::Salesforce => crm(&table, SALESFORCE_HEADER)?,
        _ => {
            let defaults = match of {
                Of::Accounts => ACCOUNT_DEFAULTS,
                Of::Contacts => CONTACT_DEFAULTS,
            };
            select(&table, columns, defaults)?
        }
    };
    let bytes = match layout {
        Layout::Parquet => parquet_bytes(&table)?,
        Layout::Json => json_bytes(&table),
        _ => csv_bytes(&table),
    };
    Ok(Export {
        bytes,
        accounts,
        rows: table.rows.len(),
        excluded_without_consent: excluded,
        columns: table.columns,
    })
}

fn print_summary(out: &Output, s: &Summary) {
    let what = match s.of {
        Of::Accounts => "accounts",
        Of::Contacts => "contacts",
    };
    out.line(format!(
        "segment {} of run {}: {} accounts",
        s.segment,
        s.run,
        count(s.accounts as u64)
    ));
    out.line(format!(
        "{} {what} written to {}",
        count(s.rows as u64),
        shown(&s.out)
    ));
    if s.of == Of::Contacts {
        out.line(format!(
            "{} contacts excluded without e-mail consent (email_opt_in not true)",
            count(s.excluded_without_consent as u64)
        ));
    }
}

/// Reads a CSV or Parquet file of the run whole (an empty file is an empty table).
fn read(path: &Path) -> Result<TextTable, CliError> {
    let (table, rejects) =
        cible_data::read_table(path, None, None, cible_core::project::Encoding::Auto)?;
    if let Some(r) = rejects.first() {
        return Err(CliError::Usage(format!(
            "{r} ({} unreadable rows in all)",
            rejects.len()
        )));
    }
    Ok(table)
}

fn column<'a>(
    table: &'a TextTable,
    path: &Path,
    name: &str,
) -> Result<&'a [Option<String>], CliError> {
    Ok(&table.values[table.column_index(path, name)?])
}

/// The member accounts (entity ids) of `segment` in the run.
/// The members of `segment`; `rules` are the run's rule segments (those without members
/// appear only in the run record).
fn members(
    run_id: &str,
    rules: &[String],
    run_dir: &Path,
    segment: &str,
) -> Result<BTreeSet<String>, CliError> {
    let memberships = run_dir.join("rules/memberships.csv");
    let mut rules: Vec<String> = rules.to_vec();
    let mut found = BTreeSet::new();
    if memberships.is_file() {
        let table = read(&memberships)?;
        let names = column(&table, &memberships, "segment")?;
        let ids = column(&table, &memberships, "account_id")?;
        for (name, id) in names.iter().zip(ids) {
            let (Some(name), Some(id)) = (name, id) else {
                continue;
            };
            if !rules.contains(name) {
                rules.push(name.clone());
            }
            if name == segment {
                found.insert(id.clone());
            }
        }
    }
    if rules.iter().any(|r| r == segment) {
        return Ok(found);
    }
    let labels_path = run_dir.join("segments/accounts.csv");
    let mut clusters = BTreeSet::new();
    let mut cluster_members = BTreeSet::new();
    let wanted = segment
        .strip_prefix("cluster")
        .unwrap_or(segment)
        .trim()
        .parse::<i64>()
        .ok();
    if labels_path.is_file() {
        let table = read(&labels_path)?;
        let ids = column(&table, &labels_path, "account_id")?;
        let labels = column(&table, &labels_path, "segment")?;
        for (id, label) in ids.iter().zip(labels) {
            let (Some(id), Some(label)) = (id, label) else {
                continue;
            };
            let Ok(label) = label.parse::<i64>() else {
                continue;
            };
            clusters.insert(label);
            if Some(label) == wanted {
                cluster_members.insert(id.clone());
            }
        }
    }
    if let Some(w) = wanted
        && clusters.contains(&w)
    {
        return Ok(cluster_members);
    }
    let mut available: Vec<String> = rules;
    available.extend(clusters.iter().map(|c| format!("cluster {c}")));
    if available.is_empty() {
        return Err(CliError::Usage(format!(
            "no segment \"{segment}\": run {run_id} has no rule segments and no clusters"
        )));
    }
    Err(CliError::Usage(format!(
        "no segment \"{segment}\" in run {run_id}; available segments: {}",
        wrap(&available, 400).join(" ")
    )))
}

/// The run's account profile and account attributes, by entity id.
struct AccountTable {
    /// Source account id → entity id (identity without deduplication).
    entity_of: HashMap<String, String>,
    /// Account-table columns (other than account_id) and, per entity, the first source row.
    attribute_columns: Vec<String>,
    attributes: HashMap<String, Vec<Option<String>>>,
}

impl AccountTable {
    fn read(run_dir: &Path) -> Result<Self, CliError> {
        let mut entity_of = HashMap::new();
        let entities = run_dir.join("entities/accounts.csv");
        if entities.is_file() {
            let table = read(&entities)?;
            let ids = column(&table, &entities, "id")?;
            let to = column(&table, &entities, "entity_id")?;
            for (id, e) in ids.iter().zip(to) {
                if let (Some(id), Some(e)) = (id, e) {
                    entity_of.insert(id.clone(), e.clone());
                }
            }
        }
        let mut attribute_columns = Vec::new();
        let mut attributes = HashMap::new();
        let path = run_dir.join("tables/accounts.parquet");
        if path.is_file() {
            let table = read(&path)?;
            let id = table.column_index(&path, "account_id")?;
            let others: Vec<usize> = (0..table.columns.len()).filter(|&c| c != id).collect();
            attribute_columns = others.iter().map(|&c| table.columns[c].clone()).collect();
            for r in 0..table.len() {
                let Some(source) = &table.values[id][r] else {
                    continue;
                };
                let entity = entity_of.get(source).unwrap_or(source).clone();
                attributes.entry(entity).or_insert_with(|| {
                    others.iter().map(|&c| table.values[c][r].clone()).collect()
                });
            }
        }
        Ok(Self {
            entity_of,
            attribute_columns,
            attributes,
        })
    }

    fn entity<'a>(&'a self, source: &'a String) -> &'a String {
        self.entity_of.get(source).unwrap_or(source)
    }

    fn name(&self, entity: &str) -> Option<String> {
        let c = self.attribute_columns.iter().position(|c| c == "name")?;
        self.attributes.get(entity)?[c].clone()
    }

    /// The profile rows of `members`, with the account attributes the profile lacks.
    fn members(&self, run_dir: &Path, members: &BTreeSet<String>) -> Result<Rows, CliError> {
        let path = run_dir.join("profiles/accounts.parquet");
        if !path.is_file() {
            return Err(CliError::Usage(format!(
                "{}: the run has no account profile (segmentation disabled?)",
                shown(&path)
            )));
        }
        let profile = read(&path)?;
        let id = profile.column_index(&path, "account_id")?;
        let extra: Vec<usize> = (0..self.attribute_columns.len())
            .filter(|&c| !profile.columns.contains(&self.attribute_columns[c]))
            .collect();
        let mut columns = profile.columns.clone();
        columns.extend(extra.iter().map(|&c| self.attribute_columns[c].clone()));
        let mut rows = Vec::new();
        for r in 0..profile.len() {
            let Some(account) = &profile.values[id][r] else {
                continue;
            };
            if !members.contains(account) {
                continue;
            }
            let mut row: Vec<Option<String>> =
                profile.values.iter().map(|v| v[r].clone()).collect();
            let attributes = self.attributes.get(account);
            row.extend(extra.iter().map(|&c| attributes.and_then(|a| a[c].clone())));
            rows.push(row);
        }
        Ok(Rows { columns, rows })
    }
}

/// The consenting contacts of the member accounts, and how many were left out for lack of
/// consent. `account_id` is the entity; `company_name` the account's name.
fn contacts(
    run_dir: &Path,
    members: &BTreeSet<String>,
    accounts: &AccountTable,
) -> Result<(Rows, usize), CliError> {
    let path = run_dir.join("tables/contacts.parquet");
    if !path.is_file() {
        return Err(CliError::Usage(format!(
            "{}: the run has no contact table",
            shown(&path)
        )));
    }
    let table = read(&path)?;
    let account = table.column_index(&path, "account_id")?;
    let opt_in = table.column_index(&path, "email_opt_in")?;
    // Duplicate contacts (same entity) are exported once.
    let mut contact_entity: HashMap<String, String> = HashMap::new();
    let entities = run_dir.join("entities/contacts.csv");
    if entities.is_file() {
        let t = read(&entities)?;
        let ids = column(&t, &entities, "id")?;
        let to = column(&t, &entities, "entity_id")?;
        for (id, e) in ids.iter().zip(to) {
            if let (Some(id), Some(e)) = (id, e) {
                contact_entity.insert(id.clone(), e.clone());
            }
        }
    }
    let contact_id = table.columns.iter().position(|c| c == "contact_id");
    let mut seen: HashSet<String> = HashSet::new();
    let mut columns = table.columns.clone();
    columns.push("company_name".into());
    let mut rows = Vec::new();
    let mut excluded = 0;
    for r in 0..table.len() {
        let Some(source) = &table.values[account][r] else {
            continue;
        };
        let entity = accounts.entity(source);
        if !members.contains(entity) {
            continue;
        }
        if let Some(c) = contact_id
            && let Some(id) = &table.values[c][r]
        {
            let key = contact_entity.get(id).unwrap_or(id).clone();
            if !seen.insert(key) {
                continue;
            }
        }
        let consent = table.values[opt_in][r].as_deref().and_then(parse_bool);
        if consent != Some(true) {
            excluded += 1;
            continue;
        }
        let mut row: Vec<Option<String>> = table.values.iter().map(|v| v[r].clone()).collect();
        row[account] = Some(entity.clone());
        row.push(accounts.name(entity));
        rows.push(row);
    }
    Ok((Rows { columns, rows }, excluded))
}

/// `table`'s columns `wanted` (or the defaults that exist), or an error listing the columns
/// there are.
fn select(table: &Rows, wanted: &[String], defaults: &[&str]) -> Result<Rows, CliError> {
    let names: Vec<String> = if wanted.is_empty() {
        defaults
            .iter()
            .filter(|d| table.columns.iter().any(|c| c == *d))
            .map(|d| d.to_string())
            .collect()
    } else {
        wanted.iter().map(|w| w.trim().to_string()).collect()
    };
    let mut positions = Vec::new();
    for name in &names {
        let Some(p) = table.columns.iter().position(|c| c == name) else {
            return Err(CliError::Usage(format!(
                "no column \"{name}\" to export; available columns: {}",
                table.columns.join(", ")
            )));
        };
        positions.push(p);
    }
    Ok(Rows {
        columns: names,
        rows: table
            .rows
            .iter()
            .map(|row| positions.iter().map(|&p| row[p].clone()).collect())
            .collect(),
    })
}

/// The contacts in a CRM import layout: [`CRM_SOURCES`] under `header`.
fn crm(table: &Rows, header: &[&str]) -> Result<Rows, CliError> {
    let sources: Vec<String> = CRM_SOURCES.iter().map(|s| s.to_string()).collect();
    let mut rows = select(table, &sources, &[])?;
    rows.columns = header.iter().map(|h| h.to_string()).collect();
    Ok(rows)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv_bytes(table: &Rows) -> Vec<u8> {
    let mut text = table
        .columns
        .iter()
        .map(|c| csv_field(c))
        .collect::<Vec<_>>()
        .join(",");
    text.push('\n');
    for row in &table.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| c.as_deref().map(csv_field).unwrap_or_default())
            .collect();
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    text.into_bytes()
}

fn json_bytes(table: &Rows) -> Vec<u8> {
    let rows: Vec<serde_json::Map<String, serde_json::Value>> = table
        .rows
        .iter()
        .map(|row| {
            table
                .columns
                .iter()
                .zip(row)
                .map(|(c, v)| {
                    let value = v.as_ref().map_or(serde_json::Value::Null, |s| {
                        serde_json::Value::String(s.clone())
                    });
                    (c.clone(), value)
                })
                .collect()
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&rows)
        .unwrap_or_else(|e| unreachable!("text values always serialize: {e}"));
    text.push('\n');
    text.into_bytes()
}

fn parquet_bytes(table: &Rows) -> Result<Vec<u8>, CliError> {
    let fields: Vec<Field> = table
        .columns
        .iter()
        .map(|c| Field::new(c, DataType::Utf8, true))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let arrays: Vec<ArrayRef> = (0..table.columns.len())
        .map(|c| {
            Arc::new(StringArray::from_iter(
                table.rows.iter().map(|row| row[c].as_deref()),
            )) as ArrayRef
        })
        .collect();
    let error = |e: String| CliError::Usage(format!("cannot encode the export as Parquet: {e}"));
    let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| error(e.to_string()))?;
    let mut writer =
        ArrowWriter::try_new(Vec::new(), schema, None).map_err(|e| error(e.to_string()))?;
    writer.write(&batch).map_err(|e| error(e.to_string()))?;
    writer.into_inner().map_err(|e| error(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Rows {
        Rows {
            columns: vec!["email".into(), "first_name".into(), "last_name".into()],
            rows: vec![vec![Some("a@b.fr".into()), Some("Zoé, \"Z\"".into()), None]],
        }
    }

    #[test]
    fn columns_are_chosen_and_unknown_ones_listed() {
        let t = select(&rows(), &["last_name".into(), "email".into()], &[]).unwrap();
        assert_eq!(t.columns, ["last_name", "email"]);
        assert_eq!(t.rows[0], [None, Some("a@b.fr".to_string())]);
        let e = select(&rows(), &["phone".into()], &[])
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "no column \"phone\" to export; available columns: email, first_name, last_name"
        );
        let d = select(&rows(), &[], &["account_id", "email"]).unwrap();
        assert_eq!(d.columns, ["email"]);
    }

    #[test]
    fn csv_quotes_and_json_keeps_missing_values() {
        let csv = String::from_utf8(csv_bytes(&rows())).unwrap();
        assert_eq!(
            csv,
            "email,first_name,last_name\na@b.fr,\"Zoé, \"\"Z\"\"\",\n"
        );
        let json: serde_json::Value = serde_json::from_slice(&json_bytes(&rows())).unwrap();
        assert_eq!(json[0]["last_name"], serde_json::Value::Null);
        assert!(!parquet_bytes(&rows()).unwrap().is_empty());
    }
}
