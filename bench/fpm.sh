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
#               row of its own, and rows of the page's own time per request beyond it (from req/s,
#               and from php-fpm's own CPU time: /proc/PID/schedstat of the master and workers)
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
# The servers, wrk (-t1 -c8, and why), the helpers and the exit trap are bench/fpm_lib.sh's,
# shared with bench/sessions.sh.
set -uo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
me=fpm.sh
# say die skip, start_fpm_nginx stop_servers, http_get run_wrk field, finish, median
# shellcheck source=fpm_lib.sh
. "$here/fpm_lib.sh"
usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

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
check_common_args

# --- prerequisites: skip (77) when something is not installed ---------------------------------
need_commands php-fpm8.2 nginx wrk curl
# (the module list is captured first: grep -q would stop reading early and, with pipefail, the
# SIGPIPE php-fpm then gets would look like a failure)
mods=$(php-fpm8.2 -n -d extension=apcu -d zend_extension=opcache -m 2>/dev/null)
grep -qx apcu <<<"$mods" || skip "apcu.so does not load into php-fpm8.2 (package php8.2-apcu?)"
grep -qx 'Zend OPcache' <<<"$mods" || skip "opcache does not load into php-fpm8.2"

# --- working directory: docroot readable by the pool's user, logs, configs --------------------
work=$(mktemp -d /tmp/wincache-fpmbench.XXXXXX) || die "mktemp failed"
fpm_workdir page.php
arm_traps

OURS_D=(-d "extension=$so" -d wincache.ucachesize=32)
APCU_D=(-d extension=apcu -d apc.shm_size=32M -d apc.enabled=1)

# start_servers VARIANT WORKERS TAG: fresh php-fpm + nginx; sets fpm_pid nginx_pid port phplog
start_servers() {
  local variant=$1 w=$2 tag=$3 vd
  if [ "$variant" = ours ]; then vd=("${OURS_D[@]}"); else vd=("${APCU_D[@]}"); fi
  start_fpm_nginx "$variant" "$w" "$tag" "${vd[@]}"
}

# one_run VARIANT WORKERS TAG QUERY: start, populate, warm up, measure, stop; sets rps p99 hit
one_run() {
  local variant=$1 w=$2 tag=$3 query=$4 b s0 s1 dh dm c0 c1
  start_servers "$variant" "$w" "$tag"
  b=$(http_get op=populate) || { failed=1; say "populate failed: $b"; exit 1; }
  [ "$(field backend "$b")" = "$([ "$variant" = ours ] && echo wincache || echo apcu)" ] &&
    [ "$(field entries "$b")" = 10000 ] || { failed=1; say "populate: unexpected answer: $b"; exit 1; }
  b=$(http_get "$query") || { failed=1; say "page.php?$query failed: $b"; exit 1; }
  [[ "$b" == ok* ]] || { failed=1; say "page.php?$query: unexpected body: $b"; exit 1; }
  run_wrk "$WARMUP" "$query"                       # warm-up: opcache, CPU caches; not measured
  s0=$(http_get op=stats) || { failed=1; say "stats failed: $s0"; exit 1; }
  c0=$(cpu_ns "$fpm_pid")
  run_wrk "$duration" "$query"
  c1=$(cpu_ns "$fpm_pid")
  s1=$(http_get op=stats) || { failed=1; say "stats failed: $s1"; exit 1; }
  stop_servers
  check_php_log
  rps=$(field rps "$rep_line"); p99=$(field p99_ms "$rep_line")
  # php-fpm's CPU time per request (master + workers, µs): what the page costs the machine,
  # whatever wrk and nginx did to the schedule meanwhile
  cpu_us=$(awk -v c="$((c1 - c0))" -v n="$(field requests "$rep_line")" 'BEGIN {printf "%.2f", (n > 0 ? c / n / 1000 : 0)}')
  dh=$(($(field hits "$s1") - $(field hits "$s0")))
  dm=$(($(field misses "$s1") - $(field misses "$s0")))
  if ((dh + dm > 0)); then hit=$(awk -v h="$dh" -v m="$dm" 'BEGIN {printf "%.2f", 100 * h / (h + m)}')
  else hit="-"; fi
}

say "module $so; pools: $workers_list workers; $reps rep(s) x ${duration} s; wrk -t$WRK_THREADS -c$WRK_CONNS; work dir $work"
t_start=$(date +%s)
rows=()
summary=()
for w in $workers_list; do
  declare -A R=() P=() H=() C=()
  for ((r = 1; r <= reps; r++)); do
    variants="ours apcu"
    ((ceiling)) && variants+=" empty"
    for variant in $variants; do
      if [ "$variant" = empty ]; then one_run ours "$w" "w${w}_r${r}_empty" op=empty
      else one_run "$variant" "$w" "w${w}_r${r}_$variant" ""; fi
      R[$variant]+="$rps "; P[$variant]+="$p99 "; H[$variant]+="$hit "; C[$variant]+="$cpu_us "
      printf 'fpm.sh: %-5s %d workers, rep %d/%d: %9.1f req/s  p99 %7.3f ms  php-fpm CPU %6.2f us/req  hit %s%%  (%s requests)\n' \
        "$(case $variant in ours) echo ours ;; apcu) echo APCu ;; *) echo empty ;; esac)" "$w" "$r" "$reps" "$rps" "$p99" "$cpu_us" "$hit" \
        "$(field requests "$rep_line")"
    done
  done
  ours_rps=$(med "${R[ours]}")
  apcu_rps=$(med "${R[apcu]}")
  ours_p99=$(med "${P[ours]}")
  apcu_p99=$(med "${P[apcu]}")
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
    empty_rps=$(med "${R[empty]}")
    rows+=("$(printf '{"part":"fpm","name":"php-fpm %d workers, empty page (no cache call): the ceiling","unit":"req/s","better":"higher","ours":%.1f,"peer":null,"peer_name":null,"target":null,"target_text":"","n":%d,"note":"%s"}' \
      "$w" "$empty_rps" "$reps" "page.php?op=empty with wincache.so loaded; wrk -t$WRK_THREADS -c$WRK_CONNS ${duration}s")")
    ours_us=$(awk -v p="$ours_rps" -v e="$empty_rps" 'BEGIN {printf "%.2f", 1e6 / p - 1e6 / e}')
    apcu_us=$(awk -v p="$apcu_rps" -v e="$empty_rps" 'BEGIN {printf "%.2f", 1e6 / p - 1e6 / e}')
    rows+=("$(printf '{"part":"fpm","name":"php-fpm %d workers, the page'"'"'s own time per request (beyond the empty page)","unit":"us","better":"lower","ours":%s,"peer":%s,"peer_name":"APCu","target":null,"target_text":"","n":%d,"note":"%s"}' \
      "$w" "$ours_us" "$apcu_us" "$reps" "1e6/req/s minus 1e6/req/s of the empty page, from the medians; the machine's time per request, both cores shared by wrk, nginx and fpm")")
    summary+=("$(printf '%d workers: empty page (ceiling) %.1f req/s; page time beyond it: ours %s us, APCu %s us' "$w" "$empty_rps" "$ours_us" "$apcu_us")")
    # The same quantity from php-fpm's own CPU time (master + workers, /proc/PID/schedstat):
    # independent of how wrk and nginx shared the two cores with fpm, which moves the row above
    # by a factor of several between runs on a loaded machine. Issue 16's target (the page's
    # own time >= 2x better than APCu's) is judged on this row.
    ours_cpu=$(awk -v p="$(med "${C[ours]}")" -v e="$(med "${C[empty]}")" 'BEGIN {printf "%.2f", p - e}')
    apcu_cpu=$(awk -v p="$(med "${C[apcu]}")" -v e="$(med "${C[empty]}")" 'BEGIN {printf "%.2f", p - e}')
    if [ "$w" = 4 ]; then target='{"ratio":2}'; ttext='>= 2x better than APCu'; else target=null; ttext=''; fi
    rows+=("$(printf '{"part":"fpm","name":"php-fpm %d workers, the page'"'"'s own CPU time per request in php-fpm (beyond the empty page)","unit":"us","better":"lower","ours":%s,"peer":%s,"peer_name":"APCu","target":%s,"target_text":"%s","n":%d,"note":"%s"}' \
      "$w" "$ours_cpu" "$apcu_cpu" "$target" "$ttext" "$reps" "php-fpm master + workers, schedstat run time per request minus the empty page's, from the medians (empty page $(med "${C[empty]}") us)")")
    summary+=("$(printf '%d workers: php-fpm CPU per request beyond the empty page: ours %s us, APCu %s us' "$w" "$ours_cpu" "$apcu_cpu")")
  fi
  unset R P H C
done

append_rows
