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
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$BIN/initdb" ] || { echo "no PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 1; }
swift build -c release --product fluxloop-pg-bench >/dev/null
WORK=$(mktemp -d /tmp/fluxloop-pg-bench.XXXXXX)
AS=(); [ "$(id -u)" = 0 ] && { chown nobody: "$WORK"; AS=(runuser -u nobody --); }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() { (cd "$WORK" && "${AS[@]}" "$BIN/pg_ctl" -D "$WORK/data" -m fast -w stop >/dev/null 2>&1) || true; rm -rf "$WORK"; }
trap cleanup EXIT
(cd "$WORK" && "${AS[@]}" "$BIN/initdb" -D "$WORK/data" -U bench -A trust -E UTF8 --no-locale --no-sync >/dev/null)
(cd "$WORK" && "${AS[@]}" "$BIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$WORK" start >/dev/null)
psql -q -h 127.0.0.1 -p "$PORT" -U bench -d postgres -c "CREATE DATABASE bench"
URL="postgresql://bench@127.0.0.1:$PORT/bench"
for i in 1 2 3; do
    .build/release/fluxloop-pg-bench "$URL" "$RUNS" "$BATCH"
done
