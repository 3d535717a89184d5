//! The run catalog: `WORKSPACE/catalog.sqlite`, an SQLite index of the workspace's runs.
//!
//! The run folders stay the source of truth; the catalog indexes them so that runs can be
//! listed, compared and queried without reading every folder: runs with their settings,
//! inputs (with SHA-256), stages (with timings and details), outputs, metrics (the
//! segmentation's k, silhouette, Calinski–Harabasz, Davies–Bouldin), models (the
//! segmentation's `segments/model.json`), segment definitions and every account's segment
//! memberships. Recording a run is one transaction: it is in the catalog whole or not at all.
//!
//! Because it is only an index, the catalog heals and rebuilds: [`Catalog::sync`] records
//! every committed run folder it lacks (a crash between a run's commit and its recording is
//! repaired by the next command) and forgets runs whose folder was removed;
//! [`Catalog::rebuild`] moves an unreadable file aside and indexes every run folder again.
//!
//! The schema's version is SQLite's `PRAGMA user_version`; each version has one migration
//! function, run in order, each in its own transaction.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;
use rusqlite::{Connection, Transaction, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::segments::{
    Membership, SegmentDefinition, SegmentKind, read_memberships, segment_definitions,
};
use crate::{InputRecord, OutputRecord, RunRecord, StageRecord, StoreError, Workspace};

/// The catalog's file name in the workspace.
pub const CATALOG_FILE: &str = "catalog.sqlite";

/// The schema version this build writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: u32 = 1;

/// The segmentation model of a run, relative to the run folder.
const SEGMENTATION_MODEL: &str = "segments/model.json";

/// One migration per schema version: `MIGRATIONS[v]` takes a catalog from version `v` to
/// `v + 1`.
const MIGRATIONS: [fn(&Transaction<'_>) -> rusqlite::Result<()>; SCHEMA_VERSION as usize] =
    [migrate_to_1];

fn migrate_to_1(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(
        "CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            command TEXT NOT NULL,
            cible_version TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            seconds REAL NOT NULL,
            parameters TEXT NOT NULL,
            project TEXT,
            as_of TEXT
        );
        CREATE TABLE inputs (
            run TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            source TEXT NOT NULL,
            path TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            PRIMARY KEY (run, position)
        );
        CREATE TABLE stages (
            run TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            seconds REAL NOT NULL,
            details TEXT NOT NULL,
            PRIMARY KEY (run, position)
        );
        CREATE TABLE outputs (
            run TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            path TEXT NOT NULL,
            rows INTEGER,
            bytes INTEGER NOT NULL,
            PRIMARY KEY (run, position)
        );
        CREATE TABLE metrics (
            run TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (run, name)
        );
        CREATE TABLE models (
            id TEXT PRIMARY KEY,
            run TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            format TEXT NOT NULL,
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            parameters TEXT NOT NULL,
            features TEXT NOT NULL
        );
        CREATE TABLE segment_definitions (
            kind TEXT NOT NULL CHECK (kind IN ('clustered', 'rule', 'tag')),
            name TEXT NOT NULL,
            definition TEXT NOT NULL,
            first_run TEXT NOT NULL,
            last_run TEXT NOT NULL,
            PRIMARY KEY (kind, name, definition)
        );
        CREATE TABLE memberships (
            run TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('clustered', 'rule', 'tag')),
            segment TEXT NOT NULL,
            account_id TEXT NOT NULL,
            PRIMARY KEY (run, kind, segment, account_id)
        ) WITHOUT ROWID;
        CREATE INDEX memberships_by_account ON memberships (account_id, run);",
    )
}

/// The workspace's run catalog.
#[derive(Debug)]
pub struct Catalog {
    conn: Connection,
    path: PathBuf,
}

/// What [`Catalog::sync`] changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SyncReport {
    /// Run folders recorded now.
    pub recorded: Vec<String>,
    /// Runs forgotten because their folder is gone.
    pub removed: Vec<String>,
    /// Run folders that could not be recorded, with why.
    pub unreadable: Vec<(String, String)>,
}

/// What [`Catalog::rebuild`] did.
#[derive(Debug)]
pub struct Rebuilt {
    /// The new catalog.
    pub catalog: Catalog,
    /// Where the previous file was moved, if there was one.
    pub moved_aside: Option<PathBuf>,
    /// Whether the previous file was unreadable.
    pub was_corrupt: bool,
    /// The runs indexed.
    pub sync: SyncReport,
}

/// One line of `cible runs list`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunSummary {
    /// The run's id.
    pub id: String,
    /// The command that ran.
    pub command: String,
    /// When it started (RFC 3339, UTC).
    pub started_at: String,
    /// Wall time.
    pub seconds: f64,
    /// The project's name, for project runs.
    pub project: Option<String>,
    /// The reference date of the features.
    pub as_of: Option<String>,
    /// Accounts segmented (else loaded).
    pub accounts: Option<u64>,
    /// Clustered segments found.
    pub k: Option<u64>,
    /// Mean silhouette of the segmentation.
    pub silhouette: Option<f64>,
    /// Whether the inputs' content differs from the previous run's: a source with other files
    /// or files with other SHA-256 (none for the first run).
    pub inputs_changed: Option<bool>,
}

/// A model a run produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelRecord {
    /// `RUN/KIND`.
    pub id: String,
    /// The run that fitted it.
    pub run: String,
    /// `segmentation`.
    pub kind: String,
    /// The file's own `format` field, else the cible version that wrote it.
    pub format: String,
    /// The file, relative to the run folder.
    pub path: PathBuf,
    /// SHA-256 of the file.
    pub sha256: String,
    /// The settings it was fitted with.
    pub parameters: serde_json::Value,
    /// The features it expects, in order.
    pub features: Vec<String>,
}

/// The accounts of one segment in one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentSize {
    /// How the segment is defined.
    pub kind: SegmentKind,
    /// Its name.
    pub name: String,
    /// Its accounts.
    pub accounts: u64,
}

/// A segment definition and the runs that had it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DefinitionSeen {
    /// The definition.
    #[serde(flatten)]
    pub definition: SegmentDefinition,
    /// The first run that had it.
    pub first_run: String,
    /// The last run that had it.
    pub last_run: String,
}

/// Everything the catalog knows about one run: `cible runs show`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunDetails {
    /// The summary line.
    #[serde(flatten)]
    pub summary: RunSummary,
    /// cible's version.
    pub cible_version: String,
    /// When it finished.
    pub finished_at: String,
    /// Settings.
    pub parameters: serde_json::Value,
    /// Files read.
    pub inputs: Vec<InputRecord>,
    /// Stages in order.
    pub stages: Vec<StageRecord>,
    /// Files written.
    pub outputs: Vec<OutputRecord>,
    /// Figures by name (`segmentation.silhouette`, …).
    pub metrics: BTreeMap<String, f64>,
    /// Models fitted.
    pub models: Vec<ModelRecord>,
    /// Accounts per segment.
    pub segments: Vec<SegmentSize>,
}

/// Figures of the `segment` stage recorded as metrics, under `segmentation.NAME`.
const SEGMENTATION_METRICS: [&str; 6] = [
    "k",
    "accounts",
    "silhouette",
    "calinski_harabasz",
    "davies_bouldin",
    "inertia",
];

impl Catalog {
    /// Opens the catalog of `workspace`, creating it or migrating its schema as needed. An
    /// unreadable file is a [`StoreError::CatalogCorrupted`] that says how to recover.
    pub fn open(workspace: &Workspace) -> Result<Self, StoreError> {
        Self::open_at(&workspace.root().join(CATALOG_FILE))
    }

    fn open_at(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path).map_err(sql_error(path))?;
        let mut catalog = Self {
            conn,
            path: path.to_path_buf(),
        };
        catalog
            .conn
            .busy_timeout(Duration::from_secs(10))
            .map_err(sql_error(path))?;
        catalog
            .conn
            .pragma_update(None, "foreign_keys", true)
            .map_err(sql_error(path))?;
        catalog.migrate()?;
        Ok(catalog)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let found = self.schema_version()?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::CatalogTooNew {
                path: self.path.clone(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        for version in found..SCHEMA_VERSION {
            let tx = self.conn.transaction().map_err(sql_error(&self.path))?;
            MIGRATIONS[version as usize](&tx)
                .and_then(|()| tx.pragma_update(None, "user_version", version + 1))
                .and_then(|()| tx.commit())
                .map_err(sql_error(&self.path))?;
        }
        Ok(())
    }

    /// The catalog's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the file (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        self.conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(sql_error(&self.path))
    }

    /// Records the committed run `record` of `workspace`, with the memberships, segment
    /// definitions and model read from its folder, in one transaction. Recording a run again
    /// replaces what the catalog held about it.
    pub fn record(&mut self, workspace: &Workspace, record: &RunRecord) -> Result<(), StoreError> {
        let dir = workspace.run_dir(&record.id);
        let memberships = read_memberships(&dir)?;
        let model = read_model(&dir, record)?;
        let tx = self.conn.transaction().map_err(sql_error(&self.path))?;
        write_run(&tx, record, &memberships, model.as_ref())
            .and_then(|()| tx.commit())
            .map_err(sql_error(&self.path))
    }

    /// Records every committed run folder of `workspace` that the catalog lacks, in id order,
    /// and forgets runs whose folder is gone. A folder that cannot be recorded is reported,
    /// not fatal: the others are still recorded.
    pub fn sync(&mut self, workspace: &Workspace) -> Result<SyncReport, StoreError> {
        let folders: BTreeSet<String> = workspace.run_ids()?.into_iter().collect();
        let known: BTreeSet<String> = self.run_ids()?.into_iter().collect();
        let mut report = SyncReport::default();
        for id in folders.difference(&known) {
            let recorded = workspace
                .read_record(id)
                .and_then(|record| self.record(workspace, &record));
            match recorded {
                Ok(()) => report.recorded.push(id.clone()),
                Err(e @ (StoreError::CatalogCorrupted { .. } | StoreError::Catalog { .. })) => {
                    return Err(e);
                }
                Err(e) => report.unreadable.push((id.clone(), e.to_string())),
            }
        }
        for id in known.difference(&folders) {
            self.conn
                .execute("DELETE FROM runs WHERE id = ?1", [id])
                .map_err(sql_error(&self.path))?;
            report.removed.push(id.clone());
        }
        Ok(report)
    }

    /// Moves the catalog file of `workspace` aside (to `catalog.sqlite.corrupt-TIMESTAMP`
    /// when it is unreadable, `catalog.sqlite.old-TIMESTAMP` otherwise) and indexes every run
    /// folder into a new one.
    pub fn rebuild(workspace: &Workspace) -> Result<Rebuilt, StoreError> {
        let path = workspace.root().join(CATALOG_FILE);
        let mut moved_aside = None;
        let mut was_corrupt = false;
        if path.exists() {
            was_corrupt = Self::open_at(&path).is_err();
            let stamp = Utc::now().format("%Y%m%d-%H%M%S");
            let label = if was_corrupt { "corrupt" } else { "old" };
            let aside = path.with_file_name(format!("{CATALOG_FILE}.{label}-{stamp}"));
            std::fs::rename(&path, &aside).map_err(StoreError::io(&aside))?;
            // A journal left beside the file belongs to it, not to the new catalog.
            let journal = path.with_file_name(format!("{CATALOG_FILE}-journal"));
            if journal.exists() {
                let to = aside.with_file_name(format!("{CATALOG_FILE}.{label}-{stamp}-journal"));
                std::fs::rename(&journal, &to).map_err(StoreError::io(&to))?;
            }
            moved_aside = Some(aside);
        }
        let mut catalog = Self::open_at(&path)?;
        let sync = catalog.sync(workspace)?;
        Ok(Rebuilt {
            catalog,
            moved_aside,
            was_corrupt,
            sync,
        })
    }

    /// The ids of the recorded runs, oldest first.
    pub fn run_ids(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM runs ORDER BY id")
            .map_err(sql_error(&self.path))?;
        stmt.query_map([], |row| row.get(0))
            .and_then(Iterator::collect)
            .map_err(sql_error(&self.path))
    }

    /// The id of a recorded run: `id` itself, `latest` or `previous` (the run before the
    /// latest). An unknown id is an error listing the known ones.
    pub fn resolve(&self, id: &str) -> Result<String, StoreError> {
        let ids = self.run_ids()?;
        let found = match id {
            "latest" => ids.last(),
            "previous" => ids.len().checked_sub(2).and_then(|i| ids.get(i)),
            _ => ids.iter().find(|known| *known == id),
        };
        found.cloned().ok_or_else(|| StoreError::UnknownRun {
            id: id.to_string(),
            known: ids,
        })
    }

    /// Every recorded run, oldest first, with its figures.
    pub fn runs(&self) -> Result<Vec<RunSummary>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT r.id, r.command, r.started_at, r.seconds, r.project, r.as_of,
                    COALESCE(
                        (SELECT CAST(value AS INTEGER) FROM metrics
                         WHERE run = r.id AND name = 'segmentation.accounts'),
                        (SELECT rows FROM outputs WHERE run = r.id AND name = 'accounts')),
                    (SELECT CAST(value AS INTEGER) FROM metrics
                     WHERE run = r.id AND name = 'segmentation.k'),
                    (SELECT value FROM metrics WHERE run = r.id AND name = 'segmentation.silhouette')
                 FROM runs r ORDER BY r.id",
            )
            .map_err(sql_error(&self.path))?;
        let mut runs: Vec<RunSummary> = stmt
            .query_map([], |row| {
                Ok(RunSummary {
                    id: row.get(0)?,
                    command: row.get(1)?,
                    started_at: row.get(2)?,
                    seconds: row.get(3)?,
                    project: row.get(4)?,
                    as_of: row.get(5)?,
                    accounts: row.get(6)?,
                    k: row.get(7)?,
                    silhouette: row.get(8)?,
                    inputs_changed: None,
                })
            })
            .and_then(Iterator::collect)
            .map_err(sql_error(&self.path))?;
        // Content, not paths: the same files read from another folder are the same inputs.
        let mut previous: Option<Vec<(String, String)>> = None;
        for run in &mut runs {
            let mut inputs: Vec<_> = self
                .inputs(&run.id)?
                .into_iter()
                .map(|i| (i.source, i.sha256))
                .collect();
            inputs.sort();
            run.inputs_changed = previous.as_ref().map(|p| *p != inputs);
            previous = Some(inputs);
        }
        Ok(runs)
    }

    /// Everything recorded about run `id` (as [`resolve`](Self::resolve) accepts it).
    pub fn run(&self, id: &str) -> Result<RunDetails, StoreError> {
        let id = self.resolve(id)?;
        let summary = self
            .runs()?
            .into_iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| unreachable!("a resolved run is listed"));
        let (cible_version, finished_at, parameters) = self
            .conn
            .query_row(
                "SELECT cible_version, finished_at, parameters FROM runs WHERE id = ?1",
                [&id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get::<_, String>(2)?)),
            )
            .map_err(sql_error(&self.path))?;
        let json = |text: &str| serde_json::from_str(text).unwrap_or(serde_json::Value::Null);
        let conn = &self.conn;
        let query = |sql: &str| conn.prepare(sql).map_err(sql_error(&self.path));
        let stages =
            query("SELECT name, seconds, details FROM stages WHERE run = ?1 ORDER BY position")?
                .query_map([&id], |row| {
                    Ok(StageRecord {
                        name: row.get(0)?,
                        seconds: row.get(1)?,
                        details: json(&row.get::<_, String>(2)?),
                    })
                })
                .and_then(Iterator::collect)
                .map_err(sql_error(&self.path))?;
        let outputs =
            query("SELECT name, path, rows, bytes FROM outputs WHERE run = ?1 ORDER BY position")?
                .query_map([&id], |row| {
                    Ok(OutputRecord {
                        name: row.get(0)?,
                        path: PathBuf::from(row.get::<_, String>(1)?),
                        rows: row.get(2)?,
                        bytes: row.get(3)?,
                    })
                })
                .and_then(Iterator::collect)
                .map_err(sql_error(&self.path))?;
        let metrics = query("SELECT name, value FROM metrics WHERE run = ?1 ORDER BY name")?
            .query_map([&id], |row| Ok((row.get(0)?, row.get(1)?)))
            .and_then(Iterator::collect)
            .map_err(sql_error(&self.path))?;
        let models = query(
            "SELECT id, run, kind, format, path, sha256, parameters, features FROM models
             WHERE run = ?1 ORDER BY id",
        )?
        .query_map([&id], |row| {
            Ok(ModelRecord {
                id: row.get(0)?,
                run: row.get(1)?,
                kind: row.get(2)?,
                format: row.get(3)?,
                path: PathBuf::from(row.get::<_, String>(4)?),
                sha256: row.get(5)?,
                parameters: json(&row.get::<_, String>(6)?),
                features: serde_json::from_str(&row.get::<_, String>(7)?).unwrap_or_default(),
            })
        })
        .and_then(Iterator::collect)
        .map_err(sql_error(&self.path))?;
        let mut segments: Vec<SegmentSize> = query(
            "SELECT kind, segment, COUNT(*) FROM memberships WHERE run = ?1 GROUP BY kind, segment",
        )?
        .query_map([&id], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, u64>(2)?,
            ))
        })
        .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
        .map_err(sql_error(&self.path))?
        .into_iter()
        .filter_map(|(kind, name, accounts)| {
            Some(SegmentSize {
                kind: kind.parse().ok()?,
                name,
                accounts,
            })
        })
        .collect();
        segments.sort_by_key(|s| (s.kind, natural_key(&s.name)));
        Ok(RunDetails {
            inputs: self.inputs(&id)?,
            summary,
            cible_version,
            finished_at,
            parameters: json(&parameters),
            stages,
            outputs,
            metrics,
            models,
            segments,
        })
    }

    /// The input files of run `id`, in the order read.
    pub fn inputs(&self, id: &str) -> Result<Vec<InputRecord>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT source, path, bytes, sha256 FROM inputs WHERE run = ?1 ORDER BY position",
            )
            .map_err(sql_error(&self.path))?;
        stmt.query_map([id], |row| {
            Ok(InputRecord {
                source: row.get(0)?,
                path: PathBuf::from(row.get::<_, String>(1)?),
                bytes: row.get(2)?,
                sha256: row.get(3)?,
            })
        })
        .and_then(Iterator::collect)
        .map_err(sql_error(&self.path))
    }

    /// The memberships of run `id` (as stored: resolve aliases first), by segment then
    /// account.
    pub fn memberships(&self, id: &str) -> Result<Vec<Membership>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT segment, kind, account_id FROM memberships WHERE run = ?1
                 ORDER BY kind, segment, account_id",
            )
            .map_err(sql_error(&self.path))?;
        let rows: Vec<(String, String, String)> = stmt
            .query_map([id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .and_then(Iterator::collect)
            .map_err(sql_error(&self.path))?;
        Ok(rows
            .into_iter()
            .filter_map(|(segment, kind, account_id)| {
                Some(Membership {
                    segment,
                    kind: kind.parse().ok()?,
                    account_id,
                })
            })
            .collect())
    }

    /// The definitions of every segment seen, with the first and last run that had each.
    pub fn segment_definitions(&self) -> Result<Vec<DefinitionSeen>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT kind, name, definition, first_run, last_run FROM segment_definitions
                 ORDER BY kind, name, first_run",
            )
            .map_err(sql_error(&self.path))?;
        let rows: Vec<(String, String, String, String, String)> = stmt
            .query_map([], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                ))
            })
            .and_then(Iterator::collect)
            .map_err(sql_error(&self.path))?;
        Ok(rows
            .into_iter()
            .filter_map(|(kind, name, definition, first_run, last_run)| {
                Some(DefinitionSeen {
                    definition: SegmentDefinition {
                        name,
                        kind: kind.parse().ok()?,
                        definition,
                    },
                    first_run,
                    last_run,
                })
            })
            .collect())
    }
}

/// `cluster 10` after `cluster 9`.
fn natural_key(name: &str) -> (String, u64) {
    match name.rsplit_once(' ') {
        Some((head, tail)) if tail.parse::<u64>().is_ok() => {
            (head.to_string(), tail.parse().unwrap_or_default())
        }
        _ => (name.to_string(), 0),
    }
}

/// The segmentation model of a run, as the catalog stores it.
fn read_model(dir: &Path, record: &RunRecord) -> Result<Option<ModelRecord>, StoreError> {
    let path = dir.join(SEGMENTATION_MODEL);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreError::Io { path, source: e }),
    };
    let model: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| StoreError::RunFile {
            path: path.clone(),
            message: format!("not a model file: {e}"),
        })?;
    let features = model["features"]
        .as_array()
        .map(|features| {
            features
                .iter()
                .filter_map(|f| f["name"].as_str().or(f.as_str()).map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let format = match &model["format"] {
        serde_json::Value::Null => format!("cible {}", record.cible_version),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Ok(Some(ModelRecord {
        id: format!("{}/segmentation", record.id),
        run: record.id.clone(),
        kind: "segmentation".into(),
        format,
        path: SEGMENTATION_MODEL.into(),
        sha256: Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        parameters: model["settings"].clone(),
        features,
    }))
}

fn write_run(
    tx: &Transaction<'_>,
    record: &RunRecord,
    memberships: &[Membership],
    model: Option<&ModelRecord>,
) -> rusqlite::Result<()> {
    let id = &record.id;
    tx.execute("DELETE FROM runs WHERE id = ?1", [id])?;
    let p = &record.parameters;
    let project = p["project"]["project"]["name"].as_str();
    let as_of = p["as_of"].as_str();
    tx.execute(
        "INSERT INTO runs (id, command, cible_version, started_at, finished_at, seconds,
            parameters, project, as_of)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            record.command,
            record.cible_version,
            record.started_at,
            record.finished_at,
            record.seconds,
            p.to_string(),
            project,
            as_of
        ],
    )?;
    let mut stmt = tx.prepare(
        "INSERT INTO inputs (run, position, source, path, bytes, sha256)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, input) in record.inputs.iter().enumerate() {
        stmt.execute(params![
            id,
            i,
            input.source,
            input.path.display().to_string(),
            input.bytes,
            input.sha256
        ])?;
    }
    let mut stmt = tx.prepare(
        "INSERT INTO stages (run, position, name, seconds, details) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, stage) in record.stages.iter().enumerate() {
        stmt.execute(params![
            id,
            i,
            stage.name,
            stage.seconds,
            stage.details.to_string()
        ])?;
    }
    let mut stmt = tx.prepare(
        "INSERT INTO outputs (run, position, name, path, rows, bytes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, output) in record.outputs.iter().enumerate() {
        stmt.execute(params![
            id,
            i,
            output.name,
            output.path.display().to_string(),
            output.rows,
            output.bytes
        ])?;
    }
    let mut stmt =
        tx.prepare("INSERT OR REPLACE INTO metrics (run, name, value) VALUES (?1, ?2, ?3)")?;
    if let Some(details) = record.stage("segment") {
        for name in SEGMENTATION_METRICS {
            if let Some(value) = details[name].as_f64() {
                stmt.execute(params![id, format!("segmentation.{name}"), value])?;
            }
        }
    }
    if let Some(model) = model {
        tx.execute(
            "INSERT INTO models (id, run, kind, format, path, sha256, parameters, features)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                model.id,
                model.run,
                model.kind,
                model.format,
                model.path.display().to_string(),
                model.sha256,
                model.parameters.to_string(),
                serde_json::Value::from(model.features.clone()).to_string()
            ],
        )?;
    }
    let mut stmt = tx.prepare(
        "INSERT INTO segment_definitions (kind, name, definition, first_run, last_run)
         VALUES (?1, ?2, ?3, ?4, ?4)
         ON CONFLICT (kind, name, definition) DO UPDATE SET
            first_run = MIN(first_run, excluded.first_run),
            last_run = MAX(last_run, excluded.last_run)",
    )?;
    for definition in segment_definitions(record, memberships) {
        stmt.execute(params![
            definition.kind.name(),
            definition.name,
            definition.definition,
            id
        ])?;
    }
    let mut stmt = tx.prepare(
        "INSERT OR IGNORE INTO memberships (run, kind, segment, account_id)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for m in memberships {
        stmt.execute(params![id, m.kind.name(), m.segment, m.account_id])?;
    }
    Ok(())
}

/// Maps an SQLite error on the catalog at `path`: a file that is not a database, or a damaged
/// one, says how to recover.
fn sql_error(path: &Path) -> impl FnOnce(rusqlite::Error) -> StoreError + '_ {
    move |source| match source.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
            StoreError::CatalogCorrupted {
                path: path.to_path_buf(),
                message: source.to_string(),
            }
        }
        _ => StoreError::Catalog {
            path: path.to_path_buf(),
            source,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Commits a run with the given clustered labels (`account,label` lines) and rule
    /// memberships (`segment,account` lines).
    fn commit_run(ws: &Workspace, clustered: &[(&str, u32)], rules: &[(&str, &str)]) -> RunRecord {
        let mut run = ws.begin_run("cible run").unwrap();
        run.set_parameters(serde_json::json!({
            "project": {"project": {"name": "acme"}},
            "as_of": "2026-01-31",
        }));
        let input = ws.root().join("in.csv");
        std::fs::write(&input, format!("{}", clustered.len())).unwrap();
        run.add_input("crm", &input).unwrap();
        if !clustered.is_empty() {
            run.create_dir("segments").unwrap();
            let mut csv = String::from("account_id,segment\n");
            for (account, label) in clustered {
                csv.push_str(&format!("{account},{label}\n"));
            }
            std::fs::write(run.path("segments/accounts.csv"), csv).unwrap();
            std::fs::write(
                run.path(SEGMENTATION_MODEL),
                r#"{"settings": {"k": 2}, "features": [{"name": "revenue"}, {"name": "orders"}]}"#,
            )
            .unwrap();
            run.add_output(
                "segments",
                "segments/accounts.csv",
                Some(clustered.len() as u64),
            )
            .unwrap();
            run.add_stage(
                "segment",
                0.25,
                serde_json::json!({"method": "kmeans", "k": 2, "accounts": clustered.len(),
                    "silhouette": 0.5, "calinski_harabasz": 12.0, "davies_bouldin": 0.7}),
            );
        }
        if !rules.is_empty() {
            run.create_dir("rules").unwrap();
            let mut csv = String::from("segment,account_id\n");
            for (segment, account) in rules {
                csv.push_str(&format!("{segment},{account}\n"));
            }
            std::fs::write(run.path("rules/memberships.csv"), csv).unwrap();
            run.add_stage(
                "rules",
                0.1,
                serde_json::json!({"segments": [{"name": "big", "rule": "revenue > 1000", "accounts": 1}]}),
            );
        }
        run.commit().unwrap()
    }

    fn table_names(catalog: &Catalog) -> Vec<String> {
        let mut stmt = catalog
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap();
        stmt.query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn the_schema_is_created_at_the_current_version() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        let catalog = Catalog::open(&ws).unwrap();
        assert_eq!(catalog.path(), dir.path().join(CATALOG_FILE));
        assert_eq!(catalog.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(
            table_names(&catalog),
            [
                "inputs",
                "memberships",
                "metrics",
                "models",
                "outputs",
                "runs",
                "segment_definitions",
                "stages"
            ]
        );
    }

    #[test]
    fn opening_again_migrates_nothing_and_keeps_the_runs() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        let record = commit_run(&ws, &[("A1", 0), ("A2", 1)], &[]);
        Catalog::open(&ws).unwrap().record(&ws, &record).unwrap();
        for _ in 0..2 {
            let catalog = Catalog::open(&ws).unwrap();
            assert_eq!(catalog.schema_version().unwrap(), SCHEMA_VERSION);
            assert_eq!(catalog.run_ids().unwrap(), std::slice::from_ref(&record.id));
        }
    }

    #[test]
    fn a_catalog_newer_than_this_build_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        let catalog = Catalog::open(&ws).unwrap();
        catalog
            .conn
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(catalog);
        let err = Catalog::open(&ws).unwrap_err().to_string();
        assert!(
            err.ends_with("catalog.sqlite: schema version 2 is newer than this cible supports (1); upgrade cible, or run `cible runs rebuild` to index the run folders again"),
            "{err}"
        );
    }

    #[test]
    fn a_run_is_recorded_whole_with_its_metrics_model_and_memberships() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        let record = commit_run(&ws, &[("A1", 0), ("A2", 1), ("A3", 1)], &[("big", "A2")]);
        let mut catalog = Catalog::open(&ws).unwrap();
        catalog.record(&ws, &record).unwrap();
        // Recording again replaces, it does not duplicate.
        catalog.record(&ws, &record).unwrap();
        let details = catalog.run("latest").unwrap();
        assert_eq!(details.summary.project.as_deref(), Some("acme"));
        assert_eq!(details.summary.as_of.as_deref(), Some("2026-01-31"));
        assert_eq!(details.summary.accounts, Some(3));
        assert_eq!(details.summary.k, Some(2));
        assert_eq!(details.summary.silhouette, Some(0.5));
        assert_eq!(details.summary.inputs_changed, None);
        assert_eq!(details.inputs, record.inputs);
        assert_eq!(details.stages, record.stages);
        assert_eq!(details.outputs, record.outputs);
        assert_eq!(details.metrics["segmentation.davies_bouldin"], 0.7);
        assert_eq!(details.models.len(), 1);
        assert_eq!(details.models[0].features, ["revenue", "orders"]);
        assert_eq!(details.models[0].parameters, serde_json::json!({"k": 2}));
        let sizes: Vec<_> = details
            .segments
            .iter()
            .map(|s| (s.kind, s.name.as_str(), s.accounts))
            .collect();
        assert_eq!(
            sizes,
            [
                (SegmentKind::Clustered, "cluster 0", 1),
                (SegmentKind::Clustered, "cluster 1", 2),
                (SegmentKind::Rule, "big", 1)
            ]
        );
        assert_eq!(catalog.memberships(&record.id).unwrap().len(), 4);
        let definitions = catalog.segment_definitions().unwrap();
        assert!(definitions.contains(&DefinitionSeen {
            definition: SegmentDefinition {
                name: "big".into(),
                kind: SegmentKind::Rule,
                definition: "revenue > 1000".into(),
            },
            first_run: record.id.clone(),
            last_run: record.id.clone(),
        }));
    }

    #[test]
    fn a_failed_recording_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        let record = commit_run(&ws, &[("A1", 0), ("A2", 1)], &[]);
        let mut catalog = Catalog::open(&ws).unwrap();
        // A trigger that fails on the last membership: the whole run must roll back.
        catalog
            .conn
            .execute_batch(
                "CREATE TRIGGER no_a2 BEFORE INSERT ON memberships WHEN NEW.account_id = 'A2'
                 BEGIN SELECT RAISE(ABORT, 'refused'); END;",
            )
            .unwrap();
        let err = catalog.record(&ws, &record).unwrap_err().to_string();
        assert!(err.contains("refused"), "{err}");
        assert!(catalog.run_ids().unwrap().is_empty());
        for table in [
            "inputs",
            "stages",
            "outputs",
            "metrics",
            "models",
            "segment_definitions",
            "memberships",
        ] {
            let rows: i64 = catalog
                .conn
                .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
                .unwrap();
            assert_eq!(rows, 0, "{table}");
        }
    }

    #[test]
    fn sync_records_missing_runs_and_forgets_removed_ones() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        let first = commit_run(&ws, &[("A1", 0), ("A2", 1)], &[]);
        let mut catalog = Catalog::open(&ws).unwrap();
        catalog.record(&ws, &first).unwrap();
        // A crash between the commit of the next runs and their recording:
        let second = commit_run(&ws, &[("A1", 1), ("A2", 0), ("A3", 0)], &[]);
        let third = commit_run(&ws, &[], &[]);
        std::fs::write(ws.run_dir(&third.id).join("run.json"), "{").unwrap();
        let report = catalog.sync(&ws).unwrap();
        assert_eq!(report.recorded, std::slice::from_ref(&second.id));
        assert_eq!(report.unreadable.len(), 1);
        assert_eq!(report.unreadable[0].0, third.id);
        assert_eq!(catalog.resolve("latest").unwrap(), second.id);
        assert_eq!(catalog.resolve("previous").unwrap(), first.id);
        let runs = catalog.runs().unwrap();
        assert_eq!(runs[1].inputs_changed, Some(true));
        // Syncing again changes nothing but the still unreadable folder.
        let again = catalog.sync(&ws).unwrap();
        assert!(again.recorded.is_empty() && again.removed.is_empty());
        std::fs::remove_dir_all(ws.run_dir(&first.id)).unwrap();
        assert_eq!(
            catalog.sync(&ws).unwrap().removed,
            std::slice::from_ref(&first.id)
        );
        assert!(catalog.memberships(&first.id).unwrap().is_empty());
    }

    #[test]
    fn an_unknown_run_lists_the_known_ones() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        let record = commit_run(&ws, &[], &[]);
        let mut catalog = Catalog::open(&ws).unwrap();
        catalog.sync(&ws).unwrap();
        let err = catalog.resolve("nope").unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "unknown run \"nope\"; known runs: {} (or latest, previous)",
                record.id
            )
        );
        assert!(catalog.resolve("previous").is_err());
    }

    #[test]
    fn a_corrupted_catalog_says_how_to_recover_and_rebuild_heals_it() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        let record = commit_run(&ws, &[("A1", 0), ("A2", 1)], &[]);
        Catalog::open(&ws).unwrap().sync(&ws).unwrap();
        let path = dir.path().join(CATALOG_FILE);
        std::fs::write(&path, "this is not a database, just garbage ".repeat(200)).unwrap();
        let err = Catalog::open(&ws).unwrap_err();
        assert!(
            matches!(err, StoreError::CatalogCorrupted { .. }),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!(
                "{}: the run catalog is unreadable (file is not a database); it only indexes \
                 the run folders: run `cible runs rebuild` to move it aside and rebuild it",
                path.display()
            )
        );
        let rebuilt = Catalog::rebuild(&ws).unwrap();
        assert!(rebuilt.was_corrupt);
        let aside = rebuilt.moved_aside.unwrap();
        let name = aside.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with("catalog.sqlite.corrupt-"), "{name}");
        assert!(aside.exists());
        assert_eq!(rebuilt.sync.recorded, std::slice::from_ref(&record.id));
        assert_eq!(rebuilt.catalog.memberships(&record.id).unwrap().len(), 2);
        drop(rebuilt.catalog);
        // Rebuilding a healthy catalog keeps the old file under another name.
        let again = Catalog::rebuild(&ws).unwrap();
        assert!(!again.was_corrupt);
        let name = again.moved_aside.unwrap();
        assert!(name.to_str().unwrap().contains("catalog.sqlite.old-"));
    }
}
