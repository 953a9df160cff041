#!/usr/bin/env bash
# HTML report benchmark: two experiments of 100,000 traces each (the query benchmark's data), then, side by side
# (release build, process start included), the median wall time of
#   fluxloop report bench-a -o FILE                 against   fluxloop query export bench-a --to DIR
#   fluxloop report bench-b --compare bench-a -o F   (the comparison view)
# and the files' sizes and each command's peak RSS (/usr/bin/time -v).
# Targets: the report no slower than the export, under 5 MB, and no run list held in memory.
#
# Measured 2026-12-03, 2 shared cores (load ~10), medians of 5 interleaved runs:
#   report bench-a -o FILE              1580 ms   1,018 kB   peak RSS 255 MB (anonymous 16 MB)
#   query export bench-a --to DIR       3288 ms  275,668 kB  peak RSS 240 MB (anonymous 5 MB)
#   report bench-b --compare bench-a    5174 ms     612 kB   peak RSS 475 MB (anonymous 26 MB)
# The database is memory-mapped, so the total RSS counts the file pages read; the anonymous part is the
# process's own memory, which stays flat (the runs are streamed, only the kept details are held).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH="${SCRATCH:-.build}"
REPEAT="${REPEAT:-5}"
TRACES="${TRACES:-100000}"
swift build -c release --scratch-path "$SCRATCH" --product fluxloop >&2
swift build -c release --scratch-path "$SCRATCH" --product fluxloop-query-bench >&2
BIN="$SCRATCH/release"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
DB="$WORK/fluxloop.db"
"$BIN/fluxloop-query-bench" build --db "$DB" --traces "$TRACES" --experiments 2

. bench/median.sh

# Peak resident set size in MB of one run of the command (/usr/bin/time -v), and the peak of its anonymous part
# (sampled from /proc every 20 ms): the database is memory-mapped, so the total counts the file pages read.
peak_mb() {
    local total
    total=$(/usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}')
    "$@" > /dev/null 2>&1 &
    local pid=$! anon=0 kb
    while kill -0 "$pid" 2>/dev/null; do
        kb=$(awk '/RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
        [ -n "$kb" ] && [ "$kb" -gt "$anon" ] && anon=$kb
        sleep 0.02
    done
    wait "$pid"
    printf '%s MB (anonymous %d MB)' "$total" $(( anon / 1024 ))
}

report=("$BIN/fluxloop" report bench-a -o "$WORK/report.html" --db "$DB")
compare=("$BIN/fluxloop" report bench-b --compare bench-a -o "$WORK/compare.html" --db "$DB")
export=("$BIN/fluxloop" query export bench-a --to "$WORK/export" --db "$DB" --format json)
# Interleaved, so that both see the same machine load.
r=() ; e=() ; c=()
for _ in $(seq "$REPEAT"); do
    r+=("$(REPEAT=1 median_ms "${report[@]}")")
    e+=("$(REPEAT=1 median_ms "${export[@]}")")
    c+=("$(REPEAT=1 median_ms "${compare[@]}")")
done
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
kb() { echo $(( $(stat -c %s "$1") / 1000 )); }
echo "fluxloop report, $TRACES traces, median of $REPEAT interleaved runs (release, process start included):"
printf '  report bench-a -o FILE:              %6d ms  %6d kB  peak RSS %s\n' "$(med "${r[@]}")" "$(kb "$WORK/report.html")" "$(peak_mb "${report[@]}")"
printf '  query export bench-a --to DIR:       %6d ms  %6d kB  peak RSS %s\n' "$(med "${e[@]}")" \
    "$(( $(du -sk "$WORK/export" | cut -f1) ))" "$(peak_mb "${export[@]}")"
printf '  report bench-b --compare bench-a:    %6d ms  %6d kB  peak RSS %s\n' "$(med "${c[@]}")" "$(kb "$WORK/compare.html")" "$(peak_mb "${compare[@]}")"
echo "  targets: report no slower than export, each file under 5,000 kB"
