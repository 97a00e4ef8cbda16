#!/usr/bin/env bash
# redis_sessions: session.save_handler = wincache with wincache.redis set, on a real redis-server
# (started here on loopback) and php-fpm masters that play separate web hosts (each its own
# namesalt: its own shared memory, as on separate machines). The checks (docs/redis.md, R-1..R-8;
# the tests T-S1..T-S9 of the research notes):
#   1. no lost update: 50 parallel n++ of one session spread over 3 hosts (0-50 ms each) → 50,
#      and every item once; the control (php8.2-redis's handler with its defaults, same Redis)
#      loses updates, so the count can fail
#   2. never stale across hosts: A writes, B reads, 150 times in random order of hosts; B's
#      own copy is used when current (host_copy grows), never when not
#   3. fencing: lease 2 s; X holds 4 s then writes; Y takes the session after the lease and
#      writes: X's write is refused (wrote=0, a warning), Y's data stays
#   4. a killed holder: kill -9 of the worker holding a session; the next request on the SAME
#      host gets it at once (< 1 s: the dead pid is noticed), on ANOTHER host within the lease
#   5. ABA: B has a copy; FLUSHALL; A recreates the session with other data; B reads A's data
#   6. Redis stopped (SIGSTOP) then killed: session_start fails within the read timeout (1 s;
#      < 5 s measured), nothing served from a host's copy; after SIGCONT and after a restart on
#      the same port (scripts gone: NOSCRIPT) sessions work again without restarting php-fpm
#   7. strict mode: a made-up id is replaced; an id destroyed on A is refused on B, which had it
#   8. lazy_write keeps a session alive: gc_maxlifetime 6 s, unchanged requests every 1 s for 7 s
#  10. max_execution_time in a __wakeup() during session_start()'s decode: the stored session is neither
#      wiped nor destroyed (docs/extension.md "Resource limits"), and the lock is released
#   9. the lock-wait budget: 5 requests holding one session 1.5 s each, wincache.sessionlockwait
#      2: the late ones fail cleanly ("gave up waiting"), no write fails after a successful read
# usage: test_redis_sessions.sh /path/to/wincache.so
source "$(dirname "$0")/../multiprocess/lib.sh"
source "$(dirname "$0")/lib.sh"
MP_WATCHDOG=${MP_WATCHDOG:-400}
redis_init redis_sessions "${1:?usage: $0 wincache.so}" rs.php
MP_CLEANUP='[ -n "${REDIS_PID:-}" ] && kill -CONT "$REDIS_PID" 2>/dev/null'
redis_start_first
APP=rt$SALT
# host NAME WORKERS [ENDPOINT_OPTIONS] [FPM FLAGS...] (lib.sh): every host runs sessions on Redis
HOST_FPM_D=(-d session.save_handler=wincache -d session.gc_probability=0)
host A 4 || exit 1
host B 4 || exit 1
host C 4 || exit 1
host D 3 "&lock_ttl=2" || exit 1   # D, E: a 2 s lease (fencing, a holder dead on another host)
host E 3 "&lock_ttl=2" || exit 1
A=${HOSTPORT[A]} B=${HOSTPORT[B]} C=${HOSTPORT[C]} D=${HOSTPORT[D]} E=${HOSTPORT[E]}

# ---- 1. no lost update over 3 hosts, and the control --------------------------------------------
lost_run() {  # lost_run SID EXTRA → prints final n and number of distinct items
  local sid=$1 extra=$2 i hosts=("$A" "$B" "$C") pids=()
  for i in $(seq 1 50); do
    req "${hosts[$((i % 3))]}" "op=inc&sid=$sid&item=i$i&ms=$((RANDOM % 51))$extra" >"$TMP/inc_${sid}_$i" & pids+=($!)
  done
  wait "${pids[@]}"
  local committed=0
  for i in $(seq 1 50); do grep -q '^wrote=1$' "$TMP/inc_${sid}_$i" && committed=$((committed + 1)); done
  local out; out=$(req "$A" "op=get&sid=$sid$extra")
  local n items
  n=$(field n <<<"$out"); items=$(field items <<<"$out" | tr ',' '\n' | grep -c . )
  echo "$committed $n $items"
}
read -r c1 n1 k1 <<<"$(lost_run lost1 "")"
check "1. 50 parallel updates of one session over 3 hosts: all committed, n=50, 50 items ($c1 committed, n=$n1, $k1 items)" \
  test "$c1" = 50 -a "$n1" = 50 -a "$k1" = 50
if php-fpm8.2 -m 2>/dev/null | grep -qx redis; then
  read -r c2 n2 k2 <<<"$(lost_run lost2 "&h=phpredis&rport=$RPORT")"
  info "control, php8.2-redis's handler (defaults: no locking), same run: $c2 committed, n=$n2, $k2 items"
  check "1. the control loses updates (the count can fail: n=$n2 < 50)" test "${n2:-50}" -lt 50
else
  info "control skipped: php8.2-redis is not loaded in php-fpm"
fi

# ---- 2. never stale across hosts -------------------------------------------------------------------
stale=0 bad=0 hosts=("$A" "$B" "$C")
for i in $(seq 1 150); do
  w=${hosts[$((RANDOM % 3))]} r=${hosts[$((RANDOM % 3))]}
  out=$(req "$w" "op=set&sid=xs&v=v$i") || { bad=$((bad + 1)); continue; }
  [ "$(field wrote <<<"$out")" = 1 ] || { bad=$((bad + 1)); continue; }
  out=$(req "$r" "op=get&sid=xs") || { bad=$((bad + 1)); continue; }
  [ "$(field v <<<"$out")" = "v$i" ] || stale=$((stale + 1))
done
check "2. 150 writes each read at once on a random host: 0 stale (stale $stale, failed $bad)" test "$stale" = 0 -a "$bad" = 0
# host copies are used when current: read the same session on B a few times without writes
for i in 1 2 3 4 5 6 7 8; do req "$B" "op=get&sid=xs" >/dev/null; done
hc=0
for i in 1 2 3 4; do
  out=$(req "$B" "op=get&sid=xs"); v=$(field host_copy <<<"$out"); ((v > hc)) && hc=$v
done
check "2. B served unchanged reads from its own copy (a worker's count $hc > 0)" test "$hc" -gt 0

# ---- 3. fencing after the lease ran out ---------------------------------------------------------
req "$D" "op=set&sid=fence&v=before" >/dev/null
req "$D" "op=late&sid=fence&ms=4000&v=late_x" >"$TMP/fx" & fx=$!
sleep 0.5
out_y=$(req "$E" "op=set&sid=fence&v=from_y")
wait $fx
out_x=$(cat "$TMP/fx")
final=$(req "$D" "op=get&sid=fence" | field v)
ystart=$(field start_ms <<<"$out_y")
info "3. Y waited ${ystart} ms for the session (X's lease: 2 s)"
check "3. Y got the session after X's lease and wrote it" test "$(field wrote <<<"$out_y")" = 1
check "3. X's late write was refused (wrote=$(field wrote <<<"$out_x")) with a warning" \
  bash -c '[ "$(sed -n "s/^wrote=//p" <<<"$1")" = 0 ] && grep -q "no longer holds its lock" <<<"$1"' _ "$out_x"
check "3. the session has Y's data ($final)" test "$final" = from_y

# ---- 4. a killed holder ----------------------------------------------------------------------------
killed_holder() {  # killed_holder HOLD_PORT NEXT_PORT SID → the next request's start_ms
  local pf=$TMP/logs/pid_$3  # (logs/: writable by the workers)
  rm -f "$pf"
  req "$1" "op=hold&sid=$3&ms=20000&pidfile=$pf" >/dev/null 2>&1 & local hp=$!
  until_true 10 test -s "$pf" || { echo -1; return; }
  kill -9 "$(cat "$pf")"
  wait $hp 2>/dev/null
  local out; out=$(req "$2" "op=set&sid=$3&v=after")
  [ "$(field wrote <<<"$out")" = 1 ] || { echo -2; return; }
  field start_ms <<<"$out"
}
req "$A" "op=set&sid=k1&v=committed" >/dev/null
same=$(killed_holder "$A" "$A" k1)
check "4. holder killed: the next request on the same host got the session in $same ms (< 10 s; the lease is 120 s)" \
  test "$same" -ge 0 -a "$same" -lt 10000
v=$(req "$B" "op=get&sid=k1" | field v)
check "4. ... and saw the last committed write, then its own (v=$v)" test "$v" = after
other=$(killed_holder "$D" "$E" k2)
check "4. holder killed on host D: host E got the session once the 2 s lease ran out ($other ms; a hang bound of 10 s)" \
  test "$other" -ge 0 -a "$other" -lt 10000

# ---- 5. ABA ---------------------------------------------------------------------------------------
req "$B" "op=set&sid=aba&v=d1" >/dev/null
req "$B" "op=get&sid=aba" >/dev/null
rcli flushall >/dev/null
req "$A" "op=set&sid=aba&v=d2" >/dev/null
v=$(req "$B" "op=get&sid=aba" | field v)
check "5. after FLUSHALL and a recreation on A, B reads A's data, not its old copy (v=$v)" test "$v" = d2

# ---- 6. Redis stopped, killed, back ---------------------------------------------------------------
req "$C" "op=set&sid=down&v=up" >/dev/null
req "$C" "op=get&sid=down" >/dev/null
kill -STOP "$REDIS_PID"
t0=$(date +%s%N)
out=$(req "$C" "op=get&sid=down")
ms=$((($(date +%s%N) - t0) / 1000000))
check "6. Redis stopped: session_start fails (started=$(field started <<<"$out")) in $ms ms (< 15 s: read_timeout 3 s, not the 30 s lock wait), nothing served" \
  bash -c '[ "$(sed -n "s/^started=//p" <<<"$1")" = 0 ] && [ -z "$(sed -n "s/^v=//p" <<<"$1")" ] && (( $2 < 15000 ))' _ "$out" "$ms"
grep -q "could not be read" <<<"$out" && pass "6. ... with the reason in a warning" || fail "6. no warning: $out"
t0=$(date +%s%N)
out=$(req "$C" "op=get&sid=down")
ms=$((($(date +%s%N) - t0) / 1000000))
check "6. ... the next start is refused by the host's circuit breaker, with a warning saying so ($ms ms; the read timeout is 3 s)" \
  bash -c '[ "$(sed -n "s/^started=//p" <<<"$1")" = 0 ] && grep -q "circuit breaker" <<<"$1"' _ "$out"
kill -CONT "$REDIS_PID"
session_back() { [ "$(req "$C" "op=get&sid=down" | field v)" = up ]; }
check "6. after SIGCONT the session is back once the breaker's pause (2-3 s) is over" until_true 10 session_back
kill -9 "$REDIS_PID"; wait "$REDIS_PID" 2>/dev/null
t0=$(date +%s%N)
out=$(req "$C" "op=get&sid=down")
ms=$((($(date +%s%N) - t0) / 1000000))
check "6. Redis killed: session_start fails ($ms ms < 15 s)" \
  bash -c '[ "$(sed -n "s/^started=//p" <<<"$1")" = 0 ] && (( $2 < 15000 ))' _ "$out" "$ms"
start_redis || exit 1
out=$(req "$C" "op=set&sid=down&v=again")
v=$(req "$A" "op=get&sid=down" | field v)
check "6. Redis restarted empty on the same port: sessions work again without restarting php-fpm (v=$v)" \
  test "$(field wrote <<<"$out")" = 1 -a "$v" = again

# ---- 7. strict mode --------------------------------------------------------------------------------
id=$(req "$A" "op=strict&sid=madeup123" | field id)
check "7. strict mode: a made-up id is replaced ($id)" test -n "$id" -a "$id" != madeup123
req "$B" "op=set&sid=gone1&v=x" >/dev/null; req "$B" "op=get&sid=gone1" >/dev/null
out=$(req "$A" "op=destroy&sid=gone1")
grep -q '^destroyed=1$' <<<"$out" || fail "7. destroy on A failed: $(tr '\n' ' ' <<<"$out")"
id=$(req "$B" "op=strict&sid=gone1" | field id)
check "7. an id destroyed on A is refused on B, which had a copy ($id)" test -n "$id" -a "$id" != gone1

# ---- 8. lazy_write keeps a session alive ----------------------------------------------------------
host F 2 "" -d session.gc_maxlifetime=6 -d session.lazy_write=1 || exit 1
F=${HOSTPORT[F]}
req "$F" "op=set&sid=lazy&v=alive" >/dev/null
for i in 1 2 3 4 5 6 7; do
  sleep 1; out=$(req "$F" "op=touch&sid=lazy"); [ "$(field wrote <<<"$out")" = 1 ] || fail "8. a touch failed: $out"
done
pttl=$(rcli pttl "$APP:s:lazy")
v=$(req "$F" "op=get&sid=lazy" | field v)
check "8. unchanged sessions every 1 s for 7 s kept a 6 s TTL alive (v=$v, PTTL $pttl ms > 1000)" \
  test "$v" = alive -a "$pttl" -gt 1000
sleep 8
v=$(req "$F" "op=get&sid=lazy" | field v)
check "8. ... and 8 s without a request ended it (v='$v')" test -z "$v"

# ---- 9. the lock-wait budget -----------------------------------------------------------------------
pids=()
for i in 1 2 3 4 5; do req "$A" "op=late&sid=budget&ms=1500&v=b$i&lw=2" >"$TMP/b_$i" & pids+=($!); sleep 0.05; done
wait "${pids[@]}"
ok=0 gave_up=0 bad=0
for i in 1 2 3 4 5; do
  s=$(field started <"$TMP/b_$i"); w=$(field wrote <"$TMP/b_$i")
  if [ "$s" = 1 ] && [ "$w" = 1 ]; then ok=$((ok + 1))
  elif [ "$s" = 0 ] && grep -q "gave up waiting" "$TMP/b_$i"; then gave_up=$((gave_up + 1))
  else bad=$((bad + 1)); fi
done
check "9. 5 holders of 1.5 s, a 2 s wait budget: $ok wrote, $gave_up gave up cleanly, $bad otherwise" \
  test "$ok" -ge 1 -a "$gave_up" -ge 1 -a "$bad" = 0

# ---- 10. a request that ends inside session_start()'s decode ---------------------------------------
req "$B" "op=setobj&sid=boom1&v=kept" >/dev/null
out=$(req "$B" "op=boom&sid=boom1")
v=$(req "$C" "op=get&sid=boom1" | field v)
out2=$(req "$B" "op=inc&sid=boom1")
check "10. max_execution_time in a __wakeup() during session_start(): the stored session is kept (v=$v) and not locked (next start $(field start_ms <<<"$out2") ms)" \
  test "$v" = kept -a "$(field wrote <<<"$out2")" = 1 -a "$(field start_ms <<<"$out2")" -lt 1000

exit $((MP_FAILS > 0))
