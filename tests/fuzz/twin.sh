#!/usr/bin/env bash
# tests/fuzz/twin.sh SO MODE: the fuzzer's negative twins. Each breaks one thing on purpose
# (FUZZ_BREAK=MODE) and passes only if scripts/fuzz.sh exits 1 with the matching report:
#   model  the model expects inc/dec results off by one: a model finding on inc/dec
#   hang   each worker sleeps forever halfway: HANG, the hung call named from the on-disk log
#   crash  each worker segfaults halfway (PHP's own serialize() of a 1,000,000-deep array):
#          exit status 139, the crashing call named
#   leak   the keeper stores an entry after its clear: a leak of used bytes
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
so=$1
mode=$2
case $mode in
  model) want='^FUZZ FAIL FUZZ_SEED=[0-9]+ proc=0 call=[0-9]+: model: wincache_ucache_(inc|dec)\(' ;;
  hang)  want='^  #[0-9]+ FUZZ_BREAK=hang: sleeping forever$' ;;
  crash) want='^  #[0-9]+ FUZZ_BREAK=crash: ' ;;
  leak)  want='^FUZZ FAIL FUZZ_SEED=[0-9]+ keeper: leak: used bytes [0-9]+ before the load, [0-9]+ after clear' ;;
  *) echo "twin: unknown mode $mode"; exit 2 ;;
esac
out=$(FUZZ_BREAK=$mode FUZZ_PROCS=1 FUZZ_CALLS=4000 FUZZ_TIMEOUT=8 FUZZ_SEED=${FUZZ_SEED:-7} \
      bash "$root/scripts/fuzz.sh" "$so" 2>&1)
rc=$?
echo "$out" | cut -c1-200 | grep -E 'FUZZ FAIL|FUZZ_BREAK|^replay|keeper' | head -8
[ "$rc" = 77 ] && exit 77
if [ "$rc" = 1 ] && grep -qE "$want" <<<"$out" && grep -qE 'FUZZ_SEED=[0-9]+' <<<"$out"; then
  echo "twin $mode: CAUGHT"
  exit 0
fi
echo "twin $mode: MISSED (exit $rc)"
exit 1
