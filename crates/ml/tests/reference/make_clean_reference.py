#!/usr/bin/env python3
"""Reference values of missing-value imputation and outlier fences for cible-ml's tests.

Reads ../shared/data/{iris,wine}.csv (features only), empties 10 % of the cells (numpy
default_rng(0), never a whole row) and writes crates/ml/tests/reference/clean.json with, per
data set:

- `missing`: the emptied cells as [row, column] pairs;
- `simple`: scikit-learn's SimpleImputer statistics_ for strategy mean, median and
  most_frequent;
- `knn`: KNNImputer(n_neighbors=5) (uniform weights, nan_euclidean) values of the emptied
  cells, in the order of `missing`;
- `fences`, on the complete data, per column: iqr [Q1 - 1.5 IQR, Q3 + 1.5 IQR] with numpy's
  percentile; zscore [mean - 3 sd, mean + 3 sd] checked against scipy.stats.zscore; mad
  [median - 3.5 s, median + 3.5 s] with s = scipy.stats.median_abs_deviation(scale="normal");
- `outliers`: per method, the number of values of each column outside its fences, counted
  with scipy's z-scores (|z| > 3) and modified z-scores (|x - median| / s > 3.5).

Run from the repository root:
    python3 -m venv .venv-ref && .venv-ref/bin/pip install numpy scipy scikit-learn
    .venv-ref/bin/python crates/ml/tests/reference/make_clean_reference.py
"""

import json
import os
from importlib.metadata import version

import numpy as np
from scipy import stats
from sklearn.impute import KNNImputer, SimpleImputer

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data"))


def load(name):
    path = os.path.join(DATA, name + ".csv")
    return np.loadtxt(path, delimiter=",", skiprows=1)[:, :-1]


def reference(x):
    rng = np.random.default_rng(0)
    mask = rng.random(x.shape) < 0.10
    mask[mask.all(axis=1), 0] = False
    holed = x.copy()
    holed[mask] = np.nan
    missing = [[int(r), int(c)] for r, c in zip(*np.nonzero(mask))]
    simple = {
        s: SimpleImputer(strategy=s).fit(holed).statistics_.tolist()
        for s in ["mean", "median", "most_frequent"]
    }
    filled = KNNImputer(n_neighbors=5).fit_transform(holed)
    knn = [float(filled[r, c]) for r, c in missing]
    q1, q3 = np.percentile(x, 25, axis=0), np.percentile(x, 75, axis=0)
    iqr = q3 - q1
    mean, sd = x.mean(axis=0), x.std(axis=0)
    median = np.median(x, axis=0)
    s = stats.median_abs_deviation(x, axis=0, scale="normal")
    fences = {
        "iqr": np.stack([q1 - 1.5 * iqr, q3 + 1.5 * iqr], axis=1).tolist(),
        "zscore": np.stack([mean - 3 * sd, mean + 3 * sd], axis=1).tolist(),
        "mad": np.stack([median - 3.5 * s, median + 3.5 * s], axis=1).tolist(),
    }
    outliers = {
        "iqr": ((x < q1 - 1.5 * iqr) | (x > q3 + 1.5 * iqr)).sum(axis=0).tolist(),
        "zscore": (np.abs(stats.zscore(x, axis=0)) > 3).sum(axis=0).tolist(),
        "mad": (np.abs(x - median) / s > 3.5).sum(axis=0).tolist(),
    }
    return {
        "missing": missing,
        "simple": simple,
        "knn": knn,
        "fences": fences,
        "outliers": outliers,
    }


def main():
    out = {
        "versions": {p: version(p) for p in ["numpy", "scipy", "scikit-learn"]},
        "datasets": {name: reference(load(name)) for name in ["iris", "wine"]},
    }
    with open(os.path.join(HERE, "clean.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
