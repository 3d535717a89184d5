#!/usr/bin/env python3
"""Reference values of the `hdbscan` package's approximate_predict for cible-ml's tests.

Writes crates/ml/tests/reference/hdbscan_predict.json: training rows (three Gaussian blobs of
100 rows and 30 uniform background rows, numpy default_rng(0)), new rows (wider blobs of 50
rows each and 100 uniform rows over a larger square), and for min_cluster_size 15:

- `train_labels`: the labels of hdbscan.HDBSCAN(min_cluster_size=15, min_samples=14), which
  counts min_samples without the row itself and so equals scikit-learn's HDBSCAN (and
  cible's) with min_samples=15; checked here against scikit-learn;
- `labels`, `probabilities`: hdbscan.approximate_predict on the new rows.

`hdbscan` differs from cible in two details of approximate_predict (see `Hdbscan::predict`):
its prediction data take the training rows' core distances one neighbour short of the ones
the clustering used, and it does not cap a new row's lambda at its neighbour's; the Rust test
therefore compares labels (allowing a few differences) and not probabilities.

Run from the repository root:
    python3 -m venv .venv-ref && .venv-ref/bin/pip install numpy scikit-learn hdbscan
    .venv-ref/bin/python crates/ml/tests/reference/make_hdbscan_predict_reference.py
"""

import json
import os
from importlib.metadata import version

import hdbscan
import numpy as np
from sklearn.cluster import HDBSCAN

HERE = os.path.dirname(os.path.abspath(__file__))
MIN_CLUSTER_SIZE = 15


def main():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0]])
    train = np.vstack(
        [c + rng.normal(size=(100, 2)) for c in centres] + [rng.uniform(-4, 10, size=(30, 2))]
    )
    new = np.vstack(
        [c + 1.5 * rng.normal(size=(50, 2)) for c in centres] + [rng.uniform(-8, 14, size=(100, 2))]
    )
    model = hdbscan.HDBSCAN(
        min_cluster_size=MIN_CLUSTER_SIZE, min_samples=MIN_CLUSTER_SIZE - 1, prediction_data=True
    ).fit(train)
    sk = HDBSCAN(min_cluster_size=MIN_CLUSTER_SIZE, min_samples=MIN_CLUSTER_SIZE, copy=True).fit(train)
    assert (model.labels_ == sk.labels_).all(), "hdbscan and scikit-learn disagree on the fit"
    labels, probabilities = hdbscan.approximate_predict(model, new)
    out = {
        "hdbscan_version": version("hdbscan"),
        "numpy_version": np.__version__,
        "min_cluster_size": MIN_CLUSTER_SIZE,
        "train": train.tolist(),
        "new": new.tolist(),
        "train_labels": model.labels_.tolist(),
        "labels": labels.tolist(),
        "probabilities": probabilities.tolist(),
    }
    with open(os.path.join(HERE, "hdbscan_predict.json"), "w") as f:
        json.dump(out, f)
        f.write("\n")
    print(f"{model.labels_.max() + 1} clusters; {(labels < 0).sum()} of {len(new)} new rows noise")


if __name__ == "__main__":
    main()
