//! `cible demo`: generate the demo world, write its project file, run the project, and score
//! what the stages found against the planted truth.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use cible_core::clean::{
    ImputeConfig, ImputeStrategy, OutlierAction, OutlierConfig, OutlierMethodName, RuleAction,
    RuleConfig,
};
use cible_core::exports::ExportConfig;
use cible_core::project::{CleanSection, PROJECT_FILE, Project, ProjectFile, ProjectSection};
use cible_core::rules::{SegmentConfig, TagConfig, TagTarget};
use cible_core::scores::ScoreConfig;
use cible_dedup::{PairScores, pair_scores};
use cible_generator::{GenerateParams, OutputFormat, demo_sources};
use cible_store::write_atomic;
use clap::Args;
use serde::Serialize;

use super::FormatArg;
use super::demo_segments::{features_by_segment, print_recovery, print_segments, segment_recovery};
use super::generate::{generate_with_progress, print_generate};
use super::run::print_run;
use crate::error::CliError;
use crate::output::count;
use crate::pipeline::{RunOutcome, read_pairs, run_project};

/// Generate the demo world, then run the whole project on it. Needs no input.
///
/// Writes OUT/data (the sources), OUT/truth (what was planted), OUT/cible.toml (the project)
/// and OUT/workspace (the results), then checks the results against the truth: exit code 1
/// if a planted malformed value was loaded or a good value rejected.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cargo run --release -- demo
  cible demo --accounts 2000 --out small-demo --format json")]
pub struct DemoArgs {
    /// Number of accounts to generate.
    #[arg(long, default_value_t = 20_000)]
    accounts: usize,
    /// Output folder.
    #[arg(long, default_value = "cible-demo")]
    out: PathBuf,
    /// Random seed of the generator.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// File format of the generated sources: csv or parquet.
    #[arg(long, default_value = "csv", value_parser = |s: &str| s.parse::<OutputFormat>())]
    data_format: OutputFormat,
    /// Reference date of the demo world.
    #[arg(long, default_value = "2026-11-01")]
    as_of: NaiveDate,
    #[command(flatten)]
    format: FormatArg,
}

/// How ingestion's rejects compare with the malformed values the generator planted.
#[derive(Debug, Default, Serialize, PartialEq)]
pub struct RejectScore {
    /// Malformed values planted.
    pub planted: u64,
    /// Planted values that were rejected.
    pub rejected: u64,
    /// Planted values that were loaded: should be 0.
    pub missed: u64,
    /// Rejects of values that were not planted as malformed: should be 0.
    pub unexpected: u64,
}

/// Runs `cible demo`.
pub fn run(args: &DemoArgs, quiet: bool, json: bool) -> Result<(), CliError> {
    let out = args.format.output(quiet, json);
    let params = GenerateParams::new(args.accounts)
        .seed(args.seed)
        .format(args.data_format)
        .as_of(args.as_of);
    let generated = generate_with_progress(&params, &args.out, &out)?;
    print_generate(&out, &generated, &args.out);
    write_project(&args.out, &params)?;
    out.line("");
    let project = Project::load(&args.out)?;
    let outcome = run_project(&project, "cible demo", &out)?;
    print_run(&out, &project, &outcome);
    let score = score_rejects(&args.out, &outcome)?;
    let duplicates = score_duplicates(&args.out, &outcome)?;
    out.line("");
    out.line(format!(
        "Checked against the truth: {} of {} planted malformed values rejected, {} loaded by mistake, {} good values rejected",
        count(score.rejected),
        count(score.planted),
        count(score.missed),
        count(score.unexpected)
    ));
    for (table, s) in &duplicates {
        out.line(format!(
            "Planted duplicate {table}: precision {:.4}, recall {:.4}, F1 {:.4} ({} of {} pairs found, {} wrong)",
            s.precision,
            s.recall,
            s.f1,
            count(s.true_positives),
            count(s.true_positives + s.false_negatives),
            count(s.false_positives)
        ));
    }
    let outliers = score_outliers(&args.out, &outcome)?;
    if !outliers.is_empty() {
        let parts: Vec<String> = outliers
            .iter()
            .filter(|o| o.planted + o.others > 0)
            .map(|o| {
                let others = if o.others > 0 {
                    format!(" (+{} others)", count(o.others))
                } else {
                    String::new()
                };
                format!(
                    "{} {} of {}{others}",
                    o.column,
                    count(o.found),
                    count(o.planted)
                )
            })
            .collect();
        for (i, line) in crate::output::wrap(&parts, 90).into_iter().enumerate() {
            let head = if i == 0 {
                "Planted outliers found by the checks: "
            } else {
                "  "
            };
            out.line(format!("{head}{line}"));
        }
    }
    let segments = features_by_segment(&args.out, &outcome)?;
    print_segments(&out, &segments);
    let recovery = segment_recovery(&args.out, &outcome)?;
    if let Some(r) = &recovery {
        print_recovery(&out, r);
    }
    out.line("");
    out.line(format!(
        "Next: open {}/cible.toml, or load your own data with `cible init` and `cible run`",
        args.out.display()
    ));
    out.json(
        &serde_json::json!({
            "generated": generated,
            "run": outcome,
            "rejects_vs_truth": score,
            "outliers_vs_truth": outliers,
            "duplicates_vs_truth": duplicates.iter().cloned().collect::<std::collections::BTreeMap<_, _>>(),
            "features_by_segment": segments,
            "segments_vs_truth": recovery,
        }),
    );
    if score.missed > 0 || score.unexpected > 0 {
        return Err(CliError::CheckFailed(format!(
            "ingestion disagrees with the planted truth ({} missed, {} unexpected rejects)",
            score.missed, score.unexpected
        )));
    }
    Ok(())
}

/// Writes the demo's `cible.toml`.
fn write_project(dir: &Path, params: &GenerateParams) -> Result<(), CliError> {
    let file = ProjectFile {
        project: ProjectSection {
            name: "cible-demo".into(),
            as_of: Some(params.as_of.to_string()),
            workspace: "workspace".into(),
        },
        sources: demo_sources(params.format).into_iter().collect(),
        clean: demo_clean(),
        features: Default::default(),
        segmentation: Default::default(),
        segments: demo_segments(),
        tags: demo_tags(),
        scores: demo_scores(params.as_of),
        exports: demo_exports(),
    };
    let body = toml::to_string_pretty(&file)
        .map_err(|e| CliError::Usage(format!("cannot write the demo project: {e}")))?;
    let text = format!(
        "# The demo project, written by `cible demo`: the generated exports in data/ mapped onto\n\
         # cible's canonical tables. Run it again with `cible run --project {}`.\n\n{body}",
        dir.display()
    );
    write_atomic(&dir.join(PROJECT_FILE), text.as_bytes())?;
    Ok(())
}

/// The demo's exports: the hot prospects' consenting contacts for a HubSpot import, and the
/// cooling valuable customers as an account list for their account managers.
fn demo_exports() -> Vec<ExportConfig> {
    vec![
        ExportConfig {
            segment: "hot_prospects".into(),
            of: None,
            format: "hubspot".into(),
            name: None,
            columns: Vec::new(),
        },
        ExportConfig {
            segment: "valuable_customers_cooling".into(),
            of: Some("accounts".into()),
            format: "csv".into(),
            name: None,
            columns: vec![
                "account_id".into(),
                "name".into(),
                "country".into(),
                "sector_label".into(),
                "monetary_36m".into(),
                "recency_days".into(),
                "lifecycle_stage".into(),
            ],
        },
    ]
}

/// The demo's tags: webinar attendance (half a year), pricing-page interest (90 days, from the
/// page's URL in the event's JSON properties) and, per contact, newsletter clicks (removed by
/// an unsubscribe).
fn demo_tags() -> Vec<TagConfig> {
    let tag = |name: &str, when: &str, expires: &str| TagConfig {
        name: name.into(),
        when: when.into(),
        on: TagTarget::Account,
        expires_after: Some(
            expires
                .parse()
                .unwrap_or_else(|e| unreachable!("the demo's periods parse: {e}")),
        ),
        remove_when: None,
        description: None,
    };
    vec![
        tag("webinar_interest", "type = 'webinar_attended'", "180 days"),
        tag(
            "pricing_interest",
            "type = 'page_view' AND properties->>'url' LIKE '/tarif%'",
            "90 days",
        ),
        TagConfig {
            on: TagTarget::Contact,
            remove_when: Some("type = 'unsubscribe'".into()),
            ..tag(
                "newsletter_clicker",
                "type = 'email_click' AND properties->>'campaign' LIKE 'newsletter%'",
                "180 days",
            )
        },
    ]
}

/// The demo's score: which prospects order in the 90 days after a snapshot. The generated
/// world runs 90 days past as_of and its planted conversions are orders dated then, so the
/// training snapshot is as_of itself: its features stop at as_of and its labels come from
/// the planted window after it (a real project trains on a past snapshot, by default as_of
/// minus the horizon, and scores today's prospects).
fn demo_scores(as_of: NaiveDate) -> Vec<ScoreConfig> {
    vec![ScoreConfig {
        name: "conversion".into(),
        target: "SELECT DISTINCT account_id FROM orders".into(),
        horizon: "90 days"
            .parse()
            .unwrap_or_else(|e| unreachable!("the demo's periods parse: {e}")),
        population: Some("lifecycle_stage = 'prospect'".into()),
        train_as_of: Some(as_of.to_string()),
        snapshots: 1,
        every: None,
        model: "logistic".into(),
        exclude: Vec::new(),
        missing: "median".into(),
        threshold: "youden".into(),
        class_weight: "balanced".into(),
        seed: 42,
    }]
}

/// The demo's rule segments: finance deciders in Île-de-France, prospects showing interest
/// (and the large ones among them), and valuable customers going quiet.
fn demo_segments() -> Vec<SegmentConfig> {
    let segment = |name: &str, rule: &str, within: Option<&str>, description: &str| SegmentConfig {
        name: name.into(),
        rule: rule.into(),
        within: within.map(str::to_string),
        description: Some(description.into()),
    };
    vec![
        segment(
            "finance_deciders_idf",
            "role_finance AND region = 'Île-de-France'",
            None,
            "Accounts in Île-de-France with someone in finance",
        ),
        segment(
            "interested_prospects",
            "lifecycle_stage = 'prospect' AND (tag_pricing_interest OR tag_webinar_interest)",
            None,
            "Prospects who looked at prices or attended a webinar recently",
        ),
        segment(
            "large_interested_prospects",
            "employees >= 250",
            Some("interested_prospects"),
            "The large companies among them: for the sales team",
        ),
        segment(
            "hot_prospects",
            "conversion_score > 0.5",
            None,
            "Prospects the conversion score gives better-than-even odds of ordering within 90 days",
        ),
        segment(
            "valuable_customers_cooling",
            "lifecycle_stage IN ('cooling', 'lapsing') AND monetary_36m > 50000",
            None,
            "Customers who spent over 50,000 in three years and stopped ordering: retention",
        ),
    ]
}

/// The demo's checks and fills: placeholder dates and revenues implausible for the head count
/// flagged, head counts far outside the usual range cleared and then filled (with missing head
/// counts and revenues) from the nearest companies, order amounts far from their product's
/// usual ones and absurd quantities capped.
fn demo_clean() -> CleanSection {
    let rule = |name: &str, table: &str, check: &str, action| RuleConfig {
        name: name.into(),
        table: table.into(),
        check: check.into(),
        action,
    };
    let outlier = |table: &str, column: &str, threshold, action| OutlierConfig {
        table: table.into(),
        column: column.into(),
        expression: None,
        method: OutlierMethodName::Mad,
        threshold,
        log: true,
        by: None,
        action,
    };
    CleanSection {
        rules: vec![
            rule(
                "employees_not_negative",
                "accounts",
                "employees >= 0",
                RuleAction::Reject,
            ),
            rule(
                "created_after_1950",
                "accounts",
                "created_at >= DATE '1950-01-01'",
                RuleAction::Flag,
            ),
            rule(
                "revenue_per_head_plausible",
                "accounts",
                "revenue <= 50000000 * employees",
                RuleAction::Flag,
            ),
            rule(
                "consent_after_2000",
                "contacts",
                "consent_date >= DATE '2000-01-01'",
                RuleAction::Flag,
            ),
            rule(
                "ordered_in_the_past",
                "orders",
                "ordered_at <= now()",
                RuleAction::Flag,
            ),
        ],
        outliers: vec![
            outlier("accounts", "employees", Some(3.0), OutlierAction::Clear),
            outlier("orders", "quantity", Some(3.0), OutlierAction::Cap),
            // The unit price, far from its product's usual ones: an amount or a quantity is
            // wrong (quantities vary too much for the amount alone to tell).
            OutlierConfig {
                expression: Some("amount / quantity".into()),
                by: Some("product".into()),
                ..outlier("orders", "unit_price", Some(6.0), OutlierAction::Flag)
            },
        ],
        impute: vec![ImputeConfig {
            table: "accounts".into(),
            columns: vec!["employees".into(), "revenue".into()],
            strategy: ImputeStrategy::Knn,
            value: None,
            neighbours: 5,
            using: Vec::new(),
        }],
        ..CleanSection::default()
    }
}

/// The column each of the demo's rules checks, for scoring them against the planted outliers
/// (`ordered_in_the_past` is left out: the generator plants no future orders as outliers).
const RULE_COLUMNS: &[(&str, &str)] = &[
    ("created_after_1950", "created_at"),
    ("revenue_per_head_plausible", "revenue"),
    ("consent_after_2000", "consent_date"),
    ("employees_not_negative", "employees"),
];

/// The columns whose planted outliers each of the demo's expression detectors should find.
const EXPRESSION_COLUMNS: &[(&str, &[&str])] = &[("unit_price", &["amount", "quantity"])];

/// How the checks of one column compare with the outliers planted in it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OutlierScore {
    /// `table.column`.
    pub column: String,
    /// Outliers planted there.
    pub planted: u64,
    /// Of those, found by a check.
    pub found: u64,
    /// Rows found that were not planted (rare true values, or mistakes).
    pub others: u64,
}

/// Compares `checks.csv` with `truth/dirt.csv`'s outliers, per checked column.
pub fn score_outliers(dir: &Path, outcome: &RunOutcome) -> Result<Vec<OutlierScore>, CliError> {
    use std::collections::{BTreeMap, BTreeSet, HashSet};
    let column_of = |check: &str, column: &str| {
        if column.is_empty() {
            RULE_COLUMNS
                .iter()
                .find(|(r, _)| *r == check)
                .map(|(_, c)| c.to_string())
        } else {
            Some(column.to_string())
        }
    };
    let mut found: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    for row in read_csv(&outcome.checks_table)? {
        if let Some(column) = column_of(&row[4], &row[5]) {
            let key = format!("{}.{column}", &row[0]);
            found.entry(key).or_default().insert(row[1].to_string());
        }
    }
    let mut planted: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    for row in read_csv(&dir.join("truth").join("dirt.csv"))? {
        if &row[3] == "outlier" {
            let derived = EXPRESSION_COLUMNS
                .iter()
                .filter(|(_, columns)| columns.contains(&&row[2]))
                .map(|(name, _)| *name);
            for column in derived.chain(std::iter::once(&row[2])) {
                let key = format!("{}.{column}", &row[0]);
                planted.entry(key).or_default().insert(row[1].to_string());
            }
        }
    }
    let mut checked = BTreeSet::new();
    for c in &outcome.checks {
        let rules = c.rules.iter().filter_map(|r| column_of(&r.name, ""));
        let outliers = c.outliers.iter().map(|o| o.column.clone());
        checked.extend(
            rules
                .chain(outliers)
                .map(|column| format!("{}.{column}", c.table)),
        );
    }
    let none = HashSet::new();
    Ok(checked
        .into_iter()
        .map(|column| {
            let p = planted.get(&column).unwrap_or(&none);
            let f = found.get(&column).unwrap_or(&none);
            let hit = p.intersection(f).count() as u64;
            OutlierScore {
                planted: p.len() as u64,
                found: hit,
                others: f.len() as u64 - hit,
                column,
            }
        })
        .collect())
}

/// Every record of a CSV file after its header.
fn read_csv(path: &Path) -> Result<Vec<csv::StringRecord>, CliError> {
    let error = |e: csv::Error| CliError::Io {
        path: path.display().to_string(),
        source: std::io::Error::other(e.to_string()),
    };
    csv::Reader::from_path(path)
        .map_err(error)?
        .records()
        .collect::<Result<_, _>>()
        .map_err(error)
}

/// Scores the pairs that deduplication found against the planted duplicate pairs.
pub fn score_duplicates(
    dir: &Path,
    outcome: &RunOutcome,
) -> Result<Vec<(String, PairScores)>, CliError> {
    let mut scores = Vec::new();
    for d in &outcome.dedup {
        let found = read_pairs(
            &outcome
                .run_dir
                .join("entities")
                .join(format!("{}_pairs.csv", d.table)),
        )?;
        let truth = read_pairs(&dir.join("truth").join(format!("duplicate_{}.csv", d.table)))?;
        let s = pair_scores(
            found.iter().map(|(a, b)| (a.as_str(), b.as_str())),
            truth.iter().map(|(a, b)| (a.as_str(), b.as_str())),
        );
        scores.push((d.table.clone(), s));
    }
    Ok(scores)
}

/// Compares the run's rejects with `truth/dirt.csv`'s malformed values, by table, canonical
/// column and value.
pub fn score_rejects(dir: &Path, outcome: &RunOutcome) -> Result<RejectScore, CliError> {
    let csv_error = |path: &Path| {
        let path = path.to_path_buf();
        move |e: csv::Error| CliError::Io {
            path: path.display().to_string(),
            source: std::io::Error::other(e.to_string()),
        }
    };
    let dirt_path = dir.join("truth").join("dirt.csv");
    let mut planted: HashMap<(String, String, String), u64> = HashMap::new();
    let mut score = RejectScore::default();
    let mut reader = csv::Reader::from_path(&dirt_path).map_err(csv_error(&dirt_path))?;
    for row in reader.records() {
        let row = row.map_err(csv_error(&dirt_path))?;
        if &row[3] == "malformed" {
            *planted
                .entry((row[0].into(), row[2].into(), row[4].into()))
                .or_default() += 1;
            score.planted += 1;
        }
    }
    // (file, source column) → (table, canonical column)
    let mut canonical: HashMap<(String, String), (String, String)> = HashMap::new();
    for table in &outcome.tables {
        for file in &table.files {
            for (column, source) in &file.mapping {
                canonical.insert(
                    (file.path.display().to_string(), source.clone()),
                    (table.table.clone(), column.clone()),
                );
            }
        }
    }
    // Rows rejected by the checks are scored with the outliers, not here.
    let checked: std::collections::HashSet<(String, String)> = read_csv(&outcome.checks_table)?
        .iter()
        .filter(|row| &row[7] == "reject")
        .map(|row| (row[2].to_string(), row[3].to_string()))
        .collect();
    let mut reader =
        csv::Reader::from_path(&outcome.rejects).map_err(csv_error(&outcome.rejects))?;
    for row in reader.records() {
        let row = row.map_err(csv_error(&outcome.rejects))?;
        if checked.contains(&(row[0].to_string(), row[1].to_string())) {
            continue;
        }
        let key = canonical
            .get(&(row[0].to_string(), row[2].to_string()))
            .map(|(table, column)| (table.clone(), column.clone(), row[3].to_string()));
        match key.and_then(|k| planted.get_mut(&k)).filter(|n| **n > 0) {
            Some(n) => {
                *n -= 1;
                score.rejected += 1;
            }
            None => score.unexpected += 1,
        }
    }
    score.missed = score.planted - score.rejected;
    Ok(score)
}
