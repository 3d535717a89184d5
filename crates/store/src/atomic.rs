//! Writing files so that readers see the old content or the new one, never a mix.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::StoreError;

/// Writes `bytes` to `path` atomically: into a temporary file beside it, synced, then renamed
/// over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let tmp = temporary_sibling(path);
    let result = (|| {
        let mut file = File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(StoreError::io(path))
}

fn temporary_sibling(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// A hidden folder inside a destination folder where files are written before being moved
/// into place by [`StagingDir::publish`]. Dropped unpublished, it is removed with its content.
pub struct StagingDir {
    dest: PathBuf,
    dir: PathBuf,
    published: bool,
}

impl StagingDir {
    /// Creates `dest` if needed and a staging folder inside it.
    pub fn new(dest: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dest).map_err(StoreError::io(dest))?;
        let dir = dest.join(format!(".cible-staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(StoreError::io(&dir))?;
        }
        std::fs::create_dir(&dir).map_err(StoreError::io(&dir))?;
        Ok(Self {
            dest: dest.to_path_buf(),
            dir,
            published: false,
        })
    }

    /// Where to write the file that will be published as `name`.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Where `name` will be once published.
    pub fn final_path(&self, name: &str) -> PathBuf {
        self.dest.join(name)
    }

    /// Moves every staged file into the destination (each move atomic, replacing any older
    /// file of the same name) and removes the staging folder.
    pub fn publish(mut self) -> Result<Vec<PathBuf>, StoreError> {
        let mut moved = Vec::new();
        let mut entries: Vec<_> = std::fs::read_dir(&self.dir)
            .map_err(StoreError::io(&self.dir))?
            .collect::<Result<_, _>>()
            .map_err(StoreError::io(&self.dir))?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let to = self.dest.join(entry.file_name());
            std::fs::rename(entry.path(), &to).map_err(StoreError::io(&to))?;
            moved.push(to);
        }
        std::fs::remove_dir(&self.dir).map_err(StoreError::io(&self.dir))?;
        self.published = true;
        Ok(moved)
    }
}

impl Drop for StagingDir {
    fn drop(&mut self) {
        if !self.published {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn staged_files_appear_only_when_published() {
        let dir = tempfile::tempdir().unwrap();
        let staging = StagingDir::new(dir.path()).unwrap();
        std::fs::write(staging.path("a.csv"), "x").unwrap();
        assert!(!staging.final_path("a.csv").exists());
        let moved = staging.publish().unwrap();
        assert_eq!(moved, [dir.path().join("a.csv")]);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

        let staging = StagingDir::new(dir.path()).unwrap();
        std::fs::write(staging.path("b.csv"), "x").unwrap();
        drop(staging);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.csv"]);
    }
}
