#!/usr/bin/env bash
# tests/sanitize/twin.sh TWIN CMD [ARG...]: a negative twin of the sanitizer stage. Runs CMD (the
# launcher scripts/sanitize.sh exec ... around an ordinary phpt) with WINCACHE_SANITIZE_TWIN=TWIN,
# which makes this build's wincache.so commit one seeded defect per request
# (extension/sanitize_twin.hpp). Passes only if CMD failed AND printed the report that names the
# defect and the twin's own frame; the same phpt passes without the twin (its own test).
set -uo pipefail
twin=$1
shift
case $twin in
  heap) want='ERROR: AddressSanitizer: heap-buffer-overflow' ;;
  ub) want='runtime error: signed integer overflow' ;;
  leak) want='ERROR: LeakSanitizer: detected memory leaks' ;;
  *) echo "twin.sh: unknown twin $twin" >&2; exit 2 ;;
esac
out=$(WINCACHE_SANITIZE_TWIN=$twin "$@" 2>&1)
rc=$?
echo "$out" | grep -E "ERROR: |runtime error|sanitize_twin|SUMMARY|sanitizer report" | head -20
if [ "$rc" = 0 ]; then echo "FAIL twin $twin: the stage passed a seeded defect"; exit 1; fi
if ! grep -qF "$want" <<<"$out"; then echo "FAIL twin $twin: no '$want' in the output"; exit 1; fi
if ! grep -q "sanitize_twin" <<<"$out"; then
  echo "FAIL twin $twin: the report does not name the seeded frame (sanitize_twin)"; exit 1
fi
echo "PASS twin $twin: caught (exit $rc, '$want')"
