#!/usr/bin/env bash
# `query` on PostgreSQL: two experiments of 100,000 runs each (fluxloop-query-bench's data, as bench/query.sh)
# built into a SQLite file, pushed to a private server (initdb into a temporary folder, as `nobody` when run as
# root, on a free loopback port), then the median wall time of the real commands on the server, release build,
# process start and connection included, with the same commands on the SQLite file beside them:
#   query compare bench-a bench-b   (target < 1 s on PostgreSQL)
#   query experiments
# Usage: bench/postgres-query.sh [TRACES]. REPEAT=N runs each command N times (default 7).
# Measured on the 2-core machine while other builds and benchmarks ran (load average 6-12), PostgreSQL 15,
# 2 x 100,000 runs, before schema version 6: query compare on PostgreSQL 1.49 s median of 7 (SQLite 0.91 s in the
# same run); the server scanned the whole traces heap (about 2 KB a run, 391 MB) once per experiment.
# With schema version 6 (migrations/postgresql/006_compare_index.sql: compare's columns read by an index-only
# scan of traces_compare, about 17 MB per experiment) and the compare statistics' fixes, load average 1-4:
# this script 433 ms on PostgreSQL, 303 ms on SQLite (median of 7); paired run by run on one server against
# the build before (f93ba41, schema 5, same data), 11 pairs: 0.469 s against 0.881 s, ratio 0.58.
set -euo pipefail
cd "$(dirname "$0")/.."
TRACES=${1:-100000}
REPEAT=${REPEAT:-7}
swift build -c release --product fluxloop >/dev/null
swift build -c release --product fluxloop-query-bench >/dev/null
. bench/pg_server.sh
DB="$WORK/fluxloop.db"
.build/release/fluxloop-query-bench build --db "$DB" --traces "$TRACES" --experiments 2 >/dev/null
.build/release/fluxloop push bench-a bench-b --to "$URL" --db "$DB" >/dev/null
psql -q -h 127.0.0.1 -p "$PORT" -U bench -d bench -c "VACUUM ANALYZE"

. bench/median.sh

F=.build/release/fluxloop
cmp <("$F" query compare bench-a bench-b --db "$DB" --format json) \
    <("$F" query compare bench-a bench-b --db "$URL" --format json) && echo "compare: same output on both engines"
echo "median of $REPEAT runs (release, process start included), 2 x $TRACES runs:"
printf '  query compare, PostgreSQL: %6d ms  (target < 1000)\n' "$(median_ms "$F" query compare bench-a bench-b --db "$URL" --format json)"
printf '  query compare, SQLite:     %6d ms\n' "$(median_ms "$F" query compare bench-a bench-b --db "$DB" --format json)"
printf '  query experiments, PostgreSQL: %6d ms\n' "$(median_ms "$F" query experiments --db "$URL" --format json)"
printf '  query export --stdout --kind traces, PostgreSQL: %6d ms\n' \
    "$(median_ms "$F" query export bench-a --stdout --kind traces --db "$URL")"
