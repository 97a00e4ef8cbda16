#!/usr/bin/env bash
# tests/arginfo_current.sh: the committed extension/wincache_arginfo.h is what PHP's own
# build/gen_stub.php makes of extension/wincache.stub.php today (ctest label: phpt). Fails when
# the stub was edited and the header not regenerated (scripts/gen_arginfo.sh), or the other way.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$root/scripts/gen_arginfo.sh" "$out" >/dev/null
rc=$?
[ "$rc" = 77 ] && { echo "SKIP: gen_stub.php or PHP-Parser missing"; exit 77; }
[ "$rc" = 0 ] || { echo "FAIL: gen_arginfo.sh exited $rc"; exit 1; }
if diff -u "$root/extension/wincache_arginfo.h" "$out/wincache_arginfo.h"; then
  echo "PASS: extension/wincache_arginfo.h is current with wincache.stub.php"
else
  echo "FAIL: extension/wincache_arginfo.h is not what gen_stub.php makes of wincache.stub.php" \
       "(run scripts/gen_arginfo.sh and commit it)"
  exit 1
fi
