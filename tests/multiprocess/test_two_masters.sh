#!/usr/bin/env bash
# mp_two_masters: two real Unix users made by the test (wc_usr_a, wc_usr_b; removed at the end,
# whichever way it ends), their php-fpm pools in two layouts, and each user attacking the other
# (issue 17 part 2).
#   Layout "two masters": two php-fpm masters at the same time, one per user: A's master started
#     AS wc_usr_a (no root anywhere), B's a root master with one pool of wc_usr_b.
#   Layout "one master": one root master with a pool of each user.
# In each layout, for each pool (2 workers, the session handler wincache):
#   - both workers report is_local_cache false and one group; a value set by one is read by the
#     other at once (spread); the two pools hold one key with two values (never the other's);
#     a session written through the pool is read back;
#   - the other user, with tests/multiprocess/attack.py, tries every object of the victim: each
#     file in /dev/shm/wincache-<uid>/ (registry, user cache, lock tables, session store, file
#     cache and watch segments: whatever the pool made), the directory itself, the session
#     backing <save_path>/wincache-<uid>/ and its s_<id> records, and the victim workers'
#     /proc/<pid>/{mem,map_files,fd}: open O_RDONLY / O_RDWR, mmap, write, truncate, chmod,
#     chown, unlink, rename over, rename away, hard link, stat; list, create, symlink, mkfifo in,
#     chmod, rename, rmdir of the directories. Every attempt must fail with EACCES or EPERM;
#   - afterwards the victim's values and sessions are intact (read again by both workers).
# USERS_BREAK=loose is the test's twin: before the attacks it makes the victim's directory 0755
# and one segment 0644 (as a bug would); the attack check must then report the breach and the
# test fail.
# usage: test_two_masters.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/users.sh"
[ "${1:-}" = stub ] && { echo "SKIP: needs the real extension"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (creates two users)"; exit 77; }
[ -x /usr/bin/python3 ] || { echo "SKIP: no /usr/bin/python3 (the attacker)"; exit 77; }
mp_init two_masters "${1:?usage: $0 wincache.so}"
users_init

# Everything the users' processes read must be readable by them (the build tree may not be).
cp "$SO" "$TMP/wincache.so" && chmod 644 "$TMP/wincache.so"
cp "$MP_DIR/attack.py" "$TMP/attack.py" && chmod 755 "$TMP/attack.py"
mkdir -p "$TMP/sess" && chmod 1733 "$TMP/sess"   # as Debian's /var/lib/php/sessions
for u in a b; do
  d=$TMP/run_$u; mkdir -p "$d"
  s=/dev/shm/wcatk_${u}_$SALT; mkdir -p "$s"
  uu=$([ $u = a ] && echo $UA || echo $UB)
  chown "$uu:" "$d" "$s"; chmod 700 "$d" "$s"
done
cleanup_scratch() { rm -rf /dev/shm/wcatk_a_$SALT /dev/shm/wcatk_b_$SALT; users_cleanup; }
MP_CLEANUP=cleanup_scratch
INI=(-d "extension=$TMP/wincache.so" -d "wincache.namesalt=$SALT" -d session.save_handler=wincache
     -d "session.save_path=$TMP/sess" -d session.use_cookies=0 -d session.use_strict_mode=0
     -d session.cache_limiter=)

# pool_conf NAME USER PORT: one pool section (USER "" : a master that runs as that user itself)
pool_conf() {
  echo "[$1]"
  [ -n "$2" ] && { echo "user = $2"; echo "group = $(id -gn "$2")"; }
  echo "listen = 127.0.0.1:$3"
  echo "pm = static"
  echo "pm.max_children = 2"
  echo "catch_workers_output = yes"
  echo "php_admin_value[error_log] = $TMP/logs/php_$1.log"
  echo "php_admin_flag[log_errors] = on"
}
# start_master TAG RUNAS CONFBODY PORT... -> $M; RUNAS "" = root; false (MP_BIND_FAILED=1) if a
# port was taken meanwhile
start_master() {
  local tag=$1 runas=$2 body=$3 conf=$TMP/run_$1.conf p
  shift 3
  [ -d "$TMP/run_$tag" ] || mkdir -p "$TMP/run_$tag"
  { echo "[global]"
    echo "pid = $TMP/run_$tag/fpm.pid"
    echo "error_log = $TMP/logs/fpm_$tag.log"
    echo "daemonize = no"
    echo "process_control_timeout = 10s"
    echo "$body"; } >"$conf"
  chmod 644 "$conf"
  : >"$TMP/logs/fpm_$tag.log"; chmod 666 "$TMP/logs/fpm_$tag.log"
  if [ -n "$runas" ]; then
    setpriv --reuid="$runas" --regid="$(id -gn "$runas")" --clear-groups \
      php-fpm8.2 -F -y "$conf" "${INI[@]}" >>"$TMP/logs/fpm_$tag.out" 2>&1 &
  else
    php-fpm8.2 -F -y "$conf" "${INI[@]}" >>"$TMP/logs/fpm_$tag.out" 2>&1 &
  fi
  M=$!
  MP_PIDS+=("$M")
  MP_BIND_FAILED=0
  for p in "$@"; do
    wait_listen "$p" "$M" && continue
    start_failed "php-fpm $tag" "$p" "$M" "$TMP/logs/fpm_$tag.out" "$TMP/logs/fpm_$tag.log"
    return 1
  done
}
# ports N: N free ports -> $PORTS
ports() {
  local p=$(free_port "$(base_port)") i
  PORTS=()
  for ((i = 0; i < $1; i++)); do
    p=$(free_port $((p + 1 + RANDOM % 20))) || return 1
    PORTS+=("$p")
  done
}

# check_pool LABEL PORT USER VALUE: both workers shared, not local, one group; set + spread get
check_pool() {
  local label=$1 port=$2 user=$3 val=$4 b locals groups wrong
  if spread fcgi "$port" 2 "op=info"; then
    local users
    users=$(for p in $SPREAD_PIDS; do user_of "$p"; done | sort -u | tr '\n' ' ')
    check "$label: the pool's workers ($SPREAD_PIDS) run as $user ($users)" test "$users" = "$user "
    locals=$(spread_answers ok is_local_cache | awk '$2 != 1 || $3 != 0')
    check "$label: is_local_cache false in both workers${locals:+; not: $locals}" test -z "$locals"
    groups=$(spread_answers group | awk '{print $2}' | sort -u)
    check "$label: one group ($(echo $groups))" test "$(wc -w <<<"$groups")" = 1
    POOL_GROUP=$groups
    POOL_PIDS=$SPREAD_PIDS
  fi
  b=$(fcgi "$port" "op=set&k=same&v=$val"); check "$label: set same=$val" test "$(field ok <<<"$b")" = 1
  b=$(fcgi "$port" "op=sess_append&sid=s${user//_/}$LAYOUT$SALT&item=$val"); check "$label: a session written" test "$(field written <<<"$b")" = 1
  if spread fcgi "$port" 2 "op=get&k=same"; then
    wrong=$(spread_answers value | awk -v v="$val" '$2 != v')
    check "$label: both workers ($SPREAD_PIDS) read their pool's value${wrong:+; not: $wrong}" test -z "$wrong"
  fi
}
# intact LABEL PORT USER VALUE: after the attacks, the victim's value and session are as written
intact() {
  local label=$1 port=$2 user=$3 val=$4 b wrong
  if spread fcgi "$port" 2 "op=get&k=same"; then
    wrong=$(spread_answers value | awk -v v="$val" '$2 != v')
    check "$label: after the attacks both workers still read $val${wrong:+; not: $wrong}" test -z "$wrong"
  fi
  b=$(fcgi "$port" "op=sess_get&sid=s${user//_/}$LAYOUT$SALT")
  check "$label: after the attacks the session holds [$val] ($(field items <<<"$b"))" test "$(field items <<<"$b")" = "$val"
  b=$(fcgi "$port" "op=selfcheck")
  [ -n "$(field ok <<<"$b")" ] && check "$label: selfcheck of the cache after the attacks" test "$(field ok <<<"$b")" = 1
}

# attack ATTACKER VICTIM_USER VICTIM_UID PIDS...: the attacker tries every object of the victim
attack() {
  local who=$1 vuser=$2 vuid=$3 d files=() dirs=() pids=() out rc scratch
  shift 3
  for d in /dev/shm/wincache-"$vuid" /dev/shm/wincache-"$vuid".* "$TMP/sess/wincache-$vuid"; do
    [ -d "$d" ] && [ ! -L "$d" ] || continue
    dirs+=(--dir "$d")
    for f in "$d"/*; do [ -e "$f" ] && files+=(--file "$f"); done
  done
  for p in "$@"; do pids+=(--pid "$p"); done
  if [ "${USERS_BREAK:-}" = loose ]; then
    info "USERS_BREAK=loose: $vuser's directory 0755, one segment 0644"
    chmod 755 "/dev/shm/wincache-$vuid"
    chmod 644 "$(ls /dev/shm/wincache-"$vuid"/*_k0_g* | head -1)"
  fi
  scratch=/dev/shm/wcatk_${who}_$SALT
  local kinds
  kinds=$(printf '%s\n' "${files[@]}" | grep -v -- '^--file$' | sed -E 's|.*_(k[0-9]+)_g[0-9]+$|\1|; s|.*_reg$|reg|; s|.*/s_.*|session-record|' | sort | uniq -c | awk '{printf "%s%s=%s", (NR > 1 ? "," : ""), $2, $1}')
  info "$who attacks $vuser: $((${#dirs[@]} / 2)) directories, $((${#files[@]} / 2)) files ($kinds), pids $*"
  out=$(cd / && if [ "$who" = a ]; then as_a /usr/bin/python3 "$TMP/attack.py" "${dirs[@]}" "${files[@]}" "${pids[@]}" --scratch "$scratch" --scratch "$TMP/run_$who"
        else as_b /usr/bin/python3 "$TMP/attack.py" "${dirs[@]}" "${files[@]}" "${pids[@]}" --scratch "$scratch" --scratch "$TMP/run_$who"; fi 2>&1)
  rc=$?
  echo "$out" >"$TMP/logs/attack_${who}_$vuser.txt"
  local summary
  summary=$(tail -1 <<<"$out")
  check "every attempt of $who against $vuser's objects refused with EACCES/EPERM ($summary)" test "$rc" = 0
  grep -E '^(BREACH|ODD)' <<<"$out" | head -20 | sed 's/^/  /'
  # the kinds that must have been attacked: the registry, the user cache, the locks, the session
  # store and its locks, and a session record
  local k
  for k in reg k0 k1 k2 k3 session-record; do
    grep -qE "(^|,)$k=" <<<"$kinds" || fail "$who attacks $vuser: no object of kind $k was found to attack ($kinds)"
  done
  [ "$(grep -c '^DENIED' <<<"$out")" -ge 80 ] || fail "fewer attempts than expected: $summary"
}

gone() { ! kill -0 "$1" 2>/dev/null; }
run_layout() {  # run_layout NAME: the checks and attacks against the servers on $PA (A) and $PB (B)
  local name=$1
  check_pool "$name, $UA's pool" "$PA" $UA "a_$SALT"; local ga=$POOL_GROUP pids_a=$POOL_PIDS
  check_pool "$name, $UB's pool" "$PB" $UB "b_$SALT"; local gb=$POOL_GROUP pids_b=$POOL_PIDS
  check "$name: the two users' pools are two groups ($ga / $gb)" test -n "$ga" -a -n "$gb" -a "$ga" != "$gb"
  check "$name: $UA's objects are in /dev/shm/wincache-$UIDA, mode 700, owned by $UA" \
    test "$(stat -c %U:%a /dev/shm/wincache-$UIDA 2>&1)" = "$UA:700"
  check "$name: $UB's objects are in /dev/shm/wincache-$UIDB, mode 700, owned by $UB" \
    test "$(stat -c %U:%a /dev/shm/wincache-$UIDB 2>&1)" = "$UB:700"
  attack b $UA "$UIDA" $pids_a
  attack a $UB "$UIDB" $pids_b
  intact "$name, $UA's pool" "$PA" $UA "a_$SALT"
  intact "$name, $UB's pool" "$PB" $UB "b_$SALT"
  local bad
  bad=$(grep -lE 'SIGSEGV|SIGBUS|SIGABRT|core dumped|exited on signal' "$TMP"/logs/fpm_*.log 2>/dev/null)
  check "$name: no worker crashed${bad:+ (see $bad)}" test -z "$bad"
}

stop_all() {  # stop_all LABEL: every master (SIGQUIT, graceful), then nothing may be left
  local p
  for p in "${MP_PIDS[@]}"; do [ -n "$p" ] && kill -QUIT "$p" 2>/dev/null; done
  for p in "${MP_PIDS[@]}"; do
    [ -n "$p" ] || continue
    check "$1: master $p stopped" until_true "$HANG" gone "$p"
    wait "$p" 2>/dev/null
  done
  MP_PIDS=()
  local left
  left=$(shm_left "$SALT")
  check "$1: nothing of either group is left after the stop${left:+ (left: $(echo $left))}" test -z "$left"
}

# ---- layout 1: two masters at the same time ------------------------------------------------
for ((try = 0; try < 5; try++)); do
  ports 2 || { fail "no free port"; exit 1; }
  PA=${PORTS[0]}; PB=${PORTS[1]}
  chown $UA: "$TMP/run_a"
  start_master a $UA "$(pool_conf pool_a "" "$PA")" "$PA" || { ((MP_BIND_FAILED)) && continue; exit 1; }
  MA=$M
  start_master b "" "$(pool_conf pool_b $UB "$PB")" "$PB" && { MB=$M; break; }
  ((MP_BIND_FAILED)) || exit 1
  kill -QUIT "$MA"; until_true "$HANG" gone "$MA"; wait "$MA" 2>/dev/null; MP_PIDS=()
done
((try < 5)) || { fail "two masters: no ports could be bound"; exit 1; }
check "$UA's master runs as $UA ($(user_of "$MA")), $UB's as root ($(user_of "$MB"))" \
  test "$(user_of "$MA"):$(user_of "$MB")" = "$UA:root"
two_each() { has_children "$MA" 2 && has_children "$MB" 2; }
check "two workers each" until_true "$HANG" two_each
LAYOUT=1
run_layout "two masters"
stop_all "two masters"

# ---- layout 2: one root master, a pool of each user -----------------------------------------
for ((try = 0; try < 5; try++)); do
  ports 2 || { fail "no free port"; exit 1; }
  PA=${PORTS[0]}; PB=${PORTS[1]}
  start_master one "" "$(pool_conf pool_a $UA "$PA"; pool_conf pool_b $UB "$PB")" "$PA" "$PB" && break
  ((MP_BIND_FAILED)) || exit 1
done
((try < 5)) || { fail "one master: no ports could be bound"; exit 1; }
check "four workers" until_true "$HANG" has_children "$M" 4
LAYOUT=2
run_layout "one master"
stop_all "one master"
