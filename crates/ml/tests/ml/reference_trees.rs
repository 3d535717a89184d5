//! The tree models against scikit-learn on binary versions of wine and iris (values from
//! `reference/make_trees_reference.py`): the decision tree equal to `DecisionTreeClassifier`
//! wherever no two splits tie, the boosted trees equal to `HistGradientBoostingClassifier` up
//! to rounding, and the random forest as good as `RandomForestClassifier` on held-out rows.

use crate::common::*;
use cible_ml::Matrix;
use cible_ml::supervised::{Classifier, Criterion, DecisionTree, GradientBoosting, RandomForest};
use serde_json::Value;

/// Tie-free trees equal scikit-learn's to rounding.
const TREE_TOLERANCE: f64 = 1e-12;
/// The boosted trees: same bins, splits and sums (measured: 2.2e-16 at most); the margin is for
/// `exp` and `ln` of other maths libraries.
const HGB_TOLERANCE: f64 = 1e-13;

/// (key, data set, positive class) as the script builds them.
const TARGETS: [(&str, &str, usize); 3] = [
    ("wine0", "wine", 0),
    ("wine1", "wine", 1),
    ("iris1", "iris", 1),
];

fn binary(name: &str, class: usize) -> (Matrix<f64>, Vec<bool>) {
    let (x, labels) = load_dataset(name);
    (x, labels.iter().map(|&l| l == class).collect())
}

/// ROC AUC by the Mann–Whitney statistic, ties counted half.
fn auc(score: &[f64], y: &[bool]) -> f64 {
    let (mut wins, mut pairs) = (0.0, 0.0);
    for (_, &p) in score.iter().enumerate().filter(|(i, _)| y[*i]) {
        for (_, &q) in score.iter().enumerate().filter(|(j, _)| !y[*j]) {
            pairs += 1.0;
            wins += if p > q {
                1.0
            } else if p == q {
                0.5
            } else {
                0.0
            };
        }
    }
    wins / pairs
}

#[test]
fn decision_tree_equals_scikit_learn_where_no_split_ties() {
    let (mut proba_compared, mut importances_compared) = (0, 0);
    for (key, name, class) in TARGETS {
        let (x, y) = binary(name, class);
        let want = reference("trees");
        for case in want[key]["tree"].as_array().unwrap() {
            let criterion: Criterion = case["criterion"].as_str().unwrap().parse().unwrap();
            let depth = case["max_depth"].as_u64().map(|d| d as usize);
            let label = format!("{key} {criterion} max_depth {depth:?}");
            let tree = DecisionTree::params()
                .criterion(criterion)
                .max_depth(depth)
                .fit(&x, &y)
                .unwrap();
            let proba = tree.predict_proba(&x).unwrap();
            if case["proba_tie_free"] == Value::Bool(true) {
                let diff = max_abs_diff(&proba, &f64s(&case["proba"]));
                assert!(
                    diff <= TREE_TOLERANCE,
                    "{label}: probabilities differ by {diff}"
                );
                proba_compared += 1;
            }
            if case["importances_tie_free"] == Value::Bool(true) {
                let diff = max_abs_diff(tree.feature_importances(), &f64s(&case["importances"]));
                assert!(
                    diff <= TREE_TOLERANCE,
                    "{label}: importances differ by {diff}"
                );
                importances_compared += 1;
            }
            if depth.is_none() {
                // Grown to pure leaves, as scikit-learn's.
                assert!(proba.iter().all(|&p| p == 0.0 || p == 1.0), "{label}");
            }
        }
    }
    // 15 of the 18 cases have tie-free probabilities and 4 tie-free importances.
    assert_eq!((proba_compared, importances_compared), (15, 4));
}

#[test]
fn boosted_trees_equal_scikit_learn_to_rounding() {
    let want = reference("trees");
    for (key, name, class) in TARGETS {
        let (x, y) = binary(name, class);
        let (a, b) =
            one_and_two_threads(|| GradientBoosting::params().max_iter(50).fit(&x, &y).unwrap());
        assert_eq!(a, b, "{key}: the thread count changed the model");
        let proba = a.predict_proba(&x).unwrap();
        let diff = max_abs_diff(&proba, &f64s(&want[key]["hgb"]["proba"]));
        assert!(
            diff <= HGB_TOLERANCE,
            "{key}: probabilities differ by {diff}"
        );
        assert_eq!(
            a.n_iter() as u64,
            want[key]["hgb"]["n_iter"].as_u64().unwrap()
        );
    }
}

#[test]
fn random_forest_is_as_good_as_scikit_learn_on_held_out_rows() {
    let want = reference("trees");
    for (key, name, class) in TARGETS {
        let (x, y) = binary(name, class);
        let (train, test): (Vec<usize>, Vec<usize>) = (0..y.len()).partition(|i| i % 3 != 0);
        let pick = |rows: &[usize]| rows.iter().map(|&i| y[i]).collect::<Vec<_>>();
        let (a, b) = one_and_two_threads(|| {
            RandomForest::params()
                .fit(&x.select_rows(&train), &pick(&train))
                .unwrap()
        });
        assert_eq!(a, b, "{key}: the thread count changed the forest");
        let ours = auc(
            &a.predict_proba(&x.select_rows(&test)).unwrap(),
            &pick(&test),
        );
        let theirs = want[key]["forest"]["test_auc"].as_f64().unwrap();
        assert!(
            ours >= theirs - 0.01,
            "{key}: AUC {ours} against scikit-learn's {theirs}"
        );
    }
}
