#!/usr/bin/env bash
# mp_groups: two php-cgi masters (PHP_FCGI_CHILDREN=4 and 2) with different wincache.namesalt,
# both started by this shell, do not see each other's keys (same key, different values; a key
# only in one is a miss in the other; counters separate); a third master with group 1's salt is
# a third group (its children have another parent). Locks: wincache_lock(k) is per group,
# wincache_lock(k, true) is machine-wide for one salt: group 3 waits for group 1's global lock.
# usage: test_groups.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
mp_init groups "${1:?usage: $0 wincache.so|stub}"
SALT2=$(new_salt); EXTRA_SALTS+=("$SALT2")
p1=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
retry_port start_cgi "$p1" 4 "$SALT" || exit 1; p1=$PORT_USED; M1=$CGI_PID
p2=$(free_port $((p1 + 1))) || { fail "no free port"; exit 1; }
retry_port start_cgi "$p2" 2 "$SALT2" || exit 1; p2=$PORT_USED; M2=$CGI_PID
info "master 1 $M1 (salt $SALT) on $p1, master 2 $M2 (salt $SALT2) on $p2"

b=$(fcgi "$p1" "op=set&k=same&v=one"); check "set same=one in group 1" test "$(field ok <<<"$b")" = 1
b=$(fcgi "$p2" "op=set&k=same&v=two"); check "set same=two in group 2" test "$(field ok <<<"$b")" = 1
b=$(fcgi "$p1" "op=set&k=only1&v=x"); check "set only1 in group 1" test "$(field ok <<<"$b")" = 1
for ((i = 0; i < 4; i++)); do
  b1=$(fcgi "$p1" "op=get&k=same"); b2=$(fcgi "$p2" "op=get&k=same")
  check "group 1 pid $(field pid <<<"$b1") reads one ($(field value <<<"$b1")), group 2 pid $(field pid <<<"$b2") reads two ($(field value <<<"$b2"))" \
    test "$(field value <<<"$b1"):$(field value <<<"$b2")" = "one:two"
  b=$(fcgi "$p2" "op=get&k=only1")
  check "group 2 pid $(field pid <<<"$b") misses only1 (ok=$(field ok <<<"$b"))" test "$(field ok <<<"$b")" = 0
done
fcgi "$p1" "op=addinc&k=ctr" >/dev/null; fcgi "$p1" "op=addinc&k=ctr" >/dev/null; fcgi "$p2" "op=addinc&k=ctr" >/dev/null
b1=$(fcgi "$p1" "op=get&k=ctr"); b2=$(fcgi "$p2" "op=get&k=ctr")
check "counters separate: group 1 = 2 ($(field value <<<"$b1")), group 2 = 1 ($(field value <<<"$b2"))" \
  test "$(field value <<<"$b1"):$(field value <<<"$b2")" = "2:1"
b1=$(fcgi "$p1" "op=info"); b2=$(fcgi "$p2" "op=info")
check "item counts separate: group 1 has 3 ($(field total_item_count <<<"$b1")), group 2 has 2 ($(field total_item_count <<<"$b2"))" \
  test "$(field total_item_count <<<"$b1"):$(field total_item_count <<<"$b2")" = "3:2"

# (The stub shares by salt alone: it has no groups by parent.)
[ "$SO" = stub ] && exit 0
# A third master with group 1's salt: its children have another parent, so another group.
p3=$(free_port $((p2 + 1))) || { fail "no free port"; exit 1; }
retry_port start_cgi "$p3" 2 "$SALT" || exit 1; p3=$PORT_USED
b=$(fcgi "$p3" "op=get&k=only1")
check "group 3 (same salt as group 1, another master) misses only1 (ok=$(field ok <<<"$b"))" test "$(field ok <<<"$b")" = 0

# Locks: wincache_lock(k, true) is machine-wide (per salt), wincache_lock(k) is per group.
fcgi "$p1" "op=lock_sleep&k=gl&g=1&s=3" >"$TMP/gl.txt" &
ga=$!
fcgi "$p1" "op=lock_sleep&k=loc&s=3" >"$TMP/loc.txt" &
la=$!
for ((i = 0; i < 50; i++)); do
  [ "$(fcgi "$p1" "op=get&k=holder_gl" | field ok)$(fcgi "$p1" "op=get&k=holder_loc" | field ok)" = 11 ] && break
  sleep 0.1
done
check "group 1 holds the global lock gl and the local lock loc" test "$i" -lt 50
b=$(fcgi "$p3" "op=lock_try&k=loc")
check "group 3 takes its own local lock loc at once (locked=$(field locked <<<"$b"), waited $(field wait_ms <<<"$b") ms)" \
  test "$(field locked <<<"$b")" = 1 -a "$(field wait_ms <<<"$b")" -lt 1000
b=$(fcgi "$p3" "op=lock_try&k=gl")
check "group 3 takes the LOCAL lock gl at once (locked=$(field locked <<<"$b"), waited $(field wait_ms <<<"$b") ms)" \
  test "$(field locked <<<"$b")" = 1 -a "$(field wait_ms <<<"$b")" -lt 1000
b=$(fcgi "$p2" "op=lock_try&k=gl&g=1")
check "group 2 (another salt) takes its global lock gl at once (locked=$(field locked <<<"$b"), waited $(field wait_ms <<<"$b") ms)" \
  test "$(field locked <<<"$b")" = 1 -a "$(field wait_ms <<<"$b")" -lt 1000
b=$(fcgi "$p3" "op=lock_try&k=gl&g=1")
check "group 3 waits for group 1's global lock gl, then gets it (locked=$(field locked <<<"$b"), waited $(field wait_ms <<<"$b") ms)" \
  test "$(field locked <<<"$b")" = 1 -a "$(field wait_ms <<<"$b")" -ge 1000
wait "$ga" "$la"
check "group 1's lock_sleep requests ended normally" grep -q "^unlocked=1" "$TMP/gl.txt"
