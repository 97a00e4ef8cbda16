#!/usr/bin/env bash
# scripts/test.sh: every test stage of wincache, on a fresh Debian 12 machine or an existing one.
#
#   scripts/test.sh              install missing Debian packages (as root), configure, build, run
#   MODEL_BOUND=2 scripts/test.sh   a quicker model search (CI: context bound 3; the heavy
#                                   allocator and registry suites: MODEL_BOUND_HEAVY, default 2)
#   MODEL_ARGS="--random;--iterations=2000000" scripts/test.sh   a long random model search
#   RC_PARAMS_CI="max_success=5000" scripts/test.sh              more property cases
#
# Stages (ctest labels): model (Relacy), prop (RapidCheck), unit (gtest), posix (real processes),
# phpt (the extension under run-tests.php), multiprocess (real php-cgi / php-fpm / built-in server),
# redis (wincache.redis: sessions on a real redis-server shared by php-fpm masters that play
# separate hosts; fencing, killed holders, Redis stopped and killed, strict mode, lazy_write),
# soak (scripts/soak.sh: 60 s of mixed load under kill -9, SIGSTOP and pool restarts; SOAK_SECONDS
# in the environment for a longer run, SOAK_SEED to replay one),
# fuzz (scripts/fuzz.sh: random calls of every wincache_* function, sessions and the rerouted
# file functions, against a model; FUZZ_SEED to replay, FUZZ_CALLS/FUZZ_PROCS for a longer run),
# bench (scripts/bench.sh --quick end to end, vs APCu, Boost, pthread: checks the results files),
# browser (web/wincache.php in Debian's headless chromium against scripts/serve.sh: numbers,
# escaping, actions, access, 100,000 entries paged; screenshots in $build/tests/browser/screenshots),
# asan (scripts/sanitize.sh: the unit, posix and phpt labels and nine multiprocess tests again in $build/asan, built with
# AddressSanitizer and UndefinedBehaviorSanitizer, Debian's php with the ASan runtime preloaded and
# USE_ZEND_ALLOC=0; any sanitizer report fails it; SANITIZE_TESTS=0 skips it),
# win32glue (extension/ and core/ compiled for x86_64 Windows with mingw-w64 against PHP 8.2's own
# Windows headers, php_wincache.dll linked against an import library of the php8.dll symbols it
# uses, in $build/win32glue, see scripts/win32_glue.sh), win32 (the Win32 backends cross-compiled
# with mingw-w64 and run under Wine, in the separate build $build/win32, see
# scripts/win32_tests.sh). WIN32_TESTS=0 skips both. Each stage prints its own summary line; the
# script exits non-zero if any stage fails.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
jobs=${JOBS:-$(nproc)}
model_args=${MODEL_ARGS:---bound=${MODEL_BOUND:-3}}
model_args_heavy=${MODEL_ARGS:---bound=${MODEL_BOUND_HEAVY:-2}}  # allocator, registry suites
rc_params=${RC_PARAMS_CI:-max_success=1000}

packages=(build-essential cmake ninja-build pkg-config googletest libgtest-dev libgmock-dev
          libbenchmark-dev relacy-dev librapidcheck-dev libboost-dev
          php8.2-dev php-parser php8.2-cli php8.2-cgi php8.2-fpm php8.2-apcu nginx libfcgi-bin curl wrk
          libhiredis-dev redis-server php8.2-redis
          chromium python3)
win32_tests=${WIN32_TESTS:-1}
if [ "$win32_tests" != 0 ]; then packages+=(g++-mingw-w64-x86-64 wine64 wine dpkg-dev); fi

# shellcheck source=packages.sh
. "$root/scripts/packages.sh"
ensure_packages test.sh "${packages[@]}"

echo "== configure ($build)"
cmake -S "$root" -B "$build" -G Ninja -DWINCACHE_MODEL_ARGS="$model_args" \
  -DWINCACHE_MODEL_ARGS_HEAVY="$model_args_heavy" \
  -DWINCACHE_RC_PARAMS="$rc_params" >/dev/null || { echo "configure failed" >&2; exit 1; }
echo "== build"
t_build=$SECONDS
ninja -C "$build" || { echo "build failed" >&2; exit 1; }
t_build=$((SECONDS - t_build))

total_pass=0
total_fail=0
summaries=()
stage() {  # stage LABEL DESCRIPTION [BUILD_DIR]
  local label=$1 what=$2 dir=${3:-$build} log="$build/Testing/Temporary/LastTest.log"
  echo
  echo "== stage $label: $what"
  local out rc t0=$SECONDS
  out=$(ctest --test-dir "$dir" -L "^$label\$" --no-tests=error -j"$jobs" --output-on-failure 2>&1)
  rc=$?
  echo "$out" | grep -vE "^(Internal ctest|Test project|Constructing|Checking|Updating| *Start +[0-9]+:|.*Test +#[0-9]+: .* Passed)" | sed "/^$/N;/^\n$/D"
  local n_ok n_bad
  n_ok=$(echo "$out" | sed -nE 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2 \1/p' | awk '{print $1-$2}')
  n_bad=$(echo "$out" | sed -nE 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/p')
  n_ok=${n_ok:-0}
  n_bad=${n_bad:-0}
  if [ "$rc" != 0 ] && [ "$n_bad" = 0 ]; then n_bad=1; fi  # no test ran, or ctest failed
  local extra=""
  if [ "$label" = model ] && [ -f "$log" ]; then
    local holds caught missed
    holds=$(grep -cE "^HOLDS " "$log")
    caught=$(grep -cE "^CAUGHT " "$log")
    missed=$(grep -cE "^(MISSED|WRONG|FAILED) " "$log")
    grep -E "^(HOLDS|CAUGHT|MISSED|WRONG|FAILED) " "$log"
    extra=" ($holds suites hold, $caught twins caught, $missed problems; search: $model_args, heavy suites $model_args_heavy)"
  fi
  if [ "$label" = prop ]; then
    local twins
    twins=$(echo "$out" | grep -cE "Twin\..* Passed")
    extra=" ($twins twins refuted as expected; RC_PARAMS=$rc_params)"
  fi
  if [ -n "$extra" ]; then extra="${extra%)}; $((SECONDS - t0)) s)"; else extra=" ($((SECONDS - t0)) s)"; fi
  summaries+=("stage $label: $n_ok passed, $n_bad failed$extra")
  total_pass=$((total_pass + n_ok))
  total_fail=$((total_fail + n_bad))
}

stage model "Relacy model checking, suites and their negative twins"
stage prop "RapidCheck state machines and their negative twins"
stage unit "gtest with real threads"
stage posix "real processes: PrimPosix, PosixOs, kill -9 recovery"
stage phpt "the PHP extension: run-tests.php phpt files, library replays, the phpize build"
stage multiprocess "php-cgi, php-fpm, the built-in server: one cache across workers, kill -9"
stage soak "the kill-everything soak, ${SOAK_SECONDS:-60} s (scripts/soak.sh: load, kill -9, SIGSTOP, pool restarts)"
stage redis "sessions on Redis: a real redis-server, php-fpm masters as separate hosts (tests/redis)"
stage fuzz "the PHP API fuzzer, ${FUZZ_PROCS:-3} processes x ${FUZZ_CALLS:-250000} calls (scripts/fuzz.sh: model, no crash/hang/leak, documented messages only)"
stage bench "the benchmark command end to end (scripts/bench.sh --quick; no timing asserted)"
stage browser "web/wincache.php in headless chromium against scripts/serve.sh (screenshots: $build/tests/browser/screenshots)"

# asan: its own build ($build/asan) with AddressSanitizer and UndefinedBehaviorSanitizer, the labels
# unit, posix, phpt and nine multiprocess tests (scripts/sanitize.sh prints the tests' lines and "asan: N passed, M failed").
asan_stage() {
  local t0=$SECONDS out rc n_ok n_bad
  echo
  echo "== stage asan: unit, posix, phpt and nine multiprocess tests built with -fsanitize=address,undefined, php under the ASan runtime (scripts/sanitize.sh)"
  out=$(BUILD_DIR="$build" JOBS="$jobs" "$root/scripts/sanitize.sh" 2>&1)
  rc=$?
  echo "$out" | grep -v "^asan: "
  n_ok=$(echo "$out" | sed -nE 's/^asan: ([0-9]+) passed, ([0-9]+) failed.*/\1/p' | tail -1)
  n_bad=$(echo "$out" | sed -nE 's/^asan: ([0-9]+) passed, ([0-9]+) failed.*/\2/p' | tail -1)
  n_ok=${n_ok:-0}
  n_bad=${n_bad:-0}
  if [ "$rc" != 0 ] && [ "$n_bad" = 0 ]; then n_bad=1; fi
  local detail
  detail=$(echo "$out" | sed -nE 's/^asan: [0-9]+ passed, [0-9]+ failed \((.*)\)$/\1/p' | tail -1)
  summaries+=("stage asan: $n_ok passed, $n_bad failed (${detail:+$detail, }stage $((SECONDS - t0)) s)")
  total_pass=$((total_pass + n_ok))
  total_fail=$((total_fail + n_bad))
}
if [ "${SANITIZE_TESTS:-1}" != 0 ]; then
  asan_stage
else
  echo
  echo "== stage asan: SKIP (SANITIZE_TESTS=0)"
  summaries+=("stage asan: skipped (SANITIZE_TESTS=0)")
fi

# win32: its own cross-compiled build; Wine is started before ctest and stopped after it.
win32_stage() {
  local wbuild="$build/win32" what="real processes under Wine: PrimWin32, Win32Os, TerminateProcess recovery"
  local t0=$SECONDS
  if ! "$root/scripts/win32_tests.sh" build "$wbuild"; then
    echo; echo "== stage win32: $what"
    summaries+=("stage win32: 0 passed, 1 failed (mingw build failed)")
    total_fail=$((total_fail + 1))
    return
  fi
  if ! "$root/scripts/win32_tests.sh" wine-start "$wbuild"; then
    "$root/scripts/win32_tests.sh" wine-stop "$wbuild"
    echo; echo "== stage win32: $what"
    summaries+=("stage win32: 0 passed, 1 failed (wine did not start)")
    total_fail=$((total_fail + 1))
    return
  fi
  local n_before=${#summaries[@]}
  WINEPREFIX="$wbuild/wineprefix" WINEDEBUG=-all,err+module WINEDLLOVERRIDES="mscoree,mshtml=" \
    stage win32 "$what" "$wbuild"
  "$root/scripts/win32_tests.sh" wine-stop "$wbuild"
  if ((${#summaries[@]} > n_before)); then
    summaries[-1]="${summaries[-1]%)}; build + wine + tests: $((SECONDS - t0)) s)"
  fi
}
# win32glue: scripts/win32_glue.sh prints a PASS or FAIL line per check (each source compiled,
# config.w32's source list, the .def and import library, the link, the DLL's tables).
win32glue_stage() {
  local t0=$SECONDS out rc n_ok n_bad
  echo
  echo "== stage win32glue: the glue compiled for x86_64 Windows (mingw-w64, PHP 8.2's Windows headers), DLL linked"
  out=$("$root/scripts/win32_glue.sh" "$build/win32glue" 2>&1)
  rc=$?
  echo "$out"
  n_ok=$(echo "$out" | grep -c '^PASS ')
  n_bad=$(echo "$out" | grep -c '^FAIL ')
  if [ "$rc" != 0 ] && [ "$n_bad" = 0 ]; then n_bad=1; fi
  summaries+=("stage win32glue: $n_ok passed, $n_bad failed ($((SECONDS - t0)) s)")
  total_pass=$((total_pass + n_ok))
  total_fail=$((total_fail + n_bad))
}
if [ "$win32_tests" != 0 ]; then
  win32glue_stage
  win32_stage
else
  for s in win32glue win32; do
    echo
    echo "== stage $s: SKIP (WIN32_TESTS=0)"
    summaries+=("stage $s: skipped (WIN32_TESTS=0)")
  done
fi

echo
echo "== summary (build $t_build s, whole run $SECONDS s)"
for s in "${summaries[@]}"; do echo "$s"; done
echo "wincache: $total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
