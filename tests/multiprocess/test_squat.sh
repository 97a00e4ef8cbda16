#!/usr/bin/env bash
# mp_squat: another local user pre-creates our predictable names in /dev/shm before we start.
# Defect 2 of the hostile test: such a squat made every process refuse the objects and fall back
# to a private cache and a private lock table (a lock that looks shared and is not). Now each
# user's objects live in a 0700 directory it owns (prims/posix_os.hpp), found along a fixed chain
# of names: a squatted name is skipped by every process of the user alike.
#   - user nobody squats daemon's directory name (a directory of its own), the next name in the
#     chain (a symlink into /tmp), and the flat name the registry had before (format 1, straight
#     in /dev/shm: the attack of the hostile test, which made every process fall back);
#   - php-cgi with 3 children, run as daemon, still shares one cache and one lock table, in
#     /dev/shm/wincache-<uid>.2, mode 0700, owned by daemon; nothing is followed or written
#     through the squats;
#   - after the stop nothing of ours is left, and the squats are untouched.
# usage: test_squat.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
[ "${1:-}" = stub ] && { echo "SKIP: needs the real extension"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (plays two users)"; exit 77; }
command -v setpriv >/dev/null || { echo "SKIP: no setpriv"; exit 77; }
id daemon >/dev/null 2>&1 && id nobody >/dev/null 2>&1 || { echo "SKIP: no users daemon/nobody"; exit 77; }
U=$(id -u daemon)
base=/dev/shm/wincache-$U
# The names this test squats are machine-wide (daemon's directory chain): one run at a time on
# this machine, whichever checkout it runs from. (The servers it starts inherit fd 9 and are
# stopped before it exits; lib.sh's watchdog does not take it.)
exec 9>/tmp/wincache_mp_squat.lock
flock -w 60 9 || { echo "SKIP: another run of this test held /tmp/wincache_mp_squat.lock for 60 s"; exit 77; }
if [ -e "$base" ] || [ -e "$base.1" ] || [ -e "$base.2" ]; then
  echo "SKIP: $base* exists already (another run of this test?)"; exit 77
fi
mp_init squat "${1:?usage: $0 wincache.so}"
MP_CLEANUP=cleanup_squats
# The format-1 registry name of this group: wincache_1_a<FNV-1a 64 of the pool id>_<salt>_reg
POOL=squat_$SALT
fnv=-3750763034362895579   # 0xcbf29ce484222325
for ((i = 0; i < ${#POOL}; i++)); do
  fnv=$(( (fnv ^ $(printf '%d' "'${POOL:i:1}")) * 1099511628211 ))
done
flat=/dev/shm/wincache_1_a$(printf '%016x' "$fnv")_${SALT}_reg
cleanup_squats() { rm -rf "$base" "$base.1" "$flat"; rmdir "$base.2" 2>/dev/null; }
setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c "echo squat > '$flat'; chmod 644 '$flat'"
setpriv --reuid=nobody --regid=nogroup --clear-groups mkdir -m 0777 "$base"
setpriv --reuid=nobody --regid=nogroup --clear-groups ln -s "$TMP/trap" "$base.1"
mkdir -p "$TMP/trap" && chmod 777 "$TMP/trap"
check "the squats are in place (another owner's directory, a symlink)" \
  test "$(stat -c %U "$base"):$(stat -c %F "$base.1")" = "nobody:symbolic link"

cp "$SO" "$TMP/wincache.so" && chmod 644 "$TMP/wincache.so"
start_daemon_cgi() {  # start_daemon_cgi PORT -> $M (retry_port's protocol)
  local port=$1
  : >"$TMP/logs/cgi_squat.out"
  PHP_FCGI_CHILDREN=3 setpriv --reuid=daemon --regid=daemon --clear-groups \
    php-cgi8.2 -n -d "extension=$TMP/wincache.so" $(php_d "$SALT" "cgi_squat.log") \
    -d "wincache.apppoolid=$POOL" -b "127.0.0.1:$port" \
    >>"$TMP/logs/cgi_squat.out" 2>&1 &
  M=$!
  MP_PIDS+=("$M")
  wait_listen "$port" "$M" || { start_failed "php-cgi as daemon" "$port" "$M" "$TMP/logs/cgi_squat.out"; return 1; }
}
port=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
retry_port start_daemon_cgi "$port" || exit 1; port=$PORT_USED
check "three children" until_true "$HANG" has_children "$M" 3
check "three children run as daemon" test "$(for w in $(workers "$M"); do user_of "$w"; done | sort -u)" = daemon

shared_checks fcgi "$port" 3
b=$(fcgi "$port" "op=lock_try&k=L"); check "wincache_lock is shared, not refused (locked=$(field locked <<<"$b"))" test "$(field locked <<<"$b")" = 1
check "daemon's objects are in $base.2" bash -c "ls '$base.2' | grep -q -- '$(salt_tag "$SALT")_reg'"
check "$base.2 is daemon's, mode 700" test "$(stat -c %U:%a "$base.2")" = "daemon:700"
check "nothing was written through the symlink" test -z "$(ls -A "$TMP/trap")"
check "nothing was written into the squatted directory" test -z "$(ls -A "$base")"

ws=$(workers "$M")
kill -TERM "$M"   # php-cgi's master passes it on; the children leave in order
all_gone() { local p; for p in $M $ws; do kill -0 "$p" 2>/dev/null && return 1; done; return 0; }
check "php-cgi and its children stopped" until_true "$HANG" all_gone
left=$(ls -A "$base.2" 2>/dev/null)
check "nothing of ours is left after the stop${left:+ (left: $left)}" test -z "$left"
check "the squats are untouched" test "$(stat -c %U "$base"):$(readlink "$base.1"):$(cat "$flat")" = "nobody:$TMP/trap:squat"
