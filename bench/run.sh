#!/usr/bin/env bash
# Runner benchmarks (release build), one process at a time so figures in one run compare:
#   bash bench/run.sh            trivial agent, 1k/10k/100k runs: runs/s, peak RSS, linearity
#   bash bench/run.sh workers    trivial agent, 10k runs with 1, 2 and 4 workers: runs/s
#   bash bench/run.sh slow       1,000 runs of a 100 ms agent with 1, 8 and 32 workers: wall time
#   bash bench/run.sh inflight   2,000 runs of a 0.5 s async agent, 1 worker x 200 in flight vs 32 workers x 1
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product fluxloop >&2
python3 bench/run_bench.py "$@"
