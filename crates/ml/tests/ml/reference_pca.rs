//! PCA equal to scikit-learn's `PCA(svd_solver="full")` on iris and wine, raw and z-scored
//! (values from `reference/make_reference.py`), and the randomized solver equal to the exact
//! one.

use crate::common::*;
use cible_ml::{Matrix, NComponents, Pca, PcaModel, PcaSolver, Scaler, Scaling, make_blobs};
use serde_json::Value;

/// Differences are relative to the size of the values compared (at least 1): raw wine has
/// variances near 1e5.
const PCA_TOLERANCE: f64 = 1e-9;

fn relative_diff(ours: &[f64], theirs: &[f64]) -> f64 {
    let size = theirs.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    max_abs_diff(ours, theirs) / size
}

fn fit(x: &Matrix<f64>, key: &str, whiten: bool) -> PcaModel {
    let n_components: NComponents = key.parse().unwrap();
    Pca::params(n_components).whiten(whiten).fit(x).unwrap()
}

fn check_case(label: &str, x: &Matrix<f64>, model: &PcaModel, want: &Value) {
    assert_eq!(
        model.n_components(),
        want["n_components"].as_u64().unwrap() as usize,
        "{label}: number of components"
    );
    let rows = matrix(&want["first_rows"]);
    let first = Matrix::new(x.as_slice()[..5 * x.cols()].to_vec(), 5, x.cols()).unwrap();
    let transformed = model.transform(&first).unwrap();
    let diffs = [
        ("mean", relative_diff(model.mean(), &f64s(&want["mean"]))),
        (
            "explained_variance",
            relative_diff(
                model.explained_variance(),
                &f64s(&want["explained_variance"]),
            ),
        ),
        (
            "explained_variance_ratio",
            relative_diff(
                model.explained_variance_ratio(),
                &f64s(&want["explained_variance_ratio"]),
            ),
        ),
        (
            "singular_values",
            relative_diff(model.singular_values(), &f64s(&want["singular_values"])),
        ),
        // Signed: the sign convention is scikit-learn's.
        (
            "components",
            relative_diff(
                model.components().as_slice(),
                matrix(&want["components"]).as_slice(),
            ),
        ),
        (
            "first_rows",
            relative_diff(transformed.as_slice(), rows.as_slice()),
        ),
    ];
    for (what, diff) in diffs {
        println!("{label} {what}: {diff:.3e}");
        assert!(diff <= PCA_TOLERANCE, "{label} {what}: {diff:e}");
    }
    // Small variances too, each relative to itself (raw wine's smallest is 1e-7 of its largest).
    let each = model
        .explained_variance()
        .iter()
        .zip(f64s(&want["explained_variance"]))
        .map(|(a, b)| (a - b).abs() / b)
        .fold(0.0, f64::max);
    println!("{label} explained_variance, each relative to itself: {each:.3e}");
    assert!(each <= 1e-6, "{label}: {each:e}");
}

#[test]
fn pca_matches_sklearn() {
    for name in DATASETS {
        let (raw, _) = load_dataset(name);
        let (_, zscore) = Scaler::fit_transform(&raw, Scaling::ZScore).unwrap();
        let r = reference(name);
        for (data, x) in [("raw", &raw), ("zscore", &zscore)] {
            for key in ["all", "3", "0.85"] {
                let model = fit(x, key, false);
                check_case(
                    &format!("{name} {data} n_components={key}"),
                    x,
                    &model,
                    &r["pca"][data][key],
                );
            }
            let model = fit(x, "3", true);
            check_case(
                &format!("{name} {data} n_components=3 whiten"),
                x,
                &model,
                &r["pca"][data]["3_whiten"],
            );
        }
    }
}

#[test]
fn variance_ratio_chooses_sklearns_count_on_wine() {
    let (raw, _) = load_dataset("wine");
    let (_, zscore) = Scaler::fit_transform(&raw, Scaling::ZScore).unwrap();
    // Proline's variance dominates raw wine; z-scored, six components reach 85 %.
    assert_eq!(fit(&raw, "0.85", false).n_components(), 1);
    assert_eq!(fit(&zscore, "0.85", false).n_components(), 6);
}

/// The largest difference between the top `k` components of two models (signs agree by the
/// sign convention) and between their explained variances, relative to the largest variance.
fn model_diff(a: &PcaModel, b: &PcaModel) -> (f64, f64) {
    let components = max_abs_diff(a.components().as_slice(), b.components().as_slice());
    let variances = relative_diff(a.explained_variance(), b.explained_variance());
    (components, variances)
}

#[test]
fn randomized_equals_exact_on_wine() {
    let (raw, _) = load_dataset("wine");
    let (_, zscore) = Scaler::fit_transform(&raw, Scaling::ZScore).unwrap();
    for (data, x) in [("raw", &raw), ("zscore", &zscore)] {
        let exact = Pca::params(3).fit(x).unwrap();
        // Two oversamples, so that the projection does not span all 13 columns: the power
        // iterations do the work.
        let randomized = Pca::params(3)
            .solver(PcaSolver::Randomized {
                n_oversamples: 2,
                n_iter: Some(30),
                seed: 1,
            })
            .fit(x)
            .unwrap();
        let (components, variances) = model_diff(&exact, &randomized);
        println!("wine {data}: components {components:.3e} variances {variances:.3e}");
        assert!(components <= 1e-6 && variances <= 1e-9, "wine {data}");
    }
}

#[test]
fn randomized_equals_exact_on_low_rank_data() {
    // 2 000 rows × 120 columns of rank 5, plus a little noise: the wide, low-rank case the
    // randomized solver is for. Gaussian factors come from `make_blobs` around zero.
    let (rows, cols, rank) = (2_000, 120, 5);
    let zero = |d: usize| Matrix::new(vec![0.0; d], 1, d).unwrap();
    let (scores, _) = make_blobs(rows, &zero(rank), 1.0, 1).unwrap();
    let (factors, _) = make_blobs(rank, &zero(cols), 1.0, 2).unwrap();
    let (noise, _) = make_blobs(rows, &zero(cols), 1e-3, 3).unwrap();
    let mut data = Vec::with_capacity(rows * cols);
    for i in 0..rows {
        for j in 0..cols {
            // Decreasing weights give well-separated variances.
            let signal: f64 = (0..rank)
                .map(|r| scores.get(i, r) * factors.get(r, j) * (rank - r) as f64)
                .sum();
            data.push(signal + noise.get(i, j));
        }
    }
    let x = Matrix::new(data, rows, cols).unwrap();
    let exact = Pca::params(rank).fit(&x).unwrap();
    let randomized = Pca::params(rank)
        .solver(PcaSolver::randomized())
        .fit(&x)
        .unwrap();
    let (components, variances) = model_diff(&exact, &randomized);
    println!("low rank: components {components:.3e} variances {variances:.3e}");
    assert!(components <= 1e-9 && variances <= 1e-12);
    let ratio: f64 = exact.explained_variance_ratio().iter().sum();
    assert!(ratio > 0.999_99, "{ratio}");
}
