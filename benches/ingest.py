#!/usr/bin/env python3
"""Ingestion throughput: `cible ingest` against pandas and pyarrow, same files, same run.

Run through `benches/ingest.sh`, which builds cible in release mode and prepares a virtual
environment with pandas and pyarrow. Writes a 1M-row orders CSV (UTF-8, `,`, ISO dates) and
its Parquet equivalent, then times, each the best of N runs:

- cible ingest FILE --kind orders --out DIR: read, map, coerce and validate every value,
  send bad rows to rejects, write the canonical Parquet table (what cible always does);
- pandas.read_csv with the same types (dates parsed), then the same read + to_parquet;
- pyarrow.csv.read_csv, then read + pyarrow.parquet.write_table;
- for the Parquet input: pandas.read_parquet and pyarrow.parquet.read_table (+ write).

Peak memory is the maximum resident set size of the cible process (getrusage of children).
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq


def make_orders(path_csv: Path, path_parquet: Path, rows: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 3 * 365, rows)
    dates = (np.datetime64("2023-11-01") + days.astype("timedelta64[D]")).astype(str)
    products = np.array([f"P{i:03d}" for i in range(40)])
    categories = np.array(["software", "hardware", "services", "consumables", "training"])
    channels = np.array(["direct", "web", "partner"])
    df = pd.DataFrame(
        {
            "order_id": [f"O{i:08d}" for i in range(rows)],
            "account_id": [f"A{i:06d}" for i in rng.integers(0, 100_000, rows)],
            "ordered_at": dates,
            "amount": np.round(rng.lognormal(7, 1.2, rows), 2),
            "currency": "EUR",
            "product": products[rng.integers(0, len(products), rows)],
            "category": categories[rng.integers(0, len(categories), rows)],
            "quantity": rng.integers(1, 50, rows),
            "channel": channels[rng.integers(0, len(channels), rows)],
        }
    )
    df.to_csv(path_csv, index=False)
    table = pa.Table.from_pandas(df, preserve_index=False)
    table = table.set_column(2, "ordered_at", pa.array(pd.to_datetime(df["ordered_at"]).dt.date))
    pq.write_table(table, path_parquet)


def best_of(repeat: int, fn):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run_cible(cible: str, src: Path, out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run(
        [cible, "ingest", str(src), "--kind", "orders", "--out", str(out), "--quiet"],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cible", required=True, help="path to the release cible binary")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", default="bench-data/ingest")
    args = parser.parse_args()

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    csv_path = work / f"orders_{args.rows}.csv"
    parquet_path = work / f"orders_{args.rows}.parquet"
    if not csv_path.exists() or not parquet_path.exists():
        make_orders(csv_path, parquet_path, args.rows, seed=42)
    sizes = {"csv": csv_path.stat().st_size, "parquet": parquet_path.stat().st_size}
    out = work / "out"
    dtypes = {"order_id": str, "account_id": str, "currency": str, "product": str, "category": str, "channel": str}

    results = []

    def record(name, fmt, seconds):
        results.append(
            {
                "tool": name,
                "input": fmt,
                "seconds": round(seconds, 3),
                "rows_per_s": round(args.rows / seconds),
                "mb_per_s": round(sizes[fmt] / 1e6 / seconds, 1),
            }
        )

    for fmt, src in (("csv", csv_path), ("parquet", parquet_path)):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        record("cible ingest (read, validate, write Parquet)", fmt, best_of(args.repeat, lambda: run_cible(args.cible, src, out)))
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        results[-1]["cible_peak_rss_mb"] = round(max(peak, before) / 1024)
        rows_out = pq.ParquetFile(out / "orders.parquet").metadata.num_rows
        assert rows_out == args.rows, f"cible loaded {rows_out} rows, expected {args.rows}"

    def pandas_csv():
        return pd.read_csv(csv_path, dtype=dtypes, parse_dates=["ordered_at"])

    def pyarrow_csv():
        return pacsv.read_csv(csv_path)

    record("pandas read_csv", "csv", best_of(args.repeat, pandas_csv))
    record("pandas read_csv + to_parquet", "csv", best_of(args.repeat, lambda: pandas_csv().to_parquet(work / "pd.parquet")))
    record("pyarrow csv.read_csv", "csv", best_of(args.repeat, pyarrow_csv))
    record("pyarrow read_csv + write_table", "csv", best_of(args.repeat, lambda: pq.write_table(pyarrow_csv(), work / "pa.parquet")))
    record("pandas read_parquet", "parquet", best_of(args.repeat, lambda: pd.read_parquet(parquet_path)))
    record("pyarrow read_table", "parquet", best_of(args.repeat, lambda: pq.read_table(parquet_path)))
    record(
        "pyarrow read_table + write_table",
        "parquet",
        best_of(args.repeat, lambda: pq.write_table(pq.read_table(parquet_path), work / "pa2.parquet")),
    )

    print(json.dumps({"rows": args.rows, "bytes": sizes, "cores": os.cpu_count(), "results": results}, indent=2))
    print()
    print(f"| tool | input | seconds | rows/s | MB/s |")
    print("|---|---|---:|---:|---:|")
    for r in results:
        print(f"| {r['tool']} | {r['input']} | {r['seconds']} | {r['rows_per_s']:,} | {r['mb_per_s']} |")


if __name__ == "__main__":
    sys.exit(main())
