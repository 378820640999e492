#!/usr/bin/env bash
# Load test over loopback, with wrk, all in one run: requests per second for GET /api/locate
# beside the trivial handler GET /healthz, and cached map tiles per second (a z14 tile over
# the demo town, rendered by the first request, then served from the tile cache).
# Figures go in BENCHMARKS.md.
#   DURATION  seconds per endpoint (default 10)   CONNECTIONS  open connections (default 64)
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${DURATION:-10}"
connections="${CONNECTIONS:-64}"
port="${PORT:-18080}"

source scripts/lib/common.sh
install_commands wrk
cargo build --release --quiet

data="$(mktemp -d)"
target/release/gridlink serve --bind "127.0.0.1:$port" --database-url "sqlite:$data/load.db" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 0.2
done

rps() {
    wrk -t2 -c"$connections" -d"${duration}s" "$1" > "$data/wrk.txt"
    cat "$data/wrk.txt" >&2
    awk '/Requests\/sec/ {print $2}' "$data/wrk.txt"
}
echo "== trivial handler: GET /healthz"
trivial=$(rps "http://127.0.0.1:$port/healthz")
echo "== GET /api/locate"
locate=$(rps "http://127.0.0.1:$port/api/locate?lon=119.65&lat=31.17")
echo "== GET /tiles/grids/14/13637/6697.png (cached)"
tiles=$(rps "http://127.0.0.1:$port/tiles/grids/14/13637/6697.png")
awk -v t="$trivial" -v l="$locate" -v c="$tiles" \
    'BEGIN { printf "healthz %.0f req/s, locate %.0f req/s, locate/healthz %.1f %%, cached tiles %.0f/s\n", t, l, 100 * l / t, c }'
