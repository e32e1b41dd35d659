-- wrk script: paces each wrk thread to a fixed request rate (wrk itself has no rate option).
-- PACE_INTERVAL_US (environment) is the time between two requests of one thread, in
-- microseconds: a thread's connections take send slots of a shared schedule, each slot that
-- much after the previous one, and a connection whose slot is still ahead waits for it
-- (delay()). A slot already past is taken at once, so the rate catches up after a slow
-- response instead of drifting down by the latency. Total rate = threads × 1e6 / interval.
local ffi = require("ffi")
ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } pace_timespec;
    int clock_gettime(int clock, pace_timespec* ts);
]]
local ts = ffi.new("pace_timespec")
local function now_us()
    ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
end

local interval = tonumber(os.getenv("PACE_INTERVAL_US") or "") or 10000
local next_slot = nil

function delay()
    local now = now_us()
    if next_slot == nil or next_slot < now - 1e6 then
        next_slot = now -- start, or more than a second behind: do not burst to catch up
    end
    local wait = next_slot - now
    next_slot = next_slot + interval
    if wait <= 0 then
        return 0
    end
    return math.floor(wait / 1000) -- wrk's delay is in milliseconds
end
