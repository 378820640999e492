-- wrk script for scripts/load-incidents.sh: every request files a valid incident with
-- POST /api/incidents, at a point inside the town and in a sub-category, both drawn at
-- random from the files the load script wrote (one "lon lat" and one code per line).
--   wrk ... -s scripts/load-incidents.lua URL -- POINTS_FILE CATEGORIES_FILE

local threads = {}
local points, categories = {}, {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("id", #threads)
end

function init(args)
    for line in io.lines(args[1]) do
        local lon, lat = line:match("^(%S+) (%S+)$")
        if lon then
            points[#points + 1] = { lon, lat }
        end
    end
    for line in io.lines(args[2]) do
        if line ~= "" then
            categories[#categories + 1] = line
        end
    end
    math.randomseed(id * 7919)
    wrk.method = "POST"
    wrk.path = "/api/incidents"
    wrk.headers["Content-Type"] = "application/json"
    -- Read by done() through thread:get, so global.
    created = 0
end

function request()
    local p = points[math.random(#points)]
    local body = string.format(
        '{"category":"%s","lon":%s,"lat":%s,"description":"load test","source":"dispatcher"}',
        categories[math.random(#categories)], p[1], p[2])
    return wrk.format(nil, nil, nil, body)
end

function response(status)
    if status == 201 then
        created = created + 1
    end
end

function done()
    local total = 0
    for _, thread in ipairs(threads) do
        total = total + thread:get("created")
    end
    io.write(string.format("201 responses: %d\n", total))
end
