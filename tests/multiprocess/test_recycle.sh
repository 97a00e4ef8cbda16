#!/usr/bin/env bash
# mp_recycle: workers recycled after 10 requests while their master stays alive: php-cgi with
# PHP_FCGI_CHILDREN=4 and PHP_FCGI_MAX_REQUESTS=10, then php-fpm (static pool of 4) with
# pm.max_requests = 10. The replacements have the same parent, so they are the same group and the
# cache must survive the recycling: 60 sequential addinc requests (every worker recycled several
# times) return 1..60 and a value set before them is still there afterwards.
# usage: test_recycle.sh /path/to/wincache.so|stub
source "$(dirname "$0")/lib.sh"
mp_init recycle "${1:?usage: $0 wincache.so|stub}"
SALT2=$(new_salt); EXTRA_SALTS+=("$SALT2")

recycle_checks() {  # recycle_checks WHAT PORT
  local what=$1 port=$2 b i
  local -A seen=()
  local vals=()
  b=$(fcgi "$port" "op=set&k=early&v=still_here")
  check "$what: set early (pid $(field pid <<<"$b"))" test "$(field ok <<<"$b")" = 1
  for ((i = 1; i <= 60; i++)); do
    b=$(fcgi "$port" "op=addinc&k=counter") || { fail "$what: request $i failed"; continue; }
    seen[$(field pid <<<"$b")]=1
    vals+=("$(field value <<<"$b")")
  done
  info "$what: ${#seen[@]} different workers served the 60 incs"
  check "$what: the incs returned 1..60 in order" test "${vals[*]}" = "$(seq -s ' ' 1 60)"
  [ "${vals[*]}" = "$(seq -s ' ' 1 60)" ] || info "$what: returned: ${vals[*]}"
  b=$(fcgi "$port" "op=get&k=counter")
  check "$what: counter = 60 after the recycling ($(field value <<<"$b"))" test "$(field value <<<"$b")" = 60
  b=$(fcgi "$port" "op=get&k=early")
  check "$what: the value set before the recycling is still there (ok=$(field ok <<<"$b"))" test "$(field value <<<"$b")" = still_here
}

port=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
CGI_MAX_REQ=10
retry_port start_cgi "$port" 4 || exit 1; port=$PORT_USED
info "php-cgi master $CGI_PID on $port, PHP_FCGI_MAX_REQUESTS=10"
recycle_checks php-cgi "$port"

FPM_MAXREQ=10
p2=$(free_port $((port + 1))) || { fail "no free port"; exit 1; }
retry_port start_fpm "$p2" 4 "$SALT2" || exit 1; p2=$PORT_USED
info "php-fpm master $FPM_PID on $p2, pm.max_requests = 10"
recycle_checks php-fpm "$p2"
