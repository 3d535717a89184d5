//! The report stage: gathers what the run's stages recorded and wrote (the run record, the
//! quality report, the segmentation's figures and map, the profiles, the scores' curves) and
//! the change since the previous run, and renders `report.html` with `cible-report`.

use std::collections::BTreeMap;
use std::path::Path;

use cible_features::{ColumnValues, FeatureTable};
use cible_report::{
    AccountMap, Changes, ExportRow, Heatmap, KChoice, KRow, Report, RuleRow, ScoreSection,
    SegmentCard, StabilityFigures, TableQuality, TagRow, ValueEngagement,
};
use cible_store::{RunRecord, StagedRun, read_memberships};
use serde_json::Value;

use crate::commands::runs::diff::{Side, diff};
use crate::error::CliError;

/// The report, relative to the run folder.
pub const REPORT: &str = "report.html";
/// About the most accounts drawn on a scatter plot: beyond, a sample stratified by segment.
const MAX_POINTS: usize = 3_000;
/// Fewest accounts of a segment drawn (all of them when it has fewer), so that small segments
/// show beside large ones.
const MIN_POINTS_PER_SEGMENT: usize = 100;
/// Features of the heatmap: the most distinguishing of each segment, up to this many.
const HEATMAP_FEATURES: usize = 16;
/// Candidates for the value axis of the value × engagement matrix, in order of preference.
const VALUE_FEATURES: [&str; 3] = ["monetary_12m", "monetary_36m", "monetary_total"];
/// Candidates for its engagement axis.
const ENGAGEMENT_FEATURES: [&str; 2] = ["engagement_index", "engaged_events_365d"];
/// Categorical features shown as a segment's typical firmographics, when profiled.
const FIRMOGRAPHICS: [&str; 4] = ["sector", "size_band", "region", "lifecycle_stage"];

/// The previous committed run, to say what changed.
#[derive(Clone, Copy)]
pub struct Previous<'a> {
    /// Its record.
    pub record: &'a RunRecord,
    /// Its folder.
    pub dir: &'a Path,
}

/// The numbers of one feature for every account, in the order of `segments/accounts.csv`
/// (`None` when the run has no such numeric feature).
pub type FeatureNumbers<'a> = dyn Fn(&str) -> Result<Option<Vec<Option<f64>>>, CliError> + 'a;

/// Renders and writes the run's report as the stage `report`; returns the number of charts
/// it holds.
pub fn report_stage(
    run: &mut StagedRun,
    features: Option<&FeatureTable>,
    previous: Option<Previous<'_>>,
) -> Result<usize, CliError> {
    let started = std::time::Instant::now();
    let dir = run.path("");
    let numbers = |name: &str| match features {
        Some(table) => numbers(table, name),
        None => Ok(None),
    };
    let finished = chrono::Utc::now().format("%Y-%m-%d %H:%M").to_string();
    let report = build(run.record(), &dir, &finished, &numbers, previous)?;
    let rendered = cible_report::render(&report);
    let path = run.path(REPORT);
    std::fs::write(&path, rendered.html).map_err(CliError::io(&path))?;
    run.add_output("report", REPORT, None)?;
    run.add_stage(
        "report",
        started.elapsed().as_secs_f64(),
        serde_json::json!({ "report": REPORT, "charts": rendered.charts }),
    );
    Ok(rendered.charts)
}

/// Gathers the report of the run in `dir` whose record is `record` (finished at `finished`,
/// UTC): `numbers` gives the features the value × engagement matrix reads.
pub fn build(
    record: &RunRecord,
    dir: &Path,
    finished: &str,
    numbers: &FeatureNumbers<'_>,
    previous: Option<Previous<'_>>,
) -> Result<Report, CliError> {
    let profiles = read_json(&dir.join("profiles/segments.json"))?;
    let names = cluster_names(profiles.as_ref());
    let stage = |name: &str| record.stage(name);
    let segment = stage("segment");
    let mut report = Report {
        title: text(&record.parameters["project"]["project"]["name"]),
        run_id: record.id.clone(),
        as_of: text(&record.parameters["as_of"]),
        finished_at: finished.to_string(),
        version: record.cible_version.clone(),
        figures: figures(record),
        stages: record
            .stages
            .iter()
            .map(|s| (s.name.clone(), s.seconds))
            .collect(),
        quality: quality(&read_json(&dir.join(super::quality::QUALITY_REPORT))?),
        k_choice: segment.and_then(k_choice),
        map: read_map(&dir.join(super::segment::SEGMENTS_MAP), segment, &names)?,
        segments: profiles.as_ref().map(cards).unwrap_or_default(),
        heatmap: profiles.as_ref().and_then(|p| heatmap(p, &names)),
        value_engagement: match segment {
            Some(_) => value_engagement(dir, numbers, &names)?,
            None => None,
        },
        rules: rules(stage("rules"), &record.parameters["project"]["segments"]),
        tags: tags(stage("tags")),
        exports: exports(stage("exports")),
        stability: segment.and_then(|s| stability(s, &names)),
        changes: match previous {
            Some(p) => Some(changes(&p, record, dir, &names)?),
            None => None,
        },
        scores: scores(stage("scores"), dir)?,
    };
    report.figures.retain(|(_, v)| !v.is_empty());
    Ok(report)
}

fn read_json(path: &Path) -> Result<Option<Value>, CliError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            CliError::Usage(format!(
                "{}: not the JSON the run wrote: {e}",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::io(path)(e)),
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn num(value: &Value) -> f64 {
    value.as_f64().unwrap_or(f64::NAN)
}

fn count(value: &Value) -> u64 {
    value.as_u64().unwrap_or(0)
}

fn list(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

/// Cluster label → generated name, from the profiles.
fn cluster_names(profiles: Option<&Value>) -> BTreeMap<String, String> {
    profiles
        .map(|p| list(&p["segments"]))
        .unwrap_or_default()
        .iter()
        .filter(|s| s["kind"] == "cluster")
        .map(|s| (text(&s["name"]), text(&s["generated_name"])))
        .collect()
}

fn cluster_label(names: &BTreeMap<String, String>, label: &str) -> String {
    match names.get(label) {
        Some(name) if !name.is_empty() => format!("{label} · {name}"),
        _ => format!("cluster {label}"),
    }
}

fn figures(record: &RunRecord) -> Vec<(String, String)> {
    use cible_report::svg::number;
    let stage = |name: &str| record.stage(name);
    let mut figures = Vec::new();
    if let Some(ingest) = stage("ingest") {
        for table in list(ingest) {
            figures.push((
                format!("{} loaded", text(&table["table"])),
                number(num(&table["rows_loaded"])),
            ));
        }
        let rejected: u64 = list(ingest)
            .iter()
            .map(|t| count(&t["rows_rejected"]))
            .sum();
        figures.push((
            "rows rejected, kept in rejects.csv".into(),
            number(rejected as f64),
        ));
    }
    if let Some(f) = stage("features") {
        figures.push((
            "accounts after deduplication".into(),
            number(num(&f["accounts"])),
        ));
        figures.push(("features per account".into(), number(num(&f["features"]))));
    }
    if let Some(s) = stage("segment") {
        figures.push(("clustered segments".into(), text(&s["k"])));
        if let Some(v) = s["silhouette"].as_f64() {
            figures.push(("silhouette".into(), format!("{v:.3}")));
        }
    }
    if let Some(r) = stage("rules") {
        figures.push((
            "rule segments".into(),
            list(&r["segments"]).len().to_string(),
        ));
    }
    if let Some(t) = stage("tags") {
        figures.push(("tags".into(), list(&t["tags"]).len().to_string()));
    }
    figures.push((
        "seconds for the run".into(),
        format!(
            "{:.1}",
            record.stages.iter().map(|s| s.seconds).sum::<f64>()
        ),
    ));
    figures
}

fn quality(report: &Option<Value>) -> Vec<TableQuality> {
    let Some(report) = report else {
        return Vec::new();
    };
    list(&report["tables"])
        .iter()
        .map(|t| {
            let mut missing: Vec<(String, f64)> = list(&t["columns"])
                .iter()
                .map(|c| {
                    let share = c["missing_share_after_imputation"]
                        .as_f64()
                        .or(c["missing_share_after_merge"].as_f64())
                        .unwrap_or(num(&c["missing_share"]));
                    (text(&c["column"]), share)
                })
                .filter(|(_, s)| *s > 0.0)
                .collect();
            missing.sort_by(|a, b| b.1.total_cmp(&a.1));
            missing.truncate(3);
            let checks = &t["checks"];
            let flagged = list(&checks["rules"])
                .iter()
                .map(|r| count(&r["rows"]))
                .sum::<u64>()
                + list(&checks["outliers"])
                    .iter()
                    .map(|o| count(&o["outliers"]))
                    .sum::<u64>();
            TableQuality {
                table: text(&t["table"]),
                rows_read: count(&t["rows_read"]),
                rows_loaded: count(&t["rows_loaded"]),
                rejects: t["rejects_by_reason"]
                    .as_object()
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), count(v))).collect())
                    .unwrap_or_default(),
                duplicates: t["duplicates"].is_object().then(|| {
                    (
                        count(&t["duplicates"]["records"]),
                        count(&t["duplicates"]["entities"]),
                    )
                }),
                flagged,
                missing,
            }
        })
        .collect()
}

fn k_choice(segment: &Value) -> Option<KChoice> {
    let selection = segment.get("k_selection")?;
    let rows = list(&selection["scores"])
        .iter()
        .map(|r| KRow {
            k: count(&r["k"]) as usize,
            inertia: r["inertia"].as_f64(),
            silhouette: r["silhouette"].as_f64(),
            calinski_harabasz: r["calinski_harabasz"].as_f64(),
            davies_bouldin: r["davies_bouldin"].as_f64(),
            gap: r["gap"].as_f64(),
        })
        .collect();
    Some(KChoice {
        rows,
        chosen: count(&segment["k"]) as usize,
        reasons: list(&selection["reasons"]).iter().map(text).collect(),
    })
}

/// Which rows a scatter plot draws, given each row's segment: every row up to [`MAX_POINTS`];
/// beyond, each segment's share of [`MAX_POINTS`] but at least [`MIN_POINTS_PER_SEGMENT`],
/// evenly spaced through the segment's rows. Rows without a segment are not drawn.
fn drawn(labels: &[Option<usize>]) -> Vec<bool> {
    let labelled = labels.iter().flatten().count();
    if labelled <= MAX_POINTS {
        return labels.iter().map(Option::is_some).collect();
    }
    let k = labels.iter().flatten().max().map_or(0, |m| m + 1);
    let mut sizes = vec![0; k];
    for &l in labels.iter().flatten() {
        sizes[l] += 1;
    }
    let quota: Vec<usize> = sizes
        .iter()
        .map(|&size| (size * MAX_POINTS / labelled).max(MIN_POINTS_PER_SEGMENT.min(size)))
        .collect();
    // The `j`-th of a segment's rows is drawn when it is the first at or after a multiple of
    // `size / quota`.
    let mut seen = vec![0; k];
    labels
        .iter()
        .map(|label| {
            let Some(l) = *label else { return false };
            let j = seen[l];
            seen[l] += 1;
            (j * quota[l]).div_ceil(sizes[l]) != ((j + 1) * quota[l]).div_ceil(sizes[l])
        })
        .collect()
}

fn read_map(
    path: &Path,
    segment: Option<&Value>,
    names: &BTreeMap<String, String>,
) -> Result<Option<AccountMap>, CliError> {
    let (Some(segment), true) = (segment, path.exists()) else {
        return Ok(None);
    };
    let rows = read_csv(path)?;
    let labels: Vec<Option<usize>> = rows
        .iter()
        .map(|r| r.get(1).and_then(|l| l.parse().ok()))
        .collect();
    let points = rows
        .iter()
        .zip(&labels)
        .zip(drawn(&labels))
        .filter(|(_, draw)| *draw)
        .filter_map(|((r, label), _)| {
            Some((r.get(2)?.parse().ok()?, r.get(3)?.parse().ok()?, (*label)?))
        })
        .collect();
    let variance = &segment["map_variance"];
    Ok(Some(AccountMap {
        points,
        accounts: rows.len(),
        variance: (num(&variance[0]), num(&variance[1])),
        segments: (0..count(&segment["k"]))
            .map(|l| cluster_label(names, &l.to_string()))
            .collect(),
    }))
}

/// The rows of a CSV file the run wrote, header left out.
fn read_csv(path: &Path) -> Result<Vec<csv::StringRecord>, CliError> {
    let bad = |e: csv::Error| CliError::Usage(format!("{}: {e}", path.display()));
    csv::Reader::from_path(path)
        .map_err(bad)?
        .records()
        .collect::<Result<_, _>>()
        .map_err(bad)
}

fn cards(profiles: &Value) -> Vec<SegmentCard> {
    let segments = list(&profiles["segments"]);
    let clusters = segments.iter().filter(|s| s["kind"] == "cluster").count();
    let mut rule_index = 0;
    segments
        .iter()
        .map(|s| {
            let kind = text(&s["kind"]);
            let colour = if kind == "cluster" {
                s["name"].as_str().and_then(|n| n.parse().ok()).unwrap_or(0)
            } else {
                rule_index += 1;
                clusters + rule_index - 1
            };
            let explanation = &s["explanation"];
            SegmentCard {
                id: text(&s["name"]),
                name: text(&s["generated_name"]),
                rule: s["rule"].as_str().map(str::to_string),
                size: count(&s["size"]),
                share: num(&s["share"]),
                distinguishing: list(&s["distinguishing"])
                    .iter()
                    .map(|d| {
                        (
                            text(&d["feature"]),
                            num(&d["d"]),
                            num(&d["segment_mean"]),
                            num(&d["rest_mean"]),
                        )
                    })
                    .collect(),
                explanation: list(&explanation["rules"])
                    .iter()
                    .map(|r| (text(&r["text"]), num(&r["coverage"]), num(&r["precision"])))
                    .collect(),
                fidelity: explanation["fidelity"]["f1"].as_f64(),
                mix: firmographics(s),
                actions: list(&s["actions"])
                    .iter()
                    .map(|a| (text(&a["action"]), text(&a["reason"])))
                    .collect(),
                colour,
                kind,
            }
        })
        .collect()
}

/// The most common value of each firmographic feature in the segment, when it is more common
/// there than in the population.
fn firmographics(segment: &Value) -> Vec<(String, String, f64, f64)> {
    let categorical = list(&segment["categorical"]);
    FIRMOGRAPHICS
        .iter()
        .filter_map(|feature| {
            let c = categorical.iter().find(|c| c["feature"] == *feature)?;
            let top = list(&c["values"]).first()?;
            Some((
                feature.to_string(),
                text(&top["value"]),
                num(&top["share"]),
                num(&top["lift"]),
            ))
        })
        .collect()
}

fn heatmap(profiles: &Value, names: &BTreeMap<String, String>) -> Option<Heatmap> {
    let clusters: Vec<&Value> = list(&profiles["segments"])
        .iter()
        .filter(|s| s["kind"] == "cluster")
        .collect();
    if clusters.is_empty() {
        return None;
    }
    let mut columns: Vec<String> = Vec::new();
    for rank in 0..5 {
        for s in &clusters {
            if let Some(d) = list(&s["distinguishing"]).get(rank) {
                let feature = text(&d["feature"]);
                if columns.len() < HEATMAP_FEATURES && !columns.contains(&feature) {
                    columns.push(feature);
                }
            }
        }
    }
    let values = clusters
        .iter()
        .map(|s| {
            let d: BTreeMap<String, f64> = list(&s["numeric"])
                .iter()
                .map(|n| (text(&n["feature"]), num(&n["d"])))
                .collect();
            columns
                .iter()
                .map(|c| d.get(c).copied().unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    Some(Heatmap {
        rows: clusters
            .iter()
            .map(|s| cluster_label(names, &text(&s["name"])))
            .collect(),
        columns,
        values,
    })
}

fn numbers(table: &FeatureTable, name: &str) -> Result<Option<Vec<Option<f64>>>, CliError> {
    Ok(match table.column(name)? {
        Some(ColumnValues::Numbers(values)) => Some(values),
        _ => None,
    })
}

fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

fn value_engagement(
    dir: &Path,
    numbers: &FeatureNumbers<'_>,
    names: &BTreeMap<String, String>,
) -> Result<Option<ValueEngagement>, CliError> {
    let mut value = None;
    for name in VALUE_FEATURES {
        if let Some(v) = numbers(name)? {
            value = Some((name, v));
            break;
        }
    }
    let mut engagement = None;
    for name in ENGAGEMENT_FEATURES {
        if let Some(v) = numbers(name)? {
            engagement = Some((name, v));
            break;
        }
    }
    let (Some((value_name, values)), Some((engagement_name, engagements))) = (value, engagement)
    else {
        return Ok(None);
    };
    let labels: Vec<Option<usize>> = read_csv(&dir.join(super::segment::SEGMENTS_TABLE))?
        .iter()
        .map(|r| r.get(1).and_then(|l| l.parse().ok()))
        .collect();
    let k = labels.iter().flatten().max().map_or(0, |m| m + 1);
    let x: Vec<Option<f64>> = values.iter().map(|v| v.map(|v| v.max(0.0))).collect();
    let mut by_segment: Vec<(Vec<f64>, Vec<f64>)> = vec![(Vec::new(), Vec::new()); k];
    let (mut all_x, mut all_y) = (Vec::new(), Vec::new());
    let mut points = Vec::new();
    let draw = drawn(&labels);
    for (i, ((xv, yv), label)) in x.iter().zip(&engagements).zip(&labels).enumerate() {
        let (Some(xv), Some(yv), Some(label)) = (xv, yv, label) else {
            continue;
        };
        by_segment[*label].0.push(*xv);
        by_segment[*label].1.push(*yv);
        all_x.push(*xv);
        all_y.push(*yv);
        if draw[i] {
            points.push((*xv, *yv, *label));
        }
    }
    let segment_names: Vec<String> = (0..k)
        .map(|l| cluster_label(names, &l.to_string()))
        .collect();
    let segments = by_segment
        .iter_mut()
        .enumerate()
        .filter(|(_, (xs, _))| !xs.is_empty())
        .map(|(l, (xs, ys))| {
            let n = xs.len() as u64;
            (segment_names[l].clone(), median(xs), median(ys), n)
        })
        .collect();
    Ok(Some(ValueEngagement {
        value: value_name.into(),
        engagement: engagement_name.into(),
        log_value: true,
        points,
        segments,
        medians: (
            median(&mut all_x.into_iter().filter(|v| *v > 0.0).collect::<Vec<_>>()),
            median(&mut all_y),
        ),
        names: segment_names,
    }))
}

/// The rule segments of the `rules` stage; `definitions` are the project's `[[segments]]` as
/// the run recorded them.
fn rules(stage: Option<&Value>, definitions: &Value) -> Vec<RuleRow> {
    let Some(stage) = stage else {
        return Vec::new();
    };
    list(&stage["segments"])
        .iter()
        .map(|s| {
            let name = text(&s["name"]);
            RuleRow {
                within: list(definitions)
                    .iter()
                    .find(|d| d["name"] == name.as_str())
                    .and_then(|d| d["within"].as_str().map(str::to_string)),
                description: text(&s["description"]),
                rule: text(&s["rule"]),
                accounts: count(&s["accounts"]),
                share: num(&s["share"]),
                name,
            }
        })
        .collect()
}

fn tags(stage: Option<&Value>) -> Vec<TagRow> {
    let Some(stage) = stage else {
        return Vec::new();
    };
    list(&stage["tags"])
        .iter()
        .map(|t| TagRow {
            name: text(&t["name"]),
            on: text(&t["on"]),
            accounts: count(&t["accounts"]),
            contacts: count(&t["contacts"]),
            expired: count(&t["expired"]),
            removed: count(&t["removed"]),
        })
        .collect()
}

fn exports(stage: Option<&Value>) -> Vec<ExportRow> {
    let Some(stage) = stage else {
        return Vec::new();
    };
    list(stage)
        .iter()
        .map(|e| ExportRow {
            file: text(&e["file"]),
            segment: text(&e["segment"]),
            of: text(&e["of"]),
            format: text(&e["format"]),
            rows: count(&e["rows"]),
            excluded_without_consent: count(&e["excluded_without_consent"]),
        })
        .collect()
}

fn stability(segment: &Value, names: &BTreeMap<String, String>) -> Option<StabilityFigures> {
    let s = segment.get("stability")?;
    Some(StabilityFigures {
        runs: count(&s["runs"]) as usize,
        fraction: num(&s["fraction"]),
        mean_ari: num(&s["mean_ari"]),
        segments: list(&s["segments"])
            .iter()
            .map(|c| {
                (
                    cluster_label(names, &text(&c["segment"])),
                    num(&c["mean_jaccard"]),
                    num(&c["dissolved"]),
                )
            })
            .collect(),
    })
}

fn changes(
    previous: &Previous<'_>,
    record: &RunRecord,
    dir: &Path,
    names: &BTreeMap<String, String>,
) -> Result<Changes, CliError> {
    let before = read_memberships(previous.dir)?;
    let now = read_memberships(dir)?;
    let d = diff(
        &Side {
            id: &previous.record.id,
            memberships: &before,
            parameters: &previous.record.parameters,
            inputs: &previous.record.inputs,
        },
        &Side {
            id: &record.id,
            memberships: &now,
            parameters: &record.parameters,
            inputs: &record.inputs,
        },
    );
    let label = |segment: &str| {
        segment
            .strip_prefix("cluster ")
            .map_or(segment.to_string(), |l| cluster_label(names, l))
    };
    let mut changes = Changes {
        previous: previous.record.id.clone(),
        segments: d
            .segments
            .iter()
            .map(|s| {
                (
                    s.segment.clone(),
                    s.accounts_from,
                    s.accounts_to,
                    s.entered,
                    s.left,
                )
            })
            .collect(),
        settings: d
            .settings
            .iter()
            .map(|s| (s.key.clone(), s.from.to_string(), s.to.to_string()))
            .collect(),
        inputs: d.inputs.iter().map(|i| i.path.clone()).collect(),
        ..Changes::default()
    };
    if let Some(c) = &d.clustered {
        changes.common = c.common;
        changes.added = c.added;
        changes.removed = c.removed;
        changes.adjusted_rand_index = c.adjusted_rand_index;
        changes.moved = c.moved;
        let matched = |from: &str, to: &str| {
            c.matching
                .iter()
                .any(|m| m.from == from && m.to.as_deref() == Some(to))
        };
        let mut moves: Vec<(String, String, usize)> = c
            .movements
            .iter()
            .filter(|m| !matched(&m.from, &m.to))
            .map(|m| {
                (
                    format!("{} (previous run)", m.from),
                    label(&m.to),
                    m.accounts,
                )
            })
            .collect();
        moves.sort_by_key(|m| std::cmp::Reverse(m.2));
        moves.truncate(10);
        changes.movements = moves;
    }
    Ok(changes)
}

fn read_curve(path: &Path, x: &str, y: &str) -> Result<Vec<(f64, f64)>, CliError> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let bad = |e: csv::Error| CliError::Usage(format!("{}: {e}", path.display()));
    let mut reader = csv::Reader::from_path(path).map_err(bad)?;
    let headers = reader.headers().map_err(bad)?.clone();
    let (Some(xi), Some(yi)) = (
        headers.iter().position(|h| h == x),
        headers.iter().position(|h| h == y),
    ) else {
        return Ok(Vec::new());
    };
    let mut points = Vec::new();
    for row in reader.records() {
        let row = row.map_err(bad)?;
        if let (Some(Ok(a)), Some(Ok(b))) =
            (row.get(xi).map(str::parse), row.get(yi).map(str::parse))
        {
            points.push((a, b));
        }
    }
    Ok(points)
}

fn scores(stage: Option<&Value>, dir: &Path) -> Result<Vec<ScoreSection>, CliError> {
    let Some(stage) = stage else {
        return Ok(Vec::new());
    };
    let mut sections = Vec::new();
    for s in list(stage) {
        let name = text(&s["name"]);
        let folder = dir.join("scores").join(&name);
        let Some(m) = read_json(&folder.join("metrics.json"))? else {
            continue;
        };
        let test = &m["test"];
        let chosen = list(&m["candidates"])
            .iter()
            .max_by(|a, b| num(&a["mean_auc"]).total_cmp(&num(&b["mean_auc"])));
        let mut importance: Vec<(String, f64)> = list(&m["importance"])
            .iter()
            .map(|i| (text(&i["column"]), num(&i["permutation"])))
            .collect();
        importance.sort_by(|a, b| b.1.total_cmp(&a.1));
        importance.truncate(12);
        sections.push(ScoreSection {
            model: text(&m["model"]),
            rows: count(&m["rows"]),
            positives: count(&m["positives"]),
            split: text(&m["split"]["method"]),
            test: [
                ("AUC", "auc"),
                ("average precision", "average_precision"),
                ("log-loss", "log_loss"),
                ("Brier score", "brier"),
                ("F1", "f1"),
            ]
            .iter()
            .filter_map(|(label, key)| test[key].as_f64().map(|v| (label.to_string(), v)))
            .collect(),
            cv_auc: chosen.map(|c| (num(&c["mean_auc"]), num(&c["sd_auc"]))),
            threshold: (
                num(&m["threshold"]["threshold"]),
                text(&m["threshold"]["rule"]),
            ),
            scored: (count(&s["scored"]), count(&s["predicted_positive"])),
            roc: read_curve(&folder.join("roc.csv"), "fpr", "tpr")?,
            pr: read_curve(&folder.join("pr.csv"), "recall", "precision")?,
            calibration: read_curve(
                &folder.join("calibration.csv"),
                "mean_predicted",
                "fraction_positive",
            )?,
            gains: list(&m["gains"])
                .iter()
                .map(|g| {
                    (
                        count(&g["band"]),
                        count(&g["rows"]),
                        count(&g["positives"]),
                        num(&g["lift"]),
                        num(&g["cumulative_gain"]),
                    )
                })
                .collect(),
            importance,
            name,
        });
    }
    Ok(sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_data_is_drawn_whole_and_large_data_stratified() {
        let small: Vec<Option<usize>> = (0..50).map(|i| (i % 7 != 0).then_some(i % 3)).collect();
        let draw = drawn(&small);
        assert!(draw.iter().zip(&small).all(|(d, l)| *d == l.is_some()));

        // 20,000 rows: segments of 19,650, 300 and 50 rows, interleaved.
        let labels: Vec<Option<usize>> = (0..20_000)
            .map(|i| {
                Some(match i % 400 {
                    0..=5 => 1,
                    6 => 2,
                    _ => 0,
                })
            })
            .collect();
        let draw = drawn(&labels);
        let count = |segment| {
            labels
                .iter()
                .zip(&draw)
                .filter(|(l, d)| **d && **l == Some(segment))
                .count()
        };
        // The large segment keeps its share, the middle one its minimum (its share is 45),
        // the smallest is drawn whole.
        assert_eq!((count(0), count(1), count(2)), (2_947, 100, 50));
        // Evenly spaced: the large segment's drawn rows are never far apart.
        let rows: Vec<usize> = (0..labels.len())
            .filter(|&i| draw[i] && labels[i] == Some(0))
            .collect();
        assert!(rows.windows(2).all(|w| w[1] - w[0] <= 16), "{rows:?}");
    }
}
