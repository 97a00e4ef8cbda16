#!/usr/bin/env bash
# scripts/soak.sh: the kill-everything soak (issue 17, part 1; docs/soak.md).
#
#   scripts/soak.sh [wincache.so]            60 s (the ctest `soak`, stage soak of scripts/test.sh)
#   SOAK_SECONDS=600 scripts/soak.sh         the 10-minute run
#   SOAK_SEED=N scripts/soak.sh              replay the load's and the chaos's choices of a run
#   SOAK_BREAK=nolock scripts/soak.sh        the increment page skips wincache_lock: the soak
#                                            must report lost increments and fail (its twin)
#   SOAK_BREAK=stale scripts/soak.sh         the file cache polls every 30 s (fcndetect=0,
#                                            chkinterval=30): it must report stale reads
#   SOAK_BREAK=segv scripts/soak.sh          the random kills are SIGSEGV (a crash, not our
#                                            kill -9): it must report crashes
#   SOAK_CLIENTS=6                           load clients (each sends one request at a time)
#   SOAK_OPCACHE=1                           OPcache on, validate_timestamps=0 (default: off)
#
# One group of processes (one wincache.apppoolid and namesalt, all running as nobody): a php-fpm
# static pool of 4 behind nginx, php-cgi with PHP_FCGI_CHILDREN=2 behind nginx, and two php-cgi
# processes started separately, each behind its own nginx. For SOAK_SECONDS:
#   - load clients (tests/soak/client.php) send a mixed load to the four front ends: the user cache
#     (set/add/get/many/delete/clear/inc/cas of values that carry their own checksum, strings of
#     1 B to 1 MB and arrays of up to 20,000 elements), increments of a counter FILE under
#     wincache_lock, appends to 8 sessions shared by all clients, includes through the file cache;
#   - a deployer (tests/soak/deployer.php) swaps a `current` symlink, rewrites a file in place and
#     renames a file over another, every 0.2-0.6 s;
#   - this shell's chaos loop, every 1-2 s: kill -9 of a random worker (php-fpm, php-cgi child, a
#     separate php-cgi, restarted then), or of a request it made hold the lock or its session (the
#     page writes its pid once it holds it), or SIGSTOP of a lock holder for 2-4 s then SIGCONT,
#     or kill -9 / SIGSTOP of the file cache's watcher owner; every 12-18 s a restart of the
#     whole php-fpm pool.
# Then it reads every session through every front end, the counter file, every include read
# against the deploy log, the logs; measures the user cache's used bytes after a clear against
# the same before the load; stops everything by pid and looks in /dev/shm. It prints one line per
# figure and fails (non-zero) if any of hangs, crashes, corrupt reads, lost session writes, lost
# increments, stale reads, leaked bytes or /dev/shm objects left is not 0, printing the seed.
# Needs root (the pools run as nobody), php8.2-fpm, php8.2-cgi, nginx, curl, setpriv.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
SO=${1:-${SOAK_SO:-$root/build/extension/wincache.so}}
SOAK_SECONDS=${SOAK_SECONDS:-60}
SOAK_SEED=${SOAK_SEED:-$(((RANDOM << 15) | RANDOM))}
SOAK_CLIENTS=${SOAK_CLIENTS:-6}
SOAK_BREAK=${SOAK_BREAK:-}
BOUND=${SOAK_BOUND:-1}   # s: the file cache's freshness bound with notifications (docs/invariants/fcache.md)
[ "$(id -u)" = 0 ] || { echo "SKIP: soak needs root (its pools run as nobody)"; exit 77; }
command -v setpriv >/dev/null || { echo "SKIP: no setpriv"; exit 77; }
command -v nginx >/dev/null || { echo "SKIP: nginx is not installed"; exit 77; }
# HANG (lib.sh, 30 s): a request over it is a hang. It is above every documented wait of a
# request here: wincache.locktimeout and wincache.sessionlockwait are set to 15 s below, a
# stopped lock holder is continued after at most 4 s.
MP_WATCHDOG=$((SOAK_SECONDS + 420))
# shellcheck source=../tests/multiprocess/lib.sh
source "$root/tests/multiprocess/lib.sh"
# shellcheck source=servers.sh
source "$root/scripts/servers.sh"   # stop_nginx_fpm: the pool restart
mp_init soak "$SO"
RANDOM=$SOAK_SEED
echo "soak: SOAK_SEED=$SOAK_SEED SOAK_SECONDS=$SOAK_SECONDS SOAK_CLIENTS=$SOAK_CLIENTS${SOAK_BREAK:+ SOAK_BREAK=$SOAK_BREAK}"

# --- the tree: page, data (counter file, holder pids), sessions, the deployed app -------------
RUN=$TMP/run
DATA=$TMP/data
mkdir -p "$RUN/clients" "$RUN/chaos" "$DATA" "$TMP/sess"
chmod 777 "$DATA"; chmod 1733 "$TMP/sess"   # the save path as Debian's /var/lib/php/sessions
cp "$root/tests/soak/www/soak.php" "$TMP/www/soak.php"
echo 0 >"$DATA/ctr"; chmod 666 "$DATA/ctr"
php8.2 -n "$root/tests/soak/deployer.php" "$TMP/app" 0 0 /dev/null init || { fail "deploy init"; exit 1; }
cp "$SO" "$TMP/wincache.so" && chmod 644 "$TMP/wincache.so"   # readable by nobody
EXT_ARGS=(-d "extension=$TMP/wincache.so")
POOL=soak_$SALT
COMMON_D=(-d opcache.enable=0 -d "wincache.apppoolid=$POOL" -d wincache.ucachesize=32
  -d wincache.fcenabled=1 -d wincache.fcndetect=1 -d wincache.locktimeout=15
  -d wincache.sessionlockwait=15 -d max_execution_time=25 -d memory_limit=256M
  -d session.save_handler=wincache -d "session.save_path=$TMP/sess")
# SOAK_OPCACHE=1: OPcache on with validate_timestamps=0, kept fresh by wincache.opcache_invalidate
# (issue 19) alone: the includes' versions are then what OPcache serves
[ "${SOAK_OPCACHE:-0}" = 1 ] && COMMON_D+=(-d opcache.enable=1 -d opcache.validate_timestamps=0 -d wincache.opcache_invalidate=1)
# SOAK_BREAK=stale: the file cache polls every 30 s instead of watching (chkinterval allows it;
# the soak's 1 s bound does not): the stale-read check must report it
[ "$SOAK_BREAK" = stale ] && COMMON_D+=(-d wincache.fcndetect=0 -d wincache.chkinterval=30)
FPM_D=("${COMMON_D[@]}")
CGI_D=("${COMMON_D[@]}")
CGI_WRAP=(setpriv --reuid=nobody --regid=nogroup --clear-groups)

# --- servers ----------------------------------------------------------------------------------
port=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
retry_port start_fpm "$port" 4 || exit 1; FPM_PORT=$PORT_USED
port=$(free_port $((FPM_PORT + 1))) || exit 1
retry_port start_cgi "$port" 2 || exit 1; KIDS_PORT=$PORT_USED; KIDS_PID=$CGI_PID
SEP_PORT=() SEP_PID=()
for i in 0 1; do
  port=$(free_port $((port + 1))) || exit 1
  retry_port start_cgi "$port" 0 || exit 1; SEP_PORT[$i]=$PORT_USED; SEP_PID[$i]=$CGI_PID
  port=$PORT_USED
done
FRONTS=()
for be in "$FPM_PORT" "$KIDS_PORT" "${SEP_PORT[@]}"; do
  port=$(free_port $((port + 1))) || exit 1
  retry_port start_nginx "$port" "$be" || exit 1; FRONTS+=("$PORT_USED"); port=$PORT_USED
done
info "php-fpm $FPM_PID:$FPM_PORT, php-cgi children $KIDS_PID:$KIDS_PORT, separate php-cgi ${SEP_PID[*]}:${SEP_PORT[*]}; nginx front ends ${FRONTS[*]}"

# get FRONT QUERY: the page's answer (curl, bounded)
get() { curl -s --max-time $((HANG + 15)) "http://127.0.0.1:$1/soak.php?$2"; }
b=$(get "${FRONTS[0]}" "op=mem&clear=1")
grep -q '^end=1$' <<<"$b" || { fail "the page does not answer: $b"; exit 1; }
BASE_USED=$(field uc_used <<<"$b"); BASE_BLKS=$(field uc_used_blks <<<"$b")
info "user cache after a clear before the load: $BASE_USED bytes used, $BASE_BLKS blocks; file cache: $(field change_detection <<<"$b"); OPcache $(field opcache <<<"$b")"
groups=""
for f in "${FRONTS[@]}"; do  # one group: every front end answers from it, shared
  g=$(get "$f" "op=mem"); grep -q '^end=1$' <<<"$g" || fail "front end $f does not answer"
  groups+="$(field group <<<"$g"):$(field uc_scope <<<"$g") "
done
check "the four front ends' processes are one group, its cache global ($groups)" \
  test "$(tr ' ' '\n' <<<"$groups" | sort -u | grep -c .):${groups%% *}" = "1:${groups%%:*}:global"

# --- load, deployer ---------------------------------------------------------------------------
END=$(($(date +%s) + SOAK_SECONDS))
LOAD_PIDS=()
fronts_csv=$(IFS=,; echo "${FRONTS[*]}")
for ((c = 1; c <= SOAK_CLIENTS; c++)); do
  php8.2 -n "$root/tests/soak/client.php" "$c" $((SOAK_SEED + c)) "$END" "$fronts_csv" \
    "$RUN/clients/$c.out" "$HANG" ${SOAK_BREAK:+"$SOAK_BREAK"} 2>>"$TMP/logs/clients.err" &
  LOAD_PIDS+=($!)
done
php8.2 -n "$root/tests/soak/deployer.php" "$TMP/app" "$SOAK_SEED" "$END" "$RUN/deploy.log" \
  2>>"$TMP/logs/deployer.err" &
DEPLOYER=$!

# --- the chaos loop ---------------------------------------------------------------------------
KILLED=" "       # pids we killed with -9
KILLS=0 AIMED_LOCK=0 AIMED_SESS=0 STOPS=0 RESTARTS=0 SEP_RESTARTS=0 UNEXPLAINED=0 OWNER_HITS=0
CHAOS_CURLS=()
declare -A KIDS_SEEN=()
# is_ours PID: a worker of this run now (an fpm worker or php-cgi child of our masters, or one of
# our separate php-cgi): a pid read from a holder file may have died and been reused meanwhile
is_ours() {
  in_list "$1" "$(live_workers "$FPM_PID" | tr '\n' ' ') $(live_workers "$KIDS_PID" | tr '\n' ' ') ${SEP_PID[*]}"
}
# forget PID: a server of ours that is gone leaves MP_PIDS (lib.sh stops what is in it at exit,
# by pid: a pid the kernel has given to another process since must not be in it; pids wrap here
# within minutes)
forget() {
  local keep=() p
  for p in "${MP_PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  MP_PIDS=("${keep[@]}")
}
# the chaos log: what was done to which process when (read beside a failure's details)
chaos_log() { echo "$(date +%s.%N | cut -c1-14) $*" >>"$RUN/chaos.log"; }
# owner_tag PID: " watcher owner" if PID runs the file cache's watcher thread (the only PHP
# process of the group with a second thread): its death or stop opens the lease's documented
# window (docs/invariants/watch_lease.md: up to 1.25 s with no watcher), which report.php allows
owner_tag() { [ "$(ls "/proc/$1/task" 2>/dev/null | wc -l)" -gt 1 ] && echo " watcher owner"; }
watcher_owner() {
  local p
  for p in $(live_workers "$FPM_PID") $(live_workers "$KIDS_PID") "${SEP_PID[@]}"; do
    [ -n "$(owner_tag "$p")" ] && { echo "$p"; return; }
  done
}
kill9() {
  local tag
  tag=$(owner_tag "$1")
  if [ "$SOAK_BREAK" = segv ] && [ "$2" = random ]; then  # the crash check's twin: not our kill,
    local v                                                 # an fpm worker and a php-cgi one
    for v in $(live_workers "$FPM_PID" | head -1) "$1"; do
      kill -SEGV "$v" 2>/dev/null && chaos_log "SIGSEGV $v (the twin's crash)"
    done
    return 0
  fi
  kill -KILL "$1" 2>/dev/null && { KILLED+="$1 "; KILLS=$((KILLS + 1)); chaos_log "kill -9 $1 ($2)$tag"; }
  [ -n "$tag" ] && OWNER_HITS=$((OWNER_HITS + 1))
  restart_sep_if "$1"
}
stop_cont() {  # stop_cont PID WHY: SIGSTOP for 2-4 s, then SIGCONT
  local tag
  tag=$(owner_tag "$1")
  kill -STOP "$1" 2>/dev/null || return 0
  STOPS=$((STOPS + 1)); chaos_log "SIGSTOP $1 ($2)$tag"
  [ -n "$tag" ] && OWNER_HITS=$((OWNER_HITS + 1))
  sleep "$((2 + RANDOM % 3))"
  kill -CONT "$1"; chaos_log "SIGCONT $1"
}
restart_sep_if() {  # a separate php-cgi killed: start it again on its port (nginx points there)
  local i try
  for i in 0 1; do
    [ "${SEP_PID[$i]}" = "$1" ] || continue
    wait "$1" 2>/dev/null
    forget "$1"
    for ((try = 0; try < 10; try++)); do
      MP_BIND_FAILED=0
      if start_cgi "${SEP_PORT[$i]}" 0; then SEP_PID[$i]=$CGI_PID; SEP_RESTARTS=$((SEP_RESTARTS + 1)); return; fi
      sleep 0.5
    done
    fail "separate php-cgi on ${SEP_PORT[$i]} could not be restarted"
  done
}
# track_kids: a php-cgi child that vanished without our kill -9 died by itself (a crash)
track_kids() {
  local p
  for p in "${!KIDS_SEEN[@]}"; do
    [ -d "/proc/$p" ] && [ "$(ppid_of "$p")" = "$KIDS_PID" ] && continue
    [[ "$KILLED" == *" $p "* ]] || { UNEXPLAINED=$((UNEXPLAINED + 1)); info "php-cgi child $p exited without being killed"; }
    unset "KIDS_SEEN[$p]"
  done
  for p in $(live_workers "$KIDS_PID"); do KIDS_SEEN[$p]=1; done
  for p in "${SEP_PID[@]}"; do  # a separate php-cgi gone by itself: counted, and started again
    kill -0 "$p" 2>/dev/null && continue
    UNEXPLAINED=$((UNEXPLAINED + 1)); info "separate php-cgi $p exited without being killed"
    restart_sep_if "$p"
  done
}
random_worker() {
  local all
  all=($(live_workers "$FPM_PID") $(live_workers "$KIDS_PID") "${SEP_PID[@]}")
  echo "${all[RANDOM % ${#all[@]}]}"
}
# aim KIND ACTION: a request that holds the lock (KIND lock) or its session (sess) for 3 s,
# then ACTION (kill or stop) on the process serving it once it holds it
AIM_N=0
aim() {
  local kind=$1 action=$2 tok q front pid i
  AIM_N=$((AIM_N + 1)); tok=chaos$AIM_N
  front=${FRONTS[RANDOM % ${#FRONTS[@]}]}
  if [ "$kind" = lock ]; then q="op=lock&hold=3000&tok=$tok"
  else q="op=sess&sid=soak$((RANDOM % 8))&item=x$tok&hold=3000&tok=$tok"; fi
  get "$front" "$q" >"$RUN/chaos/$tok" 2>/dev/null &
  CHAOS_CURLS+=($!)
  echo "$q" >"$RUN/chaos/$tok.q"
  for ((i = 0; i < 100; i++)); do  # until it holds it (10 s; the lock may be held by another)
    pid=$(cat "$DATA/holder_$tok" 2>/dev/null)
    [ -n "$pid" ] && break
    sleep 0.1
  done
  [ -n "$pid" ] && is_ours "$pid" || return 0
  if [ "$action" = kill ]; then
    kill9 "$pid" "holding the $kind, $tok"
    [ "$kind" = lock ] && AIMED_LOCK=$((AIMED_LOCK + 1)) || AIMED_SESS=$((AIMED_SESS + 1))
  else
    stop_cont "$pid" "holding the $kind, $tok"
  fi
}
listeners() {  # the processes that hold a socket listening on port $1
  local p
  for p in /proc/[0-9]*; do pid_listens "${p#/proc/}" "$1" && echo "${p#/proc/}($(comm_of "${p#/proc/}"))"; done
}
restart_pool() {
  local try
  chaos_log "pool restart: stopping $FPM_PID"
  stop_nginx_fpm "" "$FPM_PID"
  forget "$FPM_PID"
  ! listening "$FPM_PORT" || info "after the pool stopped, port $FPM_PORT is held by $(listeners "$FPM_PORT" | tr '\n' ' ')"
  for ((try = 0; try < 10; try++)); do
    MP_BIND_FAILED=0
    if start_fpm "$FPM_PORT" 4; then RESTARTS=$((RESTARTS + 1)); chaos_log "pool restart: $FPM_PID started"; return; fi
    sleep 0.5
  done
  fail "php-fpm could not be restarted on $FPM_PORT"
}
next_restart=$((SECONDS + 15))
while (($(date +%s) < END)); do
  track_kids
  sleep "$((1 + RANDOM % 2)).$((RANDOM % 10))"
  (($(date +%s) < END)) || break
  track_kids
  if ((SECONDS >= next_restart)); then restart_pool; next_restart=$((SECONDS + 12 + RANDOM % 7)); continue; fi
  r=$((RANDOM % 100))
  if ((r < 45)); then kill9 "$(random_worker)" random
  elif ((r < 60)); then aim lock kill
  elif ((r < 75)); then aim sess kill
  elif ((r < 93)); then aim lock stop
  else  # the file cache's watcher owner itself, killed or stopped
    o=$(watcher_owner)
    if [ -z "$o" ]; then :
    elif ((RANDOM % 2)); then kill9 "$o" "the watcher"
    else stop_cont "$o" "the watcher"; fi
  fi
done
track_kids
info "load until $(date -d @"$END" +%T); waiting for the clients and the deployer"
wait "${LOAD_PIDS[@]}" "$DEPLOYER" "${CHAOS_CURLS[@]}" 2>/dev/null
track_kids

# the chaos loop's own committed requests
for f in "$RUN"/chaos/chaos*; do
  [[ "$f" == *.q ]] && continue
  b=$(cat "$f"); q=$(cat "$f.q")
  grep -q '^end=1$' <<<"$b" && [ "$(field committed <<<"$b")" = 1 ] || continue
  case "$q" in
    op=lock*) echo "L $(field v <<<"$b")" ;;
    op=sess*) sid=${q#*sid=}; sid=${sid%%&*}; item=${q#*item=}; item=${item%%&*}; echo "S $sid $item" ;;
  esac
done >"$RUN/chaos.out"

# --- checks after the load --------------------------------------------------------------------
sleep "$BOUND"; sleep 0.5
for f in "${FRONTS[@]}"; do  # every front end serves the last deploy now
  for ((i = 0; i < 4; i++)); do
    t0=$(date +%s.%N); b=$(get "$f" "op=inc"); t1=$(date +%s.%N)
    echo "I $t0 $t1 $(field a <<<"$b") $(field b <<<"$b") $(field c <<<"$b") $f"
  done
done >"$RUN/clients/final.out"
echo "N requests=$((4 * ${#FRONTS[@]})) complete=$(grep -c '^I' "$RUN/clients/final.out")" >>"$RUN/clients/final.out"
for f in "${FRONTS[@]}"; do
  for ((s = 0; s < 8; s++)); do
    b=$(get "$f" "op=sess_get&sid=soak$s")
    if grep -q '^end=1$' <<<"$b"; then echo "$f soak$s $(field items <<<"$b")"; else echo "$f soak$s FAILED"; fi
  done
done >"$RUN/sessions.txt"
cp "$DATA/ctr" "$RUN/ctr"
b=$(get "${FRONTS[0]}" "op=mem"); info "at the end: user cache $(field uc_used <<<"$b") bytes used, $(field uc_items <<<"$b") items; session store $(field scache_used <<<"$b"), file cache $(field fcache_used <<<"$b") bytes used; recoveries: user cache $(field uc_recoveries <<<"$b"), sessions $(field sess_recoveries <<<"$b"), file cache $(field fc_recoveries <<<"$b"); locks taken over $(field locks_taken_over <<<"$b"), stale session locks broken $(field sess_stale_locks_broken <<<"$b")"
b=$(get "${FRONTS[0]}" "op=mem&clear=1")
END_USED=$(field uc_used <<<"$b"); END_BLKS=$(field uc_used_blks <<<"$b")
# crashes: a worker that died of a signal we did not send or exited with a non-zero code (fpm logs
# both; php-cgi children and separate php-cgi: track_kids)
crashes=$(cat "$TMP"/logs/fpm_*.log 2>/dev/null | grep -E "exited on signal|exited with code [1-9]" | grep -vE "exited on signal 9 \(SIGKILL\)" | wc -l)
for p in $(cat "$TMP"/logs/fpm_*.log 2>/dev/null | sed -nE 's/.*child ([0-9]+) exited on signal 9 .*/\1/p'); do
  [[ "$KILLED" == *" $p "* ]] || { crashes=$((crashes + 1)); info "php-fpm worker $p was SIGKILLed, not by us"; }
done
crashes=$((crashes + UNEXPLAINED + $(cat "$TMP"/logs/* 2>/dev/null | grep -v "exited on signal" |
  grep -ciE "segmentation fault|core dumped|SIGSEGV|SIGABRT|SIGBUS")))
php_errors=$(cat "$TMP"/logs/php_fpm_*.log "$TMP"/logs/cgi_*.log 2>/dev/null | grep -cE "PHP (Fatal|Warning|Notice|Deprecated)|soak: corrupt")

# --- stop everything by pid, then /dev/shm ----------------------------------------------------
# (mp_stop_all waits for every job: the watchdog goes first; what is left to do is bounded)
kill "$MP_WATCHDOG_PID" 2>/dev/null
mp_stop_all
left=""
for ((i = 0; i < 50; i++)); do
  left=$(shm_left "$SALT")
  [ -z "$left" ] && break
  sleep 0.1
done
shm_left_n=$(wc -w <<<"$left")

# --- the report -------------------------------------------------------------------------------
rep=$(php8.2 -n "$root/tests/soak/report.php" "$RUN" "$BOUND")
r() { field "$1" <<<"$rep"; }
leak=$((END_USED - BASE_USED))
echo "---- soak report (seed $SOAK_SEED, ${SOAK_SECONDS} s, $SOAK_CLIENTS clients) ----"
echo "requests:            $(r requests) ($(r complete) complete, $(r errors) cut by the chaos; user cache $(r uc_requests), include reads $(r include_reads))"
echo "chaos:               $KILLS kill -9 (of them aimed: $AIMED_LOCK lock holders, $AIMED_SESS session writers), $STOPS stopped 2-4 s, $OWNER_HITS of all these the watcher owner; $RESTARTS pool restarts, $SEP_RESTARTS separate php-cgi restarts"
echo "deploy steps:        $(r deploy_steps) (half-written reads during an in-place rewrite, allowed: $(r torn_reads); longest an older version was served after a newer one was complete: $(r max_stale_lag_s) s ($(r lag_by_file)); $(r owner_window_reads) reads judged with the watcher-owner window)"
echo "lock increments:     $(r lock_commits) committed, counter file at $(r counter)"
echo "session appends:     $(r sess_commits) committed, $(r sess_reads) session reads at the end"
echo "php log lines:       $php_errors (warnings, notices, fatal errors: see $TMP/logs if kept)"
bad=0
verdict() {  # verdict NAME VALUE [MORE]: a figure that must be 0
  printf '%-34s %s\n' "$1:" "$2${3:+ $3}"
  [ "$2" = 0 ] || { bad=1; fail "$1: $2${3:+ $3}"; }
}
verdict "hangs (> ${HANG} s)" "$(r hangs)"
verdict "crashes of survivors" "$crashes"
verdict "corrupt reads" "$(r corrupt)"
verdict "lost committed session writes" "$(r lost_sess)"
verdict "session reads failed" "$(r sess_read_failed)"
verdict "lost lock-protected increments" "$(r lost_increments)"
verdict "stale file content (> ${BOUND} s)" "$(r stale)"
verdict "user cache bytes leaked" "$leak" "(used after a clear: $BASE_USED bytes in $BASE_BLKS blocks before the load, $END_USED in $END_BLKS after)"
verdict "user cache blocks leaked" "$((END_BLKS - BASE_BLKS))"
verdict "/dev/shm objects left" "$shm_left_n" "${left:+($(echo $left))}"
[ "$(r clients_done)" = "$((SOAK_CLIENTS + 1))" ] || { bad=1; fail "only $(r clients_done) of $((SOAK_CLIENTS + 1)) clients finished"; }
grep '^detail: ' <<<"$rep" | sed 's/^detail: /  /'
if ((bad)); then
  echo "the chaos log ($RUN/chaos.log):"; sed 's/^/  /' "$RUN/chaos.log" 2>/dev/null
  echo "soak FAILED; replay: SOAK_SEED=$SOAK_SEED SOAK_SECONDS=$SOAK_SECONDS${SOAK_BREAK:+ SOAK_BREAK=$SOAK_BREAK} scripts/soak.sh"
  cp -r "$RUN" "$TMP/logs/run" 2>/dev/null
else
  echo "soak PASSED (SOAK_SEED=$SOAK_SEED)"
fi
