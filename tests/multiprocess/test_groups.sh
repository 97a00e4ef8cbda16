#!/usr/bin/env bash
# mp_groups: two php-cgi masters (PHP_FCGI_CHILDREN=4 and 2) with different wincache.namesalt,
# both started by this shell, do not see each other's keys (same key, different values; a key
# only in one is a miss in the other; counters separate); a third master with group 1's salt is
# a third group (its children have another parent). Locks: wincache_lock(k) is per group,
# wincache_lock(k, true) is machine-wide for one salt: while group 1 holds it, group 3 is refused
# it (lock timeout) and a waiting request of group 3 gets it once group 1 lets go.
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
# Group 1 holds the global lock gl and the local lock loc until told to let go (until=: a key
# in group 1's cache), so every check below runs while they are held. A lock that should be
# free is asked for with a 2 s lock timeout (t=2): held by group 1, it would be refused.
fcgi "$p1" "op=lock_sleep&k=gl&g=1&s=60&until=go_gl" >"$TMP/gl.txt" &
ga=$!
fcgi "$p1" "op=lock_sleep&k=loc&s=60&until=go_loc" >"$TMP/loc.txt" &
la=$!
holding() { [ "$(fcgi "$p1" "op=get&k=holder_gl" | field ok)$(fcgi "$p1" "op=get&k=holder_loc" | field ok)" = 11 ]; }
check "group 1 holds the global lock gl and the local lock loc" until_true "$HANG" holding
b=$(fcgi "$p3" "op=lock_try&k=loc&t=2")
check "group 3 takes its own local lock loc (locked=$(field locked <<<"$b"), waited $(field wait_ms <<<"$b") ms)" \
  test "$(field locked <<<"$b")" = 1
b=$(fcgi "$p3" "op=lock_try&k=gl&t=2")
check "group 3 takes the LOCAL lock gl (locked=$(field locked <<<"$b"), waited $(field wait_ms <<<"$b") ms)" \
  test "$(field locked <<<"$b")" = 1
b=$(fcgi "$p2" "op=lock_try&k=gl&g=1&t=2")
check "group 2 (another salt) takes its global lock gl (locked=$(field locked <<<"$b"), waited $(field wait_ms <<<"$b") ms)" \
  test "$(field locked <<<"$b")" = 1
b=$(fcgi "$p3" "op=lock_try&k=gl&g=1&t=1")
check "group 3 is refused group 1's global lock gl while group 1 holds it (locked=$(field locked <<<"$b"), waited $(field wait_ms <<<"$b") ms)" \
  test "$(field locked <<<"$b")" = 0
# group 3 waits for it (w=1: it records waiter_gl first), group 1 lets go, group 3 gets it
fcgi "$p3" "op=lock_try&k=gl&g=1&t=30&w=1" >"$TMP/g3.txt" &
g3=$!
waiting() { [ "$(fcgi "$p3" "op=get&k=waiter_gl" | field ok)" = 1 ]; }
check "group 3 is about to wait for the global lock gl" until_true "$HANG" waiting
check "group 3 has no answer while group 1 holds gl" kill -0 "$g3"
fcgi "$p1" "op=set&k=go_gl&v=1" >/dev/null
wait "$g3"
b=$(cat "$TMP/g3.txt")
check "group 3 gets group 1's global lock gl once group 1 lets go (locked=$(field locked <<<"$b"), waited $(field wait_ms <<<"$b") ms)" \
  test "$(field locked <<<"$b")" = 1
fcgi "$p1" "op=set&k=go_loc&v=1" >/dev/null
wait "$ga" "$la"
check "group 1 held gl until told and then unlocked it" grep -q "^held=until" "$TMP/gl.txt"
check "group 1 held loc until told and then unlocked it" grep -q "^held=until" "$TMP/loc.txt"
check "group 1's lock_sleep requests ended normally" bash -c "grep -q '^unlocked=1' '$TMP/gl.txt' && grep -q '^unlocked=1' '$TMP/loc.txt'"
