//! k-prototypes on seeded mixed data: planted clusters found, the same result with 1 and 2
//! threads, k-means with only numeric columns, k-modes with only categorical ones; choosing k
//! finds the planted clusters, whether numbers or categories separate them; and the
//! Python `kmodes` package's KPrototypes from the same initial prototypes (values from
//! `reference/make_kprototypes_reference.py`, in `reference/kprototypes.json`).

use crate::common::*;
use cible_ml::metrics::{adjusted_rand_score, inertia, kprototypes_cost};
use cible_ml::{
    Gower, Init, KMeans, KPrototypes, Matrix, MixedData, PrototypeInit, SelectKPrototypesParams,
    default_gamma, make_blobs, select_k_prototypes,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

/// `n` rows in 4 planted groups: 3 numeric columns around well-separated centres, and 2
/// categorical columns that follow the group (the group's code 80 % and 70 % of the time,
/// another code otherwise). Returns the data and the groups.
fn planted(n: usize, seed: u64) -> (MixedData, Vec<usize>) {
    let centres = Matrix::from_rows(&[
        [0.0, 0.0, 0.0],
        [8.0, 0.0, 0.0],
        [0.0, 8.0, 0.0],
        [0.0, 0.0, 8.0],
    ])
    .unwrap();
    let (x, truth) = make_blobs(n, &centres, 1.0, seed).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut codes = Vec::with_capacity(2 * n);
    for &g in &truth {
        let g = g as u32;
        codes.push(if rng.random::<f64>() < 0.8 {
            g
        } else {
            (g + 1) % 4
        });
        codes.push(if rng.random::<f64>() < 0.7 { g } else { 4 });
    }
    (MixedData::new(x, codes, 2).unwrap(), truth)
}

#[test]
fn finds_planted_mixed_clusters_and_predict_reproduces_the_fit() {
    let (data, truth) = planted(2_000, 1);
    let model = KPrototypes::params(4).seed(5).fit(&data).unwrap();
    assert_eq!(adjusted_rand_score(&truth, model.labels()).unwrap(), 1.0);
    assert!(model.converged());
    assert_eq!(model.predict(&data).unwrap(), model.labels());
    // Each prototype's first categorical column is its group's code.
    for j in 0..4 {
        let row = model.labels().iter().position(|&l| l == j).unwrap();
        assert_eq!(model.prototypes().categorical_row(j)[0], truth[row] as u32);
    }
    // The reported cost is the cost metric of the labels.
    assert_eq!(
        kprototypes_cost(&data, model.labels(), model.prototypes(), model.gamma()).unwrap(),
        model.cost()
    );
    // A well-separated partition has a high silhouette on Gower's distance.
    let gower = Gower::fit(&data).unwrap();
    assert!(gower.silhouette(&data, model.labels()).unwrap().score > 0.5);
}

#[test]
fn categories_alone_separate_groups_that_numbers_do_not() {
    // Both groups drawn around the same centre; only the three categorical columns differ.
    let centre = Matrix::from_rows(&[[0.0, 0.0]]).unwrap();
    let (x, _) = make_blobs(400, &centre, 1.0, 2).unwrap();
    let truth: Vec<usize> = (0..400).map(|i| i % 2).collect();
    let codes: Vec<u32> = truth.iter().flat_map(|&g| [g as u32; 3]).collect();
    let data = MixedData::new(x, codes, 3).unwrap();
    let model = KPrototypes::params(2)
        .gamma(5.0)
        .seed(1)
        .fit(&data)
        .unwrap();
    assert_eq!(adjusted_rand_score(&truth, model.labels()).unwrap(), 1.0);
}

#[test]
fn same_seed_same_result_with_one_and_two_threads() {
    // More rows than two parallel groups, several initialisations.
    let (data, _) = planted(10_000, 3);
    let (a, b) =
        one_and_two_threads(|| KPrototypes::params(6).n_init(3).seed(9).fit(&data).unwrap());
    assert_eq!(a, b);
    let (ga, gb) = one_and_two_threads(|| {
        Gower::fit(&data)
            .unwrap()
            .silhouette_score_sampled(&data, a.labels(), 500, 4)
            .unwrap()
    });
    assert_eq!(ga, gb);
}

#[test]
fn only_numeric_columns_is_k_means() {
    let centres = Matrix::from_rows(&[[0.0, 0.0], [5.0, 0.0], [0.0, 5.0], [5.0, 5.0]]).unwrap();
    let (x, truth) = make_blobs(3_000, &centres, 1.0, 4).unwrap();
    // The first row of each blob.
    let start: Vec<usize> = (0..4)
        .map(|g| truth.iter().position(|&t| t == g).unwrap())
        .collect();
    let kmeans = KMeans::params(4)
        .init(Init::Centroids(
            start.iter().map(|&i| x.row(i).to_vec()).collect(),
        ))
        .tol(0.0)
        .fit(&x)
        .unwrap();
    let data = MixedData::new(x.clone(), Vec::new(), 0).unwrap();
    let given = MixedData::new(x.select_rows(&start), Vec::new(), 0).unwrap();
    let model = KPrototypes::params(4)
        .n_init(1)
        .init(PrototypeInit::Given(given))
        .fit(&data)
        .unwrap();
    assert_eq!(model.labels(), kmeans.labels());
    assert!((model.cost() / kmeans.inertia() - 1.0).abs() < 1e-9);
    assert!(
        max_abs_diff(
            model.prototypes().numeric().as_slice(),
            kmeans.centroids().as_slice()
        ) < 1e-9
    );
    // The cost is the inertia of the labels around the prototypes.
    let i = inertia(&x, model.labels(), model.prototypes().numeric(), None).unwrap();
    assert!((model.cost() / i - 1.0).abs() < 1e-12);
}

/// The smallest k-modes cost of 2 clusters over every partition of `rows` (brute force).
fn best_two_modes(rows: &[[u32; 3]]) -> f64 {
    let n = rows.len();
    let cost_of = |members: &[&[u32; 3]]| -> usize {
        (0..3)
            .map(|c| {
                let mut counts = [0usize; 8];
                members.iter().for_each(|r| counts[r[c] as usize] += 1);
                members.len() - counts.iter().max().unwrap()
            })
            .sum()
    };
    (1..(1u32 << n) - 1)
        .map(|mask| {
            let (a, b): (Vec<_>, Vec<_>) = (0..n).partition(|&i| mask & (1 << i) != 0);
            let a: Vec<&[u32; 3]> = a.iter().map(|&i| &rows[i]).collect();
            let b: Vec<&[u32; 3]> = b.iter().map(|&i| &rows[i]).collect();
            cost_of(&a) + cost_of(&b)
        })
        .min()
        .unwrap() as f64
}

#[test]
fn only_categorical_columns_is_k_modes() {
    let rows: [[u32; 3]; 10] = [
        [0, 0, 1],
        [0, 0, 0],
        [0, 1, 0],
        [0, 0, 0],
        [2, 3, 1],
        [1, 3, 1],
        [1, 3, 2],
        [1, 2, 1],
        [1, 3, 1],
        [0, 3, 0],
    ];
    let numeric: Vec<[f64; 0]> = vec![[]; rows.len()];
    let data = MixedData::from_rows(&numeric, &rows).unwrap();
    assert_eq!(default_gamma(&data), 1.0);
    let model = KPrototypes::params(2).seed(2).fit(&data).unwrap();
    // The cost counts mismatches, and no partition does better.
    assert_eq!(model.cost(), best_two_modes(&rows));
    assert_eq!(model.cost(), 6.0);
    let first = model.labels()[0];
    assert_eq!(model.prototypes().categorical_row(first), &[0, 0, 0]);
    assert_eq!(model.prototypes().categorical_row(1 - first), &[1, 3, 1]);
}

fn case_data(reference: &Value) -> MixedData {
    let numeric = matrix(&reference["numeric"]);
    let codes: Vec<u32> = reference["categorical"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| usizes(r).into_iter().map(|c| c as u32))
        .collect();
    MixedData::new(numeric, codes, 2).unwrap()
}

#[test]
fn equals_kmodes_from_the_same_initial_prototypes() {
    let reference = reference("kprototypes");
    let data = case_data(&reference);
    for case in reference["cases"].as_array().unwrap() {
        let init = data.select_rows(&usizes(&case["init_rows"]));
        let gamma = case["gamma"].as_f64().unwrap();
        if case["gamma_given"].is_null() {
            assert!(
                (default_gamma(&data) - gamma).abs() < 1e-12 * gamma,
                "{case}"
            );
        }
        // The cost of kmodes' labelling by the initial prototypes.
        let init_labels = usizes(&case["init_labels"]);
        let init_cost = kprototypes_cost(&data, &init_labels, &init, gamma).unwrap();
        let expected = case["init_cost"].as_f64().unwrap();
        assert!(
            (init_cost / expected - 1.0).abs() < TOLERANCE,
            "{init_cost} {expected}"
        );

        let mut params = KPrototypes::params(3)
            .n_init(1)
            .init(PrototypeInit::Given(init));
        if let Some(g) = case["gamma_given"].as_f64() {
            params = params.gamma(g);
        }
        let model = params.fit(&data).unwrap();
        assert_eq!(
            model.labels(),
            usizes(&case["labels"]),
            "{:?}",
            case["init_rows"]
        );
        let expected = case["cost"].as_f64().unwrap();
        assert!((model.cost() / expected - 1.0).abs() < TOLERANCE);
        let numeric = matrix(&case["numeric_prototypes"]);
        assert!(
            max_abs_diff(model.prototypes().numeric().as_slice(), numeric.as_slice()) < TOLERANCE
        );
        let modes: Vec<u32> = case["categorical_prototypes"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| usizes(r).into_iter().map(|c| c as u32))
            .collect();
        assert_eq!(model.prototypes().categorical(), modes);
    }
}

#[test]
fn kmodes_reference_groups_are_recovered_from_the_default_initialisation() {
    let reference = reference("kprototypes");
    let data = case_data(&reference);
    let groups = usizes(&reference["groups"]);
    let model = KPrototypes::params(3).seed(0).fit(&data).unwrap();
    let expected = reference["cases"][0]["cost"].as_f64().unwrap();
    // The same partition as kmodes from one row per group, so the same cost.
    assert!((model.cost() / expected - 1.0).abs() < TOLERANCE);
    assert!(adjusted_rand_score(&groups, model.labels()).unwrap() > 0.9);
}

#[test]
fn choosing_k_finds_the_planted_clusters() {
    let (data, _) = planted(600, 3);
    let s = select_k_prototypes(&data, 2..=8, &KPrototypes::params(2).n_init(3).seed(3)).unwrap();
    println!("{:#?}", s.reasons);
    assert_eq!(s.recommended, 4, "{s:#?}");
    assert_eq!((s.best_silhouette, s.elbow), (Some(4), Some(4)));
    assert_eq!(s.scores.len(), 7);
    assert!(s.scores.windows(2).all(|w| w[0].k + 1 == w[1].k));
    assert_eq!(s.gamma, default_gamma(&data));
    assert_eq!(s.silhouette_sample, None);
    assert!(s.reasons[0].starts_with("k = 4 has the highest silhouette ("));
    assert_eq!(s.reasons[1], "the elbow of the cost curve is also at k = 4");
}

#[test]
fn choosing_k_sees_groups_that_only_categories_separate() {
    // Three groups around the same numeric centre, told apart by three categorical columns.
    let centre = Matrix::from_rows(&[[0.0, 0.0]]).unwrap();
    let (x, _) = make_blobs(300, &centre, 1.0, 2).unwrap();
    let codes: Vec<u32> = (0..300).flat_map(|i| [(i % 3) as u32; 3]).collect();
    let data = MixedData::new(x, codes, 3).unwrap();
    let s = select_k_prototypes(&data, 2..=6, &KPrototypes::params(2).gamma(5.0).seed(1)).unwrap();
    assert_eq!(s.recommended, 3, "{s:#?}");
    assert_eq!(s.gamma, 5.0);
}

#[test]
fn choosing_k_on_a_sample_gives_the_same_result_with_one_and_two_threads() {
    let (data, _) = planted(1_500, 4);
    let run = || {
        SelectKPrototypesParams::new(2..=6, KPrototypes::params(2).n_init(2).seed(9))
            .silhouette_sample(300)
            .fit(&data)
            .unwrap()
    };
    let (one, two) = one_and_two_threads(run);
    assert_eq!(one, two);
    assert_eq!(one.recommended, 4, "{one:#?}");
    assert_eq!(one.silhouette_sample, Some(300));
    assert_eq!(
        one.reasons.last().unwrap(),
        "silhouettes were estimated on a random sample of 300 rows"
    );
}
