#!/usr/bin/env bash
# bench/page_instr.sh [WINCACHE_SO]: instructions per request of the fpm part's page (bench/php/
# page.php), ours vs APCu, under callgrind: php-cgi -T N with OPcache runs the page N times in one
# process after one request that populates the cache; 400 minus 100 requests cancels the start-up
# and the populating request. The empty page is the same wrapper without the page. Prints, per
# backend, the page, the empty page and the page's own instructions (docs/benchmarks.md "fpm").
# Not part of scripts/bench.sh (callgrind takes about a minute per backend); deterministic, so
# it can be run on a loaded machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
so=${1:-$root/build-bench/extension/wincache.so}
command -v valgrind >/dev/null || { echo "page_instr.sh: valgrind is not installed"; exit 77; }
work=$(mktemp -d /tmp/page_instr.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat >"$work/w.php" <<PHP
<?php
\$wc = function_exists('wincache_ucache_get');
if (!(\$wc ? wincache_ucache_get('populated') : apcu_fetch('populated'))) {
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
include '$root/bench/php/page.php';
PHP
count() {  # count N ARGS...: instructions of php-cgi -T N
  local n=$1; shift
  valgrind --tool=callgrind --callgrind-out-file=/dev/null php-cgi8.2 -n -d zend_extension=opcache \
    -d opcache.enable=1 "$@" -T "$n" "$work/w.php" 2>&1 >/dev/null |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
for b in ours apcu; do
  if [ $b = ours ]; then a=(-d "extension=$so"); else a=(-d extension=apcu -d apc.shm_size=32M); fi
  p1=$(count 100 "${a[@]}"); p4=$(count 400 "${a[@]}")
  e1=$(EMPTY=1 count 100 "${a[@]}"); e4=$(EMPTY=1 count 400 "${a[@]}")
  printf '%-5s page %d  empty page %d  the page'"'"'s own %d instructions per request\n' \
    "$b" $(((p4 - p1) / 300)) $(((e4 - e1) / 300)) $(((p4 - p1 - e4 + e1) / 300))
done
