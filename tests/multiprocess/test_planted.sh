#!/usr/bin/env bash
# mp_planted: what sits at our names before we start, planted by root (or a bug, or another
# build) in the user's own 0700 directory /dev/shm/wincache-<uid>, and what php-cgi run as that
# user (a user made by the test, wc_usr_a; 2 children, a fixed wincache.apppoolid so that the
# names are known beforehand) makes of it (issue 17 part 2, prims/posix_os.hpp OBJ-REPLACE):
#   at the registry's name: a file of ours of another size; root's 0600 file (we cannot open
#   it); root's 0666 file (we can, it is not ours); a symlink to a file of ours elsewhere; a
#   FIFO; an empty directory. At the user cache segment's name (generation 2): a file of
#   another size. The directory itself with mode 0777.
#   -> both children share one cache (is_local_cache false, a value set by one is read by the
#      other), the planted thing was replaced (never followed: the symlink's target is
#      untouched), PHP's error log says "wincache: group <g>: 1 repair(s) in <dir>, the last:
#      <what was found>", nothing is left after the stop.
#   A directory that is not empty at the registry's name (it cannot be removed):
#   -> no crash, no hang: both children run on a private cache (is_local_cache true), wincache_lock
#      refuses, and the log says why.
#   A FIFO planted as a session record s_<id> in the session backing's directory:
#   -> reading that session answers (no hang on the FIFO), and it can be written and read again.
# usage: test_planted.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/users.sh"
[ "${1:-}" = stub ] && { echo "SKIP: needs the real extension"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (creates a user, plants as root)"; exit 77; }
mp_init planted "${1:?usage: $0 wincache.so}"
users_init
cd /   # the users' processes start here (the checkout may be closed to them)

cp "$SO" "$TMP/wincache.so" && chmod 644 "$TMP/wincache.so"
mkdir -p "$TMP/sess" && chmod 1733 "$TMP/sess"
POOL=planted_$SALT
D=/dev/shm/wincache-$UIDA
[ -e "$D" ] && { fail "$D exists before the test"; exit 1; }
INI=(-n -d "extension=$TMP/wincache.so" -d "wincache.namesalt=$SALT" -d "wincache.apppoolid=$POOL"
     -d session.save_handler=wincache -d "session.save_path=$TMP/sess" -d session.use_cookies=0
     -d session.use_strict_mode=0 -d session.cache_limiter= -d log_errors=1 -d display_errors=0
     -d error_reporting=-1)
G=$(as_a php8.2 "${INI[@]}" -d wincache.enablecli=1 -r 'echo wincache_extra_info()["group"];' 2>&1)
check "the group's name is known beforehand ($G)" bash -c "[[ '$G' == wincache_*_u${UIDA}_* ]]"
REG=$D/${G}_reg
SEG=$D/${G}_k0_g2   # the user cache: the lock table is attached first (generation 1)

# start_a PORT CASE -> $M: php-cgi as wc_usr_a with 2 children, errors to logs/php_CASE.log
start_a() {
  local port=$1
  : >"$TMP/logs/php_$CASE.log"; chmod 666 "$TMP/logs/php_$CASE.log"
  PHP_FCGI_CHILDREN=2 PHP_FCGI_MAX_REQUESTS=0 setpriv --reuid=$UA --regid="$GA" --clear-groups \
    php-cgi8.2 "${INI[@]}" -d "error_log=$TMP/logs/php_$CASE.log" -b "127.0.0.1:$port" \
    >>"$TMP/logs/cgi_$CASE.out" 2>&1 &
  M=$!
  MP_PIDS+=("$M")
  wait_listen "$port" "$M" || { start_failed "php-cgi as $UA" "$port" "$M" "$TMP/logs/cgi_$CASE.out"; return 1; }
}
gone() { ! kill -0 "$1" 2>/dev/null; }
stop_a() {
  local p ws
  p=$M; ws=$(workers "$p")
  kill -TERM "$p" 2>/dev/null
  all_gone() { local x; for x in $p $ws; do kill -0 "$x" 2>/dev/null && return 1; done; return 0; }
  check "$CASE: php-cgi and its children stopped" until_true "$HANG" all_gone
  wait "$M" 2>/dev/null
  MP_PIDS=()
}
run_case() {  # run_case CASE EXPECT PLANT-CMD...: plant, start, check, stop
  CASE=$1; local expect=$2 port b
  shift 2
  [ -d "$D" ] || as_a mkdir -m 700 "$D"
  "$@" || { fail "$CASE: planting failed"; return; }
  info "$CASE: planted $(stat -c '%F %U %a %s' "$REG" "$SEG" 2>/dev/null | tr '\n' ';') dir $(stat -c %a "$D")"
  port=$(free_port "$(base_port)") || { fail "no free port"; return; }
  retry_port start_a "$port" || return; port=$PORT_USED
  check "$CASE: two children" until_true "$HANG" has_children "$M" 2
  if [ "$expect" = local ]; then
    if spread fcgi "$port" 2 "op=info"; then
      local shared
      shared=$(spread_answers ok is_local_cache | awk '$2 != 1 || $3 != 1')
      check "$CASE: both children answer, on a private cache${shared:+; not: $shared}" test -z "$shared"
    fi
    b=$(fcgi "$port" "op=lock_try&k=L")
    check "$CASE: wincache_lock refuses (locked=$(field locked <<<"$b"))" test "$(field locked <<<"$b")" != 1
    check "$CASE: the log says why: $(grep -m1 -o 'wincache: group.*' "$TMP/logs/php_$CASE.log")" \
      grep -q "wincache: group $G: this process runs on a private user cache: .*a directory that is not empty" "$TMP/logs/php_$CASE.log"
  else
    shared_pair "$port"
    check "$CASE: the log says what was repaired: $(grep -m1 -o 'wincache: group.*' "$TMP/logs/php_$CASE.log")" \
      grep -q "wincache: group $G: 1 repair(s) in $D, the last: .*$expect" "$TMP/logs/php_$CASE.log"
    check "$CASE: the registry is a private file of $UA ($(stat -c '%F %U %a' "$REG"))" \
      test "$(stat -c '%F %U %a' "$REG")" = "regular file $UA 600"
  fi
  local bad
  bad=$(grep -E 'SIGSEGV|SIGBUS|Segmentation|core dumped' "$TMP"/logs/*"$CASE"* 2>/dev/null | head -3)
  check "$CASE: no crash${bad:+: $bad}" test -z "$bad"
  stop_a
}
shared_pair() {  # both children: not local, one group ($G), a value set by one read by the other
  local port=$1 b wrong
  if spread fcgi "$port" 2 "op=info"; then
    wrong=$(spread_answers ok is_local_cache group | awk -v g="$G" '$2 != 1 || $3 != 0 || $4 != g')
    check "$CASE: both children ($SPREAD_PIDS) share group $G, is_local_cache false${wrong:+; not: $wrong}" test -z "$wrong"
  fi
  b=$(fcgi "$port" "op=set&k=k_$CASE&v=v_$CASE"); local setter=$(field pid <<<"$b")
  if spread fcgi "$port" 2 "op=get&k=k_$CASE"; then
    wrong=$(spread_answers value | awk -v v="v_$CASE" '$2 != v')
    check "$CASE: a value set by $setter is read by both children${wrong:+; not: $wrong}" test -z "$wrong"
  fi
}
after_case() {  # nothing of the group is left, and the directory went with it
  local left
  left=$(ls -A "$D" 2>/dev/null)
  check "$CASE: nothing is left in $D after the stop${left:+ (left: $left)}" test -z "$left"
}

plant_size() { as_a bash -c "head -c 100 /dev/zero >'$REG' && chmod 600 '$REG'"; }
plant_root600() { head -c 4096 /dev/zero >"$REG" && chmod 600 "$REG"; }
plant_root666() { head -c 4096 /dev/zero >"$REG" && chmod 666 "$REG"; }
plant_link() {
  as_a bash -c "echo decoy >'$TMP/run_decoy' && chmod 600 '$TMP/run_decoy'" 2>/dev/null ||
    { echo decoy >"$TMP/run_decoy"; chown $UA: "$TMP/run_decoy"; chmod 600 "$TMP/run_decoy"; }
  ln -s "$TMP/run_decoy" "$REG" && chown -h $UA: "$REG"
}
plant_fifo() { mkfifo -m 600 "$REG" && chown $UA: "$REG"; }
plant_emptydir() { mkdir -m 700 "$REG" && chown $UA: "$REG"; }
plant_segsize() { as_a bash -c "head -c 8192 /dev/zero >'$SEG' && chmod 600 '$SEG'"; }
plant_dirmode() { chmod 777 "$D"; }
plant_fulldir() { mkdir -m 700 "$REG" && touch "$REG/x" && chown -R $UA: "$REG"; }

run_case size "another size" plant_size; after_case
run_case root600 "could not be opened" plant_root600; after_case
run_case root666 "not a private regular file" plant_root666; after_case
run_case link "symbolic link" plant_link; after_case
check "link: the symlink's target is untouched ($(cat "$TMP/run_decoy" 2>&1))" test "$(cat "$TMP/run_decoy")" = decoy
run_case fifo "not a private regular file" plant_fifo; after_case
run_case emptydir "a directory sits" plant_emptydir; after_case
run_case segsize "another size" plant_segsize; after_case
run_case dirmode "looser mode" plant_dirmode; after_case
run_case fulldir local plant_fulldir
rm -rf "$REG"; rmdir "$D" 2>/dev/null

# A FIFO as a session record (root plants it in the session backing's directory of the user).
CASE=sessfifo
port=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
retry_port start_a "$port" || exit 1; port=$PORT_USED
b=$(fcgi "$port" "op=sess_append&sid=okfirst&item=one")
check "sessfifo: a first session is written ($(field written <<<"$b"))" test "$(field written <<<"$b")" = 1
SD=$TMP/sess/wincache-$UIDA
mkfifo -m 600 "$SD/s_fifosess" && chown $UA: "$SD/s_fifosess"
b=$(fcgi "$port" "op=sess_get&sid=fifosess"); rc=$?
check "sessfifo: reading a session whose record is a FIFO answers (no hang; started=$(field started <<<"$b"), count=$(field count <<<"$b"))" \
  test "$rc:$(field started <<<"$b"):$(field count <<<"$b")" = "0:1:0"
b=$(fcgi "$port" "op=sess_append&sid=fifosess&item=two")
check "sessfifo: the session is written afterwards ($(field written <<<"$b"))" test "$(field written <<<"$b")" = 1
b=$(fcgi "$port" "op=sess_get&sid=fifosess")
check "sessfifo: and read back ($(field items <<<"$b"))" test "$(field items <<<"$b")" = two
check "sessfifo: the record is a private file of $UA now ($(stat -c '%F %U %a' "$SD/s_fifosess"))" \
  test "$(stat -c '%F %U' "$SD/s_fifosess")" = "regular file $UA"
stop_a
