#!/usr/bin/env bash
# mp_kill_load: php-fpm pool of 4 (5 MB cache) under load from 4 concurrent clients, each request
# a burst of sets of checksummed values (key:ver:md5(key.ver)..., strings and arrays; one client
# writes values up to 100 KB, more than the cache holds, so entries get evicted) with read-backs; a
# random running worker is kill -9'd 8 times in the middle. Checked:
#  - no request hung (none reached its timeout), at most one failed request per kill, no failed
#    set and no bad read-back in the answered requests (a read-back may miss: an evicted key);
#  - every client gets a request started after the last kill answered (no lock left wedged);
#  - the pool is back to 4 workers;
#  - afterwards, with nothing running, every key the cache lists is there to get and verifies its
#    checksum, and the cache is not empty (the last stores cannot have been evicted: nothing was
#    stored after them). Which keys survive is eviction's choice (LRU): a client's keys may all
#    be gone, which is a miss, never a wrong value, so no client's keys are required;
#  - info()/meminfo()/set/get work in all 4 workers (4 requests at once: 4 different workers).
# usage: test_kill_load.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
mp_init kill_load "${1:?usage: $0 wincache.so|stub}"
REQ_TIMEOUT=30   # a hang bound: an idle request takes ~0.1 s
# Copying gets (zero-copy off): each request reads back every value it sets, and one client's
# burst sets more than the 5 MB cache holds; with zero-copy (php-fpm's default) everything a request
# read back stays in use until it ends, so that burst's later sets fail (full), by design
# (docs/extension.md "Zero-copy values"). What this test checks is kill robustness.
FPM_D=(-d wincache.ucachesize=5 -d wincache.ucache_zero_copy=0)
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
    while [ ! -e "$TMP/stop" ]; do
      t0=$(date +%s%N)
      if b=$(fcgi "$port" "op=csum_burst&p=c${c}_&$q&ver=$ver"); then
        echo "OK $t0 $(date +%s%N) $(field pid <<<"$b") $(field set_fail <<<"$b") $(field bad <<<"$b") $(field miss <<<"$b")"
      else
        echo "ERR $t0 $(date +%s%N) $b" | head -3
      fi
      ver=$((ver + 1))
    done >"$TMP/client_$c.txt" ) &
  clients+=($!)
done
# the load runs: every client had a request answered
answered() { local c; for c in 1 2 3 4; do grep -q '^OK' "$TMP/client_$c.txt" || return 1; done; }
check "every client had a request answered before the kills" until_true "$HANG" answered
# a worker to kill: one that is running (state R: in the middle of a request, most likely inside
# the cache), else any live one
victim() {
  local t x st
  for ((t = 0; t < 200; t++)); do
    for x in $(live_workers "$FPM_PID" | shuf); do
      st=$(awk '{sub(/^.*\) /, ""); print $1}' "/proc/$x/stat" 2>/dev/null)
      [ "$st" = R ] && { echo "$x R"; return; }
    done
  done
  x=$(live_workers "$FPM_PID" | shuf -n 1)
  [ -n "$x" ] && echo "$x S"
}
killed=()
nrun=0
for ((k = 0; k < 4 * KILLS && ${#killed[@]} < KILLS; k++)); do
  sleep "0.$((3 + RANDOM % 5))"   # spreads the kills over the load; nothing depends on it
  read -r w st < <(victim)
  [ -n "$w" ] || continue
  kill -9 "$w" 2>/dev/null && { killed+=("$w"); [ "$st" = R ] && nrun=$((nrun + 1)); }
done
last_kill=$(date +%s%N)
info "killed ${#killed[@]} workers ($nrun of them running): ${killed[*]}"
check "$KILLS workers killed (${#killed[@]})" test "${#killed[@]}" = "$KILLS"
# progress: every client gets an answer to a request it sent after the last kill
progressed() {
  local c
  for c in 1 2 3 4; do
    awk -v t="$last_kill" '$1 == "OK" && $2 > t {f = 1} END {exit !f}' "$TMP/client_$c.txt" || return 1
  done
}
until_true $((2 * HANG)) progressed
for c in 1 2 3 4; do
  n=$(awk -v t="$last_kill" '$1 == "OK" && $2 > t' "$TMP/client_$c.txt" | wc -l)
  check "client $c: a request sent after the last kill was answered ($n)" test "$n" -gt 0
done
touch "$TMP/stop"
wait "${clients[@]}"

cat "$TMP"/client_*.txt >"$TMP/all.txt"
ok=$(grep -c '^OK' "$TMP/all.txt"); err=$(grep -c '^ERR' "$TMP/all.txt")
setfail=$(awk '$1 == "OK" {s += $5} END {print s + 0}' "$TMP/all.txt")
badrb=$(awk '$1 == "OK" {s += $6} END {print s + 0}' "$TMP/all.txt")
missrb=$(awk '$1 == "OK" {s += $7} END {print s + 0}' "$TMP/all.txt")
info "$ok requests answered, $err failed; read-backs that missed (evicted): $missrb"
check "no request hung (timeouts: $(cat "$TMP/logs/timeouts" 2>/dev/null | wc -l))" test ! -s "$TMP/logs/timeouts"
check "failed requests ($err) <= kills (${#killed[@]})" test "$err" -le "${#killed[@]}"
check "no failed set in answered requests ($setfail)" test "$setfail" = 0
check "no bad read-back in answered requests ($badrb)" test "$badrb" = 0
check "the pool is back to 4 workers" until_true "$HANG" has_children "$FPM_PID" 4
info "workers: $(live_workers "$FPM_PID" | tr '\n' ' ')"

# Nothing runs now: every key the cache lists must be there and verify. How many of a client's
# keys survived is eviction's business (reported, not required).
total=0
for c in 1 2 3 4; do
  b=$(fcgi "$port" "op=csum_verify&p=c${c}_")
  listed=$(field listed <<<"$b"); seen=$(field seen <<<"$b"); bad=$(field bad <<<"$b")
  check "client $c: every cached key is there and verifies (listed $listed, seen $seen, bad $bad $(field bad_key <<<"$b"))" \
    test -n "$listed" -a "$seen" = "$listed" -a "$bad" = 0
  total=$((total + ${seen:-0}))
done
check "the cache holds keys to verify ($total)" test "$total" -gt 0
# every worker, at once
if spread fcgi "$port" 4 "op=selfcheck&k=after"; then
  badw=$(spread_answers ok info meminfo set get | awk '$2 != 1')
  check "after the kills info()/meminfo()/set/get work in all 4 workers ($SPREAD_PIDS)${badw:+; failed (pid ok info meminfo set get): $badw}" \
    test -z "$badw"
fi
b=$(fcgi "$port" "op=info"); m=$(fcgi "$port" "op=meminfo")
info "info: items $(field total_item_count <<<"$b") hits $(field total_hit_count <<<"$b") misses $(field total_miss_count <<<"$b") evictions $(field total_evict_count <<<"$b"); meminfo: total $(field memory_total <<<"$m") free $(field memory_free <<<"$m") used blocks $(field num_used_blks <<<"$m")"
grep -h "exited on signal" "$TMP/logs/fpm_$port.log" | head -3 | sed 's/^/info: fpm log: /'
