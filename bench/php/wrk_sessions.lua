-- bench/php/wrk_sessions.lua: wrk -s script of bench/sessions.sh, page A.
--   wrk ... -s wrk_sessions.lua URL -- N
-- Each request carries the cookie of one of N sessions ("PHPSESSID=sess" + 28 digits, 0 .. N-1,
-- what session_page.php?op=populate created), drawn uniformly by math.random from a fixed seed:
-- every variant sees the same sequence. The N requests are formatted once in init(); request()
-- only picks one, so the client's cost per request is one Lua call, the same for every variant.
-- done() is wrk_report.lua's, loaded from this script's directory: the same machine-readable line
--   WRK_REPORT rps=R p50_ms=A p99_ms=B max_ms=C requests=N duration_s=D non2xx=S socket_errors=E
--              connect=.. read=.. write=.. timeout=..
-- (wrk runs this file by its path, so the chunk's source "@<path>" names the directory.)
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "wrk_report.lua")

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
