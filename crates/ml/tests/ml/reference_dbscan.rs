//! DBSCAN labels identical to scikit-learn's on iris and wine (values from
//! `reference/make_reference.py`), including a setting where some pairs lie exactly at `eps`,
//! and the silhouette of those labels with noise as one more cluster.

use crate::common::*;
use cible_ml::Dbscan;
use cible_ml::metrics::silhouette_score;

#[test]
fn dbscan_labels_match_sklearn() {
    for name in DATASETS {
        let (x, _) = load_dataset(name);
        let r = reference(name);
        for case in r["dbscan"].as_array().unwrap() {
            let eps = case["eps"].as_f64().unwrap();
            let min_samples = case["min_samples"].as_u64().unwrap() as usize;
            let model = Dbscan::params(eps)
                .min_samples(min_samples)
                .fit(&x)
                .unwrap();
            let want: Vec<i64> = case["labels"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_i64().unwrap())
                .collect();
            let core: Vec<usize> = model
                .is_core()
                .iter()
                .enumerate()
                .filter(|c| *c.1)
                .map(|c| c.0)
                .collect();
            println!(
                "{name} eps {eps} min_samples {min_samples}: {} clusters, {} noise",
                model.n_clusters(),
                model.n_noise()
            );
            assert_eq!(
                model.labels_with_noise_as_minus_one(),
                want,
                "{name} eps {eps}"
            );
            assert_eq!(
                core,
                usizes(&case["core_sample_indices"]),
                "{name} eps {eps}: core rows"
            );
            let s = silhouette_score(&x, &model.labels_with_noise_as_cluster()).unwrap();
            let diff = (s - case["silhouette"].as_f64().unwrap()).abs();
            println!("  silhouette with noise as a cluster: |diff| {diff:.3e}");
            assert!(
                diff <= TOLERANCE,
                "{name} eps {eps}: silhouette differs by {diff:e}"
            );
        }
    }
}
