#!/usr/bin/env bash
# mp_cgi_children: php-cgi -b with PHP_FCGI_CHILDREN=4 (one master, four children), driven with
# cgi-fcgi: the children share one cache (shared_checks in lib.sh). Then a child is kill -9'd:
# its replacement joins the same cache and sees the values. (Recycling: mp_cgi_recycle.)
# usage: test_cgi_children.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
mp_init cgi_children "${1:?usage: $0 wincache.so|stub}"
port=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
retry_port start_cgi "$port" 4 || exit 1; port=$PORT_USED
info "php-cgi master $CGI_PID on $port, children: $(workers "$CGI_PID" | tr '\n' ' ')"
check "4 children" test "$(workers "$CGI_PID" | wc -l)" = 4
shared_checks fcgi "$port"
pids_before=$(workers "$CGI_PID" | tr '\n' ' ')
v=$(workers "$CGI_PID" | head -1)
kill -9 "$v"
for ((i = 0; i < 50; i++)); do
  [ "$(workers "$CGI_PID" | wc -l)" = 4 ] && ! workers "$CGI_PID" | grep -qx "$v" && break
  sleep 0.1
done
info "children before: $pids_before; killed $v; now: $(workers "$CGI_PID" | tr '\n' ' ')"
misses=0
for ((i = 0; i < 12; i++)); do
  b=$(fcgi "$port" "op=get&k=counter")
  [ "$(field value <<<"$b")" = 40 ] || { misses=$((misses + 1)); info "pid $(field pid <<<"$b"): counter = $(field value <<<"$b")"; }
done
check "after a child was killed, 12 gets of the counter read 40 ($misses did not)" test "$misses" = 0
