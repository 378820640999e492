#!/usr/bin/env bash
# Runs every test against both stores: SQLite needs nothing, PostgreSQL gets a throw-away
# database with PostGIS, created here and dropped on exit. Then the browser tests drive the
# web map in headless Chromium against the debug build of the service.
#
# Works as root on a fresh Debian bookworm machine (installs PostgreSQL 15, PostGIS,
# Chromium and CJK fonts with apt when they are missing; Node.js 20 or later must be
# there) and on a developer's machine that already has them.
#   GRIDLINK_PG_ADMIN_URL  a superuser URL to create the test role and database, ending in
#                          /DBNAME (default: as root, the postgres user over the Unix
#                          socket; otherwise postgres://postgres@127.0.0.1:5432/postgres)
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

pg_ready() { command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; }

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
        echo "error: PostgreSQL is not accepting connections on 127.0.0.1:5432" >&2
        exit 1
    fi
fi

# Administration runs as the postgres superuser over the Unix socket when we are root and
# no admin URL is given: a fresh Debian cluster trusts only that, and asks for a password
# on TCP. The tests then log in over TCP as a role of their own, with a password.
psql_admin() { # [DATABASE] -- psql arguments
    local db="$1"; shift
    if [ -z "${GRIDLINK_PG_ADMIN_URL:-}" ] && [ "$(id -u)" = 0 ] && command -v runuser >/dev/null; then
        runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -At -d "$db" "$@"
    else
        psql "${admin_url%/*}/$db" -X -q -v ON_ERROR_STOP=1 -At "$@"
    fi
}

if [ -z "$(psql_admin postgres -c "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")" ]; then
    apt_install "postgresql-$pg_major-postgis-3"
fi

role=gridlink_test
db="gridlink_test_$$"
cleanup() {
    say "dropping database $db"
    psql_admin postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
}
trap cleanup EXIT
psql_admin postgres -c "DO \$\$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
        CREATE ROLE $role LOGIN PASSWORD '$role';
    END IF; END \$\$"
say "creating database $db with PostGIS"
psql_admin postgres -c "CREATE DATABASE $db OWNER $role"
psql_admin "$db" -c "CREATE EXTENSION postgis"

export GRIDLINK_TEST_DATABASE_URL="postgres://$role:$role@127.0.0.1:5432/$db"
say "GRIDLINK_TEST_DATABASE_URL=$GRIDLINK_TEST_DATABASE_URL"

say "cargo test --all-targets $*"
cargo test --all-targets "$@"
say "cargo test --doc"
cargo test --doc

# Browser tests: Debian's Chromium driven by playwright-core (never a downloaded browser).
chromium="${GRIDLINK_CHROMIUM:-/usr/bin/chromium}"
browser_packages=()
[ -x "$chromium" ] || browser_packages+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || browser_packages+=(fonts-noto-cjk)
if [ "${#browser_packages[@]}" -gt 0 ]; then
    apt_install "${browser_packages[@]}" || true
fi
if [ ! -x "$chromium" ]; then
    echo "error: the browser tests need Chromium at $chromium; install the Debian package" \
        "chromium (apt-get install chromium fonts-noto-cjk) or set GRIDLINK_CHROMIUM" >&2
    exit 1
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "error: the browser tests need Node.js 20 or later with npm; install them" >&2
    exit 1
fi
say "npm ci --prefix tests/browser"
npm ci --prefix tests/browser --no-audit --no-fund
say "cargo build"
cargo build
say "node --test tests/browser/"
GRIDLINK_CHROMIUM="$chromium" node --test tests/browser/
say "all tests passed on SQLite and PostgreSQL, and in the browser"
