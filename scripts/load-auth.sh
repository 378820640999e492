#!/usr/bin/env bash
# What signing in costs the hot paths, as same-run pairs: this build with the dispatcher's
# session cookie against BASELINE_BIN, a release build from before accounts (anonymous),
# alternating, wrk with 2 threads and 64 connections, 8 s each. /healthz (no credentials
# on either) shows what the layers cost without a session lookup.
#   BASELINE_BIN  path to the older gridlink binary (required)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh
install_commands wrk
: "${BASELINE_BIN:?set BASELINE_BIN to a release build from before accounts}"
cargo build --release --quiet
d=$(mktemp -d); pw=load-test-password
GRIDLINK_DEMO_PASSWORD=$pw target/release/gridlink serve --bind 127.0.0.1:18090 --database-url sqlite:$d/a.db 2>/dev/null & a=$!
GRIDLINK_DEMO_PASSWORD=$pw "$BASELINE_BIN" serve --bind 127.0.0.1:18091 --database-url sqlite:$d/b.db 2>/dev/null & b=$!
trap 'kill $a $b; rm -rf $d' EXIT
for p in 18090 18091; do for _ in $(seq 1 100); do curl -fs http://127.0.0.1:$p/healthz >/dev/null && break; sleep 0.2; done; done
cookie=$(curl -fs -c - -H 'Content-Type: application/json' -d "{\"username\":\"dispatcher\",\"password\":\"$pw\"}" http://127.0.0.1:18090/api/session | awk '$6=="gridlink_session"{print $6"="$7}')
r() { wrk -t2 -c64 -d8s "$@" | awk '/Requests\/sec/{print $2}'; }
L="/api/locate?lon=119.65&lat=31.17"; T="/tiles/grids/14/13637/6697.png"
curl -fs -H "Cookie: $cookie" "http://127.0.0.1:18090$T" >/dev/null; curl -fs "http://127.0.0.1:18091$T" >/dev/null
for round in 1 2 3; do
  bh=$(r "http://127.0.0.1:18091/healthz"); nh=$(r "http://127.0.0.1:18090/healthz"); echo "healthz base $bh new $nh ($(awk -v a=$nh -v b=$bh "BEGIN{printf \"%.1f\", 100*a/b}") %)"
  bl=$(r "http://127.0.0.1:18091$L"); nl=$(r -H "Cookie: $cookie" "http://127.0.0.1:18090$L")
  nt=$(r -H "Cookie: $cookie" "http://127.0.0.1:18090$T"); bt=$(r "http://127.0.0.1:18091$T")
  echo "round $round: locate base $bl signed-in $nl ($(awk -v a=$nl -v b=$bl 'BEGIN{printf "%.1f", 100*a/b}') %); tiles base $bt signed-in $nt ($(awk -v a=$nt -v b=$bt 'BEGIN{printf "%.1f", 100*a/b}') %)"
done
