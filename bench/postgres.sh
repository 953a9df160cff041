#!/usr/bin/env bash
# PostgreSQL backend benchmark: a private server (initdb into a temporary folder, as `nobody` when run as root,
# on a free loopback port), then 100,000 trivial runs written by one process through the same backend as
# `run experiment --db postgresql://…` (one transaction and one COPY per batch of 500), and their export.
# Usage: bench/postgres.sh [RUNS] [BATCH]. Release build.
# Measured (2-core machine, shared, PostgreSQL 15): 100,000 runs, batches of 500: 35,200-36,800 runs/s (median
# 36,600); export of those runs 3.0-3.4 s.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-100000}
BATCH=${2:-500}
swift build -c release --product fluxloop-pg-bench >/dev/null
. bench/pg_server.sh
for i in 1 2 3; do
    .build/release/fluxloop-pg-bench "$URL" "$RUNS" "$BATCH"
done
