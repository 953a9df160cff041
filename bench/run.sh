#!/usr/bin/env bash
# Runner benchmark: the trivial three-decorator Python agent for 1,000, 10,000 and 100,000 runs
# (release build). Prints runs/s, peak RSS and how linear the time is.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product fluxloop >&2
python3 bench/run_bench.py "$@"
