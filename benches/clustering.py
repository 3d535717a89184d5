#!/usr/bin/env python3
"""Clustering: cible-ml against scikit-learn (and fast_hdbscan), same files, same run.

Run through `benches/clustering.sh`, which builds `crates/ml/examples/bench.rs` in release
mode and prepares a virtual environment with numpy, scikit-learn and fast_hdbscan.

1. Measures this machine's memory bandwidth with numpy (one thread): the sum of a 1 GiB array
   (read) and its copy (read + write), best of 5.
2. Writes seeded Gaussian blobs (sklearn.datasets.make_blobs) as raw little-endian files with
   a JSON header, which `bench` reads.
3. For each workload, times cible's `bench` binary (best of N inside the process, data
   loading excluded) and scikit-learn on the same data (best of N, in this process; both
   limited to the same number of threads with threadpoolctl and RAYON_NUM_THREADS), then
   compares the results: inertia, adjusted Rand index (ARI) between the two labelings.
   Peak memory (VmHWM, data included) is read by each process itself: cible's `bench`, and
   scikit-learn's DBSCAN run in a child Python process.

k-prototypes has no scikit-learn counterpart: it is compared with the Python `kmodes` package
(installed by clustering.sh when it can be) on a subsample.

Prints a Markdown table and writes every figure to bench-data/clustering/results.json.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from sklearn.cluster import DBSCAN, HDBSCAN, AgglomerativeClustering, KMeans, MiniBatchKMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)
from threadpoolctl import threadpool_info, threadpool_limits

SEED = 42


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def best_of(repeat, fn):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def bandwidth(threads):
    """GB/s (1e9 bytes) of numpy's sum (read) and copy (read + write) of 1 GiB, best of 5, on one
    thread, and the sum split over `threads` threads (numpy releases the GIL in reductions)."""
    a = np.ones(1 << 27)  # 128 Mi float64 = 1 GiB
    b = np.empty_like(a)
    np.copyto(b, a)
    t_sum, _ = best_of(5, lambda: a.sum())
    t_copy, _ = best_of(5, lambda: np.copyto(b, a))
    parts = np.array_split(a, threads)
    with ThreadPoolExecutor(threads) as pool:
        t_par, _ = best_of(5, lambda: list(pool.map(np.sum, parts)))
    return {
        "read_gbs": a.nbytes / t_sum / 1e9,
        "copy_gbs": 2 * a.nbytes / t_copy / 1e9,
        "read_gbs_all_threads": a.nbytes / t_par / 1e9,
    }


def save(path: Path, x: np.ndarray) -> Path:
    """Writes x as `path.bin` (raw little-endian, row-major) and `path.json`; returns the header."""
    x = np.ascontiguousarray(x)
    dtype = {np.dtype("float32"): "f32", np.dtype("float64"): "f64"}[x.dtype]
    x.astype(x.dtype.newbyteorder("<"), copy=False).tofile(path.with_suffix(".bin"))
    header = path.with_suffix(".json")
    header.write_text(
        json.dumps({"rows": x.shape[0], "cols": x.shape[1], "dtype": dtype, "file": path.name + ".bin"})
    )
    return header


def blobs(n, d, k, std, dtype, seed=SEED):
    x, y = make_blobs(n_samples=n, n_features=d, centers=k, cluster_std=std, random_state=seed)
    return x.astype(dtype), y


class Runner:
    def __init__(self, bench: str, out: Path, threads: int):
        self.bench, self.out, self.threads = bench, out, threads

    def cible(self, workload, header, repeat, labels_out=False, **opts):
        """Runs `bench`; returns its JSON line (plus `labels` and `max_rss_mb`)."""
        cmd = [self.bench, workload, "--data", str(header), "--repeat", str(repeat)]
        for key, value in opts.items():
            cmd += ["--" + key.replace("_", "-"), str(value)]
        labels_path = self.out / f"labels-{workload}.i64"
        if labels_out:
            cmd += ["--labels-out", str(labels_path)]
        env = dict(os.environ, RAYON_NUM_THREADS=str(self.threads))
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, env=env, text=True, check=True)
        result = json.loads(proc.stdout)
        result["max_rss_mb"] = result["peak_rss_mb"]
        result["command"] = " ".join(cmd[1:])
        if labels_out:
            result["labels"] = np.fromfile(labels_path, dtype="<i8")
        return result


def memory_mb(key="VmHWM:"):
    """This process's peak (VmHWM) or current (VmRSS) resident memory. Not ru_maxrss: for a
    process started by fork + exec, that also counts the parent's memory at the fork."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) / 1024
    return float("nan")


def sklearn_dbscan_child(args):
    """In a fresh process: fit scikit-learn's DBSCAN on a data file and print its time and labels."""
    meta = json.loads(Path(args.child_data).read_text())
    x = np.fromfile(Path(args.child_data).with_name(meta["file"]), dtype={"f32": "<f4", "f64": "<f8"}[meta["dtype"]])
    x = x.reshape(meta["rows"], meta["cols"])
    before = memory_mb("VmRSS:")
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM: the peak from here on
    with threadpool_limits(args.threads):
        start = time.perf_counter()
        m = DBSCAN(eps=args.eps, min_samples=args.min_samples, n_jobs=args.threads).fit(x)
        seconds = time.perf_counter() - start
    m.labels_.astype("<i8").tofile(args.child_labels)
    print(json.dumps({"seconds": seconds, "rss_before_fit_mb": before, "peak_rss_mb": memory_mb()}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", default="target/release/examples/bench")
    parser.add_argument("--out", default="bench-data/clustering")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--repeat", type=int, default=3, help="runs of the fast workloads (best kept)")
    parser.add_argument("--only", default="", help="comma-separated workloads to run (default all)")
    parser.add_argument("--child-data", help=argparse.SUPPRESS)
    parser.add_argument("--child-labels", help=argparse.SUPPRESS)
    parser.add_argument("--eps", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--min-samples", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_data:
        sklearn_dbscan_child(args)
        return

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    run = Runner(args.bench, out, args.threads)
    only = set(filter(None, args.only.split(",")))
    want = lambda name: not only or name in only  # noqa: E731
    rows, results = [], {}
    start_all = time.perf_counter()
    limits = threadpool_limits(args.threads)

    def add(workload, data, cible_s, sk_s, agreement, **extra):
        ratio = sk_s / cible_s if cible_s and sk_s else None
        rows.append((workload, data, cible_s, sk_s, ratio, agreement))
        results[workload] = dict(data=data, cible_s=cible_s, sklearn_s=sk_s, speedup=ratio, agreement=agreement, **extra)
        log(f"  {workload}: cible {cible_s:.4g} s, other {sk_s if sk_s is None else f'{sk_s:.4g}'} s; {agreement}")

    log("memory bandwidth (numpy) ...")
    bw = bandwidth(args.threads)
    bw_line = (
        f"Memory bandwidth (numpy, 1 GiB of float64, best of 5): read {bw['read_gbs']:.1f} GB/s and copy "
        f"{bw['copy_gbs']:.1f} GB/s (read + write) on one thread; read {bw['read_gbs_all_threads']:.1f} GB/s "
        f"on {args.threads} threads"
    )
    log("  " + bw_line)
    info = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "threads": args.threads,
        "cpu": platform.processor() or platform.machine(),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "threadpools": [(p["internal_api"], p["num_threads"]) for p in threadpool_info()],
        "bandwidth": bw,
    }

    # k-means, 1M x 16 float32, k = 8.
    if want("kmeans"):
        n, d, k = 1_000_000, 16, 8
        x, _ = blobs(n, d, k, 4.0, np.float32)
        h = save(out / "kmeans", x)
        # The bound: one read of the data per iteration at the best measured read bandwidth.
        bound_s = x.nbytes / (max(bw["read_gbs"], bw["read_gbs_all_threads"]) * 1e9)
        info["kmeans_pass_s"] = bound_s
        # Per iteration: iterations (tol 0) from the same initial centroids, 2 and 22 of them;
        # the difference divided by 20 is the cost of one iteration without the fixed costs of a
        # fit (validation, centring copy, final labelling). Each side's default algorithm
        # (cible: Lloyd's iterations with Hamerly's bounds; scikit-learn: Lloyd), then Lloyd
        # against Lloyd, then the two bound-based ones (Hamerly against scikit-learn's Elkan).
        init = x[np.random.default_rng(SEED).choice(n, k, replace=False)].astype(np.float64)
        hi = save(out / "kmeans-init", init)

        # Each fit of the per-iteration rows is the best of at least five runs, on both sides: the
        # figure is the difference of two short fits, which a pause of the shared machine during
        # either moves far more than it moves one long fit.
        iter_repeat = max(args.repeat, 5)

        def per_iteration(fit):
            """Seconds per iteration from fits of 2 and 22 iterations; the 22-iteration fit."""
            (s2, m2), (s22, m22) = (fit(2), fit(22))
            return (s22 - s2) / (m22["n_iter"] - m2["n_iter"]), s2, s22, m22

        def cible_fit(algorithm):
            def fit(it):
                c = run.cible("kmeans-iter", h, iter_repeat, labels_out=True, init=hi, k=k, max_iter=it, tol=0,
                              algorithm=algorithm)
                return c["seconds"], c
            return fit

        def sklearn_fit(algorithm):
            def fit(it):
                t, m = best_of(iter_repeat, lambda: KMeans(k, init=init, n_init=1, max_iter=it, tol=0,
                                                           algorithm=algorithm).fit(x))
                return t, {"n_iter": m.n_iter_, "inertia": m.inertia_, "labels": m.labels_}
            return fit

        cible_runs = {a: per_iteration(cible_fit(a)) for a in ("hamerly", "lloyd")}
        sklearn_runs = {a: per_iteration(sklearn_fit(a)) for a in ("lloyd", "elkan")}
        for (ca, sa, what) in [
            ("hamerly", "lloyd", "each side's default: Hamerly's bounds against Lloyd"),
            ("lloyd", "lloyd", "Lloyd against Lloyd"),
            ("hamerly", "elkan", "bounds against bounds: Hamerly against Elkan"),
        ]:
            ci, c2, c22, c = cible_runs[ca]
            si, s2, s22, m = sklearn_runs[sa]
            add(
                f"k-means, one iteration, {what} ((fit of 22 iterations − fit of 2) / 20, same initial centroids)",
                f"{n:,} × {d} f32, k = {k}",
                ci,
                si,
                f"iterations {c['n_iter']} / {m['n_iter']}; inertia rel. diff {c['inertia'] / m['inertia'] - 1:+.1e}; "
                f"ARI {adjusted_rand_score(m['labels'], c['labels']):.6f}; "
                f"bandwidth bound {1e3 * bound_s:.1f} ms: cible {ci / bound_s:.1f}×, scikit-learn {si / bound_s:.1f}×; "
                f"fixed cost of a fit (2-iteration fit − 2 iterations): cible {1e3 * (c2 - 2 * ci):.0f} ms, "
                f"scikit-learn {1e3 * (s2 - 2 * si):.0f} ms; whole 22-iteration fit: cible {1e3 * c22:.0f} ms, "
                f"scikit-learn {1e3 * s22:.0f} ms",
                cible_algorithm=ca,
                sklearn_algorithm=sa,
            )
        for n_init, rep in [(1, args.repeat), (10, 1)]:
            c = run.cible("kmeans", h, rep, labels_out=True, k=k, n_init=n_init, seed=SEED)
            t, m = best_of(rep, lambda: KMeans(k, n_init=n_init, random_state=SEED).fit(x))
            add(
                f"k-means whole fit, k-means++, n_init = {n_init}",
                f"{n:,} × {d} f32, k = {k}",
                c["seconds"],
                t,
                f"iterations {c['n_iter']} / {m.n_iter_}; inertia rel. diff {c['inertia'] / m.inertia_ - 1:+.1e}; "
                f"ARI {adjusted_rand_score(m.labels_, c['labels']):.4f}",
            )
        del x

    # Mini-batch k-means, 5M x 16 float32.
    if want("minibatch"):
        n, d, k = 5_000_000, 16, 8
        x, _ = blobs(n, d, k, 4.0, np.float32)
        h = save(out / "minibatch", x)
        c = run.cible("minibatch", h, 1, labels_out=True, k=k, batch_size=1024, n_init=3, seed=SEED)
        t, m = best_of(1, lambda: MiniBatchKMeans(k, batch_size=1024, n_init=3, random_state=SEED).fit(x))
        add(
            "mini-batch k-means (batch 1024, n_init 3, whole fit + labelling all rows)",
            f"{n:,} × {d} f32, k = {k}",
            c["seconds"],
            t,
            f"steps {c['n_steps']} / {m.n_steps_}; inertia rel. diff {c['inertia'] / m.inertia_ - 1:+.1e}; "
            f"ARI {adjusted_rand_score(m.labels_, c['labels']):.4f}",
        )
        del x

    # Exact silhouette, 50k x 16 float64 with the blobs' labels.
    if want("silhouette"):
        n, d, k = 50_000, 16, 8
        x, y = blobs(n, d, k, 4.0, np.float64)
        h = save(out / "silhouette", x)
        y.astype("<i8").tofile(out / "silhouette-labels.i64")
        c = run.cible("silhouette", h, args.repeat, labels=out / "silhouette-labels.i64")
        t, s = best_of(1, lambda: silhouette_score(x, y))
        add(
            "exact silhouette",
            f"{n:,} × {d} f64, 8 labels",
            c["seconds"],
            t,
            f"score {c['score']:.12f} / {s:.12f} (diff {abs(c['score'] - s):.1e}); cible peak RSS {c['max_rss_mb']:.0f} MB",
        )

    # Ward, 20k x 16 float64, cut at 8 clusters.
    if want("ward"):
        n, d, k = 20_000, 16, 8
        x, _ = blobs(n, d, k, 4.0, np.float64)
        h = save(out / "ward", x)
        c = run.cible("ward", h, 1, labels_out=True, k=k)
        t, m = best_of(1, lambda: AgglomerativeClustering(n_clusters=k, linkage="ward").fit(x))
        same = adjusted_rand_score(m.labels_, c["labels"])
        add(
            "Ward linkage, cut at k = 8",
            f"{n:,} × {d} f64",
            c["seconds"],
            t,
            f"ARI {same:.6f} ({'identical partitions' if same == 1.0 else 'partitions differ'}); "
            f"cible peak RSS {c['max_rss_mb']:.0f} MB",
        )

    # Ward, 100k x 16 float64: cible only (scikit-learn's distance matrix, n(n-1)/2 float64 values,
    # would take 40 GB). The point is memory: the nearest-neighbour chain keeps O(n d).
    if want("ward-100k"):
        n, d, k = 100_000, 16, 8
        x, truth = blobs(n, d, k, 4.0, np.float64)
        h = save(out / "ward-100k", x)
        c = run.cible("ward", h, 1, labels_out=True, k=k)
        add(
            "Ward linkage, cut at k = 8 (scikit-learn: not run, its distance matrix needs 40 GB)",
            f"{n:,} × {d} f64 ({x.nbytes / 1e6:.0f} MB)",
            c["seconds"],
            None,
            f"cible peak RSS {c['max_rss_mb']:.0f} MB (before the fit {c['rss_before_mb']:.0f} MB); "
            f"ARI to the blobs {adjusted_rand_score(truth, c['labels']):.4f}",
        )

    # DBSCAN, 100k x 10 float64: eps = 90th percentile of the 10th-neighbour distance of 2,000 rows.
    if want("dbscan"):
        n, d, k, ms = 100_000, 10, 8, 10
        x, _ = blobs(n, d, k, 1.0, np.float64)
        h = save(out / "dbscan", x)
        sample = x[np.random.default_rng(SEED).choice(n, 2000, replace=False)]
        d2 = (sample**2).sum(1)[:, None] - 2 * sample @ x.T + (x**2).sum(1)[None, :]
        eps = float(np.quantile(np.sqrt(np.maximum(np.partition(d2, ms - 1, axis=1)[:, ms - 1], 0)), 0.9))
        eps = round(eps, 3)
        del d2
        c = run.cible("dbscan", h, 1, labels_out=True, eps=eps, min_samples=ms)
        child_labels = out / "labels-dbscan-sklearn.i64"
        cmd = [sys.executable, __file__, "--child-data", str(h), "--child-labels", str(child_labels)]
        cmd += ["--eps", str(eps), "--min-samples", str(ms), "--threads", str(args.threads)]
        sk = json.loads(subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True).stdout)
        sk_labels = np.fromfile(child_labels, dtype="<i8")
        data_mb = x.nbytes / 2**20
        add(
            f"DBSCAN (eps {eps}, min_samples {ms})",
            f"{n:,} × {d} f64 ({data_mb:.0f} MB)",
            c["seconds"],
            sk["seconds"],
            f"labels {'identical' if np.array_equal(sk_labels, c['labels']) else 'differ'} "
            f"(ARI {adjusted_rand_score(sk_labels, c['labels']):.6f}, {c['n_clusters']} clusters, {c['n_noise']} noise); "
            f"peak RSS during the fit (before it): cible {c['max_rss_mb']:.0f} MB ({c['rss_before_mb']:.0f} MB), "
            f"scikit-learn {sk['peak_rss_mb']:.0f} MB ({sk['rss_before_fit_mb']:.0f} MB)",
        )

    # HDBSCAN, 100k x 10 (cible and fast_hdbscan) and a 20k subset (with scikit-learn).
    if want("hdbscan"):
        n, d, k, mcs = 100_000, 10, 8, 25
        x, _ = blobs(n, d, k, 1.0, np.float64)
        h = save(out / "hdbscan", x)
        c = run.cible("hdbscan", h, 1, labels_out=True, min_cluster_size=mcs)
        try:
            import fast_hdbscan

            fast_hdbscan.HDBSCAN(min_cluster_size=mcs).fit(x[:2000])  # numba compilation
            t, fl = best_of(1, lambda: fast_hdbscan.HDBSCAN(min_cluster_size=mcs).fit_predict(x))
            add(
                "HDBSCAN against fast_hdbscan (min_cluster_size 25)",
                f"{n:,} × {d} f64",
                c["seconds"],
                t,
                f"ARI {adjusted_rand_score(fl, c['labels']):.4f}; clusters {c['n_clusters']} / {fl.max() + 1}, "
                f"noise {c['n_noise']} / {(fl < 0).sum()}",
            )
        except ImportError:
            add("HDBSCAN against fast_hdbscan", f"{n:,} × {d} f64", c["seconds"], None, "fast_hdbscan not installed")
        ns = 20_000
        hs = save(out / "hdbscan-small", x[:ns])
        c = run.cible("hdbscan", hs, 1, labels_out=True, min_cluster_size=mcs)
        t, m = best_of(1, lambda: HDBSCAN(min_cluster_size=mcs).fit(x[:ns]))
        add(
            "HDBSCAN against scikit-learn (min_cluster_size 25; 20k rows: scikit-learn's is too slow for 100k here)",
            f"{ns:,} × {d} f64",
            c["seconds"],
            t,
            f"ARI {adjusted_rand_score(m.labels_, c['labels']):.4f}; clusters {c['n_clusters']} / {m.labels_.max() + 1}, "
            f"noise {c['n_noise']} / {(m.labels_ < 0).sum()}",
        )

    # HDBSCAN against scikit-learn on the whole 100k x 10 (the target): scikit-learn's
    # spanning tree is quadratic, so this takes minutes; a workload of its own.
    if want("hdbscan-sklearn-100k"):
        n, d, k, mcs = 100_000, 10, 8, 25
        x, _ = blobs(n, d, k, 1.0, np.float64)
        h = save(out / "hdbscan", x)
        c = run.cible("hdbscan", h, 1, labels_out=True, min_cluster_size=mcs)
        t, m = best_of(1, lambda: HDBSCAN(min_cluster_size=mcs).fit(x))
        add(
            "HDBSCAN against scikit-learn (min_cluster_size 25)",
            f"{n:,} × {d} f64",
            c["seconds"],
            t,
            f"ARI {adjusted_rand_score(m.labels_, c['labels']):.4f}; clusters {c['n_clusters']} / {m.labels_.max() + 1}, "
            f"noise {c['n_noise']} / {(m.labels_ < 0).sum()}",
        )

    # Choosing k over 2..15, 200k x 16 float32: k-means (n_init 1) and silhouette (sampled,
    # 5,000 rows), Calinski-Harabasz and Davies-Bouldin for every k.
    if want("select-k"):
        n, d, k = 200_000, 16, 6
        x, _ = blobs(n, d, k, 2.0, np.float32)
        h = save(out / "select-k", x)
        c = run.cible("select-k", h, 1, seed=SEED)

        def sweep():
            scores = []
            for kk in range(2, 16):
                m = KMeans(kk, n_init=1, random_state=SEED).fit(x)
                scores.append(
                    dict(
                        k=kk,
                        inertia=m.inertia_,
                        silhouette=silhouette_score(x, m.labels_, sample_size=5000, random_state=SEED),
                        ch=calinski_harabasz_score(x, m.labels_),
                        db=davies_bouldin_score(x, m.labels_),
                    )
                )
            return scores

        t, s = best_of(1, sweep)
        sk_best = max(s, key=lambda r: r["silhouette"])["k"]
        worst = max(abs(a["inertia"] / b["inertia"] - 1) for a, b in zip(c["scores"], s))
        add(
            "choosing k, 2..15, every metric for every k",
            f"{n:,} × {d} f32, {k} blobs",
            c["seconds"],
            t,
            f"best silhouette k {c['best_silhouette']} / {sk_best}; cible recommends {c['recommended']}; "
            f"largest inertia rel. diff over k {worst:.1e}",
        )

    # Stability: 100 k-means runs on 80 % subsamples (weights 0/1), 100k x 16 float32, k = 8.
    if want("stability"):
        n, d, k, runs = 100_000, 16, 8, 100
        x, _ = blobs(n, d, k, 4.0, np.float32)
        h = save(out / "stability", x)
        c = run.cible("stability", h, 1, k=k, runs=runs, seed=SEED)

        def stability():
            rng = np.random.default_rng(SEED)
            ref = KMeans(k, n_init=1, random_state=SEED).fit(x).labels_
            aris = []
            for r in range(runs):
                w = np.zeros(n)
                w[rng.choice(n, int(0.8 * n), replace=False)] = 1.0
                m = KMeans(k, n_init=1, random_state=SEED + r + 1).fit(x, sample_weight=w)
                aris.append(adjusted_rand_score(ref, m.labels_))
            return float(np.mean(aris))

        t, ari = best_of(1, stability)
        add(
            "stability, 100 subsamples of 80 % (k-means n_init 1 each, ARI to the reference)",
            f"{n:,} × {d} f32, k = {k}",
            c["seconds"],
            t,
            f"mean ARI {c['mean_ari']:.4f} / {ari:.4f} (scikit-learn: same loop in Python)",
        )

    # k-prototypes, 100k x (8 numeric + 4 categorical), k = 8: cible on all rows; the Python
    # kmodes package (KPrototypes, pure Python loops over rows) on a subsample, with cible on
    # the same subsample beside it.
    if want("kprototypes"):
        n, d, q, k, ns = 100_000, 8, 4, 8, 10_000
        x, y = blobs(n, d, k, 4.0, np.float64)
        rng = np.random.default_rng(SEED)
        # Each categorical column follows the blob (a code per blob, 6 codes) 70 % of the time.
        cat = np.stack(
            [np.where(rng.random(n) < 0.7, (y + j) % 6, rng.integers(0, 6, n)) for j in range(q)], axis=1
        ).astype(np.float64)
        h, hc = save(out / "kprototypes", x), save(out / "kprototypes-cat", cat)
        for n_init, rep in [(1, args.repeat), (10, 1)]:
            c = run.cible("kprototypes", h, rep, labels_out=True, categorical=hc, k=k, n_init=n_init, seed=SEED)
            add(
                f"k-prototypes, k-prototypes++, n_init = {n_init} (kmodes: not run on 100k rows)",
                f"{n:,} × ({d} f64 + {q} categorical), k = {k}",
                c["seconds"],
                None,
                f"{c['n_iter']} iterations, cost {c['cost']:.6g}, gamma {c['gamma']:.4f}; "
                f"ARI to the blobs {adjusted_rand_score(y, c['labels']):.4f}",
            )
        try:
            from kmodes.kprototypes import KPrototypes

            hs, hcs = save(out / "kprototypes-small", x[:ns]), save(out / "kprototypes-small-cat", cat[:ns])
            c = run.cible("kprototypes", hs, args.repeat, labels_out=True, categorical=hcs, k=k, n_init=1, seed=SEED)
            xs = np.hstack([x[:ns], cat[:ns]])
            t, m = best_of(
                1,
                lambda: KPrototypes(n_clusters=k, init="Cao", n_init=1, random_state=SEED, n_jobs=1).fit(
                    xs, categorical=list(range(d, d + q))
                ),
            )
            add(
                f"k-prototypes against kmodes' KPrototypes (Cao initialisation, n_init 1; {ns:,} rows: "
                "kmodes' pure-Python loops are too slow for 100k here)",
                f"{ns:,} × ({d} f64 + {q} categorical), k = {k}",
                c["seconds"],
                t,
                f"cost {c['cost']:.6g} / {m.cost_:.6g} (gamma {c['gamma']:.4f} / {m.gamma:.4f}); iterations "
                f"{c['n_iter']} / {m.n_iter_}; ARI between them {adjusted_rand_score(m.labels_, c['labels']):.4f}, "
                f"to the blobs {adjusted_rand_score(y[:ns], c['labels']):.4f} / {adjusted_rand_score(y[:ns], m.labels_):.4f}",
            )
        except ImportError:
            log("  kmodes is not installed; the comparison with kmodes is skipped")

    limits.restore_original_limits()
    info["total_s"] = time.perf_counter() - start_all
    print(f"\nDate: {info['date']}; {args.threads} threads on both sides; OPENBLAS_CORETYPE={info['OPENBLAS_CORETYPE']}")
    print(f"Threadpools (scikit-learn side): {info['threadpools']}")
    print(bw_line)
    print()
    print("| workload | data | cible | scikit-learn | speed-up | agreement (cible / scikit-learn) |")
    print("|---|---|---:|---:|---:|---|")
    fmt = lambda s: "–" if s is None else (f"{1e3 * s:.1f} ms" if s < 1 else f"{s:.2f} s")  # noqa: E731
    for workload, data, cs, ss, ratio, agreement in rows:
        print(f"| {workload} | {data} | {fmt(cs)} | {fmt(ss)} | {'–' if ratio is None else f'{ratio:.1f}×'} | {agreement} |")
    print(f"\nTotal {info['total_s']:.0f} s.")
    (out / "results.json").write_text(json.dumps({"info": info, "results": results}, indent=1, default=str))


if __name__ == "__main__":
    main()
