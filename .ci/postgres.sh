# Sourced by .ci/run before it installs `need`: PostgreSQL for the PostgresStore tests.
# libpq-dev is what the CLibPQ module links; the server binaries let the tests start their own private server
# (initdb into a temporary folder, as `nobody`, on a loopback port). With CI=true a missing server fails them.
pkg-config --exists libpq 2>/dev/null || need+=(libpq-dev)
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    need+=(postgresql)
    # Debian's package would otherwise create and start a system cluster, which the tests neither need nor touch.
    mkdir -p /etc/postgresql-common
    [ -e /etc/postgresql-common/createcluster.conf ] \
        || echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
fi
