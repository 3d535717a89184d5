#!/usr/bin/env bash
# Ingestion throughput, cible against pandas and pyarrow on the same 1M-row orders files.
# Usage: benches/ingest.sh [--rows N] [--repeat N]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p cible
if [ ! -x .venv-bench/bin/python ]; then
  python3 -m venv .venv-bench
  .venv-bench/bin/pip install --quiet numpy pandas pyarrow
fi
.venv-bench/bin/python benches/ingest.py --cible target/release/cible "$@"
