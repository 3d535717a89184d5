//! The segmentation stage of a run: the accounts' features, prepared as `[segmentation]` says
//! (empty values filled, skewed amounts logged, scaled, categories one-hot encoded, optionally
//! projected on principal components), clustered into segments.
//!
//! Writes `segments/accounts.csv` (`account_id,segment`, every account of the features table
//! once), `segments/model.json` (everything needed to place a new account: fill values,
//! preprocessing, PCA, centroids) and `segments/metrics.json` (quality figures and, for
//! `k = "auto"`, the table over k with the reasons for the choice, and the stability of each
//! segment under refits on subsamples) and `segments/map.csv` (every account on the first two
//! principal components of the clustered space, for the report's map).

use std::collections::BTreeMap;

use cible_core::segmentation::{KSetting, SegmentationSection};
use cible_features::{ColumnValues, FeatureTable};
use cible_ml::metrics::{
    calinski_harabasz_score, davies_bouldin_score, label_means, silhouette_score_sampled,
};
use cible_ml::{
    ColumnSpec, Dendrogram, Frame, KMeans, KSelection, Linkage, Matrix, MiniBatchKMeans,
    NComponents, NumericParams, NumericTransform, OneHotEncoder, Pca, PcaModel, Preprocessor,
    Scaling, SelectKParams, StabilityParams,
};
use cible_store::StagedRun;
use serde::Serialize;

use crate::error::CliError;
use crate::output::{Output, count};

/// Segment of every account, relative to the run folder.
pub const SEGMENTS_TABLE: &str = "segments/accounts.csv";
/// What places a new account in a segment.
pub const SEGMENTS_MODEL: &str = "segments/model.json";
/// Quality figures and the choice of k.
pub const SEGMENTS_METRICS: &str = "segments/metrics.json";
/// Every account on the first two principal components of the clustered space.
pub const SEGMENTS_MAP: &str = "segments/map.csv";
/// Share of the accounts in each stability refit.
const STABILITY_FRACTION: f64 = 0.8;

/// Rows above which the silhouette is estimated on a seeded sample of this many.
const SILHOUETTE_SAMPLE: usize = 10_000;
/// Rows of each of the gap statistic's reference sets: uniform draws over the data's box,
/// whose dispersion is smooth, so a few thousand rows estimate it well and keep the gap's
/// cost near that of the sweep itself.
const GAP_REFERENCE_ROWS: usize = 2_000;

/// How one feature was prepared.
#[derive(Debug, Clone, Serialize)]
pub struct PreparedFeature {
    /// The feature.
    pub name: String,
    /// `number` or `category`.
    pub kind: &'static str,
    /// The value empty cells were given (numbers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fill: Option<f64>,
    /// How many cells were empty.
    pub missing: usize,
    /// Whether `ln(1 + x)` was applied.
    pub log: bool,
}

/// What the segmentation stage did.
#[derive(Debug, Clone, Serialize)]
pub struct SegmentSummary {
    /// kmeans, minibatch or hierarchical.
    pub method: String,
    /// Accounts clustered.
    pub accounts: usize,
    /// The features, in the order given, with their preparation.
    pub features: Vec<PreparedFeature>,
    /// Scaling of the numeric features.
    pub scale: String,
    /// Columns of the clustered matrix (after one-hot encoding, before PCA).
    pub columns: usize,
    /// Principal components kept, and the share of variance they explain, when PCA was asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pca: Option<(usize, f64)>,
    /// `auto` or the number asked for.
    pub k_setting: String,
    /// Segments found.
    pub k: usize,
    /// Accounts per segment.
    pub sizes: Vec<usize>,
    /// Mean silhouette (sampled above 10,000 accounts).
    pub silhouette: Option<f64>,
    /// Calinski–Harabasz index.
    pub calinski_harabasz: Option<f64>,
    /// Davies–Bouldin index.
    pub davies_bouldin: Option<f64>,
    /// Within-segment sum of squares (k-means methods).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inertia: Option<f64>,
    /// Each segment's mean of every numeric feature, in the features' own units.
    pub means: BTreeMap<String, Vec<f64>>,
    /// The sweep over k, with what each criterion prefers and why k was chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub k_selection: Option<KSelection>,
    /// Share of the clustered space's variance along the map's two axes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map_variance: Option<(f64, f64)>,
    /// How each segment holds up when the segmentation is refitted on subsamples.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stability: Option<StabilitySummary>,
}

/// Stability of the segments: `runs` k-means refits, each on a random share `fraction` of
/// the accounts, compared with the segments found on all of them.
#[derive(Debug, Clone, Serialize)]
pub struct StabilitySummary {
    /// Refits.
    pub runs: usize,
    /// Share of the accounts in each refit.
    pub fraction: f64,
    /// Mean adjusted Rand index between each refit's labels and the segments.
    pub mean_ari: f64,
    /// Per segment, in label order: the mean Jaccard index with its best match in each refit
    /// (below 0.6 unreliable, above 0.75 stable) and the share of refits where it dissolved
    /// (Jaccard below 0.5).
    pub segments: Vec<SegmentStability>,
}

/// How one segment held up.
#[derive(Debug, Clone, Serialize)]
pub struct SegmentStability {
    /// The segment's label.
    pub segment: usize,
    /// Mean Jaccard index over the refits.
    pub mean_jaccard: f64,
    /// Share of refits where it dissolved.
    pub dissolved: f64,
}

/// What `segments/model.json` holds.
#[derive(Serialize)]
struct SegmentModel<'a> {
    settings: &'a SegmentationSection,
    features: &'a [PreparedFeature],
    preprocessor: &'a Preprocessor,
    pca: Option<&'a PcaModel>,
    /// One row per segment, in the space clustered (after preprocessing and PCA).
    centroids: Vec<Vec<f64>>,
}

/// Clusters the accounts of `features` as `settings` says and writes the stage's files.
pub fn segment_stage(
    run: &mut StagedRun,
    features: &FeatureTable,
    settings: &SegmentationSection,
    out: &Output,
) -> Result<SegmentSummary, CliError> {
    let ids = match features.column("account_id")? {
        Some(ColumnValues::Text(ids)) => ids,
        _ => {
            return Err(CliError::Usage(
                "the features table has no account_id column".into(),
            ));
        }
    };
    let n = ids.len();
    let k_needed = match settings.k {
        KSetting::Fixed(k) => k,
        KSetting::Auto => settings.k_range[0],
    };
    if n <= k_needed {
        return Err(CliError::Usage(format!(
            "segmentation: {n} accounts cannot be split into {k_needed} or more segments; \
             lower segmentation.k or segmentation.k_range"
        )));
    }
    let (frame, prepared, specs) = prepare(features, settings, &ids)?;
    let (preprocessor, x) = Preprocessor::params(specs).fit_transform(&frame)?;
    let (pca, x) = match settings.pca_variance {
        None => (None, x),
        Some(share) => {
            let (model, projected) =
                Pca::params(NComponents::VarianceRatio(share)).fit_transform(&x)?;
            (Some(model), projected)
        }
    };
    let spinner = out.spinner(format!(
        "segmentation ({}, k = {}) of {} accounts",
        settings.method,
        settings.k,
        count(n as u64)
    ));
    let kmeans = KMeans::params(2)
        .seed(settings.seed)
        .n_init(settings.n_init);
    let (k, k_selection) = match settings.k {
        KSetting::Fixed(k) => (k, None),
        KSetting::Auto => {
            let high = settings.k_range[1].min(n - 1);
            let selection = SelectKParams::new(settings.k_range[0]..=high, kmeans.clone())
                .silhouette_sample(SILHOUETTE_SAMPLE)
                .gap_reference_rows(GAP_REFERENCE_ROWS.max(high + 1))
                .fit(&x)?;
            (selection.recommended, Some(selection))
        }
    };
    let (labels, centroids, inertia) = match settings.method.as_str() {
        "minibatch" => {
            let model = MiniBatchKMeans::params(k).seed(settings.seed).fit(&x)?;
            (
                model.labels().to_vec(),
                model.centroids(),
                Some(model.inertia()),
            )
        }
        "hierarchical" => {
            let labels = Dendrogram::fit(&x, Linkage::Ward)?.cut_k(k)?;
            let centroids = Matrix::from_rows(&label_means(&x, &labels, k)?)?;
            (labels, centroids, None)
        }
        _ => {
            let model = kmeans.clone().with_k(k).fit(&x)?;
            let centroids = model.centroids().clone();
            (model.labels().to_vec(), centroids, Some(model.inertia()))
        }
    };
    let stability = match settings.method.as_str() {
        "kmeans" if settings.stability_runs > 0 => {
            spinner.set_message(format!(
                "stability of the {k} segments over {} refits",
                settings.stability_runs
            ));
            Some(stability(
                &x,
                &labels,
                &kmeans.with_k(k),
                settings.stability_runs,
            )?)
        }
        _ => None,
    };
    spinner.finish_and_clear();
    let mut sizes = vec![0usize; k];
    labels.iter().for_each(|&l| sizes[l] += 1);
    let found = sizes.iter().filter(|&&s| s > 0).count();
    let defined = found >= 2;
    let summary = SegmentSummary {
        method: settings.method.clone(),
        accounts: n,
        scale: settings.scale.clone(),
        columns: preprocessor.n_features(),
        pca: pca
            .as_ref()
            .map(|p| (p.n_components(), p.explained_variance_ratio().iter().sum())),
        k_setting: settings.k.to_string(),
        k,
        means: segment_means(&frame, &prepared, &labels, k)?,
        sizes,
        silhouette: defined
            .then(|| silhouette_score_sampled(&x, &labels, SILHOUETTE_SAMPLE, settings.seed))
            .transpose()?,
        calinski_harabasz: defined
            .then(|| calinski_harabasz_score(&x, &labels))
            .transpose()?,
        davies_bouldin: defined
            .then(|| davies_bouldin_score(&x, &labels))
            .transpose()?,
        inertia,
        k_selection,
        features: prepared,
        map_variance: None,
        stability,
    };
    run.create_dir("segments")?;
    let mut summary = summary;
    summary.map_variance = write_map(run, &x, &ids, &labels)?;
    let mut table = csv::Writer::from_writer(Vec::new());
    let in_memory = |e: csv::Error| unreachable!("writing CSV to memory: {e}");
    table
        .write_record(["account_id", "segment"])
        .unwrap_or_else(in_memory);
    for (id, label) in ids.iter().zip(&labels) {
        table
            .write_record([id.as_deref().unwrap_or(""), &label.to_string()])
            .unwrap_or_else(in_memory);
    }
    let table = table
        .into_inner()
        .unwrap_or_else(|e| unreachable!("writing CSV to memory: {e}"));
    write(run, SEGMENTS_TABLE, &table)?;
    let model = SegmentModel {
        settings,
        features: &summary.features,
        preprocessor: &preprocessor,
        pca: pca.as_ref(),
        centroids: centroids.iter_rows().map(<[f64]>::to_vec).collect(),
    };
    write(run, SEGMENTS_MODEL, &to_json(&model))?;
    write(run, SEGMENTS_METRICS, &to_json(&summary))?;
    run.add_output("segments", SEGMENTS_TABLE, Some(n as u64))?;
    run.add_output("segments_model", SEGMENTS_MODEL, Some(k as u64))?;
    run.add_output("segments_metrics", SEGMENTS_METRICS, None)?;
    Ok(summary)
}

/// Refits the segmentation `runs` times on subsamples and sums up the stability of each
/// segment of `labels` (what `kmeans` found on all of `x`).
fn stability(
    x: &Matrix<f64>,
    labels: &[usize],
    kmeans: &cible_ml::KMeansParams,
    runs: usize,
) -> Result<StabilitySummary, CliError> {
    let measured = StabilityParams::new(kmeans.clone())
        .runs(runs)
        .resampling(cible_ml::Resampling::Subsample {
            fraction: STABILITY_FRACTION,
        })
        .fit_around(x, labels)?;
    Ok(StabilitySummary {
        runs,
        fraction: STABILITY_FRACTION,
        mean_ari: measured.mean_ari,
        segments: measured
            .per_cluster
            .iter()
            .map(|c| SegmentStability {
                segment: c.label,
                mean_jaccard: c.mean_jaccard,
                dissolved: c.dissolved,
            })
            .collect(),
    })
}

/// Writes [`SEGMENTS_MAP`]: every account's segment and its coordinates on the first two
/// principal components of the clustered space; returns the share of variance of each.
/// Nothing is written when the space has fewer than two columns.
fn write_map(
    run: &mut StagedRun,
    x: &Matrix<f64>,
    ids: &[Option<String>],
    labels: &[usize],
) -> Result<Option<(f64, f64)>, CliError> {
    if x.cols() < 2 || x.rows() < 3 {
        return Ok(None);
    }
    let (pca, coordinates) = Pca::params(NComponents::Count(2)).fit_transform(x)?;
    let mut table = csv::Writer::from_writer(Vec::new());
    let in_memory = |e: csv::Error| unreachable!("writing CSV to memory: {e}");
    table
        .write_record(["account_id", "segment", "pc1", "pc2"])
        .unwrap_or_else(in_memory);
    for (i, (id, label)) in ids.iter().zip(labels).enumerate() {
        table
            .write_record([
                id.as_deref().unwrap_or(""),
                &label.to_string(),
                &format!("{:.6}", coordinates.get(i, 0)),
                &format!("{:.6}", coordinates.get(i, 1)),
            ])
            .unwrap_or_else(in_memory);
    }
    let bytes = table
        .into_inner()
        .unwrap_or_else(|e| unreachable!("writing CSV to memory: {e}"));
    write(run, SEGMENTS_MAP, &bytes)?;
    run.add_output("segments_map", SEGMENTS_MAP, Some(ids.len() as u64))?;
    let ratio = pca.explained_variance_ratio();
    Ok(Some((ratio[0], ratio[1])))
}

/// The chosen features as a [`Frame`], empty numbers filled, and one column specification
/// each.
fn prepare(
    features: &FeatureTable,
    settings: &SegmentationSection,
    ids: &[Option<String>],
) -> Result<(Frame, Vec<PreparedFeature>, Vec<ColumnSpec>), CliError> {
    let scaling: Scaling = settings.scale.parse()?;
    let mut frame = Frame::new();
    let mut prepared = Vec::with_capacity(settings.features.len());
    let mut specs = Vec::with_capacity(settings.features.len());
    for name in &settings.features {
        let Some(values) = features.column(name)? else {
            let names: Vec<&str> = features
                .schema
                .fields()
                .iter()
                .skip(1)
                .map(|f| f.name().as_str())
                .collect();
            return Err(CliError::Usage(format!(
                "segmentation.features: the features table has no `{name}`; its features: {}",
                names.join(", ")
            )));
        };
        match values {
            ColumnValues::Text(values) => {
                let missing = values.iter().filter(|v| v.is_none()).count();
                frame.push(name.clone(), cible_ml::Column::Categorical(values))?;
                specs.push(ColumnSpec::one_hot(name.clone(), OneHotEncoder::params()));
                prepared.push(PreparedFeature {
                    name: name.clone(),
                    kind: "category",
                    fill: None,
                    missing,
                    log: false,
                });
            }
            ColumnValues::Numbers(values) => {
                let missing = values.iter().filter(|v| v.is_none()).count();
                let fill = if missing == 0 {
                    None
                } else {
                    Some(fill_value(name, &values, &settings.missing, ids)?)
                };
                let filled: Vec<f64> = values.iter().map(|v| v.or(fill).unwrap_or(0.0)).collect();
                let log = wants_log(&filled, &settings.transform);
                let transform = if log {
                    NumericTransform::Log1p
                } else {
                    NumericTransform::None
                };
                specs.push(ColumnSpec::numeric(
                    name.clone(),
                    NumericParams::default()
                        .transform(transform)
                        .scaling(scaling),
                ));
                frame.push(
                    name.clone(),
                    cible_ml::Column::Numeric(filled.into_iter().map(Some).collect()),
                )?;
                prepared.push(PreparedFeature {
                    name: name.clone(),
                    kind: "number",
                    fill,
                    missing,
                    log,
                });
            }
        }
    }
    Ok((frame, prepared, specs))
}

/// The value empty cells of `name` get under `strategy`; `error` names the first account.
fn fill_value(
    name: &str,
    values: &[Option<f64>],
    strategy: &str,
    ids: &[Option<String>],
) -> Result<f64, CliError> {
    let mut present: Vec<f64> = values.iter().flatten().copied().collect();
    if strategy == "error" || present.is_empty() {
        let row = values.iter().position(Option::is_none).unwrap_or(0);
        return Err(CliError::Usage(format!(
            "segmentation: feature `{name}` is empty for account {} (row {}){}; \
             set segmentation.missing to median, mean or zero, or leave the feature out",
            ids[row].as_deref().unwrap_or("?"),
            row + 1,
            if present.is_empty() {
                " and for every other account"
            } else {
                ""
            }
        )));
    }
    Ok(match strategy {
        "zero" => 0.0,
        "mean" => present.iter().sum::<f64>() / present.len() as f64,
        _ => {
            present.sort_by(f64::total_cmp);
            let m = present.len() / 2;
            if present.len() % 2 == 1 {
                present[m]
            } else {
                (present[m - 1] + present[m]) / 2.0
            }
        }
    })
}

/// Whether `transform` asks for `ln(1 + x)` on these values: `log1p` for any non-negative
/// column, `auto` for non-negative columns that are not yes/no flags and whose skewness is
/// above 1.
fn wants_log(values: &[f64], transform: &str) -> bool {
    if transform == "none" || values.iter().any(|&v| v < 0.0) {
        return false;
    }
    if transform == "log1p" {
        return true;
    }
    if values.iter().all(|&v| v == 0.0 || v == 1.0) {
        return false;
    }
    skewness(values) > 1.0
}

/// Sample skewness (the third standardized moment, biased as scipy's default); 0 for a
/// constant column.
fn skewness(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let (m2, m3) = values.iter().fold((0.0, 0.0), |(m2, m3), &v| {
        let d = v - mean;
        (m2 + d * d, m3 + d * d * d)
    });
    let (m2, m3) = (m2 / n, m3 / n);
    if m2 <= f64::EPSILON * mean.abs().max(1.0) {
        0.0
    } else {
        m3 / m2.powf(1.5)
    }
}

/// Each segment's mean of every numeric feature (empty cells as filled).
fn segment_means(
    frame: &Frame,
    prepared: &[PreparedFeature],
    labels: &[usize],
    k: usize,
) -> Result<BTreeMap<String, Vec<f64>>, CliError> {
    let mut means = BTreeMap::new();
    for f in prepared {
        if let Some(cible_ml::Column::Numeric(values)) = frame.column(&f.name) {
            let column: Vec<f64> = values.iter().map(|v| v.unwrap_or(0.0)).collect();
            let n = column.len();
            let by_label = label_means(&Matrix::new(column, n, 1)?, labels, k)?;
            means.insert(f.name.clone(), by_label.into_iter().map(|m| m[0]).collect());
        }
    }
    Ok(means)
}

fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec_pretty(value).unwrap_or_else(|e| unreachable!("plain data serializes: {e}"))
}

fn write(run: &StagedRun, relative: &str, bytes: &[u8]) -> Result<(), CliError> {
    let path = run.path(relative);
    std::fs::write(&path, bytes).map_err(CliError::io(&path))
}

/// Prints what the segmentation did, for people.
pub fn print_segments(out: &Output, s: &SegmentSummary, seconds: f64) {
    let logged: Vec<&str> = s
        .features
        .iter()
        .filter(|f| f.log)
        .map(|f| f.name.as_str())
        .collect();
    out.line(format!(
        "segments: {} of {} accounts by {} on {} features ({} scaling{}{}) in {:.2} s",
        s.k,
        count(s.accounts as u64),
        s.method,
        s.features.len(),
        s.scale,
        if logged.is_empty() {
            String::new()
        } else {
            format!(", log of {}", logged.len())
        },
        s.pca.map_or(String::new(), |(c, v)| format!(
            ", {c} principal components explaining {:.0} %",
            v * 100.0
        )),
        seconds
    ));
    if let Some(sel) = &s.k_selection {
        out.line(format!(
            "  k chosen over {}..={}: {}",
            sel.scores.first().map_or(0, |s| s.k),
            sel.scores.last().map_or(0, |s| s.k),
            sel.reasons.first().map_or("", String::as_str)
        ));
    }
    let sizes: Vec<String> = s.sizes.iter().map(|n| count(*n as u64)).collect();
    let f = |v: Option<f64>| v.map_or("undefined".to_string(), |v| format!("{v:.3}"));
    out.line(format!(
        "  sizes {}; silhouette {}, Calinski-Harabasz {}, Davies-Bouldin {}",
        sizes.join(", "),
        f(s.silhouette),
        f(s.calinski_harabasz),
        f(s.davies_bouldin)
    ));
    if let Some(st) = &s.stability {
        let weakest = st
            .segments
            .iter()
            .min_by(|a, b| a.mean_jaccard.total_cmp(&b.mean_jaccard));
        out.line(format!(
            "  stability over {} refits on {:.0} % subsamples: mean ARI {:.3}{}",
            st.runs,
            st.fraction * 100.0,
            st.mean_ari,
            weakest.map_or(String::new(), |w| format!(
                ", least stable segment {} (Jaccard {:.2})",
                w.segment, w.mean_jaccard
            ))
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skewness_matches_scipy() {
        // scipy.stats.skew([1, 2, 3, 10]) = 1.0182337649086284
        let s = skewness(&[1.0, 2.0, 3.0, 10.0]);
        assert!((s - 1.018_233_764_908_628_4).abs() < 1e-12, "{s}");
        assert_eq!(skewness(&[4.0, 4.0, 4.0]), 0.0);
    }

    #[test]
    fn auto_logs_skewed_non_negative_amounts_only() {
        let skewed = [0.0, 1.0, 1.0, 2.0, 3.0, 50.0];
        assert!(wants_log(&skewed, "auto"));
        assert!(!wants_log(&skewed, "none"));
        assert!(!wants_log(&[1.0, 2.0, 3.0, 4.0], "auto"));
        assert!(wants_log(&[1.0, 2.0, 3.0, 4.0], "log1p"));
        assert!(!wants_log(&[-1.0, 0.0, 0.0, 40.0], "log1p"));
        assert!(!wants_log(&[0.0, 0.0, 0.0, 0.0, 0.0, 1.0], "auto"));
    }

    #[test]
    fn empty_values_are_filled_or_reported() {
        let ids = vec![
            Some("A1".to_string()),
            Some("A2".into()),
            Some("A3".into()),
            Some("A4".into()),
        ];
        let values = [Some(1.0), None, Some(3.0), Some(10.0)];
        assert_eq!(fill_value("x", &values, "median", &ids).unwrap(), 3.0);
        assert_eq!(fill_value("x", &values, "mean", &ids).unwrap(), 14.0 / 3.0);
        assert_eq!(fill_value("x", &values, "zero", &ids).unwrap(), 0.0);
        let e = fill_value("x", &values, "error", &ids)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("feature `x` is empty for account A2 (row 2)"),
            "{e}"
        );
        let e = fill_value("x", &[None, None], "median", &ids)
            .unwrap_err()
            .to_string();
        assert!(e.contains("and for every other account"), "{e}");
    }

    #[test]
    fn hierarchical_centroids_are_label_means() {
        let x = Matrix::from_rows(&[[0.0, 0.0], [2.0, 2.0], [10.0, 10.0]]).unwrap();
        let c = Matrix::from_rows(&label_means(&x, &[0, 0, 1], 2).unwrap()).unwrap();
        assert_eq!(c.row(0), [1.0, 1.0]);
        assert_eq!(c.row(1), [10.0, 10.0]);
    }
}
