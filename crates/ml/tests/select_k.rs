//! Choosing k on seeded Gaussian blobs with a known number of well-separated centres.

mod common;

use cible_ml::{KMeans, Matrix, SelectKParams, make_blobs, select_k};

fn centres(k: usize) -> Matrix<f64> {
    // Points on a circle of radius 15 in the first two dimensions, with a third dimension
    // that separates neighbours a little more; blobs have standard deviation 1.
    let rows: Vec<Vec<f64>> = (0..k)
        .map(|i| {
            let angle = std::f64::consts::TAU * i as f64 / k as f64;
            vec![15.0 * angle.cos(), 15.0 * angle.sin(), 4.0 * (i % 2) as f64]
        })
        .collect();
    Matrix::from_rows(&rows).unwrap()
}

#[test]
fn recommends_the_true_number_of_blobs() {
    for (true_k, seed) in [(3, 1), (4, 2), (6, 3)] {
        let (x, _) = make_blobs(600, &centres(true_k), 1.0, seed).unwrap();
        let s = select_k(&x, 2..=10, &KMeans::params(2).n_init(3).seed(seed)).unwrap();
        println!("k = {true_k}: {:#?}", s.reasons);
        assert_eq!(s.recommended, true_k, "{s:#?}");
        assert_eq!(s.best_silhouette, Some(true_k));
        assert_eq!(s.elbow, Some(true_k));
        assert_eq!(s.scores.len(), 9);
        assert!(s.scores.windows(2).all(|w| w[0].k + 1 == w[1].k));
        assert!(s.silhouette_sample.is_none());
    }
}

#[test]
fn sampled_silhouette_above_the_threshold_still_finds_k() {
    let (x, _) = make_blobs(3_000, &centres(4), 1.0, 9).unwrap();
    let s = SelectKParams::new(2..=8, KMeans::params(2).n_init(3).seed(4))
        .silhouette_sample(500)
        .fit(&x)
        .unwrap();
    assert_eq!(s.silhouette_sample, Some(500));
    assert_eq!(s.recommended, 4, "{s:#?}");
    assert!(s.reasons.last().unwrap().contains("sample of 500 rows"));
}

#[test]
fn same_result_with_one_or_two_threads() {
    let (x, _) = make_blobs(5_000, &centres(5), 2.0, 5).unwrap();
    let run = || {
        SelectKParams::new(2..=7, KMeans::params(2).seed(8))
            .silhouette_sample(800)
            .fit(&x)
            .unwrap()
    };
    let (one, two) = common::one_and_two_threads(run);
    assert_eq!(one, two);
}
