//! What the report shows: plain data, assembled by the caller from a run's files.

/// Everything the report shows. Sections without data are left out of the page, each with a
/// sentence saying why.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    /// The page's title (the project's name).
    pub title: String,
    /// The run's id.
    pub run_id: String,
    /// The date the run describes.
    pub as_of: String,
    /// When the run finished (UTC).
    pub finished_at: String,
    /// The version of cible that made it.
    pub version: String,
    /// Key figures of the overview: label and value.
    pub figures: Vec<(String, String)>,
    /// Seconds per stage.
    pub stages: Vec<(String, f64)>,
    /// Data quality per table.
    pub quality: Vec<TableQuality>,
    /// How the number of segments was chosen.
    pub k_choice: Option<KChoice>,
    /// The accounts on their first two principal components.
    pub map: Option<AccountMap>,
    /// Clustered and rule segments with their personas.
    pub segments: Vec<SegmentCard>,
    /// Standardized differences of the most telling features per clustered segment.
    pub heatmap: Option<Heatmap>,
    /// Accounts and segments placed by value and engagement.
    pub value_engagement: Option<ValueEngagement>,
    /// Rule segments.
    pub rules: Vec<RuleRow>,
    /// Tags.
    pub tags: Vec<TagRow>,
    /// Segment lists the run wrote.
    pub exports: Vec<ExportRow>,
    /// Stability of the clustered segments under resampling.
    pub stability: Option<StabilityFigures>,
    /// What changed since the previous run.
    pub changes: Option<Changes>,
    /// Propensity scores.
    pub scores: Vec<ScoreSection>,
}

/// Data quality of one table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableQuality {
    /// The table.
    pub table: String,
    /// Rows read from the sources.
    pub rows_read: u64,
    /// Rows loaded.
    pub rows_loaded: u64,
    /// Rows rejected, by reason.
    pub rejects: Vec<(String, u64)>,
    /// Records and the entities they were merged into, when deduplicated.
    pub duplicates: Option<(u64, u64)>,
    /// Rows flagged by business rules and outlier checks.
    pub flagged: u64,
    /// The columns with the most empty cells: name and share, most empty first.
    pub missing: Vec<(String, f64)>,
}

/// The sweep over k and the choice.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KChoice {
    /// One row per k tried.
    pub rows: Vec<KRow>,
    /// The k chosen.
    pub chosen: usize,
    /// Why, in sentences.
    pub reasons: Vec<String>,
}

/// The criteria for one k.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct KRow {
    /// Segments.
    pub k: usize,
    /// Within-segment sum of squares.
    pub inertia: Option<f64>,
    /// Mean silhouette.
    pub silhouette: Option<f64>,
    /// Calinski–Harabasz index.
    pub calinski_harabasz: Option<f64>,
    /// Davies–Bouldin index.
    pub davies_bouldin: Option<f64>,
    /// Gap statistic.
    pub gap: Option<f64>,
}

/// Accounts on the first two principal components of the clustered space.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AccountMap {
    /// (pc1, pc2, segment index) of the accounts shown.
    pub points: Vec<(f64, f64, usize)>,
    /// Accounts in the run (the map may show a sample).
    pub accounts: usize,
    /// Share of variance each of the two components explains.
    pub variance: (f64, f64),
    /// Segment names, by index.
    pub segments: Vec<String>,
}

/// A segment and its persona.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SegmentCard {
    /// `cluster` or `rule`.
    pub kind: String,
    /// The segment's id (cluster label or rule name).
    pub id: String,
    /// Its generated name.
    pub name: String,
    /// The rule, for rule segments.
    pub rule: Option<String>,
    /// Accounts.
    pub size: u64,
    /// Share of all accounts.
    pub share: f64,
    /// Features that set it apart: name, standardized difference (Cohen's d), segment mean
    /// and the rest's mean.
    pub distinguishing: Vec<(String, f64, f64, f64)>,
    /// Explanation rules: text, share of the segment covered, precision.
    pub explanation: Vec<(String, f64, f64)>,
    /// F1 of the explanation's tree against the segment.
    pub fidelity: Option<f64>,
    /// Typical firmographics: feature, most common value, its share in the segment and its
    /// lift over the population.
    pub mix: Vec<(String, String, f64, f64)>,
    /// Suggested actions with their reason.
    pub actions: Vec<(String, String)>,
    /// Palette colour.
    pub colour: usize,
}

/// Segments × features.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Heatmap {
    /// Segment names.
    pub rows: Vec<String>,
    /// Feature names.
    pub columns: Vec<String>,
    /// Standardized difference of each segment's mean from the rest, `values[row][column]`.
    pub values: Vec<Vec<f64>>,
}

/// The value × engagement matrix.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ValueEngagement {
    /// The value feature (x).
    pub value: String,
    /// The engagement feature (y).
    pub engagement: String,
    /// Whether the value axis is drawn on a logarithmic (`ln(1 + value)`) scale.
    pub log_value: bool,
    /// (value, engagement, segment index) of the accounts shown.
    pub points: Vec<(f64, f64, usize)>,
    /// Each segment at its median value and engagement: name, x, y, accounts.
    pub segments: Vec<(String, f64, f64, u64)>,
    /// Where the quadrants meet: the median value of the accounts with any value, and the
    /// median engagement of all accounts.
    pub medians: (f64, f64),
    /// Segment names, by index.
    pub names: Vec<String>,
}

/// A rule segment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleRow {
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Its predicate.
    pub rule: String,
    /// The segment it is restricted to.
    pub within: Option<String>,
    /// Members.
    pub accounts: u64,
    /// Share of all accounts.
    pub share: f64,
}

/// A segment list the run wrote.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExportRow {
    /// The file, relative to the run folder.
    pub file: String,
    /// The segment.
    pub segment: String,
    /// `accounts` or `contacts`.
    pub of: String,
    /// The format.
    pub format: String,
    /// Rows written.
    pub rows: u64,
    /// Contacts left out for want of e-mail consent.
    pub excluded_without_consent: u64,
}

/// A tag.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TagRow {
    /// Its name.
    pub name: String,
    /// `account` or `contact`.
    pub on: String,
    /// Accounts tagged.
    pub accounts: u64,
    /// Contacts tagged.
    pub contacts: u64,
    /// Tags expired by as_of.
    pub expired: u64,
    /// Tags removed by their removal rule.
    pub removed: u64,
}

/// Stability of the clustered segments.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StabilityFigures {
    /// Resampled runs.
    pub runs: usize,
    /// Share of rows in each resample.
    pub fraction: f64,
    /// Mean adjusted Rand index between each run and the reference.
    pub mean_ari: f64,
    /// Per segment: name, mean Jaccard index, share of runs where it dissolved.
    pub segments: Vec<(String, f64, f64)>,
}

/// What changed since the previous run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Changes {
    /// The previous run's id.
    pub previous: String,
    /// Accounts in both runs, only in this one, only in the previous one.
    pub common: usize,
    /// Accounts only in this run.
    pub added: usize,
    /// Accounts only in the previous run.
    pub removed: usize,
    /// Adjusted Rand index between the two clusterings on the common accounts.
    pub adjusted_rand_index: Option<f64>,
    /// Common accounts whose segment is not the match of their old one.
    pub moved: usize,
    /// The largest moves: from, to, accounts.
    pub movements: Vec<(String, String, usize)>,
    /// Rule and tag segments: name, members before, members now, entered, left.
    pub segments: Vec<(String, usize, usize, usize, usize)>,
    /// Settings changed: key, before, now.
    pub settings: Vec<(String, String, String)>,
    /// Input files whose content changed.
    pub inputs: Vec<String>,
}

/// A propensity score.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScoreSection {
    /// Its name.
    pub name: String,
    /// The model chosen.
    pub model: String,
    /// Training rows and positives.
    pub rows: u64,
    /// Positive rows.
    pub positives: u64,
    /// How the rows were split.
    pub split: String,
    /// Test figures: name and value (AUC, average precision, log-loss, Brier...).
    pub test: Vec<(String, f64)>,
    /// Cross-validated AUC of the chosen candidate: mean and standard deviation.
    pub cv_auc: Option<(f64, f64)>,
    /// The threshold and how it was chosen.
    pub threshold: (f64, String),
    /// Accounts scored and predicted positive.
    pub scored: (u64, u64),
    /// ROC curve (false positive rate, true positive rate) on the test split.
    pub roc: Vec<(f64, f64)>,
    /// Precision-recall curve (recall, precision).
    pub pr: Vec<(f64, f64)>,
    /// Calibration (mean predicted, fraction positive) per bin.
    pub calibration: Vec<(f64, f64)>,
    /// Lift table: band, rows, positives, lift, cumulative gain.
    pub gains: Vec<(u64, u64, u64, f64, f64)>,
    /// Permutation importance of the top features.
    pub importance: Vec<(String, f64)>,
}
