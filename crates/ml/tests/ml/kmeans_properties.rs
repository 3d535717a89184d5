//! Properties of k-means on seeded synthetic data: predict reproduces fit, Elkan and Hamerly
//! equal Lloyd, results do not depend on the thread count, weights equal repeated rows.

use cible_ml::metrics::adjusted_rand_score;
use cible_ml::{Algorithm, Init, KMeans, Matrix, make_blobs};

/// Overlapping blobs, so that runs take many iterations; more rows than one parallel group.
fn overlapping(n: usize, seed: u64) -> Matrix<f64> {
    let centers = Matrix::from_rows(&[
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [3.0, 0.0, 1.0, 0.0, 0.0],
        [0.0, 3.0, 0.0, 1.0, 0.0],
        [3.0, 3.0, 0.0, 0.0, 1.0],
        [1.5, 1.5, 2.0, 2.0, 2.0],
    ])
    .unwrap();
    make_blobs(n, &centers, 1.2, seed).unwrap().0
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

#[test]
fn predict_on_the_training_data_reproduces_the_fit() {
    let x = overlapping(10_000, 1);
    for algorithm in [Algorithm::Lloyd, Algorithm::Elkan, Algorithm::Hamerly] {
        for seed in 0..3 {
            let m = KMeans::params(8)
                .seed(seed)
                .algorithm(algorithm)
                .fit(&x)
                .unwrap();
            assert_eq!(
                m.predict(&x).unwrap(),
                m.labels(),
                "{algorithm} seed {seed}"
            );
            let x32 = x.cast::<f32>();
            let m32 = KMeans::params(8)
                .seed(seed)
                .algorithm(algorithm)
                .fit(&x32)
                .unwrap();
            assert_eq!(
                m32.predict(&x32).unwrap(),
                m32.labels(),
                "f32 {algorithm} seed {seed}"
            );
        }
    }
}

#[test]
fn elkan_gives_the_same_result_as_lloyd() {
    let x = overlapping(9_000, 2);
    for k in [2, 5, 9] {
        for seed in 0..3 {
            let p = KMeans::params(k).seed(seed).max_iter(500);
            let lloyd = p.clone().algorithm(Algorithm::Lloyd).fit(&x).unwrap();
            let elkan = p.algorithm(Algorithm::Elkan).fit(&x).unwrap();
            assert_eq!(lloyd.labels(), elkan.labels(), "k {k} seed {seed}");
            assert_eq!(lloyd.centroids(), elkan.centroids(), "k {k} seed {seed}");
            assert_eq!(lloyd.n_iter(), elkan.n_iter(), "k {k} seed {seed}");
            let rel = (lloyd.inertia() - elkan.inertia()).abs() / lloyd.inertia();
            assert!(rel < 1e-12, "k {k} seed {seed}: {rel}");
        }
    }
}

#[test]
fn hamerly_gives_the_same_result_as_lloyd() {
    // The sums are updated by the rows that move rather than recomputed: the centroids agree
    // to rounding.
    same_as_lloyd(&overlapping(9_000, 2), &[2, 5, 9], 3, 1e-9, 1e-12);
}

/// In `f32`, where the bounds are kept in `f32` too: Lloyd's labels and iterations. Lloyd sums
/// the clusters in `f32` for a few hundred rows at a time and Hamerly in `f64`, so the
/// centroids agree to `f32` rounding.
#[test]
fn hamerly_gives_the_same_result_as_lloyd_in_f32() {
    same_as_lloyd(
        &overlapping(20_000, 3).cast::<f32>(),
        &[3, 8, 12],
        2,
        1e-4,
        1e-6,
    );
}

/// Hamerly's fits of `x` against Lloyd's, for every `k` and seeds `0..seeds`: the same labels
/// and iterations, centroids within `centroid_tol` and inertias within `inertia_tol`
/// (relative).
fn same_as_lloyd<F: cible_ml::Float>(
    x: &Matrix<F>,
    ks: &[usize],
    seeds: u64,
    centroid_tol: f64,
    inertia_tol: f64,
) {
    for &k in ks {
        for seed in 0..seeds {
            let p = KMeans::params(k).seed(seed).max_iter(500);
            let lloyd = p.clone().algorithm(Algorithm::Lloyd).fit(x).unwrap();
            let hamerly = p.algorithm(Algorithm::Hamerly).fit(x).unwrap();
            let what = format!("k {k} seed {seed}");
            assert_eq!(lloyd.labels(), hamerly.labels(), "{what}");
            assert_eq!(lloyd.n_iter(), hamerly.n_iter(), "{what}");
            let diff = lloyd
                .centroids()
                .as_slice()
                .iter()
                .zip(hamerly.centroids().as_slice())
                .map(|(a, b)| (a.to_f64() - b.to_f64()).abs())
                .fold(0.0, f64::max);
            assert!(diff < centroid_tol, "{what}: centroids differ by {diff:e}");
            let rel = (lloyd.inertia() - hamerly.inertia()).abs() / lloyd.inertia();
            assert!(rel < inertia_tol, "{what}: {rel}");
        }
    }
}

#[test]
fn same_seed_same_result_with_one_or_two_threads() {
    let x = overlapping(20_000, 3);
    for algorithm in [Algorithm::Lloyd, Algorithm::Elkan, Algorithm::Hamerly] {
        let fit = || {
            KMeans::params(6)
                .seed(11)
                .n_init(3)
                .algorithm(algorithm)
                .fit(&x)
                .unwrap()
        };
        let one = pool(1).install(fit);
        let two = pool(2).install(fit);
        assert_eq!(one, two, "{algorithm}");
        let fit32 = || {
            KMeans::params(6)
                .seed(11)
                .algorithm(algorithm)
                .fit(&x.cast::<f32>())
                .unwrap()
        };
        assert_eq!(
            pool(1).install(fit32),
            pool(2).install(fit32),
            "f32 {algorithm}"
        );
    }
}

#[test]
fn more_initialisations_never_increase_inertia() {
    let x = overlapping(5_000, 4);
    for seed in 0..3 {
        let one = KMeans::params(7).seed(seed).fit(&x).unwrap();
        let ten = KMeans::params(7).seed(seed).n_init(10).fit(&x).unwrap();
        assert!(ten.inertia() <= one.inertia(), "seed {seed}");
    }
}

#[test]
fn integer_weights_equal_repeated_rows() {
    let x = overlapping(3_000, 5);
    let weights: Vec<f64> = (0..x.rows()).map(|i| (i % 3) as f64).collect();
    let mut repeated = Vec::new();
    for (i, &w) in weights.iter().enumerate() {
        for _ in 0..w as usize {
            repeated.push(x.row(i).to_vec());
        }
    }
    let repeated = Matrix::from_rows(&repeated).unwrap();
    let init: Vec<Vec<f64>> = (0..4).map(|i| x.row(i * 700 + 1).to_vec()).collect();
    let p = KMeans::params(4).init(Init::Centroids(init)).tol(0.0);
    let weighted = p.fit_weighted(&x, &weights).unwrap();
    let plain = p.fit(&repeated).unwrap();
    let diff = weighted
        .centroids()
        .as_slice()
        .iter()
        .zip(plain.centroids().as_slice())
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(diff < 1e-10, "{diff}");
    assert!((weighted.inertia() - plain.inertia()).abs() / plain.inertia() < 1e-10);
}

#[test]
fn well_separated_blobs_are_recovered_exactly() {
    let centers = Matrix::from_rows(&[[0.0, 0.0], [20.0, 0.0], [0.0, 20.0], [20.0, 20.0]]).unwrap();
    let (x, truth) = make_blobs(2_000, &centers, 1.0, 6).unwrap();
    let m = KMeans::params(4).n_init(5).seed(3).fit(&x).unwrap();
    assert_eq!(adjusted_rand_score(&truth, m.labels()).unwrap(), 1.0);
    assert!(m.converged());
}
