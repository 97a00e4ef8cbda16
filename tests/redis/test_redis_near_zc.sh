#!/usr/bin/env bash
# redis_near_zc: the zero-copy scenario corpus (extension/tests/zc_corpus_*.phpt: foreach by value
# and reference, sorts, array_* functions, serialize/json, ... on handed-out values, with the
# read-only test mode wincache.protect_memory=1, so any engine write into a handed-out value is a
# SIGSEGV) run with the near cache on (wincache.redis ucache=near, a real redis-server on a unix
# socket): every get then goes through the near cache, whose host copies of arrays are zero-copy
# images with the stamp in front (docs/redis.md "Zero-copy host copies").
# Each phpt (a copy whose script first includes wait.php; run-tests.php empties auto_prepend_file)
# waits until its near cache is trusted, so that its gets are local hits handed out zero-copy
# (the corpus' last line, zc_really(), requires hand-outs).
# Afterwards: the application's keys are in Redis (the near cache, not the plain user cache, ran).
# usage: test_redis_near_zc.sh /path/to/wincache.so
set -uo pipefail
so=${1:?usage: $0 wincache.so}
[ "$so" = stub ] && { echo "SKIP: needs the real extension"; exit 77; }
root=$(cd "$(dirname "$0")/../.." && pwd)
php=${PHP_BINARY:-$(command -v php8.2 || command -v php)}
command -v redis-server >/dev/null || { echo "SKIP: redis-server is not installed"; exit 77; }
avail=$("$php" -d "extension=$so" -d wincache.enablecli=1 -r 'echo json_encode(wincache_extra_info()["redis"]["available"] ?? false);')
[ "$avail" = true ] || { echo "SKIP: this wincache.so was built without hiredis"; exit 77; }
# shellcheck source=unix_redis.sh
. "$(dirname "$0")/unix_redis.sh"
unix_redis_start redis_near_zc || { echo "FAIL: redis-server did not answer"; exit 1; }
work=$WORK
app=zcn$$
mkdir "$work/ini"
cat >"$work/wait.php" <<'EOF'
<?php
// Before the test: this process's near cache trusted (its listener started by the first call).
if (function_exists('wincache_ucache_get') && ini_get('wincache.enablecli')) {
  $__until = microtime(true) + 20;
  wincache_ucache_get('__warm');
  while (!(wincache_extra_info()['redis']['near']['trusted'] ?? false) && microtime(true) < $__until) usleep(20000);
  if (!(wincache_extra_info()['redis']['near']['trusted'] ?? false)) echo "near cache not trusted\n";
  unset($__until);
}
EOF
printf 'wincache.redis="unix:%s?prefix=%s&ucache=near"\n' "$work/redis.sock" "$app" >"$work/ini/near.ini"
mkdir "$work/t"
cp "$root"/extension/tests/*.inc "$work/t/"
fails=0
for src in "$root"/extension/tests/zc_corpus_*.phpt; do
  name=$(basename "$src" .phpt)
  t=$work/t/$name.phpt
  awk -v w="$work/wait.php" '{ print } /^--FILE--$/ { f = 1; next } f == 1 && /^<\?php/ { print "include \"" w "\";"; f = 2 }' \
    "$src" >"$t"
  grep -q "wait.php" "$t" || { echo "FAIL: $name: could not add the wait"; fails=$((fails + 1)); continue; }
  # ":dir": PHP's own scan directory, then ours
  if PHP_INI_SCAN_DIR=":$work/ini" PHP_BINARY="$php" PHPT_ARGS="-d wincache.namesalt=${app}$RANDOM" \
       "$root/scripts/run_phpt.sh" "$so" "$t"; then
    echo "PASS: $name under the near cache (read-only segment)"
  else
    echo; echo "FAIL: $name under the near cache"; fails=$((fails + 1))
  fi
done
keys=$(redis-cli -s "$work/redis.sock" --scan --pattern "$app:u:*" | wc -l)
if [ "$keys" -ge 3 ]; then
  echo "PASS: the corpus ran on the near cache ($keys keys of $app in Redis)"
else
  echo "FAIL: the corpus did not run on the near cache ($keys keys of $app in Redis)"; fails=$((fails + 1))
fi
exit $((fails > 0))
