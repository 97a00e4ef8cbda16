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
shared_checks fcgi "$port" 4
pids_before=$(workers "$CGI_PID" | tr '\n' ' ')
v=$(workers "$CGI_PID" | head -1)
kill -9 "$v"
replaced() { has_children "$CGI_PID" 4 && ! live_workers "$CGI_PID" | grep -qx "$v"; }
check "the killed child $v was replaced (children before: $pids_before)" until_true "$HANG" replaced
new=$(live_workers "$CGI_PID" | grep -vxF -f <(tr ' ' '\n' <<<"$pids_before" | grep .))
info "children now: $(live_workers "$CGI_PID" | tr '\n' ' ') (new: $new)"
# all 4 children at once, so the replacement among them
if spread fcgi "$port" 4 "op=get&k=counter"; then
  wrong=$(spread_answers value | awk '$2 != 40')
  check "after a child was killed, all 4 children ($SPREAD_PIDS) read the counter 40${wrong:+; not: $wrong}" test -z "$wrong"
  check "the replacement ($new) is one of them" in_list "$new" "$SPREAD_PIDS"
fi
