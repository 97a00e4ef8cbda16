-- bench/php/wrk_report.lua: wrk -s script of bench/fpm.sh. Defines only done(), so wrk keeps its
-- static request and runs no Lua per request or response (no client-side cost added).
-- bench/php/wrk_sessions.lua (bench/sessions.sh) loads it with dofile for the same done().
-- done() prints one machine-readable line:
--   WRK_REPORT rps=R p50_ms=A p99_ms=B max_ms=C requests=N duration_s=D non2xx=S socket_errors=E
--              connect=.. read=.. write=.. timeout=..
-- rps = completed requests / the run's duration; latency percentiles are in microseconds in wrk,
-- printed here in ms. non2xx is wrk's errors.status (responses with status > 399, what wrk's own
-- summary calls "Non-2xx or 3xx responses"); socket_errors = connect + read + write + timeout.
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
