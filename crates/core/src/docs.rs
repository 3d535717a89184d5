//! Documentation generated from code (`docs/data-model.md`, `docs/features.md`), kept in
//! step by a test in each crate that generates one.

use std::path::Path;

/// Checks that the file at `path` holds `expected`; with `CIBLE_UPDATE_DOCS` set in the
/// environment, writes it first. The error says which command regenerates it.
pub fn check_generated_doc(path: &Path, expected: &str, package: &str) -> Result<(), String> {
    if std::env::var_os("CIBLE_UPDATE_DOCS").is_some() {
        std::fs::write(path, expected).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    if actual == expected {
        Ok(())
    } else {
        Err(format!(
            "{} is out of date: run `CIBLE_UPDATE_DOCS=1 cargo test -p {package}` and commit it",
            path.display()
        ))
    }
}
