//! `cible dedup`: deduplicate any table.

use std::path::{Path, PathBuf};
use std::time::Instant;

use cible_core::project::{Encoding, SourceFormat};
use cible_data::{RejectsWriter, read_table};
use cible_dedup::{
    Dedup, DedupError, DedupParams, FieldSpec, PairScores, Records, deduplicate, pair_scores,
};
use cible_store::StagingDir;
use clap::Args;
use serde::Serialize;

use super::FormatArg;
use crate::error::CliError;
use crate::output::{Output, count, shown};
use crate::pipeline::{read_pairs, write_lineage};

/// Find the records of any table that are the same entity, without labels.
///
/// Writes OUT/pairs.csv (id_a,id_b,match_probability: every pair of records put in the same
/// entity), OUT/entities.csv (id,entity_id: every record exactly once; an entity's id is its
/// smallest record id), OUT/model.json (the learned Fellegi-Sunter weights, the blocking
/// report and timings) and OUT/rejects.csv (rows that could not be read). Without --fields,
/// comparators are chosen from column names and values.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cible dedup people.csv --id rec_id --out dedup
  cible dedup crm.csv --id Id --fields \"Raison sociale:jaccard,SIREN:exact,Code postal:levenshtein\" --out dedup
  cible dedup febrl2.csv --id rec_id --truth febrl2_true_pairs.csv --out dedup --format json")]
pub struct DedupArgs {
    /// The table: CSV, Parquet or NDJSON.
    file: PathBuf,
    /// The column that identifies records.
    #[arg(long, value_name = "COLUMN")]
    id: String,
    /// Fields to compare, comma-separated, each COLUMN or COLUMN:COMPARATOR (exact,
    /// jaro_winkler, levenshtein, jaccard, numeric, date) [default: chosen automatically].
    #[arg(long, value_delimiter = ',', value_name = "COLUMN[:COMPARATOR]")]
    fields: Vec<FieldSpec>,
    /// Match probability from which two records are the same entity.
    #[arg(long, default_value_t = 0.9)]
    threshold: f64,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// True duplicate pairs (a CSV whose first two columns are ids): prints precision, recall
    /// and F1 of the pairs found.
    #[arg(long, value_name = "FILE")]
    truth: Option<PathBuf>,
    /// Input format: csv, parquet or ndjson [default: from the extension].
    #[arg(long)]
    input_format: Option<SourceFormat>,
    /// CSV delimiter [default: detected].
    #[arg(long)]
    delimiter: Option<char>,
    /// CSV encoding: auto, utf-8 or latin-1.
    #[arg(long, default_value = "auto")]
    encoding: Encoding,
    /// Random seed (the pairs sampled to learn the model).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    #[command(flatten)]
    format: FormatArg,
}

#[derive(Debug, Serialize)]
struct Summary<'a> {
    file: &'a Path,
    records: usize,
    rejected_rows: usize,
    stats: &'a cible_dedup::DedupStats,
    lambda: f64,
    prior: f64,
    em_iterations: usize,
    truth: Option<PairScores>,
    outputs: Vec<PathBuf>,
    seconds: f64,
}

/// Runs `cible dedup`.
pub fn run(args: &DedupArgs, quiet: bool, json: bool) -> Result<(), CliError> {
    let out = args.format.output(quiet, json);
    let started = Instant::now();
    let params = DedupParams::new()
        .fields(args.fields.clone())
        .threshold(args.threshold)
        .seed(args.seed);
    params.check()?;
    let delimiter = match args.delimiter {
        Some(c) if c.is_ascii() => Some(c as u8),
        Some(c) => {
            return Err(CliError::Usage(format!(
                "--delimiter {c:?}: expected one ASCII character"
            )));
        }
        None => None,
    };
    let spinner = out.count_bar(0, format!("reading {}", shown(&args.file)));
    let (table, read_rejects) =
        read_table(&args.file, args.input_format, delimiter, args.encoding)?;
    spinner.finish_and_clear();
    let id_index = table.column_index(&args.file, &args.id)?;
    if table.is_empty() {
        return Err(CliError::Usage(format!(
            "{}: the table has no records",
            args.file.display()
        )));
    }
    let ids = table.values[id_index].clone();
    let columns = table
        .columns
        .iter()
        .cloned()
        .zip(table.values.iter().cloned())
        .collect();
    let line = |row: usize| table.lines[row - 1];
    let records = Records::new(ids, columns).map_err(|e| match e {
        DedupError::DuplicateId { id, first, second } => CliError::Usage(format!(
            "{}: duplicate id {id:?} in column \"{}\" on lines {} and {}: ids must be unique",
            args.file.display(),
            args.id,
            line(first),
            line(second)
        )),
        DedupError::MissingId { row } => CliError::Usage(format!(
            "{}:{}: no value in the id column \"{}\"",
            args.file.display(),
            line(row),
            args.id
        )),
        other => other.into(),
    })?;
    let spinner = out.count_bar(
        0,
        format!("deduplicating {} records", count(records.len() as u64)),
    );
    let result = deduplicate(&records, Some(&args.id), &params)?;
    spinner.finish_and_clear();
    let truth = match &args.truth {
        Some(path) => Some(score(&result, path)?),
        None => None,
    };
    let staging = StagingDir::new(&args.out)?;
    write_lineage(
        &records,
        &result,
        &staging.path("entities.csv"),
        &staging.path("pairs.csv"),
    )?;
    let mut rejects = RejectsWriter::create(&staging.path("rejects.csv"))?;
    rejects.write(&read_rejects)?;
    rejects.finish()?;
    let outputs = ["pairs.csv", "entities.csv", "model.json", "rejects.csv"]
        .iter()
        .map(|f| staging.final_path(f))
        .collect();
    let summary = Summary {
        file: &args.file,
        records: records.len(),
        rejected_rows: read_rejects.len(),
        stats: &result.stats,
        lambda: result.model.lambda,
        prior: result.model.prior,
        em_iterations: result.model.iterations,
        truth,
        outputs,
        seconds: started.elapsed().as_secs_f64(),
    };
    // model.json carries the summary too, so that a run can be inspected later.
    let model_json =
        serde_json::json!({ "model": result.model, "params": params, "summary": summary });
    std::fs::write(
        staging.path("model.json"),
        serde_json::to_vec_pretty(&model_json).unwrap_or_default(),
    )
    .map_err(CliError::io(&staging.path("model.json")))?;
    staging.publish()?;
    print_summary(&out, &summary, &result);
    out.json(&summary);
    Ok(())
}

fn score(result: &Dedup, path: &Path) -> Result<PairScores, CliError> {
    let truth = read_pairs(path)?;
    Ok(pair_scores(
        result
            .pairs
            .iter()
            .map(|p| (p.id_a.as_str(), p.id_b.as_str())),
        truth.iter().map(|(a, b)| (a.as_str(), b.as_str())),
    ))
}

fn print_summary(out: &Output, s: &Summary<'_>, result: &Dedup) {
    let stats = s.stats;
    out.line(format!(
        "{}: {} records, {} fields compared{}",
        shown(s.file),
        count(s.records as u64),
        stats.fields.len(),
        if s.rejected_rows > 0 {
            format!(
                " ({} unreadable rows in rejects.csv)",
                count(s.rejected_rows as u64)
            )
        } else {
            String::new()
        }
    ));
    let fields: Vec<String> = stats
        .fields
        .iter()
        .map(|f| format!("{} ({})", f.column, f.comparator))
        .collect();
    out.line(format!("  fields    {}", fields.join(", ")));
    out.line(format!(
        "  blocking  {} candidate pairs ({:.1} per record)",
        count(stats.candidate_pairs),
        stats.candidate_pairs as f64 / s.records.max(1) as f64
    ));
    // Combinations of two skipped rules can be many: counted, listed in model.json.
    let (combined, single): (Vec<_>, Vec<_>) = stats
        .blocking
        .iter()
        .filter(|r| !r.skipped)
        .partition(|r| r.rule.contains(" & "));
    let mut used: Vec<String> = single
        .iter()
        .map(|r| format!("{} {}", r.rule, count(r.pairs)))
        .collect();
    if !combined.is_empty() {
        used.push(format!(
            "{} combinations of two skipped rules {}",
            combined.len(),
            count(combined.iter().map(|r| r.pairs).sum())
        ));
    }
    out.line(format!("            {}", used.join(" · ")));
    let skipped: Vec<String> = stats
        .blocking
        .iter()
        .filter(|r| r.skipped)
        .map(|r| format!("{} ({})", r.rule, count(r.pairs)))
        .collect();
    if !skipped.is_empty() {
        out.line(format!(
            "            too unselective, skipped: {}",
            skipped.join(", ")
        ));
    }
    out.line(format!(
        "  model     {:.2}% of candidate pairs are matches (EM, {} iterations{}); prior: 1 random pair in {} matches",
        100.0 * result.model.lambda,
        result.model.iterations,
        if result.model.converged {
            ""
        } else {
            ", not converged"
        },
        count((1.0 / result.model.prior).round() as u64)
    ));
    out.line(format!(
        "  matched   {} pairs → {} entities (largest {} records, {} chains split)",
        count(stats.matched_pairs),
        count(stats.entities as u64),
        stats.largest_entity,
        stats.split_components
    ));
    if let Some(t) = &s.truth {
        out.line(format!(
            "  vs truth  precision {:.4}, recall {:.4}, F1 {:.4} ({} found, {} missed, {} wrong)",
            t.precision,
            t.recall,
            t.f1,
            count(t.true_positives),
            count(t.false_negatives),
            count(t.false_positives)
        ));
    }
    let outputs: Vec<String> = s.outputs.iter().map(|p| shown(p)).collect();
    out.line(format!(
        "  wrote     {} ({:.2} s)",
        outputs.join(", "),
        s.seconds
    ));
}
