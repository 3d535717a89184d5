#!/usr/bin/env bash
# Clustering: cible-ml against scikit-learn, fast_hdbscan and kmodes on the same data files, same run.
# Usage: benches/clustering.sh [--threads N] [--repeat N] [--only kmeans,minibatch,hdbscan-sklearn-100k,...]
# The data files (about 700 MB) and results.json go to bench-data/clustering/.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p cible-ml --example bench
if [ ! -x .venv-bench/bin/python ]; then
  python3 -m venv .venv-bench
fi
if ! .venv-bench/bin/python -c 'import sklearn, threadpoolctl' 2>/dev/null; then
  .venv-bench/bin/pip install --quiet numpy scikit-learn threadpoolctl
fi
if ! .venv-bench/bin/python -c 'import fast_hdbscan' 2>/dev/null; then
  .venv-bench/bin/pip install --quiet fast_hdbscan || echo "fast_hdbscan could not be installed; that comparison is skipped" >&2
fi
if ! .venv-bench/bin/python -c 'import kmodes' 2>/dev/null; then
  .venv-bench/bin/pip install --quiet kmodes || echo "kmodes could not be installed; the k-prototypes comparison is skipped" >&2
fi
.venv-bench/bin/python benches/clustering.py --bench target/release/examples/bench "$@"
