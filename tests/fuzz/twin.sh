#!/usr/bin/env bash
# tests/fuzz/twin.sh SO: the fuzzer's negative twin. With FUZZ_BREAK=model the model expects
# inc/dec results off by one; the fuzzer must report exactly that finding (with its seed and the
# call's log) and exit 1. Passes only then.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(FUZZ_BREAK=model FUZZ_PROCS=1 FUZZ_CALLS=20000 FUZZ_SEED=${FUZZ_SEED:-7} bash "$root/scripts/fuzz.sh" "$1" 2>&1)
rc=$?
echo "$out" | head -8
[ "$rc" = 77 ] && exit 77
if [ "$rc" = 1 ] && grep -qE '^FUZZ FAIL FUZZ_SEED=[0-9]+ proc=0 call=[0-9]+: model: wincache_ucache_(inc|dec)\(' <<<"$out" \
   && grep -q '^replay: FUZZ_SEED=' <<<"$out"; then
  echo "twin: CAUGHT (the broken model was reported, with the seed and the call)"
  exit 0
fi
echo "twin: MISSED (exit $rc; expected exit 1 and a model finding on inc/dec)"
exit 1
