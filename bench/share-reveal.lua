-- wrk: each connection alternates POST /api/v1/share and POST /api/v1/secret/<key> (the fixed
-- server always answers the same share, so the reveal key is known up front: no response parsing,
-- which keeps wrk at the machine's limit). done() prints one JSON line for bench/run.mjs.
local auth = "Basic " .. (os.getenv("OTS_BENCH_AUTH") or "")
local key = os.getenv("OTS_BENCH_KEY") or "x"
local share, reveal

-- wrk.headers holds Host only once the thread is set up: build the requests here.
init = function(args)
  local function headers(extra)
    local h = { ["Host"] = wrk.headers["Host"], ["Authorization"] = auth, ["Accept"] = "application/json" }
    for k, v in pairs(extra) do h[k] = v end
    return h
  end
  share = wrk.format("POST", "/api/v1/share",
    headers({ ["Content-Type"] = "application/x-www-form-urlencoded" }), "secret=bench%20secret&ttl=3600")
  reveal = wrk.format("POST", "/api/v1/secret/" .. key, headers({}), "")
end
local n = 0

request = function()
  n = n + 1
  if n % 2 == 1 then return share end
  return reveal
end

done = function(summary, latency, requests)
  io.write(string.format(
    '\nWRKJSON {"requests":%d,"duration_us":%d,"errors":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
