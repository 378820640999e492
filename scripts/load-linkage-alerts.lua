-- wrk script for scripts/load-linkage.sh: camera alerts, paced to RATE requests a second
-- in all (scripts/lib/pace.lua), each POST /api/cameras/{id}/alerts {"note":"load"} on a
-- random camera of CAMERAS_FILE (one id per line). Counts the answers that are 201 and
-- carry exactly 5 ranked candidates (the only objects with "eta_s": a new alert has no
-- calls yet).
--   wrk ... -s scripts/load-linkage-alerts.lua URL -- CAMERAS_FILE THREADS RATE

package.path = "scripts/lib/?.lua;" .. package.path
local pace = require("pace")
local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("id", #threads)
end

function init(args)
    cameras = {}
    for line in io.lines(args[1]) do
        if line ~= "" then cameras[#cameras + 1] = line end
    end
    math.randomseed(id * 104729)
    pace.start(tonumber(args[3]), tonumber(args[2]))
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    wrk.body = '{"note":"load"}'
    ranked, short, bad, behind = 0, 0, 0, 0
end

function delay()
    local wait = pace.delay()
    behind = pace.behind()
    return wait
end

function request()
    local camera = cameras[math.random(#cameras)]
    return wrk.format(nil, "/api/cameras/" .. camera .. "/alerts")
end

function response(status, headers, body)
    if status ~= 201 then
        bad = bad + 1
    else
        local _, candidates = body:gsub('"eta_s":', "")
        if candidates == 5 then ranked = ranked + 1 else short = short + 1 end
    end
end

function done()
    local t = { ranked = 0, short = 0, bad = 0, behind = 0 }
    for _, thread in ipairs(threads) do
        for k in pairs(t) do t[k] = t[k] + thread:get(k) end
    end
    io.write(string.format(
        "201 with 5 candidates: %d\n201 with fewer: %d\nother responses: %d\nslots late by over 100 ms: %d\n",
        t.ranked, t.short, t.bad, t.behind))
end
