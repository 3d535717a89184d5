//! Scaling equal to scikit-learn's StandardScaler, MinMaxScaler and RobustScaler on iris and
//! wine (values from `reference/make_reference.py`).

use crate::common::*;
use cible_ml::{Scaler, Scaling};

#[test]
fn scalers_match_sklearn() {
    for name in DATASETS {
        let (x, _) = load_dataset(name);
        let r = reference(name);
        for method in [Scaling::ZScore, Scaling::MinMax, Scaling::Robust] {
            let want = &r["scaling"][method.to_string().as_str()];
            let (scaler, scaled) = Scaler::fit_transform(&x, method).unwrap();
            let center = max_abs_diff(scaler.center(), &f64s(&want["center"]));
            let scale = max_abs_diff(scaler.scale(), &f64s(&want["scale"]));
            let rows = matrix(&want["first_rows"]);
            let values = max_abs_diff(&scaled.as_slice()[..rows.as_slice().len()], rows.as_slice());
            println!("{name} {method}: center {center:.3e} scale {scale:.3e} values {values:.3e}");
            assert!(
                center <= TOLERANCE && scale <= TOLERANCE && values <= TOLERANCE,
                "{name} {method}"
            );
        }
    }
}
