//! Runs: staged, recorded, committed atomically.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{StoreError, write_atomic};

const RUNS: &str = "runs";
const LATEST: &str = "LATEST";
const RECORD: &str = "run.json";
const PARTIAL: &str = ".partial";

/// The workspace folder of a project.
#[derive(Debug, Clone)]
pub struct Workspace {
    root: PathBuf,
}

/// What a run read: one input file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputRecord {
    /// Source name in the project file.
    pub source: String,
    /// The file.
    pub path: PathBuf,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the content, hexadecimal.
    pub sha256: String,
}

/// One stage of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageRecord {
    /// Stage name (`ingest`, ...).
    pub name: String,
    /// Wall time.
    pub seconds: f64,
    /// Stage-specific counts and details.
    pub details: serde_json::Value,
}

/// One file a run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputRecord {
    /// Logical name (`accounts`, `rejects`).
    pub name: String,
    /// Path relative to the run folder.
    pub path: PathBuf,
    /// Rows, where the output is a table.
    pub rows: Option<u64>,
    /// Size in bytes.
    pub bytes: u64,
}

/// Everything needed to know what a run did: `run.json` in the run folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// Unique, sortable id: `YYYYMMDD-HHMMSS-NNN`.
    pub id: String,
    /// The command that ran.
    pub command: String,
    /// cible's version.
    pub cible_version: String,
    /// When it started (RFC 3339, UTC).
    pub started_at: String,
    /// When it finished.
    pub finished_at: String,
    /// Wall time.
    pub seconds: f64,
    /// Settings (the project file as parsed, or command-line parameters).
    pub parameters: serde_json::Value,
    /// Files read.
    pub inputs: Vec<InputRecord>,
    /// Stages in order.
    pub stages: Vec<StageRecord>,
    /// Files written.
    pub outputs: Vec<OutputRecord>,
}

impl RunRecord {
    /// The details of the stage `name`, when the run had it.
    pub fn stage(&self, name: &str) -> Option<&serde_json::Value> {
        self.stages
            .iter()
            .find(|s| s.name == name)
            .map(|s| &s.details)
    }
}

impl Workspace {
    /// Opens (creating it if needed) the workspace at `root`, removing staging folders that a
    /// crashed run left behind.
    pub fn open(root: &Path) -> Result<Self, StoreError> {
        let runs = root.join(RUNS);
        std::fs::create_dir_all(&runs).map_err(StoreError::io(&runs))?;
        for entry in std::fs::read_dir(&runs).map_err(StoreError::io(&runs))? {
            let path = entry.map_err(StoreError::io(&runs))?.path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if name.starts_with('.') && name.ends_with(PARTIAL) {
                std::fs::remove_dir_all(&path).map_err(StoreError::io(&path))?;
            }
        }
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    /// The workspace folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder of a committed run.
    pub fn run_dir(&self, id: &str) -> PathBuf {
        self.root.join(RUNS).join(id)
    }

    /// The ids of the committed runs, oldest first (staging folders are not runs).
    pub fn run_ids(&self) -> Result<Vec<String>, StoreError> {
        let runs = self.root.join(RUNS);
        let mut ids = Vec::new();
        for entry in std::fs::read_dir(&runs).map_err(StoreError::io(&runs))? {
            let entry = entry.map_err(StoreError::io(&runs))?;
            let Some(name) = entry.file_name().to_str().map(String::from) else {
                continue;
            };
            if !name.starts_with('.') && entry.path().is_dir() {
                ids.push(name);
            }
        }
        ids.sort();
        Ok(ids)
    }

    /// Starts a run: a staging folder that becomes visible only on [`StagedRun::commit`].
    pub fn begin_run(&self, command: &str) -> Result<StagedRun, StoreError> {
        let now = Utc::now();
        let stamp = now.format("%Y%m%d-%H%M%S").to_string();
        let runs = self.root.join(RUNS);
        let id = (1..)
            .map(|n| format!("{stamp}-{n:03}"))
            .find(|id| !runs.join(id).exists() && !runs.join(format!(".{id}{PARTIAL}")).exists())
            .unwrap_or_else(|| unreachable!("an unbounded range always yields a free id"));
        let dir = runs.join(format!(".{id}{PARTIAL}"));
        std::fs::create_dir(&dir).map_err(StoreError::io(&dir))?;
        Ok(StagedRun {
            workspace: self.clone(),
            dir,
            clock: Instant::now(),
            committed: false,
            record: RunRecord {
                id,
                command: command.into(),
                cible_version: env!("CARGO_PKG_VERSION").into(),
                started_at: now.to_rfc3339_opts(SecondsFormat::Millis, true),
                finished_at: String::new(),
                seconds: 0.0,
                parameters: serde_json::Value::Null,
                inputs: Vec::new(),
                stages: Vec::new(),
                outputs: Vec::new(),
            },
        })
    }

    /// The record of the latest committed run, if any.
    pub fn latest(&self) -> Result<Option<RunRecord>, StoreError> {
        let pointer = self.root.join(LATEST);
        match std::fs::read_to_string(&pointer) {
            Ok(id) => self.read_record(id.trim()).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError::Io {
                path: pointer,
                source: e,
            }),
        }
    }

    /// Reads the record of run `id`.
    pub fn read_record(&self, id: &str) -> Result<RunRecord, StoreError> {
        let path = self.run_dir(id).join(RECORD);
        let text = std::fs::read_to_string(&path).map_err(StoreError::io(&path))?;
        serde_json::from_str(&text).map_err(|e| StoreError::Corrupted {
            path,
            message: e.to_string(),
        })
    }
}

/// A run being written. Dropped without [`commit`](Self::commit), it leaves nothing behind.
pub struct StagedRun {
    workspace: Workspace,
    dir: PathBuf,
    clock: Instant,
    committed: bool,
    record: RunRecord,
}

impl StagedRun {
    /// The run's id.
    pub fn id(&self) -> &str {
        &self.record.id
    }

    /// The run's record so far: its settings, inputs, stages and outputs.
    pub fn record(&self) -> &RunRecord {
        &self.record
    }

    /// Where to write a file of the run (inside the staging folder).
    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.join(relative)
    }

    /// Where a file of the run will be once committed.
    pub fn final_path(&self, relative: &str) -> PathBuf {
        self.workspace.run_dir(&self.record.id).join(relative)
    }

    /// Creates a sub-folder of the run.
    pub fn create_dir(&self, relative: &str) -> Result<PathBuf, StoreError> {
        let dir = self.path(relative);
        std::fs::create_dir_all(&dir).map_err(StoreError::io(&dir))?;
        Ok(dir)
    }

    /// Records the settings of the run.
    pub fn set_parameters(&mut self, parameters: serde_json::Value) {
        self.record.parameters = parameters;
    }

    /// Records an input file, with its size and SHA-256.
    pub fn add_input(&mut self, source: &str, path: &Path) -> Result<(), StoreError> {
        let (bytes, sha256) = hash_file(path)?;
        self.record.inputs.push(InputRecord {
            source: source.into(),
            path: path.to_path_buf(),
            bytes,
            sha256,
        });
        Ok(())
    }

    /// Records a finished stage.
    pub fn add_stage(&mut self, name: &str, seconds: f64, details: serde_json::Value) {
        self.record.stages.push(StageRecord {
            name: name.into(),
            seconds,
            details,
        });
    }

    /// Records a file the run wrote at `relative` (which must exist in the staging folder).
    pub fn add_output(
        &mut self,
        name: &str,
        relative: &str,
        rows: Option<u64>,
    ) -> Result<(), StoreError> {
        let path = self.path(relative);
        let bytes = std::fs::metadata(&path)
            .map_err(StoreError::io(&path))?
            .len();
        self.record.outputs.push(OutputRecord {
            name: name.into(),
            path: relative.into(),
            rows,
            bytes,
        });
        Ok(())
    }

    /// Writes `run.json`, syncs, renames the staging folder into place and points `LATEST`
    /// at it.
    pub fn commit(mut self) -> Result<RunRecord, StoreError> {
        self.record.finished_at = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
        self.record.seconds = self.clock.elapsed().as_secs_f64();
        let json = serde_json::to_vec_pretty(&self.record)
            .unwrap_or_else(|e| unreachable!("a run record always serializes: {e}"));
        write_atomic(&self.dir.join(RECORD), &json)?;
        let dest = self.workspace.run_dir(&self.record.id);
        std::fs::rename(&self.dir, &dest).map_err(StoreError::io(&dest))?;
        self.committed = true;
        write_atomic(&self.workspace.root.join(LATEST), self.record.id.as_bytes())?;
        Ok(self.record.clone())
    }
}

impl Drop for StagedRun {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Size and SHA-256 of a file.
pub fn hash_file(path: &Path) -> Result<(u64, String), StoreError> {
    let mut file = std::fs::File::open(path).map_err(StoreError::io(path))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(StoreError::io(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    let digest = hasher.finalize();
    Ok((total, digest.iter().map(|b| format!("{b:02x}")).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_committed_run_is_recorded_and_becomes_latest() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        std::fs::write(&input, "abc").unwrap();
        let ws = Workspace::open(&dir.path().join("ws")).unwrap();
        assert!(ws.latest().unwrap().is_none());
        let mut run = ws.begin_run("cible run").unwrap();
        run.add_input("crm", &input).unwrap();
        run.create_dir("tables").unwrap();
        std::fs::write(run.path("tables/a.parquet"), "12345").unwrap();
        run.add_output("accounts", "tables/a.parquet", Some(2))
            .unwrap();
        run.add_stage("ingest", 0.5, serde_json::json!({"rows": 2}));
        let final_path = run.final_path("tables/a.parquet");
        assert!(!final_path.exists(), "nothing is visible before commit");
        let record = run.commit().unwrap();
        assert!(final_path.exists());
        assert_eq!(
            record.inputs[0].sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(record.outputs[0].bytes, 5);
        assert_eq!(ws.latest().unwrap().unwrap(), record);
    }

    #[test]
    fn an_abandoned_run_leaves_nothing_and_stale_staging_is_cleaned() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        let run = ws.begin_run("cible run").unwrap();
        std::fs::write(run.path("x"), "x").unwrap();
        drop(run);
        assert_eq!(std::fs::read_dir(dir.path().join(RUNS)).unwrap().count(), 0);
        // A crash cannot run Drop: simulate the folder it would leave.
        std::fs::create_dir(dir.path().join(RUNS).join(".20260101-000000-001.partial")).unwrap();
        Workspace::open(dir.path()).unwrap();
        assert_eq!(std::fs::read_dir(dir.path().join(RUNS)).unwrap().count(), 0);
        assert!(ws.latest().unwrap().is_none());
    }

    #[test]
    fn run_ids_are_unique_within_a_second() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        let a = ws.begin_run("a").unwrap();
        let b = ws.begin_run("b").unwrap();
        assert_ne!(a.id(), b.id());
    }

    #[test]
    fn a_corrupted_record_is_reported_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        let record = ws.begin_run("a").unwrap().commit().unwrap();
        std::fs::write(ws.run_dir(&record.id).join(RECORD), "{").unwrap();
        let err = ws.latest().unwrap_err().to_string();
        assert!(
            err.contains("corrupted run record: EOF while parsing"),
            "{err}"
        );
    }
}
