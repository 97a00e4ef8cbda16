#!/usr/bin/env bash
# mp_kill_load: php-fpm pool of 4 under load from 3 concurrent clients, each request a burst of
# sets of checksummed values (key:ver:md5(key.ver)..., strings and arrays) with read-backs; a
# random worker is kill -9'd several times in the middle. The other requests go on: no hang (no
# request timeout), at most one failed request per kill, no failed set or bad read-back, every
# client makes progress after the last kill; afterwards every cached key verifies its checksum,
# info()/meminfo() work and new sets succeed in every worker.
# usage: test_kill_load.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
mp_init kill_load "${1:?usage: $0 wincache.so|stub}"
REQ_TIMEOUT=10
KILLS=${KILLS:-6}
port=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
retry_port start_fpm "$port" 4 || exit 1; port=$PORT_USED
info "php-fpm master $FPM_PID on $port, workers: $(workers "$FPM_PID" | tr '\n' ' ')"

clients=()
for c in 1 2 3; do
  ( ver=0
    while [ ! -e "$TMP/stop" ]; do
      if b=$(fcgi "$port" "op=csum_burst&p=c${c}_&n=200&m=40&ver=$ver"); then
        echo "OK $(date +%s%N) $(field pid <<<"$b") $(field set_fail <<<"$b")"
      else
        echo "ERR $(date +%s%N) $b" | head -3
      fi
      ver=$((ver + 1))
    done >"$TMP/client_$c.txt" ) &
  clients+=($!)
done
sleep 1
killed=()
for ((k = 0; k < KILLS; k++)); do
  sleep "0.$((3 + RANDOM % 5))"
  mapfile -t ws < <(workers "$FPM_PID")
  ((${#ws[@]})) || { sleep 0.2; continue; }
  w=${ws[$((RANDOM % ${#ws[@]}))]}
  kill -9 "$w" && killed+=("$w")
done
last_kill=$(date +%s%N)
info "killed ${#killed[@]} workers: ${killed[*]}"
sleep 1.5
touch "$TMP/stop"
wait "${clients[@]}"

cat "$TMP"/client_*.txt >"$TMP/all.txt"
ok=$(grep -c '^OK' "$TMP/all.txt"); err=$(grep -c '^ERR' "$TMP/all.txt")
setfail=$(awk '$1 == "OK" {s += $4} END {print s + 0}' "$TMP/all.txt")
info "$ok requests answered, $err failed"
check "${#killed[@]} workers killed" test "${#killed[@]}" -ge $((KILLS / 2))
check "no request hung (timeouts: $(cat "$TMP/logs/timeouts" 2>/dev/null | wc -l))" test ! -s "$TMP/logs/timeouts"
check "failed requests ($err) <= kills (${#killed[@]})" test "$err" -le "${#killed[@]}"
check "no failed set or bad read-back in answered requests ($setfail)" test "$setfail" = 0
for c in 1 2 3; do
  n=$(awk -v t="$last_kill" '$1 == "OK" && $2 > t' "$TMP/client_$c.txt" | wc -l)
  check "client $c made progress after the last kill ($n requests)" test "$n" -gt 0
done
mapfile -t ws < <(workers "$FPM_PID")
check "the pool is back to 4 workers (${ws[*]})" test "${#ws[@]}" = 4

for c in 1 2 3; do
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
