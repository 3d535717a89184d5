#!/usr/bin/env python3
"""Feature computation benchmark: cible against pandas, same data, same run.

1. `cible demo --accounts 100000 --data-format parquet` generates and loads the demo world
   (once; kept in bench-data/features/demo).
2. The 2.5 M events of the run are replicated four times (each copy shifted 7 days earlier,
   with new ids) into events_10m.parquet: 10 M events over the same accounts and contacts.
3. `cible features` computes the whole catalogue (about 100 features) for the deduplicated
   accounts; pandas computes a core subset (recency, tenure, orders and spend over 3/12/36
   months, event counts by type over 30/90/365 days, e-mail rates) from the same files.

Wall time and peak memory (max RSS, from /usr/bin/time) of each process are recorded.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "bench-data", "features")
AS_OF = "2026-11-01"


def timed(cmd):
    """Runs cmd under /usr/bin/time -v; returns (seconds, peak MiB, stdout)."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return seconds, int(rss.group(1)) / 1024 if rss else float("nan"), proc.stdout


def prepare(cible):
    demo = os.path.join(OUT, "demo")
    if not os.path.isdir(os.path.join(demo, "workspace")):
        subprocess.run(
            [cible, "demo", "--accounts", "100000", "--data-format", "parquet", "--out", demo, "-q"],
            check=True,
        )
    latest = open(os.path.join(demo, "workspace", "LATEST")).read().strip()
    run = os.path.join(demo, "workspace", "runs", latest)
    events10 = os.path.join(OUT, "events_10m.parquet")
    if not os.path.exists(events10):
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        events = pq.read_table(os.path.join(run, "tables", "events.parquet"))
        parts = [events]
        for k in range(1, 4):
            shifted = events.set_column(
                events.schema.get_field_index("event_id"),
                events.schema.field("event_id"),
                pc.binary_join_element_wise(events["event_id"], pa.scalar(f"-{k}"), ""),
            )
            occurred = pc.subtract(shifted["occurred_at"], pa.scalar(k * 7 * 86400 * 10**6, pa.duration("us")))
            shifted = shifted.set_column(
                shifted.schema.get_field_index("occurred_at"), events.schema.field("occurred_at"), occurred
            )
            parts.append(shifted)
        pq.write_table(pa.concat_tables(parts), events10)
    return run, events10


PANDAS = r'''
import sys, pandas as pd, numpy as np
run, events_path, as_of = sys.argv[1], sys.argv[2], pd.Timestamp(sys.argv[3])
accounts = pd.read_csv(f"{run}/entities/accounts.csv", dtype=str)
amap = dict(zip(accounts["id"], accounts["entity_id"]))
orders = pd.read_parquet(f"{run}/tables/orders.parquet", columns=["account_id", "ordered_at", "amount"])
orders["account_id"] = orders["account_id"].map(amap)
orders = orders.dropna(subset=["account_id"])
orders["ordered_at"] = pd.to_datetime(orders["ordered_at"])
orders = orders[orders["ordered_at"] <= as_of]
orders["age"] = (as_of - orders["ordered_at"]).dt.days
g = orders.groupby("account_id")
feats = pd.DataFrame({"recency_days": g["age"].min(), "tenure_days": g["age"].max(),
                      "orders_total": g.size(), "monetary_total": g["amount"].sum()})
for months in (3, 12, 36):
    since = as_of - pd.DateOffset(months=months)
    w = orders[orders["ordered_at"] > since].groupby("account_id")
    feats[f"orders_{months}m"] = w.size()
    feats[f"monetary_{months}m"] = w["amount"].sum()
contacts = pd.read_parquet(f"{run}/tables/contacts.parquet", columns=["contact_id", "account_id"])
cmap = dict(zip(contacts["contact_id"], contacts["account_id"].map(amap)))
events = pd.read_parquet(events_path, columns=["account_id", "contact_id", "occurred_at", "type"])
events["account"] = events["account_id"].map(amap).fillna(events["contact_id"].map(cmap))
end = as_of + pd.Timedelta(days=1)
events = events[(events["occurred_at"] < end.tz_localize("UTC")) & events["account"].notna()]
events["age"] = (end.tz_localize("UTC") - events["occurred_at"]).dt.total_seconds() / 86400
for days in (30, 90, 365):
    w = events[events["age"] < days]
    counts = w.groupby(["account", "type"]).size().unstack(fill_value=0)
    counts.columns = [f"{c}_{days}d" for c in counts.columns]
    feats = feats.join(counts, how="outer")
    sent = counts.get(f"email_sent_{days}d")
    if sent is not None:
        for t in ("email_open", "email_click", "unsubscribe"):
            if f"{t}_{days}d" in counts:
                feats[f"{t}_rate_{days}d"] = counts[f"{t}_{days}d"] / sent.replace(0, np.nan)
golden = pd.read_csv(f"{run}/entities/accounts_golden.csv", usecols=["entity_id"], dtype=str)
feats = golden.set_index("entity_id").join(feats).fillna({c: 0 for c in feats.columns if not c.startswith(("recency", "tenure")) and "rate" not in c})
feats.to_parquet(sys.argv[4])
print(len(feats), len(feats.columns))
'''


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cible", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    run, events10 = prepare(args.cible)
    nevents = __import__("pyarrow.parquet", fromlist=["x"]).ParquetFile(events10).metadata.num_rows
    cmd = [
        args.cible, "features", "--format", "json",
        "--accounts", f"{run}/entities/accounts_golden.csv",
        "--account-entities", f"{run}/entities/accounts.csv",
        "--contacts", f"{run}/tables/contacts.parquet",
        "--contact-entities", f"{run}/entities/contacts.csv",
        "--orders", f"{run}/tables/orders.parquet",
        "--events", events10,
        "--as-of", AS_OF, "--out", os.path.join(OUT, "features.parquet"),
    ]
    script = os.path.join(OUT, "pandas_features.py")
    with open(script, "w") as f:
        f.write(PANDAS)
    pandas_cmd = [sys.executable, script, run, events10, AS_OF, os.path.join(OUT, "features_pandas.parquet")]
    results = {"events": nevents, "cible": [], "pandas": []}
    for _ in range(args.repeat):
        seconds, mib, stdout = timed(cmd)
        summary = json.loads(stdout)["summary"]
        results["cible"].append({"seconds": seconds, "peak_mib": mib})
        results["accounts"], results["cible_features"] = summary["accounts"], summary["features"]
        seconds, mib, stdout = timed(pandas_cmd)
        results["pandas"].append({"seconds": seconds, "peak_mib": mib})
        results["pandas_features"] = int(stdout.split()[1])
    best = {k: min(results[k], key=lambda r: r["seconds"]) for k in ("cible", "pandas")}
    print(f"{results['accounts']} accounts, {nevents} events, best of {args.repeat}:")
    print(f"  cible  {results['cible_features']:4d} features  {best['cible']['seconds']:7.2f} s  {best['cible']['peak_mib']:7.0f} MiB")
    print(f"  pandas {results['pandas_features']:4d} features  {best['pandas']['seconds']:7.2f} s  {best['pandas']['peak_mib']:7.0f} MiB")
    print(f"  ratio pandas/cible time: {best['pandas']['seconds'] / best['cible']['seconds']:.2f}")
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
