#!/usr/bin/env bash
# Store benchmark: append 100,000 traces (3 observations, 2 turns each) with a commit per trace and in
# batches, then export the experiment folder. Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product fluxloop-store-bench >&2
.build/release/fluxloop-store-bench bench --traces "${TRACES:-100000}" --batch "${BATCH:-1000}"
