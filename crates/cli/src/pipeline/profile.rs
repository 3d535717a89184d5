//! The profile stage of a run: for every segment — clustered ones today, rule segments
//! through the same [`SegmentInput`] list — its size and share, every feature's statistics
//! against the population, the features that set it apart, a generated name, the rules of a
//! shallow decision tree that reproduce it, and suggested actions (computed by
//! [`cible_ml::profile`], whose docs hold the definitions and the heuristics table).
//!
//! Writes `profiles/segments.json` (every segment's profile and the population's figures)
//! and `profiles/features.csv` (`segment,generated_name,feature,category,statistic,value`,
//! one row per segment, feature and statistic: numbers' count, missing, mean, sd, min, q1,
//! median, q3, max, rest_mean and d; each category's count, share, population_share and
//! lift).

use std::collections::HashMap;

use cible_features::{ColumnValues, FeatureTable};
use cible_ml::profile::{
    Fidelity, Lexicon, PersonaWords, ProfileData, ProfileParams, Profiles, SegmentMembers,
    SegmentProfile,
};
use cible_store::StagedRun;
use serde::Serialize;

use crate::error::CliError;
use crate::output::{Output, count, shown};

/// Every segment's profile, relative to the run folder.
pub const PROFILES_JSON: &str = "profiles/segments.json";
/// Segment × feature statistics, long format.
pub const PROFILES_TABLE: &str = "profiles/features.csv";
/// Rules printed per segment.
const PRINTED_RULES: usize = 3;
/// Distinguishing features printed per segment.
const PRINTED_FEATURES: usize = 3;

/// A segment to profile: its name, what made it, and its rows in the features table.
#[derive(Debug, Clone)]
pub struct SegmentInput {
    /// The segment's name (a cluster's number, a rule's name).
    pub name: String,
    /// What made it: `cluster` or `rule`.
    pub kind: &'static str,
    /// Rows of the features table in the segment; segments may overlap and leave rows out.
    pub members: Vec<usize>,
}

/// A segment's profile in short, for the run record and the screen.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileBrief {
    /// The segment's name.
    pub segment: String,
    /// `cluster` or `rule`.
    pub kind: &'static str,
    /// The generated name.
    pub name: String,
    /// Accounts.
    pub size: usize,
    /// Share of all accounts.
    pub share: f64,
    /// The most distinguishing features: feature, Cohen's d, `higher` or `lower`.
    pub distinguishing: Vec<(String, f64, String)>,
    /// The explanation's rules with their coverage and precision.
    pub rules: Vec<RuleBrief>,
    /// How well the rules reproduce the segment; absent when the segment is empty or holds
    /// every account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fidelity: Option<Fidelity>,
    /// The main suggested action.
    pub action: String,
    /// Why.
    pub reason: String,
}

/// One rule in short.
#[derive(Debug, Clone, Serialize)]
pub struct RuleBrief {
    /// `orders_12m ≥ 6 AND monetary_12m > 48,200`.
    pub rule: String,
    /// Share of the segment it covers.
    pub coverage: f64,
    /// Share of its accounts in the segment.
    pub precision: f64,
}

/// What the profile stage did.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileStage {
    /// One per segment, in the order given.
    pub segments: Vec<ProfileBrief>,
    /// Numeric and categorical features profiled.
    pub features: usize,
    /// `profiles/segments.json`.
    pub file: std::path::PathBuf,
    /// `profiles/features.csv`.
    pub table: std::path::PathBuf,
    /// Seconds spent.
    pub seconds: f64,
}

/// The clustered segments of the run, read back from `segments/accounts.csv`, as rows of
/// `features`: one segment per label, named by it.
pub fn clustered_segments(
    run: &StagedRun,
    features: &FeatureTable,
) -> Result<Vec<SegmentInput>, CliError> {
    let row_of = account_rows(features)?;
    let path = run.path(super::segment::SEGMENTS_TABLE);
    let mut reader = csv::Reader::from_path(&path).map_err(|e| csv_error(&path, e))?;
    let mut members: Vec<Vec<usize>> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&path, e))?;
        let (Some(&row), Some(Ok(label))) = (
            row_of.get(record.get(0).unwrap_or("")),
            record.get(1).map(str::parse::<usize>),
        ) else {
            continue;
        };
        if members.len() <= label {
            members.resize(label + 1, Vec::new());
        }
        members[label].push(row);
    }
    Ok(members
        .into_iter()
        .enumerate()
        .map(|(label, members)| SegmentInput {
            name: label.to_string(),
            kind: "cluster",
            members,
        })
        .collect())
}

fn csv_error(path: &std::path::Path, e: csv::Error) -> CliError {
    CliError::io(path)(std::io::Error::other(e))
}

/// Each account's row in the features table.
fn account_rows(features: &FeatureTable) -> Result<HashMap<String, usize>, CliError> {
    match features.column("account_id")? {
        Some(ColumnValues::Text(ids)) => Ok(ids
            .into_iter()
            .enumerate()
            .filter_map(|(row, id)| Some((id?, row)))
            .collect()),
        _ => Err(CliError::Usage(
            "the features table has no account_id column".into(),
        )),
    }
}

/// Profiles `segments` over every feature of `features`, writes the stage's files and adds
/// them and the stage to the run record.
pub fn profile_stage(
    run: &mut StagedRun,
    features: &FeatureTable,
    segments: &[SegmentInput],
    seed: u64,
    out: &Output,
) -> Result<ProfileStage, CliError> {
    let started = std::time::Instant::now();
    let spinner = out.spinner(format!("profiles of {} segments", segments.len()));
    let mut data = ProfileData::new(features.num_rows());
    for field in features.schema.fields().iter().skip(1) {
        let name = field.name();
        match features.column(name)? {
            Some(ColumnValues::Numbers(values)) => {
                data.numeric(
                    name.clone(),
                    values.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect(),
                )?;
            }
            Some(ColumnValues::Text(values)) => {
                data.categorical(name.clone(), values)?;
            }
            None => {}
        }
    }
    let lexicon: Lexicon = features
        .catalog
        .iter()
        .filter(|f| !f.persona.is_empty())
        .map(|f| {
            (
                f.name.clone(),
                PersonaWords {
                    high: f.persona.high.clone(),
                    low: f.persona.low.clone(),
                },
            )
        })
        .collect();
    let members: Vec<SegmentMembers> = segments
        .iter()
        .map(|s| SegmentMembers::new(s.name.clone(), s.members.clone()))
        .collect();
    let profiles = ProfileParams::default()
        .seed(seed)
        .profile(&data, &members, &lexicon)?;
    spinner.finish_and_clear();
    run.create_dir("profiles")?;
    write(run, PROFILES_JSON, &profiles_json(&profiles, segments))?;
    write(run, PROFILES_TABLE, &features_csv(&profiles))?;
    run.add_output("profiles", PROFILES_JSON, Some(segments.len() as u64))?;
    run.add_output("profiles_features", PROFILES_TABLE, None)?;
    let briefs: Vec<ProfileBrief> = profiles
        .segments
        .iter()
        .zip(segments)
        .map(|(p, s)| brief(p, s.kind))
        .collect();
    let seconds = started.elapsed().as_secs_f64();
    run.add_stage(
        "profile",
        seconds,
        serde_json::to_value(&briefs).unwrap_or_else(|e| unreachable!("briefs serialize: {e}")),
    );
    Ok(ProfileStage {
        segments: briefs,
        features: profiles.population.numeric.len() + profiles.population.categorical.len(),
        file: run.final_path(PROFILES_JSON),
        table: run.final_path(PROFILES_TABLE),
        seconds,
    })
}

fn brief(p: &SegmentProfile, kind: &'static str) -> ProfileBrief {
    let explanation = p.explanation.as_ref();
    let action = p.actions.first();
    ProfileBrief {
        segment: p.name.clone(),
        kind,
        name: p.generated_name.clone(),
        size: p.size,
        share: p.share,
        distinguishing: p
            .distinguishing
            .iter()
            .map(|d| (d.feature.clone(), d.d, d.direction.to_string()))
            .collect(),
        rules: explanation
            .map(|e| {
                e.rules
                    .iter()
                    .map(|r| RuleBrief {
                        rule: r.text.clone(),
                        coverage: r.coverage,
                        precision: r.precision,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        fidelity: explanation.map(|e| e.fidelity),
        action: action.map(|a| a.action.clone()).unwrap_or_default(),
        reason: action.map(|a| a.reason.clone()).unwrap_or_default(),
    }
}

/// `profiles/segments.json`: the population, then every segment with its kind.
fn profiles_json(profiles: &Profiles, segments: &[SegmentInput]) -> Vec<u8> {
    #[derive(Serialize)]
    struct Entry<'a> {
        kind: &'static str,
        #[serde(flatten)]
        profile: &'a SegmentProfile,
    }
    #[derive(Serialize)]
    struct File<'a> {
        accounts: usize,
        population: &'a cible_ml::profile::Population,
        segments: Vec<Entry<'a>>,
    }
    let file = File {
        accounts: profiles.rows,
        population: &profiles.population,
        segments: profiles
            .segments
            .iter()
            .zip(segments)
            .map(|(profile, s)| Entry {
                kind: s.kind,
                profile,
            })
            .collect(),
    };
    serde_json::to_vec_pretty(&file).unwrap_or_else(|e| unreachable!("profiles serialize: {e}"))
}

/// `profiles/features.csv`, long format.
fn features_csv(profiles: &Profiles) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let in_memory = |e: csv::Error| unreachable!("writing CSV to memory: {e}");
    w.write_record([
        "segment",
        "generated_name",
        "feature",
        "category",
        "statistic",
        "value",
    ])
    .unwrap_or_else(in_memory);
    let number = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    for p in &profiles.segments {
        for f in &p.numeric {
            let s = &f.summary;
            for (statistic, value) in [
                ("count", Some(s.count as f64)),
                ("missing", Some(s.missing as f64)),
                ("mean", s.mean),
                ("sd", s.sd),
                ("min", s.min),
                ("q1", s.q1),
                ("median", s.median),
                ("q3", s.q3),
                ("max", s.max),
                ("rest_mean", f.rest_mean),
                ("d", f.d),
            ] {
                w.write_record([
                    p.name.as_str(),
                    &p.generated_name,
                    &f.feature,
                    "",
                    statistic,
                    &number(value),
                ])
                .unwrap_or_else(in_memory);
            }
        }
        for c in &p.categorical {
            for v in &c.values {
                for (statistic, value) in [
                    ("count", v.count as f64),
                    ("share", v.share),
                    ("population_share", v.population_share),
                    ("lift", v.lift),
                ] {
                    w.write_record([
                        p.name.as_str(),
                        &p.generated_name,
                        &c.feature,
                        &v.value,
                        statistic,
                        &value.to_string(),
                    ])
                    .unwrap_or_else(in_memory);
                }
            }
        }
    }
    w.into_inner()
        .unwrap_or_else(|e| unreachable!("writing CSV to memory: {e}"))
}

fn write(run: &StagedRun, relative: &str, bytes: &[u8]) -> Result<(), CliError> {
    let path = run.path(relative);
    std::fs::write(&path, bytes).map_err(CliError::io(&path))
}

/// Prints one block per segment, for people: its name, size, what sets it apart, the rules
/// that reproduce it and the suggested action.
pub fn print_profiles(out: &Output, stage: &ProfileStage) {
    out.line(format!(
        "profiles: {} segments on {} features in {:.2} s → {}",
        stage.segments.len(),
        stage.features,
        stage.seconds,
        shown(&stage.file)
    ));
    for p in &stage.segments {
        out.line(format!(
            "  {} {} \"{}\": {} accounts ({:.1} %)",
            p.kind,
            p.segment,
            p.name,
            count(p.size as u64),
            p.share * 100.0
        ));
        let apart: Vec<String> = p
            .distinguishing
            .iter()
            .take(PRINTED_FEATURES)
            .map(|(f, d, direction)| format!("{f} {direction} (d {d:+.2})"))
            .collect();
        if !apart.is_empty() {
            out.line(format!("    sets apart: {}", apart.join(", ")));
        }
        match &p.fidelity {
            Some(f) => {
                out.line(format!(
                    "    rules (fidelity: accuracy {:.2}, F1 {:.2}):",
                    f.accuracy, f.f1
                ));
                for r in p.rules.iter().take(PRINTED_RULES) {
                    out.line(format!(
                        "      {}  ({:.0} % of the segment, precision {:.0} %)",
                        r.rule,
                        r.coverage * 100.0,
                        r.precision * 100.0
                    ));
                }
                if p.rules.len() > PRINTED_RULES {
                    out.line(format!(
                        "      and {} more in {}",
                        p.rules.len() - PRINTED_RULES,
                        PROFILES_JSON
                    ));
                }
            }
            None => out.line("    rules: none (the segment is empty or holds every account)"),
        }
        out.line(format!("    action: {} — {}", p.action, p.reason));
    }
}
