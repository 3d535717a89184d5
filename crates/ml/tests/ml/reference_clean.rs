//! Imputation equal to scikit-learn's SimpleImputer and KNNImputer, and outlier fences equal to
//! numpy's and scipy's, on iris and wine (values from `reference/make_clean_reference.py`).

use crate::common::*;
use cible_ml::{FillStrategy, KnnImputer, OutlierDetector, OutlierMethod, fill_value};
use serde_json::Value;

fn clean_reference(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/clean.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let all: Value = serde_json::from_str(&text).expect("valid reference JSON");
    all["datasets"][name].clone()
}

/// The data set's columns with the reference's cells emptied.
fn holed(name: &str, r: &Value) -> Vec<Vec<Option<f64>>> {
    let (x, _) = load_dataset(name);
    let mut columns: Vec<Vec<Option<f64>>> = (0..x.cols())
        .map(|j| x.iter_rows().map(|row| Some(row[j])).collect())
        .collect();
    for cell in r["missing"].as_array().expect("cells") {
        let cell = usizes(cell);
        columns[cell[1]][cell[0]] = None;
    }
    columns
}

#[test]
fn simple_imputation_matches_sklearn() {
    for name in DATASETS {
        let r = clean_reference(name);
        let columns = holed(name, &r);
        for (strategy, key) in [
            (FillStrategy::Mean, "mean"),
            (FillStrategy::Median, "median"),
            (FillStrategy::MostFrequent, "most_frequent"),
        ] {
            let ours: Vec<f64> = columns
                .iter()
                .map(|c| fill_value(c, strategy).expect("a value"))
                .collect();
            let diff = max_abs_diff(&ours, &f64s(&r["simple"][key]));
            println!("{name} {key}: {diff:.3e}");
            assert!(diff <= TOLERANCE, "{name} {key}: {diff}");
        }
    }
}

#[test]
fn knn_imputation_matches_sklearn() {
    // Not iris: its values have one decimal, so many rows lie at exactly the same distance and
    // which of them scikit-learn averages is left to `np.argpartition`. Wine has no such tie.
    for name in ["wine"] {
        let r = clean_reference(name);
        let columns = holed(name, &r);
        let targets: Vec<usize> = (0..columns.len()).collect();
        let fills = KnnImputer { neighbours: 5 }
            .fills(&columns, &targets)
            .unwrap();
        let want = f64s(&r["knn"]);
        let cells = r["missing"].as_array().expect("cells");
        assert_eq!(cells.len(), want.len());
        let mut worst = 0.0f64;
        for (cell, want) in cells.iter().zip(want) {
            let cell = usizes(cell);
            let got = fills[cell[1]]
                .iter()
                .find(|(row, _)| *row == cell[0])
                .map(|&(_, v)| v)
                .unwrap_or_else(|| panic!("{name}: cell {cell:?} not filled"));
            worst = worst.max((got - want).abs());
        }
        let filled: usize = fills.iter().map(Vec::len).sum();
        println!("{name}: {filled} cells, largest difference {worst:.3e}");
        assert_eq!(filled, cells.len());
        assert!(worst <= TOLERANCE, "{name}: {worst}");
    }
}

#[test]
fn outlier_fences_match_numpy_and_scipy() {
    for name in DATASETS {
        let (x, _) = load_dataset(name);
        let r = clean_reference(name);
        for method in OutlierMethod::ALL {
            let key = method.to_string();
            let fences = r["fences"][key.as_str()].as_array().expect("fences");
            let counts = usizes(&r["outliers"][key.as_str()]);
            for (j, (want, count)) in fences.iter().zip(counts).enumerate() {
                let column: Vec<f64> = x.iter_rows().map(|row| row[j]).collect();
                let got = OutlierDetector::new(method)
                    .fit(&column)
                    .unwrap()
                    .expect("fences");
                let want = f64s(want);
                let diff = max_abs_diff(&[got.lower, got.upper], &want);
                assert!(diff <= TOLERANCE, "{name} {key} column {j}: {diff}");
                let flagged = column.iter().filter(|&&v| got.is_outlier(v)).count();
                assert_eq!(flagged, count, "{name} {key} column {j}");
            }
        }
    }
}
