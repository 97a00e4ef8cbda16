#!/usr/bin/env bash
# mp_fpm_default_stop: php-fpm stopped the common way: SIGTERM (what `systemctl stop php8.2-fpm`
# sends; also what the master itself sends its workers right after SIGQUIT when
# process_control_timeout = 0, the default), after which the master SIGKILLs what is left. The
# workers die without MSHUTDOWN, so their group stays in /dev/shm for now (reported as info).
# Checked: the next start (a new master, so a new group) sweeps that dead group away when its
# first worker joins; and a graceful stop of that one leaves nothing (mp_finish).
# usage: test_fpm_default_stop.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
mp_init fpm_default_stop "${1:?usage: $0 wincache.so|stub}"
FPM_PCT=0
FPM_LOGLEVEL=debug
port=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
retry_port start_fpm "$port" 4 || exit 1; port=$PORT_USED
A=$FPM_PID
sp=()
for i in 1 2 3 4; do fcgi "$port" "op=selfcheck&k=k$i&ms=200" >"$TMP/s_$i.txt" & sp+=($!); done
wait "${sp[@]}"
check "4 workers of master $A used the cache ($(cat "$TMP"/s_*.txt | grep -c '^ok=1') ok)" test "$(cat "$TMP"/s_*.txt | grep -c '^ok=1')" = 4
kill -TERM "$A"
for ((i = 0; i < 50; i++)); do kill -0 "$A" 2>/dev/null || break; sleep 0.1; done
check "php-fpm $A stopped by SIGTERM" bash -c "! kill -0 $A 2>/dev/null"
info "workers exited on SIGTERM: $(grep -c 'exited on signal 15' "$TMP/logs/fpm_$port.log"), on SIGKILL: $(grep -c 'exited on signal 9' "$TMP/logs/fpm_$port.log")"
[ "$SO" = stub ] && exit 0
left=$(shm_names | grep -E "^wincache_[0-9]+_p${A}_${SALT}_")
info "left in /dev/shm by the stop (until another group joins): $(echo ${left:-nothing})"

FPM_PCT=10s
port2=$(free_port $((port + 1))) || { fail "no free port"; exit 1; }
retry_port start_fpm "$port2" 2 || exit 1; port2=$PORT_USED
b=$(fcgi "$port2" "op=selfcheck&k=x")
check "a new php-fpm ($FPM_PID) works (ok=$(field ok <<<"$b"))" test "$(field ok <<<"$b")" = 1
for ((i = 0; i < 20; i++)); do
  left=$(shm_names | grep -E "^wincache_[0-9]+_p${A}_${SALT}_")
  [ -z "$left" ] && break
  sleep 0.1
done
check "the dead group of master $A is swept when the new group's first worker joins${left:+ (left: $(echo $left))}" test -z "$left"
