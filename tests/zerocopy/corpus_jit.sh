#!/usr/bin/env bash
# tests/zerocopy/corpus_jit.sh SO ROOT: the zero-copy corpus with OPcache and the tracing JIT.
set -uo pipefail
so=$1 root=$2
php=${PHP_BINARY:-$(command -v php)}
jit=(-d opcache.enable_cli=1 -d opcache.jit=tracing -d opcache.jit_buffer_size=64M
     -d opcache.protect_memory=1 -d opcache.jit_hot_loop=1 -d opcache.jit_hot_func=1
     -d opcache.jit_hot_return=1 -d opcache.jit_hot_side_exit=1)
load=()
if ! "$php" "${jit[@]}" -r 'exit(function_exists("opcache_get_status") ? 0 : 1);' 2>/dev/null; then
  load=(-d zend_extension=opcache)
fi
on=$("$php" "${load[@]}" "${jit[@]}" -r 'echo (opcache_get_status()["jit"]["on"] ?? false) ? "on" : "off";' 2>/dev/null)
[ "$on" = on ] || { echo "SKIP: OPcache's JIT is not available"; exit 77; }
fail=0
for t in "$root"/extension/tests/zc_*.phpt; do
  PHPT_ARGS="${load[*]} ${jit[*]}" "$root/scripts/run_phpt.sh" "$so" "$t" || fail=1
done
exit $fail
