#!/usr/bin/env bash
# mp_fpm_default_stop: php-fpm stopped the common way: SIGTERM (what `systemctl stop php8.2-fpm`
# sends, to the master and, KillMode=control-group, the workers; also what the master itself sends
# its workers right after SIGQUIT when process_control_timeout = 0, the default). The workers die
# without MSHUTDOWN; the master, which loaded the extension but never joined the group, exits
# last. Nothing of the group may stay in /dev/shm (each restart would leak another group).
# usage: test_fpm_default_stop.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
mp_init fpm_default_stop "${1:?usage: $0 wincache.so|stub}"
FPM_PCT=0
FPM_LOGLEVEL=debug
port=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
retry_port start_fpm "$port" 4 || exit 1; port=$PORT_USED
sp=()
for i in 1 2 3 4; do fcgi "$port" "op=selfcheck&k=k$i&ms=200" >"$TMP/s_$i.txt" & sp+=($!); done
wait "${sp[@]}"
check "4 workers used the cache ($(cat "$TMP"/s_*.txt | grep -c '^ok=1') ok)" test "$(cat "$TMP"/s_*.txt | grep -c '^ok=1')" = 4
info "in /dev/shm: $(echo $(shm_left "$SALT"))"
kill -TERM "$FPM_PID"
for ((i = 0; i < 50; i++)); do kill -0 "$FPM_PID" 2>/dev/null || break; sleep 0.1; done
check "php-fpm stopped" bash -c "! kill -0 $FPM_PID 2>/dev/null"
info "$(grep -c 'exited on signal 15' "$TMP/logs/fpm_$port.log") workers exited on SIGTERM"
# mp_finish checks /dev/shm
