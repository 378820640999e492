#!/usr/bin/env bash
# Benchmark of the town's statistics over 1,000,000 incidents on PostGIS: a throw-away
# database seeded with the demo town, then a million incidents written straight in SQL
# (spread over the year before today, every finest grid and sub-category; 85 % closed, 3 %
# rejected, the rest open, some overdue), then the release build started on it. Prints how
# long start-up took to load the incidents' facts, then the latency of GET /api/stats for
# the whole town, by duty class and by week, and as CSV, each as wrk measures it with one
# connection. Figures go in BENCHMARKS.md.
#   INCIDENTS  how many (default 1000000)   DURATION  seconds per request (default 10)
#   PORT  the service's port (default 18082); see scripts/lib/throwaway-pg.sh
set -euo pipefail
cd "$(dirname "$0")/.."

incidents="${INCIDENTS:-1000000}"
duration="${DURATION:-10}"
port="${PORT:-18082}"
source scripts/lib/throwaway-pg.sh
install_commands wrk jq

build_release
create_database "gridlink_stats_$$"
# The first start migrates and seeds the demo town.
start_service "$port"
stop_service

subs=$(jq -r '"{" + ([.[].sub_categories[].code] | join(",")) + "}"' geodata/categories.json)
say "writing $incidents incidents"
psql_admin "$db" <<SQL
WITH finest AS (
    SELECT array_agg(code ORDER BY code) AS codes FROM grids
    WHERE level = (SELECT max(level) FROM grids)
), made AS (
    SELECT i,
           (SELECT codes[1 + ((i * 7919) % array_length(codes, 1))::int] FROM finest) AS grid_code,
           now() - (i % 365) * interval '1 day' - (i % 86400) * interval '1 second' AS reported_at,
           subs[1 + (i % array_length(subs, 1))::int] AS category,
           CASE WHEN i % 100 < 85 THEN 'closed' WHEN i % 100 < 88 THEN 'rejected'
                ELSE 'handling' END AS status
    FROM generate_series(1::bigint, $incidents) AS i, (SELECT '$subs'::text[] AS subs) AS s
)
INSERT INTO incidents (category, source, lon, lat, grid_code, chain, description, reporter,
                       priority, status, reported_at, deadline, yellow_at, closed_at,
                       satisfaction, revision, updated_at)
SELECT category, 'worker_app', 119.65, 31.17, grid_code, '[]', '', '', 'normal', status,
       reported_at, reported_at + interval '3 days', reported_at + interval '54 hours',
       CASE WHEN status = 'closed' THEN reported_at + (i % 97) * interval '1 hour' END,
       CASE WHEN status = 'closed' THEN 1 + i % 5 END, 2, reported_at
FROM made;
ANALYZE incidents;
SQL
say "$(psql_admin "$db" -c "SELECT count(*) FROM incidents") incidents stored"

started=$(date +%s.%N)
start_service "$port"
ready=$(date +%s.%N)
sign_in leader
say "start-up with $incidents incidents took $(awk -v a="$started" -v b="$ready" 'BEGIN { printf "%.1f", b - a }') s"

latency() { # QUERY
    wrk -t1 -c1 -d"${duration}s" --latency -H "$auth" "$base/api/stats?$1" >"$data/wrk.txt"
    local p50 p99 rps
    p50=$(awk '$1 == "50%" {print $2}' "$data/wrk.txt")
    p99=$(awk '$1 == "99%" {print $2}' "$data/wrk.txt")
    rps=$(awk '/^Requests\/sec/ {print $2}' "$data/wrk.txt")
    grep -q 'Non-2xx' "$data/wrk.txt" && fail "GET /api/stats?$1 answered an error"
    printf '%-40s p50 %-9s p99 %-9s %s req/s\n' "/api/stats?$1" "$p50" "$p99" "$rps"
}
received=$(curl -fs -H "$auth" "$base/api/stats?depth=0" | jq '[.grids[].figures.received] | add')
rejected=$(curl -fs -H "$auth" "$base/api/stats?depth=0" | jq '[.grids[].figures.rejected] | add')
[ $((received + rejected)) = "$incidents" ] ||
    fail "the town counts $received received and $rejected rejected of $incidents"
latency "depth=0"
latency "depth=3"
latency "depth=3&by_category=duty_class&period=week"
latency "depth=1&format=csv&period=day"
