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
//! Tests cover commit and rollback (an uncommitted run leaves nothing visible and is cleaned
//! up), input hashing, the run record round trip and atomic file replacement. The SQLite run
//! catalog is not here yet.

mod atomic;
mod run;

pub use atomic::{StagingDir, write_atomic};
pub use run::{InputRecord, OutputRecord, RunRecord, StageRecord, StagedRun, Workspace, hash_file};

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
}

impl StoreError {
    /// Whose fault the error is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Io { .. } => ErrorKind::Io,
            Self::Corrupted { .. } => ErrorKind::Input,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io { path, source }
    }
}
