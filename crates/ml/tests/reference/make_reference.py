#!/usr/bin/env python3
"""Reference values from scikit-learn for cible-ml's tests.

Reads ../shared/data/{iris,wine}.csv (relative to the repository root: the last CSV column,
`target`, is the class; the others are features, used unscaled) and writes
crates/ml/tests/reference/<name>.json with:

- `labelings`: the true classes and k-means labelings (KMeans(k, random_state=0, n_init=10));
- `internal`: silhouette (score and per sample), Calinski-Harabasz, Davies-Bouldin for each
  labeling, and the inertia of each labeling around its own cluster means;
- `external`: adjusted Rand index and normalized mutual information for every pair;
- `kmeans`: for k = 3 and 5, initial centroids from k-means++ (random_state=42) and the result
  of KMeans(init=those, n_init=1) with algorithm "lloyd" and "elkan", unweighted and with the
  stored integer sample weights;
- `scaling`: StandardScaler, MinMaxScaler and RobustScaler fitted on the features: the
  subtracted centre, the divisor, and the first five transformed rows;
- `hierarchical`: for each linkage, the sorted merge heights of AgglomerativeClustering's full
  tree, and its labels for k = 2..6, flagged when two merge heights tie at the cut (the
  partition then depends on the order of equal merges);
- `hdbscan`: for a few min_cluster_size values, HDBSCAN's labels (-1 for noise), and the labels
  and membership probabilities of scikit-learn's own steps with the spanning tree sorted
  stably (see `hdbscan_stable`);
- `dbscan`: DBSCAN(eps, min_samples) labels (-1 for noise), core rows and the silhouette of
  the labels for a few settings, with the smallest |distance - eps| over all pairs (0 means
  some pair lies exactly at eps);
- `pca`: PCA(svd_solver="full") of the raw features and of the StandardScaler-ed ones, with
  n_components None (all), 3, 0.85, and 3 with whiten=True: the number of components kept,
  mean, explained variances and their ratios, singular values, components and the first five
  transformed rows.

It also writes crates/ml/tests/reference/encoding.json: a small table of accounts (training
and new rows, with a category unseen in training), and scikit-learn's OneHotEncoder,
OrdinalEncoder and a ColumnTransformer (log1p then StandardScaler, one-hot and ordinal
encodings, with transformer weights) fitted on the training rows and applied to both.

Run from the repository root:
    python3 -m venv .venv-ref && .venv-ref/bin/pip install numpy scikit-learn
    .venv-ref/bin/python crates/ml/tests/reference/make_reference.py

The stored files were made with numpy 2.4.6 and scikit-learn 1.9.1. On another machine some
silhouette and k-means values come out different in the last bit (BLAS rounding): when adding
cases, keep the stored values of the existing keys and add only the new ones.
"""

import json
import os

import numpy as np
import sklearn
from sklearn.cluster import DBSCAN, HDBSCAN, AgglomerativeClustering, KMeans, kmeans_plusplus
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    RobustScaler,
    StandardScaler,
)
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    normalized_mutual_info_score,
    silhouette_samples,
    silhouette_score,
)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))


def load(name):
    path = os.path.join(DATA, name + ".csv")
    with open(path) as f:
        header = f.readline().strip().split(",")
    values = np.loadtxt(path, delimiter=",", skiprows=1)
    assert header[-1] == "target", header
    return values[:, :-1], values[:, -1].astype(int)


def labels_inertia(x, labels):
    total = 0.0
    for c in np.unique(labels):
        members = x[labels == c]
        total += ((members - members.mean(axis=0)) ** 2).sum()
    return total


def kmeans_case(x, k, weights):
    init, indices = kmeans_plusplus(x, n_clusters=k, random_state=42)
    case = {"k": k, "init": init.tolist(), "init_indices": indices.tolist()}
    for algorithm in ("lloyd", "elkan"):
        for weighted in (False, True):
            model = KMeans(n_clusters=k, init=init, n_init=1, algorithm=algorithm)
            model.fit(x, sample_weight=weights if weighted else None)
            key = algorithm + ("_weighted" if weighted else "")
            case[key] = {
                "centers": model.cluster_centers_.tolist(),
                "labels": model.labels_.tolist(),
                "inertia": float(model.inertia_),
                "n_iter": int(model.n_iter_),
            }
    return case


DBSCAN_CASES = {
    "iris": [(0.45, 5), (0.6, 4), (0.8, 10), (0.35, 3)],
    "wine": [(20.0, 4), (30.0, 5), (45.0, 6), (60.0, 3)],
}


def dbscan_cases(name, x):
    diffs = x[:, None, :] - x[None, :, :]
    distances = np.sqrt((diffs**2).sum(axis=2))
    cases = []
    for eps, min_samples in DBSCAN_CASES[name]:
        model = DBSCAN(eps=eps, min_samples=min_samples).fit(x)
        cases.append(
            {
                "eps": eps,
                "min_samples": min_samples,
                "labels": model.labels_.tolist(),
                "core_sample_indices": model.core_sample_indices_.tolist(),
                "closest_distance_to_eps": float(np.abs(distances - eps).min()),
                # Noise (-1) counts as one more cluster for scikit-learn's metrics.
                "silhouette": float(silhouette_score(x, model.labels_)),
            }
        )
    return cases


def scaling(x):
    standard = StandardScaler().fit(x)
    minmax = MinMaxScaler().fit(x)
    robust = RobustScaler().fit(x)
    # cible writes every scaling as (x - center) / scale.
    return {
        "zscore": {"center": standard.mean_, "scale": standard.scale_, "model": standard},
        "minmax": {"center": minmax.data_min_, "scale": 1.0 / minmax.scale_, "model": minmax},
        "robust": {"center": robust.center_, "scale": robust.scale_, "model": robust},
    }


def scaling_cases(x):
    return {
        method: {
            "center": case["center"].tolist(),
            "scale": case["scale"].tolist(),
            "first_rows": case["model"].transform(x[:5]).tolist(),
        }
        for method, case in scaling(x).items()
    }


def hierarchical_cases(x):
    n = x.shape[0]
    cases = {}
    for linkage in ("ward", "complete", "average", "single"):
        full = AgglomerativeClustering(
            n_clusters=None, distance_threshold=0.0, linkage=linkage, compute_full_tree=True
        ).fit(x)
        heights = np.sort(full.distances_)
        cuts = []
        for k in range(2, 7):
            model = AgglomerativeClustering(n_clusters=k, linkage=linkage).fit(x)
            cuts.append(
                {
                    "k": k,
                    "labels": model.labels_.tolist(),
                    "tie_at_cut": bool(abs(heights[n - k - 1] - heights[n - k]) <= 1e-12),
                }
            )
        cases[linkage] = {"heights": heights.tolist(), "cuts": cuts}
    return cases


def hdbscan_stable(x, min_cluster_size):
    """scikit-learn's own HDBSCAN steps, with the spanning tree's edges sorted stably.

    HDBSCAN.fit sorts the edges with numpy's default (unstable) sort, so edges of equal weight
    are merged in an order that no other implementation can reproduce; with a stable sort the
    result is defined by the data alone. These are private scikit-learn functions.
    """
    from sklearn.cluster._hdbscan._linkage import make_single_linkage, mst_from_data_matrix
    from sklearn.cluster._hdbscan._tree import tree_to_labels
    from sklearn.metrics import DistanceMetric
    from sklearn.neighbors import NearestNeighbors

    x = np.ascontiguousarray(x)
    core = NearestNeighbors(n_neighbors=min_cluster_size).fit(x).kneighbors(x, min_cluster_size)
    core = np.ascontiguousarray(core[0][:, -1])
    mst = mst_from_data_matrix(x, core, DistanceMetric.get_metric("euclidean"), 1.0)
    mst = mst[np.argsort(mst["distance"], kind="stable")]
    ties = int((np.diff(mst["distance"]) == 0).sum())
    labels, probabilities = tree_to_labels(
        make_single_linkage(mst), min_cluster_size, "eom", False, 0.0, None
    )
    return labels, probabilities, ties


def hdbscan_cases(x):
    cases = []
    for min_cluster_size in (5, 10, 20):
        model = HDBSCAN(min_cluster_size=min_cluster_size).fit(x)
        labels, probabilities, ties = hdbscan_stable(x, min_cluster_size)
        cases.append(
            {
                "min_cluster_size": min_cluster_size,
                "labels": model.labels_.tolist(),
                "stable_sort_labels": labels.tolist(),
                "stable_sort_probabilities": probabilities.tolist(),
                "equal_weight_edges": ties,
            }
        )
    return cases


def pca_case(x, n_components, whiten=False):
    model = PCA(n_components=n_components, svd_solver="full", whiten=whiten).fit(x)
    return {
        "n_components": int(model.n_components_),
        "whiten": whiten,
        "mean": model.mean_.tolist(),
        "explained_variance": model.explained_variance_.tolist(),
        "explained_variance_ratio": model.explained_variance_ratio_.tolist(),
        "singular_values": model.singular_values_.tolist(),
        "components": model.components_.tolist(),
        "first_rows": model.transform(x[:5]).tolist(),
    }


def pca_cases(x):
    cases = {}
    for key, data in (("raw", x), ("zscore", StandardScaler().fit_transform(x))):
        cases[key] = {
            "all": pca_case(data, None),
            "3": pca_case(data, 3),
            "0.85": pca_case(data, 0.85),
            "3_whiten": pca_case(data, 3, whiten=True),
        }
    return cases


# Accounts for the encoding reference: training rows, then new rows with an unseen sector
# ("Mining") and an unseen size ("huge").
ENCODING_TRAIN = {
    "revenue": [120.0, 0.0, 5400.0, 33.5, 870.0, 12.0, 45000.0, 260.0],
    "sector": [
        "Retail", "Manufacturing", "Services", "Retail",
        "Construction", "Services", "Manufacturing", "Retail",
    ],
    "size": ["small", "small", "large", "medium", "medium", "small", "large", "medium"],
}
ENCODING_NEW = {
    "revenue": [75.0, 15000.0, 3.0],
    "sector": ["Services", "Mining", "Construction"],
    "size": ["medium", "large", "huge"],
}
SIZE_ORDER = ["small", "medium", "large"]
ENCODING_WEIGHTS = {"revenue": 2.0, "sector": 0.5, "size": 1.5}


def encoding_reference():
    def table(columns, names):
        return np.array([columns[n] for n in names], dtype=object).T

    cat = ["sector", "size"]
    train, new = table(ENCODING_TRAIN, cat), table(ENCODING_NEW, cat)
    onehot = {}
    for key, drop in (("ignore", None), ("ignore_drop_first", "first")):
        encoder = OneHotEncoder(handle_unknown="ignore", drop=drop, sparse_output=False)
        encoder.fit(train)
        onehot[key] = {
            "categories": [c.tolist() for c in encoder.categories_],
            "feature_names": encoder.get_feature_names_out(cat).tolist(),
            "train": encoder.transform(train).tolist(),
            "new": encoder.transform(new).tolist(),
        }
    ordinal = {}
    given = [sorted(set(ENCODING_TRAIN["sector"])), SIZE_ORDER]
    for key, categories in (("sorted", "auto"), ("size_order", given)):
        encoder = OrdinalEncoder(
            categories=categories, handle_unknown="use_encoded_value", unknown_value=-1
        ).fit(train)
        ordinal[key] = {
            "categories": [c.tolist() for c in encoder.categories_],
            "train": encoder.transform(train).tolist(),
            "new": encoder.transform(new).tolist(),
        }
    names = ["revenue", "sector", "size"]
    log1p = FunctionTransformer(lambda a: np.log1p(a.astype(float)))
    pipeline = ColumnTransformer(
        [
            ("revenue", make_pipeline(log1p, StandardScaler()), [0]),
            ("sector", OneHotEncoder(handle_unknown="ignore", sparse_output=False), [1]),
            (
                "size",
                OrdinalEncoder(
                    categories=[SIZE_ORDER], handle_unknown="use_encoded_value", unknown_value=-1
                ),
                [2],
            ),
        ],
        transformer_weights=ENCODING_WEIGHTS,
    )
    pipeline.fit(table(ENCODING_TRAIN, names))
    return {
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "train": ENCODING_TRAIN,
        "new": ENCODING_NEW,
        "size_order": SIZE_ORDER,
        "weights": ENCODING_WEIGHTS,
        "onehot": onehot,
        "ordinal": ordinal,
        "pipeline": {
            "train": pipeline.transform(table(ENCODING_TRAIN, names)).tolist(),
            "new": pipeline.transform(table(ENCODING_NEW, names)).tolist(),
        },
    }


def reference(name):
    x, y = load(name)
    rng = np.random.RandomState(0)
    weights = rng.randint(1, 4, size=x.shape[0]).astype(float)
    labelings = {"true": y.tolist()}
    for k in (3, 5):
        model = KMeans(n_clusters=k, random_state=0, n_init=10).fit(x)
        labelings[f"kmeans{k}"] = model.labels_.tolist()
    internal = {}
    for key, labels in labelings.items():
        labels = np.asarray(labels)
        internal[key] = {
            "silhouette": float(silhouette_score(x, labels)),
            "silhouette_samples": silhouette_samples(x, labels).tolist(),
            "calinski_harabasz": float(calinski_harabasz_score(x, labels)),
            "davies_bouldin": float(davies_bouldin_score(x, labels)),
            "inertia": float(labels_inertia(x, labels)),
        }
    external = []
    keys = list(labelings)
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            external.append(
                {
                    "a": a,
                    "b": b,
                    "adjusted_rand": float(adjusted_rand_score(labelings[a], labelings[b])),
                    "nmi": float(normalized_mutual_info_score(labelings[a], labelings[b])),
                }
            )
    return {
        "dataset": name,
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "rows": int(x.shape[0]),
        "cols": int(x.shape[1]),
        "weights": weights.tolist(),
        "labelings": labelings,
        "internal": internal,
        "external": external,
        "kmeans": [kmeans_case(x, k, weights) for k in (3, 5)],
        "dbscan": dbscan_cases(name, x),
        "scaling": scaling_cases(x),
        "hierarchical": hierarchical_cases(x),
        "hdbscan": hdbscan_cases(x),
        "pca": pca_cases(x),
    }


def main():
    for name in ("iris", "wine"):
        out = os.path.join(HERE, name + ".json")
        with open(out, "w") as f:
            json.dump(reference(name), f, indent=1)
            f.write("\n")
        print("wrote", os.path.relpath(out, ROOT))
    out = os.path.join(HERE, "encoding.json")
    with open(out, "w") as f:
        json.dump(encoding_reference(), f, indent=1)
        f.write("\n")
    print("wrote", os.path.relpath(out, ROOT))


if __name__ == "__main__":
    main()
