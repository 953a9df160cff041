#!/usr/bin/env bash
# Many machines, one experiment: 1, 2 and 4 fluxloop processes (8 workers each) joined on one experiment of a
# 100 ms agent, against a private PostgreSQL server (initdb into a temporary folder, as `nobody` when run as
# root, on a free loopback port). Release build.
# Each round (bench/join_round.sh) runs a new experiment and is timed whole: the processes' start-up, the claims
# and the export included. The rounds go 1, 2, 4, 1, 2, 4, … so that a machine whose speed drifts slows all
# three alike. Each round prints its wall time, the runs each process recorded (the spread), the time from the
# first run to the last and how late the last process began, the runs claimed more than once, and the load
# average; the end prints the medians and the speed-ups over one process.
# Usage: bench/join.sh [RUNS] [REPEATS]   (RUNS a multiple of 4; default 3,200 runs, 3 repeats)
# ROUND_WRAPPER, when set, is put before each round's command (e.g. a lock that keeps other timings away); the
# round's own clock starts inside it.
# Measured: see docs/team-store.md ("Many machines, one experiment").
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUNS=${1:-3200}
REPEATS=${2:-3}
[ -n "${SKIP_BUILD:-}" ] || swift build -c release --product fluxloop >/dev/null
PG_OPTIONS="-c max_connections=200" . bench/pg_server.sh
export URL
export PROJECT="$WORK/project"
mkdir -p "$PROJECT/configs"
cat >"$PROJECT/configs/simulation.yaml" <<YAML
name: join_bench
iterations: $((RUNS / 4))
runner: {target: "bench_agent:run"}
output_directory: experiments
YAML
printf 'base_inputs:\n  - input: one\n  - input: two\n  - input: three\n  - input: four\n' >"$PROJECT/configs/input.yaml"
printf 'import time\n\ndef run(input_text):\n    time.sleep(0.1)\n    return "answer to " + input_text\n' >"$PROJECT/bench_agent.py"

sql() { psql -qtA "$URL" -c "$1"; }
TIMES="$WORK/times"
echo "$RUNS runs of 100 ms per round, 8 workers per process; $(nproc) cores"
for repeat in $(seq "$REPEATS"); do
    for n in 1 2 4; do
        # shellcheck disable=SC2086 # the wrapper is words
        line=$(${ROUND_WRAPPER:-} "$ROOT/bench/join_round.sh" "$n" 8 | tail -1)
        load=$(cut -d' ' -f1 /proc/loadavg)
        ms=${line#wall_ms=}; ms=${ms%% *}
        id=${line##*experiment=}
        spread=$(sql "SELECT string_agg(c::text, ' / ' ORDER BY c DESC) FROM (SELECT count(*) AS c FROM planned_runs
                      WHERE experiment_id = '$id' AND done GROUP BY claimed_by) AS per_process")
        state=$(sql "SELECT status || ', ' || executed_runs || ' runs, '
                         || (SELECT count(*) FROM planned_runs WHERE experiment_id = e.id AND claims > 1)
                         || ' claimed again' FROM experiments AS e WHERE id = '$id'")
        # When the processes ran: the first run's start to the last run's end, and how long after the first run
        # the last process to arrive started its own first run (the start-up that joining cannot hide).
        window=$(sql "WITH t AS (SELECT p.claimed_by, t.started_at::timestamptz AS s, t.ended_at::timestamptz AS e
                          FROM traces AS t JOIN planned_runs AS p USING (experiment_id, run_index)
                          WHERE experiment_id = '$id'),
                      firsts AS (SELECT min(s) AS f FROM t GROUP BY claimed_by)
                      SELECT to_char(extract(epoch FROM (SELECT max(e) - min(s) FROM t)), 'FM990.0') || ' s of runs, last arrival +'
                          || to_char(extract(epoch FROM (SELECT max(f) - min(f) FROM firsts)), 'FM990.0') || ' s'")
        printf 'round %d, %d process(es): %6.1f s   runs per process %s   (%s; %s; load %s)\n' \
            "$repeat" "$n" "$(echo "$ms / 1000" | bc -l)" "$spread" "$window" "$state" "$load"
        echo "$n $ms" >>"$TIMES"
    done
done
median() { awk -v n="$1" '$1 == n {print $2}' "$TIMES" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ONE=$(median 1)
for n in 1 2 4; do
    m=$(median "$n")
    printf 'median, %d process(es): %6.1f s   speed-up over one process %.2fx (ideal %d)\n' \
        "$n" "$(echo "$m / 1000" | bc -l)" "$(echo "$ONE / $m" | bc -l)" "$n"
done
sql "SELECT 'runs recorded twice: ' || count(*) FROM (SELECT experiment_id, run_index FROM traces GROUP BY 1, 2 HAVING count(*) > 1) AS d"
