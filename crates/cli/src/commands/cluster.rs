//! `cible cluster`: cluster any numeric table, or mixed numeric and categorical data with
//! k-prototypes.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

use cible_data::{TextTable, parse_number};
use cible_ml::metrics::{calinski_harabasz_score, davies_bouldin_score, silhouette_score_sampled};
use cible_ml::{
    Algorithm, Dbscan, Dendrogram, Gower, Hdbscan, KMeans, KPrototypes, KPrototypesSelection,
    Linkage, MISSING, Matrix, MiniBatchKMeans, MixedData, Scaler, Scaling, select_k,
    select_k_prototypes,
};
use cible_store::StagingDir;
use clap::Args;
use serde::Serialize;

use super::{FormatArg, InputArgs};
use crate::error::CliError;
use crate::output::{Output, count, shown};

/// Clustering methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// k-means (k-means++, several initialisations, Lloyd/Elkan).
    Kmeans,
    /// Mini-batch k-means, for large data.
    Minibatch,
    /// Agglomerative clustering cut into k clusters.
    Hierarchical,
    /// DBSCAN (density; noise is label -1).
    Dbscan,
    /// HDBSCAN (density at every scale; noise is label -1).
    Hdbscan,
    /// k-prototypes: numeric and categorical columns together.
    Kprototypes,
}

impl FromStr for Method {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "kmeans" | "k-means" => Ok(Self::Kmeans),
            "minibatch" | "mini-batch" => Ok(Self::Minibatch),
            "hierarchical" | "agglomerative" => Ok(Self::Hierarchical),
            "dbscan" => Ok(Self::Dbscan),
            "hdbscan" => Ok(Self::Hdbscan),
            "kprototypes" | "k-prototypes" => Ok(Self::Kprototypes),
            _ => Err(format!(
                "unknown method `{s}`; expected one of kmeans, minibatch, hierarchical, dbscan, \
                 hdbscan, kprototypes"
            )),
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Kmeans => "kmeans",
            Self::Minibatch => "minibatch",
            Self::Hierarchical => "hierarchical",
            Self::Dbscan => "dbscan",
            Self::Hdbscan => "hdbscan",
            Self::Kprototypes => "kprototypes",
        })
    }
}

/// `--k N` or `--k auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KChoice {
    /// A fixed number of clusters.
    Fixed(usize),
    /// Chosen over 2..=15 by silhouette, Calinski–Harabasz, Davies–Bouldin and the elbow.
    Auto,
}

impl FromStr for KChoice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if s.eq_ignore_ascii_case("auto") {
            return Ok(Self::Auto);
        }
        s.parse()
            .map(Self::Fixed)
            .map_err(|_| format!("`{s}`: expected a number of clusters or `auto`"))
    }
}

/// Cluster the rows of any CSV, Parquet or NDJSON table on its numeric columns, or on numeric
/// and categorical columns together with k-prototypes.
///
/// Writes OUT/labels.csv (row,label in input order; -1 is noise for DBSCAN and HDBSCAN),
/// OUT/metrics.json (silhouette, Calinski-Harabasz, Davies-Bouldin, inertia where defined; with
/// --k auto, every k's scores and the choice with its reasons) and, for k-means and
/// k-prototypes, OUT/centroids.csv (in the units of the input, not scaled). Missing or
/// non-numeric values in a clustered column are an error naming the line and column.
///
/// k-prototypes (--method kprototypes) clusters numeric and categorical columns together: a column whose values are not all numbers is categorical (a missing category is
/// the category "(missing)"); numeric columns are scaled with --scale. The cost of a row to a
/// prototype is the squared distance of the numeric parts plus gamma per categorical column
/// that differs. metrics.json gives the cost, gamma and the silhouette on Gower's distance
/// (range-normalised numbers, 0/1 categories; on 10,000 sampled rows above that);
/// centroids.csv gives numeric means and categorical modes (as their strings). With --k auto it
/// fits every k of 2..15 and recommends the one with the highest silhouette on the
/// k-prototypes dissimilarity √(squared numeric distance + gamma × mismatches), sampled on
/// 5,000 rows, the cost's elbow as a fallback.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cible cluster features.csv --method kmeans --k auto --scale zscore --out segments
  cible cluster iris.csv --columns sepal_length,sepal_width,petal_length,petal_width --k 3 --out iris
  cible cluster accounts.parquet --method hdbscan --min-cluster-size 25 --scale robust --out dense
  cible cluster accounts.csv --method kprototypes --k 5 --columns revenue,employees,sector,region --out mixed")]
pub struct ClusterArgs {
    /// The table: CSV, Parquet or NDJSON.
    file: PathBuf,
    /// Method: kmeans, minibatch, hierarchical, dbscan, hdbscan or kprototypes.
    #[arg(long, default_value = "kmeans")]
    method: Method,
    /// Number of clusters, or `auto` to choose it over 2..15 (kmeans, minibatch, hierarchical,
    /// kprototypes).
    #[arg(long, default_value = "auto")]
    k: KChoice,
    /// Columns to cluster on, comma-separated [default: every numeric column; for kprototypes,
    /// every column with a value].
    #[arg(long, value_delimiter = ',')]
    columns: Vec<String>,
    /// Scaling before clustering: none, zscore, minmax or robust.
    #[arg(long, default_value = "zscore")]
    scale: String,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// k-means and k-prototypes initialisations (the best is kept).
    #[arg(long, default_value_t = 10)]
    n_init: usize,
    /// k-means iterations: hamerly (bounds that skip rows which cannot change cluster: the
    /// same result as lloyd, faster once clusters settle), lloyd (every row against every
    /// centroid) or elkan (one bound per row and cluster).
    #[arg(long, default_value = "hamerly")]
    algorithm: Algorithm,
    /// Linkage of hierarchical clustering: ward, complete, average or single.
    #[arg(long, default_value = "ward")]
    linkage: Linkage,
    /// DBSCAN neighbourhood radius (in scaled units).
    #[arg(long, default_value_t = 0.5)]
    eps: f64,
    /// DBSCAN and HDBSCAN minimum neighbours of a core point.
    #[arg(long, default_value_t = 5)]
    min_samples: usize,
    /// HDBSCAN smallest cluster.
    #[arg(long, default_value_t = 5)]
    min_cluster_size: usize,
    /// k-prototypes weight of one categorical mismatch against squared distances of the scaled
    /// numeric columns [default: half their mean standard deviation, 0.5 after zscore].
    #[arg(long)]
    gamma: Option<f64>,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    format: FormatArg,
}

/// Rows above which the silhouette is estimated on a sample.
const SILHOUETTE_SAMPLE: usize = 10_000;

#[derive(Debug, Serialize)]
struct Metrics {
    file: PathBuf,
    method: Method,
    rows: usize,
    columns: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    categorical_columns: Vec<String>,
    scaling: String,
    k: usize,
    clusters: usize,
    noise: usize,
    sizes: Vec<usize>,
    #[serde(flatten)]
    scores: Scores,
    seconds: f64,
}

/// What a method's fit scores: the figures each method defines, the others `None`.
#[derive(Debug, Serialize)]
struct Scores {
    inertia: Option<f64>,
    cost: Option<f64>,
    gamma: Option<f64>,
    silhouette: Option<f64>,
    /// The distance the silhouette is computed on.
    silhouette_distance: &'static str,
    silhouette_sampled_rows: Option<usize>,
    calinski_harabasz: Option<f64>,
    davies_bouldin: Option<f64>,
    k_selection: Option<KChosen>,
}

/// How `--k auto` chose k: the k-means sweep (inertia, silhouette, Calinski–Harabasz,
/// Davies–Bouldin, gap) or the k-prototypes one (cost, silhouette).
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum KChosen {
    KMeans(cible_ml::KSelection),
    KPrototypes(KPrototypesSelection),
}

impl KChosen {
    fn recommended(&self) -> usize {
        match self {
            KChosen::KMeans(s) => s.recommended,
            KChosen::KPrototypes(s) => s.recommended,
        }
    }

    fn reasons(&self) -> &[String] {
        match self {
            KChosen::KMeans(s) => &s.reasons,
            KChosen::KPrototypes(s) => &s.reasons,
        }
    }
}

/// The columns named in `wanted`, or else every column with a value that `usable` accepts; an
/// error naming the table's columns when there is none (`what` says what was looked for).
fn chosen_columns(
    path: &Path,
    table: &TextTable,
    wanted: &[String],
    usable: impl Fn(usize) -> bool,
    what: &str,
) -> Result<Vec<usize>, CliError> {
    let columns: Vec<usize> = if wanted.is_empty() {
        (0..table.columns.len())
            .filter(|&c| table.values[c].iter().any(Option::is_some) && usable(c))
            .collect()
    } else {
        wanted
            .iter()
            .map(|w| table.column_index(path, w))
            .collect::<Result<_, _>>()?
    };
    if columns.is_empty() {
        return Err(CliError::Usage(format!(
            "{}: no {what} to cluster on; columns: {}. Choose them with --columns",
            path.display(),
            table.columns.join(", ")
        )));
    }
    Ok(columns)
}

/// Reads the chosen columns as a matrix, failing on the first unusable value.
fn numeric_matrix(
    path: &Path,
    table: &TextTable,
    wanted: &[String],
) -> Result<(Vec<String>, Matrix<f64>), CliError> {
    let numeric = |c: usize| {
        table.values[c]
            .iter()
            .flatten()
            .all(|v| parse_number(v, b'.').is_some())
    };
    let columns = chosen_columns(path, table, wanted, numeric, "numeric column")?;
    let mut data = Vec::with_capacity(table.len() * columns.len());
    for row in 0..table.len() {
        for &c in &columns {
            let at = || {
                format!(
                    "{}:{}: column \"{}\"",
                    path.display(),
                    table.lines[row],
                    table.columns[c]
                )
            };
            let value = match &table.values[c][row] {
                None => {
                    return Err(CliError::Usage(format!(
                        "{}: missing value; impute or drop it first",
                        at()
                    )));
                }
                Some(v) => parse_number(v, b'.').ok_or_else(|| {
                    CliError::Usage(format!("{}: cannot parse {v:?} as a number", at()))
                })?,
            };
            data.push(value);
        }
    }
    let names = columns.iter().map(|&c| table.columns[c].clone()).collect();
    Ok((names, Matrix::new(data, table.len(), columns.len())?))
}

/// Numeric and categorical columns read for k-prototypes.
struct MixedColumns {
    numeric_names: Vec<String>,
    numeric: Matrix<f64>,
    categorical_names: Vec<String>,
    /// Per categorical column, its categories in sorted order: code `c` is `categories[c]`.
    categories: Vec<Vec<String>>,
    /// Codes, row-major.
    codes: Vec<u32>,
}

/// Reads the chosen columns (every column with a value by default) for k-prototypes: a column
/// whose values all parse as numbers is numeric (a missing value is then an error), any other
/// is categorical (a missing value is the category `(missing)`).
fn mixed_columns(
    path: &Path,
    table: &TextTable,
    wanted: &[String],
) -> Result<MixedColumns, CliError> {
    let columns = chosen_columns(path, table, wanted, |_| true, "column")?;
    let (numeric, categorical): (Vec<usize>, Vec<usize>) = columns.into_iter().partition(|&c| {
        table.values[c]
            .iter()
            .flatten()
            .all(|v| parse_number(v, b'.').is_some())
    });
    let n = table.len();
    let mut values = Vec::with_capacity(n * numeric.len());
    for row in 0..n {
        for &c in &numeric {
            let Some(v) = &table.values[c][row] else {
                return Err(CliError::Usage(format!(
                    "{}:{}: column \"{}\": missing value; impute or drop it first",
                    path.display(),
                    table.lines[row],
                    table.columns[c]
                )));
            };
            // Every value of a numeric column parses (that is how it was found numeric).
            values.push(parse_number(v, b'.').unwrap_or_default());
        }
    }
    let categories: Vec<Vec<String>> = categorical
        .iter()
        .map(|&c| {
            let mut distinct: Vec<String> = table.values[c]
                .iter()
                .map(|v| v.clone().unwrap_or_else(|| MISSING.to_string()))
                .collect();
            distinct.sort_unstable();
            distinct.dedup();
            distinct
        })
        .collect();
    let mut codes = Vec::with_capacity(n * categorical.len());
    for row in 0..n {
        for (&c, cats) in categorical.iter().zip(&categories) {
            let v = table.values[c][row].as_deref().unwrap_or(MISSING);
            let code = cats
                .binary_search_by(|x| x.as_str().cmp(v))
                .unwrap_or_default();
            codes.push(code as u32);
        }
    }
    let names = |cols: &[usize]| cols.iter().map(|&c| table.columns[c].clone()).collect();
    Ok(MixedColumns {
        numeric_names: names(&numeric),
        numeric: Matrix::new(values, n, numeric.len())?,
        categorical_names: names(&categorical),
        categories,
        codes,
    })
}

/// What a method produced, for the metrics and the files.
struct Fitted {
    columns: Vec<String>,
    categorical_columns: Vec<String>,
    rows: usize,
    k: usize,
    labels: Vec<Option<usize>>,
    scores: Scores,
    /// The text of centroids.csv, for the methods that have centroids.
    centroids_csv: Option<String>,
}

/// Cluster sizes and the number of noise rows.
fn cluster_sizes(labels: &[Option<usize>]) -> (usize, Vec<usize>, usize) {
    let clusters = labels.iter().flatten().max().map_or(0, |m| m + 1);
    let mut sizes = vec![0usize; clusters];
    labels.iter().flatten().for_each(|&l| sizes[l] += 1);
    let noise = labels.iter().filter(|l| l.is_none()).count();
    (clusters, sizes, noise)
}

/// The `cluster,<columns>` CSV of centroids, one row per cluster.
fn centroids_csv(columns: &[String], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut text = format!("cluster,{}\n", columns.join(","));
    for (i, values) in rows.enumerate() {
        text.push_str(&format!("{i},{}\n", values.join(",")));
    }
    text
}

/// A numeric method on the numeric columns, scaled.
fn fit_numeric(args: &ClusterArgs, table: &TextTable, out: &Output) -> Result<Fitted, CliError> {
    let (columns, raw) = numeric_matrix(&args.file, table, &args.columns)?;
    let (scaler, x) = match args.scale.as_str() {
        "none" => (None, raw.clone()),
        other => {
            let scaling: Scaling = other.parse()?;
            let (scaler, x) = Scaler::fit_transform(&raw, scaling)?;
            (Some(scaler), x)
        }
    };
    let spinner = out.count_bar(
        0,
        format!("{} on {} rows", args.method, count(x.rows() as u64)),
    );
    let kmeans = KMeans::params(2)
        .seed(args.seed)
        .n_init(args.n_init)
        .algorithm(args.algorithm);
    let mut k_selection = None;
    let mut k = match args.k {
        KChoice::Fixed(k) => k,
        KChoice::Auto => 0,
    };
    if k == 0
        && matches!(
            args.method,
            Method::Kmeans | Method::Minibatch | Method::Hierarchical
        )
    {
        let upper = 15.min(x.rows().saturating_sub(1)).max(2);
        let choice = select_k(&x, 2..=upper, &kmeans)?;
        k = choice.recommended;
        k_selection = Some(KChosen::KMeans(choice));
    }
    let mut inertia = None;
    let mut centroids = None;
    let labels: Vec<Option<usize>> = match args.method {
        Method::Kmeans => {
            let model = kmeans.with_k(k).fit(&x)?;
            inertia = Some(model.inertia());
            centroids = Some(model.centroids().clone());
            model.labels().iter().map(|&l| Some(l)).collect()
        }
        Method::Minibatch => {
            let model = MiniBatchKMeans::params(k).seed(args.seed).fit(&x)?;
            inertia = Some(model.inertia());
            centroids = Some(model.centroids());
            model.labels().iter().map(|&l| Some(l)).collect()
        }
        Method::Hierarchical => Dendrogram::fit(&x, args.linkage)?
            .cut_k(k)?
            .into_iter()
            .map(Some)
            .collect(),
        Method::Dbscan => Dbscan::params(args.eps)
            .min_samples(args.min_samples)
            .fit(&x)?
            .labels()
            .to_vec(),
        Method::Hdbscan => Hdbscan::params(args.min_cluster_size)
            .min_samples(args.min_samples)
            .fit(&x)?
            .labels()
            .to_vec(),
        Method::Kprototypes => unreachable!("run() sends kprototypes to fit_kprototypes"),
    };
    spinner.finish_and_clear();
    let (clusters, _, noise) = cluster_sizes(&labels);
    // Quality metrics on the clustered rows (noise left out), in the scaled space.
    let kept: Vec<usize> = (0..labels.len()).filter(|&i| labels[i].is_some()).collect();
    let kept_labels: Vec<usize> = kept.iter().filter_map(|&i| labels[i]).collect();
    let defined = clusters >= 2 && clusters < kept.len();
    let (silhouette, calinski_harabasz, davies_bouldin, sampled) = if defined {
        let xs = if noise > 0 {
            x.select_rows(&kept)
        } else {
            x.clone()
        };
        let sampled = (xs.rows() > SILHOUETTE_SAMPLE).then_some(SILHOUETTE_SAMPLE);
        (
            Some(silhouette_score_sampled(
                &xs,
                &kept_labels,
                SILHOUETTE_SAMPLE,
                args.seed,
            )?),
            Some(calinski_harabasz_score(&xs, &kept_labels)?),
            Some(davies_bouldin_score(&xs, &kept_labels)?),
            sampled,
        )
    } else {
        (None, None, None, None)
    };
    let centroids_csv = match &centroids {
        Some(c) => {
            let c = match &scaler {
                Some(s) => s.inverse_transform(c)?,
                None => c.clone(),
            };
            Some(centroids_csv(
                &columns,
                c.iter_rows()
                    .map(|row| row.iter().map(|v| format!("{v}")).collect()),
            ))
        }
        None => None,
    };
    Ok(Fitted {
        columns,
        categorical_columns: Vec::new(),
        rows: x.rows(),
        k: if k == 0 { clusters } else { k },
        labels,
        scores: Scores {
            inertia,
            cost: None,
            gamma: None,
            silhouette,
            silhouette_distance: "euclidean (scaled columns)",
            silhouette_sampled_rows: sampled,
            calinski_harabasz,
            davies_bouldin,
            k_selection,
        },
        centroids_csv,
    })
}

/// k-prototypes on numeric (scaled) and categorical columns.
fn fit_kprototypes(
    args: &ClusterArgs,
    table: &TextTable,
    out: &Output,
) -> Result<Fitted, CliError> {
    let mixed = mixed_columns(&args.file, table, &args.columns)?;
    let (scaler, numeric) = match args.scale.as_str() {
        "none" => (None, mixed.numeric.clone()),
        _ if mixed.numeric.cols() == 0 => (None, mixed.numeric.clone()),
        other => {
            let scaling: Scaling = other.parse()?;
            let (scaler, x) = Scaler::fit_transform(&mixed.numeric, scaling)?;
            (Some(scaler), x)
        }
    };
    let data = MixedData::new(numeric, mixed.codes.clone(), mixed.categorical_names.len())?
        .with_names(mixed.numeric_names.clone(), mixed.categorical_names.clone())?;
    let spinner = out.count_bar(
        0,
        format!("{} on {} rows", args.method, count(data.rows() as u64)),
    );
    let mut params = KPrototypes::params(2).seed(args.seed).n_init(args.n_init);
    if let Some(gamma) = args.gamma {
        params = params.gamma(gamma);
    }
    let (k, k_selection) = match args.k {
        KChoice::Fixed(k) => (k, None),
        KChoice::Auto => {
            let upper = 15.min(data.rows().saturating_sub(1)).max(2);
            let choice = select_k_prototypes(&data, 2..=upper, &params)?;
            (choice.recommended, Some(KChosen::KPrototypes(choice)))
        }
    };
    let model = params.with_k(k).fit(&data)?;
    let labels: Vec<Option<usize>> = model.labels().iter().map(|&l| Some(l)).collect();
    let (clusters, _, _) = cluster_sizes(&labels);
    let (silhouette, sampled) = if clusters >= 2 && clusters < data.rows() {
        // Gower's distance normalises each numeric column by its range: the same on scaled
        // and unscaled columns.
        let gower = Gower::fit(&data)?;
        let score =
            gower.silhouette_score_sampled(&data, model.labels(), SILHOUETTE_SAMPLE, args.seed)?;
        (
            Some(score),
            (data.rows() > SILHOUETTE_SAMPLE).then_some(SILHOUETTE_SAMPLE),
        )
    } else {
        (None, None)
    };
    spinner.finish_and_clear();
    let protos = model.prototypes();
    let means = match &scaler {
        Some(s) => s.inverse_transform(protos.numeric())?,
        None => protos.numeric().clone(),
    };
    let columns: Vec<String> = mixed
        .numeric_names
        .iter()
        .chain(&mixed.categorical_names)
        .cloned()
        .collect();
    let rows = (0..k).map(|j| {
        means
            .row(j)
            .iter()
            .map(|v| format!("{v}"))
            .chain(
                protos
                    .categorical_row(j)
                    .iter()
                    .zip(&mixed.categories)
                    .map(|(&code, cats)| csv_field(&cats[code as usize])),
            )
            .collect()
    });
    let centroids = centroids_csv(
        &columns.iter().map(|c| csv_field(c)).collect::<Vec<_>>(),
        rows,
    );
    Ok(Fitted {
        columns,
        categorical_columns: mixed.categorical_names,
        rows: data.rows(),
        k,
        labels,
        scores: Scores {
            inertia: None,
            cost: Some(model.cost()),
            gamma: Some(model.gamma()),
            silhouette,
            silhouette_distance: "gower",
            silhouette_sampled_rows: sampled,
            calinski_harabasz: None,
            davies_bouldin: None,
            k_selection,
        },
        centroids_csv: Some(centroids),
    })
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Runs `cible cluster`.
pub fn run(args: &ClusterArgs, quiet: bool, json: bool) -> Result<(), CliError> {
    let out = args.format.output(quiet, json);
    let started = Instant::now();
    let table = args.input.read(&args.file)?;
    let fitted = match args.method {
        Method::Kprototypes => fit_kprototypes(args, &table, &out)?,
        _ => fit_numeric(args, &table, &out)?,
    };
    let (clusters, sizes, noise) = cluster_sizes(&fitted.labels);
    let metrics = Metrics {
        file: args.file.clone(),
        method: args.method,
        rows: fitted.rows,
        columns: fitted.columns,
        categorical_columns: fitted.categorical_columns,
        scaling: args.scale.clone(),
        k: fitted.k,
        clusters,
        noise,
        sizes,
        scores: fitted.scores,
        seconds: started.elapsed().as_secs_f64(),
    };
    let staging = StagingDir::new(&args.out)?;
    let mut text = String::from("row,label\n");
    for (i, l) in fitted.labels.iter().enumerate() {
        text.push_str(&format!("{},{}\n", i, l.map_or(-1, |l| l as i64)));
    }
    let path = staging.path("labels.csv");
    std::fs::write(&path, text).map_err(CliError::io(&path))?;
    if let Some(text) = &fitted.centroids_csv {
        let path = staging.path("centroids.csv");
        std::fs::write(&path, text).map_err(CliError::io(&path))?;
    }
    let path = staging.path("metrics.json");
    std::fs::write(
        &path,
        serde_json::to_vec_pretty(&metrics).unwrap_or_default(),
    )
    .map_err(CliError::io(&path))?;
    staging.publish()?;
    print_metrics(&out, &metrics, &args.out);
    out.json(&metrics);
    Ok(())
}

fn print_metrics(out: &Output, m: &Metrics, dir: &Path) {
    out.line(format!(
        "{}: {} rows × {} columns ({}), {} scaling{}",
        shown(&m.file),
        count(m.rows as u64),
        m.columns.len(),
        m.columns.join(", "),
        m.scaling,
        if m.categorical_columns.is_empty() {
            String::new()
        } else {
            format!(
                " of the numeric ones; categorical: {}",
                m.categorical_columns.join(", ")
            )
        }
    ));
    if let Some(sel) = &m.scores.k_selection {
        let f = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.4}"));
        let chosen = |k: usize| {
            if k == sel.recommended() {
                "   ← chosen"
            } else {
                ""
            }
        };
        match sel {
            KChosen::KMeans(sel) => {
                out.line("  k   inertia        silhouette  Calinski-H.  Davies-B.");
                for s in &sel.scores {
                    out.line(format!(
                        "  {:<3} {:<14.2} {:<11} {:<12} {}{}",
                        s.k,
                        s.inertia,
                        f(s.silhouette),
                        f(s.calinski_harabasz),
                        f(s.davies_bouldin),
                        chosen(s.k)
                    ));
                }
            }
            KChosen::KPrototypes(sel) => {
                out.line("  k   cost           silhouette");
                for s in &sel.scores {
                    out.line(format!(
                        "  {:<3} {:<14.2} {}{}",
                        s.k,
                        s.cost,
                        f(s.silhouette),
                        chosen(s.k)
                    ));
                }
            }
        }
        for reason in sel.reasons() {
            out.line(format!("  {reason}"));
        }
    }
    let sizes: Vec<String> = m.sizes.iter().map(|s| count(*s as u64)).collect();
    out.line(format!(
        "  {}: {} clusters (sizes {}){}",
        m.method,
        m.clusters,
        sizes.join(", "),
        if m.noise > 0 {
            format!(", {} noise rows", count(m.noise as u64))
        } else {
            String::new()
        }
    ));
    let f = |v: Option<f64>| v.map_or("undefined".to_string(), |v| format!("{v:.4}"));
    let sampled = m.scores.silhouette_sampled_rows.map_or(String::new(), |n| {
        format!(" (on {} sampled rows)", count(n as u64))
    });
    if let (Some(cost), Some(gamma)) = (m.scores.cost, m.scores.gamma) {
        out.line(format!(
            "  silhouette on Gower's distance {}{sampled}, cost {cost:.2}, gamma {gamma:.4}",
            f(m.scores.silhouette),
        ));
    } else {
        out.line(format!(
            "  silhouette {}{sampled}, Calinski-Harabasz {}, Davies-Bouldin {}{}",
            f(m.scores.silhouette),
            f(m.scores.calinski_harabasz),
            f(m.scores.davies_bouldin),
            m.scores
                .inertia
                .map_or(String::new(), |i| format!(", inertia {i:.2}"))
        ));
    }
    out.line(format!(
        "  wrote {}/labels.csv, metrics.json ({:.2} s)",
        shown(dir),
        m.seconds
    ));
}
