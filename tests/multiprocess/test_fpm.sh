#!/usr/bin/env bash
# mp_fpm: a php-fpm static pool of 4 workers (user nobody when root), driven with cgi-fcgi:
# the workers share one cache (shared_checks in lib.sh).
# usage: test_fpm.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
mp_init fpm "${1:?usage: $0 wincache.so|stub}"
port=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
retry_port start_fpm "$port" 4 || exit 1; port=$PORT_USED
info "php-fpm master $FPM_PID on $port, workers: $(workers "$FPM_PID" | tr '\n' ' ')"
if [ "$(id -u)" = 0 ]; then
  check "workers run as nobody" test "$(user_of "$(workers "$FPM_PID" | head -1)")" = nobody
fi
shared_checks fcgi "$port" 4
