#!/usr/bin/env bash
# Many machines, one experiment: 1, 2 and 4 fluxloop processes (8 workers each) joined on one experiment of a
# 100 ms agent, against a private PostgreSQL server (initdb into a temporary folder, as `nobody` when run as
# root, on a free loopback port). Each round is timed whole from outside (farm-bench: the processes' start-up,
# the claims and the export included) by bench/join_round.sh. Release build.
# Usage: bench/join.sh [RUNS] [REPEATS]   (RUNS a multiple of 4; default 3,200 runs, 3 timed repeats)
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
for n in 1 2 4; do
    echo "== $n process(es) x 8 workers, $RUNS runs of 100 ms"
    farm-bench -n "$REPEATS" --warmup 0 --timeout 3000 -- "$ROOT/bench/join_round.sh" "$n" 8
done
psql -qtA "$URL" -c "SELECT count(*) || ' experiments, ' || sum(executed_runs) || ' runs, ' || count(*) FILTER (WHERE status = 'completed') || ' completed' FROM experiments"
psql -qtA "$URL" -c "SELECT 'runs recorded twice: ' || count(*) FROM (SELECT experiment_id, run_index FROM traces GROUP BY 1, 2 HAVING count(*) > 1) AS d"
