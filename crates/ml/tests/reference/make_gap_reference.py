#!/usr/bin/env python3
"""Reference gap statistics (Tibshirani, Walther & Hastie 2001) for cible-ml's tests.

Reads ../shared/data/{iris,wine}.csv (features unscaled, as make_reference.py) and writes
crates/ml/tests/reference/gap.json with, for each data set and each way of drawing the
reference data ("box": uniform over the columns' ranges; "pca": uniform over the box of the
principal components, mapped back), for k = 2..8:

- `log_w`: log of the inertia of KMeans(k, n_init=10, random_state=0) on the data;
- `log_reference`: the mean over B = 100 reference sets (as many rows as the data, numpy
  default_rng(seed 0)) of the log of KMeans(k, n_init=10, random_state=0)'s inertia on them;
- `sd`: their standard deviation (dividing by B), `gap` and `s_k = sd * sqrt(1 + 1/B)`;
- `k`: the smallest k with gap(k) >= gap(k+1) - s(k+1), or null.

The reference draws are numpy's, not cible's, so the Rust test compares the Monte Carlo
estimates within their standard errors, not digit for digit.

Run from the repository root:
    python3 -m venv .venv-ref && .venv-ref/bin/pip install numpy scikit-learn
    .venv-ref/bin/python crates/ml/tests/reference/make_gap_reference.py

The stored file was made with numpy 2.4.6 and scikit-learn 1.9.1.
"""

import json
import os

import numpy as np
import sklearn
from sklearn.cluster import KMeans

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data"))
KS = range(2, 9)
B = 100


def load(name):
    path = os.path.join(DATA, name + ".csv")
    with open(path) as f:
        assert f.readline().strip().split(",")[-1] == "target"
    return np.loadtxt(path, delimiter=",", skiprows=1)[:, :-1]


def log_inertia(x, k):
    return float(np.log(KMeans(n_clusters=k, n_init=10, random_state=0).fit(x).inertia_))


def references(x, how, rng):
    if how == "box":
        lo, hi = x.min(axis=0), x.max(axis=0)
        return [rng.uniform(lo, hi, size=x.shape) for _ in range(B)]
    mean = x.mean(axis=0)
    _, _, vt = np.linalg.svd(x - mean, full_matrices=False)
    scores = (x - mean) @ vt.T
    lo, hi = scores.min(axis=0), scores.max(axis=0)
    return [rng.uniform(lo, hi, size=scores.shape) @ vt + mean for _ in range(B)]


def gap_case(x, how):
    refs = references(x, how, np.random.default_rng(0))
    rows = []
    for k in KS:
        ref = np.array([log_inertia(r, k) for r in refs])
        log_w = log_inertia(x, k)
        sd = float(ref.std())
        rows.append(
            {
                "k": k,
                "log_w": log_w,
                "log_reference": float(ref.mean()),
                "sd": sd,
                "gap": float(ref.mean()) - log_w,
                "s": sd * np.sqrt(1 + 1 / B),
            }
        )
    chosen = next(
        (a["k"] for a, b in zip(rows, rows[1:]) if a["gap"] >= b["gap"] - b["s"]),
        None,
    )
    return {"references": B, "scores": rows, "k": chosen}


def main():
    out = {"sklearn_version": sklearn.__version__, "numpy_version": np.__version__}
    for name in ("iris", "wine"):
        x = load(name)
        out[name] = {how: gap_case(x, how) for how in ("box", "pca")}
        for how in ("box", "pca"):
            print(name, how, "k =", out[name][how]["k"])
    with open(os.path.join(HERE, "gap.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
