#!/usr/bin/env python3
"""Reference values from the Python `kmodes` package's KPrototypes for cible-ml's tests.

Writes crates/ml/tests/reference/kprototypes.json: a seeded table of 150 rows (three numeric
columns around three centres, two categorical columns that follow the groups with noise) and,
for a few cases (initial prototypes given as rows of the table; gamma from kmodes' default or
given):

- `gamma`: the gamma KPrototypes used (its default: 0.5 × mean standard deviation of the
  numeric columns);
- `init_labels`, `init_cost`: kmodes' `labels_cost` of the initial prototypes (each row's
  nearest prototype and the total cost);
- `labels`, `cost`, `numeric_prototypes`, `categorical_prototypes`, `n_iter`: the result of
  KPrototypes(init=[numeric, categorical], n_init=1).

kmodes iterates online (prototypes move after each row); cible-ml iterates in batch. From the
same prototypes on data with a clear structure both reach the same partition, which is what
the test checks. Categorical values are the codes 0, 1, 2, … of every category present, so
kmodes' own encoding (sorted unique values) leaves them unchanged; the script asserts it.

Run from the repository root:
    python3 -m venv .venv-ref && .venv-ref/bin/pip install numpy kmodes
    .venv-ref/bin/python crates/ml/tests/reference/make_kprototypes_reference.py

The stored file was made with numpy 2.4.6 and kmodes 0.12.2.
"""

import json
import os

import kmodes
import numpy as np
from kmodes.kprototypes import KPrototypes, labels_cost
from kmodes.util.dissim import euclidean_dissim, matching_dissim

HERE = os.path.dirname(os.path.abspath(__file__))


def table():
    rng = np.random.default_rng(2026)
    centres = np.array([[0.0, 0.0, 0.0], [6.0, 6.0, 0.0], [0.0, 6.0, 6.0]])
    group = np.repeat(np.arange(3), 50)
    numeric = centres[group] + rng.normal(size=(150, 3))
    # Column 0: the group's code 85 % of the time, otherwise any of 4 codes; column 1: one of
    # 3 codes with group-dependent odds.
    noise = rng.integers(0, 4, size=150)
    sector = np.where(rng.random(150) < 0.85, group, noise)
    odds = np.array([[0.7, 0.2, 0.1], [0.1, 0.7, 0.2], [0.2, 0.1, 0.7]])
    size = np.array([rng.choice(3, p=odds[g]) for g in group])
    categorical = np.stack([sector, size], axis=1)
    for j in range(categorical.shape[1]):
        assert sorted(set(categorical[:, j])) == list(range(categorical[:, j].max() + 1))
    return numeric, categorical, group


def case(numeric, categorical, init_rows, gamma):
    x = np.hstack([numeric, categorical.astype(float)])
    init = [numeric[init_rows].copy(), categorical[init_rows].copy()]
    model = KPrototypes(n_clusters=len(init_rows), init=[a.copy() for a in init], n_init=1, gamma=gamma)
    model.fit(x, categorical=[3, 4])
    # The categorical prototypes in kmodes' encoding, which equals the codes (asserted above).
    num_protos, cat_protos = model._enc_cluster_centroids
    init_labels, init_cost = labels_cost(
        numeric, categorical, init, euclidean_dissim, matching_dissim, model.gamma
    )
    return {
        "init_rows": list(init_rows),
        "gamma_given": gamma,
        "gamma": float(model.gamma),
        "init_labels": [int(v) for v in init_labels],
        "init_cost": float(init_cost),
        "labels": [int(v) for v in model.labels_],
        "cost": float(model.cost_),
        "n_iter": int(model.n_iter_),
        "numeric_prototypes": np.asarray(num_protos, dtype=float).tolist(),
        "categorical_prototypes": np.asarray(cat_protos, dtype=int).tolist(),
    }


def main():
    numeric, categorical, group = table()
    cases = [
        # One initial row in each group, kmodes' default gamma.
        case(numeric, categorical, [5, 60, 110], None),
        # The same rows, a large gamma: categories weigh more.
        case(numeric, categorical, [5, 60, 110], 4.0),
        # Two initial rows in the same group: iterations have to move a prototype across.
        case(numeric, categorical, [0, 1, 140], None),
    ]
    out = {
        "kmodes_version": kmodes.__version__,
        "numpy_version": np.__version__,
        "numeric": numeric.tolist(),
        "categorical": categorical.tolist(),
        "groups": group.tolist(),
        "cases": cases,
    }
    with open(os.path.join(HERE, "kprototypes.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
