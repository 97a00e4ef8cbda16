#!/usr/bin/env bash
# mp_cgi_separate: two php-cgi -b processes started separately (no PHP_FCGI_CHILDREN) by this
# shell, so both have this shell as parent: they share one cache. A value written through one is
# read through the other, both ways; a counter incremented alternately through both; a third
# process started later joins the same cache; after the first one stops, the others still see it.
# usage: test_cgi_separate.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
mp_init cgi_separate "${1:?usage: $0 wincache.so|stub}"
pa=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
retry_port start_cgi "$pa" 0 || exit 1; pa=$PORT_USED; A=$CGI_PID
pb=$(free_port $((pa + 1))) || { fail "no free port"; exit 1; }
retry_port start_cgi "$pb" 0 || exit 1; pb=$PORT_USED; B=$CGI_PID
info "php-cgi A $A on $pa, B $B on $pb, both children of $$"
check "A and B are children of this shell" test "$(ppid_of "$A") $(ppid_of "$B")" = "$$ $$"

b=$(fcgi "$pa" "op=set&k=from_a&v=va_$SALT"); check "set through A (pid $(field pid <<<"$b"))" test "$(field ok <<<"$b")" = 1
b=$(fcgi "$pb" "op=get&k=from_a")
check "B (pid $(field pid <<<"$b")) reads A's value: ok=$(field ok <<<"$b") value=$(field value <<<"$b")" \
  test "$(field ok <<<"$b"):$(field value <<<"$b")" = "1:va_$SALT"
b=$(fcgi "$pb" "op=set&k=from_b&v=vb_$SALT"); check "set through B" test "$(field ok <<<"$b")" = 1
b=$(fcgi "$pa" "op=get&k=from_b")
check "A reads B's value: ok=$(field ok <<<"$b") value=$(field value <<<"$b")" \
  test "$(field ok <<<"$b"):$(field value <<<"$b")" = "1:vb_$SALT"

fcgi "$pa" "op=delete&k=counter" >/dev/null
for ((i = 0; i < 10; i++)); do fcgi "$pa" "op=addinc&k=counter" >/dev/null; fcgi "$pb" "op=addinc&k=counter" >/dev/null; done
b=$(fcgi "$pb" "op=get&k=counter"); check "counter incremented 10x through each reads 20 ($(field value <<<"$b"))" test "$(field value <<<"$b")" = 20
for p in "$pa" "$pb"; do
  b=$(fcgi "$p" "op=info"); check "is_local_cache false on port $p ($(field is_local_cache <<<"$b"))" test "$(field is_local_cache <<<"$b")" = 0
done

pc=$(free_port $((pb + 1))) || { fail "no free port"; exit 1; }
retry_port start_cgi "$pc" 0 || exit 1; pc=$PORT_USED; C=$CGI_PID
b=$(fcgi "$pc" "op=get&k=from_a")
check "a third process C started later reads A's value ($(field value <<<"$b"))" test "$(field value <<<"$b")" = "va_$SALT"

kill -TERM "$A"
gone() { ! kill -0 "$1" 2>/dev/null; }
check "A stopped" until_true "$HANG" gone "$A"
b=$(fcgi "$pb" "op=get&k=from_b")
check "after A stopped, B still reads its value ($(field value <<<"$b"))" test "$(field value <<<"$b")" = "vb_$SALT"
b=$(fcgi "$pc" "op=get&k=counter")
check "after A stopped, C reads the counter ($(field value <<<"$b"))" test "$(field value <<<"$b")" = 20
