# tests/multiprocess/lib.sh: shared plumbing of the multiprocess tests (sourced, not run).
#
#   mp_init NAME SO    SO is the path of wincache.so, or "stub" for a userland stand-in (stub.php)
#                      that tests the harness itself. Makes a private temp dir, a unique
#                      wincache.namesalt ($SALT), a watchdog, and an EXIT trap that stops every
#                      server started here (by pid), checks that no object with $SALT (or
#                      $EXTRA_SALTS) is left in /dev/shm/wincache-*/, removes leftovers and exits
#                      non-zero on any FAIL.
#   pass/fail/info MSG, check COND-DESCRIPTION CMD...
#   free_port BASE     a port >= BASE nobody listens on
#   start_cgi PORT CHILDREN [php -d args...]   php-cgi -b (CHILDREN 0: no PHP_FCGI_CHILDREN);
#                      run through ${CGI_WRAP[@]} if set (e.g. setpriv ... to run as nobody),
#                      with ${CGI_D[@]} (more -d settings) after the common ones
#   start_fpm PORT WORKERS [ini lines...]      php-fpm static pool (FPM_RTT: its request_terminate_timeout, 60)
#   start_builtin PORT WORKERS [php -d args...]
#   fcgi PORT QUERY    one FastCGI request of api.php, body on stdout (fails on timeout/no end=1)
#   http PORT QUERY    the same over HTTP (built-in server)
#   field NAME <<<"$body"
#   until_true SECONDS CMD...   poll CMD (every $UNTIL_STEP s, 0.1) until it succeeds; false after SECONDS
#   spread REQ PORT N QUERY     N requests at once, served by N different processes
#
# Time: no check depends on how fast something happens. Every wait is for a condition, bounded
# by a generous hang bound (HANG, 30 s) whose expiry is a failure ("never happened"), never a
# measurement; a machine loaded by parallel builds and other tests stays far inside it.
set -uo pipefail

MP_PIDS=()        # servers started here, stopped in reverse order
MP_FAILS=0
MP_START=$(date +%s%N)
EXTRA_SALTS=()
FPM_D=()          # more -d settings for php-fpm
CGI_D=()          # more -d settings for php-cgi (start_cgi)
CGI_WRAP=()       # a command start_cgi runs php-cgi through (e.g. setpriv --reuid=nobody ...)
REQ_TIMEOUT=${REQ_TIMEOUT:-30}
# Under the sanitizer launcher (scripts/sanitize.sh) LD_PRELOAD carries the ASan runtime into every
# process the script starts. Two of the tests' tools break under it, and neither is code under test:
# curl hangs in a futex past its own --max-time (every request of mp_sessions), and ASan refuses
# dd's aligned_alloc (fcache_watch). They run without it.
curl() { LD_PRELOAD= command curl "$@"; }
dd() { LD_PRELOAD= command dd "$@"; }
HANG=${HANG:-30}  # seconds: the bound of every wait for a condition (a hang check)

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; MP_FAILS=$((MP_FAILS + 1)); }
info() { echo "info: $*"; }
# check DESCRIPTION CMD...: PASS/FAIL on CMD's status
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }

new_salt() { local s; s=$(head -c 64 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 8); echo "$s"; }
# salt_tag SALT: how a salt appears in object names (core/naming.hpp: "_s" + its bytes in hex)
salt_tag() { printf '_s%s' "$(printf '%s' "$1" | od -An -tx1 | tr -d ' \n')"; }

mp_init() {
  MP_NAME=$1
  SO=$2
  local c
  for c in php-cgi8.2 php-fpm8.2 php8.2 cgi-fcgi curl; do
    command -v "$c" >/dev/null || { echo "SKIP: $c is not installed"; exit 77; }
  done
  MP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  TMP=$(mktemp -d "/tmp/wcmp_${MP_NAME}.XXXXXX")
  chmod 755 "$TMP"
  mkdir -p "$TMP/logs" "$TMP/www"
  chmod 777 "$TMP/logs"
  cp "$MP_DIR/../../demo/api.php" "$TMP/www/api.php"
  chmod 644 "$TMP/www/api.php"
  SALT=$(new_salt)
  if [ "$SO" = stub ]; then
    cp "$MP_DIR/stub.php" "$TMP/www/stub.php"
    EXT_ARGS=(-d "auto_prepend_file=$TMP/www/stub.php")
    info "STUB mode (no extension): testing the harness only"
  else
    if [ ! -f "$SO" ]; then echo "FAIL: extension not found: $SO"; exit 1; fi
    SO=$(cd "$(dirname "$SO")" && pwd)/$(basename "$SO")
    EXT_ARGS=(-d "extension=$SO")
  fi
  info "$MP_NAME: dir $TMP, namesalt $SALT"
  trap mp_finish EXIT
  trap 'echo "FAIL: watchdog: $MP_NAME took too long"; MP_FAILS=$((MP_FAILS + 1)); exit 1' TERM
  # (9>&-: fd 9 is a test's flock (test_squat.sh), which the watchdog must not hold; mp_finish's
  # TERM stops the watchdog and its sleep, which would otherwise stay until it ran out)
  ( trap 'kill "$w" 2>/dev/null; exit 0' TERM
    sleep "${MP_WATCHDOG:-200}" & w=$!
    wait "$w" && kill -TERM $$ 2>/dev/null ) >/dev/null 2>&1 9>&- &
  MP_WATCHDOG_PID=$!
}

# Common -d settings of every PHP process: our salt, errors to a log file we read.
php_d() {  # php_d SALT LOGNAME
  echo -d "wincache.namesalt=$1" -d log_errors=1 -d display_errors=0 -d error_reporting=-1 \
    -d "error_log=$TMP/logs/$2"
}

# --- /proc helpers (no procps / iproute2 needed: a minimal Debian image has neither) ----------
# ppid_of PID
ppid_of() {
  local l
  l=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  l=${l##*) }
  set -- $l
  echo "$2"
}
# workers PID: the pids whose parent is PID (a master's workers), ascending
workers() {
  cat /proc/[0-9]*/stat 2>/dev/null |
    awk -v pp="$1" '{ r = $0; sub(/^.*\) /, "", r); split(r, f, " "); if (f[2] == pp) print $1 }' |
    sort -n
}
count_workers() { workers "$1" | wc -l; }
comm_of() { cat "/proc/$1/comm" 2>/dev/null; }
user_of() { stat -c %U "/proc/$1" 2>/dev/null; }
# port_used PORT: some TCP socket (any state) has PORT as its local port
port_used() {
  local hex
  hex=$(printf '%04X' "$1")
  awk -v h=":$hex" 'NR > 1 && substr($2, length($2) - 4) == h {f = 1} END {exit !f}' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
# pid_listens PID PORT: PID holds a socket listening on PORT
pid_listens() {
  local hex inodes i
  hex=$(printf '%04X' "$2")
  inodes=$(awk -v h=":$hex" 'NR > 1 && $4 == "0A" && substr($2, length($2) - 4) == h {print $10}' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null)
  [ -n "$inodes" ] || return 1
  local links
  links=$(ls -l "/proc/$1/fd" 2>/dev/null)
  for i in $inodes; do grep -qF "socket:[$i]" <<<"$links" && return 0; done
  return 1
}

free_port() {
  local p=$1 end=$(($1 + 400))
  for ((; p < end; p++)); do
    port_used "$p" || { echo "$p"; return 0; }
  done
  return 1
}

# until_true SECONDS CMD...: until CMD succeeds (polled every $UNTIL_STEP s, 0.1); false if it did
# not within SECONDS (a hang bound: callers fail the test then, they never measure with it)
until_true() {
  local end=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < end)) || { "$@"; return; }
    sleep "${UNTIL_STEP:-0.1}"
  done
}

# wait_listen PORT PID: until PID listens on PORT (false if PID died, or after $HANG s)
wait_listen() {
  local port=$1 pid=$2 end=$((SECONDS + HANG))
  while ((SECONDS <= end)); do
    pid_listens "$pid" "$port" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
# live_workers PID: PID's children that are not zombies (a killed worker stays a child of its
# master until the master reaps it)
live_workers() {
  local w
  for w in $(workers "$1"); do
    [ "$(awk '{sub(/^.*\) /, ""); print $1}' "/proc/$w/stat" 2>/dev/null)" = Z ] || echo "$w"
  done
}
# in_list WORD LIST: WORD (one, non-empty) is a word of LIST
in_list() { [ -n "$1" ] && [ "$(wc -w <<<"$1")" = 1 ] && [[ " $2 " == *" $1 "* ]]; }
# has_children PID N: PID has exactly N live children
has_children() { [ "$(live_workers "$1" | wc -l)" = "$2" ]; }

# a base port per test, spread so that parallel tests rarely even look at the same ports, and
# below the ephemeral range (32768-60999 on Linux), where client sockets of other tests would
# make a bind fail now and then
base_port() { echo $((20000 + ($(cksum <<<"$MP_NAME" | cut -d' ' -f1) % 30) * 400 + RANDOM % 200)); }

# retry_port FN PORT ARGS...: run "FN PORT ARGS..." (a start_* function); if the port turned out
# to be taken (another test got it first), try up to 4 more free ports. The port used: $PORT_USED
retry_port() {
  local fn=$1 port=$2 try
  shift 2
  for ((try = 0; try < 5; try++)); do
    MP_BIND_FAILED=0
    if "$fn" "$port" "$@"; then PORT_USED=$port; return 0; fi
    ((MP_BIND_FAILED)) || return 1
    info "port $port was taken, trying another"
    port=$(free_port $((port + 1 + RANDOM % 50))) || break
  done
  fail "$fn: no port could be bound"
  return 1
}

# start_failed WHAT PORT PID LOG...: a server did not come up; MP_BIND_FAILED=1 (no FAIL) if it
# was the port, else FAIL with its logs
start_failed() {
  local what=$1 port=$2 pid=$3
  shift 3
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  MP_PIDS=("${MP_PIDS[@]/$pid}")
  if cat "$@" 2>/dev/null | grep -qi "address already in use"; then MP_BIND_FAILED=1; return; fi
  fail "$what on port $port did not start"
  cat "$@" 2>/dev/null
}

# start_cgi PORT CHILDREN [SALT] -> $CGI_PID
start_cgi() {
  local port=$1 children=$2 salt=${3:-$SALT}
  local envs=(PHP_FCGI_MAX_REQUESTS=${CGI_MAX_REQ:-0})
  ((children > 0)) && envs+=(PHP_FCGI_CHILDREN=$children)
  # shellcheck disable=SC2046
  env "${envs[@]}" ${CGI_WRAP[@]+"${CGI_WRAP[@]}"} php-cgi8.2 "${EXT_ARGS[@]}" $(php_d "$salt" "cgi_$port.log") \
    ${CGI_D[@]+"${CGI_D[@]}"} -b "127.0.0.1:$port" >>"$TMP/logs/cgi_$port.out" 2>&1 &
  CGI_PID=$!
  MP_PIDS+=("$CGI_PID")
  wait_listen "$port" "$CGI_PID" || { start_failed "php-cgi" "$port" "$CGI_PID" "$TMP/logs/cgi_$port.out"; return 1; }
  ((children > 0)) || return 0
  until_true "$HANG" has_children "$CGI_PID" "$children" ||
    { fail "php-cgi: $children children did not appear within ${HANG}s"; return 1; }
}

# start_fpm PORT WORKERS [SALT] -> $FPM_PID (master)
start_fpm() {
  local port=$1 workers=$2 salt=${3:-$SALT} conf=$TMP/fpm_$1.conf
  {
    echo "[global]"
    echo "pid = $TMP/fpm_$port.pid"
    echo "error_log = $TMP/logs/fpm_$port.log"
    echo "daemonize = no"
    echo "log_level = ${FPM_LOGLEVEL:-notice}"
    # A graceful stop: with the default 0 the master sends SIGTERM right after SIGQUIT and the
    # workers die without MSHUTDOWN (see test_fpm_default_stop.sh).
    echo "process_control_timeout = ${FPM_PCT:-10s}"
    echo "[mp]"
    if [ "$(id -u)" = 0 ]; then echo "user = nobody"; echo "group = nogroup"; fi
    echo "listen = 127.0.0.1:$port"
    echo "pm = static"
    echo "pm.max_children = $workers"
    echo "pm.max_requests = ${FPM_MAXREQ:-0}"
    echo "catch_workers_output = yes"
    echo "request_terminate_timeout = ${FPM_RTT:-60}"
    echo "php_admin_value[error_log] = $TMP/logs/php_fpm_$port.log"
    echo "php_admin_flag[log_errors] = on"
    echo "php_admin_value[error_reporting] = -1"
  } >"$conf"
  php-fpm8.2 -F -y "$conf" "${EXT_ARGS[@]}" -d "wincache.namesalt=$salt" ${FPM_D[@]+"${FPM_D[@]}"} \
    >>"$TMP/logs/fpm_$port.out" 2>&1 &
  FPM_PID=$!
  MP_PIDS+=("$FPM_PID")
  wait_listen "$port" "$FPM_PID" || { start_failed "php-fpm" "$port" "$FPM_PID" "$TMP/logs/fpm_$port.out" "$TMP/logs/fpm_$port.log"; return 1; }
  # wait for all workers
  until_true "$HANG" has_children "$FPM_PID" "$workers" && return 0
  fail "php-fpm: $workers workers did not appear within ${HANG}s"; return 1
}

# start_builtin PORT WORKERS [SALT] -> $SRV_PID
start_builtin() {
  local port=$1 workers=$2 salt=${3:-$SALT}
  # shellcheck disable=SC2046
  PHP_CLI_SERVER_WORKERS=$workers php8.2 "${EXT_ARGS[@]}" $(php_d "$salt" "srv_$port.log") \
    -S "127.0.0.1:$port" -t "$TMP/www" >>"$TMP/logs/srv_$port.out" 2>&1 &
  SRV_PID=$!
  MP_PIDS+=("$SRV_PID")
  wait_listen "$port" "$SRV_PID" || { start_failed "built-in server" "$port" "$SRV_PID" "$TMP/logs/srv_$port.out"; return 1; }
  until_true "$HANG" has_children "$SRV_PID" "$workers" ||
    { fail "built-in server: $workers workers did not appear within ${HANG}s"; return 1; }
}

# start_nginx PORT FPM_PORT -> $NGINX_PID: nginx in front of a FastCGI server, serving $TMP/www
# (or $NGINX_ROOT; SCRIPT_FILENAME is $document_root$fastcgi_script_name, or with
# NGINX_SCRIPT_ROOT='$realpath_root' the root with its symlinks resolved, per request)
start_nginx() {
  local port=$1 fpm_port=$2 conf=$TMP/nginx_$1.conf
  command -v nginx >/dev/null || { echo "SKIP: nginx is not installed"; exit 77; }
  mkdir -p "$TMP/nginx_$port"
  local user=""
  [ "$(id -u)" = 0 ] && user="user nobody nogroup;"
  cat >"$conf" <<EOF
$user
daemon off;
master_process on;
worker_processes 1;
pid $TMP/nginx_$port/nginx.pid;
error_log $TMP/logs/nginx_$port.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx_$port/body;
  proxy_temp_path $TMP/nginx_$port/proxy;
  fastcgi_temp_path $TMP/nginx_$port/fastcgi;
  uwsgi_temp_path $TMP/nginx_$port/uwsgi;
  scgi_temp_path $TMP/nginx_$port/scgi;
  server {
    listen 127.0.0.1:$port;
    root ${NGINX_ROOT:-$TMP/www};
    location ~ \.php\$ {
      fastcgi_pass 127.0.0.1:$fpm_port;
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME ${NGINX_SCRIPT_ROOT:-\$document_root}\$fastcgi_script_name;
      fastcgi_read_timeout 120s;
    }
  }
}
EOF
  nginx -c "$conf" >>"$TMP/logs/nginx_$port.out" 2>&1 &
  NGINX_PID=$!
  MP_PIDS+=("$NGINX_PID")
  wait_listen "$port" "$NGINX_PID" || { start_failed "nginx" "$port" "$NGINX_PID" "$TMP/logs/nginx_$port.out" "$TMP/logs/nginx_$port.log"; return 1; }
}

# http PORT QUERY: the body of api.php?QUERY through nginx; status 0 only for a complete answer
http() {
  local out
  out=$(curl -s --max-time "$REQ_TIMEOUT" "http://127.0.0.1:$1/api.php?$2")
  echo "$out"
  grep -q '^end=1$' <<<"$out"
}

# fcgi PORT QUERY: the body of api.php?QUERY, status 0 only for a complete answer (end=1)
fcgi() {
  local out
  out=$(env -i SCRIPT_FILENAME="$TMP/www/api.php" SCRIPT_NAME=/api.php REQUEST_URI="/api.php?$2" \
        QUERY_STRING="$2" REQUEST_METHOD=GET REDIRECT_STATUS=200 SERVER_NAME=localhost \
        SERVER_PROTOCOL=HTTP/1.1 GATEWAY_INTERFACE=CGI/1.1 \
        timeout "$REQ_TIMEOUT" cgi-fcgi -bind -connect "127.0.0.1:$1" 2>>"$TMP/logs/cgi-fcgi.err")
  local rc=$?
  [ $rc = 124 ] && echo "$(date +%T.%N) port $1: $2" >>"$TMP/logs/timeouts"
  out=$(sed '1,/^\r\{0,1\}$/d' <<<"$out")
  echo "$out"
  [ $rc = 0 ] && grep -q '^end=1$' <<<"$out"
}

http() {
  local out
  out=$(curl -s --max-time "$REQ_TIMEOUT" "http://127.0.0.1:$1/api.php?$2")
  local rc=$?
  echo "$out"
  [ $rc = 0 ] && grep -q '^end=1$' <<<"$out"
}

field() { sed -n "s/^$1=//p" | head -1; }

# spread REQ PORT N QUERY: N requests of api.php?QUERY at once, served by N different processes
# (workers of one server). Each request waits in api.php's barrier (bar=, n=) until all N are
# inside; a process serves one request at a time, so that takes N processes. Request i is sent
# only once i-1 are inside: no process can have taken a connection it has not started serving
# (the built-in server accepts a second connection before it serves the first one). The answers:
# $SPREAD_OUT/1..N; their pids: $SPREAD_PIDS (sorted, one per distinct process). Returns false
# after a FAIL if a request did not get in within $HANG s or an answer is incomplete or did not
# see all N in the barrier.
SPREAD_K=0
files_at_least() { [ "$(ls "$1" | wc -l)" -ge "$2" ]; }
spread() {
  local req=$1 port=$2 n=$3 q=$4 i d rel lp=() bad=0 b
  SPREAD_K=$((SPREAD_K + 1))
  rel=${TMP#/tmp/}/bar_$SPREAD_K
  d=/tmp/$rel
  SPREAD_OUT=$TMP/spread_$SPREAD_K
  mkdir -p "$d" "$SPREAD_OUT" && chmod 1777 "$d"
  local REQ_TIMEOUT=$((REQ_TIMEOUT > 60 ? REQ_TIMEOUT : 60))  # above the barrier's own 40 s
  for ((i = 1; i <= n; i++)); do
    $req "$port" "$q&bar=$rel&n=$n" >"$SPREAD_OUT/$i" &
    lp+=($!)
    if ((i < n)) && ! until_true "$HANG" files_at_least "$d" "$i"; then
      fail "spread $q: request $i of $n did not reach api.php within ${HANG}s ($(ls "$d" | wc -l) inside)"
      bad=1
      break
    fi
  done
  wait "${lp[@]}"
  SPREAD_PIDS=$(for ((i = 1; i <= n; i++)); do field pid <"$SPREAD_OUT/$i" 2>/dev/null; done | sort -nu | tr '\n' ' ')
  ((bad)) && return 1
  for ((i = 1; i <= n; i++)); do
    b=$(cat "$SPREAD_OUT/$i")
    if ! grep -q '^end=1$' <<<"$b" || [ "$(field barrier <<<"$b")" != "$n" ]; then
      fail "spread $q: answer $i of $n incomplete or the barrier not full: $(tr '\n' ' ' <<<"$b")"
      bad=1
    fi
  done
  ((!bad)) && [ "$(wc -w <<<"$SPREAD_PIDS")" = "$n" ] && return 0
  ((bad)) || fail "spread $q: $n answers from $(wc -w <<<"$SPREAD_PIDS") processes ($SPREAD_PIDS)"
  return 1
}
# spread_answers FIELD...: "pid f1 f2 ..." of each answer of the last spread, one a line
spread_answers() {
  local f i b line
  for f in "$SPREAD_OUT"/*; do
    b=$(cat "$f")
    line=$(field pid <<<"$b")
    for i in "$@"; do line+=" $(field "$i" <<<"$b")"; done
    echo "$line"
  done
}

# shared_checks REQ PORT NPROCS: the checks every group kind must pass, REQ is fcgi or http,
# NPROCS the number of processes that serve requests (spread makes every one of them answer).
#  1. a value set in one request is read back by every serving process (NPROCS different pids
#     at once, so NPROCS-1 of them are not the setter), and no get misses it
#  2. 10 rounds of NPROCS addinc requests at once (each round NPROCS different processes):
#     every new value 1..10*NPROCS returned exactly once, the final value is 10*NPROCS
#  3. one registry (*_<salt>_reg) in /dev/shm/wincache-*/: every process joined the same group
#  4. info() says is_local_cache false in every serving process
shared_checks() {
  local req=$1 port=$2 np=$3 body p0 i r
  body=$($req "$port" "op=set&k=shared_key&v=hello_$SALT") || { fail "set request failed: $body"; return; }
  p0=$(field pid <<<"$body")
  [ "$(field ok <<<"$body")" = 1 ] || fail "set returned false (pid $p0)"
  if spread "$req" "$port" "$np" "op=get&k=shared_key"; then
    local wrong
    wrong=$(spread_answers ok value | awk -v v="hello_$SALT" '$2 != 1 || $3 != v')
    check "value set by pid $p0 read back by all $np serving processes ($SPREAD_PIDS) at once${wrong:+; wrong: $wrong}" \
      test -z "$wrong"
  fi

  local total=$((10 * np)) vals pids errs=0
  $req "$port" "op=delete&k=counter" >/dev/null
  : >"$TMP/inc_all.txt"
  for ((r = 1; r <= 10; r++)); do
    spread "$req" "$port" "$np" "op=addinc&k=counter" || errs=$((errs + 1))
    spread_answers ok value >>"$TMP/inc_all.txt"
  done
  vals=$(awk '$2 == 1 {print $3}' "$TMP/inc_all.txt" | sort -n | tr '\n' ' ')
  pids=$(awk '{print $1}' "$TMP/inc_all.txt" | sort -u | wc -l)
  check "10 rounds of $np addinc requests at once, each round served by $np processes ($errs rounds failed)" test "$errs" = 0
  check "every inc succeeded ($(awk '$2 != 1' "$TMP/inc_all.txt" | wc -l) returned false or no answer)" \
    test "$(awk '$2 == 1' "$TMP/inc_all.txt" | wc -l)" = "$total"
  check "the incs returned each of 1..$total exactly once" test "$vals" = "$(seq 1 $total | tr '\n' ' ')"
  [ "$vals" = "$(seq 1 $total | tr '\n' ' ')" ] || info "values returned: $vals"
  check "the incs were served by all $np processes ($pids)" test "$pids" = "$np"
  body=$($req "$port" "op=get&k=counter")
  check "counter reads $total afterwards (pid $(field pid <<<"$body"): $(field value <<<"$body"))" \
    test "$(field value <<<"$body")" = "$total"

  if [ "$SO" != stub ]; then
    local regs
    regs=$(shm_names | grep -F -- "$(salt_tag "$SALT")_reg")
    check "one group of salt $SALT in /dev/shm: $(echo $regs)" test "$(wc -w <<<"$regs")" = 1
  fi

  if spread "$req" "$port" "$np" "op=info"; then
    local locals
    locals=$(spread_answers ok is_local_cache | awk '$2 != 1 || $3 != 0')
    check "is_local_cache false in all $np serving processes ($SPREAD_PIDS)${locals:+; not: $locals}" \
      test -z "$locals"
  fi
}

mp_stop_all() {
  local i pid
  for ((i = ${#MP_PIDS[@]} - 1; i >= 0; i--)); do
    pid=${MP_PIDS[$i]}
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || continue
    case "$(comm_of "$pid")" in
      php-fpm*) kill -QUIT "$pid" ;;   # graceful (process_control_timeout in start_fpm)
      php-cgi*) kill -TERM "$pid" ;;   # the master passes it on, children exit cleanly
      php*)  # built-in server: SIGINT to the master and each worker, as Ctrl-C does to the
             # process group (SIGTERM kills them without MSHUTDOWN; the master waits for them)
        for c in $(workers "$pid"); do kill -INT "$c"; done; kill -INT "$pid" ;;
      *) kill -TERM "$pid" ;;
    esac
  done
  local end=$((SECONDS + HANG))
  while ((SECONDS <= end)); do
    local alive=0
    for pid in "${MP_PIDS[@]}"; do
      [ -n "$pid" ] || continue
      if kill -0 "$pid" 2>/dev/null || [ -n "$(workers "$pid")" ]; then alive=1; fi
    done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${MP_PIDS[@]}"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      echo "FAIL: pid $pid ($(comm_of "$pid")) did not stop within ${HANG}s; killing it"
      MP_FAILS=$((MP_FAILS + 1))
      for c in $(workers "$pid"); do kill -KILL "$c" 2>/dev/null; done
      kill -KILL "$pid" 2>/dev/null
    fi
  done
  wait 2>/dev/null
  MP_PIDS=()
}

# shm_paths: every wincache object under /dev/shm, one path a line. PosixOs keeps each user's
# objects in that user's directory /dev/shm/wincache-<uid> (or wincache-<uid>.<n> if the name was
# squatted); symlinks at those names are not ours and not looked into.
shm_paths() {
  local d
  for d in /dev/shm/wincache-*; do
    [ -d "$d" ] && [ ! -L "$d" ] || continue
    ls "$d" 2>/dev/null | sed "s|^|$d/|"
  done
}
# shm_names: their names only
shm_names() { shm_paths | sed 's|.*/||'; }
# shm_left SALT...: the paths of the objects whose names carry one of the salts
shm_left() {
  local s
  for s in "$@"; do shm_paths | awk -F/ -v s="$(salt_tag "$s")" 'index($NF, s)'; done
}

mp_finish() {
  local rc=$?
  trap - EXIT TERM
  kill "$MP_WATCHDOG_PID" 2>/dev/null
  # a test's own cleanup (MP_CLEANUP: a command), whichever way it ends
  [ -n "${MP_CLEANUP:-}" ] && eval "$MP_CLEANUP"
  # stop helper loops started by the test (background jobs that are not servers)
  local j
  for j in $(jobs -p); do
    [[ " ${MP_PIDS[*]} " == *" $j "* ]] || kill "$j" 2>/dev/null
  done
  mp_stop_all
  if [ "$SO" != stub ]; then
    local left="" i
    local end=$((SECONDS + 5))  # a margin: the last process out removed them before it exited
    while :; do
      left=$(shm_left "$SALT" "${EXTRA_SALTS[@]}")
      [ -z "$left" ] && break
      ((SECONDS < end)) || break
      sleep 0.1
    done
    # Every test stops its servers in order (mp_stop_all), so nothing may be left: the last
    # process out removes the group, and a master whose workers ran as another user drops their
    # pin as that user (defect 13 of the hostile test: such groups used to stay).
    if [ -n "${MP_EXPECT_LEFTOVERS:-}" ] && [ -n "$left" ]; then
      info "left as this test expects ($MP_EXPECT_LEFTOVERS): $(echo $left)"
      for i in $left; do rm -f "$i"; rmdir "${i%/*}" 2>/dev/null; done
      left=""
    fi
    if [ -n "$left" ]; then
      fail "objects left in /dev/shm after every process stopped: $(echo $left)"
      for i in $left; do rm -f "$i"; rmdir "${i%/*}" 2>/dev/null; done
    else
      pass "no /dev/shm object of salt(s) $SALT ${EXTRA_SALTS[*]} left"
    fi
  else
    rm -rf "/tmp/wcstub_$SALT" 2>/dev/null
    for j in "${EXTRA_SALTS[@]}"; do rm -rf "/tmp/wcstub_$j"; done
  fi
  local t
  t=$((($(date +%s%N) - MP_START) / 1000000))
  t="$((t / 1000)).$(printf %03d $((t % 1000)))"
  if ((MP_FAILS > 0 || rc != 0)); then
    echo "---- logs of $MP_NAME ($TMP/logs) ----"
    for j in "$TMP"/logs/*; do
      [ -s "$j" ] || continue
      echo "== $(basename "$j") (last 30 lines)"
      tail -n 30 "$j"
    done
    echo "RESULT: $MP_NAME FAILED ($MP_FAILS failure(s), rc $rc, ${t}s)"
    exit 1
  fi
  echo "RESULT: $MP_NAME PASSED (${t}s)"
  rm -rf "$TMP"
  exit 0
}
