#!/usr/bin/env bash
# Load test of video linkage on PostGIS (issue 5): camera alerts answered with their ranked
# candidates while 10,000 available workers' phones report 1,000 positions a second.
#
# The release build on a throw-away PostGIS database seeded with the demo town (472
# cameras, 465 workers); then 10,000 more workers imported with `gridlink import workers`
# (on duty, a shift covering every hour of every day, a position inside the town a few
# seconds old, each in the micro-grid at their point). Then, at the same time:
#   - wrk drives POST /api/workers/{id}/positions at POSITION_RATE a second in all
#     (scripts/load-linkage-positions.lua, paced on a schedule), for DURATION seconds;
#   - after 3 s, a second wrk drives POST /api/cameras/{id}/alerts {"note":"load"} on
#     random cameras at ALERT_RATE a second (scripts/load-linkage-alerts.lua), for
#     DURATION - 6 seconds, so every alert is answered under the position load.
# Prints the achieved position rate (from wrk and from the rows stored in
# worker_positions) and the alerts' latency (wrk --latency: request to ranked answer).
# Fails on any position answer but 200, any alert answer but 201 with 5 candidates, a
# position rate more than 5 % short, or rows that do not match the answers; then raises
# a few alerts with curl and checks their candidates with jq. Drops the database at the
# end. Figures go in BENCHMARKS.md.
#
# Needs PostgreSQL on 127.0.0.1:5432 with PostGIS (as root it installs
# postgresql-15-postgis-3, wrk and jq with apt when they are missing).
#   DURATION  seconds (default 30)   WORKERS  workers added (default 10000)
#   POSITION_RATE  reports a second (default 1000)   POSITION_CONNECTIONS  (default 32)
#   ALERT_RATE  alerts a second (default 20)   ALERT_CONNECTIONS  (default 2)
#   PORT  the service's port (default 18082)
#   PERF  a file: records the service with `perf record -g` during the run, into it
#   GRIDLINK_PG_ADMIN_URL  a superuser URL ending in /DBNAME (default: as root, the postgres
#                          user over the Unix socket; otherwise postgres://postgres@127.0.0.1:5432/postgres)
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${DURATION:-30}"
workers="${WORKERS:-10000}"
position_rate="${POSITION_RATE:-1000}"
position_connections="${POSITION_CONNECTIONS:-32}"
alert_rate="${ALERT_RATE:-20}"
alert_connections="${ALERT_CONNECTIONS:-2}"
port="${PORT:-18082}"
threads=2
[ "$duration" -ge 10 ] || { echo "DURATION must be at least 10 s" >&2; exit 1; }
# Each worker reports once every workers / rate seconds, stamped with wrk's os.time():
# two reports of one worker in the same second would be refused (409).
[ $((workers / position_rate)) -ge 2 ] || { echo "WORKERS / POSITION_RATE must be at least 2 s" >&2; exit 1; }
source scripts/lib/throwaway-pg.sh
install_commands wrk jq

build_release
create_database "gridlink_linkage_$$"
start_service "$port"
sign_in dispatcher

# Points inside the town, each with the code of its finest grid.
town_points 20000 "$data/located.txt"
cut -d' ' -f1,2 "$data/located.txt" >"$data/points.txt"
[ "$(wc -l <"$data/located.txt")" -ge "$workers" ] || fail "too few points inside the town"

# The workers, a few seconds old so that every report of the run is newer.
placed_at="$(date -u -d '-10 sec' +%Y-%m-%dT%H:%M:%SZ)"
head -n "$workers" "$data/located.txt" | awk -v at="$placed_at" '
    BEGIN { printf "{\"type\":\"FeatureCollection\",\"features\":[" }
    { printf "%s{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[%s,%s]},", (NR > 1 ? "," : ""), $1, $2
      printf "\"properties\":{\"name\":\"load worker %d\",\"role\":\"full_time\",\"phone\":\"188%08d\",", NR, NR
      printf "\"grid_codes\":[\"%s\"],\"on_duty\":true,\"position_at\":\"%s\",", $3, at
      printf "\"shifts\":[{\"weekdays\":[1,2,3,4,5,6,7],\"from\":\"00:00\",\"to\":\"00:00\"}]}}" }
    END { print "]}" }' >"$data/workers.geojson"
say "importing $workers workers"
"$data/gridlink" import --database-url "$db_url" workers "$data/workers.geojson" >&2

# The service reloads the workers at its next poll of the data versions.
for _ in $(seq 1 60); do
    curl -fs -H "$auth" "$base/api/workers?on_duty=true" |
        jq -r '.[] | select(.name | startswith("load worker ")) | select(.available) | .id' \
            >"$data/worker-ids.txt"
    [ "$(wc -l <"$data/worker-ids.txt")" = "$workers" ] && break
    sleep 1
done
[ "$(wc -l <"$data/worker-ids.txt")" = "$workers" ] ||
    fail "only $(wc -l <"$data/worker-ids.txt") of $workers imported workers are available"
curl -fs -H "$auth" "$base/api/cameras" | jq -r '.features[].id' >"$data/cameras.txt"
say "$workers workers available, $(wc -l <"$data/cameras.txt") cameras in service"
# A worker reports only their own position: each gets an account and a token, "id token".
while read -r id; do
    printf '%s %s\n' "$id" "$(account "load-worker-$id" grid_worker --worker "$id")"
done <"$data/worker-ids.txt" >"$data/worker-tokens.txt"

rows_before=$(psql_admin "$db" -c "SELECT count(*) FROM worker_positions")
started=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
alerts_before=$(psql_admin "$db" -c "SELECT count(*) FROM alerts")
# CPU seconds of the service and of this database's PostgreSQL backends (the pool keeps
# its connections through the run), from /proc: what one report and one alert cost.
cpu_seconds() { # PID...
    local pid ticks=0
    for pid in "$@"; do
        [ -r "/proc/$pid/stat" ] || continue
        ticks=$((ticks + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
    done
    awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}
backends() { psql_admin postgres -c "SELECT pid FROM pg_stat_activity WHERE datname = '$db'"; }
service_cpu_before=$(cpu_seconds "$server")
mapfile -t pg_pids < <(backends)
pg_cpu_before=$(cpu_seconds "${pg_pids[@]}")
load_before="$(uptime)"
say "load before: $load_before"
say "wrk -t$threads -c$position_connections -d${duration}s POST /api/workers/{id}/positions at $position_rate/s"
wrk -t"$threads" -c"$position_connections" -d"${duration}s" --latency \
    -s scripts/load-linkage-positions.lua "$base" -- \
    "$data/worker-tokens.txt" "$data/points.txt" "$threads" "$position_rate" \
    >"$data/positions.txt" 2>&1 &
positions_wrk=$!
if [ -n "${PERF:-}" ]; then
    perf record -q -F 499 -g -p "$server" -o "$PERF" -- sleep "$duration" 2>/dev/null &
fi
sleep 3
alert_duration=$((duration - 6))
say "wrk -t1 -c$alert_connections -d${alert_duration}s POST /api/cameras/{id}/alerts at $alert_rate/s"
wrk -t1 -c"$alert_connections" -d"${alert_duration}s" --latency -H "$auth" \
    -s scripts/load-linkage-alerts.lua "$base" -- "$data/cameras.txt" 1 "$alert_rate" \
    >"$data/alerts.txt" 2>&1 || fail "wrk (alerts) failed: $(cat "$data/alerts.txt")"
wait "$positions_wrk" || fail "wrk (positions) failed: $(cat "$data/positions.txt")"
load_after="$(uptime)"
service_cpu=$(awk -v a="$(cpu_seconds "$server")" -v b="$service_cpu_before" 'BEGIN { print a - b }')
# Backends opened during the run count from zero.
mapfile -t pg_pids_after < <(backends)
pg_cpu=$(awk -v a="$(cpu_seconds "${pg_pids_after[@]}")" -v b="$pg_cpu_before" 'BEGIN { print a - b }')
say "positions:"; cat "$data/positions.txt" >&2
say "alerts:"; cat "$data/alerts.txt" >&2
say "load after: $load_after"

field() { awk -v key="$2" 'index($0, key) == 1 { print $NF }' "$1"; }
percentile() { awk -v q="$2" '$1 == q { print $2 }' "$1"; }
p_total=$(awk '/requests in/ {print $1}' "$data/positions.txt")
p_seconds=$(awk '/requests in/ {sub(/,$/, "", $4); print $4}' "$data/positions.txt")
p_ok=$(field "$data/positions.txt" "200 responses:")
p_bad=$(field "$data/positions.txt" "other responses:")
p_late=$(field "$data/positions.txt" "slots late by over 100 ms:")
p_rps=$(awk '/^Requests\/sec/ {print $2}' "$data/positions.txt")
a_total=$(awk '/requests in/ {print $1}' "$data/alerts.txt")
a_ranked=$(field "$data/alerts.txt" "201 with 5 candidates:")
a_short=$(field "$data/alerts.txt" "201 with fewer:")
a_bad=$(field "$data/alerts.txt" "other responses:")
a_rps=$(awk '/^Requests\/sec/ {print $2}' "$data/alerts.txt")

# Let requests still in flight when wrk stopped finish before counting rows.
sleep 1
rows=$(( $(psql_admin "$db" -c "SELECT count(*) FROM worker_positions") - rows_before ))
span=$(psql_admin "$db" -c "SELECT round(extract(epoch FROM max(received_at) - min(received_at))::numeric, 2)
    FROM worker_positions WHERE received_at >= '$started'")
alerts=$(( $(psql_admin "$db" -c "SELECT count(*) FROM alerts") - alerts_before ))

printf 'positions: %s requests in %s = %.0f/s (wrk); %s rows stored over %s s = %.0f/s; %s late slots\n' \
    "$p_total" "$p_seconds" "$p_rps" "$rows" "$span" "$(awk -v r="$rows" -v s="$span" 'BEGIN { print r / s }')" "$p_late"
printf '           latency p50 %s p99 %s\n' \
    "$(percentile "$data/positions.txt" 50%)" "$(percentile "$data/positions.txt" 99%)"
printf 'CPU over the run: service %s s, PostgreSQL backends %s s (%s backends after); %.0f + %.0f µs per request\n' \
    "$service_cpu" "$pg_cpu" "${#pg_pids_after[@]}" \
    "$(awk -v c="$service_cpu" -v n="$((p_total + a_total))" 'BEGIN { print c * 1e6 / n }')" \
    "$(awk -v c="$pg_cpu" -v n="$((p_total + a_total))" 'BEGIN { print c * 1e6 / n }')"
printf 'alerts: %s requests at %.1f/s, %s answered 201 with 5 candidates, %s rows; latency p50 %s p90 %s p99 %s (target p99 < 10 ms)\n' \
    "$a_total" "$a_rps" "$a_ranked" "$alerts" "$(percentile "$data/alerts.txt" 50%)" \
    "$(percentile "$data/alerts.txt" 90%)" "$(percentile "$data/alerts.txt" 99%)"

! grep -q 'Socket errors' "$data/positions.txt" "$data/alerts.txt" || fail "wrk saw socket errors"
[ "$p_bad" = 0 ] && [ "$p_ok" = "$p_total" ] || fail "$p_bad position answers were not 200"
[ "$a_bad" = 0 ] && [ "$a_short" = 0 ] && [ "$a_ranked" = "$a_total" ] ||
    fail "of $a_total alerts, $a_short had fewer than 5 candidates and $a_bad were not 201"
# Every 200 committed; at most one request per connection was still in flight at the end.
[ "$rows" -ge "$p_ok" ] && [ "$rows" -le $((p_ok + position_connections)) ] ||
    fail "$rows positions stored for $p_ok answered 200"
[ "$alerts" -ge "$a_ranked" ] && [ "$alerts" -le $((a_ranked + alert_connections)) ] ||
    fail "$alerts alerts stored for $a_ranked answered 201"
awk -v r="$p_rps" -v t="$position_rate" 'BEGIN { exit !(r >= 0.95 * t) }' ||
    fail "positions ran at $p_rps/s, short of $position_rate/s"

# A sample by hand: five alerts, each 201 with 5 candidates nearest first.
for camera in $(shuf -n 5 --random-source=<(yes) "$data/cameras.txt"); do
    code=$(curl -s -o "$data/alert.json" -w '%{http_code}' -H "$auth" -H 'content-type: application/json' \
        --data '{"note":"load"}' "$base/api/cameras/$camera/alerts")
    [ "$code" = 201 ] || fail "alert on camera $camera answered $code: $(cat "$data/alert.json")"
    jq -e '(.candidates | length == 5) and ([.candidates[].distance_m] | . == sort)' \
        "$data/alert.json" >/dev/null || fail "alert on camera $camera: $(jq -c .candidates "$data/alert.json")"
done
say "ok: every position answer 200, every alert 201 with 5 ranked candidates, rows match"
