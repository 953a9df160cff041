#!/usr/bin/env bash
# Usage: run.sh BIN OUTDIR — runs the four reference projects with BIN, leaves normalised exports in OUTDIR.
set -uo pipefail
bin=$1; out=$2; rm -rf "$out"; mkdir -p "$out"
for p in single_turn_basic agent_errors multi_turn_mock replay_args; do
  work=$(mktemp -d); cp -r /work/shared/reference/$p "$work/$p"; rm -rf "$work/$p/fluxloop-0.2.30-output"
  (cd "$work/$p" && "$bin" run experiment --yes </dev/null >"$out/$p.stdout" 2>"$out/$p.stderr"; echo "exit $?" >>"$out/$p.stdout")
  exp=$(ls -d "$work/$p"/experiments/*/ | head -1)
  mkdir -p "$out/$p"; cp "$exp"/* "$out/$p/" 2>/dev/null
  python3 - "$out/$p" "$work/$p" <<'PY'
import sys, re, os
d, root = sys.argv[1], sys.argv[2]
pats = [(re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'), 'UUID'),
        (re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?'), 'TIME'),
        (re.compile(r'"([a-z0-9_]*duration_ms|duration_seconds|latency_ms|start_time|end_time|date|timestamp|runs_per_second)": ?[-0-9.e]+'), r'"\1": N'),
        (re.compile(r'\d{8}_\d{6}'), 'STAMP')]
for f in os.listdir(d):
    p = os.path.join(d, f); s = open(p, errors='replace').read().replace(root, '<ROOT>')
    for r, t in pats: s = r.sub(t, s)
    open(p, 'w').write(s)
PY
  sed -i -E 's/[0-9]+(\.[0-9]+)? ?(ms|s)\b/N\2/g; s/[0-9]{8}_[0-9]{6}/STAMP/g' "$out/$p.stdout" "$out/$p.stderr"
  sed -i -E "s#$work#<W>#g; s#[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}#UUID#g" "$out/$p.stdout" "$out/$p.stderr"
  rm -rf "$work"
done
