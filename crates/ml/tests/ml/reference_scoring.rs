//! Logistic regression and classification metrics against scikit-learn on wine turned binary
//! (class 1 against the others); values from `tests/reference/make_scoring_reference.py`.

use crate::common::{f64s, load_dataset, max_abs_diff, reference};
use cible_ml::metrics::{
    Confusion, average_precision_score, brier_score, calibration_curve, log_loss, roc_auc_score,
    roc_curve,
};
use cible_ml::supervised::{ClassWeight, Classifier, LogisticRegression, Penalty};
use cible_ml::{Scaler, Scaling};
use serde_json::Value;

fn target(r: &Value) -> Vec<bool> {
    r["target"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v.as_bool().expect("a bool"))
        .collect()
}

#[test]
fn logistic_regression_equals_scikit_learn() {
    let r = reference("scoring");
    let (raw, classes) = load_dataset("wine");
    let y: Vec<bool> = classes.iter().map(|&c| c == 1).collect();
    assert_eq!(y, target(&r));
    let (_, scaled) = Scaler::fit_transform(&raw, Scaling::ZScore).unwrap();
    for (name, case) in r["logistic"].as_object().unwrap() {
        let p = &case["params"];
        let l1_ratio = p["l1_ratio"].as_f64().unwrap();
        let penalty = match l1_ratio {
            0.0 => Penalty::L2,
            1.0 => Penalty::L1,
            r => Penalty::ElasticNet { l1_ratio: r },
        };
        let class_weight = match p.get("class_weight").and_then(Value::as_str) {
            Some("balanced") => ClassWeight::Balanced,
            _ => ClassWeight::None,
        };
        let x = if case["scaled"].as_bool().unwrap() {
            &scaled
        } else {
            &raw
        };
        let model = LogisticRegression::params()
            .penalty(penalty)
            .c(p["C"].as_f64().unwrap())
            .class_weight(class_weight)
            .fit(x, &y)
            .unwrap();
        assert!(model.converged(), "{name}");
        let coef = f64s(&case["coef"]);
        let scale = coef.iter().fold(1.0_f64, |m, c| m.max(c.abs()));
        let coef_diff = max_abs_diff(model.coefficients(), &coef);
        let intercept_diff = (model.intercept() - case["intercept"].as_f64().unwrap()).abs();
        let proba_diff = max_abs_diff(&model.predict_proba(x).unwrap(), &f64s(&case["proba"]));
        println!(
            "{name}: {} Newton steps; coefficients {coef_diff:.1e}, intercept \
             {intercept_diff:.1e}, probabilities {proba_diff:.1e}",
            model.n_iter()
        );
        assert!(
            coef_diff <= 1e-4 * scale,
            "{name}: coefficients differ by {coef_diff}"
        );
        assert!(
            intercept_diff <= 1e-4 * scale,
            "{name}: intercept differs by {intercept_diff}"
        );
        assert!(
            proba_diff <= 1e-4,
            "{name}: probabilities differ by {proba_diff}"
        );
        // L1 sets the same coefficients to exactly zero.
        if l1_ratio > 0.0 {
            let zeros = |c: &[f64]| c.iter().map(|&v| v == 0.0).collect::<Vec<_>>();
            assert_eq!(zeros(model.coefficients()), zeros(&coef), "{name}");
        }
    }
}

#[test]
fn classification_metrics_equal_scikit_learn() {
    let r = reference("scoring");
    let y = target(&r);
    for (name, m) in r["metrics"].as_object().unwrap() {
        let s = f64s(&m["scores"]);
        let close = |ours: f64, key: &str| {
            let theirs = m[key].as_f64().unwrap();
            assert!(
                (ours - theirs).abs() <= 1e-12,
                "{name} {key}: {ours} against {theirs}"
            );
        };
        close(roc_auc_score(&y, &s).unwrap(), "roc_auc");
        close(
            average_precision_score(&y, &s).unwrap(),
            "average_precision",
        );
        close(log_loss(&y, &s).unwrap(), "log_loss");
        close(brier_score(&y, &s).unwrap(), "brier");
        let roc = roc_curve(&y, &s).unwrap();
        let fpr: Vec<f64> = roc.iter().map(|p| p.fpr).collect();
        let tpr: Vec<f64> = roc.iter().map(|p| p.tpr).collect();
        let thresholds: Vec<f64> = roc[1..].iter().map(|p| p.threshold).collect();
        assert_eq!(fpr, f64s(&m["roc"]["fpr"]), "{name}");
        assert_eq!(tpr, f64s(&m["roc"]["tpr"]), "{name}");
        assert_eq!(thresholds, f64s(&m["roc"]["thresholds"]), "{name}");
        for bins in [5, 10] {
            let curve = calibration_curve(&y, &s, bins).unwrap();
            let theirs = &m[format!("calibration_{bins}").as_str()];
            let true_: Vec<f64> = curve.iter().map(|b| b.fraction_positive).collect();
            let pred: Vec<f64> = curve.iter().map(|b| b.mean_predicted).collect();
            assert!(
                max_abs_diff(&true_, &f64s(&theirs["true"])) <= 1e-12,
                "{name} {bins}"
            );
            assert!(
                max_abs_diff(&pred, &f64s(&theirs["pred"])) <= 1e-12,
                "{name} {bins}"
            );
        }
        // Each ROC point is the confusion matrix at its threshold.
        let positives = y.iter().filter(|&&t| t).count() as f64;
        for p in &roc[1..] {
            let c = Confusion::at(&y, &s, p.threshold).unwrap();
            assert_eq!(c.recall(), p.tpr);
            assert_eq!(c.true_positives as f64, (p.tpr * positives).round());
        }
    }
}
