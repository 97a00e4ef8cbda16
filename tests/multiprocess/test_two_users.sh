#!/usr/bin/env bash
# mp_two_users: the usual php-fpm layout, one root master and two pools running as two users
# (nobody and www-data). Defect 2 of the hostile test: every worker of the second pool could not
# open the first pool's objects (0600, another owner) and silently ran on a private cache and a
# private lock table. Now each user's pool gets its own shared cache:
#   - every worker of both pools reports is_local_cache false and a shared lock table;
#   - a value set by one worker of a pool is read by the pool's other worker;
#   - the pools do not see each other's values (one key, two values);
#   - an orderly stop (SIGQUIT) leaves nothing of either user's group in /dev/shm: the root
#     master drops each pool's pin as that pool's user (defect 13).
# usage: test_two_users.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
[ "${1:-}" = stub ] && { echo "SKIP: needs the real extension"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (a root master with pools of two users)"; exit 77; }
id www-data >/dev/null 2>&1 || { echo "SKIP: no user www-data"; exit 77; }
mp_init two_users "${1:?usage: $0 wincache.so}"

p1=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
p2=$(free_port $((p1 + 1))) || { fail "no free port"; exit 1; }
conf=$TMP/fpm_two.conf
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
php-fpm8.2 -F -y "$conf" "${EXT_ARGS[@]}" -d "wincache.namesalt=$SALT" >>"$TMP/logs/fpm_two.out" 2>&1 &
M=$!
MP_PIDS+=("$M")
wait_listen "$p1" "$M" && wait_listen "$p2" "$M" || { fail "php-fpm with two pools did not start"; cat "$TMP"/logs/fpm_two.*; exit 1; }
for ((i = 0; i < 50 && $(count_workers "$M") < 4; i++)); do sleep 0.1; done
users=$(for w in $(workers "$M"); do user_of "$w"; done | sort | uniq -c | tr -s ' ' | tr '\n' ';')
check "four workers, two per user ($users)" test "$users" = " 2 nobody; 2 www-data;"

for port in $p1 $p2; do
  seen=(); locals=0; groups=()
  for ((i = 0; i < 8; i++)); do
    b=$(fcgi "$port" "op=info") || { fail "info on $port failed: $b"; continue; }
    pid=$(field pid <<<"$b")
    [[ " ${seen[*]} " == *" $pid "* ]] || seen+=("$pid")
    [ "$(field is_local_cache <<<"$b")" = 0 ] || locals=$((locals + 1))
    g=$(field group <<<"$b"); [[ " ${groups[*]} " == *" $g "* ]] || groups+=("$g")
  done
  check "pool on $port: is_local_cache false in every answer (pids ${seen[*]})" test "$locals" = 0
  check "pool on $port: one group (${groups[*]})" test "${#groups[@]}" = 1
  b=$(fcgi "$port" "op=lock_try&k=L")
  check "pool on $port: wincache_lock works (locked=$(field locked <<<"$b"))" test "$(field locked <<<"$b")" = 1
done
g1=$(field group <<<"$(fcgi "$p1" "op=info")"); g2=$(field group <<<"$(fcgi "$p2" "op=info")")
check "the two users' pools are two groups ($g1 / $g2)" test -n "$g1" -a "$g1" != "$g2"

b=$(fcgi "$p1" "op=set&k=same&v=nobody_$SALT"); check "set in the nobody pool" test "$(field ok <<<"$b")" = 1
b=$(fcgi "$p2" "op=set&k=same&v=www_$SALT"); check "set in the www-data pool" test "$(field ok <<<"$b")" = 1
for ((i = 0; i < 6; i++)); do
  b1=$(fcgi "$p1" "op=get&k=same"); b2=$(fcgi "$p2" "op=get&k=same")
  check "nobody pid $(field pid <<<"$b1") reads its pool's value, www-data pid $(field pid <<<"$b2") its own" \
    test "$(field value <<<"$b1"):$(field value <<<"$b2")" = "nobody_$SALT:www_$SALT"
done

kill -QUIT "$M"
for ((i = 0; i < 150; i++)); do kill -0 "$M" 2>/dev/null || break; sleep 0.1; done
check "php-fpm stopped" bash -c "! kill -0 $M 2>/dev/null"
wait "$M" 2>/dev/null
left=$(shm_left "$SALT")
check "nothing of either user's group is left after the stop${left:+ (left: $(echo $left))}" test -z "$left"
