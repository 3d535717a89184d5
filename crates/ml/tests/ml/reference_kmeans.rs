//! k-means from scikit-learn's initial centroids converges to scikit-learn's centroids, labels
//! and inertia on iris and wine (values from `reference/make_reference.py`).

use crate::common::*;
use cible_ml::{Algorithm, Init, KMeans};

#[test]
fn kmeans_from_the_same_init_matches_sklearn() {
    for name in DATASETS {
        let (x, _) = load_dataset(name);
        let r = reference(name);
        let weights = f64s(&r["weights"]);
        for case in r["kmeans"].as_array().unwrap() {
            let k = case["k"].as_u64().unwrap() as usize;
            let init: Vec<Vec<f64>> = case["init"].as_array().unwrap().iter().map(f64s).collect();
            for (algorithm, sk_name) in [
                (Algorithm::Lloyd, "lloyd"),
                (Algorithm::Elkan, "elkan"),
                // Hamerly's bounds give Lloyd's iterations.
                (Algorithm::Hamerly, "lloyd"),
            ] {
                for weighted in [false, true] {
                    let key = if weighted {
                        format!("{sk_name}_weighted")
                    } else {
                        sk_name.to_string()
                    };
                    let want = &case[key.as_str()];
                    let params = KMeans::params(k)
                        .init(Init::Centroids(init.clone()))
                        .algorithm(algorithm);
                    let model = if weighted {
                        params.fit_weighted(&x, &weights).unwrap()
                    } else {
                        params.fit(&x).unwrap()
                    };
                    let what = format!("{name} k={k} {key}");
                    assert_eq!(
                        model.labels(),
                        usizes(&want["labels"]).as_slice(),
                        "{what}: labels"
                    );
                    let centers = matrix(&want["centers"]);
                    let center_diff =
                        max_abs_diff(model.centroids().as_slice(), centers.as_slice());
                    let theirs = want["inertia"].as_f64().unwrap();
                    let inertia_rel = (model.inertia() - theirs).abs() / theirs;
                    println!(
                        "{what}: centroids max |diff| {center_diff:.3e}, inertia rel diff {inertia_rel:.3e}, n_iter {} vs {}",
                        model.n_iter(),
                        want["n_iter"]
                    );
                    assert!(
                        center_diff <= TOLERANCE,
                        "{what}: centroids differ by {center_diff:e}"
                    );
                    assert!(
                        inertia_rel <= TOLERANCE,
                        "{what}: inertia {} vs {theirs}",
                        model.inertia()
                    );
                    assert_eq!(
                        model.n_iter() as u64,
                        want["n_iter"].as_u64().unwrap(),
                        "{what}: n_iter"
                    );
                }
            }
        }
    }
}
