#!/usr/bin/env bash
# `query` on PostgreSQL: two experiments of 100,000 runs each (fluxloop-query-bench's data, as bench/query.sh)
# built into a SQLite file, pushed to a private server (initdb into a temporary folder, as `nobody` when run as
# root, on a free loopback port), then the median wall time of the real commands on the server, release build,
# process start and connection included, with the same commands on the SQLite file beside them:
#   query compare bench-a bench-b   (target < 1 s on PostgreSQL)
#   query experiments
# Usage: bench/postgres-query.sh [TRACES]. REPEAT=N runs each command N times (default 7).
# Measured on the 2-core machine while other builds and benchmarks ran (load average 6-12), PostgreSQL 15,
# 2 x 100,000 runs: query compare on PostgreSQL 1.49 s median of 7 (this script; SQLite 0.91 s in the same run).
# Paired run by run against SQLite (9 pairs each, two sessions): PostgreSQL/SQLite wall 1.16 and 1.48, client CPU
# 0.67 s and 0.66 s against 0.69 s and 0.73 s. The server's part is a scan of the traces heap (about 2 KB a run,
# 391 MB for the 200,000 runs); the 1 s target is not shown on this loaded machine, nor on an idle one yet.
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
