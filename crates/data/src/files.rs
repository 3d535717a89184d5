//! Finding the files of a source: one file, every data file of a directory, or a glob.

use std::path::{Path, PathBuf};

use cible_core::project::{SourceFormat, resolve_path};

use crate::DataError;

/// Expands `pattern` (relative to `base`) into the data files it names, sorted by path so that
/// loads are reproducible.
pub fn resolve_inputs(base: &Path, pattern: &str) -> Result<Vec<PathBuf>, DataError> {
    let joined = resolve_path(base, pattern);
    if pattern.contains(['*', '?', '[']) {
        let text = joined.to_string_lossy().into_owned();
        let options = glob::MatchOptions {
            require_literal_leading_dot: true,
            ..glob::MatchOptions::new()
        };
        let paths = glob::glob_with(&text, options).map_err(|e| DataError::BadGlob {
            pattern: pattern.into(),
            message: e.to_string(),
        })?;
        let mut files = Vec::new();
        for entry in paths {
            let path = entry.map_err(|e| DataError::Io {
                path: e.path().to_path_buf(),
                source: e.into(),
            })?;
            if path.is_file() {
                files.push(path);
            }
        }
        files.sort();
        if files.is_empty() {
            return Err(DataError::NoInput {
                pattern: pattern.into(),
                hint: String::new(),
            });
        }
        return Ok(files);
    }
    let meta = std::fs::metadata(&joined).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => DataError::NoInput {
            pattern: pattern.into(),
            hint: format!(" (no such file: {})", joined.display()),
        },
        _ => DataError::Io {
            path: joined.clone(),
            source,
        },
    })?;
    if !meta.is_dir() {
        return Ok(vec![joined]);
    }
    let mut files = Vec::new();
    let mut others = Vec::new();
    for entry in std::fs::read_dir(&joined).map_err(DataError::io(&joined))? {
        let path = entry.map_err(DataError::io(&joined))?.path();
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if !path.is_file() || hidden {
            continue;
        }
        if SourceFormat::from_path(&path).is_some() {
            files.push(path);
        } else if let Some(name) = path.file_name() {
            others.push(name.to_string_lossy().into_owned());
        }
    }
    files.sort();
    if files.is_empty() {
        others.sort();
        let hint = if others.is_empty() {
            " (the directory is empty)".to_string()
        } else {
            format!(
                " (the directory holds no .csv, .tsv, .txt, .parquet, .ndjson, .jsonl or .json file; it has: {})",
                others.join(", ")
            )
        };
        return Err(DataError::NoInput {
            pattern: pattern.into(),
            hint,
        });
    }
    Ok(files)
}

/// The format of `path`: the forced one, or the one its extension implies.
pub fn format_of(path: &Path, forced: Option<SourceFormat>) -> Result<SourceFormat, DataError> {
    forced
        .or_else(|| SourceFormat::from_path(path))
        .ok_or_else(|| DataError::UnknownFormat {
            path: path.to_path_buf(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_directories_and_globs() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.csv", "a.csv", "c.parquet", "notes.md", ".hidden.csv"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let names = |v: Vec<PathBuf>| -> Vec<String> {
            v.iter()
                .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(
            names(resolve_inputs(dir.path(), "b.csv").unwrap()),
            ["b.csv"]
        );
        assert_eq!(
            names(resolve_inputs(dir.path(), "*.csv").unwrap()),
            ["a.csv", "b.csv"]
        );
        assert_eq!(
            names(resolve_inputs(dir.path(), ".").unwrap()),
            ["a.csv", "b.csv", "c.parquet"]
        );
    }

    #[test]
    fn nothing_found_says_what_was_looked_for() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            resolve_inputs(dir.path(), "*.csv").unwrap_err().to_string(),
            "no data file matches `*.csv`"
        );
        std::fs::write(dir.path().join("notes.md"), "x").unwrap();
        assert_eq!(
            resolve_inputs(dir.path(), ".").unwrap_err().to_string(),
            "no data file matches `.` (the directory holds no .csv, .tsv, .txt, .parquet, .ndjson, .jsonl or .json file; it has: notes.md)"
        );
        let err = resolve_inputs(dir.path(), "missing.csv")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("no data file matches `missing.csv` (no such file: "),
            "{err}"
        );
    }

    #[test]
    fn format_comes_from_the_extension_unless_forced() {
        assert_eq!(
            format_of(Path::new("a.jsonl"), None).unwrap(),
            SourceFormat::Ndjson
        );
        assert_eq!(
            format_of(Path::new("a.dat"), Some(SourceFormat::Csv)).unwrap(),
            SourceFormat::Csv
        );
        assert_eq!(
            format_of(Path::new("a.dat"), None).unwrap_err().to_string(),
            "a.dat: cannot tell the format from the extension; set the format to csv, parquet or ndjson"
        );
    }
}
