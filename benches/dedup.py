"""Deduplication of the generator's contacts: cible-dedup against splink (DuckDB), same data,
same fields, same run.

The contacts of `cible generate` (planted duplicates known) are prepared once into one CSV that
both tools read: full name as sorted folded words, e-mail lower-cased, phone as its last nine
digits, company id, job title. Each tool learns its model without labels and matches at 0.9;
the planted pairs only score the result. Peak memory is each process's own high-water mark.

Usage: python benches/dedup.py --bench-binary target/release/examples/dedup_bench \
           --world bench-data/dedup/world [--skip-splink]
"""

import argparse
import json
import re
import resource
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pandas as pd

FIELDS = "name:jaro_winkler,email:exact,phone:levenshtein,account:exact,job_title:jaro_winkler"


def fold(text):
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9@.]+", " ", text).strip()


def prepare(world, out):
    contacts = pd.read_csv(world / "data/crm_contacts.csv", dtype=str, keep_default_na=False)
    prepared = pd.DataFrame(
        {
            "unique_id": contacts["Contact ID"],
            "name": [
                " ".join(sorted(f"{fold(a)} {fold(b)}".split()))
                for a, b in zip(contacts["First Name"], contacts["Last Name"])
            ],
            "email": contacts["Email"].str.strip().str.lower(),
            "phone": [re.sub(r"\D", "", p)[-9:] for p in contacts["Phone"]],
            "account": contacts["Company ID"],
            "job_title": [fold(t) for t in contacts["Job Title"]],
        }
    )
    prepared = prepared.drop_duplicates("unique_id")
    prepared.to_csv(out, index=False)
    return len(prepared)


def scores(found, truth):
    key = lambda a, b: (a, b) if a < b else (b, a)
    found = {key(a, b) for a, b in found}
    truth = {key(a, b) for a, b in truth}
    tp = len(found & truth)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "found": len(found)}


def run_splink(path, truth):
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    df = pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)
    read_seconds = time.perf_counter() - started
    started = time.perf_counter()
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("name", [0.95, 0.88, 0.8]),
            cl.ExactMatch("email"),
            cl.LevenshteinAtThresholds("phone", [1, 2]),
            cl.ExactMatch("account"),
            cl.JaroWinklerAtThresholds("job_title", [0.95, 0.88, 0.8]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("email"),
            block_on("phone"),
            block_on("account"),
            block_on("name"),
        ],
    )
    linker = Linker(df, settings, db_api=DuckDBAPI())
    linker.training.estimate_probability_two_random_records_match(
        [block_on("email"), block_on("phone")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=42)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("account"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("email"))
    predictions = linker.inference.predict(threshold_match_probability=0.9)
    pairs = predictions.as_pandas_dataframe()[["unique_id_l", "unique_id_r"]]
    seconds = time.perf_counter() - started
    found = list(zip(pairs["unique_id_l"], pairs["unique_id_r"]))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "records": len(df),
        "read_seconds": read_seconds,
        "seconds": seconds,
        "records_per_second": len(df) / seconds,
        "peak_rss_mib": peak,
        "scores": scores(found, truth),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench-binary", required=True)
    parser.add_argument("--world", required=True, type=Path)
    parser.add_argument("--skip-splink", action="store_true")
    args = parser.parse_args()
    prepared = args.world.parent / "contacts_prepared.csv"
    records = prepare(args.world, prepared)
    truth_path = args.world / "truth/duplicate_contacts.csv"
    truth = list(pd.read_csv(truth_path, dtype=str).itertuples(index=False, name=None))
    print(f"{records:,} contact records, {len(truth):,} planted duplicate pairs", flush=True)

    output = subprocess.run(
        [args.bench_binary, str(prepared), "--id", "unique_id", "--fields", FIELDS,
         "--truth", str(truth_path)],
        check=True, capture_output=True, text=True,
    ).stdout
    cible = json.loads(output.strip().splitlines()[-1])
    results = {"records": records, "cible": cible}
    print(f"cible:  {json.dumps(cible)}", flush=True)
    if not args.skip_splink:
        # In a child process, so that its peak memory is its own.
        code = (
            "import json, sys; sys.path.insert(0, 'benches'); import dedup; "
            f"print(json.dumps(dedup.run_splink({str(prepared)!r}, "
            f"dedup.load_truth({str(truth_path)!r}))))"
        )
        output = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        ).stdout
        splink = json.loads(output.strip().splitlines()[-1])
        results["splink"] = splink
        print(f"splink: {json.dumps(splink)}", flush=True)
        results["speed_ratio"] = splink["seconds"] / cible["seconds"]
    out = args.world.parent / "results.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"wrote {out}")


def load_truth(path):
    return list(pd.read_csv(path, dtype=str).itertuples(index=False, name=None))


if __name__ == "__main__":
    main()
