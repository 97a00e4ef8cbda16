#!/usr/bin/env bash
# mp_serve: scripts/serve.sh (with WINCACHE_SO, so no build) serves demo/ through nginx + php-fpm:
# index.php's shared counter counts every visit, /wincache.php (web/wincache.php, localhost
# access) says "global" and lists the demo entries, stats.php points to it, api.php answers and all 4 workers (at once) read the same counter; SIGTERM stops it
# (exit 0), leaving no process and nothing of its namesalt in /dev/shm.
# usage: test_serve.sh /path/to/wincache.so|stub   (stub: skipped)
source "$(dirname "$0")/lib.sh"
[ "${1:-}" = stub ] && { echo "SKIP: serve.sh needs the real extension"; exit 77; }
mp_init serve "${1:?usage: $0 wincache.so}"
command -v nginx >/dev/null || { echo "SKIP: nginx is not installed"; exit 77; }
# start_serve PORT -> $S (retry_port's protocol: MP_BIND_FAILED=1 if a port was taken meanwhile,
# by serve.sh's own check, nginx or php-fpm, which serve.sh puts on PORT + 1000 or above)
start_serve() {
  local port=$1
  : >"$TMP/logs/serve.out"
  BUILD_DIR=$TMP/build PORT=$port WINCACHE_SO=$SO WINCACHE_NAMESALT=$SALT \
    bash "$MP_DIR/../../scripts/serve.sh" >"$TMP/logs/serve.out" 2>&1 &
  S=$!
  MP_PIDS+=("$S")
  started() { grep -q "Ctrl-C stops it" "$TMP/logs/serve.out" || ! kill -0 "$S" 2>/dev/null; }
  until_true "$HANG" started
  grep -q "Ctrl-C stops it" "$TMP/logs/serve.out" && return 0
  kill "$S" 2>/dev/null; wait "$S" 2>/dev/null
  MP_PIDS=("${MP_PIDS[@]/$S}")
  if grep -qi "already in use" "$TMP/logs/serve.out"; then MP_BIND_FAILED=1; return 1; fi
  fail "serve.sh on port $port did not start"
  cat "$TMP/logs/serve.out"
  return 1
}
port=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
retry_port start_serve "$port" || exit 1; port=$PORT_USED
check "serve.sh started and printed its URLs" grep -q "http://127.0.0.1:$port/wincache.php" "$TMP/logs/serve.out"
pids=()
for ((i = 1; i <= 12; i++)); do
  page=$(curl -s --max-time "$REQ_TIMEOUT" "http://127.0.0.1:$port/")
  read -r pid count _ < <(grep -o 'class="n big">[^<]*' <<<"$page" | sed 's/.*>//' | tr '\n' ' ')
  [ "$count" = "$i" ] || fail "visit $i: the counter shows '$count' (worker $pid)"
  [[ " ${pids[*]} " == *" $pid "* ]] || pids+=("$pid")
done
pass "12 visits counted 1..12 (served by ${#pids[@]} worker(s): ${pids[*]})"
grep -q "different worker" <<<"$page" && pass "index.php lists the last visits" || fail "index.php has no visits list"
# The per-visitor session counter: one visitor (a cookie jar) counts 1, 2, 3 across workers
jar=$TMP/cookies.txt
mine=""
for ((i = 1; i <= 3; i++)); do
  page=$(curl -s --max-time "$REQ_TIMEOUT" -c "$jar" -b "$jar" "http://127.0.0.1:$port/")
  mine+="$(grep -o 'class="n big">[^<]*' <<<"$page" | sed -n 3p | sed 's/.*>//') "
done
check "a visitor's session counter counts 1 2 3 ($mine)" test "$mine" = "1 2 3 "
grep -q "handler is <code>wincache</code>" <<<"$page" && pass "the main job's session handler is wincache" || fail "the session handler is not wincache"
stats=$(curl -s --max-time "$REQ_TIMEOUT" "http://127.0.0.1:$port/wincache.php?view=user")
check "wincache.php: scope global" grep -q '<span class="pill ok">global</span>' <<<"$stats"
check "wincache.php: lists demo_counter" grep -q "<code>demo_counter</code>" <<<"$stats"
check "wincache.php: lists demo_visits" grep -q "<code>demo_visits</code>" <<<"$stats"
check "wincache.php: memory table" grep -q "used blocks" <<<"$stats"
check "stats.php redirects to /wincache.php" grep -qi "^location: /wincache.php" \
  <<<"$(curl -s -D - -o /dev/null --max-time "$REQ_TIMEOUT" "http://127.0.0.1:$port/stats.php" | tr -d '\r')"
# every worker of the pool (4) at once, through nginx: one counter for all (12 visits + 3 of the
# session visitor)
if spread http "$port" 4 "op=get&k=demo_counter"; then
  wrong=$(spread_answers value | awk '$2 != 15')
  check "api.php through nginx: all 4 workers ($SPREAD_PIDS) read demo_counter = 15${wrong:+; not: $wrong}" test -z "$wrong"
fi
fpm=$(sed -n 's/.*php-fpm (master pid \([0-9]*\).*/\1/p' "$TMP/logs/serve.out")
ngx=$(sed -n 's/.*nginx (pid \([0-9]*\)).*/\1/p' "$TMP/logs/serve.out")
fpmw=$(workers "$fpm" | tr '\n' ' ')
kill -TERM "$S"
gone() { ! kill -0 "$1" 2>/dev/null; }
check "serve.sh stopped on SIGTERM" until_true "$HANG" gone "$S"
wait "$S"; rc=$?
check "serve.sh exits 0 on SIGTERM ($rc)" test "$rc" = 0
left=""
for p in $fpm $ngx $fpmw; do kill -0 "$p" 2>/dev/null && left+=" $p"; done
check "php-fpm (master $fpm, workers $fpmw) and nginx ($ngx) are gone${left:+: alive:$left}" test -z "$left"
check "nothing of the group pinned to the php-fpm master is left after the stop (SEG-9)" bash -c "grep -q 'nothing of the php-fpm master.s group is left' '$TMP/logs/serve.out'"
