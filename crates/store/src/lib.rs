//! cible-store: the workspace folder where runs leave their results.
//!
//! A run writes into a hidden staging folder, `runs/.ID.partial`; only when every file is
//! written and synced is it renamed to `runs/ID` and the `LATEST` pointer replaced, each an
//! atomic rename. A crash therefore leaves either the previous state or the new one, never a
//! half-written run; stale staging folders are removed the next time the workspace is opened.
//! Each run folder holds its tables and a `run.json` [`RunRecord`]: inputs with sizes and
//! SHA-256 hashes, parameters, per-stage timings and counts, and outputs.
//!
//! ```
//! # let dir = tempfile::tempdir()?;
//! use cible_store::Workspace;
//!
//! let workspace = Workspace::open(dir.path())?;
//! let mut run = workspace.begin_run("cible run")?;
//! std::fs::write(run.path("hello.txt"), "hi")?;
//! run.add_output("hello", "hello.txt", Some(1))?;
//! let record = run.commit()?;
//! assert_eq!(workspace.latest()?.unwrap().id, record.id);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Beside the run folders, [`Catalog`] indexes them in `catalog.sqlite` (SQLite): runs,
//! inputs, stages, metrics, models, segment definitions and every account's segment
//! memberships ([`read_memberships`]), so that runs can be listed and compared. The folders
//! stay the source of truth: the catalog records any run it lacks when synced, and is rebuilt
//! from them when its file is damaged.
//!
//! Tests cover commit and rollback (an uncommitted run leaves nothing visible and is cleaned
//! up), input hashing, the run record round trip and atomic file replacement; for the
//! catalog, schema creation and idempotent migration, all-or-nothing recording, sync after a
//! crash, and a corrupted file's error and rebuild. They do not cover two processes writing
//! the catalog at once (SQLite's locking, with a busy timeout of 10 s).

mod atomic;
mod catalog;
mod run;
mod segments;

pub use atomic::{StagingDir, write_atomic};
pub use catalog::{
    CATALOG_FILE, Catalog, DefinitionSeen, ModelRecord, Rebuilt, RunDetails, RunSummary,
    SCHEMA_VERSION, SegmentSize, SyncReport,
};
pub use run::{InputRecord, OutputRecord, RunRecord, StageRecord, StagedRun, Workspace, hash_file};
pub use segments::{
    CLUSTERED_MEMBERSHIPS, Membership, RULE_MEMBERSHIPS, SegmentDefinition, SegmentKind,
    clustered_segment_name, read_memberships, segment_definitions,
};

use std::path::PathBuf;

use cible_core::ErrorKind;

/// An error of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A run record could not be read back.
    #[error("{}: corrupted run record: {message}; remove the folder or restore it from a backup", path.display())]
    Corrupted {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A file of a run folder (other than `run.json`) could not be read.
    #[error("{}: {message}", path.display())]
    RunFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The run catalog failed.
    #[error("{}: run catalog: {source}", path.display())]
    Catalog {
        /// The catalog file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The run catalog's file is not a database, or a damaged one.
    #[error(
        "{}: the run catalog is unreadable ({message}); it only indexes the run folders: \
         run `cible runs rebuild` to move it aside and rebuild it",
        path.display()
    )]
    CatalogCorrupted {
        /// The catalog file.
        path: PathBuf,
        /// What SQLite said.
        message: String,
    },
    /// The run catalog was written by a newer cible.
    #[error(
        "{}: schema version {found} is newer than this cible supports ({supported}); upgrade \
         cible, or run `cible runs rebuild` to index the run folders again",
        path.display()
    )]
    CatalogTooNew {
        /// The catalog file.
        path: PathBuf,
        /// Its schema version.
        found: u32,
        /// The newest this build knows.
        supported: u32,
    },
    /// No run has this id.
    #[error("unknown run \"{id}\"; {}", known_runs(known))]
    UnknownRun {
        /// The id asked for.
        id: String,
        /// The ids of the recorded runs, oldest first.
        known: Vec<String>,
    },
}

/// The last few known run ids, for an error message.
fn known_runs(known: &[String]) -> String {
    const SHOWN: usize = 10;
    match known.len() {
        0 => "the workspace has no runs yet: `cible run` makes one".into(),
        n if n <= SHOWN => format!("known runs: {} (or latest, previous)", known.join(", ")),
        n => format!(
            "latest known runs: {} (and {} older; `cible runs list` shows them all; or latest, \
             previous)",
            known[n - SHOWN..].join(", "),
            n - SHOWN
        ),
    }
}

impl StoreError {
    /// Whose fault the error is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Io { .. } => ErrorKind::Io,
            Self::Corrupted { .. }
            | Self::RunFile { .. }
            | Self::CatalogCorrupted { .. }
            | Self::CatalogTooNew { .. }
            | Self::UnknownRun { .. } => ErrorKind::Input,
            Self::Catalog { .. } => ErrorKind::Io,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io { path, source }
    }
}
