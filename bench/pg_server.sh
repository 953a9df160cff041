# Sourced by the PostgreSQL benches: a private server (initdb into a temporary folder, as `nobody` when run as
# root, trust authentication on a free loopback port only), stopped and removed when the script exits.
# Sets WORK (the folder), PORT, URL (postgresql://bench@127.0.0.1:PORT/bench, an empty database) and AS.
# Extra server settings may be given in PG_OPTIONS (e.g. "-c max_connections=200").
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$BIN/initdb" ] || { echo "no PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/fluxloop-pg-bench.XXXXXX)
AS=(); [ "$(id -u)" = 0 ] && { chown nobody: "$WORK"; AS=(runuser -u nobody --); }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() { (cd "$WORK" && "${AS[@]}" "$BIN/pg_ctl" -D "$WORK/data" -m fast -w stop >/dev/null 2>&1) || true; rm -rf "$WORK"; }
trap cleanup EXIT
(cd "$WORK" && "${AS[@]}" "$BIN/initdb" -D "$WORK/data" -U bench -A trust -E UTF8 --no-locale --no-sync >/dev/null)
(cd "$WORK" && "${AS[@]}" "$BIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$WORK ${PG_OPTIONS:-}" start >/dev/null)
psql -q -h 127.0.0.1 -p "$PORT" -U bench -d postgres -c "CREATE DATABASE bench"
URL="postgresql://bench@127.0.0.1:$PORT/bench"
