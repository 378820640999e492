#!/usr/bin/env bash
# Load test over loopback, with wrk, all in one run: requests per second for GET /api/locate
# beside the trivial handler GET /healthz, and cached map tiles per second (a z14 tile over
# the demo town, rendered by the first request, then served from the tile cache).
# Figures go in BENCHMARKS.md.
#   DURATION  seconds per endpoint (default 10)   CONNECTIONS  open connections (default 64)
#   BASELINE_BIN  a build from before accounts, measured beside this one (optional)
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${DURATION:-10}"
connections="${CONNECTIONS:-64}"
port="${PORT:-18080}"

source scripts/lib/common.sh
install_commands wrk
cargo build --release --quiet

data="$(mktemp -d)"
password="load-test-password"
servers=()
trap 'kill "${servers[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$data"' EXIT

# Starts `$1 serve` on port `$2` with a new demo database and waits for it.
start() {
    GRIDLINK_DEMO_PASSWORD="$password" "$1" serve --bind "127.0.0.1:$2" \
        --database-url "sqlite:$data/load-$2.db" &
    servers+=($!)
    for _ in $(seq 1 100); do
        curl -fs "http://127.0.0.1:$2/healthz" >/dev/null && return
        sleep 0.2
    done
}

rps() {
    wrk -t2 -c"$connections" -d"${duration}s" "$@" > "$data/wrk.txt"
    cat "$data/wrk.txt" >&2
    awk '/Requests\/sec/ {print $2}' "$data/wrk.txt"
}

start target/release/gridlink "$port"
# The dispatcher's session cookie: every API route needs a signed-in user.
cookie=$(curl -fs -c - -H 'Content-Type: application/json' \
    -d "{\"username\":\"dispatcher\",\"password\":\"$password\"}" \
    "http://127.0.0.1:$port/api/session" | awk '$6 == "gridlink_session" {print $6 "=" $7}')
[ -n "$cookie" ] || { echo "error: could not log in as the demo dispatcher" >&2; exit 1; }

echo "== trivial handler: GET /healthz"
trivial=$(rps "http://127.0.0.1:$port/healthz")
echo "== GET /api/locate with a session cookie"
locate=$(rps -H "Cookie: $cookie" "http://127.0.0.1:$port/api/locate?lon=119.65&lat=31.17")
echo "== GET /tiles/grids/14/13637/6697.png (cached) with a session cookie"
curl -fs -H "Cookie: $cookie" "http://127.0.0.1:$port/tiles/grids/14/13637/6697.png" >/dev/null
tiles=$(rps -H "Cookie: $cookie" "http://127.0.0.1:$port/tiles/grids/14/13637/6697.png")
awk -v t="$trivial" -v l="$locate" -v c="$tiles" \
    'BEGIN { printf "healthz %.0f req/s, locate %.0f req/s, locate/healthz %.1f %%, cached tiles %.0f/s\n", t, l, 100 * l / t, c }'

# BASELINE_BIN: a build from before accounts (no credentials needed), measured in the
# same run, so that the cost of signing in is a same-run ratio.
if [ -n "${BASELINE_BIN:-}" ]; then
    start "$BASELINE_BIN" $((port + 1))
    base="http://127.0.0.1:$((port + 1))"
    echo "== baseline: GET /api/locate, anonymous"
    base_locate=$(rps "$base/api/locate?lon=119.65&lat=31.17")
    echo "== baseline: GET /tiles/grids/14/13637/6697.png (cached), anonymous"
    curl -fs "$base/tiles/grids/14/13637/6697.png" >/dev/null
    base_tiles=$(rps "$base/tiles/grids/14/13637/6697.png")
    awk -v l="$locate" -v bl="$base_locate" -v c="$tiles" -v bc="$base_tiles" \
        'BEGIN { printf "signed-in/baseline: locate %.1f %%, cached tiles %.1f %%\n", 100 * l / bl, 100 * c / bc }'
fi
