#!/usr/bin/env bash
# One round of bench/join.sh: N fluxloop processes on one new experiment of the project in $PROJECT, against
# the database $URL. The first creates the experiment; the others --join it as soon as its row is there.
# Returns when all have exited (non-zero if any failed). The last line it prints is
# "wall_ms=… experiment=…": the round's wall time, from the first process's start to the last one's exit.
# Usage: bench/join_round.sh N [WORKERS]
set -euo pipefail
N=${1:?processes}
WORKERS=${2:-8}
FLUXLOOP=${FLUXLOOP:-$(cd "$(dirname "$0")/.." && pwd)/.build/release/fluxloop}
cd "$PROJECT"
ARGS=(--yes --no-report --db "$URL" --parallel "$WORKERS")
# Experiments so far (0 before the first run has created the schema).
count() { psql -qtA "$URL" -c "SELECT count(*) FROM experiments" 2>/dev/null || echo 0; }
newest() { psql -qtA "$URL" -c "SELECT id FROM experiments ORDER BY started_at DESC LIMIT 1"; }
BEFORE=$(count)
START=$(date +%s%N)
"$FLUXLOOP" run experiment "${ARGS[@]}" >"$PROJECT/creator.log" 2>&1 &
PIDS=($!)
ID=
if [ "$N" -gt 1 ]; then
    until [ "$(count)" -gt "$BEFORE" ]; do sleep 0.02; done
    ID=$(newest)
    for _ in $(seq 2 "$N"); do
        "$FLUXLOOP" run experiment --join "$ID" "${ARGS[@]}" >>"$PROJECT/joiners.log" 2>&1 &
        PIDS+=($!)
    done
fi
STATUS=0
for pid in "${PIDS[@]}"; do wait "$pid" || STATUS=1; done
END=$(date +%s%N)
echo "wall_ms=$(( (END - START) / 1000000 )) experiment=${ID:-$(newest)}"
exit $STATUS
