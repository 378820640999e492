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

source scripts/lib/common.sh
ensure_postgis

role=gridlink_test
db="gridlink_test_$$"
cleanup() {
    say "dropping database $db"
    psql_admin postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
}
trap cleanup EXIT
GRIDLINK_TEST_DATABASE_URL="$(create_postgis_database "$role" "$db")"
export GRIDLINK_TEST_DATABASE_URL
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
