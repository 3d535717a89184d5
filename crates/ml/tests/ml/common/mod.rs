//! Loading the reference data sets and scikit-learn's values for them.

use std::path::PathBuf;

use cible_ml::Matrix;
use serde_json::Value;

/// `../shared/data` beside the repository root.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// Features (every column but the last, `target`) and classes of `../shared/data/<name>.csv`.
/// Panics with a clear message when the file is missing: these tests must not pass silently.
pub fn load_dataset(name: &str) -> (Matrix<f64>, Vec<usize>) {
    let path = data_dir().join(format!("{name}.csv"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read reference data set {}: {e}; the tests need the shared data \
             sets in ../shared/data beside the repository",
            path.display()
        )
    });
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("empty CSV").split(',').collect();
    assert_eq!(
        header.last(),
        Some(&"target"),
        "{}: last column must be `target`",
        path.display()
    );
    let cols = header.len() - 1;
    let (mut data, mut target) = (Vec::new(), Vec::new());
    for (i, line) in lines.filter(|l| !l.trim().is_empty()).enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(
            fields.len(),
            cols + 1,
            "{}: line {} has {} fields",
            path.display(),
            i + 2,
            fields.len()
        );
        for f in &fields[..cols] {
            data.push(f.trim().parse::<f64>().expect("a number"));
        }
        target.push(fields[cols].trim().parse::<f64>().expect("a class") as usize);
    }
    let rows = target.len();
    (Matrix::new(data, rows, cols).expect("finite data"), target)
}

/// scikit-learn's values for a data set, written by `tests/reference/make_reference.py`.
pub fn reference(name: &str) -> Value {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/reference/{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("valid reference JSON")
}

pub fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

pub fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_u64().expect("an integer") as usize)
        .collect()
}

pub fn matrix(v: &Value) -> Matrix<f64> {
    let rows: Vec<Vec<f64>> = v
        .as_array()
        .expect("an array of rows")
        .iter()
        .map(f64s)
        .collect();
    Matrix::from_rows(&rows).expect("a matrix")
}

/// Largest absolute difference between two equal-length slices.
pub fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

pub const DATASETS: [&str; 2] = ["iris", "wine"];
pub const TOLERANCE: f64 = 1e-9;

/// Runs `run` in a pool of one thread, then of two, for tests that results do not depend on
/// the thread count.
pub fn one_and_two_threads<T: Send>(run: impl Fn() -> T + Send + Sync) -> (T, T) {
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .expect("a thread pool")
    };
    (pool(1).install(&run), pool(2).install(&run))
}
