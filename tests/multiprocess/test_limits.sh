#!/usr/bin/env bash
# mp_limits: php-fpm's request_terminate_timeout (docs/extension.md "Resource limits").
# The master SIGTERMs a worker whose request runs past it (fpm_request.c), and a worker has
# SIGTERM at its default action (fpm_signals_init_child): it dies at once, without RSHUTDOWN.
# Pool of 2 workers, request_terminate_timeout = 2s:
#  - a request that holds wincache_lock('k') (sleeping) is terminated: the next request gets k
#    (taken over from the dead holder at its first poll, where a live holder would refuse it
#    after its t=5 s lock timeout);
#  - a request terminated while holding its session (sess_hold), and one terminated inside the
#    session write path (session_write_close() in an __serialize() that sleeps): the next
#    request gets the session (lock taken over) with the last committed write, never the
#    terminated request's;
#  - the master logged each termination; no worker crashed.
# usage: test_limits.sh /path/to/wincache.so
source "$(dirname "$0")/lib.sh"
mp_init limits "${1:?usage: $0 wincache.so}"
[ "$SO" = stub ] && { echo "SKIP: needs the extension"; exit 77; }
REQ_TIMEOUT=40
POOL=lim_$SALT
mkdir -p "$TMP/sess" && chmod 1733 "$TMP/sess"
FPM_D=(-d session.save_handler=wincache -d "session.save_path=$TMP/sess" -d session.use_cookies=0
       -d session.cache_limiter= -d "wincache.apppoolid=$POOL" -d max_execution_time=0)
FPM_RTT=2
port=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
retry_port start_fpm "$port" 2 || exit 1; port=$PORT_USED
info "php-fpm master $FPM_PID on $port, workers: $(workers "$FPM_PID" | tr '\n' ' '), request_terminate_timeout=${FPM_RTT}s"

# A script of ours beside api.php: a session write whose __serialize() sleeps past the timeout.
cat >"$TMP/www/slow_write.php" <<'PHP'
<?php
class SlowSer { function __serialize(): array { sleep(30); return []; } function __unserialize(array $d): void {} }
session_id((string) $_GET['sid']);
session_start();
$_SESSION['items'][] = 'torn';
$_SESSION['slow'] = new SlowSer;
wincache_ucache_set('writer_' . session_id(), getmypid());
session_write_close();
echo "end=1\n";
PHP
chmod 644 "$TMP/www/slow_write.php"
fcgi_script() {  # fcgi_script PORT SCRIPT QUERY
  env -i SCRIPT_FILENAME="$TMP/www/$2" SCRIPT_NAME="/$2" REQUEST_URI="/$2?$3" QUERY_STRING="$3" \
    REQUEST_METHOD=GET REDIRECT_STATUS=200 SERVER_NAME=localhost SERVER_PROTOCOL=HTTP/1.1 \
    GATEWAY_INTERFACE=CGI/1.1 timeout "$REQ_TIMEOUT" cgi-fcgi -bind -connect "127.0.0.1:$1" \
    2>>"$TMP/logs/cgi-fcgi.err" | sed '1,/^\r\{0,1\}$/d'
}
terminated() { grep -c "execution timed out" "$TMP/logs/fpm_$port.log" 2>/dev/null; }

# 1. wincache_lock held when the worker is terminated
n0=$(terminated)
a=$(fcgi "$port" "op=lock_sleep&k=k&s=30")   # returns when its worker is gone (no answer)
H=$(fcgi "$port" "op=get&k=holder_k" | field value)   # recorded once k was taken
check "a request holding lock k (worker '$H') was terminated: no answer, the worker is gone" \
  bash -c "[ -n '$H' ] && [ $(grep -c '^end=1' <<<"$a") = 0 ] && ! kill -0 '$H' 2>/dev/null"
check "the master logged the termination" until_true "$HANG" test "$(terminated)" -gt "${n0:-0}"
b=$(fcgi "$port" "op=lock_try&k=k&t=5")
check "the next request (pid $(field pid <<<"$b")) gets k (locked=$(field locked <<<"$b"), waited $(field wait_ms <<<"$b") ms; a live holder would refuse it after 5 s)" \
  test "$(field locked <<<"$b")" = 1

# 2. the session held (sess_hold) when the worker is terminated
s=$(fcgi "$port" "op=sess_append&sid=limA&item=c1")
check "session limA committed [c1] (written=$(field written <<<"$s"))" test "$(field written <<<"$s"):$(field count <<<"$s")" = "1:1"
h=$(fcgi "$port" "op=sess_hold&sid=limA&s=30")
check "a request holding session limA (with an uncommitted change) was terminated" test "$(grep -c '^end=1' <<<"$h")" = 0
g=$(fcgi "$port" "op=sess_get&sid=limA")
check "the next request gets limA (started=$(field started <<<"$g"), waited $(field wait_ms <<<"$g") ms) with the last committed write: [$(field items <<<"$g")]" \
  test "$(field started <<<"$g"):$(field items <<<"$g")" = "1:c1"

# 3. inside the session write path when the worker is terminated
s=$(fcgi "$port" "op=sess_append&sid=limB&item=c1")
s=$(fcgi "$port" "op=sess_append&sid=limB&item=c2")
check "session limB committed [c1,c2] (count=$(field count <<<"$s"))" test "$(field count <<<"$s")" = 2
w=$(fcgi_script "$port" slow_write.php "sid=limB")
check "a request inside session_write_close() of limB was terminated" test "$(grep -c '^end=1' <<<"$w")" = 0
g=$(fcgi "$port" "op=sess_get&sid=limB")
check "the next request gets limB (started=$(field started <<<"$g"), waited $(field wait_ms <<<"$g") ms) with the last committed write: [$(field items <<<"$g")]" \
  test "$(field started <<<"$g"):$(field items <<<"$g")" = "1:c1,c2"
a=$(fcgi "$port" "op=sess_append&sid=limB&item=c3")
check "and writes it again (count=$(field count <<<"$a"))" test "$(field written <<<"$a"):$(field count <<<"$a")" = "1:3"

check "the master terminated 3 requests ($(terminated) 'execution timed out' lines)" test "$(terminated)" -ge $(( ${n0:-0} + 3 ))
bad=$(grep -h -i -E "segfault|SIGSEGV|SIGABRT|core dumped" "$TMP"/logs/*.log 2>/dev/null | head -3)
check "no worker crashed${bad:+: $bad}" test -z "$bad"
