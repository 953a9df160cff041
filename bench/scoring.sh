#!/bin/sh
# Scoring's cost in `run experiment` and the time of `query compare` with statistics (release build, medians).
set -e
cd "$(dirname "$0")/.."
swift build -c release --product fluxloop
python3 bench/scoring_bench.py "$@"
