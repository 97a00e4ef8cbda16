#!/usr/bin/env bash
# bench/sessions.sh: the session part of the benchmark. session.save_handler = wincache vs the
# files handler (on disk and on tmpfs), phpredis with redis-server and php-memcached with
# memcached, behind nginx + a php-fpm static pool, driven by wrk (page A) and by 8 clients on one
# session (page B). bench/php/session_page.php is the page; nothing but the handler differs.
#
#   bench/sessions.sh --so PATH/wincache.so --out ROWS.jsonl --disk-dir DIR [--workers "4"]
#                     [--duration SECONDS] [--reps N] [--sessions N] [--b-seconds S] [--quick]
#
#   --disk-dir   a directory on the machine's real disk (not tmpfs): the on-disk save paths of
#                wincache (its durable backing) and of files go in a fresh subdirectory of it
#                (scripts/bench.sh passes its build tree)
#   --workers    page A's pool sizes (default "4"; "2 4" adds the 2-worker rows, ~3.5 min more)
#   --duration   seconds of each measured wrk run of page A (default 8)
#   --reps       runs per variant, pool size and page (default 3); the rows give the medians
#   --sessions   distinct sessions of page A (default 1000), chosen uniformly per request
#   --b-seconds  seconds of each page B run (default 5)
#   --quick      workers "4", duration 1, reps 1, b-seconds 1: a smoke test that it works (CI)
#   --only LIST  page A only, for the listed variants in this order each rep (wincache, wincache2,
#                files-disk, files-tmpfs, redis, memcached, empty): per-run lines and medians are
#                printed, no rows appended (--out is still required). For A/B runs of two builds:
#   --so2 PATH   a second wincache.so, the variant "wincache2" (same settings as wincache)
#   --redis      instead of the above: sessions on Redis across 2 hosts (two php-fpm masters of
#                WORKERS/2 workers with different namesalts behind nginx's round robin, one
#                redis-server on a unix socket): ours (wincache.redis) vs phpredis with locking on,
#                pages A and B, rows "sessions on Redis, 2 hosts: ..."
#   SESSBENCH_DURING (environment): a command run by bash during each measured wrk run of page A,
#                with $1 the php-fpm master's pid, $2 the variant, $3 the run's seconds (to attach
#                perf, strace, ... to the workers); its output goes to the terminal
#
# Variants (the same php-fpm8.2 -n binary, pool and -d flags but the session handler's):
#   wincache     -d extension=/abs/wincache.so -d session.save_handler=wincache
#                -d session.save_path=<disk>/wincache
#   files-disk   -d session.save_handler=files -d session.save_path=<disk>/files
#   files-tmpfs  -d session.save_handler=files -d session.save_path=/dev/shm/sessbench.*/files
#   redis        phpredis 5.3.7 (+ igbinary, msgpack, which it links): -d session.save_handler=redis
#                -d session.save_path="unix://<work>/redis.sock?persistent=1"
#                -d redis.session.locking_enabled=1 (off by default; its lock otherwise at its
#                defaults: lock_retries=10 x lock_wait_time=2000 us, about 20 ms of waiting)
#                redis-server 7.0 started here on a unix socket, persistence off (--save ""
#                --appendonly no)
#   memcached    php-memcached 3.2 (+ igbinary, msgpack): -d session.save_handler=memcached
#                -d session.save_path=<work>/mc/memcached.sock -d memcached.sess_locking=1 (its
#                default; wait 150 ms x 5 retries, about 0.75 s) -d memcached.sess_persistent=1
#                memcached 1.6 started here on a unix socket (-m 64, its default 4 threads)
# Common: opcache on, errors to a log file, session.gc_probability=0 (no gc inside a measured
# request: the files handler's gc scans the directory), everything else at PHP's defaults
# (session.use_cookies=1: the id travels in the PHPSESSID cookie; lazy_write=1; strict mode off).
#
# Page A (per pool size): session_page.php with the cookie of one of --sessions sessions drawn
# uniformly (bench/php/wrk_sessions.lua, fixed seed), each ~1 KB, all created by one populate
# request first; session_start, check, change 4 fields, session_write_close. wrk -t1 -c8:
# req/s and p99. Plus the empty page (?op=empty, wincache.so loaded, no session): the ceiling.
# Page B (4 workers or the largest pool): bench/php/session_clients.php, 8 clients on ONE fresh
# session, ?op=inc back to back for --b-seconds, nothing left in flight at the end; then the
# session's counter is read: lost updates = successful responses - final counter.
# Order: for each rep: every variant in turn (wincache first), each on fresh servers (php-fpm,
# nginx, and redis-server or memcached), fresh save paths; page A warms up 1 s, then measures.
# Any non-2xx response, socket error, PHP log line or a server that does not come up fails the
# run (exit 1, logs shown), except on page B for redis and memcached: their failed requests and
# log lines under contention are counted and reported (rows and notes), not fatal. Nothing is
# installed here: a missing program or module exits 77. Rows are appended to --out only when
# every run succeeded.
# The php-fpm pool + nginx, wrk (-t1 -c8, and why), the helpers and the exit trap are
# bench/fpm_lib.sh's, shared with bench/fpm.sh; the peers' servers and the variants are here.
set -uo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
me=sessions.sh
# say die skip, start_fpm_nginx stop_servers, http_get run_wrk field, finish, med
# shellcheck source=fpm_lib.sh
. "$here/fpm_lib.sh"
usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

so="" out="" disk_dir="" workers_list="4" duration=8 reps=3 sessions=1000 b_secs=5 only="" so2="" on_redis=0
while (($#)); do
  case "$1" in
    --so) so=${2:-}; shift 2 || usage ;;
    --out) out=${2:-}; shift 2 || usage ;;
    --disk-dir) disk_dir=${2:-}; shift 2 || usage ;;
    --workers) workers_list=${2:-}; shift 2 || usage ;;
    --duration) duration=${2:-}; shift 2 || usage ;;
    --reps) reps=${2:-}; shift 2 || usage ;;
    --sessions) sessions=${2:-}; shift 2 || usage ;;
    --b-seconds) b_secs=${2:-}; shift 2 || usage ;;
    --quick) workers_list="4"; duration=1; reps=1; b_secs=1; shift ;;
    --only) only=${2:-}; shift 2 || usage ;;
    --so2) so2=${2:-}; shift 2 || usage ;;
    --redis) on_redis=1; shift ;;
    -h|--help) usage ;;
    *) echo "sessions.sh: unknown argument: $1" >&2; usage ;;
  esac
done
[ -n "$so" ] && [ -n "$out" ] && [ -n "$disk_dir" ] || usage
[[ "$duration" =~ ^[1-9][0-9]*$ ]] || die "--duration: a whole number of seconds, not '$duration'"
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || die "--reps: a positive number, not '$reps'"
[[ "$sessions" =~ ^[1-9][0-9]*$ ]] || die "--sessions: a positive number, not '$sessions'"
[[ "$b_secs" =~ ^[1-9][0-9]*$ ]] || die "--b-seconds: a whole number of seconds, not '$b_secs'"
check_common_args
[ -d "$disk_dir" ] || die "--disk-dir $disk_dir: no such directory"
disk_dir=$(cd "$disk_dir" && pwd)
# page B runs on 4 workers if that pool is measured, else on the largest
b_workers=0
for w in $workers_list; do ((w == 4 || (b_workers != 4 && w > b_workers))) && b_workers=$w; done

# --- prerequisites: skip (77) when something is not installed ---------------------------------
need_commands php-fpm8.2 php8.2 nginx wrk curl redis-server redis-cli memcached
# (the module lists are captured first: grep -q would stop reading early and, with pipefail,
# the SIGPIPE php-fpm then gets would look like a failure)
mods=$(php-fpm8.2 -n -d zend_extension=opcache -d extension=igbinary -d extension=msgpack \
       -d extension=redis -d extension=memcached -m 2>/dev/null)
for m in 'Zend OPcache' redis memcached session; do
  grep -qx "$m" <<<"$mods" || skip "$m does not load into php-fpm8.2 -n (php8.2-redis, php8.2-memcached?)"
done
grep -qx pcntl <<<"$(php8.2 -n -m 2>/dev/null)" ||
  skip "php8.2 (CLI) has no pcntl (bench/php/session_clients.php needs it)"
redis_version=$(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')
memcached_version=$(memcached -V | awk '{print $2}')
phpredis_version=$(php8.2 -n -d extension=igbinary -d extension=msgpack -d extension=redis -r 'echo phpversion("redis");')
phpmemcached_version=$(php8.2 -n -d extension=igbinary -d extension=msgpack -d extension=memcached -r 'echo phpversion("memcached");')

# --- load: page A is fpm_lib.sh's wrk (-t1 -c8, WARMUP) with wrk_sessions.lua's cookies, page B
# B_CLIENTS clients of bench/php/session_clients.php on one session ----------------------------
wrk_lua=wrk_sessions.lua
wrk_args=(-- "$sessions")
B_CLIENTS=8

# --- directories: work (configs, sockets, logs), the on-disk save paths, the tmpfs save path --
work=$(mktemp -d /tmp/wincache-sessbench.XXXXXX) || die "mktemp failed"
disk=$(mktemp -d "$disk_dir/sessbench.XXXXXX") || { rm -rf "$work"; die "cannot create a directory in $disk_dir"; }
shm=$(mktemp -d /dev/shm/sessbench.XXXXXX) || { rm -rf "$work" "$disk"; die "cannot create a directory in /dev/shm"; }
chmod 755 "$disk" "$shm"
# mc/: memcached's socket, owned like tmp/ by the pool's user (memcached runs as it)
fpm_workdir session_page.php mc
disk_fs=$(stat -f -c %T "$disk")
shm_fs=$(stat -f -c %T "$shm")

peer_pid=""
stop_peer() {
  [ -n "$peer_pid" ] || return 0
  kill -TERM "$peer_pid" 2>/dev/null
  local i
  for ((i = 0; i < 100; i++)); do kill -0 "$peer_pid" 2>/dev/null || break; sleep 0.05; done
  kill -0 "$peer_pid" 2>/dev/null && kill -KILL "$peer_pid" 2>/dev/null
  wait "$peer_pid" 2>/dev/null
  peer_pid=""
}
stop_also=stop_peer          # stop_servers: nginx + php-fpm, then the peer's server
exit_rm=("$disk" "$shm")     # the save paths go whatever the outcome
arm_traps

# the pool's user must be able to write the save paths (a build tree under a 0700 home is not)
fresh_dir() {  # DIR: empty, owned by the pool's user
  rm -rf "$1" && mkdir -m 0700 "$1" || die "cannot create $1"
  [ -z "$pool_user" ] || chown "$pool_user:nogroup" "$1"
}
fresh_dir "$disk/probe"
if [ -n "$pool_user" ] && ! setpriv --reuid="$pool_user" --regid=nogroup --clear-groups -- \
     sh -c ': >"$1/x"' sh "$disk/probe" 2>/dev/null; then
  die "--disk-dir $disk_dir: the pool's user ($pool_user) cannot reach $disk; use a --disk-dir it can"
fi
rm -rf "$disk/probe"
[ "$disk_fs" != tmpfs ] || say "warning: --disk-dir $disk_dir is on tmpfs, not a disk"

COMMON_D+=(-d session.gc_probability=0)
PEER_EXT=(-d extension=igbinary -d extension=msgpack)
# variant_d VARIANT -> vd=(...): the handler's flags; vpath: its save path; vwant: the settings
# op=ini must show ("name=value" a line). (A -d value with '=' or '?' must be quoted for PHP's
# INI parser: unquoted, the parse stops with a syntax error on php-fpm's stderr and every later
# -d is silently lost.)
variant_d() {
  case $1 in
    wincache|empty) vpath=$disk/wincache
                    vd=(-d "extension=$so" -d session.save_handler=wincache) ;;
    wincache-redis) vpath=$disk/wincache
                    vd=(-d "extension=$so" -d session.save_handler=wincache
                        -d "wincache.redis=\"unix:$work/redis.sock?prefix=bench\"") ;;
    wincache2) [ -n "$so2" ] || die "variant wincache2 needs --so2"
               vpath=$disk/wincache
               vd=(-d "extension=$so2" -d session.save_handler=wincache) ;;
    files-disk) vpath=$disk/files; vd=(-d session.save_handler=files) ;;
    files-tmpfs) vpath=$shm/files; vd=(-d session.save_handler=files) ;;
    redis) vpath="unix://$work/redis.sock?persistent=1"
           vd=("${PEER_EXT[@]}" -d extension=redis -d session.save_handler=redis
               -d redis.session.locking_enabled=1) ;;
    memcached) vpath=$work/mc/memcached.sock
               vd=("${PEER_EXT[@]}" -d extension=memcached -d session.save_handler=memcached
                   -d memcached.sess_locking=1 -d memcached.sess_persistent=1) ;;
    *) die "unknown variant $1" ;;
  esac
  vd+=(-d "session.save_path=\"$vpath\"")
  vwant="session.save_handler=$(handler_of "$1")"$'\n'"session.save_path=$vpath"$'\n'"session.gc_probability=0"
  case $1 in
    wincache-redis) vwant+=$'\n'"wincache.redis=unix:$work/redis.sock?prefix=bench" ;;
    redis) vwant+=$'\n'"redis.session.locking_enabled=1" ;;
    memcached) vwant+=$'\n'"memcached.sess_locking=1"$'\n'"memcached.sess_persistent=1" ;;
  esac
}
handler_of() { case $1 in wincache|wincache2|wincache-redis|empty) echo wincache ;; files-*) echo files ;; *) echo "$1" ;; esac; }

# start_peer VARIANT TAG: redis-server or memcached for their variants, fresh and empty
start_peer() {
  local variant=$1 tag=$2 i
  case $variant in
    redis|wincache-redis)
      rm -f "$work/redis.sock"
      mkdir -p "$work/redisdir"
      setsid redis-server --port 0 --unixsocket "$work/redis.sock" --unixsocketperm 777 \
        --save "" --appendonly no --daemonize no --dir "$work/redisdir" \
        --logfile "$work/logs/redis_$tag.log" >/dev/null 2>&1 &
      peer_pid=$!
      for ((i = 0; i < 100; i++)); do
        kill -0 "$peer_pid" 2>/dev/null || break
        [ -S "$work/redis.sock" ] && [ "$(redis-cli -s "$work/redis.sock" ping 2>/dev/null)" = PONG ] && return 0
        sleep 0.05
      done
      failed=1; say "redis-server did not come up on $work/redis.sock"; exit 1 ;;
    memcached)
      rm -f "$work/mc/memcached.sock"
      setsid memcached ${pool_user:+-u "$pool_user"} -s "$work/mc/memcached.sock" -a 0777 -m 64 \
        >>"$work/logs/memcached_$tag.log" 2>&1 &
      peer_pid=$!
      for ((i = 0; i < 100; i++)); do
        kill -0 "$peer_pid" 2>/dev/null || break
        [ -S "$work/mc/memcached.sock" ] && return 0
        sleep 0.05
      done
      failed=1; say "memcached did not come up on $work/mc/memcached.sock"; exit 1 ;;
  esac
}

# start_servers VARIANT WORKERS TAG: fresh save paths, peer server, php-fpm + nginx; sets
# fpm_pid nginx_pid peer_pid port phplog
start_servers() {
  local variant=$1 w=$2 tag=$3 vd vpath vwant
  variant_d "$variant"
  fresh_dir "$disk/wincache"; fresh_dir "$disk/files"; fresh_dir "$shm/files"
  start_peer "$variant" "$tag"
  start_fpm_nginx "$variant" "$w" "$tag" "${vd[@]}"
  # PHP's start-up errors (an INI syntax error, a module that does not load) go to fpm's stderr
  if grep -q 'PHP' "$work/logs/fpm_$tag.out" 2>/dev/null; then
    failed=1; say "$variant: php-fpm's start-up output:"; cat "$work/logs/fpm_$tag.out"; exit 1
  fi
  # the settings in effect are the ones meant
  local ini line
  ini=$(http_get op=ini) || { failed=1; say "$variant: op=ini failed: $ini"; exit 1; }
  while IFS= read -r line; do
    grep -qxF -- "$line" <<<"$ini" ||
      { failed=1; say "$variant: expected the setting $line; in effect:"; echo "$ini"; exit 1; }
  done <<<"$vwant"
  INI[$variant]=$ini
}

sid_of() { printf 'sess%028d' "$1"; }

# run_a VARIANT WORKERS TAG: page A (or the empty page for "empty"); sets rps p99 bytes
run_a() {
  local variant=$1 w=$2 tag=$3 b query=""
  start_servers "$variant" "$w" "$tag"
  if [ "$variant" = empty ]; then
    query=op=empty
    b=$(http_get op=empty) || { failed=1; say "empty page failed: $b"; exit 1; }
  else
    b=$(http_get "op=populate&n=$sessions") || { failed=1; say "$variant: populate failed: $b"; exit 1; }
    [ "$(field handler "$b")" = "$(handler_of "$variant")" ] && [ "$(field populated "$b")" = "$sessions" ] ||
      { failed=1; say "$variant: populate: unexpected answer: $b"; exit 1; }
    bytes=$(field bytes "$b")
    b=$(http_get "" "$(sid_of $((sessions - 1)))") || { failed=1; say "$variant: page A failed: $b"; exit 1; }
    [ "$b" = "ok visits=1" ] || { failed=1; say "$variant: page A: unexpected body: $b"; exit 1; }
  fi
  run_wrk "$WARMUP" "$query"                       # warm-up: opcache, connections; not measured
  local during=""
  if [ -n "${SESSBENCH_DURING:-}" ]; then
    bash -c "$SESSBENCH_DURING" sessbench-during "$fpm_pid" "$variant" "$duration" &
    during=$!
  fi
  run_wrk "$duration" "$query"
  [ -z "$during" ] || wait "$during"
  stop_servers
  check_php_log
  rps=$(field rps "$rep_line"); p99=$(field p99_ms "$rep_line")
}

# run_b VARIANT TAG: page B on b_workers; sets b_ok b_fail b_rps b_final b_lost b_dup b_log
run_b() {
  local variant=$1 tag=$2 b o sid i
  start_servers "$variant" "$b_workers" "$tag"
  # warm-up on another session: opcache, the peers' connections
  for ((i = 0; i < 20; i++)); do
    b=$(http_get op=inc sessbwarmup) || { failed=1; say "$variant: page B warm-up failed: $b"; exit 1; }
  done
  [ "$b" = "n=20" ] || { failed=1; say "$variant: page B warm-up: unexpected body: $b"; exit 1; }
  sid=sessb${tag//[^a-zA-Z0-9]/}
  o=$(php8.2 -n "$here/php/session_clients.php" --port "$port" --sid "$sid" --clients "$B_CLIENTS" \
      --seconds "$b_secs") || { failed=1; echo "$o"; say "$variant: the page B clients failed"; exit 1; }
  local line
  line=$(grep '^CLIENTS ' <<<"$o")
  [ -n "$line" ] || { failed=1; echo "$o"; say "$variant: the page B clients printed no report"; exit 1; }
  b=$(http_get op=get "$sid") || { failed=1; say "$variant: reading the counter failed: $b"; exit 1; }
  stop_servers
  b_final=$(field n "$b")
  b_ok=$(field ok "$line"); b_fail=$(field fail "$line"); b_rps=$(field rps "$line")
  b_dup=$(($(field ok "$line") - $(field distinct "$line")))
  b_lost=$((b_ok - b_final))
  b_first_fail=$(sed -n 's/.* first_fail="\(.*\)"$/\1/p' <<<"$line")
  local sockerr
  sockerr=$(field sockerr "$line")
  if [ "$sockerr" != 0 ]; then
    failed=1; echo "$line"; say "$variant: page B: $sockerr socket errors"; exit 1
  fi
  # the peer's log lines under contention, counted by message (timestamps and ids stripped)
  b_log=""
  if [ -s "$phplog" ]; then
    b_log=$(sed -e 's/^\[[^]]*\] //' -e "s#$work/www/##g" -e "s#$work#<work>#g" -e "s/$sid/<sid>/g" \
              -e 's/  */ /g' "$phplog" | sort | uniq -c | sort -rn |
            awk '{n = $1; $1 = ""; sub(/^ /, ""); printf "%s%dx %s", (NR > 1 ? "; " : ""), n, $0}')
  fi
  case $variant in
    wincache|wincache-redis|files-*)
      if [ "$b_fail" != 0 ] || [ -n "$b_log" ]; then
        failed=1; echo "$line"; say "$variant: page B: $b_fail failed requests; log: ${b_log:-empty}"; exit 1
      fi ;;
  esac
}

sum() { tr ' ' '\n' <<<"$1" | grep . | awk '{s += $1} END {print s + 0}'; }
jstr() { sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' <<<"$1" | tr -d '\n\r\t'; }
label() { case $1 in wincache) echo ours ;; wincache-redis) echo "ours on Redis" ;; wincache2) echo "ours (--so2)" ;; files-disk) echo "files (disk)" ;; files-tmpfs) echo "files (tmpfs)" ;; *) echo "$1" ;; esac; }

PEERS=(files-disk files-tmpfs redis memcached)
declare -A INI=()
say "module $so; pools: $workers_list workers; $reps rep(s) x ${duration} s; wrk -t$WRK_THREADS -c$WRK_CONNS; $sessions sessions"
say "save paths: $disk ($disk_fs), $shm ($shm_fs); redis-server $redis_version, memcached $memcached_version, phpredis $phpredis_version, php-memcached $phpmemcached_version"
t_start=$(date +%s)
rows=()
summary=()
row_part=sessions
row() {  # NAME UNIT BETTER OURS PEER PEER_NAME TARGET TARGET_TEXT N NOTE
  rows+=("$(printf '{"part":"%s","name":"%s","unit":"%s","better":"%s","ours":%s,"peer":%s,"peer_name":%s,"target":%s,"target_text":"%s","n":%d,"note":"%s"}' \
    "$row_part" "$(jstr "$1")" "$2" "$3" "$4" "$5" "$6" "$7" "$(jstr "$8")" "$9" "$(jstr "${10}")")")
}

# --- --redis: sessions on Redis, 2 hosts: ours vs phpredis (locking on), pages A and B ---------
if ((on_redis)); then
  export FPM_HOSTS=2
  row_part=redis
  avail=$(php8.2 -n -d "extension=$so" -d wincache.enablecli=1 -r 'echo (int)(wincache_extra_info()["redis"]["available"] ?? 0);' 2>/dev/null)
  [ "$avail" = 1 ] || skip "$so was built without hiredis (libhiredis-dev): wincache.redis is unavailable"
  RV=(wincache-redis redis)
  declare -A R=() P=() BR=() BL=() BF=() BOK=() BLOG=()
  w=$b_workers
  for ((r = 1; r <= reps; r++)); do
    for variant in "${RV[@]}"; do
      run_a "$variant" "$w" "ra_r${r}_$variant"
      R[$variant]+="$rps "; P[$variant]+="$p99 "
      printf 'sessions.sh: redis A %-14s 2 hosts x %d workers, rep %d/%d: %9.1f req/s  p99 %8.3f ms\n' \
        "$(label "$variant")" "$((w / 2))" "$r" "$reps" "$rps" "$p99"
      run_b "$variant" "rb_r${r}_$variant"
      BR[$variant]+="$b_rps "; BL[$variant]+="$b_lost "; BF[$variant]+="$b_fail "; BOK[$variant]+="$b_ok "
      [ -n "$b_log" ] && BLOG[$variant]+="rep $r: $b_log. "
      printf 'sessions.sh: redis B %-14s rep %d/%d: %8.1f ok req/s  ok %d  failed %d  final %d  lost %d\n' \
        "$(label "$variant")" "$r" "$reps" "$b_rps" "$b_ok" "$b_fail" "$b_final" "$b_lost"
    done
  done
  ini_of() { sed -n "s/^$2=//p" <<<"${INI[$1]:-}"; }
  redis_lock="phpredis $phpredis_version: locking_enabled=$(ini_of redis redis.session.locking_enabled), lock_retries=$(ini_of redis redis.session.lock_retries) x lock_wait_time=$(ini_of redis redis.session.lock_wait_time) us, lock_expire=$(ini_of redis redis.session.lock_expire)"
  hosts="2 php-fpm masters x $((w / 2)) workers (separate namesalts) behind nginx round robin, one redis-server $redis_version on a unix socket"
  name="sessions on Redis, 2 hosts: session start + ~1 KB read + change + write, $sessions sessions"
  row "$name: req/s" "req/s" higher "$(med "${R[wincache-redis]}")" "$(med "${R[redis]}")" '"phpredis, locking on"' \
    '{"ratio":1}' ">= phpredis" "$reps" "$hosts; wrk -t$WRK_THREADS -c$WRK_CONNS ${duration}s; $redis_lock"
  row "$name: p99 latency" "ms" lower "$(med "${P[wincache-redis]}")" "$(med "${P[redis]}")" '"phpredis, locking on"' \
    null "" "$reps" "$hosts"
  bname="sessions on Redis, 2 hosts: $B_CLIENTS clients on one session"
  row "$bname: successful req/s" "req/s" higher "$(med "${BR[wincache-redis]}")" "$(med "${BR[redis]}")" \
    '"phpredis, locking on"' null "" "$reps" "$hosts; phpredis failed $(sum "${BF[redis]}") of $(($(sum "${BOK[redis]}") + $(sum "${BF[redis]}"))) requests${BLOG[redis]:+; its PHP log: ${BLOG[redis]}}"
  row "$bname: lost updates" "count" lower "$(sum "${BL[wincache-redis]}")" "$(sum "${BL[redis]}")" \
    '"phpredis, locking on"' '{"max":0}' "ours: none lost" "$reps" "successful responses minus the final counter, totals over the runs"
  s="2 hosts: A req/s ours $(med "${R[wincache-redis]}"), phpredis $(med "${R[redis]}"); p99 ms ours $(med "${P[wincache-redis]}"), phpredis $(med "${P[redis]}"); B ok req/s / lost / failed: ours $(med "${BR[wincache-redis]}") / $(sum "${BL[wincache-redis]}") / $(sum "${BF[wincache-redis]}"), phpredis $(med "${BR[redis]}") / $(sum "${BL[redis]}") / $(sum "${BF[redis]}")"
  summary+=("redis $s")
  append_rows
  exit 0
fi

# --- --only: page A's runs of the listed variants, interleaved; medians printed, no rows -------
if [ -n "$only" ]; then
  for w in $workers_list; do
    declare -A R=()
    for ((r = 1; r <= reps; r++)); do
      for variant in $only; do
        run_a "$variant" "$w" "o_w${w}_r${r}_$variant"
        R[$variant]+="$rps "
        printf 'sessions.sh: A %-13s %d workers, rep %d/%d: %9.1f req/s  p99 %8.3f ms  (%s requests)\n' \
          "$(label "$variant")" "$w" "$r" "$reps" "$rps" "$p99" "$(field requests "$rep_line")"
      done
    done
    s="median A, $w workers, req/s:"
    for v in $only; do s+=" $(label "$v") $(med "${R[$v]}") [${R[$v]% }];"; done
    say "$s"
    unset R
  done
  exit 0
fi

# --- page A --------------------------------------------------------------------------------
for w in $workers_list; do
  declare -A R=() P=()
  for ((r = 1; r <= reps; r++)); do
    for variant in wincache "${PEERS[@]}" empty; do
      run_a "$variant" "$w" "a_w${w}_r${r}_$variant"
      R[$variant]+="$rps "; P[$variant]+="$p99 "
      printf 'sessions.sh: A %-13s %d workers, rep %d/%d: %9.1f req/s  p99 %8.3f ms  (%s requests)\n' \
        "$(label "$variant")" "$w" "$r" "$reps" "$rps" "$p99" "$(field requests "$rep_line")"
    done
  done
  declare -A MR=() MP=()
  for v in wincache "${PEERS[@]}" empty; do MR[$v]=$(med "${R[$v]}"); MP[$v]=$(med "${P[$v]}"); done
  best=redis
  awk -v m="${MR[memcached]}" -v r="${MR[redis]}" 'BEGIN {exit !(m > r)}' && best=memcached
  name="sessions A: php-fpm $w workers, session start + ~1 KB read + change + write, $sessions sessions"
  note="wrk -t$WRK_THREADS -c$WRK_CONNS ${duration}s, sessions uniform, ${bytes:-?} bytes each; save paths $disk_fs / $shm_fs"
  for v in "${PEERS[@]}"; do
    if [ "$w" = 4 ] && [[ $v == files-* ]]; then t='{"ratio":2}'; tt=">= 2x files"; else t=null; tt=""; fi
    row "$name: req/s" "req/s" higher "${MR[wincache]}" "${MR[$v]}" "\"$(label "$v")\"" "$t" "$tt" "$reps" "$note"
  done
  if [ "$w" = 4 ]; then t='{"ratio":1}'; tt=">= the best of redis/memcached"; else t=null; tt=""; fi
  row "$name: req/s vs the best of redis and memcached" "req/s" higher "${MR[wincache]}" "${MR[$best]}" \
    "\"best of redis/memcached: $best\"" "$t" "$tt" "$reps" "$note"
  for v in "${PEERS[@]}"; do
    row "sessions A: php-fpm $w workers, p99 latency" "ms" lower "${MP[wincache]}" "${MP[$v]}" "\"$(label "$v")\"" \
      null "" "$reps" "wrk -t$WRK_THREADS -c$WRK_CONNS ${duration}s"
  done
  row "sessions A: php-fpm $w workers, empty page (no session): the ceiling" "req/s" higher "${MR[empty]}" null null \
    null "" "$reps" "session_page.php?op=empty with wincache.so loaded; wrk -t$WRK_THREADS -c$WRK_CONNS ${duration}s"
  own() { awk -v p="$1" -v e="${MR[empty]}" 'BEGIN {printf "%.2f", 1e6 / p - 1e6 / e}'; }
  for v in files-disk files-tmpfs "$best"; do
    pn=$(label "$v"); [ "$v" = "$best" ] && pn="best of redis/memcached: $best"
    row "sessions A: php-fpm $w workers, the page's own time per request (beyond the empty page)" "us" lower \
      "$(own "${MR[wincache]}")" "$(own "${MR[$v]}")" "\"$pn\"" null "" "$reps" \
      "1e6/req/s minus 1e6/req/s of the empty page, from the medians; both cores shared by wrk, nginx, fpm and the peer's server"
  done
  s="$w workers: req/s ours ${MR[wincache]}"
  for v in "${PEERS[@]}"; do s+=", $(label "$v") ${MR[$v]}"; done
  s+=", empty ${MR[empty]}; p99 ms ours ${MP[wincache]}"
  for v in "${PEERS[@]}"; do s+=", $(label "$v") ${MP[$v]}"; done
  summary+=("A $s")
  say "median A $s"
  unset R P MR MP
done

# --- page B --------------------------------------------------------------------------------
declare -A BR=() BL=() BF=() BD=() BOK=() BLOG=() BFF=()
for ((r = 1; r <= reps; r++)); do
  for variant in wincache "${PEERS[@]}"; do
    run_b "$variant" "b_r${r}_$variant"
    BR[$variant]+="$b_rps "; BL[$variant]+="$b_lost "; BF[$variant]+="$b_fail "; BD[$variant]+="$b_dup "
    BOK[$variant]+="$b_ok "
    [ -n "$b_log" ] && BLOG[$variant]+="rep $r: $b_log. "
    [ -n "$b_first_fail" ] && [ -z "${BFF[$variant]:-}" ] && BFF[$variant]=$b_first_fail
    printf 'sessions.sh: B %-13s %d workers, rep %d/%d: %8.1f ok req/s  ok %d  failed %d  final %d  lost %d  (duplicate answers %d)\n' \
      "$(label "$variant")" "$b_workers" "$r" "$reps" "$b_rps" "$b_ok" "$b_fail" "$b_final" "$b_lost" "$b_dup"
    [ -n "$b_log" ] && say "  PHP log of $(label "$variant"): $b_log"
  done
done
# the peers' lock settings as they were in effect (op=ini), for the notes
ini_of() { sed -n "s/^$2=//p" <<<"${INI[$1]:-}"; }
redis_lock="redis: locking_enabled=$(ini_of redis redis.session.locking_enabled), lock_retries=$(ini_of redis redis.session.lock_retries) x lock_wait_time=$(ini_of redis redis.session.lock_wait_time) us, lock_expire=$(ini_of redis redis.session.lock_expire)"
memc_lock="memcached: sess_locking=$(ini_of memcached memcached.sess_locking), lock_wait_min/max=$(ini_of memcached memcached.sess_lock_wait_min)/$(ini_of memcached memcached.sess_lock_wait_max) ms x lock_retries=$(ini_of memcached memcached.sess_lock_retries), lock_expire=$(ini_of memcached memcached.sess_lock_expire)"
say "peer lock settings in effect: $redis_lock; $memc_lock"
bname="sessions B: $B_CLIENTS clients on one session, php-fpm $b_workers workers"
for v in "${PEERS[@]}"; do
  note="${b_secs}s per run; successful responses/s; $([ "$v" = redis ] && echo "$redis_lock; ")$([ "$v" = memcached ] && echo "$memc_lock; ")the peer failed $(sum "${BF[$v]}") of $(($(sum "${BOK[$v]}") + $(sum "${BF[$v]}"))) requests over the runs"
  [ -n "${BFF[$v]:-}" ] && note+=" (first: ${BFF[$v]})"
  row "$bname: successful req/s" "req/s" higher "$(med "${BR[wincache]}")" "$(med "${BR[$v]}")" "\"$(label "$v")\"" \
    null "" "$reps" "$note"
done
for v in "${PEERS[@]}"; do
  note="total over $reps run(s): successful responses minus the final counter (ours per run: ${BL[wincache]% }; peer: ${BL[$v]% }); answers returning a value already returned: ours $(sum "${BD[wincache]}"), peer $(sum "${BD[$v]}")"
  row "$bname: lost updates" "count" lower "$(sum "${BL[wincache]}")" "$(sum "${BL[$v]}")" "\"$(label "$v")\"" \
    '{"max":0}' "ours: none lost" "$reps" "$note"
done
for v in "${PEERS[@]}"; do
  note="total over $reps run(s) of non-200 answers (the session could not be started or written)"
  [ -n "${BLOG[$v]:-}" ] && note+="; the peer's PHP log: ${BLOG[$v]}"
  row "$bname: failed requests" "count" lower "$(sum "${BF[wincache]}")" "$(sum "${BF[$v]}")" "\"$(label "$v")\"" \
    null "" "$reps" "$note"
done
s="$b_workers workers, ok req/s (median) / lost / failed (totals):"
for v in wincache "${PEERS[@]}"; do s+=" $(label "$v") $(med "${BR[$v]}") / $(sum "${BL[$v]}") / $(sum "${BF[$v]}");"; done
summary+=("B $s")

append_rows
