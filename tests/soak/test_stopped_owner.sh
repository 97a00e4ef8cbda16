#!/usr/bin/env bash
# soak_stopped_owner: the soak's SIGSTOP of a lock holder, aimed at the file cache's watcher
# owner and reduced to one check. php-fpm, a static pool of 3, wincache.fcndetect=1, OPcache
# off. Every worker includes app/f.php (v1) until it serves it trusted; the watcher owner
# (extra_info's watcher_pid) is stopped with SIGSTOP; f.php is replaced by a file renamed over it
# (v2); STOP_WAIT s later (1.5: the 1 s bound + margin) requests through the other workers must
# serve v2: a stopped owner is not displaced (WL-1) but its beat goes stale, and the others poll
# every 1 s meanwhile. Then SIGCONT, and every worker serves v2.
# (STOP_WAIT=0 shows the check failing: right after the change the others still trust v1.)
# usage: test_stopped_owner.sh /path/to/wincache.so
source "$(dirname "$0")/../multiprocess/lib.sh"
mp_init stopped_owner "${1:?usage: $0 wincache.so}"
[ "$SO" = stub ] && { echo "SKIP: needs the extension"; exit 77; }
FPM_D=(-d opcache.enable=0 -d wincache.fcndetect=1)
APP=$TMP/app
mkdir -p "$APP"; chmod 755 "$APP"
put() { printf "<?php return 'v%s';" "$1" >"$APP/f.tmp"; chmod 644 "$APP/f.tmp"; mv -f "$APP/f.tmp" "$APP/f.php"; }
put 1
cat >"$TMP/www/f.php" <<EOF
<?php
header('Content-Type: text/plain');
echo "pid=", getmypid(), "\n", "v=", include '$APP/f.php', "\n";
\$f = wincache_extra_info()['fcache'];
foreach (['change_detection', 'watcher_pid', 'served_trusted_here'] as \$k) echo \$k, "=", \$f[\$k] ?? '', "\n";
echo "end=1\n";
EOF
chmod 644 "$TMP/www/f.php"
req() {
  local out
  out=$(env -i SCRIPT_FILENAME="$TMP/www/f.php" SCRIPT_NAME=/f.php REQUEST_URI=/f.php \
        QUERY_STRING= REQUEST_METHOD=GET REDIRECT_STATUS=200 SERVER_NAME=localhost \
        SERVER_PROTOCOL=HTTP/1.1 GATEWAY_INTERFACE=CGI/1.1 \
        timeout "$REQ_TIMEOUT" cgi-fcgi -bind -connect "127.0.0.1:$1" 2>>"$TMP/logs/cgi-fcgi.err")
  sed '1,/^\r\{0,1\}$/d' <<<"$out"
}
port=$(free_port "$(base_port)") || { fail "no free port"; exit 1; }
retry_port start_fpm "$port" 3 || exit 1; port=$PORT_USED
# warm: every worker serves v1 trusted (no system call) under notifications
declare -A trusted=()
owner=""
for ((i = 0; i < 300 && ${#trusted[@]} < 3; i++)); do
  b=$(req "$port")
  [ "$(field v <<<"$b")" = v1 ] || continue
  owner=$(field watcher_pid <<<"$b")
  [ "$(field change_detection <<<"$b")" = notifications ] && [ "$(field served_trusted_here <<<"$b")" -gt 0 ] 2>/dev/null &&
    trusted[$(field pid <<<"$b")]=1
done
check "all 3 workers serve v1 trusted under notifications (${!trusted[*]}); watcher owner $owner" \
  test "${#trusted[@]}" = 3 -a -n "$owner"
kill -STOP "$owner"
put 2
sleep "${STOP_WAIT:-1.5}"
stale=0 fresh=0 answers=""
for ((i = 0; i < 20; i++)); do
  b=$(req "$port")
  [ "$(field pid <<<"$b")" = "$owner" ] && continue
  answers+="$(field pid <<<"$b"):$(field v <<<"$b") "
  [ "$(field v <<<"$b")" = v2 ] && fresh=$((fresh + 1)) || stale=$((stale + 1))
done
kill -CONT "$owner"
info "${STOP_WAIT:-1.5} s after the change and on, the owner $owner stopped: $answers"
check "every answer serves v2 ${STOP_WAIT:-1.5} s after the change, the owner stopped ($stale stale)" test "$stale" = 0
b=$(for ((i = 0; i < 10; i++)); do req "$port" | field v; done | sort -u | tr '\n' ' ')
check "after SIGCONT every answer serves v2 ($b)" test "$b" = "v2 "
