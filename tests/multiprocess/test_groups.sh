#!/usr/bin/env bash
# mp_groups: two php-cgi masters (PHP_FCGI_CHILDREN=2 each) with different wincache.namesalt,
# both started by this shell, do not see each other's keys (same key, different values; a key
# only in one is a miss in the other; counters separate). Info only: two masters with the SAME
# salt (their children have different parents).
# usage: test_groups.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
mp_init groups "${1:?usage: $0 wincache.so|stub}"
SALT2=$(new_salt); EXTRA_SALTS+=("$SALT2")
p1=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
retry_port start_cgi "$p1" 2 "$SALT" || exit 1; p1=$PORT_USED; M1=$CGI_PID
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

# Info only: a third master with group 1's salt (its children's parent is another process).
p3=$(free_port $((p2 + 1))) || { fail "no free port"; exit 1; }
retry_port start_cgi "$p3" 2 "$SALT" || exit 1; p3=$PORT_USED
b=$(fcgi "$p3" "op=get&k=only1")
info "a second master with the same salt as group 1: its child $(field pid <<<"$b") sees group 1's key: ok=$(field ok <<<"$b") (children of different masters)"
