#!/usr/bin/env bash
# bench/fpm.sh: the multi-process PHP part of the benchmark. wincache.so vs APCu behind
# nginx + a php-fpm static pool (2 and 4 workers), driven by wrk; bench/php/page.php does 20 gets
# and 2 sets of Zipf-distributed keys over 10,000 shared keys per request. Requests/s and p99.
#
#   bench/fpm.sh --so PATH/wincache.so --out ROWS.jsonl [--workers "2 4"] [--duration SECONDS]
#                [--reps N] [--quick] [--ceiling]
#
#   --duration  seconds of each measured wrk run (default 8)
#   --reps      runs per variant and pool size (default 3); the rows give the medians
#   --quick     workers "2 4", duration 2, reps 1: a smoke test that it works (CI)
#   --ceiling   (the default; --no-ceiling skips it) also measure page.php?op=empty (no cache
#               call) per pool size and rep with wincache.so loaded: the nginx + fpm ceiling, a
#               row of its own, and a row of the page's own time per request beyond it
#
# Both variants run the same php-fpm8.2 binary with the same pool and the same -d flags, started
# with -n (no php.ini, no conf.d): opcache on, errors to a log file, then either
#   -d extension=/abs/wincache.so -d wincache.ucachesize=32            ("ours")
#   -d extension=apcu -d apc.shm_size=32M -d apc.enabled=1             ("APCu")
# Order: for each pool size, for each rep: ours, then APCu, each on a fresh fpm + nginx start,
# populated (all keys set by one request), warmed up 1 s, then measured; noise hits both alike.
# Any non-2xx response, socket error, PHP warning/error or a server that does not come up fails
# the run (exit 1, logs shown). Nothing is installed here: a missing php-fpm8.2, nginx, wrk, curl
# or apcu.so exits 77. Rows (JSON Lines, appended to --out only when every run succeeded):
#   {"part":"fpm","name":"php-fpm 4 workers, 20 gets + 2 sets, Zipf","unit":"req/s",...}
#   {"part":"fpm","name":"php-fpm 4 workers, p99 latency","unit":"ms",...}
set -uo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
say() { echo "fpm.sh: $*"; }
die() { echo "fpm.sh: $*" >&2; exit 1; }
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

so="" out="" workers_list="2 4" duration=8 reps=3 ceiling=1
while (($#)); do
  case "$1" in
    --so) so=${2:-}; shift 2 || usage ;;
    --out) out=${2:-}; shift 2 || usage ;;
    --workers) workers_list=${2:-}; shift 2 || usage ;;
    --duration) duration=${2:-}; shift 2 || usage ;;
    --reps) reps=${2:-}; shift 2 || usage ;;
    --quick) workers_list="2 4"; duration=2; reps=1; shift ;;
    --no-ceiling) ceiling=0; shift ;;
    --ceiling) ceiling=1; shift ;;
    -h|--help) usage ;;
    *) echo "fpm.sh: unknown argument: $1" >&2; usage ;;
  esac
done
[ -n "$so" ] && [ -n "$out" ] || usage
[[ "$duration" =~ ^[1-9][0-9]*$ ]] || die "--duration: a whole number of seconds, not '$duration'"
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || die "--reps: a positive number, not '$reps'"
for w in $workers_list; do [[ "$w" =~ ^[1-9][0-9]*$ ]] || die "--workers: '$w' is not a count"; done
[ -f "$so" ] || die "--so $so: no such file"
so=$(cd "$(dirname "$so")" && pwd)/$(basename "$so")
out_dir=$(dirname "$out")
[ -d "$out_dir" ] || die "--out $out: no directory $out_dir"

# --- prerequisites: skip (77) when something is not installed ---------------------------------
for c in php-fpm8.2 nginx wrk curl; do
  command -v "$c" >/dev/null || { echo "fpm.sh: SKIP: $c is not installed"; exit 77; }
done
# (the module list is captured first: grep -q would stop reading early and, with pipefail, the
# SIGPIPE php-fpm then gets would look like a failure)
mods=$(php-fpm8.2 -n -d extension=apcu -d zend_extension=opcache -m 2>/dev/null)
if ! grep -qx apcu <<<"$mods"; then
  echo "fpm.sh: SKIP: apcu.so does not load into php-fpm8.2 (package php8.2-apcu?)"; exit 77
fi
if ! grep -qx 'Zend OPcache' <<<"$mods"; then
  echo "fpm.sh: SKIP: opcache does not load into php-fpm8.2"; exit 77
fi

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
work=$(mktemp -d /tmp/wincache-fpmbench.XXXXXX) || die "mktemp failed"
chmod 755 "$work"
mkdir -p "$work/www" "$work/logs" "$work/tmp"
cp "$here/php/page.php" "$work/www/page.php" || die "cannot copy bench/php/page.php"
chmod -R a+rX "$work/www"
chmod 777 "$work/logs"
user_lines="" nginx_user=""
if [ "$(id -u)" = 0 ]; then
  # as root the pool runs as nobody (php-fpm refuses root workers), nginx's worker too
  user_lines=$'user = nobody\ngroup = nogroup\nlisten.owner = nobody\nlisten.group = nogroup'
  nginx_user="user nobody nogroup;"
  chown nobody:nogroup "$work/tmp"
fi
sock=$work/fpm.sock

# --- start / stop -----------------------------------------------------------------------------
fpm_pid="" nginx_pid="" failed=0
stop_servers() {  # graceful (process_control_timeout); removes the fpm-pinned group
  stop_nginx_fpm "$nginx_pid" "$fpm_pid"
  fpm_pid="" nginx_pid=""
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
  if ((rc != 0 || failed)); then
    show_logs
    say "FAILED; logs kept in $work/logs"
    rm -rf "$work/www" "$work/tmp" "$work/fpm.sock"
    exit $((rc ? rc : 1))
  fi
  rm -rf "$work"
  exit 0
}
trap finish EXIT
trap 'say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM

COMMON_D=(-n -d zend_extension=opcache -d opcache.enable=1
          -d log_errors=1 -d display_errors=0 -d error_reporting=-1)
OURS_D=(-d "extension=$so" -d wincache.ucachesize=32)
APCU_D=(-d extension=apcu -d apc.shm_size=32M -d apc.enabled=1)

# start_servers VARIANT WORKERS TAG: fresh php-fpm + nginx; sets fpm_pid nginx_pid port phplog
start_servers() {
  local variant=$1 w=$2 tag=$3 i ok=0 vd
  if [ "$variant" = ours ]; then vd=("${OURS_D[@]}"); else vd=("${APCU_D[@]}"); fi
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
  # keep-alive to the client: wrk reuses its 8 connections for the whole run
  keepalive_timeout 65;
  keepalive_requests 100000000;
  server {
    listen 127.0.0.1:$port backlog=511;
    root $work/www;
    location = /page.php {
      # fpm over a unix socket, one connection per request (php-fpm's usual setup; no
      # fastcgi_keep_conn: fpm workers would stay tied to nginx's idle connections)
      fastcgi_pass unix:$sock;
      # Debian's nginx package ships the standard CGI parameters
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
    }
  }
}
EOF
  # own sessions: a Ctrl-C reaches this script (and wrk), which then stops them gracefully
  setsid php-fpm8.2 "${COMMON_D[@]}" -d "error_log=$phplog" "${vd[@]}" -F -y "$work/php-fpm.conf" \
    >>"$work/logs/fpm_$tag.out" 2>&1 &
  fpm_pid=$!
  setsid nginx -p "$work" -c "$work/nginx.conf" -e "$work/logs/nginx_error_$tag.log" \
    >>"$work/logs/nginx_$tag.out" 2>&1 &
  nginx_pid=$!
  for ((i = 0; i < 100; i++)); do
    kill -0 "$fpm_pid" 2>/dev/null || break
    kill -0 "$nginx_pid" 2>/dev/null || break
    if listening "$port" && [ -S "$sock" ] && [ "$(children "$fpm_pid" | wc -l)" -ge "$w" ]; then
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

# http_get QUERY: body of page.php?QUERY, fails unless the status is 200
http_get() {
  local body code
  body=$(curl -sS --max-time 30 -w '\n%{http_code}' "http://127.0.0.1:$port/page.php${1:+?$1}") ||
    return 1
  code=${body##*$'\n'}
  body=${body%$'\n'*}
  echo "$body"
  [ "$code" = 200 ]
}
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2" | head -1; }

# run_wrk SECONDS QUERY: one wrk run; sets rep_line (the WRK_REPORT line) or fails
run_wrk() {
  local secs=$1 query=$2 o
  o=$(wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${secs}s" -s "$here/php/wrk_report.lua" \
      "http://127.0.0.1:$port/page.php${query:+?$query}" 2>&1)
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

# one_run VARIANT WORKERS TAG QUERY: start, populate, warm up, measure, stop; sets rps p99 hit
one_run() {
  local variant=$1 w=$2 tag=$3 query=$4 b s0 s1 dh dm
  start_servers "$variant" "$w" "$tag"
  b=$(http_get op=populate) || { failed=1; say "populate failed: $b"; exit 1; }
  [ "$(field backend "$b")" = "$([ "$variant" = ours ] && echo wincache || echo apcu)" ] &&
    [ "$(field entries "$b")" = 10000 ] || { failed=1; say "populate: unexpected answer: $b"; exit 1; }
  b=$(http_get "$query") || { failed=1; say "page.php?$query failed: $b"; exit 1; }
  [[ "$b" == ok* ]] || { failed=1; say "page.php?$query: unexpected body: $b"; exit 1; }
  run_wrk "$WARMUP" "$query"                       # warm-up: opcache, CPU caches; not measured
  s0=$(http_get op=stats) || { failed=1; say "stats failed: $s0"; exit 1; }
  run_wrk "$duration" "$query"
  s1=$(http_get op=stats) || { failed=1; say "stats failed: $s1"; exit 1; }
  stop_servers
  check_php_log
  rps=$(field rps "$rep_line"); p99=$(field p99_ms "$rep_line")
  dh=$(($(field hits "$s1") - $(field hits "$s0")))
  dm=$(($(field misses "$s1") - $(field misses "$s0")))
  if ((dh + dm > 0)); then hit=$(awk -v h="$dh" -v m="$dm" 'BEGIN {printf "%.2f", 100 * h / (h + m)}')
  else hit="-"; fi
}

median() { sort -g | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

say "module $so; pools: $workers_list workers; $reps rep(s) x ${duration} s; wrk -t$WRK_THREADS -c$WRK_CONNS; work dir $work"
t_start=$(date +%s)
rows=()
summary=()
for w in $workers_list; do
  declare -A R=() P=() H=()
  for ((r = 1; r <= reps; r++)); do
    variants="ours apcu"
    ((ceiling)) && variants+=" empty"
    for variant in $variants; do
      if [ "$variant" = empty ]; then one_run ours "$w" "w${w}_r${r}_empty" op=empty
      else one_run "$variant" "$w" "w${w}_r${r}_$variant" ""; fi
      R[$variant]+="$rps "; P[$variant]+="$p99 "; H[$variant]+="$hit "
      printf 'fpm.sh: %-5s %d workers, rep %d/%d: %9.1f req/s  p99 %7.3f ms  hit %s%%  (%s requests)\n' \
        "$(case $variant in ours) echo ours ;; apcu) echo APCu ;; *) echo empty ;; esac)" "$w" "$r" "$reps" "$rps" "$p99" "$hit" \
        "$(field requests "$rep_line")"
    done
  done
  ours_rps=$(tr ' ' '\n' <<<"${R[ours]}" | grep . | median)
  apcu_rps=$(tr ' ' '\n' <<<"${R[apcu]}" | grep . | median)
  ours_p99=$(tr ' ' '\n' <<<"${P[ours]}" | grep . | median)
  apcu_p99=$(tr ' ' '\n' <<<"${P[apcu]}" | grep . | median)
  ratio=$(awk -v a="$ours_rps" -v b="$apcu_rps" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}')
  # the lowest hit rate over the reps (the backend's own counters over the measured run)
  hmin() { tr ' ' '\n' <<<"$1" | grep . | sort -g | head -1; }
  note="wrk -t$WRK_THREADS -c$WRK_CONNS ${duration}s; lowest hit rate ours $(hmin "${H[ours]}")%, APCu $(hmin "${H[apcu]}")%"
  if [ "$w" = 4 ]; then target='{"ratio":1.5}'; ttext='>= 1.5x APCu'; else target=null; ttext=''; fi
  rows+=("$(printf '{"part":"fpm","name":"php-fpm %d workers, 20 gets + 2 sets, Zipf","unit":"req/s","better":"higher","ours":%.1f,"peer":%.1f,"peer_name":"APCu","target":%s,"target_text":"%s","n":%d,"note":"%s"}' \
    "$w" "$ours_rps" "$apcu_rps" "$target" "$ttext" "$reps" "$note")")
  rows+=("$(printf '{"part":"fpm","name":"php-fpm %d workers, p99 latency","unit":"ms","better":"lower","ours":%.3f,"peer":%.3f,"peer_name":"APCu","target":null,"target_text":"","n":%d,"note":"%s"}' \
    "$w" "$ours_p99" "$apcu_p99" "$reps" "wrk -t$WRK_THREADS -c$WRK_CONNS ${duration}s")")
  summary+=("$(printf '%d workers: ours %.1f req/s, APCu %.1f req/s (x%s); p99 ours %.3f ms, APCu %.3f ms' \
    "$w" "$ours_rps" "$apcu_rps" "$ratio" "$ours_p99" "$apcu_p99")")
  say "median ${summary[-1]}"
  if ((ceiling)); then
    # The empty page: what nginx + fpm + wrk allow at all on this machine. The page's own time
    # per request (1/req/s minus 1/req/s of the empty page, in microseconds) isolates the 22
    # cache calls and the PHP around them from the fixed cost of the request.
    empty_rps=$(tr ' ' '\n' <<<"${R[empty]}" | grep . | median)
    rows+=("$(printf '{"part":"fpm","name":"php-fpm %d workers, empty page (no cache call): the ceiling","unit":"req/s","better":"higher","ours":%.1f,"peer":null,"peer_name":null,"target":null,"target_text":"","n":%d,"note":"%s"}' \
      "$w" "$empty_rps" "$reps" "page.php?op=empty with wincache.so loaded; wrk -t$WRK_THREADS -c$WRK_CONNS ${duration}s")")
    ours_us=$(awk -v p="$ours_rps" -v e="$empty_rps" 'BEGIN {printf "%.2f", 1e6 / p - 1e6 / e}')
    apcu_us=$(awk -v p="$apcu_rps" -v e="$empty_rps" 'BEGIN {printf "%.2f", 1e6 / p - 1e6 / e}')
    rows+=("$(printf '{"part":"fpm","name":"php-fpm %d workers, the page'"'"'s own time per request (beyond the empty page)","unit":"us","better":"lower","ours":%s,"peer":%s,"peer_name":"APCu","target":null,"target_text":"","n":%d,"note":"%s"}' \
      "$w" "$ours_us" "$apcu_us" "$reps" "1e6/req/s minus 1e6/req/s of the empty page, from the medians; the machine's time per request, both cores shared by wrk, nginx and fpm")")
    summary+=("$(printf '%d workers: empty page (ceiling) %.1f req/s; page time beyond it: ours %s us, APCu %s us' "$w" "$empty_rps" "$ours_us" "$apcu_us")")
  fi
  unset R P H
done

printf '%s\n' "${rows[@]}" >>"$out" || die "cannot append to $out"
echo
say "summary (medians over $reps rep(s), $(( $(date +%s) - t_start )) s):"
for s in "${summary[@]}"; do echo "  $s"; done
say "${#rows[@]} rows appended to $out"
