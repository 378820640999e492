-- wrk script for scripts/load-linkage.sh: phones reporting positions, paced to RATE
-- requests a second in all (scripts/lib/pace.lua). Thread i of THREADS reports for every
-- THREADS-th worker of WORKERS_FILE ("id token" per line: a worker reports only as
-- themselves), in turn, each report a random
-- point of POINTS_FILE ("lon lat" per line) at os.time(): a worker's reports are
-- (workers / RATE) seconds apart, so each is newer than the last and answered 200.
--   wrk ... -s scripts/load-linkage-positions.lua URL -- WORKERS_FILE POINTS_FILE THREADS RATE

package.path = "scripts/lib/?.lua;" .. package.path
local pace = require("pace")
local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("id", #threads)
end

function init(args)
    local nthreads, rate = tonumber(args[3]), tonumber(args[4])
    mine, points, turn = {}, {}, 0
    local n = 0
    for line in io.lines(args[1]) do
        if line ~= "" then
            if n % nthreads == id - 1 then
                local worker, token = line:match("^(%S+) (%S+)$")
                mine[#mine + 1] = { worker, "Bearer " .. token }
            end
            n = n + 1
        end
    end
    for line in io.lines(args[2]) do
        local lon, lat = line:match("^(%S+) (%S+)$")
        if lon then
            points[#points + 1] = { lon, lat }
        end
    end
    math.randomseed(id * 7919)
    pace.start(rate, nthreads)
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    -- Read by done() through thread:get, so global.
    ok, bad, behind = 0, 0, 0
end

function delay()
    local wait = pace.delay()
    behind = pace.behind()
    return wait
end

function request()
    local pick = mine[turn % #mine + 1]
    local worker, auth = pick[1], pick[2]
    turn = turn + 1
    local p = points[math.random(#points)]
    local body = string.format('{"lon":%s,"lat":%s,"accuracy_m":8,"at":"%s"}',
        p[1], p[2], os.date("!%Y-%m-%dT%H:%M:%SZ"))
    local headers = { ["Content-Type"] = "application/json", ["Authorization"] = auth }
    return wrk.format(nil, "/api/workers/" .. worker .. "/positions", headers, body)
end

function response(status)
    if status == 200 then ok = ok + 1 else bad = bad + 1 end
end

function done()
    local t = { ok = 0, bad = 0, behind = 0 }
    for _, thread in ipairs(threads) do
        for k in pairs(t) do t[k] = t[k] + thread:get(k) end
    end
    io.write(string.format("200 responses: %d\nother responses: %d\nslots late by over 100 ms: %d\n",
        t.ok, t.bad, t.behind))
end
