-- wrk script for scripts/bench.py: headers, method and body from the environment; each
-- POST gets a fresh email address ("{n}" in the body); prints one JSON line at the end.
local headers = os.getenv("BENCH_HEADERS") or ""
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local expected = (method == "POST") and 302 or 200
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  unexpected = 0
  counter = 0
  for line in headers:gmatch("[^\n]+") do
    local name, value = line:match("^([^:]+):%s*(.*)$")
    if name then wrk.headers[name] = value end
  end
  if body then wrk.headers["Content-Type"] = "application/x-www-form-urlencoded" end
end

function request()
  if body then
    counter = counter + 1
    local filled = body:gsub("%%7Bn%%7D", id .. "x" .. counter)
    return wrk.format(method, nil, nil, filled)
  end
  return wrk.format(method)
end

function response(status, headers, body)
  if status ~= expected then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local bad = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  for _, thread in ipairs(threads) do bad = bad + thread:get("unexpected") end
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %f, "p50": %d, "p95": %d, "p99": %d, "bad": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), bad))
end
