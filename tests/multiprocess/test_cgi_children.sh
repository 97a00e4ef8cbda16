#!/usr/bin/env bash
# mp_cgi_children: php-cgi -b with PHP_FCGI_CHILDREN=4 (one master, four children), driven with
# cgi-fcgi: the children share one cache (shared_checks in lib.sh).
# usage: test_cgi_children.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
mp_init cgi_children "${1:?usage: $0 wincache.so|stub}"
port=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
retry_port start_cgi "$port" 4 || exit 1; port=$PORT_USED
info "php-cgi master $CGI_PID on $port, children: $(workers "$CGI_PID" | tr '\n' ' ')"
check "4 children" test "$(workers "$CGI_PID" | wc -l)" = 4
shared_checks fcgi "$port"
