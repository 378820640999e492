-- Pacing for the wrk scripts of scripts/load-linkage.sh: each wrk thread sends its share
-- of RATE requests a second on an absolute schedule, whatever its connections' latency
-- (as long as they keep up). wrk's Lua has no clock finer than a second, so this reads
-- the wall clock from /proc/uptime (10 ms steps); the schedule is kept in milliseconds
-- and errors do not accumulate.
--   pace.start(rate, threads)  once per thread, in init()
--   pace.delay()               from delay(): milliseconds to wait before the next request

local pace = {}
local interval, next_due, behind = nil, nil, 0

-- Opened afresh each time: a seek back to the start of the open file rereads nothing.
local function now_ms()
    local uptime = assert(io.open("/proc/uptime", "r"))
    local seconds = uptime:read("*l"):match("^(%S+)")
    uptime:close()
    return tonumber(seconds) * 1000
end

function pace.start(rate, threads)
    interval = 1000 * threads / rate
end

function pace.delay()
    local now = now_ms()
    next_due = next_due or now
    local wait = next_due - now
    next_due = next_due + interval
    if wait < -100 then
        -- More than 100 ms behind: the connections do not keep up; count it, catch up.
        behind = behind + 1
    end
    return math.max(0, math.floor(wait))
end

-- Slots that came more than 100 ms late (read by done() through thread:get).
function pace.behind()
    return behind
end

return pace
