#!/usr/bin/env bash
# mp_two_users: the usual php-fpm layout, one root master and two pools running as two users
# (nobody and www-data). Defect 2 of the hostile test: every worker of the second pool could not
# open the first pool's objects (0600, another owner) and silently ran on a private cache and a
# private lock table. Now each user's pool gets its own shared cache:
#   - every worker of both pools reports is_local_cache false and a shared lock table;
#   - a value set by one worker of a pool is read by both of the pool's workers (at once);
#   - the pools do not see each other's values (one key, two values);
#   - an orderly stop (SIGQUIT) leaves nothing of either user's group in /dev/shm: the root
#     master drops each pool's pin as that pool's user (defect 13).
# usage: test_two_users.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
[ "${1:-}" = stub ] && { echo "SKIP: needs the real extension"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (a root master with pools of two users)"; exit 77; }
id www-data >/dev/null 2>&1 || { echo "SKIP: no user www-data"; exit 77; }
mp_init two_users "${1:?usage: $0 wincache.so}"

# start_two P1 P2: one master, a pool per user on P1 and P2 -> $M; false (MP_BIND_FAILED=1) if a
# port was taken meanwhile (another test got it first)
start_two() {
  local p1=$1 p2=$2 conf=$TMP/fpm_two.conf u p pool
  {
    echo "[global]"
    echo "pid = $TMP/fpm_two.pid"
    echo "error_log = $TMP/logs/fpm_two.log"
    echo "daemonize = no"
    echo "process_control_timeout = 10s"
    for pool in nobody:$p1 www-data:$p2; do
      u=${pool%%:*}; p=${pool##*:}
      echo "[pool_$u]"
      echo "user = $u"
      echo "group = $(id -gn "$u")"
      echo "listen = 127.0.0.1:$p"
      echo "pm = static"
      echo "pm.max_children = 2"
      echo "catch_workers_output = yes"
      echo "php_admin_value[error_log] = $TMP/logs/php_fpm_$u.log"
      echo "php_admin_flag[log_errors] = on"
    done
  } >"$conf"
  : >"$TMP/logs/fpm_two.log"
  php-fpm8.2 -F -y "$conf" "${EXT_ARGS[@]}" -d "wincache.namesalt=$SALT" >>"$TMP/logs/fpm_two.out" 2>&1 &
  M=$!
  MP_PIDS+=("$M")
  MP_BIND_FAILED=0
  wait_listen "$p1" "$M" && wait_listen "$p2" "$M" && return 0
  start_failed "php-fpm with two pools" "$p1/$p2" "$M" "$TMP/logs/fpm_two.out" "$TMP/logs/fpm_two.log"
  return 1
}
p1=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
for ((try = 0; try < 5; try++)); do
  p2=$(free_port $((p1 + 1))) || { fail "no free port"; exit 1; }
  start_two "$p1" "$p2" && break
  ((MP_BIND_FAILED)) || exit 1
  info "port $p1 or $p2 was taken, trying others"
  p1=$(free_port $((p2 + 1 + RANDOM % 50))) || { fail "no free port"; exit 1; }
done
((try < 5)) || { fail "php-fpm with two pools: no ports could be bound"; exit 1; }
check "four workers" until_true "$HANG" has_children "$M" 4
users=$(for w in $(workers "$M"); do user_of "$w"; done | sort | uniq -c | tr -s ' ' | tr '\n' ';')
check "four workers, two per user ($users)" test "$users" = " 2 nobody; 2 www-data;"

for port in $p1 $p2; do
  # both workers of the pool at once (spread)
  if spread fcgi "$port" 2 "op=info"; then
    locals=$(spread_answers ok is_local_cache | awk '$2 != 1 || $3 != 0')
    check "pool on $port: is_local_cache false in both workers ($SPREAD_PIDS)${locals:+; not: $locals}" test -z "$locals"
    groups=$(spread_answers group | awk '{print $2}' | sort -u)
    check "pool on $port: one group ($(echo $groups))" test "$(wc -w <<<"$groups")" = 1
  fi
  b=$(fcgi "$port" "op=lock_try&k=L")
  check "pool on $port: wincache_lock works (locked=$(field locked <<<"$b"))" test "$(field locked <<<"$b")" = 1
done
g1=$(field group <<<"$(fcgi "$p1" "op=info")"); g2=$(field group <<<"$(fcgi "$p2" "op=info")")
check "the two users' pools are two groups ($g1 / $g2)" test -n "$g1" -a "$g1" != "$g2"

b=$(fcgi "$p1" "op=set&k=same&v=nobody_$SALT"); check "set in the nobody pool" test "$(field ok <<<"$b")" = 1
b=$(fcgi "$p2" "op=set&k=same&v=www_$SALT"); check "set in the www-data pool" test "$(field ok <<<"$b")" = 1
for pool in nobody:$p1 www:$p2; do
  u=${pool%%:*}; port=${pool##*:}
  if spread fcgi "$port" 2 "op=get&k=same"; then
    wrong=$(spread_answers value | awk -v v="${u}_$SALT" '$2 != v')
    check "both workers of the $u pool ($SPREAD_PIDS) read its pool's value${wrong:+; not: $wrong}" test -z "$wrong"
  fi
done

kill -QUIT "$M"
gone() { ! kill -0 "$1" 2>/dev/null; }
check "php-fpm stopped" until_true "$HANG" gone "$M"
wait "$M" 2>/dev/null
left=$(shm_left "$SALT")
check "nothing of either user's group is left after the stop${left:+ (left: $(echo $left))}" test -z "$left"
