//! Metrics equal to scikit-learn's on iris and wine (values from `reference/make_reference.py`).

use crate::common::*;
use cible_ml::metrics::{
    adjusted_rand_score, calinski_harabasz_score, davies_bouldin_score, inertia,
    normalized_mutual_info_score, silhouette, silhouette_score,
};

fn check(what: &str, dataset: &str, ours: f64, theirs: f64) {
    let diff = (ours - theirs).abs();
    println!("{dataset} {what}: ours {ours:.17e} sklearn {theirs:.17e} |diff| {diff:.3e}");
    assert!(
        diff <= TOLERANCE,
        "{dataset} {what}: ours {ours} sklearn {theirs} (diff {diff:e})"
    );
}

#[test]
fn data_sets_load_with_expected_shapes() {
    for (name, rows, cols) in [("iris", 150, 4), ("wine", 178, 13)] {
        let (x, y) = load_dataset(name);
        assert_eq!((x.rows(), x.cols(), y.len()), (rows, cols, rows), "{name}");
        assert_eq!(reference(name)["labelings"]["true"], serde_json::json!(y));
    }
}

#[test]
fn internal_metrics_match_sklearn() {
    for name in DATASETS {
        let (x, _) = load_dataset(name);
        let r = reference(name);
        for (key, labels) in r["labelings"].as_object().unwrap() {
            let labels = usizes(labels);
            let want = &r["internal"][key];
            let s = silhouette(&x, &labels).unwrap();
            check(
                &format!("{key} silhouette"),
                name,
                s.score,
                want["silhouette"].as_f64().unwrap(),
            );
            let samples_diff = max_abs_diff(&s.samples, &f64s(&want["silhouette_samples"]));
            check(
                &format!("{key} silhouette_samples (max)"),
                name,
                samples_diff,
                0.0,
            );
            assert_eq!(silhouette_score(&x, &labels).unwrap(), s.score);
            check(
                &format!("{key} calinski_harabasz"),
                name,
                calinski_harabasz_score(&x, &labels).unwrap(),
                want["calinski_harabasz"].as_f64().unwrap(),
            );
            check(
                &format!("{key} davies_bouldin"),
                name,
                davies_bouldin_score(&x, &labels).unwrap(),
                want["davies_bouldin"].as_f64().unwrap(),
            );
            // Inertia around each labelling's own cluster means (relative tolerance: wine's
            // inertia is in the millions).
            let k = labels.iter().max().unwrap() + 1;
            let mut sums = vec![0.0; k * x.cols()];
            let mut counts = vec![0.0; k];
            for (row, &l) in x.iter_rows().zip(&labels) {
                counts[l] += 1.0;
                for (j, v) in row.iter().enumerate() {
                    sums[l * x.cols() + j] += v;
                }
            }
            for (l, chunk) in sums.chunks_mut(x.cols()).enumerate() {
                chunk.iter_mut().for_each(|v| *v /= counts[l]);
            }
            let centroids = cible_ml::Matrix::new(sums, k, x.cols()).unwrap();
            let ours = inertia(&x, &labels, &centroids, None).unwrap();
            let theirs = want["inertia"].as_f64().unwrap();
            check(
                &format!("{key} inertia (relative)"),
                name,
                ours / theirs,
                1.0,
            );
        }
    }
}

#[test]
fn external_metrics_match_sklearn() {
    for name in DATASETS {
        let r = reference(name);
        for pair in r["external"].as_array().unwrap() {
            let a = usizes(&r["labelings"][pair["a"].as_str().unwrap()]);
            let b = usizes(&r["labelings"][pair["b"].as_str().unwrap()]);
            let what = format!("{} vs {}", pair["a"], pair["b"]);
            check(
                &format!("{what} ARI"),
                name,
                adjusted_rand_score(&a, &b).unwrap(),
                pair["adjusted_rand"].as_f64().unwrap(),
            );
            check(
                &format!("{what} NMI"),
                name,
                normalized_mutual_info_score(&a, &b).unwrap(),
                pair["nmi"].as_f64().unwrap(),
            );
        }
    }
}
