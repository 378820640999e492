# Sourced by the load scripts: a throw-away PostGIS database and the release build of the
# service on it, both gone when the script exits.
#
# Needs PostgreSQL on 127.0.0.1:5432 (as root it installs postgresql-15-postgis-3 with apt
# when PostGIS is missing).
#   GRIDLINK_PG_ADMIN_URL  a superuser URL ending in /DBNAME (default: as root, the postgres
#                          user over the Unix socket; otherwise postgres://postgres@127.0.0.1:5432/postgres)
# Provides: say, fail, psql_admin DB ARGS..., build_release, create_database NAME (sets
# $db and $db_url), start_service PORT ARGS... (sets $server and $base), stop_service; and
# $data, a temporary directory.

admin_url="${GRIDLINK_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
target="${CARGO_TARGET_DIR:-target}"
say() { printf '==> %s\n' "$*" >&2; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

pg_isready -q -h 127.0.0.1 -p 5432 || fail "PostgreSQL is not accepting connections on 127.0.0.1:5432"

# As scripts/test.sh: the postgres superuser over the Unix socket when we are root.
psql_admin() { # DATABASE psql-arguments...
    local db="$1"; shift
    if [ -z "${GRIDLINK_PG_ADMIN_URL:-}" ] && [ "$(id -u)" = 0 ] && command -v runuser >/dev/null; then
        runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -At -d "$db" "$@"
    else
        psql "${admin_url%/*}/$db" -X -q -v ON_ERROR_STOP=1 -At "$@"
    fi
}
if [ -z "$(psql_admin postgres -c "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")" ]; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15-postgis-3
fi

role=gridlink_load
db=
server=
data="$(mktemp -d)"
cleanup() {
    local status=$?
    if [ "$status" != 0 ] && [ -f "$data/serve.log" ]; then
        say "the service's last log lines:"
        tail -n 20 "$data/serve.log" >&2
    fi
    stop_service
    if [ -n "$db" ]; then
        say "dropping database $db"
        psql_admin postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
    fi
    rm -rf "$data"
}
trap cleanup EXIT

# Builds the release binary and runs a copy of it, which another build into a shared
# CARGO_TARGET_DIR cannot replace mid-run.
build_release() {
    say "cargo build --release"
    cargo build --release --quiet
    cp "$target/release/gridlink" "$data/gridlink"
}

create_database() { # NAME
    db="$1"
    psql_admin postgres -c "DO \$\$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
            CREATE ROLE $role LOGIN PASSWORD '$role';
        END IF; END \$\$"
    say "creating database $db with PostGIS"
    psql_admin postgres -c "CREATE DATABASE $db OWNER $role"
    psql_admin "$db" -c "CREATE EXTENSION postgis"
    db_url="postgres://$role:$role@127.0.0.1:5432/$db"
}

start_service() { # PORT [serve arguments...]
    local port="$1"; shift
    say "starting gridlink serve on :$port (log in $data/serve.log)"
    "$data/gridlink" serve --bind "127.0.0.1:$port" --database-url "$db_url" "$@" \
        >"$data/serve.log" 2>&1 &
    server=$!
    base="http://127.0.0.1:$port"
    for _ in $(seq 1 600); do
        curl -fs "$base/healthz" >/dev/null && return 0
        kill -0 "$server" 2>/dev/null || { cat "$data/serve.log" >&2; fail "the service stopped"; }
        sleep 0.2
    done
    fail "the service did not start within 120 s"
}

stop_service() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
        server=
    fi
}
