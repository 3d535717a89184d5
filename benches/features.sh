#!/usr/bin/env bash
# Feature computation: 100k accounts and 10M events, cible's whole catalogue against pandas
# computing a core subset on the same Parquet files, in the same run.
# Usage: benches/features.sh [--repeat N]
# Data (about 1 GB) and results.json go to bench-data/features/.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p cible
if [ ! -x .venv-bench/bin/python ]; then
  python3 -m venv .venv-bench
fi
if ! .venv-bench/bin/python -c 'import pandas, pyarrow' 2>/dev/null; then
  .venv-bench/bin/pip install --quiet numpy pandas pyarrow
fi
.venv-bench/bin/python benches/features.py --cible target/release/cible "$@"
