#!/usr/bin/env python3
"""Propensity models: cible's `bench gbm` against scikit-learn on the same synthetic data, in
the same run: gradient-boosted trees against HistGradientBoostingClassifier, L2 logistic
regression (C = 1) against LogisticRegression (lbfgs), and optionally random forests (100
trees) against RandomForestClassifier.

Writes a synthetic binary data set (numpy default_rng(0)): 40 standard normal features, the
first 8 informative through a nonlinear signal (products, a sine, thresholds), the rest noise,
about 10 % positives; 100 000 training rows in /tmp/gbm100k.csv and 25 000 held-out rows in
/tmp/gbm100k_test.csv. Then, for each of --models, times both fits (boosting: max_iter=100,
early_stopping=False), alternating one fit of each per round for --repeat rounds, and prints
their training times (best, and the median ratio per round) and held-out AUCs.

Run from the repository root, after building the example:
    cargo build --release -p cible-ml --example bench
    .venv-bench/bin/python benches/trees.py [--repeat 3] [--threads N] [--models gbm,logistic,forest] \
        [--bench target/release/examples/bench]
"""

import argparse
import json
import os
import subprocess
import time

import numpy as np
from threadpoolctl import threadpool_limits
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

TRAIN, TEST = "/tmp/gbm100k.csv", "/tmp/gbm100k_test.csv"


def make(n, d=40, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d))
    z = (
        1.5 * x[:, 0] * x[:, 1]
        + np.sin(2 * x[:, 2])
        + 1.2 * (x[:, 3] > 0.5) * x[:, 4]
        + 0.8 * np.abs(x[:, 5])
        - 0.6 * x[:, 6] ** 2
        + 0.5 * x[:, 7]
    )
    logit = 1.5 * z + rng.logistic(size=n)
    y = (logit > np.quantile(logit, 0.9)).astype(int)
    return x, y


def write(path, x, y):
    header = ",".join([f"f{j}" for j in range(x.shape[1])] + ["target"])
    np.savetxt(path, np.column_stack([x, y]), delimiter=",", header=header, comments="",
               fmt=["%.17g"] * x.shape[1] + ["%d"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--bench", default="target/release/examples/bench")
    ap.add_argument("--models", default="gbm,logistic",
                    help="comma-separated: gbm, logistic, forest")
    ap.add_argument("--threads", type=int, default=None,
                    help="threads for both (default: all cores)")
    a = ap.parse_args()
    x, y = make(125_000)
    if not (os.path.exists(TRAIN) and os.path.exists(TEST)):
        write(TRAIN, x[:100_000], y[:100_000])
        write(TEST, x[100_000:], y[100_000:])
    xtr, ytr, xte, yte = x[:100_000], y[:100_000], x[100_000:], y[100_000:]
    print(f"positives: {ytr.mean():.3f}")
    # Alternate cible and scikit-learn, one fit each per round: the shared machine's load
    # changes by the minute, so that each round compares them under the same conditions.
    env = dict(os.environ, **({"RAYON_NUM_THREADS": str(a.threads)} if a.threads else {}))
    peers = {
        "gbm": lambda: HistGradientBoostingClassifier(max_iter=100, early_stopping=False,
                                                      random_state=0),
        "logistic": lambda: LogisticRegression(C=1.0, max_iter=1000),
        "forest": lambda: RandomForestClassifier(n_estimators=100, n_jobs=a.threads or -1,
                                                 random_state=0),
    }
    for model in a.models.split(","):
        sk_times, cible_times = [], []
        for _ in range(a.repeat):
            m = peers[model]()
            with threadpool_limits(a.threads):
                t = time.perf_counter()
                m.fit(xtr, ytr)
                sk_times.append(time.perf_counter() - t)
            out = subprocess.run([a.bench, "gbm", "--model", model, "--data", TRAIN, "--test",
                                  TEST, "--max-iter", "100", "--repeat", "1"], check=True,
                                 capture_output=True, text=True, env=env)
            cible = json.loads(out.stdout)
            cible_times.append(cible["seconds"])
        sk_auc = roc_auc_score(yte, m.predict_proba(xte)[:, 1])
        print(json.dumps({"who": "scikit-learn", "model": model, "seconds": min(sk_times),
                          "all_seconds": sk_times, "test_auc": sk_auc,
                          "train_auc": roc_auc_score(ytr, m.predict_proba(xtr)[:, 1])}))
        cible.update(seconds=min(cible_times), all_seconds=cible_times)
        print(json.dumps({"who": "cible", **cible}))
        ratios = sorted(c / s for c, s in zip(cible_times, sk_times))
        print(f"{model}: AUC difference (cible - scikit-learn): {cible['test_auc'] - sk_auc:+.5f}; "
              f"time ratio cible/scikit-learn: best {min(cible_times) / min(sk_times):.2f}, "
              f"median per round {ratios[len(ratios) // 2]:.2f}", flush=True)

if __name__ == "__main__":
    main()
