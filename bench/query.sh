#!/usr/bin/env bash
# Query benchmark: a database with two experiments of 100,000 traces each and 1,000 experiments in all,
# then the median wall time of the real commands (release build, process start included):
#   query compare latest~1 latest   (target < 500 ms)
#   query experiments                (target < 100 ms)
#   query export bench-a --to DIR    (target < 2 s)
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH="${SCRATCH:-.build}"
REPEAT="${REPEAT:-7}"
swift build -c release --scratch-path "$SCRATCH" --product fluxloop >&2
swift build -c release --scratch-path "$SCRATCH" --product fluxloop-query-bench >&2
BIN="$SCRATCH/release"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
DB="$WORK/fluxloop.db"

"$BIN/fluxloop-query-bench" build --db "$DB" --traces "${TRACES:-100000}" --experiments "${EXPERIMENTS:-1000}"
"$BIN/fluxloop-query-bench" time --db "$DB" --repeat 3

. bench/median.sh

echo "fluxloop query, median of $REPEAT runs (release, process start included):"
set +e
"$BIN/fluxloop" query compare latest~1 latest --db "$DB" --format json > "$WORK/compare.json"
python3 - "$WORK/compare.json" <<'PY' || true
import json, sys
c = json.load(open(sys.argv[1]))
print("  compare sections: %d inputs, %d regressions, %d improvements, %d slower, %d only in one"
      % (len(c["inputs"]), len(c["regressions"]), len(c["improvements"]), len(c["slower"]), len(c["only_in_one"])))
PY
set -e
printf '  compare latest~1 latest (2 x 100,000 traces): %5d ms  (target < 500)\n' \
    "$(median_ms "$BIN/fluxloop" query compare latest~1 latest --db "$DB" --format json)"
printf '  experiments (%s experiments):              %5d ms  (target < 100)\n' "${EXPERIMENTS:-1000}" \
    "$(median_ms "$BIN/fluxloop" query experiments --db "$DB" --format json)"
printf '  export bench-a --to DIR (100,000 traces):    %5d ms  (target < 2000)\n' \
    "$(median_ms "$BIN/fluxloop" query export bench-a --to "$WORK/export" --db "$DB" --format json)"
