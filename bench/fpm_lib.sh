# bench/fpm_lib.sh: what bench/fpm.sh and bench/sessions.sh share; sourced by both (not run).
# One php-fpm static pool behind one nginx on a free port, started fresh for each run and stopped
# gracefully, the HTTP and wrk helpers that fail the run on a bad answer, the exit trap that keeps
# a failed run's logs, and the small helpers around them. It sources scripts/servers.sh
# (listening, children, stop_nginx_fpm). From /proc only: no procps or iproute2.
#
# The caller sets `here` (bench/) and `me` (its name, the prefix of its messages) before sourcing,
# and `work` (its mktemp'd working directory) before fpm_workdir; it may set, before the runs:
#   wrk_lua    the wrk -s script in bench/php/ that run_wrk uses (default wrk_report.lua)
#   wrk_args   what run_wrk passes after the URL (default none; sessions.sh: -- N)
#   stop_also  a function stop_servers calls after stopping nginx + php-fpm (default none)
#   exit_also  a function the exit trap calls after the last stop_servers, before it removes
#              anything (default none; files.sh: unmount its FUSE file system)
#   exit_rm    paths removed at exit whatever the outcome (default none)
#   docroot    nginx's root (default $work/www, where fpm_workdir copies the page); set before
#              fpm_workdir, nothing is copied and PAGE is served from it (files.sh: its generated
#              application, on disk or on its FUSE mount; it may change between runs)
#   COMMON_D   every variant's php-fpm flags (-n, opcache, errors to the log); may be added to
# WRK_THREADS WRK_CONNS WARMUP are the wrk load (why: below).
#
#   say / die / skip MSG       "$me: MSG"; die: on stderr, exit 1; skip: "SKIP: MSG", exit 77
#   need_commands CMD...       skip unless every CMD is on PATH
#   check_common_args          --workers, --so (made absolute) and --out's directory, or die
#   fpm_workdir PAGE [DIR...]  $work/www/PAGE (bench/php/PAGE; none if docroot is set), logs/,
#                              tmp/ and DIRs under $work;
#                              as root the pool's users; sets php_page sock user_lines nginx_user
#                              pool_user
#   arm_traps                  EXIT: finish (stop, show the logs of a failure, clean up); INT and
#                              TERM: say so, exit 130 / 143
#   start_fpm_nginx VARIANT WORKERS TAG [-d FLAG]...
#                              fresh php-fpm (COMMON_D, the run's error log, the FLAGs) + nginx;
#                              sets fpm_pid nginx_pid port phplog; fails the run if they do not
#                              come up
#   stop_servers               graceful; removes the fpm-pinned group; then $stop_also
#   http_get QUERY [SID]       body of $php_page?QUERY (cookie PHPSESSID=SID); fails unless 200
#   field NAME LINE            the value of NAME=value in LINE
#   run_wrk SECONDS QUERY      one wrk run; sets rep_line (the WRK_REPORT line) or fails the run
#   check_php_log              fails the run unless this run's PHP error log is empty
#   median / med "V V ..."     the median of numbers on stdin / in a space-separated list
#   append_rows                appends ${rows[@]} to $out, prints ${summary[@]}
# (the variables it reads are the caller's; the ones it sets are for the caller)
# shellcheck shell=bash disable=SC2034,SC2154

say() { echo "$me: $*"; }
die() { echo "$me: $*" >&2; exit 1; }
skip() { echo "$me: SKIP: $*"; exit 77; }
need_commands() {
  local c
  for c; do command -v "$c" >/dev/null || skip "$c is not installed"; done
}

# check_common_args: $workers_list, $so, $out; after the caller's own checks of its numbers
check_common_args() {
  local w out_dir
  for w in $workers_list; do [[ "$w" =~ ^[1-9][0-9]*$ ]] || die "--workers: '$w' is not a count"; done
  [ -f "$so" ] || die "--so $so: no such file"
  so=$(cd "$(dirname "$so")" && pwd)/$(basename "$so")
  out_dir=$(dirname "$out")
  [ -d "$out_dir" ] || die "--out $out: no directory $out_dir"
}

# --- wrk load: why -t1 -c8 -------------------------------------------------------------------
# The machine has 2 cores, shared by wrk, nginx (1 worker) and the fpm workers: one wrk thread
# (an epoll loop, it needs a small fraction of a core at these rates) leaves the most CPU to the
# servers. 8 connections = 2x the largest pool: every fpm worker always has a request waiting in
# nginx, so the pool never idles between requests, while the queue stays short enough that p99
# is the page's latency plus a little queueing, not mostly queueing. The same -c for every pool
# size keeps the rows comparable.
WRK_THREADS=1
WRK_CONNS=8
WARMUP=1
wrk_lua=wrk_report.lua
wrk_args=()

# --- /proc helpers (no procps / iproute2) -----------------------------------------------------
# port_used PORT: some TCP socket (any state) has PORT as its local port
port_used() {
  awk -v h=":$(printf '%04X' "$1")" 'NR > 1 && substr($2, length($2) - 4) == h {f = 1} END {exit !f}' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
# listening, children, stop_nginx_fpm
# shellcheck source=../scripts/servers.sh
. "$here/../scripts/servers.sh"
# free_port: a port nobody uses, below the ephemeral range (32768-60999)
free_port() {
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((21000 + RANDOM % 11000))
    port_used "$p" || { echo "$p"; return 0; }
  done
  return 1
}

# --- working directory: docroot readable by the pool's user, logs, configs --------------------
# fpm_workdir PAGE [DIR...]: DIRs (names under $work) are scratch for the caller's own servers,
# owned by the pool's user like tmp/; a failed run removes them with www/, tmp/ and the sockets
work_scratch=()
docroot=""
fpm_workdir() {
  local d owned
  php_page=$1; shift
  chmod 755 "$work"
  owned=("$work/tmp")
  for d; do owned+=("$work/$d"); done
  work_scratch=("${owned[@]}")
  mkdir -p "$work/logs" "${owned[@]}"
  if [ -z "$docroot" ]; then
    work_scratch+=("$work/www")
    mkdir -p "$work/www"
    cp "$here/php/$php_page" "$work/www/$php_page" || die "cannot copy bench/php/$php_page"
    chmod -R a+rX "$work/www"
  fi
  chmod 777 "$work/logs"
  user_lines="" nginx_user="" pool_user=""
  if [ "$(id -u)" = 0 ]; then
    # as root the pool runs as nobody (php-fpm refuses root workers), nginx's worker too (and
    # whatever the caller starts as $pool_user)
    user_lines=$'user = nobody\ngroup = nogroup\nlisten.owner = nobody\nlisten.group = nogroup'
    nginx_user="user nobody nogroup;"
    pool_user=nobody
    chown nobody:nogroup "${owned[@]}"
  fi
  sock=$work/fpm.sock
}

# --- start / stop -----------------------------------------------------------------------------
fpm_pid="" nginx_pid="" failed=0 stop_also="" exit_also="" exit_rm=()
fpm2_pid=""
stop_servers() {  # graceful (process_control_timeout); removes the fpm-pinned group
  stop_nginx_fpm "$nginx_pid" "$fpm_pid"
  [ -z "$fpm2_pid" ] || stop_nginx_fpm "" "$fpm2_pid"
  fpm_pid="" nginx_pid="" fpm2_pid=""
  [ -z "$stop_also" ] || "$stop_also"
}
show_logs() {
  local f
  for f in "$work"/logs/*; do
    [ -s "$f" ] || continue
    echo "== $f (last 20 lines)"
    tail -n 20 "$f"
  done
}
finish() {
  local rc=$?
  trap - EXIT INT TERM
  stop_servers
  [ -z "$exit_also" ] || "$exit_also"
  rm -rf "${exit_rm[@]}"
  if ((rc != 0 || failed)); then
    show_logs
    say "FAILED; logs kept in $work/logs"
    rm -rf "${work_scratch[@]}" "$work"/*.sock
    exit $((rc ? rc : 1))
  fi
  rm -rf "$work"
  exit 0
}
arm_traps() {
  trap finish EXIT
  trap 'say "interrupted"; exit 130' INT
  trap 'say "terminated"; exit 143' TERM
}

# what every variant's php-fpm gets (the caller may add to it)
COMMON_D=(-n -d zend_extension=opcache -d opcache.enable=1
          -d log_errors=1 -d display_errors=0 -d error_reporting=-1)

# start_fpm_nginx VARIANT WORKERS TAG [-d FLAG]...: fresh php-fpm + nginx; sets fpm_pid nginx_pid
# port phplog (VARIANT only names the run in the message of a failure)
start_fpm_nginx() {
  local variant=$1 w=$2 tag=$3 i ok=0
  shift 3
  phplog=$work/logs/php_errors_$tag.log
  : >"$phplog"; chmod 666 "$phplog"
  rm -f "$sock"
  cat >"$work/php-fpm.conf" <<EOF
[global]
pid = $work/php-fpm.pid
error_log = $work/logs/fpm_$tag.log
daemonize = no
; graceful stop: workers get SIGQUIT and finish (the default 0 sends SIGTERM at once)
process_control_timeout = 10s

[bench]
$user_lines
listen = $sock
listen.mode = 0660
listen.backlog = 511
pm = static
pm.max_children = $w
pm.max_requests = 0
request_terminate_timeout = 60
catch_workers_output = yes
EOF
  # FPM_HOSTS=2: two php-fpm masters of WORKERS/2 workers each, with different namesalts (two
  # "hosts" that share no memory), behind nginx's round robin
  local upstream="unix:$sock"
  if [ "${FPM_HOSTS:-1}" = 2 ]; then
    sed -e "s|^pid = .*|pid = $work/php-fpm2.pid|" -e "s|^listen = .*|listen = $sock.2|" \
        -e "s|^error_log = .*|error_log = $work/logs/fpm2_$tag.log|" \
        -e "s|^pm.max_children = .*|pm.max_children = $((w / 2))|" "$work/php-fpm.conf" >"$work/php-fpm2.conf"
    sed -i "s|^pm.max_children = .*|pm.max_children = $((w / 2))|" "$work/php-fpm.conf"
    rm -f "$sock.2"
    upstream="unix:$sock; server unix:$sock.2"
  fi
  port=$(free_port) || die "no free port for nginx"
  cat >"$work/nginx.conf" <<EOF
$nginx_user
daemon off;
master_process on;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/nginx_error_$tag.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/tmp/body;
  proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi;
  scgi_temp_path $work/tmp/scgi;
  default_type text/plain;
  upstream php_hosts { server $upstream; }
  # keep-alive to the client: wrk reuses its 8 connections for the whole run
  keepalive_timeout 65;
  keepalive_requests 100000000;
  server {
    listen 127.0.0.1:$port backlog=511;
    root ${docroot:-$work/www};
    location = /$php_page {
      # fpm over a unix socket, one connection per request (php-fpm's usual setup; no
      # fastcgi_keep_conn: fpm workers would stay tied to nginx's idle connections)
      fastcgi_pass php_hosts;
      # Debian's nginx package ships the standard CGI parameters
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
    }
  }
}
EOF
  # own sessions: a Ctrl-C reaches this script (and wrk), which then stops them gracefully
  setsid php-fpm8.2 "${COMMON_D[@]}" -d "error_log=$phplog" "$@" -F -y "$work/php-fpm.conf" \
    >>"$work/logs/fpm_$tag.out" 2>&1 &
  fpm_pid=$!
  if [ "${FPM_HOSTS:-1}" = 2 ]; then
    setsid php-fpm8.2 "${COMMON_D[@]}" -d "error_log=$phplog" "$@" -d wincache.namesalt=host2 \
      -F -y "$work/php-fpm2.conf" >>"$work/logs/fpm2_$tag.out" 2>&1 &
    fpm2_pid=$!
  fi
  setsid nginx -p "$work" -c "$work/nginx.conf" -e "$work/logs/nginx_error_$tag.log" \
    >>"$work/logs/nginx_$tag.out" 2>&1 &
  nginx_pid=$!
  for ((i = 0; i < 100; i++)); do
    kill -0 "$fpm_pid" 2>/dev/null || break
    kill -0 "$nginx_pid" 2>/dev/null || break
    local want=$w n
    n=$(children "$fpm_pid" | wc -l)
    if [ "${FPM_HOSTS:-1}" = 2 ]; then
      want=$(((w / 2) * 2)); n=$((n + $(children "$fpm2_pid" | wc -l)))
      [ -S "$sock.2" ] || n=0
    fi
    if listening "$port" && [ -S "$sock" ] && [ "$n" -ge "$want" ]; then
      ok=1; break
    fi
    sleep 0.1
  done
  if ((!ok)); then
    failed=1
    say "$variant, $w workers: nginx (port $port) or php-fpm ($w workers on $sock) did not come up"
    exit 1
  fi
}

# http_get QUERY [SID]: body of $php_page?QUERY (with the cookie PHPSESSID=SID), fails unless
# the status is 200
http_get() {
  local body code
  body=$(curl -sS --max-time 30 ${2:+-b "PHPSESSID=$2"} -w '\n%{http_code}' \
         "http://127.0.0.1:$port/$php_page${1:+?$1}") || return 1
  code=${body##*$'\n'}
  body=${body%$'\n'*}
  echo "$body"
  [ "$code" = 200 ]
}
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2" | head -1; }

# run_wrk SECONDS QUERY: one wrk run of $wrk_lua; sets rep_line (the WRK_REPORT line) or fails
run_wrk() {
  local secs=$1 query=$2 o
  o=$(wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${secs}s" -s "$here/php/$wrk_lua" \
      "http://127.0.0.1:$port/$php_page${query:+?$query}" "${wrk_args[@]}" 2>&1)
  rep_line=$(grep '^WRK_REPORT ' <<<"$o")
  if [ -z "$rep_line" ]; then
    failed=1; echo "$o"; say "wrk printed no report"; exit 1
  fi
  local non2xx sockerr
  non2xx=$(field non2xx "$rep_line"); sockerr=$(field socket_errors "$rep_line")
  if [ "$non2xx" != 0 ] || [ "$sockerr" != 0 ]; then
    failed=1; echo "$o"
    say "wrk saw $non2xx non-2xx responses and $sockerr socket errors"
    exit 1
  fi
}

# check_php_log: no PHP warning/notice/error in this run's PHP error log
check_php_log() {
  if [ -s "$phplog" ]; then
    failed=1
    say "the PHP error log of this run is not empty:"
    head -n 20 "$phplog"
    exit 1
  fi
}

median() { sort -g | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
med() { tr ' ' '\n' <<<"$1" | grep . | median; }

# append_rows: the rows (JSON Lines) to $out, then the summary ($reps, $t_start: the run's)
append_rows() {
  local s
  printf '%s\n' "${rows[@]}" >>"$out" || die "cannot append to $out"
  echo
  say "summary (medians over $reps rep(s), $(( $(date +%s) - t_start )) s):"
  for s in "${summary[@]}"; do echo "  $s"; done
  say "${#rows[@]} rows appended to $out"
}
