//! The tags, profile and rule-segment stages of a run: tags from the events as of as_of
//! (`tags/tags.csv`), the account profile with every feature, the cluster, the scores and
//! the tags (`profiles/accounts.parquet`), and the members of every rule segment of
//! `[[segments]]` (`rules/memberships.csv`, `segment,account_id`).

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use cible_core::project::ProjectFile;
use cible_features::{FeatureTable, Inputs, Session};
use cible_segments::{
    ProfileParts, RuleSegment, TagSummary, Tags, build_profile, compute_tags, evaluate_rules,
    write_memberships, write_profile,
};
use cible_store::StagedRun;
use serde::Serialize;

use crate::error::CliError;
use crate::output::{Output, count};

/// Who holds which tag.
pub const TAGS_TABLE: &str = "tags/tags.csv";
/// The account profile.
pub const PROFILE_TABLE: &str = "profiles/accounts.parquet";
/// The members of every rule segment.
pub const MEMBERSHIPS_TABLE: &str = "rules/memberships.csv";

/// What the stages did.
#[derive(Debug, Serialize)]
pub struct RulesOutcome {
    /// One summary per tag.
    pub tags: Vec<TagSummary>,
    /// One entry per rule segment, with its size.
    pub segments: Vec<RuleSegment>,
    /// Columns of the profile.
    pub profile_columns: usize,
    /// Seconds spent on tags.
    pub tag_seconds: f64,
    /// Seconds spent on the profile and the rules.
    pub rule_seconds: f64,
}

/// Computes the tags, builds the profile and evaluates the rule segments.
pub fn rules_stage(
    run: &mut StagedRun,
    project: &ProjectFile,
    inputs: &Inputs,
    as_of: NaiveDate,
    features: &FeatureTable,
    scores: &[(String, HashMap<String, f64>)],
    out: &Output,
) -> Result<RulesOutcome, CliError> {
    let started = std::time::Instant::now();
    let tags = if project.tags.is_empty() {
        Tags::default()
    } else {
        let spinner = out.spinner(format!("{} tags from events", project.tags.len()));
        let session = Session::open(inputs, as_of)?;
        let tags = compute_tags(&session, &project.tags)?;
        spinner.finish_and_clear();
        run.create_dir("tags")?;
        tags.write_csv(&run.path(TAGS_TABLE))?;
        run.add_output("tags", TAGS_TABLE, Some(tags.rows.len() as u64))?;
        tags
    };
    let tag_seconds = started.elapsed().as_secs_f64();
    if !project.tags.is_empty() {
        run.add_stage(
            "tags",
            tag_seconds,
            serde_json::json!({ "tags": tags.summaries }),
        );
    }
    let started = std::time::Instant::now();
    let clusters = read_clusters(&run.path(super::segment::SEGMENTS_TABLE))?;
    let names: Vec<String> = project.tags.iter().map(|t| t.name.clone()).collect();
    let profile = build_profile(ProfileParts {
        features: &features.batches,
        schema: &features.schema,
        clusters: clusters.as_ref(),
        scores,
        tags: (&names, &tags),
    })?;
    run.create_dir("profiles")?;
    write_profile(&run.path(PROFILE_TABLE), &profile)?;
    run.add_output("profile", PROFILE_TABLE, Some(profile.num_rows() as u64))?;
    let segments = evaluate_rules(&profile, &project.segments, &names)?;
    if !segments.is_empty() {
        run.create_dir("rules")?;
        write_memberships(&run.path(MEMBERSHIPS_TABLE), &profile, &segments)?;
        let members: usize = segments.iter().map(|s| s.accounts).sum();
        run.add_output("rule_memberships", MEMBERSHIPS_TABLE, Some(members as u64))?;
    }
    let rule_seconds = started.elapsed().as_secs_f64();
    if !segments.is_empty() {
        run.add_stage(
            "rules",
            rule_seconds,
            serde_json::json!({ "segments": segments }),
        );
    }
    Ok(RulesOutcome {
        tags: tags.summaries,
        segments,
        profile_columns: profile.num_columns(),
        tag_seconds,
        rule_seconds,
    })
}

/// The cluster of every account, from the segmentation stage's table when it ran.
fn read_clusters(path: &Path) -> Result<Option<HashMap<String, i64>>, CliError> {
    if !path.is_file() {
        return Ok(None);
    }
    let bad = |line: u64, value: &str| {
        CliError::Usage(format!(
            "{}:{line}: segment `{value}` is not a whole number",
            path.display()
        ))
    };
    let mut reader = csv::Reader::from_path(path).map_err(|e| CliError::Io {
        path: path.display().to_string(),
        source: std::io::Error::other(e),
    })?;
    let mut clusters = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| CliError::Io {
            path: path.display().to_string(),
            source: std::io::Error::other(e),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let (Some(id), Some(label)) = (record.get(0), record.get(1)) else {
            continue;
        };
        let label: i64 = label.parse().map_err(|_| bad(line, label))?;
        clusters.insert(id.to_string(), label);
    }
    Ok(Some(clusters))
}

/// Prints the tags and rule segments, for people.
pub fn print_rules(out: &Output, r: &RulesOutcome) {
    if !r.tags.is_empty() || !r.segments.is_empty() {
        out.line("");
    }
    if !r.tags.is_empty() {
        out.line(format!("tags in {:.2} s:", r.tag_seconds));
        for t in &r.tags {
            let contacts = if t.contacts > 0 {
                format!(" ({} contacts)", count(t.contacts as u64))
            } else {
                String::new()
            };
            out.line(format!(
                "  {:<28} {:>8} accounts{contacts}; {} expired, {} removed",
                t.name,
                count(t.accounts as u64),
                count(t.expired as u64),
                count(t.removed as u64)
            ));
        }
    }
    if !r.segments.is_empty() {
        out.line(format!("rule segments in {:.2} s:", r.rule_seconds));
        for s in &r.segments {
            let within = s
                .within
                .as_ref()
                .map_or(String::new(), |p| format!(" within {p}"));
            out.line(format!(
                "  {:<28} {:>8} accounts ({:.1} %){within}: {}",
                s.name,
                count(s.accounts as u64),
                s.share * 100.0,
                s.rule
            ));
        }
    }
}
