#!/usr/bin/env bash
# mp_fpm_default_stop: php-fpm stopped the common way and the hard way, as root with its pool
# running as another user (nobody).
#   1. SIGTERM (what `systemctl stop php8.2-fpm` sends; also what the master itself sends its
#      workers right after SIGQUIT when process_control_timeout = 0, the default): the workers
#      die without module shutdown, the master runs its own and drops the pin its workers set
#      (SEG-9), as their user. Nothing of the group may stay in /dev/shm (defect 13 of the
#      hostile test: with a pool user other than root it all stayed).
#   2. SIGKILL of the master and its workers: nothing runs, the group stays behind; the next
#      start (a new master, so a new group) sweeps it when its first worker joins (SEG-8), if
#      no other process of this user (another test running beside this one) swept it first.
# usage: test_fpm_default_stop.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
mp_init fpm_default_stop "${1:?usage: $0 wincache.so|stub}"
FPM_PCT=0
FPM_LOGLEVEL=debug
group_of() { shm_names | grep -E "^wincache_[0-9]+_.*_p$1$(salt_tag "$SALT")_"; }

port=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
retry_port start_fpm "$port" 4 || exit 1; port=$PORT_USED
A=$FPM_PID
# all 4 workers at once (spread), so every one of them has joined the group and used the cache
if spread fcgi "$port" 4 "op=selfcheck&k=k"; then
  badw=$(spread_answers ok | awk '$2 != 1')
  check "all 4 workers of master $A ($SPREAD_PIDS) used the cache${badw:+; failed: $badw}" test -z "$badw"
fi
[ "$SO" != stub ] && info "group of master $A: $(echo $(group_of "$A"))"
kill -TERM "$A"
gone() { ! kill -0 "$1" 2>/dev/null; }
check "php-fpm $A stopped by SIGTERM" until_true "$HANG" gone "$A"
info "workers exited on SIGTERM: $(grep -c 'exited on signal 15' "$TMP/logs/fpm_$port.log"), on SIGKILL: $(grep -c 'exited on signal 9' "$TMP/logs/fpm_$port.log")"
[ "$SO" = stub ] && exit 0
left=$(group_of "$A")
check "nothing of master $A's group is left after a SIGTERM stop${left:+ (left: $(echo $left))}" test -z "$left"

FPM_PCT=10s
port2=$(free_port $((port + 1))) || { fail "no free port"; exit 1; }
retry_port start_fpm "$port2" 2 || exit 1; port2=$PORT_USED
B=$FPM_PID
b=$(fcgi "$port2" "op=selfcheck&k=x")
check "php-fpm $B works (ok=$(field ok <<<"$b"))" test "$(field ok <<<"$b")" = 1
ws=$(workers "$B")
kill -KILL "$B"   # the master first: it can no longer respawn the workers
for w in $ws; do kill -KILL "$w"; done
check "php-fpm $B is gone" until_true "$HANG" gone "$B"
for w in $ws; do check "its worker $w is gone" until_true "$HANG" gone "$w"; done
# Nothing ran: the group stays behind, until a start of this user sweeps it (another test's
# process may do so first; either way the property below holds).
info "left behind by the SIGKILLed master $B: $(echo $(group_of "$B"))"

port3=$(free_port $((port2 + 1))) || { fail "no free port"; exit 1; }
retry_port start_fpm "$port3" 2 || exit 1; port3=$PORT_USED
b=$(fcgi "$port3" "op=selfcheck&k=y")
check "a new php-fpm ($FPM_PID) works (ok=$(field ok <<<"$b"))" test "$(field ok <<<"$b")" = 1
# The sweep ran when the new group started (before that answer); a sweep of another process of
# this user that got there first may still be removing it: wait for that, bounded.
no_group_of() { [ -z "$(group_of "$1")" ]; }
until_true "$HANG" no_group_of "$B"
left=$(group_of "$B")
check "the dead group of master $B is swept when the new group's first worker joins${left:+ (left: $(echo $left))}" test -z "$left"
