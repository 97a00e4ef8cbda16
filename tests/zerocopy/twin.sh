#!/usr/bin/env bash
# tests/zerocopy/twin.sh SO TWIN_SO ROOT: the read-only mode can fail. TWIN_SO (built with
# WINCACHE_ZC_TWINS) hands arrays out with ZVAL_ARR's refcounted type info when
# WINCACHE_ZC_TWIN=refcounted: the engine then writes refcounts into the segment, which
# wincache.protect_memory=1 maps read-only, so every corpus file must die of SIGSEGV; the shipped
# module passes the same files. Without the read-only mode the twin's writes go unnoticed (shown).
set -uo pipefail
so=$1 twin=$2 root=$3
php=${PHP_BINARY:-$(command -v php)}
fail=0
for t in "$root"/extension/tests/zc_corpus_*.phpt; do
  n=$(basename "$t" .phpt)
  if ! "$root/scripts/run_phpt.sh" "$so" "$t" >/dev/null; then echo "FAIL $n: the shipped module failed"; fail=1; fi
  out=$(WINCACHE_ZC_TWIN=refcounted "$root/scripts/run_phpt.sh" "$twin" "$t" 2>&1)
  if grep -q "Termsig=11" <<<"$out"; then echo "PASS $n: the refcounted twin crashed (SIGSEGV)"
  else echo "FAIL $n: the refcounted twin was not caught"; echo "$out" | head -20; fail=1; fi
done
code='wincache_ucache_set("k", [1, 2, 3]); $a = wincache_ucache_get("k"); $b = $a; unset($a); echo "survived";'
out=$(WINCACHE_ZC_TWIN=refcounted "$php" -n -d extension="$twin" -d wincache.enablecli=1 \
      -d wincache.ucache_zero_copy=1 -d wincache.protect_memory=0 -r "$code" 2>&1)
echo "without the read-only mode the twin's writes go unnoticed: $out"
exit $fail
