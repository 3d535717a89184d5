//! The gap statistic on iris and wine: its `log W_k` against scikit-learn's inertia, and its
//! Monte Carlo estimate against a Python computation with numpy's reference draws and
//! scikit-learn's k-means (values from `reference/make_gap_reference.py`).

use crate::common::*;
use cible_ml::{GapReference, Init, KMeans, SelectKParams};

/// Reference sets on the Rust side (the Python side has 100).
const B: usize = 50;

#[test]
fn log_dispersion_is_the_log_of_sklearn_inertia() {
    // From scikit-learn's initial centroids, k-means reaches scikit-learn's inertia; the gap
    // subtracts its natural logarithm from the references' mean log-inertia.
    for name in DATASETS {
        let (x, _) = load_dataset(name);
        let r = reference(name);
        for case in r["kmeans"].as_array().unwrap() {
            let k = case["k"].as_u64().unwrap() as usize;
            let init: Vec<Vec<f64>> = case["init"].as_array().unwrap().iter().map(f64s).collect();
            let s = SelectKParams::new(k..=k, KMeans::params(k).init(Init::Centroids(init)))
                .gap(10)
                .fit(&x)
                .unwrap();
            let score = &s.scores[0];
            let inertia = case["lloyd"]["inertia"].as_f64().unwrap();
            let log_w = score.log_reference_inertia.unwrap() - score.gap.unwrap();
            assert!(
                (log_w - inertia.ln()).abs() <= TOLERANCE,
                "{name} k={k}: log W_k {log_w} against ln(scikit-learn inertia) {}",
                inertia.ln()
            );
        }
    }
}

#[test]
fn gap_agrees_with_a_python_computation_within_its_standard_error() {
    let r = reference("gap");
    for name in DATASETS {
        let (x, _) = load_dataset(name);
        for (how, reference) in [
            ("box", GapReference::BoundingBox),
            ("pca", GapReference::PrincipalComponents),
        ] {
            let python = &r[name][how];
            let python_b = python["references"].as_f64().unwrap();
            let s = SelectKParams::new(2..=8, KMeans::params(2).n_init(10))
                .gap(B)
                .gap_reference(reference)
                .fit(&x)
                .unwrap();
            for (ours, theirs) in s.scores.iter().zip(python["scores"].as_array().unwrap()) {
                let what = format!("{name} {how} k={}", ours.k);
                assert_eq!(ours.k as u64, theirs["k"].as_u64().unwrap(), "{what}");
                // Both are means of log-inertias over independent uniform draws: their
                // difference has a standard error of sd · √(1/B + 1/B_python). Both k-means
                // keep the best of 10 runs, which may still differ slightly on data without
                // clusters: 1 % of inertia (0.01 in log) is allowed for that.
                let sd = theirs["sd"].as_f64().unwrap();
                let tolerance = 4.0 * sd * (1.0 / B as f64 + 1.0 / python_b).sqrt() + 0.01;
                let diff =
                    ours.log_reference_inertia.unwrap() - theirs["log_reference"].as_f64().unwrap();
                let log_w_diff = ours.inertia.ln() - theirs["log_w"].as_f64().unwrap();
                println!(
                    "{what}: gap {:.4} / {:.4}, s {:.4} / {:.4}, reference log-inertia differs \
                     by {diff:+.4} (tolerance {tolerance:.4}), log W_k by {log_w_diff:+.2e}",
                    ours.gap.unwrap(),
                    theirs["gap"].as_f64().unwrap(),
                    ours.gap_error.unwrap(),
                    theirs["s"].as_f64().unwrap(),
                );
                assert!(diff.abs() <= tolerance, "{what}: {diff}");
                assert!(log_w_diff.abs() <= 0.01, "{what}: {log_w_diff}");
                // The spread of the references' log-inertia, estimated from 50 and 100 draws.
                let ratio = ours.gap_error.unwrap() / theirs["s"].as_f64().unwrap();
                assert!((0.6..=1.6).contains(&ratio), "{what}: s ratio {ratio}");
            }
            println!(
                "{name} {how}: the gap rule picks {:?}, in Python {}",
                s.gap.unwrap().k,
                python["k"]
            );
        }
    }
}
