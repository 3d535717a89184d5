#!/usr/bin/env python3
"""Reference values of logistic regression and classification metrics for cible-ml's tests.

Reads ../shared/data/wine.csv and turns it into a binary task: class 1 against the others
(71 of 178 rows positive). Writes crates/ml/tests/reference/scoring.json with:

- `logistic`: per case, scikit-learn's LogisticRegression coef_, intercept_ and
  predict_proba[:, 1] on the training rows. Cases on z-scored features (StandardScaler): L2
  with C = 1; L2 with C = 0.05 and class_weight="balanced"; L1 (l1_ratio=1) with C = 0.1;
  elastic net (l1_ratio=0.5) with C = 0.1; and L2 with C = 1 on the raw features. L2 cases
  use solver="newton-cholesky", L1 and elastic net solver="saga", all with tol=1e-12 and a
  high max_iter, so that scikit-learn's optimum is converged well beyond the test's 1e-4;
- `metrics`: on two score vectors (the probabilities of a weak L2 model on the first two
  z-scored columns only, and the same rounded to one decimal, full of ties), roc_auc_score, average_precision_score, log_loss,
  brier_score_loss, roc_curve(drop_intermediate=False) and calibration_curve with 5 and 10
  uniform bins.

Run from the repository root:
    python3 -m venv .venv-ref && .venv-ref/bin/pip install numpy scikit-learn
    .venv-ref/bin/python crates/ml/tests/reference/make_scoring_reference.py

The stored file was made with numpy 2.4.6 and scikit-learn 1.9.1.
"""

import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    log_loss,
    roc_auc_score,
    roc_curve,
)
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data"))

CASES = [
    ("l2_c1", True, dict(C=1.0, l1_ratio=0.0, solver="newton-cholesky")),
    ("l2_c005_balanced", True, dict(C=0.05, l1_ratio=0.0, solver="newton-cholesky",
                                    class_weight="balanced")),
    ("l1_c01", True, dict(C=0.1, l1_ratio=1.0, solver="saga")),
    ("elasticnet_c01", True, dict(C=0.1, l1_ratio=0.5, solver="saga")),
    ("l2_c1_raw", False, dict(C=1.0, l1_ratio=0.0, solver="newton-cholesky")),
]


def main():
    raw = np.loadtxt(os.path.join(DATA, "wine.csv"), delimiter=",", skiprows=1)
    x, y = raw[:, :-1], raw[:, -1] == 1
    z = StandardScaler().fit_transform(x)
    logistic = {}
    for name, scaled, params in CASES:
        data = z if scaled else x
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = LogisticRegression(tol=1e-12, max_iter=1_000_000, **params).fit(data, y)
        logistic[name] = {
            "scaled": scaled,
            "params": {k: v for k, v in params.items() if k != "solver"},
            "coef": model.coef_[0].tolist(),
            "intercept": float(model.intercept_[0]),
            "proba": model.predict_proba(data)[:, 1].tolist(),
            "n_iter": int(model.n_iter_[0]),
        }
    # A weak model, so that the curves have something to show: the first two columns only.
    weak = LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12).fit(z[:, :2], y)
    scores = weak.predict_proba(z[:, :2])[:, 1]
    metrics = {}
    for name, s in [("proba", scores), ("rounded", np.round(scores, 1))]:
        fpr, tpr, thresholds = roc_curve(y, s, drop_intermediate=False)
        entry = {
            "scores": s.tolist(),
            "roc_auc": roc_auc_score(y, s),
            "average_precision": average_precision_score(y, s),
            "log_loss": log_loss(y, s),
            "brier": brier_score_loss(y, s),
            "roc": {"fpr": fpr.tolist(), "tpr": tpr.tolist(), "thresholds": thresholds[1:].tolist()},
        }
        for bins in (5, 10):
            true, pred = calibration_curve(y, s, n_bins=bins, strategy="uniform")
            entry[f"calibration_{bins}"] = {"true": true.tolist(), "pred": pred.tolist()}
        metrics[name] = entry
    out = {
        "versions": {"numpy": np.__version__, "scikit-learn": sklearn.__version__},
        "target": [bool(t) for t in y],
        "logistic": logistic,
        "metrics": metrics,
    }
    with open(os.path.join(HERE, "scoring.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
