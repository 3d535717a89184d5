//! One-hot and ordinal encodings, and a whole preprocessing, equal to scikit-learn's
//! OneHotEncoder, OrdinalEncoder and ColumnTransformer on a small table of accounts (values
//! from `reference/make_reference.py`, in `reference/encoding.json`).

use crate::common::*;
use cible_ml::{
    ColumnSpec, Frame, HandleUnknown, Matrix, NumericParams, NumericTransform, OneHotEncoder,
    OrdinalEncoder, Preprocessor, Scaling,
};
use serde_json::Value;

const COLUMNS: [&str; 2] = ["sector", "size"];

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|s| s.as_str().expect("a string").to_string())
        .collect()
}

fn categories(table: &Value, column: &str) -> Vec<Option<String>> {
    strings(&table[column]).into_iter().map(Some).collect()
}

fn frame(table: &Value) -> Frame {
    Frame::new()
        .with_numeric("revenue", f64s(&table["revenue"]).into_iter().map(Some))
        .unwrap()
        .with_categorical("sector", categories(table, "sector"))
        .unwrap()
        .with_categorical("size", categories(table, "size"))
        .unwrap()
}

/// Columns side by side, as scikit-learn's encoders of several columns give them.
fn side_by_side(parts: &[Matrix<f64>]) -> Vec<f64> {
    let rows = parts[0].rows();
    (0..rows)
        .flat_map(|i| parts.iter().flat_map(move |m| m.row(i).to_vec()))
        .collect()
}

#[test]
fn one_hot_matches_sklearn() {
    let r = reference("encoding");
    for (key, drop_first) in [("ignore", false), ("ignore_drop_first", true)] {
        let want = &r["onehot"][key];
        let params = OneHotEncoder::params()
            .handle_unknown(HandleUnknown::Ignore)
            .drop_first(drop_first);
        let encoders: Vec<OneHotEncoder> = COLUMNS
            .iter()
            .map(|c| params.fit(c, &categories(&r["train"], c)).unwrap())
            .collect();
        let mut names = Vec::new();
        for (i, encoder) in encoders.iter().enumerate() {
            assert_eq!(
                encoder.categories(),
                strings(&want["categories"][i]),
                "{key}"
            );
            names.extend(encoder.feature_names());
        }
        // scikit-learn writes `sector_Retail` where cible writes `sector=Retail`.
        let theirs: Vec<String> = strings(&want["feature_names"])
            .iter()
            .map(|n| n.replacen('_', "=", 1))
            .collect();
        assert_eq!(names, theirs, "{key}");
        for table in ["train", "new"] {
            let parts: Vec<Matrix<f64>> = encoders
                .iter()
                .zip(COLUMNS)
                .map(|(e, c)| e.transform(&categories(&r[table], c)).unwrap())
                .collect();
            assert_eq!(
                side_by_side(&parts),
                matrix(&want[table]).into_vec(),
                "{key} {table}"
            );
        }
    }
}

#[test]
fn ordinal_matches_sklearn() {
    let r = reference("encoding");
    for key in ["sorted", "size_order"] {
        let want = &r["ordinal"][key];
        for (i, column) in COLUMNS.iter().enumerate() {
            let mut params = OrdinalEncoder::params();
            if key == "size_order" {
                params = params.order(strings(&want["categories"][i]));
            }
            let encoder = params
                .fit(column, &categories(&r["train"], column))
                .unwrap();
            assert_eq!(
                encoder.categories(),
                strings(&want["categories"][i]),
                "{key}"
            );
            for table in ["train", "new"] {
                let codes = encoder.transform(&categories(&r[table], column)).unwrap();
                let theirs: Vec<f64> = matrix(&want[table]).iter_rows().map(|r| r[i]).collect();
                assert_eq!(codes, theirs, "{key} {column} {table}");
            }
        }
    }
}

#[test]
fn preprocessor_matches_sklearn_column_transformer() {
    let r = reference("encoding");
    let weight = |c: &str| r["weights"][c].as_f64().unwrap();
    let pre = Preprocessor::params([
        ColumnSpec::numeric(
            "revenue",
            NumericParams::default()
                .transform(NumericTransform::Log1p)
                .scaling(Scaling::ZScore),
        )
        .weight(weight("revenue")),
        ColumnSpec::one_hot(
            "sector",
            OneHotEncoder::params().handle_unknown(HandleUnknown::Ignore),
        )
        .weight(weight("sector")),
        ColumnSpec::ordinal(
            "size",
            OrdinalEncoder::params().order(strings(&r["size_order"])),
        )
        .weight(weight("size")),
    ])
    .fit(&frame(&r["train"]))
    .unwrap();
    for table in ["train", "new"] {
        let ours = pre.transform(&frame(&r[table])).unwrap();
        let diff = max_abs_diff(ours.as_slice(), matrix(&r["pipeline"][table]).as_slice());
        println!("{table}: max |diff| {diff:.3e}");
        assert!(diff <= TOLERANCE, "{table}: {diff:e}");
    }
}
