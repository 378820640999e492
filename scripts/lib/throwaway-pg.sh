# Sourced by the load scripts: a throw-away PostGIS database and the release build of the
# service on it, both gone when the script exits. PostgreSQL and PostGIS are installed and
# started when missing (scripts/lib/common.sh, also for GRIDLINK_PG_ADMIN_URL).
# Provides what common.sh does, and build_release, create_database NAME (sets
# $db and $db_url), start_service PORT ARGS... (sets $server and $base), stop_service; and
# $data, a temporary directory.

source scripts/lib/common.sh
target="${CARGO_TARGET_DIR:-target}"
ensure_postgis

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
    db_url="$(create_postgis_database "$role" "$db")"
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

# Every API route needs a signed-in user. account USERNAME ROLE [users add arguments...]:
# makes the account (the role on every grid) through the CLI and prints a token of it.
account() {
    local username="$1" role="$2"; shift 2
    printf '%s\n' "load-test-password" |
        "$data/gridlink" users add "$username" --role "$role" --password-stdin \
            --database-url "$db_url" "$@" >/dev/null
    "$data/gridlink" tokens create "$username" --days 1 --database-url "$db_url" 2>/dev/null
}

# sign_in ROLE: a token of a new account `load-ROLE`, as the header $auth for curl and wrk.
sign_in() {
    auth="Authorization: Bearer $(account "load-$1" "$1")"
}

stop_service() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
        server=
    fi
}

town_points() { # COUNT FILE: up to COUNT random points inside the town, "lon lat grid-code" a line (after sign_in)
    # Uniform over the town's bounding box (from /api/map), kept where /api/locate finds a
    # grid; the code is the finest grid's. The same points every run (a fixed seed).
    local minlon minlat maxlon maxlat
    read -r minlon minlat maxlon maxlat < <(curl -fs -H "$auth" "$base/api/map" | jq -r '.bounds | @tsv')
    awk -v n="$1" -v a="$minlon" -v b="$minlat" -v c="$maxlon" -v d="$maxlat" 'BEGIN {
        srand(42); printf "{\"points\":["
        for (i = 0; i < n; i++)
            printf "%s[%.7f,%.7f]", (i ? "," : ""), a + rand() * (c - a), b + rand() * (d - b)
        print "]}" }' >"$data/candidates.json"
    curl -fs -H "$auth" -H 'content-type: application/json' --data-binary "@$data/candidates.json" \
        "$base/api/locate" |
        jq -r '.results[] | select(.chain | length > 0) | "\(.lon) \(.lat) \(.chain[-1].code)"' \
            >"$2"
}
