#!/usr/bin/env bash
# scripts/fuzz.sh: the PHP API fuzzer (issue 17, part 3; docs/fuzz.md).
#
#   scripts/fuzz.sh [wincache.so]           the CI chunk (the ctest `fuzz`, stage fuzz of scripts/test.sh)
#   FUZZ_SEED=N scripts/fuzz.sh             replay a run (a single process replays call for call;
#                                           several processes interleave differently each time)
#   FUZZ_CALLS=N                            calls per process (default 250000: ~60-90 s on 2 cores)
#   FUZZ_PROCS=N                            processes at once, one group (default 3)
#   FUZZ_ROUNDS=N                           rounds, each with seed FUZZ_SEED+round (default 1)
#   FUZZ_TIMEOUT=S                          a process over S seconds is a hang (default: 120 + calls/500)
#   FUZZ_BREAK=model                        the model expects inc/dec results off by one: the run
#                                           must fail (the fuzzer's negative twin)
#   FUZZ_BREAK=hang FUZZ_TIMEOUT=10         each worker stops halfway: reported as a HANG with
#                                           its last calls
#   FUZZ_BREAK=crash                        each worker segfaults halfway (PHP's own serialize() of
#                                           a 1,000,000-deep array): reported as a crash
#   FUZZ_BREAK=leak                         the keeper stores 100 bytes after its clear: reported
#                                           as a leak
#   FUZZ_UCACHESIZE=MB                      wincache.ucachesize (default 64; 5 puts the cache
#                                           under pressure: the model resyncs after evictions)
#   FUZZ_VALGRIND=1                         workers under valgrind memcheck (USE_ZEND_ALLOC=0,
#                                           pcre.jit=0): a memory error is exit status 99
#   FUZZ_VERBOSE=1                          print the messages each process collected
#
# Each round: a keeper process joins the group (wincache.apppoolid and namesalt of this run) and
# records the user cache's used bytes, FUZZ_PROCS php-cli workers (tests/fuzz/fuzz.php, the
# shared cache enabled in the CLI: wincache.enablecli=1) make FUZZ_CALLS random calls each, then
# the keeper clears the cache and checks the used bytes and that no named lock is held. A worker
# that crashes (a signal), hangs (over FUZZ_TIMEOUT, killed) or reports a finding fails the run;
# its last logged calls are printed with the seed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
SO=${1:-${FUZZ_SO:-$root/build/extension/wincache.so}}
FUZZ_SEED=${FUZZ_SEED:-$(((RANDOM << 15) | RANDOM))}
FUZZ_CALLS=${FUZZ_CALLS:-250000}
FUZZ_PROCS=${FUZZ_PROCS:-3}
FUZZ_ROUNDS=${FUZZ_ROUNDS:-1}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-$((120 + FUZZ_CALLS / 500))}
export FUZZ_BREAK=${FUZZ_BREAK:-} FUZZ_VERBOSE=${FUZZ_VERBOSE:-}
PHP=${PHP:-php}
[ -f "$SO" ] || { echo "fuzz: no module at $SO (build wincache_ext first)" >&2; exit 1; }
command -v "$PHP" >/dev/null || { echo "SKIP: no php"; exit 77; }
TMP=$(mktemp -d /tmp/wincache-fuzz.XXXXXX)
keep_tmp=0
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  [ "$keep_tmp" = 1 ] || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "fuzz: FUZZ_SEED=$FUZZ_SEED FUZZ_CALLS=$FUZZ_CALLS FUZZ_PROCS=$FUZZ_PROCS FUZZ_ROUNDS=$FUZZ_ROUNDS${FUZZ_BREAK:+ FUZZ_BREAK=$FUZZ_BREAK}"
t_start=$SECONDS
total=0
fail=0
for ((round = 0; round < FUZZ_ROUNDS; round++)); do
  seed=$((FUZZ_SEED + round))
  dir=$TMP/r$round
  mkdir -p "$dir/sess"
  # One group for the round: the workers are not children of one parent (timeout(1) is), so
  # the group is named by wincache.apppoolid; the namesalt keeps it apart from other tests.
  ini=(-n -d "extension=$SO" -d wincache.enablecli=1 -d "wincache.apppoolid=fuzz$$r$round"
       -d "wincache.namesalt=fz$((seed % 100000))" -d wincache.ucachesize=${FUZZ_UCACHESIZE:-64} -d wincache.locktimeout=1
       -d wincache.reroute_enabled=1 -d session.save_handler=wincache -d "session.save_path=$dir/sess"
       -d wincache.sessionlockwait=1 -d memory_limit=512M -d error_reporting=-1 -d display_errors=stderr
       -d log_errors=0)
  wrap=()
  if [ "${FUZZ_VALGRIND:-0}" = 1 ]; then
    wrap=(env USE_ZEND_ALLOC=0 valgrind -q --error-exitcode=99 --num-callers=30)
    ini+=(-d pcre.jit=0)
  fi
  FUZZ_SEED=$seed FUZZ_DIR=$dir timeout -s KILL $((FUZZ_TIMEOUT + 60)) \
    "$PHP" "${ini[@]}" "$root/tests/fuzz/fuzz.php" keeper >"$dir/keeper.out" 2>"$dir/keeper.err" &
  keeper=$!
  pids=("$keeper")
  for ((i = 0; i < 200; i++)); do [ -f "$dir/keeper.ready" ] && break; sleep 0.05; done
  [ -f "$dir/keeper.ready" ] || { echo "FUZZ FAIL FUZZ_SEED=$seed: the keeper did not start"; cat "$dir/keeper.err"; fail=1; break; }
  workers=()
  for ((p = 0; p < FUZZ_PROCS; p++)); do
    FUZZ_SEED=$seed FUZZ_CALLS=$FUZZ_CALLS FUZZ_PROC=$p FUZZ_PROCS=$FUZZ_PROCS FUZZ_DIR=$dir \
      timeout -s KILL "$FUZZ_TIMEOUT" "${wrap[@]}" "$PHP" "${ini[@]}" "$root/tests/fuzz/fuzz.php" worker \
      >"$dir/out.$p" 2>"$dir/err.$p" &
    workers+=($!)
    pids+=($!)
  done
  for ((p = 0; p < FUZZ_PROCS; p++)); do
    wait "${workers[$p]}"
    rc=$?
    cat "$dir/out.$p"
    # stderr: the findings, and the warnings of locks left held at the end (released, logged)
    grep -v "^PHP Warning:  wincache_lock: the lock '.*' was not released by the script; released at request end\$" "$dir/err.$p" \
      | grep -v '^$' >"$dir/err.$p.rest"
    if [ "$rc" != 0 ] || [ -s "$dir/err.$p.rest" ]; then
      fail=1
      case $rc in
        137) echo "FUZZ FAIL FUZZ_SEED=$seed proc=$p: HANG (killed after ${FUZZ_TIMEOUT} s); its last calls:" ;;
        99) echo "FUZZ FAIL FUZZ_SEED=$seed proc=$p: valgrind found memory errors (above); its last calls:" ;;
        1) ;;
        *) echo "FUZZ FAIL FUZZ_SEED=$seed proc=$p: exit status $rc (a crash: $((rc > 128 ? rc - 128 : 0)) is the signal); its last calls:" ;;
      esac
      cat "$dir/err.$p.rest"
      if [ "$rc" != 1 ]; then
        # the log's two halves, older first: the last line is the call that crashed or hung
        for f in $(ls -tr "$dir/calls.$p".* 2>/dev/null); do cat "$f"; done | tail -n 25 | cut -c1-300 | sed 's/^/  /'
        echo "replay: FUZZ_SEED=$seed FUZZ_PROCS=1 FUZZ_CALLS=$FUZZ_CALLS scripts/fuzz.sh   (this process's calls: FUZZ_PROC=$p)"
      fi
    fi
  done
  touch "$dir/done"
  wait "$keeper"
  rc=$?
  cat "$dir/keeper.out" "$dir/keeper.err"
  [ "$rc" = 0 ] || { fail=1; echo "FUZZ FAIL FUZZ_SEED=$seed: keeper exit status $rc"; }
  total=$((total + FUZZ_CALLS * FUZZ_PROCS))
  pids=()
  [ "$fail" = 0 ] || break
done
echo "fuzz: $total calls in $((SECONDS - t_start)) s, FUZZ_SEED=$FUZZ_SEED, $([ $fail = 0 ] && echo 'no findings' || echo 'FINDINGS (above)')"
if [ "$fail" != 0 ]; then keep_tmp=1; echo "fuzz: logs kept in $TMP"; exit 1; fi
exit 0
