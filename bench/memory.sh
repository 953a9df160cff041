#!/usr/bin/env bash
# Peak memory for large agent outputs (release build): 2 runs of 20 MB and of 40 MB, export and report included.
#   bash bench/memory.sh                              this build
#   bash bench/memory.sh --baseline /path/to/fluxloop  side by side with another build (e.g. the previous commit's)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product fluxloop >&2
python3 bench/memory_bench.py "$@"
