//! Times `deduplicate` on a CSV file and prints one JSON line: records, candidate pairs,
//! seconds (reading apart, then per stage), throughput, peak memory and, given the true pairs,
//! precision, recall and F1. Used by `benches/dedup.sh`.
//!
//! ```text
//! cargo run --release -p cible-dedup --example dedup_bench -- FILE --id COLUMN \
//!     --fields name:jaro_winkler,email:exact [--truth PAIRS.csv]
//! ```

use std::collections::HashMap;
use std::error::Error;
use std::time::Instant;

use cible_dedup::{DedupParams, FieldSpec, Records, deduplicate, pair_scores};

/// Peak resident memory of this process, in MiB (Linux's `VmHWM`).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let option = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let file = args
        .first()
        .ok_or("usage: dedup_bench FILE --id COLUMN --fields SPECS")?;
    let id_column = option("--id").ok_or("--id COLUMN is required")?;
    let fields: Vec<FieldSpec> = option("--fields")
        .ok_or("--fields is required")?
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()?;

    let started = Instant::now();
    let mut reader = csv::Reader::from_path(file)?;
    let headers = reader.headers()?.clone();
    let position: HashMap<&str, usize> = headers.iter().enumerate().map(|(i, h)| (h, i)).collect();
    let id = *position
        .get(id_column.as_str())
        .ok_or("no such id column")?;
    let wanted: Vec<usize> = fields
        .iter()
        .map(|f| {
            position
                .get(f.column.as_str())
                .copied()
                .ok_or("no such field")
        })
        .collect::<Result<_, _>>()?;
    let mut ids = Vec::new();
    let mut columns: Vec<Vec<Option<String>>> = vec![Vec::new(); wanted.len()];
    for row in reader.records() {
        let row = row?;
        let value = |i: usize| Some(row.get(i)?.to_string()).filter(|v| !v.is_empty());
        ids.push(value(id));
        for (column, &i) in columns.iter_mut().zip(&wanted) {
            column.push(value(i));
        }
    }
    let named = fields
        .iter()
        .map(|f| f.column.clone())
        .zip(columns)
        .collect();
    let records = Records::new(ids, named)?;
    let read_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let result = deduplicate(&records, None, &DedupParams::new().fields(fields))?;
    let seconds = started.elapsed().as_secs_f64();

    let scores = match option("--truth") {
        Some(path) => {
            let mut truth = Vec::new();
            for row in csv::Reader::from_path(path)?.records() {
                let row = row?;
                truth.push((row[0].to_string(), row[1].to_string()));
            }
            let found = result
                .pairs
                .iter()
                .map(|p| (p.id_a.as_str(), p.id_b.as_str()));
            let truth = truth.iter().map(|(a, b)| (a.as_str(), b.as_str()));
            Some(pair_scores(found, truth))
        }
        None => None,
    };
    let stats = &result.stats;
    let report = serde_json::json!({
        "records": stats.records,
        "candidate_pairs": stats.candidate_pairs,
        "training_pairs": stats.training_pairs,
        "matched_pairs": result.pairs.len(),
        "entities": stats.entities,
        "read_seconds": read_seconds,
        "seconds": seconds,
        "stage_seconds": stats.seconds,
        "records_per_second": stats.records as f64 / seconds,
        "candidate_pairs_per_second": stats.candidate_pairs as f64 / seconds,
        "peak_rss_mib": peak_rss_mib(),
        "scores": scores,
    });
    println!("{report}");
    Ok(())
}
