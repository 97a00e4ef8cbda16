#!/usr/bin/env bash
# mp_kill_load: php-fpm pool of 4 (5 MB cache) under load from 4 concurrent clients, each request
# a burst of sets of checksummed values (key:ver:md5(key.ver)..., strings and arrays; one client
# writes values up to 100 KB, more than the cache holds, so entries get evicted) with read-backs; a
# random worker is kill -9'd several times in the middle. The other requests go on: no hang (no
# request timeout), at most one failed request per kill, no failed set or bad read-back, every
# client makes progress after the last kill; afterwards every cached key verifies its checksum,
# info()/meminfo() work and new sets succeed in every worker.
# usage: test_kill_load.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
mp_init kill_load "${1:?usage: $0 wincache.so|stub}"
REQ_TIMEOUT=10
FPM_D=(-d wincache.ucachesize=5)
KILLS=${KILLS:-8}
port=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
retry_port start_fpm "$port" 4 || exit 1; port=$PORT_USED
info "php-fpm master $FPM_PID on $port, workers: $(workers "$FPM_PID" | tr '\n' ' ')"

clients=()
for c in 1 2 3 4; do
  # clients 1-3: 20000 small values (<= 0.5 KB) per request over 40 keys each; client 4: 400 big
  # ones (up to 100 KB) over 150 keys, more than the 5 MB cache holds, so that entries are evicted
  q="n=20000&m=40"; ((c == 4)) && q="n=400&m=150&x=200"
  if [ "$SO" = stub ]; then q="n=50&m=40"; ((c == 4)) && q="n=10&m=150&x=200"; fi  # the stub is slow
  ( ver=0
    while [ ! -e "$TMP/stop_$c" ]; do
      if b=$(fcgi "$port" "op=csum_burst&p=c${c}_&$q&ver=$ver"); then
        echo "OK $(date +%s%N) $(field pid <<<"$b") $(field set_fail <<<"$b") $(field bad <<<"$b") $(field miss <<<"$b")"
      else
        echo "ERR $(date +%s%N) $b" | head -3
      fi
      ver=$((ver + 1))
    done >"$TMP/client_$c.txt" ) &
  clients+=($!)
done
sleep 1
killed=()
nrun=0
for ((k = 0; k < KILLS; k++)); do
  sleep "0.$((3 + RANDOM % 5))"
  # prefer a worker that is running (state R: in the middle of a request, most likely inside
  # the cache), else any
  w=""
  for ((t = 0; t < 200; t++)); do
    [ -n "$w" ] && break
    for x in $(workers "$FPM_PID" | shuf); do
      [ "$(awk '{print $3}' "/proc/$x/stat" 2>/dev/null)" = R ] && { w=$x; break; }
    done
  done
  running=$([ -n "$w" ] && echo 1 || echo 0)
  [ -n "$w" ] || w=$(workers "$FPM_PID" | shuf -n 1)
  [ -n "$w" ] || { sleep 0.2; continue; }
  kill -9 "$w" && { killed+=("$w"); ((running)) && nrun=$((nrun + 1)); }
done
last_kill=$(date +%s%N)
info "killed ${#killed[@]} workers ($nrun of them running): ${killed[*]}"
sleep 1.5
# the big-value client stops first, so that the small clients' last values are the newest and
# survive eviction until they are verified
touch "$TMP/stop_4"
wait "${clients[3]}"
touch "$TMP/stop_1" "$TMP/stop_2" "$TMP/stop_3"
wait "${clients[@]}"

cat "$TMP"/client_*.txt >"$TMP/all.txt"
ok=$(grep -c '^OK' "$TMP/all.txt"); err=$(grep -c '^ERR' "$TMP/all.txt")
setfail=$(awk '$1 == "OK" {s += $4} END {print s + 0}' "$TMP/all.txt")
badrb=$(awk '$1 == "OK" {s += $5} END {print s + 0}' "$TMP/all.txt")
missrb=$(awk '$1 == "OK" {s += $6} END {print s + 0}' "$TMP/all.txt")
info "$ok requests answered, $err failed; read-backs that missed (evicted): $missrb"
check "${#killed[@]} workers killed" test "${#killed[@]}" -ge $((KILLS / 2))
check "no request hung (timeouts: $(cat "$TMP/logs/timeouts" 2>/dev/null | wc -l))" test ! -s "$TMP/logs/timeouts"
check "failed requests ($err) <= kills (${#killed[@]})" test "$err" -le "${#killed[@]}"
check "no failed set in answered requests ($setfail)" test "$setfail" = 0
check "no bad read-back in answered requests ($badrb)" test "$badrb" = 0
for c in 1 2 3 4; do
  n=$(awk -v t="$last_kill" '$1 == "OK" && $2 > t' "$TMP/client_$c.txt" | wc -l)
  check "client $c made progress after the last kill ($n requests)" test "$n" -gt 0
done
mapfile -t ws < <(workers "$FPM_PID")
check "the pool is back to 4 workers (${ws[*]})" test "${#ws[@]}" = 4

for c in 1 2 3 4; do
  b=$(fcgi "$port" "op=csum_verify&p=c${c}_")
  check "client $c keys verify: seen $(field seen <<<"$b"), bad $(field bad <<<"$b") $(field bad_key <<<"$b")" \
    test "$(field bad <<<"$b")" = 0 -a "$(field seen <<<"$b")" -gt 0
done
# 4 concurrent self-checks (each sleeps 300 ms first, so they land on 4 different workers)
sp=()
for i in 1 2 3 4; do fcgi "$port" "op=selfcheck&k=after_$i&ms=300" >"$TMP/self_$i.txt" & sp+=($!); done
wait "${sp[@]}"
seen=()
for i in 1 2 3 4; do
  b=$(cat "$TMP/self_$i.txt"); pid=$(field pid <<<"$b")
  if [ "$(field ok <<<"$b")" = 1 ]; then seen+=("$pid"); else
    fail "after the kills, pid $pid: info=$(field info <<<"$b") meminfo=$(field meminfo <<<"$b") set=$(field set <<<"$b") get=$(field get <<<"$b") ($b)"
  fi
done
check "after the kills info()/meminfo()/set/get work in 4 workers (${seen[*]})" test "${#seen[@]}" = 4
b=$(fcgi "$port" "op=info"); m=$(fcgi "$port" "op=meminfo")
info "info: items $(field total_item_count <<<"$b") hits $(field total_hit_count <<<"$b") misses $(field total_miss_count <<<"$b") evictions $(field total_evict_count <<<"$b"); meminfo: total $(field memory_total <<<"$m") free $(field memory_free <<<"$m") used blocks $(field num_used_blks <<<"$m")"
grep -h "exited on signal" "$TMP/logs/fpm_$port.log" | head -3 | sed 's/^/info: fpm log: /'
