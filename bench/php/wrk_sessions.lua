-- bench/php/wrk_sessions.lua: wrk -s script of bench/sessions.sh, page A.
--   wrk ... -s wrk_sessions.lua URL -- N
-- Each request carries the cookie of one of N sessions ("PHPSESSID=sess" + 28 digits, 0 .. N-1,
-- what session_page.php?op=populate created), drawn uniformly by math.random from a fixed seed:
-- every variant sees the same sequence. The N requests are formatted once in init(); request()
-- only picks one, so the client's cost per request is one Lua call, the same for every variant.
-- done() prints the same machine-readable line as wrk_report.lua:
--   WRK_REPORT rps=R p50_ms=A p99_ms=B max_ms=C requests=N duration_s=D non2xx=S socket_errors=E
--              connect=.. read=.. write=.. timeout=..
local reqs = {}
local n = 0

init = function(args)
  n = tonumber(args[1]) or 1000
  for i = 0, n - 1 do
    reqs[i + 1] = wrk.format(nil, nil, {["Cookie"] = string.format("PHPSESSID=sess%028d", i)})
  end
  math.randomseed(12345)
end

request = function()
  return reqs[math.random(n)]
end

done = function(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  local rps = 0
  if secs > 0 then rps = summary.requests / secs end
  io.write(string.format(
    "WRK_REPORT rps=%.2f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f requests=%d duration_s=%.3f " ..
    "non2xx=%d socket_errors=%d connect=%d read=%d write=%d timeout=%d\n",
    rps, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests, secs, e.status, e.connect + e.read + e.write + e.timeout,
    e.connect, e.read, e.write, e.timeout))
end
