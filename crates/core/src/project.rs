//! The project file, `cible.toml`: what to read and how, in one place kept in git.
//!
//! Parsing is strict (`deny_unknown_fields`): a misspelt key is an error that names it, not a
//! setting silently ignored. [`Project::load`] parses, then checks every value into a
//! [`SourceSpec`] that the ingestion stage can use without further validation; `cible ingest`
//! builds the same [`SourceConfig`] from its flags and goes through the same checks, so a bad
//! value gets the same message wherever it comes from.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ErrorKind;
use crate::clean::{ImputeConfig, OutlierConfig, RuleConfig, check_clean};
use crate::rules::{SegmentConfig, TagConfig};
use crate::schema::{ColumnType, TableKind};
use crate::scores::ScoreConfig;
use crate::segmentation::SegmentationSection;

/// The file name of a project file inside a project folder.
pub const PROJECT_FILE: &str = "cible.toml";

/// Values that mean "missing" unless a source says otherwise (compared after trimming,
/// case-insensitively).
pub const DEFAULT_NULL_VALUES: &[&str] = &["", "na", "n/a", "null", "none", "nan", "-", "#n/a"];

/// An error in a project file or in source settings.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// The project file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The project file is not valid TOML or does not have the expected shape.
    #[error("{}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The parser's message, with line, column and the offending text.
        message: String,
    },
    /// A value is of the right shape but not allowed.
    #[error("{location}`{key}` = {value}: {expected}")]
    Invalid {
        /// `cible.toml: ` or empty when the settings came from command-line flags.
        location: String,
        /// Dotted path of the key, e.g. `sources.accounts.delimiter`.
        key: String,
        /// The value as written.
        value: String,
        /// What was expected instead.
        expected: String,
    },
}

impl ProjectError {
    /// Whose fault the error is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Read { .. } => ErrorKind::Io,
            Self::Syntax { .. } | Self::Invalid { .. } => ErrorKind::Input,
        }
    }
}

/// `cible.toml` as written.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProjectFile {
    /// General settings.
    pub project: ProjectSection,
    /// Data sources by name.
    #[serde(default)]
    pub sources: BTreeMap<String, SourceConfig>,
    /// The cleaning stage.
    #[serde(default)]
    pub clean: CleanSection,
    /// The feature stage.
    #[serde(default)]
    pub features: FeaturesSection,
    /// The clustering of accounts into segments.
    #[serde(default)]
    pub segmentation: SegmentationSection,
    /// Rule-based segments over the account profile.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<SegmentConfig>,
    /// Tags added to accounts and contacts by rules over events.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<TagConfig>,
    /// Propensity scores trained and applied in the run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scores: Vec<ScoreConfig>,
    /// Segment lists written by the run, for CRM and e-mail tools.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exports: Vec<crate::exports::ExportConfig>,
}

/// The `[features]` section.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FeaturesSection {
    /// The user's own features (`[[features.custom]]`), added after the built-in ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom: Vec<CustomFeatureConfig>,
}

/// One `[[features.custom]]` table: a feature written as an SQL expression over the other
/// features, or as an aggregate query over the tables.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CustomFeatureConfig {
    /// Column name in the features table (snake_case, not a built-in feature's).
    pub name: String,
    /// What it means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Unit of its values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// An SQL expression over the features of the same account, e.g.
    /// `monetary_12m / nullif(employees, 0)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    /// An SQL query over the views `accounts`, `contacts`, `orders` and `events` returning
    /// `account_id` and a column named like the feature, one row per account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The value for accounts the query returns no row for (SQL literal), e.g. `0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill: Option<String>,
}

/// The `[clean]` section.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CleanSection {
    /// Country assumed for phone numbers and postcodes without one (ISO 3166 alpha-2).
    /// Default: FR.
    #[serde(default = "default_country")]
    pub default_country: String,
    /// Deduplication of accounts and contacts.
    #[serde(default)]
    pub dedup: DedupSection,
    /// Business rules: SQL predicates every row of a table should satisfy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleConfig>,
    /// Outlier detectors on numeric columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outliers: Vec<OutlierConfig>,
    /// Missing-value strategies, applied after deduplication.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub impute: Vec<ImputeConfig>,
}

impl Default for CleanSection {
    fn default() -> Self {
        Self {
            default_country: default_country(),
            dedup: DedupSection::default(),
            rules: Vec::new(),
            outliers: Vec::new(),
            impute: Vec::new(),
        }
    }
}

fn default_country() -> String {
    "FR".into()
}

/// The `[clean.dedup]` section.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DedupSection {
    /// Whether accounts and contacts are deduplicated. Default: true.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Match probability from which two records are the same entity. Default: 0.9.
    #[serde(default = "default_threshold")]
    pub threshold: f64,
    /// Which member's value a golden record keeps for each column. Default: most_frequent.
    #[serde(default)]
    pub survivorship: Survivorship,
    /// Sources (names of `[sources.*]`) whose values win over others', most trusted first: a
    /// golden record takes each column from the most trusted source that has a value, then
    /// applies `survivorship` among that source's records. Default: none, every source alike.
    #[serde(default)]
    pub source_priority: Vec<String>,
}

impl Default for DedupSection {
    fn default() -> Self {
        Self {
            enabled: true,
            threshold: default_threshold(),
            survivorship: Survivorship::default(),
            source_priority: Vec::new(),
        }
    }
}

/// How a golden record chooses each column's value among the records it merges.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Survivorship {
    /// The value most records agree on (compared by match key); ties go to the most complete
    /// record, then the smallest id.
    #[default]
    MostFrequent,
    /// The value of the newest record (by `updated_at`, else `created_at`; a table without
    /// either falls back to the most complete record), then the most complete, then the
    /// smallest id.
    MostRecent,
    /// The value of the record with the most values, then the smallest id.
    MostComplete,
}

fn yes() -> bool {
    true
}

fn default_threshold() -> f64 {
    0.9
}

/// The `[project]` section.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProjectSection {
    /// Name of the project, shown in reports.
    pub name: String,
    /// Reference date for features (`YYYY-MM-DD`). Default: today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// Folder for results, relative to the project folder. Default: `workspace`.
    #[serde(default = "default_workspace")]
    pub workspace: String,
}

fn default_workspace() -> String {
    "workspace".into()
}

/// A `[sources.NAME]` section, or the flags of `cible ingest`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// Which canonical table the source feeds: accounts, contacts, orders or events.
    pub kind: String,
    /// A file, a directory (every data file in it) or a glob (`data/erp/*.csv`), relative to
    /// the project folder.
    pub path: String,
    /// csv, parquet or ndjson. Default: from the file extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// CSV field delimiter, one character. Default: detected from the first lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// auto, utf-8 or latin-1 (read as Windows-1252). Default: auto.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Decimal separator of numbers, "." or ",". Default: ".".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimal: Option<String>,
    /// Order of day, month and year in dates such as 03/04/2025: dmy, mdy or ymd. Default: dmy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_order: Option<String>,
    /// Canonical column = source column. Unmapped canonical columns are matched by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub columns: BTreeMap<String, String>,
    /// Canonical column = chrono format of its dates (`%d/%m/%Y`), for dates no rule detects.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub formats: BTreeMap<String, String>,
    /// Source columns to keep as extra text columns (named in snake_case).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keep: Vec<String>,
    /// Values that mean "missing". Default: empty, NA, N/A, NULL, None, NaN, -, #N/A.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub null_values: Option<Vec<String>>,
}

impl SourceConfig {
    /// A source of `kind` at `path` with every other setting at its default.
    pub fn new(kind: TableKind, path: impl Into<String>) -> Self {
        Self {
            kind: kind.name().into(),
            path: path.into(),
            format: None,
            delimiter: None,
            encoding: None,
            decimal: None,
            date_order: None,
            columns: BTreeMap::new(),
            formats: BTreeMap::new(),
            keep: Vec::new(),
            null_values: None,
        }
    }

    /// Validates the settings. `prefix` is the dotted key of the section (`sources.crm`), or
    /// empty for command-line flags; `location` prefixes messages (`cible.toml: `).
    pub fn check(&self, prefix: &str, location: &str) -> Result<SourceSpec, ProjectError> {
        let invalid = |key: &str, value: &str, expected: String| ProjectError::Invalid {
            location: location.into(),
            key: if prefix.is_empty() {
                key.into()
            } else {
                format!("{prefix}.{key}")
            },
            value: format!("{value:?}"),
            expected,
        };
        let kind: TableKind = self.kind.parse().map_err(|_| {
            invalid(
                "kind",
                &self.kind,
                "expected one of accounts, contacts, orders, events".into(),
            )
        })?;
        if self.path.trim().is_empty() {
            return Err(invalid(
                "path",
                &self.path,
                "expected a file, a directory or a glob".into(),
            ));
        }
        let format = self
            .format
            .as_deref()
            .map(|f| f.parse().map_err(|e| invalid("format", f, e)))
            .transpose()?;
        let delimiter = match self.delimiter.as_deref() {
            None => None,
            Some(d) => Some(parse_delimiter(d).ok_or_else(|| {
                invalid(
                    "delimiter",
                    d,
                    "expected one ASCII character such as \",\", \";\", \"|\" or \"\\t\"".into(),
                )
            })?),
        };
        let encoding = self
            .encoding
            .as_deref()
            .map(|e| e.parse().map_err(|msg| invalid("encoding", e, msg)))
            .transpose()?
            .unwrap_or_default();
        let decimal = match self.decimal.as_deref() {
            None | Some(".") => b'.',
            Some(",") => b',',
            Some(d) => return Err(invalid("decimal", d, "expected \".\" or \",\"".into())),
        };
        let date_order = self
            .date_order
            .as_deref()
            .map(|o| o.parse().map_err(|msg| invalid("date_order", o, msg)))
            .transpose()?
            .unwrap_or_default();
        for canonical in self.columns.keys() {
            if kind.column(canonical).is_none() {
                return Err(invalid(
                    &format!("columns.{canonical}"),
                    &self.columns[canonical],
                    format!(
                        "`{canonical}` is not a column of {kind}; expected one of: {}",
                        kind.column_list()
                    ),
                ));
            }
        }
        let mut formats = BTreeMap::new();
        for (canonical, fmt) in &self.formats {
            let key = format!("formats.{canonical}");
            match kind.column(canonical).map(|c| c.ty) {
                Some(ColumnType::Date | ColumnType::Timestamp) => {}
                Some(_) => {
                    return Err(invalid(
                        &key,
                        fmt,
                        format!("`{canonical}` is not a date column of {kind}"),
                    ));
                }
                None => {
                    return Err(invalid(
                        &key,
                        fmt,
                        format!(
                            "`{canonical}` is not a column of {kind}; expected one of: {}",
                            kind.column_list()
                        ),
                    ));
                }
            }
            if !is_valid_strftime(fmt) {
                return Err(invalid(
                    &key,
                    fmt,
                    "expected a chrono date format such as \"%d/%m/%Y\"".into(),
                ));
            }
            formats.insert(canonical.clone(), fmt.clone());
        }
        let null_values = self
            .null_values
            .clone()
            .unwrap_or_else(|| DEFAULT_NULL_VALUES.iter().map(|s| s.to_string()).collect())
            .into_iter()
            .map(|v| v.trim().to_lowercase())
            .collect();
        Ok(SourceSpec {
            kind,
            path: self.path.clone(),
            format,
            delimiter,
            encoding,
            decimal,
            date_order,
            columns: self.columns.clone(),
            formats,
            keep: self.keep.clone(),
            null_values,
        })
    }
}

fn parse_delimiter(d: &str) -> Option<u8> {
    match d {
        "\\t" | "tab" => Some(b'\t'),
        _ => {
            let mut chars = d.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if c.is_ascii() && c != '"' && c != '\n' && c != '\r' => {
                    Some(c as u8)
                }
                _ => None,
            }
        }
    }
}

fn is_valid_strftime(fmt: &str) -> bool {
    use chrono::format::{Item, StrftimeItems};
    !fmt.is_empty() && StrftimeItems::new(fmt).all(|item| !matches!(item, Item::Error))
}

/// Validated settings of one source, ready for ingestion.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceSpec {
    /// The canonical table it feeds.
    pub kind: TableKind,
    /// File, directory or glob, as written.
    pub path: String,
    /// Forced format, or `None` to go by extension.
    pub format: Option<SourceFormat>,
    /// Forced CSV delimiter, or `None` to detect it.
    pub delimiter: Option<u8>,
    /// Text encoding of CSV files.
    pub encoding: Encoding,
    /// `b'.'` or `b','`.
    pub decimal: u8,
    /// How to read ambiguous numeric dates.
    pub date_order: DateOrder,
    /// Canonical column → source column.
    pub columns: BTreeMap<String, String>,
    /// Canonical column → chrono format.
    pub formats: BTreeMap<String, String>,
    /// Source columns kept as extra text columns.
    pub keep: Vec<String>,
    /// Lower-case trimmed values that mean missing.
    pub null_values: Vec<String>,
}

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident = $text:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($text $(| $alias)* => Ok(Self::$variant),)+
                    _ => Err(format!(concat!("expected ", $what, " {}"), [$($text),+].join(", "))),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(match self { $(Self::$variant => $text),+ })
            }
        }
    };
}

text_enum! {
    /// File format of a source.
    SourceFormat, "one of" {
        /// Delimited text.
        Csv = "csv" | "tsv" | "txt",
        /// Apache Parquet.
        Parquet = "parquet" | "pq",
        /// One JSON object per line.
        Ndjson = "ndjson" | "jsonl" | "json",
    }
}

text_enum! {
    /// Text encoding of a CSV source.
    #[derive(Default)]
    Encoding, "one of" {
        /// UTF-8 if the start of the file is valid UTF-8, otherwise Windows-1252.
        #[default]
        Auto = "auto",
        /// UTF-8 (a leading byte-order mark is skipped); invalid bytes reject the row.
        Utf8 = "utf-8" | "utf8",
        /// Latin-1, read as its superset Windows-1252 (what Excel writes on Western Windows).
        Latin1 = "latin-1" | "latin1" | "iso-8859-1" | "windows-1252" | "cp1252",
    }
}

text_enum! {
    /// Order of the parts of an all-numeric date such as 03/04/2025.
    #[derive(Default)]
    DateOrder, "one of" {
        /// Day, month, year (European).
        #[default]
        Dmy = "dmy",
        /// Month, day, year (United States).
        Mdy = "mdy",
        /// Year, month, day.
        Ymd = "ymd",
    }
}

impl SourceFormat {
    /// The format a file's extension implies, if any.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?;
        ext.parse().ok()
    }
}

/// `relative` resolved against `base`, without a leading `./` when `base` is the current
/// folder, so that messages show paths as the user wrote them.
pub fn resolve_path(base: &Path, relative: impl AsRef<Path>) -> PathBuf {
    if base.as_os_str().is_empty() || base == Path::new(".") {
        relative.as_ref().to_path_buf()
    } else {
        base.join(relative)
    }
}

/// A loaded and validated project.
#[derive(Debug, Clone)]
pub struct Project {
    /// The folder that holds `cible.toml`; relative paths are resolved against it.
    pub root: PathBuf,
    /// The file as written.
    pub file: ProjectFile,
    /// The reference date.
    pub as_of: NaiveDate,
    /// The checked sources, by name, in name order.
    pub sources: Vec<(String, SourceSpec)>,
}

impl Project {
    /// Reads and validates `DIR/cible.toml`.
    pub fn load(dir: &Path) -> Result<Self, ProjectError> {
        let path = resolve_path(dir, PROJECT_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| ProjectError::Read {
            path: path.clone(),
            source,
        })?;
        Self::parse(dir, &text, &path)
    }

    /// Validates project-file text; `path` is used in messages.
    pub fn parse(root: &Path, text: &str, path: &Path) -> Result<Self, ProjectError> {
        let file: ProjectFile = toml::from_str(text).map_err(|e| ProjectError::Syntax {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
        let location = format!("{}: ", path.display());
        let invalid = |key: &str, value: &str, expected: &str| ProjectError::Invalid {
            location: location.clone(),
            key: key.into(),
            value: format!("{value:?}"),
            expected: expected.into(),
        };
        if file.project.name.trim().is_empty() {
            return Err(invalid(
                "project.name",
                &file.project.name,
                "expected a non-empty name",
            ));
        }
        if file.project.workspace.trim().is_empty() {
            return Err(invalid(
                "project.workspace",
                &file.project.workspace,
                "expected a folder name",
            ));
        }
        let threshold = file.clean.dedup.threshold;
        if !(threshold > 0.0 && threshold < 1.0) {
            return Err(invalid(
                "clean.dedup.threshold",
                &threshold.to_string(),
                "expected a probability between 0 and 1, exclusive",
            ));
        }
        for name in &file.clean.dedup.source_priority {
            if !file.sources.contains_key(name) {
                let known: Vec<&str> = file.sources.keys().map(String::as_str).collect();
                return Err(invalid(
                    "clean.dedup.source_priority",
                    name,
                    &format!("expected a source of this project: {}", known.join(", ")),
                ));
            }
        }
        let country = &file.clean.default_country;
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(invalid(
                "clean.default_country",
                country,
                "expected an ISO 3166 two-letter country code such as FR",
            ));
        }
        let clean = &file.clean;
        check_clean(&clean.rules, &clean.outliers, &clean.impute)
            .and_then(|()| crate::rules::check_rules(&file.segments, &file.tags))
            .and_then(|()| crate::scores::check_scores(&file.scores))
            .and_then(|()| crate::exports::check_exports(&file.exports, &file.segments))
            .and_then(|()| file.segmentation.check())
            .map_err(|(key, value, expected)| ProjectError::Invalid {
                location: location.clone(),
                key,
                value,
                expected,
            })?;
        let as_of = match &file.project.as_of {
            None => chrono::Local::now().date_naive(),
            Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| invalid("project.as_of", text, "expected a date as YYYY-MM-DD"))?,
        };
        let mut sources = Vec::with_capacity(file.sources.len());
        for (name, config) in &file.sources {
            sources.push((
                name.clone(),
                config.check(&format!("sources.{name}"), &location)?,
            ));
        }
        Ok(Self {
            root: root.to_path_buf(),
            file,
            as_of,
            sources,
        })
    }

    /// The workspace folder, resolved against the project folder.
    pub fn workspace_dir(&self) -> PathBuf {
        resolve_path(&self.root, &self.file.project.workspace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Project, String> {
        Project::parse(Path::new("p"), text, Path::new("cible.toml")).map_err(|e| e.to_string())
    }

    const MINIMAL: &str = "[project]\nname = \"acme\"\nas_of = \"2026-11-01\"\n";

    #[test]
    fn minimal_project_has_defaults() {
        let p = parse(MINIMAL).unwrap();
        assert_eq!(p.as_of, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        assert_eq!(p.workspace_dir(), Path::new("p/workspace"));
        assert!(p.sources.is_empty());
    }

    #[test]
    fn clean_checks_are_read_and_checked() {
        let text = format!(
            "{MINIMAL}[[clean.rules]]\nname = \"positive\"\ntable = \"orders\"\ncheck = \"amount > 0\"\n\
             action = \"reject\"\n[[clean.outliers]]\ntable = \"orders\"\ncolumn = \"amount\"\n\
             log = true\nby = \"product\"\naction = \"cap\"\n[[clean.impute]]\ntable = \"accounts\"\n\
             columns = [\"revenue\"]\nstrategy = \"knn\"\nusing = [\"employees\"]\n"
        );
        let p = parse(&text).unwrap();
        let clean = &p.file.clean;
        assert_eq!(clean.rules[0].action, crate::clean::RuleAction::Reject);
        assert_eq!(
            clean.outliers[0].method,
            crate::clean::OutlierMethodName::Mad
        );
        assert_eq!(clean.impute[0].neighbours, 5);
        let e = parse(&text.replace("\"amount\"\n", "\"currency\"\n")).unwrap_err();
        assert!(
            e.contains("cible.toml: `clean.outliers[0].column` = \"currency\": expected a numeric column of orders"),
            "{e}"
        );
        let e = parse(&text.replace("\"cap\"", "\"drop\"")).unwrap_err();
        assert!(
            e.contains("unknown variant `drop`") && e.contains("cap"),
            "{e}"
        );
    }

    #[test]
    fn full_source_is_checked() {
        let text = format!(
            "{MINIMAL}[sources.crm]\nkind = \"accounts\"\npath = \"data/*.csv\"\ndelimiter = \";\"\n\
             encoding = \"latin-1\"\ndecimal = \",\"\ndate_order = \"mdy\"\n\
             columns = {{ account_id = \"Id\", name = \"Raison sociale\" }}\n\
             formats = {{ created_at = \"%d/%m/%Y\" }}\nkeep = [\"Segment\"]\n"
        );
        let p = parse(&text).unwrap();
        let (name, spec) = &p.sources[0];
        assert_eq!(name, "crm");
        assert_eq!(spec.kind, TableKind::Accounts);
        assert_eq!(spec.delimiter, Some(b';'));
        assert_eq!(spec.encoding, Encoding::Latin1);
        assert_eq!(spec.decimal, b',');
        assert_eq!(spec.date_order, DateOrder::Mdy);
        assert_eq!(spec.columns["name"], "Raison sociale");
        assert!(spec.null_values.contains(&"n/a".to_string()));
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let err = parse(&format!(
            "{MINIMAL}[sources.crm]\nkind = \"accounts\"\npath = \"a.csv\"\ndelimeter = \";\"\n"
        ))
        .unwrap_err();
        assert!(
            err.starts_with("cible.toml: TOML parse error at line 7, column 1"),
            "{err}"
        );
        assert!(err.contains("unknown field `delimeter`"), "{err}");
    }

    #[test]
    fn survivorship_and_source_priority_are_checked() {
        let source = "[sources.crm]\nkind = \"accounts\"\npath = \"a.csv\"\n";
        let p = parse(&format!(
            "{MINIMAL}[clean.dedup]\nsurvivorship = \"most_recent\"\nsource_priority = [\"crm\"]\n{source}"
        ))
        .unwrap();
        assert_eq!(p.file.clean.dedup.survivorship, Survivorship::MostRecent);
        assert_eq!(p.file.clean.dedup.source_priority, ["crm"]);
        let err = parse(&format!(
            "{MINIMAL}[clean.dedup]\nsource_priority = [\"erp\"]\n{source}"
        ))
        .unwrap_err();
        assert_eq!(
            err,
            "cible.toml: `clean.dedup.source_priority` = \"erp\": expected a source of this project: crm"
        );
        let err = parse(&format!(
            "{MINIMAL}[clean.dedup]\nsurvivorship = \"newest\"\n"
        ))
        .unwrap_err();
        assert!(err.contains("unknown variant `newest`"), "{err}");
        assert_eq!(
            parse(MINIMAL).unwrap().file.clean.dedup.survivorship,
            Survivorship::MostFrequent
        );
    }

    #[test]
    fn missing_name_is_reported() {
        let err = parse("[project]\nas_of = \"2026-11-01\"\n").unwrap_err();
        assert!(err.contains("missing field `name`"), "{err}");
    }

    #[test]
    fn bad_values_name_the_key_and_what_was_expected() {
        let cases = [
            (
                "as_of = \"2026-13-01\"",
                "",
                "cible.toml: `project.as_of` = \"2026-13-01\": expected a date as YYYY-MM-DD",
            ),
            (
                "",
                "kind = \"acounts\"\npath = \"a.csv\"",
                "cible.toml: `sources.s.kind` = \"acounts\": expected one of accounts, contacts, orders, events",
            ),
            (
                "",
                "kind = \"orders\"\npath = \" \"",
                "cible.toml: `sources.s.path` = \" \": expected a file, a directory or a glob",
            ),
            (
                "",
                "kind = \"orders\"\npath = \"a\"\ndelimiter = \";;\"",
                "cible.toml: `sources.s.delimiter` = \";;\": expected one ASCII character such as \",\", \";\", \"|\" or \"\\t\"",
            ),
            (
                "",
                "kind = \"orders\"\npath = \"a\"\nencoding = \"utf-16\"",
                "cible.toml: `sources.s.encoding` = \"utf-16\": expected one of auto, utf-8, latin-1",
            ),
            (
                "",
                "kind = \"orders\"\npath = \"a\"\ndecimal = \"'\"",
                "cible.toml: `sources.s.decimal` = \"'\": expected \".\" or \",\"",
            ),
            (
                "",
                "kind = \"orders\"\npath = \"a\"\nformat = \"xlsx\"",
                "cible.toml: `sources.s.format` = \"xlsx\": expected one of csv, parquet, ndjson",
            ),
            (
                "",
                "kind = \"orders\"\npath = \"a\"\ndate_order = \"ydm\"",
                "cible.toml: `sources.s.date_order` = \"ydm\": expected one of dmy, mdy, ymd",
            ),
            (
                "",
                "kind = \"orders\"\npath = \"a\"\ncolumns = { amont = \"Montant\" }",
                "cible.toml: `sources.s.columns.amont` = \"Montant\": `amont` is not a column of orders; expected one of: \
                 order_id, account_id, ordered_at, amount, currency, product, category, quantity, channel",
            ),
            (
                "",
                "kind = \"orders\"\npath = \"a\"\nformats = { amount = \"%d\" }",
                "cible.toml: `sources.s.formats.amount` = \"%d\": `amount` is not a date column of orders",
            ),
            (
                "",
                "kind = \"orders\"\npath = \"a\"\nformats = { ordered_at = \"%Q\" }",
                "cible.toml: `sources.s.formats.ordered_at` = \"%Q\": expected a chrono date format such as \"%d/%m/%Y\"",
            ),
        ];
        for (project_extra, source, expected) in cases {
            let mut text = format!("[project]\nname = \"acme\"\n{project_extra}\n");
            if !source.is_empty() {
                text.push_str(&format!("[sources.s]\n{source}\n"));
            }
            assert_eq!(parse(&text).unwrap_err(), expected);
        }
    }

    #[test]
    fn command_line_settings_have_no_location() {
        let mut config = SourceConfig::new(TableKind::Orders, "a.csv");
        config.delimiter = Some("tab".into());
        assert_eq!(config.check("", "").unwrap().delimiter, Some(b'\t'));
        config.encoding = Some("ebcdic".into());
        assert_eq!(
            config.check("", "").unwrap_err().to_string(),
            "`encoding` = \"ebcdic\": expected one of auto, utf-8, latin-1"
        );
    }
}
