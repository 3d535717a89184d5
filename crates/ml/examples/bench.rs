//! One clustering workload on a data file, timed best of N, for `benches/clustering.py`, which
//! runs scikit-learn on the same file in the same run. Not a test: nothing is asserted.
//!
//! ```text
//! cargo build --release -p cible-ml --example bench
//! target/release/examples/bench WORKLOAD --data x.json [options]
//! ```
//!
//! The data file is a small JSON header `{"rows": R, "cols": C, "dtype": "f32"|"f64",
//! "file": "x.bin"}` (`file` relative to the header) beside raw little-endian values, row-major.
//! Labels files (`--labels`, `--labels-out`) are raw little-endian `i64`, noise as −1.
//!
//! Workloads and their options (defaults in brackets):
//!
//! - `kmeans`: `--k` [8] `--n-init` [1] `--max-iter` [300] `--tol` [1e-4] `--seed` [0]
//!   `--algorithm lloyd|elkan|hamerly` [hamerly, the library's default]; whole fit,
//!   k-means++ included.
//! - `kmeans-iter`: as `kmeans` from the centroids in `--init FILE` (a data file, k rows);
//!   with `--tol 0`, the difference between fits of two `--max-iter` values, divided by the
//!   difference in iterations, is the cost of one iteration without a fit's fixed costs.
//! - `minibatch`: `--k` `--batch-size` [1024] `--n-init` [3] `--max-iter` [100] `--seed`.
//! - `silhouette`: exact silhouette of the labels in `--labels FILE`.
//! - `ward` (or `complete`, `average`, `single`): the dendrogram, cut at `--k` clusters.
//! - `dbscan`: `--eps` `--min-samples` [5].
//! - `hdbscan`: `--min-cluster-size` [5] `--min-samples` [min cluster size].
//! - `select-k`: `--k-min` [2] `--k-max` [15], k-means with `--seed`, every metric per k,
//!   the gap statistic from `--gap` [10] reference sets (0: none) of at most `--gap-rows`
//!   [the library's default, 5000] rows.
//! - `stability`: `--k`, `--runs` [100] subsamples of 80 % of the rows, `--seed`.
//! - `pca`: `--n-components` [all] (a count, a variance ratio such as 0.85, or all) `--solver
//!   exact|randomized` [exact] `--seed` [0]; fit and transform.
//! - `kprototypes`: the data file's columns are numeric, `--categorical FILE` (a data file of
//!   the same rows whose values are category codes 0, 1, 2, …) holds the categorical ones;
//!   `--k` [8] `--n-init` [1] `--max-iter` [100] `--seed` [0] `--gamma` [kmodes' default].
//! - `select-k-prototypes`: the same data and k-prototypes options, `--k-min` [2] `--k-max`
//!   [15]; the cost and the sampled silhouette of every k, and the recommended k.
//!
//! - `gbm`: a classifier on a CSV of numbers with a header (`--data FILE.csv`, not a JSON
//!   header), `--target COL` [target] (0/1 or false/true), `--model gbm|logistic|forest`
//!   [gbm]; for gbm `--max-iter` [100] `--learning-rate` [0.1] `--max-leaf-nodes` [31], for
//!   logistic `--c` [1] (L2), for forest `--n-estimators` [100]; `--seed` [0], optionally
//!   `--test FILE.csv` (same columns) for a held-out AUC; prints the training time and the
//!   training AUC.
//!
//! Common options: `--repeat N` [3] runs (the best time is reported), `--labels-out FILE`
//! writes the last run's labels. One JSON line goes to stdout: `seconds` (best), `all_seconds`,
//! `load_seconds`, `rss_before_mb` (resident memory once the data is loaded) and `peak_rss_mb`
//! (the peak from then on, data included: read from `/proc/self/status` after resetting the
//! peak through `/proc/self/clear_refs`; null elsewhere than Linux), and what the workload
//! produced (iterations, inertia, clusters, noise, score, …).

use std::collections::HashMap;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::Instant;

use cible_ml::metrics::silhouette_score;
use cible_ml::supervised::{
    Classifier, GradientBoosting, LogisticRegression, Model, ModelParams, RandomForest,
};
use cible_ml::{
    Algorithm, Dbscan, Dendrogram, Float, Hdbscan, Init, KMeans, KPrototypes, KPrototypesParams,
    Linkage, Matrix, MiniBatchKMeans, MixedData, NComponents, Pca, PcaSolver, SelectKParams,
    SelectKPrototypesParams, StabilityParams,
};
use serde_json::{Value, json};

type Res<T> = Result<T, Box<dyn Error>>;

/// Parsed `--name value` options.
struct Options {
    values: HashMap<String, String>,
}

impl Options {
    fn parse(args: &[String]) -> Res<Options> {
        let mut values = HashMap::new();
        let mut it = args.iter();
        while let Some(name) = it.next() {
            let key = name
                .strip_prefix("--")
                .ok_or_else(|| format!("expected an option --name, found {name:?}"))?;
            let value = it
                .next()
                .ok_or_else(|| format!("option --{key} needs a value"))?;
            values.insert(key.to_string(), value.clone());
        }
        Ok(Options { values })
    }

    fn get<T: std::str::FromStr>(&self, key: &str, default: T) -> Res<T>
    where
        T::Err: std::fmt::Display,
    {
        match self.values.get(key) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|e| format!("option --{key} {v:?}: {e}").into()),
        }
    }

    fn required<T: std::str::FromStr>(&self, key: &str) -> Res<T>
    where
        T::Err: std::fmt::Display,
    {
        let v = self
            .values
            .get(key)
            .ok_or_else(|| format!("option --{key} is required"))?;
        v.parse()
            .map_err(|e| format!("option --{key} {v:?}: {e}").into())
    }

    fn path(&self, key: &str) -> Option<PathBuf> {
        self.values.get(key).map(PathBuf::from)
    }
}

/// A matrix read from a data file, in the file's precision.
enum Data {
    F32(Matrix<f32>),
    F64(Matrix<f64>),
}

fn read_data(header: &Path) -> Res<Data> {
    let meta: Value = serde_json::from_str(&std::fs::read_to_string(header)?)?;
    let field = |name: &str| {
        meta.get(name)
            .ok_or_else(|| format!("{}: missing field {name:?}", header.display()))
    };
    let rows = field("rows")?.as_u64().ok_or("rows: not an integer")? as usize;
    let cols = field("cols")?.as_u64().ok_or("cols: not an integer")? as usize;
    let dtype = field("dtype")?.as_str().ok_or("dtype: not a string")?;
    let file = field("file")?.as_str().ok_or("file: not a string")?;
    let bytes = std::fs::read(header.with_file_name(file))?;
    let width = match dtype {
        "f32" => 4,
        "f64" => 8,
        other => return Err(format!("dtype {other:?}: must be f32 or f64").into()),
    };
    if bytes.len() != rows * cols * width {
        return Err(format!(
            "{file}: {} bytes, expected {rows} × {cols} × {width}",
            bytes.len()
        )
        .into());
    }
    Ok(if width == 4 {
        let v = bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        Data::F32(Matrix::new(v, rows, cols)?)
    } else {
        let v = bytes
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")))
            .collect();
        Data::F64(Matrix::new(v, rows, cols)?)
    })
}

fn read_labels(path: &Path) -> Res<Vec<usize>> {
    let bytes = std::fs::read(path)?;
    bytes
        .chunks_exact(8)
        .map(|b| {
            let v = i64::from_le_bytes(b.try_into().expect("8 bytes"));
            usize::try_from(v).map_err(|_| format!("{}: negative label {v}", path.display()).into())
        })
        .collect()
}

fn write_labels(path: &Path, labels: impl Iterator<Item = i64>) -> Res<()> {
    let bytes: Vec<u8> = labels.flat_map(i64::to_le_bytes).collect();
    std::fs::write(path, bytes)?;
    Ok(())
}

/// What one run produced: a summary for the JSON line and the labels, if any.
struct Outcome {
    summary: Value,
    labels: Option<Vec<i64>>,
}

fn as_i64(labels: &[usize]) -> Vec<i64> {
    labels.iter().map(|&l| l as i64).collect()
}

fn kmeans_params(o: &Options) -> Res<cible_ml::KMeansParams> {
    let algorithm = o.get("algorithm", Algorithm::default())?;
    Ok(KMeans::params(o.get("k", 8)?)
        .n_init(o.get("n-init", 1)?)
        .max_iter(o.get("max-iter", 300)?)
        .tol(o.get("tol", 1e-4)?)
        .seed(o.get("seed", 0)?)
        .algorithm(algorithm))
}

/// The numeric columns of `x` beside the category codes of the `--categorical` data file.
fn mixed_data<F: Float>(x: &Matrix<F>, o: &Options) -> Res<MixedData> {
    let codes = match read_data(
        &o.path("categorical")
            .ok_or("--categorical FILE is required")?,
    )? {
        Data::F32(m) => m.cast::<f64>(),
        Data::F64(m) => m,
    };
    if let Some(v) = codes
        .as_slice()
        .iter()
        .find(|v| v.fract() != 0.0 || **v < 0.0)
    {
        return Err(format!("--categorical: {v} is not a category code").into());
    }
    Ok(MixedData::new(
        x.cast::<f64>(),
        codes.as_slice().iter().map(|&v| v as u32).collect(),
        codes.cols(),
    )?)
}

fn kprototypes_params(o: &Options, k: usize) -> Res<KPrototypesParams> {
    let mut params = KPrototypes::params(k)
        .n_init(o.get("n-init", 1)?)
        .max_iter(o.get("max-iter", 100)?)
        .seed(o.get("seed", 0)?);
    if let Some(gamma) = o.values.get("gamma") {
        params = params.gamma(gamma.parse()?);
    }
    Ok(params)
}

fn run_once<F: Float>(workload: &str, x: &Matrix<F>, o: &Options) -> Res<Outcome> {
    Ok(match workload {
        "kmeans" | "kmeans-iter" => {
            let mut params = kmeans_params(o)?;
            if workload == "kmeans-iter" {
                let init = match read_data(&o.path("init").ok_or("--init FILE is required")?)? {
                    Data::F32(m) => m.cast::<f64>(),
                    Data::F64(m) => m,
                };
                params = params.init(Init::Centroids(
                    init.iter_rows().map(<[f64]>::to_vec).collect(),
                ));
            }
            let m = params.fit(x)?;
            Outcome {
                summary: json!({"n_iter": m.n_iter(), "inertia": m.inertia(),
                    "converged": m.converged()}),
                labels: Some(as_i64(m.labels())),
            }
        }
        "minibatch" => {
            let m = MiniBatchKMeans::params(o.get("k", 8)?)
                .batch_size(o.get("batch-size", 1024)?)
                .n_init(o.get("n-init", 3)?)
                .max_epochs(o.get("max-iter", 100)?)
                .seed(o.get("seed", 0)?)
                .fit(x)?;
            Outcome {
                summary: json!({"n_steps": m.n_steps(), "inertia": m.inertia()}),
                labels: Some(as_i64(m.labels())),
            }
        }
        "silhouette" => {
            let labels = read_labels(&o.path("labels").ok_or("--labels FILE is required")?)?;
            Outcome {
                summary: json!({"score": silhouette_score(x, &labels)?}),
                labels: None,
            }
        }
        "ward" | "complete" | "average" | "single" => {
            let linkage: Linkage = workload.parse()?;
            let d = Dendrogram::fit(x, linkage)?;
            let labels = d.cut_k(o.get("k", 8)?)?;
            Outcome {
                summary: json!({"last_height": d.merges().last().map_or(0.0, |m| m.height)}),
                labels: Some(as_i64(&labels)),
            }
        }
        "dbscan" => {
            let m = Dbscan::params(o.required("eps")?)
                .min_samples(o.get("min-samples", 5)?)
                .fit(x)?;
            Outcome {
                summary: json!({"n_clusters": m.n_clusters(), "n_noise": m.n_noise()}),
                labels: Some(m.labels_with_noise_as_minus_one()),
            }
        }
        "hdbscan" => {
            let size = o.get("min-cluster-size", 5)?;
            let m = Hdbscan::params(size)
                .min_samples(o.get("min-samples", size)?)
                .fit(x)?;
            let labels = m.labels_with_noise_as_minus_one();
            let noise = labels.iter().filter(|&&l| l < 0).count();
            Outcome {
                summary: json!({"n_clusters": m.n_clusters(), "n_noise": noise}),
                labels: Some(labels),
            }
        }
        "select-k" => {
            let ks = o.get("k-min", 2)?..=o.get("k-max", 15)?;
            let mut params = SelectKParams::new(ks, KMeans::params(2).seed(o.get("seed", 0)?))
                .gap(o.get("gap", 10)?);
            if o.values.contains_key("gap-rows") {
                params = params.gap_reference_rows(o.required("gap-rows")?);
            }
            let s = params.fit(x)?;
            Outcome {
                summary: json!({
                    "recommended": s.recommended,
                    "best_silhouette": s.best_silhouette,
                    "best_calinski_harabasz": s.best_calinski_harabasz,
                    "best_davies_bouldin": s.best_davies_bouldin,
                    "elbow": s.elbow,
                    "gap_k": s.gap.and_then(|g| g.k),
                    "scores": s.scores,
                }),
                labels: None,
            }
        }
        "stability" => {
            let s = StabilityParams::new(kmeans_params(o)?)
                .runs(o.get("runs", 100)?)
                .fit(x)?;
            let jaccard: Vec<f64> = s.per_cluster.iter().map(|c| c.mean_jaccard).collect();
            Outcome {
                summary: json!({"mean_ari": s.mean_ari, "mean_jaccard": jaccard}),
                labels: Some(as_i64(&s.labels)),
            }
        }
        "pca" => {
            let n_components: NComponents = o.get("n-components", NComponents::All)?;
            let solver = match o.get("solver", PcaSolver::Exact)? {
                PcaSolver::Exact => PcaSolver::Exact,
                PcaSolver::Randomized { n_oversamples, .. } => PcaSolver::Randomized {
                    n_oversamples,
                    n_iter: None,
                    seed: o.get("seed", 0)?,
                },
            };
            let (model, _) = Pca::params(n_components).solver(solver).fit_transform(x)?;
            Outcome {
                summary: json!({
                    "n_components": model.n_components(),
                    "explained_variance_ratio": model.explained_variance_ratio(),
                }),
                labels: None,
            }
        }
        "kprototypes" => {
            let m = kprototypes_params(o, o.get("k", 8)?)?.fit(&mixed_data(x, o)?)?;
            Outcome {
                summary: json!({"n_iter": m.n_iter(), "cost": m.cost(), "gamma": m.gamma(),
                    "converged": m.converged()}),
                labels: Some(as_i64(m.labels())),
            }
        }
        "select-k-prototypes" => {
            let ks = o.get("k-min", 2)?..=o.get("k-max", 15)?;
            let s = SelectKPrototypesParams::new(ks, kprototypes_params(o, 2)?)
                .fit(&mixed_data(x, o)?)?;
            Outcome {
                summary: json!({
                    "recommended": s.recommended,
                    "best_silhouette": s.best_silhouette,
                    "elbow": s.elbow,
                    "gamma": s.gamma,
                    "scores": s.scores,
                }),
                labels: None,
            }
        }
        other => return Err(format!("unknown workload {other:?}").into()),
    })
}

fn run<F: Float>(workload: &str, x: &Matrix<F>, o: &Options) -> Res<(Vec<f64>, Outcome)> {
    let repeat: usize = o.get("repeat", 3)?;
    let mut seconds = Vec::with_capacity(repeat);
    let mut last = None;
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        let outcome = run_once(workload, x, o)?;
        seconds.push(t.elapsed().as_secs_f64());
        last = Some(outcome);
    }
    Ok((seconds, last.expect("at least one run")))
}

/// A line of `/proc/self/status` in MB (`VmRSS:` now, `VmHWM:` the peak); `None` where there is
/// no such file. A process's own figure: for a process started by fork and exec, the parent's
/// `ru_maxrss` also counts the parent's memory at the fork.
fn memory_mb(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((workload, rest)) = args.split_first() else {
        return Err("usage: bench WORKLOAD --data FILE.json [--name value ...]".into());
    };
    let o = Options::parse(rest)?;
    if workload == "gbm" {
        return gbm(&o);
    }
    let t = Instant::now();
    let data = read_data(&o.path("data").ok_or("--data FILE.json is required")?)?;
    let load_seconds = t.elapsed().as_secs_f64();
    // From here on the peak counts the workload, not the file's bytes read beside the matrix.
    let rss_before_mb = memory_mb("VmRSS:");
    if std::fs::write("/proc/self/clear_refs", "5").is_err() {
        eprintln!("could not reset the peak resident memory: peak_rss_mb includes loading");
    }
    let (rows, cols, (seconds, outcome)) = match &data {
        Data::F32(x) => (x.rows(), x.cols(), run(workload, x, &o)?),
        Data::F64(x) => (x.rows(), x.cols(), run(workload, x, &o)?),
    };
    if let (Some(path), Some(labels)) = (o.path("labels-out"), &outcome.labels) {
        write_labels(&path, labels.iter().copied())?;
    }
    let best = seconds.iter().copied().fold(f64::INFINITY, f64::min);
    let peak_rss_mb = memory_mb("VmHWM:");
    let mut line = json!({
        "workload": workload,
        "rows": rows,
        "cols": cols,
        "threads": rayon::current_num_threads(),
        "seconds": best,
        "all_seconds": seconds,
        "load_seconds": load_seconds,
        "rss_before_mb": rss_before_mb,
        "peak_rss_mb": peak_rss_mb,
    });
    if let (Value::Object(line), Value::Object(summary)) = (&mut line, outcome.summary) {
        line.extend(summary);
    }
    println!("{line}");
    Ok(())
}

/// Features and 0/1 target of a CSV of numbers with a header.
fn read_csv(path: &Path, target: &str) -> Res<(Matrix<f64>, Vec<bool>)> {
    let text = std::fs::read_to_string(path)?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().ok_or("empty CSV")?.split(',').collect();
    let t = header
        .iter()
        .position(|h| h.trim() == target)
        .ok_or_else(|| format!("no column {target:?} in {}", path.display()))?;
    let (mut data, mut y) = (Vec::new(), Vec::new());
    for line in lines.filter(|l| !l.trim().is_empty()) {
        for (j, field) in line.split(',').enumerate() {
            let field = field.trim();
            if j == t {
                y.push(matches!(field, "1" | "1.0" | "true" | "True"));
            } else {
                data.push(field.parse::<f64>()?);
            }
        }
    }
    let rows = y.len();
    Ok((Matrix::new(data, rows, header.len() - 1)?, y))
}

/// Area under the ROC curve, ties counted half (the Mann–Whitney statistic).
fn auc(score: &[f64], y: &[bool]) -> f64 {
    let mut order: Vec<usize> = (0..score.len()).collect();
    order.sort_by(|&a, &b| score[a].total_cmp(&score[b]));
    let (mut rank_sum, mut i) = (0.0, 0);
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && score[order[j + 1]] == score[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += order[i..=j].iter().filter(|&&k| y[k]).count() as f64 * rank;
        i = j + 1;
    }
    let pos = y.iter().filter(|&&t| t).count() as f64;
    let neg = y.len() as f64 - pos;
    (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

fn gbm(o: &Options) -> Res<()> {
    let target: String = o.get("target", "target".to_string())?;
    let t = Instant::now();
    let (x, y) = read_csv(
        &o.path("data").ok_or("--data FILE.csv is required")?,
        &target,
    )?;
    let load_seconds = t.elapsed().as_secs_f64();
    let seed = o.get("seed", 0)?;
    let params = match o.get("model", "gbm".to_string())?.as_str() {
        "gbm" => ModelParams::Gbm(
            GradientBoosting::params()
                .max_iter(o.get("max-iter", 100)?)
                .learning_rate(o.get("learning-rate", 0.1)?)
                .max_leaf_nodes(Some(o.get("max-leaf-nodes", 31)?))
                .seed(seed),
        ),
        "logistic" => ModelParams::Logistic(LogisticRegression::params().c(o.get("c", 1.0)?)),
        "forest" => ModelParams::Forest(
            RandomForest::params()
                .n_estimators(o.get("n-estimators", 100)?)
                .seed(seed),
        ),
        other => return Err(format!("--model {other}: expected gbm, logistic or forest").into()),
    };
    let repeat: usize = o.get("repeat", 3)?;
    let mut seconds = Vec::new();
    let mut model = None;
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        model = Some(params.fit(&x, &y)?);
        seconds.push(t.elapsed().as_secs_f64());
    }
    let model = model.expect("at least one run");
    let train_auc = auc(&model.predict_proba(&x)?, &y);
    let test_auc = match o.path("test") {
        Some(path) => {
            let (xt, yt) = read_csv(&path, &target)?;
            Some(auc(&model.predict_proba(&xt)?, &yt))
        }
        None => None,
    };
    let line = json!({
        "workload": "gbm",
        "model": params.kind().to_string(),
        "rows": x.rows(),
        "cols": x.cols(),
        "threads": rayon::current_num_threads(),
        "seconds": seconds.iter().copied().fold(f64::INFINITY, f64::min),
        "all_seconds": seconds,
        "load_seconds": load_seconds,
        "n_iter": match &model {
            Model::Gbm(m) => m.n_iter(),
            Model::Logistic(m) => m.n_iter(),
            _ => 0,
        },
        "train_auc": train_auc,
        "test_auc": test_auc,
    });
    println!("{line}");
    Ok(())
}
