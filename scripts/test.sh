#!/usr/bin/env bash
# Runs every test against both stores: SQLite needs nothing, PostgreSQL gets a throw-away
# database with PostGIS, created here and dropped on exit.
#
# Works as root on a fresh Debian bookworm machine (installs PostgreSQL 15 and PostGIS
# with apt when they are missing) and on a developer's machine that already has them.
#   GRIDLINK_PG_ADMIN_URL  a superuser URL to create the test database
#                          (default postgres://postgres@127.0.0.1:5432/postgres)
#                          (a URL ending in /DBNAME; the test database replaces DBNAME)
# Arguments are passed to `cargo test --all-targets`.
set -euo pipefail

cd "$(dirname "$0")/.."

admin_url="${GRIDLINK_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
pg_major=15
say() { printf '==> %s\n' "$*"; }

apt_updated=0
apt_install() {
    if ! command -v apt-get >/dev/null; then
        echo "error: $* missing and apt-get unavailable; install it by hand" >&2
        exit 1
    fi
    if [ "$apt_updated" = 0 ]; then
        say "apt-get update"
        apt-get update -q
        apt_updated=1
    fi
    say "installing $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

pg_ready() { command -v pg_isready >/dev/null && pg_isready -q -d "$admin_url"; }

if ! pg_ready; then
    if ! compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then
        apt_install "postgresql-$pg_major"
    fi
    if command -v pg_ctlcluster >/dev/null; then
        say "starting PostgreSQL cluster $pg_major/main"
        pg_ctlcluster "$pg_major" main start || true
    fi
    for _ in $(seq 1 30); do
        pg_ready && break
        sleep 1
    done
    if ! pg_ready; then
        echo "error: PostgreSQL is not accepting connections at $admin_url" >&2
        exit 1
    fi
fi

psql_admin() { psql "$admin_url" -X -q -v ON_ERROR_STOP=1 -At "$@"; }

if [ -z "$(psql_admin -c "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")" ]; then
    apt_install "postgresql-$pg_major-postgis-3"
fi

db="gridlink_test_$$"
cleanup() {
    say "dropping database $db"
    psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
}
trap cleanup EXIT
say "creating database $db with PostGIS"
psql_admin -c "CREATE DATABASE $db"
psql "${admin_url%/*}/$db" -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION postgis"

export GRIDLINK_TEST_DATABASE_URL="${admin_url%/*}/$db"
say "GRIDLINK_TEST_DATABASE_URL=$GRIDLINK_TEST_DATABASE_URL"

say "cargo test --all-targets $*"
cargo test --all-targets "$@"
say "cargo test --doc"
cargo test --doc
say "all tests passed on SQLite and PostgreSQL"
