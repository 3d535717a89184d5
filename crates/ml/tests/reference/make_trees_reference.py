#!/usr/bin/env python3
"""Reference values from scikit-learn for cible-ml's tree models (tests/reference_trees.rs).

Reads ../shared/data/{iris,wine}.csv (features unscaled) and turns them into binary targets:
`wine0` (class 0 against the rest), `wine1` (class 1 against the rest) and `iris1` (class 1,
versicolor, against the rest). Writes crates/ml/tests/reference/trees.json with, per target:

- `tree`: DecisionTreeClassifier(criterion, max_depth, random_state=0) for gini and entropy,
  max_depth 2, 3 and None: the training-set probabilities of the positive class and
  `feature_importances_`, with `proba_tie_free` and `importances_tie_free`: whether
  random_state 1..29 give the same probabilities (importances) as random_state 0. When they do
  not, two splits of some node tie and the random feature order picks one; cible then may pick
  another, so only tie-free values are compared value for value. (Two features can also split
  a node into the same two groups: the probabilities are then tie-free and the importances
  not.)
- `hgb`: HistGradientBoostingClassifier(max_iter=50, early_stopping=False, random_state=0)
  training-set probabilities.
- `forest`: RandomForestClassifier(n_estimators=100, random_state=0) fitted on the rows whose
  index is not a multiple of 3 and its ROC AUC on the others (random draws differ from
  cible's, so the test compares quality, not values).

Run from the repository root:
    python3 -m venv .venv-ref && .venv-ref/bin/pip install numpy scikit-learn
    .venv-ref/bin/python crates/ml/tests/reference/make_trees_reference.py

The stored file was made with numpy 2.4.6 and scikit-learn 1.9.1.
"""

import json
import os

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.tree import DecisionTreeClassifier

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data"))
TARGETS = {"wine0": ("wine", 0), "wine1": ("wine", 1), "iris1": ("iris", 1)}


def load(name):
    path = os.path.join(DATA, name + ".csv")
    with open(path) as f:
        assert f.readline().strip().split(",")[-1] == "target"
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return data[:, :-1], data[:, -1].astype(int)


def tree_case(x, y, criterion, depth):
    def fit(seed):
        m = DecisionTreeClassifier(criterion=criterion, max_depth=depth, random_state=seed)
        m.fit(x, y)
        return m.predict_proba(x)[:, 1], m.feature_importances_

    proba, importances = fit(0)
    others = [fit(s) for s in range(1, 30)]
    return {
        "criterion": criterion,
        "max_depth": depth,
        "proba": proba.tolist(),
        "importances": importances.tolist(),
        "proba_tie_free": all(np.array_equal(p, proba) for p, _ in others),
        "importances_tie_free": all(np.array_equal(i, importances) for _, i in others),
    }


def main():
    out = {"sklearn": sklearn.__version__}
    for key, (name, cls) in TARGETS.items():
        x, labels = load(name)
        y = (labels == cls).astype(int)
        trees = [tree_case(x, y, c, d) for c in ("gini", "entropy") for d in (2, 3, None)]
        hgb = HistGradientBoostingClassifier(max_iter=50, early_stopping=False, random_state=0)
        hgb.fit(x, y)
        test = np.arange(len(y)) % 3 == 0
        rf = RandomForestClassifier(n_estimators=100, random_state=0).fit(x[~test], y[~test])
        out[key] = {
            "tree": trees,
            "hgb": {"proba": hgb.predict_proba(x)[:, 1].tolist(), "n_iter": hgb.n_iter_},
            "forest": {"test_auc": roc_auc_score(y[test], rf.predict_proba(x[test])[:, 1])},
        }
        print(key, [(t["criterion"], t["max_depth"], t["proba_tie_free"],
                     t["importances_tie_free"]) for t in trees],
              "forest AUC", round(out[key]["forest"]["test_auc"], 4))
    with open(os.path.join(HERE, "trees.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
