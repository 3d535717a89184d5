//! The generation run: accounts in parallel batches, files written as they come, then moved
//! into place.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::dirt::Kind;
use crate::error::GenerateError;
use crate::layout::{self, DataLayout};
use crate::params::{GenerateParams, OutputFormat};
use crate::segment::Segment;
use crate::sources::data_path;
use crate::world::{Chunk, Stats, World};
use crate::writer::{CsvStyle, Sink};

/// Accounts generated per task: enough to amortise scheduling.
const CHUNK: usize = 128;
/// Accounts per batch: generated in parallel while the previous batch is written; duplicate
/// records are written at the end of their batch.
const BATCH: usize = 8192;
/// The folder, inside the output folder, where files are written before they are moved into
/// place.
pub const TMP_DIR: &str = ".tmp-generate";

/// What a run wrote.
#[derive(Debug, Clone, Serialize)]
pub struct GenerateSummary {
    /// The data files: canonical table, path, number of data rows (duplicates included).
    pub files: Vec<(String, PathBuf, u64)>,
    /// The truth files (`segments`, `duplicate_accounts`, `duplicate_contacts`,
    /// `conversions`, `dirt`), with path and number of rows; `manifest.json` is beside them.
    pub truth_files: Vec<(String, PathBuf, u64)>,
    /// Accounts per latent segment.
    pub segments: Vec<(String, u64)>,
    /// Accounts that are prospects at the reference date.
    pub prospects: u64,
    /// Prospects that convert in the 90 days after it.
    pub converted: u64,
    /// Planted duplicate account records.
    pub duplicate_accounts: u64,
    /// Planted duplicate contact records.
    pub duplicate_contacts: u64,
    /// Planted missing values.
    pub missing: u64,
    /// Planted outliers.
    pub outliers: u64,
    /// Planted malformed values.
    pub malformed: u64,
    /// Wall-clock time of the run.
    pub seconds: f64,
}

fn io_error<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl FnOnce(std::io::Error) -> GenerateError + 'a {
    move |source| GenerateError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

fn open_data(layout: &DataLayout, format: OutputFormat, dir: &Path) -> Result<Sink, GenerateError> {
    let path = dir.join(data_path(layout, format));
    let headers: Vec<&str> = layout.headers().collect();
    match (format, layout.stem) {
        (OutputFormat::Parquet, _) => Sink::parquet(path, &headers),
        (OutputFormat::Csv, "web_events") => Sink::ndjson(path, &headers, layout::evt::PROPERTIES),
        (OutputFormat::Csv, stem) => {
            let style = match stem {
                // Excel on Windows: BOM and CRLF.
                "crm_accounts" => CsvStyle {
                    delimiter: b';',
                    cp1252: false,
                    bom: true,
                    crlf: true,
                },
                "erp_orders" => CsvStyle {
                    delimiter: b';',
                    cp1252: true,
                    bom: false,
                    crlf: true,
                },
                _ => CsvStyle::PLAIN,
            };
            Sink::csv(path, &headers, style)
        }
    }
}

fn write_batch(
    chunks: &[Chunk],
    data: &mut [Sink],
    truth: &mut [Sink],
    stats: &mut Stats,
) -> Result<(), GenerateError> {
    for chunk in chunks {
        for (sink, rows) in data.iter_mut().zip(&chunk.data) {
            sink.write(rows)?;
        }
        for (sink, rows) in truth.iter_mut().zip(&chunk.truth) {
            sink.write(rows)?;
        }
        stats.add(&chunk.stats);
    }
    for chunk in chunks {
        for (sink, rows) in data.iter_mut().zip(&chunk.duplicates) {
            sink.write(rows)?;
        }
    }
    Ok(())
}

/// Generates the demo world into `out`: the four data files under `out/data/` and the truth
/// under `out/truth/`. Files are written under `out/.tmp-generate/` and moved into place only
/// once all are complete, so an interrupted run leaves no half-written data set.
/// `progress(stage, done, total)` is called as accounts are written (stage `generate`).
pub fn generate(
    params: &GenerateParams,
    out: &Path,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<GenerateSummary, GenerateError> {
    let started = Instant::now();
    params.check()?;
    let tmp = out.join(TMP_DIR);
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(io_error("remove", &tmp))?;
    }
    for sub in ["data", "truth"] {
        let dir = tmp.join(sub);
        fs::create_dir_all(&dir).map_err(io_error("create", &dir))?;
    }
    let mut data = layout::DATA
        .iter()
        .map(|l| open_data(l, params.format, &tmp))
        .collect::<Result<Vec<_>, _>>()?;
    let mut truth = layout::TRUTH
        .iter()
        .map(|t| {
            Sink::csv(
                tmp.join(format!("truth/{}.csv", t.name)),
                t.columns,
                CsvStyle::PLAIN,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;

    let world = World::new(params.seed, params.as_of, params.accounts);
    let total = params.accounts;
    let mut stats = Stats::default();
    let mut pending: Option<Vec<Chunk>> = None;
    progress("generate", 0, total as u64);
    let mut start = 0;
    while start < total || pending.is_some() {
        let end = (start + BATCH).min(total);
        // Write the previous batch while this one is generated.
        let (written, chunks) = rayon::join(
            || match pending.take() {
                Some(chunks) => write_batch(&chunks, &mut data, &mut truth, &mut stats),
                None => Ok(()),
            },
            || {
                (start..end)
                    .step_by(CHUNK)
                    .collect::<Vec<_>>()
                    .into_par_iter()
                    .map(|s| world.chunk(s..(s + CHUNK).min(end)))
                    .collect::<Vec<_>>()
            },
        );
        written?;
        if start > 0 {
            progress("generate", start as u64, total as u64);
        }
        pending = (!chunks.is_empty()).then_some(chunks);
        start = end;
    }

    let data_files = data
        .into_iter()
        .map(Sink::finish)
        .collect::<Result<Vec<_>, _>>()?;
    let truth_files = truth
        .into_iter()
        .map(Sink::finish)
        .collect::<Result<Vec<_>, _>>()?;
    let relative = |path: &Path| path.strip_prefix(&tmp).unwrap_or(path).to_path_buf();
    let manifest = serde_json::json!({
        "generator": concat!("cible-generator ", env!("CARGO_PKG_VERSION")),
        "params": params,
        "files": data_files.iter().map(|(p, n)| (relative(p).display().to_string(), (*n).into())).collect::<serde_json::Map<_, _>>(),
        "truth": truth_files.iter().map(|(p, n)| (relative(p).display().to_string(), (*n).into())).collect::<serde_json::Map<_, _>>(),
        "segments": Segment::ALL.iter().map(|s| (s.name().to_string(), stats.segments[*s as usize].into())).collect::<serde_json::Map<_, _>>(),
        "duplicates": { "accounts": stats.duplicate_accounts, "contacts": stats.duplicate_contacts },
        "conversions": { "prospects": stats.prospects, "converted": stats.converted },
        "dirt": Kind::ALL.iter().map(|k| (k.name().to_string(), stats.dirt[*k as usize].into())).collect::<serde_json::Map<_, _>>(),
    });
    let manifest_path = tmp.join("truth/manifest.json");
    let mut text = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| io_error("write", &manifest_path)(e.into()))?;
    text.push(b'\n');
    fs::write(&manifest_path, text).map_err(io_error("write", &manifest_path))?;

    // Move everything into place.
    for (path, _) in data_files
        .iter()
        .chain(&truth_files)
        .chain([&(manifest_path, 0)])
    {
        let target = out.join(relative(path));
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(io_error("create", dir))?;
        }
        fs::rename(path, &target).map_err(io_error("rename", path))?;
    }
    fs::remove_dir_all(&tmp).map_err(io_error("remove", &tmp))?;
    progress("generate", total as u64, total as u64);

    let named = |names: &mut dyn Iterator<Item = &str>, files: &[(PathBuf, u64)]| {
        names
            .zip(files)
            .map(|(name, (p, n))| (name.to_string(), out.join(relative(p)), *n))
            .collect()
    };
    Ok(GenerateSummary {
        files: named(
            &mut layout::DATA.iter().map(|l| l.table.name()),
            &data_files,
        ),
        truth_files: named(&mut layout::TRUTH.iter().map(|t| t.name), &truth_files),
        segments: Segment::ALL
            .iter()
            .map(|s| (s.name().to_string(), stats.segments[*s as usize]))
            .collect(),
        prospects: stats.prospects,
        converted: stats.converted,
        duplicate_accounts: stats.duplicate_accounts,
        duplicate_contacts: stats.duplicate_contacts,
        missing: stats.dirt[Kind::Missing as usize],
        outliers: stats.dirt[Kind::Outlier as usize],
        malformed: stats.dirt[Kind::Malformed as usize],
        seconds: started.elapsed().as_secs_f64(),
    })
}
