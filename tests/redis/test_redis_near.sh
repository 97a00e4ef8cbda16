#!/usr/bin/env bash
# redis_near: the user cache on Redis with each host's shared memory in front (wincache.redis
# with ucache=near; docs/redis.md "User cache near cache", N1-N11), on a real redis-server
# (started here on loopback) and php-fpm masters that play separate hosts (each its own
# namesalt: its own shared memory and its own invalidation listener, as on separate machines).
#   A, B  D = 1 s (the default staleness bound)
#   C     D = 3 s, debug_delay=400 (a pause between Redis's answer and the local store of keys
#         named __delay__*: the fill and write races)
#   U     as C with debug_unguarded=1: the NEGATIVE TWIN, local copies served unchecked. Each
#         check that U can fail is run on U too and must fail there ("caught"), so the check is
#         shown able to fail.
# The checks (the tests T-N1..T-N12 of the research notes):
#   N1  coherence: B writes, A (which had the old value cached and served it locally) sees the new
#       value: latency percentiles reported, max asserted < D + 2 s only (a hang bound)
#   N2  the fill race: C reads k (old), B writes k during C's pause before the local store; C must
#       show the new value within 2 D (U keeps the old one)
#   N3  the write race: C writes k, B writes k during C's pause; C must agree with Redis within D
#   Z   arrays: a near hit hands the host's zero-copy image out (no decoding, no copy); an image
#       with a stale stamp is never handed out (U hands it out)
#   N4  CLIENT KILL TYPE pubsub: every host's epoch moves, a key written meanwhile is never read
#       stale, trust comes back
#   N5  CLIENT KILL of the tracking connections: the same
#   N6  listener SIGSTOP: A bypasses its copies after D (a value written meanwhile is read fresh;
#       U serves the old one); after SIGCONT: a flush (doubts + 1), then trusted again
#   N7  Redis SIGSTOP / kill -9 / restart: gets fail open (false) within the timeout, the breaker
#       makes the next ones fast, no local hit while untrusted; after a restart nothing from
#       before is served
#   N8  FLUSHDB in another db flushes every host (epochs move); after FLUSHALL no host serves its
#       copy (U does)
#   N9  ttl 1 s on C (D = 3 s), listener stopped: no host serves k after 1 s (U does)
#   N10 offline bounded-staleness check over a read log: every read >= the last value whose write
#       finished before (read start - D) (U's log fails it)
#   N12 exact counters under parallel inc/dec from all hosts; the control (get + set) loses
#       updates; inc of a non-integer value is refused
#   L   wincache_lock across hosts: mutual exclusion of overlapping holders on two hosts
#   *   no listener process and no /dev/shm object left after the masters stop
# usage: test_redis_near.sh /path/to/wincache.so
set -uo pipefail
source "$(dirname "$0")/../multiprocess/lib.sh"
source "$(dirname "$0")/lib.sh"
MP_WATCHDOG=${MP_WATCHDOG:-300}
redis_init redis_near "${1:?usage: $0 wincache.so}" nc.php
nf() { req "$1" op=info | field "$2"; }  # nf PORT FIELD: one near-cache figure of a host
LISTENERS=()
MP_CLEANUP='[ -n "${REDIS_PID:-}" ] && kill -CONT "$REDIS_PID" 2>/dev/null; for l in "${LISTENERS[@]}"; do kill -CONT "$l" 2>/dev/null; done'
redis_start_first
APP=nt$SALT
# host NAME WORKERS [ENDPOINT_OPTIONS] (lib.sh): every host runs the user cache's near cache
HOST_OPTS="&ucache=near"
host A 3 || exit 1
host B 3 || exit 1
host C 3 "&staleness=3000&debug_delay=400" || exit 1
host U 3 "&staleness=3000&debug_delay=400&debug_unguarded=1" || exit 1
A=${HOSTPORT[A]} B=${HOSTPORT[B]} C=${HOSTPORT[C]} U=${HOSTPORT[U]}
trusted() { [ "$(nf "$1" trusted)" = 1 ]; }
for h in A B C U; do
  p=${HOSTPORT[$h]}
  req "$p" "op=get&k=warm" >/dev/null  # the first call starts the host's listener
  until_true "$HANG" trusted "$p" || fail "host $h: the near cache did not become trusted"
  LISTENERS+=("$(nf "$p" listener_pid)")
done
info "listeners: ${LISTENERS[*]}"
check "every host runs its own listener (4 distinct pids)" \
  test "$(printf '%s\n' "${LISTENERS[@]}" | sort -u | grep -c '^[1-9]')" = 4
# cache k on X: get until a call is served locally (bounded)
cached() { [ "$(req "$1" "op=get&k=$2&n=3" | field hits)" -ge 1 ]; }

# ---- N1: coherence latency ---------------------------------------------------------------------
lat=()
for i in $(seq 1 20); do
  req "$B" "op=set&k=n1&v=old$i" >/dev/null
  until_true 10 cached "$A" n1 || { fail "N1: A never served n1 locally"; break; }
  req "$A" "op=poll&k=n1&old=old$i&ms=8000" >"$TMP/poll.out" & pp=$!
  sleep 0.05
  tw=$(req "$B" "op=set&k=n1&v=new$i" | field t)
  wait $pp
  v=$(field v <"$TMP/poll.out"); ts=$(field t <"$TMP/poll.out")
  [ "$v" = "new$i" ] || { fail "N1: A read '$v' after B wrote new$i"; continue; }
  lat+=("$(awk -v a="$ts" -v b="$tw" 'BEGIN { d = (a - b) * 1000; printf "%.1f", d < 0 ? 0 : d }')")
done
stats=$(printf '%s\n' "${lat[@]}" | sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "n=%d p50=%s p99=%s max=%s", NR, v[int((NR + 1) / 2)], v[int(NR * 0.99 + 0.999)], v[NR] }')
info "N1 coherence latency (ms, write acknowledged on B -> seen on A): $stats"
maxl=$(printf '%s\n' "${lat[@]}" | sort -n | tail -1)
check "N1. B's write seen on A every time ($stats; bound D + 2 s)" \
  awk -v m="${maxl:-99999}" -v n="${#lat[@]}" 'BEGIN { exit !(n == 20 && m < 3000) }'

# ---- N2: the fill race -------------------------------------------------------------------------
fill_race() {  # fill_race PORT KEY → the value PORT shows 2 D (6 s) later
  req "$B" "op=set&k=$2&v=old" >/dev/null
  req "$1" "op=get&k=$2" >/dev/null &   # reads "old" from Redis, pauses 400 ms, stores
  local g=$!
  sleep 0.15
  req "$B" "op=set&k=$2&v=new" >/dev/null
  wait $g
  sleep 0.5
  req "$1" "op=poll&k=$2&old=old&ms=6000" | field v
}
v=$(fill_race "$C" __delay__n2)
check "N2. fill race: C shows B's write (v=$v) within 2 D, never keeps the value it read before it" test "$v" = new
v=$(fill_race "$U" __delay__n2u)
check "N2. ... the unguarded twin keeps the old value (v=$v): the check can fail" test "$v" = old

# ---- N3: the write race ------------------------------------------------------------------------
write_race() {  # write_race PORT KEY → "local redis"
  req "$1" "op=set&k=$2&v=mine" >/dev/null &
  local g=$! mine redis
  sleep 0.15
  req "$B" "op=set&k=$2&v=theirs" >/dev/null
  wait $g
  sleep 3.5   # D of C/U, and more
  mine=$(req "$1" "op=get&k=$2&n=3" | field v)
  redis=$(rcli get "$APP:u:$2" | tr -d '\000-\037')  # past the format tag and type bytes
  echo "$mine $redis"
}
r=$(write_race "$C" __delay__n3)
check "N3. write race: C agrees with Redis within D (C, Redis: $r)" test "$r" = "theirs theirs"
r=$(write_race "$U" __delay__n3u)
check "N3. ... the unguarded twin does not (U, Redis: $r): the check can fail" test "$r" = "mine theirs"

# ---- Z: the host's copies of arrays are zero-copy images ---------------------------------------
# (php-fpm: wincache.ucache_zero_copy is on by default.) Z1: a near hit of an array is handed out
# without decoding or copying (every local hit counted as a zero-copy hand-out). Z2: an image
# whose stamp no longer validates (B wrote the key; A's listener moved its stripe) is never handed
# out: A rejects it (the host's guard_rejections) and reads B's value; U hands the stale image out.
req "$B" "op=set&k=z1&v=one&arr=2000" >/dev/null
until_true 10 cached "$A" z1
out=$(req "$A" "op=get&k=z1&n=5")
check "Z1. a near hit of an array is handed out zero-copy on A (ucache_zero_copy=$(field zcmode <<<"$out"); 5 gets: v=$(field v <<<"$out"), local hits $(field hits <<<"$out"), zero-copy hand-outs $(field zc <<<"$out"))" \
  test "$(field zcmode <<<"$out")" = 1 -a "$(field v <<<"$out")" = one/2000 -a "$(field hits <<<"$out")" -ge 1 \
  -a "$(field zc <<<"$out")" = "$(field hits <<<"$out")"
stale_image() {  # stale_image PORT → the get's answer after B's write was processed on PORT
  req "$B" "op=set&k=z2&v=old&arr=2000" >/dev/null
  until_true 10 cached "$1" z2
  local i0; i0=$(nf "$1" invalidations)
  req "$B" "op=set&k=z2&v=new&arr=2000" >/dev/null
  inval_seen() { [ "$(nf "$1" invalidations)" -gt "$2" ]; }
  until_true 10 inval_seen "$1" "$i0"
  req "$1" "op=get&k=z2"
}
out=$(stale_image "$A")
check "Z2. an image with a stale stamp is not handed out: A read v=$(field v <<<"$out") (guard rejections $(field rej <<<"$out"), zero-copy hand-outs $(field zc <<<"$out"))" \
  test "$(field v <<<"$out")" = new/2000 -a "$(field rej <<<"$out")" = 1 -a "$(field zc <<<"$out")" = 0
out=$(stale_image "$U")
check "Z2. ... the unguarded twin hands the stale image out (v=$(field v <<<"$out"), zero-copy hand-outs $(field zc <<<"$out")): the check can fail" \
  test "$(field v <<<"$out")" = old/2000 -a "$(field zc <<<"$out")" = 1

# ---- N4 / N5: connection kills -----------------------------------------------------------------
kill_check() {  # kill_check LABEL CMD...: CMD cuts the listeners' connections
  local label=$1; shift
  req "$A" "op=set&k=n4&v=before" >/dev/null
  until_true 10 cached "$A" n4
  until_true 10 cached "$U" n4
  local ea eb d0 va vu ea1 eb1
  ea=$(nf "$A" epoch); eb=$(nf "$B" epoch); d0=$(nf "$A" doubts)
  "$@"
  req "$B" "op=set&k=n4&v=during" >/dev/null
  va=$(req "$A" "op=poll&k=n4&old=before&ms=2500" | field v)
  vu=$(req "$U" "op=poll&k=n4&old=before&ms=2500" | field v)
  ea1=$(nf "$A" epoch); eb1=$(nf "$B" epoch)
  check "$label: A reads the value written after the kill (v=$va), epochs moved (A $ea -> $ea1, B $eb -> $eb1), doubts $d0 -> $(nf "$A" doubts)" \
    test "$va" = during -a "$ea1" -gt "$ea" -a "$eb1" -gt "$eb"
  check "$label: ... the unguarded twin reads the old value (v=$vu): the check can fail" test "$vu" = before
  check "$label: trust comes back after reconnect + canary" until_true "$HANG" trusted "$A"
  for h in B C U; do until_true "$HANG" trusted "${HOSTPORT[$h]}"; done
}
kill_pubsub() { rcli client kill type pubsub >/dev/null; }
kill_tracking() {  # the tracking connections: flag t in CLIENT LIST
  local ids
  ids=$(rcli client list | awk '{ f = ""; id = ""; for (i = 1; i <= NF; i++) { if ($i ~ /^flags=/) f = $i; if ($i ~ /^id=/) id = substr($i, 4) } if (f ~ /t/) print id }')
  info "N5: tracking connections: $(echo $ids)"
  for t in $ids; do rcli client kill id "$t" >/dev/null; done
}
kill_check "N4. CLIENT KILL TYPE pubsub" kill_pubsub
kill_check "N5. CLIENT KILL ID of the tracking connections" kill_tracking

# ---- N6: the listener stopped ------------------------------------------------------------------
req "$A" "op=set&k=n6&v=before" >/dev/null
until_true 10 cached "$A" n6
until_true 10 cached "$U" n6
la=$(nf "$A" listener_pid); lu=$(nf "$U" listener_pid); d0=$(nf "$A" doubts)
kill -STOP "$la" "$lu"
sleep 1.3   # > D
req "$B" "op=set&k=n6&v=during" >/dev/null
out=$(req "$A" "op=get&k=n6&n=5"); v=$(field v <<<"$out"); hits=$(field hits <<<"$out")
check "N6. listener stopped: after D, A bypasses its copies (v=$v, trusted=$(nf "$A" trusted), local hits during 5 gets: $hits)" \
  test "$v" = during -a "$(nf "$A" trusted)" = false -a "$hits" = 0
v=$(req "$U" "op=get&k=n6" | field v)
check "N6. ... the unguarded twin, its listener stopped too, serves the old value (v=$v): the check can fail" test "$v" = before
kill -CONT "$la" "$lu"
until_true "$HANG" trusted "$A"
d1=$(nf "$A" doubts)
check "N6. after SIGCONT: a flush (doubts $d0 -> $d1) then trusted again ($(nf "$A" trusted))" \
  test "$d1" -gt "$d0" -a "$(nf "$A" trusted)" = 1

# ---- N8: FLUSHDB in another db ---------------------------------------------------------------
ea=$(nf "$A" epoch); eb=$(nf "$B" epoch); ec=$(nf "$C" epoch)
rcli -n 1 set other 1 >/dev/null; rcli -n 1 flushdb >/dev/null
sleep 0.3
ea1=$(nf "$A" epoch); eb1=$(nf "$B" epoch); ec1=$(nf "$C" epoch)
check "N8. FLUSHDB in db 1 flushes every host: epochs A $ea -> $ea1, B $eb -> $eb1, C $ec -> $ec1" \
  test "$ea1" -gt "$ea" -a "$eb1" -gt "$eb" -a "$ec1" -gt "$ec"
for h in A B C U; do until_true "$HANG" trusted "${HOSTPORT[$h]}"; done
# FLUSHALL empties our db too: no host may keep serving what it had
req "$A" "op=set&k=n8&v=x" >/dev/null
until_true 10 cached "$A" n8
until_true 10 cached "$U" n8
rcli flushall >/dev/null
sleep 0.3
va=$(req "$A" "op=get&k=n8&n=3" | field v); vu=$(req "$U" "op=get&k=n8" | field v)
check "N8. FLUSHALL: A no longer serves its copy (v=$va)" test "$va" = false
check "N8. ... the unguarded twin does (v=$vu): the check can fail" test "$vu" = x
for h in A B C U; do until_true "$HANG" trusted "${HOSTPORT[$h]}"; done

# ---- N9: TTL with the listener stopped -------------------------------------------------------
ttl_check() {  # ttl_check PORT → the value read 1.4 s after a 1 s TTL set, listener stopped
  req "$1" "op=set&k=n9&v=short&ttl=1" >/dev/null
  until_true 5 cached "$1" n9
  local l; l=$(nf "$1" listener_pid)
  kill -STOP "$l"
  sleep 1.4
  req "$1" "op=get&k=n9" | field v
  kill -CONT "$l"
}
v=$(ttl_check "$C")
check "N9. ttl 1 s, listener stopped, D = 3 s: C does not serve k after 1 s (v=$v)" test "$v" = false
v=$(ttl_check "$U")
check "N9. ... the unguarded twin does (v=$v): the check can fail" test "$v" = short
for h in C U; do until_true "$HANG" trusted "${HOSTPORT[$h]}"; done

# ---- N10: bounded staleness over a read log ------------------------------------------------
staleness_run() {  # staleness_run MS READER_PORTS... → "violations reads"
  local log=$TMP/n10_$RANDOM p ms=$1 pids=()
  shift
  rcli set "$APP:u:n10" 0 >/dev/null
  : >"$log.w"; : >"$log.r"; chmod 666 "$log.w" "$log.r"
  for p in "$@"; do req "$p" "op=get&k=n10&n=3" >/dev/null; done
  req "$A" "op=writer&k=n10&ms=$ms&log=$log.w" >/dev/null & pids+=($!)
  req "$B" "op=writer&k=n10&ms=$ms&log=$log.w" >/dev/null & pids+=($!)
  for p in "$@"; do req "$p" "op=reader&k=n10&ms=$ms&log=$log.r" >/dev/null & pids+=($!); done
  wait "${pids[@]}"
  # D = 3 s for C/U hosts, 1 s for A/B: checked against the host's own D
  php8.2 -r '
    $D = (float)$argv[3];
    $w = []; foreach (file($argv[1]) as $l) { [$s, $e, $v] = explode(" ", trim($l)); if ($v !== "false") $w[] = [(float)$e, (int)$v]; }
    usort($w, fn($a, $b) => $a[0] <=> $b[0]);
    $bad = 0; $n = 0;
    foreach (file($argv[2]) as $l) { [$s, $e, $v] = explode(" ", trim($l)); $n++;
      $min = 0; foreach ($w as [$we, $wv]) { if ($we < $s - $D) $min = max($min, $wv); else break; }
      if ($v === "false" || (int)$v < $min) $bad++; }
    echo "$bad $n\n";' "$log.w" "$log.r" "$D_S"
}
D_S=1 r=$(staleness_run 3000 "$A" "$B")
check "N10. bounded staleness (D = 1 s) over A's and B's read log: violations, reads = $r" \
  bash -c '[ "${1% *}" = 0 ] && (( ${1#* } > 100 ))' _ "$r"
D_S=3 r=$(staleness_run 5000 "$U")
check "N10. ... the unguarded twin's log violates it (violations, reads = $r): the check can fail" \
  bash -c '(( ${1% *} > 0 ))' _ "$r"

# ---- N12: exact counters ---------------------------------------------------------------------
rcli set "$APP:u:n12" 1000 >/dev/null
pids=()
for p in "$A" "$B" "$C"; do
  req "$p" "op=incs&k=n12&n=150&d=1" >/dev/null & pids+=($!)
  req "$p" "op=incs&k=n12&n=50&d=-1" >/dev/null & pids+=($!)
done
wait "${pids[@]}"
v=$(rcli get "$APP:u:n12"); va=$(req "$A" "op=get&k=n12" | field v)
check "N12. 3 hosts x (150 inc + 50 dec) in parallel: 1000 -> $v (Redis), $va (A's get); expected 1300" \
  test "$v" = 1300 -a "$va" = 1300
rcli set "$APP:u:n12c" 0 >/dev/null
pids=()
for p in "$A" "$B" "$C"; do
  req "$p" "op=rmw&k=n12c&n=100" >/dev/null & pids+=($!)
  req "$p" "op=rmw&k=n12c&n=100" >/dev/null & pids+=($!)
done
wait "${pids[@]}"
v=$(rcli get "$APP:u:n12c")
check "N12. ... the control (get + set, 600 increments) loses updates (got $v): the check can fail" test "$v" -lt 600
req "$A" "op=set&k=n12s&v=text" >/dev/null
out=$(req "$A" "op=incs&k=n12s&n=1&d=1")
v=$(req "$B" "op=get&k=n12s" | field v)
check "N12. inc of a non-integer value is refused with WinCache's warning (ok=$(field ok <<<"$out")), the value kept (v=$v)" \
  test "$(grep -c 'whose value is long' <<<"$out")" = 1 -a "$(field ok <<<"$out")" = 0 -a "$v" = text
check "N12. ... and a PHP int is stored raw (INCRBY-able) in Redis" test "$(rcli get "$APP:u:n12")" = 1300

# ---- L: locks across hosts -------------------------------------------------------------------
req "$A" "op=lock&name=L1&ms=800" >"$TMP/la" & la=$!
sleep 0.2
req "$B" "op=lock&name=L1&ms=0" >"$TMP/lb"
wait $la
a1=$(field t1 <"$TMP/la"); b1=$(field t1 <"$TMP/lb")
check "L. wincache_lock across hosts: B gets L1 only after A held it 800 ms (A got=$(field got <"$TMP/la") at $a1, B got=$(field got <"$TMP/lb") at $b1)" \
  awk -v a="$a1" -v b="$b1" -v ga="$(field got <"$TMP/la")" -v gb="$(field got <"$TMP/lb")" 'BEGIN { exit !(ga == 1 && gb == 1 && b - a >= 0.75) }'

# ---- N7: Redis stopped, killed, restarted ----------------------------------------------------
req "$A" "op=set&k=n7&v=before" >/dev/null
until_true 10 cached "$A" n7
kill -STOP "$REDIS_PID"
sleep 1.2
h0=$(nf "$A" hits)
t0=$(date +%s%N); out=$(req "$A" "op=get&k=n7&n=3"); ms=$((($(date +%s%N) - t0) / 1000000))
check "N7. Redis stopped: A's 3 gets fail open (v=$(field v <<<"$out")) in $ms ms (< 10 s: one read timeout, then the breaker), local hits $(field hits <<<"$out"), breaker $(nf "$A" breaker)" \
  test "$(field v <<<"$out")" = false -a "$ms" -lt 10000 -a "$(field hits <<<"$out")" = 0
t0=$(date +%s%N); out=$(req "$B" "op=lock&name=L7&ms=0"); ms=$((($(date +%s%N) - t0) / 1000000))
check "N7. ... wincache_lock fails closed with a warning (got=$(field got <<<"$out"), $ms ms)" \
  test "$(field got <<<"$out")" = 0 -a "$(grep -c '^warning=.*not taken' <<<"$out")" = 1
kill -CONT "$REDIS_PID"
kill -9 "$REDIS_PID"; wait "$REDIS_PID" 2>/dev/null
start_redis || exit 1
sleep 2.5   # the breaker's pause (2-3 s)
v=$(req "$A" "op=get&k=n7&n=3" | field v)
check "N7. Redis restarted empty: A does not serve its pre-crash copy (v=$v)" test "$v" = false
check "N7. ... and becomes trusted again" until_true "$HANG" trusted "$A"
b_set() { [ "$(req "$B" "op=set&k=n7&v=after" | field ok)" = 1 ]; }
until_true 10 b_set   # B's breaker may still be open (2-3 s from its timeout)
v=$(req "$A" "op=poll&k=n7&old=false&ms=5000" | field v)
check "N7. ... then coherent again (v=$v)" test "$v" = after

# ---- no leftovers ----------------------------------------------------------------------------
for m in "${MASTERS[@]}"; do kill -QUIT "$m"; done   # graceful, as mp_finish would
masters_gone() { for m in "${MASTERS[@]}"; do kill -0 "$m" 2>/dev/null && return 1; done; return 0; }
until_true "$HANG" masters_gone || fail "a php-fpm master did not stop"
gone() { for l in "${LISTENERS[@]}"; do [ -d "/proc/$l" ] && ! grep -q '^State:.*Z' "/proc/$l/status" 2>/dev/null && return 1; done; return 0; }
check "every listener exits when its master is gone (${LISTENERS[*]})" until_true 10 gone
exit $((MP_FAILS > 0))
