#!/usr/bin/env bash
# mp_lock_kill: wincache_lock across workers of a php-fpm pool of 4.
#  - mutual exclusion: concurrent read-modify-writes of a plain entry under the lock lose nothing.
#  - request A takes wincache_lock('k') and holds it (until killed); request B1 asking for 'k' meanwhile
#    waits (its worker asleep in the lock's wait); A's worker is kill -9'd; B1 then gets the lock
#    (taken over from the dead holder: otherwise it would time out), and a new request B2 gets it.
#  - a script that takes a lock and never unlocks it: the lock is released at request end (the
#    next requests, in any worker, get it, where a held lock would refuse them after t=5 s) and
#    an E_WARNING about it is logged.
#  The second check is repeated with php-cgi (PHP_FCGI_CHILDREN=2).
# usage: test_lock_kill.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
mp_init lock_kill "${1:?usage: $0 wincache.so|stub}"
REQ_TIMEOUT=40   # a hang bound, above the 30 s a lock wait may last (max_execution_time)
port=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
retry_port start_fpm "$port" 4 || exit 1; port=$PORT_USED
info "php-fpm master $FPM_PID on $port, workers: $(workers "$FPM_PID" | tr '\n' ' ')"

# mutual exclusion: 4 concurrent clients x 5 requests x 10 read-modify-writes under the lock
lp=()
for c in 1 2 3 4; do
  ( for ((i = 0; i < 5; i++)); do fcgi "$port" "op=lock_incr&k=L&n=10" | grep -E '^(pid|bad)='; done ) >"$TMP/L_$c.txt" &
  lp+=($!)
done
wait "${lp[@]}"
b=$(fcgi "$port" "op=get&k=plain_L")
lbad=$(cat "$TMP"/L_*.txt | awk -F= '$1 == "bad" {s += $2} END {print s + 0}')
lpids=$(cat "$TMP"/L_*.txt | grep -c '^pid=')
check "200 read-modify-writes under wincache_lock from 4 clients: plain_L = 200 ($(field value <<<"$b")), $lpids/20 requests answered, $lbad lock/unlock failures" \
  test "$(field value <<<"$b"):$lpids:$lbad" = "200:20:0"

fcgi "$port" "op=lock_sleep&k=k&s=60&until=never_k" >"$TMP/A.txt" &   # holds k until killed
A=$!
holder() { H=$(fcgi "$port" "op=get&k=holder_k" | awk -F= '$1 == "ok" {ok = $2} $1 == "value" {v = $2} END {if (ok == 1) print v}'); [ -n "$H" ]; }
H=""
until_true "$HANG" holder
check "request A holds lock k (holder pid '$H')" test -n "$H"
[ -n "$H" ] || exit 1
check "the holder $H is a worker of the pool" grep -qx "$H" <<<"$(workers "$FPM_PID")"

# B1 asks for k (w=1: it first records waiter_k = its pid); it must be asleep in the lock's wait
# (a futex, polled every 20 ms) before the holder dies.
fcgi "$port" "op=lock_try&k=k&w=1" >"$TMP/B1.txt" &
B1=$!
waiter() { W=$(fcgi "$port" "op=get&k=waiter_k" | awk -F= '$1 == "ok" {ok = $2} $1 == "value" {v = $2} END {if (ok == 1) print v}'); [ -n "$W" ]; }
in_futex() { [ "$(cut -d' ' -f1 "/proc/$1/syscall" 2>/dev/null)" = 202 ]; }   # SYS_futex (x86_64)
W=""
until_true "$HANG" waiter
check "request B1 is about to wait for k (waiter pid '$W')" test -n "$W"
if [ "$(uname -m)" = x86_64 ] && [ "$SO" != stub ]; then  # (the stub's lock is a flock)
  check "B1's worker $W sleeps in the lock's wait while A holds k" until_true "$HANG" in_futex "$W"
fi
check "B1 has no answer while A holds k" kill -0 "$B1"

t0=$(date +%s%N)
kill -9 "$H"
info "killed the holder $H"
wait "$B1"   # bounded by REQ_TIMEOUT, and the lock wait by max_execution_time (30 s)
t1=$((($(date +%s%N) - t0) / 1000000))
b=$(cat "$TMP/B1.txt")
# Not taken over, B1 would wait until its request times out (no answer) or its lock timeout
# (locked=0): locked=1 is the takeover, however long the machine took to schedule it.
check "B1 (pid $(field pid <<<"$b")) got the lock after the holder was killed (locked=$(field locked <<<"$b"), $t1 ms after the kill, waited $(field wait_ms <<<"$b") ms in all)" \
  test "$(field locked <<<"$b")" = 1
b=$(fcgi "$port" "op=lock_try&k=k&t=5")
check "B2 (pid $(field pid <<<"$b")) then gets k (locked=$(field locked <<<"$b"), waited $(field wait_ms <<<"$b") ms)" \
  test "$(field locked <<<"$b")" = 1
wait "$A"
check "request A failed (its worker was killed)" bash -c "! grep -q '^end=1' '$TMP/A.txt'"

# forgotten lock
forgotten() {  # forgotten PORT NPROCS LOGFILE...
  local port=$1 np=$2 b i slow=0
  shift 2
  b=$(fcgi "$port" "op=lock_forget&k=f")
  check "a script (pid $(field pid <<<"$b")) locks f and ends without unlocking (locked=$(field locked <<<"$b"))" \
    test "$(field locked <<<"$b")" = 1
  # The script's worker lives on: had f not been released at its request end, a request in any
  # other worker would wait for it until its lock timeout (t=5) and be refused (locked=0). Every
  # worker asks at once (spread), so NPROCS-1 of them are not the script's.
  if spread fcgi "$port" "$np" "op=lock_try&k=f&t=5"; then
    slow=$(spread_answers locked | awk '$2 != 1')
    check "later requests in all $np workers ($SPREAD_PIDS) each got f${slow:+; refused: $slow}" test -z "$slow"
  fi
  local w=""
  logged() { w=$(grep -h -i "warning" "$@" 2>/dev/null | grep -i -E "lock|unlock" | head -1); [ -n "$w" ]; }
  until_true "$HANG" logged "$@"
  check "a warning about the forgotten lock was logged: ${w:-none in $*}" test -n "$w"
}
forgotten "$port" 4 "$TMP/logs/php_fpm_$port.log" "$TMP/logs/fpm_$port.log"
pc=$(free_port $((port + 1))) || { fail "no free port"; exit 1; }
retry_port start_cgi "$pc" 2 || exit 1; pc=$PORT_USED
info "php-cgi master $CGI_PID on $pc"
forgotten "$pc" 2 "$TMP/logs/cgi_$pc.log" "$TMP/logs/cgi_$pc.out" "$TMP/logs/cgi-fcgi.err"
