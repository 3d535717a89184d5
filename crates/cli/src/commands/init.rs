//! `cible init`: write a commented project file to start from.

use std::path::PathBuf;

use cible_core::project::{PROJECT_FILE, Project};
use cible_store::write_atomic;
use clap::Args;

use super::FormatArg;
use crate::error::CliError;

/// Write a commented cible.toml in DIR (default: the current folder).
#[derive(Debug, Args)]
#[command(after_help = "Example:
  cible init acme && $EDITOR acme/cible.toml && cible run --project acme")]
pub struct InitArgs {
    /// The project folder (created if needed).
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Project name [default: the folder's name].
    #[arg(long)]
    name: Option<String>,
    /// Replace an existing cible.toml.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    format: FormatArg,
}

/// The commented project file `cible init` writes; `{name}` is replaced.
pub const TEMPLATE: &str = r#"# cible project file. Paths are relative to this folder.
# Reference: https://github.com/cible-dev/cible#the-project-file

[project]
name = "{name}"
# Reference date of features ("as of"): a run can be reproduced for any past date.
# Default: today.
# as_of = "2026-11-01"
# Folder where runs write their results. Default: "workspace".
# workspace = "workspace"

# One [sources.NAME] section per data source. `kind` is the canonical table it feeds:
# accounts, contacts, orders or events (`cible ingest --help` lists their columns).
# `path` is a file, a folder (every data file in it) or a glob.

# [sources.crm]
# kind = "accounts"
# path = "data/crm_accounts.csv"
# format = "csv"              # csv | parquet | ndjson; default: from the extension
# delimiter = ";"             # default: detected
# encoding = "auto"           # auto | utf-8 | latin-1
# decimal = ","               # decimal separator of numbers; default "."
# date_order = "dmy"          # how to read 03/04/2025: dmy | mdy | ymd
# Canonical column = source column. Columns whose names already match
# (`Account ID` for account_id) need no mapping.
# columns = { account_id = "Id compte", name = "Raison sociale", employees = "Effectif" }
# formats = { created_at = "%d/%m/%Y" }   # chrono format for unusual dates
# keep = ["Segment CRM"]                   # extra source columns to keep as text
# null_values = ["", "NA", "N/A", "-"]     # values that mean "missing"

# [sources.erp]
# kind = "orders"
# path = "data/erp/*.csv"
# encoding = "latin-1"
# columns = { order_id = "N° commande", account_id = "Id compte", ordered_at = "Date", amount = "Montant HT" }

# [sources.web]
# kind = "events"
# path = "data/web_events.ndjson"
# columns = { occurred_at = "timestamp" }

# Checks and repairs, each a list (see the README, "Business rules, outliers and missing
# values"): rules are SQL predicates (flag or reject the rows that break them), outliers are
# found by iqr, zscore or mad (flag, cap, clear or reject), imputation fills what is missing.
# [[clean.rules]]
# name = "employees_not_negative"
# table = "accounts"
# check = "employees >= 0"
# action = "reject"
#
# [[clean.outliers]]
# table = "orders"
# column = "quantity"
# method = "mad"
# log = true
# action = "cap"
#
# [[clean.impute]]
# table = "accounts"
# columns = ["employees", "revenue"]
# strategy = "median"        # drop | constant (value = "...") | mean | median | mode | knn

# Features: about a hundred are built in (`cible features --list`). Add your own as an SQL
# expression over the other features, or as an aggregate query over the views accounts,
# contacts, orders and events (already limited to as_of, account_id = the deduplicated account).
# [[features.custom]]
# name = "big_spender"
# description = "Spent over 50,000 in the last 12 months"
# expression = "monetary_12m > 50000"
#
# [[features.custom]]
# name = "support_visits_90d"
# unit = "events"
# query = """SELECT account_id, count(*) AS support_visits_90d FROM events
#            WHERE properties LIKE '%/support%' AND age_days < 90 GROUP BY account_id"""
# fill = "0"

# Segmentation: the accounts clustered on a list of features. Every setting has a default;
# uncomment to change it. `k = "auto"` tries every k of k_range and keeps the one the
# silhouette, Calinski-Harabasz and Davies-Bouldin indices agree on (reasons in the results).
# [segmentation]
# method = "kmeans"          # kmeans | minibatch | hierarchical (Ward)
# k = "auto"                 # or a number
# k_range = [2, 10]
# features = ["orders_12m", "orders_36m", "monetary_36m", "employees", "account_age_days",
#             "page_views_365d", "downloads_365d", "webinar_attendances_365d", "intent_score"]
# transform = "auto"         # log of skewed amounts: auto | none | log1p
# scale = "zscore"           # zscore | minmax | robust
# missing = "median"         # empty values: median | mean | zero | error
# pca_variance = 0.9         # cluster on the components explaining 90 % of the variance
# seed = 42

# Tags: rules over the events (as of as_of) that tag an account, or a contact with
# on = "contact". The account profile gets a true/false column tag_<name>.
# [[tags]]
# name = "webinar_interest"
# when = "type = 'webinar_attended'"
# expires_after = "90 days"   # after the latest matching event; days | weeks | months | years
#
# [[tags]]
# name = "pricing_campaign"
# on = "contact"
# when = "type = 'email_click' AND properties->>'campaign' LIKE 'pricing%'"
# remove_when = "type = 'unsubscribe'"   # a later matching event removes the tag

# Rule segments: SQL conditions over the account profile (every feature, `segment` for the
# cluster, tag_<name>, <name>_score). NULL counts as false.
# [[segments]]
# name = "finance_deciders_idf"
# rule = "role_finance AND region = 'Île-de-France' AND engagement_index > 50"
#
# [[segments]]
# name = "hot_finance_deciders"
# within = "finance_deciders_idf"          # members of that segment only
# rule = "tag_webinar_interest"
"#;

/// Runs `cible init`.
pub fn run(args: &InitArgs, quiet: bool, json: bool) -> Result<(), CliError> {
    let out = args.format.output(quiet, json);
    std::fs::create_dir_all(&args.dir).map_err(CliError::io(&args.dir))?;
    let path = args.dir.join(PROJECT_FILE);
    if path.exists() && !args.force {
        return Err(CliError::Usage(format!(
            "{} already exists; use --force to replace it",
            path.display()
        )));
    }
    let name = args.name.clone().unwrap_or_else(|| {
        std::fs::canonicalize(&args.dir)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "my-project".into())
    });
    let text = TEMPLATE.replace("{name}", &name.replace('"', "'"));
    // What init writes must itself be a valid project.
    Project::parse(&args.dir, &text, &path)?;
    write_atomic(&path, text.as_bytes())?;
    out.line(format!("wrote {}", path.display()));
    out.line("next: declare your sources in it, then run `cible run --project <DIR>`");
    out.json(&serde_json::json!({ "project_file": path }));
    Ok(())
}
