//! Choosing k on seeded Gaussian blobs with a known number of well-separated centres.

use cible_ml::{GapReference, KMeans, Matrix, SelectKParams, make_blobs, select_k};

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
        // The gap statistic, on by default, finds the blobs too, beside the recommendation.
        let gap = s.gap.as_ref().unwrap();
        assert_eq!(gap.k, Some(true_k), "{:?}", s.scores);
        assert_eq!((gap.references, gap.reference_rows), (10, 600));
        assert!(s.reasons.contains(&format!(
            "the gap statistic also picks k = {true_k} (10 reference sets of 600 rows, uniform \
             over the data's bounding box)"
        )));
        for score in &s.scores {
            let (gap, reference) = (score.gap.unwrap(), score.log_reference_inertia.unwrap());
            assert!((gap - (reference - score.inertia.ln())).abs() < 1e-12);
            assert!(score.gap_error.unwrap() > 0.0);
        }
    }
}

#[test]
fn gap_over_principal_components_and_subsampled_references_find_the_blobs() {
    let (x, _) = make_blobs(3_000, &centres(4), 1.0, 9).unwrap();
    for (reference, rows) in [
        (GapReference::PrincipalComponents, 20_000),
        (GapReference::BoundingBox, 500),
        (GapReference::PrincipalComponents, 500),
    ] {
        let s = SelectKParams::new(2..=8, KMeans::params(2).n_init(3).seed(4))
            .gap_reference(reference)
            .gap_reference_rows(rows)
            .fit(&x)
            .unwrap();
        let gap = s.gap.as_ref().unwrap();
        assert_eq!(gap.k, Some(4), "{reference} {rows}: {:?}", s.scores);
        assert_eq!(gap.reference_rows, rows.min(3_000));
        assert_eq!(gap.reference, reference);
    }
    let s = SelectKParams::new(2..=8, KMeans::params(2).seed(4))
        .gap_reference_rows(500)
        .fit(&x)
        .unwrap();
    assert!(s.reasons.iter().any(|r| r.ends_with(
        "(10 reference sets of 500 rows, uniform over the data's bounding box, their dispersion \
         scaled to the data's 3000 rows)"
    )));
}

#[test]
fn gap_can_be_left_out() {
    let (x, _) = make_blobs(300, &centres(3), 1.0, 2).unwrap();
    let with = select_k(&x, 2..=5, &KMeans::params(2).seed(1)).unwrap();
    let without = SelectKParams::new(2..=5, KMeans::params(2).seed(1))
        .gap(0)
        .fit(&x)
        .unwrap();
    assert_eq!(without.gap, None);
    assert!(
        without
            .scores
            .iter()
            .all(|s| s.gap.is_none() && s.gap_error.is_none() && s.log_reference_inertia.is_none())
    );
    assert!(!without.reasons.iter().any(|r| r.contains("gap")));
    // Everything else is unchanged.
    assert_eq!(without.recommended, with.recommended);
    for (a, b) in without.scores.iter().zip(&with.scores) {
        assert_eq!((a.inertia, a.silhouette), (b.inertia, b.silhouette));
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
    let (one, two) = crate::common::one_and_two_threads(run);
    assert_eq!(one, two);
}

#[test]
fn subsampled_references_keep_the_scale_of_full_size_ones() {
    // References of the data's size and references of a tenth of its rows (uniform over the
    // same box) must estimate the same mean log-dispersion E*[log W*_k], within their Monte
    // Carlo errors. Scaled per row but uncorrected, the small sets' own fits are optimistic by
    // several times that at the larger k.
    let x: Matrix<f64> = make_blobs(1_500, &Matrix::from_rows(&[[0.0, 0.0]]).unwrap(), 1.0, 3)
        .unwrap()
        .0;
    let b = 30;
    let fit = |rows| {
        SelectKParams::new(2..=6, KMeans::params(2).seed(5))
            .gap(b)
            .gap_reference_rows(rows)
            .fit(&x)
            .unwrap()
    };
    let (full, small) = (fit(1_500), fit(150));
    assert_eq!(small.gap.as_ref().unwrap().reference_rows, 150);
    for (f, s) in full.scores.iter().zip(&small.scores) {
        let (a, c) = (
            f.log_reference_inertia.unwrap(),
            s.log_reference_inertia.unwrap(),
        );
        // Standard error of the difference of two means of b draws (s_k is the sd · √(1+1/b)).
        let se = (f.gap_error.unwrap().powi(2) + s.gap_error.unwrap().powi(2)).sqrt()
            / (b as f64 + 1.0).sqrt();
        println!(
            "k = {}: full {a:.4}, small {c:.4}, diff {:+.4}, se {se:.4}",
            f.k,
            c - a
        );
        assert!((c - a).abs() <= 4.0 * se, "k = {}: {a} against {c}", f.k);
    }
}
