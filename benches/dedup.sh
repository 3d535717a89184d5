#!/usr/bin/env bash
# Deduplication throughput: about 1M generated contact records, cible-dedup against splink
# (DuckDB) on the same prepared CSV, in the same run.
# Usage: benches/dedup.sh [--accounts N] [--skip-splink]
# The world (about 3 GB with its events) and results.json go to bench-data/dedup/.
set -euo pipefail
cd "$(dirname "$0")/.."
accounts=320000
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --accounts) accounts="$2"; shift 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done
cargo build --release -p cible-dedup --example dedup_bench
# Only the generator is needed from the cible binary: the dev build will do.
cargo build -p cible
world=bench-data/dedup/world
if [ ! -f "$world/truth/manifest.json" ] || [ "$(cat bench-data/dedup/accounts 2>/dev/null)" != "$accounts" ]; then
  target/debug/cible generate --accounts "$accounts" --out "$world" -q
  echo "$accounts" > bench-data/dedup/accounts
fi
if [ ! -x .venv-bench/bin/python ]; then
  python3 -m venv .venv-bench
fi
if ! .venv-bench/bin/python -c 'import pandas, splink' 2>/dev/null; then
  .venv-bench/bin/pip install --quiet pandas 'splink>=4.0,<4.1'
fi
.venv-bench/bin/python benches/dedup.py --bench-binary target/release/examples/dedup_bench \
  --world "$world" "${extra[@]+"${extra[@]}"}"
