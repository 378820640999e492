#!/usr/bin/env bash
# Load test of filing incidents on PostGIS: wrk drives POST /api/incidents (scripts/
# load-incidents.lua) against the release build on a throw-away PostGIS database seeded
# with the demo town, each request a valid report at a random point inside the town in a
# random sub-category. Prints requests per second and latency, fails on any answer other
# than 201, then checks that the database holds one incident and one first event per 201
# (a few more at most: requests still in flight when wrk stops may commit). Drops the
# database at the end. Figures go in BENCHMARKS.md.
#
# Needs PostgreSQL on 127.0.0.1:5432 with PostGIS (as root it installs postgresql-15-postgis-3,
# wrk and jq with apt when they are missing).
#   DURATION  seconds (default 10)   CONNECTIONS  open connections (default 64)
#   THREADS  wrk threads (default 2)   PORT  the service's port (default 18081)
#   GRIDLINK_PG_ADMIN_URL  a superuser URL ending in /DBNAME (default: as root, the postgres
#                          user over the Unix socket; otherwise postgres://postgres@127.0.0.1:5432/postgres)
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${DURATION:-10}"
connections="${CONNECTIONS:-64}"
threads="${THREADS:-2}"
port="${PORT:-18081}"
source scripts/lib/throwaway-pg.sh
install_commands wrk jq

build_release
create_database "gridlink_load_$$"
start_service "$port"
sign_in dispatcher

# Points inside the town (incidents outside every grid are refused), and every
# sub-category.
town_points 50000 "$data/located.txt"
cut -d' ' -f1,2 "$data/located.txt" >"$data/points.txt"
curl -fs -H "$auth" "$base/api/categories" | jq -r '.categories[].sub_categories[].code' >"$data/categories.txt"
say "$(wc -l <"$data/points.txt") points inside the town, $(wc -l <"$data/categories.txt") sub-categories"

say "wrk -t$threads -c$connections -d${duration}s POST /api/incidents"
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -H "$auth" -s scripts/load-incidents.lua \
    "$base/api/incidents" -- "$data/points.txt" "$data/categories.txt" | tee "$data/wrk.txt" >&2

rps=$(awk '/^Requests\/sec/ {print $2}' "$data/wrk.txt")
total=$(awk '/requests in/ {print $1}' "$data/wrk.txt")
created=$(awk '/^201 responses:/ {print $3}' "$data/wrk.txt")
non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$data/wrk.txt")
errors=$(awk '/Socket errors:/ {print}' "$data/wrk.txt")
p50=$(awk '$1 == "50%" {print $2}' "$data/wrk.txt")
p99=$(awk '$1 == "99%" {print $2}' "$data/wrk.txt")

# Let requests still in flight when wrk stopped finish before counting rows.
sleep 1
rows=$(psql_admin "$db" -c "SELECT count(*) FROM incidents")
events=$(psql_admin "$db" -c "SELECT count(*) FROM incident_events WHERE seq = 1")

printf 'incidents filed: %.0f req/s, latency p50 %s p99 %s; %s requests, %s answered 201; %s rows, %s first events\n' \
    "$rps" "$p50" "$p99" "$total" "$created" "$rows" "$events"
[ -z "$errors" ] || fail "wrk saw socket errors: $errors"
[ -z "$non2xx" ] || fail "$non2xx answers were not 2xx"
[ "$created" = "$total" ] || fail "only $created of $total answers were 201"
[ "$events" = "$rows" ] || fail "$rows incidents but $events first events"
# Every 201 committed; at most one request per connection was still in flight at the end.
[ "$rows" -ge "$created" ] && [ "$rows" -le $((created + connections)) ] ||
    fail "$rows incidents stored for $created answered 201"
say "ok: every answer 201, the database holds what was answered"
