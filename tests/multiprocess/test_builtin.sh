#!/usr/bin/env bash
# mp_builtin: the built-in web server with PHP_CLI_SERVER_WORKERS=4 (cli-server SAPI, no
# wincache.enablecli needed), driven with curl: the master and its 4 workers, which all serve
# requests, share one cache (shared_checks).
# usage: test_builtin.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
mp_init builtin "${1:?usage: $0 wincache.so|stub}"
port=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
retry_port start_builtin "$port" 4 || exit 1; port=$PORT_USED
info "built-in server $SRV_PID on $port, workers: $(workers "$SRV_PID" | tr '\n' ' ')"
check "4 workers" test "$(workers "$SRV_PID" | wc -l)" = 4
# The master serves requests too (5 serving processes): its parent is this shell, the workers'
# parent is the master. spread makes all 5 answer.
shared_checks http "$port" 5
