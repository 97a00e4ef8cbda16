#!/usr/bin/env bash
# mp_lock_kill: wincache_lock across workers of a php-fpm pool of 4.
#  - mutual exclusion: concurrent read-modify-writes of a plain entry under the lock lose nothing.
#  - request A takes wincache_lock('k') and sleeps 30 s; request B1 asking for 'k' meanwhile
#    waits; A's worker is kill -9'd; B1 then gets the lock within a few seconds, and a new
#    request B2 gets it at once.
#  - a script that takes a lock and never unlocks it: the lock is released at request end (the
#    next requests, in any worker, get it at once) and an E_WARNING about it is logged.
#  The second check is repeated with php-cgi (PHP_FCGI_CHILDREN=2).
# usage: test_lock_kill.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
mp_init lock_kill "${1:?usage: $0 wincache.so|stub}"
REQ_TIMEOUT=20
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

fcgi "$port" "op=lock_sleep&k=k&s=30" >"$TMP/A.txt" &
A=$!
H=""
for ((i = 0; i < 50; i++)); do
  b=$(fcgi "$port" "op=get&k=holder_k")
  [ "$(field ok <<<"$b")" = 1 ] && { H=$(field value <<<"$b"); break; }
  sleep 0.1
done
check "request A holds lock k (holder pid '$H')" test -n "$H"
[ -n "$H" ] || exit 1
check "the holder $H is a worker of the pool" grep -qx "$H" <<<"$(workers "$FPM_PID")"

fcgi "$port" "op=lock_try&k=k" >"$TMP/B1.txt" &
B1=$!
sleep 1.5
if kill -0 "$B1" 2>/dev/null; then pass "request B1 waits while A holds k"
else fail "request B1 did not wait for A's lock: $(tr '\n' ' ' <"$TMP/B1.txt")"; fi

t0=$(date +%s%N)
kill -9 "$H"
info "killed the holder $H"
for ((i = 0; i < 100; i++)); do kill -0 "$B1" 2>/dev/null || break; sleep 0.1; done
t1=$((($(date +%s%N) - t0) / 1000000))
b=$(cat "$TMP/B1.txt")
if kill -0 "$B1" 2>/dev/null; then
  fail "B1 still waits 10 s after the holder was killed"
else
  check "B1 (pid $(field pid <<<"$b")) got the lock $t1 ms after the kill (locked=$(field locked <<<"$b"), waited $(field wait_ms <<<"$b") ms)" \
    test "$(field locked <<<"$b")" = 1 -a "$t1" -lt 5000
fi
b=$(fcgi "$port" "op=lock_try&k=k")
check "B2 (pid $(field pid <<<"$b")) gets k at once (locked=$(field locked <<<"$b"), waited $(field wait_ms <<<"$b") ms)" \
  test "$(field locked <<<"$b")" = 1 -a "${b:+$(field wait_ms <<<"$b")}" -lt 2000
wait "$A"
check "request A failed (its worker was killed)" bash -c "! grep -q '^end=1' '$TMP/A.txt'"

# forgotten lock
forgotten() {  # forgotten PORT LOGFILE...
  local port=$1 b i slow=0 pids=()
  shift
  b=$(fcgi "$port" "op=lock_forget&k=f")
  check "a script (pid $(field pid <<<"$b")) locks f and ends without unlocking (locked=$(field locked <<<"$b"))" \
    test "$(field locked <<<"$b")" = 1
  local sp=()
  for i in 1 2 3 4; do fcgi "$port" "op=lock_try&k=f" >"$TMP/f_${port}_$i.txt" & sp+=($!); done
  wait "${sp[@]}"
  for i in 1 2 3 4; do
    b=$(cat "$TMP/f_${port}_$i.txt")
    pids+=("$(field pid <<<"$b")")
    [ "$(field locked <<<"$b")" = 1 ] && [ "$(field wait_ms <<<"$b")" -lt 3000 ] || { slow=$((slow + 1)); info "lock_try f: $(tr '\n' ' ' <<<"$b")"; }
  done
  check "4 later requests (pids ${pids[*]}) each got f at once" test "$slow" = 0
  sleep 0.3
  local w
  w=$(grep -h -i "warning" "$@" 2>/dev/null | grep -i -E "lock|unlock" | head -1)
  check "a warning about the forgotten lock was logged: ${w:-none in $*}" test -n "$w"
}
forgotten "$port" "$TMP/logs/php_fpm_$port.log" "$TMP/logs/fpm_$port.log"
pc=$(free_port $((port + 1))) || { fail "no free port"; exit 1; }
retry_port start_cgi "$pc" 2 || exit 1; pc=$PORT_USED
info "php-cgi master $CGI_PID on $pc"
forgotten "$pc" "$TMP/logs/cgi_$pc.log" "$TMP/logs/cgi_$pc.out" "$TMP/logs/cgi-fcgi.err"
