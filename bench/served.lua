-- wrk script of bench/served.py: rotates the logged-in sessions over the requests, counts
-- every answer that is not a 200 (a redirect to the login page is an error too) and prints
-- one JSON line at the end.
local threads = {}
local cookies = {}
for c in string.gmatch(os.getenv("SERVED_COOKIES") or "", "[^|]+") do
  table.insert(cookies, c)
end
local target = os.getenv("SERVED_PATH")

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  n = 0
end

function request()
  n = n + 1
  local headers = {["Accept-Encoding"] = "gzip, br", ["Accept"] = "text/html"}
  if #cookies > 0 then
    headers["Cookie"] = cookies[(n % #cookies) + 1]
  end
  return wrk.format("GET", target, headers)
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local bad_total = 0
  for _, t in ipairs(threads) do
    bad_total = bad_total + (t:get("bad") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"non200": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), bad_total, e.connect, e.read, e.write, e.timeout))
end
