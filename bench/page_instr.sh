#!/usr/bin/env bash
# bench/page_instr.sh [--time] [WINCACHE_SO]: instructions per request of the fpm part's page
# (bench/php/page.php), ours vs APCu, under callgrind: php-cgi -T N with OPcache runs the page N
# times in one process after one request that populates the cache; 400 minus 100 requests cancels
# the start-up and the populating request. The empty page is the same wrapper without the page.
# Prints, per backend, the page, the empty page and the page's own instructions
# (docs/benchmarks.md "fpm"); also for "none", the page around no cache at all (page.php's
# $wc_floor: the work any cache's page pays), and the ratios: ours against APCu, and the best a
# cache that cost nothing could reach against APCu.
# --time: the same in user CPU time instead of instructions, no valgrind: 42,000 minus 2,000
# requests, the three backends interleaved, 5 reps, medians, in ns per request. One
# process, no php-fpm, so no other worker shares the cache's lines; noisy on a loaded machine.
# Not part of scripts/bench.sh (callgrind takes about a minute per backend); the instruction
# counts do not depend on the machine's load (they move by about 1% between runs: the page's keys
# are random), so they can be taken on a loaded machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=instr
if [ "${1:-}" = --time ]; then mode=time; shift; fi
so=${1:-$root/build-bench/extension/wincache.so}
if [ $mode = instr ]; then
  command -v valgrind >/dev/null || { echo "page_instr.sh: valgrind is not installed"; exit 77; }
fi
work=$(mktemp -d /tmp/page_instr.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat >"$work/w.php" <<PHP
<?php
\$wc = function_exists('wincache_ucache_get');
\$floor = getenv('FLOOR');  // before the empty page's return: paid by both, so it cancels out
if (!\$floor && !(\$wc ? wincache_ucache_get('populated') : apcu_fetch('populated'))) {
  for (\$i = 0; \$i < 10000; \$i++) {   // the shapes of page.php's bench_value()
    \$v = \$i % 3 == 0 ? \$i * 1000003 : (\$i % 3 == 1 ? str_pad("value of k\$i, version 0: ", 200, 'x') :
      ['id' => \$i, 'name' => "user \$i", 'email' => "user\$i@example.com", 'created' => 1700000000 + \$i,
       'updated' => 1700000000 + \$i, 'flags' => \$i & 0xff, 'score' => \$i * 0.25, 'active' => (\$i & 1) === 0,
       'country' => 'DE', 'version' => 0]);
    \$wc ? wincache_ucache_set("k\$i", \$v) : apcu_store("k\$i", \$v);
  }
  \$wc ? wincache_ucache_set('populated', 1) : apcu_store('populated', 1);
}
if (getenv('EMPTY')) { echo "ok\n"; return; }
if (\$floor) { \$wc_floor = true; }
include '$root/bench/php/page.php';
PHP
count() {  # count N ARGS...: instructions of php-cgi -T N
  local n=$1; shift
  valgrind --tool=callgrind --callgrind-out-file=/dev/null php-cgi8.2 -n -d zend_extension=opcache \
    -d opcache.enable=1 "$@" -T "$n" "$work/w.php" 2>&1 >/dev/null |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
cpu_us() {  # cpu_us N ARGS...: user microseconds of php-cgi -T N (a get or set makes no system
  # call; the system time is the process's start and exit, mostly, and only adds noise)
  local n=$1 t; shift
  t=$( { TIMEFORMAT='%3U %3S'; time php-cgi8.2 -n -d zend_extension=opcache -d opcache.enable=1 \
    "$@" -T "$n" "$work/w.php" >/dev/null 2>&1; } 2>&1)
  awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%d", a[1] * 1e6 }'
}
args() {  # the php-cgi arguments of backend $1, and FLOOR for "none"
  case $1 in
    ours) a=(-d "extension=$so" -d wincache.ucachesize=32) ;;  # as bench/fpm.sh
    apcu) a=(-d extension=apcu -d apc.shm_size=32M) ;;
    none) a=() ;;  # no cache: page.php's loops alone ($wc_floor)
  esac
  if [ "$1" = none ]; then export FLOOR=1; else unset FLOOR; fi
}
median() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
declare -A own
if [ $mode = instr ]; then
  for b in ours apcu none; do
    args $b
    p1=$(count 100 "${a[@]}"); p4=$(count 400 "${a[@]}")
    e1=$(EMPTY=1 count 100 "${a[@]}"); e4=$(EMPTY=1 count 400 "${a[@]}")
    printf '%-5s page %d  empty page %d  the page'"'"'s own %d instructions per request\n' \
      "$b" $(((p4 - p1) / 300)) $(((e4 - e1) / 300)) $(((p4 - p1 - e4 + e1) / 300))
    own[$b]=$(((p4 - p1 - e4 + e1) / 300))
  done
  unit=instructions
else
  declare -A pages empties owns
  for rep in 1 2 3 4 5; do
    for b in ours apcu none; do
      args $b
      p1=$(cpu_us 2000 "${a[@]}"); p4=$(cpu_us 42000 "${a[@]}")
      e1=$(EMPTY=1 cpu_us 2000 "${a[@]}"); e4=$(EMPTY=1 cpu_us 42000 "${a[@]}")
      pages[$b]+=" $(((p4 - p1) * 1000 / 40000))"
      empties[$b]+=" $(((e4 - e1) * 1000 / 40000))"
      owns[$b]+=" $(((p4 - p1 - e4 + e1) * 1000 / 40000))"
    done
  done
  for b in ours apcu none; do
    own[$b]=$(echo "${owns[$b]}" | median)
    printf '%-5s page %d  empty page %d  the page'"'"'s own %d ns of user CPU per request (medians of 5; own:%s)\n' \
      "$b" "$(echo "${pages[$b]}" | median)" "$(echo "${empties[$b]}" | median)" "${own[$b]}" "${owns[$b]}"
  done
  unit="ns of user CPU"
fi
# The floor: what any cache's page costs beyond its cache calls. APCu's page's own over it is the
# best ratio a cache that cost nothing could reach against APCu.
awk -v o="${own[ours]}" -v a="${own[apcu]}" -v n="${own[none]}" -v u="$unit" 'BEGIN {
  printf "the cache calls: ours %d, APCu %d %s per request (the page'"'"'s own less none'"'"'s)\n", o - n, a - n, u
  printf "ours against APCu: %.2fx; a cache that cost nothing: at most %.2fx\n", a / o, a / n }'
